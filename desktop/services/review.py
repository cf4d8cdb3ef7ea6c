"""Review: the rep's verdicts, corrections and comments on notes, and the lead grade."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from desktop.domain import (
    CallStatus,
    Grade,
    NoteKind,
    ReviewStatus,
    Role,
    Verdict,
)
from desktop.errors import Conflict, UserError
from desktop.services import values as v
from desktop.services.base import (
    Service,
    annotation_view,
    call_view,
    ensure_person,
    get_live,
    note_view,
)
from desktop.services.calls import CallFilters, CallService
from desktop.services.definitions import current_revision
from desktop.services.notes import (
    UNSET,
    Unset,
    _touch,
    check_intensity,
    check_text,
    ensure_tags,
    normalize_tag,
)
from desktop.services.qualification import COVERED
from desktop.storage import models as m


class ReviewService(Service):
    def annotate(
        self,
        note_id: uuid.UUID,
        verdict: Verdict | None,
        by: str,
        *,
        correction: str | None = None,
        comment: str | None = None,
        expected_version: int | None = None,
    ) -> v.AnnotationView:
        """Give a verdict on a note (with a correction when corrected), a comment, or both.

        The note keeps its original text; its review status becomes the newest verdict.
        Refuses if the note (its text or its review) changed since `expected_version`:
        a verdict given on words that changed, or over a teammate's, is a choice to make.
        """
        correction = correction if correction and correction.strip() else None
        comment = comment if comment and comment.strip() else None
        if verdict is Verdict.CORRECTED and correction is None:
            raise UserError("a corrected verdict needs the correction (--correction TEXT)")
        if correction is not None and verdict is not Verdict.CORRECTED:
            raise UserError("a correction goes with the verdict 'corrected'")
        if verdict is None and comment is None:
            raise UserError("give a verdict, a comment, or both")
        for value, what in ((correction, "the correction"), (comment, "the comment")):
            if value is not None:
                check_text(value, what)
        with self._db.write() as s:
            note = get_live(s, m.Note, note_id, "note")
            if expected_version is not None and note.version != expected_version:
                mine = {"verdict": verdict, "correction": correction, "comment": comment}
                raise _review_conflict(s, note, mine)
            annotation = m.Annotation(
                note_id=note.id,
                verdict=verdict,
                correction=correction,
                comment=comment,
                author=ensure_person(s, by, Role.REP),
            )
            s.add(annotation)
            if verdict is not None:
                note.review_status = ReviewStatus(verdict)
            s.flush()
            return annotation_view(annotation)

    def reclassify(
        self,
        note_id: uuid.UUID,
        *,
        by: str,
        kind: NoteKind | Unset = UNSET,
        intensity: int | Unset | None = UNSET,
        tags: Iterable[str] | Unset = UNSET,
        expected_version: int | None = None,
    ) -> v.AnnotationView:
        """Change a misfiled note's kind, intensity or themes, recorded as a correction.

        The note takes the new values; a `corrected` annotation keeps what changed
        (`reclassified`), so the change is counted as the rep's disagreement, shown in
        the review, and undone by retracting it. Refuses a change that changes nothing,
        and a note someone changed since `expected_version`.
        """
        check_intensity(None if intensity is UNSET else intensity)
        wanted = None if tags is UNSET else list(dict.fromkeys(normalize_tag(t) for t in tags))
        with self._db.write() as s:
            note = get_live(s, m.Note, note_id, "note")
            if expected_version is not None and note.version != expected_version:
                mine: dict[str, Any] = {"kind": kind, "intensity": intensity}
                mine = {k: value for k, value in mine.items() if value is not UNSET}
                if wanted is not None:
                    mine["tags"] = tuple(wanted)
                raise _review_conflict(s, note, mine)
            change: dict[str, Any] = {}
            if kind is not UNSET and kind is not note.kind:
                change["kind"] = [note.kind.value, kind.value]
            if intensity is not UNSET and intensity != note.intensity:
                change["intensity"] = [note.intensity, intensity]
            if wanted is not None:
                had = [t.name for t in note.tags]
                added = [t for t in wanted if t not in had]
                removed = [t for t in had if t not in wanted]
                if added:
                    change["added"] = sorted(added)
                if removed:
                    change["removed"] = sorted(removed)
            if not change:
                raise UserError(
                    "nothing to change: the note already has that kind, intensity and themes"
                )
            _reclassify(s, note, change, undo=False, now=self._now())
            annotation = m.Annotation(
                note_id=note.id,
                verdict=Verdict.CORRECTED,
                reclassified=change,
                author=ensure_person(s, by, Role.REP),
            )
            s.add(annotation)
            note.review_status = ReviewStatus.CORRECTED
            s.flush()
            return annotation_view(annotation)

    def retract(
        self, annotation_id: uuid.UUID, *, expected_version: int | None = None
    ) -> v.AnnotationView:
        """Take an annotation back (to the trash): the note's status falls back to the
        newest verdict still standing, and a reclassification is undone. Refuses if the
        annotation changed since `expected_version` (an undo acting on a stale view)."""
        return self._set_retracted(annotation_id, retracted=True, expected=expected_version)

    def reinstate(
        self, annotation_id: uuid.UUID, *, expected_version: int | None = None
    ) -> v.AnnotationView:
        """Bring a retracted annotation back (redo, or restore from the trash)."""
        return self._set_retracted(annotation_id, retracted=False, expected=expected_version)

    def _set_retracted(
        self, annotation_id: uuid.UUID, *, retracted: bool, expected: int | None
    ) -> v.AnnotationView:
        with self._db.write() as s:
            annotation = s.get(m.Annotation, annotation_id)
            if annotation is None or (annotation.deleted_at is not None) == retracted:
                state = "taken back" if retracted else "standing"
                raise UserError(f"no annotation {annotation_id} that is not already {state}")
            note = get_live(s, m.Note, annotation.note_id, "note")
            if expected is not None and annotation.version != expected:
                raise _review_conflict(s, note, {"retracted": retracted})
            annotation.deleted_at = self._now() if retracted else None
            if annotation.reclassified:
                _reclassify(s, note, annotation.reclassified, undo=retracted, now=self._now())
            s.flush()
            latest = s.scalar(
                select(m.Annotation.verdict)
                .where(
                    m.Annotation.note_id == note.id,
                    m.Annotation.deleted_at.is_(None),
                    m.Annotation.verdict.is_not(None),
                )
                .order_by(m.Annotation.created_at.desc())
                .limit(1)
            )
            note.review_status = ReviewStatus(latest) if latest else ReviewStatus.UNREVIEWED
            s.flush()
            return annotation_view(annotation)

    def annotations(
        self, note_ids: Iterable[uuid.UUID]
    ) -> dict[uuid.UUID, tuple[v.AnnotationView, ...]]:
        """Each note's annotations, oldest first (notes without any are left out)."""
        ids = list(note_ids)
        result: dict[uuid.UUID, list[v.AnnotationView]] = {}
        with self._db.read() as s:
            for start in range(0, len(ids), 500):
                rows = s.scalars(
                    select(m.Annotation)
                    .where(
                        m.Annotation.note_id.in_(ids[start : start + 500]),
                        m.Annotation.deleted_at.is_(None),
                    )
                    .order_by(m.Annotation.created_at)
                    .options(selectinload(m.Annotation.author))
                )
                for row in rows:
                    result.setdefault(row.note_id, []).append(annotation_view(row))
        return {k: tuple(items) for k, items in result.items()}

    def grade(
        self,
        call_id: uuid.UUID,
        grade: Grade,
        by: str,
        reason: str | None = None,
        *,
        expected_version: int | None = None,
    ) -> v.CallView:
        """Grade the lead against the definitions in force now (their revision is kept).

        Grading an ended call completes its review. Refuses if the call changed since
        `expected_version` (a teammate graded it meanwhile, say).
        """
        if reason is not None:
            reason = check_text(reason, "the reason") if reason.strip() else None
        with self._db.write() as s:
            call = get_live(s, m.Call, call_id, "call")
            if expected_version is not None and call.version != expected_version:
                raise Conflict(
                    "this call was changed elsewhere since you opened it "
                    + (f"(graded {call.grade.label} meanwhile)" if call.grade else "")
                    + "; reload and try again",
                    mine={"grade": grade, "reason": reason},
                    theirs=call_view(call),
                    by=call.graded_by.name if call.graded_by else None,
                    at=call.graded_at or call.updated_at,
                )
            call.grade = grade
            call.grade_reason = reason
            call.graded_by = ensure_person(s, by, Role.REP)
            call.graded_at = self._now()
            call.grade_definitions_revision = current_revision(s)
            if call.status is CallStatus.AWAITING_REVIEW:
                call.status = CallStatus.REVIEWED
        return CallService(self._db).get(call_id)

    def mark_reviewed(self, call_id: uuid.UUID) -> v.CallView:
        with self._db.write() as s:
            call = get_live(s, m.Call, call_id, "call")
            if call.grade is None:
                raise UserError("grade the lead before marking the call reviewed")
            if call.status is CallStatus.LIVE:
                raise UserError("end the call before marking it reviewed")
            call.status = CallStatus.REVIEWED
        return CallService(self._db).get(call_id)

    def inbox(self, rep: str | None = None, limit: int = 200) -> tuple[v.InboxRow, ...]:
        """Calls waiting for review (for one rep, if named), newest first, with how many
        notes are reviewed and how many qualification criteria are not covered yet
        (`qualification.COVERED`)."""
        filters = CallFilters(statuses=(CallStatus.AWAITING_REVIEW,), rep=rep)
        rows = CallService(self._db).page(filters, limit=limit)
        if not rows:
            return ()
        ids = [r.id for r in rows]
        with self._db.read() as s:
            reviewed = dict(
                s.execute(
                    select(m.Note.call_id, func.count(m.Note.id))
                    .where(
                        m.Note.call_id.in_(ids),
                        m.Note.deleted_at.is_(None),
                        m.Note.review_status != ReviewStatus.UNREVIEWED,
                    )
                    .group_by(m.Note.call_id)
                ).all()
            )
            criteria = dict(
                s.execute(
                    select(m.Call.id, func.count(m.Criterion.id))
                    .join(m.Criterion, m.Criterion.framework_id == m.Call.framework_id)
                    .where(m.Call.id.in_(ids))
                    .group_by(m.Call.id)
                ).all()
            )
            covered = dict(
                s.execute(
                    select(m.CriterionAnswer.call_id, func.count(m.CriterionAnswer.id))
                    .where(
                        m.CriterionAnswer.call_id.in_(ids),
                        m.CriterionAnswer.status.in_(COVERED),
                    )
                    .group_by(m.CriterionAnswer.call_id)
                ).all()
            )
        return tuple(
            v.InboxRow(
                call=row,
                reviewed_notes=reviewed.get(row.id, 0),
                criteria=criteria.get(row.id, 0),
                open_criteria=criteria.get(row.id, 0) - covered.get(row.id, 0),
            )
            for row in rows
        )


def _reclassify(
    s: Session, note: m.Note, change: dict[str, Any], *, undo: bool, now: datetime
) -> None:
    """Apply a reclassification to its note, or take it back (`undo`). A part the note
    no longer holds as the change left it (edited since) is left alone, so taking a
    change back never overwrites a later edit."""
    before, after = (1, 0) if undo else (0, 1)
    if "kind" in change and note.kind.value == change["kind"][before]:
        note.kind = NoteKind(change["kind"][after])
    if "intensity" in change and note.intensity == change["intensity"][before]:
        note.intensity = change["intensity"][after]
    added, removed = change.get("added", []), change.get("removed", [])
    if undo:
        added, removed = removed, added
    had = [t.name for t in note.tags]
    names = [t for t in had if t not in removed] + [t for t in added if t not in had]
    if names != had:
        note.tags = ensure_tags(s, names)
        _touch(note, now)


def _review_conflict(s: Session, note: m.Note, mine: dict[str, Any]) -> Conflict:
    """The refusal of a review made on a stale view of a note (its words changed, or a
    teammate reviewed it): it shows the note and its standing annotations as theirs."""
    standing = tuple(
        annotation_view(a)
        for a in s.scalars(
            select(m.Annotation)
            .where(m.Annotation.note_id == note.id, m.Annotation.deleted_at.is_(None))
            .order_by(m.Annotation.created_at)
            .options(selectinload(m.Annotation.author))
        )
    )
    latest = standing[-1] if standing else None
    reviewed_last = latest is not None and latest.created_at >= note.updated_at
    return Conflict(
        "this note was reviewed or changed elsewhere since you opened it; reload and try again",
        mine=mine,
        theirs=v.ReviewedNote(note_view(note), standing),
        by=latest.author.name if reviewed_last and latest and latest.author else None,
        at=note.updated_at,
    )
