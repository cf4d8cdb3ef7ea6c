"""Alignment: how often reps confirm, correct or dispute what marketers noted.

The closed loop between the two teams as numbers that should rise month by month: per
kind of note and per marketer–rep pair (the call's marketer and rep), the share of
reviewed notes the rep confirmed as filed (the agreement rate) and Cohen's kappa.

Counting follows the insights (`desktop.services.insights`): calls started in the
period (local days), the same filters (`desktop.services.periods`), trashed notes and
calls left out; a note's standing is its latest verdict. Everything is counted in SQL,
grouped by pair, kind and standing; kappa is arithmetic over those few counts.

Kappa: each reviewed note is taken as rated twice. The marketer filed it under a kind;
the rep either confirmed it as filed (the same rating) or did not (corrected or
disputed: a different one). Kappa = (p_o - p_e) / (1 - p_e), where p_o is the
agreement rate and p_e the agreement expected by chance from the two sides' mixes of
ratings (sum over kinds of the share filed under the kind times the share confirmed
under it). 1 is full agreement; 0 is what chance alone would give. It is only given
from `MIN_REVIEWS_FOR_KAPPA` reviewed notes on, below which it swings too much.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Final

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import aliased

from desktop.domain import NoteKind, ReviewStatus
from desktop.services.base import Service
from desktop.services.calls import day_end, day_start
from desktop.services.periods import InsightFilters, Period, filter_conditions
from desktop.storage import models as m

MIN_REVIEWS_FOR_KAPPA: Final = 20

_marketer = aliased(m.Person)
_rep = aliased(m.Person)


@dataclass(frozen=True, slots=True)
class VerdictCounts:
    """Live notes and the latest verdicts on them."""

    notes: int = 0
    confirmed: int = 0
    corrected: int = 0
    disputed: int = 0

    @property
    def reviewed(self) -> int:
        return self.confirmed + self.corrected + self.disputed

    @property
    def unreviewed(self) -> int:
        return self.notes - self.reviewed

    @property
    def agreement(self) -> float | None:
        """Confirmed as filed, of the reviewed notes."""
        return self.confirmed / self.reviewed if self.reviewed else None

    def __add__(self, other: VerdictCounts) -> VerdictCounts:
        return VerdictCounts(
            self.notes + other.notes,
            self.confirmed + other.confirmed,
            self.corrected + other.corrected,
            self.disputed + other.disputed,
        )


@dataclass(frozen=True, slots=True)
class KindAlignment:
    kind: NoteKind
    counts: VerdictCounts


@dataclass(frozen=True, slots=True)
class PairAlignment:
    marketer: str | None
    rep: str | None
    calls: int
    counts: VerdictCounts
    kappa: float | None  # None below MIN_REVIEWS_FOR_KAPPA reviewed notes


@dataclass(frozen=True, slots=True)
class Alignment:
    period: Period
    filters: InsightFilters
    counts: VerdictCounts
    kappa: float | None
    previous: VerdictCounts
    by_kind: tuple[KindAlignment, ...]
    by_pair: tuple[PairAlignment, ...]


def kappa(by_kind: dict[NoteKind, VerdictCounts]) -> float | None:
    """Cohen's kappa of the marketer's filing against the rep's confirmation (see the
    module docstring); None with too few reviews or when chance explains everything."""
    reviewed = sum(c.reviewed for c in by_kind.values())
    if reviewed < MIN_REVIEWS_FOR_KAPPA:
        return None
    observed = sum(c.confirmed for c in by_kind.values()) / reviewed
    expected = sum((c.reviewed / reviewed) * (c.confirmed / reviewed) for c in by_kind.values())
    if expected >= 1:
        return None
    return (observed - expected) / (1 - expected)


def _counts(statuses: dict[str, int]) -> VerdictCounts:
    return VerdictCounts(
        notes=sum(statuses.values()),
        confirmed=statuses.get(ReviewStatus.CONFIRMED, 0),
        corrected=statuses.get(ReviewStatus.CORRECTED, 0),
        disputed=statuses.get(ReviewStatus.DISPUTED, 0),
    )


class AlignmentService(Service):
    def compute(self, period: Period, filters: InsightFilters | None = None) -> Alignment:
        """Agreement per kind and per marketer–rep pair in the period, and the overall
        counts of the period before (`Period.previous`) for the change."""
        filters = filters or InsightFilters()
        previous = period.previous()
        conditions = [m.Call.deleted_at.is_(None), *filter_conditions(filters)]
        current = m.Call.started_at >= day_start(period.start)
        stmt = (
            select(
                current.label("in_period"),
                _marketer.name.label("marketer"),
                _rep.name.label("rep"),
                m.Note.kind.label("kind"),
                m.Note.review_status.label("status"),
                func.count(m.Note.id).label("notes"),
            )
            .select_from(m.Note)
            .join(m.Call, m.Call.id == m.Note.call_id)
            .outerjoin(_marketer, _marketer.id == m.Call.marketer_id)
            .outerjoin(_rep, _rep.id == m.Call.rep_id)
            .where(
                m.Note.deleted_at.is_(None),
                *conditions,
                m.Call.started_at >= day_start(previous.start),
                m.Call.started_at < day_end(period.end),
            )
            .group_by(current, _marketer.name, _rep.name, m.Note.kind, m.Note.review_status)
        )
        calls_stmt = (
            select(_marketer.name, _rep.name, func.count(distinct(m.Call.id)))
            .select_from(m.Call)
            .join(m.Note, m.Note.call_id == m.Call.id)
            .outerjoin(_marketer, _marketer.id == m.Call.marketer_id)
            .outerjoin(_rep, _rep.id == m.Call.rep_id)
            .where(
                m.Note.deleted_at.is_(None),
                *conditions,
                current,
                m.Call.started_at < day_end(period.end),
            )
            .group_by(_marketer.name, _rep.name)
        )
        with self._db.read() as s:
            rows = s.execute(stmt).all()
            pair_calls: dict[tuple[str | None, str | None], int] = {
                (mk, rp): n for mk, rp, n in s.execute(calls_stmt)
            }
        now: dict[tuple[str | None, str | None], dict[NoteKind, dict[str, int]]] = defaultdict(
            lambda: defaultdict(lambda: defaultdict(int))
        )
        before: dict[str, int] = defaultdict(int)
        for row in rows:
            if row.in_period:
                now[(row.marketer, row.rep)][NoteKind(row.kind)][row.status] += row.notes
            else:
                before[row.status] += row.notes
        kinds: dict[NoteKind, VerdictCounts] = defaultdict(VerdictCounts)
        pairs = []
        for (marketer, rep), per_kind in now.items():
            counted = {kind: _counts(statuses) for kind, statuses in per_kind.items()}
            for kind, counts in counted.items():
                kinds[kind] = kinds[kind] + counts
            pairs.append(
                PairAlignment(
                    marketer=marketer,
                    rep=rep,
                    calls=pair_calls.get((marketer, rep), 0),
                    counts=sum(counted.values(), VerdictCounts()),
                    kappa=kappa(counted),
                )
            )
        pairs.sort(key=lambda p: (-p.counts.reviewed, p.marketer or "", p.rep or ""))
        order = list(NoteKind)
        return Alignment(
            period=period,
            filters=filters,
            counts=sum(kinds.values(), VerdictCounts()),
            kappa=kappa(kinds),
            previous=_counts(before),
            by_kind=tuple(
                KindAlignment(k, kinds[k]) for k in sorted(kinds, key=lambda k: order.index(k))
            ),
            by_pair=tuple(pairs),
        )
