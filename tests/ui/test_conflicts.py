"""A teammate changed the note I am editing: my save is refused and shown beside theirs,
and I choose from the keyboard; undo never overwrites their newer edit."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QPlainTextEdit
from pytestqt.qtbot import QtBot

from desktop.domain import Grade, ReviewStatus, Verdict
from desktop.services import Services
from desktop.services.values import NoteView
from tests.fakes import FakeClock
from tests.ui.support import ALT, CTRL, focused, open_window, start_call
from ui.conflict import ConflictDialog
from ui.mainwindow import MainWindow

FILED = "Budget frozen until Q3"
THEIRS = "Budget is frozen until Q3"
MINE = FILED + " maybe Q4"


@pytest.fixture
def teammate(sqlite_url: str, clock: FakeClock) -> Iterator[Services]:
    """The same database, opened by someone else's copy of the app."""
    other = Services.open(sqlite_url, clock=clock)
    yield other
    other.close()


@pytest.fixture
def mine(sqlite_url: str, clock: FakeClock) -> Iterator[Services]:
    """The services a view under test is given (the window opens its own)."""
    services = Services.open(sqlite_url, clock=clock)
    yield services
    services.close()


def the_note(services: Services) -> NoteView:
    call = services.calls.page(limit=1)[0]
    (note,) = services.calls.notes(call.id)
    return note


def edit_while_teammate_edits(
    qtbot: QtBot, sqlite_url: str, clock: FakeClock, teammate: Services
) -> tuple[MainWindow, QPlainTextEdit, ConflictDialog]:
    """File a note, start editing it, let the teammate save first, then press Enter."""
    window = open_window(qtbot, sqlite_url, clock=clock)
    start_call(qtbot, window, "Acme Freight")
    box = focused(window)
    assert isinstance(box, QPlainTextEdit)
    qtbot.keyClicks(box, FILED)
    qtbot.keyClick(box, Qt.Key.Key_Return)
    qtbot.keyClick(box, Qt.Key.Key_Up)  # edit the last note
    note = the_note(teammate)
    teammate.notes.edit(note.id, expected_version=note.version, text=THEIRS)
    qtbot.keyClicks(box, " maybe Q4")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    dialog = window.findChild(ConflictDialog)
    assert dialog is not None
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    mine = dialog.findChild(QPlainTextEdit, "conflictMine")
    theirs = dialog.findChild(QPlainTextEdit, "conflictTheirs")
    assert mine.toPlainText() == MINE
    assert theirs.toPlainText() == THEIRS
    assert the_note(teammate).text == THEIRS  # nothing overwritten yet
    return window, box, dialog


def test_take_theirs_drops_my_change(
    qtbot: QtBot, sqlite_url: str, clock: FakeClock, teammate: Services
) -> None:
    window, box, dialog = edit_while_teammate_edits(qtbot, sqlite_url, clock, teammate)
    qtbot.keyClick(dialog, Qt.Key.Key_T, ALT)
    qtbot.waitUntil(lambda: window.findChild(ConflictDialog) is None)
    assert the_note(teammate).text == THEIRS
    assert box.toPlainText() == ""
    timeline = window.calls_view.call_page.timeline
    assert timeline.model().notes()[0].text == THEIRS


def test_keep_mine_saves_over_theirs_and_undo_puts_theirs_back(
    qtbot: QtBot, sqlite_url: str, clock: FakeClock, teammate: Services
) -> None:
    window, box, dialog = edit_while_teammate_edits(qtbot, sqlite_url, clock, teammate)
    qtbot.keyClick(dialog, Qt.Key.Key_K, ALT)
    qtbot.waitUntil(lambda: the_note(teammate).text == MINE)
    with qtbot.waitActive(window):
        window.activateWindow()  # as the window manager does when a dialog closes
    qtbot.keyClick(box, Qt.Key.Key_Z, CTRL)
    assert the_note(teammate).text == THEIRS


def test_merge_writes_one_text_from_both(
    qtbot: QtBot, sqlite_url: str, clock: FakeClock, teammate: Services
) -> None:
    window, _box, dialog = edit_while_teammate_edits(qtbot, sqlite_url, clock, teammate)
    qtbot.keyClick(dialog, Qt.Key.Key_M, ALT)
    merged = dialog.findChild(QPlainTextEdit, "conflictMerged")
    qtbot.waitUntil(merged.hasFocus)
    assert merged.toPlainText() == "Budget is frozen until Q3 maybe Q4"
    qtbot.keyClicks(merged, ", says the CFO")
    qtbot.keyClick(merged, Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: window.findChild(ConflictDialog) is None)
    assert the_note(teammate).text == "Budget is frozen until Q3 maybe Q4, says the CFO"


def test_esc_saves_nothing_and_keeps_my_text(
    qtbot: QtBot, sqlite_url: str, clock: FakeClock, teammate: Services
) -> None:
    window, box, dialog = edit_while_teammate_edits(qtbot, sqlite_url, clock, teammate)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.findChild(ConflictDialog) is None)
    assert the_note(teammate).text == THEIRS
    assert box.toPlainText() == MINE
    assert "changed by someone else" in window.calls_view.call_page.capture.error.text()


def test_undo_never_overwrites_a_teammates_newer_edit(
    qtbot: QtBot, sqlite_url: str, clock: FakeClock, teammate: Services
) -> None:
    window = open_window(qtbot, sqlite_url, clock=clock)
    start_call(qtbot, window, "Acme Freight")
    box = focused(window)
    qtbot.keyClicks(box, FILED)
    qtbot.keyClick(box, Qt.Key.Key_Return)
    qtbot.keyClick(box, Qt.Key.Key_Up)
    qtbot.keyClicks(box, " maybe Q4")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert the_note(teammate).text == MINE
    note = the_note(teammate)
    teammate.notes.edit(note.id, expected_version=note.version, text=THEIRS)

    qtbot.keyClick(box, Qt.Key.Key_Z, CTRL)  # would put back FILED over theirs
    assert the_note(teammate).text == THEIRS
    error = window.calls_view.call_page.capture.error.text()
    assert error.startswith("Cannot undo “Edit note”: it was changed by someone else")
    qtbot.keyClick(box, Qt.Key.Key_Z, CTRL)  # nor does the add's undo bin their note
    assert the_note(teammate).text == THEIRS


def test_a_definition_redefined_meanwhile_merges_both_edits(
    qtbot: QtBot, sqlite_url: str, clock: FakeClock, teammate: Services, mine: Services
) -> None:
    from tests.ui.test_definitions import select, show_view

    base = "Asked for a demo and named a pain"
    teammate.definitions.set("PQL", base, by="Lena")
    view = show_view(qtbot, mine)
    select(qtbot, view, "PQL")
    view.body.setFocus()
    qtbot.keyClick(view.body, Qt.Key.Key_Home, CTRL)
    qtbot.keyClicks(view.body, "Has ")  # "Has Asked…": mine changes the start
    loaded = teammate.definitions.history("PQL")[0]
    teammate.definitions.set(
        "PQL", base + " in writing", by="Lena", expected_revision=loaded.revision
    )
    qtbot.keyClick(view.body, Qt.Key.Key_S, CTRL)
    dialog = view.findChild(ConflictDialog)
    assert dialog is not None
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    assert "changed by Lena" in dialog.findChild(QLabel, "conflictHeading").text()
    qtbot.keyClick(dialog, Qt.Key.Key_M, ALT)
    merged = dialog.findChild(QPlainTextEdit, "conflictMerged")
    qtbot.waitUntil(merged.hasFocus)  # a mnemonic clicks its button after 100 ms
    assert merged.toPlainText() == "Has " + base + " in writing"
    qtbot.keyClick(merged, Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: view.findChild(ConflictDialog) is None)
    history = teammate.definitions.history("PQL")
    assert history[0].body == "Has " + base + " in writing"
    assert [d.author.name for d in history[:2] if d.author] == ["Dana Rep", "Lena"]


def test_a_verdict_on_a_note_a_teammate_reviewed_meanwhile_shows_both(
    qtbot: QtBot, sqlite_url: str, clock: FakeClock, teammate: Services
) -> None:
    from tests.ui.test_review import ended_call, open_review

    call, notes = ended_call(sqlite_url, clock)
    window = open_review(qtbot, sqlite_url, clock)
    view = window.review_view
    view.open_call(call.id)
    keys = view.panel.notes
    keys.setCurrentIndex(view.panel.model.index(0))
    keys.setFocus()
    teammate.review.annotate(notes[0].id, Verdict.DISPUTED, "Ravi Rep", comment="Not said")
    qtbot.keyClick(keys, Qt.Key.Key_C)  # confirm, on what was loaded before Ravi's dispute
    dialog = view.findChild(ConflictDialog)
    assert dialog is not None
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    assert "changed by Ravi Rep" in dialog.findChild(QLabel, "conflictHeading").text()
    assert "Verdict: disputed" in dialog.findChild(QPlainTextEdit, "conflictTheirs").toPlainText()
    assert teammate.notes.get(notes[0].id).review_status is ReviewStatus.DISPUTED
    qtbot.keyClick(dialog, Qt.Key.Key_K, ALT)  # keep mine: confirmed, at their version
    qtbot.waitUntil(lambda: view.findChild(ConflictDialog) is None)
    assert teammate.notes.get(notes[0].id).review_status is ReviewStatus.CONFIRMED


def test_a_grade_given_meanwhile_is_kept_when_taking_theirs(
    qtbot: QtBot, sqlite_url: str, clock: FakeClock, teammate: Services
) -> None:
    from tests.ui.test_review import ended_call, open_review

    call, _notes = ended_call(sqlite_url, clock)
    window = open_review(qtbot, sqlite_url, clock)
    view = window.review_view
    view.open_call(call.id)
    teammate.review.grade(call.id, Grade.SQL, "Ravi Rep", "Budget and a date")
    view.grade.choose(Grade.MQL)
    view.grade.reason.setFocus()
    qtbot.keyClicks(view.grade.reason, "No budget yet")
    qtbot.keyClick(view.grade.reason, Qt.Key.Key_Return, CTRL)
    if view.grade.unreviewed_bar.isVisible():
        qtbot.keyClick(view.grade.unreviewed_bar.anyway, Qt.Key.Key_Return)
    dialog = view.findChild(ConflictDialog)
    assert dialog is not None
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    assert "Grade: SQL" in dialog.findChild(QPlainTextEdit, "conflictTheirs").toPlainText()
    qtbot.keyClick(dialog, Qt.Key.Key_T, ALT)
    qtbot.waitUntil(lambda: view.findChild(ConflictDialog) is None)
    assert view.grade.chosen() is Grade.SQL  # the call shows theirs again
    graded = teammate.calls.get(call.id)
    assert (graded.grade, graded.grade_reason) == (Grade.SQL, "Budget and a date")


def test_my_own_edits_undo_one_after_another_without_a_conflict(
    qtbot: QtBot, sqlite_url: str, clock: FakeClock, teammate: Services
) -> None:
    window = open_window(qtbot, sqlite_url, clock=clock)
    start_call(qtbot, window, "Acme Freight")
    box = focused(window)
    qtbot.keyClicks(box, FILED)
    qtbot.keyClick(box, Qt.Key.Key_Return)
    qtbot.keyClick(box, Qt.Key.Key_Up)
    qtbot.keyClicks(box, " maybe Q4")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    qtbot.keyClick(box, Qt.Key.Key_Z, CTRL)  # the edit
    assert the_note(teammate).text == FILED
    qtbot.keyClick(box, Qt.Key.Key_Z, CTRL)  # the add: the note goes to the trash
    call = teammate.calls.page(limit=1)[0]
    assert teammate.calls.notes(call.id) == ()
    assert window.calls_view.call_page.capture.error.text() == ""
