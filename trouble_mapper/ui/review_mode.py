"""ReviewDialog: the follow-up meeting steps through open actions, one at a time, in a projector-sized view.

Keys: Left/Right (or Page Up/Down, as presenter clickers send) step; 1-5 set the status (open, in
progress, done, verified, standardised; moves the rules refuse get their message); W moves the due
date a week; N types a note; Ctrl+Z / Ctrl+Shift+Z undo and redo; F11 full screen; Esc closes.
Every change is one service call; the dialog repaints from ``service.changed``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QFont, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from trouble_mapper.domain import rules
from trouble_mapper.domain.model import Action, Meeting
from trouble_mapper.domain.vocabulary import ActionStatus

if TYPE_CHECKING:
    from trouble_mapper.service import WorkshopService
from trouble_mapper.ui.edit_feedback import EditFeedback

BASE_POINT_SIZE = 18.0  # read from the back of the room on a projector
HEADLINE_POINT_SIZE = 30.0
READ_ONLY = "Read-only workshop: you can step through the actions but not change them."
NO_MEETING = "Start a meeting first (Meetings > Start meeting): notes are kept with a meeting."
NOTHING_OPEN = "No open actions: everything is closed."
KEYS_HINT = "← → step   1–5 status   W due +1 week   N note   Ctrl+Z undo   F11 full screen   Esc close"
OVERDUE_COLOUR, MESSAGE_COLOUR, DONE_COLOUR, QUIET_COLOUR = "#A40000", "#7A1010", "#1E6B1E", "#3C3C3C"
WEEK = timedelta(days=7)
STATUS_KEYS = {Qt.Key.Key_1: 0, Qt.Key.Key_2: 1, Qt.Key.Key_3: 2, Qt.Key.Key_4: 3, Qt.Key.Key_5: 4}
PREVIOUS_KEYS = frozenset({Qt.Key.Key_Left, Qt.Key.Key_PageUp, Qt.Key.Key_Up})
NEXT_KEYS = frozenset({Qt.Key.Key_Right, Qt.Key.Key_PageDown, Qt.Key.Key_Down})


def open_actions_in_review_order(actions: list[Action]) -> list[Action]:
    """Actions not closed, earliest due first (undated last), then by text."""
    still_open = [a for a in actions if not a.status.is_closed]
    return sorted(still_open, key=lambda a: (a.due is None, a.due or date.max, a.what.casefold(), a.id))


def due_text(action: Action, today: date) -> str:
    """'2024-05-20 (in 7 days)', '2024-05-01 — OVERDUE by 12 days', 'no due date'."""
    if action.due is None:
        return "no due date"
    days = (action.due - today).days
    if days < 0:
        late = -days
        return (action.due.isoformat() if action.status.is_closed
                else f"{action.due.isoformat()} — OVERDUE by {late} day{'s' if late != 1 else ''}")
    if days == 0:
        return f"{action.due.isoformat()} (today)"
    return f"{action.due.isoformat()} (in {days} day{'s' if days != 1 else ''})"


class ReviewDialog(QDialog, EditFeedback):
    """Steps through the actions open when it was opened; notes go to ``meeting_id``'s notes."""

    def __init__(self, service: WorkshopService, meeting_id: str | None = None,
                 today: Callable[[], date] = date.today, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reviewDialog")
        self.setWindowTitle("Review open actions")
        self.service = service
        self.meeting_id = meeting_id
        self.today = today
        actions = open_actions_in_review_order(list(service.document.actions.values()))
        self.action_ids: list[str] = [a.id for a in actions]
        self.index = 0
        font = QFont(self.font())
        font.setPointSizeF(BASE_POINT_SIZE)
        self.setFont(font)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._build()
        service.changed.connect(self._on_changed)
        self.resize(1200, 760)
        self.render()

    # Building.

    def _build(self) -> None:
        self.position_label = self._label("reviewPosition")
        self.what_label = self._label("reviewWhat")
        headline = QFont(self.font())
        headline.setPointSizeF(HEADLINE_POINT_SIZE)
        headline.setBold(True)
        self.what_label.setFont(headline)
        self.message = self._label("reviewMessage")
        self.message.setStyleSheet(f"color: {MESSAGE_COLOUR}; background: #FDE2E2; padding: 8px; "
                                   f"font-size: {BASE_POINT_SIZE:g}pt;")
        self.message.hide()
        layout = QVBoxLayout(self)
        layout.setSpacing(14)
        layout.addWidget(self.position_label)
        layout.addWidget(self.what_label)
        layout.addLayout(self._facts())
        layout.addStretch(1)
        layout.addWidget(self.message)
        layout.addLayout(self._status_row())
        layout.addLayout(self._due_row())
        layout.addLayout(self._note_row())
        layout.addLayout(self._nav_row())

    def _facts(self) -> QFormLayout:
        self.owner_label = self._label("reviewOwner")
        self.due_label = self._label("reviewDue")
        self.status_label = self._label("reviewStatus")
        self.cards_label = self._label("reviewCards")
        self.check_label = self._label("reviewCheck")
        form = QFormLayout()
        form.setHorizontalSpacing(24)
        form.setVerticalSpacing(10)
        for text, label in (("Owner", self.owner_label), ("Due", self.due_label),
                            ("Status", self.status_label), ("Cards", self.cards_label),
                            ("Check", self.check_label)):
            name = QLabel(text)
            name.setStyleSheet(f"color: {QUIET_COLOUR}; font-size: {BASE_POINT_SIZE:g}pt;")
            form.addRow(name, label)
        return form

    def _status_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.status_buttons: dict[ActionStatus, QPushButton] = {}
        for number, status in enumerate(ActionStatus, start=1):
            button = self._button(f"status_{status.value}", f"{number}  {status.label}",
                                  lambda s=status: self.set_status(s))
            button.setToolTip(f"Mark this action {status.label.lower()} (key {number})")
            self.status_buttons[status] = button
            row.addWidget(button)
        row.addStretch(1)
        return row

    def _due_row(self) -> QHBoxLayout:
        self.week_button = self._button("dueWeek", "Due +1 &week", self.move_due_a_week)
        self.due_picker = QDateEdit()
        self.due_picker.setObjectName("duePicker")
        self.due_picker.setCalendarPopup(True)
        self.due_picker.setDisplayFormat("yyyy-MM-dd")
        self.due_picker.setAccessibleName("New due date")
        self.set_due_button = self._button("setDue", "Move due &date", self._move_due_to_picked)
        row = QHBoxLayout()
        for widget in (self.week_button, self.due_picker, self.set_due_button):
            row.addWidget(widget)
        row.addStretch(1)
        return row

    def _note_row(self) -> QHBoxLayout:
        self.note_edit = QLineEdit()
        self.note_edit.setObjectName("noteText")
        self.note_edit.setAccessibleName("Note for the meeting")
        self.note_edit.setPlaceholderText("Note for the meeting (N to type, Return to add)")
        self.note_edit.returnPressed.connect(self._add_typed_note)
        self.note_button = self._button("addNote", "Add &note", self._add_typed_note)
        self.meeting_label = self._label("reviewMeeting")
        row = QHBoxLayout()
        row.addWidget(self.note_edit, 1)
        row.addWidget(self.note_button)
        column = QVBoxLayout()
        column.addLayout(row)
        column.addWidget(self.meeting_label)
        outer = QHBoxLayout()
        outer.addLayout(column)
        return outer

    def _nav_row(self) -> QVBoxLayout:
        self.previous_button = self._button("previousAction", "◀  &Previous", self.previous)
        self.next_button = self._button("nextAction", "N&ext  ▶", self.next)
        close = self._button("closeReview", "&Close", self.reject)
        hint = self._label("reviewKeys", KEYS_HINT)
        hint.setStyleSheet(f"color: {QUIET_COLOUR}; font-size: {BASE_POINT_SIZE * 0.75:g}pt;")
        row = QHBoxLayout()
        row.addWidget(self.previous_button)
        row.addWidget(self.next_button)
        row.addStretch(1)
        row.addWidget(close)
        column = QVBoxLayout()
        column.addWidget(hint)
        column.addLayout(row)
        return column

    def _label(self, object_name: str, text: str = "") -> QLabel:
        label = QLabel(text)
        label.setObjectName(object_name)
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.PlainText)  # action text is user text, never markup
        return label

    def _button(self, object_name: str, text: str, slot: Callable[[], object]) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(object_name)
        button.setAutoDefault(False)  # Return in the note field adds the note, nothing else
        button.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # a click leaves the keys with the dialog
        button.clicked.connect(lambda: slot())
        return button

    # Public API.

    def current_action(self) -> Action | None:
        if not self.action_ids:
            return None
        return self.service.document.actions.get(self.action_ids[self.index])

    def meeting(self) -> Meeting | None:
        return self.service.document.meetings.get(self.meeting_id or "")

    def next(self) -> None:
        self._step(+1)

    def previous(self) -> None:
        self._step(-1)

    def set_status(self, status: ActionStatus) -> bool:
        """Move the action to ``status`` (one service call); a move the rules refuse shows why."""
        action = self.current_action()
        if action is None or status is action.status:
            return False
        return bool(self._edit(lambda: self.service.update_action(action.id, status=status)))

    def move_due_a_week(self) -> bool:
        """Push the due date a week on (from today when it had none)."""
        action = self.current_action()
        if action is None:
            return False
        return self.move_due((action.due or self.today()) + WEEK)

    def move_due(self, new_due: date) -> bool:
        action = self.current_action()
        if action is None or new_due == action.due:
            return False
        return bool(self._edit(lambda: self.service.update_action(action.id, due=new_due)))

    def add_note(self, text: str) -> bool:
        """Append '<action>: <text>' to the meeting's notes (one service call)."""
        action, meeting, text = self.current_action(), self.meeting(), " ".join(text.split())
        if action is None or not text:
            return False
        if meeting is None:
            self._show_message(NO_MEETING)
            return False
        line = f"{' '.join(action.what.split())}: {text}"
        notes = f"{meeting.notes.rstrip()}\n{line}" if meeting.notes.strip() else line
        return bool(self._edit(lambda: self.service.update_meeting(meeting.id, notes=notes)))

    # Model -> view.

    def render(self) -> None:
        """Show the current action and enable the moves its status allows."""
        self.action_ids = [aid for aid in self.action_ids if aid in self.service.document.actions]
        self.index = min(self.index, max(len(self.action_ids) - 1, 0))
        action = self.current_action()
        if action is None:
            self._render_nothing()
        else:
            self._render_action(action)
        self._enable(action)
        meeting = self.meeting()
        self.meeting_label.setText(f"Notes go to the meeting of {meeting.date.isoformat()}" if meeting
                                   else NO_MEETING)

    def _render_nothing(self) -> None:
        self.position_label.setText("")
        self.what_label.setText(NOTHING_OPEN)
        for label in self._fact_labels():
            label.setText("—")

    def _fact_labels(self) -> tuple[QLabel, ...]:
        return self.owner_label, self.due_label, self.status_label, self.cards_label, self.check_label

    def _render_action(self, action: Action) -> None:
        closed_now = " · closed now" if action.status.is_closed else ""
        self.position_label.setText(f"Open action {self.index + 1} of {len(self.action_ids)}{closed_now}")
        self.what_label.setText(action.what or "(no text)")
        self.owner_label.setText(self._people_text(action))
        today = self.today()
        late = action.due is not None and action.due < today and not action.status.is_closed
        self.due_label.setText(due_text(action, today))
        size = f"font-size: {BASE_POINT_SIZE:g}pt;"  # a style sheet drops the inherited size: give it again
        self.due_label.setStyleSheet(f"color: {OVERDUE_COLOUR}; font-weight: bold; {size}" if late else size)
        self.status_label.setText(action.status.label)
        colour = f"color: {DONE_COLOUR};" if action.status.is_closed else ""
        self.status_label.setStyleSheet(f"{colour} font-weight: bold; {size}")
        cards = self.service.document.cards
        tags = [f"{cards[c].tag}  {' '.join(cards[c].text.split())}".strip()
                for c in action.card_ids if c in cards]
        self.cards_label.setText("\n".join(tags) or "no linked card")
        self.check_label.setText(action.check or "not set")
        picked = action.due or today
        self.due_picker.setDate(QDate(picked.year, picked.month, picked.day))

    def _people_text(self, action: Action) -> str:
        people = self.service.document.people
        owner = people[action.owner_id].name if action.owner_id in people else "no owner"
        helpers = [people[p].name for p in action.supporter_ids if p in people]
        return f"{owner}, with {', '.join(helpers)}" if helpers else owner

    def _enable(self, action: Action | None) -> None:
        editable = action is not None and not self.service.read_only
        allowed = rules.allowed_moves(action.status) if action is not None else frozenset()
        for status, button in self.status_buttons.items():
            button.setVisible(status in allowed)
            button.setEnabled(editable)
        for widget in (self.week_button, self.due_picker, self.set_due_button):
            widget.setEnabled(editable)
        for widget in (self.note_edit, self.note_button):
            widget.setEnabled(editable and self.meeting() is not None)
        self.previous_button.setEnabled(self.index > 0)
        self.next_button.setEnabled(self.index < len(self.action_ids) - 1)
        if self.service.read_only:
            self._show_message(READ_ONLY)

    def _on_changed(self, _changes: tuple) -> None:
        self.render()

    # Keys.

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = Qt.Key(event.key())
        plain = not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if event.matches(QKeySequence.StandardKey.Undo):
            self.service.undo_stack.undo()
        elif event.matches(QKeySequence.StandardKey.Redo):
            self.service.undo_stack.redo()
        elif plain and key in PREVIOUS_KEYS:
            self.previous()
        elif plain and key in NEXT_KEYS:
            self.next()
        elif plain and key in STATUS_KEYS:
            self.set_status(list(ActionStatus)[STATUS_KEYS[key]])
        elif plain and key == Qt.Key.Key_W:
            self.move_due_a_week()
        elif plain and key == Qt.Key.Key_N and self.note_edit.isEnabled():
            self.note_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        elif plain and key == Qt.Key.Key_F11:
            self.setWindowState(self.windowState() ^ Qt.WindowState.WindowFullScreen)
        else:
            super().keyPressEvent(event)  # Esc closes

    # View -> service.

    def _step(self, delta: int) -> None:
        new_index = min(max(self.index + delta, 0), max(len(self.action_ids) - 1, 0))
        if new_index != self.index:
            self.index = new_index
            self._show_message("")
            self.render()

    def _move_due_to_picked(self) -> None:
        self.move_due(self.due_picker.date().toPython())
        self.setFocus(Qt.FocusReason.OtherFocusReason)

    def _add_typed_note(self) -> None:
        if self.add_note(self.note_edit.text()):
            self.note_edit.clear()
            self.setFocus(Qt.FocusReason.OtherFocusReason)  # arrows step again

