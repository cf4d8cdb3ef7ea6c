"""`ridealong export bundle` and `ridealong import`: a call to another laptop and back."""

from __future__ import annotations

import shutil
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest

from desktop.services import Services
from tests.cli.support import refuses
from tests.cli.test_cli import Cli, Result, run_main, user_error
from tests.fakes import FakeClock


@pytest.fixture
def other(
    tmp_path: Path, sqlite_template: Path, capsys: pytest.CaptureFixture[str], clock: FakeClock
) -> Cli:
    """The teammate's laptop: `ridealong` on a database of its own."""
    path = tmp_path / "teammate.db"
    shutil.copy(sqlite_template, path)

    def run(*args: str) -> Result:
        return run_main(capsys, ["--database-url", f"sqlite:///{path}", *args], clock)

    return run


def a_call(cli: Cli) -> str:
    call_id = cli("call", "start", "--account", "Acme", "--rep", "Rita", "--marketer", "Mo").line
    assert cli("note", "add", call_id, "--kind", "pain", "Budget frozen until Q3").code == 0
    return call_id


def test_a_call_there_and_back(cli: Cli, other: Cli, clock: FakeClock, tmp_path: Path) -> None:
    call_id = a_call(cli)
    out = tmp_path / "acme.ridealong"
    exported = cli("export", "bundle", "--call", call_id[:8], "-o", str(out))
    assert (exported.code, exported.out) == (0, f"{out}\n")
    got = other("import", str(out))
    assert got.code == 0, got.err
    assert "calls: 1 added, 0 updated, 0 skipped, 0 conflicts" in got.out.splitlines()
    assert "notes: 1 added, 0 updated, 0 skipped, 0 conflicts" in got.out.splitlines()
    again = other("import", str(out), "--json")
    rows = {c["kind"]: c for c in again.json["counts"]}  # type: ignore[index]
    assert rows["notes"] == {
        "kind": "notes",
        "added": 0,
        "updated": 0,
        "skipped": 1,
        "conflicts": 0,
    }
    assert again.json["conflicts"] == []  # type: ignore[index]

    clock.advance(timedelta(minutes=5))
    assert other("grade", call_id, "--grade", "sql", "--by", "Rita").code == 0
    back = tmp_path / "back.ridealong"
    assert other("export", "bundle", "--call", call_id, "-o", str(back)).code == 0
    merged = cli("import", str(back))
    assert "calls: 0 updated" not in merged.out
    assert "calls: 0 added, 1 updated, 0 skipped, 0 conflicts" in merged.out.splitlines()
    assert cli("call", "show", call_id, "--json").json["grade"] == "sql"  # type: ignore[index]


def test_conflicts_are_listed(cli: Cli, other: Cli, clock: FakeClock, tmp_path: Path) -> None:
    call_id = a_call(cli)
    note_id = cli("call", "show", call_id, "--json").json["notes"][0]["id"]  # type: ignore[index]
    out = tmp_path / "a.ridealong"
    cli("export", "bundle", "--call", call_id, "-o", str(out))
    other("import", str(out))
    clock.advance(timedelta(minutes=5))
    cli("note", "edit", note_id, "--text", "Budget frozen until Q4")
    other("note", "edit", note_id, "--text", "Budget frozen until Q2")
    other("export", "bundle", "--call", call_id, "-o", str(out))
    merged = cli("import", str(out))
    assert merged.code == 0
    conflict = [line for line in merged.out.splitlines() if line.startswith("conflict:")]
    assert len(conflict) == 1 and note_id in conflict[0] and "kept yours (version 2" in conflict[0]
    assert "Q4" in cli("call", "show", call_id).out


def test_the_competitor_list_rides_along(cli: Cli, other: Cli, tmp_path: Path) -> None:
    assert cli("competitors", "add", "Clarivo").code == 0
    assert other("competitors", "add", "clarivo").code == 0
    assert cli("competitors", "add", "eGain").code == 0
    out = tmp_path / "acme.ridealong"
    cli("export", "bundle", "--call", a_call(cli), "-o", str(out))
    got = other("import", str(out))
    assert "competitors: 1 added, 0 updated, 1 skipped, 0 conflicts" in got.out.splitlines()
    listing = other("competitors", "list", "--json").json
    assert [c["name"] for c in listing] == ["clarivo", "eGain"]  # type: ignore[attr-defined]


def test_a_month(cli: Cli, other: Cli, clock: FakeClock, tmp_path: Path) -> None:
    a_call(cli)
    month = f"{clock.now.astimezone():%Y-%m}"
    out = tmp_path / "month.ridealong"
    assert cli("export", "bundle", "--month", month, "-o", str(out)).line == str(out)
    assert "calls: 1 added" in other("import", str(out)).out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["export", "bundle", "-o", "x.ridealong"], "one of the arguments --call --month"),
        (["export", "bundle", "--month", "2001-01", "-o", "{tmp}/x"], "no calls in January 2001"),
        (["export", "bundle", "--month", "2001-13", "-o", "{tmp}/x"], "no month 13"),
        (["export", "bundle", "--call", "nope", "-o", "{tmp}/x"], "'nope' is not a valid call id"),
        (["export", "bundle", "--call", "{call}", "-o", "{tmp}/no/x"], "does not exist"),
        (["import", "{tmp}/missing.ridealong"], "no such file"),
        (["import", "{tmp}/hostile.ridealong"], "it holds a file with an unsafe name"),
        (["import", "{tmp}"], "is a folder"),
    ],
)
def test_mistakes_exit_2_and_change_nothing(
    cli: Cli, services: Services, tmp_path: Path, args: list[str], message: str
) -> None:
    call_id = a_call(cli)
    with zipfile.ZipFile(tmp_path / "hostile.ridealong", "w") as z:
        z.writestr("../../.bashrc", "echo owned")
    typed = [a.format(tmp=tmp_path, call=call_id) for a in args]
    said = refuses(cli, services, *typed)
    assert message in said


def test_random_bytes(cli: Cli, services: Services, tmp_path: Path) -> None:
    junk = tmp_path / "junk.ridealong"
    junk.write_bytes(bytes(range(256)) * 64)
    said = refuses(cli, services, "import", str(junk))
    assert said == (
        f"ridealong: {junk} is not a bundle this app can import: it is not a zip file, "
        "or it is damaged; nothing was changed"
    )
    assert user_error(cli("import", str(junk))) is None
