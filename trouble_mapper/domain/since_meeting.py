"""What happened since the last meeting, worked out from the file's history of edits.

Pure Python: history entries come in as plain objects or dicts with the fields of the history table
(``edit, at, label, direction, entity, entity_id, verb, before, after``; before/after are JSON rows).
Undo and redo rows count by their effect: each entity's state before its first row after ``since`` is
compared with its state now, so a card added and then undone was never "added".
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

from trouble_mapper.domain.document import WorkshopDocument
from trouble_mapper.domain.model import Action, Card, Meeting
from trouble_mapper.domain.vocabulary import ActionStatus, CardKind

CARDS_TABLE, ACTIONS_TABLE = "cards", "actions"
LAYOUT_FIELDS = frozenset({"id", "x", "y", "width", "height"})  # moving a card is not news for the room
ARROW = "→"

Row = dict[str, Any]


@dataclass(frozen=True, slots=True)
class ReportItem:
    """One card or action in the report: what it is called now and what happened to it, in words."""

    entity: str  # "card" or "action"
    entity_id: str
    title: str
    details: tuple[str, ...] = ()

    def as_text(self) -> str:
        """One line for the room: the title, then what changed."""
        return f"{self.title}: {'; '.join(self.details)}" if self.details else self.title


@dataclass(frozen=True, slots=True)
class SinceReport:
    """Cards and actions added, changed and closed since a point in time, and actions newly overdue."""

    since: datetime
    today: date
    added: list[ReportItem] = field(default_factory=list)
    changed: list[ReportItem] = field(default_factory=list)
    closed: list[ReportItem] = field(default_factory=list)
    newly_overdue: list[ReportItem] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.changed or self.closed or self.newly_overdue)


def meeting_start(day: date) -> datetime:
    """The start (local midnight) of a meeting's day, as an aware datetime."""
    return datetime.combine(day, time()).astimezone()


def last_meeting_before(meetings: Iterable[Meeting], today: date) -> Meeting | None:
    """The latest meeting held before ``today`` (today's own meeting is the one running now)."""
    earlier = [m for m in meetings if m.date < today]
    return max(earlier, key=lambda m: (m.date, m.id), default=None)


def changes_since(entries: Iterable[Any], since: datetime | date, doc: WorkshopDocument,
                  today: date) -> SinceReport:
    """Report what changed after ``since`` (a meeting's date means the start of that day).

    ``entries`` are history rows oldest first; ``doc`` is the workshop as it is now. A naive ``since``
    is local time; a naive history timestamp is UTC (the file writes UTC).
    """
    start = meeting_start(since) if not isinstance(since, datetime) else _aware(since, local=True)
    net = _net_changes(entries, start)
    report = SinceReport(start, today)
    names = _Names(doc)
    for (table, entity_id), (before, after) in net.items():
        if table == CARDS_TABLE:
            _report_card(report, doc.cards.get(entity_id), before, after, names)
        elif table == ACTIONS_TABLE:
            _report_action(report, doc.actions.get(entity_id), before, after, names)
    report.newly_overdue.extend(names.action_item(a, (f"was due {a.due.isoformat()}",))
                                for a in _newly_overdue(doc, start.astimezone().date(), today))
    return report


# Reading history.


def _field(entry: Any, name: str) -> Any:
    return entry[name] if isinstance(entry, Mapping) else getattr(entry, name)


def _aware(moment: datetime, *, local: bool) -> datetime:
    if moment.tzinfo is not None:
        return moment
    return moment.astimezone() if local else moment.replace(tzinfo=UTC)


def _row(value: str | Row | None) -> Row | None:
    return json.loads(value) if isinstance(value, str) else value


Net = dict[tuple[str, str], tuple[Row | None, Row | None]]


def _net_changes(entries: Iterable[Any], start: datetime) -> Net:
    """(table, id) -> (state before its first row at or after ``start``, state after its last row)."""
    net: Net = {}
    for entry in entries:
        at = _aware(datetime.fromisoformat(_field(entry, "at")), local=False)
        if at < start:
            continue
        key = (_field(entry, "entity"), _field(entry, "entity_id"))
        first_before = net[key][0] if key in net else _row(_field(entry, "before"))
        net[key] = (first_before, _row(_field(entry, "after")))
    return net


def _newly_overdue(doc: WorkshopDocument, since_day: date, today: date) -> list[Action]:
    """Open actions whose due date fell on or after the meeting's day and before today."""
    late = [a for a in doc.actions.values()
            if a.due is not None and since_day <= a.due < today and not a.status.is_closed]
    return sorted(late, key=lambda a: (a.due, a.what))


# Cards.


def _report_card(report: SinceReport, card: Card | None, before: Row | None, after: Row | None,
                 names: _Names) -> None:
    if card is None or after is None:
        return  # gone now (deleted, or added and undone)
    if before is None:
        report.added.append(names.card_item(card, ("added",)))
        return
    details = _card_details(before, after, names)
    if details:
        report.changed.append(names.card_item(card, details))


def _card_details(before: Row, after: Row, names: _Names) -> tuple[str, ...]:
    words = []
    if before.get("kind") != after.get("kind"):
        old_tag = f"{CardKind(before['kind']).prefix}{before.get('number')}"
        words.append(f"was {old_tag}, now a {CardKind(after['kind']).value}")
    for name, label in (("text", "text"), ("details", "details")):
        if before.get(name) != after.get(name):
            words.append(f"{label} edited")
    for name, label in (("category", "category"), ("fix_route", "fix route")):
        if before.get(name) != after.get(name):
            words.append(_moved(label, before.get(name) or "none", after.get(name) or "none"))
    if before.get("zone_id") != after.get("zone_id"):
        words.append(_moved("zone", names.zone(before.get("zone_id")), names.zone(after.get("zone_id"))))
    if before.get("votes") != after.get("votes"):
        words.append(_moved("votes", before.get("votes"), after.get("votes")))
    if before.get("scores") != after.get("scores"):
        words.append("scores changed")
    return tuple(words)


# Actions.


def _report_action(report: SinceReport, action: Action | None, before: Row | None, after: Row | None,
                   names: _Names) -> None:
    if action is None or after is None:
        return
    was_closed = before is not None and ActionStatus(before["status"]).is_closed
    if before is None:
        report.added.append(names.action_item(action, ("added",)))
    if action.status.is_closed and not was_closed:
        new = action.status.label.lower()
        old = ActionStatus(before["status"]).label.lower() if before else None
        words = f"{old} {ARROW} {new}" if old else f"added, now {new}"
        report.closed.append(names.action_item(action, (words,)))
    elif before is not None:
        details = _action_details(before, after, names)
        if details:
            report.changed.append(names.action_item(action, details))


def _action_details(before: Row, after: Row, names: _Names) -> tuple[str, ...]:
    words = []
    changed = {key for key in after if key not in LAYOUT_FIELDS and before.get(key) != after.get(key)}
    if "status" in changed:
        old, new = (ActionStatus(row["status"]).label.lower() for row in (before, after))
        words.append(f"status {old} {ARROW} {new}")
    if "due" in changed:
        words.append(_due_words(before.get("due"), after.get("due")))
    if "what" in changed:
        words.append("text edited")
    if "owner_id" in changed:
        words.append(_moved("owner", names.person(before.get("owner_id")),
                            names.person(after.get("owner_id"))))
    if "supporter_ids" in changed:
        words.append("supporters changed")
    if "card_ids" in changed:
        words.append(_moved("cards", names.tags(before.get("card_ids")), names.tags(after.get("card_ids"))))
    for name, text in (("check", "check edited"), ("where", "place edited")):
        if name in changed:
            words.append(text)
    if "needs_standard" in changed:
        words.append("needs a standard" if after.get("needs_standard") else "no longer needs a standard")
    return tuple(words)


def _due_words(old: str | None, new: str | None) -> str:
    if old is None:
        return f"due date set to {new}"
    if new is None:
        return f"due date removed (was {old})"
    return f"due moved {old} {ARROW} {new}"


def _moved(label: str, old: object, new: object) -> str:
    return f"{label} {old} {ARROW} {new}"


class _Names:
    """What ids are called now: people's names, card tags, zone names."""

    def __init__(self, doc: WorkshopDocument) -> None:
        self.doc = doc

    def person(self, person_id: str | None) -> str:
        if person_id is None:
            return "nobody"
        person = self.doc.people.get(person_id)
        return person.name if person else "someone removed"

    def zone(self, zone_id: str | None) -> str:
        zone = self.doc.zones.get(zone_id) if zone_id else None
        return zone.name if zone else "none"

    def tags(self, card_ids: str | list[str] | None) -> str:
        ids = json.loads(card_ids) if isinstance(card_ids, str) else (card_ids or [])
        tags = [self.doc.cards[cid].tag for cid in ids if cid in self.doc.cards]
        return ", ".join(tags) or "none"

    def card_item(self, card: Card, details: tuple[str, ...]) -> ReportItem:
        title = f"{card.tag} {card.text}".strip()
        return ReportItem("card", card.id, _one_line(title), details)

    def action_item(self, action: Action, details: tuple[str, ...]) -> ReportItem:
        owner = f" ({self.person(action.owner_id)})" if action.owner_id else " (no owner)"
        return ReportItem("action", action.id, _one_line(action.what) + owner, details)


def _one_line(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"
