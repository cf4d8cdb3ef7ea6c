"""The quote bank: what prospects said (pains, objections, quotes, answers) in notes flagged
quote-worthy or as case-study candidates, in their words without the marketer's
scaffolding, attributed by role, segment and size, with the deal's outcome; confirmed first."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak

from desktop.reports.insights_report.gather import Report
from desktop.reports.insights_report.pieces import QUOTE_LIMIT, STATUS_WORDS, attribution
from desktop.reports.layout import BODY_WIDTH, heads, plural, section, table
from desktop.reports.text import label, para


def flowables(r: Report) -> list[Flowable]:
    s, bank = r.styles, r.insights.quote_bank
    out: list[Flowable] = [PageBreak(), *section("Quote bank", s.h1)]
    if not bank.quotes:
        out.append(
            label(
                "No pain, objection, quote or answer was flagged quote-worthy or as a "
                "case-study candidate.",
                s.body,
            )
        )
        return out
    out.append(
        label(
            f"{plural(bank.total, 'pain, objection, quote or answer', _MANY)} flagged "
            "quote-worthy or as a case-study candidate "
            f"(never a disputed one); {_shown(len(bank.quotes), bank.total)} "
            "below, those the rep confirmed first. Quotes show the prospect's words as said; "
            "the notes keep what the marketer typed.",
            s.body,
        )
    )
    rows: list[Sequence[object]] = [heads(s, "Quote", "Who and when", "Review")]
    for e in bank.quotes:
        flags = " · ".join(
            x for x, on in (("quote", e.quote_worthy), ("case study", e.case_study)) if on
        )
        quote: list[Flowable] = [para(f"“{r.t(e.words)}”", s.cell, limit=QUOTE_LIMIT)]
        if e.correction:
            quote.append(para(f"Rep's correction: {r.t(e.correction)}", s.small, limit=QUOTE_LIMIT))
        rows.append(
            [
                quote,
                [para(attribution(r, e), s.small), label(flags, s.muted)],
                label(STATUS_WORDS.get(e.review_status, ""), s.small),
            ]
        )
    out.append(table(rows, [100 * mm, 42 * mm, BODY_WIDTH - 142 * mm]))
    return out


_MANY = "pains, objections, quotes and answers"


def _shown(shown: int, total: int) -> str:
    return "all" if shown == total else f"the best {shown}"
