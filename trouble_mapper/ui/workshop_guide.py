"""The new-workshop guide: what and why, the team and their roles, the category scheme, the background.

``NewWorkshopGuide`` only gathers answers; it writes nothing. Its result is a plain ``WorkshopSetup``
(``guide.setup()``), and ``create_from_setup(path, setup)`` writes the file: the workshop row first
(``create_workshop``), then each person and the background through the edit service, each saved at once.

Three ways out of the guide:
- Finish (last page): a workshop with everything entered;
- Skip Guide (first page only): a workshop with only the title typed so far ("Untitled workshop" if none);
  the rest can be set later from the Workshop menu;
- Cancel (or Esc, or closing the window): no workshop is created.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import NamedTuple

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from trouble_mapper.canvas.picture_import import Picture, PictureRefused, picture_from_file
from trouble_mapper.domain import rules
from trouble_mapper.domain.model import Person, Workshop
from trouble_mapper.domain.rules import RuleError
from trouble_mapper.domain.vocabulary import Role
from trouble_mapper.service import WorkshopService
from trouble_mapper.storage.errors import WorkshopFileError
from trouble_mapper.storage.workshop_file import create_workshop, journal_path_for
from trouble_mapper.ui.background_dialogs import IMAGE_FILTER
from trouble_mapper.ui.roster import NEEDS_NAME, person_summary
from trouble_mapper.ui.workshop_details import (
    SchemeChooser,
    WorkshopFieldsForm,
    normalised_title,
    plain_message_label,
    problem_with,
    projector_font,
    quiet_label,
)

SKIP_BUTTON = QWizard.WizardButton.CustomButton1
LATER_DETAILS = "You can change all of this later (Workshop > Details…)."
LATER_TEAM = "You can change the team later (Workshop > Team Roster…)."
LATER_BACKGROUND = "Optional: you can add or change the picture later (Workshop > Background)."
NO_PICTURE = "No picture: the map starts on a blank page."
NOT_CREATED = ("could not be created because the file could not be written (the disk may be full, or the "
               "folder read-only). Nothing was kept; choose another place or free some space and try again.")


class TeamMember(NamedTuple):
    """One person for the roster of the new workshop."""

    name: str
    function: str = ""
    roles: tuple[Role, ...] = ()


@dataclass(frozen=True)
class WorkshopSetup:
    """Everything the guide gathered: the workshop row, the team, and an optional checked picture."""

    workshop: Workshop
    people: tuple[TeamMember, ...] = ()
    background: Picture | None = None


def title_only_setup(title: str) -> WorkshopSetup:
    """The setup of a workshop with only a title (the skip path; also for ``new_workshop(title)``)."""
    return WorkshopSetup(Workshop(title=normalised_title(title)))


def ordered_roles(roles: Sequence[Role]) -> tuple[Role, ...]:
    """Roles without repeats, in the order the roster lists them."""
    return tuple(role for role in Role if role in roles)


def create_from_setup(path: Path | str, setup: WorkshopSetup) -> None:
    """Write a new workshop file at ``path`` (which must not exist) holding everything in ``setup``.

    The workshop row is written when the file is created; each person and the background are then added
    through the edit service, each saved at once. The file is closed again: open it with ``open_path``.
    Raises WorkshopFileError, with a message for the user, when the file exists, when a text cannot be
    stored (checked before the file is made), or when a write fails (then the half-made file is removed).
    """
    path = Path(path).absolute()
    try:
        rules.check_storable(setup.workshop)
        for member in setup.people:
            rules.check_storable(Person("check", member.name, member.function, tuple(member.roles)))
    except RuleError as error:
        raise WorkshopFileError(path, f"was not created: {error}") from None
    service = WorkshopService(create_workshop(path, setup.workshop))
    failures: list[str] = []
    service.save_failed.connect(failures.append)
    try:
        for member in setup.people:
            if failures:
                break
            service.add_person(member.name, member.function, ordered_roles(member.roles))
        if setup.background is not None and not failures:
            service.set_background(setup.background.data, setup.background.format)
    except RuleError as error:
        failures.append(str(error))
    finally:
        service.close()
    if failures:
        path.unlink(missing_ok=True)
        journal_path_for(path).unlink(missing_ok=True)
        raise WorkshopFileError(path, NOT_CREATED)


def _button(object_name: str, text: str, slot: Callable[[], object]) -> QPushButton:
    button = QPushButton(text)
    button.setObjectName(object_name)
    button.setAutoDefault(False)
    button.clicked.connect(lambda: slot())
    return button


class RoleChecks(QGroupBox):
    """One checkbox per role, each with its one-line explanation under it (as in the team roster)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Roles (one or more)", parent)
        layout = QVBoxLayout(self)
        self.boxes: dict[Role, QCheckBox] = {}
        for role in Role:
            check = QCheckBox(role.label)
            check.setObjectName(f"role_{role.value}")
            check.setToolTip(role.explanation)
            explanation = quiet_label(role.explanation, f"roleExplanation_{role.value}", 0.9, indent=24)
            explanation.setToolTip(role.explanation)
            layout.addWidget(check)
            layout.addWidget(explanation)
            self.boxes[role] = check

    def roles(self) -> tuple[Role, ...]:
        return tuple(role for role, box in self.boxes.items() if box.isChecked())

    def set_roles(self, roles: Sequence[Role]) -> None:
        for role, box in self.boxes.items():
            box.setChecked(role in roles)


class WhatPage(QWizardPage):
    """Title, improvement goal, scope and date (the fields of Workshop > Details…)."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("whatPage")
        self.setTitle("What and why")
        self.setSubTitle("What the workshop is for, as the sponsor frames it. " + LATER_DETAILS)
        self.fields = WorkshopFieldsForm()
        self.fields.start.set_value(date.today())  # a new workshop starts today unless told otherwise
        self.message = plain_message_label(self, "whatMessage")
        layout = QVBoxLayout(self)
        layout.addWidget(self.fields)
        layout.addStretch(1)
        layout.addWidget(self.message)

    def validatePage(self) -> bool:
        values = self.fields.values()
        problem = problem_with(Workshop(**values), values)
        self.message.setText(problem)
        self.message.setVisible(bool(problem))
        return not problem


class TeamPage(QWizardPage):
    """The sponsor, the facilitator, and the team: a list of people and a form to add or change one."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("teamPage")
        self.setTitle("The team")
        self.setSubTitle("Who is in the room and what each person does; one person may hold several "
                         "roles. " + LATER_TEAM)
        self.members: list[TeamMember] = []
        self.sponsor_edit = self._line("sponsorName", "Who sets the goal and signs off the plan")
        self.facilitator_edit = self._line("facilitatorName", "Optional: usually you, at the laptop")
        self.message = plain_message_label(self, "teamMessage")
        content = QWidget()
        layout = QVBoxLayout(content)
        layout.addLayout(self._leads())
        layout.addWidget(self._team_box(), 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll, 1)
        outer.addWidget(self.message)
        self._show_member(None)

    # Building.

    @staticmethod
    def _line(object_name: str, placeholder: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setObjectName(object_name)
        edit.setPlaceholderText(placeholder)
        return edit

    def _leads(self) -> QFormLayout:
        form = QFormLayout()
        for label, edit, role in (("&Sponsor", self.sponsor_edit, Role.SPONSOR),
                                  ("&Facilitator", self.facilitator_edit, Role.CHANGE_AGENT)):
            column = QVBoxLayout()
            column.addWidget(edit)
            explanation = quiet_label(f"{role.label}: {role.explanation}", f"leadExplanation_{role.value}")
            column.addWidget(explanation)
            buddy = QLabel(label)
            buddy.setBuddy(edit)
            form.addRow(buddy, column)
        return form

    def _team_box(self) -> QGroupBox:
        self.team_list = QListWidget()
        self.team_list.setObjectName("teamList")
        self.team_list.setAccessibleName("Team members")
        self.team_list.setWordWrap(True)
        self.team_list.currentRowChanged.connect(self._show_member)
        self.name_edit = self._line("memberName", "Name, as the team calls them")
        self.function_edit = self._line("memberFunction", "Operator, maintainer, shift lead…")
        self.role_checks = RoleChecks()
        self.add_button = _button("addMember", "&Add to team", self.add_from_form)
        self.save_button = _button("saveMember", "Save c&hanges", self.save_from_form)
        self.new_button = _button("newMember", "New &person", lambda: self._show_member(None, clear=True))
        self.remove_button = _button("removeMember", "&Remove", self.remove_selected)
        left = QVBoxLayout()
        left.addWidget(self.team_list, 1)
        left.addWidget(self.remove_button)
        form = QFormLayout()
        form.addRow("Na&me", self.name_edit)
        form.addRow("F&unction", self.function_edit)
        buttons = QHBoxLayout()
        for button in (self.add_button, self.save_button, self.new_button):
            buttons.addWidget(button)
        right = QVBoxLayout()
        right.addLayout(form)
        right.addWidget(self.role_checks)
        right.addLayout(buttons)
        right.addStretch(1)
        columns = QHBoxLayout()
        columns.addLayout(left, 2)
        columns.addLayout(right, 3)
        box = QGroupBox("Team members")
        box.setLayout(columns)
        return box

    # The form.

    def _form_member(self) -> TeamMember | None:
        name = self.name_edit.text().strip()
        if not name:
            self._say(NEEDS_NAME)
            return None
        return TeamMember(name, self.function_edit.text().strip(), self.role_checks.roles())

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def add_from_form(self) -> bool:
        """Put the person in the form on the team list, and clear the form for the next one."""
        member = self._form_member()
        if member is None:
            return False
        self.members.append(member)
        self._refresh()
        self._show_member(None, clear=True)
        self.name_edit.setFocus()
        return True

    def save_from_form(self) -> bool:
        """Put the form over the selected person."""
        row = self.team_list.currentRow()
        member = self._form_member()
        if member is None or row < 0:
            return False
        self.members[row] = member
        self._refresh(row)
        return True

    def remove_selected(self) -> bool:
        row = self.team_list.currentRow()
        if row < 0:
            return False
        del self.members[row]
        self._refresh()
        self._show_member(None, clear=True)
        return True

    def _refresh(self, row: int = -1) -> None:
        self.team_list.blockSignals(True)
        self.team_list.clear()
        for member in self.members:
            item = QListWidgetItem(person_summary(Person("", member.name, member.function, member.roles)))
            item.setToolTip("\n".join(f"{role.label}: {role.explanation}" for role in member.roles))
            self.team_list.addItem(item)
        self.team_list.setCurrentRow(row)
        self.team_list.blockSignals(False)
        self._show_member(row)

    def _show_member(self, row: int | None, *, clear: bool = False) -> None:
        member = self.members[row] if row is not None and 0 <= row < len(self.members) else None
        if clear:
            self.team_list.setCurrentRow(-1)
        if member is not None or clear:
            self.name_edit.setText(member.name if member else "")
            self.function_edit.setText(member.function if member else "")
            self.role_checks.set_roles(member.roles if member else ())
        self.save_button.setEnabled(member is not None)
        self.remove_button.setEnabled(member is not None)
        self._say("")

    def validatePage(self) -> bool:
        """A person typed in the form but not added yet joins the team (or updates the selected one)."""
        if self.name_edit.text().strip():
            selected = self.team_list.currentRow()
            if selected < 0:
                self.add_from_form()
            elif self.members[selected] != self._form_member():
                self.save_from_form()
        return True

    # The result.

    def team(self) -> tuple[TeamMember, ...]:
        """The team list, with the sponsor and facilitator: someone already listed (same name) gains the
        role, anyone else is added first."""
        people = list(self.members)
        leads = 0
        for edit, role in ((self.sponsor_edit, Role.SPONSOR), (self.facilitator_edit, Role.CHANGE_AGENT)):
            name = edit.text().strip()
            if not name:
                continue
            for index, member in enumerate(people):
                if member.name.casefold() == name.casefold():
                    people[index] = member._replace(roles=ordered_roles((*member.roles, role)))
                    break
            else:
                people.insert(leads, TeamMember(name, "", (role,)))
                leads += 1
        return tuple(people)


class CategoriesPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("categoriesPage")
        self.setTitle("Categories")
        self.setSubTitle("How troubles will be classified on the map. " + LATER_DETAILS)
        self.scheme = SchemeChooser()
        layout = QVBoxLayout(self)
        layout.addWidget(self.scheme)
        layout.addStretch(1)


class BackgroundPage(QWizardPage):
    """An optional picture of the area, checked by ``picture_import`` as soon as it is chosen."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("backgroundPage")
        self.setTitle("Background")
        self.setSubTitle("A picture everybody recognises: a photo or drawing of the equipment, a floor plan "
                         "or a process flow. " + LATER_BACKGROUND)
        self.picture: Picture | None = None
        self.picture_name = ""
        self.choose_button = _button("chooseBackground", "&Choose Picture…", self.choose_file)
        self.clear_button = _button("clearBackground", "N&o Picture", self.clear)
        self.chosen = QLabel(NO_PICTURE)
        self.chosen.setObjectName("backgroundChosen")
        self.chosen.setTextFormat(Qt.TextFormat.PlainText)
        self.chosen.setWordWrap(True)
        self.message = plain_message_label(self, "backgroundMessage")
        buttons = QHBoxLayout()
        buttons.addWidget(self.choose_button)
        buttons.addWidget(self.clear_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.chosen)
        layout.addWidget(self.message)
        layout.addStretch(1)
        self._show()

    def choose_file(self) -> bool:
        path, _ = QFileDialog.getOpenFileName(self, "Background picture", "", IMAGE_FILTER)
        return bool(path) and self.load_file(path)

    def load_file(self, path: str | Path) -> bool:
        """Check the picture at ``path``; a refused one leaves the choice as it was and says why."""
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)  # a big photo takes a moment
        try:
            picture = picture_from_file(path)
        except PictureRefused as error:
            self._show(str(error))
            return False
        finally:
            QGuiApplication.restoreOverrideCursor()
        self.picture, self.picture_name = picture, Path(path).name
        self._show()
        return True

    def clear(self) -> None:
        self.picture, self.picture_name = None, ""
        self._show()

    def _show(self, message: str = "") -> None:
        picture = self.picture
        self.chosen.setText(NO_PICTURE if picture is None else
                            f"“{self.picture_name}”: {picture.format.upper()}, "
                            f"{picture.width:,} × {picture.height:,} pixels.")
        self.clear_button.setEnabled(picture is not None)
        self.message.setText(message)
        self.message.setVisible(bool(message))


class NewWorkshopGuide(QWizard):
    """File > New Workshop: a few pages that frame the workshop. ``setup()`` is the result once accepted.

    Nothing is written here: the caller passes ``setup()`` to ``create_from_setup``.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("newWorkshopGuide")
        self.setWindowTitle("New workshop")
        projector_font(self)
        self.skipped = False
        self.what_page = WhatPage()
        self.team_page = TeamPage()
        self.categories_page = CategoriesPage()
        self.background_page = BackgroundPage()
        for page in (self.what_page, self.team_page, self.categories_page, self.background_page):
            self.addPage(page)
        self.setOption(QWizard.WizardOption.HaveCustomButton1)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage)
        self.setButtonText(SKIP_BUTTON, "S&kip Guide")
        skip = self.button(SKIP_BUTTON)
        skip.setObjectName("skipGuide")
        skip.setToolTip("Create the workshop with only its title; set the rest later from the Workshop menu.")
        self.customButtonClicked.connect(self._custom_button)
        self.currentIdChanged.connect(self._page_changed)
        self._page_changed(self.startId())
        self.resize(1000, 800)

    @property
    def fields(self) -> WorkshopFieldsForm:
        return self.what_page.fields

    def _custom_button(self, which: int) -> None:
        if which == SKIP_BUTTON.value:
            self.skip()

    def _page_changed(self, page_id: int) -> None:
        """Skip Guide is offered on the first page only; later, Next and Finish keep what was typed."""
        buttons = QWizard.WizardButton
        layout = [buttons.Stretch, buttons.BackButton, buttons.NextButton, buttons.FinishButton,
                  buttons.CancelButton]
        if page_id == self.startId():
            layout.insert(1, SKIP_BUTTON)
        self.setButtonLayout(layout)

    def skip(self) -> None:
        """Create the workshop with only its title."""
        self.skipped = True
        self.accept()

    def setup(self) -> WorkshopSetup:
        """What the guide gathered (only the title after Skip Guide)."""
        if self.skipped:
            return title_only_setup(self.fields.title_edit.text())
        workshop = Workshop(**self.fields.values(), category_scheme=self.categories_page.scheme.key())
        return WorkshopSetup(workshop, self.team_page.team(), self.background_page.picture)
