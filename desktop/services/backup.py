"""Backups, restore, the open-time health check and the automatic maintenance pass.

This is the one module the window needs for durability (File > Backups, the restore
offer on open, the risky-place banner). Backups exist for SQLite files only; a team
database on PostgreSQL is backed up by its server (pg_dump or the provider's backups),
and every backup call says so as a `UserError`.

Long calls take `progress(done, total)` and a `CancelToken` and should run in a Job.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from desktop.clock import Clock, utcnow
from desktop.errors import UserError
from desktop.progress import CancelToken, Progress, no_progress
from desktop.services.base import Service
from desktop.services.trash import Purged, TrashService
from desktop.storage import backup as files
from desktop.storage.backup import BackupInfo, BackupKind, RestoreResult
from desktop.storage.database import Database, describe, opens_read_only, parse_url, sqlite_path
from desktop.storage.health import DatabaseHealth, Health, check_health
from desktop.storage.places import RiskyPlace, risky_place
from desktop.storage.portable import PortableCopy, copy_to_sqlite

__all__ = [
    "BackupInfo",
    "BackupKind",
    "BackupService",
    "DatabaseHealth",
    "Health",
    "Maintenance",
    "PortableCopy",
    "RestoreResult",
    "RiskyPlace",
    "check_health",
    "copy_team_database",
    "is_server",
    "restore",
    "risky_place_of",
]

SERVER_BACKUPS = (
    "is a database server: use your server's backups (pg_dump, or your provider's), not Ridealong's"
)


def database_file(url: str) -> Path:
    """The SQLite file behind `url`; a clear `UserError` for a server database."""
    path = sqlite_path(parse_url(url))
    if path is None:
        raise UserError(f"{describe(url)} {SERVER_BACKUPS}")
    return path


def is_server(url: str) -> bool:
    """Whether `url` is a team database on a server (backed up by the server's tools)."""
    return sqlite_path(parse_url(url)) is None


def copy_team_database(
    url: str,
    destination: str | Path,
    *,
    progress: Progress = no_progress,
    cancel: CancelToken | None = None,
) -> PortableCopy:
    """The team database at `url` as one SQLite file the app opens, for a laptop that
    leaves the network (not a backup: the server's own tools do those)."""
    return copy_to_sqlite(url, destination, progress=progress, cancel=cancel)


def risky_place_of(url: str) -> RiskyPlace | None:
    """A synced folder or a network share holding the database file (None for servers)."""
    path = sqlite_path(parse_url(url))
    return risky_place(path) if path is not None else None


def restore(
    url: str,
    source: str | Path,
    *,
    progress: Progress = no_progress,
    cancel: CancelToken | None = None,
    clock: Clock = utcnow,
) -> RestoreResult:
    """Replace the database at `url` with the backup file `source`.

    Call it with the database closed (the window closes its `Services` first and reopens
    after); another window or program holding it open is refused with a clear message.
    The current file is kept in `backups/` first, even when it is damaged. Nothing
    changes if `source` is not a sound Ridealong database of a schema this app knows.
    """
    if opens_read_only(parse_url(url)):
        raise UserError(f"{describe(url)} is open read-only (?mode=ro); a restore would replace it")
    return files.restore_file(
        database_file(url), Path(source), progress=progress, cancel=cancel, now=clock()
    )


@dataclass(frozen=True, slots=True)
class Maintenance:
    """What one automatic pass did."""

    backup: BackupInfo | None
    purged: Purged


class BackupService(Service):
    """Backups of the open database, and the automatic pass (backup, then trash purge)."""

    def __init__(self, db: Database) -> None:
        super().__init__(db)
        self._trash = TrashService(db)
        #: Whether another program had changed the file since its newest backup before
        #: this one opened it: then closing backs up even after a session that only read.
        self._changed_before: bool | None = None
        if self.supported:
            self._changed_before = self.due(closing=True)

    @property
    def supported(self) -> bool:
        """Whether this database has Ridealong backups (SQLite) or its server's (PostgreSQL)."""
        return self._db.path is not None

    @property
    def folder(self) -> Path | None:
        """Where this database's backups are kept (File > Backups opens it); None for a
        server database, which has no Ridealong backups."""
        return files.backups_dir(self._path()) if self.supported else None

    def _path(self) -> Path:
        return database_file(self._db.url)

    def create(
        self,
        destination: str | Path | None = None,
        *,
        progress: Progress = no_progress,
        cancel: CancelToken | None = None,
    ) -> BackupInfo:
        """Back up now: into `backups/` (rotated) or to `destination`. Refuses a damaged
        database (`StorageUnavailable`), so good backups are never pushed out."""
        target = Path(destination) if destination is not None else None
        return files.create_backup(
            self._path(), target, progress=progress, cancel=cancel, now=self._now()
        )

    def list(self) -> tuple[BackupInfo, ...]:
        """Every backup in `backups/`, newest first, with size, time and counts."""
        return files.list_backups(self._path()) if self.supported else ()

    def delete(self, backups: Sequence[BackupInfo]) -> None:
        """Delete backups the user chose in the Backups dialog."""
        folder = files.backups_dir(self._path()).resolve()
        for info in backups:
            if info.path.resolve().parent != folder:
                raise UserError(f"{info.path} is not one of this database's backups")
        files.delete_backups(info.path for info in backups)

    def due(self, *, closing: bool = False) -> bool:
        """Whether the automatic pass would back up now: something changed since the
        newest backup, and the app is closing or that backup is 30 minutes old. Cheap
        (a few `stat`s): the window may ask every minute. At closing, only what was
        written while open (here, or by another program before it opened) is worth a
        backup: a session that only read makes none."""
        if not self.supported:
            return False
        if closing and self._changed_before is False and not self._db.writes:
            return False
        return files.backup_due(self._path(), self._now(), closing=closing)

    def run_automatic(
        self,
        *,
        closing: bool = False,
        progress: Progress = no_progress,
        cancel: CancelToken | None = None,
    ) -> Maintenance:
        """The automatic pass: a backup if one is due, then the trash purge (items
        deleted over 30 days ago), so what is purged is in the backup just made."""
        made = None
        if self.due(closing=closing):
            made = self.create(progress=progress, cancel=cancel)
        return Maintenance(backup=made, purged=self._trash.purge_expired())
