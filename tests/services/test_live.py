"""Live changes on a team database: a teammate's committed write reaches the other
listener, saying which call and what of it; a write that rolls back, or one's own
write, says nothing."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest

from desktop.domain import CriterionStatus, NoteKind, Outcome, Verdict
from desktop.services import Services
from desktop.services.live import CALLS, DEFINITIONS, NOTES, QUALIFICATION, LiveChanges, Touched
from tests.fakes import FakeClock

pytestmark = pytest.mark.parametrize("db_url", ["postgres"], indirect=True)


def wait_for(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    """Wait for another connection's doing (never a timed assertion: the limit is slack)."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "gave up waiting"
        time.sleep(0.05)


@pytest.fixture
def rep(db_url: str, clock: FakeClock) -> Iterator[Services]:
    """The rep's window's services, listening."""
    opened = Services.open(db_url, clock=clock)
    assert opened.live is not None
    opened.live.start()
    wait_for(lambda: opened.live is not None and opened.live.online is True)
    # Listening began: what was written before it is to be looked at again.
    assert opened.live.take() == Touched(everything=True)
    yield opened
    opened.close()


def heard(live: LiveChanges) -> Touched:
    """Everything heard until a marker write (a definition) arrives after it."""
    seen = Touched()
    while True:
        taken = live.take()
        if taken is not None:
            seen = seen | taken
            if DEFINITIONS in seen.kinds:
                return seen
        time.sleep(0.05)


def test_a_teammates_writes_are_heard_with_their_call(services: Services, rep: Services) -> None:
    assert rep.live is not None
    call = services.calls.start("Acme", rep="Rita", framework="bant")
    note = services.notes.add(call.id, NoteKind.PAIN, "Budget frozen")
    wait_for(lambda: (t := rep.live.take()) is not None and call.id in t.call_ids)  # type: ignore[union-attr]

    services.review.annotate(note.id, Verdict.CONFIRMED, by="Rita")
    services.qualification.set_status(call.id, "budget", CriterionStatus.ASKED)
    services.definitions.set("mql", "A lead marketing qualified", by="Mia")
    seen = heard(rep.live)
    assert seen.call_ids == {call.id}
    assert {NOTES, QUALIFICATION, DEFINITIONS} <= seen.kinds and not seen.everything

    services.calls.end(call.id)
    services.definitions.set("mql", "A lead marketing qualified, again", by="Mia")
    assert CALLS in heard(rep.live).kinds

    services.accounts.set_outcome("Acme", Outcome.WON)  # shown on each of its calls
    services.definitions.set("mql", "A lead marketing qualified, once more", by="Mia")
    seen = heard(rep.live)
    assert CALLS in seen.kinds and seen.call_ids == {call.id}


def test_ones_own_and_rolled_back_writes_are_not_heard(services: Services, rep: Services) -> None:
    assert rep.live is not None
    mine = rep.calls.start("Mine Ltd", rep="Rita")
    rep.notes.add(mine.id, NoteKind.PAIN, "my own note")
    with pytest.raises(RuntimeError), services.db.write() as session:
        from desktop.storage import models as m

        call = session.get(m.Call, mine.id)
        assert call is not None
        call.next_step = "never committed"
        session.flush()
        raise RuntimeError("rolled back")
    services.definitions.set("sql", "Accepted by sales", by="Mia")
    seen = heard(rep.live)
    assert seen.call_ids == frozenset() and seen.kinds == {DEFINITIONS}
