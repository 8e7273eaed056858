"""Crash soak: SIGKILL a Trouble Mapper editor many times at random moments and check every saved edit.

Usage: python -m benchmarks.crash_soak [--kills N] [--seed S] [--max-delay SECONDS] [--keep DIR]

Each round starts tests/crash_helper.py on the same workshop file (so the file grows and carries
every earlier round's edits), kills it with SIGKILL 0.05 s to --max-delay s after it has the file
open, reopens the file and checks it holds every edit the helper reported, the one in flight wholly
or not at all, and nothing else, and that SQLite's integrity_check says ok. Prints the kills, the
edits verified and each failure; exits 1 if anything failed.
"""

from __future__ import annotations

import argparse
import importlib.util
import random
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from types import ModuleType

HELPER_PATH = Path(__file__).resolve().parents[1] / "tests" / "crash_helper.py"


def load_helper() -> ModuleType:
    """Import tests/crash_helper.py by path (tests/ is not a package)."""
    if "crash_helper" in sys.modules:
        return sys.modules["crash_helper"]
    spec = importlib.util.spec_from_file_location("crash_helper", HELPER_PATH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["crash_helper"] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.crash_soak",
                                     description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--kills", type=int, default=200, help="how many times to SIGKILL the editor")
    parser.add_argument("--seed", type=int, default=20240601, help="seed of delays and edit streams")
    parser.add_argument("--min-delay", type=float, default=0.05)
    parser.add_argument("--max-delay", type=float, default=0.5)
    parser.add_argument("--keep", type=Path, help="work in this folder and leave the file there")
    args = parser.parse_args(argv)

    from trouble_mapper.domain.model import Workshop
    from trouble_mapper.storage.workshop_file import create_workshop

    helper = load_helper()
    rng = random.Random(args.seed)
    folder = args.keep or Path(tempfile.mkdtemp(prefix="trouble-mapper-crash-soak-"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "Crash soak.troublemap"
    if not path.exists():
        create_workshop(path, Workshop(title="Crash soak")).close()
    started = time.monotonic()
    edits = failures = 0
    outcomes: Counter[str] = Counter()
    problems: Counter[str] = Counter()
    for kill in range(1, args.kills + 1):
        result = helper.crash_round(path, rng.getrandbits(32), rng.uniform(args.min_delay, args.max_delay))
        edits += result.confirmed
        outcomes[{None: "between edits", False: "in flight, not saved",
                  True: "in flight, saved whole"}[result.in_flight_applied]] += 1
        if result.problems:
            failures += 1
            for problem in result.problems:
                print(f"kill {kill}: FAILURE: {problem}", flush=True)
                problems[problem.split(":")[0]] += 1
        if kill % 20 == 0 or kill == args.kills:
            print(f"{kill} kills, {edits} edits verified, {failures} failed rounds "
                  f"({time.monotonic() - started:.1f} s)", flush=True)
    print(f"\nkills: {args.kills}")
    print(f"edits verified: {edits}")
    print(f"kill moments: {dict(outcomes)}")
    print(f"failures: {failures} rounds" + "".join(f"\n  {n} x {what}" for what, n in problems.items()))
    if args.keep:
        print(f"file: {path}")
    elif failures:
        print(f"work folder kept for inspection: {folder}")
    else:
        shutil.rmtree(folder)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
