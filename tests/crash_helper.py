"""Crash-test kit. Run as a script it edits a workshop until it is killed; imported, it kills and checks.

Child (``python tests/crash_helper.py WORKSHOP SEED [EDITS]``): opens the file with ``open_workshop``
and edits it through ``WorkshopService`` with a stream of mixed edits chosen by ``random.Random(SEED)``
(ids too, so the whole stream is deterministic for a given file and seed). It writes one line per
event to stdout and flushes it:

    READY <history edits in the file>
    BEGIN <n> <kind> <plan-json>            before the service call of edit n
    OK <n> <kind> <id> <state-json>         after the call returned, the edit saved
    FAIL <n> <kind> <message>               the service reported a failed save (exit status 3)
    MISMATCH <n> <kind> <json>              the service did something else than planned (exit 4)

``plan-json`` maps ``"<table>:<id>"`` to the row the entity must have after the edit (null when the
edit deletes it), and ``"tag_counters:<kind>"`` to the new high-water tag number. ``state-json`` is
the same map read back from the service's document after the call. It stops after EDITS edits
(exit 0); without EDITS, or with 0, it runs until killed.

Parent (``crash_round``): starts the child, SIGKILLs it a given delay after READY, reopens the file
with ``open_workshop`` and checks it holds exactly the state of every reported edit, plus at most the
one edit that was in flight, wholly or not at all, and that ``PRAGMA integrity_check`` says ok.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from trouble_mapper.domain.model import Action, Card, Link
from trouble_mapper.domain.vocabulary import CardKind
from trouble_mapper.storage.codec import CODECS, ENTITY_OF_TABLE
from trouble_mapper.storage.errors import WorkshopFileError
from trouble_mapper.storage.schema import COUNTERS_TABLE, HISTORY_TABLE
from trouble_mapper.storage.workshop_file import open_workshop

HELPER = Path(__file__).resolve()
EDIT_KINDS = ("add_card", "move_cards", "edit_text", "add_link", "delete_card", "add_action",
              "action_status")
_WEIGHTS = (25, 20, 15, 12, 8, 10, 10)
MIN_CARDS_TO_DELETE = 8

State = dict[str, Any]  # "<table>:<id>" -> row (dict) or None; "tag_counters:<kind>" -> int


# Shared by both sides.

def entity_key(entity: Any) -> str:
    return f"{CODECS[type(entity)].table}:{entity.id}"


def entity_row(entity: Any) -> dict[str, Any]:
    """The entity as the file stores it, normalised through JSON like the child's lines."""
    return json.loads(json.dumps(CODECS[type(entity)].to_row(entity)))


def counter_key(kind: CardKind) -> str:
    return f"{COUNTERS_TABLE}:{kind.value}"


def snapshot(document: Any) -> State:
    """Everything a document holds except the background picture, keyed like the child's plans."""
    state: State = {entity_key(document.workshop): entity_row(document.workshop)}
    for collection in (document.people, document.zones, document.cards, document.links,
                       document.actions, document.meetings):
        state.update((entity_key(e), entity_row(e)) for e in collection.values())
    state.update((counter_key(kind), high) for kind, high in document.tag_high_water.items())
    return state


def apply_plan(state: State, plan: State) -> State:
    """``state`` after an edit with ``plan`` (None values delete entities)."""
    result = dict(state)
    for key, value in plan.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = value
    return result


# Child side.

class _Editor:
    """Chooses the next edit from the document and the RNG, and knows its exact outcome beforehand."""

    def __init__(self, service: Any, rng: random.Random) -> None:
        self.service = service
        self.rng = rng
        self.pending_ids: list[str] = []

    def new_id(self) -> str:
        """Stands in for trouble_mapper.service.new_id so the plan can name the new entity."""
        return self.pending_ids.pop() if self.pending_ids else uuid.uuid4().hex

    def _fresh_id(self) -> str:
        entity_id = uuid.UUID(int=self.rng.getrandbits(128), version=4).hex
        self.pending_ids.append(entity_id)
        return entity_id

    def _position(self) -> tuple[float, float]:
        return round(self.rng.uniform(-2000, 2000), 2), round(self.rng.uniform(-1500, 1500), 2)

    def choose(self, n: int) -> tuple[str, str, State, Callable[[], Any]]:
        """(kind, main id, plan, call) of edit ``n``."""
        doc = self.service.document
        cards = sorted(doc.cards)
        actions = sorted(doc.actions)
        kind = self.rng.choices(EDIT_KINDS, _WEIGHTS)[0]
        if len(cards) < 2:
            kind = "add_card"
        if kind == "delete_card" and len(cards) <= MIN_CARDS_TO_DELETE:
            kind = "edit_text"
        if kind == "action_status" and not actions:
            kind = "add_action"
        if kind == "add_link":
            linked = {(lk.cause_id, lk.effect_id) for lk in doc.links.values()}
            cause_id, effect_id = self.rng.sample(cards, 2)
            if (cause_id, effect_id) not in linked:
                return self._add_link(n, cause_id, effect_id)
            kind = "move_cards"
        return getattr(self, f"_{kind}")(n, doc, cards, actions)

    def _add_card(self, n: int, doc: Any, cards: list[str], actions: list[str]) -> tuple:
        card_kind = self.rng.choice(list(CardKind))
        x, y = self._position()
        text = f"Crash edit {n}: {card_kind.value} {self.rng.randrange(10**6)}"
        card = Card(self._fresh_id(), card_kind, doc.tag_high_water.get(card_kind, 0) + 1,
                    text=text, x=x, y=y)
        plan = {entity_key(card): entity_row(card), counter_key(card_kind): card.number}
        return "add_card", card.id, plan, lambda: self.service.add_card(card_kind, x, y, text)

    def _move_cards(self, n: int, doc: Any, cards: list[str], actions: list[str]) -> tuple:
        chosen = self.rng.sample(cards, min(len(cards), self.rng.randint(1, 3)))
        positions = {cid: self._position() for cid in chosen}
        plan: State = {}
        for cid, (x, y) in positions.items():
            card = doc.cards[cid]
            plan[entity_key(card)] = {**entity_row(card), "x": x, "y": y}
        return "move_cards", chosen[0], plan, lambda: self.service.move_cards(positions)

    def _edit_text(self, n: int, doc: Any, cards: list[str], actions: list[str]) -> tuple:
        card = doc.cards[self.rng.choice(cards)]
        text = f"Edited in edit {n} ({self.rng.randrange(10**6)}): {card.text[:40]}"
        plan = {entity_key(card): {**entity_row(card), "text": text}}
        return "edit_text", card.id, plan, lambda: self.service.update_card(card.id, text=text)

    def _add_link(self, n: int, cause_id: str, effect_id: str) -> tuple:
        link = Link(self._fresh_id(), cause_id, effect_id)
        return ("add_link", link.id, {entity_key(link): entity_row(link)},
                lambda: self.service.add_link(cause_id, effect_id))

    def _delete_card(self, n: int, doc: Any, cards: list[str], actions: list[str]) -> tuple:
        card = doc.cards[self.rng.choice(cards)]
        plan: State = {entity_key(card): None}
        for link in doc.links_of([card.id]):
            plan[entity_key(link)] = None
        for action in doc.actions.values():
            if card.id in action.card_ids:
                kept = [cid for cid in action.card_ids if cid != card.id]
                plan[entity_key(action)] = {**entity_row(action), "card_ids": json.dumps(kept)}
        return "delete_card", card.id, plan, lambda: self.service.delete_cards([card.id])

    def _add_action(self, n: int, doc: Any, cards: list[str], actions: list[str]) -> tuple:
        card_ids = tuple(self.rng.sample(cards, min(len(cards), self.rng.randint(0, 2))))
        action = Action(self._fresh_id(), f"Action of edit {n}", card_ids=card_ids)
        return ("add_action", action.id, {entity_key(action): entity_row(action)},
                lambda: self.service.add_action(action.what, card_ids=card_ids))

    def _action_status(self, n: int, doc: Any, cards: list[str], actions: list[str]) -> tuple:
        from trouble_mapper.domain.rules import allowed_moves

        action = doc.actions[self.rng.choice(actions)]
        status = self.rng.choice(sorted(allowed_moves(action.status)))
        plan = {entity_key(action): {**entity_row(action), "status": status.value}}
        return ("action_status", action.id, plan,
                lambda: self.service.update_action(action.id, status=status))


def _current(document: Any, key: str) -> Any:
    """The value ``key`` has in the document now (None if the entity does not exist)."""
    table, _, key_id = key.partition(":")
    if table == COUNTERS_TABLE:
        return document.tag_high_water.get(CardKind(key_id))
    entity = document.get(ENTITY_OF_TABLE[table], key_id)
    return None if entity is None else entity_row(entity)


def child_main(argv: list[str]) -> int:
    from PySide6.QtCore import QCoreApplication

    import trouble_mapper.service as service_module

    path, seed = Path(argv[0]), int(argv[1])
    limit = int(argv[2]) if len(argv) > 2 else 0
    app = QCoreApplication.instance() or QCoreApplication([])
    workshop_file = open_workshop(path)
    service = service_module.WorkshopService(workshop_file)
    editor = _Editor(service, random.Random(seed))
    service_module.new_id = editor.new_id  # type: ignore[attr-defined]  # ids known before the call
    touched: list[str] = []
    service.changed.connect(lambda changes: touched.extend(entity_key(c.entity) for c in changes))
    failures: list[str] = []
    service.save_failed.connect(failures.append)
    edits = workshop_file.repository.db.execute(
        f"SELECT count(DISTINCT edit) FROM {HISTORY_TABLE}").fetchone()[0]

    def say(line: str) -> None:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()

    say(f"READY {edits}")
    n = 0
    while not limit or n < limit:
        n += 1
        kind, main_id, plan, call = editor.choose(n)
        say(f"BEGIN {n} {kind} {json.dumps(plan, sort_keys=True)}")
        touched.clear()
        call()
        if failures:
            say(f"FAIL {n} {kind} {failures[0]}")
            return 3
        state = {key: _current(service.document, key) for key in plan}
        entity_keys = {key for key in plan if not key.startswith(f"{COUNTERS_TABLE}:")}
        if state != plan or set(touched) != entity_keys:
            say(f"MISMATCH {n} {kind} {json.dumps({'state': state, 'touched': touched})}")
            return 4
        say(f"OK {n} {kind} {main_id} {json.dumps(state, sort_keys=True)}")
    service.close()
    app.quit()
    return 0


# Parent side.

@dataclass
class Report:
    """What the child said: its plans by edit number, which edits it confirmed, and anything else."""

    ready_edits: int | None = None
    plans: dict[int, State] = field(default_factory=dict)
    confirmed: list[int] = field(default_factory=list)
    confirmed_states: dict[int, State] = field(default_factory=dict)
    trouble: list[str] = field(default_factory=list)

    @property
    def in_flight(self) -> State | None:
        """The plan of the edit begun but not confirmed, if the child was killed inside one."""
        last = self.confirmed[-1] if self.confirmed else 0
        return self.plans.get(last + 1)


def parse_report(text: str) -> Report:
    """Read the child's complete lines; a line cut by the kill counts as never written."""
    report = Report()
    lines = text.split("\n")[:-1]  # the piece after the last newline is incomplete
    for line in lines:
        word, _, rest = line.partition(" ")
        if word == "READY":
            report.ready_edits = int(rest)
        elif word == "BEGIN":
            n, _kind, plan = rest.split(" ", 2)
            report.plans[int(n)] = json.loads(plan)
        elif word == "OK":
            n, _kind, _main_id, state = rest.split(" ", 3)
            report.confirmed.append(int(n))
            report.confirmed_states[int(n)] = json.loads(state)
        else:
            report.trouble.append(line)
    expected = list(range(1, len(report.confirmed) + 1))
    if report.confirmed != expected:
        report.trouble.append(f"edits confirmed out of order: {report.confirmed[:10]}...")
    for n in report.confirmed:
        if report.confirmed_states[n] != report.plans.get(n):
            report.trouble.append(f"edit {n}: confirmed state differs from its plan")
    return report


def read_back(path: Path) -> tuple[State, int, str, list[str]]:
    """(state, history edits, integrity_check, problems) of the file, reopened as the app would.

    If open_workshop refuses a file that a crash left behind, that is a problem; the file is then
    recovered the way SQLite does (a writable connection rolls back a hot journal) so that the data
    can still be checked.
    """
    problems: list[str] = []
    try:
        opened = open_workshop(path)
    except WorkshopFileError as error:
        side = sorted(p.name for p in path.parent.iterdir() if p.name != path.name)
        problems.append(f"open_workshop refused the file after a crash: {error} (next to it: {side})")
        conn = sqlite3.connect(path)
        try:
            conn.execute("PRAGMA integrity_check").fetchall()
        finally:
            conn.close()
        opened = open_workshop(path)
    try:
        db = opened.repository.db
        integrity = "; ".join(row[0] for row in db.execute("PRAGMA integrity_check").fetchall())
        edits = db.execute(f"SELECT count(DISTINCT edit) FROM {HISTORY_TABLE}").fetchone()[0]
        return snapshot(opened.document), edits, integrity, problems
    finally:
        opened.close()


def _differences(actual: State, expected: State, limit: int = 4) -> str:
    keys = sorted(k for k in actual.keys() | expected.keys() if actual.get(k) != expected.get(k))
    shown = [f"{k}: file has {actual.get(k)!r}, expected {expected.get(k)!r}" for k in keys[:limit]]
    return f"{len(keys)} differ: " + " | ".join(shown)


@dataclass
class RoundResult:
    """One start-edit-kill-reopen round."""

    confirmed: int = 0
    in_flight_applied: bool | None = None  # None: killed between edits
    problems: list[str] = field(default_factory=list)


def run_child(path: Path, seed: int, delay: float | None, edits: int = 0,
              timeout: float = 60.0) -> tuple[str, int, str]:
    """(stdout, exit status, stderr) of the child editing ``path``.

    With ``delay``, the child is SIGKILLed ``delay`` seconds after it says READY; without, it must
    stop by itself after ``edits`` edits.
    """
    out_path = path.with_name(f"crash-{seed}.out")
    err_path = path.with_name(f"crash-{seed}.err")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    command = [sys.executable, str(HELPER), str(path), str(seed), str(edits)]
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        child = subprocess.Popen(command, stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=env)
    try:
        if delay is None:
            child.wait(timeout)
        else:
            deadline = time.monotonic() + timeout
            while b"\n" not in out_path.read_bytes() and child.poll() is None:
                if time.monotonic() > deadline:
                    raise TimeoutError("the crash helper did not get ready")
                time.sleep(0.005)
            time.sleep(delay)
            child.kill()  # SIGKILL
    finally:
        child.kill()
        child.wait()
        text = out_path.read_text(encoding="utf-8", errors="replace")
        stderr = err_path.read_text(encoding="utf-8", errors="replace").strip()
        out_path.unlink()
        err_path.unlink()
    return text, child.returncode, stderr


def check_file(path: Path, before: State, edits_before: int, report: Report) -> RoundResult:
    """Reopen ``path`` and check it holds ``before`` plus every confirmed edit, plus the one in
    flight wholly or not at all, and nothing else; and that SQLite's integrity_check says ok."""
    result = RoundResult(confirmed=len(report.confirmed))
    expected = before
    for n in report.confirmed:
        expected = apply_plan(expected, report.plans[n])
    after, edits_after, integrity, result.problems = read_back(path)
    if integrity != "ok":
        result.problems.append(f"integrity_check: {integrity}")
    in_flight = report.in_flight
    if after == expected and edits_after == edits_before + result.confirmed:
        result.in_flight_applied = False if in_flight is not None else None
    elif (in_flight is not None and after == apply_plan(expected, in_flight)
          and edits_after == edits_before + result.confirmed + 1):
        result.in_flight_applied = True
    else:
        result.problems.append(
            f"after {result.confirmed} confirmed edits (in flight: {in_flight is not None}) the file "
            f"has {edits_after - edits_before} new edits; {_differences(after, expected)}")
    return result


def crash_round(path: Path, seed: int, delay: float) -> RoundResult:
    """Run the child on ``path``, SIGKILL it ``delay`` s after READY, and check the reopened file."""
    before, edits_before, _, problems = read_back(path)
    text, status, stderr = run_child(path, seed, delay)
    report = parse_report(text)
    if report.ready_edits is None:
        return RoundResult(problems=[*problems, f"helper never opened the file: {stderr[-1500:]}"])
    result = check_file(path, before, edits_before, report)
    result.problems[:0] = problems + report.trouble
    if status != -signal.SIGKILL:
        result.problems.append(f"helper exited with {status} before the kill: {stderr[-1500:]}")
    if report.ready_edits != edits_before:
        result.problems.append(f"helper saw {report.ready_edits} edits, the file had {edits_before}")
    return result


if __name__ == "__main__":
    sys.exit(child_main(sys.argv[1:]))
