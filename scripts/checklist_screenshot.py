"""Take docs/screenshots/checklist-answers.png: a live call at 1024x640 with answers
typed into the qualification checklist from the keyboard.

    QT_QPA_PLATFORM=offscreen python scripts/checklist_screenshot.py   (or under Xvfb)
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from desktop.config import save_identity
from desktop.domain import NoteKind, Role
from desktop.services import Services
from ui.app import create_window

OUT = Path(__file__).resolve().parents[1] / "docs" / "screenshots" / "checklist-answers.png"


def main() -> int:
    app = QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
            QSettings.setPath(fmt, QSettings.Scope.UserScope, str(tmp / "settings"))
        os.environ["RIDEALONG_CONFIG_DIR"] = str(tmp / "config")
        save_identity("Mo Marketer", Role.MARKETER)
        url = f"sqlite:///{tmp / 'ridealong.db'}"
        services = Services.open(url)
        services.accounts.ensure("Northwind Logistics", industry="Logistics")
        services.accounts.ensure_contact("Northwind Logistics", "Dana Reyes", title="CFO")
        call = services.calls.start(
            "Northwind Logistics", framework="BANT", contacts=["Dana Reyes"], rep="Riley Rep"
        )
        for kind, text in (
            (NoteKind.PAIN, "Month-end close takes nine days #manual-reporting"),
            (NoteKind.QUESTION, "Is there budget set aside this year?"),
            (NoteKind.QUOTE, "Nobody trusts the number we send to the board"),
            (NoteKind.QUESTION, "Who signs off on a purchase like this?"),
        ):
            services.notes.add(call.id, kind, text, speaker="Dana")
        services.close()

        window = create_window(database_url=url)
        window.resize(1024, 640)
        window.show()
        QTest.qWaitForWindowExposed(window)
        window.activateWindow()
        QTest.qWaitForWindowActive(window)
        view = window.calls_view
        view.select_call(call.id)
        box = view.call_page.capture.input
        box.setFocus()
        checklist = view.qualification.list
        QTest.keyClick(box, Qt.Key.Key_Tab)
        for keys, answer in (
            ("3", "40k approved for Q3, more if the pilot lands"),
            ("4", "Group IT must approve any new vendor"),
            ("2", None),
        ):
            QTest.keyClicks(checklist, keys)
            if answer:
                QTest.keyClick(checklist, Qt.Key.Key_Return)
                QTest.keyClicks(app.focusWidget(), answer)
                QTest.keyClick(app.focusWidget(), Qt.Key.Key_Return)
                while answer not in checklist.currentItem().text():
                    QTest.qWait(20)
            QTest.keyClick(checklist, Qt.Key.Key_Down)
        QTest.keyClick(checklist, Qt.Key.Key_Return)
        QTest.keyClicks(app.focusWidget(), "By the September board")
        QTest.qWait(300)
        OUT.parent.mkdir(parents=True, exist_ok=True)
        window.grab().save(str(OUT))
        print(OUT)
        window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
