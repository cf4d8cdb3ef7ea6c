"""How a SQLite file is known to be a Ridealong database: its tables and their columns.

A version row alone proves nothing: another program's file with tables `notes`, `calls`
and an `alembic_version` row `0001` would be accepted, rewritten (switched to WAL) and
crash the first query. So a file is ours when it holds every table, with every column,
that its stored schema revision has (extra tables or columns are tolerated: they break
no query of ours). Reading this costs one look at `sqlite_master` and `table_info`
through a read-only connection, standard library only, so the open-time check stays
cheap and the backup and restore code can share it.

`TABLES` gets an entry with each new migration; a test migrates an empty file to every
revision and compares.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

_INITIAL: Final[Mapping[str, str]] = {
    "accounts": "id created_at updated_at name name_key industry segment size outcome "
    "outcome_on outcome_reason version",
    "alembic_version": "version_num",
    "annotations": "id created_at updated_at note_id verdict correction comment author_id "
    "deleted_at version",
    "call_contacts": "call_id contact_id",
    "calls": "id created_at updated_at account_id rep_id marketer_id framework_id "
    "call_type stage started_at ended_at status grade grade_reason graded_by_id "
    "graded_at grade_definitions_revision next_step deleted_at version",
    "contacts": "id created_at updated_at account_id name title deal_role",
    "criteria": "id created_at updated_at framework_id key name question position",
    "criterion_answer_notes": "answer_id note_id",
    "criterion_answers": "id created_at updated_at call_id criterion_id status answer "
    "updated_by_id version",
    "definitions": "id created_at updated_at term term_key body revision retired author_id",
    "frameworks": "id created_at updated_at key name description builtin",
    "note_tags": "note_id tag_id",
    "notes": "id created_at updated_at call_id kind text offset_ms author_id intensity "
    "quote_worthy case_study messaging response answer criterion_id review_status "
    "deleted_at version",
    "people": "id created_at updated_at name name_key role",
    "search_docs": "id note_id annotation_id field body",
    "search_fts": "",  # virtual: its columns are not read
    "search_fts_config": "k v",
    "search_fts_data": "id block",
    "search_fts_docsize": "id sz",
    "search_fts_idx": "segid term pgno",
    "tags": "id created_at updated_at name",
}

_SPEAKERS: Final[Mapping[str, str]] = {
    **_INITIAL,
    "note_speakers": "note_id contact_id",
    "annotations": _INITIAL["annotations"] + " reclassified",
}

#: Every table (SQLite's own `sqlite_*` aside) of each schema revision, and its columns.
TABLES: Final[Mapping[str, Mapping[str, str]]] = {
    "0001": _INITIAL,
    "0002": _SPEAKERS,
    "0003": {**_SPEAKERS, "competitors": "id created_at updated_at name name_key version"},
}


@dataclass(frozen=True, slots=True)
class Recognised:
    """What a SQLite file holds, as far as telling whether it is ours goes."""

    #: The stored schema revision (None: no `alembic_version` row).
    revision: str | None
    #: Tables (SQLite's own aside) and their columns.
    tables: Mapping[str, frozenset[str]]
    #: Why it is not a Ridealong database; None when it is, is empty, or is of a revision
    #: this app does not know (the caller refuses that as newer).
    problem: str | None

    @property
    def empty(self) -> bool:
        """No tables at all: a new database, which an open may fill."""
        return not self.tables


def recognise(conn: sqlite3.Connection) -> Recognised:
    """Read (never write) a SQLite file's tables and revision and say whether it is ours.

    Raises `sqlite3.DatabaseError` when SQLite cannot read the file (the caller tells
    damage from other failures by its code)."""
    tables = read_tables(conn)
    revision: str | None = None
    if "alembic_version" in tables and "version_num" in tables["alembic_version"]:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        revision = str(row[0]) if row else None
    return Recognised(revision, tables, _problem(revision, tables) if tables else None)


def read_tables(conn: sqlite3.Connection) -> dict[str, frozenset[str]]:
    """Every table but SQLite's own, with its columns. A virtual table (the search index)
    is listed without columns: asking for them would run its module, which reads its
    data, and a damaged search index must not stop the notes from opening."""
    rows = conn.execute(
        "SELECT name, sql LIKE 'CREATE VIRTUAL %' FROM sqlite_master "
        "WHERE type = 'table' AND name NOT LIKE 'sqlite^_%' ESCAPE '^'"
    ).fetchall()
    found: dict[str, frozenset[str]] = {}
    for name, virtual in rows:
        columns = [] if virtual else conn.execute("SELECT name FROM pragma_table_info(?)", (name,))
        found[str(name)] = frozenset(str(c[0]) for c in columns)
    return found


def _problem(revision: str | None, tables: Mapping[str, frozenset[str]]) -> str | None:
    if revision is None:
        return "it has no Ridealong schema revision"
    expected = TABLES.get(revision)
    if expected is None:
        return None
    for table, columns in expected.items():
        if table not in tables:
            return f"it has no table {table}"
        missing = sorted(set(columns.split()) - tables[table])
        if missing:
            return f"its table {table} has no column {missing[0]}"
    return None
