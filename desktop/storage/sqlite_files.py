"""SQLite databases handled as files: checked, copied, swapped in, never left half-written.

Everything here uses the standard `sqlite3` module only (no SQLAlchemy), so opening
checks, backups and restores cost no import time. The rules it keeps:

- a file is inspected through a read-only connection before anything writes to it;
- a copy is made with SQLite's online backup API (a consistent snapshot, whatever
  another connection is doing), turned into one self-contained file (rollback journal,
  no `-wal`), checked with `PRAGMA quick_check`, fsynced, and only then renamed to its
  final name;
- a database is replaced only while this process holds the only connection to it
  (`exclusive_use`): by writing the new contents into it through that connection in one
  transaction (`write_into`), or, for a file SQLite cannot read, with `os.replace`;
- a file this process may also have open through SQLite is never read with a plain
  open/close (`_reading`): on POSIX that would drop SQLite's locks on it.
"""

from __future__ import annotations

import errno
import json
import os
import random
import shutil
import sqlite3
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager, suppress
from pathlib import Path

from desktop.errors import StorageUnavailable
from desktop.progress import CancelToken, Progress, no_progress
from desktop.storage.faults import Fault, sqlite_fault

SQLITE_HEADER = b"SQLite format 3\x00"
HEADER_SIZE = 100
#: Pages copied per step of the backup API: about 4 MB with 4 KB pages, so progress and
#: Cancel answer many times a second, and each step holds the read lock only briefly.
PAGES_PER_STEP = 1024
#: Rows the spot check reads from each table: a few pages' worth.
SPOT_ROWS = 64


def sidecars(path: Path) -> tuple[Path, Path]:
    """The write-ahead log and shared-memory files SQLite keeps beside a database."""
    return path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")


# -- reading a file SQLite may have open ----------------------------------------------------

#: Descriptors `_reading` left open: their file was open elsewhere in this process too.
_kept: list[int] = []
_kept_guard = threading.Lock()


def _file_of(fd: int) -> tuple[int, int] | None:
    try:
        st = os.fstat(fd)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def _open_files() -> dict[tuple[int, int], set[int]] | None:
    """Every file this process has open, with its descriptors (None: cannot tell)."""
    try:
        names = os.listdir("/dev/fd")
    except OSError:
        return None
    found: dict[tuple[int, int], set[int]] = {}
    for name in names:
        key = _file_of(int(name))
        if key is not None:
            found.setdefault(key, set()).add(int(name))
    return found


def _close_unshared() -> None:
    """Close the kept descriptors whose file nothing else in this process has open."""
    held = _open_files()
    if held is None:
        return
    mine = set(_kept)
    for fd in list(_kept):
        key = _file_of(fd)
        if key is None or not held.get(key, set()) - mine:
            _kept.remove(fd)
            if key is not None:
                os.close(fd)


@contextmanager
def _reading(path: Path) -> Iterator[int]:
    """A read-only descriptor of `path` whose closing drops none of SQLite's locks.

    POSIX releases every lock a process holds on a file as soon as it closes any
    descriptor of that file. Reading a database this process also has open through
    SQLite (the window's own file) with a plain open and close would silently release
    that connection's lock: another program could then checkpoint and delete the log
    under the window, and a restore would not wait for it. So a descriptor is closed
    only once nothing else in this process has its file open, and is kept (and reused)
    until then, as SQLite does with its own.
    """
    if sys.platform == "win32":  # Windows locks belong to a handle: closing one drops none
        handle = os.open(path, os.O_RDONLY | os.O_BINARY)
        try:
            yield handle
        finally:
            os.close(handle)
        return
    st = os.stat(path)
    with _kept_guard:
        kept = next((k for k in _kept if _file_of(k) == (st.st_dev, st.st_ino)), None)
        if kept is not None:
            _kept.remove(kept)
    fd = kept if kept is not None else os.open(path, os.O_RDONLY)
    try:
        yield fd
    finally:
        with _kept_guard:
            _kept.append(fd)
            _close_unshared()


def _read_at(fd: int, offset: int, size: int) -> bytes:
    if sys.platform == "win32":
        os.lseek(fd, offset, os.SEEK_SET)
        return os.read(fd, size)
    return os.pread(fd, size, offset)


def read_header(path: Path) -> bytes:
    """The first 100 bytes (SQLite's header); never more, whatever the file's size."""
    with _reading(path) as fd:
        return _read_at(fd, 0, HEADER_SIZE)


def connect_read_only(path: Path, *, timeout: float = 5.0) -> sqlite3.Connection:
    """A connection that cannot write to the file, whatever the caller runs; it waits up
    to `timeout` seconds for a lock another connection holds."""
    return sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True, timeout=timeout)


def unreadable(path: Path, error: sqlite3.Error) -> StorageUnavailable:
    """The refusal for a file SQLite could not read for a reason other than damage (busy,
    unreadable, a newer file format...): it is said as what it is, never as damage."""
    fault = sqlite_fault(error)
    # SQLite writes beside a WAL database even to read it (its -shm and -wal files).
    if fault is Fault.READ_ONLY:
        return StorageUnavailable(
            f"cannot open {path}: the file or its folder is read-only", transient=True
        )
    if fault is Fault.FULL:
        return StorageUnavailable(
            f"the disk holding {path} is full; free some space and try again", transient=True
        )
    reason = str(error).strip().splitlines()[0] if str(error).strip() else repr(error)
    return StorageUnavailable(
        f"cannot read {path}: {reason}", transient=fault is not None and fault.transient
    )


def quick_check(path: Path) -> list[str]:
    """What `PRAGMA quick_check` finds wrong (empty when sound), read-only; a file that
    cannot be read for another reason than damage is a `StorageUnavailable`."""
    try:
        with closing(connect_read_only(path)) as conn:
            rows = [str(r[0]) for r in conn.execute("PRAGMA quick_check")]
    except sqlite3.DatabaseError as error:
        if sqlite_fault(error) is not Fault.DAMAGED:
            raise unreadable(path, error) from None
        rows = [str(error)]
    # One problem a line: a message goes on one line, so a row may hold several.
    found = [" ".join(line.split()) for row in rows for line in row.splitlines() if line.strip()]
    return [] if found == ["ok"] else found


def spot_check(path: Path, rng: random.Random, *, wait: float = 5.0) -> list[str]:
    """What SQLite finds damaged reading the schema and a stretch of `SPOT_ROWS` rows from
    a random place in every table (empty when nothing), read-only.

    Milliseconds whatever the size, so it runs where the full check would cost too
    much: at an open the stamp vouches for, and before the stamp is refreshed. It reads
    every table's root and a different stretch of its leaves each time, so it finds a
    damaged schema or root page for sure and other damage only by chance; the full check
    runs whenever the file changed outside the app, before every backup and in
    `db check`. `wait`: how long to wait for a lock another connection holds."""
    try:
        with closing(connect_read_only(path, timeout=wait)) as conn:
            conn.execute("BEGIN")  # one snapshot, whatever a writer does meanwhile
            tables = [
                str(r[0])
                for r in conn.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' "
                    "AND sql NOT LIKE 'CREATE VIRTUAL %'"
                )
            ]
            for table in tables:
                _read_stretch(conn, '"' + table.replace('"', '""') + '"', rng)
    except sqlite3.DatabaseError as error:
        if sqlite_fault(error) is not Fault.DAMAGED:
            raise unreadable(path, error) from None
        return [" ".join(str(error).split())]
    return []


def _read_stretch(conn: sqlite3.Connection, table: str, rng: random.Random) -> None:
    try:
        last = conn.execute(f"SELECT max(rowid) FROM {table}").fetchone()[0]
    except sqlite3.OperationalError as error:
        if sqlite_fault(error) is not None:
            raise
        # A WITHOUT ROWID table (FTS5 keeps small ones): read from its start.
        conn.execute(f"SELECT * FROM {table} LIMIT {SPOT_ROWS}").fetchall()
        return
    start = rng.randint(1, last) if isinstance(last, int) and last > 1 else 0
    conn.execute(
        f"SELECT * FROM {table} WHERE rowid >= ? ORDER BY rowid LIMIT {SPOT_ROWS}", (start,)
    ).fetchall()


def fsync_file(path: Path) -> None:
    with path.open("rb+") as handle:
        os.fsync(handle.fileno())


def fsync_dir(folder: Path) -> None:
    """Make a rename durable (a no-op where directories cannot be opened, as on Windows)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# -- writing copies -----------------------------------------------------------------------

#: Below this much free space a disk is full for SQLite: it cannot even make the
#: shared-memory file (32 KB) it needs to read a database in WAL mode.
NEARLY_FULL = 1024 * 1024


def short_of_space(folder: Path) -> bool:
    """Whether the disk holding `folder` (or its nearest existing parent) is all but full."""
    for place in (folder, *folder.parents):
        if place.exists():
            try:
                return shutil.disk_usage(place).free < NEARLY_FULL
            except OSError:
                return False
    return False


def out_of_space(error: BaseException, folder: Path) -> bool:
    """Whether a failure to write into `folder` came from a full disk: ENOSPC, a quota,
    SQLITE_FULL, or an I/O error SQLite met while the disk has next to no space left."""
    if isinstance(error, OSError):
        return error.errno in (errno.ENOSPC, errno.EDQUOT)
    if isinstance(error, sqlite3.Error):
        fault = sqlite_fault(error)
        return fault is Fault.FULL or (fault is Fault.UNREACHABLE and short_of_space(folder))
    return False


def disk_full(folder: Path, outcome: str) -> StorageUnavailable:
    return StorageUnavailable(
        f"the disk is full; {outcome}. Free some space on the disk holding {folder} and try again",
        transient=True,
    )


@contextmanager
def writing(folder: Path, outcome: str) -> Iterator[None]:
    """Say a failure to write into `folder` as what it is, with what it meant for the
    user (`outcome`): a full disk, or a folder that cannot be written, is a transient
    `StorageUnavailable`, never a traceback and never "damaged"."""
    try:
        yield
    except (OSError, sqlite3.DatabaseError) as error:
        if out_of_space(error, folder):
            raise disk_full(folder, outcome) from None
        if isinstance(error, OSError):
            reason = error.strerror or str(error)
        elif sqlite_fault(error) in (Fault.READ_ONLY, Fault.UNREACHABLE):
            reason = str(error)
        else:
            raise
        raise StorageUnavailable(
            f"cannot write to {folder} ({reason}); {outcome}", transient=True
        ) from None


def copy_database(
    source: Path,
    target: Path,
    *,
    progress: Progress = no_progress,
    cancel: CancelToken | None = None,
    check: bool = True,
) -> None:
    """Copy a live database to `target` (a new file) as one consistent, self-contained,
    verified file (`check=False`: the caller checks it). The source is only read; on any
    failure `target` is removed."""
    with closing(connect_read_only(source)) as src:
        # One read transaction for the whole copy: every step reads the same snapshot,
        # so a writer elsewhere never makes the backup start over.
        src.execute("BEGIN")
        src.execute("SELECT count(*) FROM sqlite_master").fetchone()
        copy_from(src, target, source=source, progress=progress, cancel=cancel, check=check)


def copy_from(
    src: sqlite3.Connection,
    target: Path,
    *,
    source: Path,
    progress: Progress = no_progress,
    cancel: CancelToken | None = None,
    check: bool = True,
) -> None:
    """Copy what the connection `src` (to the file `source`) sees to `target` (a new
    file): self-contained (rollback journal, no `-wal`), checked (unless `check` is
    False: a backup checks its copy while packing it), fsynced; on any failure `target`
    is removed."""
    try:
        with closing(sqlite3.connect(target)) as dst:
            src.backup(dst, pages=PAGES_PER_STEP, progress=_stepper(progress, cancel))
            if src.in_transaction:
                src.execute("ROLLBACK")
            # The copy keeps the source's WAL mode; a backup must be a single file.
            dst.execute("PRAGMA journal_mode = DELETE")
        problems = quick_check(target) if check else []
        if problems:
            raise StorageUnavailable(f"the copy of {source} failed its check: {problems[0]}")
        fsync_file(target)
    except BaseException:
        remove_database_file(target)
        raise


def _stepper(progress: Progress, cancel: CancelToken | None) -> Callable[[int, int, int], None]:
    """The backup API's progress callback: reports, and stops the copy on Cancel."""

    def step(_status: int, remaining: int, total: int) -> None:
        progress(total - remaining, total)
        if cancel is not None:
            cancel.raise_if_cancelled()

    return step


def copy_bytes(path: Path, target: Path) -> None:
    """Copy a database's files as bytes to `target` (a new file), its write-ahead log
    beside it, for a file SQLite cannot read: nothing is lost whatever state it is in."""
    _copy_file(path, target)
    wal = sidecars(path)[0]
    if wal.exists() and wal.stat().st_size:
        _copy_file(wal, sidecars(target)[0])


def _copy_file(path: Path, target: Path) -> None:
    try:
        with _reading(path) as fd, target.open("xb") as out:
            offset = 0
            while chunk := _read_at(fd, offset, 1 << 20):
                out.write(chunk)
                offset += len(chunk)
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        target.unlink(missing_ok=True)
        raise


def own_files(path: Path) -> tuple[Path, Path, Path, Path]:
    """The database and every file SQLite keeps beside it (log, shared memory, rollback
    journal): writing any of them by hand would damage it."""
    wal, shm = sidecars(path)
    return path, wal, shm, path.with_name(path.name + "-journal")


def remove_database_file(path: Path) -> None:
    for leftover in own_files(path):
        leftover.unlink(missing_ok=True)


def in_use(path: Path) -> StorageUnavailable:
    return StorageUnavailable(
        f"{path} is in use by another Ridealong window or program; close it and try again",
        transient=True,
    )


@contextmanager
def exclusive_use(path: Path, *, wait: float = 0) -> Iterator[sqlite3.Connection | None]:
    """Hold the only connection to `path`, waiting up to `wait` seconds for the others to
    close, or say plainly that it is in use.

    Every open connection (another Ridealong window, a CLI command, a sync client's
    reader) holds a shared lock, so the exclusive one is granted only once nobody else
    has the file open; while it is asked for, SQLite holds its PENDING lock, so commands
    that start meanwhile wait behind it instead of starving it. Yields the connection
    holding the lock (locking_mode EXCLUSIVE: kept until it closes, through every
    transaction run on it), or None for a file SQLite finds damaged or cannot open for
    writing, which cannot be in use by Ridealong either.
    """
    uri = f"{path.absolute().as_uri()}?mode=rw"
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=wait, isolation_level=None)
    except sqlite3.DatabaseError:
        conn = None  # no such file, or one that cannot be opened for writing
    if conn is None:
        yield None
        return
    try:
        try:
            # A read first opens the log as every other connection does; asked for from
            # there, the exclusive lock keeps PENDING held while SQLite waits for it.
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            conn.execute("PRAGMA locking_mode = EXCLUSIVE")
            conn.execute("BEGIN EXCLUSIVE")
            conn.execute("COMMIT")
        except sqlite3.DatabaseError as error:
            fault = sqlite_fault(error)
            if fault is Fault.BUSY:
                raise in_use(path) from None
            if fault is not Fault.DAMAGED:
                raise
            held = None
        else:
            held = conn
        yield held
    finally:
        conn.close()


def refuse_if_in_use(path: Path) -> None:
    """Say plainly that another window or program has the file open."""
    with exclusive_use(path):
        pass


def write_into(
    live: sqlite3.Connection,
    new: Path,
    *,
    progress: Progress = no_progress,
    cancel: CancelToken | None = None,
) -> None:
    """Make the database `live` holds (through `exclusive_use`) a copy of `new`.

    SQLite's backup API writes every page in one transaction, so a full disk, a Cancel or
    a crash leaves the database as it was, and the file stays the one every other program
    opens: nobody can go on writing to a replaced file, nor have its log replayed into the
    new one. The log is then folded into the file.
    """
    live.execute("PRAGMA synchronous = FULL")
    page_size = int(live.execute("PRAGMA page_size").fetchone()[0])
    with closing(sqlite3.connect(new, isolation_level=None)) as src:
        # A database in WAL mode keeps its page size: give the copy the same one first.
        if int(src.execute("PRAGMA page_size").fetchone()[0]) != page_size:
            src.execute(f"PRAGMA page_size = {page_size}")
            src.execute("VACUUM")
        src.backup(live, pages=PAGES_PER_STEP, progress=_stepper(progress, cancel))
    # Done once committed: a checkpoint that fails (a full disk) is made later by SQLite.
    with suppress(sqlite3.DatabaseError):
        live.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def swap_in(new: Path, path: Path) -> None:
    """Put the self-contained database `new` at `path` in one atomic step.

    The old file's `-wal` and `-shm` go first: left beside the new file, SQLite would
    replay the old log into it. Callers keep a copy of the old file (log included)
    before calling, so a crash between the two steps loses nothing.
    """
    if path.exists():
        refuse_if_in_use(path)
    for leftover in sidecars(path):
        leftover.unlink(missing_ok=True)
    os.replace(new, path)
    fsync_dir(path.parent)


# -- the verification stamp ---------------------------------------------------------------


def _stamp_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.checked")


def identity(path: Path) -> list[int]:
    """Which file this is and how it stood: device, inode, size, modification time and,
    where there is one, the inode's change time, which no program can set back (a write
    that resets the modification time still moves it)."""
    st = path.stat()
    changed = st.st_ctime_ns if os.name == "posix" else 0
    return [st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, changed]


def is_verified(path: Path) -> bool:
    """Whether the file is exactly as it was when last found sound (by a quick check, or
    when this app last closed it after using it): then the check need not run again."""
    try:
        stamp: object = json.loads(_stamp_path(path).read_text(encoding="utf-8"))
        return stamp == identity(path)
    except (OSError, ValueError):
        return False


def mark_verified(path: Path) -> None:
    """Remember that the file, as it stands now, is sound (best effort)."""
    stamp = _stamp_path(path)
    temporary = stamp.with_name(stamp.name + ".tmp")
    try:
        temporary.write_text(json.dumps(identity(path)), encoding="utf-8")
        os.replace(temporary, stamp)
    except OSError:
        temporary.unlink(missing_ok=True)
