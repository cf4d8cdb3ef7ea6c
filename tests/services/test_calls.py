"""Starting, ending and listing ride-alongs."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from desktop.domain import CallStatus, CallType, NoteKind, Role
from desktop.errors import NotFound, UserError
from desktop.services import Services
from desktop.services.calls import (
    FUTURE_TOLERANCE,
    CallFilters,
    check_not_future,
    parse_contact,
)
from desktop.services.values import CallRow
from tests.fakes import FakeClock
from tests.statements import counted

T0 = datetime(2025, 3, 3, 14, 0, tzinfo=UTC)


def test_start_makes_a_live_call_with_people_made_on_first_mention(services: Services) -> None:
    call = services.calls.start(
        "  Acme   Corp ",
        rep="Rita Moreno",
        marketer="Mo Salah",
        call_type=CallType.DEMO,
        framework="meddicc",
        contacts=["Dana Scully", "Fox Mulder"],
        stage="Evaluation",
    )
    assert call.status is CallStatus.LIVE
    assert call.account.name == "Acme Corp"
    assert call.rep is not None and call.rep.name == "Rita Moreno"
    assert call.rep.role is Role.REP
    assert call.marketer is not None and call.marketer.role is Role.MARKETER
    assert call.call_type is CallType.DEMO
    assert call.framework is not None and call.framework.name == "MEDDICC"
    assert [c.name for c in call.contacts] == ["Dana Scully", "Fox Mulder"]
    assert call.stage == "Evaluation"
    assert call.ended_at is None and call.duration is None
    assert services.calls.get(call.id) == call


def test_names_differing_only_in_case_and_spacing_are_the_same(services: Services) -> None:
    first = services.calls.start("Acme", rep="Rita", contacts=["Dana"])
    second = services.calls.start("ACME ", rep=" rita", contacts=["dana"])
    assert second.account.id == first.account.id
    assert second.account.name == "Acme"
    assert second.rep == first.rep
    assert second.contacts[0].id == first.contacts[0].id
    assert len(services.people.list()) == 1


def test_a_call_reads_back_as_it_was_returned(services: Services) -> None:
    names = ["Zoe Quinn", "yann tiersen", "Xavier Niel", "Walt", "Vera Wang", "ursula"]
    call = services.calls.start("Acme", contacts=names)
    assert [c.name for c in call.contacts] == sorted(names, key=str.casefold)
    assert services.calls.get(call.id) == call


def test_someone_who_is_rep_and_marketer_becomes_both(services: Services) -> None:
    services.calls.start("Acme", rep="Kim")
    call = services.calls.start("Acme", marketer="Kim")
    assert call.marketer is not None and call.marketer.role is Role.BOTH


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"account": "   "}, "must not be empty"),
        ({"account": "x" * 201}, "too long"),
        ({"account": "Acme", "rep": " "}, "must not be empty"),
        ({"account": "Acme", "framework": "SPICED"}, "unknown framework"),
        ({"account": "Ac\x00me"}, "NUL"),
    ],
)
def test_start_refuses_bad_input(services: Services, kwargs: dict, message: str) -> None:
    with pytest.raises(UserError, match=message):
        services.calls.start(**kwargs)
    assert services.calls.count() == 0


def test_end_stops_the_clock_and_awaits_review(services: Services) -> None:
    call = services.calls.start("Acme", started_at=T0)
    ended = services.calls.end(call.id, ended_at=T0 + timedelta(minutes=42))
    assert ended.status is CallStatus.AWAITING_REVIEW
    assert ended.duration == timedelta(minutes=42)


def test_end_twice_is_refused(services: Services) -> None:
    call = services.calls.start("Acme")
    services.calls.end(call.id)
    with pytest.raises(UserError, match="already ended"):
        services.calls.end(call.id)


def test_an_end_before_the_start_is_refused(services: Services) -> None:
    call = services.calls.start("Acme", started_at=T0)
    with pytest.raises(UserError, match=r"cannot end at .*, before it started"):
        services.calls.end(call.id, ended_at=T0 - timedelta(minutes=1))
    assert services.calls.get(call.id) == call
    assert services.calls.end(call.id, ended_at=T0).duration == timedelta(0)


def test_a_call_started_a_moment_ahead_of_the_clock_ends_at_its_start(
    services: Services, clock: FakeClock
) -> None:
    call = services.calls.start("Acme", started_at=clock() + timedelta(minutes=2))
    assert services.calls.end(call.id).ended_at == call.started_at


def test_end_uses_the_clock(services: Services, clock: FakeClock) -> None:
    call = services.calls.start("Acme")
    clock.advance(timedelta(minutes=30))
    assert services.calls.end(call.id).duration == timedelta(minutes=30)


def test_unknown_or_deleted_calls_are_not_found(services: Services) -> None:
    missing = uuid.uuid4()
    for action in (services.calls.get, services.calls.end, services.calls.notes):
        with pytest.raises(NotFound):
            action(missing)
    call = services.calls.start("Acme")
    services.calls.delete(call.id)
    with pytest.raises(NotFound):
        services.calls.get(call.id)
    with pytest.raises(NotFound):
        services.notes.add(call.id, NoteKind.PAIN, "too late")
    assert services.calls.page() == ()


def test_times_come_back_as_aware_utc(services: Services) -> None:
    local = datetime(2025, 6, 1, 9, 30).astimezone()
    call = services.calls.start("Acme", started_at=local)
    assert call.started_at == local
    assert call.started_at.tzinfo is not None
    assert services.calls.page()[0].started_at == local


def test_next_step_is_kept_and_cleared(services: Services) -> None:
    call = services.calls.start("Acme")
    assert services.calls.set_next_step(call.id, " Send pricing ").next_step == "Send pricing"
    assert services.calls.set_next_step(call.id, "  ").next_step is None


def test_timeline_is_in_call_order(services: Services) -> None:
    call = services.calls.start("Acme")
    late = services.notes.add(call.id, NoteKind.PAIN, "late", offset_ms=90_000)
    early = services.notes.add(call.id, NoteKind.PAIN, "early", offset_ms=5_000)
    middle = services.notes.add(call.id, NoteKind.QUOTE, "middle", offset_ms=30_000)
    assert [n.id for n in services.calls.notes(call.id)] == [early.id, middle.id, late.id]


# -- listing -----------------------------------------------------------------------


def _seed(services: Services, count: int) -> list[uuid.UUID]:
    """Calls over a few days, several starting at the very same moment."""
    ids = []
    for i in range(count):
        call = services.calls.start(
            f"Account {i % 3}", rep=f"Rep {i % 2}", started_at=T0 + timedelta(days=i // 4)
        )
        ids.append(call.id)
    return ids


def _all_pages(services: Services, filters: CallFilters, size: int) -> list[CallRow]:
    rows: list[CallRow] = []
    after = None
    while True:
        page = services.calls.page(filters, after=after, limit=size)
        rows.extend(page)
        if len(page) < size:
            return rows
        after = (page[-1].started_at, page[-1].id)


@pytest.mark.parametrize("size", [1, 3, 4, 7])
def test_keyset_paging_returns_every_call_once_newest_first(services: Services, size: int) -> None:
    ids = _seed(services, 14)
    rows = _all_pages(services, CallFilters(), size)
    assert sorted(r.id for r in rows) == sorted(ids)
    keys = [(r.started_at, r.id) for r in rows]
    assert keys == sorted(keys, reverse=True)
    assert rows == list(services.calls.page(limit=100))


def test_streaming_reads_every_call_newest_first_in_one_statement(services: Services) -> None:
    _seed(services, 14)
    with counted(services) as sent:
        rows = list(services.calls.stream(batch=4))
    assert rows == list(services.calls.page(limit=100))
    # One cursor read in batches (and the transaction's BEGIN): no query per batch or row.
    assert len([q for q in sent.sent if q.startswith("SELECT")]) == 1, sent
    assert len(sent) <= 2, sent


def test_streaming_narrows_like_a_page_and_ends_its_session_when_left(
    services: Services,
) -> None:
    _seed(services, 14)
    filters = CallFilters(rep="rep 1")
    assert list(services.calls.stream(filters, batch=2)) == _all_pages(services, filters, 2)
    rows = services.calls.stream(batch=2)
    first = next(rows)
    rows.close()  # a reader that stops early (`ridealong call list | head -1`)
    services.calls.end(first.id)
    assert next(services.calls.stream()).status is CallStatus.AWAITING_REVIEW


def test_paging_with_a_filter(services: Services) -> None:
    _seed(services, 14)
    filters = CallFilters(rep="rep 1")
    rows = _all_pages(services, filters, 2)
    assert len(rows) == services.calls.count(filters) == 7
    assert {r.rep for r in rows} == {"Rep 1"}


def test_rows_show_what_a_list_needs(services: Services) -> None:
    call = services.calls.start("Acme", rep="Rita", marketer="Mo", call_type=CallType.NEGOTIATION)
    services.notes.add(call.id, NoteKind.PAIN, "one")
    deleted = services.notes.add(call.id, NoteKind.PAIN, "two")
    services.notes.delete(deleted.id)
    (row,) = services.calls.page()
    assert (row.account, row.rep, row.marketer, row.call_type, row.status, row.note_count) == (
        "Acme",
        "Rita",
        "Mo",
        CallType.NEGOTIATION,
        CallStatus.LIVE,
        1,
    )


def test_filters(services: Services) -> None:
    _seed(services, 12)
    (newest,) = services.calls.page(limit=1)
    services.calls.end(newest.id)
    first_day = T0.astimezone().date()
    assert services.calls.count() == 12
    assert services.calls.count(CallFilters(account="ACCOUNT 1")) == 4
    assert services.calls.count(CallFilters(rep="Rep 0")) == 6
    assert services.calls.count(CallFilters(statuses=(CallStatus.AWAITING_REVIEW,))) == 1
    assert services.calls.count(CallFilters(statuses=(CallStatus.LIVE,))) == 11
    assert services.calls.count(CallFilters(since=first_day, until=first_day)) == 4
    assert services.calls.count(CallFilters(since=first_day + timedelta(days=2))) == 4
    assert services.calls.count(CallFilters(text="unt 2")) == 4
    assert services.calls.count(CallFilters(text="rep 1")) == 6
    assert services.calls.count(CallFilters(text="%")) == 0
    assert services.calls.count(CallFilters(text="_")) == 0


def test_review_inbox_lists_ended_calls_for_a_rep(services: Services) -> None:
    mine = services.calls.start("Acme", rep="Rita")
    other = services.calls.start("Globex", rep="Sam")
    services.calls.start("Initech", rep="Rita")
    services.calls.end(mine.id)
    services.calls.end(other.id)
    assert [r.id for r in services.review.inbox(rep="rita")] == [mine.id]
    assert {r.id for r in services.review.inbox()} == {mine.id, other.id}


def test_calls_narrow_to_those_with_a_theme(services: Services) -> None:
    priced = services.calls.start("Acme")
    services.notes.add(priced.id, NoteKind.OBJECTION, "Too expensive", tags=["price"])
    trashed = services.calls.start("Globex")
    gone = services.notes.add(trashed.id, NoteKind.OBJECTION, "Pricey #price")
    services.notes.delete(gone.id)
    services.calls.start("Initech")
    assert [r.id for r in services.calls.page(CallFilters(tag="#Price"))] == [priced.id]


# -- calls logged after the fact ------------------------------------------------------


def test_contacts_come_with_their_titles_and_a_new_title_replaces_the_old(
    services: Services,
) -> None:
    first = services.calls.start(
        "Acme", contacts=[("Dana Ruiz", "CFO"), "Lee Park", ("dana ruiz ", None)]
    )
    assert [(c.name, c.title) for c in first.contacts] == [("Dana Ruiz", "CFO"), ("Lee Park", None)]
    second = services.calls.start("Acme", contacts=[("DANA RUIZ", " COO "), ("Lee Park", "  ")])
    assert [(c.name, c.title) for c in second.contacts] == [
        ("Dana Ruiz", "COO"),
        ("Lee Park", None),
    ]
    assert second.contacts[0].id == first.contacts[0].id
    assert services.calls.get(first.id).contacts[0].title == "COO"


@pytest.mark.parametrize(
    ("typed", "parsed"),
    [
        ("Dana Ruiz, CFO", ("Dana Ruiz", "CFO")),
        ("Dana Ruiz", ("Dana Ruiz", None)),
        ("Dana Ruiz,", ("Dana Ruiz", None)),
        ("Dana Ruiz, VP, Finance", ("Dana Ruiz", "VP, Finance")),
    ],
)
def test_a_contact_is_typed_as_name_comma_title(typed: str, parsed: tuple) -> None:
    assert parse_contact(typed) == parsed


def test_a_contact_with_a_bad_title_starts_no_call(services: Services) -> None:
    with pytest.raises(UserError, match="title is too long"):
        services.calls.start("Acme", contacts=[("Dana", "x" * 201)])
    with pytest.raises(UserError, match="contact's name must not be empty"):
        services.calls.start("Acme", contacts=[(" ", "CFO")])
    assert services.calls.count() == 0


def test_a_typed_time_may_be_a_few_minutes_ahead_of_the_clock_but_no_more(
    clock: FakeClock,
) -> None:
    now = clock()
    assert check_not_future(now - timedelta(days=400), now, "start") == now - timedelta(days=400)
    assert check_not_future(now + FUTURE_TOLERANCE, now, "end") == now + FUTURE_TOLERANCE
    with pytest.raises(UserError, match=r"the call's start .* is in the future"):
        check_not_future(now + FUTURE_TOLERANCE + timedelta(seconds=1), now, "start")


def test_notes_of_a_call_logged_late_count_from_its_start(
    services: Services, clock: FakeClock
) -> None:
    started = clock() - timedelta(hours=3)
    call = services.calls.start("Acme", started_at=started)
    assert services.notes.add(call.id, NoteKind.PAIN, "now").offset_ms == 3 * 3_600_000
    services.calls.end(call.id, ended_at=started + timedelta(minutes=45))
    clock.advance(timedelta(minutes=10))
    after = services.notes.add(call.id, NoteKind.PAIN, "after it ended")
    assert after.offset_ms == 45 * 60_000  # at its end, not months or hours past it
    assert [n.text for n in services.calls.notes(call.id)] == ["after it ended", "now"]
