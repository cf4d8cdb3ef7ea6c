"""Backups of a SQLite database: made online, verified, rotated, listed, restored.

Backups live in `backups/` beside the database file, named by the time they were taken
(UTC), e.g. `ridealong-2025-03-14-093012.db`. A backup is made with SQLite's online
backup API from a read-only connection (so the app can go on saving notes meanwhile),
written to a hidden `.partial` name, checked with `PRAGMA quick_check`, fsynced, and
renamed: a file with a backup's name is always a whole, sound database. A damaged live
database is never backed up, so it can never push good backups out of the rotation.

Rotation (`rotate`): the 10 newest backups are kept, and besides them the newest of each
of the last 30 days (local calendar days); safety copies taken before a restore or an
upgrade are kept for 30 days, and the newest of each kind always.

Restore (`restore_file`) refuses, before changing anything, a file that is not a sound
Ridealong database of a schema this app knows. It reads only the header and
`sqlite_master` of the candidate before copying it (so a huge or hostile file costs
nothing), keeps the current database's bytes (log included, even when SQLite cannot
read them) as a `before-restore` copy, then swaps the restored copy in atomically.
"""

from __future__ import annotations

import enum
import os
import re
import sqlite3
import time
import uuid
from collections.abc import Iterable
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Final

from desktop.errors import Damaged, StorageUnavailable, UserError
from desktop.progress import CancelToken, Progress, no_progress
from desktop.storage import schemas, sqlite_files
from desktop.storage.faults import Fault, sqlite_fault
from desktop.storage.sqlite_files import SQLITE_HEADER

BACKUP_DIR: Final = "backups"
KEEP_NEWEST: Final = 10
KEEP_DAILY_DAYS: Final = 30
KEEP_SAFETY_DAYS: Final = 30
#: An automatic backup is due this long after the last one, if anything changed since.
AUTOMATIC_INTERVAL: Final = timedelta(minutes=30)
_STAMP = "%Y-%m-%d-%H%M%S"


class BackupKind(enum.StrEnum):
    """Why a backup exists: a regular one (automatic or asked for), or a safety copy."""

    REGULAR = "backup"
    BEFORE_RESTORE = "before-restore"
    BEFORE_UPGRADE = "before-upgrade"


@dataclass(frozen=True, slots=True)
class BackupInfo:
    """One backup file, as the Backups dialog lists it."""

    path: Path
    created_at: datetime
    kind: BackupKind
    size: int
    revision: str | None
    #: Live (not trashed) calls and notes in the copy; None when it cannot be read.
    calls: int | None
    notes: int | None
    #: Why it cannot be restored; None for a good backup.
    problem: str | None

    @property
    def good(self) -> bool:
        return self.problem is None


@dataclass(frozen=True, slots=True)
class Candidate:
    """A file checked as something to restore: its schema revision and contents."""

    path: Path
    revision: str
    calls: int
    notes: int


@dataclass(frozen=True, slots=True)
class RestoreResult:
    restored_from: Path
    #: Where the database that was replaced was kept (None if there was none).
    previous_kept_at: Path | None
    revision: str
    upgraded: bool
    calls: int
    notes: int


def backups_dir(db_path: Path) -> Path:
    return db_path.parent / BACKUP_DIR


def _pattern(db_path: Path) -> re.Pattern[str]:
    kinds = "|".join(re.escape(k.value) for k in BackupKind if k is not BackupKind.REGULAR)
    return re.compile(
        rf"^{re.escape(db_path.stem)}-(\d{{4}}-\d{{2}}-\d{{2}}-\d{{6}})(?:-(\d+))?"
        rf"(?:-({kinds})(?:-from-\w+)?)?\.db$"
    )


def _new_name(db_path: Path, kind: BackupKind, now: datetime, suffix: str = "") -> Path:
    folder = backups_dir(db_path)
    stamp = now.astimezone(UTC).strftime(_STAMP)
    tail = "" if kind is BackupKind.REGULAR else f"-{kind.value}{suffix}"
    for n in range(1000):
        counter = f"-{n}" if n else ""
        path = folder / f"{db_path.stem}-{stamp}{counter}{tail}.db"
        if not path.exists():
            return path
    raise StorageUnavailable(f"too many backups named for {stamp} in {folder}")


def _parse(db_path: Path, path: Path) -> tuple[datetime, BackupKind] | None:
    match = _pattern(db_path).match(path.name)
    if match is None:
        return None
    created = datetime.strptime(match.group(1), _STAMP).replace(tzinfo=UTC)
    created += timedelta(microseconds=int(match.group(2) or 0))  # keeps same-second order
    return created, BackupKind(match.group(3) or BackupKind.REGULAR.value)


def _backup_files(db_path: Path) -> list[tuple[datetime, BackupKind, Path]]:
    folder = backups_dir(db_path)
    if not folder.is_dir():
        return []
    found = []
    for path in folder.iterdir():
        parsed = _parse(db_path, path)
        if parsed is not None and path.is_file():
            found.append((*parsed, path))
    return sorted(found, key=lambda f: f[0], reverse=True)


# -- reading a candidate file --------------------------------------------------------------


def _looks_like(header: bytes) -> str:
    """A few words on what a file that is not SQLite seems to be, for the refusal."""
    signatures = {
        b"PK\x03\x04": "a zip archive",
        b"\x1f\x8b": "a gzip archive",
        b"%PDF": "a PDF document",
        b"7z\xbc\xaf": "a 7-Zip archive",
        b"Rar!": "a RAR archive",
    }
    for magic, what in signatures.items():
        if header.startswith(magic):
            return what
    if not header.strip(b"\x00"):
        return "only zero bytes"
    return "not a SQLite file"


def read_candidate(path: Path) -> Candidate:
    """Check, reading only its header and schema, that `path` is a Ridealong database this
    app can use; a clear `UserError` for anything else (nothing is written)."""
    from desktop.storage import migrations

    path = Path(path)
    if not path.exists():
        raise UserError(f"there is no file {path}")
    if not path.is_file():
        raise UserError(f"{path} is not a file")
    try:
        size = path.stat().st_size
        header = sqlite_files.read_header(path)
    except OSError as error:
        raise UserError(f"cannot read {path}: {error.strerror}") from None
    refuse = f"{path} is not a Ridealong backup"
    if size == 0:
        raise UserError(f"{refuse} (it is empty)")
    if not header.startswith(SQLITE_HEADER):
        raise UserError(f"{refuse} ({_looks_like(header)})")
    try:
        with closing(sqlite_files.connect_read_only(path)) as conn:
            found = schemas.recognise(conn)
            if found.revision is None or found.problem is not None:
                raise UserError(f"{refuse} (a SQLite file of another program)")
            revision = found.revision
            if revision not in migrations.revisions():
                raise UserError(
                    f"{path} was written by a newer Ridealong (schema {revision}); "
                    "update the app to restore it"
                )
            calls, notes = _counts(conn)
    except sqlite3.DatabaseError as error:
        if sqlite_fault(error) is not Fault.DAMAGED:
            raise UserError(f"cannot read {path}: {error}") from None
        raise UserError(f"{path} is damaged and cannot be read ({error})") from None
    return Candidate(path, str(revision), calls, notes)


def _counts(conn: sqlite3.Connection) -> tuple[int, int]:
    def count(table: str) -> int:
        try:
            query = f"SELECT count(*) FROM {table} WHERE deleted_at IS NULL"
            return int(conn.execute(query).fetchone()[0])
        except sqlite3.OperationalError:  # a schema without a trash
            return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])

    return count("calls"), count("notes")


def describe_backup(db_path: Path, path: Path) -> BackupInfo:
    """A backup's facts, read from the copy itself (only its header and a count)."""
    parsed = _parse(db_path, path)
    if parsed is None:
        created = datetime.fromtimestamp(path.stat().st_mtime, UTC)
        kind = BackupKind.REGULAR
    else:
        created, kind = parsed
    size = path.stat().st_size
    try:
        candidate = read_candidate(path)
    except UserError as error:
        return BackupInfo(path, created, kind, size, None, None, None, str(error))
    return BackupInfo(
        path, created, kind, size, candidate.revision, candidate.calls, candidate.notes, None
    )


def list_backups(db_path: Path) -> tuple[BackupInfo, ...]:
    """Every backup of the database at `db_path`, newest first (reads each file's header:
    call it off the GUI thread)."""
    return tuple(describe_backup(db_path, path) for _, _, path in _backup_files(db_path))


def newest_good_backup(db_path: Path) -> BackupInfo | None:
    """The newest backup that can be restored (safety copies of a replaced database are
    left out: they may be the damaged file itself)."""
    for _, kind, path in _backup_files(db_path):
        if kind is BackupKind.BEFORE_RESTORE:
            continue
        info = describe_backup(db_path, path)
        if info.good:
            return info
    return None


# -- making backups ------------------------------------------------------------------------


def _live_database(db_path: Path) -> None:
    """Refuse to back up anything but a sound Ridealong database."""
    from desktop.storage.database import check_revision, inspect_sqlite_file

    state = inspect_sqlite_file(db_path)
    if state.is_empty:
        raise UserError(f"there is no Ridealong database at {db_path} yet")
    check_revision(state, str(db_path))
    problems = sqlite_files.quick_check(db_path)
    if problems:
        newest = newest_good_backup(db_path)
        hint = f"; restore one with `ridealong restore {newest.path}`" if newest else ""
        raise Damaged(
            f"{db_path} is damaged ({problems[0]}); it was not backed up, so your "
            f"backups stay as they were{hint}"
        )


def create_backup(
    db_path: Path,
    destination: Path | None = None,
    *,
    progress: Progress = no_progress,
    cancel: CancelToken | None = None,
    now: datetime,
) -> BackupInfo:
    """Back up the live database: to `destination`, or into `backups/` (then rotated).

    The database is quick-checked first; the copy is checked before it gets its name.
    """
    _live_database(db_path)
    if destination is None:
        backups_dir(db_path).mkdir(parents=True, exist_ok=True)
        final = _new_name(db_path, BackupKind.REGULAR, now)
    else:
        final = _check_destination(db_path, Path(destination))
    partial = final.with_name(f".{final.name}.{uuid.uuid4().hex[:8]}.partial")
    # The copy's file time is that of the last write it holds, so a change made while it
    # was copied is newer (both are the file system's times, never the app's clock).
    written = _last_write_ns(db_path) or time.time_ns()
    sqlite_files.copy_database(db_path, partial, progress=progress, cancel=cancel)
    os.utime(partial, ns=(written, written))
    os.replace(partial, final)
    sqlite_files.fsync_dir(final.parent)
    if destination is None:
        rotate(db_path, now)
    return describe_backup(db_path, final)


def _check_destination(db_path: Path, destination: Path) -> Path:
    target = destination.expanduser().absolute()
    if target.is_dir():
        raise UserError(f"{destination} is a folder; give a file name, e.g. {target / 'x.db'}")
    if not target.parent.is_dir():
        raise UserError(f"there is no folder {target.parent}")
    own = {db_path.absolute(), *(p.absolute() for p in sqlite_files.sidecars(db_path))}
    if target in own or (target.exists() and target.samefile(db_path)):
        raise UserError(f"{destination} is the database itself; choose another file")
    return target


def keep_before_upgrade(db_path: Path, revision: str, *, now: datetime) -> Path:
    """A verified copy of the database as it was before an upgrade; returns its path."""
    folder = backups_dir(db_path)
    folder.mkdir(parents=True, exist_ok=True)
    suffix = f"-from-{revision}" if revision else ""
    final = _new_name(db_path, BackupKind.BEFORE_UPGRADE, now, suffix)
    partial = final.with_name(f".{final.name}.partial")
    sqlite_files.copy_database(db_path, partial)
    os.replace(partial, final)
    sqlite_files.fsync_dir(folder)
    return final


def rotate(db_path: Path, now: datetime) -> list[Path]:
    """Delete the backups the rule no longer keeps (see the module docstring); returns
    what was deleted. Stray `.partial` files of an interrupted backup go too."""
    files = _backup_files(db_path)
    keep: set[Path] = set()
    regular = [(t, p) for t, k, p in files if k is BackupKind.REGULAR]
    keep.update(p for _, p in regular[:KEEP_NEWEST])
    days: set[object] = set()
    for created, path in regular:
        day = created.astimezone().date()
        if now - created <= timedelta(days=KEEP_DAILY_DAYS) and day not in days:
            days.add(day)
            keep.add(path)
    for kind in (BackupKind.BEFORE_RESTORE, BackupKind.BEFORE_UPGRADE):
        copies = [(t, p) for t, k, p in files if k is kind]
        keep.update(p for t, p in copies if now - t <= timedelta(days=KEEP_SAFETY_DAYS))
        keep.update(p for _, p in copies[:1])
    removed = [p for _, _, p in files if p not in keep]
    for path in removed:
        sqlite_files.remove_database_file(path)
    folder = backups_dir(db_path)
    for stray in folder.glob(".*.partial") if folder.is_dir() else ():
        if now.timestamp() - stray.stat().st_mtime > 86400:
            stray.unlink(missing_ok=True)
    return removed


def _last_write_ns(db_path: Path) -> int | None:
    files = (db_path, sqlite_files.sidecars(db_path)[0])
    times = [p.stat().st_mtime_ns for p in files if p.exists()]
    return max(times) if times else None


def last_change(db_path: Path) -> datetime | None:
    """When the database (or its write-ahead log) was last written."""
    written = _last_write_ns(db_path)
    return datetime.fromtimestamp(written / 1e9, UTC) if written is not None else None


def backup_due(db_path: Path, now: datetime, *, closing: bool = False) -> bool:
    """Whether an automatic backup should run now: something changed since the newest
    backup, and either the app is closing or that backup is 30 minutes old."""
    changed = last_change(db_path)
    if changed is None:
        return False
    regular = [(t, p) for t, k, p in _backup_files(db_path) if k is BackupKind.REGULAR]
    if not regular:
        return True
    made_at, newest = regular[0]
    try:
        # A backup's file time is that of the last write it holds (see `create_backup`).
        snapshot = datetime.fromtimestamp(newest.stat().st_mtime, UTC)
    except OSError:
        return True
    if changed <= snapshot:
        return False
    # Its name holds the app's time when it was made, the clock `now` comes from.
    return closing or now - made_at >= AUTOMATIC_INTERVAL


# -- restoring -----------------------------------------------------------------------------


def restore_file(
    db_path: Path,
    source: Path,
    *,
    progress: Progress = no_progress,
    cancel: CancelToken | None = None,
    now: datetime,
) -> RestoreResult:
    """Replace the database at `db_path` with the backup `source` (see the module
    docstring). Nothing changes unless the whole restore can succeed; an older schema is
    upgraded afterwards."""
    from desktop.storage import migrations
    from desktop.storage.database import open_database

    source = Path(source).expanduser().absolute()
    if db_path.exists() and source.exists() and source.samefile(db_path):
        raise UserError(f"{source} is the database itself; choose a backup")
    candidate = read_candidate(source)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    work = db_path.with_name(f".{db_path.name}.{uuid.uuid4().hex[:8]}.restoring")
    kept: Path | None = None
    try:
        try:
            sqlite_files.copy_database(source, work, progress=progress, cancel=cancel)
        except (StorageUnavailable, sqlite3.DatabaseError) as error:
            raise UserError(f"{source} is damaged and cannot be restored ({error})") from None
        if db_path.exists():
            # Bytes first, as they are (a probe for other users may replay a crash's log).
            backups_dir(db_path).mkdir(parents=True, exist_ok=True)
            kept = _new_name(db_path, BackupKind.BEFORE_RESTORE, now)
            sqlite_files.copy_bytes(db_path, kept)
            sqlite_files.fsync_dir(kept.parent)
            try:
                sqlite_files.refuse_if_in_use(db_path)
            except StorageUnavailable:
                sqlite_files.remove_database_file(kept)
                kept = None
                raise
        sqlite_files.swap_in(work, db_path)
    finally:
        sqlite_files.remove_database_file(work)
    sqlite_files.mark_verified(db_path)
    upgraded = candidate.revision != migrations.head()
    if upgraded:
        open_database(f"sqlite:///{db_path}", clock=lambda: now).close()
    return RestoreResult(
        restored_from=source,
        previous_kept_at=kept,
        revision=migrations.head(),
        upgraded=upgraded,
        calls=candidate.calls,
        notes=candidate.notes,
    )


def delete_backups(paths: Iterable[Path]) -> None:
    """Remove backups the user chose to delete in the Backups dialog."""
    for path in paths:
        sqlite_files.remove_database_file(Path(path))
