"""Background pictures are decoded on a worker thread, so opening a workshop never waits on a big image.

The caps here bound the memory one picture may take, both when a picture is imported
(canvas/picture_import.py) and when a stored one is decoded: a workshop file is untrusted input, so a
"decompression bomb" inside it (a tiny PNG whose header claims 100,000 × 100,000 pixels) is refused from
its header, before Qt allocates any pixels.

Qt's SVG renderer would draw <image> elements that name a local file, showing a picture from the disk of
whoever opens the workshop: such SVGs are refused (``svg_reaches_outside``) before Qt parses them.

Decoder threads are waited for when the application quits (``wait_for_decoders``): Qt must not be torn
down while a picture is still being read.
"""

from __future__ import annotations

import functools
import math
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject, QSize, Signal
from PySide6.QtGui import QImage, QImageReader

from trouble_mapper.domain.model import Background

MAX_SIDE = 12_000  # pixels on either side
MAX_PIXELS = 50_000_000  # width × height; 200 MB once decoded at 32 bits per pixel
ALLOCATION_LIMIT_MB = 256  # Qt's own limit on one decoded image; also Qt's default

FORMATS = ("png", "jpeg", "bmp", "webp", "svg")  # what a map background may be, judged by content
_QT_NAMES = {"jpg": "jpeg"}  # names Qt may report for one of FORMATS


class PictureDecoder(QObject):
    """Decodes a Background's image bytes off the main thread; ``decoded`` arrives on the main thread."""

    decoded = Signal(object, QImage)  # (the Background asked for, its image; null if unreadable)

    def decode(self, background: Background) -> None:
        # The thread holds a reference to this object, so it outlives the scene if the map closes first.
        thread = threading.Thread(target=self._run, args=(background,), name="picture-decoder", daemon=True)
        _RUNNING.add(thread)
        thread.start()

    def _run(self, background: Background) -> None:
        try:
            self.decoded.emit(background, read_image(background.image))
        finally:
            _RUNNING.discard(threading.current_thread())


_RUNNING: set[threading.Thread] = set()


def wait_for_decoders(timeout: float = 10.0) -> None:
    """Let pictures still being decoded finish (connected to the application's ``aboutToQuit``)."""
    for thread in list(_RUNNING):
        thread.join(timeout)


_SVG_ELEMENT = re.compile(rb"<\s*(?:[a-z0-9_-]+:)?svg[\s>]", re.IGNORECASE)
_OUTSIDE_REFERENCE = re.compile(  # an <image>, <use> or <feImage> naming something outside the drawing
    rb"""<\s*(?:[a-z0-9_-]+:)?(?:image|use|feimage)\b[^>]*?(?:href|src)\s*=\s*["'](?!\s*(?:data:|#))""",
    re.IGNORECASE | re.DOTALL)


def svg_reaches_outside(data: bytes) -> bool:
    """True when an SVG names another file or address (``<image href="/home/...">``, ``<use href=...>``).

    Qt would draw such a file from the disk of whoever opens the workshop, so these drawings are refused;
    pictures embedded as ``data:`` and references inside the drawing (``#id``) are fine.
    """
    return _SVG_ELEMENT.search(data) is not None and _OUTSIDE_REFERENCE.search(data) is not None


def read_image(data: bytes) -> QImage:
    """Decode stored image bytes; a null QImage if they are not a picture a map may show.

    The format comes from the content and must be one of FORMATS. A raster picture whose header is over
    the caps (MAX_SIDE, MAX_PIXELS, ALLOCATION_LIMIT_MB) is refused before any pixel is allocated; an
    SVG is drawn at its declared size, scaled down to fit the caps.
    QImageReader.read() lets other Python threads run while it decodes; QImage.fromData does not.
    """
    if svg_reaches_outside(data):  # checked before Qt parses the drawing (it would open those files)
        return QImage()
    with image_reader(data) as reader:
        image_format = format_of(reader)
        size = reader.size()
        if image_format not in readable_formats() or size.isEmpty():
            return QImage()
        if image_format == "svg":
            reader.setScaledSize(fitted(size, MAX_SIDE, MAX_PIXELS))
        elif too_big(size) or memory_needed(reader, size) > ALLOCATION_LIMIT_MB * 2**20:
            return QImage()
        return reader.read()


@contextmanager
def image_reader(data: bytes) -> Iterator[QImageReader]:
    """A QImageReader over ``data`` that tells the format from the content alone, never from a name.

    On leaving, the reader drops its format handler while the buffer still exists: some handlers (TIFF)
    touch the device when destroyed, and Python may free the buffer first (a segfault with Qt 6.11).
    """
    bound_allocations()
    buffer = QBuffer()
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    reader = QImageReader(buffer)
    reader.setDecideFormatFromContent(True)
    try:
        yield reader
    finally:
        reader.setDevice(None)
        buffer.close()


def bound_allocations() -> None:
    """Keep Qt's limit on one decoded image at ALLOCATION_LIMIT_MB or stricter.

    QImageReader.setAllocationLimit is process-wide in Qt 6 (not per reader): a stricter limit set
    elsewhere is kept, a looser one or none (0) is brought back down.
    """
    current = QImageReader.allocationLimit()
    if current <= 0 or current > ALLOCATION_LIMIT_MB:
        QImageReader.setAllocationLimit(ALLOCATION_LIMIT_MB)


@functools.cache
def readable_formats() -> tuple[str, ...]:
    """The FORMATS this Qt build can decode (WebP and SVG come from plugins that may be missing)."""
    available = {bytes(name.data()).decode("ascii", "replace") for name in
                 QImageReader.supportedImageFormats()}
    return tuple(name for name in FORMATS if name in available)


def format_of(reader: QImageReader) -> str:
    """The reader's format as a lowercase name ("jpeg", "gif"...), "" if Qt does not recognise the data."""
    name = bytes(reader.format().data()).decode("ascii", "replace").lower()
    return _QT_NAMES.get(name, name)


def too_big(size: QSize) -> bool:
    """True if a picture of ``size`` is over MAX_SIDE on a side or over MAX_PIXELS in all."""
    width, height = size.width(), size.height()
    return width > MAX_SIDE or height > MAX_SIDE or width * height > MAX_PIXELS


def memory_needed(reader: QImageReader, size: QSize) -> int:
    """Bytes the decoded image will take, from the header (16-bit PNGs take 8 bytes a pixel)."""
    bits = QImage.toPixelFormat(reader.imageFormat()).bitsPerPixel() or 32  # 0: handler did not say
    return math.ceil(size.width() * bits / 8) * size.height()


def fitted(size: QSize, side: int, pixels: int) -> QSize:
    """``size`` scaled down (never up, aspect kept) to at most ``side`` on a side and ``pixels`` in all."""
    width, height = size.width(), size.height()
    factor = min(1.0, side / width, side / height, math.sqrt(pixels / (width * height)))
    return QSize(max(1, int(width * factor)), max(1, int(height * factor)))
