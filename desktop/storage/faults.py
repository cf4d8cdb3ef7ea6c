"""What a database error says about the storage, read from its code, never its wording.

SQLite gives every error a result code (`sqlite3.Error.sqlite_errorcode`, extended:
the low byte is the primary code), PostgreSQL a SQLSTATE (`psycopg.Error.sqlstate`).
The tables below turn them into the few faults a user can do something about; any
other code is not a fault of the storage (a bug, or a refusal the caller handles).

One SQLite error has no code of its own: FTS5 reports a damaged or foreign version
record of its index ("invalid fts5 file format (found 99, expected 4) - run 'rebuild'")
as a plain SQLITE_ERROR, the code of every mistake in a statement (fts5_index.c), so
that one is recognised by the words FTS5 puts at its start.
"""

from __future__ import annotations

import enum
import sqlite3
from collections.abc import Mapping
from typing import Final


class Fault(enum.Enum):
    """A failure of the storage itself, as opposed to a bug."""

    #: Another connection holds the lock, or a server lock could not be had in time.
    BUSY = "busy"
    READ_ONLY = "read-only"
    FULL = "full"
    #: SQLite or the server found the data damaged: nothing more may be written.
    DAMAGED = "damaged"
    #: The file cannot be opened or read, or the server cannot be reached or used.
    UNREACHABLE = "unreachable"
    #: The server ended a session that was working.
    LOST = "lost"
    #: The server's role lacks a privilege (an app role altering a table: docs/team.md).
    NOT_ALLOWED = "not allowed"

    @property
    def transient(self) -> bool:
        """Whether the same work may succeed once the cause clears (see
        `StorageUnavailable.transient`); damage never clears by itself."""
        return self is not Fault.DAMAGED


#: Extended SQLite codes that say more than their primary code.
SQLITE_EXTENDED: Final[Mapping[int, Fault]] = {
    # The file system itself reported corrupt data (a checksumming file system).
    sqlite3.SQLITE_IOERR_CORRUPTFS: Fault.DAMAGED,
    # The shared-memory file of a WAL database could not grow: its disk is full (even
    # reading needs it, so this is what a full disk says at open).
    sqlite3.SQLITE_IOERR_SHMSIZE: Fault.FULL,
}

#: Primary SQLite codes (`code & 0xFF`), every extended code of each included:
#: SQLITE_BUSY_SNAPSHOT, SQLITE_READONLY_DBMOVED, SQLITE_CORRUPT_VTAB (the FTS5
#: index), SQLITE_IOERR_SHORT_READ, SQLITE_CANTOPEN_ISDIR ...
SQLITE_CODES: Final[Mapping[int, Fault]] = {
    sqlite3.SQLITE_BUSY: Fault.BUSY,
    # A conflict between connections sharing a cache, in this process: wait as for BUSY.
    sqlite3.SQLITE_LOCKED: Fault.BUSY,
    # The file or its folder is not writable, query_only, or the file moved (DBMOVED).
    sqlite3.SQLITE_READONLY: Fault.READ_ONLY,
    # The disk, or the page limit, is full.
    sqlite3.SQLITE_FULL: Fault.FULL,
    sqlite3.SQLITE_CORRUPT: Fault.DAMAGED,
    sqlite3.SQLITE_NOTADB: Fault.DAMAGED,
    sqlite3.SQLITE_CANTOPEN: Fault.UNREACHABLE,
    sqlite3.SQLITE_IOERR: Fault.UNREACHABLE,
}

#: PostgreSQL SQLSTATEs (https://www.postgresql.org/docs/current/errcodes-appendix.html).
SQLSTATES: Final[Mapping[str, Fault]] = {
    "40P01": Fault.BUSY,  # deadlock_detected
    "55P03": Fault.BUSY,  # lock_not_available (lock_timeout)
    "40001": Fault.BUSY,  # serialization_failure
    "57014": Fault.BUSY,  # query_canceled: statement_timeout, mostly waiting on a lock
    "25006": Fault.READ_ONLY,  # read_only_sql_transaction (a standby, or read-only default)
    "53100": Fault.FULL,  # disk_full
    "XX001": Fault.DAMAGED,  # data_corrupted
    "XX002": Fault.DAMAGED,  # index_corrupted
    "57P01": Fault.LOST,  # admin_shutdown
    "57P02": Fault.LOST,  # crash_shutdown
    "57P03": Fault.UNREACHABLE,  # cannot_connect_now (starting up, shutting down)
    "57P04": Fault.UNREACHABLE,  # database_dropped
    "3D000": Fault.UNREACHABLE,  # invalid_catalog_name: no such database
    "53300": Fault.UNREACHABLE,  # too_many_connections
    "42501": Fault.NOT_ALLOWED,  # insufficient_privilege
}

#: SQLSTATE classes (the first two characters) for the codes not listed above.
SQLSTATE_CLASSES: Final[Mapping[str, Fault]] = {
    "08": Fault.UNREACHABLE,  # connection exception
    "28": Fault.UNREACHABLE,  # invalid authorization specification
}

_FTS5_FORMAT = "invalid fts5 file format"


def sqlite_fault(error: sqlite3.Error) -> Fault | None:
    """The fault a SQLite error reports, or None when it reports none."""
    code = getattr(error, "sqlite_errorcode", None)
    if code is None:
        return None
    if code & 0xFF == sqlite3.SQLITE_ERROR and str(error).startswith(_FTS5_FORMAT):
        return Fault.DAMAGED
    return SQLITE_EXTENDED.get(code) or SQLITE_CODES.get(code & 0xFF)


def server_fault(sqlstate: str) -> Fault | None:
    """The fault a PostgreSQL SQLSTATE reports, or None when it reports none."""
    return SQLSTATES.get(sqlstate) or SQLSTATE_CLASSES.get(sqlstate[:2])
