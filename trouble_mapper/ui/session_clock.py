"""SessionClock: phase changes and the time box, shared by the facilitator's phase bar and the room's view.

Gestures (a phase button, Start, Pause, +5 min) call this; it stores the new session through the
service (saved at once, never an undo step); the service's ``changed`` signal and a quarter-second tick
while the box runs tell every display. The clock is injectable so tests run time forward by hand.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

from trouble_mapper.domain.rules import RuleError
from trouble_mapper.domain.session import EXTRA_TIME_S, Phase, Session
from trouble_mapper.service import WorkshopService
from trouble_mapper.signals import disconnect_quietly

TICK_MS = 250


def steady_wall_clock() -> Callable[[], float]:
    """Wall-clock seconds that advance with the monotonic clock from now on: a clock correction while the
    app runs (the laptop joins the room's network and syncs its time) does not make a time box jump.
    Stored times stay wall-clock, so a box keeps counting across a restart."""
    wall, steady = time.time(), time.monotonic()
    return lambda: wall + (time.monotonic() - steady)


class SessionClock(QObject):
    """The open workshop's session, and a tick while its time box runs."""

    session_changed = Signal(object)  # Session: a new phase or time box (stored)
    tick = Signal(float)  # seconds left (negative once over), while the box runs
    time_up = Signal()  # once, when a running box reaches zero
    refused = Signal(str)  # why a change could not be stored, for the user

    def __init__(self, service: WorkshopService, clock: Callable[[], float] | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.clock = clock or steady_wall_clock()
        self._was_up = self.session.is_up(self.clock())
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self.poll)
        service.changed.connect(self._on_changes)
        self._follow_running()

    @property
    def session(self) -> Session:
        return self.service.document.session

    def remaining(self) -> float:
        return self.session.remaining(self.clock())

    # Gestures.

    def set_phase(self, phase: Phase) -> bool:
        return self._store(self.session.in_phase(phase), f"Phase: {phase.label}")

    def set_timebox(self, minutes: float) -> bool:
        label = f"Time box: {minutes:g} min" if minutes else "No time box"
        return self._store(self.session.with_timebox(minutes), label)

    def start(self) -> bool:
        return self._store(self.session.started(self.clock()), "Start the time box")

    def pause(self) -> bool:
        return self._store(self.session.paused(self.clock()), "Pause the time box")

    def toggle(self) -> bool:
        return self.pause() if self.session.running else self.start()

    def add_time(self, seconds: int = EXTRA_TIME_S) -> bool:
        return self._store(self.session.extended(self.clock(), seconds), f"Add {seconds // 60} minutes")

    def poll(self) -> None:
        """Tell the displays the time left; announce the moment time is up (once)."""
        session = self.session
        if not session.has_timebox:
            return
        left = session.remaining(self.clock())
        self.tick.emit(left)
        up = left <= 0
        if up and not self._was_up:
            self.time_up.emit()
        self._was_up = up

    # Internals.

    def _store(self, session: Session, label: str) -> bool:
        try:
            saved = self.service.update_session(session, label)
        except RuleError as error:
            self.refused.emit(str(error))
            return False
        if not saved:
            self.refused.emit(f"“{label}” was not saved: the workshop file cannot be written.")
        return saved

    def _on_changes(self, changes) -> None:
        if any(isinstance(change.entity, Session) for change in changes):
            self._was_up = self.session.is_up(self.clock())
            self._follow_running()
            self.session_changed.emit(self.session)
            self.poll()

    def _follow_running(self) -> None:
        if self.session.running:
            self._timer.start()
        else:
            self._timer.stop()

    def stop(self) -> None:
        """The workshop closes: no more ticks."""
        self._timer.stop()
        disconnect_quietly((self.service.changed, self._on_changes))
