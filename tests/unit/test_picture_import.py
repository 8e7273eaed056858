"""Background pictures, made here on disk: good ones keep their bytes, bad ones are refused by name.

Every refusal is checked against its message (which file, what is wrong); pictures over the caps must be
refused from their header, which a spy on QImageReader.read proves. Qt warnings fail a test (pyproject),
so a refusal that let Qt try to decode a bomb or a truncated JPEG would fail here too.
"""

from __future__ import annotations

import gzip
import os
import stat
import struct
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from PySide6.QtCore import QBuffer, QIODevice, QMimeData, QUrl
from PySide6.QtGui import QColor, QImage, QImageReader, QImageWriter

from trouble_mapper.canvas import picture, picture_import
from trouble_mapper.canvas.picture import read_image
from trouble_mapper.canvas.picture_import import (
    Picture,
    PictureRefused,
    picture_from_bytes,
    picture_from_file,
    picture_from_image,
    picture_from_mime,
)

SVG = (b'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}">'
       b'<rect width="100%" height="100%" fill="#369"/><circle cx="10" cy="10" r="5" fill="red"/></svg>')


# --- making pictures ------------------------------------------------------------------------------------

def photo(width: int = 160, height: int = 120) -> QImage:
    """A small image with enough detail that every encoder writes real pixel data."""
    image = QImage(width, height, QImage.Format.Format_RGB32)
    for y in range(height):
        for x in range(width):
            image.setPixelColor(x, y, QColor((x * 7) % 256, (y * 5) % 256, (x * y) % 256))
    return image


def encoded(image: QImage, image_format: str, progressive: bool = False) -> bytes:
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QImageWriter(buffer, image_format.encode())
    writer.setProgressiveScanWrite(progressive)
    assert writer.write(image), writer.errorString()
    return bytes(buffer.data().data())


def svg(width: int | str, height: int | str) -> bytes:
    return SVG.replace(b"{w}", str(width).encode()).replace(b"{h}", str(height).encode())


def png_chunk(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))


def png_header_only(width: int, height: int, bit_depth: int = 8, colour_type: int = 2) -> bytes:
    """A tiny, well-formed PNG whose header claims ``width`` × ``height``: a decompression bomb."""
    header = struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header)
            + png_chunk(b"IDAT", zlib.compress(b"\0" * 4096)) + png_chunk(b"IEND", b""))


def needs(image_format: str) -> None:
    if image_format.encode() not in [bytes(f.data()) for f in QImageReader.supportedImageFormats()]:
        pytest.skip(f"this Qt has no {image_format} image plugin")


GIF = (b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00"
       b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;")


def message_of(call: Callable[..., object], *args: object) -> str:
    """The message of the PictureRefused that ``call(*args)`` raises."""
    with pytest.raises(PictureRefused) as refused:
        call(*args)
    return str(refused.value)


@pytest.fixture
def decodes(monkeypatch) -> list[bytes]:
    """The formats of the pictures decoded (QImageReader.read) from now on, by either module."""
    calls: list[bytes] = []
    real = picture.image_reader

    class Spy:
        def __init__(self, reader: QImageReader) -> None:
            self._reader = reader

        def __getattr__(self, name: str):
            return getattr(self._reader, name)

        def read(self) -> QImage:
            calls.append(bytes(self._reader.format().data()))
            return self._reader.read()

    @contextmanager
    def spying(data: bytes) -> Iterator[Spy]:
        with real(data) as reader:
            yield Spy(reader)

    monkeypatch.setattr(picture, "image_reader", spying)
    monkeypatch.setattr(picture_import, "image_reader", spying)
    return calls


# --- pictures that are accepted -------------------------------------------------------------------------

@pytest.mark.parametrize("image_format", ["png", "jpeg", "bmp", "webp"])
def test_each_raster_format_is_accepted_with_its_bytes_kept(qapp, tmp_path, image_format):
    """A PNG, JPEG, BMP or WebP file comes back byte for byte, with its format and size."""
    needs(image_format)
    data = encoded(photo(), image_format)
    path = tmp_path / f"plan.{image_format}"
    path.write_bytes(data)
    assert picture_from_file(path) == Picture(data, image_format, 160, 120)


def test_a_progressive_jpeg_with_bytes_after_its_end_is_accepted(qapp, tmp_path):
    """Several scans and a trailer after the end marker (some cameras add one) are not 'damaged'."""
    data = encoded(photo(), "jpeg", progressive=True) + b"camera trailer"
    assert picture_from_bytes(data, "photo.jpg") == Picture(data, "jpeg", 160, 120)


def test_an_end_marker_inside_an_embedded_thumbnail_does_not_hide_a_cut_jpeg(qapp):
    """A JPEG carrying a thumbnail (a JPEG with its own end marker) is accepted whole, refused cut."""
    thumbnail = encoded(photo(16, 12), "jpeg")
    main = encoded(photo(), "jpeg")
    data = main[:2] + b"\xff\xe9" + (len(thumbnail) + 2).to_bytes(2, "big") + thumbnail + main[2:]
    assert picture_from_bytes(data, "camera.jpg") == Picture(data, "jpeg", 160, 120)
    cut = data[: len(data) - len(main) // 3]
    assert message_of(picture_from_bytes, cut, "camera.jpg") == f"“camera.jpg” {ENDS_EARLY}"


def test_the_jpeg_walk_skips_restart_markers_and_stuffed_bytes():
    """Scan data may hold FF 00 (a data byte), FF D0-D7 (restarts) and fill bytes before a marker."""
    header = b"\xff\xd8" + b"\xff\xdd\x00\x04\x00\x10" + b"\xff\xda\x00\x08" + b"\x01\x01\x00\x00\x3f\x00"
    scan = b"\x12\xff\x00\x34\xff\xd0\x56\xff\xd7\x78"
    assert not picture_import._ends_early("jpeg", header + scan + b"\xff\xff\xd9")
    assert picture_import._ends_early("jpeg", header + scan)
    assert picture_import._ends_early("jpeg", header + scan[:5])


def test_an_svg_is_stored_as_it_is_with_its_declared_size(qapp, tmp_path, decodes):
    """SVG bytes are kept (the decoder draws them later); it is proved readable by drawing it small."""
    data = svg(4000, 3000)
    (tmp_path / "floor.svg").write_bytes(data)
    assert picture_from_file(tmp_path / "floor.svg") == Picture(data, "svg", 4000, 3000)
    assert decodes == [b"svg"]


def test_the_format_comes_from_the_content_not_the_name(qapp, tmp_path):
    """A JPEG named .png is accepted as a JPEG."""
    data = encoded(photo(), "jpeg")
    (tmp_path / "photo.png").write_bytes(data)
    assert picture_from_file(tmp_path / "photo.png").format == "jpeg"


# --- pictures and files that are refused ----------------------------------------------------------------

def truncated(image_format: str) -> Callable[[], bytes]:
    def make() -> bytes:
        needs(image_format)
        data = encoded(photo(), image_format)
        return data[: len(data) * 2 // 3]
    return make


def png_with_a_damaged_pixel_chunk() -> bytes:
    """Complete, but a byte inside the pixel data is wrong, so its checksum fails."""
    data = bytearray(encoded(photo(), "png"))
    data[data.index(b"IDAT") + 20] ^= 0xFF
    return bytes(data)


def qt_written(image_format: str) -> Callable[[], bytes]:
    def make() -> bytes:
        needs(image_format)
        return encoded(photo(20, 20), image_format)
    return make


def wide_mono_png() -> bytes:
    """13,000 × 10 pixels: over the side cap, yet only a few hundred bytes."""
    image = QImage(13_000, 10, QImage.Format.Format_Mono)
    image.fill(0)
    return encoded(image, "png")


TOO_BIG = "; the largest picture a map can hold is 12,000 pixels on a side and 50 megapixels. Scale it down"
NOT_READABLE = "is not a picture Trouble Mapper can read (PNG, JPEG, BMP, WebP or SVG)."
ENDS_EARLY = "is damaged or incomplete (the file ends early)."

REFUSED_CONTENTS = {
    "empty": (lambda: b"", "is empty."),
    "text named png": (lambda: b"Line 4 notes\nbring the floor plan\n" * 20, NOT_READABLE),
    "random bytes": (lambda: bytes((i * 97 + 13) % 256 for i in range(4096)), NOT_READABLE),
    "truncated png": (truncated("png"), ENDS_EARLY),
    "truncated jpeg": (truncated("jpeg"), ENDS_EARLY),
    "truncated bmp": (truncated("bmp"), ENDS_EARLY),
    "truncated webp": (truncated("webp"), ENDS_EARLY),
    "damaged png": (png_with_a_damaged_pixel_chunk, "is damaged: Trouble Mapper could not read its pixels."),
    "cut svg": (lambda: svg(200, 100)[:70], "is damaged: Trouble Mapper could not read its size."),
    "tiff": (qt_written("tiff"), "is in TIFF format, which Trouble Mapper cannot read (PNG, JPEG, BMP, "
                                 "WebP or SVG can be imported)."),
    "gif": (lambda: GIF, "is in GIF format, which Trouble Mapper cannot read"),
    "ico": (qt_written("ico"), "is in ICO format, which Trouble Mapper cannot read"),
    "svgz": (lambda: gzip.compress(svg(200, 100)), "is a compressed SVG drawing"),
    "png bomb": (lambda: png_header_only(100_000, 100_000), "is 100,000 × 100,000 pixels" + TOO_BIG),
    "png over the pixel cap": (lambda: png_header_only(8_000, 8_000), "is 8,000 × 8,000 pixels" + TOO_BIG),
    "png over the side cap": (wide_mono_png, "is 13,000 × 10 pixels" + TOO_BIG),
    "16-bit png over the memory cap": (lambda: png_header_only(7_000, 7_000, bit_depth=16, colour_type=6),
                                       "is 7,000 × 7,000 pixels with more than 8 bits per colour, which "
                                       "takes 374 MB of memory to show; a map picture may take 256 MB."),
    "giant svg": (lambda: svg(200_000, 200_000), "is 200,000 × 200,000 pixels" + TOO_BIG),
    "empty svg": (lambda: b'<svg xmlns="http://www.w3.org/2000/svg" width="0" height="0"/>',
                  "is 0 × 0 pixels; there is nothing to show."),
}


@pytest.mark.parametrize("case", REFUSED_CONTENTS)
def test_a_bad_picture_file_is_refused_by_name_before_any_bad_decode(qapp, tmp_path, decodes, case):
    """Each bad file raises PictureRefused naming it; only a complete file within the caps is decoded."""
    make, problem = REFUSED_CONTENTS[case]
    path = tmp_path / "plan.png"
    path.write_bytes(make())
    with pytest.raises(PictureRefused) as refused:
        picture_from_file(path)
    assert str(refused.value).startswith(f"“plan.png” {problem}")  # the whole message, or its start
    assert refused.value.name == "plan.png"
    assert decodes == ([b"png"] if case == "damaged png" else [])


def test_a_file_over_the_byte_cap_is_refused_without_reading_it(qapp, tmp_path, monkeypatch):
    """A 400 MB file (sparse here) is refused from its size alone."""
    path = tmp_path / "scan.png"
    with path.open("wb") as file:
        file.truncate(400_000_000)
    monkeypatch.setattr(Path, "open", lambda *args, **kwargs: pytest.fail("the file was opened"))
    message = message_of(picture_from_file, path)
    assert message == "“scan.png” is 400 MB; pictures up to 100 MB can be imported."


def test_bytes_over_the_cap_are_refused_before_they_are_looked_at(qapp, monkeypatch, decodes):
    """The byte cap holds for pasted or dropped bytes too (cap lowered here to keep the test small)."""
    monkeypatch.setattr(picture_import, "MAX_FILE_BYTES", 1_000_000)
    data = encoded(photo(), "png") + b"\0" * 1_500_000
    message = message_of(picture_from_bytes, data, "big.png")
    assert message == "“big.png” is 1.6 MB; pictures up to 1 MB can be imported."
    assert decodes == []


def test_a_folder_a_missing_file_and_a_pipe_are_refused_by_name(qapp, tmp_path):
    """Paths that are not picture files get a message saying what they are."""
    (tmp_path / "plans").mkdir()
    assert message_of(picture_from_file, tmp_path / "plans") == "“plans” is a folder, not a picture."
    assert message_of(picture_from_file, tmp_path / "gone.png") == (
        "“gone.png” could not be found; it may have been moved or deleted.")
    if hasattr(os, "mkfifo"):  # opening a pipe would wait forever for a writer
        os.mkfifo(tmp_path / "pipe.png")
        message = message_of(picture_from_file, tmp_path / "pipe.png")
        assert message == "“pipe.png” is not a file that holds a picture."


def test_a_file_without_read_permission_is_refused(qapp, tmp_path):
    """chmod 000: permission denied, named. (Root reads such files anyway: skipped there, see below.)"""
    path = tmp_path / "locked.png"
    path.write_bytes(encoded(photo(), "png"))
    path.chmod(0)
    try:
        if os.access(path, os.R_OK):
            pytest.skip("this user reads files whatever their permissions (root)")
        assert message_of(picture_from_file, path) == "“locked.png” could not be read: permission denied."
    finally:
        path.chmod(stat.S_IRUSR | stat.S_IWUSR)


def test_a_permission_error_while_opening_is_refused(qapp, tmp_path, monkeypatch):
    """The same refusal when opening fails with EACCES (simulated: it runs even as root)."""
    path = tmp_path / "locked.png"
    path.write_bytes(encoded(photo(), "png"))

    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(Path, "open", denied)
    assert message_of(picture_from_file, path) == "“locked.png” could not be read: permission denied."


def test_another_read_error_is_refused_with_its_reason(qapp, tmp_path, monkeypatch):
    """An I/O error (a failing disk, a dropped network share) is reported in plain words."""
    path = tmp_path / "share.png"
    path.write_bytes(encoded(photo(), "png"))

    def failing(*args, **kwargs):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(Path, "open", failing)
    assert message_of(picture_from_file, path) == "“share.png” could not be read: input/output error."


def test_an_unsupported_tiff_read_in_full_then_a_gif_does_not_crash(qapp):
    """The reader drops its handler before its buffer goes (the TIFF handler used to touch a freed one)."""
    needs("tiff")
    for data in (encoded(photo(20, 20), "tiff"), GIF, encoded(photo(20, 20), "tiff")):
        with picture.image_reader(data) as reader:
            assert not reader.read().isNull()
    assert read_image(GIF).isNull()


# --- pasted images --------------------------------------------------------------------------------------

def test_a_pasted_image_becomes_png_bytes_that_decode_to_the_same_picture(qapp):
    """picture_from_image encodes PNG; those bytes read back at the same size and pixels, and pass."""
    image = photo(300, 200)
    pasted = picture_from_image(image)
    assert (pasted.format, pasted.width, pasted.height) == ("png", 300, 200)
    decoded = read_image(pasted.data)
    assert decoded.size().toTuple() == (300, 200)
    assert decoded.convertToFormat(image.format()) == image
    assert picture_from_bytes(pasted.data, "again.png") == pasted


def test_an_empty_or_oversized_pasted_image_is_refused(qapp):
    """The clipboard's image gets the same caps, and messages call it 'the pasted image'."""
    assert message_of(picture_from_image, QImage()) == "The pasted image is empty."
    wide = QImage(13_000, 10, QImage.Format.Format_Mono)
    assert message_of(picture_from_image, wide) == "The pasted image is 13,000 × 10 pixels" + TOO_BIG + (
        " and import it again.")


def test_dropped_or_pasted_data_gives_the_file_then_image_bytes_then_an_image(qapp, tmp_path):
    """A dropped file keeps its bytes; pasted JPEG bytes stay JPEG; a bare image becomes PNG; text: None."""
    data = encoded(photo(), "jpeg")
    (tmp_path / "photo.jpg").write_bytes(data)
    dropped = QMimeData()
    dropped.setUrls([QUrl("https://example.org/x.png"), QUrl.fromLocalFile(str(tmp_path / "photo.jpg"))])
    assert picture_from_mime(dropped) == Picture(data, "jpeg", 160, 120)

    pasted = QMimeData()
    pasted.setData("image/jpeg", data)
    assert picture_from_mime(pasted) == Picture(data, "jpeg", 160, 120)
    pasted.setData("image/jpeg", data[:1000])
    assert message_of(picture_from_mime, pasted) == f"The pasted image {ENDS_EARLY}"

    bare = QMimeData()
    bare.setImageData(photo(30, 20))
    assert picture_from_mime(bare).format == "png" and picture_from_mime(bare).width == 30

    text = QMimeData()
    text.setText("not a picture")
    assert picture_from_mime(text) is None
    refused = PictureRefused("That is not a picture.")  # how the UI words "nothing to import"
    assert (str(refused), refused.name) == ("That is not a picture.", "")


# --- decoding stored pictures ---------------------------------------------------------------------------

def test_read_image_refuses_a_bomb_from_its_header(qapp, decodes):
    """A stored PNG claiming 100,000 × 100,000 pixels decodes to a null image, with nothing allocated."""
    assert read_image(png_header_only(100_000, 100_000)).isNull()
    assert read_image(png_header_only(7_000, 7_000, bit_depth=16, colour_type=6)).isNull()
    assert read_image(wide_mono_png()).isNull()
    assert decodes == []


def test_read_image_decodes_good_pictures_and_draws_svg_within_the_caps(qapp):
    """PNG as before; SVG at its declared size, or scaled down to the caps when it declares more."""
    assert read_image(encoded(photo(), "png")).size().toTuple() == (160, 120)
    assert read_image(svg(300, 150)).size().toTuple() == (300, 150)
    assert read_image(svg(200_000, 2_000)).size().toTuple() == (12_000, 120)
    assert read_image(GIF).isNull() and read_image(b"").isNull() and read_image(b"not a picture").isNull()


def test_the_allocation_limit_is_tightened_but_never_loosened(qapp):
    """Qt's process-wide limit goes back to 256 MB if someone lifted it, and a stricter one is kept."""
    before = QImageReader.allocationLimit()
    try:
        QImageReader.setAllocationLimit(0)  # 0: no limit at all
        read_image(encoded(photo(), "png"))
        assert QImageReader.allocationLimit() == 256
        QImageReader.setAllocationLimit(64)
        read_image(encoded(photo(), "png"))
        assert QImageReader.allocationLimit() == 64
    finally:
        QImageReader.setAllocationLimit(before)


OUTSIDE_SVG = (b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
               b'width="200" height="100"><rect width="200" height="100" fill="#88aacc"/>'
               b'<image xlink:href="/etc/hostname" width="10" height="10"/></svg>')
INSIDE_SVG = (b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
              b'width="200" height="100"><defs><rect id="r" width="20" height="10" fill="#336699"/></defs>'
              b'<rect width="200" height="100" fill="#88aacc"/><use xlink:href="#r"/></svg>')


def test_svg_that_shows_files_from_the_disk_is_refused(qapp):
    """An SVG naming a file outside itself would show that file on whoever's machine opens the map."""
    from trouble_mapper.canvas.picture import read_image
    from trouble_mapper.canvas.picture_import import PictureRefused, picture_from_bytes

    with pytest.raises(PictureRefused, match="shows other files"):
        picture_from_bytes(OUTSIDE_SVG, "plan.svg")
    assert read_image(OUTSIDE_SVG).isNull()  # a stored one, from a hostile workshop file, is not drawn
    picture = picture_from_bytes(INSIDE_SVG, "plan.svg")  # references inside the drawing are fine
    assert picture.format == "svg" and not read_image(INSIDE_SVG).isNull()


def test_svg_with_a_web_link_is_accepted(qapp):
    """A link (``<a href="https://...">``, as draw.io writes) shows nothing from the disk: accepted."""
    from trouble_mapper.canvas.picture_import import picture_from_bytes

    linked = INSIDE_SVG.replace(b"</svg>", b'<a xlink:href="https://www.drawio.com/doc"><text>x</text></a></svg>')
    assert picture_from_bytes(linked, "flow.svg").format == "svg"


def test_quitting_waits_for_a_picture_being_decoded(qapp):
    """The app's aboutToQuit waits for decoder threads: Qt must not be torn down under a running read."""
    from trouble_mapper.canvas import picture
    from trouble_mapper.domain.model import Background

    image = QImage(3000, 3000, QImage.Format.Format_RGB32)
    image.fill(0x224466)
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    decoder = picture.PictureDecoder()
    decoder.decode(Background(image=bytes(buffer.data().data()), format="png"))
    assert picture._RUNNING
    picture.wait_for_decoders()
    assert not picture._RUNNING
