"""Backups and restore: verified copies, rotation, the automatic pass, hostile files."""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import time
import zipfile
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from desktop.cli import main
from desktop.domain import NoteKind
from desktop.errors import Cancelled, StorageUnavailable, UserError
from desktop.progress import CancelToken
from desktop.services import Services
from desktop.services.backup import BackupKind, check_health, restore
from desktop.storage import backup as files
from desktop.storage import maintenance, packed, sqlite_files
from tests.fakes import FakeClock
from tests.faults import db_path
from tests.notes_on_file import add_notes, texts


def fingerprint(path: Path) -> tuple[str, int]:
    return hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns


def unpacked(backup: Path) -> Path:
    """The plain SQLite file a packed backup holds, beside its `backups/` folder."""
    plain = backup.parent.parent / f"unpacked-{backup.name}.db"
    packed.unpack(backup, plain)
    return plain


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_a_backup_is_a_verified_self_contained_copy_listed_with_its_counts(
    sqlite_url: str,
    clock: FakeClock,
) -> None:
    add_notes(sqlite_url, clock, "Budget frozen", "Too expensive")
    services = Services.open(sqlite_url, clock=clock)
    try:
        services.notes.delete(services.calls.notes(services.calls.page()[0].id)[0].id)
        seen: list[tuple[int, int]] = []
        made = services.backups.create(progress=lambda done, total: seen.append((done, total)))
        assert made.path.parent == db_path(sqlite_url).parent / "backups"
        assert made.kind is BackupKind.REGULAR and made.good
        assert (made.calls, made.notes) == (1, 1)  # the trashed note is not counted
        assert seen and seen[-1][0] == seen[-1][1]
        assert [p.name for p in made.path.parent.iterdir()] == [made.path.name]
        assert not sqlite_files.sidecars(made.path)[0].exists()
        assert made.path.name.endswith(".db.zst") and made.compressed
        plain = unpacked(made.path)
        assert made.database_size == plain.stat().st_size > made.size
        assert sqlite_files.quick_check(plain) == []
        assert sqlite_files.read_header(plain)[18:20] == b"\x01\x01"  # no WAL needed
        second = services.backups.create()
        assert [b.path for b in services.backups.list()] == [second.path, made.path]
        assert check_health(sqlite_url, deep=False).newest_backup is None  # opens: none read
        newest = files.newest_good_backup(db_path(sqlite_url))
        assert newest is not None and newest.path == second.path
    finally:
        services.close()


def test_cancel_stops_a_backup_and_leaves_no_file(sqlite_url: str, clock: FakeClock) -> None:
    add_notes(sqlite_url, clock, *(f"note {i} " * 200 for i in range(300)))
    token = CancelToken()

    def progress(done: int, total: int) -> None:
        token.cancel()

    with pytest.raises(Cancelled):
        files.create_backup(db_path(sqlite_url), progress=progress, cancel=token, now=clock())
    folder = db_path(sqlite_url).parent / "backups"
    assert list(folder.iterdir()) == []


def test_a_damaged_database_is_not_backed_up_over_good_backups(
    sqlite_url: str, clock: FakeClock
) -> None:
    add_notes(sqlite_url, clock, *(f"note {i} " * 200 for i in range(300)))
    path = db_path(sqlite_url)
    good = files.create_backup(path, now=clock())
    data = bytearray(path.read_bytes())
    middle = len(data) // 2 // 4096 * 4096
    data[middle : middle + 4096] = b"\x07" * 4096
    path.write_bytes(bytes(data))
    before = fingerprint(path)
    with pytest.raises(StorageUnavailable, match="not backed up") as refused:
        files.create_backup(path, now=clock())
    assert str(good.path) in str(refused.value)  # and says which backup to restore
    assert [b.path for b in files.list_backups(path)] == [good.path]
    assert fingerprint(path) == before


def _fake_backups(db: Path, moments: list[datetime], kind: str = "") -> list[Path]:
    folder = db.parent / "backups"
    folder.mkdir(exist_ok=True)
    made = []
    for moment in moments:
        tail = f"-{kind}" if kind else ""
        path = folder / f"{db.stem}-{moment.strftime('%Y-%m-%d-%H%M%S')}{tail}.db"
        path.write_bytes(b"")
        made.append(path)
    return made


def test_rotation_keeps_the_ten_newest_and_one_a_day_for_thirty_days(tmp_path: Path) -> None:
    db = tmp_path / "ridealong.db"
    now = datetime(2025, 6, 30, 18, 0, tzinfo=UTC)
    hourly_today = [now - timedelta(hours=h) for h in range(1, 16)]  # 15 today
    daily = [now - timedelta(days=d, hours=2) for d in range(1, 40)]  # one a day for 39 days
    twice_a_day = [now - timedelta(days=3, hours=1)]  # a second one on day 3
    _fake_backups(db, hourly_today + daily + twice_a_day)
    restores = _fake_backups(db, [now - timedelta(days=d) for d in (1, 40, 50)], "before-restore")
    upgrades = _fake_backups(db, [now - timedelta(days=d) for d in (60, 90)], "before-upgrade")
    removed = files.rotate(db, now)
    kept = {p.name for _, _, p in files._backup_files(db)}
    newest_ten = {p.name for p in _fake_backups_names(db, hourly_today[:10])}
    assert newest_ten <= kept
    days = {(m.astimezone().date()) for m in hourly_today + daily if now - m <= timedelta(days=30)}
    kept_days = {
        files._parse(db, Path(name))[0].astimezone().date() for name in kept if "before" not in name
    }
    assert kept_days == days
    # The ten newest, then the newest of each other local day within 30 days (in UTC:
    # ten from today and 29 more; a time zone may move some onto a neighbouring day).
    newest_of_day: dict[date, datetime] = {}
    for moment in sorted(hourly_today + daily + twice_a_day, reverse=True):
        if now - moment <= timedelta(days=30):
            newest_of_day.setdefault(moment.astimezone().date(), moment)
    expected = newest_ten | {p.name for p in _fake_backups_names(db, [*newest_of_day.values()])}
    assert {n for n in kept if "before" not in n} == expected
    assert restores[0].name in kept
    assert restores[1].name not in kept and restores[2].name not in kept
    assert upgrades[0].name in kept and upgrades[1].name not in kept  # the newest always stays
    assert all(not p.exists() for p in removed)


def _fake_backups_names(db: Path, moments: list[datetime]) -> list[Path]:
    return [Path(f"{db.stem}-{m.strftime('%Y-%m-%d-%H%M%S')}.db") for m in moments]


def test_an_automatic_backup_is_due_on_close_after_a_change_and_every_half_hour(
    sqlite_url: str,
    clock: FakeClock,
) -> None:
    services = Services.open(sqlite_url, clock=clock)
    try:
        call = services.calls.start("Acme")
        assert services.backups.due()  # no backup yet
        done = services.backups.run_automatic()
        assert done.backup is not None
        assert not services.backups.due(closing=True)  # nothing changed since
        time.sleep(0.01)  # let the file's clock move past the backup's
        services.notes.add(call.id, NoteKind.PAIN, "Budget frozen")
        assert services.backups.due(closing=True)
        assert not services.backups.due()  # the newest backup is minutes old
        clock.advance(timedelta(minutes=31))
        assert services.backups.due()
        assert services.backups.run_automatic(closing=True).backup is not None
        assert not services.backups.due(closing=True)
    finally:
        services.close()


def test_the_automatic_pass_purges_the_trash_after_the_backup(
    sqlite_url: str, clock: FakeClock
) -> None:
    services = Services.open(sqlite_url, clock=clock)
    try:
        call = services.calls.start("Acme")
        note = services.notes.add(call.id, NoteKind.PAIN, "Old and deleted")
        services.notes.delete(note.id)
    finally:
        services.close()
    clock.advance(timedelta(days=31))
    services = Services.open(sqlite_url, clock=clock)
    try:
        done = services.backups.run_automatic(closing=True)
        assert done.backup is not None and done.purged.notes == 1
        assert services.trash.list() == ()
    finally:
        services.close()
    # What was purged is still in the backup made just before.
    conn = sqlite3.connect(unpacked(done.backup.path))
    assert conn.execute("SELECT text FROM notes").fetchall() == [("Old and deleted",)]
    conn.close()


@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
def test_a_server_database_is_told_to_use_its_servers_backups(
    db_url: str, capsys: pytest.CaptureFixture[str], tmp_path: Path, clock: FakeClock
) -> None:
    services = Services.open(db_url, clock=clock)
    try:
        assert not services.backups.supported
        assert services.backups.list() == () and not services.backups.due(closing=True)
        with pytest.raises(UserError, match="pg_dump"):
            services.backups.create()
        assert services.backups.run_automatic(closing=True).backup is None
    finally:
        services.close()
    for args in (["backup"], ["backup", "--list"], ["restore", "x.db"]):
        code, out, err = run(capsys, "--database-url", db_url, *args)
        assert (code, out) == (2, ""), args
        assert "pg_dump" in err and err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


def test_backup_and_restore_from_the_command_line(
    tmp_path: Path, sqlite_template: Path, capsys: pytest.CaptureFixture[str], clock: FakeClock
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(sqlite_template, data / "ridealong.db")
    url = f"sqlite:///{data / 'ridealong.db'}"
    add_notes(url, clock, "Budget frozen")
    code, out, err = run(capsys, "--data-dir", str(data), "backup")
    assert code == 0, err
    made = Path(out.strip())
    assert made.parent == data / "backups" and out.count("\n") == 1
    code, out, _ = run(capsys, "--data-dir", str(data), "backup", "-o", str(tmp_path / "mine.db"))
    assert (code, out) == (0, f"{tmp_path / 'mine.db'}\n")
    assert texts(f"sqlite:///{tmp_path / 'mine.db'}", clock) == ["Budget frozen"]  # plain
    add_notes(url, clock, "Added after the backup")
    code, out, _ = run(capsys, "--data-dir", str(data), "backup", "--list", "--json")
    listed = json.loads(out)
    assert [b["path"] for b in listed] == [str(made)]
    assert listed[0]["notes"] == 1 and listed[0]["kind"] == "backup"
    assert set(listed[0]) == {
        "path",
        "created_at",
        "kind",
        "size",
        "revision",
        "calls",
        "notes",
        "problem",
        "compressed",
        "database_size",
    }
    assert listed[0]["compressed"] is True and listed[0]["database_size"] > listed[0]["size"]

    code, out, err = run(capsys, "--data-dir", str(data), "restore", str(made))
    assert code == 0, err
    assert out.startswith(f"restored {made} (1 call, 1 note)")
    assert texts(url, clock) == ["Budget frozen"]
    kept = [
        b for b in files.list_backups(data / "ridealong.db") if b.kind.value == "before-restore"
    ]
    assert len(kept) == 1 and str(kept[0].path) in out
    assert kept[0].notes == 2  # the database it replaced, whole
    assert maintenance.check(url).startswith("ok: ")


def test_restore_works_when_the_current_database_is_damaged_and_keeps_its_bytes(
    sqlite_url: str,
    clock: FakeClock,
) -> None:
    add_notes(sqlite_url, clock, "Budget frozen")
    path = db_path(sqlite_url)
    good = files.create_backup(path, now=clock())
    path.write_bytes(path.read_bytes()[:5000])  # cut short: unreadable
    damaged = path.read_bytes()
    with pytest.raises(StorageUnavailable, match="damaged"):
        Services.open(sqlite_url, clock=clock)
    result = restore(sqlite_url, good.path)
    assert result.previous_kept_at is not None
    assert result.previous_kept_at.read_bytes() == damaged
    assert texts(sqlite_url, clock) == ["Budget frozen"]


def test_restore_leaves_no_stale_log_of_the_replaced_database(
    sqlite_url: str, tmp_path: Path, clock: FakeClock
) -> None:
    """A write-ahead log left by a crash belongs to the old file: replayed into the
    restored one it would corrupt it. What it holds is kept with the old file, and no
    log is left behind."""
    add_notes(sqlite_url, clock, "In the backup")
    backup = files.create_backup(db_path(sqlite_url), now=clock())
    crashed = tmp_path / "crashed"
    crashed.mkdir()
    conn = sqlite3.connect(db_path(sqlite_url))
    conn.execute("PRAGMA wal_autocheckpoint = 0")
    conn.execute("UPDATE notes SET text = 'only in the log'")
    conn.commit()
    for suffix in ("", "-wal"):  # the files as a crash would leave them
        shutil.copy(f"{db_path(sqlite_url)}{suffix}", crashed / f"ridealong.db{suffix}")
    conn.close()
    url = f"sqlite:///{crashed / 'ridealong.db'}"
    assert (crashed / "ridealong.db-wal").stat().st_size > 0
    result = restore(url, backup.path)
    assert not (crashed / "ridealong.db-wal").exists()
    assert texts(url, clock) == ["In the backup"]
    assert maintenance.check(url).startswith("ok: ")
    assert result.previous_kept_at is not None
    assert texts(f"sqlite:///{result.previous_kept_at}", clock) == ["only in the log"]


def _random_bytes(path: Path) -> None:
    path.write_bytes(os.urandom(64 * 1024))


def _zip_bomb(path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("ridealong.db", bytes(20 * 1024 * 1024))
    path.write_bytes(buffer.getvalue())


def _huge_sparse(path: Path) -> None:
    with path.open("wb") as handle:
        handle.truncate(20 * 1024**3)


def _huge_sparse_with_a_sqlite_header(path: Path) -> None:
    with path.open("wb") as handle:
        handle.write(b"SQLite format 3\x00")
        handle.truncate(20 * 1024**3)


def _foreign_sqlite(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE recipes (name TEXT)")
    conn.commit()
    conn.close()


def _newer_ridealong(template: Path) -> Callable[[Path], None]:
    def make(path: Path) -> None:
        shutil.copy(template, path)
        conn = sqlite3.connect(path)
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
        conn.commit()
        conn.close()

    return make


def _damaged_ridealong(template: Path) -> Callable[[Path], None]:
    def make(path: Path) -> None:
        shutil.copy(template, path)
        data = bytearray(path.read_bytes())
        data[4096 * 3 : 4096 * 6] = b"\x5a" * (4096 * 3)
        path.write_bytes(bytes(data))

    return make


HOSTILE = {
    "random bytes": (lambda _t: _random_bytes, "not a SQLite file"),
    "zip bomb": (lambda _t: _zip_bomb, "zip archive"),
    "huge sparse file": (lambda _t: _huge_sparse, "zero bytes"),
    "huge sparse file with a SQLite header": (
        lambda _t: _huge_sparse_with_a_sqlite_header,
        "damaged",
    ),
    "empty file": (lambda _t: lambda p: p.write_bytes(b""), "empty"),
    "another program's database": (lambda _t: _foreign_sqlite, "another program"),
    "a newer Ridealong's": (_newer_ridealong, "newer Ridealong"),
    "damaged Ridealong database": (_damaged_ridealong, "damaged"),
    "a folder": (lambda _t: lambda p: p.mkdir(), "not a file"),
    "nothing": (lambda _t: lambda p: None, "no file"),
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_restore_refuses_a_file_that_is_not_ours_and_changes_nothing(
    tmp_path: Path,
    sqlite_template: Path,
    capsys: pytest.CaptureFixture[str],
    case: str,
    clock: FakeClock,
) -> None:
    make, message = HOSTILE[case]
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(sqlite_template, data / "ridealong.db")
    add_notes(f"sqlite:///{data / 'ridealong.db'}", clock, "Budget frozen")
    candidate = tmp_path / "candidate.db"
    make(sqlite_template)(candidate)
    before = fingerprint(data / "ridealong.db")
    listing = sorted(p.name for p in data.iterdir())
    started = time.monotonic()
    code, out, err = run(capsys, "--data-dir", str(data), "restore", str(candidate))
    assert time.monotonic() - started < 5  # never reads a huge file whole
    assert (code, out) == (2, ""), err
    assert err.startswith("ridealong: ") and err.count("\n") == 1
    assert message in err, err
    assert fingerprint(data / "ridealong.db") == before
    assert sorted(p.name for p in data.iterdir()) == listing


def test_restore_of_the_database_onto_itself_is_refused(sqlite_url: str, clock: FakeClock) -> None:
    with pytest.raises(UserError, match="the database itself"):
        restore(sqlite_url, db_path(sqlite_url))
    with pytest.raises(UserError, match="the database itself"):
        files.create_backup(db_path(sqlite_url), db_path(sqlite_url), now=clock())
