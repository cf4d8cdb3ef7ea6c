"""Competitors: the known ones (on the team's list, or tagged once on a competitor
note) ranked by the calls whose notes, answers or responses name them, with a quote for
the leaders."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, PageBreak

from desktop.reports.insights_report.gather import Report
from desktop.reports.insights_report.pieces import RANKED, quote, theme_title
from desktop.reports.layout import (
    BODY_WIDTH,
    bar_chart,
    heads,
    plural,
    section,
    share,
    table,
    trend_mark,
)
from desktop.reports.text import label, para


def flowables(r: Report) -> list[Flowable]:
    s, sec, n = r.styles, r.insights.competitors, r.insights.totals.calls
    out: list[Flowable] = section("Competitors", s.h1)
    if not sec.themes:
        out.append(label("No known competitor was named on a call in this period.", s.body))
        out.append(PageBreak())
        return out
    out.append(
        label(
            "Competitors named on calls, by the number of calls they came up on: a competitor "
            "is known once it is on the team's competitor list or a competitor note is tagged "
            "with its name (a tag such as #competition names no one), and a call counts when "
            "any note, answer or response on it names the competitor as a word, in any case. "
            "Disputed notes do not count.",
            s.body,
        )
    )
    out.append(
        bar_chart(
            [(theme_title(t), t.calls) for t in sec.themes[:RANKED]],
            previous=[t.previous_calls for t in sec.themes[:RANKED]],
            caption="calls mentioning the competitor",
            names=(r.insights.period.label, r.insights.previous_period.label),
        )
    )
    rows: list[Sequence[object]] = [
        heads(
            s, "Competitor", "Calls", "Accounts", "Notes", r.insights.period.versus, right=(1, 2, 3)
        )
    ]
    for theme in sec.themes[:RANKED]:
        rows.append(
            [
                para(theme_title(theme), s.cell),
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
            out.append(KeepTogether([para(theme_title(theme), s.h3), *quote(r, theme.evidence[0])]))
    if sec.untagged_notes:
        out.append(
            label(
                f"{plural(sec.untagged_notes, 'competitor note')} on "
                f"{plural(sec.untagged_calls, 'call')} "
                "named no known competitor and are not counted here.",
                s.muted,
            )
        )
    out.append(PageBreak())
    return out
