"""In their words: phrases exactly as prospects said them, within a sentence, from at
least two calls, each with its count and one example."""

from __future__ import annotations

import uuid
from datetime import datetime

from desktop.domain import NoteKind
from desktop.services import Services
from desktop.services.periods import Period
from desktop.services.phrases import Doc, recurring_phrases


def docs(*texts: str, calls: list[int] | None = None) -> list[Doc]:
    """Docs numbered in order (so the example is the first), each on its own call unless
    `calls` says which call each was heard on."""
    call_ids = [uuid.UUID(int=1000 + n) for n in (calls or range(len(texts)))]
    return [Doc(uuid.UUID(int=i + 1), call_ids[i], t) for i, t in enumerate(texts)]


def said(phrases) -> dict[str, int]:
    return {p.text: p.calls for p in phrases}


def test_one_letter_words_stay_so_the_phrase_is_what_was_said():
    phrases = recurring_phrases(
        docs(
            "Honestly our sales report is a spreadsheet.",
            "The sales report is a spreadsheet and nobody trusts it",
            "Sales report is a spreadsheet, again",
            "We have a sales report",
        )
    )
    found = said(phrases)
    assert found["sales report is a spreadsheet"] == 3
    assert "sales report is spreadsheet" not in found
    assert all(" is spreadsheet" not in p.text for p in phrases)


def test_a_phrase_never_runs_across_sentences_dashes_or_quotation_marks():
    phrases = recurring_phrases(
        docs(
            "Arjun is off sick. There's simply nobody else",
            "Half the team is sick! There's simply no cover",
            "Everyone's sick — simply put, we're short",
            "They are “sick” simply because of the load",
        )
    )
    for p in phrases:
        assert "sick there" not in p.text.lower()
        assert "sick simply" not in p.text.lower()
    assert said(phrases).get("There's simply") == 2


def test_a_phrase_said_on_one_call_only_is_not_shown_however_often():
    phrases = recurring_phrases(
        docs("Manual reporting again", "Manual reporting all day", "Other words", calls=[1, 1, 2])
    )
    assert phrases == ()


def test_each_phrase_is_printed_as_most_often_written_with_one_example():
    phrases = recurring_phrases(
        docs(
            "Verbatim: “Month-end close takes a week” #close",
            "month-end close takes forever",
            "Our month-end close is the worst",
        )
    )
    first = phrases[0]
    assert (first.text, first.calls) == ("month-end close", 3)
    assert first.example == "Month-end close takes a week"  # scaffolding gone, as said


def test_the_scaffolding_never_becomes_a_phrase():
    phrases = recurring_phrases(
        docs("Verbatim: direct quote wanted #pricing", "Verbatim: we pay too much #pricing")
    )
    assert all("verbatim" not in p.text.lower() for p in phrases)
    assert all("pricing" not in p.text.lower() for p in phrases)


def test_a_shorter_phrase_heard_on_the_same_calls_as_a_longer_one_is_left_out():
    phrases = recurring_phrases(
        docs("They hate manual reporting", "All manual reporting", "Manual work everywhere")
    )
    found = said(phrases)
    assert found == {"manual reporting": 2}


def test_the_insights_show_phrases_said_word_for_word(services: Services):
    texts = [
        "Sales report is a spreadsheet. Sick of it",
        "Our sales report is a spreadsheet",
        "The sales report is a spreadsheet!",
        "Sick. There's simply no time",
    ]
    for day, text in enumerate(texts, start=1):
        c = services.calls.start(f"Acct {day}", started_at=datetime(2024, 3, day, 12).astimezone())
        services.notes.add(c.id, NoteKind.PAIN, text, tags=["reporting"], offset_ms=0)

    theme = services.insights.compute(Period.month(2024, 3)).pains.get("reporting")

    assert theme is not None
    assert [(p.text, p.calls) for p in theme.phrases] == [("sales report is a spreadsheet", 3)]
    assert theme.phrases[0].example in texts
    for text in [p.text for p in theme.phrases]:
        assert sum(text.lower() in t.lower() for t in texts) == 3


def test_pieces_of_one_long_run_are_one_phrase_not_several():
    phrases = recurring_phrases(
        docs(
            "We still build the weekly pipeline report by hand",
            "They build the weekly pipeline report by hand too",
        )
    )
    assert [(p.text, p.calls) for p in phrases] == [("build the weekly pipeline report", 2)]


def test_a_phrase_never_runs_across_a_comma():
    phrases = recurring_phrases(
        docs(
            "If Tariq is off sick, there's simply no report",
            "When Ana is sick, there's simply no report",
        )
    )
    assert [p.text for p in phrases] == ["there's simply no report"]


def test_a_phrase_has_a_word_of_meaning() -> None:
    docs = [
        Doc(uuid.uuid4(), uuid.uuid4(), "Biggest headache: we've got four tools"),
        Doc(uuid.uuid4(), uuid.uuid4(), "So we've got four tools"),
        Doc(uuid.uuid4(), uuid.uuid4(), "Honestly we've got nothing"),
    ]
    said = {p.text: p.calls for p in recurring_phrases(docs)}
    assert said.get("we've got four tools") == 2
    assert "we've got" not in said
