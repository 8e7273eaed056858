"""The one undo command: a labelled list of changes that the service applies, inverts or re-applies."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtGui import QUndoCommand

from trouble_mapper.domain.changes import Change, invert

if TYPE_CHECKING:
    from trouble_mapper.service import WorkshopService

MERGEABLE_ID = 1


class EditCommand(QUndoCommand):
    """One undo step. redo() writes ``after`` states and undo() ``before`` states: both safe to repeat.

    If the file cannot be written the command marks itself obsolete, so QUndoStack drops it and the
    model, the file and the stack stay in agreement.
    """

    def __init__(self, service: WorkshopService, label: str, changes: Sequence[Change],
                 merge_key: Hashable | None = None) -> None:
        super().__init__(label)
        self.service = service
        self.changes = tuple(changes)
        self.merge_key = merge_key
        self._done_once = False

    def redo(self) -> None:
        direction = "redo" if self._done_once else "do"
        if not self.service.apply(self.changes, self.text(), direction):
            self.setObsolete(True)
        self._done_once = True

    def undo(self) -> None:
        if not self.service.apply(invert(self.changes), self.text(), "undo"):
            self.setObsolete(True)

    def id(self) -> int:
        return MERGEABLE_ID if self.merge_key is not None else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        """Fold a repeat of the same gesture on the same items (keyboard nudges) into this step."""
        if not isinstance(other, EditCommand) or other.merge_key != self.merge_key:
            return False
        merged: dict[tuple, list] = {}  # entity -> [its first before, its last after]
        for change in (*self.changes, *other.changes):
            key = (type(change.entity), change.entity.id)
            if key in merged:
                merged[key][1] = change.after
            else:
                merged[key] = [change.before, change.after]
        self.changes = tuple(Change(before, after) for before, after in merged.values()
                             if before != after)  # a vote given and taken back leaves nothing
        if not self.changes:
            self.setObsolete(True)  # the gestures cancelled out: no undo step at all
        return True
