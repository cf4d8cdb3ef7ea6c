"""Backups, restore, recovery and the trash, as a user meets them in the window."""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QObject, Qt, QTimer, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QPushButton, QTableWidget, QWidget
from pytestqt.qtbot import QtBot

from desktop.demo import DemoSummary
from desktop.domain import NoteKind
from desktop.errors import StorageUnavailable
from desktop.services import Services
from desktop.services.backup import BackupInfo, DatabaseHealth
from tests.fakes import FakeClock
from tests.ui.support import open_window
from ui.actions import ActionId
from ui.app import WindowKeeper


def note_texts(url: str, clock: FakeClock) -> list[str]:
    services = Services.open(url, clock=clock)
    try:
        return [
            n.text for row in services.calls.page(limit=100) for n in services.calls.notes(row.id)
        ]
    finally:
        services.close()


def add_note(url: str, text: str, clock: FakeClock) -> None:
    services = Services.open(url, clock=clock)
    try:
        rows = services.calls.page(limit=1)
        call_id = rows[0].id if rows else services.calls.start("Acme").id
        services.notes.add(call_id, NoteKind.PAIN, text)
    finally:
        services.close()


def backups_of(url: str, clock: FakeClock) -> list[Path]:
    services = Services.open(url, clock=clock)
    try:
        return [b.path for b in services.backups.list()]
    finally:
        services.close()


def test_closing_the_window_backs_up_what_changed(
    qtbot: QtBot, sqlite_url: str, clock: FakeClock
) -> None:
    add_note(sqlite_url, "Worth keeping", clock)
    window = open_window(qtbot, sqlite_url, clock=clock)
    assert backups_of(sqlite_url, clock) == []
    window.close()
    qtbot.waitUntil(lambda: not window.isVisible())
    assert len(backups_of(sqlite_url, clock)) == 1


def test_a_session_that_only_read_closes_at_once_without_a_backup(
    qtbot: QtBot, sqlite_url: str, clock: FakeClock
) -> None:
    """A new copy of a large file for a session that changed nothing costs seconds and
    pushes real backups out of the rotation."""
    add_note(sqlite_url, "Worth keeping", clock)
    window = open_window(qtbot, sqlite_url, clock=clock)
    window.close()
    qtbot.waitUntil(lambda: not window.isVisible())
    [kept] = backups_of(sqlite_url, clock)

    window = open_window(qtbot, sqlite_url, clock=clock)
    window.services.search.search("keeping")
    window.services.calls.page()
    assert window.close()  # closed there and then: no backup to wait for
    window.services.close()
    assert backups_of(sqlite_url, clock) == [kept]


def test_a_session_that_wrote_backs_up_off_the_window_then_closes(
    qtbot: QtBot, sqlite_url: str, clock: FakeClock
) -> None:
    window = open_window(qtbot, sqlite_url, clock=clock)
    call = window.services.calls.start("Acme")
    window.services.notes.add(call.id, NoteKind.PAIN, "Worth keeping")
    assert not window.close()  # waits for its backup, which runs on the write thread
    assert window.isVisible() and window.statusBar().currentMessage() == (
        "Backing up before closing…"
    )
    assert not window.centralWidget().isEnabled()  # nothing typed now would be in it
    with qtbot.waitSignal(window.closing_backup_ended, check_params_cb=bool):
        pass
    assert not window.isVisible()
    window.services.close()
    assert len(backups_of(sqlite_url, clock)) == 1


def test_back_up_now_from_the_backups_dialog(
    qtbot: QtBot, sqlite_url: str, clock: FakeClock
) -> None:
    add_note(sqlite_url, "Worth keeping", clock)
    window = open_window(qtbot, sqlite_url, clock=clock)
    window.show_backups()
    dialog = window.findChild(QDialog, "backupsDialog")
    table = dialog.findChild(QTableWidget, "backupList")
    qtbot.mouseClick(dialog.findChild(QPushButton, "backupNow"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: table.rowCount() == 1, timeout=15_000)
    assert "Backed up to" in dialog.status.text() or table.item(0, 5).text() == "good"
    assert table.item(0, 5).text() == "good"


def test_restore_from_the_window_replaces_the_database_and_reopens(
    qtbot: QtBot, sqlite_url: str, clock: FakeClock
) -> None:
    add_note(sqlite_url, "Before the backup", clock)
    keeper = WindowKeeper(sqlite_url)
    assert keeper.open()
    first = keeper.window  # not given to qtbot: the restore itself closes and deletes it
    first.services.backups.create()
    add_note(sqlite_url, "After the backup", clock)
    first.show_backups()
    dialog = first.findChild(QDialog, "backupsDialog")
    table = dialog.findChild(QTableWidget, "backupList")
    qtbot.waitUntil(lambda: table.rowCount() == 1, timeout=15_000)
    qtbot.mouseClick(dialog.findChild(QPushButton, "backupRestore"), Qt.MouseButton.LeftButton)
    assert dialog.confirm.isVisible()  # asked inline, nothing done yet
    assert note_texts(sqlite_url, clock) == ["Before the backup", "After the backup"]
    qtbot.mouseClick(dialog.confirm.yes, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: keeper.window is not None and keeper.window is not first)
    second = keeper.window
    qtbot.addWidget(second)
    assert note_texts(sqlite_url, clock) == ["Before the backup"]
    notice = second.findChild(QWidget, "noticeBanner")
    assert notice is not None
    qtbot.waitUntil(notice.isVisible)
    kept = [p for p in backups_of(sqlite_url, clock) if "before-restore" in p.name]
    assert kept, "the replaced database is kept"


def test_a_damaged_database_opens_the_recovery_offer_and_changes_nothing(
    qtbot: QtBot, sqlite_url: str, clock: FakeClock
) -> None:
    add_note(sqlite_url, "Safe in the backup", clock)
    services = Services.open(sqlite_url, clock=clock)
    backup = services.backups.create()
    services.close()
    path = Path(sqlite_url.removeprefix("sqlite:///"))
    data = bytearray(path.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)  # the first page's b-tree, after the header
    path.write_bytes(bytes(data))
    damaged = hashlib.sha256(path.read_bytes()).hexdigest()

    seen: list[str] = []

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None or dialog.objectName() != "recoveryDialog":
            QTimer.singleShot(20, answer)
            return
        seen.append(dialog.findChild(QWidget, "recoveryProblem").text())
        assert hashlib.sha256(path.read_bytes()).hexdigest() == damaged
        dialog.findChild(QPushButton, "recoveryRestore").click()

    keeper = WindowKeeper(sqlite_url)
    QTimer.singleShot(0, answer)
    assert keeper.open()
    qtbot.addWidget(keeper.window)
    assert seen and "damaged" in seen[0]
    assert note_texts(sqlite_url, clock) == ["Safe in the backup"]
    assert backup.path.exists()


def test_quitting_the_recovery_offer_leaves_the_file_as_it_was(
    qtbot: QtBot, tmp_path: Path
) -> None:
    foreign = tmp_path / "ridealong.db"
    foreign.write_bytes(b"not a database at all\n" * 100)
    before = foreign.read_bytes()

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(20, answer)
            return
        dialog.findChild(QPushButton, "recoveryQuit").click()

    QTimer.singleShot(0, answer)
    assert not WindowKeeper(f"sqlite:///{foreign}").open()
    assert foreign.read_bytes() == before


def test_deleted_notes_come_back_from_the_trash(
    qtbot: QtBot, sqlite_url: str, clock: FakeClock
) -> None:
    add_note(sqlite_url, "Deleted by mistake", clock)
    window = open_window(qtbot, sqlite_url, clock=clock)
    calls = window.calls_view
    calls.call_list.selectRow(0)
    timeline = calls.call_page.timeline
    timeline.setFocus()
    timeline.setCurrentIndex(timeline.model().index(0, 0))
    qtbot.keyClick(timeline, Qt.Key.Key_Delete)
    window.undo.clear()  # so only the trash can bring it back
    assert note_texts(sqlite_url, clock) == []
    window.show_trash()
    dialog = window.findChild(QDialog, "trashDialog")
    table = dialog.findChild(QTableWidget, "trashList")
    assert table.rowCount() == 1 and "Deleted by mistake" in table.item(0, 1).text()
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_Return)
    assert note_texts(sqlite_url, clock) == ["Deleted by mistake"]
    qtbot.waitUntil(lambda: timeline.model().rowCount() == 1)


class OpenedUrls(QObject):
    """Stands in for the file manager: records what the app asks the desktop to open."""

    def __init__(self) -> None:
        super().__init__()
        self.paths: list[Path] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.paths.append(Path(url.toLocalFile()))


def test_the_title_names_the_file_and_open_folder_shows_its_backups(
    qtbot: QtBot, sqlite_url: str, clock: FakeClock
) -> None:
    path = Path(sqlite_url.removeprefix("sqlite:///"))
    window = open_window(qtbot, sqlite_url, clock=clock)
    assert window.windowTitle() == f"Ridealong — {path}"
    window.show_backups()
    dialog = window.findChild(QDialog, "backupsDialog")
    opened = OpenedUrls()
    QDesktopServices.setUrlHandler("file", opened, "open")
    try:
        qtbot.mouseClick(
            dialog.findChild(QPushButton, "backupOpenFolder"), Qt.MouseButton.LeftButton
        )
    finally:
        QDesktopServices.unsetUrlHandler("file")
    assert opened.paths == [path.parent / "backups"]


def test_a_data_folder_in_a_synced_folder_gets_a_warning(
    qtbot: QtBot, tmp_path: Path, clock: FakeClock
) -> None:
    folder = tmp_path / "Dropbox" / "Ridealong"
    folder.mkdir(parents=True)
    window = open_window(qtbot, f"sqlite:///{folder / 'ridealong.db'}", clock=clock)
    banner = window.findChild(QWidget, "placeBanner")
    assert banner is not None and banner.isVisible()


def test_backup_and_trash_are_in_the_menus(qtbot: QtBot, sqlite_url: str, clock: FakeClock) -> None:
    window = open_window(qtbot, sqlite_url, clock=clock)
    texts = [a.text() for menu in window.menuBar().actions() for a in menu.menu().actions()]
    assert "&Backups…" in texts and "&Trash…" in texts
    qtbot.keyClick(window, Qt.Key.Key_F1)
    assert window.findChild(QDialog, "shortcutsDialog") is not None


def test_a_failed_check_is_said_and_leaves_loading_sample_data_alone(
    qtbot: QtBot, sqlite_url: str, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The background check fails while sample data is still being added: the status bar
    says why, and "Load sample data" stays off until the sample data is in."""
    import desktop.demo

    checking, check_may_fail = threading.Event(), threading.Event()
    adding, add_may_finish = threading.Event(), threading.Event()
    generate = desktop.demo.generate

    def failing_check(url: str, *, deep: bool) -> DatabaseHealth:
        checking.set()
        check_may_fail.wait(10)
        raise StorageUnavailable("the database is busy in another program")

    def held_generate(services: Services, **options: Any) -> DemoSummary:
        adding.set()
        add_may_finish.wait(10)
        return generate(services, **options)

    # The window imports it when it checks (its module loads once the window has painted).
    monkeypatch.setattr("desktop.services.backup.check_health", failing_check)
    monkeypatch.setattr(desktop.demo, "generate", held_generate)
    window = open_window(qtbot, sqlite_url, clock=clock)
    load = window.action_table[ActionId.LOAD_DEMO]
    qtbot.waitUntil(checking.is_set)
    window.load_demo()  # as the sample database's window does
    qtbot.waitUntil(adding.is_set)
    check_may_fail.set()
    qtbot.waitUntil(lambda: "busy in another program" in window.statusBar().currentMessage())
    assert not load.isEnabled()
    add_may_finish.set()
    qtbot.waitUntil(load.isEnabled, timeout=30_000)
    assert "Added 40 calls" in window.statusBar().currentMessage()


def test_the_backups_dialog_says_why_it_cannot_list_and_a_bug_is_reported(
    qtbot: QtBot, sqlite_url: str, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = open_window(qtbot, sqlite_url, clock=clock)

    def unreadable() -> tuple[BackupInfo, ...]:
        raise StorageUnavailable("cannot read the backups folder: permission denied")

    monkeypatch.setattr(window.services.backups, "list", unreadable)
    window.show_backups()
    dialog = window.findChild(QDialog, "backupsDialog")
    status = dialog.findChild(QLabel, "backupStatus")
    qtbot.waitUntil(lambda: status.text() == "cannot read the backups folder: permission denied")

    def broken() -> tuple[BackupInfo, ...]:
        raise RuntimeError("a bug in listing backups")

    monkeypatch.setattr(window.services.backups, "list", broken)
    with qtbot.capture_exceptions() as reported:
        qtbot.mouseClick(dialog.findChild(QPushButton, "backupNow"), Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: bool(reported), timeout=15_000)
    assert [str(error) for _kind, error, _tb in reported] == ["a bug in listing backups"]
