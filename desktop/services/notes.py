"""Capture: filing what the prospect said, and changing it afterwards.

A note's themes are tags: given explicitly, or written inline as `#hashtags` in the
text, which stay in the text and are stored as tags too.
"""

from __future__ import annotations

import enum
import re
import uuid
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Final, Literal, TypeAlias

from sqlalchemy import Connection, bindparam, exc, func, insert, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from desktop.domain import (
    INTENSITY_MAX,
    INTENSITY_MIN,
    NoteKind,
    ReviewStatus,
    Role,
    SearchField,
)
from desktop.errors import Conflict, NotFound, UserError
from desktop.services import values as v
from desktop.services.base import (
    Service,
    check_storable,
    clean_name,
    contact_view,
    get_live,
    like_escaped,
    name_key,
    note_view,
    tag_key,
)
from desktop.services.calls import NOTE_LOADS
from desktop.storage import live
from desktop.storage import models as m
from desktop.storage.search import index_new_note

#: Longest note text accepted (the issue asks for at least 100,000 characters).
MAX_NOTE_CHARS: Final = 200_000
MAX_TAG_CHARS: Final = 60
#: Longest offset from a call's start: what a 32-bit INTEGER column holds (about 24 days).
MAX_OFFSET_MS: Final = 2**31 - 1
_HASHTAG = re.compile(r"(?<![\w#&/])#([^\W\d_][\w-]*)")
_TAG = re.compile(r"[^\W_][\w-]*")

# The statements filing a note sends, built once: building one costs more than SQLite
# takes to run it (0.15 ms of a 1.5 ms add each, when built per call).
_NOTE_STORED = select(m.Note.id).where(m.Note.id == bindparam("note_id"))
_CALL_TIMES = select(m.Call.started_at, m.Call.ended_at).where(
    m.Call.id == bindparam("call_id"), m.Call.deleted_at.is_(None)
)
_PERSON = select(m.Person.id, m.Person.name, m.Person.role).where(
    m.Person.name_key == bindparam("key")
)
_TAG_IDS = select(m.Tag.name, m.Tag.id).where(m.Tag.name.in_(bindparam("names", expanding=True)))
_INSERT_NOTE = insert(m.Note)
_INSERT_TAGS = insert(m.Tag)
_INSERT_PERSON = insert(m.Person)
_INSERT_NOTE_TAGS = insert(m.note_tags)
_INSERT_SPEAKER = insert(m.note_speakers)


class _Unset(enum.Enum):
    UNSET = enum.auto()

    def __repr__(self) -> str:
        return "UNSET"


#: Marks an `edit` argument that was not given, so None can mean "clear it". A
#: one-member enum, so `x is not UNSET` narrows `T | Unset` to `T` for type checkers.
UNSET: Final = _Unset.UNSET
Unset: TypeAlias = Literal[_Unset.UNSET]


def normalize_tag(raw: str) -> str:
    """`#Manual Reporting` and `manual-reporting` are one theme: `manual-reporting`."""
    tag = tag_key(raw).strip("-")
    if not tag or not _TAG.fullmatch(tag):
        raise UserError(f"{raw!r} is not a usable tag (letters, digits and hyphens)")
    if len(tag) > MAX_TAG_CHARS:
        raise UserError(f"tag {raw[:20]!r}… is too long (at most {MAX_TAG_CHARS} characters)")
    return tag


def inline_tags(text: str) -> list[str]:
    """The `#hashtags` written in a note's text, normalised, in order, without repeats."""
    found: list[str] = []
    for match in _HASHTAG.finditer(text):
        tag = match.group(1).strip("-").lower()
        if tag and len(tag) <= MAX_TAG_CHARS and tag not in found:
            found.append(tag)
    return found


def ensure_tags(s: Session, names: Iterable[str]) -> list[m.Tag]:
    wanted = list(dict.fromkeys(names))
    if not wanted:
        return []
    existing = {t.name: t for t in s.scalars(select(m.Tag).where(m.Tag.name.in_(wanted)))}
    for name in wanted:
        if name not in existing:
            existing[name] = m.Tag(name=name)
            s.add(existing[name])
    return [existing[name] for name in wanted]


def _tag_ids(conn: Connection, names: Iterable[str], now: datetime) -> dict[str, uuid.UUID]:
    """The ids of these tags (in order, without repeats), made on first use: `ensure_tags`
    in two statements at most, without the ORM."""
    wanted = list(dict.fromkeys(names))
    if not wanted:
        return {}
    found: dict[str, uuid.UUID] = {
        name: tag_id for name, tag_id in conn.execute(_TAG_IDS, {"names": wanted})
    }
    new = {name: uuid.uuid4() for name in wanted if name not in found}
    if new:
        rows = [{"id": i, "name": n, "created_at": now, "updated_at": now} for n, i in new.items()]
        conn.execute(_INSERT_TAGS, rows)
        found.update(new)
    return {name: found[name] for name in wanted}


def _person(conn: Connection, name: str, now: datetime) -> v.PersonView:
    """`ensure_person` (with no role to grant) without the ORM: the note's author."""
    cleaned = clean_name(name, "a person's name")
    key = name_key(cleaned)
    found = conn.execute(_PERSON, {"key": key}).first()
    if found is not None:
        return v.PersonView(id=found.id, name=found.name, role=found.role)
    person = v.PersonView(id=uuid.uuid4(), name=cleaned, role=Role.MARKETER)
    conn.execute(
        _INSERT_PERSON,
        {
            "id": person.id,
            "name": person.name,
            "name_key": key,
            "role": person.role,
            "created_at": now,
            "updated_at": now,
        },
    )
    return person


def check_text(text: str, what: str = "note text") -> str:
    if not text or not text.strip():
        raise UserError(f"{what} must not be empty")
    if len(text) > MAX_NOTE_CHARS:
        raise UserError(
            f"{what} is too long ({len(text):,} characters; at most {MAX_NOTE_CHARS:,})"
        )
    return check_storable(text, what)


def check_intensity(intensity: int | None) -> int | None:
    if intensity is not None and not INTENSITY_MIN <= intensity <= INTENSITY_MAX:
        raise UserError(f"intensity must be {INTENSITY_MIN} to {INTENSITY_MAX}, not {intensity}")
    return intensity


def check_offset(offset_ms: int) -> int:
    if offset_ms < 0:
        raise UserError("a note's offset from the call's start cannot be negative")
    if offset_ms > MAX_OFFSET_MS:
        limit = MAX_OFFSET_MS // 1000
        raise UserError(f"a note's offset from the call's start is at most {limit:,} seconds")
    return offset_ms


def _optional_text(value: str | None, what: str) -> str | None:
    if value is None or not value.strip():
        return None
    return check_text(value, what)


def check_version(
    row: m.Note, expected: int | None, mine: Mapping[str, object] | None = None
) -> None:
    """Refuse a change made on a note as it stood at `expected`, if it has moved on
    since: the refusal carries `mine` (what the change would write) and the note now."""
    if expected is not None and row.version != expected:
        raise Conflict(
            "this note was changed elsewhere since you opened it; reload and try again",
            mine=mine,
            theirs=note_view(row),
            at=row.updated_at,
        )


def _touch(note: m.Note, now: datetime) -> None:
    """Tags live in another table, so changing only them would not UPDATE the note's row:
    touch it, so its version moves and a stale edit of its tags is caught (even when the
    clock has not moved since the last change)."""
    note.updated_at = now
    flag_modified(note, "updated_at")


def find_speaker(call: m.Call, speaker: str) -> m.Contact:
    """One of the call's contacts, by id, by name (case-insensitive), or by a name's
    unique start, as `@` completion offers them."""
    wanted = name_key(speaker.strip().lstrip("@"))
    contacts = list(call.contacts)
    for contact in contacts:
        if str(contact.id) == speaker.strip() or name_key(contact.name) == wanted:
            return contact
    starting = [c for c in contacts if name_key(c.name).startswith(wanted)] if wanted else []
    if len(starting) == 1:
        return starting[0]
    if not contacts:
        raise UserError("this call has no contacts to name as the speaker; add one first")
    names = ", ".join(sorted(c.name for c in contacts))
    raise UserError(f"{speaker.strip()!r} is not one of this call's contacts ({names})")


class NoteService(Service):
    def add(
        self,
        call_id: uuid.UUID,
        kind: NoteKind,
        text: str,
        *,
        offset_ms: int | None = None,
        intensity: int | None = None,
        tags: Iterable[str] = (),
        quote_worthy: bool = False,
        case_study: bool = False,
        messaging: bool = False,
        author: str | None = None,
        response: str | None = None,
        answer: str | None = None,
        speaker: str | None = None,
        note_id: uuid.UUID | None = None,
    ) -> v.NoteView:
        """File a note; it is committed (and searchable) when this returns.

        A caller that retries after a failure passes the same `note_id` each time: if an
        earlier attempt was stored after all, that note is returned, never a second one.
        `speaker` names one of the call's contacts (see `find_speaker`).
        """
        check_text(text)
        check_intensity(intensity)
        if offset_ms is not None:
            check_offset(offset_ms)
        names = [normalize_tag(t) for t in tags] + inline_tags(text)
        try:
            return self._insert(
                call_id,
                kind,
                text,
                offset_ms=offset_ms,
                intensity=intensity,
                names=names,
                quote_worthy=quote_worthy,
                case_study=case_study,
                messaging=messaging,
                author=author,
                response=response,
                answer=answer,
                speaker=speaker,
                note_id=note_id,
            )
        except exc.IntegrityError:
            if note_id is None:
                raise
            # Another attempt with this id (whose answer was lost, or one racing this
            # one) committed between our look and our insert: that is the note.
            with self._db.read() as s:
                if s.get(m.Note, note_id) is None:
                    raise
            return self._insert(call_id, kind, text, names=names, note_id=note_id)

    def _insert(
        self,
        call_id: uuid.UUID,
        kind: NoteKind,
        text: str,
        *,
        names: list[str],
        note_id: uuid.UUID | None,
        offset_ms: int | None = None,
        intensity: int | None = None,
        quote_worthy: bool = False,
        case_study: bool = False,
        messaging: bool = False,
        author: str | None = None,
        response: str | None = None,
        answer: str | None = None,
        speaker: str | None = None,
    ) -> v.NoteView:
        """One attempt at `add`: the stored note itself if `note_id` is stored already.

        Written with prebuilt Core statements on a bare connection (`Database.writing`),
        not the ORM's unit of work: filing a note is the one write that happens during a
        live call, and a session's flush (with its events and the search reindex that
        reads the note back) cost several times the INSERTs themselves. A new note has
        no search documents or annotations yet, so its documents are inserted straight
        from what is written. What it sends does not grow with the note: see
        tests/services/test_notes_speed.py."""
        with self._db.writing() as conn:
            if note_id is not None and conn.execute(_NOTE_STORED, {"note_id": note_id}).first():
                with Session(conn) as s:
                    stored = s.get_one(m.Note, note_id)
                    if stored.call_id != call_id:
                        raise UserError(f"note {note_id} belongs to another call")
                    return note_view(stored)
            call = conn.execute(_CALL_TIMES, {"call_id": call_id}).first()
            if call is None:
                raise NotFound(f"no call with id {call_id}")
            now = self._now()
            if offset_ms is None:
                # A note added after the call ended (logged late, or remembered later)
                # is placed at its end, not hours or months past it.
                said_by = min(now, call.ended_at or now)
                elapsed = said_by - call.started_at
                offset_ms = min(max(0, int(elapsed.total_seconds() * 1000)), MAX_OFFSET_MS)
            person = _person(conn, author, now) if author else None
            new_id = note_id or uuid.uuid4()
            response = _optional_text(response, "the response")
            answer = _optional_text(answer, "the answer")
            row = {
                "id": new_id,
                "call_id": call_id,
                "kind": kind,
                "text": text,
                "offset_ms": offset_ms,
                "author_id": person.id if person else None,
                "intensity": intensity,
                "quote_worthy": quote_worthy,
                "case_study": case_study,
                "messaging": messaging,
                "response": response,
                "answer": answer,
                "criterion_id": None,
                "review_status": ReviewStatus.UNREVIEWED,
                "deleted_at": None,
                "version": 1,
                "created_at": now,
                "updated_at": now,
            }
            tag_ids = _tag_ids(conn, names, now)
            said_by_view = None
            if speaker:
                with Session(conn) as s:
                    said_by_view = contact_view(
                        find_speaker(get_live(s, m.Call, call_id, "call"), speaker)
                    )
            conn.execute(_INSERT_NOTE, row)
            if tag_ids:
                conn.execute(
                    _INSERT_NOTE_TAGS,
                    [{"note_id": new_id, "tag_id": t} for t in tag_ids.values()],
                )
            if said_by_view is not None:
                conn.execute(_INSERT_SPEAKER, {"note_id": new_id, "contact_id": said_by_view.id})
            index_new_note(
                conn,
                self._db.search,
                new_id,
                {
                    SearchField.TEXT: text,
                    SearchField.ANSWER: answer,
                    SearchField.RESPONSE: response,
                },
            )
            self._db.announce(conn, live.Touched(frozenset({call_id}), frozenset({live.NOTES})))
            return v.NoteView(
                id=new_id,
                call_id=call_id,
                kind=kind,
                text=text,
                offset_ms=offset_ms,
                author=person,
                intensity=intensity,
                quote_worthy=quote_worthy,
                case_study=case_study,
                messaging=messaging,
                response=response,
                answer=answer,
                criterion_id=None,
                tags=tuple(sorted(tag_ids)),
                review_status=ReviewStatus.UNREVIEWED,
                speaker=said_by_view,
                created_at=now,
                updated_at=now,
                version=1,
            )

    def get(self, note_id: uuid.UUID) -> v.NoteView:
        with self._db.read() as s:
            return note_view(self._load(s, note_id))

    def edit(
        self,
        note_id: uuid.UUID,
        *,
        expected_version: int | None = None,
        text: str | Unset = UNSET,
        kind: NoteKind | Unset = UNSET,
        offset_ms: int | Unset = UNSET,
        intensity: int | Unset | None = UNSET,
        quote_worthy: bool | Unset = UNSET,
        case_study: bool | Unset = UNSET,
        messaging: bool | Unset = UNSET,
        response: str | Unset | None = UNSET,
        answer: str | Unset | None = UNSET,
        tags: Iterable[str] | Unset = UNSET,
        speaker: str | Unset | None = UNSET,
        add_tags: Iterable[str] = (),
        remove_tags: Iterable[str] = (),
    ) -> v.NoteView:
        """Change what was given and nothing else; refuses if someone changed it meanwhile.

        `speaker=None` forgets who said it. `add_tags` and `remove_tags` change the
        themes it has (after `tags`, if both are given); removing a theme the note does
        not have is refused, as it is most likely a misspelt one."""
        adding = [normalize_tag(t) for t in add_tags]
        removing = [normalize_tag(t) for t in remove_tags]
        if tags is not UNSET:
            tags = tuple(tags)  # told in a conflict and used below: read a one-shot once
        given = {
            "text": text,
            "kind": kind,
            "offset_ms": offset_ms,
            "intensity": intensity,
            "quote_worthy": quote_worthy,
            "case_study": case_study,
            "messaging": messaging,
            "response": response,
            "answer": answer,
            "tags": tags,
            "speaker": speaker,
        }
        mine = {name: value for name, value in given.items() if value is not UNSET}
        if adding or removing:
            mine.update(add_tags=tuple(adding), remove_tags=tuple(removing))
        with self._db.write() as s:
            note = self._load(s, note_id)
            check_version(note, expected_version, mine)
            names = (
                [t.name for t in note.tags] if tags is UNSET else [normalize_tag(t) for t in tags]
            )
            missing = [t for t in removing if t not in names]
            if missing:
                have = ", ".join(sorted(names)) or "none"
                raise UserError(f"the note has no theme {missing[0]!r} (its themes: {have})")
            names = [t for t in names if t not in removing] + adding
            if text is not UNSET:
                check_text(text)
                dropped = set(inline_tags(note.text)) - set(inline_tags(text))
                names = [t for t in names if t not in dropped] + inline_tags(text)
                note.text = text
            if kind is not UNSET:
                note.kind = kind
            if offset_ms is not UNSET:
                note.offset_ms = check_offset(offset_ms)
            if intensity is not UNSET:
                note.intensity = check_intensity(intensity)
            for flag, value in (
                ("quote_worthy", quote_worthy),
                ("case_study", case_study),
                ("messaging", messaging),
            ):
                if value is not UNSET:
                    setattr(note, flag, bool(value))
            if response is not UNSET:
                note.response = _optional_text(response, "the response")
            if answer is not UNSET:
                note.answer = _optional_text(answer, "the answer")
            if {t.name for t in note.tags} != set(names):
                note.tags = ensure_tags(s, names)
                _touch(note, self._now())
            if speaker is not UNSET:
                said_by = find_speaker(note.call, speaker) if speaker else None
                if said_by is not note.speaker:
                    note.speaker = said_by
                    _touch(note, self._now())
            s.flush()
            return note_view(note)

    def delete(self, note_id: uuid.UUID, *, expected_version: int | None = None) -> v.NoteView:
        """Move a note to the trash (it leaves timelines, search and reports); refuses if
        someone changed it since `expected_version` (an undo must not bin their edit)."""
        with self._db.write() as s:
            note = self._load(s, note_id)
            check_version(note, expected_version, {"deleted": True})
            note.deleted_at = self._now()
            s.flush()
            return note_view(note)

    def restore(self, note_id: uuid.UUID, *, expected_version: int | None = None) -> v.NoteView:
        with self._db.write() as s:
            note = s.get(m.Note, note_id)
            if note is None or note.deleted_at is None:
                raise UserError(f"no note with id {note_id} in the trash")
            s.refresh(note, ["tags", "author", "speaker"])
            check_version(note, expected_version, {"deleted": False})
            note.deleted_at = None
            s.flush()
            return note_view(note)

    def tags_in_use(self, prefix: str = "", limit: int = 50) -> tuple[v.TagCount, ...]:
        """Themes already in use, most used first, for autocomplete."""
        with self._db.read() as s:
            count = func.count(m.note_tags.c.note_id)
            stmt = (
                select(m.Tag.name, count)
                .join(m.note_tags, m.note_tags.c.tag_id == m.Tag.id)
                .join(m.Note, m.Note.id == m.note_tags.c.note_id)
                .where(m.Note.deleted_at.is_(None))
                .group_by(m.Tag.name)
                .order_by(count.desc(), m.Tag.name)
                .limit(limit)
            )
            cleaned = tag_key(prefix)
            if cleaned:
                stmt = stmt.where(m.Tag.name.like(like_escaped(cleaned) + "%", escape="\\"))
            return tuple(v.TagCount(name, n) for name, n in s.execute(stmt))

    @staticmethod
    def _load(s: Session, note_id: uuid.UUID) -> m.Note:
        note = s.scalars(select(m.Note).where(m.Note.id == note_id).options(*NOTE_LOADS)).first()
        if note is None or note.deleted_at is not None:
            raise NotFound(f"no note with id {note_id}")
        return note
