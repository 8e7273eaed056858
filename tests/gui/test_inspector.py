"""The card inspector over a real workshop file: edits go through the service, reach the file, undo."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication, QComboBox, QLabel, QPlainTextEdit, QWidget

from trouble_mapper.domain.model import Card
from trouble_mapper.domain.vocabulary import CardKind
from trouble_mapper.service import WorkshopService
from trouble_mapper.storage.workshop_file import open_workshop
from trouble_mapper.ui.inspector import HINT, CardInspector

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def panel(qtbot, service):
    """A shown inspector editing the service's workshop."""
    inspector = CardInspector()
    qtbot.addWidget(inspector)
    inspector.set_service(service)
    inspector.resize(420, 760)
    inspector.show()
    qtbot.waitExposed(inspector)
    inspector.activateWindow()
    return inspector


def child(panel: CardInspector, kind: type, name: str):
    widget = panel.findChild(kind, name)
    assert widget is not None, name
    return widget


def text_field(panel: CardInspector) -> QPlainTextEdit:
    return child(panel, QPlainTextEdit, "inspectorText")


def details_field(panel: CardInspector) -> QPlainTextEdit:
    return child(panel, QPlainTextEdit, "inspectorDetails")


def combo(panel: CardInspector, name: str) -> QComboBox:
    return child(panel, QComboBox, name)


def label(panel: CardInspector, name: str) -> QLabel:
    return child(panel, QLabel, name)


def reopened(path: Path) -> dict[str, Card]:
    """The cards a fresh read-only open of the file finds, by tag."""
    opened = open_workshop(path, read_only=True)
    try:
        return {card.tag: card for card in opened.document.cards.values()}
    finally:
        opened.close()


def focus(qtbot, widget: QWidget) -> None:
    widget.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(widget.hasFocus)


def replace_text(qtbot, field: QPlainTextEdit, text: str) -> None:
    """Select everything in a focused field with Ctrl+A and type ``text`` over it."""
    focus(qtbot, field)
    qtbot.keyClick(field, Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(field, text)


def leave(qtbot, field: QWidget) -> None:
    field.clearFocus()
    qtbot.waitUntil(lambda: not field.hasFocus())


def test_no_selection_shows_a_hint(panel):
    """With no card selected the panel shows a short hint and no fields."""
    assert label(panel, "inspectorHint").isVisible()
    assert label(panel, "inspectorHint").text() == HINT
    assert not child(panel, QWidget, "inspectorForm").isVisible()


def test_one_card_shows_its_values(panel, service):
    """Tag and kind in the headline; text, details and every choice show the card's values."""
    service.add_zone("Filler", 0, 0, 1000, 1000)
    card = service.add_card(CardKind.TROUBLE, 100, 100, "Bottles jam", details="Night shift",
                            category="Minor stops", fix_route="On the run")
    panel.show_cards([card.id])
    assert label(panel, "inspectorHeadline").text() == "T1 · Trouble"
    assert text_field(panel).toPlainText() == "Bottles jam"
    assert details_field(panel).toPlainText() == "Night shift"
    assert combo(panel, "inspectorKind").currentText() == "Trouble"
    assert combo(panel, "inspectorCategory").currentText() == "Minor stops"
    assert combo(panel, "inspectorFixRoute").currentText() == "On the run"
    assert combo(panel, "inspectorZone").currentText() == "Filler"
    assert not label(panel, "inspectorHint").isVisible()


def test_text_saved_when_focus_leaves_and_undo_restores_file_and_panel(panel, service, workshop_path, qtbot):
    """Typing then leaving the field saves one undo step; undo puts the old text back in file and panel."""
    card = service.add_card(CardKind.TROUBLE, 0, 0, "Bottles jam")
    service.undo_stack.clear()
    panel.show_cards([card.id])
    replace_text(qtbot, text_field(panel), "Bottles jam at the star wheel")
    assert reopened(workshop_path)["T1"].text == "Bottles jam"  # not saved while typing
    leave(qtbot, text_field(panel))

    assert reopened(workshop_path)["T1"].text == "Bottles jam at the star wheel"
    assert service.undo_stack.count() == 1
    service.undo_stack.undo()
    assert reopened(workshop_path)["T1"].text == "Bottles jam"
    assert text_field(panel).toPlainText() == "Bottles jam"
    service.undo_stack.redo()
    assert text_field(panel).toPlainText() == "Bottles jam at the star wheel"


def test_details_saved_with_ctrl_enter_once(panel, service, workshop_path, qtbot):
    """Ctrl+Enter saves the details and keeps editing; saving again unchanged adds no undo step."""
    card = service.add_card(CardKind.CAUSE, 0, 0, "Worn rail")
    service.undo_stack.clear()
    panel.show_cards([card.id])
    details = details_field(panel)
    focus(qtbot, details)
    qtbot.keyClicks(details, "Seen on")
    qtbot.keyClick(details, Qt.Key.Key_Return)
    qtbot.keyClicks(details, "both shifts")
    qtbot.keyClick(details, Qt.Key.Key_Return, CTRL)

    assert reopened(workshop_path)["C1"].details == "Seen on\nboth shifts"
    assert details.hasFocus()
    qtbot.keyClick(details, Qt.Key.Key_Enter, CTRL)
    leave(qtbot, details)
    assert service.undo_stack.count() == 1


def test_leaving_an_unchanged_field_saves_nothing(panel, service, qtbot):
    """Focus passing through the text fields without typing makes no undo step."""
    card = service.add_card(CardKind.TROUBLE, 0, 0, "Bottles jam")
    service.undo_stack.clear()
    panel.show_cards([card.id])
    focus(qtbot, text_field(panel))
    qtbot.keyClick(text_field(panel), Qt.Key.Key_Tab)
    assert details_field(panel).hasFocus()
    leave(qtbot, details_field(panel))
    assert service.undo_stack.count() == 0


def test_escape_puts_back_the_saved_text(panel, service, qtbot):
    """Escape in a text field drops what was typed; leaving then saves nothing."""
    card = service.add_card(CardKind.TROUBLE, 0, 0, "Bottles jam")
    service.undo_stack.clear()
    panel.show_cards([card.id])
    replace_text(qtbot, text_field(panel), "oops")
    qtbot.keyClick(text_field(panel), Qt.Key.Key_Escape)
    assert text_field(panel).toPlainText() == "Bottles jam"
    leave(qtbot, text_field(panel))
    assert service.undo_stack.count() == 0


def test_tab_order_goes_down_the_panel(panel, service, qtbot):
    """Tab walks text, details, kind, category, fix route, zone (tab never types into the text)."""
    card = service.add_card(CardKind.TROUBLE, 0, 0, "Bottles jam")
    panel.show_cards([card.id])
    focus(qtbot, text_field(panel))
    seen = [QApplication.focusWidget().objectName()]
    for _ in range(5):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        seen.append(QApplication.focusWidget().objectName())
    assert seen == ["inspectorText", "inspectorDetails", "inspectorKind", "inspectorCategory",
                    "inspectorFixRoute", "inspectorZone"]
    assert text_field(panel).toPlainText() == "Bottles jam"


def test_kind_change_renumbers_and_undoes(panel, service, workshop_path, qtbot):
    """Picking Cause for T1 makes it the next cause (C1), one undo step; undo makes it T1 again."""
    card = service.add_card(CardKind.TROUBLE, 0, 0, "Bottles jam")
    service.undo_stack.clear()
    panel.show_cards([card.id])
    kind = combo(panel, "inspectorKind")
    focus(qtbot, kind)
    qtbot.keyClicks(kind, "Ca")  # keyboard search picks "Cause" and activates it

    assert set(reopened(workshop_path)) == {"C1"}
    assert label(panel, "inspectorHeadline").text() == "C1 · Cause"
    assert service.undo_stack.count() == 1
    service.undo_stack.undo()
    assert set(reopened(workshop_path)) == {"T1"}
    assert label(panel, "inspectorHeadline").text() == "T1 · Trouble"
    assert kind.currentText() == "Trouble"


def test_arrow_keys_open_the_list_instead_of_saving(panel, service, workshop_path, qtbot):
    """Down on a closed choice opens its list (browsing saves nothing); Return in the list saves the pick."""
    card = service.add_card(CardKind.TROUBLE, 0, 0, "Bottles jam")
    service.undo_stack.clear()
    panel.show_cards([card.id])
    route = combo(panel, "inspectorFixRoute")
    focus(qtbot, route)
    qtbot.keyClick(route, Qt.Key.Key_Down)
    qtbot.waitUntil(route.view().isVisible)
    assert service.undo_stack.count() == 0
    qtbot.keyClick(route.view(), Qt.Key.Key_Down)
    qtbot.keyClick(route.view(), Qt.Key.Key_Return)

    assert reopened(workshop_path)["T1"].fix_route == "Operator can fix"
    assert service.undo_stack.count() == 1


def test_mouse_wheel_over_a_choice_changes_nothing(panel, service):
    """Scrolling over the kind choice does not change the card (it would burn tag numbers)."""
    card = service.add_card(CardKind.TROUBLE, 0, 0, "Bottles jam")
    service.undo_stack.clear()
    panel.show_cards([card.id])
    kind = combo(panel, "inspectorKind")
    centre = QPointF(kind.rect().center())
    wheel = QWheelEvent(centre, QPointF(kind.mapToGlobal(QPoint(5, 5))), QPoint(0, -120), QPoint(0, -120),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase,
                        False)
    QApplication.sendEvent(kind, wheel)
    assert kind.currentText() == "Trouble"
    assert service.undo_stack.count() == 0


def test_several_cards_get_one_category_in_one_undo_step(panel, service, workshop_path, qtbot):
    """With two cards selected, picking a category sets it on both as one step; undo restores both."""
    first = service.add_card(CardKind.TROUBLE, 0, 0, "Bottles jam", category="Breakdowns")
    second = service.add_card(CardKind.TROUBLE, 300, 0, "Label glue drips")
    service.undo_stack.clear()
    panel.show_cards([first.id, second.id])
    assert label(panel, "inspectorHeadline").text() == "2 cards selected"
    assert label(panel, "inspectorSummary").text() == "T1, T2"
    assert not text_field(panel).isEnabled() and not details_field(panel).isEnabled()
    category = combo(panel, "inspectorCategory")
    assert category.currentIndex() == -1  # mixed values: no single choice shown
    focus(qtbot, category)
    qtbot.keyClicks(category, "Mi")

    cards = reopened(workshop_path)
    assert cards["T1"].category == cards["T2"].category == "Minor stops"
    assert category.currentText() == "Minor stops"
    assert service.undo_stack.count() == 1
    service.undo_stack.undo()
    cards = reopened(workshop_path)
    assert (cards["T1"].category, cards["T2"].category) == ("Breakdowns", "")
    assert category.currentIndex() == -1


def test_several_cards_change_kind_and_zone_together(panel, service, workshop_path, qtbot):
    """Kind and zone choices apply to every selected card; a kind change numbers them in order."""
    filler = service.add_zone("Filler", 2000, 2000, 400, 300)
    service.add_zone("Capper", 3000, 2000, 400, 300)
    ids = [service.add_card(CardKind.TROUBLE, 300 * i, 0, f"Trouble {i}").id for i in range(3)]
    panel.show_cards(ids)
    zone = combo(panel, "inspectorZone")
    assert zone.count() == 3 and [zone.itemText(i) for i in range(3)] == ["(none)", "Capper", "Filler"]
    focus(qtbot, zone)
    qtbot.keyClicks(zone, "F")
    kind = combo(panel, "inspectorKind")
    focus(qtbot, kind)
    qtbot.keyClicks(kind, "N")

    cards = reopened(workshop_path)
    assert set(cards) == {"N1", "N2", "N3"}
    assert {card.zone_id for card in cards.values()} == {filler.id}
    assert label(panel, "inspectorSummary").text() == "N1, N2, N3"


def test_category_outside_the_scheme_is_shown_and_kept(panel, service):
    """A card whose category is not in the workshop's scheme shows it as a choice, selected."""
    card = service.add_card(CardKind.TROUBLE, 0, 0, "Bottles jam", category="Quality")
    panel.show_cards([card.id])
    category = combo(panel, "inspectorCategory")
    labels = [category.itemText(i) for i in range(category.count())]
    assert labels[0] == "(none)" and "Minor stops" in labels and labels[-1] == "Quality"
    assert category.currentText() == "Quality"


def test_change_from_elsewhere_never_clobbers_typing(panel, service, workshop_path, qtbot):
    """A change to the shown card while the user types updates the choices but keeps the typed text."""
    card = service.add_card(CardKind.TROUBLE, 0, 0, "Bottles jam")
    panel.show_cards([card.id])
    replace_text(qtbot, text_field(panel), "Bottles fall over")
    service.update_card(card.id, category="Minor stops", text="Changed elsewhere")
    assert text_field(panel).toPlainText() == "Bottles fall over"
    assert combo(panel, "inspectorCategory").currentText() == "Minor stops"
    leave(qtbot, text_field(panel))
    assert reopened(workshop_path)["T1"].text == "Bottles fall over"


def test_new_selection_saves_pending_text_first(panel, service, workshop_path, qtbot):
    """If the selection changes while the user types, the typed text goes to the card it was typed for."""
    first = service.add_card(CardKind.TROUBLE, 0, 0, "First")
    second = service.add_card(CardKind.TROUBLE, 300, 0, "Second")
    panel.show_cards([first.id])
    replace_text(qtbot, text_field(panel), "First, edited")
    panel.show_cards([second.id])
    cards = reopened(workshop_path)
    assert (cards["T1"].text, cards["T2"].text) == ("First, edited", "Second")
    assert text_field(panel).toPlainText() == "Second"
    assert label(panel, "inspectorHeadline").text() == "T2 · Trouble"


def test_deleted_card_clears_the_panel_even_while_typing(panel, service, workshop_path, qtbot):
    """Deleting the shown card clears the fields and shows the hint; the half-typed text goes nowhere."""
    card = service.add_card(CardKind.TROUBLE, 0, 0, "Bottles jam")
    panel.show_cards([card.id])
    replace_text(qtbot, text_field(panel), "half typed")
    service.delete_cards([card.id])

    assert label(panel, "inspectorHint").isVisible()
    assert not child(panel, QWidget, "inspectorForm").isVisible()
    assert text_field(panel).toPlainText() == ""
    assert panel.card_ids == []
    service.undo_stack.undo()  # the card comes back as it was saved
    assert reopened(workshop_path)["T1"].text == "Bottles jam"


def test_read_only_workshop_disables_every_field(qtbot, service, workshop_path):
    """A workshop opened read-only shows the card but every field is disabled."""
    card = service.add_card(CardKind.TROUBLE, 0, 0, "Bottles jam")
    read_only = WorkshopService(open_workshop(workshop_path, read_only=True))
    try:
        inspector = CardInspector()
        qtbot.addWidget(inspector)
        inspector.set_service(read_only)
        inspector.show()
        inspector.show_cards([card.id])
        assert label(inspector, "inspectorHeadline").text() == "T1 · Trouble"
        assert text_field(inspector).toPlainText() == "Bottles jam"
        for field in (text_field(inspector), details_field(inspector),
                      *(combo(inspector, name) for name in ("inspectorKind", "inspectorCategory",
                                                            "inspectorFixRoute", "inspectorZone"))):
            assert not field.isEnabled(), field.objectName()
    finally:
        read_only.close()


def test_refused_edit_shows_its_message(panel, service, workshop_path, qtbot, monkeypatch):
    """When the service refuses an edit the panel says why and keeps the typed text; nothing is saved."""
    card = service.add_card(CardKind.TROUBLE, 0, 0, "Bottles jam")
    panel.show_cards([card.id])
    replace_text(qtbot, text_field(panel), "Bottles jam badly")
    monkeypatch.setattr(service.file, "read_only", True)  # e.g. the file became read-only meanwhile
    with qtbot.waitSignal(panel.edit_refused) as refused:
        leave(qtbot, text_field(panel))

    message = label(panel, "inspectorMessage")
    assert message.isVisible() and "read-only" in message.text()
    assert refused.args == [message.text()]
    assert text_field(panel).toPlainText() == "Bottles jam badly"
    kind = combo(panel, "inspectorKind")
    focus(qtbot, kind)
    qtbot.keyClicks(kind, "C")
    assert kind.currentText() == "Trouble"  # the refused choice is put back
    assert reopened(workshop_path)["T1"].text == "Bottles jam"


def test_set_service_none_clears_the_panel(panel, service):
    """Closing the workshop (set_service(None)) empties the panel."""
    card = service.add_card(CardKind.TROUBLE, 0, 0, "Bottles jam")
    panel.show_cards([card.id])
    panel.set_service(None)
    assert label(panel, "inspectorHint").isVisible()
    assert text_field(panel).toPlainText() == ""
    service.update_card(card.id, text="Not shown any more")
    assert text_field(panel).toPlainText() == ""
