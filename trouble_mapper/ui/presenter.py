"""What the room sees: a header with the phase and the time left in large type, over the map.

``RoomHeader`` is shared by the presenter window (full screen on the projector, a second view of the
same scene) and presentation mode (the editor itself with its chrome hidden).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QFontMetrics, QGuiApplication, QScreen
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from trouble_mapper.canvas.room_look import RoomLook
from trouble_mapper.canvas.room_view import RoomView
from trouble_mapper.canvas.view import MapView
from trouble_mapper.domain.session import Phase, Session
from trouble_mapper.ui.phase_bar import TimeLabel

HEADER_PX = 26  # phase text at 100 % font scale; the time is larger


class RoomHeader(QWidget):
    """A dark strip: "3 Capture: Name every trouble you see" and the time box, sized by the font scale."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("roomHeader")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet("#roomHeader { background: #111111; }")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(18, 8, 18, 8)
        self.phase_label = QLabel()
        self.phase_label.setObjectName("roomPhase")
        self.phase_label.setTextFormat(Qt.TextFormat.PlainText)
        self.phase_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self._phase_texts: tuple[str, ...] = ()
        layout.addWidget(self.phase_label, 1)
        self.time_label = TimeLabel(round(HEADER_PX * 1.4))
        layout.addWidget(self.time_label)
        self.set_scale(1.0)

    def set_scale(self, scale: float) -> None:
        px = round(HEADER_PX * scale)
        self.phase_label.setStyleSheet(f"color: white; font-size: {px}px; font-weight: bold;")
        self.time_label.pixel_size = round(px * 1.4)
        self._fit_phase_text()

    def show_session(self, session: Session, remaining: float) -> None:
        number = list(Phase).index(session.phase) + 1
        name = f"{number} {session.phase.label}"
        self._phase_texts = (f"{name}: {session.phase.hint}", name)
        self._fit_phase_text()
        self.time_label.setVisible(session.has_timebox)
        self.time_label.show_session(session, remaining)

    def _fit_phase_text(self) -> None:
        """The phase with its hint when the strip is wide enough, else its name alone (elided if need be)."""
        if not self._phase_texts:
            return
        self.phase_label.ensurePolished()
        metrics = QFontMetrics(self.phase_label.font())
        room = self.phase_label.width()
        text = next((t for t in self._phase_texts if metrics.horizontalAdvance(t) <= room), None)
        if text is None:
            text = metrics.elidedText(self._phase_texts[-1], Qt.TextElideMode.ElideRight, room)
        self.phase_label.setText(text)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit_phase_text()


class PresenterWindow(QWidget):
    """Full screen on the room's screen: the header and a RoomView of the editor's scene."""

    closed = Signal()

    def __init__(self, editor: MapView, look: RoomLook) -> None:
        super().__init__(None, Qt.WindowType.Window)
        self.setObjectName("presenterWindow")
        self.setWindowTitle("Trouble Mapper: room view")
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating, True)
        self.header = RoomHeader()
        self.view = RoomView(editor.map_scene(), editor, look)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.header)
        layout.addWidget(self.view, 1)
        self.header.set_scale(look.font_scale)
        self.placed_on = ""

    def set_look(self, look: RoomLook) -> None:
        self.view.set_look(look)
        self.header.set_scale(look.clamped().font_scale)

    def show_on(self, screen: QScreen) -> None:
        """Open (or move) full screen on ``screen``."""
        self.hide()
        self.placed_on = screen.name()  # Qt may move a window off a screen before saying it is gone
        self.setScreen(screen)
        self.setGeometry(screen.geometry())
        self.showFullScreen()
        self.view.reframe()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.view.detach()
        self.closed.emit()
        super().closeEvent(event)


def room_screen(editor_window: QWidget, avoid: QScreen | None = None) -> QScreen | None:
    """A screen other than the one the editor is on (the projector), or None with a single screen."""
    editor_screen = editor_window.screen()
    for screen in QGuiApplication.screens():
        if screen is not editor_screen and screen is not avoid:
            return screen
    return None
