"""The trash: nothing is deleted for good by one keystroke, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from desktop.cli import main
from desktop.domain import NoteKind, ReviewStatus, Verdict
from desktop.errors import NotFound, UserError
from desktop.services import Services
from desktop.services.trash import KEEP_IN_TRASH, TrashKind
from desktop.storage import models as m

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


class Clock:
    """A clock the test moves."""

    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def timed(db_url: str, clock: Clock) -> Iterator[Services]:
    services = Services.open(db_url, clock=clock)
    yield services
    services.close()


def rows(services: Services, model: type[m.Base]) -> int:
    with services.db.read() as s:
        return s.scalar(select(func.count()).select_from(model)) or 0


def test_deleted_notes_calls_and_annotations_are_listed_and_restored(
    timed: Services, clock: Clock
) -> None:
    call = timed.calls.start("Acme")
    kept, deleted = (timed.notes.add(call.id, NoteKind.PAIN, t) for t in ("Kept", "Deleted"))
    annotation = timed.review.annotate(kept.id, Verdict.CONFIRMED, "Rita", comment="Spot on")
    clock.now += timedelta(minutes=1)
    timed.review.retract(annotation.id)
    clock.now += timedelta(minutes=1)
    timed.notes.delete(deleted.id)
    other = timed.calls.start("Globex")
    timed.notes.add(other.id, NoteKind.QUOTE, "We lose two days a month")
    clock.now += timedelta(minutes=1)
    timed.calls.delete(other.id)

    listed = timed.trash.list()
    assert [(i.kind, i.id) for i in listed] == [
        (TrashKind.CALL, other.id),
        (TrashKind.NOTE, deleted.id),
        (TrashKind.ANNOTATION, annotation.id),
    ]
    assert listed[0].notes == 1 and listed[0].account == "Globex"
    assert listed[1].summary == "Pain: Deleted" and listed[1].call_id == call.id
    assert listed[2].summary == "Confirmed: Spot on"
    assert all(i.purge_after == i.deleted_at + KEEP_IN_TRASH for i in listed)
    assert timed.trash.count() == 3
    assert timed.notes.get(kept.id).review_status is ReviewStatus.UNREVIEWED

    for item in listed:
        assert timed.trash.restore(item.id) == item
    assert timed.trash.list() == ()
    assert [n.text for n in timed.calls.notes(call.id)] == ["Kept", "Deleted"]
    assert [h.note_id for h in timed.search.search("deleted")] == [deleted.id]
    assert timed.calls.count() == 2
    assert [a.id for a in timed.review.annotations([kept.id])[kept.id]] == [annotation.id]
    assert timed.notes.get(kept.id).review_status is ReviewStatus.CONFIRMED


def test_a_note_of_a_trashed_call_comes_back_with_its_call(timed: Services) -> None:
    call = timed.calls.start("Acme")
    note = timed.notes.add(call.id, NoteKind.PAIN, "Budget frozen")
    timed.notes.delete(note.id)
    timed.calls.delete(call.id)
    assert [i.kind for i in timed.trash.list()] == [TrashKind.CALL]
    with pytest.raises(UserError, match="restore the call"):
        timed.trash.restore(note.id)
    timed.trash.restore(call.id)
    assert [i.id for i in timed.trash.list()] == [note.id]
    with pytest.raises(NotFound, match="not in the trash"):
        timed.trash.restore(call.id)


def test_emptying_deletes_for_good_only_what_is_old_enough(timed: Services, clock: Clock) -> None:
    call = timed.calls.start("Acme")
    old, recent = (timed.notes.add(call.id, NoteKind.PAIN, f"{w} note") for w in ("old", "new"))
    timed.review.annotate(old.id, Verdict.CONFIRMED, "Rita")
    timed.notes.delete(old.id)
    clock.now += timedelta(days=20)
    timed.notes.delete(recent.id)
    clock.now += timedelta(days=15)  # old: 35 days in the trash; recent: 15

    purged = timed.trash.purge_expired()
    assert (purged.calls, purged.notes, purged.annotations) == (0, 1, 0)
    assert [i.id for i in timed.trash.list()] == [recent.id]
    assert rows(timed, m.Annotation) == 0  # went with its note
    assert rows(timed, m.Note) == 1

    timed.calls.delete(call.id)
    purged = timed.trash.empty()
    assert (purged.calls, purged.notes, purged.total) == (1, 1, 2)
    assert timed.trash.list() == ()
    assert (rows(timed, m.Call), rows(timed, m.Note), rows(timed, m.SearchDoc)) == (0, 0, 0)


def test_trash_from_the_command_line(
    db_url: str, tmp_path: object, capsys: pytest.CaptureFixture[str]
) -> None:
    services = Services.open(db_url)
    call = services.calls.start("Acme")
    note = services.notes.add(call.id, NoteKind.PAIN, "Budget frozen")
    services.notes.delete(note.id)
    services.close()

    def run(*args: str) -> tuple[int, str, str]:
        try:
            code = main(["--database-url", db_url, "trash", *args])
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
    services = Services.open(db_url)
    services.notes.delete(note.id)
    services.close()
    assert run("empty", "--older-than", "30")[1] == (
        "deleted for good: 0 calls, 0 notes, 0 annotations\n"
    )
    assert run("empty")[1] == "deleted for good: 0 calls, 1 notes, 0 annotations\n"
    code, _, err = run("empty", "--older-than", "-3")
    assert code == 2 and "number of days" in err
