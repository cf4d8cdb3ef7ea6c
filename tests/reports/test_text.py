"""User text on the page: escaped, in a font that has it, or a visible stand-in; never a
crash, whatever a note holds."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pypdf
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from reportlab.platypus import SimpleDocTemplate

from desktop.domain import NoteKind
from desktop.reports.call_summary import build_call_summary
from desktop.reports.insights_report import build_insights_report
from desktop.reports.layout import Styles
from desktop.reports.text import line, markup, one_line, para, trim
from desktop.services import Services
from desktop.services.periods import Period
from desktop.services.redaction import RedactionOptions
from tests.fakes import FakeClock


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("<b>x</b> & y", "&lt;b&gt;x&lt;/b&gt; &amp; y"),
        ("line one\nline two\r\nthree", "line one<br/>line two<br/>three"),
        ("预算", '<font face="RidealongCJK">预算</font>'),
        ("한국어", '<font face="RidealongCJK">한국어</font>'),
        ("🚀", '<font face="RidealongEmoji">🚀</font>'),
        ("ไทยไทย", '<font color="#8a8f98">[Thai text: 6 characters this font cannot show]</font>'),
        ("a\x01b", 'a<font color="#8a8f98">[U+0001]</font>b'),
        ("zero\u200bwidth", "zero\u200bwidth"),
    ],
)
def test_markup_escapes_and_switches_fonts(typed: str, expected: str) -> None:
    assert markup(typed) == expected


def test_a_long_text_is_trimmed_only_with_a_marker(tmp_path: Path) -> None:
    text = "word " * 1000
    shown, cut = trim(text, 600)
    assert len(shown) <= 600 and cut == len(text) - len(shown)
    path = tmp_path / "t.pdf"
    SimpleDocTemplate(str(path)).build([para(text, Styles().body, limit=600)])
    extracted = pypdf.PdfReader(path).pages[0].extract_text()
    assert f"trimmed: {cut:,} more characters" in extracted


# Everything a database keeps: any code point but NUL and lone surrogates (the services
# refuse those), control and format characters, private use and unassigned included.
note_texts = st.text(
    alphabet=st.characters(exclude_categories=("Cs",), exclude_characters="\x00"),
    min_size=1,
    max_size=400,
).filter(lambda text: bool(text.strip()))


@pytest.fixture
def fuzz_services(sqlite_url: str, clock: FakeClock) -> Iterator[Services]:
    services = Services.open(sqlite_url, clock=clock)
    yield services
    services.close()


@settings(database=None)
@given(text=note_texts, redact=st.booleans())
# An unassigned code point beside Hebrew (bidi class ""): the old pure-Python bidi
# algorithm asserted on it, so a note holding one could not be exported.
@example(text="\u05d0 \u0378 1", redact=False)
def test_any_note_text_makes_both_pdfs(
    fuzz_services: Services, tmp_path: Path, text: str, redact: bool
) -> None:
    services = fuzz_services
    call = services.calls.start("Fuzz Co", started_at=datetime(2024, 3, 5, 10).astimezone())
    services.notes.add(call.id, NoteKind.PAIN, text, tags=["fuzz"], quote_worthy=True)
    services.notes.add(call.id, NoteKind.OBJECTION, "x", response=text, tags=["fuzz"])
    options = RedactionOptions() if redact else None

    summary = build_call_summary(services, call.id, tmp_path / "call.pdf", redaction=options)
    report = build_insights_report(
        services,
        Period.month(2024, 3),
        None,
        tmp_path / "month.pdf",
        generated_by=text[:50],
        redaction=options,
    )

    for info in (summary, report):
        assert len(pypdf.PdfReader(info.path).pages) == info.pages
    services.calls.delete(call.id)


def _drawn(flowables: list[Any], path: Path) -> list[tuple[str, float, float]]:
    """Each piece of text on the page and where it starts (x, y in points)."""
    SimpleDocTemplate(str(path)).build(flowables)
    found: list[tuple[str, float, float]] = []

    def visit(text: str, cm: list[float], tm: list[float], *_rest: object) -> None:
        if text.strip():
            x, y = tm[4] * cm[0] + tm[5] * cm[2] + cm[4], tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            found.append((text.strip(), round(x, 3), round(y, 3)))

    pypdf.PdfReader(path).pages[0].extract_text(visitor_text=visit)
    return found


@pytest.mark.parametrize("text", ["• Reporting takes a week", "03 Dec 2024 · Cedarline Freight"])
def test_a_plain_line_is_drawn_where_its_paragraph_would_be(text: str, tmp_path: Path) -> None:
    styles = Styles()
    width = 400.0
    for style in (styles.cell, styles.attribution, styles.small):
        fast = line(text, style, width)
        assert fast is not None
        assert fast.wrap(width, 800) == para(text, style).wrap(width, 800)
        assert fast.getSpaceAfter() == para(text, style).getSpaceAfter()
        slow = [para(text, style), para(text, style)]
        quick = [line(text, style, width), line(text, style, width)]
        assert _drawn(quick, tmp_path / "line.pdf") == _drawn(slow, tmp_path / "para.pdf")


@pytest.mark.parametrize(
    "text",
    [
        "too long " * 40,  # would wrap
        "two  spaces",  # a paragraph shows one
        " leading space",
        "AT&T <b>",  # markup a reader could take for markup
        "预算 review",  # another font
        "line\nbreak",
        "שלום",  # right to left
        "",
    ],
)
def test_only_a_plain_line_skips_the_paragraph(text: str) -> None:
    styles = Styles()
    assert line(text, styles.cell, 400) is None
    assert one_line(text, styles.small, 400) is None


def test_a_plain_line_keeps_a_paragraphs_words_in_a_table_cell() -> None:
    assert one_line("Cedarline Freight Holdings", Styles().small, 165) == (
        "Cedarline Freight Holdings"
    )
    assert one_line("Cedarline Freight Holdings", Styles().small, 50) is None
