"""The window paints before its database opens: a real frame, disabled, saying what it
opens; the database and the views' modules load off the GUI thread; then the views fill
in and the keys go where they always went. Failures are said; a close while it opens
does not wait."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop.errors import UserError
from tests.fakes import FakeClock
from tests.ui.support import CTRL, focused, wait_until_open
from ui.app import create_window, open_database
from ui.mainwindow import MainWindow, Opened

ROOT = Path(__file__).resolve().parents[2]


def held(url: str, clock: FakeClock) -> tuple[Callable[[], Opened], threading.Event]:
    """An opener that opens only once the returned event is set, to look at the window
    while its database is still opening."""
    go = threading.Event()

    def opener() -> Opened:
        assert go.wait(30), "the test never let the database open"
        return open_database(url, clock)

    return opener, go


def shown(qtbot: QtBot, window: MainWindow) -> MainWindow:
    qtbot.addWidget(window)
    with qtbot.waitActive(window):
        window.show()
    return window


def test_the_frame_loads_no_database_code(tmp_path: Path, sqlite_url: str) -> None:
    """Making the window imports neither SQLAlchemy nor the use cases: what comes before
    the first paint does not grow with the database (or its code)."""
    script = (
        "import sys\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "from ui.app import create_window\n"
        "window = create_window(sys.argv[1])\n"
        "loaded = [m for m in ('sqlalchemy', 'desktop.services', 'desktop.storage')\n"
        "          if m in sys.modules]\n"
        "print(' '.join(loaded) or 'none')\n"
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", RIDEALONG_CONFIG_DIR=str(tmp_path))
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    done = subprocess.run(
        [sys.executable, "-c", script, sqlite_url],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=True,
    )
    assert done.stdout.split() == ["none"], done.stderr


# Qt warns of each key the disabled window refuses: that refusal is what is tested.
@pytest.mark.qt_log_ignore("Keyboard event not accepted")
def test_the_window_says_what_it_opens_takes_no_keys_then_fills_in(
    qtbot: QtBot, sqlite_url: str, clock: FakeClock
) -> None:
    opener, go = held(sqlite_url, clock)
    window = shown(qtbot, create_window(sqlite_url, clock=clock, opener=opener))
    path = sqlite_url.removeprefix("sqlite:///")
    assert window.opening.text() == f"Opening {path}…"
    assert window.opening.isVisible()
    assert not window.isEnabled()
    assert not window.is_open
    assert window.menuBar().actions()  # the real menus, disabled with the window
    # Keys before the database is open are refused, not kept for a widget to come.
    qtbot.keyClick(window, Qt.Key.Key_N, CTRL)
    qtbot.keyClicks(window, "Acme")
    go.set()
    wait_until_open(qtbot, window)
    assert window.isEnabled()
    assert window.windowTitle() == f"Ridealong — {path}"
    assert window.views.currentWidget() is window.calls_view
    assert window.views.count() == 5
    assert focused(window) is window.calls_view.search_box  # where it always landed
    assert window.calls_view.search_box.text() == ""
    assert window.calls_view.call_page.call is None  # Ctrl+N was not taken
    qtbot.keyClick(window, Qt.Key.Key_N, CTRL)
    qtbot.waitUntil(lambda: focused(window).objectName() == "startAccount")


def test_a_database_that_will_not_open_is_said_in_the_window(
    qtbot: QtBot, sqlite_url: str, clock: FakeClock
) -> None:
    def refuse() -> Opened:
        raise UserError("the password is wrong")

    window = shown(qtbot, create_window(sqlite_url, clock=clock, opener=refuse))
    with qtbot.waitSignal(window.open_failed, timeout=30_000) as failed:
        pass
    assert isinstance(failed.args[0], UserError)
    assert "the password is wrong" in window.opening.text()
    assert not window.isEnabled()
    with pytest.raises(UserError):
        wait_until_open(qtbot, window)


def test_closing_while_it_opens_does_not_wait_and_the_database_is_closed(
    qtbot: QtBot, sqlite_url: str, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    closed: list[Opened] = []
    opener, go = held(sqlite_url, clock)

    def recording() -> Opened:
        opened = opener()
        close = opened.services.close
        monkeypatch.setattr(opened.services, "close", lambda: (closed.append(opened), close()))
        return opened

    window = shown(qtbot, create_window(sqlite_url, clock=clock, opener=recording))
    qtbot.waitUntil(lambda: any(t.name == "ridealong-open" for t in threading.enumerate()))
    with qtbot.waitSignal(window.closed_unopened, timeout=1000):
        assert window.close()  # at once: the opening thread is not waited for
    go.set()
    qtbot.waitUntil(lambda: not any(t.name == "ridealong-open" for t in threading.enumerate()))
    assert not window.is_open
    assert len(closed) == 1  # the thread closed what it opened for nobody
