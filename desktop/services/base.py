"""What every service shares: the database, the clock, lookups and ORM-to-value converters."""

from __future__ import annotations

import re
import uuid
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.domain import Role
from desktop.errors import NotFound, UserError
from desktop.services import values as v
from desktop.storage import models as m
from desktop.storage.database import Database

Row = TypeVar("Row", bound=m.Base)

_SPACES = re.compile(r"\s+")
#: What no database can store as text: NUL (PostgreSQL refuses it) and lone surrogates
#: (not UTF-8; they come from command-line bytes that were not UTF-8).
_UNSTORABLE = re.compile(r"[\x00\ud800-\udfff]")


class Service:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._now = db.clock


def parse_id(value: str | uuid.UUID, what: str = "id") -> uuid.UUID:
    """A UUID from what a user typed; a clear error for anything else."""
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(value.strip())
    except (ValueError, AttributeError):
        raise UserError(f"{value!r} is not a valid {what}") from None


def name_key(name: str) -> str:
    """How names are compared: case and spacing do not make a new person or account."""
    return _SPACES.sub(" ", check_storable(name, repr(name))).strip().casefold()


def check_storable(text: str, what: str) -> str:
    """Refuse text a database cannot keep exactly as given."""
    if _UNSTORABLE.search(text):
        raise UserError(f"{what} contains a NUL character or bytes that are not UTF-8")
    return text


def like_escaped(text: str) -> str:
    """`text` for a LIKE pattern (with `escape="\\"`): `%` and `_` stand for themselves."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def tag_key(raw: str) -> str:
    """How a theme typed in a filter or box is looked up: `#Price` is `price`. Unlike
    `normalize_tag`, never refuses: a filter for a tag nobody uses finds nothing."""
    return re.sub(r"\s+", "-", raw.strip().lstrip("#").strip().lower())


def clean_name(name: str, what: str) -> str:
    cleaned = _SPACES.sub(" ", check_storable(name, what)).strip()
    if not cleaned:
        raise UserError(f"{what} must not be empty")
    if len(cleaned) > 200:
        raise UserError(f"{what} is too long ({len(cleaned)} characters; at most 200)")
    return cleaned


def get_live(session: Session, model: type[Row], row_id: uuid.UUID, what: str) -> Row:
    """A row by id, refusing one that does not exist or sits in the trash."""
    row = session.get(model, row_id)
    if row is None or getattr(row, "deleted_at", None) is not None:
        raise NotFound(f"no {what} with id {row_id}")
    return row


def ensure_person(session: Session, name: str, role: Role | None = None) -> m.Person:
    """The person of that name, made on first mention (people are named, not registered)."""
    cleaned = clean_name(name, "a person's name")
    key = name_key(cleaned)
    person = session.scalars(select(m.Person).where(m.Person.name_key == key)).first()
    if person is None:
        person = m.Person(name=cleaned, name_key=key, role=role or Role.MARKETER)
        session.add(person)
        session.flush()
    elif role is not None and person.role not in (role, Role.BOTH):
        person.role = Role.BOTH
    return person


def person_view(person: m.Person | None) -> v.PersonView | None:
    if person is None:
        return None
    return v.PersonView(id=person.id, name=person.name, role=person.role)


def account_view(account: m.Account) -> v.AccountView:
    return v.AccountView(
        id=account.id,
        name=account.name,
        industry=account.industry,
        segment=account.segment,
        size=account.size,
        outcome=account.outcome,
        outcome_on=account.outcome_on,
        outcome_reason=account.outcome_reason,
        version=account.version,
    )


def criterion_view(criterion: m.Criterion) -> v.CriterionView:
    return v.CriterionView(
        id=criterion.id,
        key=criterion.key,
        name=criterion.name,
        question=criterion.question,
        position=criterion.position,
    )


def framework_view(framework: m.Framework) -> v.FrameworkView:
    return v.FrameworkView(
        id=framework.id,
        key=framework.key,
        name=framework.name,
        description=framework.description,
        builtin=framework.builtin,
        criteria=tuple(criterion_view(c) for c in framework.criteria),
    )


def call_view(call: m.Call) -> v.CallView:
    return v.CallView(
        id=call.id,
        account=account_view(call.account),
        rep=person_view(call.rep),
        marketer=person_view(call.marketer),
        contacts=tuple(
            v.ContactView(
                id=c.id, account_id=c.account_id, name=c.name, title=c.title, deal_role=c.deal_role
            )
            for c in sorted(call.contacts, key=lambda c: (name_key(c.name), str(c.id)))
        ),
        call_type=call.call_type,
        stage=call.stage,
        framework=framework_view(call.framework) if call.framework else None,
        started_at=call.started_at,
        ended_at=call.ended_at,
        status=call.status,
        grade=call.grade,
        grade_reason=call.grade_reason,
        graded_by=person_view(call.graded_by),
        graded_at=call.graded_at,
        grade_definitions_revision=call.grade_definitions_revision,
        next_step=call.next_step,
        version=call.version,
    )


def contact_view(contact: m.Contact | None) -> v.ContactView | None:
    if contact is None:
        return None
    return v.ContactView(
        id=contact.id,
        account_id=contact.account_id,
        name=contact.name,
        title=contact.title,
        deal_role=contact.deal_role,
    )


def note_view(note: m.Note) -> v.NoteView:
    return v.NoteView(
        id=note.id,
        call_id=note.call_id,
        kind=note.kind,
        text=note.text,
        offset_ms=note.offset_ms,
        author=person_view(note.author),
        intensity=note.intensity,
        quote_worthy=note.quote_worthy,
        case_study=note.case_study,
        messaging=note.messaging,
        response=note.response,
        answer=note.answer,
        criterion_id=note.criterion_id,
        tags=tuple(sorted(t.name for t in note.tags)),
        review_status=note.review_status,
        speaker=contact_view(note.speaker),
        created_at=note.created_at,
        updated_at=note.updated_at,
        version=note.version,
    )


def annotation_view(annotation: m.Annotation) -> v.AnnotationView:
    return v.AnnotationView(
        id=annotation.id,
        note_id=annotation.note_id,
        verdict=annotation.verdict,
        correction=annotation.correction,
        comment=annotation.comment,
        author=person_view(annotation.author),
        created_at=annotation.created_at,
        version=annotation.version,
        reclassified=(
            v.Reclassification.from_json(annotation.reclassified)
            if annotation.reclassified
            else None
        ),
    )
