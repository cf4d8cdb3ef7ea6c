"""Undoable changes to notes, their review, calls and a call's qualification checklist.

A command holds the service, ids and plain values, never widgets or rows; the first
write happens before the command is pushed (so its error reaches the caller), and
`redo`/`undo` repeat it from the stack."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any, TypedDict

from PySide6.QtGui import QUndoCommand

from desktop.domain import CriterionStatus, NoteKind
from desktop.errors import Conflict, RidealongError
from desktop.services.calls import CallService
from desktop.services.notes import NoteService
from desktop.services.qualification import QualificationService
from desktop.services.review import ReviewService
from desktop.services.trash import TrashService
from desktop.services.values import AnnotationView, CallView, CriterionAnswerView, NoteView
from ui.conflict import said

Notify = Callable[[uuid.UUID], None]
Report = Callable[[RidealongError], None]


def _refused(command: QUndoCommand, undoing: bool, conflict: Conflict) -> Conflict:
    """An undo (or redo) a teammate's newer edit stands in the way of, said plainly."""
    verb = "undo" if undoing else "redo"
    return Conflict(
        f"Cannot {verb} “{command.text()}”: it was {said(conflict)} since; their version is kept",
        mine=conflict.mine,
        theirs=conflict.theirs,
        by=conflict.by,
        at=conflict.at,
    )


#: Each note's version after this app's last write to it through a command: commands on
#: one note follow each other (an edit undone, then the add's undo), and only a write
#: made elsewhere in between is a conflict.
_note_versions: dict[uuid.UUID, int] = {}


class _NoteCommand(QUndoCommand):
    """Undo and redo each expect the note at the version the last write left it at, so
    neither overwrites (nor bins) a teammate's newer edit: that is reported instead."""

    def __init__(
        self, text: str, notes: NoteService, note: NoteView, notify: Notify, report: Report
    ):
        super().__init__(text)
        self._notes = notes
        self._note_id = note.id
        self._call_id = note.call_id
        _note_versions[note.id] = note.version  # the caller's first write left it so
        self._notify = notify
        self._report = report
        self._pushed = False

    def _apply(self, change: Callable[[int], NoteView], undoing: bool) -> None:
        try:
            _note_versions[self._note_id] = change(_note_versions[self._note_id]).version
        except Conflict as conflict:
            self.setObsolete(True)
            self._report(_refused(self, undoing, conflict))
        except RidealongError as error:
            self.setObsolete(True)
            self._report(error)
        self._notify(self._call_id)

    def redo(self) -> None:
        if not self._pushed:
            self._pushed = True  # the caller already made the first change
            return
        self._apply(self._redo, undoing=False)

    def undo(self) -> None:
        self._apply(self._undo, undoing=True)

    def _redo(self, version: int) -> NoteView:
        raise NotImplementedError

    def _undo(self, version: int) -> NoteView:
        raise NotImplementedError


class AddNoteCommand(_NoteCommand):
    def __init__(self, notes: NoteService, note: NoteView, notify: Notify, report: Report):
        super().__init__(f"Add {note.kind.label.lower()}", notes, note, notify, report)

    def _redo(self, version: int) -> NoteView:
        return self._notes.restore(self._note_id, expected_version=version)

    def _undo(self, version: int) -> NoteView:
        return self._notes.delete(self._note_id, expected_version=version)


class DeleteNoteCommand(_NoteCommand):
    """`note` is the note as the deletion left it."""

    def __init__(self, notes: NoteService, note: NoteView, notify: Notify, report: Report):
        super().__init__(f"Delete {note.kind.label.lower()}", notes, note, notify, report)

    def _redo(self, version: int) -> NoteView:
        return self._notes.delete(self._note_id, expected_version=version)

    def _undo(self, version: int) -> NoteView:
        return self._notes.restore(self._note_id, expected_version=version)


class NoteFields(TypedDict, total=False):
    """Fields of a note in the form `NoteService.edit` takes them: what an edit changed,
    and what undoing it puts back."""

    text: str
    kind: NoteKind
    intensity: int | None
    quote_worthy: bool
    tags: tuple[str, ...]
    #: Who said it: a contact's name or id, None for nobody.
    speaker: str | None


def note_fields(note: NoteView) -> NoteFields:
    """Every field the capture box edits, as the note has them now."""
    return NoteFields(
        text=note.text,
        kind=note.kind,
        intensity=note.intensity,
        quote_worthy=note.quote_worthy,
        tags=note.tags,
        speaker=str(note.speaker.id) if note.speaker else None,
    )


class EditNoteCommand(_NoteCommand):
    """Any change of a note's fields."""

    def __init__(
        self,
        label: str,
        notes: NoteService,
        note: NoteView,
        before: NoteFields,
        after: NoteFields,
        notify: Notify,
        report: Report,
    ):
        super().__init__(label, notes, note, notify, report)
        self._before = before
        self._after = after

    def _redo(self, version: int) -> NoteView:
        return self._notes.edit(self._note_id, expected_version=version, **self._after)

    def _undo(self, version: int) -> NoteView:
        return self._notes.edit(self._note_id, expected_version=version, **self._before)


class AnnotateCommand(QUndoCommand):
    """A verdict, correction or comment; undo takes it back, redo reinstates it."""

    def __init__(
        self,
        review: ReviewService,
        annotation: AnnotationView,
        notify: Notify,
        report: Report,
    ) -> None:
        what = annotation.verdict.value if annotation.verdict else "comment"
        if annotation.reclassified is not None:
            what = "refile note"
        super().__init__(f"Review: {what}")
        self._review = review
        self._id = annotation.id
        self._note_id = annotation.note_id
        self._version = annotation.version
        self._notify = notify
        self._report = report
        self._pushed = False

    def _apply(self, change: Callable[..., AnnotationView], undoing: bool) -> None:
        """A reclassification taken back leaves alone any part of the note changed
        since (`review._reclassify`); the annotation itself must be as last left."""
        try:
            self._version = change(self._id, expected_version=self._version).version
        except Conflict as conflict:
            self.setObsolete(True)
            self._report(_refused(self, undoing, conflict))
        except RidealongError as error:
            self.setObsolete(True)
            self._report(error)
        self._notify(self._note_id)

    def redo(self) -> None:
        if not self._pushed:
            self._pushed = True  # the caller already annotated
            return
        self._apply(self._review.reinstate, undoing=False)

    def undo(self) -> None:
        self._apply(self._review.retract, undoing=True)


class SetCriterionCommand(QUndoCommand):
    """Where a call stands on a criterion (status and answer heard); undo puts back
    where it stood before."""

    def __init__(
        self,
        qualification: QualificationService,
        call_id: uuid.UUID,
        before: CriterionAnswerView,
        after: CriterionAnswerView,
        by: str | None,
        notify: Notify,
        report: Report,
    ) -> None:
        name = after.criterion.name
        if before.answer != after.answer:
            label = f"Answer to {name}" if after.answer else f"Clear the answer to {name}"
        else:
            label = f"{name}: {after.status.label.lower()}"
        super().__init__(label)
        self._qualification = qualification
        self._call_id = call_id
        self._key = after.criterion.key
        self._before = (before.status, before.answer or "")
        self._after = (after.status, after.answer or "")
        self._by = by
        self._notify = notify
        self._report = report
        self._pushed = False

    def _apply(self, state: tuple[CriterionStatus, str]) -> None:
        status, answer = state
        try:
            self._qualification.set_status(
                self._call_id, self._key, status, answer=answer, by=self._by
            )
        except RidealongError as error:
            self.setObsolete(True)
            self._report(error)
        self._notify(self._call_id)

    def redo(self) -> None:
        if not self._pushed:
            self._pushed = True  # the caller already made the first change
            return
        self._apply(self._after)

    def undo(self) -> None:
        self._apply(self._before)


class DeleteCallCommand(QUndoCommand):
    """A call (with its notes) to the trash; undo brings it back from there."""

    def __init__(
        self,
        calls: CallService,
        trash: TrashService,
        call: CallView,
        notify: Notify,
        report: Report,
    ) -> None:
        super().__init__(f"Delete the {call.account.name} call")
        self._calls = calls
        self._trash = trash
        self._id = call.id
        self._notify = notify
        self._report = report
        self._pushed = False

    def _apply(self, change: Callable[[uuid.UUID], Any]) -> None:
        try:
            change(self._id)
        except RidealongError as error:
            self.setObsolete(True)
            self._report(error)
        self._notify(self._id)

    def redo(self) -> None:
        if not self._pushed:
            self._pushed = True  # the caller already deleted it
            return
        self._apply(self._calls.delete)

    def undo(self) -> None:
        self._apply(self._trash.restore)
