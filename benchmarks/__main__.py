"""Run every benchmark and print one table of figures with their targets: ``make bench``.

Usage: python -m benchmarks [--strict] [NAME ...]   (names: startup commit_latency open_large crash_soak)

Each benchmark module has ``main() -> dict`` and can also be run alone (``python -m benchmarks.startup``).
The crash soak (benchmarks.crash_soak) runs too when it exists, in a child process with a small number
of kills. Exit status 0 unless a benchmark failed to run, or with --strict a figure missed its target.
"""

from __future__ import annotations

import importlib
import importlib.util
import re
import subprocess
import sys
import time
import traceback

from benchmarks.common import REPO, Figure, format_table

BENCHMARKS = {  # module name: title
    "startup": "Cold start",
    "commit_latency": "Per-edit commit latency",
    "open_large": "Open a large workshop",
    "canvas_frames": "Canvas frame times",
    "presenter_frames": "Presenter view frames",
    "capture": "Fast capture",
    "csv_import": "CSV import",
    "table_refresh": "Table refresh",
    "pdf_export": "PDF export",
}
SOAK_KILLS = 50
SOAK_TIMEOUT = 150


def run_crash_soak(kills: int = SOAK_KILLS) -> dict:
    """Run benchmarks.crash_soak in a child process and turn its summary into a figure."""
    command = [sys.executable, "-m", "benchmarks.crash_soak"]
    for argv in (["--kills", str(kills)], [str(kills)]):  # its options may change: try both spellings
        process = subprocess.run([*command, *argv], capture_output=True, text=True, cwd=REPO,
                                 timeout=SOAK_TIMEOUT, check=False)
        if process.returncode != 2:  # 2 = argparse did not understand us
            break
    output = process.stdout
    edits = re.search(r"edits verified: (\d+)", output)
    failed = re.search(r"failures: (\d+) rounds", output)
    if edits is None or failed is None:
        value, ok = f"did not finish (exit {process.returncode})", False
        notes = [line for line in (output + process.stderr).splitlines()[-8:]]
    else:
        value = f"{failed.group(1)} failed rounds, {edits.group(1)} edits verified"
        ok = process.returncode == 0 and failed.group(1) == "0"
        lines = output.splitlines()
        failures = [line for line in lines if "FAILURE" in line][:3]
        summary = lines[next((i for i, line in enumerate(lines) if line.startswith("kills:")), len(lines)):]
        notes = failures + [line for line in summary if line.strip()]
    figure = Figure(f"crash soak: SIGKILL {kills} times, reopen, check", value, "", "0 failures", ok)
    return {"figures": [figure], "notes": notes}


def main(argv: list[str]) -> int:
    strict = "--strict" in argv
    names = [a for a in argv if not a.startswith("-")] or [*BENCHMARKS, "crash_soak"]
    started = time.monotonic()
    figures: list[Figure] = []
    broken = False
    for name in names:
        title = BENCHMARKS.get(name, "Crash soak" if name == "crash_soak" else name)
        print(f"\n== {title} ==", flush=True)
        began = time.monotonic()
        try:
            if name == "crash_soak":
                if importlib.util.find_spec("benchmarks.crash_soak") is None:
                    print("benchmarks/crash_soak.py not found: skipped")
                    continue
                outcome = run_crash_soak()
            elif name in BENCHMARKS:
                outcome = importlib.import_module(f"benchmarks.{name}").main()
            else:
                print(f"unknown benchmark {name!r}; choose from {', '.join([*BENCHMARKS, 'crash_soak'])}")
                broken = True
                continue
        except Exception:
            traceback.print_exc()
            figures.append(Figure(title, "ERROR (see above)", ok=False))
            broken = True
            continue
        for note in outcome["notes"]:
            print(note)
        print(f"({time.monotonic() - began:.0f} s)", flush=True)
        figures += outcome["figures"]

    print(f"\n== Trouble Mapper benchmarks ({time.monotonic() - started:.0f} s) ==")
    print(format_table(figures))
    judged = [f for f in figures if f.ok is not None]
    missed = [f for f in judged if not f.ok]
    print(f"{len(judged) - len(missed)} of {len(judged)} figures meet their targets"
          + (f"; missed: {', '.join(f.name for f in missed)}" if missed else ""))
    return 1 if broken or (strict and missed) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
