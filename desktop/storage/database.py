"""Opening a database: checks, pragmas, migrations, and the two kinds of session.

`open_database(url)` refuses anything it should not touch before it writes a byte: a
file that is not SQLite, a SQLite file of another program, a Ridealong database newer
than this app, a damaged file. A SQLite file changed since this app last found it sound
gets a `PRAGMA quick_check` first (see `sqlite_files.is_verified`), one unchanged since
the spot check (`sqlite_files.spot_check`), since its stamp cannot prove that nothing
wrote to it behind its back. Only then does it set pragmas and, if the stored schema
revision is behind, run the Alembic migrations (Alembic is imported only then, since
importing it costs a noticeable part of start-up). A SQLite file is migrated as a copy
that replaces the original only once the whole upgrade has worked, so a failed upgrade
leaves the original as it was.

Sessions come in two kinds: `read()` for queries and `write()` for changes. On SQLite a
write transaction starts with BEGIN IMMEDIATE, so it takes the write lock up front and
waits for it (busy_timeout) instead of failing half-way; reads never take that lock, so
a long search on a background thread never holds up a note being filed. `writing()` is
`write()` without the session, for the one hot path that sends Core statements only.

A commit is synced to the `-wal` before it returns (synchronous FULL); copying the log
back into the file (a checkpoint) is done off the commit path by a `Checkpointer`.
"""

from __future__ import annotations

import contextlib
import errno
import getpass
import os
import random
import re
import sqlite3
import stat
import threading
import uuid
from collections.abc import Iterator, Mapping
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Final

from sqlalchemy import Connection, Engine, create_engine, event, exc
from sqlalchemy import inspect as orm_inspect
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm import exc as orm_exc

from desktop.clock import Clock, utcnow
from desktop.config import SECRET_KEY as _SECRET_KEY
from desktop.config import masked
from desktop.errors import (
    Cancelled,
    Conflict,
    Damaged,
    Foreign,
    NeedsUpgrade,
    Newer,
    StorageUnavailable,
    UserError,
)
from desktop.progress import CancelToken
from desktop.storage import live, migrations, schemas, sqlite_files
from desktop.storage.faults import Fault, server_fault, sqlite_fault
from desktop.storage.models import Annotation, Keyed, Note
from desktop.storage.search import SearchBackend, backend_for, merge_index, reindex_notes
from desktop.storage.sqlite_files import SQLITE_HEADER

BUSY_TIMEOUT_MS = 5000
_WRITE = "ridealong_write"
#: Commits that wrote between two checkpoints on the checkpointer's thread (see
#: `Checkpointer`); a note is about 20 pages of the `-wal`, so about 320 pages each.
CHECKPOINT_EVERY = 16
#: Pages the `-wal` may reach before a commit copies them back itself (SQLite's
#: `wal_autocheckpoint`, 1000 by default): only the bound on its size for when the
#: checkpointer falls behind (a bulk import, a reader holding old pages).
WAL_BOUND_PAGES = 8000


@dataclass(frozen=True, slots=True)
class SchemaState:
    """What an open found in the database before touching it."""

    revision: str | None
    is_empty: bool


def parse_url(url: str) -> URL:
    """The URL as SQLAlchemy reads it; a SQLite file's path made absolute, so a relative
    one names the file in the current directory (as `--data-dir` does) and every later
    use (the engine, the checks, the backups beside it) names that same file.

    `postgres://` and `postgresql://` (what hosting providers hand out) mean psycopg.
    Refused before anything is created: a URL that is not UTF-8, a database that would
    live in memory (it keeps nothing), SQLite URI options (SQLite would open another
    file than the one checked), a name longer than the file system allows. Every
    message shows the URL `masked`.
    """
    shown = masked(url)
    if _NOT_UTF8.search(url):
        raise UserError(
            f"database URL {shown!r} holds bytes that are not UTF-8 (in a file or folder "
            "name?); rename it or choose another place"
        )
    try:
        parsed = make_url(url)
    except (exc.ArgumentError, ValueError):
        # Not the parser's reason: it may quote a piece of a password (`:S3c@r:et@`).
        raise UserError(f"malformed database URL {shown!r}: {_FORMS}") from None
    backend, _, driver = parsed.drivername.partition("+")
    if backend in ("postgres", "postgresql"):
        if "@" in (parsed.host or ""):  # the rest of a password holding an `@`
            raise UserError(
                f"malformed database URL {shown!r}: write an @ in a password as %40 "
                "(or leave the password out: see README, Team mode)"
            )
        return parsed.set(drivername=f"postgresql+{driver or 'psycopg'}")
    if backend != "sqlite":
        raise UserError(f"unsupported database URL {shown!r}: {_FORMS}")
    if parsed.database in (None, "", ":memory:"):
        raise UserError(f"database URL {shown!r} names no file")
    if _in_memory(parsed):
        raise UserError(
            f"unsupported database URL {shown!r}: a database in memory keeps nothing; "
            "use sqlite:///PATH (?mode=ro opens it read-only)"
        )
    uri_options = _sqlite_uri_options(parsed)
    if uri_options:
        raise UserError(
            f"database URL {shown!r}: SQLite URI options ({', '.join(uri_options)}) are "
            "not supported; use sqlite:///PATH"
        )
    path = Path(parsed.database).absolute()
    _check_name_lengths(path)
    return parsed.set(database=str(path))


_FORMS = "use sqlite:///PATH or postgresql://USER@HOST/DATABASE"
#: Lone surrogates: command-line bytes that were not UTF-8, which SQLite cannot open.
_NOT_UTF8 = re.compile("[\ud800-\udfff]")
#: What pysqlite itself takes from a URL's query; with `uri=true` the rest go to SQLite.
_PYSQLITE_OPTIONS = frozenset(
    {"uri", "timeout", "isolation_level", "detect_types", "check_same_thread", "cached_statements"}
)


def _option(url: URL, name: str) -> str:
    """A query parameter's value ("" when absent; repeated ones joined by commas)."""
    value = url.query.get(name, "")
    return (value if isinstance(value, str) else ",".join(value)).strip()


def _in_memory(url: URL) -> bool:
    database = url.database or ""
    return (
        _option(url, "mode").lower() == "memory"
        or _option(url, "vfs").lower() == "memdb"
        or database.startswith(("file::memory:", ":memory:"))
    )


def _sqlite_uri_options(url: URL) -> list[str]:
    """SQLite URI options of a `uri=true` URL: SQLAlchemy appends them to the file's
    absolute path, so SQLite would open a file named `ridealong.db?mode=ro` instead."""
    if _option(url, "uri").lower() not in ("true", "1", "yes", "on", "t", "y"):
        return []
    return sorted(set(url.query) - _PYSQLITE_OPTIONS)


def _check_name_lengths(path: Path) -> None:
    """Refuse a path the file system cannot hold (every call on it would fail with
    "File name too long"): a name past NAME_MAX bytes, or the whole past PATH_MAX."""
    existing = next((p for p in path.parents if os.path.isdir(p)), None)
    name_max, path_max = 255, None
    if existing is not None and hasattr(os, "pathconf"):
        with contextlib.suppress(OSError, ValueError):
            name_max = os.pathconf(existing, "PC_NAME_MAX")
            path_max = os.pathconf(existing, "PC_PATH_MAX")
    for part in path.parts:
        size = len(os.fsencode(part))
        if size > name_max:
            raise UserError(
                f"the name {part[:20]}… in the database's path is {size} bytes long; "
                f"this file system allows {name_max}"
            )
    size = len(os.fsencode(str(path)))
    if path_max is not None and size >= path_max:
        raise UserError(
            f"the database's path is {size} bytes long; this file system allows {path_max - 1}"
        )


def sqlite_path(url: URL) -> Path | None:
    if url.get_backend_name() != "sqlite" or not url.database:
        return None
    return Path(url.database)


def describe(url: str) -> str:
    """Where the data is, for people: a file path, or the URL without its secrets."""
    parsed = parse_url(url)
    path = sqlite_path(parsed)
    return str(path) if path else masked(parsed.render_as_string(hide_password=True))


def inspect_sqlite_file(path: Path) -> SchemaState:
    """Read, never write, what a SQLite file holds; refuse what is not ours.

    A file is called damaged only when SQLite says so (see `storage/faults.py`): its size
    says nothing, since in WAL mode committed pages may still be in the `-wal` file
    (beside a live writer, or after a full disk or a kill stopped a checkpoint)."""
    if check_place(path) is None:
        return SchemaState(revision=None, is_empty=True)
    try:
        header = sqlite_files.read_header(path)
    except OSError as error:
        raise StorageUnavailable(f"cannot read {path}: {error.strerror}") from None
    if not header:
        # Never a database this app made (it writes the header at once): a file emptied
        # by a crash or a failed copy, or the wrong file. Filling it would hide the loss.
        raise Damaged(f"{path} is an empty file, not a Ridealong database")
    if header[: len(SQLITE_HEADER)] != SQLITE_HEADER:
        raise Foreign(f"{path} is not a Ridealong database (not a SQLite file)")
    try:
        with closing(sqlite_files.connect_read_only(path)) as conn:
            conn.execute("BEGIN")
            found = schemas.recognise(conn)
    except sqlite3.DatabaseError as error:
        if sqlite_fault(error) is Fault.DAMAGED:
            raise Damaged(f"{path} is damaged and cannot be read ({error})") from None
        raise sqlite_files.unreadable(path, error) from None
    if found.empty:
        return SchemaState(revision=None, is_empty=True)
    if found.problem is not None:
        raise Foreign(
            f"{path} is a SQLite file of another program, not Ridealong ({found.problem})"
        )
    return SchemaState(revision=found.revision, is_empty=False)


def check_place(path: Path) -> os.stat_result | None:
    """The status of the file a database lives in (None when there is none yet), once it
    is sure to be a place for one: not a link leading nowhere or back to itself, not a
    folder, a named pipe or a device. Nothing is opened or created."""
    try:
        st = _stat(path)
    except FileNotFoundError:
        return None
    if stat.S_ISDIR(st.st_mode):
        raise Foreign(f"{path} is a directory, not a Ridealong database")
    if not stat.S_ISREG(st.st_mode):
        # Opening a named pipe would wait for a writer for ever; a device is nobody's database.
        raise Foreign(f"{path} is {_kind_of(st.st_mode)}, not a Ridealong database")
    return st


def _stat(path: Path) -> os.stat_result:
    """The file's status, following links; a link that leads nowhere is refused, since
    creating a database at its target would hide the real one (on a drive that is not
    plugged in) behind an empty one. Missing: `FileNotFoundError`."""
    try:
        return os.stat(path)
    except FileNotFoundError:
        links = (p for p in (path, *path.parents) if p.is_symlink() and not p.exists())
        dangling = next(links, None)
        if dangling is None:
            raise
        raise StorageUnavailable(
            f"{dangling} is a link to {os.readlink(dangling)}, which does not exist "
            "(is its drive connected?); nothing was created",
            transient=True,
        ) from None
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise StorageUnavailable(
                f"{path} is a symbolic link that leads back to itself; "
                "point it at the database file"
            ) from None
        raise StorageUnavailable(f"cannot read {path}: {error.strerror}") from None


def _kind_of(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "not a regular file"


def check_revision(state: SchemaState, where: str) -> None:
    if state.revision is not None and state.revision not in migrations.revisions():
        raise Newer(
            f"{where} was written by a newer Ridealong (schema {state.revision}); "
            "update the app to open it"
        )


class Database:
    """An open database: an engine, its sessions and its full-text search backend."""

    def __init__(
        self, url: str, engine: Engine, *, verified: bool = False, clock: Clock = utcnow
    ) -> None:
        self.url = url
        self.engine = engine
        #: What every service, and every row's created/updated stamp, takes as "now".
        self.clock = clock
        self.dialect = engine.dialect.name
        #: Set once any query met damage: from then on nothing is written to the file.
        self.damaged = False
        #: The file was found sound at open, so closing may say it still is.
        self._verified = verified
        #: Opened with `?mode=ro`: SQLite refuses every write, and so does `write()`.
        self.read_only = opens_read_only(make_url(url))
        path = self.path
        self._file = _file_key(path) if path is not None and path.exists() else None
        self.search: SearchBackend = backend_for(self.dialect)
        #: Signs this database's notifications, so its own window skips their echo.
        self.origin = uuid.uuid4().hex
        self._reads = sessionmaker(engine, expire_on_commit=False)
        self._write_engine = engine.execution_options(**{_WRITE: True})
        self._writes = sessionmaker(self._write_engine, expire_on_commit=False)
        #: Commits by this process that changed something: a session that wrote nothing
        #: has nothing new to back up when the window closes.
        self.writes = 0
        self.checkpointer = Checkpointer(path) if path is not None and not self.read_only else None
        event.listen(self._writes, "before_flush", self._stamp)
        event.listen(self._writes, "after_flush", self._after_flush)
        event.listen(self._writes, "after_begin", self._note_changes)
        event.listen(self._writes, "after_commit", self._count_write)

    @property
    def path(self) -> Path | None:
        return sqlite_path(self.engine.url)

    @contextmanager
    def read(
        self, *, snapshot: bool = False, cancel: CancelToken | None = None
    ) -> Iterator[Session]:
        """A session for queries; its transaction ends (rolled back) on exit.

        With `snapshot`, every query in the session sees the database as of its first
        query, so several aggregates agree with each other. SQLite's transactions are
        snapshots already; PostgreSQL needs REPEATABLE READ for it.

        With `cancel`, cancelling the token stops the session's work with `Cancelled`:
        on SQLite a query already running is interrupted (a search typed over must not
        keep a core busy), elsewhere between queries.
        """
        if cancel is not None:
            cancel.raise_if_cancelled()
        with _translated(self), self._reads() as session:
            if snapshot and self.dialect == "postgresql":
                session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
            if cancel is None:
                yield session
            else:
                with _stoppable(session, cancel):
                    yield session
                cancel.raise_if_cancelled()

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One unit of work: committed on a clean exit, rolled back on an exception."""
        self.check_writable()
        with _translated(self), self._writes.begin() as session:
            yield session

    @contextmanager
    def writing(self) -> Iterator[Connection]:
        """`write()` on a bare connection, for a hot path that sends Core statements only
        (filing a note): the same checks, BEGIN IMMEDIATE, faults and count of writes,
        without a session, whose machinery cost more than the statements themselves."""
        self.check_writable()
        with _translated(self), self._write_engine.connect() as conn:
            with conn.begin():
                before = self._changes(conn)
                yield conn
            self._wrote(conn, before)

    def check_writable(self) -> None:
        """Refuse to write to a file opened read-only or found damaged, or to a file that
        is no longer the one opened (deleted, moved, or replaced by a restore elsewhere):
        on most systems SQLite would go on writing to the vanished file, and the note
        would be lost."""
        if self.read_only:
            raise StorageUnavailable(
                f"{describe(self.url)} is open read-only (?mode=ro); nothing could be saved"
            )
        if self.damaged:
            raise Damaged(
                f"{describe(self.url)} is damaged; nothing more is written to it. "
                "Run `ridealong db check`, or restore a backup"
            )
        path = self.path
        if self._file is None or path is None:
            return
        try:
            now = _file_key(path)
        except FileNotFoundError:
            raise StorageUnavailable(
                f"{path} has disappeared (moved, deleted, or its drive is gone); "
                "nothing could be saved",
                transient=True,
            ) from None
        except OSError as error:
            raise StorageUnavailable(
                f"cannot reach {path}: {error.strerror}; nothing could be saved", transient=True
            ) from None
        if now != self._file:
            raise StorageUnavailable(
                f"{path} was replaced by another file while open (restored elsewhere?); "
                "reopen it. Nothing was saved"
            )

    def _stamp(self, session: Session, _context: Any, _instances: Any) -> None:
        """Give new and changed rows their created/updated times from the clock."""
        now = self.clock()
        for obj in session.new:
            if isinstance(obj, Keyed):
                given = orm_inspect(obj).attrs
                if not given.created_at.history.has_changes():
                    obj.created_at = now
                if not given.updated_at.history.has_changes():
                    obj.updated_at = now
        for obj in session.dirty:
            if (
                isinstance(obj, Keyed)
                and session.is_modified(obj, include_collections=False)
                and not orm_inspect(obj).attrs.updated_at.history.has_changes()
            ):
                obj.updated_at = now

    def _after_flush(self, session: Session, _context: Any) -> None:
        rows = (*session.new, *session.dirty, *session.deleted)
        touched = {
            obj.id if isinstance(obj, Note) else obj.note_id
            for obj in rows
            if isinstance(obj, Note | Annotation)
        }
        if touched:
            reindex_notes(session.connection(), self.search, touched)
        if self.dialect == "postgresql":
            self.announce(session.connection(), live.touched_by(session.connection(), rows))

    def announce(self, connection: Connection, said: live.Touched) -> None:
        """Tell teammates' windows what this transaction touched, at its commit (on a
        team database; nothing on SQLite, which has no one listening). Write sessions
        do it by themselves; a Core write on `writing()` calls it."""
        if self.dialect == "postgresql" and said.kinds:
            live.notify(connection, self.origin, said)

    @staticmethod
    def _changes(connection: Connection) -> int | None:
        """Rows SQLite has changed through this connection since it opened."""
        raw = connection.connection.driver_connection
        return raw.total_changes if isinstance(raw, sqlite3.Connection) else None

    def _note_changes(self, session: Session, _transaction: Any, connection: Connection) -> None:
        session.info["changes_at_begin"] = (connection, self._changes(connection))

    def _count_write(self, session: Session) -> None:
        connection, before = session.info.pop("changes_at_begin", (None, None))
        if connection is not None:
            self._wrote(connection, before)

    def _wrote(self, connection: Connection, before: int | None) -> None:
        """Count a committed write transaction if it changed something (elsewhere than
        SQLite, every one counts), and ask for a checkpoint every so many."""
        if before is None or self._changes(connection) != before:
            self.writes += 1
            due = self.writes % CHECKPOINT_EVERY == 0
            if due and self.checkpointer is not None and not self.damaged:
                self.checkpointer.request()

    def listening_connection(self) -> Any:
        """A psycopg connection of its own to the team database, in autocommit, that
        LISTENs for other writers' notifications (`storage/live.py`); the pool never
        sees it. Raises psycopg's errors, for the listener to retry."""
        import psycopg

        url = self.engine.url
        args, params = self.engine.dialect.create_connect_args(url)
        params = {**params, **_server_arguments(url), "autocommit": True}
        conn = psycopg.connect(*args, **params)
        try:
            conn.execute(f"LISTEN {live.CHANNEL}")
        except BaseException:
            conn.close()
            raise
        return conn

    def close(self) -> None:
        """Let SQLite refresh the statistics its query planner uses, then disconnect.

        The stamp saying the file is sound is refreshed only if it was found sound at
        open and passes the spot check now. A damaged or read-only file is left exactly
        as it is: no optimize, no stamp."""
        if self.checkpointer is not None:
            self.checkpointer.close()
        sound = self._still_sound()
        if self.dialect == "sqlite" and not self.damaged and not self.read_only:
            _optimize(self.engine)
        self.engine.dispose()
        path = self.path
        if sound and path is not None:
            try:
                if _file_key(path) == self._file:
                    sqlite_files.mark_verified(path)
            except OSError:
                pass

    def _still_sound(self) -> bool:
        """Whether the file found sound at open passes the spot check before closing.

        It runs while this engine still holds its connection, so that the last one to
        close (ours) checkpoints the log and removes it, as SQLite does."""
        path = self.path
        if not self._verified or self.damaged or path is None or self._file is None:
            return False
        try:
            # Never wait: a restore elsewhere waiting for this file to close holds its
            # lock, and would wait in turn for this connection. Busy means no stamp.
            return not sqlite_files.spot_check(path, random.Random(), wait=0)
        except StorageUnavailable:
            return False  # no stamp: the next open runs the full check


class Checkpointer:
    """Copies committed pages from the `-wal` back into the database file on a thread of
    its own, every `CHECKPOINT_EVERY` writing commits, so that no commit waits for it.

    With SQLite's automatic checkpoint, every ~50th note filed paid for it inside its
    COMMIT: 10-25 ms at a million notes. Durability is as before: a commit is on disk
    (synced in the `-wal`) when it returns; a checkpoint only moves it, syncing the
    database file before the log is reused, and a crash in the middle of one is
    recovered by SQLite at the next open. PASSIVE never waits for, nor blocks, a
    reader or a writer; pages it cannot copy yet wait for the next one, and the
    commits themselves copy them past `WAL_BOUND_PAGES`.

    Each round first merges the search index's segments (`merge_index`), which FTS5
    would otherwise do inside every 64th note's INSERT (15-30 ms at a million notes).
    """

    def __init__(self, path: Path) -> None:
        self._path = path
        self._lock = threading.Lock()
        self._due = threading.Event()
        self._idle = threading.Event()
        self._idle.set()
        self._closed = False
        self._thread: threading.Thread | None = None
        #: Checkpoints that ran, for tests to see one did.
        self.done = 0

    def request(self) -> None:
        """Ask for a checkpoint soon; returns at once (the thread starts on first use)."""
        with self._lock:
            if self._closed:
                return
            self._idle.clear()
            self._due.set()
            if self._thread is None:
                thread = threading.Thread(
                    target=self._run, name="ridealong-checkpoint", daemon=True
                )
                try:
                    thread.start()
                except RuntimeError:  # no thread to be had: commits past the bound do it
                    self._idle.set()
                    return
                self._thread = thread

    def wait(self) -> None:
        """Until the checkpoints asked for so far have run."""
        self._idle.wait()

    def close(self) -> None:
        """Let a checkpoint under way finish, and stop: the database's last connection
        to close then checkpoints what is left and removes the `-wal`, as before."""
        with self._lock:
            self._closed = True
            self._due.set()
            thread = self._thread
        if thread is not None:
            thread.join()
        self._idle.set()

    def _run(self) -> None:
        while True:
            self._due.wait()
            with self._lock:
                self._due.clear()
                if self._closed:
                    return
            self._checkpoint()
            with self._lock:
                if not self._due.is_set():
                    self._idle.set()

    def _checkpoint(self) -> None:
        """One PASSIVE checkpoint on a connection of its own, closed at once, so nothing
        stays open on the file between two of them. `mode=rw`: a database that has
        vanished meanwhile is not created anew (empty) where it was."""
        uri = f"{self._path.absolute().as_uri()}?mode=rw"
        try:
            conn = sqlite3.connect(uri, uri=True, timeout=0, isolation_level=None)
        except sqlite3.Error:
            return
        try:
            # FULL: the copied pages are synced to the database before the log may be
            # reused (what makes moving them safe across a power cut).
            conn.execute("PRAGMA synchronous = FULL")
            # A note being filed comes first: merging waits for no lock (a step that
            # waited would make the next note wait for it), and the next round merges.
            with contextlib.suppress(sqlite3.OperationalError):
                merge_index(conn, stopping=lambda: self._closed)
            conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
            self.done += 1
        except sqlite3.Error:
            pass  # busy, or gone: the next checkpoint, or a commit past the bound, does it
        finally:
            conn.close()


#: SQLite virtual-machine steps between two looks at a cancel token: well under a
#: millisecond of work, and too rare to slow a query down.
_CANCEL_CHECK_STEPS = 10_000


@contextmanager
def _stoppable(session: Session, cancel: CancelToken) -> Iterator[None]:
    """Interrupt the session's SQLite query once `cancel` is set, as `Cancelled`."""
    raw = session.connection().connection.driver_connection
    if not isinstance(raw, sqlite3.Connection):
        yield
        return
    raw.set_progress_handler(lambda: cancel.cancelled, _CANCEL_CHECK_STEPS)
    try:
        yield
    except exc.OperationalError:
        if cancel.cancelled:
            raise Cancelled("stopped at your request") from None
        raise
    finally:
        raw.set_progress_handler(None, _CANCEL_CHECK_STEPS)


#: Rows ANALYZE samples per index: statistics good enough for the planner, in
#: milliseconds even at a million notes (SQLite's advice for `PRAGMA optimize`).
ANALYSIS_LIMIT = 400


def _optimize(engine: Engine) -> None:
    """Refresh the planner's statistics so they persist for the next process.

    Outside any transaction (the driver connection is in autocommit): inside one that
    is rolled back, `sqlite_stat1` would never be written and every process would plan
    its queries without statistics. Tables that have rows and no statistics yet are
    analyzed, sampled; then `PRAGMA optimize` redoes what changed enough (0x10002:
    every table, not just those this connection used, on SQLite 3.46+)."""
    try:
        raw = engine.raw_connection()
    except exc.DBAPIError:
        return
    try:
        conn: sqlite3.Connection = raw.driver_connection  # type: ignore[assignment]
        conn.execute(f"PRAGMA analysis_limit = {ANALYSIS_LIMIT}")
        for table in _unanalyzed(conn):
            conn.execute(f'ANALYZE "{table}"')
        conn.execute("PRAGMA optimize = 0x10002")
    except sqlite3.Error:
        pass  # a busy file keeps its old statistics
    finally:
        raw.close()


def _unanalyzed(conn: sqlite3.Connection) -> list[str]:
    """Tables with rows but no statistics: one query each, stopping at the first row."""
    tables = [
        name
        for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND sql NOT LIKE 'CREATE VIRTUAL%'"
        )
    ]
    known: set[str] = set()
    if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").fetchone():
        known = {tbl for (tbl,) in conn.execute("SELECT DISTINCT tbl FROM sqlite_stat1")}
    return [
        name
        for name in tables
        if name not in known
        and conn.execute(f'SELECT 1 FROM "{name}" LIMIT 1').fetchone() is not None
    ]


def _file_key(path: Path) -> tuple[int, int]:
    st = os.stat(path)
    return st.st_dev, st.st_ino


@contextmanager
def _translated(db: Database) -> Iterator[None]:
    """Turn storage failures a user can meet into `StorageUnavailable` (or `Conflict`)."""
    try:
        yield
    except orm_exc.StaleDataError:
        # The version counter moved between our read and our write: someone else saved.
        raise Conflict("this was changed elsewhere meanwhile; reload and try again") from None
    except exc.DBAPIError as error:
        fault = _fault(error)
        if fault is None:
            raise
        where = describe(db.url)
        if _timed_out(error):  # a reconnection the server never answered
            raise _no_connection(error, db.engine.url, where) from error
        reason = _reason(error, db.engine.url)
        message = _SAID[fault].format(where=where, reason=reason)
        if fault is Fault.DAMAGED:
            db.damaged = True
            raise Damaged(message) from error
        raise StorageUnavailable(message, transient=fault.transient) from error


#: What a user is told of each fault met while using an open database.
_SAID: Final[Mapping[Fault, str]] = {
    Fault.BUSY: "{where} is busy (another program is writing to it); try again",
    Fault.READ_ONLY: "{where} is read-only; nothing could be saved",
    Fault.FULL: "the disk holding {where} is full; nothing could be saved",
    Fault.DAMAGED: "{where} is damaged ({reason}); run `ridealong db check`",
    Fault.UNREACHABLE: "cannot use the database {where}: {reason}",
    Fault.LOST: "lost the connection to {where}: {reason}",
    Fault.NOT_ALLOWED: "{where} does not allow this login to do that ({reason}); "
    "ask the database's owner (see docs/team.md)",
}


def _fault(error: exc.DBAPIError) -> Fault | None:
    """What failed in the storage, from the driver's error code; None for anything else
    (a bug)."""
    if error.connection_invalidated or isinstance(error, exc.InterfaceError):
        return Fault.LOST
    if isinstance(error.orig, sqlite3.Error):
        return sqlite_fault(error.orig)
    sqlstate = getattr(error.orig, "sqlstate", None)
    if isinstance(sqlstate, str):
        return server_fault(sqlstate)
    # Whatever the server reports carries a SQLSTATE; psycopg raises an OperationalError
    # without one when it could not reach the server at all (refused, no such
    # database or user, a dropped connection).
    return Fault.UNREACHABLE if isinstance(error, exc.OperationalError) else None


def _configure_sqlite(engine: Engine, *, read_only: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when transactions begin.
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        if not read_only:  # a read-only file keeps its journal mode
            cursor.execute("PRAGMA journal_mode = WAL")
            # Checkpoints are the `Checkpointer`'s, off the commit path; this is the bound.
            cursor.execute(f"PRAGMA wal_autocheckpoint = {WAL_BOUND_PAGES}")
        # FULL: a committed note survives a power cut; it costs ~0.2 ms per commit.
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        immediate = conn.get_execution_options().get(_WRITE, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def create_db_engine(url: str) -> Engine:
    parsed = parse_url(url)
    try:
        if parsed.get_backend_name() == "sqlite":
            if parsed.drivername not in ("sqlite", "sqlite+pysqlite"):
                raise UserError(
                    f"unsupported database driver {parsed.drivername!r}: use sqlite:///PATH"
                )
            read_only = opens_read_only(parsed)
            if read_only:
                # SQLAlchemy passes `mode` to SQLite only in a `file:` URI: connect ourselves.
                uri = f"{Path(str(parsed.database)).as_uri()}?mode=ro"
                engine = create_engine(
                    parsed.difference_update_query(["mode"]),
                    creator=lambda: sqlite3.connect(
                        uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False
                    ),
                )
            else:
                engine = create_engine(parsed, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
            _configure_sqlite(engine, read_only=read_only)
            return engine
        return create_engine(parsed, pool_pre_ping=True, connect_args=_server_arguments(parsed))
    except (ValueError, TypeError) as error:
        # The driver's reading of an option in the URL's query (`?timeout=abc`).
        raise UserError(
            f"database URL {masked(url)!r} has an option that is not valid: {error}"
        ) from None
    except ModuleNotFoundError as error:
        raise UserError(
            f"the PostgreSQL driver is not installed ({error.name}); "
            "install it with: pip install 'ridealong[postgres]'"
        ) from None
    except exc.NoSuchModuleError:
        raise UserError(
            f"unknown database driver {parsed.drivername!r}: use postgresql+psycopg://..."
        ) from None


#: How long a connection to a server may take (libpq's `connect_timeout`, in seconds)
#: and a statement may run (`statement_timeout`) unless the URL, PGCONNECT_TIMEOUT or
#: PGOPTIONS say otherwise: a server that accepts and never answers, or a lock held
#: forever elsewhere, then fails the command with a message instead of hanging it.
CONNECT_TIMEOUT_S = 10
STATEMENT_TIMEOUT_MS = 60_000


def _server_arguments(url: URL) -> dict[str, Any]:
    """The driver's arguments beside the URL: they override the URL's query, so ours
    only fill what the user left unsaid, and the user's options come after ours."""
    arguments: dict[str, Any] = {}
    if "connect_timeout" not in url.query and not os.environ.get("PGCONNECT_TIMEOUT"):
        arguments["connect_timeout"] = CONNECT_TIMEOUT_S
    theirs = url.query.get("options") or os.environ.get("PGOPTIONS", "")
    theirs = theirs if isinstance(theirs, str) else " ".join(theirs)
    arguments["options"] = f"-c statement_timeout={STATEMENT_TIMEOUT_MS} {theirs}".strip()
    return arguments


def _connect_timeout(url: URL) -> int:
    """The seconds a connection to the server at `url` may take (psycopg waits at least 2)."""
    given = _option(url, "connect_timeout") or os.environ.get("PGCONNECT_TIMEOUT", "")
    try:
        seconds = int(given) if given else CONNECT_TIMEOUT_S
    except ValueError:
        seconds = CONNECT_TIMEOUT_S
    return max(seconds, 2)


def _server_name(url: URL) -> str:
    """The team database's host (and port) as a user knows it."""
    host = url.host or _option(url, "host") or "localhost"
    return f"{host}:{url.port}" if url.port else host


def _password_wanted(error: exc.DBAPIError) -> bool:
    """The server asked for a password that the URL, PGPASSWORD and ~/.pgpass did not
    give (libpq's PQconnectionNeedsPassword, kept on psycopg's error)."""
    pgconn = getattr(error.orig, "pgconn", None)
    return bool(getattr(pgconn, "needs_password", False))


def _timed_out(error: exc.DBAPIError) -> bool:
    """The server took the connection and never answered within `connect_timeout`."""
    try:
        from psycopg.errors import ConnectionTimeout
    except ImportError:
        return False
    return isinstance(error.orig, ConnectionTimeout)


def _no_connection(error: exc.DBAPIError, url: URL, where: str) -> StorageUnavailable:
    """What a user is told when a connection to the server could not be made."""
    if _timed_out(error):
        return StorageUnavailable(
            f"cannot reach the team database {_server_name(url)} "
            f"(no answer in {_connect_timeout(url)} s)",
            transient=True,
        )
    if _password_wanted(error):
        return StorageUnavailable(
            f"{where} wants a password: give it with PGPASSWORD, ~/.pgpass or the keyring, "
            "or type it when asked on a terminal (see README, Team mode)"
        )
    return StorageUnavailable(f"cannot connect to {where}: {_reason(error, url)}")


def _reason(error: exc.DBAPIError, url: URL) -> str:
    """The first line of what the driver said, with any secret of `url` in it masked."""
    reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
    secrets = [url.password or ""]
    for key in url.query:
        if _SECRET_KEY.search(key):
            secrets += _option(url, key).split(",")
    for secret in filter(None, secrets):
        reason = reason.replace(secret, "***")
    return reason


def password_wanted(url: str) -> bool:
    """Whether the server at `url` asks for a password nothing gave; one connection
    attempt. A server that cannot be reached raises what opening it would."""
    engine = create_db_engine(url)
    try:
        with engine.connect():
            return False
    except exc.DBAPIError as error:
        if _password_wanted(error):
            return True
        raise _no_connection(error, engine.url, describe(url)) from None
    finally:
        engine.dispose()


def login_without_password(url: str) -> str | None:
    """`USER@HOST` of a server URL that carries no password (nor does PGPASSWORD), for
    the keyring or a prompt; None for a SQLite file or a URL that has what it needs."""
    parsed = parse_url(url)
    if parsed.get_backend_name() != "postgresql" or parsed.password:
        return None
    if _option(parsed, "password") or os.environ.get("PGPASSWORD"):
        return None
    return _login(parsed)


def login_of(url: str) -> str:
    """`USER@HOST` of a server URL: the keyring entry its password is kept under."""
    return _login(parse_url(url))


def _login(parsed: URL) -> str:
    user = parsed.username or _option(parsed, "user") or os.environ.get("PGUSER")
    return f"{user or getpass.getuser()}@{_server_name(parsed.set(port=None))}"


def probe_server(url: str) -> SchemaState:
    """What the server database at `url` holds, changing nothing: one connection.
    Raises what opening it would (unreachable, a wrong password, newer, foreign)."""
    where = describe(url)
    engine = create_db_engine(url)
    try:
        state = _server_state(engine, where)
    finally:
        engine.dispose()
    check_revision(state, where)
    return state


def with_password(url: str, password: str) -> str:
    """`url` carrying `password` (never shown: every message masks it)."""
    return parse_url(url).set(password=password).render_as_string(hide_password=False)


def _server_state(engine: Engine, where: str) -> SchemaState:
    from sqlalchemy import inspect, text

    try:
        with engine.connect() as conn:
            names = set(inspect(conn).get_table_names())
            revision = None
            if "alembic_version" in names:
                revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except exc.DBAPIError as error:
        raise _no_connection(error, engine.url, where) from None
    if not names:
        return SchemaState(revision=None, is_empty=True)
    if revision is None or "notes" not in names:
        # Like a SQLite file of another program: never add our tables beside theirs.
        some = ", ".join(sorted(names)[:3])
        raise Foreign(f"{where} holds another program's tables ({some}), not Ridealong's")
    return SchemaState(revision=revision, is_empty=False)


def verify_file(path: Path, *, stamp: bool = True) -> None:
    """Refuse a damaged file before anything writes to it.

    A file exactly as this app last found it sound (`sqlite_files.is_verified`) gets the
    spot check, milliseconds; any other file the full quick check, about a second per
    million notes, after which it is stamped sound (unless `stamp` is False: nothing is
    written beside a file opened read-only)."""
    if sqlite_files.is_verified(path):
        problems = sqlite_files.spot_check(path, random.Random())
    else:
        problems = sqlite_files.quick_check(path)
        if not problems and stamp:
            sqlite_files.mark_verified(path)
    if problems:
        raise Damaged(f"{path} is damaged: {'; '.join(problems[:3])}")


def opens_read_only(url: URL) -> bool:
    """Whether a SQLite URL asks for the file to be opened read-only (`?mode=ro`); any
    other mode is refused rather than ignored."""
    mode = url.query.get("mode")
    if mode is None or url.get_backend_name() != "sqlite":
        return False
    if mode != "ro":
        raise UserError(
            f"unsupported database URL option mode={mode}: "
            "leave it out, or use ?mode=ro to open the file read-only"
        )
    return True


def open_database(
    url: str, *, upgrade: bool = True, verify: bool = True, clock: Clock = utcnow
) -> Database:
    """Open (creating and migrating if needed) the database at `url`, telling the time by
    `clock`.

    With `verify` (the default), a SQLite file is checked before anything is written to
    it (see `verify_file`); the window may pass False and run
    `desktop.storage.health.check_health(url, deep=True)` off the GUI thread. A SQLite
    URL ending in `?mode=ro` opens the file read-only: nothing is created, upgraded or
    written to it, no stamp beside it, and every write is refused (SQLite itself may
    still create the `-wal` and `-shm` files it needs to read a WAL database).
    """
    parsed = parse_url(url)
    where = describe(url)
    path = sqlite_path(parsed)
    if path is not None:
        # The file's absolute URL from now on: a relative one would name another file
        # after a change of the current directory.
        url = parsed.render_as_string(hide_password=False)
        read_only = opens_read_only(parsed)
        state = inspect_sqlite_file(path)
        check_revision(state, where)
        if read_only and state.is_empty:
            raise UserError(f"there is no Ridealong database at {path} to open read-only")
        if verify and not state.is_empty:
            verify_file(path, stamp=not read_only)
        engine = create_db_engine(url)  # refuses a bad driver before a file is made
        if state.revision != migrations.head():
            if not upgrade or read_only:
                raise NeedsUpgrade(
                    f"{where} needs an upgrade to schema {migrations.head()}; "
                    f"run `ridealong db upgrade`{' without ?mode=ro' if read_only else ''}"
                )
            upgrade_file(path, state, now=clock())
        return Database(url, engine, verified=verify and not read_only, clock=clock)
    engine = create_db_engine(url)
    try:
        state = _server_state(engine, where)
        check_revision(state, where)
    except BaseException:
        engine.dispose()
        raise
    db = Database(url, engine, clock=clock)
    if state.revision != migrations.head():
        if not upgrade:
            db.close()
            raise NeedsUpgrade(
                f"{where} needs an upgrade to schema {migrations.head()}; "
                "run `ridealong db upgrade`"
            )
        try:
            with _translated(db):
                _upgrade_server(engine, where)
        except BaseException:
            db.close()
            raise
    return db


def _upgrade_server(engine: Engine, where: str) -> None:
    """Migrate a server database; a login that may not change tables (the app role of
    docs/team.md) is told who can, instead of a permission error half-way."""
    try:
        migrations.upgrade(engine)
    except exc.DBAPIError as error:
        if getattr(error.orig, "sqlstate", None) != "42501":
            raise
        raise NeedsUpgrade(
            f"{where} needs an upgrade to schema {migrations.head()}, and this login may not "
            "change tables: the database's owner runs `ridealong --database-url URL db "
            "upgrade` (see docs/team.md)"
        ) from None


def upgrade_file(path: Path, state: SchemaState, *, now: datetime) -> None:
    """Create or upgrade the SQLite file at `path` without ever writing to it in place.

    A new database is built beside it and moved into place. An existing one is first
    copied to a verified backup (kept in `backups/`, so the version before the upgrade
    stays at hand); a copy of that is migrated, checked and swapped in. Whatever fails
    on the way, the original file is left byte for byte as it was.
    """
    from desktop.storage import backup

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise StorageUnavailable(f"cannot create {path.parent}: {error.strerror}") from None
    work = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.upgrading")
    outcome = f"{path} was left as it was" if path.exists() else "no database was created"
    try:
        with sqlite_files.writing(path.parent, outcome):
            if path.exists():
                sqlite_files.refuse_if_in_use(path)
                if state.is_empty:
                    sqlite_files.copy_database(path, work)
                else:
                    before = backup.keep_before_upgrade(path, state.revision or "", now=now)
                    sqlite_files.copy_database(before, work)
            _migrate(work, str(path))
            if path.exists():
                sqlite_files.swap_in(work, path)
            else:
                _put_new(work, path)
    finally:
        sqlite_files.remove_database_file(work)


def _migrate(work: Path, where: str) -> None:
    """Bring the file `work` to the head revision and leave it checked and self-contained."""
    engine = create_db_engine(f"sqlite:///{work}")
    try:
        migrations.upgrade(engine)
    except exc.DBAPIError as error:
        if error.orig is not None and sqlite_files.out_of_space(error.orig, work.parent):
            raise error.orig from error  # said as a full disk by `upgrade_file`
        raise _not_upgraded(where, error) from error
    except Exception as error:
        raise _not_upgraded(where, error) from error
    finally:
        engine.dispose()
    problems = sqlite_files.quick_check(work)
    if problems:
        raise StorageUnavailable(
            f"the upgrade of {where} failed its check ({problems[0]}); it was left as it was"
        )
    conn = sqlite3.connect(work)
    try:
        conn.execute("PRAGMA journal_mode = DELETE")
    finally:
        conn.close()
    sqlite_files.fsync_file(work)


def _not_upgraded(where: str, error: Exception) -> StorageUnavailable:
    reason = str(error).strip().splitlines()[0] if str(error).strip() else repr(error)
    return StorageUnavailable(
        f"could not upgrade {where} to schema {migrations.head()} ({reason}); it was left as it was"
    )


def _put_new(work: Path, path: Path) -> None:
    """Move a freshly built database into place, unless another process just did."""
    try:
        os.link(work, path)
    except FileExistsError:
        return  # another instance created it meanwhile: use theirs
    except OSError:
        os.replace(work, path)
    sqlite_files.fsync_dir(path.parent)
