"""`ridealong export csv`: the notes as a spreadsheet, read back with the csv module."""

from __future__ import annotations

import csv
import time
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from desktop.domain import NoteKind, Verdict
from desktop.errors import Cancelled
from desktop.progress import CancelToken
from desktop.reports.spreadsheet import COLUMNS, write_notes_csv
from desktop.services import Services
from desktop.services.periods import Period
from tests.cli.support import refuses
from tests.cli.test_cli import Cli, user_error
from tests.fakes import FakeClock
from tests.faults.disks import fill, small_disk

BOM = b"\xef\xbb\xbf"


def local(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment of March 2025 on this machine's clock (before the test clock's now)."""
    return datetime(2025, 3, day, hour, minute).astimezone()


def read(path: Path) -> list[dict[str, str]]:
    """The file as Excel reads it: a byte-order mark, then UTF-8 CSV with a header."""
    data = path.read_bytes()
    assert data.startswith(BOM) and not data[3:].startswith(BOM)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        assert tuple(reader.fieldnames or ()) == COLUMNS
        return list(reader)


def test_every_note_becomes_a_row_with_its_call_and_review(
    cli: Cli, services: Services, clock: FakeClock, tmp_path: Path
) -> None:
    call = services.calls.start(
        "Acme Corp", rep="Rita Rep", marketer="Mo Marketer",
        contacts=[("Dana Cho", "CFO")], started_at=local(3, 10),
    )  # fmt: skip
    pain = services.notes.add(
        call.id, NoteKind.PAIN, "Month end takes a week,\nsometimes two — “every” month ✨",
        intensity=4, tags=["close", "excel"], speaker="Dana Cho", offset_ms=1000,
    )  # fmt: skip
    objection = services.notes.add(
        call.id, NoteKind.OBJECTION, "Too expensive", response="ROI in 6 months", offset_ms=2000
    )
    services.notes.add(call.id, NoteKind.QUESTION, "Who signs?", answer="The CFO", offset_ms=3000)
    services.review.annotate(
        pain.id, Verdict.CORRECTED, "Rita Rep", correction="Month end takes two weeks",
        comment="Ask about Q4",
    )  # fmt: skip
    clock.advance(timedelta(minutes=1))
    services.review.annotate(objection.id, Verdict.DISPUTED, "Rita Rep", comment="Never said")
    out = tmp_path / "notes.csv"

    assert cli("export", "csv", "-o", str(out)).line == str(out)

    first, second, third = read(out)
    assert first == {
        "Call date": "2025-03-03",
        "Account": "Acme Corp",
        "Rep": "Rita Rep",
        "Marketer": "Mo Marketer",
        "Kind": "Pain",
        "Note": "Month end takes a week,\nsometimes two — “every” month ✨",
        "Themes": "close, excel",
        "Intensity": "4",
        "Speaker": "Dana Cho (CFO)",
        "Answer heard": "",
        "Rep's response": "",
        "Review status": "Corrected",
        "Reviewed by": "Rita Rep",
        "Correction": "Month end takes two weeks",
        "Comment": "Ask about Q4",
        "Call id": str(call.id),
        "Note id": str(pain.id),
    }
    assert (second["Kind"], second["Rep's response"]) == ("Objection", "ROI in 6 months")
    assert (second["Review status"], second["Correction"], second["Comment"]) == (
        "Disputed",
        "",
        "Never said",
    )
    assert (third["Answer heard"], third["Review status"], third["Intensity"]) == (
        "The CFO",
        "Unreviewed",
        "",
    )


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_cell_that_starts_like_a_formula_is_kept_as_text(
    cli: Cli, services: Services, tmp_path: Path, start: str
) -> None:
    formula = f'{start}HYPERLINK("http://evil.example","click")'
    call = services.calls.start(f"{start}Acme", rep=f"{start}Rita", started_at=local(3, 10))
    note = services.notes.add(
        call.id, NoteKind.OBJECTION, f"x{formula}", response=formula, tags=["price"]
    )
    services.review.annotate(note.id, Verdict.CORRECTED, "Sam", correction=formula, comment=formula)
    out = tmp_path / "notes.csv"
    assert cli("export", "csv", "-o", str(out)).code == 0

    (row,) = read(out)
    columns = ["Rep's response", "Correction", "Comment"]
    if start.strip():  # names are stored without leading spaces, tabs or line ends
        columns += ["Account", "Rep"]
    for column in columns:
        assert not row[column].startswith(("=", "+", "-", "@", "\t", "\r")), column
        assert row[column].startswith("'") and row[column][1:2] == start, column
    assert row["Rep's response"] == f"'{formula}"
    # Only a cell's start matters: the note itself starts with a letter and is as typed.
    assert row["Note"] == f"x{formula}"


def test_since_and_until_are_local_days_both_included(
    cli: Cli, services: Services, tmp_path: Path
) -> None:
    moments = {
        "before": local(1, 0, 5) - timedelta(minutes=10),
        "first day": local(1, 0, 5),
        "last day": local(5, 23, 55),
        "after": local(6, 0, 5),
    }
    for text, moment in moments.items():
        call = services.calls.start("Acme", started_at=moment)
        services.notes.add(call.id, NoteKind.GENERAL, text)
    out = tmp_path / "week.csv"

    assert cli(
        "export", "csv", "--since", "2025-03-01", "--until", "2025-03-05", "-o", str(out)
    ).line
    rows = read(out)
    assert [(r["Note"], r["Call date"]) for r in rows] == [
        ("first day", "2025-03-01"),
        ("last day", "2025-03-05"),
    ]
    assert cli("export", "csv", "--since", "2025-03-06", "-o", str(out)).code == 0
    assert [r["Note"] for r in read(out)] == ["after"]
    assert cli("export", "csv", "--until", "2025-02-28", "-o", str(out)).code == 0
    assert [r["Note"] for r in read(out)] == ["before"]
    assert cli("export", "csv", "--since", "2026-01-01", "-o", str(out)).code == 0
    assert read(out) == []


@pytest.fixture
def new_york(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The machine's local time zone is New York's (UTC-5 until 9 March 2025)."""
    if not hasattr(time, "tzset"):
        pytest.skip("time zones cannot be switched on this platform")
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_a_day_is_the_users_day_not_utcs(
    new_york: None, cli: Cli, services: Services, tmp_path: Path
) -> None:
    # 22:30 in New York on 1 March is 03:30 UTC on 2 March.
    call = services.calls.start("Acme", started_at=local(1, 22, 30))
    services.notes.add(call.id, NoteKind.GENERAL, "late call")
    out = tmp_path / "day.csv"
    assert cli(
        "export", "csv", "--since", "2025-03-01", "--until", "2025-03-01", "-o", str(out)
    ).line
    assert [(r["Note"], r["Call date"]) for r in read(out)] == [("late call", "2025-03-01")]
    assert cli("export", "csv", "--since", "2025-03-02", "-o", str(out)).code == 0
    assert read(out) == []


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--since", "2025-02-30"], "not a date"),
        (["--until", "March"], "not a date"),
        (["--since", "2025-03-20", "--until", "2025-03-01"], "before it starts"),
        (["-o", "{out}/missing/notes.csv"], "does not exist"),
        (["-o", "{out}"], "is a folder"),
        (["-o", "{out}/" + "n" * 300 + ".csv"], "cannot write"),
        (["-o", "{out}/a-file/notes.csv"], "is not a folder"),
    ],
)
def test_a_mistake_is_one_line_and_leaves_no_file(
    cli: Cli, services: Services, tmp_path: Path, args: list[str], said: str
) -> None:
    call = services.calls.start("Acme", started_at=local(3, 10))
    services.notes.add(call.id, NoteKind.PAIN, "Budget frozen")
    out = tmp_path / "out"
    out.mkdir()
    (out / "a-file").write_text("")
    if "-o" not in args:
        args = [*args, "-o", "{out}/notes.csv"]
    message = refuses(cli, services, "export", "csv", *(a.format(out=out) for a in args))
    assert said in message
    assert [p.name for p in out.iterdir()] == ["a-file"]


def test_a_cancelled_export_leaves_the_older_file_whole(services: Services, tmp_path: Path) -> None:
    call = services.calls.start("Acme", started_at=local(3, 10))
    services.notes.add(call.id, NoteKind.PAIN, "Budget frozen")
    (tmp_path / "out").mkdir()
    target = tmp_path / "out" / "notes.csv"
    target.write_text("the export of last week\n")
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        write_notes_csv(services, Period(date.min, date.max), target, cancel=token)
    assert target.read_text() == "the export of last week\n"
    assert [p.name for p in target.parent.iterdir()] == ["notes.csv"]


def test_a_full_disk_is_said_and_leaves_no_partial_file(
    cli: Cli, services: Services, tmp_path: Path
) -> None:
    call = services.calls.start("Acme", started_at=local(3, 10))
    for i in range(10):
        services.notes.add(call.id, NoteKind.GENERAL, f"{i} " + "budget " * 2000)
    with small_disk(tmp_path / "disk") as disk:
        fill(disk, leave=20_000)
        result = cli("export", "csv", "-o", str(disk / "notes.csv"))
        assert user_error(result) is None, result
        assert "No space left on device" in result.err
        assert [p.name for p in disk.iterdir()] == ["filler"]
