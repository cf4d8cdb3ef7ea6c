"""What the window asks before it opens a database: can it, and if not, what to offer.

`check_health(url)` never changes the database: it reads the file's header and schema
(and, with `deep`, checks its pages as an open does: `database.verify_file`), finds the
newest good backup to offer when the file cannot be used, and notes a risky place (a
synced folder, a network share).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from desktop.errors import Damaged, Foreign, NeedsUpgrade, Newer, StorageUnavailable, UserError
from desktop.storage import migrations
from desktop.storage.backup import BackupInfo, newest_good_backup
from desktop.storage.database import (
    describe,
    inspect_sqlite_file,
    open_database,
    opens_read_only,
    parse_url,
    sqlite_path,
    verify_file,
)
from desktop.storage.places import RiskyPlace, risky_place


class Health(enum.StrEnum):
    OK = "ok"
    #: No database yet: opening creates one.
    NEW = "new"
    #: An older schema: opening upgrades it (a copy is kept in backups/ first).
    NEEDS_UPGRADE = "needs-upgrade"
    DAMAGED = "damaged"
    #: Not a Ridealong database: another program's file, or not SQLite at all.
    FOREIGN = "foreign"
    NEWER = "newer"
    #: Cannot be reached or read (permissions, a server that does not answer).
    UNAVAILABLE = "unavailable"


@dataclass(frozen=True, slots=True)
class DatabaseHealth:
    """The answer to "can I open this?", with what to offer when the answer is no."""

    where: str
    health: Health
    #: The sentence to show when `health` is not OK, NEW or NEEDS_UPGRADE.
    problem: str | None
    revision: str | None
    #: The newest backup that can be restored, looked for only when the database cannot
    #: be opened (SQLite only; None if there is none).
    newest_backup: BackupInfo | None
    #: A synced folder or network share: show `place.message` as a warning.
    place: RiskyPlace | None

    @property
    def can_open(self) -> bool:
        return self.health in (Health.OK, Health.NEW, Health.NEEDS_UPGRADE)


def check_health(url: str, *, deep: bool = True) -> DatabaseHealth:
    """Inspect the database at `url` without changing it (see the module docstring).

    `deep` runs the quick check on a SQLite file changed since it was last found sound
    (about a second per million notes, so the window calls this off the GUI thread), and
    the spot check on one that is unchanged.
    """
    where = describe(url)
    path = sqlite_path(parse_url(url))
    if path is None:
        return _server_health(url, where)
    place = risky_place(path)
    revision = None
    try:
        state = inspect_sqlite_file(path)
        revision = state.revision
        if state.is_empty:
            return DatabaseHealth(where, Health.NEW, None, None, None, place)
        if revision not in migrations.revisions():
            problem = (
                f"{where} was written by a newer Ridealong (schema {revision}); "
                "update the app to open it"
            )
            backup = newest_good_backup(path)
            return DatabaseHealth(where, Health.NEWER, problem, revision, backup, place)
        if deep:
            verify_file(path, stamp=not opens_read_only(parse_url(url)))
    except StorageUnavailable as error:
        backup = newest_good_backup(path)
        return DatabaseHealth(where, _classify(error), str(error), revision, backup, place)
    # A backup is looked for only when the file cannot be opened: an open reads none.
    health = Health.OK if revision == migrations.head() else Health.NEEDS_UPGRADE
    return DatabaseHealth(where, health, None, revision, None, place)


_HEALTH_OF: dict[type[StorageUnavailable], Health] = {
    Damaged: Health.DAMAGED,
    Foreign: Health.FOREIGN,
    Newer: Health.NEWER,
}


def _classify(error: StorageUnavailable) -> Health:
    return _HEALTH_OF.get(type(error), Health.UNAVAILABLE)


def _server_health(url: str, where: str) -> DatabaseHealth:
    try:
        open_database(url, upgrade=False).close()
    except NeedsUpgrade:
        return DatabaseHealth(where, Health.NEEDS_UPGRADE, None, None, None, None)
    except StorageUnavailable as error:
        return DatabaseHealth(where, _classify(error), str(error), None, None, None)
    except UserError as error:
        return DatabaseHealth(where, Health.UNAVAILABLE, str(error), None, None, None)
    return DatabaseHealth(where, Health.OK, None, migrations.head(), None, None)
