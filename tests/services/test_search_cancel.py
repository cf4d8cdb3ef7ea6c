"""A search typed over is stopped, not left running to waste a core."""

from __future__ import annotations

import pytest

from desktop.domain import NoteKind
from desktop.errors import Cancelled
from desktop.progress import CancelToken
from desktop.services import Services


class CancelledWhileRunning(CancelToken):
    """Not cancelled when the search starts; cancelled from the next look on, as when
    a keystroke supersedes a search that is already running."""

    def __init__(self) -> None:
        super().__init__()
        self.looks = 0

    @property
    def cancelled(self) -> bool:
        self.looks += 1
        return self.looks > 1

    def raise_if_cancelled(self) -> None:
        if self.cancelled:
            raise Cancelled("stopped at your request")


@pytest.fixture
def noted(services: Services) -> Services:
    call = services.calls.start("Acme")
    for i in range(200):
        services.notes.add(call.id, NoteKind.PAIN, f"pricing is too high for team {i}")
    return services


def test_a_cancelled_search_raises_cancelled(noted: Services) -> None:
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        noted.search.search("pricing", cancel=token)


def test_a_search_cancelled_while_running_stops(noted: Services) -> None:
    with pytest.raises(Cancelled):
        noted.search.search("pricing", limit=200, cancel=CancelledWhileRunning())


def test_a_search_left_alone_finds_its_notes(noted: Services) -> None:
    hits = noted.search.search("pricing", limit=500, cancel=CancelToken())
    assert len(hits) == 200
    # The connection goes back to the pool without the interrupt: the next search runs.
    assert len(noted.search.search("pricing", limit=500)) == 200
