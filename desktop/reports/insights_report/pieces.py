"""What several sections print alike: theme names, user text inside the report's own
markup, and quotes with who said them and what the rep made of them.
"""

from __future__ import annotations

from typing import Final

from reportlab.platypus import Flowable

from desktop.domain import NoteKind, Outcome, ReviewStatus
from desktop.reports.insights_report.gather import Report
from desktop.reports.text import label, markup, para
from desktop.services.insight_values import Evidence, ThemeRank

#: Themes ranked in a table and in the bar chart.
RANKED: Final = 12
#: Characters of a quote shown in a table or evidence list (a marker says what is cut).
QUOTE_LIMIT: Final = 600
#: Characters of typed words (filters, who generated the report) in one line of the
#: cover or the appendix: a table cell must fit on a page, so 100,000 characters of
#: `--segment` are trimmed, with the marker.
TYPED_LIMIT: Final = 400

STATUS_WORDS: Final = {
    ReviewStatus.CONFIRMED: '<font color="#2e7d4f">✓ confirmed by the rep</font>',
    ReviewStatus.CORRECTED: '<font color="#b5651d">✎ corrected by the rep</font>',
    ReviewStatus.UNREVIEWED: '<font color="#69707d">not yet reviewed</font>',
}


def theme_title(theme: str | ThemeRank) -> str:
    """A tag as a reader reads it: `manual-reporting` is "Manual reporting", and a theme
    whose notes type it with capitals keeps them ("PII", "HTML emails", not "Pii"); a
    competitor written with capitals, or as the team's list writes it, is left whole
    ("eGain", "Coca-Cola")."""
    if (
        isinstance(theme, ThemeRank)
        and theme.kind is NoteKind.COMPETITOR
        and theme.name != theme.name.lower()
    ):
        return theme.name
    name = (theme.display or theme.name) if isinstance(theme, ThemeRank) else theme
    words = name.replace("-", " ").strip()
    return words[:1].upper() + words[1:]


def unfinished(r: Report) -> str | None:
    """Words saying the period is not over when the report is generated (this month, say),
    so nobody reads its lower counts as a fall against a whole previous period."""
    today = r.insights.generated_at.astimezone().date()
    period = r.insights.period
    if not period.start <= today <= period.end:
        return None
    elapsed = (today - period.start).days + 1
    return f"not over yet: counts run to {today:%d %B} (day {elapsed} of {period.days})"


def esc(text: str) -> str:
    """User text inside the report's own markup: escaped, in fonts that have it."""
    return markup(text)


OUTCOME_WORDS: Final = {
    Outcome.OPEN: "deal open",
    Outcome.WON: "deal won",
    Outcome.LOST: "deal lost",
    Outcome.NO_DECISION: "no decision",
}


def attribution(r: Report, e: Evidence) -> str:
    """Who said it, as far as the reader may know: the speaker's role, industry or the
    account, segment and size, the call's date and the deal's outcome."""
    t = r.t
    who = t(e.contact) if e.contact else "prospect"
    where = t.account(e.account) if t.redactor is not None else e.account
    if t.redactor is not None:
        where = (e.industry.lower() + " company") if e.industry else where
    company = ", ".join(x for x in (where, e.segment and t(e.segment), _size(e.size)) if x)
    bits = [f"{who}, {company}", f"{e.call_date:%d %b %Y}"]
    if e.outcome is not None:
        bits.append(OUTCOME_WORDS[e.outcome])
    return " · ".join(bits)


def _size(size: str | None) -> str | None:
    """An account's size as a reader reads it: "51-200" is "51-200 employees"."""
    if not size:
        return None
    return f"{size} employees" if size[:1].isdigit() and "employ" not in size.lower() else size


def quote(r: Report, e: Evidence) -> list[Flowable]:
    """A verbatim quote, the rep's correction if any, and who said it with its status."""
    s, t = r.styles, r.t
    out: list[Flowable] = [para(f"“{t(e.words)}”", s.quote, limit=QUOTE_LIMIT)]
    if e.correction:
        out.append(para(f"Rep's correction: {t(e.correction)}", s.quote, limit=QUOTE_LIMIT))
    out.append(_attribution_line(r, e, STATUS_WORDS.get(e.review_status, "")))
    return out


def _attribution_line(r: Report, e: Evidence, status: str) -> Flowable:
    return label(f"— {markup(attribution(r, e))} · {status}", r.styles.attribution)
