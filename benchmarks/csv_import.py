"""Importing troubles from CSV: 10,000 and 50,000 rows, planned and then applied into a real file.

* Planning: ``plan_import`` on the CSV bytes (decode, sniff, map headers, check every row, lay out),
  median of ``RUNS``; baseline in the same run: the stdlib ``csv.reader`` alone reading the same text.
* Applying: ``WorkshopService.add_cards`` with the plan's specs into a new workshop file under
  benchmarks/out/ (one undo step, one transaction, committed durably), once per size; baseline in the
  same run: ``Repository.write`` of the same number of ready-made cards into another new file (no
  service, no checks).

Usage: python -m benchmarks.csv_import [RUNS]
"""

from __future__ import annotations

import csv
import io
import random
import shutil
import sys
import time

from benchmarks.common import CATEGORIES, WORDS, ZONE_NAMES, Figure, median, print_result, result, work_dir

SIZES = (10_000, 50_000)
RUNS = 3
BAD_EVERY = 500  # one row in 500 has a score out of range, so the report has work to do


def build_csv(rows: int, seed: int = 3) -> bytes:
    """A semicolon-separated CSV as a European spreadsheet saves it: UTF-8 with BOM, CRLF, quoted text."""
    rng = random.Random(seed)
    lines = ["Trouble;Details;Loss;Area;Dots;Impact;Effort;Severity;Frequency"]
    for i in range(rows):
        text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 8))).capitalize()
        details = " ".join(rng.choice(WORDS) for _ in range(rng.randint(0, 12)))
        impact = "9" if i % BAD_EVERY == 0 else str(rng.randint(1, 5))
        scores = ";".join(str(rng.randint(1, 5)) for _ in range(3))
        lines.append(f'"{text}; row {i}";"{details}";{rng.choice(CATEGORIES)};{rng.choice(ZONE_NAMES)};'
                     f"{rng.randint(0, 5)};{impact};{scores}")
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


def rate(rows: int, milliseconds: float) -> str:
    return f"{rows / (milliseconds / 1000):,.0f} rows/s ({milliseconds:,.0f} ms)"


def time_plan(data: bytes, runs: int) -> tuple[float, float, object]:
    """(median ms of plan_import, median ms of csv.reader alone, the last plan)."""
    from trouble_mapper.domain.document import WorkshopDocument
    from trouble_mapper.interchange.csv_import import plan_import

    plan_ms, reader_ms = [], []
    plan = None
    for _ in range(runs):
        start = time.perf_counter_ns()
        plan = plan_import(WorkshopDocument(), data)
        plan_ms.append((time.perf_counter_ns() - start) / 1e6)
        start = time.perf_counter_ns()
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))
        reader_ms.append((time.perf_counter_ns() - start) / 1e6)
        assert len(rows) > 1
    return median(plan_ms), median(reader_ms), plan


def time_apply(folder, specs: list[dict]) -> float:
    """ms for WorkshopService.add_cards of ``specs`` into a new file (checked by reopening)."""
    from trouble_mapper.domain.model import Workshop
    from trouble_mapper.service import WorkshopService
    from trouble_mapper.storage.workshop_file import create_workshop, open_workshop

    path = folder / f"import-{len(specs)}.troublemap"
    service = WorkshopService(create_workshop(path, Workshop(title="CSV import benchmark")))
    start = time.perf_counter_ns()
    cards = service.add_cards(specs)
    took = (time.perf_counter_ns() - start) / 1e6
    assert len(cards) == len(specs) and service.undo_stack.count() == 1
    service.close()
    reopened = open_workshop(path, read_only=True)
    assert len(reopened.document.cards) == len(specs)
    reopened.close()
    return took


def time_raw_write(folder, count: int) -> float:
    """ms for Repository.write of ``count`` ready-made cards in one transaction: the floor for applying."""
    from trouble_mapper.domain.changes import Change
    from trouble_mapper.domain.model import Card, Workshop, new_id
    from trouble_mapper.domain.vocabulary import CardKind
    from trouble_mapper.storage.workshop_file import create_workshop

    opened = create_workshop(folder / f"raw-{count}.troublemap", Workshop(title="Raw write"))
    changes = [Change(None, Card(new_id(), CardKind.TROUBLE, i + 1, text=f"Trouble {i}", x=i, y=i))
               for i in range(count)]
    start = time.perf_counter_ns()
    opened.repository.write(changes, "Raw write")
    took = (time.perf_counter_ns() - start) / 1e6
    opened.close()
    return took


def main(runs: int = RUNS) -> dict:
    folder = work_dir("csv-import-")
    figures: list[Figure] = []
    notes: list[str] = []
    extra: dict[str, float] = {}
    try:
        for size in SIZES:
            data = build_csv(size)
            plan_ms, reader_ms, plan = time_plan(data, runs)
            specs = plan.specs  # type: ignore[attr-defined]
            apply_ms = time_apply(folder, specs)
            raw_ms = time_raw_write(folder, len(specs))
            notes.append(f"{size:,} rows ({len(data) / 1e6:.1f} MB): {len(specs):,} cards planned, "
                         f"{len(plan.skipped):,} rows skipped; "  # type: ignore[attr-defined]
                         f"plan runs median {plan_ms:.0f} ms")
            figures += [
                Figure(f"plan_import, {size:,} rows (median)", rate(size, plan_ms),
                       f"csv.reader alone {rate(size, reader_ms)}"),
                Figure(f"apply (add_cards, one step), {len(specs):,} cards", rate(len(specs), apply_ms),
                       f"Repository.write alone {rate(len(specs), raw_ms)}"),
            ]
            extra[f"plan_rows_per_s_{size}"] = size / (plan_ms / 1000)
            extra[f"apply_rows_per_s_{size}"] = len(specs) / (apply_ms / 1000)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return result(figures, notes, **extra)


if __name__ == "__main__":
    print_result("CSV import", main(int(sys.argv[1]) if len(sys.argv) > 1 else RUNS))
