"""Search across every call, on SQLite (FTS5) and PostgreSQL (tsvector): the query
language, every searchable field, filters, ranking, and any string a user can type."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.domain import NoteKind, SearchField, Verdict
from desktop.errors import UserError
from desktop.services import Services
from desktop.services.values import NoteView, SearchFilters
from tests.fakes import FakeClock
from tests.statements import counted

MARCH = datetime(2025, 3, 10, 15, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Corpus:
    """A few calls with notes worded the way prospects talk."""

    services: Services
    acme: uuid.UUID
    globex: uuid.UUID
    notes: dict[str, NoteView]

    def find(self, query: str, **filters: object) -> set[str]:
        """The names of the notes a query finds."""
        hits = self.services.search.search(query, SearchFilters(**filters), limit=1000)  # type: ignore[arg-type]
        by_id = {n.id: name for name, n in self.notes.items()}
        return {by_id[h.note_id] for h in hits}


@pytest.fixture
def corpus(services: Services) -> Corpus:
    acme = services.calls.start("Acme", rep="Rita", started_at=MARCH)
    globex = services.calls.start("Globex", rep="Sam", started_at=MARCH + timedelta(days=20))
    add = services.notes.add
    notes = {
        "frozen": add(acme.id, NoteKind.PAIN, "Budget frozen until Q3", intensity=4),
        "reporting": add(
            acme.id, NoteKind.PAIN, "L'Équipe spends hours on manual reporting #manual-reporting"
        ),
        "followup": add(acme.id, NoteKind.NEXT_STEP, "Send a follow-up deck next week"),
        "loose": add(acme.id, NoteKind.GENERAL, "We will follow up, then send the deck"),
        "price": add(globex.id, NoteKind.OBJECTION, "Your price is too high for a team our size"),
        "phrase": add(globex.id, NoteKind.QUOTE, "Honestly the frozen budget is not the issue"),
        "killround": add(
            globex.id, NoteKind.SIGNAL, "They skipped the kill-round with procurement"
        ),
    }
    return Corpus(services, acme.id, globex.id, notes)


def test_all_words_must_match_in_any_order(corpus: Corpus) -> None:
    assert corpus.find("frozen budget") == {"frozen", "phrase"}
    assert corpus.find("Q3 budget") == {"frozen"}
    assert corpus.find("budget deck") == set()


def test_every_word_matches_as_a_prefix(corpus: Corpus) -> None:
    assert corpus.find("budg froz") == {"frozen", "phrase"}
    assert corpus.find("rep") == {"reporting"}


def test_matching_ignores_case_and_accents(corpus: Corpus) -> None:
    assert corpus.find("equipe") == {"reporting"}
    assert corpus.find("ÉQUIPE") == {"reporting"}
    assert corpus.find("BUDGET") == {"frozen", "phrase"}


def test_accented_query_finds_unaccented_text(services: Services) -> None:
    call = services.calls.start("Café")
    note = services.notes.add(call.id, NoteKind.PAIN, "The cafe chain wants a naive setup")
    assert [h.note_id for h in services.search.search("café naïve")] == [note.id]


SCRIPTS = [
    ("Ο προϋπολογισμός είναι παγωμένος", "προϋπολογισμός"),
    ("Мой бюджет заморожен до осени", "мой"),
    ("Наш отдел тратит часы на отчёты", "отчёты"),
    ("हमारा बजट अभी रुका हुआ है", "रुका"),
    ("งบประมาณถูกระงับ", "งบประมาณถูกระงับ"),
    ("Ngân sách bị đóng băng đến quý ba", "đóng băng"),
    ("予算は第3四半期まで凍結", "予算は第3四半期まで凍結"),
]


def test_words_of_every_script_are_found_as_typed(services: Services) -> None:
    call = services.calls.start("Initech")
    notes = {text: services.notes.add(call.id, NoteKind.PAIN, text).id for text, _ in SCRIPTS}
    missed = [
        query
        for text, query in SCRIPTS
        if notes[text] not in {h.note_id for h in services.search.search(query)}
    ]
    assert missed == []


def test_quoted_phrase_matches_words_in_a_row(corpus: Corpus) -> None:
    assert corpus.find('"frozen budget"') == {"phrase"}
    assert corpus.find('"budget frozen"') == {"frozen"}


def test_quoted_words_are_not_prefixes(corpus: Corpus) -> None:
    assert corpus.find('"budg"') == set()


def test_or_accepts_either_alternative(corpus: Corpus) -> None:
    assert corpus.find("price OR equipe") == {"price", "reporting"}
    assert corpus.find("price OR equipe team") == {"price"}


def test_minus_excludes_notes_containing_the_word(corpus: Corpus) -> None:
    assert corpus.find("budget -honestly") == {"frozen"}
    assert corpus.find('budget -"until q3"') == {"phrase"}


def test_hyphenated_word_matches_the_hyphenated_text(corpus: Corpus) -> None:
    assert "followup" in corpus.find("follow-up")
    assert corpus.find("kill-round") == {"killround"}
    assert corpus.find("manual-reporting") == {"reporting"}


def test_excluding_a_hyphenated_word(corpus: Corpus) -> None:
    assert corpus.find("deck") == {"followup", "loose"}
    assert corpus.find("deck -follow-up") == set()
    assert corpus.find("deck -send-a") == {"loose"}


def test_exclusion_applies_to_every_field_of_a_note(corpus: Corpus) -> None:
    corpus.services.review.annotate(
        corpus.notes["frozen"].id, None, "Rita", comment="Honestly a stalling tactic"
    )
    assert corpus.find("budget -honestly") == set()


NASTY_QUERIES = [
    '"',
    '"budget',
    'budget"',
    '"frozen budget',
    "budget*",
    "*",
    "(",
    "(budget",
    "NEAR(",
    "NEAR(budget, frozen)",
    "AND",
    "budget AND frozen",
    "OR",
    "budget OR",
    "OR budget",
    ":",
    "budget:frozen",
    "body:budget",
    "^budget",
    "budget)",
    "{budget}",
    "'budget'",
    "\\",
    "%",
    "_",
    "-",
    "--budget",
    "-budget",
    "😀",
    "budget 😀",
    "bud\x00get",
    "\x00",
    "\ud83d",
    "\u200f\u202ebudget",
    "' OR 1=1 --",
    "'; DROP TABLE notes; --",
    "x" * 10_000,
    ("budget " * 1500)[:10_000],
    ("frozen OR " * 1000)[:10_000],
    ('"a b" ' * 1700)[:10_000],
    " ".join(f"w{i}" for i in range(2000))[:10_000],
]


def test_any_string_is_a_valid_query(corpus: Corpus) -> None:
    known = {n.id for n in corpus.notes.values()}
    for query in NASTY_QUERIES:
        hits = corpus.services.search.search(query, limit=100)
        assert {h.note_id for h in hits} <= known, query


def test_fts_syntax_is_searched_as_words(corpus: Corpus) -> None:
    assert corpus.find("NEAR(budget") == set()
    assert corpus.find("budget*") == {"frozen", "phrase"}
    assert corpus.find('"frozen budget') == {"frozen", "phrase"}
    assert corpus.find("budget AND frozen") == set()
    assert corpus.find("bud\x00get") == set()
    assert corpus.find("budget\x00frozen") == {"frozen", "phrase"}
    assert corpus.find("budget 😀") == {"frozen", "phrase"}


def test_a_query_without_words_finds_nothing(corpus: Corpus) -> None:
    for query in ("", "   ", "😀", "-budget", "***", '""'):
        assert corpus.services.search.search(query) == ()


# -- what a hit carries ------------------------------------------------------------


def test_hit_carries_the_note_its_call_and_a_marked_snippet(corpus: Corpus) -> None:
    (hit,) = corpus.services.search.search("equipe")
    note = corpus.notes["reporting"]
    assert hit.note_id == note.id
    assert hit.call_id == corpus.acme
    assert hit.account == "Acme"
    assert hit.kind is NoteKind.PAIN
    assert hit.text == note.text
    assert hit.offset_ms == note.offset_ms
    assert hit.field is SearchField.TEXT
    assert hit.field_text == note.text
    assert "**Équipe**" in hit.snippet.marked()


@pytest.mark.parametrize(
    ("field", "value"),
    [("answer", "The CFO signs off above fifty thousand"), ("response", "We bundle onboarding")],
)
def test_answers_and_responses_are_searchable(services: Services, field: str, value: str) -> None:
    call = services.calls.start("Initech")
    kind = NoteKind.QUESTION if field == "answer" else NoteKind.OBJECTION
    note = services.notes.add(call.id, kind, "What about it?", **{field: value})
    (hit,) = services.search.search(value.split()[-1])
    assert (hit.note_id, hit.field, hit.field_text, hit.text) == (
        note.id,
        SearchField(field),
        value,
        "What about it?",
    )


def test_corrections_and_comments_are_searchable(services: Services) -> None:
    call = services.calls.start("Initech")
    note = services.notes.add(call.id, NoteKind.PAIN, "They use spreadsheets")
    services.review.annotate(
        note.id, Verdict.CORRECTED, "Rita", correction="They use an old CRM", comment="ask IT"
    )
    (fixed,) = services.search.search("crm")
    assert (fixed.field, fixed.field_text, fixed.text) == (
        SearchField.CORRECTION,
        "They use an old CRM",
        "They use spreadsheets",
    )
    (commented,) = services.search.search("ask it")
    assert (commented.field, commented.field_text) == (SearchField.COMMENT, "ask IT")


def test_one_hit_per_note_even_when_several_fields_match(services: Services) -> None:
    call = services.calls.start("Initech")
    note = services.notes.add(call.id, NoteKind.QUESTION, "Budget?", answer="Budget is approved")
    services.review.annotate(note.id, None, "Rita", comment="budget confirmed by email")
    assert [h.note_id for h in services.search.search("budget")] == [note.id]


def test_best_match_comes_first(services: Services) -> None:
    call = services.calls.start("Initech")
    once = services.notes.add(call.id, NoteKind.PAIN, "Pricing came up briefly near the end")
    often = services.notes.add(
        call.id, NoteKind.OBJECTION, "Pricing, pricing, pricing: pricing is all they asked about"
    )
    assert [h.note_id for h in services.search.search("pricing")] == [often.id, once.id]


def test_a_common_word_is_ranked_within_the_newest_matches(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A word in most notes is ranked among its newest matches only (the work stays
    bounded); there the best still comes first, and a filtered search ranks among the
    newest matches that pass its filter, so an old note is found where it keeps few."""
    monkeypatch.setattr("desktop.services.search.RANKED_WITHIN", 10)
    monkeypatch.setattr("desktop.services.search.FILTERED_WITHIN", 10)
    old = services.calls.start("Initech", started_at=MARCH)
    oldest_best = services.notes.add(old.id, NoteKind.OBJECTION, "Pricing pricing pricing")
    new = services.calls.start("Globex", started_at=MARCH + timedelta(days=30))
    for i in range(30):
        services.notes.add(new.id, NoteKind.PAIN, f"Pricing came up briefly near the end, {i}")
    best = services.notes.add(new.id, NoteKind.OBJECTION, "Pricing, pricing: all they asked")

    unfiltered = services.search.search("pricing", limit=5)
    everything = services.search.search("pricing", SearchFilters(account="Initech"), limit=5)

    assert unfiltered[0].note_id == best.id
    assert oldest_best.id not in {h.note_id for h in unfiltered}  # older than the newest 10
    assert [h.note_id for h in everything] == [oldest_best.id]


FILTERS_KEEPING_THE_OLD_CALL = [
    {"kinds": (NoteKind.OBJECTION,)},
    {"account": "initech"},
    {"rep": "Rita"},
    {"tag": "pricing"},
    {"until": MARCH.astimezone().date()},
    {"since": MARCH.astimezone().date() - timedelta(days=6), "until": MARCH.astimezone().date()},
]


@pytest.mark.parametrize("filters", FILTERS_KEEPING_THE_OLD_CALL)
def test_a_filter_keeping_few_notes_still_finds_an_old_best_hit(
    services: Services, monkeypatch: pytest.MonkeyPatch, filters: dict[str, object]
) -> None:
    """Whether the filter's notes are looked up first (a call, an account, a few weeks) or
    each match is checked as the index walks newest first (a kind, a rep, a tag, a
    longer period), the newest matches that pass are ranked: an old note the filter
    keeps, behind many newer matches it does not, is found, the best of them first."""
    monkeypatch.setattr("desktop.services.search.FILTERED_WITHIN", 5)
    old = services.calls.start("Initech", rep="Rita", started_at=MARCH)
    weak = services.notes.add(old.id, NoteKind.OBJECTION, "Pricing came up #pricing")
    best = services.notes.add(old.id, NoteKind.OBJECTION, "Pricing pricing pricing #pricing")
    new = services.calls.start("Globex", rep="Sam", started_at=MARCH + timedelta(days=30))
    for i in range(30):
        services.notes.add(new.id, NoteKind.PAIN, f"Pricing pricing pricing pricing, {i}")

    hits = services.search.search("pricing", SearchFilters(**filters), limit=5)  # type: ignore[arg-type]

    assert [h.note_id for h in hits] == [best.id, weak.id]


def test_a_filtered_search_ranks_within_the_newest_matches_that_pass(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("desktop.services.search.FILTERED_WITHIN", 5)
    call = services.calls.start("Initech", started_at=MARCH)
    old_best = services.notes.add(call.id, NoteKind.OBJECTION, "Pricing pricing pricing")
    for i in range(10):
        services.notes.add(call.id, NoteKind.PAIN, f"Pricing pricing pricing pricing, {i}")
    newer = [
        services.notes.add(call.id, NoteKind.OBJECTION, f"Pricing came up, {i}") for i in range(5)
    ]
    best_newer = services.notes.add(call.id, NoteKind.OBJECTION, "Pricing pricing, again")

    hits = services.search.search("pricing", SearchFilters(kinds=(NoteKind.OBJECTION,)), limit=5)

    assert hits[0].note_id == best_newer.id
    assert {h.note_id for h in hits} == {best_newer.id, *(n.id for n in newer[1:])}
    assert old_best.id not in {h.note_id for h in hits}


@pytest.mark.parametrize(
    "filters",
    [
        SearchFilters(kinds=(NoteKind.QUESTION,)),
        SearchFilters(account="Initech"),
        SearchFilters(rep="Rita", tag="pricing"),
        SearchFilters(since=date(2020, 1, 1), until=date(2030, 1, 1)),
    ],
)
def test_a_filtered_search_sends_one_statement(services: Services, filters: SearchFilters) -> None:
    call = services.calls.start("Initech", rep="Rita", started_at=MARCH)
    for i in range(30):
        note = services.notes.add(call.id, NoteKind.QUESTION, f"Pricing {i}? #pricing")
        services.review.annotate(note.id, None, "Rita", comment="pricing again")

    with counted(services) as sent:
        hits = services.search.search("pricing -budget", filters, limit=20)

    assert len(hits) == 20
    assert len([s for s in sent.sent if s != "BEGIN"]) == 1, sent


RANKED_SHAPES = [
    # (query, the best note's text, a weaker match's text, a non-match's text)
    ("pric", "Pricing, pricing: the price list again", "Pricing came up", "Renewal next spring"),
    (
        '"the budget"',
        "The budget, the budget, the budget",
        "The budget came up",
        "A budget for the team",
    ),
    ("pricing OR forecast", "Forecast forecast pricing", "Pricing came up", "Renewal next spring"),
    ("pricing -budget", "Pricing pricing pricing", "Pricing came up", "Pricing budget pricing"),
]


@pytest.mark.parametrize(("query", "best_text", "weak_text", "other_text"), RANKED_SHAPES)
def test_every_query_shape_puts_the_best_hit_first(
    services: Services,
    monkeypatch: pytest.MonkeyPatch,
    query: str,
    best_text: str,
    weak_text: str,
    other_text: str,
) -> None:
    """Prefixes, phrases, OR and exclusions are ranked within their newest matches like a
    word: the planted best note, older than most weak matches, still comes first, ahead of
    newer notes that mention the words less (an exclusion leaves its notes out, however
    well they would rank)."""
    monkeypatch.setattr("desktop.services.search.RANKED_WITHIN", 40)
    call = services.calls.start("Initech", started_at=MARCH)
    for i in range(5):
        services.notes.add(call.id, NoteKind.PAIN, f"{weak_text}, early {i}")
    best = services.notes.add(call.id, NoteKind.OBJECTION, best_text)
    for i in range(20):
        services.notes.add(call.id, NoteKind.PAIN, f"{weak_text}, late {i}")
        services.notes.add(call.id, NoteKind.GENERAL, f"{other_text}, late {i}")

    hits = services.search.search(query, limit=10)

    assert hits[0].note_id == best.id
    assert len(hits) == 10
    assert all(other_text not in h.text for h in hits)


def test_an_excluded_word_in_another_field_leaves_the_best_note_out(services: Services) -> None:
    call = services.calls.start("Initech", started_at=MARCH)
    weak = services.notes.add(call.id, NoteKind.PAIN, "Pricing came up")
    best = services.notes.add(call.id, NoteKind.OBJECTION, "Pricing pricing pricing")
    services.review.annotate(best.id, None, "Rita", comment="the budget again")
    answered = services.notes.add(
        call.id, NoteKind.QUESTION, "Pricing pricing?", answer="No budget for it"
    )

    hits = services.search.search("pricing -budget")

    assert [h.note_id for h in hits] == [weak.id]
    assert answered.id not in {h.note_id for h in services.search.search("pricing -budg")}


def test_an_excluded_phrase_is_not_found_across_two_fields(services: Services) -> None:
    call = services.calls.start("Initech", started_at=MARCH)
    note = services.notes.add(
        call.id, NoteKind.QUESTION, "Pricing pricing?", answer="We have a budget"
    )
    services.review.annotate(note.id, None, "Rita", comment="Frozen until May")

    assert [h.note_id for h in services.search.search('pricing -"budget frozen"')] == [note.id]
    assert services.search.search("pricing -frozen") == ()


@pytest.mark.parametrize(
    "query", ["pricing", "pric", '"the price"', "price OR forecast", "pricing -budget"]
)
def test_a_search_sends_one_statement_however_many_hits(services: Services, query: str) -> None:
    """Each hit's note, call and account come in the same statement as the ranking (no
    query per hit), and notes with several matching fields cost no extra statement."""
    call = services.calls.start("Initech", started_at=MARCH)
    for i in range(60):
        note = services.notes.add(
            call.id, NoteKind.QUESTION, f"The price? Pricing {i}", answer="Pricing forecast"
        )
        services.review.annotate(note.id, None, "Rita", comment="pricing again")

    with counted(services) as sent:
        hits = services.search.search(query, limit=50)

    assert len(hits) == 50
    assert len([s for s in sent.sent if s != "BEGIN"]) == 1, sent


def test_limit_caps_the_hits_and_defaults_to_twenty(services: Services) -> None:
    call = services.calls.start("Initech")
    for i in range(25):
        services.notes.add(call.id, NoteKind.PAIN, f"renewal worry number {i}")
    assert len(services.search.search("renewal")) == 20
    assert len(services.search.search("renewal", limit=3)) == 3
    assert len(services.search.search("renewal", limit=100_000)) == 25
    with pytest.raises(UserError):
        services.search.search("renewal", limit=0)


# -- what leaves search --------------------------------------------------------------


def test_deleted_notes_leave_search_and_come_back_when_restored(corpus: Corpus) -> None:
    note = corpus.notes["price"]
    corpus.services.notes.delete(note.id)
    assert corpus.find("price") == set()
    corpus.services.notes.restore(note.id)
    assert corpus.find("price") == {"price"}


def test_deleted_calls_leave_search(corpus: Corpus) -> None:
    corpus.services.calls.delete(corpus.globex)
    assert corpus.find("budget") == {"frozen"}


def test_edited_text_is_searched_as_it_is_now(corpus: Corpus) -> None:
    note = corpus.notes["price"]
    corpus.services.notes.edit(note.id, text="Licensing terms are the blocker")
    assert corpus.find("price") == set()
    assert corpus.find("licensing") == {"price"}


# -- filters -----------------------------------------------------------------------


def test_filter_by_kind(corpus: Corpus) -> None:
    assert corpus.find("budget", kinds=(NoteKind.QUOTE,)) == {"phrase"}
    assert corpus.find("budget", kinds=(NoteKind.QUOTE, NoteKind.PAIN)) == {"frozen", "phrase"}


def test_filter_by_account_rep_and_call(corpus: Corpus) -> None:
    assert corpus.find("budget", account="acme") == {"frozen"}
    assert corpus.find("budget", rep="SAM") == {"phrase"}
    assert corpus.find("budget", call_id=corpus.globex) == {"phrase"}
    assert corpus.find("budget", account="Nobody") == set()


def test_filter_by_tag(corpus: Corpus) -> None:
    assert corpus.find("hours", tag="#manual-reporting") == {"reporting"}
    assert corpus.find("hours", tag="price") == set()


def test_filter_by_period_of_the_call(corpus: Corpus) -> None:
    march_10 = MARCH.astimezone().date()
    later = (MARCH + timedelta(days=20)).astimezone().date()
    assert corpus.find("budget", since=later) == {"phrase"}
    assert corpus.find("budget", until=march_10) == {"frozen"}
    assert corpus.find("budget", since=march_10, until=march_10) == {"frozen"}
    assert corpus.find("budget", since=date(2030, 1, 1)) == set()


# -- text exactly as typed -------------------------------------------------------------

AS_TYPED = [
    "<b>bold</b> is text, not markup",
    "Tom &amp; Jerry & friends &lt;3",
    "line one\nline two\r\n\ttabbed line three",
    "\u200fمرحبا\u200e RTL marks \u202ebackwards\u202c",
    "emoji 😀👍🏽 and 🇫🇷 flags",
    "  leading and trailing spaces  ",
    "zero\u200bwidth and com\u0301bining",
    "quote “smart” and 'plain' and `back`",
]


def test_note_text_keeps_every_character_and_is_found(services: Services) -> None:
    call = services.calls.start("Initech")
    for text in AS_TYPED:
        note = services.notes.add(call.id, NoteKind.QUOTE, text)
        assert services.notes.get(note.id).text == text
        word = max(text.replace("\u202e", " ").split(), key=len)
        hits = services.search.search(f'"{word}"')
        assert [h.text for h in hits] == [text], text
    assert [n.text for n in services.calls.notes(call.id)] == AS_TYPED


def _long_text(length: int, tail: str) -> str:
    """Short words, so the text has far more words than PostgreSQL keeps positions for."""
    body = " ".join(f"w{i % 97} ok" for i in range(length // 5))
    return (body[: length - len(tail) - 1] + " " + tail)[:length]


def test_a_hundred_thousand_characters_round_trip_and_are_found(services: Services) -> None:
    text = _long_text(100_000, "We need a follow-up on the frozen budget, Équipe")
    assert len(text) == 100_000
    call = services.calls.start("Initech")
    note = services.notes.add(call.id, NoteKind.QUOTE, text)
    assert services.notes.get(note.id).text == text
    for query in ("équipe", "follow-up", '"frozen budget"', "w96 budget"):
        hits = services.search.search(query)
        assert [h.note_id for h in hits] == [note.id], query
        assert hits[0].text == text
    assert "**follow-up**" in services.search.search("follow-up")[0].snippet.marked()


def test_the_longest_note_is_stored_and_longer_is_refused(services: Services) -> None:
    from desktop.services.notes import MAX_NOTE_CHARS

    call = services.calls.start("Initech")
    text = _long_text(MAX_NOTE_CHARS, "closing remark")
    note = services.notes.add(call.id, NoteKind.QUOTE, text)
    assert services.notes.get(note.id).text == text
    assert [h.note_id for h in services.search.search('"closing remark"')] == [note.id]
    with pytest.raises(UserError, match="too long"):
        services.notes.add(call.id, NoteKind.QUOTE, text + "x")


# -- any query against a real database -------------------------------------------------


@pytest.fixture(scope="module")
def fuzz_services(
    tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path
) -> Iterator[Services]:
    path = tmp_path_factory.mktemp("fuzz") / "ridealong.db"
    shutil.copy(sqlite_template, path)
    services = Services.open(f"sqlite:///{path}", clock=FakeClock())
    call = services.calls.start("Acme")
    for text in [*AS_TYPED, "Budget frozen until Q3 — follow-up", "NEAR(price) * AND OR"]:
        services.notes.add(call.id, NoteKind.PAIN, text)
    yield services
    services.close()


_PIECES = st.one_of(
    st.characters(),
    st.sampled_from(['"', "-", "*", "(", ")", ":", " ", "OR", "AND", "NEAR", "follow-up", "bud"]),
)


@settings(max_examples=4 * settings().max_examples)  # cheap: one query, no writes
@given(st.lists(_PIECES, max_size=30).map("".join))
def test_any_query_runs_against_a_real_database(fuzz_services: Services, query: str) -> None:
    hits = fuzz_services.search.search(query, limit=50)
    assert len({h.note_id for h in hits}) == len(hits)
