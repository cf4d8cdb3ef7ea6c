"""Every note of a period as one flat row (what `export csv` writes), on both dialects."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

import pytest

from desktop.domain import NoteKind, ReviewStatus, Verdict
from desktop.errors import Cancelled
from desktop.progress import CancelToken
from desktop.services import Services, note_rows
from desktop.services.note_rows import NoteRow
from desktop.services.periods import Period
from tests.fakes import FakeClock

EVERYTHING = Period(date.min, date.max)


def rows(services: Services, period: Period = EVERYTHING) -> list[NoteRow]:
    found: list[NoteRow] = []
    services.note_rows.stream(period, found.extend)
    return found


def local(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment of March 2025 on this machine's clock (before the test clock's now)."""
    return datetime(2025, 3, day, hour, minute).astimezone()


def test_a_row_carries_the_call_the_note_and_its_review(
    services: Services, clock: FakeClock
) -> None:
    call = services.calls.start(
        "Acme Corp",
        rep="Rita Rep",
        marketer="Mo Marketer",
        contacts=[("Dana Cho", "CFO")],
        started_at=local(3, 10),
    )
    pain = services.notes.add(
        call.id, NoteKind.PAIN, "Month end takes a week", intensity=4,
        tags=["close", "excel"], speaker="Dana Cho", offset_ms=60_000,
    )  # fmt: skip
    objection = services.notes.add(
        call.id, NoteKind.OBJECTION, "Too expensive", response="ROI in 6 months",
        offset_ms=120_000,
    )  # fmt: skip
    question = services.notes.add(
        call.id, NoteKind.QUESTION, "Who signs?", answer="The CFO", offset_ms=180_000
    )
    services.review.annotate(pain.id, Verdict.CONFIRMED, "Rita Rep", comment="Good catch")
    clock.advance(timedelta(minutes=1))
    services.review.annotate(
        pain.id, Verdict.CORRECTED, "Sam Senior", correction="Month end takes two weeks"
    )
    clock.advance(timedelta(minutes=1))
    services.review.annotate(pain.id, None, "Rita Rep", comment="Ask about Q4")
    services.review.annotate(objection.id, Verdict.DISPUTED, "Rita Rep")

    first, second, third = rows(services)

    assert first.note_id == pain.id and first.call_id == call.id
    assert first.call_started_at == local(3, 10)
    assert (first.account, first.rep, first.marketer) == ("Acme Corp", "Rita Rep", "Mo Marketer")
    assert (first.kind, first.text, first.intensity) == (
        NoteKind.PAIN,
        "Month end takes a week",
        4,
    )
    assert first.themes == ("close", "excel")
    assert (first.speaker, first.speaker_title) == ("Dana Cho", "CFO")
    assert first.review_status is ReviewStatus.CORRECTED
    assert (first.reviewed_by, first.correction) == ("Sam Senior", "Month end takes two weeks")
    assert first.comments == ("Good catch", "Ask about Q4")

    assert second.response == "ROI in 6 months" and second.review_status is ReviewStatus.DISPUTED
    assert (second.correction, second.comments, second.reviewed_by) == (None, (), "Rita Rep")
    assert third.note_id == question.id and third.answer == "The CFO"
    assert third.review_status is ReviewStatus.UNREVIEWED and third.reviewed_by is None


def test_a_retracted_correction_and_a_refiled_note_read_as_the_review_stands(
    services: Services, clock: FakeClock
) -> None:
    call = services.calls.start("Acme", rep="Rita", started_at=local(3, 10))
    note = services.notes.add(call.id, NoteKind.PAIN, "They churn to Globex", tags=["churn"])
    services.review.annotate(note.id, Verdict.CORRECTED, "Rita", correction="To Initech")
    clock.advance(timedelta(minutes=1))
    undone = services.review.annotate(
        note.id, Verdict.CORRECTED, "Rita", correction="To Hooli", comment="Taken back"
    )
    services.review.retract(undone.id)
    (row,) = rows(services)
    assert (row.review_status, row.correction, row.comments) == (
        ReviewStatus.CORRECTED,
        "To Initech",
        (),
    )

    clock.advance(timedelta(minutes=1))
    services.review.reclassify(note.id, by="Rita", kind=NoteKind.COMPETITOR, tags=["globex"])
    (row,) = rows(services)
    assert row.kind is NoteKind.COMPETITOR and row.themes == ("globex",)
    assert row.correction == "Kind: Pain → Competitor; Themes: added #globex; removed #churn"


def test_trashed_notes_and_the_notes_of_trashed_calls_are_left_out(services: Services) -> None:
    kept = services.calls.start("Acme", started_at=local(3, 10))
    trashed = services.calls.start("Globex", started_at=local(3, 11))
    live = services.notes.add(kept.id, NoteKind.PAIN, "Kept")
    gone = services.notes.add(kept.id, NoteKind.PAIN, "Deleted")
    services.notes.add(trashed.id, NoteKind.PAIN, "On a trashed call")
    services.notes.delete(gone.id)
    services.calls.delete(trashed.id)
    assert [r.note_id for r in rows(services)] == [live.id]


def test_the_period_is_local_days_both_ends_included(services: Services) -> None:
    texts = {}
    for day, hour, minute in ((1, 0, 5), (5, 23, 55), (6, 0, 5)):
        call = services.calls.start("Acme", started_at=local(day, hour, minute))
        texts[day] = services.notes.add(call.id, NoteKind.PAIN, f"day {day}").text
    before = services.calls.start("Acme", started_at=local(1, 0, 5) - timedelta(minutes=10))
    services.notes.add(before.id, NoteKind.PAIN, "the day before")

    chosen = rows(services, Period(date(2025, 3, 1), date(2025, 3, 5)))
    assert [r.text for r in chosen] == [texts[1], texts[5]]
    assert [r.text for r in rows(services, Period(date(2025, 3, 6), date(2025, 3, 6)))] == [
        texts[6]
    ]
    assert len(rows(services)) == 4


def test_rows_come_in_batches_with_progress_and_stop_on_cancel(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(note_rows, "BATCH", 3)
    calls = [services.calls.start(f"Account {i}", started_at=local(3, 9 + i)) for i in range(3)]
    for i in range(7):
        services.notes.add(calls[i % 3].id, NoteKind.GENERAL, f"note {i}", offset_ms=1000 * i)
    batches: list[Sequence[NoteRow]] = []
    steps: list[tuple[int, int]] = []
    count = services.note_rows.stream(
        EVERYTHING, batches.append, progress=lambda done, total: steps.append((done, total))
    )
    assert count == 7 and [len(b) for b in batches] == [3, 3, 1]
    assert steps == [(0, 7), (3, 7), (6, 7), (7, 7)]
    # Calls in the order they started, notes in the order of the call.
    order = [r.text for b in batches for r in b]
    assert order == ["note 0", "note 3", "note 6", "note 1", "note 4", "note 2", "note 5"]

    token = CancelToken()
    seen: list[Sequence[NoteRow]] = []

    def emit(batch: Sequence[NoteRow]) -> None:
        seen.append(batch)
        token.cancel()

    with pytest.raises(Cancelled):
        services.note_rows.stream(EVERYTHING, emit, cancel=token)
    assert len(seen) == 1
