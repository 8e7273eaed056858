"""The printed action plan: what goes on the team board and to the sponsor after a workshop.

Pages: a cover (goal, scope, dates, sponsor, facilitator, team), the map with its numbered tags and a
legend (landscape), the trouble register in tag order, causes and countermeasures, the action plan by
priority, one page per owner to hand out, the standardisation list, the latest meeting's notes and the
sponsor's sign-off. Every page has the title and "page x of y"; the PDF has an outline per section.

Print-friendly: black text, light fills, and nothing is said by colour alone (overdue actions say
"OVERDUE"). All user text is escaped before reportlab reads it as markup; characters the font cannot
draw are replaced by a visible mark rather than crashing. The file is written atomically.
"""

from __future__ import annotations

import io
import os
from datetime import date
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, LETTER, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    LayoutError,
    LongTable,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from trouble_mapper.atomic_file import write_atomically
from trouble_mapper.canvas import palette as map_palette
from trouble_mapper.domain import rules
from trouble_mapper.domain.document import WorkshopDocument
from trouble_mapper.domain.model import Action, Card, Person
from trouble_mapper.domain.vocabulary import CATEGORY_SCHEMES, CardKind, Role
from trouble_mapper.export.cell_text import cell_lines, has_right_to_left
from trouble_mapper.export.fonts import prepare_for, print_fonts, printable, texts_in
from trouble_mapper.service import WorkshopService
from trouble_mapper.storage.workshop_file import WorkshopFile

rl_config.useA85 = 0  # write the map picture as binary: ASCII85-encoding it in Python took seconds
PAPERS = {"a4": A4, "letter": LETTER}
MARGIN = 15 * mm
MAX_CELL_CHARS = 3000  # longer texts are cut in table cells
CELL_SIZE, CELL_LEADING, CELL_PAD = 8.5, 10.5, 3.0  # table text: font size, line spacing, side padding
HANDWRITING_ROWS = 5
MAP_PIXELS = 4000

LIGHT = colors.HexColor("#EEEEEE")
RULE = colors.HexColor("#555555")
INK = colors.black


class PlanExportError(OSError):
    """The action plan could not be written; the message is for the user."""


def markup(text: str, limit: int | None = None) -> str:
    """User text made safe for a reportlab Paragraph: printable, escaped, line breaks kept."""
    text = text or ""
    if limit is not None and len(text) > limit:
        text = text[:limit] + f" … ({len(text) - limit:,} more characters not printed)"
    return escape(printable(text)).replace("\n", "<br/>")


# Styles.

def _styles() -> dict[str, ParagraphStyle]:
    fonts = print_fonts()
    base = ParagraphStyle("body", fontName=fonts.regular, fontSize=10, leading=13, textColor=INK,
                          splitLongWords=1)
    return {
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=8.5, leading=10.5),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8.5, leading=10.5),
        "head": ParagraphStyle("head", parent=base, fontName=fonts.bold, fontSize=8.5, leading=10.5),
        "title": ParagraphStyle("title", parent=base, fontName=fonts.bold, fontSize=22, leading=27,
                                spaceAfter=6),
        "h1": ParagraphStyle("h1", parent=base, fontName=fonts.bold, fontSize=16, leading=20, spaceAfter=8),
        "h2": ParagraphStyle("h2", parent=base, fontName=fonts.bold, fontSize=12.5, leading=16, spaceBefore=8,
                             spaceAfter=4),
        "label": ParagraphStyle("label", parent=base, fontName=fonts.bold),
        "centre": ParagraphStyle("centre", parent=base, alignment=TA_CENTER),
    }


class _Heading(Paragraph):
    """A section heading that also becomes an entry in the PDF outline."""

    def __init__(self, text: str, style: ParagraphStyle, key: str, level: int = 0,
                 outline_text: str | None = None) -> None:
        super().__init__(text, style)
        self.outline_key = key
        self.outline_level = level
        self.outline_text = outline_text


# The document with its page templates, header and footer.

class _NumberedCanvas(Canvas):
    """Holds every page until the end, then writes "page x of y" on each: one layout pass, not two."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict] = []

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            width, _height = self._pagesize
            self.setFont(print_fonts().regular, 9)
            self.setFillColor(INK)
            self.drawRightString(width - MARGIN, MARGIN, f"page {number} of {total}")
            super().showPage()
        super().save()


class _PlanDocument(BaseDocTemplate):
    def __init__(self, stream, pagesize, title: str, author: str, printed: date):
        super().__init__(stream, pagesize=pagesize, leftMargin=MARGIN, rightMargin=MARGIN,
                         topMargin=MARGIN + 8 * mm, bottomMargin=MARGIN + 6 * mm, title=title, author=author,
                         subject="Trouble map action plan", creator="Trouble Mapper",
                         keywords="trouble map, action plan")
        self.plan_title = title
        self.printed = printed
        portrait_size, landscape_size = pagesize, landscape(pagesize)
        self.addPageTemplates([
            PageTemplate("portrait", [self._frame(portrait_size)], onPage=self._decorate,
                         pagesize=portrait_size),
            PageTemplate("landscape", [self._frame(landscape_size)], onPage=self._decorate,
                         pagesize=landscape_size),
        ])

    def _frame(self, size) -> Frame:
        width, height = size
        return Frame(self.leftMargin, self.bottomMargin, width - self.leftMargin - self.rightMargin,
                     height - self.topMargin - self.bottomMargin, id="body", leftPadding=0, rightPadding=0,
                     topPadding=0, bottomPadding=0)

    def _decorate(self, canvas, doc) -> None:
        fonts = print_fonts()
        width, height = canvas._pagesize
        canvas.saveState()
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        canvas.setFillColor(INK)
        top = height - MARGIN
        canvas.setFont(fonts.bold, 9)
        title = printable(self.plan_title)
        while title and pdfmetrics.stringWidth(title, fonts.bold, 9) > width - 2 * MARGIN - 150:
            title = title[:-2] + "…" if len(title) > 2 else ""
        canvas.drawString(MARGIN, top, title)
        canvas.setFont(fonts.regular, 9)
        canvas.drawRightString(width - MARGIN, top, "Trouble map action plan")
        canvas.line(MARGIN, top - 4, width - MARGIN, top - 4)
        bottom = MARGIN
        canvas.line(MARGIN, bottom + 12, width - MARGIN, bottom + 12)
        canvas.drawString(MARGIN, bottom, f"Printed {self.printed.isoformat()}")
        canvas.restoreState()  # "page x of y" is drawn by _NumberedCanvas once the last page is known

    def afterFlowable(self, flowable) -> None:
        if isinstance(flowable, _Heading):
            self.canv.bookmarkPage(flowable.outline_key)
            text = flowable.outline_text or flowable.getPlainText()
            self.canv.addOutlineEntry(text, flowable.outline_key, level=flowable.outline_level,
                                      closed=False)


# The map page: the picture scaled to fit, with a legend of kinds and categories beside it.

class _MapWithLegend(Flowable):
    LEGEND_WIDTH = 150.0
    LEGEND_HEIGHT = 118.0
    NOTES = ("Tag numbers (T1, C1, M1, N1) are", "those of the register and the",
             "action plan. Arrows run from a", "cause to its effect. Badges on",
             "cards: open, overdue, done actions;", "● n: dots (votes).")

    def __init__(self, jpeg: bytes, pixel_size: tuple[int, int], scheme: str) -> None:
        super().__init__()
        self.jpeg = jpeg
        self.pixel_size = pixel_size
        self.scheme = scheme

    def wrap(self, available_width, available_height):
        self.width, self.height = available_width, available_height
        return available_width, available_height

    def draw(self) -> None:
        """The picture as large as the frame allows, with the legend beside it or below it (whichever
        leaves the picture larger: wide maps get the legend below, tall ones beside)."""
        canvas = self.canv
        px_w, px_h = self.pixel_size
        side = min((self.width - self.LEGEND_WIDTH - 12) / px_w, self.height / px_h)
        below = min(self.width / px_w, (self.height - self.LEGEND_HEIGHT - 10) / px_h)
        scale = max(side, below)
        w, h = px_w * scale, px_h * scale
        y = self.height - h
        from reportlab.lib.utils import ImageReader

        canvas.drawImage(ImageReader(io.BytesIO(self.jpeg)), 0, y, w, h)
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        canvas.rect(0, y, w, h)
        if side >= below:
            x = self.width - self.LEGEND_WIDTH
            top = self._kinds(x, self.height)
            top = self._categories(x, top - 6)
            self._notes(x, top - 8)
        else:
            top = y - 12
            self._kinds(0, top)
            self._categories(175, top)
            self._notes(380, top)

    def _kinds(self, x: float, top: float) -> float:
        canvas = self.canv
        fonts = print_fonts()
        canvas.setFillColor(INK)
        canvas.setFont(fonts.bold, 10)
        canvas.drawString(x, top - 10, "Cards")
        top -= 26
        for kind in CardKind:
            fill, border = (colors.HexColor(c.name()) for c in map_palette.KIND_COLOURS[kind])
            canvas.setFillColor(fill)
            canvas.setStrokeColor(border)
            canvas.setLineWidth(1.2)
            self._kind_shape(kind, x, top - 2, 24, 14)
            canvas.setFillColor(INK)
            canvas.setFont(fonts.bold, 9)
            canvas.drawString(x + 30, top + 2, kind.prefix)
            canvas.setFont(fonts.regular, 9)
            canvas.drawString(x + 42, top + 2, kind.label)
            canvas.setFont(fonts.regular, 7)
            canvas.drawString(x + 42, top - 6, map_palette.KIND_SHAPES[kind])
            top -= 22
        return top

    def _categories(self, x: float, top: float) -> float:
        canvas = self.canv
        fonts = print_fonts()
        label, categories = CATEGORY_SCHEMES.get(self.scheme, ("Categories", ()))
        canvas.setFillColor(INK)
        canvas.setFont(fonts.bold, 10)
        canvas.drawString(x, top - 10, printable(label))
        top -= 26
        canvas.setFont(fonts.regular, 9)
        for category in categories:
            colour = map_palette.category_colour(self.scheme, category)
            canvas.setFillColor(colors.HexColor(colour.name()) if colour else colors.white)
            canvas.setStrokeColor(INK)
            canvas.setLineWidth(0.5)
            canvas.rect(x, top - 2, 11, 11, fill=1, stroke=1)
            canvas.setFillColor(INK)
            canvas.drawString(x + 18, top, category)
            top -= 15
        return top

    def _notes(self, x: float, top: float) -> None:
        canvas = self.canv
        canvas.setFillColor(INK)
        canvas.setFont(print_fonts().regular, 7.5)
        for line in self.NOTES:
            canvas.drawString(x, top - 10, line)
            top -= 10

    def _kind_shape(self, kind: CardKind, x: float, y: float, w: float, h: float) -> None:
        canvas = self.canv
        if kind is CardKind.TROUBLE:
            canvas.roundRect(x, y, w, h, 3, fill=1, stroke=1)
        elif kind is CardKind.COUNTERMEASURE:
            canvas.roundRect(x, y, w, h, h / 2, fill=1, stroke=1)
        elif kind is CardKind.CAUSE:
            c = 4
            path = canvas.beginPath()
            path.moveTo(x + c, y)
            for px, py in ((x + w - c, y), (x + w, y + c), (x + w, y + h - c), (x + w - c, y + h),
                           (x + c, y + h), (x, y + h - c), (x, y + c)):
                path.lineTo(px, py)
            path.close()
            canvas.drawPath(path, fill=1, stroke=1)
        else:
            canvas.rect(x, y, w, h, fill=1, stroke=1)
            path = canvas.beginPath()
            path.moveTo(x + w - 6, y + h)
            path.lineTo(x + w, y + h - 6)
            path.lineTo(x + w - 6, y + h - 6)
            path.close()
            canvas.drawPath(path, fill=1, stroke=1)


# The plan's contents.

def _document_of(source: WorkshopService | WorkshopFile | WorkshopDocument) -> WorkshopDocument:
    if isinstance(source, (WorkshopService, WorkshopFile)):
        return source.document
    if isinstance(source, WorkshopDocument):
        return source
    raise TypeError(f"expected a workshop file or service, not {type(source).__name__}")


def _people_with(doc: WorkshopDocument, role: Role) -> list[Person]:
    return [p for p in doc.people.values() if role in p.roles]


def _names(people: list[Person]) -> str:
    return ", ".join(p.name for p in people)


def _is_overdue(action: Action, today: date) -> bool:
    return action.due is not None and action.due < today and not action.status.is_closed


def actions_by_priority(doc: WorkshopDocument, today: date) -> list[Action]:
    """Overdue actions first (oldest due date first), then open ones by due date, undated open ones,
    and closed ones last."""
    def key(action: Action):
        closed = action.status.is_closed
        group = 2 if closed else (0 if _is_overdue(action, today) else 1)
        return (group, action.due is None, action.due or date.max, action.what.casefold())
    return sorted(doc.actions.values(), key=key)


class _Builder:
    def __init__(self, doc: WorkshopDocument, today: date, map_picture: tuple[bytes, tuple[int, int]] | None):
        self.doc = doc
        self.today = today
        self.map_picture = map_picture
        self.s = _styles()
        self.numbers = {a.id: n for n, a in enumerate(actions_by_priority(doc, today), start=1)}

    # helpers

    def p(self, text: str, style: str = "cell", limit: int | None = MAX_CELL_CHARS,
          width: float | None = None) -> Paragraph:
        """User text as a Paragraph. Given the ``width`` it is set in, right-to-left text is wrapped here
        and each printed line put in drawing order (reportlab would reorder it per typed line)."""
        if width is not None and has_right_to_left(text or ""):
            style_ = self.s[style]
            lines = cell_lines(text, style_.fontName, style_.fontSize, width, limit).split("\n")
            return Paragraph("<br/>".join(escape(line) for line in lines), style_)
        return Paragraph(markup(text, limit), self.s[style])

    def word(self, text: str) -> str:
        """A short cell that never wraps (a number, a date, a score) as plain text."""
        return printable(text)

    def lines(self, text: str, column_width: float, bold: bool = False,
              limit: int | None = MAX_CELL_CHARS) -> str:
        """A table cell's text wrapped to its column (padding taken off) as plain lines: a Paragraph
        per cell is what made long plans slow to lay out (each is wrapped several times)."""
        fonts = print_fonts()
        return cell_lines(text, fonts.bold if bold else fonts.regular, CELL_SIZE, column_width - 2 * CELL_PAD,
                          limit)

    def raw(self, safe_markup: str, style: str = "cell") -> Paragraph:
        return Paragraph(safe_markup, self.s[style])

    def heading(self, text: str, key: str, level: int = 0, style: str = "h1") -> _Heading:
        return _Heading(markup(text), self.s[style], key, level, printable(text))

    def table(self, header: list[str], rows: list[list], widths: list[float], zebra: bool = True,
              row_heights: list[float | None] | None = None,
              bold_cells: list[tuple[int, int]] = ()) -> Table:
        """A long table with a repeated header row; ``bold_cells`` (column, row) count body rows from 0."""
        data = [[self.raw(escape(h), "head") for h in header], *rows]
        table = LongTable(data, colWidths=widths, rowHeights=row_heights, repeatRows=1, splitByRow=1,
                      splitInRow=1, hAlign="LEFT")
        fonts = print_fonts()
        style = [
            ("FONTNAME", (0, 1), (-1, -1), fonts.regular),  # the plain-text cells (``lines``, ``word``)
            ("FONTSIZE", (0, 1), (-1, -1), CELL_SIZE),
            ("LEADING", (0, 1), (-1, -1), CELL_LEADING),
            ("GRID", (0, 0), (-1, -1), 0.4, RULE),
            ("BACKGROUND", (0, 0), (-1, 0), LIGHT),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), CELL_PAD),
            ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PAD),
        ]
        style += [("FONTNAME", (column, row + 1), (column, row + 1), fonts.bold)
                  for column, row in bold_cells]
        if zebra:
            style += [("BACKGROUND", (0, r), (-1, r), colors.HexColor("#F7F7F7"))
                      for r in range(2, len(data), 2)]
        table.setStyle(TableStyle(style))
        return table

    def widths(self, fractions: list[float], width: float) -> list[float]:
        total = sum(fractions)
        return [width * f / total for f in fractions]

    def card_tags(self, card_ids) -> str:
        cards = [self.doc.cards[cid] for cid in card_ids if cid in self.doc.cards]
        order = list(CardKind)
        return ", ".join(c.tag for c in sorted(cards, key=lambda c: (order.index(c.kind), c.number)))

    def person(self, person_id: str | None) -> str:
        person = self.doc.people.get(person_id) if person_id else None
        return person.name if person else "Unassigned"

    def status(self, action: Action, column_width: float) -> str:
        """The status; an overdue action's cell says OVERDUE and by how many days (printed in bold)."""
        if _is_overdue(action, self.today):
            days = (self.today - action.due).days  # type: ignore[operator]
            return self.lines(f"OVERDUE\n{days} day{'s' if days != 1 else ''} late\n{action.status.label}",
                              column_width, bold=True)
        return self.lines(action.status.label, column_width)

    # sections

    def story(self, width: float, land_width: float) -> list:
        doc, s = self.doc, self.s
        story: list = [NextPageTemplate("portrait")]
        story += self.cover(width)
        story += [NextPageTemplate("landscape"), PageBreak()]
        story += self.map_page(land_width)
        story += [NextPageTemplate("portrait"), PageBreak()]
        story += self.register(width)
        story += [PageBreak()]
        story += self.plan(width)
        story += self.owner_pages(width)
        story += [PageBreak()]
        story += self.standards(width)
        story += self.meeting(width)
        story += self.sign_off(width)
        del doc, s
        return story

    def cover(self, width: float) -> list:
        doc, ws = self.doc, self.doc.workshop
        sponsors = _people_with(doc, Role.SPONSOR)
        facilitators = _people_with(doc, Role.CHANGE_AGENT)
        if ws.start_date and ws.end_date and ws.end_date != ws.start_date:
            dates = f"{ws.start_date.isoformat()} to {ws.end_date.isoformat()}"
        elif ws.start_date:
            dates = ws.start_date.isoformat()
        else:
            dates = "not set"
        counts = doc.card_counts()
        overdue = len(doc.overdue_actions(self.today))
        open_actions = sum(1 for a in doc.actions.values() if not a.status.is_closed)
        facts = [
            ("Improvement goal", ws.goal_label or "not set"),
            ("Scope", ws.scope or "not set"),
            ("Dates", dates),
            ("Sponsor", _names(sponsors) or "not named"),
            ("Facilitator", _names(facilitators) or "not named"),
            ("Printed", self.today.isoformat()),
            ("On the map", ", ".join(rules.describe_count(counts.get(k, 0), k.value, k.plural)
                                     for k in CardKind)),
            ("Actions", f"{len(doc.actions)} in all, {open_actions} open, {overdue} overdue"),
        ]
        value_width = width * 0.75 - 2 * CELL_PAD  # the table's default right padding is 6 points
        rows = [[self.p(label, "label"), self.p(value, "body", width=value_width)] for label, value in facts]
        facts_table = Table(rows, colWidths=[width * 0.25, width * 0.75], hAlign="LEFT")
        facts_table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                                         ("LINEBELOW", (0, 0), (-1, -1), 0.3, LIGHT),
                                         ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
        team_rows = [[self.p(p.name), self.p(p.function),
                      self.p("; ".join(r.label for r in p.roles) or "-")]
                     for p in sorted(doc.people.values(), key=lambda p: (_role_rank(p), p.name.casefold()))]
        story = [
            _Heading(markup(ws.title, 500), self.s["title"], "cover", 0,
                     "Cover: " + printable(ws.title[:200])),
            self.raw("Trouble map action plan", "h2"),
            Spacer(1, 6), facts_table, Spacer(1, 14),
            self.heading("The team", "team", 1, "h2"),
        ]
        if team_rows:
            story.append(self.table(["Name", "Function", "Roles"], team_rows, self.widths([3, 3, 4], width)))
        else:
            story.append(self.p("No one is on the team roster yet.", "body"))
        return story

    def map_page(self, width: float) -> list:
        story: list = [self.heading("Trouble map", "map")]
        if self.map_picture is None:
            story.append(self.p("The map could not be drawn for this print.", "body"))
            return story
        jpeg, size = self.map_picture
        story.append(_MapWithLegend(jpeg, size, self.doc.workshop.category_scheme))
        return story

    def register(self, width: float) -> list:
        doc = self.doc
        zones = doc.zones
        causes_of: dict[str, list[str]] = {}
        effects_of: dict[str, list[str]] = {}
        for link in doc.links.values():
            causes_of.setdefault(link.effect_id, []).append(link.cause_id)
            effects_of.setdefault(link.cause_id, []).append(link.effect_id)
        story: list = [self.heading("Trouble register", "register")]
        troubles = doc.cards_in_tag_order(CardKind.TROUBLE)
        if troubles:
            columns = self.widths([5, 30, 13, 12, 5, 14, 10], width)
            rows = [[self.lines(card.tag, columns[0], bold=True), self.lines(_card_text(card), columns[1]),
                     self.lines(card.category or "-", columns[2]),
                     self.lines(zones[card.zone_id].name if card.zone_id in zones else "-", columns[3]),
                     self.word(str(card.votes)), self.lines(_scores(card), columns[5]),
                     self.lines(self.card_tags(causes_of.get(card.id, ())) or "-", columns[6])]
                    for card in troubles]
            story.append(self.table(["Tag", "Trouble", "Category", "Zone", "Dots", "Scores", "Causes"], rows,
                                    columns, bold_cells=[(0, r) for r in range(len(rows))]))
            story.append(Spacer(1, 4))
            story.append(self.p("Scores: I impact, E effort, S severity, F frequency (1 low to 5 high); "
                                "risk = severity × frequency.", "small"))
        else:
            story.append(self.p("No troubles on the map yet.", "body"))
        others = [c for c in doc.cards_in_tag_order() if c.kind is not CardKind.TROUBLE]
        if others:
            story += [Spacer(1, 10), self.heading("Causes, countermeasures and notes", "others", 1, "h2")]
            columns = self.widths([5, 15, 45, 13, 12], width)
            rows = [[self.lines(c.tag, columns[0], bold=True), self.lines(c.kind.label, columns[1]),
                     self.lines(_card_text(c), columns[2]),
                     self.lines(zones[c.zone_id].name if c.zone_id in zones else "-", columns[3]),
                     self.lines(self.card_tags(effects_of.get(c.id, ())) or "-", columns[4])] for c in others]
            story.append(self.table(["Tag", "Kind", "Text", "Zone", "Leads to"], rows, columns,
                                    bold_cells=[(0, r) for r in range(len(rows))]))
        return story

    def plan(self, width: float) -> list:
        story: list = [self.heading("Action plan by priority", "plan")]
        actions = actions_by_priority(self.doc, self.today)
        if not actions:
            return [*story, self.p("No actions planned yet.", "body")]
        overdue = sum(_is_overdue(a, self.today) for a in actions)
        story.append(self.p(f"Overdue actions first (as of {self.today.isoformat()}: {overdue} overdue), "
                            "then by due date; closed actions last.", "small"))
        story.append(Spacer(1, 4))
        rows = []
        columns = self.widths([3, 29, 12, 12, 12, 8, 21], width)
        for action in actions:
            what = self.lines(action.what, columns[1])
            if action.where:
                what += "\n" + self.lines("Where: " + action.where, columns[1], limit=500)
            rows.append([self.word(str(self.numbers[action.id])), what,
                         self.lines(self.person(action.owner_id), columns[2]),
                         self.word(action.due.isoformat() if action.due else "no date"),
                         self.status(action, columns[4]),
                         self.lines(self.card_tags(action.card_ids) or "-", columns[5]),
                         self.lines(action.check or "-", columns[6])])
        late = [r for r, a in enumerate(actions) if _is_overdue(a, self.today)]
        table = self.table(["#", "What", "Owner", "Due", "Status", "Cards", "Check"], rows, columns,
                           bold_cells=[(4, r) for r in late])
        table.setStyle(TableStyle([("BOX", (0, r + 1), (-1, r + 1), 1.6, INK) for r in late]))
        story.append(table)
        return story

    def owner_pages(self, width: float) -> list:
        by_owner: dict[str | None, list[Action]] = {}
        for action in actions_by_priority(self.doc, self.today):
            owner = action.owner_id if action.owner_id in self.doc.people else None
            by_owner.setdefault(owner, []).append(action)
        owners = sorted((o for o in by_owner if o is not None),
                        key=lambda o: self.doc.people[o].name.casefold())
        if None in by_owner:
            owners.append(None)
        story: list = []
        for index, owner in enumerate(owners):
            name = self.person(owner)
            story.append(PageBreak())
            if index == 0:
                story.append(_Heading("Actions by owner", self.s["h2"], "owners", 0, "Actions by owner"))
            title = f"Actions for {name}" if owner else "Actions with no owner yet"
            story.append(self.heading(title, f"owner-{index}", 1))
            person = self.doc.people.get(owner) if owner else None
            if person and (person.function or person.roles):
                roles = "; ".join(r.label for r in person.roles)
                story.append(self.p(", ".join(x for x in (person.function, roles) if x), "body"))
            story.append(Spacer(1, 6))
            rows = []
            columns = self.widths([3, 34, 11, 13, 27, 12], width)
            for action in by_owner[owner]:
                rows.append([self.word(str(self.numbers[action.id])), self.lines(action.what, columns[1]),
                             self.word(action.due.isoformat() if action.due else "no date"),
                             self.status(action, columns[3]), self.lines(action.check or "-", columns[4]),
                             ""])
            rows += [[""] * 6 for _ in range(HANDWRITING_ROWS)]
            heights = [None] * (len(by_owner[owner]) + 1) + [26.0] * HANDWRITING_ROWS
            late = [r for r, a in enumerate(by_owner[owner]) if _is_overdue(a, self.today)]
            table = self.table(["#", "What", "Due", "Status", "Check (how we know it worked)", "Done / date"],
                               rows, columns, zebra=False, row_heights=heights,
                               bold_cells=[(3, r) for r in late])
            style = [("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white]),
                     ("BOX", (0, 0), (-1, -1), 1, INK)]
            style += [("BOX", (0, r + 1), (-1, r + 1), 1.6, INK) for r in late]
            table.setStyle(TableStyle(style))
            story.append(table)
            story.append(Spacer(1, 6))
            story.append(self.p("The empty rows are for actions added by hand; the facilitator keys them in "
                                "at the next meeting.", "small"))
        return story

    def standards(self, width: float) -> list:
        story: list = [self.heading("To standardise", "standards")]
        actions = [a for a in actions_by_priority(self.doc, self.today) if a.needs_standard]
        experts = _names(_people_with(self.doc, Role.EXPERT))
        if not actions:
            return [*story, self.p("No action is marked as needing a standard.", "body"), Spacer(1, 12)]
        story.append(self.p("Fixes to turn into a standard (one-point lesson, procedure, training, "
                            "routine work)"
                            + (f"; subject matter experts: {experts}." if experts else "."), "small"))
        story.append(Spacer(1, 4))
        columns = self.widths([3, 40, 14, 13, 30], width)
        rows = [[self.word(str(self.numbers[a.id])), self.lines(a.what, columns[1]),
                 self.lines(self.person(a.owner_id), columns[2]), self.status(a, columns[3]),
                 self.lines(a.check or "-", columns[4])]
                for a in actions]
        late = [r for r, a in enumerate(actions) if _is_overdue(a, self.today)]
        story.append(self.table(["#", "What", "Owner", "Status", "Check"], rows, columns,
                                bold_cells=[(3, r) for r in late]))
        story.append(Spacer(1, 12))
        return story

    def meeting(self, width: float) -> list:
        meetings = sorted(self.doc.meetings.values(), key=lambda m: m.date)
        if not meetings:
            return [self.heading("Latest meeting", "meeting"), self.p("No meeting recorded yet.", "body"),
                    Spacer(1, 12)]
        latest = meetings[-1]
        attendees = _names([self.doc.people[p] for p in latest.attendee_ids if p in self.doc.people])
        return [CondPageBreak(120), self.heading(f"Latest meeting: {latest.date.isoformat()}", "meeting"),
                self.p(f"Present: {attendees}" if attendees else "Attendance not recorded.", "small"),
                Spacer(1, 4), self.p(latest.notes or "No notes.", "body", limit=20_000, width=width),
                Spacer(1, 12)]

    def sign_off(self, width: float) -> list:
        sponsors = _people_with(self.doc, Role.SPONSOR) or [None]
        blocks: list = [self.heading("Sponsor sign-off", "sign-off"),
                        self.p("I have reviewed this action plan, its owners and due dates, and I approve "
                               "the resources it needs.", "body"), Spacer(1, 10)]
        for sponsor in sponsors:
            rows = [[self.p("Name", "label"), self.p(sponsor.name if sponsor else "", "body")],
                    [self.p("Signature", "label"), self.p(" ", "body")],
                    [self.p("Date", "label"), self.p(" ", "body")]]
            table = Table(rows, colWidths=[width * 0.2, width * 0.55], rowHeights=[22, 34, 22], hAlign="LEFT")
            table.setStyle(TableStyle([("LINEBELOW", (1, 0), (1, -1), 0.8, INK),
                                       ("VALIGN", (0, 0), (-1, -1), "BOTTOM")]))
            blocks += [table, Spacer(1, 16)]
        return [KeepTogether(blocks)]


def _role_rank(person: Person) -> int:
    order = list(Role)
    return min((order.index(r) for r in person.roles), default=len(order))


def _card_text(card: Card) -> str:
    return f"{card.text}\n{card.details}" if card.details else card.text


def _scores(card: Card) -> str:
    s = card.scores
    parts = [f"{label} {value}" for label, value in (("I", s.impact), ("E", s.effort), ("S", s.severity),
                                                     ("F", s.frequency)) if value is not None]
    risk = rules.risk(s)
    if risk is not None:
        parts.append(f"risk {risk}")
    return " ".join(parts) or "-"


def _map_jpeg(source, today: date) -> tuple[bytes, tuple[int, int]] | None:
    """The map drawn by the app's scene, as JPEG bytes (embedded as is: no slow re-encoding)."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice

    from trouble_mapper.export.map_picture import ensure_gui_app, render_map

    ensure_gui_app()
    image = render_map(source, max_side=MAP_PIXELS, palette="print", today=today)
    if image.isNull():
        return None
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "JPEG", 92):
        return None
    buffer.close()
    return bytes(data), (image.width(), image.height())


def write_action_plan(path: str | os.PathLike, workshop_file_or_service, *, paper: str = "a4",
                      today: date | None = None, page_compression: bool = True) -> list[str]:
    """Write the workshop's printed action plan to ``path`` (PDF), replacing any file there at once.

    Returns the characters the font could not print (shown as a replacement mark): tell the user.

    ``workshop_file_or_service``: an open WorkshopFile, a WorkshopService or a WorkshopDocument.
    Raises ValueError for an unknown paper size or a plan that cannot be laid out, PlanExportError
    (an OSError) when the file cannot be written; a failed write leaves any old file untouched.
    """
    if paper not in PAPERS:
        raise ValueError(f"unknown paper size {paper!r}; use one of {', '.join(PAPERS)}")
    target = Path(path)
    doc = _document_of(workshop_file_or_service)
    today = today or date.today()
    map_picture = _map_jpeg(workshop_file_or_service, today)
    pagesize = PAPERS[paper]
    title = doc.workshop.title or "Untitled workshop"
    author = _names(_people_with(doc, Role.CHANGE_AGENT)) or "Trouble Mapper"
    prepare_for(texts_in(doc))  # a system font for scripts the bundled one lacks (CJK), when there is one
    print_fonts().take_missed()  # count only what this plan could not print

    output = io.BytesIO()
    plan = _PlanDocument(output, pagesize, title, author, today)  # metadata: any script
    plan.pageCompression = 1 if page_compression else 0
    width = pagesize[0] - 2 * MARGIN
    land_width = landscape(pagesize)[0] - 2 * MARGIN
    try:
        plan.build(_Builder(doc, today, map_picture).story(width, land_width), canvasmaker=_NumberedCanvas)
    except LayoutError as error:
        raise ValueError(f"The action plan could not be laid out: {error}") from error
    _write_atomically(target, output.getvalue())
    return print_fonts().take_missed()


def _write_atomically(target: Path, data: bytes) -> None:
    if target.is_dir():
        raise PlanExportError(f"Cannot write the action plan to {target}: it is a folder.")
    try:
        write_atomically(target, data)
    except OSError as error:
        reason = error.strerror or str(error)
        raise PlanExportError(f"Cannot write the action plan to {target}: {reason}.") from error
