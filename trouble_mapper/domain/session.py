"""The running workshop session: which phase the room is in and its time box.

Stored in the workshop file (so a restart resumes where the room was) but not part of the map: changing
phase or starting the timer is never an undo step. Times are wall-clock seconds (``time.time()``), so a
time box keeps counting while the laptop restarts; every method takes ``now`` so tests use a fake clock.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from enum import StrEnum

SESSION_ID = "session"
EXTRA_TIME_S = 5 * 60  # "add five minutes"


class Phase(StrEnum):
    """The steps of a trouble-map workshop, in the order a facilitator runs them."""

    FRAME = "frame"
    MAP = "map"
    CAPTURE = "capture"
    CLASSIFY = "classify"
    PRIORITISE = "prioritise"
    CAUSES = "causes"
    ACTIONS = "actions"
    REVIEW = "review"

    @property
    def label(self) -> str:
        return self.value.capitalize()

    @property
    def hint(self) -> str:
        """One line for the room: what this phase is for."""
        return PHASE_HINTS[self]


PHASE_HINTS: dict[Phase, str] = {
    Phase.FRAME: "Goal, scope and team: why we are here",
    Phase.MAP: "The area: picture, zones and the flow",
    Phase.CAPTURE: "Name every trouble you see, one tag each",
    Phase.CLASSIFY: "Sort the troubles into categories",
    Phase.PRIORITISE: "Vote with dots: which troubles matter most",
    Phase.CAUSES: "Why does it happen? Link causes to troubles",
    Phase.ACTIONS: "Who does what by when, and how we know it worked",
    Phase.REVIEW: "Read back the plan; agree the next meeting",
}


@dataclass(frozen=True, slots=True)
class Session:
    """The phase and its time box. ``timebox_s`` 0 means no time box; the box runs while
    ``started_at`` is set; ``elapsed_s`` is the time used before the last start."""

    id: str = SESSION_ID
    phase: Phase = Phase.FRAME
    timebox_s: int = 0
    started_at: float | None = None
    elapsed_s: float = 0.0

    @property
    def has_timebox(self) -> bool:
        return self.timebox_s > 0

    @property
    def running(self) -> bool:
        return self.started_at is not None

    def used(self, now: float) -> float:
        """Seconds of the time box used so far."""
        return self.elapsed_s + (max(0.0, now - self.started_at) if self.started_at is not None else 0.0)

    def remaining(self, now: float) -> float:
        """Seconds left; negative once time is up (how far over the room is)."""
        return self.timebox_s - self.used(now)

    def is_up(self, now: float) -> bool:
        return self.has_timebox and self.remaining(now) <= 0

    # Each returns the next value; the service stores it.

    def in_phase(self, phase: Phase) -> Session:
        """Move to ``phase``; its time box starts empty (the facilitator sets one if wanted)."""
        if phase is self.phase:
            return self
        return Session(self.id, phase)

    def with_timebox(self, minutes: float) -> Session:
        """A fresh time box of ``minutes`` for this phase, not started."""
        return dataclasses.replace(self, timebox_s=max(0, round(minutes * 60)), started_at=None,
                                   elapsed_s=0.0)

    def started(self, now: float) -> Session:
        if self.running or not self.has_timebox:
            return self
        return dataclasses.replace(self, started_at=now)

    def paused(self, now: float) -> Session:
        if not self.running:
            return self
        return dataclasses.replace(self, started_at=None, elapsed_s=self.used(now))

    def extended(self, now: float, seconds: int = EXTRA_TIME_S) -> Session:
        """More time in the box; a time box that was already over gets its extra time from now."""
        if not self.has_timebox:
            return self
        base = max(float(self.timebox_s), self.used(now))
        return dataclasses.replace(self, timebox_s=round(base + seconds))


def clock_text(seconds: float) -> str:
    """Time left as the room reads it: 12:05, 0:09; once over, +1:30."""
    over = seconds < 0
    whole = int(-seconds if over else seconds + 0.999)  # 12:00.4 left shows 12:01, as a kitchen timer
    minutes, secs = divmod(whole, 60)
    return f"{'+' if over else ''}{minutes}:{secs:02d}"
