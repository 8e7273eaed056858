"""The roster dialog over a real workshop file: people added, edited and removed reach the file."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QCheckBox, QLabel, QLineEdit, QPushButton

from trouble_mapper.domain.document import WorkshopDocument
from trouble_mapper.domain.vocabulary import Role
from trouble_mapper.service import WorkshopService
from trouble_mapper.storage.workshop_file import open_workshop
from trouble_mapper.ui.roster import RosterDialog


@pytest.fixture
def dialog(qtbot, service):
    """A shown roster dialog whose removal question is answered yes (and recorded)."""
    roster = RosterDialog(service)
    roster.questions = []
    roster.confirm = lambda title, text: roster.questions.append(text) or True
    qtbot.addWidget(roster)
    roster.show()
    qtbot.waitExposed(roster)
    return roster


def reopened(path: Path) -> WorkshopDocument:
    """The document a fresh read-only open of the file finds."""
    opened = open_workshop(path, read_only=True)
    try:
        return opened.document
    finally:
        opened.close()


def child(dialog: RosterDialog, kind: type, name: str):
    widget = dialog.findChild(kind, name)
    assert widget is not None, name
    return widget


def click(qtbot, dialog: RosterDialog, name: str) -> None:
    qtbot.mouseClick(child(dialog, QPushButton, name), Qt.MouseButton.LeftButton)


def tick(qtbot, dialog: RosterDialog, role: Role) -> None:
    """Click a role's checkbox on its box (the widget may be wider than its text)."""
    check = child(dialog, QCheckBox, f"role_{role.value}")
    qtbot.mouseClick(check, Qt.MouseButton.LeftButton, pos=QPoint(8, check.height() // 2))


def type_into(qtbot, dialog: RosterDialog, name: str, text: str) -> None:
    field = child(dialog, QLineEdit, name)
    field.selectAll()
    qtbot.keyClicks(field, text)


def test_add_person_with_two_roles_reaches_the_file(qtbot, dialog, workshop_path):
    """Typing a name and function and ticking two roles adds one person with both roles to the file."""
    type_into(qtbot, dialog, "personName", "Priya Shah")
    type_into(qtbot, dialog, "personFunction", "Maintenance planner")
    tick(qtbot, dialog, Role.FIRST_LINE_LEADER)
    tick(qtbot, dialog, Role.EXPERT)
    click(qtbot, dialog, "addPerson")

    people = list(reopened(workshop_path).people.values())
    assert [(p.name, p.function, p.roles) for p in people] == [
        ("Priya Shah", "Maintenance planner", (Role.FIRST_LINE_LEADER, Role.EXPERT))]
    assert dialog.people_list.count() == 1
    assert "First line leader, Subject matter expert / trainer" in dialog.people_list.item(0).text()
    assert dialog.service.undo_stack.count() == 1


def test_every_role_shows_its_explanation(dialog):
    """Each of the six roles has a checkbox whose tooltip and text line give the role's explanation."""
    for role in Role:
        check = child(dialog, QCheckBox, f"role_{role.value}")
        line = child(dialog, QLabel, f"roleExplanation_{role.value}")
        assert check.text() == role.label
        assert check.toolTip() == line.text() == role.explanation
        assert line.isVisible()


def test_a_person_needs_a_name(qtbot, dialog, workshop_path):
    """Adding with an empty name says so and adds nobody."""
    click(qtbot, dialog, "addPerson")
    assert dialog.message.isVisible() and "name" in dialog.message.text()
    assert reopened(workshop_path).people == {}


def test_edit_person_is_one_step(qtbot, dialog, service, workshop_path):
    """Selecting a person, renaming them and changing roles saves one edit; undo puts them back."""
    ann = service.add_person("Ann", "Operator", (Role.TEAM_MEMBER,))
    dialog.select_person(ann.id)
    assert child(dialog, QCheckBox, "role_team_member").isChecked()
    type_into(qtbot, dialog, "personName", "Ann Lee")
    tick(qtbot, dialog, Role.SPONSOR)
    click(qtbot, dialog, "savePerson")

    saved = reopened(workshop_path).people[ann.id]
    assert (saved.name, saved.roles) == ("Ann Lee", (Role.SPONSOR, Role.TEAM_MEMBER))
    service.undo_stack.undo()
    assert reopened(workshop_path).people[ann.id] == ann
    assert dialog.name_edit.text() == "Ann"


def test_remove_person_unassigns_their_actions(qtbot, dialog, service, workshop_path):
    """Removing an owner asks first, naming the actions that lose their owner; the file then has none."""
    ann = service.add_person("Ann", "Operator", (Role.TEAM_MEMBER,))
    bob = service.add_person("Bob")
    fix = service.add_action("Replace the seal", owner_id=ann.id, supporter_ids=(bob.id,))
    dialog.select_person(ann.id)
    click(qtbot, dialog, "removePerson")

    assert len(dialog.questions) == 1
    assert "These actions will have no owner" in dialog.questions[0]
    assert "Replace the seal" in dialog.questions[0]
    doc = reopened(workshop_path)
    assert ann.id not in doc.people
    assert doc.actions[fix.id].owner_id is None
    assert doc.actions[fix.id].supporter_ids == (bob.id,)
    assert [dialog.people_list.item(i).text() for i in range(dialog.people_list.count())] == [
        "Bob · no role yet"]
    service.undo_stack.undo()
    assert reopened(workshop_path).actions[fix.id].owner_id == ann.id


def test_declined_removal_changes_nothing(qtbot, dialog, service, workshop_path):
    """Answering no to the removal question leaves the person and their action as they were."""
    ann = service.add_person("Ann")
    service.add_action("Replace the seal", owner_id=ann.id)
    dialog.confirm = lambda title, text: False
    dialog.select_person(ann.id)
    click(qtbot, dialog, "removePerson")
    assert ann.id in reopened(workshop_path).people
    assert service.undo_stack.count() == 2


def test_read_only_workshop_cannot_be_edited(qtbot, workshop_path):
    """On a read-only file every editing control is disabled and the dialog says why."""
    opened = open_workshop(workshop_path, read_only=True)
    service = WorkshopService(opened)
    try:
        roster = RosterDialog(service)
        qtbot.addWidget(roster)
        roster.show()
        for name in ("addPerson", "savePerson", "removePerson", "newPerson"):
            assert not child(roster, QPushButton, name).isEnabled(), name
        assert not roster.name_edit.isEnabled()
        assert "read-only" in roster.message.text()
    finally:
        service.close()


def test_messages_show_markup_as_typed(qtbot):
    """A refusal that quotes a name like "<b>Ann</b>" shows the tags, not bold text."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QWidget

    from trouble_mapper.ui.edit_feedback import message_label

    owner = QWidget()
    qtbot.addWidget(owner)
    label = message_label(owner, "message")
    label.setText("“<b>Ann</b>” is already on the team")
    assert label.textFormat() == Qt.TextFormat.PlainText
