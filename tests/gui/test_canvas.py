"""The map driven as a facilitator drives it: keys and mouse on the real view, checked in the file."""

from __future__ import annotations

import hashlib
import itertools
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QGuiApplication, QImage, QPainter
from PySide6.QtTest import QTest

from trouble_mapper.canvas.items import CardItem
from trouble_mapper.domain.document import WorkshopDocument
from trouble_mapper.domain.vocabulary import CardKind
from trouble_mapper.service import WorkshopService
from trouble_mapper.storage.workshop_file import open_workshop
from trouble_mapper.ui.main_window import MainWindow

NO = Qt.KeyboardModifier.NoModifier
CTRL = Qt.KeyboardModifier.ControlModifier
LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def window(qtbot, monkeypatch):
    errors: list[tuple[str, str]] = []
    win = MainWindow()
    monkeypatch.setattr(win, "show_error", lambda title, text: errors.append((title, text)))
    win.errors = errors
    qtbot.addWidget(win)
    win.resize(1400, 900)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.close_workshop()


def reopened(path: Path) -> WorkshopDocument:
    opened = open_workshop(path, read_only=True)
    try:
        return opened.document
    finally:
        opened.close()


def seed(path: Path, texts: list[str]) -> list[str]:
    service = WorkshopService(open_workshop(path))
    ids = [service.add_card(CardKind.TROUBLE, 100 + 260 * i, 300, text).id for i, text in enumerate(texts)]
    service.close()
    return ids


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def centre_of(window, card_id: str) -> QPoint:
    view = window.view
    return view.mapFromScene(view.map_scene().cards[card_id].sceneBoundingRect().center())


def test_keyboard_capture_pins_numbered_troubles_below_each_other(window, workshop_path, qtbot):
    """N, type, Enter, type, Enter...: each Enter pins a trouble with the next number; Esc ends."""
    window.open_path(workshop_path)
    view = window.view
    view.setFocus()
    QTest.keyClick(view, Qt.Key.Key_N)
    texts = ["Bottles fall at the infeed", "Cap chute jams", "Labels wrinkled", "Glue pump fails"]
    for text in texts:
        QTest.keyClicks(view, text)
        QTest.keyClick(view, Qt.Key.Key_Return)
    QTest.keyClick(view, Qt.Key.Key_Escape)

    doc = reopened(workshop_path)
    troubles = doc.cards_in_tag_order(CardKind.TROUBLE)
    assert [c.tag for c in troubles] == ["T1", "T2", "T3", "T4"]
    assert [c.text for c in troubles] == texts
    assert all(below.y > above.y or below.x > above.x for above, below in itertools.pairwise(troubles))
    assert view.map_scene().draft is None  # Esc left no draft and added nothing
    assert len(doc.cards) == 4
    assert window.service.undo_stack.count() == 4  # one undo step per trouble
    assert not window.errors


def test_escape_cancels_a_draft_without_an_undo_step(window, workshop_path):
    window.open_path(workshop_path)
    view = window.view
    view.setFocus()
    QTest.keyClick(view, Qt.Key.Key_N)
    QTest.keyClicks(view, "Not this one")
    QTest.keyClick(view, Qt.Key.Key_Escape)
    assert reopened(workshop_path).cards == {}
    assert window.service.undo_stack.count() == 0


def test_cause_key_adds_a_linked_cause_of_the_selected_trouble(window, workshop_path):
    """Select T1, press C, type, Enter: C1 is saved with a link C1 -> T1 in one undo step."""
    (t1,) = seed(workshop_path, ["Fill level low"])
    window.open_path(workshop_path)
    view = window.view
    view.map_scene().select_only([t1])
    view.setFocus()
    QTest.keyClick(view, Qt.Key.Key_C)
    QTest.keyClicks(view, "Valve seals worn")
    QTest.keyClick(view, Qt.Key.Key_Return)
    QTest.keyClick(view, Qt.Key.Key_Escape)
    doc = reopened(workshop_path)
    cause = next(c for c in doc.cards.values() if c.kind is CardKind.CAUSE)
    assert cause.tag == "C1" and cause.text == "Valve seals worn"
    assert [(link.cause_id, link.effect_id) for link in doc.links.values()] == [(cause.id, t1)]
    window.undo_action.trigger()
    assert reopened(workshop_path).links == {} and len(reopened(workshop_path).cards) == 1


def test_double_click_edits_text_in_place(window, workshop_path, qtbot):
    (t1,) = seed(workshop_path, ["Old text"])
    window.open_path(workshop_path)
    view = window.view
    QTest.mouseDClick(view.viewport(), LEFT, NO, centre_of(window, t1))
    draft = view.map_scene().draft
    assert draft is not None and draft.toPlainText() == "Old text"
    QTest.keyClicks(view, "New text, with <b>markup</b> & =SUM(A1)")
    QTest.keyClick(view, Qt.Key.Key_Return)
    assert reopened(workshop_path).cards[t1].text == "New text, with <b>markup</b> & =SUM(A1)"
    assert window.undo_action.text() == "Undo Edit T1"


def test_tab_walks_cards_in_tag_order(window, workshop_path):
    ids = seed(workshop_path, ["one", "two", "three"])
    window.open_path(workshop_path)
    view = window.view
    view.setFocus()
    seen = []
    for _ in range(4):
        QTest.keyClick(view, Qt.Key.Key_Tab)
        seen.append(view.map_scene().selected_card_ids())
    assert seen == [[ids[0]], [ids[1]], [ids[2]], [ids[0]]]
    QTest.keyClick(view, Qt.Key.Key_Backtab)
    assert view.map_scene().selected_card_ids() == [ids[2]]
    assert view.focusNextPrevChild(True) is False  # Tab stays on the map instead of leaving it


def test_link_by_keys_then_delete_a_card_takes_its_link_and_undo_restores_both(window, workshop_path):
    """Click the cause, Ctrl+click the effect, L; Delete the cause: card and link go; Undo: both back."""
    cause, effect = seed(workshop_path, ["Worn rail", "Bottles fall"])
    window.open_path(workshop_path)
    view = window.view
    QTest.mouseClick(view.viewport(), LEFT, NO, centre_of(window, cause))
    QTest.mouseClick(view.viewport(), LEFT, CTRL, centre_of(window, effect))
    view.setFocus()
    QTest.keyClick(view, Qt.Key.Key_L)
    links = reopened(workshop_path).links
    assert [(link.cause_id, link.effect_id) for link in links.values()] == [(cause, effect)]
    assert len(view.map_scene().links) == 1

    view.map_scene().select_only([cause])
    QTest.keyClick(view, Qt.Key.Key_Delete)
    doc = reopened(workshop_path)
    assert cause not in doc.cards and doc.links == {}
    assert window.undo_action.text() == "Undo Delete T1"
    window.undo_action.trigger()
    doc = reopened(workshop_path)
    assert cause in doc.cards and len(doc.links) == 1
    assert len(view.map_scene().links) == 1


def test_drag_from_a_cards_handle_to_another_card_links_them(window, workshop_path):
    cause, effect = seed(workshop_path, ["Worn rail", "Bottles fall"])
    window.open_path(workshop_path)
    view = window.view
    view.set_zoom(1.0)  # the handle is drawn, and can be grabbed, at full detail
    scene = view.map_scene()
    scene.select_only([cause])  # the handle shows on the selected card
    item = scene.cards[cause]
    handle = view.mapFromScene(item.mapToScene(item.handle_centre()))
    target = centre_of(window, effect)
    QTest.mousePress(view.viewport(), LEFT, NO, handle)
    QTest.mouseMove(view.viewport(), handle + QPoint(30, 0))
    QTest.mouseMove(view.viewport(), target)
    QTest.mouseRelease(view.viewport(), LEFT, NO, target)
    links = reopened(workshop_path).links
    assert [(link.cause_id, link.effect_id) for link in links.values()] == [(cause, effect)]
    assert reopened(workshop_path).cards[cause].x == 100  # the card itself did not move


def test_rubber_band_selects_and_a_drag_of_several_cards_is_one_undo_step(window, workshop_path):
    ids = seed(workshop_path, ["one", "two", "three"])
    window.open_path(workshop_path)
    view = window.view
    scene = view.map_scene()
    scene.select_only(ids[:2])
    start = centre_of(window, ids[0])
    QTest.mousePress(view.viewport(), LEFT, NO, start)
    QTest.mouseMove(view.viewport(), start + QPoint(10, 10))
    QTest.mouseMove(view.viewport(), start + QPoint(40, 60))
    QTest.mouseRelease(view.viewport(), LEFT, NO, start + QPoint(40, 60))
    doc = reopened(workshop_path)
    assert doc.cards[ids[0]].y > 300 and doc.cards[ids[1]].y > 300 and doc.cards[ids[2]].y == 300
    assert window.undo_action.text() == "Undo Move 2 troubles"
    window.undo_action.trigger()
    assert {c.y for c in reopened(workshop_path).cards.values()} == {300}


def test_zone_drawn_on_the_map_is_named_and_cards_in_it_know_it(window, workshop_path, monkeypatch):
    ids = seed(workshop_path, ["in the zone", "outside"])
    window.open_path(workshop_path)
    view = window.view
    view.set_zoom(0.5)
    view.centerOn(QPointF(400, 360))
    monkeypatch.setattr("trouble_mapper.ui.main_window.QInputDialog.getText",
                        lambda *args, **kwargs: ("Filler", True))
    window.map_actions.draw_zone.trigger()
    top_left, bottom_right = view.mapFromScene(QPointF(50, 250)), view.mapFromScene(QPointF(330, 480))
    QTest.mousePress(view.viewport(), LEFT, NO, top_left)
    QTest.mouseMove(view.viewport(), top_left + QPoint(20, 20))
    QTest.mouseMove(view.viewport(), bottom_right)
    QTest.mouseRelease(view.viewport(), LEFT, NO, bottom_right)
    doc = reopened(workshop_path)
    (zone,) = doc.zones.values()
    assert zone.name == "Filler" and 40 < zone.x < 60 and zone.width > 250
    assert not window.map_actions.draw_zone.isChecked()
    window.service.move_cards({ids[0]: (120, 300)})
    assert reopened(workshop_path).cards[ids[0]].zone_id == zone.id
    assert reopened(workshop_path).cards[ids[1]].zone_id is None


def test_zoom_keys_fit_all_and_overview_drawing(window, workshop_path, qtbot):
    seed(workshop_path, [f"Trouble {i}" for i in range(12)])
    window.open_path(workshop_path)
    view = window.view
    scene = view.map_scene()
    view.setFocus()
    view.set_zoom(1.0)
    QTest.keyClick(view, Qt.Key.Key_Plus)
    assert view.zoom() == pytest.approx(1.15)
    QTest.keyClick(view, Qt.Key.Key_Minus)
    QTest.keyClick(view, Qt.Key.Key_Minus)
    assert view.zoom() < 1.0
    view.set_zoom(0.1)
    assert scene.overview  # cards drawn in one batch, not one by one
    assert all(item.flags() & CardItem.GraphicsItemFlag.ItemHasNoContents for item in scene.cards.values())
    picture = view.viewport().grab().toImage()
    kind_colour = QColor("#C04F00")
    assert any(picture.pixelColor(x, y) == kind_colour
               for x in range(0, picture.width(), 2) for y in range(0, picture.height(), 2))
    QTest.keyClick(view, Qt.Key.Key_F)
    assert not scene.overview or view.zoom() < 0.3
    assert view.visible_scene_rect().contains(scene.map_rect().adjusted(10, 10, -10, -10))


def test_pinch_and_wheel_zoom(window, workshop_path):
    from PySide6.QtGui import QNativeGestureEvent, QPointingDevice

    window.open_path(workshop_path)
    view = window.view
    view.set_zoom(1.0)
    centre = QPointF(view.viewport().rect().center())
    gesture = QNativeGestureEvent(Qt.NativeGestureType.ZoomNativeGesture,
                                  QPointingDevice.primaryPointingDevice(), 2, centre, centre,
                                  view.mapToGlobal(centre.toPoint()).toPointF(), 0.5,
                                  QPointF(), 0)
    QGuiApplication.sendEvent(view.viewport(), gesture)
    assert view.zoom() == pytest.approx(1.5)


def test_search_box_dims_cards_that_do_not_match(window, workshop_path, qtbot):
    ids = seed(workshop_path, ["Cap chute jams", "Labels wrinkled", "Caps loose"])
    window.open_path(workshop_path)
    QTest.keyClicks(window.search_box, "cap")
    scene = window.view.map_scene()
    assert [scene.cards[i].dimmed for i in ids] == [False, True, False]
    assert window.search_result.text() == "2 matches"
    window.search_box.clear()
    assert not any(item.dimmed for item in scene.cards.values())


def png_file(path: Path, width: int = 800, height: int = 450) -> Path:
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor("#88aacc"))
    assert image.save(str(path), "PNG")
    return path


def test_background_from_a_file_and_from_the_clipboard(window, workshop_path, tmp_path, qtbot):
    window.open_path(workshop_path)
    assert window.backgrounds.import_file(str(png_file(tmp_path / "plan.png")))
    scene = window.view.map_scene()
    qtbot.waitUntil(lambda: not scene.background_pending and scene.background_item is not None, timeout=5000)
    assert reopened(workshop_path).background.format == "png"
    assert scene.background_item.pixmap().width() == 800

    pasted = QImage(640, 360, QImage.Format.Format_RGB32)
    pasted.fill(QColor("#336633"))
    QGuiApplication.clipboard().setImage(pasted)
    window.map_actions.paste_background.trigger()
    qtbot.waitUntil(lambda: not scene.background_pending, timeout=5000)
    assert QImage.fromData(reopened(workshop_path).background.image).size().toTuple() == (640, 360)
    assert scene.background_item.pixmap().width() == 640
    assert window.undo_action.text() == "Undo Replace background"
    assert not window.errors


def test_dropping_an_image_file_sets_the_background(window, workshop_path, tmp_path, qtbot):
    from PySide6.QtCore import QMimeData, QUrl

    window.open_path(workshop_path)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(png_file(tmp_path / "floor plan.png", 300, 200)))])
    window.view.picture_dropped.emit(mime)
    assert QImage.fromData(reopened(workshop_path).background.image).width() == 300


BAD_IMAGES = {
    "empty": b"",
    "text renamed": b"Line 4 notes: check the capper\n",
    "random bytes": bytes(range(256)) * 40,
    "truncated png": None,  # made from a real PNG below
}


@pytest.mark.parametrize("kind", list(BAD_IMAGES))
def test_bad_pictures_are_refused_and_the_file_is_untouched(window, workshop_path, tmp_path, kind):
    seed(workshop_path, ["keep me"])
    window.open_path(workshop_path)
    data = BAD_IMAGES[kind]
    if data is None:
        data = png_file(tmp_path / "whole.png").read_bytes()[:300]
    bad = tmp_path / f"{kind}.png"
    bad.write_bytes(data)
    before = sha256(workshop_path)
    assert not window.backgrounds.import_file(str(bad))
    assert window.errors and bad.name in window.errors[-1][1]
    assert sha256(workshop_path) == before
    assert window.service.undo_stack.count() == 0


def test_huge_picture_header_is_refused(window, workshop_path, tmp_path):
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    bomb = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 100_000, 100_000, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00" * 1000)) + chunk(b"IEND", b""))
    path = tmp_path / "bomb.png"
    path.write_bytes(bomb)
    window.open_path(workshop_path)
    before = sha256(workshop_path)
    assert not window.backgrounds.import_file(str(path))
    assert "100,000" in window.errors[-1][1]
    assert sha256(workshop_path) == before


def test_clipboard_without_a_picture_says_so(window, workshop_path):
    window.open_path(workshop_path)
    QGuiApplication.clipboard().setText("just words")
    before = sha256(workshop_path)
    window.map_actions.paste_background.trigger()
    assert window.errors and "clipboard" in window.errors[-1][1].lower()
    assert sha256(workshop_path) == before


def test_background_unlocked_can_be_dragged_and_scaled(window, workshop_path, tmp_path, qtbot):
    window.open_path(workshop_path)
    window.backgrounds.import_file(str(png_file(tmp_path / "plan.png")))
    scene = window.view.map_scene()
    qtbot.waitUntil(lambda: scene.background_item is not None, timeout=5000)
    window.service.update_background(locked=False, scale=0.5)
    assert scene.background_item.scale() == 0.5
    assert scene.background_item.flags() & scene.background_item.GraphicsItemFlag.ItemIsMovable
    window.service.update_background(locked=True)
    assert not scene.background_item.flags() & scene.background_item.GraphicsItemFlag.ItemIsMovable


def test_hostile_text_is_drawn_as_plain_text(window, workshop_path, qtbot):
    """Markup, formulas, a 10,000-character word, right-to-left script and emoji render without harm."""
    texts = ["<h1>big</h1><img src=x>", "=HYPERLINK(\"x\")", "W" * 10_000, "خط التعبئة متوقف", "🔥🧯 fire"]
    seed(workshop_path, texts)
    window.open_path(workshop_path)
    scene = window.view.map_scene()
    window.view.set_zoom(1.0)
    picture = QImage(1600, 600, QImage.Format.Format_ARGB32)
    painter = QPainter(picture)
    scene.render(painter)  # paints every card, in full detail
    painter.end()
    assert sorted(item.card.text for item in scene.cards.values()) == sorted(texts)
    assert all(item._text.textFormat() == Qt.TextFormat.PlainText for item in scene.cards.values())


def test_twenty_troubles_captured_without_the_mouse(window, workshop_path):
    """The facilitator's pace: 20 troubles typed one after the other, each one undo step, all in the file."""
    window.open_path(workshop_path)
    view = window.view
    view.setFocus()
    QTest.keyClick(view, Qt.Key.Key_N)
    for number in range(1, 21):
        QTest.keyClicks(view, f"Trouble number {number}")
        QTest.keyClick(view, Qt.Key.Key_Return)
    QTest.keyClick(view, Qt.Key.Key_Escape)
    troubles = reopened(workshop_path).cards_in_tag_order(CardKind.TROUBLE)
    assert [c.text for c in troubles] == [f"Trouble number {n}" for n in range(1, 21)]
    assert len({(c.x, c.y) for c in troubles}) == 20  # none on top of another
    visible = view.visible_scene_rect()  # the view followed the typing
    assert visible.intersects(window.view.map_scene().cards[troubles[-1].id].rect_in_scene)


def test_selection_edits_kind_category_align_duplicate(window, workshop_path):
    ids = seed(workshop_path, ["one", "two", "three"])
    window.open_path(workshop_path)
    scene = window.view.map_scene()
    window.service.move_cards({ids[1]: (400, 350)})
    scene.select_only(ids[:2])
    scene.set_selection_fields(category="Minor stops")
    scene.align_selection("top")
    doc = reopened(workshop_path)
    assert {doc.cards[i].category for i in ids[:2]} == {"Minor stops"} and doc.cards[ids[2]].category == ""
    assert doc.cards[ids[0]].y == doc.cards[ids[1]].y == 300
    scene.select_only([ids[2]])
    scene.set_selection_fields(kind=CardKind.CAUSE)
    assert reopened(workshop_path).cards[ids[2]].tag == "C1"
    window.map_actions.duplicate.trigger()
    doc = reopened(workshop_path)
    assert len(doc.cards) == 4 and {c.tag for c in doc.cards.values()} >= {"C1", "C2"}
    assert scene.selected_card_ids() != [ids[2]]  # the copy is selected, ready to move


def test_replacing_the_background_keeps_cards_where_they_are(window, workshop_path, tmp_path, qtbot):
    ids = seed(workshop_path, ["stays put"])
    window.open_path(workshop_path)
    window.backgrounds.import_file(str(png_file(tmp_path / "old.png", 1000, 600)))
    window.backgrounds.import_file(str(png_file(tmp_path / "new.png", 1600, 900)))
    scene = window.view.map_scene()
    qtbot.waitUntil(lambda: not scene.background_pending, timeout=5000)
    assert scene.background_item.pixmap().width() == 1600
    card = reopened(workshop_path).cards[ids[0]]
    assert (card.x, card.y) == (100, 300)


def test_read_only_map_refuses_capture_with_a_message(window, workshop_path, monkeypatch):
    seed(workshop_path, ["look only"])
    monkeypatch.setattr("trouble_mapper.storage.workshop_file._writable",
                        lambda path: "The file is read-only.")
    window.open_path(workshop_path)
    before = sha256(workshop_path)
    view = window.view
    view.setFocus()
    QTest.keyClick(view, Qt.Key.Key_N)
    assert view.map_scene().draft is None
    assert "read-only" in window.statusBar().currentMessage()
    assert sha256(workshop_path) == before


def test_click_a_link_and_delete_it_keeps_both_cards(window, workshop_path):
    cause, effect = seed(workshop_path, ["Worn rail", "Bottles fall"])
    service = WorkshopService(open_workshop(workshop_path))
    service.add_link(cause, effect)
    service.close()
    window.open_path(workshop_path)
    view = window.view
    link = next(iter(view.map_scene().links.values()))
    middle = view.mapFromScene(link.line.pointAt(0.5))
    QTest.mouseClick(view.viewport(), LEFT, NO, middle)
    assert view.map_scene().selected_link_ids() == [link.link_id]
    view.setFocus()
    QTest.keyClick(view, Qt.Key.Key_Delete)
    doc = reopened(workshop_path)
    assert doc.links == {} and set(doc.cards) == {cause, effect}
    assert window.undo_action.text() == "Undo Delete 1 link"


def test_rubber_band_on_empty_map_selects_the_cards_it_covers(window, workshop_path):
    ids = seed(workshop_path, ["one", "two", "three"])
    window.open_path(workshop_path)
    view = window.view
    scene = view.map_scene()
    start = view.mapFromScene(QPointF(60, 260))
    end = view.mapFromScene(QPointF(600, 450))  # touches the first two cards only
    QTest.mousePress(view.viewport(), LEFT, NO, start)
    QTest.mouseMove(view.viewport(), start + QPoint(20, 20))
    QTest.mouseMove(view.viewport(), end)
    QTest.mouseRelease(view.viewport(), LEFT, NO, end)
    assert set(scene.selected_card_ids()) == set(ids[:2])


def test_wheel_arrow_keys_middle_drag_and_zoom_to_selection(window, workshop_path):
    from PySide6.QtGui import QWheelEvent

    ids = seed(workshop_path, [f"Trouble {i}" for i in range(8)])
    window.open_path(workshop_path)
    view = window.view
    view.set_zoom(1.0)
    centre = QPointF(view.viewport().rect().center())
    wheel = QWheelEvent(centre, view.viewport().mapToGlobal(centre), QPoint(), QPoint(0, 120),
                        Qt.MouseButton.NoButton, NO, Qt.ScrollPhase.NoScrollPhase, False)
    QGuiApplication.sendEvent(view.viewport(), wheel)
    assert view.zoom() == pytest.approx(1.15)
    view.setFocus()
    before = view.horizontalScrollBar().value()
    QTest.keyClick(view, Qt.Key.Key_Right)
    assert view.horizontalScrollBar().value() > before
    before = view.horizontalScrollBar().value()
    start = view.viewport().rect().center()
    QTest.mousePress(view.viewport(), Qt.MouseButton.MiddleButton, NO, start)
    QTest.mouseMove(view.viewport(), start + QPoint(-100, 0))
    QTest.mouseRelease(view.viewport(), Qt.MouseButton.MiddleButton, NO, start + QPoint(-100, 0))
    assert view.horizontalScrollBar().value() > before
    view.map_scene().select_only([ids[7]])
    QTest.keyClick(view, Qt.Key.Key_Z)
    assert view.visible_scene_rect().contains(view.map_scene().cards[ids[7]].rect_in_scene)
    assert not view.visible_scene_rect().contains(view.map_scene().cards[ids[0]].rect_in_scene)


def test_pinning_an_unchanged_text_is_no_edit(window, workshop_path):
    """F2 then Enter on a long card with trailing lines changes nothing and adds no undo step."""
    service = WorkshopService(open_workshop(workshop_path))
    long_text = "word " * 700 + "\n"
    card = service.add_card(CardKind.TROUBLE, 100, 300, long_text)
    service.close()
    window.open_path(workshop_path)
    view = window.view
    view.map_scene().select_only([card.id])
    view.setFocus()
    QTest.keyClick(view, Qt.Key.Key_F2)
    QTest.keyClick(view, Qt.Key.Key_Return)
    assert reopened(workshop_path).cards[card.id].text == long_text
    assert window.service.undo_stack.count() == 0


def test_a_second_gesture_pins_the_draft_without_leaving_a_stray_editor(window, workshop_path):
    window.open_path(workshop_path)
    view = window.view
    view.setFocus()
    QTest.keyClick(view, Qt.Key.Key_N)
    QTest.keyClicks(view, "First one")
    window.map_actions.new_trouble.trigger()  # the toolbar, while still typing
    drafts = [item for item in view.map_scene().items() if type(item).__name__ == "CardDraft"]
    assert len(drafts) == 1 and drafts[0] is view.map_scene().draft
    assert [c.text for c in reopened(workshop_path).cards.values()] == ["First one"]


def test_closing_while_typing_keeps_the_text(window, workshop_path):
    window.open_path(workshop_path)
    view = window.view
    view.setFocus()
    QTest.keyClick(view, Qt.Key.Key_N)
    QTest.keyClicks(view, "Typed just before closing")
    window.close_workshop()
    assert [c.text for c in reopened(workshop_path).cards.values()] == ["Typed just before closing"]


def test_linking_three_selected_cards_is_one_undo_step(window, workshop_path):
    ids = seed(workshop_path, ["root cause", "why", "trouble"])
    window.open_path(workshop_path)
    view = window.view
    for index, card_id in enumerate(ids):
        QTest.mouseClick(view.viewport(), LEFT, CTRL if index else NO, centre_of(window, card_id))
    view.setFocus()
    QTest.keyClick(view, Qt.Key.Key_L)
    links = {(link.cause_id, link.effect_id) for link in reopened(workshop_path).links.values()}
    assert links == {(ids[0], ids[1]), (ids[1], ids[2])}
    assert window.service.undo_stack.count() == 1 and window.undo_action.text() == "Undo Link 2 pairs"


def test_zone_mode_ends_after_one_zone_and_with_escape(window, workshop_path, monkeypatch):
    window.open_path(workshop_path)
    view = window.view
    scene = view.map_scene()
    monkeypatch.setattr("trouble_mapper.ui.main_window.QInputDialog.getText",
                        lambda *a, **k: ("Infeed", True))
    window.map_actions.draw_zone.trigger()
    assert scene.zone_mode and window.map_actions.draw_zone.isChecked()
    start, end = view.mapFromScene(QPointF(100, 100)), view.mapFromScene(QPointF(400, 300))
    QTest.mousePress(view.viewport(), LEFT, NO, start)
    QTest.mouseMove(view.viewport(), end)
    QTest.mouseRelease(view.viewport(), LEFT, NO, end)
    assert not scene.zone_mode and not window.map_actions.draw_zone.isChecked()
    window.map_actions.draw_zone.trigger()
    view.setFocus()
    QTest.keyClick(view, Qt.Key.Key_Escape)
    assert not scene.zone_mode and not window.map_actions.draw_zone.isChecked()
    assert len(reopened(workshop_path).zones) == 1


def test_note_key_does_not_link_and_new_here_pins_where_clicked(window, workshop_path):
    (t1,) = seed(workshop_path, ["a trouble"])
    window.open_path(workshop_path)
    view = window.view
    view.map_scene().select_only([t1])
    view.setFocus()
    QTest.keyClick(view, Qt.Key.Key_N, Qt.KeyboardModifier.ShiftModifier)
    QTest.keyClicks(view, "Ask the night shift")
    QTest.keyClick(view, Qt.Key.Key_Return)
    QTest.keyClick(view, Qt.Key.Key_Escape)
    assert reopened(workshop_path).links == {}
    view.start_capture(CardKind.CAUSE, QPointF(900, 700))  # "New Cause Here" from the context menu
    assert view.map_scene().draft.pos() == QPointF(810, 645)


def test_editing_in_overview_zooms_in_to_the_card_and_link_selection_survives(window, workshop_path):
    cause, effect = seed(workshop_path, ["Worn rail", "Bottles fall"])
    service = WorkshopService(open_workshop(workshop_path))
    service.add_link(cause, effect)
    service.close()
    window.open_path(workshop_path)
    view = window.view
    scene = view.map_scene()
    link = next(iter(scene.links.values()))
    link.setSelected(True)
    view.set_zoom(0.1)
    assert scene.overview
    view.set_zoom(1.0)
    assert link.isSelected()
    view.set_zoom(0.1)
    scene.edit_text(cause)
    assert view.zoom() == pytest.approx(1.0) and not scene.overview
    assert view.visible_scene_rect().intersects(scene.draft.sceneBoundingRect())


def test_touchpad_scroll_pans_and_ctrl_scroll_zooms(window, workshop_path):
    from PySide6.QtGui import QWheelEvent

    window.open_path(workshop_path)
    view = window.view
    view.set_zoom(2.0)
    centre = QPointF(view.viewport().rect().center())

    def scroll(modifiers):
        event = QWheelEvent(centre, view.viewport().mapToGlobal(centre), QPoint(0, -40), QPoint(0, -120),
                            Qt.MouseButton.NoButton, modifiers, Qt.ScrollPhase.ScrollUpdate, False)
        QGuiApplication.sendEvent(view.viewport(), event)

    before = view.verticalScrollBar().value()
    scroll(NO)
    assert view.zoom() == pytest.approx(2.0) and view.verticalScrollBar().value() != before
    scroll(CTRL)
    assert view.zoom() < 2.0


def test_dots_keyed_onto_selected_cards(window, workshop_path):
    """+ and - add or take back a dot on the selected card; a digit sets the count; each is saved."""
    ids = seed(workshop_path, ["Cap chute jams", "Labels wrinkled"])
    window.open_path(workshop_path)
    view = window.view
    view.map_scene().select_only([ids[0]])
    view.setFocus()
    zoom = view.zoom()
    for key in (Qt.Key.Key_Plus, Qt.Key.Key_Plus, Qt.Key.Key_Plus, Qt.Key.Key_Minus):
        QTest.keyClick(view, key)
    assert reopened(workshop_path).cards[ids[0]].votes == 2
    assert view.zoom() == zoom  # with a card selected, + and - count dots, they do not zoom
    assert window.statusBar().currentMessage() == "T1: 2 dots"
    assert window.service.undo_stack.count() == 1  # presses on one card in a row: one undo step
    view.map_scene().select_only(ids)
    QTest.keyClick(view, Qt.Key.Key_7)
    assert [reopened(workshop_path).cards[i].votes for i in ids] == [7, 7]
    view.map_scene().select_only([ids[1]])
    for _ in range(8):
        QTest.keyClick(view, Qt.Key.Key_Minus)
    assert reopened(workshop_path).cards[ids[1]].votes == 0
    assert "no dots left" in window.statusBar().currentMessage()


def test_dots_by_name_count_against_each_persons_dots(window, workshop_path, monkeypatch):
    ids = seed(workshop_path, ["Cap chute jams", "Labels wrinkled"])
    service = WorkshopService(open_workshop(workshop_path))
    priya = service.add_person("Priya Nair", "Maintenance").id
    service.close()
    window.open_path(workshop_path)
    monkeypatch.setattr("trouble_mapper.ui.main_window.QInputDialog.getInt", lambda *a, **k: (2, True))
    window.dots_action.trigger()
    assert reopened(workshop_path).workshop.dots_per_person == 2
    window.voter_box.setCurrentIndex(window.voter_box.findData(priya))
    view = window.view
    view.map_scene().select_only([ids[0]])
    view.setFocus()
    QTest.keyClick(view, Qt.Key.Key_Plus)
    QTest.keyClick(view, Qt.Key.Key_Plus)
    assert "Priya Nair has 0 dots left" in window.statusBar().currentMessage()
    view.map_scene().select_only([ids[1]])
    QTest.keyClick(view, Qt.Key.Key_Plus)
    assert "used all 2 dots" in window.statusBar().currentMessage()
    doc = reopened(workshop_path)
    assert [doc.cards[i].votes for i in ids] == [2, 0] and doc.dots_used(priya) == 2


def test_votes_by_name_cancel_out_and_never_exceed_the_card_total(window, workshop_path):
    """+ then - by name leaves no step; the room cannot drop a card below the dots given by name; a press
    on three cards is one step, refused whole when the person lacks dots for all of them."""
    ids = seed(workshop_path, ["one", "two", "three"])
    service = WorkshopService(open_workshop(workshop_path))
    alice = service.add_person("Alice").id
    service.close()
    window.open_path(workshop_path)
    window.voter_box.setCurrentIndex(window.voter_box.findData(alice))
    view = window.view
    scene = view.map_scene()
    scene.select_only([ids[0]])
    view.setFocus()
    QTest.keyClick(view, Qt.Key.Key_Plus)
    QTest.keyClick(view, Qt.Key.Key_Minus)
    assert window.service.undo_stack.count() == 0 or not window.service.undo_stack.canUndo()
    assert reopened(workshop_path).votes == {}
    QTest.keyClick(view, Qt.Key.Key_Plus)
    QTest.keyClick(view, Qt.Key.Key_Plus)
    window.voter_box.setCurrentIndex(0)  # the room
    QTest.keyClick(view, Qt.Key.Key_0)
    assert "given by name" in window.statusBar().currentMessage()
    assert reopened(workshop_path).cards[ids[0]].votes == 2
    window.voter_box.setCurrentIndex(window.voter_box.findData(alice))
    scene.select_only(ids)
    steps = window.service.undo_stack.count()
    QTest.keyClick(view, Qt.Key.Key_Plus)  # 3 cards, Alice has 5 - 2 = 3 dots left: one step
    assert window.service.undo_stack.count() == steps + 1
    QTest.keyClick(view, Qt.Key.Key_Plus)  # no dots left for three more: nothing at all changes
    doc = reopened(workshop_path)
    assert [doc.cards[i].votes for i in ids] == [3, 1, 1] and doc.dots_used(alice) == 5
