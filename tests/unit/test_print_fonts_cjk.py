"""Letters the bundled font lacks (Chinese, Japanese, Korean): printed in a system font when there is one,
otherwise replaced by a mark and reported (export/fonts.py ``prepare_for``).

No CJK font is needed for most of these tests: the "bundled" font is made to lack Greek and the real
bundled DejaVu Sans is offered as the system fallback. One test prints real CJK text when the system has
a TrueType CJK font (e.g. ``apt-get install fonts-wqy-zenhei``) and is skipped otherwise.
"""

from __future__ import annotations

import io
import subprocess
from dataclasses import dataclass, field
from datetime import date
from xml.sax.saxutils import escape

import pypdf
import pytest
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

from trouble_mapper.export import fonts
from trouble_mapper.export.cell_text import cell_lines
from trouble_mapper.export.fonts import FallbackFont, describe_missed, prepare_for, print_fonts, printable

GREEK = "Παραγωγή"
HEBREW = "קו ייצור"
CHINESE = "设备故障传送带卡住"
DEJAVU = FallbackFont(fonts._bundled("DejaVuSans.ttf"), fonts._bundled("DejaVuSans-Bold.ttf"))


def _is_greek(ch: str) -> bool:
    return "\u0370" <= ch <= "\u03ff" or "\u1f00" <= ch <= "\u1fff"


@pytest.fixture(autouse=True)
def font_state(monkeypatch):
    """Each test starts from the bundled fonts with nothing missed and no system font read, without
    fontconfig; the module's state is put back afterwards."""
    bundled = fonts._bundled_print_fonts()
    monkeypatch.setattr(fonts, "_fonts", bundled)
    monkeypatch.setattr(fonts, "_faces", {})
    monkeypatch.setattr(fonts, "_fontconfig_answers", {})
    monkeypatch.setattr(fonts, "USE_FONTCONFIG", False)
    bundled.take_missed()
    yield bundled
    bundled.take_missed()


@pytest.fixture
def no_greek(monkeypatch, font_state):
    """The bundled font as if it had no Greek letters (same font names, so it still prints)."""
    real = font_state
    if real.regular == "Helvetica":
        pytest.skip("the bundled font is missing: nothing to fall back from")
    lacking = fonts.Fonts(real.regular, real.bold, lambda ch: real.covers(ch) and not _is_greek(ch),
                          real.replacement, set(), "Without Greek")
    monkeypatch.setattr(fonts, "_bundled_fonts", lacking)
    monkeypatch.setattr(fonts, "_fonts", lacking)
    return lacking


def pdf_text(text: str) -> str:
    """``text`` printed with the active print fonts as a Paragraph, a bold Paragraph and a plain-string
    table cell (as the plan prints them), read back with pypdf."""
    active = print_fonts()
    style = ParagraphStyle("body", fontName=active.regular, fontSize=10, leading=13)
    bold = ParagraphStyle("bold", parent=style, fontName=active.bold)
    table = Table([["Cell", cell_lines(text, active.regular, 8.5, 300)]], colWidths=[60, 320])
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), active.regular)]))
    output = io.BytesIO()
    SimpleDocTemplate(output, pagesize=A4).build([
        Paragraph("Para " + escape(printable(text)), style),
        Paragraph("Bold " + escape(printable(text)), bold),
        table,
    ])
    reader = pypdf.PdfReader(io.BytesIO(output.getvalue()))
    return "\n".join(page.extract_text() for page in reader.pages)


# The choice.


def test_letters_the_bundled_font_lacks_print_in_a_system_font_that_has_them(no_greek):
    chosen = prepare_for(["Line 4", f"Stop {GREEK}"], [DEJAVU])
    assert chosen is print_fonts() and chosen is not no_greek
    assert chosen.regular.startswith("PrintFallback") and chosen.bold == chosen.regular + "-Bold"
    assert chosen.family == "DejaVu Sans"
    assert printable(f"Stop {GREEK}") == f"Stop {GREEK}"
    assert cell_lines(f"Stop {GREEK}", chosen.regular, 8.5, 400) == f"Stop {GREEK}"
    assert chosen.take_missed() == []


def test_the_fallback_really_prints_the_letters(no_greek):
    prepare_for([GREEK], [DEJAVU])
    text = pdf_text(f"{GREEK} end")
    assert f"Para {GREEK} end" in text and f"Bold {GREEK} end" in text and f"{GREEK} end" in text
    assert print_fonts().take_missed() == []


def test_without_a_system_font_the_letters_become_a_mark_and_are_reported(no_greek):
    assert prepare_for([GREEK], [FallbackFont("/nonexistent/font.ttf")]) is no_greek
    assert printable(f"Stop {GREEK} end") == f"Stop {no_greek.replacement} end"
    text = pdf_text(f"{GREEK} end")
    assert f"Para {no_greek.replacement} end" in text and GREEK not in text  # marked, not dropped
    assert set(no_greek.take_missed()) == set(GREEK)


def test_missing_chinese_is_reported_with_a_font_that_works(font_state):
    assert prepare_for([CHINESE], []) is font_state
    printable(f"Line {CHINESE}")
    assert set(font_state.take_missed()) == set(CHINESE)
    note = describe_missed(sorted(set(CHINESE)))
    assert note.startswith("9 different characters could not be printed (")
    assert "WenQuanYi Zen Hei (package fonts-wqy-zenhei" in note and "Noto Sans CJK (.otf) cannot" in note


def test_the_report_says_what_to_do_for_each_kind_of_character(font_state):
    assert describe_missed([]) == ""
    assert describe_missed(["🔥"]).startswith("1 character could not be printed (🔥)")
    assert "Emoji" in describe_missed(["🔥"])
    assert "TrueType font for that script" in describe_missed(["ภ"])
    fonts._faces[(DEJAVU.regular, 5)] = fonts._Face(frozenset("中文") | fonts._BASIC_LATIN, "", "Fake Hei")
    note = describe_missed(["中", "ע"])
    assert "The font Fake Hei on this computer has the Chinese" in note and "one font" in note


def test_unusable_candidates_are_skipped(no_greek, tmp_path):
    broken = tmp_path / "broken.ttf"
    broken.write_bytes(b"OTTO" + bytes(200))  # not a TrueType font reportlab can read
    globbed = FallbackFont(str(tmp_path / "*.ttf"))
    chosen = prepare_for([GREEK], [FallbackFont(str(broken)), globbed, DEJAVU])
    assert chosen.family == "DejaVu Sans"
    assert fonts._faces[(str(broken), 0)].covered is None  # read once, remembered as unusable


def test_a_fallback_without_its_bold_file_uses_the_regular_face_for_bold(no_greek):
    chosen = prepare_for([GREEK], [DEJAVU._replace(bold="/nonexistent/bold.ttf")])
    assert chosen.bold == chosen.regular
    assert f"Bold {GREEK}" in pdf_text(GREEK)


def test_the_bundled_font_stays_when_the_fallback_would_lose_more_letters(no_greek):
    """One font per document: a font with the Greek but not the Hebrew would print less of this text."""
    fake = FallbackFont(DEJAVU.regular, None, 7)  # never read: what it covers (and its fonts) made up
    covered = fonts._DOCUMENT_CHARS | frozenset(GREEK)
    made_up = fonts.Fonts("PrintSans", "PrintSans", covered.__contains__, "?", set(), "Fake")
    fonts._faces[(fake.regular, fake.index)] = fonts._Face(covered, "", "Fake", fonts=made_up)
    assert prepare_for([f"{GREEK[:2]} {HEBREW} end"], [fake]) is no_greek
    assert prepare_for([GREEK], [fake]).family == "Fake"  # Greek only: the fake one wins


def test_each_document_chooses_again(no_greek):
    assert prepare_for([GREEK], [DEJAVU]) is not no_greek
    assert prepare_for(["Plain text"], [DEJAVU]) is no_greek
    assert print_fonts() is no_greek
    assert prepare_for([GREEK], [DEJAVU]) is print_fonts() is not no_greek  # registered once, reused


def test_the_fallback_collects_misses_where_the_bundled_font_does(no_greek):
    chosen = prepare_for([GREEK], [DEJAVU])
    assert chosen.missed is no_greek.missed  # write_action_plan's take_missed sees them either way
    printable("🛸")
    assert no_greek.take_missed() == ["🛸"]


def test_no_font_is_looked_for_when_nothing_or_only_emoji_is_missing(font_state):
    assert prepare_for(["Line 4", "", "Ünïcödé ✓ — Ελληνικά Кириллица 🔥"], [DEJAVU]) is font_state
    assert fonts._faces == {}  # no font file was read
    assert prepare_for([]) is font_state


def test_fontconfig_is_asked_only_when_present(monkeypatch, font_state):
    monkeypatch.setattr(fonts.shutil, "which", lambda name: None)
    assert fonts._fontconfig_candidates(set(CHINESE)) == ()
    calls = []

    def run(args, **kwargs):
        calls.append(args)
        return subprocess.CompletedProcess(args, 0, "1|/f/a.ttc\n0|/f/a.ttc\n0|/f/b.ttf\n0|/f/c.pcf.gz\n", "")

    monkeypatch.setattr(fonts, "_fontconfig_answers", {})
    monkeypatch.setattr(fonts.shutil, "which", lambda name: "/usr/bin/fc-list")
    monkeypatch.setattr(fonts.subprocess, "run", run)
    found = fonts._fontconfig_candidates({"中", "文"})
    assert found == (FallbackFont("/f/a.ttc", None, 0), FallbackFont("/f/b.ttf", None, 0))
    assert calls[0][-1] == ":charset=4e2d 6587"
    assert fonts._fontconfig_candidates({"中", "文"}) == found and len(calls) == 1  # asked once


def test_texts_in_finds_every_string_of_a_document():
    @dataclass(frozen=True, slots=True)
    class Item:
        name: str
        number: int = 3
        tags: tuple[str, ...] = ()
        when: date | None = None

    @dataclass
    class Doc:
        title: str
        items: dict[str, Item] = field(default_factory=dict)
        data: bytes = b"\xe4\xb8\xad"

    doc = Doc("标题", {"a": Item("名字", tags=("x", "标签")), "b": Item("y", when=date(2024, 1, 1))})
    assert sorted(fonts.texts_in(doc, ["list"], "plain")) == sorted(
        ["标题", "名字", "x", "标签", "y", "list", "plain"])


# A real CJK font, when the system has one.


def test_chinese_prints_in_a_system_cjk_font_when_there_is_one(monkeypatch, font_state):
    monkeypatch.setattr(fonts, "USE_FONTCONFIG", True)
    chosen = prepare_for(["Line 4", CHINESE])
    if chosen is font_state:
        pytest.skip("no TrueType CJK font on this system (e.g. apt-get install fonts-wqy-zenhei): looked in "
                    f"{len(fonts.FALLBACK_CANDIDATES)} well-known places and asked fc-list if installed")
    text = pdf_text(f"{CHINESE} end")
    printed = "".join(ch for ch in CHINESE if chosen.covers(ch))
    assert printed, f"{chosen.family} was chosen but has none of the letters"
    for needle in (f"Para {printed}", f"Bold {printed}", printed):
        assert needle in text.replace(" ", "").replace("\n", "") or needle in text, (needle, text)
    assert set(chosen.take_missed()) == set(CHINESE) - set(printed)
