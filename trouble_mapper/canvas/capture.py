"""Typing a card's text on the map itself: a draft card with a text cursor, committed with Enter.

The draft is not in the workshop until it is committed: Escape (or committing nothing) leaves no trace
and no undo step. Shift+Enter starts a new line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsTextItem, QWidget

from trouble_mapper.canvas import palette
from trouble_mapper.canvas.items import PADDING, TEXT_FONT
from trouble_mapper.canvas.shapes import card_outline
from trouble_mapper.domain.vocabulary import CardKind

if TYPE_CHECKING:
    from PySide6.QtWidgets import QStyleOptionGraphicsItem

class CardDraft(QGraphicsTextItem):
    """An editable card-shaped text box. ``committed(text)`` on Enter or when focus leaves; ``cancelled``."""

    committed = Signal(str)
    cancelled = Signal()

    def __init__(self, kind: CardKind, rect: QRectF, text: str = "", caption: str = "") -> None:
        super().__init__()
        self.kind = kind
        self.card_rect = QRectF(0, 0, rect.width(), rect.height())
        self.caption = caption  # "T5" or "new trouble", drawn above the box
        self._done = False
        self.setPos(rect.topLeft())
        self.setZValue(palette.Z_EDITOR)
        self.setFont(TEXT_FONT)
        self.setDefaultTextColor(palette.TEXT)
        self.setTextWidth(rect.width() - 2 * PADDING)
        self.document().setDocumentMargin(PADDING)
        self.setPlainText(text)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextEditorInteraction)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsFocusable)
        cursor = self.textCursor()
        cursor.select(cursor.SelectionType.Document)
        self.setTextCursor(cursor)

    def text(self) -> str:
        """What was typed, without the blank lines and spaces around it."""
        return self.toPlainText().strip()

    def finish(self, commit: bool) -> None:
        """Commit or cancel once; later calls (focus leaving after Enter) do nothing."""
        if self._done:
            return
        self._done = True
        if commit:
            self.committed.emit(self.text())
        else:
            self.cancelled.emit()

    def boundingRect(self) -> QRectF:
        text_rect = super().boundingRect()
        return self.card_rect.united(text_rect).adjusted(-3, -28, 3, 3)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem,
              widget: QWidget | None = None) -> None:
        fill, border = palette.KIND_COLOURS[self.kind]
        painter.setPen(QPen(palette.SELECTION, 3, Qt.PenStyle.DashLine))
        painter.setBrush(fill)
        painter.drawPath(card_outline(self.kind, self.card_rect.width(),
                                      max(self.card_rect.height(), super().boundingRect().height())))
        painter.setPen(border)
        painter.drawText(QRectF(0, -26, self.card_rect.width() * 2, 24),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         f"{self.caption} — Enter to pin, Esc to cancel")
        super().paint(painter, option, widget)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not (
                event.modifiers() & Qt.KeyboardModifier.ShiftModifier):
            self.finish(commit=True)
        elif key == Qt.Key.Key_Escape:
            self.finish(commit=False)
        else:
            super().keyPressEvent(event)
        event.accept()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        if event.reason() in (Qt.FocusReason.MouseFocusReason, Qt.FocusReason.TabFocusReason,
                              Qt.FocusReason.BacktabFocusReason):
            self.finish(commit=True)  # clicking elsewhere keeps what was typed, as a sticky note would
