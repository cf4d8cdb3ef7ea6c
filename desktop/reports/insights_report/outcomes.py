"""Won and lost: the pains and objections heard at accounts whose deal has an outcome."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from desktop.reports.insights_report.gather import Report
from desktop.reports.insights_report.pieces import theme_title
from desktop.reports.layout import BODY_WIDTH, heads, section, table
from desktop.reports.text import label, para


def flowables(r: Report) -> list[Flowable]:
    s, ins = r.styles, r.insights
    out: list[Flowable] = section("Won and lost", s.h1)
    themes = [
        t
        for sec in (ins.pains, ins.objections)
        for t in sec.themes
        if t.won_accounts or t.lost_accounts
    ]
    if not themes:
        out.append(
            label(
                "No deal outcome is recorded yet for the accounts in this period. Once reps "
                "record won and lost deals, this page compares the pains and objections heard "
                "in each.",
                s.body,
            )
        )
        return out
    out.append(
        label(
            "Pains and objections heard this period at accounts whose deal is now won or lost "
            "(counts are accounts).",
            s.body,
        )
    )
    themes.sort(key=lambda t: (-(t.won_accounts + t.lost_accounts), t.kind, t.name))
    rows: list[Sequence[object]] = [
        heads(s, "Theme", "Kind", "Won", "Lost", "Calls", right=(2, 3, 4))
    ]
    for theme in themes[:20]:
        rows.append(
            [
                para(theme_title(theme), s.cell),
                label(theme.kind.label, s.cell),
                label(f"{theme.won_accounts:,}", s.cell_right),
                label(f"{theme.lost_accounts:,}", s.cell_right),
                label(f"{theme.calls:,}", s.cell_right),
            ]
        )
    out.append(
        table(rows, [70 * mm, 30 * mm, 20 * mm, 20 * mm, BODY_WIDTH - 140 * mm], right=(2, 3, 4))
    )
    return out
