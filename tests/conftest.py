"""Shared test set-up: offscreen Qt, an isolated home folder, and real workshop files on disk."""

import os
import tempfile

# Before Qt is imported: no display needed, and nothing the tests write lands in the real home. The
# offscreen platform gets three 1920x1080 screens: a laptop, a projector and a wall screen (screens.json).
if os.environ.get("QT_QPA_PLATFORM", "offscreen") == "offscreen":
    os.environ["QT_QPA_PLATFORM"] = "offscreen:configfile=" + os.path.join(os.path.dirname(__file__),
                                                                           "screens.json")
os.environ["HOME"] = tempfile.mkdtemp(prefix="trouble-mapper-test-home-")

from PySide6.QtCore import QStandardPaths

QStandardPaths.setTestModeEnabled(True)  # must run before the first QSettings object

import pytest  # noqa: E402

from trouble_mapper.domain.model import Workshop  # noqa: E402
from trouble_mapper.storage.workshop_file import WorkshopFile, create_workshop  # noqa: E402


@pytest.fixture
def workshop_path(tmp_path):
    """Path of a new, closed workshop file on disk."""
    path = tmp_path / "Line 4.troublemap"
    create_workshop(path, Workshop(title="Line 4 trouble map")).close()
    return path


@pytest.fixture
def workshop_file(workshop_path):
    """An open workshop file, closed after the test."""
    from trouble_mapper.storage.workshop_file import open_workshop

    opened: WorkshopFile = open_workshop(workshop_path)
    yield opened
    opened.close()


@pytest.fixture
def service(qapp, workshop_file):
    """The edit service over a real file on disk."""
    from trouble_mapper.service import WorkshopService

    svc = WorkshopService(workshop_file)
    yield svc
    svc.undo_stack.clear()
