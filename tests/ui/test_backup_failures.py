"""Backups as the window makes them beside other programs, and what it shows when one
fails: a banner that stays, never a line on stderr only."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLabel, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from desktop.domain import NoteKind
from desktop.services import Services
from desktop.storage import backup as files
from desktop.storage import packed
from tests.fakes import FakeClock
from tests.faults import db_path
from tests.ui.support import open_window
from ui.actions import ActionId
from ui.mainwindow import MainWindow

ROOT = Path(__file__).resolve().parents[2]


def cli(url: str, *args: str) -> None:
    """The real program, in its own process, on the same file as the window."""
    done = subprocess.run(
        [sys.executable, "-m", "desktop", "--database-url", url, *args],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def backup_notes(path: Path) -> list[str]:
    plain = path.parent.parent / f"unpacked-{path.name}.db"
    packed.unpack(path, plain)
    services = Services.open(f"sqlite:///{plain}", clock=FakeClock())
    try:
        return sorted(n.text for row in services.calls.page() for n in services.calls.notes(row.id))
    finally:
        services.close()


def backup_banner(window: QWidget) -> QWidget | None:
    shown = [b for b in window.findChildren(QWidget, "backupBanner") if b.isVisible()]
    assert len(shown) <= 1
    return shown[0] if shown else None


def banner_text(window: QWidget) -> str:
    banner = backup_banner(window)
    assert banner is not None
    return " ".join(label.text() for label in banner.findChildren(QLabel))


def quit_(window: MainWindow) -> None:
    """File > Quit (Ctrl+Q where the platform has that key; the offscreen one has none)."""
    window.action_table[ActionId.QUIT].trigger()


def block_backups(url: str) -> Path:
    """A file where the backups folder goes: every backup fails until it is removed."""
    blocker = db_path(url).parent / "backups"
    blocker.write_text("not a folder")
    return blocker


def test_a_command_run_beside_the_window_does_not_break_its_backup_at_closing(
    qtbot: QtBot, sqlite_url: str, clock: FakeClock
) -> None:
    window = open_window(qtbot, sqlite_url, clock=clock)
    call = window.services.calls.start("Acme")
    window.services.notes.add(call.id, NoteKind.PAIN, "Before the command")
    cli(sqlite_url, "note", "add", "--kind", "pain", str(call.id), "From the command line")
    cli(sqlite_url, "call", "list")
    window.services.notes.add(call.id, NoteKind.PAIN, "After the command")
    quit_(window)
    qtbot.waitUntil(lambda: not window.isVisible())  # once the backup is done
    [made] = files.list_backups(db_path(sqlite_url))
    assert made.good
    assert backup_notes(made.path) == [
        "After the command",
        "Before the command",
        "From the command line",
    ]


def test_a_backup_that_fails_at_closing_is_shown_and_the_window_stays_until_told(
    qtbot: QtBot, sqlite_url: str, clock: FakeClock
) -> None:
    window = open_window(qtbot, sqlite_url, clock=clock)
    window.services.calls.start("Acme")
    blocker = block_backups(sqlite_url)
    quit_(window)
    qtbot.waitUntil(lambda: backup_banner(window) is not None)
    assert window.isVisible()
    text = banner_text(window)
    assert "could not back up before closing" in text and "no backup was made" in text
    with qtbot.waitSignal(window.closing_backup_ended, check_params_cb=lambda c: not c):
        quit_(window)  # tried again, fails again, still said
    assert window.isVisible() and "could not back up" in banner_text(window)
    banner = backup_banner(window)
    assert banner is not None
    close = next(b for b in banner.findChildren(QPushButton) if b.text() == "Close anyway")
    qtbot.mouseClick(close, Qt.MouseButton.LeftButton)
    assert not window.isVisible()
    blocker.unlink()
    assert files.list_backups(db_path(sqlite_url)) == ()


def test_closing_again_once_the_cause_is_gone_backs_up_and_closes(
    qtbot: QtBot, sqlite_url: str, clock: FakeClock
) -> None:
    window = open_window(qtbot, sqlite_url, clock=clock)
    window.services.calls.start("Acme")
    blocker = block_backups(sqlite_url)
    with qtbot.waitSignal(window.closing_backup_ended, check_params_cb=lambda c: not c):
        window.close()
    assert window.isVisible()
    blocker.unlink()
    window.close()
    qtbot.waitUntil(lambda: not window.isVisible())
    assert len(files.list_backups(db_path(sqlite_url))) == 1


def test_a_failed_automatic_backup_stays_on_screen_until_one_works(
    qtbot: QtBot, sqlite_url: str, clock: FakeClock
) -> None:
    window = open_window(qtbot, sqlite_url, clock=clock)
    window.services.calls.start("Acme")
    blocker = block_backups(sqlite_url)
    window._on_maintenance_due()  # what the timer does every few minutes
    qtbot.waitUntil(lambda: backup_banner(window) is not None)
    assert "automatic backup failed" in banner_text(window)
    clock.advance(timedelta(minutes=31))
    qtbot.wait(50)  # the banner stays: it is not a passing status-bar message
    assert "automatic backup failed" in banner_text(window)
    blocker.unlink()
    window._on_maintenance_due()
    qtbot.waitUntil(lambda: backup_banner(window) is None)
    assert len(files.list_backups(db_path(sqlite_url))) == 1


def test_emptying_the_trash_runs_off_the_window_and_says_what_went(
    qtbot: QtBot, sqlite_url: str, clock: FakeClock
) -> None:
    window = open_window(qtbot, sqlite_url, clock=clock)
    call = window.services.calls.start("Acme")
    window.services.notes.add(call.id, NoteKind.PAIN, "Going for good")
    window.services.calls.delete(call.id)
    window.show_trash()
    dialog = window.findChild(QDialog, "trashDialog")
    qtbot.mouseClick(dialog.findChild(QPushButton, "trashEmpty"), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.confirm.yes, Qt.MouseButton.LeftButton)
    status = dialog.findChild(QLabel, "trashStatus")
    qtbot.waitUntil(lambda: status.text() == "Deleted 1 item for good.")
    assert window.services.trash.list() == ()
