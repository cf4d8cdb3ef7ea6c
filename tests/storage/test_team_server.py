"""A team database on PostgreSQL used as docs/team.md sets it up: the owner role ran the
migrations, the app connects as a role that reads and writes rows and cannot change
the schema; `db check` looks at what the server cannot know is ours; `backup -o FILE`
writes a SQLite copy the app opens."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ProgrammingError

from desktop.demo import generate
from desktop.domain import NoteKind, Verdict
from desktop.errors import NeedsUpgrade
from desktop.services import Services
from desktop.storage import migrations
from desktop.storage.models import Base
from tests.cli.test_cli import Result, run_main, user_error
from tests.conftest import APP_ROLE, as_role, fresh_pg_database, team_roles_sql
from tests.fakes import FakeClock

on_server = pytest.mark.parametrize("db_url", ["postgres"], indirect=True)


def admin_url(db_url: str) -> str:
    """The same database as the server's superuser."""
    return db_url.replace(f"://{APP_ROLE}@", "://postgres@", 1)


def cli(capsys: pytest.CaptureFixture[str], clock: FakeClock, url: str, *args: str) -> Result:
    return run_main(capsys, ["--database-url", url, *args], clock)


@on_server
def test_the_app_role_writes_rows_and_cannot_change_the_schema(
    db_url: str, clock: FakeClock
) -> None:
    assert make_url(db_url).username == APP_ROLE
    with Services.open(db_url, clock=clock) as services:
        call = services.calls.start("Acme")
        note = services.notes.add(call.id, NoteKind.PAIN, "Budget frozen until Q3")
        services.review.annotate(note.id, Verdict.CONFIRMED, "Rita")
        assert [h.note_id for h in services.search.search("budget")] == [note.id]
    engine = create_engine(db_url)
    try:
        for statement in (
            "CREATE TABLE mine (id int)",
            "DROP TABLE notes",
            "ALTER TABLE notes ADD COLUMN extra int",
            "TRUNCATE notes",
        ):
            with engine.connect() as conn, pytest.raises(ProgrammingError) as refused:
                conn.execute(text(statement))
            assert getattr(refused.value.orig, "sqlstate", None) == "42501", statement
    finally:
        engine.dispose()


def test_a_database_behind_the_app_is_left_to_its_owner(pg_server: str, clock: FakeClock) -> None:
    """The app role cannot migrate: it is told who can, and nothing is half-done."""
    url = fresh_pg_database(pg_server, None)
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    migrations.upgrade(admin, "0001")
    with admin.connect() as conn:
        conn.execute(text(f"ALTER DATABASE {make_url(url).database} OWNER TO ridealong_owner"))
        for table in ("alembic_version", *Base.metadata.tables):
            conn.execute(text(f'ALTER TABLE IF EXISTS "{table}" OWNER TO ridealong_owner'))
        for statement in team_roles_sql(str(make_url(url).database)):
            conn.execute(text(statement))
    try:
        with pytest.raises(NeedsUpgrade, match=r"owner runs `ridealong --database-url URL db"):
            Services.open(as_role(url, APP_ROLE), clock=clock)
        with admin.connect() as conn:
            assert conn.scalar(text("SELECT version_num FROM alembic_version")) == "0001"
    finally:
        admin.dispose()


@on_server
def test_db_check_on_the_server_finds_rows_pointing_nowhere(
    db_url: str, capsys: pytest.CaptureFixture[str], clock: FakeClock
) -> None:
    call_id = cli(capsys, clock, db_url, "call", "start", "--account", "Acme").line
    cli(capsys, clock, db_url, "note", "add", call_id, "--kind", "pain", "Budget frozen")
    checked = cli(capsys, clock, db_url, "db", "check")
    assert checked.code == 0, checked.err
    assert checked.out.startswith("ok: ") and "1 call, 1 note" in checked.out
    assert f"schema {migrations.head()}" in checked.out
    # Behind the app's back: the link from notes to calls dropped, the call deleted.
    admin = create_engine(admin_url(db_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text("ALTER TABLE notes DROP CONSTRAINT fk_notes_call_id_calls"))
        conn.execute(text("DELETE FROM calls"))
    admin.dispose()
    broken = cli(capsys, clock, db_url, "db", "check")
    assert user_error(broken) is None, broken
    assert "fk_notes_call_id_calls is missing" in broken.err
    assert "1 row of notes point at missing calls" in broken.err


@on_server
def test_backup_on_the_server_names_its_tools_and_o_writes_a_copy_the_app_opens(
    db_url: str, capsys: pytest.CaptureFixture[str], clock: FakeClock, tmp_path: Path
) -> None:
    with Services.open(db_url, clock=clock) as services:
        generate(services, calls=12, months=2, seed=3, now=clock())
        server_hits = {h.note_id for h in services.search.search("budget", limit=100)}
        call = services.calls.start("Zephyr Ltd")
        note = services.notes.add(call.id, NoteKind.OBJECTION, "Procurement needs a SOC 2 report")
        services.review.annotate(note.id, Verdict.CORRECTED, "Rita", correction="Quokkaware audit")
    refused = cli(capsys, clock, db_url, "backup")
    assert user_error(refused) is None, refused
    assert "pg_dump" in refused.err and "backup -o FILE" in refused.err
    assert list(tmp_path.iterdir()) == []

    copy = tmp_path / "team.db"
    made = cli(capsys, clock, db_url, "backup", "-o", str(copy), "--quiet")
    assert made.line == str(copy)
    assert [p.name for p in tmp_path.iterdir()] == ["team.db"]  # nothing left beside it
    source = create_engine(db_url)
    conn = sqlite3.connect(copy)
    try:
        with source.connect() as server:
            for table in Base.metadata.sorted_tables:
                if table.name == "search_docs":
                    continue
                count = f"SELECT count(*) FROM {table.name}"
                assert conn.execute(count).fetchone() == (server.scalar(text(count)),), table
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    finally:
        conn.close()
        source.dispose()
    copy_url = f"sqlite:///{copy}"
    assert cli(capsys, clock, copy_url, "db", "check").out.startswith(f"ok: {copy} (schema")
    with Services.open(copy_url, clock=clock) as services:
        assert [h.note_id for h in services.search.search("quokkaware")] == [note.id]
        assert services.calls.get(call.id).account.name == "Zephyr Ltd"
        copied = {h.note_id for h in services.search.search("budget", limit=100)}
        assert copied == server_hits and server_hits


@on_server
def test_a_copy_to_a_missing_folder_is_refused_before_any_work(
    db_url: str, capsys: pytest.CaptureFixture[str], clock: FakeClock, tmp_path: Path
) -> None:
    result = cli(capsys, clock, db_url, "backup", "-o", str(tmp_path / "nowhere" / "team.db"))
    assert user_error(result) is None and "there is no folder" in result.err
