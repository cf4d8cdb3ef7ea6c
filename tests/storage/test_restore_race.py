"""A restore beside other users of the file: it waits for them, keeps what they saved,
and whoever opens the file afterwards finds the restored one."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest

from desktop.domain import NoteKind
from desktop.errors import RidealongError
from desktop.services import Services
from desktop.services.backup import RestoreResult, restore
from tests.fakes import FakeClock
from tests.faults import db_path


def note_texts(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return sorted(row[0] for row in conn.execute("SELECT text FROM notes"))
    finally:
        conn.close()


def turns_newcomers_away(path: Path) -> bool:
    """Whether a command starting now would have to wait (the restore holds SQLite's
    PENDING lock while it waits for the file to itself)."""
    probe = sqlite3.connect(path, timeout=0)
    try:
        probe.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.OperationalError:
        return True
    finally:
        probe.close()
    return False


def test_a_restore_waits_for_a_command_using_the_file_and_keeps_what_it_saved(
    sqlite_url: str, tmp_path: Path, clock: FakeClock
) -> None:
    services = Services.open(sqlite_url, clock=clock)
    call = services.calls.start("Acme")
    backup = services.backups.create(tmp_path / "before.db")
    outcome: list[RestoreResult | RidealongError] = []

    def run_restore() -> None:
        try:
            outcome.append(restore(sqlite_url, backup.path, clock=clock))
        except RidealongError as error:
            outcome.append(error)

    restoring = threading.Thread(target=run_restore)
    try:
        restoring.start()
        deadline = time.monotonic() + 30
        while not turns_newcomers_away(db_path(sqlite_url)):
            assert not outcome, outcome  # it must wait, not refuse or go ahead
            assert time.monotonic() < deadline, "the restore never asked for the file"
            time.sleep(0.005)
        # The command still has the file open: it finishes its work, then closes.
        services.notes.add(call.id, NoteKind.PAIN, "Saved while the restore waited")
    finally:
        services.close()
        restoring.join(60)
    [result] = outcome
    assert isinstance(result, RestoreResult), result
    assert result.previous_kept_at is not None
    assert note_texts(result.previous_kept_at) == ["Saved while the restore waited"]
    assert note_texts(db_path(sqlite_url)) == []
    after = Services.open(sqlite_url, clock=clock)
    try:
        after.notes.add(call.id, NoteKind.PAIN, "Added after the restore")
    finally:
        after.close()
    assert note_texts(db_path(sqlite_url)) == ["Added after the restore"]


@pytest.mark.parametrize("page_size", [1024, 16384])
def test_a_backup_with_another_page_size_is_restored(
    sqlite_url: str, tmp_path: Path, clock: FakeClock, page_size: int
) -> None:
    """A database in WAL mode keeps its page size; the restored copy is given it."""
    services = Services.open(sqlite_url, clock=clock)
    try:
        call = services.calls.start("Acme")
        services.notes.add(call.id, NoteKind.PAIN, "In the backup")
        backup = services.backups.create(tmp_path / "other-page-size.db").path
        services.notes.add(call.id, NoteKind.PAIN, "Only in the database")
    finally:
        services.close()
    conn = sqlite3.connect(backup, isolation_level=None)
    conn.execute(f"PRAGMA page_size = {page_size}")
    conn.execute("VACUUM")
    assert conn.execute("PRAGMA page_size").fetchone()[0] == page_size
    conn.close()
    result = restore(sqlite_url, backup, clock=clock)
    assert note_texts(db_path(sqlite_url)) == ["In the backup"]
    assert result.previous_kept_at is not None
    assert note_texts(result.previous_kept_at) == ["In the backup", "Only in the database"]
