"""Every script renders on any reader: each font in both PDFs is embedded, and what a
reader copies out of them is what was typed (Chinese, Arabic with its vowel marks,
Hebrew with its points, emoji and emoji sequences)."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pypdf
import pytest
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import SimpleDocTemplate

from desktop.domain import NoteKind
from desktop.reports import fonts
from desktop.reports.call_summary import build_call_summary
from desktop.reports.insights_report import build_insights_report
from desktop.reports.layout import Styles
from desktop.reports.text import markup, para
from desktop.services import Services
from desktop.services.periods import Period
from tests.fakes import FakeClock

TYPED = {
    "Chinese": "中文：预算冻结到第三季度。",
    "Japanese": "日本語もある",
    "Korean": "한국어도 있어요",
    "Arabic": "مَرحَبا، الميزانية مُجَمَّدة حتى الربع الثالث",
    "Hebrew": "שָׁלוֹם, התקציב קפוא",
    "emoji": "We were 😩 about the exports 🚀",
    "emoji sequences": "👍🏽 and 👨‍👩‍👧 and 🇫🇷 and ❤️",
}
#: Fonts a reader has without being given them; a PDF relying on one fails elsewhere.
BASE_14 = re.compile(r"Helvetica|Times|Courier|Symbol|ZapfDingbats")


@dataclass(frozen=True)
class Pdfs:
    call: Path
    month: Path


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Pdfs:
    """A call (and so a month) whose notes are in every script above."""
    folder = tmp_path_factory.mktemp("scripts")
    shutil.copy(sqlite_template, folder / "ridealong.db")
    services = Services.open(f"sqlite:///{folder / 'ridealong.db'}", clock=FakeClock())
    call = services.calls.start(
        "Scripts Co 中文", started_at=datetime(2024, 3, 5, 10).astimezone(), rep="Riley Rep"
    )
    for i, text in enumerate(TYPED.values()):
        services.notes.add(
            call.id, NoteKind.PAIN, text, tags=["scripts"], quote_worthy=True, offset_ms=1000 * i
        )
    services.notes.add(call.id, NoteKind.OBJECTION, "Too pricey #price", response="مَرحَبا 😀 预算")
    pdfs = Pdfs(call=folder / "call.pdf", month=folder / "month.pdf")
    build_call_summary(services, call.id, pdfs.call)
    build_insights_report(services, Period.month(2024, 3), None, pdfs.month, generated_by="Pat")
    services.close()
    return pdfs


def used_fonts(path: Path) -> dict[str, Any]:
    """Every font the pages (and the forms drawn on them) use, by its PDF name."""
    found: dict[str, Any] = {}

    def walk(resources: Any) -> None:
        if resources is None:
            return
        resources = resources.get_object()
        for ref in (resources.get("/Font") or {}).values():
            font = ref.get_object()
            found[str(font["/BaseFont"])] = font
        for ref in (resources.get("/XObject") or {}).values():
            walk(ref.get_object().get("/Resources"))

    for page in pypdf.PdfReader(path).pages:
        walk(page.get("/Resources"))
    return found


def embedded(font: Any) -> bool:
    if font["/Subtype"] == "/Type0":
        font = font["/DescendantFonts"][0].get_object()
    descriptor = font.get("/FontDescriptor")
    files = ("/FontFile", "/FontFile2", "/FontFile3")
    return descriptor is not None and any(key in descriptor.get_object() for key in files)


def flat(text: str) -> str:
    """Text as compared: no whitespace (lines wrap anywhere); no other normalisation."""
    return re.sub(r"\s+", "", text)


def test_every_font_in_both_pdfs_is_embedded(pdfs: Pdfs) -> None:
    for path in (pdfs.call, pdfs.month):
        used = used_fonts(path)
        assert used
        assert not [name for name in used if BASE_14.search(name)], path.name
        assert [name for name, font in used.items() if not embedded(font)] == [], path.name
        # Chinese, Japanese and Korean from one embedded TrueType subset, emoji from another
        names = " ".join(used)
        assert "DroidSansFallback" in names and "NotoEmoji" in names, names
        assert all(font["/Subtype"] == "/TrueType" for font in used.values())


@pytest.mark.parametrize("script", TYPED)
def test_the_text_layer_gives_back_what_was_typed(pdfs: Pdfs, script: str) -> None:
    for path in (pdfs.call, pdfs.month):
        text = "\n".join(page.extract_text() for page in pypdf.PdfReader(path).pages)
        assert flat(TYPED[script]) in flat(text), (path.name, script)


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
def test_pdftotext_reads_the_characters_as_typed(pdfs: Pdfs) -> None:
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdfs.call), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for typed in ("预算冻结到第三季度", "مَرحَبا", "مُجَمَّدة", "שָׁלוֹם", "😩", "👨‍👩‍👧", "👍🏽", "🇫🇷"):
        assert typed in text, typed


def test_an_emoji_sequence_is_drawn_as_one_picture() -> None:
    family, flag, thumb, heart = "👨\u200d👩\u200d👧", "🇫🇷", "👍🏽", "❤\ufe0f"

    drawn = markup(f"{family} {flag} {thumb} {heart} {family} ❤")

    pictures = re.findall(r'<font face="RidealongEmoji">(.*?)</font>', drawn)
    assert [len(p) for p in pictures] == [1, 1, 1, 1, 1]  # one glyph each, not their parts
    assert len(set(pictures)) == 4 and pictures[0] == pictures[4]
    assert drawn.endswith(" ❤")  # without U+FE0F, the heart of the text font
    # as wide as any one emoji: the text after it does not overlap it
    assert stringWidth(pictures[0], fonts.EMOJI, 10) == stringWidth("😀", fonts.EMOJI, 10)


def test_characters_without_a_font_still_show_a_stand_in() -> None:
    assert markup("ไทย") == (
        '<font color="#8a8f98">[thai character sara ai maimalai + thai character tho thahan'
        " + thai character yo yak]</font>"
    )


def test_a_joiner_before_arabic_does_not_break_the_export(tmp_path: Path) -> None:
    """arabic-reshaper fails on a joiner before a lam-alef: it only ever sees Arabic."""
    family, arabic = "👨\u200d👩\u200d👧", "لا نريد"
    path = tmp_path / "t.pdf"

    SimpleDocTemplate(str(path)).build([para(f"{family} {arabic}", Styles().body)])

    text = pypdf.PdfReader(path).pages[0].extract_text()
    assert family in text and arabic in text  # the family not turned round by the RTL
