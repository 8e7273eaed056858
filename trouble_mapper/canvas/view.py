"""MapView: the window onto the map. Navigation (zoom, pan, fit) and the keyboard-first gestures.

Keys on the map (no modifier, so a facilitator can capture without the mouse):
N new trouble, Shift+N new note, C new cause of the selected card, M new countermeasure for it,
Enter/F2 edit text, Tab/Shift+Tab walk cards in tag order, L link two selected cards (first -> second),
Delete, F fit all, Z zoom to selection, + / - add or take back a dot on the selected cards (zoom when none
is selected), 0-9 set their dots, arrows pan (or nudge selected cards), Space+drag pan.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QContextMenuEvent,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import QGraphicsView, QWidget

from trouble_mapper.canvas.items import FULL_DETAIL_SCALE, OVERVIEW_SCALE, CardItem
from trouble_mapper.canvas.room_look import RoomLook, RoomViewport
from trouble_mapper.canvas.scene import CARD_GAP, MapScene
from trouble_mapper.domain.vocabulary import CardKind

ZOOM_STEP = 1.15
MIN_ZOOM, MAX_ZOOM = 0.02, 8.0
PAN_STEP = 80
NUDGE = 10.0
_KIND_KEYS = {Qt.Key.Key_N: CardKind.TROUBLE, Qt.Key.Key_C: CardKind.CAUSE,
              Qt.Key.Key_M: CardKind.COUNTERMEASURE}


def set_map_rendering(view: QGraphicsView) -> None:
    """How every view of the map paints: smooth, and trusting the items to restore the painter."""
    view.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing
                        | QPainter.RenderHint.SmoothPixmapTransform)
    view.setOptimizationFlags(QGraphicsView.OptimizationFlag.DontSavePainterState
                              | QGraphicsView.OptimizationFlag.DontAdjustForAntialiasing)
    view.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.SmartViewportUpdate)


def draw_own_overview(view: QGraphicsView, painter: QPainter, rect: QRectF) -> None:
    """A view zoomed out while the other view of the same scene is not draws its own overview."""
    scene = view.scene()
    if not scene.overview and view.transform().m11() < OVERVIEW_SCALE:
        scene.paint_overview(painter, rect)


class MapView(QGraphicsView):
    picture_dropped = Signal(object)  # QMimeData with an image or an image file, dropped on the map
    context_menu_requested = Signal(QPoint, QPointF, object)  # global and scene position, item or None
    zoom_changed = Signal(float)

    def __init__(self, scene: MapScene, parent: QWidget | None = None) -> None:
        super().__init__(scene, parent)
        self.setViewport(RoomViewport())  # the room look is switched on in presentation mode
        self._scene = scene  # the view does not own its scene: keep it alive as long as the view
        set_map_rendering(self)
        self.setDragMode(QGraphicsView.DragMode.RubberBandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAcceptDrops(True)
        self.viewport().grabGesture(Qt.GestureType.PinchGesture)
        self._fit_on_resize = True  # until the user zooms: the window's final size is known only later
        self._pan_start: QPoint | None = None
        scene.background_ready.connect(self._refit)
        scene.draft_opened.connect(self._show_draft)

    def map_scene(self) -> MapScene:
        return self._scene

    def drawForeground(self, painter: QPainter, rect: QRectF) -> None:
        super().drawForeground(painter, rect)
        draw_own_overview(self, painter, rect)

    def set_room_look(self, look: RoomLook | None) -> None:
        """Draw for the room (presentation mode) or for editing (None)."""
        self.viewport().look = look.clamped() if look is not None else None
        self.viewport().update()

    def visible_scene_rect(self) -> QRectF:
        return self.mapToScene(self.viewport().rect()).boundingRect()

    # Zoom and fit.

    def zoom(self) -> float:
        return self.transform().m11()

    def fit_all(self) -> None:
        self.fit_rect(self.map_scene().map_rect())
        self._fit_on_resize = True

    def zoom_to_selection(self) -> None:
        rect = QRectF()
        for item in self.map_scene().selectedItems():
            rect = rect.united(item.sceneBoundingRect())
        if not rect.isNull():
            self.fit_rect(rect.adjusted(-60, -60, 60, 60), max_zoom=1.5)

    def fit_rect(self, rect: QRectF, max_zoom: float = MAX_ZOOM) -> None:
        self.fitInView(rect, Qt.AspectRatioMode.KeepAspectRatio)
        if self.zoom() > max_zoom:
            self.set_zoom(max_zoom)
        self._zoom_done()

    def set_zoom(self, zoom: float) -> None:
        self.zoom_by(zoom / self.zoom())

    def zoom_by(self, factor: float) -> None:
        self._fit_on_resize = False
        current = self.zoom()
        factor = max(MIN_ZOOM / current, min(MAX_ZOOM / current, factor))
        self.scale(factor, factor)
        self._zoom_done()

    def _zoom_done(self) -> None:
        self.map_scene().set_scale(self.zoom())
        self.zoom_changed.emit(self.zoom())

    def _show_draft(self, rect: QRectF) -> None:
        """Bring the card being typed into sight, readable: zoomed out, zoom in to 100 % around it."""
        if self.zoom() < FULL_DETAIL_SCALE:
            self.set_zoom(1.0)
            self.centerOn(rect.center())
        else:
            self.ensureVisible(rect, 40, 40)

    def _refit(self) -> None:
        if self._fit_on_resize:
            self.fit_all()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._refit()

    def wheelEvent(self, event: QWheelEvent) -> None:
        """A mouse wheel zooms; a touchpad's two-finger scroll (pixel deltas) pans, with Ctrl it zooms."""
        touchpad = not event.pixelDelta().isNull()
        ctrl = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
        if (touchpad and not ctrl) or event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            super().wheelEvent(event)
            return
        steps = event.angleDelta().y() / 120
        if steps:
            self.zoom_by(ZOOM_STEP ** steps)
        event.accept()

    def viewportEvent(self, event: QEvent) -> bool:
        if (event.type() == QEvent.Type.NativeGesture
                and event.gestureType() == Qt.NativeGestureType.ZoomNativeGesture):
            self.zoom_by(1.0 + event.value())
            return True
        if event.type() == QEvent.Type.Gesture:
            pinch = event.gesture(Qt.GestureType.PinchGesture)
            if pinch is not None:
                self.zoom_by(pinch.scaleFactor())
                return True
        return super().viewportEvent(event)

    # Panning: middle button, or Space held with the left button.

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.MiddleButton:
            self._pan_start = event.position().toPoint()
            self.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._pan_start is not None:
            delta = event.position().toPoint() - self._pan_start
            self._pan_start = event.position().toPoint()
            self.pan_by(-delta.x(), -delta.y())
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._pan_start is not None and event.button() == Qt.MouseButton.MiddleButton:
            self._pan_start = None
            self.viewport().unsetCursor()
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def pan_by(self, dx: int, dy: int) -> None:
        self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() + dx)
        self.verticalScrollBar().setValue(self.verticalScrollBar().value() + dy)

    # Keys.

    def focusNextPrevChild(self, next: bool) -> bool:
        return False  # Tab walks the cards instead of leaving the map

    def keyPressEvent(self, event: QKeyEvent) -> None:
        scene = self.map_scene()
        if scene.draft is not None or event.modifiers() & (
                Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
                | Qt.KeyboardModifier.MetaModifier):
            super().keyPressEvent(event)
            return
        if self._handle_key(event):
            event.accept()
        else:
            super().keyPressEvent(event)

    def _handle_key(self, event: QKeyEvent) -> bool:
        key, scene = event.key(), self.map_scene()
        shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        selected = scene.selected_card_ids()
        if key == Qt.Key.Key_Space and not event.isAutoRepeat():
            self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        elif key == Qt.Key.Key_N and shift:
            self.start_capture(CardKind.NOTE)
        elif key in _KIND_KEYS:
            self.start_capture(_KIND_KEYS[key])
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_F2) and len(selected) == 1:
            scene.edit_text(selected[0])
        elif key in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab):
            self.walk(-1 if shift or key == Qt.Key.Key_Backtab else 1)
        elif key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            scene.delete_selection()
        elif key == Qt.Key.Key_L:
            scene.link_selection()
        elif key == Qt.Key.Key_F:
            self.fit_all()
        elif key == Qt.Key.Key_Z:
            self.zoom_to_selection()
        elif key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal, Qt.Key.Key_Minus) and selected:
            scene.vote_selection(-1 if key == Qt.Key.Key_Minus else 1)
        elif Qt.Key.Key_0 <= key <= Qt.Key.Key_9 and selected:
            scene.set_selection_votes(key - Qt.Key.Key_0)
        elif key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom_by(ZOOM_STEP)
        elif key == Qt.Key.Key_Minus:
            self.zoom_by(1 / ZOOM_STEP)
        elif key in (Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Up, Qt.Key.Key_Down):
            dx = {Qt.Key.Key_Left: -1, Qt.Key.Key_Right: 1}.get(key, 0)
            dy = {Qt.Key.Key_Up: -1, Qt.Key.Key_Down: 1}.get(key, 0)
            if selected:
                scene.nudge_selection(dx * NUDGE * (5 if shift else 1), dy * NUDGE * (5 if shift else 1))
            else:
                self.pan_by(dx * PAN_STEP, dy * PAN_STEP)
        elif key == Qt.Key.Key_Escape:
            scene.set_zone_mode(False)
            scene.clearSelection()
        else:
            return False
        return True

    def keyReleaseEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self.setDragMode(QGraphicsView.DragMode.RubberBandDrag)
        super().keyReleaseEvent(event)

    def start_capture(self, kind: CardKind, at: QPointF | None = None) -> None:
        """A new card of ``kind`` at ``at`` (scene), else: a cause or countermeasure below the one selected
        card, linked to it; anything else at the mouse (or the view's centre)."""
        scene = self.map_scene()
        selected = scene.selected_card_ids()
        area = self.visible_scene_rect()
        if at is None and kind in (CardKind.CAUSE, CardKind.COUNTERMEASURE) and len(selected) == 1:
            anchor = scene.cards[selected[0]].card
            at = QPointF(anchor.x, anchor.y + anchor.height + CARD_GAP * 2)
            scene.start_draft(kind, at, link_to=anchor.id, area=area)
        else:
            if at is None:
                mouse = self.viewport().mapFromGlobal(self.cursor().pos())
                inside = self.viewport().rect().contains(mouse)
                at = self.mapToScene(mouse if inside else self.viewport().rect().center())
            scene.start_draft(kind, QPointF(at.x() - 90, at.y() - 55), area=area)
        self.setFocus()

    def walk(self, step: int) -> None:
        """Select the next (or previous) card in tag order and bring it into view."""
        scene = self.map_scene()
        order = [card.id for card in scene.service.document.cards_in_tag_order()]
        if not order:
            return
        selected = scene.selected_card_ids()
        index = order.index(selected[-1]) + step if selected and selected[-1] in order else (
            0 if step > 0 else len(order) - 1)
        card_id = order[index % len(order)]
        scene.select_only([card_id])
        self.ensureVisible(scene.cards[card_id].sceneBoundingRect(), 80, 80)

    # Pictures dropped on the map, and the context menu.

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasImage() or event.mimeData().hasUrls():
            event.acceptProposedAction()
        else:
            super().dragEnterEvent(event)

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if event.mimeData().hasImage() or event.mimeData().hasUrls():
            event.acceptProposedAction()
        else:
            super().dragMoveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        if event.mimeData().hasImage() or event.mimeData().hasUrls():
            event.acceptProposedAction()
            self.picture_dropped.emit(event.mimeData())
        else:
            super().dropEvent(event)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        scene = self.map_scene()
        item = scene.card_at(self.mapToScene(event.pos()))
        if isinstance(item, CardItem) and not item.isSelected():
            scene.select_only([item.card_id])
        if item is None:
            item = next((zone for zone in scene.zones.values()
                         if zone.sceneBoundingRect().contains(self.mapToScene(event.pos()))), None)
        self.context_menu_requested.emit(event.globalPos(), self.mapToScene(event.pos()), item)
