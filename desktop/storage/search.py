"""Full-text search over notes, behind one interface with one backend per dialect.

Every searchable field of a note (its text, the answer heard, the rep's response, and
each annotation's correction and comment) is a row of `search_docs`. The write path
keeps those rows current (`reindex_notes`, called after every flush that touches a note
or an annotation); each backend indexes `search_docs.body` its own way:

- SQLite: an FTS5 table with `search_docs` as external content, kept in sync by
  triggers on `search_docs`, ranked by bm25;
- PostgreSQL: a `tsvector` column over the folded words, a GIN index, ranked by
  ts_rank_cd.

Both receive the same words (see `desktop.storage.text`), so a query means the same on
either. Snippets are cut in Python from the matched field, so they look the same too.
"""

from __future__ import annotations

import sqlite3
import uuid
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    Subquery,
    Uuid,
    bindparam,
    column,
    delete,
    func,
    insert,
    literal_column,
    select,
    table,
)

from desktop.domain import SearchField
from desktop.storage.models import Annotation, Note, SearchDoc
from desktop.storage.text import Query, Term, index_text

#: Longest folded text handed to PostgreSQL's tsvector (its limit is 1 MB).
_PG_INDEX_LIMIT = 400_000
#: Words per indexed window of a long field (positions stop at 16,383), and how many
#: words neighbouring windows share, so a phrase up to that long is inside one of them.
_PG_WINDOW = 16_000
_PG_OVERLAP = 200
#: The name of the parameter holding the index's query text in `SearchBackend.matches`,
#: so a statement built once serves every query of its shape.
MATCH = "match"
#: Bigger batches of search documents are staged on SQLite (see `SqliteSearch.add_docs`).
_SQLITE_STAGE_ABOVE = 100
_STAGE = table(
    "search_docs_stage",
    column("note_id", Uuid()),
    column("annotation_id", Uuid()),
    column("field"),
    column("body"),
)


class SearchBackend(ABC):
    """What a dialect must do for full-text search."""

    #: Schema objects the backend owns, which the models do not describe.
    own_objects: frozenset[str] = frozenset()

    @abstractmethod
    def install(self, conn: Connection) -> None:
        """Create the index over `search_docs` (run by the migration)."""

    @abstractmethod
    def uninstall(self, conn: Connection) -> None:
        """Drop what `install` made (run by the migration's downgrade)."""

    @abstractmethod
    def add_docs(self, conn: Connection, docs: Sequence[dict[str, object]]) -> None:
        """Insert rows of `search_docs` (`note_id`, `annotation_id`, `field`, `body`)."""

    @abstractmethod
    def expression(self, query: Query) -> str:
        """The query in the index's own language: the value of the `MATCH` parameter."""

    @abstractmethod
    def matches(self, query: Query, newest: int | None = None) -> Select[tuple[int, float]]:
        """`(doc_id, score)` of every document matching all of `query.clauses` and none
        of its exclusions; lower score is better. (An exclusion applies to whole notes:
        the caller also leaves out notes whose other fields have it.)
        With `newest`, only that many of the matching documents, the last written first:
        the index hands them over in that order and stops, so a word in every note costs
        no more to rank than a rare one."""

    def among(
        self, matches: Select[tuple[int, float]], doc_ids: Select[tuple[Any]]
    ) -> Select[tuple[int, float]]:
        """`matches` (see `matches`) kept to the documents `doc_ids` selects, a few
        thousand at most: the index walks only the span of ids they lie in."""
        doc_id = matches.selected_columns.doc_id
        wanted = doc_ids.cte("wanted")  # found once, read three times
        (wanted_id,) = wanted.c
        low = select(func.min(wanted_id)).scalar_subquery()
        high = select(func.max(wanted_id)).scalar_subquery()
        return matches.where(
            doc_id.between(low, high), self._unindexed(doc_id).in_(select(wanted_id))
        )

    @staticmethod
    def _unindexed(doc_id: ColumnElement[int]) -> ColumnElement[int]:
        return doc_id

    @abstractmethod
    def in_rank_order(
        self, stmt: Select[*tuple[Any, ...]], ranked: Subquery
    ) -> Select[*tuple[Any, ...]]:
        """`stmt`, which reads `ranked` (matches sorted best first) as its outer loop and
        joins to each, yielding rows in that order, so its caller can stop reading once
        it has its hits and the joins are made for those rows only."""


#: Leaf pages one step of `merge_index` writes: a few milliseconds at a million notes,
#: the longest a note filed meanwhile waits for the write lock.
MERGE_STEP_PAGES = 16
#: Steps one round of `merge_index` may take.
MERGE_STEPS = 50
#: How long `merge_index` waits for the write lock to turn FTS5's own merging off.
_SETTING_WAIT_MS = 2000


def merge_index(conn: sqlite3.Connection, stopping: Callable[[], bool] = lambda: False) -> int:
    """Merge the SQLite index's segments in small steps, each a transaction of its own,
    until there is nothing left to merge, `MERGE_STEPS` are done or `stopping()` says so;
    returns the steps that did work. Called by the checkpointer's thread, on a connection
    of its own in autocommit.

    FTS5 otherwise merges inside the write that crosses its threshold: every 64th note
    filed paid 15-30 ms at a million notes. The first call turns that off for the file
    (`automerge` 0, kept in the index's config); a process that never writes enough to
    call this (a few CLI commands) leaves segments to FTS5's own bound, which merges a
    level once it holds 16 of them."""
    # fetchall, not fetchone: a statement left unfinished keeps its read transaction
    # open, and that connection then cannot write once another has.
    automerge = conn.execute("SELECT v FROM search_fts_config WHERE k = 'automerge'").fetchall()
    if automerge != [(0,)]:
        # Once per file, and worth waiting for: while a busy writer keeps this from
        # being set, every 64th note still merges inside its INSERT.
        ((waited,),) = conn.execute("PRAGMA busy_timeout").fetchall()
        conn.execute(f"PRAGMA busy_timeout = {_SETTING_WAIT_MS}")
        try:
            conn.execute("INSERT INTO search_fts(search_fts, rank) VALUES ('automerge', 0)")
            # A first step now: rewriting the index's structure is what makes the other
            # connections (the app's writer among them) read the new setting.
            conn.execute(
                "INSERT INTO search_fts(search_fts, rank) VALUES ('merge', ?)", (MERGE_STEP_PAGES,)
            )
        finally:
            conn.execute(f"PRAGMA busy_timeout = {int(waited)}")
    steps = 0
    for _ in range(MERGE_STEPS):
        if stopping():
            break
        before = conn.total_changes
        conn.execute(
            "INSERT INTO search_fts(search_fts, rank) VALUES ('merge', ?)", (MERGE_STEP_PAGES,)
        )
        if conn.total_changes - before < 2:  # FTS5's way of saying it had nothing to merge
            break
        steps += 1
    return steps


class SqliteSearch(SearchBackend):
    own_objects = frozenset(
        {
            "search_fts",
            "search_fts_data",
            "search_fts_idx",
            "search_fts_docsize",
            "search_fts_config",
        }
    )

    def install(self, conn: Connection) -> None:
        conn.exec_driver_sql(
            "CREATE VIRTUAL TABLE search_fts USING fts5(body, content='search_docs', "
            "content_rowid='id', tokenize='unicode61 remove_diacritics 2', prefix='2 3')"
        )
        conn.exec_driver_sql(
            "CREATE TRIGGER search_docs_ai AFTER INSERT ON search_docs BEGIN "
            "INSERT INTO search_fts(rowid, body) VALUES (new.id, new.body); END"
        )
        conn.exec_driver_sql(
            "CREATE TRIGGER search_docs_ad AFTER DELETE ON search_docs BEGIN "
            "INSERT INTO search_fts(search_fts, rowid, body) VALUES ('delete', old.id, old.body);"
            " END"
        )
        conn.exec_driver_sql(
            "CREATE TRIGGER search_docs_au AFTER UPDATE ON search_docs BEGIN "
            "INSERT INTO search_fts(search_fts, rowid, body) VALUES ('delete', old.id, old.body);"
            " INSERT INTO search_fts(rowid, body) VALUES (new.id, new.body); END"
        )

    def uninstall(self, conn: Connection) -> None:
        conn.exec_driver_sql("DROP TABLE IF EXISTS search_fts")

    def add_docs(self, conn: Connection, docs: Sequence[dict[str, object]]) -> None:
        if len(docs) <= _SQLITE_STAGE_ABOVE:
            if docs:
                conn.execute(insert(SearchDoc), list(docs))
            return
        # FTS5 fed by the insert trigger costs about as much per statement as per row, so
        # a bulk load (executemany: one statement per row) is staged and copied with one
        # statement: 457,000 documents take 6 s instead of 25 s.
        conn.exec_driver_sql(
            "CREATE TEMP TABLE IF NOT EXISTS search_docs_stage "
            "(note_id, annotation_id, field, body)"
        )
        conn.execute(insert(_STAGE), list(docs))
        names = ["note_id", "annotation_id", "field", "body"]
        conn.execute(insert(SearchDoc).from_select(names, select(*(_STAGE.c[n] for n in names))))
        conn.execute(delete(_STAGE))

    @staticmethod
    def _term(term: Term) -> str:
        star = "*" if term.prefix else ""
        folded = " ".join(term.words)
        typed = term.typed.strip()
        if not typed or typed == folded:
            return f'"{folded}"{star}'
        # unicode61 removes accents from Latin letters only: a Greek or Cyrillic word
        # (`ά`, `й`) or a Thai or Hindi one is indexed with its marks, so it is also
        # looked for as typed, which the same tokenizer reads the way it read the note.
        quoted = typed.replace('"', '""')
        return f'("{folded}"{star} OR "{quoted}"{star})'

    def expression(self, query: Query) -> str:
        """The FTS5 MATCH string: every word quoted, so nothing typed is FTS syntax.
        Exclusions are FTS5's `NOT`, so the index leaves those documents out as it walks
        (newest first, stopping at the limit) instead of a query reading all of them."""
        positive = " AND ".join(
            "(" + " OR ".join(self._term(t) for t in clause) + ")" for clause in query.clauses
        )
        if not query.excluded:
            return positive
        return f"({positive}) NOT ({self._any(query.excluded)})"

    def _any(self, terms: tuple[Term, ...]) -> str:
        return " OR ".join(self._term(t) for t in terms)

    def matches(self, query: Query, newest: int | None = None) -> Select[tuple[int, float]]:
        fts = table("search_fts", column("rowid"), column("search_fts"))
        stmt = select(
            fts.c.rowid.label("doc_id"), func.bm25(fts.c.search_fts).label("score")
        ).where(fts.c.search_fts.op("MATCH")(bindparam(MATCH, self.expression(query))))
        return stmt if newest is None else stmt.order_by(fts.c.rowid.desc()).limit(newest)

    @staticmethod
    def _unindexed(doc_id: ColumnElement[int]) -> ColumnElement[int]:
        # `rowid IN (...)` would make SQLite run the index's query once per listed id,
        # each time reckoning bm25's statistics afresh (12 ms for `the`); `rowid + 0`
        # is no constraint FTS5 sees, so it walks once and checks each id in the list.
        return doc_id + 0

    def in_rank_order(
        self, stmt: Select[*tuple[Any, ...]], ranked: Subquery
    ) -> Select[*tuple[Any, ...]]:
        # SQLite (3.40) cannot carry a subquery's order to an outer ORDER BY: it would
        # make every join for every match and sort them again. Without one, it scans the
        # sorted subquery as the outer loop (the other tables are joined by key), so rows
        # come best first and the caller's early stop leaves the rest unjoined.
        return stmt


def _pg_windows(folded: str) -> list[str]:
    """PostgreSQL keeps a word's position only up to 16,383, so phrases past that point
    could not match; a longer field is indexed as overlapping windows of words (one row
    each, every row carrying the whole field as its body)."""
    words = folded.split()
    if len(words) <= _PG_WINDOW:
        return [folded]
    step = _PG_WINDOW - _PG_OVERLAP
    return [" ".join(words[i : i + _PG_WINDOW]) for i in range(0, len(words) - _PG_OVERLAP, step)]


class PostgresSearch(SearchBackend):
    own_objects = frozenset({"tsv", "ix_search_docs_tsv"})
    _docs = table(
        "search_docs",
        column("id"),
        column("note_id"),
        column("annotation_id"),
        column("field"),
        column("body"),
        column("tsv"),
    )

    def install(self, conn: Connection) -> None:
        conn.exec_driver_sql("ALTER TABLE search_docs ADD COLUMN tsv tsvector")
        conn.exec_driver_sql("CREATE INDEX ix_search_docs_tsv ON search_docs USING gin (tsv)")

    def uninstall(self, conn: Connection) -> None:
        conn.exec_driver_sql("DROP INDEX IF EXISTS ix_search_docs_tsv")
        conn.exec_driver_sql("ALTER TABLE search_docs DROP COLUMN IF EXISTS tsv")

    def add_docs(self, conn: Connection, docs: Sequence[dict[str, object]]) -> None:
        if not docs:
            return
        rows = [
            {**d, "folded": window}
            for d in docs
            for window in _pg_windows(index_text(str(d["body"]))[:_PG_INDEX_LIMIT])
        ]
        stmt = insert(self._docs).values(
            note_id=bindparam("note_id"),
            annotation_id=bindparam("annotation_id"),
            field=bindparam("field"),
            body=bindparam("body"),
            tsv=func.to_tsvector(literal_column("'simple'::regconfig"), bindparam("folded")),
        )
        conn.execute(stmt, rows)

    @staticmethod
    def _term(term: Term) -> str:
        parts = [f"'{w}'" for w in term.words]
        if term.prefix:
            parts[-1] += ":*"
        return "(" + " <-> ".join(parts) + ")"

    def expression(self, query: Query) -> str:
        """The tsquery text; words are letters and digits only, so quoting is safe."""
        positive = " & ".join(
            "(" + " | ".join(self._term(t) for t in clause) + ")" for clause in query.clauses
        )
        if not query.excluded:
            return positive
        return f"({positive}) & !({self._any(query.excluded)})"

    def _any(self, terms: tuple[Term, ...]) -> str:
        return " | ".join(self._term(t) for t in terms)

    def matches(self, query: Query, newest: int | None = None) -> Select[tuple[int, float]]:
        tsquery = func.to_tsquery(
            literal_column("'simple'::regconfig"), bindparam(MATCH, self.expression(query))
        )
        docs = self._docs
        stmt = select(
            docs.c.id.label("doc_id"), (-func.ts_rank_cd(docs.c.tsv, tsquery)).label("score")
        ).where(docs.c.tsv.op("@@")(tsquery))
        return stmt if newest is None else stmt.order_by(docs.c.id.desc()).limit(newest)

    def in_rank_order(
        self, stmt: Select[*tuple[Any, ...]], ranked: Subquery
    ) -> Select[*tuple[Any, ...]]:
        # PostgreSQL keeps no order without ORDER BY; read through a cursor (the caller
        # streams), it plans for the first rows: the sorted matches, then a join per row.
        return stmt.order_by(ranked.c.score, ranked.c.doc_id.desc())


def backend_for(dialect_name: str) -> SearchBackend:
    if dialect_name == "sqlite":
        return SqliteSearch()
    if dialect_name == "postgresql":
        return PostgresSearch()
    raise ValueError(f"no full-text search for the {dialect_name} dialect")


def note_docs(conn: Connection, note_ids: Iterable[uuid.UUID]) -> list[dict[str, object]]:
    """The searchable fields of live notes and their live annotations."""
    ids = list(note_ids)
    docs: list[dict[str, object]] = []
    for chunk in _chunks(ids, 500):
        notes = conn.execute(
            select(Note.id, Note.text, Note.answer, Note.response).where(
                Note.id.in_(chunk), Note.deleted_at.is_(None)
            )
        ).all()
        live = set()
        for note_id, body, answer, response in notes:
            live.add(note_id)
            for field, value in (
                (SearchField.TEXT, body),
                (SearchField.ANSWER, answer),
                (SearchField.RESPONSE, response),
            ):
                if value:
                    docs.append(_doc(note_id, None, field, value))
        if not live:
            continue
        annotations = conn.execute(
            select(Annotation.note_id, Annotation.id, Annotation.correction, Annotation.comment)
            .where(Annotation.note_id.in_(live), Annotation.deleted_at.is_(None))
            .order_by(Annotation.created_at)
        ).all()
        for note_id, annotation_id, correction, comment in annotations:
            for field, value in (
                (SearchField.CORRECTION, correction),
                (SearchField.COMMENT, comment),
            ):
                if value:
                    docs.append(_doc(note_id, annotation_id, field, value))
    return docs


def reindex_notes(conn: Connection, backend: SearchBackend, note_ids: Iterable[uuid.UUID]) -> None:
    """Make the search documents of these notes match what is stored now."""
    ids = list(note_ids)
    for chunk in _chunks(ids, 500):
        conn.execute(delete(SearchDoc).where(SearchDoc.note_id.in_(chunk)))
    backend.add_docs(conn, note_docs(conn, ids))


def index_new_note(
    conn: Connection,
    backend: SearchBackend,
    note_id: uuid.UUID,
    fields: Mapping[SearchField, str | None],
) -> None:
    """The search documents of a note just inserted, from what was written: it has none
    yet and no annotations, so `reindex_notes` would delete and read back for nothing.
    `fields` in `note_docs`' order (text, answer, response), so documents are numbered
    alike whichever way a note was filed."""
    backend.add_docs(conn, [_doc(note_id, None, f, value) for f, value in fields.items() if value])


def _doc(
    note_id: uuid.UUID, annotation_id: uuid.UUID | None, field: SearchField, body: str
) -> dict[str, object]:
    return {"note_id": note_id, "annotation_id": annotation_id, "field": field, "body": body}


def _chunks(items: list[uuid.UUID], size: int) -> Iterable[list[uuid.UUID]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
