"""Red-team run: `backup`, `restore` and creating a new database on a disk filled to
several levels (a 3 MB tmpfs). Each says "the disk is full" (exit 2, one line), leaves
no file cut short under a final name, never loses the original, and works once there is
space again."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.cli import main
from desktop.domain import NoteKind
from desktop.errors import StorageUnavailable
from desktop.services import Services
from desktop.storage import backup as files
from desktop.storage import sqlite_files
from tests.fakes import FakeClock
from tests.faults.disks import fill, small_disk

KB = 1024


@pytest.fixture
def disk(tmp_path: Path) -> Iterator[Path]:
    with small_disk(tmp_path / "disk") as mounted:
        yield mounted


def run(capsys: pytest.CaptureFixture[str], clock: FakeClock, *args: str) -> tuple[int, str]:
    code = main(list(args), clock=clock)
    captured = capsys.readouterr()
    return code, captured.err


def note_texts(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return sorted(row[0] for row in conn.execute("SELECT text FROM notes"))
    finally:
        conn.close()


def hidden(folder: Path) -> list[str]:
    """Work files (`.partial`, `.restoring`, `.upgrading`) anywhere under `folder`."""
    return [p.name for p in folder.rglob(".*") if not p.name.endswith(".checked")]


def make_database(data: Path, template: Path, clock: FakeClock, notes: int) -> str:
    data.mkdir()
    shutil.copy(template, data / "ridealong.db")
    url = f"sqlite:///{data / 'ridealong.db'}"
    services = Services.open(url, clock=clock)
    try:
        call = services.calls.start("Acme")
        for n in range(notes):
            services.notes.add(call.id, NoteKind.PAIN, f"note {n}")
    finally:
        services.close()
    return url


@pytest.mark.parametrize("free_kb", [0, 16, 100, 200])
def test_a_backup_on_a_full_disk_says_so_and_leaves_nothing_half_written(
    disk: Path,
    sqlite_template: Path,
    capsys: pytest.CaptureFixture[str],
    clock: FakeClock,
    free_kb: int,
) -> None:
    data = disk / "data"
    make_database(data, sqlite_template, clock, notes=5)
    before = note_texts(data / "ridealong.db")
    filler = fill(disk, free_kb * KB)
    code, err = run(capsys, clock, "--data-dir", str(data), "backup")
    assert code == 2 and err.count("\n") == 1, err
    assert err.startswith("ridealong: the disk is full; no backup was made"), err
    assert files.list_backups(data / "ridealong.db") == ()
    assert hidden(data / "backups") == []
    with pytest.raises(StorageUnavailable, match="disk is full") as failed:
        files.create_backup(data / "ridealong.db", now=clock())
    assert failed.value.transient
    filler.unlink()
    assert note_texts(data / "ridealong.db") == before
    code, err = run(capsys, clock, "--data-dir", str(data), "backup")
    assert code == 0, err
    [made] = files.list_backups(data / "ridealong.db")
    assert made.good and made.notes == 5


@pytest.mark.parametrize("free_kb", [0, 8, 64, 160])
def test_creating_a_database_on_a_full_disk_says_so_and_creates_nothing(
    disk: Path, capsys: pytest.CaptureFixture[str], clock: FakeClock, free_kb: int
) -> None:
    data = disk / "data"
    data.mkdir()
    filler = fill(disk, free_kb * KB)
    code, err = run(capsys, clock, "--data-dir", str(data), "call", "list")
    assert code == 2 and err.count("\n") == 1, err
    assert err.startswith("ridealong: the disk is full"), err
    assert not (data / "ridealong.db").exists()
    assert hidden(data) == []
    filler.unlink()
    code, err = run(capsys, clock, "--data-dir", str(data), "call", "list")
    assert code == 0, err
    assert sqlite_files.quick_check(data / "ridealong.db") == []


@pytest.mark.parametrize("free_kb", [0, 100, 300, 500, 700, 900, 1100])
def test_a_restore_on_a_full_disk_restores_whole_or_changes_nothing(
    disk: Path,
    tmp_path: Path,
    sqlite_template: Path,
    capsys: pytest.CaptureFixture[str],
    clock: FakeClock,
    free_kb: int,
) -> None:
    data = disk / "data"
    url = make_database(data, sqlite_template, clock, notes=3)
    backup = tmp_path / "backup.db"  # on another disk
    services = Services.open(url, clock=clock)
    try:
        services.backups.create(backup)
        call = services.calls.page()[0].id
        for n in range(20):
            services.notes.add(call, NoteKind.PAIN, f"after the backup {n}")
    finally:
        services.close()
    current = note_texts(data / "ridealong.db")
    filler = fill(disk, free_kb * KB)
    code, err = run(capsys, clock, "--data-dir", str(data), "restore", str(backup))
    assert hidden(data) == []
    # A copy kept before the disk ran out is whole: none is cut short under its name.
    kept = files.list_backups(data / "ridealong.db")
    assert all(b.good and b.kind is files.BackupKind.BEFORE_RESTORE for b in kept)
    filler.unlink()  # reading the database needs a little space too
    if code == 0:
        assert note_texts(data / "ridealong.db") == note_texts(backup)
        assert [note_texts(b.path) for b in kept] == [current]
    else:
        assert code == 2 and err.count("\n") == 1, err
        assert err.startswith("ridealong: the disk is full; nothing was restored"), err
        assert note_texts(data / "ridealong.db") == current
        assert all(note_texts(b.path) == current for b in kept)
    assert sqlite_files.quick_check(data / "ridealong.db") == []
    code, err = run(capsys, clock, "--data-dir", str(data), "restore", str(backup))
    assert code == 0, err
    assert note_texts(data / "ridealong.db") == note_texts(backup)
