"""The team database on PostgreSQL, as a user meets it from the command line: where its
password comes from (never the command line), what a server that never answers does,
and what a statement stuck behind a lock does.

The password tests run against the real server the suite starts, with one role that
must log in with a password (SCRAM), so libpq's own sources (PGPASSWORD, ~/.pgpass
through PGPASSFILE) are proven, not assumed. A server that accepts and never answers is
a plain socket in the test.
"""

from __future__ import annotations

import os
import pty
import select
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from sqlalchemy import create_engine, text

from desktop.config import ENV_CONFIG_DIR, ENV_DATABASE_URL, KEYRING_SERVICE
from desktop.storage.database import CONNECT_TIMEOUT_S
from tests.cli.test_cli import ROOT, Result, run_main, user_error
from tests.conftest import APP_ROLE, fresh_pg_database
from tests.fakes import FakeClock, MemoryKeyring

ROLE = "ridealong_pw"
PASSWORD = "S3cretPW-team"


@pytest.fixture(autouse=True)
def _no_password_from_this_machine(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Only what a test gives: no PGPASSWORD, no ~/.pgpass, no database from outside."""
    for name in ("PGPASSWORD", "PGCONNECT_TIMEOUT", "PGOPTIONS", ENV_DATABASE_URL):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "no-pgpass"))
    monkeypatch.setenv(ENV_CONFIG_DIR, str(tmp_path / "config"))


@pytest.fixture(scope="module")
def password_role(pg_server: str) -> Iterator[str]:
    """A role that must give its password over the server's socket (SCRAM), for this
    module only: one line at the top of pg_hba.conf, taken out again at the end."""
    admin = create_engine(pg_server.format(name="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"DROP ROLE IF EXISTS {ROLE}"))
        conn.execute(text(f"CREATE ROLE {ROLE} LOGIN SUPERUSER PASSWORD '{PASSWORD}'"))
        hba = Path(conn.execute(text("SHOW hba_file")).scalar_one())
        before = hba.read_text()
        hba.write_text(f"local all {ROLE} scram-sha-256\n{before}")
        conn.execute(text("SELECT pg_reload_conf()"))
    try:
        yield ROLE
    finally:
        with admin.connect() as conn:
            hba.write_text(before)
            conn.execute(text("SELECT pg_reload_conf()"))
        admin.dispose()


@pytest.fixture
def team_url(pg_server: str, pg_template: str, password_role: str) -> str:
    """A migrated team database whose URL names the role and no password."""
    url = fresh_pg_database(pg_server, pg_template)
    return url.replace(f"://{APP_ROLE}@", f"://{password_role}@")


def listed(capsys: pytest.CaptureFixture[str], clock: FakeClock, url: str) -> Result:
    return run_main(capsys, ["--database-url", url, "call", "list", "--json"], clock)


def test_without_a_password_the_command_says_where_to_give_one(
    capsys: pytest.CaptureFixture[str], clock: FakeClock, team_url: str
) -> None:
    result = listed(capsys, clock, team_url)
    assert user_error(result) is None
    assert "wants a password" in result.err
    assert all(source in result.err for source in ("PGPASSWORD", "~/.pgpass", "keyring"))


def test_pgpassword_gives_the_password(
    capsys: pytest.CaptureFixture[str],
    clock: FakeClock,
    team_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PGPASSWORD", PASSWORD)
    assert listed(capsys, clock, team_url).json == []


def test_a_pgpass_file_gives_the_password(
    capsys: pytest.CaptureFixture[str],
    clock: FakeClock,
    team_url: str,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    pgpass = tmp_path / "pgpass"
    pgpass.write_text(f"*:*:*:{ROLE}:{PASSWORD}\n")
    pgpass.chmod(0o600)  # libpq ignores a file others can read
    monkeypatch.setenv("PGPASSFILE", str(pgpass))
    assert listed(capsys, clock, team_url).json == []


def test_the_keyring_gives_the_password(
    capsys: pytest.CaptureFixture[str], clock: FakeClock, team_url: str
) -> None:
    host = team_url.split("?host=", 1)[1]
    before = keyring.get_keyring()
    ring = MemoryKeyring()
    ring.set_password(KEYRING_SERVICE, f"{ROLE}@{host}", PASSWORD)
    keyring.set_keyring(ring)
    try:
        assert listed(capsys, clock, team_url).json == []
    finally:
        keyring.set_keyring(before)


def test_a_wrong_password_is_refused_and_never_printed(
    capsys: pytest.CaptureFixture[str], clock: FakeClock, team_url: str
) -> None:
    wrong = team_url.replace(f"://{ROLE}@", f"://{ROLE}:Wr0ngS3cret@")
    for url in (wrong, f"{team_url}&password=Wr0ngS3cret"):
        result = listed(capsys, clock, url)
        assert user_error(result) is None
        assert "password authentication failed" in result.err
        assert "Wr0ngS3cret" not in result.err


def test_postgres_and_postgresql_schemes_mean_psycopg(
    capsys: pytest.CaptureFixture[str], clock: FakeClock, team_url: str
) -> None:
    """The scheme hosting providers hand out, and the plain one, work as given."""
    url = team_url.replace(f"://{ROLE}@", f"://{ROLE}:{PASSWORD}@")
    for scheme in ("postgres", "postgresql"):
        given = url.replace("postgresql+psycopg://", f"{scheme}://")
        call_id = run_main(
            capsys, ["--database-url", given, "call", "start", "--account", "Acme"], clock
        ).line
        assert call_id in listed(capsys, clock, given).out


def _environment(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PGPASSWORD", ENV_DATABASE_URL)}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    return {**env, **extra}


def test_on_a_terminal_the_password_is_asked_for_and_never_on_the_command_line(
    team_url: str,
) -> None:
    """The real program in a pseudo-terminal: it asks, the password typed is used, and
    the program's command line (what `ps` shows everyone) never holds it."""
    args = [sys.executable, "-m", "desktop", "--database-url", team_url, "call", "list"]
    env = _environment()
    pid, terminal = pty.fork()
    if pid == 0:  # the child: the program, on the terminal
        os.execve(sys.executable, args, env)
    seen = b""
    deadline = time.monotonic() + 60
    while b"Password for" not in seen and time.monotonic() < deadline:
        if select.select([terminal], [], [], 1)[0]:
            seen += os.read(terminal, 1024)
    command_line = Path(f"/proc/{pid}/cmdline").read_bytes()
    os.write(terminal, f"{PASSWORD}\n".encode())
    while time.monotonic() < deadline:
        try:
            chunk = os.read(terminal, 1024) if select.select([terminal], [], [], 1)[0] else b""
        except OSError:  # the program ended and its terminal closed
            break
        seen += chunk
    _, status = os.waitpid(pid, 0)
    os.close(terminal)
    assert f"Password for {ROLE}@".encode() in seen
    assert PASSWORD.encode() not in command_line
    assert os.waitstatus_to_exitcode(status) == 0, seen.decode(errors="replace")
    assert PASSWORD.encode() not in seen  # not echoed either


def test_without_a_terminal_nothing_is_asked(team_url: str) -> None:
    """A script gets its answer (exit 2) instead of waiting for a password nobody types."""
    done = subprocess.run(
        [sys.executable, "-m", "desktop", "--database-url", team_url, "call", "list"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=_environment(),
        timeout=60,
    )
    result = Result(done.returncode, done.stdout, done.stderr)
    assert user_error(result) is None and "wants a password" in result.err


# -- a server that never answers -------------------------------------------------------


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A TCP port that accepts connections and never says a word; yields the port."""
    listener = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join()
    for connection in held:
        connection.close()
    listener.close()


@pytest.mark.parametrize(
    ("option", "seconds"), [("", CONNECT_TIMEOUT_S), ("?connect_timeout=3", 3)]
)
def test_a_server_that_never_answers_is_named_after_the_connect_timeout(
    silent_server: int, option: str, seconds: int
) -> None:
    """`note add` used to hang forever. Bounded: the program is killed (and the test
    fails) if it has not answered well after the timeout."""
    url = f"postgresql://alice@127.0.0.1:{silent_server}/ridealong{option}"
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "desktop", "--database-url", url, "note", "add",
         str(uuid.uuid4()), "--kind", "pain", "Budget frozen"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=_environment(),
        timeout=seconds + 30,
    )  # fmt: skip
    result = Result(done.returncode, done.stdout, done.stderr)
    assert user_error(result) is None
    assert result.err == (
        f"ridealong: cannot reach the team database 127.0.0.1:{silent_server} "
        f"(no answer in {seconds} s)\n"
    )
    assert time.monotonic() - started < seconds + 30


def test_a_statement_stuck_behind_a_lock_ends_at_the_statement_timeout(
    capsys: pytest.CaptureFixture[str], clock: FakeClock, pg_server: str, pg_template: str
) -> None:
    """Another session holds the notes table; the note's INSERT gives up after the
    statement timeout (here the URL's own, a second) with "busy", and nothing is kept."""
    url = fresh_pg_database(pg_server, pg_template)
    call_id = run_main(
        capsys, ["--database-url", url, "call", "start", "--account", "Acme"], clock
    ).line
    holder = create_engine(url)
    with holder.connect() as conn, conn.begin():
        conn.execute(text("LOCK TABLE notes IN ACCESS EXCLUSIVE MODE"))
        result = run_main(
            capsys,
            ["--database-url", f"{url}&options=-c%20statement_timeout%3D1000",
             "note", "add", call_id, "--kind", "pain", "Budget frozen"],
            clock,
        )  # fmt: skip
    holder.dispose()
    assert user_error(result) is None and "is busy" in result.err
    shown = run_main(capsys, ["--database-url", url, "call", "show", call_id, "--json"], clock)
    assert shown.json["notes"] == []  # type: ignore[index]
