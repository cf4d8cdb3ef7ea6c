"""Alignment between marketing and sales: how often reps confirmed what marketers filed,
by kind of note and by marketer and rep, and its trend.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, PageBreak

from desktop.reports.insights_report.gather import Report
from desktop.reports.layout import BODY_WIDTH, heads, k_of_n, line_chart, plural, section, table
from desktop.reports.text import label, para
from desktop.services.alignment import MIN_REVIEWS_FOR_KAPPA, VerdictCounts


def _pct(counts: VerdictCounts) -> str:
    return (
        f"{round(100 * counts.agreement)}%"
        if counts.agreement is not None and counts.reviewed >= 10
        else (f"{counts.confirmed} of {counts.reviewed}" if counts.reviewed else "–")
    )


def flowables(r: Report) -> list[Flowable]:
    s, a = r.styles, r.alignment
    out: list[Flowable] = [PageBreak(), *section("Alignment between marketing and sales", s.h1)]
    c = a.counts
    if not c.reviewed:
        out.append(label("No note from this period has been reviewed by a rep yet.", s.body))
        return out
    before = a.previous
    kappa = f" Cohen's kappa: {a.kappa:.2f}." if a.kappa is not None else ""
    then = r.insights.previous_period.label
    previous = (
        f" In {then}: {k_of_n(before.confirmed, before.reviewed, 'reviewed notes')}."
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
    rows: list[Sequence[object]] = [
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
