"""Prioritising troubles: rankings, quadrants, risk levels and Pareto tables (pure functions, no Qt)."""

from __future__ import annotations

import pytest

from trouble_mapper.domain import rules
from trouble_mapper.domain.document import WorkshopDocument
from trouble_mapper.domain.model import Card, Scores, Zone
from trouble_mapper.domain.priorities import (
    FILL_IN,
    MAJOR_PROJECT,
    NO_GROUP,
    QUICK_WIN,
    THANKLESS,
    pareto,
    quadrant,
    ranking,
    risk_level,
    standings,
)
from trouble_mapper.domain.vocabulary import CardKind

T = CardKind.TROUBLE


def doc_of(*cards: Card, zones: tuple[Zone, ...] = ()) -> WorkshopDocument:
    return WorkshopDocument(cards={c.id: c for c in cards}, zones={z.id: z for z in zones})


def trouble(number: int, **fields) -> Card:
    return Card(f"t{number}", T, number, **fields)


def tags(cards: list[Card]) -> list[str]:
    return [card.tag for card in cards]


def test_ranking_by_votes_breaks_ties_in_tag_order_and_leaves_out_other_kinds():
    """Most dots first; equal dots keep T order (T2 before T10); a well-voted cause is not ranked."""
    doc = doc_of(trouble(10, votes=3), trouble(2, votes=3), trouble(1, votes=1), trouble(3, votes=5),
                 Card("c1", CardKind.CAUSE, 1, votes=9))
    assert tags(ranking(doc, "votes")) == ["T3", "T2", "T10", "T1"]


def test_ranking_by_risk_puts_unscored_troubles_last_in_tag_order():
    """Severity x frequency, highest first; troubles missing a score follow in tag order."""
    doc = doc_of(trouble(1, scores=Scores(severity=2)), trouble(2, scores=Scores(severity=2, frequency=3)),
                 trouble(3, scores=Scores(severity=5, frequency=4)), trouble(4))
    assert tags(ranking(doc, "risk")) == ["T3", "T2", "T1", "T4"]


def test_ranking_by_impact():
    """Highest impact first; the unscored trouble last."""
    doc = doc_of(trouble(1), trouble(2, scores=Scores(impact=2)), trouble(3, scores=Scores(impact=5)))
    assert tags(ranking(doc, "impact")) == ["T3", "T2", "T1"]


def test_standings_share_a_rank_on_ties_and_give_unscored_none():
    """Competition ranking: 1, 2, 2, 4; unscored troubles have no rank."""
    doc = doc_of(trouble(1, votes=5), trouble(2, votes=3), trouble(3, votes=3), trouble(4, votes=1))
    assert [rank for rank, _ in standings(doc, "votes")] == [1, 2, 2, 4]
    assert [rank for rank, _ in standings(doc, "risk")] == [None] * 4


def test_ranking_refuses_an_unknown_criterion():
    """A typo in ``by`` is a ValueError, not a silent order."""
    with pytest.raises(ValueError, match="cannot rank by"):
        ranking(doc_of(trouble(1)), "colour")  # type: ignore[arg-type]


def test_ranking_of_an_empty_document_is_empty():
    """No troubles, nothing to rank."""
    assert ranking(WorkshopDocument()) == []


@pytest.mark.parametrize(("impact", "effort", "expected"), [
    (5, 1, QUICK_WIN), (4, 2, QUICK_WIN), (5, 3, MAJOR_PROJECT), (4, 5, MAJOR_PROJECT),
    (3, 1, FILL_IN), (1, 2, FILL_IN), (3, 3, THANKLESS), (1, 5, THANKLESS),
    (None, 1, None), (5, None, None), (None, None, None),
])
def test_quadrant(impact, effort, expected):
    """Impact 4-5 is high, effort 1-2 is low; unscored troubles have no quadrant."""
    assert quadrant(Scores(impact=impact, effort=effort)) == expected


def test_quadrant_agrees_with_the_quick_win_rule():
    """Every one of the 25 cells is a quick win exactly when rules.is_quick_win says so."""
    for impact in range(1, 6):
        for effort in range(1, 6):
            scores = Scores(impact=impact, effort=effort)
            assert (quadrant(scores) == QUICK_WIN) == rules.is_quick_win(scores)


@pytest.mark.parametrize(("value", "expected"), [(None, None), (1, "low"), (7, "low"), (8, "medium"),
                                                 (14, "medium"), (15, "high"), (25, "high")])
def test_risk_level(value, expected):
    """Risk bands: 1-7 low, 8-14 medium, 15-25 high."""
    assert risk_level(value) == expected


def known_document() -> WorkshopDocument:
    """Five troubles over two categories and two zones, plus a cause that must not count."""
    filler, capper = Zone("z1", "Filler"), Zone("z2", "Capper")
    return doc_of(
        trouble(1, category="Breakdowns", zone_id="z1", votes=1),
        trouble(2, category="Breakdowns", zone_id="z1", votes=0),
        trouble(3, category="Minor stops", zone_id="z2", votes=6),
        trouble(4, category="", zone_id=None, votes=1),
        trouble(5, category="Breakdowns", zone_id="gone", votes=2),
        Card("c1", CardKind.CAUSE, 1, category="Minor stops", zone_id="z2", votes=50),
        zones=(filler, capper))


def test_pareto_by_category_counts_troubles():
    """Counts descending, cumulative percent; the uncategorised trouble is "(none)", last of equals."""
    assert pareto(known_document(), "category", "count") == [
        ("Breakdowns", 3, 60.0), ("Minor stops", 1, 80.0), ("(none)", 1, 100.0)]


def test_pareto_by_category_weighs_votes():
    """Dots instead of counts change the order: Minor stops (6) ahead of Breakdowns (3)."""
    assert pareto(known_document(), "category", "votes") == [
        ("Minor stops", 6, 60.0), ("Breakdowns", 3, 90.0), (NO_GROUP, 1, 100.0)]


def test_pareto_by_zone_puts_unknown_and_missing_zones_under_none():
    """A zone id that no longer exists counts as no zone."""
    assert pareto(known_document(), "zone", "count") == [
        ("Filler", 2, 40.0), ("(none)", 2, 80.0), ("Capper", 1, 100.0)]


def test_pareto_leaves_out_groups_worth_nothing_and_handles_no_votes():
    """Groups with no dots are left out; a document with no dots gives an empty table (no division by 0)."""
    doc = doc_of(trouble(1, category="Breakdowns"), trouble(2, category="Minor stops", votes=2))
    assert pareto(doc, "category", "votes") == [("Minor stops", 2, 100.0)]
    assert pareto(doc_of(trouble(1)), "category", "votes") == []
    assert pareto(WorkshopDocument()) == []


def test_pareto_refuses_unknown_options():
    """Unknown grouping or weight is a ValueError."""
    with pytest.raises(ValueError, match="group"):
        pareto(known_document(), "colour")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="weigh"):
        pareto(known_document(), "zone", "cost")  # type: ignore[arg-type]
