"""The appendix: the agreed definitions the grades were given against, and how every
number in the report is counted.
"""

from __future__ import annotations

from typing import Final

from reportlab.platypus import Flowable, PageBreak

from desktop.reports.insights_report.gather import Report
from desktop.reports.insights_report.pieces import TYPED_LIMIT
from desktop.reports.layout import section
from desktop.reports.text import label, para
from desktop.services.alignment import MIN_REVIEWS_FOR_KAPPA
from desktop.services.insight_values import MIN_DECIDED
from desktop.services.insights import RANKING_RULES

_MORE_RULES: Final = (
    "Percentages are shown only where the base is 10 calls or more; below that, counts "
    "alone. Trend arrows compare the calls raising a theme with the previous period, named "
    "beside them: the calendar month before for a month, else the same number of days "
    "just before; the trend charts use the same periods. ▲ more calls, ▼ fewer, ■ the "
    "same, ● new (none before). Won and lost "
    "lists the deals whose outcome (won, lost, no decision) was recorded for a date in the "
    "period, at accounts with a ride-along call matching the filters, whenever the calls "
    "were; what was heard on them counts accounts over their calls of any month. The win "
    "rate is won over won plus lost, in the period and over every decided deal; under "
    f"{MIN_DECIDED} decided deals the report says it concludes nothing. "
    "Qualification counts are calls using the framework; a criterion answered or "
    "disqualifying was also asked; confirmed means the rep confirmed a question note "
    "linked to it. Agreement is the share of reviewed notes the rep confirmed as filed "
    "(a correction or a dispute is not agreement). Cohen's kappa treats each reviewed "
    "note as rated twice, the marketer's filing under a kind and the rep's confirmation "
    "(or not) of it, and discounts the agreement that the two sides' mixes of kinds would "
    "give by chance: 1 is full agreement, 0 is what chance would give; it is shown from "
    f"{MIN_REVIEWS_FOR_KAPPA} reviewed notes on. Numbers count the data as it stood when "
    "the report was generated; regenerating a period gives the same numbers unless notes "
    "were added, reviewed or moved to the trash since."
)


def flowables(r: Report) -> list[Flowable]:
    s = r.styles
    out: list[Flowable] = [PageBreak(), *section("Appendix", s.h1)]
    out += section("A. The agreed definitions", s.h2, level=1)
    if not r.definitions:
        out.append(label("No definitions are recorded.", s.body))
    for title, _revision, items in r.definitions:
        out.append(label(title, s.h3))
        for d in items:
            out.append(para(d.term, s.small))
            out.append(para(d.body, s.quote))
    out += section("B. How the numbers are computed", s.h2, level=1)
    out.append(para(RANKING_RULES, s.body))
    out.append(para(_MORE_RULES, s.body))
    generated = r.insights.generated_at.astimezone()
    out.append(
        para(
            f"Generated {generated:%d %B %Y, %H:%M} by Ridealong for {r.generated_by}.",
            s.muted,
            limit=TYPED_LIMIT,
        )
    )
    return out
