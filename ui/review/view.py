"""The Review view: the inbox of calls waiting for review, the call's notes with their
verdicts, and the grade beside the agreed definitions."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent, QUndoStack
from PySide6.QtWidgets import (
    QCheckBox,
    QLabel,
    QListView,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop.config import Identity
from desktop.domain import CallStatus, Grade, Outcome, ReviewStatus, Role, Verdict
from desktop.errors import Conflict, RidealongError
from desktop.services import Services
from desktop.services.values import AccountView, CallView, ReviewedNote
from ui.actions import GRADE_KEYS, GRADE_SUBMIT
from ui.commands import AnnotateCommand
from ui.conflict import Choice, ConflictDialog, review_side
from ui.events import AppEvents, Changes
from ui.jobs import Job, JobRunner
from ui.models.review import CALL_ID_ROLE, InboxModel, ReviewItem
from ui.review.grade import GradePanel
from ui.review.panel import ReviewPanel
from ui.settings import Settings


class ReviewView(QWidget):
    def __init__(
        self,
        services: Services,
        events: AppEvents,
        settings: Settings,
        identity: Identity,
        undo: QUndoStack,
        parent: QWidget | None = None,
        *,
        jobs: JobRunner | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("reviewView")
        self._services = services
        self._jobs = jobs or JobRunner(self)
        self._undo = undo
        self._events = events
        self._settings = settings
        self._identity = identity
        self._loaded = False
        self._call_id: uuid.UUID | None = None
        #: The versions of the open call and its account as shown: a grade or outcome
        #: saved on them is refused if a teammate changed them since.
        self._call_version: int | None = None
        self._account_version: int | None = None
        self._stale = False
        #: The inbox changed while the view was hidden: recounted when it is shown.
        self._inbox_stale = False
        self._tags_stale = True

        heading = QLabel("To review", self)
        heading.setProperty("role", "heading")
        self.mine = QCheckBox("Only calls where I am the rep", self)
        self.mine.setObjectName("inboxMine")
        self.mine.setAccessibleName("Only my calls")
        self.mine.setToolTip("Show only the calls you were the rep on")
        self.mine.setChecked(identity.role is not Role.MARKETER)
        self.inbox_model = InboxModel(services.clock, self)
        self.inbox = QListView(self)
        self.inbox.setObjectName("reviewInbox")
        self.inbox.setAccessibleName("Calls to review")
        self.inbox.setToolTip("Calls waiting for review, newest first. Enter opens one.")
        self.inbox.setModel(self.inbox_model)
        self.inbox.setAlternatingRowColors(True)
        self.inbox.setSpacing(2)
        self.inbox.setWordWrap(True)
        self.inbox.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.empty = QLabel("Nothing waits for review.", self)
        self.empty.setProperty("role", "hint")
        self.empty.setWordWrap(True)
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(heading)
        left_layout.addWidget(self.mine)
        left_layout.addWidget(self.inbox, 1)
        left_layout.addWidget(self.empty)

        self.panel = ReviewPanel(self)
        self.grade = GradePanel(services.clock, self)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("reviewSplitter")
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.panel)
        self.splitter.addWidget(self.grade)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 5)
        self.splitter.setStretchFactor(2, 3)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.splitter)
        self._set_call_visible(False)
        self._connect_signals()

    def _connect_signals(self) -> None:
        self.mine.toggled.connect(self.reload_inbox)
        self.inbox.activated.connect(self._on_inbox_activated)
        self.inbox.clicked.connect(self._on_inbox_activated)
        self.panel.verdict_requested.connect(self._on_verdict_requested)
        self.panel.correction_submitted.connect(self._on_correction_submitted)
        self.panel.comment_submitted.connect(self._on_comment_submitted)
        self.panel.tags_submitted.connect(self._on_tags_submitted)
        self.panel.reclassify_requested.connect(self._on_reclassify_requested)
        self.grade.grade_submitted.connect(self._on_grade_submitted)
        self.grade.outcome_submitted.connect(self._on_outcome_submitted)
        self.grade.review_first_requested.connect(self._on_review_first)
        submit = QShortcut(self)
        # Ctrl+Enter, on the main keyboard (Return) and the keypad (Enter).
        submit.setKeys([QKeySequence("Ctrl+Return"), QKeySequence(GRADE_SUBMIT.keys)])
        submit.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        submit.activated.connect(self.grade.submit)
        for grade, key in GRADE_KEYS.items():
            choose = QShortcut(QKeySequence(key), self)
            choose.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            choose.activated.connect(lambda g=grade: self.grade.choose(g))
        self._events.changed.connect(self._on_changed)

    # -- loading ---------------------------------------------------------------------

    def ensure_loaded(self) -> None:
        if self._loaded:
            return
        self._loaded = True
        self._settings.restore_splitter(self.splitter)
        self.reload_inbox()

    def reload_inbox(self) -> None:
        rep = self._identity.name if self.mine.isChecked() else None
        try:
            rows = self._services.review.inbox(rep=rep)
        except RidealongError as error:
            self._events.status.emit(str(error))
            return
        self.inbox_model.set_rows(rows)
        self.empty.setVisible(not rows)
        self.empty.setText("Nothing waits for your review." if rep else "Nothing waits for review.")
        row = self.inbox_model.row_of(self._call_id) if self._call_id else -1
        if row >= 0:
            self.inbox.setCurrentIndex(self.inbox_model.index(row))
        elif rows and self._call_id is None:
            self.inbox.setCurrentIndex(self.inbox_model.index(0))

    def _on_inbox_activated(self, index: QModelIndex) -> None:
        call_id = index.data(CALL_ID_ROLE)
        if call_id is not None:
            self.open_call(call_id)

    def _load_tags(self) -> None:
        """Counting every theme in use reads every tagged note (half a second at a
        million): off the GUI thread; the call opens at once and themes complete once
        the count is in."""
        notes = self._services.notes

        def forget(_message: str) -> None:
            self._tags_stale = True  # asked again with the next call

        self._jobs.start(
            Job(
                "Loading themes…",
                lambda _progress, _token: [t.name for t in notes.tags_in_use(limit=500)],
                on_success=self._on_tags_loaded,
                on_user_error=forget,
            )
        )

    def _on_tags_loaded(self, names: list[str]) -> None:
        editor = self.panel.editor
        since = editor.tags()  # themes used while the count ran
        editor.set_tags(names)
        editor.add_tags(since)

    def current_call_id(self) -> uuid.UUID | None:
        return self._call_id

    def open_call(self, call_id: uuid.UUID, *, refresh: bool = False) -> None:
        """Review this call (from the inbox, or any call the user picks). With `refresh`
        (the same call, changed elsewhere) the note selected, the scroll, the text being
        typed and a grade being chosen stay as they were."""
        try:
            call = self._services.calls.get(call_id)
            notes = self._services.calls.notes(call_id)
            annotations = self._services.review.annotations(n.id for n in notes)
            definitions = self._services.definitions.current()
            revision = self._services.definitions.revision()
            gaps = self._services.qualification.gaps(call_id)
        except RidealongError as error:
            self._events.status.emit(str(error))
            return
        refresh = refresh and call_id == self._call_id
        self._call_id = call_id
        if self._tags_stale:
            self._tags_stale = False
            self._load_tags()
        items = [ReviewItem(n, annotations.get(n.id, ())) for n in notes]
        people = " · ".join(
            f"{role} {p.name}" for role, p in (("rep", call.rep), ("marketer", call.marketer)) if p
        )
        when = call.started_at.astimezone().strftime("%a %d %b %Y, %H:%M")
        if refresh:
            self.panel.refresh_items(items)
        else:
            self.panel.show_items(
                call.account.name,
                f"{call.call_type.label} call, {when}" + (f" · {people}" if people else ""),
                items,
            )
        if not refresh or self.grade.is_untouched():
            self.grade.show_call(call, definitions, revision, gaps)
            # the versions the grade and outcome now shown were read at; a grade being
            # typed keeps the ones it started from, so its save is checked against them
            self._call_version = call.version
            self._account_version = call.account.version
        self._count_unreviewed()
        self._set_call_visible(True)

    def _count_unreviewed(self) -> None:
        items = self.panel.model.items()
        self.grade.set_unreviewed(
            sum(1 for item in items if item.note.review_status is ReviewStatus.UNREVIEWED)
        )

    def _on_review_first(self) -> None:
        """From the grade's question: to the first note not reviewed yet."""
        self.panel.notes.setCurrentIndex(self.panel.model.index(-1))
        self.panel.next_unreviewed()
        self.panel.notes.setFocus(Qt.FocusReason.OtherFocusReason)

    def _set_call_visible(self, visible: bool) -> None:
        self.panel.setVisible(visible)
        self.grade.setVisible(visible)

    # -- review actions --------------------------------------------------------------

    def _refresh_note(self, note_id: uuid.UUID) -> None:
        note = self._services.notes.get(note_id)
        annotations = self._services.review.annotations([note_id]).get(note_id, ())
        self.panel.replace(ReviewItem(note, annotations))
        self._count_unreviewed()
        if self._call_id is not None:
            self._events.changed.emit(
                Changes(call_ids=frozenset({self._call_id}), notes=True, source=self)
            )

    def _annotate(
        self,
        note_id: uuid.UUID,
        verdict: Verdict | None,
        correction: str | None = None,
        comment: str | None = None,
    ) -> bool:
        item = self.panel.model.item_at(self.panel.model.row_of(note_id))
        version = item.note.version if item is not None else None
        return self._annotate_at(note_id, version, verdict, correction, comment)

    def _annotate_at(
        self,
        note_id: uuid.UUID,
        version: int | None,
        verdict: Verdict | None,
        correction: str | None,
        comment: str | None,
    ) -> bool:
        """Annotate the note as it stood at `version`; if a teammate reviewed or changed
        it since, both reviews are shown side by side to choose from."""
        try:
            annotation = self._services.review.annotate(
                note_id,
                verdict,
                self._identity.name,
                correction=correction,
                comment=comment,
                expected_version=version,
            )
        except Conflict as conflict:
            self._resolve(note_id, conflict, verdict, correction, comment)
            return False
        except RidealongError as error:
            self.panel.edit_failed(str(error))
            self._events.status.emit(str(error))
            return False
        self._refresh_note(note_id)
        self._undo.push(
            AnnotateCommand(
                self._services.review, annotation, self._on_undone, self._report_undo_error
            )
        )
        return True

    def _resolve(
        self,
        note_id: uuid.UUID,
        conflict: Conflict,
        verdict: Verdict | None,
        correction: str | None,
        comment: str | None,
    ) -> None:
        theirs = conflict.theirs
        if not isinstance(theirs, ReviewedNote):  # met at the write: read it again
            self._refresh_note(note_id)
            self._events.status.emit(str(conflict))
            return
        seen = self.panel.model.item_at(self.panel.model.row_of(note_id))
        mine_text = correction or comment
        latest = theirs.annotations[-1] if theirs.annotations else None
        their_text = (latest.correction or latest.comment) if latest else None
        dialog = ConflictDialog(
            "This note",
            conflict,
            review_side(seen.note.text if seen else "", verdict, correction, comment),
            review_side(
                theirs.note.text,
                latest.verdict if latest else None,
                latest.correction if latest else None,
                latest.comment if latest else None,
            ),
            # No common ancestor: a merge starts from both texts.
            merge=("", mine_text, their_text) if mine_text and their_text else None,
            parent=self,
        )

        def chosen(choice: Choice, merged: str) -> None:
            if choice is Choice.THEIRS:
                self._refresh_note(note_id)
                self.panel.end_edit()
                return
            text = {"correction": correction, "comment": comment}
            if choice is Choice.MERGED:
                text = {k: merged if value else None for k, value in text.items()}
            if self._annotate_at(note_id, theirs.note.version, verdict, **text):
                self.panel.end_edit()

        dialog.chosen.connect(chosen)
        dialog.rejected.connect(lambda: self.panel.edit_failed(f"Not saved: {conflict}"))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def _on_undone(self, note_id: uuid.UUID) -> None:
        if self.panel.model.row_of(note_id) >= 0:
            self._refresh_note(note_id)

    def _report_undo_error(self, error: RidealongError) -> None:
        self._events.status.emit(str(error))

    def _on_verdict_requested(self, note_id: uuid.UUID, verdict: str) -> None:
        if self._annotate(note_id, Verdict(verdict)):
            self.panel.next_unreviewed()

    def _on_correction_submitted(self, note_id: uuid.UUID, text: str) -> None:
        if self._annotate(note_id, Verdict.CORRECTED, correction=text):
            self.panel.end_edit()
            self.panel.next_unreviewed()

    def _on_comment_submitted(self, note_id: uuid.UUID, text: str) -> None:
        if self._annotate(note_id, None, comment=text):
            self.panel.end_edit()

    def _on_tags_submitted(self, note_id: uuid.UUID, tags: list[str]) -> None:
        if self._reclassify(note_id, {"tags": tags}, editing=True):
            self.panel.end_edit()

    def _on_reclassify_requested(self, note_id: uuid.UUID, change: dict[str, Any]) -> None:
        self._reclassify(note_id, change)

    def _reclassify(
        self, note_id: uuid.UUID, change: dict[str, Any], *, editing: bool = False
    ) -> bool:
        """Refile a note (kind, intensity or themes) as the rep's correction, undoable."""
        item = self.panel.model.item_at(self.panel.model.row_of(note_id))
        version = item.note.version if item is not None else None
        try:
            annotation = self._services.review.reclassify(
                note_id, by=self._identity.name, expected_version=version, **change
            )
        except Conflict as error:
            self._events.status.emit(str(error))
            self._refresh_note(note_id)  # shows what it is now, so a retry can work
            return False
        except RidealongError as error:
            if editing:
                self.panel.edit_failed(str(error))
            self._events.status.emit(str(error))
            return False
        self._refresh_note(note_id)
        self._undo.push(
            AnnotateCommand(
                self._services.review, annotation, self._on_undone, self._report_undo_error
            )
        )
        if annotation.reclassified is not None:
            self.panel.editor.add_tags(annotation.reclassified.added)
            said = "; ".join(annotation.reclassified.parts())
            self._events.status.emit(f"{said} (Ctrl+Z undoes)")
        return True

    def _on_grade_submitted(self, grade: str, reason: str) -> None:
        self._grade(Grade(grade), reason, self._call_version)

    def _grade(self, grade: Grade, reason: str, version: int | None) -> None:
        call_id = self._call_id
        if call_id is None:
            return
        try:
            self._services.review.grade(
                call_id, grade, self._identity.name, reason, expected_version=version
            )
            call = self._services.calls.get(call_id)
            if call.status is CallStatus.AWAITING_REVIEW:
                self._services.review.mark_reviewed(call_id)
        except Conflict as conflict:
            self._resolve_grade(call_id, grade, reason, conflict)
            return
        except RidealongError as error:
            self.grade.status.setText(str(error))
            return
        self._events.status.emit(f"{call.account.name}: graded {grade.label}, reviewed")
        self._events.changed.emit(Changes(call_ids=frozenset({call_id}), calls=True, source=self))
        self._call_id = None
        self.reload_inbox()
        index = self.inbox.currentIndex()
        if index.isValid():
            self.open_call(index.data(CALL_ID_ROLE))
        else:
            self._set_call_visible(False)

    def _resolve_grade(
        self, call_id: uuid.UUID, grade: Grade, reason: str, conflict: Conflict
    ) -> None:
        theirs = conflict.theirs
        if not isinstance(theirs, CallView):
            self.grade.status.setText(str(conflict))
            return
        their_grade = theirs.grade.label if theirs.grade else "not graded"

        def chosen(choice: Choice, merged: str) -> None:
            if choice is Choice.THEIRS:
                self.open_call(call_id)
            else:
                self._grade(grade, merged if choice is Choice.MERGED else reason, theirs.version)

        self._ask(
            "This call's grade",
            conflict,
            f"Grade: {grade.label}\nReason: {reason or 'none'}",
            f"Grade: {their_grade}\nReason: {theirs.grade_reason or 'none'}",
            ("", reason, theirs.grade_reason or ""),
            chosen,
            self.grade.status,
        )

    def _ask(
        self,
        what: str,
        conflict: Conflict,
        mine: str,
        theirs: str,
        texts: tuple[str, str, str],
        chosen: Callable[[Choice, str], None],
        status: QLabel,
    ) -> None:
        """The conflict dialog for a grade or an outcome; `texts` (base, mine, theirs)
        are merged when both sides wrote one (no common ancestor: from both texts)."""
        dialog = ConflictDialog(
            what,
            conflict,
            mine,
            theirs,
            merge=texts if texts[1].strip() and texts[2].strip() else None,
            parent=self,
        )
        dialog.chosen.connect(chosen)
        dialog.rejected.connect(lambda: status.setText(f"Not saved: {conflict}"))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def _on_outcome_submitted(self, outcome: str, on: date | None, reason: str) -> None:
        self._set_outcome(Outcome(outcome), on, reason, self._account_version)

    def _set_outcome(
        self, outcome: Outcome, on: date | None, reason: str, version: int | None
    ) -> None:
        call_id = self._call_id
        if call_id is None:
            return
        try:
            account = self._services.calls.get(call_id).account
            saved = self._services.accounts.set_outcome(
                account.name, outcome, on=on, reason=reason, expected_version=version
            )
        except Conflict as conflict:
            self._resolve_outcome(outcome, on, reason, conflict)
            return
        except RidealongError as error:
            self.grade.status.setText(str(error))
            return
        self._account_version = saved.version
        self.grade.show_account(saved)
        self._events.status.emit(f"{saved.name}: deal {saved.outcome.label.lower()}")
        self._events.changed.emit(Changes(call_ids=frozenset({call_id}), calls=True, source=self))

    def _resolve_outcome(
        self, outcome: Outcome, on: date | None, reason: str, conflict: Conflict
    ) -> None:
        theirs = conflict.theirs
        if not isinstance(theirs, AccountView):
            self.grade.status.setText(str(conflict))
            return

        def chosen(choice: Choice, merged: str) -> None:
            if choice is Choice.THEIRS:
                self._account_version = theirs.version
                self.grade.show_account(theirs)
            else:
                text = merged if choice is Choice.MERGED else reason
                self._set_outcome(outcome, on, text, theirs.version)

        def side(outcome: Outcome, on: date | None, reason: str | None) -> str:
            day = f" on {on:%d %b %Y}" if on and outcome is not Outcome.OPEN else ""
            return f"Deal: {outcome.label}{day}\nReason: {reason or 'none'}"

        self._ask(
            f"The {theirs.name} deal's outcome",
            conflict,
            side(outcome, on, reason),
            side(theirs.outcome, theirs.outcome_on, theirs.outcome_reason),
            ("", reason, theirs.outcome_reason or ""),
            chosen,
            self.grade.status,
        )

    # -- elsewhere -------------------------------------------------------------------

    def _on_changed(self, changes: Changes) -> None:
        if changes.source is self or not self._loaded:
            return
        if changes.calls or changes.notes:
            self._tags_stale = True
        if changes.calls or changes.notes:  # the inbox counts the notes left to review
            if self.isVisible():
                self.reload_inbox()
            else:  # not on every note filed during a call
                self._inbox_stale = True
        current = self._call_id
        # A definition edited elsewhere changes what the grade is given against.
        if current is not None and (changes.touches(current) or changes.definitions):
            if self.isVisible():
                self.open_call(current, refresh=True)
            else:
                self._stale = True

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._inbox_stale:
            self._inbox_stale = False
            self.reload_inbox()
        if self._stale and self._call_id is not None:
            self._stale = False
            self.open_call(self._call_id, refresh=True)

    def set_identity(self, identity: Identity) -> None:
        self._identity = identity
        if self._loaded:
            self.reload_inbox()

    def save_state(self) -> None:
        if self._loaded:
            self._settings.save_splitter(self.splitter)
