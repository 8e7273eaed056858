"""MapView: the window onto the map, with zoom and fit-all."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPainter, QResizeEvent, QWheelEvent
from PySide6.QtWidgets import QGraphicsView, QWidget

from trouble_mapper.canvas.scene import MapScene

ZOOM_STEP = 1.15
MIN_ZOOM, MAX_ZOOM = 0.05, 8.0


class MapView(QGraphicsView):
    def __init__(self, scene: MapScene, parent: QWidget | None = None) -> None:
        super().__init__(scene, parent)
        self._scene = scene  # the view does not own its scene: keep it alive as long as the view
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing
                            | QPainter.RenderHint.SmoothPixmapTransform)
        self.setDragMode(QGraphicsView.DragMode.RubberBandDrag)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.SmartViewportUpdate)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self._fit_on_resize = True  # until the user zooms: the window's final size is known only later
        scene.background_ready.connect(self._refit)

    def map_scene(self) -> MapScene:
        return self._scene

    def fit_all(self) -> None:
        self.fitInView(self.map_scene().map_rect(), Qt.AspectRatioMode.KeepAspectRatio)

    def _refit(self) -> None:
        if self._fit_on_resize:
            self.fit_all()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._refit()

    def zoom_by(self, factor: float) -> None:
        self._fit_on_resize = False
        current = self.transform().m11()
        factor = max(MIN_ZOOM / current, min(MAX_ZOOM / current, factor))
        self.scale(factor, factor)

    def wheelEvent(self, event: QWheelEvent) -> None:
        steps = event.angleDelta().y() / 120
        if steps:
            self.zoom_by(ZOOM_STEP ** steps)
        event.accept()
