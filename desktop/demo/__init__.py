"""Believable sample data, for demos, screenshots and benchmarks (`ridealong demo`).

A seeded generator invents a sales team, prospect accounts across industries and
segments, and ride-along calls spread over the last months: notes of every kind written
the way prospects talk (composed from fragments in `resources/demo/`, so wording
varies), themes that recur across calls as tags (with some notes left untagged but
worded alike, for the theme suggester), qualification answers, the rep's annotations,
lead grades and deal outcomes.

Benchmarks ask for tens of thousands of calls, so rows are not ORM objects: each chunk
of calls is built as plain dicts and written with bulk Core inserts in one transaction,
search documents included (Core inserts bypass the session hook that indexes notes).

The same seed on a database holding the same number of calls gives the same rows (only
timestamps, and the ids that begin with them, move with `now`); the count of calls
already there is part of the seed, so a second run adds new calls (by the same team,
and to accounts of the same names when they come up again) instead of colliding with
the first.
"""

from __future__ import annotations

import random
import re
import time as timer
import uuid
from bisect import bisect_right
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import TYPE_CHECKING, Any, Final, Generic, TypeVar

from sqlalchemy import Connection, func, insert, select

from desktop import shipped
from desktop.domain import (
    CallStatus,
    CallType,
    CriterionStatus,
    Grade,
    Outcome,
    ReviewStatus,
    Role,
    Verdict,
)
from desktop.errors import UserError
from desktop.progress import CancelToken, Progress, no_progress
from desktop.services.base import name_key
from desktop.services.definitions import current_revision
from desktop.storage import models as m
from desktop.storage.search import SearchBackend

if TYPE_CHECKING:
    from desktop.services import Services

T = TypeVar("T")

MAX_CALLS: Final = 1_000_000
MAX_MONTHS: Final = 120
#: Calls written per transaction: big enough for bulk speed, small enough to cancel soon.
CHUNK_CALLS: Final = 1000
#: Share of theme-worded pains and objections that carry their theme as a tag.
TAGGED_SHARE: Final = 0.7

_MONTHS: Final = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_SLOT = re.compile(r"\{(\w+)\}")
_LEAD_NAME = re.compile(r"^(\w+: )([a-z])")
_PAIN, _OBJECTION, _QUESTION, _QUOTE = "pain", "objection", "question", "quote"
_COMPETITOR, _SIGNAL, _NEXT_STEP, _GENERAL = "competitor", "signal", "next-step", "general"
#: How often each kind comes up in the body of a call, by call type (criterion questions,
#: the opening remark and the next steps are added on top).
_KINDS: Final = {
    CallType.DISCOVERY: {_PAIN: 30, _QUESTION: 12, _OBJECTION: 8, _QUOTE: 8, _COMPETITOR: 6,
                         _SIGNAL: 6, _GENERAL: 6},
    CallType.DEMO: {_PAIN: 12, _QUESTION: 22, _OBJECTION: 16, _QUOTE: 7, _COMPETITOR: 7,
                    _SIGNAL: 14, _GENERAL: 5},
    CallType.NEGOTIATION: {_PAIN: 5, _QUESTION: 14, _OBJECTION: 30, _QUOTE: 5, _COMPETITOR: 8,
                           _SIGNAL: 18, _GENERAL: 5},
    CallType.OTHER: {_PAIN: 14, _QUESTION: 24, _OBJECTION: 14, _QUOTE: 6, _COMPETITOR: 5,
                     _SIGNAL: 10, _GENERAL: 12},
}  # fmt: skip
_MINUTES: Final = {
    CallType.DISCOVERY: (25, 50),
    CallType.DEMO: (40, 60),
    CallType.NEGOTIATION: (25, 55),
    CallType.OTHER: (20, 45),
}
#: Weights of intensities 1 to 5, for the kinds that have one.
_INTENSITY: Final = {
    _PAIN: (4, 14, 34, 32, 16),
    _OBJECTION: (8, 24, 36, 22, 10),
    _SIGNAL: (0, 15, 35, 35, 15),
    _COMPETITOR: (15, 30, 35, 15, 5),
}
#: Chances of (quote-worthy, case study at a hot account, elsewhere, messaging) by kind.
_FLAGS: Final = {
    _PAIN: (0.07, 0.02, 0.03, 0.12),
    _OBJECTION: (0.0, 0.0, 0.0, 0.06),
    _QUOTE: (0.7, 0.3, 0.03, 0.25),
    _SIGNAL: (0.05, 0.08, 0.03, 0.0),
}
_NO_FLAGS: Final = (0.0, 0.0, 0.0, 0.0)
_LOW_62: Final = (1 << 62) - 1
# Plain strings for rows: an enum's `.value` is a slow lookup in loops run a million times.
_CONFIRMED, _CORRECTED, _DISPUTED = (v.value for v in Verdict)
_UNKNOWN, _ASKED, _ANSWERED, _DISQUALIFYING = CriterionStatus
#: Stands in for an id until the row's creation time (part of its id) is known.
_NO_ID: Final = uuid.UUID(int=0)
_HOURS: Final = {9: 2, 10: 3, 11: 3, 12: 1, 13: 2, 14: 3, 15: 3, 16: 2}
_JOURNEYS: Final = {"hot": (20, 30, 30, 20), "warm": (45, 35, 15, 5), "cold": (80, 17, 3, 0)}
_CALL_TYPES: Final = (
    {CallType.DISCOVERY: 90, CallType.OTHER: 10},
    {CallType.DEMO: 75, CallType.OTHER: 25},
    {CallType.NEGOTIATION: 50, CallType.DEMO: 30, CallType.OTHER: 20},
    {CallType.NEGOTIATION: 80, CallType.OTHER: 20},
)


@dataclass(frozen=True, slots=True)
class DemoSummary:
    """What a demo run added, for one line of output."""

    calls: int
    notes: int
    accounts: int
    annotations: int
    seconds: float

    def describe(self) -> str:
        return (
            f"Added {_count(self.calls, 'call')} ({_count(self.notes, 'note')}, "
            f"{_count(self.accounts, 'account')}, {_count(self.annotations, 'annotation')}) "
            f"to the database in {self.seconds:.1f} s"
        )


def generate(
    services: Services,
    *,
    calls: int = 40,
    months: int = 3,
    seed: int = 7,
    progress: Progress = no_progress,
    cancel: CancelToken | None = None,
    now: datetime | None = None,
) -> DemoSummary:
    """Add `calls` sample calls from the last `months` months up to `now`.

    Writes in chunks of `CHUNK_CALLS` calls, one transaction each, reporting
    `progress(calls_done, calls)` after each; a cancel stops between chunks, and the
    chunks already committed stay (whole calls, never half of one).
    """
    if not 1 <= calls <= MAX_CALLS:
        raise UserError(f"the number of demo calls must be 1 to {MAX_CALLS:,}, not {calls:,}")
    if not 1 <= months <= MAX_MONTHS:
        raise UserError(f"the demo period must be 1 to {MAX_MONTHS} months, not {months}")
    started = timer.perf_counter()
    now = now or services.clock()
    if now.tzinfo is None:
        raise ValueError("generate() needs an aware `now`")
    if cancel is not None:
        cancel.raise_if_cancelled()
    db = services.db
    with db.read() as s:
        existing_calls = s.scalar(select(func.count()).select_from(m.Call)) or 0
        frameworks = _frameworks(s.connection())
        revision = current_revision(s)
    maker = _Maker(
        dice=_Dice(f"ridealong-demo:{seed}:{existing_calls}"),
        now=now.astimezone(UTC),
        months=months,
        frameworks=frameworks,
        revision=revision,
    )
    maker.hire(_Dice(f"ridealong-demo-team:{seed}"))
    plan = maker.plan(calls)
    with db.read() as s:
        maker.adopt_existing(s.connection())

    written = notes = annotations = 0
    accounts: set[uuid.UUID] = set()
    for start in range(0, len(plan), CHUNK_CALLS):
        if cancel is not None:
            cancel.raise_if_cancelled()
        chunk = plan[start : start + CHUNK_CALLS]
        rows = maker.chunk_rows(chunk, first=start == 0)
        with db.write() as s:
            rows.insert(s.connection(), db.search)
        written += len(chunk)
        notes += len(rows.notes)
        annotations += len(rows.annotations)
        accounts.update(call.account.id for call in chunk)
        progress(written, calls)
    return DemoSummary(
        calls=written,
        notes=notes,
        accounts=len(accounts),
        annotations=annotations,
        seconds=timer.perf_counter() - started,
    )


# -- chance ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Weights(Generic[T]):
    """Items with cumulative weights, built once, drawn from many times."""

    items: tuple[T, ...]
    cumulative: tuple[float, ...]

    @classmethod
    def of(cls, weights: Mapping[T, float]) -> _Weights[T]:
        total = 0.0
        cumulative = []
        for weight in weights.values():
            total += weight
            cumulative.append(total)
        return cls(tuple(weights), tuple(cumulative))


class _Dice:
    """A seeded `random.Random` with the draws made millions of times done with a single
    `random()` each (`choice`, `randint` and `choices` cost several times more)."""

    def __init__(self, seed: str) -> None:
        self.rng = random.Random(seed)
        self.random = self.rng.random

    def pick(self, items: Sequence[T]) -> T:
        return items[int(self.random() * len(items))]

    def between(self, low: int, high: int) -> int:
        return low + int(self.random() * (high - low + 1))

    def weighted(self, weights: _Weights[T]) -> T:
        return weights.items[
            bisect_right(weights.cumulative, self.random() * weights.cumulative[-1])
        ]

    def new_id(self, at: datetime) -> uuid.UUID:
        """A version 7 UUID (RFC 9562): the row's creation time, then bits from the seed.

        Time first means a bulk load appends to the end of every index instead of
        scattering writes across it (a fifth faster at 20,000 calls on SQLite).
        """
        bits = self.rng.getrandbits(74)
        rand_a, rand_b = bits >> 62, bits & _LOW_62
        ms = int(at.timestamp() * 1000)
        return uuid.UUID(int=ms << 80 | 7 << 76 | rand_a << 64 | 2 << 62 | rand_b)


# -- what the plan is made of ------------------------------------------------------------


@dataclass(slots=True)
class _Person:
    id: uuid.UUID
    name: str
    role: Role
    first: str
    new: bool = True


@dataclass(slots=True)
class _Contact:
    id: uuid.UUID
    name: str
    title: str
    deal_role: str
    first: str
    new: bool = True


@dataclass(slots=True)
class _Account:
    id: uuid.UUID
    name: str
    industry: str
    segment: str
    size: str
    fit: str
    framework: str | None
    rep: _Person
    themes: list[str]
    competitor: str
    systems: tuple[str, str]
    contacts: list[_Contact]
    created_at: datetime | None = None
    outcome: Outcome = Outcome.OPEN
    outcome_on: date | None = None
    outcome_reason: str | None = None
    new: bool = True
    written: bool = False


@dataclass(slots=True)
class _Call:
    id: uuid.UUID
    account: _Account
    call_type: CallType
    index: int
    started_at: datetime
    ended_at: datetime
    marketer: _Person
    contacts: list[_Contact]


@dataclass(slots=True)
class _Ctx:
    """What a sentence about one call can mention; who speaks is chosen when needed."""

    call: _Call
    months: tuple[str, ...]
    quarters: tuple[str, ...]
    speaker: _Contact | None = None
    other: str | None = None
    theme: str = ""
    mentioned: set[str] = field(default_factory=set)


@dataclass(frozen=True, slots=True)
class _Criterion:
    id: uuid.UUID
    key: str


@dataclass(slots=True)
class _Note:
    """A note being made: its row, and what the rest of the call needs to know of it."""

    row: dict[str, Any]
    theme: str | None
    criterion: uuid.UUID | None


@dataclass(slots=True)
class _Rows:
    """One chunk's rows, table by table, in the order foreign keys need."""

    people: list[dict[str, Any]] = field(default_factory=list)
    tags: list[dict[str, Any]] = field(default_factory=list)
    accounts: list[dict[str, Any]] = field(default_factory=list)
    contacts: list[dict[str, Any]] = field(default_factory=list)
    calls: list[dict[str, Any]] = field(default_factory=list)
    call_contacts: list[dict[str, Any]] = field(default_factory=list)
    notes: list[dict[str, Any]] = field(default_factory=list)
    note_tags: list[dict[str, Any]] = field(default_factory=list)
    annotations: list[dict[str, Any]] = field(default_factory=list)
    answers: list[dict[str, Any]] = field(default_factory=list)
    answer_notes: list[dict[str, Any]] = field(default_factory=list)
    docs: list[dict[str, object]] = field(default_factory=list)

    def insert(self, conn: Connection, search: SearchBackend) -> None:
        for table, rows in (
            (m.Person.__table__, self.people),
            (m.Tag.__table__, self.tags),
            (m.Account.__table__, self.accounts),
            (m.Contact.__table__, self.contacts),
            (m.Call.__table__, self.calls),
            (m.call_contacts, self.call_contacts),
            (m.Note.__table__, self.notes),
            (m.note_tags, self.note_tags),
            (m.Annotation.__table__, self.annotations),
            (m.CriterionAnswer.__table__, self.answers),
            (m.criterion_answer_notes, self.answer_notes),
        ):
            if rows:
                conn.execute(insert(table), rows)
        search.add_docs(conn, self.docs)


# -- the generator -----------------------------------------------------------------------


class _Maker:
    """Invents the team, the accounts and the calls, and turns calls into rows."""

    def __init__(
        self,
        *,
        dice: _Dice,
        now: datetime,
        months: int,
        frameworks: dict[str, tuple[uuid.UUID, tuple[_Criterion, ...]]],
        revision: int | None,
    ) -> None:
        self.dice = dice
        self.world, self.phrases = _material()
        self.now = now
        self.frameworks = frameworks
        self.revision = revision
        self.today = now.astimezone().date()
        self.window_days = max(28, round(months * 30.44))
        first = self.today - timedelta(days=self.window_days - 1)
        self.weekdays = [
            d
            for d in (first + timedelta(days=i) for i in range(self.window_days))
            if d.weekday() < 5
        ]
        self.hired_at = now
        self.people: list[_Person] = []
        self.reps: list[_Person] = []
        self.marketers: list[_Person] = []
        self.outsiders: list[str] = self.world["first_names"]
        self.accounts: list[_Account] = []
        self.account_keys: set[str] = set()
        self.names_left = True
        self.tag_ids: dict[str, uuid.UUID] = {}
        self.slot_lists: dict[str, list[str]] = self.phrases["slots"]
        self.competitors = {c["name"]: c["tag"] for c in self.world["competitors"]}
        self.competitor_names = list(self.competitors)
        themes = self.phrases["themes"]
        self.trend = {name: float(t["trend"]) for name, t in themes.items()}
        self.labels = {name: t["label"] for name, t in themes.items()}
        self.kinds = {t: _Weights.of(w) for t, w in _KINDS.items()}
        self.intensity = {k: _Weights.of(dict(enumerate(w, 1))) for k, w in _INTENSITY.items()}
        self.hours = _Weights.of(_HOURS)
        self.journeys = {fit: _Weights.of(dict(enumerate(w, 1))) for fit, w in _JOURNEYS.items()}
        self.call_types = [_Weights.of(w) for w in _CALL_TYPES]
        self.segments = _Weights.of({i: s["weight"] for i, s in enumerate(self.world["segments"])})
        self.fits = _Weights.of({"hot": 30, "warm": 45, "cold": 25})
        self.slots = self._slot_fillers()

    # -- people and accounts --

    def hire(self, dice: _Dice) -> None:
        """The team depends on the seed alone, so every run of a seed has the same one."""
        self.hired_at = self.now - timedelta(days=self.window_days + 30)
        names: set[str] = set()
        for role_name, count in self.world["team"].items():
            for _ in range(count):
                name = self._unique_name(dice, names, self.world["first_names"])
                person = _Person(
                    dice.new_id(self.hired_at), name, Role(role_name), name.split(" ")[0]
                )
                self.people.append(person)
                if person.role in (Role.REP, Role.BOTH):
                    self.reps.append(person)
                if person.role in (Role.MARKETER, Role.BOTH):
                    self.marketers.append(person)
        # Prospects never share a first name with the team, so notes are unambiguous.
        ours = {p.first for p in self.people}
        self.outsiders = [n for n in self.world["first_names"] if n not in ours]

    def _unique_name(self, dice: _Dice, taken: set[str], firsts: Sequence[str]) -> str:
        while True:
            name = f"{dice.pick(firsts)} {dice.pick(self.world['last_names'])}"
            if name not in taken:
                taken.add(name)
                return name

    def _account(self) -> _Account | None:
        """A new prospect, or None when names run out."""
        dice, world = self.dice, self.world
        for _ in range(20 if self.names_left else 0):
            industry = dice.pick(world["industries"])
            suffix = dice.pick(world["company_suffixes"])
            name = f"{dice.pick(world['company_words'])} {dice.pick(industry['words'])}"
            name = f"{name} {suffix}" if suffix else name
            if name_key(name) not in self.account_keys:
                break
        else:
            self.names_left = False
            return None
        self.account_keys.add(name_key(name))
        segment = world["segments"][dice.weighted(self.segments)]
        pains = self.phrases["pain"]["themes"]
        own = dice.rng.sample(
            list(pains), k=dice.pick((1, 2, 2, 3)), counts=[t["weight"] for t in pains.values()]
        )
        frameworks = {k: w for k, w in segment["frameworks"].items() if k in self.frameworks}
        low, high = segment["contacts"]
        titles = dice.rng.sample(world["titles"][segment["name"]], k=dice.between(low, high))
        taken: set[str] = set()
        contacts = []
        for title, role in titles:
            contact_name = self._unique_name(dice, taken, self.outsiders)
            first = contact_name.split(" ")[0]
            contacts.append(_Contact(_NO_ID, contact_name, title, role, first))
        account = _Account(
            id=_NO_ID,
            name=name,
            industry=industry["name"],
            segment=segment["name"],
            size=dice.pick(segment["sizes"]),
            fit=dice.weighted(self.fits),
            framework=dice.weighted(_Weights.of(frameworks)) if frameworks else None,
            rep=dice.pick(self.reps),
            themes=list(dict.fromkeys(own)),
            competitor=dice.pick(self.competitor_names),
            systems=(dice.pick(world["crms"]), dice.pick(world["tools"])),
            contacts=contacts,
        )
        self.accounts.append(account)
        return account

    # -- when calls happen --

    def plan(self, total: int) -> list[_Call]:
        """Journeys of one to four calls per account (discovery, demo, negotiation...),
        on weekdays in business hours, all ended before `now`; oldest first."""
        calls: list[_Call] = []
        while len(calls) < total:
            account = self._account()
            if account is None:  # names ran out: an old account comes back for more
                account = self.dice.pick(self.accounts)
            journey = self._journey(account, total - len(calls))
            if journey:
                if account.created_at is None:
                    account.created_at = created = journey[0].started_at - timedelta(
                        days=self.dice.between(3, 40), minutes=self.dice.between(0, 600)
                    )
                    account.id = self.dice.new_id(created)
                    for contact in account.contacts:
                        contact.id = self.dice.new_id(created)
                    self._outcome(account, journey)
                calls.extend(journey)
        calls.sort(key=lambda c: (c.started_at, c.id))
        return calls

    def _journey(self, account: _Account, limit: int) -> list[_Call]:
        dice = self.dice
        length = min(limit, dice.weighted(self.journeys[account.fit]))
        day = dice.pick(self.weekdays)
        calls: list[_Call] = []
        for index in range(length):
            call_type = dice.weighted(self.call_types[min(index, 3)])
            slot = self._slot(day, call_type)
            if slot is None and index == 0:
                day = dice.pick(self.weekdays[:-1])
                slot = self._slot(day, call_type)
            if slot is None:
                break
            start, end = slot
            seen = len(account.contacts)
            k = min(seen, dice.between(1, 2) if index == 0 else dice.between(1, 3))
            chosen = sorted(dice.rng.sample(range(seen), k=k))
            calls.append(
                _Call(
                    id=dice.new_id(start),
                    account=account,
                    call_type=call_type,
                    index=index,
                    started_at=start,
                    ended_at=end,
                    marketer=dice.pick(self.marketers),
                    contacts=[account.contacts[i] for i in chosen],
                )
            )
            day += timedelta(days=dice.between(4, 21))
            if day.weekday() >= 5:
                day += timedelta(days=7 - day.weekday())
        return calls

    def _slot(self, day: date, call_type: CallType) -> tuple[datetime, datetime] | None:
        """A start in local business hours on `day` and an end, or None if not yet over."""
        dice = self.dice
        minute = dice.pick((0, 0, 0, 0, 30, 30, 15, 45))
        local = datetime.combine(day, time(dice.weighted(self.hours), minute))
        start = local.astimezone(UTC) + timedelta(seconds=dice.between(0, 180))
        low, high = _MINUTES[call_type]
        end = start + timedelta(minutes=dice.between(low, high), seconds=dice.between(0, 59))
        if day > self.today or end > self.now - timedelta(minutes=10):
            return None
        return start, end

    def _outcome(self, account: _Account, journey: list[_Call]) -> None:
        """Some finished journeys end in a deal outcome; the rest stay open."""
        dice = self.dice
        last = journey[-1]
        days = (self.now - last.ended_at).days
        if last.call_type is CallType.NEGOTIATION and days >= 5:
            won = 65 if account.fit == "hot" else 45
            chances = {Outcome.WON: won, Outcome.LOST: 25, Outcome.NO_DECISION: 10}
        elif days >= 21 and dice.random() < 0.3:
            won = 0 if account.fit == "cold" else 10
            chances = {Outcome.WON: won, Outcome.LOST: 45, Outcome.NO_DECISION: 45}
        else:
            return
        outcome = dice.weighted(_Weights.of({**chances, Outcome.OPEN: 15}))
        if outcome is Outcome.OPEN:
            return
        account.outcome = outcome
        local_end = last.ended_at.astimezone().date()
        after = timedelta(days=dice.between(2, max(2, min(25, days))))
        account.outcome_on = min(self.today, local_end + after)
        reasons = self.phrases["outcome"][outcome.value]
        account.outcome_reason = self.say(dice.pick(reasons), self._ctx(last))

    # -- existing rows --

    def adopt_existing(self, conn: Connection) -> None:
        """Reuse people, accounts, contacts and tags already stored under the same names."""
        people = {name_key(p.name): p for p in self.people}
        for row_id, key in conn.execute(
            select(m.Person.id, m.Person.name_key).where(m.Person.name_key.in_(list(people)))
        ):
            people[key].id, people[key].new = row_id, False
        planned = {name_key(a.name): a for a in self.accounts if a.created_at is not None}
        keys = list(planned)
        found: dict[uuid.UUID, _Account] = {}
        for start in range(0, len(keys), 500):
            for row_id, key in conn.execute(
                select(m.Account.id, m.Account.name_key).where(
                    m.Account.name_key.in_(keys[start : start + 500])
                )
            ):
                account = planned[key]
                account.id, account.new = row_id, False
                found[row_id] = account
        ids = list(found)
        for start in range(0, len(ids), 500):
            for row_id, account_id, name in conn.execute(
                select(m.Contact.id, m.Contact.account_id, m.Contact.name).where(
                    m.Contact.account_id.in_(ids[start : start + 500])
                )
            ):
                for contact in found[account_id].contacts:
                    if contact.new and name_key(contact.name) == name_key(name):
                        contact.id, contact.new = row_id, False
        names = list(self.labels) + list(self.competitors.values())
        stmt = select(m.Tag.name, m.Tag.id).where(m.Tag.name.in_(names))
        self.tag_ids = {name: tag_id for name, tag_id in conn.execute(stmt)}

    # -- rows --

    def chunk_rows(self, calls: Sequence[_Call], *, first: bool) -> _Rows:
        """The rows of these calls (and, for the first chunk, of new team members)."""
        rows = _Rows()
        if first:
            self.people_rows(rows)
        for call in calls:
            self.call_rows(call, rows)
        return rows

    def people_rows(self, rows: _Rows) -> None:
        stamp = self.hired_at
        rows.people.extend(
            {
                "id": p.id,
                "name": p.name,
                "name_key": name_key(p.name),
                "role": p.role.value,
                "created_at": stamp,
                "updated_at": stamp,
            }
            for p in self.people
            if p.new
        )

    def _account_rows(self, account: _Account, rows: _Rows) -> None:
        account.written = True
        created = account.created_at
        assert created is not None
        if account.new:
            updated = created
            if account.outcome_on is not None:
                updated = datetime.combine(account.outcome_on, time(17)).astimezone(UTC)
            rows.accounts.append(
                {
                    "id": account.id,
                    "name": account.name,
                    "name_key": name_key(account.name),
                    "industry": account.industry,
                    "segment": account.segment,
                    "size": account.size,
                    "outcome": account.outcome.value,
                    "outcome_on": account.outcome_on,
                    "outcome_reason": account.outcome_reason,
                    "version": 1,
                    "created_at": created,
                    "updated_at": min(updated, self.now),
                }
            )
        for contact in account.contacts:
            if contact.new:
                rows.contacts.append(
                    {
                        "id": contact.id,
                        "account_id": account.id,
                        "name": contact.name,
                        "title": contact.title,
                        "deal_role": contact.deal_role,
                        "created_at": created,
                        "updated_at": created,
                    }
                )

    def call_rows(self, call: _Call, rows: _Rows) -> None:
        """Everything one call adds: the call, its notes and their tags, the checklist,
        the review (annotations and grade) and the search documents."""
        dice = self.dice
        account = call.account
        if not account.written:
            self._account_rows(account, rows)
        ctx = self._ctx(call)
        age = self.now - call.ended_at
        if age < timedelta(days=1):
            reviewed = partly = False
        else:
            reviewed = dice.random() < (0.35 if age < timedelta(days=7) else 0.93)
            partly = not reviewed and dice.random() < 0.3
        framework = self.frameworks.get(account.framework) if account.framework else None
        if call.call_type is CallType.OTHER and dice.random() < 0.1:
            framework = None
        statuses = self._statuses(call, framework[1] if framework else ())
        notes = self._notes(call, ctx, statuses, rows)
        last_change = call.ended_at
        if reviewed or partly:
            # The rep gets to it within three days, and before now.
            delay = dice.rng.uniform(1800, min(72 * 3600, age.total_seconds() * 0.7))
            share = 1.0 if reviewed else dice.rng.uniform(0.3, 0.7)
            looked_at = notes[: max(1, int(len(notes) * share))]
            review_at = call.ended_at + timedelta(seconds=delay)
            last_change = self._review(call, ctx, looked_at, rows, review_at)
        grade = self._grade(call, statuses) if reviewed else None
        graded_at = None
        if reviewed:
            graded_at = min(last_change + timedelta(seconds=dice.between(60, 900)), self.now)
        pains: dict[str, int] = {}
        for note in notes:
            if note.row["kind"] == _PAIN and note.theme:
                pains[note.theme] = pains.get(note.theme, 0) + 1
        ctx.theme = self.labels[max(pains, key=pains.__getitem__) if pains else account.themes[0]]
        next_steps = [n.row["text"] for n in notes if n.row["kind"] == _NEXT_STEP]
        call_type = call.call_type.value
        rows.calls.append(
            {
                "id": call.id,
                "account_id": account.id,
                "rep_id": account.rep.id,
                "marketer_id": call.marketer.id,
                "framework_id": framework[0] if framework else None,
                "call_type": call_type,
                "stage": dice.pick(self.world["stages"][call_type]),
                "started_at": call.started_at,
                "ended_at": call.ended_at,
                "status": (CallStatus.REVIEWED if reviewed else CallStatus.AWAITING_REVIEW).value,
                "grade": grade.value if grade else None,
                "grade_reason": self._grade_reason(grade, ctx) if grade else None,
                "graded_by_id": account.rep.id if grade else None,
                "graded_at": graded_at,
                "grade_definitions_revision": self.revision if grade else None,
                "next_step": next_steps[-1] if next_steps else None,
                "deleted_at": None,
                "version": 1,
                "created_at": call.started_at,
                "updated_at": graded_at or last_change,
            }
        )
        rows.call_contacts.extend({"call_id": call.id, "contact_id": c.id} for c in call.contacts)
        rows.notes.extend(n.row for n in notes)
        if framework is not None:
            self._answers(call, statuses, notes, rows)

    def _ctx(self, call: _Call) -> _Ctx:
        month = call.started_at.astimezone().month - 1
        return _Ctx(
            call=call,
            months=tuple(_MONTHS[(month + k) % 12] for k in range(1, 5)),
            quarters=tuple(f"Q{(month + k) % 12 // 3 + 1}" for k in (3, 6)),
        )

    @staticmethod
    def _next_speaker(ctx: _Ctx) -> None:
        ctx.speaker = ctx.other = None
        ctx.mentioned.clear()

    def _speaker(self, ctx: _Ctx) -> _Contact:
        if ctx.speaker is None:
            ctx.speaker = self.dice.pick(ctx.call.contacts)
        return ctx.speaker

    def _other(self, ctx: _Ctx) -> str:
        """Someone else on their side: another contact on the call, or a colleague."""
        if ctx.other is None:
            speaker = self._speaker(ctx)
            others = [c.first for c in ctx.call.contacts if c is not speaker]
            ctx.other = self.dice.pick(others or self.outsiders)
        return ctx.other

    # -- qualification --

    def _statuses(
        self, call: _Call, criteria: Sequence[_Criterion]
    ) -> list[tuple[_Criterion, CriterionStatus]]:
        """Later calls and better-fitting accounts have more criteria answered."""
        fit = call.account.fit
        answered = min(0.85, 0.25 + 0.2 * call.index + (0.1 if fit == "hot" else 0.0))
        disqualifying = 0.12 if fit == "cold" else 0.02
        result = []
        for criterion in criteria:
            r = self.dice.random()
            if r < disqualifying:
                status = _DISQUALIFYING
            elif r < disqualifying + answered:
                status = _ANSWERED
            elif r < disqualifying + answered + 0.25:
                status = _ASKED
            else:
                status = _UNKNOWN
            result.append((criterion, status))
        return result

    def _topic(self, criterion: _Criterion) -> dict[str, list[str]]:
        criteria = self.phrases["criteria"]
        return criteria["topics"][criteria["keys"].get(criterion.key, "generic")]

    def _answers(
        self,
        call: _Call,
        statuses: list[tuple[_Criterion, CriterionStatus]],
        notes: list[_Note],
        rows: _Rows,
    ) -> None:
        """The checklist rows, each linked to the question notes that asked it."""
        dice = self.dice
        evidence: dict[uuid.UUID, list[dict[str, Any]]] = {}
        for note in notes:
            if note.criterion is not None:
                evidence.setdefault(note.criterion, []).append(note.row)
        ctx = self._ctx(call)
        for criterion, status in statuses:
            linked = evidence.get(criterion.id, [])
            if status is _UNKNOWN and dice.random() < 0.75:
                continue  # no row means unknown; some rows say so after a change of mind
            answer = next((n["answer"] for n in linked if n["answer"]), None)
            if answer is None and status in (_ANSWERED, _DISQUALIFYING):
                answer = self.say(dice.pick(self._topic(criterion)[status.value]), ctx)
            stamp = call.ended_at + timedelta(seconds=dice.between(0, 600))
            answer_id = dice.new_id(stamp)
            rows.answers.append(
                {
                    "id": answer_id,
                    "call_id": call.id,
                    "criterion_id": criterion.id,
                    "status": status.value,
                    "answer": answer,
                    "updated_by_id": call.marketer.id,
                    "version": 1,
                    "created_at": stamp,
                    "updated_at": stamp,
                }
            )
            rows.answer_notes.extend({"answer_id": answer_id, "note_id": n["id"]} for n in linked)

    # -- notes --

    def _notes(
        self,
        call: _Call,
        ctx: _Ctx,
        statuses: list[tuple[_Criterion, CriterionStatus]],
        rows: _Rows,
    ) -> list[_Note]:
        """The call's timeline: an opening remark, the conversation, the next steps."""
        dice = self.dice
        seconds = int((call.ended_at - call.started_at).total_seconds())
        wanted = max(6, round(seconds / 60 / dice.rng.uniform(2.3, 3.6)))
        asked: list[Any] = [
            (c, s) for c, s in statuses if s is not _UNKNOWN and dice.random() < 0.75
        ]
        first = [_GENERAL] if dice.random() < 0.55 else []
        last = [_NEXT_STEP] * ((dice.random() < 0.92) + (dice.random() < 0.25))
        kinds = self.kinds[call.call_type]
        filler = max(3, wanted - len(first) - len(last) - len(asked))
        middle = [dice.weighted(kinds) for _ in range(filler)] + asked
        dice.rng.shuffle(middle)
        offsets = [dice.between(20, 150) for _ in first]
        offsets += sorted(dice.between(150, seconds - 240) for _ in middle)
        offsets += sorted(dice.between(seconds - 240, seconds - 20) for _ in last)
        pains, objections = self._theme_weights(call)
        notes = []
        previous = -1
        for what, offset in zip(first + middle + last, offsets, strict=True):
            offset_ms = max(offset * 1000 + dice.between(0, 999), previous + 1000)
            previous = offset_ms
            self._next_speaker(ctx)
            if isinstance(what, tuple):
                made = self._criterion_note(ctx, *what)
            else:
                made = self._note(what, ctx, pains, objections)
            notes.append(self._finish(call, ctx, made, offset_ms, rows))
        return notes

    def _theme_weights(self, call: _Call) -> tuple[_Weights[str], _Weights[str]]:
        """Theme weights for this call: some themes grow over the period, some fade."""
        recency = 1 - (self.now - call.started_at).days / self.window_days
        segment, call_type = call.account.segment, call.call_type.value

        def trend(theme: str) -> float:
            return max(0.2, 1 + self.trend.get(theme, 0.0) * (recency - 0.5) * 2)

        pains = {
            name: t["weight"] * trend(name) for name, t in self.phrases["pain"]["themes"].items()
        }
        objections = {
            name: t["weight"]
            * trend(name)
            * t.get("segments", {}).get(segment, 1.0)
            * t.get("call_types", {}).get(call_type, 1.0)
            for name, t in self.phrases["objection"]["themes"].items()
        }
        return _Weights.of(pains), _Weights.of(objections)

    def _note(
        self, kind: str, ctx: _Ctx, pains: _Weights[str], objections: _Weights[str]
    ) -> dict[str, Any]:
        """What was said, by kind, with the theme it belongs to and whether it is tagged."""
        dice = self.dice
        p = self.phrases
        note: dict[str, Any] = {"kind": kind, "theme": None, "tagged": False}
        if kind == _PAIN:
            own = ctx.call.account.themes
            theme = dice.pick(own) if dice.random() < 0.65 else dice.weighted(pains)
            text = self._compose(p[_PAIN], p[_PAIN]["themes"][theme], ctx)
            note.update(theme=theme, text=text, tagged=dice.random() < TAGGED_SHARE)
        elif kind == _OBJECTION:
            theme = dice.weighted(objections)
            spoken = p[_OBJECTION]["themes"][theme]
            note.update(theme=theme, text=self._compose(p[_OBJECTION], spoken, ctx))
            if dice.random() < 0.85:
                tail = dice.pick(p[_OBJECTION]["response_tails"])
                note["response"] = self.say(dice.pick(spoken["response"]) + tail, ctx)
            note["tagged"] = dice.random() < TAGGED_SHARE
        elif kind == _QUOTE:
            q = p[_QUOTE]
            own = [t for t in ctx.call.account.themes if t in q["themes"]]
            theme = dice.pick(own) if own and dice.random() < 0.6 else dice.pick(list(q["themes"]))
            opener, tail = dice.pick(q["openers"]), dice.pick(q["tails"])
            if "{contact_first}" in opener and "{contact_first}" in tail:
                tail = ""
            text = self.say(f"{opener}“{dice.pick(q['themes'][theme])}”{tail}", ctx)
            note.update(theme=theme, text=_capital(text), tagged=dice.random() < 0.5)
        elif kind == _QUESTION:
            q = p[_QUESTION]
            theme = dice.pick(list(q["themes"]))
            item = dice.pick(q["themes"][theme])
            text = self.say(dice.pick(q["openers"]) + item["q"] + dice.pick(q["tails"]), ctx)
            if dice.random() < 0.85:
                note["answer"] = self.say(dice.pick(item["a"]) + dice.pick(q["answer_tails"]), ctx)
            note.update(theme=theme, text=_sentence(text), tagged=dice.random() < 0.4)
        elif kind == _COMPETITOR:
            c = p[_COMPETITOR]
            text = self.say(dice.pick(c["core"]) + dice.pick(c["detail"]), ctx)
            note.update(text=_sentence(text), tagged=True)
        else:
            said = p[kind]
            text = self.say(dice.pick(said["core"]) + dice.pick(said.get("tails", [""])), ctx)
            note["text"] = _sentence(text)
        return note

    def _compose(self, kind: dict[str, Any], theme: dict[str, Any], ctx: _Ctx) -> str:
        """Opener, the theme's core, a detail and a closer: few notes come out the same."""
        dice = self.dice
        body = dice.pick(kind["openers"]) + dice.pick(theme["core"]) + dice.pick(theme["detail"])
        return _sentence(self.say(body, ctx)) + self.say(dice.pick(kind["closers"]), ctx)

    def _criterion_note(
        self, ctx: _Ctx, criterion: _Criterion, status: CriterionStatus
    ) -> dict[str, Any]:
        """A qualification question of the call's framework, and the answer heard."""
        dice = self.dice
        criteria = self.phrases["criteria"]
        topic = self._topic(criterion)
        text = dice.pick(criteria["openers"]) + dice.pick(topic["ask"])
        text = _sentence(self.say(text + dice.pick(criteria["tails"]), ctx))
        answer = None
        if status is not _ASKED or dice.random() < 0.5:
            answer = self.say(dice.pick(topic[status.value]), ctx)
        return {
            "kind": _QUESTION,
            "theme": None,
            "text": text,
            "answer": answer,
            "criterion": criterion.id,
            "tagged": False,
        }

    def _finish(
        self, call: _Call, ctx: _Ctx, note: dict[str, Any], offset_ms: int, rows: _Rows
    ) -> _Note:
        """Flags, intensity and tags; the row and its search documents."""
        dice = self.dice
        kind, text, theme = note["kind"], note["text"], note["theme"]
        tags: list[str] = []
        if note["tagged"]:
            if theme:
                tags.append(theme)
            tags += [self.competitors[c] for c in sorted(ctx.mentioned)]
            if theme and dice.random() < 0.1:
                text = f"{text} #{theme}"  # typed inline while capturing, as people do
        intensity = dice.weighted(self.intensity[kind]) if kind in self.intensity else None
        quote_worthy, case_hot, case_other, messaging = _FLAGS.get(kind, _NO_FLAGS)
        case_study = case_hot if call.account.fit == "hot" else case_other
        created = call.started_at + timedelta(milliseconds=offset_ms + dice.between(3000, 40000))
        note_id = dice.new_id(created)
        row = {
            "id": note_id,
            "call_id": call.id,
            "kind": kind,
            "text": text,
            "offset_ms": offset_ms,
            "author_id": call.marketer.id,
            "intensity": intensity,
            "quote_worthy": bool(quote_worthy) and dice.random() < quote_worthy,
            "case_study": bool(case_study) and dice.random() < case_study,
            "messaging": bool(messaging) and dice.random() < messaging,
            "response": note.get("response"),
            "answer": note.get("answer"),
            "criterion_id": note.get("criterion"),
            "review_status": ReviewStatus.UNREVIEWED.value,
            "deleted_at": None,
            "version": 1,
            "created_at": created,
            "updated_at": created,
        }
        for name in dict.fromkeys(tags):
            rows.note_tags.append({"note_id": note_id, "tag_id": self._tag(name, rows)})
        for doc_field in ("text", "answer", "response"):
            if row[doc_field]:
                rows.docs.append(_doc(note_id, None, doc_field, row[doc_field]))
        return _Note(row, theme, note.get("criterion"))

    def _tag(self, name: str, rows: _Rows) -> uuid.UUID:
        tag_id = self.tag_ids.get(name)
        if tag_id is None:
            stamp = self.now - timedelta(days=self.window_days)
            tag_id = self.tag_ids[name] = self.dice.new_id(stamp)
            rows.tags.append({"id": tag_id, "name": name, "created_at": stamp, "updated_at": stamp})
        return tag_id

    # -- review --

    def _review(
        self, call: _Call, ctx: _Ctx, notes: list[_Note], rows: _Rows, at: datetime
    ) -> datetime:
        """The rep's verdicts, corrections and comments; returns when they finished.

        Most notes are confirmed, some corrected or disputed, a few only commented on;
        now and then the rep comes back to a note with a second word.
        """
        dice = self.dice
        said = self.phrases["annotation"]
        for note in notes:
            if dice.random() >= 0.8:
                continue
            self._next_speaker(ctx)
            r = dice.random()
            correction = comment = None
            verdict: str | None
            if r < 0.74:
                verdict = _CONFIRMED
                comment = dice.pick(said["comment"]) if dice.random() < 0.12 else None
            elif r < 0.86:
                verdict = _CORRECTED
                correction = dice.pick(said["correction"])
                comment = dice.pick(said["comment"]) if dice.random() < 0.2 else None
            elif r < 0.91:
                verdict = _DISPUTED
                comment = dice.pick(said["dispute"]) if dice.random() < 0.85 else None
            else:
                verdict, comment = None, dice.pick(said["comment"])
            at += timedelta(seconds=dice.between(10, 90))
            self._annotate(call, ctx, note, verdict, correction, comment, at, rows)
            if dice.random() < 0.05:
                at += timedelta(seconds=dice.between(60, 3600))
                again = dice.pick((_CONFIRMED, None))
                comment = None if again else "Checked the recording — fine as written"
                self._annotate(call, ctx, note, again, None, comment, at, rows)
        return at

    def _annotate(
        self,
        call: _Call,
        ctx: _Ctx,
        note: _Note,
        verdict: str | None,
        correction: str | None,
        comment: str | None,
        at: datetime,
        rows: _Rows,
    ) -> None:
        """One annotation; the note's review status follows the newest verdict."""
        at = min(at, self.now)
        annotation_id = self.dice.new_id(at)
        note_id = note.row["id"]
        correction = self.say(correction, ctx) if correction else None
        comment = self.say(comment, ctx) if comment else None
        rows.annotations.append(
            {
                "id": annotation_id,
                "note_id": note_id,
                "verdict": verdict,
                "correction": correction,
                "comment": comment,
                "author_id": call.account.rep.id,
                "deleted_at": None,
                "version": 1,
                "created_at": at,
                "updated_at": at,
            }
        )
        if verdict is not None:
            note.row["review_status"] = verdict
        for doc_field, value in (("correction", correction), ("comment", comment)):
            if value:
                rows.docs.append(_doc(note_id, annotation_id, doc_field, value))

    def _grade(self, call: _Call, statuses: list[tuple[_Criterion, CriterionStatus]]) -> Grade:
        dice = self.dice
        if any(s is _DISQUALIFYING for _, s in statuses) and dice.random() < 0.7:
            return Grade.UNQUALIFIED
        weights = {
            "hot": (35, 65, 0) if call.index else (55, 45, 0),
            "warm": (70, 20, 10),
            "cold": (30, 0, 70),
        }[call.account.fit]
        return dice.weighted(_Weights.of(dict(zip(Grade, weights, strict=True))))

    def _grade_reason(self, grade: Grade, ctx: _Ctx) -> str:
        reasons = self.phrases["grade"]
        small = grade is Grade.UNQUALIFIED and ctx.call.account.segment == "SMB"
        if small and self.dice.random() < 0.4:
            return self.say(self.dice.pick(reasons["unqualified-small"]), ctx)
        return self.say(self.dice.pick(reasons[grade.value]), ctx)

    # -- words --

    def say(self, template: str, ctx: _Ctx) -> str:
        """Fill `{slots}` from the call's context and the shared lists."""
        if "{" not in template:
            return template
        return _SLOT.sub(lambda match: self._slot_value(match.group(1), ctx), template)

    def _slot_value(self, name: str, ctx: _Ctx) -> str:
        fill = self.slots.get(name)
        if fill is not None:
            return fill(ctx)
        return self.say(self.dice.pick(self.slot_lists[name]), ctx)

    def _slot_fillers(self) -> dict[str, Callable[[_Ctx], str]]:
        """How each `{slot}` that is not a plain list in the phrases gets its words."""
        dice = self.dice

        def number(low: int, high: int, step: int = 1) -> Callable[[_Ctx], str]:
            return lambda _ctx: str(step * dice.between(low, high))

        def one_of(*values: int) -> Callable[[_Ctx], str]:
            return lambda _ctx: str(dice.pick(values))

        return {
            "contact_first": lambda ctx: self._speaker(ctx).first,
            "contact2_first": self._other,
            "title": lambda ctx: self._speaker(ctx).title,
            "rep_first": lambda ctx: ctx.call.account.rep.first,
            "competitor": self._competitor,
            "system": lambda ctx: ctx.call.account.systems[0],
            "system2": lambda ctx: ctx.call.account.systems[1],
            "industry": lambda ctx: ctx.call.account.industry.lower(),
            "theme": lambda ctx: ctx.theme or self.labels[ctx.call.account.themes[0]],
            "month": lambda ctx: dice.pick(ctx.months),
            "quarter": lambda ctx: dice.pick(ctx.quarters),
            "hours": number(3, 25),
            "people": number(2, 12),
            "pct": number(2, 9, 5),
            "k": number(4, 49, 5),
            "seats": one_of(15, 25, 40, 50, 75, 120, 200, 300),
            "weeks": number(2, 10),
            "days": one_of(5, 10, 14, 21, 30),
            "n": number(3, 9),
            "minutes": number(5, 15),
            "questions": one_of(80, 120, 150, 200, 300),
        }

    def _competitor(self, ctx: _Ctx) -> str:
        """Mostly the account's usual rival; remembered, so the note gets its tag."""
        competitor = ctx.call.account.competitor
        if self.dice.random() >= 0.7:
            competitor = self.dice.pick(self.competitor_names)
        ctx.mentioned.add(competitor)
        return competitor


# -- helpers ---------------------------------------------------------------------------


@cache
def _material() -> tuple[dict[str, Any], dict[str, Any]]:
    return shipped.read_json("demo", "world.json"), shipped.read_json("demo", "phrases.json")


def _frameworks(conn: Connection) -> dict[str, tuple[uuid.UUID, tuple[_Criterion, ...]]]:
    """The builtin frameworks by key, with their criteria in order."""
    found: dict[str, tuple[uuid.UUID, list[_Criterion]]] = {}
    rows = conn.execute(
        select(m.Framework.key, m.Framework.id, m.Criterion.id, m.Criterion.key)
        .join(m.Criterion, m.Criterion.framework_id == m.Framework.id)
        .where(m.Framework.builtin.is_(True), m.Framework.key.in_(("bant", "champ", "meddicc")))
        .order_by(m.Framework.key, m.Criterion.position)
    )
    for key, framework_id, criterion_id, criterion_key in rows:
        found.setdefault(key, (framework_id, []))[1].append(_Criterion(criterion_id, criterion_key))
    return {key: (fid, tuple(criteria)) for key, (fid, criteria) in found.items()}


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _sentence(text: str) -> str:
    """Capitalised (also after a leading `Name: `) and ending in punctuation."""
    text = _LEAD_NAME.sub(lambda match: match.group(1) + match.group(2).upper(), _capital(text))
    return text if text.endswith((".", "!", "?", "”", "'")) else text + "."


def _doc(
    note_id: uuid.UUID, annotation_id: uuid.UUID | None, doc_field: str, body: str
) -> dict[str, object]:
    return {"note_id": note_id, "annotation_id": annotation_id, "field": doc_field, "body": body}


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {noun}s"
