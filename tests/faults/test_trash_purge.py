"""Red-team run: emptying a big trash beside a command filing notes. The purge works in
short transactions, so every note filed meanwhile is saved, none turned away as busy."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select, update

from desktop.demo import generate
from desktop.services import Services
from desktop.storage import models as m
from tests.fakes import FakeClock
from tests.faults.cli_writers import Writer

#: Enough calls (with their notes, annotations and search rows) that deleting them in
#: one transaction holds the write lock longer than a command waits for it (5 s).
CALLS = 700


def test_notes_filed_beside_a_big_purge_are_all_saved(
    sqlite_url: str, tmp_path: Path, clock: FakeClock
) -> None:
    services = Services.open(sqlite_url, clock=clock)
    try:
        generate(services, calls=CALLS, months=3, seed=5, now=clock())
        live = services.calls.start("Acme")
        with services.db.write() as s:
            s.execute(update(m.Call).where(m.Call.id != live.id).values(deleted_at=clock()))
        writer = Writer.start(sqlite_url, live.id, "beside", 1, tmp_path / "writer.err")
        try:
            writer.wait_for(1)
            before = len(writer.added)
            purged = services.trash.empty()
            during = len(writer.added) - before
        finally:
            errors = writer.stop()
        assert purged.calls == CALLS
        assert "refused" not in errors, errors
        assert during > 0, "no note was filed during the purge"
        with services.db.read() as s:
            stored = set(s.scalars(select(m.Note.text).where(m.Note.call_id == live.id)))
            assert s.scalar(select(func.count()).select_from(m.Call)) == 1
        assert set(writer.added) <= stored
        print(f"{len(writer.added)} notes filed, {during} during the purge of {CALLS} calls")
    finally:
        services.close()
