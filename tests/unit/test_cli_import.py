"""``trouble-mapper import`` and ``export``: exit codes, reports, and files left alone when nothing imports.

Exit status: 0 at least one row imported (or the export written), 1 nothing could be imported,
2 an unusable workshop, CSV file or argument.
"""

from __future__ import annotations

import hashlib
import io
import os
import random
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from trouble_mapper import cli
from trouble_mapper.service import WorkshopService
from trouble_mapper.storage import workshop_file as workshop_file_module
from trouble_mapper.storage.workshop_file import open_workshop

GOOD = "Trouble;Zone;Impact\r\nBottles jam;Filler;4\r\nCaps skew;Nowhere;\r\n;Filler;2\r\n"

MALFORMED: dict[str, tuple[bytes, int, str]] = {  # name: (CSV bytes, exit status, words in the message)
    "utf16 without bom": ("Text\r\nBottles jam\r\n".encode("utf-16-le"), 2, "UTF-16"),
    "random bytes": (random.Random(7).randbytes(2048), 2, "CSV UTF-8"),
    "no text column": (b"Owner,Due\r\nAna,2025-01-01\r\n", 2, "“Owner”, “Due”"),
    "empty": (b"", 1, "empty"),
    "header only": (b"Text,Zone\r\n", 1, "no rows"),
    "every row bad": (b"Text,Impact,Votes\r\n,3,\r\nA,9,\r\nB,,many\r\nC,1,2,surplus\r\n", 1,
                      "4 rows skipped"),
}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = cli.run(list(argv), out, err)
    return status, out.getvalue(), err.getvalue()


def write(path: Path, data: bytes | str) -> Path:
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


@pytest.fixture
def zoned_workshop(qapp, workshop_path):
    """The workshop file with a Filler zone, closed."""
    service = WorkshopService(open_workshop(workshop_path))
    service.add_zone("Filler", 0, 0, 400, 300)
    service.close()
    return workshop_path


def test_import_into_an_existing_workshop_reports_and_adds_one_step(zoned_workshop, tmp_path):
    """Rows are added as cards with their zones; the report names skipped rows and unknown zones."""
    status, out, err = run("import", str(zoned_workshop), "--csv", str(write(tmp_path / "t.csv", GOOD)))
    assert (status, err) == (0, "")
    assert "Row 3: imported: zone “Nowhere” is not on the map" in out
    assert "Row 4: skipped: the text is empty." in out
    assert "2 troubles ready, 1 row skipped: row 4 (the text is empty)." in out
    assert "Imported 2 troubles into “Line 4.troublemap” (T1 to T2)." in out
    opened = open_workshop(zoned_workshop, read_only=True)
    try:
        cards = opened.document.cards_in_tag_order()
        filler = next(iter(opened.document.zones))
        assert [(c.text, c.zone_id, c.scores.impact) for c in cards] == [
            ("Bottles jam", filler, 4), ("Caps skew", None, None)]
        history = opened.repository.db.execute("SELECT DISTINCT label FROM history").fetchall()
        assert ("Import 2 troubles from t.csv",) in history
    finally:
        opened.close()


def test_import_creates_a_missing_workshop_titled_after_the_file(tmp_path):
    """A FILE that does not exist is created, titled after its name, and holds the imported cards."""
    target = tmp_path / "Line 5 troubles.troublemap"
    status, out, _ = run("import", str(target), "--csv", str(write(tmp_path / "t.csv", "Text\nA\nB\nC\n")),
                         "--kind", "cause", "--every-row")
    assert status == 0 and "Row 2: imported." in out and "(C1 to C3)" in out
    opened = open_workshop(target, read_only=True)
    try:
        assert opened.document.workshop.title == "Line 5 troubles"
        assert [c.tag for c in opened.document.cards_in_tag_order()] == ["C1", "C2", "C3"]
    finally:
        opened.close()


def test_cp1252_csv_imports_and_says_how_it_was_read(workshop_path, tmp_path):
    """A Windows-1252 CSV imports, and the report says it was not UTF-8."""
    text = "Description;Catégorie\r\nÉtiquette décollée;Qualité\r\n"
    csv_path = write(tmp_path / "t.csv", text.encode("cp1252"))
    status, out, _ = run("import", str(workshop_path), "--csv", str(csv_path))
    assert status == 0 and "Windows-1252" in out
    opened = open_workshop(workshop_path, read_only=True)
    try:
        assert [c.text for c in opened.document.cards.values()] == ["Étiquette décollée"]
    finally:
        opened.close()


@pytest.mark.parametrize("name", list(MALFORMED))
def test_malformed_csv_leaves_the_workshop_unchanged(workshop_path, tmp_path, name):
    """Each malformed CSV gives its exit status and a clear message; the workshop file is byte-identical."""
    data, expected, words = MALFORMED[name]
    before, names = sha256(workshop_path), listing(workshop_path.parent)
    status, out, err = run("import", str(workshop_path), "--csv", str(write(tmp_path / "bad.csv", data)))
    assert status == expected
    assert words in (err if expected == 2 else out)
    if expected == 2:
        assert err.startswith("trouble-mapper: “bad.csv”: ")
    else:
        assert "Nothing was imported; “Line 4.troublemap” was not changed." in out
    assert sha256(workshop_path) == before
    assert listing(workshop_path.parent) == sorted([*names, "bad.csv"])


@pytest.mark.parametrize("name", list(MALFORMED))
def test_malformed_csv_creates_no_workshop(tmp_path, name):
    """When nothing can be imported, a FILE that did not exist is not created."""
    data, expected, _ = MALFORMED[name]
    csv_path = write(tmp_path / "b.csv", data)
    status, out, _ = run("import", str(tmp_path / "new.troublemap"), "--csv", str(csv_path))
    assert status == expected and listing(tmp_path) == ["b.csv"]
    assert expected == 2 or "“new.troublemap” was not created." in out


def test_missing_csv_and_bad_arguments_exit_2(workshop_path, tmp_path):
    """A CSV that does not exist, a folder, a missing --csv or a bad --kind: exit 2 with a message."""
    before = sha256(workshop_path)
    status, _, err = run("import", str(workshop_path), "--csv", str(tmp_path / "gone.csv"))
    assert status == 2 and "“gone.csv” does not exist" in err
    status, _, err = run("import", str(workshop_path), "--csv", str(tmp_path))
    assert status == 2 and "is a folder" in err
    status, _, err = run("import", str(workshop_path))
    assert status == 2 and "--csv" in err
    status, _, err = run("import", str(workshop_path), "--csv", "x.csv", "--kind", "bug")
    assert status == 2 and "invalid choice" in err
    assert sha256(workshop_path) == before


def test_help_goes_to_out_with_status_0():
    """--help prints the usage to the given stream and returns 0 rather than exiting the process."""
    status, out, _ = run("import", "--help")
    assert status == 0 and "--csv" in out and "undo step" in out


def test_workshop_open_elsewhere_exits_2_unchanged(workshop_path, tmp_path):
    """A workshop open for editing elsewhere is refused with the reason; nothing is written."""
    csv_path = write(tmp_path / "t.csv", "Text\nA\n")
    holder = open_workshop(workshop_path)
    try:
        before = sha256(workshop_path)
        status, _, err = run("import", str(workshop_path), "--csv", str(csv_path))
        assert status == 2 and "already open" in err
        assert sha256(workshop_path) == before
    finally:
        holder.close()


def test_read_only_workshop_exits_2_unchanged(workshop_path, tmp_path, monkeypatch):
    """A read-only workshop is refused with the reason; it stays byte-identical (root sees mode bits too)."""
    csv_path = write(tmp_path / "t.csv", "Text\nA\n")
    workshop_path.chmod(0o444)
    if os.geteuid() == 0:
        real_access = os.access

        def access(path, mode, *args, **kwargs):
            if mode & os.W_OK and not os.stat(path).st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
                return False
            return real_access(path, mode, *args, **kwargs)

        monkeypatch.setattr(workshop_file_module.os, "access", access)
    before = sha256(workshop_path)
    status, _, err = run("import", str(workshop_path), "--csv", str(csv_path))
    assert status == 2 and "cannot be changed: The file is read-only." in err
    assert sha256(workshop_path) == before


def test_damaged_workshop_exits_2_unchanged(tmp_path):
    """A file that is not a workshop is refused and left as it was."""
    bad = write(tmp_path / "photo.troublemap", b"\x89PNG not really")
    status, _, err = run("import", str(bad), "--csv", str(write(tmp_path / "t.csv", "Text\nA\n")))
    assert status == 2 and "not a Trouble Mapper workshop" in err
    assert bad.read_bytes() == b"\x89PNG not really"


def test_export_writes_both_csv_files(zoned_workshop, tmp_path):
    """export writes register and plan as UTF-8 with BOM; importing the register gives the texts back."""
    run("import", str(zoned_workshop), "--csv", str(write(tmp_path / "t.csv", "Text\n=1+1\nPlain\n")))
    register, plan = tmp_path / "register.csv", tmp_path / "plan.csv"
    status, out, err = run("export", str(zoned_workshop), "--csv-register", str(register),
                           "--csv-actions", str(plan))
    assert (status, err) == (0, "") and "register (2 rows)" in out and "actions (0 rows)" in out
    data = register.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfTag,Kind,Text,") and b"'=1+1" in data
    assert plan.read_bytes() == b"\xef\xbb\xbfCards (tags),What,Owner,Supporters,Due (ISO),Status," \
                                b"Overdue (yes/no),Check,Needs standard\r\n"
    again = tmp_path / "again.troublemap"
    assert run("import", str(again), "--csv", str(register))[0] == 0
    opened = open_workshop(again, read_only=True)
    try:
        assert [c.text for c in opened.document.cards_in_tag_order()] == ["=1+1", "Plain"]
    finally:
        opened.close()


def test_export_without_outputs_or_on_a_bad_file_exits_2(tmp_path, workshop_path):
    """export needs at least one output, a readable workshop and a writable target."""
    assert run("export", str(workshop_path))[0] == 2
    status, _, err = run("export", str(tmp_path / "gone.troublemap"), "--csv-register",
                         str(tmp_path / "r.csv"))
    assert status == 2 and "does not exist" in err
    status, _, err = run("export", str(workshop_path), "--csv-register", str(tmp_path / "no" / "r.csv"))
    assert status == 2 and "could not be written" in err


def run_process(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    return subprocess.run([sys.executable, "-m", "trouble_mapper", *args], capture_output=True, text=True,
                          env=env, timeout=120)


def test_import_and_export_run_as_a_user_would_without_a_display(tmp_path):
    """python -m trouble_mapper import/export with no display: exit 0, 1 and 2 as documented."""
    target = tmp_path / "Line 6.troublemap"
    good = write(tmp_path / "good.csv", "Text,Votes\r\nBottles jam,3\r\nSkewed caps,x\r\n")
    result = run_process("import", str(target), "--csv", str(good))
    assert result.returncode == 0, result.stderr
    assert "Imported 1 trouble into “Line 6.troublemap” (T1)." in result.stdout
    assert "Row 3: skipped: Votes “x” is not a whole number." in result.stdout
    assert result.stderr == ""
    before = sha256(target)
    nothing = run_process("import", str(target), "--csv", str(write(tmp_path / "none.csv", "Text\r\n,\r\n")))
    assert nothing.returncode == 1 and sha256(target) == before
    bad = run_process("import", str(target), "--csv", str(write(tmp_path / "bad.csv", b"\x00\x01\x02\xff")))
    assert bad.returncode == 2 and "trouble-mapper:" in bad.stderr and sha256(target) == before
    exported = run_process("export", str(target), "--csv-register", str(tmp_path / "r.csv"))
    assert exported.returncode == 0, exported.stderr
    assert "Bottles jam" in (tmp_path / "r.csv").read_text(encoding="utf-8-sig")
