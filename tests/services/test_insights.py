"""The insights a marketing lead reads each month, on SQLite and on PostgreSQL.

Each test builds a small, explicit month of ride-alongs through the services and checks
what the report would say about it.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest

from desktop.domain import CriterionStatus, Grade, NoteKind, Outcome, ReviewStatus, Verdict
from desktop.errors import Cancelled, UserError
from desktop.progress import CancelToken
from desktop.services import Services
from desktop.services.insight_values import (
    DROP,
    KEEP,
    REPHRASE,
    TOO_FEW,
    Insights,
    PreviousCoverage,
    SqlBaseline,
)
from desktop.services.periods import InsightFilters, Period

MARCH = Period.month(2024, 3)


def at(month: int, day: int, hour: int = 12, minute: int = 0) -> datetime:
    """A local time in 2024, as the marketer's laptop would record it."""
    return datetime(2024, month, day, hour, minute).astimezone()


def call(
    services: Services,
    account: str,
    when: datetime,
    *,
    rep: str = "Riley Rep",
    marketer: str = "Mo Marketer",
    framework: str | None = None,
):
    return services.calls.start(
        account, rep=rep, marketer=marketer, framework=framework, started_at=when
    )


def note(services: Services, call_id, kind: NoteKind, text: str, **details):
    details.setdefault("offset_ms", 60_000)
    return services.notes.add(call_id, kind, text, **details)


def march(services: Services, filters: InsightFilters | None = None) -> Insights:
    return services.insights.compute(MARCH, filters)


def names(section) -> list[str]:
    return [t.name for t in section.themes]


# -- periods -------------------------------------------------------------------------


def test_a_month_is_compared_with_the_calendar_month_before_it():
    assert Period(date(2024, 3, 1), date(2024, 3, 31)) == MARCH
    assert MARCH.previous() == Period(date(2024, 2, 1), date(2024, 2, 29))
    assert MARCH.versus == "vs February 2024"
    assert Period.month(2026, 11).previous() == Period.month(2026, 10)
    assert Period.month(2025, 1).previous() == Period.month(2024, 12)
    assert MARCH.label == "March 2024"
    assert Period.parse_month("2024-03") == MARCH
    week = Period(date(2024, 3, 4), date(2024, 3, 10))
    assert week.previous() == Period(date(2024, 2, 26), date(2024, 3, 3))
    assert week.versus == "vs 2024-02-26 to 2024-03-03"
    with pytest.raises(UserError):
        Period.month(1, 1).previous()


@pytest.mark.parametrize("text", ["2024-13", "March", "", "2024-3-1"])
def test_a_bad_month_is_a_user_error(text):
    with pytest.raises(UserError):
        Period.parse_month(text)


def test_a_period_cannot_end_before_it_starts():
    with pytest.raises(UserError):
        Period(date(2024, 3, 10), date(2024, 3, 1))


# -- totals, period edges, trash -----------------------------------------------------


def test_totals_count_the_period_and_the_one_before(services):
    a = call(services, "Acme", at(3, 5))
    b = call(services, "Acme", at(3, 6))
    c = call(services, "Beta", at(3, 7))
    note(services, a.id, NoteKind.PAIN, "Reporting takes days")
    note(services, b.id, NoteKind.QUOTE, "We love the idea")
    note(services, c.id, NoteKind.GENERAL, "Asked for a follow-up")
    before = call(services, "Gamma", at(2, 20))
    note(services, before.id, NoteKind.PAIN, "Too many tools")
    call(services, "Ancient", at(1, 2))  # before both periods

    insights = march(services)

    assert (insights.totals.calls, insights.totals.accounts, insights.totals.notes) == (3, 2, 3)
    previous = insights.previous_totals
    assert (previous.calls, previous.accounts, previous.notes) == (1, 1, 1)
    assert insights.previous_period == Period.month(2024, 2)


def test_calls_just_outside_the_period_are_left_out(services):
    inside = call(services, "Late Night", at(3, 31, 23, 30))
    early = call(services, "Early Bird", at(3, 1, 0, 15))
    after = call(services, "April Fool", at(4, 1, 0, 30))
    for c in (inside, early, after):
        note(services, c.id, NoteKind.PAIN, "Month-end close is painful", tags=["close"])

    insights = march(services)

    assert insights.totals.calls == 2
    theme = insights.pains.get("close")
    assert theme is not None and theme.calls == 2
    assert {e.account for e in theme.evidence} == {"Late Night", "Early Bird"}


def test_trashed_notes_and_calls_count_nowhere(services):
    a = call(services, "Acme", at(3, 5))
    b = call(services, "Beta", at(3, 6))
    kept = note(services, a.id, NoteKind.PAIN, "Audit prep is manual #audit")
    trashed = note(services, b.id, NoteKind.PAIN, "Audit season kills us #audit")
    services.notes.delete(trashed.id)
    gone = call(services, "Gone Ltd", at(3, 7))
    note(services, gone.id, NoteKind.PAIN, "Audits everywhere #audit", quote_worthy=True)
    services.calls.delete(gone.id)

    insights = march(services)

    assert insights.totals.calls == 2
    assert insights.totals.notes == 1
    theme = insights.pains.get("audit")
    assert theme is not None
    assert (theme.calls, theme.notes) == (1, 1)
    assert [e.note_id for e in theme.evidence] == [kept.id]
    assert insights.quote_bank.total == 0


# -- ranking -------------------------------------------------------------------------


def test_themes_rank_by_distinct_calls_not_by_notes(services):
    loud = call(services, "Loud Co", at(3, 4))
    for text in ("Price is high", "Price again", "Did I say price"):
        note(services, loud.id, NoteKind.PAIN, text, tags=["price"], intensity=5)
    for account, day in (("Acme", 5), ("Beta", 6)):
        c = call(services, account, at(3, day))
        note(services, c.id, NoteKind.PAIN, "Reports by hand #manual-reporting", intensity=2)

    pains = march(services).pains

    assert names(pains) == ["manual-reporting", "price"]
    manual, price = pains.themes
    assert (manual.calls, manual.accounts, manual.notes) == (2, 2, 2)
    assert (price.calls, price.accounts, price.notes) == (1, 1, 3)
    assert price.mean_intensity == 5 and price.max_intensity == 5


def test_equal_calls_are_ranked_by_how_hard_it_hurts(services):
    a = call(services, "Acme", at(3, 4))
    b = call(services, "Beta", at(3, 5))
    note(services, a.id, NoteKind.PAIN, "Onboarding is slow", tags=["onboarding"], intensity=2)
    note(services, b.id, NoteKind.PAIN, "Churn is killing us", tags=["churn"], intensity=5)
    note(services, a.id, NoteKind.PAIN, "Churn again", tags=["churn"], intensity=3)
    note(services, b.id, NoteKind.PAIN, "Onboarding takes weeks", tags=["onboarding"], intensity=2)

    pains = march(services).pains

    assert names(pains) == ["churn", "onboarding"]
    assert pains.themes[0].mean_intensity == 4.0


def test_pains_and_objections_are_ranked_separately(services):
    a = call(services, "Acme", at(3, 4))
    note(services, a.id, NoteKind.PAIN, "Budget is tight #budget")
    note(services, a.id, NoteKind.OBJECTION, "No budget this year #budget")
    note(services, a.id, NoteKind.OBJECTION, "Security review needed #security")

    insights = march(services)

    assert names(insights.pains) == ["budget"]
    assert names(insights.objections) == ["budget", "security"]


# -- evidence ------------------------------------------------------------------------


def test_evidence_prefers_confirmed_notes_and_never_shows_disputed_ones(services):
    texts = {
        "unreviewed": "Nobody trusts the pipeline numbers",
        "disputed": "They said the CRM is fine actually",
        "corrected": "Forecasts are always wrong",
        "confirmed": "Forecast calls are guesswork",
    }
    made = {}
    for day, (status, text) in enumerate(texts.items(), start=3):
        c = call(services, f"Account {status}", at(3, day))
        made[status] = note(services, c.id, NoteKind.PAIN, text, tags=["forecasting"])
    services.review.annotate(made["confirmed"].id, Verdict.CONFIRMED, "Riley Rep")
    services.review.annotate(
        made["corrected"].id, Verdict.CORRECTED, "Riley Rep", correction="Forecasts slip monthly"
    )
    services.review.annotate(made["disputed"].id, Verdict.DISPUTED, "Riley Rep")

    theme = march(services).pains.get("forecasting")

    assert theme is not None
    assert theme.calls == 3 and theme.notes == 3  # a disputed note counts nowhere
    assert [e.text for e in theme.evidence] == [
        texts["confirmed"],
        texts["corrected"],
        texts["unreviewed"],
    ]
    statuses = [e.review_status for e in theme.evidence]
    assert statuses == [ReviewStatus.CONFIRMED, ReviewStatus.CORRECTED, ReviewStatus.UNREVIEWED]
    assert theme.evidence[1].correction == "Forecasts slip monthly"
    assert theme.evidence[0].correction is None


def test_evidence_is_capped_but_counts_include_every_note(services):
    for day in range(1, 9):
        c = call(services, f"Account {day}", at(3, day))
        note(services, c.id, NoteKind.PAIN, f"Integration pain number {day} #integrations")

    theme = march(services).pains.get("integrations")

    assert theme is not None
    assert theme.calls == 8 and theme.notes == 8
    assert len(theme.evidence) == 5
    assert len({e.call_id for e in theme.evidence}) == 5


def test_evidence_comes_from_different_calls_before_a_second_from_the_same_call(services):
    busy = call(services, "Busy Co", at(3, 3))
    quiet = call(services, "Quiet Co", at(3, 4))
    for i in range(5):
        note(services, busy.id, NoteKind.PAIN, f"Slow exports, take {i}", tags=["exports"])
    note(services, quiet.id, NoteKind.PAIN, "Exports time out", tags=["exports"])

    theme = march(services).pains.get("exports")

    assert theme is not None
    assert {e.account for e in theme.evidence[:2]} == {"Busy Co", "Quiet Co"}


def test_evidence_carries_attribution_and_flags(services):
    services.accounts.ensure("Acme", industry="Logistics", segment="Mid-market")
    c = call(services, "Acme", at(3, 12), rep="Dana Rep")
    made = note(
        services,
        c.id,
        NoteKind.PAIN,
        "Dispatch runs on whiteboards #dispatch",
        intensity=4,
        quote_worthy=True,
        case_study=True,
        offset_ms=125_000,
    )
    services.review.grade(c.id, Grade.SQL, "Dana Rep")

    evidence = march(services).pains.themes[0].evidence[0]

    assert evidence.note_id == made.id and evidence.call_id == c.id
    assert (evidence.account, evidence.industry, evidence.segment) == (
        "Acme",
        "Logistics",
        "Mid-market",
    )
    assert evidence.rep == "Dana Rep"
    assert evidence.text == "Dispatch runs on whiteboards #dispatch"
    assert evidence.intensity == 4 and evidence.offset_ms == 125_000
    assert evidence.quote_worthy and evidence.case_study
    assert evidence.call_date == date(2024, 3, 12)
    assert evidence.call_grade is Grade.SQL


# -- trends --------------------------------------------------------------------------


def test_previous_period_counts_give_each_theme_a_trend(services):
    for day in (10, 20):
        c = call(services, f"Old {day}", at(2, day))
        note(services, c.id, NoteKind.PAIN, "Too slow #speed")
    old = call(services, "Old price", at(2, 11))
    note(services, old.id, NoteKind.PAIN, "Pricey #price")
    for day in (3, 4, 5):
        c = call(services, f"New {day}", at(3, day))
        note(services, c.id, NoteKind.PAIN, "Way too expensive #price")
    c = call(services, "Now slow", at(3, 6))
    note(services, c.id, NoteKind.PAIN, "Sluggish UI #speed")
    c = call(services, "Fresh", at(3, 7))
    note(services, c.id, NoteKind.PAIN, "Security worries #security")

    pains = march(services).pains

    price, security, speed = (pains.get(n) for n in ("price", "security", "speed"))
    assert price is not None and security is not None and speed is not None
    assert (price.calls, price.previous_calls, price.change, price.trend) == (3, 1, 2, "up")
    assert (speed.calls, speed.previous_calls, speed.change, speed.trend) == (1, 2, -1, "down")
    assert (security.previous_calls, security.trend) == (0, "new")


def test_a_month_is_compared_with_the_whole_calendar_month_before_as_its_own_report_counts_it(
    services,
):
    # February 2024 has 29 days: the 31 days before March reached back to 30 January.
    for when, tag in (
        (at(1, 30), "speed"),  # in the 31 days before March, not in February
        (at(1, 31, 23, 30), "speed"),
        (at(2, 1, 0, 10), "speed"),  # February's first and last minutes
        (at(2, 29, 23, 50), "price"),
        (at(3, 1, 0, 5), "speed"),
        (at(3, 31, 23, 55), "speed"),
    ):
        c = call(services, f"Account {when:%m-%d %H}", when)
        note(services, c.id, NoteKind.PAIN, f"Notes on {tag}", tags=[tag])
        services.review.grade(c.id, Grade.SQL, "Riley Rep")

    insights = march(services)
    february = services.insights.month(2024, 2)
    trend = services.trends.series(MARCH, count=3, themes=[(NoteKind.PAIN, "speed")])

    assert insights.previous_period == february.period == Period.month(2024, 2)
    assert insights.previous_totals == february.totals
    assert insights.previous_totals.calls == 2
    assert insights.previous_grades.sql == february.grades.sql == 2
    speed = insights.pains.get("speed")
    assert speed is not None and (speed.calls, speed.previous_calls) == (2, 1)
    february_speed = february.pains.get("speed")
    assert february_speed is not None and february_speed.calls == 1
    assert [p.period for p in trend] == [
        Period.month(2024, 1),
        Period.month(2024, 2),
        MARCH,
    ]
    assert [p.calls for p in trend] == [2, 2, 2]
    assert [p.theme_calls(NoteKind.PAIN, "speed") for p in trend] == [2, 1, 2]


def test_a_custom_range_is_compared_with_as_many_days_just_before(services):
    week = Period(date(2024, 3, 4), date(2024, 3, 10))
    for day in (3, 4, 10, 11):  # 26 Feb - 3 Mar is the week before
        c = call(services, f"Day {day}", at(3, day))
        note(services, c.id, NoteKind.PAIN, "Slow exports", tags=["speed"])
    call(services, "Too early", at(2, 25))

    insights = services.insights.compute(week)
    trend = services.trends.series(week, count=2, themes=[(NoteKind.PAIN, "speed")])

    assert insights.previous_period == Period(date(2024, 2, 26), date(2024, 3, 3))
    assert (insights.totals.calls, insights.previous_totals.calls) == (2, 1)
    speed = insights.pains.get("speed")
    assert speed is not None and (speed.calls, speed.previous_calls) == (2, 1)
    assert [p.period for p in trend] == [insights.previous_period, week]
    assert [p.theme_calls(NoteKind.PAIN, "speed") for p in trend] == [1, 2]


# -- disputed notes ------------------------------------------------------------------


def test_a_disputed_note_counts_towards_nothing(services):
    a = call(services, "Acme", at(3, 4))
    b = call(services, "Beta", at(3, 5))
    c = call(services, "Gamma", at(3, 6))
    # "speed": two calls that stand, intensities 2 and 4; a disputed 5 on a third call.
    note(services, a.id, NoteKind.PAIN, "exports are painfully slow", tags=["speed"], intensity=2)
    note(services, b.id, NoteKind.PAIN, "exports are painfully slow", tags=["speed"], intensity=4)
    wrong_speed = note(
        services, c.id, NoteKind.PAIN, "exports are painfully slow", tags=["speed"], intensity=5
    )
    # "audit": carried by one disputed note only, in March and in February.
    wrong_audit = note(services, a.id, NoteKind.PAIN, "audit prep is manual", tags=["audit"])
    before = call(services, "Old", at(2, 10))
    wrong_before = note(services, before.id, NoteKind.PAIN, "audit again", tags=["audit"])
    # A disputed competitor, a disputed untagged pain, a disputed flagged quote.
    wrong_rival = note(services, b.id, NoteKind.COMPETITOR, "they use Veloxa", tags=["veloxa"])
    wrong_untagged = note(services, c.id, NoteKind.PAIN, "onboarding drags on for weeks")
    wrong_quote = note(services, c.id, NoteKind.QUOTE, "we'd buy today", quote_worthy=True)
    # A disputed note on the previous period's "speed" too.
    wrong_old = note(services, before.id, NoteKind.PAIN, "slow", tags=["speed"])
    for n in (
        wrong_speed,
        wrong_audit,
        wrong_before,
        wrong_rival,
        wrong_untagged,
        wrong_quote,
        wrong_old,
    ):
        services.review.annotate(n.id, Verdict.DISPUTED, "Riley Rep")

    insights = march(services)
    trend = services.trends.series(
        MARCH, count=2, themes=[(NoteKind.PAIN, "speed"), (NoteKind.PAIN, "audit")]
    )
    alignment = services.alignment.compute(MARCH)

    assert names(insights.pains) == ["speed"]
    speed = insights.pains.get("speed")
    assert speed is not None
    assert (speed.calls, speed.accounts, speed.notes) == (2, 2, 2)
    assert (speed.mean_intensity, speed.max_intensity) == (3.0, 4)
    assert (speed.previous_calls, speed.trend) == (0, "new")
    assert [p.text for p in speed.phrases] == ["exports are painfully slow"]
    assert [p.calls for p in speed.phrases] == [2]
    assert wrong_speed.id not in {e.note_id for e in speed.evidence}
    assert insights.competitors.themes == ()
    assert (insights.pains.untagged_notes, insights.pains.untagged_calls) == (0, 0)
    assert insights.pains.groups == ()
    assert insights.quote_bank.total == 0
    assert insights.totals.notes == 2  # the two "speed" notes that stand
    assert insights.previous_totals.notes == 0
    assert [p.theme_calls(NoteKind.PAIN, "speed") for p in trend] == [0, 2]
    assert [p.theme_calls(NoteKind.PAIN, "audit") for p in trend] == [0, 0]
    assert alignment.counts.disputed == 5  # where disagreement is the subject, they show


# -- filters -------------------------------------------------------------------------


def test_filters_narrow_every_number(services):
    services.accounts.ensure("Small One", segment="SMB", industry="Retail")
    services.accounts.ensure("Big One", segment="Enterprise", industry="Banking")
    small = call(services, "Small One", at(3, 4), rep="Riley Rep", marketer="Mo Marketer")
    big = call(services, "Big One", at(3, 5), rep="Sam Seller", marketer="Kim Marketer")
    note(services, small.id, NoteKind.PAIN, "Cash flow is tight #cash")
    note(services, big.id, NoteKind.PAIN, "Compliance reviews take months #compliance")
    services.review.grade(big.id, Grade.MQL, "Sam Seller")

    smb = march(services, InsightFilters(segment="smb"))
    assert smb.totals.calls == 1
    assert names(smb.pains) == ["cash"]
    assert smb.grades.mql == 0

    sam = march(services, InsightFilters(rep="  sam   SELLER "))
    assert sam.totals.calls == 1
    assert names(sam.pains) == ["compliance"]
    assert sam.grades.mql == 1

    assert names(march(services, InsightFilters(industry="Retail")).pains) == ["cash"]
    assert names(march(services, InsightFilters(marketer="kim marketer")).pains) == ["compliance"]
    assert names(march(services, InsightFilters(account="big one")).pains) == ["compliance"]
    nobody = march(services, InsightFilters(rep="Nobody"))
    assert nobody.totals.calls == 0 and nobody.pains.themes == ()


def test_filters_describe_themselves_for_the_cover():
    assert InsightFilters().describe() == "all calls"
    filters = InsightFilters(segment="SMB", rep="Dana", account="  ")
    assert filters.describe() == "segment: SMB; rep: Dana"


# -- grades --------------------------------------------------------------------------


def test_grade_mix_counts_calls_by_grade_in_each_period(services):
    grades = [Grade.SQL, Grade.SQL, Grade.MQL, Grade.UNQUALIFIED, None]
    for day, grade in enumerate(grades, start=1):
        c = call(services, f"Account {day}", at(3, day))
        if grade:
            services.review.grade(c.id, grade, "Riley Rep")
    old = call(services, "Old", at(2, 14))
    services.review.grade(old.id, Grade.MQL, "Riley Rep")

    insights = march(services)

    mix = insights.grades
    assert (mix.sql, mix.mql, mix.unqualified, mix.ungraded) == (2, 1, 1, 1)
    assert mix.count(Grade.SQL) == 2 and mix.count(None) == 1
    assert mix.calls == insights.totals.calls == 5
    assert len(mix.revisions) == 1
    previous = insights.previous_grades
    assert (previous.mql, previous.sql, previous.ungraded) == (1, 0, 0)


# -- objections ----------------------------------------------------------------------


def test_objections_show_how_reps_answered_and_how_often_those_calls_became_sql(services):
    answered = call(services, "Acme", at(3, 4))
    note(
        services,
        answered.id,
        NoteKind.OBJECTION,
        "We already have a tool for this #switching-cost",
        response="Offered a free migration",
    )
    services.review.grade(answered.id, Grade.SQL, "Riley Rep")
    silent = call(services, "Beta", at(3, 5))
    note(services, silent.id, NoteKind.OBJECTION, "Switching is a hassle #switching-cost")
    services.review.grade(silent.id, Grade.MQL, "Riley Rep")
    disputed = call(services, "Gamma", at(3, 6))
    bad = note(
        services,
        disputed.id,
        NoteKind.OBJECTION,
        "Migration scares them #switching-cost",
        response="Something the rep never said",
    )
    services.review.annotate(bad.id, Verdict.DISPUTED, "Riley Rep")

    theme = march(services).objections.get("switching-cost")

    assert theme is not None
    assert theme.calls == 2  # the disputed note counts nowhere
    assert theme.sql_calls == 1
    assert theme.responded_calls == 1
    assert [r.response for r in theme.responses] == ["Offered a free migration"]


# -- qualification coverage ----------------------------------------------------------


def test_coverage_counts_calls_per_criterion(services):
    statuses = [
        {"budget": CriterionStatus.ANSWERED, "need": CriterionStatus.ASKED},
        {"budget": CriterionStatus.DISQUALIFYING, "authority": CriterionStatus.ASKED},
        {"budget": CriterionStatus.ASKED},
        {},
    ]
    for day, answers in enumerate(statuses, start=1):
        c = call(services, f"Account {day}", at(3, day), framework="bant")
        for criterion, status in answers.items():
            services.qualification.set_status(c.id, criterion, status)
        if day == 1:
            services.review.grade(c.id, Grade.SQL, "Riley Rep")
    call(services, "No framework", at(3, 9))

    (bant,) = march(services).coverage

    assert (bant.key, bant.calls) == ("bant", 4)
    criteria = {c.key: c for c in bant.criteria}
    assert [c.key for c in bant.criteria] == ["budget", "authority", "need", "timeline"]
    budget = criteria["budget"]
    assert (budget.calls, budget.asked, budget.answered, budget.disqualifying) == (4, 3, 2, 1)
    assert budget.answered_sql == 1
    assert (criteria["authority"].asked, criteria["authority"].answered) == (1, 0)
    assert (criteria["need"].asked, criteria["need"].answered) == (1, 0)
    assert criteria["timeline"].asked == 0
    assert [c.key for c in bant.never_answered] == ["authority", "need", "timeline"]
    assert bant.mean_asked == pytest.approx(5 / 4)


def test_coverage_counts_confirmed_answers(services):
    c = call(services, "Acme", at(3, 4), framework="bant")
    question = note(
        services, c.id, NoteKind.QUESTION, "Is there budget?", answer="Yes, 50k approved"
    )
    services.qualification.link_note(question.id, "budget")
    services.review.annotate(question.id, Verdict.CONFIRMED, "Riley Rep")

    (bant,) = march(services).coverage

    budget = bant.criteria[0]
    assert (budget.answered, budget.confirmed) == (1, 1)


# -- competitors ---------------------------------------------------------------------


def test_competitor_mentions_are_counted_per_competitor_in_calls(services):
    a = call(services, "Acme", at(3, 4))
    b = call(services, "Beta", at(3, 5))
    note(services, a.id, NoteKind.COMPETITOR, "Trialling #rivalsoft")
    note(services, a.id, NoteKind.COMPETITOR, "Rivalsoft is cheaper #rivalsoft")
    note(services, b.id, NoteKind.COMPETITOR, "Rivalsoft demo next week #rivalsoft")
    note(services, b.id, NoteKind.COMPETITOR, "Also looked at #otherco")
    note(services, b.id, NoteKind.COMPETITOR, "Some spreadsheet vendor, name unknown")
    note(services, a.id, NoteKind.PAIN, "Rivalsoft is not a pain #pain-tag")

    competitors = march(services).competitors

    assert names(competitors) == ["Rivalsoft", "otherco"]
    rival = competitors.themes[0]
    assert (rival.calls, rival.notes) == (2, 4)  # the pain note names it too
    assert (competitors.untagged_notes, competitors.untagged_calls) == (1, 1)


# -- outcomes and the quote bank -----------------------------------------------------


def test_themes_know_which_deals_were_won_or_lost(services):
    for account, outcome in (("Won Co", Outcome.WON), ("Lost Co", Outcome.LOST), ("Open", None)):
        c = call(services, account, at(3, 4))
        note(services, c.id, NoteKind.PAIN, "Data silos #silos")
        if outcome:
            services.accounts.set_outcome(account, outcome, on=date(2024, 4, 1))

    theme = march(services).pains.get("silos")

    assert theme is not None
    assert (theme.calls, theme.won_accounts, theme.lost_accounts) == (3, 1, 1)


def deals_month(services: Services) -> None:
    """Deals closing in March 2024 whose calls were in any month, and some that did not."""

    def deal(account: str, when: datetime, outcome: Outcome | None, on: date | None, **kw):
        c = call(services, account, when, **kw)
        if outcome is not None:
            services.accounts.set_outcome(account, outcome, on=on, reason=f"{account} reason")
        return c

    early = deal("Won Early", at(1, 15), Outcome.WON, date(2024, 3, 10))  # no March call
    note(services, early.id, NoteKind.PAIN, "Exports are slow", tags=["speed"])
    note(services, early.id, NoteKind.OBJECTION, "Too pricey", tags=["price"])
    marched = deal("Won March", at(3, 5), Outcome.WON, date(2024, 3, 20))
    note(services, marched.id, NoteKind.PAIN, "Slow dashboards", tags=["speed"])
    call(services, "Won March", at(3, 12))  # a second call at the same account
    lost = deal("Lost Co", at(2, 20), Outcome.LOST, date(2024, 3, 31), rep="Other Rep")
    note(services, lost.id, NoteKind.OBJECTION, "Budget is gone", tags=["price"])
    note(services, lost.id, NoteKind.COMPETITOR, "Went with Veloxa", tags=["veloxa"])
    wrong = note(services, lost.id, NoteKind.PAIN, "Speed is fine", tags=["speed"])
    services.review.annotate(wrong.id, Verdict.DISPUTED, "Riley Rep")
    deal("Stalled", at(3, 1), Outcome.NO_DECISION, date(2024, 3, 1))
    deal("Won Last Year", datetime(2023, 5, 2, 12).astimezone(), Outcome.WON, date(2023, 6, 1))
    deal("Lost April", at(3, 25), Outcome.LOST, date(2024, 4, 1))
    deal("Still Open", at(3, 26), None, None)
    gone = deal("Trashed Only", at(3, 2), Outcome.WON, date(2024, 3, 15))
    services.calls.delete(gone.id)  # no live call: not a ride-along deal


def test_deals_closed_in_the_period_whenever_their_calls_were(services):
    deals_month(services)

    deals = march(services).deals

    assert [(d.account, d.outcome, d.closed_on, d.calls) for d in deals.closed] == [
        ("Stalled", Outcome.NO_DECISION, date(2024, 3, 1), 1),
        ("Won Early", Outcome.WON, date(2024, 3, 10), 1),
        ("Won March", Outcome.WON, date(2024, 3, 20), 2),
        ("Lost Co", Outcome.LOST, date(2024, 3, 31), 1),
    ]
    assert deals.closed[1].last_call == date(2024, 1, 15)
    assert deals.closed[2].last_call == date(2024, 3, 12)
    assert deals.closed[3].reason == "Lost Co reason"
    assert (deals.period.won, deals.period.lost, deals.period.no_decision) == (2, 1, 1)
    assert deals.period.decided == 3 and deals.period.win_rate == pytest.approx(2 / 3)
    assert not deals.period.conclusive  # fewer than 5 decided deals
    assert (deals.overall.won, deals.overall.lost, deals.overall.no_decision) == (3, 2, 1)
    assert deals.overall.win_rate == pytest.approx(3 / 5) and deals.overall.conclusive
    heard = {(h.kind, h.name): (h.won, h.lost, h.no_decision, h.calls) for h in deals.heard}
    assert heard == {
        (NoteKind.PAIN, "speed"): (2, 0, 0, 2),  # the disputed note on Lost Co counts nowhere
        (NoteKind.OBJECTION, "price"): (1, 1, 0, 2),
        (NoteKind.COMPETITOR, "veloxa"): (0, 1, 0, 1),
    }


def test_deals_follow_the_filters(services):
    deals_month(services)

    deals = march(services, InsightFilters(rep="other rep")).deals

    assert [d.account for d in deals.closed] == ["Lost Co"]
    assert (deals.overall.won, deals.overall.lost) == (0, 1)
    assert deals.overall.win_rate == 0.0 and not deals.overall.conclusive


def test_a_month_without_closed_deals_has_none(services):
    deals_month(services)

    deals = services.insights.month(2024, 2).deals

    assert deals.closed == () and deals.heard == ()
    assert deals.period.decided == 0 and deals.period.win_rate is None
    assert deals.overall.decided == 5


def test_quote_bank_holds_flagged_notes_except_disputed_ones(services):
    c = call(services, "Acme", at(3, 4))
    best = note(services, c.id, NoteKind.QUOTE, "This would save my weekends", quote_worthy=True)
    services.review.annotate(best.id, Verdict.CONFIRMED, "Riley Rep")
    note(services, c.id, NoteKind.PAIN, "We lost a client over a late report", case_study=True)
    wrong = note(services, c.id, NoteKind.QUOTE, "Misheard quote", quote_worthy=True)
    services.review.annotate(wrong.id, Verdict.DISPUTED, "Riley Rep")
    note(services, c.id, NoteKind.QUOTE, "Not flagged")

    bank = march(services).quote_bank

    assert bank.total == 2
    assert [q.text for q in bank.quotes] == [
        "This would save my weekends",
        "We lost a client over a late report",
    ]


# -- long work -----------------------------------------------------------------------


def test_progress_is_reported_and_cancel_stops_the_work(services):
    call(services, "Acme", at(3, 4))
    seen: list[tuple[int, int]] = []
    services.insights.compute(MARCH, progress=lambda done, total: seen.append((done, total)))
    assert seen and seen[-1][0] == seen[-1][1]

    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        services.insights.compute(MARCH, cancel=token)


def test_an_empty_month_is_all_zeros(services):
    insights = services.insights.month(2024, 3)

    assert insights.totals.calls == 0 and insights.previous_totals.calls == 0
    assert insights.grades.calls == 0
    assert insights.pains.themes == () and insights.pains.groups == ()
    assert insights.coverage == () and insights.quote_bank.total == 0


# -- competitors named in any note (issue 14) ----------------------------------------


def test_a_known_competitor_counts_on_every_call_that_names_it_in_any_note(services):
    # Veloxa becomes known by one tagged competitor note; Clarivo by a note in February.
    feb = call(services, "Old", at(2, 20))
    note(services, feb.id, NoteKind.COMPETITOR, "Clarivo came up #clarivo")
    a = call(services, "Acme", at(3, 1))
    b = call(services, "Beta", at(3, 2))
    c = call(services, "Gamma", at(3, 3))
    d = call(services, "Delta", at(3, 4))
    e = call(services, "Epsilon", at(3, 5), framework="bant")
    f = call(services, "Zeta", at(3, 6))
    note(services, a.id, NoteKind.COMPETITOR, "Trialling Veloxa #veloxa #competition")
    note(services, b.id, NoteKind.PAIN, "Veloxa's reports take an hour to load")  # untagged
    note(services, c.id, NoteKind.OBJECTION, "Too pricey", response="Cheaper than VELOXA")
    note(services, c.id, NoteKind.QUESTION, "Who else?", answer="veloxa, and Clarivo")
    services.qualification.set_status(
        e.id, "need", CriterionStatus.ANSWERED, answer="Replace Veloxa by summer"
    )
    note(services, d.id, NoteKind.PAIN, "Veloxasoft is not Veloxa-like")
    note(services, f.id, NoteKind.PAIN, "Veloxan is a word, not the name")
    disputed = note(services, f.id, NoteKind.PAIN, "Veloxa does this better")
    services.review.annotate(disputed.id, Verdict.DISPUTED, "Riley Rep")
    note(services, b.id, NoteKind.COMPETITOR, "Some spreadsheet vendor #competitors")

    competitors = march(services).competitors

    # "Veloxa" is written four times, "VELOXA" and "veloxa" once each: shown as most.
    assert names(competitors) == ["Veloxa", "Clarivo"]
    veloxa, clarivo = competitors.themes
    # Acme (tag and text), Beta (pain), Gamma (response, answer), Delta ("Veloxa-like"
    # is the word Veloxa), Epsilon (a criterion's answer); not Zeta: "Veloxan" is
    # another word and the note naming it is disputed.
    assert (veloxa.calls, veloxa.accounts) == (5, 5)
    assert veloxa.notes == 5  # Acme, Beta, Gamma's objection and question, Delta
    assert (clarivo.calls, clarivo.previous_calls, clarivo.trend) == (1, 1, "same")
    # the generic #competitors note named no known competitor
    assert (competitors.untagged_notes, competitors.untagged_calls) == (1, 1)
    assert veloxa.evidence[0].kind is NoteKind.COMPETITOR


# -- qualification verdicts (issue 14) -----------------------------------------------


def test_each_criterion_gets_a_verdict_against_its_frameworks_sql_baseline(services):
    answered, asked = CriterionStatus.ANSWERED, CriterionStatus.ASKED
    grades = {1: Grade.SQL, 2: Grade.SQL, 3: Grade.SQL, 4: Grade.MQL, 5: Grade.MQL,
              7: Grade.SQL, 8: Grade.MQL, 9: Grade.UNQUALIFIED, 10: Grade.MQL}  # fmt: skip
    statuses = {
        "budget": {day: answered for day in range(1, 7)},
        "need": {**{day: asked for day in range(1, 7)}, 9: answered, 10: answered},
        "authority": {day: answered for day in (1, 4, 8, 9)} | {10: CriterionStatus.DISQUALIFYING},
        "timeline": {1: answered, 6: answered},
    }
    for day in range(1, 11):  # call 6 is not graded: it is not "not SQL"
        c = call(services, f"Account {day}", at(3, day), framework="bant")
        for criterion, by_day in statuses.items():
            if day in by_day:
                services.qualification.set_status(c.id, criterion, by_day[day])
        if day in grades:
            services.review.grade(c.id, grades[day], "Riley Rep")
    # February: two BANT calls, one covering budget and graded SQL; a MEDDICC call that
    # is not in March's report; March's call without a framework neither.
    for day, grade in ((1, Grade.SQL), (2, Grade.MQL)):
        c = call(services, f"Old {day}", at(2, day), framework="bant")
        services.review.grade(c.id, grade, "Riley Rep")
        if day == 1:
            services.qualification.set_status(c.id, "budget", answered)
    call(services, "Meddicc", at(2, 3), framework="meddicc")
    call(services, "None", at(3, 20))

    (bant,) = march(services).coverage

    assert bant.calls == 10
    assert bant.baseline == SqlBaseline(graded=9, sql=4)  # 44%
    assert bant.previous_baseline == SqlBaseline(graded=2, sql=1)
    c = {x.key: x for x in bant.criteria}
    budget, need, authority, timeline = c["budget"], c["need"], c["authority"], c["timeline"]
    covered = (budget.asked, budget.answered, budget.graded_covered, budget.answered_sql)
    assert covered == (6, 6, 5, 3)
    assert budget.previous == PreviousCoverage(
        calls=2, asked=1, covered=1, graded_covered=1, covered_sql=1
    )
    assert budget.covered_change == 10  # 60% of calls now, 50% in February
    keep = bant.verdict(budget)
    assert keep.word == KEEP
    assert keep.reason == (
        "SQL on 3 of 5 graded calls that covered it (60%) against 44% of all 9 graded "
        f"{bant.name} calls: a lift of 16 points."
    )
    assert (need.asked, need.answered) == (8, 2)
    rephrase = bant.verdict(need)
    assert rephrase.word == REPHRASE
    assert "asked on 8 of 10 calls but covered on only 2" in rephrase.reason
    # a disqualifying answer covers it; 1 of 5 graded calls SQL (20%) against 44%
    assert (authority.answered, authority.disqualifying, authority.answered_sql) == (5, 1, 1)
    drop = bant.verdict(authority)
    assert drop.word == DROP
    assert "SQL on 1 of 5 graded calls that covered it (20%)" in drop.reason
    assert "(\N{MINUS SIGN}24 points): no lift" in drop.reason
    assert "Covered on only" not in keep.reason
    # two calls covered the timeline, only one of them graded: too few to judge
    assert (timeline.answered, timeline.graded_covered) == (2, 1)
    too_few = bant.verdict(timeline)
    assert too_few.word == TOO_FEW
    assert too_few.reason.startswith("1 graded call covered it")
    assert timeline.previous.calls == 2 and timeline.covered_change == 20


def test_a_criterion_that_lifts_but_is_rarely_covered_is_kept_with_advice(services):
    for day in range(1, 11):
        c = call(services, f"Account {day}", at(3, day), framework="bant")
        services.review.grade(c.id, Grade.SQL if day <= 6 else Grade.MQL, "Riley Rep")
        if day <= 5:  # covered on 5 calls, all SQL: 100% against 60%
            services.qualification.set_status(c.id, "budget", CriterionStatus.ANSWERED)

    (bant,) = march(services).coverage

    budget = bant.criteria[0]
    assert budget.previous.calls == 0 and budget.covered_change is None
    verdict = bant.verdict(budget)
    assert verdict.word == KEEP
    assert verdict.reason.endswith("Covered on only 5 of 10 calls: cover it more.")


def test_a_hyphenated_or_accented_competitor_is_found_however_it_is_spaced(services):
    a = call(services, "Acme", at(3, 1))
    b = call(services, "Beta", at(3, 2))
    c = call(services, "Gamma", at(3, 3))
    note(services, a.id, NoteKind.COMPETITOR, "Trialling it #deal-grove #Écrin")
    note(services, b.id, NoteKind.PAIN, "Deal Grove is slow; Deal Grove is dear")
    note(services, c.id, NoteKind.OBJECTION, "DEALGROVE costs less and ÉCRIN too")

    competitors = march(services).competitors

    assert [(t.name, t.calls) for t in competitors.themes] == [
        ("Deal Grove", 3),  # the tag, twice "Deal Grove", once "DEALGROVE"
        ("ÉCRIN", 2),  # tagged on one call, written on another: as written
    ]


def test_the_trend_starts_with_the_first_period_anything_was_logged(services):
    for day in (5, 20):
        c = call(services, f"Day {day}", at(3, day))
        note(services, c.id, NoteKind.PAIN, "Slow exports", tags=["speed"])
    c = call(services, "February", at(2, 12))
    note(services, c.id, NoteKind.PAIN, "Slow exports", tags=["speed"])

    trend = services.trends.series(MARCH, count=6, themes=[(NoteKind.PAIN, "speed")])

    assert [p.period for p in trend] == [Period.month(2024, 2), MARCH]
    assert [p.theme_calls(NoteKind.PAIN, "speed") for p in trend] == [1, 2]
