"""What killed backups and restores leave behind goes the next time the backups are
made, listed or restored from, once it is old and nobody has it open."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from desktop.cli import main
from desktop.domain import NoteKind
from desktop.services import Services
from tests.fakes import FakeClock

ROOT = Path(__file__).resolve().parents[2]

#: Starts a backup or a restore and is killed (-9) as soon as it reports progress.
KILLED = """
import os, signal, sys
from datetime import UTC, datetime
from pathlib import Path
from desktop.storage import backup

def die(done, total):
    os.kill(os.getpid(), signal.SIGKILL)

now = datetime(2025, 3, 12, 14, tzinfo=UTC)
database = Path(sys.argv[2])
if sys.argv[1] == "backup":
    backup.create_backup(database, progress=die, now=now)
else:
    backup.restore_file(database, Path(sys.argv[3]), progress=die, now=now)
"""


def killed(*args: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", KILLED, *args],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
    )
    assert done.returncode == -9, done.stderr


def leftovers(data: Path) -> set[str]:
    hidden = [*data.glob(".*.restoring*"), *data.glob("backups/.*.partial*")]
    return {str(p.relative_to(data)) for p in hidden}


def age(paths: set[str], data: Path, hours: float) -> None:
    then = time.time() - hours * 3600
    for name in paths:
        os.utime(data / name, (then, then))


@pytest.mark.parametrize("command", ["backup", "backup --list", "restore"])
def test_leftovers_of_killed_runs_go_once_old_and_unused(
    tmp_path: Path,
    sqlite_template: Path,
    capsys: pytest.CaptureFixture[str],
    clock: FakeClock,
    command: str,
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    database = data / "ridealong.db"
    shutil.copy(sqlite_template, database)
    services = Services.open(f"sqlite:///{database}", clock=clock)
    try:
        call = services.calls.start("Acme")
        for n in range(200):
            services.notes.add(call.id, NoteKind.PAIN, f"note {n} " * 100)
        good = services.backups.create(tmp_path / "good.db").path
    finally:
        services.close()
    killed("backup", str(database))
    killed("restore", str(database), str(good))
    old = leftovers(data)
    assert any(".partial" in name for name in old) and any(".restoring" in name for name in old)
    age(old, data, hours=2)
    killed("backup", str(database))  # just now: may be a run still going
    fresh = leftovers(data) - old
    assert fresh
    held = data / "backups" / ".ridealong-held.partial"
    shutil.copy(good, held)
    age({str(held.relative_to(data))}, data, hours=2)
    holder = sqlite3.connect(held, isolation_level=None)  # a run still writing it
    holder.execute("BEGIN EXCLUSIVE")
    try:
        args = {"backup": ["backup"], "backup --list": ["backup", "--list"]}
        code = main(
            ["--data-dir", str(data), *args.get(command, ["restore", str(good)])], clock=clock
        )
        assert code == 0, capsys.readouterr().err
        assert leftovers(data) == fresh | {str(held.relative_to(data))}
    finally:
        holder.close()
