"""An open database stays held while the app reads its file for checks and backups.

On POSIX, closing any descriptor of a file drops every lock the process holds on it,
SQLite's included: a plain read of the header would let another program believe the
window had closed the file (and delete its log, or restore over it)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from desktop.domain import NoteKind
from desktop.services import Services
from desktop.services.backup import check_health
from tests.fakes import FakeClock
from tests.faults import db_path

#: Another program asking for the file to itself, without waiting.
TAKE_IT = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], timeout=0, isolation_level=None)
try:
    conn.execute("PRAGMA locking_mode = EXCLUSIVE")
    conn.execute("BEGIN EXCLUSIVE")
    conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
except sqlite3.OperationalError as error:
    print(error)
else:
    print("taken")
"""


def another_program_takes(path: Path) -> str:
    done = subprocess.run(
        [sys.executable, "-c", TAKE_IT, str(path)], capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def test_the_open_file_stays_held_through_health_checks_and_backups(
    sqlite_url: str, tmp_path: Path, clock: FakeClock
) -> None:
    services = Services.open(sqlite_url, clock=clock)
    try:
        call = services.calls.start("Acme")
        path = db_path(sqlite_url)
        assert another_program_takes(path) == "database is locked"
        check_health(sqlite_url, deep=True)
        services.backups.create()
        services.backups.create(tmp_path / "copy.db")
        services.backups.list()
        assert another_program_takes(path) == "database is locked"
        services.notes.add(call.id, NoteKind.PAIN, "Still held")
        assert another_program_takes(path) == "database is locked"
    finally:
        services.close()
    assert another_program_takes(db_path(sqlite_url)) == "taken"
