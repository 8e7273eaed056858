"""Build the bundled example workshop: Packaging line 4, a realistic first trouble-map workshop.

Run from the repository root (needs a Qt platform; offscreen is fine):

    QT_QPA_PLATFORM=offscreen .venv/bin/python resources/examples/build_example.py

It writes ``resources/examples/packaging_line_4.troublemap`` through the same service the app uses,
so the example is an ordinary workshop file. Rebuild it only when the example itself should change.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QGuiApplication, QImage, QPainter, QPen

from trouble_mapper.domain.model import Scores, Workshop
from trouble_mapper.domain.vocabulary import ActionStatus, CardKind, ImprovementGoal, Role
from trouble_mapper.service import WorkshopService
from trouble_mapper.storage.workshop_file import create_workshop

OUTPUT = Path(__file__).with_name("packaging_line_4.troublemap")
WIDTH, HEIGHT = 2400, 1350

# Machine footprints on the floor plan, in image pixels: name -> (x, y, width, height).
MACHINES: dict[str, tuple[int, int, int, int]] = {
    "Depalletiser / Infeed": (60, 160, 300, 330),
    "Rinser": (470, 200, 230, 250),
    "Filler": (810, 150, 380, 350),
    "Capper": (1300, 200, 230, 250),
    "Labeller": (1640, 200, 300, 250),
    "Case packer": (1640, 760, 320, 330),
    "Palletiser": (1030, 760, 330, 330),
}


def draw_floor_plan() -> bytes:
    """A simple, legible plan of the line: machines, conveyors, flow arrows, walkways; as PNG."""
    image = QImage(WIDTH, HEIGHT, QImage.Format.Format_RGB32)
    image.fill(QColor("#f4f1ea"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    grid = QPen(QColor("#e2ddd2"), 1)
    painter.setPen(grid)
    for x in range(0, WIDTH, 100):
        painter.drawLine(x, 0, x, HEIGHT)
    for y in range(0, HEIGHT, 100):
        painter.drawLine(0, y, WIDTH, y)

    # Walkway (yellow hatched band) and the operator side.
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QBrush(QColor("#f2d15c"), Qt.BrushStyle.BDiagPattern))
    painter.drawRect(QRectF(40, 590, 2000, 90))
    painter.setPen(QColor("#8a7a3a"))
    painter.setFont(QFont("Sans Serif", 22))
    painter.drawText(QRectF(40, 590, 2000, 90), Qt.AlignmentFlag.AlignCenter, "WALKWAY  —  keep clear")

    # Conveyors: a belt along the top row, a return bend and the bottom row back to the palletiser.
    conveyor = QPen(QColor("#7d8a96"), 34, Qt.PenStyle.SolidLine, Qt.PenCapStyle.FlatCap)
    painter.setPen(conveyor)
    painter.drawLine(360, 325, 470, 325)
    painter.drawLine(700, 325, 810, 325)
    painter.drawLine(1190, 325, 1300, 325)
    painter.drawLine(1530, 325, 1640, 325)
    painter.drawLine(1940, 325, 2140, 325)
    painter.drawLine(2140, 325, 2140, 925)
    painter.drawLine(2140, 925, 1960, 925)
    painter.drawLine(1640, 925, 1360, 925)
    rollers = QPen(QColor("#b9c2ca"), 2)
    painter.setPen(rollers)
    for x in range(365, 2140, 14):
        if any(mx <= x <= mx + mw for mx, _, mw, _ in MACHINES.values()):
            continue
        painter.drawLine(x, 310, x, 340)

    # Flow arrows.
    painter.setPen(QPen(QColor("#2f6f4f"), 6))
    painter.setBrush(QColor("#2f6f4f"))
    for x, y, dx, dy in ((2060, 250, 1, 0), (2200, 620, 0, 1), (1500, 1000, -1, 0)):
        tip = QPointF(x + dx * 50, y + dy * 50)
        painter.drawLine(QPointF(x - dx * 50, y - dy * 50), tip)
        left = QPointF(tip.x() - dx * 22 - dy * 14, tip.y() - dy * 22 + dx * 14)
        right = QPointF(tip.x() - dx * 22 + dy * 14, tip.y() - dy * 22 - dx * 14)
        painter.drawPolygon([tip, left, right])

    # Machines with their names.
    painter.setFont(QFont("Sans Serif", 26, QFont.Weight.Bold))
    for name, (x, y, w, h) in MACHINES.items():
        painter.setPen(QPen(QColor("#3c4650"), 4))
        painter.setBrush(QColor("#d9dee3"))
        painter.drawRoundedRect(QRectF(x, y, w, h), 18, 18)
        painter.setPen(QPen(QColor("#9aa5af"), 2, Qt.PenStyle.DashLine))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(QRectF(x + 20, y + 20, w - 40, h - 40))
        painter.setPen(QColor("#27313a"))
        painter.drawText(QRectF(x - 30, y + h + 6, w + 60, 80),
                         Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap,
                         name.split(" /")[0])

    # Filler carousel and capper turret: circles make the plan recognisable.
    painter.setPen(QPen(QColor("#3c4650"), 3))
    painter.setBrush(QColor("#c4ccd3"))
    painter.drawEllipse(QPointF(1000, 325), 130, 130)
    painter.drawEllipse(QPointF(1415, 325), 70, 70)
    painter.drawEllipse(QPointF(585, 325), 80, 80)

    # Title block.
    painter.setPen(QPen(QColor("#3c4650"), 2))
    painter.setBrush(QColor("#ffffff"))
    painter.drawRect(QRectF(60, 1170, 900, 140))
    painter.setPen(QColor("#27313a"))
    painter.setFont(QFont("Sans Serif", 30, QFont.Weight.Bold))
    painter.drawText(QRectF(80, 1175, 860, 60), Qt.AlignmentFlag.AlignVCenter, "Packaging line 4")
    painter.setFont(QFont("Sans Serif", 20))
    painter.drawText(QRectF(80, 1235, 860, 60), Qt.AlignmentFlag.AlignVCenter,
                     "PET bottles 0.5 l / 1.5 l — 24,000 bottles/h nameplate")
    painter.end()

    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG", 0)  # quality 0 = smallest PNG (lossless either way)
    return bytes(data.data())


def build(path: Path = OUTPUT) -> Path:
    """Write the example workshop to ``path`` (replacing it) and return the path."""
    path.unlink(missing_ok=True)
    workshop = Workshop(
        title="Packaging line 4 – trouble map",
        goal=ImprovementGoal.REACTIVE,
        scope="Line 4, depalletiser to palletiser, all three shifts",
        start_date=date(2026, 10, 12),
    )
    service = WorkshopService(create_workshop(path, workshop))
    try:
        _fill(service)
    finally:
        service.close()
    return path


def _fill(service: WorkshopService) -> None:
    service.set_background(draw_floor_plan(), "png")
    for name, (x, y, w, h) in MACHINES.items():  # top-row zones reach up to the troubles pinned above
        top = 0 if y < 500 else y - 20
        service.add_zone(name, x - 20, top, w + 40, y + h + 70 - top)

    people = {
        "Maria": service.add_person("Maria Keller", "Plant manager", [Role.SPONSOR]),
        "Sam": service.add_person("Sam Okafor", "CI manager", [Role.CHANGE_AGENT]),
        "Jo": service.add_person("Jo Lindqvist", "Shift leader, line 4", [Role.FIRST_LINE_LEADER]),
        "Ahmed": service.add_person("Ahmed Benali", "Operator, filler", [Role.TEAM_MEMBER]),
        "Priya": service.add_person("Priya Nair", "Maintenance technician",
                                    [Role.TEAM_MEMBER, Role.EXPERT]),
        "Tom": service.add_person("Tom Hughes", "Operator, end of line", [Role.TEAM_MEMBER]),
        "Elena": service.add_person("Elena Rossi", "Quality engineer", [Role.SUPPORT]),
    }

    troubles = [  # zone, (x, y), text, category, votes, (impact, effort, severity, frequency)
        ("Depalletiser / Infeed", (20, 40), "Layer pad sticks to bottles, line stops", "Minor stops", 3,
         (3, 2, 2, 5)),
        ("Depalletiser / Infeed", (210, 40), "Bottles fall at the infeed transfer", "Minor stops", 5,
         (4, 2, 2, 5)),
        ("Rinser", (420, 40), "Rinser grippers miss bottles after changeover", "Set-up and adjustment", 2,
         (3, 3, 2, 3)),
        ("Rinser", (610, 40), "Water spray on the floor — slip hazard", "Breakdowns", 4, (4, 1, 5, 4)),
        ("Filler", (810, 40), "Fill level low on valves 12 and 31", "Production rejects", 6, (5, 3, 4, 4)),
        ("Filler", (1000, 40), "Changeover 0.5 l → 1.5 l takes 95 min", "Set-up and adjustment", 7,
         (5, 4, 3, 2)),
        ("Filler", (830, 185), "Foaming at start of each run", "Start-up rejects", 3, (3, 3, 3, 3)),
        ("Filler", (1010, 185), "Filler runs at 20,000/h, not 24,000/h", "Reduced speed", 4, (5, 4, 2, 5)),
        ("Capper", (1260, 40), "Cap chute jams several times a shift", "Minor stops", 6, (4, 2, 2, 5)),
        ("Capper", (1450, 40), "Loose caps found at the check weigher", "Production rejects", 5,
         (5, 3, 5, 3)),
        ("Labeller", (1650, 40), "Labels wrinkled on 1.5 l bottles", "Production rejects", 4, (4, 3, 3, 4)),
        ("Labeller", (1840, 40), "Glue pump fails, 2 h stop last month", "Breakdowns", 3, (4, 4, 3, 1)),
        ("Labeller", (1700, 215), "First 200 bottles after a reel change rejected", "Start-up rejects", 2,
         (3, 2, 2, 3)),
        ("Case packer", (1700, 780), "Cases open at the bottom, glue not set", "Production rejects", 2,
         (3, 2, 3, 3)),
        ("Case packer", (1700, 930), "Case packer waits for bottles, starved", "Reduced speed", 1,
         (3, 4, 1, 4)),
        ("Palletiser", (1060, 780), "Stretch wrapper film breaks", "Minor stops", 3, (3, 2, 2, 4)),
        ("Palletiser", (1060, 930), "Palletiser fault resets need maintenance", "Breakdowns", 2,
         (3, 3, 2, 3)),
        ("Filler", (920, 320), "CIP cycle overruns by 30 min", "Set-up and adjustment", 1, (3, 3, 2, 2)),
    ]
    cards: dict[str, str] = {}
    for zone, (x, y), text, category, votes, (impact, effort, severity, frequency) in troubles:
        card = service.add_card(CardKind.TROUBLE, x, y, text, category=category, votes=votes,
                                scores=Scores(impact, effort, severity, frequency))
        assert service.document.zones[card.zone_id].name == zone, (card.tag, zone)
        cards[card.tag] = card.id

    causes = [  # effect, position, text, fix route
        ("T2", (60, 710), "Guide rail worn at the transfer plate", "Needs a specialist"),
        ("T5", (300, 710), "Valve seals past their change interval", "Planned outage"),
        ("T6", (540, 710), "Change parts not prepared before the stop", "Operator can fix"),
        ("T9", (780, 710), "Caps from supplier B out of tolerance", "Needs a support function"),
        ("T10", (1400, 720), "Capping head torque drifts", "Needs a specialist"),
        ("T11", (1990, 420), "Label reel tension not set for 1.5 l", "Operator can fix"),
        ("C5", (1400, 880), "No torque check in the shift start routine", "Operator can fix"),
        ("C3", (540, 860), "No changeover standard or checklist", "Operator can fix"),
    ]
    for effect, (x, y), text, route in causes:  # C7 -> C5 -> T10 is a chain of "why"
        cause = service.add_card(CardKind.CAUSE, x, y, text, fix_route=route)
        cards[cause.tag] = cause.id
        service.add_link(cause.id, cards[effect])

    countermeasures = [
        ("C2", (300, 1010), "Replace valve seals every 2,000 h; add to PM plan"),
        ("C8", (540, 1010), "SMED workshop on the filler changeover"),
        ("C7", (1400, 1060), "Torque check at every shift start, one-point lesson"),
        ("C4", (780, 1010), "Incoming inspection of caps from supplier B"),
        ("C1", (60, 1010), "Replace and re-align the transfer guide rail"),
    ]
    for cause_tag, (x, y), text in countermeasures:  # a countermeasure's arrow points at what it fixes
        measure = service.add_card(CardKind.COUNTERMEASURE, x, y, text)
        cards[measure.tag] = measure.id
        service.add_link(measure.id, cards[cause_tag])

    service.add_card(CardKind.NOTE, 2000, 1150, "Night shift sees the most cap jams — ask Tom's crew")
    service.add_card(CardKind.NOTE, 1790, 1150, "Check the OEE losses for October before the review")

    owner = {key: person.id for key, person in people.items()}
    actions = [  # what, owner, due, status, cards, check, needs standard
        ("Replace the infeed transfer guide rail", "Priya", date(2026, 11, 6), ActionStatus.VERIFIED,
         ("T2", "M5"), "No bottle falls at the transfer for 2 weeks", False),
        ("Add valve seal change to the 2,000 h PM plan", "Priya", date(2026, 11, 20),
         ActionStatus.IN_PROGRESS, ("T5", "M1"), "Fill-level rejects below 0.2 %", True),
        ("Run a SMED workshop on the filler changeover", "Jo", date(2026, 12, 11), ActionStatus.OPEN,
         ("T6", "M2"), "Changeover under 45 min, three times in a row", True),
        ("Write the shift-start torque check one-point lesson", "Ahmed", date(2026, 11, 13),
         ActionStatus.STANDARDISED, ("T10", "M3"), "Lesson signed by all three shifts", True),
        ("Inspect incoming caps from supplier B", "Elena", date(2026, 11, 18), ActionStatus.OPEN,
         ("T9", "M4"), "Cap jams under one per shift", False),
        ("Set label reel tension for 1.5 l and mark it", "Tom", date(2026, 11, 27), ActionStatus.DONE,
         ("T11",), "No wrinkled labels in one week of 1.5 l runs", True),
        ("Anti-slip mat and drip tray under the rinser", "Jo", date(2026, 12, 4), ActionStatus.OPEN,
         ("T4",), "Floor dry at every safety walk", False),
        ("Ask the film supplier for a trial of thicker film", "Tom", date(2027, 1, 15),
         ActionStatus.OPEN, ("T16",), "Film breaks under one per week", False),
    ]
    for what, who, due, status, tags, check, standard in actions:
        service.add_action(what, owner_id=owner[who], due=due, status=status,
                           card_ids=tuple(cards[tag] for tag in tags), check=check,
                           needs_standard=standard,
                           supporter_ids=(owner["Sam"],) if who != "Sam" else ())

    service.add_meeting(date(2026, 10, 12), attendee_ids=tuple(owner.values()),
                        notes="Kick-off: goal set by Maria (break out of reactive maintenance on line 4). "
                              "18 troubles mapped, dot vote with 5 dots each. Top three: filler "
                              "changeover, fill level, cap jams. Review every second Thursday.")


if __name__ == "__main__":
    app = QGuiApplication(sys.argv)
    print(f"Wrote {build()} ({OUTPUT.stat().st_size / 1024:.0f} KB)")
