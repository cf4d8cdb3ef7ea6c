"""Redacted PDFs, read back whole: page text, bookmarks and metadata (Title, Subject,
Keywords, Author) must not hold a prospect's name, an account, an e-mail address or a
phone number, wherever the marketer typed it: in a note, an answer, the rep's response,
correction or comment, a tag (which becomes a theme, a table row, a chart label and a
bookmark) or a suggested group's label. The team's names are kept by default and
replaced by role on request, everywhere alike.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from pathlib import Path
from typing import Any

import pypdf
import pytest

from desktop.domain import Grade, NoteKind, Verdict
from desktop.reports.call_summary import build_call_summary
from desktop.reports.insights_report import build_insights_report
from desktop.services import Services
from desktop.services.periods import InsightFilters, Period
from desktop.services.redaction import RedactionOptions

MARCH = Period.month(2024, 3)
REP, MARKETER = "Sam Okafor", "Yuki Tanaka"
#: What was typed and must not be read in any redacted PDF (as whole words, any case).
SECRETS = (
    "Arjun", "Mehta", "Rao", "Siobhan", "O’Connor", "O'Connor", "OConnor", "Grace Park",
    "Álvarez", "Alvarez", "Lucía", "Lucia", "Li Na", "Quinn", "Imani", "Isla", "Acme",
    "Bramble", "Cobalt", "91234-5678", "612 34 56 78", "FLOWERS", "acmefreight",
)  # fmt: skip


def at(day: int) -> datetime:
    return datetime(2024, 3, day, 12).astimezone()


def read(path: Path) -> tuple[str, list[str], dict[str, str]]:
    """(page text, bookmark titles, metadata) of a PDF."""
    reader = pypdf.PdfReader(path)
    text = "\n".join(page.extract_text() for page in reader.pages)
    titles: list[str] = []

    def walk(items: list[Any]) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                titles.append(str(item.title))

    walk(reader.outline)
    meta = {k: str(v) for k, v in (reader.metadata or {}).items()}
    return unicodedata.normalize("NFKC", text), titles, meta


def leaks(*texts: str) -> set[str]:
    """The secrets found as words in the texts."""
    found = set()
    for secret in SECRETS:
        pattern = re.compile(rf"(?<!\w){re.escape(secret)}(?!\w)", re.IGNORECASE)
        if any(pattern.search(t) for t in texts):
            found.add(secret)
    return found


@pytest.fixture
def month(services: Services) -> tuple[Services, Any]:
    """A March with two accounts whose contacts' names are the hard cases, a third
    account named only in a note, and names typed everywhere a note can hold them."""
    acme, bramble = "Acme Freight", "Bramble Health"
    services.accounts.ensure(acme, industry="Logistics", segment="Mid-market", size="201-500")
    services.accounts.ensure(bramble, industry="Healthcare", segment="SMB", size="11-50")
    services.accounts.ensure("Cobalt Labs Inc.", industry="Software", segment="Enterprise")
    for name, title in (("Arjun Mehta", "COO"), ("Siobhan O’Connor", "CFO"),
                        ("Grace Park", "VP Finance"), ("Lucía Álvarez", "Head of Ops"),
                        ("Li Na", "IT Lead")):  # fmt: skip
        services.accounts.ensure_contact(acme, name, title=title)
    services.accounts.ensure_contact(bramble, "Arjun Rao", title="CTO")
    team = {"rep": REP, "marketer": MARKETER}
    first = services.calls.start(acme, started_at=at(4), contacts=["Arjun Mehta"], **team)
    second = services.calls.start(bramble, started_at=at(11), contacts=["Arjun Rao"], **team)
    third = services.calls.start(acme, started_at=at(18), framework="bant", **team)

    def add(call: Any, kind: NoteKind, text: str, **details: Any) -> Any:
        return services.notes.add(call.id, kind, text, offset_ms=60_000, **details)

    add(first, NoteKind.PAIN, "Arjun is off sick, so grace park ran the numbers", tags=["arjun"],
        intensity=4, quote_worthy=True)  # fmt: skip
    add(second, NoteKind.PAIN, "ARJUN says the month end takes a week", tags=["arjun"])
    add(first, NoteKind.PAIN, "Imani: we re-key every order twice", tags=["acme-freight"],
        quote_worthy=True)  # fmt: skip
    add(third, NoteKind.PAIN, "alvarez rebuilds the forecast by hand", tags=["acme-freight"])
    objection = add(
        second, NoteKind.OBJECTION, "Isla pushed back on price", tags=["price"],
        response="Told Isla and Arjun Rao about the annual discount",
    )  # fmt: skip
    add(third, NoteKind.OBJECTION, "Too expensive, says Lucia", tags=["price"])
    add(first, NoteKind.COMPETITOR, "Quinn compared us to Dealgrove", tags=["dealgrove"])
    add(third, NoteKind.COMPETITOR, "Dealgrove quoted less to Cobalt Labs", tags=["dealgrove"])
    for call in (first, second, third):
        add(call, NoteKind.PAIN, "Concerns from siobhan about the rollout plan")
    add(third, NoteKind.QUESTION, "Budget?", answer="O'Connor holds it: 40k")
    corrected = add(
        third, NoteKind.QUOTE, "Li Na: the CRM is a graveyard", quote_worthy=True,
        tags=["li-na"],
    )  # fmt: skip
    disputed = add(first, NoteKind.OBJECTION, "Siobhan hates annual plans", tags=["siobhan"])
    services.review.annotate(disputed.id, Verdict.DISPUTED, REP, comment="Not what Siobhan said")
    add(third, NoteKind.GENERAL, "Call +55 11 91234-5678, +34 612 34 56 78 or 1-800-FLOWERS")
    add(third, NoteKind.GENERAL, "Mail siobhan(at)acmefreight(dot)com after Easter")
    services.review.annotate(
        corrected.id, Verdict.CORRECTED, REP, correction="It was OConnor, not Li Na",
        comment="Grace Park said the same to me",
    )  # fmt: skip
    services.review.annotate(objection.id, Verdict.CONFIRMED, REP, comment="Isla again")
    services.review.grade(third.id, Grade.SQL, REP, reason="Siobhan has budget")
    return services, third


def test_a_redacted_month_holds_no_prospect_name_anywhere(
    month: tuple[Services, Any], tmp_path: Path
) -> None:
    services, _call = month
    path = tmp_path / "march.pdf"

    build_insights_report(
        services, MARCH, InsightFilters(account="Acme Freight"), path,
        generated_by=MARKETER, redaction=RedactionOptions(),
    )  # fmt: skip
    text, titles, meta = read(path)

    assert leaks(text) == set()
    assert leaks(*titles) == set(), titles
    assert "1. [account]" in titles and "2. [contact: COO]" in titles  # tags made themes
    assert leaks(*meta.values()) == set(), meta
    assert "Dealgrove" in text  # a competitor is no prospect
    assert MARKETER in text and MARKETER in meta["/Author"]  # the team's names are kept
    assert "a mid-market logistics company" in meta["/Subject"]
    assert "team names are kept" in " ".join(text.split())


def test_the_team_may_be_replaced_by_role_everywhere(
    month: tuple[Services, Any], tmp_path: Path
) -> None:
    services, call = month
    options = RedactionOptions(team="role")
    month_pdf, call_pdf = tmp_path / "march.pdf", tmp_path / "call.pdf"

    build_insights_report(
        services, MARCH, InsightFilters(rep=REP), month_pdf, generated_by=MARKETER,
        redaction=options,
    )  # fmt: skip
    build_call_summary(services, call.id, call_pdf, redaction=options)

    for path in (month_pdf, call_pdf):
        text, titles, meta = read(path)
        everything = (text, *titles, *meta.values())
        assert leaks(*everything) == set(), path.name
        for name in ("Sam", "Okafor", "Yuki", "Tanaka"):
            assert not any(name in t for t in everything), (path.name, name)
        assert "[rep A]" in text and "[marketer A]" in meta["/Author"]


def test_a_redacted_call_summary_hides_names_in_every_field(
    month: tuple[Services, Any], tmp_path: Path
) -> None:
    services, call = month
    path = tmp_path / "call.pdf"

    build_call_summary(services, call.id, path, redaction=RedactionOptions())
    text, titles, meta = read(path)

    assert leaks(text, *titles, *meta.values()) == set()
    flat = " ".join(text.split())
    for shown in ("[contact: CFO] holds it", "It was [contact: CFO], not [contact: IT Lead]",
                  "[contact: VP Finance] said the same", "[phone]", "[email]",
                  f"graded by {REP}"):  # fmt: skip
        assert shown in flat, shown


def test_without_redaction_the_metadata_still_names_the_account(
    month: tuple[Services, Any], tmp_path: Path
) -> None:
    services, _call = month
    path = tmp_path / "march.pdf"
    build_insights_report(
        services, MARCH, InsightFilters(account="Acme Freight"), path, generated_by=MARKETER
    )
    _text, titles, meta = read(path)
    assert "Acme Freight" in meta["/Subject"]
    assert any("Arjun" in t for t in titles)  # the tag's theme is a bookmark
