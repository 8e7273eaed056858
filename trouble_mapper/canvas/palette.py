"""Colours and z-order of the map, in one place. Colours from the Okabe-Ito colour-blind-safe set."""

from __future__ import annotations

from PySide6.QtGui import QColor

from trouble_mapper.domain.vocabulary import CardKind

KIND_COLOURS: dict[CardKind, tuple[QColor, QColor]] = {  # (fill, border and badge)
    CardKind.TROUBLE: (QColor("#FCE3CF"), QColor("#D55E00")),
    CardKind.CAUSE: (QColor("#D3E6F5"), QColor("#0072B2")),
    CardKind.COUNTERMEASURE: (QColor("#CFEEE2"), QColor("#007A5E")),
    CardKind.NOTE: (QColor("#F6F1C7"), QColor("#7A7320")),
}
TEXT = QColor("#1A1A1A")
LINK = QColor("#333333")
ZONE_FILL = QColor(0, 114, 178, 22)
ZONE_BORDER = QColor(0, 114, 178, 150)
GRID = QColor("#E4E7EB")
SELECTION = QColor("#000000")

# Z-order: background < zones < links < cards.
Z_BACKGROUND, Z_ZONE, Z_LINK, Z_CARD = -100.0, -50.0, -10.0, 0.0
