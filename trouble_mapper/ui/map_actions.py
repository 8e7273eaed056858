"""The map's menu and toolbar actions, bound to whichever map is open (none: all disabled)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QMenuBar, QToolBar, QWidget

from trouble_mapper.canvas.view import MapView
from trouble_mapper.domain.vocabulary import CardKind


class MapActions(QObject):
    """Creates every map action once; ``bind(view)`` points them at the open map."""

    def __init__(self, window: QWidget, import_picture: Callable[[], None],
                 paste_picture: Callable[[], None], background_menu: Callable[[QMenu], None]) -> None:
        super().__init__(window)
        self.view: MapView | None = None
        self._window = window
        self._editing: list[QAction] = []
        self._viewing: list[QAction] = []
        kinds = {kind: self._edit(f"New {kind.label}", lambda _=False, k=kind: self._capture(k), shortcut)
                 for kind, shortcut in ((CardKind.TROUBLE, "N"), (CardKind.CAUSE, "C"),
                                        (CardKind.COUNTERMEASURE, "M"), (CardKind.NOTE, "Shift+N"))}
        self.new_trouble, self.new_cause = kinds[CardKind.TROUBLE], kinds[CardKind.CAUSE]
        self.new_countermeasure, self.new_note = kinds[CardKind.COUNTERMEASURE], kinds[CardKind.NOTE]
        self.new_trouble.setToolTip("New trouble at the mouse or the centre (N). Type, Enter, type the next.")
        self.new_cause.setToolTip("New cause of the selected card, linked to it (C)")
        self.edit_text = self._edit("Edit Text\tF2", lambda: self._scene_call("edit_selected_text"))
        self.link = self._edit("Link Cause → Effect", lambda: self._scene_call("link_selection"), "L")
        self.link.setToolTip("Select the cause, Ctrl+click the effect, then L (or drag a card's handle)")
        self.delete = self._edit("Delete\tDel", lambda: self._scene_call("delete_selection"))
        self.duplicate = self._edit("Duplicate", lambda: self._scene_call("duplicate_selection"), "Ctrl+D")
        self.align = {edge: self._edit(f"Align {edge.capitalize()}",
                                       lambda _=False, e=edge: self._scene_call("align_selection", e))
                      for edge in ("left", "right", "top", "bottom")}
        self.draw_zone = self._edit("Draw Zone", lambda: None)
        self.draw_zone.setCheckable(True)
        self.draw_zone.toggled.connect(self._toggle_zone_mode)
        self.draw_zone.setToolTip("Drag a rectangle on the map to name a zone (Infeed, Filler...)")
        self.import_background = self._edit("Set Background Picture…", import_picture)
        self.paste_background = self._edit("Paste Background Picture", paste_picture, "Ctrl+Shift+V")
        # Only while the map has focus: in a text box, Ctrl+Shift+V pastes text as usual.
        self.paste_background.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self._background_menu = background_menu
        self.fit_all = self._view("Fit All", lambda: self.view and self.view.fit_all(), "F")
        self.zoom_selection = self._view("Zoom to Selection",
                                         lambda: self.view and self.view.zoom_to_selection(), "Z")
        self.zoom_in = self._view("Zoom In", lambda: self.view and self.view.zoom_by(1.25),
                                  QKeySequence.StandardKey.ZoomIn)
        self.zoom_out = self._view("Zoom Out", lambda: self.view and self.view.zoom_by(0.8),
                                   QKeySequence.StandardKey.ZoomOut)
        self.bind(None, editable=False)

    def _action(self, text: str, slot: Callable, shortcut=None) -> QAction:
        """A single-key shortcut (N, L, F...) is only shown in the menu: the map's own key handling
        does the work, so typing an N in a text box never adds a trouble."""
        label = text.split("\t")[0]
        if isinstance(shortcut, str) and len(shortcut.split("+")[-1]) == 1 and "Ctrl" not in shortcut:
            text, shortcut = f"{text}\t{shortcut}", None
        action = QAction(text, self._window)
        action.setIconText(label)  # the toolbar shows the name; the menu shows the key too
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        return action

    def _edit(self, text: str, slot: Callable, shortcut=None) -> QAction:
        action = self._action(text, slot, shortcut)
        self._editing.append(action)
        return action

    def _view(self, text: str, slot: Callable, shortcut=None) -> QAction:
        action = self._action(text, slot, shortcut)
        self._viewing.append(action)
        return action

    def bind(self, view: MapView | None, editable: bool) -> None:
        """Point the actions at ``view``; editing actions only when the workshop can be edited."""
        if self.view is not None and self.view is not view:
            self.view.removeAction(self.paste_background)
        self.view = view
        if view is not None:
            view.addAction(self.paste_background)  # its shortcut works while the map has focus
        for action in self._editing:
            action.setEnabled(view is not None and editable)
        for action in self._viewing:
            action.setEnabled(view is not None)
        self.draw_zone.setChecked(False)

    def fill_menus(self, menu_bar: QMenuBar) -> None:
        cards = menu_bar.addMenu("&Map")
        cards.addActions([self.new_trouble, self.new_cause, self.new_countermeasure, self.new_note])
        cards.addSeparator()
        cards.addActions([self.edit_text, self.link, self.duplicate, self.delete])
        arrange = cards.addMenu("Align")
        arrange.addActions(list(self.align.values()))
        cards.addSeparator()
        cards.addAction(self.draw_zone)
        background = cards.addMenu("Background")
        background.addActions([self.import_background, self.paste_background])
        background.aboutToShow.connect(lambda: self._background_menu(background))
        view = menu_bar.addMenu("&View")
        view.addActions([self.fit_all, self.zoom_selection, self.zoom_in, self.zoom_out])

    def fill_toolbar(self, toolbar: QToolBar) -> None:
        toolbar.addActions([self.new_trouble, self.new_cause, self.new_countermeasure, self.link,
                            self.draw_zone, self.import_background, self.fit_all])

    # Slots.

    def _capture(self, kind: CardKind) -> None:
        if self.view is not None:
            self.view.start_capture(kind)

    def _scene_call(self, name: str, *args: object) -> None:
        if self.view is not None:
            getattr(self.view.map_scene(), name)(*args)

    def _toggle_zone_mode(self, checked: bool) -> None:
        if self.view is not None:
            self.view.map_scene().set_zone_mode(checked)
