"""Backups of a SQLite database: made online, verified, packed, rotated, listed, restored.

Backups live in `backups/` beside the database file, named by the time they were taken
(UTC), e.g. `ridealong-2025-03-14-093012.db.zst` (`-1`, `-2`... for more in one second).
A backup is made with SQLite's online backup API from a read-only connection (so the app
can go on saving notes meanwhile), written to a hidden `.partial` name, checked with
`PRAGMA quick_check`, then packed (`desktop.storage.packed`: zstd, its facts up front) to
another hidden name, fsynced, and only then given its name, atomically (a hard link, so
two backups never share one): a file with a backup's name is always a whole, sound
backup. A damaged live database is never backed up, so it can never push good backups
out of the rotation. A full disk or a folder that cannot be written is said as such.
Safety copies (`before-restore`, `before-upgrade`) stay plain `.db` files: they are
taken while the user waits, and open as they are. Plain `.db` backups made before
backups were packed are listed and restored as well.

Rotation (`rotate`): the 10 newest backups are kept, and besides them the newest of each
of the last 30 days (local calendar days); safety copies taken before a restore or an
upgrade are kept for 30 days, and the newest of each kind always; the backup just made
always. Then, oldest first, backups go until all of them together fit the budget (twice
the database's size, at least 256 MB), never the backup just made, the newest regular
one, nor the newest safety copy of each kind. What killed runs left behind goes once it
is an hour old (`clean_leftovers`).

Restore (`restore_file`) refuses, before changing anything, a file that is not a sound
Ridealong database of a schema this app knows. It reads only the header and
`sqlite_master` of the candidate (a packed one's facts) before copying (unpacking) it, so
a huge or hostile file costs nothing. Then, holding the only connection to the current
database (waiting a few seconds for other commands to finish), it keeps a copy of it as
a `before-restore` backup (its bytes, log included, when SQLite cannot read it soundly)
and writes the restored database into it in one transaction.
"""

from __future__ import annotations

import enum
import os
import re
import sqlite3
import time
import uuid
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Final

from desktop.errors import Damaged, StorageUnavailable, UserError
from desktop.progress import CancelToken, Progress, no_progress
from desktop.storage import packed, schemas, sqlite_files
from desktop.storage.faults import Fault, sqlite_fault
from desktop.storage.sqlite_files import SQLITE_HEADER

BACKUP_DIR: Final = "backups"
KEEP_NEWEST: Final = 10
KEEP_DAILY_DAYS: Final = 30
KEEP_SAFETY_DAYS: Final = 30
#: All backups together take at most this many times the database's size (about six
#: packed backups of a large database), or `BUDGET_FLOOR` when that is more: for a small
#: database the counts above are the bound.
BUDGET_TIMES: Final = 2
BUDGET_FLOOR: Final = 256 * 1024 * 1024
#: An automatic backup is due this long after the last one, if anything changed since.
AUTOMATIC_INTERVAL: Final = timedelta(minutes=30)
#: How long a restore waits for the commands and windows using the database to close it.
IN_USE_WAIT: Final = timedelta(seconds=5)
#: Hidden work files of a backup, a restore and an upgrade; what a killed one leaves
#: goes once it has not been written to for this long.
PARTIAL: Final = ".partial"
RESTORING: Final = ".restoring"
UPGRADING: Final = ".upgrading"
LEFTOVER_AGE: Final = timedelta(hours=1)
NOT_RESTORED: Final = "nothing was restored"
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
    #: Packed (`.db.zst`, see `desktop.storage.packed`), or a plain SQLite file.
    compressed: bool = False
    #: The database's own size: `size` for a plain file, unpacked for a packed one.
    database_size: int | None = None

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
    compressed: bool = False
    database_size: int | None = None


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
        rf"(?:-({kinds})(?:-from-\w+)?)?\.db(?:{re.escape(packed.SUFFIX)})?$"
    )


def _publish(
    partial: Path,
    db_path: Path,
    kind: BackupKind,
    now: datetime,
    suffix: str = "",
    *,
    ext: str,
) -> Path:
    """Give a whole, checked copy its backup name; returns the name.

    The name is taken atomically (a hard link), so backups made at once by several
    processes never share one, and it sorts after every backup already made in its
    second, so rotation sees it as the newest.
    """
    folder = backups_dir(db_path)
    stamp = now.astimezone(UTC).strftime(_STAMP)
    tail = "" if kind is BackupKind.REGULAR else f"-{kind.value}{suffix}"
    second = datetime.strptime(stamp, _STAMP).replace(tzinfo=UTC)
    counters = [
        (t - second).microseconds
        for t, _, _ in _backup_files(db_path)
        if second <= t < second + timedelta(seconds=1)
    ]
    first = max(counters) + 1 if counters else 0
    for n in range(first, first + 1000):
        counter = f"-{n}" if n else ""
        final = folder / f"{db_path.stem}-{stamp}{counter}{tail}{ext}"
        try:
            _link(partial, final)
        except FileExistsError:
            continue
        partial.unlink(missing_ok=True)
        return final
    raise StorageUnavailable(f"too many backups named for {stamp} in {folder}")


def _link(partial: Path, final: Path) -> None:
    """Create `final` as `partial`, never over an existing file."""
    try:
        os.link(partial, final)
    except FileExistsError:
        raise
    except OSError:  # a file system without hard links (FAT, some network shares)
        os.close(os.open(final, os.O_WRONLY | os.O_CREAT | os.O_EXCL))
        os.replace(partial, final)


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
        packed.ZSTD_MAGIC: "a zstd archive; unpack it first (`zstd -d`)",
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
    if packed.is_packed(header):
        return _packed_candidate(path)
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
    return Candidate(path, str(revision), calls, notes, database_size=size)


def _packed_candidate(path: Path) -> Candidate:
    """A packed backup, checked from its facts alone (its pages are checked when it is
    unpacked to be restored)."""
    from desktop.storage import migrations

    try:
        facts, _ = packed.read_facts(path)
    except packed.NotPacked as error:
        raise UserError(f"{path} is damaged and cannot be read ({error})") from None
    except OSError as error:
        raise UserError(f"cannot read {path}: {error.strerror}") from None
    if facts.revision not in migrations.revisions():
        raise UserError(
            f"{path} was written by a newer Ridealong (schema {facts.revision}); "
            "update the app to restore it"
        )
    return Candidate(path, facts.revision, facts.calls, facts.notes, True, facts.size)


def _counts(conn: sqlite3.Connection) -> tuple[int, int]:
    def count(table: str) -> int:
        try:
            query = f"SELECT count(*) FROM {table} WHERE deleted_at IS NULL"
            return int(conn.execute(query).fetchone()[0])
        except sqlite3.OperationalError:  # a schema without a trash
            return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])

    return count("calls"), count("notes")


def describe_backup(db_path: Path, path: Path) -> BackupInfo:
    """A backup's facts, read from the copy itself: a packed one's header, or a plain
    one's schema and a count."""
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
        path,
        created,
        kind,
        size,
        candidate.revision,
        candidate.calls,
        candidate.notes,
        None,
        candidate.compressed,
        candidate.database_size,
    )


def list_backups(db_path: Path) -> tuple[BackupInfo, ...]:
    """Every backup of the database at `db_path`, newest first (reads each file's header:
    call it off the GUI thread). What killed backups left behind goes first."""
    clean_leftovers(db_path)
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
    """Refuse to back up anything but a Ridealong database (its soundness is checked on
    the copy: see `_refuse_if_damaged`)."""
    from desktop.storage.database import check_revision, inspect_sqlite_file

    state = inspect_sqlite_file(db_path)
    if state.is_empty:
        raise UserError(f"there is no Ridealong database at {db_path} yet")
    check_revision(state, str(db_path))


def _refuse_if_damaged(db_path: Path) -> None:
    """Say a damaged live database as such, with the backup to restore.

    Called when its copy failed its check (or SQLite met damage copying it): the copy
    holds every page as it is, so a sound database's copy passes, and the quick check
    runs once per backup, on the copy, instead of on both (5 s each at 1M notes)."""
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

    The copy is checked before it gets its name; when it fails, the database itself is
    checked, and a damaged one is said as such (`Damaged`).
    """
    target = None if destination is None else _check_destination(db_path, Path(destination))
    folder = backups_dir(db_path) if target is None else target.parent
    not_made = "no backup was made"
    try:
        _live_database(db_path)
    except StorageUnavailable as error:
        # SQLite cannot even read a database without room for its shared-memory file.
        if error.transient and sqlite_files.short_of_space(db_path.parent):
            raise sqlite_files.disk_full(db_path.parent, not_made) from None
        raise
    with sqlite_files.writing(folder, not_made):
        folder.mkdir(parents=True, exist_ok=True)
    clean_leftovers(db_path)
    partial = _partial(folder)
    # The copy's file time is that of the last write it holds, so a change made while it
    # was copied is newer (both are the file system's times, never the app's clock).
    written = _last_write_ns(db_path) or time.time_ns()
    phase = _phases(progress, 2 if target is None else 1)
    work = _partial(folder)
    try:
        with sqlite_files.writing(folder, not_made):
            try:
                sqlite_files.copy_database(
                    db_path, partial, progress=phase(0), cancel=cancel, check=target is not None
                )
                if target is None:
                    _pack_checked(db_path, partial, work, phase(1), cancel)
            except (StorageUnavailable, sqlite3.DatabaseError) as error:
                if isinstance(error, StorageUnavailable) and error.transient:
                    raise
                if isinstance(error, sqlite3.DatabaseError) and (
                    sqlite_fault(error) is not Fault.DAMAGED
                ):
                    raise
                _refuse_if_damaged(db_path)
                raise
            if target is None:
                os.utime(work, ns=(written, written))
                final = _publish(work, db_path, BackupKind.REGULAR, now, ext=".db" + packed.SUFFIX)
            else:
                os.utime(partial, ns=(written, written))
                os.replace(partial, target)
                final = target
            sqlite_files.fsync_dir(folder)
    finally:
        sqlite_files.remove_database_file(partial)
        work.unlink(missing_ok=True)
    made = describe_backup(db_path, final)
    if target is None:
        rotate(db_path, now, made=final)
    return made


def _pack_checked(
    db_path: Path, plain: Path, work: Path, progress: Progress, cancel: CancelToken | None
) -> None:
    """Pack the copy `plain` to `work`, its facts read from it, quick-checking it at the
    same time (both release the GIL, so with a spare core the check adds no time); a
    copy that fails its check is a `StorageUnavailable`, and `work` is removed."""
    with closing(sqlite_files.connect_read_only(plain)) as conn:
        revision = schemas.recognise(conn).revision
        calls, notes = _counts(conn)
    facts = packed.Facts(str(revision), calls, notes, plain.stat().st_size)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="backup-check") as pool:
        checking = pool.submit(sqlite_files.quick_check, plain)
        # A failure (Cancel) waits for the check to end (a few seconds at 1M notes) and
        # drops its result: the copy is removed once nothing reads it. Packing closes its
        # own descriptor of the copy, which on POSIX drops the check's shared lock: no
        # harm, as nothing else knows the hidden copy, let alone writes to it.
        packed.pack(plain, work, facts, progress=progress, cancel=cancel)
        problems = checking.result()
    if problems:
        work.unlink(missing_ok=True)
        raise StorageUnavailable(f"the copy of {db_path} failed its check: {problems[0]}")


def _partial(folder: Path) -> Path:
    """A hidden name for a copy being written, short whatever the final name's length."""
    return folder / f".ridealong-{uuid.uuid4().hex[:12]}{PARTIAL}"


def _check_destination(db_path: Path, destination: Path) -> Path:
    target = destination.expanduser().absolute()
    if target.is_dir():
        raise UserError(f"{destination} is a folder; give a file name, e.g. {target / 'x.db'}")
    if not target.parent.is_dir():
        raise UserError(f"there is no folder {target.parent}")
    if target.resolve() == db_path.resolve() or (target.exists() and target.samefile(db_path)):
        raise UserError(f"{destination} is the database itself; choose another file")
    if target.resolve() in {p.resolve() for p in sqlite_files.own_files(db_path)}:
        raise UserError(
            f"{destination} is a file SQLite keeps beside the database, and writing it "
            "would damage the database; choose another file"
        )
    return target


def keep_before_upgrade(db_path: Path, revision: str, *, now: datetime) -> Path:
    """A verified copy of the database as it was before an upgrade; returns its path."""
    folder = backups_dir(db_path)
    not_upgraded = "it was not upgraded"
    with sqlite_files.writing(folder, not_upgraded):
        folder.mkdir(parents=True, exist_ok=True)
    partial = _partial(folder)
    suffix = f"-from-{revision}" if revision else ""
    try:
        with sqlite_files.writing(folder, not_upgraded):
            sqlite_files.copy_database(db_path, partial)
            final = _publish(partial, db_path, BackupKind.BEFORE_UPGRADE, now, suffix, ext=".db")
            sqlite_files.fsync_dir(folder)
    finally:
        sqlite_files.remove_database_file(partial)
    return final


def rotate(db_path: Path, now: datetime, *, made: Path | None = None) -> list[Path]:
    """Delete the backups the rule no longer keeps (see the module docstring), never the
    one just `made`; returns what was deleted."""
    files = _backup_files(db_path)
    keep: set[Path] = {made} if made is not None else set()
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
    protected = {made, *(p for _, p in regular[:1])}
    for kind in (BackupKind.BEFORE_RESTORE, BackupKind.BEFORE_UPGRADE):
        protected.update([p for _, k, p in files if k is kind][:1])
    _within_budget(db_path, [p for _, _, p in files if p in keep], keep, protected)
    removed = [p for _, _, p in files if p not in keep]
    for path in removed:
        sqlite_files.remove_database_file(path)
    return removed


def budget(db_path: Path) -> int:
    """How many bytes all the backups of the database at `db_path` may take together."""
    try:
        size = db_path.stat().st_size
    except OSError:
        size = 0
    return max(BUDGET_TIMES * size, BUDGET_FLOOR)


def _within_budget(
    db_path: Path, kept: list[Path], keep: set[Path], protected: set[Path | None]
) -> None:
    """Drop the oldest of the `kept` backups (newest first) from `keep` until they fit the
    budget; the `protected` ones stay even when they alone exceed it."""

    def size(path: Path) -> int:
        try:
            return path.stat().st_size
        except OSError:
            return 0

    total = sum(size(p) for p in kept)
    allowed = budget(db_path)
    for path in reversed(kept):
        if total <= allowed:
            return
        if path not in protected:
            keep.discard(path)
            total -= size(path)


def clean_leftovers(db_path: Path) -> list[Path]:
    """Delete what killed backups, restores and upgrades left behind (hidden `.partial`,
    `.restoring` and `.upgrading` copies, with their journals), once they are an hour
    old and nothing has them open; returns what was deleted. Best effort: a leftover
    that cannot be deleted never stops the work that called this."""
    found = [
        *_hidden(backups_dir(db_path), PARTIAL),
        *_hidden(db_path.parent, RESTORING),
        *_hidden(db_path.parent, UPGRADING),
    ]
    removed = []
    for path in found:
        try:
            times = [p.stat().st_mtime for p in sqlite_files.own_files(path) if p.exists()]
            if not times or time.time() - max(times) < LEFTOVER_AGE.total_seconds():
                continue  # gone meanwhile (another backup finished), or still fresh
            sqlite_files.refuse_if_in_use(path)
            sqlite_files.remove_database_file(path)
        except (OSError, sqlite3.Error, StorageUnavailable):
            continue
        removed.append(path)
    return removed


def _hidden(folder: Path, suffix: str) -> list[Path]:
    """Hidden work files ending in `suffix` in `folder`, or a journal left without one."""
    if not folder.is_dir():
        return []
    names = set()
    for path in folder.iterdir():
        name = path.name
        for tail in ("-journal", "-wal", "-shm"):
            name = name.removesuffix(tail)
        if name.startswith(".") and name.endswith(suffix):
            names.add(name)
    return [folder / name for name in sorted(names)]


def _last_write_ns(db_path: Path) -> int | None:
    """When the database was last written: the file's time, or its log's once the log
    holds a write (SQLite creates an empty log when a reader opens the file)."""
    times = []
    for path in (db_path, sqlite_files.sidecars(db_path)[0]):
        try:
            st = path.stat()
        except FileNotFoundError:
            continue
        if st.st_size or path == db_path:
            times.append(st.st_mtime_ns)
    return max(times) if times else None


def backup_due(db_path: Path, now: datetime, *, closing: bool = False) -> bool:
    """Whether an automatic backup should run now: something changed since the newest
    backup, and either the app is closing or that backup is 30 minutes old."""
    changed = _last_write_ns(db_path)
    if changed is None:
        return False
    regular = [(t, p) for t, k, p in _backup_files(db_path) if k is BackupKind.REGULAR]
    if not regular:
        return True
    made_at, newest = regular[0]
    try:
        # A backup's file time is that of the last write it holds (see `create_backup`),
        # compared in nanoseconds: as floats, the same time may round either way.
        snapshot = newest.stat().st_mtime_ns
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
    from desktop.storage.database import check_place, open_database

    # Never through a link to an unplugged drive (a local file would hide the real one),
    # never into a named pipe (it would wait for ever).
    check_place(db_path)
    source = Path(source).expanduser().absolute()
    if db_path.exists() and source.exists() and source.samefile(db_path):
        raise UserError(f"{source} is the database itself; choose a backup")
    candidate = read_candidate(source)
    with sqlite_files.writing(db_path.parent, NOT_RESTORED):
        db_path.parent.mkdir(parents=True, exist_ok=True)
    clean_leftovers(db_path)
    work = db_path.with_name(f".ridealong-{uuid.uuid4().hex[:12]}{RESTORING}")
    phase = _phases(progress, 3)
    try:
        with sqlite_files.writing(db_path.parent, NOT_RESTORED):
            _copy_candidate(candidate, work, phase(0), cancel)
            if db_path.exists():
                kept: Path | None = _replace(db_path, work, now, phase, cancel)
            else:
                kept = None
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


def _copy_candidate(
    candidate: Candidate, work: Path, progress: Progress, cancel: CancelToken | None
) -> None:
    """A checked copy of the backup to restore; damage found only now refuses it."""
    source = candidate.path
    if candidate.compressed:
        _unpack_candidate(source, work, progress, cancel)
        return
    try:
        sqlite_files.copy_database(source, work, progress=progress, cancel=cancel)
    except sqlite3.DatabaseError as error:
        if sqlite_fault(error) is not Fault.DAMAGED:
            raise
        raise UserError(f"{source} is damaged and cannot be restored ({error})") from None
    except StorageUnavailable as error:  # the copy failed its check
        raise UserError(f"{source} is damaged and cannot be restored ({error})") from None


def _unpack_candidate(
    source: Path, work: Path, progress: Progress, cancel: CancelToken | None
) -> None:
    """The database packed in `source`, unpacked to `work` and checked as a copy is: whole
    (checksum and size), sound (quick check) and a Ridealong database of a known schema."""
    damaged = f"{source} is damaged and cannot be restored"
    try:
        packed.unpack(source, work, progress=progress, cancel=cancel)
    except packed.NotPacked as error:
        raise UserError(f"{damaged} ({error})") from None
    try:
        problems = sqlite_files.quick_check(work)
        if problems:
            raise UserError(f"{damaged} ({problems[0]})")
        try:
            read_candidate(work)
        except UserError:
            raise UserError(f"{damaged} (it does not hold a Ridealong database)") from None
    except BaseException:
        sqlite_files.remove_database_file(work)
        raise


def _replace(
    db_path: Path,
    work: Path,
    now: datetime,
    phase: Callable[[int], Progress],
    cancel: CancelToken | None,
) -> Path:
    """Replace the database with `work`, keeping it first; returns where it was kept.

    Everything happens under one exclusive lock (waiting a few seconds for the commands
    and windows using the file to finish): the copy kept holds every note saved before
    the lock was granted, nobody can write between that copy and the replacement, and
    whoever opens the file afterwards finds the restored one.
    """
    backups_dir(db_path).mkdir(exist_ok=True)
    with sqlite_files.exclusive_use(db_path, wait=IN_USE_WAIT.total_seconds()) as live:
        kept = _keep_copy(live, db_path, now, phase(1)) if live is not None else None
        if kept is None:
            kept = _keep_bytes(db_path, now)
        if live is not None:
            sqlite_files.write_into(live, work, progress=phase(2), cancel=cancel)
            return kept
    # SQLite cannot read the file, so nobody can be using it: swapped, not written into.
    sqlite_files.swap_in(work, db_path)
    return kept


def _keep_copy(
    live: sqlite3.Connection, db_path: Path, now: datetime, progress: Progress
) -> Path | None:
    """A checked, self-contained copy of the locked database in `backups/`; None when it
    is damaged (its bytes are kept instead)."""
    partial = _partial(backups_dir(db_path))
    try:
        try:
            sqlite_files.copy_from(live, partial, source=db_path, progress=progress)
        except sqlite3.DatabaseError as error:
            if sqlite_fault(error) is not Fault.DAMAGED:
                raise
            return None
        except StorageUnavailable:  # the copy failed its check
            return None
        kept = _publish(partial, db_path, BackupKind.BEFORE_RESTORE, now, ext=".db")
        sqlite_files.fsync_dir(kept.parent)
        return kept
    finally:
        sqlite_files.remove_database_file(partial)


def _keep_bytes(db_path: Path, now: datetime) -> Path:
    """The database's bytes as they are, its log beside them, for a file SQLite cannot
    read soundly: whatever state it is in, nothing in it is lost."""
    partial = _partial(backups_dir(db_path))
    try:
        sqlite_files.copy_bytes(db_path, partial)
        kept = _publish(partial, db_path, BackupKind.BEFORE_RESTORE, now, ext=".db")
        log = sqlite_files.sidecars(partial)[0]
        if log.exists():
            os.replace(log, sqlite_files.sidecars(kept)[0])
        sqlite_files.fsync_dir(kept.parent)
        return kept
    finally:
        sqlite_files.remove_database_file(partial)


def _phases(progress: Progress, count: int) -> Callable[[int], Progress]:
    """Progress of `count` steps of equal weight, reported as one: `phase(i)` is the
    callback for step i."""

    def phase(index: int) -> Progress:
        def report(done: int, total: int) -> None:
            progress(index * 1000 + 1000 * done // max(total, 1), count * 1000)

        return report

    return phase


def delete_backups(paths: Iterable[Path]) -> None:
    """Remove backups the user chose to delete in the Backups dialog."""
    for path in paths:
        sqlite_files.remove_database_file(Path(path))
