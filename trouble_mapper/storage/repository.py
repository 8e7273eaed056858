"""Repository: loads a workshop from its file and writes each edit in one durable transaction."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils

from trouble_mapper.domain.changes import Change
from trouble_mapper.domain.document import WorkshopDocument
from trouble_mapper.domain.model import Background, Card, Workshop
from trouble_mapper.domain.vocabulary import CardKind
from trouble_mapper.storage.codec import CODECS
from trouble_mapper.storage.schema import COUNTERS_TABLE, HISTORY_TABLE


@dataclass(frozen=True)
class HistoryEntry:
    """One row of the history table: one entity changed by one edit."""

    edit: int
    at: str
    label: str
    direction: str
    entity: str
    entity_id: str
    verb: str
    before: str | None
    after: str | None


class Repository:
    """The only reader and writer of a workshop file's tables."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db
        self._last_edit = db.execute(f"SELECT coalesce(max(edit), 0) FROM {HISTORY_TABLE}").fetchone()[0]

    def load(self) -> WorkshopDocument:
        """Read the whole workshop into memory."""
        doc = WorkshopDocument()
        for entity_type, codec in CODECS.items():
            columns = ", ".join(f'"{name}"' for name in codec.fields)
            rows = self.db.execute(f'SELECT {columns} FROM "{codec.table}"').fetchall()
            entities = [codec.from_values(row) for row in rows]
            if entity_type is Workshop:
                doc.workshop = entities[0] if entities else Workshop()
            elif entity_type is Background:
                doc.background = entities[0] if entities else None
            else:
                collection = doc._collection(entity_type)
                assert collection is not None
                collection.update((e.id, e) for e in entities)
        for kind, high_water in self.db.execute(f"SELECT kind, high_water FROM {COUNTERS_TABLE}"):
            doc.tag_high_water[CardKind(kind)] = high_water
        return doc

    def write(self, changes: Sequence[Change], label: str, direction: str = "do") -> None:
        """Write ``changes`` and their history rows in one transaction, committed durably.

        Raises sqlite3.Error (disk full, read-only...) with nothing written.
        """
        now = datetime.now(UTC).isoformat(timespec="milliseconds")
        edit = self._last_edit + 1
        history = []
        with self.db.atomic():
            for change in changes:
                codec = CODECS[type(change.entity)]
                table = self.db[codec.table]
                if change.after is None:
                    table.delete(change.entity.id)  # type: ignore[union-attr]
                else:
                    table.upsert(codec.to_row(change.after), pk="id")
                    if isinstance(change.after, Card):
                        self._raise_high_water(change.after)
                history.append({
                    "edit": edit, "at": now, "label": label, "direction": direction,
                    "entity": codec.table, "entity_id": change.entity.id, "verb": change.verb,
                    "before": None if change.before is None else codec.to_history_json(change.before),
                    "after": None if change.after is None else codec.to_history_json(change.after),
                })
            self.db[HISTORY_TABLE].insert_all(history)
        self._last_edit = edit

    def _raise_high_water(self, card: Card) -> None:
        self.db.execute(
            f"INSERT INTO {COUNTERS_TABLE} (kind, high_water) VALUES (?, ?) "
            "ON CONFLICT(kind) DO UPDATE SET high_water = max(high_water, excluded.high_water)",
            [card.kind.value, card.number])

    def history(self, since_edit: int = 0) -> list[HistoryEntry]:
        """History rows after edit number ``since_edit``, oldest first."""
        rows = self.db.execute(
            f"SELECT edit, at, label, direction, entity, entity_id, verb, before, after "
            f"FROM {HISTORY_TABLE} WHERE edit > ? ORDER BY id", [since_edit]).fetchall()
        return [HistoryEntry(*row) for row in rows]

    def copy_to(self, target: Path) -> None:
        """Write a consistent copy of the whole file to ``target`` (SQLite's backup API)."""
        destination = sqlite3.connect(target)
        try:
            with destination:
                self.db.conn.backup(destination)
        finally:
            destination.close()


