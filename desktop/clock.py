"""The one source of the current time.

Services, storage stamps, reports and the window all read the time through a `Clock`
handed down from `Services.open`, so a test (or a demo) can pin it: nothing the app
shows or stores may depend on the day the code happens to run.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

Clock = Callable[[], datetime]


def utcnow() -> datetime:
    """The real clock: an aware UTC datetime."""
    return datetime.now(UTC)


def local_today(clock: Clock) -> date:
    """The date on the user's calendar (their time zone) at the clock's moment."""
    return clock().astimezone().date()
