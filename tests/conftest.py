"""Shared fixtures: a real database per test, on SQLite and on a real PostgreSQL server.

Each dialect's schema is migrated once per run into a template (a file for SQLite, a
template database for PostgreSQL) and copied for every test, so a test starts from a
migrated, empty database in milliseconds.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

# Offscreen, on a screen the size of a common laptop's (the default is 800x800).
if os.environ.get("QT_QPA_PLATFORM", "offscreen") == "offscreen":
    os.environ["QT_QPA_PLATFORM"] = (
        f"offscreen:configfile={Path(__file__).with_name('offscreen.json')}"
    )

import pytest
from sqlalchemy import create_engine, text

from desktop.services import Services
from tests.fakes import FakeClock

DIALECTS = ["sqlite", "postgres"]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "ridealong.db"
    services = Services.open(f"sqlite:///{path}")
    services.close()
    return path


@pytest.fixture(scope="session")
def pg_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A PostgreSQL 16 server started from pip for this test run; yields its base URL."""
    import pgserver

    server = pgserver.get_server(tmp_path_factory.mktemp("pg"), cleanup_mode="stop")
    host = server.get_uri().split("host=", 1)[1]
    url = f"postgresql+psycopg://postgres@/{{name}}?host={host}"
    # A throwaway server: durability buys nothing here, and fsync makes every CREATE
    # DATABASE and the final shutdown wait for the disk (seconds over a whole run).
    admin = create_engine(url.format(name="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text("ALTER SYSTEM SET fsync = off"))
        conn.execute(text("SELECT pg_reload_conf()"))
    admin.dispose()
    yield url
    server.cleanup()


@pytest.fixture(scope="session")
def pg_template(pg_server: str) -> str:
    admin = create_engine(pg_server.format(name="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text("DROP DATABASE IF EXISTS ridealong_template"))
        conn.execute(text("CREATE DATABASE ridealong_template"))
    admin.dispose()
    services = Services.open(pg_server.format(name="ridealong_template"))
    services.close()
    return "ridealong_template"


def fresh_pg_database(pg_server: str, template: str | None) -> str:
    name = "t_" + uuid.uuid4().hex[:16]
    admin = create_engine(pg_server.format(name="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        clause = f" TEMPLATE {template}" if template else ""
        conn.execute(text(f"CREATE DATABASE {name}{clause}"))
    admin.dispose()
    return pg_server.format(name=name)


@pytest.fixture(params=DIALECTS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A migrated, empty Ridealong database of each dialect."""
    if request.param == "sqlite":
        path = tmp_path / "ridealong.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    template = request.getfixturevalue("pg_template")
    return fresh_pg_database(request.getfixturevalue("pg_server"), template)


@pytest.fixture
def empty_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database with no schema yet, on the dialect of `db_url`'s parameter or SQLite."""
    dialect = getattr(request, "param", "sqlite")
    if dialect == "sqlite":
        return f"sqlite:///{tmp_path / 'ridealong.db'}"
    return fresh_pg_database(request.getfixturevalue("pg_server"), None)


@pytest.fixture
def services(db_url: str, clock: FakeClock) -> Iterator[Services]:
    opened = Services.open(db_url, clock=clock)
    yield opened
    opened.close()


@pytest.fixture
def ui_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Settings and identity of window tests live in the test's own folder."""
    from PySide6.QtCore import QSettings

    monkeypatch.setenv("RIDEALONG_CONFIG_DIR", str(tmp_path / "config"))
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(tmp_path / "qsettings"))
    return tmp_path


@pytest.fixture
def sqlite_url(tmp_path: Path, sqlite_template: Path) -> str:
    """A migrated SQLite database only, for tests of what only a file can do."""
    path = tmp_path / "ridealong.db"
    shutil.copy(sqlite_template, path)
    return f"sqlite:///{path}"
