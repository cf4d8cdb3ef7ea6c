"""The agreed terms (MQL, SQL, qualified pain...), versioned across all terms."""

from __future__ import annotations

import pytest

from desktop.errors import NotFound, UserError
from desktop.services import Services
from tests.fakes import FakeClock


def bodies(services: Services, revision: int | None = None) -> dict[str, str]:
    rows = services.definitions.current() if revision is None else services.definitions.at(revision)
    return {d.term: d.body for d in rows}


def test_a_new_database_starts_with_the_shipped_definitions(services: Services) -> None:
    assert services.definitions.revision() == 1
    current = services.definitions.current()
    assert [d.term for d in current] == ["MQL", "Qualified pain", "SQL", "Unqualified"]
    assert all(d.revision == 1 and d.body for d in current)


def test_reopening_does_not_add_them_again(db_url: str, clock: FakeClock) -> None:
    for _ in range(2):
        services = Services.open(db_url, clock=clock)
        try:
            assert services.definitions.revision() == 1
            assert len(services.definitions.current()) == 4
        finally:
            services.close()


def test_set_makes_a_new_revision_and_keeps_the_old_words(services: Services) -> None:
    old = bodies(services)
    words = "Budget, authority, need and timeline confirmed"
    row = services.definitions.set("SQL", words, by="Rita")
    assert row.revision == 2
    assert row.author is not None and row.author.name == "Rita"
    assert bodies(services)["SQL"] == words
    assert bodies(services, 1) == old
    assert bodies(services, 2)["MQL"] == old["MQL"]


def test_the_same_words_make_no_new_revision(services: Services) -> None:
    first = services.definitions.set("Champion", "Someone inside who sells for us")
    again = services.definitions.set("champion", "Someone inside who sells for us")
    assert again == first
    assert services.definitions.revision() == first.revision


def test_revisions_are_numbered_across_all_terms(services: Services) -> None:
    a = services.definitions.set("MQL", "Interested and in our segment")
    b = services.definitions.set("Champion", "Someone inside who sells for us")
    c = services.definitions.set("MQL", "Interested, in our segment, with a pain")
    assert (a.revision, b.revision, c.revision) == (2, 3, 4)
    assert bodies(services, 3)["MQL"] == "Interested and in our segment"
    assert "Champion" not in bodies(services, 2)
    assert bodies(services, 4)["Champion"] == "Someone inside who sells for us"


def test_history_lists_a_term_newest_first(services: Services) -> None:
    services.definitions.set("SQL", "second words")
    services.definitions.set("SQL", "third words")
    history = services.definitions.history("sql")
    assert [h.revision for h in history] == [3, 2, 1]
    assert history[0].body == "third words"
    with pytest.raises(NotFound):
        services.definitions.history("Nonexistent")


def test_retire_removes_a_term_from_the_next_revision_on(services: Services) -> None:
    retired = services.definitions.retire("Qualified pain")
    assert retired.revision == 2 and retired.retired
    assert "Qualified pain" not in bodies(services)
    assert "Qualified pain" in bodies(services, 1)
    with pytest.raises(UserError):
        services.definitions.retire("Qualified pain")
    back = services.definitions.set("Qualified pain", retired.body)
    assert back.revision == 3 and not back.retired
    assert "Qualified pain" in bodies(services)


@pytest.mark.parametrize(
    ("term", "body", "message"),
    [
        ("", "words", "must not be empty"),
        ("SQL", "   ", "must not be empty"),
        ("SQL", "x" * 200_001, "too long"),
        ("S\x00QL", "words", "NUL"),
        ("SQL", "wo\x00rds", "NUL"),
    ],
)
def test_set_refuses_bad_input(services: Services, term: str, body: str, message: str) -> None:
    with pytest.raises(UserError, match=message):
        services.definitions.set(term, body)
    assert services.definitions.revision() == 1


def test_definition_text_is_kept_exactly(services: Services) -> None:
    body = "A lead <b>with</b> budget &amp; authority\n— see the playbook 📘"
    assert services.definitions.set("SQL", body).body == body
    assert bodies(services)["SQL"] == body
