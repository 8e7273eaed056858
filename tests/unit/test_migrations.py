"""Upgrading an older workshop file: backup first, migrations in order, all or nothing.

The files are real workshops of the current format V made by create_workshop; the schema version and
the migration table are patched to pretend a newer Trouble Mapper (V + 1, V + 2) is opening them. The
last test upgrades a genuine format-1 file with the real migrations.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import sqlite_utils

from trouble_mapper.domain.changes import Change
from trouble_mapper.domain.model import Card, Workshop, new_id
from trouble_mapper.domain.vocabulary import CardKind
from trouble_mapper.storage import schema
from trouble_mapper.storage.errors import WorkshopFileError
from trouble_mapper.storage.workshop_file import backup_path_for, create_workshop, open_workshop

V = schema.SCHEMA_VERSION


@pytest.fixture
def old_file(tmp_path) -> Path:
    """A closed workshop of the current format holding a card, made before any patching."""
    path = tmp_path / "Line 4.troublemap"
    created = create_workshop(path, Workshop(title="Line 4"))
    try:
        created.repository.write([Change(None, Card(new_id(), CardKind.TROUBLE, 1, text="Jams"))],
                                 "Add trouble T1")
    finally:
        created.close()
    assert user_version(path) == V
    return path


def user_version(path: Path) -> int:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return conn.execute("PRAGMA user_version").fetchone()[0]
    finally:
        conn.close()


def columns(path: Path, table: str) -> list[str]:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return [row[1] for row in conn.execute(f'PRAGMA table_info("{table}")')]
    finally:
        conn.close()


def pretend_newer(monkeypatch, version: int, migrations: dict) -> None:
    monkeypatch.setattr(schema, "SCHEMA_VERSION", version)
    monkeypatch.setattr(schema, "MIGRATIONS", migrations)


def test_migration_upgrades_the_file_after_a_byte_identical_backup(monkeypatch, old_file):
    """The file ends at format V + 1 with the migration's column; the backup is the untouched original."""
    original = old_file.read_bytes()
    backup = backup_path_for(old_file, V)
    seen_at_migration = []

    def add_colour(db: sqlite_utils.Database) -> None:
        seen_at_migration.append(backup.exists() and backup.read_bytes() == original)
        db["cards"].add_column("colour", str)
        db.execute("UPDATE cards SET colour = 'yellow'")

    pretend_newer(monkeypatch, V + 1, {V: add_colour})
    opened = open_workshop(old_file)
    try:
        assert opened.document.workshop.title == "Line 4"
        assert [c.tag for c in opened.document.cards.values()] == ["T1"]
        assert not opened.read_only
    finally:
        opened.close()

    assert seen_at_migration == [True], "the backup must be complete before the migration runs"
    assert user_version(old_file) == V + 1
    assert "colour" in columns(old_file, "cards")
    assert backup.name == f"Line 4 (backup before format {V + 1}).troublemap"
    assert backup.read_bytes() == original
    assert user_version(backup) == V


def test_migrated_file_opens_again_without_migrating_twice(monkeypatch, old_file):
    """A file already upgraded is opened as it is: the migration does not run a second time."""
    runs = []
    pretend_newer(monkeypatch, V + 1, {V: lambda db: runs.append(db["cards"].add_column("colour", str))})
    open_workshop(old_file).close()
    backup = backup_path_for(old_file, V)
    backup_time = backup.stat().st_mtime_ns
    reopened = open_workshop(old_file)
    try:
        assert reopened.document.workshop.title == "Line 4"
    finally:
        reopened.close()
    assert len(runs) == 1
    assert backup.stat().st_mtime_ns == backup_time


def test_migrations_run_in_order_from_the_file_version(monkeypatch, old_file):
    """V -> V + 2 runs migration V then V + 1 (which builds on it) and keeps one backup of the original."""
    original = old_file.read_bytes()
    order = []

    def first(db):
        order.append(1)
        db["photos"].create({"id": str, "card_id": str}, pk="id")

    def second(db):
        order.append(2)
        db["photos"].add_column("caption", str)

    pretend_newer(monkeypatch, V + 2, {V + 1: second, V: first})
    open_workshop(old_file).close()
    assert order == [1, 2]
    assert user_version(old_file) == V + 2
    assert columns(old_file, "photos") == ["id", "card_id", "caption"]
    assert backup_path_for(old_file, V).read_bytes() == original
    assert not backup_path_for(old_file, V + 1).exists()


def _raise_runtime_error(db):
    db["cards"].add_column("colour", str)
    raise RuntimeError("migration bug")


def _run_bad_sql(db):
    db["cards"].add_column("colour", str)
    db.execute("ALTER TABLE no_such_table ADD COLUMN x")


FAILING_MIGRATIONS = [
    pytest.param(_raise_runtime_error, id="python-error"),
    pytest.param(_run_bad_sql, id="sql-error"),
]


@pytest.mark.parametrize("migration", FAILING_MIGRATIONS)
def test_failed_migration_leaves_the_original_usable(monkeypatch, old_file, migration):
    """A migration that fails half-way is rolled back: still format V, no new column, backup kept."""
    original = old_file.read_bytes()
    before = open_workshop(old_file, read_only=True)
    before.close()
    pretend_newer(monkeypatch, V + 1, {V: migration})

    with pytest.raises((WorkshopFileError, RuntimeError)):
        open_workshop(old_file)

    assert user_version(old_file) == V
    assert "colour" not in columns(old_file, "cards")
    assert old_file.read_bytes() == original
    assert backup_path_for(old_file, V).read_bytes() == original
    monkeypatch.undo()  # back to this version: the file opens for editing (the lock was freed)
    again = open_workshop(old_file)
    try:
        assert again.document.same_content(before.document)
    finally:
        again.close()


@pytest.mark.parametrize("migration", [
    pytest.param(_raise_runtime_error, id="python-error"),
    pytest.param(_run_bad_sql, id="sql-error"),
])
def test_failed_migration_reports_a_clear_error(monkeypatch, old_file, migration):
    """The user gets a WorkshopFileError naming the file that says the upgrade failed, not 'damaged'."""
    pretend_newer(monkeypatch, V + 1, {V: migration})
    with pytest.raises(WorkshopFileError) as raised:
        open_workshop(old_file)
    message = str(raised.value)
    assert old_file.name in message
    assert "damaged" not in message.lower()


def test_failure_recording_the_new_version_rolls_the_step_back(monkeypatch, old_file):
    """If writing the new version fails after a step, the step is undone, so a retry can succeed."""
    real_mark = schema.mark

    def failing_mark(db, version):
        raise sqlite3.OperationalError("disk I/O error")

    pretend_newer(monkeypatch, V + 1, {V: lambda db: db["cards"].add_column("colour", str)})
    monkeypatch.setattr(schema, "mark", failing_mark)
    with pytest.raises(WorkshopFileError):
        open_workshop(old_file)
    assert user_version(old_file) == V
    assert "colour" not in columns(old_file, "cards"), "half-migrated: new column, old version"

    monkeypatch.setattr(schema, "mark", real_mark)
    open_workshop(old_file).close()  # the retry
    assert user_version(old_file) == V + 1


def format_2_file(path: Path) -> Path:
    """A genuine format-2 workshop: no session table (phase and time box)."""
    create_workshop(path, Workshop(title="Old line")).close()
    conn = sqlite3.connect(path)
    conn.execute("DROP TABLE session")
    conn.execute("PRAGMA user_version = 2")
    conn.commit()
    conn.close()
    return path


def format_1_file(path: Path) -> Path:
    """A genuine format-1 workshop: no votes table, no dots-per-person setting (and no session)."""
    format_2_file(path)
    conn = sqlite3.connect(path)
    conn.execute("DROP TABLE votes")
    conn.execute("ALTER TABLE workshop DROP COLUMN dots_per_person")
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()
    return path


def test_a_format_1_file_read_without_writing_is_upgraded_in_memory_only(tmp_path):
    """Read-only (and info/export) opens of an older file show it without touching or copying it."""
    from io import StringIO

    from trouble_mapper import cli

    path = format_1_file(tmp_path / "Old line.troublemap")
    original = path.read_bytes()
    opened = open_workshop(path, read_only=True)
    try:
        assert opened.read_only and opened.document.workshop.title == "Old line"
        assert opened.document.workshop.dots_per_person == 5
    finally:
        opened.close()
    out = StringIO()
    assert cli.run(["info", str(path)], out, StringIO()) == 0 and "Old line" in out.getvalue()
    assert path.read_bytes() == original and not backup_path_for(path, 1).exists()


def test_a_format_1_file_gets_dots_per_person_and_votes(tmp_path):
    """The real migration 1 -> 2: a genuine format-1 file (no votes table, no dots setting) upgrades."""
    path = format_1_file(tmp_path / "Old line.troublemap")
    opened = open_workshop(path)
    try:
        assert opened.document.workshop.dots_per_person == 5
        assert opened.document.votes == {}
    finally:
        opened.close()
    assert user_version(path) == schema.SCHEMA_VERSION
    assert columns(path, "votes") == ["id", "card_id", "person_id", "dots"]
    assert user_version(backup_path_for(path, 1)) == 1


def test_a_format_2_file_gets_a_session_in_the_first_phase(tmp_path):
    """The real migration 2 -> 3: the session table (phase, time box) is added, starting at Frame."""
    from trouble_mapper.domain.session import Phase, Session

    path = format_2_file(tmp_path / "Old line.troublemap")
    opened = open_workshop(path)
    try:
        assert opened.document.session == Session() and opened.document.session.phase is Phase.FRAME
    finally:
        opened.close()
    assert user_version(path) == 3
    assert columns(path, "session") == ["id", "phase", "timebox_s", "started_at", "elapsed_s"]
