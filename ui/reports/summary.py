"""The insights on screen: the headline numbers and rankings, before any PDF is made.

Counts read the same as in the PDF ("3 of 5 calls", percentages only from 10 calls on),
because both use `desktop.reports.layout`'s wording.
"""

from __future__ import annotations

import html

from desktop.domain import Grade
from desktop.services.insight_values import Insights, ThemeSection

ROWS = 8


def _rows(section: ThemeSection, total_calls: int, noun: str) -> str:
    from desktop.reports.layout import k_of_n, trend_mark

    if not section.themes and not section.groups:
        return f"<p><i>No {noun} themes in this period.</i></p>"
    lines = [
        "<table cellspacing=0 cellpadding=4>",
        "<tr><th align=left>Theme</th><th align=left>Raised in</th>"
        "<th align=left>Accounts</th><th align=left>Trend</th></tr>",
    ]
    for theme in section.themes[:ROWS]:
        lines.append(
            f"<tr><td>#{html.escape(theme.name)}</td>"
            f"<td>{k_of_n(theme.calls, total_calls)}</td><td>{theme.accounts}</td>"
            f"<td>{trend_mark(theme.trend, theme.change)}</td></tr>"
        )
    lines.append("</table>")
    if len(section.themes) > ROWS:
        lines.append(f"<p><i>and {len(section.themes) - ROWS} more themes in the PDF</i></p>")
    for group in section.groups[:3]:
        lines.append(
            f"<p>Suggested group <b>“{html.escape(group.label)}”</b>: "
            f"{k_of_n(group.calls, total_calls)} ({html.escape(group.basis)})</p>"
        )
    return "".join(lines)


def insights_html(insights: Insights) -> str:
    from desktop.reports.layout import change, k_of_n

    totals, before = insights.totals, insights.previous_totals
    grades, previous = insights.grades, insights.previous_grades
    parts = [
        f"<h2>{html.escape(insights.period.label)}</h2>",
        f"<p>{html.escape(insights.filters.describe())} · compared with "
        f"{html.escape(insights.previous_period.label)}</p>",
        "<table cellspacing=0 cellpadding=6><tr>",
    ]
    for label, now, then in (
        ("calls", totals.calls, before.calls),
        ("accounts", totals.accounts, before.accounts),
        ("notes", totals.notes, before.notes),
    ):
        parts.append(
            f"<td align=center><span style='font-size:20pt'><b>{now:,}</b></span><br>{label}"
            f"<br><small>{change(now, then)}</small></td>"
        )
    parts.append("</tr></table>")
    mix = ", ".join(
        f"{grade.label} {k_of_n(grades.count(grade), grades.calls)}"
        f" ({change(grades.count(grade), previous.count(grade))})"
        for grade in Grade
    )
    parts.append(f"<p><b>Lead grades:</b> {mix}; {grades.ungraded} not graded yet.</p>")
    if totals.calls == 0:
        parts.append("<p><i>No calls in this period with these filters.</i></p>")
        return "".join(parts)
    parts.append("<h3>Pains</h3>")
    parts.append(_rows(insights.pains, totals.calls, "pain"))
    parts.append("<h3>Objections</h3>")
    parts.append(_rows(insights.objections, totals.calls, "objection"))
    if insights.competitors.themes:
        mentions = ", ".join(
            f"{html.escape(t.name)} ({k_of_n(t.calls, totals.calls)})"
            for t in insights.competitors.themes[:ROWS]
        )
        parts.append(f"<h3>Competitors</h3><p>{mentions}</p>")
    for framework in insights.coverage:
        never = framework.never_answered
        parts.append(
            f"<h3>{html.escape(framework.name)}</h3><p>{framework.calls} calls used it; on "
            f"average {framework.mean_asked:.1f} of {len(framework.criteria)} questions asked."
            + (
                " Never answered: " + ", ".join(html.escape(c.name) for c in never) + "."
                if never
                else ""
            )
            + "</p>"
        )
    for caveat in insights.caveats:
        parts.append(f"<p><i>{html.escape(caveat)}</i></p>")
    return "".join(parts)
