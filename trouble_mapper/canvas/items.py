"""Graphics items: a card (numbered tag), a cause link arrow and a zone. They draw model values only."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QFont, QPainter, QPainterPath, QPen, QPolygonF, QTextOption
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsPathItem,
    QWidget,
)

from trouble_mapper.canvas import palette
from trouble_mapper.domain.model import Card, Zone

if TYPE_CHECKING:  # importing QStyle classes at start-up costs PySide6 enum set-up time
    from PySide6.QtWidgets import QStyleOptionGraphicsItem

TAG_FONT = QFont("Sans Serif", 15, QFont.Weight.Bold)
TEXT_FONT = QFont("Sans Serif", 11)
ZONE_FONT = QFont("Sans Serif", 14, QFont.Weight.DemiBold)
TEXT_OPTION = QTextOption(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
TEXT_OPTION.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)  # long words still wrap
BADGE_HEIGHT = 30.0
PADDING = 8.0


class CardItem(QGraphicsItem):
    """A card on the map: a coloured tag with its number (T7) in a large badge and its text below."""

    def __init__(self, card: Card, movable: bool) -> None:
        super().__init__()
        self.card = card
        self.links: list[LinkItem] = []
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsMovable, movable)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemSendsGeometryChanges)
        self.setZValue(palette.Z_CARD)
        self.setPos(card.x, card.y)

    @property
    def card_id(self) -> str:
        return self.card.id

    def set_card(self, card: Card) -> None:
        """Show a new value of the card."""
        if (card.width, card.height) != (self.card.width, self.card.height):
            self.prepareGeometryChange()
        self.card = card
        self.setPos(card.x, card.y)
        self.update()

    def boundingRect(self) -> QRectF:
        return QRectF(0, 0, self.card.width, self.card.height)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem,
              widget: QWidget | None = None) -> None:
        fill, border = palette.KIND_COLOURS[self.card.kind]
        rect = self.boundingRect()
        selected = self.isSelected()
        painter.setPen(QPen(palette.SELECTION if selected else border, 4 if selected else 2))
        painter.setBrush(fill)
        painter.drawRoundedRect(rect.adjusted(1, 1, -1, -1), 8, 8)
        badge = QRectF(0, 0, max(56.0, 16.0 * len(self.card.tag) + 8), BADGE_HEIGHT)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(border)
        painter.drawRoundedRect(badge, 8, 8)
        painter.setPen(Qt.GlobalColor.white)
        painter.setFont(TAG_FONT)
        painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, self.card.tag)
        if self.card.votes:
            painter.setPen(palette.TEXT)
            painter.setFont(TEXT_FONT)
            painter.drawText(rect.adjusted(0, 4, -PADDING, 0),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop,
                             f"● {self.card.votes}")
        painter.setPen(palette.TEXT)
        painter.setFont(TEXT_FONT)
        text_rect = rect.adjusted(PADDING, BADGE_HEIGHT + 4, -PADDING, -PADDING)
        painter.drawText(text_rect, self.card.text, TEXT_OPTION)

    def itemChange(self, change: QGraphicsItem.GraphicsItemChange, value: object) -> object:
        if change == QGraphicsItem.GraphicsItemChange.ItemPositionHasChanged:
            for link in self.links:
                link.follow()
        return super().itemChange(change, value)


class LinkItem(QGraphicsPathItem):
    """An arrow from a cause card to its effect card, edge to edge; follows both as they move."""

    ARROW = 14.0

    def __init__(self, link_id: str, cause: CardItem, effect: CardItem) -> None:
        super().__init__()
        self.link_id = link_id
        self.cause, self.effect = cause, effect
        self.setPen(QPen(palette.LINK, 2.5))
        self.setBrush(QBrush(palette.LINK))
        self.setZValue(palette.Z_LINK)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
        cause.links.append(self)
        effect.links.append(self)
        self.follow()

    def detach(self) -> None:
        for end in (self.cause, self.effect):
            if self in end.links:
                end.links.remove(self)

    def follow(self) -> None:
        """Redraw the arrow between the current positions of its two cards."""
        start_rect = self.cause.sceneBoundingRect()
        end_rect = self.effect.sceneBoundingRect()
        line = QLineF(start_rect.center(), end_rect.center())
        start, end = _edge_point(start_rect, line), _edge_point(end_rect, QLineF(line.p2(), line.p1()))
        path = QPainterPath(start)
        path.lineTo(end)
        if QLineF(start, end).length() > self.ARROW:
            angle = math.atan2(start.y() - end.y(), start.x() - end.x())
            wing = math.radians(25)
            size = self.ARROW
            head = QPolygonF([end] + [
                end + QPointF(math.cos(angle + s * wing) * size, math.sin(angle + s * wing) * size)
                for s in (-1, 1)])
            path.addPolygon(head)
            path.closeSubpath()
        self.setPath(path)


def _edge_point(rect: QRectF, line: QLineF) -> QPointF:
    """Where ``line`` (from the centre of ``rect`` outwards) leaves ``rect``."""
    dx, dy = line.dx(), line.dy()
    if dx == 0 and dy == 0:
        return rect.center()
    scale = min(rect.width() / 2 / abs(dx) if dx else math.inf,
                rect.height() / 2 / abs(dy) if dy else math.inf)
    return QPointF(rect.center().x() + dx * min(scale, 1.0), rect.center().y() + dy * min(scale, 1.0))


class ZoneItem(QGraphicsItem):
    """A named region of the map, drawn as a tinted rectangle with its name."""

    def __init__(self, zone: Zone) -> None:
        super().__init__()
        self.zone = zone
        self.setZValue(palette.Z_ZONE)
        self.setPos(zone.x, zone.y)

    def set_zone(self, zone: Zone) -> None:
        self.prepareGeometryChange()
        self.zone = zone
        self.setPos(zone.x, zone.y)
        self.update()

    def boundingRect(self) -> QRectF:
        return QRectF(0, 0, self.zone.width, self.zone.height)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem,
              widget: QWidget | None = None) -> None:
        painter.setPen(QPen(palette.ZONE_BORDER, 2, Qt.PenStyle.DashLine))
        painter.setBrush(palette.ZONE_FILL)
        painter.drawRect(self.boundingRect())
        painter.setPen(palette.ZONE_BORDER)
        painter.setFont(ZONE_FONT)
        painter.drawText(self.boundingRect().adjusted(8, 4, -8, -4),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom, self.zone.name)
