"""Running the room: phases bring their tools, the time box counts down, the presenter view sits on the
second screen and mirrors edits, presentation mode, and the projection theme's fitted text.

The offscreen platform has three screens here (tests/screens.json): LAPTOP, PROJECTOR and WALL.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QObject, QRectF, Qt
from PySide6.QtGui import QFontMetricsF, QGuiApplication
from PySide6.QtTest import QTest

from trouble_mapper.canvas import items as card_items
from trouble_mapper.canvas import room_look
from trouble_mapper.canvas.room_look import PAD, RoomLook, lay_out
from trouble_mapper.canvas.room_view import Framing
from trouble_mapper.domain.model import Card
from trouble_mapper.domain.session import Phase
from trouble_mapper.domain.vocabulary import CardKind
from trouble_mapper.storage.workshop_file import open_workshop
from trouble_mapper.ui import room_control
from trouble_mapper.ui.main_window import MainWindow
from trouble_mapper.ui.places import bundled_example

T0 = 1_800_000_000.0


class FakeClock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def example_path(tmp_path) -> Path:
    path = tmp_path / "Packaging line 4.troublemap"
    shutil.copy(bundled_example(), path)
    return path


@pytest.fixture
def window(qtbot, monkeypatch, example_path):
    win = MainWindow()
    monkeypatch.setattr(win, "show_error", lambda title, text: None)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    assert win.open_path(example_path)
    yield win
    win.close_workshop()


def reopened(path: Path):
    opened = open_workshop(path, read_only=True)
    try:
        return opened.document
    finally:
        opened.close()


def click_phase(window: MainWindow, phase: Phase) -> None:
    window.room.phase_bar.phase_actions[phase].trigger()


# Phases.

def test_each_phase_brings_its_tools_forward_and_is_stored(window, example_path):
    click_phase(window, Phase.CAPTURE)
    assert window.view.map_scene().draft is not None  # typing a new trouble straight away
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_Escape)
    click_phase(window, Phase.PRIORITISE)
    assert window.priorities_dock.isVisible()
    click_phase(window, Phase.ACTIONS)
    assert window.tables_dock.isVisible() and window.tables.tabs.currentIndex() == 1  # the action plan
    click_phase(window, Phase.REVIEW)
    assert window.meetings_dock.isVisible()
    assert window.room.phase_bar.phase_actions[Phase.REVIEW].isChecked()
    assert reopened(example_path).session.phase is Phase.REVIEW
    assert window.service.undo_stack.count() == 0  # phases are not undo steps


# The time box.

def test_the_time_box_counts_down_signals_time_up_and_resumes_after_a_restart(window, qtbot, example_path):
    clock = FakeClock()
    room = window.room
    room.clock.clock = clock
    label = room.phase_bar.time_label
    click_phase(window, Phase.CAUSES)
    assert not room.phase_bar.time_action.isVisible()
    room.clock.set_timebox(10)
    assert room.phase_bar.time_action.isVisible() and label.text() == "10:00 paused"
    room.phase_bar.start_action.trigger()
    assert room.phase_bar.start_action.text() == "Pause"
    clock.now += 90
    room.clock.poll()
    assert label.text() == "8:30" and label.state == "running"
    assert room.header.time_label.text() == "8:30"  # the room's header shows the same time

    fired = []
    room.clock.time_up.connect(lambda: fired.append(clock.now))
    clock.now += 8 * 60 + 40
    room.clock.poll()
    room.clock.poll()
    assert fired == [T0 + 600 + 10]  # once, when it crossed zero
    assert label.state == "up" and label.text() == "Time is up +0:10"

    room.phase_bar.add_action.trigger()  # five more minutes, counted from now
    assert label.text() == "5:00"
    room.phase_bar.start_action.trigger()  # pause
    clock.now += 1_000
    room.clock.poll()
    assert label.text() == "5:00 paused"

    window.close_workshop()
    assert window.open_path(example_path)
    window.room.clock.clock = clock
    window.room.clock.poll()
    assert window.room.phase_bar.time_label.text() == "5:00 paused"
    assert window.room.phase_bar.phase_actions[Phase.CAUSES].isChecked()


def test_a_running_time_box_keeps_counting_while_the_app_is_closed(window, example_path):
    clock = FakeClock()
    window.room.clock.clock = clock
    window.room.clock.set_timebox(20)
    window.room.clock.start()
    window.close_workshop()
    clock.now += 5 * 60
    assert window.open_path(example_path)
    window.room.clock.clock = clock
    window.room.clock.poll()
    assert window.room.phase_bar.time_label.text() == "15:00"


# The presenter view.

class PaintSpy(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.paints = 0

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.paints += 1
        return False


def test_the_presenter_opens_full_screen_on_the_second_screen(window, qtbot):
    screens = QGuiApplication.screens()
    assert [s.name() for s in screens] == ["LAPTOP", "PROJECTOR", "WALL"]
    assert window.screen().name() == "LAPTOP"
    window.room.presenter_action.trigger()
    presenter = window.room.presenter
    assert presenter is not None
    qtbot.waitExposed(presenter)
    assert presenter.screen().name() == "PROJECTOR"
    assert presenter.isFullScreen()
    assert presenter.geometry() == screens[1].geometry()
    assert presenter.view.scene() is window.view.scene()  # a second view of the same map
    assert not presenter.view.isInteractive()


def test_the_presenter_mirrors_an_edit_within_one_event_loop_turn(window, qtbot, monkeypatch):
    window.room.open_presenter()
    presenter = window.room.presenter
    qtbot.waitExposed(presenter)
    presenter.view.set_framing(Framing.FIT_ALL)
    for _ in range(5):
        QCoreApplication.processEvents()
    painted_for_room: list[str] = []
    real = card_items.CardItem._paint_for_room

    def spy(item, painter, look):
        painted_for_room.append(item.card.text)
        real(item, painter, look)

    monkeypatch.setattr(card_items.CardItem, "_paint_for_room", spy)
    paints = PaintSpy()
    presenter.view.viewport().installEventFilter(paints)

    window.service.add_card(CardKind.TROUBLE, 300, 300, "Glue gun drips")  # an edit in the editor
    QCoreApplication.processEvents()  # one turn of the event loop

    assert paints.paints >= 1
    assert "Glue gun drips" in painted_for_room


def test_the_room_view_frames_what_it_is_told(window, qtbot):
    window.room.open_presenter()
    room = window.room.presenter.view
    map_rect = window.view.map_scene().map_rect()
    room.set_framing(Framing.FIT_ALL)
    assert room.mapToScene(room.viewport().rect()).boundingRect().contains(map_rect.adjusted(2, 2, -2, -2))
    zone = next(iter(window.service.document.zones.values()))
    room.set_framing(Framing.ZONE, zone.id)
    seen = room.mapToScene(room.viewport().rect()).boundingRect()
    assert seen.contains(QRectF(zone.x, zone.y, zone.width, zone.height))
    assert seen.width() * seen.height() < map_rect.width() * map_rect.height() / 3  # closer than the map
    window.view.set_zoom(1.0)
    window.view.centerOn(map_rect.center())
    room.set_framing(Framing.FOLLOW)
    assert room.mapToScene(room.viewport().rect()).boundingRect().contains(map_rect.center())
    window.view.centerOn(map_rect.topLeft())  # the facilitator pans: the room follows within 1/12 s
    qtbot.waitUntil(lambda: room.mapToScene(room.viewport().rect()).boundingRect().contains(
        window.view.visible_scene_rect().intersected(map_rect).center()), timeout=1000)


def test_selected_cards_are_highlighted_for_the_room_without_handles(window, qtbot):
    window.room.open_presenter()
    presenter = window.room.presenter
    presenter.view.set_framing(Framing.FIT_ALL)
    scene = window.view.map_scene()
    card = next(c for c in window.service.document.cards.values() if c.tag == "T5")
    scene.select_only([card.id])
    QCoreApplication.processEvents()
    image = presenter.view.viewport().grab().toImage()
    item = scene.cards[card.id]
    corner = presenter.view.mapFromScene(item.rect_in_scene.topLeft())
    halo = [image.pixelColor(corner.x() + dx, corner.y() - 3).name() for dx in range(5, 30)]
    assert "#ffb000" in halo  # the amber halo just above the card's top edge


def test_unplugging_the_projector_closes_the_presenter_and_nothing_is_lost(window, qtbot, monkeypatch):
    window.room.open_presenter()
    presenter = window.room.presenter
    projector = presenter.screen()
    cards_before = dict(window.service.document.cards)
    monkeypatch.setattr(room_control, "room_screen", lambda *args, **kwargs: None)  # no screen left
    window.room._screen_removed(projector)
    assert window.room.presenter is None and not window.room.presenter_action.isChecked()
    assert window.service.document.cards == cards_before
    assert "disconnected" in window.statusBar().currentMessage()


def test_unplugging_the_projector_moves_the_presenter_to_another_screen(window, qtbot):
    window.room.open_presenter()
    presenter = window.room.presenter
    assert presenter.screen().name() == "PROJECTOR"
    window.room._screen_removed(presenter.screen())  # as Qt says when it is unplugged
    assert window.room.presenter is presenter and presenter.isVisible() and presenter.isFullScreen()
    assert presenter.screen().name() == "WALL"


def test_closing_the_laptop_lid_closes_the_presenter_rather_than_cover_the_editor(window, monkeypatch):
    window.room.open_presenter()
    laptop = window.screen()
    left = [s for s in QGuiApplication.screens() if s.name() == "PROJECTOR"]
    monkeypatch.setattr(room_control.QGuiApplication, "screens", staticmethod(lambda: [laptop, *left]))
    window.room._screen_removed(laptop)  # only the projector is left: the editor will land there
    assert window.room.presenter is None


def test_a_third_screen_going_leaves_the_presenter_where_it_is(window):
    window.room.open_presenter()
    presenter = window.room.presenter
    wall = next(s for s in QGuiApplication.screens() if s.name() == "WALL")
    window.room._screen_removed(wall)
    assert window.room.presenter is presenter and presenter.screen().name() == "PROJECTOR"


def test_with_one_screen_the_presenter_asks_for_presentation_mode(window, monkeypatch):
    monkeypatch.setattr(room_control, "room_screen", lambda *args, **kwargs: None)
    window.room.presenter_action.trigger()
    assert window.room.presenter is None and not window.room.presenter_action.isChecked()
    assert "Presentation Mode (F5)" in window.statusBar().currentMessage()


# Presentation mode.

def test_presentation_mode_hides_the_chrome_and_escape_brings_it_back(window, qtbot):
    window.tables_dock.show()
    window.room.presentation_action.trigger()
    assert window.isFullScreen()
    assert not window.menuBar().isVisible() and not window.tables_dock.isVisible()
    assert not window.room.phase_bar.isVisible() and not window.statusBar().isVisible()
    assert window.room.header.isVisible()
    assert window.view.viewport().look is not None  # the map is drawn in the room look
    QTest.keyClick(window.view, Qt.Key.Key_Escape)
    assert not window.isFullScreen() and not window.room.presenting
    assert window.menuBar().isVisible() and window.tables_dock.isVisible()
    assert window.room.phase_bar.isVisible()
    assert window.view.viewport().look is None


def test_shortcuts_still_work_in_presentation_mode_and_the_window_state_comes_back(window, qtbot):
    """Menus and bars are hidden, their shortcuts are not: F5 leaves, F6 starts the time box, Ctrl+Z
    undoes; the window returns maximized as it was."""
    window.showMaximized()
    window.room.clock.set_timebox(10)
    card = window.service.add_card(CardKind.TROUBLE, 50, 50, "Belt slips")
    window.room.set_presentation_mode(True)
    QTest.keyClick(window.view, Qt.Key.Key_F6)
    assert window.room.clock.session.running
    QTest.keyClick(window.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert card.id not in window.service.document.cards
    QTest.keyClick(window.view, Qt.Key.Key_F5)
    assert not window.room.presenting and window.menuBar().isVisible()
    assert window.windowState() & Qt.WindowState.WindowMaximized


def test_a_read_only_workshop_has_the_phase_bar_off_and_no_banner_for_the_room(window, qtbot, example_path,
                                                                                monkeypatch):
    window.close_workshop()
    monkeypatch.setattr("trouble_mapper.storage.workshop_file._writable",
                        lambda path: "The file is read-only.")
    assert window.open_path(example_path) and window.service.read_only
    bar = window.room.phase_bar
    assert not any(action.isEnabled() for action in bar.phase_actions.values())
    assert not bar.timebox_button.isEnabled() and "Read-only" in bar.toolTip()
    assert window.banner.isVisible()
    window.room.set_presentation_mode(True)
    assert not window.banner.isVisible()
    window.room.set_presentation_mode(False)
    assert window.banner.isVisible()


def test_leaving_a_phase_with_a_running_time_box_asks_first(window, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    window.room.clock.set_timebox(30)
    window.room.clock.start()
    answers = [QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes]
    asked = []
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *args, **kwargs: asked.append(args[2]) or answers.pop(0))
    click_phase(window, Phase.CLASSIFY)  # a mis-click: No keeps the phase and its running box
    assert window.room.clock.session.phase is Phase.FRAME and window.room.clock.session.running
    assert window.room.phase_bar.phase_actions[Phase.FRAME].isChecked()
    click_phase(window, Phase.CLASSIFY)  # Yes: on to Classify, the box ends
    assert window.room.clock.session.phase is Phase.CLASSIFY and not window.room.clock.session.has_timebox
    assert "30:00 left" in asked[0]


def test_escape_while_typing_a_card_cancels_the_card_not_the_presentation(window, qtbot):
    window.room.set_presentation_mode(True)
    window.view.start_capture(CardKind.TROUBLE)
    assert window.view.map_scene().draft is not None
    QTest.keyClick(window.view, Qt.Key.Key_Escape)
    assert window.room.presenting
    window.room.set_presentation_mode(False)


# The projection theme.

def fits(card: Card, scale: float) -> None:
    """Every text of the card, laid out for the room at ``scale``, lies inside the card."""
    layout = lay_out(card, scale)
    tag = QFontMetricsF(layout.tag_font)
    assert layout.badge.right() <= card.width and layout.badge.bottom() <= card.height
    assert tag.horizontalAdvance(card.tag) <= layout.badge.width()
    big = QFontMetricsF(layout.big_tag_font)
    assert 0 <= layout.big_tag_at.x() <= card.width - big.horizontalAdvance(card.tag)
    assert 0 <= layout.big_tag_at.y() <= card.height - big.height()
    text = QFontMetricsF(layout.text_font)
    for line in layout.lines:
        assert text.horizontalAdvance(line) <= card.width - 2 * PAD + 0.5, line
    bottom = layout.text_top + len(layout.lines) * layout.line_height
    limit = layout.category_at.y() if layout.category_at is not None else card.height
    assert bottom <= limit + 0.5
    if layout.votes_box is not None:
        assert layout.votes_box.right() <= card.width and layout.votes_box.left() >= layout.badge.right()
    if layout.big_votes is not None:  # tag-only level: the dots sit beside the number, inside the card
        box = layout.big_votes[3]
        assert QRectF(0, 0, card.width, card.height).contains(box)
        assert layout.big_tag_at.x() + big.horizontalAdvance(card.tag) <= box.left()
    else:
        assert card.votes == 0


@pytest.mark.parametrize("scale", [1.0, 1.5, 2.5])
def test_at_every_font_scale_no_tag_text_is_clipped(example_path, qapp, scale):
    for card in reopened(example_path).cards.values():
        fits(card, scale)


@pytest.mark.parametrize("text", ["x" * 10_000, " ".join(["Lubrication"] * 400), "خط الإنتاج 生产线 🚀🔥",
                                  "<b>bold</b> =SUM(A1:A9)", ""])
def test_hostile_texts_fit_the_card_at_250_percent(qapp, text):
    card = Card("c", CardKind.TROUBLE, 123, text=text, category="Set-up and adjustment", votes=12)
    fits(card, 2.5)
    lines = lay_out(card, 2.5).lines
    if len(text) > 100:
        assert lines[-1].endswith("…")  # what does not fit says so


def test_the_theme_is_remembered_and_applied_to_the_presenter(window, qtbot):
    window.room.open_presenter()
    window.room.set_look(RoomLook(2.5, False))
    assert window.room.presenter.view.look == RoomLook(2.5, False)
    window.close_workshop()
    again = room_control.RoomControl._load_look()
    assert again == RoomLook(2.5, False)
    window.room.set_look(RoomLook(1.5, True))  # leave the shared settings as they were


@pytest.mark.parametrize("selected", [False, True])
@pytest.mark.parametrize("scale", [1.0, 2.5])
@pytest.mark.parametrize("text", ["Labels wrinkled on 1.5 l bottles after the reel change",
                                  "x" * 3_000, "Changeover 0.5 l → 1.5 l takes 95 min"])
def test_nothing_is_painted_outside_the_card_in_the_room_look(qapp, scale, text, selected):
    """The card painted for the room at 1:1, by a painter left with a huge font by whatever it drew
    before (as in a scene): every pixel outside the card's bounds stays white (the amber halo of a
    selected card included: a halo outside the bounds would leave ghosts when the card moves)."""
    from PySide6.QtGui import QColor, QFont, QImage, QPainter

    from trouble_mapper.canvas.items import CardItem
    from trouble_mapper.canvas.room_look import paint_card

    card = Card("c", CardKind.TROUBLE, 17, text=text, category="Minor stops", votes=6, x=0, y=0)
    margin = 40
    image = QImage(int(card.width) + 2 * margin, int(card.height) + 2 * margin, QImage.Format.Format_RGB32)
    assert margin > room_look.HALO_MARGIN + 4
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
    painter.translate(margin, margin)
    huge = QFont("Sans Serif")
    huge.setPixelSize(60)
    huge.setBold(True)
    painter.setFont(huge)
    paint_card(painter, card, lay_out(card, scale), RoomLook(scale, True), selected, QColor("#DDCC77"))
    painter.end()
    bounds = CardItem(card, movable=False).boundingRect()
    inside = bounds.translated(margin, margin).adjusted(-0.5, -0.5, 0.5, 0.5)
    strays = [(x, y) for y in range(image.height()) for x in range(image.width())
              if not inside.contains(x, y) and image.pixelColor(x, y).lightness() < 200]
    assert not strays, f"{len(strays)} pixels drawn outside the card, first {strays[:5]}"


def test_each_view_draws_the_map_at_its_own_level_of_detail(window, qtbot):
    """The editor zoomed right out draws cards as blocks (overview) while the room's view, zoomed on a
    zone, draws them in full; with both zoomed out the scene switches to its batched overview."""
    from trouble_mapper.canvas.palette import KIND_COLOURS

    window.room.open_presenter()
    room = window.room.presenter.view
    scene = window.view.map_scene()
    item = next(i for i in scene.cards.values() if i.card.tag == "T1")
    zone = next(z for z in window.service.document.zones.values()
                if QRectF(z.x, z.y, z.width, z.height).contains(item.rect_in_scene.center()))
    room.set_framing(Framing.ZONE, zone.id)
    window.view.set_zoom(0.1)
    window.view.centerOn(item.rect_in_scene.center())
    assert not scene.overview
    editor_image = window.view.viewport().grab().toImage()
    centre = window.view.mapFromScene(item.rect_in_scene.center())
    assert editor_image.pixelColor(centre).name() == KIND_COLOURS[CardKind.TROUBLE][1].name().lower()
    item._room = None
    room.viewport().grab()
    assert item._room is not None  # laid out and painted in the room look, in full
    room.set_framing(Framing.FIT_ALL)
    window.room.presenter.close()
    assert scene.overview  # the editor alone is zoomed out
