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
    """The database cannot be used: damaged, foreign, newer than the app, unreachable."""


class Conflict(RidealongError):
    """Somebody else changed the row since it was read (optimistic locking)."""


class Cancelled(RidealongError):
    """Long work stopped because the user asked it to."""
