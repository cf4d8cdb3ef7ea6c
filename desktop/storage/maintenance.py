"""`db check` and `db upgrade`: the full integrity check and an explicit migration.

The check reads only: a damaged file is reported, never written to.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from desktop.clock import Clock, utcnow
from desktop.errors import Damaged, StorageUnavailable, UserError
from desktop.storage import migrations, sqlite_files
from desktop.storage.database import (
    check_revision,
    describe,
    inspect_sqlite_file,
    open_database,
    parse_url,
    sqlite_path,
)
from desktop.storage.faults import Fault, sqlite_fault
from desktop.wording import plural


def check(url: str) -> str:
    """Say what is wrong (as StorageUnavailable) or describe a sound database."""
    path = sqlite_path(parse_url(url))
    if path is None:
        db = open_database(url, upgrade=False)
        try:
            with db.read() as s:
                from sqlalchemy import text

                calls = s.scalar(text("SELECT count(*) FROM calls"))
                notes = s.scalar(text("SELECT count(*) FROM notes"))
        finally:
            db.close()
        counts = f"{plural(calls, 'call')}, {plural(notes, 'note')}"
        return f"ok: {describe(url)} (schema {migrations.head()}; {counts})"
    return _check_file(path)


def _check_file(path: Path) -> str:
    state = inspect_sqlite_file(path)  # first: a link to a missing file is said as such
    if not path.exists():
        raise UserError(f"there is no database at {path} yet")
    if state.is_empty:
        raise UserError(f"{path} is empty: there is no Ridealong database in it yet")
    check_revision(state, str(path))
    try:
        conn = sqlite_files.connect_read_only(path)
        try:
            problems = [
                " ".join(line.split())
                for row in conn.execute("PRAGMA quick_check")
                for line in str(row[0]).splitlines()
                if line.strip()
            ]
            if problems != ["ok"]:
                raise Damaged(f"{path} is damaged: " + "; ".join(problems[:3]))
            broken = conn.execute("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise StorageUnavailable(
                    f"{path} has {len(broken)} rows pointing at missing rows "
                    f"(first in {broken[0][0]})"
                )
            calls = conn.execute("SELECT count(*) FROM calls").fetchone()[0]
            notes = conn.execute("SELECT count(*) FROM notes").fetchone()[0]
        finally:
            conn.close()
        # The file is sound, so the search index's own check may run; it is phrased as an
        # INSERT, which a read-only connection refuses, but it writes nothing.
        conn = sqlite3.connect(path)
        try:
            conn.execute("INSERT INTO search_fts(search_fts) VALUES ('integrity-check')")
        except sqlite3.DatabaseError as error:
            if sqlite_fault(error) is not Fault.DAMAGED:
                raise sqlite_files.unreadable(path, error) from None
            raise Damaged(
                f"{path}: the search index is damaged ({error}); notes are intact"
            ) from None
        finally:
            conn.close()
    except sqlite3.DatabaseError as error:
        if sqlite_fault(error) is not Fault.DAMAGED:
            raise sqlite_files.unreadable(path, error) from None
        raise Damaged(f"{path} is damaged: {error}") from None
    behind = "" if state.revision == migrations.head() else "; run `ridealong db upgrade`"
    counts = f"{plural(calls, 'call')}, {plural(notes, 'note')}"
    return f"ok: {path} (schema {state.revision}{behind}; {counts})"


def upgrade(url: str, *, clock: Clock = utcnow) -> str:
    db = open_database(url, upgrade=True, clock=clock)
    db.close()
    return f"{describe(url)}: schema {migrations.head()} (current)"
