"""Meetings panel and review mode over a real workshop file: every change reaches the file and undoes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QLineEdit, QPlainTextEdit, QPushButton, QWidget

from trouble_mapper.domain.document import WorkshopDocument
from trouble_mapper.domain.vocabulary import ActionStatus, CardKind, Role
from trouble_mapper.service import WorkshopService
from trouble_mapper.storage import repository
from trouble_mapper.storage.workshop_file import open_workshop
from trouble_mapper.ui.meetings import MeetingsPanel
from trouble_mapper.ui.review_mode import ReviewDialog

TODAY = date.today()


def reopened(path: Path) -> WorkshopDocument:
    """The document a fresh read-only open of the file finds."""
    opened = open_workshop(path, read_only=True)
    try:
        return opened.document
    finally:
        opened.close()


def child(parent: QWidget, kind: type, name: str):
    widget = parent.findChild(kind, name)
    assert widget is not None, name
    return widget


def click(qtbot, parent: QWidget, name: str) -> None:
    qtbot.mouseClick(child(parent, QPushButton, name), Qt.MouseButton.LeftButton)


def show(qtbot, widget: QWidget) -> QWidget:
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    return widget


class Clock:
    """Stands in for the repository's ``datetime``: history rows get the time set here."""

    def __init__(self) -> None:
        self.moment = datetime.now(UTC)

    def now(self, tz=None) -> datetime:
        return self.moment

    def at(self, day: date, hour: int = 10) -> None:
        self.moment = datetime.combine(day, time(hour)).astimezone()


@pytest.fixture
def clock(monkeypatch) -> Clock:
    """History timestamps under the test's control (edits 'made' days ago)."""
    fake = Clock()
    monkeypatch.setattr(repository, "datetime", fake)
    return fake


@pytest.fixture
def team(service):
    """Three people on the roster, by first name."""
    return {name: service.add_person(name, roles=(Role.TEAM_MEMBER,)) for name in ("Ann", "Bob", "Cem")}


# Meetings panel.


def test_start_meeting_with_attendees(qtbot, service, team, workshop_path):
    """Picking a date, ticking two people and typing notes records one meeting with them in the file."""
    panel = show(qtbot, MeetingsPanel(service))
    assert panel.date_edit.date().toPython() == TODAY
    panel.date_edit.setDate(QDate(2024, 6, 3))
    for row in range(panel.attendee_list.count()):
        item = panel.attendee_list.item(row)
        if item.text() in ("Ann", "Cem"):
            item.setCheckState(Qt.CheckState.Checked)
    qtbot.keyClicks(child(panel, QPlainTextEdit, "newMeetingNotes"), "Weekly follow-up")
    with qtbot.waitSignal(panel.meeting_started) as started:
        click(qtbot, panel, "startMeeting")

    meetings = list(reopened(workshop_path).meetings.values())
    assert [(m.date, set(m.attendee_ids), m.notes) for m in meetings] == [
        (date(2024, 6, 3), {team["Ann"].id, team["Cem"].id}, "Weekly follow-up")]
    assert started.args == [meetings[0].id]
    assert panel.meetings_list.item(0).text() == "2024-06-03 · 2 attendees · Weekly follow-up"
    assert panel.selected_meeting().id == meetings[0].id
    assert service.undo_stack.count() == 4  # three people, one meeting


def test_edit_notes_of_selected_meeting(qtbot, service, workshop_path):
    """Editing the selected meeting's notes and saving changes the file; undo brings the old notes back."""
    meeting = service.add_meeting(date(2024, 6, 3), notes="Agenda")
    panel = show(qtbot, MeetingsPanel(service))
    panel.select_meeting(meeting.id)
    assert panel.notes_edit.toPlainText() == "Agenda"
    panel.notes_edit.setFocus()
    qtbot.keyClick(panel.notes_edit, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(panel.notes_edit, " and minutes")
    click(qtbot, panel, "saveNotes")
    assert reopened(workshop_path).meetings[meeting.id].notes == "Agenda and minutes"
    service.undo_stack.undo()
    assert reopened(workshop_path).meetings[meeting.id].notes == "Agenda"
    assert panel.notes_edit.toPlainText() == "Agenda"


def test_since_last_meeting_shows_closed_and_newly_overdue(qtbot, service, team, clock):
    """After a meeting a week ago, an action closed since and one whose due date has passed are listed."""
    meeting_day = TODAY - timedelta(days=7)
    clock.at(TODAY - timedelta(days=10))
    fix = service.add_action("Replace the seal", owner_id=team["Ann"].id)
    service.add_action("Tighten the guard", owner_id=team["Bob"].id, due=TODAY - timedelta(days=2))
    service.add_action("Old overdue", due=meeting_day - timedelta(days=5))
    clock.at(meeting_day)
    service.add_meeting(meeting_day, [team["Ann"].id])
    clock.at(TODAY - timedelta(days=2))
    service.update_action(fix.id, status=ActionStatus.DONE)
    clock.at(TODAY + timedelta(days=1))
    service.add_meeting(TODAY + timedelta(days=1))  # the meeting running now is not "the last one"

    panel = show(qtbot, MeetingsPanel(service, today=lambda: TODAY + timedelta(days=1)))
    panel.tabs.setCurrentIndex(1)
    assert panel.since_box.currentText().startswith(meeting_day.isoformat())
    lines = [panel.since_list.item(row).text().lstrip("• ") for row in range(panel.since_list.count())]
    closed = lines.index("Closed since the meeting (1)")
    overdue = lines.index("Became overdue (1)")
    assert lines[closed + 1] == "Replace the seal (Ann): open → done"
    assert lines[overdue + 1] == f"Tighten the guard (Bob): was due {(TODAY - timedelta(days=2)).isoformat()}"
    assert not any("Old overdue" in line for line in lines)
    assert "Nothing added." in lines
    assert panel.since_list.font().pointSizeF() >= 20


def test_since_list_follows_undo(qtbot, service, team):
    """Undoing the closing edit takes the action off the closed list."""
    fix = service.add_action("Replace the seal", owner_id=team["Ann"].id)
    service.add_meeting(TODAY - timedelta(days=3))
    service.update_action(fix.id, status=ActionStatus.DONE)
    panel = show(qtbot, MeetingsPanel(service))
    panel.tabs.setCurrentIndex(1)
    texts = lambda: [panel.since_list.item(r).text().lstrip("• ") for r in range(panel.since_list.count())]  # noqa: E731
    assert "Closed since the meeting (1)" in texts()
    service.undo_stack.undo()
    assert "Closed since the meeting" in texts() and "No action closed." in texts()


def test_read_only_meetings_cannot_be_started(qtbot, workshop_path):
    """On a read-only file the start button is disabled and the panel says why."""
    service = WorkshopService(open_workshop(workshop_path, read_only=True))
    try:
        panel = show(qtbot, MeetingsPanel(service))
        assert not child(panel, QPushButton, "startMeeting").isEnabled()
        assert "read-only" in panel.message.text()
    finally:
        service.close()


# Review mode.


@pytest.fixture
def review_set(service, team):
    """A meeting today and four actions: three open ones (due in this order) and one done."""
    seal = service.add_card(CardKind.TROUBLE, 0, 0, "Seal leaks")
    meeting = service.add_meeting(TODAY, [team["Ann"].id], notes="Follow-up")
    actions = {
        "seal": service.add_action("Replace the seal", owner_id=team["Ann"].id, card_ids=(seal.id,),
                                   due=TODAY - timedelta(days=3), check="No drips for a week"),
        "guard": service.add_action("Tighten the guard", owner_id=team["Bob"].id,
                                    due=TODAY + timedelta(days=4)),
        "light": service.add_action("Fix the light"),
        "done": service.add_action("Clean the sensor", status=ActionStatus.DONE),
    }
    return meeting, actions


@pytest.fixture
def review(qtbot, service, review_set):
    """A shown review dialog taking notes for today's meeting."""
    meeting, _ = review_set
    dialog = show(qtbot, ReviewDialog(service, meeting.id))
    dialog.setFocus()
    return dialog


def test_review_steps_through_open_actions_with_keys(qtbot, review, review_set):
    """Right and Left step through the open actions in due order; the closed one is not shown."""
    _, actions = review_set
    assert review.action_ids == [actions["seal"].id, actions["guard"].id, actions["light"].id]
    assert review.what_label.text() == "Replace the seal"
    assert "OVERDUE by 3 days" in review.due_label.text()
    assert review.cards_label.text() == "T1  Seal leaks"
    assert review.check_label.text() == "No drips for a week"
    qtbot.keyClick(review, Qt.Key.Key_Right)
    assert review.what_label.text() == "Tighten the guard"
    assert review.owner_label.text() == "Bob"
    qtbot.keyClick(review, Qt.Key.Key_Right)
    qtbot.keyClick(review, Qt.Key.Key_Right)  # stays on the last one
    assert review.position_label.text() == "Open action 3 of 3"
    qtbot.keyClick(review, Qt.Key.Key_Left)
    assert review.what_label.text() == "Tighten the guard"


def test_review_status_change_and_refused_move(qtbot, review, review_set, workshop_path):
    """Key 2 moves an open action to in progress; key 4 (verified) is refused with a message, file kept."""
    _, actions = review_set
    seal = actions["seal"].id
    assert not review.status_buttons[ActionStatus.VERIFIED].isVisible()
    qtbot.keyClick(review, Qt.Key.Key_4)
    assert review.message.isVisible()
    assert "not straight to verified" in review.message.text()
    assert reopened(workshop_path).actions[seal].status is ActionStatus.OPEN

    qtbot.keyClick(review, Qt.Key.Key_2)
    assert reopened(workshop_path).actions[seal].status is ActionStatus.IN_PROGRESS
    assert not review.message.isVisible()
    assert review.status_label.text() == "In progress"
    click(qtbot, review, "status_done")
    assert reopened(workshop_path).actions[seal].status is ActionStatus.DONE
    assert "closed now" in review.position_label.text()


def test_review_moves_due_date(qtbot, review, review_set, workshop_path, service):
    """'+1 week' and the date picker each move the due date in the file; undo restores it."""
    _, actions = review_set
    seal = actions["seal"]
    click(qtbot, review, "dueWeek")
    assert reopened(workshop_path).actions[seal.id].due == seal.due + timedelta(days=7)
    review.due_picker.setDate(QDate(2031, 1, 15))
    click(qtbot, review, "setDue")
    assert reopened(workshop_path).actions[seal.id].due == date(2031, 1, 15)
    service.undo_stack.undo()
    service.undo_stack.undo()
    assert reopened(workshop_path).actions[seal.id].due == seal.due
    assert review.due_label.text().startswith(seal.due.isoformat())


def test_review_note_goes_to_the_meeting(qtbot, review, review_set, workshop_path, service):
    """A typed note is appended to the meeting's notes, prefixed with the action; Ctrl+Z undoes it."""
    meeting, _ = review_set
    qtbot.keyClick(review, Qt.Key.Key_N)
    note = child(review, QLineEdit, "noteText")
    qtbot.waitUntil(note.hasFocus)
    qtbot.keyClicks(note, "Seal kit ordered")
    qtbot.keyClick(note, Qt.Key.Key_Return)
    notes = reopened(workshop_path).meetings[meeting.id].notes
    assert notes == "Follow-up\nReplace the seal: Seal kit ordered"
    assert note.text() == ""
    qtbot.waitUntil(review.hasFocus)
    qtbot.keyClick(review, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert reopened(workshop_path).meetings[meeting.id].notes == "Follow-up"


def test_review_without_meeting_refuses_notes(qtbot, service, review_set):
    """With no meeting to write to, the note field is disabled and the dialog says how to start one."""
    dialog = show(qtbot, ReviewDialog(service, None))
    assert not dialog.note_edit.isEnabled()
    assert not dialog.add_note("Something")
    assert "Start a meeting first" in dialog.message.text()


def test_review_escape_closes(qtbot, review):
    """Esc closes the review."""
    qtbot.keyClick(review, Qt.Key.Key_Escape)
    assert not review.isVisible()


def test_review_read_only(qtbot, workshop_path, review_set, service):
    """On a read-only file the review can step but every change control is disabled."""
    service.close()
    readonly = WorkshopService(open_workshop(workshop_path, read_only=True))
    try:
        dialog = show(qtbot, ReviewDialog(readonly))
        for name in ("status_in_progress", "dueWeek", "setDue", "addNote"):
            assert not child(dialog, QPushButton, name).isEnabled(), name
        qtbot.keyClick(dialog, Qt.Key.Key_Right)
        assert dialog.index == 1
        assert "Read-only" in dialog.message.text()
    finally:
        readonly.close()


def test_panel_opens_review_for_selected_meeting(qtbot, service, review_set):
    """'Review open actions' opens the review writing notes to the selected meeting."""
    meeting, _ = review_set
    panel = show(qtbot, MeetingsPanel(service))
    panel.select_meeting(meeting.id)
    click(qtbot, panel, "reviewActions")
    assert panel.review is not None and panel.review.isVisible()
    assert panel.review.meeting_id == meeting.id
    panel.review.reject()
