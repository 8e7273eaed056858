"""The map's search box: which cards a typed query finds (pure domain code, no Qt)."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from trouble_mapper.domain.card_filter import Term, fold, matching_card_ids, parse_query
from trouble_mapper.domain.document import WorkshopDocument
from trouble_mapper.domain.model import Action, Card, Person, Zone
from trouble_mapper.domain.vocabulary import ActionStatus, CardKind

TODAY = date(2025, 3, 10)


def card(card_id: str, kind: CardKind, number: int, text: str = "", **fields) -> Card:
    return Card(card_id, kind, number, text=text, **fields)


@pytest.fixture
def doc() -> WorkshopDocument:
    """Troubles, a cause and a countermeasure in two zones, with actions owned by two people."""
    document = WorkshopDocument()
    document.zones = {"filler": Zone("filler", "Filler"), "capper": Zone("capper", "Capper Café")}
    document.people = {"priya": Person("priya", "Priya Shah"), "jose": Person("jose", "José Núñez")}
    cards = [
        card("t7", CardKind.TROUBLE, 7, "Bottles jam at the star wheel", category="Minor stops",
             zone_id="filler", details="Mostly on night shift"),
        card("t70", CardKind.TROUBLE, 70, "Label glue drips", category="Production rejects",
             fix_route="Needs a specialist", zone_id="capper"),
        card("c3", CardKind.CAUSE, 3, "Worn guide rail", category="Breakdowns", zone_id="filler"),
        card("m2", CardKind.COUNTERMEASURE, 2, "Replace the rail every quarter", fix_route="Planned outage"),
        card("n1", CardKind.NOTE, 1, "Filler speed set too high on Mondays", zone_id="capper"),
    ]
    document.cards = {c.id: c for c in cards}
    actions = [
        Action("a1", "Order a new guide rail", owner_id="priya", due=date(2025, 3, 1),
               status=ActionStatus.OPEN, card_ids=("c3",)),
        Action("a2", "Write a one-point lesson", owner_id="jose", due=date(2025, 4, 1),
               status=ActionStatus.IN_PROGRESS, card_ids=("m2", "t70")),
        Action("a3", "Clean the glue nozzle", owner_id="priya", due=date(2025, 2, 1),
               status=ActionStatus.DONE, card_ids=("t70",)),
    ]
    document.actions = {a.id: a for a in actions}
    return document


def find(doc: WorkshopDocument, query: str) -> set[str] | None:
    return matching_card_ids(doc, query, today=TODAY)


@pytest.mark.parametrize("query", ["", "   ", "\t\n", '""', "zone:", 'owner:""', "\u0301"])
def test_blank_query_dims_nothing(doc, query):
    """A query with no word in it (blank, empty quotes, a bare prefix, a lone accent) gives None."""
    assert find(doc, query) is None


def test_tag_matches_exactly_in_any_case(doc):
    """T7 and t7 find T7 but not T70; tag:t7 does the same."""
    assert find(doc, "T7") == {"t7"}
    assert find(doc, "t7") == {"t7"}
    assert find(doc, "tag:t7") == {"t7"}
    assert find(doc, "tag:T70") == {"t70"}
    assert find(doc, "ｔ７") == {"t7"}  # full-width, as some keyboards type it


def test_plain_word_searches_text_and_details(doc):
    """A word is found inside the card text or details, whatever its case."""
    assert find(doc, "JAM") == {"t7"}
    assert find(doc, "night") == {"t7"}
    assert find(doc, "rail") == {"c3", "m2"}


def test_plain_word_searches_category_route_kind_and_zone(doc):
    """Category, fix route, kind label and zone name are searched too."""
    assert find(doc, "breakdowns") == {"c3"}
    assert find(doc, "specialist") == {"t70"}
    assert find(doc, "countermeasure") == {"m2"}
    assert find(doc, "capper") == {"t70", "n1"}


def test_plain_word_searches_linked_actions(doc):
    """The owner, status and text of an action naming the card find the card."""
    assert find(doc, "priya") == {"c3", "t70"}
    assert find(doc, "lesson") == {"m2", "t70"}
    assert find(doc, "progress") == {"m2", "t70"}


def test_every_word_must_match(doc):
    """Words are ANDed: each may match a different field, and all must match."""
    assert find(doc, "rail filler") == {"c3"}
    assert find(doc, "rail priya") == {"c3"}
    assert find(doc, "rail jam") == set()


def test_zone_prefix_narrows_to_the_zone(doc):
    """zone:filler finds cards in the Filler zone, not a card that only mentions the filler."""
    assert find(doc, "zone:filler") == {"t7", "c3"}
    assert find(doc, "filler") == {"t7", "c3", "n1"}


def test_owner_prefix(doc):
    """owner: matches the owner's name of a linked action, without accents."""
    assert find(doc, "owner:priya") == {"c3", "t70"}
    assert find(doc, "owner:nunez") == {"m2", "t70"}
    assert find(doc, "owner:lesson") == set()


def test_status_prefix(doc):
    """status: matches the label or stored value of a linked action's status."""
    assert find(doc, "status:open") == {"c3"}
    assert find(doc, "status:done") == {"t70"}
    assert find(doc, 'status:"in progress"') == {"m2", "t70"}
    assert find(doc, "status:in_progress") == {"m2", "t70"}


def test_overdue_uses_today(doc):
    """status:overdue (or the plain word) finds cards with an open action past its due date."""
    assert find(doc, "status:overdue") == {"c3"}  # a3 is past due but done
    assert find(doc, "overdue") == {"c3"}
    assert matching_card_ids(doc, "status:overdue", today=date(2025, 4, 2)) == {"c3", "m2", "t70"}
    assert matching_card_ids(doc, "status:overdue", today=date(2025, 2, 1)) == set()


def test_category_prefix_with_quotes(doc):
    """category:"minor stops" keeps the space; the words alone also work, in any case."""
    assert find(doc, 'category:"minor stops"') == {"t7"}
    assert find(doc, "category:MINOR") == {"t7"}
    assert find(doc, "category:rejects") == {"t70"}
    assert find(doc, "category:jam") == set()


def test_kind_prefix(doc):
    """kind:cause finds causes only (not the word 'cause' elsewhere); kind:c also finds countermeasures."""
    doc.cards["t7"] = dataclasses.replace(doc.cards["t7"], details="Root cause unknown")
    assert find(doc, "kind:cause") == {"c3"}
    assert find(doc, "kind:causes") == {"c3"}
    assert find(doc, "kind:c") == {"c3", "m2"}
    assert find(doc, "cause") == {"c3", "t7"}


def test_route_prefix(doc):
    """route: matches the fix route."""
    assert find(doc, "route:outage") == {"m2"}


def test_prefix_is_case_insensitive_and_combines_with_words(doc):
    """ZONE:Filler works, and prefixed and plain words are ANDed."""
    assert find(doc, "ZONE:Filler rail") == {"c3"}
    assert find(doc, "zone:capper owner:priya") == {"t70"}


def test_unknown_prefix_is_a_plain_word(doc):
    """A colon after an unknown word is just text: 'ratio:3' and 'http://x' are searched as typed."""
    doc.cards["n1"] = dataclasses.replace(doc.cards["n1"], details="speed ratio:3, see http://wiki/line4")
    assert find(doc, "ratio:3") == {"n1"}
    assert find(doc, "http://wiki") == {"n1"}
    assert find(doc, "colour:red") == set()


def test_quoted_phrase_keeps_word_order(doc):
    """A quoted phrase must appear as typed; the same words unquoted may be anywhere."""
    assert find(doc, '"star wheel"') == {"t7"}
    assert find(doc, '"wheel star"') == set()
    assert find(doc, "wheel star") == {"t7"}
    assert find(doc, '"star   wheel') == {"t7"}  # unclosed quote, runs of spaces


def test_accents_and_case_are_ignored_both_ways(doc):
    """Café is found by cafe and CAFE; an accented query finds unaccented text; ß matches ss."""
    doc.cards["m2"] = dataclasses.replace(doc.cards["m2"], details="Straße zum Lager")
    assert find(doc, "cafe") == {"t70", "n1"}
    assert find(doc, "CAFÉ") == {"t70", "n1"}
    assert find(doc, "núñez") == {"m2", "t70"}
    assert find(doc, "rãil") == {"c3", "m2"}
    assert find(doc, "STRASSE") == {"m2"}


def test_word_does_not_match_across_two_fields(doc):
    """The end of the text and the start of the details never join into one word."""
    doc.cards["n1"] = dataclasses.replace(doc.cards["n1"], text="lea", details="king valve")
    assert find(doc, "leaking") == set()
    assert find(doc, "king") == {"n1"}


def test_results_follow_edits(doc):
    """After a card, zone, person or action changes, the next search sees the new values."""
    assert find(doc, "conveyor") == set()
    doc.cards["t7"] = dataclasses.replace(doc.cards["t7"], text="Conveyor stops")
    assert find(doc, "conveyor") == {"t7"}
    doc.zones["filler"] = dataclasses.replace(doc.zones["filler"], name="Rinser")
    assert find(doc, "zone:rinser") == {"t7", "c3"}
    doc.people["priya"] = dataclasses.replace(doc.people["priya"], name="Mei Lin")
    assert find(doc, "owner:mei") == {"c3", "t70"}
    doc.actions["a1"] = dataclasses.replace(doc.actions["a1"], status=ActionStatus.DONE)
    assert find(doc, "status:overdue") == set()
    del doc.cards["c3"]
    assert find(doc, "rail") == {"m2"}


@pytest.mark.parametrize("query", [".*", "(", "[a-z]+", "\\", "a|b", "^$", "?", "{2}", "%s", "*"])
def test_regex_metacharacters_are_plain_text(doc, query):
    """Pattern characters match only themselves (no error, no 'match everything')."""
    assert find(doc, query) == set()
    doc.cards["n1"] = dataclasses.replace(doc.cards["n1"], text=f"odd {query} text")
    assert find(doc, query) == {"n1"}


def test_hostile_text_is_searchable(doc):
    """Emoji, right-to-left scripts with vowel marks, control characters and huge words all work."""
    huge = "x" * 10_000
    doc.cards["t7"] = dataclasses.replace(doc.cards["t7"], text="🔥 Motor too hot 👩🏽‍🔧")
    doc.cards["c3"] = dataclasses.replace(doc.cards["c3"], text="שָׁלוֹם מכונה", details="تسرب الزيت")
    doc.cards["n1"] = dataclasses.replace(doc.cards["n1"], text=f"nul\x00here {huge}")
    assert find(doc, "🔥") == {"t7"}
    assert find(doc, "👩🏽‍🔧") == {"t7"}
    assert find(doc, "שלום") == {"c3"}  # typed without vowel marks
    assert find(doc, "الزيت") == {"c3"}
    assert find(doc, "\x00") == {"n1"}
    assert find(doc, huge) == {"n1"}
    assert find(doc, huge + "y") == set()
    assert find(doc, "é" * 10_000) == set()
    assert find(doc, "\ud800") == set()  # a lone surrogate from a broken paste


def test_search_over_many_cards_returns_every_match():
    """2,000 cards: the plain word and the tag each give exactly the expected cards."""
    document = WorkshopDocument()
    document.cards = {f"c{i}": card(f"c{i}", CardKind.TROUBLE, i, f"Trouble {i} {'leak' if i % 3 else ''}")
                      for i in range(1, 2001)}
    assert len(matching_card_ids(document, "leak")) == 2000 - 666
    assert matching_card_ids(document, "T1999") == {"c1999"}


def test_parse_query_reads_prefixes_and_quotes():
    """The query is split into folded terms; quoted spaces survive and unknown prefixes stay plain."""
    assert parse_query('Zone:Filler "minor  stops" owner:"José N" foo:bar') == [
        Term("filler", "zone"), Term("minor stops"), Term("jose n", "owner"), Term("foo:bar")]


def test_fold_drops_case_accents_and_extra_space():
    """fold() is what both sides of a comparison go through."""
    assert fold("  Ça  VA\u00a0Élodie ") == "ca va elodie"
    assert fold("Ｔ７") == "t7"
    assert fold("MHz ㎒") == "mhz mhz"
