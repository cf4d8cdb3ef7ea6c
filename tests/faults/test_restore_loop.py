"""Red-team run: `restore` in a loop beside two writers that open, add and close the way
the CLI does. Every note whose add returned must be somewhere a user can get it back:
in the live file or in one of the `before-restore` copies, and nothing may crash."""

from __future__ import annotations

import random
import sqlite3
import time
from pathlib import Path

from desktop.errors import StorageUnavailable
from desktop.services import Services
from desktop.services.backup import restore
from desktop.storage import backup as files
from tests.fakes import FakeClock
from tests.faults import db_path
from tests.faults.cli_writers import Writer

#: How long the restores run beside the writers.
RUN_SECONDS = 4.0


def note_texts(path: Path) -> set[str]:
    """Every note's text in a database file (its log replayed, as an open would)."""
    conn = sqlite3.connect(path)
    try:
        return {row[0] for row in conn.execute("SELECT text FROM notes")}
    finally:
        conn.close()


def test_restores_beside_two_writers_lose_no_acknowledged_note(
    sqlite_url: str, tmp_path: Path, clock: FakeClock, rng: random.Random
) -> None:
    services = Services.open(sqlite_url, clock=clock)
    try:
        call = services.calls.start("Acme")
        backup = services.backups.create(tmp_path / "with-the-call.db")
    finally:
        services.close()
    writers = [
        Writer.start(sqlite_url, call.id, label, rng.randrange(2**32), tmp_path / f"{label}.err")
        for label in ("first", "second")
    ]
    restored = refused = 0
    crashes: list[str] = []
    try:
        deadline = time.monotonic() + RUN_SECONDS
        while time.monotonic() < deadline:
            try:
                restore(sqlite_url, backup.path, clock=clock)
            except StorageUnavailable as error:
                assert error.transient, error  # busy or in use, never anything worse
                refused += 1
            except Exception as error:  # a crash: what this run looks for
                crashes.append(f"{type(error).__name__}: {error}")
            else:
                restored += 1
            time.sleep(rng.uniform(0, 0.01))
    finally:
        stderr = [writer.stop() for writer in writers]
    acknowledged = {text for writer in writers for text in writer.added}
    kept = [
        b.path
        for b in files.list_backups(db_path(sqlite_url))
        if b.kind is files.BackupKind.BEFORE_RESTORE
    ]
    found = note_texts(db_path(sqlite_url)).union(*(note_texts(path) for path in kept))
    lost = sorted(acknowledged - found)
    turned_away = sum(text.count("refused: ") for text in stderr)
    print(
        f"{len(acknowledged)} notes acknowledged, {len(lost)} lost, {restored} restores, "
        f"{refused} restores refused, {turned_away} notes refused, {len(crashes)} crashes"
    )
    assert crashes == []
    assert all("Traceback" not in text for text in stderr), stderr
    assert acknowledged, "the run raced nothing"
    assert lost == [], f"{len(lost)} of {len(acknowledged)} acknowledged notes lost"
    # A command takes a fraction of a second: the restore waits for it, never refuses.
    assert refused == 0, f"{refused} of {refused + restored} restores refused"
