"""Qualification frameworks (BANT, MEDDICC, CHAMP, the team's own) and where each call
stands on their criteria."""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from desktop import shipped
from desktop.domain import CriterionStatus, NoteKind
from desktop.errors import UserError
from desktop.services import values as v
from desktop.services.base import (
    Service,
    clean_name,
    criterion_view,
    ensure_person,
    framework_view,
    get_live,
    name_key,
    person_view,
)
from desktop.services.calls import find_framework
from desktop.services.notes import check_text
from desktop.storage import models as m

_STATUS_CYCLE = (
    CriterionStatus.OPEN,
    CriterionStatus.ASKED,
    CriterionStatus.ANSWERED,
    CriterionStatus.DISQUALIFYING,
)


def slug(name: str) -> str:
    return re.sub(r"[^\w]+", "-", name_key(name)).strip("-") or "framework"


@dataclass(frozen=True, slots=True)
class Gaps:
    """Why a grade may be premature: criteria never asked, and asked but not answered."""

    never_asked: tuple[v.CriterionView, ...]
    unanswered: tuple[v.CriterionView, ...]

    @property
    def any(self) -> bool:
        return bool(self.never_asked or self.unanswered)


class FrameworkService(Service):
    def ensure_builtin(self) -> None:
        """Add the shipped frameworks a database does not have yet."""
        with self._db.read() as s:
            have = set(s.scalars(select(m.Framework.key)))
        builtin = [shipped.read_json("frameworks", n) for n in shipped.names("frameworks", ".json")]
        missing = [f for f in builtin if f["key"] not in have]
        if not missing:
            return
        with self._db.write() as s:
            have = set(s.scalars(select(m.Framework.key)))
            for data in missing:
                if data["key"] in have:
                    continue
                framework = m.Framework(
                    key=data["key"],
                    name=data["name"],
                    description=data["description"],
                    builtin=True,
                )
                s.add(framework)
                for position, c in enumerate(data["criteria"]):
                    s.add(
                        m.Criterion(
                            framework=framework,
                            key=c["key"],
                            name=c["name"],
                            question=c["question"],
                            position=position,
                        )
                    )

    def list(self) -> tuple[v.FrameworkView, ...]:
        with self._db.read() as s:
            rows = s.scalars(
                select(m.Framework)
                .order_by(m.Framework.builtin.desc(), m.Framework.name)
                .options(selectinload(m.Framework.criteria))
            )
            return tuple(framework_view(f) for f in rows)

    def get(self, name: str) -> v.FrameworkView:
        with self._db.read() as s:
            return framework_view(find_framework(s, name))

    def create(
        self, name: str, criteria: Sequence[tuple[str, str]], description: str = ""
    ) -> v.FrameworkView:
        """A custom framework: each criterion is (name, the question that finds it out)."""
        cleaned = clean_name(name, "a framework name")
        if not criteria:
            raise UserError("a framework needs at least one criterion")
        with self._db.write() as s:
            key = slug(cleaned)
            clash = s.scalars(
                select(m.Framework).where(
                    or_(m.Framework.key == key, func.lower(m.Framework.name) == name_key(cleaned))
                )
            ).first()
            if clash is not None:
                raise UserError(f"a framework named {clash.name!r} already exists")
            framework = m.Framework(key=key, name=cleaned, description=description.strip())
            s.add(framework)
            seen: set[str] = set()
            for position, (crit_name, question) in enumerate(criteria):
                crit_clean = clean_name(crit_name, "a criterion name")
                crit_key = slug(crit_clean)
                if crit_key in seen:
                    raise UserError(f"criterion {crit_clean!r} appears twice")
                seen.add(crit_key)
                s.add(
                    m.Criterion(
                        framework=framework,
                        key=crit_key,
                        name=crit_clean,
                        question=question.strip() or crit_clean,
                        position=position,
                    )
                )
            s.flush()
            s.refresh(framework, ["criteria"])
            return framework_view(framework)


class QualificationService(Service):
    def checklist(self, call_id: uuid.UUID) -> tuple[v.CriterionAnswerView, ...]:
        """Every criterion of the call's framework, with its status on this call."""
        with self._db.read() as s:
            call = get_live(s, m.Call, call_id, "call")
            return self._checklist(s, call)

    def set_status(
        self,
        call_id: uuid.UUID,
        criterion: str,
        status: CriterionStatus,
        *,
        answer: str | None = None,
        by: str | None = None,
    ) -> v.CriterionAnswerView:
        """Record where the call stands on one criterion (by key, name or id); an empty
        `answer` clears the one recorded, None keeps it."""
        if answer is not None and answer.strip():
            check_text(answer, "the answer")
        with self._db.write() as s:
            call = get_live(s, m.Call, call_id, "call")
            row = self._answer_row(s, call, criterion)
            row.status = status
            if answer is not None:
                row.answer = answer.strip() or None
            if by:
                row.updated_by_id = ensure_person(s, by).id
            s.flush()
            return self._answer_view(s, row)

    def cycle(
        self, call_id: uuid.UUID, criterion: str, by: str | None = None
    ) -> v.CriterionAnswerView:
        """Move a criterion to its next status (unknown, asked, answered, disqualifying)."""
        with self._db.read() as s:
            call = get_live(s, m.Call, call_id, "call")
            current = self._criterion(s, call, criterion)
            status = s.scalar(
                select(m.CriterionAnswer.status).where(
                    m.CriterionAnswer.call_id == call.id,
                    m.CriterionAnswer.criterion_id == current.id,
                )
            )
        now = status or CriterionStatus.OPEN
        following = _STATUS_CYCLE[(_STATUS_CYCLE.index(now) + 1) % len(_STATUS_CYCLE)]
        return self.set_status(call_id, str(current.id), following, by=by)

    def link_note(
        self, note_id: uuid.UUID, criterion: str, by: str | None = None
    ) -> v.CriterionAnswerView:
        """Take a question note as evidence for a criterion of its call's framework.

        The criterion becomes answered when the note records an answer, else asked (unless
        it already stood further along).
        """
        with self._db.write() as s:
            note = get_live(s, m.Note, note_id, "note")
            if note.kind is not NoteKind.QUESTION:
                raise UserError("only a question can be linked to a qualification criterion")
            call = get_live(s, m.Call, note.call_id, "call")
            row = self._answer_row(s, call, criterion)
            note.criterion_id = row.criterion_id
            if note not in row.notes:
                row.notes.append(note)
            reached = CriterionStatus.ANSWERED if note.answer else CriterionStatus.ASKED
            if _STATUS_CYCLE.index(row.status) < _STATUS_CYCLE.index(reached):
                row.status = reached
            if note.answer and not row.answer:
                row.answer = note.answer
            if by:
                row.updated_by_id = ensure_person(s, by).id
            s.flush()
            return self._answer_view(s, row)

    def gaps(self, call_id: uuid.UUID) -> Gaps:
        items = self.checklist(call_id)
        return Gaps(
            never_asked=tuple(i.criterion for i in items if i.status is CriterionStatus.OPEN),
            unanswered=tuple(i.criterion for i in items if i.status is CriterionStatus.ASKED),
        )

    # -- helpers ---------------------------------------------------------------------

    @staticmethod
    def _criterion(s: Session, call: m.Call, criterion: str) -> m.Criterion:
        if call.framework_id is None:
            raise UserError("this call has no qualification framework")
        criteria = s.scalars(
            select(m.Criterion).where(m.Criterion.framework_id == call.framework_id)
        ).all()
        wanted = name_key(criterion)
        for c in criteria:
            if wanted in (str(c.id), c.key, name_key(c.name)):
                return c
        names = ", ".join(c.key for c in criteria)
        raise UserError(
            f"no criterion {criterion!r} in this call's framework (choose from {names})"
        )

    def _answer_row(self, s: Session, call: m.Call, criterion: str) -> m.CriterionAnswer:
        crit = self._criterion(s, call, criterion)
        row = s.scalars(
            select(m.CriterionAnswer).where(
                m.CriterionAnswer.call_id == call.id, m.CriterionAnswer.criterion_id == crit.id
            )
        ).first()
        if row is None:
            row = m.CriterionAnswer(
                call_id=call.id, criterion_id=crit.id, status=CriterionStatus.OPEN
            )
            s.add(row)
            s.flush()
        return row

    @staticmethod
    def _answer_view(s: Session, row: m.CriterionAnswer) -> v.CriterionAnswerView:
        criterion = s.get(m.Criterion, row.criterion_id)
        assert criterion is not None
        return v.CriterionAnswerView(
            criterion=criterion_view(criterion),
            status=row.status,
            answer=row.answer,
            note_ids=tuple(
                n.id
                for n in sorted(row.notes, key=lambda n: (n.offset_ms, n.created_at, str(n.id)))
                if n.deleted_at is None
            ),
            updated_by=person_view(s.get(m.Person, row.updated_by_id))
            if row.updated_by_id
            else None,
            updated_at=row.updated_at,
        )

    def _checklist(self, s: Session, call: m.Call) -> tuple[v.CriterionAnswerView, ...]:
        if call.framework_id is None:
            return ()
        criteria = s.scalars(
            select(m.Criterion)
            .where(m.Criterion.framework_id == call.framework_id)
            .order_by(m.Criterion.position)
        ).all()
        rows = {
            r.criterion_id: r
            for r in s.scalars(
                select(m.CriterionAnswer)
                .where(m.CriterionAnswer.call_id == call.id)
                .options(selectinload(m.CriterionAnswer.notes))
            )
        }
        result = []
        for criterion in criteria:
            row = rows.get(criterion.id)
            if row is None:
                result.append(
                    v.CriterionAnswerView(
                        criterion=criterion_view(criterion),
                        status=CriterionStatus.OPEN,
                        answer=None,
                        note_ids=(),
                        updated_by=None,
                        updated_at=None,
                    )
                )
            else:
                result.append(self._answer_view(s, row))
        return tuple(result)
