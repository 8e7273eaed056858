"""Greedy word wrapping shared by printed table cells and the room's cards (trouble_mapper/text_wrap.py)."""

from __future__ import annotations

from trouble_mapper.text_wrap import break_word, wrap_paragraph


def chars(text: str) -> float:
    """A measure where every character is one unit wide."""
    return float(len(text))


def test_words_fill_each_line_and_long_words_are_cut():
    assert wrap_paragraph("one two three four", chars, 9) == ["one two", "three", "four"]
    assert wrap_paragraph("ab " + "x" * 10, chars, 4) == ["ab", "xxxx", "xxxx", "xx"]
    assert wrap_paragraph("", chars, 4) == [""]


def test_max_lines_stops_one_line_past_what_fits_without_measuring_the_rest():
    measured: list[str] = []

    def counting(text: str) -> float:
        measured.append(text)
        return float(len(text))

    lines = wrap_paragraph("x" * 100_000, counting, 10, max_lines=3)
    assert lines[:3] == ["x" * 10] * 3 and len(lines) == 4  # the fourth holds the rest, unmeasured
    assert len(measured) < 100  # not one call per character of the word


def test_break_word_keeps_at_least_one_character_per_piece():
    assert break_word("WM", chars, 0.5) == ["W", "M"]
    assert break_word("abcdefgh", chars, 3, max_pieces=2) == ["abc", "defgh"]
