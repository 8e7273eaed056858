"""Every kind of edit: do, undo, redo; after each step the model and a freshly reopened file agree.

Also: tag numbers are never reused, every step leaves history rows, and undo texts read well.
"""

from __future__ import annotations

import copy
import inspect
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest
from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtGui import QColor, QImage

from trouble_mapper.domain.document import WorkshopDocument
from trouble_mapper.domain.model import Background, Scores
from trouble_mapper.domain.vocabulary import ActionStatus, CardKind, ImprovementGoal, Role
from trouble_mapper.service import WorkshopService
from trouble_mapper.storage.workshop_file import open_workshop


def png_bytes(width: int = 4, height: int = 3, colour: str = "#2a7ab0") -> bytes:
    """A real, small PNG made by Qt."""
    image = QImage(width, height, QImage.Format.Format_ARGB32)
    image.fill(QColor(colour))
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    assert image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def reopened(path: Path) -> WorkshopDocument:
    """The workshop as a fresh read-only open of the file finds it (the editor keeps its lock)."""
    copy_ = open_workshop(path, read_only=True)
    try:
        return copy_.document
    finally:
        copy_.close()


def assert_file_agrees(service: WorkshopService) -> None:
    on_disk = reopened(service.file.path)
    assert on_disk.same_content(service.document)
    assert on_disk.tag_high_water == service.document.tag_high_water


def populate(service: WorkshopService) -> SimpleNamespace:
    """A small but complete workshop; returns the ids the scenarios edit."""
    ids = SimpleNamespace()
    ids.ann = service.add_person("Ann", "Operator", [Role.TEAM_MEMBER]).id
    ids.bob = service.add_person("Bob", "Maintenance", [Role.EXPERT, Role.SUPPORT]).id
    ids.zone = service.add_zone("Filler", 0, 0, 800, 600).id
    ids.t1 = service.add_card(CardKind.TROUBLE, 10, 20, "Bottles jam at the star wheel", zone_id=ids.zone).id
    ids.t2 = service.add_card(CardKind.TROUBLE, 210, 20, "Caps cross-threaded", zone_id=ids.zone).id
    ids.t3 = service.add_card(CardKind.TROUBLE, 410, 20, "Labels skew").id
    ids.c1 = service.add_card(CardKind.CAUSE, 10, 220, "Worn guide rail").id
    ids.m1 = service.add_card(CardKind.COUNTERMEASURE, 10, 420, "Replace guide rail").id
    ids.link = service.add_link(ids.c1, ids.t1).id
    ids.link2 = service.add_link(ids.m1, ids.c1).id
    ids.action = service.add_action("Replace the guide rail", owner_id=ids.ann, supporter_ids=(ids.bob,),
                                    due=date(2024, 7, 1), card_ids=(ids.t1, ids.c1, ids.m1)).id
    ids.action2 = service.add_action("Train the night shift", owner_id=ids.bob, supporter_ids=(ids.ann,),
                                     card_ids=(ids.t2,)).id
    ids.meeting = service.add_meeting(date(2024, 6, 3), [ids.ann, ids.bob], "Kick-off").id
    return ids


def with_background(service: WorkshopService, ids: SimpleNamespace) -> None:
    service.set_background(png_bytes(), "png", scale=0.5)


@dataclass(frozen=True)
class Scenario:
    """One undoable edit: ``edit`` makes it (one undo step), ``check`` asserts its effect."""

    name: str
    label: str
    edit: Callable[[WorkshopService, SimpleNamespace], object]
    check: Callable[[WorkshopDocument, SimpleNamespace], None]
    prepare: Callable[[WorkshopService, SimpleNamespace], None] | None = None


def _check_deleted_t1(doc: WorkshopDocument, ids: SimpleNamespace) -> None:
    assert ids.t1 not in doc.cards
    assert ids.link not in doc.links  # C1 -> T1 went with T1
    assert ids.link2 in doc.links  # M1 -> C1 stays
    assert doc.actions[ids.action].card_ids == (ids.c1, ids.m1)
    assert doc.actions[ids.action2].card_ids == (ids.t2,)


def _check_removed_ann(doc: WorkshopDocument, ids: SimpleNamespace) -> None:
    assert ids.ann not in doc.people
    assert doc.actions[ids.action].owner_id is None
    assert doc.actions[ids.action].supporter_ids == (ids.bob,)
    assert doc.actions[ids.action2].owner_id == ids.bob
    assert doc.actions[ids.action2].supporter_ids == ()
    assert doc.meetings[ids.meeting].attendee_ids == (ids.bob,)


def test_a_new_zone_takes_the_cards_already_inside_and_a_chosen_zone_survives_small_moves(service):
    ids = populate(service)
    card = service.add_card(CardKind.TROUBLE, 1000, 1000, "Outside every zone")
    assert card.zone_id is None
    zone = service.add_zone("Capper", 950, 950, 400, 400)
    assert service.document.cards[card.id].zone_id == zone.id
    assert service.undo_stack.undoText() == "Add zone Capper"
    service.undo_stack.undo()
    assert service.document.cards[card.id].zone_id is None
    service.undo_stack.redo()
    service.update_card(ids.t3, zone_id=zone.id)  # chosen by hand, though T3 sits in the Filler zone
    t3 = service.document.cards[ids.t3]
    service.move_cards({ids.t3: (t3.x + 10, t3.y)}, nudge=True)
    assert service.document.cards[ids.t3].zone_id == zone.id
    service.move_cards({ids.t3: (2000, 2000)})  # out of every zone: the map's geometry wins again
    assert service.document.cards[ids.t3].zone_id is None


def test_dots_per_person_are_enforced_and_go_with_their_card_or_person(service):
    from trouble_mapper.domain.rules import RuleError

    ids = populate(service)
    service.update_workshop(dots_per_person=2)
    service.vote(ids.t1, 1, ids.ann)
    service.vote(ids.t2, 1, ids.ann)
    with pytest.raises(RuleError, match="Ann has used all 2 dots"):
        service.vote(ids.t3, 1, ids.ann)
    assert service.document.cards[ids.t3].votes == 0
    service.vote(ids.t1, 1, ids.bob)
    service.delete_cards([ids.t1])
    assert service.document.dots_used(ids.ann) == 1 and service.document.dots_used(ids.bob) == 0
    service.remove_person(ids.ann)
    assert service.document.votes == {}
    assert service.document.cards[ids.t2].votes == 1  # the room's tally stays on the card


def test_renaming_or_adding_a_zone_keeps_zones_chosen_by_hand(service):
    ids = populate(service)
    far = service.add_zone("Capper", 3000, 3000, 300, 300)
    service.update_card(ids.t3, zone_id=far.id)  # by hand, though T3 lies in Filler
    service.update_zone(ids.zone, name="Filler and rinser")
    service.add_zone("Palletiser", 5000, 5000, 300, 300)
    assert service.document.cards[ids.t3].zone_id == far.id


def test_a_refused_link_refuses_the_whole_gesture(service):
    from trouble_mapper.domain.rules import RuleError

    ids = populate(service)
    count = service.undo_stack.count()
    with pytest.raises(RuleError):
        service.add_links([(ids.t3, ids.t2), (ids.c1, ids.t1)])  # C1 -> T1 exists already
    assert service.undo_stack.count() == count and len(service.document.links) == 2


def test_cards_take_the_zone_they_are_pinned_in(service):
    """A new or moved card knows the zone under its centre; the smallest zone wins where zones nest."""
    ids = populate(service)
    inner = service.add_zone("Capper", 600, 400, 300, 300).id
    card = service.add_card(CardKind.TROUBLE, 650, 450, "Caps loose")
    assert card.zone_id == inner
    service.move_cards({card.id: (100, 100)})
    assert service.document.cards[card.id].zone_id == ids.zone
    service.move_cards({card.id: (2000, 2000)})
    assert service.document.cards[card.id].zone_id is None


def _nudge_twice(service: WorkshopService, ids: SimpleNamespace) -> None:
    t1, t2 = service.document.cards[ids.t1], service.document.cards[ids.t2]
    service.move_cards({ids.t1: (t1.x + 1, t1.y), ids.t2: (t2.x + 1, t2.y)}, nudge=True)
    service.move_cards({ids.t1: (t1.x + 2, t1.y + 1), ids.t2: (t2.x + 2, t2.y + 1)}, nudge=True)


SCENARIOS = [
    Scenario("update_workshop", "Edit workshop details",
             lambda s, i: s.update_workshop(title="Line 4 – filler", goal=ImprovementGoal.CUSTOM,
                                            goal_text="Halve minor stops", start_date=date(2024, 6, 1),
                                            category_scheme="qcdsm"),
             lambda d, i: (d.workshop.title == "Line 4 – filler"
                           and d.workshop.goal_label == "Halve minor stops") or pytest.fail("not edited")),
    Scenario("add_card", "Add cause C2",
             lambda s, i: setattr(i, "new", s.add_card(CardKind.CAUSE, 300, 300, "Rail bolts loose",
                                                       category="Breakdowns",
                                                       scores=Scores(impact=4, effort=2)).id),
             lambda d, i: (d.cards[i.new].tag == "C2" and d.cards[i.new].scores.impact == 4)
             or pytest.fail("card not added")),
    Scenario("update_card", "Edit T1",
             lambda s, i: s.update_card(i.t1, text="Bottles jam", details="Mostly at start-up", votes=3,
                                        fix_route="Operator can fix", width=220.0),
             lambda d, i: (d.cards[i.t1].text == "Bottles jam" and d.cards[i.t1].votes == 3)
             or pytest.fail("card not edited")),
    Scenario("update_card_kind", "Edit T2",
             lambda s, i: s.update_card(i.t2, kind=CardKind.CAUSE),
             lambda d, i: (d.cards[i.t2].tag == "C2" and d.tag_high_water[CardKind.CAUSE] == 2)
             or pytest.fail("kind not changed")),
    Scenario("set_scores", "Edit T1",
             lambda s, i: s.set_scores(i.t1, impact=5, effort=1, severity=4, frequency=3),
             lambda d, i: (d.cards[i.t1].scores == Scores(5, 1, 4, 3)) or pytest.fail("not scored")),
    Scenario("move_cards", "Move 3 troubles",
             lambda s, i: s.move_cards({i.t1: (15.5, 40), i.t2: (500, 500), i.t3: (-20, 7.25)}),
             lambda d, i: ((d.cards[i.t1].x, d.cards[i.t3].y) == (15.5, 7.25)) or pytest.fail("not moved")),
    Scenario("move_mixed_cards", "Move 2 cards",
             lambda s, i: s.move_cards({i.t1: (1, 2), i.c1: (3, 4)}),
             lambda d, i: ((d.cards[i.c1].x, d.cards[i.c1].y) == (3, 4)) or pytest.fail("not moved")),
    Scenario("nudge_merges", "Move 2 troubles", _nudge_twice,
             lambda d, i: ((d.cards[i.t1].x, d.cards[i.t1].y) == (12, 21)) or pytest.fail("not nudged")),
    Scenario("add_linked_card", "Add cause C2",
             lambda s, i: setattr(i, "new", s.add_card(CardKind.CAUSE, 300, 300, "Why?", link_to=i.t2).id),
             lambda d, i: any(link.cause_id == i.new and link.effect_id == i.t2 for link in d.links.values())
             or pytest.fail("not linked")),
    Scenario("delete_cards_and_links", "Delete T3",
             lambda s, i: s.delete_cards([i.t3], link_ids=[i.link2]),
             lambda d, i: (i.t3 not in d.cards and i.link2 not in d.links and i.link in d.links)
             or pytest.fail("not deleted")),
    Scenario("add_cards", "Import 2 troubles",
             lambda s, i: setattr(i, "imported", [c.id for c in s.add_cards([
                 {"kind": CardKind.TROUBLE, "x": 10, "y": 900, "text": "Imported one",
                  "category": "Breakdowns"},
                 {"kind": CardKind.TROUBLE, "x": 210, "y": 900, "text": "Imported two"}])]),
             lambda d, i: ([d.cards[c].tag for c in i.imported] == ["T4", "T5"])
             or pytest.fail("not imported")),
    Scenario("vote", "Vote on T1", lambda s, i: (s.vote(i.t1, 1), s.vote(i.t1, 1), s.vote(i.t1, -1)),
             lambda d, i: (d.cards[i.t1].votes == 1) or pytest.fail("votes not counted")),
    Scenario("vote_by_name", "Vote on T2", lambda s, i: (s.vote(i.t2, 1, i.ann), s.vote(i.t2, 1, i.ann)),
             lambda d, i: (d.cards[i.t2].votes == 2 and d.dots_used(i.ann) == 2)
             or pytest.fail("personal dots not counted")),
    Scenario("add_links", "Link 2 pairs",
             lambda s, i: s.add_links([(i.t3, i.t2), (i.t2, i.t1)]),
             lambda d, i: (len(d.links) == 4) or pytest.fail("not linked")),
    Scenario("move_into_zone", "Move T3",
             lambda s, i: s.move_cards({i.t3: (900, 700)}),
             lambda d, i: (d.cards[i.t3].zone_id is None) or pytest.fail("still in the zone it left")),
    Scenario("update_cards", "Edit 2 troubles",
             lambda s, i: s.update_cards([i.t1, i.t2], category="Minor stops", fix_route="On the run"),
             lambda d, i: ({d.cards[i.t1].category, d.cards[i.t2].category} == {"Minor stops"})
             or pytest.fail("not edited")),
    Scenario("update_cards_kind", "Edit 2 troubles",
             lambda s, i: s.update_cards([i.t1, i.t2], kind=CardKind.CAUSE),
             lambda d, i: ({d.cards[i.t1].tag, d.cards[i.t2].tag} == {"C2", "C3"})
             or pytest.fail("not renumbered as causes")),
    Scenario("duplicate_cards", "Duplicate 2 cards",
             lambda s, i: setattr(i, "copies", [c.id for c in s.duplicate_cards([i.t1, i.c1])]),
             lambda d, i: ([d.cards[c].tag for c in i.copies] == ["T4", "C2"]
                           and d.cards[i.copies[0]].text == d.cards[i.t1].text
                           and not d.links_of(i.copies)) or pytest.fail("not duplicated")),
    Scenario("delete_cards", "Delete T1", lambda s, i: s.delete_cards([i.t1]), _check_deleted_t1),
    Scenario("delete_several_cards", "Delete 2 cards", lambda s, i: s.delete_cards([i.c1, i.m1]),
             lambda d, i: (not d.links and d.actions[i.action].card_ids == (i.t1,))
             or pytest.fail("cards or their links remain")),
    Scenario("add_link", "Link T3 to T2",
             lambda s, i: setattr(i, "new", s.add_link(i.t3, i.t2).id),
             lambda d, i: (d.links[i.new].cause_id == i.t3) or pytest.fail("no link")),
    Scenario("delete_links", "Delete 2 links", lambda s, i: s.delete_links([i.link, i.link2]),
             lambda d, i: (not d.links) or pytest.fail("links remain")),
    Scenario("add_zone", "Add zone Capper",
             lambda s, i: setattr(i, "new", s.add_zone("Capper", 900, 0, 300.5, 200).id),
             lambda d, i: (d.zones[i.new].width == 300.5) or pytest.fail("no zone")),
    Scenario("update_zone", "Edit zone Filler line",
             lambda s, i: s.update_zone(i.zone, name="Filler line", height=650.0),
             lambda d, i: (d.zones[i.zone].name == "Filler line") or pytest.fail("zone not edited")),
    Scenario("delete_zone", "Delete zone Filler", lambda s, i: s.delete_zone(i.zone),
             lambda d, i: (i.zone not in d.zones and d.cards[i.t1].zone_id is None
                           and d.cards[i.t2].zone_id is None) or pytest.fail("zone or its marks remain")),
    Scenario("add_person", "Add Chloé to the team",
             lambda s, i: setattr(i, "new", s.add_person("Chloé", "Quality", [Role.SPONSOR]).id),
             lambda d, i: (d.people[i.new].roles == (Role.SPONSOR,)) or pytest.fail("no person")),
    Scenario("update_person", "Edit Ann B.",
             lambda s, i: s.update_person(i.ann, name="Ann B.", roles=(Role.FIRST_LINE_LEADER, Role.EXPERT)),
             lambda d, i: (d.people[i.ann].name == "Ann B.") or pytest.fail("person not edited")),
    Scenario("remove_person", "Remove Ann from the team", lambda s, i: s.remove_person(i.ann),
             _check_removed_ann),
    Scenario("add_action", "Add action",
             lambda s, i: setattr(i, "new", s.add_action("Fit a guard", owner_id=i.bob, due=date(2024, 8, 2),
                                                         card_ids=(i.t3,), where="Labeller",
                                                         check="No skew for a week",
                                                         needs_standard=True).id),
             lambda d, i: (d.actions[i.new].needs_standard is True) or pytest.fail("no action")),
    Scenario("update_action", "Edit action",
             lambda s, i: s.update_action(i.action, status=ActionStatus.IN_PROGRESS, due=date(2024, 7, 15),
                                          supporter_ids=()),
             lambda d, i: (d.actions[i.action].status is ActionStatus.IN_PROGRESS)
             or pytest.fail("unchanged")),
    Scenario("delete_action", "Delete action", lambda s, i: s.delete_action(i.action),
             lambda d, i: (i.action not in d.actions) or pytest.fail("action remains")),
    Scenario("add_meeting", "Add meeting of 2024-06-10",
             lambda s, i: setattr(i, "new", s.add_meeting(date(2024, 6, 10), [i.bob], "Follow-up").id),
             lambda d, i: (d.meetings[i.new].attendee_ids == (i.bob,)) or pytest.fail("no meeting")),
    Scenario("update_meeting", "Edit meeting",
             lambda s, i: s.update_meeting(i.meeting, notes="Kick-off, 12 troubles named",
                                           date=date(2024, 6, 4)),
             lambda d, i: (d.meetings[i.meeting].date == date(2024, 6, 4)) or pytest.fail("unchanged")),
    Scenario("delete_meeting", "Delete meeting", lambda s, i: s.delete_meeting(i.meeting),
             lambda d, i: (not d.meetings) or pytest.fail("meeting remains")),
    Scenario("set_background", "Add background", lambda s, i: s.set_background(png_bytes(), "png"),
             lambda d, i: (d.background.image.startswith(b"\x89PNG")) or pytest.fail("no background")),
    Scenario("replace_background", "Replace background",
             lambda s, i: s.set_background(png_bytes(8, 8, "#c04040"), "png", scale=2.0),
             lambda d, i: (d.background.scale == 2.0) or pytest.fail("not replaced"),
             prepare=with_background),
    Scenario("update_background", "Edit background",
             lambda s, i: s.update_background(x=-40.0, y=12.5, scale=1.25, locked=False),
             lambda d, i: (d.background.locked is False and d.background.x == -40.0)
             or pytest.fail("not edited"),
             prepare=with_background),
    Scenario("remove_background", "Remove background", lambda s, i: s.remove_background(),
             lambda d, i: (d.background is None) or pytest.fail("background remains"),
             prepare=with_background),
]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_edit_undo_redo_round_trips_through_the_file(service, scenario):
    """One undo step per edit; after do, undo and redo the model equals a freshly reopened file."""
    ids = populate(service)
    if scenario.prepare:
        scenario.prepare(service, ids)
    stack = service.undo_stack
    before = copy.deepcopy(service.document)
    count = stack.count()
    assert_file_agrees(service)

    scenario.edit(service, ids)
    assert stack.count() == count + 1, "the edit must be exactly one undo step"
    assert stack.undoText() == scenario.label
    scenario.check(service.document, ids)
    assert not service.document.same_content(before)
    after = copy.deepcopy(service.document)
    assert_file_agrees(service)

    stack.undo()
    assert service.document.same_content(before)
    assert_file_agrees(service)

    stack.redo()
    assert service.document.same_content(after)
    scenario.check(service.document, ids)
    assert_file_agrees(service)

    stack.undo()  # and once more: undo after redo still lands on the start
    assert service.document.same_content(before)
    assert_file_agrees(service)


def test_scenarios_cover_every_public_edit_method():
    """The table above exercises each public edit method of the service (none forgotten)."""
    edit_methods = {"update_workshop", "add_card", "update_card", "update_cards", "duplicate_cards",
                    "add_links", "add_cards", "vote",
                    "set_scores", "move_cards", "delete_cards",
                    "add_link", "delete_links", "add_zone", "update_zone", "delete_zone", "add_person",
                    "update_person", "remove_person", "add_action", "update_action", "delete_action",
                    "add_meeting", "update_meeting", "delete_meeting", "set_background",
                    "update_background", "remove_background"}
    public = {name for name, value in vars(WorkshopService).items()
              if inspect.isfunction(value) and not name.startswith("_")} - {"apply", "push", "close"}
    public -= {"update_session"}  # not an undo step: stored and reopened in test_session.py
    assert public == edit_methods, "a new edit method needs a round-trip scenario"
    names = {s.name for s in SCENARIOS}
    assert edit_methods <= names


def test_nudges_of_other_cards_do_not_merge(service):
    """Nudging a different set of cards starts a new undo step; a plain move never merges."""
    ids = populate(service)
    count = service.undo_stack.count()
    service.move_cards({ids.t1: (11, 20)}, nudge=True)
    service.move_cards({ids.t2: (211, 20)}, nudge=True)
    service.move_cards({ids.t2: (212, 20)})
    service.move_cards({ids.t2: (213, 20)})
    assert service.undo_stack.count() == count + 4


def test_merged_nudges_undo_to_the_first_position_and_history_says_so(service):
    """Three merged nudges undo in one step straight back to where the card started."""
    ids = populate(service)
    start = service.document.cards[ids.t3]
    for step in (1, 2, 3):
        service.move_cards({ids.t3: (start.x + step, start.y)}, nudge=True)
    assert service.document.cards[ids.t3].x == start.x + 3
    service.undo_stack.undo()
    assert service.document.cards[ids.t3] == start
    assert_file_agrees(service)
    undo_row = service.file.repository.history()[-1]
    assert (undo_row.direction, undo_row.label) == ("undo", "Move T3")
    assert json.loads(undo_row.before)["x"] == start.x + 3
    assert json.loads(undo_row.after)["x"] == start.x


# Tag numbers.

def test_tag_numbers_are_never_reused(qapp, workshop_path):
    """Deleting the highest trouble or undoing an add never frees its number, even after reopening."""
    service = WorkshopService(open_workshop(workshop_path))
    try:
        tags = [service.add_card(CardKind.TROUBLE, 0, 0).tag for _ in range(3)]
        assert tags == ["T1", "T2", "T3"]
        t2 = next(c for c in service.document.cards.values() if c.tag == "T2")
        t3 = next(c for c in service.document.cards.values() if c.tag == "T3")
        service.delete_cards([t2.id])
        service.delete_cards([t3.id])
        assert service.add_card(CardKind.TROUBLE, 0, 0).tag == "T4"
        service.add_card(CardKind.TROUBLE, 0, 0)  # T5 ...
        service.undo_stack.undo()  # ... taken back
        assert "T5" not in {c.tag for c in service.document.cards.values()}
        assert service.add_card(CardKind.TROUBLE, 0, 0).tag == "T6"
        assert service.add_card(CardKind.CAUSE, 0, 0).tag == "C1"  # numbering is per kind
        service.undo_stack.undo()
        service.undo_stack.undo()  # T6 and C1 undone before closing
    finally:
        service.close()

    service = WorkshopService(open_workshop(workshop_path))
    try:
        assert service.document.tag_high_water == {CardKind.TROUBLE: 6, CardKind.CAUSE: 1}
        assert service.add_card(CardKind.TROUBLE, 0, 0).tag == "T7"
        assert service.add_card(CardKind.CAUSE, 0, 0).tag == "C2"
        t7 = next(c for c in service.document.cards.values() if c.tag == "T7")
        service.update_card(t7.id, kind=CardKind.NOTE)  # a kind change also takes a fresh number
        assert service.document.cards[t7.id].tag == "N1"
        service.undo_stack.undo()
        assert service.document.cards[t7.id].tag == "T7"
        assert service.add_card(CardKind.NOTE, 0, 0).tag == "N2"
    finally:
        service.close()


# History and undo texts.

def test_history_records_do_undo_redo_with_label_and_json(service):
    """Each step writes one history row per entity: direction, label, before and after as JSON."""
    ids = populate(service)
    repository = service.file.repository
    mark = repository.history()[-1].edit
    positions = {ids.t1: (101.0, 1.0), ids.t2: (102.0, 2.0), ids.t3: (103.0, 3.0)}
    old = {cid: (service.document.cards[cid].x, service.document.cards[cid].y) for cid in positions}
    service.move_cards(positions)
    service.undo_stack.undo()
    service.undo_stack.redo()

    rows = repository.history(since_edit=mark)
    assert [(r.direction, r.label) for r in rows] == (
        [("do", "Move 3 troubles")] * 3 + [("undo", "Move 3 troubles")] * 3
        + [("redo", "Move 3 troubles")] * 3)
    assert len({r.edit for r in rows}) == 3  # one edit number per step
    assert all(r.entity == "cards" and r.verb == "update" and r.at for r in rows)
    for row in rows:
        before, after = json.loads(row.before), json.loads(row.after)
        moved = (positions[row.entity_id][0], positions[row.entity_id][1])
        start = old[row.entity_id]
        expected = (start, moved) if row.direction != "undo" else (moved, start)
        assert ((before["x"], before["y"]), (after["x"], after["y"])) == expected
        assert before["id"] == after["id"] == row.entity_id


def test_history_of_create_and_delete_has_one_side_empty(service):
    """A created entity has no before JSON, a deleted one no after JSON; image bytes are summarised."""
    repository = service.file.repository
    mark = repository.history()[-1].edit
    image = png_bytes()
    service.set_background(image, "png")
    service.remove_background()
    created, deleted = repository.history(since_edit=mark)
    assert (created.verb, created.label, created.before) == ("create", "Add background", None)
    assert json.loads(created.after)["image"] == {"bytes": len(image)}
    assert (deleted.verb, deleted.label, deleted.after) == ("delete", "Remove background", None)
    assert json.loads(deleted.before)["format"] == "png"


def test_undo_text_names_the_edit(service):
    """The Edit menu reads 'Undo Move 3 troubles' and, after undoing, 'Redo Move 3 troubles'."""
    ids = populate(service)
    stack = service.undo_stack
    undo_action, redo_action = stack.createUndoAction(service), stack.createRedoAction(service)
    service.move_cards({ids.t1: (1, 1), ids.t2: (2, 2), ids.t3: (3, 3)})
    assert stack.undoText() == "Move 3 troubles"
    assert undo_action.text() == "Undo Move 3 troubles"
    stack.undo()
    assert stack.redoText() == "Move 3 troubles"
    assert redo_action.text() == "Redo Move 3 troubles"
    assert stack.undoText() == "Add meeting of 2024-06-03"


def test_edits_survive_closing_and_reopening_for_editing(service):
    """After many edits and undos the file reopened for editing holds exactly the model."""
    ids = populate(service)
    service.set_background(png_bytes(), "png")
    service.delete_cards([ids.t2])
    service.undo_stack.undo()
    service.remove_person(ids.bob)
    expected = copy.deepcopy(service.document)
    path = service.file.path
    service.close()
    again = open_workshop(path)
    try:
        assert again.document.same_content(expected)
        assert Background(image=png_bytes(), format="png") == again.document.background
    finally:
        again.close()
