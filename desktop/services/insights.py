"""Insights: what a period of ride-alongs adds up to, for the screen and the monthly PDF.

Every number is counted in SQL (group by, count distinct) over the calls started in the
period (local dates, inclusive), in one read transaction of a dozen queries whatever the
number of notes or themes; evidence comes from windowed queries (`row_number() over
(partition by theme ...)`). Only the period's untagged pains and objections (at most
`MAX_UNTAGGED` per kind) and a sample of each theme's notes (at most `SAMPLE_PER_THEME`)
are read into Python, for the theme suggestions (`desktop.services.themes`) and the
recurring phrases. Competitors are ranked like themes but get no suggestions: a known
competitor (on the team's list, or the tag of a competitor note) counts on every call
whose notes, answers or responses name it as a word, in any case (`_competitors`).
What it returns is in `desktop.services.insight_values`; the period and the filters, and
the SQL the filters mean, in `desktop.services.periods`.

Conventions, which the report's appendix can print (`RANKING_RULES`):
- Trashed notes and calls never count. Counts are distinct calls ("k of n calls"), with
  distinct accounts and raw notes beside them.
- A theme is a tag on a note. A note the rep disputed counts towards nothing: no theme,
  count, intensity, phrase, competitor or quote (`periods.counted_notes`, which every
  query here takes its notes' conditions from); only the alignment reads it. Evidence
  prefers confirmed notes, then corrected, then unreviewed; then one note per call
  before a second from the same call; then quote-worthy or case-study notes; then
  intensity; then the newest call.
- Themes rank by distinct calls, then mean intensity, then notes, then name.
- Qualification coverage: a criterion whose status is answered or disqualifying was
  asked too, and a disqualifying answer is an answer (asked >= answered >=
  disqualifying). "Confirmed" means the rep confirmed a question note linked to it.
  A criterion's SQL rate is over the graded calls that covered it, against its
  framework's baseline (the SQL rate of all its graded calls); ungraded calls are in no
  rate. `FrameworkCoverage.verdict` turns them into Keep, Drop or Rephrase.
- The previous period is the calendar month before a month, else the same number of
  days immediately before (`Period.previous`), as in the trend charts.
"""

from __future__ import annotations

import re
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy import (
    ColumnElement,
    Row,
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
from desktop.progress import CancelToken, Progress, no_progress
from desktop.services import phrases, quotes, themes
from desktop.services.base import Service
from desktop.services.calls import day_end, day_start
from desktop.services.competitors import competitor_key
from desktop.services.insight_values import (
    CallLine,
    ClosedDeal,
    CriterionCoverage,
    Deals,
    DealTally,
    Evidence,
    FrameworkCoverage,
    GradeMix,
    HeardOnDeals,
    Insights,
    PreviousCoverage,
    QuoteBank,
    SqlBaseline,
    SuggestedGroup,
    SuggestedNote,
    ThemeRank,
    ThemeSection,
    Totals,
)
from desktop.services.periods import (
    InsightFilters,
    Period,
    counted_notes,
    filter_conditions,
    note_tag_of_note,
    tag_of_note_tag,
)
from desktop.services.qualification import COVERED
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
#: Themes per kind listed as heard on the calls of the deals closed in the period.
HEARD_PER_KIND: Final = 5

RANKING_RULES: Final = (
    "Counts are distinct calls, not notes: a theme raised three times on one call counts "
    "once. Themes are ranked by the number of calls that raised them, then by mean "
    "intensity (1-5), then by number of notes. A month is compared with the calendar month "
    "before it; any other period with the same number of days immediately before. "
    "Evidence quotes prefer notes the rep confirmed, then "
    "corrected, then not yet reviewed; a note the rep disputed is never quoted but still "
    "counts. Suggested groups gather untagged notes by their resemblance to a theme's "
    "notes (TF-IDF cosine similarity) or by a phrase they share across calls; they are "
    "not part of the counts."
)

_THEMED_KINDS: Final = (NoteKind.PAIN, NoteKind.OBJECTION, NoteKind.COMPETITOR)
_SUGGESTED_KINDS: Final = (NoteKind.PAIN, NoteKind.OBJECTION)


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
        steps = 10 + len(_THEMED_KINDS)
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
            competitors = _competitors(s, window)
            calls = _calls(s, window)
            step()
            deals = _deals(s, period, filters)
            step()
        sections = {}
        caveats = []
        for kind in _THEMED_KINDS:
            loaded = untagged.get(kind, [])
            capped = len(loaded) > MAX_UNTAGGED
            if capped:
                loaded = loaded[:MAX_UNTAGGED]
                caveats.append(
                    f"Suggestions for untagged {kind} notes considered only the "
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
        sections[NoteKind.COMPETITOR] = competitors
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
            calls=calls,
            deals=deals,
        )

    def month(self, year: int, month: int, filters: InsightFilters | None = None) -> Insights:
        """The insights of one calendar month."""
        return self.compute(Period.month(year, month), filters)


# -- conditions ----------------------------------------------------------------------


def _window(period: Period, filters: InsightFilters) -> _Window:
    previous = period.previous()
    start, end = day_start(period.start), day_end(period.end)
    conditions = [m.Call.deleted_at.is_(None), *filter_conditions(filters)]
    return _Window(
        current=m.Call.started_at >= start,
        both=(
            *conditions,
            m.Call.started_at >= day_start(previous.start),
            m.Call.started_at < end,
        ),
        now=(*conditions, m.Call.started_at >= start, m.Call.started_at < end),
    )


def _live_note(*kinds: NoteKind) -> list[ColumnElement[bool]]:
    """Notes that count (`counted_notes`: not trashed, not disputed), of those kinds.

    The kind is compared as `kind || ''` so that no planner reads the notes through the
    kind index: a period is found through its calls (by start time) and their notes (by
    call), and SQLite without statistics would otherwise read every note of the kind.
    """
    found = counted_notes()
    if kinds:
        found.append(m.Note.kind.concat("").in_([k.value for k in kinds]))
    return found


def _untagged_note() -> ColumnElement[bool]:
    return ~exists().where(m.note_tags.c.note_id == m.Note.id)


def _preference() -> ColumnElement[int]:
    """Confirmed, then corrected, then the rest (never disputed: filtered out)."""
    return case(
        (m.Note.review_status == ReviewStatus.CONFIRMED, 0),
        (m.Note.review_status == ReviewStatus.CORRECTED, 1),
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
        .outerjoin(m.Note, and_(m.Note.call_id == m.Call.id, *_live_note()))
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
            mql=counts[flag][Grade.MQL],
            sql=counts[flag][Grade.SQL],
            unqualified=counts[flag][Grade.UNQUALIFIED],
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
            m.Note.kind.label("kind"),
            m.Tag.name.label("name"),
            calls_now.label("calls"),
            func.count(distinct(_when(now, m.Call.account_id))).label("accounts"),
            func.count(_when(now, m.Note.id)).label("notes"),
            func.sum(_when(now, m.Note.intensity)).label("intensity_sum"),
            func.count(_when(now, m.Note.intensity)).label("intensity_count"),
            func.max(_when(now, m.Note.intensity)).label("max_intensity"),
            func.count(distinct(_when(~now, m.Note.call_id))).label("previous_calls"),
            func.count(distinct(_when(and_(now, m.Call.grade == Grade.SQL), m.Call.id))).label(
                "sql_calls"
            ),
            func.count(distinct(_when(and_(now, m.Note.response.is_not(None)), m.Call.id))).label(
                "responded_calls"
            ),
            func.count(distinct(_when(and_(now, outcome == Outcome.WON), m.Account.id))).label(
                "won_accounts"
            ),
            func.count(distinct(_when(and_(now, outcome == Outcome.LOST), m.Account.id))).label(
                "lost_accounts"
            ),
        )
        .select_from(m.Note)
        .join(m.note_tags, note_tag_of_note())
        .join(m.Tag, tag_of_note_tag())
        .join(m.Call, m.Call.id == m.Note.call_id)
        .join(m.Account, m.Account.id == m.Call.account_id)
        .where(*_live_note(*_THEMED_KINDS), *w.both)
        .group_by(m.Note.kind, m.Tag.name)
        .having(calls_now > 0)
    )
    found: dict[NoteKind, list[_Aggregate]] = defaultdict(list)
    for row in s.execute(stmt):
        found[NoteKind(row.kind)].append(
            _Aggregate(
                name=row.name,
                calls=row.calls,
                accounts=row.accounts,
                notes=row.notes,
                intensity_sum=int(row.intensity_sum or 0),
                intensity_count=row.intensity_count,
                max_intensity=row.max_intensity,
                previous_calls=row.previous_calls,
                sql_calls=row.sql_calls,
                responded_calls=row.responded_calls,
                won_accounts=row.won_accounts,
                lost_accounts=row.lost_accounts,
            )
        )
    return found


def _evidence_select(*leading: Any) -> Select[Any]:
    """The columns of an `Evidence`, each labelled with its field's name, after
    `leading` ones (labelled by the caller), from notes joined to their call, account
    and rep."""
    correction = (
        select(m.Annotation.correction)
        .where(
            m.Annotation.note_id == m.Note.id,
            m.Annotation.verdict == Verdict.CORRECTED,
            m.Annotation.correction.is_not(None),  # not a change of kind or themes only
            m.Annotation.deleted_at.is_(None),
        )
        .order_by(m.Annotation.created_at.desc(), m.Annotation.id.desc())
        .limit(1)
        .correlate(m.Note)
        .scalar_subquery()
    )
    # Who said it: the note's speaker; without one, the call's contact only when the
    # call had exactly one (anyone else would be a guess).
    speaker = (
        select(func.coalesce(m.Contact.title, m.Contact.deal_role))
        .select_from(m.note_speakers)
        .join(m.Contact, m.Contact.id == m.note_speakers.c.contact_id)
        .where(m.note_speakers.c.note_id == m.Note.id)
        .correlate(m.Note)
        .scalar_subquery()
    )
    only_contact = (
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
            m.Note.id.label("note_id"),
            m.Note.call_id.label("call_id"),
            m.Note.kind.label("kind"),
            m.Account.name.label("account"),
            m.Account.industry.label("industry"),
            m.Account.segment.label("segment"),
            func.coalesce(speaker, only_contact).label("contact"),
            _rep.name.label("rep"),
            m.Note.text.label("text"),
            m.Note.intensity.label("intensity"),
            m.Note.review_status.label("review_status"),
            correction.label("correction"),
            m.Note.response.label("response"),
            m.Note.quote_worthy.label("quote_worthy"),
            m.Note.case_study.label("case_study"),
            m.Note.offset_ms.label("offset_ms"),
            m.Call.started_at.label("call_started_at"),
            m.Call.grade.label("call_grade"),
            m.Account.size.label("size"),
            m.Account.outcome.label("outcome"),
        )
        .select_from(m.Note)
        .join(m.Call, m.Call.id == m.Note.call_id)
        .join(m.Account, m.Account.id == m.Call.account_id)
        .outerjoin(_rep, _rep.id == m.Call.rep_id)
    )


def _to_evidence(row: Row[Any]) -> Evidence:
    """An `Evidence` from a row of `_evidence_select`, read by column name."""
    status = ReviewStatus(row.review_status)
    return Evidence(
        note_id=row.note_id,
        call_id=row.call_id,
        kind=NoteKind(row.kind),
        account=row.account,
        industry=row.industry,
        segment=row.segment,
        contact=row.contact,
        rep=row.rep,
        text=row.text,
        intensity=row.intensity,
        review_status=status,
        correction=row.correction if status is ReviewStatus.CORRECTED else None,
        response=row.response,
        quote_worthy=bool(row.quote_worthy),
        case_study=bool(row.case_study),
        offset_ms=row.offset_ms,
        call_started_at=row.call_started_at,
        call_grade=Grade(row.call_grade) if row.call_grade else None,
        size=row.size,
        outcome=Outcome(row.outcome) if row.outcome else None,
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
        .join(m.note_tags, note_tag_of_note())
        .join(m.Tag, tag_of_note_tag())
        .join(m.Call, m.Call.id == m.Note.call_id)
        .where(*_live_note(*kinds), *w.now, *extra)
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
        _evidence_select(ranked.c.tag.label("tag"))
        .join(ranked, ranked.c.note_id == m.Note.id)
        .where(ranked.c.rank <= cap)
        .order_by(m.Note.kind, ranked.c.tag, ranked.c.rank)
    )


_ThemeKey = tuple[NoteKind, str]


def _grouped(s: Session, stmt: Select[Any]) -> dict[_ThemeKey, tuple[Evidence, ...]]:
    found: dict[_ThemeKey, list[Evidence]] = defaultdict(list)
    for row in s.execute(stmt):
        item = _to_evidence(row)
        found[(item.kind, row.tag)].append(item)
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
        .join(m.note_tags, note_tag_of_note())
        .join(m.Tag, tag_of_note_tag())
        .join(m.Call, m.Call.id == m.Note.call_id)
        .where(*_live_note(*_SUGGESTED_KINDS), *w.now)
        .subquery()
    )
    stmt = (
        select(inner.c.kind, inner.c.tag, inner.c.note_id, inner.c.call_id, inner.c.text)
        .where(inner.c.rank <= cap)
        .order_by(inner.c.kind, inner.c.tag, inner.c.note_id)
    )
    found: dict[_ThemeKey, list[themes.Doc]] = defaultdict(list)
    for row in s.execute(stmt):
        found[(NoteKind(row.kind), row.tag)].append(themes.Doc(row.note_id, row.call_id, row.text))
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
        .where(*_live_note(*_SUGGESTED_KINDS), _untagged_note(), *w.now)
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
    """Per criterion of each framework used in the period: asked, covered, and the SQL
    rate of the graded calls that covered it, in the period and the one before; per
    framework, its SQL baseline (graded calls graded SQL)."""
    answer = m.CriterionAnswer
    asked = (CriterionStatus.ASKED, *COVERED)
    answered = tuple(COVERED)
    now = w.current
    # One row per (call, criterion): a call has at most one answer per criterion, so plain
    # sums count calls here, far cheaper than count(distinct) over a year of calls.
    status = answer.status
    graded = m.Call.grade.is_not(None)
    is_sql = m.Call.grade == Grade.SQL
    covered = status.in_(answered)
    stmt = (
        select(
            m.Framework.key.label("framework_key"),
            m.Framework.name.label("framework_name"),
            m.Criterion.id.label("criterion_id"),
            m.Criterion.key.label("key"),
            m.Criterion.name.label("name"),
            m.Criterion.question.label("question"),
            m.Criterion.position.label("position"),
            _tally(now).label("calls"),
            _tally(and_(now, status.in_(asked))).label("asked"),
            _tally(and_(now, covered)).label("answered"),
            _tally(and_(now, status == CriterionStatus.DISQUALIFYING)).label("disqualifying"),
            _tally(and_(now, covered, is_sql)).label("answered_sql"),
            _tally(and_(now, covered, graded)).label("graded_covered"),
            _tally(~now).label("previous_calls"),
            _tally(and_(~now, status.in_(asked))).label("previous_asked"),
            _tally(and_(~now, covered)).label("previous_covered"),
            _tally(and_(~now, covered, graded)).label("previous_graded_covered"),
            _tally(and_(~now, covered, is_sql)).label("previous_covered_sql"),
        )
        .select_from(m.Call)
        .join(m.Framework, m.Framework.id == m.Call.framework_id)
        .join(m.Criterion, m.Criterion.framework_id == m.Framework.id)
        .outerjoin(answer, and_(answer.call_id == m.Call.id, answer.criterion_id == m.Criterion.id))
        .where(*w.both)
        .group_by(m.Framework.id, m.Criterion.id)
        .having(_tally(now) > 0)
        .order_by(m.Framework.name, m.Framework.key, m.Criterion.position)
    )
    confirmed = {crit: calls for crit, calls in s.execute(_confirmed_answers(w))}
    baselines = _framework_baselines(s, w)
    frameworks: dict[tuple[str, str], list[CriterionCoverage]] = {}
    for row in s.execute(stmt):
        frameworks.setdefault((row.framework_key, row.framework_name), []).append(
            CriterionCoverage(
                key=row.key,
                name=row.name,
                question=row.question,
                position=row.position,
                calls=int(row.calls),
                asked=int(row.asked),
                answered=int(row.answered),
                disqualifying=int(row.disqualifying),
                confirmed=confirmed.get(row.criterion_id, 0),
                answered_sql=int(row.answered_sql),
                graded_covered=int(row.graded_covered),
                previous=PreviousCoverage(
                    calls=int(row.previous_calls),
                    asked=int(row.previous_asked),
                    covered=int(row.previous_covered),
                    graded_covered=int(row.previous_graded_covered),
                    covered_sql=int(row.previous_covered_sql),
                ),
            )
        )
    return tuple(
        FrameworkCoverage(
            key=fw_key,
            name=fw_name,
            calls=max(c.calls for c in criteria),
            criteria=tuple(criteria),
            baseline=baselines.get((fw_key, True), SqlBaseline(0, 0)),
            previous_baseline=baselines.get((fw_key, False), SqlBaseline(0, 0)),
        )
        for (fw_key, fw_name), criteria in frameworks.items()
    )


def _framework_baselines(s: Session, w: _Window) -> dict[tuple[str, bool], SqlBaseline]:
    """Per framework and period (True: the period itself), its graded calls and how
    many of them were graded SQL."""
    stmt = (
        select(
            m.Framework.key,
            w.current,
            func.count(m.Call.grade),
            _tally(m.Call.grade == Grade.SQL),
        )
        .select_from(m.Call)
        .join(m.Framework, m.Framework.id == m.Call.framework_id)
        .where(*w.both)
        .group_by(m.Framework.key, w.current)
    )
    return {
        (key, bool(flag)): SqlBaseline(graded=int(graded), sql=int(sql or 0))
        for key, flag, graded, sql in s.execute(stmt)
    }


def _confirmed_answers(w: _Window) -> Select[uuid.UUID | None, int]:
    """Per criterion, the period's calls where the rep confirmed a question note linked
    to it (linking keeps a note to its call's framework)."""
    return (
        select(m.Note.criterion_id, func.count(distinct(m.Note.call_id)))
        .join(m.Call, m.Call.id == m.Note.call_id)
        .where(
            *_live_note(NoteKind.QUESTION),
            m.Note.criterion_id.is_not(None),
            m.Note.review_status == ReviewStatus.CONFIRMED,
            *w.now,
        )
        .group_by(m.Note.criterion_id)
    )


def _quote_bank(s: Session, w: _Window, cap: int) -> QuoteBank:
    stmt = (
        _evidence_select(func.count().over().label("total"))
        .where(
            *_live_note(*quotes.SPOKEN_KINDS),
            or_(m.Note.quote_worthy, m.Note.case_study),
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
        quotes=tuple(_to_evidence(row) for row in rows),
        total=rows[0].total if rows else 0,
    )


def _calls(s: Session, w: _Window) -> tuple[CallLine, ...]:
    """Every call of the period (filtered), oldest first."""
    stmt = (
        select(
            m.Call.id, m.Call.started_at, m.Account.name, _rep.name, m.Call.grade, m.Account.outcome
        )
        .join(m.Account, m.Account.id == m.Call.account_id)
        .outerjoin(_rep, _rep.id == m.Call.rep_id)
        .where(*w.now)
        .order_by(m.Call.started_at, m.Call.id)
    )
    return tuple(
        CallLine(
            call_id=call_id,
            started_at=started_at,
            account=account,
            rep=rep,
            grade=Grade(grade) if grade else None,
            outcome=Outcome(outcome),
        )
        for call_id, started_at, account, rep, grade, outcome in s.execute(stmt)
    )


_CLOSED: Final = (Outcome.WON, Outcome.LOST, Outcome.NO_DECISION)


def _deals(s: Session, period: Period, filters: InsightFilters) -> Deals:
    """The deals closed in the period (by the date the outcome was recorded, whenever
    their calls were), what was heard on their calls (any date), and every decided deal
    for the base. A deal is an account with a ride-along call matching the filters."""
    calls_match = (m.Call.deleted_at.is_(None), *filter_conditions(filters))
    in_period = and_(
        m.Account.outcome.in_(_CLOSED),
        m.Account.outcome_on >= period.start,
        m.Account.outcome_on <= period.end,
    )
    closed_stmt = (
        select(
            m.Account.name,
            m.Account.outcome,
            m.Account.outcome_on,
            m.Account.outcome_reason,
            func.count(m.Call.id),
            func.max(m.Call.started_at),
        )
        .select_from(m.Account)
        .join(m.Call, m.Call.account_id == m.Account.id)
        .where(in_period, *calls_match)
        .group_by(
            m.Account.id,
            m.Account.name,
            m.Account.outcome,
            m.Account.outcome_on,
            m.Account.outcome_reason,
        )
        .order_by(m.Account.outcome_on, m.Account.name_key)
    )
    closed = tuple(
        ClosedDeal(
            account=name,
            outcome=Outcome(outcome),
            closed_on=closed_on,
            reason=reason,
            calls=calls,
            last_call=last.astimezone().date(),
        )
        for name, outcome, closed_on, reason, calls, last in s.execute(closed_stmt)
        if closed_on is not None  # always, for a deal closed in the period
    )
    overall_stmt = (
        select(m.Account.outcome, func.count(m.Account.id))
        .where(
            m.Account.outcome.in_(_CLOSED),
            m.Account.id.in_(select(m.Call.account_id).where(*calls_match)),
        )
        .group_by(m.Account.outcome)
    )
    overall = {Outcome(outcome): n for outcome, n in s.execute(overall_stmt)}
    heard_stmt = (
        select(
            m.Note.kind,
            m.Tag.name,
            m.Account.outcome,
            func.count(distinct(m.Account.id)),
            func.count(distinct(m.Call.id)),
        )
        .select_from(m.Note)
        .join(m.note_tags, note_tag_of_note())
        .join(m.Tag, tag_of_note_tag())
        .join(m.Call, m.Call.id == m.Note.call_id)
        .join(m.Account, m.Account.id == m.Call.account_id)
        .where(*_live_note(*_THEMED_KINDS), in_period, *calls_match)
        .group_by(m.Note.kind, m.Tag.name, m.Account.outcome)
    )
    heard: dict[_ThemeKey, dict[Outcome, int]] = defaultdict(lambda: defaultdict(int))
    heard_calls: dict[_ThemeKey, int] = defaultdict(int)
    for kind, name, outcome, accounts, calls in s.execute(heard_stmt):
        key = (NoteKind(kind), name)
        heard[key][Outcome(outcome)] += accounts
        heard_calls[key] += calls  # a call is at one account, with one outcome
    items = sorted(
        (
            HeardOnDeals(
                kind=kind,
                name=name,
                won=by[Outcome.WON],
                lost=by[Outcome.LOST],
                no_decision=by[Outcome.NO_DECISION],
                calls=heard_calls[(kind, name)],
            )
            for (kind, name), by in heard.items()
        ),
        key=lambda h: (_THEMED_KINDS.index(h.kind), -h.accounts, -h.calls, h.name),
    )
    shown: list[HeardOnDeals] = []
    for kind in _THEMED_KINDS:
        shown += [h for h in items if h.kind is kind][:HEARD_PER_KIND]
    return Deals(
        closed=closed,
        period=_tally_deals(d.outcome for d in closed),
        overall=DealTally(
            won=overall.get(Outcome.WON, 0),
            lost=overall.get(Outcome.LOST, 0),
            no_decision=overall.get(Outcome.NO_DECISION, 0),
        ),
        heard=tuple(shown),
    )


def _tally_deals(outcomes: Iterable[Outcome]) -> DealTally:
    found = list(outcomes)
    return DealTally(
        won=found.count(Outcome.WON),
        lost=found.count(Outcome.LOST),
        no_decision=found.count(Outcome.NO_DECISION),
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
            phrases=phrases.recurring_phrases(theme_docs.get(a.name, []), limit=PHRASES_PER_THEME),
            suggested=tuple(suggested.get(a.name, ())),
            display=phrases.typed_form(a.name, [d.text for d in theme_docs.get(a.name, [])]),
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
        unthemed=tuple(
            sorted(
                (by_id[i] for i in suggestions.ungrouped),
                key=lambda e: (e.call_started_at, e.offset_ms, e.note_id),
            )
        ),
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


# -- competitors ---------------------------------------------------------------------

#: Tags that file a note under competition without naming a competitor.
GENERIC_COMPETITOR_TAGS: Final = frozenset(
    {
        "competition",
        "competitor",
        "competitors",
        "competitive",
        "competing",
        "rival",
        "rivals",
        "incumbent",
        "alternative",
        "alternatives",
        "vendor",
        "vendors",
        "other-vendor",
    }
)

_HASH_BEFORE: Final = "#"


def known_competitors(s: Session) -> dict[str, str | None]:
    """The competitors the team has named, by the tag their name makes (lower case,
    hyphens), each with its name as the team's list writes it (None when only tags
    name it): the list (`CompetitorService`) and the tags of competitor notes (live,
    not disputed, on a live call, any date), less the generic ones (`#competition`).
    A tag and a listed name that are one competitor ("deal-grove", "Deal Grove") are one.
    """
    stmt = (
        select(m.Tag.name)
        .distinct()
        .select_from(m.Note)
        .join(m.note_tags, note_tag_of_note())
        .join(m.Tag, tag_of_note_tag())
        .join(m.Call, m.Call.id == m.Note.call_id)
        .where(
            *counted_notes(),
            # Of any date: here the notes are best found through the kind's index.
            m.Note.kind == NoteKind.COMPETITOR,
            m.Call.deleted_at.is_(None),
        )
    )
    tags = sorted(name for name in s.scalars(stmt) if name not in GENERIC_COMPETITOR_TAGS)
    tag_of = {competitor_key(tag): tag for tag in tags}
    known: dict[str, str | None] = {}
    for name, key in s.execute(select(m.Competitor.name, m.Competitor.name_key)):
        known[tag_of.get(key) or _tag_form(name)] = name
    for tag in tags:
        known.setdefault(tag, None)
    return dict(sorted(known.items()))


def _tag_form(name: str) -> str:
    """A listed name as a tag would write it, to match it as words: "Deal Grove" is
    `deal-grove` (lower case, as SQLite lower-cases, not casefolded)."""
    return re.sub(r"[\s-]+", "-", name.lower()).strip("-")


def competitor_pattern(tag: str) -> re.Pattern[str]:
    """A competitor's name as a whole word, any case: `deal-grove` also matches "Deal
    Grove" and "Dealgrove"."""
    parts = [re.escape(p) for p in tag.split("-") if p]
    return re.compile(r"(?<!\w)" + r"[-\s]?".join(parts) + r"(?!\w)", re.IGNORECASE)


@dataclass(slots=True)
class _Mentions:
    """What one competitor's mentions add up to, counted as `_Aggregate` counts."""

    calls: set[uuid.UUID]
    previous_calls: set[uuid.UUID]
    accounts: set[uuid.UUID]
    notes: set[uuid.UUID]
    intensities: dict[uuid.UUID, int]
    sql_calls: set[uuid.UUID]
    responded_calls: set[uuid.UUID]
    won: set[uuid.UUID]
    lost: set[uuid.UUID]
    forms: Counter[str]
    evidence: list[tuple[tuple[Any, ...], uuid.UUID, uuid.UUID]]  # (rank key, note, call)

    @classmethod
    def empty(cls) -> _Mentions:
        return cls(set(), set(), set(), set(), {}, set(), set(), set(), set(), Counter(), [])

    def add_call(
        self, now: bool, call_id: uuid.UUID, account_id: uuid.UUID, grade: Any, outcome: Any
    ) -> None:
        if not now:
            self.previous_calls.add(call_id)
            return
        self.calls.add(call_id)
        self.accounts.add(account_id)
        if grade == Grade.SQL:
            self.sql_calls.add(call_id)
        if outcome == Outcome.WON:
            self.won.add(account_id)
        elif outcome == Outcome.LOST:
            self.lost.add(account_id)

    def aggregate(self, name: str) -> _Aggregate:
        values = list(self.intensities.values())
        return _Aggregate(
            name=name,
            calls=len(self.calls),
            accounts=len(self.accounts),
            notes=len(self.notes),
            intensity_sum=sum(values),
            intensity_count=len(values),
            max_intensity=max(values, default=None),
            previous_calls=len(self.previous_calls),
            sql_calls=len(self.sql_calls),
            responded_calls=len(self.responded_calls),
            won_accounts=len(self.won),
            lost_accounts=len(self.lost),
        )


def _mentioned(pattern: re.Pattern[str], *texts: str | None) -> list[str]:
    """The forms the name is written in, in these texts (a `#tag` is no written form,
    but still a mention)."""
    found = []
    for text in texts:
        written = text or ""
        for match in pattern.finditer(written):
            before = written[match.start() - 1] if match.start() else ""
            found.append("" if before == _HASH_BEFORE else match.group(0))
    return found


def _display(tag: str, forms: Counter[str]) -> str:
    """A competitor's name as written most often ("Clarivo", not "clarivo"); a form
    with capitals wins a tie; the tag when it was never written out."""
    written = [(n, form) for form, n in forms.items() if form]
    if not written:
        return tag
    return min(written, key=lambda x: (-x[0], x[1].islower(), x[1]))[1]


def _competitor_evidence_key(row: Any, named_in_text: bool) -> tuple[Any, ...]:
    """Competitor notes that name it in their own text, then the usual preference (a row
    of `_count_note_mentions`)."""
    return (
        not named_in_text,
        NoteKind(row.kind) is not NoteKind.COMPETITOR,
        {ReviewStatus.CONFIRMED: 0, ReviewStatus.CORRECTED: 1}.get(
            ReviewStatus(row.review_status), 2
        ),
        not (row.quote_worthy or row.case_study),
        -(row.intensity or 0),
        -row.call_started_at.timestamp(),
        row.note_id,
    )


def _competitors(s: Session, w: _Window) -> ThemeSection:
    """Known competitors (`known_competitors`) ranked by the calls that named them: in
    any note's text, answer or response, or in a criterion's answer, as a whole word in
    any case, or as the tag of a competitor note; disputed notes count for nothing."""
    listed = known_competitors(s)
    known = list(listed)
    patterns = {tag: competitor_pattern(tag) for tag in known}
    mentions = {tag: _Mentions.empty() for tag in known}
    competitor_notes = {
        note_id: call_id
        for note_id, call_id in s.execute(
            select(m.Note.id, m.Note.call_id)
            .join(m.Call, m.Call.id == m.Note.call_id)
            .where(*_live_note(NoteKind.COMPETITOR), *w.now)
        )
    }
    named: set[uuid.UUID] = set()
    if known:
        named = _count_note_mentions(s, w, known, patterns, mentions)
        _count_answer_mentions(s, w, known, patterns, mentions)
    aggregates = []
    chosen: dict[str, list[uuid.UUID]] = {}
    for tag, found in mentions.items():
        if not found.calls:
            continue
        name = listed[tag] or _display(tag, found.forms)
        aggregates.append(found.aggregate(name))
        ranked = _one_per_call_first(sorted(found.evidence, key=lambda x: x[0]))
        chosen[name] = ranked[:EVIDENCE_PER_THEME]
    # Only the quoted notes are read as evidence (with their speaker and correction).
    wanted = {note_id for ids in chosen.values() for note_id in ids}
    read = {}
    if wanted:
        read = {
            e.note_id: e
            for e in map(_to_evidence, s.execute(_evidence_select().where(m.Note.id.in_(wanted))))
        }
    evidence: dict[_ThemeKey, tuple[Evidence, ...]] = {
        (NoteKind.COMPETITOR, name): tuple(read[i] for i in ids) for name, ids in chosen.items()
    }
    unnamed = {n: c for n, c in competitor_notes.items() if n not in named}
    return _section(
        NoteKind.COMPETITOR,
        aggregates,
        evidence,
        {},
        {},
        (len(unnamed), len(set(unnamed.values()))),
        [],
        False,
    )


def _one_per_call_first(
    ranked: list[tuple[tuple[Any, ...], uuid.UUID, uuid.UUID]],
) -> list[uuid.UUID]:
    """Notes from different calls before a second note from the same call."""
    firsts: list[uuid.UUID] = []
    seconds: list[uuid.UUID] = []
    seen: set[uuid.UUID] = set()
    for _, note_id, call_id in ranked:
        (seconds if call_id in seen else firsts).append(note_id)
        seen.add(call_id)
    return firsts + seconds


def _prefilter(columns: Sequence[Any], known: Sequence[str]) -> ColumnElement[bool] | None:
    """A cheap SQL condition every mention meets (a part of a name, lower-cased, in a
    column), so a month's notes are not all read; None when a name is not plain ASCII
    (SQLite lower-cases only ASCII)."""
    if not all(tag.isascii() for tag in known):
        return None
    words = sorted({max(tag.split("-"), key=len) for tag in known})
    return or_(
        *(func.lower(col).contains(word, autoescape=True) for col in columns for word in words)
    )


def _count_note_mentions(
    s: Session,
    w: _Window,
    known: Sequence[str],
    patterns: dict[str, re.Pattern[str]],
    mentions: dict[str, _Mentions],
) -> set[uuid.UUID]:
    """Count the mentions in notes of both periods; the ids of the period's competitor
    notes that named a known competitor."""
    tag_of = aliased(m.Tag)
    tagged = and_(
        m.Note.kind == NoteKind.COMPETITOR,
        exists()
        .where(m.note_tags.c.note_id == m.Note.id, m.note_tags.c.tag_id == tag_of.id)
        .where(tag_of.name.in_(known)),
    )
    wanted = _prefilter((m.Note.text, m.Note.answer, m.Note.response), known)
    stmt = (
        select(
            w.current.label("now"),
            m.Note.id.label("note_id"),
            m.Note.call_id.label("call_id"),
            m.Note.kind.label("kind"),
            m.Note.text.label("text"),
            m.Note.answer.label("answer"),
            m.Note.response.label("response"),
            m.Note.intensity.label("intensity"),
            m.Note.review_status.label("review_status"),
            m.Note.quote_worthy.label("quote_worthy"),
            m.Note.case_study.label("case_study"),
            m.Call.started_at.label("call_started_at"),
            m.Call.grade.label("call_grade"),
            m.Call.account_id.label("account_id"),
            m.Account.outcome.label("outcome"),
        )
        .select_from(m.Note)
        .join(m.Call, m.Call.id == m.Note.call_id)
        .join(m.Account, m.Account.id == m.Call.account_id)
        .where(
            *_live_note(),
            *w.both,
            *([] if wanted is None else [or_(tagged, wanted)]),
        )
    )
    rows = s.execute(stmt).all()
    tags: dict[uuid.UUID, set[str]] = defaultdict(set)
    for note_id, tag in s.execute(
        select(m.note_tags.c.note_id, m.Tag.name)
        .select_from(m.Note)
        .join(m.Call, m.Call.id == m.Note.call_id)
        .join(m.note_tags, note_tag_of_note())
        .join(m.Tag, tag_of_note_tag())
        .where(*_live_note(NoteKind.COMPETITOR), *w.both, m.Tag.name.in_(known))
    ):
        tags[note_id].add(tag)
    named = set()
    for row in rows:
        note_id, call_id = row.note_id, row.call_id
        grade = Grade(row.call_grade) if row.call_grade else None
        for tag in known:
            forms = _mentioned(patterns[tag], row.text, row.answer, row.response)
            if not forms and tag not in tags.get(note_id, ()):
                continue
            found = mentions[tag]
            found.forms.update(forms)
            found.add_call(bool(row.now), call_id, row.account_id, grade, row.outcome)
            if not row.now:
                continue
            if NoteKind(row.kind) is NoteKind.COMPETITOR:
                named.add(note_id)
            found.notes.add(note_id)
            if row.intensity is not None:
                found.intensities[note_id] = row.intensity
            if row.response is not None:
                found.responded_calls.add(call_id)
            in_text = bool(patterns[tag].search(row.text))
            found.evidence.append((_competitor_evidence_key(row, in_text), note_id, call_id))
    return named


def _count_answer_mentions(
    s: Session,
    w: _Window,
    known: Sequence[str],
    patterns: dict[str, re.Pattern[str]],
    mentions: dict[str, _Mentions],
) -> None:
    """Count the mentions in the answers recorded for a call's criteria."""
    answer = m.CriterionAnswer.answer
    wanted = _prefilter((answer,), known)
    stmt = (
        select(
            w.current.label("now"),
            m.Call.id,
            m.Call.account_id,
            m.Call.grade,
            m.Account.outcome,
            answer,
        )
        .select_from(m.CriterionAnswer)
        .join(m.Call, m.Call.id == m.CriterionAnswer.call_id)
        .join(m.Account, m.Account.id == m.Call.account_id)
        .where(*w.both, answer.is_not(None), *([wanted] if wanted is not None else []))
    )
    for now, call_id, account_id, grade, outcome, text in s.execute(stmt):
        for tag in known:
            forms = _mentioned(patterns[tag], text)
            if forms:
                mentions[tag].forms.update(forms)
                mentions[tag].add_call(bool(now), call_id, account_id, grade, outcome)
