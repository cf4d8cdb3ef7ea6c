"""The cover: the period, what it is compared with, the filters, who generated it."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak, Table, TableStyle

from desktop.reports.insights_report.gather import Report
from desktop.reports.insights_report.pieces import TYPED_LIMIT, unfinished
from desktop.reports.insights_report.redacted import shown_filters
from desktop.reports.layout import BODY_WIDTH, INK, RULE, gap, plural, section
from desktop.reports.text import label, para


def flowables(r: Report) -> list[Flowable]:
    s, ins, t = r.styles, r.insights, r.t
    filters = shown_filters(ins.filters, t)
    generated = ins.generated_at.astimezone()
    rows = [
        (
            "Period",
            f"{ins.period.start:%d %B %Y} to {ins.period.end:%d %B %Y} "
            f"({plural(ins.period.days, 'day')})"
            + (f"; {running}" if (running := unfinished(r)) else ""),
        ),
        (
            "Compared with",
            (
                f"{ins.previous_period.label}, the calendar month before"
                if ins.period.is_month
                else f"{ins.previous_period.start:%d %B %Y} to "
                f"{ins.previous_period.end:%d %B %Y}, the {plural(ins.period.days, 'day')} before"
            ),
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
        rows.append(("Redaction", t.redactor.options.summary))
    grid = Table(
        [[label(k, s.cell_head), para(v, s.body, limit=TYPED_LIMIT)] for k, v in rows],
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
            "only where n is 10 or more, and in the qualification verdicts, whose rules "
            "compare rates. Quotes show whether the rep confirmed them; a note "
            "the rep disputed counts nowhere but in the alignment. The appendix says how "
            "everything is counted.",
            s.muted,
        ),
        PageBreak(),
    ]
