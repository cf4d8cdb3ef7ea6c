"""What an open decides before it writes a byte, through the command line: a sound file
is never called damaged (a checkpoint stopped half-way, a read-only place), another
program's file is never taken for ours or written to, a link to nothing or a named pipe
is refused at once, damage a stamp cannot see is looked for before writing, and the
URL's `?mode=ro` and an empty URL mean what they say."""

from __future__ import annotations

import json
import os
import random
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import pytest

from desktop.cli import main
from desktop.domain import NoteKind
from desktop.errors import Foreign
from desktop.services import Services
from desktop.services.backup import Health, check_health
from desktop.storage import migrations, schemas, sqlite_files
from desktop.storage.database import create_db_engine
from tests.fakes import FakeClock

ROOT = Path(__file__).resolve().parents[2]
PAGE = 4096


@dataclass(frozen=True)
class Ran:
    code: int
    out: str
    err: str


def ridealong(
    capsys: pytest.CaptureFixture[str], where: list[str], *command: str, clock: FakeClock
) -> Ran:
    code = main([*where, *command], clock=clock)
    captured = capsys.readouterr()
    return Ran(code, captured.out, captured.err)


def refused(ran: Ran, words: str) -> str | None:
    """Why `ran` is not a refusal saying `words` (exit 2, one line on stderr)."""
    if ran.code != 2 or ran.err.count("\n") != 1 or not ran.err.startswith("ridealong: "):
        return f"exit {ran.code}: {ran.err!r}"
    return None if words in ran.err else f"does not say {words!r}: {ran.err!r}"


def snapshot(path: Path) -> tuple[bytes, int]:
    return path.read_bytes(), path.stat().st_mtime_ns


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Path:
    """A database with a call and 200 notes (long ones too, so overflow pages), with no
    free page: every page of it is read by the full check."""
    path = tmp_path_factory.mktemp("filled") / "ridealong.db"
    shutil.copy(sqlite_template, path)
    with Services.open(f"sqlite:///{path}", clock=FakeClock()) as services:
        call = services.calls.start("Acme")
        for i in range(200):
            text = f"note {i}: budget frozen until Q3 " * (40 if i % 10 == 0 else 4)
            services.notes.add(call.id, NoteKind.PAIN, text)
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("VACUUM")
        assert conn.execute("PRAGMA freelist_count").fetchone() == (0,)
    return path


@pytest.fixture
def data(tmp_path: Path, filled: Path, clock: FakeClock) -> Path:
    """A data folder holding a copy of `filled`, stamped sound by a first open."""
    folder = tmp_path / "data"
    folder.mkdir()
    shutil.copy(filled, folder / "ridealong.db")
    Services.open(f"sqlite:///{folder / 'ridealong.db'}", clock=clock).close()
    assert sqlite_files.is_verified(folder / "ridealong.db")
    return folder


def first_call(folder: Path, clock: FakeClock) -> str:
    with Services.open(f"sqlite:///{folder / 'ridealong.db'}", clock=clock) as services:
        return str(services.calls.page()[0].id)


# -- a file is damaged only when SQLite says so ----------------------------------------------


def test_a_checkpoint_stopped_half_way_leaves_a_sound_file_that_opens_with_every_note(
    data: Path, clock: FakeClock, capsys: pytest.CaptureFixture[str]
) -> None:
    """A full disk or a kill stops a checkpoint after it wrote the first page (which now
    counts the new pages) and before the file grew: the rest is still in the -wal."""
    path = data / "ridealong.db"
    call_id = first_call(data, clock)
    with closing(sqlite3.connect(path, isolation_level=None)) as holder:
        holder.execute("PRAGMA wal_autocheckpoint = 0")
        holder.execute("SELECT count(*) FROM notes").fetchone()  # keeps the log in place
        with Services.open(f"sqlite:///{path}", clock=clock) as services:
            added = {
                str(services.notes.add(uuid.UUID(call_id), NoteKind.PAIN, f"later {i} " * 300).id)
                for i in range(40)
            }
        before, log = path.read_bytes(), (data / "ridealong.db-wal").read_bytes()
        holder.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        after = path.read_bytes()
    path.write_bytes(after[: len(before)])
    (data / "ridealong.db-wal").write_bytes(log)
    (data / "ridealong.db-shm").unlink(missing_ok=True)
    assert int.from_bytes(after[28:32], "big") * PAGE > len(before), "not cut short"

    where = ["--data-dir", str(data)]
    shown = ridealong(capsys, where, "call", "show", call_id, "--json", clock=clock)
    assert shown.code == 0, shown.err
    assert added <= {note["id"] for note in json.loads(shown.out)["notes"]}
    assert check_health(f"sqlite:///{path}").health is Health.OK
    assert ridealong(capsys, where, "db", "check", clock=clock).code == 0
    more = ridealong(capsys, where, "note", "add", call_id, "--kind", "pain", "Go", clock=clock)
    assert more.code == 0, more.err


def _as_user_bound_by_permissions() -> dict[str, int]:
    """Root ignores file permissions: then run as nobody (if nobody can run the app)."""
    if os.geteuid() != 0:
        return {}
    nobody = {"user": 65534, "group": 65534}
    probe = [sys.executable, "-c", "import desktop.cli"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    if subprocess.run(probe, cwd="/", env=env, capture_output=True, **nobody).returncode:
        pytest.skip("running as root, and nobody cannot read the app to run it")
    return nobody


@pytest.fixture
def shared_folder(filled: Path) -> Iterator[Path]:
    """A folder a user bound by permissions can reach (a test's own is root's alone)."""
    top = Path(tempfile.mkdtemp(prefix="ridealong-"))
    try:
        top.chmod(0o755)
        yield top
    finally:
        for folder in (p for p in top.rglob("*") if p.is_dir()):
            folder.chmod(0o777)  # so that it can be emptied
        shutil.rmtree(top)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
@pytest.mark.parametrize(
    ("folder_mode", "file_mode", "reads"),
    [(0o555, 0o666, False), (0o777, 0o444, True)],
    ids=["read-only folder", "read-only file"],
)
def test_a_read_only_folder_or_file_is_said_to_be_read_only_never_damaged(
    shared_folder: Path, filled: Path, folder_mode: int, file_mode: int, reads: bool
) -> None:
    folder = shared_folder / "data"
    folder.mkdir()
    shutil.copy(filled, folder / "ridealong.db")
    (folder / "ridealong.db").chmod(file_mode)
    folder.chmod(folder_mode)

    user = _as_user_bound_by_permissions()

    def run(*command: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "desktop", "--data-dir", str(folder), *command],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            timeout=120,
            **user,
        )

    listed = run("call", "list")
    assert listed.returncode == (0 if reads else 2), listed.stderr
    started = run("call", "start", "--account", "Acme")
    for result in (listed, started):
        assert "damaged" not in result.stderr
    assert started.returncode == 2 and "read-only" in started.stderr, started.stderr
    if not reads:
        assert "read-only" in listed.stderr, listed.stderr


# -- another program's database --------------------------------------------------------------


def _impostor(path: Path) -> None:
    """Another program's SQLite file with our table names and our first revision."""
    with closing(sqlite3.connect(path)) as conn:
        conn.executescript(
            "CREATE TABLE calls (id TEXT PRIMARY KEY, title TEXT);"
            "CREATE TABLE notes (id TEXT PRIMARY KEY, call_id TEXT, body TEXT);"
            "CREATE TABLE alembic_version (version_num TEXT);"
            "INSERT INTO alembic_version VALUES ('0001');"
            "INSERT INTO calls VALUES ('c1', 'kickoff');"
        )


def test_another_programs_file_with_our_table_names_is_refused_and_never_written(
    tmp_path: Path, data: Path, clock: FakeClock, capsys: pytest.CaptureFixture[str]
) -> None:
    theirs = tmp_path / "theirs"
    theirs.mkdir()
    _impostor(theirs / "ridealong.db")
    before = snapshot(theirs / "ridealong.db")
    out = tmp_path / "out"
    out.mkdir()
    where = ["--data-dir", str(theirs)]
    for command in (
        ["call", "list"],
        ["call", "start", "--account", "Acme"],
        ["note", "add", str(uuid.uuid4()), "--kind", "pain", "Budget frozen"],
        ["demo", "--calls", "1"],
        ["search", "budget"],
        ["backup"],
        ["backup", "-o", str(out / "copy.db")],
        ["db", "upgrade"],
        ["db", "check"],
    ):
        why = refused(ridealong(capsys, where, *command, clock=clock), "another program")
        assert why is None, (command, why)
    assert snapshot(theirs / "ridealong.db") == before
    assert sorted(p.name for p in theirs.iterdir()) == ["ridealong.db"]
    assert list(out.iterdir()) == []
    ours = snapshot(data / "ridealong.db")
    restoring = ridealong(
        capsys, ["--data-dir", str(data)], "restore", str(theirs / "ridealong.db"), clock=clock
    )
    assert refused(restoring, "another program") is None, restoring
    assert snapshot(data / "ridealong.db") == ours


@pytest.mark.parametrize(
    ("change", "ours"),
    [
        ("ALTER TABLE notes DROP COLUMN review_status", False),
        ("DROP TABLE note_tags", False),
        ("CREATE TABLE my_own_list (item TEXT)", True),
        ("ALTER TABLE calls ADD COLUMN my_mark TEXT", True),
    ],
)
def test_a_file_is_ours_when_it_has_every_table_and_column_of_its_revision(
    sqlite_url: str, change: str, ours: bool, clock: FakeClock
) -> None:
    path = Path(sqlite_url.removeprefix("sqlite:///"))
    with closing(sqlite3.connect(path)) as conn:
        conn.execute(change)
    before = snapshot(path)
    if ours:
        Services.open(sqlite_url, clock=clock).close()
        return
    with pytest.raises(Foreign, match="another program"):
        Services.open(sqlite_url, clock=clock)
    assert snapshot(path) == before


@pytest.mark.parametrize("revision", migrations.revisions())
def test_the_tables_recorded_for_each_revision_are_what_its_migrations_build(
    tmp_path: Path, revision: str
) -> None:
    assert set(schemas.TABLES) == set(migrations.revisions())
    path = tmp_path / "at-revision.db"
    engine = create_db_engine(f"sqlite:///{path}")
    try:
        migrations.upgrade(engine, revision)
    finally:
        engine.dispose()
    with closing(sqlite_files.connect_read_only(path)) as conn:
        built = schemas.read_tables(conn)
    recorded = {table: frozenset(c.split()) for table, c in schemas.TABLES[revision].items()}
    assert built == recorded


# -- links and files that are no database ----------------------------------------------------


def _link_to_missing_folder(data: Path, elsewhere: Path) -> Path:
    (data / "ridealong.db").symlink_to(elsewhere / "drive" / "ridealong.db")
    return data


def _link_to_missing_file(data: Path, elsewhere: Path) -> Path:
    (elsewhere / "drive").mkdir()
    (data / "ridealong.db").symlink_to(elsewhere / "drive" / "ridealong.db")
    return data


def _data_dir_linked_to_missing_folder(data: Path, elsewhere: Path) -> Path:
    (data / "linked").symlink_to(elsewhere / "drive")
    return data / "linked"


@pytest.mark.parametrize(
    "link", [_link_to_missing_folder, _link_to_missing_file, _data_dir_linked_to_missing_folder]
)
def test_a_link_to_a_missing_database_is_refused_and_nothing_is_created(
    tmp_path: Path,
    link: Callable[[Path, Path], Path],
    filled: Path,
    clock: FakeClock,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The data on a drive that is not plugged in: an empty database made at the link's
    target would hide the real one once the drive is back."""
    data, elsewhere = tmp_path / "data", tmp_path / "elsewhere"
    data.mkdir()
    elsewhere.mkdir()
    folder = link(data, elsewhere)
    before = sorted(elsewhere.rglob("*")), sorted(data.iterdir())
    for command in (
        ["call", "list"],
        ["call", "start", "--account", "Acme"],
        ["demo", "--calls", "1"],
        ["db", "upgrade"],
        ["db", "check"],
        ["backup"],
        ["restore", str(filled)],  # a local file would hide the real one, link gone
    ):
        ran = ridealong(capsys, ["--data-dir", str(folder)], *command, clock=clock)
        assert refused(ran, "which does not exist") is None, (command, ran)
    assert (sorted(elsewhere.rglob("*")), sorted(data.iterdir())) == before


def test_a_link_loop_is_refused_never_reported_current(
    tmp_path: Path, clock: FakeClock, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "ridealong.db").symlink_to(tmp_path / "other.db")
    (tmp_path / "other.db").symlink_to(tmp_path / "ridealong.db")
    for command in (["db", "upgrade"], ["call", "list"], ["db", "check"]):
        ran = ridealong(capsys, ["--data-dir", str(tmp_path)], *command, clock=clock)
        assert refused(ran, "leads back to itself") is None, (command, ran)


@pytest.mark.skipif(sys.platform == "win32", reason="named pipes and sockets in the file system")
@pytest.mark.parametrize("kind", ["named pipe", "socket"])
def test_a_named_pipe_or_socket_named_like_the_database_is_refused_at_once(
    tmp_path: Path, kind: str, filled: Path
) -> None:
    """Run as a program: opening a named pipe would wait for ever, and take the test along."""
    path = tmp_path / "ridealong.db"
    listening = socket.socket(socket.AF_UNIX)
    try:
        if kind == "named pipe":
            os.mkfifo(path)
        else:
            listening.bind(str(path))
        commands = (
            ["call", "list"],
            ["db", "upgrade"],
            ["db", "check"],
            ["backup"],
            ["restore", str(filled)],
        )
        for command in commands:
            ran = subprocess.run(
                [sys.executable, "-m", "desktop", "--data-dir", str(tmp_path), *command],
                capture_output=True,
                text=True,
                cwd=ROOT,
                env={**os.environ, "PYTHONPATH": str(ROOT)},
                timeout=60,
            )
            assert ran.returncode == 2, (command, ran.stderr)
            assert f"is a {kind}" in ran.stderr and ran.stderr.count("\n") == 1, ran.stderr
    finally:
        listening.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ridealong.db"]


# -- a stamp is trusted only as far as it can be ---------------------------------------------


def overwrite_pages(path: Path, pages: list[int], rng: random.Random) -> None:
    """Put garbage over whole pages in place, then set the modification time back, as a
    program that hides its writes would."""
    st = path.stat()
    with path.open("r+b") as handle:
        for page in pages:
            handle.seek((page - 1) * PAGE)
            handle.write(rng.randbytes(PAGE))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (st.st_size, st.st_mtime_ns)


def root_page(path: Path, table: str) -> int:
    with closing(sqlite_files.connect_read_only(path)) as conn:
        row = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,))
        return int(row.fetchone()[0])


WRITES = (
    ["call", "start", "--account", "Acme"],
    ["demo", "--calls", "1"],
    ["definitions", "set", "MQL", "Marketing qualified"],
)


def assert_every_write_refused_as_damaged(
    data: Path, clock: FakeClock, capsys: pytest.CaptureFixture[str]
) -> None:
    path = data / "ridealong.db"
    before = snapshot(path)
    stamp = (data / ".ridealong.db.checked").read_bytes()
    call_id = str(uuid.uuid4())
    for command in (*WRITES, ["note", "add", call_id, "--kind", "pain", "Budget frozen"]):
        ran = ridealong(capsys, ["--data-dir", str(data)], *command, clock=clock)
        assert refused(ran, "damaged") is None, (command, ran)
        assert snapshot(path) == before, f"{command} wrote to the damaged file"
    assert (data / ".ridealong.db.checked").read_bytes() == stamp


def test_pages_overwritten_in_place_with_the_time_set_back_are_found_before_any_write(
    data: Path, rng: random.Random, clock: FakeClock, capsys: pytest.CaptureFixture[str]
) -> None:
    path = data / "ridealong.db"
    pages = rng.sample(range(2, path.stat().st_size // PAGE + 1), 3)
    overwrite_pages(path, pages, rng)
    assert_every_write_refused_as_damaged(data, clock, capsys)


def test_damage_that_leaves_every_time_alone_is_found_by_the_spot_check(
    data: Path, rng: random.Random, clock: FakeClock, capsys: pytest.CaptureFixture[str]
) -> None:
    """Decay on the disk moves no time at all: the stamp still matches, so only the spot
    check, which reads every table's first page, stands between it and the next write
    (the tags table: no command below reads it)."""
    path = data / "ridealong.db"
    overwrite_pages(path, [root_page(path, "tags")], rng)
    sqlite_files.mark_verified(path)  # the times as they were: the stamp matches
    assert_every_write_refused_as_damaged(data, clock, capsys)
    assert check_health(f"sqlite:///{path}").health is Health.DAMAGED


def test_the_stamp_is_not_refreshed_over_damage_done_while_open(
    data: Path, rng: random.Random, clock: FakeClock, capsys: pytest.CaptureFixture[str]
) -> None:
    path = data / "ridealong.db"
    services = Services.open(f"sqlite:///{path}", clock=clock)
    services.calls.start("Acme")
    overwrite_pages(path, [root_page(path, "tags")], rng)  # another program, meanwhile
    services.close()
    assert not sqlite_files.is_verified(path)
    assert_every_write_refused_as_damaged(data, clock, capsys)


# -- what the URL says ---------------------------------------------------------------------


def test_a_database_opened_read_only_is_read_and_never_written(
    data: Path, clock: FakeClock, capsys: pytest.CaptureFixture[str]
) -> None:
    path = data / "ridealong.db"
    call_id = first_call(data, clock)
    before = snapshot(path), (data / ".ridealong.db.checked").stat().st_mtime_ns
    where = ["--database-url", f"sqlite:///{path}?mode=ro"]
    for command in (["call", "list"], ["call", "show", call_id], ["search", "budget"]):
        ran = ridealong(capsys, where, *command, clock=clock)
        assert ran.code == 0 and ran.out, (command, ran.err)
    for command in (
        *WRITES,
        ["note", "add", call_id, "--kind", "pain", "Budget frozen"],
        ["trash", "empty"],
    ):
        why = refused(ridealong(capsys, where, *command, clock=clock), "read-only")
        assert why is None, (command, why)
    copy = data.parent / "copy.db"
    assert (
        ridealong(capsys, ["--data-dir", str(data)], "backup", "-o", str(copy), clock=clock).code
        == 0
    )
    why = refused(ridealong(capsys, where, "restore", str(copy), clock=clock), "read-only")
    assert why is None, why
    assert (snapshot(path), (data / ".ridealong.db.checked").stat().st_mtime_ns) == before
    assert not (data / "backups").exists()


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("?mode=ro", "no Ridealong database"),
        ("?mode=rw", "unsupported"),
        ("?mode=memory", "unsupported"),
    ],
)
def test_a_missing_file_opened_read_only_or_another_mode_is_refused_and_not_created(
    tmp_path: Path, query: str, words: str, clock: FakeClock, capsys: pytest.CaptureFixture[str]
) -> None:
    where = ["--database-url", f"sqlite:///{tmp_path / 'ridealong.db'}{query}"]
    for command in (["call", "list"], ["call", "start", "--account", "Acme"]):
        why = refused(ridealong(capsys, where, *command, clock=clock), words)
        assert why is None, (command, why)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("url", ["", "  "])
def test_an_empty_database_url_is_refused_not_read_as_the_default(
    tmp_path: Path,
    url: str,
    monkeypatch: pytest.MonkeyPatch,
    clock: FakeClock,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    monkeypatch.delenv("RIDEALONG_DATABASE_URL", raising=False)
    for command in (["call", "list"], ["db", "path"]):
        ran = ridealong(capsys, ["--database-url", url], *command, clock=clock)
        assert refused(ran, "empty database URL") is None, ran
    assert list(tmp_path.iterdir()) == []
