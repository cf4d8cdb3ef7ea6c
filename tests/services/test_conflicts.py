"""Two teammates on one database: the second save of the same thing is refused, with
both versions, and new notes never conflict.

Each test opens two `Services` on the same database (A and B, two laptops): both
load, A saves, B's save made on what B loaded is refused with a `Conflict` carrying
B's values and the row as A left it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta

import pytest

from desktop.domain import Grade, NoteKind, Outcome, ReviewStatus, Verdict
from desktop.errors import Conflict
from desktop.services import Services
from desktop.services.values import (
    AccountView,
    CallView,
    DefinitionView,
    NoteView,
    ReviewedNote,
)
from tests.fakes import FakeClock


@pytest.fixture
def a(services: Services) -> Services:
    return services


@pytest.fixture
def b(db_url: str, clock: FakeClock) -> Iterator[Services]:
    other = Services.open(db_url, clock=clock)
    yield other
    other.close()


@pytest.fixture
def call(a: Services) -> CallView:
    return a.calls.start("Acme", rep="Rita", marketer="Mo", contacts=["Jane Doe"])


@pytest.fixture
def note(a: Services, call: CallView) -> NoteView:
    return a.notes.add(call.id, NoteKind.PAIN, "Budget frozen until Q3", author="Mo")


def test_a_stale_note_edit_is_refused_with_both_versions(
    a: Services, b: Services, note: NoteView, clock: FakeClock
) -> None:
    seen_by_b = b.notes.get(note.id)
    clock.advance(timedelta(minutes=2))
    a.notes.edit(note.id, expected_version=note.version, text="Budget frozen until Q4")
    with pytest.raises(Conflict) as refused:
        b.notes.edit(
            seen_by_b.id,
            expected_version=seen_by_b.version,
            text="Budget cut",
            kind=NoteKind.OBJECTION,
        )
    conflict = refused.value
    assert conflict.mine == {"text": "Budget cut", "kind": NoteKind.OBJECTION}
    assert isinstance(conflict.theirs, NoteView)
    assert conflict.theirs.text == "Budget frozen until Q4"
    assert conflict.at == clock.now
    assert b.notes.get(note.id).text == "Budget frozen until Q4"  # nothing overwritten
    kept = b.notes.edit(note.id, expected_version=conflict.theirs.version, text="Budget cut")
    assert a.notes.get(note.id).text == kept.text == "Budget cut"


@pytest.mark.parametrize(
    "change",
    [
        {"intensity": 4},
        {"tags": ["pricing"]},
        {"speaker": "Jane Doe"},
        {"answer": "Next quarter"},
        {"response": "We phase it"},
    ],
)
def test_every_note_field_is_guarded(
    a: Services, b: Services, note: NoteView, change: dict[str, object]
) -> None:
    a.notes.edit(note.id, expected_version=note.version, text="Budget frozen until Q4")
    with pytest.raises(Conflict) as refused:
        b.notes.edit(note.id, expected_version=note.version, **change)  # type: ignore[arg-type]
    assert set(refused.value.mine) == set(change)
    assert b.notes.get(note.id).text == "Budget frozen until Q4"


def test_deleting_a_note_a_teammate_changed_is_refused(
    a: Services, b: Services, note: NoteView
) -> None:
    a.notes.edit(note.id, expected_version=note.version, text="Budget frozen until Q4")
    with pytest.raises(Conflict):
        b.notes.delete(note.id, expected_version=note.version)
    assert a.notes.get(note.id).text == "Budget frozen until Q4"


def test_a_second_verdict_on_a_stale_note_is_refused_showing_the_first(
    a: Services, b: Services, note: NoteView, clock: FakeClock
) -> None:
    seen = b.notes.get(note.id)
    clock.advance(timedelta(minutes=5))
    a.review.annotate(note.id, Verdict.CONFIRMED, "Rita", expected_version=note.version)
    with pytest.raises(Conflict) as refused:
        b.review.annotate(
            note.id,
            Verdict.CORRECTED,
            "Ravi",
            correction="Frozen till Q4",
            expected_version=seen.version,
        )
    conflict = refused.value
    assert conflict.mine["correction"] == "Frozen till Q4"
    assert isinstance(conflict.theirs, ReviewedNote)
    assert [x.verdict for x in conflict.theirs.annotations] == [Verdict.CONFIRMED]
    assert (conflict.by, conflict.at) == ("Rita", clock.now)
    assert a.notes.get(note.id).review_status is ReviewStatus.CONFIRMED
    # Keeping mine: the same verdict, given at their version.
    b.review.annotate(
        note.id,
        Verdict.CORRECTED,
        "Ravi",
        correction="Frozen till Q4",
        expected_version=conflict.theirs.note.version,
    )
    assert a.notes.get(note.id).review_status is ReviewStatus.CORRECTED


def test_a_reclassification_on_a_stale_note_is_refused(
    a: Services, b: Services, note: NoteView
) -> None:
    a.notes.edit(note.id, expected_version=note.version, kind=NoteKind.OBJECTION)
    with pytest.raises(Conflict) as refused:
        b.review.reclassify(note.id, by="Ravi", intensity=5, expected_version=note.version)
    assert refused.value.mine == {"intensity": 5}
    assert isinstance(refused.value.theirs, ReviewedNote)
    assert refused.value.theirs.note.kind is NoteKind.OBJECTION
    assert a.notes.get(note.id).intensity is None


def test_a_second_grade_on_a_stale_call_is_refused(
    a: Services, b: Services, call: CallView
) -> None:
    a.calls.end(call.id)
    seen = b.calls.get(call.id)
    a.review.grade(call.id, Grade.SQL, "Rita", "Budget and timeline", expected_version=seen.version)
    with pytest.raises(Conflict) as refused:
        b.review.grade(call.id, Grade.MQL, "Ravi", "No budget", expected_version=seen.version)
    conflict = refused.value
    assert conflict.mine == {"grade": Grade.MQL, "reason": "No budget"}
    assert isinstance(conflict.theirs, CallView)
    assert (conflict.theirs.grade, conflict.by) == (Grade.SQL, "Rita")
    assert a.calls.get(call.id).grade is Grade.SQL


def test_redefining_a_term_redefined_meanwhile_is_refused(a: Services, b: Services) -> None:
    loaded = a.definitions.set("MQL", "Downloaded a paper", by="Lena")
    a.definitions.set("MQL", "Asked for a demo", by="Lena", expected_revision=loaded.revision)
    with pytest.raises(Conflict) as refused:
        b.definitions.set("MQL", "Opened two e-mails", by="Rita", expected_revision=loaded.revision)
    conflict = refused.value
    assert conflict.mine == {"body": "Opened two e-mails"}
    assert isinstance(conflict.theirs, DefinitionView)
    assert (conflict.theirs.body, conflict.by) == ("Asked for a demo", "Lena")
    assert a.definitions.history("MQL")[0].body == "Asked for a demo"
    with pytest.raises(Conflict):
        b.definitions.retire("MQL", by="Rita", expected_revision=loaded.revision)


def test_a_new_term_defined_meanwhile_is_refused(a: Services, b: Services) -> None:
    a.definitions.set("PQL", "Used the trial twice", by="Lena", expected_revision=0)
    with pytest.raises(Conflict) as refused:
        b.definitions.set("PQL", "Invited a colleague", by="Rita", expected_revision=0)
    assert isinstance(refused.value.theirs, DefinitionView)


def test_the_same_words_saved_twice_are_no_conflict(a: Services, b: Services) -> None:
    loaded = a.definitions.set("MQL", "Downloaded a paper", by="Lena")
    a.definitions.set("MQL", "Asked for a demo", expected_revision=loaded.revision)
    same = b.definitions.set("MQL", "Asked for a demo", expected_revision=loaded.revision)
    assert same.body == "Asked for a demo"


def test_a_stale_outcome_is_refused(a: Services, b: Services, call: CallView) -> None:
    seen = b.calls.get(call.id).account
    a.accounts.set_outcome("Acme", Outcome.WON, reason="Signed", expected_version=seen.version)
    with pytest.raises(Conflict) as refused:
        b.accounts.set_outcome("Acme", Outcome.LOST, reason="Price", expected_version=seen.version)
    assert refused.value.mine["outcome"] is Outcome.LOST
    assert isinstance(refused.value.theirs, AccountView)
    assert refused.value.theirs.outcome is Outcome.WON


def test_marketers_adding_notes_to_one_call_at_once_never_conflict(
    db_url: str, clock: FakeClock, call: CallView
) -> None:
    writers = [Services.open(db_url, clock=clock) for _ in range(4)]
    start = threading.Barrier(len(writers))
    failures: list[BaseException] = []

    def file(services: Services, who: int) -> None:
        start.wait()
        try:
            for n in range(10):
                services.notes.add(
                    call.id, NoteKind.PAIN, f"note {n} from marketer {who}", author=f"M{who}"
                )
        except BaseException as error:  # a conflict or lock would show here
            failures.append(error)

    threads = [threading.Thread(target=file, args=(s, i)) for i, s in enumerate(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for services in writers:
        services.close()
    assert failures == []
    check = Services.open(db_url, clock=clock)
    try:
        texts = {n.text for n in check.calls.notes(call.id)}
    finally:
        check.close()
    assert texts == {f"note {n} from marketer {w}" for n in range(10) for w in range(4)}


def test_a_retired_term_is_defined_again_from_none_in_force(a: Services, b: Services) -> None:
    loaded = a.definitions.set("MQL", "Downloaded a paper", by="Lena")
    a.definitions.retire("MQL", by="Lena", expected_revision=loaded.revision)
    with pytest.raises(Conflict) as refused:
        b.definitions.set("MQL", "Asked for a demo", by="Rita", expected_revision=loaded.revision)
    assert isinstance(refused.value.theirs, DefinitionView) and refused.value.theirs.retired
    again = b.definitions.set("MQL", "Asked for a demo", by="Rita", expected_revision=0)
    assert {d.term: d.body for d in a.definitions.current()}["MQL"] == again.body
