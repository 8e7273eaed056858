"""MapScene: draws the workshop document and turns finished drags into one service call."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QImage, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QGraphicsPixmapItem, QGraphicsScene, QGraphicsSceneMouseEvent

from trouble_mapper.canvas import palette
from trouble_mapper.canvas.items import CardItem, LinkItem, ZoneItem
from trouble_mapper.canvas.picture import PictureDecoder
from trouble_mapper.domain.changes import Change
from trouble_mapper.domain.model import Background, Card, Link, Zone
from trouble_mapper.service import WorkshopService

GRID_STEP = 50
EMPTY_MAP = QRectF(0, 0, 1920, 1080)
MARGIN = 200


class MapScene(QGraphicsScene):
    """Mirrors the document: it reacts to ``service.changed`` and never decides what exists."""

    background_ready = Signal()  # a background picture has been decoded and placed

    def __init__(self, service: WorkshopService) -> None:
        super().__init__()
        self.service = service
        self.cards: dict[str, CardItem] = {}
        self.links: dict[str, LinkItem] = {}
        self.zones: dict[str, ZoneItem] = {}
        self.background_item: QGraphicsPixmapItem | None = None
        self._wanted_background: Background | None = None
        self._decoder = PictureDecoder()
        self._decoder.decoded.connect(self._place_background)
        doc = service.document
        self._show_background(doc.background)
        for zone in doc.zones.values():
            self._show_zone(zone)
        for card in doc.cards.values():
            self._show_card(card)
        for link in doc.links.values():
            self._show_link(link)
        self.update_scene_rect()
        service.changed.connect(self.on_changed)

    # Model -> items.

    def on_changed(self, changes: tuple[Change, ...]) -> None:
        grown = QRectF()
        for change in changes:
            entity = change.entity
            if isinstance(entity, Card):
                if change.after:
                    self._show_card(change.after)
                    grown = grown.united(self.cards[entity.id].sceneBoundingRect())
                else:
                    self._drop(self.cards, entity.id)
            elif isinstance(entity, Link):
                self._show_link(change.after) if change.after else self._drop_link(entity.id)
            elif isinstance(entity, Zone):
                self._show_zone(change.after) if change.after else self._drop(self.zones, entity.id)
                grown = grown.united(self.zones[entity.id].sceneBoundingRect()) if change.after else grown
            elif isinstance(entity, Background):
                self._show_background(change.after)  # type: ignore[arg-type]
        if not grown.isNull() and not self.sceneRect().contains(grown):
            # Grow only (cheap, keeps the view still); fit-all measures the whole map afresh.
            self.setSceneRect(self.sceneRect().united(grown.adjusted(-MARGIN, -MARGIN, MARGIN, MARGIN)))

    def _show_card(self, card: Card) -> None:
        item = self.cards.get(card.id)
        if item is None:
            item = self.cards[card.id] = CardItem(card, movable=not self.service.read_only)
            self.addItem(item)
        else:
            item.set_card(card)

    def _show_link(self, link: Link) -> None:
        if link.id not in self.links:
            item = LinkItem(link.id, self.cards[link.cause_id], self.cards[link.effect_id])
            self.links[link.id] = item
            self.addItem(item)

    def _drop_link(self, link_id: str) -> None:
        item = self.links.pop(link_id, None)
        if item is not None:
            item.detach()
            self.removeItem(item)

    def _show_zone(self, zone: Zone) -> None:
        item = self.zones.get(zone.id)
        if item is None:
            item = self.zones[zone.id] = ZoneItem(zone)
            self.addItem(item)
        else:
            item.set_zone(zone)

    def _drop(self, items: dict, entity_id: str) -> None:
        item = items.pop(entity_id, None)
        if item is not None:
            self.removeItem(item)

    def _show_background(self, background: Background | None) -> None:
        """Ask for the picture to be decoded; the cards show at once, the picture when it is ready."""
        self._wanted_background = background
        if background is None or not background.image:
            self._place_background(background, QImage())
        elif self.background_item is not None and self.background_item.data(0) == background.image:
            self._place_background(background, QImage())  # same picture, moved or scaled: keep pixels
        else:
            self._decoder.decode(background)

    @property
    def background_pending(self) -> bool:
        """True while a background picture is still being decoded."""
        wanted = self._wanted_background
        return bool(wanted and wanted.image) and (
            self.background_item is None or self.background_item.data(0) != wanted.image)

    def _place_background(self, background: Background | None, image: QImage) -> None:
        if background is not self._wanted_background:
            return  # a newer background was asked for while this one was decoding
        item = self.background_item
        if background is None or not background.image:
            if item is not None:
                self.removeItem(item)
                self.background_item = None
            return
        if image.isNull() and item is not None and item.data(0) == background.image:
            item.setPos(background.x, background.y)
            item.setScale(background.scale)
            self.update_scene_rect()
            return
        if item is not None:
            self.removeItem(item)
            self.background_item = None
        if image.isNull():
            return
        item = QGraphicsPixmapItem(QPixmap.fromImage(image))
        item.setData(0, background.image)
        item.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
        item.setPos(background.x, background.y)
        item.setScale(background.scale)
        item.setZValue(palette.Z_BACKGROUND)
        self.addItem(item)
        self.background_item = item
        self.update_scene_rect()
        self.background_ready.emit()

    def map_rect(self) -> QRectF:
        """The area worth showing: the background (or an empty 1080p sheet) and every item."""
        rect = self.background_item.sceneBoundingRect() if self.background_item else QRectF(EMPTY_MAP)
        return rect.united(self.itemsBoundingRect()) if self.cards else rect

    def update_scene_rect(self) -> None:
        self.setSceneRect(self.map_rect().adjusted(-MARGIN, -MARGIN, MARGIN, MARGIN))

    # Gestures -> service.

    def mouseReleaseEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        moved = {cid: (item.pos().x(), item.pos().y()) for cid, item in self.cards.items()
                 if (item.pos().x(), item.pos().y()) != (item.card.x, item.card.y)}
        if moved and not self.service.move_cards(moved):
            for cid in moved:  # not saved: put the cards back where the file says they are
                self.cards[cid].set_card(self.cards[cid].card)

    def drawBackground(self, painter: QPainter, rect: QRectF) -> None:
        """A clean grid where there is no background picture."""
        painter.fillRect(rect, palette.GRID.lighter(112))
        if self.background_item is not None:
            return
        painter.setPen(QPen(palette.GRID, 1))
        left = int(rect.left()) - int(rect.left()) % GRID_STEP
        top = int(rect.top()) - int(rect.top()) % GRID_STEP
        x = left
        while x < rect.right():
            painter.drawLine(x, int(rect.top()), x, int(rect.bottom()))
            x += GRID_STEP
        y = top
        while y < rect.bottom():
            painter.drawLine(int(rect.left()), y, int(rect.right()), y)
            y += GRID_STEP
