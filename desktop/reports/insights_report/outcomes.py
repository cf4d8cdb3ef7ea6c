"""Won and lost: the deals closed in the period (whenever their calls were), the win-rate
base they are read against, and what was heard on their calls, with a plain warning
when too few deals were decided to conclude anything.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from desktop.domain import Outcome
from desktop.reports.insights_report.gather import Report
from desktop.reports.insights_report.pieces import QUOTE_LIMIT, theme_title
from desktop.reports.layout import BODY_WIDTH, heads, k_of_n, plural, section, table
from desktop.reports.text import label, para
from desktop.services.insight_values import MIN_DECIDED, DealTally

_OUTCOME_WORDS = {Outcome.WON: "Won", Outcome.LOST: "Lost", Outcome.NO_DECISION: "No decision"}


def flowables(r: Report) -> list[Flowable]:
    s, ins = r.styles, r.insights
    deals, when = ins.deals, ins.period.label
    out: list[Flowable] = section("Won and lost", s.h1)
    if not deals.closed:
        out.append(
            label(
                f"No deal closed in {when}: no account with ride-along calls had its deal "
                "recorded as won, lost or no decision on a date in the period.",
                s.body,
            )
        )
        out += _base(r, deals.overall)
        return out
    out.append(label(_closed_words(deals.period, when), s.lead))
    out += _closed_table(r)
    out += _base(r, deals.overall)
    out += _heard(r)
    return out


def _closed_words(tally: DealTally, when: str) -> str:
    """ "4 deals closed in November 2026: 2 won, 1 lost, 1 with no decision."."""
    parts = [f"{tally.won:,} won", f"{tally.lost:,} lost"]
    if tally.no_decision:
        parts.append(f"{tally.no_decision:,} with no decision")
    total = tally.decided + tally.no_decision
    closed = "deal closed" if total == 1 else "deals closed"
    return f"{total:,} {closed} in {when}: " + ", ".join(parts) + "."


def _closed_table(r: Report) -> list[Flowable]:
    s = r.styles
    rows: list[Sequence[object]] = [
        heads(s, "Account", "Outcome", "Closed", "Calls", "Last call", "Reason", right=(3,))
    ]
    for d in r.insights.deals.closed:
        rows.append(
            [
                para(d.account, s.cell),
                label(_OUTCOME_WORDS[d.outcome], s.cell),
                label(f"{d.closed_on:%d %b %Y}", s.cell),
                label(f"{d.calls:,}", s.cell_right),
                label(f"{d.last_call:%d %b %Y}", s.cell),
                para(d.reason or "–", s.cell, limit=QUOTE_LIMIT),
            ]
        )
    widths = [42 * mm, 21 * mm, 25 * mm, 12 * mm, 25 * mm]
    return [
        table(rows, [*widths, BODY_WIDTH - sum(widths)], right=(3,)),
        label(
            "Calls are every ride-along call at the account, in any month; a deal counts "
            "in the month its outcome was recorded for.",
            s.muted,
        ),
    ]


def _base(r: Report, overall: DealTally) -> list[Flowable]:
    """The win rate in the period and over every decided deal, and whether it means
    anything."""
    s, period = r.styles, r.insights.deals.period
    when = r.insights.period.label
    out: list[Flowable] = [*section("Win rate", s.h2, level=1)]
    lines = []
    if period.decided:
        lines.append(f"Won in {when}: {k_of_n(period.won, period.decided, 'decided deals')}.")
    if overall.decided:
        lines.append(
            "Won over every deal decided so far (the base): "
            f"{k_of_n(overall.won, overall.decided, 'decided deals')}."
        )
    else:
        lines.append("No deal has been recorded as won or lost yet, so there is no base.")
    lines.append("A decided deal is won or lost; deals with no decision are left out of rates.")
    out.append(label(" ".join(lines), s.body))
    if r.insights.deals.closed and not period.conclusive:
        out.append(
            label(
                f"Too few decided deals to conclude anything: {period.decided:,} closed in "
                f"{when}, fewer than {MIN_DECIDED}. Read the deals and what was heard on "
                "their calls as single cases, not as what wins or loses deals.",
                s.warning,
            )
        )
    if overall.decided and not overall.conclusive:
        out.append(
            label(
                f"The base itself rests on {plural(overall.decided, 'decided deal')}, "
                f"fewer than {MIN_DECIDED}: no rate here is a trend yet.",
                s.warning,
            )
        )
    return out


def _heard(r: Report) -> list[Flowable]:
    s, heard = r.styles, r.insights.deals.heard
    out: list[Flowable] = [*section("What was heard on their calls", s.h2, level=1)]
    if not heard:
        out.append(
            label("No pain, objection or competitor was tagged on these deals' calls.", s.body)
        )
        return out
    out.append(
        label(
            "Themes tagged on the calls of the deals closed this period, in any month; "
            "counts are accounts (deals), then the calls that raised the theme.",
            s.body,
        )
    )
    rows: list[Sequence[object]] = [
        heads(s, "Theme", "Kind", "Won", "Lost", "No decision", "Calls", right=(2, 3, 4, 5))
    ]
    ins = r.insights
    # The month's ranked theme of the same name knows how its notes type it ("PII").
    typed = {(t.kind, t.name): t for sec in (ins.pains, ins.objections) for t in sec.themes}
    for h in heard:
        rows.append(
            [
                para(theme_title(typed.get((h.kind, h.name), h.name)), s.cell),
                label(h.kind.label, s.cell),
                label(f"{h.won:,}", s.cell_right),
                label(f"{h.lost:,}", s.cell_right),
                label(f"{h.no_decision:,}", s.cell_right),
                label(f"{h.calls:,}", s.cell_right),
            ]
        )
    widths = [62 * mm, 28 * mm, 18 * mm, 18 * mm, 24 * mm]
    out.append(table(rows, [*widths, BODY_WIDTH - sum(widths)], right=(2, 3, 4, 5)))
    return out
