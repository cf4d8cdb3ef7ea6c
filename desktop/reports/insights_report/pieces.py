"""What several sections print alike: theme names, user text inside the report's own
markup, and quotes with who said them and what the rep made of them.
"""

from __future__ import annotations

from typing import Final

from reportlab.platypus import Flowable

from desktop.domain import ReviewStatus
from desktop.reports.insights_report.gather import Report
from desktop.reports.text import label, markup, para
from desktop.services.insight_values import Evidence

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


def theme_title(name: str) -> str:
    """A tag as a reader reads it: `manual-reporting` is "Manual reporting"."""
    words = name.replace("-", " ").strip()
    return words[:1].upper() + words[1:]


def esc(text: str) -> str:
    """User text inside the report's own markup: escaped, in fonts that have it."""
    return markup(text)


def attribution(r: Report, e: Evidence) -> str:
    """Who said it, as far as the reader may know: role and industry, or the account."""
    t = r.t
    who = e.contact or "prospect"
    where = t.account(e.account) if t.redactor is not None else e.account
    if t.redactor is not None:
        where = (e.industry.lower() + " company") if e.industry else where
    bits = [f"{who}, {where}", f"{e.call_date:%d %b %Y}"]
    return " · ".join(bits)


def quote(r: Report, e: Evidence) -> list[Flowable]:
    """A verbatim quote, the rep's correction if any, and who said it with its status."""
    s, t = r.styles, r.t
    out: list[Flowable] = [para(f"“{t(e.text)}”", s.quote, limit=QUOTE_LIMIT)]
    if e.correction:
        out.append(para(f"Rep's correction: {t(e.correction)}", s.quote, limit=QUOTE_LIMIT))
    out.append(_attribution_line(r, e, STATUS_WORDS.get(e.review_status, "")))
    return out


def _attribution_line(r: Report, e: Evidence, status: str) -> Flowable:
    return label(f"— {markup(attribution(r, e))} · {status}", r.styles.attribution)
