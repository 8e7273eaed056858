"""CSV exports for spreadsheets: the register of cards and the action plan.

Cells that a spreadsheet would run as a formula (a leading ``=``, ``+``, ``-``, ``@``, tab or carriage
return, per OWASP's CSV injection guidance) get a leading apostrophe; so does text that already starts
with apostrophes before such a character, so that ``csv_import`` can take exactly one apostrophe off and
give back the text as typed. Numbers in numeric columns are written plainly, negative ones included.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path

from trouble_mapper.atomic_file import write_atomically
from trouble_mapper.domain import rules
from trouble_mapper.domain.document import WorkshopDocument
from trouble_mapper.domain.model import Action, Card
from trouble_mapper.domain.vocabulary import CardKind

REGISTER_COLUMNS: tuple[str, ...] = (
    "Tag", "Kind", "Text", "Details", "Category", "Fix route", "Zone", "Votes", "Impact", "Effort",
    "Severity", "Frequency", "Risk", "Causes (tags)", "Actions (count)")
PLAN_COLUMNS: tuple[str, ...] = (
    "Cards (tags)", "What", "Owner", "Supporters", "Due (ISO)", "Status", "Overdue (yes/no)", "Check",
    "Needs standard")

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """``text`` with a leading apostrophe when a spreadsheet could read it as a formula.

    Text made of apostrophes followed by a trigger also gets one, so the rule can be undone exactly
    (see ``csv_import.restore``).
    """
    if text and text.lstrip("'").startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def number_cell(value: int | None) -> str:
    """A numeric column's cell: the plain number (negative ones too), or empty."""
    return "" if value is None else str(value)


def yes_no(flag: bool) -> str:
    return "yes" if flag else "no"


def _to_csv(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)  # excel dialect: comma, double quotes, CRLF between records
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def register_rows(doc: WorkshopDocument) -> list[list[str]]:
    """One row per card, in tag order (troubles, causes, countermeasures, notes), under REGISTER_COLUMNS."""
    causes: dict[str, list[Card]] = {}
    for link in doc.links.values():
        cause = doc.cards.get(link.cause_id)
        if cause is not None:
            causes.setdefault(link.effect_id, []).append(cause)
    action_counts: dict[str, int] = {}
    for action in doc.actions.values():
        for card_id in set(action.card_ids):
            action_counts[card_id] = action_counts.get(card_id, 0) + 1
    order = {kind: i for i, kind in enumerate(CardKind)}
    rows = []
    for card in doc.cards_in_tag_order():
        zone = doc.zones.get(card.zone_id) if card.zone_id else None
        scores = card.scores
        cause_tags = ", ".join(c.tag for c in sorted(causes.get(card.id, ()),
                                                     key=lambda c: (order[c.kind], c.number)))
        rows.append([
            neutralise(card.tag), neutralise(card.kind.label), neutralise(card.text),
            neutralise(card.details), neutralise(card.category), neutralise(card.fix_route),
            neutralise(zone.name if zone else ""), number_cell(card.votes), number_cell(scores.impact),
            number_cell(scores.effort), number_cell(scores.severity), number_cell(scores.frequency),
            number_cell(rules.risk(scores)), neutralise(cause_tags),
            number_cell(action_counts.get(card.id, 0)),
        ])
    return rows


def _plan_order(doc: WorkshopDocument, action: Action) -> tuple:
    owner = doc.people.get(action.owner_id) if action.owner_id else None
    return (action.due is None, action.due or date.max, owner.name.casefold() if owner else "\uffff",
            action.what.casefold())


def plan_rows(doc: WorkshopDocument, today: date) -> list[list[str]]:
    """One row per action, by due date (undated last), then owner and text, under PLAN_COLUMNS."""
    overdue = {a.id for a in doc.overdue_actions(today)}
    tag_order = {card.id: i for i, card in enumerate(doc.cards_in_tag_order())}

    def name(person_id: str | None) -> str:
        person = doc.people.get(person_id) if person_id else None
        return person.name if person else ""

    rows = []
    for action in sorted(doc.actions.values(), key=lambda a: _plan_order(doc, a)):
        card_ids = sorted((cid for cid in action.card_ids if cid in doc.cards), key=tag_order.__getitem__)
        rows.append([
            neutralise(", ".join(doc.cards[cid].tag for cid in card_ids)), neutralise(action.what),
            neutralise(name(action.owner_id)),
            neutralise("; ".join(filter(None, (name(pid) for pid in action.supporter_ids)))),
            action.due.isoformat() if action.due else "", neutralise(action.status.label),
            yes_no(action.id in overdue), neutralise(action.check), yes_no(action.needs_standard),
        ])
    return rows


def register_csv(doc: WorkshopDocument, today: date) -> str:
    """The register of every card as CSV text (CRLF line ends; write it with ``write_csv``).

    ``today`` is accepted for symmetry with ``actions_csv``; the register does not depend on it.
    """
    del today
    return _to_csv(REGISTER_COLUMNS, register_rows(doc))


def actions_csv(doc: WorkshopDocument, today: date) -> str:
    """The action plan as CSV text; an action is overdue when due before ``today`` and not closed."""
    return _to_csv(PLAN_COLUMNS, plan_rows(doc, today))


def write_csv(path: Path | str, text: str) -> None:
    """Write CSV ``text`` to ``path`` as UTF-8 with a byte-order mark (so Excel reads it as UTF-8).

    The text is written to a temporary file beside ``path``, flushed to disk, then renamed over
    ``path``: a reader never sees half a file. Raises OSError (nothing is left behind) when it cannot.
    """
    write_atomically(path, text.encode("utf-8-sig"))  # newline="" in csv: the text holds its own CRLFs
