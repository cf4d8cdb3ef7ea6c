"""The competitors the team keeps on its list, beside those its competitor notes tag.

Reports know a competitor from either source (`insights.known_competitors`): a name on
the list counts on every call that names it, even before any competitor note is tagged
with it, and is printed as the list writes it ("Clarivo", "eGain").
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

from sqlalchemy import exc, select
from sqlalchemy.orm import Session

from desktop.errors import Conflict, NotFound, UserError
from desktop.services.base import Service, clean_name
from desktop.storage import models as m

_SEPARATORS = re.compile(r"[\s-]+")


@dataclass(frozen=True, slots=True)
class CompetitorView:
    id: uuid.UUID
    name: str
    version: int


def competitor_key(name: str) -> str:
    """How competitors are told apart: case, spaces and hyphens aside ("Deal Grove",
    "deal-grove" and `#Deal-Grove` are one), the form a tag of the name takes."""
    return _SEPARATORS.sub("-", name.casefold()).strip("-")


def _view(row: m.Competitor) -> CompetitorView:
    return CompetitorView(id=row.id, name=row.name, version=row.version)


class CompetitorService(Service):
    def list(self) -> tuple[CompetitorView, ...]:
        """The list, alphabetically as people read it."""
        with self._db.read() as s:
            rows = s.scalars(select(m.Competitor).order_by(m.Competitor.name_key))
            return tuple(map(_view, rows))

    def add(self, name: str) -> CompetitorView:
        """Put a competitor on the list; an empty name or one already there is refused."""
        cleaned = _clean(name)
        key = competitor_key(cleaned)
        try:
            with self._db.write() as s:
                _refuse_taken(s, key)
                row = m.Competitor(name=cleaned, name_key=key)
                s.add(row)
                s.flush()
                return _view(row)
        except exc.IntegrityError:  # added elsewhere between our check and our insert
            raise UserError(f"{cleaned} is already on the competitor list") from None

    def rename(
        self, competitor_id: uuid.UUID, name: str, *, expected_version: int | None = None
    ) -> CompetitorView:
        """Write a listed competitor's name another way ("clarivo" to "Clarivo") or fix
        it; a name another listed competitor has is refused."""
        cleaned = _clean(name)
        key = competitor_key(cleaned)
        try:
            with self._db.write() as s:
                row = _get(s, competitor_id)
                if expected_version is not None and row.version != expected_version:
                    raise Conflict(f"{row.name} was changed elsewhere; reload and try again")
                if key != row.name_key:
                    _refuse_taken(s, key)
                row.name, row.name_key = cleaned, key
                s.flush()
                return _view(row)
        except exc.IntegrityError:
            raise UserError(f"{cleaned} is already on the competitor list") from None

    def remove(self, competitor_id: uuid.UUID) -> CompetitorView:
        """Take a competitor off the list (what was removed, so it can be put back).
        Notes that name it stay as they are."""
        with self._db.write() as s:
            row = _get(s, competitor_id)
            view = _view(row)
            s.delete(row)
            return view

    def find(self, name: str) -> CompetitorView:
        """The listed competitor of that name, written in any case or spacing."""
        key = competitor_key(_clean(name))
        with self._db.read() as s:
            row = s.scalars(select(m.Competitor).where(m.Competitor.name_key == key)).first()
            if row is None:
                raise NotFound(f"{name.strip()} is not on the competitor list")
            return _view(row)

    def tagged(self) -> tuple[str, ...]:
        """Competitors known only from competitor notes' tags (not on the list), as
        tags: reports count them too."""
        from desktop.services.insights import known_competitors

        with self._db.read() as s:
            return tuple(tag for tag, listed in known_competitors(s).items() if listed is None)


def _clean(name: str) -> str:
    cleaned = clean_name(name, "a competitor's name")
    if not competitor_key(cleaned):
        raise UserError(f"{name.strip()!r} is no competitor's name")
    return cleaned


def _get(s: Session, competitor_id: uuid.UUID) -> m.Competitor:
    row = s.get(m.Competitor, competitor_id)
    if row is None:
        raise NotFound(f"no competitor with id {competitor_id} on the list")
    return row


def _refuse_taken(s: Session, key: str) -> None:
    taken = s.scalars(select(m.Competitor.name).where(m.Competitor.name_key == key)).first()
    if taken is not None:
        raise UserError(f"{taken} is already on the competitor list")
