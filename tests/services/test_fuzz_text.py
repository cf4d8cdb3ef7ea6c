"""Any text a user can paste goes through capture, search, review and export: NUL and
control characters, right-to-left marks, lone surrogates, 100,000 characters. Nothing
but a clear `UserError` escapes, and what was stored is exactly what comes back."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from desktop.domain import NoteKind, Verdict
from desktop.errors import UserError
from desktop.services import Services

ODD = [
    "\x00",
    "\x07",
    "\x1b[31m",
    "\r\n",
    "\t",
    "\u200f",  # right-to-left mark
    "\u202e",  # right-to-left override
    "\u2066",  # left-to-right isolate
    "\ufeff",
    "\ud800",  # lone surrogates, as non-UTF-8 command-line bytes arrive
    "\udfff",
    "\U0001f680",
    "שלום",
    "مرحبا",
    'OR "',
    "-*",
    "NEAR(",
    "%_\\",
    "'; DROP TABLE notes; --",
]
PIECES = st.one_of(
    st.characters(), st.characters(categories=["Cc", "Cf", "Cs"]), st.sampled_from(ODD)
)


def pieces(min_size: int = 0, max_size: int = 300) -> st.SearchStrategy[str]:
    return st.lists(PIECES, min_size=min_size, max_size=max_size).map("".join)


SHORT = pieces()
LONG = st.builds(
    lambda unit, times: (unit * times)[:100_000],
    pieces(min_size=1, max_size=40),
    st.integers(min_value=1, max_value=100_000),
)
TEXT = st.one_of(SHORT, SHORT, LONG)
HUNDRED_THOUSAND = ("Budget frozen until Q3 \u200f שלום \U0001f680 " * 3000)[:100_000]


@pytest.fixture
def call_id(services: Services) -> uuid.UUID:
    return services.calls.start("Acme").id


@given(text=TEXT)
@example(text=HUNDRED_THOUSAND)
@example(text="nul \x00 inside")
@example(text="lone \ud800 surrogate")
@example(text="\u202e\u200f")
def test_a_note_comes_back_exactly_as_it_was_typed(
    services: Services, call_id: uuid.UUID, text: str
) -> None:
    try:
        note = services.notes.add(call_id, NoteKind.QUOTE, text)
    except UserError as refused:
        assert "\x00" in text or any(0xD800 <= ord(c) <= 0xDFFF for c in text) or not text.strip()
        assert "\n" not in str(refused)
        return
    assert note.text == text
    assert services.notes.get(note.id).text == text
    assert services.calls.notes(call_id)[-1].text == text


@given(query=TEXT)
@example(query=HUNDRED_THOUSAND)
def test_searching_for_anything_answers_or_says_why_not(
    services: Services, call_id: uuid.UUID, query: str
) -> None:
    services.notes.add(call_id, NoteKind.PAIN, "Budget frozen until Q3 שלום")
    try:
        hits = services.search.search(query, limit=5)
    except UserError as refused:
        assert "\n" not in str(refused)
        return
    assert all(h.call_id == call_id for h in hits)


@given(comment=TEXT)
@example(comment=HUNDRED_THOUSAND)
def test_an_annotation_keeps_its_words_exactly(
    services: Services, call_id: uuid.UUID, comment: str
) -> None:
    note = services.notes.add(call_id, NoteKind.OBJECTION, "Too expensive")
    try:
        made = services.review.annotate(
            note.id, Verdict.CORRECTED, "Rita", correction=comment, comment=comment
        )
    except UserError as refused:
        assert "\n" not in str(refused)
        return
    (stored,) = services.review.annotations([note.id])[note.id]
    assert stored.id == made.id
    assert (stored.correction, stored.comment) == (comment, comment)


@settings(max_examples=max(3, settings().max_examples // 5))  # a PDF each: slow
@given(text=pieces(min_size=1, max_size=1000))
@example(text="\x07 bell, \u202e override, \U0001f680 rocket, שלום, مرحبا")
def test_any_stored_text_exports_to_a_pdf(
    services: Services, call_id: uuid.UUID, tmp_path: Path, text: str
) -> None:
    from desktop.reports.call_summary import build_call_summary

    try:
        note = services.notes.add(call_id, NoteKind.QUOTE, text)
    except UserError:
        return
    services.review.annotate(note.id, None, "Rita", comment=text)
    target = tmp_path / "call.pdf"
    info = build_call_summary(services, call_id, target)
    assert info.pages >= 1 and target.read_bytes().startswith(b"%PDF")


def test_a_pasted_page_as_the_query_still_finds_its_note(
    services: Services, call_id: uuid.UUID
) -> None:
    """A query past PostgreSQL's parser limits is looked for by its first words."""
    page = " ".join(f"word{i}" for i in range(20_000))
    note = services.notes.add(call_id, NoteKind.QUOTE, page)
    services.notes.add(call_id, NoteKind.QUOTE, "word1 word2 alone")
    for query in (page, f'"{page}"'):
        assert [h.note_id for h in services.search.search(query)] == [note.id]
