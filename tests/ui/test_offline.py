"""Team mode, the server gone mid-call: notes filed meanwhile are kept on this computer,
the window says "Offline, N notes waiting", reads say why they failed, and once the
server is back every note is stored exactly once.

The server is one of this test's own (stopping the session's server would pull it from
under every other test), started from pgserver and stopped and started with pg_ctl."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPlainTextEdit
from pytestqt.qtbot import QtBot

from desktop.config import save_identity
from desktop.domain import Role
from desktop.services import Services
from tests.fakes import FakeClock
from tests.ui.support import CTRL, SHIFT, open_window, start_call

#: Slack for a loaded machine: the outbox retries every 3 s.
BACK_MS = 30_000


@dataclass
class Server:
    """A PostgreSQL server of the test's own, that the test stops and starts."""

    data: Path
    socket_dir: str
    user: str | None

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@/ridealong?host={self.socket_dir}"

    def stop(self) -> None:
        import pgserver

        pgserver.pg_ctl(["-w", "-m", "fast", "stop"], pgdata=self.data, user=self.user)

    def start(self) -> None:
        import pgserver

        args = ["-w", "-o", '-h ""', "-o", f"-k {self.socket_dir}", "-l", str(self.data / "log")]
        pgserver.pg_ctl([*args, "start"], pgdata=self.data, user=self.user)


@pytest.fixture
def own_pg_server(clock: FakeClock) -> Iterator[Server]:
    import pgserver
    from sqlalchemy import create_engine, text

    data = Path(tempfile.mkdtemp(prefix="ridealong-pg-offline-"))
    handle = pgserver.get_server(data, cleanup_mode="stop")
    found = Server(data, handle.get_uri().split("host=", 1)[1], handle.system_user)
    admin = create_engine(
        found.url.replace("/ridealong?", "/postgres?"), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as conn:
        conn.execute(text("CREATE DATABASE ridealong"))
    admin.dispose()
    Services.open(found.url, clock=clock).close()  # migrated
    yield found
    handle.cleanup()
    shutil.rmtree(data, ignore_errors=True)


def stored_texts(url: str, clock: FakeClock) -> list[str]:
    with Services.open(url, clock=clock) as services:
        call = services.calls.page(limit=1)[0]
        return [n.text for n in services.calls.notes(call.id)]


def test_notes_filed_while_the_server_is_down_are_stored_once_when_it_is_back(
    qtbot: QtBot, own_pg_server: Server, clock: FakeClock
) -> None:
    server = own_pg_server
    save_identity("Mia Marketer", Role.MARKETER)
    window = open_window(qtbot, server.url, clock=clock)
    banner = window.offline_banner
    start_call(qtbot, window, "Acme Freight")
    box = window.findChild(QPlainTextEdit, "captureInput")
    page = window.calls_view.call_page
    qtbot.keyClicks(box, "Filed before the outage")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert not banner.isVisible()

    server.stop()
    qtbot.keyClicks(box, "Budget frozen until Q3")
    qtbot.keyClick(box, Qt.Key.Key_1, CTRL)
    qtbot.keyClicks(box, "We spend Mondays on it")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert box.toPlainText() == ""  # free for the next note at once
    qtbot.waitUntil(lambda: banner.isVisible())
    # The listener's connection finds the server gone within a second or so.
    qtbot.waitUntil(lambda: "Offline, 2 notes waiting." in banner.label.text())
    assert [page.model.is_pending(page.model.note_at(r).id) for r in range(3)] == [
        False,
        True,
        True,
    ]

    # Reading while offline: a message in the window (a traceback would fail the test).
    qtbot.keyClick(window, Qt.Key.Key_2, CTRL | SHIFT)
    assert "cannot" in window.statusBar().currentMessage()
    qtbot.keyClick(window, Qt.Key.Key_1, CTRL | SHIFT)

    server.start()
    qtbot.waitUntil(lambda: not banner.isVisible(), timeout=BACK_MS)
    assert window.outbox.pending() == []
    assert not any(page.model.is_pending(page.model.note_at(r).id) for r in range(3))
    # Each once (the fake clock stands still, so their order is not the point).
    assert sorted(stored_texts(server.url, clock)) == [
        "Budget frozen until Q3",
        "Filed before the outage",
        "We spend Mondays on it",
    ]
