"""Schema of the .troublemap file: its marks (application_id, user_version) and migrations."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from trouble_mapper.storage.codec import CODECS

if TYPE_CHECKING:
    import sqlite_utils

APPLICATION_ID = 0x54524D50  # "TRMP" in the SQLite header: marks the file as ours
SCHEMA_VERSION = 3

HISTORY_TABLE = "history"
COUNTERS_TABLE = "tag_counters"

Migration = Callable[["sqlite_utils.Database"], None]


def create_schema(db: sqlite_utils.Database) -> None:
    """Create every table of the current version in an empty database and mark the file."""
    with db.atomic():
        for codec in CODECS.values():
            db[codec.table].create(codec.columns, pk="id")
        db[HISTORY_TABLE].create({
            "id": int, "edit": int, "at": str, "label": str, "direction": str,
            "entity": str, "entity_id": str, "verb": str, "before": str, "after": str,
        }, pk="id")
        db[HISTORY_TABLE].create_index(["edit"])
        db[COUNTERS_TABLE].create({"kind": str, "high_water": int}, pk="kind")
        mark(db, SCHEMA_VERSION)


def mark(db: sqlite_utils.Database, version: int) -> None:
    """Write the application id and format version into the file header (inside the caller's
    transaction, so a step and its version number are committed together)."""
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    db.execute(f"PRAGMA user_version = {int(version)}")


TABLES_ADDED_IN: dict[int, set[str]] = {2: {"votes"}, 3: {"session"}}  # format -> tables it brought


def expected_tables(version: int | None = None) -> set[str]:
    """The tables a file of format ``version`` (the current one by default) must have."""
    version = SCHEMA_VERSION if version is None else version
    later = {table for added, tables in TABLES_ADDED_IN.items() if added > version for table in tables}
    return ({codec.table for codec in CODECS.values()} | {HISTORY_TABLE, COUNTERS_TABLE}) - later


# MIGRATIONS[n] upgrades a version-n file to version n + 1. Each runs in one transaction,
# after a backup copy of the file has been written next to it (see workshop_file.migrate).
def _votes_by_name(db: sqlite_utils.Database) -> None:
    """Format 2: dots per person on the workshop, and the dots each person put on each card."""
    db["workshop"].add_column("dots_per_person", int, not_null_default=5)
    db["votes"].create({"id": str, "card_id": str, "person_id": str, "dots": int}, pk="id")


def _session(db: sqlite_utils.Database) -> None:
    """Format 3: the running session (phase and time box), so a restart resumes the workshop."""
    db["session"].create({"id": str, "phase": str, "timebox_s": int, "started_at": float, "elapsed_s": float},
                         pk="id")


MIGRATIONS: dict[int, Migration] = {1: _votes_by_name, 2: _session}
