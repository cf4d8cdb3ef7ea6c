"""The plain, immutable values services hand out.

They are built inside the service's transaction, so nothing lazy-loads later and
nothing detaches; the GUI, the CLI and the reports all read these and never an ORM row.
"""

from __future__ import annotations

import dataclasses
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from desktop.domain import (
    CallStatus,
    CallType,
    CriterionStatus,
    Grade,
    NoteKind,
    Outcome,
    ReviewStatus,
    Role,
    SearchField,
    Verdict,
)
from desktop.storage.text import Snippet as Snippet  # re-exported: a SearchHit's part


def format_offset(offset_ms: int) -> str:
    """mm:ss from the call's start (h:mm:ss past an hour)."""
    seconds = max(0, offset_ms) // 1000
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


@dataclass(frozen=True, slots=True)
class PersonView:
    id: uuid.UUID
    name: str
    role: Role


@dataclass(frozen=True, slots=True)
class AccountView:
    id: uuid.UUID
    name: str
    industry: str | None
    segment: str | None
    size: str | None
    outcome: Outcome
    outcome_on: date | None
    outcome_reason: str | None
    version: int


@dataclass(frozen=True, slots=True)
class ContactView:
    id: uuid.UUID
    account_id: uuid.UUID
    name: str
    title: str | None
    deal_role: str | None


@dataclass(frozen=True, slots=True)
class CriterionView:
    id: uuid.UUID
    key: str
    name: str
    question: str
    position: int


@dataclass(frozen=True, slots=True)
class FrameworkView:
    id: uuid.UUID
    key: str
    name: str
    description: str
    builtin: bool
    criteria: tuple[CriterionView, ...]


@dataclass(frozen=True, slots=True)
class CallRow:
    """One line of a call list: enough to show and sort, nothing more."""

    id: uuid.UUID
    account: str
    rep: str | None
    marketer: str | None
    call_type: CallType
    status: CallStatus
    started_at: datetime
    ended_at: datetime | None
    grade: Grade | None
    note_count: int


@dataclass(frozen=True, slots=True)
class InboxRow:
    """A call waiting for review, with how far its review and qualification got."""

    call: CallRow
    reviewed_notes: int
    criteria: int
    open_criteria: int

    @property
    def id(self) -> uuid.UUID:
        return self.call.id


@dataclass(frozen=True, slots=True)
class CallView:
    id: uuid.UUID
    account: AccountView
    rep: PersonView | None
    marketer: PersonView | None
    contacts: tuple[ContactView, ...]
    call_type: CallType
    stage: str | None
    framework: FrameworkView | None
    started_at: datetime
    ended_at: datetime | None
    status: CallStatus
    grade: Grade | None
    grade_reason: str | None
    graded_by: PersonView | None
    graded_at: datetime | None
    grade_definitions_revision: int | None
    next_step: str | None
    version: int

    @property
    def duration(self) -> timedelta | None:
        return self.ended_at - self.started_at if self.ended_at else None


@dataclass(frozen=True, slots=True)
class NoteView:
    id: uuid.UUID
    call_id: uuid.UUID
    kind: NoteKind
    text: str
    offset_ms: int
    author: PersonView | None
    intensity: int | None
    quote_worthy: bool
    case_study: bool
    messaging: bool
    response: str | None
    answer: str | None
    criterion_id: uuid.UUID | None
    tags: tuple[str, ...]
    review_status: ReviewStatus
    #: Who on the prospect's side said it (one of the call's contacts), when known.
    speaker: ContactView | None
    created_at: datetime
    updated_at: datetime
    version: int

    @property
    def offset_label(self) -> str:
        return format_offset(self.offset_ms)


@dataclass(frozen=True, slots=True)
class Reclassification:
    """A reviewer's change of a note's kind, intensity or themes: each part as
    (before, after), or the themes added and removed; a part that did not change is
    None or empty."""

    kind: tuple[NoteKind, NoteKind] | None = None
    intensity: tuple[int | None, int | None] | None = None
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Reclassification:
        kind = data.get("kind")
        intensity = data.get("intensity")
        return cls(
            kind=(NoteKind(kind[0]), NoteKind(kind[1])) if kind else None,
            intensity=(intensity[0], intensity[1]) if intensity else None,
            added=tuple(data.get("added", ())),
            removed=tuple(data.get("removed", ())),
        )

    def parts(self) -> list[str]:
        """Each change in words: "Kind: Pain → Objection", "Intensity: 2 → 4",
        "Themes: added #price; removed #legacy"."""
        out = []
        if self.kind:
            out.append(f"Kind: {self.kind[0].label} → {self.kind[1].label}")
        if self.intensity:
            before, after = (str(n) if n else "none" for n in self.intensity)
            out.append(f"Intensity: {before} → {after}")
        if self.added or self.removed:
            themes = [
                f"{verb} " + " ".join(f"#{t}" for t in tags)
                for verb, tags in (("added", self.added), ("removed", self.removed))
                if tags
            ]
            out.append("Themes: " + "; ".join(themes))
        return out


@dataclass(frozen=True, slots=True)
class AnnotationView:
    id: uuid.UUID
    note_id: uuid.UUID
    verdict: Verdict | None
    correction: str | None
    comment: str | None
    author: PersonView | None
    created_at: datetime
    version: int
    #: Set when the reviewer changed the note's kind, intensity or themes.
    reclassified: Reclassification | None = None


@dataclass(frozen=True, slots=True)
class ReviewedNote:
    """A note with the annotations standing on it, oldest first: the other side a
    reviewer is shown when a teammate reviewed (or changed) the note meanwhile."""

    note: NoteView
    annotations: tuple[AnnotationView, ...]


@dataclass(frozen=True, slots=True)
class CriterionAnswerView:
    """Where a call stands on one criterion of its framework."""

    criterion: CriterionView
    status: CriterionStatus
    answer: str | None
    note_ids: tuple[uuid.UUID, ...]
    updated_by: PersonView | None
    updated_at: datetime | None


@dataclass(frozen=True, slots=True)
class DefinitionView:
    id: uuid.UUID
    term: str
    body: str
    revision: int
    retired: bool
    author: PersonView | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class TagCount:
    name: str
    notes: int


@dataclass(frozen=True, slots=True)
class SearchFilters:
    kinds: tuple[NoteKind, ...] = ()
    account: str | None = None
    rep: str | None = None
    tag: str | None = None
    call_id: uuid.UUID | None = None
    since: date | None = None
    until: date | None = None


@dataclass(frozen=True, slots=True)
class SearchHit:
    """A note that matched, with the field that matched best and a marked snippet."""

    note_id: uuid.UUID
    call_id: uuid.UUID
    account: str
    kind: NoteKind
    text: str
    offset_ms: int
    intensity: int | None
    field: SearchField
    field_text: str
    snippet: Snippet
    call_started_at: datetime
    score: float = dataclasses.field(compare=False)
