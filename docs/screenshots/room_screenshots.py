"""Screenshots of the editor, the presenter view and presentation mode with the example workshop.

Qt's offscreen platform with the tests' 1920x1080 screens (Xvfb shows Qt a single screen):

    QT_QPA_PLATFORM="offscreen:configfile=$PWD/tests/screens.json" \
        .venv/bin/python docs/screenshots/room_screenshots.py [FONT_SCALE]
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from trouble_mapper.canvas.room_look import RoomLook
from trouble_mapper.domain.session import Phase
from trouble_mapper.domain.vocabulary import CardKind
from trouble_mapper.ui.main_window import MainWindow
from trouble_mapper.ui.places import bundled_example

OUT = Path(__file__).parent


def settle(seconds: float = 0.6) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        QApplication.processEvents()
        time.sleep(0.02)


def main() -> None:
    scale = float(sys.argv[1]) if len(sys.argv) > 1 else 1.5
    app = QApplication(sys.argv)
    app.setApplicationName("Trouble Mapper screenshots")
    folder = Path(tempfile.mkdtemp())
    path = folder / "Packaging line 4.troublemap"
    shutil.copy(bundled_example(), path)
    window = MainWindow()
    window.show()
    window.setGeometry(app.screens()[0].availableGeometry())
    window.open_path(path)
    settle()
    room = window.room
    room.set_look(RoomLook(scale, True))
    room.clock.set_phase(Phase.PRIORITISE)
    room.bring_tools_forward(Phase.PRIORITISE)
    room.clock.set_timebox(15)
    room.clock.start()
    room.clock.clock = lambda: time.time() + 4 * 60 + 25  # as if the box had run four and a half minutes
    scene = window.view.map_scene()
    troubles = [card.id for card in window.service.document.cards_in_tag_order(CardKind.TROUBLE)]
    scene.select_only(troubles[4:6])
    window.view.fit_all()
    settle()
    room.open_presenter()
    room.set_framing(room.framing)
    settle(1.0)
    suffix = "" if scale == 1.5 else f"-{round(scale * 100)}"
    window.grab().save(str(OUT / f"editor-prioritise{suffix}.png"))
    if room.presenter is not None:
        room.presenter.grab().save(str(OUT / f"presenter{suffix}.png"))
        print("presenter on", room.presenter.screen().name(), room.presenter.screen().geometry())
    room.presenter_action.setChecked(False)
    room.set_presentation_mode(True)
    settle(1.0)
    window.grab().save(str(OUT / f"presentation-mode{suffix}.png"))
    room.set_presentation_mode(False)
    window.close_workshop()
    shutil.rmtree(folder, ignore_errors=True)
    QTimer.singleShot(0, app.quit)
    app.exec()


if __name__ == "__main__":
    main()
