"""Repository: loads a workshop from its file and writes each edit in one durable transaction."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from trouble_mapper.domain.changes import Change
from trouble_mapper.domain.document import WorkshopDocument
from trouble_mapper.domain.model import Background, Card, Workshop
from trouble_mapper.domain.session import Session
from trouble_mapper.domain.vocabulary import CardKind
from trouble_mapper.storage.codec import CODECS, EntityCodec
from trouble_mapper.storage.errors import SaveFailed
from trouble_mapper.storage.schema import COUNTERS_TABLE, HISTORY_TABLE

if TYPE_CHECKING:
    import sqlite_utils

HISTORY_COLUMNS = ("edit", "at", "label", "direction", "entity", "entity_id", "verb", "before", "after")
# Errors Python's sqlite3 raises while binding values it cannot store (lone surrogates, huge integers).
_BINDING_ERRORS = (UnicodeError, OverflowError, ValueError, TypeError)


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


class _Statements:
    """The prepared SQL that writes one entity type: upsert by id, delete by id."""

    def __init__(self, codec: EntityCodec) -> None:
        columns = ", ".join(f'"{name}"' for name in codec.fields)
        marks = ", ".join("?" for _ in codec.fields)
        updates = ", ".join(f'"{name}" = excluded."{name}"' for name in codec.fields if name != "id")
        self.upsert = (f'INSERT INTO "{codec.table}" ({columns}) VALUES ({marks}) '
                       f"ON CONFLICT(id) DO UPDATE SET {updates}")
        self.delete = f'DELETE FROM "{codec.table}" WHERE id = ?'


_STATEMENTS = {entity_type: _Statements(codec) for entity_type, codec in CODECS.items()}
_HISTORY_INSERT = (f"INSERT INTO {HISTORY_TABLE} ({', '.join(HISTORY_COLUMNS)}) "
                   f"VALUES ({', '.join('?' for _ in HISTORY_COLUMNS)})")
_RAISE_HIGH_WATER = (f"INSERT INTO {COUNTERS_TABLE} (kind, high_water) VALUES (?, ?) "
                     "ON CONFLICT(kind) DO UPDATE SET high_water = max(high_water, excluded.high_water)")


class Repository:
    """The only reader and writer of a workshop file's tables.

    Edits are written with prepared statements on the connection (one BEGIN IMMEDIATE ... COMMIT per
    edit, no schema introspection on the hot path); sqlite-utils, on the same connection, does the
    schema work (creating files, migrations) and is only imported when that is needed.
    """

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self.conn = conn
        self.path = path
        self._db: sqlite_utils.Database | None = None
        self._last_edit = conn.execute(f"SELECT coalesce(max(edit), 0) FROM {HISTORY_TABLE}").fetchone()[0]

    @property
    def db(self) -> sqlite_utils.Database:
        """sqlite-utils' view of the same connection, for schema work and inspection."""
        if self._db is None:
            import sqlite_utils

            self._db = sqlite_utils.Database(self.conn, recursive_triggers=False, execute_plugins=False)
        return self._db

    def close(self) -> None:
        self.conn.close()

    def load(self) -> WorkshopDocument:
        """Read the whole workshop into memory."""
        doc = WorkshopDocument()
        for entity_type, codec in CODECS.items():
            columns = ", ".join(f'"{name}"' for name in codec.fields)
            rows = self.conn.execute(f'SELECT {columns} FROM "{codec.table}"').fetchall()
            entities = [codec.from_values(row) for row in rows]
            if entity_type is Workshop:
                doc.workshop = entities[0] if entities else Workshop()
            elif entity_type is Background:
                doc.background = entities[0] if entities else None
            elif entity_type is Session:
                doc.session = entities[0] if entities else Session()
            else:
                collection = doc._collection(entity_type)
                assert collection is not None
                collection.update((e.id, e) for e in entities)
        for kind, high_water in self.conn.execute(f"SELECT kind, high_water FROM {COUNTERS_TABLE}"):
            doc.tag_high_water[CardKind(kind)] = high_water
        return doc

    def write(self, changes: Sequence[Change], label: str, direction: str = "do") -> None:
        """Write ``changes`` and their history rows in one transaction, committed durably.

        Raises SaveFailed (disk full, read-only, value that cannot be stored...) with nothing written.
        """
        edit = self._last_edit + 1
        try:
            statements, history = self._prepare(changes, edit, label, direction)
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                for sql, params in statements:
                    self.conn.execute(sql, params)
                self.conn.executemany(_HISTORY_INSERT, history)
                self.conn.execute("COMMIT")
            except BaseException:
                if self.conn.in_transaction:
                    self.conn.rollback()
                raise
        except sqlite3.Error as error:
            raise SaveFailed(self.path, _reason(error)) from error
        except _BINDING_ERRORS as error:
            raise SaveFailed(self.path, "the edit holds a value that cannot be stored "
                             f"({type(error).__name__})") from error
        self._last_edit = edit

    def _prepare(self, changes: Sequence[Change], edit: int, label: str,
                 direction: str) -> tuple[list[tuple[str, Sequence[Any]]], list[tuple[Any, ...]]]:
        """The statements and history rows for ``changes``, all encoded before the transaction starts."""
        now = datetime.now(UTC).isoformat(timespec="milliseconds")
        statements: list[tuple[str, Sequence[Any]]] = []
        history = []
        for change in changes:
            entity_type = type(change.entity)
            codec = CODECS[entity_type]
            if change.after is None:
                statements.append((_STATEMENTS[entity_type].delete, (change.entity.id,)))
            else:
                statements.append((_STATEMENTS[entity_type].upsert, codec.to_values(change.after)))
                if isinstance(change.after, Card):
                    statements.append((_RAISE_HIGH_WATER, (change.after.kind.value, change.after.number)))
            history.append((
                edit, now, label, direction, codec.table, change.entity.id, change.verb,
                None if change.before is None else codec.to_history_json(change.before),
                None if change.after is None else codec.to_history_json(change.after),
            ))
        return statements, history

    def history(self, since_edit: int = 0) -> list[HistoryEntry]:
        """History rows after edit number ``since_edit``, oldest first."""
        rows = self.conn.execute(
            f"SELECT {', '.join(HISTORY_COLUMNS)} FROM {HISTORY_TABLE} WHERE edit > ? ORDER BY id",
            [since_edit]).fetchall()
        return [HistoryEntry(*row) for row in rows]

    def copy_to(self, target: Path) -> None:
        """Write a consistent copy of the whole file to ``target`` (SQLite's backup API)."""
        destination = sqlite3.connect(target)
        try:
            with destination:
                self.conn.backup(destination)
        finally:
            destination.close()


def _reason(error: sqlite3.Error) -> str:
    """Why a write failed, in the user's words."""
    text = str(error).lower()
    if "full" in text:
        return "the disk is full"
    if "readonly" in text or "read-only" in text:
        return "the file can no longer be written (read-only)"
    if "locked" in text or "busy" in text:
        return "another program is holding the file"
    return "the file could not be written (disk or file error)"
