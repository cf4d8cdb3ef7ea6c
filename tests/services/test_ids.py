"""Ids typed as a unique start of 8 or more hex digits, as git takes commits, on SQLite
(ids stored as 32-hex text) and PostgreSQL (native uuid)."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import update

from desktop.domain import NoteKind
from desktop.errors import NotFound, UserError
from desktop.services import Services
from desktop.services.ids import IdKind
from desktop.storage import models as m

CALL, NOTE, ANNOTATION = IdKind.CALL, IdKind.NOTE, IdKind.ANNOTATION


def call_with_id(services: Services, wanted: str) -> uuid.UUID:
    """A call (with no notes yet) whose id is `wanted`, to plant ids sharing a start."""
    call = services.calls.start("Acme")
    with services.db.write() as s:
        s.execute(update(m.Call).where(m.Call.id == call.id).values(id=uuid.UUID(wanted)))
    return uuid.UUID(wanted)


def test_a_start_of_eight_or_more_characters_names_the_row(services: Services) -> None:
    call = services.calls.start("Acme")
    text = str(call.id)
    for typed in (text[:8], text[:13], text[:12], text[:20].upper(), text.replace("-", "")[:31]):
        assert services.ids.resolve(typed, CALL) == call.id, typed
    assert services.ids.resolve(f"  {text[:9]} ", CALL) == call.id


def test_a_whole_id_is_taken_as_it_is(services: Services) -> None:
    unknown = uuid.uuid4()
    assert services.ids.resolve(str(unknown), CALL) == unknown
    assert services.ids.resolve(unknown.hex.upper(), NOTE) == unknown


def test_the_first_and_last_ids_there_can_be_are_found(services: Services) -> None:
    call = services.calls.start("Acme")
    low = uuid.UUID("00000000-0000-0000-0000-000000000000")
    high = uuid.UUID("ffffffff-ffff-ffff-ffff-ffffffffffff")
    for wanted in (low, high):
        services.notes.add(call.id, NoteKind.PAIN, "edge", note_id=wanted)
    assert services.ids.resolve("00000000", NOTE) == low
    assert services.ids.resolve("ffffffff-f", NOTE) == high


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("1234567", "too short: give at least 8 characters of the note id"),
        ("1234-567", "too short"),
        ("", "not a valid note id"),
        ("zz", "not a valid note id"),
        ("abcdefgh", "not a valid note id"),
        ("abcdef12%", "not a valid note id"),
        ("abcdef12_", "not a valid note id"),
        ("0" * 33, "not a valid note id"),
    ],
)
def test_what_cannot_be_an_id_is_refused(services: Services, typed: str, message: str) -> None:
    with pytest.raises(UserError, match=message):
        services.ids.resolve(typed, NOTE)


def test_a_start_that_names_nothing_is_not_found(services: Services) -> None:
    services.calls.start("Acme")
    with pytest.raises(NotFound, match="no note has an id starting with 9abcdef0"):
        services.ids.resolve("9abcdef0", NOTE)


def test_an_ambiguous_start_says_how_many_it_matches(services: Services) -> None:
    call = services.calls.start("Acme")
    first, second, third = (uuid.UUID(f"abcdef01-2345-4000-8000-00000000000{i}") for i in (1, 2, 3))
    for note_id in (first, second, third):
        services.notes.add(call.id, NoteKind.PAIN, "same start", note_id=note_id)
    with pytest.raises(UserError, match="ambiguous id prefix abcdef01: matches 3 notes"):
        services.ids.resolve("abcdef01", NOTE)
    assert services.ids.resolve("abcdef01-2345-4000-8000-000000000002", NOTE) == second
    assert services.ids.resolve(first.hex, NOTE) == first


def test_kinds_are_looked_up_together_or_apart(services: Services) -> None:
    call_id = call_with_id(services, "5eed5eed-0000-4000-8000-000000000001")
    note_id = uuid.UUID("5eed5eed-1111-4000-8000-000000000001")
    services.notes.add(call_id, NoteKind.PAIN, "x", note_id=note_id)
    assert services.ids.resolve("5eed5eed", CALL) == call_id
    assert services.ids.resolve("5eed5eed", NOTE) == note_id
    with pytest.raises(UserError, match="5eed5eed: matches 1 call and 1 note"):
        services.ids.resolve("5eed5eed", CALL, NOTE, ANNOTATION, what="id")
    assert services.ids.resolve("5eed5eed1", CALL, NOTE, what="id") == note_id
    with pytest.raises(NotFound, match="no call, note or annotation has an id starting"):
        services.ids.resolve("5eed5eed2", CALL, NOTE, ANNOTATION, what="id")


def test_rows_in_the_trash_are_found_too(services: Services) -> None:
    call = services.calls.start("Acme")
    note = services.notes.add(call.id, NoteKind.PAIN, "Gone")
    services.notes.delete(note.id)
    services.calls.delete(call.id)
    assert services.ids.resolve(str(note.id)[:8], NOTE) == note.id
    assert services.ids.resolve(str(call.id)[:8], CALL) == call.id
