"""What one insights report is made of, gathered before a line is laid out: the insights,
the alignment, the trend points, the definitions its grades were given against, and
the text filter (redaction) every piece of user text goes through.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Final

from desktop.progress import CancelToken
from desktop.reports.insights_report.redacted import redact_values
from desktop.reports.layout import Phases, Styles
from desktop.reports.text import ReportText
from desktop.services import Services
from desktop.services.alignment import Alignment
from desktop.services.insight_values import Evidence, Insights
from desktop.services.periods import InsightFilters, Period
from desktop.services.redaction import RedactionOptions
from desktop.services.trends import TrendPoint
from desktop.services.values import DefinitionView

#: Periods in the trend charts, the report's own the last.
TREND_PERIODS: Final = 6


class Report:
    """Everything the sections print, gathered once so that laying out the pages runs no
    query, and the redaction preview reads exactly the text the PDF would."""

    def __init__(
        self,
        insights: Insights,
        alignment: Alignment,
        trends: tuple[TrendPoint, ...],
        definitions: list[tuple[str, int, Sequence[DefinitionView]]],
        generated_by: str,
        t: ReportText,
    ) -> None:
        self.insights = insights
        self.alignment = alignment
        self.trends = trends
        self.definitions = definitions
        self.generated_by = generated_by
        self.t = t
        self.styles = Styles()


def gather(
    services: Services,
    period: Period,
    filters: InsightFilters | None,
    insights: Insights | None,
    redaction: RedactionOptions | None,
    phases: Phases,
    cancel: CancelToken | None,
    generated_by: str = "",
) -> Report:
    """Read the report's inputs, reusing `insights` when they are for this period and
    these filters; this is the first half of the report's progress."""
    filters = filters or InsightFilters()
    if insights is None or insights.period != period or insights.filters != filters:
        insights = services.insights.compute(
            period, filters, progress=phases.part(0, 0.4), cancel=cancel
        )
    phases.check()
    alignment = services.alignment.compute(period, filters)
    top = [(t.kind, t.name) for t in insights.pains.themes[:5]]
    top += [(t.kind, t.name) for t in insights.objections.themes[:3]]
    trends = services.trends.series(period, filters, count=TREND_PERIODS, themes=top)
    phases.part(0.4, 0.5)(1, 2)
    phases.check()
    definitions: list[tuple[str, int, Sequence[DefinitionView]]] = []
    for revision in insights.grades.revisions:
        definitions.append(
            (
                f"Revision {revision}, used by grades this period",
                revision,
                services.definitions.at(revision),
            )
        )
    current = services.definitions.revision()
    if current is not None and current not in insights.grades.revisions:
        definitions.append(
            (f"Current definitions (revision {current})", current, services.definitions.current())
        )
    redactor = None
    if redaction is not None:
        accounts = {e.account for e in _all_evidence(insights)}
        accounts |= {d.account for d in insights.deals.closed}
        if filters.account:
            accounts.add(filters.account)
        competitors = [t.name for t in insights.competitors.themes]
        redactor = services.redaction.redactor(sorted(accounts), redaction, competitors)
        insights, alignment, trends, generated_by = redact_values(
            insights, alignment, trends, generated_by, redactor
        )
    phases.part(0.4, 0.5)(2, 2)
    return Report(insights, alignment, trends, definitions, generated_by, ReportText(redactor))


def _all_evidence(insights: Insights) -> Iterable[Evidence]:
    for sec in (insights.pains, insights.objections, insights.competitors):
        for theme in sec.themes:
            yield from theme.evidence
            yield from theme.responses
            yield from (s.note for s in theme.suggested)
        for group in sec.groups:
            yield from group.notes
    yield from insights.quote_bank.quotes
