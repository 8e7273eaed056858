"""How cards look on the room's screen (the presenter view and presentation mode).

The room sees the same scene as the facilitator, drawn for reading from the back of a room: text and
tag numbers scaled up (100 % to 250 %), black text and thick borders (high contrast), no link handles,
and selected cards ringed in a thick amber halo so everyone sees what the facilitator points at. A card
keeps its size on the map, so a scaled text that would not fit is set as large as fits (never below the
normal size) and the last line that fits ends in "…": nothing is cut through, and the tag number
always fits whole. A view shows the room look by using a ``RoomViewport`` as its viewport.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen, QStaticText
from PySide6.QtWidgets import QWidget

from trouble_mapper.canvas import palette
from trouble_mapper.canvas.shapes import card_outline, note_fold
from trouble_mapper.domain.model import Card
from trouble_mapper.domain.vocabulary import CardKind
from trouble_mapper.text_wrap import wrap_paragraph

MIN_SCALE, MAX_SCALE = 1.0, 2.5
BASE_TEXT_PX, BASE_TAG_PX, BASE_BIG_TAG_PX, BASE_SMALL_PX = 15.0, 22.0, 52.0, 12.0
PAD = 8.0
HALO_MARGIN = 12.0  # how far the selection halo reaches outside the card (the card's bounds include it)
HALO = QColor("#FFB000")  # amber: visible to every kind of colour vision against the kind colours
_INK = QColor("#000000")
_WHITE_PEN = QPen(QColor("#FFFFFF"))
_HALO_PEN = QPen(HALO, 2 * HALO_MARGIN)
_INK_PEN = QPen(_INK)
_TEXT_PEN = QPen(palette.TEXT)
_BORDERS = {(kind, contrast): QPen(border, 4 if contrast else 2)
            for kind, (_fill, border) in palette.KIND_COLOURS.items() for contrast in (True, False)}
_SELECTED_PEN = QPen(_INK, 4)
READABLE_SCREEN_PX = 13.0  # text smaller than this on the room's screen: the card shows its tag only
MAX_TEXT_CHARS = 4000  # more than any card can show: longer texts are cut before they are laid out
MAX_LINE_CHARS = 300  # the rest of a long word on the last line, before it is elided
BIG_TAG_SHARE = 0.55  # of a tag-only card's width for the number when its dots are shown beside it
STRIPE = 6.0  # a category with no room for its name is a stripe along the card's bottom edge


@dataclass(frozen=True, slots=True)
class RoomLook:
    """The projection theme: how much larger text is, and whether borders and text go high contrast."""

    font_scale: float = 1.5
    high_contrast: bool = True

    def clamped(self) -> RoomLook:
        return RoomLook(min(MAX_SCALE, max(MIN_SCALE, self.font_scale)), self.high_contrast)


class RoomViewport(QWidget):
    """The viewport of a map view; while ``look`` is set, cards paint into it in the room look (the
    presenter view always, the editor in presentation mode)."""

    def __init__(self, look: RoomLook | None = None) -> None:
        super().__init__()
        self.look: RoomLook | None = look.clamped() if look is not None else None


def font(pixel_size: float, bold: bool = False) -> QFont:
    result = QFont("Sans Serif")
    result.setPixelSize(max(1, round(pixel_size)))
    result.setBold(bold)
    return result


@dataclass(frozen=True, slots=True)
class RoomCard:
    """A card laid out for the room at one font scale: every text fits inside the card."""

    tag_font: QFont
    badge: QRectF
    tag_at: QPointF
    votes: str
    votes_box: QRectF | None
    votes_font: QFont
    text_font: QFont
    lines: tuple[str, ...]
    line_height: float
    text_top: float
    category: str
    category_font: QFont
    category_at: QPointF | None
    big_tag_font: QFont
    big_tag_at: QPointF
    drawn: tuple[tuple[QStaticText, QPointF, QFont, bool], ...]  # laid out once; True: white on a badge
    big_tag: QStaticText
    swatch: QRectF | None  # the category's colour: a square by its name, or a stripe along the bottom
    big_votes: tuple[QStaticText, QPointF, QFont, QRectF] | None = None  # dots beside the tag-only number


def lay_out(card: Card, scale: float) -> RoomCard:
    """Fit the card's tag, votes, text and category into its rectangle at ``scale`` (1.0 to 2.5)."""
    width, height = card.width, card.height
    inner = width - 2 * PAD
    tag_px = _fitting_px(card.tag, True, BASE_TAG_PX * scale, width - 20, height * 0.32)
    tag_metrics = QFontMetricsF(font(tag_px, True))
    badge = QRectF(0, 0, tag_metrics.horizontalAdvance(card.tag) + 16, tag_metrics.height() + 6)
    votes = f"● {card.votes}" if card.votes else ""
    votes_px = tag_px * 0.8
    votes_box = None
    if votes:
        votes_metrics = QFontMetricsF(font(votes_px, True))
        box_width = votes_metrics.horizontalAdvance(votes) + 14
        if badge.width() + 6 + box_width <= width:
            votes_box = QRectF(width - box_width - 2, 2, box_width, badge.height() - 4)
    category_px = min(BASE_SMALL_PX * scale, 20.0)
    category_metrics = QFontMetricsF(font(category_px, True))
    text_top = badge.height() + 4
    footer = category_metrics.height() + 6 if card.category else 0.0
    two_lines = 2 * QFontMetricsF(font(BASE_TEXT_PX)).lineSpacing()
    if footer and height - text_top - footer - 4 < two_lines:
        footer = STRIPE  # no room for the name: the text keeps the space, the colour stays
    category = category_metrics.elidedText(card.category, Qt.TextElideMode.ElideRight, inner - 18)
    category_at = QPointF(PAD + 18, height - footer + 3) if card.category and footer > STRIPE else None
    text_height = height - text_top - footer - 4
    text_px, lines, line_height = _fitted_text(card.text[:MAX_TEXT_CHARS], BASE_TEXT_PX * scale, inner,
                                               text_height)
    tag_side = width * BIG_TAG_SHARE if votes else width  # with dots, the tag takes the left part
    big_px = _fitting_px(card.tag, True, BASE_BIG_TAG_PX * scale, tag_side - 12, height - 12)
    big_metrics = QFontMetricsF(font(big_px, True))
    big_tag_at = QPointF((tag_side - big_metrics.horizontalAdvance(card.tag)) / 2,
                         (height - big_metrics.height()) / 2)
    big_votes = _big_votes(card.votes, width - tag_side, width, height) if votes else None
    tag_font, votes_font, text_font = font(tag_px, True), font(votes_px, True), font(text_px)
    category_font, big_font = font(category_px, True), font(big_px, True)
    tag_at = _centred(card.tag, tag_metrics, badge)
    drawn = [(_static(card.tag, tag_font), tag_at, tag_font, True)]
    if votes_box is not None:
        drawn.append((_static(votes, votes_font), _centred(votes, QFontMetricsF(votes_font), votes_box),
                      votes_font, True))
    drawn += [(_static(line, text_font), QPointF(PAD, text_top + index * line_height), text_font, False)
              for index, line in enumerate(lines) if line]
    swatch = None
    if category_at is not None:
        drawn.append((_static(category, category_font), category_at, category_font, False))
        swatch = QRectF(PAD, category_at.y() + 2, 12, category_metrics.height() - 4)
    elif card.category:
        swatch = QRectF(PAD, height - STRIPE - 2, width - 2 * PAD, STRIPE)
    return RoomCard(tag_font, badge, tag_at, votes, votes_box, votes_font, text_font, tuple(lines),
                    line_height, text_top, category, category_font, category_at, big_font, big_tag_at,
                    tuple(drawn), _static(card.tag, big_font), swatch, big_votes)


def _big_votes(votes: int, room: float, width: float, height: float) -> tuple[QStaticText, QPointF, QFont,
                                                                               QRectF]:
    """The dots as a pill on the right of a tag-only card, as large as the room beside the tag allows."""
    label = f"●\u2009{votes}"  # a thin space: the dot and the number read apart
    px = _fitting_px(label, True, height * 0.5, room - 16, height * 0.5)
    votes_font = font(px, True)
    metrics = QFontMetricsF(votes_font)
    box_width, box_height = metrics.horizontalAdvance(label) + 12, metrics.height() + 6
    box = QRectF(width - box_width - 4, (height - box_height) / 2, box_width, box_height)
    return _static(label, votes_font), _centred(label, metrics, box), votes_font, box


def _static(text: str, text_font: QFont) -> QStaticText:
    """One line of plain text laid out once (never read as markup)."""
    static = QStaticText(text)
    static.setTextFormat(Qt.TextFormat.PlainText)
    static.prepare(font=text_font)
    return static


def _centred(text: str, metrics: QFontMetricsF, box: QRectF) -> QPointF:
    """Where to draw one line of ``text`` so that it is centred in ``box``."""
    return QPointF(box.center().x() - metrics.horizontalAdvance(text) / 2,
                   box.center().y() - metrics.height() / 2)


def _fitting_px(text: str, bold: bool, wanted: float, max_width: float, max_height: float) -> float:
    """``wanted`` pixel size, made smaller if one line of ``text`` would be wider or taller than allowed."""
    metrics = QFontMetricsF(font(wanted, bold))
    shrink = min(1.0, max_width / max(1.0, metrics.horizontalAdvance(text)),
                 max_height / max(1.0, metrics.height()))
    return max(6.0, wanted * shrink * 0.98)


def _fitted_text(text: str, wanted_px: float, width: float, height: float) -> tuple[float, list[str], float]:
    """The largest size from ``wanted_px`` down to the normal size at which ``text`` fits the box; at the
    normal size the lines that fit are kept and the last one ends in "…"."""
    px = wanted_px
    while True:
        metrics = QFontMetricsF(font(px))
        line_height = metrics.lineSpacing()
        room = max(1, int(height // line_height))
        lines = wrap(text, metrics, width, room)
        if len(lines) <= room:
            return px, lines, line_height
        smaller = max(BASE_TEXT_PX, px * 0.9)
        if px <= BASE_TEXT_PX or smaller == px:
            kept = lines[:room]
            last = kept[-1][:MAX_LINE_CHARS]
            kept[-1] = metrics.elidedText(last + " …", Qt.TextElideMode.ElideRight, width)
            if not kept[-1].endswith("…"):
                kept[-1] = metrics.elidedText(kept[-1] + "…", Qt.TextElideMode.ElideRight, width)
            return px, kept, line_height
        px = smaller


def wrap(text: str, metrics: QFontMetricsF, width: float, max_lines: int | None = None) -> list[str]:
    """Greedy word wrap at ``width``; words wider than a line are cut between characters. With
    ``max_lines``, stops once there are more lines than that (the text does not fit)."""
    measure = metrics.horizontalAdvance
    lines: list[str] = []
    for paragraph in text.split("\n"):
        lines += wrap_paragraph(" ".join(paragraph.split()), measure, width,
                                None if max_lines is None else max_lines - len(lines))
        if max_lines is not None and len(lines) > max_lines:
            break
    while lines and not lines[-1]:
        lines.pop()
    return lines or [""]


def paint_card(painter: QPainter, card: Card, layout: RoomCard, look: RoomLook, selected: bool,
               category_colour: QColor | None) -> None:
    """Draw one card for the room (item coordinates)."""
    kind = card.kind
    fill, border = palette.KIND_COLOURS[kind]
    outline = card_outline(kind, card.width, card.height)
    zoom = painter.worldTransform().m11()
    if selected:
        painter.setPen(_HALO_PEN)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(outline)
    painter.setPen(_SELECTED_PEN if selected else _BORDERS[kind, look.high_contrast])
    painter.setBrush(fill)
    painter.drawPath(outline)
    if kind is CardKind.NOTE:
        painter.setBrush(border)
        painter.drawPath(note_fold(card.width, card.height))
    ink = _INK_PEN if look.high_contrast else _TEXT_PEN
    if zoom * BASE_TEXT_PX * look.font_scale < READABLE_SCREEN_PX:
        painter.setPen(ink if look.high_contrast else _BORDERS[kind, False])
        painter.setFont(layout.big_tag_font)
        painter.drawStaticText(layout.big_tag_at, layout.big_tag)
        if layout.big_votes is not None:  # the room votes at fit-all: the dots must show there too
            static, at, votes_font, box = layout.big_votes
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(_INK)
            painter.drawRoundedRect(box, box.height() / 2, box.height() / 2)
            painter.setPen(_WHITE_PEN)
            painter.setFont(votes_font)
            painter.drawStaticText(at, static)
        return
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(border)
    painter.drawRoundedRect(layout.badge, 8, 8)
    if layout.votes_box is not None:
        painter.setBrush(_INK)
        radius = layout.votes_box.height() / 2
        painter.drawRoundedRect(layout.votes_box, radius, radius)
    if layout.swatch is not None:
        painter.setBrush(category_colour or palette.OTHER_CATEGORY)
        painter.drawRect(layout.swatch)
    for static, at, text_font, on_badge in layout.drawn:  # a static text draws in the painter's font
        painter.setPen(_WHITE_PEN if on_badge else ink)
        painter.setFont(text_font)
        painter.drawStaticText(at, static)
