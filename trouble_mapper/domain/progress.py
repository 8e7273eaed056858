"""What the map shows of a card's actions: nothing, open work, overdue work, or all done."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from trouble_mapper.domain.model import Action


class ActionState(StrEnum):
    OPEN = "open"
    OVERDUE = "overdue"
    DONE = "done"


@dataclass(frozen=True, slots=True)
class CardProgress:
    """The state a card's badge shows and how many actions it sums up."""

    state: ActionState
    count: int


def card_progress(actions: Iterable[Action], today: date) -> dict[str, CardProgress]:
    """For every card named by an action: overdue if any of its actions is, else open, else done."""
    open_count: dict[str, int] = {}
    overdue: set[str] = set()
    total: dict[str, int] = {}
    for action in actions:
        late = action.due is not None and action.due < today and not action.status.is_closed
        for card_id in action.card_ids:
            total[card_id] = total.get(card_id, 0) + 1
            if not action.status.is_closed:
                open_count[card_id] = open_count.get(card_id, 0) + 1
            if late:
                overdue.add(card_id)
    progress = {}
    for card_id, count in total.items():
        if card_id in overdue:
            progress[card_id] = CardProgress(ActionState.OVERDUE, open_count[card_id])
        elif open_count.get(card_id):
            progress[card_id] = CardProgress(ActionState.OPEN, open_count[card_id])
        else:
            progress[card_id] = CardProgress(ActionState.DONE, count)
    return progress
