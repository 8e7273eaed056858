"""MeetingsPanel: the workshop's meetings, starting a follow-up meeting, and what happened since the last one.

Every button is one service call; the panel refreshes from ``service.changed``. The "Since last meeting"
tab reads the file's history (``domain.since_meeting``) and shows it in a large font for the room.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from trouble_mapper.domain.model import Meeting, Person
from trouble_mapper.domain.rules import describe_count
from trouble_mapper.domain.since_meeting import ReportItem, SinceReport, changes_since, last_meeting_before
from trouble_mapper.ui.edit_feedback import EditFeedback, message_label

if TYPE_CHECKING:
    from trouble_mapper.service import WorkshopService
    from trouble_mapper.ui.review_mode import ReviewDialog

BASE_POINT_SIZE = 12.0
ROOM_POINT_SIZE = 20.0  # the since-last-meeting list is read from the back of the room
READ_ONLY = "This workshop is open read-only: meetings cannot be started or edited."
NO_MEETING = "No earlier meeting yet: start one, and next time this shows what happened since."
ITEM_ID = Qt.ItemDataRole.UserRole

SECTIONS: tuple[tuple[str, str, str], ...] = (  # report attribute, heading, shown when empty
    ("closed", "Closed since the meeting", "No action closed."),
    ("newly_overdue", "Became overdue", "No action became overdue."),
    ("added", "Added", "Nothing added."),
    ("changed", "Changed", "Nothing changed."),
)


def meeting_title(meeting: Meeting) -> str:
    """'2024-05-06 · 4 attendees · first line of the notes'."""
    people = describe_count(len(meeting.attendee_ids), "attendee", "attendees")
    first_line = meeting.notes.strip().splitlines()[0] if meeting.notes.strip() else ""
    return " · ".join(part for part in (meeting.date.isoformat(), people, first_line) if part)


def report_lines(report: SinceReport) -> list[tuple[str, str]]:
    """The report as (kind, text) lines: kind is 'heading', 'item' or 'empty'."""
    lines: list[tuple[str, str]] = []
    for attribute, heading, empty in SECTIONS:
        items: list[ReportItem] = getattr(report, attribute)
        lines.append(("heading", f"{heading} ({len(items)})" if items else heading))
        lines.extend(("item", item.as_text()) for item in items)
        if not items:
            lines.append(("empty", empty))
    return lines


class MeetingsPanel(QWidget, EditFeedback):
    """Meetings list, "Start meeting", notes of the selected meeting, and the since-last-meeting view.

    ``today`` gives the date used for defaults and overdue checks (tests inject a fixed day).
    """

    meeting_started = Signal(str)  # the new meeting's id

    def __init__(self, service: WorkshopService, today: Callable[[], date] = date.today,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("meetingsPanel")
        self.service = service
        self.today = today
        self.confirm: Callable[[str, str], bool] = self._ask
        self.review: ReviewDialog | None = None
        self._notes_shown: tuple[str | None, str] = (None, "")  # (meeting id, notes) last put in the editor
        font = QFont(self.font())
        font.setPointSizeF(max(font.pointSizeF(), BASE_POINT_SIZE))
        self.setFont(font)
        self._build()
        service.changed.connect(self._on_changed)
        self.refresh()

    # Building.

    def _build(self) -> None:
        self.message = message_label(self, "meetingsMessage")
        self.tabs = QTabWidget()
        self.tabs.setObjectName("meetingsTabs")
        self.tabs.addTab(self._meetings_page(), "&Meetings")
        self.tabs.addTab(self._since_page(), "&Since last meeting")
        self.tabs.currentChanged.connect(lambda _: self.refresh_since())
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(self.tabs, 1)

    def _meetings_page(self) -> QWidget:
        self.meetings_list = QListWidget()
        self.meetings_list.setObjectName("meetingsList")
        self.meetings_list.setAccessibleName("Meetings")
        self.meetings_list.currentItemChanged.connect(lambda *_: self._show_selected())
        left = QVBoxLayout()
        left.addWidget(QLabel("Meetings, latest first"))
        left.addWidget(self.meetings_list, 1)
        left.addWidget(self._selected_box())
        page = QWidget()
        columns = QHBoxLayout(page)
        columns.addLayout(left, 3)
        columns.addWidget(self._start_box(), 2)
        return page

    def _start_box(self) -> QGroupBox:
        self.date_edit = QDateEdit()
        self.date_edit.setObjectName("meetingDate")
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        day = self.today()
        self.date_edit.setDate(QDate(day.year, day.month, day.day))
        self.attendee_list = QListWidget()
        self.attendee_list.setObjectName("attendeeList")
        self.attendee_list.setAccessibleName("Attendees")
        self.new_notes = QPlainTextEdit()
        self.new_notes.setObjectName("newMeetingNotes")
        self.new_notes.setPlaceholderText("Agenda, or first notes")
        self.new_notes.setTabChangesFocus(True)
        self.start_button = self._button("startMeeting", "S&tart meeting", self.start_meeting)
        box = QGroupBox("Start a meeting")
        form = QFormLayout(box)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        form.addRow("&Date", self.date_edit)
        form.addRow("&Who came (tick the people in the room)", self.attendee_list)
        form.addRow("N&otes", self.new_notes)
        form.addRow(self.start_button)
        return box

    def _selected_box(self) -> QGroupBox:
        self.selected_label = QLabel()
        self.selected_label.setObjectName("selectedMeeting")
        self.selected_label.setWordWrap(True)
        self.notes_edit = QPlainTextEdit()
        self.notes_edit.setObjectName("meetingNotes")
        self.notes_edit.setTabChangesFocus(True)
        self.save_notes_button = self._button("saveNotes", "Save &notes", self.save_notes)
        self.delete_button = self._button("deleteMeeting", "De&lete meeting…", self.delete_selected)
        self.review_button = self._button("reviewActions", "&Review open actions…", self.open_review)
        buttons = QHBoxLayout()
        for button in (self.save_notes_button, self.review_button, self.delete_button):
            buttons.addWidget(button)
        box = QGroupBox("Selected meeting")
        layout = QVBoxLayout(box)
        layout.addWidget(self.selected_label)
        layout.addWidget(self.notes_edit)
        layout.addLayout(buttons)
        return box

    def _since_page(self) -> QWidget:
        self.since_box = QComboBox()
        self.since_box.setObjectName("sinceMeeting")
        self.since_box.activated.connect(lambda _: self.refresh_since())
        self.since_list = QListWidget()
        self.since_list.setObjectName("sinceList")
        self.since_list.setAccessibleName("What happened since the meeting")
        self.since_list.setWordWrap(True)
        self.since_list.setSelectionMode(QListWidget.SelectionMode.NoSelection)
        font = QFont(self.font())
        font.setPointSizeF(ROOM_POINT_SIZE)
        self.since_list.setFont(font)
        row = QHBoxLayout()
        row.addWidget(QLabel("Since the meeting of"))
        row.addWidget(self.since_box, 1)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addLayout(row)
        layout.addWidget(self.since_list, 1)
        return page

    def _button(self, object_name: str, text: str, slot: Callable[[], object]) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(object_name)
        button.clicked.connect(lambda: slot())
        return button

    # Public API.

    def selected_meeting(self) -> Meeting | None:
        item = self.meetings_list.currentItem()
        return self.service.document.meetings.get(item.data(ITEM_ID)) if item is not None else None

    def select_meeting(self, meeting_id: str | None) -> None:
        for row in range(self.meetings_list.count()):
            if self.meetings_list.item(row).data(ITEM_ID) == meeting_id:
                self.meetings_list.setCurrentRow(row)
                return

    def checked_attendees(self) -> list[str]:
        items = (self.attendee_list.item(row) for row in range(self.attendee_list.count()))
        return [item.data(ITEM_ID) for item in items if item.checkState() == Qt.CheckState.Checked]

    def start_meeting(self) -> Meeting | None:
        """Record a meeting on the chosen date with the ticked people and the notes (one service call)."""
        when = self.date_edit.date().toPython()
        attendees, notes = self.checked_attendees(), self.new_notes.toPlainText().strip()
        meeting = self._edit(lambda: self.service.add_meeting(when, attendees, notes))
        if not isinstance(meeting, Meeting) or meeting.id not in self.service.document.meetings:
            return None
        self.new_notes.clear()
        self.select_meeting(meeting.id)
        self.meeting_started.emit(meeting.id)
        return meeting

    def save_notes(self) -> bool:
        """Replace the selected meeting's notes with the text shown (one service call)."""
        meeting = self.selected_meeting()
        if meeting is None:
            return False
        notes = self.notes_edit.toPlainText()
        return bool(self._edit(lambda: self.service.update_meeting(meeting.id, notes=notes)))

    def delete_selected(self) -> bool:
        meeting = self.selected_meeting()
        if meeting is None or not self.confirm(
                "Delete meeting", f"Delete the meeting of {meeting.date.isoformat()} and its notes?\n"
                "You can undo this with Edit > Undo."):
            return False
        return bool(self._edit(lambda: self.service.delete_meeting(meeting.id)))

    def open_review(self) -> ReviewDialog:
        """Open the review of open actions; notes go to the selected meeting (or today's latest)."""
        from trouble_mapper.ui.review_mode import ReviewDialog

        meeting = self.selected_meeting() or self._latest_meeting()
        self.review = ReviewDialog(self.service, meeting.id if meeting else None, today=self.today,
                                   parent=self)
        self.review.open()
        return self.review

    def since_report(self) -> SinceReport | None:
        """What happened since the meeting chosen in the since tab, or None when there is none."""
        meeting = self.service.document.meetings.get(self.since_box.currentData() or "")
        if meeting is None:
            return None
        history = self.service.file.repository.history()
        return changes_since(history, meeting.date, self.service.document, self.today())

    def refresh(self) -> None:
        """Rebuild the lists from the document (kept selections stay)."""
        self._fill_meetings()
        self._fill_attendees()
        self._fill_since_choices()
        self._show_selected()
        self.refresh_since()
        editable = not self.service.read_only
        for widget in (self.date_edit, self.attendee_list, self.new_notes, self.start_button):
            widget.setEnabled(editable)
        if not editable:
            self._show_message(READ_ONLY)

    def refresh_since(self) -> None:
        """Fill the since list (only while its tab is shown: it reads the whole history)."""
        if self.tabs.currentIndex() != 1:
            return
        self.since_list.clear()
        report = self.since_report()
        if report is None:
            self._add_since_line("empty", NO_MEETING)
            return
        for kind, text in report_lines(report):
            self._add_since_line(kind, text)

    # Model -> panel.

    def _on_changed(self, changes: tuple) -> None:
        if any(isinstance(change.entity, Meeting | Person) for change in changes):
            self.refresh()
        else:
            self.refresh_since()

    def _meetings(self) -> list[Meeting]:
        return sorted(self.service.document.meetings.values(), key=lambda m: (m.date, m.id), reverse=True)

    def _latest_meeting(self) -> Meeting | None:
        meetings = self._meetings()
        return meetings[0] if meetings else None

    def _fill_meetings(self) -> None:
        selected = self.selected_meeting()
        self.meetings_list.blockSignals(True)
        self.meetings_list.clear()
        for meeting in self._meetings():
            item = QListWidgetItem(meeting_title(meeting))
            item.setData(ITEM_ID, meeting.id)
            self.meetings_list.addItem(item)
        self.meetings_list.blockSignals(False)
        self.select_meeting(selected.id if selected else None)

    def _fill_attendees(self) -> None:
        ticked = set(self.checked_attendees())
        people = sorted(self.service.document.people.values(), key=lambda p: (p.name.casefold(), p.id))
        self.attendee_list.clear()
        for person in people:
            item = QListWidgetItem(f"{person.name} — {person.function}" if person.function else person.name)
            item.setData(ITEM_ID, person.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if person.id in ticked else Qt.CheckState.Unchecked)
            item.setToolTip(", ".join(role.label for role in person.roles))
            self.attendee_list.addItem(item)

    def _fill_since_choices(self) -> None:
        chosen = self.since_box.currentData()
        default = last_meeting_before(self.service.document.meetings.values(), self.today())
        self.since_box.clear()
        for meeting in self._meetings():
            self.since_box.addItem(meeting_title(meeting), meeting.id)
        wanted = chosen if chosen in self.service.document.meetings else (default.id if default else None)
        self.since_box.setCurrentIndex(max(self.since_box.findData(wanted), 0) if wanted else -1)

    def _show_selected(self) -> None:
        meeting = self.selected_meeting()
        editable = meeting is not None and not self.service.read_only
        if meeting is None:
            self.selected_label.setText("Select a meeting to read or edit its notes.")
            self.notes_edit.setPlainText("")
            self._notes_shown = (None, "")
        else:
            people = self.service.document.people
            names = ", ".join(people[p].name for p in meeting.attendee_ids if p in people)
            names = names or "nobody recorded"
            self.selected_label.setText(f"{meeting.date.isoformat()} — attended by {names}")
            self._show_notes(meeting)
        for widget in (self.notes_edit, self.save_notes_button, self.delete_button):
            widget.setEnabled(editable)
        self.notes_edit.setReadOnly(self.service.read_only)

    def _show_notes(self, meeting: Meeting) -> None:
        """Show the meeting's notes, unless they are the ones shown and the user has typed over them."""
        shown_id, shown_notes = self._notes_shown
        text = self.notes_edit.toPlainText()
        typing = shown_id == meeting.id and text not in (shown_notes, meeting.notes)
        if not typing and text != meeting.notes:
            self.notes_edit.setPlainText(meeting.notes)
        if not typing:
            self._notes_shown = (meeting.id, meeting.notes)

    def _add_since_line(self, kind: str, text: str) -> None:
        item = QListWidgetItem({"heading": text, "item": f"•  {text}"}.get(kind, text))
        font = QFont(self.since_list.font())
        font.setBold(kind == "heading")
        font.setItalic(kind == "empty")
        item.setFont(font)
        item.setData(ITEM_ID, kind)
        self.since_list.addItem(item)

    # Panel -> service.
