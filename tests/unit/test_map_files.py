"""Map exports: PNG and SVG pictures, and PDF posters (tiled over A4/A3 sheets, or one large sheet)."""

from __future__ import annotations

import errno
import hashlib
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest
from PySide6.QtCore import QRectF
from PySide6.QtGui import QImage

from trouble_mapper.domain.model import Workshop
from trouble_mapper.domain.vocabulary import CardKind
from trouble_mapper.export.map_files import ExportFailed, ensure_gui_app, open_map, write_png, write_svg
from trouble_mapper.export.poster import (
    SHEETS,
    plan_tiles,
    poster_fonts,
    row_name,
    tile_label,
    write_poster,
)
from trouble_mapper.service import WorkshopService
from trouble_mapper.storage.workshop_file import create_workshop
from trouble_mapper.ui.places import bundled_example

A4_POINTS = (595.28, 841.89)
A0_POINTS = (2383.94, 3370.39)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def example(qapp):
    """The bundled example, opened read-only, its background picture placed."""
    with open_map(bundled_example()) as (_service, scene):
        yield scene


@pytest.fixture
def spread_path(qapp, tmp_path):
    """A small workshop (no background) whose cards spread over about 3200 × 2100 map units."""
    path = tmp_path / "Spread.troublemap"
    workshop_file = create_workshop(path, Workshop(title="Spread & wide"))
    service = WorkshopService(workshop_file)
    first = service.add_card(CardKind.TROUBLE, 0, 0, "Top left")
    last = service.add_card(CardKind.CAUSE, 3000, 2000, "Bottom right")
    service.add_card(CardKind.TROUBLE, 1500, 1000, "Middle")
    service.add_link(last.id, first.id)
    service.add_zone("Filler", 1400, 900, 400, 300)
    service.close()
    return path


def pdfinfo(path: Path) -> dict[str, str]:
    if shutil.which("pdfinfo") is None:
        pytest.skip("pdfinfo (poppler-utils) is not installed")
    output = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    pairs = (line.partition(":") for line in output.splitlines())
    return {key.strip(): value.strip() for key, _, value in pairs}


def page_size(info: dict[str, str]) -> tuple[float, float]:
    width, height = re.match(r"([\d.]+) x ([\d.]+) pts", info["Page size"]).groups()
    return float(width), float(height)


def same_sheet(size: tuple[float, float], sheet: tuple[float, float]) -> bool:
    return sorted(size) == pytest.approx(sorted(sheet), abs=1)


def pdftotext(path: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def non_white(image: QImage) -> int:
    """Count of non-white pixels on a coarse grid."""
    step = max(1, min(image.width(), image.height()) // 60)
    return sum(image.pixelColor(x, y).lightness() < 230
               for x in range(0, image.width(), step) for y in range(0, image.height(), step))


# Pictures.


def test_png_of_the_whole_map_has_the_maps_shape_and_shows_something(example, tmp_path):
    target = tmp_path / "map.png"
    size = write_png(target, example)
    image = QImage(str(target))
    assert not image.isNull()
    assert (image.width(), image.height()) == size
    rect = example.map_rect()
    assert image.width() / image.height() == pytest.approx(rect.width() / rect.height(), rel=0.05)
    assert non_white(image) > 100
    assert list(tmp_path.iterdir()) == [target]  # no temporary file left


def test_png_of_an_area_is_smaller_and_max_side_caps_the_size(example, tmp_path):
    whole, part, capped = tmp_path / "whole.png", tmp_path / "part.png", tmp_path / "capped.png"
    whole_size = write_png(whole, example)
    part_size = write_png(part, example, rect=QRectF(0, 0, 800, 450))
    assert part_size == (800, 450)
    assert part_size[0] < whole_size[0] and part.stat().st_size < whole.stat().st_size
    assert max(write_png(capped, example, max_side=500)) == 500
    assert non_white(QImage(str(part))) > 50


def test_svg_is_xml_with_an_svg_root_and_the_workshop_title(example, tmp_path):
    target = tmp_path / "map.svg"
    write_svg(target, example)
    root = ElementTree.parse(target).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    title = root.find("{http://www.w3.org/2000/svg}title")
    assert title is not None and title.text == example.service.document.workshop.title
    assert "<text" in target.read_text(encoding="utf-8") or "<path" in target.read_text(encoding="utf-8")


def test_svg_title_with_markup_characters_stays_well_formed(spread_path, tmp_path):
    with open_map(spread_path) as (_service, scene):
        write_svg(tmp_path / "map.svg", scene, QRectF(-50, -50, 400, 300))
    root = ElementTree.parse(tmp_path / "map.svg").getroot()
    assert root.find("{http://www.w3.org/2000/svg}title").text == "Spread & wide"


# Posters.


def test_tile_plan_keeps_cards_legible_on_few_sheets():
    plan = plan_tiles(3200, 2100, "a4", overlap_mm=10)
    assert plan.card_mm >= 25
    assert plan.sheets == 4 and plan.landscape  # portrait would need 6
    assert plan.map_w <= plan.grid_w + 1e-6 and plan.map_h <= plan.grid_h + 1e-6
    assert tile_label(plan, 1, 1) == "B2 of 2x2"
    assert [row_name(i) for i in (0, 1, 25, 26, 27)] == ["A", "B", "Z", "AA", "AB"]
    assert plan_tiles(400, 300, "a3").sheets == 1
    with pytest.raises(ValueError, match="overlap"):
        plan_tiles(3200, 2100, "a4", overlap_mm=100)
    with pytest.raises(ValueError, match="sheets"):
        plan_tiles(60_000, 40_000, "a4")
    with pytest.raises(ValueError, match="not a sheet size"):
        plan_tiles(3200, 2100, "letter")


def test_tiled_a4_poster_has_several_a4_pages_with_labels(spread_path, tmp_path):
    target = tmp_path / "poster.pdf"
    with open_map(spread_path) as (_service, scene):
        result = write_poster(target, scene, sheet="a4")
    info = pdfinfo(target)
    assert int(info["Pages"]) == result.pages == 5  # the assembly map, then 2 × 2 sheets
    assert same_sheet(page_size(info), A4_POINTS)
    assert info["Title"] == "Spread & wide"
    text = pdftotext(target)
    for label in ("A1 of 2x2", "A2 of 2x2", "B1 of 2x2", "B2 of 2x2"):
        assert label in text
    assert "Spread & wide" in text and "Cut each sheet" in text and "B1 below" in text


def test_tiled_poster_of_the_example(example, tmp_path):
    target = tmp_path / "poster.pdf"
    result = write_poster(target, example, sheet="a4", overlap_mm=10)
    assert result.pages >= 3 and result.card_mm >= 25
    info = pdfinfo(target)
    assert int(info["Pages"]) == result.pages
    assert same_sheet(page_size(info), A4_POINTS)
    assert f"A1 of {result.rows}x{result.cols}" in pdftotext(target)


def test_large_sheet_poster_is_one_a0_page(example, tmp_path):
    target = tmp_path / "poster.pdf"
    result = write_poster(target, example, large_sheet="a0")
    info = pdfinfo(target)
    assert int(info["Pages"]) == result.pages == 1
    assert same_sheet(page_size(info), A0_POINTS)
    assert "A0" in pdftotext(target)


@pytest.mark.parametrize("sheet", ["a3", "a2", "a1"])
def test_other_large_sheets_have_their_size(spread_path, tmp_path, sheet):
    target = tmp_path / f"{sheet}.pdf"
    with open_map(spread_path) as (_service, scene):
        write_poster(target, scene, large_sheet=sheet, dpi=40)
    width, height = SHEETS[sheet]
    assert same_sheet(page_size(pdfinfo(target)), (width * 72 / 25.4, height * 72 / 25.4))


def test_poster_refuses_unknown_sheets(example, tmp_path):
    with pytest.raises(ValueError, match="not a sheet size"):
        write_poster(tmp_path / "p.pdf", example, large_sheet="b1")
    with pytest.raises(ValueError, match="not a sheet size"):
        write_poster(tmp_path / "p.pdf", example, sheet="a0")
    assert list(tmp_path.iterdir()) == []


def test_a_title_in_another_script_is_printed_or_replaced(qapp, tmp_path):
    path = tmp_path / "Cyrillic.troublemap"
    create_workshop(path, Workshop(title="Линия 4\tупаковка")).close()
    with open_map(path) as (_service, scene):
        write_poster(tmp_path / "p.pdf", scene, sheet="a4", dpi=40)
    text = pdftotext(tmp_path / "p.pdf")
    if poster_fonts()[0] == "Helvetica":
        assert "????? 4" in text  # no Unicode font on this system: marked, not dropped
    else:
        assert "Линия 4" in text


# Errors and safety.


@pytest.mark.parametrize("write", [
    lambda path, scene: write_png(path, scene),
    lambda path, scene: write_svg(path, scene),
    lambda path, scene: write_poster(path, scene),
], ids=["png", "svg", "poster"])
def test_missing_folder_gives_a_clear_error_and_leaves_nothing(example, tmp_path, write):
    target = tmp_path / "gone" / "map.out"
    with pytest.raises(ExportFailed, match="does not exist") as caught:
        write(target, example)
    assert isinstance(caught.value, OSError)
    assert "gone" in str(caught.value)
    assert list(tmp_path.iterdir()) == []


def test_unwritable_folder_gives_a_clear_error_and_leaves_nothing(example, tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        if _can_write(folder):
            pytest.skip("running as a user who may write anywhere (root)")
        with pytest.raises(ExportFailed, match=r"may not write|read-only"):
            write_png(folder / "map.png", example)
        assert list(folder.iterdir()) == []
    finally:
        folder.chmod(0o700)


@pytest.mark.parametrize(("code", "wording"), [(errno.ENOSPC, "disk holding .* is full"),
                                               (errno.EROFS, "read-only disk"),
                                               (errno.EACCES, "may not write")])
def test_write_failures_are_told_in_user_words_and_leave_nothing(example, tmp_path, monkeypatch, code,
                                                                 wording):
    """A full disk or a read-only folder met while writing is an ExportFailed; no temporary file stays."""
    def failing_replace(source, target):
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(ExportFailed, match=wording) as caught:
        write_poster(tmp_path / "poster.pdf", example, large_sheet="a3", dpi=30)
    assert caught.value.errno == code
    assert list(tmp_path.iterdir()) == []


def _can_write(folder: Path) -> bool:
    try:
        (folder / "probe").write_bytes(b"")
    except OSError:
        return False
    (folder / "probe").unlink()
    return True


def test_an_existing_file_is_replaced_whole(example, tmp_path):
    target = tmp_path / "map.png"
    target.write_bytes(b"old")
    write_png(target, example, max_side=300)
    assert target.read_bytes().startswith(b"\x89PNG")
    assert list(tmp_path.iterdir()) == [target]


def test_exports_leave_the_workshop_file_unchanged(qapp, tmp_path):
    copy = tmp_path / "example.troublemap"
    shutil.copyfile(bundled_example(), copy)
    before = sha256(copy)
    with open_map(copy) as (service, scene):
        assert service.read_only
        write_png(tmp_path / "a.png", scene, max_side=800)
        write_svg(tmp_path / "a.svg", scene)
        write_poster(tmp_path / "a.pdf", scene, dpi=60)
    assert sha256(copy) == before
    assert sha256(bundled_example()) == sha256(copy)


def test_ensure_gui_app_returns_the_running_application(qapp):
    assert ensure_gui_app() is qapp
