"""The query planner's statistics outlive the process that gathered them."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from desktop.domain import NoteKind
from desktop.services import Services
from tests.fakes import FakeClock


def _stat_tables(path: Path) -> set[str]:
    with closing(sqlite3.connect(path)) as conn:
        rows = conn.execute("SELECT DISTINCT tbl FROM sqlite_stat1").fetchall()
    return {tbl for (tbl,) in rows}


def test_closing_keeps_the_statistics_for_the_next_process(sqlite_url: str) -> None:
    """Without them every command re-plans its queries blind (seconds at 1M notes)."""
    services = Services.open(sqlite_url, clock=FakeClock())
    call = services.calls.start("Acme")
    for i in range(30):
        services.notes.add(call.id, NoteKind.PAIN, f"budget frozen until Q{i % 4 + 1}")
    services.close()

    path = Path(sqlite_url.removeprefix("sqlite:///"))
    assert {"notes", "calls"} <= _stat_tables(path)
