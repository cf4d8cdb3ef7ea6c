"""A disk filled at several levels under a database in use, as `note add` after `note
add` meets it: every note whose command returned is kept, the file is never called
damaged, and once there is room again it opens and takes notes.

A full disk stops a checkpoint half-way: the file's first page already says it holds
more pages than it has, and the rest are still in the `-wal`. An open that judged the
file by its size called it "damaged: cut short" from then on, even with room again.

Two ways to fill the disk: a real one (`tests/faults/disks.py`) and a file-size limit
(`RLIMIT_FSIZE`, any POSIX system), which fails writes past a size the same way at the
level of each file.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

from desktop.cli import main
from tests.fakes import FakeClock
from tests.faults.disks import fill, small_disk
from tests.faults.processes import Helper, notes_shown

NOTES = 8
PAGE = 4096
#: KiB left free on the disk; "drawn" is a level taken by the seeded `rng`.
FREE_KIB = ["0", "16", "100", "160", "drawn"]
#: Pages the file may still grow by; "drawn" as above.
ROOM_PAGES = ["0", "1", "4", "drawn"]


def start_call(data: Path, capsys: pytest.CaptureFixture[str], clock: FakeClock) -> str:
    assert main(["--data-dir", str(data), "call", "start", "--account", "Acme"], clock=clock) == 0
    return capsys.readouterr().out.strip()


#: How a refusal for want of room starts, at open or when the note is written.
FULL = "ridealong: the disk holding DB is full; "


def said(stderr: str, data: Path) -> list[str]:
    """The lines of `stderr`, the database's path in them written as DB (a test's
    folder may be named after it, words and all)."""
    return [line.replace(str(data / "ridealong.db"), "DB") for line in stderr.splitlines()]


def level(param: str, rng: random.Random, top: int) -> int:
    return rng.randrange(top) if param == "drawn" else int(param)


def assert_all_there_once_there_is_room(
    data: Path,
    call_id: str,
    acknowledged: list[str],
    capsys: pytest.CaptureFixture[str],
    clock: FakeClock,
) -> None:
    missing = set(acknowledged) - notes_shown(data, call_id, capsys)
    assert not missing, f"{len(missing)} acknowledged notes lost"
    checked = main(["--data-dir", str(data), "db", "check"], clock=clock)
    assert checked == 0, capsys.readouterr().err
    added = main(
        ["--data-dir", str(data), "note", "add", call_id, "--kind", "pain", "Room"], clock=clock
    )
    assert added == 0, capsys.readouterr().err


@pytest.mark.parametrize("free", FREE_KIB)
def test_a_full_disk_keeps_every_acknowledged_note_and_is_never_called_damaged(
    tmp_path: Path,
    free: str,
    rng: random.Random,
    capsys: pytest.CaptureFixture[str],
    clock: FakeClock,
) -> None:
    with small_disk(tmp_path / "disk") as disk:
        data = disk / "data"
        call_id = start_call(data, capsys, clock)
        filler = fill(disk, level(free, rng, 256) * 1024)
        adder = Helper.start("note_adder", str(data), call_id, str(NOTES), ready=False)
        refusals = said(adder.finish(), data)
        assert all(line.startswith(FULL) for line in refusals), refusals
        # Still full: the notes are read, or the disk is said to be full.
        code = main(["--data-dir", str(data), "call", "list"], clock=clock)
        refused = said(capsys.readouterr().err, data)
        assert code == 0 or refused[0].startswith(FULL), refused
        filler.unlink()
        assert_all_there_once_there_is_room(data, call_id, adder.lines, capsys, clock)


@pytest.mark.skipif(sys.platform == "win32", reason="RLIMIT_FSIZE is POSIX")
@pytest.mark.parametrize("room", ROOM_PAGES)
def test_a_file_that_cannot_grow_keeps_every_acknowledged_note_and_opens_again(
    tmp_path: Path,
    room: str,
    rng: random.Random,
    capsys: pytest.CaptureFixture[str],
    clock: FakeClock,
) -> None:
    data = tmp_path / "data"
    call_id = start_call(data, capsys, clock)
    limit = (data / "ridealong.db").stat().st_size + level(room, rng, 12) * PAGE
    adder = Helper.start("note_adder", str(data), call_id, str(NOTES), str(limit), ready=False)
    refusals = said(adder.finish(), data)
    assert not [line for line in refusals if "damaged" in line], refusals
    assert_all_there_once_there_is_room(data, call_id, adder.lines, capsys, clock)
