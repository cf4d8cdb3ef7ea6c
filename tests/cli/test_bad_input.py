"""Arguments that used to end in a traceback (exit 1) now work or are a user's mistake:
exit 2 with one line on stderr, and nothing created on the way.

Each case is one the red-team fuzzing found (issue 12, item 7): numbers past 64 bits,
the calendar's first and last days, 100,000 characters, lone surrogates, names past
the 255 bytes a file name can have, SQLite URL options, and no display for the window.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

from desktop.config import ENV_CONFIG_DIR, ENV_DATABASE_URL
from desktop.domain import NoteKind
from desktop.services import Services
from tests.cli.test_cli import ROOT, Cli, Result, run_main, user_error
from tests.fakes import FakeClock


@pytest.fixture
def data(
    tmp_path: Path, sqlite_template: Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """A data directory with one call in March 2025 and one note on it."""
    monkeypatch.delenv(ENV_DATABASE_URL, raising=False)
    monkeypatch.setenv(ENV_CONFIG_DIR, str(tmp_path / "config"))
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "ridealong.db").write_bytes(sqlite_template.read_bytes())
    with Services.open(f"sqlite:///{folder / 'ridealong.db'}", clock=clock) as services:
        call = services.calls.start("Acme", started_at=datetime(2025, 3, 3, 10, tzinfo=UTC))
        services.notes.add(call.id, NoteKind.PAIN, "Budget frozen until Q3")
    return folder


@pytest.fixture
def cli(data: Path, capsys: pytest.CaptureFixture[str], clock: FakeClock) -> Cli:
    def run(*args: str) -> Result:
        return run_main(capsys, ["--data-dir", str(data), *args], clock)

    return run


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def test_a_revision_past_every_one_there_is_lists_the_newest(cli: Cli) -> None:
    newest = cli("definitions", "list")
    for revision in ("9223372036854775807", "9223372036854775808", "9" * 40):
        result = cli("definitions", "list", "--revision", revision)
        assert (result.code, result.out) == (0, newest.out), revision


def test_the_first_and_last_days_of_the_calendar_bound_a_search(cli: Cli) -> None:
    for bounds in (
        ["--since", "0001-01-01"],
        ["--until", "9999-12-31"],
        ["--since", "0001-01-01", "--until", "9999-12-31"],
    ):
        result = cli("search", "budget", *bounds, "--json")
        assert result.code == 0, result.err
        assert [h["text"] for h in json.loads(result.out)] == ["Budget frozen until Q3"]


@pytest.mark.parametrize(
    "args",
    [
        ["trash", "empty", "--older-than", "9223372036854775807"],
        ["trash", "empty", "--older-than", "36501"],
        ["export", "month", "0001-01", "-o", "{out}/x.pdf"],
        ["export", "month", "2025-03", "--until", "9999-12-30", "-o", "{out}/x.pdf"],
        ["export", "month", "2025-03", "--since", "0001-01-01", "-o", "{out}/x.pdf"],
        ["export", "month", "2025-03", "--segment", "\udcff", "-o", "{out}/x.pdf"],
        ["export", "month", "2025-03", "--account", "Acme \ud800", "-o", "{out}/x.pdf"],
        ["export", "month", "2025-03", "--by", "\udcff", "-o", "{out}/x.pdf"],
        ["export", "month", "2025-03", "-o", "{out}/" + "r" * 300 + ".pdf"],
    ],
)
def test_out_of_range_or_unusable_arguments_exit_2_and_write_nothing(
    cli: Cli, tmp_path: Path, args: list[str]
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    result = cli(*(a.format(out=out) for a in args))
    assert user_error(result) is None
    assert list(out.iterdir()) == []


def test_a_trash_emptied_of_what_is_older_than_a_century_keeps_the_rest(cli: Cli) -> None:
    result = cli("trash", "empty", "--older-than", "36500")
    assert result.line == "deleted for good: 0 calls, 0 notes, 0 annotations"


@pytest.mark.parametrize("option", ["--account", "--segment", "--industry", "--rep", "--by"])
def test_a_hundred_thousand_characters_of_a_filter_are_trimmed_on_the_cover(
    cli: Cli, tmp_path: Path, option: str
) -> None:
    target = tmp_path / "month.pdf"
    words = "Northwind " * 10_000
    result = cli("export", "month", "2025-03", option, words, "-o", str(target))
    assert result.line == str(target)
    text = pdf_text(target)
    assert "Northwind Northwind" in text and "trimmed" in text


def test_a_pdf_named_with_250_characters_is_written_and_leaves_no_temporary_file(
    cli: Cli, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    name = "March insights " + "é" * 4 + "x" * 228 + ".pdf"  # 251 characters, 255 bytes
    assert len(name) >= 250 and len(os.fsencode(name)) == 255
    assert cli("export", "month", "2025-03", "-o", str(out / name)).line == str(out / name)
    assert [p.name for p in out.iterdir()] == [name]
    call_pdf = out / ("c" * 251 + ".pdf")
    call_id = json.loads(cli("call", "list", "--json").out)[0]["id"]
    assert cli("export", "call", call_id, "-o", str(call_pdf)).line == str(call_pdf)
    assert sorted(p.name for p in out.iterdir()) == sorted([name, call_pdf.name])


@pytest.mark.parametrize(
    "where",
    [
        ["--data-dir", "{tmp}/" + "d" * 300],
        ["--data-dir", "{tmp}/" + "d" * 200 + "/" + "é" * 150],
        ["--data-dir", "{tmp}/not \udcff utf-8"],
        ["--database-url", "sqlite:///{tmp}/r.db?timeout=abc"],
        ["--database-url", "sqlite:///{tmp}/r.db?cached_statements=many"],
        ["--database-url", "sqlite:///{tmp}/r.db?uri=maybe"],
        ["--database-url", "sqlite:///file:x?mode=memory&uri=true"],
        ["--database-url", "sqlite:///{tmp}/r.db?mode=memory"],
        ["--database-url", "sqlite:///{tmp}/r.db?uri=true&mode=ro"],
        ["--database-url", "sqlite:///{tmp}/r.db?uri=true&vfs=memdb"],
    ],
)
def test_a_place_no_database_can_be_exits_2_before_anything_is_created(
    capsys: pytest.CaptureFixture[str],
    clock: FakeClock,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    where: list[str],
) -> None:
    monkeypatch.delenv(ENV_DATABASE_URL, raising=False)
    monkeypatch.chdir(tmp_path)  # a relative `file:x` would land here
    args = [where[0], where[1].format(tmp=tmp_path)]
    for command in (["call", "start", "--account", "Acme"], ["call", "list"], ["db", "check"]):
        assert user_error(run_main(capsys, [*args, *command], clock)) is None, command
    assert list(tmp_path.iterdir()) == []


def test_without_a_display_the_window_says_so_and_how_to_use_the_commands(tmp_path: Path) -> None:
    """Qt would abort the whole program (exit 134) without a word a user understands."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM", ENV_DATABASE_URL)
    }
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    for args in ([], ["gui"]):
        done = subprocess.run(
            [sys.executable, "-m", "desktop", "--data-dir", str(tmp_path / "data"), *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
        result = Result(done.returncode, done.stdout, done.stderr)
        assert user_error(result) is None, args
        assert "no display" in result.err and "ridealong call list" in result.err
    assert not (tmp_path / "data").exists()
