"""Filing notes and changing them afterwards: fields, tags, locking, the trash."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from desktop.domain import NoteKind, ReviewStatus
from desktop.errors import Conflict, NotFound, UserError
from desktop.services import Services
from desktop.services.notes import MAX_OFFSET_MS
from desktop.services.values import CallView, TagCount
from desktop.storage import models as m
from tests.fakes import FakeClock

T0 = datetime(2025, 3, 3, 14, 0, tzinfo=UTC)


@pytest.fixture
def call(services: Services) -> CallView:
    return services.calls.start("Acme", rep="Rita")


def test_add_keeps_every_field(services: Services, call: CallView) -> None:
    note = services.notes.add(
        call.id,
        NoteKind.OBJECTION,
        "Too expensive for us",
        offset_ms=125_000,
        intensity=5,
        tags=["Price"],
        quote_worthy=True,
        case_study=True,
        messaging=True,
        author="Mo",
        response="We showed the ROI sheet",
    )
    assert services.notes.get(note.id) == note
    assert (note.kind, note.text, note.offset_ms, note.offset_label) == (
        NoteKind.OBJECTION,
        "Too expensive for us",
        125_000,
        "02:05",
    )
    assert note.intensity == 5
    assert (note.quote_worthy, note.case_study, note.messaging) == (True, True, True)
    assert note.author is not None and note.author.name == "Mo"
    assert note.response == "We showed the ROI sheet"
    assert note.answer is None
    assert note.tags == ("price",)
    assert note.review_status is ReviewStatus.UNREVIEWED
    assert note.version == 1


def test_a_question_keeps_the_answer_heard(services: Services, call: CallView) -> None:
    note = services.notes.add(call.id, NoteKind.QUESTION, "Who signs?", answer="The CFO")
    assert services.notes.get(note.id).answer == "The CFO"


def test_offset_defaults_to_the_time_since_the_call_started(
    services: Services, clock: FakeClock
) -> None:
    call = services.calls.start("Acme")
    clock.advance(timedelta(minutes=3, seconds=7))
    note = services.notes.add(call.id, NoteKind.PAIN, "Hours lost every week")
    assert (note.offset_ms, note.offset_label) == (187_000, "03:07")
    clock.advance(timedelta(minutes=58, seconds=56))
    assert services.notes.add(call.id, NoteKind.PAIN, "x").offset_label == "1:02:03"


def test_a_note_on_a_call_started_long_ago_is_filed(services: Services) -> None:
    call = services.calls.start("Acme", started_at=datetime(2020, 1, 1, tzinfo=UTC))
    note = services.notes.add(call.id, NoteKind.PAIN, "Filed years later")
    assert note.offset_ms == MAX_OFFSET_MS
    assert services.calls.notes(call.id) == (note,)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"text": ""}, "must not be empty"),
        ({"text": " \n\t "}, "must not be empty"),
        ({"text": "x" * 200_001}, "too long"),
        ({"text": "nul \x00 inside"}, "NUL"),
        ({"text": "bad \udcff bytes"}, "not UTF-8"),
        ({"intensity": 0}, "intensity"),
        ({"intensity": 6}, "intensity"),
        ({"offset_ms": -1}, "negative"),
        ({"offset_ms": MAX_OFFSET_MS + 1}, "at most"),
        ({"tags": ["#"]}, "not a usable tag"),
        ({"tags": ["x" * 61]}, "too long"),
        ({"answer": "a\x00b"}, "NUL"),
    ],
)
def test_add_refuses_bad_input(
    services: Services, call: CallView, kwargs: dict, message: str
) -> None:
    arguments = {"text": "Budget frozen", **kwargs}
    with pytest.raises(UserError, match=message):
        services.notes.add(call.id, NoteKind.PAIN, **arguments)
    assert services.calls.notes(call.id) == ()


def test_add_to_an_unknown_call_is_not_found(services: Services) -> None:
    with pytest.raises(NotFound):
        services.notes.add(uuid.uuid4(), NoteKind.PAIN, "lost")


# -- editing -----------------------------------------------------------------------


def test_edit_changes_only_what_was_given(services: Services, call: CallView) -> None:
    note = services.notes.add(
        call.id, NoteKind.PAIN, "Budget frozen", intensity=3, tags=["budget"], offset_ms=1000
    )
    edited = services.notes.edit(note.id, kind=NoteKind.OBJECTION, intensity=None)
    assert edited.kind is NoteKind.OBJECTION
    assert edited.intensity is None
    assert (edited.text, edited.tags, edited.offset_ms) == ("Budget frozen", ("budget",), 1000)
    assert edited.version == note.version + 1
    assert services.notes.get(note.id) == edited


def test_edit_every_field(services: Services, call: CallView) -> None:
    note = services.notes.add(call.id, NoteKind.QUESTION, "Timeline?")
    edited = services.notes.edit(
        note.id,
        text="What is the timeline?",
        offset_ms=60_000,
        intensity=2,
        quote_worthy=True,
        case_study=True,
        messaging=True,
        answer="Before Q3",
        response="Noted",
        tags=["timeline"],
    )
    assert services.notes.get(note.id) == edited
    assert (edited.answer, edited.response, edited.tags) == ("Before Q3", "Noted", ("timeline",))
    cleared = services.notes.edit(note.id, answer="  ", response=None)
    assert (cleared.answer, cleared.response) == (None, None)


def test_edit_with_a_stale_version_is_a_conflict(services: Services, call: CallView) -> None:
    note = services.notes.add(call.id, NoteKind.PAIN, "Budget frozen")
    mine = services.notes.edit(note.id, expected_version=note.version, text="Budget frozen in Q2")
    with pytest.raises(Conflict):
        services.notes.edit(note.id, expected_version=note.version, text="Budget cut")
    assert services.notes.get(note.id).text == "Budget frozen in Q2"
    assert services.notes.edit(
        note.id, expected_version=mine.version, text="Budget cut"
    ).version == (mine.version + 1)


@pytest.mark.parametrize(
    "kwargs",
    [{"text": ""}, {"intensity": 9}, {"offset_ms": -5}, {"text": "a\x00"}, {"tags": ["!"]}],
)
def test_a_refused_edit_changes_nothing(services: Services, call: CallView, kwargs: dict) -> None:
    note = services.notes.add(call.id, NoteKind.PAIN, "Budget frozen", intensity=2)
    with pytest.raises(UserError):
        services.notes.edit(note.id, **kwargs)
    assert services.notes.get(note.id) == note


@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
def test_concurrent_saves_on_a_team_server_are_a_conflict(
    services: Services, call: CallView, clock: FakeClock
) -> None:
    """Two people save the same note at once: the second learns of it, nothing is lost.
    (Only PostgreSQL lets two writers interleave; SQLite serialises them.)"""
    note = services.notes.add(call.id, NoteKind.PAIN, "original")
    other = Services.open(services.db.url, clock=clock)
    try:
        with pytest.raises(Conflict), services.db.write() as session:
            row = session.get(m.Note, note.id)
            assert row is not None
            other.notes.edit(note.id, text="theirs")
            row.text = "mine"
    finally:
        other.close()
    assert services.notes.get(note.id).text == "theirs"


# -- tags ----------------------------------------------------------------------------


def test_inline_hashtags_become_tags_and_stay_in_the_text(
    services: Services, call: CallView
) -> None:
    text = "Reporting by hand #Manual-Reporting, again #price #price (see #2 and a#b &#39;)"
    note = services.notes.add(call.id, NoteKind.PAIN, text, tags=["Budget Cuts"])
    assert note.text == text
    assert note.tags == ("budget-cuts", "manual-reporting", "price")


def test_editing_a_hashtag_away_drops_its_tag(services: Services, call: CallView) -> None:
    note = services.notes.add(call.id, NoteKind.PAIN, "Slow #reporting #price", tags=["q3"])
    edited = services.notes.edit(note.id, text="Slow #reporting")
    assert edited.tags == ("q3", "reporting")
    edited = services.notes.edit(note.id, text="Slow, nothing tagged")
    assert edited.tags == ("q3",)
    assert services.notes.edit(note.id, text="Now #onboarding").tags == ("onboarding", "q3")


def test_a_note_reads_back_as_it_was_returned(services: Services, call: CallView) -> None:
    note = services.notes.add(call.id, NoteKind.PAIN, "Équipe #zeta #équipe #alpha", tags=["m"])
    assert note.tags == ("alpha", "m", "zeta", "équipe")
    assert services.notes.get(note.id) == note
    assert services.calls.notes(call.id) == (note,)
    edited = services.notes.edit(note.id, text="#beta only", tags=["z", "a"])
    assert edited.tags == ("a", "beta", "z")
    assert services.notes.get(note.id) == edited


def test_add_and_remove_a_tag(services: Services, call: CallView) -> None:
    note = services.notes.add(call.id, NoteKind.PAIN, "Budget frozen")
    assert services.notes.edit(note.id, add_tags=["#Budget"]).tags == ("budget",)
    assert services.notes.edit(note.id, add_tags=["budget"]).tags == ("budget",)
    assert services.notes.edit(note.id, remove_tags=["BUDGET"]).tags == ()
    with pytest.raises(UserError, match="the note has no theme 'zzz'"):
        services.notes.edit(note.id, remove_tags=["zzz"])


def test_a_tag_change_is_an_edit_others_are_warned_of(services: Services, call: CallView) -> None:
    note = services.notes.add(call.id, NoteKind.PAIN, "Budget frozen", tags=["a", "b"])
    tagged = services.notes.edit(note.id, add_tags=["c"])
    assert tagged.version == note.version + 1
    with pytest.raises(Conflict):
        services.notes.edit(note.id, expected_version=note.version, tags=["a"])
    assert services.notes.get(note.id).tags == ("a", "b", "c")
    untagged = services.notes.edit(note.id, remove_tags=["c"])
    assert untagged.version == tagged.version + 1
    same = services.notes.edit(note.id, expected_version=untagged.version, tags=["b", "a"])
    assert same.version == untagged.version


def test_tags_in_use_are_counted_most_used_first(services: Services, call: CallView) -> None:
    services.notes.add(call.id, NoteKind.PAIN, "a #price")
    services.notes.add(call.id, NoteKind.PAIN, "b #price #pipeline")
    gone = services.notes.add(call.id, NoteKind.PAIN, "c #pipeline #process")
    services.notes.delete(gone.id)
    assert services.notes.tags_in_use() == (TagCount("price", 2), TagCount("pipeline", 1))
    assert services.notes.tags_in_use("#PI") == (TagCount("pipeline", 1),)
    assert services.notes.tags_in_use("%") == ()


# -- the trash -----------------------------------------------------------------------


def test_delete_moves_to_the_trash_and_restore_brings_it_back(
    services: Services, call: CallView
) -> None:
    keep = services.notes.add(call.id, NoteKind.PAIN, "Budget frozen", offset_ms=1)
    note = services.notes.add(call.id, NoteKind.PAIN, "Budget cut in half #budget", offset_ms=2)
    services.notes.delete(note.id)
    assert services.calls.notes(call.id) == (keep,)
    assert [h.note_id for h in services.search.search("budget")] == [keep.id]
    assert services.calls.page()[0].note_count == 1
    with pytest.raises(NotFound):
        services.notes.get(note.id)
    with pytest.raises(NotFound):
        services.notes.edit(note.id, text="x")
    with pytest.raises(NotFound):
        services.notes.delete(note.id)

    restored = services.notes.restore(note.id)
    assert restored.text == note.text and restored.tags == ("budget",)
    assert [n.id for n in services.calls.notes(call.id)] == [keep.id, note.id]
    assert {h.note_id for h in services.search.search("budget")} == {keep.id, note.id}


def test_restore_needs_a_note_in_the_trash(services: Services, call: CallView) -> None:
    note = services.notes.add(call.id, NoteKind.PAIN, "Budget frozen")
    with pytest.raises(UserError, match="trash"):
        services.notes.restore(note.id)
    with pytest.raises(UserError, match="trash"):
        services.notes.restore(uuid.uuid4())


def test_a_retried_add_with_the_same_id_stores_the_note_once(services: Services) -> None:
    call = services.calls.start("Acme")
    wanted = uuid.uuid4()
    first = services.notes.add(call.id, NoteKind.PAIN, "Budget frozen #budget", note_id=wanted)
    again = services.notes.add(call.id, NoteKind.PAIN, "Budget frozen #budget", note_id=wanted)
    assert first.id == again.id == wanted
    assert again.tags == ("budget",)
    assert [n.id for n in services.calls.notes(call.id)] == [wanted]
    other = services.calls.start("Globex")
    with pytest.raises(UserError):
        services.notes.add(other.id, NoteKind.PAIN, "x", note_id=wanted)


def test_a_note_names_its_speaker_among_the_calls_contacts(services: Services) -> None:
    call = services.calls.start("Acme", rep="Rita", contacts=["Dana Cho", "Dan Ruiz"])
    by_name = services.notes.add(
        call.id, NoteKind.PAIN, "Month end takes a week", speaker="dana cho"
    )
    assert by_name.speaker is not None and by_name.speaker.name == "Dana Cho"
    by_start = services.notes.add(call.id, NoteKind.QUOTE, "We need this", speaker="@Dan R")
    assert by_start.speaker is not None and by_start.speaker.name == "Dan Ruiz"
    assert services.calls.notes(call.id)[0].speaker == by_name.speaker
    with pytest.raises(
        UserError, match=r"'Da' is not one of this call's contacts \(Dan Ruiz, Dana"
    ):
        services.notes.add(call.id, NoteKind.PAIN, "ambiguous", speaker="Da")
    with pytest.raises(UserError, match="not one of this call's contacts"):
        services.notes.add(call.id, NoteKind.PAIN, "a stranger", speaker="Zed")
    moved = services.notes.edit(by_name.id, speaker="Dan Ruiz")
    assert moved.speaker is not None and moved.speaker.name == "Dan Ruiz"
    assert moved.version == by_name.version + 1
    forgotten = services.notes.edit(by_name.id, speaker=None)
    assert forgotten.speaker is None


def test_a_call_without_contacts_says_so_when_a_speaker_is_named(
    services: Services, call: CallView
) -> None:
    with pytest.raises(UserError, match="no contacts"):
        services.notes.add(call.id, NoteKind.PAIN, "Slow", speaker="Dana")


def test_edit_adds_and_removes_themes(services: Services, call: CallView) -> None:
    note = services.notes.add(call.id, NoteKind.PAIN, "Manual #reporting", tags=["price"])
    edited = services.notes.edit(note.id, add_tags=["Budget"], remove_tags=["#Price"])
    assert edited.tags == ("budget", "reporting")
    assert edited.version == note.version + 1
    both = services.notes.edit(note.id, tags=["a", "b"], add_tags=["c"], remove_tags=["a"])
    assert both.tags == ("b", "c")


def test_removing_a_theme_the_note_lacks_changes_nothing(
    services: Services, call: CallView
) -> None:
    note = services.notes.add(call.id, NoteKind.PAIN, "Slow", tags=["price", "budget"])
    with pytest.raises(UserError, match=r"no theme 'pricing' \(its themes: budget, price\)"):
        services.notes.edit(note.id, text="Very slow", remove_tags=["pricing"])
    with pytest.raises(UserError, match="not a usable tag"):
        services.notes.edit(note.id, text="Very slow", add_tags=["!!"])
    assert services.notes.get(note.id) == note
