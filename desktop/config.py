"""Where the data lives and who the user is.

The database URL is resolved once, in this order: an explicit `--database-url`, an
explicit `--data-dir` (meaning `DIR/ridealong.db`), the `RIDEALONG_DATABASE_URL`
environment variable, the team database chosen in Settings > Database (`database.json`
in the config directory, never with its password), then `ridealong.db` in the
platform's user data directory.

A URL may hold a password; `masked(url)` is the only form of it ever shown.
"""

from __future__ import annotations

import getpass
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from desktop.domain import Role
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
    if database_url is not None and not database_url.strip():
        # Said, not read as "no option": the default would be opened without a word.
        raise UserError("empty database URL: use sqlite:///PATH or postgresql://USER@HOST/DATABASE")
    if database_url and data_dir:
        raise UserError("give either --database-url or --data-dir, not both")
    if database_url:
        return database_url
    if data_dir is not None:
        return sqlite_url(Path(data_dir).expanduser().absolute() / DB_FILENAME)
    env = os.environ.get(ENV_DATABASE_URL, "").strip()
    if env:
        return env
    return saved_database_url() or local_database_url()


def local_database_url() -> str:
    """The database on this computer: `ridealong.db` in the user data directory."""
    return sqlite_url(default_data_dir() / DB_FILENAME)


DATABASE_FILE = "database.json"


def saved_database_url() -> str | None:
    """The team database chosen in Settings > Database (without its password), if any."""
    try:
        data = json.loads((config_dir() / DATABASE_FILE).read_text(encoding="utf-8"))
        url = data["url"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return url if isinstance(url, str) and url.strip() else None


def save_database_url(url: str | None) -> None:
    """Remember the database the window opens from now on (None: the local file). A
    password is never written here: it belongs in the keyring."""
    path = config_dir() / DATABASE_FILE
    if url is None:
        path.unlink(missing_ok=True)
        return
    if masked(url) != url:
        raise UserError("a database URL with a password is not saved; the keyring keeps it")
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, json.dumps({"url": url}).encode())


#: The name of a query parameter whose value is a secret: libpq's `password`,
#: `sslpassword` and `oauth_client_secret`, and what else a host's URL may carry.
SECRET_KEY = re.compile(r"pass|pwd|secret|token", re.I)
_SECRET_PARAMETER = re.compile(rf"([?&;][^=&;#]*(?:{SECRET_KEY.pattern})[^=&;#]*=)[^&;#]*", re.I)


def masked(url: str) -> str:
    """`url` with every secret replaced by `***`, for messages: the password of its
    user info and the value of any password-like query parameter.

    Works on the text, not on a parsed URL, so a URL too malformed to parse is masked
    too; where a password holds an unescaped `@`, everything up to the last `@` goes.
    A URL starting `scheme:///` (a SQLite file) has no user info, whatever its path holds.
    """
    text = _SECRET_PARAMETER.sub(r"\1***", url)
    head, sep, rest = text.partition("://")
    if not sep:
        head, rest = "", text
    colon, at = rest.find(":"), rest.rfind("@")
    if 0 <= colon < at and not rest.startswith("/"):
        rest = f"{rest[: colon + 1]}***{rest[at:]}"
    return head + sep + rest


#: The keyring entry of a team database's password: service "Ridealong", user `USER@HOST`
#: (`keyring set Ridealong alice@db.example.com` stores it).
KEYRING_SERVICE = APP_NAME


def stored_password(login: str) -> str | None:
    """The password kept in the system's keyring for `login` (`USER@HOST`), if any.

    No keyring package, no keyring service (a headless machine) or a locked one all
    mean none: the password may still come from ~/.pgpass or a prompt.
    """
    try:
        import keyring
        from keyring.errors import KeyringError
    except ImportError:
        return None
    try:
        return keyring.get_password(KEYRING_SERVICE, login)
    except KeyringError:
        return None


def keep_password(login: str, password: str) -> bool:
    """Put a team database's password in the system's keyring; False when no keyring
    kept it (none on a headless machine, or locked): then ~/.pgpass or a prompt must."""
    try:
        import keyring
        from keyring.errors import KeyringError
    except ImportError:
        return False
    try:
        keyring.set_password(KEYRING_SERVICE, login, password)
        return keyring.get_password(KEYRING_SERVICE, login) == password
    except KeyringError:
        return False


def system_user_name() -> str:
    """Authorship until the user says who they are."""
    try:
        name = getpass.getuser()
    except (KeyError, OSError):
        name = ""
    return name or "me"


ENV_CONFIG_DIR = "RIDEALONG_CONFIG_DIR"
IDENTITY_FILE = "identity.json"


def config_dir() -> Path:
    """Per-user settings (who you are); `RIDEALONG_CONFIG_DIR` overrides, for tests."""
    override = os.environ.get(ENV_CONFIG_DIR, "").strip()
    if override:
        return Path(override)
    from platformdirs import user_config_dir

    return Path(user_config_dir(APP_NAME, appauthor=False))


def drafts_dir(database_url: str) -> Path:
    """Where unsent note text is kept: beside a SQLite file, else in the data directory.

    Drafts belong to this machine even when the database is a shared server; each
    server database has a folder of its own (named by a digest of its host, port, name
    and user, never its password), so a note queued for one is never sent to another.
    """
    import hashlib

    from desktop.storage.database import parse_url, sqlite_path

    url = parse_url(database_url)
    path = sqlite_path(url)
    if path is not None:
        return path.parent / "drafts"
    where = url.set(password=None).render_as_string(hide_password=True)
    return default_data_dir() / "drafts" / hashlib.sha256(where.encode()).hexdigest()[:16]


#: The folder of the sample database, beside the real one: its own file, drafts and
#: backups, so sample calls never mix with real ones.
SAMPLE_DIR = "sample-data"


def sample_database_url(database_url: str) -> str:
    """The sample database that goes with `database_url`, its folder made if need be:
    `sample-data/ridealong.db` beside a SQLite file, else in the data directory. The
    sample database's own URL gives itself."""
    from desktop.storage.database import parse_url, sqlite_path

    path = sqlite_path(parse_url(database_url))
    if path is not None and path.parent.name == SAMPLE_DIR:
        return database_url
    folder = (path.parent if path else default_data_dir()) / SAMPLE_DIR
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UserError(f"cannot make the sample data folder {folder}: {error.strerror}") from None
    return sqlite_url(folder / DB_FILENAME)


@dataclass(frozen=True, slots=True)
class Identity:
    """Who is using the app, for authorship; `confirmed` is False until they say."""

    name: str
    role: Role
    confirmed: bool


def load_identity() -> Identity:
    try:
        data = json.loads((config_dir() / IDENTITY_FILE).read_text(encoding="utf-8"))
        return Identity(str(data["name"]), Role.parse(str(data["role"])), confirmed=True)
    except (OSError, ValueError, KeyError, TypeError, UserError):
        return Identity(system_user_name(), Role.MARKETER, confirmed=False)


def save_identity(name: str, role: Role) -> Identity:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise UserError("your name must not be empty")
    folder = config_dir()
    folder.mkdir(parents=True, exist_ok=True)
    write_atomically(
        folder / IDENTITY_FILE, json.dumps({"name": cleaned, "role": role.value}).encode()
    )
    return Identity(cleaned, role, confirmed=True)


def write_atomically(path: Path, data: bytes) -> None:
    """Replace `path` with `data` so that a crash leaves the old file or the new, never half."""
    temporary = path.with_name(path.name + ".tmp")
    with temporary.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
