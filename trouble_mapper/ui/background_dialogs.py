"""Putting a picture behind the map: from a file, the clipboard or a drop; scaling, locking, removing it.

Every picture passes ``picture_import`` (format by content, size caps, readable to the end) before the
service stores it; a refused picture gets its message and the workshop file is not touched.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QMimeData
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMenu, QWidget

from trouble_mapper.canvas.picture_import import Picture, PictureRefused, picture_from_file, picture_from_mime
from trouble_mapper.domain.rules import RuleError
from trouble_mapper.service import WorkshopService

IMAGE_FILTER = "Pictures (*.png *.jpg *.jpeg *.bmp *.webp *.svg);;All files (*)"


class BackgroundDialogs:
    """The background gestures of one window; ``service()`` is the open workshop's, or None."""

    def __init__(self, parent: QWidget, service: Callable[[], WorkshopService | None],
                 show_error: Callable[[str, str], None]) -> None:
        self._parent = parent
        self._service = service
        self._show_error = show_error

    def choose_file(self) -> bool:
        path, _ = QFileDialog.getOpenFileName(self._parent, "Background picture", "", IMAGE_FILTER)
        return bool(path) and self.import_file(path)

    def import_file(self, path: str) -> bool:
        return self._store(lambda: picture_from_file(path))

    def paste(self) -> bool:
        mime = QGuiApplication.clipboard().mimeData()
        return self.drop(mime, "The clipboard holds no picture. Copy an image or an image file first.")

    def drop(self, mime: QMimeData | None, nothing: str = "That is not a picture.") -> bool:
        def read() -> Picture:
            picture = picture_from_mime(mime) if mime is not None else None
            if picture is None:
                raise PictureRefused(nothing)
            return picture
        return self._store(read)

    def _store(self, read: Callable[[], Picture]) -> bool:
        service = self._service()
        if service is None:
            return False
        try:
            picture = read()
            return service.set_background(picture.data, picture.format)
        except (PictureRefused, RuleError) as error:
            self._show_error("Background not changed", str(error))
            return False

    def fill_menu(self, menu: QMenu) -> None:
        """Add the scale, lock and remove entries for the current background (rebuilt when shown)."""
        for action in menu.actions()[2:]:
            menu.removeAction(action)
        service = self._service()
        background = service.document.background if service else None
        if background is None or service is None or service.read_only:
            return
        menu.addSeparator()
        menu.addAction("Scale…", self.ask_scale)
        lock = menu.addAction("Locked (cards move, the picture does not)")
        lock.setCheckable(True)
        lock.setChecked(background.locked)
        lock.toggled.connect(lambda locked: self._edit(locked=locked))
        menu.addAction("Remove Background", lambda: self._edit_call(service.remove_background))

    def ask_scale(self) -> None:
        service = self._service()
        if service is None or service.document.background is None:
            return
        percent, ok = QInputDialog.getDouble(self._parent, "Scale background", "Size in percent:",
                                             service.document.background.scale * 100, 5, 1000, 0)
        if ok:
            self._edit(scale=percent / 100)

    def _edit(self, **fields: object) -> None:
        service = self._service()
        if service is not None:
            self._edit_call(lambda: service.update_background(**fields))

    def _edit_call(self, edit: Callable[[], object]) -> None:
        try:
            edit()
        except RuleError as error:
            self._show_error("Background not changed", str(error))
