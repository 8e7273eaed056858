"""Commands that need no display: ``trouble-mapper info FILE``."""

from __future__ import annotations

import argparse
import sys
from typing import TextIO

from trouble_mapper.domain.document import WorkshopDocument
from trouble_mapper.domain.vocabulary import ActionStatus, CardKind
from trouble_mapper.storage.errors import WorkshopFileError
from trouble_mapper.storage.workshop_file import open_workshop


def describe(doc: WorkshopDocument) -> list[str]:
    """The lines ``info`` prints: title, goal, scope, dates, cards by kind, actions by status."""
    ws = doc.workshop
    cards, actions = doc.card_counts(), doc.action_counts()
    dates = " to ".join(d.isoformat() for d in (ws.start_date, ws.end_date) if d) or "not set"
    card_parts = ", ".join(f"{cards[k]} {k.plural}" for k in CardKind)
    action_parts = ", ".join(f"{actions[s]} {s.label.lower()}" for s in ActionStatus)
    return [
        f"Title:   {ws.title}",
        f"Goal:    {ws.goal_label or 'not set'}",
        f"Scope:   {ws.scope or 'not set'}",
        f"Dates:   {dates}",
        f"Cards:   {card_parts} ({cards.total()} in all)",
        f"Actions: {action_parts} ({actions.total()} in all)",
    ]


def run_info(path: str, out: TextIO, err: TextIO) -> int:
    try:
        opened = open_workshop(path, read_only=True)
    except WorkshopFileError as error:
        print(f"trouble-mapper: {error}", file=err)
        return 2
    try:
        out.write("\n".join(describe(opened.document)) + "\n")
    finally:
        opened.close()
    return 0


def run(argv: list[str], out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    """Run a display-free command; ``argv[0]`` is one of app.DISPLAY_FREE_COMMANDS."""
    parser = argparse.ArgumentParser(prog=f"trouble-mapper {argv[0]}")
    if argv[0] == "info":
        parser.description = "Print a workshop's title, goal, and counts of cards and actions."
        parser.add_argument("file", help="a .troublemap workshop file")
        args = parser.parse_args(argv[1:])
        return run_info(args.file, out, err)
    raise ValueError(argv[0])
