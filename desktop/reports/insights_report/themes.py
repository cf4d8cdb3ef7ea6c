"""A section of ranked themes (pains, objections): the ranking, the trend chart, the
leading themes one by one with their quotes, and suggested groups of untagged notes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Final

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, PageBreak

from desktop.domain import NoteKind
from desktop.reports.insights_report.gather import Report
from desktop.reports.insights_report.pieces import (
    QUOTE_LIMIT,
    RANKED,
    quote,
    theme_title,
)
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
from desktop.services.insight_values import Evidence, ThemeRank, ThemeSection
from desktop.wording import k_of_those, verb

#: Themes described one by one, and the quotes shown for each.
DETAILED: Final = 6
QUOTES_PER_THEME: Final = 3


def flowables(r: Report, sec: ThemeSection, title: str, noun: str) -> list[Flowable]:
    s, ins = r.styles, r.insights
    n = ins.totals.calls
    out: list[Flowable] = section(title, s.h1)
    if not sec.themes:
        out.append(
            label(
                f"No {noun} notes were tagged with a theme in this period. " + _untagged(sec, noun),
                s.body,
            )
        )
    else:
        out.append(
            label(
                f"{plural(len(sec.themes), 'theme')} of {noun}s, ranked by the number of calls "
                "that raised them, then by how hard (mean intensity, 1–5). "
                f"Base: {plural(n, 'call')} in the period. " + _untagged(sec, noun),
                s.body,
            )
        )
        ranked = sec.themes[:RANKED]
        out.append(
            bar_chart(
                [(theme_title(t), t.calls) for t in ranked],
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
                    para(theme_title(theme), s.cell),
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
            rest = ", ".join(f"{theme_title(t)} ({t.calls})" for t in sec.themes[RANKED:])
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
        (theme_title(t), [float(p.theme_calls(t.kind, t.name)) for p in r.trends]) for t in shown
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
    facts.append(k_of_those(theme.sql_calls, theme.calls, "call", "graded SQL"))
    head: list[Flowable] = [
        CondPageBreak(45 * mm),
        *section(f"{rank}. {theme_title(theme)}", s.h2, level=1),
        label(
            " · ".join(facts)
            + f" · {trend_mark(theme.trend, theme.change)} {r.insights.period.versus}",
            s.muted,
        ),
    ]
    body: list[Flowable] = []
    quotes = _distinct(theme.evidence, lambda e: e.words)[:QUOTES_PER_THEME]
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
        for e in _distinct(theme.responses, lambda e: e.response or "")[:3]:
            body.append(para(f"• {r.t(e.response)}", s.body, limit=QUOTE_LIMIT))
            grade = f"graded {e.call_grade.label}" if e.call_grade else "not graded"
            body.append(label(f"the call was {grade}", s.attribution))
    if theme.suggested:
        body.append(
            label(
                f"Suggested: {plural(len(theme.suggested), f'untagged {noun} note')} on "
                f"{plural(theme.suggested_calls, 'call')} "
                f"{verb(len(theme.suggested), 'resembles', 'resemble')} this theme "
                "(not counted above).",
                s.muted,
            )
        )
    return head + body


def _distinct(items: Sequence[Evidence], words: Callable[[Evidence], str]) -> list[Evidence]:
    """Without a second bullet saying the same words (compared ignoring case and spaces)."""
    seen: set[str] = set()
    out = []
    for e in items:
        key = " ".join(words(e).lower().split())
        if key not in seen:
            seen.add(key)
            out.append(e)
    return out


def _untagged(sec: ThemeSection, noun: str) -> str:
    """What became of the notes without a theme, in one sentence that adds up."""
    listed = sec.suggested_notes
    if not listed:
        return f"Every {noun} note had a theme." if sec.themes else ""
    resembling = sum(len(t.suggested) for t in sec.themes)
    grouped = sum(len(g.notes) for g in sec.groups)
    parts = [
        text
        for k, text in (
            (resembling, f"{resembling:,} {verb(resembling, 'resembles', 'resemble')} a theme"),
            (grouped, f"{grouped:,} {verb(grouped, 'shares', 'share')} a phrase across calls"),
            (
                len(sec.unthemed),
                f"{len(sec.unthemed):,} {verb(len(sec.unthemed), 'stands', 'stand')} alone",
            ),
        )
        if k
    ]
    calls = len({e.call_id for e in listed})
    every = "it is" if len(listed) == 1 else "all are"
    return (
        f"{plural(len(listed), f'{noun} note')} on {plural(calls, 'call')} had no theme: "
        f"{_listing(parts)}; {every} listed in appendix C, not counted in the ranking."
    )


def _listing(parts: Sequence[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _groups(r: Report, sec: ThemeSection, noun: str) -> list[Flowable]:
    """What the untagged notes suggest, one example each: a theme they resemble, a phrase
    they share across calls, or nothing. Every one of them is listed in appendix C, so
    none vanishes and the body stays short."""
    s = r.styles
    if not sec.suggested_notes:
        return []
    out: list[Flowable] = [CondPageBreak(50 * mm)]
    out += section(f"Untagged {noun}s", s.h2, level=1)
    out.append(
        label(
            f"<b>Suggested, not counted above.</b> These {noun} notes had no theme; appendix C "
            "lists every one. Tag them in the app to make them count.",
            s.box,
        )
    )
    resembling = [t for t in sec.themes if t.suggested]
    if resembling:
        out.append(label("Resembling a theme", s.h3))
        rows: list[Sequence[object]] = [
            heads(s, "Theme", "Notes", "Calls", "For example", right=(1, 2))
        ]
        for theme in resembling:
            rows.append(
                [
                    para(theme_title(theme), s.cell),
                    label(f"{len(theme.suggested):,}", s.cell_right),
                    label(f"{theme.suggested_calls:,}", s.cell_right),
                    _example(r, theme.suggested[0].note),
                ]
            )
        out.append(table(rows, [40 * mm, 14 * mm, 14 * mm, BODY_WIDTH - 68 * mm], right=(1, 2)))
    if sec.groups:
        out.append(label("Sharing a phrase across calls", s.h3))
        rows = [
            heads(s, "Shared phrase", "Notes", "Calls", "SQL calls", "For example", right=(1, 2, 3))
        ]
        for group in sec.groups:
            rows.append(
                [
                    para(f"“{r.t(group.label)}”", s.cell),
                    label(f"{len(group.notes):,}", s.cell_right),
                    label(f"{group.calls:,}", s.cell_right),
                    label(f"{group.sql_calls:,}", s.cell_right),
                    _example(r, group.notes[0]),
                ]
            )
        out.append(
            table(rows, [36 * mm, 14 * mm, 14 * mm, 16 * mm, BODY_WIDTH - 80 * mm], right=(1, 2, 3))
        )
    if sec.unthemed:
        alone = len(sec.unthemed)
        out.append(
            label(
                f"{plural(alone, f'{noun} note')} {verb(alone, 'stands', 'stand')} alone "
                f"(no theme resembled, no phrase shared): appendix C lists "
                f"{'it' if alone == 1 else 'them'}.",
                s.muted,
            )
        )
    return out


def _example(r: Report, e: Evidence) -> Flowable:
    return para(f"“{r.t(e.words)}”", r.styles.cell, limit=240)
