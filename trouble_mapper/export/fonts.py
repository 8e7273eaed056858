"""The fonts of everything printed: DejaVu Sans bundled in resources/fonts (Latin, Greek, Cyrillic, Hebrew,
Arabic letters), else a system font, else Helvetica. What a font cannot draw is replaced by a mark and
collected, so the user is told (never silently dropped).

Chinese, Japanese and Korean: before a document is built, ``prepare_for`` looks at its texts; when they
hold letters the bundled font lacks and a TrueType font on the system has them (WenQuanYi, Droid Sans
Fallback, Microsoft YaHei, ...), the whole document prints in that font instead (a table cell is one
plain string in one font, so fonts are not mixed within a document). The font that prints more of the
text's different characters wins; on a tie the bundled font stays.
"""

from __future__ import annotations

import glob
import importlib.resources
import itertools
import os
import shutil
import subprocess
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, fields, is_dataclass
from operator import attrgetter
from typing import NamedTuple

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


class FallbackFont(NamedTuple):
    """A system font that may print what the bundled one cannot (``regular`` may be a glob pattern)."""

    regular: str
    bold: str | None = None  # None: bold text uses the regular face
    index: int = 0  # which font of a .ttc collection (the bold file's too)


# Well-known TrueType fonts with Chinese, Japanese or Korean letters, tried in this order. reportlab reads
# TrueType outlines only: OpenType CFF fonts (most Noto Sans CJK .otf/.ttc) are rejected and skipped.
FALLBACK_CANDIDATES: tuple[FallbackFont, ...] = (
    # Linux (Debian/Ubuntu paths first, then Fedora and Arch)
    FallbackFont("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
    FallbackFont("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
    FallbackFont("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"),
    FallbackFont("/usr/share/fonts/truetype/arphic/uming.ttc"),
    FallbackFont("/usr/share/fonts/truetype/arphic/ukai.ttc"),
    FallbackFont("/usr/share/fonts/truetype/arphic/*.ttc"),
    FallbackFont("/usr/share/fonts/truetype/noto/NotoSans*CJK*.tt[fc]"),
    FallbackFont("/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf"),
    FallbackFont("/usr/share/fonts/truetype/nanum/NanumGothic.ttf",
                 "/usr/share/fonts/truetype/nanum/NanumGothicBold.ttf"),
    FallbackFont("/usr/share/fonts/wqy-zenhei/wqy-zenhei.ttc"),
    FallbackFont("/usr/share/fonts/wqy-microhei/wqy-microhei.ttc"),
    FallbackFont("/usr/share/fonts/wenquanyi/wqy-zenhei/wqy-zenhei.ttc"),
    FallbackFont("/usr/share/fonts/wenquanyi/wqy-microhei/wqy-microhei.ttc"),
    FallbackFont("/usr/share/fonts/google-droid-sans-fonts/DroidSansFallbackFull.ttf"),
    # Windows
    FallbackFont("C:/Windows/Fonts/msyh.ttc", "C:/Windows/Fonts/msyhbd.ttc"),
    FallbackFont("C:/Windows/Fonts/simsun.ttc"),
    FallbackFont("C:/Windows/Fonts/meiryo.ttc", "C:/Windows/Fonts/meiryob.ttc"),
    FallbackFont("C:/Windows/Fonts/malgun.ttf", "C:/Windows/Fonts/malgunbd.ttf"),
    # macOS
    FallbackFont("/Library/Fonts/Arial Unicode.ttf"),
    FallbackFont("/System/Library/Fonts/Supplemental/Arial Unicode.ttf"),
)
USE_FONTCONFIG = True  # also ask ``fc-list`` (when installed) for fonts with the missing letters
_FONTCONFIG_FILES = 12  # at most this many fonts fc-list names are tried
# What the documents print besides user text: a fallback font must have basic Latin; these count too.
_BASIC_LATIN = frozenset(map(chr, range(0x20, 0x7F)))
_DOCUMENT_CHARS = _BASIC_LATIN | frozenset("…●×–·“”")


@dataclass(frozen=True)
class Fonts:
    regular: str
    bold: str
    covers: Callable[[str], bool]  # can this character be drawn?
    replacement: str
    missed: set[str] = field(default_factory=set)  # characters replaced since the last ``take_missed``
    family: str = ""  # the font's name, for messages ("DejaVu Sans", "WenQuanYi Zen Hei")

    def take_missed(self) -> list[str]:
        """The characters that could not be printed since the last call, and forget them."""
        missed = sorted(self.missed)
        self.missed.clear()
        return missed


_fonts: Fonts | None = None  # the fonts in use (``print_fonts``)
_bundled_fonts: Fonts | None = None  # the fonts of documents without letters the bundled font lacks


def print_fonts() -> Fonts:
    """The fonts in use, registered with reportlab once: the bundled ones unless ``prepare_for`` chose a
    system font for the document being built."""
    global _fonts
    if _fonts is None:
        _fonts = _bundled_print_fonts()
    return _fonts


def _bundled_print_fonts() -> Fonts:
    global _bundled_fonts
    if _bundled_fonts is None:
        _bundled_fonts = _load()
    return _bundled_fonts


def _load() -> Fonts:
    for regular, bold in _CANDIDATES:
        if not (os.path.isfile(regular) and os.path.isfile(bold)):
            continue
        try:
            pdfmetrics.registerFont(TTFont("PrintSans", regular))
            pdfmetrics.registerFont(TTFont("PrintSans-Bold", bold))
        except Exception:  # a damaged or unusual font file: try the next one
            continue
        covered = (_glyphs(pdfmetrics.getFont("PrintSans")) & _glyphs(pdfmetrics.getFont("PrintSans-Bold")))
        return Fonts("PrintSans", "PrintSans-Bold", covered.__contains__, _mark(covered),
                     family=_family(pdfmetrics.getFont("PrintSans")))

    def latin(ch: str) -> bool:
        try:
            ch.encode("cp1252")
        except UnicodeEncodeError:
            return False
        return True

    return Fonts("Helvetica", "Helvetica-Bold", latin, "?", family="Helvetica")


def _glyphs(font: TTFont) -> frozenset[str]:
    """The characters ``font`` has a glyph for."""
    return frozenset(chr(code) for code, glyph in font.face.charToGlyph.items() if glyph)


def _mark(covered: frozenset[str]) -> str:
    """The replacement mark: the replacement character, else a white square, else a question mark."""
    return next((ch for ch in ("\ufffd", "\u25a1") if ch in covered), "?")


def _family(font: TTFont) -> str:
    name = getattr(font.face, "familyName", b"") or font.face.name
    return name.decode("latin-1", "replace") if isinstance(name, bytes) else str(name)


# Fallback fonts for letters the bundled font lacks.


@dataclass
class _Face:
    """A system font file as far as it was read: what it covers, and its reportlab font while needed."""

    covered: frozenset[str] | None  # None: unusable (damaged, PostScript outlines, no basic Latin)
    name: str = ""  # its reportlab name, never reused for another file
    family: str = ""
    font: TTFont | None = None  # parsed, not yet registered (dropped unless chosen)
    fonts: Fonts | None = None  # registered as print fonts once chosen


_faces: dict[tuple[str, int], _Face] = {}  # (path, index) -> what was learnt about it; kept for the process
_fontconfig_answers: dict[frozenset[str], tuple[FallbackFont, ...]] = {}
_numbers = itertools.count(1)  # of the fallback fonts' reportlab names (widths are cached by name)
_Choice = tuple[int, tuple[str, int], FallbackFont]  # (characters lost, face key, candidate)


def prepare_for(texts: Iterable[str], candidates: Iterable[FallbackFont] | None = None) -> Fonts:
    """Choose the fonts for a document that prints ``texts`` (call before building it) and return them.

    When the texts hold letters the bundled font lacks, a system font that has them (and basic Latin) is
    looked for among ``candidates`` (default: ``FALLBACK_CANDIDATES``, then what ``fc-list`` names, if
    installed); if one prints more of the texts' different characters than the bundled font, it becomes
    ``print_fonts()`` (regular and bold) until the next call. Otherwise the bundled fonts are used and
    what they lack is replaced and reported as before. Costs one pass over the texts; fonts are looked
    for only when a letter is missing, and each font file is read once per process.
    """
    global _fonts
    bundled = _bundled_print_fonts()
    chars: set[str] = set()
    for text in texts:
        if text and not text.isascii():  # fast (a flag of the string); ASCII is in every print font
            chars.update(text)
    needed = {ch for ch in chars if not bundled.covers(ch) and _needs_glyph(ch)}
    letters = {ch for ch in needed if unicodedata.category(ch)[0] == "L"}
    _fonts = bundled
    if not letters:
        return bundled  # nothing missing, or only symbols and emoji: no font is looked for
    printed = {ch for ch in chars if _needs_glyph(ch)} | _DOCUMENT_CHARS
    lost_by_bundled = sum(1 for ch in printed if not bundled.covers(ch))
    best = _best(FALLBACK_CANDIDATES if candidates is None else candidates, printed, lost_by_bundled)
    if candidates is None and USE_FONTCONFIG and (best is None or not letters <= _covered(best)):
        best = _best(_fontconfig_candidates(letters), printed, best[0] if best else lost_by_bundled) or best
    if best is not None:
        _fonts = _fallback_fonts(best[1], best[2], bundled)
    for face in _faces.values():
        face.font = None  # free the font files read but not chosen (what they cover is kept)
    return _fonts


def _best(candidates: Iterable[FallbackFont], printed: set[str], to_beat: int) -> _Choice | None:
    """The candidate that loses the fewest of the ``printed`` characters, if fewer than ``to_beat``."""
    best: _Choice | None = None
    for candidate in candidates:
        for path in _paths(candidate.regular):
            key = (path, candidate.index)
            covered = _face(key).covered
            if covered is None:
                continue
            lost = len(printed - covered)
            if lost < (to_beat if best is None else best[0]):
                best = (lost, key, candidate._replace(regular=path))
                if lost == 0:
                    return best
    return best


def _covered(choice: _Choice) -> frozenset[str]:
    return _faces[choice[1]].covered or frozenset()


def texts_in(*values: object) -> Iterator[str]:
    """Every string in ``values``, searched through dataclasses (fields), mappings (values), lists, tuples
    and sets; numbers, dates, bytes and other values are skipped. E.g. ``prepare_for(texts_in(doc))``:
    about 6 ms for a workshop of 1,250 cards and 1,000 actions."""
    stack = list(values)
    getters = _field_getters
    while stack:
        value = stack.pop()
        kind = type(value)
        if kind is str:
            yield value  # type: ignore[misc]
            continue
        getter = getters.get(kind)
        if getter is None:
            if isinstance(value, str):
                yield value
                continue
            if isinstance(value, (list, tuple, set, frozenset)):
                stack.extend(value)
                continue
            if isinstance(value, Mapping):
                stack.extend(value.values())
                continue
            getter = getters[kind] = _fields_getter(value)
        stack.extend(getter(value))


_field_getters: dict[type, Callable[[object], tuple]] = {}  # per type: its dataclass fields' values


def _fields_getter(value: object) -> Callable[[object], tuple]:
    dataclass_value = is_dataclass(value) and not isinstance(value, type)
    names = tuple(f.name for f in fields(value)) if dataclass_value else ()  # type: ignore[arg-type]
    if len(names) > 1:
        return attrgetter(*names)  # one C call for all fields
    if names:
        return lambda item, name=names[0]: (getattr(item, name),)
    return lambda item: ()


def _needs_glyph(ch: str) -> bool:
    """Whether ``printable`` draws a character (controls, combining marks and joiners it drops or keeps
    as line breaks)."""
    return unicodedata.category(ch) not in ("Cc", "Cs", "Co", "Cn", "Mn", "Me", "Cf")


def _paths(pattern: str) -> list[str]:
    if any(ch in pattern for ch in "*?["):
        return sorted(glob.glob(pattern))
    return [pattern] if os.path.isfile(pattern) else []


def _face(key: tuple[str, int]) -> _Face:
    """What the font file at ``key`` covers, read once."""
    face = _faces.get(key)
    if face is None:
        name = f"PrintFallback{next(_numbers)}"
        try:
            font = TTFont(name, key[0], subfontIndex=key[1])
        except Exception:  # PostScript (CFF) outlines, embedding not allowed, damaged: not usable
            face = _Face(None)
        else:
            covered = _glyphs(font)
            face = _Face(covered, name, _family(font), font) if covered >= _BASIC_LATIN else _Face(None)
        _faces[key] = face
    return face


def _fallback_fonts(key: tuple[str, int], candidate: FallbackFont, bundled: Fonts) -> Fonts:
    """The chosen fallback registered with reportlab (once, under names of its own) as print fonts."""
    face = _faces[key]
    if face.fonts is None:
        font = face.font or TTFont(face.name, key[0], subfontIndex=key[1])
        pdfmetrics.registerFont(font)
        bold, covered = font.fontName, face.covered or frozenset()
        if candidate.bold and os.path.isfile(candidate.bold):
            try:
                bold_font = TTFont(f"{font.fontName}-Bold", candidate.bold, subfontIndex=key[1])
            except Exception:  # no usable bold face: bold text in the regular one
                bold_font = None
            if bold_font is not None and _glyphs(bold_font) >= _BASIC_LATIN:
                pdfmetrics.registerFont(bold_font)
                bold, covered = bold_font.fontName, covered & _glyphs(bold_font)
        face.fonts = Fonts(font.fontName, bold, covered.__contains__, _mark(covered), bundled.missed,
                           face.family)
    return face.fonts


def _fontconfig_candidates(letters: set[str]) -> tuple[FallbackFont, ...]:
    """Font files fontconfig says have (up to eight of) the missing letters; none without ``fc-list``."""
    asked = frozenset(sorted(letters)[:8])
    if asked not in _fontconfig_answers:
        found: dict[str, int] = {}
        fc_list = shutil.which("fc-list")
        if fc_list:
            charset = " ".join(f"{ord(ch):x}" for ch in sorted(asked))
            try:
                output = subprocess.run([fc_list, "--format", "%{index}|%{file}\\n", f":charset={charset}"],
                                        capture_output=True, text=True, timeout=10, check=False).stdout
            except (OSError, subprocess.SubprocessError):
                output = ""
            for index, _, path in (line.partition("|") for line in output.splitlines()):
                if index.isdigit() and path.lower().endswith((".ttf", ".ttc", ".otf")):
                    found[path] = min(found.get(path, int(index)), int(index))
        _fontconfig_answers[asked] = tuple(FallbackFont(path, None, index)
                                           for path, index in sorted(found.items())[:_FONTCONFIG_FILES])
    return _fontconfig_answers[asked]


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
    """``text`` with what the font cannot draw replaced (``drawable``), right-to-left runs in drawing
    order (``visual_order``)."""
    return drawable(visual_order(text))


def drawable(text: str) -> str:
    """``text`` with what the font cannot draw replaced: control characters go, tabs become spaces, line
    breaks stay, unknown glyphs show as one replacement mark per run (and are remembered for the report);
    combining marks and joiners the font lacks are dropped quietly."""
    fonts = print_fonts()
    covers, mark = fonts.covers, fonts.replacement
    out: list[str] = []
    for ch in text:
        if ch >= " " and not "\x7f" <= ch <= "\x9f" and covers(ch):
            out.append(ch)  # the common case, without asking unicodedata
        elif ch in "\n\t":
            out.append(" " if ch == "\t" else ch)
        elif not _needs_glyph(ch):
            continue
        else:
            fonts.missed.add(ch)
            if not out or out[-1] != mark:
                out.append(mark)
    return "".join(out)


def describe_missed(missed: list[str]) -> str:
    """'3 different characters could not be printed (中, 文, 🔥); ...' and what to do; '' when none were."""
    if not missed:
        return ""
    sample = ", ".join(missed[:8]) + (" …" if len(missed) > 8 else "")
    count = "1 character" if len(missed) == 1 else f"{len(missed)} different characters"
    text = f"{count} could not be printed ({sample}); they show as a replacement mark."
    cjk = {ch for ch in missed if _is_cjk(ch)}
    if cjk:
        family = next((face.family for face in _faces.values() if face.covered and cjk <= face.covered), "")
        if family:
            return (f"{text} The font {family} on this computer has the Chinese, Japanese or Korean ones, "
                    "but a document prints in one font, and the bundled font prints more of this text's "
                    "other letters (such as Hebrew or Arabic) than that one.")
        return (f"{text} To print Chinese, Japanese or Korean, install a TrueType font for it, such as "
                "WenQuanYi Zen Hei (package fonts-wqy-zenhei on Debian and Ubuntu) or Droid Sans Fallback "
                "(fonts-droid-fallback); Windows has Microsoft YaHei, macOS Arial Unicode. OpenType-only CJK "
                "fonts such as Noto Sans CJK (.otf) cannot be used.")
    if any(unicodedata.category(ch)[0] == "L" for ch in missed):
        return f"{text} Install a TrueType font for that script to print them."
    return f"{text} Emoji and some symbols cannot be printed."


def _is_cjk(ch: str) -> bool:
    """Chinese, Japanese or Korean: ideographs, kana, hangul, bopomofo and their punctuation."""
    code = ord(ch)
    return (0x1100 <= code <= 0x11FF or 0x2E80 <= code <= 0x9FFF or 0xA960 <= code <= 0xA97F
            or 0xAC00 <= code <= 0xD7FF or 0xF900 <= code <= 0xFAFF or 0xFE30 <= code <= 0xFE4F
            or 0xFF00 <= code <= 0xFFEF or 0x20000 <= code <= 0x3FFFF)
