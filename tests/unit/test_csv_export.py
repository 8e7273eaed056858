"""CSV export of the register and the action plan: columns, formula neutralising, UTF-8 with BOM, atomic."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest

from trouble_mapper.domain.document import WorkshopDocument
from trouble_mapper.domain.model import Action, Card, Link, Person, Scores, Zone
from trouble_mapper.domain.vocabulary import ActionStatus, CardKind
from trouble_mapper.interchange.csv_export import (
    PLAN_COLUMNS,
    REGISTER_COLUMNS,
    actions_csv,
    neutralise,
    number_cell,
    register_csv,
    write_csv,
)

TODAY = date(2025, 3, 10)


def rows_of(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def sample_document() -> WorkshopDocument:
    """Two troubles, a cause linked to T1, a zone, two people and three actions."""
    zone = Zone("z1", "Filler")
    t1 = Card("t1", CardKind.TROUBLE, 1, text="Bottles jam", details="At the star wheel",
              category="Minor stops", fix_route="Operator can fix", votes=4,
              scores=Scores(impact=4, effort=2, severity=3, frequency=5), zone_id="z1")
    t2 = Card("t2", CardKind.TROUBLE, 2, text="=HYPERLINK(\"http://evil\")", votes=0)
    c1 = Card("c1", CardKind.CAUSE, 1, text="Worn guide rail")
    c2 = Card("c2", CardKind.CAUSE, 2, text="Wrong setting")
    people = {"p1": Person("p1", "Ana"), "p2": Person("p2", "Bo"), "p3": Person("p3", "-Eve")}
    actions = {
        "a1": Action("a1", "Replace guide rail", owner_id="p1", supporter_ids=("p2", "p3"),
                     due=date(2025, 3, 1), card_ids=("c1", "t1"), check="No jams for a week",
                     needs_standard=True),
        "a2": Action("a2", "Write the setting down", owner_id="p3", due=date(2025, 2, 1),
                     status=ActionStatus.DONE, card_ids=("c2",)),
        "a3": Action("a3", "+Call the vendor", card_ids=("t1",)),
    }
    return WorkshopDocument(
        zones={"z1": zone}, cards={c.id: c for c in (c2, t2, c1, t1)}, people=people, actions=actions,
        links={"l1": Link("l1", "c1", "t1"), "l2": Link("l2", "c2", "t1"), "l3": Link("l3", "c2", "t2")})


def test_register_has_the_columns_and_a_row_per_card_in_tag_order():
    """Every card in tag order (troubles first), with zone name, scores, risk, causes and action count."""
    text = register_csv(sample_document(), TODAY)
    assert next(csv.reader(io.StringIO(text))) == list(REGISTER_COLUMNS)
    rows = rows_of(text)
    assert [r["Tag"] for r in rows] == ["T1", "T2", "C1", "C2"]
    t1 = rows[0]
    assert t1 == {"Tag": "T1", "Kind": "Trouble", "Text": "Bottles jam", "Details": "At the star wheel",
                  "Category": "Minor stops", "Fix route": "Operator can fix", "Zone": "Filler", "Votes": "4",
                  "Impact": "4", "Effort": "2", "Severity": "3", "Frequency": "5", "Risk": "15",
                  "Causes (tags)": "C1, C2", "Actions (count)": "2"}
    assert rows[1]["Risk"] == "" and rows[1]["Impact"] == "" and rows[1]["Causes (tags)"] == "C2"
    assert rows[2]["Kind"] == "Cause" and rows[2]["Actions (count)"] == "1"


def test_plan_has_the_columns_by_due_date_with_overdue_flags():
    """The plan lists actions by due date (undated last) with tags, owner, supporters, status and overdue."""
    text = actions_csv(sample_document(), TODAY)
    assert next(csv.reader(io.StringIO(text))) == list(PLAN_COLUMNS)
    rows = rows_of(text)
    assert [r["What"] for r in rows] == ["Write the setting down", "Replace guide rail", "'+Call the vendor"]
    done, late, undated = rows
    assert done["Overdue (yes/no)"] == "no" and done["Status"] == "Done" and done["Owner"] == "'-Eve"
    assert late == {"Cards (tags)": "T1, C1", "What": "Replace guide rail", "Owner": "Ana",
                    "Supporters": "Bo; -Eve", "Due (ISO)": "2025-03-01", "Status": "Open",
                    "Overdue (yes/no)": "yes", "Check": "No jams for a week", "Needs standard": "yes"}
    assert undated["Due (ISO)"] == "" and undated["Overdue (yes/no)"] == "no" and undated["Owner"] == ""


@pytest.mark.parametrize(("text", "cell"), [
    ("=1+1", "'=1+1"), ("+cmd", "'+cmd"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tTab", "'\tTab"), ("\rCR", "'\rCR"), ("'=quoted", "''=quoted"), ("''@x", "'''@x"),
    ("'plain", "'plain"), ("a=b", "a=b"), ("", ""), ("Bottles jam", "Bottles jam"), ("-5", "'-5"),
])
def test_formula_looking_text_is_neutralised(text, cell):
    """Text starting with = + - @ tab or CR (after any apostrophes) gets one more apostrophe."""
    assert neutralise(text) == cell


def test_numbers_in_numeric_columns_are_not_neutralised():
    """A negative number in a numeric column stays a plain number; text columns still get the apostrophe."""
    assert number_cell(-3) == "-3" and number_cell(None) == "" and number_cell(0) == "0"
    doc = WorkshopDocument(cards={"t": Card("t", CardKind.TROUBLE, 1, text="-3", votes=-3)})
    row = rows_of(register_csv(doc, TODAY))[0]
    assert row["Votes"] == "-3" and row["Text"] == "'-3"


def test_hostile_text_is_one_cell_each():
    """Quotes, commas, newlines, other scripts and emoji stay inside their cell when read back by csv."""
    texts = ['He said "stop", twice', "line one\nline two", "crlf\r\ninside", "مضخة التعبئة تسرب",
             "灌装机漏液", "🍾💥 jam", "x" * 10_000, "a;b\tc"]
    doc = WorkshopDocument(cards={str(i): Card(str(i), CardKind.TROUBLE, i + 1, text=t)
                                  for i, t in enumerate(texts)})
    assert [r["Text"] for r in rows_of(register_csv(doc, TODAY))] == texts


def test_write_csv_writes_utf8_with_bom_and_crlf(tmp_path):
    """The file starts with a UTF-8 BOM, records end in CRLF and a newline inside a cell is kept as is."""
    doc = WorkshopDocument(cards={"t": Card("t", CardKind.TROUBLE, 1, text="two\nlines 🍾")})
    target = tmp_path / "register.csv"
    write_csv(target, register_csv(doc, TODAY))
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfTag,Kind,") and data.endswith(b"\r\n")
    assert '"two\nlines 🍾"'.encode() in data
    with target.open(encoding="utf-8-sig", newline="") as stream:
        assert next(csv.DictReader(stream))["Text"] == "two\nlines 🍾"
    assert [p.name for p in tmp_path.iterdir()] == ["register.csv"]


def test_write_csv_replaces_an_existing_file_whole(tmp_path):
    """Writing over an existing export replaces it; no temporary file is left beside it."""
    target = tmp_path / "plan.csv"
    target.write_text("old content that is longer than the new one\n" * 50)
    write_csv(target, "A\r\nb\r\n")
    assert target.read_bytes() == b"\xef\xbb\xbfA\r\nb\r\n"
    assert [p.name for p in tmp_path.iterdir()] == ["plan.csv"]


def test_write_csv_into_a_missing_folder_raises_and_leaves_nothing(tmp_path):
    """A folder that does not exist gives OSError and no file anywhere."""
    with pytest.raises(OSError):
        write_csv(tmp_path / "gone" / "x.csv", "A\r\n")
    assert list(tmp_path.iterdir()) == []


def test_write_csv_failure_keeps_the_old_file(tmp_path, monkeypatch):
    """If the rename fails, the previous export is still there, whole, and the temporary file is gone."""
    import trouble_mapper.atomic_file as module  # write_csv writes through it

    target = tmp_path / "plan.csv"
    target.write_bytes(b"old")

    def broken_replace(src: Path, dst: Path) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(module.os, "replace", broken_replace)
    with pytest.raises(OSError):
        write_csv(target, "new\r\n")
    assert target.read_bytes() == b"old" and [p.name for p in tmp_path.iterdir()] == ["plan.csv"]


def test_empty_workshop_exports_headers_only():
    """A workshop without cards or actions exports just the header rows."""
    doc = WorkshopDocument()
    assert register_csv(doc, TODAY) == ",".join(REGISTER_COLUMNS) + "\r\n"
    assert actions_csv(doc, TODAY).count("\r\n") == 1
