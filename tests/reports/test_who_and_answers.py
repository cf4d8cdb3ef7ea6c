"""Who said a quote, and what the prospect answered, as the PDFs print them.

A hand-made call with two contacts: each quote must be put in the mouth of the contact
the note names (by title), never in the mouth of whichever contact the call happens to
have; a quote with no speaker is attributed to a person only when the call had exactly
one contact.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.domain import CriterionStatus, NoteKind
from desktop.reports.call_summary import build_call_summary
from desktop.services import Services
from desktop.services.redaction import RedactionOptions
from tests.reports.test_pdfs import (
    at,
    contains,
    flat,
    march_report,
    note,
    pdf_text,
    start,
)

CFO_SAID = "We close the books by hand every month"
OPS_SAID = "Our drivers wait two days for paperwork"
NOBODY_SAID = "Nobody trusts the numbers in the board deck"
ALONE_SAID = "I would sign tomorrow if IT agreed"


@pytest.fixture
def two_voices(services: Services):
    """A call with a CFO and a head of operations, a quote from each and one from
    neither; and a call with a single contact and a quote with no speaker."""
    services.accounts.ensure("Acme Freight", industry="Logistics", segment="Mid-market")
    services.accounts.ensure_contact("Acme Freight", "Dana Reyes", title="CFO")
    services.accounts.ensure_contact("Acme Freight", "Sam Ortiz", title="Head of Operations")
    call = start(services, "Acme Freight", at(3, 12), contacts=["Dana Reyes", "Sam Ortiz"])
    for text, speaker in ((CFO_SAID, "Dana"), (OPS_SAID, "Sam Ortiz"), (NOBODY_SAID, None)):
        note(services, call.id, NoteKind.QUOTE, text, quote_worthy=True, speaker=speaker)
    services.accounts.ensure("Solo Ltd", industry="Retail")
    services.accounts.ensure_contact("Solo Ltd", "Kim Lee", title="COO")
    solo = start(services, "Solo Ltd", at(3, 14), contacts=["Kim Lee"])
    note(services, solo.id, NoteKind.QUOTE, ALONE_SAID, quote_worthy=True)
    return call


def test_quotes_are_attributed_to_their_speaker_in_the_insights_pdf(
    services: Services, two_voices, tmp_path: Path
) -> None:
    # The quote bank prints each quote over its attribution: "“…” CFO, Acme Freight · date".
    text = march_report(services, tmp_path / "march.pdf")

    assert contains(text, f"“{CFO_SAID}” CFO, Acme Freight")
    assert contains(text, f"“{OPS_SAID}” Head of Operations, Acme Freight")
    # Two people were on the call and the note names neither: no guess.
    assert contains(text, f"“{NOBODY_SAID}” prospect, Acme Freight")
    # One person on the call: the quote can only be theirs.
    assert contains(text, f"“{ALONE_SAID}” COO, Solo Ltd")
    for wrong in (f"“{OPS_SAID}” CFO", f"“{CFO_SAID}” Head", f"“{NOBODY_SAID}” CFO"):
        assert not contains(text, wrong), wrong


def test_redacted_insights_keep_the_title_and_drop_the_name(
    services: Services, two_voices, tmp_path: Path
) -> None:
    text = march_report(services, tmp_path / "march.pdf", redaction=RedactionOptions())

    assert contains(text, f"“{CFO_SAID}” CFO, logistics company")
    assert contains(text, f"“{OPS_SAID}” Head of Operations, logistics company")
    for secret in ("Dana", "Reyes", "Sam Ortiz", "Acme Freight"):
        assert secret not in text, secret


def test_the_call_summary_says_who_said_each_note(
    services: Services, two_voices, tmp_path: Path
) -> None:
    build_call_summary(services, two_voices.id, tmp_path / "call.pdf")
    text = pdf_text(tmp_path / "call.pdf")
    assert contains(text, f"{CFO_SAID} — Dana Reyes, CFO")
    assert contains(text, f"{OPS_SAID} — Sam Ortiz, Head of Operations")
    after = flat(text).split(flat(NOBODY_SAID), 1)[1]
    assert not after.startswith("—")

    build_call_summary(
        services, two_voices.id, tmp_path / "redacted.pdf", redaction=RedactionOptions()
    )
    redacted = pdf_text(tmp_path / "redacted.pdf")
    assert contains(redacted, f"{CFO_SAID} — [contact: CFO]")
    assert contains(redacted, f"{OPS_SAID} — [contact: Head of Operations]")
    assert "Dana" not in redacted and "Ortiz" not in redacted


def test_the_call_summary_shows_the_answer_heard_on_each_criterion(
    services: Services, tmp_path: Path
) -> None:
    call = start(services, "Acme Freight", at(3, 12), framework="BANT")
    services.qualification.set_status(
        call.id, "budget", CriterionStatus.ANSWERED, answer="40k approved for Q3"
    )
    services.qualification.set_status(
        call.id, "authority", CriterionStatus.DISQUALIFYING, answer="Board must approve any spend"
    )
    # A question linked before its answer was heard: the note's answer is what was heard.
    question = note(services, call.id, NoteKind.QUESTION, "When do you need it live?")
    services.qualification.link_note(question.id, "timeline")
    services.notes.edit(question.id, answer="Before the September close")

    build_call_summary(services, call.id, tmp_path / "call.pdf")
    text = pdf_text(tmp_path / "call.pdf")

    assert contains(text, "2 of 4 criteria covered (answered, or found disqualifying).")
    assert contains(text, "answered 40k approved for Q3")
    assert contains(text, "disqualifying Board must approve any spend")
    assert contains(text, "asked Before the September close")
    assert contains(text, "not asked —")  # Need: nothing heard
