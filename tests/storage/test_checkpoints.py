"""The `-wal` is copied back into the database on a thread of its own, off the commit
path of a note being filed, and stays small however many notes are filed."""

from __future__ import annotations

import os
import sqlite3
import threading
from contextlib import closing
from pathlib import Path

from sqlalchemy import make_url, text

from desktop.domain import NoteKind
from desktop.services import Services
from desktop.storage.database import CHECKPOINT_EVERY, WAL_BOUND_PAGES, sqlite_path
from desktop.storage.search import merge_index
from tests.fakes import FakeClock

#: A WAL frame: a page and its header.
FRAME = 4096 + 24
#: Far more pages than filing one note writes (about 10 in an empty database).
PAGES_PER_NOTE = 40


def _wal_pages(path: Path) -> int:
    wal = Path(f"{path}-wal")
    return wal.stat().st_size // FRAME if wal.exists() else 0


def test_the_wal_stays_small_over_many_adds(sqlite_url: str, clock: FakeClock) -> None:
    services = Services.open(sqlite_url, clock=clock)
    path = sqlite_path(make_url(sqlite_url))
    assert path is not None and services.db.checkpointer is not None
    try:
        call = services.calls.start("Acme", rep="Rita")
        largest = 0
        notes = 30 * CHECKPOINT_EVERY
        for n in range(notes):
            services.notes.add(call.id, NoteKind.PAIN, f"note {n}: budget frozen #pricing")
            services.db.checkpointer.wait()
            largest = max(largest, _wal_pages(path))
        # Without the checkpointer it would hold every note's pages (thousands).
        assert largest <= 2 * CHECKPOINT_EVERY * PAGES_PER_NOTE
        assert services.db.checkpointer.done >= notes // CHECKPOINT_EVERY - 1
    finally:
        services.close()
    assert not any(t.name == "ridealong-checkpoint" for t in threading.enumerate())
    assert not Path(f"{path}-wal").exists()  # the last connection closed removed it


def test_a_commit_checkpoints_only_past_the_bound(sqlite_url: str, clock: FakeClock) -> None:
    services = Services.open(sqlite_url, clock=clock)
    try:
        with services.db.write() as s:
            raw = s.connection().connection.driver_connection
            assert isinstance(raw, sqlite3.Connection)
            assert raw.execute("PRAGMA wal_autocheckpoint").fetchone() == (WAL_BOUND_PAGES,)
            assert raw.execute("PRAGMA synchronous").fetchone() == (2,)  # FULL
    finally:
        services.close()


def test_a_read_only_open_runs_no_checkpoints(sqlite_url: str, clock: FakeClock) -> None:
    Services.open(sqlite_url, clock=clock).close()
    before = os.stat(make_url(sqlite_url).database or "").st_mtime_ns
    services = Services.open(f"{sqlite_url}?mode=ro", clock=clock)
    try:
        assert services.db.checkpointer is None
        services.calls.page(limit=1)
    finally:
        services.close()
    assert os.stat(make_url(sqlite_url).database or "").st_mtime_ns == before


def test_a_checkpoint_never_creates_a_database_that_vanished(
    sqlite_url: str, clock: FakeClock, tmp_path: Path
) -> None:
    services = Services.open(sqlite_url, clock=clock)
    path = sqlite_path(make_url(sqlite_url))
    assert path is not None and services.db.checkpointer is not None
    try:
        call = services.calls.start("Acme", rep="Rita")
        services.notes.add(call.id, NoteKind.PAIN, "budget frozen")
        path.rename(tmp_path / "moved.db")  # its drive unplugged, say
        services.db.checkpointer.request()
        services.db.checkpointer.wait()
        assert not path.exists()
    finally:
        services.close()
    assert not path.exists()


def _automerge(path: Path) -> object:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute("SELECT v FROM search_fts_config WHERE k = 'automerge'").fetchone()


def test_the_checkpointer_merges_the_search_index_so_no_note_does(
    sqlite_url: str, clock: FakeClock
) -> None:
    """FTS5 merged its segments inside every 64th note's INSERT; once the checkpointer
    has run, the file leaves merging to it, and every note is still found."""
    services = Services.open(sqlite_url, clock=clock)
    path = sqlite_path(make_url(sqlite_url))
    assert path is not None and services.db.checkpointer is not None
    try:
        call = services.calls.start("Acme", rep="Rita")
        assert _automerge(path) is None  # FTS5's default: merge inside the writes
        for n in range(8 * CHECKPOINT_EVERY):
            services.notes.add(call.id, NoteKind.PAIN, f"note {n}: quarterly forecast slipped")
        services.db.checkpointer.request()  # as after the next notes, once no one writes
        services.db.checkpointer.wait()
        assert _automerge(path) == (0,)
        assert len(services.search.search("forecast", limit=1000)) == 8 * CHECKPOINT_EVERY
        with services.db.write() as s:
            s.execute(text("INSERT INTO search_fts(search_fts) VALUES ('integrity-check')"))
    finally:
        services.close()


def test_merging_the_index_works_until_nothing_is_left(sqlite_url: str, clock: FakeClock) -> None:
    """Segments a writer left unmerged (one per note filed) are merged in steps, and a
    second round finds nothing to do."""
    with Services.open(sqlite_url, clock=clock) as services:
        call = services.calls.start("Acme", rep="Rita")
    path = sqlite_path(make_url(sqlite_url))
    assert path is not None
    with closing(sqlite3.connect(path, isolation_level=None)) as conn:
        conn.execute("INSERT INTO search_fts(search_fts, rank) VALUES ('automerge', 0)")
    with Services.open(sqlite_url, clock=clock) as services:
        for n in range(CHECKPOINT_EVERY - 1):  # one short of a checkpointer round
            services.notes.add(call.id, NoteKind.PAIN, f"note {n}: budget frozen")
    with closing(sqlite3.connect(path, isolation_level=None)) as conn:
        assert merge_index(conn) > 0
        assert merge_index(conn) == 0
        conn.execute("INSERT INTO search_fts(search_fts) VALUES ('integrity-check')")
