"""Migration 0003 (the competitor list) on SQLite and PostgreSQL: a database at 0002
upgrades on open to a list whose key the database itself keeps unique, and a downgrade
drops only that table (rows kept across every upgrade: test_upgrade_safety.py)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, exc, inspect, text

from desktop.domain import NoteKind
from desktop.services import Services
from desktop.storage import migrations
from desktop.storage.database import create_db_engine
from tests.fakes import FakeClock
from tests.storage.test_migrations import downgrade

DIALECTS = ["sqlite", "postgres"]


@pytest.fixture
def engine(empty_db_url: str) -> Iterator[Engine]:
    created = create_db_engine(empty_db_url)
    yield created
    created.dispose()


def insert(engine: Engine, name: str, key: str) -> None:
    now = datetime(2025, 3, 1, tzinfo=UTC)
    if engine.dialect.name == "sqlite":
        now = now.replace(tzinfo=None)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO competitors (id, name, name_key, version, created_at, updated_at) "
                "VALUES (:id, :name, :key, 1, :now, :now)"
            ),
            {"id": uuid.uuid4().hex, "name": name, "key": key, "now": now},
        )


@pytest.mark.parametrize("empty_db_url", DIALECTS, indirect=True)
def test_a_database_at_0002_gets_a_list_whose_key_is_unique(
    engine: Engine, empty_db_url: str, clock: FakeClock
) -> None:
    migrations.upgrade(engine, "0002")
    assert "competitors" not in inspect(engine).get_table_names()
    engine.dispose()  # its pooled connection would be another program using the file
    with Services.open(empty_db_url, clock=clock) as services:  # upgrades to 0003
        call = services.calls.start("Acme")
        services.notes.add(call.id, NoteKind.PAIN, "Exports from Clarivo break")
        services.competitors.add("Clarivo")
        assert [c.name for c in services.competitors.list()] == ["Clarivo"]
    engine.dispose()

    with pytest.raises(exc.IntegrityError):
        insert(engine, "CLARIVO", "clarivo")  # the key is unique in the database itself
    downgrade(engine, "0002")
    tables = set(inspect(engine).get_table_names())
    assert "competitors" not in tables and {"calls", "notes", "note_speakers"} <= tables
