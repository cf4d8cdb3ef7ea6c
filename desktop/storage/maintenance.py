"""`db check` and `db upgrade`: the full integrity check and an explicit migration.

The check reads only: a damaged file is reported, never written to.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import Connection, func, inspect, text
from sqlalchemy import select as sa_select

from desktop.clock import Clock, utcnow
from desktop.errors import Damaged, StorageUnavailable, UserError
from desktop.storage import migrations, schemas, sqlite_files
from desktop.storage.database import (
    check_revision,
    describe,
    inspect_sqlite_file,
    open_database,
    parse_url,
    sqlite_path,
)
from desktop.storage.faults import Fault, sqlite_fault
from desktop.storage.models import Base
from desktop.wording import plural


def check(url: str) -> str:
    """Say what is wrong (as StorageUnavailable) or describe a sound database."""
    path = sqlite_path(parse_url(url))
    if path is None:
        return _check_server(url)
    return _check_file(path)


#: Tables of the SQLite search index, which a server database has no need of.
_SQLITE_ONLY = frozenset(
    {"search_fts", "search_fts_config", "search_fts_data", "search_fts_docsize", "search_fts_idx"}
)


def _check_server(url: str) -> str:
    """A team database's check: the server keeps its own pages sound, so this looks at
    what the server cannot know is ours: every table and column of the schema revision,
    every foreign key (and no row pointing at a missing one), and the search index in
    step with the notes. Reads only; a few aggregate queries, seconds at a million
    notes."""
    db = open_database(url, upgrade=False)  # refuses newer, foreign, behind
    try:
        with db.read(snapshot=True) as s:
            conn = s.connection()
            problems = _missing_schema(conn)
            problems += _orphans(conn)
            problems += _unindexed(conn)
            calls = conn.scalar(text("SELECT count(*) FROM calls"))
            notes = conn.scalar(text("SELECT count(*) FROM notes"))
    finally:
        db.close()
    where = describe(url)
    if problems:
        raise StorageUnavailable(f"{where}: " + "; ".join(problems[:3]))
    counts = f"{plural(calls, 'call')}, {plural(notes, 'note')}"
    return f"ok: {where} (schema {migrations.head()}; {counts}; tables, links and search checked)"


def _missing_schema(conn: Connection) -> list[str]:
    found = inspect(conn)
    tables = set(found.get_table_names())
    problems: list[str] = []
    for table, columns in schemas.TABLES[migrations.head()].items():
        if table in _SQLITE_ONLY:
            continue
        if table not in tables:
            problems.append(f"the table {table} is missing")
            continue
        have = {c["name"] for c in found.get_columns(table)}
        problems += [f"the column {table}.{c} is missing" for c in columns.split() if c not in have]
    for model in Base.metadata.sorted_tables:
        if model.name not in tables:
            continue
        have_keys = {k["name"] for k in found.get_foreign_keys(model.name)}
        problems += [
            f"the link {key.name} is missing (rows may point at missing rows)"
            for key in model.foreign_key_constraints
            if key.name not in have_keys
        ]
    return problems


def _orphans(conn: Connection) -> list[str]:
    """Rows whose foreign key names a missing row: none while the server enforces the
    keys, so these catch keys dropped or disabled behind the app's back."""
    problems = []
    tables = set(inspect(conn).get_table_names())
    for table in Base.metadata.sorted_tables:
        if table.name not in tables:
            continue
        for key in table.foreign_key_constraints:
            (element,) = key.elements
            child, parent = element.parent, element.column
            orphan = sa_select(func.count()).select_from(
                table.outerjoin(parent.table, child == parent)
            )
            count = conn.scalar(orphan.where(child.is_not(None), parent.is_(None)))
            if count:
                problems.append(
                    f"{plural(count, 'row')} of {table.name} point at missing {parent.table.name}"
                )
    return problems


def _unindexed(conn: Connection) -> list[str]:
    """Live notes whose text the search cannot find."""
    missing = conn.scalar(
        text(
            "SELECT count(*) FROM notes n WHERE n.deleted_at IS NULL AND n.text <> '' "
            "AND NOT EXISTS (SELECT 1 FROM search_docs d "
            "WHERE d.note_id = n.id AND d.field = 'text' AND d.tsv IS NOT NULL)"
        )
    )
    return [f"{plural(missing, 'note')} missing from the search index"] if missing else []


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
