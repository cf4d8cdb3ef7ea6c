"""The competitor list the team keeps, and what reports count by it (issue 14, point 4).

A March is built by hand through the services: a competitor on the list that no
competitor note names is counted by the calls that mention it as a word, in any case,
and shown as the list writes it.
"""

from __future__ import annotations

import uuid
from datetime import datetime

import pytest

from desktop.domain import CriterionStatus, NoteKind, Verdict
from desktop.errors import Conflict, NotFound, UserError
from desktop.services import Services
from desktop.services.periods import Period

MARCH = Period.month(2024, 3)


def at(month: int, day: int) -> datetime:
    return datetime(2024, month, day, 12).astimezone()


def call(services: Services, account: str, when: datetime, framework: str | None = None):
    return services.calls.start(
        account, rep="Riley Rep", marketer="Mo Marketer", framework=framework, started_at=when
    )


def names(services: Services) -> list[str]:
    return [c.name for c in services.competitors.list()]


# -- the list ------------------------------------------------------------------------


def test_the_list_keeps_names_as_typed_in_alphabetical_order(services):
    clarivo = services.competitors.add("  Clarivo ")
    services.competitors.add("eGain")
    services.competitors.add("Deal   Grove")

    assert names(services) == ["Clarivo", "Deal Grove", "eGain"]
    assert services.competitors.find("clarivo") == clarivo
    assert services.competitors.find("DEAL-GROVE").name == "Deal Grove"


@pytest.mark.parametrize("typed", ["clarivo", "CLARIVO", " Clarivo", "Clarivo"])
def test_a_name_already_on_the_list_is_refused_whatever_its_case(services, typed):
    services.competitors.add("Clarivo")

    with pytest.raises(UserError, match=r"^Clarivo is already on the competitor list$"):
        services.competitors.add(typed)
    assert names(services) == ["Clarivo"]


def test_spaces_and_hyphens_do_not_make_another_competitor(services):
    services.competitors.add("Deal Grove")

    with pytest.raises(UserError, match="Deal Grove is already on the competitor list"):
        services.competitors.add("deal-grove")


@pytest.mark.parametrize("typed", ["", "   ", "-", "--"])
def test_an_empty_name_is_refused(services, typed):
    with pytest.raises(UserError, match=r"must not be empty|is no competitor's name"):
        services.competitors.add(typed)
    assert names(services) == []


def test_rename_writes_a_name_another_way_or_fixes_it(services):
    veloxa = services.competitors.add("veloxa")
    services.competitors.add("Clarivo")

    renamed = services.competitors.rename(veloxa.id, "Veloxa", expected_version=veloxa.version)
    assert (renamed.id, renamed.name) == (veloxa.id, "Veloxa")
    assert names(services) == ["Clarivo", "Veloxa"]

    with pytest.raises(UserError, match="Clarivo is already on the competitor list"):
        services.competitors.rename(veloxa.id, "clarivo")
    with pytest.raises(UserError, match="must not be empty"):
        services.competitors.rename(veloxa.id, " ")
    assert names(services) == ["Clarivo", "Veloxa"]


def test_a_rename_made_on_a_stale_list_is_refused(services):
    veloxa = services.competitors.add("Veloxa")
    services.competitors.rename(veloxa.id, "Veloxa Inc")

    with pytest.raises(Conflict, match="changed elsewhere"):
        services.competitors.rename(veloxa.id, "Velox", expected_version=veloxa.version)
    assert names(services) == ["Veloxa Inc"]


def test_remove_takes_it_off_and_an_unknown_one_is_said(services):
    veloxa = services.competitors.add("Veloxa")

    assert services.competitors.remove(veloxa.id).name == "Veloxa"
    assert names(services) == []
    with pytest.raises(NotFound):
        services.competitors.remove(veloxa.id)
    with pytest.raises(NotFound, match="Veloxa is not on the competitor list"):
        services.competitors.find("Veloxa")
    with pytest.raises(NotFound):
        services.competitors.rename(uuid.uuid4(), "Anything")


# -- what reports count by it --------------------------------------------------------


@pytest.fixture
def month(services: Services) -> Services:
    """March: Clarivo is on the list and no competitor note names it; Veloxa is known
    only from a tagged competitor note; Deal Grove is listed with spaces and tagged with
    a hyphen; Nimbus is listed and never said."""
    services.competitors.add("Clarivo")
    services.competitors.add("Deal Grove")
    services.competitors.add("Nimbus")
    a = call(services, "Acme", at(3, 1))
    b = call(services, "Beta", at(3, 2))
    c = call(services, "Gamma", at(3, 3), framework="bant")
    d = call(services, "Delta", at(3, 4))
    e = call(services, "Epsilon", at(3, 5))
    f = call(services, "Zeta", at(3, 6))
    add = services.notes.add
    add(a.id, NoteKind.PAIN, "clarivo's exports break every week")
    add(a.id, NoteKind.COMPETITOR, "They trialled Veloxa #veloxa")
    add(b.id, NoteKind.OBJECTION, "Too pricey", response="Cheaper than CLARIVO over a year")
    add(b.id, NoteKind.COMPETITOR, "Dealgrove pitched them last week #deal-grove")
    services.qualification.set_status(
        c.id, "need", CriterionStatus.ANSWERED, answer="Leave Clarivo before the renewal"
    )
    add(d.id, NoteKind.PAIN, "Clarivoso and Clarivos are other words entirely")  # not a word
    add(d.id, NoteKind.QUESTION, "Who else do you use?", answer="Deal Grove, for now")
    disputed = add(e.id, NoteKind.PAIN, "Clarivo is faster")
    services.review.annotate(disputed.id, Verdict.DISPUTED, "Riley Rep")
    add(f.id, NoteKind.GENERAL, "Met the team; #competition came up")
    return services


def test_a_listed_competitor_no_note_names_is_counted_by_the_calls_mentioning_it(month):
    section = month.insights.compute(MARCH).competitors
    by_name = {t.name: t for t in section.themes}

    # Clarivo: Acme (pain), Beta (response), Gamma (a criterion's answer); not Delta
    # ("Clarivoso" is another word) nor Epsilon (the only note naming it is disputed).
    assert set(by_name) == {"Clarivo", "Deal Grove", "Veloxa"}
    clarivo = by_name["Clarivo"]
    assert (clarivo.calls, clarivo.accounts, clarivo.notes) == (3, 3, 2)
    # Listed with a space and tagged with a hyphen: one competitor, shown as listed.
    assert (by_name["Deal Grove"].calls, by_name["Deal Grove"].notes) == (2, 2)
    assert by_name["Veloxa"].calls == 1
    assert section.themes[0].name == "Clarivo"
    # Nimbus, listed but never said, is not ranked; nothing counts #competition.
    assert "Nimbus" not in by_name and "Competition" not in by_name


def test_removing_it_from_the_list_stops_the_count_a_tag_keeps_its_own(month):
    for listed in month.competitors.list():
        month.competitors.remove(listed.id)

    section = month.insights.compute(MARCH).competitors

    # Deal Grove stays known by its tag (shown as its notes write it); Clarivo goes.
    assert [(t.name, t.calls) for t in section.themes] == [("Deal Grove", 2), ("Veloxa", 1)]
    assert month.competitors.tagged() == ("deal-grove", "veloxa")


def test_a_listed_name_is_shown_as_the_list_writes_it(month):
    clarivo = month.competitors.find("Clarivo")
    month.competitors.rename(clarivo.id, "ClariVo")

    (first, *_) = month.insights.compute(MARCH).competitors.themes
    assert first.name == "ClariVo"  # though the notes write "clarivo" and "CLARIVO"
    assert month.competitors.tagged() == ("veloxa",)
