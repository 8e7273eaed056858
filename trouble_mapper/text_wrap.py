"""Greedy word wrapping with any text measure: used for printed table cells (reportlab widths) and for
cards on the room's screen (Qt font metrics). Linear in the text's length, a 10,000-character word
included, and able to stop once enough lines are made."""

from __future__ import annotations

from collections.abc import Callable

Measure = Callable[[str], float]


def wrap_paragraph(paragraph: str, measure: Measure, width: float, max_lines: int | None = None) -> list[str]:
    """``paragraph`` (no line breaks) in lines no wider than ``width``: breaks at spaces, and cuts a word
    wider than a line between characters (at least one character per line). With ``max_lines``, stops
    after that many lines plus one (enough to tell that the text does not fit)."""
    space = measure(" ")
    lines: list[str] = []
    line: list[str] = []
    used = 0.0
    for word in paragraph.split(" "):
        if max_lines is not None and len(lines) > max_lines:
            break
        if not word:
            continue
        word_width = measure(word)
        if line and used + space + word_width <= width:
            line.append(word)
            used += space + word_width
            continue
        if line:
            lines.append(" ".join(line))
            line, used = [], 0.0
        if word_width > width:
            most = None if max_lines is None else max_lines + 1 - len(lines)
            pieces = break_word(word, measure, width, most)
            lines += pieces[:-1]
            word = pieces[-1]
            word_width = measure(word)
        line, used = [word], word_width
    if line:
        lines.append(" ".join(line))
    return lines or [""]


def break_word(word: str, measure: Measure, width: float, max_pieces: int | None = None) -> list[str]:
    """A word too wide for a line, cut into pieces that fit (at least one character each); with
    ``max_pieces``, the last piece holds the rest of the word unmeasured."""
    pieces: list[str] = []
    start, used = 0, 0.0
    for index, ch in enumerate(word):
        if max_pieces is not None and len(pieces) >= max_pieces - 1:
            break
        ch_width = measure(ch)
        if index > start and used + ch_width > width:
            pieces.append(word[start:index])
            start, used = index, 0.0
        used += ch_width
    pieces.append(word[start:])
    return pieces
