"""Pure workshop rules: tag numbering, allowed status moves, score arithmetic, links."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any

from trouble_mapper.domain.model import Card, Link, Scores, Zone
from trouble_mapper.domain.vocabulary import ActionStatus

SCORE_RANGE = range(1, 6)  # every score is 1 (low) to 5 (high)

_MOVES: dict[ActionStatus, frozenset[ActionStatus]] = {
    ActionStatus.OPEN: frozenset({ActionStatus.IN_PROGRESS, ActionStatus.DONE}),
    ActionStatus.IN_PROGRESS: frozenset({ActionStatus.OPEN, ActionStatus.DONE}),
    ActionStatus.DONE: frozenset({ActionStatus.IN_PROGRESS, ActionStatus.VERIFIED}),
    ActionStatus.VERIFIED: frozenset({ActionStatus.DONE, ActionStatus.STANDARDISED}),
    ActionStatus.STANDARDISED: frozenset({ActionStatus.VERIFIED}),
}


class RuleError(ValueError):
    """An edit that the workshop rules do not allow; the message is for the user."""


def next_tag_number(high_water: int) -> int:
    """The number for a new card of a kind whose highest number ever given is ``high_water``.

    Numbers never get reused: deleting or undoing T7 does not free 7.
    """
    return high_water + 1


def allowed_moves(status: ActionStatus) -> frozenset[ActionStatus]:
    """The statuses an action may move to from ``status``."""
    return _MOVES[status]


def check_status_move(old: ActionStatus, new: ActionStatus) -> None:
    """Raise RuleError unless an action may go from ``old`` to ``new`` (staying put is fine)."""
    if old is not new and new not in _MOVES[old]:
        choices = ", ".join(s.label.lower() for s in sorted(_MOVES[old], key=list(ActionStatus).index))
        raise RuleError(f"An action that is {old.label.lower()} can move to {choices}, "
                        f"not straight to {new.label.lower()}.")


def check_scores(scores: Scores) -> None:
    """Raise RuleError if a score is set outside 1..5."""
    for name in ("impact", "effort", "severity", "frequency"):
        value = getattr(scores, name)
        if value is not None and value not in SCORE_RANGE:
            raise RuleError(f"{name.capitalize()} must be between 1 and 5 (got {value}).")


def risk(scores: Scores) -> int | None:
    """Severity x frequency (1..25), or None until both are scored."""
    if scores.severity is None or scores.frequency is None:
        return None
    return scores.severity * scores.frequency


def is_quick_win(scores: Scores) -> bool:
    """High impact (4-5) for low effort (1-2): the top-left of the impact/effort matrix."""
    return (scores.impact or 0) >= 4 and scores.effort is not None and scores.effort <= 2


def zone_at(zones: Iterable[Zone], x: float, y: float) -> Zone | None:
    """The zone a point lies in; the smallest one where zones overlap (Filler inside Line 4)."""
    inside = [zone for zone in zones if zone.contains(x, y)]
    return min(inside, key=lambda zone: zone.width * zone.height, default=None)


def check_new_link(cause: Card, effect: Card, links: Iterable[Link]) -> None:
    """Raise RuleError for a link from a card to itself or one that already exists."""
    if cause.id == effect.id:
        raise RuleError(f"{cause.tag} cannot be a cause of itself.")
    for link in links:
        if link.cause_id == cause.id and link.effect_id == effect.id:
            raise RuleError(f"{cause.tag} is already linked to {effect.tag}.")


INTEGER_RANGE = range(-(2**63), 2**63)  # what a file can hold


def check_storable(entity: Any) -> None:
    """Raise RuleError if a value of ``entity`` cannot be kept in a workshop file.

    Text must be real Unicode (a lone surrogate, which can come from a broken paste, has no UTF-8
    form) and whole numbers must fit 64 bits.
    """
    for item in dataclasses.fields(entity):
        _check_value(getattr(entity, item.name))


def _check_value(value: Any) -> None:
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise RuleError("This text holds a broken character (it may come from a damaged paste) and "
                            "cannot be saved. Retype the text.") from None
    elif isinstance(value, int) and not isinstance(value, bool) and value not in INTEGER_RANGE:
        raise RuleError(f"The number {value} is too large to be saved.")
    elif isinstance(value, tuple):
        for part in value:
            _check_value(part)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        check_storable(value)


def describe_count(count: int, singular: str, plural: str) -> str:
    """'1 trouble', '3 troubles': for undo texts and messages."""
    return f"{count} {singular if count == 1 else plural}"
