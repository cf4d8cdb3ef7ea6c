"""In their words: the phrases prospects kept using for the leading pains."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, PageBreak

from desktop.reports.insights_report.gather import Report
from desktop.reports.insights_report.pieces import theme_title
from desktop.reports.layout import BODY_WIDTH, heads, section, table
from desktop.reports.text import label, para

#: Characters of a phrase's example note shown.
EXAMPLE_LIMIT: Final = 240


def flowables(r: Report) -> list[Flowable]:
    s = r.styles
    out: list[Flowable] = section("In their words", s.h1)
    out.append(
        label(
            "The phrases prospects used most often for each leading pain, word for word: runs "
            "of two to six words within one clause, said on at least two calls, counted in "
            "calls, each with one note it was heard in. Raw material for messaging.",
            s.body,
        )
    )
    shown = 0
    for theme in r.insights.pains.themes[:5]:
        if not theme.phrases:
            continue
        shown += 1
        rows: list[Sequence[object]] = [heads(s, "Phrase", "Calls", "For example", right=(1,))]
        for phrase in theme.phrases:
            rows.append(
                [
                    para(f"“{r.t(phrase.text)}”", s.cell),
                    label(f"{phrase.calls:,}", s.cell_right),
                    para(f"“{r.t(phrase.example)}”", s.small, limit=EXAMPLE_LIMIT),
                ]
            )
        out.append(
            KeepTogether(
                [
                    *section(theme_title(theme), s.h3, level=1),
                    table(rows, [55 * mm, 15 * mm, BODY_WIDTH - 70 * mm], right=(1,)),
                ]
            )
        )
    if not shown:  # a line, not a page of its own: the next section follows on
        out.append(
            label("No phrase was said word for word on two calls for the leading pains.", s.muted)
        )
        return out
    out.append(PageBreak())
    return out
