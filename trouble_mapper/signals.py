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


def follow_changes(old_service: Any, new_service: Any, slot: Callable) -> None:
    """Stop hearing ``old_service``'s edits and start hearing ``new_service``'s (either may be None):
    how a panel switches to the workshop just opened."""
    if old_service is not None:
        disconnect_quietly((old_service.changed, slot))
    if new_service is not None:
        new_service.changed.connect(slot)
