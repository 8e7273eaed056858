"""The whole map as one picture (background, zones, cards with their tags, links), for print and export.

Drawn by the app's own scene (``MapScene``), so the printed map is the map people saw on the projector.
With ``palette="print"`` the grid is left out and each tag number is redrawn in black on a white badge
with a dark border, so the numbers survive black-and-white printing and photocopies.
"""

from __future__ import annotations

import os
import time
import types
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QGuiApplication, QImage, QPainter, QPen

from trouble_mapper.canvas.items import BADGE_HEIGHT, FULL_DETAIL_SCALE, TAG_FONT
from trouble_mapper.canvas.scene import MapScene
from trouble_mapper.domain.document import WorkshopDocument
from trouble_mapper.service import WorkshopService
from trouble_mapper.storage.workshop_file import WorkshopFile

if TYPE_CHECKING:
    from datetime import date

PALETTES = ("print", "screen")
BACKGROUND_TIMEOUT = 20.0  # seconds to wait for the background picture to be decoded
_BLACK_PEN = QPen(QColor("#000000"), 2.5)
_WHITE = QColor("#FFFFFF")
_APP: QCoreApplication | None = None


def ensure_gui_app() -> QCoreApplication:
    """The running Qt application; a new offscreen one when there is none yet (command line, scripts).

    Raises RuntimeError when a non-GUI QCoreApplication is running: pictures cannot be drawn then.
    """
    from PySide6.QtWidgets import QApplication

    global _APP
    app = QCoreApplication.instance()
    if app is None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        app = _APP = QApplication(["trouble-mapper-export"])  # kept alive for the whole export
    elif not isinstance(app, QGuiApplication):
        raise RuntimeError("Drawing the map needs a Qt GUI application, but a console-only one is running.")
    return app


def as_service(source: WorkshopService | WorkshopFile | WorkshopDocument) -> WorkshopService:
    """A read-only view of ``source`` as the service the scene expects (the file is never written)."""
    if isinstance(source, WorkshopService):
        return source
    if isinstance(source, WorkshopFile):
        return WorkshopService(source)
    if isinstance(source, WorkshopDocument):
        # The service only reads .document and .read_only of its file; nothing is ever pushed here.
        return WorkshopService(types.SimpleNamespace(document=source, read_only=True))  # type: ignore[arg-type]
    raise TypeError(f"expected a workshop service, file or document, not {type(source).__name__}")


class _PrintScene(MapScene):
    """The map scene drawn for paper: a white sheet instead of the grid, black tags on white badges."""

    def __init__(self, service: WorkshopService, today: date | None, palette: str) -> None:
        self._print = palette == "print"
        super().__init__(service, today)

    def drawBackground(self, painter: QPainter, rect: QRectF) -> None:
        if self._print:
            painter.fillRect(rect, _WHITE)
        else:
            super().drawBackground(painter, rect)

    def drawForeground(self, painter: QPainter, rect: QRectF) -> None:
        super().drawForeground(painter, rect)
        if not self._print or self.overview or painter.worldTransform().m11() < FULL_DETAIL_SCALE:
            return  # tag-only drawing already shows a large tag in the kind's dark colour
        painter.save()
        painter.setFont(TAG_FONT)
        metrics = QFontMetricsF(TAG_FONT)
        for item in self.cards.values():
            if not item.isVisible():
                continue
            card = item.card
            width = max(56.0, metrics.horizontalAdvance(card.tag) + 20)
            badge = QRectF(item.pos().x(), item.pos().y(), width, BADGE_HEIGHT)
            if not badge.intersects(rect):
                continue
            painter.setPen(_BLACK_PEN)
            painter.setBrush(_WHITE)
            painter.drawRoundedRect(badge.adjusted(1.25, 1.25, -1.25, -1.25), 8, 8)
            painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, card.tag)
        painter.restore()


def _wait_for_background(scene: MapScene, timeout: float) -> None:
    """Let the decoder thread hand over the picture; stop early when it reports the picture unreadable."""
    failed: list[str] = []
    scene.refused.connect(failed.append)
    deadline = time.monotonic() + timeout
    while scene.background_pending and not failed and time.monotonic() < deadline:
        QCoreApplication.processEvents()
        time.sleep(0.005)
    QCoreApplication.processEvents()


def render_map(doc_or_service: WorkshopService | WorkshopFile | WorkshopDocument, *, max_side: int = 4000,
               palette: str = "print", today: date | None = None) -> QImage:
    """The whole map on a white picture whose long side is ``max_side`` pixels, cards in full detail.

    Waits (up to BACKGROUND_TIMEOUT seconds) for the background picture to be decoded; a picture that
    cannot be read is left out. Needs a Qt GUI application (see ``ensure_gui_app``).
    Raises ValueError for a bad ``max_side`` or ``palette``.
    """
    if palette not in PALETTES:
        raise ValueError(f"unknown palette {palette!r}; use one of {', '.join(PALETTES)}")
    if max_side < 16:
        raise ValueError("max_side must be at least 16 pixels")
    ensure_gui_app()
    service = as_service(doc_or_service)
    scene = _PrintScene(service, today, palette)
    try:
        scene.set_scale(1.0)  # full detail: cards draw themselves, not the zoomed-out overview
        _wait_for_background(scene, BACKGROUND_TIMEOUT)
        source = scene.map_rect().adjusted(-20, -20, 20, 20)
        factor = max_side / max(source.width(), source.height())
        width = max(1, round(source.width() * factor))
        height = max(1, round(source.height() * factor))
        image = QImage(width, height, QImage.Format.Format_RGB32)
        image.fill(_WHITE)
        painter = QPainter(image)
        try:
            painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing
                                   | QPainter.RenderHint.SmoothPixmapTransform)
            scene.render(painter, QRectF(0, 0, width, height), source,
                         Qt.AspectRatioMode.KeepAspectRatio)
        finally:
            painter.end()
    finally:
        scene.service.changed.disconnect(scene.on_changed)
        scene.clear()
        scene.deleteLater()
    return image
