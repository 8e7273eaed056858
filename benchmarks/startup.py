"""Cold start: process spawn to the first painted map of a workshop, against a bare PySide6 window.

Both are measured the same way: a child ``python -c LAUNCHER`` creates the QApplication, then either
calls the real entry point ``trouble_mapper.app.main([file])`` with an event filter on the map view's
viewport, or shows a bare QMainWindow with an event filter on it. When the first Paint event reaches
the target a zero-timer fires after that paint has finished; it prints the CLOCK_MONOTONIC time,
which the parent compares with the time it spawned the child. Runs are interleaved (app, bare, app...)
after one discarded warm-up of each. The child's settings go to a throw-away XDG folder.

Also reports whether reportlab (and sqlite_utils) were imported by the time of the first paint, and
the biggest import costs from ``python -X importtime``.

Usage: python -m benchmarks.startup [RUNS]
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.common import EXAMPLE, Figure, build_workshop, median, ms, print_result, result, work_dir

RUNS = 10
TARGET_RATIO = 1.5
TIMEOUT = 60

LAUNCHER = r"""
import json, os, sys, time
if sys.argv[1] == "app":  # the same import order as trouble_mapper.app.main
    from trouble_mapper.app import import_qt_free_layers
    import_qt_free_layers()
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow

mode = sys.argv[1]
app = QApplication([sys.argv[0]])
state = {}

def done():
    stamp = time.monotonic()
    names = sys.modules
    print(json.dumps({
        "t": stamp, "paint_t": state["paint_t"], "modules": len(names),
        "reportlab": any(n == "reportlab" or n.startswith("reportlab.") for n in names),
        "sqlite_utils": "sqlite_utils" in names,
    }), flush=True)
    app.quit()

class FirstPaint(QObject):
    def __init__(self, is_target):
        super().__init__()
        self.is_target = is_target

    def eventFilter(self, obj, event):
        if "paint_t" not in state and event.type() == QEvent.Type.Paint and self.is_target(obj):
            state["paint_t"] = time.monotonic()
            QTimer.singleShot(0, done)  # runs once this paint (and its flush) is over
        return False

if mode == "app":
    # Watch only the map's viewport (an application-wide Python filter would tax every event the
    # richer window sends, which the bare window does not have): hook the view as it is made.
    from trouble_mapper.canvas import view as view_module
    made = view_module.MapView.__init__
    def watched_init(self, *args, **kwargs):
        made(self, *args, **kwargs)
        self._first_paint_watcher = FirstPaint(lambda obj: True)
        self.viewport().installEventFilter(self._first_paint_watcher)
    view_module.MapView.__init__ = watched_init
    from trouble_mapper.app import main
    status = main([sys.argv[2]])
else:
    window = QMainWindow()
    watcher = FirstPaint(lambda obj: obj is window)
    window.installEventFilter(watcher)
    window.resize(1280, 800)
    window.show()
    status = app.exec()
sys.stdout.flush()
os._exit(status)
"""


def workshop_copy(folder: Path) -> tuple[Path, str]:
    """A copy of the bundled example (never the bundled file itself), or a similar one built here."""
    target = folder / "Packaging line 4.troublemap"
    if EXAMPLE.exists():
        shutil.copyfile(EXAMPLE, target)
        return target, "copy of resources/examples/packaging_line_4.troublemap"
    build_workshop(target, cards=30, links=26, actions=8, background=(2400, 1350),
                   title="Packaging line 4")
    return target, "built: 30 cards, 26 links, 8 actions, 2400x1350 PNG background (example not found)"


def child_env(folder: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        env[name] = str(folder / name.lower())
    return env


def launch(mode: str, workshop: Path, env: dict[str, str], *, importtime: bool = False) -> dict:
    """Spawn one child; its report plus ``ms`` (spawn to first finished paint) and ``stderr``."""
    args = [sys.executable, *(["-X", "importtime"] if importtime else []), "-c", LAUNCHER, mode,
            str(workshop)]
    started = time.monotonic()
    process = subprocess.run(args, capture_output=True, text=True, env=env, timeout=TIMEOUT, check=False)
    lines = [line for line in process.stdout.splitlines() if line.startswith("{")]
    if process.returncode != 0 or not lines:
        raise RuntimeError(f"{mode} start-up child failed (exit {process.returncode}):\n"
                           f"{process.stdout}\n{process.stderr[-3000:]}")
    report = json.loads(lines[-1])
    report["ms"] = (report["t"] - started) * 1000
    report["paint_ms"] = (report["t"] - report["paint_t"]) * 1000
    report["stderr"] = process.stderr
    return report


def import_costs(stderr: str, count: int = 10) -> list[str]:
    """The ``count`` biggest import costs, from ``-X importtime`` output, as lines to print.

    Self times are summed per third-party package (sqlite_utils.db counts as sqlite_utils) and kept per
    module for trouble_mapper; each line says which import pulled the package in (the biggest one).
    """
    entries = []  # (self us, cumulative us, depth, name), in importtime's order (children first)
    for line in stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        self_us, cumulative_us, name = line[len("import time:"):].split("|")
        entries.append((int(self_us), int(cumulative_us), (len(name) - len(name.lstrip())) // 2,
                        name.strip()))

    def group(name: str) -> str:
        return name if name.startswith("trouble_mapper") else name.split(".")[0]

    totals: dict[str, int] = {}  # self time per group
    reached: dict[str, int] = {}  # cumulative time of the imports that entered the group from outside it
    first_via: dict[str, tuple[int, str]] = {}  # (cumulative, importer) of the biggest such import
    stack: list[tuple[int, str]] = []  # ancestors of the entry being read, walking backwards
    for self_us, cumulative_us, depth, name in reversed(entries):
        while stack and stack[-1][0] >= depth:
            stack.pop()
        key = group(name)
        totals[key] = totals.get(key, 0) + self_us
        if all(group(n) != key for _, n in stack):  # an entry point into the group
            reached[key] = reached.get(key, 0) + cumulative_us
            if cumulative_us > first_via.get(key, (-1, ""))[0]:
                outside = [n for _, n in reversed(stack)]
                first_via[key] = (cumulative_us, " <- ".join(outside[:2]) if outside else "top level")
        stack.append((depth, name))
    total = sum(totals.values())
    lines = [f"all imports: {total / 1000:.0f} ms; biggest, as self time per package "
             "(per module for trouble_mapper):"]
    for key in sorted(totals, key=lambda k: -totals[k])[:count]:
        lines.append(f"  {totals[key] / 1000:6.1f} ms  {key}  (with what it imports "
                     f"{reached[key] / 1000:.0f} ms; imported by {first_via[key][1]})")
    return lines


def main(runs: int = RUNS) -> dict:
    folder = work_dir("startup-")
    try:
        workshop, source = workshop_copy(folder)
        env = child_env(folder)
        launch("app", workshop, env)  # warm-ups: page cache, font cache, .pyc files
        launch("bare", workshop, env)
        app_runs, bare_runs = [], []
        for _ in range(runs):
            app_runs.append(launch("app", workshop, env))
            bare_runs.append(launch("bare", workshop, env))
        traced = launch("app", workshop, env, importtime=True)
        traced_bare = launch("bare", workshop, env, importtime=True)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    app_ms = median([r["ms"] for r in app_runs])
    bare_ms = median([r["ms"] for r in bare_runs])
    ratio = app_ms / bare_ms
    reportlab = any(r["reportlab"] for r in app_runs)
    sqlite_utils = any(r["sqlite_utils"] for r in app_runs)
    app_list = ", ".join(f"{r['ms']:.0f}" for r in app_runs)
    bare_list = ", ".join(f"{r['ms']:.0f}" for r in bare_runs)
    notes = [
        f"workshop: {source}",
        f"runs: {runs} of each, interleaved; app {app_list} ms; bare {bare_list} ms",
        f"app first paint itself (Paint event to end of paint): "
        f"{median([r['paint_ms'] for r in app_runs]):.1f} ms median; modules loaded: "
        f"{app_runs[-1]['modules']} (bare window: {bare_runs[-1]['modules']})",
        f"top import costs of the app (python -X importtime, one run; the bare window's imports: "
        f"{import_costs(traced_bare['stderr'])[0].split(';')[0].split(': ')[1]}):",
        *import_costs(traced["stderr"]),
    ]
    figures = [
        Figure("cold start to first painted map (median)", ms(app_ms), f"bare window {ms(bare_ms)}"),
        Figure("cold start ratio app / bare window", f"{ratio:.2f}x", f"bare {ms(bare_ms)}",
               f"<= {TARGET_RATIO}x", ratio <= TARGET_RATIO),
        Figure("reportlab imported at start-up", "yes" if reportlab else "no", "", "not imported",
               not reportlab),
        Figure("sqlite_utils imported at start-up", "yes" if sqlite_utils else "no", "", "(info)"),
    ]
    return result(figures, notes, app_ms=app_ms, bare_ms=bare_ms, ratio=ratio)


if __name__ == "__main__":
    print_result("Cold start", main(int(sys.argv[1]) if len(sys.argv) > 1 else RUNS))
