"""Long work off the GUI thread: a `Job` runs a `desktop` function that takes
`progress(done, total)` and a `CancelToken`, and reports back through signals whose
slots run on the GUI thread (the signals object is made there).

A failed job is handled here, once for every caller: a `RidealongError` (a user's
mistake, or a condition such as a full disk or a busy file) is said where the caller
asked (`on_user_error`), and anything else is a bug, reported to `sys.excepthook`. A
caller adds only what is its own, such as enabling its button again on `finished`.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from desktop.errors import Cancelled, RidealongError
from desktop.progress import CancelToken, Progress

log = logging.getLogger(__name__)

T = TypeVar("T")


class JobSignals(QObject):
    """Signals: progressed(done, total); then one of succeeded(result),
    failed(exception) or cancelled(); then finished(). A failure that is a
    `RidealongError` also emits user_error(message) just before failed."""

    progressed = Signal(int, int)
    succeeded = Signal(object)
    user_error = Signal(str)
    failed = Signal(object)
    cancelled = Signal()
    finished = Signal()


def _report_bug(error: BaseException) -> None:
    """A job's failure that is not a `RidealongError` (those are said, not reported)."""
    if not isinstance(error, RidealongError):
        sys.excepthook(type(error), error, error.__traceback__)


class Job(QRunnable, Generic[T]):
    """`work(progress, token)` on a pool thread; its result `T` goes to `on_success` and a
    `RidealongError`'s message to `on_user_error`, both on the GUI thread.

    A bound method of a widget stops being called once the widget is deleted (Qt drops
    the connection), so a dialog closed mid-job is never touched; a bug is reported
    whoever asked.
    """

    def __init__(
        self,
        label: str,
        work: Callable[[Progress, CancelToken], T],
        *,
        on_success: Callable[[T], object] | None = None,
        on_user_error: Callable[[str], object] | None = None,
    ) -> None:
        super().__init__()
        self.label = label
        self.signals = JobSignals()
        self.token = CancelToken()
        self._work = work
        self.setAutoDelete(False)
        if on_success is not None:
            self.signals.succeeded.connect(on_success)
        if on_user_error is not None:
            self.signals.user_error.connect(on_user_error)
        self.signals.failed.connect(_report_bug)

    def cancel(self) -> None:
        self.token.cancel()

    def run(self) -> None:
        try:
            result = self._work(self.signals.progressed.emit, self.token)
        except Cancelled:
            self.signals.cancelled.emit()
        except Exception as error:
            log.debug("job %r failed", self.label, exc_info=True)
            if isinstance(error, RidealongError):
                self.signals.user_error.emit(str(error))
            self.signals.failed.emit(error)
        else:
            self.signals.succeeded.emit(result)
        finally:
            self.signals.finished.emit()


class JobRunner(QObject):
    """Runs reads on a shared pool and writes one at a time, and keeps jobs alive
    until they finish. Signals: started(Job)."""

    started = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._reads = QThreadPool(self)
        self._writes = QThreadPool(self)
        self._writes.setMaxThreadCount(1)
        self._running: set[Job[Any]] = set()
        self._closed = False

    def start(self, job: Job[T], *, writes: bool = False) -> Job[T]:
        if self._closed:
            return job  # the window has closed: nothing is left to show its result
        self._running.add(job)
        job.signals.finished.connect(lambda: self._running.discard(job))
        # Announced before it runs: a quick job may finish before a late listener connects.
        self.started.emit(job)
        (self._writes if writes else self._reads).start(job)
        return job

    @property
    def closed(self) -> bool:
        """Whether `close` was called: nothing more starts."""
        return self._closed

    def shutdown(self) -> None:
        """Ask running jobs to stop, and wait for them (at window close)."""
        for job in list(self._running):
            job.cancel()
        self._reads.waitForDone()
        self._writes.waitForDone()

    def close(self) -> None:
        """Start nothing more, and wait for what runs. Without this a job started by a
        late timer keeps running until the pools are destroyed, and their destructor
        waits for it holding the GIL the job needs to finish: the app hangs."""
        self._closed = True
        self.shutdown()
