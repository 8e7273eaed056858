"""MainWindow: menus, the welcome page or the open workshop's map, and file handling."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QUndoGroup
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDockWidget,
    QFileDialog,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from trouble_mapper import APP_NAME, FILE_SUFFIX
from trouble_mapper.canvas.legend import LegendOverlay
from trouble_mapper.canvas.scene import MapScene
from trouble_mapper.canvas.view import MapView
from trouble_mapper.domain.rules import RuleError, describe_count
from trouble_mapper.service import WorkshopService
from trouble_mapper.storage.errors import WorkshopFileError
from trouble_mapper.storage.workshop_file import open_workshop
from trouble_mapper.ui import places
from trouble_mapper.ui.background_dialogs import BackgroundDialogs
from trouble_mapper.ui.csv_dialogs import CsvDialogs
from trouble_mapper.ui.inspector import CardInspector
from trouble_mapper.ui.map_actions import MapActions
from trouble_mapper.ui.map_context_menu import show_map_menu
from trouble_mapper.ui.print_dialogs import PrintDialogs
from trouble_mapper.ui.recent_files import RecentFiles
from trouble_mapper.ui.room_control import RoomControl

if TYPE_CHECKING:
    from trouble_mapper.ui.meetings import MeetingsPanel
    from trouble_mapper.ui.priorities_panel import PrioritiesPanel
    from trouble_mapper.ui.tables import TablesPanel
    from trouble_mapper.ui.welcome import WelcomePage

FILE_FILTER = f"Trouble Mapper workshops (*{FILE_SUFFIX});;All files (*)"


class MainWindow(QMainWindow):
    """One window, at most one open workshop. Every edit is already saved: there is no Save."""

    def __init__(self) -> None:
        super().__init__()
        self.service: WorkshopService | None = None
        self.view: MapView | None = None
        self.recent = RecentFiles()
        self.undo_group = QUndoGroup(self)
        self.resize(1280, 800)

        self._welcome: WelcomePage | None = None  # built when first shown: opening a file skips it
        self.banner = QLabel()
        self.banner.setObjectName("readOnlyBanner")
        self.banner.setStyleSheet("background: #FFE9A8; color: #3D2E00; padding: 8px; font-weight: bold;")
        self.banner.setWordWrap(True)
        self.banner.hide()
        self.workspace = QWidget()
        self.workspace_layout = QVBoxLayout(self.workspace)
        self.workspace_layout.setContentsMargins(0, 0, 0, 0)
        self.workspace_layout.setSpacing(0)
        self.workspace_layout.addWidget(self.banner)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.workspace)
        self.setCentralWidget(self.pages)
        self.backgrounds = BackgroundDialogs(self, lambda: self.service, lambda *args: self.show_error(*args))
        self.printing = PrintDialogs(self, lambda: self.service, lambda *args: self.show_error(*args),
                                     lambda text: self.statusBar().showMessage(text, 6000))
        self.csv = CsvDialogs(self, lambda: self.service, lambda *args: self.show_error(*args),
                              lambda text: self.statusBar().showMessage(text, 6000))
        self.map_actions = MapActions(self, self.backgrounds.choose_file, self.backgrounds.paste,
                                      self.backgrounds.fill_menu)
        self.inspector = CardInspector()
        self.inspector_dock = self._dock("Card", "inspectorDock", self.inspector,
                                         Qt.DockWidgetArea.RightDockWidgetArea, visible=True)
        # The panels below are made the first time they are shown (or asked for): the window and a
        # workshop open without building them.
        self._priorities: PrioritiesPanel | None = None
        self._tables: TablesPanel | None = None
        self.meetings: MeetingsPanel | None = None  # made per workshop: it holds its service
        self.priorities_dock = self._dock("Priorities", "prioritiesDock", QWidget(),
                                          Qt.DockWidgetArea.BottomDockWidgetArea)
        self.tables_dock = self._dock("Register and Action Plan", "tablesDock", QWidget(),
                                      Qt.DockWidgetArea.BottomDockWidgetArea)
        self.tabifyDockWidget(self.tables_dock, self.priorities_dock)  # the bottom panels share one place
        self.meetings_dock = self._dock("Meetings", "meetingsDock", QWidget(),
                                        Qt.DockWidgetArea.RightDockWidgetArea)
        self.priorities_dock.visibilityChanged.connect(lambda shown: shown and self.priorities)
        self.tables_dock.visibilityChanged.connect(lambda shown: shown and self.tables)
        self.meetings_dock.visibilityChanged.connect(lambda shown: shown and self._show_meetings())
        self.search_box = QLineEdit()
        self.search_box.setObjectName("searchBox")
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setPlaceholderText("Search: words, T7, zone:filler, owner:priya, status:overdue")
        self.search_box.setMaximumWidth(420)
        self.search_box.textChanged.connect(self._search)
        self.search_result = QLabel()
        self.voter_box = QComboBox()
        self.voter_box.setObjectName("voterBox")
        self.voter_box.setToolTip("Whose dots + and - count: the room's tally, or one person's dots")
        self.voter_box.currentIndexChanged.connect(self._voter_changed)
        self.zoom_label = QLabel()
        self.statusBar().addPermanentWidget(self.zoom_label)
        self.legend_action = QAction("Show Legend", self, checkable=True, checked=True)
        self.legend_action.toggled.connect(self._place_legend)
        self.legend: LegendOverlay | None = None
        self.room = RoomControl(self)  # phases, time box, the room's screen, presentation mode
        self._build_menus()
        self._build_toolbar()
        self._update_title()

    # Menus.

    def _action(self, text: str, slot, shortcut: QKeySequence | QKeySequence.StandardKey | None = None
                ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(shortcut)
        action.triggered.connect(slot)
        return action

    def _build_menus(self) -> None:
        keys = QKeySequence.StandardKey
        file_menu = self.menuBar().addMenu("&File")
        self.new_action = self._action("&New Workshop", lambda: self.new_workshop(), keys.New)
        self.open_action = self._action("&Open…", self.choose_and_open, keys.Open)
        self.recent_menu = file_menu.addMenu("Open &Recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        self.example_action = self._action("Open &Example Workshop", self.open_example)
        self.save_as_action = self._action("Save &As…", self.choose_save_as, keys.SaveAs)
        self.save_copy_action = self._action("Save a &Copy…", self.choose_save_copy)
        self.close_action = self._action("&Close", self.close_workshop, keys.Close)
        self.quit_action = self._action("&Quit", self.close, keys.Quit)
        file_menu.insertActions(self.recent_menu.menuAction(), [self.new_action, self.open_action])
        file_menu.addActions([self.example_action])
        file_menu.addSeparator()
        self.import_csv_action = self._action("&Import Troubles from CSV…", self.csv.choose_and_import)
        self.export_register_action = self._action("Export &Register as CSV…",
                                                   lambda: self.csv.choose_and_export("register"))
        self.export_plan_action = self._action("Export Action &Plan as CSV…",
                                               lambda: self.csv.choose_and_export("plan"))
        self.export_pdf_action = self._action("Export Action Plan as P&DF…",
                                              self.printing.choose_and_export_plan, keys.Print)
        self.export_picture_action = self._action(
            "Export Map &Picture (PNG, SVG)…",
            lambda: self.view and self.printing.choose_and_export_picture(self.view.map_scene(),
                                                                          self.view.visible_scene_rect()))
        self.export_poster_action = self._action(
            "Export Map P&oster…", lambda: self.view and self.printing.choose_and_export_poster(
                self.view.map_scene()))
        file_menu.addActions([self.export_pdf_action, self.export_poster_action, self.export_picture_action,
                              self.import_csv_action, self.export_register_action, self.export_plan_action])
        file_menu.addSeparator()
        file_menu.addActions([self.save_as_action, self.save_copy_action])
        file_menu.addSeparator()
        file_menu.addActions([self.close_action, self.quit_action])

        edit_menu = self.menuBar().addMenu("&Edit")
        self.undo_action = self.undo_group.createUndoAction(self, "Undo")
        self.undo_action.setShortcut(keys.Undo)
        self.redo_action = self.undo_group.createRedoAction(self, "Redo")
        self.redo_action.setShortcut(keys.Redo)
        edit_menu.addActions([self.undo_action, self.redo_action])
        edit_menu.addSeparator()
        find = edit_menu.addAction("Search Cards", lambda: self.search_box.setFocus())
        find.setShortcut(keys.Find)
        self.map_actions.fill_menus(self.menuBar())
        view_menu = next(a.menu() for a in self.menuBar().actions() if a.text() == "&View")
        view_menu.addSeparator()
        view_menu.addActions([self.legend_action, self.inspector_dock.toggleViewAction(),
                              self.tables_dock.toggleViewAction(), self.priorities_dock.toggleViewAction(),
                              self.meetings_dock.toggleViewAction()])
        self.room.fill_menu(view_menu)
        workshop_menu = self.menuBar().addMenu("&Workshop")
        self.details_action = workshop_menu.addAction("&Details…", self.open_details)
        team_menu = self.menuBar().addMenu("&Team")
        self.roster_action = team_menu.addAction("Team &Roster…", self.open_roster)
        self.dots_action = team_menu.addAction("&Dots per Person…", self.ask_dots_per_person)
        self.review_action = team_menu.addAction("&Review Open Actions…", self.open_review)
        team_menu.addAction(self.meetings_dock.toggleViewAction())
        workshop_menu.addAction(self.roster_action)
        workshop_menu.addAction(self.dots_action)
        background_menu = workshop_menu.addMenu("&Background")
        background_menu.addActions([self.map_actions.import_background, self.map_actions.paste_background])
        background_menu.aboutToShow.connect(lambda: self.backgrounds.fill_menu(background_menu))
        self._update_actions()

    def _dock(self, title: str, name: str, widget: QWidget, area: Qt.DockWidgetArea,
              visible: bool = False) -> QDockWidget:
        """A panel the facilitator can show, move or hide; hidden at first so the map has the room."""
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        dock.setVisible(visible)
        return dock

    def _fill_voters(self, _changes: object = None) -> None:
        """The room, then each person on the roster, keeping the current choice."""
        current = self.voter_box.currentData()
        self.voter_box.blockSignals(True)
        self.voter_box.clear()
        self.voter_box.addItem("the room's tally", None)
        if self.service is not None:
            for person in sorted(self.service.document.people.values(), key=lambda p: p.name.casefold()):
                self.voter_box.addItem(person.name, person.id)
        self.voter_box.setCurrentIndex(max(0, self.voter_box.findData(current)))
        self.voter_box.blockSignals(False)
        self._voter_changed()

    def _voter_changed(self, _index: int = 0) -> None:
        if self.view is not None:
            self.view.map_scene().voter_id = self.voter_box.currentData()

    def ask_dots_per_person(self) -> None:
        if self.service is None:
            return
        dots, ok = QInputDialog.getInt(self, "Dots per person", "Dots each person may place:",
                                       self.service.document.workshop.dots_per_person, 1, 100)
        if ok:
            try:
                self.service.update_workshop(dots_per_person=dots)
            except RuleError as error:
                self.show_error("Not changed", str(error))

    def new_action_for_selection(self) -> None:
        """An action for the cards selected on the map, typed straight into the action plan."""
        if self.view is None:
            return
        selected = self.view.map_scene().selected_card_ids()
        if not selected:
            self.statusBar().showMessage("Select the cards the action is for first.", 6000)
            return
        self.tables_dock.show()
        self.tables.tabs.setCurrentIndex(1)
        self.tables.new_action(selected)

    def open_roster(self) -> None:
        from trouble_mapper.ui.roster import RosterDialog  # loaded when first needed, not at start-up

        if self.service is not None:
            dialog = RosterDialog(self.service, self)
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # it listens to the service while open
            dialog.open()

    def open_details(self) -> None:
        from trouble_mapper.ui.workshop_details import WorkshopDetailsDialog  # loaded when first needed

        if self.service is not None:
            dialog = WorkshopDetailsDialog(self.service, self)
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialog.open()

    def open_review(self) -> None:
        """Step through the open actions with the room, notes going to the latest meeting."""
        from trouble_mapper.ui.review_mode import ReviewDialog  # loaded when first needed

        if self.service is None:
            return
        meetings = sorted(self.service.document.meetings.values(), key=lambda meeting: meeting.date)
        dialog = ReviewDialog(self.service, meetings[-1].id if meetings else None, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    @property
    def priorities(self) -> PrioritiesPanel:
        if self._priorities is None:
            from trouble_mapper.ui.priorities_panel import PrioritiesPanel

            self._priorities = PrioritiesPanel()
            self._priorities.cards_selected.connect(self.select_on_map)
            self._priorities.edit_refused.connect(self._tell_refusal)
            self._priorities.set_service(self.service)
            self._priorities.show_selection(self._map_selection())
            self.priorities_dock.setWidget(self._priorities)
        return self._priorities

    @property
    def tables(self) -> TablesPanel:
        if self._tables is None:
            from trouble_mapper.ui.tables import TablesPanel

            self._tables = TablesPanel()
            self._tables.cards_selected.connect(self.select_on_map)
            self._tables.edit_refused.connect(self._tell_refusal)
            self._tables.set_service(self.service)
            self._tables.show_cards(self._map_selection())
            self.tables_dock.setWidget(self._tables)
        return self._tables

    def _show_meetings(self) -> None:
        """The meetings panel of the open workshop, made when its dock is first shown."""
        if self.meetings is None and self.service is not None:
            from trouble_mapper.ui.meetings import MeetingsPanel

            self.meetings = MeetingsPanel(self.service)
            self.meetings.meeting_started.connect(
                lambda _id: self.statusBar().showMessage("Meeting started", 4000))
            self.meetings_dock.setWidget(self.meetings)

    def _map_selection(self) -> list[str]:
        return self.view.map_scene().selected_card_ids() if self.view is not None else []

    def _tell_refusal(self, text: str) -> None:
        self.statusBar().showMessage(text, 8000)

    def _panels(self) -> list:
        """The service-following panels made so far."""
        return [panel for panel in (self._priorities, self._tables) if panel is not None]

    def select_on_map(self, card_ids: list[str]) -> None:
        """Select cards chosen in a panel (table, ranking, matrix) on the map and bring them into view.

        A panel whose own selection empties (its rows re-sorted after an edit) leaves the map alone.
        """
        if self.view is None or not card_ids:
            return
        scene = self.view.map_scene()
        scene.select_only(card_ids)
        rect = QRectF()
        for card_id in card_ids:
            if card_id in scene.cards:
                rect = rect.united(scene.cards[card_id].rect_in_scene)
        if not rect.isNull():
            self.view.ensureVisible(rect, 60, 60)

    def _build_toolbar(self) -> None:
        toolbar = self.addToolBar("Map")
        toolbar.setObjectName("mapToolbar")
        self.map_actions.fill_toolbar(toolbar)
        toolbar.addSeparator()
        toolbar.addWidget(self.search_box)
        toolbar.addWidget(self.search_result)
        toolbar.addSeparator()
        toolbar.addWidget(QLabel(" Dots: "))
        toolbar.addWidget(self.voter_box)
        self.addToolBarBreak()
        self.addToolBar(self.room.phase_bar)

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        for path in self.recent.paths():
            action = self.recent_menu.addAction(path.stem)
            action.setToolTip(str(path))
            action.triggered.connect(lambda _=False, p=path: self.open_path(p))
        if self.recent_menu.isEmpty():
            self.recent_menu.addAction("No recent workshops").setEnabled(False)

    def _update_actions(self) -> None:
        is_open = self.service is not None
        editable = is_open and not self.service.read_only  # type: ignore[union-attr]
        for action in (self.save_as_action, self.save_copy_action, self.close_action):
            action.setEnabled(is_open)
        self.map_actions.bind(self.view, editable)
        self.search_box.setEnabled(is_open)
        self.roster_action.setEnabled(is_open)
        self.details_action.setEnabled(is_open)
        self.import_csv_action.setEnabled(editable)
        self.export_register_action.setEnabled(is_open)
        self.export_plan_action.setEnabled(is_open)
        self.export_pdf_action.setEnabled(is_open)
        self.export_picture_action.setEnabled(is_open)
        self.export_poster_action.setEnabled(is_open)
        self.dots_action.setEnabled(editable)
        self.voter_box.setEnabled(editable)
        self.review_action.setEnabled(is_open)

    def _update_title(self) -> None:
        if self.service is None:
            self.setWindowTitle(APP_NAME)
            self.setWindowFilePath("")
            return
        path = self.service.file.path
        suffix = " [read-only]" if self.service.read_only else ""
        self.setWindowTitle(f"{self.service.document.workshop.title} — {path.name}{suffix} — {APP_NAME}")
        self.setWindowFilePath(str(path))

    # Opening and closing.

    @property
    def welcome(self) -> WelcomePage:
        if self._welcome is None:
            from trouble_mapper.ui.welcome import WelcomePage

            self._welcome = WelcomePage()
            self._welcome.new_requested.connect(lambda: self.new_workshop())
            self._welcome.open_requested.connect(self.choose_and_open)
            self._welcome.example_requested.connect(self.open_example)
            self._welcome.path_requested.connect(self.open_path)
            self.pages.addWidget(self._welcome)
        return self._welcome

    def show_welcome(self) -> None:
        self.welcome.show_choices(self.recent.last_open, self.recent.paths())
        self.pages.setCurrentWidget(self.welcome)

    def open_path(self, path: str | Path) -> bool:
        """Open a workshop file in this window (closing the current one). False, with a message, if not."""
        path = Path(path).absolute()
        if self.service is not None and self.service.file.path == path:
            return True
        try:
            opened = open_workshop(path)
        except WorkshopFileError as error:
            self.show_error("Cannot open workshop", str(error))
            if not path.exists():
                self.recent.remove(path)
            return False
        self.close_workshop()
        self._show_service(WorkshopService(opened, self))
        return True

    def _show_service(self, service: WorkshopService) -> None:
        self.service = service
        service.save_failed.connect(lambda message: self.show_error("Change not saved", message))
        service.changed.connect(lambda _changes: self._update_title())
        self.undo_group.addStack(service.undo_stack)
        self.undo_group.setActiveStack(service.undo_stack)
        self.view = MapView(MapScene(service))
        self.workspace_layout.addWidget(self.view)
        self._connect_map(self.view)
        self.room.open(service, self.view)
        self.banner.setVisible(service.read_only)
        if service.read_only:
            self.banner.setText(f"Read-only: {service.file.read_only_reason} You can look at this workshop "
                                "but not change it. Use File > Save a Copy to edit a copy.")
        self.pages.setCurrentWidget(self.workspace)
        self.recent.add(service.file.path)
        self.recent.last_open = service.file.path
        self._update_title()
        self._update_actions()
        self.view.fit_all()

    def close_workshop(self) -> None:
        """Close the open workshop (everything is already saved) and show the welcome page."""
        if self.service is None:
            return
        if self.view is not None:
            self.view.map_scene().finish_draft()  # what is being typed is kept, as everything else is
        self.room.close()
        self.undo_group.removeStack(self.service.undo_stack)
        if self.view is not None:
            self.view.map_scene().selectionChanged.disconnect(self._selection_changed)
        self.inspector.set_service(None)
        for panel in self._panels():
            panel.set_service(None)
        self.voter_box.blockSignals(True)
        self.voter_box.clear()
        self.voter_box.blockSignals(False)
        if self.meetings is not None:
            self.meetings_dock.setWidget(QWidget())
            self.meetings.deleteLater()
            self.meetings = None
        self.search_box.clear()
        self.legend = None
        if self.view is not None:
            self.workspace_layout.removeWidget(self.view)
            self.view.deleteLater()
            self.view = None
        self.service.close()
        self.service.deleteLater()
        self.service = None
        self.recent.last_open = None
        self._update_title()
        self._update_actions()
        self.show_welcome()

    def choose_and_open(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open workshop", str(places.workshops_folder()),
                                              FILE_FILTER)
        if path:
            self.open_path(path)

    def open_example(self) -> bool:
        """Open the user's copy of the bundled example (made on first use)."""
        try:
            return self.open_path(places.example_copy())
        except OSError as error:
            self.show_error("Cannot open the example", f"The example could not be copied: {error}")
            return False

    def new_workshop(self, title: str | None = None) -> Path | None:
        """Create a workshop in the user's data folder (written at once) and open it.

        Without a title, the new-workshop guide asks for everything (or only the title, if skipped).
        """
        from trouble_mapper.ui.workshop_guide import (  # loaded when first needed
            NewWorkshopGuide,
            create_from_setup,
            title_only_setup,
        )

        if title is None:
            guide = NewWorkshopGuide(self)
            if guide.exec() != QDialog.DialogCode.Accepted:
                return None
            setup = guide.setup()
            guide.deleteLater()  # it holds the chosen picture's bytes
        else:
            setup = title_only_setup(title)
        path = places.unused_path(places.workshops_folder(), places.file_name_for(setup.workshop.title))
        try:
            create_from_setup(path, setup)
        except WorkshopFileError as error:
            self.show_error("Cannot create workshop", str(error))
            return None
        return path if self.open_path(path) else None

    # Copies.

    def choose_save_as(self) -> None:
        target = self._ask_target("Save workshop as")
        if target:
            self.save_as(target)

    def choose_save_copy(self) -> None:
        target = self._ask_target("Save a copy of the workshop")
        if target:
            self.save_copy(target)

    def _ask_target(self, caption: str) -> Path | None:
        if self.service is None:
            return None
        start = str(self.service.file.path.with_name(self.service.file.path.stem + " copy" + FILE_SUFFIX))
        path, _ = QFileDialog.getSaveFileName(self, caption, start, FILE_FILTER)
        if not path:
            return None
        target = Path(path)
        return target if target.suffix else target.with_suffix(FILE_SUFFIX)

    def save_copy(self, target: Path) -> bool:
        """Write a complete copy of the open workshop to ``target``; keep working on the current file."""
        assert self.service is not None
        target = target.absolute()
        if target == self.service.file.path:
            return True
        try:
            fd, temp_name = tempfile.mkstemp(prefix=".saving-", suffix=FILE_SUFFIX, dir=target.parent)
            os.close(fd)
            try:
                self.service.file.repository.copy_to(Path(temp_name))
                os.replace(temp_name, target)
            finally:
                Path(temp_name).unlink(missing_ok=True)
        except Exception as error:  # sqlite3.Error or OSError: both mean the copy was not written
            self.show_error("Copy not saved", f"“{target.name}” could not be written: {error}")
            return False
        return True

    def save_as(self, target: Path) -> bool:
        """Copy the workshop to ``target`` and carry on editing there; the old file stays as it was."""
        return self.save_copy(target) and self.open_path(target)

    # The open map.

    def _connect_map(self, view: MapView) -> None:
        scene = view.map_scene()
        scene.refused.connect(lambda message: self.statusBar().showMessage(message, 8000))
        scene.notice.connect(lambda message: self.statusBar().showMessage(message, 4000))
        scene.zone_drawn.connect(self._name_zone)
        scene.selectionChanged.connect(self._selection_changed)
        view.picture_dropped.connect(self.backgrounds.drop)
        view.context_menu_requested.connect(
            lambda at, where, item: show_map_menu(self, scene, at, where, item, view.start_capture,
                                                  self.new_action_for_selection))
        scene.zone_mode_changed.connect(self.map_actions.draw_zone.setChecked)
        view.zoom_changed.connect(lambda zoom: self.zoom_label.setText(f"Zoom {zoom:.0%}"))
        self.inspector.set_service(scene.service)
        for panel in self._panels():
            panel.set_service(scene.service)
        scene.service.changed.connect(self._fill_voters)
        self._fill_voters()
        if self.meetings_dock.isVisible():
            self._show_meetings()
        self.inspector.edit_refused.connect(lambda message: self.statusBar().showMessage(message, 8000))
        self.legend = LegendOverlay(view)
        self.legend.set_scheme(scene.service.document.workshop.category_scheme)
        scene.service.changed.connect(self._scheme_changed)
        self._place_legend()
        view.setFocus()

    def _selection_changed(self) -> None:
        if self.view is not None and self.sender() is self.view.map_scene():
            selected = self.view.map_scene().selected_card_ids()
            self.inspector.show_cards(selected)
            if self._priorities is not None:
                self._priorities.show_selection(selected)
            if self._tables is not None:
                self._tables.show_cards(selected)

    def _place_legend(self) -> None:
        if self.legend is not None:
            self.legend.setVisible(self.legend_action.isChecked())

    def _scheme_changed(self, _changes: object) -> None:
        if self.legend is not None and self.service is not None:
            self.legend.set_scheme(self.service.document.workshop.category_scheme)

    def _search(self, query: str) -> None:
        if self.view is None:
            return
        matches = self.view.map_scene().set_query(query)
        found = "" if matches is None else describe_count(len(matches), "match", "matches")
        self.search_result.setText(found)

    def _name_zone(self, rect: QRectF) -> None:
        if self.service is None:
            return
        name, ok = QInputDialog.getText(self, "New zone", "Zone name (Infeed, Filler, Capper…):")
        if ok and name.strip():
            try:
                self.service.add_zone(name.strip()[:200], rect.x(), rect.y(), rect.width(), rect.height())
            except RuleError as error:
                self.show_error("Zone not added", str(error))

    # Messages and exit.

    def show_error(self, title: str, text: str) -> None:
        QMessageBox.warning(self, title, text)

    def closeEvent(self, event: QCloseEvent) -> None:
        last = self.service.file.path if self.service else None
        self.close_workshop()
        self.recent.last_open = last
        event.accept()


