"""A competitor on the team's list, read back from the insights PDF: counted on the calls
that name it though no competitor note does, and printed as the list writes it."""

from __future__ import annotations

import re
from datetime import datetime

import pypdf

from desktop.domain import NoteKind
from desktop.reports.insights_report import build_insights_report
from desktop.services import Services
from desktop.services.periods import Period

MARCH = Period.month(2024, 3)


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_a_listed_competitor_is_printed_as_listed_and_counted_by_name(services: Services, tmp_path):
    services.competitors.add("eGain")
    add = services.notes.add
    said = ["EGAIN charges per seat", "Their egain bot is slow",
            "Egained nothing from the pilot", "No competitor came up"]  # fmt: skip
    for day, text in enumerate(said, start=1):
        c = services.calls.start(
            f"Account {day}", started_at=datetime(2024, 3, day, 12).astimezone()
        )
        add(c.id, NoteKind.PAIN, text)
    path = tmp_path / "march.pdf"

    build_insights_report(services, MARCH, None, path, generated_by="Pat Lead")

    text = flat("\n".join(p.extract_text() for p in pypdf.PdfReader(path).pages))
    assert flat("eGain 2 of 4") in text  # "Egained" is another word
    assert "EGain" not in text
    assert flat("on the team's competitor list") in text
