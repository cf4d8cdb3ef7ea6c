"""Every live note of a period as one flat row: what a spreadsheet of the notes holds.

A team that wants the notes in Excel or a BI tool gets them one row per note, with the
call's facts and the review's outcome beside the note's own. The rows are read in
batches from one cursor (`yield_per`: a server-side cursor on PostgreSQL, SQLite's
stepping cursor) and handed on batch by batch, so 100,000 notes take the memory of one
batch; themes and reviews are read per batch, a few hundred notes at a time.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, aliased

from desktop.domain import NoteKind, ReviewStatus, Verdict
from desktop.progress import CancelToken, Progress, no_progress
from desktop.services.base import Service
from desktop.services.calls import day_end, day_start
from desktop.services.periods import Period
from desktop.services.values import Reclassification
from desktop.storage import models as m

#: Notes per batch: the rows handed on at once, and the ids in one `IN (...)`.
BATCH: Final = 500

_rep = aliased(m.Person)
_marketer = aliased(m.Person)
_reviewer = aliased(m.Person)


@dataclass(frozen=True, slots=True)
class NoteRow:
    """One note with its call's facts and where its review stands."""

    note_id: uuid.UUID
    call_id: uuid.UUID
    call_started_at: datetime
    account: str
    rep: str | None
    marketer: str | None
    kind: NoteKind
    text: str
    themes: tuple[str, ...]
    intensity: int | None
    speaker: str | None
    speaker_title: str | None
    answer: str | None
    response: str | None
    #: The newest standing verdict (as the note keeps it), or unreviewed.
    review_status: ReviewStatus
    #: Who gave that verdict.
    reviewed_by: str | None
    #: The newest standing correction: what the rep says was really said, or, for a
    #: note the rep refiled, the change in words ("Kind: Pain → Objection").
    correction: str | None
    #: Every standing comment, oldest first.
    comments: tuple[str, ...]


@dataclass(slots=True)
class _Review:
    verdict_by: str | None = None
    correction: str | None = None
    comments: list[str] = field(default_factory=list)


class NoteRowService(Service):
    def stream(
        self,
        period: Period,
        emit: Callable[[Sequence[NoteRow]], None],
        *,
        progress: Progress = no_progress,
        cancel: CancelToken | None = None,
    ) -> int:
        """Hand every live note of the period's live calls to `emit`, a batch at a time,
        in the order of the calls and of the notes in each call; returns how many.

        One read transaction from the count to the last batch, so the rows agree with
        each other and with the total `progress` is given; `cancel` is checked between
        batches.
        """
        with self._db.read(snapshot=True) as s:
            total = s.scalar(select(func.count()).select_from(_live(period).subquery())) or 0
            progress(0, total)
            done = 0
            # Closed however it ends: a cancel must not leave PostgreSQL's cursor open.
            with s.execute(_rows(period).execution_options(yield_per=BATCH)) as result:
                for batch in result.partitions():
                    if cancel is not None:
                        cancel.raise_if_cancelled()
                    ids = [row.note_id for row in batch]
                    themes = _themes(s, ids)
                    reviews = _reviews(s, ids)
                    emit([_note_row(row, themes, reviews) for row in batch])
                    done += len(batch)
                    progress(done, max(total, done))
            return done


def _live(period: Period) -> Select[uuid.UUID]:
    """The notes a spreadsheet holds: not in the trash, on live calls of the period."""
    return (
        select(m.Note.id)
        .join(m.Call, m.Call.id == m.Note.call_id)
        .where(
            m.Note.deleted_at.is_(None),
            m.Call.deleted_at.is_(None),
            m.Call.started_at >= day_start(period.start),
            m.Call.started_at < day_end(period.end),
        )
    )


def _rows(period: Period) -> Select[*tuple[Any, ...]]:
    return (
        _live(period)
        .with_only_columns(
            m.Note.id.label("note_id"),
            m.Note.call_id,
            m.Call.started_at,
            m.Account.name.label("account"),
            _rep.name.label("rep"),
            _marketer.name.label("marketer"),
            m.Note.kind,
            m.Note.text,
            m.Note.intensity,
            m.Contact.name.label("speaker"),
            m.Contact.title.label("speaker_title"),
            m.Note.answer,
            m.Note.response,
            m.Note.review_status,
        )
        .join(m.Account, m.Account.id == m.Call.account_id)
        .outerjoin(_rep, _rep.id == m.Call.rep_id)
        .outerjoin(_marketer, _marketer.id == m.Call.marketer_id)
        .outerjoin(m.note_speakers, m.note_speakers.c.note_id == m.Note.id)
        .outerjoin(m.Contact, m.Contact.id == m.note_speakers.c.contact_id)
        .order_by(m.Call.started_at, m.Call.id, m.Note.offset_ms, m.Note.created_at, m.Note.id)
    )


def _themes(s: Session, ids: list[uuid.UUID]) -> dict[uuid.UUID, list[str]]:
    found: dict[uuid.UUID, list[str]] = {}
    rows = s.execute(
        select(m.note_tags.c.note_id, m.Tag.name)
        .join(m.Tag, m.Tag.id == m.note_tags.c.tag_id)
        .where(m.note_tags.c.note_id.in_(ids))
        .order_by(m.Tag.name)
    )
    for note_id, name in rows:
        found.setdefault(note_id, []).append(name)
    return found


def _reviews(s: Session, ids: list[uuid.UUID]) -> dict[uuid.UUID, _Review]:
    """Each note's standing annotations folded oldest first, so the newest verdict and
    correction win and comments keep their order."""
    found: dict[uuid.UUID, _Review] = {}
    rows = s.execute(
        select(
            m.Annotation.note_id,
            m.Annotation.verdict,
            m.Annotation.correction,
            m.Annotation.reclassified,
            m.Annotation.comment,
            _reviewer.name,
        )
        .outerjoin(_reviewer, _reviewer.id == m.Annotation.author_id)
        .where(m.Annotation.note_id.in_(ids), m.Annotation.deleted_at.is_(None))
        .order_by(m.Annotation.created_at, m.Annotation.id)
    )
    for note_id, verdict, correction, reclassified, comment, author in rows:
        review = found.setdefault(note_id, _Review())
        if verdict is not None:
            review.verdict_by = author
        if verdict is Verdict.CORRECTED:
            if reclassified:
                correction = "; ".join(Reclassification.from_json(reclassified).parts())
            review.correction = correction or review.correction
        if comment:
            review.comments.append(comment)
    return found


def _note_row(
    row: Any, themes: dict[uuid.UUID, list[str]], reviews: dict[uuid.UUID, _Review]
) -> NoteRow:
    review = reviews.get(row.note_id) or _Review()
    return NoteRow(
        note_id=row.note_id,
        call_id=row.call_id,
        call_started_at=row.started_at,
        account=row.account,
        rep=row.rep,
        marketer=row.marketer,
        kind=row.kind,
        text=row.text,
        themes=tuple(themes.get(row.note_id, ())),
        intensity=row.intensity,
        speaker=row.speaker,
        speaker_title=row.speaker_title,
        answer=row.answer,
        response=row.response,
        review_status=row.review_status,
        reviewed_by=review.verdict_by,
        correction=review.correction,
        comments=tuple(review.comments),
    )
