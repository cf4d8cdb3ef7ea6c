"""Take the README's screenshots of the window in a real X display (e.g. under Xvfb).

    Xvfb :99 -screen 0 1600x1000x24 &  DISPLAY=:99 python scripts/screenshots.py

Everything happens in a temporary data folder; the pictures go to docs/screenshots/.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QEventLoop, QSettings, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from desktop.demo import generate
from desktop.services import Services
from ui import theme
from ui.app import create_window
from ui.settings import Settings

OUT = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
SIZE = (1440, 900)
CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier

LIVE_NOTES = [
    (Qt.Key.Key_1, "We rebuild the pipeline report by hand every Monday #manual-reporting", 4),
    (Qt.Key.Key_3, "How do you forecast today?", None),
    (Qt.Key.Key_4, '"Honestly nobody trusts the number we send to the board"', 5),
    (Qt.Key.Key_2, "Worried about another tool the reps have to update #adoption", 3),
    (Qt.Key.Key_5, "Also looking at Clarivo, they demoed last week #clarivo", None),
    (Qt.Key.Key_1, "Data lives in CRM, billing and a Google sheet #data-quality", 4),
    (Qt.Key.Key_6, "Asked whether we could start before their Q1 planning", None),
    (Qt.Key.Key_2, "Security review takes 6-8 weeks at their size #security-review", 3),
    (Qt.Key.Key_1, "Finance and sales argue about which number is right #data-quality", 3),
    (Qt.Key.Key_0, "CFO joined for the last ten minutes", None),
    (Qt.Key.Key_7, "Send the security pack, book a demo with RevOps on Tuesday", None),
    (Qt.Key.Key_3, "Who else needs to sign off?", None),
]


def wait(ms: int) -> None:
    """Run the event loop for a while; unlike QTest.qWait it lets worker threads run."""
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def shot(window: QWidget, name: str) -> None:
    wait(300)
    path = OUT / name
    window.grab().save(str(path))
    print(path)


def fresh(tmp: Path, name: str) -> str:
    folder = tmp / name
    folder.mkdir()
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(folder / "settings"))
    os.environ["RIDEALONG_CONFIG_DIR"] = str(folder / "config")
    return f"sqlite:///{folder / 'ridealong.db'}"


def close(window: QWidget) -> None:
    window.close()
    window.deleteLater()
    wait(50)


def show(url: str) -> QWidget:
    window = create_window(database_url=url)
    window.resize(*SIZE)
    window.show()
    QTest.qWaitForWindowExposed(window)
    return window


def review(window: QWidget) -> None:
    """Part-way through reviewing a call: verdicts given, one correction, a grade chosen."""
    window.activateWindow()
    QTest.qWaitForWindowActive(window)
    QTest.keyClick(window, Qt.Key.Key_2, CTRL | Qt.KeyboardModifier.ShiftModifier)
    view = window.review_view
    view.mine.setChecked(False)
    view.open_call(view.inbox_model.index(0).data(Qt.ItemDataRole.UserRole + 2))
    notes = view.panel.notes
    for key in (Qt.Key.Key_C, Qt.Key.Key_C, Qt.Key.Key_X):
        QTest.keyClick(notes, key)
    QTest.keyClick(notes, Qt.Key.Key_E)
    view.panel.editor.selectAll()
    QTest.keyClicks(view.panel.editor, "They said this about the enterprise plan only")
    QTest.keyClick(view.panel.editor, Qt.Key.Key_Return)
    QTest.keyClick(notes, Qt.Key.Key_C)
    QTest.keyClick(notes, Qt.Key.Key_M)
    QTest.keyClicks(view.panel.editor, "Good catch on the Q1 deadline")
    QTest.keyClick(view.panel.editor, Qt.Key.Key_Return)
    QTest.keyClick(notes, Qt.Key.Key_S, ALT)
    QTest.keyClicks(view.grade.reason, "Pain confirmed, CFO involved, pilot in Q1")
    notes.setFocus()
    shot(window, "review.png")


def search(window: QWidget) -> None:
    """Search everywhere, with a hit in a rep's correction among the notes."""
    QTest.keyClick(window, Qt.Key.Key_3, CTRL | Qt.KeyboardModifier.ShiftModifier)
    view = window.search_view
    query = view.findChild(QWidget, "searchQuery")
    query.setFocus()
    QTest.keyClicks(query, "spreadsheet OR excel")
    for _ in range(100):
        if view.model.rowCount():
            break
        wait(50)
    QTest.keyClick(query, Qt.Key.Key_Down)
    shot(window, "search.png")


def reports(window: QWidget, target: Path) -> None:
    """The month's insights on screen, then the exported PDF previewed in place."""
    QTest.keyClick(window, Qt.Key.Key_5, CTRL | Qt.KeyboardModifier.ShiftModifier)
    view = window.reports_view
    for _ in range(200):
        if "calls" in view.summary.toPlainText() and "Computing" not in view.summary.toPlainText():
            break
        wait(50)
    shot(window, "reports-screen.png")
    view.output.setText(str(target))
    view.export_insights()
    for _ in range(600):
        if view.pdf.pageCount():
            break
        wait(50)
    wait(500)
    shot(window, "reports-pdf.png")


def main() -> int:
    app = QApplication(sys.argv[:1])
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)

        window = show(fresh(tmp, "empty"))
        shot(window, "first-run.png")
        close(window)

        url = fresh(tmp, "live")
        services = Services.open(url)
        generate(services, calls=30, months=2, seed=11)
        services.close()
        (tmp / "live" / "config").mkdir(exist_ok=True)
        (tmp / "live" / "config" / "identity.json").write_text(
            '{"name": "Priya Shah", "role": "marketer"}'
        )
        Settings().remember_choice("framework", "bant")
        window = show(url)
        window.activateWindow()
        QTest.qWaitForWindowActive(window)
        QTest.keyClick(window, Qt.Key.Key_N, CTRL)
        account = window.calls_view.start_panel.account
        QTest.keyClicks(account, "Northwind Logistics")
        QTest.keyClick(account, Qt.Key.Key_Return)
        box = window.calls_view.call_page.capture.input
        for key, text, intensity in LIVE_NOTES:
            if intensity:
                QTest.keyClick(box, getattr(Qt.Key, f"Key_{intensity}"), ALT)
            QTest.keyClicks(box, text)
            QTest.keyClick(box, key, CTRL)
        checklist = window.calls_view.qualification.list
        for row, presses in ((0, 1), (1, 2), (3, 2)):
            checklist.setCurrentRow(row)
            for _ in range(presses):
                QTest.keyClick(checklist, Qt.Key.Key_Space)
        box.setFocus()
        QTest.keyClicks(box, "They'd want SSO before any pilot #secu")
        shot(window, "capture.png")
        window.resize(1024, 640)  # a laptop's half, beside the video call
        shot(window, "capture-1024x640.png")
        window.resize(*SIZE)
        os.environ["RIDEALONG_THEME"] = "dark"
        theme.apply(app)
        shot(window, "capture-dark.png")
        os.environ["RIDEALONG_THEME"] = "light"
        theme.apply(app)
        close(window)

        url = fresh(tmp, "demo")
        (tmp / "demo" / "config").mkdir()
        (tmp / "demo" / "config" / "identity.json").write_text(
            '{"name": "Priya Shah", "role": "marketer"}'
        )
        services = Services.open(url)
        generate(services, calls=400, months=6, seed=5)
        services.close()
        window = show(url)
        window.calls_view.call_list.selectRow(3)
        shot(window, "call-list.png")
        review(window)
        search(window)
        reports(window, tmp / "demo" / "insights.pdf")
        close(window)
    app.quit()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
