"""Search across every call: notes, answers, responses, corrections and comments."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row, Select, Subquery, func, select
from sqlalchemy.orm import aliased

from desktop.errors import UserError
from desktop.progress import CancelToken
from desktop.services import values as v
from desktop.services.base import Service, check_storable, name_key, tag_key
from desktop.services.calls import day_end, day_start
from desktop.storage import models as m
from desktop.storage.search import MATCH, SearchBackend
from desktop.storage.text import Query, Term, match_spans, parse_query, snippet

#: The most hits one search returns; far more than a person reads, enough for scripts.
MAX_LIMIT = 1_000_000
#: The most words of a phrase looked for in a row, and of a whole query: a pasted page
#: would overflow PostgreSQL's query parser (found by tests/test_fuzz_text.py).
MAX_PHRASE_WORDS = 64
MAX_QUERY_WORDS = 1024


#: Letters the longest word of a query needs before the window searches as you type:
#: one or two letters are a prefix of most of the index (`t` matches 1.4M rows of a
#: million notes), so they wait for a third letter or for Enter.
MIN_TYPED_WORD = 3
#: Matching fields ranked by an unfiltered search: the newest this many (notes, answers,
#: corrections, comments), about a year of a busy team's mentions of a common word.
RANKED_WITHIN = 5_000
#: Matching fields ranked by a filtered search: the newest this many that pass the
#: filters. Each match the index walks is joined to its note and call to be checked, so
#: a filter keeping one note in twenty walks twenty matches for each one ranked.
FILTERED_WITHIN = 1_000
#: Periods up to this many days are found by their calls' dates first (see `_matches`).
SHORT_PERIOD_DAYS = 31
#: Between a hit's other fields, fetched as one string: a control character nobody types.
_FIELDS_APART = "\x1f"
#: Unfiltered search statements by (backend, `newest`, whether the query excludes).
_UNFILTERED: dict[tuple[type[SearchBackend], int, bool], Select[*tuple[Any, ...]]] = {}


class SearchService(Service):
    @staticmethod
    def too_short_to_search_as_typed(query: str) -> bool:
        """Whether a query being typed should wait for more letters (or for Enter):
        it has words, and none of them is `MIN_TYPED_WORD` long. A query without words
        finds nothing at no cost, so it never waits."""
        words = [word for clause in parse_query(query).clauses for t in clause for word in t.words]
        return bool(words) and max(map(len, words)) < MIN_TYPED_WORD

    def search(
        self,
        query: str,
        filters: v.SearchFilters = v.SearchFilters(),  # noqa: B008 - frozen value
        limit: int = 20,
        *,
        cancel: CancelToken | None = None,
    ) -> tuple[v.SearchHit, ...]:
        """Notes matching `query` (web-search syntax), best first, one hit per note.

        Any text is a valid query; one with no words in it finds nothing. Cancelling
        `cancel` stops a search still running (`Cancelled`): the window cancels the one
        a new keystroke supersedes.
        """
        if limit < 1:
            raise UserError(f"the limit must be at least 1, not {limit}")
        parsed = _shortened(parse_query(query))
        if parsed.is_empty:
            return ()
        limit = min(limit, MAX_LIMIT)
        # Rank within the newest matches that pass the filters: a common word matches
        # most notes, and ranking them all took seconds.
        within = RANKED_WITHIN if filters == v.SearchFilters() else FILTERED_WITHIN
        newest = max(within, limit)
        search = self._db.search
        if filters == v.SearchFilters() and newest == within:
            # Built once per shape: building and compiling cost as much as a rare word's
            # whole query; the query's text is a parameter.
            key = (type(search), newest, bool(parsed.excluded))
            stmt = _UNFILTERED.get(key)
            if stmt is None:
                stmt = _UNFILTERED[key] = self._statement(parsed, filters, newest)
        else:
            stmt = self._statement(parsed, filters, newest)
        excluded = Query((parsed.excluded,))
        hits: list[v.SearchHit] = []
        seen: set[object] = set()
        with self._db.read(cancel=cancel) as s:
            # Rows come best first, a note once per matching field: the first row of a
            # note is its best field. Rows are fetched `limit` at a time and reading
            # stops at `limit` notes, so only those rows are joined to notes and calls.
            result = s.connection().execute(
                stmt,
                {MATCH: search.expression(parsed)},
                execution_options={"yield_per": min(limit, 500)},
            )
            for row in result:
                if row[0] in seen or (parsed.excluded and _mentions(row[11], excluded)):
                    continue
                seen.add(row[0])
                hits.append(_hit(row, parsed))
                if len(hits) == limit:
                    break
            result.close()
        return tuple(hits)

    def _statement(
        self, parsed: Query, filters: v.SearchFilters, newest: int
    ) -> Select[*tuple[Any, ...]]:
        """The note, call and best field of each match, best first (see `search`)."""
        search = self._db.search
        matches = self._matches(parsed, filters, newest)
        # Best first; among equals (the same words in the same length) the newest. The
        # LIMIT keeps the ORDER BY: SQLite drops a subquery's ORDER BY without one.
        ranked = (
            select(matches.c.doc_id, matches.c.score)
            .order_by(matches.c.score, matches.c.doc_id.desc())
            .limit(newest)
            .subquery("ranked")
        )
        doc = m.SearchDoc
        columns: list[Any] = [
            doc.note_id,
            doc.field,
            doc.body,
            ranked.c.score,
            m.Note.call_id,
            m.Note.kind,
            m.Note.text,
            m.Note.offset_ms,
            m.Note.intensity,
            m.Account.name,
            m.Call.started_at,
        ]
        if parsed.excluded:
            # The index left out fields with an excluded word; `-word` leaves out the
            # whole note, so a hit's other fields come along to be checked too (reading
            # every note with the word, as a subquery of the index would, took 0.3 s).
            other = aliased(m.SearchDoc)
            columns.append(
                select(func.aggregate_strings(other.body, _FIELDS_APART))
                .where(other.note_id == doc.note_id, other.id != doc.id)
                .scalar_subquery()
            )
        stmt = (
            select(*columns)
            .select_from(ranked)
            .join(doc, doc.id == ranked.c.doc_id)
            .join(m.Note, m.Note.id == doc.note_id)
            .join(m.Call, m.Call.id == m.Note.call_id)
            .join(m.Account, m.Account.id == m.Call.account_id)
            .where(m.Note.deleted_at.is_(None), m.Call.deleted_at.is_(None))
        )
        return search.in_rank_order(stmt, ranked)

    def _matches(self, parsed: Query, filters: v.SearchFilters, newest: int) -> Subquery:
        """The newest matching fields of notes that pass `filters`, with their scores."""
        matches = self._db.search.matches(parsed, newest)
        if filters == v.SearchFilters():
            return matches.subquery("matches")
        doc_id = matches.selected_columns.doc_id
        doc = aliased(m.SearchDoc, name="filtered_doc")
        if filters.call_id is not None or filters.account or _short_period(filters):
            # One call, one account or a few weeks have a few hundred or thousand fields:
            # they are found first, and the index walks its matches in their span of ids
            # keeping those (a join per match would walk a common word's every match).
            passing = (
                select(doc.id)
                .join(m.Note, m.Note.id == doc.note_id)
                .join(m.Call, m.Call.id == m.Note.call_id)
                .join(m.Account, m.Account.id == m.Call.account_id)
                .where(m.Note.deleted_at.is_(None), m.Call.deleted_at.is_(None))
            )
            return self._db.search.among(matches, self._filtered(passing, filters)).subquery(
                "matches"
            )
        # A kind, a rep, a tag or a long period keeps many notes: the index walks matches
        # newest first, each joined to its note and call, and stops once it has
        # `newest` that pass, so an old note is still found where the filter keeps few.
        walk = (
            matches.join(doc, doc.id == doc_id)
            .join(m.Note, m.Note.id == doc.note_id)
            .join(m.Call, m.Call.id == m.Note.call_id)
            .where(m.Note.deleted_at.is_(None), m.Call.deleted_at.is_(None))
        )
        return self._filtered(walk, filters).subquery("matches")

    @staticmethod
    def _filtered(
        stmt: Select[*tuple[Any, ...]], filters: v.SearchFilters
    ) -> Select[*tuple[Any, ...]]:
        if filters.kinds:
            stmt = stmt.where(m.Note.kind.in_(filters.kinds))
        if filters.call_id is not None:
            stmt = stmt.where(m.Note.call_id == filters.call_id)
        if filters.account:
            stmt = stmt.where(m.Account.name_key == name_key(filters.account))
        if filters.rep:
            rep_ids = select(m.Person.id).where(m.Person.name_key == name_key(filters.rep))
            stmt = stmt.where(m.Call.rep_id.in_(rep_ids))
        if filters.tag:
            tag = tag_key(check_storable(filters.tag, "the tag"))
            tagged = (
                select(m.note_tags.c.note_id)
                .join(m.Tag, m.Tag.id == m.note_tags.c.tag_id)
                .where(m.Tag.name == tag)
            )
            stmt = stmt.where(m.Note.id.in_(tagged))
        if filters.since:
            stmt = stmt.where(m.Call.started_at >= day_start(filters.since))
        if filters.until:
            stmt = stmt.where(m.Call.started_at < day_end(filters.until))
        return stmt


def _shortened(query: Query) -> Query:
    """Look for an overlong phrase by its first words, and for an overlong query by its
    first 1,024 words: every hit still has those, so a pasted page still finds its note."""

    def cut(term: Term) -> Term:
        if len(term.words) <= MAX_PHRASE_WORDS:
            return term
        return Term(term.words[:MAX_PHRASE_WORDS], prefix=False)

    budget = MAX_QUERY_WORDS

    def take(terms: tuple[Term, ...]) -> tuple[Term, ...]:
        nonlocal budget
        kept = []
        for term in map(cut, terms):
            if len(term.words) > budget:
                break
            budget -= len(term.words)
            kept.append(term)
        return tuple(kept)

    clauses = []
    for clause in query.clauses:
        kept = take(clause)
        if not kept:
            break
        clauses.append(kept)
    budget = MAX_QUERY_WORDS
    return Query(tuple(clauses), take(query.excluded))


def _short_period(filters: v.SearchFilters) -> bool:
    """Whether the filters keep the calls of a few weeks (found by their date first);
    an open-ended or a longer period is checked match by match as the index walks."""
    return (
        filters.since is not None
        and filters.until is not None
        and (filters.until - filters.since).days <= SHORT_PERIOD_DAYS
    )


def _mentions(others: str | None, excluded: Query) -> bool:
    """Whether a hit's other fields have an excluded word (folded the way the index
    folds it, so this agrees with the index), each field on its own: an excluded phrase
    must not be found across the end of one and the start of the next."""
    if others is None:
        return False
    return any(match_spans(field, excluded) for field in others.split(_FIELDS_APART))


def _hit(row: Row[Any], parsed: Query) -> v.SearchHit:
    (
        note_id,
        field,
        body,
        score,
        call_id,
        kind,
        text,
        offset_ms,
        intensity,
        account,
        started_at,
    ) = tuple(row)[:11]
    return v.SearchHit(
        note_id=note_id,
        call_id=call_id,
        account=account,
        kind=kind,
        text=text,
        offset_ms=offset_ms,
        intensity=intensity,
        field=field,
        field_text=body,
        snippet=snippet(body, parsed),
        call_started_at=started_at,
        score=score,
    )
