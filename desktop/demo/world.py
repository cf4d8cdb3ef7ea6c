"""What the generator draws from and what it makes up: the shipped material (the world
of industries, names, competitors in `resources/demo/world.json`; the fragments of
speech in `phrases.json`), the builtin frameworks already stored, and the cast of a
plan (people, accounts and their contacts, calls).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any, Final

from sqlalchemy import Connection, select

from desktop import shipped
from desktop.domain import CallType, Outcome, Role
from desktop.storage import models as m

#: Stands in for an id until the row's creation time (part of its id) is known.
NO_ID: Final = uuid.UUID(int=0)


@cache
def material() -> tuple[dict[str, Any], dict[str, Any]]:
    """The world and the phrases, read once per process."""
    return shipped.read_json("demo", "world.json"), shipped.read_json("demo", "phrases.json")


@dataclass(frozen=True, slots=True)
class Criterion:
    id: uuid.UUID
    key: str


Frameworks = dict[str, tuple[uuid.UUID, tuple[Criterion, ...]]]


def builtin_frameworks(conn: Connection) -> Frameworks:
    """The builtin frameworks by key, with their criteria in order."""
    found: dict[str, tuple[uuid.UUID, list[Criterion]]] = {}
    rows = conn.execute(
        select(m.Framework.key, m.Framework.id, m.Criterion.id, m.Criterion.key)
        .join(m.Criterion, m.Criterion.framework_id == m.Framework.id)
        .where(m.Framework.builtin.is_(True), m.Framework.key.in_(("bant", "champ", "meddicc")))
        .order_by(m.Framework.key, m.Criterion.position)
    )
    for key, framework_id, criterion_id, criterion_key in rows:
        found.setdefault(key, (framework_id, []))[1].append(Criterion(criterion_id, criterion_key))
    return {key: (fid, tuple(criteria)) for key, (fid, criteria) in found.items()}


@dataclass(slots=True)
class Person:
    id: uuid.UUID
    name: str
    role: Role
    first: str
    new: bool = True


@dataclass(slots=True)
class Contact:
    id: uuid.UUID
    name: str
    title: str
    deal_role: str
    first: str
    new: bool = True


@dataclass(slots=True)
class Account:
    id: uuid.UUID
    name: str
    industry: str
    segment: str
    size: str
    fit: str
    framework: str | None
    rep: Person
    themes: list[str]
    competitor: str
    systems: tuple[str, str]
    contacts: list[Contact]
    #: Details its notes mention the same way on every call (`Planner._facts`).
    facts: dict[str, str]
    created_at: datetime | None = None
    outcome: Outcome = Outcome.OPEN
    outcome_on: date | None = None
    outcome_reason: str | None = None
    new: bool = True
    written: bool = False


@dataclass(slots=True)
class Call:
    id: uuid.UUID
    account: Account
    call_type: CallType
    index: int
    started_at: datetime
    ended_at: datetime
    marketer: Person
    contacts: list[Contact]
