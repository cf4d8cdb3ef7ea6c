"""A note filed again with its id (a retry whose first answer was lost) is stored once."""

from __future__ import annotations

import threading
import time
import uuid

import pytest
from sqlalchemy import text

from desktop.domain import NoteKind
from desktop.services import Services
from desktop.services.values import NoteView
from desktop.storage import models as m
from tests.fakes import FakeClock


def test_a_retry_of_a_stored_note_returns_it(services: Services) -> None:
    call = services.calls.start("Acme", rep="Rita")
    note_id = uuid.uuid4()
    first = services.notes.add(call.id, NoteKind.PAIN, "Budget frozen", note_id=note_id)
    again = services.notes.add(call.id, NoteKind.PAIN, "Budget frozen", note_id=note_id)
    assert again == first
    assert [n.id for n in services.calls.notes(call.id)] == [note_id]


@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
def test_a_retry_racing_the_first_attempts_commit_is_stored_once(
    services: Services, clock: FakeClock
) -> None:
    """The first attempt's INSERT is in flight (not committed) when the retry looks: the
    retry's INSERT waits on it, meets the duplicate key, and returns the stored note."""
    call = services.calls.start("Acme", rep="Rita")
    note_id = uuid.uuid4()
    first = Services.open(services.db.url, clock=clock)
    retried: list[NoteView | BaseException] = []

    def retry() -> None:
        try:
            retried.append(services.notes.add(call.id, NoteKind.PAIN, "Budget", note_id=note_id))
        except BaseException as error:
            retried.append(error)

    thread = threading.Thread(target=retry)
    with first.db.write() as session:
        session.add(m.Note(id=note_id, call_id=call.id, kind=NoteKind.PAIN, text="Budget"))
        session.flush()
        thread.start()
        deadline = time.monotonic() + 30
        waiting = text(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
            "AND datname = current_database()"
        )
        while not session.execute(waiting).scalar():  # the retry waits on our insert
            assert time.monotonic() < deadline and thread.is_alive(), retried
            time.sleep(0.05)
    thread.join(30)
    first.close()
    assert isinstance(retried[0], NoteView) and retried[0].id == note_id
    assert [n.id for n in services.calls.notes(call.id)] == [note_id]
