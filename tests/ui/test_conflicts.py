"""A teammate changed the note I am editing: my save is refused and shown beside theirs,
and I choose from the keyboard; undo never overwrites their newer edit."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPlainTextEdit
from pytestqt.qtbot import QtBot

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
