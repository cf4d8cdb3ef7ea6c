"""Alignment: how often reps confirm, correct or dispute what marketers noted.

The closed loop between the two teams as numbers a sales leader can act on: per kind
of note (the kind the marketer filed it under) and per marketer–rep pair (the call's
marketer and rep), the share of reviewed notes the rep confirmed as filed, corrected,
or disputed, each with its counts; where reps correct marketers most (the kinds they
refiled, "filed as X, rep said Y", and the themes of the notes they corrected, took
off or put on); and the same rates for the period before (`Period.previous`).

Counting follows the insights (`desktop.services.insights`): calls started in the
period (local days), the same filters (`desktop.services.periods`), trashed notes and
calls left out; a note's standing is its latest verdict. Disputed notes count here:
disagreement is the subject. A reclassification (`ReviewService.reclassify`) is a
`corrected` annotation keeping what changed; the kind and themes the marketer filed
are the note's own with the live reclassifications undone, newest first.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from typing import Any, Final

from sqlalchemy import String, distinct, exists, func, select, type_coerce
from sqlalchemy.orm import aliased

from desktop.domain import NoteKind, ReviewStatus, Verdict
from desktop.services import phrases
from desktop.services.base import Service
from desktop.services.calls import day_end, day_start
from desktop.services.periods import (
    InsightFilters,
    Period,
    filter_conditions,
    note_tag_of_note,
    tag_of_note_tag,
)
from desktop.storage import models as m

#: The themes listed under "where reps correct marketers": the most corrected ones.
MAX_THEMES: Final = 5

_marketer = aliased(m.Person)
_rep = aliased(m.Person)
#: A note's id as the database gives it, only to match rows: turning each of a
#: hundred thousand ids into a UUID cost a second at a million notes.
_NOTE_KEY: Final = type_coerce(m.Note.id, String)

Pair = tuple[str | None, str | None]


@dataclass(frozen=True, slots=True)
class VerdictCounts:
    """Live notes and the latest verdicts on them."""

    notes: int = 0
    confirmed: int = 0
    corrected: int = 0
    disputed: int = 0

    @property
    def reviewed(self) -> int:
        return self.confirmed + self.corrected + self.disputed

    @property
    def unreviewed(self) -> int:
        return self.notes - self.reviewed

    @property
    def confirmation(self) -> float | None:
        """Confirmed as filed, of the reviewed notes."""
        return self.confirmed / self.reviewed if self.reviewed else None

    @property
    def correction(self) -> float | None:
        return self.corrected / self.reviewed if self.reviewed else None

    @property
    def dispute(self) -> float | None:
        return self.disputed / self.reviewed if self.reviewed else None

    def __add__(self, other: VerdictCounts) -> VerdictCounts:
        return VerdictCounts(
            self.notes + other.notes,
            self.confirmed + other.confirmed,
            self.corrected + other.corrected,
            self.disputed + other.disputed,
        )


@dataclass(frozen=True, slots=True)
class KindAlignment:
    kind: NoteKind  # as the marketer filed it
    counts: VerdictCounts
    previous: VerdictCounts


@dataclass(frozen=True, slots=True)
class PairAlignment:
    marketer: str | None
    rep: str | None
    calls: int
    counts: VerdictCounts
    previous: VerdictCounts


@dataclass(frozen=True, slots=True)
class Refiling:
    """Notes filed as `filed` that the rep refiled as `said`."""

    filed: NoteKind
    said: NoteKind
    notes: int


@dataclass(frozen=True, slots=True)
class ThemeCorrections:
    """A theme's reviewed notes (as filed) and how the reps changed them: corrected or
    disputed, the theme taken off notes (`removed`) or put on them (`added`)."""

    name: str
    reviewed: int
    corrected: int
    disputed: int
    removed: int
    added: int
    #: The tag as its notes type it when that has capitals ("PII" for `pii`), else None.
    display: str | None = None


@dataclass(frozen=True, slots=True)
class Alignment:
    period: Period
    filters: InsightFilters
    counts: VerdictCounts
    previous: VerdictCounts
    by_kind: tuple[KindAlignment, ...]
    by_pair: tuple[PairAlignment, ...]
    refiled: tuple[Refiling, ...]
    themes: tuple[ThemeCorrections, ...]


_STATUS_FIELD: Final = {
    ReviewStatus.CONFIRMED: "confirmed",
    ReviewStatus.CORRECTED: "corrected",
    ReviewStatus.DISPUTED: "disputed",
}


@dataclass(slots=True)
class _Filed:
    """One live note as the marketer filed it, and the rep's changes to it."""

    in_period: bool
    pair: Pair
    kind: NoteKind
    status: ReviewStatus
    tags: set[str]
    refiled_as: NoteKind | None = None
    added: frozenset[str] = frozenset()
    removed: frozenset[str] = frozenset()


def _undo(note: _Filed, changes: list[dict[str, Any]]) -> None:
    """Take the note back to how the marketer filed it (`changes` newest first)."""
    now = note.kind
    added: set[str] = set()
    removed: set[str] = set()
    for change in changes:
        if "kind" in change:
            note.kind = NoteKind(change["kind"][0])
        note.tags = (note.tags - set(change.get("added", ()))) | set(change.get("removed", ()))
        added |= set(change.get("added", ()))
        removed |= set(change.get("removed", ()))
    note.refiled_as = now if now is not note.kind else None
    note.added = frozenset(added - removed)
    note.removed = frozenset(removed - added)


#: Notes counted alike: in the period or the one before, pair, kind as filed, verdict.
_Group = tuple[bool, Pair, NoteKind, ReviewStatus]


class AlignmentService(Service):
    def compute(self, period: Period, filters: InsightFilters | None = None) -> Alignment:
        """Confirmation, correction and dispute rates per kind and per marketer–rep pair
        in the period and the one before (`Period.previous`), and where reps corrected.

        The notes are counted in SQL by period, pair, kind and verdict; only the notes a
        rep reclassified (their kind and themes as filed are undone in Python) and the
        period's reviewed notes with a theme are read one by one."""
        filters = filters or InsightFilters()
        previous = period.previous()
        conditions = [
            m.Note.deleted_at.is_(None),
            m.Call.deleted_at.is_(None),
            *filter_conditions(filters),
            m.Call.started_at >= day_start(previous.start),
            m.Call.started_at < day_end(period.end),
        ]
        current = m.Call.started_at >= day_start(period.start)
        reclassifying = (
            m.Annotation.deleted_at.is_(None),
            m.Annotation.verdict == Verdict.CORRECTED,
            m.Annotation.reclassified.is_not(None),
        )
        columns = (current, _marketer.name, _rep.name, m.Note.kind, m.Note.review_status)
        counts_stmt = (
            select(*columns, func.count(m.Note.id))
            .select_from(m.Note)
            .join(m.Call, m.Call.id == m.Note.call_id)
            .outerjoin(_marketer, _marketer.id == m.Call.marketer_id)
            .outerjoin(_rep, _rep.id == m.Call.rep_id)
            .where(*conditions)
            .group_by(*columns)
        )
        changed_stmt = (
            select(_NOTE_KEY, *columns)
            .select_from(m.Note)
            .join(m.Call, m.Call.id == m.Note.call_id)
            .outerjoin(_marketer, _marketer.id == m.Call.marketer_id)
            .outerjoin(_rep, _rep.id == m.Call.rep_id)
            .where(
                *conditions,
                exists().where(m.Annotation.note_id == m.Note.id, *reclassifying),
            )
        )
        reviewed = m.Note.review_status != ReviewStatus.UNREVIEWED
        tags_stmt = (
            select(_NOTE_KEY, m.Tag.name, *columns)
            .select_from(m.Note)
            .join(m.Call, m.Call.id == m.Note.call_id)
            .outerjoin(_marketer, _marketer.id == m.Call.marketer_id)
            .outerjoin(_rep, _rep.id == m.Call.rep_id)
            .join(m.note_tags, note_tag_of_note())
            .join(m.Tag, tag_of_note_tag())
            .where(*conditions, current, reviewed)
        )
        changes_stmt = (
            select(type_coerce(m.Annotation.note_id, String), m.Annotation.reclassified)
            .join(m.Note, m.Note.id == m.Annotation.note_id)
            .join(m.Call, m.Call.id == m.Note.call_id)
            .where(*conditions, *reclassifying)
            .order_by(m.Annotation.created_at.desc(), m.Annotation.id)
        )
        calls_stmt = (
            select(_marketer.name, _rep.name, func.count(distinct(m.Call.id)))
            .select_from(m.Call)
            .join(m.Note, m.Note.call_id == m.Call.id)
            .outerjoin(_marketer, _marketer.id == m.Call.marketer_id)
            .outerjoin(_rep, _rep.id == m.Call.rep_id)
            .where(*conditions, current)
            .group_by(_marketer.name, _rep.name)
        )
        with self._db.read() as s:
            groups: Counter[_Group] = Counter()
            for now, mk, rp, kind, status, n in s.execute(counts_stmt):
                groups[(bool(now), (mk, rp), kind, status)] += n
            changed = {
                nid: _Filed(bool(now), (mk, rp), kind, status, set())  # members: typed columns
                for nid, now, mk, rp, kind, status in s.execute(changed_stmt)
            }
            themed: dict[Any, _Filed] = {}
            for nid, tag, now, mk, rp, kind, status in s.execute(tags_stmt):
                note = changed.get(nid) or themed.get(nid)
                if note is None:
                    note = themed[nid] = _Filed(bool(now), (mk, rp), kind, status, set())
                note.tags.add(tag)
            changes: dict[Any, list[dict[str, Any]]] = defaultdict(list)
            for nid, change in s.execute(changes_stmt):
                changes[nid].append(change)
            pair_calls: dict[Pair, int] = {(mk, rp): n for mk, rp, n in s.execute(calls_stmt)}
            for nid, newest_first in changes.items():
                note = changed[nid]
                groups[_group(note)] -= 1
                _undo(note, newest_first)  # the kind and tags as the marketer filed them
                groups[_group(note)] += 1
            unreviewed = ReviewStatus.UNREVIEWED
            themes = _themes(
                [
                    *themed.values(),
                    *(n for n in changed.values() if n.in_period and n.status != unreviewed),
                ]
            )
            typed: dict[str, list[str]] = defaultdict(list)
            if themes:
                texts_stmt = (
                    select(m.Tag.name, m.Note.text)
                    .select_from(m.Note)
                    .join(m.Call, m.Call.id == m.Note.call_id)
                    .join(m.note_tags, note_tag_of_note())
                    .join(m.Tag, tag_of_note_tag())
                    .where(*conditions, current, m.Tag.name.in_([t.name for t in themes]))
                )
                for name, text in s.execute(texts_stmt):
                    typed[name].append(text)
        this = {g: n for g, n in groups.items() if g[0] and n}
        last = {g: n for g, n in groups.items() if not g[0] and n}
        return Alignment(
            period=period,
            filters=filters,
            counts=_tally(this),
            previous=_tally(last),
            by_kind=_by_kind(this, last),
            by_pair=_by_pair(this, last, pair_calls),
            refiled=_refiled([n for n in changed.values() if n.in_period]),
            themes=tuple(
                replace(t, display=phrases.typed_form(t.name, typed[t.name])) for t in themes
            ),
        )


def _group(note: _Filed) -> _Group:
    return (note.in_period, note.pair, note.kind, note.status)


def _tally(groups: dict[_Group, int]) -> VerdictCounts:
    counts: Counter[ReviewStatus] = Counter()
    for (_now, _pair, _kind, status), n in groups.items():
        counts[status] += n
    return VerdictCounts(
        notes=sum(counts.values()),
        **{field: counts[status] for status, field in _STATUS_FIELD.items()},
    )


def _by_kind(now: dict[_Group, int], before: dict[_Group, int]) -> tuple[KindAlignment, ...]:
    return tuple(
        KindAlignment(
            kind,
            _tally({g: n for g, n in now.items() if g[2] is kind}),
            _tally({g: n for g, n in before.items() if g[2] is kind}),
        )
        for kind in NoteKind
        if any(g[2] is kind for g in now)
    )


def _by_pair(
    now: dict[_Group, int], before: dict[_Group, int], calls: dict[Pair, int]
) -> tuple[PairAlignment, ...]:
    pairs = [
        PairAlignment(
            marketer=pair[0],
            rep=pair[1],
            calls=calls.get(pair, 0),
            counts=_tally({g: n for g, n in now.items() if g[1] == pair}),
            previous=_tally({g: n for g, n in before.items() if g[1] == pair}),
        )
        for pair in {g[1] for g in now}
    ]
    pairs.sort(key=lambda p: (-p.counts.reviewed, p.marketer or "", p.rep or ""))
    return tuple(pairs)


def _refiled(now: list[_Filed]) -> tuple[Refiling, ...]:
    moves = Counter((n.kind, n.refiled_as) for n in now if n.refiled_as is not None)
    order = list(NoteKind)
    return tuple(
        Refiling(filed, said, count)
        for (filed, said), count in sorted(
            moves.items(),
            key=lambda item: (-item[1], order.index(item[0][0]), order.index(item[0][1])),
        )
    )


def _themes(reviewed: list[_Filed]) -> tuple[ThemeCorrections, ...]:
    carrying: dict[str, list[_Filed]] = defaultdict(list)
    removed: Counter[str] = Counter()
    added: Counter[str] = Counter()
    for n in reviewed:
        for tag in n.tags:
            carrying[tag].append(n)
        removed.update(n.removed)
        added.update(n.added)
    found = []
    for name in {*carrying, *added}:
        notes = carrying.get(name, [])
        item = ThemeCorrections(
            name=name,
            reviewed=len(notes),
            corrected=sum(n.status is ReviewStatus.CORRECTED for n in notes),
            disputed=sum(n.status is ReviewStatus.DISPUTED for n in notes),
            removed=removed[name],
            added=added[name],
        )
        if item.corrected or item.disputed or item.added:
            found.append(item)
    found.sort(key=lambda t: (-(t.corrected + t.disputed + t.added), -t.reviewed, t.name))
    return tuple(found[:MAX_THEMES])
