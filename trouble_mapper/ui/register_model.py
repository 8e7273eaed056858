"""The trouble register as a table model: one row per card in tag order, refreshed change by change.

The model reads the service's document and never writes it: an inline edit is one service call (one
undo step). ``service.changed`` updates only the rows an edit touched (``dataChanged`` for the columns
that changed, row inserts and removals for new and deleted cards); only large batches (an import, the
undo of a big delete) reset the model.
"""

from __future__ import annotations

import bisect
import dataclasses
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor

from trouble_mapper.domain import rules
from trouble_mapper.domain.changes import Change
from trouble_mapper.domain.document import WorkshopDocument
from trouble_mapper.domain.model import Action, Card, Link, Zone
from trouble_mapper.domain.rules import RuleError
from trouble_mapper.domain.vocabulary import CATEGORY_SCHEMES, CardKind
from trouble_mapper.service import WorkshopService
from trouble_mapper.signals import follow_changes

AnyIndex = QModelIndex | QPersistentModelIndex
Choice = tuple[str, Any]

SORT_ROLE = int(Qt.ItemDataRole.UserRole) + 1  # a number or casefolded text the proxy sorts by
CHOICES_ROLE = int(Qt.ItemDataRole.UserRole) + 2  # list of (label, value) for a combo editor
EDITOR_ROLE = int(Qt.ItemDataRole.UserRole) + 3  # "choices", "date" or None (the default editor)
ID_ROLE = int(Qt.ItemDataRole.UserRole) + 4  # the id of the row's card or action

DISPLAY = int(Qt.ItemDataRole.DisplayRole)
EDIT = int(Qt.ItemDataRole.EditRole)
FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole)
CHECK = int(Qt.ItemDataRole.CheckStateRole)
OVERDUE_COLOR = QColor("#C0161B")
NUMBER_ALIGNMENT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
NONE_LABEL = "(none)"
RESET_AFTER = 64  # more rows inserted or removed than this in one change: reset instead
KIND_ORDER = {kind: index for index, kind in enumerate(CardKind)}
NOT_SAVED = "The edit was not saved (see the message about the file)."


def tag_sort_key(card: Card) -> int:
    """A number ordering cards as tags are read: T1, T2 ... T10, then C1 ...

    It stays within 32 bits (the proxy compares larger Python ints as opaque objects).
    """
    return KIND_ORDER[card.kind] << 24 | min(card.number, (1 << 24) - 1)


def tags_of(document: WorkshopDocument, card_ids: Iterable[str]) -> str:
    """'T2, C4' for the cards that still exist, in tag order."""
    cards = [document.cards[cid] for cid in card_ids if cid in document.cards]
    return ", ".join(card.tag for card in sorted(cards, key=tag_sort_key))


def is_overdue(action: Action, today: date) -> bool:
    return action.due is not None and action.due < today and not action.status.is_closed


def spans(columns_by_row: dict[int, set[int]]) -> list[tuple[int, int, int, int]]:
    """(first row, first column, last row, last column) blocks: rows in a row sharing columns merge."""
    blocks: list[tuple[int, int, int, int]] = []
    for row in sorted(columns_by_row):
        first, last = min(columns_by_row[row]), max(columns_by_row[row])
        if blocks and blocks[-1][2] == row - 1 and blocks[-1][1] == first and blocks[-1][3] == last:
            blocks[-1] = (blocks[-1][0], first, row, last)
        else:
            blocks.append((row, first, row, last))
    return blocks


class WorkshopTableModel(QAbstractTableModel):
    """What both workshop tables share: the service, today's date, headers and refused edits."""

    edit_refused = Signal(str)  # why an inline edit was not made, in the user's words
    HEADERS: tuple[str, ...] = ()
    TOOLTIPS: tuple[str, ...] = ()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._service: WorkshopService | None = None
        self.today = date.today()

    @property
    def service(self) -> WorkshopService | None:
        return self._service

    def set_service(self, service: WorkshopService | None, today: date | None = None) -> None:
        """Show the workshop of ``service`` (None: nothing open); ``today`` decides what is overdue."""
        follow_changes(self._service, service, self._on_changed)
        self._service = service
        self.today = today or date.today()
        self.reset()

    def set_today(self, today: date) -> None:
        """Judge overdue work against another day (the app stayed open past midnight)."""
        self.today = today
        if self.rowCount():
            self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, self.columnCount() - 1))

    def reset(self) -> None:
        self.beginResetModel()
        self._load()
        self.endResetModel()

    @property
    def editable(self) -> bool:
        return self._service is not None and not self._service.read_only

    # Qt model interface shared by both tables.

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY) -> Any:
        if orientation is not Qt.Orientation.Horizontal or not 0 <= section < len(self.HEADERS):
            return None
        if role == DISPLAY:
            return self.HEADERS[section]
        if role == TOOLTIP and section < len(self.TOOLTIPS):
            return self.TOOLTIPS[section]
        return None

    # Helpers for subclasses.

    def _edit(self, edit: Callable[[], bool]) -> bool:
        """Run a service edit; a refusal or a failed save is announced by ``edit_refused``."""
        try:
            saved = edit()
        except RuleError as error:  # EditRefused (read-only, item gone) is a RuleError too
            self.edit_refused.emit(str(error))
            return False
        if not saved:
            self.edit_refused.emit(NOT_SAVED)
        return saved

    def _emit_changed(self, columns_by_row: dict[int, set[int]]) -> None:
        for top, left, bottom, right in spans(columns_by_row):
            self.dataChanged.emit(self.index(top, left), self.index(bottom, right))

    def _whole_column(self, column: int) -> None:
        if self.rowCount():
            self.dataChanged.emit(self.index(0, column), self.index(self.rowCount() - 1, column))

    def _load(self) -> None:
        raise NotImplementedError

    def _on_changed(self, changes: tuple[Change, ...]) -> None:
        raise NotImplementedError


(TAG, TEXT, KIND, CATEGORY, ZONE, VOTES, IMPACT, EFFORT, SEVERITY, FREQUENCY, RISK, CAUSES,
 ACTIONS) = range(13)
SCORE_COLUMNS = {IMPACT: "impact", EFFORT: "effort", SEVERITY: "severity", FREQUENCY: "frequency"}
NUMBER_COLUMNS = frozenset({VOTES, IMPACT, EFFORT, SEVERITY, FREQUENCY, RISK})
CARD_FIELD_COLUMNS: dict[str, set[int]] = {
    "text": {TEXT}, "kind": {TAG, KIND}, "number": {TAG}, "category": {CATEGORY}, "zone_id": {ZONE},
    "votes": {VOTES}, "scores": {IMPACT, EFFORT, SEVERITY, FREQUENCY, RISK},
}
ALL_REGISTER_COLUMNS = set(range(ACTIONS + 1))
SCORE_CHOICES: list[Choice] = [("", None), *((str(n), n) for n in rules.SCORE_RANGE)]


class RegisterModel(WorkshopTableModel):
    """The trouble register: every card (all kinds) in tag order with its scores, causes and actions."""

    HEADERS = ("Tag", "Text", "Kind", "Category", "Zone", "Votes", "Impact", "Effort", "Severity",
               "Frequency", "Risk", "Causes", "Actions")
    TOOLTIPS = ("Tag number", "What the card says", "Trouble, cause, countermeasure or note",
                "Loss category", "Zone of the map", "Dots voted", "Impact (1-5)", "Effort (1-5)",
                "Severity (1-5)", "Frequency (1-5)", "Risk = severity x frequency",
                "Cards linked as causes of this one", "Actions on this card (all / overdue)")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ids: list[str] = []  # card ids in tag order
        self._keys: list[tuple[int, str]] = []  # (tag sort key, id), sorted, parallel to _ids
        self._key_of: dict[str, tuple[int, str]] = {}
        self._causes: dict[str, set[str]] = {}  # effect card id -> ids of links into it
        self._actions: dict[str, set[str]] = {}  # card id -> ids of actions naming it

    # Index upkeep.

    def _load(self) -> None:
        doc = self._service.document if self._service else WorkshopDocument()
        keyed = sorted((tag_sort_key(card), card.id) for card in doc.cards.values())
        self._keys = keyed
        self._ids = [cid for _, cid in keyed]
        self._key_of = {key[1]: key for key in keyed}
        self._causes = {}
        for link in doc.links.values():
            self._causes.setdefault(link.effect_id, set()).add(link.id)
        self._actions = {}
        for action in doc.actions.values():
            self._index_action(action, add=True)

    def _index_action(self, action: Action, add: bool) -> None:
        for card_id in action.card_ids:
            ids = self._actions.setdefault(card_id, set())
            if add:
                ids.add(action.id)
            else:
                ids.discard(action.id)

    def _index_link(self, link: Link, add: bool) -> None:
        ids = self._causes.setdefault(link.effect_id, set())
        if add:
            ids.add(link.id)
        else:
            ids.discard(link.id)

    def row_of(self, card_id: str) -> int:
        """The row showing ``card_id``, or -1."""
        key = self._key_of.get(card_id)
        if key is None:
            return -1
        return bisect.bisect_left(self._keys, key)

    def card_id(self, row: int) -> str:
        return self._ids[row]

    # Reacting to edits.

    def _on_changed(self, changes: tuple[Change, ...]) -> None:
        if self._moves(changes) > RESET_AFTER:
            self.reset()
            return
        dirty: dict[str, set[int]] = {}
        for change in changes:
            entity = change.entity
            if isinstance(entity, Card):
                self._card_changed(change, dirty)
            elif isinstance(entity, Link):
                for link in (change.before, change.after):
                    if link is not None:
                        self._index_link(link, add=link is change.after)  # type: ignore[arg-type]
                        dirty.setdefault(link.effect_id, set()).add(CAUSES)  # type: ignore[union-attr]
            elif isinstance(entity, Action):
                self._action_changed(change, dirty)
            elif isinstance(entity, Zone):
                self._whole_column(ZONE)
        rows = {self.row_of(cid): columns for cid, columns in dirty.items()}
        rows.pop(-1, None)
        self._emit_changed(rows)

    def _moves(self, changes: Iterable[Change]) -> int:
        """How many rows the changes insert, remove or move."""
        return sum(1 for c in changes if isinstance(c.entity, Card) and (
            c.before is None or c.after is None or tag_sort_key(c.before) != tag_sort_key(c.after)))

    def _card_changed(self, change: Change, dirty: dict[str, set[int]]) -> None:
        before, after = change.before, change.after
        assert isinstance(before, Card | None) and isinstance(after, Card | None)
        if before is not None and (after is None or tag_sort_key(before) != tag_sort_key(after)):
            self._remove_row(before.id)
        if after is not None and (before is None or tag_sort_key(before) != tag_sort_key(after)):
            self._insert_row(after)
        if before is not None and after is not None:
            columns = set().union(*(CARD_FIELD_COLUMNS.get(f.name, set()) for f in dataclasses.fields(Card)
                                    if getattr(before, f.name) != getattr(after, f.name)))
            if columns:
                dirty.setdefault(after.id, set()).update(columns)
            if before.tag != after.tag:  # the cards it causes list its tag
                for link in self._service.document.links.values() if self._service else ():
                    if link.cause_id == after.id:
                        dirty.setdefault(link.effect_id, set()).add(CAUSES)

    def _action_changed(self, change: Change, dirty: dict[str, set[int]]) -> None:
        for action in (change.before, change.after):
            if action is not None:
                self._index_action(action, add=action is change.after)  # type: ignore[arg-type]
                for card_id in action.card_ids:  # type: ignore[union-attr]
                    dirty.setdefault(card_id, set()).update(ALL_REGISTER_COLUMNS)  # overdue colours a row

    def _remove_row(self, card_id: str) -> None:
        row = self.row_of(card_id)
        if row < 0:
            return
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._ids[row], self._keys[row]
        del self._key_of[card_id]
        self.endRemoveRows()

    def _insert_row(self, card: Card) -> None:
        key = (tag_sort_key(card), card.id)
        row = bisect.bisect_left(self._keys, key)
        self.beginInsertRows(QModelIndex(), row, row)
        self._keys.insert(row, key)
        self._ids.insert(row, card.id)
        self._key_of[card.id] = key
        self.endInsertRows()

    # Qt model interface.

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.isValid() and self.editable and index.column() in (TEXT, CATEGORY, VOTES, *SCORE_COLUMNS):
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: AnyIndex, role: int = DISPLAY) -> Any:
        if self._service is None or not index.isValid():
            return None
        card = self._service.document.cards.get(self._ids[index.row()])
        if card is None:
            return None
        column = index.column()
        if role == DISPLAY:
            return self._display(card, column)
        if role == FOREGROUND:
            return OVERDUE_COLOR if self._overdue_count(card.id) else None
        if role == ALIGNMENT:
            return NUMBER_ALIGNMENT if column in NUMBER_COLUMNS else None
        if role == EDIT:
            return self._edit_value(card, column)
        if role == SORT_ROLE:
            return self._sort_value(card, column)
        if role == CHOICES_ROLE:
            return self._choices(card, column)
        if role == EDITOR_ROLE:
            return "choices" if column == CATEGORY or column in SCORE_COLUMNS else None
        if role == ID_ROLE:
            return card.id
        if role == TOOLTIP and column in (TEXT, CAUSES):
            return self._display(card, column) or None
        return None

    def _display(self, card: Card, column: int) -> str:
        if column == TAG:
            return card.tag
        if column == TEXT:
            return card.text
        if column == KIND:
            return card.kind.label
        if column == CATEGORY:
            return card.category
        if column == ZONE:
            zone = self._service.document.zones.get(card.zone_id or "") if self._service else None
            return zone.name if zone else ""
        if column == CAUSES:
            return self._cause_tags(card.id)
        if column == ACTIONS:
            return self._actions_text(card.id)
        value = self._number(card, column)
        return "" if value is None else str(value)

    def _number(self, card: Card, column: int) -> int | None:
        if column == VOTES:
            return card.votes
        if column == RISK:
            return rules.risk(card.scores)
        if column in SCORE_COLUMNS:
            return getattr(card.scores, SCORE_COLUMNS[column])
        return None

    def _cause_tags(self, card_id: str) -> str:
        if self._service is None:
            return ""
        links = self._service.document.links
        return tags_of(self._service.document, (links[lid].cause_id for lid in self._causes.get(card_id, ())
                                                 if lid in links))

    def _card_actions(self, card_id: str) -> list[Action]:
        actions = self._service.document.actions if self._service else {}
        return [actions[aid] for aid in self._actions.get(card_id, ()) if aid in actions]

    def _overdue_count(self, card_id: str) -> int:
        return sum(1 for action in self._card_actions(card_id) if is_overdue(action, self.today))

    def _actions_text(self, card_id: str) -> str:
        count, overdue = len(self._card_actions(card_id)), self._overdue_count(card_id)
        if not count:
            return ""
        return f"{count} / {overdue} overdue" if overdue else str(count)

    def _edit_value(self, card: Card, column: int) -> Any:
        if column == TEXT:
            return card.text
        if column == CATEGORY:
            return card.category
        if column == VOTES or column in SCORE_COLUMNS:
            return self._number(card, column)
        return self._display(card, column)

    def _sort_value(self, card: Card, column: int) -> Any:
        if column == TAG:
            return tag_sort_key(card)
        if column in NUMBER_COLUMNS:
            value = self._number(card, column)
            return -1 if value is None else value
        if column == ACTIONS:
            return len(self._card_actions(card.id)) * 100_000 + self._overdue_count(card.id)
        return self._display(card, column).casefold()

    def _choices(self, card: Card, column: int) -> list[Choice] | None:
        if column in SCORE_COLUMNS:
            return SCORE_CHOICES
        if column != CATEGORY or self._service is None:
            return None
        scheme = self._service.document.workshop.category_scheme
        names = CATEGORY_SCHEMES.get(scheme, ("", ()))[1]
        choices: list[Choice] = [(NONE_LABEL, ""), *((name, name) for name in names)]
        if card.category not in {value for _, value in choices}:
            choices.append((card.category, card.category))  # a category from elsewhere is kept, not lost
        return choices

    def setData(self, index: AnyIndex, value: Any, role: int = EDIT) -> bool:
        """Make an inline edit through the service (one undo step); False when refused or unchanged."""
        if role != EDIT or not index.isValid() or self._service is None:
            return False
        card = self._service.document.cards.get(self._ids[index.row()])
        if card is None:
            return False
        service, column = self._service, index.column()
        if column == TEXT:
            text = "" if value is None else str(value)
            return text != card.text and self._edit(lambda: service.update_card(card.id, text=text))
        if column == CATEGORY:
            category = "" if value is None else str(value)
            return category != card.category and self._edit(
                lambda: service.update_card(card.id, category=category))
        if column == VOTES:
            return self._set_votes(card, value)
        if column in SCORE_COLUMNS:
            return self._set_score(card, SCORE_COLUMNS[column], value)
        return False

    def _set_votes(self, card: Card, value: Any) -> bool:
        try:
            votes = int(str(value).strip() or 0)
        except ValueError:
            self.edit_refused.emit(f"Votes on {card.tag} are a whole number of dots.")
            return False
        service = self._service
        assert service is not None
        return votes != card.votes and self._edit(lambda: service.vote(card.id, votes - card.votes))

    def _set_score(self, card: Card, name: str, value: Any) -> bool:
        try:
            score = None if value is None or str(value).strip() == "" else int(str(value).strip())
        except ValueError:
            self.edit_refused.emit(f"{name.capitalize()} must be between 1 and 5 (got {value}).")
            return False
        service = self._service
        assert service is not None
        if score == getattr(card.scores, name):
            return False
        return self._edit(lambda: service.set_scores(card.id, **{name: score}))

