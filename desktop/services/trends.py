"""Trends: the months (or periods) leading up to a report's period, for its line charts.

Calls and the calls raising chosen themes (counted notes only), per period, counted
in SQL in two grouped queries whatever the number of periods: each call falls
in a bucket by a CASE over the periods' local boundaries, which reads the same on
SQLite and PostgreSQL. Counting follows the insights (filters, trash,
distinct calls).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Row, case, distinct, func, select, tuple_

from desktop.domain import NoteKind
from desktop.errors import UserError
from desktop.services.base import Service
from desktop.services.calls import day_end, day_start
from desktop.services.periods import (
    InsightFilters,
    Period,
    counted_notes,
    filter_conditions,
    note_tag_of_note,
    tag_of_note_tag,
)
from desktop.storage import models as m


@dataclass(frozen=True, slots=True)
class TrendPoint:
    period: Period
    calls: int
    themes: tuple[tuple[NoteKind, str, int], ...]  # (kind, theme, calls)

    @property
    def label(self) -> str:
        return (
            self.period.start.strftime("%b %Y")
            if self.period.is_month
            else (f"{self.period.start:%d %b}")
        )

    def theme_calls(self, kind: NoteKind, name: str) -> int:
        return next((n for k, t, n in self.themes if k is kind and t == name), 0)


def periods_before(period: Period, count: int) -> tuple[Period, ...]:
    """`count` periods ending with `period`, oldest first, each the one its successor's
    report compares with (`Period.previous`): calendar months for a month, else periods
    of the same length back to back; fewer when the calendar starts sooner."""
    found = [period]
    while len(found) < count:
        try:
            found.insert(0, found[0].previous())
        except UserError:  # year 1: nothing before it
            break
    return tuple(found)


class TrendService(Service):
    def series(
        self,
        period: Period,
        filters: InsightFilters | None = None,
        *,
        count: int = 6,
        themes: Sequence[tuple[NoteKind, str]] = (),
    ) -> tuple[TrendPoint, ...]:
        """One point per period, oldest first, ending with `period`; the periods before
        the first call matching the filters are left out (a line at zero there would say
        nothing was heard when nothing was logged)."""
        filters = filters or InsightFilters()
        periods = periods_before(period, count)
        bucket = case(
            *((m.Call.started_at < day_end(p.end), i) for i, p in enumerate(periods)),
            else_=-1,
        )
        where: list[ColumnElement[bool]] = [
            m.Call.deleted_at.is_(None),
            *filter_conditions(filters),
            m.Call.started_at >= day_start(periods[0].start),
            m.Call.started_at < day_end(periods[-1].end),
        ]
        calls_stmt = select(bucket, func.count(m.Call.id)).where(*where).group_by(bucket)
        theme_rows: Sequence[Row[int, str, str, int]] = ()
        with self._db.read(snapshot=True) as s:
            calls = {b: n for b, n in s.execute(calls_stmt)}
            if themes:
                wanted = [(k.value, name) for k, name in themes]
                theme_stmt = (
                    select(bucket, m.Note.kind, m.Tag.name, func.count(distinct(m.Call.id)))
                    .select_from(m.Note)
                    .join(m.note_tags, note_tag_of_note())
                    .join(m.Tag, tag_of_note_tag())
                    .join(m.Call, m.Call.id == m.Note.call_id)
                    .where(
                        *counted_notes(),
                        *where,
                        tuple_(m.Note.kind, m.Tag.name).in_(wanted),
                    )
                    .group_by(bucket, m.Note.kind, m.Tag.name)
                )
                theme_rows = s.execute(theme_stmt).all()
        per_bucket: dict[int, list[tuple[NoteKind, str, int]]] = {}
        for b, kind, name, n in theme_rows:
            per_bucket.setdefault(b, []).append((NoteKind(kind), name, n))
        points = []
        for i, p in enumerate(periods):
            points.append(
                TrendPoint(
                    period=p,
                    calls=calls.get(i, 0),
                    themes=tuple(sorted(per_bucket.get(i, []), key=lambda t: (t[0], t[1]))),
                )
            )
        while len(points) > 1 and points[0].calls == 0:
            points.pop(0)
        return tuple(points)
