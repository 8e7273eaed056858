"""The map as a printable PDF poster: tiled over A4/A3 sheets to tape together, or on one large sheet.

Tiled: the map is printed at a scale where every card is at least ``min_card_mm`` wide (tags and text
stay legible from a metre away), on as few sheets as possible (portrait or landscape, whichever needs
fewer), then enlarged to fill those sheets. Neighbouring sheets share ``overlap_mm`` of the map. Page 1
is the assembly map (the whole map with the sheet grid and labels); each sheet carries its label
("B3 of 3x4": row B, column 3, of 3 rows and 4 columns), the names of its neighbours, crop marks at its
corners and alignment marks where the next sheet's edge goes.

Assembly: cut each sheet along the crop marks on its left edge (not in column 1) and top edge (not in
row A), lay it over its left/upper neighbour so that the cut edge meets the alignment marks, line the
picture up and tape it from behind.

The map is rendered with Qt at ``dpi`` (150 by default) one region at a time, each image at most
BAND_PIXELS, so a poster of any size needs little memory.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from PySide6.QtCore import QRectF
from PySide6.QtGui import QImage
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from trouble_mapper.canvas.scene import MapScene
from trouble_mapper.domain.model import CARD_WIDTH
from trouble_mapper.export.fonts import prepare_for, print_fonts, printable
from trouble_mapper.export.map_files import (
    check_target,
    map_area,
    render_image,
    workshop_title,
    write_atomically,
)

MM = 72 / 25.4  # points per millimetre
SHEETS = {"a4": (210.0, 297.0), "a3": (297.0, 420.0), "a2": (420.0, 594.0), "a1": (594.0, 841.0),
          "a0": (841.0, 1189.0)}  # portrait width, height in mm
TILE_SHEETS = ("a4", "a3")
LARGE_SHEETS = ("a3", "a2", "a1", "a0")
MARGIN_MM = 14.0  # white margin round every sheet: labels, marks, and the printer's unprintable edge
MIN_CARD_MM = 25.0
LARGE_MARGINS = {"a4": (14.0, 13.0), "a3": (14.0, 15.0), "a2": (18.0, 22.0), "a1": (22.0, 30.0),
                 "a0": (28.0, 42.0)}  # one-sheet posters: margin (mm) and title size (pt)
MAX_SHEETS = 100
BAND_PIXELS = 12_000_000  # largest single image rendered and embedded
MAX_POSTER_PIXELS = 60_000_000  # whole large sheet; the resolution is lowered to stay below
INK = (0.15, 0.17, 0.2)
GREY = (0.55, 0.57, 0.6)
ACCENT = (0.75, 0.29, 0.0)


def poster_fonts() -> tuple[str, str]:
    """(regular, bold) font names: the same bundled fonts as the printed plan."""
    fonts = print_fonts()
    return fonts.regular, fonts.bold


@dataclass(frozen=True)
class TilePlan:
    """How a map of ``map_w`` × ``map_h`` units is laid out over ``rows`` × ``cols`` sheets (mm)."""

    sheet: str
    landscape: bool
    page_w: float
    page_h: float
    rows: int
    cols: int
    overlap: float
    scale: float  # mm per map unit
    map_w: float  # map size on paper, mm
    map_h: float
    margin: float = MARGIN_MM

    @property
    def sheets(self) -> int:
        return self.rows * self.cols

    @property
    def content_w(self) -> float:
        return self.page_w - 2 * self.margin

    @property
    def content_h(self) -> float:
        return self.page_h - 2 * self.margin

    @property
    def step_x(self) -> float:
        return self.content_w - self.overlap

    @property
    def step_y(self) -> float:
        return self.content_h - self.overlap

    @property
    def grid_w(self) -> float:
        return self.cols * self.step_x + self.overlap

    @property
    def grid_h(self) -> float:
        return self.rows * self.step_y + self.overlap

    @property
    def offset(self) -> tuple[float, float]:
        """Where the map's top-left sits in the grid (the map is centred on the sheets)."""
        return (self.grid_w - self.map_w) / 2, (self.grid_h - self.map_h) / 2

    @property
    def card_mm(self) -> float:
        return CARD_WIDTH * self.scale

    def tile(self, row: int, col: int) -> tuple[float, float]:
        """Top-left of sheet (row, col)'s printed area, in grid mm."""
        return col * self.step_x, row * self.step_y

    @property
    def orientation(self) -> str:
        return "landscape" if self.landscape else "portrait"


def sheet_size(sheet: str, landscape: bool) -> tuple[float, float]:
    width, height = SHEETS[sheet]
    return (height, width) if landscape else (width, height)


def plan_tiles(map_w: float, map_h: float, sheet: str = "a4", overlap_mm: float = 10.0,
               min_card_mm: float = MIN_CARD_MM, margin_mm: float = MARGIN_MM,
               max_sheets: int = MAX_SHEETS) -> TilePlan:
    """The fewest sheets that show a ``map_w`` × ``map_h`` unit map with cards ``min_card_mm`` wide.

    Of portrait and landscape, the one needing fewer sheets wins (then the one printing larger); the
    scale then grows until the map fills the chosen grid. Raises ValueError (user wording) when the
    overlap does not fit a sheet or the poster would need more than ``max_sheets`` sheets.
    """
    sheet = _sheet_name(sheet, TILE_SHEETS, "tiled posters")
    if map_w <= 0 or map_h <= 0:
        raise ValueError("There is nothing to print: the map is empty.")
    if min_card_mm <= 0:
        raise ValueError("The smallest card width must be more than 0 mm.")
    best: tuple[tuple[int, float], TilePlan] | None = None
    for landscape in (False, True):
        page_w, page_h = sheet_size(sheet, landscape)
        content_w, content_h = page_w - 2 * margin_mm, page_h - 2 * margin_mm
        if not 0 <= overlap_mm <= min(content_w, content_h) / 3:
            raise ValueError(f"An overlap of {overlap_mm:g} mm does not fit on {sheet.upper()} sheets; "
                             f"choose between 0 and {min(content_w, content_h) / 3:.0f} mm.")
        least = min_card_mm / CARD_WIDTH
        cols = max(1, math.ceil((map_w * least - overlap_mm) / (content_w - overlap_mm) - 1e-9))
        rows = max(1, math.ceil((map_h * least - overlap_mm) / (content_h - overlap_mm) - 1e-9))
        scale = min((cols * (content_w - overlap_mm) + overlap_mm) / map_w,
                    (rows * (content_h - overlap_mm) + overlap_mm) / map_h)
        plan = TilePlan(sheet, landscape, page_w, page_h, rows, cols, overlap_mm, scale,
                        map_w * scale, map_h * scale, margin_mm)
        key = (plan.sheets, -scale)
        if best is None or key < best[0]:
            best = (key, plan)
    assert best is not None
    plan = best[1]
    if plan.sheets > max_sheets:
        raise ValueError(f"This map would need {plan.sheets} {sheet.upper()} sheets; print it on A3 sheets "
                         f"or on one large sheet instead (at most {max_sheets} sheets).")
    return plan


def _sheet_name(sheet: str, allowed: tuple[str, ...], what: str) -> str:
    name = str(sheet).strip().lower()
    if name not in allowed:
        raise ValueError(f"{sheet!r} is not a sheet size for {what}; choose one of "
                         f"{', '.join(s.upper() for s in allowed)}.")
    return name


def row_name(row: int) -> str:
    """A, B, ..., Z, AA, AB, ... for rows 0, 1, ..."""
    name = ""
    row += 1
    while row:
        row, rest = divmod(row - 1, 26)
        name = chr(65 + rest) + name
    return name


def tile_label(plan: TilePlan, row: int, col: int) -> str:
    """"B3 of 3x4": row B, column 3, of a poster 3 rows high and 4 columns wide."""
    return f"{row_name(row)}{col + 1} of {plan.rows}x{plan.cols}"


@dataclass(frozen=True)
class PosterResult:
    pages: int
    sheet: str  # "a4", ..., "a0"
    landscape: bool
    rows: int
    cols: int
    card_mm: float  # how wide a standard card is printed
    dpi: float


def write_poster(path: Path | str, scene: MapScene, *, sheet: str = "a4", tiles: bool = True,
                 overlap_mm: float = 10.0, large_sheet: str | None = None,
                 min_card_mm: float = MIN_CARD_MM, dpi: float = 150.0) -> PosterResult:
    """Write the whole map as a PDF poster at ``path``.

    ``large_sheet`` ("a3", "a2", "a1" or "a0"): one page of that size with the map scaled to fit.
    Otherwise, with ``tiles``: the map split over ``sheet`` ("a4" or "a3") sheets as described in this
    module's docstring, page 1 being the assembly map; without ``tiles``: the map fitted on one ``sheet``.
    Raises ValueError or ExportFailed (an OSError) with a message for the user; the file is written
    atomically.
    """
    path = check_target(path)
    area = map_area(scene)
    title = workshop_title(scene)
    prepare_for([title])
    buffer = BytesIO()
    canvas = Canvas(buffer, pageCompression=1, invariant=1)
    canvas.setTitle(title)
    canvas.setAuthor("Trouble Mapper")
    canvas.setSubject("Trouble map poster")
    canvas.setCreator("Trouble Mapper")
    if large_sheet is not None or not tiles:
        chosen = (_sheet_name(large_sheet, LARGE_SHEETS, "a poster on one sheet") if large_sheet is not None
                  else _sheet_name(sheet, TILE_SHEETS, "posters"))
        result = _one_sheet(canvas, scene, area, title, chosen, dpi)
    else:
        plan = plan_tiles(area.width(), area.height(), sheet, overlap_mm, min_card_mm)
        if plan.sheets > 1:
            _assembly_page(canvas, scene, area, title, plan)
        for row in range(plan.rows):
            for col in range(plan.cols):
                _tile_page(canvas, scene, area, title, plan, row, col, dpi)
        result = PosterResult(plan.sheets + (plan.sheets > 1), plan.sheet, plan.landscape, plan.rows,
                              plan.cols, plan.card_mm, dpi)
    canvas.save()
    write_atomically(path, buffer.getvalue())
    return result


# Drawing helpers (mm from the page's top-left corner; reportlab counts points from the bottom-left).


class _Page:
    def __init__(self, canvas: Canvas, width: float, height: float) -> None:
        self.canvas = canvas
        self.width, self.height = width, height
        canvas.setPageSize((width * MM, height * MM))

    def x(self, mm: float) -> float:
        return mm * MM

    def y(self, mm: float) -> float:
        return (self.height - mm) * MM

    def line(self, x1: float, y1: float, x2: float, y2: float, width: float = 0.3,
             colour: tuple[float, float, float] = INK) -> None:
        self.canvas.setStrokeColorRGB(*colour)
        self.canvas.setLineWidth(width)
        self.canvas.line(self.x(x1), self.y(y1), self.x(x2), self.y(y2))

    def text(self, x: float, y: float, text: str, size: float = 8, *, bold: bool = False,
             align: str = "left", colour: tuple[float, float, float] = INK, max_width: float | None = None,
             angle: float = 0) -> None:
        font = poster_fonts()[1 if bold else 0]
        text = printable(text)
        if max_width is not None:
            text = _fitted(text, font, size, max_width * MM)
        canvas = self.canvas
        canvas.saveState()
        canvas.setFillColorRGB(*colour)
        canvas.setFont(font, size)
        canvas.translate(self.x(x), self.y(y))
        canvas.rotate(angle)
        draw = {"left": canvas.drawString, "right": canvas.drawRightString,
                "centre": canvas.drawCentredString}[align]
        draw(0, 0, text)
        canvas.restoreState()

    def image(self, image: QImage, x: float, y: float, width: float, height: float) -> None:
        """``image`` placed with its top-left at (x, y), ``width`` × ``height`` mm."""
        self.canvas.drawImage(ImageReader(_pil(image)), self.x(x), self.y(y + height), width * MM,
                              height * MM)


def _fitted(text: str, font: str, size: float, width_pt: float) -> str:
    if stringWidth(text, font, size) <= width_pt:
        return text
    while text and stringWidth(text + "…", font, size) > width_pt:
        text = text[:-1]
    return text.rstrip() + "…"


def _pil(image: QImage):
    from PIL import Image

    rgb = image.convertToFormat(QImage.Format.Format_RGB888)
    return Image.frombuffer("RGB", (rgb.width(), rgb.height()), bytes(rgb.constBits()), "raw", "RGB",
                            rgb.bytesPerLine(), 1)


def _draw_map(page: _Page, scene: MapScene, source: QRectF, x: float, y: float, width: float,
              height: float, dpi: float) -> None:
    """Render ``source`` (scene units) at ``dpi`` into the ``width`` × ``height`` mm box at (x, y).

    Large boxes are rendered in horizontal bands of at most BAND_PIXELS each, to bound memory.
    """
    px_w = max(1, round(width / 25.4 * dpi))
    px_h = max(1, round(height / 25.4 * dpi))
    band = max(1, min(px_h, BAND_PIXELS // px_w))
    top = 0
    while top < px_h:
        rows = min(band, px_h - top)
        part = QRectF(source.left(), source.top() + source.height() * top / px_h, source.width(),
                      source.height() * rows / px_h)
        image = render_image(scene, part, px_w, rows)
        page.image(image, x, y + height * top / px_h, width, height * rows / px_h)
        top += rows


def _crop_marks(page: _Page, left: float, top: float, right: float, bottom: float) -> None:
    gap, length = 2.0, 6.0
    for x, dx in ((left, -1), (right, 1)):
        for y, dy in ((top, -1), (bottom, 1)):
            page.line(x + dx * gap, y, x + dx * (gap + length), y)
            page.line(x, y + dy * gap, x, y + dy * (gap + length))


def _alignment_mark(page: _Page, x: float | None, y: float | None, plan: TilePlan,
                    names: tuple[str, str] = ("", "")) -> None:
    """A triangle in the margins at each end of the line where the neighbouring sheet's edge goes."""
    m = plan.margin
    canvas = page.canvas
    canvas.setFillColorRGB(*ACCENT)
    canvas.setStrokeColorRGB(*ACCENT)
    size = 2.2
    if x is not None:
        for edge, direction in ((m, -1), (page.height - m, 1)):
            tip = edge + direction * 1.5
            base = tip + direction * size * 1.6
            _triangle(page, [(x, tip), (x - size, base), (x + size, base)])
            page.line(x, base, x, base + direction * 4, 0.5, ACCENT)
            page.text(x - size - 1, (tip + base) / 2 + 1, f"{names[0]} edge", 5.5, align="right",
                      colour=ACCENT)
    if y is not None:
        for edge, direction in ((m, -1), (page.width - m, 1)):
            tip = edge + direction * 1.5
            base = tip + direction * size * 1.6
            _triangle(page, [(tip, y), (base, y - size), (base, y + size)])
            page.line(base, y, base + direction * 4, y, 0.5, ACCENT)
            page.text(edge + direction * 6.5, y - size - 1.2, f"{names[1]} edge", 5.5, align="centre",
                      colour=ACCENT)


def _triangle(page: _Page, points: list[tuple[float, float]]) -> None:
    path = page.canvas.beginPath()
    path.moveTo(page.x(points[0][0]), page.y(points[0][1]))
    for px, py in points[1:]:
        path.lineTo(page.x(px), page.y(py))
    path.close()
    page.canvas.drawPath(path, stroke=0, fill=1)


def _tile_page(canvas: Canvas, scene: MapScene, area: QRectF, title: str, plan: TilePlan, row: int,
               col: int, dpi: float) -> None:
    page = _Page(canvas, plan.page_w, plan.page_h)
    m, cw, ch = plan.margin, plan.content_w, plan.content_h
    gx, gy = plan.tile(row, col)
    ox, oy = plan.offset
    left, top = max(gx, ox), max(gy, oy)
    right, bottom = min(gx + cw, ox + plan.map_w), min(gy + ch, oy + plan.map_h)
    if right > left and bottom > top:
        source = QRectF(area.left() + (left - ox) / plan.scale, area.top() + (top - oy) / plan.scale,
                        (right - left) / plan.scale, (bottom - top) / plan.scale)
        _draw_map(page, scene, source, m + left - gx, m + top - gy, right - left, bottom - top, dpi)
    _crop_marks(page, m, m, m + cw, m + ch)
    _alignment_mark(page, m + cw - plan.overlap if col + 1 < plan.cols else None,
                    m + ch - plan.overlap if row + 1 < plan.rows else None, plan,
                    (f"{row_name(row)}{col + 2}", f"{row_name(row + 1)}{col + 1}"))
    label = tile_label(plan, row, col)
    number = row * plan.cols + col + 1
    page.text(page.width / 2, m - 4.5, label, 14, bold=True, align="centre")
    label_w = stringWidth(label, poster_fonts()[1], 14) / MM
    page.text(m + 3, m - 5, title, 8, max_width=page.width / 2 - label_w / 2 - m - 8)
    page_number = number + (plan.sheets > 1)
    page.text(m + 3, page.height - m + 9, f"Sheet {number} of {plan.sheets} (page {page_number}) · row "
              f"{row_name(row)}, column {col + 1} · a card is {plan.card_mm:.0f} mm wide · "
              f"overlap {plan.overlap:g} mm · Trouble Mapper", 6.5, colour=GREY,
              max_width=page.width * 0.75 - m - 12)
    hint = 6.5
    if row > 0:
        page.text(m + cw * 0.75, m - 5, f"{row_name(row - 1)}{col + 1} above", hint, align="centre",
                  colour=GREY)
    if row + 1 < plan.rows:
        page.text(m + cw * 0.75, page.height - m + 5, f"{row_name(row + 1)}{col + 1} below", hint,
                  align="centre", colour=GREY)
    if col > 0:
        page.text(m - 4, page.height / 2, f"{row_name(row)}{col} to the left", hint, align="centre",
                  colour=GREY, angle=90)
    if col + 1 < plan.cols:
        page.text(page.width - m + 6.5, page.height / 2, f"{row_name(row)}{col + 2} to the right", hint,
                  align="centre", colour=GREY, angle=90)
    canvas.showPage()


def _assembly_page(canvas: Canvas, scene: MapScene, area: QRectF, title: str, plan: TilePlan) -> None:
    """Page 1: what the poster is, how to put it together, and the whole map with the sheet grid."""
    page = _Page(canvas, plan.page_w, plan.page_h)
    m = plan.margin
    width = page.width - 2 * m
    page.text(m, m + 6, title, 18, bold=True, max_width=width)
    rows = "1 row (A)" if plan.rows == 1 else f"{plan.rows} rows (A–{row_name(plan.rows - 1)})"
    cols = "1 column (1)" if plan.cols == 1 else f"{plan.cols} columns (1–{plan.cols})"
    text = (
        f"Poster in {plan.sheets} {plan.sheet.upper()} {plan.orientation} sheets: {rows} × {cols}; "
        f"a card is {plan.card_mm:.0f} mm wide, "
        f"the whole map {plan.map_w / 10:.0f} × {plan.map_h / 10:.0f} cm.\n"
        "Print at 100 % (\u201cactual size\u201d, not \u201cfit to page\u201d). Each sheet shows its label "
        "(\u201cB3 of 3x4\u201d: row B, column 3) at the top.\n"
        "Cut each sheet along the corner marks on its left edge (not in column 1) and its top edge (not in "
        f"row A). Lay it over its neighbour with the cut edge on the orange marks ({plan.overlap:g} mm "
        "overlap), line the picture up and tape it from behind. Start with A1, finish the top row, then "
        "go down row by row."
    )
    y = m + 14
    for paragraph in text.split("\n"):
        for line in simpleSplit(paragraph, poster_fonts()[0], 8.5, width * MM):
            page.text(m, y, line, 8.5)
            y += 4
        y += 1.5
    y += 4
    box_w, box_h = width, page.height - m - y
    k = min(box_w / plan.grid_w, box_h / plan.grid_h)
    gx0 = m + (box_w - plan.grid_w * k) / 2
    gy0 = y + (box_h - plan.grid_h * k) / 2
    ox, oy = plan.offset
    thumb_w, thumb_h = plan.map_w * k, plan.map_h * k
    _draw_map(page, scene, area, gx0 + ox * k, gy0 + oy * k, thumb_w, thumb_h, 110)
    canvas.setStrokeColorRGB(*INK)
    canvas.setLineWidth(0.8)
    canvas.rect(page.x(gx0), page.y(gy0 + plan.grid_h * k), plan.grid_w * k * MM, plan.grid_h * k * MM)
    for col in range(1, plan.cols):
        x = gx0 + col * plan.step_x * k
        page.line(x, gy0, x, gy0 + plan.grid_h * k, 0.8, ACCENT)
    for row in range(1, plan.rows):
        yy = gy0 + row * plan.step_y * k
        page.line(gx0, yy, gx0 + plan.grid_w * k, yy, 0.8, ACCENT)
    size = max(7.0, min(20.0, plan.step_x * k * MM / 5))
    for row in range(plan.rows):
        for col in range(plan.cols):
            x0, y0 = gx0 + col * plan.step_x * k, gy0 + row * plan.step_y * k
            x1 = gx0 + (plan.grid_w if col + 1 == plan.cols else (col + 1) * plan.step_x) * k
            y1 = gy0 + (plan.grid_h if row + 1 == plan.rows else (row + 1) * plan.step_y) * k
            name = f"{row_name(row)}{col + 1}"
            cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
            text_w = stringWidth(name, poster_fonts()[1], size) / MM
            canvas.setFillColorRGB(1, 1, 1, 0.85)
            canvas.setStrokeColorRGB(*ACCENT)
            canvas.setLineWidth(0.6)
            pad = size * 0.25 / MM
            canvas.roundRect(page.x(cx - text_w / 2 - pad * 2), page.y(cy + size * 0.5 / MM + pad),
                             (text_w + pad * 4) * MM, (size / MM + pad * 2) * MM, 2 * MM, stroke=1, fill=1)
            page.text(cx, cy + size * 0.35 / MM, name, size, bold=True, align="centre", colour=ACCENT)
    page.text(m, page.height - m + 8, f"Assembly map · {plan.sheets} sheets follow, page 2 is A1", 7,
              colour=GREY)
    page.text(page.width - m, page.height - m + 8, "Trouble Mapper", 7, align="right", colour=GREY)
    canvas.showPage()


def _one_sheet(canvas: Canvas, scene: MapScene, area: QRectF, title: str, sheet: str,
               dpi: float) -> PosterResult:
    """The whole map fitted on one sheet, in the orientation that prints it largest."""
    m, title_size = LARGE_MARGINS[sheet]
    best: tuple[float, bool] | None = None
    for landscape in (False, True):
        page_w, page_h = sheet_size(sheet, landscape)
        scale = min((page_w - 2 * m) / area.width(), (page_h - 2 * m) / area.height())
        if best is None or scale > best[0]:
            best = (scale, landscape)
    assert best is not None
    scale, landscape = best
    page = _Page(canvas, *sheet_size(sheet, landscape))
    width, height = area.width() * scale, area.height() * scale
    inches = (width / 25.4) * (height / 25.4)
    dpi = min(dpi, math.sqrt(MAX_POSTER_PIXELS / inches))
    x, y = (page.width - width) / 2, m + (page.height - 2 * m - height) / 2
    _draw_map(page, scene, area, x, y, width, height, dpi)
    small = title_size * 0.45
    above = max(m, y) - 6  # the title sits just above the map
    page.text(x, above, title, title_size, bold=True, max_width=page.width - 2 * m - small * 12)
    page.text(x + width, above, f"{sheet.upper()} · a card is {CARD_WIDTH * scale:.0f} mm wide", small,
              align="right", colour=GREY)
    page.text(x + width, min(page.height - m, y + height) + small * 0.5, "Trouble Mapper", small,
              align="right", colour=GREY)
    canvas.showPage()
    return PosterResult(1, sheet, landscape, 1, 1, CARD_WIDTH * scale, dpi)
