"""Commands that need no display: ``info``, ``import`` (troubles from CSV) and ``export`` (PDF, CSV).

``trouble-mapper info FILE``
``trouble-mapper import FILE --csv TROUBLES.csv [--kind KIND]``
``trouble-mapper export FILE [--pdf OUT] [--paper a4|letter] [--poster OUT] [--poster-sheet a4..a0]
[--png OUT] [--svg OUT] [--csv-register OUT] [--csv-actions OUT]``

Exit status: 0 done; 1 nothing could be imported; 2 unusable file or arguments.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TextIO

from trouble_mapper.domain.document import WorkshopDocument
from trouble_mapper.domain.rules import describe_count
from trouble_mapper.domain.vocabulary import ActionStatus, CardKind
from trouble_mapper.storage.errors import WorkshopFileError
from trouble_mapper.storage.workshop_file import WorkshopFile, create_workshop, open_workshop

if TYPE_CHECKING:
    from trouble_mapper.interchange.csv_import import ImportPlan

OK, NOTHING_IMPORTED, UNUSABLE = 0, 1, 2
MAX_CSV_BYTES = 512 * 1024 * 1024


class _Exit(Exception):
    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser that writes to the given streams and returns its status instead of exiting."""

    def __init__(self, out: TextIO, err: TextIO, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.out, self.err = out, err

    def _print_message(self, message: str, file: object = None) -> None:
        if message:
            (self.err if file is sys.stderr else self.out).write(message)

    def exit(self, status: int = 0, message: str | None = None) -> NoReturn:
        if message:
            self.err.write(message)
        raise _Exit(status)


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


def _read_csv(path: Path, err: TextIO) -> bytes | None:
    try:
        if path.stat().st_size > MAX_CSV_BYTES:
            print(f"trouble-mapper: “{path.name}” is larger than {MAX_CSV_BYTES // 2**20} MB.", file=err)
            return None
        return path.read_bytes()
    except FileNotFoundError:
        print(f"trouble-mapper: “{path.name}” does not exist.", file=err)
    except IsADirectoryError:
        print(f"trouble-mapper: “{path.name}” is a folder, not a CSV file.", file=err)
    except OSError as error:
        print(f"trouble-mapper: “{path.name}” cannot be read ({error.strerror or error}).", file=err)
    return None


def _print_report(plan: ImportPlan, out: TextIO, every_row: bool) -> None:
    for result in plan.report:
        if every_row or result.problems:
            print(result.describe(), file=out)


def run_import(file: str, csv_path: str, kind: CardKind, every_row: bool, out: TextIO, err: TextIO) -> int:
    """Plan the import against the workshop (a new one if FILE does not exist), then apply it as one step.

    The workshop file is neither created nor changed unless at least one row can be imported.
    """
    from trouble_mapper.interchange.csv_import import ImportRefused, plan_import

    data = _read_csv(Path(csv_path), err)
    if data is None:
        return UNUSABLE
    path = Path(file)
    opened = None
    if path.exists():
        try:
            opened = open_workshop(path)
        except WorkshopFileError as error:
            print(f"trouble-mapper: {error}", file=err)
            return UNUSABLE
        if opened.read_only:
            opened.close()
            print(f"trouble-mapper: “{path.name}” cannot be changed: {opened.read_only_reason}", file=err)
            return UNUSABLE
    try:
        try:
            plan = plan_import(opened.document if opened else WorkshopDocument(), data, default_kind=kind)
        except ImportRefused as error:
            print(f"trouble-mapper: “{Path(csv_path).name}”: {error}", file=err)
            return UNUSABLE
        _print_report(plan, out, every_row)
        print(plan.summary(), file=out)
        if not plan.specs:
            print(f"Nothing was imported; “{path.name}” was not {'changed' if opened else 'created'}.",
                  file=out)
            return NOTHING_IMPORTED
        if opened is None:
            opened = _create(path, err)
            if opened is None:
                return UNUSABLE
        return _apply(opened, plan, Path(csv_path).name, out, err)
    finally:
        if opened is not None:
            opened.close()


def _create(path: Path, err: TextIO) -> WorkshopFile | None:
    from trouble_mapper.domain.model import Workshop

    try:
        return create_workshop(path, Workshop(title=path.stem or "Untitled workshop"))
    except WorkshopFileError as error:
        print(f"trouble-mapper: {error}", file=err)
        return None


def _apply(opened: WorkshopFile, plan: ImportPlan, source: str, out: TextIO, err: TextIO) -> int:
    """Add the planned cards through the edit service: one undo step, one transaction.

    No QApplication is needed: the service and its QUndoStack work without an event loop.
    """
    from trouble_mapper.domain.rules import RuleError
    from trouble_mapper.service import WorkshopService

    service = WorkshopService(opened)
    failures: list[str] = []
    service.save_failed.connect(failures.append)
    try:
        cards = service.add_cards(plan.specs, label=f"Import {plan.ready_text()} from {source}")
    except RuleError as error:  # the plan checks every value first, so this is a safety net
        failures.append(str(error))
    finally:
        service.undo_stack.clear()
    if failures:
        print(f"trouble-mapper: {failures[0]}", file=err)
        return UNUSABLE
    tags = ""
    if len({card.kind for card in cards}) == 1:
        tags = f" ({cards[0].tag})" if len(cards) == 1 else f" ({cards[0].tag} to {cards[-1].tag})"
    print(f"Imported {plan.ready_text()} into “{opened.path.name}”{tags}.", file=out)
    return OK


def run_export(file: str, register: str | None, actions: str | None, out: TextIO, err: TextIO,
               pdf: str | None = None, paper: str = "a4", pictures: dict[str, str] | None = None,
               poster_sheet: str = "a4") -> int:
    """Write the register and/or the action plan of a workshop (opened read-only) as CSV files, the
    printed action plan as PDF, and the map as PNG, SVG or a poster (``pictures``: kind -> path)."""
    from trouble_mapper.interchange.csv_export import actions_csv, register_csv, write_csv

    try:
        opened = open_workshop(file, read_only=True)
    except WorkshopFileError as error:
        print(f"trouble-mapper: {error}", file=err)
        return UNUSABLE
    try:
        if pdf is not None and _write_pdf(opened, pdf, paper, out, err) != OK:
            return UNUSABLE
        if pictures and _write_pictures(opened.path, pictures, poster_sheet, out, err) != OK:
            return UNUSABLE
        doc, today = opened.document, date.today()
        for target, build, what in ((register, register_csv, "register"), (actions, actions_csv, "actions")):
            if target is None:
                continue
            text = build(doc, today)
            try:
                write_csv(target, text)
            except OSError as error:
                print(f"trouble-mapper: “{Path(target).name}” could not be written "
                      f"({error.strerror or error}).", file=err)
                return UNUSABLE
            rows = len(doc.cards) if what == "register" else len(doc.actions)
            print(f"Wrote the {what} ({describe_count(rows, 'row', 'rows')}) to {target}", file=out)
    finally:
        opened.close()
    return OK


def _write_pdf(opened: WorkshopFile, target: str, paper: str, out: TextIO, err: TextIO) -> int:
    """The printed action plan; Qt draws the map offscreen, so no display is needed."""
    from trouble_mapper.export.fonts import describe_missed
    from trouble_mapper.export.map_picture import ensure_gui_app
    from trouble_mapper.export.pdf_plan import write_action_plan

    ensure_gui_app()
    try:
        missed = write_action_plan(target, opened, paper=paper)
    except (OSError, ValueError) as error:
        print(f"trouble-mapper: {error}", file=err)
        return UNUSABLE
    print(f"Wrote the action plan ({paper.upper()}) to {target}", file=out)
    if missed:
        print(f"Note: {describe_missed(missed)}", file=out)
    return OK


def _write_pictures(path: Path, pictures: dict[str, str], sheet: str, out: TextIO, err: TextIO) -> int:
    """The map as PNG, SVG and/or a poster: A4 or A3 tiles with cut marks, or one A2-A0 sheet."""
    from trouble_mapper.export.map_files import open_map, write_png, write_svg
    from trouble_mapper.export.map_picture import ensure_gui_app
    from trouble_mapper.export.poster import write_poster

    ensure_gui_app()
    try:
        with open_map(path) as (_service, scene):
            for kind, target in pictures.items():
                if kind == "png":
                    write_png(target, scene)
                elif kind == "svg":
                    write_svg(target, scene)
                else:
                    large = sheet if sheet in ("a2", "a1", "a0") else None
                    write_poster(target, scene, sheet="a4" if large else sheet, large_sheet=large)
                print(f"Wrote the map ({kind.upper()}) to {target}", file=out)
    except (OSError, ValueError, WorkshopFileError) as error:
        print(f"trouble-mapper: {error}", file=err)
        return UNUSABLE
    return OK


def run(argv: list[str], out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    """Run a display-free command; ``argv[0]`` is one of app.DISPLAY_FREE_COMMANDS."""
    for stream in (out, err):  # user text (any script, emoji) must not crash a cp1252 console or pipe
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")
    parser = _Parser(out, err, prog=f"trouble-mapper {argv[0]}")
    try:
        if argv[0] == "info":
            parser.description = "Print a workshop's title, goal, and counts of cards and actions."
            parser.add_argument("file", help="a .troublemap workshop file")
            args = parser.parse_args(argv[1:])
            return run_info(args.file, out, err)
        if argv[0] == "import":
            parser.description = ("Add troubles from a CSV file (one per row; the header names the columns) "
                                  "as one undo step. FILE is created if it does not exist.")
            parser.add_argument("file", help="a .troublemap workshop file")
            parser.add_argument("--csv", required=True, metavar="TROUBLES.csv", help="the CSV file to import")
            parser.add_argument("--kind", choices=[k.value for k in CardKind], default=CardKind.TROUBLE.value,
                                help="the kind of card for rows without a Kind cell (default: trouble)")
            parser.add_argument("--every-row", action="store_true",
                                help="report every row, not only the skipped ones and warnings")
            args = parser.parse_args(argv[1:])
            return run_import(args.file, args.csv, CardKind(args.kind), args.every_row, out, err)
        if argv[0] == "export":
            parser.description = ("Write a workshop's printed action plan (PDF) and its register and "
                                  "action plan as CSV (UTF-8) files.")
            parser.add_argument("file", help="a .troublemap workshop file")
            parser.add_argument("--pdf", metavar="OUT", help="the printed action plan")
            parser.add_argument("--paper", choices=("a4", "letter"), default="a4", help="paper size (a4)")
            parser.add_argument("--poster", metavar="OUT", help="the map as a poster PDF for the team board")
            parser.add_argument("--poster-sheet", choices=("a4", "a3", "a2", "a1", "a0"), default="a4",
                                help="A4/A3: tiled sheets with cut marks; A2-A0: one large sheet (a4)")
            parser.add_argument("--png", metavar="OUT", help="the whole map as a PNG picture")
            parser.add_argument("--svg", metavar="OUT", help="the whole map as an SVG drawing")
            parser.add_argument("--csv-register", metavar="OUT", help="the register of cards")
            parser.add_argument("--csv-actions", metavar="OUT", help="the action plan")
            args = parser.parse_args(argv[1:])
            pictures = {kind: getattr(args, kind) for kind in ("png", "svg", "poster") if getattr(args, kind)}
            if args.csv_register is None and args.csv_actions is None and args.pdf is None and not pictures:
                parser.error("say what to write: --pdf, --poster, --png, --svg, --csv-register or "
                             "--csv-actions, each followed by OUT")
            return run_export(args.file, args.csv_register, args.csv_actions, out, err, args.pdf, args.paper,
                              pictures, args.poster_sheet)
    except _Exit as done:
        return done.status
    raise ValueError(argv[0])
