"""Bad files, made here on disk: each is refused with a plain message naming it, and left untouched.

Also: hostile text survives a save and reopen unchanged, and a full disk fails an edit cleanly.
"""

from __future__ import annotations

import json
import os
import random
import sqlite3
import stat
import subprocess
import sys
import textwrap
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from trouble_mapper.domain.changes import Change
from trouble_mapper.domain.model import Card, Workshop, new_id
from trouble_mapper.domain.vocabulary import CardKind
from trouble_mapper.service import EditRefused, WorkshopService
from trouble_mapper.storage import schema
from trouble_mapper.storage import workshop_file as workshop_file_module
from trouble_mapper.storage.errors import (
    AlreadyOpen,
    DamagedFile,
    NewerVersionFile,
    NotAWorkshopFile,
    WorkshopFileError,
)
from trouble_mapper.storage.lock import lock_path_for
from trouble_mapper.storage.workshop_file import SQLITE_MAGIC, create_workshop, open_workshop

PAGE = 4096
REPO = Path(__file__).resolve().parents[2]


# Making the corpus.

def big_workshop(path: Path, cards: int = 200) -> Path:
    """A real, closed workshop with ``cards`` cards: many pages long."""
    opened = create_workshop(path, Workshop(title="Filler line"))
    try:
        opened.repository.write(
            [Change(None, Card(new_id(), CardKind.TROUBLE, i + 1, text=f"Trouble {i} " + "x" * 300))
             for i in range(cards)], "Add cards")
    finally:
        opened.close()
    assert path.stat().st_size > 20 * PAGE
    return path


def truncated(fraction: float) -> Callable[[Path], None]:
    def make(path: Path) -> None:
        data = big_workshop(path).read_bytes()
        path.write_bytes(data[:int(len(data) * fraction)])
    return make


def first_bytes(count: int) -> Callable[[Path], None]:
    def make(path: Path) -> None:
        data = big_workshop(path).read_bytes()
        path.write_bytes(data[:count])
    return make


def random_bytes(prefix: bytes) -> Callable[[Path], None]:
    def make(path: Path) -> None:
        path.write_bytes(prefix + random.Random(len(prefix)).randbytes(64 * 1024))
    return make


def our_header_then_random(path: Path) -> None:
    header = big_workshop(path).read_bytes()[:100]
    path.write_bytes(header + random.Random(7).randbytes(64 * 1024))


def garbage_in_the_middle(path: Path) -> None:
    data = big_workshop(path).read_bytes()
    path.write_bytes(data[:2 * PAGE] + random.Random(9).randbytes(PAGE) + data[3 * PAGE:])


def text_file(path: Path) -> None:
    path.write_text("Trouble list\nT1 conveyor jams\nT2 label printer smudges\n" * 40, encoding="utf-8")


def empty_file(path: Path) -> None:
    path.write_bytes(b"")


def other_application_database(path: Path) -> None:
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, customer TEXT, total REAL)")
        conn.executemany("INSERT INTO invoices (customer, total) VALUES (?, ?)",
                         [(f"Customer {i}", i * 9.5) for i in range(100)])
    conn.close()


def newer_version(path: Path) -> None:
    create_workshop(path, Workshop(title="From the future")).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()


def folder(path: Path) -> None:
    path.mkdir()
    (path / "inside.txt").write_text("not a workshop", encoding="utf-8")


BAD_FILES = [
    # (id, maker, exact error type, words the message must contain)
    ("empty", empty_file, NotAWorkshopFile, ["empty", "not a Trouble Mapper workshop"]),
    ("text-renamed", text_file, NotAWorkshopFile, ["not a Trouble Mapper workshop"]),
    ("truncated-half", truncated(0.5), DamagedFile, ["damaged"]),
    ("truncated-quarter", truncated(0.25), DamagedFile, ["damaged"]),
    ("truncated-90-percent", truncated(0.9), DamagedFile, ["damaged"]),
    ("truncated-to-first-page", first_bytes(PAGE), DamagedFile, ["damaged"]),
    ("truncated-to-header", first_bytes(100), DamagedFile, ["damaged"]),
    ("truncated-inside-header", first_bytes(99), NotAWorkshopFile, ["not a Trouble Mapper workshop"]),
    ("garbage-page-in-the-middle", garbage_in_the_middle, DamagedFile, ["damaged"]),
    ("random-bytes", random_bytes(b""), NotAWorkshopFile, ["not a Trouble Mapper workshop"]),
    ("random-bytes-after-sqlite-magic", random_bytes(SQLITE_MAGIC), NotAWorkshopFile,
     ["not a Trouble Mapper workshop"]),
    ("random-bytes-after-our-header", our_header_then_random, DamagedFile, ["damaged"]),
    ("other-application-sqlite", other_application_database, NotAWorkshopFile,
     ["another application", "not a Trouble Mapper workshop"]),
    ("newer-version", newer_version, NewerVersionFile, ["newer version", "update", "not been changed"]),
    ("missing", lambda path: None, WorkshopFileError, ["does not exist"]),
    ("folder", folder, WorkshopFileError, ["folder"]),
]


def listing(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


def contents(path: Path) -> bytes | list[str] | None:
    """The bytes of a file, the listing of a folder, None if nothing is there."""
    if path.is_dir():
        return listing(path)
    return path.read_bytes() if path.exists() else None


# Bad files.

@pytest.mark.parametrize(("maker", "error_type", "words"),
                         [case[1:] for case in BAD_FILES], ids=[case[0] for case in BAD_FILES])
def test_bad_file_is_refused_plainly_and_left_untouched(tmp_path, maker, error_type, words):
    """open_workshop raises the right error naming the file in plain words; file and folder unchanged."""
    work = tmp_path / "work"
    work.mkdir()
    path = work / "Line 4.troublemap"
    maker(path)
    before, names_before = contents(path), listing(work)

    with pytest.raises(WorkshopFileError) as caught:
        open_workshop(path)

    assert type(caught.value) is error_type
    message = str(caught.value)
    assert "Line 4.troublemap" in message
    for word in words:
        assert word.lower() in message.lower(), message
    assert "Traceback" not in message and "sqlite3." not in message
    assert contents(path) == before
    assert listing(work) == names_before  # no -journal, -wal, -shm, backup or lock file left
    assert not lock_path_for(path).exists()


def test_corpus_maker_builds_a_sound_workshop_first(tmp_path):
    """The big workshop the truncated files are cut from opens fine whole, so their damage is the cut."""
    path = big_workshop(tmp_path / "whole.troublemap")
    opened = open_workshop(path)
    try:
        assert len(opened.document.cards) == 200
        assert opened.repository.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        opened.close()


def _files_without_write_bits_are_not_writable(monkeypatch) -> None:
    """As root, access(W_OK) is True whatever the mode bits: answer as it would for any other user."""
    real_access = os.access

    def access(path, mode, *args, **kwargs):
        if mode & os.W_OK and not os.stat(path).st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
            return False
        return real_access(path, mode, *args, **kwargs)

    monkeypatch.setattr(workshop_file_module.os, "access", access)


def test_read_only_file_opens_read_only_and_is_not_written(qapp, tmp_path, monkeypatch):
    """A chmod 0444 workshop opens with read_only and a reason, refuses edits, and stays byte-identical.

    Tests may run as root, for whom os.access says every file is writable: then os.access is patched
    to answer from the mode bits, as it does for the non-root users who run the app.
    """
    work = tmp_path / "work"
    work.mkdir()
    path = work / "Line 4.troublemap"
    big_workshop(path, cards=20)
    path.chmod(0o444)
    if os.geteuid() == 0:
        _files_without_write_bits_are_not_writable(monkeypatch)
    before, names_before = path.read_bytes(), listing(work)

    opened = open_workshop(path)
    service = WorkshopService(opened)
    try:
        assert opened.read_only is True and service.read_only is True
        assert "read-only" in opened.read_only_reason.lower()
        assert len(opened.document.cards) == 20
        with pytest.raises(EditRefused, match="read-only"):
            service.add_card(CardKind.TROUBLE, 0, 0, "not allowed")
        assert listing(work) == names_before  # read-only opening takes no lock file
    finally:
        service.close()
    assert path.read_bytes() == before
    assert listing(work) == names_before
    assert stat.S_IMODE(path.stat().st_mode) == 0o444


def test_file_open_in_this_process_is_refused_until_closed(tmp_path):
    """A second open in the same process raises AlreadyOpen, writes nothing, and works once closed."""
    work = tmp_path / "work"
    work.mkdir()
    path = big_workshop(work / "Line 4.troublemap", cards=10)
    original = path.read_bytes()
    first = open_workshop(path)
    try:
        names_while_open = listing(work)
        assert names_while_open == sorted([path.name, lock_path_for(path).name])
        with pytest.raises(AlreadyOpen) as caught:
            open_workshop(path)
        assert "Line 4.troublemap" in str(caught.value)
        assert "already open" in str(caught.value)
        assert path.read_bytes() == original
        assert listing(work) == names_while_open
        assert first.repository.db.execute("SELECT count(*) FROM cards").fetchone()[0] == 10
    finally:
        first.close()
    assert listing(work) == [path.name]
    assert path.read_bytes() == original  # opening and closing without edits writes nothing
    second = open_workshop(path)
    second.close()


HOLDER = textwrap.dedent("""
    import sys
    from trouble_mapper.storage.workshop_file import open_workshop
    opened = open_workshop(sys.argv[1])
    print("HELD", flush=True)
    sys.stdin.read()
    opened.close()
    print("CLOSED", flush=True)
""")


def test_file_open_in_another_process_is_refused_until_it_closes(tmp_path):
    """While another process has the file open, open_workshop raises AlreadyOpen and writes nothing."""
    work = tmp_path / "work"
    work.mkdir()
    path = big_workshop(work / "Line 4.troublemap", cards=10)
    original = path.read_bytes()
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(path)], cwd=REPO, text=True,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert holder.stdout is not None and holder.stdin is not None
        assert holder.stdout.readline().strip() == "HELD", holder.stderr.read() if holder.stderr else ""
        names_while_open = listing(work)
        for _ in range(2):
            with pytest.raises(AlreadyOpen) as caught:
                open_workshop(path)
            assert "Line 4.troublemap" in str(caught.value) and "already open" in str(caught.value)
        assert path.read_bytes() == original
        assert listing(work) == names_while_open
        holder.stdin.close()
        assert holder.stdout.readline().strip() == "CLOSED"
        assert holder.wait(timeout=30) == 0
    finally:
        holder.kill()
        holder.wait()
        for stream in (holder.stdin, holder.stdout, holder.stderr):
            if stream is not None:
                stream.close()
    assert listing(work) == [path.name]
    opened = open_workshop(path)
    try:
        assert len(opened.document.cards) == 10
    finally:
        opened.close()


# Hostile text.

HOSTILE = {
    "markup": "<b>bold</b><script>alert('x')</script>&amp; <img src=x onerror=alert(1)> ]]> <!--",
    "formula": "=1+1",
    "formulas": "+SUM(A1:A9) -2+3 @cmd =HYPERLINK(\"http://example.invalid\",\"x\") \t=1+1",
    "sql": "'); DROP TABLE cards; -- \" OR 1=1",
    "long_word": "Überlänge" + "a" * 9_991,
    "arabic_rtl": "عطل في ناقل الحركة \u202eTFEL OT THGIR\u202c ثم ١٢٣",
    "hebrew": "תקלה במסוע",
    "cjk": "设备故障：传送带卡住 コンベアが止まる 컨베이어 정지",
    "emoji": "🔧⚙️ 👩🏽‍🔧 🏳️‍🌈 🇬🇧 \U0001F9EF",
    "nul": "before\x00after\x00",
    "controls": "line 1\r\nline 2\rline 3\n\ttab \x07bell \x1b[31mred\x1b[0m \u2028\u2029",
    "json_like": "{\"text\": null, \"x\": [1, 2]}",
    "null_word": "NULL",
    "combining": "e\u0301 Z\u0351\u0360\u0361\u0362a\u0310\u0340l\u0341g\u0342o\u0343",
    "bom_and_zero_width": "\ufeffword\u200bjoined\u200d\ufe0f",
    "non_bmp": "\U00010348\U0001D11E\U0010FFFD",
}


def test_hostile_text_survives_save_and_reopen_unchanged(service):
    """Markup, formulas, a 10,000-character word, RTL, CJK, emoji and NUL come back byte-for-byte."""
    assert len(HOSTILE["long_word"]) == 10_000
    path = service.file.path
    values = list(HOSTILE.values())
    service.update_workshop(title=HOSTILE["markup"], scope=HOSTILE["long_word"],
                            goal_text=HOSTILE["arabic_rtl"])
    cards = []
    for i, (name, text) in enumerate(HOSTILE.items()):
        cards.append(service.add_card(CardKind.TROUBLE, i * 10.0, 0.0, text, details=values[-1 - i],
                                      category=name, fix_route=text[:50]))
    person = service.add_person(HOSTILE["cjk"], function=HOSTILE["emoji"])
    zone = service.add_zone(HOSTILE["arabic_rtl"], 0, 0, 100, 100)
    action = service.add_action(HOSTILE["formula"], where=HOSTILE["nul"], check=HOSTILE["markup"],
                                owner_id=person.id, card_ids=(cards[0].id,))
    meeting = service.add_meeting(date(2024, 5, 1), (person.id,), HOSTILE["controls"])
    assert service.undo_stack.count() == len(HOSTILE) + 5
    expected = service.document
    service.close()

    reopened = open_workshop(path)
    try:
        doc = reopened.document
        assert doc.same_content(expected)
        for card, text in zip(cards, HOSTILE.values(), strict=True):
            assert doc.cards[card.id].text == text
            assert len(doc.cards[card.id].text) == len(text)
        assert doc.workshop.title == HOSTILE["markup"] and doc.workshop.scope == HOSTILE["long_word"]
        assert doc.people[person.id].name == HOSTILE["cjk"]
        assert doc.zones[zone.id].name == HOSTILE["arabic_rtl"]
        assert doc.actions[action.id].where == HOSTILE["nul"]
        assert doc.meetings[meeting.id].notes == HOSTILE["controls"]
        stored = reopened.repository.db.execute(
            "SELECT length(CAST(text AS BLOB)) FROM cards WHERE id = ?", [cards[0].id]).fetchone()[0]
        assert stored == len(HOSTILE["markup"].encode("utf-8"))
    finally:
        reopened.close()


SURROGATE_PROBE = textwrap.dedent("""
    import json, sys
    from PySide6.QtCore import QCoreApplication
    from trouble_mapper.domain.vocabulary import CardKind
    from trouble_mapper.service import WorkshopService
    from trouble_mapper.storage.workshop_file import open_workshop
    app = QCoreApplication([])
    service = WorkshopService(open_workshop(sys.argv[1]))
    service.add_card(CardKind.CAUSE, 0, 0, "kept")
    result = {"steps_before": service.undo_stack.count(), "raised": None}
    try:
        service.add_card(CardKind.TROUBLE, 0, 0, "broken \\ud800 surrogate")
    except Exception as error:
        result["raised"] = f"{type(error).__name__}: {error}"
    result["steps_after"] = service.undo_stack.count()
    result["undo_text"] = service.undo_stack.undoText()
    result["document"] = sorted(c.text for c in service.document.cards.values())
    print(json.dumps(result), flush=True)
    service.add_card(CardKind.NOTE, 0, 0, "next edit")
    print("NEXT EDIT SAVED", flush=True)
    service.close()
""")


def test_lone_surrogate_text_is_refused_or_stored_and_the_app_carries_on(tmp_path):
    """A lone surrogate (no UTF-8 form) is refused or stored; document, file and undo agree; no crash.

    Run in a child process, as it may bring Qt down; the next edit after it must save normally.
    """
    path = tmp_path / "Line 4.troublemap"
    create_workshop(path).close()
    run = subprocess.run([sys.executable, "-c", SURROGATE_PROBE, str(path)], cwd=REPO, text=True,
                         capture_output=True, timeout=60, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    lines = run.stdout.splitlines()
    assert lines and lines[0].startswith("{"), run.stderr[-2000:]
    result = json.loads(lines[0])
    reopened = open_workshop(path)
    try:
        in_file = sorted(c.text for c in reopened.document.cards.values())
    finally:
        reopened.close()
    problems = []
    if result["raised"] is None:  # stored: it must be in the document and come back unchanged
        if "broken \ud800 surrogate" not in result["document"] or "broken \ud800 surrogate" not in in_file:
            problems.append(f"stored, but document {result['document']} / file {in_file} lack it")
    else:  # refused: nothing may have changed anywhere
        if result["document"] != ["kept"]:
            problems.append(f"refused ({result['raised']}) but the document holds {result['document']}")
        if result["steps_after"] != result["steps_before"]:
            problems.append(f"refused ({result['raised']}) but the undo stack gained a step "
                            f"({result['steps_before']} -> {result['steps_after']}, "
                            f"top: {result['undo_text']!r}) for an edit that was never saved")
    if run.returncode != 0 or lines[-1] != "NEXT EDIT SAVED":
        problems.append(f"the next edit did not save: exit status {run.returncode}, "
                        f"stderr: {run.stderr.strip()[-600:]!r}")
    elif "next edit" not in in_file:
        problems.append(f"the next edit is not in the file: {in_file}")
    assert not problems, "\n".join(problems)


# Disk full.

def test_disk_full_fails_the_edit_cleanly_and_keeps_what_was_saved(service):
    """With the database genuinely full, apply returns False, save_failed says so, and nothing changes."""
    path = service.file.path
    saved = [service.add_card(CardKind.TROUBLE, i * 200.0, 0.0, f"Saved {i}") for i in range(5)]
    service.move_cards({saved[0].id: (999.0, 999.0)})
    expected_doc = service.document
    steps = service.undo_stack.count()
    cards_before = dict(expected_doc.cards)
    messages: list[str] = []
    service.save_failed.connect(messages.append)
    db = service.file.repository.db
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    assert db.execute(f"PRAGMA max_page_count = {pages}").fetchone()[0] == pages  # the disk is now full

    big = "too big to fit " * 2_000
    card = Card(new_id(), CardKind.TROUBLE, 99, text=big)
    assert service.apply([Change(None, card)], "Add trouble T99", "do") is False
    assert service.update_card(saved[1].id, text=big) is False
    service.add_card(CardKind.CAUSE, 0, 0, big)

    assert len(messages) == 3
    assert all("disk is full" in message for message in messages)
    assert "“Add trouble T99” was not saved" in messages[0]
    assert "Edit T2" in messages[1]
    assert service.document.cards == cards_before
    assert service.undo_stack.count() == steps
    assert service.undo_stack.undoText() == "Move T1"
    assert sorted(p.name for p in path.parent.iterdir()) == sorted([path.name, lock_path_for(path).name])
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"

    db.execute("PRAGMA max_page_count = 1073741823")  # space freed: the next edit saves again
    assert service.update_card(saved[2].id, text="After the disk was freed") is True
    expected_cards = dict(service.document.cards)
    service.close()
    reopened = open_workshop(path)
    try:
        assert reopened.document.cards == expected_cards
        assert reopened.document.cards[saved[0].id].x == 999.0
        assert reopened.document.cards[saved[2].id].text == "After the disk was freed"
        assert all(c.text != big for c in reopened.document.cards.values())
    finally:
        reopened.close()
