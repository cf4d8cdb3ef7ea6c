"""The Qt binding itself must not wear the interpreter down over a long session."""

from __future__ import annotations

import sys

from PySide6.QtCore import QRect
from PySide6.QtWidgets import QToolButton
from pytestqt.qtbot import QtBot


def test_calls_into_qt_leave_none_alive(qtbot: QtBot) -> None:
    """PySide6 6.12.0 dropped a reference to None on every call returning void; on
    Python 3.11 a long capture session then crashed ("deallocating None")."""
    button = QToolButton()
    qtbot.addWidget(button)
    before = sys.getrefcount(None)
    for _ in range(1000):
        button.setGeometry(QRect(0, 0, 10, 10))
    assert sys.getrefcount(None) >= before
