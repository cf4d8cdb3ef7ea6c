"""Packed backups: a fraction of the database's size, read from their facts, restored
whole or refused; plain backups from before still restore; all of them within a budget."""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest

from desktop.errors import Cancelled, UserError
from desktop.progress import CancelToken
from desktop.services.backup import check_health, restore
from desktop.storage import backup as files
from desktop.storage import packed, sqlite_files
from tests.fakes import FakeClock
from tests.faults import db_path
from tests.notes_on_file import add_notes, texts

MB = 1024 * 1024


def test_a_backup_is_packed_to_a_fraction_of_the_database_and_restores_whole(
    sqlite_url: str, clock: FakeClock
) -> None:
    add_notes(sqlite_url, clock, *(f"pricing came up again on call {i} " * 20 for i in range(200)))
    path = db_path(sqlite_url)
    made = files.create_backup(path, now=clock())
    assert made.compressed and made.path.name.endswith(".db.zst")
    assert made.database_size is not None and made.size < made.database_size // 3
    assert (made.calls, made.notes) == (1, 200)
    add_notes(sqlite_url, clock, "Written after the backup")
    result = restore(sqlite_url, made.path)
    assert (result.calls, result.notes) == (1, 200)
    assert "Written after the backup" not in texts(sqlite_url, clock)
    assert len(texts(sqlite_url, clock)) == 200
    assert sqlite_files.quick_check(path) == []


def test_cancel_while_packing_leaves_no_file(sqlite_url: str, clock: FakeClock) -> None:
    add_notes(sqlite_url, clock, "Budget frozen")
    token = CancelToken()

    def progress(done: int, total: int) -> None:
        if done > total // 2:  # the copy is made: packing it
            token.cancel()

    path = db_path(sqlite_url)
    with pytest.raises(Cancelled):
        files.create_backup(path, progress=progress, cancel=token, now=clock())
    assert list(files.backups_dir(path).iterdir()) == []


def test_listing_and_the_recovery_offer_read_only_a_packed_backups_facts(
    sqlite_url: str, clock: FakeClock
) -> None:
    """Its pages are never read to list it: a backup whose pages are garbage still lists
    with its counts (it is refused when restored, below)."""
    add_notes(sqlite_url, clock, "Budget frozen", "Too expensive")
    path = db_path(sqlite_url)
    made = files.create_backup(path, now=clock())
    _, start = packed.read_facts(made.path)
    size = made.path.stat().st_size
    with made.path.open("r+b") as backup:
        backup.seek(start)
        backup.write(os.urandom(size - start))
    [listed] = files.list_backups(path)
    assert listed.good and (listed.calls, listed.notes) == (1, 2)
    # An open looks for no backup; a database that cannot be opened is offered this one.
    assert check_health(sqlite_url).newest_backup is None
    path.write_bytes(path.read_bytes()[:5000])
    offered = check_health(sqlite_url).newest_backup
    assert offered is not None and offered.path == made.path and offered.notes == 2


@pytest.mark.parametrize("damage", ["flipped", "cut short", "facts"])
def test_a_damaged_packed_backup_is_refused_and_nothing_changes(
    sqlite_url: str, clock: FakeClock, damage: str
) -> None:
    add_notes(sqlite_url, clock, *(f"note {i} " * 50 for i in range(100)))
    path = db_path(sqlite_url)
    made = files.create_backup(path, now=clock())
    data = bytearray(made.path.read_bytes())
    if damage == "flipped":
        middle = len(data) // 2
        data[middle : middle + 64] = bytes(b ^ 0xFF for b in data[middle : middle + 64])
    elif damage == "cut short":
        del data[len(data) * 2 // 3 :]
    else:
        data[12:20] = b"\x00" * 8
    made.path.write_bytes(bytes(data))
    before = texts(sqlite_url, clock)
    with pytest.raises(UserError, match="damaged"):
        restore(sqlite_url, made.path)
    assert texts(sqlite_url, clock) == before
    assert [p.name for p in path.parent.iterdir() if ".restoring" in p.name] == []


def test_plain_backups_from_before_packing_are_listed_and_restored(
    sqlite_url: str, clock: FakeClock
) -> None:
    """A user upgrading keeps the plain `.db` backups the app made before."""
    add_notes(sqlite_url, clock, "In the old backup")
    path = db_path(sqlite_url)
    folder = files.backups_dir(path)
    folder.mkdir()
    old = folder / f"{path.stem}-2020-01-02-030405.db"
    files.create_backup(path, old, now=clock())  # a plain copy under an old backup's name
    add_notes(sqlite_url, clock, "In the new backup")
    new = files.create_backup(path, now=clock.advance(timedelta(minutes=1)))
    listed = files.list_backups(path)
    assert [(b.path, b.compressed, b.notes) for b in listed] == [
        (new.path, True, 2),
        (old, False, 1),
    ]
    assert listed[1].database_size == listed[1].size == old.stat().st_size
    restore(sqlite_url, old)
    assert texts(sqlite_url, clock) == ["In the old backup"]


@pytest.mark.skipif(shutil.which("zstd") is None, reason="no zstd command here")
def test_the_zstd_command_unpacks_a_backup_to_the_plain_database(
    sqlite_url: str, clock: FakeClock, tmp_path: Path
) -> None:
    add_notes(sqlite_url, clock, "Budget frozen")
    made = files.create_backup(db_path(sqlite_url), now=clock())
    plain = tmp_path / "plain.db"
    subprocess.run(["zstd", "-q", "-d", str(made.path), "-o", str(plain)], check=True)
    assert sqlite_files.quick_check(plain) == []
    assert texts(f"sqlite:///{plain}", clock) == ["Budget frozen"]


def _sized(path: Path, size: int) -> Path:
    """A file of `size` bytes that takes no room on the disk (sparse)."""
    with path.open("wb") as file:
        file.truncate(size)
    return path


def test_rotation_keeps_all_backups_within_twice_the_database_size(
    tmp_path: Path, clock: FakeClock
) -> None:
    db = _sized(tmp_path / "ridealong.db", 200 * MB)  # a budget of 400 MB
    folder = tmp_path / "backups"
    folder.mkdir()
    now = clock()
    names = []
    for minutes in range(8, 0, -1):  # eight backups of 100 MB, one a minute, oldest first
        stamp = (now - timedelta(minutes=minutes)).strftime("%Y-%m-%d-%H%M%S")
        names.append(_sized(folder / f"ridealong-{stamp}.db.zst", 100 * MB))
    stamp = (now - timedelta(minutes=30)).strftime("%Y-%m-%d-%H%M%S")
    safety = _sized(folder / f"ridealong-{stamp}-before-restore.db", 150 * MB)
    removed = files.rotate(db, now, made=names[-1])
    kept = sorted(p for p in folder.iterdir())
    # The newest safety copy stays whatever its size; the newest backups fill the rest.
    assert kept == sorted([safety, names[-1], names[-2]])
    assert sum(p.stat().st_size for p in kept) <= files.budget(db)
    assert set(removed) == set(names[:-2])


def test_the_backup_just_made_stays_even_when_it_alone_is_over_the_budget(
    tmp_path: Path, clock: FakeClock
) -> None:
    db = _sized(tmp_path / "ridealong.db", 10 * MB)  # the floor: 256 MB
    folder = tmp_path / "backups"
    folder.mkdir()
    now = clock()
    older = _sized(folder / f"ridealong-{(now - timedelta(days=1)):%Y-%m-%d-%H%M%S}.db", 5 * MB)
    made = _sized(folder / f"ridealong-{now:%Y-%m-%d-%H%M%S}.db.zst", 300 * MB)
    assert files.budget(db) == files.BUDGET_FLOOR
    assert files.rotate(db, now, made=made) == [older]
    assert list(folder.iterdir()) == [made]
