"""File > Export notes as CSV, as a user meets it: from the menu with the keyboard, a
range remembered between exports, the file written off the GUI thread, mistakes said
in the dialog."""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QDateEdit, QLabel, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from desktop.domain import NoteKind, Verdict
from desktop.services import Services
from tests.fakes import FakeClock
from tests.ui.support import ALT, CTRL, focused, open_window
from ui.mainwindow import MainWindow
from ui.reports.notes_csv import NotesCsvDialog


def plant(url: str, clock: FakeClock) -> None:
    """A call in February and one in March 2025 (the clock's month), one note each."""
    with Services.open(url, clock=clock) as services:
        for day, text in (
            (datetime(2025, 2, 20, 10), "February pain"),
            (datetime(2025, 3, 3, 10), "=March pain"),
        ):
            call = services.calls.start("Acme", rep="Rita", started_at=day.astimezone())
            note = services.notes.add(call.id, NoteKind.PAIN, text)
        services.review.annotate(note.id, Verdict.CORRECTED, "Rita", correction="April, not March")


def open_from_menu(qtbot: QtBot, window: MainWindow) -> NotesCsvDialog:
    """Alt+F opens the File menu, C takes "Export notes as CSV…"."""
    if not window.isActiveWindow():  # back from a dialog: the window manager's part
        with qtbot.waitActive(window):
            window.activateWindow()
    qtbot.keyClick(focused(window), Qt.Key.Key_F, ALT)
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is not None)
    menu = QApplication.activePopupWidget()
    qtbot.keyClick(menu, Qt.Key.Key_C)
    qtbot.waitUntil(lambda: window.findChild(NotesCsvDialog) is not None)
    dialog = window.findChild(NotesCsvDialog)
    qtbot.waitUntil(dialog.isVisible)
    return dialog


def child(dialog: QWidget, kind: type, name: str):  # type: ignore[no-untyped-def]
    found = dialog.findChild(kind, name)
    assert found is not None, name
    return found


def save_as(qtbot: QtBot, dialog: NotesCsvDialog, path: Path) -> None:
    """Replace the suggested file by typing another, and press Enter to export."""
    output = child(dialog, QLineEdit, "csvOutput")
    output.setFocus()
    qtbot.keyClick(output, Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(output, str(path))
    qtbot.keyClick(output, Qt.Key.Key_Return)


def rows(path: Path) -> list[dict[str, str]]:
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_export_this_month_from_the_file_menu_then_last_month_remembered(
    qtbot: QtBot, sqlite_url: str, clock: FakeClock, tmp_path: Path
) -> None:
    plant(sqlite_url, clock)
    window = open_window(qtbot, sqlite_url, clock)
    dialog = open_from_menu(qtbot, window)
    calls = child(dialog, QComboBox, "csvRange")
    status = child(dialog, QLabel, "csvStatus")
    assert calls.currentText() == "This month"
    assert Path(child(dialog, QLineEdit, "csvOutput").text()).name == "notes-2025-03.csv"
    assert child(dialog, QDateEdit, "csvSince").date().toString("yyyy-MM-dd") == "2025-03-01"
    assert child(dialog, QDateEdit, "csvUntil").date().toString("yyyy-MM-dd") == "2025-03-31"

    march = tmp_path / "march.csv"
    save_as(qtbot, dialog, march)
    qtbot.waitUntil(lambda: status.text().startswith("Wrote"), timeout=15_000)
    assert status.text() == f"Wrote 1 note to {march}."
    (row,) = rows(march)
    assert (row["Note"], row["Review status"], row["Correction"]) == (
        "'=March pain",
        "Corrected",
        "April, not March",
    )
    assert child(dialog, QWidget, "csvOpenFolder").isVisible()

    # Last month, chosen with the keyboard; then the dialog opens on it next time.
    calls.setFocus()
    qtbot.keyClick(calls, Qt.Key.Key_Down)
    assert calls.currentText() == "Last month"
    february = tmp_path / "february.csv"
    save_as(qtbot, dialog, february)
    qtbot.waitUntil(lambda: status.text() == f"Wrote 1 note to {february}.", timeout=15_000)
    assert [r["Note"] for r in rows(february)] == ["February pain"]
    qtbot.waitUntil(lambda: child(dialog, QWidget, "csvExport").isEnabled())
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.findChild(NotesCsvDialog) is None)

    dialog = open_from_menu(qtbot, window)
    assert child(dialog, QComboBox, "csvRange").currentText() == "Last month"
    assert Path(child(dialog, QLineEdit, "csvOutput").text()) == tmp_path / "notes-2025-02.csv"


def test_mistakes_are_said_in_the_dialog_and_write_nothing(
    qtbot: QtBot, sqlite_url: str, clock: FakeClock, tmp_path: Path
) -> None:
    plant(sqlite_url, clock)
    window = open_window(qtbot, sqlite_url, clock)
    dialog = open_from_menu(qtbot, window)
    status = child(dialog, QLabel, "csvStatus")

    save_as(qtbot, dialog, tmp_path / "missing" / "notes.csv")
    qtbot.waitUntil(lambda: "does not exist" in status.text(), timeout=15_000)

    # Typing a day makes the range a chosen one; a range ending before it starts is said.
    since = child(dialog, QDateEdit, "csvSince")
    since.setFocus()
    qtbot.keyClick(since, Qt.Key.Key_Home)
    qtbot.keyClicks(since, "2025-03-20")
    assert child(dialog, QComboBox, "csvRange").currentText() == "Chosen days…"
    until = child(dialog, QDateEdit, "csvUntil")
    until.setFocus()
    qtbot.keyClick(until, Qt.Key.Key_Home)
    qtbot.keyClicks(until, "2025-03-02")
    save_as(qtbot, dialog, tmp_path / "notes.csv")
    qtbot.waitUntil(lambda: "before it starts" in status.text())
    assert list(tmp_path.glob("*.csv")) == [] and not (tmp_path / "missing").exists()


def test_closing_the_dialog_mid_export_stops_it_quietly(
    qtbot: QtBot, sqlite_url: str, clock: FakeClock, tmp_path: Path
) -> None:
    plant(sqlite_url, clock)
    window = open_window(qtbot, sqlite_url, clock)
    dialog = open_from_menu(qtbot, window)
    target = tmp_path / "notes.csv"
    save_as(qtbot, dialog, target)
    job = window.job_status.job
    assert job is not None and job.label == "Exporting notes as CSV…"
    with qtbot.waitSignal(job.signals.finished, timeout=15_000):
        dialog.close()
    qtbot.waitUntil(lambda: window.findChild(NotesCsvDialog) is None)
    # Stopped, or done just before the close: never a partial file.
    files = list(tmp_path.glob("*notes.csv*"))
    assert files in ([], [target])
    if files:
        assert rows(target)[0]["Note"] == "'=March pain"
