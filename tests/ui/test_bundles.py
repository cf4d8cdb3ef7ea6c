"""Bundle files in the window: dropped on it, imported from the File menu, exported
from the File menu; a refused file said in the window; conflicts settled."""

from __future__ import annotations

import shutil
import uuid
from datetime import timedelta
from pathlib import Path

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QLabel,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QTableView,
    QTableWidget,
)
from pytestqt.qtbot import QtBot

from desktop.domain import NoteKind
from desktop.services import Services
from tests.fakes import FakeClock
from tests.ui.support import open_window
from ui.actions import ActionId
from ui.bundles import ExportBundleDialog, ImportSummaryDialog
from ui.durability import Banner
from ui.mainwindow import MainWindow


def teammate(tmp_path: Path, sqlite_template: Path, clock: FakeClock) -> Services:
    path = tmp_path / "teammate.db"
    shutil.copy(sqlite_template, path)
    return Services.open(f"sqlite:///{path}", clock=clock)


def a_bundle(services: Services, tmp_path: Path) -> tuple[Path, uuid.UUID, uuid.UUID]:
    call = services.calls.start("Globex", rep="Rita Reyes", marketer="Mo Marketer")
    note = services.notes.add(call.id, NoteKind.PAIN, "Renewals slip every quarter")
    info = services.bundles.export_bundle(tmp_path / "globex.ridealong", call_id=call.id)
    return info.path, call.id, note.id


def drop(window: MainWindow, path: Path) -> bool:
    """Drag a file from a file manager and let go over the window; whether the window
    took the drag."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    at = window.rect().center()
    enter = QDragEnterEvent(
        at,
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(window, enter)
    if not enter.isAccepted():
        return False
    event = QDropEvent(
        QPointF(at),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(window, event)
    return True


def call_list_rows(window: MainWindow) -> int:
    view = window.findChild(QTableView, "callList")
    assert view is not None
    return view.model().rowCount()


def test_a_dropped_bundle_is_imported_and_shown(
    qtbot: QtBot, sqlite_url: str, sqlite_template: Path, clock: FakeClock, tmp_path: Path
) -> None:
    with teammate(tmp_path, sqlite_template, clock) as other:
        path, _, note_id = a_bundle(other, tmp_path)
    window = open_window(qtbot, sqlite_url, clock)
    assert call_list_rows(window) == 0
    with qtbot.waitSignal(window.bundles.imported, timeout=20_000):
        assert drop(window, path)
    summary = window.findChild(ImportSummaryDialog, "bundleSummary")
    assert summary is not None and summary.isVisible()
    counts = summary.findChild(QTableWidget, "bundleCounts")
    rows = {counts.item(r, 0).text(): counts.item(r, 1).text() for r in range(counts.rowCount())}
    assert rows["Calls"] == "1" and rows["Notes"] == "1"
    assert window.services.notes.get(note_id).text == "Renewals slip every quarter"
    qtbot.waitUntil(lambda: call_list_rows(window) == 1)  # the view refreshed itself

    # Dropped again: nothing new, and it says so.
    with qtbot.waitSignal(window.bundles.imported, timeout=20_000):
        drop(window, path)
    again = window.bundles.dialog
    assert again is not None
    headline = again.findChild(QLabel, "bundleHeadline")
    assert headline.text().startswith("Nothing new")
    assert call_list_rows(window) == 1


def test_a_dropped_file_that_is_not_a_bundle_is_refused_in_the_window(
    qtbot: QtBot, sqlite_url: str, clock: FakeClock, tmp_path: Path
) -> None:
    window = open_window(qtbot, sqlite_url, clock)
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    assert not drop(window, text)  # not even taken
    fake = tmp_path / "fake.ridealong"
    fake.write_bytes(b"PK\x03\x04 not really a zip")
    assert drop(window, fake)
    qtbot.waitUntil(lambda: window.findChild(Banner, "bundleBanner") is not None)
    banner = window.findChild(Banner, "bundleBanner")
    said = banner.findChild(QLabel).text()
    assert said == (
        f"{fake} is not a bundle this app can import: it is not a zip file, or it is damaged; "
        "nothing was changed"
    )
    assert window.findChild(ImportSummaryDialog) is None


def file_menu_action(window: MainWindow, action_id: ActionId) -> None:
    """Open File in the menu bar and choose the action, as a user does."""
    menu = next(
        m for m in window.menuBar().findChildren(QMenu) if m.title().replace("&", "") == "File"
    )
    action = window.action_table[action_id]
    assert action in menu.actions()
    action.trigger()


def test_import_from_the_file_menu_and_take_theirs(
    qtbot: QtBot, sqlite_url: str, sqlite_template: Path, clock: FakeClock, tmp_path: Path
) -> None:
    mine = Services.open(sqlite_url, clock=clock)
    with teammate(tmp_path, sqlite_template, clock) as other:
        path, call_id, note_id = a_bundle(other, tmp_path)
        mine.bundles.import_bundle(path)
        clock.advance(timedelta(minutes=5))
        mine.notes.edit(note_id, text="Renewals slip every month")
        other.notes.edit(note_id, text="Renewals slip every week")
        other.bundles.export_bundle(path, call_id=call_id)
    mine.close()
    window = open_window(qtbot, sqlite_url, clock)
    file_menu_action(window, ActionId.IMPORT_BUNDLE)
    chooser = window.findChild(QFileDialog, "bundleOpenDialog")
    assert chooser is not None and chooser.isVisible()
    with qtbot.waitSignal(window.bundles.imported, timeout=20_000):
        chooser.selectFile(str(path))
        chooser.accept()
    summary = window.bundles.dialog
    assert summary is not None
    box = summary.boxes[note_id]
    texts = {w.objectName(): w.toPlainText() for w in box.findChildren(QPlainTextEdit)}
    assert "every month" in texts["conflictMine"] and "every week" in texts["conflictTheirs"]
    assert window.services.notes.get(note_id).text == "Renewals slip every month"
    take = box.findChild(QPushButton, "conflictTakeTheirs")
    with qtbot.waitSignal(window.bundles.imported, timeout=20_000):
        qtbot.mouseClick(take, Qt.MouseButton.LeftButton)
    assert window.services.notes.get(note_id).text == "Renewals slip every week"
    assert box.findChild(QLabel, "conflictOutcome").text() == "Took theirs"
    assert not take.isEnabled()


def test_export_a_month_from_the_file_menu(
    qtbot: QtBot, sqlite_url: str, sqlite_template: Path, clock: FakeClock, tmp_path: Path
) -> None:
    with Services.open(sqlite_url, clock=clock) as mine:
        mine.calls.start("Initech", rep="Rita Reyes")
    window = open_window(qtbot, sqlite_url, clock)
    file_menu_action(window, ActionId.EXPORT_BUNDLE)
    dialog = window.findChild(ExportBundleDialog, "exportBundleDialog")
    assert dialog is not None and dialog.isVisible()
    assert dialog.findChild(QRadioButton, "bundleMonthChoice").isChecked()  # no call selected
    field = dialog.path
    target = tmp_path / "march.ridealong"
    field.selectAll()
    qtbot.keyClicks(field, str(target))
    with qtbot.waitSignal(dialog.written, timeout=20_000):
        qtbot.keyClick(field, Qt.Key.Key_Return)
    assert dialog.status.text().startswith(f"Saved {target} (1 call, 0 notes)")
    with teammate(tmp_path, sqlite_template, clock) as other:
        other.bundles.import_bundle(target)
        assert [r.account for r in other.calls.page(limit=5)] == ["Initech"]


def test_export_refusal_is_said_in_the_dialog(
    qtbot: QtBot, sqlite_url: str, clock: FakeClock, tmp_path: Path
) -> None:
    window = open_window(qtbot, sqlite_url, clock)
    dialog = window.export_bundle()
    dialog.path.setText(str(tmp_path / "x.ridealong"))
    dialog.month.setCurrentIndex(dialog.month.count() - 1)  # two years back: no calls
    with qtbot.waitSignal(dialog.export.clicked):
        qtbot.mouseClick(dialog.export, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.status.text().startswith("no calls in"))
    assert not (tmp_path / "x.ridealong").exists()
