"""Import troubles from a spreadsheet's CSV: plan first (every row checked), then apply in one step.

``plan_import`` reads the bytes (UTF-8 with or without a byte-order mark, UTF-16 with one, else
Windows-1252, said so in the notes), finds the delimiter (comma, semicolon or tab), maps columns by header
name (case, spaces, punctuation and accents do not matter; see ``HEADER_SYNONYMS``) and checks every row.
Nothing is changed: the plan's ``specs`` go to ``WorkshopService.add_cards`` in one call, one undo step.

Rows are numbered as a spreadsheet shows them: the header is row 1. A cell exported by ``csv_export`` with
a protective apostrophe (``'=1+1``) comes back without it (``=1+1``), so export then import gives back
the text as typed.
"""

from __future__ import annotations

import csv
import functools
import io
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from trouble_mapper.domain.document import WorkshopDocument
from trouble_mapper.domain.model import CARD_HEIGHT, CARD_WIDTH, Scores
from trouble_mapper.domain.rules import SCORE_RANGE, describe_count
from trouble_mapper.domain.vocabulary import CardKind

MAX_TEXT = 10_000  # characters in a card's text (and its category, fix route, zone name)
MAX_DETAILS = 100_000
MAX_VOTES = 1_000_000
GAP = 20.0  # between imported cards on the grid
DELIMITERS = (",", ";", "\t")
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}
SCORE_FIELDS = ("impact", "effort", "severity", "frequency")

HEADER_SYNONYMS: dict[str, tuple[str, ...]] = {  # field -> header names (any case, spacing or accents)
    "text": ("Text", "Trouble", "Description", "Problem"),
    "details": ("Details", "Notes", "Note", "Comment", "Comments"),
    "category": ("Category", "Loss"),
    "zone": ("Zone", "Area", "Location"),
    "kind": ("Kind", "Type"),
    "votes": ("Votes", "Vote", "Dots", "Dot"),
    "impact": ("Impact",),
    "effort": ("Effort",),
    "severity": ("Severity",),
    "frequency": ("Frequency",),
    "fix_route": ("Fix route",),
}
FIELD_LABELS = {"text": "Text", "details": "Details", "category": "Category", "zone": "Zone",
                "kind": "Kind", "votes": "Votes", "impact": "Impact", "effort": "Effort",
                "severity": "Severity", "frequency": "Frequency", "fix_route": "Fix route"}
REGISTER_ONLY = ("Tag", "Risk", "Causes (tags)", "Actions (count)")  # csv_export writes them; not imported

_PROTECTED = re.compile(r"'+[=+\-@\t\r]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class ImportRefused(ValueError):
    """The whole file cannot be imported (not text, no text column...); the message is for the user."""


def normalise_name(name: str) -> str:
    """A header or zone name compared loosely: accents, case, spaces and punctuation dropped."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(ch for ch in decomposed if ch.isalnum()).casefold()


_HEADER_FIELDS = {normalise_name(n): f for f, names in HEADER_SYNONYMS.items() for n in names}
_IGNORED_HEADERS = {normalise_name(n) for n in REGISTER_ONLY}


def restore(cell: str) -> str:
    """A cell without the apostrophe ``csv_export.neutralise`` put before a formula-looking text."""
    if cell[:1] == "'" and _PROTECTED.match(cell):
        return cell[1:]
    return cell


@dataclass(frozen=True, slots=True)
class RowResult:
    """What happens to one data row: imported (maybe with warnings) or skipped, with the reasons."""

    row: int  # as a spreadsheet numbers it: the header is row 1
    imported: bool
    problems: tuple[str, ...] = ()  # why it is skipped, or warnings when imported

    def describe(self) -> str:
        """'Row 4: skipped: the text is empty.'"""
        what = "imported" if self.imported else "skipped"
        return f"Row {self.row}: {what}" + (f": {'; '.join(self.problems)}." if self.problems else ".")


@dataclass
class ImportPlan:
    """The cards an import would add, and a report on every non-blank data row; nothing applied yet."""

    specs: list[dict[str, Any]] = field(default_factory=list)
    report: list[RowResult] = field(default_factory=list)
    encoding: str = "utf-8"
    delimiter: str = ","
    columns: dict[str, str] = field(default_factory=dict)  # field -> header as written in the file
    ignored_columns: list[str] = field(default_factory=list)
    unknown_zones: Counter[str] = field(default_factory=Counter)
    blank_rows: int = 0
    notes: list[str] = field(default_factory=list)  # about the whole file, for the user

    @property
    def skipped(self) -> list[RowResult]:
        return [r for r in self.report if not r.imported]

    def ready_text(self) -> str:
        """'12 troubles', '10 troubles and 2 causes', 'no troubles'."""
        counts = Counter(spec["kind"] for spec in self.specs)
        if not counts:
            return "no troubles"
        parts = [describe_count(counts[k], k.value, k.plural) for k in CardKind if counts[k]]
        return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]

    def summary(self, limit: int = 5) -> str:
        """'12 troubles ready, 3 rows skipped: row 4 (the text is empty), ...' plus the file notes."""
        skipped = self.skipped
        text = f"{self.ready_text()} ready"
        if skipped:
            listed = ", ".join(f"row {r.row} ({'; '.join(r.problems)})" for r in skipped[:limit])
            more = f" and {len(skipped) - limit} more" if len(skipped) > limit else ""
            text += f", {describe_count(len(skipped), 'row', 'rows')} skipped: {listed}{more}"
        return " ".join([text + ".", *self.notes])


def decode(data: bytes | str) -> tuple[str, str, list[str]]:
    """(text, encoding name, notes) for CSV ``data``; raises ImportRefused when it is not text."""
    notes: list[str] = []
    if isinstance(data, str):
        text, encoding = data, "text"
    elif data.startswith(b"\xef\xbb\xbf"):
        text, encoding = _decode(data[3:], "utf-8"), "utf-8-sig"
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text, encoding = _decode(data, "utf-16"), "utf-16"
    else:
        try:
            text, encoding = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            try:
                text, encoding = data.decode("cp1252"), "cp1252"
            except UnicodeDecodeError:
                raise ImportRefused(
                    "The file is not readable text: it is neither UTF-8 nor Windows-1252. "
                    "Save it from the spreadsheet as “CSV UTF-8” and try again.") from None
            notes.append("The file is not UTF-8, so it was read as Windows-1252 (Western European): "
                         "check accented letters, or save it as “CSV UTF-8”.")
    text = text.removeprefix("\ufeff")
    if "\x00" in text:
        raise ImportRefused("The file holds NUL characters: it looks like UTF-16 text without a byte-order "
                            "mark, or is not text at all. Save it from the spreadsheet as “CSV UTF-8”.")
    controls = len(_CONTROL.findall(text, 0, 1_000_000))
    if controls > max(2, min(len(text), 1_000_000) // 100):
        raise ImportRefused(f"The file does not look like text ({controls} control characters). "
                            "Save it from the spreadsheet as “CSV UTF-8”.")
    return text, encoding, notes


def _decode(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        raise ImportRefused(f"The file says it is {encoding.upper()} but byte {error.start + 1} is not: "
                            "it is damaged, or was saved in another encoding.") from None


def _first_record_counts(text: str) -> dict[str, int]:
    """How often each delimiter occurs outside quotes in the first record of ``text``."""
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for ch in text[:65_536]:
        if ch == '"':
            quoted = not quoted
        elif not quoted:
            if ch in "\r\n":
                if any(counts.values()):
                    break
            elif ch in counts:
                counts[ch] += 1
    return counts


def sniff_delimiter(text: str) -> str:
    """The delimiter the header row uses: the one giving the most consistent rows on ties; comma at worst."""
    counts = _first_record_counts(text.lstrip("\r\n"))
    found = [d for d in DELIMITERS if counts[d]]
    if len(found) <= 1:
        return found[0] if found else ","
    sample = text[:200_000]

    def consistency(delimiter: str) -> tuple[int, int]:
        reader = csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter)
        try:
            rows = [row for _, row in zip(range(50), reader, strict=False) if row]
        except csv.Error:
            return (0, 0)
        width = len(rows[0]) if rows else 0
        return (sum(len(row) == width for row in rows[1:]), width)

    return max(found, key=consistency)


def _records(text: str, delimiter: str) -> list[list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    rows: list[list[str]] = []
    try:
        rows.extend(reader)
    except csv.Error as error:
        raise ImportRefused(f"Row {len(rows) + 1} cannot be read ({error}). Nothing was imported.") from None
    return rows


_SMALL_NUMBERS = {str(n): n for n in range(101)}


def _number(cell: str) -> int | None:
    """The whole number a cell holds ('3', ' 3 ', '3.0'), or None when it holds none."""
    small = _SMALL_NUMBERS.get(cell)
    if small is not None:
        return small
    try:
        return int(cell)
    except ValueError:
        try:
            value = float(cell)
        except ValueError:
            return None
        return int(value) if math.isfinite(value) and value.is_integer() else None


def _quote(cell: str, limit: int = 40) -> str:
    return "“" + (cell if len(cell) <= limit else cell[:limit] + "…") + "”"


def _kind_names() -> dict[str, CardKind]:
    names: dict[str, CardKind] = {}
    for kind in CardKind:
        for name in (kind.value, kind.plural, kind.prefix):
            names[normalise_name(name)] = kind
    return names


_KINDS = _kind_names()


@functools.lru_cache(maxsize=256)
def _kind_of(cell: str) -> CardKind | None:
    return _KINDS.get(normalise_name(cell))


def free_origin(doc: WorkshopDocument) -> tuple[float, float]:
    """A spot below everything on the map (cards and zones), at its left edge; (0, 0) on an empty map."""
    boxes = [(c.x, c.y + c.height) for c in doc.cards.values()]
    boxes += [(z.x, z.y + z.height) for z in doc.zones.values()]
    if not boxes:
        return (0.0, 0.0)
    return (min(x for x, _ in boxes), max(bottom for _, bottom in boxes) + 3 * GAP)


def grid_positions(count: int, origin: tuple[float, float]) -> list[tuple[float, float]]:
    """Top-left corners of ``count`` new cards on a roughly square grid from ``origin``; none overlap."""
    columns = max(1, math.ceil(math.sqrt(count)))
    x0, y0 = origin
    return [(x0 + (i % columns) * (CARD_WIDTH + GAP), y0 + (i // columns) * (CARD_HEIGHT + GAP))
            for i in range(count)]


def map_columns(header: Sequence[str]) -> tuple[dict[str, int], list[str], list[str]]:
    """(field -> column index, ignored headers, notes) for a header row; the first match of a field wins."""
    indexes: dict[str, int] = {}
    ignored: list[str] = []
    notes: list[str] = []
    for index, name in enumerate(header):
        key = normalise_name(name)
        if not key:
            continue
        target = _HEADER_FIELDS.get(key)
        if target is None:
            if key not in _IGNORED_HEADERS:
                ignored.append(name.strip())
        elif target in indexes:
            notes.append(f"Column “{name.strip()}” was ignored: “{header[indexes[target]].strip()}” "
                         f"already gives the {FIELD_LABELS[target].lower()}.")
        else:
            indexes[target] = index
    return indexes, ignored, notes


def plan_import(doc: WorkshopDocument, data: bytes | str, *, origin: tuple[float, float] | None = None,
                default_kind: CardKind = CardKind.TROUBLE) -> ImportPlan:
    """Check every row of CSV ``data`` against ``doc`` and return the cards it would add; changes nothing.

    New cards are laid out on a grid from ``origin`` (default: below everything on the map). Rows
    without a Kind cell become ``default_kind``. Raises ImportRefused when the file as a whole cannot be
    used: not text, or no column holds the text.
    """
    text, encoding, notes = decode(data)
    plan = ImportPlan(encoding=encoding, notes=notes)
    if not text.strip():
        plan.notes.append("The file is empty: there is nothing to import.")
        return plan
    plan.delimiter = sniff_delimiter(text)
    records = _records(text, plan.delimiter)
    start = 0
    while start < len(records) and not any(cell.strip() for cell in records[start]):
        start += 1
    if start == len(records):  # only separators and blank cells, as a blank spreadsheet saves
        plan.notes.append("Every row of the file is empty: there is nothing to import.")
        return plan
    header = records[start]
    indexes, ignored, header_notes = map_columns(header)
    if "text" not in indexes:
        found = ", ".join(_quote(h.strip()) for h in header if h.strip()) or "none"
        raise ImportRefused(
            "No column holds the trouble text: name one “Text”, “Trouble”, “Description” or “Problem”. "
            f"Headers found ({DELIMITER_NAMES[plan.delimiter]}-separated): {found}.")
    plan.columns = {f: header[i].strip() for f, i in indexes.items()}
    plan.ignored_columns = ignored
    plan.notes += header_notes
    if ignored:
        plan.notes.append(f"Columns not imported: {', '.join(_quote(h) for h in ignored)}.")
    zones: dict[str, str] = {}
    for zone in sorted(doc.zones.values(), key=lambda z: (z.name, z.id)):
        zones.setdefault(normalise_name(zone.name), zone.id)
    zone_of = functools.cache(lambda name: zones.get(normalise_name(name)))

    specs: list[dict[str, Any]] = []
    report: list[RowResult] = []
    width = len(header)
    check_unicode = isinstance(data, str)
    get = _cell_getter(indexes)
    for offset, row in enumerate(records[start + 1:], start=start + 2):
        if not "".join(row).strip():
            plan.blank_rows += 1
            continue
        problems: list[str] = []
        if len(row) > width:
            extra = [(i + 1, cell) for i, cell in enumerate(row[width:], start=width) if cell.strip()]
            if extra:
                which = ", ".join(f"cell {i} {_quote(cell)}" for i, cell in extra[:3])
                more = f" and {len(extra) - 3} more" if len(extra) > 3 else ""
                problems.append(f"the row has {len(row)} cells but the header only {width}: "
                                f"{which}{more} beyond the last column")
        spec, warnings = _row_spec(get(row), zone_of, default_kind, problems)
        if check_unicode and not problems:
            try:
                "".join(str(v) for v in spec.values()).encode("utf-8")
            except UnicodeEncodeError:
                problems.append("it holds a broken character (a damaged paste?)")
        if problems:
            report.append(RowResult(offset, False, tuple(problems)))
            continue
        for name in warnings:
            plan.unknown_zones[name] += 1
        report.append(RowResult(offset, True, tuple(map(_zone_warning, warnings))))
        specs.append(spec)
    if origin is None:
        origin = free_origin(doc)
    for spec, (x, y) in zip(specs, grid_positions(len(specs), origin), strict=True):
        spec["x"], spec["y"] = x, y
    plan.specs, plan.report = specs, report
    if plan.unknown_zones:
        names = ", ".join(_quote(n) for n in plan.unknown_zones)
        plan.notes.append(f"{describe_count(sum(plan.unknown_zones.values()), 'row names', 'rows name')} "
                          f"a zone that is not on the map ({names}): those cards have no zone.")
    if len(records) <= start + 1 or (not report and plan.blank_rows):
        plan.notes.append("The file has a header but no rows to import.")
    return plan


@functools.lru_cache(maxsize=1024)
def _zone_warning(name: str) -> str:
    return f"zone {_quote(name)} is not on the map, so the card has no zone"


def _cell_getter(indexes: dict[str, int]) -> Any:
    """A function row -> {field: cell (apostrophe protection removed)} for the mapped columns."""
    pairs = tuple(indexes.items())

    def get(row: list[str]) -> dict[str, str]:
        size = len(row)
        return {name: restore(row[i]) if i < size else "" for name, i in pairs}

    return get


def _row_spec(cells: dict[str, str], zone_of: Callable[[str], str | None], default_kind: CardKind,
              problems: list[str]) -> tuple[dict[str, Any], list[str]]:
    """The add_cards spec for one row's cells; appends to ``problems``; returns unknown zone names too."""
    text = cells["text"]
    if not text.strip():
        problems.append("the text is empty")
    elif len(text) > MAX_TEXT:
        problems.append(f"the text is {len(text):,} characters long, over the limit of {MAX_TEXT:,}")
    spec: dict[str, Any] = {"kind": default_kind, "text": text}
    kind_cell = cells.get("kind", "").strip()
    if kind_cell:
        kind = _kind_of(kind_cell)
        if kind is None:
            problems.append(f"Kind {_quote(kind_cell)} is unknown: use trouble, cause, countermeasure, note")
        else:
            spec["kind"] = kind
    for name, limit in (("details", MAX_DETAILS), ("category", MAX_TEXT), ("fix_route", MAX_TEXT)):
        value = cells.get(name, "")
        if len(value) > limit:
            problems.append(f"{FIELD_LABELS[name]} is {len(value):,} characters, over the limit of {limit:,}")
        elif value:
            spec[name] = value if name == "details" else value.strip()
    votes_cell = cells.get("votes", "").strip()
    if votes_cell:
        votes = _number(votes_cell)
        if votes is None:
            problems.append(f"Votes {_quote(votes_cell)} is not a whole number")
        elif not 0 <= votes <= MAX_VOTES:
            problems.append(f"Votes is {votes_cell}, but votes go from 0 to {MAX_VOTES:,}")
        else:
            spec["votes"] = votes
    scores: dict[str, int] = {}
    for name in SCORE_FIELDS:
        cell = cells.get(name, "").strip()
        if not cell:
            continue
        value = _number(cell)
        if value is None:
            problems.append(f"{FIELD_LABELS[name]} {_quote(cell)} is not a number from 1 to 5")
        elif value not in SCORE_RANGE:
            problems.append(f"{FIELD_LABELS[name]} is {cell}, but scores go from 1 to 5")
        else:
            scores[name] = value
    if scores:
        spec["scores"] = Scores(**scores)
    unknown: list[str] = []
    zone_cell = cells.get("zone", "").strip()
    if zone_cell:
        zone_id = zone_of(zone_cell)
        spec["zone_id"] = zone_id
        if zone_id is None:
            unknown.append(zone_cell)
    return spec, unknown
