"""A call from the keyboard, from start to trash: logged after the fact with its contacts
and their titles, ended at a time that makes sense, deleted and brought back."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from desktop.domain import CallStatus, NoteKind
from desktop.services import Services
from desktop.services.values import CallView
from tests.fakes import FakeClock
from tests.ui.support import CTRL, SHIFT, focused, open_window, type_text
from ui.calls.timeline import LATE_MARK
from ui.mainwindow import MainWindow


def only_call(url: str, clock: FakeClock) -> CallView:
    services = Services.open(url, clock=clock)
    try:
        rows = services.calls.page(limit=5)
        assert len(rows) == 1
        return services.calls.get(rows[0].id)
    finally:
        services.close()


def press(qtbot: QtBot, window: MainWindow, key: Qt.Key, times: int = 1) -> None:
    for _ in range(times):
        qtbot.keyClick(focused(window), key)


def test_a_call_is_logged_after_the_fact_with_contacts_and_titles(
    qtbot: QtBot, sqlite_url: str, clock: FakeClock
) -> None:
    window = open_window(qtbot, sqlite_url, clock=clock)
    qtbot.keyClick(window, Qt.Key.Key_N, CTRL)
    type_text(qtbot, focused(window), "Acme Freight")
    press(qtbot, window, Qt.Key.Key_Tab)
    assert focused(window).objectName() == "startWhen"
    press(qtbot, window, Qt.Key.Key_Down, 2)  # two days back
    press(qtbot, window, Qt.Key.Key_Tab)
    type_text(qtbot, focused(window), "Dana Cho")
    press(qtbot, window, Qt.Key.Key_Tab)
    type_text(qtbot, focused(window), "CFO")
    press(qtbot, window, Qt.Key.Key_Tab)
    type_text(qtbot, focused(window), "Sam Lee")
    press(qtbot, window, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: focused(window).objectName() == "captureInput")

    call = only_call(sqlite_url, clock)
    assert call.started_at == clock() - timedelta(days=2)
    assert [(c.name, c.title) for c in call.contacts] == [("Dana Cho", "CFO"), ("Sam Lee", None)]

    # Notes of a call logged late follow one another a minute apart from its start.
    box = focused(window)
    for text in ("Budget frozen until Q3", "Who signs off?"):
        qtbot.keyClicks(box, text)
        qtbot.keyClick(box, Qt.Key.Key_Return)
    page = window.calls_view.call_page
    assert [page.model.note_at(r).offset_ms for r in range(2)] == [0, 60_000]

    # Ending it asks when it ended: after the last note, by default; editable.
    qtbot.keyClick(box, Qt.Key.Key_E, CTRL | SHIFT)
    bar = window.findChild(QWidget, "endCallBar")
    assert bar.isVisible() and "When did it end?" in bar.label.text()
    assert focused(window).objectName() == "endWhen"
    assert only_call(sqlite_url, clock).status is CallStatus.LIVE
    press(qtbot, window, Qt.Key.Key_Home)  # the day
    press(qtbot, window, Qt.Key.Key_Up, 3)  # three days on: tomorrow
    press(qtbot, window, Qt.Key.Key_Return)
    assert bar.isVisible() and "future" in bar.error.text()
    assert only_call(sqlite_url, clock).status is CallStatus.LIVE
    press(qtbot, window, Qt.Key.Key_Down, 3)
    press(qtbot, window, Qt.Key.Key_End)  # the minutes
    press(qtbot, window, Qt.Key.Key_Up, 3)
    press(qtbot, window, Qt.Key.Key_Return)
    ended = only_call(sqlite_url, clock)
    assert ended.status is CallStatus.AWAITING_REVIEW
    assert ended.ended_at == call.started_at + timedelta(minutes=5)
    assert not bar.isVisible()

    # Notes written while logging it are the call's own; one written after it ended is
    # marked as such.
    page.capture.input.setFocus()
    qtbot.keyClicks(focused(window), "Remembered later: they use Excel")
    qtbot.keyClick(focused(window), Qt.Key.Key_Return)
    late = {
        note.text: LATE_MARK in " ".join(page.timeline.details(note)) for note in page.model.notes()
    }
    assert late == {
        "Budget frozen until Q3": False,
        "Who signs off?": False,
        "Remembered later: they use Excel": True,
    }


def test_a_start_in_the_future_is_refused_in_the_form(
    qtbot: QtBot, sqlite_url: str, clock: FakeClock
) -> None:
    window = open_window(qtbot, sqlite_url, clock=clock)
    qtbot.keyClick(window, Qt.Key.Key_N, CTRL)
    type_text(qtbot, focused(window), "Acme Freight")
    press(qtbot, window, Qt.Key.Key_Tab)
    press(qtbot, window, Qt.Key.Key_Up)  # tomorrow
    press(qtbot, window, Qt.Key.Key_Return)
    panel = window.calls_view.start_panel
    assert panel.error.isVisible() and "future" in panel.error.text()
    services = Services.open(sqlite_url, clock=clock)
    try:
        assert services.calls.page(limit=5) == ()
    finally:
        services.close()


def test_a_live_call_started_recently_ends_now_without_asking(
    qtbot: QtBot, sqlite_url: str, clock: FakeClock
) -> None:
    window = open_window(qtbot, sqlite_url, clock=clock)
    qtbot.keyClick(window, Qt.Key.Key_N, CTRL)
    type_text(qtbot, focused(window), "Acme Freight")
    press(qtbot, window, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: focused(window).objectName() == "captureInput")
    clock.advance(timedelta(minutes=42))
    qtbot.keyClick(focused(window), Qt.Key.Key_E, CTRL | SHIFT)
    call = only_call(sqlite_url, clock)
    assert call.ended_at == clock() and call.status is CallStatus.AWAITING_REVIEW
    assert not window.findChild(QWidget, "endCallBar").isVisible()


def test_a_call_goes_to_the_trash_after_asking_and_comes_back_with_ctrl_z(
    qtbot: QtBot, sqlite_url: str, clock: FakeClock
) -> None:
    services = Services.open(sqlite_url, clock=clock)
    call = services.calls.start("Acme Freight")
    for text in ("Budget frozen", "Reports by hand"):
        services.notes.add(call.id, NoteKind.PAIN, text)
    services.calls.start("Globex")
    services.close()
    window = open_window(qtbot, sqlite_url, clock=clock)
    view = window.calls_view
    view.select_call(call.id)
    view.call_list.setFocus()

    qtbot.keyClick(view.call_list, Qt.Key.Key_Delete)
    bar = window.findChild(QWidget, "deleteCallBar")
    assert bar.isVisible()
    assert "Acme Freight" in bar.label.text() and "2 notes" in bar.label.text()
    press(qtbot, window, Qt.Key.Key_Escape)  # changes nothing
    assert not bar.isVisible()
    assert only_accounts(sqlite_url, clock) == ["Acme Freight", "Globex"]

    view.call_list.setFocus()
    qtbot.keyClick(view.call_list, Qt.Key.Key_Delete)
    press(qtbot, window, Qt.Key.Key_Return)
    assert only_accounts(sqlite_url, clock) == ["Globex"]
    assert [view.model.index(r, 1).data() for r in range(view.model.rowCount())] == ["Globex"]
    services = Services.open(sqlite_url, clock=clock)
    try:
        [item] = services.trash.list()
        assert (item.id, item.notes) == (call.id, 2)
    finally:
        services.close()

    qtbot.keyClick(focused(window), Qt.Key.Key_Z, CTRL)
    assert only_accounts(sqlite_url, clock) == ["Acme Freight", "Globex"]
    assert view.selected_call_id() == call.id
    assert view.call_page.model.rowCount() == 2


def only_accounts(url: str, clock: FakeClock) -> list[str]:
    services = Services.open(url, clock=clock)
    try:
        return sorted(r.account for r in services.calls.page(limit=10))
    finally:
        services.close()
