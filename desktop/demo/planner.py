"""The plan: who is on the team, which prospects they meet, and when every call happens.

Accounts go through journeys of one to four calls (discovery, demo, negotiation...) on
weekdays in local business hours over the last months; some journeys end in a deal
outcome. The plan is made before a row is written, so its calls can be written oldest
first in chunks; people and accounts already stored under the same names are reused.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Final

from sqlalchemy import Connection, select

from desktop.demo.chance import Dice, Weights
from desktop.demo.words import Words
from desktop.demo.world import NO_ID, Account, Call, Contact, Person, material
from desktop.domain import CallType, Outcome, Role
from desktop.services.base import name_key
from desktop.storage import models as m

_MINUTES: Final = {
    CallType.DISCOVERY: (25, 50),
    CallType.DEMO: (40, 60),
    CallType.NEGOTIATION: (25, 55),
    CallType.OTHER: (20, 45),
}
_HOURS: Final = {9: 2, 10: 3, 11: 3, 12: 1, 13: 2, 14: 3, 15: 3, 16: 2}
_JOURNEYS: Final = {"hot": (20, 30, 30, 20), "warm": (45, 35, 15, 5), "cold": (80, 17, 3, 0)}
#: How long before the period a journey can begin (its calls before it are left out).
_LEAD_DAYS: Final = 42
_FISCAL: Final = ("January", "January", "January", "April", "April", "July", "October")
_CALL_TYPES: Final = (
    {CallType.DISCOVERY: 90, CallType.OTHER: 10},
    {CallType.DEMO: 75, CallType.OTHER: 25},
    {CallType.NEGOTIATION: 50, CallType.DEMO: 30, CallType.OTHER: 20},
    {CallType.NEGOTIATION: 80, CallType.OTHER: 20},
)


class Planner:
    """Invents the team, the accounts and the calls (`hire`, then `plan`)."""

    def __init__(
        self,
        dice: Dice,
        words: Words,
        *,
        now: datetime,
        months: int,
        frameworks: Collection[str],
    ) -> None:
        self.dice = dice
        self.words = words
        self.world, self.phrases = material()
        self.now = now
        self.frameworks = frameworks
        self.today = now.astimezone().date()
        #: Days the calls are spread over, ending today.
        self.window_days = max(28, round(months * 30.44))
        self.first = self.today - timedelta(days=self.window_days - 1)
        self.weekdays = [
            d
            for d in (self.first + timedelta(days=i) for i in range(self.window_days))
            if d.weekday() < 5
        ]
        #: Days a journey can begin: also before the period, so its first weeks hold the
        #: later calls of journeys begun earlier, as the rest of it does.
        self.starts = [
            d
            for d in (self.first - timedelta(days=i) for i in range(_LEAD_DAYS, 0, -1))
            if d.weekday() < 5
        ] + self.weekdays
        self.hired_at = now
        self.people: list[Person] = []
        self.reps: list[Person] = []
        self.marketers: list[Person] = []
        self.others: dict[str, list[Person]] = {}
        self.accounts: list[Account] = []
        self.account_keys: set[str] = set()
        self.names_left = True
        self.hours = Weights.of(_HOURS)
        self.journeys = {fit: Weights.of(dict(enumerate(w, 1))) for fit, w in _JOURNEYS.items()}
        self.call_types = [Weights.of(w) for w in _CALL_TYPES]
        self.segments = Weights.of({i: s["weight"] for i, s in enumerate(self.world["segments"])})
        self.fits = Weights.of({"hot": 30, "warm": 45, "cold": 25})

    # -- people and accounts --

    def hire(self, dice: Dice) -> None:
        """The team depends on the seed alone, so every run of a seed has the same one."""
        self.hired_at = self.now - timedelta(days=self.window_days + 30)
        names: set[str] = set()
        firsts = list(self.world["first_names"])
        for role_name, count in self.world["team"].items():
            for _ in range(count):
                name = self._unique_name(dice, names, firsts)
                # One first name per team member: "Imani to send the deck" names one person.
                firsts.remove(name.split(" ")[0])
                person = Person(
                    dice.new_id(self.hired_at), name, Role(role_name), name.split(" ")[0]
                )
                self.people.append(person)
                if person.role in (Role.REP, Role.BOTH):
                    self.reps.append(person)
                if person.role in (Role.MARKETER, Role.BOTH):
                    self.marketers.append(person)
        # Prospects never share a first name with the team, so notes are unambiguous.
        ours = {p.first for p in self.people}
        self.words.outsiders = [n for n in self.world["first_names"] if n not in ours]

    def _unique_name(self, dice: Dice, taken: set[str], firsts: Sequence[str]) -> str:
        while True:
            name = f"{dice.pick(firsts)} {dice.pick(self.world['last_names'])}"
            if name not in taken:
                taken.add(name)
                return name

    def _account(self) -> Account | None:
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
            contact_name = self._unique_name(dice, taken, self.words.outsiders)
            first = contact_name.split(" ")[0]
            contacts.append(Contact(NO_ID, contact_name, title, role, first))
        account = Account(
            id=NO_ID,
            name=name,
            industry=industry["name"],
            segment=segment["name"],
            size=dice.pick(segment["sizes"]),
            fit=dice.weighted(self.fits),
            framework=dice.weighted(Weights.of(frameworks)) if frameworks else None,
            rep=dice.pick(self.reps),
            themes=list(dict.fromkeys(own)),
            competitor=dice.pick(self.words.competitor_names),
            systems=(dice.pick(world["crms"]), dice.pick(world["tools"])),
            contacts=contacts,
            facts=self._facts(industry, segment),
        )
        self.accounts.append(account)
        return account

    def _facts(self, industry: dict[str, Any], segment: dict[str, Any]) -> dict[str, str]:
        """What the account is, said the same way on each of its calls: what it sells,
        how big its sales team is, where it grows, when its year starts."""
        dice, slots = self.dice, self.phrases["slots"]
        return {
            "offer": dice.pick(industry["offers"]),
            "aes": str(dice.between(*segment["aes"])),
            "managers": str(dice.between(*segment["managers"])),
            "sites": str(dice.between(*segment["sites"])),
            "region": dice.pick(slots["region"]),
            "series": dice.pick(slots["series"]),
            "campaign": dice.pick(slots["campaign"]),
            "fiscal": dice.pick(_FISCAL),
        }

    # -- when calls happen --

    def plan(self, total: int) -> list[Call]:
        """Journeys of one to four calls per account (discovery, demo, negotiation...),
        on weekdays in business hours, all ended before `now`; oldest first."""
        calls: list[Call] = []
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

    def _journey(self, account: Account, limit: int) -> list[Call]:
        dice = self.dice
        length = min(limit, dice.weighted(self.journeys[account.fit]))
        day = dice.pick(self.starts)
        calls: list[Call] = []
        for index in range(length):
            call_type = dice.weighted(self.call_types[min(index, 3)])
            if day < self.first:  # before the period: not part of the sample
                day = self._next_day(day)
                continue
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
                Call(
                    id=dice.new_id(start),
                    account=account,
                    call_type=call_type,
                    index=index,
                    started_at=start,
                    ended_at=end,
                    marketer=self._marketer(account.rep),
                    contacts=[account.contacts[i] for i in chosen],
                )
            )
            day = self._next_day(day)
        return calls

    def _next_day(self, day: date) -> date:
        """The day of a journey's next call: some days to three weeks on, a weekday."""
        day += timedelta(days=self.dice.between(4, 21))
        if day.weekday() >= 5:
            day += timedelta(days=7 - day.weekday())
        return day

    def _marketer(self, rep: Person) -> Person:
        """Who rode along: a marketer other than the call's rep (one who does both jobs
        never reviews their own notes)."""
        others = self.others.get(rep.name)
        if others is None:
            others = self.others[rep.name] = [p for p in self.marketers if p is not rep]
        return self.dice.pick(others)

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

    def _outcome(self, account: Account, journey: list[Call]) -> None:
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
        outcome = dice.weighted(Weights.of({**chances, Outcome.OPEN: 15}))
        if outcome is Outcome.OPEN:
            return
        account.outcome = outcome
        local_end = last.ended_at.astimezone().date()
        after = timedelta(days=dice.between(2, max(2, min(25, days))))
        account.outcome_on = min(self.today, local_end + after)
        reasons = self.phrases["outcome"][outcome.value]
        account.outcome_reason = self.words.say(dice.pick(reasons), self.words.ctx(last))

    # -- existing rows --

    def adopt_existing(self, conn: Connection) -> None:
        """Reuse people, accounts and contacts already stored under the same names."""
        people = {name_key(p.name): p for p in self.people}
        for row_id, key in conn.execute(
            select(m.Person.id, m.Person.name_key).where(m.Person.name_key.in_(list(people)))
        ):
            people[key].id, people[key].new = row_id, False
        planned = {name_key(a.name): a for a in self.accounts if a.created_at is not None}
        keys = list(planned)
        found: dict[uuid.UUID, Account] = {}
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
