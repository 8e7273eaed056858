"""MapScene: draws the workshop document and turns finished gestures into one service call each.

The scene never decides what exists: it mirrors ``service.changed``. Gestures it owns (moving cards,
dragging a link from a card's handle, drawing a zone, typing a card in place) end in a service call; an
edit the service refuses is reported through ``refused`` and the map goes back to what the file says.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from datetime import date

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QImage, QPainter, QPen, QPixmap
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsLineItem,
    QGraphicsPixmapItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsSceneMouseEvent,
)

from trouble_mapper.canvas import palette
from trouble_mapper.canvas.capture import CardDraft
from trouble_mapper.canvas.items import FULL_DETAIL_SCALE, CardItem, LinkItem, ZoneItem
from trouble_mapper.canvas.overview import OVERVIEW_SCALE, paint_overview
from trouble_mapper.canvas.picture import PictureDecoder
from trouble_mapper.domain.changes import Change
from trouble_mapper.domain.model import (
    CARD_HEIGHT,
    CARD_WIDTH,
    Action,
    Background,
    Card,
    Link,
    Workshop,
    Zone,
)
from trouble_mapper.domain.progress import card_progress
from trouble_mapper.domain.rules import RuleError, describe_count
from trouble_mapper.domain.vocabulary import CardKind
from trouble_mapper.service import WorkshopService

GRID_STEP = 50
EMPTY_MAP = QRectF(0, 0, 1920, 1080)
MARGIN = 200
CARD_GAP = 24.0
MOVE_TOLERANCE = 1e-6  # a drag back to where it began can land a rounding step away: not a move
MIN_ZONE = 40.0


class MapScene(QGraphicsScene):
    """Mirrors the document: it reacts to ``service.changed`` and never decides what exists."""

    background_ready = Signal()  # a background picture has been decoded and placed
    refused = Signal(str)  # an edit the service refused, in the user's words
    notice = Signal(str)  # what a key just did, for the status bar ("T7: 5 dots")
    zone_drawn = Signal(QRectF)  # the facilitator drew a zone; the window asks for its name
    zone_mode_changed = Signal(bool)  # drawing zones started or ended
    draft_opened = Signal(QRectF)  # a card is being typed here: the view brings it into sight

    def __init__(self, service: WorkshopService, today: date | None = None) -> None:
        super().__init__()
        self.service = service
        self.today = today or date.today()
        self.cards: dict[str, CardItem] = {}
        self.links: dict[str, LinkItem] = {}
        self.zones: dict[str, ZoneItem] = {}
        self.background_item: QGraphicsPixmapItem | None = None
        self.draft: CardDraft | None = None
        self.zone_mode = False
        self.voter_id: str | None = None  # whose dots + and - count (None: the room's tally)
        self._chain = True  # Enter on a new card opens the next one (not when another gesture ends it)
        self.selection_order: list[str] = []  # selected card ids, first selected first
        self._overview = False
        self._links_chosen_before_overview: list[LinkItem] = []
        self._scale = 1.0  # the editing view's zoom
        self._room_scale: float | None = None  # the room's view's zoom, while it is open
        self._query = ""
        self._extent: QRectF | None = None  # map_rect, measured again after any change
        self._link_drag: tuple[CardItem, QGraphicsLineItem] | None = None
        self._zone_drag: tuple[QPointF, QGraphicsRectItem] | None = None
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
        self._refresh_looks()
        self.update_scene_rect()
        self.selectionChanged.connect(self._track_selection_order)
        service.changed.connect(self.on_changed)

    # Model -> items.

    def on_changed(self, changes: tuple[Change, ...]) -> None:
        self._extent = None
        grown = QRectF()
        looks: set[str] = set()
        all_looks = False
        for change in changes:
            entity = change.entity
            if isinstance(entity, Card):
                if change.after:
                    self._show_card(change.after)
                    looks.add(entity.id)
                    grown = grown.united(self.cards[entity.id].rect_in_scene)
                else:
                    self._drop_card(entity.id)
            elif isinstance(entity, Link):
                self._show_link(change.after) if change.after else self._drop_link(entity.id)
            elif isinstance(entity, Zone):
                self._show_zone(change.after) if change.after else self._drop_zone(entity.id)
                grown = grown.united(self.zones[entity.id].sceneBoundingRect()) if change.after else grown
            elif isinstance(entity, Background):
                self._show_background(change.after)  # type: ignore[arg-type]
            elif isinstance(entity, (Action, Workshop)):
                all_looks = True
        self._refresh_looks(None if all_looks else looks)
        if self._query:
            self.set_query(self._query)
        if not grown.isNull() and not self.sceneRect().contains(grown):
            # Grow only (cheap, keeps the view still); fit-all measures the whole map afresh.
            self.setSceneRect(self.sceneRect().united(grown.adjusted(-MARGIN, -MARGIN, MARGIN, MARGIN)))

    def _show_card(self, card: Card) -> None:
        item = self.cards.get(card.id)
        if item is None:
            item = self.cards[card.id] = CardItem(card, movable=not self.service.read_only)
            item.set_overview(self._overview)
            self.addItem(item)
        else:
            item.set_card(card)

    def _drop_card(self, card_id: str) -> None:
        item = self.cards.pop(card_id, None)
        if item is not None:
            self.removeItem(item)

    def _show_link(self, link: Link) -> None:
        if link.id not in self.links:
            item = LinkItem(link.id, self.cards[link.cause_id], self.cards[link.effect_id])
            item.setVisible(not self._overview)
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

    def _drop_zone(self, zone_id: str) -> None:
        item = self.zones.pop(zone_id, None)
        if item is not None:
            self.removeItem(item)

    def _refresh_looks(self, card_ids: Iterable[str] | None = None) -> None:
        """Category colours and action badges of ``card_ids`` (all cards when None)."""
        doc = self.service.document
        progress = card_progress(doc.actions.values(), self.today)
        scheme = doc.workshop.category_scheme
        ids = self.cards.keys() if card_ids is None else [cid for cid in card_ids if cid in self.cards]
        for card_id in ids:
            item = self.cards[card_id]
            item.set_look(palette.category_colour(scheme, item.card.category), progress.get(card_id))

    # The background picture.

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
            self._place_background_item(item, background)
            return
        if item is not None:
            self.removeItem(item)
            self.background_item = None
        if image.isNull():
            self.refused.emit("The background picture stored in this workshop could not be read.")
            return
        item = QGraphicsPixmapItem(QPixmap.fromImage(image))
        item.setData(0, background.image)
        item.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
        item.setZValue(palette.Z_BACKGROUND)
        self.addItem(item)
        self.background_item = item
        self._place_background_item(item, background)
        self.background_ready.emit()

    def _place_background_item(self, item: QGraphicsPixmapItem, background: Background) -> None:
        item.setPos(background.x, background.y)
        item.setScale(background.scale)
        item.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsMovable,
                     not background.locked and not self.service.read_only)
        self.update_scene_rect()

    # Extent, detail and search.

    def map_rect(self) -> QRectF:
        """The area worth showing: the background (or an empty 1080p sheet) and every item."""
        if self._extent is None:
            rect = self.background_item.sceneBoundingRect() if self.background_item else QRectF(EMPTY_MAP)
            for item in self.cards.values():
                rect = rect.united(item.rect_in_scene)
            for zone in self.zones.values():
                rect = rect.united(zone.sceneBoundingRect())
            self._extent = rect
        return QRectF(self._extent)

    def update_scene_rect(self) -> None:
        self._extent = None
        self.setSceneRect(self.map_rect().adjusted(-MARGIN, -MARGIN, MARGIN, MARGIN))

    def set_scale(self, scale: float) -> None:
        """Told by the editing view when its zoom changes: switches the overview drawing on or off."""
        self._scale = scale
        self._update_overview()

    def set_room_scale(self, scale: float | None) -> None:
        """Told by the room's view (presenter) when its zoom changes; None when it closes. The cards
        are drawn in overview only while every view is zoomed out that far."""
        self._room_scale = scale
        self._update_overview()

    def _update_overview(self) -> None:
        """While every view is zoomed out, the items have no contents at all (no paint call each)."""
        overview = max(self._scale, self._room_scale or 0.0) < OVERVIEW_SCALE
        if overview != self._overview:
            self._overview = overview
            for item in self.cards.values():
                item.set_overview(overview)
            chosen = [link for link in self.links.values() if link.isSelected()] if overview else []
            for link in self.links.values():
                link.setVisible(not overview)  # hidden links lose their selection: keep it for later
            if overview:
                self._links_chosen_before_overview = chosen
            else:
                for link in self._links_chosen_before_overview:
                    if link.link_id in self.links:
                        link.setSelected(True)
                self._links_chosen_before_overview = []

    @property
    def overview(self) -> bool:
        return self._overview

    def set_query(self, query: str) -> set[str] | None:
        """Dim every card that does not match the search box; returns the matching ids (None: all)."""
        from trouble_mapper.domain.card_filter import matching_card_ids

        self._query = query
        matches = matching_card_ids(self.service.document, query, today=self.today)
        for card_id, item in self.cards.items():
            item.set_dimmed(matches is not None and card_id not in matches)
        self.update()
        return matches

    def drawForeground(self, painter: QPainter, rect: QRectF) -> None:
        if self._overview:
            self.paint_overview(painter, rect)

    def paint_overview(self, painter: QPainter, rect: QRectF) -> None:
        """Every card and link in batches. Drawn here while every view is zoomed out; when only one of
        two views is (the editor zoomed out, the room's view zoomed in), that view asks for it and the
        items skip their own painting there (``CardItem.paint``)."""
        paint_overview(painter, rect, self.cards.values(), self.links.values(), self.selectedItems(),
                           painter.worldTransform().m11())

    def drawBackground(self, painter: QPainter, rect: QRectF) -> None:
        """A clean grid where there is no background picture."""
        painter.fillRect(rect, palette.GRID.lighter(112))
        if self.background_item is not None or painter.worldTransform().m11() < 0.2:
            return
        painter.setPen(QPen(palette.GRID, 0))
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)  # axis-aligned: crisp and cheap
        left = int(rect.left()) - int(rect.left()) % GRID_STEP
        top = int(rect.top()) - int(rect.top()) % GRID_STEP
        lines = [QLineF(x, rect.top(), x, rect.bottom())
                 for x in range(left, int(rect.right()) + 1, GRID_STEP)]
        lines += [QLineF(rect.left(), y, rect.right(), y)
                  for y in range(top, int(rect.bottom()) + 1, GRID_STEP)]
        painter.drawLines(lines)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)

    def set_zone_mode(self, on: bool) -> None:
        """While on, a drag on the map draws a zone instead of selecting."""
        if on != self.zone_mode:
            self.zone_mode = on
            self.zone_mode_changed.emit(on)

    # Selection.

    def _track_selection_order(self) -> None:
        selected = {item.card_id for item in self.selectedItems() if isinstance(item, CardItem)}
        self.selection_order = [cid for cid in self.selection_order if cid in selected]
        known = set(self.selection_order)
        self.selection_order += [cid for cid in self.cards if cid in selected and cid not in known]

    def selected_card_ids(self) -> list[str]:
        """Selected cards, in the order they were selected."""
        return list(self.selection_order)

    def selected_link_ids(self) -> list[str]:
        return [item.link_id for item in self.selectedItems() if isinstance(item, LinkItem)]

    def select_only(self, card_ids: Iterable[str]) -> None:
        self.clearSelection()
        for card_id in card_ids:
            if card_id in self.cards:
                self.cards[card_id].setSelected(True)

    # Typing cards in place.

    def start_draft(self, kind: CardKind, at: QPointF, *, link_to: str | None = None,
                    area: QRectF | None = None) -> CardDraft | None:
        """Open a draft card of ``kind`` with its top-left at ``at``; Enter pins it and opens the next."""
        if self.service.read_only:
            self.refused.emit("This workshop is open read-only: use File > Save a Copy to edit it.")
            return None
        self.finish_draft()
        number = self.service.document.tag_high_water.get(kind, 0) + 1
        rect = QRectF(at.x(), at.y(), CARD_WIDTH, CARD_HEIGHT)
        draft = CardDraft(kind, rect, caption=f"{kind.prefix}{number}")
        draft.committed.connect(lambda text: self._commit_new(draft, text, link_to, area))
        draft.cancelled.connect(lambda: self._close_draft(draft))
        return self._open_draft(draft)

    def edit_text(self, card_id: str) -> CardDraft | None:
        """Edit a card's text in place (double-click, Enter or F2)."""
        item = self.cards.get(card_id)
        if item is None or self.service.read_only:
            return None
        self.finish_draft()
        card = item.card
        draft = CardDraft(card.kind, QRectF(card.x, card.y, card.width, card.height), card.text, card.tag)
        draft.committed.connect(lambda text: self._commit_edit(draft, card_id, text))
        draft.cancelled.connect(lambda: self._close_draft(draft))
        item.setVisible(False)
        return self._open_draft(draft)

    def edit_selected_text(self) -> None:
        selected = self.selected_card_ids()
        if len(selected) == 1:
            self.edit_text(selected[0])

    def finish_draft(self) -> None:
        """Pin what is being typed (if anything) without opening the next card."""
        if self.draft is not None:
            self._chain = False
            try:
                self.draft.finish(commit=True)
            finally:
                self._chain = True

    def _open_draft(self, draft: CardDraft) -> CardDraft:
        self.draft = draft
        self.addItem(draft)
        self.clearSelection()
        self.setFocusItem(draft, Qt.FocusReason.OtherFocusReason)
        self.draft_opened.emit(draft.sceneBoundingRect())
        return draft

    def _close_draft(self, draft: CardDraft) -> None:
        if self.draft is draft:
            self.draft = None
        for item in self.cards.values():
            if not item.isVisible():
                item.setVisible(True)
        draft.setFocus(Qt.FocusReason.OtherFocusReason)
        draft.clearFocus()
        self.removeItem(draft)
        draft.deleteLater()

    def _commit_new(self, draft: CardDraft, text: str, link_to: str | None, area: QRectF | None) -> None:
        at = draft.pos()
        self._close_draft(draft)
        if not text:
            return  # Enter on an empty draft ends capturing
        try:
            card = self.service.add_card(draft.kind, at.x(), at.y(), text,
                                         link_to=link_to if link_to in self.cards else None)
        except RuleError as error:
            self.refused.emit(str(error))
            return
        self.select_only([card.id])
        if self._chain:
            self.start_draft(draft.kind, self._next_slot(card, area), link_to=link_to, area=area)

    def _commit_edit(self, draft: CardDraft, card_id: str, text: str) -> None:
        self._close_draft(draft)
        if not text or card_id not in self.cards or text == self.cards[card_id].card.text.strip():
            return  # nothing typed, or nothing changed: no undo step, the text stays exactly as it was
        try:
            self.service.update_card(card_id, text=text)
        except RuleError as error:
            self.refused.emit(str(error))
        self.select_only([card_id])

    def _next_slot(self, card: Card, area: QRectF | None) -> QPointF:
        """Below the card just pinned; at the top of the next column when the view's bottom is reached."""
        below = QPointF(card.x, card.y + card.height + CARD_GAP)
        if area is not None and below.y() + card.height > area.bottom():
            return QPointF(card.x + card.width + CARD_GAP, area.top() + CARD_GAP)
        return below

    # Gestures -> service.

    def card_at(self, scene_pos: QPointF, excluding: CardItem | None = None) -> CardItem | None:
        for item in self.items(scene_pos):
            if isinstance(item, CardItem) and item is not excluding and item.isVisible():
                return item
        return None

    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.draft is None:
            item = self.card_at(event.scenePos())
            if (item is not None and self._scale >= FULL_DETAIL_SCALE
                    and item.on_handle(item.mapFromScene(event.scenePos()))):
                line = QGraphicsLineItem(QLineF(item.rect_in_scene.center(), event.scenePos()))
                line.setPen(QPen(palette.SELECTION, 3, Qt.PenStyle.DashLine))
                line.setZValue(palette.Z_EDITOR)
                self.addItem(line)
                self._link_drag = (item, line)
                event.accept()
                return
            if self.zone_mode and not self.service.read_only:
                box = QGraphicsRectItem(QRectF(event.scenePos(), event.scenePos()))
                box.setPen(QPen(palette.ZONE_BORDER, 3, Qt.PenStyle.DashLine))
                box.setZValue(palette.Z_EDITOR)
                self.addItem(box)
                self._zone_drag = (event.scenePos(), box)
                event.accept()
                return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        if self._link_drag is not None:
            source, line = self._link_drag
            line.setLine(QLineF(source.rect_in_scene.center(), event.scenePos()))
            return
        if self._zone_drag is not None:
            start, box = self._zone_drag
            box.setRect(QRectF(start, event.scenePos()).normalized())
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        if self._link_drag is not None:
            source, line = self._link_drag
            self._link_drag = None
            self.removeItem(line)
            target = self.card_at(event.scenePos(), excluding=source)
            if target is not None:
                self.link_cards(source.card_id, target.card_id)
            return
        if self._zone_drag is not None:
            _start, box = self._zone_drag
            self._zone_drag = None
            self.removeItem(box)
            rect = box.rect()
            self.set_zone_mode(False)
            if rect.width() >= MIN_ZONE and rect.height() >= MIN_ZONE:
                self.zone_drawn.emit(rect)
            return
        super().mouseReleaseEvent(event)
        self._save_moves()

    def mouseDoubleClickEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        item = self.card_at(event.scenePos())
        if item is not None:
            self.edit_text(item.card_id)
        elif self.draft is None and event.button() == Qt.MouseButton.LeftButton:
            at = event.scenePos()
            self.start_draft(CardKind.TROUBLE, QPointF(at.x() - 90, at.y() - 55))
        event.accept()

    def link_cards(self, cause_id: str, effect_id: str) -> None:
        self.try_edit(self.service.add_link, cause_id, effect_id)

    # Edits of the selection (keys, menus, context menu).

    def delete_selection(self) -> None:
        """Delete the selected cards (with their links) and selected links, as one step."""
        cards, links = self.selected_card_ids(), self.selected_link_ids()
        if cards or links:
            self.try_edit(self.service.delete_cards, cards, links)

    def link_selection(self) -> None:
        """Link the selected cards in the order they were selected: first -> second (-> third...)."""
        selected = self.selected_card_ids()
        if len(selected) < 2:
            self.refused.emit("Select the cause first, then Ctrl+click its effect, then press L.")
            return
        self.try_edit(self.service.add_links, list(itertools.pairwise(selected)))

    def vote_selection(self, delta: int) -> None:
        """Add (or take back) one dot on each selected card, as the room's dots are counted."""
        selected = self.selected_card_ids()
        if selected and self.try_edit(self.service.vote, selected, delta, self._voter()) is not None:
            self._tell_votes()  # else the refusal stays on the status bar

    def set_selection_votes(self, votes: int) -> None:
        """Type the counted dots straight in: the selected cards get exactly ``votes``."""
        selected = self.selected_card_ids()
        if selected and self.try_edit(self.service.update_cards, selected, votes=votes) is not None:
            self._tell_votes()

    def _voter(self) -> str | None:
        return self.voter_id if self.voter_id in self.service.document.people else None

    def _tell_votes(self) -> None:
        doc = self.service.document
        cards = [doc.cards[cid] for cid in self.selected_card_ids() if cid in doc.cards]
        told = ", ".join(f"{card.tag}: {describe_count(card.votes, 'dot', 'dots')}" for card in cards)
        voter = self._voter()
        if voter is not None:
            left = max(0, doc.workshop.dots_per_person - doc.dots_used(voter))
            told += f" — {doc.people[voter].name} has {describe_count(left, 'dot', 'dots')} left"
        self.notice.emit(told)

    def duplicate_selection(self) -> None:
        copies = self.try_edit(self.service.duplicate_cards, self.selected_card_ids())
        if copies:
            self.select_only(card.id for card in copies)

    def nudge_selection(self, dx: float, dy: float) -> None:
        positions = {cid: (self.cards[cid].card.x + dx, self.cards[cid].card.y + dy)
                     for cid in self.selected_card_ids()}
        if positions:
            self.try_edit(self.service.move_cards, positions, nudge=True)

    def align_selection(self, edge: str) -> None:
        """Line the selected cards up on their ``edge``: left, right, top or bottom."""
        cards = [self.cards[cid].card for cid in self.selected_card_ids()]
        if len(cards) < 2:
            return
        if edge == "left":
            x = min(c.x for c in cards)
            positions = {c.id: (x, c.y) for c in cards}
        elif edge == "right":
            right = max(c.x + c.width for c in cards)
            positions = {c.id: (right - c.width, c.y) for c in cards}
        elif edge == "top":
            y = min(c.y for c in cards)
            positions = {c.id: (c.x, y) for c in cards}
        else:
            bottom = max(c.y + c.height for c in cards)
            positions = {c.id: (c.x, bottom - c.height) for c in cards}
        self.try_edit(self.service.move_cards, positions)

    def set_selection_fields(self, **fields: object) -> None:
        """Give the selected cards the same kind, category, fix route or zone, as one step."""
        selected = self.selected_card_ids()
        if selected:
            self.try_edit(self.service.update_cards, selected, **fields)

    def try_edit(self, edit, *args, **kwargs):
        """Run a service edit; a refusal becomes a message in ``refused`` instead of an exception."""
        try:
            return edit(*args, **kwargs)
        except RuleError as error:
            self.refused.emit(str(error))
            return None

    def _save_moves(self) -> None:
        moved = {cid: (item.pos().x(), item.pos().y()) for cid, item in self.cards.items()
                 if abs(item.pos().x() - item.card.x) > MOVE_TOLERANCE
                 or abs(item.pos().y() - item.card.y) > MOVE_TOLERANCE}
        if moved:
            saved = False
            try:
                saved = self.service.move_cards(moved)
            except RuleError as error:
                self.refused.emit(str(error))
            if not saved:
                for cid in moved:  # not saved: put the cards back where the file says they are
                    self.cards[cid].set_card(self.cards[cid].card)
        background = self.service.document.background
        item = self.background_item
        if item is not None and background is not None and (item.pos().x(), item.pos().y()) != (
                background.x, background.y):
            try:
                self.service.update_background(x=item.pos().x(), y=item.pos().y())
            except RuleError as error:
                self.refused.emit(str(error))
                self._place_background_item(item, background)
