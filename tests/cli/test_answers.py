"""Qualification answers, who said what, and comments without a verdict, from the
command line: `answer`, `call show` (its new `criteria`, `contacts` and `speaker`) and
`annotate --comment`."""

from __future__ import annotations

import uuid

from desktop.domain import ReviewStatus, Verdict
from desktop.services import Services
from tests.cli.support import refuses, shown
from tests.cli.test_cli import Cli

#: The keys `call show --json` had before issue 13; they keep their meaning.
CALL_KEYS = {
    "id",
    "account",
    "rep",
    "marketer",
    "type",
    "framework",
    "status",
    "started_at",
    "ended_at",
    "grade",
    "grade_reason",
    "definitions_revision",
    "notes",
}


def test_answer_records_status_and_answer_by_key_or_name(cli: Cli, services: Services) -> None:
    call_id = cli("call", "start", "--account", "Acme", "--framework", "MEDDICC").line
    assert cli(
        "answer", call_id, "Metrics", "--status", "answered", "--answer", "20% churn"
    ).line == (call_id)
    cli("answer", call_id, "ECONOMIC BUYER", "--status", "asked", "--by", "Mo")
    cli("answer", call_id, "champion", "--status", "Disqualifying", "--answer", "nobody")
    criteria = shown(cli, call_id)["criteria"]
    assert [c["key"] for c in criteria] == [
        "metrics",
        "economic-buyer",
        "decision-criteria",
        "decision-process",
        "identify-pain",
        "champion",
        "competition",
    ]
    assert criteria[0] == {
        "key": "metrics",
        "name": "Metrics",
        "status": "answered",
        "answer": "20% churn",
    }
    assert (criteria[1]["status"], criteria[1]["answer"]) == ("asked", None)
    assert (criteria[5]["status"], criteria[5]["answer"]) == ("disqualifying", "nobody")
    assert {c["status"] for c in criteria[2:5] + criteria[6:]} == {"open"}
    (answer, *_) = services.qualification.checklist(uuid.UUID(call_id))
    assert answer.answer == "20% churn"

    cli("answer", call_id, "metrics", "--status", "open")
    assert shown(cli, call_id)["criteria"][0]["answer"] == "20% churn"
    cli("answer", call_id, "metrics", "--status", "asked", "--answer", "")
    assert shown(cli, call_id)["criteria"][0] == {
        "key": "metrics",
        "name": "Metrics",
        "status": "asked",
        "answer": None,
    }


def test_answer_refuses_what_it_cannot_record(cli: Cli, services: Services) -> None:
    call_id = cli("call", "start", "--account", "Acme", "--framework", "BANT").line
    message = refuses(cli, services, "answer", call_id, "champion", "--status", "asked")
    assert message == (
        "ridealong: no criterion 'champion' in this call's framework "
        "(choose from budget, authority, need, timeline)"
    )
    message = refuses(cli, services, "answer", call_id, "budget", "--status", "unknown")
    assert "choose from open, asked, answered, disqualifying" in message
    refuses(cli, services, "answer", call_id, "budget")
    refuses(cli, services, "answer", call_id, "budget", "--status", "answered", "--answer", "a\x00")
    refuses(cli, services, "answer", str(uuid.uuid4()), "budget", "--status", "asked")
    bare = cli("call", "start", "--account", "Globex").line
    message = refuses(cli, services, "answer", bare, "budget", "--status", "asked")
    assert "has no qualification framework" in message


def test_call_show_adds_criteria_contacts_and_speakers_and_keeps_the_rest(cli: Cli) -> None:
    call_id = cli(
        "call",
        "start",
        "--account",
        "Acme",
        "--framework",
        "bant",
        "--contact",
        "Lee Park",
        "--contact",
        "Dana Ruiz, CFO",
    ).line
    cli("note", "add", call_id, "--kind", "quote", "--speaker", "lee", "We lose a week")
    cli("note", "add", call_id, "--kind", "pain", "Month end hurts")
    cli("answer", call_id, "budget", "--status", "answered", "--answer", "50k in Q3")
    data = shown(cli, call_id)
    assert set(data) == CALL_KEYS | {"criteria", "contacts"}
    assert data["contacts"] == [
        {"name": "Dana Ruiz", "title": "CFO"},
        {"name": "Lee Park", "title": None},
    ]
    assert [n["speaker"] for n in data["notes"]] == ["Lee Park", None]
    assert [(c["key"], c["status"]) for c in data["criteria"]] == [
        ("budget", "answered"),
        ("authority", "open"),
        ("need", "open"),
        ("timeline", "open"),
    ]
    text = cli("call", "show", call_id).out.splitlines()
    assert "with Dana Ruiz (CFO), Lee Park" in text
    assert "BANT:" in text
    assert "  Budget     answered       50k in Q3" in text
    assert "  Authority  open" in text
    assert any(line.endswith("Quote         Lee Park: We lose a week") for line in text)
    assert any(line.endswith("Pain          Month end hurts") for line in text)


def test_a_call_without_framework_or_contacts_shows_empty_lists(cli: Cli) -> None:
    call_id = cli("call", "start", "--account", "Acme").line
    data = shown(cli, call_id)
    assert (data["criteria"], data["contacts"], data["framework"]) == ([], [], None)
    text = cli("call", "show", call_id).out
    assert "with " not in text and ":" not in text.splitlines()[1]


def test_annotate_takes_a_comment_without_a_verdict(cli: Cli, services: Services) -> None:
    call_id = cli("call", "start", "--account", "Acme").line
    note_id = cli("note", "add", call_id, "--kind", "pain", "They use spreadsheets").line
    cli("annotate", note_id, "--verdict", "confirmed", "--by", "Rita")
    comment_id = cli("annotate", note_id, "--comment", "Ask which ones", "--by", "Rita").line
    (_verdict, comment) = services.review.annotations([uuid.UUID(note_id)])[uuid.UUID(note_id)]
    assert (comment.id, comment.verdict, comment.comment) == (
        uuid.UUID(comment_id),
        None,
        "Ask which ones",
    )
    assert services.notes.get(uuid.UUID(note_id)).review_status is ReviewStatus.CONFIRMED
    note = shown(cli, call_id)["notes"][0]
    assert note["annotations"][1]["verdict"] is None
    assert note["review_status"] == "confirmed"


def test_a_correction_alone_is_a_corrected_verdict(cli: Cli, services: Services) -> None:
    call_id = cli("call", "start", "--account", "Acme").line
    note_id = cli("note", "add", call_id, "--kind", "pain", "They use spreadsheets").line
    cli("annotate", note_id, "--correction", "An old CRM", "--by", "Rita")
    (annotation,) = services.review.annotations([uuid.UUID(note_id)])[uuid.UUID(note_id)]
    assert (annotation.verdict, annotation.correction) == (Verdict.CORRECTED, "An old CRM")


def test_annotate_needs_a_verdict_a_correction_or_a_comment(cli: Cli, services: Services) -> None:
    call_id = cli("call", "start", "--account", "Acme").line
    note_id = cli("note", "add", call_id, "--kind", "pain", "They use spreadsheets").line
    message = refuses(cli, services, "annotate", note_id, "--by", "Rita")
    assert message == "ridealong: give a verdict, a comment, or both"
    refuses(cli, services, "annotate", note_id, "--comment", "   ", "--by", "Rita")
    refuses(cli, services, "annotate", note_id, "--comment", "fine")
    refuses(
        cli,
        services,
        "annotate",
        note_id,
        "--verdict",
        "disputed",
        "--correction",
        "x",
        "--by",
        "R",
    )
