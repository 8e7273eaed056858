"""Check a picture the facilitator imports (file dialog, drop, paste) before it goes into the workshop.

Every function returns a Picture whose bytes can go to WorkshopService.set_background(picture.data,
picture.format), or raises PictureRefused with a message for the facilitator. The format is told from the
content, never from the file name. The caps (MAX_FILE_BYTES here; MAX_SIDE, MAX_PIXELS and the allocation
limit in canvas/picture.py) are checked from the header before any pixel is decoded; then the picture is
decoded once, to prove it is readable.

Valid pictures keep their original bytes (no re-encode, no downscaling): the workshop file holds exactly
what was imported, and the caps already bound the memory a picture takes. Checking an 8,000 × 6,000 photo
takes about 0.8 s here (it is decoded once); the functions are safe to call on a worker thread.

What Qt 6.11 does with incomplete files, and so what is checked here before decoding:
- PNG and WebP: read() fails (null image, InvalidDataError), so Qt alone would catch them.
- JPEG: read() returns a full-size image with the missing part grey, no error, and only logs a warning
  ("Corrupt JPEG data: premature end of data segment"); BMP: a partial image, no error, no warning.
So the file's structure is walked (PNG chunks to IEND, JPEG markers to EOI, the BMP pixel array, the WebP
RIFF size) and a file that ends early is refused without decoding it.
"""

from __future__ import annotations

import math
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QBuffer, QIODevice, QMimeData, QSize
from PySide6.QtGui import QImage, QImageReader

from trouble_mapper.canvas.picture import (
    ALLOCATION_LIMIT_MB,
    MAX_PIXELS,
    MAX_SIDE,
    fitted,
    format_of,
    image_reader,
    memory_needed,
    readable_formats,
    svg_reaches_outside,
    too_big,
)

MAX_FILE_BYTES = 100_000_000  # 100 MB, as file managers count
PASTED_IMAGE = "the pasted image"  # the name shown for a picture that has no file name
SVG_CHECK_SIDE = 1_024  # an SVG is proved readable by drawing it this small: its bytes are stored as-is

_DISPLAY_NAMES = {"png": "PNG", "jpeg": "JPEG", "bmp": "BMP", "webp": "WebP", "svg": "SVG"}
_MIME_TYPES = ("image/png", "image/jpeg", "image/webp", "image/bmp", "image/svg+xml")  # pasted as bytes


class PictureRefused(Exception):
    """A picture that cannot become a map background; ``str()`` says which and why, in the user's words.

    ``name`` is the file (or PASTED_IMAGE) the message is about, "" if none.
    """

    def __init__(self, message: str, name: str = "") -> None:
        super().__init__(message)
        self.name = name


def _refused(name: str, problem: str) -> PictureRefused:
    """``“plan.png” is empty.``, or ``The pasted image is empty.``"""
    subject = name if name == PASTED_IMAGE else f"“{name}”"
    return PictureRefused(f"{subject[0].upper()}{subject[1:]} {problem}", name)


@dataclass(frozen=True)
class Picture:
    """A checked picture: its bytes exactly as imported, its format ("png", "jpeg", "bmp", "webp",
    "svg") and its size in pixels (for SVG, its declared size)."""

    data: bytes = field(repr=False)
    format: str
    width: int
    height: int


def picture_from_file(path: str | os.PathLike[str]) -> Picture:
    """The picture in the file at ``path``.

    Raises PictureRefused if the file is missing, a folder or not a regular file, unreadable, over
    MAX_FILE_BYTES, or not a picture that passes picture_from_bytes.
    """
    path = Path(path)
    name = path.name or str(path)
    return picture_from_bytes(_read_file(path, name), name)


def picture_from_bytes(data: bytes, name: str) -> Picture:
    """The picture in ``data``; ``name`` (a file name, or PASTED_IMAGE) is what messages call it.

    Raises PictureRefused if the data is empty, over MAX_FILE_BYTES, not in a readable format, over the
    size caps, incomplete or damaged.
    """
    if not data:
        raise _refused(name, "is empty.")
    if len(data) > MAX_FILE_BYTES:
        raise _too_many_bytes(name, len(data))
    if svg_reaches_outside(data):  # before Qt parses the drawing, which would open those files
        raise _refused(name, "is a drawing that shows other files from this computer, which a workshop "
                             "cannot carry. Embed its pictures in the SVG, or export it as PNG, and "
                             "import it again.")
    with image_reader(data) as reader:
        image_format = format_of(reader)
        _check_format(name, image_format)
        size = reader.size()
        _check_size(name, reader, size)
        if _ends_early(image_format, data):
            raise _refused(name, "is damaged or incomplete (the file ends early).")
        if image_format == "svg":
            reader.setScaledSize(fitted(size, SVG_CHECK_SIDE, SVG_CHECK_SIDE**2))
        image = reader.read()
    if image.isNull():
        raise _refused(name, "is damaged: Trouble Mapper could not read its pixels.")
    width, height = (size.width(), size.height()) if image_format == "svg" else image.size().toTuple()
    return Picture(data, image_format, width, height)


def picture_from_image(image: QImage, name: str = PASTED_IMAGE) -> Picture:
    """A picture made from an image already in memory (the clipboard), encoded as PNG.

    Raises PictureRefused if the image is null, over the size caps, or over MAX_FILE_BYTES once encoded.
    """
    if image.isNull():
        raise _refused(name, "is empty.")
    if too_big(image.size()):
        raise _too_many_pixels(name, image.size())
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise _refused(name, "could not be saved as a PNG picture.")
    data = bytes(buffer.data().data())
    if len(data) > MAX_FILE_BYTES:
        raise _too_many_bytes(name, len(data))
    return Picture(data, "png", image.width(), image.height())


def picture_from_mime(mime: QMimeData) -> Picture | None:
    """The picture in dropped or pasted data, or None if it holds neither a local file nor an image.

    A local file comes first (its bytes are kept as they are), then image bytes in a readable format,
    then an image Qt has decoded (encoded as PNG). Raises PictureRefused as the functions above do.
    """
    files = [url.toLocalFile() for url in mime.urls() if url.isLocalFile()] if mime.hasUrls() else []
    if files:
        return picture_from_file(files[0])
    for mime_type in _MIME_TYPES:
        if mime.hasFormat(mime_type):
            return picture_from_bytes(bytes(mime.data(mime_type).data()), PASTED_IMAGE)
    if mime.hasImage():
        image = mime.imageData()  # a QImage, or a QPixmap if that is what was put there
        return picture_from_image(image if isinstance(image, QImage) else image.toImage())
    return None


# --- reading the file -----------------------------------------------------------------------------------

def _read_file(path: Path, name: str) -> bytes:
    """The file's bytes, read only once it is known to be a regular file within MAX_FILE_BYTES."""
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise _refused(name, "is a folder, not a picture.")
        if not stat.S_ISREG(info.st_mode):
            raise _refused(name, "is not a file that holds a picture.")
        if info.st_size > MAX_FILE_BYTES:
            raise _too_many_bytes(name, info.st_size)
        with path.open("rb") as file:
            data = file.read(MAX_FILE_BYTES + 1)  # the file may have grown since stat()
    except FileNotFoundError:
        raise _refused(name, "could not be found; it may have been moved or deleted.") from None
    except PermissionError:
        raise _refused(name, "could not be read: permission denied.") from None
    except OSError as error:
        reason = (error.strerror or type(error).__name__).lower()
        raise _refused(name, f"could not be read: {reason}.") from error
    if len(data) > MAX_FILE_BYTES:
        raise _too_many_bytes(name, len(data))
    return data


# --- checks from the header -----------------------------------------------------------------------------

def _check_format(name: str, image_format: str) -> None:
    """Refuse data Qt does not recognise, or recognises as a format a map cannot use."""
    readable = readable_formats()
    if image_format in readable:
        return
    names = [_DISPLAY_NAMES[known] for known in readable]
    choices = f"{', '.join(names[:-1])} or {names[-1]}"
    if image_format == "svgz":
        raise _refused(name, "is a compressed SVG drawing, which Trouble Mapper cannot read. "
                             "Save it as a plain SVG and import it again.")
    if image_format:
        raise _refused(name, f"is in {image_format.upper()} format, which Trouble Mapper cannot read "
                             f"({choices} can be imported). Save it in one of those formats and "
                             "import it again.")
    raise _refused(name, f"is not a picture Trouble Mapper can read ({choices}).")


def _check_size(name: str, reader: QImageReader, size: QSize) -> None:
    """Refuse a picture whose header gives no size, or a size over the caps, before decoding it."""
    if not size.isValid():
        raise _refused(name, "is damaged: Trouble Mapper could not read its size.")
    if size.isEmpty():
        raise _refused(name, f"is {_pixels(size)} pixels; there is nothing to show.")
    if too_big(size):
        raise _too_many_pixels(name, size)
    needed = memory_needed(reader, size)
    if needed > ALLOCATION_LIMIT_MB * 2**20:
        raise _refused(name, f"is {_pixels(size)} pixels with more than 8 bits per colour, which "
                             f"takes {needed / 2**20:,.0f} MB of memory to show; a map picture may "
                             f"take {ALLOCATION_LIMIT_MB} MB. Save it with 8 bits per colour, or "
                             "scale it down, and import it again.")


def _too_many_pixels(name: str, size: QSize) -> PictureRefused:
    return _refused(name, f"is {_pixels(size)} pixels; the largest picture a map can hold is "
                          f"{MAX_SIDE:,} pixels on a side and {MAX_PIXELS // 1_000_000} megapixels. "
                          "Scale it down and import it again.")


def _too_many_bytes(name: str, size: int) -> PictureRefused:
    return _refused(name, f"is {_megabytes(size)}; pictures up to {_megabytes(MAX_FILE_BYTES)} "
                          "can be imported.")


def _pixels(size: QSize) -> str:
    return f"{size.width():,} × {size.height():,}"


def _megabytes(size: int) -> str:
    """``size`` in MB rounded up to a tenth, so a file just over the cap never reads as equal to it."""
    return f"{math.ceil(size / 100_000) / 10:,.1f}".removesuffix(".0") + " MB"


# --- files that end early -------------------------------------------------------------------------------

_JPEG_MARKER = re.compile(rb"\xff[^\x00\xd0-\xd7\xff]")  # in scan data: FF 00 is a data byte, FF Dn a restart


def _ends_early(image_format: str, data: bytes) -> bool:
    """True if the file's own structure says bytes are missing at its end."""
    check = {"png": _png_ends_early, "jpeg": _jpeg_ends_early, "bmp": _bmp_ends_early,
             "webp": _webp_ends_early}.get(image_format)
    return check is not None and check(data)


def _png_ends_early(data: bytes) -> bool:
    """Walk the chunks after the signature; a complete PNG reaches its IEND chunk."""
    position = 8
    while position + 8 <= len(data):
        length = int.from_bytes(data[position:position + 4], "big")
        kind = data[position + 4:position + 8]
        position += 12 + length  # length, type, data, CRC
        if kind == b"IEND":
            return position > len(data)
    return True


def _jpeg_ends_early(data: bytes) -> bool:
    """Walk the segments after SOI, skipping entropy-coded scan data; a complete JPEG reaches EOI."""
    position = 2
    while position + 2 <= len(data):
        if data[position] != 0xFF:  # stray bytes between segments: libjpeg skips them, and so do we
            position = data.find(b"\xff", position)
            if position < 0:
                return True
            continue
        marker = data[position + 1]
        if marker == 0xD9:  # EOI
            return False
        if marker == 0xFF or 0xD0 <= marker <= 0xD7 or marker == 0x01:  # fill byte, restart, TEM
            position += 1 if marker == 0xFF else 2
            continue
        if position + 4 > len(data):
            return True
        position += 2 + int.from_bytes(data[position + 2:position + 4], "big")
        if marker == 0xDA:  # SOS: scan data runs to the next marker
            found = _JPEG_MARKER.search(data, position)
            if found is None:
                return True
            position = found.start()
    return True


def _bmp_ends_early(data: bytes) -> bool:
    """Compare the length with where the header says the pixel array ends."""
    if len(data) < 26:
        return True
    offset = int.from_bytes(data[10:14], "little")
    header_size = int.from_bytes(data[14:18], "little")
    if header_size == 12:  # OS/2 BITMAPCOREHEADER: 16-bit sizes, never compressed
        width, height = (int.from_bytes(data[at:at + 2], "little", signed=True) for at in (18, 20))
        bits, compression, image_size = int.from_bytes(data[24:26], "little"), 0, 0
    else:
        if len(data) < 38:
            return True
        width, height = (int.from_bytes(data[at:at + 4], "little", signed=True) for at in (18, 22))
        bits = int.from_bytes(data[28:30], "little")
        compression, image_size = (int.from_bytes(data[at:at + 4], "little") for at in (30, 34))
    if compression in (0, 3, 6):  # BI_RGB, BI_BITFIELDS, BI_ALPHABITFIELDS: rows padded to 4 bytes
        image_size = (abs(width) * bits + 31) // 32 * 4 * abs(height)
    return len(data) < offset + image_size  # RLE: the header's image size (0 if the writer left it out)


def _webp_ends_early(data: bytes) -> bool:
    """A WebP file is one RIFF chunk whose header gives its length."""
    return len(data) < 8 + int.from_bytes(data[4:8], "little")
