"""Opening, creating and closing .troublemap files, with every check done before anything is written."""

from __future__ import annotations

import os
import shutil
import sqlite3
import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from trouble_mapper.domain.changes import Change
from trouble_mapper.domain.document import WorkshopDocument
from trouble_mapper.domain.model import Workshop
from trouble_mapper.storage import schema
from trouble_mapper.storage.errors import (
    AlreadyOpen,
    DamagedFile,
    NewerVersionFile,
    NotAWorkshopFile,
    SaveFailed,
    WorkshopFileError,
)
from trouble_mapper.storage.lock import EditLock
from trouble_mapper.storage.repository import Repository

if TYPE_CHECKING:
    import sqlite_utils

SQLITE_MAGIC = b"SQLite format 3\x00"


@dataclass(frozen=True)
class FileHeader:
    """What the first 100 bytes of an SQLite file say about it."""

    user_version: int
    application_id: int


@dataclass
class WorkshopFile:
    """An open workshop file: its repository, the loaded document, and whether it may be written."""

    path: Path
    repository: Repository
    document: WorkshopDocument
    read_only: bool
    read_only_reason: str = ""
    _lock: EditLock | None = field(default=None, repr=False)

    def close(self) -> None:
        """Close the connection and free the edit lock. Safe to call twice."""
        self.repository.close()
        if self._lock is not None:
            self._lock.release()
            self._lock = None


def read_header(path: Path) -> FileHeader:
    """Check the file looks like one of ours from its header alone, reading and changing nothing else.

    Raises WorkshopFileError (missing, unreadable), NotAWorkshopFile, NewerVersionFile.
    """
    try:
        with open(path, "rb") as stream:
            head = stream.read(100)
    except FileNotFoundError:
        raise WorkshopFileError(path, "does not exist (it may have been moved or deleted).") from None
    except IsADirectoryError:
        raise WorkshopFileError(path, "is a folder, not a workshop file.") from None
    except PermissionError:
        raise WorkshopFileError(path, "cannot be read: you do not have permission to open it.") from None
    except OSError as error:
        raise WorkshopFileError(path, f"cannot be read ({error.strerror or error}).") from None
    if not head:
        raise NotAWorkshopFile(path, "is empty: it is not a Trouble Mapper workshop.")
    if len(head) < 100 or not head.startswith(SQLITE_MAGIC):
        raise NotAWorkshopFile(path, "is not a Trouble Mapper workshop (it is not a database file).")
    user_version, = struct.unpack(">i", head[60:64])
    application_id, = struct.unpack(">i", head[68:72])
    if application_id != schema.APPLICATION_ID:
        raise NotAWorkshopFile(path, "is another application's database, not a Trouble Mapper workshop.")
    if user_version > schema.SCHEMA_VERSION:
        raise NewerVersionFile(
            path, f"was saved by a newer version of Trouble Mapper (file format {user_version}; this "
            f"version reads up to {schema.SCHEMA_VERSION}). Update Trouble Mapper to open it. "
            "The file has not been changed.")
    return FileHeader(user_version, application_id)


def _connect(path: Path, read_only: bool) -> sqlite3.Connection:
    if read_only:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    else:
        conn = sqlite3.connect(path)
    conn.execute("PRAGMA trusted_schema = OFF")
    if not read_only:
        conn.execute("PRAGMA journal_mode = DELETE")  # no -wal side file: a copy holds every edit
        conn.execute("PRAGMA synchronous = FULL")
    return conn


def _upgraded_in_memory(path: Path, version: int) -> sqlite3.Connection:
    """An older file to read without writing it (read-only, or for info/export): its contents copied
    into memory and brought up to this format there; the file itself is left exactly as it is."""
    source = _connect(path, read_only=True)
    memory = sqlite3.connect(":memory:")
    try:
        source.backup(memory)
    finally:
        source.close()
    db = _schema_database(memory)
    for step in range(version, schema.SCHEMA_VERSION):
        with db.atomic():
            schema.MIGRATIONS[step](db)
    return memory


def _schema_database(conn: sqlite3.Connection) -> sqlite_utils.Database:
    """sqlite-utils on ``conn`` for schema work; imported here, off the start-up path."""
    import sqlite_utils

    return sqlite_utils.Database(conn, recursive_triggers=False, execute_plugins=False)


def journal_path_for(path: Path) -> Path:
    return path.with_name(path.name + "-journal")


def _finish_interrupted_save(path: Path, read_only: bool) -> None:
    """Roll back an edit cut short by a crash or power cut (a hot -journal next to the file).

    SQLite restores the file to its last committed state; this needs write access, so a read-only
    file in that state gets a clear message instead.
    """
    journal = journal_path_for(path)
    if not journal.exists():
        return
    if read_only:
        raise DamagedFile(path, f"was closed in the middle of a save (its “{journal.name}” file is still "
                          "there) and must be repaired before it can be read, but it cannot be written "
                          "here. Copy both files to a folder you can write to and open the copy.")
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA schema_version").fetchone()  # the first read rolls the hot journal back
    finally:
        conn.close()


def _check_contents(path: Path, conn: sqlite3.Connection, version: int) -> None:
    """quick_check plus the tables we need. Raises DamagedFile."""
    try:
        result = [row[0] for row in conn.execute("PRAGMA quick_check").fetchall()]
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as error:
        raise DamagedFile(path, f"is damaged and cannot be opened ({error}).") from None
    if result != ["ok"]:
        raise DamagedFile(path, "is damaged and cannot be opened (the database check found errors).")
    missing = schema.expected_tables(version) - tables
    if missing:
        raise DamagedFile(path, f"is damaged: it lacks parts of a workshop ({', '.join(sorted(missing))}).")


def _writable(path: Path) -> str:
    """Empty when we may write the file, else the reason in the user's words."""
    if not os.access(path, os.W_OK):
        return "The file is read-only."
    if not os.access(path.parent, os.W_OK | os.X_OK):
        return "The folder it is in is read-only."
    return ""


def open_workshop(path: Path | str, *, read_only: bool = False) -> WorkshopFile:
    """Open a workshop file for editing (or read-only), checking it first.

    A file that fails any check is left byte-for-byte as it was (a save cut short by a crash is
    first rolled back, as SQLite requires). Raises WorkshopFileError and its subclasses, each with a
    message for the user.
    """
    path = Path(path).absolute()
    header = read_header(path)
    reason = "Opened read-only on request." if read_only else _writable(path)
    read_only = bool(reason)
    lock = None
    if not read_only:
        lock = EditLock(path)
        try:
            acquired = lock.acquire()
        except OSError:
            reason, read_only, lock = "The folder it is in is read-only.", True, None
        else:
            if not acquired:
                raise AlreadyOpen(path, "is already open in another Trouble Mapper window. "
                                  "Switch to that window, or close it there first.")
    try:
        _finish_interrupted_save(path, read_only)
        # Check with a read-only connection first so a damaged file is never written to.
        conn = _connect(path, read_only=True)
        try:
            _check_contents(path, conn, header.user_version)
        finally:
            conn.close()
        older = header.user_version < schema.SCHEMA_VERSION
        if older and not read_only:
            migrate(path, header.user_version)
            older = False
        conn = _upgraded_in_memory(path, header.user_version) if older else _connect(path, read_only)
        try:
            repository = Repository(conn, path)
            document = repository.load()
        except (sqlite3.DatabaseError, ValueError, TypeError, KeyError) as error:
            conn.close()
            raise DamagedFile(path, f"is damaged and cannot be opened ({error}).") from None
    except sqlite3.DatabaseError as error:
        if lock:
            lock.release()
        raise DamagedFile(path, f"is damaged and cannot be opened ({error}).") from None
    except BaseException:
        if lock:
            lock.release()
        raise
    return WorkshopFile(path, repository, document, read_only, reason, lock)


def create_workshop(path: Path | str, workshop: Workshop | None = None) -> WorkshopFile:
    """Create a new workshop file at ``path`` (which must not exist) and open it for editing.

    Raises WorkshopFileError if the file exists or cannot be written.
    """
    path = Path(path).absolute()
    if path.exists():
        raise WorkshopFileError(path, "already exists; choose another name.")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = _connect(path, read_only=False)
        try:
            schema.create_schema(_schema_database(conn))
            Repository(conn, path).write([Change(None, workshop or Workshop())], "Create workshop")
        finally:
            conn.close()
    except (OSError, sqlite3.Error, SaveFailed) as error:
        path.unlink(missing_ok=True)
        raise WorkshopFileError(path, f"could not be created ({error}).") from None
    return open_workshop(path)


def backup_path_for(path: Path, version: int) -> Path:
    return path.with_name(f"{path.stem} (backup before format {version + 1}){path.suffix}")


def migrate(path: Path, from_version: int) -> None:
    """Bring an older file up to SCHEMA_VERSION, after copying it aside.

    Each step and its new version number are committed together, so a failed step leaves the file
    at the last version that succeeded. Raises WorkshopFileError ("could not be upgraded").
    """
    backup = backup_path_for(path, from_version)
    try:
        if not backup.exists():
            shutil.copy2(path, backup)
    except OSError as error:
        raise WorkshopFileError(path, "needs upgrading to this version's format, but a backup copy "
                                f"could not be written first ({error.strerror or error}). "
                                "The file has not been changed.") from None
    conn = _connect(path, read_only=False)
    db = _schema_database(conn)
    try:
        for version in range(from_version, schema.SCHEMA_VERSION):
            with db.atomic():
                schema.MIGRATIONS[version](db)
                schema.mark(db, version + 1)
    except Exception as error:  # a migration may fail in SQL or in Python: both mean "not upgraded"
        raise WorkshopFileError(
            path, f"could not be upgraded to this version's format ({type(error).__name__}: {error}). "
            f"It is unchanged from format {version}; a copy of the original is in “{backup.name}”.",
        ) from error
    finally:
        conn.close()
