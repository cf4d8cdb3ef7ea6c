"""Ids as people type them: whole, or a unique start of 8 or more hex digits, as git
takes a commit's.

A UUID is long to type and to copy from a terminal; its first eight characters almost
always name one row. The lookup is a range over the primary key (every id with that
start lies between the prefix padded with 0s and the prefix padded with fs), which the
key's index answers on SQLite (32-hex text) and PostgreSQL (native uuid) alike, with
no text conversion of the stored column and no scan.
"""

from __future__ import annotations

import enum
import re
import uuid
from typing import Final

from sqlalchemy import select

from desktop.errors import NotFound, UserError
from desktop.services.base import Service, parse_id
from desktop.storage import models as m

#: The fewest hex digits accepted as an id's start (as git's short ids).
MIN_PREFIX: Final = 8
_HEX = re.compile(r"[0-9a-f]+")


class IdKind(enum.Enum):
    """What an id names; its table and the word for it in messages."""

    CALL = ("call", "calls", m.Call)
    NOTE = ("note", "notes", m.Note)
    ANNOTATION = ("annotation", "annotations", m.Annotation)

    def __init__(self, word: str, plural: str, model: type[m.Call | m.Note | m.Annotation]):
        self.word = word
        self.plural = plural
        self.model = model


def _prefix(text: str, what: str) -> str:
    """The lower-case hex digits of an id's start; refuses what cannot be one."""
    digits = text.strip().replace("-", "").lower()
    if not _HEX.fullmatch(digits) or len(digits) > 32:
        raise UserError(f"{text!r} is not a valid {what}")
    if len(digits) < MIN_PREFIX:
        raise UserError(
            f"{text!r} is too short: give at least {MIN_PREFIX} characters of the {what}"
        )
    return digits


class IdService(Service):
    def resolve(self, text: str, *kinds: IdKind, what: str | None = None) -> uuid.UUID:
        """The id `text` names among the rows of `kinds` (in the trash or not): a whole
        UUID is taken as it is; a start must name exactly one row.

        `what` words the messages ("call id"); by default the first kind's.
        """
        what = what or f"{kinds[0].word} id"
        try:
            return parse_id(text, what)
        except UserError:
            digits = _prefix(text, what)
        low = uuid.UUID(digits.ljust(32, "0"))
        high = uuid.UUID(digits.ljust(32, "f"))
        found: list[tuple[IdKind, uuid.UUID]] = []
        counts: dict[IdKind, int] = {}
        with self._db.read() as s:
            for kind in kinds:
                within = kind.model.id.between(low, high)
                ids = s.scalars(select(kind.model.id).where(within).limit(2)).all()
                found.extend((kind, i) for i in ids)
                if len(ids) > 1:  # ambiguous: count them all, for the message
                    ids = s.scalars(select(kind.model.id).where(within)).all()
                if ids:
                    counts[kind] = len(ids)
        if not found:
            words = [k.word for k in kinds]
            named = " or ".join(filter(None, (", ".join(words[:-1]), words[-1])))
            raise NotFound(f"no {named} has an id starting with {text.strip()}")
        if len(found) > 1:
            matches = " and ".join(
                f"{n} {k.word if n == 1 else k.plural}" for k, n in counts.items()
            )
            raise UserError(f"ambiguous id prefix {text.strip()}: matches {matches}")
        return found[0][1]
