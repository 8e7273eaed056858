"""Table-cell text of the printed plan wrapped once as plain lines (export/cell_text.py)."""

from __future__ import annotations

import itertools

from reportlab.pdfbase import pdfmetrics

from trouble_mapper.export.cell_text import cell_lines
from trouble_mapper.export.fonts import print_fonts

SIZE = 8.5


def width(line: str) -> float:
    return pdfmetrics.stringWidth(line, print_fonts().regular, SIZE)


def lines(text: str, column: float) -> list[str]:
    return cell_lines(text, print_fonts().regular, SIZE, column).split("\n")


def test_words_fill_lines_up_to_the_column_width():
    text = "Seal of the filler valve leaks after every product change on line four"
    wrapped = lines(text, 80)
    assert len(wrapped) > 2
    assert all(width(line) <= 80 for line in wrapped)
    assert " ".join(wrapped) == text
    # greedy: the next line's first word would not have fitted on the line before
    for before, after in itertools.pairwise(wrapped):
        assert width(before + " " + after.split(" ")[0]) > 80


def test_a_word_wider_than_the_column_is_cut_between_characters():
    word = "x" * 10_000
    wrapped = lines(word, 60)
    assert "".join(wrapped) == word
    assert all(0 < width(line) <= 60 for line in wrapped)


def test_a_column_too_narrow_for_one_character_still_prints_every_character():
    assert lines("WM", 1) == ["W", "M"]


def test_typed_line_breaks_are_kept_and_tabs_become_spaces():
    assert lines("First line\nsecond\tline", 400) == ["First line", "second line"]


def test_control_characters_go_and_missing_glyphs_become_one_reported_mark():
    fonts = print_fonts()
    fonts.take_missed()
    printed = lines("Bell\x07 rocket 🚀🔥 end", 400)[0]
    assert "\x07" not in printed
    if not fonts.covers("🚀"):
        assert printed == f"Bell rocket {fonts.replacement} end"
        assert set(fonts.take_missed()) == {"🚀", "🔥"}


def test_text_over_the_limit_is_cut_and_says_how_much_is_missing():
    printed = cell_lines("a" * 50, print_fonts().regular, SIZE, 400, limit=10)
    assert printed == "a" * 10 + " … (40 more characters not printed)"


def test_right_to_left_text_is_reordered_per_printed_line():
    """Wrapped first in typing order, then each printed line put in drawing order: the first printed
    line holds the first words typed, drawn right to left."""
    words = ["אחת", "שתיים", "שלוש", "ארבע", "חמש", "שש", "שבע", "שמונה"]
    if not all(print_fonts().covers(ch) for ch in "".join(words)):
        return  # no Hebrew glyphs in this font: nothing to order
    wrapped = lines(" ".join(words), 45)
    assert len(wrapped) > 2
    typed = [" ".join(reversed(line.split(" "))) for line in wrapped]  # drawing order back to typing
    assert [w for line in typed for w in line.split(" ")] == [w[::-1] for w in words]


def test_a_right_to_left_paragraph_is_reordered_per_printed_line():
    """Meeting notes and cover facts: a wrapped Hebrew paragraph reads right on every printed line."""
    from datetime import date

    from trouble_mapper.domain.document import WorkshopDocument
    from trouble_mapper.export.pdf_plan import _Builder

    words = ["אחת", "שתיים", "שלוש", "ארבע", "חמש", "שש", "שבע", "שמונה", "תשע", "עשר"]
    if not all(print_fonts().covers(ch) for ch in "".join(words)):
        return
    paragraph = _Builder(WorkshopDocument(), date(2026, 11, 27), None).p(" ".join(words), "body", width=70)
    printed = paragraph.text.split("<br/>")
    assert len(printed) > 2
    typed = [w[::-1] for line in printed for w in reversed(line.split(" "))]
    assert typed == words
    latin = _Builder(WorkshopDocument(), date(2026, 11, 27), None).p("Seal leaks <b>", "body", width=70)
    assert "<br/>" not in latin.text and "&lt;b&gt;" in latin.text  # left-to-right text: reportlab wraps it
