"""Settings > Database: a user joins the team's PostgreSQL database from the window,
typing its settings, testing the connection, and switching without a restart; the
password goes to the keyring (a test's own), never to a settings file."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QLabel,
    QLineEdit,
    QRadioButton,
    QWidget,
)
from pytestqt.qtbot import QtBot
from sqlalchemy.engine import make_url

from desktop.config import (
    DATABASE_FILE,
    ENV_DATABASE_URL,
    KEYRING_SERVICE,
    resolve_database_url,
    saved_database_url,
)
from desktop.domain import NoteKind
from desktop.services import Services
from desktop.services.team import opening_url
from desktop.storage.schemas import TABLES
from tests.cli.test_team_database import PASSWORD, ROLE, password_role  # noqa: F401 - a fixture
from tests.conftest import fresh_pg_database
from tests.fakes import FakeClock, MemoryKeyring
from tests.ui.support import CTRL, SHIFT, open_window
from ui.actions import ActionId
from ui.app import WindowKeeper
from ui.database import DatabaseDialog
from ui.mainwindow import MainWindow


@pytest.fixture
def ring() -> Iterator[MemoryKeyring]:
    before = keyring.get_keyring()
    ours = MemoryKeyring()
    keyring.set_keyring(ours)
    yield ours
    keyring.set_keyring(before)


@pytest.fixture
def keeper(
    sqlite_url: str, clock: FakeClock, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Iterator[WindowKeeper]:
    """The app's window keeper on a SQLite file, with "this computer's" database in the
    test's folder."""
    monkeypatch.delenv(ENV_DATABASE_URL, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    kept = WindowKeeper(sqlite_url, clock=clock)
    yield kept
    if kept.window is not None:
        kept.window.close_anyway()
        kept.window.deleteLater()


def shown(qtbot: QtBot, keeper: WindowKeeper, previous: MainWindow | None) -> MainWindow:
    """The keeper's window once it is a new one (a test of the connection first), active."""
    qtbot.waitUntil(
        lambda: keeper.window is not None and keeper.window is not previous, timeout=30_000
    )
    window = keeper.window
    assert window is not None and window.isVisible()
    window.activateWindow()  # keys go to the active window only
    qtbot.waitUntil(window.isActiveWindow)
    return window


def open_dialog(qtbot: QtBot, window: MainWindow) -> DatabaseDialog:
    """Settings > Database by its key."""
    qtbot.keyClick(window, Qt.Key.Key_T, CTRL | SHIFT)
    qtbot.waitUntil(lambda: window.findChild(DatabaseDialog, "databaseDialog") is not None)
    dialog = window.findChild(DatabaseDialog, "databaseDialog")
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    return dialog


def field(dialog: QWidget, name: str) -> QLineEdit:
    found = dialog.findChild(QLineEdit, name)
    assert found is not None
    return found


def press(qtbot: QtBot, dialog: QWidget, name: str) -> None:
    """Tab to a button or radio button (focus), then Space."""
    widget = dialog.findChild(QWidget, name)
    assert widget is not None
    widget.setFocus()
    qtbot.keyClick(widget, Qt.Key.Key_Space)


def typed(qtbot: QtBot, dialog: QWidget, name: str, text: str) -> None:
    line = field(dialog, name)
    line.setFocus()
    qtbot.keyClick(line, Qt.Key.Key_A, CTRL)
    qtbot.keyClick(line, Qt.Key.Key_Delete)
    qtbot.keyClicks(line, text)


def said(dialog: QWidget) -> str:
    label = dialog.findChild(QLabel, "databaseResult")
    assert label is not None
    return label.text()


def test_joining_the_team_database_from_the_window(
    qtbot: QtBot,
    keeper: WindowKeeper,
    ring: MemoryKeyring,
    pg_server: str,
    pg_template: str,
    password_role: str,  # noqa: F811 - the fixture imported above
    clock: FakeClock,
    tmp_path: Path,
) -> None:
    team = make_url(fresh_pg_database(pg_server, pg_template))
    with Services.open(team.set(username=ROLE, password=PASSWORD).render_as_string(False)) as s:
        s.notes.add(s.calls.start("Shared Prospect").id, NoteKind.PAIN, "From the marketer")
    socket_dir = str(team.query["host"])
    assert keeper.open()
    home = shown(qtbot, keeper, None)

    dialog = open_dialog(qtbot, home)
    local = dialog.findChild(QRadioButton, "databaseLocal")
    assert local is not None and local.isChecked()
    press(qtbot, dialog, "databaseServer")
    typed(qtbot, dialog, "databaseHost", socket_dir)
    typed(qtbot, dialog, "databaseName", str(team.database))
    typed(qtbot, dialog, "databaseUser", ROLE)
    typed(qtbot, dialog, "databasePassword", "Wr0ngS3cret")
    press(qtbot, dialog, "databaseTest")
    qtbot.waitUntil(lambda: "password authentication failed" in said(dialog), timeout=30_000)
    assert "Wr0ngS3cret" not in said(dialog)

    typed(qtbot, dialog, "databasePassword", PASSWORD)
    press(qtbot, dialog, "databaseTest")
    qtbot.waitUntil(lambda: said(dialog).startswith("Reachable"), timeout=30_000)
    assert f"schema {max(TABLES)} (current)" in said(dialog) and PASSWORD not in said(dialog)
    qtbot.keyClick(field(dialog, "databasePassword"), Qt.Key.Key_Return)  # Switch
    joined = shown(qtbot, keeper, home)
    assert not joined.findChild(QWidget, "identityJoin").isVisible()  # joined already
    assert str(team.database) in joined.windowTitle() and PASSWORD not in joined.windowTitle()
    assert [row.account for row in joined.services.calls.page()] == ["Shared Prospect"]
    saved = saved_database_url()
    assert saved is not None and make_url(saved).database == team.database
    assert ring.entries == {(KEYRING_SERVICE, f"{ROLE}@{socket_dir}"): PASSWORD}
    settings = [p for p in tmp_path.rglob("*") if p.is_file() and p.suffix in (".json", ".conf")]
    assert any(p.name == DATABASE_FILE for p in settings)
    for path in settings:
        assert PASSWORD not in path.read_text(encoding="utf-8", errors="replace"), path

    # The next start opens the team database: the URL from the settings, the password
    # from the keyring.
    assert resolve_database_url() == saved
    with Services.open(opening_url(saved)) as again:
        assert again.calls.page()[0].account == "Shared Prospect"

    # And back to this computer's file.
    dialog = open_dialog(qtbot, joined)
    press(qtbot, dialog, "databaseLocal")
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    mine = shown(qtbot, keeper, joined)
    assert mine.services.db.path == tmp_path / "data" / "Ridealong" / "ridealong.db"
    assert saved_database_url() is None


def test_first_run_offers_to_join_and_a_closed_port_is_said_at_once(
    qtbot: QtBot, keeper: WindowKeeper, ring: MemoryKeyring
) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    assert keeper.open()
    window = shown(qtbot, keeper, None)
    join = window.findChild(QWidget, "identityJoin")
    assert join is not None and join.isVisible()
    press(qtbot, window, "identityJoin")
    qtbot.waitUntil(lambda: window.findChild(DatabaseDialog, "databaseDialog") is not None)
    dialog = window.findChild(DatabaseDialog, "databaseDialog")
    assert dialog is not None
    press(qtbot, dialog, "databaseServer")
    press(qtbot, dialog, "databaseTest")
    assert said(dialog) == "give the server's host"
    typed(qtbot, dialog, "databaseHost", "127.0.0.1")
    port_box = dialog.findChild(QWidget, "databasePort")
    port_box.setFocus()
    qtbot.keyClick(port_box, Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(port_box, str(port))
    typed(qtbot, dialog, "databaseName", "ridealong")
    typed(qtbot, dialog, "databaseUser", "alice")
    typed(qtbot, dialog, "databasePassword", "S3cretTyped")
    qtbot.keyClick(field(dialog, "databasePassword"), Qt.Key.Key_Return)  # Switch: tests first
    qtbot.waitUntil(lambda: "cannot connect" in said(dialog), timeout=30_000)
    assert f"127.0.0.1:{port}" in said(dialog) and "S3cretTyped" not in said(dialog)
    assert keeper.window is window and dialog.isVisible()  # nothing switched
    assert saved_database_url() is None and ring.entries == {}


@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
def test_backups_on_the_team_database_name_the_servers_tools_and_save_a_copy(
    qtbot: QtBot, db_url: str, clock: FakeClock, tmp_path: Path
) -> None:
    window = open_window(qtbot, db_url, clock)
    call = window.services.calls.start("Shared Prospect")
    window.services.notes.add(call.id, NoteKind.PAIN, "From the marketer")
    window.action_table[ActionId.BACKUPS].trigger()
    dialog = window.findChild(QDialog, "backupsDialog")
    assert dialog is not None
    intro = " ".join(label.text() for label in dialog.findChildren(QLabel))
    assert "pg_dump" in intro
    assert not dialog.findChild(QWidget, "backupNow").isEnabled()

    press(qtbot, dialog, "backupCopy")
    qtbot.waitUntil(lambda: dialog.findChild(QFileDialog) is not None)
    chooser = dialog.findChild(QFileDialog)
    name = chooser.findChild(QLineEdit, "fileNameEdit")
    target = tmp_path / "for-the-road.db"
    name.setFocus()
    qtbot.keyClicks(name, str(target))
    # The name's completer pops up over the field as it is typed and takes the first
    # Return (as it does for a user, who then presses Return again).
    qtbot.keyClick(name, Qt.Key.Key_Return)
    if chooser.isVisible():
        qtbot.keyClick(name, Qt.Key.Key_Return)
    status = dialog.findChild(QLabel, "backupStatus")
    qtbot.waitUntil(lambda: status.text().startswith("Saved a copy"), timeout=30_000)
    assert "1 call, 1 note" in status.text()
    with Services.open(f"sqlite:///{target}", clock=clock) as copy:
        assert [row.account for row in copy.calls.page()] == ["Shared Prospect"]
