"""CSV from the File menu: import troubles prepared before the workshop (with a preview), export the
register and the action plan for spreadsheets. The work is done by ``trouble_mapper.interchange``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from trouble_mapper.domain.rules import RuleError
from trouble_mapper.interchange.csv_export import actions_csv, register_csv, write_csv
from trouble_mapper.interchange.csv_import import ImportPlan, ImportRefused, plan_import
from trouble_mapper.service import WorkshopService

CSV_FILTER = "CSV files (*.csv *.txt);;All files (*)"


class ImportPreview(QDialog):
    """What the import would add and every row it would skip, before anything is saved."""

    def __init__(self, plan: ImportPlan, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Import troubles from {name}")
        self.resize(760, 520)
        layout = QVBoxLayout(self)
        summary = QLabel(plan.summary())
        summary.setObjectName("importSummary")
        summary.setWordWrap(True)
        layout.addWidget(summary)
        report = QPlainTextEdit("\n".join(row.describe() for row in plan.report if row.problems))
        report.setObjectName("importReport")
        report.setReadOnly(True)
        report.setPlaceholderText("Every row can be imported.")
        layout.addWidget(report)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.import_button = buttons.addButton(f"Import {plan.ready_text()}",
                                               QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.setEnabled(bool(plan.specs))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)


class CsvDialogs:
    """The CSV gestures of one window; ``service()`` is the open workshop's, or None."""

    def __init__(self, parent: QWidget, service: Callable[[], WorkshopService | None],
                 show_error: Callable[[str, str], None], tell: Callable[[str], None]) -> None:
        self._parent = parent
        self._service = service
        self._show_error = show_error
        self._tell = tell

    def choose_and_import(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self._parent, "Import troubles from CSV", "", CSV_FILTER)
        if path:
            self.import_file(Path(path), confirm=lambda dialog: dialog.exec() == QDialog.DialogCode.Accepted)

    def import_file(self, path: Path, confirm: Callable[[ImportPreview], bool]) -> bool:
        """Plan the import, show the preview, and add the cards as one undo step if confirmed."""
        service = self._service()
        if service is None:
            return False
        try:
            plan = plan_import(service.document, path.read_bytes())
        except (ImportRefused, OSError) as error:
            self._show_error("Nothing imported", f"“{path.name}” could not be imported: {error}")
            return False
        if not confirm(ImportPreview(plan, path.name, self._parent)):
            return False
        try:
            cards = service.add_cards(plan.specs)
        except RuleError as error:
            self._show_error("Nothing imported", str(error))
            return False
        self._tell(f"Imported {plan.ready_text()} from {path.name}")
        return bool(cards)

    def choose_and_export(self, which: str) -> None:
        """``which`` is "register" or "plan"."""
        service = self._service()
        if service is None:
            return
        stem = service.file.path.stem + (" register" if which == "register" else " action plan")
        path, _ = QFileDialog.getSaveFileName(self._parent, "Export as CSV",
                                              str(service.file.path.with_name(stem + ".csv")), CSV_FILTER)
        if path:
            self.export(which, Path(path))

    def export(self, which: str, path: Path) -> bool:
        service = self._service()
        if service is None:
            return False
        make = register_csv if which == "register" else actions_csv
        try:
            write_csv(path, make(service.document, date.today()))
        except OSError as error:
            self._show_error("Not exported", f"“{path.name}” could not be written: {error.strerror or error}")
            return False
        self._tell(f"Exported {path.name}")
        return True
