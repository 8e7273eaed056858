"""The trouble register and the action plan as two sortable, filterable tables in tabs.

The tables follow ``service.changed`` row by row (see register_model and action_model); inline edits
go through the service. Selecting rows announces the cards (``cards_selected``); ``show_cards`` selects
the register rows of cards chosen elsewhere (the map) without announcing them back.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QDate,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from trouble_mapper.domain.rules import RuleError
from trouble_mapper.service import WorkshopService
from trouble_mapper.ui.action_model import CHECK_COLUMN, DUE, OWNER, STATUS, TAGS, WHAT, ActionModel
from trouble_mapper.ui.register_model import (
    CAUSES,
    CHOICES_ROLE,
    EDITOR_ROLE,
    EFFORT,
    FREQUENCY,
    IMPACT,
    KIND,
    RISK,
    SEVERITY,
    SORT_ROLE,
    TAG,
    TEXT,
    VOTES,
    RegisterModel,
)

AnyIndex = QModelIndex | QPersistentModelIndex
NO_DATE = QDate(1900, 1, 1)  # the date editor's minimum, shown as "No date": clears the due date
NEW_ACTION_TEXT = "New action"
REGISTER_TAB, PLAN_TAB = 0, 1


class ChoiceDelegate(QStyledItemDelegate):
    """Editors from the model: a combo for cells with choices, a date editor for dates, else the default."""

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: AnyIndex) -> QWidget:
        kind = index.data(EDITOR_ROLE)
        if kind == "choices":
            combo = QComboBox(parent)
            combo.setObjectName("tableChoiceEditor")
            for label, value in index.data(CHOICES_ROLE) or ():
                combo.addItem(label, value)
            return combo
        if kind == "date":
            editor = QDateEdit(parent)
            editor.setObjectName("tableDateEditor")
            editor.setCalendarPopup(True)
            editor.setDisplayFormat("yyyy-MM-dd")
            editor.setMinimumDate(NO_DATE)
            editor.setSpecialValueText("No date")
            return editor
        return super().createEditor(parent, option, index)

    def setEditorData(self, editor: QWidget, index: AnyIndex) -> None:
        value = index.data(Qt.ItemDataRole.EditRole)
        if isinstance(editor, QComboBox):
            found = editor.findData(value)
            editor.setCurrentIndex(max(found, 0))
        elif isinstance(editor, QDateEdit):
            editor.setDate(value if isinstance(value, QDate) and value.isValid() else QDate.currentDate())
        else:
            super().setEditorData(editor, index)

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: AnyIndex) -> None:
        if isinstance(editor, QComboBox):
            if editor.currentIndex() >= 0:
                model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)
        elif isinstance(editor, QDateEdit):
            picked = editor.date()
            model.setData(index, None if picked == NO_DATE else picked, Qt.ItemDataRole.EditRole)
        else:
            super().setModelData(editor, model, index)


def make_proxy(model: QAbstractItemModel, parent: QWidget) -> QSortFilterProxyModel:
    """A proxy sorting by SORT_ROLE and filtering every column, case-insensitively."""
    proxy = QSortFilterProxyModel(parent)
    proxy.setSourceModel(model)
    proxy.setSortRole(SORT_ROLE)
    proxy.setFilterKeyColumn(-1)
    proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    return proxy


def make_view(proxy: QSortFilterProxyModel, name: str, delegate: QStyledItemDelegate) -> QTableView:
    """A sortable row-selecting table; ``delegate`` is its own (a delegate serves one view only)."""
    view = QTableView()
    view.setObjectName(name)
    view.setModel(proxy)
    view.setItemDelegate(delegate)
    view.setSortingEnabled(True)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                         | QAbstractItemView.EditTrigger.EditKeyPressed
                         | QAbstractItemView.EditTrigger.AnyKeyPressed)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.verticalHeader().hide()
    view.horizontalHeader().setStretchLastSection(True)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    return view


def size_columns(view: QTableView, widths: dict[int, int]) -> None:
    """Give columns useful starting widths (text wide, numbers narrow); users can drag them."""
    scale = max(1.0, view.fontMetrics().averageCharWidth() / 7)
    for column, width in widths.items():
        view.horizontalHeader().resizeSection(column, round(width * scale))


def make_filter(name: str, placeholder: str, proxy: QSortFilterProxyModel) -> QLineEdit:
    line = QLineEdit()
    line.setObjectName(name)
    line.setPlaceholderText(placeholder)
    line.setClearButtonEnabled(True)
    line.setAccessibleName(placeholder)
    line.textChanged.connect(proxy.setFilterFixedString)
    return line


class TablesPanel(QWidget):
    """Two tabs: the trouble register (every card) and the action plan (every action).

    Wire ``cards_selected`` to the map's selection, the map's selection to ``show_cards``, and
    ``edit_refused`` to the status bar.
    """

    cards_selected = Signal(list)  # list[str]: card ids of the rows the user selected
    edit_refused = Signal(str)  # an inline edit the service refused, in the user's words

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tablesPanel")
        self._service: WorkshopService | None = None
        self._syncing = False  # selecting rows for show_cards: do not announce them back
        self._last_announced: list[str] | None = None
        self.register_model = RegisterModel(self)
        self.action_model = ActionModel(self)
        self.register_proxy = make_proxy(self.register_model, self)
        self.action_proxy = make_proxy(self.action_model, self)
        self._build()
        self._connect()
        self._update_enabled()

    # Building.

    def _build(self) -> None:
        self.register_view = make_view(self.register_proxy, "registerView", ChoiceDelegate(self))
        self.action_view = make_view(self.action_proxy, "planView", ChoiceDelegate(self))
        size_columns(self.register_view, {TEXT: 320, VOTES: 60, IMPACT: 60, EFFORT: 60, SEVERITY: 66,
                                          FREQUENCY: 76, RISK: 50, TAG: 60, KIND: 110, CAUSES: 120})
        size_columns(self.action_view, {TAGS: 110, WHAT: 320, OWNER: 130, DUE: 100, STATUS: 110,
                                        CHECK_COLUMN: 260})
        self.register_view.sortByColumn(TAG, Qt.SortOrder.AscendingOrder)
        self.action_view.sortByColumn(DUE, Qt.SortOrder.AscendingOrder)
        self.register_filter = make_filter("registerFilter", "Filter troubles…", self.register_proxy)
        self.action_filter = make_filter("planFilter", "Filter actions…", self.action_proxy)
        self.new_action_button = QPushButton("New action for selected card(s)")
        self.new_action_button.setObjectName("newActionButton")
        self.message = QLabel()
        self.message.setObjectName("tablesMessage")
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #7A1010; background: #FDE2E2; padding: 4px; border-radius: 4px;")
        self.message.hide()

        self.tabs = QTabWidget()
        self.tabs.setObjectName("tablesTabs")
        self.tabs.addTab(self._page(self.register_filter, self.register_view), "Trouble register")
        plan_bar = QHBoxLayout()
        plan_bar.addWidget(self.action_filter, 1)
        plan_bar.addWidget(self.new_action_button)
        self.plan_page = self._page(plan_bar, self.action_view)
        self.tabs.addTab(self.plan_page, "Action plan")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
        layout.addWidget(self.message)

    @staticmethod
    def _page(top: QWidget | QHBoxLayout, view: QTableView) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        if isinstance(top, QHBoxLayout):
            layout.addLayout(top)
        else:
            layout.addWidget(top)
        layout.addWidget(view, 1)
        return page

    def _connect(self) -> None:
        for model in (self.register_model, self.action_model):
            model.edit_refused.connect(self._refused)
            model.dataChanged.connect(self._edited)
        self.register_view.selectionModel().selectionChanged.connect(self._register_selection_changed)
        self.action_view.selectionModel().selectionChanged.connect(self._plan_selection_changed)
        self.new_action_button.clicked.connect(self.new_action)

    # Public API.

    @property
    def service(self) -> WorkshopService | None:
        return self._service

    def set_service(self, service: WorkshopService | None, today: date | None = None) -> None:
        """Show the workshop of ``service`` (None: nothing open); ``today`` decides what is overdue."""
        self._service = service
        self._last_announced = None
        self.register_model.set_service(service, today)
        self.action_model.set_service(service, today)
        self._show_message("")
        self._update_enabled()

    def set_today(self, today: date) -> None:
        """Judge overdue work against ``today`` (call it when the date changes with the app open)."""
        self.register_model.set_today(today)
        self.action_model.set_today(today)

    def show_cards(self, card_ids: Sequence[str]) -> None:
        """Select the register rows of ``card_ids`` and scroll to them, without emitting cards_selected."""
        if set(card_ids) == set(self.selected_card_ids()):
            return  # the map echoing the register's own selection: leave the current row where it is
        selection = QItemSelection()
        first: QModelIndex | None = None
        for card_id in dict.fromkeys(card_ids):
            row = self.register_model.row_of(card_id)
            proxy_index = self.register_proxy.mapFromSource(self.register_model.index(row, 0)) \
                if row >= 0 else QModelIndex()
            if proxy_index.isValid():
                selection.select(proxy_index, proxy_index)
                if first is None or proxy_index.row() < first.row():
                    first = proxy_index
        flags = (QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
        self._syncing = True
        try:
            self.register_view.selectionModel().select(selection, flags)
            if first is not None:
                self.register_view.selectionModel().setCurrentIndex(
                    first, QItemSelectionModel.SelectionFlag.NoUpdate)
                self.register_view.scrollTo(first)
        finally:
            self._syncing = False
        self._last_announced = list(dict.fromkeys(card_ids))
        self._update_enabled()

    def selected_card_ids(self) -> list[str]:
        """Card ids of the selected register rows, in the order shown."""
        rows = sorted(self.register_view.selectionModel().selectedRows(), key=lambda index: index.row())
        return [self.register_model.card_id(self.register_proxy.mapToSource(index).row()) for index in rows]

    def selected_action_ids(self) -> list[str]:
        rows = sorted(self.action_view.selectionModel().selectedRows(), key=lambda index: index.row())
        return [self.action_model.action_id(self.action_proxy.mapToSource(index).row()) for index in rows]

    def new_action(self, card_ids: Sequence[str] | None = None) -> None:
        """Add an action for ``card_ids`` (default: the selected rows) and start typing what it is."""
        card_ids = list(card_ids) if card_ids else self.selected_card_ids()
        if self._service is None or not card_ids:
            return
        try:
            action = self._service.add_action(NEW_ACTION_TEXT, card_ids=tuple(card_ids))
        except RuleError as error:  # EditRefused (read-only) is a RuleError too
            self._refused(str(error))
            return
        self._edit_what(action.id)

    # Rows -> selection signal.

    def _register_selection_changed(self, *_: Any) -> None:
        self._update_enabled()
        if not self._syncing:
            self._announce(self.selected_card_ids())

    def _plan_selection_changed(self, *_: Any) -> None:
        if self._syncing:
            return
        card_ids: dict[str, None] = {}
        for action_id in self.selected_action_ids():
            card_ids.update(dict.fromkeys(self.action_model.card_ids(self.action_model.row_of(action_id))))
        if card_ids or self.selected_action_ids():
            self._announce(list(card_ids))

    def _announce(self, card_ids: list[str]) -> None:
        if card_ids != self._last_announced:
            self._last_announced = card_ids
            self.cards_selected.emit(card_ids)

    # Helpers.

    def _edit_what(self, action_id: str) -> None:
        """Show the plan, select the action's row and open its What cell for typing."""
        row = self.action_model.row_of(action_id)
        if row < 0:
            return
        index = self.action_proxy.mapFromSource(self.action_model.index(row, WHAT))
        if not index.isValid():  # hidden by the filter: show everything
            self.action_filter.clear()
            index = self.action_proxy.mapFromSource(self.action_model.index(row, WHAT))
        self.tabs.setCurrentIndex(PLAN_TAB)
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        self._syncing = True
        try:
            self.action_view.selectionModel().setCurrentIndex(index, flags)
        finally:
            self._syncing = False
        self.action_view.scrollTo(index)
        self.action_view.setFocus(Qt.FocusReason.OtherFocusReason)
        self.action_view.edit(index)

    def _refused(self, message: str) -> None:
        self._show_message(message)
        self.edit_refused.emit(message)

    def _edited(self, *_: Any) -> None:
        if self.message.isVisible():
            self._show_message("")

    def _show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def _update_enabled(self) -> None:
        editable = self._service is not None and not self._service.read_only
        self.new_action_button.setEnabled(editable and self.register_view.selectionModel().hasSelection())
        tip = "Read-only workshop" if self._service is not None and self._service.read_only else ""
        self.new_action_button.setToolTip(tip or "Select cards in the register or on the map first")

