"""RoomView: a second, read-only view of the map scene for the room's screen.

It shares the editor's scene (so every edit shows on both at the next paint), draws cards in the room
look (``room_look``), takes no mouse or keyboard input, and frames one of: what the facilitator is
looking at, the whole map, or one zone.
"""

from __future__ import annotations

import time
from enum import StrEnum

from PySide6.QtCore import QRectF, QSize, Qt, QTimer
from PySide6.QtGui import QPainter, QResizeEvent
from PySide6.QtWidgets import QFrame, QGraphicsView, QWidget

from trouble_mapper.canvas.room_look import RoomLook, RoomViewport
from trouble_mapper.canvas.scene import MapScene
from trouble_mapper.canvas.view import MapView, draw_own_overview, set_map_rendering
from trouble_mapper.signals import disconnect_quietly

ZONE_MARGIN = 40.0
FOLLOW_HZ = 12  # how often at most the room's view follows the facilitator's pans and zooms


class Framing(StrEnum):
    FOLLOW = "follow"  # what the facilitator's view shows
    FIT_ALL = "fit_all"
    ZONE = "zone"

    @property
    def label(self) -> str:
        return {"follow": "Follow My View", "fit_all": "Whole Map", "zone": "One Zone"}[self.value]


class RoomView(QGraphicsView):
    """The map for the room: no scroll bars, no handles, no input; framed by ``set_framing``."""

    def __init__(self, scene: MapScene, editor: MapView, look: RoomLook,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setViewport(RoomViewport(look))
        self.setScene(scene)
        self._scene = scene
        self.editor = editor
        self.framing = Framing.FOLLOW
        self.zone_id: str | None = None
        self._framed: tuple[QRectF, QSize] | None = None  # what was fitted last, and into which size
        self._last_refit = 0.0  # time.monotonic() of the last refit
        set_map_rendering(self)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setInteractive(False)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self._reframe_soon = QTimer(self)
        self._reframe_soon.setSingleShot(True)
        self._reframe_soon.timeout.connect(self.reframe)
        editor.horizontalScrollBar().valueChanged.connect(self._editor_moved)
        editor.verticalScrollBar().valueChanged.connect(self._editor_moved)
        editor.zoom_changed.connect(self._editor_moved)
        scene.service.changed.connect(self._map_changed)

    @property
    def look(self) -> RoomLook:
        return self.viewport().look or RoomLook()

    def set_look(self, look: RoomLook) -> None:
        self.viewport().look = look.clamped()
        self.viewport().update()

    def set_framing(self, framing: Framing, zone_id: str | None = None) -> None:
        self.framing, self.zone_id = framing, zone_id
        self._framed = None
        self.reframe()

    def zoom(self) -> float:
        return self.transform().m11()

    def reframe(self) -> None:
        """Frame what the room should see now."""
        rect = self._wanted_rect()
        framed = (rect, self.viewport().size())
        if rect.isEmpty() or framed == self._framed:
            return  # the same picture: no refit, no whole-view repaint for the room
        self._framed = framed
        self._last_refit = time.monotonic()
        self.fitInView(rect, Qt.AspectRatioMode.KeepAspectRatio)
        self._scene.set_room_scale(self.zoom())

    def _wanted_rect(self) -> QRectF:
        if self.framing is Framing.FOLLOW:  # what the facilitator sees, without the empty margins
            seen = self.editor.visible_scene_rect()
            on_map = seen.intersected(self._scene.map_rect())
            return on_map if not on_map.isEmpty() else seen
        if self.framing is Framing.ZONE and self.zone_id in self._scene.service.document.zones:
            zone = self._scene.service.document.zones[self.zone_id]
            return QRectF(zone.x, zone.y, zone.width, zone.height).adjusted(
                -ZONE_MARGIN, -ZONE_MARGIN, ZONE_MARGIN, ZONE_MARGIN)
        return self._scene.map_rect()

    def _editor_moved(self, *_args) -> None:
        """Follow the facilitator's pans and zooms at most FOLLOW_HZ times a second: a whole repaint of
        the room takes about 30 ms, and the facilitator's own view must stay smooth meanwhile."""
        if self.framing is Framing.FOLLOW and not self._reframe_soon.isActive():
            wait = self._last_refit + 1 / FOLLOW_HZ - time.monotonic()
            self._reframe_soon.start(max(0, round(wait * 1000)))

    def _map_changed(self, _changes) -> None:
        if self.framing is not Framing.FOLLOW:
            self._reframe_soon.start(0)

    def drawForeground(self, painter: QPainter, rect: QRectF) -> None:
        super().drawForeground(painter, rect)
        draw_own_overview(self, painter, rect)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.reframe()

    def detach(self) -> None:
        """The room's screen closes: stop following the editor and tell the scene."""
        self._reframe_soon.stop()
        disconnect_quietly((self.editor.horizontalScrollBar().valueChanged, self._editor_moved),
                           (self.editor.verticalScrollBar().valueChanged, self._editor_moved),
                           (self.editor.zoom_changed, self._editor_moved),
                           (self._scene.service.changed, self._map_changed))
        self._scene.set_room_scale(None)
