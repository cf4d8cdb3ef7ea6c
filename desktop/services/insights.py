"""Insights: what a period of ride-alongs adds up to, for the screen and the monthly PDF.

Every number is counted in SQL (group by, count distinct) over the calls started in the
period (local dates, inclusive), in one read transaction of a dozen queries whatever the
number of notes or themes; evidence comes from windowed queries (`row_number() over
(partition by theme ...)`). Only the period's untagged pains and objections (at most
`MAX_UNTAGGED` per kind) and a sample of each theme's notes (at most `SAMPLE_PER_THEME`)
are read into Python, for the theme suggestions (`desktop.services.themes`) and the
recurring phrases. Competitor mentions are ranked like themes but get no suggestions.

Conventions, which the report's appendix can print (`RANKING_RULES`):
- Trashed notes and calls never count. Counts are distinct calls ("k of n calls"), with
  distinct accounts and raw notes beside them.
- A theme is a tag on a note. Every live note counts towards its themes, disputed or not;
  a disputed note is never shown as evidence. Evidence prefers confirmed notes, then
  corrected, then unreviewed; then one note per call before a second from the same call;
  then quote-worthy or case-study notes; then intensity; then the newest call.
- Themes rank by distinct calls, then mean intensity, then notes, then name.
- Qualification coverage: a criterion whose status is answered or disqualifying was
  asked too, and a disqualifying answer is an answer (asked >= answered >=
  disqualifying). "Confirmed" means the rep confirmed a question note linked to it.
- The previous period is the same number of days immediately before.
"""

from __future__ import annotations

import calendar
import re
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Final

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    case,
    distinct,
    exists,
    func,
    or_,
    select,
)
from sqlalchemy.orm import Session, aliased

from desktop.domain import CriterionStatus, Grade, NoteKind, Outcome, ReviewStatus, Verdict
from desktop.errors import UserError
from desktop.progress import CancelToken, Progress, no_progress
from desktop.services import themes
from desktop.services.base import Service, name_key
from desktop.services.calls import day_end, day_start
from desktop.storage import models as m

#: Evidence notes per theme (the counts always include every note).
EVIDENCE_PER_THEME: Final = 5
#: Rep responses shown per objection theme.
RESPONSES_PER_THEME: Final = 5
#: Notes per theme read for its centroid and its recurring phrases.
SAMPLE_PER_THEME: Final = 200
#: Untagged notes per kind considered for theme suggestions (the newest calls first).
MAX_UNTAGGED: Final = 5000
#: Notes in the quote bank.
QUOTE_BANK_SIZE: Final = 50
#: Recurring phrases per theme ("in their words").
PHRASES_PER_THEME: Final = 8

RANKING_RULES: Final = (
    "Counts are distinct calls, not notes: a theme raised three times on one call counts "
    "once. Themes are ranked by the number of calls that raised them, then by mean "
    "intensity (1-5), then by number of notes. The previous period is the same number of "
    "days immediately before. Evidence quotes prefer notes the rep confirmed, then "
    "corrected, then not yet reviewed; a note the rep disputed is never quoted but still "
    "counts. Suggested groups gather untagged notes by their resemblance to a theme's "
    "notes (TF-IDF cosine similarity) or by a phrase they share across calls; they are "
    "not part of the counts."
)

_THEMED_KINDS: Final = (NoteKind.PAIN, NoteKind.OBJECTION, NoteKind.COMPETITOR)
_SUGGESTED_KINDS: Final = (NoteKind.PAIN, NoteKind.OBJECTION)
_MONTH = re.compile(r"\s*(\d{4})-(\d{1,2})\s*")


# -- values --------------------------------------------------------------------------


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
        """The same number of days, immediately before."""
        return Period(self.start - timedelta(days=self.days), self.start - timedelta(days=1))


@dataclass(frozen=True, slots=True)
class InsightFilters:
    """What the insights can be narrowed to; blank means no filter. Names are compared
    the way people are told apart elsewhere (case and spacing do not matter)."""

    segment: str | None = None
    industry: str | None = None
    rep: str | None = None
    marketer: str | None = None
    account: str | None = None

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


@dataclass(frozen=True, slots=True)
class Totals:
    calls: int
    accounts: int
    notes: int


@dataclass(frozen=True, slots=True)
class GradeMix:
    """Lead grades of a period's calls, and the definitions revisions they were given
    against (so a regenerated report can print the words in force then)."""

    mql: int
    sql: int
    unqualified: int
    ungraded: int
    revisions: tuple[int, ...]

    @property
    def graded(self) -> int:
        return self.mql + self.sql + self.unqualified

    @property
    def calls(self) -> int:
        return self.graded + self.ungraded

    def count(self, grade: Grade | None) -> int:
        """Calls with that grade (None: not graded)."""
        if grade is None:
            return self.ungraded
        return {Grade.MQL: self.mql, Grade.SQL: self.sql, Grade.UNQUALIFIED: self.unqualified}[
            grade
        ]


@dataclass(frozen=True, slots=True)
class Evidence:
    """A note shown as evidence, with what a reader needs to weigh and attribute it."""

    note_id: uuid.UUID
    call_id: uuid.UUID
    kind: NoteKind
    account: str
    industry: str | None
    segment: str | None
    contact: str | None  # the title (else deal role) when the call had exactly one contact
    rep: str | None
    text: str
    intensity: int | None
    review_status: ReviewStatus
    correction: str | None  # the rep's latest correction, when the note stands corrected
    response: str | None
    quote_worthy: bool
    case_study: bool
    offset_ms: int
    call_started_at: datetime
    call_grade: Grade | None

    @property
    def call_date(self) -> date:
        """The local date of the call."""
        return self.call_started_at.astimezone().date()


@dataclass(frozen=True, slots=True)
class SuggestedNote:
    """An untagged note that resembles a theme's notes; not part of its counts."""

    note: Evidence
    score: float
    basis: str


@dataclass(frozen=True, slots=True)
class SuggestedGroup:
    """Untagged notes from several calls that share a key phrase: a theme nobody tagged."""

    kind: NoteKind
    label: str
    basis: str
    calls: int
    accounts: int
    sql_calls: int
    notes: tuple[Evidence, ...]


@dataclass(frozen=True, slots=True)
class ThemeRank:
    """One theme (tag) of one kind in the period, with its evidence."""

    kind: NoteKind
    name: str
    calls: int
    accounts: int
    notes: int
    mean_intensity: float | None
    max_intensity: int | None
    previous_calls: int
    sql_calls: int  # calls raising it that were graded SQL
    responded_calls: int  # calls where the rep's response was noted
    won_accounts: int
    lost_accounts: int
    evidence: tuple[Evidence, ...]
    responses: tuple[Evidence, ...]  # notes with the rep's response (objections)
    phrases: tuple[themes.Phrase, ...]  # recurring phrases, counted in calls of the sample
    suggested: tuple[SuggestedNote, ...]

    @property
    def change(self) -> int:
        """Calls now minus calls in the previous period."""
        return self.calls - self.previous_calls

    @property
    def trend(self) -> str:
        """new, up, down or same: for an arrow."""
        if self.previous_calls == 0:
            return "new"
        return "up" if self.change > 0 else "down" if self.change < 0 else "same"

    @property
    def suggested_calls(self) -> int:
        return len({s.note.call_id for s in self.suggested})


@dataclass(frozen=True, slots=True)
class ThemeSection:
    """The ranked themes of one kind, and what became of its untagged notes."""

    kind: NoteKind
    themes: tuple[ThemeRank, ...]
    groups: tuple[SuggestedGroup, ...]
    untagged_notes: int
    untagged_calls: int
    ungrouped_notes: int  # untagged notes neither matched to a theme nor grouped
    capped: bool  # only the newest MAX_UNTAGGED untagged notes were considered

    def get(self, name: str) -> ThemeRank | None:
        return next((t for t in self.themes if t.name == name), None)


@dataclass(frozen=True, slots=True)
class CriterionCoverage:
    """How far the period's calls got on one criterion (counts are calls)."""

    key: str
    name: str
    question: str
    position: int
    calls: int  # calls using the framework
    asked: int  # asked, answered or disqualifying
    answered: int  # answered or disqualifying
    disqualifying: int
    confirmed: int  # a linked question note was confirmed by the rep
    answered_sql: int  # calls answering it that were graded SQL


@dataclass(frozen=True, slots=True)
class FrameworkCoverage:
    key: str
    name: str
    calls: int
    criteria: tuple[CriterionCoverage, ...]

    @property
    def mean_asked(self) -> float:
        """Criteria asked per call: compare with len(criteria) to spot a bloated framework."""
        return sum(c.asked for c in self.criteria) / self.calls if self.calls else 0.0

    @property
    def never_answered(self) -> tuple[CriterionCoverage, ...]:
        return tuple(c for c in self.criteria if c.answered == 0)


@dataclass(frozen=True, slots=True)
class QuoteBank:
    """Notes flagged quote-worthy or case-study candidate (never disputed ones)."""

    quotes: tuple[Evidence, ...]
    total: int


@dataclass(frozen=True, slots=True)
class Insights:
    period: Period
    previous_period: Period
    filters: InsightFilters
    generated_at: datetime
    totals: Totals
    previous_totals: Totals
    grades: GradeMix
    previous_grades: GradeMix
    pains: ThemeSection
    objections: ThemeSection
    competitors: ThemeSection
    coverage: tuple[FrameworkCoverage, ...]
    quote_bank: QuoteBank
    caveats: tuple[str, ...]

    def section(self, kind: NoteKind) -> ThemeSection:
        sections = {s.kind: s for s in (self.pains, self.objections, self.competitors)}
        if kind not in sections:
            raise UserError(f"no themes are ranked for {kind.value} notes")
        return sections[kind]


# -- the service ---------------------------------------------------------------------

_rep = aliased(m.Person)


@dataclass(frozen=True, slots=True)
class _Window:
    """The SQL conditions for a computation: the two periods and the filters."""

    current: ColumnElement[bool]  # a call started in the period (not the previous one)
    both: tuple[ColumnElement[bool], ...]  # live calls of either period, filtered
    now: tuple[ColumnElement[bool], ...]  # live calls of the period, filtered


class InsightsService(Service):
    def compute(
        self,
        period: Period,
        filters: InsightFilters | None = None,
        *,
        progress: Progress = no_progress,
        cancel: CancelToken | None = None,
    ) -> Insights:
        """Everything the insights view and the monthly PDF show, in one read."""
        filters = filters or InsightFilters()
        window = _window(period, filters)
        steps = 9 + len(_THEMED_KINDS)
        done = 0

        def step() -> None:
            nonlocal done
            if cancel is not None:
                cancel.raise_if_cancelled()
            done += 1
            progress(done, steps)

        with self._db.read(snapshot=True) as s:
            totals = _totals(s, window)
            step()
            grades = _grades(s, window)
            step()
            aggregates = _theme_aggregates(s, window)
            step()
            evidence = _evidence(s, window, EVIDENCE_PER_THEME)
            step()
            responses = _responses(s, window, RESPONSES_PER_THEME)
            step()
            samples = _samples(s, window, SAMPLE_PER_THEME)
            untagged_counts = _untagged_counts(s, window)
            step()
            untagged = _untagged(s, window, MAX_UNTAGGED)
            step()
            coverage = _coverage(s, window)
            step()
            quote_bank = _quote_bank(s, window, QUOTE_BANK_SIZE)
            step()
        sections = {}
        caveats = []
        for kind in _THEMED_KINDS:
            loaded = untagged.get(kind, [])
            capped = len(loaded) > MAX_UNTAGGED
            if capped:
                loaded = loaded[:MAX_UNTAGGED]
                caveats.append(
                    f"Suggestions for untagged {kind.value} notes considered only the "
                    f"{MAX_UNTAGGED:,} from the most recent calls."
                )
            sections[kind] = _section(
                kind,
                aggregates.get(kind, []),
                evidence,
                responses,
                samples,
                untagged_counts.get(kind, (0, 0)),
                loaded if kind in _SUGGESTED_KINDS else [],
                capped,
            )
            step()
        return Insights(
            period=period,
            previous_period=period.previous(),
            filters=filters,
            generated_at=self._now(),
            totals=totals[True],
            previous_totals=totals[False],
            grades=grades[True],
            previous_grades=grades[False],
            pains=sections[NoteKind.PAIN],
            objections=sections[NoteKind.OBJECTION],
            competitors=sections[NoteKind.COMPETITOR],
            coverage=coverage,
            quote_bank=quote_bank,
            caveats=tuple(caveats),
        )

    def month(self, year: int, month: int, filters: InsightFilters | None = None) -> Insights:
        """The insights of one calendar month."""
        return self.compute(Period.month(year, month), filters)


# -- conditions ----------------------------------------------------------------------


def _window(period: Period, filters: InsightFilters) -> _Window:
    previous = period.previous()
    start, end = day_start(period.start), day_end(period.end)
    conditions = [m.Call.deleted_at.is_(None), *_filter_conditions(filters)]
    return _Window(
        current=m.Call.started_at >= start,
        both=(
            *conditions,
            m.Call.started_at >= day_start(previous.start),
            m.Call.started_at < end,
        ),
        now=(*conditions, m.Call.started_at >= start, m.Call.started_at < end),
    )


def _filter_conditions(filters: InsightFilters) -> list[ColumnElement[bool]]:
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


def _live_note(*kinds: NoteKind) -> list[ColumnElement[bool]]:
    """Notes not in the trash, of those kinds.

    The kind is compared as `kind || ''` so that no planner reads the notes through the
    kind index: a period is found through its calls (by start time) and their notes (by
    call), and SQLite without statistics would otherwise read every note of the kind.
    """
    found: list[ColumnElement[bool]] = [m.Note.deleted_at.is_(None)]
    if kinds:
        found.append(m.Note.kind.concat("").in_([k.value for k in kinds]))
    return found


def _not_disputed() -> ColumnElement[bool]:
    return m.Note.review_status != ReviewStatus.DISPUTED.value


def _untagged_note() -> ColumnElement[bool]:
    return ~exists().where(m.note_tags.c.note_id == m.Note.id)


def _preference() -> ColumnElement[int]:
    """Confirmed, then corrected, then the rest (never disputed: filtered out)."""
    return case(
        (m.Note.review_status == ReviewStatus.CONFIRMED.value, 0),
        (m.Note.review_status == ReviewStatus.CORRECTED.value, 1),
        else_=2,
    )


def _flagged_last() -> ColumnElement[int]:
    return case((or_(m.Note.quote_worthy, m.Note.case_study), 0), else_=1)


def _when(condition: ColumnElement[bool], value: Any) -> Any:
    return case((condition, value))


def _tally(condition: ColumnElement[bool]) -> Any:
    """How many rows meet the condition."""
    return func.sum(case((condition, 1), else_=0))


# -- queries -------------------------------------------------------------------------


def _totals(s: Session, w: _Window) -> dict[bool, Totals]:
    stmt = (
        select(
            w.current,
            func.count(distinct(m.Call.id)),
            func.count(distinct(m.Call.account_id)),
            func.count(m.Note.id),
        )
        .select_from(m.Call)
        .outerjoin(m.Note, and_(m.Note.call_id == m.Call.id, m.Note.deleted_at.is_(None)))
        .where(*w.both)
        .group_by(w.current)
    )
    found = {
        bool(flag): Totals(calls, accounts, notes)
        for flag, calls, accounts, notes in s.execute(stmt)
    }
    return {flag: found.get(flag, Totals(0, 0, 0)) for flag in (True, False)}


def _grades(s: Session, w: _Window) -> dict[bool, GradeMix]:
    stmt = (
        select(w.current, m.Call.grade, m.Call.grade_definitions_revision, func.count())
        .where(*w.both)
        .group_by(w.current, m.Call.grade, m.Call.grade_definitions_revision)
    )
    counts: dict[bool, dict[str | None, int]] = {True: defaultdict(int), False: defaultdict(int)}
    revisions: dict[bool, set[int]] = {True: set(), False: set()}
    for flag, grade, revision, n in s.execute(stmt):
        counts[bool(flag)][grade] += n
        if grade is not None and revision is not None:
            revisions[bool(flag)].add(revision)
    return {
        flag: GradeMix(
            mql=counts[flag][Grade.MQL.value],
            sql=counts[flag][Grade.SQL.value],
            unqualified=counts[flag][Grade.UNQUALIFIED.value],
            ungraded=counts[flag][None],
            revisions=tuple(sorted(revisions[flag])),
        )
        for flag in (True, False)
    }


@dataclass(frozen=True, slots=True)
class _Aggregate:
    name: str
    calls: int
    accounts: int
    notes: int
    intensity_sum: int
    intensity_count: int
    max_intensity: int | None
    previous_calls: int
    sql_calls: int
    responded_calls: int
    won_accounts: int
    lost_accounts: int

    @property
    def mean_intensity(self) -> float | None:
        if not self.intensity_count:
            return None
        return round(self.intensity_sum / self.intensity_count, 2)


def _theme_aggregates(s: Session, w: _Window) -> dict[NoteKind, list[_Aggregate]]:
    now = w.current
    calls_now = func.count(distinct(_when(now, m.Note.call_id)))
    outcome = m.Account.outcome
    stmt = (
        select(
            m.Note.kind,
            m.Tag.name,
            calls_now,
            func.count(distinct(_when(now, m.Call.account_id))),
            func.count(_when(now, m.Note.id)),
            func.sum(_when(now, m.Note.intensity)),
            func.count(_when(now, m.Note.intensity)),
            func.max(_when(now, m.Note.intensity)),
            func.count(distinct(_when(~now, m.Note.call_id))),
            func.count(distinct(_when(and_(now, m.Call.grade == Grade.SQL.value), m.Call.id))),
            func.count(distinct(_when(and_(now, m.Note.response.is_not(None)), m.Call.id))),
            func.count(distinct(_when(and_(now, outcome == Outcome.WON.value), m.Account.id))),
            func.count(distinct(_when(and_(now, outcome == Outcome.LOST.value), m.Account.id))),
        )
        .select_from(m.Note)
        .join(m.note_tags, m.note_tags.c.note_id == m.Note.id)
        .join(m.Tag, m.Tag.id == m.note_tags.c.tag_id)
        .join(m.Call, m.Call.id == m.Note.call_id)
        .join(m.Account, m.Account.id == m.Call.account_id)
        .where(*_live_note(*_THEMED_KINDS), *w.both)
        .group_by(m.Note.kind, m.Tag.name)
        .having(calls_now > 0)
    )
    found: dict[NoteKind, list[_Aggregate]] = defaultdict(list)
    for kind, name, *numbers in s.execute(stmt):
        calls, accounts, notes, i_sum, i_count, i_max, prev, sql, responded, won, lost = numbers
        found[NoteKind(kind)].append(
            _Aggregate(
                name=name,
                calls=calls,
                accounts=accounts,
                notes=notes,
                intensity_sum=int(i_sum or 0),
                intensity_count=i_count,
                max_intensity=i_max,
                previous_calls=prev,
                sql_calls=sql,
                responded_calls=responded,
                won_accounts=won,
                lost_accounts=lost,
            )
        )
    return found


def _evidence_select(*leading: Any) -> Select[Any]:
    """The columns of an `Evidence`, after `leading` ones, from notes joined to their
    call, account and rep."""
    correction = (
        select(m.Annotation.correction)
        .where(
            m.Annotation.note_id == m.Note.id,
            m.Annotation.verdict == Verdict.CORRECTED.value,
            m.Annotation.deleted_at.is_(None),
        )
        .order_by(m.Annotation.created_at.desc(), m.Annotation.id.desc())
        .limit(1)
        .correlate(m.Note)
        .scalar_subquery()
    )
    contact = (
        select(
            case((func.count() == 1, func.max(func.coalesce(m.Contact.title, m.Contact.deal_role))))
        )
        .select_from(m.call_contacts)
        .join(m.Contact, m.Contact.id == m.call_contacts.c.contact_id)
        .where(m.call_contacts.c.call_id == m.Call.id)
        .correlate(m.Call)
        .scalar_subquery()
    )
    return (
        select(
            *leading,
            m.Note.id,
            m.Note.call_id,
            m.Note.kind,
            m.Account.name,
            m.Account.industry,
            m.Account.segment,
            contact,
            _rep.name,
            m.Note.text,
            m.Note.intensity,
            m.Note.review_status,
            correction,
            m.Note.response,
            m.Note.quote_worthy,
            m.Note.case_study,
            m.Note.offset_ms,
            m.Call.started_at,
            m.Call.grade,
        )
        .select_from(m.Note)
        .join(m.Call, m.Call.id == m.Note.call_id)
        .join(m.Account, m.Account.id == m.Call.account_id)
        .outerjoin(_rep, _rep.id == m.Call.rep_id)
    )


def _to_evidence(row: Sequence[Any]) -> Evidence:
    (
        note_id,
        call_id,
        kind,
        account,
        industry,
        segment,
        contact,
        rep,
        text,
        intensity,
        status,
        correction,
        response,
        quote_worthy,
        case_study,
        offset_ms,
        started_at,
        grade,
    ) = row
    return Evidence(
        note_id=note_id,
        call_id=call_id,
        kind=NoteKind(kind),
        account=account,
        industry=industry,
        segment=segment,
        contact=contact,
        rep=rep,
        text=text,
        intensity=intensity,
        review_status=ReviewStatus(status),
        correction=correction if status == ReviewStatus.CORRECTED.value else None,
        response=response,
        quote_worthy=bool(quote_worthy),
        case_study=bool(case_study),
        offset_ms=offset_ms,
        call_started_at=started_at,
        call_grade=Grade(grade) if grade else None,
    )


def _ranked_per_theme(
    w: _Window, kinds: Sequence[NoteKind], extra: Iterable[ColumnElement[bool]], cap: int
) -> Select[Any]:
    """Evidence rows of each (kind, tag), the preferred `cap` of each, one windowed query."""
    order = (
        _preference(),
        _flagged_last(),
        func.coalesce(m.Note.intensity, 0).desc(),
        m.Note.offset_ms,
        m.Note.id,
    )
    per_call = func.row_number().over(
        partition_by=(m.Note.kind, m.note_tags.c.tag_id, m.Note.call_id), order_by=order
    )
    inner = (
        select(
            m.Note.kind.label("kind"),
            m.Tag.name.label("tag"),
            m.Note.id.label("note_id"),
            _preference().label("preference"),
            per_call.label("per_call"),
            _flagged_last().label("flagged"),
            func.coalesce(m.Note.intensity, 0).label("strength"),
            m.Call.started_at.label("started_at"),
        )
        .select_from(m.Note)
        .join(m.note_tags, m.note_tags.c.note_id == m.Note.id)
        .join(m.Tag, m.Tag.id == m.note_tags.c.tag_id)
        .join(m.Call, m.Call.id == m.Note.call_id)
        .where(*_live_note(*kinds), _not_disputed(), *w.now, *extra)
        .subquery()
    )
    rank = func.row_number().over(
        partition_by=(inner.c.kind, inner.c.tag),
        order_by=(
            inner.c.preference,
            inner.c.per_call,
            inner.c.flagged,
            inner.c.strength.desc(),
            inner.c.started_at.desc(),
            inner.c.note_id,
        ),
    )
    ranked = select(inner.c.tag, inner.c.note_id, rank.label("rank")).subquery()
    return (
        _evidence_select(ranked.c.tag)
        .join(ranked, ranked.c.note_id == m.Note.id)
        .where(ranked.c.rank <= cap)
        .order_by(m.Note.kind, ranked.c.tag, ranked.c.rank)
    )


_ThemeKey = tuple[NoteKind, str]


def _grouped(s: Session, stmt: Select[Any]) -> dict[_ThemeKey, tuple[Evidence, ...]]:
    found: dict[_ThemeKey, list[Evidence]] = defaultdict(list)
    for tag, *rest in s.execute(stmt):
        item = _to_evidence(rest)
        found[(item.kind, tag)].append(item)
    return {key: tuple(items) for key, items in found.items()}


def _evidence(s: Session, w: _Window, cap: int) -> dict[_ThemeKey, tuple[Evidence, ...]]:
    return _grouped(s, _ranked_per_theme(w, _THEMED_KINDS, (), cap))


def _responses(s: Session, w: _Window, cap: int) -> dict[_ThemeKey, tuple[Evidence, ...]]:
    has_response = m.Note.response.is_not(None)
    return _grouped(s, _ranked_per_theme(w, (NoteKind.OBJECTION,), (has_response,), cap))


def _samples(s: Session, w: _Window, cap: int) -> dict[_ThemeKey, list[themes.Doc]]:
    """A sample of each theme's notes (not disputed), for centroids and phrases."""
    rank = func.row_number().over(
        partition_by=(m.Note.kind, m.note_tags.c.tag_id), order_by=m.Note.id
    )
    inner = (
        select(
            m.Note.kind.label("kind"),
            m.Tag.name.label("tag"),
            m.Note.id.label("note_id"),
            m.Note.call_id.label("call_id"),
            m.Note.text.label("text"),
            rank.label("rank"),
        )
        .select_from(m.Note)
        .join(m.note_tags, m.note_tags.c.note_id == m.Note.id)
        .join(m.Tag, m.Tag.id == m.note_tags.c.tag_id)
        .join(m.Call, m.Call.id == m.Note.call_id)
        .where(*_live_note(*_SUGGESTED_KINDS), _not_disputed(), *w.now)
        .subquery()
    )
    stmt = (
        select(inner.c.kind, inner.c.tag, inner.c.note_id, inner.c.call_id, inner.c.text)
        .where(inner.c.rank <= cap)
        .order_by(inner.c.kind, inner.c.tag, inner.c.note_id)
    )
    found: dict[_ThemeKey, list[themes.Doc]] = defaultdict(list)
    for kind, tag, note_id, call_id, text in s.execute(stmt):
        found[(NoteKind(kind), tag)].append(themes.Doc(note_id, call_id, text))
    return found


def _untagged_counts(s: Session, w: _Window) -> dict[NoteKind, tuple[int, int]]:
    stmt = (
        select(m.Note.kind, func.count(m.Note.id), func.count(distinct(m.Note.call_id)))
        .select_from(m.Note)
        .join(m.Call, m.Call.id == m.Note.call_id)
        .where(*_live_note(*_THEMED_KINDS), _untagged_note(), *w.now)
        .group_by(m.Note.kind)
    )
    return {NoteKind(kind): (notes, calls) for kind, notes, calls in s.execute(stmt)}


def _untagged(s: Session, w: _Window, cap: int) -> dict[NoteKind, list[Evidence]]:
    """The period's untagged pains and objections (not disputed), newest calls first,
    at most `cap` + 1 per kind so the caller can tell the list was cut."""
    rank = func.row_number().over(
        partition_by=m.Note.kind, order_by=(m.Call.started_at.desc(), m.Note.id)
    )
    inner = (
        select(m.Note.id.label("note_id"), rank.label("rank"))
        .select_from(m.Note)
        .join(m.Call, m.Call.id == m.Note.call_id)
        .where(*_live_note(*_SUGGESTED_KINDS), _not_disputed(), _untagged_note(), *w.now)
        .subquery()
    )
    stmt = (
        _evidence_select()
        .join(inner, inner.c.note_id == m.Note.id)
        .where(inner.c.rank <= cap + 1)
        .order_by(m.Note.kind, inner.c.rank)
    )
    found: dict[NoteKind, list[Evidence]] = defaultdict(list)
    for row in s.execute(stmt):
        item = _to_evidence(row)
        found[item.kind].append(item)
    return found


def _coverage(s: Session, w: _Window) -> tuple[FrameworkCoverage, ...]:
    answer = m.CriterionAnswer
    asked = (
        CriterionStatus.ASKED.value,
        CriterionStatus.ANSWERED.value,
        CriterionStatus.DISQUALIFYING.value,
    )
    answered = asked[1:]
    # One row per (call, criterion): a call has at most one answer per criterion, so plain
    # sums count calls here, far cheaper than count(distinct) over a year of calls.
    status = answer.status
    stmt = (
        select(
            m.Framework.key,
            m.Framework.name,
            m.Criterion.id,
            m.Criterion.key,
            m.Criterion.name,
            m.Criterion.question,
            m.Criterion.position,
            func.count(),
            _tally(status.in_(asked)),
            _tally(status.in_(answered)),
            _tally(status == CriterionStatus.DISQUALIFYING.value),
            _tally(and_(status.in_(answered), m.Call.grade == Grade.SQL.value)),
        )
        .select_from(m.Call)
        .join(m.Framework, m.Framework.id == m.Call.framework_id)
        .join(m.Criterion, m.Criterion.framework_id == m.Framework.id)
        .outerjoin(answer, and_(answer.call_id == m.Call.id, answer.criterion_id == m.Criterion.id))
        .where(*w.now)
        .group_by(m.Framework.id, m.Criterion.id)
        .order_by(m.Framework.name, m.Framework.key, m.Criterion.position)
    )
    confirmed = {crit: calls for crit, calls in s.execute(_confirmed_answers(w))}
    frameworks: dict[tuple[str, str], list[CriterionCoverage]] = {}
    for fw_key, fw_name, crit_id, key, name, question, position, *counts in s.execute(stmt):
        calls, n_asked, n_answered, n_disq, n_sql = counts
        frameworks.setdefault((fw_key, fw_name), []).append(
            CriterionCoverage(
                key=key,
                name=name,
                question=question,
                position=position,
                calls=int(calls),
                asked=int(n_asked),
                answered=int(n_answered),
                disqualifying=int(n_disq),
                confirmed=confirmed.get(crit_id, 0),
                answered_sql=int(n_sql),
            )
        )
    return tuple(
        FrameworkCoverage(
            key=fw_key,
            name=fw_name,
            calls=max(c.calls for c in criteria),
            criteria=tuple(criteria),
        )
        for (fw_key, fw_name), criteria in frameworks.items()
    )


def _confirmed_answers(w: _Window) -> Select[Any]:
    """Per criterion, the period's calls where the rep confirmed a question note linked
    to it (linking keeps a note to its call's framework)."""
    return (
        select(m.Note.criterion_id, func.count(distinct(m.Note.call_id)))
        .join(m.Call, m.Call.id == m.Note.call_id)
        .where(
            *_live_note(NoteKind.QUESTION),
            m.Note.criterion_id.is_not(None),
            m.Note.review_status == ReviewStatus.CONFIRMED.value,
            *w.now,
        )
        .group_by(m.Note.criterion_id)
    )


def _quote_bank(s: Session, w: _Window, cap: int) -> QuoteBank:
    stmt = (
        _evidence_select(func.count().over())
        .where(
            m.Note.deleted_at.is_(None),
            or_(m.Note.quote_worthy, m.Note.case_study),
            _not_disputed(),
            *w.now,
        )
        .order_by(
            _preference(),
            func.coalesce(m.Note.intensity, 0).desc(),
            m.Call.started_at.desc(),
            m.Note.id,
        )
        .limit(cap)
    )
    rows = s.execute(stmt).all()
    return QuoteBank(
        quotes=tuple(_to_evidence(row[1:]) for row in rows),
        total=rows[0][0] if rows else 0,
    )


# -- assembling a section ------------------------------------------------------------


def _rank_key(item: _Aggregate) -> tuple[Any, ...]:
    return (-item.calls, -(item.mean_intensity or 0.0), -item.notes, item.name)


def _section(
    kind: NoteKind,
    aggregates: list[_Aggregate],
    evidence: dict[_ThemeKey, tuple[Evidence, ...]],
    responses: dict[_ThemeKey, tuple[Evidence, ...]],
    samples: dict[_ThemeKey, list[themes.Doc]],
    untagged_counts: tuple[int, int],
    untagged: list[Evidence],
    capped: bool,
) -> ThemeSection:
    ranked = sorted(aggregates, key=_rank_key)
    theme_docs = {tag: docs for (k, tag), docs in samples.items() if k is kind}
    by_id = {e.note_id: e for e in untagged}
    suggestions = themes.suggest(
        {a.name: theme_docs.get(a.name, []) for a in ranked},
        [themes.Doc(e.note_id, e.call_id, e.text) for e in untagged],
    )
    suggested: dict[str, list[SuggestedNote]] = defaultdict(list)
    for match in suggestions.matches:
        suggested[match.tag].append(
            SuggestedNote(
                note=by_id[match.note_id], score=match.score, basis=f"resembles #{match.tag}"
            )
        )
    section_themes = tuple(
        ThemeRank(
            kind=kind,
            name=a.name,
            calls=a.calls,
            accounts=a.accounts,
            notes=a.notes,
            mean_intensity=a.mean_intensity,
            max_intensity=a.max_intensity,
            previous_calls=a.previous_calls,
            sql_calls=a.sql_calls,
            responded_calls=a.responded_calls,
            won_accounts=a.won_accounts,
            lost_accounts=a.lost_accounts,
            evidence=evidence.get((kind, a.name), ()),
            responses=responses.get((kind, a.name), ()),
            phrases=themes.recurring_phrases(theme_docs.get(a.name, []), limit=PHRASES_PER_THEME),
            suggested=tuple(suggested.get(a.name, ())),
        )
        for a in ranked
    )
    groups = tuple(_suggested_group(kind, g, by_id) for g in suggestions.groups)
    notes, calls = untagged_counts
    return ThemeSection(
        kind=kind,
        themes=section_themes,
        groups=groups,
        untagged_notes=notes,
        untagged_calls=calls,
        ungrouped_notes=len(suggestions.ungrouped),
        capped=capped,
    )


def _suggested_group(
    kind: NoteKind, group: themes.Group, by_id: dict[uuid.UUID, Evidence]
) -> SuggestedGroup:
    notes = sorted(
        (by_id[i] for i in group.note_ids),
        key=lambda e: (_STATUS_ORDER[e.review_status], -(e.intensity or 0), e.note_id),
    )
    return SuggestedGroup(
        kind=kind,
        label=group.label,
        basis=group.basis,
        calls=group.calls,
        accounts=len({e.account for e in notes}),
        sql_calls=len({e.call_id for e in notes if e.call_grade is Grade.SQL}),
        notes=tuple(notes),
    )


_STATUS_ORDER: Final = {
    ReviewStatus.CONFIRMED: 0,
    ReviewStatus.CORRECTED: 1,
    ReviewStatus.UNREVIEWED: 2,
    ReviewStatus.DISPUTED: 3,
}
