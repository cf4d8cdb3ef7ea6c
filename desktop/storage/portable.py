"""A team database copied into one SQLite file: a Ridealong database the app opens as
it is, for a laptop that leaves the network (`ridealong backup -o FILE` on a server).

The server's backups stay the server's business (pg_dump, or the provider's); this is a
copy of the rows, read in one snapshot and written in one transaction into a new file
at the same schema revision, table by table in the order their foreign keys need, in
batches. The search index is rebuilt from the notes the SQLite way (the server's is a
tsvector column). The file gets its name only once it is whole and checked.
"""

from __future__ import annotations

import os
import sqlite3
import uuid
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Table, func, insert, select

from desktop.errors import UserError
from desktop.progress import CancelToken, Progress, no_progress
from desktop.storage import migrations, sqlite_files
from desktop.storage.database import create_db_engine, open_database
from desktop.storage.models import Base, Note, SearchDoc
from desktop.storage.search import backend_for, reindex_notes

BATCH = 2000
_NOT_MADE = "no copy was made"


@dataclass(frozen=True, slots=True)
class PortableCopy:
    """What a copy holds."""

    path: Path
    revision: str
    calls: int
    notes: int


def _copied_tables() -> list[Table]:
    """Every table in foreign-key order; the search documents are rebuilt instead."""
    return [t for t in Base.metadata.sorted_tables if t.name != SearchDoc.__tablename__]


def copy_to_sqlite(
    url: str,
    destination: str | Path,
    *,
    progress: Progress = no_progress,
    cancel: CancelToken | None = None,
) -> PortableCopy:
    """Copy the server database at `url` into a new SQLite file at `destination`
    (replacing a file there only once the copy is whole)."""
    target = _check_target(Path(destination))
    source = open_database(url, upgrade=False)  # refuses a database behind or ahead
    partial = target.parent / f".ridealong-{uuid.uuid4().hex[:12]}.copying"
    try:
        with sqlite_files.writing(target.parent, _NOT_MADE):
            engine = create_db_engine(f"sqlite:///{partial}")
            try:
                migrations.upgrade(engine)
                with source.read(snapshot=True) as session, engine.begin() as out:
                    counts = _copy_rows(session.connection(), out, progress, cancel)
                    _rebuild_search(out, cancel)
            finally:
                engine.dispose()
            with closing(sqlite3.connect(partial)) as conn:  # one self-contained file
                conn.execute("PRAGMA journal_mode = DELETE")
            problems = sqlite_files.quick_check(partial)
            if problems:
                raise UserError(f"the copy failed its check ({problems[0]}); {_NOT_MADE}")
            sqlite_files.fsync_file(partial)
            os.replace(partial, target)
            sqlite_files.fsync_dir(target.parent)
    finally:
        source.close()
        sqlite_files.remove_database_file(partial)
    return PortableCopy(target, migrations.head(), counts["calls"], counts["notes"])


def _check_target(destination: Path) -> Path:
    target = destination.expanduser().absolute()
    if target.is_dir():
        raise UserError(f"{destination} is a folder; give a file name, e.g. {target / 'team.db'}")
    if not target.parent.is_dir():
        raise UserError(f"there is no folder {target.parent}")
    return target


def _copy_rows(
    source: Connection, out: Connection, progress: Progress, cancel: CancelToken | None
) -> dict[str, int]:
    """Every row of every table, in batches; the row counts per table."""
    tables = _copied_tables()
    counts = {t.name: int(source.scalar(select(func.count()).select_from(t)) or 0) for t in tables}
    total, done = sum(counts.values()), 0
    progress(0, total)
    for table in tables:
        key = list(table.primary_key.columns)
        rows = source.execution_options(stream_results=True, yield_per=BATCH).execute(
            select(table).order_by(*key)
        )
        for batch in rows.mappings().partitions(BATCH):
            if cancel is not None:
                cancel.raise_if_cancelled()
            out.execute(insert(table), [dict(row) for row in batch])
            done += len(batch)
            progress(done, total)
    return counts


def _rebuild_search(out: Connection, cancel: CancelToken | None) -> None:
    backend = backend_for("sqlite")
    note_ids = list(out.scalars(select(Note.id)))
    for start in range(0, len(note_ids), BATCH):
        if cancel is not None:
            cancel.raise_if_cancelled()
        reindex_notes(out, backend, note_ids[start : start + BATCH])
