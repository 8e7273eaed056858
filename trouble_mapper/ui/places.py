"""Where workshops live on disk: the user's data folder, the bundled example and its working copy."""

from __future__ import annotations

import importlib.resources
import re
import shutil
from pathlib import Path

from PySide6.QtCore import QStandardPaths

from trouble_mapper import FILE_SUFFIX

EXAMPLE_NAME = "packaging_line_4.troublemap"
EXAMPLE_COPY_NAME = "Packaging line 4 (example).troublemap"


def workshops_folder() -> Path:
    """The folder new workshops are written to (created on demand), never a temporary folder."""
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    folder = Path(base) / "Workshops"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def file_name_for(title: str) -> str:
    """A safe file name from a workshop title ('Line 4: fillers' -> 'Line 4 fillers')."""
    stem = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', " ", title).strip(" .")
    stem = re.sub(r"\s+", " ", stem)[:80] or "Untitled workshop"
    return stem + FILE_SUFFIX


def unused_path(folder: Path, file_name: str) -> Path:
    """``folder/file_name``, or with ' (2)', ' (3)'... added when taken."""
    candidate = folder / file_name
    stem, suffix = candidate.stem, candidate.suffix
    number = 2
    while candidate.exists():
        candidate = folder / f"{stem} ({number}){suffix}"
        number += 1
    return candidate


def bundled_example() -> Path:
    resource = importlib.resources.files("trouble_mapper.resources") / "examples" / EXAMPLE_NAME
    return Path(str(resource))


def example_copy() -> Path:
    """The user's working copy of the example, made on first use; the bundled file is only read."""
    copy = workshops_folder() / EXAMPLE_COPY_NAME
    if not copy.exists():
        shutil.copyfile(bundled_example(), copy)
    return copy
