"""The map as a picture: PNG and SVG files of the whole map or of one area (the current view).

Rendering needs a Qt GUI application; ``ensure_gui_app`` makes an offscreen one for command-line use.
``open_map`` opens a workshop read-only and waits for its background picture, so an export of a file
never changes it. Files are written atomically (temporary file beside the target, then os.replace): a
reader never sees half a picture, and a failed export leaves nothing behind. Errors are ExportFailed
(an OSError) whose message is written for the user.
"""

from __future__ import annotations

import errno
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QCoreApplication, QIODevice, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter

from trouble_mapper import atomic_file
from trouble_mapper.canvas.scene import MapScene
from trouble_mapper.export.map_picture import ensure_gui_app
from trouble_mapper.service import WorkshopService
from trouble_mapper.storage.workshop_file import open_workshop

BACKGROUND_TIMEOUT = 20.0  # seconds to wait for the background picture to be decoded
PADDING = 24.0  # map units around the whole map in an export
MAX_PIXELS = 40_000_000  # one rendered image: 160 MB at 32 bits per pixel



class ExportFailed(OSError):
    """An export could not be written; ``str(error)`` is the message for the user."""

    def __init__(self, message: str, code: int | None = None) -> None:
        if code is None:
            super().__init__(message)
        else:
            super().__init__(code, message)
        self.message = message

    def __str__(self) -> str:
        return self.message


def wait_for_background(scene: MapScene, timeout: float = BACKGROUND_TIMEOUT) -> None:
    """Process events until the background picture is placed (or could not be read).

    Raises TimeoutError when the picture is still being decoded after ``timeout`` seconds.
    """
    refused: list[str] = []
    scene.refused.connect(refused.append)
    try:
        deadline = time.monotonic() + timeout
        while scene.background_pending and not refused:
            if time.monotonic() > deadline:
                raise TimeoutError(f"The background picture was still loading after {timeout:g} seconds; "
                                   "try the export again.")
            QCoreApplication.processEvents()
            time.sleep(0.005)
    finally:
        scene.refused.disconnect(refused.append)


@contextmanager
def open_map(path: Path | str, *,
             timeout: float = BACKGROUND_TIMEOUT) -> Iterator[tuple[WorkshopService, MapScene]]:
    """Open the workshop at ``path`` read-only, as a map ready to render; the file is closed afterwards.

    Raises the storage errors (WorkshopFileError, with a message for the user) when the file cannot be
    opened, and TimeoutError when its background picture takes too long to decode.
    """
    ensure_gui_app()
    workshop_file = open_workshop(path, read_only=True)
    service = scene = None
    try:
        service = WorkshopService(workshop_file)
        scene = MapScene(service)
        wait_for_background(scene, timeout)
        yield service, scene
    finally:
        if scene is not None:
            scene.clear()
        if service is not None:
            service.close()
        else:
            workshop_file.close()


def workshop_title(scene: MapScene) -> str:
    return scene.service.document.workshop.title.strip() or "Trouble map"


# Rendering.


@contextmanager
def full_detail(scene: MapScene) -> Iterator[MapScene]:
    """Every card draws itself (no zoomed-out overview) while rendering; the view's zoom comes back after."""
    before = getattr(scene, "_scale", 1.0)
    scene.set_scale(1.0)
    try:
        yield scene
    finally:
        scene.set_scale(before)


def render_image(scene: MapScene, source: QRectF, width: int, height: int,
                 fill: QColor | Qt.GlobalColor = Qt.GlobalColor.white) -> QImage:
    """``source`` (scene coordinates) drawn into a new ``width`` × ``height`` image (RGB32)."""
    if width < 1 or height < 1:
        raise ValueError("There is nothing to draw: the area is empty.")
    if width * height > MAX_PIXELS:
        raise ValueError(f"The picture would be {width} × {height} pixels, too large to make; "
                         "choose a smaller size.")
    image = QImage(width, height, QImage.Format.Format_RGB32)
    if image.isNull():
        raise ValueError(f"There is not enough memory for a {width} × {height} pixel picture.")
    image.fill(fill)
    painter = QPainter(image)
    try:
        painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing
                               | QPainter.RenderHint.SmoothPixmapTransform)
        with full_detail(scene):
            scene.render(painter, QRectF(0, 0, width, height), source, Qt.AspectRatioMode.IgnoreAspectRatio)
    finally:
        painter.end()
    return image


def map_area(scene: MapScene) -> QRectF:
    """The whole map with a thin white-space border, so the outermost cards do not touch the edge."""
    return scene.map_rect().adjusted(-PADDING, -PADDING, PADDING, PADDING)


def _area(scene: MapScene, rect: QRectF | None) -> QRectF:
    area = QRectF(map_area(scene) if rect is None else rect).normalized()
    if area.width() <= 0 or area.height() <= 0:
        raise ValueError("There is nothing to export: the chosen area is empty.")
    return area


# Writing files.


def _describe(error: OSError, path: Path) -> str:
    folder = path.parent
    code = error.errno
    if code == errno.ENOENT:
        return f"The folder “{folder}” does not exist (any more). Choose another folder."
    if code == errno.ENOSPC or code == getattr(errno, "EDQUOT", -1):
        return f"The disk holding “{folder}” is full. Free some space or choose another folder."
    if code == errno.EROFS:
        return f"The folder “{folder}” is on a read-only disk. Choose another folder."
    if code in (errno.EACCES, errno.EPERM):
        return f"Trouble Mapper may not write in “{folder}”. Choose another folder."
    if code == errno.EISDIR:
        return f"“{path}” is a folder. Choose a file name."
    if code == errno.ENAMETOOLONG:
        return f"The name “{path.name}” is too long. Choose a shorter one."
    return f"“{path.name}” could not be written in “{folder}” ({error.strerror or error})."


def check_target(path: Path | str) -> Path:
    """Fail early, before any rendering, when ``path``'s folder is missing or ``path`` is a folder."""
    path = Path(path)
    if not path.parent.is_dir():
        raise ExportFailed(_describe(OSError(errno.ENOENT, "missing"), path), errno.ENOENT)
    if path.is_dir():
        raise ExportFailed(_describe(OSError(errno.EISDIR, "folder"), path), errno.EISDIR)
    return path


def write_atomically(path: Path | str, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file beside it, flushed, then renamed over ``path``.

    Raises ExportFailed (an OSError with a message for the user); no temporary file is left behind.
    """
    path = check_target(path)
    try:
        atomic_file.write_atomically(path, data)
    except OSError as error:
        raise ExportFailed(_describe(error, path), error.errno) from error


def _encoded(image: QImage, image_format: str) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    ok = image.save(buffer, image_format)
    buffer.close()
    if not ok:
        raise ValueError(f"The picture could not be encoded as {image_format}.")
    return bytes(data.data())


def png_size(area: QRectF, scale: float, max_side: int) -> tuple[int, int]:
    """Pixel size of ``area`` drawn at ``scale`` pixels per map unit, the longer side at most ``max_side``."""
    scale = min(scale, max_side / max(area.width(), area.height()))
    return max(1, round(area.width() * scale)), max(1, round(area.height() * scale))


def write_png(path: Path | str, scene: MapScene, *, rect: QRectF | None = None, max_side: int = 6000,
              scale: float = 1.0) -> tuple[int, int]:
    """Write the map (or ``rect``, in scene coordinates, such as the current view) as a PNG picture.

    One map unit is ``scale`` pixels (a card is 180 units wide), scaled down so that the longer side is
    at most ``max_side`` pixels. Below about half scale cards show their shape and tag only, as on screen.
    Returns the picture's (width, height).
    """
    path = check_target(path)
    area = _area(scene, rect)
    width, height = png_size(area, scale, max_side)
    image = render_image(scene, area, width, height)
    write_atomically(path, _encoded(image, "PNG"))
    return width, height


def write_svg(path: Path | str, scene: MapScene, rect: QRectF | None = None, *, scale: float = 1.0) -> None:
    """Write the map (or ``rect``) as an SVG drawing titled with the workshop's title.

    Cards, links and zones stay vector shapes and text; the background picture is embedded as an image.
    """
    from PySide6.QtSvg import QSvgGenerator

    path = check_target(path)
    area = _area(scene, rect)
    width, height = max(1, round(area.width() * scale)), max(1, round(area.height() * scale))
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    generator = QSvgGenerator()
    generator.setOutputDevice(buffer)
    generator.setSize(QSize(width, height))
    generator.setViewBox(QRectF(0, 0, width, height))
    generator.setTitle(workshop_title(scene))
    generator.setDescription("Trouble map exported by Trouble Mapper")
    painter = QPainter()
    if not painter.begin(generator):
        raise ValueError("The SVG drawing could not be started.")
    try:
        painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        painter.fillRect(QRectF(0, 0, width, height), Qt.GlobalColor.white)
        with full_detail(scene):
            scene.render(painter, QRectF(0, 0, width, height), area, Qt.AspectRatioMode.IgnoreAspectRatio)
    finally:
        painter.end()
        buffer.close()
    write_atomically(path, bytes(data.data()))
