"""The alignment page of the insights PDF, read back for the month whose truth
`tests/services/test_alignment.py` spells out note by note."""

from __future__ import annotations

from pathlib import Path

import pypdf

from desktop.domain import NoteKind, Verdict
from desktop.reports.insights_report import build_insights_report
from desktop.services import Services
from desktop.services.redaction import RedactionOptions
from tests.reports.test_pdfs import contains
from tests.services.test_alignment import MARCH, at, build_month


def alignment_page(services: Services, path: Path, **kwargs: object) -> str:
    build_month(services)
    build_insights_report(services, MARCH, None, path, generated_by="Pat Lead", **kwargs)  # type: ignore[arg-type]
    pages = [p.extract_text() for p in pypdf.PdfReader(path).pages]
    found = [p for p in pages if contains(p, "Alignment between marketing and sales")]
    assert len(found) == 1
    following = pages[pages.index(found[0]) + 1]
    assert contains(following, "Appendix")  # the alignment takes one page
    return found[0]


def test_the_page_shows_every_rate_with_its_counts(services: Services, tmp_path: Path) -> None:
    page = alignment_page(services, tmp_path / "march.pdf")

    assert contains(
        page,
        "Reps confirmed 5 of 11 reviewed notes (45%), corrected 4 and disputed 2; "
        "2 notes of the period are not reviewed yet. In February 2024 they confirmed "
        "2 of 4 reviewed notes, corrected 1 and disputed 1.",
    )
    # per kind as filed: confirmed, corrected, disputed (each of the reviewed), February's confirmed
    assert contains(page, "Pain 2 of 7 4 of 7 1 of 7 2 of 2")
    assert contains(page, "Objection 2 of 3 0 of 3 1 of 3 0 of 2")
    assert contains(page, "Quote 1 of 1 0 of 1 0 of 1 –")
    # per pair: calls, then the same columns
    assert contains(page, "Mo Marketer → Riley Rep 2 2 of 6 3 of 6 1 of 6 2 of 3")
    assert contains(page, "Kim Marketer → Sam Seller 1 3 of 4 0 of 4 1 of 4 0 of 1")
    assert contains(page, "Kim Marketer → Riley Rep 1 0 of 1 1 of 1 0 of 1 –")
    assert contains(
        page,
        "Kinds refiled: filed as Pain, rep said Objection (2 notes); "
        "filed as Pain, rep said Question (1 note).",
    )
    assert contains(page, "Reporting 3 of 3 0 of 3 1 0")
    assert contains(page, "Pricing 1 of 4 1 of 4 0 0")
    assert contains(page, "Budget – – 0 1")
    assert not contains(page, "kappa")


def test_redacted_team_and_theme_names_go_through_the_redactor(
    services: Services, tmp_path: Path
) -> None:
    page = alignment_page(
        services,
        tmp_path / "redacted.pdf",
        redaction=RedactionOptions(add=("budget",), team="role"),
    )

    for name in ("Mo Marketer", "Kim Marketer", "Riley Rep", "Sam Seller", "Budget"):
        assert not contains(page, name)
    assert contains(page, "Reps confirmed 5 of 11 reviewed notes (45%)")
    assert contains(page, "Reporting 3 of 3 0 of 3 1 0")


def test_a_theme_keeps_the_capitals_it_was_typed_with(services: Services, tmp_path: Path) -> None:
    call = services.calls.start(
        "Omega", rep="Riley Rep", marketer="Mo Marketer", started_at=at(3, 25)
    )
    note = services.notes.add(call.id, NoteKind.PAIN, "Legal blocks every #PII export")
    services.review.annotate(note.id, Verdict.CORRECTED, "Riley Rep", correction="Only EU data")

    page = alignment_page(services, tmp_path / "march.pdf")

    assert contains(page, "PII 1 of 1 0 of 1")
    assert not contains(page, "Pii")
