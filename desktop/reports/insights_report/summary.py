"""The summary: totals against the previous period, the headlines, the leading themes
at a glance and the lead grades.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak, Table, TableStyle

from desktop.domain import Grade
from desktop.reports.insights_report.gather import Report
from desktop.reports.insights_report.pieces import esc, theme_title, unfinished
from desktop.reports.layout import (
    ACCENT_LIGHT,
    BODY_WIDTH,
    INK,
    Styles,
    change,
    gap,
    heads,
    k_of_n,
    plural,
    section,
    table,
)
from desktop.reports.text import label
from desktop.services.insight_values import ThemeRank
from desktop.wording import k_of_those


def _figure(s: Styles, value: str, caption: str, note: str) -> list[Flowable]:
    return [label(value, s.figure), label(caption, s.figure_label), label(note, s.figure_label)]


def flowables(r: Report) -> list[Flowable]:
    s, ins = r.styles, r.insights
    totals, before = ins.totals, ins.previous_totals
    grades, prev = ins.grades, ins.previous_grades
    out: list[Flowable] = section("Summary", s.h1)
    vs = ins.period.versus
    tiles = [
        _figure(s, f"{totals.calls:,}", "calls", f"{change(totals.calls, before.calls)} {vs}"),
        _figure(
            s,
            f"{totals.accounts:,}",
            "accounts",
            f"{change(totals.accounts, before.accounts)} {vs}",
        ),
        _figure(s, f"{totals.notes:,}", "notes", f"{change(totals.notes, before.notes)} {vs}"),
        _figure(s, f"{grades.sql:,}", "calls graded SQL", f"{change(grades.sql, prev.sql)} {vs}"),
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
    rows: list[Sequence[object]] = [
        heads(
            s,
            "Grade",
            ins.period.label,
            ins.previous_period.label,
            "Change",
            right=(1, 2, 3),
        )
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


def _at_a_glance(r: Report) -> list[Flowable]:
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
                    f'{esc(theme_title(theme))} <font color="#69707d">{theme.calls} of {n}</font>',
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


def _headlines(r: Report) -> list[str]:
    ins, n = r.insights, r.insights.totals.calls
    if n == 0:
        return ["No ride-along calls were logged in this period with these filters."]
    found = []
    before, then = ins.previous_totals.calls, ins.previous_period.label
    found.append(
        f"Marketers rode along on {plural(n, 'call')} with "
        f"{plural(ins.totals.accounts, 'account')}, "
        + (f"against {before} in {then}" if before else f"with none in {then}")
        + (f"; {ins.period.label} is {running}." if (running := unfinished(r)) else ".")
    )
    if ins.pains.themes:
        top = ins.pains.themes[0]
        found.append(
            f"The pain heard most was <b>{esc(theme_title(top))}</b>, raised on "
            f"{k_of_n(top.calls, n)}" + _trend_words(top, ins.previous_period.label) + "."
        )
    if ins.objections.themes:
        top = ins.objections.themes[0]
        found.append(
            f"The most common objection was <b>{esc(theme_title(top))}</b> "
            f"— raised on {k_of_n(top.calls, n)}; "
            f"{k_of_those(top.sql_calls, top.calls, 'call', 'graded SQL')}."
        )
    a = r.alignment.counts
    if a.reviewed:
        found.append(
            f"Reps confirmed {k_of_n(a.confirmed, a.reviewed, 'reviewed notes')} as the marketer "
            f"filed them, corrected {a.corrected:,} and disputed {a.disputed:,}."
        )
    return found


def _trend_words(theme: ThemeRank, then: str) -> str:
    """The change against the previous period, named (`then`: "October 2026")."""
    if theme.trend == "new":
        return f", new this period (none in {then})"
    if theme.trend == "same":
        return f", as many as in {then}"
    direction = "up" if theme.change > 0 else "down"
    return f", {direction} from {theme.previous_calls} in {then}"
