"""Drawing a zoomed-out map in a few batched calls instead of one Python paint call per card.

Below OVERVIEW_SCALE a card is a few dozen pixels wide: the scene hides the cards' own painting
(``CardItem.set_overview``) and the link items, and draws every card as a block in its kind's colour with
its tag number, and every link as a plain line, here.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPen

from trouble_mapper.canvas import palette
from trouble_mapper.canvas.items import BIG_TAG_FONT, OVERVIEW_SCALE, CardItem, LinkItem

__all__ = ["OVERVIEW_SCALE", "paint_overview"]

MIN_TAG_SCALE = 9 / 52  # tags are drawn when at least 9 px tall (BIG_TAG_FONT is 52 px); else blocks only

_BLOCKS = {kind: QBrush(border) for kind, (_fill, border) in palette.KIND_COLOURS.items()}
_DIMMED = QBrush(QColor(200, 200, 200, 90))
_LINK_PEN = QPen(palette.LINK, 0)  # cosmetic: one pixel whatever the zoom
_WHITE = QPen(Qt.GlobalColor.white)


def paint_overview(painter: QPainter, exposed: QRectF, cards: Iterable[CardItem],
                   links: Iterable[LinkItem], selected_items: Iterable[object], scale: float) -> None:
    """Draw ``cards`` and ``links`` that touch ``exposed`` (scene coordinates), outlining the selected."""
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
    painter.setPen(_LINK_PEN)
    painter.drawLines([link.line for link in links])
    groups: dict = {}
    dimmed, selected, tagged = [], [], []
    chosen = set(selected_items)
    for item in cards:
        rect = item.rect_in_scene
        if not rect.intersects(exposed):
            continue
        if item.dimmed:
            dimmed.append(rect)
            continue
        groups.setdefault(item.card.kind, []).append(rect)
        tagged.append(item)
        if item in chosen:
            selected.append(rect)
    painter.setPen(Qt.PenStyle.NoPen)
    for kind, rects in groups.items():
        painter.setBrush(_BLOCKS[kind])
        painter.drawRects(rects)
    painter.setBrush(_DIMMED)
    painter.drawRects(dimmed)
    if selected:
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(QPen(palette.SELECTION, 3 / scale))
        painter.drawRects(selected)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    if scale >= MIN_TAG_SCALE:
        painter.setPen(_WHITE)
        painter.setFont(BIG_TAG_FONT)
        for item in tagged:
            painter.drawStaticText(item.rect_in_scene.topLeft() + item.big_tag_at, item.big_tag)
