"""RosterDialog: the team roster (name, function, roles), edited through the edit service.

Every button is one service call; the list refreshes from ``service.changed``. A refused edit shows
its message in the dialog and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from trouble_mapper.domain.model import Action, Person
from trouble_mapper.domain.vocabulary import Role

if TYPE_CHECKING:
    from trouble_mapper.service import WorkshopService
from trouble_mapper.ui.edit_feedback import EditFeedback, message_label

BASE_POINT_SIZE = 12.0
READ_ONLY = "This workshop is open read-only: the roster cannot be changed."
NEEDS_NAME = "Type a name first."
MAX_ACTIONS_LISTED = 10
PERSON_ID = Qt.ItemDataRole.UserRole
QUIET_COLOUR = "#3C3C3C"  # explanations: quieter than the role, still readable when projected

Confirm = Callable[[str, str], bool]


def person_summary(person: Person) -> str:
    """'Ann Lee — Maintainer · Business sponsor, Cross-functional team member'."""
    function = f" — {person.function}" if person.function else ""
    roles = ", ".join(role.label for role in person.roles) or "no role yet"
    return f"{person.name}{function} · {roles}"


def removal_warning(person: Person, actions: Sequence[Action]) -> str:
    """What taking ``person`` off the roster does to the actions they own or support."""
    owned = [a for a in actions if a.owner_id == person.id]
    supported = [a for a in actions if person.id in a.supporter_ids and a.owner_id != person.id]
    lines = [f"Take {person.name} off the team roster?"]
    if owned:
        lines.append(f"\nThese actions will have no owner:\n{_bullets(owned)}")
    if supported:
        lines.append(f"\n{person.name} will no longer support:\n{_bullets(supported)}")
    if not owned and not supported:
        lines.append(f"\n{person.name} owns no actions.")
    lines.append("\nYou can undo this with Edit > Undo.")
    return "\n".join(lines)


def _bullets(actions: Sequence[Action]) -> str:
    shown = [f"• {a.what}" for a in actions[:MAX_ACTIONS_LISTED]]
    if len(actions) > MAX_ACTIONS_LISTED:
        shown.append(f"• …and {len(actions) - MAX_ACTIONS_LISTED} more")
    return "\n".join(shown)


class RosterDialog(QDialog, EditFeedback):
    """The people of the workshop: a list on the left, the selected (or new) person's details on the right.

    ``confirm(title, text)`` asks before a removal; tests and callers may replace it.
    """

    def __init__(self, service: WorkshopService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("rosterDialog")
        self.setWindowTitle("Team roster")
        self.service = service
        self.confirm: Confirm = self._ask
        font = QFont(self.font())
        font.setPointSizeF(max(font.pointSizeF(), BASE_POINT_SIZE))
        self.setFont(font)
        self._build()
        service.changed.connect(self._on_changed)
        self._refresh()
        self._show_person(None)
        self.resize(960, 720)

    # Building.

    def _build(self) -> None:
        self.people_list = QListWidget()
        self.people_list.setObjectName("peopleList")
        self.people_list.setAccessibleName("Team members")
        self.people_list.setWordWrap(True)
        self.people_list.currentItemChanged.connect(lambda *_: self._show_person(self.selected_id()))
        self.message = message_label(self, "rosterMessage")
        columns = QHBoxLayout()
        columns.addWidget(self.people_list, 2)
        columns.addWidget(self._details(), 3)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(columns, 1)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    def _details(self) -> QWidget:
        self.name_edit = self._line("personName", "Name, as the team calls them")
        self.function_edit = self._line("personFunction", "Operator, maintainer, shift lead…")
        form = QFormLayout()
        form.addRow("&Name", self.name_edit)
        form.addRow("&Function", self.function_edit)
        box = QGroupBox("Person")
        layout = QVBoxLayout(box)
        layout.addLayout(form)
        layout.addWidget(self._roles())
        layout.addLayout(self._edit_buttons())
        layout.addStretch(1)
        return box

    def _line(self, object_name: str, placeholder: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setObjectName(object_name)
        edit.setPlaceholderText(placeholder)
        return edit

    def _roles(self) -> QGroupBox:
        """One checkbox per role, each with its explanation underneath and as a tooltip."""
        box = QGroupBox("Roles (one or more)")
        layout = QVBoxLayout(box)
        self.role_boxes: dict[Role, QCheckBox] = {}
        small = QFont(self.font())
        small.setPointSizeF(self.font().pointSizeF() * 0.9)
        for role in Role:
            check = QCheckBox(role.label)
            check.setObjectName(f"role_{role.value}")
            check.setToolTip(role.explanation)
            explanation = QLabel(role.explanation)
            explanation.setObjectName(f"roleExplanation_{role.value}")
            explanation.setWordWrap(True)
            explanation.setFont(small)
            explanation.setStyleSheet(f"color: {QUIET_COLOUR}; margin-left: 24px; "
                                      f"font-size: {small.pointSizeF():g}pt;")
            explanation.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            explanation.setMinimumHeight(2 * explanation.fontMetrics().lineSpacing() + 4)  # never clipped
            explanation.setToolTip(role.explanation)
            layout.addWidget(check)
            layout.addWidget(explanation)
            self.role_boxes[role] = check
        return box

    def _edit_buttons(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.new_button = self._button("newPerson", "&New", lambda: self._show_person(None, clear=True))
        self.add_button = self._button("addPerson", "&Add to team", self.add_from_form)
        self.save_button = self._button("savePerson", "&Save changes", self.save_from_form)
        self.remove_button = self._button("removePerson", "&Remove…", self.remove_selected)
        for button in (self.new_button, self.add_button, self.save_button, self.remove_button):
            row.addWidget(button)
        return row

    def _button(self, object_name: str, text: str, slot: Callable[[], object]) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(object_name)
        button.setAutoDefault(False)
        button.clicked.connect(lambda: slot())
        return button

    # Public API.

    def selected_id(self) -> str | None:
        item = self.people_list.currentItem()
        return item.data(PERSON_ID) if item is not None else None

    def select_person(self, person_id: str | None) -> None:
        for row in range(self.people_list.count()):
            if self.people_list.item(row).data(PERSON_ID) == person_id:
                self.people_list.setCurrentRow(row)
                return
        self.people_list.setCurrentRow(-1)

    def checked_roles(self) -> tuple[Role, ...]:
        return tuple(role for role, box in self.role_boxes.items() if box.isChecked())

    def add_from_form(self) -> Person | None:
        """Add a new person with the name, function and roles in the form (one service call)."""
        name = self.name_edit.text().strip()
        if not name:
            self._show_message(NEEDS_NAME)
            return None
        roles, function = self.checked_roles(), self.function_edit.text().strip()
        person = self._edit(lambda: self.service.add_person(name, function, roles))
        if isinstance(person, Person):
            self.select_person(person.id)
            return person
        return None

    def save_from_form(self) -> bool:
        """Save the form over the selected person (one service call)."""
        person_id, name = self.selected_id(), self.name_edit.text().strip()
        if person_id is None:
            return False
        if not name:
            self._show_message(NEEDS_NAME)
            return False
        fields = {"name": name, "function": self.function_edit.text().strip(), "roles": self.checked_roles()}
        return bool(self._edit(lambda: self.service.update_person(person_id, **fields)))

    def remove_selected(self) -> bool:
        """Ask, then take the selected person off the roster; their actions become unassigned."""
        person = self.service.document.people.get(self.selected_id() or "")
        if person is None:
            return False
        actions = sorted(self.service.document.actions.values(), key=lambda a: a.what.casefold())
        if not self.confirm("Remove from the team", removal_warning(person, actions)):
            return False
        return bool(self._edit(lambda: self.service.remove_person(person.id)))

    # Model -> dialog.

    def _on_changed(self, changes: tuple) -> None:
        if any(isinstance(change.entity, Person) for change in changes):
            self._refresh()

    def _refresh(self) -> None:
        selected = self.selected_id()
        people = sorted(self.service.document.people.values(), key=lambda p: (p.name.casefold(), p.id))
        self.people_list.blockSignals(True)
        self.people_list.clear()
        for person in people:
            item = QListWidgetItem(person_summary(person))
            item.setData(PERSON_ID, person.id)
            item.setToolTip("\n".join(f"{r.label}: {r.explanation}" for r in person.roles))
            self.people_list.addItem(item)
        self.people_list.blockSignals(False)
        self.select_person(selected)
        now = self.selected_id()
        self._show_person(now, clear=now is None and selected is not None)  # the shown person is gone

    def _show_person(self, person_id: str | None, *, clear: bool = False) -> None:
        """Fill the form with the person (or leave it for a new one) and enable what applies."""
        person = self.service.document.people.get(person_id or "")
        if clear:
            self.people_list.setCurrentRow(-1)
        if person is not None or clear:
            self.name_edit.setText(person.name if person else "")
            self.function_edit.setText(person.function if person else "")
            for role, box in self.role_boxes.items():
                box.setChecked(person is not None and role in person.roles)
        editable = not self.service.read_only
        for widget in (self.name_edit, self.function_edit, *self.role_boxes.values(),
                       self.new_button, self.add_button):
            widget.setEnabled(editable)
        self.save_button.setEnabled(editable and person is not None)
        self.remove_button.setEnabled(editable and person is not None)
        if not editable:
            self._show_message(READ_ONLY)

    # Dialog -> service.
