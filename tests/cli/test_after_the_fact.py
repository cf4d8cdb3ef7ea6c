"""Logging a call after the fact, and taking things back, from the command line:
`call start --at --contact`, `call end --at`, `call delete`, `note edit`, `note delete`,
`note add --speaker` and `trash restore` by a call's or note's own id."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from desktop.domain import CallStatus, NoteKind
from desktop.services import Services
from tests.cli.support import refuses, shown
from tests.cli.test_cli import Cli
from tests.fakes import FakeClock

NEW_YORK = ZoneInfo("America/New_York")


@pytest.fixture
def new_york(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The machine's local time zone is New York's (UTC-4 in March 2025)."""
    if not hasattr(time, "tzset"):
        pytest.skip("time zones cannot be switched on this platform")
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def local(clock: FakeClock, delta: timedelta = timedelta(0)) -> str:
    """The clock's time (moved by `delta`) as a user types it."""
    return f"{(clock() + delta).astimezone():%Y-%m-%d %H:%M}"


# -- calls logged after the fact --------------------------------------------------------


def test_a_call_is_logged_after_the_fact_in_local_time(
    new_york: None, cli: Cli, services: Services
) -> None:
    call_id = cli(
        "call",
        "start",
        "--account",
        "Acme",
        "--at",
        "2025-03-11 09:30",
        "--contact",
        "Dana Ruiz, CFO",
        "--contact",
        "Lee Park",
        "--contact",
        "dana ruiz",
    ).line
    assert cli("call", "end", call_id[:8], "--at", "2025-03-11 10:15").line == call_id
    call = services.calls.get(uuid.UUID(call_id))
    assert call.started_at == datetime(2025, 3, 11, 9, 30, tzinfo=NEW_YORK)
    assert call.duration == timedelta(minutes=45)
    assert call.status is CallStatus.AWAITING_REVIEW
    assert shown(cli, call_id)["contacts"] == [
        {"name": "Dana Ruiz", "title": "CFO"},
        {"name": "Lee Park", "title": None},
    ]
    assert "Discovery call, 2025-03-11 09:30" in cli("call", "show", call_id).out


def test_a_title_given_again_replaces_the_old_one(cli: Cli) -> None:
    first = cli("call", "start", "--account", "Acme", "--contact", "Dana Ruiz, CFO").line
    cli("call", "start", "--account", "Acme", "--contact", "Dana Ruiz, COO, Americas")
    cli("call", "start", "--account", "Acme", "--contact", "Dana Ruiz")
    assert shown(cli, first)["contacts"] == [{"name": "Dana Ruiz", "title": "COO, Americas"}]


def test_notes_of_a_call_logged_late_count_from_its_start(cli: Cli, clock: FakeClock) -> None:
    call_id = cli(
        "call", "start", "--account", "Acme", "--at", local(clock, -timedelta(hours=2))
    ).line
    cli("note", "add", call_id, "--kind", "pain", "filed now")
    cli("note", "add", call_id, "--kind", "pain", "--at", "90", "ninety seconds in")
    cli("call", "end", call_id, "--at", local(clock, -timedelta(hours=1)))
    clock.advance(timedelta(minutes=5))
    cli("note", "add", call_id, "--kind", "quote", "filed after it ended")
    offsets = {n["text"]: n["offset"] for n in shown(cli, call_id)["notes"]}
    assert offsets == {
        "ninety seconds in": 90.0,
        "filed now": 2 * 3600.0,
        "filed after it ended": 3600.0,  # at its end, not five minutes past "filed now"
    }


def test_a_time_typed_a_few_minutes_ahead_of_the_clock_is_taken(cli: Cli, clock: FakeClock) -> None:
    call_id = cli(
        "call", "start", "--account", "Acme", "--at", local(clock, timedelta(minutes=4))
    ).line
    assert cli("call", "end", call_id, "--at", local(clock, timedelta(minutes=5))).line == call_id


def test_times_that_cannot_be_are_refused(cli: Cli, services: Services, clock: FakeClock) -> None:
    call_id = cli(
        "call", "start", "--account", "Acme", "--at", local(clock, -timedelta(hours=1))
    ).line
    later = local(clock, timedelta(minutes=6))
    message = refuses(cli, services, "call", "start", "--account", "Acme", "--at", later)
    assert message == (
        f"ridealong: the call's start {later} is in the future (it is {local(clock)})"
    )
    assert "the call's end" in refuses(cli, services, "call", "end", call_id, "--at", later)
    before = local(clock, -timedelta(hours=1, minutes=1))
    message = refuses(cli, services, "call", "end", call_id, "--at", before)
    assert "cannot end at" in message and "before it started" in message
    for typed in ("2025-03-10", "10:00", "2025-02-30 10:00", "2025-03-10 25:00", "yesterday", ""):
        message = refuses(cli, services, "call", "start", "--account", "Acme", "--at", typed)
        assert "is not a local date and time (YYYY-MM-DD HH:MM)" in message, typed
    for contact in (",CFO", "   ", "Dana, " + "x" * 201, "Dana \udcff"):
        refuses(cli, services, "call", "start", "--account", "Acme", "--contact", contact)


# -- taking things back ----------------------------------------------------------------


def test_a_call_is_deleted_to_the_trash_and_restored_by_its_own_id(
    cli: Cli, services: Services, clock: FakeClock
) -> None:
    call_id = cli("call", "start", "--account", "Acme").line
    local_start = local(clock)
    cli("note", "add", call_id, "--kind", "pain", "Budget frozen")
    assert cli("call", "delete", call_id).line == call_id
    assert cli("call", "list", "--json").json == []
    (item,) = cli("trash", "list", "--json").json  # type: ignore[misc]
    assert (item["kind"], item["id"], item["notes"]) == ("call", call_id, 1)
    assert (
        cli("trash", "list")
        .out.rstrip()
        .endswith("Acme  Discovery call on " + local_start + " (with 1 note)")
    )
    refuses(cli, services, "call", "show", call_id)
    refuses(cli, services, "call", "delete", call_id)
    assert cli("trash", "restore", call_id[:8]).line == call_id
    assert [n["text"] for n in shown(cli, call_id)["notes"]] == ["Budget frozen"]
    refuses(cli, services, "trash", "restore", call_id)


def test_a_note_is_deleted_and_restored_by_its_own_id(cli: Cli, services: Services) -> None:
    call_id = cli("call", "start", "--account", "Acme").line
    note_id = cli("note", "add", call_id, "--kind", "pain", "Budget frozen").line
    assert cli("note", "delete", note_id).line == note_id
    assert shown(cli, call_id)["notes"] == []
    refuses(cli, services, "note", "delete", note_id)
    refuses(cli, services, "note", "edit", note_id, "--text", "x")
    assert cli("trash", "restore", note_id).line == note_id
    assert [n["id"] for n in shown(cli, call_id)["notes"]] == [note_id]


def test_a_note_of_a_deleted_call_is_restored_with_its_call(cli: Cli, services: Services) -> None:
    call_id = cli("call", "start", "--account", "Acme").line
    note_id = cli("note", "add", call_id, "--kind", "pain", "Budget frozen").line
    cli("call", "delete", call_id)
    message = refuses(cli, services, "trash", "restore", note_id)
    assert f"is in the trash with its call; restore the call {call_id}" in message


def test_note_edit_changes_what_is_given_and_prints_the_id(cli: Cli, services: Services) -> None:
    call_id = cli("call", "start", "--account", "Acme", "--contact", "Dana Ruiz, CFO").line
    note_id = cli("note", "add", call_id, "--kind", "pain", "--tag", "price", "Too dear").line
    assert (
        cli(
            "note",
            "edit",
            note_id,
            "--kind",
            "objection",
            "--text",
            "Too expensive #budget",
            "--intensity",
            "4",
            "--tag",
            "Procurement",
            "--untag",
            "#price",
            "--speaker",
            "dana",
        ).line
        == note_id
    )
    note = services.notes.get(uuid.UUID(note_id))
    assert (note.kind, note.text, note.intensity, note.tags) == (
        NoteKind.OBJECTION,
        "Too expensive #budget",
        4,
        ("budget", "procurement"),
    )
    assert note.speaker is not None and note.speaker.name == "Dana Ruiz"
    assert cli("note", "edit", note_id, "--speaker", "").line == note_id
    assert services.notes.get(uuid.UUID(note_id)).speaker is None
    assert cli("note", "edit", note_id[:8], "--intensity", "2").line == note_id
    assert services.notes.get(uuid.UUID(note_id)).text == "Too expensive #budget"


def test_note_edit_refuses_what_it_cannot_do(cli: Cli, services: Services) -> None:
    call_id = cli("call", "start", "--account", "Acme", "--contact", "Dana Ruiz").line
    note_id = cli("note", "add", call_id, "--kind", "pain", "--tag", "price", "Too dear").line
    message = refuses(cli, services, "note", "edit", note_id)
    assert message.startswith("ridealong: nothing to change: give --kind, --text")
    message = refuses(cli, services, "note", "edit", note_id, "--kind", "pain", "--untag", "cost")
    assert message == "ridealong: the note has no theme 'cost' (its themes: price)"
    message = refuses(cli, services, "note", "edit", note_id, "--text", "x", "--speaker", "Zed")
    assert "'Zed' is not one of this call's contacts (Dana Ruiz)" in message
    for bad in (
        ("--kind", "rumour"),
        ("--intensity", "6"),
        ("--intensity", "0"),
        ("--text", "   "),
        ("--text", "a\x00b"),
        ("--tag", "!!!"),
        ("--text", "x" * 200_001),
    ):
        refuses(cli, services, "note", "edit", note_id, *bad)
    refuses(cli, services, "note", "edit", str(uuid.uuid4()), "--text", "x")
    refuses(cli, services, "note", "delete", str(uuid.uuid4()))
    refuses(cli, services, "call", "delete", str(uuid.uuid4()))


def test_note_add_names_the_speaker_among_the_calls_contacts(cli: Cli, services: Services) -> None:
    call_id = cli(
        "call", "start", "--account", "Acme", "--contact", "Dana Ruiz, CFO", "--contact", "Lee"
    ).line
    note_id = cli("note", "add", call_id, "--kind", "quote", "--speaker", "Dana", "We need it").line
    assert shown(cli, call_id)["notes"][0]["speaker"] == "Dana Ruiz"
    assert "Dana Ruiz: We need it" in cli("call", "show", call_id).out
    note = services.notes.get(uuid.UUID(note_id))
    assert note.speaker is not None and note.speaker.title == "CFO"
    message = refuses(
        cli, services, "note", "add", call_id, "--kind", "pain", "--speaker", "Zed", "x"
    )
    assert "not one of this call's contacts (Dana Ruiz, Lee)" in message
    bare = cli("call", "start", "--account", "Globex").line
    message = refuses(
        cli, services, "note", "add", bare, "--kind", "pain", "--speaker", "Dana", "x"
    )
    assert "this call has no contacts" in message
