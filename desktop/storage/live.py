"""What a write tells the other windows on a team database: PostgreSQL NOTIFY.

Every write transaction on PostgreSQL sends one `pg_notify` per flush on `CHANNEL`,
saying which calls it touched and what of them; it is delivered when (and only if) the
transaction commits. No trigger does it, so the app role needs no DDL and the schema no
migration. A window LISTENs on a connection of its own (`desktop.services.live`).

The payload is small JSON (the server refuses one over 8000 bytes): the writer's
origin (so a window skips its own echo), the kinds of rows touched and the calls' ids;
past `MAX_IDS` calls (an import) it says "everything" instead of listing them.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Final

from sqlalchemy import Connection, func, select

from desktop.storage.models import Account, Annotation, Call, CriterionAnswer, Definition, Note

CHANNEL: Final = "ridealong"
MAX_IDS: Final = 100

#: What a write may touch, as the window's views understand it.
CALLS, NOTES, QUALIFICATION, DEFINITIONS = "calls", "notes", "qualification", "definitions"


@dataclass(frozen=True, slots=True)
class Touched:
    """What one or several writes changed: these calls, these kinds of rows."""

    call_ids: frozenset[uuid.UUID] = field(default_factory=frozenset)
    kinds: frozenset[str] = field(default_factory=frozenset)
    #: Too much to list (or notifications may have been missed): reload everything.
    everything: bool = False

    def __or__(self, other: Touched) -> Touched:
        return Touched(
            self.call_ids | other.call_ids,
            self.kinds | other.kinds,
            self.everything or other.everything,
        )


def touched_by(connection: Connection, rows: Iterable[object]) -> Touched:
    """The calls and kinds of the ORM rows a flush wrote (new, changed or deleted)."""
    call_ids: set[uuid.UUID] = set()
    kinds: set[str] = set()
    annotated: set[uuid.UUID] = set()
    accounts: set[uuid.UUID] = set()
    for row in rows:
        if isinstance(row, Note):
            kinds.add(NOTES)
            call_ids.add(row.call_id)
        elif isinstance(row, Annotation):
            kinds.add(NOTES)
            annotated.add(row.note_id)
        elif isinstance(row, Call):
            kinds.add(CALLS)
            call_ids.add(row.id)
        elif isinstance(row, Account):  # an outcome: every call of the account shows it
            kinds.add(CALLS)
            accounts.add(row.id)
        elif isinstance(row, CriterionAnswer):
            kinds.add(QUALIFICATION)
            call_ids.add(row.call_id)
        elif isinstance(row, Definition):
            kinds.add(DEFINITIONS)
    if annotated:
        found = connection.execute(select(Note.call_id).where(Note.id.in_(annotated)))
        call_ids.update(found.scalars())
    if accounts:
        found = connection.execute(select(Call.id).where(Call.account_id.in_(accounts)))
        call_ids.update(found.scalars())
    return Touched(frozenset(call_ids), frozenset(kinds))


def notify(connection: Connection, origin: str, touched: Touched) -> None:
    """Queue the notification in the current transaction (sent at its commit)."""
    connection.execute(select(func.pg_notify(CHANNEL, encode(origin, touched))))


def encode(origin: str, touched: Touched) -> str:
    data: dict[str, Any] = {"by": origin, "kinds": sorted(touched.kinds)}
    if touched.everything or len(touched.call_ids) > MAX_IDS:
        data["everything"] = True
    else:
        data["calls"] = sorted(str(c) for c in touched.call_ids)
    return json.dumps(data, separators=(",", ":"))


def decode(payload: str) -> tuple[str, Touched] | None:
    """The origin and what was touched; None for a payload this app did not write."""
    try:
        data = json.loads(payload)
        return str(data["by"]), Touched(
            frozenset(uuid.UUID(c) for c in data.get("calls", ())),
            frozenset(str(k) for k in data.get("kinds", ())),
            bool(data.get("everything")),
        )
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
