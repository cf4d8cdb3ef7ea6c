"""The trash: deleted calls, notes and annotations, until restored or purged.

Deleting never destroys: `calls.delete`, `notes.delete` and `review.retract` set
`deleted_at`. Here the trash is listed, an item restored by its id, and emptied: by
the user (everything, or what is older than some days), and automatically for items
older than 30 days (`purge_expired`, run by the maintenance pass right after a backup,
so what it deletes is still in the newest backup).

A call in the trash carries its notes with it: they are listed under the call, not one
by one, and a note whose call is in the trash is restored by restoring the call.
"""

from __future__ import annotations

import builtins
import enum
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from sqlalchemy import ColumnElement, delete, func, select
from sqlalchemy.orm import Session, aliased

from desktop.errors import NotFound, UserError
from desktop.services.base import Service
from desktop.services.review import ReviewService
from desktop.storage import models as m

#: How long an item stays in the trash before the automatic purge deletes it for good.
KEEP_IN_TRASH: Final = timedelta(days=30)
#: Rows deleted for good per transaction (each with what cascades from it): small enough
#: that a note filed meanwhile waits a fraction of a second, not the whole purge.
PURGE_BATCH: Final = 200
#: The pause after each batch: SQLite retries a busy lock every 100 ms, so a command
#: waiting for the file gets its turn instead of losing every race to the next batch.
PURGE_PAUSE: Final = timedelta(milliseconds=150)
_EXCERPT = 120


class TrashKind(enum.StrEnum):
    CALL = "call"
    NOTE = "note"
    ANNOTATION = "annotation"


@dataclass(frozen=True, slots=True)
class TrashItem:
    """One thing in the trash, described for a list row."""

    kind: TrashKind
    id: uuid.UUID
    #: The call it belongs to (the call itself for a call), for refreshing views.
    call_id: uuid.UUID
    account: str
    deleted_at: datetime
    #: A call: "Discovery call on 2025-03-14"; a note: its kind and text; an annotation:
    #: its verdict and words (excerpts of at most 120 characters).
    summary: str
    #: Notes a trashed call carries with it (0 for notes and annotations).
    notes: int

    @property
    def purge_after(self) -> datetime:
        """When the automatic purge deletes it for good."""
        return self.deleted_at + KEEP_IN_TRASH


@dataclass(frozen=True, slots=True)
class Purged:
    """What emptying the trash deleted for good."""

    calls: int
    notes: int
    annotations: int

    @property
    def total(self) -> int:
        return self.calls + self.notes + self.annotations


def _excerpt(text: str | None) -> str:
    flat = " ".join((text or "").split())
    return flat if len(flat) <= _EXCERPT else flat[: _EXCERPT - 1] + "…"


class TrashService(Service):
    def list(self, limit: int = 1000) -> tuple[TrashItem, ...]:
        """What is in the trash, most recently deleted first."""
        with self._db.read() as s:
            items = [*self._calls(s, limit), *self._notes(s, limit), *self._annotations(s, limit)]
        items.sort(key=lambda i: (i.deleted_at, str(i.id)), reverse=True)
        return tuple(items[:limit])

    def count(self) -> int:
        with self._db.read() as s:
            return (
                len(self._calls(s, None))
                + len(self._notes(s, None))
                + len(self._annotations(s, None))
            )

    def get(self, item_id: uuid.UUID) -> TrashItem:
        """One item in the trash by its id (a call's, a note's or an annotation's)."""
        with self._db.read() as s:
            return self._find(s, item_id)

    def restore(self, item_id: uuid.UUID) -> TrashItem:
        """Put an item back where it was; returns it as it was listed."""
        with self._db.write() as s:
            item = self._find(s, item_id)
            if item.kind is TrashKind.CALL:
                call = s.get(m.Call, item.id)
                assert call is not None
                call.deleted_at = None
            elif item.kind is TrashKind.NOTE:
                note = s.get(m.Note, item.id)
                assert note is not None
                note.deleted_at = None
            s.flush()
        if item.kind is TrashKind.ANNOTATION:
            ReviewService(self._db).reinstate(item.id)
        return item

    def empty(self, older_than: timedelta | None = None) -> Purged:
        """Delete for good everything in the trash, or what was deleted longer ago than
        `older_than`. A call goes with all its notes and their annotations.

        Deleting cascades through notes, annotations, tags and search rows, which takes
        a while for thousands of calls: it is done `PURGE_BATCH` rows per transaction,
        with a pause between, so a note filed meanwhile waits for one batch at most,
        never for the whole purge (run it off the GUI thread). A batch deletes only what
        is still in the trash: what is restored meanwhile stays.
        """
        if older_than is not None and older_than < timedelta(0):
            raise UserError("a number of days cannot be negative")
        # A write, even when nothing is old enough: a database that takes none says so.
        self._db.check_writable()
        cutoff = self._now() - older_than if older_than is not None else None

        def trashed(
            model: type[m.Call] | type[m.Note] | type[m.Annotation],
        ) -> builtins.list[ColumnElement[bool]]:
            where: builtins.list[ColumnElement[bool]] = [model.deleted_at.is_not(None)]
            if cutoff is not None:
                where.append(model.deleted_at <= cutoff)
            return where

        in_trashed_call = m.Note.call_id.in_(select(m.Call.id).where(*trashed(m.Call)))
        with self._db.read() as s:
            annotations = s.scalars(select(m.Annotation.id).where(*trashed(m.Annotation))).all()
            notes = s.scalars(select(m.Note.id).where(*trashed(m.Note))).all()
            carried = s.scalars(select(m.Note.id).where(in_trashed_call)).all()
            calls = s.scalars(select(m.Call.id).where(*trashed(m.Call))).all()
        # Children first, so that each batch's cascade stays small.
        purged_annotations = self._delete(m.Annotation, annotations, trashed(m.Annotation))
        purged_notes = self._delete(m.Note, notes, trashed(m.Note))
        self._delete(m.Note, carried, [in_trashed_call])  # in the trash with their call
        purged_calls = self._delete(m.Call, calls, trashed(m.Call))
        return Purged(calls=purged_calls, notes=purged_notes, annotations=purged_annotations)

    def _delete(
        self,
        model: type[m.Call] | type[m.Note] | type[m.Annotation],
        ids: Sequence[uuid.UUID],
        still: builtins.list[ColumnElement[bool]],
    ) -> int:
        """Delete the rows `ids` that still match `still`, a batch per transaction;
        returns how many went (foreign keys cascade to what hangs off them)."""
        deleted = 0
        for start in range(0, len(ids), PURGE_BATCH):
            with self._db.write() as s:
                batch = ids[start : start + PURGE_BATCH]
                going = select(func.count()).where(model.id.in_(batch), *still)
                deleted += s.scalar(going.select_from(model)) or 0
                s.execute(
                    delete(model).where(model.id.in_(batch), *still),
                    execution_options={"synchronize_session": False},
                )
            time.sleep(PURGE_PAUSE.total_seconds())
        return deleted

    def purge_expired(self) -> Purged:
        """Delete for good what has been in the trash for more than 30 days."""
        return self.empty(KEEP_IN_TRASH)

    # -- queries -------------------------------------------------------------------------

    def _find(self, s: Session, item_id: uuid.UUID) -> TrashItem:
        for query in (self._calls, self._notes, self._annotations):
            found = query(s, 1, item_id)
            if found:
                return found[0]
        if s.get(m.Call, item_id) or s.get(m.Note, item_id) or s.get(m.Annotation, item_id):
            raise self._why_not(s, item_id)
        raise NotFound(f"nothing in the trash has id {item_id}")

    @staticmethod
    def _why_not(s: Session, item_id: uuid.UUID) -> UserError:
        note = s.get(m.Note, item_id)
        if note is not None and (note.deleted_at is not None or note.call.deleted_at is not None):
            return UserError(
                f"note {item_id} is in the trash with its call; restore the call {note.call_id}"
            )
        annotation = s.get(m.Annotation, item_id)
        if annotation is not None and annotation.deleted_at is not None:
            return UserError(
                f"annotation {item_id} belongs to a note in the trash; restore that first "
                f"({annotation.note_id})"
            )
        return NotFound(f"{item_id} is not in the trash")

    @staticmethod
    def _calls(
        s: Session, limit: int | None, item_id: uuid.UUID | None = None
    ) -> builtins.list[TrashItem]:
        notes = (
            select(func.count(m.Note.id))
            .where(m.Note.call_id == m.Call.id, m.Note.deleted_at.is_(None))
            .scalar_subquery()
        )
        stmt = (
            select(m.Call.id, m.Account.name, m.Call.deleted_at)
            .add_columns(m.Call.call_type, m.Call.started_at, notes)
            .join(m.Account, m.Account.id == m.Call.account_id)
            .where(m.Call.deleted_at.is_not(None))
            .order_by(m.Call.deleted_at.desc())
            .limit(limit)
        )
        if item_id is not None:
            stmt = stmt.where(m.Call.id == item_id)
        return [
            TrashItem(
                kind=TrashKind.CALL,
                id=call_id,
                call_id=call_id,
                account=account,
                deleted_at=deleted,
                summary=f"{call_type.label} call on {started.astimezone():%Y-%m-%d %H:%M}",
                notes=count or 0,
            )
            for call_id, account, deleted, call_type, started, count in s.execute(stmt)
        ]

    @staticmethod
    def _notes(
        s: Session, limit: int | None, item_id: uuid.UUID | None = None
    ) -> builtins.list[TrashItem]:
        stmt = (
            select(m.Note.id, m.Note.call_id, m.Account.name, m.Note.deleted_at)
            .add_columns(m.Note.kind, m.Note.text)
            .join(m.Call, m.Call.id == m.Note.call_id)
            .join(m.Account, m.Account.id == m.Call.account_id)
            .where(m.Note.deleted_at.is_not(None), m.Call.deleted_at.is_(None))
            .order_by(m.Note.deleted_at.desc())
            .limit(limit)
        )
        if item_id is not None:
            stmt = stmt.where(m.Note.id == item_id)
        return [
            TrashItem(
                kind=TrashKind.NOTE,
                id=note_id,
                call_id=call_id,
                account=account,
                deleted_at=deleted,
                summary=f"{kind.label}: {_excerpt(text)}",
                notes=0,
            )
            for note_id, call_id, account, deleted, kind, text in s.execute(stmt)
        ]

    @staticmethod
    def _annotations(
        s: Session, limit: int | None, item_id: uuid.UUID | None = None
    ) -> builtins.list[TrashItem]:
        note = aliased(m.Note)
        stmt = (
            select(m.Annotation.id, note.call_id, m.Account.name, m.Annotation.deleted_at)
            .add_columns(m.Annotation.verdict, m.Annotation.correction, m.Annotation.comment)
            .join(note, note.id == m.Annotation.note_id)
            .join(m.Call, m.Call.id == note.call_id)
            .join(m.Account, m.Account.id == m.Call.account_id)
            .where(
                m.Annotation.deleted_at.is_not(None),
                note.deleted_at.is_(None),
                m.Call.deleted_at.is_(None),
            )
            .order_by(m.Annotation.deleted_at.desc())
            .limit(limit)
        )
        if item_id is not None:
            stmt = stmt.where(m.Annotation.id == item_id)
        items = []
        for annotation_id, call_id, account, deleted, verdict, correction, comment in s.execute(
            stmt
        ):
            words = " — ".join(_excerpt(t) for t in (correction, comment) if t)
            label = verdict.label if verdict else "Comment"
            items.append(
                TrashItem(
                    kind=TrashKind.ANNOTATION,
                    id=annotation_id,
                    call_id=call_id,
                    account=account,
                    deleted_at=deleted,
                    summary=_excerpt(f"{label}: {words}" if words else label),
                    notes=0,
                )
            )
        return items
