"""Qualification: how far the period's calls got on each criterion of their framework,
whether covering it went with more SQLs than the framework's baseline, how that moved
since the previous period, and a verdict on each: keep, drop or rephrase."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, PageBreak

from desktop.reports.insights_report.gather import Report
from desktop.reports.insights_report.pieces import esc
from desktop.reports.layout import BODY_WIDTH, gap, heads, k_of_n, plural, section, share, table
from desktop.reports.text import label, para
from desktop.services.insight_values import (
    DROP,
    KEEP,
    REPHRASE,
    VERDICT_RULES,
    CriterionCoverage,
    FrameworkCoverage,
)

_VERDICT_COLOURS = {KEEP: "#2e7d4f", DROP: "#b23a3a", REPHRASE: "#b5651d"}


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
            "or found disqualifying), and how often the graded calls that covered it were "
            "graded SQL, against the framework's baseline (all its graded calls); calls not "
            "graded count in no rate. The previous column is "
            f"{esc(r.insights.previous_period.label)}.",
            s.body,
        )
    )
    out.append(label(f"<b>Verdicts.</b> {esc(VERDICT_RULES)}", s.muted))
    for fw in r.insights.coverage:
        out += _framework(r, fw)
    out.append(PageBreak())
    return out


def _framework(r: Report, fw: FrameworkCoverage) -> list[Flowable]:
    s, n = r.styles, fw.calls
    out: list[Flowable] = [CondPageBreak(60 * mm)]
    out += section(f"{fw.name} — {plural(n, 'call')}", s.h2, level=1)
    base = fw.baseline
    ungraded = n - base.graded
    baseline = (
        f"<b>Baseline:</b> {base.sql:,} of {base.graded:,} graded {esc(r.t(fw.name))} calls "
        f"were graded SQL ({round(100 * base.sql / base.graded)}%)"
        if base.graded
        else f"<b>Baseline:</b> no {esc(r.t(fw.name))} call was graded"
    )
    if ungraded:
        left = "is" if ungraded == 1 else "are"
        baseline += f"; {plural(ungraded, 'call')} not graded {left} left out of every rate"
    out.append(label(baseline + ".", s.body))
    rows: list[Sequence[object]] = [
        heads(
            s,
            "Criterion",
            "Asked",
            "Covered",
            "SQL when covered",
            "Previous",
            "Verdict",
            right=(1, 2, 3),
        )
    ]
    verdicts = []
    for c in fw.criteria:
        verdict = fw.verdict(c)
        verdicts.append((c, verdict))
        colour = _VERDICT_COLOURS.get(verdict.word, "#69707d")
        rows.append(
            [
                para(r.t(c.name), s.cell),
                label(share(c.asked, n), s.cell_right),
                label(_covered(c), s.cell_right),
                label(share(c.answered_sql, c.graded_covered), s.cell_right),
                label(_previous(c), s.cell),
                label(f'<font color="{colour}"><b>{esc(verdict.word)}</b></font>', s.cell),
            ]
        )
    widths = [30 * mm, 20 * mm, 30 * mm, 22 * mm, 40 * mm]
    out.append(table(rows, [*widths, BODY_WIDTH - sum(widths)], right=(1, 2, 3)))
    out.append(gap(4))
    for c, verdict in verdicts:
        out.append(
            label(
                f"<b>{esc(r.t(c.name))} — {esc(verdict.word)}:</b> {esc(r.t(verdict.reason))}",
                s.body,
            )
        )
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


def _covered(c: CriterionCoverage) -> str:
    """Calls covering it, with the disqualifying and rep-confirmed ones beneath."""
    text = share(c.answered, c.calls)
    extra = []
    if c.disqualifying:
        extra.append(f"{c.disqualifying:,} disqualifying")
    if c.confirmed:
        extra.append(f"{c.confirmed:,} confirmed")
    return text + "".join(f"<br/>{e}" for e in extra)


def _previous(c: CriterionCoverage) -> str:
    """The previous period's coverage and SQL rate when covered, and the change in
    points of calls covering it."""
    p = c.previous
    if not p.calls:
        return "framework not used"
    text = f"covered {share(p.covered, p.calls)}"
    change = c.covered_change
    if change:
        text += f"<br/>coverage {'▲ +' if change > 0 else '▼ −'}{abs(change)} pts"
    if p.graded_covered:
        text += f"<br/>SQL {share(p.covered_sql, p.graded_covered)}"
    return text
