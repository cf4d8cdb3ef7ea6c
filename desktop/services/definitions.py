"""The terms sales and marketing agreed on (MQL, SQL, qualified pain...), versioned.

Every change makes a new revision, numbered across all terms, and never rewrites an
old one: a grade given at revision 7 can always show the words it was given against.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from desktop import shipped
from desktop.errors import Conflict, NotFound, UserError
from desktop.services import values as v
from desktop.services.base import Service, clean_name, ensure_person, name_key, person_view
from desktop.services.notes import check_text
from desktop.storage import models as m

#: The largest integer SQLite stores (64-bit); the revision column cannot exceed it.
_LARGEST = 2**63 - 1


def current_revision(s: Session) -> int | None:
    return s.scalar(select(func.max(m.Definition.revision)))


def _view(row: m.Definition) -> v.DefinitionView:
    return v.DefinitionView(
        id=row.id,
        term=row.term,
        body=row.body,
        revision=row.revision,
        retired=row.retired,
        author=person_view(row.author),
        created_at=row.created_at,
    )


def _check_revision(
    latest: m.Definition | None, expected: int | None, mine: dict[str, object]
) -> None:
    """A definition edit is a new revision: it conflicts when the term's revision in
    force is no longer the one the editor loaded (`expected`; 0 when none was)."""
    in_force = latest.revision if latest is not None and not latest.retired else 0
    if expected is None or in_force == expected:
        return
    what = "retired" if latest is not None and latest.retired else "redefined"
    raise Conflict(
        f"{latest.term if latest else 'this term'} was {what} elsewhere since you opened "
        "it; reload and try again",
        mine=mine,
        theirs=_view(latest) if latest else None,
        by=latest.author.name if latest and latest.author else None,
        at=latest.created_at if latest else None,
    )


class DefinitionService(Service):
    def ensure_defaults(self) -> None:
        """Give a new database the starting definitions, as revision 1."""
        with self._db.read() as s:
            if current_revision(s) is not None:
                return
        with self._db.write() as s:
            if current_revision(s) is not None:
                return
            for item in shipped.read_json("definitions.json"):
                s.add(
                    m.Definition(
                        term=item["term"],
                        term_key=name_key(item["term"]),
                        body=item["body"],
                        revision=1,
                    )
                )

    def revision(self) -> int | None:
        """The newest revision: the one a grade given now records."""
        with self._db.read() as s:
            return current_revision(s)

    def current(self) -> tuple[v.DefinitionView, ...]:
        with self._db.read() as s:
            return self._at(s, current_revision(s))

    def at(self, revision: int) -> tuple[v.DefinitionView, ...]:
        """The definitions as they stood at `revision` (what a grade was given against).

        A revision past any there is means the newest; SQLite compares 64-bit integers
        only, so a larger one is taken as the largest it can hold.
        """
        with self._db.read() as s:
            return self._at(s, min(max(revision, 0), _LARGEST))

    def history(self, term: str) -> tuple[v.DefinitionView, ...]:
        with self._db.read() as s:
            rows = s.scalars(
                select(m.Definition)
                .where(m.Definition.term_key == name_key(term))
                .order_by(m.Definition.revision.desc())
                .options(selectinload(m.Definition.author))
            ).all()
            if not rows:
                raise NotFound(f"no definition of {term!r}")
            return tuple(_view(r) for r in rows)

    def set(
        self,
        term: str,
        body: str,
        by: str | None = None,
        *,
        expected_revision: int | None = None,
    ) -> v.DefinitionView:
        """Define (or redefine) a term as a new revision; the same words change nothing.

        `expected_revision` is the term's revision in force the editor loaded (0: none
        was): a term redefined or retired since is refused, with both wordings.
        """
        cleaned = clean_name(term, "a term")
        check_text(body, "a definition")
        with self._db.write() as s:
            latest = self._latest(s, cleaned)
            if latest is not None and not latest.retired and latest.body == body:
                return _view(latest)
            _check_revision(latest, expected_revision, {"body": body})
            row = m.Definition(
                term=cleaned,
                term_key=name_key(cleaned),
                body=body,
                revision=(current_revision(s) or 0) + 1,
                author=ensure_person(s, by) if by else None,
            )
            s.add(row)
            s.flush()
            return _view(row)

    def retire(
        self, term: str, by: str | None = None, *, expected_revision: int | None = None
    ) -> v.DefinitionView:
        """Stop using a term from the next revision on (old grades still show it)."""
        with self._db.write() as s:
            latest = self._latest(s, term)
            if latest is None or latest.retired:
                raise UserError(f"no definition of {term!r} in force")
            _check_revision(latest, expected_revision, {"retired": True})
            row = m.Definition(
                term=latest.term,
                term_key=latest.term_key,
                body=latest.body,
                revision=(current_revision(s) or 0) + 1,
                retired=True,
                author=ensure_person(s, by) if by else None,
            )
            s.add(row)
            s.flush()
            return _view(row)

    @staticmethod
    def _latest(s: Session, term: str) -> m.Definition | None:
        return s.scalars(
            select(m.Definition)
            .where(m.Definition.term_key == name_key(term))
            .order_by(m.Definition.revision.desc())
            .limit(1)
        ).first()

    @staticmethod
    def _at(s: Session, revision: int | None) -> tuple[v.DefinitionView, ...]:
        if revision is None:
            return ()
        newest = (
            select(m.Definition.term_key, func.max(m.Definition.revision).label("revision"))
            .where(m.Definition.revision <= revision)
            .group_by(m.Definition.term_key)
            .subquery()
        )
        rows = s.scalars(
            select(m.Definition)
            .join(
                newest,
                (newest.c.term_key == m.Definition.term_key)
                & (newest.c.revision == m.Definition.revision),
            )
            .where(m.Definition.retired.is_(False))
            .order_by(m.Definition.term_key)
            .options(selectinload(m.Definition.author))
        )
        return tuple(_view(r) for r in rows)
