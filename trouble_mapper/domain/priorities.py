"""Prioritising troubles: rankings, the impact/effort quadrants, risk levels and Pareto tables.

Pure functions over the document; only troubles take part (causes, countermeasures and notes do not).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Literal

from trouble_mapper.domain import rules
from trouble_mapper.domain.document import WorkshopDocument
from trouble_mapper.domain.model import Card, Scores
from trouble_mapper.domain.vocabulary import CardKind

RankBy = Literal["votes", "risk", "impact"]
ParetoBy = Literal["category", "zone"]
ParetoWeight = Literal["count", "votes"]

QUICK_WIN, MAJOR_PROJECT, FILL_IN, THANKLESS = "quick win", "major project", "fill-in", "thankless"
NO_GROUP = "(none)"  # the Pareto label of troubles without a category or zone
HIGH_IMPACT = 4  # impact 4-5 is high; 1-3 is not
HIGH_EFFORT = 3  # effort 3-5 is high; only 1-2 is low (so a quick win is clearly cheap)

_RANK_KEYS: dict[str, Callable[[Card], int | None]] = {
    "votes": lambda card: card.votes,
    "risk": lambda card: rules.risk(card.scores),
    "impact": lambda card: card.scores.impact,
}


def troubles(doc: WorkshopDocument) -> list[Card]:
    """The document's troubles in tag order (T1, T2...)."""
    return doc.cards_in_tag_order(CardKind.TROUBLE)


def rank_value(card: Card, by: RankBy) -> int | None:
    """The figure ``card`` is ranked on (None if not scored). Raises ValueError for an unknown ``by``."""
    if by not in _RANK_KEYS:
        raise ValueError(f"cannot rank by {by!r}; use one of {', '.join(_RANK_KEYS)}")
    return _RANK_KEYS[by](card)


def standings(doc: WorkshopDocument, by: RankBy = "votes") -> list[tuple[int | None, Card]]:
    """Troubles with their rank, highest figure first; equal figures share a rank (1, 2, 2, 4).

    Ties keep tag order; troubles not scored on ``by`` come last with rank None.
    Raises ValueError for an unknown ``by``.
    """
    cards = troubles(doc)
    scored = [(value, card) for card in cards if (value := rank_value(card, by)) is not None]
    scored.sort(key=lambda pair: -pair[0])  # stable: ties stay in tag order
    result: list[tuple[int | None, Card]] = []
    previous: int | None = None
    for position, (value, card) in enumerate(scored, start=1):
        result.append((result[-1][0] if value == previous else position, card))
        previous = value
    return result + [(None, card) for card in cards if rank_value(card, by) is None]


def ranking(doc: WorkshopDocument, by: RankBy = "votes") -> list[Card]:
    """Troubles from most to least votes, risk or impact; ties in tag order, unscored ones last."""
    return [card for _, card in standings(doc, by)]


def quadrant(scores: Scores) -> str | None:
    """Where a trouble sits on the impact/effort matrix, or None until impact and effort are scored.

    "quick win" is impact 4-5 for effort 1-2 (as ``rules.is_quick_win``); "major project" impact 4-5,
    effort 3-5; "fill-in" impact 1-3, effort 1-2; "thankless" impact 1-3, effort 3-5.
    """
    if scores.impact is None or scores.effort is None:
        return None
    high_impact, high_effort = scores.impact >= HIGH_IMPACT, scores.effort >= HIGH_EFFORT
    if high_impact:
        return MAJOR_PROJECT if high_effort else QUICK_WIN
    return THANKLESS if high_effort else FILL_IN


def risk_level(value: int | None) -> str | None:
    """"high" (15-25), "medium" (8-14) or "low" (1-7) for a severity x frequency risk; None if unscored."""
    if value is None:
        return None
    if value >= 15:
        return "high"
    return "medium" if value >= 8 else "low"


def pareto(doc: WorkshopDocument, by: ParetoBy = "category",
           weight: ParetoWeight = "count") -> list[tuple[str, int, float]]:
    """(label, value, cumulative percent) per category or zone of the troubles, largest value first.

    ``weight`` "count" counts troubles, "votes" adds up their dots; groups worth nothing are left out.
    Troubles without a category (or zone) are grouped under "(none)". Equal values keep label order.
    Raises ValueError for an unknown ``by`` or ``weight``.
    """
    if weight not in ("count", "votes"):
        raise ValueError(f"cannot weigh by {weight!r}; use count or votes")
    label = _group_label(doc, by)
    totals: Counter[str] = Counter()
    for card in troubles(doc):
        totals[label(card)] += 1 if weight == "count" else card.votes
    bars = sorted(((name, value) for name, value in totals.items() if value > 0),
                  key=lambda bar: (-bar[1], bar[0] == NO_GROUP, bar[0].casefold()))
    grand_total, running, result = sum(totals.values()), 0, []
    for name, value in bars:
        running += value
        result.append((name, value, 100.0 * running / grand_total))
    return result


def _group_label(doc: WorkshopDocument, by: ParetoBy) -> Callable[[Card], str]:
    if by == "category":
        return lambda card: card.category.strip() or NO_GROUP
    if by == "zone":
        def zone_name(card: Card) -> str:
            zone = doc.zones.get(card.zone_id) if card.zone_id else None
            return (zone.name.strip() or NO_GROUP) if zone else NO_GROUP
        return zone_name
    raise ValueError(f"cannot group by {by!r}; use category or zone")
