"""The values the insights service returns: frozen, built inside its read transaction,
safe to hand to the window's thread and to the PDF report.

How each number is counted is the service's business (`desktop.services.insights`);
these classes only add the arithmetic a reader needs on top (changes, trends, shares).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Final

from desktop.domain import Grade, NoteKind, Outcome, ReviewStatus
from desktop.errors import UserError
from desktop.services import phrases, quotes
from desktop.services.periods import InsightFilters, Period


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
    #: Who said it, by title (else deal role): the note's speaker, or without one the
    #: call's contact when the call had exactly one.
    contact: str | None
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
    #: The account's size and its deal's outcome, for attributing a quote.
    size: str | None = None
    outcome: Outcome | None = None

    @property
    def words(self) -> str:
        """The prospect's words without the marketer's scaffolding (`quotes.clean`)."""
        return quotes.clean(self.text)

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
    phrases: tuple[phrases.Phrase, ...]  # said word for word, counted in calls of the sample
    suggested: tuple[SuggestedNote, ...]
    #: The tag as its notes type it when that has capitals ("PII" for `pii`), else None.
    display: str | None = None

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
    capped: bool  # only the newest `insights.MAX_UNTAGGED` untagged notes were considered
    #: Untagged notes neither resembling a theme nor in a group, listed so none vanishes.
    unthemed: tuple[Evidence, ...] = ()

    @property
    def suggested_notes(self) -> tuple[Evidence, ...]:
        """Every untagged note the section lists: resembling a theme, grouped, unthemed."""
        return (
            tuple(s.note for t in self.themes for s in t.suggested)
            + tuple(e for g in self.groups for e in g.notes)
            + self.unthemed
        )

    def get(self, name: str) -> ThemeRank | None:
        return next((t for t in self.themes if t.name == name), None)


def _percent(k: int, n: int) -> int:
    return round(100 * k / n)


@dataclass(frozen=True, slots=True)
class SqlBaseline:
    """A framework's graded calls in a period and how many were graded SQL: what a
    criterion's SQL rate is compared with (ungraded calls are not "not SQL")."""

    graded: int
    sql: int

    @property
    def rate(self) -> float | None:
        return self.sql / self.graded if self.graded else None


@dataclass(frozen=True, slots=True)
class PreviousCoverage:
    """A criterion's coverage in the previous period (counts are calls)."""

    calls: int
    asked: int
    covered: int
    graded_covered: int
    covered_sql: int


#: The verdicts on a criterion, and the rules that give them (`FrameworkCoverage.verdict`).
KEEP: Final = "Keep"
DROP: Final = "Drop"
REPHRASE: Final = "Rephrase"
TOO_FEW: Final = "Too few calls to judge"
#: Graded calls that covered a criterion before its SQL rate is judged.
MIN_GRADED_TO_JUDGE: Final = 5
#: Points above the framework's baseline SQL rate that count as a lift.
LIFT_POINTS: Final = 10
#: Share of the calls that should cover a criterion worth keeping.
KEEP_COVERED_SHARE: Final = 0.6
#: Asked on at least this many calls, and this share of them, but covered on fewer than
#: half of the calls it was asked on: the question does not get an answer.
REPHRASE_MIN_ASKED: Final = 5
REPHRASE_ASKED_SHARE: Final = 0.5
VERDICT_RULES: Final = (
    f"Rephrase: asked on at least {REPHRASE_MIN_ASKED} calls and "
    f"{REPHRASE_ASKED_SHARE:.0%} of the calls, but covered on fewer "
    "than half of the calls it was asked on. "
    f"Too few calls to judge: fewer than {MIN_GRADED_TO_JUDGE} graded calls covered it. "
    f"Keep: calls that covered it were graded SQL at least {LIFT_POINTS} points more often "
    "than all graded calls with the framework (its baseline); when it was covered on fewer "
    f"than {KEEP_COVERED_SHARE:.0%} of calls, the advice is to cover "
    f"it more often. Drop: covered on {MIN_GRADED_TO_JUDGE} or more graded calls, with a "
    f"lift under {LIFT_POINTS} points. Rates are over graded calls only."
)


@dataclass(frozen=True, slots=True)
class CriterionVerdict:
    """Keep, Drop, Rephrase or Too few calls to judge, and why, in a sentence."""

    word: str
    reason: str


@dataclass(frozen=True, slots=True)
class CriterionCoverage:
    """How far the period's calls got on one criterion (counts are calls)."""

    key: str
    name: str
    question: str
    position: int
    calls: int  # calls using the framework
    asked: int  # asked, answered or disqualifying
    answered: int  # covered: answered or disqualifying (`qualification.COVERED`)
    disqualifying: int
    confirmed: int  # a linked question note was confirmed by the rep
    answered_sql: int  # calls answering it that were graded SQL
    graded_covered: int = 0  # calls covering it that were graded (any grade)
    previous: PreviousCoverage = PreviousCoverage(0, 0, 0, 0, 0)

    @property
    def sql_rate(self) -> float | None:
        """SQL rate of the graded calls that covered it (None: none was graded)."""
        return self.answered_sql / self.graded_covered if self.graded_covered else None

    @property
    def covered_change(self) -> int | None:
        """Points of calls covering it now minus in the previous period (None: the
        framework was not used in one of them)."""
        if not self.calls or not self.previous.calls:
            return None
        return _percent(self.answered, self.calls) - _percent(
            self.previous.covered, self.previous.calls
        )


@dataclass(frozen=True, slots=True)
class FrameworkCoverage:
    key: str
    name: str
    calls: int
    criteria: tuple[CriterionCoverage, ...]
    baseline: SqlBaseline = SqlBaseline(0, 0)  # the period's graded calls with it
    previous_baseline: SqlBaseline = SqlBaseline(0, 0)

    @property
    def mean_asked(self) -> float:
        """Criteria asked per call: compare with len(criteria) to spot a bloated framework."""
        return sum(c.asked for c in self.criteria) / self.calls if self.calls else 0.0

    @property
    def never_answered(self) -> tuple[CriterionCoverage, ...]:
        return tuple(c for c in self.criteria if c.answered == 0)

    def verdict(self, c: CriterionCoverage) -> CriterionVerdict:
        """Keep, Drop, Rephrase or too few calls to judge (see `VERDICT_RULES`)."""
        if (
            c.asked >= REPHRASE_MIN_ASKED
            and c.asked >= REPHRASE_ASKED_SHARE * c.calls
            and 2 * c.answered < c.asked
        ):
            return CriterionVerdict(
                REPHRASE,
                f"asked on {c.asked} of {c.calls} calls but covered on only {c.answered}: "
                "prospects do not answer it as asked.",
            )
        base, rate = self.baseline.rate, c.sql_rate
        if c.graded_covered < MIN_GRADED_TO_JUDGE or base is None or rate is None:
            graded = "graded call" if c.graded_covered == 1 else "graded calls"
            return CriterionVerdict(
                TOO_FEW,
                f"{c.graded_covered} {graded} covered it; at least {MIN_GRADED_TO_JUDGE} are "
                "needed to judge.",
            )
        lift = round(100 * rate) - round(100 * base)
        compared = (
            f"SQL on {c.answered_sql} of {c.graded_covered} graded calls that covered it "
            f"({round(100 * rate)}%) against {round(100 * base)}% of all "
            f"{self.baseline.graded} graded {self.name} calls"
        )
        if lift >= LIFT_POINTS:
            reason = f"{compared}: a lift of {lift} points."
            if c.answered < KEEP_COVERED_SHARE * c.calls:
                reason += f" Covered on only {c.answered} of {c.calls} calls: cover it more."
            return CriterionVerdict(KEEP, reason)
        points = "point" if abs(lift) == 1 else "points"
        signed = f"{lift:+d}".replace("-", "\N{MINUS SIGN}")  # as the report's tables print it
        return CriterionVerdict(
            DROP,
            f"{compared} ({signed} {points}): no lift of {LIFT_POINTS} points or more, so "
            "covering it does not pick out SQLs.",
        )


@dataclass(frozen=True, slots=True)
class QuoteBank:
    """Notes flagged quote-worthy or case-study candidate (never disputed ones), of the
    kinds a prospect says (`quotes.SPOKEN_KINDS`)."""

    quotes: tuple[Evidence, ...]
    total: int


#: Decided deals (won or lost) below which a win rate, or what won and lost deals heard,
#: concludes nothing.
MIN_DECIDED: Final = 5


@dataclass(frozen=True, slots=True)
class ClosedDeal:
    """A deal that closed in the period: its account and how, when and why it ended."""

    account: str
    outcome: Outcome  # won, lost or no decision
    closed_on: date
    reason: str | None
    calls: int  # ride-along calls at the account (any date, the filters applied)
    last_call: date  # the local date of the latest of them


@dataclass(frozen=True, slots=True)
class DealTally:
    """Deals by outcome; the win rate is won over decided (won or lost)."""

    won: int
    lost: int
    no_decision: int

    @property
    def decided(self) -> int:
        return self.won + self.lost

    @property
    def win_rate(self) -> float | None:
        return self.won / self.decided if self.decided else None

    @property
    def conclusive(self) -> bool:
        """Enough decided deals (`MIN_DECIDED`) for a rate to mean something."""
        return self.decided >= MIN_DECIDED


@dataclass(frozen=True, slots=True)
class HeardOnDeals:
    """A theme heard on the calls (any date) of the deals closed in the period, counted
    in accounts by outcome."""

    kind: NoteKind
    name: str
    won: int
    lost: int
    no_decision: int
    calls: int

    @property
    def accounts(self) -> int:
        return self.won + self.lost + self.no_decision


@dataclass(frozen=True, slots=True)
class Deals:
    """The deals closed in the period, what their calls heard, and the win-rate base."""

    closed: tuple[ClosedDeal, ...]  # by date closed, then account
    period: DealTally  # the deals closed in the period
    overall: DealTally  # every deal decided, whenever (the filters applied)
    heard: tuple[HeardOnDeals, ...]  # pains, objections and competitors, most accounts first


@dataclass(frozen=True, slots=True)
class CallLine:
    """One call the period's numbers come from, for the report's appendix."""

    call_id: uuid.UUID
    started_at: datetime
    account: str
    rep: str | None
    grade: Grade | None
    outcome: Outcome

    @property
    def call_date(self) -> date:
        return self.started_at.astimezone().date()


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
    deals: Deals
    #: Every call counted, oldest first (the appendix lists them).
    calls: tuple[CallLine, ...] = ()

    def section(self, kind: NoteKind) -> ThemeSection:
        sections = {s.kind: s for s in (self.pains, self.objections, self.competitors)}
        if kind not in sections:
            raise UserError(f"no themes are ranked for {kind} notes")
        return sections[kind]
