"""Untagged notes are not lost from the ranking: theme suggestions and shared phrases."""

from __future__ import annotations

import random
import subprocess
import sys
import uuid
from datetime import datetime

from desktop.domain import NoteKind, Verdict
from desktop.services.periods import Period
from desktop.services.phrases import recurring_phrases
from desktop.services.themes import Doc, fold, suggest

MARCH = Period.month(2024, 3)

MANUAL_REPORTING = [
    "Reporting is manual, they rebuild the board pack by hand every month",
    "Manual reporting eats two days a week of the ops team",
    "Everything lives in spreadsheets and the reporting is manual before every QBR",
]


def doc(text: str, call_id: uuid.UUID | None = None) -> Doc:
    return Doc(uuid.uuid4(), call_id or uuid.uuid4(), text)


def texts(ids, docs: list[Doc]) -> list[str]:
    wanted = set(ids)
    return sorted(d.text for d in docs if d.id in wanted)


# -- the algorithm on its own ----------------------------------------------------------


def test_an_untagged_note_is_suggested_for_the_theme_it_resembles():
    themes = {
        "manual-reporting": [doc(t) for t in MANUAL_REPORTING],
        "price": [doc("Too expensive for a team our size"), doc("The price per seat is high")],
    }
    untagged = [doc("our reporting is all manual spreadsheets")]

    found = suggest(themes, untagged)

    assert [(m.note_id, m.tag) for m in found.matches] == [(untagged[0].id, "manual-reporting")]
    assert found.groups == () and found.ungrouped == ()


def test_notes_sharing_a_phrase_on_different_calls_are_grouped_and_labelled_by_it():
    untagged = [
        doc("Legal wants a 200-question security questionnaire before any pilot"),
        doc("The security questionnaire is the usual blocker, it takes months"),
        doc("The onboarding of new hires took forever"),
    ]

    found = suggest({}, untagged)

    assert len(found.groups) == 1
    group = found.groups[0]
    assert group.label == "security questionnaire"
    assert group.basis == "shares 'security questionnaire'"
    assert group.calls == 2
    assert texts(group.note_ids, untagged) == sorted(t.text for t in untagged[:2])
    assert found.ungrouped == (untagged[2].id,)


def test_unrelated_notes_are_not_forced_into_a_group():
    untagged = [
        doc("The onboarding of new hires took forever"),
        doc("Their warehouse scanners keep dropping wifi"),
        doc("Finance closes the books by hand every quarter"),
    ]

    found = suggest({}, untagged)

    assert found.matches == () and found.groups == ()
    assert sorted(found.ungrouped) == sorted(d.id for d in untagged)


def test_a_phrase_repeated_on_one_call_is_not_a_theme():
    same_call = uuid.uuid4()
    untagged = [
        doc("Data residency in the EU is a must", same_call),
        doc("Again: data residency, they asked twice", same_call),
    ]

    assert suggest({}, untagged).groups == ()


def test_a_single_shared_word_needs_three_calls():
    two = [doc("Pricing is confusing"), doc("Pricing tiers make no sense to them")]
    assert suggest({}, two).groups == ()

    three = [*two, doc("They could not follow our pricing page")]
    (group,) = suggest({}, three).groups
    assert (group.label, group.calls) == ("pricing", 3)


def test_suggestions_do_not_depend_on_the_order_notes_arrive_in():
    themes = {"manual-reporting": [doc(t) for t in MANUAL_REPORTING]}
    untagged = [
        doc("our reporting is all manual spreadsheets"),
        doc("SSO is required by their IT team"),
        doc("No SSO means no deal for IT"),
        doc("An SSO requirement from IT again"),
        doc("Nothing in common with anything else"),
    ]
    first = suggest(themes, untagged)
    shuffled = untagged[:]
    random.Random(7).shuffle(shuffled)
    reversed_themes = {"manual-reporting": list(reversed(themes["manual-reporting"]))}

    assert suggest(reversed_themes, shuffled) == first
    assert [g.label for g in first.groups] == ["sso"]


def test_notes_of_stop_words_only_resemble_nothing():
    themes = {"manual-reporting": [doc(t) for t in MANUAL_REPORTING]}

    found = suggest(themes, [doc("and then we were there"), doc("it is what it is")])

    assert found.matches == () and found.groups == () and len(found.ungrouped) == 2


def test_suggesting_needs_no_scientific_stack():
    """Importing scikit-learn (with NumPy and SciPy) took over a second of every export."""
    script = (
        "import sys, uuid\n"
        "from desktop.services.themes import Doc, suggest\n"
        "d = lambda t: Doc(uuid.uuid4(), uuid.uuid4(), t)\n"
        "found = suggest({'price': [d('too expensive')]}, [d('far too expensive')])\n"
        "assert [m.tag for m in found.matches] == ['price'], found\n"
        "print(sorted({'numpy', 'scipy', 'sklearn'} & set(sys.modules)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"


def test_plural_and_singular_words_are_one_word():
    assert fold("Spreadsheets") == fold("spreadsheet") == "spreadsheet"
    assert fold("companies") == "company"
    assert fold("process") == "process"
    assert fold("this") == "this"  # stop words stay as they are


def test_recurring_phrases_count_calls_and_prefer_the_longer_phrase():
    docs = [
        doc("Manual reporting for the board pack"),
        doc("The board pack? It's all manual reporting"),
        doc("They hate manual reporting"),
        doc("Reporting is fine"),
    ]

    phrases = recurring_phrases(docs)

    assert phrases[0].text == "manual reporting" and phrases[0].calls == 3
    assert ("board pack", 2) in [(p.text, p.calls) for p in phrases]
    assert "manual" not in [p.text for p in phrases]


# -- through the insights service ------------------------------------------------------


def at(day: int) -> datetime:
    return datetime(2024, 3, day, 12).astimezone()


def test_insights_suggest_untagged_pains_apart_from_the_tagged_counts(services):
    for day, text in enumerate(MANUAL_REPORTING, start=1):
        c = services.calls.start(f"Tagged {day}", started_at=at(day))
        services.notes.add(
            c.id, NoteKind.PAIN, text, tags=["manual-reporting"], intensity=4, offset_ms=0
        )
    loose = services.calls.start("Loose Co", started_at=at(10))
    untagged = services.notes.add(
        loose.id, NoteKind.PAIN, "our reporting is all manual spreadsheets", offset_ms=0
    )
    first = services.calls.start("Secure One", started_at=at(11))
    second = services.calls.start("Secure Two", started_at=at(12))
    services.notes.add(
        first.id, NoteKind.PAIN, "A 300-line security questionnaire before any trial", offset_ms=0
    )
    services.notes.add(
        second.id, NoteKind.PAIN, "Procurement sends a security questionnaire", offset_ms=0
    )
    services.notes.add(second.id, NoteKind.PAIN, "The intern quit last week", offset_ms=0)
    disputed = services.notes.add(
        first.id, NoteKind.PAIN, "Manual reporting everywhere, or so they said", offset_ms=0
    )
    services.review.annotate(disputed.id, Verdict.DISPUTED, "Riley Rep")

    pains = services.insights.compute(MARCH).pains

    theme = pains.get("manual-reporting")
    assert theme is not None
    assert (theme.calls, theme.notes) == (3, 3)  # suggestions are not counted
    assert [s.note.note_id for s in theme.suggested] == [untagged.id]
    assert theme.suggested[0].basis == "resembles #manual-reporting"
    assert theme.suggested_calls == 1
    assert ("reporting is manual", 2) in [(p.text, p.calls) for p in theme.phrases]

    (group,) = pains.groups
    assert group.label == "security questionnaire"
    assert group.basis == "shares 'security questionnaire'"
    assert (group.calls, group.accounts) == (2, 2)
    assert {n.account for n in group.notes} == {"Secure One", "Secure Two"}

    assert (pains.untagged_notes, pains.untagged_calls) == (4, 3)  # not the disputed note
    assert pains.ungrouped_notes == 1  # the intern; the disputed note is never suggested
    assert not pains.capped


def test_objections_get_their_own_suggestions(services):
    for day in (1, 2):
        c = services.calls.start(f"Tagged {day}", started_at=at(day))
        services.notes.add(
            c.id, NoteKind.OBJECTION, "The price per seat is too high", tags=["price"], offset_ms=0
        )
    c = services.calls.start("Untagged", started_at=at(3))
    loose = services.notes.add(
        c.id, NoteKind.OBJECTION, "Seat price is too high for us", offset_ms=0
    )
    services.notes.add(c.id, NoteKind.PAIN, "Seat price is too high for us", offset_ms=0)

    insights = services.insights.compute(MARCH)

    price = insights.objections.get("price")
    assert price is not None
    assert [s.note.note_id for s in price.suggested] == [loose.id]
    assert insights.pains.themes == ()  # a pain is never suggested for an objection theme
