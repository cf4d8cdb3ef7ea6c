"""The monthly insights PDF: what a period of ride-alongs adds up to, for the company.

Built only from service values: `InsightsService.compute` (totals, grades, ranked
themes with evidence, suggested groups, coverage, quote bank), `AlignmentService`
(how often reps confirm marketers' notes), `TrendService` (the periods before, for the
line charts) and the definitions in force for the period's grades. Every count is
distinct calls shown as "k of n calls", with a percentage only where n is 10 or more;
changes against the previous period are counts. Quotes carry their review status and
are never disputed notes (the service never offers one).

Sections, each a PDF bookmark: cover, summary, pains, objections, qualification,
competitors, in their words, won and lost, quote bank, alignment, appendix.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from typing import Final

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, PageBreak, Table, TableStyle

from desktop.domain import Grade, NoteKind, ReviewStatus
from desktop.progress import CancelToken, Progress, no_progress
from desktop.reports.layout import (
    ACCENT_LIGHT,
    BODY_WIDTH,
    INK,
    RULE,
    Phases,
    ReportInfo,
    Styles,
    bar_chart,
    change,
    check_target,
    gap,
    heads,
    k_of_n,
    line_chart,
    plural,
    section,
    share,
    table,
    trend_mark,
    write_pdf,
)
from desktop.reports.text import ReportText, label, para
from desktop.services import Services
from desktop.services.alignment import MIN_REVIEWS_FOR_KAPPA, Alignment, VerdictCounts
from desktop.services.insight_values import (
    Evidence,
    FrameworkCoverage,
    Insights,
    ThemeRank,
    ThemeSection,
)
from desktop.services.insights import RANKING_RULES
from desktop.services.periods import InsightFilters, Period
from desktop.services.redaction import RedactionOptions, RedactionPreview
from desktop.services.trends import TrendPoint
from desktop.services.values import DefinitionView

#: Themes ranked in a table and in the bar chart; those described one by one.
RANKED: Final = 12
DETAILED: Final = 6
QUOTES_PER_THEME: Final = 3
#: Characters of a quote shown in a table or evidence list (a marker says what is cut).
QUOTE_LIMIT: Final = 600
TREND_PERIODS: Final = 6
GROUPS_SHOWN: Final = 8

_STATUS_WORDS: Final = {
    ReviewStatus.CONFIRMED: '<font color="#2e7d4f">✓ confirmed by the rep</font>',
    ReviewStatus.CORRECTED: '<font color="#b5651d">✎ corrected by the rep</font>',
    ReviewStatus.UNREVIEWED: '<font color="#69707d">not yet reviewed</font>',
}
_MORE_RULES: Final = (
    "Percentages are shown only where the base is 10 calls or more; below that, counts "
    "alone. Trend arrows compare the calls raising a theme with the previous period of the "
    "same length: ▲ more calls, ▼ fewer, ■ the same, ● new (none before). Won and lost "
    "count accounts whose deal outcome is recorded, whatever the date of the outcome. "
    "Qualification counts are calls using the framework; a criterion answered or "
    "disqualifying was also asked; confirmed means the rep confirmed a question note "
    "linked to it. Agreement is the share of reviewed notes the rep confirmed as filed "
    "(a correction or a dispute is not agreement). Cohen's kappa treats each reviewed "
    "note as rated twice, the marketer's filing under a kind and the rep's confirmation "
    "(or not) of it, and discounts the agreement that the two sides' mixes of kinds would "
    "give by chance: 1 is full agreement, 0 is what chance would give; it is shown from "
    f"{MIN_REVIEWS_FOR_KAPPA} reviewed notes on. Numbers count the data as it stood when "
    "the report was generated; regenerating a period gives the same numbers unless notes "
    "were added, reviewed or moved to the trash since."
)


def build_insights_report(
    services: Services,
    period: Period,
    filters: InsightFilters | None,
    path: str | os.PathLike[str],
    *,
    generated_by: str,
    redaction: RedactionOptions | None = None,
    insights: Insights | None = None,
    progress: Progress = no_progress,
    cancel: CancelToken | None = None,
) -> ReportInfo:
    """Write the period's insights PDF to `path` (atomically) and say what was written.

    Pass `insights` already computed for the same period and filters (the Reports view
    has them on screen) to skip computing them again. Raises `UserError` for a path that
    cannot be written and `Cancelled` when the token is set, leaving no file behind.
    """
    target = check_target(path)
    phases = Phases(progress, cancel)
    report = _gather(services, period, filters, insights, redaction, phases, cancel, generated_by)
    story = _story(report)
    phases.check()
    title = f"Ride-along insights — {period.label}"
    pages = write_pdf(
        target,
        story,
        title=title,
        author=generated_by,
        subject=f"Ride-along insights for {period.label} ({report.insights.filters.describe()})",
        keywords=("ride-along", "insights", period.label),
        progress=phases.part(0.5, 1.0),
        cancel=cancel,
    )
    phases.done()
    return ReportInfo(target, pages, phases.seconds, title, report.t.redactor is not None)


def preview_insights_redaction(
    services: Services,
    period: Period,
    filters: InsightFilters | None,
    options: RedactionOptions,
    *,
    insights: Insights | None = None,
    progress: Progress = no_progress,
    cancel: CancelToken | None = None,
) -> RedactionPreview:
    """What the insights PDF would hide with these options (nothing is written): the
    report's own text is run through the redactor, so the list is exactly what goes."""
    phases = Phases(progress, cancel)
    report = _gather(services, period, filters, insights, options, phases, cancel)
    _story(report)
    assert report.t.redactor is not None
    phases.done()
    return report.t.redactor.preview()


# -- gathering -----------------------------------------------------------------------


class _Report:
    def __init__(
        self,
        insights: Insights,
        alignment: Alignment,
        trends: tuple[TrendPoint, ...],
        definitions: list[tuple[str, int, Sequence[DefinitionView]]],
        generated_by: str,
        t: ReportText,
    ) -> None:
        self.insights = insights
        self.alignment = alignment
        self.trends = trends
        self.definitions = definitions
        self.generated_by = generated_by
        self.t = t
        self.styles = Styles()


def _gather(
    services: Services,
    period: Period,
    filters: InsightFilters | None,
    insights: Insights | None,
    redaction: RedactionOptions | None,
    phases: Phases,
    cancel: CancelToken | None,
    generated_by: str = "",
) -> _Report:
    filters = filters or InsightFilters()
    if insights is None or insights.period != period or insights.filters != filters:
        insights = services.insights.compute(
            period, filters, progress=phases.part(0, 0.4), cancel=cancel
        )
    phases.check()
    alignment = services.alignment.compute(period, filters)
    top = [(t.kind, t.name) for t in insights.pains.themes[:5]]
    top += [(t.kind, t.name) for t in insights.objections.themes[:3]]
    trends = services.trends.series(period, filters, count=TREND_PERIODS, themes=top)
    phases.part(0.4, 0.5)(1, 2)
    phases.check()
    definitions: list[tuple[str, int, Sequence[DefinitionView]]] = []
    for revision in insights.grades.revisions:
        definitions.append(
            (
                f"Revision {revision}, used by grades this period",
                revision,
                services.definitions.at(revision),
            )
        )
    current = services.definitions.revision()
    if current is not None and current not in insights.grades.revisions:
        definitions.append(
            (f"Current definitions (revision {current})", current, services.definitions.current())
        )
    redactor = None
    if redaction is not None:
        accounts = {e.account for e in _all_evidence(insights)}
        if filters.account:
            accounts.add(filters.account)
        redactor = services.redaction.redactor(sorted(accounts), redaction)
    phases.part(0.4, 0.5)(2, 2)
    return _Report(insights, alignment, trends, definitions, generated_by, ReportText(redactor))


def _all_evidence(insights: Insights) -> Iterable[Evidence]:
    for sec in (insights.pains, insights.objections, insights.competitors):
        for theme in sec.themes:
            yield from theme.evidence
            yield from theme.responses
            yield from (s.note for s in theme.suggested)
        for group in sec.groups:
            yield from group.notes
    yield from insights.quote_bank.quotes


# -- the story -----------------------------------------------------------------------


def _story(r: _Report) -> list[Flowable]:
    story: list[Flowable] = []
    story += _cover(r)
    story += _summary(r)
    story += _themes(r, r.insights.pains, "Pains", "pain")
    story += _themes(r, r.insights.objections, "Objections", "objection")
    story += _qualification(r)
    story += _competitors(r)
    story += _in_their_words(r)
    story += _won_lost(r)
    story += _quote_bank(r)
    story += _alignment(r)
    story += _appendix(r)
    return story


def theme_title(name: str) -> str:
    """A tag as a reader reads it: `manual-reporting` is "Manual reporting"."""
    words = name.replace("-", " ").strip()
    return words[:1].upper() + words[1:]


def _cover(r: _Report) -> list[Flowable]:
    s, ins, t = r.styles, r.insights, r.t
    filters = [
        (what, t.account(value) if what == "account" else value)
        for what, value in ins.filters.active
    ]
    generated = ins.generated_at.astimezone()
    rows = [
        (
            "Period",
            f"{ins.period.start:%d %B %Y} to {ins.period.end:%d %B %Y} "
            f"({plural(ins.period.days, 'day')})",
        ),
        (
            "Compared with",
            f"{ins.previous_period.start:%d %B %Y} to {ins.previous_period.end:%d %B %Y}",
        ),
        ("Filters", "; ".join(f"{what}: {value}" for what, value in filters) or "none: all calls"),
        ("Generated", f"{generated:%d %B %Y at %H:%M} by {r.generated_by}"),
        (
            "Based on",
            f"{plural(ins.totals.calls, 'call')} with {plural(ins.totals.accounts, 'account')} "
            f"and {plural(ins.totals.notes, 'note')}",
        ),
    ]
    if t.redactor is not None:
        rows.append(
            ("Redaction", "names, e-mail addresses, phone numbers and accounts are replaced")
        )
    grid = Table(
        [[label(k, s.cell_head), para(v, s.body)] for k, v in rows],
        colWidths=[34 * mm, BODY_WIDTH - 34 * mm],
        hAlign="LEFT",
    )
    grid.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
            ]
        )
    )
    band = Table([[""]], colWidths=[BODY_WIDTH], rowHeights=[5])
    band.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, -1), INK)]))
    return [
        gap(60 * mm),
        band,
        gap(10),
        label("RIDE-ALONG INSIGHTS", s.overline),
        *section(f"What prospects told us — {ins.period.label}", s.cover_title),
        label(
            "The pains, objections, questions and words of the prospects our marketers "
            "heard on sales calls, as the reps reviewed them.",
            s.cover_sub,
        ),
        grid,
        gap(14),
        label(
            "Every count is of distinct calls, shown as “k of n calls”; percentages appear "
            "only where n is 10 or more. Quotes show whether the rep confirmed them; a note "
            "the rep disputed is never quoted. The appendix says how everything is counted.",
            s.muted,
        ),
        PageBreak(),
    ]


def _figure(s: Styles, value: str, caption: str, note: str) -> list[Flowable]:
    return [label(value, s.figure), label(caption, s.figure_label), label(note, s.figure_label)]


def _summary(r: _Report) -> list[Flowable]:
    s, ins = r.styles, r.insights
    totals, before = ins.totals, ins.previous_totals
    grades, prev = ins.grades, ins.previous_grades
    out: list[Flowable] = section("Summary", s.h1)
    tiles = [
        _figure(
            s, f"{totals.calls:,}", "calls", f"{change(totals.calls, before.calls)} vs previous"
        ),
        _figure(
            s,
            f"{totals.accounts:,}",
            "accounts",
            f"{change(totals.accounts, before.accounts)} vs previous",
        ),
        _figure(
            s, f"{totals.notes:,}", "notes", f"{change(totals.notes, before.notes)} vs previous"
        ),
        _figure(
            s, f"{grades.sql:,}", "calls graded SQL", f"{change(grades.sql, prev.sql)} vs previous"
        ),
    ]
    strip = Table([tiles], colWidths=[BODY_WIDTH / 4] * 4)
    strip.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), ACCENT_LIGHT),
                ("LINEAFTER", (0, 0), (-2, -1), 1.5, "white"),
                ("TOPPADDING", (0, 0), (-1, -1), 9),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 9),
            ]
        )
    )
    out += [strip, gap(10)]
    out += [label(sentence, s.lead) for sentence in _headlines(r)]
    out += _at_a_glance(r)
    out += section("Lead grades", s.h2, level=1)
    rows: list[list[object]] = [
        heads(s, "Grade", "This period", "Previous period", "Change", right=(1, 2, 3))
    ]
    for grade, name in (
        (Grade.SQL, "SQL"),
        (Grade.MQL, "MQL"),
        (Grade.UNQUALIFIED, "Unqualified"),
        (None, "Not graded yet"),
    ):
        now_n, prev_n = grades.count(grade), prev.count(grade)
        rows.append(
            [
                label(name, s.cell),
                label(k_of_n(now_n, grades.calls), s.cell_right),
                label(k_of_n(prev_n, prev.calls), s.cell_right),
                label(change(now_n, prev_n), s.cell_right),
            ]
        )
    out.append(table(rows, [40 * mm, 45 * mm, 45 * mm, BODY_WIDTH - 130 * mm], right=(1, 2, 3)))
    if grades.revisions:
        used = ", ".join(str(x) for x in grades.revisions)
        out.append(
            label(
                f"Grades were given against the definitions of revision {used} (see the appendix).",
                s.muted,
            )
        )
    for caveat in ins.caveats:
        out.append(label(caveat, s.warning))
    out.append(PageBreak())
    return out


def _at_a_glance(r: _Report) -> list[Flowable]:
    """The leading themes of each kind side by side, counted in calls."""
    s, ins, n = r.styles, r.insights, r.insights.totals.calls
    columns = [
        ("Leading pains", ins.pains.themes[:5]),
        ("Leading objections", ins.objections.themes[:5]),
        ("Competitors named", ins.competitors.themes[:5]),
    ]
    if not any(themes for _, themes in columns):
        return []
    cells: list[list[Flowable]] = []
    for title, themes in columns:
        cell: list[Flowable] = [label(title, s.cell_head)]
        for theme in themes:
            cell.append(
                label(
                    f"{_esc(theme_title(theme.name))} "
                    f'<font color="#69707d">{theme.calls} of {n}</font>',
                    s.cell,
                )
            )
        if not themes:
            cell.append(label("none tagged", s.muted))
        cells.append(cell)
    grid = Table([cells], colWidths=[BODY_WIDTH / 3] * 3, hAlign="LEFT")
    grid.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEABOVE", (0, 0), (-1, 0), 0.8, INK),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 5),
            ]
        )
    )
    return [*section("At a glance", s.h2, level=1), grid, gap(4)]


def _headlines(r: _Report) -> list[str]:
    ins, n = r.insights, r.insights.totals.calls
    if n == 0:
        return ["No ride-along calls were logged in this period with these filters."]
    found = []
    before = ins.previous_totals.calls
    found.append(
        f"Marketers rode along on {plural(n, 'call')} with "
        f"{plural(ins.totals.accounts, 'account')}, "
        + (
            f"against {before} in the previous period."
            if before
            else "with none in the previous period."
        )
    )
    if ins.pains.themes:
        top = ins.pains.themes[0]
        found.append(
            f"The pain heard most was <b>{_esc(theme_title(top.name))}</b>, raised on "
            f"{k_of_n(top.calls, n)}" + _trend_words(top) + "."
        )
    if ins.objections.themes:
        top = ins.objections.themes[0]
        found.append(
            f"The most common objection was <b>{_esc(theme_title(top.name))}</b> "
            f"— raised on {k_of_n(top.calls, n)}; {top.sql_calls} of those "
            f"{plural(top.calls, 'call')} were graded SQL."
        )
    a = r.alignment.counts
    if a.reviewed:
        found.append(
            f"Reps confirmed {k_of_n(a.confirmed, a.reviewed, 'reviewed notes')} as the marketer "
            f"filed them, corrected {a.corrected:,} and disputed {a.disputed:,}."
        )
    return found


def _trend_words(theme: ThemeRank) -> str:
    if theme.trend == "new":
        return ", new this period"
    if theme.trend == "same":
        return ", as many as in the previous period"
    direction = "up" if theme.change > 0 else "down"
    return f", {direction} from {theme.previous_calls} in the previous period"


def _esc(text: str) -> str:
    """User text inside the report's own markup: escaped, in fonts that have it."""
    from desktop.reports.text import markup

    return markup(text)


def _attribution(r: _Report, e: Evidence) -> str:
    """Who said it, as far as the reader may know: role and industry, or the account."""
    t = r.t
    who = e.contact or "prospect"
    where = t.account(e.account) if t.redactor is not None else e.account
    if t.redactor is not None:
        where = (e.industry.lower() + " company") if e.industry else where
    bits = [f"{who}, {where}", f"{e.call_date:%d %b %Y}"]
    return " · ".join(bits)


def _quote(r: _Report, e: Evidence) -> list[Flowable]:
    """A verbatim quote, the rep's correction if any, and who said it with its status."""
    s, t = r.styles, r.t
    out: list[Flowable] = [para(f"“{t(e.text)}”", s.quote, limit=QUOTE_LIMIT)]
    if e.correction:
        out.append(para(f"Rep's correction: {t(e.correction)}", s.quote, limit=QUOTE_LIMIT))
    out.append(_attribution_line(r, e, _STATUS_WORDS.get(e.review_status, "")))
    return out


def _attribution_line(r: _Report, e: Evidence, status: str) -> Flowable:
    from desktop.reports.text import markup

    return label(f"— {markup(_attribution(r, e))} · {status}", r.styles.attribution)


def _themes(r: _Report, sec: ThemeSection, title: str, noun: str) -> list[Flowable]:
    s, ins = r.styles, r.insights
    n = ins.totals.calls
    out: list[Flowable] = section(title, s.h1)
    if not sec.themes:
        out.append(label(f"No {noun} notes were tagged with a theme in this period.", s.body))
    else:
        out.append(
            label(
                f"{plural(len(sec.themes), 'theme')} of {noun}s, ranked by the number of calls "
                "that raised them, then by how hard (mean intensity, 1–5). "
                f"Base: {plural(n, 'call')} "
                f"in the period. {plural(sec.untagged_notes, f'{noun} note')} on "
                f"{plural(sec.untagged_calls, 'call')} had no theme; "
                "suggested groups for them follow "
                "the ranking.",
                s.body,
            )
        )
        ranked = sec.themes[:RANKED]
        out.append(
            bar_chart(
                [(theme_title(t.name), t.calls) for t in ranked],
                previous=[t.previous_calls for t in ranked],
                caption="calls raising the theme",
            )
        )
        rows: list[list[object]] = [
            heads(
                s, "#", "Theme", "Calls", "Accounts", "Intensity", "vs previous", right=(0, 2, 3, 4)
            )
        ]
        for i, theme in enumerate(ranked, start=1):
            rows.append(
                [
                    label(str(i), s.cell_right),
                    para(theme_title(theme.name), s.cell),
                    label(share(theme.calls, n), s.cell_right),
                    label(f"{theme.accounts:,}", s.cell_right),
                    label(
                        f"{theme.mean_intensity:.1f}" if theme.mean_intensity else "–", s.cell_right
                    ),
                    label(trend_mark(theme.trend, theme.change), s.cell),
                ]
            )
        out.append(
            table(
                rows,
                [8 * mm, 62 * mm, 30 * mm, 20 * mm, 20 * mm, BODY_WIDTH - 140 * mm],
                right=(0, 2, 3, 4),
            )
        )
        if len(sec.themes) > RANKED:
            rest = ", ".join(f"{theme_title(t.name)} ({t.calls})" for t in sec.themes[RANKED:])
            out.append(para(f"Also raised: {rest}.", s.muted))
        out += _trend_chart(r, sec)
        for i, theme in enumerate(sec.themes[:DETAILED], start=1):
            out += _theme_detail(r, theme, i, noun)
    out += _groups(r, sec, noun)
    out.append(PageBreak())
    return out


def _trend_chart(r: _Report, sec: ThemeSection) -> list[Flowable]:
    shown = [t for t in sec.themes[:5] if any(p.theme_calls(t.kind, t.name) for p in r.trends)]
    if len(r.trends) < 2 or not shown:
        return []
    labels = [p.label for p in r.trends]
    series = [
        (theme_title(t.name), [float(p.theme_calls(t.kind, t.name)) for p in r.trends])
        for t in shown
    ]
    return [
        CondPageBreak(65 * mm),
        label("Calls raising the leading themes, period by period", r.styles.h3),
        line_chart(labels, series),
    ]


def _theme_detail(r: _Report, theme: ThemeRank, rank: int, noun: str) -> list[Flowable]:
    s, n = r.styles, r.insights.totals.calls
    facts = [
        k_of_n(theme.calls, n),
        plural(theme.accounts, "account"),
        plural(theme.notes, "note"),
    ]
    if theme.mean_intensity:
        facts.append(f"mean intensity {theme.mean_intensity:.1f}")
    facts.append(f"{theme.sql_calls} of these {plural(theme.calls, 'call')} graded SQL")
    head: list[Flowable] = [
        CondPageBreak(45 * mm),
        *section(f"{rank}. {theme_title(theme.name)}", s.h2, level=1),
        label(
            " · ".join(facts) + f" · {trend_mark(theme.trend, theme.change)} vs previous", s.muted
        ),
    ]
    body: list[Flowable] = []
    quotes = theme.evidence[:QUOTES_PER_THEME]
    if quotes:
        for e in quotes:
            body += _quote(r, e)
    else:
        body.append(
            label(
                "No note of this theme can be quoted: every one was disputed by the rep.", s.muted
            )
        )
    if theme.kind is NoteKind.OBJECTION and theme.responses:
        body.append(
            label(
                "<b>How reps answered</b> — a response was noted on "
                f"{k_of_n(theme.responded_calls, theme.calls)} "
                "raising it:",
                s.small,
            )
        )
        for e in theme.responses[:3]:
            body.append(para(f"• {r.t(e.response)}", s.body, limit=QUOTE_LIMIT))
            grade = e.call_grade.label if e.call_grade else "not graded"
            body.append(label(f"call graded {grade}", s.attribution))
    if theme.suggested:
        body.append(
            label(
                f"Suggested: {plural(len(theme.suggested), f'untagged {noun} note')} on "
                f"{plural(theme.suggested_calls, 'call')} resemble this theme (not counted above).",
                s.muted,
            )
        )
    return head + body


def _groups(r: _Report, sec: ThemeSection, noun: str) -> list[Flowable]:
    s = r.styles
    if not sec.groups:
        return []
    out: list[Flowable] = [CondPageBreak(50 * mm)]
    out += section(f"Suggested groups of untagged {noun}s", s.h2, level=1)
    out.append(
        label(
            f"<b>Suggested, not counted above.</b> These {noun} notes had no theme; they share "
            "a phrase across calls. Tag them in the app to make them count.",
            s.box,
        )
    )
    rows: list[list[object]] = [
        heads(s, "Suggested group", "Calls", "SQL calls", "For example", right=(1, 2))
    ]
    for group in sec.groups[:GROUPS_SHOWN]:
        example = group.notes[0] if group.notes else None
        rows.append(
            [
                para(f"“{group.label}”", s.cell),
                label(f"{group.calls:,}", s.cell_right),
                label(f"{group.sql_calls:,}", s.cell_right),
                para(r.t(example.text), s.cell, limit=240) if example else label("–", s.cell),
            ]
        )
    out.append(table(rows, [40 * mm, 14 * mm, 18 * mm, BODY_WIDTH - 72 * mm], right=(1, 2)))
    if len(sec.groups) > GROUPS_SHOWN:
        out.append(
            label(
                f"{len(sec.groups) - GROUPS_SHOWN} more suggested groups are in the app.", s.muted
            )
        )
    return out


def _qualification(r: _Report) -> list[Flowable]:
    s = r.styles
    out: list[Flowable] = section("Qualification", s.h1)
    if not r.insights.coverage:
        out.append(label("No call in this period used a qualification framework.", s.body))
        out.append(PageBreak())
        return out
    out.append(
        label(
            "How far calls got on each criterion of their framework: asked, answered (including "
            "disqualifying answers), confirmed by the rep, and how often calls that answered it "
            "were graded SQL.",
            s.body,
        )
    )
    for fw in r.insights.coverage:
        out += _framework(r, fw)
    out.append(PageBreak())
    return out


def _framework(r: _Report, fw: FrameworkCoverage) -> list[Flowable]:
    s, n = r.styles, fw.calls
    out: list[Flowable] = [CondPageBreak(60 * mm)]
    out += section(f"{fw.name} — {plural(n, 'call')}", s.h2, level=1)
    rows: list[list[object]] = [
        heads(
            s,
            "Criterion",
            "Asked",
            "Answered",
            "Disqualifying",
            "Confirmed",
            "Answered → SQL",
            right=(1, 2, 3, 4, 5),
        )
    ]
    for c in fw.criteria:
        rows.append(
            [
                para(c.name, s.cell),
                label(share(c.asked, n), s.cell_right),
                label(share(c.answered, n), s.cell_right),
                label(share(c.disqualifying, n), s.cell_right),
                label(share(c.confirmed, n), s.cell_right),
                label(share(c.answered_sql, c.answered), s.cell_right),
            ]
        )
    w = (BODY_WIDTH - 40 * mm) / 5
    out.append(table(rows, [40 * mm, w, w, w, w, w], right=(1, 2, 3, 4, 5)))
    out.append(gap(6))
    answered = sorted(
        (c for c in fw.criteria if c.answered), key=lambda c: (-c.answered, c.position)
    )
    if answered:
        best = "; ".join(f"{c.name}, {k_of_n(c.answered, n)}" for c in answered[:3])
        out.append(label(f"<b>Most often answered:</b> {_esc(best)}.", s.body))
    never = fw.never_answered
    if never:
        out.append(
            label(
                "<b>Never answered this period:</b> "
                + _esc(", ".join(c.name for c in never))
                + ".",
                s.body,
            )
        )
    total = len(fw.criteria)
    if n and total - fw.mean_asked >= 2 and fw.mean_asked < 0.7 * total:
        drop = total - max(1, round(fw.mean_asked))
        least = sorted(fw.criteria, key=lambda c: (c.asked, -c.position))[:drop]
        names = "; ".join(f"{c.name} (asked on {k_of_n(c.asked, n)})" for c in least)
        out.append(
            label(
                f"<b>Too many questions for one call.</b> Calls using {_esc(fw.name)} got through "
                f"{fw.mean_asked:.1f} of its {total} questions on average. Consider dropping or "
                f"merging the {plural(drop, 'least asked criterion', 'least asked criteria')}: "
                f"{_esc(names)}.",
                s.warning,
            )
        )
    return out


def _competitors(r: _Report) -> list[Flowable]:
    s, sec, n = r.styles, r.insights.competitors, r.insights.totals.calls
    out: list[Flowable] = section("Competitors", s.h1)
    if not sec.themes:
        out.append(label("No competitor was tagged in this period.", s.body))
        out.append(PageBreak())
        return out
    out.append(label("Competitors named on calls, by the number of calls they came up on.", s.body))
    out.append(
        bar_chart(
            [(theme_title(t.name), t.calls) for t in sec.themes[:RANKED]],
            previous=[t.previous_calls for t in sec.themes[:RANKED]],
            caption="calls mentioning the competitor",
        )
    )
    rows: list[list[object]] = [
        heads(s, "Competitor", "Calls", "Accounts", "Notes", "vs previous", right=(1, 2, 3))
    ]
    for theme in sec.themes[:RANKED]:
        rows.append(
            [
                para(theme_title(theme.name), s.cell),
                label(share(theme.calls, n), s.cell_right),
                label(f"{theme.accounts:,}", s.cell_right),
                label(f"{theme.notes:,}", s.cell_right),
                label(trend_mark(theme.trend, theme.change), s.cell),
            ]
        )
    out.append(
        table(rows, [60 * mm, 32 * mm, 22 * mm, 22 * mm, BODY_WIDTH - 136 * mm], right=(1, 2, 3))
    )
    for theme in sec.themes[:5]:
        if theme.evidence:
            out.append(
                KeepTogether([para(theme_title(theme.name), s.h3), *_quote(r, theme.evidence[0])])
            )
    if sec.untagged_notes:
        out.append(
            label(
                f"{plural(sec.untagged_notes, 'competitor note')} on "
                f"{plural(sec.untagged_calls, 'call')} "
                "named no tagged competitor and are not counted here.",
                s.muted,
            )
        )
    out.append(PageBreak())
    return out


def _in_their_words(r: _Report) -> list[Flowable]:
    s = r.styles
    out: list[Flowable] = section("In their words", s.h1)
    out.append(
        label(
            "The phrases prospects used most often for each leading pain: runs of two to four "
            "words that recur across calls, counted in calls. Raw material for messaging.",
            s.body,
        )
    )
    shown = 0
    for theme in r.insights.pains.themes[:5]:
        if not theme.phrases:
            continue
        shown += 1
        rows: list[list[object]] = [heads(s, "Phrase", "Calls", right=(1,))]
        for phrase in theme.phrases:
            rows.append(
                [para(f"“{r.t(phrase.text)}”", s.cell), label(f"{phrase.calls:,}", s.cell_right)]
            )
        out.append(
            KeepTogether(
                [
                    *section(theme_title(theme.name), s.h3, level=1),
                    table(rows, [BODY_WIDTH - 30 * mm, 30 * mm], right=(1,)),
                ]
            )
        )
    if not shown:
        out.append(
            label("No phrase recurred across calls for the leading pains this period.", s.muted)
        )
    out.append(PageBreak())
    return out


def _won_lost(r: _Report) -> list[Flowable]:
    s, ins = r.styles, r.insights
    out: list[Flowable] = section("Won and lost", s.h1)
    themes = [
        t
        for sec in (ins.pains, ins.objections)
        for t in sec.themes
        if t.won_accounts or t.lost_accounts
    ]
    if not themes:
        out.append(
            label(
                "No deal outcome is recorded yet for the accounts in this period. Once reps "
                "record won and lost deals, this page compares the pains and objections heard "
                "in each.",
                s.body,
            )
        )
        return out
    out.append(
        label(
            "Pains and objections heard this period at accounts whose deal is now won or lost "
            "(counts are accounts).",
            s.body,
        )
    )
    themes.sort(key=lambda t: (-(t.won_accounts + t.lost_accounts), t.kind.value, t.name))
    rows: list[list[object]] = [heads(s, "Theme", "Kind", "Won", "Lost", "Calls", right=(2, 3, 4))]
    for theme in themes[:20]:
        rows.append(
            [
                para(theme_title(theme.name), s.cell),
                label(theme.kind.label, s.cell),
                label(f"{theme.won_accounts:,}", s.cell_right),
                label(f"{theme.lost_accounts:,}", s.cell_right),
                label(f"{theme.calls:,}", s.cell_right),
            ]
        )
    out.append(
        table(rows, [70 * mm, 30 * mm, 20 * mm, 20 * mm, BODY_WIDTH - 140 * mm], right=(2, 3, 4))
    )
    return out


def _quote_bank(r: _Report) -> list[Flowable]:
    s, bank = r.styles, r.insights.quote_bank
    out: list[Flowable] = [PageBreak(), *section("Quote bank", s.h1)]
    if not bank.quotes:
        out.append(label("No note was flagged quote-worthy or as a case-study candidate.", s.body))
        return out
    out.append(
        label(
            f"{plural(bank.total, 'note')} flagged quote-worthy or as a case-study candidate "
            f"(never a disputed one); {_shown(len(bank.quotes), bank.total)} "
            "below, those the rep confirmed first.",
            s.body,
        )
    )
    rows: list[list[object]] = [heads(s, "Quote", "Who and when", "Review")]
    for e in bank.quotes:
        flags = " · ".join(
            x for x, on in (("quote", e.quote_worthy), ("case study", e.case_study)) if on
        )
        quote: list[Flowable] = [para(f"“{r.t(e.text)}”", s.cell, limit=QUOTE_LIMIT)]
        if e.correction:
            quote.append(para(f"Rep's correction: {r.t(e.correction)}", s.small, limit=QUOTE_LIMIT))
        rows.append(
            [
                quote,
                [para(_attribution(r, e), s.small), label(flags, s.muted)],
                label(_STATUS_WORDS.get(e.review_status, ""), s.small),
            ]
        )
    out.append(table(rows, [100 * mm, 42 * mm, BODY_WIDTH - 142 * mm]))
    return out


def _shown(shown: int, total: int) -> str:
    return "all" if shown == total else f"the best {shown}"


def _pct(counts: VerdictCounts) -> str:
    return (
        f"{round(100 * counts.agreement)}%"
        if counts.agreement is not None and counts.reviewed >= 10
        else (f"{counts.confirmed} of {counts.reviewed}" if counts.reviewed else "–")
    )


def _alignment(r: _Report) -> list[Flowable]:
    s, a = r.styles, r.alignment
    out: list[Flowable] = [PageBreak(), *section("Alignment between marketing and sales", s.h1)]
    c = a.counts
    if not c.reviewed:
        out.append(label("No note from this period has been reviewed by a rep yet.", s.body))
        return out
    before = a.previous
    kappa = f" Cohen's kappa: {a.kappa:.2f}." if a.kappa is not None else ""
    previous = (
        f" In the previous period: {k_of_n(before.confirmed, before.reviewed, 'reviewed notes')}."
        if before.reviewed
        else ""
    )
    out.append(
        label(
            f"Reps confirmed {k_of_n(c.confirmed, c.reviewed, 'reviewed notes')} as the marketer "
            f"filed them, corrected {c.corrected:,} and disputed {c.disputed:,}; "
            f"{plural(c.unreviewed, 'note')} of the period are not reviewed yet.{kappa}{previous}",
            s.lead,
        )
    )
    out += section("By kind of note", s.h2, level=1)
    rows: list[list[object]] = [
        heads(
            s,
            "Kind",
            "Notes",
            "Reviewed",
            "Confirmed",
            "Corrected",
            "Disputed",
            "Agreement",
            right=(1, 2, 3, 4, 5, 6),
        )
    ]
    for item in a.by_kind:
        k = item.counts
        rows.append(
            [
                label(item.kind.label, s.cell),
                *(
                    label(f"{x:,}", s.cell_right)
                    for x in (k.notes, k.reviewed, k.confirmed, k.corrected, k.disputed)
                ),
                label(_pct(k), s.cell_right),
            ]
        )
    w = (BODY_WIDTH - 36 * mm) / 6
    out.append(table(rows, [36 * mm] + [w] * 6, right=(1, 2, 3, 4, 5, 6)))
    out += section("By marketer and rep", s.h2, level=1)
    rows = [
        heads(
            s,
            "Marketer → rep",
            "Calls",
            "Reviewed",
            "Confirmed",
            "Corrected",
            "Disputed",
            "Agreement",
            "Kappa",
            right=(1, 2, 3, 4, 5, 6, 7),
        )
    ]
    for pair in a.by_pair:
        k = pair.counts
        rows.append(
            [
                para(f"{pair.marketer or '—'} → {pair.rep or '—'}", s.cell),
                *(
                    label(f"{x:,}", s.cell_right)
                    for x in (pair.calls, k.reviewed, k.confirmed, k.corrected, k.disputed)
                ),
                label(_pct(k), s.cell_right),
                label(f"{pair.kappa:.2f}" if pair.kappa is not None else "–", s.cell_right),
            ]
        )
    w = (BODY_WIDTH - 32 * mm) / 7
    out.append(table(rows, [32 * mm] + [w] * 7, right=(1, 2, 3, 4, 5, 6, 7), tight=True))
    out.append(
        label(
            f"Kappa needs at least {MIN_REVIEWS_FOR_KAPPA} reviewed notes; the appendix "
            "explains it.",
            s.muted,
        )
    )
    points = [p for p in r.trends if p.reviewed]
    if len(points) >= 2:
        out.append(CondPageBreak(60 * mm))
        out.append(label("Agreement, period by period (confirmed of reviewed notes)", s.h3))
        out.append(
            line_chart(
                [p.label for p in r.trends],
                [
                    (
                        "agreement",
                        [100 * p.agreement if p.agreement is not None else None for p in r.trends],
                    )
                ],
                percent=True,
            )
        )
    return out


def _appendix(r: _Report) -> list[Flowable]:
    s = r.styles
    out: list[Flowable] = [PageBreak(), *section("Appendix", s.h1)]
    out += section("A. The agreed definitions", s.h2, level=1)
    if not r.definitions:
        out.append(label("No definitions are recorded.", s.body))
    for title, _revision, items in r.definitions:
        out.append(label(title, s.h3))
        for d in items:
            out.append(para(d.term, s.small))
            out.append(para(d.body, s.quote))
    out += section("B. How the numbers are computed", s.h2, level=1)
    out.append(para(RANKING_RULES, s.body))
    out.append(para(_MORE_RULES, s.body))
    generated = r.insights.generated_at.astimezone()
    out.append(
        para(f"Generated {generated:%d %B %Y, %H:%M} by Ridealong for {r.generated_by}.", s.muted)
    )
    return out
