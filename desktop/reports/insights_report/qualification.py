"""Qualification: how far the period's calls got on each criterion of their framework."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, PageBreak

from desktop.reports.insights_report.gather import Report
from desktop.reports.insights_report.pieces import esc
from desktop.reports.layout import BODY_WIDTH, gap, heads, k_of_n, plural, section, share, table
from desktop.reports.text import label, para
from desktop.services.insight_values import FrameworkCoverage


def flowables(r: Report) -> list[Flowable]:
    s = r.styles
    out: list[Flowable] = section("Qualification", s.h1)
    if not r.insights.coverage:
        out.append(label("No call in this period used a qualification framework.", s.body))
        out.append(PageBreak())
        return out
    out.append(
        label(
            "How far calls got on each criterion of their framework: asked, covered (answered, "
            "or found disqualifying), disqualifying alone, confirmed by the rep, and how often "
            "calls that covered it were graded SQL.",
            s.body,
        )
    )
    for fw in r.insights.coverage:
        out += _framework(r, fw)
    out.append(PageBreak())
    return out


def _framework(r: Report, fw: FrameworkCoverage) -> list[Flowable]:
    s, n = r.styles, fw.calls
    out: list[Flowable] = [CondPageBreak(60 * mm)]
    out += section(f"{fw.name} — {plural(n, 'call')}", s.h2, level=1)
    rows: list[Sequence[object]] = [
        heads(
            s,
            "Criterion",
            "Asked",
            "Covered",
            "Disqualifying",
            "Confirmed",
            "Covered → SQL",
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
        out.append(label(f"<b>Most often covered:</b> {esc(best)}.", s.body))
    never = fw.never_answered
    if never:
        out.append(
            label(
                "<b>Never covered this period:</b> " + esc(", ".join(c.name for c in never)) + ".",
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
                f"<b>Too many questions for one call.</b> Calls using {esc(fw.name)} got through "
                f"{fw.mean_asked:.1f} of its {total} questions on average. Consider dropping or "
                f"merging the {plural(drop, 'least asked criterion', 'least asked criteria')}: "
                f"{esc(names)}.",
                s.warning,
            )
        )
    return out
