"""The action plan as a table model: one row per action, refreshed change by change.

Inline edits go through ``service.update_action`` (one undo step each); a status move the rules do not
allow is refused with the rule's message (``edit_refused``) and nothing changes.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QDate, QModelIndex, QObject, Qt

from trouble_mapper.domain import rules
from trouble_mapper.domain.changes import Change
from trouble_mapper.domain.document import WorkshopDocument
from trouble_mapper.domain.model import Action, Card, Person
from trouble_mapper.domain.vocabulary import ActionStatus
from trouble_mapper.ui.register_model import (
    CHECK,
    CHOICES_ROLE,
    DISPLAY,
    EDIT,
    EDITOR_ROLE,
    FOREGROUND,
    ID_ROLE,
    NONE_LABEL,
    OVERDUE_COLOR,
    RESET_AFTER,
    SORT_ROLE,
    TOOLTIP,
    AnyIndex,
    Choice,
    WorkshopTableModel,
    is_overdue,
    tag_sort_key,
    tags_of,
)

TAGS, WHAT, OWNER, DUE, STATUS, CHECK_COLUMN, STANDARD, SUPPORTERS = range(8)
ACTION_FIELD_COLUMNS: dict[str, int] = {
    "card_ids": TAGS, "what": WHAT, "owner_id": OWNER, "due": DUE, "status": STATUS, "check": CHECK_COLUMN,
    "needs_standard": STANDARD, "supporter_ids": SUPPORTERS,
}
ALL_PLAN_COLUMNS = set(range(SUPPORTERS + 1))
EDITABLE_COLUMNS = frozenset({WHAT, OWNER, DUE, STATUS, CHECK_COLUMN, SUPPORTERS})
STATUS_ORDER = {status: index for index, status in enumerate(ActionStatus)}
NO_DUE_SORT = date.max.toordinal() + 1  # undated actions sort after every date


def as_date(value: Any) -> date | None:
    """A due date from what an editor gives: QDate, date, ISO text, or empty for none.

    Raises ValueError for text that is not an ISO date.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, QDate):
        return value.toPython() if value.isValid() else None  # type: ignore[return-value]
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value).strip())


def _split_names(text: str, known: set[str]) -> list[str]:
    """Comma-separated names, joining neighbouring pieces when together they make a known name."""
    pieces = [piece.strip() for piece in text.split(",")]
    names: list[str] = []
    index = 0
    while index < len(pieces):
        for end in range(len(pieces), index, -1):  # the longest run of pieces that is a known name
            candidate = ", ".join(pieces[index:end])
            if candidate.casefold() in known:
                break
        else:
            end, candidate = index + 1, pieces[index]
        if candidate:
            names.append(candidate)
        index = end
    return names


def as_status(value: Any) -> ActionStatus:
    """A status from its value ('in_progress') or label ('In progress'); raises ValueError otherwise."""
    if isinstance(value, ActionStatus):
        return value
    text = str(value).strip()
    for status in ActionStatus:
        if text in (status.value, status.label) or text.casefold() == status.label.casefold():
            return status
    raise ValueError(text)


class ActionModel(WorkshopTableModel):
    """The action plan: linked tags, what, owner, due date, status, check, and whether it needs a standard."""

    HEADERS = ("Tags", "What", "Owner", "Due", "Status", "Check", "Needs standard", "Supporting")
    TOOLTIPS = ("Cards this action answers", "What will be done", "Who owns it", "Due date",
                "Where it stands", "How success will be checked",
                "Does a working fix need a standard (lesson, procedure, training)?")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ids: list[str] = []  # action ids in the order they were added
        self._row_of: dict[str, int] = {}
        self._by_card: dict[str, set[str]] = {}  # card id -> ids of actions naming it

    # Index upkeep.

    def _load(self) -> None:
        doc = self._service.document if self._service else WorkshopDocument()
        self._ids = list(doc.actions)
        self._row_of = {aid: row for row, aid in enumerate(self._ids)}
        self._by_card = {}
        for action in doc.actions.values():
            self._index(action, add=True)

    def _index(self, action: Action, add: bool) -> None:
        for card_id in action.card_ids:
            ids = self._by_card.setdefault(card_id, set())
            if add:
                ids.add(action.id)
            else:
                ids.discard(action.id)

    def row_of(self, action_id: str) -> int:
        """The row showing ``action_id``, or -1."""
        return self._row_of.get(action_id, -1)

    def action_id(self, row: int) -> str:
        return self._ids[row]

    def card_ids(self, row: int) -> tuple[str, ...]:
        """The cards the action in ``row`` answers (that still exist)."""
        doc = self._service.document if self._service else WorkshopDocument()
        action = doc.actions.get(self._ids[row])
        return tuple(cid for cid in action.card_ids if cid in doc.cards) if action else ()

    # Reacting to edits.

    def _on_changed(self, changes: tuple[Change, ...]) -> None:
        structural = sum(1 for c in changes if isinstance(c.entity, Action) and c.verb != "update")
        if structural > RESET_AFTER:
            self.reset()
            return
        dirty: dict[str, set[int]] = {}
        for change in changes:
            entity = change.entity
            if isinstance(entity, Action):
                self._action_changed(change, dirty)
            elif isinstance(entity, Card) and (change.after is None or change.before is None
                                               or change.before.tag != change.after.tag):  # type: ignore[union-attr]
                for action_id in self._by_card.get(entity.id, ()):
                    dirty.setdefault(action_id, set()).add(TAGS)
            elif isinstance(entity, Person):
                self._whole_column(OWNER)
                self._whole_column(SUPPORTERS)
        rows = {self.row_of(aid): columns for aid, columns in dirty.items()}
        rows.pop(-1, None)
        self._emit_changed(rows)

    def _action_changed(self, change: Change, dirty: dict[str, set[int]]) -> None:
        before, after = change.before, change.after
        assert isinstance(before, Action | None) and isinstance(after, Action | None)
        if before is not None:
            self._index(before, add=False)
        if after is not None:
            self._index(after, add=True)
        if before is None and after is not None:
            self._append_row(after.id)
        elif after is None and before is not None:
            self._remove_row(before.id)
        elif before is not None and after is not None:
            if is_overdue(before, self.today) != is_overdue(after, self.today):
                columns = ALL_PLAN_COLUMNS  # the row's colour changes
            else:
                columns = {column for name, column in ACTION_FIELD_COLUMNS.items()
                           if getattr(before, name) != getattr(after, name)}
            if columns:
                dirty.setdefault(after.id, set()).update(columns)

    def _append_row(self, action_id: str) -> None:
        row = len(self._ids)
        self.beginInsertRows(QModelIndex(), row, row)
        self._ids.append(action_id)
        self._row_of[action_id] = row
        self.endInsertRows()

    def _remove_row(self, action_id: str) -> None:
        row = self._row_of.get(action_id, -1)
        if row < 0:
            return
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._ids[row], self._row_of[action_id]
        for later, aid in enumerate(self._ids[row:], start=row):
            self._row_of[aid] = later
        self.endRemoveRows()

    # Qt model interface.

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.isValid() and self.editable:
            if index.column() in EDITABLE_COLUMNS:
                flags |= Qt.ItemFlag.ItemIsEditable
            elif index.column() == STANDARD:
                flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def data(self, index: AnyIndex, role: int = DISPLAY) -> Any:
        if self._service is None or not index.isValid():
            return None
        action = self._service.document.actions.get(self._ids[index.row()])
        if action is None:
            return None
        column = index.column()
        if role == DISPLAY:
            return self._display(action, column)
        if role == FOREGROUND:
            return OVERDUE_COLOR if is_overdue(action, self.today) else None
        if role == CHECK:
            return self._check_state(action) if column == STANDARD else None
        if role == EDIT:
            return self._edit_value(action, column)
        if role == SORT_ROLE:
            return self._sort_value(action, column)
        if role == CHOICES_ROLE:
            return self._choices(action, column)
        if role == EDITOR_ROLE:
            return {OWNER: "choices", STATUS: "choices", DUE: "date"}.get(column)
        if role == ID_ROLE:
            return action.id
        if role == TOOLTIP and column in (WHAT, CHECK_COLUMN, TAGS):
            return self._display(action, column) or None
        return None

    @staticmethod
    def _check_state(action: Action) -> Qt.CheckState:
        return Qt.CheckState.Checked if action.needs_standard else Qt.CheckState.Unchecked

    def _owner_name(self, action: Action) -> str:
        person = self._service.document.people.get(action.owner_id or "") if self._service else None
        return person.name if person else ""

    def _display(self, action: Action, column: int) -> str:
        if column == TAGS:
            return tags_of(self._service.document, action.card_ids) if self._service else ""
        if column == WHAT:
            return action.what
        if column == OWNER:
            return self._owner_name(action)
        if column == DUE:
            return action.due.isoformat() if action.due else ""
        if column == STATUS:
            return action.status.label
        if column == CHECK_COLUMN:
            return action.check
        if column == SUPPORTERS and self._service is not None:
            people = self._service.document.people
            return ", ".join(people[pid].name for pid in action.supporter_ids if pid in people)
        return ""

    def _edit_value(self, action: Action, column: int) -> Any:
        if column == OWNER:
            return action.owner_id
        if column == DUE:
            return QDate(action.due) if action.due else None
        if column == STATUS:
            return action.status.value
        if column == STANDARD:
            return action.needs_standard
        return self._display(action, column)

    def _sort_value(self, action: Action, column: int) -> Any:
        if column == TAGS:
            doc = self._service.document if self._service else WorkshopDocument()
            keys = [tag_sort_key(doc.cards[cid]) for cid in action.card_ids if cid in doc.cards]
            return min(keys, default=-1)
        if column == DUE:
            return action.due.toordinal() if action.due else NO_DUE_SORT
        if column == STATUS:
            return STATUS_ORDER[action.status]
        if column == STANDARD:
            return int(action.needs_standard)
        return self._display(action, column).casefold()

    def _choices(self, action: Action, column: int) -> list[Choice] | None:
        if column == OWNER and self._service is not None:
            people = sorted(self._service.document.people.values(), key=lambda p: (p.name.casefold(), p.id))
            return [(NONE_LABEL, None), *((person.name, person.id) for person in people)]
        if column == STATUS:
            moves = sorted({action.status, *rules.allowed_moves(action.status)}, key=STATUS_ORDER.__getitem__)
            return [(status.label, status.value) for status in moves]
        return None

    def setData(self, index: AnyIndex, value: Any, role: int = EDIT) -> bool:
        """Make an inline edit through ``service.update_action`` (one undo step); False when refused."""
        if not index.isValid() or self._service is None:
            return False
        action = self._service.document.actions.get(self._ids[index.row()])
        if action is None:
            return False
        column = index.column()
        if column == STANDARD and role in (CHECK, EDIT):
            checked = value if isinstance(value, bool) else Qt.CheckState(value) == Qt.CheckState.Checked
            return self._update(action, needs_standard=bool(checked))
        if role != EDIT:
            return False
        if column in (WHAT, CHECK_COLUMN):
            return self._update(action, **{"what" if column == WHAT else "check": str(value or "")})
        if column == OWNER:
            return self._set_owner(action, value)
        if column == SUPPORTERS:
            return self._set_supporters(action, value)
        if column == DUE:
            return self._set_due(action, value)
        if column == STATUS:
            return self._set_status(action, value)
        return False

    def _update(self, action: Action, **fields: Any) -> bool:
        if all(getattr(action, name) == value for name, value in fields.items()):
            return False
        service = self._service
        assert service is not None
        return self._edit(lambda: service.update_action(action.id, **fields))

    def _set_owner(self, action: Action, value: Any) -> bool:
        people = self._service.document.people if self._service else {}
        text = "" if value is None else str(value).strip()
        owner = text if text in people else next(
            (p.id for p in people.values() if p.name.casefold() == text.casefold()), None)
        if text and owner is None:
            self.edit_refused.emit(f"{text} is not on the team roster: add them to the team first.")
            return False
        return self._update(action, owner_id=owner)

    def _set_supporters(self, action: Action, value: Any) -> bool:
        """Supporting people typed as roster names separated by commas ("Ann, Bob"); a name that itself
        holds a comma ("Lee, Ann") is recognised whole. Unknown or ambiguous names are refused."""
        people = self._service.document.people if self._service else {}
        by_name: dict[str, list[str]] = {}
        for person in people.values():
            by_name.setdefault(person.name.strip().casefold(), []).append(person.id)
        names = _split_names(str(value or ""), set(by_name))
        unknown = [name for name in names if name.casefold() not in by_name]
        if unknown:
            self.edit_refused.emit(f"{', '.join(unknown)} {'is' if len(unknown) == 1 else 'are'} not on the "
                                   "team roster: add them to the team first.")
            return False
        ambiguous = [name for name in names if len(by_name[name.casefold()]) > 1]
        if ambiguous:
            self.edit_refused.emit(f"More than one person on the roster is called {ambiguous[0]}: "
                                   "give them distinct names in Team > Team Roster first.")
            return False
        ids = tuple(dict.fromkeys(by_name[name.casefold()][0] for name in names))
        return self._update(action, supporter_ids=ids)

    def _set_due(self, action: Action, value: Any) -> bool:
        try:
            due = as_date(value)
        except ValueError:
            self.edit_refused.emit(f"“{value}” is not a date: type it as year-month-day, e.g. 2025-03-31.")
            return False
        return self._update(action, due=due)

    def _set_status(self, action: Action, value: Any) -> bool:
        try:
            status = as_status(value)
        except ValueError:
            self.edit_refused.emit(f"“{value}” is not a status: choose one of "
                                   f"{', '.join(s.label.lower() for s in ActionStatus)}.")
            return False
        return self._update(action, status=status)
