"""One helper for Qt signal connections that may already be gone."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any


def disconnect_quietly(*connections: tuple[Any, Callable]) -> None:
    """Disconnect each (signal, slot) pair; pairs never connected, or whose sender is deleted, are skipped."""
    for signal, slot in connections:
        with contextlib.suppress(RuntimeError, TypeError):
            signal.disconnect(slot)
