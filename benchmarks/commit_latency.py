"""Per-edit commit latency: realistic single edits through WorkshopService, each durably committed.

The workshop file lives under benchmarks/out/ (the repository's disk, so every commit pays a real
fsync). Edits are a seeded mix of add card, move 1 card, move 3 cards, edit card text, add link and
edit action (text or status), each timed from the service call to its return (the command has been
pushed, the file committed with synchronous=FULL, the document updated and ``changed`` emitted).
Interleaved with them, the baseline: a bare sqlite3 INSERT + COMMIT of a similar row into a similar
table, journal_mode=DELETE and synchronous=FULL, in a file in the same folder.

For information (no target), the same kind of edits on a 2,000-card map with a MapScene listening to
the service, as in the app: what an edit costs once the map has reacted to it.

Usage: python -m benchmarks.commit_latency [EDITS]
"""

from __future__ import annotations

import random
import shutil
import sqlite3
import sys
import time
from collections import defaultdict
from pathlib import Path

from benchmarks.common import Figure, build_workshop, median, ms, p95, print_result, qt_app, result, work_dir

EDITS = 500
SCENE_EDITS = 200
SCENE_CARDS = 2000
WARM_UP = 20
TARGET_P95_MS = 2.0
EDIT_WEIGHTS = {"add_card": 20, "move_1": 25, "move_3": 15, "edit_text": 20, "add_link": 10,
                "edit_action": 10}


class Baseline:
    """A bare SQLite table written one row per transaction, as durably as the app's file."""

    def __init__(self, path: Path) -> None:
        self.conn = sqlite3.connect(path, isolation_level=None)
        self.conn.execute("PRAGMA journal_mode = DELETE")
        self.conn.execute("PRAGMA synchronous = FULL")
        self.conn.execute("CREATE TABLE cards (id TEXT PRIMARY KEY, kind TEXT, number INTEGER, text TEXT, "
                          "x REAL, y REAL, width REAL, height REAL, votes INTEGER, scores TEXT)")
        self.number = 0

    def insert(self) -> float:
        """Milliseconds for one INSERT + COMMIT."""
        self.number += 1
        row = (f"{self.number:032x}", "trouble", self.number, "Bottles jam at the infeed star wheel",
               100.0 + self.number, 200.0, 180.0, 110.0, 0, '{"impact": null}')
        start = time.perf_counter_ns()
        self.conn.execute("BEGIN")
        self.conn.execute("INSERT INTO cards VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", row)
        self.conn.execute("COMMIT")
        return (time.perf_counter_ns() - start) / 1e6

    def close(self) -> None:
        self.conn.close()


class EditStream:
    """Chooses and makes realistic single edits on an open workshop through its service."""

    def __init__(self, service, seed: int = 7) -> None:
        self.service = service
        self.rng = random.Random(seed)
        self.linked = {(lk.cause_id, lk.effect_id) for lk in service.document.links.values()}

    def next_kind(self) -> str:
        return self.rng.choices(list(EDIT_WEIGHTS), weights=list(EDIT_WEIGHTS.values()))[0]

    def make(self, kind: str):
        """A zero-argument callable making one edit of ``kind`` (all choices made beforehand)."""
        from trouble_mapper.domain import rules
        from trouble_mapper.domain.vocabulary import CardKind

        rng, service, doc = self.rng, self.service, self.service.document
        card_ids = list(doc.cards)
        if kind == "add_card":
            card_kind = rng.choice(list(CardKind))
            x, y = rng.uniform(0, 2400), rng.uniform(0, 1350)
            return lambda: service.add_card(card_kind, x, y, "Film sealer too hot after changeover")
        if kind in ("move_1", "move_3"):
            chosen = rng.sample(card_ids, 1 if kind == "move_1" else 3)
            dx, dy = rng.uniform(-80, 80), rng.uniform(-80, 80)
            positions = {cid: (doc.cards[cid].x + dx, doc.cards[cid].y + dy) for cid in chosen}
            return lambda: service.move_cards(positions)
        if kind == "edit_text":
            card_id = rng.choice(card_ids)
            text = f"{doc.cards[card_id].text.split(' (')[0]} ({rng.randint(1, 10**6)})"
            return lambda: service.update_card(card_id, text=text)
        if kind == "add_link":
            while True:
                cause, effect = rng.sample(card_ids, 2)
                if (cause, effect) not in self.linked:
                    break
            self.linked.add((cause, effect))
            return lambda: service.add_link(cause, effect)
        if kind == "edit_action":
            action = doc.actions[rng.choice(list(doc.actions))]
            if rng.random() < 0.5:
                status = rng.choice(sorted(rules.allowed_moves(action.status)))
                return lambda: service.update_action(action.id, status=status)
            what = f"{action.what.split(' (')[0]} ({rng.randint(1, 10**6)})"
            return lambda: service.update_action(action.id, what=what)
        raise ValueError(kind)


def timed_edits(stream: EditStream, count: int) -> tuple[list[float], dict[str, list[float]]]:
    """Make ``WARM_UP + count`` edits; the times of the last ``count``, in all and by kind."""
    took_ms: list[float] = []
    by_kind: dict[str, list[float]] = defaultdict(list)
    for index in range(WARM_UP + count):
        kind = stream.next_kind()
        edit = stream.make(kind)
        start = time.perf_counter_ns()
        edit()
        took = (time.perf_counter_ns() - start) / 1e6
        if index >= WARM_UP:
            took_ms.append(took)
            by_kind[kind].append(took)
    return took_ms, by_kind


def with_scene(folder: Path, count: int = SCENE_EDITS) -> list[float]:
    """Edit times on a large map whose MapScene follows the service, as in the app."""
    from trouble_mapper.canvas.scene import MapScene
    from trouble_mapper.service import WorkshopService
    from trouble_mapper.storage.workshop_file import open_workshop

    built = build_workshop(folder / "Large.troublemap", cards=SCENE_CARDS, links=SCENE_CARDS, actions=40)
    service = WorkshopService(open_workshop(built.path))
    scene = MapScene(service)
    try:
        return timed_edits(EditStream(service, seed=11), count)[0]
    finally:
        service.close()
        del scene


def main(edits: int = EDITS) -> dict:
    qt_app()
    from trouble_mapper.service import WorkshopService
    from trouble_mapper.storage.workshop_file import open_workshop

    folder = work_dir("commit-")
    try:
        built = build_workshop(folder / "Line 4.troublemap", cards=300, links=300, actions=40)
        opened = open_workshop(built.path)
        service = WorkshopService(opened)
        failures: list[str] = []
        service.save_failed.connect(failures.append)
        write_ms: list[float] = []
        repository = opened.repository
        real_write = repository.write

        def timed_write(*args, **kwargs):  # how much of an edit is the repository's transaction
            start = time.perf_counter_ns()
            try:
                return real_write(*args, **kwargs)
            finally:
                write_ms.append((time.perf_counter_ns() - start) / 1e6)

        repository.write = timed_write  # type: ignore[method-assign]
        baseline = Baseline(folder / "baseline.sqlite")
        stream = EditStream(service)
        by_kind: dict[str, list[float]] = defaultdict(list)
        edit_ms: list[float] = []
        base_ms: list[float] = []
        for index in range(WARM_UP + edits):
            kind = stream.next_kind()
            edit = stream.make(kind)
            start = time.perf_counter_ns()
            edit()
            took = (time.perf_counter_ns() - start) / 1e6
            base = baseline.insert()
            if index >= WARM_UP:
                edit_ms.append(took)
                by_kind[kind].append(took)
                base_ms.append(base)
        write_ms = write_ms[WARM_UP:]
        history_rows = repository.db.execute("SELECT count(*) FROM history").fetchone()[0]
        baseline.close()
        service.close()
        scene_ms = with_scene(folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    edit_p95, base_p95 = p95(edit_ms), p95(base_ms)
    notes = [
        f"workshop: {len(built.card_ids)} cards, {built.link_count} links, {len(built.action_ids)} actions; "
        f"{edits} timed edits after {WARM_UP} warm-up; history rows at the end: {history_rows}",
        "per kind (n, median, p95): " + "; ".join(
            f"{kind} {len(v)}, {median(v):.2f}, {p95(v):.2f} ms" for kind, v in sorted(by_kind.items())),
        f"Repository.write alone: median {median(write_ms):.2f} ms, p95 {p95(write_ms):.2f} ms; "
        f"bare INSERT+COMMIT: median {median(base_ms):.2f} ms, p95 {base_p95:.2f} ms",
    ]
    if failures:
        notes.append(f"SAVE FAILURES: {len(failures)}: {failures[0]}")
    figures = [
        Figure("edit commit latency, median", ms(median(edit_ms)), f"sqlite3 {ms(median(base_ms))}"),
        Figure("edit commit latency, p95", ms(edit_p95), f"sqlite3 {ms(base_p95)}",
               f"<= {TARGET_P95_MS:g} ms", edit_p95 <= TARGET_P95_MS and not failures),
        Figure(f"edit + map update, {SCENE_CARDS}-card map, median", ms(median(scene_ms)), "", "(info)"),
        Figure(f"edit + map update, {SCENE_CARDS}-card map, p95", ms(p95(scene_ms)), "", "(info)"),
    ]
    return result(figures, notes, edit_median_ms=median(edit_ms), edit_p95_ms=edit_p95,
                  base_median_ms=median(base_ms), base_p95_ms=base_p95)


if __name__ == "__main__":
    print_result("Per-edit commit latency", main(int(sys.argv[1]) if len(sys.argv) > 1 else EDITS))
