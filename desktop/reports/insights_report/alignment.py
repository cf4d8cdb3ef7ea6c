"""Alignment between marketing and sales on one page: how often reps confirmed,
corrected or disputed what marketers filed, by kind of note and by marketer and rep,
each rate with its counts and the previous period's beside it, and where reps correct
marketers most (the kinds they refiled, the themes of the notes they changed).
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak

from desktop.reports.insights_report.gather import Report
from desktop.reports.insights_report.pieces import esc, theme_title
from desktop.reports.layout import BODY_WIDTH, heads, k_of_n, plural, section, share, table
from desktop.reports.text import label, para
from desktop.services.alignment import VerdictCounts


def _rates(c: VerdictCounts) -> str:
    """ "confirmed 8 of 10 reviewed notes (80%), corrected 1, disputed 1"."""
    return (
        f"confirmed {k_of_n(c.confirmed, c.reviewed, 'reviewed notes')}, "
        f"corrected {c.corrected:,} and disputed {c.disputed:,}"
    )


def _cells(r: Report, c: VerdictCounts, before: VerdictCounts) -> list[Flowable]:
    """Reviewed, confirmed, corrected, disputed (each "k of n"), confirmed the period before."""
    right = r.styles.cell_right
    return [
        label(f"{c.reviewed:,}", right),
        *(label(share(k, c.reviewed), right) for k in (c.confirmed, c.corrected, c.disputed)),
        label(share(before.confirmed, before.reviewed), right),
    ]


def flowables(r: Report) -> list[Flowable]:
    s, a = r.styles, r.alignment
    out: list[Flowable] = [PageBreak(), *section("Alignment between marketing and sales", s.h1)]
    c = a.counts
    if not c.reviewed:
        out.append(label("No note from this period has been reviewed by a rep yet.", s.body))
        return out
    then = r.insights.previous_period.label
    before = a.previous
    previous = f" In {then} they {_rates(before)}." if before.reviewed else f" In {then} none was."
    out.append(
        label(
            f"Reps {_rates(c)}; {plural(c.unreviewed, 'note')} of the period "
            f"{'is' if c.unreviewed == 1 else 'are'} not reviewed yet.{previous}",
            s.lead,
        )
    )
    cols = ("Reviewed", "Confirmed", "Corrected", "Disputed", f"Confirmed, {then}")
    right = (1, 2, 3, 4, 5)
    out += section("By kind of note, as the marketer filed it", s.h2, level=1)
    rows: list[Sequence[object]] = [heads(s, "Kind", *cols, right=right)]
    for item in a.by_kind:
        rows.append([label(item.kind.label, s.cell), *_cells(r, item.counts, item.previous)])
    w = (BODY_WIDTH - 30 * mm) / 5
    out.append(table(rows, [30 * mm] + [w] * 5, right=right, tight=True))
    out += section("By marketer and rep", s.h2, level=1)
    rows = [heads(s, "Marketer → rep", "Calls", *cols, right=(1, 2, 3, 4, 5, 6))]
    for pair in a.by_pair:
        rows.append(
            [
                para(f"{pair.marketer or '—'} → {pair.rep or '—'}", s.cell),
                label(f"{pair.calls:,}", s.cell_right),
                *_cells(r, pair.counts, pair.previous),
            ]
        )
    w = (BODY_WIDTH - 40 * mm - 12 * mm) / 5
    out.append(table(rows, [40 * mm, 12 * mm] + [w] * 5, right=(1, 2, 3, 4, 5, 6), tight=True))
    out += _corrections(r)
    return out


def _corrections(r: Report) -> list[Flowable]:
    """Where reps correct marketers most: refiled kinds, then the themes of changed notes."""
    s, a = r.styles, r.alignment
    out = section("Where reps correct marketers most", s.h2, level=1)
    if not a.refiled and not a.themes:
        out.append(label("No reviewed note was corrected or disputed.", s.body))
        return out
    if a.refiled:
        out.append(
            label(
                "Kinds refiled: "
                + "; ".join(
                    f"filed as {m.filed.label}, rep said {m.said.label} ({plural(m.notes, 'note')})"
                    for m in a.refiled
                )
                + ".",
                s.body,
            )
        )
    if a.themes:
        rows: list[Sequence[object]] = [
            heads(
                s,
                "Theme (as filed)",
                "Reviewed",
                "Corrected",
                "Disputed",
                "Taken off",
                "Put on",
                right=(1, 2, 3, 4, 5),
            )
        ]
        for t in a.themes:
            rows.append(
                [
                    label(esc(theme_title(t.name)), s.cell),
                    label(f"{t.reviewed:,}", s.cell_right),
                    label(share(t.corrected, t.reviewed), s.cell_right),
                    label(share(t.disputed, t.reviewed), s.cell_right),
                    *(label(f"{x:,}", s.cell_right) for x in (t.removed, t.added)),
                ]
            )
        w = (BODY_WIDTH - 50 * mm) / 5
        out.append(table(rows, [50 * mm] + [w] * 5, right=(1, 2, 3, 4, 5), tight=True))
        out.append(
            label(
                "Taken off: notes the rep removed the theme from; put on: notes the rep "
                "added it to (counted in their row, not in Reviewed).",
                s.muted,
            )
        )
    return out
