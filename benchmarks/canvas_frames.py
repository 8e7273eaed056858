"""Canvas frame times: repainting the map at fit-all and panning at 100 %, against plain Qt items.

For 300 and for 2,000 cards (about one cause link each, no zones, no background picture; built under
benchmarks/out/ with a fixed seed) the workshop is opened the way the app does it:
``WorkshopService(open_workshop(path))``, ``MapScene(service)``, ``MapView(scene)`` shown as a top-level
window whose viewport is exactly 1920x1080 (offscreen platform). Timing starts once
``scene.background_pending`` is False.

Baseline in the same run: a plain QGraphicsScene with, per card, a QGraphicsRectItem (same size, fill and
border pen) with a child QGraphicsSimpleTextItem (tag and text), and per link a QGraphicsLineItem between
the card centres; a plain QGraphicsView with MapView's render hints and viewport update mode (read from
the live MapView), the same scene rect and the same transform and scroll position, also at 1920x1080.
App and plain frames are interleaved one by one.

A frame is ``viewport().repaint()``, which paints synchronously; an event filter counts the Paint events
that reach the viewport and every timed frame must have delivered exactly one. Frames:

* fit-all: after ``view.fit_all()`` (the plain view copies the resulting transform and scroll position).
  "first" = the first repaint after fit_all(), each round coming from a painted view zoomed out by 10 %
  (so per-item device caches are stale); "repeated" = a repaint of an unchanged view (caches may
  apply); "after scene.update()" = a repaint right after ``scene.update()``.
* pan at 100 %: zoomed to 1:1 through MapView's own zoom method when it has one (so the scene hears of
  the scale, for its level of detail), then the transform reset to exactly 1:1 and centred on the map;
  each step moves the horizontal scroll bar by 40 px (alternately right and left) and repaints the
  whole viewport, timed from the scroll to the end of the repaint. The app's own path (the scroll's
  posted update delivered, which repaints only the exposed strip) is timed too, for information.

Both views keep both scroll bars on (the app's MapView instance too), so the viewport stays 1920x1080
whatever the zoom and MapView never refits itself on a resize during the measurement. Series stop early
(after MIN_SAMPLES) when over their time budget, so a slow canvas still finishes in well under a minute.

Usage: python -m benchmarks.canvas_frames
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from benchmarks.common import Figure, build_workshop, median, ms, p95, print_result, qt_app, result, work_dir

SIZES = (300, 2000)
VIEWPORT = (1920, 1080)
SEED = 7
FIRST_ROUNDS = 10  # first frames after fit-all (each from a view painted at another zoom)
REPEATED_FRAMES = 30
UPDATE_FRAMES = 10
PAN_STEPS = 30
MIN_SAMPLES = 5  # a series stops early once it has these and has used its time budget (seconds):
FIRST_SECONDS, REPEATED_SECONDS, UPDATE_SECONDS, PAN_SECONDS = 4.0, 3.0, 2.0, 2.0
PAN_PX = 40
TARGET_FRAME_MS = 16.7
TARGET_RATIO = 0.5
TARGET_PAN_MS = 8.0
BACKGROUND_TIMEOUT = 20.0

# The plain baseline's colours, by card kind value: the canvas palette's when it can be read, else these.
KIND_COLOURS = {
    "trouble": ("#FCE3CF", "#D55E00"),
    "cause": ("#D3E6F5", "#0072B2"),
    "countermeasure": ("#CFEEE2", "#007A5E"),
    "note": ("#F6F1C7", "#7A7320"),
}
LINK_COLOUR = "#333333"


@dataclass
class Side:
    """One view under test (the app's MapView or the plain QGraphicsView) and its timings."""

    name: str
    view: Any
    scene: Any
    paints: Any  # PaintCounter on the viewport
    cards: list[Any]  # the card items (the plain side: the rectangles)
    times: dict[str, list[float]] = field(default_factory=dict)

    def add(self, key: str, value: float) -> None:
        self.times.setdefault(key, []).append(value)


def make_paint_counter() -> Any:
    from PySide6.QtCore import QEvent, QObject

    class PaintCounter(QObject):
        """Counts Paint events reaching the object it filters (the viewport)."""

        count = 0
        region_px = 0  # painted area of the last Paint event

        def eventFilter(self, obj: Any, event: Any) -> bool:
            if event.type() == QEvent.Type.Paint:
                self.count += 1
                self.region_px = sum(r.width() * r.height() for r in event.region())
            return False

    return PaintCounter()


def fixed_scroll_bars(view: Any) -> None:
    """Both scroll bars always shown, so the viewport keeps its size at every zoom (no refit on resize)."""
    from PySide6.QtCore import Qt

    view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
    view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)


def settle_viewport(view: Any, app: Any, keep: Callable[[], None] | None = None) -> None:
    """Resize the top-level view until its viewport is exactly VIEWPORT (scroll bars come and go).

    ``keep`` re-applies the wanted transform after each resize (MapView refits itself on resize).
    """
    from PySide6.QtCore import QSize

    wanted = QSize(*VIEWPORT)
    for _ in range(10):
        if keep is not None:
            keep()
        app.processEvents()
        size = view.viewport().size()
        if size == wanted:
            return
        view.resize(view.size() + wanted - size)
        app.processEvents()
    raise AssertionError(f"{type(view).__name__} viewport is {view.viewport().size()}, wanted {wanted}")


def frame(side: Side, before: Callable[[], None] | None = None) -> float:
    """ms for ``before()`` (if any) plus one synchronous full repaint of the viewport; checks it painted."""
    viewport = side.view.viewport()
    assert viewport.size().toTuple() == VIEWPORT, f"{side.name} viewport is {viewport.size()}"
    painted = side.paints.count
    start = time.perf_counter_ns()
    if before is not None:
        before()
    viewport.repaint()
    took = (time.perf_counter_ns() - start) / 1e6
    delivered = side.paints.count - painted
    assert delivered == 1, f"{side.name}: repaint() delivered {delivered} Paint events, expected 1"
    return took


def flushed_frame(side: Side, app: Any, before: Callable[[], None]) -> tuple[float, int, bool]:
    """(ms for ``before()`` plus delivering the update it asked for, painted area in px, whether the event
    loop had to deliver it): the app's own path, where only what the scroll exposed is painted."""
    from PySide6.QtCore import QCoreApplication, QEvent

    painted = side.paints.count
    start = time.perf_counter_ns()
    before()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.UpdateRequest)
    fallback = side.paints.count == painted
    deadline = time.monotonic() + 2
    while side.paints.count == painted and time.monotonic() < deadline:  # not a posted UpdateRequest
        app.processEvents()
    took = (time.perf_counter_ns() - start) / 1e6
    assert side.paints.count > painted, f"{side.name}: the scroll's update never painted"
    return took, side.paints.region_px, fallback


def baseline_colours() -> dict[str, tuple[str, str]]:
    """(fill, border) per card kind value, from trouble_mapper.canvas.palette if it still has them."""
    try:
        from trouble_mapper.canvas import palette

        return {str(kind.value): (fill.name(), border.name())
                for kind, (fill, border) in palette.KIND_COLOURS.items()}
    except Exception:  # the canvas is being rewritten: its palette may have moved
        return dict(KIND_COLOURS)


def plain_side(app_side: Side, document: Any, app: Any) -> Side:
    """The baseline scene and view, matching the app's scene rect, hints and update mode."""
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QBrush, QColor, QFont, QPen
    from PySide6.QtWidgets import (
        QGraphicsLineItem,
        QGraphicsRectItem,
        QGraphicsScene,
        QGraphicsSimpleTextItem,
        QGraphicsView,
    )

    scene = QGraphicsScene()
    font = QFont("Sans Serif", 11)
    brushes = {kind: (QBrush(QColor(fill)), QPen(QColor(border), 2))
               for kind, (fill, border) in (KIND_COLOURS | baseline_colours()).items()}
    centres, rects = {}, []
    for card in document.cards.values():
        brush, pen = brushes[str(card.kind.value)]
        rect = QGraphicsRectItem(0, 0, card.width, card.height)
        rect.setPos(card.x, card.y)
        rect.setBrush(brush)
        rect.setPen(pen)
        text = QGraphicsSimpleTextItem(f"{card.tag}\n{card.text}", rect)
        text.setFont(font)
        text.setPos(8, 4)
        scene.addItem(rect)
        rects.append(rect)
        centres[card.id] = QPointF(card.x + card.width / 2, card.y + card.height / 2)
    link_pen = QPen(QColor(LINK_COLOUR), 2.5)
    for link in document.links.values():
        line = QGraphicsLineItem(centres[link.cause_id].x(), centres[link.cause_id].y(),
                                 centres[link.effect_id].x(), centres[link.effect_id].y())
        line.setPen(link_pen)
        line.setZValue(-10)
        scene.addItem(line)
    scene.setSceneRect(app_side.scene.sceneRect())
    view = QGraphicsView(scene)
    view.setRenderHints(app_side.view.renderHints())
    view.setViewportUpdateMode(app_side.view.viewportUpdateMode())
    paints = make_paint_counter()
    view.viewport().installEventFilter(paints)
    fixed_scroll_bars(view)
    view.resize(*VIEWPORT)
    view.show()
    settle_viewport(view, app)
    return Side("plain", view, scene, paints, rects)


def visible_rect(side: Side) -> Any:
    return side.view.mapToScene(side.view.viewport().rect()).boundingRect()


def copy_view_state(source: Side, target: Side) -> None:
    """Give ``target`` the transform and scroll position of ``source`` (same scene rect, same viewport).

    Synchronous, no event processing: nothing gets painted here.
    """
    target.view.setTransform(source.view.transform())
    target.view.horizontalScrollBar().setValue(source.view.horizontalScrollBar().value())
    target.view.verticalScrollBar().setValue(source.view.verticalScrollBar().value())
    a, b = visible_rect(source), visible_rect(target)
    apart = max(abs(a.left() - b.left()), abs(a.top() - b.top()), abs(a.width() - b.width()),
                abs(a.height() - b.height()))
    assert apart < 1 / source.view.transform().m11() + 1e-6, f"plain view shows {b}, app view shows {a}"


def zoom_to(view: Any, zoom: float) -> str:
    """Zoom the app's view the way its own zoom commands do, so the scene hears of the new scale (level
    of detail); plain QGraphicsView.scale when MapView has no such method. Returns the path taken."""
    current = view.transform().m11()
    if callable(getattr(view, "set_zoom", None)):
        view.set_zoom(zoom)
        return "MapView.set_zoom"
    if callable(getattr(view, "zoom_by", None)):
        view.zoom_by(zoom / current)
        return "MapView.zoom_by"
    view.scale(zoom / current, zoom / current)
    return "QGraphicsView.scale"


def count_item_paints(side: Side) -> int:
    """Item paint() calls during one full repaint (untimed), of the card items (rectangles for plain).

    Counted through an instance attribute on each item (PySide looks those up on every virtual call; a
    class attribute set after the first paint is not seen), removed afterwards.
    """
    calls = 0

    def counting(item: Any) -> Callable[..., Any]:
        original = type(item).paint

        def paint(*args: Any) -> Any:
            nonlocal calls
            calls += 1
            return original(item, *args)
        return paint

    for item in side.cards:
        item.paint = counting(item)
    try:
        frame(side)
    finally:
        for item in side.cards:
            if "paint" in vars(item):
                del item.paint
    return calls


def budgeted(count: int, seconds: float, step: Callable[[int], None]) -> int:
    """Call ``step(i)`` up to ``count`` times; after MIN_SAMPLES stop once ``seconds`` have passed."""
    start = time.monotonic()
    for i in range(count):
        if i >= MIN_SAMPLES and time.monotonic() - start > seconds:
            return i
        step(i)
    return count


def measure(cards: int, folder: Any, app: Any) -> dict:
    """Open a ``cards``-card workshop in the app's view and in the plain one; time both, interleaved."""
    from trouble_mapper.canvas.scene import MapScene
    from trouble_mapper.canvas.view import MapView
    from trouble_mapper.service import WorkshopService
    from trouble_mapper.storage.workshop_file import open_workshop

    built = build_workshop(folder / f"Frames {cards}.troublemap", cards=cards, links=cards, actions=0,
                           zones=0, seed=SEED, near_links=True)
    service = WorkshopService(open_workshop(built.path))
    info: dict[str, Any] = {"cards": cards, "links": built.link_count, "build_ms": built.build_ms}
    try:
        start = time.perf_counter_ns()
        scene = MapScene(service)
        info["scene_ms"] = (time.perf_counter_ns() - start) / 1e6
        view = MapView(scene)
        assert len(scene.cards) == cards, f"scene has {len(scene.cards)} cards, expected {cards}"
        paints = make_paint_counter()
        view.viewport().installEventFilter(paints)
        fixed_scroll_bars(view)
        view.resize(*VIEWPORT)
        view.show()
        deadline = time.monotonic() + BACKGROUND_TIMEOUT
        while scene.background_pending and time.monotonic() < deadline:
            app.processEvents()
            time.sleep(0.005)
        assert not scene.background_pending, "background picture still decoding"
        info["background"] = service.document.background is not None
        app_side = Side("app", view, scene, paints, list(scene.cards.values()))
        settle_viewport(view, app, view.fit_all)
        plain = plain_side(app_side, service.document, app)
        try:
            measure_frames(app_side, plain, app, info)
        finally:
            plain.view.close()
            plain.view.deleteLater()
        view.close()
        view.deleteLater()
    finally:
        service.close()
    return info


def measure_frames(app_side: Side, plain: Side, app: Any, info: dict[str, Any]) -> None:
    """The fit-all and pan frames of both views, interleaved app, plain, app..."""
    sides = (app_side, plain)
    view = app_side.view

    def both(key: str, before: Callable[[Side], None] | None = None) -> Callable[[int], None]:
        def step(_: int) -> None:
            for side in sides:
                if before is not None:
                    before(side)
                side.add(key, frame(side))
        return step

    # Fit-all. First frames: each round paints the map zoomed out by 10 % (every item drawn at another
    # scale, so per-item device caches are stale), then fit_all() and the timed frame. No event processing
    # between fit_all() and the timed frame: the event loop would paint the fitted view first.
    def first_round(_: int) -> None:
        view.fit_all()
        info["zoom_path"] = zoom_to(view, view.transform().m11() * 0.9)
        copy_view_state(app_side, plain)
        for side in sides:
            frame(side)
        view.fit_all()
        copy_view_state(app_side, plain)
        for side in sides:
            side.add("fit_first", frame(side))

    info["n_first"] = budgeted(FIRST_ROUNDS, FIRST_SECONDS, first_round)
    info["fit_scale"] = view.transform().m11()
    info["fit_visible"] = len(view.items(view.viewport().rect()))
    info["n_repeat"] = budgeted(REPEATED_FRAMES, REPEATED_SECONDS, both("fit_repeat"))
    info["n_update"] = budgeted(UPDATE_FRAMES, UPDATE_SECONDS,
                                both("fit_update", lambda side: side.scene.update()))
    info["fit_item_paints"] = {side.name: count_item_paints(side) for side in sides}
    app.processEvents()  # the updates queued by scene.update(), untimed

    # Pan at 100 %: 1:1, centred on the map; 40 px steps of the horizontal scroll bar, right then left.
    zoom_to(view, 1.0)
    assert abs(view.transform().m11() - 1) < 1e-6, f"zoom is {view.transform().m11()} after zoom_to(1)"
    view.resetTransform()  # exactly 1:1 (the scene already knows the scale is 1)
    view.centerOn(app_side.scene.sceneRect().center())
    assert view.transform().isIdentity()
    copy_view_state(app_side, plain)
    for side in sides:
        frame(side)  # the first frame at 1:1, untimed
    info["pan_visible"] = len(view.items(view.viewport().rect()))

    def scroll(side: Side, step: int) -> Callable[[], None]:
        bar = side.view.horizontalScrollBar()
        return lambda: bar.setValue(bar.value() + (PAN_PX if step % 2 == 0 else -PAN_PX))

    def pan(step: int) -> None:
        for side in sides:
            side.add("pan", frame(side, scroll(side, step)))

    def pan_flushed(step: int) -> None:
        for side in sides:
            took, info["pan_region_" + side.name], fallback = flushed_frame(side, app, scroll(side, step))
            side.add("pan_flushed", took)
            info["pan_fallbacks"] = info.get("pan_fallbacks", 0) + fallback

    info["n_pan"] = budgeted(PAN_STEPS, PAN_SECONDS, pan)
    info["n_pan_flushed"] = budgeted(PAN_STEPS, PAN_SECONDS, pan_flushed)
    assert view.transform().isIdentity() and plain.view.transform().isIdentity()
    info["pan_item_paints"] = {side.name: count_item_paints(side) for side in sides}
    info["times"] = {side.name: side.times for side in sides}


def main() -> dict:
    from PySide6.QtCore import QCoreApplication, QEvent

    app = qt_app()
    started = time.monotonic()
    folder = work_dir("canvas-frames-")
    runs = []
    try:
        for cards in SIZES:
            runs.append(measure(cards, folder, app))
            QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
            app.processEvents()
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    figures: list[Figure] = []
    notes = [
        f"platform {app.platformName()}; viewport {VIEWPORT[0]}x{VIEWPORT[1]} in every frame (both scroll "
        "bars always on, so zooming never resizes it); "
        + ("with a background picture, decoded before timing" if any(r["background"] for r in runs)
           else "no background picture (background_pending False before timing)")
        + f"; no zones; seed {SEED}; {time.monotonic() - started:.0f} s in all",
        "each timed frame delivered exactly one Paint event to the viewport (event filter); "
        "repaint() paints the whole viewport; zoom changes other than fit_all() go through "
        f"{runs[0]['zoom_path']} so the scene knows the scale; series stop early (at least "
        f"{MIN_SAMPLES} samples) when over their time budget: n = samples per view",
    ]

    def stat(values: list[float]) -> str:
        return f"{ms(median(values))} (p95 {ms(p95(values))})"

    for run in runs:
        n = run["cards"]
        app_t, plain_t = run["times"]["app"], run["times"]["plain"]
        fit_paints, pan_paints = run["fit_item_paints"], run["pan_item_paints"]
        notes += [
            f"{n} cards, {run['links']} links (file built in {run['build_ms']:.0f} ms): MapScene built in "
            f"{run['scene_ms']:.0f} ms; fit-all scale {run['fit_scale']:.3f}, {run['fit_visible']} items in "
            f"view; card paint() calls in one full repaint at fit-all: app {fit_paints['app']}, plain "
            f"{fit_paints['plain']}; at 100 %: {run['pan_visible']} items in view, app {pan_paints['app']}, "
            f"plain {pan_paints['plain']}",
            f"{n} cards: first round's first frame after fit_all: app {ms(app_t['fit_first'][0])}, plain "
            f"{ms(plain_t['fit_first'][0])}; samples: first {run['n_first']}, repeated {run['n_repeat']}, "
            f"after update {run['n_update']}, pan {run['n_pan']}",
            f"{n} cards: pan through the app's own update path (scroll, then the posted UpdateRequest "
            f"delivered: only the exposed strip is painted, {run['pan_region_app']} px app, "
            f"{run['pan_region_plain']} px plain; {run['n_pan_flushed']} steps"
            + (f", {run['pan_fallbacks']} needed the event loop" if run.get("pan_fallbacks") else "")
            + f"): app {stat(app_t['pan_flushed'])}, plain {stat(plain_t['pan_flushed'])}",
        ]
        if pan_paints["app"] == 0 and pan_paints["plain"] > 0:
            notes.append(f"WARNING {n} cards: at 100 % no card item painted itself (the plain view painted "
                         f"{pan_paints['plain']}): the app draws cards some other way at 1:1, or the "
                         "scene did not hear of the zoom change")
        judged = n == max(SIZES)
        for label, key in (("repeated repaint", "fit_repeat"), ("first frame after fit_all", "fit_first"),
                           ("repaint after scene.update()", "fit_update")):
            app_ms, plain_ms = median(app_t[key]), median(plain_t[key])
            ratio = app_ms / plain_ms
            figures.append(Figure(
                f"fit-all, {n} cards: {label} (median)", f"{stat(app_t[key])}, {ratio:.2f}x",
                f"plain items {stat(plain_t[key])}",
                f"<= {TARGET_FRAME_MS} ms and <= {TARGET_RATIO}x" if judged else "(info)",
                app_ms <= TARGET_FRAME_MS and ratio <= TARGET_RATIO if judged else None))
        figures.append(Figure(
            f"pan 40 px at 100 %, {n} cards: scroll + exposed strip (median)", stat(app_t["pan_flushed"]),
            f"plain items {stat(plain_t['pan_flushed'])}", f"<= {TARGET_PAN_MS:.0f} ms",
            median(app_t["pan_flushed"]) <= TARGET_PAN_MS))
        figures.append(Figure(
            f"pan 40 px at 100 %, {n} cards: scroll + whole-viewport repaint", stat(app_t["pan"]),
            f"plain items {stat(plain_t['pan'])}", "(info)"))
    return result(figures, notes, runs=runs)


if __name__ == "__main__":
    print_result("Canvas frame times", main())
