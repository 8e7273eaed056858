"""The fonts of everything printed: DejaVu Sans bundled in resources/fonts (Latin, Greek, Cyrillic, Hebrew,
Arabic letters), else a system font, else Helvetica. What a font cannot draw is replaced by a mark and
collected, so the user is told (never silently dropped)."""

from __future__ import annotations

import importlib.resources
import os
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont


def _bundled(name: str) -> str:
    return str(importlib.resources.files("trouble_mapper.resources") / "fonts" / name)


_CANDIDATES = (  # (regular, bold), first found wins
    (_bundled("DejaVuSans.ttf"), _bundled("DejaVuSans-Bold.ttf")),
    ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
     "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
    ("/Library/Fonts/Arial Unicode.ttf", "/Library/Fonts/Arial Unicode.ttf"),
    ("C:/Windows/Fonts/arial.ttf", "C:/Windows/Fonts/arialbd.ttf"),
)


@dataclass(frozen=True)
class Fonts:
    regular: str
    bold: str
    covers: Callable[[str], bool]  # can this character be drawn?
    replacement: str
    missed: set[str] = field(default_factory=set)  # characters replaced since the last ``take_missed``

    def take_missed(self) -> list[str]:
        """The characters that could not be printed since the last call, and forget them."""
        missed = sorted(self.missed)
        self.missed.clear()
        return missed


_fonts: Fonts | None = None


def print_fonts() -> Fonts:
    """The fonts, registered with reportlab once."""
    global _fonts
    if _fonts is None:
        _fonts = _load()
    return _fonts


def _load() -> Fonts:
    for regular, bold in _CANDIDATES:
        if not (os.path.isfile(regular) and os.path.isfile(bold)):
            continue
        try:
            pdfmetrics.registerFont(TTFont("PrintSans", regular))
            pdfmetrics.registerFont(TTFont("PrintSans-Bold", bold))
        except Exception:  # a damaged or unusual font file: try the next one
            continue
        covered = (frozenset(pdfmetrics.getFont("PrintSans").face.charToGlyph)
                   & frozenset(pdfmetrics.getFont("PrintSans-Bold").face.charToGlyph))
        replacement = "\ufffd" if 0xFFFD in covered else "?"
        return Fonts("PrintSans", "PrintSans-Bold", lambda ch, c=covered: ord(ch) in c, replacement)

    def latin(ch: str) -> bool:
        try:
            ch.encode("cp1252")
        except UnicodeEncodeError:
            return False
        return True

    return Fonts("Helvetica", "Helvetica-Bold", latin, "?")


def visual_order(text: str) -> str:
    """Right-to-left text (Hebrew, Arabic) put in the order it is drawn, Arabic letters joined.

    reportlab draws left to right and does not shape: python-bidi reorders each line and
    arabic-reshaper picks the joined letter forms. Used for Paragraphs (cover, meeting notes), which
    are reordered line by line as typed, not as wrapped; table cells wrap first and reorder each
    printed line (``cell_text``).
    """
    if not any(unicodedata.bidirectional(ch) in ("R", "AL") for ch in text):
        return text
    import arabic_reshaper
    from bidi.algorithm import get_display

    return "\n".join(get_display(arabic_reshaper.reshape(line)) for line in text.split("\n"))


def printable(text: str) -> str:
    """``text`` with what the font cannot draw replaced: control characters go, unknown glyphs show
    as one replacement mark per run (and are remembered for the report); line breaks are kept;
    right-to-left runs come in drawing order (``visual_order``)."""
    fonts = print_fonts()
    text = visual_order(text)
    out = []
    for ch in text:
        if ch in "\n\t":
            out.append(" " if ch == "\t" else ch)
        elif unicodedata.category(ch) in ("Cc", "Cs", "Co", "Cn"):
            continue
        elif unicodedata.category(ch) in ("Mn", "Me", "Cf") and not fonts.covers(ch):
            continue  # combining marks, joiners and variation selectors the font lacks: drop quietly
        elif fonts.covers(ch):
            out.append(ch)
        else:
            fonts.missed.add(ch)
            if not out or out[-1] != fonts.replacement:
                out.append(fonts.replacement)
    return "".join(out)


def describe_missed(missed: list[str]) -> str:
    """'3 characters could not be printed (中, 文, 🔥): ...' or '' when none were."""
    if not missed:
        return ""
    sample = ", ".join(missed[:8]) + (" …" if len(missed) > 8 else "")
    return (f"{len(missed)} different characters could not be printed with the bundled font ({sample}); "
            "they show as a replacement mark. Install a font for that script (for Chinese, Japanese or "
            "Korean, a Noto CJK font) to print them.")
