"""The priorities panel over a real workshop file: drags score troubles through the service, reach the
file and undo; ranking and Pareto follow the model; read-only workshops refuse; hostile text is harmless."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from trouble_mapper.domain.model import Card, Scores
from trouble_mapper.domain.vocabulary import CardKind
from trouble_mapper.service import WorkshopService
from trouble_mapper.storage.workshop_file import open_workshop
from trouble_mapper.ui.priorities_panel import PrioritiesPanel
from trouble_mapper.ui.priority_matrix import TRAY, PriorityMatrix, cell_rect

LEFT = Qt.MouseButton.LeftButton
NO = Qt.KeyboardModifier.NoModifier
T = CardKind.TROUBLE


def add_troubles(service: WorkshopService, *specs: dict) -> list[Card]:
    """Pin troubles (one step) with the given fields, spread out on the map."""
    return service.add_cards([{"kind": T, "x": 250.0 * i, "y": 0.0, **spec} for i, spec in enumerate(specs)])


def reopened(path: Path) -> dict[str, Card]:
    """The cards a fresh read-only open of the file finds, by tag."""
    opened = open_workshop(path, read_only=True)
    try:
        return {card.tag: card for card in opened.document.cards.values()}
    finally:
        opened.close()


def make_panel(qtbot, service: WorkshopService | None) -> PrioritiesPanel:
    panel = PrioritiesPanel()
    qtbot.addWidget(panel)
    panel.resize(1000, 700)
    panel.set_service(service)
    panel.show()
    qtbot.waitExposed(panel)
    return panel


def show_tab(qtbot, panel: PrioritiesPanel, widget) -> None:
    """Bring forward the tab holding ``widget``."""
    for index in range(panel.tabs.count()):
        if panel.tabs.widget(index) is widget or panel.tabs.widget(index).isAncestorOf(widget):
            panel.tabs.setCurrentIndex(index)
    qtbot.waitUntil(widget.isVisible)


def drag(matrix: PriorityMatrix, start: QPoint, end: QPoint) -> None:
    """Press, move past the drag distance, move to ``end`` and release, on the matrix's viewport."""
    viewport = matrix.viewport()
    QTest.mousePress(viewport, LEFT, NO, start)
    QTest.mouseMove(viewport, start + QPoint(12, 12))
    QTest.mouseMove(viewport, end)
    QTest.mouseRelease(viewport, LEFT, NO, end)


@pytest.fixture
def scored(service):
    """T1 impact 5 / effort 1 (a quick win), T2 unscored, T3 severity 4 / frequency 2."""
    return add_troubles(service, {"text": "Labeller jams", "scores": Scores(impact=5, effort=1)},
                        {"text": "Caps cross-threaded"},
                        {"text": "Film tears", "scores": Scores(severity=4, frequency=2)})


def test_dragging_a_chip_to_another_cell_scores_it_in_the_file_and_undo_restores(qtbot, service,
                                                                                 workshop_path, scored):
    """T1 dragged from (effort 1, impact 5) to (effort 4, impact 2) is saved as one step; undo restores."""
    panel = make_panel(qtbot, service)
    matrix = panel.impact_matrix
    t1 = scored[0]
    assert matrix.slot_of(t1.id) == (1, 5)
    steps = service.undo_stack.count()
    drag(matrix, matrix.chip_point(t1.id), matrix.slot_point((4, 2)))
    assert service.undo_stack.count() == steps + 1
    assert matrix.slot_of(t1.id) == (4, 2)
    assert reopened(workshop_path)["T1"].scores == Scores(impact=2, effort=4)
    assert cell_rect((4, 2)).contains(matrix._chips[t1.id].sceneBoundingRect())
    service.undo_stack.undo()
    assert matrix.slot_of(t1.id) == (1, 5)
    assert reopened(workshop_path)["T1"].scores == Scores(impact=5, effort=1)


def test_dragging_from_the_tray_scores_an_unscored_trouble(qtbot, service, workshop_path, scored):
    """T2 waits in the tray; dropped on (effort 2, impact 4) it is scored impact 4, effort 2."""
    panel = make_panel(qtbot, service)
    matrix = panel.impact_matrix
    t2 = scored[1]
    assert matrix.slot_of(t2.id) == TRAY
    drag(matrix, matrix.chip_point(t2.id), matrix.slot_point((2, 4)))
    assert matrix.slot_of(t2.id) == (2, 4)
    assert reopened(workshop_path)["T2"].scores == Scores(impact=4, effort=2)


def test_dragging_back_to_the_tray_clears_both_scores(qtbot, service, workshop_path, scored):
    """A scored chip dropped on the tray loses its impact and effort (one undoable step)."""
    matrix = make_panel(qtbot, service).impact_matrix
    drag(matrix, matrix.chip_point(scored[0].id), matrix.slot_point(TRAY))
    assert matrix.slot_of(scored[0].id) == TRAY
    assert reopened(workshop_path)["T1"].scores == Scores()


def test_risk_matrix_drag_sets_severity_and_frequency(qtbot, service, workshop_path, scored):
    """On the risk tab the same drag scores severity (up) and frequency (across)."""
    panel = make_panel(qtbot, service)
    matrix = panel.risk_matrix
    show_tab(qtbot, panel, matrix)
    t3 = scored[2]
    assert matrix.slot_of(t3.id) == (2, 4)
    drag(matrix, matrix.chip_point(t3.id), matrix.slot_point((5, 5)))
    assert reopened(workshop_path)["T3"].scores == Scores(severity=5, frequency=5)
    assert matrix.slot_of(t3.id) == (5, 5)
    assert panel.impact_matrix.slot_of(t3.id) == TRAY  # still no impact or effort


def test_drop_outside_the_grid_or_on_the_same_cell_changes_nothing(qtbot, service, scored):
    """A drop on the axis margin or back on its own cell makes no step and the chip snaps back."""
    matrix = make_panel(qtbot, service).impact_matrix
    t1 = scored[0]
    before = matrix._chips[t1.id].pos()
    drag(matrix, matrix.chip_point(t1.id), matrix.mapFromScene(5, 5))
    drag(matrix, matrix.chip_point(t1.id), matrix.slot_point((1, 5)))
    assert service.undo_stack.count() == 1  # only the import
    assert matrix._chips[t1.id].pos() == before


def test_click_on_a_chip_selects_its_card(qtbot, service, scored):
    """A click without a drag announces the card for the map to select, and outlines the chip."""
    panel = make_panel(qtbot, service)
    matrix = panel.impact_matrix
    with qtbot.waitSignal(panel.cards_selected) as blocker:
        QTest.mouseClick(matrix.viewport(), LEFT, NO, matrix.chip_point(scored[0].id))
    assert blocker.args == [[scored[0].id]]
    assert matrix._chips[scored[0].id].highlighted
    assert service.undo_stack.count() == 1


def test_read_only_workshop_refuses_drags(qtbot, qapp, workshop_path):
    """Read-only: the chip does not follow the mouse, the message is shown, the file is unchanged."""
    writable = open_workshop(workshop_path)
    editor = WorkshopService(writable)
    add_troubles(editor, {"text": "Labeller jams", "scores": Scores(impact=5, effort=1)})
    editor.undo_stack.clear()
    writable.close()
    read_only = open_workshop(workshop_path, read_only=True)
    try:
        service = WorkshopService(read_only)
        panel = make_panel(qtbot, service)
        matrix = panel.impact_matrix
        card_id = next(iter(service.document.cards))
        chip = matrix._chips[card_id]
        start, before = matrix.chip_point(card_id), chip.pos()
        viewport = matrix.viewport()
        QTest.mousePress(viewport, LEFT, NO, start)
        QTest.mouseMove(viewport, matrix.slot_point((4, 2)))
        assert chip.pos() == before  # no dragging
        with qtbot.waitSignal(panel.edit_refused) as blocker:
            QTest.mouseRelease(viewport, LEFT, NO, matrix.slot_point((4, 2)))
        assert "read-only" in blocker.args[0]
        assert panel.message.isVisible() and "read-only" in panel.message.text()
        assert chip.pos() == before
        assert reopened(workshop_path)["T1"].scores == Scores(impact=5, effort=1)
        panel.set_service(None)
    finally:
        read_only.close()


def test_ranking_by_votes_follows_service_votes_and_toggles_to_risk(qtbot, service, scored):
    """Votes reorder the ranking at once (ties in tag order); "By risk" ranks on severity x frequency."""
    panel = make_panel(qtbot, service)
    t1, t2, t3 = scored
    assert panel.ranked_card_ids() == [t1.id, t2.id, t3.id]
    service.vote(t3.id, 3)
    service.vote(t2.id, 1)
    service.vote(t1.id, 1)
    assert panel.ranked_card_ids() == [t3.id, t1.id, t2.id]
    table = panel.ranking_table
    assert [table.item(row, 0).text() for row in range(3)] == ["1", "2", "2"]
    assert table.item(0, 3).text() == "3"
    panel.rank_by_risk.click()
    assert panel.rank_by() == "risk"
    assert panel.ranked_card_ids()[0] == t3.id
    assert table.item(0, 4).text() == "8"
    assert table.item(1, 0).text() == "–"  # unscored troubles have no rank


def test_clicking_a_ranking_row_selects_the_card(qtbot, service, scored):
    """Picking a row announces its card; refreshing the table keeps the selection without re-announcing."""
    panel = make_panel(qtbot, service)
    show_tab(qtbot, panel, panel.ranking_table)
    table = panel.ranking_table
    with qtbot.waitSignal(panel.cards_selected) as blocker:
        QTest.mouseClick(table.viewport(), LEFT, NO, table.visualItemRect(table.item(1, 2)).center())
    assert blocker.args == [[scored[1].id]]
    with qtbot.assertNotEmitted(panel.cards_selected):
        service.vote(scored[2].id, 1)
    assert {index.row() for index in table.selectionModel().selectedRows()} == {
        panel.ranked_card_ids().index(scored[1].id)}


def test_pareto_values_for_a_known_document(qtbot, service):
    """Bars by category and by zone, counted and by votes, with cumulative percents; causes do not count."""
    zone = service.add_zone("Filler", -50, -50, 300, 300)
    add_troubles(service, {"category": "Breakdowns", "votes": 1, "x": 0.0},
                 {"category": "Breakdowns", "votes": 0}, {"category": "Minor stops", "votes": 6},
                 {"category": "", "votes": 1})
    service.add_card(CardKind.CAUSE, 2000, 2000, "Worn seal", category="Minor stops", votes=9)
    panel = make_panel(qtbot, service)
    show_tab(qtbot, panel, panel.pareto_chart)
    chart = panel.pareto_chart
    assert chart.bars() == [("Breakdowns", 2, 50.0), ("Minor stops", 1, 75.0), ("(none)", 1, 100.0)]
    panel.pareto_weight.setCurrentIndex(panel.pareto_weight.findData("votes"))
    assert chart.bars() == [("Minor stops", 6, 75.0), ("Breakdowns", 1, 87.5), ("(none)", 1, 100.0)]
    panel.pareto_by.setCurrentIndex(panel.pareto_by.findData("zone"))
    in_filler = [c for c in service.document.cards.values() if c.zone_id == zone.id]
    assert [c.tag for c in in_filler] == ["T1"]
    assert chart.bars() == [("(none)", 7, 87.5), ("Filler", 1, 100.0)]
    service.vote(in_filler[0].id, 10)  # refreshes from service.changed
    assert chart.bars()[0] == ("Filler", 11, 61.111111111111114)
    chart.grab()


def test_cards_added_deleted_and_changed_elsewhere_refresh_the_matrix(qtbot, service, scored):
    """A new trouble lands in the tray, a deleted one disappears, a cause never shows, an edit re-tags."""
    panel = make_panel(qtbot, service)
    matrix = panel.impact_matrix
    new = service.add_card(T, 0, 0, "Glue gun drips")
    cause = service.add_card(CardKind.CAUSE, 0, 0, "Nozzle worn", scores=Scores(impact=3, effort=3))
    assert matrix.slot_of(new.id) == TRAY and matrix.slot_of(cause.id) is None
    service.set_scores(new.id, impact=3, effort=3)
    assert matrix.slot_of(new.id) == (3, 3)
    service.delete_cards([scored[0].id])
    assert matrix.slot_of(scored[0].id) is None
    service.update_card(new.id, kind=CardKind.CAUSE)
    assert matrix.slot_of(new.id) is None
    service.undo_stack.undo()
    assert matrix.slot_of(new.id) == (3, 3)


def test_hostile_text_and_crowded_cells_do_not_break_layout(qtbot, service):
    """Long words, emoji, markup and 60 troubles in one cell lay out inside the cell and paint cleanly."""
    hostile = ["x" * 5000, "🚀🔥💥" * 300, "<b>bold</b> & =SUM(A1)", "\u202eevil", "line\nbreaks\r\n" * 50]
    everything = Scores(impact=5, effort=1, severity=5, frequency=5)
    specs = [{"text": text, "category": text[:300], "scores": everything} for text in hostile]
    specs += [{"text": f"Crowd {i}", "scores": Scores(impact=5, effort=1)} for i in range(55)]
    specs += [{"text": "🙂" * 100} for _ in range(40)]  # a full tray
    cards = add_troubles(service, *specs)
    panel = make_panel(qtbot, service)
    for index in range(panel.tabs.count()):
        panel.tabs.setCurrentIndex(index)
        panel.grab()
    crowded = cell_rect((1, 5))
    for card in cards[:60]:
        assert crowded.contains(panel.impact_matrix._chips[card.id].sceneBoundingRect())
    panel.resize(200, 150)
    panel.grab()
    panel.set_service(None)
    assert panel.ranked_card_ids() == [] and panel.pareto_chart.bars() == []
    panel.grab()
