"""Writing a whole file so that a reader never sees half of it (exports, copies)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def write_atomically(path: Path | str, data: bytes) -> None:
    """Write ``data`` through a temporary file beside ``path``, flushed to disk, then renamed over it.

    Raises OSError as the system reports it; no temporary file is left behind; an old file at
    ``path`` stays whole until the rename.
    """
    path = Path(path)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with open(descriptor, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
