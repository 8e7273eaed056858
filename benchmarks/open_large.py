"""Opening a large workshop: 2,000 cards, 2,000 links and 200 actions.

The file is built once under benchmarks/out/ (in batches through Repository.write, so it has a history
row per entity as a real file would). Then:

* ``open_workshop`` (header check, edit lock, quick_check, load into a WorkshopDocument), then close,
  timed ``OPENS`` times; baseline in the same run: a bare sqlite3 connection reading every row of every
  entity table (no checks, no objects built).
* In the GUI: a shown MainWindow's ``open_path(file)``, which returns once the MapScene is built and the
  view fitted, and separately until the map's viewport has finished its first paint.

Usage: python -m benchmarks.open_large [OPENS]
"""

from __future__ import annotations

import shutil
import sqlite3
import sys
import time
from pathlib import Path

from benchmarks.common import Figure, build_workshop, median, ms, print_result, qt_app, result, work_dir

OPENS = 10
GUI_OPENS = 5
TARGET_OPEN_MS = 300.0
CARDS, LINKS, ACTIONS = 2000, 2000, 200


def raw_read(path: Path) -> int:
    """Every row of every entity table through a bare sqlite3 connection: the floor for loading."""
    from trouble_mapper.storage.codec import CODECS

    conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        return sum(len(conn.execute(f'SELECT * FROM "{codec.table}"').fetchall())
                   for codec in CODECS.values())
    finally:
        conn.close()


def quick_check(path: Path) -> None:
    conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        assert conn.execute("PRAGMA quick_check").fetchall() == [("ok",)]
    finally:
        conn.close()


def time_open(path: Path) -> tuple[float, float]:
    """(ms for open_workshop, ms of that spent in Repository.load) for one open; the file is closed."""
    from trouble_mapper.storage import repository as repository_module
    from trouble_mapper.storage.workshop_file import open_workshop

    load_ms: list[float] = []
    real_load = repository_module.Repository.load

    def timed_load(self):
        start = time.perf_counter_ns()
        try:
            return real_load(self)
        finally:
            load_ms.append((time.perf_counter_ns() - start) / 1e6)

    repository_module.Repository.load = timed_load  # type: ignore[method-assign]
    try:
        start = time.perf_counter_ns()
        opened = open_workshop(path)
        took = (time.perf_counter_ns() - start) / 1e6
    finally:
        repository_module.Repository.load = real_load  # type: ignore[method-assign]
    assert len(opened.document.cards) == CARDS and len(opened.document.links) >= LINKS - 1
    opened.close()
    return took, load_ms[0]


def gui_opens(path: Path, runs: int) -> tuple[list[float], list[float]]:
    """(ms for open_path, ms until the map's first paint had finished) for each of ``runs`` opens."""
    from PySide6.QtCore import QCoreApplication, QEvent, QObject

    from trouble_mapper.ui.main_window import MainWindow

    app = qt_app()

    class PaintWatch(QObject):
        painted = False

        def eventFilter(self, obj, event):
            if event.type() == QEvent.Type.Paint:
                self.painted = True
            return False

    window = MainWindow()
    window.show()
    app.processEvents()
    open_ms, paint_ms = [], []
    for run in range(runs + 1):  # the first one warms fonts and caches up and is not counted
        start = time.perf_counter_ns()
        assert window.open_path(path)
        opened = (time.perf_counter_ns() - start) / 1e6
        assert window.view is not None and len(window.view.map_scene().cards) == CARDS
        watch = PaintWatch()
        window.view.viewport().installEventFilter(watch)
        deadline = time.monotonic() + 30
        while not watch.painted and time.monotonic() < deadline:
            app.processEvents()
        painted = (time.perf_counter_ns() - start) / 1e6
        window.view.viewport().removeEventFilter(watch)
        if run:
            open_ms.append(opened)
            paint_ms.append(painted)
        window.close_workshop()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        app.processEvents()
    window.close()
    window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    return open_ms, paint_ms


def main(opens: int = OPENS) -> dict:
    qt_app()
    folder = work_dir("open-large-")
    try:
        built = build_workshop(folder / "Large.troublemap", cards=CARDS, links=LINKS, actions=ACTIONS)
        size_mb = built.path.stat().st_size / 1e6
        time_open(built.path)  # warm-up
        raw_read(built.path)
        open_ms, load_ms, raw_ms, check_ms = [], [], [], []
        for _ in range(opens):
            took, loading = time_open(built.path)
            open_ms.append(took)
            load_ms.append(loading)
            start = time.perf_counter_ns()
            rows = raw_read(built.path)
            raw_ms.append((time.perf_counter_ns() - start) / 1e6)
            start = time.perf_counter_ns()
            quick_check(built.path)
            check_ms.append((time.perf_counter_ns() - start) / 1e6)
        gui_open_ms, gui_paint_ms = gui_opens(built.path, GUI_OPENS)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    open_median = median(open_ms)
    notes = [
        f"file: {CARDS} cards, {built.link_count} links, {ACTIONS} actions, {len(built.person_ids)} people; "
        f"{size_mb:.1f} MB; built in {built.build_ms:.0f} ms; {rows} entity rows",
        f"open_workshop runs: {', '.join(f'{v:.0f}' for v in open_ms)} ms; of which Repository.load "
        f"median {median(load_ms):.1f} ms; quick_check alone median {median(check_ms):.1f} ms",
        f"GUI open_path runs: {', '.join(f'{v:.0f}' for v in gui_open_ms)} ms; to first paint: "
        f"{', '.join(f'{v:.0f}' for v in gui_paint_ms)} ms",
    ]
    figures = [
        Figure(f"open_workshop, {CARDS} cards + {LINKS} links (median)", ms(open_median),
               f"raw sqlite3 read {ms(median(raw_ms))}", f"<= {TARGET_OPEN_MS:.0f} ms",
               open_median <= TARGET_OPEN_MS),
        Figure("GUI open_path until scene built (median)", ms(median(gui_open_ms))),
        Figure("GUI open_path until map painted (median)", ms(median(gui_paint_ms))),
    ]
    return result(figures, notes, open_median_ms=open_median, gui_open_ms=median(gui_open_ms),
                  gui_paint_ms=median(gui_paint_ms))


if __name__ == "__main__":
    print_result("Open a large workshop", main(int(sys.argv[1]) if len(sys.argv) > 1 else OPENS))
