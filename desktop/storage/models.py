"""The tables, as SQLAlchemy 2 typed models.

Every row has a UUID key (stable across machines, for bundles and team sync) and
created/updated timestamps in UTC. Rows more than one person edits carry a version
counter that SQLAlchemy checks on every UPDATE (optimistic locking). Choices such as a
note's kind are the enums of `desktop.domain` in Python and their string values in a
VARCHAR column (see `choice`).

The schema is created and changed only by the Alembic migrations in `migrations/`;
a test checks that the migrated schema matches these models.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.sql import operators
from sqlalchemy.types import TypeEngine

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

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in, aware UTC datetimes out, on every dialect.

    SQLite keeps no time zone, so values are stored as naive UTC and given their zone
    back when read.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Choice(Enum):
    """A `desktop.domain` enum stored as its value in a plain VARCHAR.

    Not a native enum type and no CHECK constraint: a new member needs no migration, and
    the columns stay what the first migration made them. Text joined to a choice
    (`kind || ''`) is text, so the other operand is bound as a string, not checked as
    a member.
    """

    def coerce_compared_value(self, op: Any, value: Any) -> TypeEngine[Any]:
        if op is operators.concat_op:
            return String(self.length)
        return super().coerce_compared_value(op, value)


def _values(kind: type[StrEnum]) -> list[str]:
    return [member.value for member in kind]


def choice(kind: type[StrEnum], length: int) -> Choice:
    """The column type of a choice: members in, members out, the value on disk; a string
    that is no member's value is refused before it reaches the database."""
    return Choice(
        kind,
        native_enum=False,
        create_constraint=False,
        values_callable=_values,
        validate_strings=True,
        length=length,
    )


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Keyed:
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    #: Stamped from the database's clock by every write session (`Database`), never
    #: from the wall clock, so a test or an import can say when a row was made.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Person(Keyed, Base):
    """A user of the app: a marketer, a rep, or both."""

    __tablename__ = "people"
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200), unique=True)
    role: Mapped[Role] = mapped_column(choice(Role, 16), default=Role.MARKETER)


class Account(Keyed, Base):
    """The prospect company, and how its deal ended once it has."""

    __tablename__ = "accounts"
    name: Mapped[str] = mapped_column(String(300))
    name_key: Mapped[str] = mapped_column(String(300), unique=True)
    industry: Mapped[str | None] = mapped_column(String(100))
    segment: Mapped[str | None] = mapped_column(String(50))
    size: Mapped[str | None] = mapped_column(String(50))
    outcome: Mapped[Outcome] = mapped_column(choice(Outcome, 16), default=Outcome.OPEN)
    outcome_on: Mapped[date | None] = mapped_column(Date)
    outcome_reason: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)

    contacts: Mapped[list[Contact]] = relationship(back_populates="account")
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class Contact(Keyed, Base):
    """A person on the prospect's side."""

    __tablename__ = "contacts"
    account_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str | None] = mapped_column(String(200))
    deal_role: Mapped[str | None] = mapped_column(String(100))

    account: Mapped[Account] = relationship(back_populates="contacts")


call_contacts = Table(
    "call_contacts",
    Base.metadata,
    Column("call_id", ForeignKey("calls.id", ondelete="CASCADE"), primary_key=True),
    Column("contact_id", ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True),
)


class Framework(Keyed, Base):
    """A qualification framework (BANT, MEDDICC, CHAMP or the team's own)."""

    __tablename__ = "frameworks"
    key: Mapped[str] = mapped_column(String(50), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text, default="")
    builtin: Mapped[bool] = mapped_column(Boolean, default=False)

    criteria: Mapped[list[Criterion]] = relationship(
        back_populates="framework", order_by="Criterion.position"
    )


class Criterion(Keyed, Base):
    """One thing a framework wants known about a deal, and the question that finds it."""

    __tablename__ = "criteria"
    __table_args__ = (UniqueConstraint("framework_id", "key"),)
    framework_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("frameworks.id", ondelete="CASCADE"), index=True
    )
    key: Mapped[str] = mapped_column(String(50))
    name: Mapped[str] = mapped_column(String(100))
    question: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer)

    framework: Mapped[Framework] = relationship(back_populates="criteria")


class Call(Keyed, Base):
    """A ride-along: one sales conversation a marketer sat in on."""

    __tablename__ = "calls"
    __table_args__ = (
        Index("ix_calls_started_at_id", "started_at", "id"),
        Index("ix_calls_status_started_at", "status", "started_at"),
        Index("ix_calls_account_started_at", "account_id", "started_at"),
    )
    account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("accounts.id"))
    rep_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"), index=True)
    marketer_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"), index=True)
    framework_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("frameworks.id"))
    call_type: Mapped[CallType] = mapped_column(choice(CallType, 16), default=CallType.DISCOVERY)
    stage: Mapped[str | None] = mapped_column(String(50))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[CallStatus] = mapped_column(choice(CallStatus, 16), default=CallStatus.LIVE)
    grade: Mapped[Grade | None] = mapped_column(choice(Grade, 16))
    grade_reason: Mapped[str | None] = mapped_column(Text)
    graded_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))
    graded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    grade_definitions_revision: Mapped[int | None] = mapped_column(Integer)
    next_step: Mapped[str | None] = mapped_column(Text)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)

    account: Mapped[Account] = relationship()
    rep: Mapped[Person | None] = relationship(foreign_keys=[rep_id])
    marketer: Mapped[Person | None] = relationship(foreign_keys=[marketer_id])
    graded_by: Mapped[Person | None] = relationship(foreign_keys=[graded_by_id])
    framework: Mapped[Framework | None] = relationship()
    contacts: Mapped[list[Contact]] = relationship(secondary=call_contacts)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


note_tags = Table(
    "note_tags",
    Base.metadata,
    Column("note_id", ForeignKey("notes.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Tag(Keyed, Base):
    """A theme: how notes worded differently on different calls add up."""

    __tablename__ = "tags"
    name: Mapped[str] = mapped_column(String(100), unique=True)


note_speakers = Table(
    # A table of its own rather than a column of `notes`: adding a foreign-keyed column
    # to SQLite's `notes` would mean rebuilding the table (see migration 0002).
    "note_speakers",
    Base.metadata,
    Column("note_id", ForeignKey("notes.id", ondelete="CASCADE"), primary_key=True),
    Column("contact_id", ForeignKey("contacts.id", ondelete="CASCADE"), nullable=False, index=True),
)


class Note(Keyed, Base):
    """What the prospect said, filed under a kind, at an offset from the call's start."""

    __tablename__ = "notes"
    __table_args__ = (
        CheckConstraint("intensity IS NULL OR intensity BETWEEN 1 AND 5", name="intensity"),
        Index("ix_notes_call_offset", "call_id", "offset_ms"),
        Index("ix_notes_kind_call", "kind", "call_id"),
    )
    call_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"))
    kind: Mapped[NoteKind] = mapped_column(choice(NoteKind, 16))
    text: Mapped[str] = mapped_column(Text)
    offset_ms: Mapped[int] = mapped_column(Integer, default=0)
    author_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))
    intensity: Mapped[int | None] = mapped_column(Integer)
    quote_worthy: Mapped[bool] = mapped_column(Boolean, default=False)
    case_study: Mapped[bool] = mapped_column(Boolean, default=False)
    messaging: Mapped[bool] = mapped_column(Boolean, default=False)
    response: Mapped[str | None] = mapped_column(Text)
    answer: Mapped[str | None] = mapped_column(Text)
    criterion_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("criteria.id", ondelete="SET NULL")
    )
    review_status: Mapped[ReviewStatus] = mapped_column(
        choice(ReviewStatus, 16), default=ReviewStatus.UNREVIEWED
    )
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)

    call: Mapped[Call] = relationship()
    author: Mapped[Person | None] = relationship()
    tags: Mapped[list[Tag]] = relationship(secondary=note_tags, order_by=Tag.name)
    #: Who on the prospect's side said it, when the note-taker said so.
    speaker: Mapped[Contact | None] = relationship(secondary="note_speakers", uselist=False)
    annotations: Mapped[list[Annotation]] = relationship(
        back_populates="note", order_by="Annotation.created_at", passive_deletes=True
    )
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class Annotation(Keyed, Base):
    """A reviewer's word on a note: a verdict, a correction, a comment, or all three."""

    __tablename__ = "annotations"
    note_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("notes.id", ondelete="CASCADE"), index=True
    )
    verdict: Mapped[Verdict | None] = mapped_column(choice(Verdict, 16))
    correction: Mapped[str | None] = mapped_column(Text)
    comment: Mapped[str | None] = mapped_column(Text)
    #: A reviewer's reclassification of the note, kept so it can be undone and counted:
    #: `{"kind": [old, new], "intensity": [old, new], "added": [...], "removed": [...]}`,
    #: each key present only when that part changed.
    reclassified: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    author_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)

    note: Mapped[Note] = relationship(back_populates="annotations")
    author: Mapped[Person | None] = relationship()
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


criterion_answer_notes = Table(
    "criterion_answer_notes",
    Base.metadata,
    Column("answer_id", ForeignKey("criterion_answers.id", ondelete="CASCADE"), primary_key=True),
    Column("note_id", ForeignKey("notes.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class CriterionAnswer(Keyed, Base):
    """Where a call stands on one criterion, with the notes that support it."""

    __tablename__ = "criterion_answers"
    __table_args__ = (UniqueConstraint("call_id", "criterion_id"),)
    call_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"))
    criterion_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("criteria.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[CriterionStatus] = mapped_column(
        choice(CriterionStatus, 16), default=CriterionStatus.OPEN
    )
    answer: Mapped[str | None] = mapped_column(Text)
    updated_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    notes: Mapped[list[Note]] = relationship(secondary=criterion_answer_notes)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class Definition(Keyed, Base):
    """One revision of an agreed term (MQL, SQL, qualified pain...).

    Revisions are numbered across all terms: the set in force at revision R is, per
    term, its newest row with revision <= R. A grade stores R, so it can always show
    the words it was given against.
    """

    __tablename__ = "definitions"
    __table_args__ = (UniqueConstraint("term_key", "revision"),)
    term: Mapped[str] = mapped_column(String(100))
    term_key: Mapped[str] = mapped_column(String(100))
    body: Mapped[str] = mapped_column(Text)
    revision: Mapped[int] = mapped_column(Integer, index=True)
    retired: Mapped[bool] = mapped_column(Boolean, default=False)
    author_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))

    author: Mapped[Person | None] = relationship()


class Competitor(Keyed, Base):
    """A competitor the team keeps on its list (Competitors… in the window, `ridealong
    competitors`): reports count it on every call that names it, even when no
    competitor note is tagged with it."""

    __tablename__ = "competitors"
    #: As the team typed it, and as reports print it ("Clarivo", "eGain").
    name: Mapped[str] = mapped_column(String(200))
    #: Casefolded, spaces and hyphens as one hyphen: "Deal Grove" and "deal-grove" are
    #: one competitor, as they are one tag and match the same words.
    name_key: Mapped[str] = mapped_column(String(200), unique=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class SearchDoc(Base):
    """One searchable field of a note (its text, answer, response, or an annotation's
    correction or comment). The dialect's full-text index is built over `body`; see
    `desktop.storage.search`."""

    __tablename__ = "search_docs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    note_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("notes.id", ondelete="CASCADE"), index=True
    )
    annotation_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("annotations.id", ondelete="CASCADE"), index=True
    )
    field: Mapped[SearchField] = mapped_column(choice(SearchField, 16))
    body: Mapped[str] = mapped_column(Text)
