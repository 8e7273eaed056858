"""ParetoChart: troubles per category or zone as descending bars, the cumulative % line, an 80 % guide."""

from __future__ import annotations

import math

from PySide6.QtCore import QEvent, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QHelpEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QToolTip, QWidget

from trouble_mapper.domain import priorities
from trouble_mapper.domain.changes import Change
from trouble_mapper.domain.model import Card, Zone
from trouble_mapper.service import WorkshopService
from trouble_mapper.signals import follow_changes

BAR = QColor("#4f7fbf")
LINE = QColor("#d9722b")
GUIDE = QColor("#8a8f98")
INK = QColor("#1d2430")
BASE_POINT_SIZE = 13.0
GROUPINGS = {"category": "category", "zone": "zone"}
WEIGHTS = {"count": "number of troubles", "votes": "dots"}


def nice_step(top: float, ticks: int = 5) -> int:
    """A round tick step (1, 2, 5, 10, 20...) giving about ``ticks`` ticks up to ``top``."""
    raw = max(top / ticks, 1.0)
    magnitude = 10 ** math.floor(math.log10(raw))
    return int(next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw))


class ParetoChart(QWidget):
    """Paints ``priorities.pareto`` of the open workshop; refreshes itself from ``service.changed``."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("paretoChart")
        self._service: WorkshopService | None = None
        self._by: priorities.ParetoBy = "category"
        self._weight: priorities.ParetoWeight = "count"
        self._bars: list[tuple[str, int, float]] = []
        self._bar_rects: list[QRectF] = []
        font = QFont(self.font())
        font.setPointSizeF(max(font.pointSizeF(), BASE_POINT_SIZE))
        self.setFont(font)
        self.setMinimumSize(320, 240)

    # Public API.

    def set_service(self, service: WorkshopService | None) -> None:
        """Chart the troubles of ``service``'s workshop (None: nothing open)."""
        if service is self._service:
            return
        follow_changes(self._service, service, self._on_changed)
        self._service = service
        self._refresh()

    def set_grouping(self, by: priorities.ParetoBy | None = None,
                     weight: priorities.ParetoWeight | None = None) -> None:
        """Group by "category" or "zone"; weigh by "count" (troubles) or "votes" (dots)."""
        if by is not None and by not in GROUPINGS:
            raise ValueError(f"cannot group by {by!r}")
        if weight is not None and weight not in WEIGHTS:
            raise ValueError(f"cannot weigh by {weight!r}")
        self._by, self._weight = by or self._by, weight or self._weight
        self._refresh()

    def bars(self) -> list[tuple[str, int, float]]:
        """What the chart shows: (label, value, cumulative percent), largest first."""
        return list(self._bars)

    def title(self) -> str:
        return f"Troubles by {GROUPINGS[self._by]}: {WEIGHTS[self._weight]}"

    # Model -> chart.

    def _on_changed(self, changes: tuple[Change, ...]) -> None:
        if any(isinstance(change.entity, Card | Zone) for change in changes):
            self._refresh()

    def _refresh(self) -> None:
        document = self._service.document if self._service is not None else None
        self._bars = priorities.pareto(document, self._by, self._weight) if document is not None else []
        self.update()

    # Painting.

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.fillRect(self.rect(), QColor("#ffffff"))
            self._paint_chart(painter)
        finally:
            painter.end()

    def _paint_chart(self, painter: QPainter) -> None:
        metrics = QFontMetricsF(self.font())
        line = metrics.height()
        painter.setPen(INK)
        bold = QFont(self.font())
        bold.setBold(True)
        painter.setFont(bold)
        heading = QRectF(8, 4, self.width() - 16, line * 1.4)
        painter.drawText(heading, Qt.AlignmentFlag.AlignCenter, self.title())
        painter.setFont(self.font())
        if not self._bars:
            self._bar_rects = []
            what = "troubles" if self._weight == "count" else "dots on troubles"
            painter.drawText(QRectF(self.rect()), Qt.AlignmentFlag.AlignCenter, f"No {what} to chart yet")
            return
        top_value = max(value for _, value, _ in self._bars)
        step = nice_step(top_value)
        axis_top = step * math.ceil(top_value / step)
        left = metrics.horizontalAdvance(str(axis_top)) + 16
        right = metrics.horizontalAdvance("100 %") + 16
        plot = QRectF(left, line * 2.2, self.width() - left - right, self.height() - line * 5.2)
        if plot.width() < 20 or plot.height() < 20:
            return
        self._paint_axes(painter, plot, axis_top, step)
        self._paint_bars(painter, plot, axis_top, metrics)
        self._paint_guide(painter, plot)
        self._paint_cumulative(painter, plot)

    def _paint_axes(self, painter: QPainter, plot: QRectF, axis_top: int, step: int) -> None:
        right_align = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        left_align = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        for value in range(0, axis_top + 1, step):
            y = plot.bottom() - plot.height() * value / axis_top
            painter.setPen(QPen(QColor("#e3e5e8"), 1))
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.setPen(INK)
            painter.drawText(QRectF(0, y - 12, plot.left() - 8, 24), right_align, str(value))
        for percent in (0, 20, 40, 60, 100):
            y = plot.bottom() - plot.height() * percent / 100
            painter.setPen(LINE)
            painter.drawText(QRectF(plot.right() + 8, y - 12, 80, 24), left_align, f"{percent} %")
        painter.setPen(GUIDE)
        guide_y = plot.bottom() - plot.height() * 0.8
        painter.drawText(QRectF(plot.right() + 8, guide_y - 12, 80, 24), left_align, "80 %")
        painter.setPen(QPen(INK, 1.5))
        painter.drawLine(plot.bottomLeft(), plot.bottomRight())

    def _paint_bars(self, painter: QPainter, plot: QRectF, axis_top: int, metrics: QFontMetricsF) -> None:
        slot = plot.width() / len(self._bars)
        self._bar_rects = []
        for index, (label, value, _) in enumerate(self._bars):
            height = plot.height() * value / axis_top
            bar = QRectF(plot.left() + slot * (index + 0.15), plot.bottom() - height, slot * 0.7, height)
            self._bar_rects.append(QRectF(plot.left() + slot * index, plot.top(), slot, plot.height()))
            painter.fillRect(bar, BAR)
            self._paint_value(painter, bar, value, metrics)
            label_box = QRectF(plot.left() + slot * index + 2, plot.bottom() + 4, slot - 4,
                               metrics.height() * 2 + 2)
            self._paint_label(painter, label_box, " ".join(label.split()), metrics)

    @staticmethod
    def _paint_value(painter: QPainter, bar: QRectF, value: int, metrics: QFontMetricsF) -> None:
        """The figure inside the top of its bar (white), or just above a bar too short to hold it."""
        inside = bar.height() >= metrics.height() * 1.3
        box = QRectF(bar.left() - 20, bar.top() + (2 if inside else -metrics.height() - 2), bar.width() + 40,
                     metrics.height())
        painter.setPen(QColor("#ffffff") if inside else INK)
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, str(value))

    @staticmethod
    def _paint_label(painter: QPainter, box: QRectF, label: str, metrics: QFontMetricsF) -> None:
        """A bar's name on up to two lines under it, cut short with "…" when it does not fit."""
        long_word = any(metrics.horizontalAdvance(word) > box.width() for word in label.split())
        wrap = Qt.TextFlag.TextWrapAnywhere if long_word else Qt.TextFlag.TextWordWrap
        shown = metrics.elidedText(label, Qt.TextElideMode.ElideRight, box.width() * 1.8)
        painter.save()
        painter.setClipRect(box)
        painter.setPen(INK)
        painter.drawText(box, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop | wrap, shown)
        painter.restore()

    @staticmethod
    def _paint_guide(painter: QPainter, plot: QRectF) -> None:
        """The dashed 80 % line over the bars: the groups left of where it meets the curve matter most."""
        guide_y = plot.bottom() - plot.height() * 0.8
        painter.setPen(QPen(GUIDE, 2, Qt.PenStyle.DashLine))
        painter.drawLine(QPointF(plot.left(), guide_y), QPointF(plot.right(), guide_y))

    def _paint_cumulative(self, painter: QPainter, plot: QRectF) -> None:
        slot = plot.width() / len(self._bars)
        points = [QPointF(plot.left() + slot * (i + 0.5), plot.bottom() - plot.height() * percent / 100)
                  for i, (_, _, percent) in enumerate(self._bars)]
        painter.setPen(QPen(LINE, 3))
        painter.drawPolyline(points)
        painter.setBrush(LINE)
        for point in points:
            painter.drawEllipse(point, 5, 5)

    # Tooltips: the full label of a bar whose name is cut short.

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            text = self._tooltip_at(QPointF(event.pos()))
            if text:
                QToolTip.showText(event.globalPos(), text, self)
            else:
                QToolTip.hideText()
            return True
        return super().event(event)

    def _tooltip_at(self, point: QPointF) -> str:
        for rect, (label, value, percent) in zip(self._bar_rects, self._bars, strict=False):
            if rect.left() <= point.x() < rect.right():
                return f"{label}: {value} ({percent:.0f} % cumulative)"
        return ""
