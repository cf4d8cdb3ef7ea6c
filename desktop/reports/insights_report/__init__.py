"""The monthly insights PDF: what a period of ride-alongs adds up to, for the company.

Built only from service values: `InsightsService.compute` (totals, grades, ranked
themes with evidence, suggested groups, coverage, quote bank), `AlignmentService`
(how often reps confirm marketers' notes), `TrendService` (the periods before, for the
line charts) and the definitions in force for the period's grades. Every count is
distinct calls shown as "k of n calls", with a percentage only where n is 10 or more;
changes against the previous period are counts. Quotes carry their review status and
are never disputed notes (the service never offers one).

Sections, each a PDF bookmark and a module of this package: cover, summary, pains and
objections (`themes`), qualification, competitors, in their words (`words`), won and
lost (`outcomes`), quote bank, alignment, appendix. `gather` collects what they print
from the services; `pieces` holds what several of them print alike. This module
assembles the document.
"""

from __future__ import annotations

import os

from reportlab.platypus import Flowable

from desktop.progress import CancelToken, Progress, no_progress
from desktop.reports.insights_report import (
    alignment,
    appendix,
    competitors,
    cover,
    outcomes,
    qualification,
    quote_bank,
    summary,
    themes,
    words,
)
from desktop.reports.insights_report.gather import Report, gather
from desktop.reports.insights_report.redacted import shown_filters
from desktop.reports.layout import Phases, ReportInfo, check_target, write_pdf
from desktop.services import Services
from desktop.services.base import check_storable
from desktop.services.insight_values import Insights
from desktop.services.periods import InsightFilters, Period
from desktop.services.redaction import RedactionOptions, RedactionPreview


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
    # The PDF's metadata holds it as UTF-8, which a lone surrogate is not.
    check_storable(generated_by, "the name of who generates the report")
    phases = Phases(progress, cancel)
    report = gather(services, period, filters, insights, redaction, phases, cancel, generated_by)
    story = _story(report)
    phases.check()
    title = f"Ride-along insights — {period.label}"
    pages = write_pdf(
        target,
        story,
        title=title,
        author=report.generated_by,
        subject=f"Ride-along insights for {period.label} ({_described(report)})",
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
    report = gather(services, period, filters, insights, options, phases, cancel)
    _story(report)
    assert report.t.redactor is not None
    phases.done()
    return report.t.redactor.preview()


def _described(r: Report) -> str:
    """The filters for the PDF's subject, redacted like the cover."""
    return "; ".join(f"{w}: {v}" for w, v in shown_filters(r.insights.filters, r.t)) or "all calls"


def _story(r: Report) -> list[Flowable]:
    """The sections in reading order."""
    return [
        *cover.flowables(r),
        *summary.flowables(r),
        *themes.flowables(r, r.insights.pains, "Pains", "pain"),
        *themes.flowables(r, r.insights.objections, "Objections", "objection"),
        *qualification.flowables(r),
        *competitors.flowables(r),
        *words.flowables(r),
        *outcomes.flowables(r),
        *quote_bank.flowables(r),
        *alignment.flowables(r),
        *appendix.flowables(r),
    ]
