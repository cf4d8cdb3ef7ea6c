"""The insights PDF read as a person reads it: sentences that agree with their numbers,
theme names as typed, every untagged note listed, every counted call in the appendix.

A small month is built by hand through the services, so every number is known.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pypdf
import pytest

from desktop.domain import Grade, NoteKind, Outcome
from desktop.reports.insights_report import build_insights_report
from desktop.services import Services
from desktop.services.periods import Period
from desktop.services.redaction import RedactionOptions
from desktop.wording import k_of_those, verb
from tests.reports.test_pdfs import contains, flat

MARCH = Period.month(2024, 3)


@pytest.mark.parametrize(
    ("k", "n", "said"),
    [
        (1, 1, "that call was graded SQL"),
        (0, 1, "that call was not graded SQL"),
        (0, 4, "none of those 4 calls was graded SQL"),
        (2, 2, "both were graded SQL"),
        (3, 3, "all 3 were graded SQL"),
        (1, 3, "1 of those 3 calls was graded SQL"),
        (2, 5, "2 of those 5 calls were graded SQL"),
    ],
)
def test_a_share_of_calls_is_said_as_a_person_says_it(k, n, said):
    assert k_of_those(k, n, "call", "graded SQL") == said


def test_a_verb_agrees_with_its_count():
    assert [verb(n, "resembles", "resemble") for n in (0, 1, 2)] == [
        "resemble",
        "resembles",
        "resemble",
    ]


def at(day: int) -> datetime:
    return datetime(2024, 3, day, 12).astimezone()


@pytest.fixture
def month(services: Services) -> Services:
    """Three calls: four tagged pains (PII, manual reporting), one untagged pain that
    resembles PII, two untagged pains on two calls sharing a phrase, one that stands
    alone; one objection, tagged; the first account won."""
    services.accounts.ensure("Acme", segment="Enterprise", size="1000+")
    services.accounts.set_outcome("Acme", Outcome.WON, on=date(2024, 3, 20))
    a = services.calls.start(
        "Acme", rep="Riley Rep", marketer="Mo", started_at=at(4), contacts=[("Dana Doe", "CFO")]
    )
    b = services.calls.start("Beta", rep="Sam Seller", marketer="Mo", started_at=at(5))
    c = services.calls.start("Gamma", rep="Riley Rep", marketer="Mo", started_at=at(6))
    add = services.notes.add
    add(a.id, NoteKind.PAIN, "Legal blocks anything touching #PII data", offset_ms=1)
    add(b.id, NoteKind.PAIN, "Our #PII audit failed last year", offset_ms=1)
    add(a.id, NoteKind.PAIN, "Month-end close is manual #manual-reporting", offset_ms=2)
    add(c.id, NoteKind.PAIN, "Manual reporting eats Fridays #manual-reporting", offset_ms=2)
    add(c.id, NoteKind.PAIN, "Legal blocks the PII data audit", offset_ms=3)  # resembles PII
    add(a.id, NoteKind.PAIN, "Onboarding new hires takes weeks", offset_ms=4)
    add(b.id, NoteKind.PAIN, "Onboarding new hires is slow", offset_ms=4)
    add(b.id, NoteKind.PAIN, "The office coffee machine is broken", offset_ms=5)
    add(a.id, NoteKind.OBJECTION, "Too expensive #pricing", offset_ms=6, response="Showed ROI")
    add(
        a.id,
        NoteKind.QUOTE,
        "Verbatim: “We would pay for this yesterday” — half laughing #pricing",
        offset_ms=7,
        quote_worthy=True,
        speaker="Dana Doe",
    )
    add(b.id, NoteKind.GENERAL, "Great energy, send the deck", offset_ms=8, quote_worthy=True)
    services.review.grade(a.id, Grade.SQL, "Riley Rep")
    return services


def report(services: Services, path: Path, **kwargs: object) -> str:
    build_insights_report(services, MARCH, None, path, generated_by="Pat Lead", **kwargs)  # type: ignore[arg-type]
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(path).pages)


def test_the_untagged_notes_are_all_listed_and_the_sentences_add_up(month, tmp_path):
    pains = month.insights.compute(MARCH).pains
    assert [e.text for e in pains.unthemed] == ["The office coffee machine is broken"]
    assert len(pains.suggested_notes) == 4  # 1 resembling + 2 grouped + 1 alone

    text = report(month, tmp_path / "march.pdf")

    assert contains(
        text,
        "4 pain notes on 3 calls had no theme: 1 resembles a theme, 2 share a phrase across "
        "calls and 1 stands alone; all are listed in appendix C, not counted in the ranking.",
    )
    appendix = flat(text).split(flat("C. Every untagged note"))[1]
    assert contains(text, "Suggested: 1 untagged pain note on 1 call resembles this theme")
    for said in (
        "Legal blocks the PII data audit",
        "Onboarding new hires takes weeks",
        "Onboarding new hires is slow",
        "The office coffee machine is broken",
    ):
        assert flat(said) in appendix
    assert contains(text, "Every objection note had a theme.")
    assert not contains(text, "0 objection notes")
    assert "resemble this theme" not in flat(text).replace(flat("resembles this theme"), "")


def test_theme_names_keep_the_capitals_they_were_typed_with(month, tmp_path):
    text = report(month, tmp_path / "march.pdf")
    assert contains(text, "2. PII")
    assert not contains(text, "Pii")
    assert contains(text, "Manual reporting")


def test_shares_of_calls_read_as_sentences(month, tmp_path):
    text = report(month, tmp_path / "march.pdf")
    # the pricing objection: one call, graded SQL, its response noted
    assert contains(text, "— raised on 1 of 3 calls; that call was graded SQL.")
    assert contains(text, "the call was graded SQL")
    assert not contains(text, "call graded not graded")
    assert not contains(text, "of those 1 call")
    assert not contains(text, "of these 1 call")


def test_the_appendix_lists_every_call_counted(month, tmp_path):
    text = report(month, tmp_path / "march.pdf")
    appendix = flat(text).split(flat("B. The calls counted"))[1]
    assert flat("The 3 calls the numbers come from") in appendix
    assert flat("04 Mar 2024 Acme Riley Rep SQL won") in appendix
    assert flat("05 Mar 2024 Beta Sam Seller not graded open") in appendix
    assert flat("06 Mar 2024 Gamma Riley Rep not graded open") in appendix


def test_a_redacted_appendix_names_accounts_by_their_stand_ins(month, tmp_path):
    text = report(month, tmp_path / "march.pdf", redaction=RedactionOptions())
    appendix = flat(text).split(flat("B. The calls counted"))[1]
    for name in ("Acme", "Beta", "Gamma"):
        assert flat(name) not in appendix
    assert appendix.count(flat("Mar 2024")) >= 3


def test_the_quote_bank_shows_the_words_said_and_who_said_them(month, tmp_path):
    text = report(month, tmp_path / "march.pdf")
    bank = flat(text).split(flat("Quote bank"))[-1]
    assert flat("“We would pay for this yesterday”") in bank
    assert flat("Verbatim") not in bank and flat("laughing") not in bank
    assert flat("CFO, Acme, Enterprise, 1000+ employees · 04 Mar 2024 · deal won") in bank
    assert flat("not yet reviewed") in bank
    assert flat("send the deck") not in bank  # the marketer's own note, not a prospect's
    assert flat("1 pain, objection, quote or answer flagged") in bank


def test_the_same_words_are_never_two_bullets(services, tmp_path):
    for day in (4, 5, 6):
        c = services.calls.start(f"Acct {day}", rep="Riley Rep", started_at=at(day))
        services.notes.add(
            c.id, NoteKind.OBJECTION, "Too expensive #pricing", offset_ms=1, response="Showed ROI"
        )

    text = report(services, tmp_path / "march.pdf")

    objections = flat(text).split(flat("Objections"))[-1].split(flat("Qualification"))[0]
    assert objections.count(flat("“Too expensive”")) == 1
    assert objections.count(flat("• Showed ROI")) == 1


def test_a_month_not_over_says_so_and_a_finished_one_does_not(month, clock, tmp_path):
    clock.now = datetime(2024, 3, 12, 15, 0).astimezone()
    text = report(month, tmp_path / "running.pdf")
    assert contains(text, "not over yet: counts run to 12 March (day 12 of 31)")
    assert contains(text, "March 2024 is not over yet")

    clock.now = datetime(2024, 4, 1, 9, 0).astimezone()
    assert not contains(report(month, tmp_path / "done.pdf"), "not over")
