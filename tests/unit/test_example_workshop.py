"""The bundled example workshop: realistic content, a real background, and never modified by use."""

import hashlib
from datetime import date

from PySide6.QtGui import QImage

from trouble_mapper.domain.model import Card
from trouble_mapper.domain.vocabulary import ActionStatus, CardKind, Role
from trouble_mapper.service import WorkshopService
from trouble_mapper.storage.workshop_file import journal_path_for, open_workshop
from trouble_mapper.ui import places


def sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_example_is_a_realistic_packaging_line_workshop(qapp):
    """Troubles, causes with a chain of why, countermeasures, actions in every status, a full team."""
    opened = open_workshop(places.bundled_example(), read_only=True)
    try:
        doc = opened.document
        counts = doc.card_counts()
        assert counts[CardKind.TROUBLE] >= 15 and counts[CardKind.CAUSE] >= 6
        assert counts[CardKind.COUNTERMEASURE] >= 4 and counts[CardKind.NOTE] >= 1
        assert {action.status for action in doc.actions.values()} == set(ActionStatus)
        assert {role for person in doc.people.values() for role in person.roles} == set(Role)
        assert any(a.due and a.due < date(2026, 11, 25) and not a.status.is_closed
                   for a in doc.actions.values())
        assert any(a.needs_standard for a in doc.actions.values())
        assert len(doc.meetings) == 1
        zone_names = {zone.name for zone in doc.zones.values()}
        assert {"Filler", "Capper", "Labeller", "Palletiser"} <= zone_names
        troubles: list[Card] = [c for c in doc.cards.values() if c.kind is CardKind.TROUBLE]
        assert all(c.category and c.zone_id and c.scores.impact for c in troubles)
        assert sum(c.votes for c in troubles) > 0
        # A chain of why: a cause whose effect is itself a cause of a trouble.
        by_id = doc.cards
        effect_of = {link.cause_id: by_id[link.effect_id] for link in doc.links.values()
                     if by_id[link.cause_id].kind is CardKind.CAUSE}
        assert any(effect.kind is CardKind.CAUSE and effect_of[effect.id].kind is CardKind.TROUBLE
                   for effect in effect_of.values())
        picture = QImage.fromData(doc.background.image)
        assert not picture.isNull() and picture.width() >= 1600
    finally:
        opened.close()


def test_bundled_file_is_small_and_clean():
    path = places.bundled_example()
    assert path.stat().st_size < 600 * 1024
    assert not journal_path_for(path).exists()
    assert not list(path.parent.glob(".~lock.*"))


def test_opening_and_reading_never_modify_the_bundled_file(qapp):
    path = places.bundled_example()
    before = sha256(path)
    open_workshop(path, read_only=True).close()
    assert sha256(path) == before


def test_example_copy_goes_to_data_folder_and_edits_touch_only_the_copy(qapp):
    bundled = places.bundled_example()
    before = sha256(bundled)
    copy = places.example_copy()
    assert copy.parent == places.workshops_folder() and copy != bundled
    service = WorkshopService(open_workshop(copy))
    try:
        service.add_card(CardKind.TROUBLE, 100, 100, "Added in the copy")
    finally:
        service.close()
    assert sha256(bundled) == before
    assert places.example_copy() == copy  # made once, then reused with the user's edits
    reopened = open_workshop(copy, read_only=True)
    try:
        assert any(c.text == "Added in the copy" for c in reopened.document.cards.values())
    finally:
        reopened.close()
