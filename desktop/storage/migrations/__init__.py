"""The Alembic migrations that build and change the schema, shipped with the package.

Revision ids are the four-digit prefixes of the files in `versions/` (a test holds the
convention), so an open can tell whether the schema is current without importing
Alembic.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine

if TYPE_CHECKING:
    from alembic.config import Config

HERE = Path(__file__).parent
_REVISION_FILE = re.compile(r"^(\d{4})_\w+\.py$")


@cache
def revisions() -> tuple[str, ...]:
    """Every revision this app knows, oldest first."""
    found = (_REVISION_FILE.match(p.name) for p in (HERE / "versions").iterdir())
    return tuple(sorted(m.group(1) for m in found if m))


def head() -> str:
    return revisions()[-1]


def alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(HERE))
    return config


def upgrade(engine: Engine, target: str = "head") -> None:
    """Bring the schema to `target`. On SQLite, foreign keys are off meanwhile, since
    batch mode rebuilds tables and a rebuild must not cascade deletes."""
    from alembic import command

    config = alembic_config()
    with engine.connect() as conn:
        sqlite = engine.dialect.name == "sqlite"
        if sqlite:
            _foreign_keys(conn, "OFF")
        try:
            with conn.begin():
                if not sqlite:  # rebuilding a big table may outlast a statement's timeout
                    conn.exec_driver_sql("SET LOCAL statement_timeout = 0")
                config.attributes["connection"] = conn
                command.upgrade(config, target)
                if sqlite:
                    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise RuntimeError(f"migration broke foreign keys: {broken[:5]}")
        finally:
            if sqlite:
                _foreign_keys(conn, "ON")


def _foreign_keys(conn: Connection, state: str) -> None:
    """Straight on the driver's connection: through SQLAlchemy the pragma would run in a
    transaction, where SQLite ignores it."""
    cursor = conn.connection.cursor()
    try:
        cursor.execute(f"PRAGMA foreign_keys = {state}")
    finally:
        cursor.close()
