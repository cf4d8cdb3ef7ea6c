"""People who use the app, and accounts with how their deals ended."""

from __future__ import annotations

from datetime import date

import pytest

from desktop.clock import local_today
from desktop.domain import Outcome, Role
from desktop.errors import Conflict, NotFound, UserError
from desktop.services import Services
from tests.fakes import FakeClock


def test_people_are_listed_by_role(services: Services) -> None:
    services.people.ensure("Rita", Role.REP)
    services.people.ensure("Mo", Role.MARKETER)
    services.people.ensure("Kim", Role.REP)
    assert services.people.ensure("kim", Role.MARKETER).role is Role.BOTH
    assert [p.name for p in services.people.list()] == ["Kim", "Mo", "Rita"]
    assert [p.name for p in services.people.list(Role.REP)] == ["Kim", "Rita"]
    assert [p.name for p in services.people.list(Role.MARKETER)] == ["Kim", "Mo"]


def test_account_details_fill_blanks_only(services: Services) -> None:
    account = services.accounts.ensure("Acme", industry="Logistics", size="200-500")
    assert (account.industry, account.segment, account.size) == ("Logistics", None, "200-500")
    again = services.accounts.ensure("ACME", industry="Retail", segment="Mid-market")
    assert (again.id, again.industry, again.segment) == (account.id, "Logistics", "Mid-market")
    assert services.accounts.get("acme") == again


def test_account_names_for_autocomplete(services: Services) -> None:
    services.calls.start("Globex")
    services.calls.start("Globex")
    services.calls.start("Acme")
    services.accounts.ensure("Acme Subsidiary")
    assert services.accounts.names() == ("Globex", "Acme", "Acme Subsidiary")
    assert services.accounts.names("acme") == ("Acme", "Acme Subsidiary")
    assert services.accounts.names("%") == ()


def test_outcome_won_lost_and_reopened(services: Services, clock: FakeClock) -> None:
    services.calls.start("Acme")
    won = services.accounts.set_outcome("acme", Outcome.WON, reason=" Signed 3 years ")
    assert (won.outcome, won.outcome_on, won.outcome_reason) == (
        Outcome.WON,
        local_today(clock),  # the day it is where the user is
        "Signed 3 years",
    )
    lost = services.accounts.set_outcome("Acme", Outcome.LOST, on=date(2025, 1, 2))
    assert (lost.outcome, lost.outcome_on, lost.outcome_reason) == (
        Outcome.LOST,
        date(2025, 1, 2),
        None,
    )
    reopened = services.accounts.set_outcome("Acme", Outcome.OPEN, on=date(2025, 1, 3))
    assert (reopened.outcome, reopened.outcome_on) == (Outcome.OPEN, None)
    assert services.calls.page()[0].account == "Acme"
    assert services.accounts.get("Acme") == reopened


def test_outcome_with_a_stale_version_is_a_conflict(services: Services) -> None:
    account = services.accounts.ensure("Acme")
    services.accounts.set_outcome("Acme", Outcome.WON, expected_version=account.version)
    with pytest.raises(Conflict):
        services.accounts.set_outcome("Acme", Outcome.LOST, expected_version=account.version)
    assert services.accounts.get("Acme").outcome is Outcome.WON


def test_outcome_refuses_bad_input(services: Services) -> None:
    services.accounts.ensure("Acme")
    with pytest.raises(NotFound):
        services.accounts.set_outcome("Nobody", Outcome.WON)
    with pytest.raises(UserError):
        services.accounts.set_outcome("  ", Outcome.WON)
    with pytest.raises(UserError, match="NUL"):
        services.accounts.set_outcome("Acme", Outcome.WON, reason="a\x00b")
    with pytest.raises(UserError, match="NUL"):
        services.accounts.get("Ac\x00me")
    assert services.accounts.get("Acme").outcome is Outcome.OPEN


def test_segments_and_industries_offered_as_report_filters(services: Services) -> None:
    services.accounts.ensure("Acme", industry="Logistics", segment="SMB")
    services.accounts.ensure("Globex", industry="fintech ", segment="Enterprise")
    services.accounts.ensure("Initech", industry="Logistics")
    services.accounts.ensure("Hooli")
    assert services.accounts.segments() == ("Enterprise", "SMB")
    assert services.accounts.industries() == ("fintech", "Logistics")
