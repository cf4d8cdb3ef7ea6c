"""Helpers for window tests: a window over a given database, shown and active."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from desktop.clock import Clock
from ui.app import create_window
from ui.mainwindow import MainWindow

CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def open_window(qtbot: QtBot, database_url: str, clock: Clock) -> MainWindow:
    """Shown, active and ready: its database open off the GUI thread, its views in."""
    window = create_window(database_url=database_url, clock=clock)
    qtbot.addWidget(window)
    with qtbot.waitActive(window):
        window.show()
    wait_until_open(qtbot, window)
    return window


def wait_until_open(qtbot: QtBot, window: MainWindow) -> None:
    """Until the window's database is open (raising why it could not be)."""
    qtbot.waitUntil(lambda: window.is_open or window.open_error is not None, timeout=30_000)
    if window.open_error is not None:
        raise window.open_error


def focused(window: MainWindow) -> QWidget:
    widget = window.focusWidget()
    assert widget is not None
    return widget


def type_text(qtbot: QtBot, widget: QWidget, text: str) -> None:
    """Type any characters, as a keyboard layout delivers them (keyClicks is ASCII only)."""
    for char in text:
        if char.isascii():
            qtbot.keyClicks(widget, char)
        else:
            for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                QApplication.sendEvent(
                    widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, char)
                )


def start_call(qtbot: QtBot, window: MainWindow, account: str) -> None:
    """Ctrl+N, type the account, Enter: the keyboard way to start a ride-along."""
    qtbot.keyClick(window, Qt.Key.Key_N, CTRL)
    type_text(qtbot, focused(window), account)
    qtbot.keyClick(focused(window), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: focused(window).objectName() == "captureInput")
