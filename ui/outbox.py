"""Notes the database could not take, kept and retried until it can.

A note whose add fails for a reason that may pass (a full disk, a locked or read-only
file, a lost connection) goes to the outbox on disk and stays in the timeline marked
"not saved yet"; retries run on the write thread every few seconds, with the id chosen
before the first attempt, so each note is stored exactly once. A queued note keeps who
said it and, for a question, the criterion it answers, linked once the note is stored.
"""

from __future__ import annotations

import logging
import uuid

from PySide6.QtCore import QObject, QTimer, Signal

from desktop.domain import ReviewStatus
from desktop.drafts import Outbox, PendingNote
from desktop.errors import RidealongError, StorageUnavailable
from desktop.progress import CancelToken, Progress
from desktop.services import Services
from desktop.services.notes import inline_tags
from desktop.services.values import ContactView, NoteView
from ui.jobs import Job, JobRunner

log = logging.getLogger(__name__)
RETRY_MS = 3000


class OutboxRetrier(QObject):
    """Signals: stored(NoteView) for each queued note saved at last; changed() when the
    queue grows or shrinks; failing(str) with why the last retry failed."""

    stored = Signal(object)
    changed = Signal()
    failing = Signal(str)

    def __init__(
        self, services: Services, outbox: Outbox, jobs: JobRunner, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._outbox = outbox
        self._jobs = jobs
        # Notes the disk would not take either stay queued in memory.
        self._unwritten: dict[uuid.UUID, PendingNote] = {}
        self._running: Job[list[tuple[PendingNote, object]]] | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(RETRY_MS)
        self._timer.timeout.connect(self.retry)

    def pending(self, call_id: uuid.UUID | None = None) -> list[PendingNote]:
        notes = {n.note_id: n for n in self._outbox.pending()}
        notes.update(self._unwritten)
        ordered = sorted(notes.values(), key=lambda n: n.filed_at)
        return [n for n in ordered if call_id is None or n.call_id == call_id]

    def queue(self, note: PendingNote) -> None:
        try:
            self._outbox.put(note)
        except OSError as error:
            log.warning("could not keep a queued note on disk: %s", error)
            self._unwritten[note.note_id] = note
        self.changed.emit()
        self._timer.start()

    def start(self) -> None:
        """Retry what an earlier session left queued."""
        if self.pending():
            self._timer.start()
            self.retry()

    def retry(self) -> None:
        if self._running is not None:
            return
        queued = self.pending()
        if not queued:
            self._timer.stop()
            return
        notes = self._services.notes
        qualification = self._services.qualification

        def work(progress: Progress, token: CancelToken) -> list[tuple[PendingNote, object]]:
            results: list[tuple[PendingNote, object]] = []
            for done, note in enumerate(queued):
                token.raise_if_cancelled()
                try:
                    stored = notes.add(
                        note.call_id,
                        note.kind,
                        note.text,
                        offset_ms=note.offset_ms,
                        intensity=note.intensity,
                        quote_worthy=note.quote_worthy,
                        author=note.author,
                        note_id=note.note_id,
                        speaker=note.speaker,
                    )
                except StorageUnavailable as error:
                    results.append((note, error))
                    break  # the cause has not cleared; keep the order of the rest
                except RidealongError as error:
                    # Not storable as it is (its call was deleted, say): it stays in the
                    # outbox, where nothing is lost, and the others go on.
                    results.append((note, error))
                    continue
                results.append((note, stored))
                if note.criterion is not None:
                    try:
                        qualification.link_note(note.note_id, note.criterion, by=note.author)
                    except RidealongError as error:  # stored all the same; only unlinked
                        log.warning("could not link queued note %s: %s", note.note_id, error)
                progress(done + 1, len(queued))
            return results

        job = Job("Saving queued notes…", work, on_success=self._on_results)
        job.signals.finished.connect(self._on_finished)
        self._running = job
        self._jobs.start(job, writes=True)

    def _on_results(self, results: list[tuple[PendingNote, object]]) -> None:
        for note, outcome in results:
            if isinstance(outcome, NoteView):
                self._unwritten.pop(note.note_id, None)
                self._outbox.remove(note.note_id)
                self.stored.emit(outcome)
            else:
                self.failing.emit(str(outcome))
        self.changed.emit()

    def _on_finished(self) -> None:
        self._running = None
        if not self.pending():
            self._timer.stop()

    def stop(self) -> None:
        self._timer.stop()


def pending_view(note: PendingNote, contacts: tuple[ContactView, ...] = ()) -> NoteView:
    """A queued note as the timeline shows it, until the database has it (`contacts`:
    its call's, to show who said it)."""
    speaker = next((c for c in contacts if str(c.id) == note.speaker), None)
    return NoteView(
        id=note.note_id,
        call_id=note.call_id,
        kind=note.kind,
        text=note.text,
        offset_ms=note.offset_ms or 0,
        author=None,
        intensity=note.intensity,
        quote_worthy=note.quote_worthy,
        case_study=False,
        messaging=False,
        response=None,
        answer=None,
        criterion_id=None,
        tags=tuple(inline_tags(note.text)),
        review_status=ReviewStatus.UNREVIEWED,
        speaker=speaker,
        created_at=note.filed_at,
        updated_at=note.filed_at,
        version=0,
    )
