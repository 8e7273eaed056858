"""The new-workshop guide and Workshop > Details… over real files: what is typed is in the reopened file."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, QPoint, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QCheckBox, QDialog, QLabel, QLineEdit, QPushButton, QWizard

from trouble_mapper.domain.document import WorkshopDocument
from trouble_mapper.domain.model import Workshop
from trouble_mapper.domain.vocabulary import CATEGORY_SCHEMES, ImprovementGoal, Role
from trouble_mapper.service import WorkshopService
from trouble_mapper.storage.errors import SaveFailed, WorkshopFileError
from trouble_mapper.storage.repository import Repository
from trouble_mapper.storage.workshop_file import create_workshop, open_workshop
from trouble_mapper.ui.workshop_details import END_BEFORE_START, NEEDS_GOAL_TEXT, WorkshopDetailsDialog
from trouble_mapper.ui.workshop_guide import (
    NOT_CREATED,
    NewWorkshopGuide,
    TeamMember,
    WorkshopSetup,
    create_from_setup,
    title_only_setup,
)

RTL = "خط التعبئة ٤ \u200f"
EMOJI = "🔧🏭👷🏽‍♀️"
MARKUP = "<b>bold</b> <img src='x'> &amp; <script>alert(1)</script>"


def reopened(path: Path) -> WorkshopDocument:
    """The document a fresh read-only open of the file finds."""
    opened = open_workshop(path, read_only=True)
    try:
        return opened.document
    finally:
        opened.close()


def make_png(path: Path, width: int = 40, height: int = 30) -> Path:
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor("steelblue"))
    assert image.save(str(path), "PNG")
    return path


@pytest.fixture
def guide(qtbot):
    wizard = NewWorkshopGuide()
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitExposed(wizard)
    return wizard


def child(widget, kind: type, name: str):
    found = widget.findChild(kind, name)
    assert found is not None, name
    return found


def type_into(qtbot, widget, name: str, text: str) -> None:
    field = child(widget, QLineEdit, name)
    field.selectAll()
    qtbot.keyClicks(field, text)


def tick(qtbot, widget, role: Role) -> None:
    check = child(widget, QCheckBox, f"role_{role.value}")
    check.ensurePolished()
    qtbot.mouseClick(check, Qt.MouseButton.LeftButton, pos=QPoint(8, check.height() // 2))


def click(qtbot, widget, name: str) -> None:
    qtbot.mouseClick(child(widget, QPushButton, name), Qt.MouseButton.LeftButton)


def press(qtbot, wizard: QWizard, button: QWizard.WizardButton) -> None:
    qtbot.mouseClick(wizard.button(button), Qt.MouseButton.LeftButton)


def people_of(doc: WorkshopDocument) -> set[tuple[str, str, tuple[Role, ...]]]:
    return {(p.name, p.function, p.roles) for p in doc.people.values()}


def test_guide_creates_a_workshop_whose_fields_are_in_the_reopened_file(qtbot, guide, tmp_path):
    """Every page filled in, then Finish: the reopened file has each field, the team, scheme and picture."""
    assert guide.currentPage() is guide.what_page
    type_into(qtbot, guide, "workshopTitle", "Line 4: minor stops")
    guide.fields.set_goal(ImprovementGoal.STANDARDS)
    assert not guide.fields.goal_text_edit.isEnabled()  # only the custom goal takes text
    guide.fields.scope_edit.setPlainText("Filler and capper of line 4, day shift")
    guide.fields.start.edit.setDate(QDate(2025, 3, 10))
    guide.fields.end.check.setChecked(True)
    guide.fields.end.edit.setDate(QDate(2025, 3, 12))
    press(qtbot, guide, QWizard.WizardButton.NextButton)

    assert guide.currentPage() is guide.team_page
    type_into(qtbot, guide, "sponsorName", "Maria Lopez")
    type_into(qtbot, guide, "facilitatorName", "Sam Okafor")
    type_into(qtbot, guide, "memberName", "Priya Shah")
    type_into(qtbot, guide, "memberFunction", "Maintenance planner")
    tick(qtbot, guide, Role.FIRST_LINE_LEADER)
    tick(qtbot, guide, Role.EXPERT)
    click(qtbot, guide, "addMember")
    type_into(qtbot, guide, "memberName", "Tom Berg")
    type_into(qtbot, guide, "memberFunction", "Operator")
    tick(qtbot, guide, Role.TEAM_MEMBER)
    click(qtbot, guide, "addMember")
    assert guide.team_page.team_list.count() == 2
    press(qtbot, guide, QWizard.WizardButton.NextButton)

    assert guide.currentPage() is guide.categories_page
    guide.categories_page.scheme.set_key("qcdsm")
    listed = child(guide, QLabel, "schemeCategories").text()
    assert all(name in listed for name in CATEGORY_SCHEMES["qcdsm"][1])
    press(qtbot, guide, QWizard.WizardButton.NextButton)

    assert guide.currentPage() is guide.background_page
    picture = make_png(tmp_path / "line 4 plan.png", 64, 48)
    assert guide.background_page.load_file(picture)
    assert "64 × 48" in child(guide, QLabel, "backgroundChosen").text()
    press(qtbot, guide, QWizard.WizardButton.FinishButton)
    assert guide.result() == QDialog.DialogCode.Accepted

    path = tmp_path / "created.troublemap"
    create_from_setup(path, guide.setup())
    doc = reopened(path)
    assert doc.workshop == Workshop(title="Line 4: minor stops", goal=ImprovementGoal.STANDARDS, goal_text="",
                                    scope="Filler and capper of line 4, day shift",
                                    start_date=date(2025, 3, 10), end_date=date(2025, 3, 12),
                                    category_scheme="qcdsm")
    assert people_of(doc) == {
        ("Maria Lopez", "", (Role.SPONSOR,)),
        ("Sam Okafor", "", (Role.CHANGE_AGENT,)),
        ("Priya Shah", "Maintenance planner", (Role.FIRST_LINE_LEADER, Role.EXPERT)),
        ("Tom Berg", "Operator", (Role.TEAM_MEMBER,)),
    }
    assert doc.background is not None
    assert (doc.background.image, doc.background.format) == (picture.read_bytes(), "png")
    assert not path.with_name(f".~lock.{path.name}#").exists()  # closed again, ready for open_path


def test_custom_goal_and_default_date(qtbot, guide, tmp_path):
    """The custom goal's text is stored; the date defaults to today; nothing else needs filling in."""
    assert guide.fields.start.value() == date.today()
    guide.fields.set_goal(ImprovementGoal.CUSTOM)
    assert guide.fields.goal_text_edit.isEnabled()
    type_into(qtbot, guide, "workshopGoalText", "Halve changeover time on filler 2")
    for _ in range(3):
        guide.next()
    assert guide.currentPage() is guide.background_page
    press(qtbot, guide, QWizard.WizardButton.FinishButton)

    path = tmp_path / "custom.troublemap"
    create_from_setup(path, guide.setup())
    workshop = reopened(path).workshop
    goal = "Halve changeover time on filler 2"
    assert (workshop.goal, workshop.goal_text, workshop.goal_label) == (ImprovementGoal.CUSTOM, goal, goal)
    assert (workshop.title, workshop.start_date, workshop.end_date) == ("Untitled workshop", date.today(),
                                                                        None)


def test_custom_goal_needs_its_text(qtbot, guide):
    """Custom goal with no text: Next says what is missing and stays on the page."""
    guide.fields.set_goal(ImprovementGoal.CUSTOM)
    press(qtbot, guide, QWizard.WizardButton.NextButton)
    assert guide.currentPage() is guide.what_page
    message = child(guide, QLabel, "whatMessage")
    assert message.isVisible() and message.text() == NEEDS_GOAL_TEXT


def test_every_role_is_explained_on_the_team_page(guide):
    """Each role's checkbox shows its one-line explanation, as in the team roster."""
    guide.next()
    for role in Role:
        check = child(guide, QCheckBox, f"role_{role.value}")
        line = child(guide, QLabel, f"roleExplanation_{role.value}")
        assert check.text() == role.label
        assert check.toolTip() == line.text() == role.explanation
        assert line.isVisible()
    assert Role.SPONSOR.explanation in child(guide, QLabel, "leadExplanation_sponsor").text()


def test_team_page_keeps_a_person_typed_but_not_added(qtbot, guide):
    """A name left in the form when Next is pressed joins the team; the sponsor, listed by name, gains the
    role rather than being added twice."""
    guide.next()
    type_into(qtbot, guide, "sponsorName", "ann lee")
    type_into(qtbot, guide, "memberName", "Ann Lee")
    tick(qtbot, guide, Role.TEAM_MEMBER)
    press(qtbot, guide, QWizard.WizardButton.NextButton)
    assert guide.currentPage() is guide.categories_page
    assert guide.team_page.team() == (TeamMember("Ann Lee", "", (Role.SPONSOR, Role.TEAM_MEMBER)),)


def test_team_page_edits_and_removes_people(qtbot, guide):
    """Selecting a person fills the form; Save changes replaces them, Remove takes them off."""
    guide.next()
    page = guide.team_page
    for name in ("Ann", "Bob"):
        type_into(qtbot, guide, "memberName", name)
        click(qtbot, guide, "addMember")
    click(qtbot, guide, "addMember")  # an empty name is refused
    assert child(guide, QLabel, "teamMessage").text() == "Type a name first."
    page.team_list.setCurrentRow(0)
    assert page.name_edit.text() == "Ann"
    type_into(qtbot, guide, "memberName", "Ann Lee")
    tick(qtbot, guide, Role.SUPPORT)
    click(qtbot, guide, "saveMember")
    page.team_list.setCurrentRow(1)
    click(qtbot, guide, "removeMember")
    assert page.team() == (TeamMember("Ann Lee", "", (Role.SUPPORT,)),)
    assert page.team_list.item(0).text() == "Ann Lee · Support function"


def test_skip_guide_creates_a_workshop_with_only_a_title(qtbot, guide, tmp_path):
    """Skip Guide, offered on the first page only, keeps the title and nothing else."""
    skip = guide.button(QWizard.WizardButton.CustomButton1)
    assert skip.isVisible() and skip.text().replace("&", "") == "Skip Guide"
    type_into(qtbot, guide, "workshopTitle", "Quick start")
    guide.fields.set_goal(ImprovementGoal.GROWTH)
    guide.fields.scope_edit.setPlainText("not kept")
    qtbot.mouseClick(skip, Qt.MouseButton.LeftButton)
    assert guide.result() == QDialog.DialogCode.Accepted and guide.skipped

    path = tmp_path / "skipped.troublemap"
    create_from_setup(path, guide.setup())
    doc = reopened(path)
    assert doc.workshop == Workshop(title="Quick start")
    assert doc.people == {} and doc.background is None


def test_skip_is_only_on_the_first_page_and_cancel_creates_nothing(qtbot, guide):
    guide.next()
    assert not guide.button(QWizard.WizardButton.CustomButton1).isVisible()
    guide.back()
    assert guide.button(QWizard.WizardButton.CustomButton1).isVisible()
    press(qtbot, guide, QWizard.WizardButton.CancelButton)
    assert guide.result() == QDialog.DialogCode.Rejected


def test_empty_title_becomes_untitled(tmp_path):
    path = tmp_path / "untitled.troublemap"
    create_from_setup(path, title_only_setup("   "))
    assert reopened(path).workshop.title == "Untitled workshop"


def test_bad_background_is_refused_and_the_guide_still_finishes(qtbot, guide, tmp_path):
    """Text bytes named .png: the page says why; Finish then makes a workshop without a background."""
    fake = tmp_path / "<b>plan<i>.png"
    fake.write_bytes(b"this is not a picture, just text\n" * 20)
    for _ in range(3):
        guide.next()
    assert not guide.background_page.load_file(fake)
    message = child(guide, QLabel, "backgroundMessage")
    assert message.isVisible()
    assert "“<b>plan<i>.png”" in message.text() and "not a picture" in message.text()
    assert message.textFormat() == Qt.TextFormat.PlainText
    assert guide.background_page.picture is None
    press(qtbot, guide, QWizard.WizardButton.FinishButton)
    assert guide.result() == QDialog.DialogCode.Accepted

    path = tmp_path / "no background.troublemap"
    create_from_setup(path, guide.setup())
    assert reopened(path).background is None


def test_a_refused_picture_keeps_the_one_chosen_before(qtbot, guide, tmp_path):
    good = make_png(tmp_path / "good.png")
    empty = tmp_path / "empty.png"
    empty.write_bytes(b"")
    page = guide.background_page
    assert page.load_file(good)
    assert not page.load_file(empty)
    assert page.picture is not None and page.picture.data == good.read_bytes()
    assert "“good.png”" in child(guide, QLabel, "backgroundChosen").text()
    for _ in range(3):
        guide.next()
    click(qtbot, guide, "clearBackground")
    assert page.picture is None


def test_hostile_text_round_trips(qtbot, guide, tmp_path):
    """Markup, right-to-left text, emoji and 10,000 characters are stored exactly as typed."""
    long_text = ("Reduce minor stops " * 600)[:10_000].strip()
    title = f"{MARKUP} {RTL} {EMOJI}"
    scope = f"{RTL}\n{MARKUP}\n{EMOJI}"
    guide.fields.title_edit.setText(title)
    guide.fields.set_goal(ImprovementGoal.CUSTOM)
    guide.fields.goal_text_edit.setText(long_text)
    guide.fields.scope_edit.setPlainText(scope)
    guide.next()
    guide.team_page.sponsor_edit.setText(f"{RTL}{EMOJI}")
    guide.team_page.name_edit.setText(MARKUP)
    guide.team_page.function_edit.setText(long_text)
    guide.team_page.add_from_form()
    assert guide.team_page.team_list.item(0).text().startswith(MARKUP)
    guide.next()
    guide.next()
    press(qtbot, guide, QWizard.WizardButton.FinishButton)

    path = tmp_path / "hostile.troublemap"
    create_from_setup(path, guide.setup())
    doc = reopened(path)
    assert (doc.workshop.title, doc.workshop.goal_text, doc.workshop.scope) == (title, long_text, scope)
    assert len(doc.workshop.goal_text) == len(long_text) > 9_900
    assert people_of(doc) == {(f"{RTL}{EMOJI}", "", (Role.SPONSOR,)), (MARKUP, long_text, ())}


def test_create_from_setup_never_overwrites_a_file(tmp_path, workshop_path):
    before = workshop_path.read_bytes()
    with pytest.raises(WorkshopFileError, match="already exists"):
        create_from_setup(workshop_path, title_only_setup("Another"))
    assert workshop_path.read_bytes() == before


def test_text_that_cannot_be_stored_creates_no_file(tmp_path):
    """A broken character (lone surrogate) is refused before the file is made."""
    path = tmp_path / "broken.troublemap"
    setup = WorkshopSetup(Workshop(title="Fine"), (TeamMember("Ann \ud800"),))
    with pytest.raises(WorkshopFileError, match="broken character"):
        create_from_setup(path, setup)
    assert not path.exists()


def test_a_failed_write_leaves_no_half_made_file(qapp, tmp_path, monkeypatch):
    """When adding the team cannot be saved, the new file is removed and the reason is given."""
    write = Repository.write

    def failing(self, changes, label, direction="redo"):
        if label.startswith("Add "):
            raise SaveFailed(self.path, "the disk is full")
        return write(self, changes, label, direction)

    monkeypatch.setattr(Repository, "write", failing)
    path = tmp_path / "full disk.troublemap"
    with pytest.raises(WorkshopFileError) as raised:
        create_from_setup(path, WorkshopSetup(Workshop(title="T"), (TeamMember("Ann"),)))
    assert NOT_CREATED in str(raised.value)
    assert list(tmp_path.iterdir()) == []


# Workshop > Details…


@pytest.fixture
def details(qtbot, service):
    dialog = WorkshopDetailsDialog(service)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def test_details_change_fields_in_one_undo_step(qtbot, details, service, workshop_path):
    """Title, goal, custom text, scope, dates and scheme changed, then OK: one edit, all in the file."""
    assert details.fields.title_edit.text() == "Line 4 trouble map"
    type_into(qtbot, details, "workshopTitle", "Line 4 after the rebuild")
    details.fields.set_goal(ImprovementGoal.CUSTOM)
    details.fields.goal_text_edit.setText(f"Zero minor stops {EMOJI}")  # keyClicks types ASCII only
    details.fields.scope_edit.setPlainText("Capper only")
    details.fields.start.set_value(date(2025, 5, 1))
    details.fields.end.set_value(date(2025, 5, 2))
    details.scheme.set_key("six_m")
    qtbot.mouseClick(details.buttons.button(details.buttons.StandardButton.Ok), Qt.MouseButton.LeftButton)

    assert details.result() == QDialog.DialogCode.Accepted
    assert service.undo_stack.count() == 1
    expected = Workshop(title="Line 4 after the rebuild", goal=ImprovementGoal.CUSTOM,
                        goal_text=f"Zero minor stops {EMOJI}", scope="Capper only",
                        start_date=date(2025, 5, 1), end_date=date(2025, 5, 2), category_scheme="six_m")
    assert reopened(workshop_path).workshop == expected
    service.undo_stack.undo()
    assert reopened(workshop_path).workshop == Workshop(title="Line 4 trouble map")


def test_details_ok_without_changes_makes_no_edit(qtbot, details, service, workshop_path):
    before = workshop_path.read_bytes()
    details.fields.set_goal(ImprovementGoal.GROWTH)
    details.fields.set_goal(ImprovementGoal.REACTIVE)  # changed and changed back
    details.accept()
    assert details.result() == QDialog.DialogCode.Accepted
    assert service.undo_stack.count() == 0
    assert workshop_path.read_bytes() == before


def test_details_send_only_the_changed_fields(qtbot, service, workshop_path):
    """Switching away from the custom goal keeps its text; an untouched field is not part of the edit."""
    service.update_workshop(goal=ImprovementGoal.CUSTOM, goal_text="Own words", scope="  spaced  ")
    dialog = WorkshopDetailsDialog(service)
    qtbot.addWidget(dialog)
    dialog.fields.set_goal(ImprovementGoal.STEP_OUT)
    assert dialog.changes() == {"goal": ImprovementGoal.STEP_OUT}
    dialog.accept()
    workshop = reopened(workshop_path).workshop
    assert (workshop.goal, workshop.goal_text, workshop.scope) == (ImprovementGoal.STEP_OUT, "Own words",
                                                                   "  spaced  ")
    assert service.undo_stack.count() == 2


def test_details_refuse_an_end_before_the_start(details, service):
    details.fields.start.set_value(date(2025, 5, 3))
    details.fields.end.set_value(date(2025, 5, 1))
    details.accept()
    assert details.isVisible() and details.message.text() == END_BEFORE_START
    assert service.undo_stack.count() == 0


def test_details_show_why_an_edit_was_not_saved(details, service, workshop_path, monkeypatch):
    def failing(self, changes, label, direction="redo"):
        raise SaveFailed(self.path, "the disk is full")

    monkeypatch.setattr(Repository, "write", failing)
    details.fields.title_edit.setText("Not saved")
    details.accept()
    assert details.isVisible() and "not saved" in details.message.text()
    monkeypatch.undo()
    assert reopened(workshop_path).workshop.title == "Line 4 trouble map"


def test_details_of_a_read_only_workshop_cannot_be_changed(qtbot, workshop_path):
    opened = open_workshop(workshop_path, read_only=True)
    service = WorkshopService(opened)
    try:
        dialog = WorkshopDetailsDialog(service)
        qtbot.addWidget(dialog)
        dialog.show()
        assert not dialog.fields.title_edit.isEnabled() and not dialog.scheme.combo.isEnabled()
        assert "read-only" in dialog.message.text()
        dialog.accept()
        assert dialog.result() == QDialog.DialogCode.Accepted
    finally:
        service.close()


def test_details_keep_a_scheme_this_version_does_not_know(qtbot, tmp_path):
    path = tmp_path / "future.troublemap"
    create_workshop(path, Workshop(title="From a newer version", category_scheme="kaizen_8")).close()
    opened = open_workshop(path)
    service = WorkshopService(opened)
    try:
        dialog = WorkshopDetailsDialog(service)
        qtbot.addWidget(dialog)
        assert dialog.scheme.key() == "kaizen_8" and dialog.changes() == {}
        assert "does not know" in dialog.scheme.categories.text()
        dialog.accept()
        assert service.undo_stack.count() == 0
    finally:
        service.close()
