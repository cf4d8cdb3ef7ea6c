"""Long work reports progress and can be stopped: the same in the CLI and the window.

A long function takes `progress(done, total)` and a `CancelToken`, and checks the
token between chunks of work; the window's Cancel button sets it from the GUI thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from desktop.errors import Cancelled

Progress = Callable[[int, int], None]


def no_progress(_done: int, _total: int) -> None:
    """The default `progress` callback: report nothing."""


class CancelToken:
    """A flag one thread sets and another polls."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        if self._event.is_set():
            raise Cancelled("stopped at your request")
