"""Merging my edit of a text with a teammate's: different words both survive, the same
words are left to the person."""

from __future__ import annotations

import pytest

from desktop.merging import merge_text

BASE = "They use spreadsheets for forecasting, and hate it"


@pytest.mark.parametrize(
    ("mine", "theirs", "merged"),
    [
        (BASE, BASE + " #pain", BASE + " #pain"),
        (BASE.replace("hate", "loathe"), BASE, BASE.replace("hate", "loathe")),
        (
            BASE.replace("spreadsheets", "Excel"),
            BASE + " a lot #pain",
            "They use Excel for forecasting, and hate it a lot #pain",
        ),
        (
            "Ünïcode 😀 " + BASE,
            BASE.replace("hate", "hâte"),
            "Ünïcode 😀 " + BASE.replace("hate", "hâte"),
        ),
    ],
)
def test_edits_of_different_words_both_survive(mine: str, theirs: str, merged: str) -> None:
    assert merge_text(BASE, mine, theirs) == merged


def test_edits_of_the_same_words_are_left_to_the_person() -> None:
    assert merge_text(BASE, BASE.replace("hate", "love"), BASE.replace("hate", "tolerate")) is None


def test_the_same_edit_twice_is_one() -> None:
    same = BASE.replace("hate", "love")
    assert merge_text(BASE, same, same) == same
