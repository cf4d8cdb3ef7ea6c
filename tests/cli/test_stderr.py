"""What the CLI writes on stderr besides a mistake: progress (a percentage rewritten in
place on a terminal, wiped when done; nothing with `--quiet` or off a terminal) and the
warning about a database in a risky place (once per command that opens the database)."""

from __future__ import annotations

import io
import re
from datetime import datetime
from pathlib import Path

import pytest

from desktop.cli import main
from desktop.config import ENV_DATABASE_URL
from desktop.domain import NoteKind
from desktop.services import Services
from tests.fakes import FakeClock

WIPE = "\r\033[K"


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture(autouse=True)
def _no_database_from_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(ENV_DATABASE_URL, raising=False)
    monkeypatch.setenv("RIDEALONG_CONFIG_DIR", str(tmp_path / "config"))


@pytest.fixture
def data_dir(tmp_path: Path, sqlite_template: Path, clock: FakeClock) -> Path:
    """A data directory whose database has one call with one note, in March 2024."""
    data = tmp_path / "data"
    data.mkdir()
    (data / "ridealong.db").write_bytes(sqlite_template.read_bytes())
    with Services.open(f"sqlite:///{data / 'ridealong.db'}", clock=clock) as services:
        call = services.calls.start("Acme", started_at=datetime(2024, 3, 5, 10).astimezone())
        services.notes.add(call.id, NoteKind.PAIN, "Budget frozen")
    return data


def run_on_a_terminal(
    monkeypatch: pytest.MonkeyPatch, clock: FakeClock, *args: str
) -> tuple[int, str]:
    terminal = Terminal()
    with monkeypatch.context() as patch:
        patch.setattr("sys.stderr", terminal)
        code = main(list(args), clock=clock)
    return code, terminal.getvalue()


def assert_percentages(err: str, verb: str) -> None:
    assert err.endswith(WIPE), repr(err)
    steps = err.removesuffix(WIPE).split("\r")[1:]
    assert steps and all(re.fullmatch(rf"{verb}… \d{{1,3}}%", s) for s in steps), repr(err)
    assert steps[-1] == f"{verb}… 100%"
    numbers = [int(s.rsplit(" ", 1)[1][:-1]) for s in steps]
    assert numbers == sorted(numbers)


@pytest.mark.parametrize(
    ("verb", "args"),
    [
        ("exporting", ["export", "month", "2024-03", "-o", "{tmp}/march.pdf", "--by", "Pat"]),
        ("exporting", ["export", "call", "{call}", "-o", "{tmp}/call.pdf"]),
        ("exporting", ["export", "csv", "-o", "{tmp}/notes.csv"]),
        ("backing up", ["backup", "-o", "{tmp}/copy.db"]),
        ("restoring", ["restore", "{tmp}/copy.db"]),
    ],
)
def test_a_terminal_sees_a_percentage_wiped_at_the_end(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    clock: FakeClock,
    data_dir: Path,
    tmp_path: Path,
    verb: str,
    args: list[str],
) -> None:
    base = ["--data-dir", str(data_dir)]
    if verb == "restoring":
        assert main([*base, "backup", "-o", str(tmp_path / "copy.db")], clock=clock) == 0
    assert main([*base, "call", "list", "--json"], clock=clock) == 0
    call_id = re.findall(r'"id": "([^"]+)"', capsys.readouterr().out)[0]
    filled = [a.format(tmp=tmp_path, call=call_id) for a in args]

    code, err = run_on_a_terminal(monkeypatch, clock, *base, *filled)
    assert code == 0
    assert_percentages(err, verb)
    assert capsys.readouterr().out.count("\n") >= 1

    code, err = run_on_a_terminal(monkeypatch, clock, *base, *filled, "--quiet")
    assert (code, err) == (0, "")


def test_no_progress_when_stderr_is_not_a_terminal(
    capsys: pytest.CaptureFixture[str], clock: FakeClock, data_dir: Path, tmp_path: Path
) -> None:
    base = ["--data-dir", str(data_dir)]
    for args in (
        ["export", "month", "2024-03", "-o", str(tmp_path / "march.pdf"), "--by", "Pat"],
        ["backup", "-o", str(tmp_path / "copy.db")],
        ["restore", str(tmp_path / "copy.db")],
    ):
        assert main([*base, *args], clock=clock) == 0
        assert capsys.readouterr().err == "", args


@pytest.mark.parametrize(
    "args",
    [
        ["call", "list"],
        ["search", "budget"],
        ["frameworks"],
        ["definitions", "list"],
        ["demo", "--calls", "1", "--months", "1"],
        ["db", "check"],
        ["db", "path"],
        ["db", "upgrade"],
        ["backup", "-o", "{tmp}/copy.db"],
        ["backup", "--list"],
        ["trash", "list"],
        ["export", "month", "2024-03", "-o", "{tmp}/march.pdf", "--by", "Pat"],
    ],
)
def test_a_database_in_a_synced_folder_is_warned_about_once(
    capsys: pytest.CaptureFixture[str],
    clock: FakeClock,
    data_dir: Path,
    tmp_path: Path,
    args: list[str],
) -> None:
    synced = tmp_path / "Dropbox" / "Ridealong"
    synced.parent.mkdir()
    data_dir.rename(synced)
    code = main(["--data-dir", str(synced), *(a.format(tmp=tmp_path) for a in args)], clock=clock)
    err = capsys.readouterr().err
    assert code == 0
    assert err.startswith("ridealong: warning:") and "Dropbox" in err
    assert err.count("ridealong: warning:") == 1
