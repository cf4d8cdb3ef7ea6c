"""The competitors and qualification pages of the insights PDF, read back (issue 14).

A small March is built through the services, with its truth known by hand: which calls
name which competitor (in any note, answer or response, in any case), and which BANT
calls covered which criterion with which grade. The pages must say those numbers, name
competitors as written, and give each criterion a verdict with its reason.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from pathlib import Path

import pypdf
import pytest

from desktop.domain import CriterionStatus, Grade, NoteKind, Verdict
from desktop.reports.insights_report import build_insights_report
from desktop.services import Services
from desktop.services.insight_values import VERDICT_RULES
from desktop.services.periods import Period
from desktop.services.redaction import RedactionOptions

MARCH = Period.month(2024, 3)


def at(month: int, day: int) -> datetime:
    return datetime(2024, month, day, 12).astimezone()


def flat(text: str) -> str:
    """Text as compared: NFKC, no whitespace (lines wrap anywhere)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def page(path: Path, title: str) -> str:
    """The text of the page(s) of one section: from its title to the next section's."""
    reader = pypdf.PdfReader(path)
    pages = [p.extract_text() for p in reader.pages]
    found = [p for p in pages if p.lstrip().splitlines()[1:2] and title in p.splitlines()[1]]
    return flat("\n".join(found or pages))


@pytest.fixture
def month(services: Services) -> Services:
    """Six March calls with BANT; Veloxa named on four of them, never twice the same way
    as a tag; Clarivo on one; a generic #competition tag; a disputed note naming Veloxa."""

    def start(account: str, day: int, grade: Grade | None):
        c = services.calls.start(
            account, rep="Riley Rep", marketer="Mo Marketer", framework="bant",
            started_at=at(3, day),
        )  # fmt: skip
        if grade is not None:
            services.review.grade(c.id, grade, "Riley Rep")
        return c

    grades = [Grade.SQL, Grade.SQL, Grade.MQL, Grade.MQL, Grade.UNQUALIFIED, None]
    calls = [start(f"Account {i}", i, g) for i, g in enumerate(grades, start=1)]
    add = services.notes.add
    add(calls[0].id, NoteKind.COMPETITOR, "They run Veloxa today #veloxa #competition")
    add(calls[1].id, NoteKind.PAIN, "veloxa exports break every week")
    add(calls[2].id, NoteKind.OBJECTION, "Too pricey", response="Veloxa costs more per seat")
    add(calls[2].id, NoteKind.COMPETITOR, "Clarivo was cheaper last year #clarivo")
    services.qualification.set_status(
        calls[3].id, "need", CriterionStatus.ANSWERED, answer="Leave Veloxa by June"
    )
    disputed = add(calls[4].id, NoteKind.PAIN, "Veloxa is faster")
    services.review.annotate(disputed.id, Verdict.DISPUTED, "Riley Rep")
    # Budget covered on calls 1-5 (all graded: 2 SQL of 5, 40%, baseline 2 of 5 graded)
    for c in calls[:5]:
        services.qualification.set_status(c.id, "budget", CriterionStatus.ANSWERED)
    # Authority asked on all six, covered on one: rephrase
    for i, c in enumerate(calls):
        status = CriterionStatus.ANSWERED if i == 0 else CriterionStatus.ASKED
        services.qualification.set_status(c.id, "authority", status)
    return services


def test_competitors_are_counted_by_name_and_shown_as_written(month, tmp_path):
    path = tmp_path / "march.pdf"
    build_insights_report(month, MARCH, None, path, generated_by="Pat Lead")

    text = page(path, "Competitors")

    # Veloxa: calls 1 (tag, text), 2 (pain), 3 (response), 4 (answer); not call 5 (disputed)
    assert flat("Veloxa 4 of 6 4 3") in text  # 3 notes; the 4th call by an answer
    assert flat("Clarivo 1 of 6 1 1") in text
    assert "veloxa4of6" not in text and "Competition1of6" not in text
    assert flat("a call counts when any note, answer or response on it names the") in text


def test_each_criterion_gets_a_verdict_and_the_rules_are_printed(month, tmp_path):
    path = tmp_path / "march.pdf"
    build_insights_report(month, MARCH, None, path, generated_by="Pat Lead")

    text = page(path, "Qualification")

    baseline = "Baseline: 2 of 5 graded BANT calls were graded SQL (40%); 1 call not graded is"
    assert flat(baseline + " left out of every rate.") in text
    assert flat("Budget 5 of 6 5 of 6 2 of 5 framework not used Drop") in text
    assert (
        flat(
            "Budget — Drop: SQL on 2 of 5 graded calls that covered it (40%) against 40% of all 5 "
            "graded BANT calls (+0 points): no lift"
        )
        in text
    )
    assert flat("Authority — Rephrase: asked on 6 of 6 calls but covered on only 1") in text
    assert flat("Need — Too few calls to judge: 1 graded call covered it") in text
    assert flat("Timeline — Too few calls to judge: 0 graded calls covered it") in text
    assert flat(VERDICT_RULES) in text


def test_redacted_pages_keep_competitors_and_verdicts(month, tmp_path):
    path = tmp_path / "march-redacted.pdf"
    build_insights_report(
        month, MARCH, None, path, generated_by="Pat Lead", redaction=RedactionOptions()
    )

    assert flat("Veloxa 4 of 6") in page(path, "Competitors")
    assert flat("Budget — Drop") in page(path, "Qualification")
