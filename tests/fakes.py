"""Stand-ins the tests control: the clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from keyring.backend import KeyringBackend

#: Where every test's clock starts: a Wednesday afternoon in mid-March, UTC. In every
#: time zone (UTC-12 to UTC+14) it falls in the same week and month, far from any
#: month's or year's end; a test about local days asks `local_today(clock)`.
T0 = datetime(2025, 3, 12, 14, 0, tzinfo=UTC)


class FakeClock:
    """The time as a test says it is: what `Services.open(url, clock=clock)`, the window
    (`open_window(..., clock)`) and `main(args, clock=clock)` read instead of the wall."""

    def __init__(self, now: datetime = T0) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> datetime:
        """Move the clock on; returns the new time."""
        self.now += delta
        return self.now


class MemoryKeyring(KeyringBackend):
    """The system's keyring as a test sees it: a dict."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.entries.pop((service, username), None)
