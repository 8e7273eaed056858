"""A change is one entity going from ``before`` to ``after``; edits are lists of changes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from trouble_mapper.domain.model import Entity


@dataclass(frozen=True, slots=True)
class Change:
    """One entity created (before is None), deleted (after is None) or replaced."""

    before: Entity | None
    after: Entity | None

    def __post_init__(self) -> None:
        if self.before is None and self.after is None:
            raise ValueError("a change needs a before or an after")
        if self.before is not None and self.after is not None and (
                type(self.before) is not type(self.after) or self.before.id != self.after.id):
            raise ValueError("before and after must be the same entity")

    @property
    def entity(self) -> Entity:
        """Whichever snapshot exists (after if both)."""
        return self.after if self.after is not None else self.before  # type: ignore[return-value]

    @property
    def verb(self) -> str:
        if self.before is None:
            return "create"
        return "delete" if self.after is None else "update"

    def inverted(self) -> Change:
        return Change(self.after, self.before)


def invert(changes: Sequence[Change]) -> tuple[Change, ...]:
    """The changes that undo ``changes``: each inverted, in reverse order."""
    return tuple(change.inverted() for change in reversed(changes))
