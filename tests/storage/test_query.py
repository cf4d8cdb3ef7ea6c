"""The web-search query language and snippets, as pure functions (no database)."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.storage.text import Query, Term, fold, index_text, parse_query, snippet, words


def term(*parts: str, prefix: bool = True) -> Term:
    return Term(tuple(parts), prefix)


def marked(text: str, query: str, width: int = 160) -> str:
    return snippet(text, parse_query(query), width).marked("[", "]")


# -- words -------------------------------------------------------------------------


def test_fold_ignores_case_and_accents() -> None:
    assert fold("Équipe") == fold("equipe") == fold("EQUIPE") == "equipe"
    assert fold("Ångström naïve CAFÉ") == "angstrom naive cafe"


def test_words_are_runs_of_letters_and_digits() -> None:
    assert words("follow-up: Q3_budget, <b>€5k</b> & 東京") == [
        "follow",
        "up",
        "q3",
        "budget",
        "b",
        "5k",
        "b",
        "東京",
    ]
    assert index_text("  Équipe\n\tde   VENTE ") == "equipe de vente"


# -- parsing -----------------------------------------------------------------------


def test_every_word_must_match_each_as_a_prefix() -> None:
    assert parse_query("budget Frozen") == Query(((term("budget"),), (term("frozen"),)))


def test_quoted_phrase_is_words_in_a_row_without_prefix() -> None:
    query = parse_query('"frozen budget" q3')
    assert query.clauses == ((term("frozen", "budget", prefix=False),), (term("q3"),))


def test_or_joins_alternatives_into_one_clause() -> None:
    query = parse_query("price OR cost OR budget renewal")
    assert query.clauses == (
        (term("price"), term("cost"), term("budget")),
        (term("renewal"),),
    )


def test_lowercase_or_is_an_ordinary_word() -> None:
    assert parse_query("price or cost").clauses == (
        (term("price"),),
        (term("or"),),
        (term("cost"),),
    )


def test_dangling_or_is_ignored() -> None:
    assert parse_query("OR price OR").clauses == ((term("price"),),)
    assert parse_query("OR OR OR").is_empty


def test_minus_at_the_start_of_a_word_excludes_it() -> None:
    query = parse_query('budget -competitor -"dead deal"')
    assert query.clauses == ((term("budget"),),)
    assert query.excluded == (term("competitor"), term("dead", "deal", prefix=False))


def test_hyphen_inside_a_word_is_part_of_it() -> None:
    assert parse_query("follow-up").clauses == ((term("follow", "up"),),)
    assert parse_query("kill-round").excluded == ()
    assert parse_query("-kill-round").excluded == (term("kill", "round"),)


def test_each_term_remembers_how_it_was_typed() -> None:
    query = parse_query('Προϋπολογισμός "Мой бюджет" -Équipe')
    assert [t.typed for t in query.positive_terms()] == ["Προϋπολογισμός", "Мой бюджет"]
    assert [t.typed for t in query.excluded] == ["Équipe"]
    assert query.positive_terms()[0].words == ("προυπολογισμος",)


def test_a_query_of_exclusions_only_finds_nothing() -> None:
    assert parse_query("-budget -price").is_empty


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("NEAR(price, cost)", ((term("near", "price"),), (term("cost"),))),
        ("price*", ((term("price"),),)),
        ("budget:frozen", ((term("budget", "frozen"),),)),
        ('"unbalanced quote', ((term("unbalanced"),), (term("quote"),))),
        ("AND", ((term("and"),),)),
        ("(price)", ((term("price"),),)),
        ("^price~ +cost", ((term("price"),), (term("cost"),))),
    ],
)
def test_fts_syntax_is_literal_text(raw: str, expected: tuple[tuple[Term, ...], ...]) -> None:
    assert parse_query(raw).clauses == expected


@pytest.mark.parametrize(
    "raw", ["", "   ", '"', '""', "-", "--", "*", "(", ")", ":", "😀🙈", "\x00", "\ud800", "-\x00"]
)
def test_queries_without_words_are_empty(raw: str) -> None:
    assert parse_query(raw).is_empty


def test_nul_and_control_characters_separate_words() -> None:
    assert parse_query("budget\x00frozen\x07q3").clauses == (
        (term("budget"),),
        (term("frozen"),),
        (term("q3"),),
    )


def test_a_ten_thousand_character_query_parses() -> None:
    query = parse_query("budget " * 1428 + "x" * 4)
    assert len(query.clauses) == 1429


# -- snippets ----------------------------------------------------------------------


def test_snippet_marks_every_match_in_the_original_spelling() -> None:
    text = "L'Équipe says the équipe budget is frozen"
    assert marked(text, "equipe budg") == "L'[Équipe] says the [équipe] [budget] is frozen"


def test_snippet_keeps_accents_typed_as_separate_characters_inside_the_mark() -> None:
    decomposed = unicodedata.normalize("NFD", "Équipe café")
    assert marked(decomposed, "cafe equipe") == f"[{decomposed[:7]}] [{decomposed[8:]}]"
    assert marked(decomposed, unicodedata.normalize("NFD", "café")).endswith("]")


def test_snippet_marks_a_phrase_and_hyphenated_word_as_one_span() -> None:
    assert marked("We need a follow-up next week", "follow-up") == (
        "We need a [follow-up] next week"
    )
    assert marked("budget frozen, frozen budget", '"frozen budget"') == (
        "budget frozen, [frozen budget]"
    )


def test_snippet_of_a_long_text_is_cut_around_the_first_match() -> None:
    text = "filler " * 200 + "the budget is frozen " + "tail " * 200
    cut = snippet(text, parse_query("budget"), width=80)
    assert cut.text.startswith("…") and cut.text.endswith("…")
    assert len(cut.text) <= 80 + 2 + 40
    assert "[budget]" in cut.marked("[", "]")


def test_snippet_flattens_newlines_and_keeps_markup_as_text() -> None:
    text = "<b>Budget</b>\n\n  frozen &amp; gone"
    assert marked(text, "budget gone") == "<b>[Budget]</b> frozen &amp; [gone]"


def test_snippet_without_a_match_is_the_start_of_the_text() -> None:
    text = "word " * 100
    cut = snippet(text, parse_query("absent"), width=50)
    assert cut.spans == ()
    assert cut.text.startswith("word word") and cut.text.endswith("…")


# -- properties ----------------------------------------------------------------------

_QUERY_PIECES = st.one_of(
    st.characters(),
    st.sampled_from(['"', "-", "*", "(", ")", ":", " ", "OR", "AND", "NEAR", "follow-up", "É"]),
)


@settings(max_examples=10 * settings().max_examples)  # pure functions: cheap
@given(st.lists(_QUERY_PIECES, max_size=40).map("".join))
def test_parsing_never_fails_and_yields_only_plain_words(raw: str) -> None:
    query = parse_query(raw)
    for found in (*query.positive_terms(), *query.excluded):
        assert found.words
        assert all(w == fold(w) and words(w) == [w] for w in found.words)


@settings(max_examples=10 * settings().max_examples)  # pure functions: cheap
@given(st.text(max_size=400), st.lists(_QUERY_PIECES, max_size=12).map("".join))
def test_snippet_spans_lie_inside_the_snippet_and_hold_matching_words(text: str, raw: str) -> None:
    query = parse_query(raw)
    cut = snippet(text, query, width=60)
    previous_end = 0
    for start, end in cut.spans:
        assert previous_end <= start < end <= len(cut.text)
        previous_end = end
        assert words(cut.text[start:end])
        assert end == len(cut.text) or unicodedata.category(cut.text[end]) != "Mn"
    assert cut.marked("", "") == cut.text
