"""A section of ranked themes (pains, objections): the ranking, the trend chart, the
leading themes one by one with their quotes, and suggested groups of untagged notes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, PageBreak

from desktop.domain import NoteKind
from desktop.reports.insights_report.gather import Report
from desktop.reports.insights_report.pieces import QUOTE_LIMIT, RANKED, quote, theme_title
from desktop.reports.layout import (
    BODY_WIDTH,
    bar_chart,
    heads,
    k_of_n,
    line_chart,
    plural,
    section,
    share,
    table,
    trend_mark,
)
from desktop.reports.text import label, para
from desktop.services.insight_values import ThemeRank, ThemeSection

#: Themes described one by one, and the quotes shown for each.
DETAILED: Final = 6
QUOTES_PER_THEME: Final = 3
#: Suggested groups of untagged notes listed (the app shows them all).
GROUPS_SHOWN: Final = 8


def flowables(r: Report, sec: ThemeSection, title: str, noun: str) -> list[Flowable]:
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
                names=(ins.period.label, ins.previous_period.label),
            )
        )
        rows: list[Sequence[object]] = [
            heads(
                s,
                "#",
                "Theme",
                "Calls",
                "Accounts",
                "Intensity",
                ins.period.versus,
                right=(0, 2, 3, 4),
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


def _trend_chart(r: Report, sec: ThemeSection) -> list[Flowable]:
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


def _theme_detail(r: Report, theme: ThemeRank, rank: int, noun: str) -> list[Flowable]:
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
            " · ".join(facts)
            + f" · {trend_mark(theme.trend, theme.change)} {r.insights.period.versus}",
            s.muted,
        ),
    ]
    body: list[Flowable] = []
    quotes = theme.evidence[:QUOTES_PER_THEME]
    if quotes:
        for e in quotes:
            body += quote(r, e)
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


def _groups(r: Report, sec: ThemeSection, noun: str) -> list[Flowable]:
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
    rows: list[Sequence[object]] = [
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
