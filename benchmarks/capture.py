"""Fast capture: what the tool adds to each trouble typed on the map.

A facilitator types a trouble and presses Enter; the card must be saved, drawn, and the next draft open
before the next keystroke. For the bundled example and for a 2,000-card map (1920x1080 view, offscreen),
each round sets a draft's text, then times Enter (``CardDraft.finish``: durable save, undo step, scene
update, next draft opened) plus the repaint that shows it. The typing itself is not timed.

Usage: python -m benchmarks.capture [ROUNDS]
"""

from __future__ import annotations

import shutil
import sys
import time

from benchmarks.common import (
    EXAMPLE,
    Figure,
    build_workshop,
    median,
    ms,
    p95,
    print_result,
    qt_app,
    result,
    work_dir,
)

ROUNDS = 40
TARGET_MS = 50.0  # far below a typist's pause between two troubles


def capture_times(path, rounds: int) -> list[float]:
    from PySide6.QtCore import QPointF

    from trouble_mapper.canvas.scene import MapScene
    from trouble_mapper.canvas.view import MapView
    from trouble_mapper.domain.vocabulary import CardKind
    from trouble_mapper.service import WorkshopService
    from trouble_mapper.storage.workshop_file import open_workshop

    service = WorkshopService(open_workshop(path))
    scene = MapScene(service)
    view = MapView(scene)
    view.resize(1922, 1082)
    view.show()
    view.set_zoom(1.0)
    qt_app().processEvents()
    times = []
    try:
        scene.start_draft(CardKind.TROUBLE, QPointF(40, 40), area=view.visible_scene_rect())
        for number in range(rounds):
            scene.draft.setPlainText(f"Captured trouble {number + 1}: bottles fall at the transfer")
            start = time.perf_counter_ns()
            scene.draft.finish(commit=True)
            view.viewport().repaint()
            times.append((time.perf_counter_ns() - start) / 1e6)
        assert len(service.document.cards_in_tag_order(CardKind.TROUBLE)) >= rounds
    finally:
        view.close()
        service.close()
    return times


def main(rounds: int = ROUNDS) -> dict:
    qt_app()
    folder = work_dir("capture-")
    figures, notes = [], []
    try:
        example = folder / "example.troublemap"
        shutil.copyfile(EXAMPLE, example)
        large = folder / "large.troublemap"
        build_workshop(large, cards=2000, links=2000, actions=200, near_links=True)
        for label, path in (("example workshop", example), ("2,000-card map", large)):
            times = capture_times(path, rounds)
            figures.append(Figure(f"capture one trouble (Enter to next draft), {label}",
                                  f"{ms(median(times))} (p95 {ms(p95(times))})", "",
                                  f"<= {TARGET_MS:.0f} ms", median(times) <= TARGET_MS))
        notes.append(f"{rounds} troubles per map; each time includes the durable save, the undo step, "
                     "the scene update, the next draft and one full repaint of the 1920x1080 view")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return result(figures, notes)


if __name__ == "__main__":
    print_result("Fast capture", main(int(sys.argv[1]) if len(sys.argv) > 1 else ROUNDS))
