"""A capture session in its own process, for tests that kill it mid-sentence.

Usage: capture_worker.py DATABASE_URL SETTINGS_DIR. Starts a call from the keyboard,
files three notes, types a fourth without filing it, prints "typing" once its draft is
on disk, and keeps running until killed.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from ui.app import create_window

UNSENT = "They want a pilot before the board meets in March"


def main() -> None:
    url, settings_dir = sys.argv[1], sys.argv[2]
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, settings_dir)
    app = QApplication(sys.argv[:1])
    window = create_window(database_url=url)
    window.show()
    QTest.qWaitForWindowExposed(window)
    while not window.is_open:  # its database opens off the GUI thread
        QTest.qWait(10)
    QTest.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClicks(app.focusWidget(), "Killed Co")
    QTest.keyClick(app.focusWidget(), Qt.Key.Key_Return)
    box = window.calls_view.call_page.capture.input
    for n in range(3):
        QTest.keyClicks(box, f"Filed note {n}")
        QTest.keyClick(box, Qt.Key.Key_Return)
    QTest.keyClicks(box, UNSENT)
    call_id = window.calls_view.call_page.call.id

    def report_when_saved() -> None:
        draft = window.drafts.load(call_id)
        if draft is not None and draft.text == UNSENT:
            print("typing", flush=True)
            poll.stop()

    poll = QTimer()
    poll.timeout.connect(report_when_saved)
    poll.start(50)
    app.exec()


if __name__ == "__main__":
    main()
