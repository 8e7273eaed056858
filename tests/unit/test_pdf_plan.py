"""The printed action plan (export/pdf_plan.py) and the map picture it shows (export/map_picture.py).

PDFs are read back with poppler's pdfinfo, pdftotext and pdftoppm; those tests are skipped when poppler
is not installed.
"""

from __future__ import annotations

import copy
import dataclasses
import re
import shutil
import subprocess
import time
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from trouble_mapper.domain.model import Workshop
from trouble_mapper.domain.vocabulary import ActionStatus, CardKind, Role
from trouble_mapper.export.map_picture import render_map
from trouble_mapper.export.pdf_plan import (
    PlanExportError,
    actions_by_priority,
    markup,
    write_action_plan,
)
from trouble_mapper.service import WorkshopService
from trouble_mapper.storage.workshop_file import create_workshop, open_workshop
from trouble_mapper.ui.places import bundled_example

TODAY = date(2026, 11, 27)
POPPLER = all(shutil.which(tool) for tool in ("pdfinfo", "pdftotext", "pdftoppm"))
needs_poppler = pytest.mark.skipif(not POPPLER,
                                   reason="poppler-utils (pdfinfo, pdftotext, pdftoppm) not installed")

HOSTILE_TITLE = "<b>Line & 5</b> =SUM(A1:A9) خط الإنتاج 生产线 🚀"
LONG_WORD = "x" * 10_000


def pdfinfo(path: Path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    pairs = (line.partition(":") for line in out.splitlines())
    return {key.strip(): value.strip() for key, _, value in pairs}


def pdftext(path: Path, *pages: int) -> str:
    args = ["pdftotext", "-layout"]
    if pages:
        args += ["-f", str(pages[0]), "-l", str(pages[-1])]
    return subprocess.run([*args, str(path), "-"], capture_output=True, text=True, check=True).stdout


def page_of(path: Path, needle: str) -> int:
    """The first page whose text contains ``needle``."""
    pages = int(pdfinfo(path)["Pages"])
    for page in range(1, pages + 1):
        if needle in pdftext(path, page):
            return page
    raise AssertionError(f"{needle!r} is on no page")


@pytest.fixture(scope="module")
def example_file():
    opened = open_workshop(bundled_example(), read_only=True)
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def example_pdf(qapp, example_file, tmp_path_factory):
    path = tmp_path_factory.mktemp("plan") / "Line 4 plan.pdf"
    write_action_plan(path, example_file, today=TODAY)
    return path


@pytest.fixture
def hostile_service(qapp, tmp_path):
    path = tmp_path / "hostile.troublemap"
    create_workshop(path, Workshop(title=HOSTILE_TITLE, scope="Filler & capper <i>only</i> " + LONG_WORD,
                                   start_date=date(2026, 11, 1))).close()
    opened = open_workshop(path)
    service = WorkshopService(opened)
    sponsor = service.add_person("Zoë <Sponsor> & Co", "Directrice", [Role.SPONSOR])
    owner = service.add_person("محمد 李雷 😀", "=cmd|' /C calc'!A0", [Role.TEAM_MEMBER, Role.CHANGE_AGENT])
    trouble = service.add_card(CardKind.TROUBLE, 10, 10, "<script>alert(1)</script> & </para> " + LONG_WORD,
                               category="Minor stops")
    cause = service.add_card(CardKind.CAUSE, 300, 10, "Ünïcödé ✓ — 🧯🔥 خطأ 错误")
    service.add_link(cause.id, trouble.id)
    service.add_zone("<Zone & 1>", 0, 0, 600, 300)
    service.add_action("Fix <b>it</b> & check ]]> " + LONG_WORD, owner_id=owner.id, due=date(2026, 11, 1),
                       card_ids=(trouble.id,), check="@SUM(1+1) <br/>", needs_standard=True)
    service.add_action("Done one", owner_id=sponsor.id, due=date(2026, 12, 1), status=ActionStatus.OPEN)
    service.add_meeting(date(2026, 11, 20), [sponsor.id], "Notes with <tags> & a 🚀 and\nsecond line")
    yield service
    service.undo_stack.clear()
    opened.close()


# The map picture.

def test_the_map_picture_has_the_long_side_asked_for_and_is_drawn(qapp, example_file):
    image = render_map(example_file, max_side=1200)
    assert max(image.width(), image.height()) == 1200
    small = image.scaled(60, 40)
    colours = {small.pixel(x, y) for x in range(small.width()) for y in range(small.height())}
    assert len(colours) > 20  # background, zones and cards, not a blank sheet


def test_the_map_picture_waits_for_the_background(qapp, example_file):
    """The example has a background picture: the corner of the map is not plain white."""
    image = render_map(example_file, max_side=800, palette="screen")
    assert not image.isNull() and image.format() != QImage.Format.Format_Invalid
    with pytest.raises(ValueError):
        render_map(example_file, palette="neon")


def test_an_unreadable_background_is_left_out_without_waiting(qapp, example_file):
    doc = copy.copy(example_file.document)
    doc.background = dataclasses.replace(doc.background, image=b"\x89PNG not really" * 10)
    started = time.monotonic()
    image = render_map(doc, max_side=400)
    assert time.monotonic() - started < 5
    assert max(image.width(), image.height()) == 400


# The plan of the bundled example.

def test_markup_escapes_user_text():
    assert markup("<b>a</b> & b") == "&lt;b&gt;a&lt;/b&gt; &amp; b"
    assert markup("one\ntwo") == "one<br/>two"
    assert "more characters not printed" in markup("y" * 50, limit=10)


def test_actions_come_overdue_first_then_by_due_date(example_file):
    ordered = actions_by_priority(example_file.document, TODAY)
    overdue = [a for a in ordered if a.due and a.due < TODAY and not a.status.is_closed]
    assert overdue and ordered[:len(overdue)] == sorted(overdue, key=lambda a: a.due)
    open_rest = [a for a in ordered[len(overdue):] if not a.status.is_closed]
    assert [a.due for a in open_rest] == sorted(a.due for a in open_rest)


@needs_poppler
def test_the_example_plan_has_its_title_pages_and_sections(example_pdf, example_file):
    info = pdfinfo(example_pdf)
    pages = int(info["Pages"])
    assert pages >= 6
    assert info["Title"] == example_file.document.workshop.title
    assert info["Author"] == "Sam Okafor"
    assert "A4" in info["Page size"]
    text = pdftext(example_pdf)
    for section in ("Trouble map", "Trouble register", "Action plan by priority", "Actions for",
                    "To standardise", "Latest meeting", "Sponsor sign-off", "The team"):
        assert section in text, section
    assert "page 1 of " + str(pages) in text
    assert f"page {pages} of {pages}" in text
    assert "Breaking out of reactive maintenance" in text and "Maria Keller" in text


@needs_poppler
def test_every_trouble_tag_and_owner_is_printed(example_pdf, example_file):
    text = pdftext(example_pdf)
    tags = set(re.findall(r"\bT\d+\b", text))
    assert {f"T{n}" for n in range(1, 19)} <= tags
    doc = example_file.document
    for action in doc.actions.values():
        assert f"Actions for {doc.people[action.owner_id].name}" in text


@needs_poppler
def test_overdue_actions_say_so_in_words(example_pdf, example_file):
    doc = example_file.document
    overdue = doc.overdue_actions(TODAY)
    assert overdue
    plan_page = pdftext(example_pdf, page_of(example_pdf, "Action plan by priority"))
    assert plan_page.count("OVERDUE") == len(overdue)
    for action in overdue:
        owner = doc.people[action.owner_id].name
        owner_page = pdftext(example_pdf, page_of(example_pdf, f"Actions for {owner}"))
        assert "OVERDUE" in owner_page


def test_the_plan_has_an_outline_entry_per_section(qapp, example_file, tmp_path):
    path = tmp_path / "plain.pdf"
    write_action_plan(path, example_file, today=TODAY, page_compression=False)
    data = path.read_bytes()
    assert b"/Outlines" in data
    titles = re.findall(rb"/Dest \[ \d+ 0 R[^\]]*\][^>]*?/Title \(([^)]*)\)", data)
    for section in (b"The team", b"Trouble map", b"Trouble register", b"Action plan by priority",
                    b"Actions by owner", b"Actions for Priya Nair", b"To standardise", b"Sponsor sign-off"):
        assert section in titles, section


@needs_poppler
def test_letter_and_a4_page_sizes(qapp, example_file, tmp_path):
    letter = tmp_path / "letter.pdf"
    write_action_plan(letter, example_file, paper="letter", today=TODAY)
    out = subprocess.run(["pdfinfo", "-f", "1", "-l", "3", str(letter)], capture_output=True, text=True,
                         check=True).stdout
    assert "612 x 792 pts (letter)" in out
    assert "792 x 612 pts" in out  # the map page is landscape
    with pytest.raises(ValueError, match="paper"):
        write_action_plan(tmp_path / "x.pdf", example_file, paper="a3")


@needs_poppler
def test_the_map_page_is_drawn(example_pdf, tmp_path):
    page = page_of(example_pdf, "Trouble map\n")
    subprocess.run(["pdftoppm", "-r", "100", "-f", str(page), "-l", str(page), "-png", str(example_pdf),
                    str(tmp_path / "map")], check=True)
    png = next(tmp_path.glob("map*.png"))
    image = QImage(str(png))
    assert image.width() > image.height()  # landscape
    dark = sum(1 for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)
               if (image.pixel(x, y) & 0xFFFFFF) != 0xFFFFFF)
    assert dark > 1000


# Hostile text and failures.

@needs_poppler
def test_hostile_text_is_printed_not_obeyed(hostile_service, tmp_path):
    path = tmp_path / "hostile.pdf"
    write_action_plan(path, hostile_service, today=TODAY)
    info = pdfinfo(path)
    assert info["Title"].startswith("<b>Line & 5</b> =SUM(A1:A9)") and "生产线" in info["Title"]
    text = pdftext(path)
    assert "<b>Line & 5</b>" in text
    assert "<script>alert(1)</script> & </para>" in text
    assert "Zoë <Sponsor> & Co" in text
    assert "OVERDUE" in text and "T1" in text and "C1" in text
    assert "Notes with <tags> & a" in text
    assert "xxxxxxxxxx" in text


def test_a_plan_that_cannot_be_written_raises_an_os_error(qapp, example_file, tmp_path):
    target = tmp_path / "missing folder" / "plan.pdf"
    with pytest.raises(PlanExportError, match="Cannot write the action plan"):
        write_action_plan(target, example_file, today=TODAY)
    assert isinstance(PlanExportError("x"), OSError)
    assert not target.exists()


def test_writing_replaces_the_old_file_whole(qapp, example_file, tmp_path):
    target = tmp_path / "plan.pdf"
    target.write_bytes(b"old")
    write_action_plan(target, example_file, today=TODAY)
    assert target.read_bytes().startswith(b"%PDF")
    assert [p.name for p in tmp_path.iterdir()] == ["plan.pdf"]  # no temporary file left behind
