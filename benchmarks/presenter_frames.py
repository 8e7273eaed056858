"""Presenter view frames: the room's view and the editor both repainting while the editor drags a card.

A 300-card workshop (about one cause link per card between neighbours, six zones, no background picture;
built under benchmarks/out/ with a fixed seed, deleted afterwards) is opened the way the app does it:
``WorkshopService(open_workshop(path))``, ``MapScene(service)``, ``MapView(scene)`` shown as a top-level
window whose viewport is exactly 1920x1080 (offscreen platform; both scroll bars always on, so zooming
never resizes it). The presenter is ``PresenterWindow(editor, RoomLook())`` (font scale 1.5, high
contrast), shown as a normal top-level window resized so that its RoomView is exactly 1920x1080 (the
offscreen platform's one screen is too small for ``show_on``; the header sits above the view as on the
projector).

The drag: the card nearest the middle of the map is pressed with the left button (a synthetic
QMouseEvent sent to the editor's viewport, at 30 % of its width and half its height, well clear of the
link handle), so the scene selects it and grabs the mouse; each frame is one mouse move of 8 px right and
4 px down (then back again after 10 moves: a triangle wave, the card stays near its place), which
QGraphicsItem's own mouseMoveEvent turns into ``setPos`` and the links follow through itemChange. At the
end of each series the mouse goes back to where it was pressed, the item is put back exactly where the
file has it and the button is released, so ``_save_moves`` finds nothing to write (checked). Were the
synthetic events ever to stop moving the card, the benchmark says so and moves the item with
``setPos`` itself (the same geometry change).

A frame, timed from the mouse move until both views have painted it:

* "app path" (judged): the mouse move, then ``processEvents()`` until an event filter on each viewport
  has seen at least one Paint event: the scene's queued dirty-item pass, each window's UpdateRequest and
  the partial repaints SmartViewportUpdate asks for, as the app's own event loop does it. Every timed
  frame must deliver a Paint to every viewport under test (asserted); thread CPU time is kept too, so
  waiting in the event loop would show as wall time well above CPU time.
* "whole viewports" (information: the worst case, e.g. the frame after a reframe): the mouse move, then
  ``viewport().repaint()`` of each view, synchronous, exactly one Paint each (asserted); the partial
  update the move queued is then delivered untimed.

Editor zooms: fit-all (``MapView.fit_all()``: cards drawn with their shape and a large tag) and 100 %
(``MapView.set_zoom(1.0)``, centred on the dragged card: full detail). Room framings: FIT_ALL (the room
sees the whole map) with the editor at both zooms, and FOLLOW with the editor at 100 % (the room then
shows the same area, in the room look at full detail: the dearest room frame).

Baseline in the same run: the editor alone for the same drag, measured before the presenter is opened
and again after it was closed and deleted (the scene then has no second view and no room scale), pooled;
the two halves are compared in the notes. The figure to meet: p95 of the pair's app-path frame
<= 16.7 ms (every frame of a 60 Hz screen), for each pairing. Series stop early (after MIN_SAMPLES)
when over their time budget; the whole run takes well under 30 s.

Usage: python -m benchmarks.presenter_frames [--profile]   (--profile: cProfile of the pair's frames)
"""

from __future__ import annotations

import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from benchmarks.common import Figure, build_workshop, median, ms, p95, print_result, qt_app, result, work_dir

CARDS = 300
VIEWPORT = (1920, 1080)
SEED = 7
STEP_PX = 8  # mouse move per frame, viewport px to the right (and half as much down)
LEG = 10  # moves before the drag turns back
FRAMES = 60  # per series
WARM_UP = 4  # untimed moves at the start of each series
MIN_SAMPLES = 12
SERIES_SECONDS = 1.5
FRAME_TIMEOUT = 2.0
TARGET_MS = 16.7


def make_paint_counter() -> Any:
    from PySide6.QtCore import QEvent, QObject

    class PaintCounter(QObject):
        """Counts the Paint events reaching the viewport it filters, and the area they paint."""

        count = 0
        px = 0  # painted area since the last reset

        def eventFilter(self, obj: Any, event: Any) -> bool:
            if event.type() == QEvent.Type.Paint:
                self.count += 1
                self.px += sum(r.width() * r.height() for r in event.region())
            return False

    return PaintCounter()


@dataclass
class Target:
    """A viewport under test and its paint counter."""

    name: str
    viewport: Any
    paints: Any


def watch(name: str, viewport: Any) -> Target:
    target = Target(name, viewport, make_paint_counter())
    viewport.installEventFilter(target.paints)
    return target


def settle(window: Any, viewport: Any, app: Any, keep: Callable[[], None] | None = None) -> None:
    """Resize the top-level ``window`` until ``viewport`` is exactly VIEWPORT; ``keep`` re-applies a zoom."""
    from PySide6.QtCore import QSize

    wanted = QSize(*VIEWPORT)
    for _ in range(10):
        if keep is not None:
            keep()
        app.processEvents()
        if viewport.size() == wanted:
            return
        window.resize(window.size() + wanted - viewport.size())
        app.processEvents()
    raise AssertionError(f"{type(window).__name__}: viewport is {viewport.size()}, wanted {wanted}")


class Drag:
    """A left-button drag of one card on the editor, by mouse events sent to its viewport."""

    def __init__(self, view: Any, item: Any) -> None:
        self.view, self.item = view, item
        self.by_mouse = True
        self.step = 0
        self.pressed = False

    def _send(self, kind: Any, local: Any, buttons: Any) -> None:
        from PySide6.QtCore import QCoreApplication, QPointF, Qt
        from PySide6.QtGui import QMouseEvent

        viewport = self.view.viewport()
        point = QPointF(local)
        button = Qt.MouseButton.NoButton if kind == QMouseEvent.Type.MouseMove else Qt.MouseButton.LeftButton
        event = QMouseEvent(kind, point, QPointF(viewport.mapToGlobal(local)), button, buttons,
                            Qt.KeyboardModifier.NoModifier)
        QCoreApplication.sendEvent(viewport, event)

    def press(self) -> None:
        from PySide6.QtCore import QPointF, Qt
        from PySide6.QtGui import QMouseEvent

        card = self.item.card
        self.origin = self.item.pos()
        assert (self.origin.x(), self.origin.y()) == (card.x, card.y), "the card is not where the file says"
        self.start = self.view.mapFromScene(self.item.mapToScene(QPointF(card.width * 0.3, card.height / 2)))
        assert self.view.viewport().rect().contains(self.start), "the dragged card is out of view"
        self.start_scene = self.view.mapToScene(self.start)
        self._send(QMouseEvent.Type.MouseButtonPress, self.start, Qt.MouseButton.LeftButton)
        grabber = self.view.scene().mouseGrabberItem()
        assert grabber is self.item, f"the press grabbed {grabber!r}, not the card"
        assert self.item.isSelected(), "the pressed card is not selected"
        self.step, self.pressed = 0, True

    def offset(self, step: int) -> Any:
        from PySide6.QtCore import QPoint

        k = step % (2 * LEG)
        n = k if k <= LEG else 2 * LEG - k
        return QPoint(n * STEP_PX, n * STEP_PX // 2)

    def move(self) -> None:
        """One move of the drag (the next point of the triangle wave)."""
        from PySide6.QtCore import Qt
        from PySide6.QtGui import QMouseEvent

        self.step += 1
        local = self.start + self.offset(self.step)
        if self.by_mouse:
            self._send(QMouseEvent.Type.MouseMove, local, Qt.MouseButton.LeftButton)
        else:
            self.item.setPos(self.origin + self.view.mapToScene(local) - self.start_scene)

    def check(self) -> None:
        """The card is where the mouse took it (untimed); the first time it is not, fall back to setPos."""
        wanted = self.origin + self.view.mapToScene(self.start + self.offset(self.step)) - self.start_scene
        apart = (self.item.pos() - wanted).manhattanLength()
        if apart > 1e-6 and self.by_mouse and self.step == 1:
            self.by_mouse = False
            return
        assert apart < 1e-6, f"the card is at {self.item.pos()}, the drag should have put it at {wanted}"

    def release(self, app: Any) -> None:
        from PySide6.QtCore import Qt
        from PySide6.QtGui import QMouseEvent

        if self.by_mouse:
            self._send(QMouseEvent.Type.MouseMove, self.start, Qt.MouseButton.LeftButton)
        card = self.item.card
        # Exactly back, so the release has no move to save. The move back can leave the item an ulp off,
        # and setPos ignores a fuzzily equal point: step away first.
        self.item.setPos(card.x + 1, card.y)
        self.item.setPos(card.x, card.y)
        self._send(QMouseEvent.Type.MouseButtonRelease, self.start, Qt.MouseButton.NoButton)
        self.pressed = False
        app.processEvents()
        doc_card = self.view.map_scene().service.document.cards[card.id]
        assert (doc_card.x, doc_card.y) == (card.x, card.y), "the drag was saved"
        assert (self.item.pos().x(), self.item.pos().y()) == (card.x, card.y)


@dataclass
class Series:
    wall: list[float]
    cpu: list[float]
    px: dict[str, list[int]]  # painted area per frame, by target
    each: dict[str, list[float]]  # whole viewports: ms of each target's repaint()


def drag_frame(drag: Drag, targets: list[Target], app: Any,
               whole: bool) -> tuple[float, float, list[int], list[float]]:
    """(wall ms, thread CPU ms, painted px per target, ms per target's repaint() when ``whole``) for one
    move of the drag until every target has painted it."""
    before = [t.paints.count for t in targets]
    for t in targets:
        t.paints.px = 0
    each = []
    wall, cpu = time.perf_counter_ns(), time.thread_time_ns()
    drag.move()
    if whole:
        for t in targets:
            start = time.perf_counter_ns()
            t.viewport.repaint()
            each.append((time.perf_counter_ns() - start) / 1e6)
    else:
        deadline = time.monotonic() + FRAME_TIMEOUT
        while any(t.paints.count == b for t, b in zip(targets, before, strict=True)) \
                and time.monotonic() < deadline:
            app.processEvents()
    wall, cpu = (time.perf_counter_ns() - wall) / 1e6, (time.thread_time_ns() - cpu) / 1e6
    delivered = [t.paints.count - b for t, b in zip(targets, before, strict=True)]
    px = [t.paints.px for t in targets]
    for t, d in zip(targets, delivered, strict=True):
        if whole:
            assert d == 1, f"{t.name}: repaint() delivered {d} Paint events, expected 1"
        else:
            assert d >= 1, f"{t.name}: the drag's move was not painted within {FRAME_TIMEOUT} s"
    app.processEvents()  # untimed: the queued partial update after a whole repaint, anything left over
    drag.check()
    return wall, cpu, px, each


def run_series(drag: Drag, targets: list[Target], app: Any, whole: bool) -> Series:
    for _ in range(WARM_UP):
        drag_frame(drag, targets, app, whole)
    series = Series([], [], {t.name: [] for t in targets}, {t.name: [] for t in targets})
    started = time.monotonic()
    for i in range(FRAMES):
        if i >= MIN_SAMPLES and time.monotonic() - started > SERIES_SECONDS:
            break
        wall, cpu, px, each = drag_frame(drag, targets, app, whole)
        series.wall.append(wall)
        series.cpu.append(cpu)
        for t, p in zip(targets, px, strict=True):
            series.px[t.name].append(p)
        for t, e in zip(targets, each, strict=False):
            series.each[t.name].append(e)
    return series


def count_item_paints(drag: Drag, targets: list[Target], app: Any, scene: Any) -> dict[str, dict[str, int]]:
    """Item paint() calls per viewport in one app-path frame (untimed): cards and links."""
    calls: dict[str, dict[str, int]] = {t.name: {"cards": 0, "links": 0} for t in targets}
    names = {id(t.viewport): t.name for t in targets}

    def counting(item: Any, kind: str) -> Callable[..., Any]:
        original = type(item).paint

        def paint(painter: Any, option: Any, widget: Any = None) -> Any:
            name = names.get(id(widget))
            if name is not None:
                calls[name][kind] += 1
            return original(item, painter, option, widget)
        return paint

    items = [(item, "cards") for item in scene.cards.values()]
    items += [(item, "links") for item in scene.links.values()]
    for item, kind in items:
        item.paint = counting(item, kind)
    try:
        drag_frame(drag, targets, app, whole=False)
    finally:
        for item, _ in items:
            if "paint" in vars(item):
                del item.paint
    return calls


def measure(folder: Any, app: Any, profile: bool) -> dict[str, Any]:
    from PySide6.QtCore import QCoreApplication, QEvent, Qt

    from trouble_mapper.canvas.room_look import RoomLook
    from trouble_mapper.canvas.room_view import Framing
    from trouble_mapper.canvas.scene import MapScene
    from trouble_mapper.canvas.view import MapView
    from trouble_mapper.service import WorkshopService
    from trouble_mapper.storage.workshop_file import open_workshop
    from trouble_mapper.ui.presenter import PresenterWindow

    built = build_workshop(folder / f"Presenter {CARDS}.troublemap", cards=CARDS, links=CARDS, actions=0,
                           seed=SEED, near_links=True)
    service = WorkshopService(open_workshop(built.path))
    info: dict[str, Any] = {"links": built.link_count, "zones": 0, "series": {}, "paints": {}, "zoom": {}}
    profilers: dict[str, Any] = {}
    if profile:
        import cProfile

        profilers = {"app path": cProfile.Profile(), "whole viewports": cProfile.Profile()}
    try:
        scene = MapScene(service)
        info["zones"] = len(scene.zones)
        assert len(scene.cards) == CARDS, f"scene has {len(scene.cards)} cards, expected {CARDS}"
        editor = MapView(scene)
        editor.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        editor.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        editor.resize(*VIEWPORT)
        editor.show()
        assert not scene.background_pending
        settle(editor, editor.viewport(), app, editor.fit_all)
        middle = scene.map_rect().center()
        item = min(scene.cards.values(), key=lambda i: (i.rect_in_scene.center() - middle).manhattanLength())
        drag = Drag(editor, item)
        editor_target = watch("editor", editor.viewport())

        def zoom_editor(zoom: str) -> None:
            if zoom == "fit":
                editor.fit_all()
            else:
                editor.set_zoom(1.0)
                editor.centerOn(item.rect_in_scene.center())
            app.processEvents()
            info["zoom"][f"editor {zoom}"] = editor.transform().m11()

        def block(key: str, zoom: str, targets: list[Target], room: Any = None) -> None:
            zoom_editor(zoom)
            if room is not None:
                app.processEvents()  # a FOLLOW reframe after the editor's zoom (a zero timer)
                info["zoom"][key] = room.zoom()
            drag.press()
            try:
                for whole in (False, True):
                    kind = "whole viewports" if whole else "app path"
                    profiler = None if room is None else profilers.get(kind)
                    if profiler is not None:
                        profiler.enable()
                    series = run_series(drag, targets, app, whole)
                    if profiler is not None:
                        profiler.disable()
                    name = f"{key} {'whole' if whole else 'app'}"
                    info["series"].setdefault(name, []).append(series)
                info["paints"][key] = count_item_paints(drag, targets, app, scene)
            finally:
                drag.release(app)

        for zoom in ("fit", "100"):
            block(f"alone {zoom} before", zoom, [editor_target])

        presenter = PresenterWindow(editor, RoomLook())
        room = presenter.view
        room.set_framing(Framing.FIT_ALL)
        presenter.resize(VIEWPORT[0], VIEWPORT[1] + presenter.header.sizeHint().height())
        presenter.show()
        settle(presenter, room.viewport(), app)
        room_target = watch("room", room.viewport())
        info["room_look"] = room.look
        pairs = [editor_target, room_target]
        for zoom, framing in (("fit", Framing.FIT_ALL), ("100", Framing.FIT_ALL), ("100", Framing.FOLLOW)):
            room.set_framing(framing)
            block(f"pair {zoom} {framing.value}", zoom, pairs, room)
        presenter.close()
        presenter.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        app.processEvents()
        assert scene.views() == [editor], f"the scene still has {len(scene.views())} views"

        for zoom in ("fit", "100"):
            block(f"alone {zoom} after", zoom, [editor_target])
        info["by_mouse"] = drag.by_mouse
        info["card"] = item.card.tag
        editor.close()
        editor.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    finally:
        service.close()
    info["profilers"] = profilers
    return info


def pooled(info: dict[str, Any], name: str) -> Series:
    parts = info["series"][name]
    return Series([w for s in parts for w in s.wall], [c for s in parts for c in s.cpu],
                  {k: [p for s in parts for p in s.px[k]] for k in parts[0].px},
                  {k: [e for s in parts for e in s.each[k]] for k in parts[0].each})


def stat(values: list[float]) -> str:
    return f"{ms(median(values))} (p95 {ms(p95(values))})"


def main(argv: list[str] | None = None) -> dict:
    argv = [] if argv is None else argv
    app = qt_app()
    started = time.monotonic()
    folder = work_dir("presenter-frames-")
    try:
        info = measure(folder, app, "--profile" in argv)
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    zoom = info["zoom"]
    look = info["room_look"]
    notes = [
        f"platform {app.platformName()}; {CARDS} cards, {info['links']} links, {info['zones']} zones, no "
        f"background; seed {SEED}; editor viewport and room view both {VIEWPORT[0]}x{VIEWPORT[1]}; room "
        f"look font scale {look.font_scale}, high contrast {look.high_contrast}; "
        f"{time.monotonic() - started:.0f} s in all",
        f"drag of card {info['card']} by "
        + ("mouse events sent to the editor's viewport (QGraphicsItem moves it)" if info["by_mouse"]
           else "item.setPos (the synthetic mouse events did not move the card!)")
        + f": {STEP_PX} px right and {STEP_PX // 2} px down per frame, back after {LEG}; nothing saved",
        f"zoom: editor fit-all {zoom['editor fit']:.3f}, editor 100 % {zoom['editor 100']:.3f}; room FIT_ALL "
        f"{zoom['pair fit fit_all']:.3f}, room FOLLOW (editor at 100 %) {zoom['pair 100 follow']:.3f}",
        "app path = mouse move, then processEvents() until every viewport under test has had a Paint "
        "event (each timed frame did); whole = mouse move, then repaint() of each viewport (exactly one "
        "Paint each)",
    ]
    figures: list[Figure] = []
    for zoom_key, label in (("fit", "editor fit-all"), ("100", "editor 100 %")):
        before = pooled(info, f"alone {zoom_key} before app")
        after = pooled(info, f"alone {zoom_key} after app")
        notes.append(f"editor alone, {label}: before the presenter opened {stat(before.wall)}, after it "
                     f"closed {stat(after.wall)} (n {len(before.wall)} + {len(after.wall)})")
    for key, label in (("fit fit_all", "editor fit-all + room FIT_ALL"),
                       ("100 fit_all", "editor 100 % + room FIT_ALL"),
                       ("100 follow", "editor 100 % + room FOLLOW")):
        zoom_key = key.split()[0]
        alone = Series([], [], {}, {})
        for when in ("before", "after"):
            part = pooled(info, f"alone {zoom_key} {when} app")
            alone.wall += part.wall
            alone.cpu += part.cpu
        alone_whole = [w for when in ("before", "after")
                       for w in pooled(info, f"alone {zoom_key} {when} whole").wall]
        pair, pair_whole = pooled(info, f"pair {key} app"), pooled(info, f"pair {key} whole")
        paints = info["paints"][f"pair {key}"]
        notes.append(
            f"{label}: app path wall {stat(pair.wall)}, CPU {stat(pair.cpu)} (editor alone: wall "
            f"{stat(alone.wall)}, CPU {stat(alone.cpu)}); painted per frame (median px): editor "
            f"{median(pair.px['editor']):.0f}, room {median(pair.px['room']):.0f}; item paint() calls in one "
            f"frame: editor {paints['editor']['cards']} cards + {paints['editor']['links']} links, room "
            f"{paints['room']['cards']} cards + {paints['room']['links']} links; n {len(pair.wall)} pair, "
            f"{len(alone.wall)} alone; whole viewports: editor repaint() {stat(pair_whole.each['editor'])}, "
            f"room repaint() {stat(pair_whole.each['room'])}")
        figures.append(Figure(
            f"presenter drag frame, {CARDS} cards, {label}: both views (p95)",
            f"{ms(p95(pair.wall))} (median {ms(median(pair.wall))})",
            f"editor alone {ms(p95(alone.wall))} (median {ms(median(alone.wall))})",
            f"p95 <= {TARGET_MS} ms", p95(pair.wall) <= TARGET_MS))
        figures.append(Figure(
            f"presenter drag frame, {CARDS} cards, {label}: both whole viewports repainted",
            stat(pair_whole.wall), f"editor alone {stat(alone_whole)}", "(info)"))
    for label, profiler in info["profilers"].items():
        import io
        import pstats

        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("tottime").print_stats(20)
        notes.append(f"cProfile of the pair's frames, {label} (all three pairings), by own time:\n"
                     + out.getvalue().strip())
    return result(figures, notes)


if __name__ == "__main__":
    print_result("Presenter view frames", main(sys.argv[1:]))
