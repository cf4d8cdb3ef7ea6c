"""Alembic's entry point: always handed a live connection by `migrations.upgrade`."""

from typing import Any

from alembic import context

from desktop.storage.models import Base
from desktop.storage.search import backend_for

connection = context.config.attributes["connection"]
search_objects = backend_for(connection.dialect.name).own_objects


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """Leave the search backend's own tables, columns and indexes to it."""
    return name not in search_objects


context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
    include_object=include_object,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
