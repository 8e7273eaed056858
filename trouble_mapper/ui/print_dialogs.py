"""File > Export: the action plan (PDF), the map as a picture (PNG or SVG, whole map or current view) and
the map as a poster. Each asks where to save and, for documents, offers to open the result.

reportlab and the print scene are imported only when something is exported, never at start-up.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QRectF, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication, QFileDialog, QInputDialog, QMessageBox, QWidget

from trouble_mapper.canvas.scene import MapScene
from trouble_mapper.service import WorkshopService

PAPERS = {"A4": "a4", "Letter": "letter"}
POSTER_SHEETS = {"A4 sheets to tape together": "a4", "A3 sheets to tape together": "a3",
                 "One A2 sheet": "a2", "One A1 sheet": "a1", "One A0 sheet": "a0"}


class PrintDialogs:
    """The printing gestures of one window; ``service()`` is the open workshop's, or None."""

    def __init__(self, parent: QWidget, service: Callable[[], WorkshopService | None],
                 show_error: Callable[[str, str], None], tell: Callable[[str], None]) -> None:
        self._parent = parent
        self._service = service
        self._show_error = show_error
        self._tell = tell

    def choose_and_export_plan(self) -> None:
        service = self._service()
        if service is None:
            return
        paper, ok = QInputDialog.getItem(self._parent, "Export action plan", "Paper:", list(PAPERS), 0, False)
        if not ok:
            return
        start = service.file.path.with_name(service.file.path.stem + " action plan.pdf")
        path, _ = QFileDialog.getSaveFileName(self._parent, "Export action plan", str(start),
                                              "PDF documents (*.pdf)")
        if path and self.export_plan(Path(path), PAPERS[paper]):
            self.offer_to_open(Path(path))

    def export_plan(self, path: Path, paper: str = "a4") -> bool:
        from trouble_mapper.export.fonts import describe_missed
        from trouble_mapper.export.pdf_plan import write_action_plan

        service = self._service()
        if service is None:
            return False
        missed: list[str] = []
        done = self._run(lambda: missed.extend(write_action_plan(path, service, paper=paper)),
                         f"Exported the action plan to {path.name}", "Action plan not exported")
        if done and missed:
            QMessageBox.information(self._parent, "Some characters were not printed", describe_missed(missed))
        return done

    def choose_and_export_picture(self, scene: MapScene, visible: QRectF) -> None:
        """PNG or SVG (by the name chosen) of the whole map or of what the view shows now."""
        service = self._service()
        if service is None:
            return
        what, ok = QInputDialog.getItem(self._parent, "Export map picture", "Export:",
                                        ["The whole map", "What the view shows now"], 0, False)
        if not ok:
            return
        start = service.file.path.with_name(service.file.path.stem + " map.png")
        path, _ = QFileDialog.getSaveFileName(self._parent, "Export map picture", str(start),
                                              "PNG picture (*.png);;SVG drawing (*.svg)")
        if path:
            self.export_picture(Path(path), scene, None if what == "The whole map" else visible)

    def export_picture(self, path: Path, scene: MapScene, rect: QRectF | None = None) -> bool:
        from trouble_mapper.export.map_files import write_png, write_svg

        path = path if path.suffix.lower() in (".png", ".svg") else path.with_suffix(".png")
        write = write_svg if path.suffix.lower() == ".svg" else write_png
        return self._run(lambda: write(path, scene, rect=rect), f"Exported the map to {path.name}",
                         "Map not exported")

    def choose_and_export_poster(self, scene: MapScene) -> None:
        service = self._service()
        if service is None:
            return
        sheet, ok = QInputDialog.getItem(self._parent, "Map poster", "Print on:", list(POSTER_SHEETS), 0,
                                         False)
        if not ok:
            return
        start = service.file.path.with_name(service.file.path.stem + " poster.pdf")
        path, _ = QFileDialog.getSaveFileName(self._parent, "Map poster", str(start), "PDF documents (*.pdf)")
        if path and self.export_poster(Path(path), scene, POSTER_SHEETS[sheet]):
            self.offer_to_open(Path(path))

    def export_poster(self, path: Path, scene: MapScene, sheet: str = "a4") -> bool:
        from trouble_mapper.export.poster import write_poster

        large = sheet if sheet in ("a2", "a1", "a0") else None
        return self._run(lambda: write_poster(path, scene, sheet="a4" if large else sheet, large_sheet=large),
                         f"Exported the poster to {path.name}", "Poster not exported")

    def _run(self, export: Callable[[], object], done: str, failed: str) -> bool:
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            export()
        except (OSError, ValueError) as error:
            self._show_error(failed, str(error))
            return False
        finally:
            QApplication.restoreOverrideCursor()
        self._tell(done)
        return True

    def offer_to_open(self, path: Path) -> None:
        answer = QMessageBox.question(self._parent, "Action plan exported",
                                      f"“{path.name}” is ready. Open it now?")
        if answer == QMessageBox.StandardButton.Yes:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
