"""The errors a user can cause or meet, as opposed to bugs.

The CLI turns any `RidealongError` into one line on stderr and exit code 2; the window
shows it inline. Anything else is a bug and keeps its traceback.
"""


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
    """Somebody else changed the row since it was read (optimistic locking)."""


class Cancelled(RidealongError):
    """Long work stopped because the user asked it to."""
