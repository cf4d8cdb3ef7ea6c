"""Notes written to and read from a database by URL, each in a session of its own (as
separate runs of the app would), for tests about what a file holds: backups, restores."""

from __future__ import annotations

from desktop.domain import NoteKind
from desktop.services import Services
from tests.fakes import FakeClock


def add_notes(url: str, clock: FakeClock, *words: str) -> None:
    """File each of `words` as a pain on the database's first call (made if none)."""
    services = Services.open(url, clock=clock)
    try:
        rows = services.calls.page()
        call_id = rows[0].id if rows else services.calls.start("Acme").id
        for word in words:
            services.notes.add(call_id, NoteKind.PAIN, word)
    finally:
        services.close()


def texts(url: str, clock: FakeClock) -> list[str]:
    """Every note's text on the database, sorted."""
    services = Services.open(url, clock=clock)
    try:
        return sorted(n.text for row in services.calls.page() for n in services.calls.notes(row.id))
    finally:
        services.close()
