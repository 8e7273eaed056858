"""The recent-files list and the file open at the last exit, kept in QSettings."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, QTimer

MAX_RECENT = 10


class RecentFiles:
    """Most recent first; paths are stored absolute."""

    def __init__(self) -> None:
        self._settings = QSettings()

    def paths(self) -> list[Path]:
        value = self._settings.value("recentFiles", [])
        if isinstance(value, str):  # QSettings gives a bare string for one-element lists
            value = [value]
        return [Path(p) for p in value or []]

    def add(self, path: Path) -> None:
        path = path.absolute()
        paths = [path] + [p for p in self.paths() if p != path]
        self._settings.setValue("recentFiles", [str(p) for p in paths[:MAX_RECENT]])

    def remove(self, path: Path) -> None:
        self._settings.setValue("recentFiles", [str(p) for p in self.paths() if p != path])

    @property
    def last_open(self) -> Path | None:
        """The workshop that was open when the app last quit, if any."""
        value = self._settings.value("lastOpen", "")
        return Path(value) if value else None

    @last_open.setter
    def last_open(self, path: Path | None) -> None:
        self._settings.setValue("lastOpen", str(path) if path else "")
        # Written to disk right after this event (not during it), so opening a workshop never waits on it
        # and a crash soon after still reopens the right file.
        QTimer.singleShot(0, self._settings.sync)
