"""The rep's review inbox: what waits, and how far each review and checklist got."""

from __future__ import annotations

from desktop.domain import CriterionStatus, NoteKind, Verdict
from desktop.services import Services


def test_inbox_counts_reviewed_notes_and_open_criteria(services: Services) -> None:
    call = services.calls.start("Acme", rep="Rita", framework="BANT")
    first = services.notes.add(call.id, NoteKind.PAIN, "Reporting is manual")
    services.notes.add(call.id, NoteKind.OBJECTION, "Too expensive")
    services.qualification.set_status(call.id, "budget", CriterionStatus.ANSWERED)
    services.qualification.set_status(call.id, "need", CriterionStatus.DISQUALIFYING)
    services.qualification.set_status(call.id, "timeline", CriterionStatus.ASKED)
    services.calls.end(call.id)
    services.review.annotate(first.id, Verdict.CONFIRMED, "Rita")
    bare = services.calls.start("Globex", rep="Rita")
    services.calls.end(bare.id)

    rows = {r.id: r for r in services.review.inbox(rep="Rita")}
    assert (rows[call.id].reviewed_notes, rows[call.id].criteria) == (1, 4)
    assert rows[call.id].open_criteria == 2  # authority never asked, timeline not answered
    assert rows[call.id].call.note_count == 2
    assert (rows[bare.id].reviewed_notes, rows[bare.id].criteria) == (0, 0)


def test_a_graded_call_leaves_the_inbox(services: Services) -> None:
    from desktop.domain import Grade

    call = services.calls.start("Acme", rep="Rita")
    services.calls.end(call.id)
    assert [r.id for r in services.review.inbox()] == [call.id]
    services.review.grade(call.id, Grade.MQL, "Rita")
    assert services.review.inbox() == ()
