"""What a redacted insights report prints instead of the names that come as values, not
as user text: theme names made from tags (a contact's or an account's name as a `#tag`
is a theme, a table row, a chart label and a PDF bookmark), suggested-group labels
("concerns from siobhan"), the themes reps corrected (alignment), the accounts of the
deals closed in the period (and the reasons recorded for them), and the team's names
(marketer–rep pairs, a call's rep, who generated the report) when the user replaces
them by role.

Renamed once here, before a section is laid out, so that every section prints the
redacted name without each having to remember to; the trend points get the same names,
so the charts still find their themes.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from desktop.reports.text import ReportText
from desktop.services.alignment import Alignment
from desktop.services.insight_values import Evidence, Insights, ThemeSection
from desktop.services.periods import InsightFilters
from desktop.services.redaction import Redactor
from desktop.services.trends import TrendPoint


def shown_filters(filters: InsightFilters, t: ReportText) -> list[tuple[str, str]]:
    """The filters as a report prints them (cover, PDF subject): the account and the
    people through the redactor."""
    shown = []
    for what, value in filters.active:
        if what == "account":
            value = t.account(value)
        elif what in ("rep", "marketer"):
            value = t.person(value)
        shown.append((what, value))
    return shown


def redact_values(
    insights: Insights,
    alignment: Alignment,
    trends: tuple[TrendPoint, ...],
    generated_by: str,
    redactor: Redactor,
) -> tuple[Insights, Alignment, tuple[TrendPoint, ...], str]:
    """The report's values with the names in them redacted (see the module docstring)."""
    names: dict[str, str] = {}

    def theme(name: str) -> str:
        if name not in names:
            shown = redactor.label(name)
            taken = set(names.values())
            unique, n = shown, 2
            while unique != name and unique in taken:  # two tags may become one name
                unique, n = f"{shown} ({n})", n + 1
            names[name] = unique
        return names[name]

    def typed(name: str, display: str | None) -> str | None:
        """The form as typed only where the name itself needs no redacting."""
        return display if theme(name) == name else None

    def evidence(e: Evidence) -> Evidence:
        return dataclasses.replace(e, rep=redactor.person(e.rep) if e.rep else e.rep)

    def section(sec: ThemeSection) -> ThemeSection:
        return dataclasses.replace(
            sec,
            themes=tuple(
                dataclasses.replace(
                    t,
                    name=theme(t.name),
                    display=typed(t.name, t.display),
                    evidence=_each(t.evidence, evidence),
                    responses=_each(t.responses, evidence),
                    suggested=tuple(
                        dataclasses.replace(s, note=evidence(s.note)) for s in t.suggested
                    ),
                )
                for t in sec.themes
            ),
            groups=tuple(
                dataclasses.replace(
                    g, label=redactor.label(g.label), notes=_each(g.notes, evidence)
                )
                for g in sec.groups
            ),
            unthemed=_each(sec.unthemed, evidence),
        )

    deals = insights.deals
    insights = dataclasses.replace(
        insights,
        deals=dataclasses.replace(
            deals,
            closed=tuple(
                dataclasses.replace(
                    d,
                    account=redactor.account(d.account),
                    reason=redactor(d.reason) if d.reason else d.reason,
                )
                for d in deals.closed
            ),
            heard=tuple(dataclasses.replace(h, name=theme(h.name)) for h in deals.heard),
        ),
        pains=section(insights.pains),
        objections=section(insights.objections),
        competitors=section(insights.competitors),
        quote_bank=dataclasses.replace(
            insights.quote_bank, quotes=_each(insights.quote_bank.quotes, evidence)
        ),
        calls=tuple(
            dataclasses.replace(c, rep=redactor.person(c.rep) if c.rep else c.rep)
            for c in insights.calls
        ),
    )
    trends = tuple(
        dataclasses.replace(
            p, themes=tuple((kind, theme(name), calls) for kind, name, calls in p.themes)
        )
        for p in trends
    )
    alignment = dataclasses.replace(
        alignment,
        by_pair=tuple(
            dataclasses.replace(
                pair,
                marketer=redactor.person(pair.marketer) if pair.marketer else pair.marketer,
                rep=redactor.person(pair.rep) if pair.rep else pair.rep,
            )
            for pair in alignment.by_pair
        ),
        themes=tuple(
            dataclasses.replace(t, name=theme(t.name), display=typed(t.name, t.display))
            for t in alignment.themes
        ),
    )
    return insights, alignment, trends, redactor.person(generated_by)


def _each(
    items: tuple[Evidence, ...], change: Callable[[Evidence], Evidence]
) -> tuple[Evidence, ...]:
    return tuple(change(e) for e in items)
