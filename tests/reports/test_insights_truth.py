"""The monthly PDF against a small autumn whose truth is known by hand: October and
November 2026 built through the services, read back from the PDF as a sales leader would
check it, number by number: the month it compares with, disputed notes counting
nowhere, and the deals closed in the month whenever their calls were.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from pathlib import Path

import pypdf
import pytest

from desktop.domain import Grade, NoteKind, Outcome, Verdict
from desktop.reports.insights_report import build_insights_report
from desktop.services import Services
from desktop.services.periods import Period
from desktop.services.redaction import RedactionOptions

OCTOBER, NOVEMBER = Period.month(2026, 10), Period.month(2026, 11)


def at(month: int, day: int, hour: int = 12) -> datetime:
    return datetime(2026, month, day, hour).astimezone()


def flat(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def contains(haystack: str, needle: str) -> bool:
    return flat(needle) in flat(haystack)


def report(services: Services, period: Period, path: Path, **kwargs: object) -> str:
    build_insights_report(services, period, None, path, generated_by="Pat Lead", **kwargs)  # type: ignore[arg-type]
    reader = pypdf.PdfReader(path)
    return "\n".join(page.extract_text() for page in reader.pages)


def pain(services: Services, call_id, tag: str, text: str, *, disputed: bool = False) -> None:
    made = services.notes.add(call_id, NoteKind.PAIN, f"{text} #{tag}", offset_ms=60_000)
    if disputed:
        services.review.annotate(made.id, Verdict.DISPUTED, "Riley Rep")


@pytest.fixture
def autumn(services: Services) -> Services:
    """October: 4 calls (one on the 1st), 2 graded SQL; "reporting" on 3 of them.
    November: 3 calls, 1 SQL; "reporting" on 2, plus a disputed "reporting" note on a
    third call and a theme ("audit") carried by one disputed note only.
    Deals closed in November: Bramble Tools won (its only call was in October), Cobalt
    Labs won (called in November), Dune Inc lost; Elm Co lost in December (not November's)."""

    def start(account: str, when: datetime, grade: Grade | None = None):
        made = services.calls.start(account, rep="Riley Rep", marketer="Mo", started_at=when)
        if grade is not None:
            services.review.grade(made.id, grade, "Riley Rep")
        return made

    october = [
        start("Bramble Tools", at(10, 1, 9), Grade.SQL),
        start("Dune Inc", at(10, 12), Grade.SQL),
        start("Fern Ltd", at(10, 20), Grade.MQL),
        start("Gale GmbH", at(10, 31, 22)),
    ]
    for c in october[:3]:
        pain(services, c.id, "reporting", "The board deck is built by hand")
    start("September Co", at(9, 30, 22))  # in the 31 days before November, not in October
    november = [
        start("Cobalt Labs", at(11, 3), Grade.SQL),
        start("Dune Inc", at(11, 10), Grade.MQL),
        start("Elm Co", at(11, 24)),
    ]
    pain(services, november[0].id, "reporting", "Month-end reporting takes a week")
    pain(services, november[1].id, "reporting", "Reporting is all spreadsheets")
    pain(services, november[2].id, "reporting", "Reporting is fine, they said", disputed=True)
    pain(services, november[2].id, "audit", "Audits are a mess", disputed=True)
    for account, outcome, on in (
        ("Bramble Tools", Outcome.WON, date(2026, 11, 5)),
        ("Cobalt Labs", Outcome.WON, date(2026, 11, 20)),
        ("Dune Inc", Outcome.LOST, date(2026, 11, 30)),
        ("Elm Co", Outcome.LOST, date(2026, 12, 1)),
    ):
        services.accounts.set_outcome(account, outcome, on=on)
    return services


def test_november_is_compared_with_october_as_octobers_own_report_counts_it(
    autumn: Services, tmp_path: Path
) -> None:
    october = report(autumn, OCTOBER, tmp_path / "october.pdf")
    november = report(autumn, NOVEMBER, tmp_path / "november.pdf")

    assert contains(october, "Based on 4 calls with 4 accounts and 3 notes")
    assert contains(october, "1 Reporting 3 of 4")
    assert contains(october, "SQL 2 of 4 calls")
    assert contains(november, "October 2026, the calendar month before")
    assert contains(november, "3 calls −1 vs October 2026")
    assert contains(november, "against 4 in October 2026")
    assert contains(november, "SQL 1 of 3 calls 2 of 4 calls −1")  # October's own 2 of 4
    assert contains(november, "down from 3 in October 2026")
    assert "vs previous" not in november and "in the previous period" not in november
    # the trend chart's months are the same calendar months
    assert contains(november, "Oct 2026") and contains(november, "Nov 2026")


def test_a_disputed_note_counts_nowhere_in_the_pdf(autumn: Services, tmp_path: Path) -> None:
    november = report(autumn, NOVEMBER, tmp_path / "november.pdf")

    assert contains(november, "Based on 3 calls with 3 accounts and 2 notes")
    assert contains(november, "1 Reporting 2 of 3")
    assert contains(november, "raised on 2 of 3 calls")
    # the alignment is where disagreement is the subject: only there the disputed notes show
    elsewhere, alignment = november.split("Alignment between marketing and sales")
    assert contains(alignment, "disputed 2")
    assert contains(alignment, "Audit 0 of 1 1 of 1")  # the theme its reps dispute
    assert not contains(elsewhere, "Audit")
    assert not contains(november, "Reporting is fine, they said")


def test_won_and_lost_lists_the_deals_closed_in_the_month(autumn: Services, tmp_path: Path) -> None:
    november = report(autumn, NOVEMBER, tmp_path / "november.pdf")
    section = november.split("Won and lost")[1]

    assert contains(section, "3 deals closed in November 2026: 2 won, 1 lost.")
    assert contains(section, "Bramble Tools Won 05 Nov 2026 1 01 Oct 2026")
    assert contains(section, "Cobalt Labs Won 20 Nov 2026 1 03 Nov 2026")
    assert contains(section, "Dune Inc Lost 30 Nov 2026 2 10 Nov 2026")
    assert "Elm Co" not in section.split("Win rate")[0]
    assert contains(section, "Won in November 2026: 2 of 3 decided deals")
    assert contains(section, "(the base): 2 of 4 decided deals")
    assert contains(section, "Too few decided deals to conclude anything: 3 closed")
    assert contains(section, "Reporting Pain 2 1 0 4")  # Bramble, Cobalt won; Dune lost
    october = report(autumn, OCTOBER, tmp_path / "october.pdf").split("Won and lost")[1]
    assert contains(october, "No deal closed in October 2026")


def test_redacted_deals_are_named_by_their_stand_in(autumn: Services, tmp_path: Path) -> None:
    november = report(autumn, NOVEMBER, tmp_path / "november.pdf", redaction=RedactionOptions())
    section = november.split("Won and lost")[1]

    assert contains(section, "3 deals closed in November 2026: 2 won, 1 lost.")
    for name in ("Bramble", "Cobalt", "Dune"):
        assert name not in november
