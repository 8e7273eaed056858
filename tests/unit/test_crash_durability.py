"""SIGKILL the editor at random moments: every edit it reported is in the reopened file, intact.

The rounds continue on the same file, so each one starts from everything earlier rounds saved.
The child process is tests/crash_helper.py; see its docstring for what it reports.
"""

from __future__ import annotations

import importlib.util
import os
import random
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

from trouble_mapper.domain.changes import Change
from trouble_mapper.domain.model import Card, Workshop, new_id
from trouble_mapper.domain.vocabulary import CardKind
from trouble_mapper.storage.lock import lock_path_for
from trouble_mapper.storage.workshop_file import create_workshop, open_workshop

REPO = Path(__file__).resolve().parents[2]
KILLS = 22
SEED = 4242


def _load_helper():
    if "crash_helper" in sys.modules:
        return sys.modules["crash_helper"]
    spec = importlib.util.spec_from_file_location("crash_helper", REPO / "tests" / "crash_helper.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["crash_helper"] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


crash_helper = _load_helper()


def test_every_reported_edit_survives_sigkill_at_random_moments(tmp_path):
    """22 SIGKILLs 0.05-0.5 s into editing: each reopened file holds every reported edit, integrity ok."""
    path = tmp_path / "Crash test.troublemap"
    create_workshop(path, Workshop(title="Crash test")).close()
    rng = random.Random(SEED)
    confirmed = 0
    moments = {None: 0, False: 0, True: 0}
    problems = []
    for kill in range(1, KILLS + 1):
        result = crash_helper.crash_round(path, rng.getrandbits(32), rng.uniform(0.05, 0.5))
        confirmed += result.confirmed
        moments[result.in_flight_applied] += 1
        problems += [f"kill {kill}: {problem}" for problem in result.problems]
    print(f"{KILLS} kills, {confirmed} edits verified; killed between edits {moments[None]}, "
          f"inside an edit {moments[False]} (not saved) + {moments[True]} (saved whole)")
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)
    assert confirmed >= KILLS  # the helper did edit before each kill
    assert moments[False] + moments[True] > 0  # some kills landed inside an edit


def test_crash_check_catches_a_lost_or_altered_edit(tmp_path):
    """The checker passes a cleanly finished run, then fails once one reported edit is altered on disk."""
    path = tmp_path / "Checked.troublemap"
    create_workshop(path).close()
    before, edits_before, _, problems = crash_helper.read_back(path)
    assert problems == []
    text, status, stderr = crash_helper.run_child(path, seed=11, delay=None, edits=40)
    assert status == 0, stderr
    report = crash_helper.parse_report(text)
    assert report.trouble == [] and report.confirmed == list(range(1, 41))
    assert report.in_flight is None
    clean = crash_helper.check_file(path, before, edits_before, report)
    assert clean.problems == [] and clean.confirmed == 40 and clean.in_flight_applied is None

    expected = before
    for n in report.confirmed:
        expected = crash_helper.apply_plan(expected, report.plans[n])
    card_key = next(key for key in expected if key.startswith("cards:") and key not in before)
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("UPDATE cards SET text = 'lost edit' WHERE id = ?", [card_key.split(":")[1]])
    conn.close()
    altered = crash_helper.check_file(path, before, edits_before, report)
    assert len(altered.problems) == 1 and card_key in altered.problems[0]


HOT_JOURNAL_CRASH = textwrap.dedent("""
    import os, signal, sqlite3, sys
    conn = sqlite3.connect(sys.argv[1], isolation_level=None)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA cache_size = 1")  # spill changed pages into the file mid-transaction
    conn.execute("BEGIN")
    conn.execute("UPDATE cards SET text = 'half-written ' || text, x = x + 1000")
    os.kill(os.getpid(), signal.SIGKILL)
""")


def test_file_left_mid_transaction_by_a_crash_reopens_as_last_saved(tmp_path):
    """A crash inside a write leaves a hot -journal: the next open rolls it back and shows the last save."""
    work = tmp_path / "work"
    work.mkdir()
    path = work / "Line 4.troublemap"
    opened = create_workshop(path)
    cards = [Card(new_id(), CardKind.TROUBLE, i + 1, text=f"Trouble {i} " + "x" * 300, x=float(i))
             for i in range(200)]
    opened.repository.write([Change(None, card) for card in cards], "Add cards")
    opened.close()
    crash = subprocess.run([sys.executable, "-c", HOT_JOURNAL_CRASH, str(path)], capture_output=True,
                           text=True, timeout=60)
    assert crash.returncode == -signal.SIGKILL, crash.stderr
    assert path.with_name(path.name + "-journal").exists()  # the crash really was mid-transaction

    reopened = open_workshop(path)
    try:
        assert {c.id: c for c in reopened.document.cards.values()} == {c.id: c for c in cards}
        assert reopened.repository.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        reopened.close()
    assert sorted(p.name for p in work.iterdir()) == [path.name]


EDITOR_THEN_KILLED = textwrap.dedent("""
    import os, signal, sys
    from trouble_mapper.storage.workshop_file import open_workshop
    opened = open_workshop(sys.argv[1])
    os.kill(os.getpid(), signal.SIGKILL)
""")


def test_edit_lock_of_a_killed_editor_does_not_block_reopening(tmp_path):
    """After the editing process is SIGKILLed its stale lock file is left, yet the file opens for editing."""
    path = tmp_path / "Line 4.troublemap"
    create_workshop(path).close()
    crash = subprocess.run([sys.executable, "-c", EDITOR_THEN_KILLED, str(path)], capture_output=True,
                           text=True, timeout=60, cwd=REPO, env={**os.environ})
    assert crash.returncode == -signal.SIGKILL, crash.stderr
    assert lock_path_for(path).exists()  # the lock file stays; the kernel freed the lock on it
    reopened = open_workshop(path)
    try:
        assert reopened.read_only is False
    finally:
        reopened.close()
    assert not lock_path_for(path).exists()
