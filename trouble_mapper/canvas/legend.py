"""The legend: what each card shape and colour means, and the colours of the workshop's categories.

``paint_legend`` draws it with any QPainter (the map overlay here, the printed plan later);
``LegendOverlay`` shows it in a corner of the map view.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QFont, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QAbstractScrollArea, QWidget

from trouble_mapper.canvas import palette
from trouble_mapper.canvas.shapes import card_outline
from trouble_mapper.domain.vocabulary import CATEGORY_SCHEMES, CardKind

ROW = 26.0
SWATCH_W, SWATCH_H = 34.0, 20.0


def legend_rows(scheme: str) -> int:
    return 1 + len(CardKind) + 1 + len(CATEGORY_SCHEMES.get(scheme, ("", ()))[1])


def legend_size(scheme: str) -> QSize:
    return QSize(250, int(legend_rows(scheme) * ROW + 16))


def paint_legend(painter: QPainter, origin: QPointF, scheme: str) -> None:
    """Kinds (shape and colour) then the scheme's categories, top-left at ``origin``."""
    font = QFont("Sans Serif")
    font.setPixelSize(14)
    bold = QFont(font)
    bold.setBold(True)
    x, y = origin.x() + 10, origin.y() + 8
    painter.setFont(bold)
    painter.setPen(palette.TEXT)
    painter.drawText(QRectF(x, y, 230, ROW), Qt.AlignmentFlag.AlignVCenter, "Cards")
    y += ROW
    painter.setFont(font)
    for kind in CardKind:
        fill, border = palette.KIND_COLOURS[kind]
        painter.save()
        painter.translate(x, y + 3)
        painter.setPen(QPen(border, 2))
        painter.setBrush(fill)
        painter.drawPath(card_outline(kind, SWATCH_W, SWATCH_H))
        painter.restore()
        painter.setPen(palette.TEXT)
        painter.drawText(QRectF(x + SWATCH_W + 10, y, 190, ROW), Qt.AlignmentFlag.AlignVCenter,
                         f"{kind.prefix}  {kind.label} ({palette.KIND_SHAPES[kind]})")
        y += ROW
    label, categories = CATEGORY_SCHEMES.get(scheme, ("Categories", ()))
    painter.setFont(bold)
    painter.drawText(QRectF(x, y, 230, ROW), Qt.AlignmentFlag.AlignVCenter, label)
    y += ROW
    painter.setFont(font)
    for category in categories:
        painter.fillRect(QRectF(x + 10, y + 5, 16, 16), palette.category_colour(scheme, category))
        painter.setPen(palette.TEXT)
        painter.drawText(QRectF(x + SWATCH_W + 10, y, 190, ROW), Qt.AlignmentFlag.AlignVCenter, category)
        y += ROW


class LegendOverlay(QWidget):
    """The legend in the bottom-left corner of the map, on a white card; click-through."""

    MARGIN = 12

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.scheme = ""
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        parent.installEventFilter(self)  # stay in the bottom-left corner as the map view resizes

    def set_scheme(self, scheme: str) -> None:
        self.scheme = scheme
        self.resize(legend_size(scheme))
        self._follow_corner()
        self.update()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self._follow_corner()
        return False

    def _follow_corner(self) -> None:
        parent = self.parentWidget()
        bottom = parent.height()  # the filter runs before the view lays out its viewport: use its own size
        if isinstance(parent, QAbstractScrollArea) and parent.horizontalScrollBar().isVisible():
            bottom -= parent.horizontalScrollBar().height()
        self.move(self.MARGIN, max(self.MARGIN, bottom - self.height() - self.MARGIN))

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(palette.GRID.darker(150), 1))
        painter.setBrush(Qt.GlobalColor.white)
        painter.setOpacity(0.94)
        painter.drawRoundedRect(QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5), 8, 8)
        painter.setOpacity(1.0)
        paint_legend(painter, QPointF(0, 0), self.scheme)
