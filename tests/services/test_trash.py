"""The trash: nothing is deleted for good by one keystroke, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from desktop.cli import main
from desktop.domain import NoteKind, ReviewStatus, Verdict
from desktop.errors import NotFound, UserError
from desktop.services import Services
from desktop.services.trash import KEEP_IN_TRASH, TrashKind
from desktop.storage import models as m
from tests.fakes import FakeClock


def rows(services: Services, model: type[m.Base]) -> int:
    with services.db.read() as s:
        return s.scalar(select(func.count()).select_from(model)) or 0


def test_deleted_notes_calls_and_annotations_are_listed_and_restored(
    services: Services, clock: FakeClock
) -> None:
    call = services.calls.start("Acme")
    kept, deleted = (services.notes.add(call.id, NoteKind.PAIN, t) for t in ("Kept", "Deleted"))
    annotation = services.review.annotate(kept.id, Verdict.CONFIRMED, "Rita", comment="Spot on")
    clock.now += timedelta(minutes=1)
    services.review.retract(annotation.id)
    clock.now += timedelta(minutes=1)
    services.notes.delete(deleted.id)
    other = services.calls.start("Globex")
    services.notes.add(other.id, NoteKind.QUOTE, "We lose two days a month")
    clock.now += timedelta(minutes=1)
    services.calls.delete(other.id)

    listed = services.trash.list()
    assert [(i.kind, i.id) for i in listed] == [
        (TrashKind.CALL, other.id),
        (TrashKind.NOTE, deleted.id),
        (TrashKind.ANNOTATION, annotation.id),
    ]
    assert listed[0].notes == 1 and listed[0].account == "Globex"
    assert listed[1].summary == "Pain: Deleted" and listed[1].call_id == call.id
    assert listed[2].summary == "Confirmed: Spot on"
    assert all(i.purge_after == i.deleted_at + KEEP_IN_TRASH for i in listed)
    assert services.trash.count() == 3
    assert services.notes.get(kept.id).review_status is ReviewStatus.UNREVIEWED

    for item in listed:
        assert services.trash.restore(item.id) == item
    assert services.trash.list() == ()
    assert [n.text for n in services.calls.notes(call.id)] == ["Kept", "Deleted"]
    assert [h.note_id for h in services.search.search("deleted")] == [deleted.id]
    assert services.calls.count() == 2
    assert [a.id for a in services.review.annotations([kept.id])[kept.id]] == [annotation.id]
    assert services.notes.get(kept.id).review_status is ReviewStatus.CONFIRMED


def test_a_note_of_a_trashed_call_comes_back_with_its_call(services: Services) -> None:
    call = services.calls.start("Acme")
    note = services.notes.add(call.id, NoteKind.PAIN, "Budget frozen")
    services.notes.delete(note.id)
    services.calls.delete(call.id)
    assert [i.kind for i in services.trash.list()] == [TrashKind.CALL]
    with pytest.raises(UserError, match="restore the call"):
        services.trash.restore(note.id)
    services.trash.restore(call.id)
    assert [i.id for i in services.trash.list()] == [note.id]
    with pytest.raises(NotFound, match="not in the trash"):
        services.trash.restore(call.id)


def test_a_note_that_went_with_its_call_is_said_to_be_there(services: Services) -> None:
    call = services.calls.start("Acme")
    note = services.notes.add(call.id, NoteKind.PAIN, "Budget frozen")
    services.calls.delete(call.id)
    with pytest.raises(UserError, match=f"in the trash with its call; restore the call {call.id}"):
        services.trash.restore(note.id)


def test_emptying_deletes_for_good_only_what_is_old_enough(
    services: Services, clock: FakeClock
) -> None:
    call = services.calls.start("Acme")
    old, recent = (services.notes.add(call.id, NoteKind.PAIN, f"{w} note") for w in ("old", "new"))
    services.review.annotate(old.id, Verdict.CONFIRMED, "Rita")
    services.notes.delete(old.id)
    clock.now += timedelta(days=20)
    services.notes.delete(recent.id)
    clock.now += timedelta(days=15)  # old: 35 days in the trash; recent: 15

    purged = services.trash.purge_expired()
    assert (purged.calls, purged.notes, purged.annotations) == (0, 1, 0)
    assert [i.id for i in services.trash.list()] == [recent.id]
    assert rows(services, m.Annotation) == 0  # went with its note
    assert rows(services, m.Note) == 1

    services.calls.delete(call.id)
    purged = services.trash.empty()
    assert (purged.calls, purged.notes, purged.total) == (1, 1, 2)
    assert services.trash.list() == ()
    assert (rows(services, m.Call), rows(services, m.Note), rows(services, m.SearchDoc)) == (
        0,
        0,
        0,
    )


def test_trash_from_the_command_line(
    db_url: str, tmp_path: object, capsys: pytest.CaptureFixture[str], clock: FakeClock
) -> None:
    services = Services.open(db_url, clock=clock)
    call = services.calls.start("Acme")
    note = services.notes.add(call.id, NoteKind.PAIN, "Budget frozen")
    services.notes.delete(note.id)
    services.close()

    def run(*args: str) -> tuple[int, str, str]:
        try:
            code = main(["--database-url", db_url, "trash", *args], clock=clock)
        except SystemExit as stop:  # argparse's refusal of a bad option
            code = stop.code if isinstance(stop.code, int) else 1
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    code, out, _ = run("list", "--json")
    assert code == 0
    (item,) = json.loads(out)
    assert item["id"] == str(note.id) and item["kind"] == "note"
    assert set(item) == {
        "id",
        "kind",
        "call_id",
        "account",
        "deleted_at",
        "purge_after",
        "summary",
        "notes",
    }
    code, out, _ = run("list")
    assert out.startswith(f"{note.id}  note") and "Budget frozen" in out
    assert run("restore", str(note.id))[:2] == (0, f"{note.id}\n")
    code, _, err = run("restore", str(note.id))
    assert code == 2 and "not in the trash" in err
    assert run("list")[1:] == ("", "the trash is empty\n")
    services = Services.open(db_url, clock=clock)
    services.notes.delete(note.id)
    services.close()
    assert run("empty", "--older-than", "30")[1] == (
        "deleted for good: 0 calls, 0 notes, 0 annotations\n"
    )
    assert run("empty")[1] == "deleted for good: 0 calls, 1 note, 0 annotations\n"
    code, _, err = run("empty", "--older-than", "-3")
    assert code == 2 and "number of days" in err
