"""Storage failures the tests cause on purpose: a read-only file, a full disk, another
program holding the lock, a database file that vanished.

The tests in this package break things from outside, as the red-team pass did, in
seconds and seeded by the `rng` fixture: opens beside a live writer, kill -9 of a writer
and a reader, a disk filled at several levels (their processes: `processes.py`)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, event

from desktop.services import Services


def db_path(url: str) -> Path:
    return Path(url.removeprefix("sqlite:///"))


@contextmanager
def on_every_connection(services: Services, *sql: str) -> Iterator[None]:
    """Run SQL on every new connection of the services' engine, while inside."""
    engine = services.db.engine

    def hook(dbapi_conn: object, _record: object) -> None:
        cursor = dbapi_conn.cursor()  # type: ignore[attr-defined]
        for statement in sql:
            if "{page_count}" in statement:
                pages = cursor.execute("PRAGMA page_count").fetchone()[0]
                statement = statement.format(page_count=pages)
            cursor.execute(statement)
        cursor.close()

    event.listen(engine, "connect", hook)
    engine.dispose()
    try:
        yield
    finally:
        event.remove(engine, "connect", hook)
        engine.dispose()


@contextmanager
def read_only(services: Services, url: str) -> Iterator[None]:
    with on_every_connection(services, "PRAGMA query_only = ON"):
        yield


@contextmanager
def disk_full(services: Services, url: str) -> Iterator[None]:
    with on_every_connection(services, "PRAGMA max_page_count = {page_count}"):
        yield


@contextmanager
def locked(services: Services, url: str) -> Iterator[None]:
    other = create_engine(url, connect_args={"isolation_level": None})
    with (
        on_every_connection(services, "PRAGMA busy_timeout = 50"),
        other.connect() as conn,
    ):
        conn.exec_driver_sql("BEGIN EXCLUSIVE")
        yield
        conn.exec_driver_sql("ROLLBACK")
    other.dispose()


@contextmanager
def vanished(services: Services, url: str) -> Iterator[None]:
    path = db_path(url)
    away = path.with_name("moved-away.db")
    os.replace(path, away)
    try:
        yield
    finally:
        os.replace(away, path)
