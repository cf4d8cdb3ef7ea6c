"""Every id a command takes may be given as a unique start of 8 or more characters, as
git takes a commit's; an ambiguous, too short or unknown start is a user's mistake."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from sqlalchemy import delete, insert, update

from desktop.domain import CallStatus, CriterionStatus, Grade, NoteKind
from desktop.services import Services
from desktop.storage import models as m
from tests.cli.support import refuses
from tests.cli.test_cli import Cli

#: Two calls and two notes whose ids share their first 8 characters (and only those).
CALLS = ("c0ffee00-aaaa-4aaa-8aaa-aaaaaaaaaaaa", "c0ffee00-bbbb-4bbb-8bbb-bbbbbbbbbbbb")
NOTES = ("feed0000-aaaa-4aaa-8aaa-aaaaaaaaaaaa", "feed0000-bbbb-4bbb-8bbb-bbbbbbbbbbbb")


@pytest.fixture
def planted(services: Services) -> Services:
    """The calls of `CALLS` (BANT, with the contact Dana) and a note of `NOTES` on each."""
    for call_id, note_id in zip(CALLS, NOTES, strict=True):
        call = services.calls.start("Acme", framework="BANT", contacts=["Dana"])
        links = m.call_contacts
        with services.db.write() as s:
            s.execute(delete(links).where(links.c.call_id == call.id))
            s.execute(update(m.Call).where(m.Call.id == call.id).values(id=uuid.UUID(call_id)))
            s.execute(
                insert(links).values(call_id=uuid.UUID(call_id), contact_id=call.contacts[0].id)
            )
        services.notes.add(
            uuid.UUID(call_id), NoteKind.PAIN, "Budget frozen", note_id=uuid.UUID(note_id)
        )
    return services


#: Each command with an id argument; {id} is where the id goes, `kind` what it names.
COMMANDS = [
    ("call", ("call", "end", "{id}")),
    ("call", ("call", "show", "{id}")),
    ("call", ("call", "show", "{id}", "--json")),
    ("call", ("call", "delete", "{id}")),
    ("call", ("note", "add", "{id}", "--kind", "pain", "text")),
    ("call", ("grade", "{id}", "--grade", "sql", "--by", "Rita")),
    ("call", ("answer", "{id}", "budget", "--status", "asked")),
    ("call", ("export", "call", "{id}", "-o", "{out}", "--quiet")),
    ("call", ("export", "bundle", "--call", "{id}", "-o", "{out}")),
    ("note", ("note", "edit", "{id}", "--text", "changed")),
    ("note", ("note", "delete", "{id}")),
    ("note", ("annotate", "{id}", "--comment", "ok", "--by", "Rita")),
]
NAMES = [" ".join(a for a in args if "{" not in a) for _, args in COMMANDS]


def filled(args: tuple[str, ...], typed: str, tmp_path: Path) -> list[str]:
    return [a.format(id=typed, out=tmp_path / "call.pdf") for a in args]


@pytest.mark.parametrize(("kind", "args"), COMMANDS, ids=NAMES)
@pytest.mark.parametrize("form", ["start", "dashless upper case"])
def test_a_unique_start_names_the_row(
    cli: Cli, planted: Services, tmp_path: Path, kind: str, args: tuple[str, ...], form: str
) -> None:
    whole = (CALLS if kind == "call" else NOTES)[1]
    typed = whole[:10] if form == "start" else whole.replace("-", "")[:9].upper()
    result = cli(*filled(args, typed, tmp_path))
    assert result.code == 0, result.err
    if args[:2] == ("call", "show"):
        assert whole in result.out if "--json" in args else "Acme" in result.out
    elif args[0] in ("call", "grade", "answer") or args[:2] == ("note", "edit"):
        assert result.out == f"{whole}\n"
    else:
        assert len(result.out.splitlines()) == 1
    if args[:2] in (("call", "delete"), ("note", "delete")):
        assert result.out == f"{whole}\n"
        assert cli("trash", "restore", typed).out == f"{whole}\n"


@pytest.mark.parametrize(("kind", "args"), COMMANDS, ids=NAMES)
def test_an_ambiguous_short_or_unknown_start_is_refused(
    cli: Cli, planted: Services, tmp_path: Path, kind: str, args: tuple[str, ...]
) -> None:
    shared = (CALLS if kind == "call" else NOTES)[0][:8]
    plural = "calls" if kind == "call" else "notes"
    message = refuses(cli, planted, *filled(args, shared, tmp_path))
    assert message == f"ridealong: ambiguous id prefix {shared}: matches 2 {plural}"
    message = refuses(cli, planted, *filled(args, shared[:7], tmp_path))
    assert message == (
        f"ridealong: '{shared[:7]}' is too short: give at least 8 characters of the {kind} id"
    )
    message = refuses(cli, planted, *filled(args, "0123abcd", tmp_path))
    assert message == f"ridealong: no {kind} has an id starting with 0123abcd"
    refuses(cli, planted, *filled(args, shared + "x", tmp_path))
    assert not (tmp_path / "call.pdf").exists()


def test_each_command_acts_on_the_row_its_start_names(cli: Cli, planted: Services) -> None:
    call_a, call_b = (uuid.UUID(c) for c in CALLS)
    note_a, note_b = (uuid.UUID(n) for n in NOTES)
    cli("note", "add", "c0ffee00b", "--kind", "quote", "--speaker", "dana", "On B")
    cli("note", "edit", "feed0000-a", "--text", "Edited A")
    cli("annotate", "feed0000b", "--verdict", "disputed", "--by", "Rita")
    cli("answer", "c0ffee00-aa", "need", "--status", "answered", "--answer", "Yes")
    cli("call", "end", "c0ffee00-bbbb")
    cli("grade", "C0FFEE00BB", "--grade", "sql", "--by", "Rita")
    assert [n.text for n in planted.calls.notes(call_b)] == ["Budget frozen", "On B"]
    assert planted.notes.get(note_a).text == "Edited A"
    assert planted.notes.get(note_b).review_status.value == "disputed"
    assert planted.qualification.checklist(call_a)[2].status is CriterionStatus.ANSWERED
    b = planted.calls.get(call_b)
    assert (b.status, b.grade) == (CallStatus.REVIEWED, Grade.SQL)
    assert planted.calls.get(call_a).status is CallStatus.LIVE


def test_trash_restore_takes_the_start_of_a_call_note_or_annotation(
    cli: Cli, planted: Services
) -> None:
    cli("note", "delete", NOTES[1])
    comment = uuid.UUID("c0ffee00-cccc-4ccc-8ccc-cccccccccccc")  # starts as the calls' do
    with planted.db.write() as s:
        s.add(m.Annotation(id=comment, note_id=uuid.UUID(NOTES[0]), comment="Check"))
    planted.review.retract(comment)
    message = refuses(cli, planted, "trash", "restore", "c0ffee00")
    assert message == "ridealong: ambiguous id prefix c0ffee00: matches 2 calls and 1 annotation"
    assert cli("trash", "restore", "c0ffee00c").line == str(comment)
    assert cli("trash", "restore", "feed0000-b").line == NOTES[1]
    message = refuses(cli, planted, "trash", "restore", "0123abcd")
    assert message == "ridealong: no call, note or annotation has an id starting with 0123abcd"
    message = refuses(cli, planted, "trash", "restore", "feed000")
    assert message == "ridealong: 'feed000' is too short: give at least 8 characters of the id"
