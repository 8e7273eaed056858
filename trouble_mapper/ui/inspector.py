"""CardInspector: the side panel that edits the selected card(s), always through the edit service.

It shows what the document holds and turns edits into service calls; it never changes the document
itself. Text fields save when focus leaves them or on Ctrl+Enter; choices save when picked.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFocusEvent, QFont, QKeyEvent, QWheelEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from trouble_mapper.domain.changes import Change
from trouble_mapper.domain.model import Card, Workshop, Zone
from trouble_mapper.domain.vocabulary import CATEGORY_SCHEMES, FIX_ROUTES, CardKind

if TYPE_CHECKING:
    from trouble_mapper.service import WorkshopService
from trouble_mapper.signals import follow_changes
from trouble_mapper.ui.edit_feedback import EditFeedback

HINT = "Select a card to edit it"
NONE_LABEL = "(none)"
MIXED_LABEL = "(mixed)"
SEVERAL_TEXTS = "Select one card to edit its text"
BASE_POINT_SIZE = 13.0  # readable from the back of the room when the panel is projected
HEADLINE_SCALE = 1.6
MIN_WIDTH = 280  # the dock keeps its width whether a card is shown or not
MAX_TAGS_LISTED = 12

Choice = tuple[str, object]  # label shown, value stored on the card


class CommitTextEdit(QPlainTextEdit):
    """A multi-line field that asks to be saved when focus leaves it or on Ctrl+Enter.

    Tab moves focus (it does not type a tab); Escape puts back the last value shown.
    """

    commit_requested = Signal()

    def __init__(self, object_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self.setTabChangesFocus(True)
        self.setToolTip("Saved when you leave the field, or press Ctrl+Enter")
        self.shown_value = ""

    @property
    def is_dirty(self) -> bool:
        """True when the user has typed something not yet saved."""
        return self.toPlainText() != self.shown_value

    def show_value(self, value: str, *, force: bool = False) -> None:
        """Show ``value``, unless the user is typing here (focused, changed) and ``force`` is False."""
        if self.toPlainText() == value:
            self.shown_value = value
        elif force or not (self.hasFocus() and self.is_dirty):
            self.setPlainText(value)
            self.shown_value = value

    def keyPressEvent(self, event: QKeyEvent) -> None:
        enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        if enter and event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.commit_requested.emit()
        elif event.key() == Qt.Key.Key_Escape and self.is_dirty:
            self.setPlainText(self.shown_value)
        else:
            super().keyPressEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        if event.reason() != Qt.FocusReason.PopupFocusReason:  # the context menu: still editing
            self.commit_requested.emit()


class ChoiceBox(QComboBox):
    """A drop-down whose items carry Python values; it changes only on a deliberate pick.

    The mouse wheel scrolls the panel instead, and Up/Down open the list rather than step through
    choices, so browsing never saves (a kind change gives the card a new tag number every time).
    """

    _OPENING_KEYS = frozenset({Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown,
                               Qt.Key.Key_Home, Qt.Key.Key_End})

    def __init__(self, object_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setPlaceholderText(MIXED_LABEL)
        self._choices: list[Choice] = []

    def set_choices(self, choices: Sequence[Choice], current: object, mixed: bool = False) -> None:
        """List ``choices`` (rebuilt only when they differ) and select ``current``, or none if ``mixed``."""
        choices = list(choices)
        if choices != self._choices:
            self.clear()
            self.addItems([label for label, _ in choices])
            self._choices = choices
        values = [value for _, value in choices]
        self.setCurrentIndex(-1 if mixed or current not in values else values.index(current))

    def value_at(self, index: int) -> object:
        return self._choices[index][1]

    def labels(self) -> list[str]:
        return [label for label, _ in self._choices]

    def wheelEvent(self, event: QWheelEvent) -> None:
        event.ignore()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        plain = not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if plain and event.key() in self._OPENING_KEYS:
            self.showPopup()
        else:
            super().keyPressEvent(event)


class CardInspector(QWidget, EditFeedback):
    """Side panel editing the selected card(s): text, details, kind, category, fix route and zone.

    ``show_cards`` is called when the map's selection changes; the panel refreshes itself from
    ``service.changed``. A refused edit shows its message in the panel and is announced by
    ``edit_refused``.
    """

    edit_refused = Signal(str)  # the message shown, for a status bar

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("cardInspector")
        self._service: WorkshopService | None = None
        self._card_ids: list[str] = []
        self._use_readable_font()
        self.setMinimumWidth(MIN_WIDTH)
        self._build()
        self._refresh(force=True)

    # Building.

    def _use_readable_font(self) -> None:
        font = QFont(self.font())
        font.setPointSizeF(max(font.pointSizeF(), BASE_POINT_SIZE))
        self.setFont(font)

    def _build(self) -> None:
        self.headline = self._label("inspectorHeadline")
        headline_font = QFont(self.font())
        headline_font.setPointSizeF(self.font().pointSizeF() * HEADLINE_SCALE)
        headline_font.setBold(True)
        self.headline.setFont(headline_font)
        self.summary = self._label("inspectorSummary")
        self.hint = self._label("inspectorHint", HINT)
        self.message = self._label("inspectorMessage")
        self.message.setStyleSheet(  # a style sheet drops the inherited size: give it again
            f"color: #7A1010; background: #FDE2E2; padding: 6px; border-radius: 4px; "
            f"font-size: {self.font().pointSizeF():g}pt;")
        self.message.hide()

        self.text_edit = CommitTextEdit("inspectorText")
        self.details_edit = CommitTextEdit("inspectorDetails")
        lines = self.fontMetrics().lineSpacing()
        self.text_edit.setMinimumHeight(3 * lines + 12)
        self.text_edit.setMaximumHeight(6 * lines + 12)
        self.details_edit.setMinimumHeight(4 * lines + 12)
        self.kind_box = ChoiceBox("inspectorKind")
        self.category_box = ChoiceBox("inspectorCategory")
        self.route_box = ChoiceBox("inspectorFixRoute")
        self.zone_box = ChoiceBox("inspectorZone")

        self.form = QWidget()
        self.form.setObjectName("inspectorForm")
        form = QFormLayout(self.form)
        form.setContentsMargins(0, 0, 0, 0)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)  # labels above: fits a narrow dock
        for text, field in (("Te&xt", self.text_edit), ("&Details", self.details_edit),
                            ("&Kind", self.kind_box), ("Cate&gory", self.category_box),
                            ("Fix &route", self.route_box), ("&Zone", self.zone_box)):
            label = QLabel(text)
            label.setBuddy(field)
            field.setAccessibleName(text.replace("&", ""))
            form.addRow(label, field)

        layout = QVBoxLayout(self)
        for widget in (self.headline, self.summary, self.hint, self.message, self.form):
            layout.addWidget(widget)
        layout.addStretch(1)
        self._set_tab_order()
        self._connect_fields()

    def _label(self, object_name: str, text: str = "") -> QLabel:
        label = QLabel(text)
        label.setObjectName(object_name)
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.PlainText)  # card text is user text, never markup
        return label

    def _set_tab_order(self) -> None:
        order = [self.text_edit, self.details_edit, self.kind_box, self.category_box, self.route_box,
                 self.zone_box]
        for first, second in itertools.pairwise(order):
            QWidget.setTabOrder(first, second)

    def _connect_fields(self) -> None:
        self.text_edit.commit_requested.connect(lambda: self._commit_text("text", self.text_edit))
        self.details_edit.commit_requested.connect(lambda: self._commit_text("details", self.details_edit))
        for field, box in (("kind", self.kind_box), ("category", self.category_box),
                           ("fix_route", self.route_box), ("zone_id", self.zone_box)):
            box.activated.connect(lambda index, f=field, b=box: self._commit_choice(f, b, index))

    # Public API.

    @property
    def card_ids(self) -> list[str]:
        """The cards shown (those of the last ``show_cards`` that still exist)."""
        return list(self._card_ids)

    def set_service(self, service: WorkshopService | None) -> None:
        """Edit the workshop of ``service`` (None: nothing open). Pending text is saved to the old one."""
        if service is self._service:
            return
        self._commit_pending()
        follow_changes(self._service, service, self._on_changed)
        self._service = service
        self._card_ids = []
        self._show_message("")
        self._refresh(force=True)

    def show_cards(self, card_ids: Sequence[str]) -> None:
        """Show the cards the map selected (unknown ids are left out). Pending text is saved first."""
        card_ids = list(dict.fromkeys(card_ids))
        if card_ids == self._card_ids:
            self._refresh()
            return
        self._show_message("")
        self._commit_pending()  # a refusal here stays on show
        self._card_ids = card_ids
        self._refresh(force=True)

    # Model -> panel.

    def _cards(self) -> list[Card]:
        if self._service is None:
            return []
        cards = self._service.document.cards
        return [cards[card_id] for card_id in self._card_ids if card_id in cards]

    def _on_changed(self, changes: tuple[Change, ...]) -> None:
        shown = set(self._card_ids)
        if not shown:
            return
        deleted = {c.entity.id for c in changes
                   if isinstance(c.entity, Card) and c.after is None and c.entity.id in shown}
        if deleted:
            self._card_ids = [card_id for card_id in self._card_ids if card_id not in deleted]
        if deleted or any(self._concerns_panel(change.entity, shown) for change in changes):
            self._refresh(force=bool(deleted))

    @staticmethod
    def _concerns_panel(entity: object, shown: set[str]) -> bool:
        return isinstance(entity, Zone | Workshop) or (isinstance(entity, Card) and entity.id in shown)

    def _refresh(self, force: bool = False) -> None:
        """Show the current values; ``force`` also replaces text the user is typing."""
        cards = self._cards()
        self._card_ids = [card.id for card in cards]
        editable = self._service is not None and not self._service.read_only
        self.hint.setVisible(not cards)
        self.headline.setVisible(bool(cards))
        self.form.setVisible(bool(cards))
        self._show_heading(cards)
        self._show_texts(cards, editable, force)
        self._show_choices(cards)
        for box in (self.kind_box, self.category_box, self.route_box, self.zone_box):
            box.setEnabled(editable and bool(cards))

    def _show_heading(self, cards: list[Card]) -> None:
        read_only = self._service is not None and self._service.read_only
        if len(cards) == 1:
            self.headline.setText(f"{cards[0].tag} · {cards[0].kind.label}")
            self.summary.setText("Read-only workshop" if read_only else "")
        else:
            self.headline.setText(f"{len(cards)} cards selected")
            tags = ", ".join(card.tag for card in cards[:MAX_TAGS_LISTED])
            more = "…" if len(cards) > MAX_TAGS_LISTED else ""
            self.summary.setText(f"{tags}{more}" + ("\nRead-only workshop" if read_only else ""))
        self.summary.setVisible(bool(cards) and bool(self.summary.text()))

    def _show_texts(self, cards: list[Card], editable: bool, force: bool) -> None:
        single = cards[0] if len(cards) == 1 else None
        for editor, field in ((self.text_edit, "text"), (self.details_edit, "details")):
            editor.setPlaceholderText(SEVERAL_TEXTS if len(cards) > 1 else "")
            editor.show_value(getattr(single, field) if single else "", force=force or single is None)
            editor.setEnabled(editable and single is not None)

    def _show_choices(self, cards: list[Card]) -> None:
        self._show_choice(self.kind_box, [(kind.label, kind) for kind in CardKind], cards, "kind")
        self._show_choice(self.category_box, self._category_choices(cards), cards, "category")
        routes = [(NONE_LABEL, ""), *((route, route) for route in FIX_ROUTES)]
        routes += [(c.fix_route, c.fix_route) for c in _unlisted(cards, "fix_route", routes)]
        self._show_choice(self.route_box, routes, cards, "fix_route")
        self._show_choice(self.zone_box, self._zone_choices(), cards, "zone_id")

    def _show_choice(self, box: ChoiceBox, choices: list[Choice], cards: list[Card], field: str) -> None:
        values = {getattr(card, field) for card in cards}
        box.set_choices(choices, next(iter(values), None), mixed=len(values) > 1)

    def _category_choices(self, cards: list[Card]) -> list[Choice]:
        """The scheme's categories, and any other category a shown card has (kept, not lost)."""
        scheme = self._service.document.workshop.category_scheme if self._service else ""
        _, categories = CATEGORY_SCHEMES.get(scheme, ("", ()))
        choices: list[Choice] = [(NONE_LABEL, ""), *((name, name) for name in categories)]
        return choices + [(card.category, card.category) for card in _unlisted(cards, "category", choices)]

    def _zone_choices(self) -> list[Choice]:
        zones = self._service.document.zones.values() if self._service else ()
        by_name = sorted(zones, key=lambda zone: (zone.name.casefold(), zone.id))
        return [(NONE_LABEL, None), *((zone.name, zone.id) for zone in by_name)]

    # Panel -> service.

    def _commit_pending(self) -> None:
        """Save text typed but not yet saved (before the panel shows something else)."""
        for editor, field in ((self.text_edit, "text"), (self.details_edit, "details")):
            if editor.is_dirty:
                self._commit_text(field, editor)

    def _commit_text(self, field: str, editor: CommitTextEdit) -> None:
        cards = self._cards()
        if self._service is None or len(cards) != 1 or not editor.isEnabled():
            return
        value = editor.toPlainText()
        if value == getattr(cards[0], field):
            editor.shown_value = value
            return
        service, card_id = self._service, cards[0].id
        self._edit(lambda: service.update_card(card_id, **{field: value}))

    def _commit_choice(self, field: str, box: ChoiceBox, index: int) -> None:
        cards = self._cards()
        if self._service is None or not cards or index < 0:
            return
        value = box.value_at(index)
        if all(getattr(card, field) == value for card in cards):
            return
        service, card_ids = self._service, [card.id for card in cards]
        if not self._edit(lambda: service.update_cards(card_ids, **{field: value})):
            self._refresh()  # put the choice back to what the cards hold

    def _refused(self, text: str) -> None:
        self._show_message(text)
        self.edit_refused.emit(text)


def _unlisted(cards: list[Card], field: str, choices: list[Choice]) -> list[Card]:
    """One card for each value of ``field`` the choices lack, in order of first appearance."""
    listed = {value for _, value in choices}
    found: dict[object, Card] = {}
    for card in cards:
        value = getattr(card, field)
        if value not in listed:
            found.setdefault(value, card)
    return list(found.values())
