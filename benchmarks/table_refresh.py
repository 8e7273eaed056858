"""Table refresh: one edit on a 2,000-card, 2,000-action workshop with the register and plan showing.

Each edit (card text, or action status, alternately; half on rows in view, half anywhere) is timed from
the service call to the end of the event processing that follows it: the file committed, both table
models updated from ``service.changed`` and the visible table's viewport repainted. The baseline, in
the same run: the same kinds of edit with no tables listening (service call plus event processing).

Usage: python -m benchmarks.table_refresh [EDITS]
"""

from __future__ import annotations

import random
import shutil
import sys
import time
from collections.abc import Callable

from benchmarks.common import Figure, build_workshop, median, ms, p95, print_result, qt_app, result, work_dir

CARDS = 2000
ACTIONS = 2000
EDITS = 200
WARM_UP = 10
TARGET_MS = 16.0


class PaintCounter:
    """Counts paint events of a widget (to know the viewport was repainted)."""

    def __init__(self, widget) -> None:
        from PySide6.QtCore import QEvent, QObject

        class Filter(QObject):
            def eventFilter(inner, watched, event) -> bool:
                if event.type() == QEvent.Type.Paint:
                    self.count += 1
                return False

        self.count = 0
        self._filter = Filter()
        widget.installEventFilter(self._filter)


class Edits:
    """Seeded single edits: card text in the register, action status in the plan."""

    def __init__(self, service, panel, seed: int) -> None:
        self.service, self.panel, self.rng = service, panel, random.Random(seed)

    def visible_ids(self, proxy, model, id_of: Callable[[int], str]) -> list[str]:
        rows = range(min(20, proxy.rowCount()))
        return [id_of(proxy.mapToSource(proxy.index(row, 0)).row()) for row in rows]

    def card_text(self) -> Callable[[], object]:
        doc, panel = self.service.document, self.panel
        if panel is not None and self.rng.random() < 0.5:
            card_id = self.rng.choice(self.visible_ids(panel.register_proxy, panel.register_model,
                                                       panel.register_model.card_id))
        else:
            card_id = self.rng.choice(list(doc.cards))
        text = f"{doc.cards[card_id].text.split(' (')[0]} ({self.rng.randint(1, 10**6)})"
        return lambda: self.service.update_card(card_id, text=text)

    def action_status(self) -> Callable[[], object]:
        from trouble_mapper.domain import rules

        doc, panel = self.service.document, self.panel
        if panel is not None and self.rng.random() < 0.5:
            action_id = self.rng.choice(self.visible_ids(panel.action_proxy, panel.action_model,
                                                         panel.action_model.action_id))
        else:
            action_id = self.rng.choice(list(doc.actions))
        status = self.rng.choice(sorted(rules.allowed_moves(doc.actions[action_id].status)))
        return lambda: self.service.update_action(action_id, status=status)


def run(app, edits: Edits, count: int, show_tab: Callable[[int], None],
        paints: Callable[[], int] = lambda: 0) -> dict[str, list[float]]:
    """Time ``WARM_UP + count`` edits (each followed by event processing); the last ``count`` by kind.

    Under "call": the service call alone (file committed, models updated: their slots are direct);
    under "repainted": the times of the edits during which the visible viewport was painted.
    """
    times: dict[str, list[float]] = {"card text": [], "action status": [], "call": [], "repainted": []}
    for index in range(WARM_UP + count):
        kind = "card text" if index % 2 == 0 else "action status"
        show_tab(0 if kind == "card text" else 1)
        app.processEvents()
        edit = edits.card_text() if kind == "card text" else edits.action_status()
        painted_before = paints()
        start = time.perf_counter_ns()
        edit()
        called = time.perf_counter_ns()
        app.processEvents()
        took = (time.perf_counter_ns() - start) / 1e6
        if index >= WARM_UP:
            times[kind].append(took)
            times["call"].append((called - start) / 1e6)
            if paints() > painted_before:
                times["repainted"].append(took)
    return times


def main(count: int = EDITS) -> dict:
    app = qt_app()
    from trouble_mapper.service import WorkshopService
    from trouble_mapper.storage.workshop_file import open_workshop
    from trouble_mapper.ui.tables import TablesPanel

    folder = work_dir("tables-")
    try:
        built = build_workshop(folder / "Large.troublemap", cards=CARDS, links=CARDS, actions=ACTIONS)
        service = WorkshopService(open_workshop(built.path))
        panel = TablesPanel()
        panel.resize(1400, 900)
        started = time.perf_counter()
        panel.set_service(service)
        panel.show()
        app.processEvents()
        load_ms = (time.perf_counter() - started) * 1000
        counters = PaintCounter(panel.register_view.viewport()), PaintCounter(panel.action_view.viewport())
        with_tables = run(app, Edits(service, panel, seed=3), count, panel.tabs.setCurrentIndex,
                          lambda: sum(counter.count for counter in counters))
        panel.set_service(None)
        panel.hide()
        baseline = run(app, Edits(service, None, seed=5), count, lambda tab: None)
        service.close()
        panel.deleteLater()
        app.processEvents()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return report(with_tables, baseline, load_ms, count)


def report(with_tables: dict[str, list[float]], baseline: dict[str, list[float]], load_ms: float,
           count: int) -> dict:
    every = with_tables["card text"] + with_tables["action status"]
    repainted = with_tables.pop("repainted")
    baseline.pop("repainted")
    base = baseline["card text"] + baseline["action status"]
    worst = p95(every)
    notes = [
        f"workshop: {CARDS} cards, {CARDS} links, {ACTIONS} actions; {count} timed edits after {WARM_UP} "
        f"warm-up, half on rows in view; tables loaded and shown in {ms(load_ms)}",
        f"edits that repainted the visible table: {len(repainted)}"
        + (f" (median {median(repainted):.2f} ms, p95 {p95(repainted):.2f} ms)" if repainted else ""),
        "with tables (median, p95): " + "; ".join(
            f"{kind} {median(v):.2f}, {p95(v):.2f} ms" for kind, v in with_tables.items()),
        "without tables (median, p95): " + "; ".join(
            f"{kind} {median(v):.2f}, {p95(v):.2f} ms" for kind, v in baseline.items()),
        "(call = the service call alone: commit + models updated, before the repaint)",
    ]
    figures = [
        Figure("edit + both tables refreshed + repaint, median", ms(median(every)),
               f"no tables {ms(median(base))}"),
        Figure("edit + both tables refreshed + repaint, p95", ms(worst), f"no tables {ms(p95(base))}",
               f"<= {TARGET_MS:g} ms", worst <= TARGET_MS),
    ]
    return result(figures, notes, median_ms=median(every), p95_ms=worst, base_median_ms=median(base))


if __name__ == "__main__":
    print_result("Table refresh", main(int(sys.argv[1]) if len(sys.argv) > 1 else EDITS))
