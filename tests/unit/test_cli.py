"""``trouble-mapper info`` and the module entry point, run as a user would, without a display."""

import os
import subprocess
import sys

from trouble_mapper.domain.vocabulary import CardKind
from trouble_mapper.service import WorkshopService
from trouble_mapper.storage.workshop_file import open_workshop


def run_cli(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.pop("QT_QPA_PLATFORM", None)
    return subprocess.run([sys.executable, "-m", "trouble_mapper", *args], capture_output=True,
                          text=True, env=env, timeout=60)


def test_info_prints_title_goal_and_counts(qapp, workshop_path):
    """info prints the title, goal and counts of cards by kind and actions by status."""
    service = WorkshopService(open_workshop(workshop_path))
    for kind in (CardKind.TROUBLE, CardKind.TROUBLE, CardKind.CAUSE):
        service.add_card(kind, 0, 0, "x")
    service.add_action("Fit a guide rail")
    service.close()
    result = run_cli("info", str(workshop_path))
    assert result.returncode == 0, result.stderr
    assert "Line 4 trouble map" in result.stdout
    assert "Breaking out of reactive maintenance" in result.stdout
    assert "2 troubles, 1 causes, 0 countermeasures, 0 notes (3 in all)" in result.stdout
    assert "1 open" in result.stdout


def test_info_on_bad_file_fails_with_message(tmp_path):
    """info on a file that is not a workshop exits non-zero with a clear message and leaves it alone."""
    bad = tmp_path / "photo.troublemap"
    bad.write_bytes(b"\x89PNG not really")
    result = run_cli("info", str(bad))
    assert result.returncode != 0
    assert "photo.troublemap" in result.stderr and "not a Trouble Mapper workshop" in result.stderr
    assert bad.read_bytes() == b"\x89PNG not really"


def test_info_on_missing_file_fails(tmp_path):
    """info on a missing file says it does not exist."""
    result = run_cli("info", str(tmp_path / "gone.troublemap"))
    assert result.returncode != 0 and "does not exist" in result.stderr


def test_version_flag():
    """--version prints the version and exits 0 without opening a window."""
    result = run_cli("--version")
    assert result.returncode == 0 and "trouble-mapper" in result.stdout
