"""The competitor list in the window, from the keyboard: added, refused, renamed and
removed in the dialog, and counted at once in the insights on screen."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop.domain import NoteKind
from desktop.services import Services
from tests.fakes import FakeClock
from tests.ui.support import CTRL, SHIFT, open_window
from ui.actions import ActionId
from ui.mainwindow import MainWindow
from ui.reports.competitors import CompetitorsDialog


def seed(url: str, clock: FakeClock) -> None:
    """Two calls this month; one names Clarivo in a pain, and no competitor note does."""
    services = Services.open(url, clock=clock)
    try:
        start = clock() - timedelta(minutes=5)
        acme = services.calls.start("Acme Freight", rep="Rita Rep", started_at=start)
        services.notes.add(acme.id, NoteKind.PAIN, "Exports from clarivo break every week")
        globex = services.calls.start("Globex", rep="Rita Rep", started_at=start)
        services.notes.add(globex.id, NoteKind.PAIN, "Clarivoso is not a competitor")
    finally:
        services.close()


def listed(window: MainWindow) -> list[str]:
    return [c.name for c in window.services.competitors.list()]


def open_dialog(qtbot: QtBot, window: MainWindow) -> CompetitorsDialog:
    """Reports (Ctrl+Shift+5), then its Competitors… button, pressed with Space."""
    qtbot.keyClick(window, Qt.Key.Key_5, CTRL | SHIFT)
    button = window.reports_view.competitors
    button.setFocus()
    qtbot.keyClick(button, Qt.Key.Key_Space)
    dialog = window.findChild(CompetitorsDialog)
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.name)
    return dialog


def test_a_competitor_added_in_the_dialog_counts_on_the_calls_naming_it(
    qtbot: QtBot, db_url: str, clock: FakeClock
) -> None:
    seed(db_url, clock)
    window = open_window(qtbot, db_url, clock)
    dialog = open_dialog(qtbot, window)
    summary = window.reports_view.summary
    qtbot.waitUntil(lambda: "Lead grades" in summary.toPlainText(), timeout=15_000)
    assert "Competitors" not in summary.toPlainText()

    qtbot.keyClicks(dialog.name, "Clarivo")
    qtbot.keyClick(dialog.name, Qt.Key.Key_Return)

    qtbot.waitUntil(lambda: dialog.names() == ["Clarivo"])
    assert listed(window) == ["Clarivo"]
    assert dialog.name.text() == "" and "Added Clarivo." in dialog.status.text()
    # The report on screen is computed again: Clarivo, as listed, on one of two calls.
    qtbot.waitUntil(lambda: "Clarivo (1 of 2 calls)" in summary.toPlainText(), timeout=15_000)


def test_a_duplicate_is_refused_in_the_dialog_and_rename_and_remove_use_keys(
    qtbot: QtBot, db_url: str, clock: FakeClock
) -> None:
    seed(db_url, clock)
    window = open_window(qtbot, db_url, clock)
    dialog = open_dialog(qtbot, window)
    qtbot.keyClicks(dialog.name, "Clarivo")
    qtbot.keyClick(dialog.name, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.names() == ["Clarivo"])

    qtbot.keyClicks(dialog.name, "CLARIVO")
    qtbot.keyClick(dialog.name, Qt.Key.Key_Return)

    qtbot.waitUntil(lambda: "already on the competitor list" in dialog.status.text())
    assert dialog.status.text() == "Clarivo is already on the competitor list"
    assert dialog.name.text() == "CLARIVO"  # kept, to be put right
    assert listed(window) == ["Clarivo"] and dialog.isVisible()

    # F2 renames in place: Ctrl+A, the new spelling, Enter.
    dialog.list.setFocus()
    qtbot.keyClick(dialog.list, Qt.Key.Key_F2)
    editor = QApplication.focusWidget()
    assert editor is not dialog.list
    qtbot.keyClick(editor, Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(editor, "ClariVo")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.status.text() == "Renamed Clarivo to ClariVo.")
    assert listed(window) == ["ClariVo"]
    qtbot.waitUntil(lambda: dialog.names() == ["ClariVo"])

    # Delete asks inline; Esc leaves it, Delete and Enter remove it.
    dialog.list.setFocus()
    qtbot.keyClick(dialog.list, Qt.Key.Key_Delete)
    assert dialog.confirm.isVisible()
    assert "Take ClariVo off the list?" in dialog.confirm.label.text()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    assert not dialog.confirm.isVisible() and dialog.isVisible()
    assert listed(window) == ["ClariVo"]
    qtbot.keyClick(dialog.list, Qt.Key.Key_Delete)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: listed(window) == [] and dialog.names() == [])
    assert dialog.status.text() == "Removed ClariVo."


def test_the_edit_menu_opens_it_and_names_competitors_known_from_tags(
    qtbot: QtBot, db_url: str, clock: FakeClock
) -> None:
    seed(db_url, clock)
    services = Services.open(db_url, clock=clock)
    try:
        call = services.calls.start("Initech", started_at=clock())
        services.notes.add(call.id, NoteKind.COMPETITOR, "Trialling Veloxa #veloxa #competition")
    finally:
        services.close()
    window = open_window(qtbot, db_url, clock)

    window.action_table[ActionId.COMPETITORS].trigger()

    dialog = window.findChild(CompetitorsDialog)
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.tagged.isVisible())
    assert "#veloxa" in dialog.tagged.text() and "#competition" not in dialog.tagged.text()
    qtbot.keyClick(dialog.name, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible())
