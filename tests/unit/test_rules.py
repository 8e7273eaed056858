"""Pure domain rules and the in-memory document: numbering, status moves, scores, links, changes.

No Qt and no files here: these are plain functions over plain dataclasses.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from trouble_mapper.domain import rules
from trouble_mapper.domain.changes import Change, invert
from trouble_mapper.domain.document import WorkshopDocument
from trouble_mapper.domain.model import (
    Action,
    Background,
    Card,
    Link,
    Meeting,
    Person,
    Scores,
    Workshop,
    Zone,
)
from trouble_mapper.domain.rules import RuleError
from trouble_mapper.domain.vocabulary import ActionStatus, CardKind

S = ActionStatus

# The status moves a facilitator may make, written out by hand so a change to the table is noticed.
ALLOWED_MOVES = {
    (S.OPEN, S.IN_PROGRESS), (S.OPEN, S.DONE),
    (S.IN_PROGRESS, S.OPEN), (S.IN_PROGRESS, S.DONE),
    (S.DONE, S.IN_PROGRESS), (S.DONE, S.VERIFIED),
    (S.VERIFIED, S.DONE), (S.VERIFIED, S.STANDARDISED),
    (S.STANDARDISED, S.VERIFIED),
}
REFUSED_MOVES = sorted(
    (old, new) for old in S for new in S if old is not new and (old, new) not in ALLOWED_MOVES)


def card(kind: CardKind, number: int, card_id: str | None = None, **fields) -> Card:
    return Card(card_id or f"{kind.prefix}{number}", kind, number, **fields)


# Tag numbers.

@pytest.mark.parametrize(("high_water", "expected"), [(0, 1), (1, 2), (7, 8), (99, 100)])
def test_next_tag_number_is_one_above_the_highest_ever_given(high_water, expected):
    """The next number is high water + 1, so a fresh kind starts at 1."""
    assert rules.next_tag_number(high_water) == expected


def test_card_tag_is_prefix_and_number():
    """Each kind has its own letter: T, C, M, N."""
    assert [card(kind, 7).tag for kind in CardKind] == ["T7", "C7", "M7", "N7"]


# Status moves.

@pytest.mark.parametrize(("old", "new"), sorted(ALLOWED_MOVES))
def test_allowed_status_move_passes(old, new):
    """Every move in the table is accepted."""
    rules.check_status_move(old, new)
    assert new in rules.allowed_moves(old)


@pytest.mark.parametrize("status", list(S))
def test_staying_on_the_same_status_is_fine(status):
    """Saving an action without changing its status is never refused."""
    rules.check_status_move(status, status)


def test_allowed_moves_match_the_table_exactly():
    """allowed_moves lists exactly the hand-written moves, no more."""
    for old in S:
        assert rules.allowed_moves(old) == {new for (o, new) in ALLOWED_MOVES if o is old}


@pytest.mark.parametrize(("old", "new"), REFUSED_MOVES)
def test_refused_status_move_raises_rule_error(old, new):
    """Any move not in the table raises RuleError naming both statuses."""
    with pytest.raises(RuleError) as raised:
        rules.check_status_move(old, new)
    message = str(raised.value)
    assert old.label.lower() in message
    assert f"not straight to {new.label.lower()}" in message


@pytest.mark.parametrize(("old", "new", "message"), [
    (S.OPEN, S.VERIFIED,
     "An action that is open can move to in progress, done, not straight to verified."),
    (S.OPEN, S.STANDARDISED,
     "An action that is open can move to in progress, done, not straight to standardised."),
    (S.STANDARDISED, S.OPEN,
     "An action that is standardised can move to verified, not straight to open."),
    (S.IN_PROGRESS, S.VERIFIED,
     "An action that is in progress can move to open, done, not straight to verified."),
])
def test_refused_status_move_message_lists_the_choices_in_order(old, new, message):
    """The message names the allowed statuses in workflow order, for the user to read."""
    with pytest.raises(RuleError, match="^" + message.replace(".", r"\.") + "$"):
        rules.check_status_move(old, new)


def test_rule_error_is_a_value_error():
    """Callers that catch ValueError also catch rule errors."""
    assert issubclass(RuleError, ValueError)


# Scores.

@pytest.mark.parametrize("value", [None, 1, 2, 3, 4, 5])
def test_scores_from_one_to_five_or_unset_pass(value):
    """1..5 and None (not scored yet) are valid for every score."""
    rules.check_scores(Scores(impact=value, effort=value, severity=value, frequency=value))


@pytest.mark.parametrize(("name", "value"), [
    ("impact", 0), ("effort", 6), ("severity", -1), ("frequency", 10), ("impact", 100)])
def test_score_out_of_range_is_refused_with_its_name(name, value):
    """A score outside 1..5 raises RuleError naming the score and the value."""
    with pytest.raises(RuleError, match=rf"^{name.capitalize()} must be between 1 and 5 \(got {value}\)\.$"):
        rules.check_scores(Scores(**{name: value}))


@pytest.mark.parametrize(("severity", "frequency", "expected"), [
    (None, None, None), (3, None, None), (None, 4, None), (1, 1, 1), (3, 4, 12), (5, 5, 25)])
def test_risk_is_severity_times_frequency_once_both_are_scored(severity, frequency, expected):
    """Risk is severity x frequency, None until both are set."""
    assert rules.risk(Scores(severity=severity, frequency=frequency)) == expected


@pytest.mark.parametrize(("impact", "effort", "expected"), [
    (4, 2, True), (5, 1, True), (4, 1, True), (5, 2, True),
    (3, 1, False), (4, 3, False), (5, 5, False), (1, 1, False),
    (None, 1, False), (5, None, False), (None, None, False),
])
def test_quick_win_is_high_impact_for_low_effort(impact, effort, expected):
    """Impact 4-5 with effort 1-2 is a quick win; anything unscored is not."""
    assert rules.is_quick_win(Scores(impact=impact, effort=effort)) is expected


# Links.

def test_link_from_a_card_to_itself_is_refused():
    """A card cannot be its own cause."""
    t1 = card(CardKind.TROUBLE, 1)
    with pytest.raises(RuleError, match=r"^T1 cannot be a cause of itself\.$"):
        rules.check_new_link(t1, t1, [])


def test_duplicate_link_is_refused():
    """The same cause -> effect link cannot be made twice."""
    c1, t1 = card(CardKind.CAUSE, 1), card(CardKind.TROUBLE, 1)
    existing = [Link("l1", c1.id, t1.id)]
    with pytest.raises(RuleError, match=r"^C1 is already linked to T1\.$"):
        rules.check_new_link(c1, t1, existing)


def test_new_link_between_two_cards_passes():
    """A first link between different cards is fine, even when other links exist."""
    c1, c2, t1 = card(CardKind.CAUSE, 1), card(CardKind.CAUSE, 2), card(CardKind.TROUBLE, 1)
    rules.check_new_link(c2, t1, [Link("l1", c1.id, t1.id)])


@pytest.mark.parametrize(("count", "expected"), [(0, "0 troubles"), (1, "1 trouble"), (3, "3 troubles")])
def test_describe_count_uses_singular_only_for_one(count, expected):
    """Undo texts read '1 trouble' but '3 troubles'."""
    assert rules.describe_count(count, "trouble", "troubles") == expected


# Changes.

def test_change_needs_a_before_or_an_after():
    """A change of nothing into nothing is refused."""
    with pytest.raises(ValueError, match="before or an after"):
        Change(None, None)


@pytest.mark.parametrize(("before", "after"), [
    (card(CardKind.TROUBLE, 1, "a"), card(CardKind.TROUBLE, 1, "b")),
    (card(CardKind.TROUBLE, 1, "a"), Zone("a", "Filler")),
    (Person("p", "Ann"), Meeting("p", date(2024, 1, 1))),
])
def test_change_between_different_entities_is_refused(before, after):
    """before and after must be the same type with the same id."""
    with pytest.raises(ValueError, match="same entity"):
        Change(before, after)


def test_change_verbs_and_entity():
    """create/update/delete follow from which side is None; entity prefers after."""
    old, new = card(CardKind.TROUBLE, 1, text="old"), card(CardKind.TROUBLE, 1, text="new")
    assert Change(None, new).verb == "create"
    assert Change(old, new).verb == "update"
    assert Change(old, None).verb == "delete"
    assert Change(old, new).entity is new
    assert Change(old, None).entity is old


def test_inverted_change_swaps_before_and_after():
    """Inverting a create gives a delete of the same entity, and back."""
    new = card(CardKind.TROUBLE, 1)
    assert Change(None, new).inverted() == Change(new, None)
    assert Change(None, new).inverted().inverted() == Change(None, new)


def test_invert_reverses_the_order_of_changes():
    """Undo runs the inverted changes last-first, so a card comes back before its link."""
    c1, t1 = card(CardKind.CAUSE, 1), card(CardKind.TROUBLE, 1)
    link = Link("l1", c1.id, t1.id)
    changes = [Change(link, None), Change(c1, None), Change(t1, None)]
    assert invert(changes) == (Change(None, t1), Change(None, c1), Change(None, link))


# The document.

def test_apply_creates_updates_and_deletes_entities():
    """apply puts each after in place and removes entities whose after is None."""
    doc = WorkshopDocument()
    t1 = card(CardKind.TROUBLE, 1, text="Jams")
    ann = Person("ann", "Ann")
    doc.apply([Change(None, t1), Change(None, ann)])
    assert doc.cards == {t1.id: t1}
    assert doc.people == {"ann": ann}
    moved = Card(t1.id, t1.kind, 1, text="Jams", x=50.0)
    doc.apply([Change(t1, moved)])
    assert doc.get(Card, t1.id) == moved
    doc.apply([Change(moved, None), Change(ann, None)])
    assert doc.cards == {}
    assert doc.people == {}
    assert doc.get(Card, t1.id) is None


def test_apply_replays_inverted_changes_back_to_the_start():
    """Applying changes then their inversion gives back the same content."""
    doc = WorkshopDocument()
    c1, t1 = card(CardKind.CAUSE, 1), card(CardKind.TROUBLE, 1)
    doc.apply([Change(None, c1), Change(None, t1)])
    start = WorkshopDocument(workshop=doc.workshop, cards=dict(doc.cards))
    link = Link("l1", c1.id, t1.id)
    action = Action("a1", "Fix guide", card_ids=(c1.id, t1.id))
    changes = [Change(None, link), Change(None, action), Change(t1, None)]
    doc.apply(changes)
    assert not doc.same_content(start)
    doc.apply(invert(changes))
    assert doc.same_content(start)


def test_apply_workshop_and_background():
    """The workshop is replaced (reset when deleted) and the background set and cleared."""
    doc = WorkshopDocument()
    titled = Workshop(title="Line 4")
    doc.apply([Change(doc.workshop, titled)])
    assert doc.get(Workshop, "workshop") == titled
    doc.apply([Change(titled, None)])
    assert doc.workshop == Workshop()
    picture = Background(image=b"png", format="png")
    doc.apply([Change(None, picture)])
    assert doc.get(Background, "background") == picture
    doc.apply([Change(picture, None)])
    assert doc.background is None


def test_apply_raises_the_tag_high_water_and_never_lowers_it():
    """Creating T5 sets the trouble high water to 5; deleting it or adding T2 keeps 5."""
    doc = WorkshopDocument()
    t5, t2, c1 = card(CardKind.TROUBLE, 5), card(CardKind.TROUBLE, 2), card(CardKind.CAUSE, 1)
    doc.apply([Change(None, t5), Change(None, c1)])
    assert doc.tag_high_water == {CardKind.TROUBLE: 5, CardKind.CAUSE: 1}
    doc.apply([Change(t5, None), Change(None, t2)])
    assert doc.tag_high_water[CardKind.TROUBLE] == 5
    assert rules.next_tag_number(doc.tag_high_water[CardKind.TROUBLE]) == 6


def test_get_refuses_a_type_that_is_not_an_entity():
    """Asking for a non-entity type is a programming error, raised as TypeError."""
    with pytest.raises(TypeError, match="not a workshop entity"):
        WorkshopDocument().get(str, "x")


def test_cards_in_tag_order_sorts_by_kind_then_number():
    """Troubles, causes, countermeasures, notes; T2 before T10 (numeric, not text, order)."""
    doc = WorkshopDocument()
    cards = [card(CardKind.NOTE, 1), card(CardKind.TROUBLE, 10), card(CardKind.CAUSE, 3),
             card(CardKind.TROUBLE, 2), card(CardKind.COUNTERMEASURE, 1), card(CardKind.CAUSE, 1)]
    doc.apply([Change(None, c) for c in cards])
    assert [c.tag for c in doc.cards_in_tag_order()] == ["T2", "T10", "C1", "C3", "M1", "N1"]
    assert [c.tag for c in doc.cards_in_tag_order(CardKind.CAUSE)] == ["C1", "C3"]
    assert doc.cards_in_tag_order(CardKind.NOTE) == [cards[0]]


def test_card_counts_counts_each_kind():
    """card_counts gives how many cards of each kind exist, zero for absent kinds."""
    doc = WorkshopDocument()
    doc.apply([Change(None, c) for c in (
        card(CardKind.TROUBLE, 1), card(CardKind.TROUBLE, 2), card(CardKind.CAUSE, 1))])
    counts = doc.card_counts()
    assert counts == Counter({CardKind.TROUBLE: 2, CardKind.CAUSE: 1})
    assert counts[CardKind.NOTE] == 0


def test_overdue_actions_are_past_due_and_not_closed():
    """Overdue means due before today and open or in progress; due today or closed is not overdue."""
    today = date(2024, 6, 10)
    past, now = date(2024, 6, 9), today
    actions = [
        Action("late-open", "a", due=past, status=S.OPEN),
        Action("late-busy", "b", due=past, status=S.IN_PROGRESS),
        Action("late-done", "c", due=past, status=S.DONE),
        Action("late-verified", "d", due=past, status=S.VERIFIED),
        Action("late-standard", "e", due=past, status=S.STANDARDISED),
        Action("due-today", "f", due=now, status=S.OPEN),
        Action("no-date", "g", status=S.OPEN),
        Action("future", "h", due=date(2025, 1, 1)),
    ]
    doc = WorkshopDocument()
    doc.apply([Change(None, a) for a in actions])
    assert sorted(a.id for a in doc.overdue_actions(today)) == ["late-busy", "late-open"]
    assert doc.action_counts()[S.OPEN] == 4


def test_links_of_finds_links_at_either_end():
    """links_of returns the links that start or end at any given card, and no others."""
    doc = WorkshopDocument()
    to_t1, from_t1, other = Link("a", "c1", "t1"), Link("b", "t1", "t9"), Link("c", "c2", "t2")
    doc.apply([Change(None, lk) for lk in (to_t1, from_t1, other)])
    assert sorted(lk.id for lk in doc.links_of(["t1"])) == ["a", "b"]
    assert doc.links_of([]) == []


def test_same_content_notices_any_entity_difference():
    """same_content is False as soon as one entity differs and True for equal documents."""
    one, two = WorkshopDocument(), WorkshopDocument()
    assert one.same_content(two)
    two.apply([Change(None, Zone("z", "Filler"))])
    assert not one.same_content(two)
    one.apply([Change(None, Zone("z", "Filler"))])
    assert one.same_content(two)
    two.apply([Change(None, Background(image=b"x"))])
    assert not one.same_content(two)


def test_zone_contains_its_edges():
    """A point on a zone's border counts as inside."""
    zone = Zone("z", "Infeed", x=10, y=20, width=100, height=50)
    assert zone.contains(10, 20) and zone.contains(110, 70) and zone.contains(60, 40)
    assert not zone.contains(9.9, 40) and not zone.contains(60, 70.1)


def test_check_storable_refuses_broken_text_and_huge_numbers_and_passes_the_rest():
    """Lone surrogates and integers past 64 bits are refused with a message; any real script passes."""
    from trouble_mapper.domain.rules import check_storable

    check_storable(Card("c1", CardKind.TROUBLE, 1, text="Étiquette 标签 ملصق 🏷️ =SUM(A1)", votes=2**63 - 1))
    with pytest.raises(RuleError, match="broken character"):
        check_storable(Card("c1", CardKind.TROUBLE, 1, text="broken \ud800"))
    with pytest.raises(RuleError, match="too large"):
        check_storable(Card("c1", CardKind.TROUBLE, 1, votes=2**63))
    with pytest.raises(RuleError, match="too large"):
        check_storable(Card("c1", CardKind.TROUBLE, 1, scores=Scores(impact=2**70)))
