"""Backup names: every backup gets its own, rotation never deletes the one just made,
and `backup -o` never writes over a file SQLite keeps beside the database."""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path

import pytest

from desktop.cli import main
from desktop.domain import NoteKind
from desktop.services import Services
from desktop.storage import backup as files
from desktop.storage import sqlite_files
from tests.fakes import FakeClock
from tests.faults import db_path


def add_note(url: str, clock: FakeClock, text: str) -> None:
    services = Services.open(url, clock=clock)
    try:
        services.notes.add(services.calls.start("Acme").id, NoteKind.PAIN, text)
    finally:
        services.close()


def test_more_than_ten_backups_in_one_second_are_each_kept_until_newer_ones_push_them_out(
    sqlite_url: str, clock: FakeClock
) -> None:
    add_note(sqlite_url, clock, "Budget frozen")
    path = db_path(sqlite_url)
    made = []
    for _ in range(13):  # the clock does not move: all in one second
        info = files.create_backup(path, now=clock())
        assert info.path.exists() and info.good
        made.append(info.path)
    assert len(set(made)) == 13
    assert [b.path for b in files.list_backups(path)] == made[::-1][: files.KEEP_NEWEST]
    clock.advance(timedelta(seconds=1))
    newest = files.create_backup(path, now=clock()).path
    assert [b.path for b in files.list_backups(path)][:2] == [newest, made[-1]]


def test_backups_made_at_once_get_distinct_names(sqlite_url: str, clock: FakeClock) -> None:
    add_note(sqlite_url, clock, "Budget frozen")
    path = db_path(sqlite_url)
    start = threading.Barrier(8)
    made: list[Path] = []

    def back_up() -> None:
        start.wait()
        made.append(files.create_backup(path, now=clock()).path)

    threads = [threading.Thread(target=back_up) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(made) == 8 and len(set(made)) == 8
    assert sorted(b.path for b in files.list_backups(path)) == sorted(made)


@pytest.mark.parametrize(
    "name", ["ridealong.db", "ridealong.db-wal", "ridealong.db-shm", "ridealong.db-journal"]
)
def test_backup_to_the_database_or_a_file_sqlite_keeps_beside_it_is_refused(
    tmp_path: Path,
    sqlite_template: Path,
    capsys: pytest.CaptureFixture[str],
    clock: FakeClock,
    name: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    url = f"sqlite:///{data / 'ridealong.db'}"
    (data / "ridealong.db").write_bytes(sqlite_template.read_bytes())
    add_note(url, clock, "Budget frozen")
    monkeypatch.chdir(data)
    for target in (str(data / name), name, f"../data/{name}"):
        assert main(["--data-dir", str(data), "backup", "-o", target], clock=clock) == 2
        captured = capsys.readouterr()
        assert captured.out == "" and captured.err.count("\n") == 1, captured.err
        assert captured.err.startswith("ridealong: ") and "choose another file" in captured.err
    # Nothing written: at most the log SQLite itself keeps while the file is read.
    assert {p.name for p in data.iterdir()} <= {
        ".ridealong.db.checked",
        "ridealong.db",
        "ridealong.db-wal",
        "ridealong.db-shm",
    }
    assert main(["--data-dir", str(data), "call", "list"], clock=clock) == 0
    assert sqlite_files.quick_check(data / "ridealong.db") == []
