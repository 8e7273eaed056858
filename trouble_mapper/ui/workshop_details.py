"""Workshop > Details…: what the workshop is for (title, goal, scope, dates, category scheme).

The field widgets here are shared with the first pages of the new-workshop guide (``workshop_guide``):
``WorkshopFieldsForm`` (title, goal, custom goal text, scope, dates) and ``SchemeChooser`` (the category
scheme with its categories listed). The dialog applies every changed field with one
``service.update_workshop`` call, so one OK is one undo step; fields left as they were are not sent, and
an OK with nothing changed makes no edit at all.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from trouble_mapper.domain.model import Workshop
from trouble_mapper.domain.vocabulary import CATEGORY_SCHEMES, DEFAULT_SCHEME, ImprovementGoal
from trouble_mapper.ui.edit_feedback import EditFeedback, message_label

if TYPE_CHECKING:
    from trouble_mapper.service import WorkshopService

BASE_POINT_SIZE = 12.0  # as the roster: readable on a projector
QUIET_COLOUR = "#3C3C3C"
UNTITLED = "Untitled workshop"
MAX_TEXT = 10_000_000  # QLineEdit's default cap (32,767) would cut long text short without a word
READ_ONLY = "This workshop is open read-only: its details cannot be changed."
NEEDS_GOAL_TEXT = "Type the custom goal in the sponsor's words, or choose one of the four named goals."
END_BEFORE_START = "The end date is before the start date: change one of them."
DATE_FORMAT = "yyyy-MM-dd"

def normalised_title(text: str) -> str:
    """The title as stored: outer spaces trimmed, and an empty title named "Untitled workshop"."""
    return text.strip() or UNTITLED


def quiet_label(text: str, object_name: str = "", scale: float = 1.0, indent: int = 0) -> QLabel:
    """A word-wrapped explanation line, plain text (never read as markup).

    The size is in the style sheet: a widget with a style sheet does not take its dialog's larger font.
    """
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setStyleSheet(f"color: {QUIET_COLOUR}; font-size: {BASE_POINT_SIZE * scale:g}pt; "
                        f"margin-left: {indent}px;")
    if object_name:
        label.setObjectName(object_name)
    return label


def plain_message_label(owner: QWidget, object_name: str) -> QLabel:
    """``edit_feedback.message_label`` at least at the projector size, even when ``owner`` does not have
    its final font yet (a wizard page)."""
    label = message_label(owner, object_name)
    size = max(owner.font().pointSizeF(), BASE_POINT_SIZE)
    label.setStyleSheet(f"{label.styleSheet()} font-size: {size:g}pt;")
    return label


def projector_font(widget: QWidget) -> None:
    font = QFont(widget.font())
    font.setPointSizeF(max(font.pointSizeF(), BASE_POINT_SIZE))
    widget.setFont(font)


def problem_with(workshop: Workshop, changed: Iterable[str]) -> str:
    """Why ``workshop`` cannot be saved with the fields in ``changed`` as they are; "" when it can.

    Only the changed fields are judged, so a file that already holds such values can still be opened and
    left as it is.
    """
    changed = set(changed)
    if changed & {"goal", "goal_text"} and workshop.goal is ImprovementGoal.CUSTOM and not workshop.goal_text:
        return NEEDS_GOAL_TEXT
    if (changed & {"start_date", "end_date"} and workshop.start_date and workshop.end_date
            and workshop.end_date < workshop.start_date):
        return END_BEFORE_START
    return ""


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


class OptionalDate(QWidget):
    """A date that may be left unset: a checkbox saying it is set, and the date beside it."""

    def __init__(self, label: str, object_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.check = QCheckBox(label)
        self.check.setObjectName(f"has_{object_name}")
        self.edit = QDateEdit()
        self.edit.setObjectName(object_name)
        self.edit.setCalendarPopup(True)
        self.edit.setDisplayFormat(DATE_FORMAT)
        self.edit.setAccessibleName(label)
        self.edit.setDate(_qdate(date.today()))
        self.check.toggled.connect(self.edit.setEnabled)
        self.edit.setEnabled(False)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.check)
        row.addWidget(self.edit)
        row.addStretch(1)

    def value(self) -> date | None:
        return self.edit.date().toPython() if self.check.isChecked() else None  # type: ignore[return-value]

    def set_value(self, day: date | None) -> None:
        if day is not None:
            self.edit.setDate(_qdate(day))
        self.check.setChecked(day is not None)


class WorkshopFieldsForm(QWidget):
    """Title, improvement goal (four named goals or custom text), scope, start and end date.

    ``load(workshop)`` fills the form and remembers it as the unchanged state; ``values()`` gives every
    field as it would be stored; ``changed_values()`` only those changed since ``load``. Changes are judged
    on what the widgets showed after loading, so a value a widget cannot show exactly is never "changed"
    unless someone edits it.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("workshopFields")
        self.title_edit = QLineEdit()
        self.title_edit.setObjectName("workshopTitle")
        self.title_edit.setMaxLength(MAX_TEXT)
        self.title_edit.setPlaceholderText("Line 4 packaging: minor stops")
        self.goal_combo = QComboBox()
        self.goal_combo.setObjectName("workshopGoal")
        for goal in ImprovementGoal:
            self.goal_combo.addItem(goal.label, goal)
        self.goal_text_edit = QLineEdit()
        self.goal_text_edit.setObjectName("workshopGoalText")
        self.goal_text_edit.setMaxLength(MAX_TEXT)
        self.goal_text_edit.setPlaceholderText("The sponsor's goal, in their words")
        self.goal_combo.currentIndexChanged.connect(self._goal_changed)
        self.scope_edit = QPlainTextEdit()
        self.scope_edit.setObjectName("workshopScope")
        self.scope_edit.setTabChangesFocus(True)
        self.scope_edit.setPlaceholderText("A line, a machine or an office process: what is in, what is out")
        self.scope_edit.setFixedHeight(4 * self.scope_edit.fontMetrics().lineSpacing() + 16)
        self.start = OptionalDate("Starts on", "startDate")
        self.end = OptionalDate("Ends on (if more than one day)", "endDate")
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow("&Title", self.title_edit)
        form.addRow("Improvement &goal", self.goal_combo)
        form.addRow("&Custom goal", self.goal_text_edit)
        form.addRow("&Scope", self.scope_edit)
        form.addRow("Date", self.start)
        form.addRow("", self.end)
        self._loaded: dict[str, Any] = {}
        self.load(Workshop())

    def _goal_changed(self, _index: int = 0) -> None:
        self.goal_text_edit.setEnabled(self.goal() is ImprovementGoal.CUSTOM)

    def goal(self) -> ImprovementGoal:
        return ImprovementGoal(self.goal_combo.currentData())

    def set_goal(self, goal: ImprovementGoal) -> None:
        self.goal_combo.setCurrentIndex(self.goal_combo.findData(goal))

    def load(self, workshop: Workshop) -> None:
        self.title_edit.setText(workshop.title)
        self.set_goal(workshop.goal)
        self.goal_text_edit.setText(workshop.goal_text)
        self.scope_edit.setPlainText(workshop.scope)
        self.start.set_value(workshop.start_date)
        self.end.set_value(workshop.end_date)
        self._goal_changed()
        self._loaded = self._raw()

    def _raw(self) -> dict[str, Any]:
        """What the widgets show, before trimming."""
        return {"title": self.title_edit.text(), "goal": self.goal(), "goal_text": self.goal_text_edit.text(),
                "scope": self.scope_edit.toPlainText(), "start_date": self.start.value(),
                "end_date": self.end.value()}

    @staticmethod
    def _stored(name: str, value: Any) -> Any:
        if name == "title":
            return normalised_title(value)
        return value.strip() if name in ("goal_text", "scope") else value

    def values(self) -> dict[str, Any]:
        """Every field as a new workshop stores it; the custom text only with the custom goal."""
        values = {name: self._stored(name, value) for name, value in self._raw().items()}
        if values["goal"] is not ImprovementGoal.CUSTOM:
            values["goal_text"] = ""
        return values

    def changed_values(self) -> dict[str, Any]:
        """The fields edited since ``load``, as they are to be stored."""
        return {name: self._stored(name, value) for name, value in self._raw().items()
                if value != self._loaded.get(name)}


class SchemeChooser(QWidget):
    """The category scheme of the workshop, with the categories of the chosen one listed under it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.combo = QComboBox()
        self.combo.setObjectName("categoryScheme")
        self.combo.setAccessibleName("Category scheme")
        for key, (label, _categories) in CATEGORY_SCHEMES.items():
            self.combo.addItem(label, key)
        self.categories = QLabel()
        self.categories.setObjectName("schemeCategories")
        self.categories.setTextFormat(Qt.TextFormat.PlainText)
        self.combo.currentIndexChanged.connect(self._show_categories)
        form = QFormLayout()
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow("Category sc&heme", self.combo)
        form.addRow("Categories", self.categories)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        self._loaded = DEFAULT_SCHEME
        self.load(DEFAULT_SCHEME)

    def load(self, key: str) -> None:
        """Show ``key`` as chosen (a scheme this version does not know is kept as it is)."""
        index = self.combo.findData(key)
        if index < 0:
            self.combo.addItem(f"Unknown scheme “{key}”", key)
            index = self.combo.count() - 1
        self.combo.setCurrentIndex(index)
        self._show_categories()
        self._loaded = self.key()

    def key(self) -> str:
        return str(self.combo.currentData())

    def set_key(self, key: str) -> None:
        self.combo.setCurrentIndex(self.combo.findData(key))

    def changed(self) -> bool:
        return self.key() != self._loaded

    def _show_categories(self, _index: int = 0) -> None:
        _label, categories = CATEGORY_SCHEMES.get(self.key(), ("", ()))
        self.categories.setText("\n".join(f"• {name}" for name in categories)
                                or "This version of Trouble Mapper does not know this scheme's categories.")


class WorkshopDetailsDialog(QDialog, EditFeedback):
    """Workshop > Details…: the open workshop's title, goal, scope, dates and category scheme.

    OK saves every changed field as one edit (one undo step) and closes; nothing changed, nothing saved.
    A refused or unsaved edit keeps the dialog open with the reason under the fields.
    """

    def __init__(self, service: WorkshopService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("workshopDetailsDialog")
        self.setWindowTitle("Workshop details")
        self.service = service
        projector_font(self)
        self.fields = WorkshopFieldsForm()
        self.scheme = SchemeChooser()
        self.message = plain_message_label(self, "detailsMessage")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        note = quiet_label("Cards keep the category they have when the scheme changes; the map's legend "
                           "and category lists follow the new scheme.")
        layout = QVBoxLayout(self)
        layout.addWidget(self.fields)
        layout.addWidget(self.scheme)
        layout.addWidget(note)
        layout.addStretch(1)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.fields.load(service.document.workshop)
        self.scheme.load(service.document.workshop.category_scheme)
        if service.read_only:
            self.fields.setEnabled(False)
            self.scheme.setEnabled(False)
            self._show_message(READ_ONLY)
        self.resize(820, 640)

    def changes(self) -> dict[str, Any]:
        """The fields to save: those changed since the dialog opened."""
        changes = self.fields.changed_values()
        if self.scheme.changed():
            changes["category_scheme"] = self.scheme.key()
        return changes

    def apply(self) -> bool:
        """Save the changed fields as one edit. True when there was nothing to save or it was saved."""
        changes = self.changes()
        if not changes:
            return True
        problem = problem_with(replace(self.service.document.workshop, **changes), changes)
        if problem:
            self._show_message(problem)
            return False
        return self._edit(lambda: self.service.update_workshop(**changes)) is True

    def accept(self) -> None:
        if self.apply():
            super().accept()
