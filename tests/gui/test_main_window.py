"""The main window over a real workshop file: open, edit on the canvas, undo/redo from the menu."""

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel

from trouble_mapper.domain.vocabulary import CardKind
from trouble_mapper.service import WorkshopService
from trouble_mapper.storage.workshop_file import open_workshop
from trouble_mapper.ui import places
from trouble_mapper.ui.main_window import MainWindow


@pytest.fixture
def window(qtbot, monkeypatch):
    errors: list[tuple[str, str]] = []
    win = MainWindow()
    monkeypatch.setattr(win, "show_error", lambda title, text: errors.append((title, text)))
    win.errors = errors
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.close_workshop()


def seed_cards(path: Path, count: int) -> None:
    """Put ``count`` troubles in a row into a closed workshop file."""
    opened = open_workshop(path)
    service = WorkshopService(opened)
    for i in range(count):
        service.add_card(CardKind.TROUBLE, 100 + 250 * i, 300, f"Trouble {i + 1}")
    service.close()


def reopened_positions(path: Path) -> dict[str, tuple[float, float]]:
    opened = open_workshop(path, read_only=True)
    try:
        return {c.tag: (c.x, c.y) for c in opened.document.cards.values()}
    finally:
        opened.close()


def test_drag_then_menu_undo_redo_change_the_file(window, workshop_path, qtbot):
    """Dragging a card on the canvas saves the move; Edit > Undo and Redo restore each state in the file."""
    seed_cards(workshop_path, 3)
    assert window.open_path(workshop_path)
    view = window.view
    item = view.map_scene().cards[next(c.id for c in window.service.document.cards.values() if c.number == 1)]
    start = view.mapFromScene(item.sceneBoundingRect().center())
    end = start + QPoint(120, 60)
    QTest.mousePress(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    QTest.mouseMove(view.viewport(), start + QPoint(10, 5))
    QTest.mouseMove(view.viewport(), end)
    QTest.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, end)

    moved = reopened_positions(workshop_path)["T1"]
    assert moved != (100.0, 300.0)
    assert window.undo_action.text() == "Undo Move T1"
    window.undo_action.trigger()
    assert reopened_positions(workshop_path)["T1"] == (100.0, 300.0)
    assert item.pos().x() == 100.0
    assert window.redo_action.text() == "Redo Move T1"
    window.redo_action.trigger()
    assert reopened_positions(workshop_path)["T1"] == moved
    assert not window.errors


def test_title_names_workshop_and_file(window, workshop_path):
    """The window title shows the workshop's name and its file name."""
    window.open_path(workshop_path)
    assert "Line 4 trouble map" in window.windowTitle()
    assert workshop_path.name in window.windowTitle()


def test_bad_file_shows_message_and_keeps_current_workshop(window, workshop_path, tmp_path):
    """Opening a file that is not a workshop shows a message naming it; the open workshop stays open."""
    window.open_path(workshop_path)
    bad = tmp_path / "notes.troublemap"
    bad.write_text("shopping list")
    assert not window.open_path(bad)
    assert window.errors and "notes.troublemap" in window.errors[0][1]
    assert window.service.file.path == workshop_path
    assert bad.read_text() == "shopping list"


def test_read_only_file_shows_banner_and_refuses_edits(window, workshop_path, monkeypatch):
    """A read-only workshop opens with a visible banner and its edit actions disabled."""
    monkeypatch.setattr("trouble_mapper.storage.workshop_file._writable",
                        lambda path: "The file is read-only.")
    window.open_path(workshop_path)
    assert window.banner.isVisible() and "read-only" in window.banner.text().lower()
    assert not window.map_actions.new_trouble.isEnabled()
    assert "[read-only]" in window.windowTitle()


def test_new_workshop_is_written_to_data_folder_and_offered_next_start(qtbot, window):
    """New creates the file in the user's data folder at once; a new window offers to reopen it."""
    path = window.new_workshop("Filler 2: changeovers")
    assert path is not None and path.exists()
    assert "Workshops" in path.parts and path.name == "Filler 2 changeovers.troublemap"
    window.service.add_card(CardKind.TROUBLE, 100, 100, "Bottles fall at the starwheel")
    window.close()
    again = MainWindow()
    qtbot.addWidget(again)
    again.show_welcome()
    assert again.welcome.reopen_button.isVisibleTo(again.welcome)
    again.welcome.reopen_button.click()
    assert again.service is not None and again.service.file.path == path
    assert [c.text for c in again.service.document.cards.values()] == ["Bottles fall at the starwheel"]
    again.close_workshop()


def test_file_new_runs_the_guide_and_opens_what_it_set_up(qtbot, window, monkeypatch):
    """File > New Workshop: the guide's answers are in the file the window opens; Cancel creates nothing."""
    from PySide6.QtWidgets import QDialog

    from trouble_mapper.domain.vocabulary import Role
    from trouble_mapper.ui.workshop_guide import NewWorkshopGuide

    def answer(guide) -> int:
        guide.fields.title_edit.setText("Line 7 guided")
        guide.team_page.sponsor_edit.setText("Maria Lopez")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(NewWorkshopGuide, "exec", answer)
    window.new_action.trigger()
    assert window.service is not None and window.service.document.workshop.title == "Line 7 guided"
    assert [(p.name, p.roles) for p in window.service.document.people.values()] == [
        ("Maria Lopez", (Role.SPONSOR,))]
    assert window.service.file.path.name == "Line 7 guided.troublemap"
    window.close_workshop()

    monkeypatch.setattr(NewWorkshopGuide, "exec", lambda guide: QDialog.DialogCode.Rejected)
    assert window.new_workshop() is None and window.service is None


def test_second_window_gets_already_open_message(qtbot, window, workshop_path):
    """The same file opened by a second window is refused with an "already open" message."""
    window.open_path(workshop_path)
    second = MainWindow()
    qtbot.addWidget(second)
    messages = []
    second.show_error = lambda title, text: messages.append(text)
    assert not second.open_path(workshop_path)
    assert "already open" in messages[0]


def test_save_as_moves_editing_to_the_copy(window, workshop_path, tmp_path):
    """Save As writes a full copy and further edits go to it; the original keeps its content."""
    seed_cards(workshop_path, 1)
    window.open_path(workshop_path)
    target = tmp_path / "copy.troublemap"
    assert window.save_as(target)
    window.service.add_card(CardKind.TROUBLE, 100, 100, "Only in the copy")
    assert len(reopened_positions(target)) == 2
    assert len(reopened_positions(workshop_path)) == 1


def test_opens_example_copy_and_menu_undo_redo_change_its_file(window, qtbot):
    """`--example` path: the window shows the example's map; an edit and its undo/redo reach the file."""
    assert window.open_example()
    path = window.service.file.path
    assert path != places.bundled_example()
    scene = window.view.map_scene()
    assert len(scene.cards) == len(window.service.document.cards) > 20
    qtbot.waitUntil(lambda: scene.background_item is not None, timeout=5000)
    assert scene.background_item.pixmap().width() == 2400
    t1 = next(c for c in window.service.document.cards.values() if c.tag == "T1")
    window.service.move_cards({t1.id: (t1.x + 50, t1.y)})
    assert reopened_positions(path)["T1"] == (t1.x + 50, t1.y)
    window.undo_action.trigger()
    assert reopened_positions(path)["T1"] == (t1.x, t1.y)
    window.redo_action.trigger()
    assert reopened_positions(path)["T1"] == (t1.x + 50, t1.y)
    assert not window.errors


def test_background_picture_arrives_after_the_cards_and_latest_wins(window, workshop_path, qtbot):
    """The picture is decoded off the main thread; when two replace each other fast, the last one shows."""
    seed_cards(workshop_path, 2)
    window.open_path(workshop_path)
    scene = window.view.map_scene()
    assert scene.background_item is None and len(scene.cards) == 2

    def png(width: int, height: int) -> bytes:
        from PySide6.QtCore import QBuffer, QIODevice
        from PySide6.QtGui import QImage

        image, buffer = QImage(width, height, QImage.Format.Format_RGB32), QBuffer()
        image.fill(0x336699)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        image.save(buffer, "PNG")
        return bytes(buffer.data().data())

    window.service.set_background(png(3000, 2000), "png")
    window.service.set_background(png(640, 480), "png")
    qtbot.waitUntil(lambda: not scene.background_pending, timeout=5000)
    assert scene.background_item.pixmap().size().toTuple() == (640, 480)
    window.undo_action.trigger()
    qtbot.waitUntil(lambda: not scene.background_pending, timeout=5000)
    assert scene.background_item.pixmap().size().toTuple() == (3000, 2000)
    window.service.update_background(scale=2.0)  # same picture: placed at once, not decoded again
    assert not scene.background_pending and scene.background_item.scale() == 2.0


def test_panels_follow_the_map_selection_and_select_on_it(window, workshop_path):
    """Choosing a trouble in the priorities panel selects it on the map; the map's selection shows there."""
    seed_cards(workshop_path, 3)
    window.open_path(workshop_path)
    scene = window.view.map_scene()
    t2 = next(c.id for c in window.service.document.cards.values() if c.number == 2)
    window.priorities.cards_selected.emit([t2])
    assert scene.selected_card_ids() == [t2]
    assert window.inspector.card_ids == [t2]
    window.close_workshop()
    assert window.priorities_dock.widget() is window.priorities


def test_team_menu_opens_roster_and_review_and_meetings_panel_follows_the_workshop(window, workshop_path):
    from trouble_mapper.ui.review_mode import ReviewDialog
    from trouble_mapper.ui.roster import RosterDialog

    window.open_path(workshop_path)
    assert window.meetings is None  # made when its dock is first shown
    window.meetings_dock.show()
    assert window.meetings is not None and window.meetings_dock.widget() is window.meetings
    window.roster_action.trigger()
    dialogs = [w for w in window.findChildren(RosterDialog)]
    assert dialogs and dialogs[0].isVisible()
    dialogs[0].reject()
    window.review_action.trigger()
    reviews = window.findChildren(ReviewDialog)
    assert reviews and reviews[0].isVisible()
    reviews[0].reject()
    window.close_workshop()
    assert window.meetings is None and not window.roster_action.isEnabled()


def test_register_rows_and_map_selection_follow_each_other(window, workshop_path):
    seed_cards(workshop_path, 3)
    window.open_path(workshop_path)
    scene = window.view.map_scene()
    t3 = next(c.id for c in window.service.document.cards.values() if c.number == 3)
    scene.select_only([t3])
    assert window.tables.selected_card_ids() == [t3]
    t1 = next(c.id for c in window.service.document.cards.values() if c.number == 1)
    window.tables.cards_selected.emit([t1])
    assert scene.selected_card_ids() == [t1]


def test_csv_import_preview_then_one_undo_step_and_exports(window, workshop_path, tmp_path):
    """File > Import Troubles from CSV previews every row, adds the good ones in one step; exports write
    spreadsheets that open with formulas shown as text."""
    csv_path = tmp_path / "prepared.csv"
    csv_path.write_text("Trouble;Category;Impact\nBottles fall;Minor stops;4\n;Breakdowns;2\n"
                        "=HYPERLINK(\"x\");Minor stops;9\nCaps loose;;5\n", encoding="utf-8")
    window.open_path(workshop_path)
    previews = []

    def confirm(preview):
        previews.append(preview.findChild(QLabel, "importSummary").text())
        return preview.import_button.isEnabled()

    assert window.csv.import_file(csv_path, confirm)
    assert previews and "2 troubles ready" in previews[0] and "row 3" in previews[0]
    texts = sorted(c.text for c in reopened_document(workshop_path).cards.values())
    assert texts == ["Bottles fall", "Caps loose"]
    window.undo_action.trigger()
    assert reopened_document(workshop_path).cards == {}
    window.redo_action.trigger()
    window.service.add_card(CardKind.TROUBLE, 10, 10, "=1+1 looks like a formula")
    out = tmp_path / "register.csv"
    assert window.csv.export("register", out)
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"'=1+1 looks like a formula" in data
    assert window.csv.export("plan", tmp_path / "plan.csv")
    assert not window.errors


def reopened_document(path):
    opened = open_workshop(path, read_only=True)
    try:
        return opened.document
    finally:
        opened.close()


def test_new_action_for_cards_selected_on_the_map(window, workshop_path):
    seed_cards(workshop_path, 2)
    window.open_path(workshop_path)
    t2 = next(c.id for c in window.service.document.cards.values() if c.number == 2)
    window.view.map_scene().select_only([t2])
    window.new_action_for_selection()
    (action,) = reopened_document(workshop_path).actions.values()
    assert action.card_ids == (t2,) and window.tables_dock.isVisible()
