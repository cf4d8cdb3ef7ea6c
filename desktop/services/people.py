"""People who use the app, and the accounts they sell to (including how deals ended)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop.domain import Outcome, Role
from desktop.errors import Conflict, NotFound, UserError
from desktop.services import values as v
from desktop.services.base import (
    Service,
    account_view,
    check_storable,
    clean_name,
    ensure_person,
    like_escaped,
    name_key,
    person_view,
)
from desktop.services.calls import ensure_account
from desktop.storage import models as m


class PeopleService(Service):
    def ensure(self, name: str, role: Role | None = None) -> v.PersonView:
        with self._db.write() as s:
            view = person_view(ensure_person(s, name, role))
            assert view is not None
            return view

    def list(self, role: Role | None = None) -> tuple[v.PersonView, ...]:
        with self._db.read() as s:
            stmt = select(m.Person).order_by(m.Person.name_key)
            if role is not None:
                stmt = stmt.where(m.Person.role.in_((role, Role.BOTH)))
            return tuple(p for p in map(person_view, s.scalars(stmt)) if p is not None)


class AccountService(Service):
    def ensure(self, name: str, **details: str | None) -> v.AccountView:
        """The account of that name, with industry, segment or size filled in if blank."""
        unknown = set(details) - {"industry", "segment", "size"}
        if unknown:
            raise TypeError(f"unknown account details: {sorted(unknown)}")
        with self._db.write() as s:
            return account_view(ensure_account(s, name, **details))

    def get(self, name: str) -> v.AccountView:
        with self._db.read() as s:
            return account_view(self._find(s, name))

    def names(self, prefix: str = "", limit: int = 50) -> tuple[str, ...]:
        """Account names for autocomplete, those with the most calls first."""
        with self._db.read() as s:
            calls = func.count(m.Call.id)
            stmt = (
                select(m.Account.name)
                .outerjoin(m.Call, m.Call.account_id == m.Account.id)
                .group_by(m.Account.id, m.Account.name)
                .order_by(calls.desc(), m.Account.name_key)
                .limit(limit)
            )
            key = name_key(prefix)
            if key:
                stmt = stmt.where(m.Account.name_key.like(f"%{like_escaped(key)}%", escape="\\"))
            return tuple(s.scalars(stmt))

    def ensure_contact(
        self,
        account: str,
        name: str,
        *,
        title: str | None = None,
        deal_role: str | None = None,
    ) -> v.ContactView:
        """A contact at the account (made on first mention), with a title or deal role
        filled in if given: what reports print instead of the name when redacting."""
        with self._db.write() as s:
            acct = ensure_account(s, account)
            key = name_key(clean_name(name, "a contact's name"))
            contact = next((c for c in acct.contacts if name_key(c.name) == key), None)
            if contact is None:
                contact = m.Contact(account=acct, name=clean_name(name, "a contact's name"))
                s.add(contact)
            for attr, value in (("title", title), ("deal_role", deal_role)):
                if value is not None:
                    setattr(contact, attr, check_storable(value, f"the {attr}").strip() or None)
            s.flush()
            return v.ContactView(
                id=contact.id,
                account_id=acct.id,
                name=contact.name,
                title=contact.title,
                deal_role=contact.deal_role,
            )

    def segments(self) -> tuple[str, ...]:
        """The segments accounts are filed under, for report filters."""
        return self._distinct(m.Account.segment)

    def industries(self) -> tuple[str, ...]:
        return self._distinct(m.Account.industry)

    def _distinct(self, column: Any) -> tuple[str, ...]:
        with self._db.read() as s:
            values = s.scalars(select(column).where(column.is_not(None)).distinct())
            return tuple(sorted({v.strip() for v in values if v.strip()}, key=str.casefold))

    def set_outcome(
        self,
        name: str,
        outcome: Outcome,
        *,
        on: date | None = None,
        reason: str | None = None,
        expected_version: int | None = None,
    ) -> v.AccountView:
        """Record how the account's deal ended (or that it is open again)."""
        with self._db.write() as s:
            account = self._find(s, name)
            if expected_version is not None and account.version != expected_version:
                raise Conflict(
                    f"{account.name} was changed elsewhere; reload and try again",
                    mine={"outcome": outcome, "on": on, "reason": reason},
                    theirs=account_view(account),
                    at=account.updated_at,
                )
            if outcome is not Outcome.OPEN and on is None:
                on = self._now().astimezone().date()
            account.outcome = outcome
            account.outcome_on = on if outcome is not Outcome.OPEN else None
            if reason is not None:
                reason = check_storable(reason, "the reason").strip() or None
            account.outcome_reason = reason
            s.flush()
            return account_view(account)

    @staticmethod
    def _find(s: Session, name: str) -> m.Account:
        if not name.strip():
            raise UserError("an account name must not be empty")
        account = s.scalars(select(m.Account).where(m.Account.name_key == name_key(name))).first()
        if account is None:
            raise NotFound(f"no account named {name!r}")
        return account
