"""What a report covers: a period of local days and the filters that narrow its calls.

The insights, the alignment and the trends all count "the live calls started in the
period that match the filters", so the meaning of a filter lives here once: as words
for a report's cover (`InsightFilters.describe`) and as SQL (`filter_conditions`); and
which notes count towards anything, once too (`counted_notes`); and how a period's
notes reach their tags (`note_tag_of_note`).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Final

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from desktop.domain import ReviewStatus
from desktop.errors import UserError
from desktop.services.base import check_storable, name_key
from desktop.storage import models as m

_MONTH: Final = re.compile(r"\s*(\d{4})-(\d{1,2})\s*")


@dataclass(frozen=True, slots=True)
class Period:
    """Calendar days, both ends included, in local time."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise UserError(f"the period ends ({self.end}) before it starts ({self.start})")

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        if not 1 <= month <= 12:
            raise UserError(f"there is no month {month}")
        if not 1 <= year <= 9998:
            raise UserError(f"there is no year {year} to report on")
        last = calendar.monthrange(year, month)[1]
        return cls(date(year, month, 1), date(year, month, last))

    @classmethod
    def parse_month(cls, text: str) -> Period:
        """`2024-03` as typed on a command line."""
        match = _MONTH.fullmatch(text)
        if match is None:
            raise UserError(f"{text!r} is not a month (use YYYY-MM, e.g. 2024-03)")
        return cls.month(int(match.group(1)), int(match.group(2)))

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def is_month(self) -> bool:
        return (
            self.start.day == 1
            and self.start.month == self.end.month
            and self.start.year == self.end.year
            and (self.end + timedelta(days=1)).day == 1
        )

    @property
    def label(self) -> str:
        if self.is_month:
            return self.start.strftime("%B %Y")
        return f"{self.start.isoformat()} to {self.end.isoformat()}"

    def previous(self) -> Period:
        """What a report compares with: the calendar month before a month (so November
        is compared with the whole of October, as October's own report counts it), else
        the same number of days immediately before."""
        if self.is_month:
            if self.start.year == 1 and self.start.month == 1:
                raise UserError(
                    f"{self.label} has no month before it to compare with "
                    "(the calendar starts in year 1)"
                )
            before = self.start - timedelta(days=1)
            return Period.month(before.year, before.month)
        if self.start.toordinal() - self.days < date.min.toordinal():
            raise UserError(
                f"the period {self.start.isoformat()} to {self.end.isoformat()} has no "
                f"{self.days:,} days before it to compare with (the calendar starts in year 1)"
            )
        return Period(self.start - timedelta(days=self.days), self.start - timedelta(days=1))

    @property
    def versus(self) -> str:
        """The previous period as a comparison reads: "vs October 2026"."""
        return f"vs {self.previous().label}"


@dataclass(frozen=True, slots=True)
class InsightFilters:
    """What the insights can be narrowed to; blank means no filter. Names are compared
    the way people are told apart elsewhere (case and spacing do not matter)."""

    segment: str | None = None
    industry: str | None = None
    rep: str | None = None
    marketer: str | None = None
    account: str | None = None

    def __post_init__(self) -> None:
        for what, value in self.active:
            check_storable(value, f"the {what} filter")

    @property
    def active(self) -> tuple[tuple[str, str], ...]:
        """(what, value) for each filter set, for a report's cover."""
        pairs = (
            ("segment", self.segment),
            ("industry", self.industry),
            ("rep", self.rep),
            ("marketer", self.marketer),
            ("account", self.account),
        )
        return tuple((what, value.strip()) for what, value in pairs if value and value.strip())

    def describe(self) -> str:
        return "; ".join(f"{what}: {value}" for what, value in self.active) or "all calls"


def filter_conditions(filters: InsightFilters) -> list[ColumnElement[bool]]:
    """The filters as conditions on `Call`, for any query that selects from calls.

    Every report counts the same calls for the same filters because they all take their
    conditions from here. A rep or marketer is matched by name key, an account by name
    key, a segment or industry case-insensitively; account conditions are combined into
    one subquery. Trashed calls and the period are the caller's conditions.
    """
    found: list[ColumnElement[bool]] = []
    account: list[ColumnElement[bool]] = []
    for what, value in filters.active:
        if what in ("rep", "marketer"):
            column = m.Call.rep_id if what == "rep" else m.Call.marketer_id
            found.append(
                column.in_(select(m.Person.id).where(m.Person.name_key == name_key(value)))
            )
        elif what == "account":
            account.append(m.Account.name_key == name_key(value))
        else:
            attr = m.Account.segment if what == "segment" else m.Account.industry
            account.append(func.lower(func.trim(attr)) == value.lower())
    if account:
        found.append(m.Call.account_id.in_(select(m.Account.id).where(*account)))
    return found


def counted_notes() -> list[ColumnElement[bool]]:
    """The notes a report counts: not in the trash and not disputed by the rep.

    A note the rep disputed is the marketer's mishearing as far as the company knows, so
    it counts towards no theme, count, intensity, phrase, competitor or quote; only the
    alignment, whose subject is the disagreement, reads it. Every report query that
    reads notes takes its conditions from here.
    """
    return [m.Note.deleted_at.is_(None), m.Note.review_status != ReviewStatus.DISPUTED]


class _Unindexed(FunctionElement[Any]):
    """A column that SQLite may not look rows up by (`+column`, SQLite's documented way
    to keep a term from using an index); the column itself elsewhere."""

    inherit_cache = True
    name = "unindexed"

    def __init__(self, column: ColumnElement[Any] | InstrumentedAttribute[Any]) -> None:
        super().__init__(column)
        self.type = column.type


@compiles(_Unindexed)
def _as_column(element: _Unindexed, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.clauses, **kw)


@compiles(_Unindexed, "sqlite")
def _as_unindexed(element: _Unindexed, compiler: SQLCompiler, **kw: Any) -> str:
    return "+" + compiler.process(element.clauses, **kw)


def note_tag_of_note() -> ColumnElement[bool]:
    """A note's tag rows, found from the note (never a note found from a tag row).

    With this and `tag_of_note_tag` a query reads only its period's rows: calls by start
    time, their notes, the notes' tag rows, the tags. There are a dozen tags and a
    million tag rows: with sampled statistics (or none) SQLite would start from the tags
    and read every tag row of every date, seconds per query of a month's report at a
    million notes.
    """
    return m.note_tags.c.note_id == _Unindexed(m.Note.id)


def tag_of_note_tag() -> ColumnElement[bool]:
    """A tag row's tag, found from the row (never the rows found from a tag)."""
    return m.Tag.id == _Unindexed(m.note_tags.c.tag_id)
