"""Errors about workshop files, each carrying a message written for the user."""

from __future__ import annotations

from pathlib import Path


class WorkshopFileError(Exception):
    """A workshop file could not be opened, created or written. ``str(error)`` is for the user."""

    def __init__(self, path: Path | str, problem: str) -> None:
        self.path = Path(path)
        self.problem = problem
        super().__init__(f"“{self.path.name}” {problem}")


class NotAWorkshopFile(WorkshopFileError):
    """The file is empty, not SQLite, or another application's database."""


class DamagedFile(WorkshopFileError):
    """The file is one of ours but fails SQLite's checks (truncated, overwritten...)."""


class NewerVersionFile(WorkshopFileError):
    """The file was written by a newer Trouble Mapper; it is never written by this one."""


class AlreadyOpen(WorkshopFileError):
    """Another Trouble Mapper window or process has the file open for editing."""


class SaveFailed(WorkshopFileError):
    """An edit could not be written (disk full, file removed, read-only now...); nothing was written.

    ``reason`` says why in the user's words ("the disk is full").
    """

    def __init__(self, path: Path | str, reason: str) -> None:
        self.reason = reason
        super().__init__(path, f"could not be saved because {reason}.")
