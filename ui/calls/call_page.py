"""One call on screen: its header and running timer, its timeline and the capture box.

Filing a note is the one write that stays on the GUI thread: it takes milliseconds and
must be in the database before the next keystroke is handled. Text not yet filed is
saved as a draft twice a second, so a crash or a kill loses nothing.

Ending a call logged after the fact, and deleting a call, ask inline first (never a
modal box): the end time to record, and whether the call and its notes go to the trash.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import QKeyEvent, QShowEvent, QUndoStack
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop.config import Identity
from desktop.domain import CallStatus, NoteKind
from desktop.drafts import Draft, DraftStore, PendingNote
from desktop.errors import Conflict, NotFound, RidealongError, StorageUnavailable
from desktop.services import Services
from desktop.services.notes import MAX_OFFSET_MS
from desktop.services.values import CallView, NoteView, format_offset
from ui.calls.capture import CapturePanel, contact_named
from ui.calls.start import from_local_qt, to_local_qt, when_edit
from ui.calls.timeline import NoteTimeline
from ui.commands import (
    AddNoteCommand,
    DeleteNoteCommand,
    EditNoteCommand,
    NoteFields,
    note_fields,
)
from ui.conflict import Choice, ConflictDialog, note_sides, said
from ui.events import AppEvents, Changes
from ui.jobs import Job, JobRunner
from ui.models.timeline import TimelineModel
from ui.outbox import OutboxRetrier, pending_view

log = logging.getLogger(__name__)
DRAFT_INTERVAL_MS = 500
#: A live call started longer ago than this is being logged after the fact: its notes
#: follow one another a minute apart, and ending it asks when it ended.
LOGGED_LATE = timedelta(hours=4)
#: The pace of notes on a call logged after the fact, and its length if it has none.
LATE_NOTE_STEP = timedelta(minutes=1)
LATE_CALL_LENGTH = timedelta(minutes=30)


class AskBar(QFrame):
    """An inline question with an optional field: Enter (or the action) says yes, Esc or
    Cancel says no. Signals: accepted(), cancelled()."""

    accepted = Signal()
    cancelled = Signal()

    def __init__(self, name: str, field: QWidget | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName(name)
        self.setProperty("role", "banner")
        self.label = QLabel(self)
        self.label.setObjectName(f"{name}Question")
        self.label.setWordWrap(True)
        self.field = field
        self.error = QLabel(self)
        self.error.setObjectName(f"{name}Error")
        self.error.setProperty("role", "error")
        self.error.setWordWrap(True)
        self.error.hide()
        self.yes = QPushButton(self)
        self.yes.setObjectName(f"{name}Yes")
        self.yes.setAutoDefault(True)  # Enter on it says yes, as in a dialog
        self.no = QPushButton("Cancel", self)
        self.no.setObjectName(f"{name}No")
        self.no.setToolTip("Change nothing (Esc)")
        row = QHBoxLayout()
        row.addWidget(self.label, 1)
        if field is not None:
            field.setParent(self)
            row.addWidget(field)
        row.addWidget(self.no)
        row.addWidget(self.yes)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.error)
        self.yes.clicked.connect(self._on_yes)
        self.no.clicked.connect(self.cancel)
        self.hide()

    def ask(self, question: str, action: str, tip: str) -> None:
        self.label.setText(question)
        self.yes.setText(action)
        self.yes.setToolTip(f"{tip} (Enter)")
        self.error.hide()
        self.show()
        (self.field or self.yes).setFocus()

    def refuse(self, message: str) -> None:
        """Say why the answer cannot be taken, and ask again."""
        self.error.setText(message)
        self.error.show()
        self.show()
        (self.field or self.yes).setFocus()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._on_yes()
            return
        if event.key() == Qt.Key.Key_Escape:
            self.cancel()
            return
        super().keyPressEvent(event)

    def cancel(self) -> None:
        if self.isVisible():
            self.hide()
            self.cancelled.emit()

    def _on_yes(self) -> None:
        self.hide()
        self.accepted.emit()


class CallPage(QWidget):
    """Signals: end_requested(call id, ended_at or None for now),
    delete_requested(call id) once the user confirmed, criterion_linked() after a
    question filed here was linked to the selected criterion, draft_restored(call id)
    when text left unsent by an earlier session is back in the capture box."""

    end_requested = Signal(object, object)
    delete_requested = Signal(object)
    criterion_linked = Signal()
    draft_restored = Signal(object)

    def __init__(
        self,
        services: Services,
        events: AppEvents,
        undo: QUndoStack,
        drafts: DraftStore,
        outbox: OutboxRetrier,
        identity: Identity,
        parent: QWidget | None = None,
        *,
        jobs: JobRunner,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("callPage")
        self._services = services
        self._jobs = jobs
        self._events = events
        self._undo = undo
        self._drafts = drafts
        self._outbox = outbox
        self.identity = identity
        self._call: CallView | None = None
        self._draft_dirty = False
        self._tags_stale = True
        #: Which checklist criterion is selected (its key): a question filed is linked to it.
        self._selected_criterion: Callable[[], str | None] = lambda: None

        self.title = QLabel(self)
        self.title.setObjectName("callTitle")
        self.title.setProperty("role", "heading")
        self.title.setWordWrap(True)
        self.subtitle = QLabel(self)
        self.subtitle.setProperty("role", "hint")
        self.subtitle.setWordWrap(True)
        self.timer_label = QLabel("00:00", self)
        self.timer_label.setObjectName("callTimer")
        self.timer_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.timer_label.setAccessibleName("Call timer")
        self.timer_label.setToolTip("Time since the call started")
        self.end_button = QPushButton("End call", self)
        self.end_button.setObjectName("endCallButton")
        self.end_button.setAccessibleName("End call")
        self.end_button.setToolTip("End the call; it then awaits the rep's review (Ctrl+Shift+E)")
        self.end_button.clicked.connect(self.request_end)
        self.delete_button = QToolButton(self)
        self.delete_button.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_TrashIcon))
        self.delete_button.setObjectName("deleteCallButton")
        self.delete_button.setAccessibleName("Delete call")
        self.delete_button.setToolTip(
            "Delete call: move it and its notes to the trash, after asking (Delete in the "
            "call list); Ctrl+Z brings it back"
        )
        self.delete_button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.delete_button.clicked.connect(self.ask_delete)
        self.end_when = when_edit(self, "endWhen", "When the call ended (local time)")
        self.end_when.setAccessibleName("Call ended at")
        self.end_bar = AskBar("endCallBar", self.end_when, self)
        self.delete_bar = AskBar("deleteCallBar", None, self)

        header = QHBoxLayout()
        titles = QVBoxLayout()
        titles.addWidget(self.title)
        titles.addWidget(self.subtitle)
        header.addLayout(titles, 1)
        header.addWidget(self.timer_label)
        header.addWidget(self.end_button)
        header.addWidget(self.delete_button)

        self.model = TimelineModel(self)
        self.timeline = NoteTimeline(self)
        self.timeline.setModel(self.model)
        self.capture = CapturePanel(self)

        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.end_bar)
        layout.addWidget(self.delete_bar)
        layout.addWidget(self.timeline, 1)
        layout.addWidget(self.capture)

        self._clock = QTimer(self)
        self._clock.setInterval(1000)
        self._draft_timer = QTimer(self)
        self._draft_timer.setInterval(DRAFT_INTERVAL_MS)
        self._connect_signals()

    def _connect_signals(self) -> None:
        self._clock.timeout.connect(self._tick)
        self._draft_timer.timeout.connect(self.save_draft)
        self.capture.file_requested.connect(self._on_file_requested)
        self.capture.edit_submitted.connect(self._on_edit_submitted)
        self.capture.edit_last_requested.connect(self._on_edit_last)
        self.capture.typing.connect(self._on_typing)
        self.timeline.edit_requested.connect(self._on_edit_requested)
        self.end_bar.accepted.connect(self._on_end_confirmed)
        self.delete_bar.accepted.connect(self._on_delete_confirmed)
        for bar in (self.end_bar, self.delete_bar):
            bar.cancelled.connect(self.capture.input.setFocus)
        self._outbox.stored.connect(self._on_queued_note_stored)
        self._outbox.failing.connect(self._on_queue_failing)

    # -- showing a call --------------------------------------------------------------

    @property
    def call(self) -> CallView | None:
        return self._call

    def set_criterion_source(self, selected: Callable[[], str | None]) -> None:
        """Where to ask which checklist criterion is selected (the side panel's)."""
        self._selected_criterion = selected

    def show_call(self, call_id: uuid.UUID) -> bool:
        """Show a call; True if text left unsent there is back in the capture box."""
        if self._call is not None and self._call.id != call_id:
            self.save_draft()
            self.capture.accepted()
            self.end_bar.hide()
            self.delete_bar.hide()
        self._call = self._services.calls.get(call_id)
        self.model.set_notes(self._services.calls.notes(call_id), self._pending_views())
        self.timeline.scrollToBottom()
        self._show_header()
        if self._tags_stale:
            self._tags_stale = False
            self._load_tags()
        draft = self._drafts.load(call_id)
        if draft is not None and not self.capture.input.text():
            self.capture.restore(draft.text, draft.kind, draft.intensity, draft.quote_worthy)
            if draft.note_id is not None:
                row = self.model.row_of(draft.note_id)
                note = self.model.note_at(row)
                if note is not None:
                    self.capture.begin_edit(note)
                    self.capture.input.setPlainText(draft.text)
            when = draft.saved_at.astimezone().strftime("%H:%M:%S")
            self._events.status.emit(f"Recovered the text you were typing at {when}")
            self.draft_restored.emit(call_id)
            restored = True
        else:
            restored = False
        self._draft_timer.start()
        return restored

    def show_note(self, note_id: uuid.UUID) -> None:
        """Select a note of the shown call and bring it into view (from a search hit)."""
        row = self.model.row_of(note_id)
        if row >= 0:
            index = self.model.index(row)
            self.timeline.setCurrentIndex(index)
            self.timeline.scrollTo(index, self.timeline.ScrollHint.PositionAtCenter)
            self.timeline.setFocus()

    def close_call(self) -> None:
        """Show no call (keeping any draft of the one that was shown)."""
        if self._call is not None:
            self.save_draft()
            self.capture.accepted()
        self._call = None
        self.model.set_notes(())
        self.end_bar.hide()
        self.delete_bar.hide()
        self._clock.stop()
        self._draft_timer.stop()

    def reload(self) -> None:
        """Show what is stored now (after an undo, a redo or another view's change)."""
        if self._call is None:
            return
        current = self.timeline.current_note()
        try:
            call = self._services.calls.get(self._call.id)
            notes = self._services.calls.notes(call.id)
        except NotFound:
            self._call = None
            return
        except RidealongError as error:  # unreachable: the call stays, capture goes on
            self._events.status.emit(str(error))
            return
        self._call = call
        bar = self.timeline.verticalScrollBar()
        scroll, at_end = bar.value(), bar.value() == bar.maximum()
        self.model.set_notes(notes, self._pending_views())
        if current is not None and (row := self.model.row_of(current.id)) >= 0:
            self.timeline.setCurrentIndex(self.model.index(row))
        # Where the reader was; following the newest notes if that is where they were.
        bar.setValue(bar.maximum() if at_end else scroll)
        self._show_header()

    def showEvent(self, event: QShowEvent) -> None:
        # Room for the longest timer text, so the header never shifts as the time runs.
        self.timer_label.ensurePolished()
        metrics = self.timer_label.fontMetrics()
        self.timer_label.setMinimumWidth(metrics.horizontalAdvance("Ended · 0:00:00") + 8)
        super().showEvent(event)

    def _show_header(self) -> None:
        call = self._call
        assert call is not None
        self.title.setText(call.account.name)
        parts = [call.call_type.label + " call"]
        if call.rep:
            parts.append(f"rep {call.rep.name}")
        if call.marketer:
            parts.append(f"marketer {call.marketer.name}")
        parts.append(call.status.label)
        self.subtitle.setText(" · ".join(parts))
        self.capture.set_contacts(call.contacts)
        self.timeline.set_call_times(call.started_at, call.ended_at)
        live = call.status is CallStatus.LIVE
        self.end_button.setVisible(live)
        if live:
            self._clock.start()
        else:
            self._clock.stop()
        self._tick()

    def _tick(self) -> None:
        call = self._call
        if call is None:
            return
        end = call.ended_at or self._services.clock()
        if call.ended_at is None and end - call.started_at > LOGGED_LATE:
            self.timer_label.setText("Logged late")  # a running time would mean nothing
            return
        elapsed = int((end - call.started_at).total_seconds() * 1000)
        label = format_offset(elapsed)
        self.timer_label.setText(label if call.status is CallStatus.LIVE else f"Ended · {label}")

    def request_end(self) -> None:
        """End the call now; a call logged after the fact first asks when it ended."""
        call = self._call
        if call is None or call.status is not CallStatus.LIVE:
            return
        now = self._services.clock()
        if now - call.started_at <= LOGGED_LATE:
            self.end_requested.emit(call.id, None)
            return
        self.end_when.setDateTime(to_local_qt(self._late_end(call)))
        started = call.started_at.astimezone().strftime("%a %d %b %Y, %H:%M")
        self.end_bar.ask(
            f"This call started {started}. When did it end?", "End call", "End the call then"
        )

    def _late_end(self, call: CallView) -> datetime:
        """A call logged after the fact ends after its last note, or a usual length in."""
        offsets = [n.offset_ms for n in self.model.notes()]
        if not offsets:
            return call.started_at + LATE_CALL_LENGTH
        return call.started_at + timedelta(milliseconds=max(offsets)) + LATE_NOTE_STEP

    def _on_end_confirmed(self) -> None:
        call = self._call
        if call is None:
            return
        ended_at = from_local_qt(self.end_when.dateTime())
        if ended_at < call.started_at:
            self.end_bar.refuse("A call cannot end before it started; nothing changed.")
            return
        if ended_at > self._services.clock():
            self.end_bar.refuse("That end is in the future; nothing changed.")
            return
        self.end_requested.emit(call.id, ended_at)
        self.capture.input.setFocus()

    # -- deleting the call -----------------------------------------------------------

    def ask_delete(self) -> None:
        """Ask inline whether the call and its notes go to the trash."""
        call = self._call
        if call is None:
            return
        count = sum(1 for n in self.model.notes() if not self.model.is_pending(n.id))
        notes = "no notes" if count == 0 else "1 note" if count == 1 else f"{count} notes"
        started = call.started_at.astimezone().strftime("%a %d %b %Y, %H:%M")
        self.delete_bar.ask(
            f"Delete the {call.account.name} call of {started} with its {notes}? "
            "It goes to the trash; Ctrl+Z brings it back.",
            "Move to trash",
            f"Delete the {call.account.name} call",
        )

    def _on_delete_confirmed(self) -> None:
        if self._call is not None:
            self.save_draft()
            self.delete_requested.emit(self._call.id)

    # -- filing notes ----------------------------------------------------------------

    def _offset_for_new_note(self, call: CallView) -> int:
        """Live calls stamp notes with the time since the start (taken now, so a note
        saved later keeps its moment); an ended call files late notes at its end; a
        call logged after the fact takes its notes a minute apart, in the order typed."""
        if call.duration is not None:
            elapsed = call.duration
        else:
            elapsed = self._services.clock() - call.started_at
            if elapsed > LOGGED_LATE:
                last = max((n.offset_ms for n in self.model.notes()), default=None)
                elapsed = (
                    timedelta(0) if last is None else timedelta(milliseconds=last) + LATE_NOTE_STEP
                )
        return min(max(0, int(elapsed.total_seconds() * 1000)), MAX_OFFSET_MS)

    @Slot(object, str, object)
    def _on_file_requested(self, kind: NoteKind, text: str, speaker: str | None) -> None:
        call = self._call
        if call is None:
            return
        criterion = self._selected_criterion() if kind is NoteKind.QUESTION else None
        pending = PendingNote(
            note_id=uuid.uuid4(),
            call_id=call.id,
            kind=kind,
            text=text,
            offset_ms=self._offset_for_new_note(call),
            intensity=self.capture.intensity,
            quote_worthy=self.capture.quote_worthy,
            author=self.identity.name,
            filed_at=self._services.clock(),
            criterion=criterion,
        )
        try:
            note = self._services.notes.add(
                call.id,
                kind,
                text,
                offset_ms=pending.offset_ms,
                intensity=pending.intensity,
                quote_worthy=pending.quote_worthy,
                author=pending.author,
                note_id=pending.note_id,
                speaker=speaker,
            )
        except StorageUnavailable as error:
            self._queue_with_speaker(pending, speaker, error)
            return
        except RidealongError as error:
            self.capture.show_error(f"Not saved: {error}. Your text is still in the box.")
            self.save_draft()
            return
        self._after_filed(note)
        self._undo.push(AddNoteCommand(self._services.notes, note, self._notify, self._report))
        if criterion is not None:
            self._link(note, criterion)

    def _link(self, note: NoteView, criterion: str) -> None:
        """A question filed while a criterion is selected is evidence for it."""
        try:
            self._services.qualification.link_note(note.id, criterion, by=self.identity.name)
        except RidealongError as error:
            self.capture.show_error(f"Filed, but not linked to the criterion: {error}")
            return
        self._events.status.emit("Filed the question under the selected criterion")
        self.criterion_linked.emit()

    def _queue_with_speaker(
        self, pending: PendingNote, speaker: str | None, error: StorageUnavailable
    ) -> None:
        """Queue a note the database cannot take now; its speaker is matched here, so a
        name that fits nobody is said now rather than after every retry."""
        call = self._call
        assert call is not None
        if speaker is not None:
            contact = contact_named(call.contacts, speaker)
            if contact is None:
                names = ", ".join(c.name for c in call.contacts) or "none yet"
                self.capture.show_error(
                    f"Not saved: {speaker!r} is not one of this call's contacts ({names}). "
                    "Your text is still in the box."
                )
                return
            pending = replace(pending, speaker=str(contact.id))
        self._queue(pending, error)

    def _queue(self, pending: PendingNote, error: StorageUnavailable) -> None:
        """Keep the note (on disk and in the timeline) and retry it until it is stored."""
        self._outbox.queue(pending)
        contacts = self._call.contacts if self._call else ()
        row = self.model.upsert(pending_view(pending, contacts), pending=True)
        self.timeline.scrollTo(self.model.index(row))
        self.capture.accepted()
        self._drafts.clear(pending.call_id)
        self._draft_dirty = False
        self._show_queue_state(str(error))

    def _show_queue_state(self, reason: str) -> None:
        call = self._call
        waiting = len(self._outbox.pending(call.id)) if call else 0
        if not waiting:
            self.capture.show_error(None)
            return
        notes = "1 note is" if waiting == 1 else f"{waiting} notes are"
        self.capture.show_error(
            f"Not saved yet: {reason} {notes} kept on this computer and retried every few "
            "seconds; keep typing."
        )

    def _on_queued_note_stored(self, note: NoteView) -> None:
        if self._call is not None and note.call_id == self._call.id:
            self.model.upsert(note)
            self._show_queue_state("")
        self._announce(note.call_id)

    def _on_queue_failing(self, reason: str) -> None:
        self._show_queue_state(reason)

    def _pending_views(self) -> tuple[NoteView, ...]:
        call = self._call
        if call is None:
            return ()
        return tuple(pending_view(p, call.contacts) for p in self._outbox.pending(call.id))

    def _on_edit_requested(self, note: NoteView) -> None:
        if self.model.is_pending(note.id):
            self.capture.show_error("This note is not saved yet; it can be changed once it is.")
            return
        self.capture.begin_edit(note)

    def _load_tags(self) -> None:
        """Counting every theme in use reads every tagged note (half a second at a million):
        off the GUI thread, once, then kept current as notes are filed. The call opens at
        once; `#` completes what was used so far until the count is in."""
        notes = self._services.notes
        job = Job(
            "Loading themes…",
            lambda _progress, _token: [t.name for t in notes.tags_in_use(limit=500)],
            on_success=self._on_tags_loaded,
            on_user_error=lambda _message: self.forget_tags(),  # asked again next call
        )
        self._jobs.start(job)

    def _on_tags_loaded(self, names: list[str]) -> None:
        since = self.capture.input.tags()
        self.capture.input.set_tags(names)
        self.capture.input.add_tags(since)

    def forget_tags(self) -> None:
        """Themes were added elsewhere (sample data, another view): ask again next time."""
        self._tags_stale = True

    def _after_filed(self, note: NoteView) -> None:
        self.capture.input.add_tags(note.tags)
        row = self.model.upsert(note)
        self.timeline.scrollTo(self.model.index(row))
        self.capture.accepted()
        self._drafts.clear(note.call_id)
        self._draft_dirty = False
        self._announce(note.call_id)

    @Slot(object, object, str, object)
    def _on_edit_submitted(
        self, note: NoteView, kind: NoteKind, text: str, speaker: str | None
    ) -> None:
        before = note_fields(note)
        after = NoteFields(
            text=text,
            kind=kind,
            intensity=self.capture.intensity,
            quote_worthy=self.capture.quote_worthy,
            speaker=speaker,
        )
        self._save_edit(note, before, after, note.version)

    def _save_edit(
        self, note: NoteView, before: NoteFields, after: NoteFields, version: int
    ) -> None:
        """Save an edit made on the note as it stood at `version`; a teammate's change
        since is never overwritten unasked: the conflict is shown to resolve."""
        try:
            changed = self._services.notes.edit(note.id, expected_version=version, **after)
        except Conflict as conflict:
            self._resolve(note, after, conflict)
            return
        except RidealongError as error:
            self.capture.show_error(f"Not saved: {error}")
            return
        after["tags"] = changed.tags
        after["speaker"] = str(changed.speaker.id) if changed.speaker else None
        self._after_filed(changed)
        self._undo.push(
            EditNoteCommand(
                "Edit note",
                self._services.notes,
                changed,
                before,
                after,
                self._notify,
                self._report,
            )
        )

    def _resolve(self, note: NoteView, after: NoteFields, conflict: Conflict) -> None:
        """Both versions side by side; the choice is saved at their version."""
        try:
            theirs = conflict.theirs
            if not isinstance(theirs, NoteView):  # met at the write: read it again
                theirs = self._services.notes.get(note.id)
        except RidealongError as error:  # binned meanwhile, say
            self.capture.show_error(f"Not saved: {error}")
            return
        speakers = {str(c.id): c.name for c in self._call.contacts} if self._call else {}
        mine_text = after.get("text")
        dialog = ConflictDialog(
            "This note",
            conflict,
            *note_sides(dict(after), theirs, speakers),
            merge=(note.text, mine_text, theirs.text) if mine_text is not None else None,
            parent=self,
        )
        dialog.chosen.connect(
            lambda choice, merged: self._on_resolved(theirs, after, choice, merged)
        )
        dialog.rejected.connect(
            lambda: self.capture.show_error(
                f"Not saved: this note was {said(conflict)}. Enter tries again."
            )
        )
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def _on_resolved(
        self, theirs: NoteView, after: NoteFields, choice: Choice, merged: str
    ) -> None:
        if choice is Choice.THEIRS:
            if self.capture.editing is not None and self.capture.editing.id == theirs.id:
                self.capture.accepted()
            self.model.upsert(theirs)
            self._announce(theirs.call_id)
            self._events.status.emit("Kept the saved version; your change was dropped")
            return
        if choice is Choice.MERGED:
            after = after.copy()
            after["text"] = merged
        self._save_edit(theirs, note_fields(theirs), after, theirs.version)

    def _on_edit_last(self) -> None:
        notes = [n for n in self.model.notes() if not self.model.is_pending(n.id)]
        if notes:
            last = max(notes, key=lambda n: n.created_at)
            self.timeline.setCurrentIndex(self.model.index(self.model.row_of(last.id)))
            self.capture.begin_edit(last)

    def edit_selected(self) -> None:
        note = self.timeline.current_note()
        if note is not None:
            self._on_edit_requested(note)

    def delete_selected(self) -> None:
        note = self.timeline.current_note()
        if note is None:
            return
        if self.model.is_pending(note.id):
            self.capture.show_error("This note is not saved yet; it can be deleted once it is.")
            return
        try:
            deleted = self._services.notes.delete(note.id, expected_version=note.version)
        except Conflict as conflict:
            self.capture.show_error(f"Not deleted: this note was {said(conflict)}; look again.")
            self.reload()
            return
        except RidealongError as error:
            self.capture.show_error(str(error))
            return
        self.model.remove(note.id)
        self._undo.push(
            DeleteNoteCommand(self._services.notes, deleted, self._notify, self._report)
        )
        self._announce(note.call_id)

    def toggle_quote_worthy(self) -> None:
        """Ctrl+D: the note being typed, or the selected note when the box is empty."""
        note = self.timeline.current_note()
        if self.capture.input.text().strip() or note is None or not self.timeline.hasFocus():
            self.capture.toggle_quote_worthy()
            return
        if self.model.is_pending(note.id):
            self.capture.show_error("This note is not saved yet; it can be changed once it is.")
            return
        before = NoteFields(quote_worthy=note.quote_worthy)
        after = NoteFields(quote_worthy=not note.quote_worthy)
        try:
            changed = self._services.notes.edit(note.id, expected_version=note.version, **after)
        except Conflict as conflict:
            self._resolve(note, after, conflict)
            return
        except RidealongError as error:
            self.capture.show_error(str(error))
            return
        self.model.upsert(changed)
        self._undo.push(
            EditNoteCommand(
                "Mark quote-worthy" if changed.quote_worthy else "Unmark quote-worthy",
                self._services.notes,
                changed,
                before,
                after,
                self._notify,
                self._report,
            )
        )

    # -- drafts ----------------------------------------------------------------------

    def _on_typing(self) -> None:
        self._draft_dirty = True
        self.capture.show_error(None)

    def save_draft(self) -> None:
        """Keep what is in the box on disk (or forget the draft if the box is empty)."""
        call = self._call
        if call is None or not self._draft_dirty:
            return
        text = self.capture.input.text()
        try:
            if text.strip():
                editing = self.capture.editing
                self._drafts.save(
                    Draft(
                        call_id=call.id,
                        text=text,
                        kind=self.capture.kind,
                        intensity=self.capture.intensity,
                        quote_worthy=self.capture.quote_worthy,
                        saved_at=self._services.clock(),
                        note_id=editing.id if editing else None,
                    )
                )
            else:
                self._drafts.clear(call.id)
        except OSError as error:
            log.warning("could not save the draft: %s", error)
            self._events.status.emit(f"Could not save your unsent text: {error.strerror}")
            return
        self._draft_dirty = False

    # -- change announcements --------------------------------------------------------

    def _announce(self, call_id: uuid.UUID) -> None:
        self._events.changed.emit(Changes(call_ids=frozenset({call_id}), notes=True, source=self))

    def _notify(self, call_id: uuid.UUID) -> None:
        if self._call is not None and self._call.id == call_id:
            self.reload()
        self._announce(call_id)

    def _report(self, error: RidealongError) -> None:
        self.capture.show_error(str(error))

    def stop(self) -> None:
        """Save the draft and stop the timers (at window close)."""
        self.save_draft()
        self._draft_timer.stop()
        self._clock.stop()
