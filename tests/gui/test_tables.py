"""The register and action plan tables over a real file: inline edits reach the file and undo,
refused edits leave it alone, rows sort, filter, turn red when overdue and refresh one by one."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, QItemSelectionModel, QModelIndex, Qt
from PySide6.QtWidgets import QComboBox, QDateEdit, QLineEdit, QSpinBox, QTableView, QWidget

from trouble_mapper.domain.document import WorkshopDocument
from trouble_mapper.domain.vocabulary import ActionStatus, CardKind
from trouble_mapper.service import WorkshopService
from trouble_mapper.storage.workshop_file import open_workshop
from trouble_mapper.ui import action_model as plan
from trouble_mapper.ui import register_model as reg
from trouble_mapper.ui.tables import TablesPanel

TODAY = date(2025, 6, 1)
RED = reg.OVERDUE_COLOR


def reopened(path: Path) -> WorkshopDocument:
    """What a fresh read-only open of the file finds."""
    opened = open_workshop(path, read_only=True)
    try:
        return opened.document
    finally:
        opened.close()


def card_by_tag(document: WorkshopDocument, tag: str):
    return next(card for card in document.cards.values() if card.tag == tag)


@pytest.fixture
def filled(service: WorkshopService) -> WorkshopService:
    """T1..T10, a cause C1 of T1, Ana on the team, and an overdue action on T2."""
    for number in range(1, 11):
        service.add_card(CardKind.TROUBLE, number * 200.0, 0, f"Trouble {number}")
    troubles = {card.tag: card for card in service.document.cards.values()}
    cause = service.add_card(CardKind.CAUSE, 0, 300, "Worn star wheel", link_to=troubles["T1"].id)
    ana = service.add_person("Ana")
    service.add_action("Replace star wheel", owner_id=ana.id, due=date(2025, 5, 1),
                       card_ids=(troubles["T2"].id,), check="No jams for a week")
    service.add_action("Train operators", due=date(2025, 7, 1), card_ids=(cause.id,))
    service.undo_stack.clear()
    return service


@pytest.fixture
def panel(qtbot, filled: WorkshopService) -> TablesPanel:
    """A shown tables panel over the filled workshop, judging overdue work on TODAY."""
    tables = TablesPanel()
    qtbot.addWidget(tables)
    tables.set_service(filled, today=TODAY)
    tables.resize(1200, 700)
    tables.show()
    qtbot.waitExposed(tables)
    return tables


def register_index(panel: TablesPanel, tag: str, column: int) -> QModelIndex:
    """The view (proxy) index of a card's cell in the register."""
    card = card_by_tag(panel.service.document, tag)
    source = panel.register_model.index(panel.register_model.row_of(card.id), column)
    return panel.register_proxy.mapFromSource(source)


def plan_index(panel: TablesPanel, what: str, column: int) -> QModelIndex:
    action = next(a for a in panel.service.document.actions.values() if a.what == what)
    source = panel.action_model.index(panel.action_model.row_of(action.id), column)
    return panel.action_proxy.mapFromSource(source)


def open_editor(view: QTableView, index: QModelIndex, kind: type) -> QWidget:
    """Start editing ``index`` in ``view`` as a user would and return the editor widget."""
    view.setCurrentIndex(index)
    view.edit(index)
    editors = [widget for widget in view.viewport().findChildren(kind) if widget.isVisible()]
    assert len(editors) == 1  # closed editors linger, hidden, until deleted later
    return editors[0]


def commit(qtbot, editor: QWidget) -> None:
    """Press Enter in a cell editor and wait for the view to take the value (Qt does it queued)."""
    view = editor.parentWidget().parentWidget()
    assert isinstance(view, QTableView)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.state() is not QTableView.State.EditingState)


def column_texts(panel: TablesPanel, column: int) -> list[str]:
    proxy = panel.register_proxy
    return [proxy.index(row, column).data() for row in range(proxy.rowCount())]


def test_text_typed_in_the_register_reaches_the_file_and_undoes(qtbot, panel, workshop_path):
    """Typing over T3's text and pressing Enter saves it as one undo step; undo restores the file."""
    editor = open_editor(panel.register_view, register_index(panel, "T3", reg.TEXT), QLineEdit)
    editor.selectAll()
    qtbot.keyClicks(editor, "Bottles jam at the infeed")
    commit(qtbot, editor)
    assert card_by_tag(reopened(workshop_path), "T3").text == "Bottles jam at the infeed"
    assert register_index(panel, "T3", reg.TEXT).data() == "Bottles jam at the infeed"
    assert panel.service.undo_stack.count() == 1
    panel.service.undo_stack.undo()
    assert card_by_tag(reopened(workshop_path), "T3").text == "Trouble 3"
    assert register_index(panel, "T3", reg.TEXT).data() == "Trouble 3"


def test_score_chosen_in_its_combo_sets_risk_and_undoes(qtbot, panel, workshop_path):
    """Severity and frequency chosen by typing in the combo are saved; risk shows their product."""
    for column, key in ((reg.SEVERITY, "4"), (reg.FREQUENCY, "3")):
        editor = open_editor(panel.register_view, register_index(panel, "T4", column), QComboBox)
        assert [editor.itemText(i) for i in range(editor.count())] == ["", "1", "2", "3", "4", "5"]
        qtbot.keyClicks(editor, key)
        commit(qtbot, editor)
    scores = card_by_tag(reopened(workshop_path), "T4").scores
    assert (scores.severity, scores.frequency) == (4, 3)
    assert register_index(panel, "T4", reg.RISK).data() == "12"
    panel.service.undo_stack.undo()
    assert card_by_tag(reopened(workshop_path), "T4").scores.frequency is None
    assert register_index(panel, "T4", reg.RISK).data() == ""


def test_category_comes_from_the_workshop_scheme(qtbot, panel, workshop_path):
    """The category combo lists the six big losses; the choice is saved and undone."""
    editor = open_editor(panel.register_view, register_index(panel, "T5", reg.CATEGORY), QComboBox)
    labels = [editor.itemText(i) for i in range(editor.count())]
    assert labels[0] == reg.NONE_LABEL and "Minor stops" in labels and "Breakdowns" in labels
    editor.setCurrentIndex(editor.findText("Minor stops"))
    commit(qtbot, editor)
    assert card_by_tag(reopened(workshop_path), "T5").category == "Minor stops"
    panel.service.undo_stack.undo()
    assert card_by_tag(reopened(workshop_path), "T5").category == ""


def test_votes_typed_in_the_register_are_saved(qtbot, panel, workshop_path):
    """Typing 3 in T6's votes gives it three dots in the file; undo takes them back."""
    editor = open_editor(panel.register_view, register_index(panel, "T6", reg.VOTES), QSpinBox)
    editor.selectAll()
    qtbot.keyClicks(editor, "3")
    commit(qtbot, editor)
    assert card_by_tag(reopened(workshop_path), "T6").votes == 3
    panel.service.undo_stack.undo()
    assert card_by_tag(reopened(workshop_path), "T6").votes == 0


def test_bad_score_is_refused_with_a_message_and_the_file_kept(qtbot, panel, workshop_path):
    """A score of 9 (pasted, say) is refused in words; nothing is saved and nothing crashes."""
    with qtbot.waitSignal(panel.edit_refused) as refused:
        assert not panel.register_proxy.setData(register_index(panel, "T7", reg.IMPACT), "9")
    assert "between 1 and 5" in refused.args[0]
    assert panel.message.isVisible() and "between 1 and 5" in panel.message.text()
    assert card_by_tag(reopened(workshop_path), "T7").scores.impact is None
    assert panel.service.undo_stack.count() == 0


def test_status_combo_offers_allowed_moves_and_a_disallowed_move_is_refused(qtbot, panel, workshop_path):
    """An open action offers open, in progress, done; going straight to verified is refused and unsaved."""
    panel.tabs.setCurrentIndex(1)
    index = plan_index(panel, "Replace star wheel", plan.STATUS)
    editor = open_editor(panel.action_view, index, QComboBox)
    assert [editor.itemText(i) for i in range(editor.count())] == ["Open", "In progress", "Done"]
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    with qtbot.waitSignal(panel.edit_refused) as refused:
        assert not panel.action_proxy.setData(index, ActionStatus.VERIFIED.value)
    assert "not straight to verified" in refused.args[0]
    action = next(a for a in reopened(workshop_path).actions.values() if a.what == "Replace star wheel")
    assert action.status is ActionStatus.OPEN
    assert panel.service.undo_stack.count() == 0


def test_status_owner_and_due_edited_in_the_plan_reach_the_file_and_undo(qtbot, panel, workshop_path):
    """Status by combo, owner from the roster and due date by date editor: three saved steps, undone."""
    panel.tabs.setCurrentIndex(1)
    editor = open_editor(panel.action_view, plan_index(panel, "Train operators", plan.STATUS), QComboBox)
    editor.setCurrentIndex(editor.findText("In progress"))
    commit(qtbot, editor)
    editor = open_editor(panel.action_view, plan_index(panel, "Train operators", plan.OWNER), QComboBox)
    editor.setCurrentIndex(editor.findText("Ana"))
    commit(qtbot, editor)
    editor = open_editor(panel.action_view, plan_index(panel, "Train operators", plan.DUE), QDateEdit)
    editor.setDate(QDate(2025, 8, 15))
    commit(qtbot, editor)

    def saved():
        return next(a for a in reopened(workshop_path).actions.values() if a.what == "Train operators")

    ana = next(iter(panel.service.document.people))
    assert (saved().status, saved().owner_id, saved().due) == (ActionStatus.IN_PROGRESS, ana,
                                                                date(2025, 8, 15))
    assert plan_index(panel, "Train operators", plan.OWNER).data() == "Ana"
    assert panel.service.undo_stack.count() == 3
    panel.service.undo_stack.undo()
    assert saved().due == date(2025, 7, 1)
    panel.service.undo_stack.undo()
    panel.service.undo_stack.undo()
    assert (saved().status, saved().owner_id) == (ActionStatus.OPEN, None)


def test_needs_standard_checkbox_and_iso_due_text(panel, workshop_path):
    """Ticking 'needs standard' and typing an ISO due date are saved; a non-date is refused."""
    assert panel.action_proxy.setData(plan_index(panel, "Train operators", plan.STANDARD),
                                      Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    assert panel.action_proxy.setData(plan_index(panel, "Train operators", plan.DUE), "2025-09-30")
    assert not panel.action_proxy.setData(plan_index(panel, "Train operators", plan.DUE), "next week")
    action = next(a for a in reopened(workshop_path).actions.values() if a.what == "Train operators")
    assert action.needs_standard and action.due == date(2025, 9, 30)
    assert "not a date" in panel.message.text()


def test_tags_sort_in_tag_order_and_numbers_numerically(panel):
    """T2 comes before T10 and causes after troubles; votes 9 sort before 10."""
    assert column_texts(panel, reg.TAG) == [*(f"T{n}" for n in range(1, 11)), "C1"]
    panel.register_view.sortByColumn(reg.TAG, Qt.SortOrder.DescendingOrder)
    assert column_texts(panel, reg.TAG)[:3] == ["C1", "T10", "T9"]
    service = panel.service
    service.vote(card_by_tag(service.document, "T1").id, 10)
    service.vote(card_by_tag(service.document, "T2").id, 9)
    panel.register_view.sortByColumn(reg.VOTES, Qt.SortOrder.DescendingOrder)
    assert column_texts(panel, reg.TAG)[:2] == ["T1", "T2"]
    assert column_texts(panel, reg.VOTES)[:2] == ["10", "9"]


def test_filter_matches_any_column_ignoring_case(qtbot, panel):
    """Typing in the register's filter keeps rows whose any cell contains the text, any case."""
    qtbot.keyClicks(panel.register_filter, "STAR WHEEL")
    assert column_texts(panel, reg.TAG) == ["C1"]
    panel.register_filter.clear()
    qtbot.keyClicks(panel.register_filter, "c1")  # the Causes column of T1 names C1
    assert column_texts(panel, reg.TAG) == ["T1", "C1"]
    qtbot.keyClicks(panel.action_filter, "ana")
    assert panel.action_proxy.rowCount() == 1


def test_overdue_rows_are_red_by_the_given_date(panel, filled):
    """The action due 1 May is overdue on 1 June (red row, red card) but not on 1 April, nor once done."""
    assert plan_index(panel, "Replace star wheel", plan.WHAT).data(Qt.ItemDataRole.ForegroundRole) == RED
    assert register_index(panel, "T2", reg.TEXT).data(Qt.ItemDataRole.ForegroundRole) == RED
    assert register_index(panel, "T2", reg.ACTIONS).data() == "1 / 1 overdue"
    assert register_index(panel, "T3", reg.TEXT).data(Qt.ItemDataRole.ForegroundRole) is None
    assert plan_index(panel, "Train operators", plan.WHAT).data(Qt.ItemDataRole.ForegroundRole) is None
    panel.set_service(filled, today=date(2025, 4, 1))
    assert register_index(panel, "T2", reg.TEXT).data(Qt.ItemDataRole.ForegroundRole) is None
    panel.set_service(filled, today=TODAY)
    action = next(a for a in filled.document.actions.values() if a.what == "Replace star wheel")
    filled.update_action(action.id, status=ActionStatus.DONE)
    assert plan_index(panel, "Replace star wheel", plan.WHAT).data(Qt.ItemDataRole.ForegroundRole) is None
    assert register_index(panel, "T2", reg.ACTIONS).data() == "1"


def test_selection_announces_cards_and_show_cards_selects_without_echo(qtbot, panel):
    """Selecting register rows emits their card ids; show_cards selects and scrolls silently;
    selecting an action emits the cards it answers."""
    doc = panel.service.document
    heard: list[list[str]] = []
    panel.cards_selected.connect(heard.append)
    selection = panel.register_view.selectionModel()
    flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
    selection.select(register_index(panel, "T4", reg.TAG), flags)
    assert heard == [[card_by_tag(doc, "T4").id]]
    wanted = [card_by_tag(doc, "C1").id, card_by_tag(doc, "T9").id]
    panel.show_cards(wanted)
    assert sorted(panel.selected_card_ids()) == sorted(wanted)
    assert len(heard) == 1
    panel.action_view.selectRow(plan_index(panel, "Replace star wheel", plan.WHAT).row())
    assert heard[-1] == [card_by_tag(doc, "T2").id]


def test_one_card_edit_updates_one_row_without_reset(panel, filled):
    """Editing one card's text emits dataChanged for its row only; moving it on the map emits nothing;
    adding and deleting a card insert and remove one row."""
    model = panel.register_model
    changed: list[tuple[int, int]] = []
    resets: list[bool] = []
    inserted: list[tuple[int, int]] = []
    model.dataChanged.connect(lambda top, bottom, roles=(): changed.append((top.row(), bottom.row())))
    model.modelReset.connect(lambda: resets.append(True))
    model.rowsInserted.connect(lambda parent, first, last: inserted.append((first, last)))
    t5 = card_by_tag(filled.document, "T5")
    filled.update_card(t5.id, text="Caps skewed")
    assert changed == [(model.row_of(t5.id), model.row_of(t5.id))]
    changed.clear()
    filled.move_cards({t5.id: (t5.x + 10, t5.y)})
    assert changed == []
    new = filled.add_card(CardKind.TROUBLE, 0, 900, "Labels peel")
    assert inserted == [(10, 10)] and model.card_id(10) == new.id
    filled.delete_cards([new.id])
    assert model.row_of(new.id) == -1 and model.rowCount() == 11
    plan_changes: list[tuple[int, int]] = []
    panel.action_model.dataChanged.connect(lambda top, bottom, roles=(): plan_changes.append(
        (top.row(), bottom.row())))
    panel.action_model.modelReset.connect(lambda: resets.append(True))
    action = next(iter(filled.document.actions.values()))
    filled.update_action(action.id, what="Replace both star wheels")
    assert len(plan_changes) == 1 and plan_changes[0][0] == plan_changes[0][1]
    assert resets == []


def test_new_action_button_adds_an_action_and_edits_its_text(qtbot, panel, workshop_path):
    """With T8 selected, the button adds an action on T8 and opens its What cell; typing names it."""
    panel.show_cards([card_by_tag(panel.service.document, "T8").id])
    assert panel.new_action_button.isEnabled()
    qtbot.mouseClick(panel.new_action_button, Qt.MouseButton.LeftButton)
    assert panel.tabs.currentIndex() == 1
    editor = panel.action_view.viewport().findChild(QLineEdit)
    assert editor is not None and editor.text() == "New action"
    editor.selectAll()
    qtbot.keyClicks(editor, "Fit a guide rail")
    commit(qtbot, editor)
    t8 = card_by_tag(panel.service.document, "T8").id
    saved = [a for a in reopened(workshop_path).actions.values() if a.card_ids == (t8,)]
    assert [a.what for a in saved] == ["Fit a guide rail"]
    assert panel.service.undo_stack.count() == 2


def test_read_only_workshop_cannot_be_edited(qtbot, filled, workshop_path):
    """Over a read-only file no cell is editable and the new-action button is off."""
    read_only = WorkshopService(open_workshop(workshop_path, read_only=True))
    tables = TablesPanel()
    qtbot.addWidget(tables)
    tables.set_service(read_only, today=TODAY)
    try:
        index = register_index(tables, "T1", reg.TEXT)
        assert not index.flags() & Qt.ItemFlag.ItemIsEditable
        assert not plan_index(tables, "Train operators", plan.WHAT).flags() & Qt.ItemFlag.ItemIsEditable
        tables.show_cards([card_by_tag(read_only.document, "T1").id])
        assert not tables.new_action_button.isEnabled()
        assert not tables.register_proxy.setData(index, "Changed")
    finally:
        tables.set_service(None)
        read_only.close()


def test_supporting_people_typed_by_name(qtbot, panel, workshop_path):
    """Supporters are typed as roster names; an unknown name is refused and the file kept."""
    panel.service.add_person("Bo Lind")
    panel.tabs.setCurrentIndex(1)
    editor = open_editor(panel.action_view, plan_index(panel, "Train operators", plan.SUPPORTERS), QLineEdit)
    editor.setText("ana, Bo Lind")
    commit(qtbot, editor)
    saved = next(a for a in reopened(workshop_path).actions.values() if a.what == "Train operators")
    names = {p.id: p.name for p in panel.service.document.people.values()}
    assert [names[pid] for pid in saved.supporter_ids] == ["Ana", "Bo Lind"]
    assert plan_index(panel, "Train operators", plan.SUPPORTERS).data() == "Ana, Bo Lind"
    refused = []
    panel.edit_refused.connect(refused.append)
    editor = open_editor(panel.action_view, plan_index(panel, "Train operators", plan.SUPPORTERS), QLineEdit)
    editor.setText("Nobody Known")
    commit(qtbot, editor)
    assert refused and "Nobody Known is not on the team roster" in refused[-1]
    again = next(a for a in reopened(workshop_path).actions.values() if a.what == "Train operators")
    assert again.supporter_ids == saved.supporter_ids


def test_supporter_names_with_commas_and_ambiguous_names(qtbot, panel, workshop_path):
    panel.service.add_person("Lee, Ann")
    panel.service.add_person("Sam")
    panel.service.add_person("Sam")
    panel.tabs.setCurrentIndex(1)
    refused = []
    panel.edit_refused.connect(refused.append)
    editor = open_editor(panel.action_view, plan_index(panel, "Train operators", plan.SUPPORTERS), QLineEdit)
    editor.setText("Lee, Ann, Ana")
    commit(qtbot, editor)
    saved = next(a for a in reopened(workshop_path).actions.values() if a.what == "Train operators")
    names = {p.id: p.name for p in panel.service.document.people.values()}
    assert [names[pid] for pid in saved.supporter_ids] == ["Lee, Ann", "Ana"]
    editor = open_editor(panel.action_view, plan_index(panel, "Train operators", plan.SUPPORTERS), QLineEdit)
    editor.setText("Sam")
    commit(qtbot, editor)
    assert refused and "More than one person" in refused[-1]
