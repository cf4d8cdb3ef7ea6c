"""Where the data lives and who the user is.

The database URL is resolved once, in this order: an explicit `--database-url`, an
explicit `--data-dir` (meaning `DIR/ridealong.db`), the `RIDEALONG_DATABASE_URL`
environment variable, then `ridealong.db` in the platform's user data directory.
"""

from __future__ import annotations

import getpass
import os
from pathlib import Path

from desktop.errors import UserError

APP_NAME = "Ridealong"
DB_FILENAME = "ridealong.db"
ENV_DATABASE_URL = "RIDEALONG_DATABASE_URL"


def default_data_dir() -> Path:
    """The per-user data directory, e.g. ~/.local/share/Ridealong on Linux."""
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def resolve_database_url(
    database_url: str | None = None, data_dir: str | os.PathLike[str] | None = None
) -> str:
    """Pick the database URL the rest of the program uses."""
    if database_url and data_dir:
        raise UserError("give either --database-url or --data-dir, not both")
    if database_url:
        return database_url
    if data_dir is not None:
        return sqlite_url(Path(data_dir).expanduser().absolute() / DB_FILENAME)
    env = os.environ.get(ENV_DATABASE_URL, "").strip()
    if env:
        return env
    return sqlite_url(default_data_dir() / DB_FILENAME)


def system_user_name() -> str:
    """Authorship until the user says who they are."""
    try:
        name = getpass.getuser()
    except (KeyError, OSError):
        name = ""
    return name or "me"
