"""Long work off the GUI thread: a `Job` runs a `desktop` function that takes
`progress(done, total)` and a `CancelToken`, and reports back through signals whose
slots run on the GUI thread (the signals object is made there)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from desktop.errors import Cancelled
from desktop.progress import CancelToken, Progress

log = logging.getLogger(__name__)

Work = Callable[[Progress, CancelToken], Any]


class JobSignals(QObject):
    """Signals: progressed(done, total), succeeded(result), failed(exception),
    cancelled(), finished() (after any of the three)."""

    progressed = Signal(int, int)
    succeeded = Signal(object)
    failed = Signal(object)
    cancelled = Signal()
    finished = Signal()


class Job(QRunnable):
    def __init__(self, label: str, work: Work) -> None:
        super().__init__()
        self.label = label
        self.signals = JobSignals()
        self.token = CancelToken()
        self._work = work
        self.setAutoDelete(False)

    def cancel(self) -> None:
        self.token.cancel()

    def run(self) -> None:
        try:
            result = self._work(self.signals.progressed.emit, self.token)
        except Cancelled:
            self.signals.cancelled.emit()
        except Exception as error:
            log.debug("job %r failed", self.label, exc_info=True)
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
        self._running: set[Job] = set()

    def start(self, job: Job, *, writes: bool = False) -> Job:
        self._running.add(job)
        job.signals.finished.connect(lambda: self._running.discard(job))
        (self._writes if writes else self._reads).start(job)
        self.started.emit(job)
        return job

    def busy(self) -> bool:
        return bool(self._running)

    def shutdown(self) -> None:
        """Ask running jobs to stop, and wait for them (at window close)."""
        for job in list(self._running):
            job.cancel()
        self._reads.waitForDone()
        self._writes.waitForDone()
