"""SQLite databases handled as files: checked, copied, swapped in, never left half-written.

Everything here uses the standard `sqlite3` module only (no SQLAlchemy), so opening
checks, backups and restores cost no import time. The rules it keeps:

- a file is inspected through a read-only connection before anything writes to it;
- a copy is made with SQLite's online backup API (a consistent snapshot, whatever
  another connection is doing), turned into one self-contained file (rollback journal,
  no `-wal`), checked with `PRAGMA quick_check`, fsynced, and only then renamed to its
  final name;
- a database is replaced with `os.replace` (atomic on every platform), never
  rewritten in place, and only when no other connection has it open.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
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


def read_header(path: Path) -> bytes:
    """The first 100 bytes (SQLite's header); never more, whatever the file's size."""
    with path.open("rb") as handle:
        return handle.read(HEADER_SIZE)


def connect_read_only(path: Path) -> sqlite3.Connection:
    """A connection that cannot write to the file, whatever the caller runs."""
    return sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)


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


def spot_check(path: Path, rng: random.Random) -> list[str]:
    """What SQLite finds damaged reading the schema and a stretch of `SPOT_ROWS` rows from
    a random place in every table (empty when nothing), read-only.

    Milliseconds whatever the size, so it runs where the full check would cost too
    much: at an open the stamp vouches for, and before the stamp is refreshed. It reads
    every table's root and a different stretch of its leaves each time, so it finds a
    damaged schema or root page for sure and other damage only by chance; the full check
    runs whenever the file changed outside the app, before every backup and in
    `db check`."""
    try:
        with closing(connect_read_only(path)) as conn:
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


def copy_database(
    source: Path,
    target: Path,
    *,
    progress: Progress = no_progress,
    cancel: CancelToken | None = None,
) -> None:
    """Copy a live database to `target` (a new file) as one consistent, self-contained,
    verified file. The source is only read; on any failure `target` is removed."""
    try:
        with closing(connect_read_only(source)) as src, closing(sqlite3.connect(target)) as dst:
            # One read transaction for the whole copy: every step reads the same snapshot,
            # so a writer elsewhere never makes the backup start over.
            src.execute("BEGIN")
            src.execute("SELECT count(*) FROM sqlite_master").fetchone()

            def step(_status: int, remaining: int, total: int) -> None:
                progress(total - remaining, total)
                if cancel is not None:
                    cancel.raise_if_cancelled()

            src.backup(dst, pages=PAGES_PER_STEP, progress=step)
            src.execute("ROLLBACK")
            # The copy keeps the source's WAL mode; a backup must be a single file.
            dst.execute("PRAGMA journal_mode = DELETE")
        problems = quick_check(target)
        if problems:
            raise StorageUnavailable(f"the copy of {source} failed its check: {problems[0]}")
        fsync_file(target)
    except BaseException:
        remove_database_file(target)
        raise


def copy_bytes(path: Path, target: Path) -> None:
    """Copy a database's files as bytes (for a file SQLite may not be able to read),
    its write-ahead log too, so nothing is lost whatever state it is in."""
    shutil.copyfile(path, target)
    fsync_file(target)
    wal = sidecars(path)[0]
    if wal.exists() and wal.stat().st_size:
        copied = sidecars(target)[0]
        shutil.copyfile(wal, copied)
        fsync_file(copied)


def remove_database_file(path: Path) -> None:
    for leftover in (path, *sidecars(path), path.with_name(path.name + "-journal")):
        leftover.unlink(missing_ok=True)


@contextmanager
def exclusive_use(path: Path) -> Iterator[None]:
    """Hold the only connection to `path`, or say plainly that it is in use.

    In WAL mode every open connection (another Ridealong window, a CLI command, a sync
    client's reader) holds a shared lock, so an exclusive one is granted only when
    nobody else has the file open. A file SQLite cannot read cannot be in use by
    Ridealong either, so it is not refused here.
    """
    conn = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        try:
            conn.execute("PRAGMA locking_mode = EXCLUSIVE")
            conn.execute("BEGIN EXCLUSIVE")
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.DatabaseError as error:
            if sqlite_fault(error) is Fault.BUSY:
                raise StorageUnavailable(
                    f"{path} is in use by another Ridealong window or program; "
                    "close it and try again",
                    transient=True,
                ) from None
        yield
    finally:
        conn.close()


def refuse_if_in_use(path: Path) -> None:
    """Say plainly that another window or program has the file open."""
    with exclusive_use(path):
        pass


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
