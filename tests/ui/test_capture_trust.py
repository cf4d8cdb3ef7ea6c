"""What is filed is what was said: a kind key files one note, `@` names the speaker,
completion takes what was offered, late notes are marked, questions find their criterion,
and a recovered draft has the keyboard. Driven with real keys in the real window."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from desktop.domain import CriterionStatus, NoteKind
from desktop.services import Services
from desktop.services.values import NoteView
from tests.fakes import FakeClock
from tests.faults import read_only
from tests.ui.support import CTRL, SHIFT, focused, open_window, start_call
from ui.calls.capture import split_speaker
from ui.calls.timeline import LATE_MARK
from ui.mainwindow import MainWindow

KIND_KEYS = {NoteKind.PAIN: Qt.Key.Key_1, NoteKind.OBJECTION: Qt.Key.Key_2}


def stored(url: str, clock: FakeClock) -> list[NoteView]:
    services = Services.open(url, clock=clock)
    try:
        call = services.calls.page(limit=1)[0]
        return list(services.calls.notes(call.id))
    finally:
        services.close()


def kinds(url: str, clock: FakeClock) -> list[tuple[str, str]]:
    return [(n.kind.value, n.text) for n in stored(url, clock)]


def indicator(window: MainWindow) -> str:
    return window.calls_view.call_page.capture.kind_label.text()


def file(qtbot: QtBot, window: MainWindow, text: str, key: Qt.Key = Qt.Key.Key_Return) -> None:
    box = focused(window)
    qtbot.keyClicks(box, text)
    modifiers = CTRL if key != Qt.Key.Key_Return else Qt.KeyboardModifier.NoModifier
    qtbot.keyClick(box, key, modifiers)


def open_call_with_contacts(qtbot: QtBot, url: str, clock: FakeClock) -> MainWindow:
    services = Services.open(url, clock=clock)
    call = services.calls.start("Acme Freight", contacts=["Dana Cho", "Sam Lee"])
    services.accounts.ensure_contact("Acme Freight", "Dana Cho", title="CFO")
    services.close()
    window = open_window(qtbot, url, clock=clock)
    window.calls_view.select_call(call.id)
    window.calls_view.call_page.capture.input.setFocus()
    qtbot.waitUntil(lambda: focused(window).objectName() == "captureInput")
    return window


# -- a kind key files one note ---------------------------------------------------------


def test_a_kind_key_files_one_note_and_the_next_is_general_again(
    qtbot: QtBot, sqlite_url: str, clock: FakeClock
) -> None:
    window = open_window(qtbot, sqlite_url, clock=clock)
    start_call(qtbot, window, "Acme Freight")
    file(qtbot, window, "Budget frozen until Q3", Qt.Key.Key_1)
    assert "general" in indicator(window)
    file(qtbot, window, "They meet again in April")
    file(qtbot, window, "/obj Too dear for this year")
    file(qtbot, window, "Spoke about the weather")
    assert kinds(sqlite_url, clock) == [
        ("pain", "Budget frozen until Q3"),
        ("general", "They meet again in April"),
        ("objection", "Too dear for this year"),
        ("general", "Spoke about the weather"),
    ]


def test_a_kind_key_on_an_empty_box_picks_the_next_note_only(
    qtbot: QtBot, sqlite_url: str, clock: FakeClock
) -> None:
    window = open_window(qtbot, sqlite_url, clock=clock)
    start_call(qtbot, window, "Acme Freight")
    box = focused(window)
    qtbot.keyClick(box, Qt.Key.Key_2, CTRL)
    assert indicator(window).startswith("Next note: Objection, then general")
    assert window.calls_view.call_page.capture.findChild(QWidget, "kind_objection").isChecked()
    file(qtbot, window, "Your price is double")
    assert indicator(window).startswith("Next note: general")
    file(qtbot, window, "Renewal is in June")
    assert kinds(sqlite_url, clock) == [
        ("objection", "Your price is double"),
        ("general", "Renewal is in June"),
    ]


def test_the_same_kind_key_twice_keeps_the_kind_until_released(
    qtbot: QtBot, sqlite_url: str, clock: FakeClock
) -> None:
    window = open_window(qtbot, sqlite_url, clock=clock)
    start_call(qtbot, window, "Acme Freight")
    box = focused(window)
    capture = window.calls_view.call_page.capture
    qtbot.keyClick(box, Qt.Key.Key_1, CTRL)
    qtbot.keyClick(box, Qt.Key.Key_1, CTRL)
    assert indicator(window).startswith("Every note: Pain, kept")
    assert capture.lock_button.isChecked()
    file(qtbot, window, "Reports by hand")
    file(qtbot, window, "Two days a month lost")
    file(qtbot, window, "Who signs off?", Qt.Key.Key_3)  # one question, the lock stays
    file(qtbot, window, "Audits take weeks")
    assert indicator(window).startswith("Every note: Pain, kept")
    qtbot.keyClick(box, Qt.Key.Key_1, CTRL)  # released
    assert not capture.lock_button.isChecked()
    file(qtbot, window, "Nice office")
    assert kinds(sqlite_url, clock) == [
        ("pain", "Reports by hand"),
        ("pain", "Two days a month lost"),
        ("question", "Who signs off?"),
        ("pain", "Audits take weeks"),
        ("general", "Nice office"),
    ]


def test_help_and_tooltips_say_what_the_kind_keys_do(
    qtbot: QtBot, sqlite_url: str, clock: FakeClock
) -> None:
    window = open_window(qtbot, sqlite_url, clock=clock)
    rows = {keys: does for _where, keys, does in window.shortcut_table()}
    assert "next note only" in rows["Ctrl+1"]
    assert any("twice" in keys and "every note" in text for keys, text in rows.items())
    assert any(keys == "@" for keys in rows)
    box = window.calls_view.call_page.capture.input
    assert "twice" in box.toolTip() and "@" in box.toolTip()
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    assert "next note only" in readme and "twice" in readme and "`@`" in readme


# -- who said it -----------------------------------------------------------------------


def test_at_completes_a_contact_and_files_the_note_with_its_speaker(
    qtbot: QtBot, sqlite_url: str, clock: FakeClock
) -> None:
    window = open_call_with_contacts(qtbot, sqlite_url, clock)
    box = focused(window)
    qtbot.keyClicks(box, "@da")
    popup = box.completer.popup()
    qtbot.waitUntil(popup.isVisible)
    qtbot.keyClick(box, Qt.Key.Key_Return)  # takes "Dana Cho"; files nothing
    assert box.toPlainText() == "@Dana Cho "
    assert stored(sqlite_url, clock) == []
    qtbot.keyClicks(box, "Budget is frozen until Q3")
    qtbot.keyClick(box, Qt.Key.Key_1, CTRL)
    qtbot.keyClicks(box, "We need SSO @sa")
    qtbot.waitUntil(popup.isVisible)
    qtbot.keyClick(box, Qt.Key.Key_Tab)  # Tab takes it too, and stays in the box
    assert box.toPlainText() == "We need SSO @Sam Lee "
    assert focused(window) is box
    qtbot.keyClick(box, Qt.Key.Key_Return)

    notes = stored(sqlite_url, clock)
    assert [(n.kind, n.text, n.speaker and n.speaker.name) for n in notes] == [
        (NoteKind.PAIN, "Budget is frozen until Q3", "Dana Cho"),
        (NoteKind.GENERAL, "We need SSO", "Sam Lee"),
    ]
    timeline = window.calls_view.call_page.timeline
    first = window.calls_view.call_page.model.note_at(0)
    assert "— Dana Cho, CFO" in timeline.details(first)


def test_a_name_that_is_no_contact_is_said_and_the_text_kept(
    qtbot: QtBot, sqlite_url: str, clock: FakeClock
) -> None:
    window = open_call_with_contacts(qtbot, sqlite_url, clock)
    box = focused(window)
    qtbot.keyClicks(box, "@Zed thinks it is too dear")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    error = window.calls_view.call_page.capture.error
    assert error.isVisible() and "'Zed' is not one of this call's contacts" in error.text()
    assert "Dana Cho" in error.text()
    assert box.toPlainText() == "@Zed thinks it is too dear"
    assert stored(sqlite_url, clock) == []


def test_a_queued_note_keeps_its_speaker(qtbot: QtBot, sqlite_url: str, clock: FakeClock) -> None:
    window = open_call_with_contacts(qtbot, sqlite_url, clock)
    box = focused(window)
    page = window.calls_view.call_page
    with read_only(window.services, sqlite_url):
        qtbot.keyClicks(box, "@dana: the board wants a pilot")
        qtbot.keyClick(box, Qt.Key.Key_Return)
        assert box.toPlainText() == ""
        queued = page.model.note_at(0)
        assert page.model.is_pending(queued.id) and queued.speaker.name == "Dana Cho"
        qtbot.keyClicks(box, "@Nobody said so")
        qtbot.keyClick(box, Qt.Key.Key_Return)
        assert "'Nobody' is not one of this call's contacts" in page.capture.error.text()
        assert box.toPlainText() == "@Nobody said so"
    qtbot.waitUntil(lambda: len(stored(sqlite_url, clock)) == 1, timeout=15_000)
    note = stored(sqlite_url, clock)[0]
    assert (note.text, note.speaker.name) == ("the board wants a pilot", "Dana Cho")


def test_editing_a_note_can_change_or_drop_its_speaker_and_undo_puts_it_back(
    qtbot: QtBot, sqlite_url: str, clock: FakeClock
) -> None:
    window = open_call_with_contacts(qtbot, sqlite_url, clock)
    box = focused(window)
    qtbot.keyClicks(box, "@Dana Cho Too dear")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    qtbot.keyClick(box, Qt.Key.Key_Up)
    assert box.toPlainText() == "@Dana Cho Too dear"
    box.selectAll()
    qtbot.keyClicks(box, "Too dear")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert stored(sqlite_url, clock)[0].speaker is None
    qtbot.keyClick(box, Qt.Key.Key_Z, CTRL)
    assert stored(sqlite_url, clock)[0].speaker.name == "Dana Cho"


def test_split_speaker_reads_names_as_typed() -> None:
    names = ["Dana Cho", "Dana", "Sam Lee"]
    assert split_speaker("@Dana Cho: budget frozen", names) == ("Dana Cho", "budget frozen")
    assert split_speaker("@dana budget frozen", names) == ("dana", "budget frozen")
    assert split_speaker("Budget frozen @Sam Lee", names) == ("Sam Lee", "Budget frozen")
    assert split_speaker("Budget — @sam said so", names) == ("sam", "Budget — said so")
    assert split_speaker("write to bob@acme.com", names) == (None, "write to bob@acme.com")
    assert split_speaker("@ nobody", names) == (None, "@ nobody")


# -- theme completion ------------------------------------------------------------------


def test_enter_or_tab_takes_the_offered_theme_instead_of_filing(
    qtbot: QtBot, sqlite_url: str, clock: FakeClock
) -> None:
    services = Services.open(sqlite_url, clock=clock)
    earlier = services.calls.start("Older Co")
    services.notes.add(earlier.id, NoteKind.PAIN, "x", tags=["reporting", "security-review"])
    services.close()
    clock.advance(timedelta(minutes=1))  # the call started below is the newest
    window = open_window(qtbot, sqlite_url, clock=clock)
    start_call(qtbot, window, "Acme Freight")
    box = focused(window)
    qtbot.waitUntil(lambda: "reporting" in box.tags())  # counted off the GUI thread
    popup = box.completer.popup()
    qtbot.keyClicks(box, "Month end by hand #rep")
    qtbot.waitUntil(popup.isVisible)
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert box.toPlainText() == "Month end by hand #reporting "
    assert not popup.isVisible()
    qtbot.keyClicks(box, "#secu")
    qtbot.waitUntil(popup.isVisible)
    qtbot.keyClick(box, Qt.Key.Key_Tab)
    assert box.toPlainText() == "Month end by hand #reporting #security-review "
    qtbot.keyClick(box, Qt.Key.Key_Return)
    notes = stored(sqlite_url, clock)
    assert [(n.text, n.tags) for n in notes] == [
        ("Month end by hand #reporting #security-review", ("reporting", "security-review"))
    ]


# -- notes added after the call --------------------------------------------------------


def test_notes_added_after_the_call_ended_are_marked(
    qtbot: QtBot, sqlite_url: str, clock: FakeClock
) -> None:
    window = open_window(qtbot, sqlite_url, clock=clock)
    start_call(qtbot, window, "Acme Freight")
    clock.advance(timedelta(minutes=5))
    file(qtbot, window, "Heard on the call")
    clock.advance(timedelta(minutes=1))
    qtbot.keyClick(focused(window), Qt.Key.Key_E, CTRL | SHIFT)
    clock.advance(timedelta(minutes=20))
    page = window.calls_view.call_page
    page.capture.input.setFocus()
    file(qtbot, window, "Remembered afterwards")
    timeline = page.timeline
    shown = {
        n.text: timeline.details(n)
        for n in (page.model.note_at(r) for r in range(page.model.rowCount()))
        if n is not None
    }
    assert not any(LATE_MARK in d for d in shown["Heard on the call"])
    assert any(LATE_MARK in d for d in shown["Remembered afterwards"])


# -- a question filed under the selected criterion -------------------------------------


def test_a_question_filed_while_a_criterion_is_selected_is_linked_to_it(
    qtbot: QtBot, sqlite_url: str, clock: FakeClock
) -> None:
    services = Services.open(sqlite_url, clock=clock)
    call = services.calls.start("Acme Freight", framework="BANT")
    services.close()
    window = open_window(qtbot, sqlite_url, clock=clock)
    view = window.calls_view
    view.select_call(call.id)
    checklist = view.qualification.list
    checklist.setFocus()
    checklist.setCurrentRow(1)  # authority
    view.call_page.capture.input.setFocus()
    qtbot.waitUntil(lambda: focused(window).objectName() == "captureInput")
    file(qtbot, window, "Who signs off on this?", Qt.Key.Key_3)
    file(qtbot, window, "A pain, not a question", Qt.Key.Key_1)
    services = Services.open(sqlite_url, clock=clock)
    try:
        items = {i.criterion.key: i for i in services.qualification.checklist(call.id)}
        notes = services.calls.notes(call.id)
    finally:
        services.close()
    question = next(n for n in notes if n.kind is NoteKind.QUESTION)
    assert items["authority"].note_ids == (question.id,)
    assert items["authority"].status is CriterionStatus.ASKED
    assert all(not i.note_ids for key, i in items.items() if key != "authority")
    assert checklist.item(1).text().startswith("◐")


# -- focus after a crash ---------------------------------------------------------------


def test_after_a_crash_the_recovered_text_has_the_keyboard(
    qtbot: QtBot, sqlite_url: str, ui_env: Path, clock: FakeClock
) -> None:
    from tests.helpers.capture_worker import UNSENT

    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])}
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.helpers.capture_worker",
            sqlite_url,
            str(ui_env / "qsettings"),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
        cwd=Path(__file__).parents[2],
        text=True,
    )
    watchdog = threading.Timer(60, worker.kill)
    watchdog.start()
    with worker:
        assert worker.stdout is not None
        try:
            assert worker.stdout.readline().strip() == "typing"
        finally:
            worker.kill()
            watchdog.cancel()
    assert worker.returncode == -signal.SIGKILL

    window = open_window(qtbot, sqlite_url, clock=clock)
    box = window.calls_view.call_page.capture.input
    assert box.toPlainText() == UNSENT
    qtbot.waitUntil(lambda: window.focusWidget() is box)
    bar = window.findChild(QWidget, "draftBar")
    assert bar is None or not bar.isVisible()
    rows_before = window.calls_view.model.rowCount()
    qtbot.keyClicks(focused(window), ", they said")  # not into the call list's filter
    qtbot.keyClick(focused(window), Qt.Key.Key_Return)
    assert window.calls_view.search_box.text() == ""
    assert window.calls_view.model.rowCount() == rows_before
    assert UNSENT + ", they said" in [n.text for n in stored(sqlite_url, clock)]


def test_a_draft_of_another_call_is_still_offered(
    qtbot: QtBot, sqlite_url: str, clock: FakeClock
) -> None:
    services = Services.open(sqlite_url, clock=clock)
    other = services.calls.start("Other Co")
    services.close()
    window = open_window(qtbot, sqlite_url, clock=clock)
    start_call(qtbot, window, "Acme Freight")
    acme = window.calls_view.call_page.call.id
    window.calls_view.select_call(other.id)
    window.calls_view.call_page.capture.input.setFocus()
    qtbot.keyClicks(focused(window), "Half a thought")
    qtbot.waitUntil(lambda: window.drafts.load(other.id) is not None, timeout=3000)
    window.calls_view.select_call(acme)  # the last call shown is not the draft's
    window.close()
    qtbot.waitUntil(lambda: not window.isVisible())  # once its backup is made

    again = open_window(qtbot, sqlite_url, clock=clock)
    bar = again.findChild(QWidget, "draftBar")
    assert bar is not None and bar.isVisible()
    qtbot.mouseClick(again.findChild(QWidget, "draftRestore"), Qt.MouseButton.LeftButton)
    box = again.calls_view.call_page.capture.input
    assert box.toPlainText() == "Half a thought"
    assert again.focusWidget() is box
