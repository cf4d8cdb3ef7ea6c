"""Shared fixtures: a real database per test, on SQLite and on a real PostgreSQL server,
the test's clock, and a seeded random source.

Each dialect's schema is migrated once per run into a template (a file for SQLite, a
template database for PostgreSQL) and copied for every test, so a test starts from a
migrated, empty database in milliseconds.

Markers are applied here, not by hand: `postgres` on every test that runs against the
server (`-m "not postgres"` is the quick SQLite-only run) and `ui` on every test under
`tests/ui` (`-m "not ui"` leaves the window out).
"""

from __future__ import annotations

import os
import random
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

# Offscreen, on a screen the size of a common laptop's (the default is 800x800).
if os.environ.get("QT_QPA_PLATFORM", "offscreen") == "offscreen":
    os.environ["QT_QPA_PLATFORM"] = (
        f"offscreen:configfile={Path(__file__).with_name('offscreen.json')}"
    )

# No test reads or writes the keyring of the machine it runs on (a developer's desktop
# would be asked to unlock it); a test that needs one sets its own.
os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"

import pytest
from hypothesis import HealthCheck, settings
from sqlalchemy import create_engine, text

from desktop.services import Services
from tests.fakes import FakeClock

DIALECTS = ["sqlite", "postgres"]
#: Fixtures that start a PostgreSQL server (`own_pg_server`: a test's own, to stop).
SERVER_FIXTURES = frozenset({"pg_server", "pg_template", "own_pg_server"})
UI_TESTS = Path(__file__).parent / "ui"
#: Set it to replay a failed random test: its seed is printed with its failure.
ENV_SEED = "RIDEALONG_TEST_SEED"

# Property tests: a quick pass while developing; CI tries more examples, the same ones
# every run (derandomized), and prints a failure's reproduction blob.
_SLOW_OK = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
settings.register_profile("dev", max_examples=15, deadline=None, suppress_health_check=_SLOW_OK)
settings.register_profile(
    "ci",
    max_examples=60,
    deadline=None,
    derandomize=True,
    print_blob=True,
    suppress_health_check=_SLOW_OK,
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        params = getattr(item, "callspec", None)
        on_server = params is not None and "postgres" in params.params.values()
        if on_server or SERVER_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.postgres)
        if UI_TESTS in item.path.parents:
            item.add_marker(pytest.mark.ui)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def rng() -> random.Random:
    """Randomness for tests that try random moments, from a seed printed with the test's
    output (shown when it fails) and replayed with RIDEALONG_TEST_SEED=<seed>."""
    seed = int(os.environ.get(ENV_SEED) or random.SystemRandom().randrange(2**32))
    print(f"random seed {seed}: replay with {ENV_SEED}={seed}")
    return random.Random(seed)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "ridealong.db"
    services = Services.open(f"sqlite:///{path}", clock=FakeClock())
    services.close()
    return path


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """A PostgreSQL 16 server started from pip for this test run; yields its base URL.

    Its data lives outside pytest's numbered temporary folders: another test run
    started meanwhile may prune those, and would pull the data from under the server."""
    import pgserver

    data = Path(tempfile.mkdtemp(prefix="ridealong-pg-"))
    server = pgserver.get_server(data, cleanup_mode="stop")
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
    shutil.rmtree(data, ignore_errors=True)


#: The two roles of docs/team.md: the owner runs the migrations, the app reads and
#: writes rows and may not change the schema. The tests' databases are used as the app.
OWNER_ROLE = "ridealong_owner"
APP_ROLE = "ridealong_app"


def team_roles_sql(database: str) -> list[str]:
    """docs/team.md's grants, as the test run applies them (the doc shows the same)."""
    return [
        f"GRANT CONNECT ON DATABASE {database} TO {APP_ROLE}",
        f"GRANT USAGE ON SCHEMA public TO {APP_ROLE}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {APP_ROLE}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {APP_ROLE}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {OWNER_ROLE} IN SCHEMA public "
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {APP_ROLE}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {OWNER_ROLE} IN SCHEMA public "
        f"GRANT USAGE, SELECT ON SEQUENCES TO {APP_ROLE}",
    ]


def as_role(url: str, role: str) -> str:
    """A server URL of the test run connecting as `role` (the socket trusts every role)."""
    return url.replace("://postgres@", f"://{role}@", 1)


@pytest.fixture(scope="session")
def pg_template(pg_server: str) -> str:
    """The template every test database copies: owned by the owner role, which ran the
    migrations, with the app role's grants in it (a copy keeps them)."""
    admin = create_engine(pg_server.format(name="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text("DROP DATABASE IF EXISTS ridealong_template"))
        for role in (OWNER_ROLE, APP_ROLE):
            conn.execute(text(f"DROP ROLE IF EXISTS {role}"))
            conn.execute(text(f"CREATE ROLE {role} LOGIN"))
        conn.execute(text(f"CREATE DATABASE ridealong_template OWNER {OWNER_ROLE}"))
    admin.dispose()
    owner_url = as_role(pg_server.format(name="ridealong_template"), OWNER_ROLE)
    services = Services.open(owner_url, clock=FakeClock())
    services.close()
    owner = create_engine(owner_url, isolation_level="AUTOCOMMIT")
    with owner.connect() as conn:
        for statement in team_roles_sql("ridealong_template"):
            conn.execute(text(statement))
    owner.dispose()
    return "ridealong_template"


def fresh_pg_database(pg_server: str, template: str | None) -> str:
    """A new database on the server; copied from `template`, it is used as the app role
    (docs/team.md), else (an empty one, for the migrations) as the superuser."""
    name = "t_" + uuid.uuid4().hex[:16]
    admin = create_engine(pg_server.format(name="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        clause = f" TEMPLATE {template}" if template else ""
        conn.execute(text(f"CREATE DATABASE {name}{clause}"))
    admin.dispose()
    url = pg_server.format(name=name)
    return as_role(url, APP_ROLE) if template else url


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
def sqlite_url(tmp_path: Path, sqlite_template: Path) -> str:
    """A migrated SQLite database only, for tests of what only a file can do."""
    path = tmp_path / "ridealong.db"
    shutil.copy(sqlite_template, path)
    return f"sqlite:///{path}"
