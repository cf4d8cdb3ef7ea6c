"""Review: verdicts, corrections and comments on notes, and grading the lead."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from desktop.domain import CallStatus, Grade, NoteKind, ReviewStatus, Role, SearchField, Verdict
from desktop.errors import Conflict, NotFound, UserError
from desktop.services import Services
from desktop.services.values import CallView, NoteView, SearchFilters
from tests.fakes import FakeClock


@pytest.fixture
def call(services: Services) -> CallView:
    return services.calls.start("Acme", rep="Rita", marketer="Mo")


@pytest.fixture
def note(services: Services, call: CallView) -> NoteView:
    return services.notes.add(call.id, NoteKind.PAIN, "They use spreadsheets for forecasting")


# -- annotations -----------------------------------------------------------------------


def test_confirm_a_note(services: Services, note: NoteView) -> None:
    annotation = services.review.annotate(note.id, Verdict.CONFIRMED, "Rita")
    assert annotation.verdict is Verdict.CONFIRMED
    assert annotation.author is not None and annotation.author.name == "Rita"
    assert annotation.author.role is Role.REP
    assert services.notes.get(note.id).review_status is ReviewStatus.CONFIRMED


def test_a_correction_keeps_the_original_text(services: Services, note: NoteView) -> None:
    annotation = services.review.annotate(
        note.id, Verdict.CORRECTED, "Rita", correction="They use an old CRM", comment="Ask IT"
    )
    assert (annotation.correction, annotation.comment) == ("They use an old CRM", "Ask IT")
    reread = services.notes.get(note.id)
    assert reread.text == note.text
    assert reread.review_status is ReviewStatus.CORRECTED


@pytest.mark.parametrize(
    ("verdict", "kwargs", "message"),
    [
        (Verdict.CORRECTED, {}, "needs the correction"),
        (Verdict.CORRECTED, {"correction": "   "}, "needs the correction"),
        (Verdict.CONFIRMED, {"correction": "something else"}, "goes with the verdict"),
        (Verdict.DISPUTED, {"correction": "something else"}, "goes with the verdict"),
        (None, {}, "give a verdict, a comment, or both"),
        (None, {"comment": "  "}, "give a verdict, a comment, or both"),
        (Verdict.DISPUTED, {"comment": "x" * 200_001}, "too long"),
        (Verdict.DISPUTED, {"comment": "a\x00b"}, "NUL"),
    ],
)
def test_annotation_rules(
    services: Services, note: NoteView, verdict: Verdict | None, kwargs: dict, message: str
) -> None:
    with pytest.raises(UserError, match=message):
        services.review.annotate(note.id, verdict, "Rita", **kwargs)
    assert services.review.annotations([note.id]) == {}
    assert services.notes.get(note.id).review_status is ReviewStatus.UNREVIEWED


def test_annotator_must_be_named(services: Services, note: NoteView) -> None:
    with pytest.raises(UserError):
        services.review.annotate(note.id, Verdict.CONFIRMED, "  ")


def test_annotating_a_missing_or_deleted_note_is_not_found(
    services: Services, note: NoteView
) -> None:
    with pytest.raises(NotFound):
        services.review.annotate(uuid.uuid4(), Verdict.CONFIRMED, "Rita")
    services.notes.delete(note.id)
    with pytest.raises(NotFound):
        services.review.annotate(note.id, Verdict.CONFIRMED, "Rita")


def test_review_status_follows_the_newest_verdict(services: Services, note: NoteView) -> None:
    def status() -> ReviewStatus:
        return services.notes.get(note.id).review_status

    services.review.annotate(note.id, Verdict.CONFIRMED, "Rita")
    assert status() is ReviewStatus.CONFIRMED
    services.review.annotate(note.id, Verdict.DISPUTED, "Sam")
    assert status() is ReviewStatus.DISPUTED
    services.review.annotate(note.id, None, "Sam", comment="Will check the recording")
    assert status() is ReviewStatus.DISPUTED
    services.review.annotate(note.id, Verdict.CORRECTED, "Rita", correction="Old CRM")
    assert status() is ReviewStatus.CORRECTED


def test_annotations_are_listed_oldest_first_per_note(
    services: Services, call: CallView, note: NoteView
) -> None:
    other = services.notes.add(call.id, NoteKind.QUOTE, "We would switch tomorrow")
    untouched = services.notes.add(call.id, NoteKind.QUOTE, "Nothing to say")
    first = services.review.annotate(note.id, Verdict.CONFIRMED, "Rita")
    second = services.review.annotate(note.id, None, "Sam", comment="agreed")
    third = services.review.annotate(other.id, Verdict.DISPUTED, "Sam")
    found = services.review.annotations([note.id, other.id, untouched.id])
    assert found == {note.id: (first, second), other.id: (third,)}


def test_corrections_and_comments_are_found_by_search(services: Services, note: NoteView) -> None:
    services.review.annotate(note.id, Verdict.CORRECTED, "Rita", correction="Salesforce export")
    services.review.annotate(note.id, None, "Sam", comment="Kanban board too")
    (by_correction,) = services.search.search("salesforce")
    assert (by_correction.note_id, by_correction.field) == (note.id, SearchField.CORRECTION)
    assert by_correction.field_text == "Salesforce export"
    assert by_correction.text == note.text
    (by_comment,) = services.search.search("kanban")
    assert (by_comment.note_id, by_comment.field) == (note.id, SearchField.COMMENT)


# -- grading -----------------------------------------------------------------------------


def test_status_moves_live_awaiting_review_reviewed(services: Services, call: CallView) -> None:
    assert call.status is CallStatus.LIVE
    assert services.calls.end(call.id).status is CallStatus.AWAITING_REVIEW
    graded = services.review.grade(call.id, Grade.SQL, "Rita", reason="Budget and CFO confirmed")
    assert graded.status is CallStatus.REVIEWED
    assert (graded.grade, graded.grade_reason) == (Grade.SQL, "Budget and CFO confirmed")
    assert graded.graded_by is not None and graded.graded_by.name == "Rita"
    assert graded.graded_at is not None
    assert services.calls.page()[0].grade is Grade.SQL


def test_grading_a_live_call_leaves_it_live(services: Services, call: CallView) -> None:
    graded = services.review.grade(call.id, Grade.MQL, "Rita")
    assert (graded.status, graded.grade) == (CallStatus.LIVE, Grade.MQL)


def test_regrading_replaces_the_grade(services: Services, call: CallView) -> None:
    services.calls.end(call.id)
    services.review.grade(call.id, Grade.SQL, "Rita", reason="first look")
    regraded = services.review.grade(call.id, Grade.UNQUALIFIED, "Sam", reason="  ")
    assert (regraded.grade, regraded.grade_reason) == (Grade.UNQUALIFIED, None)
    assert regraded.graded_by is not None and regraded.graded_by.name == "Sam"


def test_grade_records_the_definitions_it_was_given_against(
    services: Services, call: CallView
) -> None:
    before = services.definitions.revision()
    graded = services.review.grade(call.id, Grade.SQL, "Rita")
    assert graded.grade_definitions_revision == before
    services.definitions.set("SQL", "A lead with confirmed budget, authority, need and timing")
    assert services.definitions.revision() == before + 1
    assert services.calls.get(call.id).grade_definitions_revision == before
    in_force = {d.term: d.body for d in services.definitions.at(before)}
    assert in_force["SQL"].startswith("Sales-qualified lead")


def test_grading_refuses_bad_input(services: Services, call: CallView) -> None:
    with pytest.raises(NotFound):
        services.review.grade(uuid.uuid4(), Grade.SQL, "Rita")
    with pytest.raises(UserError):
        services.review.grade(call.id, Grade.SQL, "")
    with pytest.raises(UserError, match="NUL"):
        services.review.grade(call.id, Grade.SQL, "Rita", reason="a\x00b")
    assert services.calls.get(call.id).grade is None


def test_mark_reviewed_needs_an_ended_graded_call(services: Services, call: CallView) -> None:
    with pytest.raises(UserError, match="grade"):
        services.review.mark_reviewed(call.id)
    services.review.grade(call.id, Grade.MQL, "Rita")
    with pytest.raises(UserError, match="end the call"):
        services.review.mark_reviewed(call.id)
    services.calls.end(call.id)
    assert services.review.mark_reviewed(call.id).status is CallStatus.REVIEWED


def test_retracting_a_verdict_falls_back_to_the_one_before(
    services: Services, clock: FakeClock
) -> None:
    call = services.calls.start("Acme")
    note = services.notes.add(call.id, NoteKind.PAIN, "Reporting is manual")
    services.review.annotate(note.id, Verdict.CONFIRMED, "Rita")
    clock.advance(timedelta(minutes=1))
    fixed = services.review.annotate(
        note.id, Verdict.CORRECTED, "Rita", correction="Reporting is half manual"
    )
    assert services.search.search("half")[0].field.value == "correction"

    services.review.retract(fixed.id)
    assert services.notes.get(note.id).review_status is ReviewStatus.CONFIRMED
    assert [a.verdict for a in services.review.annotations([note.id])[note.id]] == [
        Verdict.CONFIRMED
    ]
    assert services.search.search("half") == ()

    services.review.reinstate(fixed.id)
    assert services.notes.get(note.id).review_status is ReviewStatus.CORRECTED
    assert services.search.search("half")[0].note_id == note.id
    with pytest.raises(UserError):
        services.review.reinstate(fixed.id)


def test_retracting_the_only_verdict_leaves_the_note_unreviewed(services: Services) -> None:
    call = services.calls.start("Acme")
    note = services.notes.add(call.id, NoteKind.PAIN, "Reporting is manual")
    only = services.review.annotate(note.id, Verdict.DISPUTED, "Rita")
    services.review.retract(only.id)
    assert services.notes.get(note.id).review_status is ReviewStatus.UNREVIEWED


# -- reclassifying a misfiled note -----------------------------------------------------


def test_reclassifying_changes_the_note_and_records_only_what_changed(
    services: Services, call: CallView
) -> None:
    note = services.notes.add(
        call.id, NoteKind.PAIN, "Too expensive for us", intensity=2, tags=["price", "legacy"]
    )
    annotation = services.review.reclassify(
        note.id,
        kind=NoteKind.OBJECTION,
        intensity=4,
        tags=["price", "budget"],
        by="Rita",
        expected_version=note.version,
    )
    stored = services.notes.get(note.id)
    assert (stored.kind, stored.intensity, stored.tags) == (
        NoteKind.OBJECTION,
        4,
        ("budget", "price"),
    )
    assert stored.review_status is ReviewStatus.CORRECTED
    assert annotation.verdict is Verdict.CORRECTED and annotation.author.name == "Rita"
    change = annotation.reclassified
    assert change is not None
    assert change.kind == (NoteKind.PAIN, NoteKind.OBJECTION)
    assert change.intensity == (2, 4)
    assert (change.added, change.removed) == (("budget",), ("legacy",))
    assert change.parts() == [
        "Kind: Pain → Objection",
        "Intensity: 2 → 4",
        "Themes: added #budget; removed #legacy",
    ]
    [listed] = services.review.annotations([note.id])[note.id]
    assert listed.reclassified == change

    only_kind = services.review.reclassify(note.id, kind=NoteKind.QUOTE, by="Rita")
    assert only_kind.reclassified is not None
    assert (only_kind.reclassified.intensity, only_kind.reclassified.added) == (None, ())
    assert services.search.search("expensive", SearchFilters(kinds=(NoteKind.QUOTE,)))


def test_reclassifying_refuses_no_change_bad_values_and_a_stale_version(
    services: Services, note: NoteView
) -> None:
    with pytest.raises(UserError, match="nothing to change"):
        services.review.reclassify(note.id, kind=NoteKind.PAIN, tags=[], by="Rita")
    with pytest.raises(UserError, match="intensity must be 1 to 5"):
        services.review.reclassify(note.id, intensity=9, by="Rita")
    with pytest.raises(UserError, match="not a usable tag"):
        services.review.reclassify(note.id, tags=["!!"], by="Rita")
    services.notes.edit(note.id, text="They use spreadsheets for every forecast")
    with pytest.raises(Conflict):
        services.review.reclassify(
            note.id, kind=NoteKind.OBJECTION, by="Rita", expected_version=note.version
        )
    with pytest.raises(NotFound):
        services.review.reclassify(uuid.uuid4(), kind=NoteKind.OBJECTION, by="Rita")
    assert services.notes.get(note.id).kind is NoteKind.PAIN
    assert services.review.annotations([note.id]) == {}


def test_retracting_a_reclassification_puts_the_note_back_and_reinstating_redoes_it(
    services: Services, call: CallView, clock: FakeClock
) -> None:
    note = services.notes.add(call.id, NoteKind.PAIN, "Too expensive", intensity=3, tags=["a"])
    services.review.annotate(note.id, Verdict.CONFIRMED, "Rita")
    clock.advance(timedelta(minutes=1))
    change = services.review.reclassify(
        note.id, kind=NoteKind.OBJECTION, intensity=None, tags=["b"], by="Rita"
    )
    services.review.retract(change.id)
    back = services.notes.get(note.id)
    assert (back.kind, back.intensity, back.tags) == (NoteKind.PAIN, 3, ("a",))
    assert back.review_status is ReviewStatus.CONFIRMED
    assert [a.verdict for a in services.review.annotations([note.id])[note.id]] == [
        Verdict.CONFIRMED
    ]
    services.review.reinstate(change.id)
    again = services.notes.get(note.id)
    assert (again.kind, again.intensity, again.tags) == (NoteKind.OBJECTION, None, ("b",))
    assert again.review_status is ReviewStatus.CORRECTED


def test_taking_a_reclassification_back_keeps_a_later_edit(
    services: Services, note: NoteView
) -> None:
    change = services.review.reclassify(note.id, kind=NoteKind.OBJECTION, intensity=4, by="Rita")
    services.notes.edit(note.id, kind=NoteKind.QUESTION)  # the marketer refiled it since
    services.review.retract(change.id)
    stored = services.notes.get(note.id)
    assert (stored.kind, stored.intensity) == (NoteKind.QUESTION, None)
