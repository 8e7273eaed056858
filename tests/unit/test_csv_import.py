"""CSV import: decoding, delimiters, header names, per-row reports, layout, round trip, one undo step.

Round-trip decision: ``csv_export`` puts an apostrophe before formula-looking text and ``csv_import`` takes
exactly that apostrophe off, so exporting the register and importing it gives back every text as typed
(text that already started with apostrophes before = + - @ tab or CR gets one more on export).
"""

from __future__ import annotations

import ast
import random
from datetime import date
from pathlib import Path

import pytest

from trouble_mapper.domain.document import WorkshopDocument
from trouble_mapper.domain.model import CARD_HEIGHT, CARD_WIDTH, Card, Scores, Zone
from trouble_mapper.domain.vocabulary import CardKind
from trouble_mapper.interchange.csv_export import register_csv
from trouble_mapper.interchange.csv_import import (
    MAX_TEXT,
    ImportRefused,
    plan_import,
    restore,
    sniff_delimiter,
)
from trouble_mapper.storage.workshop_file import open_workshop

HOSTILE = [
    "=1+1", "+cmd", "-2+3", "@SUM(A1:A9)", "\tstarts with a tab", "\rstarts with CR", "'=already quoted",
    "''+two apostrophes", "'just an apostrophe", 'He said "stop", twice', "line one\nline two",
    "crlf\r\ninside", "lone\rCR", "a;b\tc,d", "مضخة التعبئة تسرب", "灌装机漏液", "ボトルが詰まる",
    "🍾💥 jam 👩‍🔧",
    "w" * MAX_TEXT, " spaces around ", "-5",
]
ZONES = {"z1": Zone("z1", "Filler"), "z2": Zone("z2", "Café Área", x=1000)}


def doc_with_zones() -> WorkshopDocument:
    return WorkshopDocument(zones=dict(ZONES))


def results(plan) -> dict[int, tuple[bool, str]]:
    return {r.row: (r.imported, "; ".join(r.problems)) for r in plan.report}


# Round trip.

def test_exported_register_imports_back_the_same_texts():
    """Export then import of hostile texts gives back every text, detail, kind, score, vote and zone."""
    cards = {}
    kinds = list(CardKind)
    for i, text in enumerate(HOSTILE):
        kind = kinds[i % 4]
        cards[f"c{i}"] = Card(f"c{i}", kind, i + 1, text=text, details=HOSTILE[-1 - i],
                              category="Minor stops", fix_route="=bad()", votes=i,
                              scores=Scores(impact=1 + i % 5, severity=5), zone_id="z2" if i % 2 else None)
    source = WorkshopDocument(zones=dict(ZONES), cards=cards)
    plan = plan_import(doc_with_zones(), register_csv(source, date(2025, 1, 1)).encode("utf-8-sig"))
    assert not plan.skipped, plan.summary()
    expected = sorted(source.cards.values(), key=lambda c: (kinds.index(c.kind), c.number))
    assert [s["text"] for s in plan.specs] == [c.text for c in expected]
    assert [s.get("details", "") for s in plan.specs] == [c.details for c in expected]
    assert [s["kind"] for s in plan.specs] == [c.kind for c in expected]
    assert [s.get("votes", 0) for s in plan.specs] == [c.votes for c in expected]
    assert [s["scores"] for s in plan.specs] == [c.scores for c in expected]
    assert [s.get("zone_id") for s in plan.specs] == [c.zone_id for c in expected]
    assert {s["fix_route"] for s in plan.specs} == {"=bad()"}
    assert plan.ignored_columns == [] and plan.encoding == "utf-8-sig"


def test_round_trip_through_a_real_file_is_one_undo_step(service, workshop_path):
    """Applying a plan is one add_cards call: one undo step; a reopened file holds the same texts."""
    service.add_zone("Filler", 0, 0, 400, 300)
    source = WorkshopDocument(cards={f"c{i}": Card(f"c{i}", CardKind.TROUBLE, i + 1, text=t)
                                     for i, t in enumerate(HOSTILE)})
    plan = plan_import(service.document, register_csv(source, date(2025, 1, 1)))
    steps = service.undo_stack.count()
    cards = service.add_cards(plan.specs)
    assert service.undo_stack.count() == steps + 1
    assert [c.tag for c in cards] == [f"T{i + 1}" for i in range(len(HOSTILE))]
    reopened = open_workshop(workshop_path, read_only=True)
    try:
        assert [c.text for c in reopened.document.cards_in_tag_order()] == HOSTILE
    finally:
        reopened.close()
    service.undo_stack.undo()
    assert service.document.cards == {}


@pytest.mark.parametrize(("cell", "text"), [
    ("'=1+1", "=1+1"), ("''=1", "'=1"), ("'plain", "'plain"), ("'", "'"), ("=raw", "=raw"), ("", ""),
])
def test_restore_takes_off_only_the_protective_apostrophe(cell, text):
    """One apostrophe before a formula trigger is taken off; other apostrophes stay."""
    assert restore(cell) == text


# Encodings.

def test_utf8_with_and_without_bom_and_utf16_with_bom_are_read():
    """UTF-8 (BOM or not) and UTF-16 with a BOM (Excel's 'Unicode text') all give the same rows."""
    text = "Text,Zone\r\nÉtiquette manquante 🍾,Filler\r\n"
    for data, encoding in ((text.encode(), "utf-8"), (b"\xef\xbb\xbf" + text.encode(), "utf-8-sig"),
                           (text.replace(",", "\t").encode("utf-16"), "utf-16")):
        plan = plan_import(doc_with_zones(), data)
        assert plan.encoding == encoding
        assert [(s["text"], s["zone_id"]) for s in plan.specs] == [("Étiquette manquante 🍾", "z1")]
        assert plan.notes == []


def test_cp1252_bytes_are_read_and_the_user_is_told():
    """Bytes that are not UTF-8 are read as Windows-1252, and the summary says so."""
    data = "Trouble;Zone\r\nCafé renversé – 5 €;Café Área\r\n".encode("cp1252")
    plan = plan_import(doc_with_zones(), data)
    assert plan.encoding == "cp1252"
    assert [(s["text"], s["zone_id"]) for s in plan.specs] == [("Café renversé – 5 €", "z2")]
    assert "Windows-1252" in plan.summary()


def test_utf16_without_bom_is_refused():
    """UTF-16 without a byte-order mark is refused with a message naming UTF-16."""
    for text in ("Text\r\nBottles jam\r\n", "Text\r\nÉtiquette\r\n"):
        with pytest.raises(ImportRefused, match="UTF-16"):
            plan_import(WorkshopDocument(), text.encode("utf-16-le"))


@pytest.mark.parametrize("seed", range(5))
def test_random_bytes_are_refused(seed):
    """Random bytes are refused with a message that says to save as CSV UTF-8; no crash."""
    data = random.Random(seed).randbytes(4096)
    with pytest.raises(ImportRefused, match="CSV UTF-8"):
        plan_import(WorkshopDocument(), data)


def test_damaged_utf8_after_a_bom_is_refused():
    """A file that claims UTF-8 with a BOM but holds other bytes is refused, naming the byte."""
    with pytest.raises(ImportRefused, match="byte 7"):
        plan_import(WorkshopDocument(), b"\xef\xbb\xbfText\r\n\xff\xfe\r\n")


# Delimiters and headers.

@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_delimiter_is_sniffed(delimiter):
    """Comma, semicolon and tab files are all understood, with delimiters inside quoted text left alone."""
    header = delimiter.join(["Text", "Votes", "Impact"])
    row = delimiter.join(['"Jam, again; and\tagain"', "3", "4"])
    plan = plan_import(WorkshopDocument(), f"{header}\r\n{row}\r\n")
    assert plan.delimiter == delimiter
    assert [(s["text"], s["votes"], s["scores"].impact) for s in plan.specs] == [
        ("Jam, again; and\tagain", 3, 4)]


def test_sniffing_prefers_the_delimiter_that_gives_consistent_rows():
    """A header with a comma inside one name and semicolons between columns is read as semicolon-separated."""
    assert sniff_delimiter("Text;Zone, area;Votes\r\nA;B;1\r\nC;D;2\r\n") == ";"
    assert sniff_delimiter("Text\r\nA\r\n") == ","


def test_headers_are_matched_loosely_and_by_synonym():
    """Case, spaces, punctuation and accents do not matter; synonyms work; unknown columns are named."""
    header = "  PROBLEM ;Notes;Loss;ÁREA;Type;Dots;Impáct;EFFORT;severity;Fréquency;Fix-route;Owner;Tag"
    row = "Bottles jam;at the star wheel;Minor stops;filler;Cause;2;4;1;3;5;Operator can fix;Ana;T9"
    plan = plan_import(doc_with_zones(), f"{header}\n{row}\n", origin=(0, 0))
    assert plan.specs == [{
        "kind": CardKind.CAUSE, "text": "Bottles jam", "details": "at the star wheel",
        "category": "Minor stops", "fix_route": "Operator can fix", "votes": 2, "scores": Scores(4, 1, 3, 5),
        "zone_id": "z1", "x": 0.0, "y": 0.0}]
    assert plan.ignored_columns == ["Owner"]
    assert "“Owner”" in plan.summary()


def test_a_second_column_for_the_same_field_is_ignored_and_said():
    """With both Problem and Description, the first wins and the note names the other."""
    plan = plan_import(WorkshopDocument(), "Problem,Description\nshort,long text\n")
    assert plan.specs[0]["text"] == "short"
    assert any("Description" in note for note in plan.notes)


def test_missing_text_column_names_the_headers_found():
    """Without a text column the file is refused and the message lists the headers it has."""
    with pytest.raises(ImportRefused) as refused:
        plan_import(WorkshopDocument(), "Owner;Due;Zone\nAna;2025-01-01;Filler\n")
    message = str(refused.value)
    assert "“Owner”, “Due”, “Zone”" in message and "Text" in message and "semicolon" in message


# Per-row reports.

def test_every_bad_row_is_skipped_with_its_reason_and_numbered_as_in_a_spreadsheet():
    """Bad rows are skipped with plain reasons; row numbers count the header as row 1 and quoted newlines
    as part of their row."""
    csv_text = "\r\n".join([
        "Text,Kind,Votes,Impact,Severity,Zone",   # row 1
        '"two\nlines",trouble,1,2,3,Filler',      # row 2
        ",trouble,1,,,",                           # row 3: empty text
        "Score too high,,,7,,",                    # row 4
        "Score not a number,,,high,0,",            # row 5: two problems
        "Votes not a number,,lots,,,",             # row 6
        "Unknown kind,bug,,,,",                    # row 7
        "Ragged,,,,,,extra one,,extra two",        # row 8: text beyond the header
        "Trailing empties,,,,,,,,",                # row 9: fine
        "Short row",                               # row 10: fine, missing cells are empty
        ",,,,,",                                   # row 11: blank, not reported
        "x" * (MAX_TEXT + 1),                      # row 12
        "Unknown zone,note,,,,Palletiser",         # row 13: imported without zone, warned
        "Negative votes,,-1,,,",                   # row 14
        "Fractional score,,,2.5,,",                # row 15
        "Whole float score,cause,3.0,4.0,,",       # row 16: fine
    ]) + "\r\n"
    plan = plan_import(doc_with_zones(), csv_text)
    got = results(plan)
    assert got[2] == (True, "")
    assert got[3] == (False, "the text is empty")
    assert got[4] == (False, "Impact is 7, but scores go from 1 to 5")
    assert got[5] == (False, "Impact “high” is not a number from 1 to 5; "
                             "Severity is 0, but scores go from 1 to 5")
    assert got[6] == (False, "Votes “lots” is not a whole number")
    assert got[7] == (False, "Kind “bug” is unknown: use trouble, cause, countermeasure, note")
    assert got[8] == (False, "the row has 9 cells but the header only 6: "
                             "cell 7 “extra one”, cell 9 “extra two” beyond the last column")
    assert got[9] == (True, "") and got[10] == (True, "")
    assert 11 not in got and plan.blank_rows == 1
    assert got[12] == (False, "the text is 10,001 characters long, over the limit of 10,000")
    assert got[13] == (True, "zone “Palletiser” is not on the map, so the card has no zone")
    assert got[14] == (False, "Votes is -1, but votes go from 0 to 1,000,000")
    assert got[15] == (False, "Impact “2.5” is not a number from 1 to 5")
    assert got[16] == (True, "")
    assert [s["text"] for s in plan.specs] == ["two\nlines", "Trailing empties", "Short row", "Unknown zone",
                                              "Whole float score"]
    unknown = plan.specs[3]
    assert "zone_id" in unknown and unknown["zone_id"] is None and unknown["kind"] is CardKind.NOTE
    summary = plan.summary()
    assert summary.startswith("3 troubles, 1 cause and 1 note ready, 9 rows skipped: "
                              "row 3 (the text is empty), row 4 (Impact is 7, but scores go from 1 to 5), ")
    assert "and 4 more" in summary and "Palletiser" in summary


def test_summary_for_a_clean_file():
    """All rows fine: the summary is just the count."""
    plan = plan_import(WorkshopDocument(), "Text\nA\nB\n")
    assert plan.summary() == "2 troubles ready."
    assert [r.describe() for r in plan.report] == ["Row 2: imported.", "Row 3: imported."]


@pytest.mark.parametrize("data", [b"", b"   \r\n\r\n", "\ufeff"])
def test_empty_file_gives_an_empty_plan_that_says_so(data):
    """An empty file (or one of blank lines) plans nothing and says the file is empty."""
    plan = plan_import(WorkshopDocument(), data)
    assert plan.specs == [] and plan.report == []
    assert "empty" in plan.summary()


@pytest.mark.parametrize("data", ["Text,Zone\r\n", "Text,Zone", "\r\nText,Zone\r\n,\r\n ,\r\n"])
def test_header_only_gives_an_empty_plan_that_says_so(data):
    """A header with no rows (or only blank ones) plans nothing and says there are no rows."""
    plan = plan_import(WorkshopDocument(), data)
    assert plan.specs == [] and plan.summary() == ("no troubles ready. "
                                                  "The file has a header but no rows to import.")


def test_broken_characters_in_given_text_are_a_row_problem():
    """Text handed over as str with a lone surrogate (a broken paste) skips that row only."""
    plan = plan_import(WorkshopDocument(), "Text\nfine\nbro\udcffken\n")
    assert results(plan) == {2: (True, ""), 3: (False, "it holds a broken character (a damaged paste?)")}


def test_an_unreadable_record_refuses_the_file():
    """A cell longer than the csv module's field limit refuses the whole file with a clear message."""
    with pytest.raises(ImportRefused, match="Row 2 cannot be read"):
        plan_import(WorkshopDocument(), "Text,Details\nshort,\"" + "d" * 200_000 + "\"\n")


# Layout.

def test_new_cards_are_laid_out_on_a_grid_from_the_origin_without_overlap():
    """Cards start at the origin, on a square-ish grid, and no two overlap."""
    plan = plan_import(WorkshopDocument(), "Text\n" + "".join(f"T{i}\n" for i in range(10)), origin=(100, 50))
    boxes = [(s["x"], s["y"]) for s in plan.specs]
    assert boxes[0] == (100, 50) and len(set(boxes)) == 10
    assert len({x for x, _ in boxes}) == 4 and len({y for _, y in boxes}) == 3
    for i, (x1, y1) in enumerate(boxes):
        for x2, y2 in boxes[i + 1:]:
            assert abs(x1 - x2) >= CARD_WIDTH or abs(y1 - y2) >= CARD_HEIGHT


def test_default_origin_is_below_everything_on_the_map():
    """Without an origin, new cards go below the lowest card or zone, at the map's left edge."""
    doc = WorkshopDocument(zones={"z": Zone("z", "Filler", x=-50, y=0, height=300)},
                           cards={"c": Card("c", CardKind.TROUBLE, 1, x=200, y=900)})
    plan = plan_import(doc, "Text\nA\n")
    x, y = plan.specs[0]["x"], plan.specs[0]["y"]
    assert x == -50 and y > 900 + CARD_HEIGHT


# Scale.

def test_fifty_thousand_rows_import_with_a_report():
    """50,000 rows (every 1,000th bad) plan without trouble: 49,950 specs and a report line per row."""
    lines = ["Text;Category;Votes;Impact"]
    lines += [f"Trouble {i};Minor stops;{i % 7};{'9' if i % 1000 == 0 else 1 + i % 5}" for i in range(50_000)]
    plan = plan_import(WorkshopDocument(), "\n".join(lines).encode())
    assert len(plan.report) == 50_000 and len(plan.specs) == 49_950 and len(plan.skipped) == 50
    assert plan.skipped[0].row == 2 and plan.skipped[1].row == 1002
    assert plan.summary().startswith("49950 troubles ready, 50 rows skipped: row 2 (Impact is 9,")
    positions = {(s["x"], s["y"]) for s in plan.specs}
    assert len(positions) == 49_950


# Layering.

def test_interchange_imports_neither_qt_nor_sql_nor_reportlab_nor_storage():
    """interchange/ is plain Python over the domain: no PySide6, sqlite, reportlab, storage or service."""
    package = Path(__file__).resolve().parents[2] / "trouble_mapper" / "interchange"
    forbidden = ("PySide6", "shiboken6", "sqlite3", "sqlite_utils", "reportlab", "trouble_mapper.storage",
                 "trouble_mapper.service", "trouble_mapper.ui", "trouble_mapper.canvas")
    for path in package.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            for name in names:
                assert not name.startswith(forbidden), f"{path.name} imports {name}"


@pytest.mark.parametrize("data", [";;;\n;;;\n", ",,,\r\n", '""\n""\n', "\t\t\n"])
def test_a_file_of_only_empty_cells_has_nothing_to_import(data):
    """A blank spreadsheet saved as CSV: nothing to import, said plainly; no crash."""
    plan = plan_import(WorkshopDocument(), data)
    assert plan.specs == [] and "empty" in plan.summary()
