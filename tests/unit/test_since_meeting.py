"""The since-last-meeting report: added, changed, closed and newly overdue, from the history of edits."""

from __future__ import annotations

import dataclasses
import time as clock
from datetime import UTC, date, datetime, timedelta

import pytest

from trouble_mapper.domain.document import WorkshopDocument
from trouble_mapper.domain.model import Action, Card, Person
from trouble_mapper.domain.since_meeting import SinceReport, changes_since, meeting_start
from trouble_mapper.domain.vocabulary import ActionStatus, CardKind
from trouble_mapper.storage.codec import CODECS

MEETING = datetime(2024, 5, 6, 9, 0, tzinfo=UTC)
BEFORE = MEETING - timedelta(days=3)
AFTER = MEETING + timedelta(days=2)
TODAY = date(2024, 5, 13)

ANN = Person("p-ann", "Ann")
BOB = Person("p-bob", "Bob")
SEAL = Card("c-1", CardKind.TROUBLE, 1, text="Seal leaks")
GUARD = Card("c-2", CardKind.TROUBLE, 2, text="Guard loose")
FIX = Action("a-1", "Replace seal", owner_id=ANN.id, due=date(2024, 5, 20), card_ids=(SEAL.id,))


class History:
    """Synthetic history rows, shaped like the file's (JSON rows encoded by the real codecs)."""

    def __init__(self) -> None:
        self.rows: list[dict[str, object]] = []

    def add(self, at: datetime, before: object, after: object, direction: str = "do") -> None:
        entity = after if after is not None else before
        codec = CODECS[type(entity)]
        self.rows.append({
            "edit": len(self.rows) + 1, "at": at.isoformat(timespec="milliseconds"), "label": "edit",
            "direction": direction, "entity": codec.table, "entity_id": entity.id,
            "verb": "create" if before is None else "delete" if after is None else "update",
            "before": None if before is None else codec.to_history_json(before),
            "after": None if after is None else codec.to_history_json(after),
        })


def document(*entities: object) -> WorkshopDocument:
    doc = WorkshopDocument()
    for entity in entities:
        collection = doc._collection(type(entity))
        assert collection is not None
        collection[entity.id] = entity  # type: ignore[attr-defined]
    return doc


def texts(items) -> list[str]:
    return [item.as_text() for item in items]


def test_edits_before_the_meeting_are_not_reported():
    """Cards and actions added before the meeting appear in no list."""
    history = History()
    history.add(BEFORE, None, SEAL)
    history.add(BEFORE, None, FIX)
    report = changes_since(history.rows, MEETING, document(ANN, SEAL, FIX), TODAY)
    assert isinstance(report, SinceReport)
    assert report.is_empty


def test_added_since_and_still_present():
    """A card and an action added after the meeting are listed as added."""
    history = History()
    history.add(AFTER, None, SEAL)
    history.add(AFTER, None, FIX)
    report = changes_since(history.rows, MEETING, document(ANN, SEAL, FIX), TODAY)
    assert texts(report.added) == ["T1 Seal leaks: added", "Replace seal (Ann): added"]
    assert report.changed == report.closed == []


def test_added_then_undone_is_not_added():
    """A card added and then undone (or deleted) after the meeting is not reported."""
    history = History()
    history.add(AFTER, None, SEAL)
    history.add(AFTER, SEAL, None, direction="undo")
    history.add(AFTER, None, GUARD)
    history.add(AFTER, GUARD, None)
    assert changes_since(history.rows, MEETING, document(), TODAY).is_empty


def test_added_undone_then_redone_is_added():
    """Redo brings the card back: it counts as added once."""
    history = History()
    history.add(AFTER, None, SEAL)
    history.add(AFTER, SEAL, None, direction="undo")
    history.add(AFTER, None, SEAL, direction="redo")
    report = changes_since(history.rows, MEETING, document(SEAL), TODAY)
    assert [item.entity_id for item in report.added] == [SEAL.id]


def test_edit_undone_is_not_changed():
    """A text edit undone after the meeting leaves the card unchanged."""
    edited = dataclasses.replace(SEAL, text="Seal leaks badly")
    history = History()
    history.add(BEFORE, None, SEAL)
    history.add(AFTER, SEAL, edited)
    history.add(AFTER, edited, SEAL, direction="undo")
    assert changes_since(history.rows, MEETING, document(SEAL), TODAY).is_empty


def test_changed_actions_in_words():
    """Status, due date, owner and text changes of an action are described in words."""
    later = dataclasses.replace(FIX, what="Replace both seals", status=ActionStatus.IN_PROGRESS,
                                due=date(2024, 5, 27), owner_id=BOB.id)
    history = History()
    history.add(BEFORE, None, FIX)
    history.add(AFTER, FIX, dataclasses.replace(FIX, status=ActionStatus.IN_PROGRESS))
    history.add(AFTER, dataclasses.replace(FIX, status=ActionStatus.IN_PROGRESS), later)
    report = changes_since(history.rows, MEETING, document(ANN, BOB, SEAL, later), TODAY)
    assert len(report.changed) == 1
    assert report.changed[0].title == "Replace both seals (Bob)"
    assert report.changed[0].details == ("status open → in progress", "due moved 2024-05-20 → 2024-05-27",
                                         "text edited", "owner Ann → Bob")


def test_changed_cards_in_words_but_not_moves():
    """A card's text and category edits are reported; a move on the map alone is not."""
    moved = dataclasses.replace(GUARD, x=500, y=80)
    edited = dataclasses.replace(SEAL, text="Seal leaks at start-up", category="Breakdowns")
    history = History()
    history.add(AFTER, GUARD, moved)
    history.add(AFTER, SEAL, edited)
    report = changes_since(history.rows, MEETING, document(moved, edited), TODAY)
    assert texts(report.changed) == ["T1 Seal leaks at start-up: text edited; category none → Breakdowns"]


def test_closed_since_the_meeting():
    """An action that reached done after the meeting is closed, not changed; done -> verified is a change."""
    done = dataclasses.replace(FIX, status=ActionStatus.DONE)
    old_done = Action("a-2", "Tighten guard", status=ActionStatus.DONE)
    verified = dataclasses.replace(old_done, status=ActionStatus.VERIFIED)
    history = History()
    history.add(BEFORE, None, FIX)
    history.add(BEFORE, None, old_done)
    history.add(AFTER, FIX, done)
    history.add(AFTER, old_done, verified)
    report = changes_since(history.rows, MEETING, document(ANN, done, verified), TODAY)
    assert texts(report.closed) == ["Replace seal (Ann): open → done"]
    assert texts(report.changed) == ["Tighten guard (no owner): status done → verified"]


def test_added_and_closed_since():
    """An action added and finished after the meeting is both added and closed."""
    done = dataclasses.replace(FIX, status=ActionStatus.DONE)
    history = History()
    history.add(AFTER, None, FIX)
    history.add(AFTER, FIX, done)
    report = changes_since(history.rows, MEETING, document(ANN, done), TODAY)
    assert texts(report.added) == ["Replace seal (Ann): added"]
    assert texts(report.closed) == ["Replace seal (Ann): added, now done"]
    assert report.changed == []


def test_closed_then_undone_is_not_closed():
    """Marking done and undoing it leaves nothing closed."""
    done = dataclasses.replace(FIX, status=ActionStatus.DONE)
    history = History()
    history.add(AFTER, FIX, done)
    history.add(AFTER, done, FIX, direction="undo")
    assert changes_since(history.rows, MEETING, document(ANN, FIX), TODAY).closed == []


def test_newly_overdue_between_meeting_day_and_today():
    """Open actions due from the meeting's day up to yesterday are newly overdue; older or closed ones not."""
    actions = [
        Action("a-old", "Long overdue", due=date(2024, 5, 1)),
        Action("a-day", "Due at the meeting", due=date(2024, 5, 6)),
        Action("a-new", "Due last week", due=date(2024, 5, 10)),
        Action("a-today", "Due today", due=TODAY),
        Action("a-done", "Done late", due=date(2024, 5, 9), status=ActionStatus.DONE),
        Action("a-none", "No date"),
    ]
    report = changes_since([], MEETING, document(*actions), TODAY)
    assert [item.entity_id for item in report.newly_overdue] == ["a-day", "a-new"]
    assert report.newly_overdue[0].details == ("was due 2024-05-06",)


def test_a_meeting_date_means_the_start_of_that_day():
    """Given a date, edits earlier on the meeting's day count; edits the day before do not."""
    day = date(2024, 5, 6)
    start = meeting_start(day)
    history = History()
    history.add(start - timedelta(minutes=1), None, GUARD)
    history.add(start + timedelta(minutes=1), None, SEAL)
    report = changes_since(history.rows, day, document(SEAL, GUARD), TODAY)
    assert [item.entity_id for item in report.added] == [SEAL.id]
    assert report.since == start


def test_entries_may_be_objects():
    """History entries given as objects with attributes work like dicts."""

    class Entry:
        def __init__(self, row: dict[str, object]) -> None:
            self.__dict__.update(row)

    history = History()
    history.add(AFTER, None, SEAL)
    report = changes_since([Entry(row) for row in history.rows], MEETING, document(SEAL), TODAY)
    assert len(report.added) == 1


def test_report_from_a_real_file(service):
    """Edits made through the service after a point in time are reported from the file's own history."""
    ann = service.add_person("Ann")
    seal = service.add_card(CardKind.TROUBLE, 0, 0, "Seal leaks")
    fix = service.add_action("Replace seal", owner_id=ann.id, due=date(2024, 5, 20), card_ids=(seal.id,))
    check = service.add_action("Check guard", due=date.today() + timedelta(days=1))
    clock.sleep(0.005)
    since = datetime.now(UTC)
    clock.sleep(0.005)
    service.update_action(fix.id, status=ActionStatus.DONE)
    service.update_card(seal.id, text="Seal leaks at start-up")
    service.add_card(CardKind.CAUSE, 0, 0, "Worn lip")
    service.undo_stack.undo()  # the cause is not "added"
    guard = service.add_card(CardKind.TROUBLE, 0, 0, "Guard loose")

    later = date.today() + timedelta(days=2)
    report = changes_since(service.file.repository.history(), since, service.document, later)
    assert texts(report.closed) == ["Replace seal (Ann): open → done"]
    assert texts(report.changed) == ["T1 Seal leaks at start-up: text edited"]
    assert [item.entity_id for item in report.added] == [guard.id]
    assert [item.entity_id for item in report.newly_overdue] == [check.id]


@pytest.mark.parametrize("naive", [True, False])
def test_naive_since_is_local_time(naive):
    """A naive ``since`` is read as local time and comes back aware."""
    moment = datetime(2024, 5, 6, 9, 0)
    report = changes_since([], moment if naive else moment.astimezone(), WorkshopDocument(), TODAY)
    assert report.since == moment.astimezone()
