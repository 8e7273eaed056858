"""File > Export Action Plan (PDF): paper size, where to save, then an offer to open it.

reportlab and the print scene are imported only when a plan is exported, never at start-up.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication, QFileDialog, QInputDialog, QMessageBox, QWidget

from trouble_mapper.service import WorkshopService

PAPERS = {"A4": "a4", "Letter": "letter"}


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
        from trouble_mapper.export.pdf_plan import write_action_plan

        service = self._service()
        if service is None:
            return False
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)  # a few seconds for a large map
        try:
            write_action_plan(path, service, paper=paper)
        except (OSError, ValueError) as error:
            self._show_error("Action plan not exported", str(error))
            return False
        finally:
            QApplication.restoreOverrideCursor()
        self._tell(f"Exported the action plan to {path.name}")
        return True

    def offer_to_open(self, path: Path) -> None:
        answer = QMessageBox.question(self._parent, "Action plan exported",
                                      f"“{path.name}” is ready. Open it now?")
        if answer == QMessageBox.StandardButton.Yes:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
