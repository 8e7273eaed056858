"""PriorityMatrix: troubles as tag chips on a 5 x 5 scoring grid, scored by dragging them between cells.

Two modes share the interaction: "impact" (impact up, effort across, four labelled quadrants) and "risk"
(severity up, frequency across, cells shaded by severity x frequency). Unscored troubles wait in a tray
at the side. A drop makes one ``service.set_scores`` call (one undo step); the chips move when
``service.changed`` says so, and snap back when the service refuses.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from PySide6.QtCore import QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QMouseEvent,
    QPainter,
    QPen,
    QResizeEvent,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QApplication,
    QGraphicsItem,
    QGraphicsScene,
    QGraphicsView,
    QStyleOptionGraphicsItem,
    QWidget,
)

from trouble_mapper.domain import priorities
from trouble_mapper.domain.changes import Change
from trouble_mapper.domain.model import Card, Scores
from trouble_mapper.domain.rules import RuleError
from trouble_mapper.domain.vocabulary import CardKind
from trouble_mapper.service import WorkshopService
from trouble_mapper.signals import follow_changes

Cell = tuple[int, int]  # (horizontal score, vertical score), each 1..5
TRAY: Cell = (0, 0)  # the slot of troubles not scored on this matrix's two scores

# Scene geometry (scene units; the view scales the whole scene to fit).
CELL = 128.0
LEFT, TOP, BOTTOM, RIGHT = 84.0, 52.0, 72.0, 12.0
GRID = 5 * CELL
TRAY_GAP, TRAY_WIDTH, TRAY_HEADER = 28.0, 250.0, 44.0
SCENE_RECT = QRectF(0, 0, LEFT + GRID + TRAY_GAP + TRAY_WIDTH + RIGHT, TOP + GRID + BOTTOM)
TRAY_RECT = QRectF(LEFT + GRID + TRAY_GAP, TOP, TRAY_WIDTH, GRID)
CELL_PAD = 8.0
CHIP_MAX_WIDTH, CHIP_ASPECT, CHIP_GAP = 72.0, 0.6, 0.1  # 72 x 43 until a crowded slot shrinks it; gap 10 %
LABEL_BAND = 26.0  # room for a quadrant's name at the top of its upper cells
MAX_TOOLTIP = 300  # characters of card text in a chip's tooltip

INK = QColor("#1d2430")
SELECTED = QColor("#1f6fd1")
QUADRANT_COLOURS = {  # quadrant -> (fill, label ink)
    priorities.QUICK_WIN: (QColor("#d3f2d0"), QColor("#1e7a2c")),
    priorities.MAJOR_PROJECT: (QColor("#dce8f7"), QColor("#2f5f99")),
    priorities.FILL_IN: (QColor("#eeeeec"), QColor("#6b6b6b")),
    priorities.THANKLESS: (QColor("#f6dcdc"), QColor("#9b3b3b")),
}
QUADRANT_LABELS = {priorities.QUICK_WIN: "Quick wins", priorities.MAJOR_PROJECT: "Major projects",
                   priorities.FILL_IN: "Fill-ins", priorities.THANKLESS: "Thankless tasks"}
RISK_COLOURS = {"high": QColor("#f5c6bf"), "medium": QColor("#fbe5b6"), "low": QColor("#dcefd8")}


@dataclass(frozen=True)
class MatrixAxes:
    """Which two scores a matrix shows: ``x_field`` across (1 left), ``y_field`` up (5 at the top)."""

    mode: str
    x_field: str
    y_field: str
    x_title: str
    y_title: str
    label_rows: tuple[int, ...] = ()  # rows whose cells keep a band free for a quadrant's name


AXES = {
    "impact": MatrixAxes("impact", "effort", "impact", "Effort", "Impact",
                         (5, priorities.HIGH_IMPACT - 1)),
    "risk": MatrixAxes("risk", "frequency", "severity", "Frequency", "Severity"),
}


def cell_rect(cell: Cell) -> QRectF:
    """The scene rectangle of a grid cell."""
    x, y = cell
    return QRectF(LEFT + (x - 1) * CELL, TOP + (5 - y) * CELL, CELL, CELL)


def cell_at(point: QPointF) -> Cell | None:
    """The grid cell under a scene point, or None outside the grid."""
    column = math.floor((point.x() - LEFT) / CELL) + 1
    row = 5 - math.floor((point.y() - TOP) / CELL)
    return (column, row) if 1 <= column <= 5 and 1 <= row <= 5 else None


def slot_area(slot: Cell, axes: MatrixAxes) -> QRectF:
    """Where the chips of a slot (a cell or the tray) are laid out, below any quadrant label."""
    if slot == TRAY:
        return TRAY_RECT.adjusted(CELL_PAD, TRAY_HEADER, -CELL_PAD, -CELL_PAD)
    band = LABEL_BAND if slot[1] in axes.label_rows else 0.0
    return cell_rect(slot).adjusted(CELL_PAD, CELL_PAD + band, -CELL_PAD, -CELL_PAD)


def chip_slots(area: QRectF, count: int, *, in_tray: bool = False) -> list[QRectF]:
    """Rectangles for ``count`` chips in ``area``, as large as fit (up to CHIP_MAX_WIDTH).

    A cell puts its chips side by side (at least as many columns as rows), centred; the tray fills rows
    from the top left. Among layouts giving equally large chips, the one with most columns wins.
    """
    if count <= 0:
        return []
    choices = range(1 if in_tray else math.ceil(math.sqrt(count)), count + 1)
    fits = [(_fitting_width(area, count, c), c) for c in choices]
    width, columns = max(fits)  # the largest chips; among equals, the most columns
    gap, height = width * CHIP_GAP, width * CHIP_ASPECT
    rows = math.ceil(count / columns)
    block_w, block_h = columns * (width + gap) - gap, rows * (height + gap) - gap
    left = area.left() + (0 if in_tray else (area.width() - block_w) / 2)
    top = area.top() + (0 if in_tray else (area.height() - block_h) / 2)
    return [QRectF(left + (i % columns) * (width + gap), top + (i // columns) * (height + gap), width, height)
            for i in range(count)]


def _fitting_width(area: QRectF, count: int, columns: int) -> float:
    rows = math.ceil(count / columns)
    by_width = area.width() / (columns + CHIP_GAP * (columns - 1))
    by_height = area.height() / (rows * CHIP_ASPECT + CHIP_GAP * (rows - 1))
    return max(1.0, min(CHIP_MAX_WIDTH, by_width, by_height))


def pixel_font(size: float, bold: bool = False) -> QFont:
    """A font sized in scene units (pixels before the view scales them)."""
    font = QFont()
    font.setPixelSize(max(1, round(size)))
    font.setBold(bold)
    return font


class ChipItem(QGraphicsItem):
    """A trouble's tag (T7) on a card-like chip; the card text is in its tooltip."""

    def __init__(self, card: Card) -> None:
        super().__init__()
        self.card_id = card.id
        self.tag = ""
        self.highlighted = False
        self._rect = QRectF(0, 0, CHIP_MAX_WIDTH, CHIP_MAX_WIDTH * CHIP_ASPECT)
        self._font = pixel_font(20, bold=True)
        self.setZValue(1)
        self.setCursor(Qt.CursorShape.OpenHandCursor)
        self.show_card(card)

    def show_card(self, card: Card) -> None:
        """Show the card's current tag and text."""
        text = " ".join(card.text.split())
        if len(text) > MAX_TOOLTIP:
            text = text[:MAX_TOOLTIP] + "…"
        self.setToolTip(f"{card.tag}: {text}" if text else card.tag)
        if card.tag != self.tag:
            self.tag = card.tag
            self._fit_font()
            self.update()

    def set_geometry(self, rect: QRectF) -> None:
        """Put the chip at ``rect`` (scene coordinates), resizing it if needed."""
        if rect.size() != self._rect.size():
            self.prepareGeometryChange()
            self._rect = QRectF(QPointF(0, 0), rect.size())
            self._fit_font()
        self.setPos(rect.topLeft())

    def _fit_font(self) -> None:
        size = self._rect.height() * 0.58
        width = QFontMetricsF(pixel_font(size, bold=True)).horizontalAdvance(self.tag)
        room = self._rect.width() * 0.86
        if width > room:
            size *= room / width
        self._font = pixel_font(size, bold=True)

    def boundingRect(self) -> QRectF:
        return self._rect.adjusted(-2, -2, 2, 2)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem,
              widget: QWidget | None = None) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(SELECTED if self.highlighted else INK, 3.5 if self.highlighted else 1.5))
        painter.setBrush(QColor("#fffdf2"))
        radius = self._rect.height() * 0.18
        painter.drawRoundedRect(self._rect.adjusted(1, 1, -1, -1), radius, radius)
        painter.setPen(INK)
        painter.setFont(self._font)
        painter.drawText(self._rect, Qt.AlignmentFlag.AlignCenter, self.tag)


class GridItem(QGraphicsItem):
    """The grid, its axes, quadrant or risk shading, the tray and the drop highlight."""

    def __init__(self, axes: MatrixAxes) -> None:
        super().__init__()
        self.axes = axes
        self.hover: Cell | None = None
        self.tray_count = 0
        self.hint = ""
        self.setZValue(0)

    def boundingRect(self) -> QRectF:
        return SCENE_RECT

    def set_hover(self, slot: Cell | None) -> None:
        if slot != self.hover:
            self.hover = slot
            self.update()

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem,
              widget: QWidget | None = None) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        self._paint_cells(painter)
        self._paint_lines(painter)
        if self.axes.mode == "impact":
            self._paint_quadrants(painter)
        self._paint_axes(painter)
        self._paint_tray(painter)
        self._paint_hover(painter)

    def _paint_cells(self, painter: QPainter) -> None:
        painter.setPen(Qt.PenStyle.NoPen)
        for x in range(1, 6):
            for y in range(1, 6):
                painter.setBrush(self._cell_colour(x, y))
                painter.drawRect(cell_rect((x, y)))
        if self.axes.mode == "risk":
            painter.setPen(QColor("#7a6a5a"))
            painter.setFont(pixel_font(15))
            for x in range(1, 6):
                for y in range(1, 6):
                    corner = cell_rect((x, y)).adjusted(4, 2, -6, -3)
                    painter.drawText(corner, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom,
                                     str(x * y))

    def _cell_colour(self, x: int, y: int) -> QColor:
        if self.axes.mode == "risk":
            return RISK_COLOURS[priorities.risk_level(x * y) or "low"]
        return QUADRANT_COLOURS[priorities.quadrant(Scores(impact=y, effort=x)) or priorities.FILL_IN][0]

    def _paint_quadrants(self, painter: QPainter) -> None:
        """Quadrant names behind the chips, and a strong frame round the quick wins."""
        low_effort, high_impact = priorities.HIGH_EFFORT - 1, priorities.HIGH_IMPACT
        spans = {  # quadrant -> (first column, last column, top row, bottom row)
            priorities.QUICK_WIN: (1, low_effort, 5, high_impact),
            priorities.MAJOR_PROJECT: (low_effort + 1, 5, 5, high_impact),
            priorities.FILL_IN: (1, low_effort, high_impact - 1, 1),
            priorities.THANKLESS: (low_effort + 1, 5, high_impact - 1, 1),
        }
        for name, (first, last, top, bottom) in spans.items():
            area = cell_rect((first, top)).united(cell_rect((last, bottom)))
            ink = QColor(QUADRANT_COLOURS[name][1])
            quick = name == priorities.QUICK_WIN
            ink.setAlpha(255 if quick else 150)
            painter.setPen(ink)
            painter.setFont(pixel_font(21, bold=True))
            painter.drawText(area.adjusted(10, 3, -10, -4),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop, QUADRANT_LABELS[name])
            if quick:
                painter.setPen(QPen(ink, 5))
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawRect(area.adjusted(2.5, 2.5, -2.5, -2.5))

    def _paint_lines(self, painter: QPainter) -> None:
        painter.setPen(QPen(QColor("#ffffff"), 2))
        for i in range(1, 5):
            painter.drawLine(QPointF(LEFT + i * CELL, TOP), QPointF(LEFT + i * CELL, TOP + GRID))
            painter.drawLine(QPointF(LEFT, TOP + i * CELL), QPointF(LEFT + GRID, TOP + i * CELL))
        painter.setPen(QPen(QColor("#8a8f98"), 1.5))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(QRectF(LEFT, TOP, GRID, GRID))

    def _paint_axes(self, painter: QPainter) -> None:
        painter.setPen(INK)
        painter.setFont(pixel_font(22, bold=True))
        centre = Qt.AlignmentFlag.AlignCenter
        for score in range(1, 6):
            column, row = cell_rect((score, 1)), cell_rect((1, score))
            painter.drawText(QRectF(column.left(), TOP + GRID + 2, CELL, 30), centre, str(score))
            painter.drawText(QRectF(LEFT - 36, row.top(), 30, CELL), centre, str(score))
        painter.setFont(pixel_font(20))
        painter.drawText(QRectF(LEFT, TOP + GRID + 32, GRID, 32), centre,
                         f"{self.axes.x_title}  (1 low → 5 high)")
        painter.save()
        painter.translate(LEFT - 60, TOP + GRID / 2)
        painter.rotate(-90)
        painter.drawText(QRectF(-GRID / 2, -16, GRID, 32), centre, f"{self.axes.y_title}  (1 low → 5 high)")
        painter.restore()
        painter.setFont(pixel_font(19))
        painter.setPen(QColor("#4a5260"))
        painter.drawText(QRectF(LEFT, 6, GRID + TRAY_GAP + TRAY_WIDTH, TOP - 12),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, self.hint)

    def _paint_tray(self, painter: QPainter) -> None:
        painter.setPen(QPen(QColor("#9aa0a8"), 1.5, Qt.PenStyle.DashLine))
        painter.setBrush(QColor("#f7f7f5"))
        painter.drawRoundedRect(TRAY_RECT, 8, 8)
        painter.setPen(INK)
        painter.setFont(pixel_font(20, bold=True))
        top_left = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop
        painter.drawText(TRAY_RECT.adjusted(12, 8, -12, 0), top_left, f"Not scored ({self.tray_count})")

    def _paint_hover(self, painter: QPainter) -> None:
        if self.hover is None:
            return
        area = TRAY_RECT if self.hover == TRAY else cell_rect(self.hover)
        painter.setPen(QPen(SELECTED, 4))
        fill = QColor(SELECTED)
        fill.setAlpha(40)
        painter.setBrush(QBrush(fill))
        painter.drawRect(area.adjusted(2, 2, -2, -2))


@dataclass
class _Drag:
    """A press on a chip that may become a drag."""

    chip: ChipItem
    press_view: QPoint
    press_scene: QPointF
    origin: QPointF
    moved: bool = False


class PriorityMatrix(QGraphicsView):
    """Troubles on a 5 x 5 scoring matrix; drag a chip to a cell (or to the tray) to score (or unscore) it.

    ``mode`` is "impact" (impact x effort) or "risk" (severity x frequency). Clicking a chip announces
    ``cards_selected``; a refused drop snaps back and announces ``edit_refused`` with the message.
    """

    cards_selected = Signal(list)  # [card id]
    edit_refused = Signal(str)

    def __init__(self, mode: str = "impact", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        if mode not in AXES:
            raise ValueError(f"unknown matrix mode {mode!r}; use impact or risk")
        self.axes = AXES[mode]
        self.setObjectName(f"{mode}Matrix")
        self._service: WorkshopService | None = None
        self._chips: dict[str, ChipItem] = {}
        self._slots: dict[str, Cell] = {}  # card id -> the cell (or TRAY) its chip is in
        self._drag: _Drag | None = None
        self._build_scene()

    def _build_scene(self) -> None:
        scene = QGraphicsScene(self)
        scene.setSceneRect(SCENE_RECT)
        scene.setBackgroundBrush(QColor("#ffffff"))
        self.setScene(scene)
        self._grid = GridItem(self.axes)
        scene.addItem(self._grid)
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setMinimumSize(300, 220)
        self._update_hint()

    # Public API.

    def set_service(self, service: WorkshopService | None) -> None:
        """Show the troubles of ``service``'s workshop (None: nothing open)."""
        if service is self._service:
            return
        follow_changes(self._service, service, self._on_changed)
        self._service = service
        self._drag = None
        self._rebuild()

    def show_selection(self, card_ids: list[str]) -> None:
        """Outline the chips of ``card_ids`` (the map's selection); others lose their outline."""
        chosen = set(card_ids)
        for card_id, chip in self._chips.items():
            if chip.highlighted != (card_id in chosen):
                chip.highlighted = card_id in chosen
                chip.update()

    def slot_of(self, card_id: str) -> Cell | None:
        """The cell (or TRAY) where a trouble's chip is shown; None if it is not shown."""
        return self._slots.get(card_id)

    def chip_point(self, card_id: str) -> QPoint:
        """The centre of a trouble's chip, in viewport coordinates."""
        chip = self._chips[card_id]
        return self.mapFromScene(chip.mapToScene(chip.boundingRect().center()))

    def slot_point(self, slot: Cell) -> QPoint:
        """A free spot in a cell (its lower-right corner area) or the tray, in viewport coordinates."""
        area = TRAY_RECT if slot == TRAY else cell_rect(slot)
        return self.mapFromScene(area.bottomRight() - QPointF(8, 8))

    # Model -> chips.

    def _rebuild(self) -> None:
        for chip in self._chips.values():
            self.scene().removeItem(chip)
        self._chips.clear()
        self._slots.clear()
        if self._service is not None:
            for card in priorities.troubles(self._service.document):
                self._place(card)
        self._layout(set(self._slots.values()) | {TRAY})
        self._update_hint()

    def _on_changed(self, changes: tuple[Change, ...]) -> None:
        if self._service is None:
            return
        touched = {change.entity.id for change in changes if isinstance(change.entity, Card)}
        dirty: set[Cell] = set()
        for card_id in touched:
            card = self._service.document.cards.get(card_id)
            old = self._slots.get(card_id)
            if old is not None:
                dirty.add(old)
            if card is not None and card.kind is CardKind.TROUBLE:
                dirty.add(self._place(card))
            else:
                self._remove(card_id)
        self._layout(dirty)

    def _place(self, card: Card) -> Cell:
        """Create or update the chip of a trouble and file it under its slot; returns the slot."""
        chip = self._chips.get(card.id)
        if chip is None:
            chip = self._chips[card.id] = ChipItem(card)
            self.scene().addItem(chip)
        else:
            chip.show_card(card)
        slot = self._slot_for(card)
        self._slots[card.id] = slot
        return slot

    def _slot_for(self, card: Card) -> Cell:
        x, y = getattr(card.scores, self.axes.x_field), getattr(card.scores, self.axes.y_field)
        return TRAY if x is None or y is None else (x, y)

    def _remove(self, card_id: str) -> None:
        chip = self._chips.pop(card_id, None)
        self._slots.pop(card_id, None)
        if chip is not None:
            self.scene().removeItem(chip)
        if self._drag is not None and self._drag.chip is chip:
            self._drag = None

    def _layout(self, slots: set[Cell]) -> None:
        """Lay out the chips of ``slots`` side by side, in tag order."""
        if not slots:
            return
        members: dict[Cell, list[ChipItem]] = {slot: [] for slot in slots}
        for card_id, slot in self._slots.items():
            if slot in members:
                members[slot].append(self._chips[card_id])
        for slot, chips in members.items():
            chips.sort(key=_tag_key)
            rects = chip_slots(slot_area(slot, self.axes), len(chips), in_tray=slot == TRAY)
            for chip, rect in zip(chips, rects, strict=True):
                chip.set_geometry(rect)
        self._grid.tray_count = sum(1 for slot in self._slots.values() if slot == TRAY)
        self._grid.update()

    def _update_hint(self) -> None:
        if self._service is None:
            hint = "No workshop open"
        elif self._service.read_only:
            hint = "Read-only workshop: scores cannot be changed here"
        else:
            hint = "Drag a tag to a cell to score it; back to the tray to clear its scores"
            if self.axes.mode == "risk":
                hint = "Risk = severity × frequency (in each cell's corner). " + hint
        self._grid.hint = hint
        self._grid.update()

    # Gestures -> service.

    def mousePressEvent(self, event: QMouseEvent) -> None:
        chip = self._chip_at(event.position().toPoint())
        if event.button() is Qt.MouseButton.LeftButton and chip is not None:
            scene_point = self.mapToScene(event.position().toPoint())
            self._drag = _Drag(chip, event.position().toPoint(), scene_point, chip.pos())
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        drag = self._drag
        if drag is None:
            super().mouseMoveEvent(event)
            return
        point = event.position().toPoint()
        if not drag.moved and (point - drag.press_view).manhattanLength() < QApplication.startDragDistance():
            return
        drag.moved = True
        if self._service is None or self._service.read_only:
            return  # no dragging in a read-only workshop; the release says why
        scene_point = self.mapToScene(point)
        drag.chip.setZValue(10)
        drag.chip.setPos(drag.origin + (scene_point - drag.press_scene))
        self._grid.set_hover(self._target_at(scene_point))
        event.accept()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        drag, self._drag = self._drag, None
        if drag is None or event.button() is not Qt.MouseButton.LeftButton:
            super().mouseReleaseEvent(event)
            return
        self._grid.set_hover(None)
        drag.chip.setZValue(1)
        if drag.moved:
            self._drop(drag.chip.card_id, self.mapToScene(event.position().toPoint()))
        else:
            self.show_selection([drag.chip.card_id])
            self.cards_selected.emit([drag.chip.card_id])
        event.accept()

    def _chip_at(self, point: QPoint) -> ChipItem | None:
        for item in self.items(point):
            if isinstance(item, ChipItem):
                return item
        return None

    @staticmethod
    def _target_at(point: QPointF) -> Cell | None:
        return TRAY if TRAY_RECT.contains(point) else cell_at(point)

    def _drop(self, card_id: str, point: QPointF) -> None:
        """Score the trouble for the slot under ``point``; anything else puts the chip back."""
        target, current = self._target_at(point), self._slots.get(card_id)
        if self._service is not None and target is not None and target != current:
            x, y = (None, None) if target == TRAY else target
            try:
                self._service.set_scores(card_id, **{self.axes.x_field: x, self.axes.y_field: y})
            except RuleError as error:  # EditRefused (read-only, gone) is a RuleError too
                self.edit_refused.emit(str(error))
        slot = self._slots.get(card_id)
        if slot is not None:
            self._layout({slot})  # snaps back unless the service moved it

    # Scaling.

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fitInView(SCENE_RECT, Qt.AspectRatioMode.KeepAspectRatio)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.fitInView(SCENE_RECT, Qt.AspectRatioMode.KeepAspectRatio)


def _tag_key(chip: ChipItem) -> tuple[int, str]:
    digits = "".join(ch for ch in chip.tag if ch.isdigit())
    return (int(digits) if digits else 0, chip.tag)
