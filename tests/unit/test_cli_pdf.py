"""`trouble-mapper export FILE --pdf OUT` without a display, and File > Export Action Plan as PDF."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from io import StringIO

import pytest

from trouble_mapper import cli
from trouble_mapper.ui import places

PDFINFO = shutil.which("pdfinfo")


def test_cli_writes_the_plan_as_pdf_without_a_display(tmp_path):
    example = tmp_path / "example.troublemap"
    shutil.copyfile(places.bundled_example(), example)
    before = example.read_bytes()
    target = tmp_path / "plan.pdf"
    env = {key: value for key, value in os.environ.items() if key not in ("DISPLAY", "QT_QPA_PLATFORM")}
    command = [sys.executable, "-m", "trouble_mapper", "export", str(example), "--pdf", str(target),
               "--paper", "letter"]
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert target.read_bytes().startswith(b"%PDF") and "action plan (LETTER)" in done.stdout
    assert example.read_bytes() == before
    if PDFINFO:
        info = subprocess.run([PDFINFO, str(target)], capture_output=True, text=True, check=True).stdout
        assert "612 x 792" in info


def test_cli_pdf_into_a_missing_folder_says_so(tmp_path):
    example = tmp_path / "example.troublemap"
    shutil.copyfile(places.bundled_example(), example)
    err = StringIO()
    status = cli.run(["export", str(example), "--pdf", str(tmp_path / "no such folder" / "plan.pdf")],
                     StringIO(), err)
    assert status == 2 and "plan.pdf" in err.getvalue()


@pytest.mark.skipif(PDFINFO is None, reason="pdfinfo (poppler-utils) is not installed")
def test_file_menu_exports_the_plan(qtbot, tmp_path, monkeypatch):
    from trouble_mapper.ui.main_window import MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    monkeypatch.setattr(window, "show_error", lambda title, text: pytest.fail(text))
    example = tmp_path / "example.troublemap"
    shutil.copyfile(places.bundled_example(), example)
    assert window.open_path(example)
    target = tmp_path / "plan.pdf"
    assert window.printing.export_plan(target, "a4")
    info = subprocess.run([PDFINFO, str(target)], capture_output=True, text=True, check=True).stdout
    assert "Packaging line 4" in info and "A4" in info
    window.close_workshop()


def test_cli_writes_png_svg_and_an_a0_poster(tmp_path):
    example = tmp_path / "example.troublemap"
    shutil.copyfile(places.bundled_example(), example)
    out, err = StringIO(), StringIO()
    status = cli.run(["export", str(example), "--png", str(tmp_path / "map.png"), "--svg",
                      str(tmp_path / "map.svg"), "--poster", str(tmp_path / "poster.pdf"),
                      "--poster-sheet", "a0"], out, err)
    assert status == 0, err.getvalue()
    assert (tmp_path / "map.png").read_bytes().startswith(b"\x89PNG")
    assert b"<svg" in (tmp_path / "map.svg").read_bytes()[:2000]
    if PDFINFO:
        info = subprocess.run([PDFINFO, str(tmp_path / "poster.pdf")], capture_output=True, text=True,
                              check=True).stdout
        pages = next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:"))
        assert pages == "1" and "(A0)" in info


def test_file_menu_exports_the_current_view_and_a_poster(qtbot, tmp_path, monkeypatch):
    from PySide6.QtGui import QImage

    from trouble_mapper.ui.main_window import MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    window.resize(1200, 800)
    window.show()
    monkeypatch.setattr(window, "show_error", lambda title, text: pytest.fail(text))
    example = tmp_path / "example.troublemap"
    shutil.copyfile(places.bundled_example(), example)
    assert window.open_path(example)
    scene = window.view.map_scene()
    qtbot.waitUntil(lambda: not scene.background_pending, timeout=5000)
    assert window.printing.export_picture(tmp_path / "whole.png", scene)
    window.view.set_zoom(1.0)
    assert window.printing.export_picture(tmp_path / "view.png", scene, window.view.visible_scene_rect())
    whole, view = QImage(str(tmp_path / "whole.png")), QImage(str(tmp_path / "view.png"))
    assert whole.width() > view.width() > 0
    assert window.printing.export_picture(tmp_path / "map.svg", scene)
    assert window.printing.export_poster(tmp_path / "poster.pdf", scene, "a3")
    assert (tmp_path / "poster.pdf").read_bytes().startswith(b"%PDF")
    window.close_workshop()


def test_characters_the_font_cannot_print_are_reported(tmp_path):
    """CJK and emoji are not in the bundled font: the plan still prints and the CLI says what was missed."""
    from trouble_mapper.domain.model import Workshop
    from trouble_mapper.domain.vocabulary import CardKind
    from trouble_mapper.service import WorkshopService
    from trouble_mapper.storage.workshop_file import create_workshop

    path = tmp_path / "Scripts.troublemap"
    service = WorkshopService(create_workshop(path, Workshop(title="Ελληνικά Кириллица עברית")))
    service.add_card(CardKind.TROUBLE, 0, 0, "灌装机 停机 🔥 and Ελληνικά, Кириллица, עברית, العربية")
    service.close()
    out, err = StringIO(), StringIO()
    assert cli.run(["export", str(path), "--pdf", str(tmp_path / "plan.pdf")], out, err) == 0, err.getvalue()
    note = out.getvalue()
    assert "could not be printed" in note and "灌" in note and "🔥" in note
    assert "Ε" not in note.split("could not be printed")[1]  # Greek is in the bundled font


def test_right_to_left_text_is_put_in_drawing_order():
    """reportlab draws left to right: Hebrew comes reversed into drawing order, Arabic also joined."""
    import unicodedata

    from trouble_mapper.export.fonts import visual_order

    assert visual_order("Line 4 stops") == "Line 4 stops"
    assert visual_order("Echo קו ייצור end") == "Echo רוציי וק end"
    arabic = visual_order("خط")
    assert arabic != "خط" and unicodedata.normalize("NFKC", arabic) == "طخ"  # joined forms, drawn order
