"""The outline of each kind of card, so kinds differ by shape as well as colour (also used by the legend)."""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QPainterPath, QPolygonF

from trouble_mapper.domain.vocabulary import CardKind

CUT = 16.0  # size of a cut or folded corner
RADIUS = 10.0


@lru_cache(maxsize=256)
def card_outline(kind: CardKind, width: float, height: float) -> QPainterPath:
    """The card's outline in its own coordinates (0, 0, width, height); cached per kind and size."""
    rect = QRectF(0, 0, width, height)
    path = QPainterPath()
    if kind is CardKind.TROUBLE:
        path.addRoundedRect(rect, RADIUS, RADIUS)
    elif kind is CardKind.CAUSE:
        cut = min(CUT, width / 4, height / 4)
        path.addPolygon(QPolygonF([
            QPointF(cut, 0), QPointF(width - cut, 0), QPointF(width, cut), QPointF(width, height - cut),
            QPointF(width - cut, height), QPointF(cut, height), QPointF(0, height - cut), QPointF(0, cut)]))
        path.closeSubpath()
    elif kind is CardKind.COUNTERMEASURE:
        radius = min(height / 2, 28.0)
        path.addRoundedRect(rect, radius, radius)
    else:  # a note: the top-right corner folded over
        cut = min(CUT * 1.4, width / 3, height / 3)
        path.addPolygon(QPolygonF([
            QPointF(0, 0), QPointF(width - cut, 0), QPointF(width, cut), QPointF(width, height),
            QPointF(0, height)]))
        path.closeSubpath()
    return path


@lru_cache(maxsize=64)
def note_fold(width: float, height: float) -> QPainterPath:
    """The little triangle drawn over a note's folded corner."""
    cut = min(CUT * 1.4, width / 3, height / 3)
    path = QPainterPath()
    path.addPolygon(QPolygonF([QPointF(width - cut, 0), QPointF(width - cut, cut), QPointF(width, cut)]))
    path.closeSubpath()
    return path
