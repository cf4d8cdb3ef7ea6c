"""The appendix: the agreed definitions the grades were given against, every call the
numbers come from, every untagged pain and objection, and how every number in the report
is counted.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak

from desktop.domain import Outcome
from desktop.reports.insights_report.gather import Report
from desktop.reports.insights_report.pieces import QUOTE_LIMIT, TYPED_LIMIT, esc, theme_title
from desktop.reports.layout import BODY_WIDTH, CELL_PADDING, heads, plural, section, table
from desktop.reports.text import label, line, one_line, para
from desktop.services.insight_values import MIN_DECIDED, Evidence
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
    "linked to it. Alignment counts the reviewed notes of the period by the rep's latest "
    "verdict (confirmed as filed, corrected, disputed; disputed notes count there and "
    "nowhere else), by the kind the marketer filed them under: a note the rep refiled "
    'counts under its first kind and in "filed as X, rep said Y". '
    "Numbers count the data as it stood when "
    "the report was generated; regenerating a period gives the same numbers unless notes "
    "were added, reviewed or moved to the trash since."
)


_OUTCOME: Final = {
    Outcome.OPEN: "open",
    Outcome.WON: "won",
    Outcome.LOST: "lost",
    Outcome.NO_DECISION: "no decision",
}


def _calls(r: Report) -> list[Flowable]:
    """Every call the period's numbers come from, so a reader can check any of them."""
    s, calls = r.styles, r.insights.calls
    out = section("B. The calls counted", s.h2, level=1)
    if not calls:
        out.append(label("No call was counted in this period.", s.body))
        return out
    out.append(
        label(
            f"The {plural(len(calls), 'call')} the numbers come from, oldest first; the "
            "outcome is the account's deal as it stands now.",
            s.body,
        )
    )
    widths = [24 * mm, 62 * mm, 40 * mm, 24 * mm, BODY_WIDTH - 150 * mm]
    inside = [w - 2 * CELL_PADDING for w in widths]
    rows: list[Sequence[object]] = [heads(s, "Date", "Account", "Rep", "Grade", "Outcome")]
    for c in calls:
        cells = (
            (f"{c.call_date:%d %b %Y}", label),
            (r.t.account(c.account), para),
            (c.rep or "–", para),
            (c.grade.label if c.grade else "not graded", label),
            (_OUTCOME[c.outcome], label),
        )
        # Thousands of rows at a busy month: a cell that is one plain line is a string.
        rows.append(
            [
                one_line(text, s.small, width) or make(text, s.small)
                for (text, make), width in zip(cells, inside, strict=True)
            ]
        )
    out.append(table(rows, widths, plain=s.small))
    return out


def _untagged(r: Report) -> list[Flowable]:
    """Every pain and objection without a theme, by what the body suggests for it, so a
    reader can tag them all and none vanishes behind an example."""
    s = r.styles
    sections = [
        (title, sec)
        for title, sec in (("Pains", r.insights.pains), ("Objections", r.insights.objections))
        if sec.suggested_notes
    ]
    if not sections:
        return []
    out = section("C. Every untagged note", s.h2, level=1)
    out.append(
        label(
            "The pains and objections the ranking did not count, by what the body suggests "
            "for them: the theme they resemble, the phrase they share, or nothing.",
            s.body,
        )
    )
    for title, sec in sections:
        out.append(label(title, s.h3))
        groups: list[tuple[str, Sequence[Evidence]]] = [
            (f"like {theme_title(t)}", [x.note for x in t.suggested])
            for t in sec.themes
            if t.suggested
        ]
        groups += [(f"“{r.t(g.label)}”", g.notes) for g in sec.groups]
        if sec.unthemed:
            groups.append(("alone", sec.unthemed))
        for name, notes in groups:
            out.append(label(f"<b>{esc(name)}</b> · {plural(len(notes), 'note')}", s.small))
            for e in notes:
                # Thousands of notes at a busy month: a note or a date that is one plain
                # line is drawn as such, not parsed and broken as a paragraph.
                words = f"• {r.t(e.words)}"
                drawn = line(words, s.cell, BODY_WIDTH) if len(words) <= QUOTE_LIMIT else None
                out.append(drawn or para(words, s.cell, limit=QUOTE_LIMIT))
                account = r.t.account(e.account)
                out.append(
                    line(f"{e.call_date:%d %b %Y} · {account}", s.attribution, BODY_WIDTH)
                    or label(f"{e.call_date:%d %b %Y} · {esc(account)}", s.attribution)
                )
    return out


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
    out += _calls(r)
    untagged = _untagged(r)
    out += untagged
    out += section(f"{'D' if untagged else 'C'}. How the numbers are computed", s.h2, level=1)
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
