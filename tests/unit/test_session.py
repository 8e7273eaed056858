"""The workshop session (phase and time box): its arithmetic, and that it is stored but never undone."""

from __future__ import annotations

import pytest

from trouble_mapper.domain.model import Workshop
from trouble_mapper.domain.session import Phase, Session, clock_text
from trouble_mapper.domain.vocabulary import CardKind
from trouble_mapper.service import EditRefused, WorkshopService
from trouble_mapper.storage.workshop_file import create_workshop, open_workshop

T0 = 1_800_000_000.0  # a fixed wall-clock time


def test_a_time_box_counts_down_only_while_running():
    box = Session().with_timebox(10)
    assert box.remaining(T0) == 600 and not box.running
    running = box.started(T0)
    assert running.remaining(T0 + 90) == 510
    paused = running.paused(T0 + 90)
    assert paused.remaining(T0 + 1_000) == 510  # paused: the clock on the wall does not matter
    again = paused.started(T0 + 2_000)
    assert again.remaining(T0 + 2_010) == 500
    assert not again.is_up(T0 + 2_509) and again.is_up(T0 + 2_510)
    assert again.remaining(T0 + 2_530) == -20


def test_five_more_minutes_count_from_now_when_time_was_already_up():
    running = Session().with_timebox(1).started(T0)
    assert running.extended(T0 + 30).remaining(T0 + 30) == 30 + 300  # before the end: added to the box
    late = running.extended(T0 + 100)  # 40 s over
    assert late.remaining(T0 + 100) == 300


def test_no_time_box_cannot_start_and_a_new_phase_starts_without_one():
    assert Session().started(T0) == Session()
    boxed = Session().with_timebox(15).started(T0)
    moved = boxed.in_phase(Phase.CAPTURE)
    assert moved.phase is Phase.CAPTURE and not moved.has_timebox and not moved.running
    assert boxed.in_phase(Phase.FRAME) is boxed  # the same phase changes nothing


@pytest.mark.parametrize(("seconds", "text"), [(600, "10:00"), (599.2, "10:00"), (65, "1:05"), (0.4, "0:01"),
                                               (0, "0:00"), (-0.5, "+0:00"), (-90, "+1:30")])
def test_clock_text_reads_like_a_kitchen_timer(seconds, text):
    assert clock_text(seconds) == text


@pytest.fixture
def service(tmp_path):
    path = tmp_path / "Session.troublemap"
    create_workshop(path, Workshop(title="Session")).close()
    opened = open_workshop(path)
    service = WorkshopService(opened)
    yield service
    service.close()  # closing twice is harmless (one test closes it to reopen the file)


def test_the_phase_and_a_running_time_box_survive_a_restart(service):
    path = service.file.path
    session = Session().in_phase(Phase.PRIORITISE).with_timebox(20).started(T0)
    assert service.update_session(session, "Start the time box")
    service.close()
    reopened = open_workshop(path)
    try:
        assert reopened.document.session == session
        assert reopened.document.session.remaining(T0 + 60) == 20 * 60 - 60  # it kept counting
    finally:
        reopened.close()


def test_session_changes_are_not_undo_steps_and_undo_leaves_them_alone(service):
    card = service.add_card(CardKind.TROUBLE, 0, 0, "Jam at the capper")
    steps = service.undo_stack.count()
    service.update_session(Session().in_phase(Phase.CAPTURE), "Phase: Capture")
    assert service.undo_stack.count() == steps
    service.undo_stack.undo()  # undoes the card, not the phase
    assert card.id not in service.document.cards
    assert service.document.session.phase is Phase.CAPTURE


def test_an_unchanged_session_writes_nothing(service):
    before = len(service.file.repository.history())
    assert service.update_session(service.document.session, "Nothing")
    assert len(service.file.repository.history()) == before


def test_a_read_only_workshop_refuses_to_store_the_session(tmp_path):
    path = tmp_path / "Read only.troublemap"
    create_workshop(path, Workshop(title="Read only")).close()
    opened = open_workshop(path, read_only=True)
    try:
        with pytest.raises(EditRefused, match="read-only"):
            WorkshopService(opened).update_session(Session().in_phase(Phase.MAP), "Phase: Map")
        assert opened.document.session == Session()
    finally:
        opened.close()


def test_the_session_clock_ignores_a_wall_clock_correction_while_running(monkeypatch):
    import time

    from trouble_mapper.ui.session_clock import steady_wall_clock

    steady = [100.0]
    monkeypatch.setattr(time, "time", lambda: T0)
    monkeypatch.setattr(time, "monotonic", lambda: steady[0])
    clock = steady_wall_clock()
    monkeypatch.setattr(time, "time", lambda: T0 + 3_600)  # the system clock is set an hour forward
    steady[0] += 30
    assert clock() == T0 + 30
