"""Shared benchmark helpers: timing statistics, figures and their table, benchmark workshop files.

Importing this module is cheap (standard library only); Qt and trouble_mapper are imported by the
functions that need them.
"""

from __future__ import annotations

import math
import os
import random
import statistics
import struct
import sys
import tempfile
import time
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
OUT_DIR = REPO / "benchmarks" / "out"  # gitignored; on the same file system as the repository
EXAMPLE = REPO / "resources" / "examples" / "packaging_line_4.troublemap"


# Timing.

def median(samples: Sequence[float]) -> float:
    return statistics.median(samples)


def p95(samples: Sequence[float]) -> float:
    """95th percentile by nearest rank: at least 95 % of the samples are at or below it."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def time_ms(function: Callable[[], Any]) -> tuple[float, Any]:
    """(milliseconds taken, return value) of one call."""
    start = time.perf_counter_ns()
    result = function()
    return (time.perf_counter_ns() - start) / 1e6, result


# Figures and the table.

@dataclass
class Figure:
    """One measured figure, optionally with a target (``ok`` is None when there is none)."""

    name: str
    value: str
    baseline: str = ""
    target: str = ""
    ok: bool | None = None

    @property
    def verdict(self) -> str:
        return "" if self.ok is None else ("PASS" if self.ok else "MISS")


def ms(value: float) -> str:
    return f"{value:.1f} ms" if value < 100 else f"{value:.0f} ms"


def result(figures: list[Figure], notes: list[str] | None = None, **extra: Any) -> dict:
    """What every benchmark's main() returns."""
    return {"figures": figures, "notes": notes or [], **extra}


def format_table(figures: Sequence[Figure]) -> str:
    headers = ("figure", "value", "baseline (same run)", "target", "result")
    rows = [(f.name, f.value, f.baseline, f.target, f.verdict) for f in figures]
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]
    line = "  ".join("-" * w for w in widths)
    out = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip(), line]
    out += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    return "\n".join(out)


def print_result(title: str, outcome: dict) -> None:
    """Print one benchmark's notes and table (used when a module is run on its own)."""
    print(f"\n== {title} ==")
    for note in outcome["notes"]:
        print(note)
    print(format_table(outcome["figures"]))


# Environment.

def work_dir(prefix: str) -> Path:
    """A fresh folder under benchmarks/out/ (real disk, so fsync costs what it costs for users)."""
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=prefix, dir=OUT_DIR))


def qt_app() -> Any:
    """The QApplication of this process (offscreen unless told otherwise), settings kept out of $HOME."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QStandardPaths, qInstallMessageHandler
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        qInstallMessageHandler(_quiet_offscreen)
        QStandardPaths.setTestModeEnabled(True)  # before the first QSettings: keep the user's recent list
        app = QApplication(["trouble-mapper-benchmarks"])
        app.setOrganizationName("Trouble Mapper")
        app.setApplicationName("Trouble Mapper benchmarks")
    return app


def _quiet_offscreen(mode: Any, context: Any, message: str) -> None:
    """Qt's messages to stderr, less the offscreen plugin's harmless 'does not support' notices."""
    if "This plugin does not support" not in message:
        print(message, file=sys.stderr)


# Benchmark workshops.

WORDS = ("bottle", "jam", "infeed", "star wheel", "capper", "torque", "label", "skew", "glue", "sensor",
         "filler", "valve", "drip", "conveyor", "guide rail", "changeover", "film", "sealer", "temperature",
         "carton", "erector", "vacuum", "cup", "worn", "missing", "late", "operator", "standard", "setting")
CATEGORIES = ("Breakdowns", "Set-up and adjustment", "Minor stops", "Reduced speed", "Start-up rejects",
              "Production rejects")
ZONE_NAMES = ("Infeed", "Filler", "Capper", "Labeller", "Case packer", "Palletiser", "Stores", "Lab")


def background_png(width: int = 2400, height: int = 1350, seed: int = 4) -> bytes:
    """A photo-sized RGB PNG (gradients plus low-amplitude noise, ~2-3 MB like a real photo)."""
    rng = random.Random(seed)
    noise_mask = bytes(b & 0x03 for b in range(256))
    raw = bytearray()
    for y in range(height):
        shade = 90 + (y * 120) // height
        base = bytes((shade + (x * 3) % 40, shade, 200 - shade // 2)[c] for x in range(0, width, 8)
                     for c in range(3))
        row = _stretch(base, width)
        noisy = (int.from_bytes(row, "big") ^ int.from_bytes(
            rng.randbytes(width * 3).translate(noise_mask), "big")).to_bytes(width * 3, "big")
        raw += b"\x00" + noisy

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(bytes(raw), 6))
            + chunk(b"IEND", b""))


def _stretch(base: bytes, width: int) -> bytes:
    """Repeat each RGB pixel of ``base`` 8 times to make a row ``width`` pixels wide."""
    pixels = [base[i:i + 3] * 8 for i in range(0, len(base), 3)]
    return b"".join(pixels)[: width * 3]


@dataclass
class BuiltWorkshop:
    path: Path
    card_ids: list[str]
    link_count: int
    action_ids: list[str]
    person_ids: list[str]
    build_ms: float


def build_workshop(path: Path, *, cards: int, links: int, actions: int, people: int = 8, zones: int = 6,
                   background: tuple[int, int] | None = None, title: str = "Benchmark workshop",
                   seed: int = 1, batch: int = 500, near_links: bool = False) -> BuiltWorkshop:
    """Create a workshop file with the given numbers of entities, written in batches of changes.

    Cards are laid out on a grid (within the background when there is one), links join random pairs of
    distinct cards (no duplicates), or with ``near_links`` neighbours on the grid, as causes sit beside
    their effects on a real map; actions name one to three cards and have owners and due dates.
    """
    from trouble_mapper.domain.changes import Change
    from trouble_mapper.domain.model import Action, Background, Card, Link, Person, Scores, Workshop, Zone
    from trouble_mapper.domain.vocabulary import ActionStatus, CardKind, Role
    from trouble_mapper.storage.workshop_file import create_workshop

    started = time.perf_counter()
    rng = random.Random(seed)

    def rid() -> str:
        return f"{rng.getrandbits(128):032x}"

    def phrase(n: int) -> str:
        return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize()

    changes: list[Change] = []
    people_list = [Person(rid(), f"Person {i + 1}", rng.choice(("Operator", "Fitter", "Engineer")),
                          (rng.choice(list(Role)),)) for i in range(people)]
    changes += [Change(None, p) for p in people_list]
    side = math.sqrt(cards)
    area_w, area_h = background or (max(1920, int(side * 260)), max(1080, int(side * 160)))
    columns = max(1, int(math.sqrt(cards * area_w / area_h)))
    step_x = area_w / columns
    step_y = area_h / max(1, math.ceil(cards / columns))
    zone_list = [Zone(rid(), ZONE_NAMES[i % len(ZONE_NAMES)], i * area_w / zones, 0, area_w / zones - 20,
                      area_h) for i in range(zones)]
    changes += [Change(None, z) for z in zone_list]
    kinds = (CardKind.TROUBLE,) * 4 + (CardKind.CAUSE,) * 4 + (CardKind.COUNTERMEASURE,) + (CardKind.NOTE,)
    numbers: dict[CardKind, int] = {}
    card_list = []
    for i in range(cards):
        kind = rng.choice(kinds)
        numbers[kind] = numbers.get(kind, 0) + 1
        scored = rng.random() < 0.5
        card_list.append(Card(
            rid(), kind, numbers[kind], text=phrase(rng.randint(3, 8)), details=phrase(rng.randint(0, 12)),
            category=rng.choice(CATEGORIES), x=(i % columns) * step_x + rng.uniform(0, 10),
            y=(i // columns) * step_y + rng.uniform(0, 10), votes=rng.randint(0, 5),
            scores=Scores(*(rng.randint(1, 5) for _ in range(4))) if scored else Scores(),
            zone_id=zone_list[int((i % columns) * step_x // (area_w / zones))].id if zone_list else None))
    changes += [Change(None, c) for c in card_list]
    pairs: set[tuple[int, int]] = set()
    neighbours = (1, -1, columns, -columns, columns + 1, columns - 1)
    while len(pairs) < min(links, cards * (cards - 1)):
        a = rng.randrange(cards)
        b = a + rng.choice(neighbours) if near_links else rng.randrange(cards)
        if a != b and 0 <= b < cards:
            pairs.add((a, b))
    changes += [Change(None, Link(rid(), card_list[a].id, card_list[b].id)) for a, b in sorted(pairs)]
    statuses = (ActionStatus.OPEN, ActionStatus.OPEN, ActionStatus.IN_PROGRESS, ActionStatus.DONE)
    action_list = [Action(
        rid(), phrase(rng.randint(4, 10)), owner_id=rng.choice(people_list).id if people_list else None,
        due=date(2025, 1, 1) + timedelta(days=rng.randint(0, 200)), status=rng.choice(statuses),
        card_ids=tuple(c.id for c in rng.sample(card_list, min(len(card_list), rng.randint(1, 3)))),
        check=phrase(4)) for _ in range(actions)]
    changes += [Change(None, a) for a in action_list]
    if background is not None:
        changes.append(Change(None, Background(image=background_png(*background), format="png")))

    path.parent.mkdir(parents=True, exist_ok=True)
    opened = create_workshop(path, Workshop(title=title))
    try:
        for start in range(0, len(changes), batch):
            opened.repository.write(changes[start:start + batch], "Build benchmark workshop")
    finally:
        opened.close()
    return BuiltWorkshop(path, [c.id for c in card_list], len(pairs), [a.id for a in action_list],
                         [p.id for p in people_list], (time.perf_counter() - started) * 1000)
