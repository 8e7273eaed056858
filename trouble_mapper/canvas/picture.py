"""Background pictures are decoded on a worker thread, so opening a workshop never waits on a big image."""

from __future__ import annotations

import threading

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject, Signal
from PySide6.QtGui import QImage, QImageReader

from trouble_mapper.domain.model import Background


class PictureDecoder(QObject):
    """Decodes a Background's image bytes off the main thread; ``decoded`` arrives on the main thread."""

    decoded = Signal(object, QImage)  # (the Background asked for, its image; null if unreadable)

    def decode(self, background: Background) -> None:
        # The thread holds a reference to this object, so it outlives the scene if the map closes first.
        threading.Thread(target=self._run, args=(background,), name="picture-decoder", daemon=True).start()

    def _run(self, background: Background) -> None:
        self.decoded.emit(background, read_image(background.image))


def read_image(data: bytes) -> QImage:
    """Decode image bytes; a null QImage if they are not a readable picture.

    QImageReader.read() lets other Python threads run while it decodes; QImage.fromData does not.
    """
    buffer = QBuffer()
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    return QImageReader(buffer).read()
