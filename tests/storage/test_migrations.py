"""The schema is built only by the Alembic migrations, and they build exactly the models."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect

from desktop.domain import NoteKind
from desktop.services import Services
from desktop.storage import migrations
from desktop.storage.database import create_db_engine
from desktop.storage.models import Base
from desktop.storage.search import backend_for
from tests.fakes import FakeClock

DIALECTS = ["sqlite", "postgres"]


@pytest.fixture
def engine(empty_db_url: str) -> Iterator[Engine]:
    created = create_db_engine(empty_db_url)
    yield created
    created.dispose()


def differences(engine: Engine) -> list[Any]:
    """What autogenerate would change to make the database match the models, leaving the
    search backend's own objects to it (as migrations/env.py does)."""
    own = backend_for(engine.dialect.name).own_objects

    def include_object(
        obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
    ) -> bool:
        return name not in own

    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"include_object": include_object, "compare_type": True}
        )
        return compare_metadata(context, Base.metadata)


def downgrade(engine: Engine, target: str) -> None:
    config = migrations.alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, target)


def user_tables(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names()) - {"alembic_version"}


@pytest.mark.parametrize("empty_db_url", DIALECTS, indirect=True)
def test_migrations_build_exactly_the_models(engine: Engine) -> None:
    assert user_tables(engine) == set()
    migrations.upgrade(engine)
    assert differences(engine) == []
    assert set(Base.metadata.tables) <= user_tables(engine)


@pytest.mark.parametrize("empty_db_url", DIALECTS, indirect=True)
def test_downgrade_to_base_and_upgrade_again(
    engine: Engine, empty_db_url: str, clock: FakeClock
) -> None:
    migrations.upgrade(engine)
    downgrade(engine, "base")
    assert user_tables(engine) == set()
    migrations.upgrade(engine)
    assert differences(engine) == []
    services = Services.open(empty_db_url, clock=clock)
    try:
        call = services.calls.start("Acme")
        note = services.notes.add(call.id, NoteKind.PAIN, "Budget frozen until Q3")
        assert [h.note_id for h in services.search.search("frozen")] == [note.id]
    finally:
        services.close()


@pytest.mark.parametrize("start", migrations.revisions())
@pytest.mark.parametrize("empty_db_url", DIALECTS, indirect=True)
def test_opening_upgrades_from_every_earlier_revision(
    engine: Engine, empty_db_url: str, start: str, clock: FakeClock
) -> None:
    migrations.upgrade(engine, start)
    engine.dispose()  # its pooled connection would be another program using the file
    services = Services.open(empty_db_url, clock=clock)
    try:
        assert services.calls.count() == 0
    finally:
        services.close()
    assert differences(engine) == []
    with engine.connect() as conn:
        assert MigrationContext.configure(conn).get_current_revision() == migrations.head()


def test_revision_ids_are_the_file_prefixes_and_the_head_agrees() -> None:
    scripts = ScriptDirectory.from_config(migrations.alembic_config())
    found = {}
    for script in scripts.walk_revisions():
        assert script.path is not None
        name = script.path.rsplit("/", 1)[-1]
        match = re.fullmatch(r"(\d{4})_\w+\.py", name)
        assert match, name
        found[script.revision] = match.group(1)
    assert all(revision == prefix for revision, prefix in found.items())
    assert tuple(sorted(found)) == migrations.revisions()
    assert scripts.get_heads() == [migrations.head()]
    assert scripts.get_current_head() == migrations.head()


def test_revisions_form_one_line_oldest_first() -> None:
    scripts = ScriptDirectory.from_config(migrations.alembic_config())
    chain = [s.revision for s in scripts.walk_revisions("base", "heads")]
    assert list(reversed(chain)) == list(migrations.revisions())
    for script in scripts.walk_revisions():
        down = script.down_revision
        assert down is None or isinstance(down, str)


@pytest.mark.parametrize("empty_db_url", DIALECTS, indirect=True)
def test_the_comparison_notices_a_schema_that_drifted(engine: Engine) -> None:
    migrations.upgrade(engine)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP INDEX ix_notes_call_offset")
    assert [d[0] for d in differences(engine)] == ["add_index"]
