"""Choosing the team database (Settings > Database): a server's settings as a URL, a
test of the connection before the window switches to it, and its password kept in the
system's keyring, never in a file, a message or a command line.

Called with no database open, from the window's dialog (off the GUI thread for the
test) and nowhere else; the CLI takes a URL as it always has.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import URL

from desktop.config import keep_password, local_database_url, save_database_url, stored_password
from desktop.errors import RidealongError, UserError
from desktop.storage import migrations
from desktop.storage.database import (
    describe,
    login_of,
    login_without_password,
    parse_url,
    probe_server,
    sqlite_path,
    with_password,
)

#: libpq's `sslmode`s a team is offered: off, opportunistic, required, required with the
#: server's certificate and name checked.
TLS_MODES = ("disable", "prefer", "require", "verify-full")
DEFAULT_PORT = 5432


@dataclass(frozen=True, slots=True)
class ServerSettings:
    """Where a team database is, as the dialog's fields say it (no password)."""

    host: str
    database: str
    user: str
    port: int = DEFAULT_PORT
    tls: str = "prefer"

    def url(self) -> str:
        """The URL without a password; a `UserError` names an empty field."""
        for name, value in (("host", self.host), ("database", self.database), ("user", self.user)):
            if not value.strip():
                raise UserError(f"give the server's {name}")
        if self.tls not in TLS_MODES:
            raise UserError(f"unknown TLS mode {self.tls!r}: one of {', '.join(TLS_MODES)}")
        host, query = self.host.strip(), {"sslmode": self.tls}
        if host.startswith("/"):  # a folder holding the server's socket, on this machine
            query |= {"host": host, "port": str(self.port)}
            return (
                URL.create("postgresql", username=self.user.strip(), database=self.database.strip())
                .update_query_dict(query)
                .render_as_string()
            )
        return URL.create(
            "postgresql",
            username=self.user.strip(),
            host=host,
            port=self.port,
            database=self.database.strip(),
            query=query,
        ).render_as_string()

    @classmethod
    def of(cls, url: str) -> ServerSettings | None:
        """The settings a server URL holds; None for a SQLite file."""
        parsed = parse_url(url)
        if sqlite_path(parsed) is not None:
            return None
        query = {k: v if isinstance(v, str) else v[0] for k, v in parsed.query.items()}
        port = parsed.port or int(query.get("port", DEFAULT_PORT))
        tls = query.get("sslmode", "prefer")
        return cls(
            host=parsed.host or query.get("host", ""),
            database=parsed.database or "",
            user=parsed.username or "",
            port=port,
            tls=tls if tls in TLS_MODES else "prefer",
        )


@dataclass(frozen=True, slots=True)
class Probe:
    """What a test of the connection found: whether the window can switch to it, and
    one line saying why (never holding the password)."""

    usable: bool
    said: str


def try_connection(url: str, password: str = "") -> Probe:
    """Connect once to the server at `url` (with `password`, else the keyring's) and
    say whether the window can work on it: reachable and at this app's schema."""
    try:
        state = probe_server(with_password(url, password) if password else with_keyring(url))
    except RidealongError as error:  # unreachable, a wrong password, newer, foreign…
        return Probe(False, str(error))
    settings = ServerSettings.of(url)
    name = f"{settings.database} on {settings.host}" if settings else describe(url)
    upgrade = (
        f"its owner runs `ridealong --database-url {describe(url)} db upgrade` first (docs/team.md)"
    )
    if state.is_empty:
        return Probe(False, f"Reachable, but {name} has no Ridealong tables yet: {upgrade}")
    if state.revision != migrations.head():
        return Probe(
            False,
            f"Reachable, but {name} is at schema {state.revision} and needs an upgrade to "
            f"{migrations.head()}: {upgrade}",
        )
    return Probe(True, f"Reachable: {name}, schema {state.revision} (current)")


def with_keyring(url: str) -> str:
    """`url` with the password the keyring keeps for it, when it needs one."""
    login = login_without_password(url)
    stored = stored_password(login) if login is not None else None
    return with_password(url, stored) if stored is not None else url


def choose(url: str | None, password: str = "") -> bool:
    """Remember the database the window opens (None: the local file) and keep its
    password in the keyring; False when no keyring kept the password."""
    save_database_url(url)
    if url is None or not password:
        return True
    return keep_password(login_of(url), password)


def local_url() -> str:
    """The database file on this computer, the default."""
    return local_database_url()


def opening_url(url: str | None, password: str = "") -> str:
    """What the window opens for a choice: the local file (None), else the server's URL
    with the password typed or the keyring's (held in memory only)."""
    if url is None:
        return local_database_url()
    return with_password(url, password) if password else with_keyring(url)
