"""Qualification frameworks (shipped and custom) and where a call stands on them."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from desktop.domain import CriterionStatus, NoteKind
from desktop.errors import UserError
from desktop.services import Services
from desktop.services.notes import MAX_NOTE_CHARS
from desktop.services.qualification import (
    Coverage,
    answer_heard,
    is_covered,
    status_after_answer,
)
from desktop.services.values import CallView
from tests.fakes import FakeClock

BUILTIN = {
    "BANT": ["budget", "authority", "need", "timeline"],
    "MEDDICC": [
        "metrics",
        "economic-buyer",
        "decision-criteria",
        "decision-process",
        "identify-pain",
        "champion",
        "competition",
    ],
    "CHAMP": ["challenges", "authority", "money", "prioritisation"],
}


@pytest.fixture
def call(services: Services) -> CallView:
    return services.calls.start("Acme", rep="Rita", framework="BANT")


def statuses(services: Services, call: CallView) -> dict[str, CriterionStatus]:
    return {i.criterion.key: i.status for i in services.qualification.checklist(call.id)}


# -- frameworks ------------------------------------------------------------------------


def test_shipped_frameworks_are_there_with_their_questions(services: Services) -> None:
    frameworks = {f.name: f for f in services.frameworks.list()}
    assert set(frameworks) == set(BUILTIN)
    for name, keys in BUILTIN.items():
        framework = frameworks[name]
        assert framework.builtin
        assert [c.key for c in framework.criteria] == keys
        assert [c.position for c in framework.criteria] == list(range(len(keys)))
        assert all(c.question.strip() and c.name.strip() for c in framework.criteria)


def test_reopening_does_not_duplicate_shipped_frameworks(db_url: str, clock: FakeClock) -> None:
    for _ in range(2):
        services = Services.open(db_url, clock=clock)
        try:
            assert sorted(f.name for f in services.frameworks.list()) == sorted(BUILTIN)
        finally:
            services.close()


def test_a_shipped_framework_a_database_lacks_is_added_at_open(
    db_url: str, clock: FakeClock
) -> None:
    """As when an update ships a new framework: the next open adds it, and an open that
    finds everything there writes nothing."""
    champ = "(SELECT id FROM frameworks WHERE key = 'champ')"
    with Services.open(db_url, clock=clock) as services, services.db.write() as s:
        s.execute(text(f"DELETE FROM criteria WHERE framework_id IN {champ}"))
        s.execute(text("DELETE FROM frameworks WHERE key = 'champ'"))
    with Services.open(db_url, clock=clock) as services:
        assert sorted(f.name for f in services.frameworks.list()) == sorted(BUILTIN)
        assert services.db.writes == 1
    with Services.open(db_url, clock=clock) as services:
        assert services.db.writes == 0


def test_a_framework_is_found_by_key_or_name_in_any_case(services: Services) -> None:
    assert services.frameworks.get("meddicc").name == "MEDDICC"
    assert services.frameworks.get("Champ").name == "CHAMP"
    with pytest.raises(UserError, match="unknown framework"):
        services.frameworks.get("SPICED")


def test_a_custom_framework(services: Services) -> None:
    framework = services.frameworks.create(
        "Our Way",
        [("Pain", "What does it cost you today?"), ("Power", "Who signs?"), ("Plan", " ")],
        description="The team's own",
    )
    assert (framework.key, framework.name, framework.builtin) == ("our-way", "Our Way", False)
    assert framework.description == "The team's own"
    assert [(c.key, c.question) for c in framework.criteria] == [
        ("pain", "What does it cost you today?"),
        ("power", "Who signs?"),
        ("plan", "Plan"),
    ]
    assert services.frameworks.get("our way") == framework
    assert services.frameworks.list()[-1] == framework
    call = services.calls.start("Acme", framework="Our Way")
    assert [i.criterion.name for i in services.qualification.checklist(call.id)] == [
        "Pain",
        "Power",
        "Plan",
    ]


@pytest.mark.parametrize(
    ("name", "criteria", "message"),
    [
        ("BANT", [("Budget", "?")], "already exists"),
        ("bant", [("Budget", "?")], "already exists"),
        ("  ", [("Budget", "?")], "must not be empty"),
        ("Mine", [], "at least one criterion"),
        ("Mine", [("Budget", "?"), ("budget", "again?")], "appears twice"),
        ("Mine", [(" ", "?")], "must not be empty"),
    ],
)
def test_custom_framework_refuses_bad_input(
    services: Services, name: str, criteria: list[tuple[str, str]], message: str
) -> None:
    with pytest.raises(UserError, match=message):
        services.frameworks.create(name, criteria)
    assert len(services.frameworks.list()) == 3


# -- a call's checklist ------------------------------------------------------------------


def test_a_new_call_knows_nothing_yet(services: Services, call: CallView) -> None:
    assert statuses(services, call) == dict.fromkeys(BUILTIN["BANT"], CriterionStatus.OPEN)
    gaps = services.qualification.gaps(call.id)
    assert [c.key for c in gaps.never_asked] == BUILTIN["BANT"]
    assert gaps.unanswered == () and gaps.any


def test_cycle_steps_through_the_statuses_and_round(services: Services, call: CallView) -> None:
    seen = [services.qualification.cycle(call.id, "Budget", by="Rita").status for _ in range(5)]
    assert seen == [
        CriterionStatus.ASKED,
        CriterionStatus.ANSWERED,
        CriterionStatus.DISQUALIFYING,
        CriterionStatus.OPEN,
        CriterionStatus.ASKED,
    ]
    (budget, *_) = services.qualification.checklist(call.id)
    assert budget.status is CriterionStatus.ASKED
    assert budget.updated_by is not None and budget.updated_by.name == "Rita"


def test_set_status_with_an_answer(services: Services, call: CallView) -> None:
    criterion = services.frameworks.get("BANT").criteria[3]
    answer = services.qualification.set_status(
        call.id, str(criterion.id), CriterionStatus.ANSWERED, answer=" Before Q3 ", by="Mo"
    )
    assert (answer.criterion, answer.status, answer.answer) == (
        criterion,
        CriterionStatus.ANSWERED,
        "Before Q3",
    )
    assert statuses(services, call)["timeline"] is CriterionStatus.ANSWERED


def test_link_a_question_as_evidence(services: Services, call: CallView) -> None:
    answered = services.notes.add(call.id, NoteKind.QUESTION, "Who signs?", answer="The CFO")
    asked = services.notes.add(call.id, NoteKind.QUESTION, "When do you need it?")
    authority = services.qualification.link_note(answered.id, "authority", by="Rita")
    assert (authority.status, authority.answer, authority.note_ids) == (
        CriterionStatus.ANSWERED,
        "The CFO",
        (answered.id,),
    )
    timeline = services.qualification.link_note(asked.id, "timeline")
    assert (timeline.status, timeline.answer) == (CriterionStatus.ASKED, None)
    assert services.notes.get(asked.id).criterion_id == timeline.criterion.id
    gaps = services.qualification.gaps(call.id)
    assert [c.key for c in gaps.never_asked] == ["budget", "need"]
    assert [c.key for c in gaps.unanswered] == ["timeline"]


def test_evidence_is_listed_in_call_order(services: Services, call: CallView) -> None:
    notes = [
        services.notes.add(call.id, NoteKind.QUESTION, f"Budget question {i}", offset_ms=ms)
        for i, ms in enumerate([50_000, 10_000, 40_000, 20_000, 30_000, 60_000])
    ]
    for note in notes:
        linked = services.qualification.link_note(note.id, "budget")
    in_call_order = tuple(n.id for n in sorted(notes, key=lambda n: n.offset_ms))
    assert linked.note_ids == in_call_order
    (budget, *_) = services.qualification.checklist(call.id)
    assert budget == linked


def test_linking_never_moves_a_criterion_back(services: Services, call: CallView) -> None:
    services.qualification.set_status(call.id, "need", CriterionStatus.DISQUALIFYING)
    note = services.notes.add(call.id, NoteKind.QUESTION, "Is this a priority?")
    linked = services.qualification.link_note(note.id, "need")
    assert linked.status is CriterionStatus.DISQUALIFYING
    assert services.qualification.link_note(note.id, "need").note_ids == (note.id,)


def test_linked_notes_in_the_trash_are_not_evidence(services: Services, call: CallView) -> None:
    note = services.notes.add(call.id, NoteKind.QUESTION, "Budget?", answer="50k")
    services.qualification.link_note(note.id, "budget")
    services.notes.delete(note.id)
    (budget, *_) = services.qualification.checklist(call.id)
    assert budget.note_ids == ()


def test_qualification_refuses_bad_input(services: Services, call: CallView) -> None:
    pain = services.notes.add(call.id, NoteKind.PAIN, "Hours lost")
    with pytest.raises(UserError, match="only a question"):
        services.qualification.link_note(pain.id, "need")
    with pytest.raises(UserError, match="no criterion"):
        services.qualification.cycle(call.id, "champion")
    bare = services.calls.start("Globex")
    assert services.qualification.checklist(bare.id) == ()
    assert not services.qualification.gaps(bare.id).any
    with pytest.raises(UserError, match="no qualification framework"):
        services.qualification.cycle(bare.id, "budget")


# -- answers and coverage --------------------------------------------------------------


def test_covered_means_answered_or_disqualifying(services: Services, call: CallView) -> None:
    services.qualification.set_status(call.id, "budget", CriterionStatus.ANSWERED, answer="40k")
    services.qualification.set_status(call.id, "authority", CriterionStatus.DISQUALIFYING)
    services.qualification.set_status(call.id, "need", CriterionStatus.ASKED)
    coverage = Coverage.of(services.qualification.checklist(call.id))
    assert (coverage.covered, coverage.open, coverage.total) == (2, 2, 4)
    assert coverage.label == "2 of 4 covered"
    assert [s for s in CriterionStatus if is_covered(s)] == [
        CriterionStatus.ANSWERED,
        CriterionStatus.DISQUALIFYING,
    ]
    services.calls.end(call.id)
    (row,) = services.review.inbox()
    assert (row.criteria, row.open_criteria) == (coverage.total, coverage.open)


def test_an_answer_heard_makes_a_criterion_answered_unless_disqualifying() -> None:
    open_, asked, answered, disqualifying = CriterionStatus
    assert status_after_answer(open_, "40k") is answered
    assert status_after_answer(asked, "40k") is answered
    assert status_after_answer(disqualifying, "No budget at all") is disqualifying
    assert status_after_answer(asked, "   ") is asked  # no answer: nothing moves


def test_an_answer_is_kept_changed_and_forgotten(services: Services, call: CallView) -> None:
    qualification = services.qualification
    qualification.set_status(call.id, "budget", CriterionStatus.ANSWERED, answer="40k ≈ €37k")
    assert qualification.checklist(call.id)[0].answer == "40k ≈ €37k"
    qualification.set_status(call.id, "budget", CriterionStatus.ASKED)  # answer kept
    assert qualification.checklist(call.id)[0].answer == "40k ≈ €37k"
    qualification.set_status(call.id, "budget", CriterionStatus.ASKED, answer="")
    assert qualification.checklist(call.id)[0].answer is None


def test_a_bad_answer_is_refused_and_nothing_changes(services: Services, call: CallView) -> None:
    with pytest.raises(UserError, match="the answer is too long"):
        services.qualification.set_status(
            call.id, "budget", CriterionStatus.ANSWERED, answer="x" * (MAX_NOTE_CHARS + 1)
        )
    with pytest.raises(UserError, match="the answer contains a NUL"):
        services.qualification.set_status(
            call.id, "budget", CriterionStatus.ANSWERED, answer="40k\x00"
        )
    (budget, *_) = services.qualification.checklist(call.id)
    assert (budget.status, budget.answer) == (CriterionStatus.OPEN, None)


def test_the_answer_heard_falls_back_to_linked_questions(
    services: Services, call: CallView
) -> None:
    first = services.notes.add(call.id, NoteKind.QUESTION, "Who signs?", offset_ms=20_000)
    second = services.notes.add(call.id, NoteKind.QUESTION, "And above?", offset_ms=10_000)
    services.qualification.link_note(first.id, "authority")
    services.qualification.link_note(second.id, "authority")
    services.notes.edit(first.id, answer="The CFO")
    services.notes.edit(second.id, answer="The board, over 100k")
    notes = services.calls.notes(call.id)
    authority = services.qualification.checklist(call.id)[1]
    assert authority.answer is None
    assert answer_heard(authority, notes) == "The board, over 100k\nThe CFO"  # call order
    recorded = services.qualification.set_status(
        call.id, "authority", CriterionStatus.ANSWERED, answer="CFO up to 100k"
    )
    assert answer_heard(recorded, notes) == "CFO up to 100k"
    assert answer_heard(services.qualification.checklist(call.id)[0], notes) is None


def test_an_answer_is_kept_changed_and_cleared(services: Services, call: CallView) -> None:
    qualification = services.qualification
    qualification.set_status(call.id, "Budget", CriterionStatus.ANSWERED, answer="50k in Q3")
    kept = qualification.set_status(call.id, "BUDGET", CriterionStatus.DISQUALIFYING)
    assert (kept.status, kept.answer) == (CriterionStatus.DISQUALIFYING, "50k in Q3")
    cleared = qualification.set_status(call.id, "budget", CriterionStatus.OPEN, answer="  ")
    assert (cleared.status, cleared.answer) == (CriterionStatus.OPEN, None)


@pytest.mark.parametrize(
    ("answer", "message"),
    [("a\x00b", "NUL"), ("x" * 200_001, "the answer is too long")],
    ids=["nul", "too-long"],
)
def test_an_answer_that_cannot_be_kept_changes_nothing(
    services: Services, call: CallView, answer: str, message: str
) -> None:
    before = services.qualification.checklist(call.id)
    with pytest.raises(UserError, match=message):
        services.qualification.set_status(
            call.id, "budget", CriterionStatus.ANSWERED, answer=answer
        )
    assert services.qualification.checklist(call.id) == before
