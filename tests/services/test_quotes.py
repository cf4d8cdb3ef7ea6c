"""Quotes a copywriter can lift: the prospect's words without the marketer's scaffolding,
only what a prospect says, attributed by role, segment and size with the deal's outcome."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from desktop.domain import NoteKind, Outcome, ReviewStatus
from desktop.services import Services
from desktop.services.periods import Period
from desktop.services.quotes import clean

MARCH = Period.month(2024, 3)


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ('Verbatim: "we live in spreadsheets"', "We live in spreadsheets"),
        ("VERBATIM - our board hates surprises", "Our board hates surprises"),
        (
            "Direct quote: “It takes us three days to close the month.”",
            "It takes us three days to close the month.",
        ),
        (
            "““It takes us three days to close the month.””",
            "It takes us three days to close the month.",
        ),
        ('""We need it by Q3""', "We need it by Q3"),
        (
            "Yuki: honestly the sales report is a spreadsheet",
            "Honestly the sales report is a spreadsheet",
        ),
        ("Mary Ann: the CFO signs off", "The CFO signs off"),
        ("CFO: we have no budget", "We have no budget"),
        ("Verbatim: Yuki: “we have no budget”", "We have no budget"),
        ("Our renewal is a nightmare — half laughing", "Our renewal is a nightmare"),
        ("Our renewal is a nightmare — half laughing.", "Our renewal is a nightmare."),
        ("We worry about PII leaking (laughs)", "We worry about PII leaking"),
        ("We worry about PII leaking [sighs] every week", "We worry about PII leaking every week"),
        ("It breaks every Monday #reliability #monday-blues", "It breaks every Monday"),
        ("#pricing Too expensive for a team our size", "Too expensive for a team our size"),
        ("We worry about #PII leaking", "We worry about PII leaking"),
        ("Direct quote - “too expensive for us” #pricing", "Too expensive for us"),
        ('"Our CFO hates it".', "Our CFO hates it."),
        ("“It's broken", "It's broken"),
        ("said: it is slow", "It is slow"),
        # Nothing to remove: the words stay exactly as typed.
        ("Budget is frozen until Q3 — twice now.", "Budget is frozen until Q3 — twice now."),
        ("“No” was all they said, “again”", "“No” was all they said, “again”"),
        ("I said: no way", "I said: no way"),
        ("The sales report is a spreadsheet.", "The sales report is a spreadsheet."),
        ("Our ratio is 3:1 against", "Our ratio is 3:1 against"),
        ("He called it “a toy” twice", "He called it “a toy” twice"),
        ("  spaces   everywhere  ", "spaces everywhere"),
        # Only scaffolding: nothing would be left, so the note shows as typed.
        ("#pricing", "#pricing"),
        ("Verbatim:", "Verbatim:"),
    ],
)
def test_the_prospects_words_are_shown_without_the_scaffolding(typed, said):
    assert clean(typed) == said


def test_cleaning_twice_changes_nothing_more():
    for typed in ("Verbatim: Yuki: “we have no budget” — laughing #budget", "Plain words."):
        assert clean(clean(typed)) == clean(typed)


def at(day: int) -> datetime:
    return datetime(2024, 3, day, 12).astimezone()


def test_the_quote_bank_holds_what_prospects_said_with_who_and_the_outcome(services: Services):
    services.accounts.ensure("Acme", segment="Mid-market", size="51-200", industry="Retail")
    services.accounts.set_outcome("Acme", Outcome.WON, on=date(2024, 4, 2))
    c = services.calls.start(
        "Acme", rep="Riley Rep", marketer="Mo", started_at=at(5), contacts=[("Yuki Tan", "CFO")]
    )
    add = services.notes.add
    pain = add(
        c.id,
        NoteKind.PAIN,
        "Verbatim: “the sales report is a spreadsheet”",
        offset_ms=1,
        quote_worthy=True,
        speaker="Yuki Tan",
    )
    add(c.id, NoteKind.OBJECTION, "Too pricey #pricing", offset_ms=2, case_study=True)
    add(c.id, NoteKind.QUESTION, "Yuki: Q3 at the latest", offset_ms=3, quote_worthy=True)
    add(c.id, NoteKind.QUOTE, "Love it — laughing", offset_ms=4, quote_worthy=True)
    # A marketer's own notes are not a prospect's words, however flagged.
    add(c.id, NoteKind.GENERAL, "Great call, send deck", offset_ms=5, quote_worthy=True)
    add(c.id, NoteKind.NEXT_STEP, "Demo on Friday", offset_ms=6, quote_worthy=True)
    add(c.id, NoteKind.SIGNAL, "Asked about pricing tiers", offset_ms=7, quote_worthy=True)

    bank = services.insights.compute(MARCH).quote_bank

    assert bank.total == 4
    words = {e.kind: e.words for e in bank.quotes}
    assert words == {
        NoteKind.PAIN: "The sales report is a spreadsheet",
        NoteKind.OBJECTION: "Too pricey",
        NoteKind.QUESTION: "Q3 at the latest",
        NoteKind.QUOTE: "Love it",
    }
    said = next(e for e in bank.quotes if e.note_id == pain.id)
    assert said.text == "Verbatim: “the sales report is a spreadsheet”"  # stored as typed
    assert (said.contact, said.segment, said.size, said.outcome) == (
        "CFO",
        "Mid-market",
        "51-200",
        Outcome.WON,
    )
    assert said.review_status is ReviewStatus.UNREVIEWED
    assert services.notes.get(pain.id).text == "Verbatim: “the sales report is a spreadsheet”"
