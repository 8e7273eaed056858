"""Graphics items: a card (numbered tag), a cause link arrow and a zone. They draw model values only.

Cards draw in three levels of detail, chosen from the painter's scale (as Qt's 40000 chips example does):
full (shape, tag badge, text, votes, category, action badge), tag only (shape and a large tag number,
for a room reading the map from afar), and overview, where the scene draws every card in one batch
(``overview.py``) and the items draw nothing.
"""

from __future__ import annotations

import functools
import math
from typing import TYPE_CHECKING

from PySide6.QtCore import QLineF, QPointF, QRectF, QSizeF, Qt
from PySide6.QtGui import (
    QBrush,
    QFont,
    QFontMetricsF,
    QPainter,
    QPainterPath,
    QPainterPathStroker,
    QPen,
    QPolygonF,
    QStaticText,
    QTextOption,
)
from PySide6.QtWidgets import QGraphicsItem, QWidget

from trouble_mapper.canvas import palette, room_look
from trouble_mapper.canvas.room_look import RoomViewport
from trouble_mapper.canvas.shapes import card_outline, note_fold
from trouble_mapper.domain.model import Card, Zone
from trouble_mapper.domain.progress import ActionState, CardProgress
from trouble_mapper.domain.vocabulary import CardKind

if TYPE_CHECKING:  # importing QStyle classes at start-up costs PySide6 enum set-up time
    from PySide6.QtWidgets import QStyleOptionGraphicsItem


def _font(pixel_size: int, weight: QFont.Weight = QFont.Weight.Normal) -> QFont:
    font = QFont("Sans Serif")
    font.setPixelSize(pixel_size)
    font.setWeight(weight)
    return font


TAG_FONT = _font(22, QFont.Weight.Bold)
BIG_TAG_FONT = _font(52, QFont.Weight.Bold)
TEXT_FONT = _font(15)
SMALL_FONT = _font(12, QFont.Weight.DemiBold)
ZONE_FONT = _font(20, QFont.Weight.DemiBold)
BADGE_HEIGHT = 30.0
FOOTER_HEIGHT = 20.0
PADDING = 8.0
HANDLE_RADIUS = 9.0
FULL_DETAIL_SCALE = 0.55  # below this zoom a card shows its shape and a large tag only
OVERVIEW_SCALE = 0.3  # below this zoom the scene draws the cards and links in batches (overview.py)

_SELECTION_PEN = QPen(palette.SELECTION, 4)
_WHITE = QPen(Qt.GlobalColor.white)
_TEXT_PEN = QPen(palette.TEXT)
_BORDER_PENS = {kind: QPen(border, 2) for kind, (_fill, border) in palette.KIND_COLOURS.items()}
_FILLS = {kind: QBrush(fill) for kind, (fill, _border) in palette.KIND_COLOURS.items()}
_BADGE_BRUSHES = {kind: QBrush(border) for kind, (_fill, border) in palette.KIND_COLOURS.items()}
_PROGRESS = {
    ActionState.OVERDUE: (palette.OVERDUE, "overdue"),
    ActionState.OPEN: (palette.OPEN_ACTION, "open"),
    ActionState.DONE: (palette.DONE_ACTION, "done ✓"),
}


def plain_static_text(text: str, width: float | None = None) -> QStaticText:
    """Text laid out once and drawn many times; never read as markup; long words still wrap."""
    static = QStaticText(text)
    static.setTextFormat(Qt.TextFormat.PlainText)
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
    static.setTextOption(option)
    if width is not None:
        static.setTextWidth(width)
    return static


@functools.cache
def _metrics(font: QFont) -> QFontMetricsF:
    return QFontMetricsF(font)


def centred_text(text: str, font: QFont, box: QRectF) -> tuple[QStaticText, QPointF]:
    """A one-line label laid out once, and where to draw it to centre it in ``box``."""
    metrics = _metrics(font)
    static = plain_static_text(text)
    static.prepare(font=font)
    at = QPointF(box.center().x() - metrics.horizontalAdvance(text) / 2,
                 box.center().y() - metrics.height() / 2)
    return static, at


class CardItem(QGraphicsItem):
    """A card on the map: its kind's shape and colour, the tag number (T7) in a large badge, its text."""

    def __init__(self, card: Card, movable: bool, category_colour=None, progress=None) -> None:
        super().__init__()
        self.card = card
        self.links: list[LinkItem] = []
        self.category_colour = category_colour
        self.progress: CardProgress | None = progress
        self._hovered = False
        self.dimmed = False
        self.rect_in_scene = QRectF(card.x, card.y, card.width, card.height)  # kept for batch drawing
        self._room: tuple[tuple, room_look.RoomCard] | None = None  # layout for the room's screen, by key
        self._layout()
        self.setPos(card.x, card.y)  # before the flags: no itemChange round trip per new card
        flags = QGraphicsItem.GraphicsItemFlag
        self.setFlags(flags.ItemIsSelectable | flags.ItemSendsGeometryChanges | flags.ItemIsFocusable
                      | (flags.ItemIsMovable if movable else flags(0)))
        self.setAcceptHoverEvents(movable)  # Z_CARD is the default z value: nothing to set

    @property
    def card_id(self) -> str:
        return self.card.id

    def set_card(self, card: Card) -> None:
        """Show a new value of the card."""
        old = self.card
        if (card.width, card.height) != (old.width, old.height):
            self.prepareGeometryChange()
        self.card = card
        self.rect_in_scene = QRectF(self.pos(), QSizeF(card.width, card.height))
        if (card.text, card.width, card.height, card.kind, card.number, card.category, card.votes) != (
                old.text, old.width, old.height, old.kind, old.number, old.category, old.votes):
            self._layout()
        self.setPos(card.x, card.y)
        self.update()

    def set_look(self, category_colour, progress: CardProgress | None) -> None:
        if (category_colour, progress) != (self.category_colour, self.progress):
            self.category_colour, self.progress = category_colour, progress
            self._laid_out = False
            self.update()

    def _layout(self) -> None:
        """Note the card's size now; lay out its texts when it is first drawn (a 2,000-card map opens
        without laying out 2,000 cards nobody is looking at)."""
        card = self.card
        margin = room_look.HALO_MARGIN  # the room's selection halo; the link handle fits inside it too
        self._bounds = QRectF(-margin, -margin, card.width + 2 * margin, card.height + 2 * margin)
        self._laid_out = False

    def _lay_out_texts(self) -> None:
        """Lay out every label once per change, not once per frame."""
        card = self.card
        self._big_tag = plain_static_text(card.tag)
        big = _metrics(BIG_TAG_FONT)
        self._big_tag_at = QPointF((card.width - big.horizontalAdvance(card.tag)) / 2,
                                   (card.height - big.height()) / 2)
        self._text = plain_static_text(card.text, card.width - 2 * PADDING)
        self._text.prepare(font=TEXT_FONT)
        self._text_rect = QRectF(PADDING, BADGE_HEIGHT + 4, card.width - 2 * PADDING,
                                 card.height - BADGE_HEIGHT - FOOTER_HEIGHT - 8)
        self._text_overflows = self._text.size().height() > self._text_rect.height()
        self._badge = QRectF(0, 0, max(56.0, _metrics(TAG_FONT).horizontalAdvance(card.tag) + 20),
                             BADGE_HEIGHT)
        self._tag = centred_text(card.tag, TAG_FONT, self._badge)
        self._votes_box = QRectF(card.width - 58, 4, 50, 22)
        self._votes = centred_text(f"● {card.votes}", SMALL_FONT, self._votes_box)
        small = _metrics(SMALL_FONT)
        category = small.elidedText(card.category, Qt.TextElideMode.ElideRight, card.width * 0.55)
        bottom = card.height - FOOTER_HEIGHT - 3
        self._category_swatch = QRectF(PADDING, bottom + 3, 14, 14)
        self._category = plain_static_text(category)
        self._category.prepare(font=SMALL_FONT)
        self._category_at = QPointF(PADDING + 18, bottom + (FOOTER_HEIGHT - small.height()) / 2)
        self._progress_label = None
        if self.progress is not None:
            colour, word = _PROGRESS[self.progress.state]
            label = word if self.progress.state is ActionState.DONE else f"{self.progress.count} {word}"
            width = small.horizontalAdvance(label) + 14
            box = QRectF(card.width - width - PADDING, bottom, width, FOOTER_HEIGHT)
            self._progress_label = (colour, box, *centred_text(label, SMALL_FONT, box))
        self._laid_out = True

    @property
    def big_tag(self) -> QStaticText:
        if not self._laid_out:
            self._lay_out_texts()
        return self._big_tag

    @property
    def big_tag_at(self) -> QPointF:
        if not self._laid_out:
            self._lay_out_texts()
        return self._big_tag_at

    def boundingRect(self) -> QRectF:
        return self._bounds

    def shape(self) -> QPainterPath:
        path = card_outline(self.card.kind, self.card.width, self.card.height)
        if self._shows_handle():
            handle = QPainterPath()
            handle.addEllipse(self.handle_centre(), HANDLE_RADIUS + 3, HANDLE_RADIUS + 3)
            return path.united(handle)  # not addEllipse: the odd-even fill would punch a hole
        return path

    def handle_centre(self) -> QPointF:
        """Where the link handle sits: the middle of the right edge."""
        return QPointF(self.card.width, self.card.height / 2)

    def on_handle(self, local: QPointF) -> bool:
        """True when ``local`` (item coordinates) is on the visible link handle."""
        return self._shows_handle() and QLineF(local, self.handle_centre()).length() <= HANDLE_RADIUS + 3

    def _shows_handle(self) -> bool:
        return bool(self.flags() & QGraphicsItem.GraphicsItemFlag.ItemIsMovable) and (
            self._hovered or self.isSelected())

    def set_dimmed(self, dimmed: bool) -> None:
        """Dimmed cards do not match the search box; they stay in place, faint."""
        if dimmed != self.dimmed:
            self.dimmed = dimmed
            self.setOpacity(palette.DIMMED_OPACITY if dimmed else 1.0)

    def set_overview(self, overview: bool) -> None:
        """In overview the scene draws this card in a batch with all the others."""
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemHasNoContents, overview)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem,
              widget: QWidget | None = None) -> None:
        if widget is not None and painter.worldTransform().m11() < OVERVIEW_SCALE:
            return  # this view is zoomed out (the other is not): it draws the card in a batch
        if type(widget) is RoomViewport and widget.look is not None:
            self._paint_for_room(painter, widget.look)
            return
        card = self.card
        kind = card.kind
        outline = card_outline(kind, card.width, card.height)
        selected = self.isSelected()
        painter.setPen(_SELECTION_PEN if selected else _BORDER_PENS[kind])
        painter.setBrush(_FILLS[kind])
        painter.drawPath(outline)
        if kind is CardKind.NOTE:
            painter.setBrush(_BADGE_BRUSHES[kind])
            painter.drawPath(note_fold(card.width, card.height))
        if not self._laid_out:
            self._lay_out_texts()
        if painter.worldTransform().m11() < FULL_DETAIL_SCALE:
            painter.setPen(_BORDER_PENS[kind])
            painter.setFont(BIG_TAG_FONT)
            painter.drawStaticText(self.big_tag_at, self.big_tag)
            return
        self._paint_badges(painter)
        painter.setPen(_TEXT_PEN)
        painter.setFont(TEXT_FONT)
        if self._text_overflows:
            painter.save()
            painter.setClipRect(self._text_rect)
            painter.drawStaticText(self._text_rect.topLeft(), self._text)
            painter.restore()
        else:
            painter.drawStaticText(self._text_rect.topLeft(), self._text)
        self._paint_footer(painter)
        if self._shows_handle():
            painter.setPen(_WHITE)
            painter.setBrush(palette.HANDLE)
            painter.drawEllipse(self.handle_centre(), HANDLE_RADIUS, HANDLE_RADIUS)

    def room_layout(self, scale: float) -> room_look.RoomCard:
        """The card laid out for the room's screen at ``scale``, kept until the card or scale changes."""
        card = self.card
        key = (scale, card.kind, card.number, card.text, card.category, card.votes, card.width, card.height)
        if self._room is None or self._room[0] != key:  # a move or a new zone keeps the layout
            self._room = (key, room_look.lay_out(card, scale))
        return self._room[1]

    def _paint_for_room(self, painter: QPainter, look: room_look.RoomLook) -> None:
        room_look.paint_card(painter, self.card, self.room_layout(look.font_scale), look, self.isSelected(),
                             self.category_colour)

    def _paint_badges(self, painter: QPainter) -> None:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(_BADGE_BRUSHES[self.card.kind])
        painter.drawRoundedRect(self._badge, 8, 8)
        painter.setPen(_WHITE)
        painter.setFont(TAG_FONT)
        painter.drawStaticText(self._tag[1], self._tag[0])
        if self.card.votes:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(palette.TEXT)
            painter.drawRoundedRect(self._votes_box, 11, 11)
            painter.setPen(_WHITE)
            painter.setFont(SMALL_FONT)
            painter.drawStaticText(self._votes[1], self._votes[0])

    def _paint_footer(self, painter: QPainter) -> None:
        painter.setFont(SMALL_FONT)
        if self.category_colour is not None:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(self.category_colour)
            painter.drawRect(self._category_swatch)
            painter.setPen(_TEXT_PEN)
            painter.drawStaticText(self._category_at, self._category)
        if self._progress_label is not None:
            colour, box, label, at = self._progress_label
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(colour)
            painter.drawRoundedRect(box, 9, 9)
            painter.setPen(_WHITE)
            painter.drawStaticText(at, label)

    def hoverEnterEvent(self, event) -> None:
        self.prepareGeometryChange()
        self._hovered = True
        super().hoverEnterEvent(event)

    def hoverLeaveEvent(self, event) -> None:
        self.prepareGeometryChange()
        self._hovered = False
        super().hoverLeaveEvent(event)

    def itemChange(self, change: QGraphicsItem.GraphicsItemChange, value: object) -> object:
        if change == QGraphicsItem.GraphicsItemChange.ItemPositionHasChanged:
            self.rect_in_scene = QRectF(self.pos(), QSizeF(self.card.width, self.card.height))
            for link in self.links:
                link.follow()
        elif change == QGraphicsItem.GraphicsItemChange.ItemSelectedHasChanged:
            self.prepareGeometryChange()  # the handle's area joins or leaves the shape
        return super().itemChange(change, value)


class LinkItem(QGraphicsItem):
    """An arrow from a cause card to its effect card, edge to edge; follows both as they move.

    Drawn as one line and a small filled head: stroking a QPainterPath is far slower for long arrows.
    """

    ARROW = 16.0
    PEN = QPen(palette.LINK, 3, Qt.PenStyle.SolidLine, Qt.PenCapStyle.FlatCap)
    SELECTED_PEN = QPen(palette.SELECTION, 6, Qt.PenStyle.SolidLine, Qt.PenCapStyle.FlatCap)
    HEAD_BRUSH = QBrush(palette.LINK)

    def __init__(self, link_id: str, cause: CardItem, effect: CardItem) -> None:
        super().__init__()
        self.link_id = link_id
        self.cause, self.effect = cause, effect
        self.setZValue(palette.Z_LINK)
        self.setFlags(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
        cause.links.append(self)
        effect.links.append(self)
        self.line = QLineF()
        self.head = QPolygonF()
        self._bounds = QRectF()
        self.follow()

    def detach(self) -> None:
        for end in (self.cause, self.effect):
            if self in end.links:
                end.links.remove(self)

    def follow(self) -> None:
        """Redraw the arrow between the current positions of its two cards."""
        start_rect = _card_rect(self.cause)
        end_rect = _card_rect(self.effect)
        line = QLineF(start_rect.center(), end_rect.center())
        start, end = _edge_point(start_rect, line), _edge_point(end_rect, QLineF(line.p2(), line.p1()))
        self.prepareGeometryChange()
        self.line = QLineF(start, end)
        self.head = QPolygonF()
        if self.line.length() > self.ARROW:
            angle = math.atan2(start.y() - end.y(), start.x() - end.x())
            wing, size = math.radians(25), self.ARROW
            self.head = QPolygonF([end] + [
                end + QPointF(math.cos(angle + s * wing) * size, math.sin(angle + s * wing) * size)
                for s in (-1, 1)])
            tip = self.line.length() - self.ARROW * 0.8  # the shaft ends inside the head, not at its tip
            self._shaft = QLineF(start, self.line.pointAt(tip / self.line.length()))
        else:
            self._shaft = QLineF(self.line)
        self._bounds = QRectF(start, end).normalized().united(self.head.boundingRect()).adjusted(-4, -4, 4, 4)

    def boundingRect(self) -> QRectF:
        return self._bounds

    def shape(self) -> QPainterPath:
        path = QPainterPath(self.line.p1())
        path.lineTo(self.line.p2())
        stroker = QPainterPathStroker()
        stroker.setWidth(14)
        return stroker.createStroke(path)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem,
              widget: QWidget | None = None) -> None:
        if widget is not None and painter.worldTransform().m11() < OVERVIEW_SCALE:
            return  # drawn in the overview batch of this view
        painter.setPen(self.SELECTED_PEN if self.isSelected() else self.PEN)
        painter.drawLine(self._shaft)
        if not self.head.isEmpty():
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(self.HEAD_BRUSH)
            painter.drawPolygon(self.head)


def _card_rect(item: CardItem) -> QRectF:
    return item.rect_in_scene


def _edge_point(rect: QRectF, line: QLineF) -> QPointF:
    """Where ``line`` (from the centre of ``rect`` outwards) leaves ``rect``."""
    dx, dy = line.dx(), line.dy()
    if dx == 0 and dy == 0:
        return rect.center()
    scale = min(rect.width() / 2 / abs(dx) if dx else math.inf,
                rect.height() / 2 / abs(dy) if dy else math.inf)
    return QPointF(rect.center().x() + dx * min(scale, 1.0), rect.center().y() + dy * min(scale, 1.0))


class ZoneItem(QGraphicsItem):
    """A named region of the map, drawn as a tinted rectangle with its name on a tab at the top left."""

    BORDER = QPen(palette.ZONE_BORDER, 2, Qt.PenStyle.DashLine)

    def __init__(self, zone: Zone) -> None:
        super().__init__()
        self.setZValue(palette.Z_ZONE)
        self._show(zone)

    def set_zone(self, zone: Zone) -> None:
        self.prepareGeometryChange()
        self._show(zone)
        self.update()

    def _show(self, zone: Zone) -> None:
        self.zone = zone
        self._label = plain_static_text(zone.name)
        width = _metrics(ZONE_FONT).horizontalAdvance(zone.name) + 16
        self._label_rect = QRectF(0, 0, min(width, zone.width), 30)
        self._rect = QRectF(0, 0, zone.width, zone.height)
        self.setPos(zone.x, zone.y)

    def boundingRect(self) -> QRectF:
        return QRectF(-1, -1, self.zone.width + 2, self.zone.height + 2)

    def label_rect(self) -> QRectF:
        return QRectF(self._label_rect)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem,
              widget: QWidget | None = None) -> None:
        antialiased = painter.testRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)  # axis-aligned dashes: AA costs 6x
        painter.setPen(self.BORDER)
        painter.setBrush(palette.ZONE_FILL)
        painter.drawRect(self._rect)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, antialiased)
        label = self._label_rect
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(palette.ZONE_BORDER)
        painter.drawRect(label)
        painter.setPen(_WHITE)
        painter.setFont(ZONE_FONT)
        painter.save()
        painter.setClipRect(label)
        painter.drawStaticText(QPointF(8, 3), self._label)
        painter.restore()
