"""RoomControl: running the room from the main window.

It owns the phase bar and the session clock of the open workshop, the presenter window on a second
screen (moved or closed when screens come and go), presentation mode (F5: the editor full screen with
its chrome hidden, Escape returns) and the projection theme (font scale and contrast, remembered on this
computer). Choosing a phase brings its tools forward: capture for Capture, the dots for Prioritise, the
action table for Actions, and so on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QSettings, Qt
from PySide6.QtGui import QAction, QActionGroup, QGuiApplication, QKeySequence, QScreen
from PySide6.QtWidgets import QInputDialog, QMenu, QWidget

from trouble_mapper.canvas.room_look import MAX_SCALE, MIN_SCALE, RoomLook
from trouble_mapper.canvas.room_view import Framing
from trouble_mapper.domain.session import Phase, Session
from trouble_mapper.domain.vocabulary import CardKind
from trouble_mapper.ui.phase_bar import PhaseBar
from trouble_mapper.ui.presenter import PresenterWindow, RoomHeader, room_screen
from trouble_mapper.ui.session_clock import SessionClock

if TYPE_CHECKING:
    from trouble_mapper.canvas.view import MapView
    from trouble_mapper.service import WorkshopService
    from trouble_mapper.ui.main_window import MainWindow

FONT_SCALES = (1.0, 1.25, 1.5, 1.75, 2.0, 2.5)


class RoomControl(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.clock: SessionClock | None = None
        self.view: MapView | None = None
        self.presenter: PresenterWindow | None = None
        self.framing, self.zone_id = Framing.FOLLOW, None
        self._hidden_for_presentation: list[QWidget] = []
        self._shortcuts: list[QAction] = []  # menu and bar actions lent to the window while presenting
        self._state_before_presenting = Qt.WindowState.WindowNoState
        self._presenting = False
        self.look = self._load_look()
        self.phase_bar = PhaseBar(window)
        self.phase_bar.phase_chosen.connect(self.bring_tools_forward)
        self.header = RoomHeader()  # shown over the map in presentation mode
        self.header.hide()
        self.presenter_action = QAction("&Presenter View on Second Screen", self, checkable=True)
        self.presenter_action.setShortcut(QKeySequence("Shift+F5"))
        self.presenter_action.toggled.connect(self._presenter_toggled)
        self.presentation_action = QAction("Presentation &Mode", self, checkable=True)
        self.presentation_action.setShortcut(QKeySequence("F5"))
        self.presentation_action.toggled.connect(self.set_presentation_mode)
        self.theme_action = QAction("Projection &Text Size…", self)
        self.theme_action.triggered.connect(self.ask_font_scale)
        self.contrast_action = QAction("High &Contrast for the Room", self, checkable=True,
                                       checked=self.look.high_contrast)
        self.contrast_action.toggled.connect(
            lambda on: self.set_look(RoomLook(self.look.font_scale, on)))
        self.framing_menu = QMenu("Room View &Shows")
        self.framing_menu.aboutToShow.connect(self._fill_framing_menu)
        self._framing_group = QActionGroup(self)  # the menu's actions come and go; the group stays
        app = QGuiApplication.instance()
        app.screenAdded.connect(self._screen_added)
        app.screenRemoved.connect(self._screen_removed)
        self.set_clock(None)

    def fill_menu(self, menu: QMenu) -> None:
        menu.addSeparator()
        menu.addActions([self.presentation_action, self.presenter_action])
        menu.addMenu(self.framing_menu)
        menu.addActions([self.theme_action, self.contrast_action])

    # The open workshop.

    def open(self, service: WorkshopService, view: MapView) -> None:
        self.view = view
        self.set_clock(SessionClock(service, parent=self))
        self.window.workspace_layout.insertWidget(1, self.header)  # under the read-only banner

    def close(self) -> None:
        """The workshop closes: the room's screen closes with it, presentation mode ends."""
        self.presentation_action.setChecked(False)
        self.presenter_action.setChecked(False)
        if self.clock is not None:
            self.clock.stop()
            self.clock.deleteLater()
        self.set_clock(None)
        self.view = None

    def set_clock(self, clock: SessionClock | None) -> None:
        self.clock = clock
        self.phase_bar.set_clock(clock)
        for action in (self.presenter_action, self.presentation_action):
            action.setEnabled(clock is not None)
        if clock is not None:
            clock.session_changed.connect(self._show_session)
            clock.tick.connect(lambda _left: self._show_session(clock.session))
            clock.refused.connect(lambda text: self.window.statusBar().showMessage(text, 8000))
            self._show_session(clock.session)

    def _show_session(self, session: Session) -> None:
        if self.clock is None:
            return
        remaining = self.clock.remaining()
        self.header.show_session(session, remaining)
        if self.presenter is not None:
            self.presenter.header.show_session(session, remaining)

    # Phases bring their tools forward.

    def bring_tools_forward(self, phase: Phase) -> None:
        window, view = self.window, self.view
        if view is None:
            return
        if phase in (Phase.FRAME, Phase.MAP):
            view.fit_all()
        elif phase is Phase.CAPTURE:
            view.setFocus()
            view.start_capture(CardKind.TROUBLE)
        elif phase in (Phase.CLASSIFY, Phase.CAUSES):
            window.inspector_dock.show()
            window.inspector_dock.raise_()
        elif phase is Phase.PRIORITISE:
            window.priorities_dock.show()
            window.priorities_dock.raise_()
            window.voter_box.setFocus()
        elif phase is Phase.ACTIONS:
            window.tables_dock.show()
            window.tables_dock.raise_()
            window.tables.tabs.setCurrentWidget(window.tables.plan_page)
        elif phase is Phase.REVIEW:
            window.meetings_dock.show()
            window.meetings_dock.raise_()
        window.statusBar().showMessage(f"{phase.label}: {phase.hint}", 6000)

    # The presenter window on the room's screen.

    def _presenter_toggled(self, on: bool) -> None:
        if on:
            self.open_presenter()
        elif self.presenter is not None:
            self.presenter.close()

    def open_presenter(self, screen: QScreen | None = None) -> bool:
        """Open the room's view full screen on a second screen; False (and a message) with only one."""
        if self.view is None:
            return False
        screen = screen or room_screen(self.window)
        if screen is None:
            self.window.statusBar().showMessage(
                "Only one screen: connect the projector, or use View > Presentation Mode (F5).", 8000)
            self.presenter_action.setChecked(False)
            return False
        if self.presenter is None:
            self.presenter = PresenterWindow(self.view, self.look)
            self.presenter.closed.connect(self._presenter_closed)
            self.presenter.view.set_framing(self.framing, self.zone_id)
        self.presenter.show_on(screen)
        self.window.activateWindow()  # the keyboard stays with the facilitator's editor
        if self.clock is not None:
            self._show_session(self.clock.session)
        self.presenter_action.setChecked(True)
        return True

    def _presenter_closed(self) -> None:
        presenter, self.presenter = self.presenter, None
        if presenter is not None:
            presenter.deleteLater()
        self.presenter_action.setChecked(False)

    def _screen_added(self, _screen: QScreen) -> None:
        if self.view is not None and self.presenter is None:
            self.window.statusBar().showMessage(
                "A second screen is connected: View > Presenter View shows the map there (Shift+F5).", 8000)

    def _screen_removed(self, screen: QScreen) -> None:
        """A screen was unplugged. With one screen left (the projector, or the laptop's own when its lid
        closes and the editor lands on the projector) the room's view closes rather than cover the
        editor; the projector gone with another screen free: the room's view moves there."""
        presenter = self.presenter
        if presenter is None:
            return
        left = [s for s in QGuiApplication.screens() if s.name() != screen.name()]
        on_projector = screen.name() in (presenter.placed_on, presenter.screen().name())
        other = room_screen(self.window, avoid=screen) if len(left) > 1 else None
        if on_projector and other is not None:
            presenter.show_on(other)
        elif on_projector or len(left) < 2:
            presenter.close()
            self.window.statusBar().showMessage(
                "The room's screen was disconnected; the workshop goes on here. Nothing was lost.", 8000)

    # What the room's view frames.

    def set_framing(self, framing: Framing, zone_id: str | None = None) -> None:
        self.framing, self.zone_id = framing, zone_id
        if self.presenter is not None:
            self.presenter.view.set_framing(framing, zone_id)

    def _fill_framing_menu(self) -> None:
        menu = self.framing_menu
        menu.clear()  # deletes the old actions, which leaves the group
        group = self._framing_group
        for framing in (Framing.FOLLOW, Framing.FIT_ALL):
            action = menu.addAction(framing.label, lambda f=framing: self.set_framing(f))
            action.setCheckable(True)
            action.setChecked(self.framing is framing)
            group.addAction(action)
        zones = self.view.map_scene().service.document.zones if self.view is not None else {}
        if zones:
            menu.addSeparator()
        for zone in sorted(zones.values(), key=lambda z: z.name.casefold()):
            action = menu.addAction(f"Zone: {zone.name.replace('&', '&&')}",
                                    lambda z=zone.id: self.set_framing(Framing.ZONE, z))
            action.setCheckable(True)
            action.setChecked(self.framing is Framing.ZONE and self.zone_id == zone.id)
            group.addAction(action)

    # Presentation mode: the editor itself, for the room.

    def set_presentation_mode(self, on: bool) -> None:
        """F5: the editor full screen for the room (menus, bars, panels hidden; room look); off again
        with Escape or F5. The facilitator can go on capturing and voting with the keyboard."""
        window, view = self.window, self.view
        if view is None:
            on = False
        if on == self.presenting:
            self.presentation_action.setChecked(on)
            return
        if on:
            chrome = (window.menuBar(), window.statusBar(), window.banner, *self._bars_and_docks())
            shown = [widget for widget in chrome if widget.isVisible()]
            self._hidden_for_presentation = shown
            self._state_before_presenting = window.windowState()
            self._shortcuts = self._menu_and_bar_actions()
            window.addActions(self._shortcuts)  # hidden menus and bars take their shortcuts with them
            for widget in shown:
                widget.hide()
            self.header.set_scale(self.look.font_scale)
            self.header.show()
            view.set_room_look(self.look)
            view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            window.showFullScreen()
            view.installEventFilter(self)
            self._presenting = True
        else:
            for action in self._shortcuts:
                window.removeAction(action)
            self._shortcuts = []
            for widget in self._hidden_for_presentation:
                widget.show()
            self._hidden_for_presentation = []
            self.header.hide()
            if view is not None:
                view.set_room_look(None)
                view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
                view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
                view.removeEventFilter(self)
            window.setWindowState(self._state_before_presenting)
            self._presenting = False
        self.presentation_action.setChecked(on)

    @property
    def presenting(self) -> bool:
        """True in presentation mode."""
        return self._presenting

    def _menu_and_bar_actions(self) -> list[QAction]:
        """Every action with a keyboard shortcut in the menus and tool bars (F5, Ctrl+Z, Start/Pause...)."""
        from PySide6.QtWidgets import QToolBar

        found: list[QAction] = []
        menus = [action.menu() for action in self.window.menuBar().actions() if action.menu()]
        while menus:
            for action in menus.pop().actions():
                if action.menu():
                    menus.append(action.menu())
                elif not action.shortcut().isEmpty() and action not in found:
                    found.append(action)
        for bar in self.window.findChildren(QToolBar):
            found += [a for a in bar.actions() if not a.shortcut().isEmpty() and a not in found]
        return found

    def _bars_and_docks(self) -> list[QWidget]:
        from PySide6.QtWidgets import QDockWidget, QToolBar

        return [*self.window.findChildren(QToolBar), *self.window.findChildren(QDockWidget)]

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Escape leaves presentation mode (unless a card is being typed: then it cancels that)."""
        if (event.type() == QEvent.Type.KeyPress and event.key() == Qt.Key.Key_Escape
                and self.view is not None and self.view.map_scene().draft is None):
            self.set_presentation_mode(False)
            return True
        return False

    # The projection theme.

    def ask_font_scale(self) -> None:
        labels = [f"{scale:.0%}" for scale in FONT_SCALES]
        current = min(range(len(FONT_SCALES)), key=lambda i: abs(FONT_SCALES[i] - self.look.font_scale))
        choice, ok = QInputDialog.getItem(self.window, "Projection text size",
                                          "Text and tag numbers on the room's screen:", labels, current,
                                          False)
        if ok:
            self.set_look(RoomLook(FONT_SCALES[labels.index(choice)], self.look.high_contrast))

    def set_look(self, look: RoomLook) -> None:
        self.look = look.clamped()
        settings = QSettings()
        settings.setValue("room/font_scale", self.look.font_scale)
        settings.setValue("room/high_contrast", self.look.high_contrast)
        if self.presenter is not None:
            self.presenter.set_look(self.look)
        if self.presenting and self.view is not None:
            self.view.set_room_look(self.look)
            self.header.set_scale(self.look.font_scale)

    @staticmethod
    def _load_look() -> RoomLook:
        settings = QSettings()
        try:
            scale = float(settings.value("room/font_scale", 1.5))
        except (TypeError, ValueError):
            scale = 1.5
        contrast = settings.value("room/high_contrast", True)
        contrast = contrast not in (False, "false", "0", 0)
        return RoomLook(min(MAX_SCALE, max(MIN_SCALE, scale)), contrast)
