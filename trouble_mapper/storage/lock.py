"""One editor per file: an operating-system lock on a hidden side file, freed if the process dies."""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path


def lock_path_for(path: Path) -> Path:
    return path.with_name(f".~lock.{path.name}#")


class EditLock:
    """Holds the edit lock of a workshop file while open. ``acquire`` returns False if taken."""

    def __init__(self, path: Path) -> None:
        self.path = lock_path_for(path)
        self._fd: int | None = None

    def acquire(self) -> bool:
        """Take the lock; False when another process (or window) holds it.

        Raises OSError when the lock file cannot be created (read-only folder).
        """
        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            if not _try_lock(fd):
                os.close(fd)
                return False
            # The holder before us may have removed the file as we opened it: check it is still there.
            try:
                if os.fstat(fd).st_ino == os.stat(self.path).st_ino or sys.platform == "win32":
                    self._fd = fd
                    os.ftruncate(fd, 0)
                    os.write(fd, f"{os.getpid()}\n".encode())
                    return True
            except FileNotFoundError:
                pass
            os.close(fd)

    def release(self) -> None:
        if self._fd is None:
            return
        with contextlib.suppress(OSError):
            os.unlink(self.path)
        os.close(self._fd)  # closing the descriptor frees the lock
        self._fd = None

    @property
    def held(self) -> bool:
        return self._fd is not None


if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False
else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except OSError:
            return False
