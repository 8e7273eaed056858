"""The workshop's entities as immutable dataclasses; edits replace whole values."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date

from trouble_mapper.domain.session import Session
from trouble_mapper.domain.vocabulary import (
    DEFAULT_SCHEME,
    ActionStatus,
    CardKind,
    ImprovementGoal,
    Role,
)

WORKSHOP_ID = "workshop"
CARD_WIDTH, CARD_HEIGHT = 180.0, 110.0  # a new card's size
BACKGROUND_ID = "background"


def new_id() -> str:
    """A fresh identifier for a new entity (stable across undo, redo and reopening)."""
    return uuid.uuid4().hex


@dataclass(frozen=True, slots=True)
class Workshop:
    """The one workshop a file holds: what it is for and where."""

    id: str = WORKSHOP_ID
    title: str = "Untitled workshop"
    goal: ImprovementGoal = ImprovementGoal.REACTIVE
    goal_text: str = ""
    scope: str = ""
    start_date: date | None = None
    end_date: date | None = None
    category_scheme: str = DEFAULT_SCHEME
    dots_per_person: int = 5  # each person's dots when voting by name

    @property
    def goal_label(self) -> str:
        return self.goal_text if self.goal is ImprovementGoal.CUSTOM else self.goal.label


@dataclass(frozen=True, slots=True)
class Person:
    """Someone on the team roster, with one or more roles."""

    id: str
    name: str
    function: str = ""
    roles: tuple[Role, ...] = ()


@dataclass(frozen=True, slots=True)
class Zone:
    """A named rectangular region of the map (Infeed, Filler, Capper...)."""

    id: str
    name: str
    x: float = 0.0
    y: float = 0.0
    width: float = 400.0
    height: float = 300.0

    def contains(self, px: float, py: float) -> bool:
        return self.x <= px <= self.x + self.width and self.y <= py <= self.y + self.height


@dataclass(frozen=True, slots=True)
class Scores:
    """Prioritisation scores of a card; ``None`` means not scored yet (see ``rules``)."""

    impact: int | None = None
    effort: int | None = None
    severity: int | None = None
    frequency: int | None = None


@dataclass(frozen=True, slots=True)
class Card:
    """A tag pinned on the map: a trouble, cause, countermeasure or note, numbered per kind."""

    id: str
    kind: CardKind
    number: int
    text: str = ""
    details: str = ""
    category: str = ""
    fix_route: str = ""
    x: float = 0.0
    y: float = 0.0
    width: float = CARD_WIDTH
    height: float = CARD_HEIGHT
    votes: int = 0
    scores: Scores = field(default_factory=Scores)
    zone_id: str | None = None

    @property
    def tag(self) -> str:
        """The number people call out: T7, C3..."""
        return f"{self.kind.prefix}{self.number}"


@dataclass(frozen=True, slots=True)
class Link:
    """An arrow from a cause to its effect; chains of links are the chains of "why"."""

    id: str
    cause_id: str
    effect_id: str


@dataclass(frozen=True, slots=True)
class Action:
    """A countermeasure turned into work: what, who, when, and how success is checked."""

    id: str
    what: str
    owner_id: str | None = None
    supporter_ids: tuple[str, ...] = ()
    due: date | None = None
    status: ActionStatus = ActionStatus.OPEN
    card_ids: tuple[str, ...] = ()
    where: str = ""
    check: str = ""
    needs_standard: bool = False


@dataclass(frozen=True, slots=True)
class Meeting:
    """A workshop or follow-up meeting: when, who came, what was said."""

    id: str
    date: date
    attendee_ids: tuple[str, ...] = ()
    notes: str = ""


@dataclass(frozen=True, slots=True)
class Vote:
    """The dots one person has put on one card (when the facilitator keys votes by name)."""

    id: str
    card_id: str
    person_id: str
    dots: int = 0


@dataclass(frozen=True, slots=True)
class Background:
    """The picture of the area the map is drawn on, stored inside the workshop file."""

    id: str = BACKGROUND_ID
    image: bytes = b""
    format: str = ""
    x: float = 0.0
    y: float = 0.0
    scale: float = 1.0
    locked: bool = True


Entity = Workshop | Person | Zone | Card | Link | Action | Meeting | Vote | Background | Session
ENTITY_TYPES: tuple[type, ...] = (Workshop, Person, Zone, Card, Link, Action, Meeting, Vote, Background,
                                  Session)
