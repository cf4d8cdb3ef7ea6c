"""Filing a note sends a few statements, however many themes it has, and leaves the
search index exactly as a full reindex of the note would."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from desktop.domain import NoteKind, SearchField
from desktop.services import Services
from desktop.storage import models as m
from desktop.storage.search import reindex_notes
from tests.statements import counted


def _add(services: Services, call_id: uuid.UUID, themes: int) -> int:
    """The statements one fully dressed `add` sends, with `themes` new themes and as
    many inline hashtags."""
    tags = [f"theme-{uuid.uuid4().hex[:8]}" for _ in range(themes)]
    hashtags = " ".join(f"#inline-{uuid.uuid4().hex[:8]}" for _ in range(themes))
    with counted(services) as sent:
        services.notes.add(
            call_id,
            NoteKind.OBJECTION,
            f"Too expensive {hashtags}",
            tags=tags,
            author=f"Mo {uuid.uuid4().hex[:6]}",
            speaker="Dana",
            response="We showed the ROI sheet",
            answer="Next quarter",
            note_id=uuid.uuid4(),
        )
    return len(sent)


def test_adding_a_note_sends_a_few_statements(services: Services) -> None:
    call = services.calls.start("Acme", rep="Rita", contacts=["Dana Cho"])
    services.notes.add(call.id, NoteKind.PAIN, "warm")
    with counted(services) as sent:
        services.notes.add(call.id, NoteKind.PAIN, "Month end takes a week")
    # BEGIN, the call's times, the note, its search document (+ pg_notify on PostgreSQL).
    assert len(sent) <= 5, sent
    with counted(services) as sent:
        services.notes.add(call.id, NoteKind.PAIN, "Filed by the window", note_id=uuid.uuid4())
    assert len(sent) <= 6, sent


def test_the_statements_do_not_grow_with_themes_or_fields(services: Services) -> None:
    call = services.calls.start("Acme", rep="Rita", contacts=["Dana Cho"])
    few, many = _add(services, call.id, 1), _add(services, call.id, 12)
    assert few == many
    assert many <= 14  # a new author, new themes, the speaker: each a statement or two


def test_a_new_notes_search_documents_are_what_a_reindex_writes(services: Services) -> None:
    call = services.calls.start("Acme", rep="Rita")
    note = services.notes.add(
        call.id,
        NoteKind.QUESTION,
        "Who signs the order?",
        answer="The CFO",
        response="We will send the contract",
    )
    docs = select(m.SearchDoc.field, m.SearchDoc.body).where(m.SearchDoc.note_id == note.id)
    db = services.db
    with db.read() as s:
        filed = s.execute(docs.order_by(m.SearchDoc.id)).all()
    with db.write() as s:
        reindex_notes(s.connection(), db.search, [note.id])
    with db.read() as s:
        reindexed = s.execute(docs.order_by(m.SearchDoc.id)).all()
    assert filed == reindexed
    assert [field for field, _ in filed] == [
        SearchField.TEXT,
        SearchField.ANSWER,
        SearchField.RESPONSE,
    ]
    for word in ("signs", "cfo", "contract"):
        assert [hit.note_id for hit in services.search.search(word, limit=5)] == [note.id]


def test_a_filed_note_counts_as_a_write(services: Services) -> None:
    call = services.calls.start("Acme", rep="Rita")
    before = services.db.writes
    services.notes.add(call.id, NoteKind.PAIN, "Month end takes a week")
    assert services.db.writes == before + 1
