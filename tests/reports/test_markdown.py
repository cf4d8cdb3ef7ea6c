"""A call as Markdown: the whole text of a hand-made call, and user text that a Markdown
reader (markdown-it, CommonMark with GitHub's tables and strikethrough) prints as typed."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from desktop.domain import CriterionStatus, Grade, NoteKind, Outcome, Verdict
from desktop.reports.markdown import build_call_markdown, lines
from desktop.services import Services
from desktop.services.redaction import RedactionOptions
from tests.fakes import FakeClock

READER = MarkdownIt("commonmark").enable(["table", "strikethrough"])


def shown(markdown: str) -> str:
    """What a reader sees: the rendered HTML without its tags, one line per break."""
    rendered = READER.render(markdown).replace("<br />", "")
    return html.unescape(re.sub(r"<[^>]+>", "", rendered)).strip()


def test_a_hand_made_call_reads_exactly_so(services: Services, clock: FakeClock) -> None:
    call = services.calls.start(
        "Acme Freight", rep="Rita Rep", marketer="Mo Marketer", framework="BANT",
        contacts=["Dana Lee"], stage="evaluation",
    )  # fmt: skip
    pain = services.notes.add(
        call.id, NoteKind.PAIN, "Reporting takes two days", offset_ms=65_000, intensity=4,
        tags=["manual-reporting"], speaker="Dana",
    )  # fmt: skip
    price = services.notes.add(
        call.id, NoteKind.PAIN, "Too expensive", offset_ms=120_000, intensity=2
    )
    question = services.notes.add(
        call.id, NoteKind.QUESTION, "Who signs off?", offset_ms=200_000,
        answer="The CFO, above 40k",
    )  # fmt: skip
    services.notes.add(call.id, NoteKind.QUOTE, "We live in spreadsheets", offset_ms=3_700_000)
    services.review.annotate(pain.id, Verdict.CONFIRMED, "Rita Rep")
    services.review.reclassify(price.id, kind=NoteKind.OBJECTION, intensity=3, by="Rita Rep")
    services.review.annotate(
        question.id, Verdict.CORRECTED, "Rita Rep", correction="The CFO, above 50k",
        comment="Check with Dana",
    )  # fmt: skip
    services.qualification.set_status(
        call.id, "budget", CriterionStatus.ANSWERED, answer="40k this year"
    )
    services.qualification.set_status(call.id, "authority", CriterionStatus.ASKED)
    clock.advance(timedelta(minutes=45))
    services.calls.end(call.id)
    services.calls.set_next_step(call.id, "Send pricing by Friday")
    services.review.grade(call.id, Grade.SQL, "Rita Rep", "Budget and a signer")
    services.accounts.set_outcome("Acme Freight", Outcome.WON, on=date(2025, 4, 2))

    start = call.started_at.astimezone()
    end = (call.started_at + timedelta(minutes=45)).astimezone()
    graded = clock().astimezone()
    assert (
        build_call_markdown(services, call.id)
        == f"""\
# Acme Freight — discovery call, {start:%d %b %Y}

- **When:** {start:%a %d %b %Y, %H:%M}–{end:%H:%M} (45 min)
- **Rep / marketer:** Rita Rep / Mo Marketer
- **Prospect side:** Dana Lee
- **Type:** Discovery · evaluation
- **Framework:** BANT
- **Review:** Reviewed; 3 of 4 notes reviewed

## Lead grade

**SQL**, graded by Rita Rep on {graded:%d %b %Y}.

Why: Budget and a signer

## Deal outcome

**Won** on 02 Apr 2025

## Qualification (BANT): 1 of 4 covered

- **Budget:** answered — 40k this year
- **Authority:** asked
- **Need:** open
- **Timeline:** open

## Notes (4)

### Pains (1)

- **01:05** Reporting takes two days
  - intensity 4/5 · #manual-reporting · said by Dana Lee
  - Confirmed by Rita Rep

### Objections (1)

- **02:00** Too expensive
  - intensity 3/5
  - Refiled by Rita Rep: Kind: Pain → Objection · Intensity: 2 → 3

### Questions and answers (1)

- **03:20** Who signs off?
  - Answer: The CFO, above 40k
  - Corrected by Rita Rep: The CFO, above 50k
  - Comment by Rita Rep: Check with Dana

### Quotes (1)

- **1:01:40** We live in spreadsheets

## Next step

Send pricing by Friday
"""
    )


def test_user_text_is_printed_as_typed(services: Services) -> None:
    tricky = (
        "*not bold* _not italic_ **nor this** `no code` | a | table |\n"
        "# not a heading\n"
        "> not a quote\n"
        "1. not a list\n"
        "2) nor this\n"
        "- nor a bullet\n"
        "+ nor this\n"
        "===\n"
        "---\n"
        "```\n"
        "[not a link](http://x) <b>not html</b> &copy; ~~kept~~ $x$ back\\slash"
    )
    call = services.calls.start("Acme #1 *Best*", rep="Rita_Rep")
    services.notes.add(call.id, NoteKind.PAIN, tricky, offset_ms=1000, tags=["a_b"])
    markdown = build_call_markdown(services, call.id)
    assert "# Acme \\#1 \\*Best\\* — discovery call" in markdown
    tokens = READER.parse(markdown)
    kinds = {t.type for t in tokens}
    assert not kinds & {"blockquote_open", "ordered_list_open", "table_open", "hr", "fence"}
    assert sum(t.type == "heading_open" for t in tokens) == 4  # title, grade, notes, pains
    inline = [c.type for t in tokens if t.type == "inline" for c in t.children or []]
    assert not set(inline) & {"em_open", "s_open", "code_inline", "link_open", "html_inline"}
    assert sum(t == "strong_open" for t in inline) == 7  # the six facts and the offset only
    seen = shown(markdown)
    for line in tricky.splitlines():
        assert line in seen
    assert "Rita_Rep" in seen and "#a_b" in seen


def test_a_redacted_call_hides_names_as_the_pdf_does(services: Services) -> None:
    call = services.calls.start("Acme Freight", rep="Rita Rep", contacts=["Dana Lee"])
    services.notes.add(call.id, NoteKind.PAIN, "Dana Lee says reporting takes days", speaker="Dana")
    markdown = build_call_markdown(services, call.id, redaction=RedactionOptions())
    assert "Dana" not in markdown and "Acme" not in markdown
    assert "Rita Rep" in markdown  # the team's own names stay, as in the PDF
    assert markdown.endswith("_Names, contact details and the account are redacted._\n")


@given(st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1))
def test_any_text_reads_back_as_its_lines(text: str) -> None:
    kept = [line.strip() for line in text.splitlines() if line.strip()]
    if not kept:
        return
    markdown = f"- **00:01** {lines(text, '  ')}\n"
    assert shown(markdown) == "00:01 " + "\n".join(kept)
