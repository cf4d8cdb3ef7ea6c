"""Tests that break things: kill -9 mid-write, two writers at once, damaged files, a full
disk, a read-only, locked or vanished database. Each asserts that nothing returned as
saved is lost, and that a damaged file is left exactly as it was."""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, event, exc, func, make_url, select, text

from desktop.cli import main
from desktop.domain import NoteKind, Verdict
from desktop.errors import StorageUnavailable
from desktop.services import Services
from desktop.services.backup import Health, check_health
from desktop.storage import maintenance
from desktop.storage import models as m
from desktop.storage.backup import create_backup
from desktop.storage.database import CHECKPOINT_EVERY
from tests.fakes import FakeClock
from tests.faults import db_path, disk_full, locked, on_every_connection, read_only, vanished

ROOT = Path(__file__).resolve().parents[2]
PAGE = 4096


def snapshot(path: Path) -> tuple[bytes, int]:
    return path.read_bytes(), path.stat().st_mtime_ns


def stored(url: str, text_: str, clock: FakeClock) -> int:
    """How many live notes have exactly this text."""
    services = Services.open(url, clock=clock)
    try:
        with services.db.read() as s:
            return s.scalar(
                select(func.count(m.Note.id)).where(
                    m.Note.text == text_, m.Note.deleted_at.is_(None)
                )
            )
    finally:
        services.close()


def start_call(url: str, clock: FakeClock) -> uuid.UUID:
    services = Services.open(url, clock=clock)
    try:
        return services.calls.start("Acme").id
    finally:
        services.close()


@dataclass
class Writer:
    """A note_writer process and the ids it reported as returned."""

    process: subprocess.Popen[str]
    ids: list[str]
    reader: threading.Thread

    @classmethod
    def start(cls, url: str, call_id: uuid.UUID, label: str, count: int | None = None) -> Writer:
        args = [sys.executable, "-m", "tests.helpers.note_writer", url, str(call_id), label]
        process = subprocess.Popen(
            [*args, *([str(count)] if count is not None else [])],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            text=True,
        )
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "ready", process.stderr
        ids: list[str] = []

        def read() -> None:
            assert process.stdout is not None
            for line in process.stdout:
                if line.endswith("\n"):  # a line cut by the kill was never reported
                    ids.append(line.strip())

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        return cls(process, ids, reader)

    def wait_for(self, n: int, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while len(self.ids) < n:
            assert self.process.poll() is None, self.process.stderr
            assert time.monotonic() < deadline, "the writer stopped writing"
            time.sleep(0.005)

    def finish(self, timeout: float = 60) -> None:
        self.process.wait(timeout)
        self.reader.join(timeout)
        for stream in (self.process.stdout, self.process.stderr):
            assert stream is not None
            stream.close()


def test_every_note_whose_add_returned_survives_kill_9(
    sqlite_url: str, clock: FakeClock, rng: random.Random
) -> None:
    call_id = start_call(sqlite_url, clock)
    returned: list[str] = []
    delays = []
    for round_ in range(4):
        writer = Writer.start(sqlite_url, call_id, f"round {round_}")
        writer.wait_for(1)
        delays.append(rng.uniform(0.0, 0.5))
        time.sleep(delays[-1])  # a random moment, mid-commit as likely as not
        writer.process.kill()
        writer.finish()
        assert writer.process.returncode == -9
        assert writer.ids, "nothing was written before the kill"
        returned += writer.ids
    assert maintenance.check(sqlite_url).startswith("ok: "), delays
    services = Services.open(sqlite_url, clock=clock)
    try:
        present = {str(n.id) for n in services.calls.notes(call_id)}
    finally:
        services.close()
    assert set(returned) <= present, f"lost {set(returned) - present} (delays {delays})"
    # At most one note per round was committed without its id being read back.
    assert len(present) - len(returned) <= 4


def test_notes_filed_while_checkpoints_run_on_their_thread_survive_kill_9(
    sqlite_url: str, clock: FakeClock, rng: random.Random
) -> None:
    """The `-wal` is copied back off the commit path (`Checkpointer`): a kill at any
    moment, a checkpoint under way or not, loses no note whose add returned."""
    call_id = start_call(sqlite_url, clock)
    writer = Writer.start(sqlite_url, call_id, "checkpointed")
    at = rng.randrange(4 * CHECKPOINT_EVERY, 12 * CHECKPOINT_EVERY)
    writer.wait_for(at, timeout=120)
    writer.process.kill()
    writer.finish()
    assert writer.process.returncode == -9
    assert maintenance.check(sqlite_url).startswith("ok: "), at
    services = Services.open(sqlite_url, clock=clock)
    try:
        present = {str(n.id) for n in services.calls.notes(call_id)}
    finally:
        services.close()
    assert set(writer.ids) <= present, f"lost {set(writer.ids) - present} (killed after {at})"


def test_two_processes_writing_at_once_store_every_note_exactly_once(
    sqlite_url: str, clock: FakeClock
) -> None:
    """WAL, BEGIN IMMEDIATE and a busy timeout: a second instance on the same file works."""
    call_id = start_call(sqlite_url, clock)
    writers = [Writer.start(sqlite_url, call_id, label, 150) for label in ("left", "right")]
    for writer in writers:
        writer.finish()
        assert writer.process.returncode == 0
        assert len(writer.ids) == 150
    services = Services.open(sqlite_url, clock=clock)
    try:
        notes = services.calls.notes(call_id)
    finally:
        services.close()
    assert sorted(str(n.id) for n in notes) == sorted(writers[0].ids + writers[1].ids)
    expected = {
        f"{label} note {n}: budget frozen" for label in ("left", "right") for n in range(150)
    }
    assert sorted(n.text for n in notes) == sorted(expected)
    assert maintenance.check(sqlite_url).startswith("ok: ")


# -- damaged files ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Path:
    """A database with a call, 300 notes (many pages) and an annotation."""
    path = tmp_path_factory.mktemp("filled") / "ridealong.db"
    shutil.copy(sqlite_template, path)
    services = Services.open(f"sqlite:///{path}", clock=FakeClock())
    call = services.calls.start("Acme")
    notes = [
        services.notes.add(call.id, NoteKind.PAIN, f"note {i}: budget frozen until Q3 " * 6)
        for i in range(300)
    ]
    services.review.annotate(notes[0].id, Verdict.CONFIRMED, "Rita")
    services.close()
    return path


def _truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _flip_a_page(path: Path) -> None:
    data = bytearray(path.read_bytes())
    middle = (len(data) // PAGE // 2) * PAGE
    data[middle : middle + PAGE] = bytes((i * 37 + 11) % 251 for i in range(PAGE))
    path.write_bytes(bytes(data))


def _flip_bytes_in_a_page(path: Path) -> None:
    data = bytearray(path.read_bytes())
    start = (len(data) // PAGE // 3) * PAGE
    for offset in range(0, 64, 3):
        data[start + offset] ^= 0xFF
    path.write_bytes(bytes(data))


DAMAGE: dict[str, Callable[[Path], None]] = {
    "truncated": _truncate,
    "garbage page": _flip_a_page,
    "flipped bytes in a page header": _flip_bytes_in_a_page,
}


def _commands(call_id: str, note_id: str, out: Path) -> list[list[str]]:
    return [
        ["call", "list"],
        ["call", "show", call_id],
        ["note", "add", call_id, "--kind", "pain", "Budget frozen"],
        ["annotate", note_id, "--verdict", "confirmed", "--by", "Rita"],
        ["grade", call_id, "--grade", "sql", "--by", "Rita"],
        ["search", "budget"],
        ["definitions", "set", "MQL", "Marketing qualified"],
        ["demo", "--calls", "1"],
        ["trash", "list"],
        ["trash", "empty"],
        ["export", "call", call_id, "-o", str(out / "call.pdf")],
        ["backup"],
        ["backup", "-o", str(out / "copy.db")],
        ["db", "check"],
        ["db", "upgrade"],
    ]


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_every_command_refuses_a_damaged_database_and_leaves_it_as_it_was(
    tmp_path: Path, filled: Path, damage: str, capsys: pytest.CaptureFixture[str], clock: FakeClock
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    path = data / "ridealong.db"
    shutil.copy(filled, path)
    services = Services.open(f"sqlite:///{path}", clock=clock)
    call_id = str(services.calls.page()[0].id)
    note_id = str(services.calls.notes(uuid.UUID(call_id))[0].id)
    services.close()
    DAMAGE[damage](path)
    before = snapshot(path)
    out = tmp_path / "out"
    out.mkdir()
    for command in _commands(call_id, note_id, out):
        code = main(["--data-dir", str(data), *command], clock=clock)
        captured = capsys.readouterr()
        assert code == 2, (command, captured)
        assert captured.err.startswith("ridealong: ") and captured.err.count("\n") == 1, command
        assert "damaged" in captured.err, (command, captured.err)
        assert snapshot(path) == before, f"{command} changed the damaged file"
    assert list(out.iterdir()) == []
    assert not (data / "backups").exists() or not any((data / "backups").glob("*.db"))


def test_damage_found_mid_session_stops_every_write(
    tmp_path: Path, filled: Path, clock: FakeClock
) -> None:
    """Without the check at open (as the window may open), the first damage a query meets
    ends writing: nothing more is written, not even the statistics at close."""
    path = tmp_path / "ridealong.db"
    shutil.copy(filled, path)
    with contextlib.closing(sqlite3.connect(path)) as conn:
        call_id = uuid.UUID(conn.execute("SELECT id FROM calls LIMIT 1").fetchone()[0])
    _flip_a_page(path)
    before = snapshot(path)
    services = Services.open(f"sqlite:///{path}", verify=False, clock=clock)
    with pytest.raises(StorageUnavailable, match="damaged") as found:
        services.calls.page()
        # A search reads only the pages of the hits it returns: ask for all of them.
        services.search.search("budget", limit=1000)
        services.calls.notes(call_id)
    assert not found.value.transient
    with pytest.raises(StorageUnavailable, match="damaged"):
        services.notes.add(call_id, NoteKind.PAIN, "this would have been written")
    services.close()
    assert snapshot(path) == before


def test_the_health_check_offers_the_newest_good_backup_and_changes_nothing(
    tmp_path: Path, filled: Path, clock: FakeClock
) -> None:
    path = tmp_path / "ridealong.db"
    shutil.copy(filled, path)
    url = f"sqlite:///{path}"
    assert check_health(url).health is Health.OK
    older = create_backup(path, now=clock())
    newer = create_backup(path, now=clock.advance(timedelta(minutes=1)))
    assert older.path != newer.path
    _flip_a_page(path)
    before = snapshot(path)
    health = check_health(url)
    assert health.health is Health.DAMAGED and not health.can_open
    assert health.newest_backup is not None
    assert health.newest_backup.path == newer.path
    assert health.problem is not None and "damaged" in health.problem
    assert snapshot(path) == before


@pytest.mark.parametrize(
    ("spoil", "health"),
    [
        (lambda p: p.write_bytes(b"PK\x03\x04" + bytes(100)), Health.FOREIGN),
        (lambda p: p.write_bytes(b""), Health.DAMAGED),
        (lambda p: None, Health.NEW),
    ],
)
def test_the_health_check_names_what_it_found(
    tmp_path: Path, spoil: Callable[[Path], None], health: Health
) -> None:
    path = tmp_path / "ridealong.db"
    spoil(path)
    before = sorted(tmp_path.iterdir())
    assert check_health(f"sqlite:///{path}").health is health
    assert sorted(tmp_path.iterdir()) == before


# -- write failures on the capture path ----------------------------------------------------


FAILURES = {
    "read-only": (read_only, "read-only"),
    "disk full": (disk_full, "full"),
    "locked": (locked, "busy"),
    "vanished": (vanished, "disappeared"),
}


@pytest.mark.parametrize("failure", list(FAILURES))
def test_a_failed_add_keeps_nothing_half_saved_and_the_retry_stores_it_once(
    sqlite_url: str, failure: str, clock: FakeClock
) -> None:
    simulate, words = FAILURES[failure]
    services = Services.open(sqlite_url, clock=clock)
    try:
        call = services.calls.start("Acme")
        services.notes.add(call.id, NoteKind.PAIN, "an earlier note")
        note = "Budget frozen until Q3 " * 2000  # new pages, so a full disk shows
        with simulate(services, sqlite_url):
            with pytest.raises(StorageUnavailable) as failed:
                services.notes.add(call.id, NoteKind.QUOTE, note)
            assert failed.value.transient, failed.value
            assert words in str(failed.value) and "\n" not in str(failed.value)
        retried = services.notes.add(call.id, NoteKind.QUOTE, note)
        assert [n.text for n in services.calls.notes(call.id)] == ["an earlier note", note]
        assert services.notes.get(retried.id).text == note
    finally:
        services.close()
    assert stored(sqlite_url, note, clock) == 1
    assert maintenance.check(sqlite_url).startswith("ok: ")


@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
def test_a_read_only_server_is_a_transient_failure_and_the_retry_stores_once(
    db_url: str, clock: FakeClock
) -> None:
    services = Services.open(db_url, clock=clock)
    try:
        call = services.calls.start("Acme")
        engine = services.db.engine

        def hook(dbapi_conn: object, _record: object) -> None:
            with dbapi_conn.cursor() as cursor:  # type: ignore[attr-defined]
                cursor.execute("SET default_transaction_read_only = on")
            dbapi_conn.commit()  # type: ignore[attr-defined]

        event.listen(engine, "connect", hook)
        engine.dispose()
        with pytest.raises(StorageUnavailable, match="read-only") as failed:
            services.notes.add(call.id, NoteKind.PAIN, "Budget frozen")
        assert failed.value.transient
        event.remove(engine, "connect", hook)
        engine.dispose()
        services.notes.add(call.id, NoteKind.PAIN, "Budget frozen")
        assert [n.text for n in services.calls.notes(call.id)] == ["Budget frozen"]
    finally:
        services.close()


@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
def test_a_server_table_locked_elsewhere_is_busy_and_the_retry_stores_once(
    db_url: str, clock: FakeClock
) -> None:
    """lock_timeout (SQLSTATE 55P03) is another program writing, not a bug."""
    services = Services.open(db_url, clock=clock)
    other = create_engine(db_url)
    try:
        call = services.calls.start("Acme")
        with (
            on_every_connection(services, "SET lock_timeout = '50ms'"),
            other.connect() as holder,
        ):
            holder.execute(text("LOCK TABLE notes IN ACCESS EXCLUSIVE MODE"))
            with pytest.raises(StorageUnavailable, match="busy") as failed:
                services.notes.add(call.id, NoteKind.PAIN, "Budget frozen")
            assert failed.value.transient
            holder.rollback()
        services.notes.add(call.id, NoteKind.PAIN, "Budget frozen")
        assert [n.text for n in services.calls.notes(call.id)] == ["Budget frozen"]
    finally:
        other.dispose()
        services.close()


@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
def test_a_server_database_dropped_while_open_cannot_be_used_and_says_so(
    db_url: str, pg_server: str, clock: FakeClock
) -> None:
    services = Services.open(db_url, clock=clock)
    try:
        call = services.calls.start("Acme")
        services.db.engine.dispose()
        admin = create_engine(pg_server.format(name="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE "{make_url(db_url).database}" WITH (FORCE)'))
        admin.dispose()
        with pytest.raises(StorageUnavailable, match="cannot use the database") as failed:
            services.notes.add(call.id, NoteKind.PAIN, "Budget frozen")
        assert failed.value.transient and "\n" not in str(failed.value)
    finally:
        services.close()


def test_a_database_replaced_while_open_is_never_written_to(
    sqlite_url: str, clock: FakeClock
) -> None:
    """A restore from another window swaps the file: this one must not write to the old."""
    services = Services.open(sqlite_url, clock=clock)
    try:
        call = services.calls.start("Acme")
        path = db_path(sqlite_url)
        copy = path.with_name("other.db")
        shutil.copy(path, copy)
        os.replace(copy, path)
        with pytest.raises(StorageUnavailable, match="replaced") as failed:
            services.notes.add(call.id, NoteKind.PAIN, "Budget frozen")
        assert not failed.value.transient
    finally:
        services.close()


def test_a_second_instance_is_refused_a_swap_while_the_first_has_the_file_open(
    sqlite_url: str, tmp_path: Path, clock: FakeClock
) -> None:
    from desktop.services.backup import restore

    services = Services.open(sqlite_url, clock=clock)
    try:
        services.calls.start("Acme")
        copy = services.backups.create(tmp_path / "copy.db")
        before = snapshot(db_path(sqlite_url))
        with pytest.raises(StorageUnavailable, match="in use by another Ridealong"):
            restore(sqlite_url, copy.path)
        assert snapshot(db_path(sqlite_url)) == before
        assert services.calls.count() == 1
    finally:
        services.close()


def test_statements_the_app_does_not_know_still_surface_as_bugs(
    db_url: str, clock: FakeClock
) -> None:
    """Storage failures are told by their codes: a mistake in SQL stays a bug, whatever
    words its message holds, and leaves the database writable."""
    services = Services.open(db_url, clock=clock)
    try:
        table = "locked_busy_readonly_full_malformed_connection"
        with pytest.raises(exc.DBAPIError, match=table), services.db.read() as s:
            s.execute(text(f"SELECT * FROM {table}"))
        call = services.calls.start("Acme")
        assert services.notes.add(call.id, NoteKind.PAIN, "Budget frozen").text
    finally:
        services.close()


def test_a_file_another_program_holds_is_said_to_be_in_use_never_damaged(
    sqlite_url: str,
) -> None:
    """SQLite says "locked" (SQLITE_BUSY), not damaged: no restore is offered over it."""
    path = db_path(sqlite_url)
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        holder.execute("PRAGMA locking_mode = EXCLUSIVE")
        holder.execute("BEGIN EXCLUSIVE")
        holder.execute("SELECT count(*) FROM sqlite_master").fetchone()
        before = snapshot(path)
        health = check_health(sqlite_url)
        assert health.health is Health.UNAVAILABLE, health.problem
        assert health.problem is not None and "locked" in health.problem
        assert "damaged" not in health.problem
    finally:
        holder.close()
    assert snapshot(path) == before
    assert check_health(sqlite_url).health is Health.OK
