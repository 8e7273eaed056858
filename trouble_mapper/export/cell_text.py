"""Table cells as plain text lines, wrapped once here instead of by a reportlab Paragraph.

A Paragraph in a table cell is wrapped several times while a long table is laid out (row heights,
page splits, drawing); a plain string with line breaks is measured once and drawn line by line. Long
plans print about twice as fast this way. The lines are wrapped in typing order and then put in drawing
order one printed line at a time, so a right-to-left text that wraps reads right on every line.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from reportlab.pdfbase import pdfmetrics

from trouble_mapper.export.fonts import drawable
from trouble_mapper.text_wrap import wrap_paragraph

_RTL_CLASSES = ("R", "AL")


def cell_lines(text: str, font: str, size: float, width: float, limit: int | None = None) -> str:
    """``text`` wrapped to ``width`` points in ``font`` at ``size``, as lines joined by newlines.

    Breaks at spaces; a word wider than the column is broken between characters. Typed line breaks are
    kept; characters the font lacks become the replacement mark (and are reported, see ``fonts``).
    ``limit`` cuts very long texts and says how much was left out.
    """
    text = text or ""
    if limit is not None and len(text) > limit:
        text = text[:limit] + f" … ({len(text) - limit:,} more characters not printed)"
    lines: list[str] = []
    for paragraph in drawable(text).split("\n"):
        rtl = has_right_to_left(paragraph)
        if rtl:
            paragraph = _reshape(paragraph)
        wrapped = _wrap(paragraph, font, size, width)
        lines += [_display(line) for line in wrapped] if rtl else wrapped
    return "\n".join(lines)


def _wrap(paragraph: str, font: str, size: float, width: float) -> list[str]:
    """Greedy line filling: as many words per line as fit."""
    return wrap_paragraph(paragraph, _measurer(font, size), width)


@lru_cache(maxsize=16)
def _measurer(font: str, size: float):
    """A string-width function for one font and size, with the width of each word remembered."""
    width_of = pdfmetrics.getFont(font).stringWidth
    return lru_cache(maxsize=65536)(lambda text: width_of(text, size))


def has_right_to_left(text: str) -> bool:
    """Whether ``text`` holds Hebrew, Arabic or another right-to-left script."""
    return any(unicodedata.bidirectional(ch) in _RTL_CLASSES for ch in text if ord(ch) >= 0x590)


def _reshape(text: str) -> str:
    import arabic_reshaper

    return arabic_reshaper.reshape(text)


def _display(line: str) -> str:
    from bidi.algorithm import get_display

    return get_display(line)
