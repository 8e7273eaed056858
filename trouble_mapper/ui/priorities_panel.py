"""PrioritiesPanel: the Prioritise step in one place: impact/effort and risk matrices, Pareto, ranking.

Wiring (main window): ``panel.set_service(service)`` when a workshop opens (None when it closes);
``panel.cards_selected`` -> select those cards on the map; ``panel.edit_refused`` -> status bar;
optionally the map's selection -> ``panel.show_selection(card_ids)``.
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from trouble_mapper.domain import priorities, rules
from trouble_mapper.domain.changes import Change
from trouble_mapper.domain.model import Card
from trouble_mapper.service import WorkshopService
from trouble_mapper.signals import follow_changes
from trouble_mapper.ui.pareto_chart import ParetoChart
from trouble_mapper.ui.priority_matrix import PriorityMatrix

BASE_POINT_SIZE = 13.0  # readable when the panel is projected
RANKING_COLUMNS = ("#", "Tag", "Trouble", "Votes", "Risk")
NO_VALUE = "–"


class PrioritiesPanel(QWidget):
    """Tabs "Impact / effort", "Risk", "Pareto" and "Ranking" over the open workshop's troubles.

    Every edit goes through the service; the views refresh from ``service.changed``.
    """

    cards_selected = Signal(list)  # card ids clicked in a matrix or picked in the ranking
    edit_refused = Signal(str)  # the message shown, for a status bar

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("prioritiesPanel")
        self._service: WorkshopService | None = None
        self._syncing = False  # True while the ranking table is filled or selected from code
        font = QFont(self.font())
        font.setPointSizeF(max(font.pointSizeF(), BASE_POINT_SIZE))
        self.setFont(font)
        self._build()
        self._connect()
        self._refresh_ranking()

    # Building.

    def _build(self) -> None:
        self.impact_matrix = PriorityMatrix("impact")
        self.risk_matrix = PriorityMatrix("risk")
        self.pareto_chart = ParetoChart()
        self.tabs = QTabWidget()
        self.tabs.setObjectName("prioritiesTabs")
        self.tabs.addTab(self.impact_matrix, "Impact / effort")
        self.tabs.addTab(self.risk_matrix, "Risk")
        self.tabs.addTab(self._pareto_page(), "Pareto")
        self.tabs.addTab(self._ranking_page(), "Ranking")
        self.message = QLabel()
        self.message.setObjectName("prioritiesMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #9b2c2c;")
        self.message.setVisible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.message)

    def _pareto_page(self) -> QWidget:
        self.pareto_by = QComboBox()
        self.pareto_by.setObjectName("paretoBy")
        self.pareto_by.addItem("Category", "category")
        self.pareto_by.addItem("Zone", "zone")
        self.pareto_weight = QComboBox()
        self.pareto_weight.setObjectName("paretoWeight")
        self.pareto_weight.addItem("Number of troubles", "count")
        self.pareto_weight.addItem("Dots (votes)", "votes")
        options = QHBoxLayout()
        options.addWidget(QLabel("Group by"))
        options.addWidget(self.pareto_by)
        options.addSpacing(16)
        options.addWidget(QLabel("Count"))
        options.addWidget(self.pareto_weight)
        options.addStretch(1)
        return _page(options, self.pareto_chart)

    def _ranking_page(self) -> QWidget:
        self.rank_by_votes = QRadioButton("By votes")
        self.rank_by_votes.setObjectName("rankByVotes")
        self.rank_by_votes.setChecked(True)
        self.rank_by_risk = QRadioButton("By risk")
        self.rank_by_risk.setObjectName("rankByRisk")
        self.rank_group = QButtonGroup(self)
        self.rank_group.addButton(self.rank_by_votes)
        self.rank_group.addButton(self.rank_by_risk)
        options = QHBoxLayout()
        options.addWidget(QLabel("Rank"))
        options.addWidget(self.rank_by_votes)
        options.addWidget(self.rank_by_risk)
        options.addStretch(1)
        self.ranking_table = _ranking_table()
        return _page(options, self.ranking_table)

    def _connect(self) -> None:
        for matrix in (self.impact_matrix, self.risk_matrix):
            matrix.cards_selected.connect(self._on_matrix_selection)
            matrix.edit_refused.connect(self._show_refusal)
        self.pareto_by.currentIndexChanged.connect(self._on_pareto_options)
        self.pareto_weight.currentIndexChanged.connect(self._on_pareto_options)
        self.rank_group.buttonToggled.connect(lambda *_: self._refresh_ranking())
        self.ranking_table.itemSelectionChanged.connect(self._on_table_selection)

    # Public API.

    def set_service(self, service: WorkshopService | None) -> None:
        """Show the troubles of ``service``'s workshop (None: nothing open)."""
        if service is self._service:
            return
        follow_changes(self._service, service, self._on_changed)
        self._service = service
        for view in (self.impact_matrix, self.risk_matrix, self.pareto_chart):
            view.set_service(service)
        self._show_message("")
        self._refresh_ranking()

    def show_selection(self, card_ids: list[str]) -> None:
        """Mirror the map's selection: outline those chips and select those ranking rows (no signal)."""
        for matrix in (self.impact_matrix, self.risk_matrix):
            matrix.show_selection(card_ids)
        self._select_rows(set(card_ids))

    def rank_by(self) -> priorities.RankBy:
        """The ranking criterion chosen: "votes" or "risk"."""
        return "risk" if self.rank_by_risk.isChecked() else "votes"

    def ranked_card_ids(self) -> list[str]:
        """The card ids in the ranking table, top row first."""
        table = self.ranking_table
        return [table.item(row, 0).data(Qt.ItemDataRole.UserRole) for row in range(table.rowCount())]

    # Model -> views.

    def _on_changed(self, changes: tuple[Change, ...]) -> None:
        if any(isinstance(change.entity, Card) for change in changes):
            self._refresh_ranking()

    def _refresh_ranking(self) -> None:
        table = self.ranking_table
        chosen = self._selected_ids()
        rows = priorities.standings(self._service.document, self.rank_by()) if self._service else []
        self._syncing = True
        try:
            table.setRowCount(len(rows))
            for row, (rank, card) in enumerate(rows):
                self._fill_row(row, rank, card)
        finally:
            self._syncing = False
        self._select_rows(chosen)

    def _fill_row(self, row: int, rank: int | None, card: Card) -> None:
        risk = rules.risk(card.scores)
        texts = (NO_VALUE if rank is None else str(rank), card.tag, " ".join(card.text.split()),
                 str(card.votes), NO_VALUE if risk is None else str(risk))
        for column, text in enumerate(texts):
            item = QTableWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, card.id)
            if column != 2:
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            else:
                item.setToolTip(text[:500])
            self.ranking_table.setItem(row, column, item)

    # Views -> selection and messages.

    def _selected_ids(self) -> set[str]:
        table = self.ranking_table
        return {table.item(index.row(), 0).data(Qt.ItemDataRole.UserRole)
                for index in table.selectionModel().selectedRows()}

    def _select_rows(self, card_ids: set[str]) -> None:
        table = self.ranking_table
        self._syncing = True
        try:
            table.clearSelection()
            flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
            for row, card_id in enumerate(self.ranked_card_ids()):
                if card_id in card_ids:
                    table.selectionModel().select(table.model().index(row, 0), flags)
        finally:
            self._syncing = False

    def _on_table_selection(self) -> None:
        if not self._syncing:
            ids = [cid for cid in self.ranked_card_ids() if cid in self._selected_ids()]
            for matrix in (self.impact_matrix, self.risk_matrix):
                matrix.show_selection(ids)
            self.cards_selected.emit(ids)

    def _on_matrix_selection(self, card_ids: list[str]) -> None:
        self.show_selection(card_ids)
        self.cards_selected.emit(card_ids)

    def _on_pareto_options(self) -> None:
        self.pareto_chart.set_grouping(self.pareto_by.currentData(), self.pareto_weight.currentData())

    def _show_refusal(self, text: str) -> None:
        self._show_message(text)
        self.edit_refused.emit(text)

    def _show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))


def _page(options: QHBoxLayout, body: QWidget) -> QWidget:
    page = QWidget()
    layout = QVBoxLayout(page)
    layout.setContentsMargins(6, 6, 6, 6)
    layout.addLayout(options)
    layout.addWidget(body, 1)
    return page


def _ranking_table() -> QTableWidget:
    table = QTableWidget(0, len(RANKING_COLUMNS))
    table.setObjectName("rankingTable")
    table.setHorizontalHeaderLabels(list(RANKING_COLUMNS))
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
    table.setWordWrap(False)
    table.setTextElideMode(Qt.TextElideMode.ElideRight)
    header = table.horizontalHeader()
    for column in range(len(RANKING_COLUMNS)):
        mode = QHeaderView.ResizeMode.Stretch if column == 2 else QHeaderView.ResizeMode.ResizeToContents
        header.setSectionResizeMode(column, mode)
    return table
