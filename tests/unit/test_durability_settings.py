"""Every edit is on disk in the main file when the call returns: no -wal side file, full sync."""

import shutil

from trouble_mapper.domain.vocabulary import CardKind
from trouble_mapper.storage.workshop_file import open_workshop


def test_connection_uses_rollback_journal_and_full_sync(service):
    """The editing connection commits with synchronous=FULL and a rollback journal (no WAL)."""
    db = service.file.repository.db
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert db.execute("PRAGMA synchronous").fetchone()[0] == 2
    assert db.execute("PRAGMA trusted_schema").fetchone()[0] == 0


def test_copy_taken_while_open_and_idle_holds_every_edit(service, tmp_path):
    """Copying the .troublemap file alone, while the app has it open, gets every edit, undo and redo."""
    cards = [service.add_card(CardKind.TROUBLE, 10 * i, 0, f"T{i}") for i in range(5)]
    service.move_cards({cards[0].id: (500, 500)})
    service.undo_stack.undo()
    service.undo_stack.redo()
    service.delete_cards([cards[1].id])
    service.undo_stack.undo()
    path = service.file.path
    assert sorted(p.name for p in path.parent.iterdir() if not p.name.startswith(".~lock")) == [path.name]
    copy = tmp_path / "copied-by-user.troublemap"
    shutil.copyfile(path, copy)
    reopened = open_workshop(copy, read_only=True)
    try:
        assert reopened.document.same_content(service.document)
        assert reopened.document.cards[cards[0].id].x == 500
    finally:
        reopened.close()
