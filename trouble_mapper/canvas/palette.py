"""Colours, shapes' names and z-order of the map, in one place.

Kinds use the Okabe-Ito colour-blind-safe set and also differ by shape; categories use Paul Tol's
"muted" set, always with their name written beside the colour (never colour alone).
"""

from __future__ import annotations

from PySide6.QtGui import QColor

from trouble_mapper.domain.vocabulary import CATEGORY_SCHEMES, CardKind

KIND_COLOURS: dict[CardKind, tuple[QColor, QColor]] = {  # (fill, border and badge)
    CardKind.TROUBLE: (QColor("#FCE3CF"), QColor("#C04F00")),
    CardKind.CAUSE: (QColor("#D3E6F5"), QColor("#0066A0")),
    CardKind.COUNTERMEASURE: (QColor("#CFEEE2"), QColor("#007A5E")),
    CardKind.NOTE: (QColor("#F6F1C7"), QColor("#6E6818")),
}
KIND_SHAPES: dict[CardKind, str] = {
    CardKind.TROUBLE: "rounded tag",
    CardKind.CAUSE: "cut corners",
    CardKind.COUNTERMEASURE: "pill",
    CardKind.NOTE: "folded corner",
}
CATEGORY_COLOURS = tuple(QColor(c) for c in (
    "#CC6677", "#332288", "#DDCC77", "#117733", "#88CCEE", "#882255", "#44AA99", "#999933", "#AA4499"))
OTHER_CATEGORY = QColor("#BBBBBB")
TEXT = QColor("#1A1A1A")
LINK = QColor("#333333")
ZONE_FILL = QColor(0, 114, 178, 22)
ZONE_BORDER = QColor(0, 90, 150, 170)
GRID = QColor("#E4E7EB")
SELECTION = QColor("#000000")
HANDLE = QColor("#000000")
OVERDUE = QColor("#B00020")
OPEN_ACTION = QColor("#0066A0")
DONE_ACTION = QColor("#007A5E")
DIMMED_OPACITY = 0.18

# Z-order: background < zones < links < cards < the card being typed.
Z_BACKGROUND, Z_ZONE, Z_LINK, Z_CARD, Z_EDITOR = -100.0, -50.0, -10.0, 0.0, 100.0


def category_colour(scheme: str, category: str) -> QColor | None:
    """The colour of ``category`` in the workshop's scheme; grey for one outside it; None for none."""
    if not category:
        return None
    categories = CATEGORY_SCHEMES.get(scheme, ("", ()))[1]
    if category in categories:
        return CATEGORY_COLOURS[categories.index(category) % len(CATEGORY_COLOURS)]
    return OTHER_CATEGORY


def text_colour_on(background: QColor) -> QColor:
    """Black or white, whichever reads better on ``background``."""
    luminance = 0.299 * background.redF() + 0.587 * background.greenF() + 0.114 * background.blueF()
    return QColor("#000000") if luminance > 0.55 else QColor("#FFFFFF")
