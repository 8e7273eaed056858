"""The phase bar: the workshop's eight phases as buttons, and the current phase's time box.

The facilitator clicks a phase; the main window brings that phase's tools forward. The time box is set
from a menu, started, paused and extended by five minutes; the time left shows here and, in large type,
on the room's screen (``TimeLabel`` is shared with the presenter view).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QApplication, QLabel, QMenu, QMessageBox, QToolBar, QToolButton, QWidget

from trouble_mapper.domain.session import Phase, Session, clock_text
from trouble_mapper.signals import disconnect_quietly
from trouble_mapper.ui.session_clock import SessionClock

TIMEBOX_MINUTES = (5, 10, 15, 20, 30, 45, 60, 90)
FLASH_SECONDS = 10  # after time is up the display flashes this long, then stays red

_RUNNING = "background: #1B4F72; color: white;"
_PAUSED = "background: #D6DBDF; color: #1B2631;"
_UP = "background: #B03A2E; color: white;"
_UP_FLASH = "background: #FFE066; color: #6E2C00;"


class TimeLabel(QLabel):
    """The time left, coloured by state: running (blue), paused (grey), time up (red, flashing first)."""

    def __init__(self, pixel_size: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("timeLabel")
        self.pixel_size = pixel_size
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.state = "none"
        self.show_session(Session(), 0.0)

    def show_session(self, session: Session, remaining: float) -> None:
        """Show the time left (the owner hides the label when the phase has no time box)."""
        if not session.has_timebox:
            self.state = "none"
            self.setText("")
            return
        if remaining <= 0:
            flashing = -remaining < FLASH_SECONDS and int(-remaining * 2) % 2 == 0 and session.running
            self.state = "up"
            text, look = f"Time is up {clock_text(remaining)}", _UP_FLASH if flashing else _UP
        elif session.running:
            self.state = "running"
            text, look = clock_text(remaining), _RUNNING
        else:
            self.state = "paused"
            text, look = f"{clock_text(remaining)} paused", _PAUSED
        self.setText(text)
        style = (f"QLabel {{ {look} font-size: {self.pixel_size}px; font-weight: bold; "
                 f"padding: 2px {self.pixel_size // 2}px; border-radius: 6px; }}")
        if style != self.styleSheet():  # a new style sheet re-polishes the label: not four times a second
            self.setStyleSheet(style)


class PhaseBar(QToolBar):
    """Phase buttons, time box menu, Start/Pause, +5 min and the time left."""

    phase_chosen = Signal(object)  # Phase the facilitator picked (after it was stored)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Phases", parent)
        self.setObjectName("phaseBar")
        self.clock: SessionClock | None = None
        self.beep = False
        self.addWidget(QLabel(" Phase: "))
        self.group = QActionGroup(self)
        self.group.setExclusive(True)
        self.phase_actions: dict[Phase, QAction] = {}
        for number, phase in enumerate(Phase, start=1):
            action = QAction(f"{number} {phase.label}", self, checkable=True)
            action.setToolTip(f"{phase.label}: {phase.hint}")
            action.triggered.connect(lambda _checked=False, p=phase: self.choose(p))
            self.group.addAction(action)
            self.addAction(action)
            self.phase_actions[phase] = action
        self.addSeparator()
        self.timebox_button = QToolButton(self)
        self.timebox_button.setText("Time box")
        self.timebox_button.setToolTip("Give this phase a time box")
        self.timebox_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.timebox_button)
        for minutes in TIMEBOX_MINUTES:
            menu.addAction(f"{minutes} minutes", lambda m=minutes: self.clock and self.clock.set_timebox(m))
        menu.addSeparator()
        menu.addAction("No time box", lambda: self.clock and self.clock.set_timebox(0))
        self.beep_action = menu.addAction("Beep when time is up")
        self.beep_action.setCheckable(True)
        self.beep_action.toggled.connect(lambda on: setattr(self, "beep", on))
        self.timebox_button.setMenu(menu)
        self.addWidget(self.timebox_button)
        self.start_action = self.addAction("Start", lambda: self.clock and self.clock.toggle())
        self.start_action.setObjectName("startPause")
        self.start_action.setShortcut(QKeySequence("F6"))
        self.start_action.setToolTip("Start or pause the time box (F6)")
        self.add_action = self.addAction("+5 min", lambda: self.clock and self.clock.add_time())
        self.add_action.setShortcut(QKeySequence("Shift+F6"))
        self.add_action.setToolTip("Five more minutes for this phase (Shift+F6)")
        self.time_label = TimeLabel(18, self)
        self.time_action = self.addWidget(self.time_label)  # a toolbar shows or hides its widgets' actions
        self.set_clock(None)

    def set_clock(self, clock: SessionClock | None) -> None:
        """Follow the open workshop's session (None: no workshop open)."""
        if self.clock is not None:
            disconnect_quietly((self.clock.session_changed, self._show), (self.clock.tick, self._tick),
                               (self.clock.time_up, self._time_up))
        self.clock = clock
        usable = clock is not None and not clock.service.read_only  # a read-only file cannot keep them
        for action in (*self.phase_actions.values(), self.start_action, self.add_action):
            action.setEnabled(usable)
        self.timebox_button.setEnabled(usable)
        read_only = clock is not None and not usable
        self.setToolTip("Read-only workshop: phases and time boxes are off" if read_only else "")
        if clock is not None:
            clock.session_changed.connect(self._show)
            clock.tick.connect(self._tick)
            clock.time_up.connect(self._time_up)
            self._show(clock.session)
        else:
            self.time_label.show_session(Session(), 0.0)
            self.time_action.setVisible(False)

    def choose(self, phase: Phase) -> None:
        if self.clock is None:
            return
        session = self.clock.session
        if phase is not session.phase and session.running and not self._confirm_leaving(session):
            self._show(session)
            return
        if self.clock.set_phase(phase):
            self.phase_chosen.emit(phase)
        else:
            self._show(self.clock.session)  # refused: the checked button goes back

    def _confirm_leaving(self, session: Session) -> bool:
        """A phase change ends the running time box: ask first (a mis-click must not lose it)."""
        left = clock_text(self.clock.remaining()) if self.clock is not None else ""
        answer = QMessageBox.question(
            self, "Change phase", f"{session.phase.label} has a time box running ({left} left). Move on "
            "and end it?", QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def _show(self, session: Session) -> None:
        self.phase_actions[session.phase].setChecked(True)
        self.start_action.setText("Pause" if session.running else "Start")
        usable = not self.clock.service.read_only if self.clock is not None else False
        self.start_action.setEnabled(usable and session.has_timebox)
        self.add_action.setEnabled(usable and session.has_timebox)
        self.time_action.setVisible(session.has_timebox)
        if self.clock is not None:
            self.time_label.show_session(session, self.clock.remaining())

    def _tick(self, remaining: float) -> None:
        if self.clock is not None:
            self.time_label.show_session(self.clock.session, remaining)

    def _time_up(self) -> None:
        if self.beep:
            QApplication.beep()
