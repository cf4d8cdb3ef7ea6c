"""Sample data opens in a database of its own, with a way back; the user's calls never
mix with it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QWidget
from pytestqt.qtbot import QtBot

from desktop.domain import NoteKind
from desktop.services import Services
from tests.fakes import FakeClock
from ui.actions import ActionId
from ui.app import WindowKeeper
from ui.mainwindow import MainWindow


def calls_in(url: str, clock: FakeClock) -> list[str]:
    services = Services.open(url, clock=clock)
    try:
        return [row.account for row in services.calls.page()]
    finally:
        services.close()


@pytest.fixture
def keeper(sqlite_url: str, clock: FakeClock) -> Iterator[WindowKeeper]:
    """The app's own window keeper, which swaps windows as the `gui` command does."""
    kept = WindowKeeper(sqlite_url, clock=clock)
    yield kept
    if kept.window is not None:
        kept.window.close_anyway()
        kept.window.deleteLater()


def shown(qtbot: QtBot, keeper: WindowKeeper, previous: MainWindow | None) -> MainWindow:
    """The keeper's window once it is a new one, shown."""
    qtbot.waitUntil(lambda: keeper.window is not None and keeper.window is not previous)
    window = keeper.window
    assert window is not None and window.isVisible()
    return window


def test_sample_data_opens_apart_and_the_way_back_leads_to_my_calls(
    qtbot: QtBot, keeper: WindowKeeper, sqlite_url: str, clock: FakeClock
) -> None:
    assert keeper.open()
    home = shown(qtbot, keeper, None)
    assert home.sample_bar is None
    assert home.calls_view.centre.currentWidget().objectName() == "welcomePage"
    qtbot.mouseClick(home.findChild(QWidget, "welcomeDemoButton"), Qt.MouseButton.LeftButton)

    sample = shown(qtbot, keeper, home)
    bar = sample.findChild(QWidget, "sampleBar")
    assert bar is not None and bar.isVisible()
    assert "sample data" in sample.windowTitle()
    qtbot.waitUntil(lambda: sample.calls_view.model.rowCount() == 40, timeout=30_000)
    sample_url = sample.services.db.url
    sample_file = Path(sample_url.removeprefix("sqlite:///"))
    assert sample_file.parent.name == "sample-data"
    assert sample_file.parent.parent == Path(sqlite_url.removeprefix("sqlite:///")).parent
    assert calls_in(sqlite_url, clock) == []  # nothing reached the user's database
    load = sample.action_table[ActionId.LOAD_DEMO]
    assert load.text() == "Add more &sample calls"

    back = bar.findChild(QPushButton, "sampleBack")
    back.setFocus()
    qtbot.keyClick(back, Qt.Key.Key_Space)
    mine = shown(qtbot, keeper, sample)
    assert mine.sample_bar is None and mine.findChild(QWidget, "sampleBar") is None
    assert mine.services.db.url == sqlite_url
    assert mine.action_table[ActionId.LOAD_DEMO].text() == "Load &sample data"

    # My own call stays mine; sample data asked for again finds the same sample.
    call = mine.services.calls.start("My Real Prospect")
    mine.services.notes.add(call.id, NoteKind.PAIN, "Real words")
    mine.action_table[ActionId.LOAD_DEMO].trigger()
    again = shown(qtbot, keeper, mine)
    qtbot.waitUntil(lambda: again.calls_view.model.rowCount() == 40)
    assert "My Real Prospect" not in calls_in(sample_url, clock)
    assert calls_in(sqlite_url, clock) == ["My Real Prospect"]

    # In the sample database, asking again adds more sample calls, there.
    with qtbot.waitSignal(again.jobs.started):
        again.action_table[ActionId.LOAD_DEMO].trigger()
    qtbot.waitUntil(lambda: len(calls_in(sample_url, clock)) == 80, timeout=30_000)
    qtbot.waitUntil(lambda: again.action_table[ActionId.LOAD_DEMO].isEnabled())
    assert calls_in(sqlite_url, clock) == ["My Real Prospect"]
