"""The errors a user can cause or meet, as opposed to bugs.

The CLI turns any `RidealongError` into one line on stderr and exit code 2; the window
shows it inline. Anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime


class RidealongError(Exception):
    """Base of every error the user should see as a message, not a traceback."""


class UserError(RidealongError):
    """Bad input: an unknown id, a malformed date, a value out of range."""


class NotFound(UserError):
    """An id or name that names nothing (or something in the trash)."""


class StorageUnavailable(RidealongError):
    """The database cannot be used: damaged, foreign, newer than the app, unreachable.

    `transient` says that trying the same thing again may work once the cause clears
    (locked, read-only, disk full, connection lost, file moved): the window keeps the
    unsaved work queued and retries. Damage and foreign files are never transient.
    """

    def __init__(self, message: str, *, transient: bool = False) -> None:
        super().__init__(message)
        self.transient = transient


class Damaged(StorageUnavailable):
    """SQLite or the server says the data is damaged (or the file is cut short or empty):
    nothing more is written to it; `ridealong db check` says more, a backup restores it."""


class Foreign(StorageUnavailable):
    """Not a Ridealong database: not SQLite at all, or another program's file or tables.
    It is never written to, so it is never made into one."""


class Newer(StorageUnavailable):
    """Written by a newer Ridealong: this app cannot know what its schema means."""


class NeedsUpgrade(StorageUnavailable):
    """An older schema, and the caller asked not to upgrade it."""


class Conflict(RidealongError):
    """Somebody else changed the row since it was read (optimistic locking).

    It carries both sides, so the one refused can choose: `mine`, the fields the refused
    save would have written (field name to value, as the service took them), and
    `theirs`, the row as it stands now (a service value such as `NoteView`), with who
    changed it last and when, as far as the database knows (`by` is None when it does
    not). Keeping mine means saving again at `theirs`' version. A conflict met only at
    the write (the version moved between the read and the UPDATE) carries no sides:
    read the row again.
    """

    def __init__(
        self,
        message: str,
        *,
        mine: Mapping[str, object] | None = None,
        theirs: object | None = None,
        by: str | None = None,
        at: datetime | None = None,
    ) -> None:
        super().__init__(message)
        self.mine: Mapping[str, object] = dict(mine or {})
        self.theirs = theirs
        self.by = by
        self.at = at


class Cancelled(RidealongError):
    """Long work stopped because the user asked it to."""
