"""Upgrades lose nothing: a filled database at every revision reaches the head with every
row, and an upgrade that fails leaves a SQLite file byte for byte as it was.

The fill is generic (every table, every column, from the reflected schema), so the test
covers each new revision as it is added. The failure is a real Alembic migration, added
to a copy of the migrations for the test.
"""

from __future__ import annotations

import shutil
import sqlite3
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import JSON, Engine, MetaData, Table, select, text

from desktop.errors import StorageUnavailable
from desktop.services import Services
from desktop.storage import maintenance, migrations
from desktop.storage.database import create_db_engine, open_database
from desktop.storage.search import backend_for
from tests.fakes import FakeClock

DIALECTS = ["sqlite", "postgres"]
ROWS = 3


def _value(table: Table, column: Any, i: int, engine: Engine) -> Any:
    python = column.type.python_type
    if python is uuid.UUID:
        return uuid.uuid4()
    if python is str:
        if column.primary_key or column.name == "id" or column.name.endswith("_id"):
            return uuid.uuid4().hex  # how SQLite stores a UUID
        value = f"{table.name}.{column.name} {i} ünï ✓"
        length = getattr(column.type, "length", None)
        return value[-length:] if length else value
    if python is bool:
        return i % 2 == 0
    if python is int:
        return i + 1  # within every CHECK (intensity 1-5) and distinct for unique ones
    if python is datetime:
        moment = datetime(2025, 1, 1, 9, tzinfo=UTC) + timedelta(minutes=i)
        return moment if engine.dialect.name == "postgresql" else moment.replace(tzinfo=None)
    if python is date:
        return date(2025, 1, 1) + timedelta(days=i)
    if isinstance(column.type, JSON):
        return {"kind": ["pain", "objection"], "added": [f"theme {i} ✓"]}
    raise AssertionError(f"no sample value for {table.name}.{column.name} ({column.type})")


def fill(engine: Engine) -> dict[str, list[dict[str, Any]]]:
    """Three rows in every table the models own, every column given a value."""
    own = backend_for(engine.dialect.name).own_objects
    meta = MetaData()
    meta.reflect(engine)
    written: dict[str, list[dict[str, Any]]] = {}
    with engine.begin() as conn:
        for table in meta.sorted_tables:
            if table.name in own or table.name == "alembic_version":
                continue
            rows = []
            for i in range(ROWS):
                row = {}
                for column in table.columns:
                    if column.name in own:
                        continue
                    targets = [fk.column for fk in column.foreign_keys]
                    if targets:
                        parent = written[targets[0].table.name]
                        row[column.name] = parent[i % len(parent)][targets[0].name]
                    else:
                        row[column.name] = _value(table, column, i, engine)
                rows.append(row)
            conn.execute(table.insert(), rows)
            written[table.name] = rows
    return written


def read_back(engine: Engine, written: dict[str, list[dict[str, Any]]]) -> None:
    meta = MetaData()
    meta.reflect(engine)
    with engine.connect() as conn:
        for name, rows in written.items():
            assert name in meta.tables, f"table {name} was dropped with its rows"
            table = meta.tables[name]
            kept = [c for c in rows[0] if c in table.columns]
            found = [dict(r._mapping) for r in conn.execute(select(*(table.c[c] for c in kept)))]
            expected = [{c: row[c] for c in kept} for row in rows]
            missing = [row for row in expected if row not in found]
            assert not missing, f"{name}: lost or changed {missing}"


@pytest.fixture
def engine(empty_db_url: str) -> Iterator[Engine]:
    created = create_db_engine(empty_db_url)
    yield created
    created.dispose()


@pytest.mark.parametrize("start", migrations.revisions())
@pytest.mark.parametrize("empty_db_url", DIALECTS, indirect=True)
def test_a_filled_database_at_every_revision_upgrades_with_nothing_lost(
    engine: Engine, empty_db_url: str, start: str
) -> None:
    migrations.upgrade(engine, start)
    written = fill(engine)
    engine.dispose()
    open_database(empty_db_url).close()  # the app's own upgrade on open
    read_back(engine, written)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == (
            migrations.head()
        )
    if engine.dialect.name == "sqlite":
        assert maintenance.check(empty_db_url).startswith("ok: ")


# -- a head the test adds ------------------------------------------------------------------

GOOD = """
import sqlalchemy as sa
from alembic import op

revision = "{rev}"
down_revision = "{down}"


def upgrade() -> None:
    with op.batch_alter_table("notes") as batch:
        batch.add_column(sa.Column("mood", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("notes") as batch:
        batch.drop_column("mood")
"""

BROKEN = """
from alembic import op

revision = "{rev}"
down_revision = "{down}"


def upgrade() -> None:
    op.execute("DELETE FROM annotations")
    op.execute("DELETE FROM notes")
    raise RuntimeError("the new migration has a bug")


def downgrade() -> None:
    pass
"""


@pytest.fixture
def next_revision(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Install a copy of the migrations with one more revision (from a template above)."""

    def install(template: str) -> str:
        copy = tmp_path / "migrations"
        shutil.copytree(migrations.HERE, copy, ignore=shutil.ignore_patterns("__pycache__"))
        down = migrations.head()
        new = f"{int(down) + 1:04d}"
        (copy / "versions" / f"{new}_test_step.py").write_text(
            template.format(rev=new, down=down), encoding="utf-8"
        )
        monkeypatch.setattr(migrations, "HERE", copy)
        migrations.revisions.cache_clear()
        return new

    yield install
    monkeypatch.undo()
    migrations.revisions.cache_clear()


@pytest.mark.parametrize("empty_db_url", DIALECTS, indirect=True)
def test_every_row_survives_an_upgrade_that_rebuilds_a_table(
    engine: Engine, empty_db_url: str, next_revision: Any
) -> None:
    """Until a second real revision exists, one added here (a batch-mode table rebuild on
    SQLite, through the copy-and-swap) shows the generic fill surviving a real upgrade."""
    migrations.upgrade(engine)
    written = fill(engine)
    engine.dispose()
    new = next_revision(GOOD)
    open_database(empty_db_url).close()
    read_back(engine, written)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == new


def filled_file(tmp_path: Path, sqlite_template: Path, clock: FakeClock) -> Path:
    path = tmp_path / "data" / "ridealong.db"
    path.parent.mkdir()
    shutil.copy(sqlite_template, path)
    from desktop.domain import NoteKind, Verdict

    services = Services.open(f"sqlite:///{path}", clock=clock)
    call = services.calls.start("Acme")
    for i in range(50):
        note = services.notes.add(call.id, NoteKind.PAIN, f"note {i}")
        services.review.annotate(note.id, Verdict.CONFIRMED, "Rita")
    services.close()
    return path


def test_an_upgrade_migrates_a_copy_swaps_it_in_and_keeps_the_old_one(
    tmp_path: Path, sqlite_template: Path, next_revision: Any, clock: FakeClock
) -> None:
    path = filled_file(tmp_path, sqlite_template, clock)
    old = migrations.head()
    new = next_revision(GOOD)
    services = Services.open(f"sqlite:///{path}", clock=clock)
    try:
        call = services.calls.page()[0]
        assert len(services.calls.notes(call.id)) == 50
    finally:
        services.close()
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == (new,)
    assert conn.execute("SELECT count(mood) FROM notes").fetchone() == (0,)
    conn.close()
    (kept,) = (path.parent / "backups").glob(f"*-before-upgrade-from-{old}.db")
    assert sqlite3.connect(kept).execute("SELECT version_num FROM alembic_version").fetchone() == (
        old,
    )
    assert sorted(p.name for p in path.parent.iterdir()) == [
        ".ridealong.db.checked",
        "backups",
        "ridealong.db",
    ]


def test_a_failed_upgrade_leaves_the_file_byte_for_byte_as_it_was(
    tmp_path: Path, sqlite_template: Path, next_revision: Any, clock: FakeClock
) -> None:
    path = filled_file(tmp_path, sqlite_template, clock)
    before = path.read_bytes(), path.stat().st_mtime_ns
    next_revision(BROKEN)
    with pytest.raises(StorageUnavailable, match=r"has a bug.*left as it was"):
        Services.open(f"sqlite:///{path}", clock=clock)
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before
    leftovers = {p.name for p in path.parent.iterdir()} - {"backups", ".ridealong.db.checked"}
    assert leftovers <= {"ridealong.db", "ridealong.db-wal", "ridealong.db-shm"}
    assert maintenance.check(f"sqlite:///{path}").startswith("ok: ")


def test_an_upgrade_waits_for_other_windows_to_close_the_file(
    tmp_path: Path, sqlite_template: Path, next_revision: Any, clock: FakeClock
) -> None:
    path = filled_file(tmp_path, sqlite_template, clock)
    other = sqlite3.connect(path)  # another window, still open on the old schema
    other.execute("SELECT count(*) FROM notes").fetchone()
    before = path.read_bytes()
    next_revision(GOOD)
    try:
        with pytest.raises(StorageUnavailable, match="in use by another Ridealong"):
            Services.open(f"sqlite:///{path}", clock=clock)
    finally:
        other.close()
    assert path.read_bytes() == before


@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
def test_a_failed_upgrade_on_a_server_is_rolled_back(
    db_url: str, next_revision: Any, clock: FakeClock
) -> None:
    from desktop.domain import NoteKind

    services = Services.open(db_url, clock=clock)
    call = services.calls.start("Acme")
    services.notes.add(call.id, NoteKind.PAIN, "Budget frozen")
    services.close()
    old = migrations.head()
    next_revision(BROKEN)
    with pytest.raises(RuntimeError, match="has a bug"):
        Services.open(db_url, clock=clock)
    engine = create_db_engine(db_url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == old
        assert conn.execute(text("SELECT count(*) FROM notes")).scalar() == 1
    engine.dispose()


def test_restoring_a_backup_of_an_older_schema_upgrades_it(
    tmp_path: Path, sqlite_template: Path, next_revision: Any, clock: FakeClock
) -> None:
    from desktop.services.backup import restore
    from desktop.storage.backup import create_backup

    path = filled_file(tmp_path, sqlite_template, clock)
    old = create_backup(path, tmp_path / "old-schema.db", now=clock())
    new = next_revision(GOOD)
    Services.open(f"sqlite:///{path}", clock=clock).close()  # the app moved on to the new schema
    result = restore(f"sqlite:///{path}", old.path)
    assert result.upgraded and result.revision == new and result.notes == 50
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == (new,)
    assert conn.execute("SELECT count(*) FROM notes").fetchone() == (50,)
    conn.close()
    assert maintenance.check(f"sqlite:///{path}").startswith("ok: ")
