"""Alignment between marketing and sales on one page: how often reps confirmed,
corrected or disputed what marketers filed, by kind of note and by marketer and rep,
each rate with its counts and the previous period's beside it, and where reps correct
marketers most (the kinds they refiled, the themes of the notes they changed).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak

from desktop.reports.insights_report.gather import Report
from desktop.reports.insights_report.pieces import esc, theme_title
from desktop.reports.layout import BODY_WIDTH, heads, k_of_n, plural, section, share, table
from desktop.reports.text import label, para
from desktop.services.alignment import VerdictCounts

#: Pairs listed one by one (those with the most reviewed notes); the rest in one line.
MAX_PAIRS: Final = 6


def _rates(c: VerdictCounts) -> str:
    """ "confirmed 8 of 10 reviewed notes (80%), corrected 1, disputed 1"."""
    return (
        f"confirmed {k_of_n(c.confirmed, c.reviewed, 'reviewed notes')}, "
        f"corrected {c.corrected:,} and disputed {c.disputed:,}"
    )


def _cells(r: Report, c: VerdictCounts, before: VerdictCounts) -> list[Flowable]:
    """Confirmed, corrected, disputed (each "k of n reviewed"), confirmed the period before."""
    right = r.styles.cell_right
    return [
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
    cols = ("Confirmed", "Corrected", "Disputed", f"Confirmed in {then}")
    right = (1, 2, 3, 4)
    out += section("By kind of note, as the marketer filed it", s.h2, level=1)
    rows: list[Sequence[object]] = [heads(s, "Kind", *cols, right=right)]
    for item in a.by_kind:
        rows.append([label(item.kind.label, s.cell), *_cells(r, item.counts, item.previous)])
    w = (BODY_WIDTH - 36 * mm) / 4
    out.append(table(rows, [36 * mm] + [w] * 4, right=right, tight=True))
    out += section("By marketer and rep", s.h2, level=1)
    rows = [heads(s, "Marketer → rep", "Calls", *cols, right=(1, 2, 3, 4, 5))]
    for pair in a.by_pair[:MAX_PAIRS]:
        rows.append(
            [
                para(f"{pair.marketer or '—'} → {pair.rep or '—'}", s.cell),
                label(f"{pair.calls:,}", s.cell_right),
                *_cells(r, pair.counts, pair.previous),
            ]
        )
    w = (BODY_WIDTH - 50 * mm - 12 * mm) / 4
    out.append(table(rows, [50 * mm, 12 * mm] + [w] * 4, right=(1, 2, 3, 4, 5), tight=True))
    rest = a.by_pair[MAX_PAIRS:]
    if rest:
        others = sum((p.counts for p in rest), VerdictCounts())
        out.append(
            label(
                f"The other {plural(len(rest), 'pair')}, with fewer reviewed notes each, "
                f"{_rates(others)}.",
                s.muted,
            )
        )
    out += _corrections(r)
    return out


def _corrections(r: Report) -> list[Flowable]:
    """Where reps correct marketers most: refiled kinds, then the themes of changed notes."""
    s, a = r.styles, r.alignment
    out = section("Where reps correct marketers most", s.h2, level=1)
    if not a.refiled and not a.themes:
        out.append(label("No reviewed note was corrected or disputed.", s.body))
        return out
    if not a.refiled:
        out.append(label("No note was refiled under another kind.", s.body))
    else:
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
    if not a.themes:
        return out
    retagged = any(t.removed or t.added for t in a.themes)  # else two columns of zeros
    titles = ["Theme, as filed", "Corrected", "Disputed"]
    titles += ["Rep took it off", "Rep put it on"] if retagged else []
    right = tuple(range(1, len(titles)))
    rows: list[Sequence[object]] = [heads(s, *titles, right=right)]
    for t in a.themes:
        cells = [
            label(esc(theme_title(t.display or t.name)), s.cell),
            label(share(t.corrected, t.reviewed), s.cell_right),
            label(share(t.disputed, t.reviewed), s.cell_right),
        ]
        if retagged:
            cells += [label(f"{x:,}", s.cell_right) for x in (t.removed, t.added)]
        rows.append(cells)
    w = (BODY_WIDTH - 36 * mm) / len(right)
    out.append(table(rows, [36 * mm] + [w] * len(right), right=right, tight=True))
    return out
