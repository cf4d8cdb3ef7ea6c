"""A password in a database URL is never printed: not in an error, not by `db path`,
not by any command, whatever is wrong with the URL (issue 12, item 6).

A battery of bad URLs (schemes a host hands out, another database, a malformed port,
an `@` inside the password, `?password=` and its cousins, an unknown driver, a bad
option) goes through every command; every line either prints is searched for the
secret. The server behind them refuses at once (port 1), so no test waits.
"""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest

from desktop.config import ENV_CONFIG_DIR, ENV_DATABASE_URL, masked
from desktop.storage.database import describe
from tests.cli.test_cli import ROOT, run_main, user_error
from tests.fakes import FakeClock

#: What must never be printed; the second is the tail of a password holding an `@`.
SECRETS = ("S3cretPW", "Hunter2")

URLS = [
    "postgres://alice:S3cretPW@127.0.0.1:1/ridealong",
    "postgresql://alice:S3cretPW@127.0.0.1:1/ridealong",
    "postgresql+psycopg://alice:S3cretPW@127.0.0.1:1/ridealong",
    "mysql://alice:S3cretPW@db.example.com/ridealong",
    "postgresql+psycopg://alice:S3cretPW@db.example.com:abc/ridealong",
    "postgres://alice:Hunter2@S3cretPW@127.0.0.1:1/ridealong",
    "postgres://alice:Hunter2@S3cretPW:x@db.example.com:5432x/ridealong",
    "postgresql+psycopg://alice@127.0.0.1:1/ridealong?password=S3cretPW",
    "postgresql://alice@127.0.0.1:1/ridealong?sslmode=disable&password=S3cretPW",
    "postgresql://alice@127.0.0.1:1/ridealong?sslpassword=S3cretPW&PASSWORD=Hunter2",
    "postgresql+nosuchdriver://alice:S3cretPW@127.0.0.1:1/ridealong",
    "postgresql+psycopg2://alice:S3cretPW@127.0.0.1:1/ridealong",
    "postgres://alice:S3cretPW@127.0.0.1:1/ridealong?connect_timeout=abc",
    " postgres://alice:S3cretPW@127.0.0.1:1/ridealong",
    "postgres://alice:S3cretPW@[::1/ridealong",
    "postgres://alice:S3cretPW@127.0.0.1:1/" + "r" * 300,
]

COMMANDS = [
    ["db", "path"],
    ["db", "check"],
    ["db", "upgrade"],
    ["call", "list"],
    ["call", "start", "--account", "Acme"],
    ["note", "add", str(uuid.uuid4()), "--kind", "pain", "Budget frozen"],
    ["search", "budget", "--json"],
    ["definitions", "list"],
    ["demo", "--calls", "1"],
    ["backup"],
    ["backup", "--list"],
    ["restore", "{tmp}/backup.db"],
    ["trash", "list"],
    ["export", "month", "2025-03", "-o", "{tmp}/month.pdf"],
]


@pytest.fixture(autouse=True)
def _own_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(ENV_DATABASE_URL, raising=False)
    monkeypatch.setenv(ENV_CONFIG_DIR, str(tmp_path / "config"))


def leaks(text: str) -> list[str]:
    return [secret for secret in SECRETS if secret in text]


@pytest.mark.parametrize("url", URLS)
def test_no_command_prints_a_password_of_a_bad_url(
    capsys: pytest.CaptureFixture[str], clock: FakeClock, tmp_path: Path, url: str
) -> None:
    problems = []
    for command in COMMANDS:
        args = [a.format(tmp=tmp_path) for a in command]
        result = run_main(capsys, ["--database-url", url, *args], clock)
        if leaks(result.out + result.err):
            problems.append((command[:2], "printed", result.out + result.err))
        if result.code != 0 and user_error(result):
            problems.append((command[:2], user_error(result)))
    assert problems == []


def test_nor_does_a_url_from_the_environment(
    capsys: pytest.CaptureFixture[str],
    clock: FakeClock,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for url in URLS[:6]:
        monkeypatch.setenv(ENV_DATABASE_URL, url)
        for command in (["db", "path"], ["call", "list"], ["backup"]):
            result = run_main(capsys, command, clock)
            assert leaks(result.out + result.err) == [], (url, command)


def test_db_path_shows_a_team_database_with_its_secrets_masked(
    capsys: pytest.CaptureFixture[str], clock: FakeClock
) -> None:
    shown = {
        "postgres://alice:S3cretPW@db.example.com/ridealong": (
            "postgresql+psycopg://alice:***@db.example.com/ridealong"
        ),
        "postgresql://alice@db.example.com:6543/ridealong?password=S3cretPW&sslmode=require": (
            "postgresql+psycopg://alice@db.example.com:6543/ridealong?password=***&sslmode=require"
        ),
    }
    for url, expected in shown.items():
        assert run_main(capsys, ["--database-url", url, "db", "path"], clock).line == expected


@pytest.mark.parametrize("url", URLS)
def test_the_one_masking_function_hides_every_secret(url: str) -> None:
    assert leaks(masked(url)) == []
    try:
        where = describe(url)
    except Exception as error:  # a URL too malformed to describe: its message is masked
        where = str(error)
    assert leaks(where) == []


def test_the_readme_never_puts_a_password_on_the_command_line() -> None:
    """`ps` shows every user a program's arguments: a URL there must carry no password."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    with_password = re.findall(r"\w[\w+.-]*://[^/\s:@'\"]+:[^@\s'\"]+@", readme)
    assert with_password == []
    assert "PGPASSWORD" in readme and ".pgpass" in readme and "keyring" in readme
