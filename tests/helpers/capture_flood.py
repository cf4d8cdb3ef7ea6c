"""Capture through the window as fast as it goes, for tests that kill it at random.

Usage: capture_flood.py DATABASE_URL SETTINGS_DIR [PAUSE_AFTER]. Opens the call already
in the database, then, on every turn of the event loop, finishes the note half typed in
the capture box, files it with Enter and prints its text once Enter has returned (so
the note is stored), then half types the next one. With PAUSE_AFTER, it stops filing
after that many notes, like a person pausing mid-sentence, and prints "paused" once the
draft timer has saved the half-typed text.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from ui.app import create_window


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
    calls = window.calls_view
    calls.ensure_loaded()
    calls.call_list.selectRow(0)
    box = calls.call_page.capture.input
    count = 0
    box.clear()
    QTest.keyClicks(box, "Flood note 0, half")

    pause_after = int(sys.argv[3]) if len(sys.argv) > 3 else None
    page = calls.call_page

    def paused() -> None:
        draft = window.drafts.load(page.call.id)
        if draft is not None and draft.text == box.toPlainText():
            print("paused", flush=True)
        else:
            QTimer.singleShot(50, paused)

    def turn() -> None:
        nonlocal count
        if pause_after is not None and count >= pause_after:
            timer.stop()
            paused()
            return
        QTest.keyClicks(box, " typed")
        text = box.toPlainText()
        QTest.keyClick(box, Qt.Key.Key_Return)
        print(text, flush=True)
        count += 1
        QTest.keyClicks(box, f"Flood note {count}, half")

    timer = QTimer()
    timer.timeout.connect(turn)
    timer.start(5)
    app.exec()


if __name__ == "__main__":
    main()
