"""Ride-alongs: starting and ending them, and listing them for a team's years of calls."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Final, TypeAlias

from sqlalchemy import Row, Select, and_, func, or_, select
from sqlalchemy.orm import Session, aliased, selectinload

from desktop.domain import CallStatus, CallType, Outcome, Role
from desktop.errors import NotFound, UserError
from desktop.services import values as v
from desktop.services.base import (
    Service,
    call_view,
    clean_name,
    ensure_person,
    get_live,
    like_escaped,
    name_key,
    note_view,
    tag_key,
)
from desktop.storage import models as m

_CALL_LOADS = (
    selectinload(m.Call.account),
    selectinload(m.Call.rep),
    selectinload(m.Call.marketer),
    selectinload(m.Call.graded_by),
    selectinload(m.Call.contacts),
    selectinload(m.Call.framework).selectinload(m.Framework.criteria),
)
NOTE_LOADS = (
    selectinload(m.Note.tags),
    selectinload(m.Note.author),
    selectinload(m.Note.speaker),
)


@dataclass(frozen=True, slots=True)
class CallFilters:
    """What a call list can be narrowed to; every filter is applied in SQL."""

    statuses: tuple[CallStatus, ...] = ()
    account: str | None = None
    rep: str | None = None
    since: date | None = None
    until: date | None = None
    text: str | None = None
    #: Only calls with a note of this theme.
    tag: str | None = None


def ensure_account(session: Session, name: str, **details: str | None) -> m.Account:
    """The account of that name, made on first mention; new details fill in blanks."""
    cleaned = clean_name(name, "an account name")
    key = name_key(cleaned)
    account = session.scalars(select(m.Account).where(m.Account.name_key == key)).first()
    if account is None:
        account = m.Account(name=cleaned, name_key=key, outcome=Outcome.OPEN)
        session.add(account)
    for attr, value in details.items():
        if value and not getattr(account, attr):
            setattr(account, attr, value)
    session.flush()
    return account


def find_framework(session: Session, name: str) -> m.Framework:
    key = name_key(name)
    framework = session.scalars(
        select(m.Framework).where(or_(m.Framework.key == key, func.lower(m.Framework.name) == key))
    ).first()
    if framework is None:
        known = ", ".join(session.scalars(select(m.Framework.name).order_by(m.Framework.name)))
        raise UserError(f"unknown framework {name!r} (known: {known})")
    return framework


def day_start(day: date) -> datetime:
    """Midnight at the start of `day` in local time, as an aware datetime; on the
    calendar's first day (`--since 0001-01-01`), the first moment there is."""
    if day <= date.min:
        return datetime.min.replace(tzinfo=UTC)
    return datetime.combine(day, time.min).astimezone()


def day_end(day: date) -> datetime:
    """Midnight at the end of `day` (exclusive), in local time; on the calendar's last
    day (`--until 9999-12-31`), the last moment there is."""
    if day >= date.max:
        return datetime.max.replace(tzinfo=UTC)
    return datetime.combine(day + timedelta(days=1), time.min).astimezone()


#: How far past the clock a call's start or end may be given (a clock a minute or two
#: off, a time typed to the minute): anything later has not happened yet.
FUTURE_TOLERANCE: Final = timedelta(minutes=5)

#: A contact as `start` takes it: a name, or a name and a title.
ContactSpec: TypeAlias = str | tuple[str, str | None]


def parse_contact(text: str) -> tuple[str, str | None]:
    """`"Dana Ruiz, CFO"` is the contact Dana Ruiz with the title CFO; without a comma,
    a name alone. The title is everything after the first comma."""
    name, _, title = text.partition(",")
    return name, title.strip() or None


def _local(moment: datetime) -> str:
    return f"{moment.astimezone():%Y-%m-%d %H:%M}"


def check_not_future(moment: datetime, now: datetime, what: str) -> datetime:
    """Refuse a time typed for a call logged after the fact that has not come yet
    (`what`: "start" or "end"). Only typed times are checked: demo data, imports and
    tests plant calls at any time they like."""
    if moment > now + FUTURE_TOLERANCE:
        raise UserError(
            f"the call's {what} {_local(moment)} is in the future (it is {_local(now)})"
        )
    return moment


class CallService(Service):
    def start(
        self,
        account: str,
        *,
        rep: str | None = None,
        marketer: str | None = None,
        call_type: CallType = CallType.DISCOVERY,
        framework: str | None = None,
        contacts: Sequence[ContactSpec] = (),
        stage: str | None = None,
        started_at: datetime | None = None,
    ) -> v.CallView:
        """Open a live call; people, the account and contacts are made on first mention.

        `started_at` logs a call after the fact (see `check_not_future`); a contact
        given with a title (`("Dana", "CFO")`) gets that title.
        """
        with self._db.write() as s:
            acct = ensure_account(s, account)
            call = m.Call(
                account=acct,
                rep=ensure_person(s, rep, Role.REP) if rep else None,
                marketer=ensure_person(s, marketer, Role.MARKETER) if marketer else None,
                framework=find_framework(s, framework) if framework else None,
                call_type=call_type,
                stage=stage.strip() if stage and stage.strip() else None,
                started_at=started_at or self._now(),
                status=CallStatus.LIVE,
            )
            for spec in contacts:
                name, title = (spec, None) if isinstance(spec, str) else spec
                contact = self._ensure_contact(s, acct, name, title)
                if contact not in call.contacts:
                    call.contacts.append(contact)
            s.add(call)
            s.flush()
            return self._view(s, call.id)

    @staticmethod
    def _ensure_contact(
        s: Session, account: m.Account, name: str, title: str | None = None
    ) -> m.Contact:
        """The account's contact of that name, made on first mention; a title given
        replaces the one on file (people change jobs)."""
        cleaned = clean_name(name, "a contact's name")
        titled = clean_name(title, "a contact's title") if title and title.strip() else None
        for contact in account.contacts:
            if name_key(contact.name) == name_key(cleaned):
                if titled is not None:
                    contact.title = titled
                return contact
        contact = m.Contact(account=account, name=cleaned, title=titled)
        s.add(contact)
        return contact

    def end(self, call_id: uuid.UUID, ended_at: datetime | None = None) -> v.CallView:
        """Stop the clock; the call now waits for the rep's review.

        `ended_at` ends a call logged after the fact, not before its start. Without it
        the call ends now (or at its start, if that is later)."""
        with self._db.write() as s:
            call = get_live(s, m.Call, call_id, "call")
            if call.status is not CallStatus.LIVE:
                raise UserError(f"call {call_id} has already ended")
            if ended_at is not None and ended_at < call.started_at:
                raise UserError(
                    f"the call cannot end at {_local(ended_at)}, before it started "
                    f"({_local(call.started_at)})"
                )
            call.ended_at = max(ended_at or self._now(), call.started_at)
            call.status = CallStatus.AWAITING_REVIEW
            s.flush()
            return self._view(s, call.id)

    def get(self, call_id: uuid.UUID) -> v.CallView:
        with self._db.read() as s:
            return self._view(s, call_id)

    def set_next_step(self, call_id: uuid.UUID, next_step: str | None) -> v.CallView:
        with self._db.write() as s:
            call = get_live(s, m.Call, call_id, "call")
            call.next_step = next_step.strip() if next_step and next_step.strip() else None
            s.flush()
            return self._view(s, call.id)

    def delete(self, call_id: uuid.UUID) -> v.CallView:
        """Move a call (and so its notes) to the trash."""
        with self._db.write() as s:
            call = get_live(s, m.Call, call_id, "call")
            call.deleted_at = self._now()
            s.flush()
            return call_view(call)

    def notes(self, call_id: uuid.UUID) -> tuple[v.NoteView, ...]:
        """The call's notes in call order: its timeline."""
        with self._db.read() as s:
            get_live(s, m.Call, call_id, "call")
            rows = s.scalars(
                select(m.Note)
                .where(m.Note.call_id == call_id, m.Note.deleted_at.is_(None))
                .order_by(m.Note.offset_ms, m.Note.created_at)
                .options(*NOTE_LOADS)
            )
            return tuple(note_view(n) for n in rows)

    def page(
        self,
        filters: CallFilters = CallFilters(),
        *,
        after: tuple[datetime, uuid.UUID] | None = None,
        limit: int = 200,
    ) -> tuple[v.CallRow, ...]:
        """Calls newest first, `limit` at a time after the key of the last row seen.

        Keyset paging on (started_at, id) stays fast at any depth, unlike OFFSET.
        """
        with self._db.read() as s:
            stmt = self._rows_query(filters)
            if after is not None:
                started, last_id = after
                stmt = stmt.where(
                    or_(
                        m.Call.started_at < started,
                        and_(m.Call.started_at == started, m.Call.id < last_id),
                    )
                )
            stmt = stmt.order_by(m.Call.started_at.desc(), m.Call.id.desc()).limit(limit)
            return tuple(self._row(r) for r in s.execute(stmt))

    def stream(
        self, filters: CallFilters = CallFilters(), *, batch: int = 1000
    ) -> Iterator[v.CallRow]:
        """Every call of `filters`, newest first, read `batch` rows at a time from one
        cursor as they are consumed (`yield_per`: a server-side cursor on PostgreSQL,
        SQLite's stepping cursor): a team's years of calls in the memory of one batch.

        Unlike the other methods, the read session stays open while the rows are
        consumed; it ends when the iteration finishes or the iterator is closed.
        """
        stmt = (
            self._rows_query(filters)
            .order_by(m.Call.started_at.desc(), m.Call.id.desc())
            .execution_options(yield_per=batch)
        )
        # On the session's connection, not the session: the rows are plain columns, and
        # the ORM's loading around each one was a third of the time.
        with self._db.read() as s, s.connection().execute(stmt) as result:
            for part in result.partitions():
                yield from map(self._row, part)

    def row(self, call_id: uuid.UUID) -> v.CallRow:
        """One call as a list shows it (after a change to it)."""
        with self._db.read() as s:
            found = s.execute(self._rows_query(CallFilters()).where(m.Call.id == call_id)).first()
            if found is None:
                raise NotFound(f"no call with id {call_id}")
            return self._row(found)

    def count(self, filters: CallFilters = CallFilters()) -> int:
        with self._db.read() as s:
            inner = self._rows_query(filters).subquery()
            return s.scalar(select(func.count()).select_from(inner)) or 0

    def _rows_query(self, filters: CallFilters) -> Select[*tuple[Any, ...]]:
        rep = aliased(m.Person)
        marketer = aliased(m.Person)
        # count(*), not count(id): the note's id is not in the call_id index, and reading
        # it for every note is a third of `call list` at a million notes.
        note_count = (
            select(func.count())
            .select_from(m.Note)
            .where(m.Note.call_id == m.Call.id, m.Note.deleted_at.is_(None))
            .scalar_subquery()
        )
        stmt = (
            select(
                m.Call.id,
                m.Account.name,
                rep.name,
                marketer.name,
                m.Call.call_type,
                m.Call.status,
                m.Call.started_at,
                m.Call.ended_at,
                m.Call.grade,
                note_count,
            )
            .join(m.Account, m.Account.id == m.Call.account_id)
            .outerjoin(rep, rep.id == m.Call.rep_id)
            .outerjoin(marketer, marketer.id == m.Call.marketer_id)
            .where(m.Call.deleted_at.is_(None))
        )
        if filters.statuses:
            stmt = stmt.where(m.Call.status.in_(filters.statuses))
        if filters.account:
            stmt = stmt.where(m.Account.name_key == name_key(filters.account))
        if filters.rep:
            stmt = stmt.where(rep.name_key == name_key(filters.rep))
        if filters.since:
            stmt = stmt.where(m.Call.started_at >= day_start(filters.since))
        if filters.until:
            stmt = stmt.where(m.Call.started_at < day_end(filters.until))
        if filters.tag and filters.tag.strip():
            tagged = (
                select(m.Note.id)
                .join(m.note_tags, m.note_tags.c.note_id == m.Note.id)
                .join(m.Tag, m.Tag.id == m.note_tags.c.tag_id)
                .where(
                    m.Note.call_id == m.Call.id,
                    m.Note.deleted_at.is_(None),
                    m.Tag.name == tag_key(filters.tag),
                )
            )
            stmt = stmt.where(tagged.exists())
        if filters.text and filters.text.strip():
            pattern = "%" + like_escaped(name_key(filters.text)) + "%"
            stmt = stmt.where(
                or_(
                    m.Account.name_key.like(pattern, escape="\\"),
                    rep.name_key.like(pattern, escape="\\"),
                    marketer.name_key.like(pattern, escape="\\"),
                )
            )
        return stmt

    @staticmethod
    def _row(row: Row[*tuple[Any, ...]]) -> v.CallRow:
        call_id, account, rep, marketer, call_type, status, started, ended, grade, count = row
        return v.CallRow(
            id=call_id,
            account=account,
            rep=rep,
            marketer=marketer,
            call_type=call_type,
            status=status,
            started_at=started,
            ended_at=ended,
            grade=grade,
            note_count=count or 0,
        )

    @staticmethod
    def _view(s: Session, call_id: uuid.UUID) -> v.CallView:
        call = s.scalars(
            select(m.Call)
            .where(m.Call.id == call_id, m.Call.deleted_at.is_(None))
            .options(*_CALL_LOADS)
        ).first()
        if call is None:
            raise NotFound(f"no call with id {call_id}")
        return call_view(call)
