"""Live capture in the window, driven from the keyboard only, checked in the database."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QListView, QPlainTextEdit, QTableView, QWidget
from pytestqt.qtbot import QtBot

from desktop.domain import CallStatus, CriterionStatus, NoteKind
from desktop.services import Services
from tests.fakes import FakeClock
from tests.faults import read_only
from tests.ui.support import ALT, CTRL, SHIFT, focused, open_window, start_call, type_text
from ui.models.call_list import CALL_ID_ROLE


def notes_in_db(
    url: str, clock: FakeClock
) -> list[tuple[str, str, int | None, bool, tuple[str, ...]]]:
    services = Services.open(url, clock=clock)
    try:
        call = services.calls.page(limit=1)[0]
        return [
            (n.kind.value, n.text, n.intensity, n.quote_worthy, n.tags)
            for n in services.calls.notes(call.id)
        ]
    finally:
        services.close()


def test_the_window_has_its_named_parts_once_open(
    qtbot: QtBot, sqlite_url: str, clock: FakeClock
) -> None:
    window = open_window(qtbot, sqlite_url, clock)
    for cls, name in (
        (QTableView, "callList"),
        (QPlainTextEdit, "captureInput"),
        (QListView, "noteTimeline"),
        (QWidget, "qualificationPanel"),
        (QLabel, "callTimer"),
        (QWidget, "searchBox"),
    ):
        widget = window.findChild(cls, name)
        assert widget is not None, name
        assert widget.accessibleName(), name
        assert widget.toolTip(), name


def test_an_empty_first_run_invites_a_ride_along_and_asks_who_you_are(
    qtbot: QtBot, sqlite_url: str, clock: FakeClock
) -> None:
    window = open_window(qtbot, sqlite_url, clock=clock)
    assert window.calls_view.centre.currentWidget().objectName() == "welcomePage"
    bar = window.identity_bar
    assert bar.isVisible()
    bar.name.clear()
    qtbot.keyClicks(bar.name, "Priya Marketer")
    qtbot.keyClick(bar.name, Qt.Key.Key_Return)
    assert not bar.isVisible()
    start_call(qtbot, window, "Northwind Logistics")
    qtbot.keyClicks(focused(window), "They rebuild the report every Monday")
    qtbot.keyClick(focused(window), Qt.Key.Key_Return)
    services = Services.open(sqlite_url, clock=clock)
    try:
        call = services.calls.page(limit=1)[0]
        assert call.marketer == "Priya Marketer"
        assert services.calls.notes(call.id)[0].author.name == "Priya Marketer"
    finally:
        services.close()


def test_capture_every_kind_from_the_keyboard(qtbot: QtBot, db_url: str, clock: FakeClock) -> None:
    window = open_window(qtbot, db_url, clock=clock)
    start_call(qtbot, window, "Acme Freight")
    box = focused(window)
    keys = {
        NoteKind.PAIN: Qt.Key.Key_1,
        NoteKind.OBJECTION: Qt.Key.Key_2,
        NoteKind.QUESTION: Qt.Key.Key_3,
        NoteKind.QUOTE: Qt.Key.Key_4,
        NoteKind.COMPETITOR: Qt.Key.Key_5,
        NoteKind.SIGNAL: Qt.Key.Key_6,
        NoteKind.NEXT_STEP: Qt.Key.Key_7,
        NoteKind.GENERAL: Qt.Key.Key_0,
    }
    for kind, key in keys.items():
        qtbot.keyClicks(box, f"A {kind.value} heard on the call")
        qtbot.keyClick(box, key, CTRL)
    stored = notes_in_db(db_url, clock)
    assert [(k, t) for k, t, *_ in stored] == [
        (kind.value, f"A {kind.value} heard on the call") for kind in keys
    ]
    assert window.calls_view.call_page.model.rowCount() == len(keys)
    assert box.toPlainText() == ""


def test_intensity_quote_worthy_prefixes_and_new_lines(
    qtbot: QtBot, sqlite_url: str, clock: FakeClock
) -> None:
    window = open_window(qtbot, sqlite_url, clock=clock)
    start_call(qtbot, window, "Acme Freight")
    box = focused(window)
    qtbot.keyClick(box, Qt.Key.Key_4, ALT)
    qtbot.keyClick(box, Qt.Key.Key_D, CTRL)
    qtbot.keyClicks(box, "We lose two days a month")
    qtbot.keyClick(box, Qt.Key.Key_Return, SHIFT)
    qtbot.keyClicks(box, "on reconciliation #manual-reporting")
    qtbot.keyClick(box, Qt.Key.Key_1, CTRL)
    qtbot.keyClicks(box, "/obj Your price is double what we pay now")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert notes_in_db(sqlite_url, clock) == [
        (
            "pain",
            "We lose two days a month\non reconciliation #manual-reporting",
            4,
            True,
            ("manual-reporting",),
        ),
        ("objection", "Your price is double what we pay now", None, False, ()),
    ]


def test_text_keeps_every_character_typed(qtbot: QtBot, sqlite_url: str, clock: FakeClock) -> None:
    window = open_window(qtbot, sqlite_url, clock=clock)
    start_call(qtbot, window, "Équipe Générale")
    box = focused(window)
    text = "Ça coûte <b>trop</b> & \u200fשלום\u200f — “vraiment” 😬"
    type_text(qtbot, box, text)
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert notes_in_db(sqlite_url, clock)[0][1] == text


def test_edit_delete_undo_and_redo(qtbot: QtBot, sqlite_url: str, clock: FakeClock) -> None:
    window = open_window(qtbot, sqlite_url, clock=clock)
    start_call(qtbot, window, "Acme Freight")
    box = focused(window)
    qtbot.keyClicks(box, "Budget frozen until Q3")
    qtbot.keyClick(box, Qt.Key.Key_1, CTRL)
    clock.advance(timedelta(seconds=20))
    qtbot.keyClicks(box, "Procurement needs a security review")
    qtbot.keyClick(box, Qt.Key.Key_Return)

    qtbot.keyClick(box, Qt.Key.Key_Up)  # the empty box edits the last note
    assert box.toPlainText() == "Procurement needs a security review"
    qtbot.keyClicks(box, " first")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert [n[1] for n in notes_in_db(sqlite_url, clock)][
        1
    ] == "Procurement needs a security review first"

    qtbot.keyClick(box, Qt.Key.Key_Z, CTRL)
    assert [n[1] for n in notes_in_db(sqlite_url, clock)][
        1
    ] == "Procurement needs a security review"
    qtbot.keyClick(box, Qt.Key.Key_Z, CTRL | SHIFT)
    assert [n[1] for n in notes_in_db(sqlite_url, clock)][
        1
    ] == "Procurement needs a security review first"

    timeline = window.calls_view.call_page.timeline
    timeline.setFocus()
    timeline.setCurrentIndex(timeline.model().index(0, 0))
    qtbot.keyClick(timeline, Qt.Key.Key_Delete)
    assert [n[1] for n in notes_in_db(sqlite_url, clock)] == [
        "Procurement needs a security review first"
    ]
    qtbot.keyClick(timeline, Qt.Key.Key_Z, CTRL)
    assert notes_in_db(sqlite_url, clock)[0][1] == "Budget frozen until Q3"
    assert timeline.model().rowCount() == 2


def test_typing_undo_stays_in_the_box_until_the_box_has_nothing_to_undo(
    qtbot: QtBot, sqlite_url: str, clock: FakeClock
) -> None:
    window = open_window(qtbot, sqlite_url, clock=clock)
    start_call(qtbot, window, "Acme Freight")
    box = focused(window)
    qtbot.keyClicks(box, "Filed note")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    qtbot.keyClicks(box, "half typed")
    qtbot.keyClick(box, Qt.Key.Key_Z, CTRL)
    assert box.toPlainText() != "half typed"
    assert [n[1] for n in notes_in_db(sqlite_url, clock)] == ["Filed note"]


def test_hash_completes_themes_already_in_use(
    qtbot: QtBot, sqlite_url: str, clock: FakeClock
) -> None:
    services = Services.open(sqlite_url, clock=clock)
    earlier = services.calls.start("Older Co")
    services.notes.add(earlier.id, NoteKind.PAIN, "x", tags=["manual-reporting"])
    services.close()
    window = open_window(qtbot, sqlite_url, clock=clock)
    start_call(qtbot, window, "Acme Freight")
    box = focused(window)
    qtbot.waitUntil(lambda: "manual-reporting" in box.tags())  # counted off the GUI thread
    qtbot.keyClicks(box, "Reports by hand #manu")
    popup = box.completer.popup()
    qtbot.waitUntil(popup.isVisible)
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert box.toPlainText() == "Reports by hand #manual-reporting "
    qtbot.keyClick(box, Qt.Key.Key_1, CTRL)
    assert notes_in_db(sqlite_url, clock)[0][4] == ("manual-reporting",)


def test_end_call_moves_it_to_awaiting_review(
    qtbot: QtBot, sqlite_url: str, clock: FakeClock
) -> None:
    window = open_window(qtbot, sqlite_url, clock=clock)
    start_call(qtbot, window, "Acme Freight")
    timer = window.findChild(QLabel, "callTimer")
    assert timer.text().count(":") == 1
    qtbot.keyClick(focused(window), Qt.Key.Key_E, CTRL | SHIFT)
    services = Services.open(sqlite_url, clock=clock)
    try:
        assert services.calls.page(limit=1)[0].status is CallStatus.AWAITING_REVIEW
    finally:
        services.close()
    assert timer.text().startswith("Ended")


def test_checklist_cycles_and_links_a_question_with_keys(
    qtbot: QtBot, sqlite_url: str, clock: FakeClock
) -> None:
    services = Services.open(sqlite_url, clock=clock)
    call = services.calls.start("Acme Freight", framework="BANT")
    question = services.notes.add(
        call.id, NoteKind.QUESTION, "Who signs off?", answer="The CFO, Maria"
    )
    services.close()
    window = open_window(qtbot, sqlite_url, clock=clock)
    view = window.calls_view
    view.select_call(call.id)
    timeline = view.call_page.timeline
    timeline.setCurrentIndex(timeline.model().index(0, 0))
    checklist = view.qualification.list
    checklist.setFocus()
    checklist.setCurrentRow(0)  # budget
    qtbot.keyClick(checklist, Qt.Key.Key_Space)
    checklist.setCurrentRow(1)  # authority
    qtbot.keyClick(checklist, Qt.Key.Key_L)
    services = Services.open(sqlite_url, clock=clock)
    try:
        items = {i.criterion.key: i for i in services.qualification.checklist(call.id)}
    finally:
        services.close()
    assert items["budget"].status is CriterionStatus.ASKED
    assert items["authority"].status is CriterionStatus.ANSWERED
    assert items["authority"].note_ids == (question.id,)
    assert "The CFO, Maria" in checklist.item(1).text()


def test_window_state_and_selection_come_back(
    qtbot: QtBot, sqlite_url: str, clock: FakeClock
) -> None:
    services = Services.open(sqlite_url, clock=clock)
    first = services.calls.start("First Co")
    services.calls.start("Second Co")
    services.close()
    window = open_window(qtbot, sqlite_url, clock=clock)
    window.resize(1100, 700)
    window.calls_view.select_call(first.id)
    splitter = window.calls_view.splitter
    qtbot.waitUntil(lambda: splitter.width() < 1000)  # laid out at the new size
    splitter.setSizes([300, 500, 300])
    centre = splitter.widget(1)
    qtbot.waitUntil(lambda: splitter.sizes()[1] >= centre.minimumSizeHint().width())
    window.close()
    qtbot.waitUntil(lambda: not window.isVisible())  # once its backup is made
    sizes = window.calls_view.splitter.sizes()

    again = open_window(qtbot, sqlite_url, clock=clock)
    assert (again.width(), again.height()) == (1100, 700)
    assert again.calls_view.selected_call_id() == first.id

    def restored() -> bool:  # to within a few pixels of frame and handle rounding
        now = again.calls_view.splitter.sizes()
        return all(abs(a - b) <= 8 for a, b in zip(now, sizes, strict=True))

    qtbot.waitUntil(restored, timeout=1000)


def test_the_call_list_loads_in_pages(qtbot: QtBot, sqlite_url: str, clock: FakeClock) -> None:
    from desktop.demo import generate

    services = Services.open(sqlite_url, clock=clock)
    generate(services, calls=450, months=6, seed=3, now=clock())
    services.close()
    window = open_window(qtbot, sqlite_url, clock=clock)
    model = window.calls_view.model
    assert model.rowCount() == 200
    window.calls_view.call_list.scrollToBottom()
    qtbot.waitUntil(lambda: model.rowCount() == 400)
    window.calls_view.call_list.scrollToBottom()
    qtbot.waitUntil(lambda: model.rowCount() == 450)
    assert not model.canFetchMore()
    assert len({model.index(i, 0).data(CALL_ID_ROLE) for i in range(450)}) == 450


def test_unsent_text_is_kept_as_a_draft_and_put_back(
    qtbot: QtBot, sqlite_url: str, clock: FakeClock
) -> None:
    window = open_window(qtbot, sqlite_url, clock=clock)
    start_call(qtbot, window, "Acme Freight")
    qtbot.keyClicks(focused(window), "They said the board meets in")
    call_id = window.calls_view.call_page.call.id
    qtbot.waitUntil(lambda: window.drafts.load(call_id) is not None, timeout=3000)
    assert window.drafts.load(call_id).text == "They said the board meets in"
    window.close()

    again = open_window(qtbot, sqlite_url, clock=clock)
    box = again.calls_view.call_page.capture.input
    assert again.calls_view.call_page.call.id == call_id
    assert box.toPlainText() == "They said the board meets in"
    bar = again.findChild(QWidget, "draftBar")
    assert bar is None or not bar.isVisible()  # it is back: nothing more to offer
    qtbot.waitUntil(lambda: again.focusWidget() is box)
    qtbot.keyClicks(focused(again), " May")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert again.drafts.load(call_id) is None
    assert notes_in_db(sqlite_url, clock)[0][1] == "They said the board meets in May"


def test_shortcut_list_comes_from_the_actions(
    qtbot: QtBot, sqlite_url: str, clock: FakeClock
) -> None:
    window = open_window(qtbot, sqlite_url, clock=clock)
    rows = {keys: does for _where, keys, does in window.shortcut_table()}
    assert "Ctrl+1" in rows and "Alt+5" in rows and "Ctrl+D" in rows and "Ctrl+N" in rows
    for action in window.action_table.values():
        if not action.shortcut().isEmpty():
            assert action.shortcut().toString() in action.toolTip()


def test_unknown_call_id_in_settings_is_ignored(
    qtbot: QtBot, sqlite_url: str, clock: FakeClock
) -> None:
    from ui.settings import Settings

    Settings().last_call = str(uuid.uuid4())
    window = open_window(qtbot, sqlite_url, clock=clock)
    assert window.calls_view.selected_call_id() is None


def test_a_killed_capture_loses_no_note_and_offers_its_draft(
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
    watchdog = threading.Timer(60, worker.kill)  # a hung worker fails the test, not the run
    watchdog.start()
    with worker:
        assert worker.stdout is not None
        try:
            assert worker.stdout.readline().strip() == "typing"
        finally:
            worker.kill()
            watchdog.cancel()
    assert worker.returncode == -signal.SIGKILL

    assert [n[1] for n in notes_in_db(sqlite_url, clock)] == [f"Filed note {n}" for n in range(3)]
    window = open_window(qtbot, sqlite_url, clock=clock)
    qtbot.mouseClick(window.findChild(QWidget, "draftRestore"), Qt.MouseButton.LeftButton)
    assert window.calls_view.call_page.capture.input.toPlainText() == UNSENT


def test_the_call_list_narrows_by_name_and_theme(
    qtbot: QtBot, sqlite_url: str, clock: FakeClock
) -> None:
    services = Services.open(sqlite_url, clock=clock)
    priced = services.calls.start("Acme Freight", rep="Rita")
    services.notes.add(priced.id, NoteKind.OBJECTION, "Too expensive #price")
    services.calls.start("Globex", rep="Rita")
    services.calls.start("Acme Bakery", rep="Sam")
    services.close()
    window = open_window(qtbot, sqlite_url, clock=clock)
    view = window.calls_view
    qtbot.keyClick(window, Qt.Key.Key_F, CTRL)
    assert view.search_box.hasFocus()

    def accounts() -> list[str]:
        return sorted(view.model.index(i, 1).data() for i in range(view.model.rowCount()))

    qtbot.keyClicks(view.search_box, "acme")
    qtbot.waitUntil(lambda: accounts() == ["Acme Bakery", "Acme Freight"])
    qtbot.keyClicks(view.search_box, " #price")
    qtbot.waitUntil(lambda: accounts() == ["Acme Freight"])
    view.search_box.clear()
    view.rep_filter.setCurrentIndex(view.rep_filter.findData("Sam"))
    qtbot.waitUntil(lambda: accounts() == ["Acme Bakery"])


def test_sample_data_loads_off_the_gui_thread_from_the_welcome(
    qtbot: QtBot, sqlite_url: str, clock: FakeClock
) -> None:
    window = open_window(qtbot, sqlite_url, clock=clock)
    assert window.calls_view.centre.currentWidget().objectName() == "welcomePage"
    # The welcome's button opens the sample database (tests/ui/test_sample.py), whose
    # window fills it when it opens empty.
    with qtbot.waitSignal(window.jobs.started):
        window.show_as_sample()
    qtbot.waitUntil(lambda: window.calls_view.model.rowCount() == 40, timeout=30_000)
    assert window.calls_view.centre.currentWidget().objectName() == "noCallPage"
    assert "Added 40 calls" in window.statusBar().currentMessage()


def test_a_note_the_database_refuses_is_kept_queued_and_saved_later(
    qtbot: QtBot, sqlite_url: str, clock: FakeClock
) -> None:
    window = open_window(qtbot, sqlite_url, clock=clock)
    start_call(qtbot, window, "Acme Freight")
    box = focused(window)
    page = window.calls_view.call_page
    qtbot.keyClicks(box, "Saved before the trouble")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    with read_only(window.services, sqlite_url):
        qtbot.keyClicks(box, "Budget frozen until Q3")
        qtbot.keyClick(box, Qt.Key.Key_1, CTRL)
        assert box.toPlainText() == ""  # the box is free for the next note
        queued = page.model.note_at(1)
        assert queued.text == "Budget frozen until Q3" and page.model.is_pending(queued.id)
        assert "Not saved yet" in page.capture.error.text()
        assert [n.note_id for n in window.outbox.pending()] == [queued.id]
        assert [n[1] for n in notes_in_db(sqlite_url, clock)] == ["Saved before the trouble"]
    qtbot.waitUntil(lambda: len(notes_in_db(sqlite_url, clock)) == 2, timeout=15_000)
    assert notes_in_db(sqlite_url, clock)[1][:2] == ("pain", "Budget frozen until Q3")
    qtbot.waitUntil(lambda: not page.model.is_pending(queued.id))
    assert not page.capture.error.isVisible()
    assert window.outbox.pending() == []


def test_queued_notes_survive_a_restart(qtbot: QtBot, sqlite_url: str, clock: FakeClock) -> None:
    window = open_window(qtbot, sqlite_url, clock=clock)
    start_call(qtbot, window, "Acme Freight")
    box = focused(window)
    with read_only(window.services, sqlite_url):
        qtbot.keyClicks(box, "Kept through a restart")
        qtbot.keyClick(box, Qt.Key.Key_Return)
        window.outbox.stop()
        window.close()
    assert notes_in_db(sqlite_url, clock) == []
    again = open_window(qtbot, sqlite_url, clock=clock)
    qtbot.waitUntil(lambda: again.outbox.pending() == [], timeout=15_000)
    assert [n[1] for n in notes_in_db(sqlite_url, clock)] == ["Kept through a restart"]


def test_killing_capture_at_random_moments_loses_no_filed_note(
    qtbot: QtBot, sqlite_url: str, ui_env: Path, clock: FakeClock, rng: random.Random
) -> None:
    """kill -9 of the window while it files notes as fast as it can, at random moments,
    then once mid-sentence: every note whose Enter returned is stored, the database is
    sound, and the half-typed note is offered back."""
    import time

    from desktop.storage import maintenance

    services = Services.open(sqlite_url, clock=clock)
    call = services.calls.start("Flooded Co")
    services.close()
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])}
    filed: list[str] = []
    for round_ in range(4):
        pause = ["25"] if round_ == 3 else []  # the last time, killed mid-sentence
        worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.helpers.capture_flood",
                sqlite_url,
                str(ui_env / "qs"),
                *pause,
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
            lines = [worker.stdout.readline().strip()]  # it is filing
            if pause:
                while lines[-1] != "paused":
                    lines.append(worker.stdout.readline().strip())
                lines.pop()
            else:
                time.sleep(rng.uniform(0.05, 1.0))  # a random moment
            worker.kill()
            lines += [line.strip() for line in worker.stdout]
            watchdog.cancel()
        assert worker.returncode == -signal.SIGKILL
        filed += [line for line in lines if line]
    stored = {n[1] for n in notes_in_db(sqlite_url, clock)}
    assert set(filed) <= stored, f"lost {set(filed) - stored}"
    assert maintenance.check(sqlite_url).startswith("ok: ")

    window = open_window(qtbot, sqlite_url, clock=clock)
    draft = window.drafts.load(call.id)
    assert draft is not None and draft.text.startswith("Flood note ")
    qtbot.mouseClick(window.findChild(QWidget, "draftRestore"), Qt.MouseButton.LeftButton)
    assert window.calls_view.call_page.capture.input.toPlainText() == draft.text


def test_a_call_opens_and_takes_notes_while_the_themes_are_counted(
    qtbot: QtBot, sqlite_url: str, clock: FakeClock
) -> None:
    """At a million notes counting the themes takes half a second: never before the
    capture box takes keys, and what is filed meanwhile is offered with the rest."""
    services = Services.open(sqlite_url, clock=clock)
    earlier = services.calls.start("Older Co")
    services.notes.add(earlier.id, NoteKind.PAIN, "x", tags=["manual-reporting"])
    services.close()
    window = open_window(qtbot, sqlite_url, clock=clock)
    counting, counted = threading.Event(), threading.Event()
    real = window.services.notes.tags_in_use

    def slow_count(*args: Any, **kwargs: Any) -> Any:
        counting.set()
        counted.wait(10)
        return real(*args, **kwargs)

    window.services.notes.tags_in_use = slow_count  # type: ignore[method-assign]
    start_call(qtbot, window, "Acme Freight")
    qtbot.waitUntil(counting.is_set)
    box = focused(window)
    qtbot.keyClicks(box, "Security review takes weeks #security-review")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    calls = window.services.calls
    filed = [n.text for row in calls.page() for n in calls.notes(row.id)]
    assert "Security review takes weeks #security-review" in filed
    counted.set()
    qtbot.waitUntil(lambda: "manual-reporting" in box.tags())
    assert "security-review" in box.tags()


def test_a_theme_just_used_is_offered_at_once(
    qtbot: QtBot, sqlite_url: str, clock: FakeClock
) -> None:
    window = open_window(qtbot, sqlite_url, clock=clock)
    start_call(qtbot, window, "Acme Freight")
    box = focused(window)
    qtbot.keyClicks(box, "Security review takes weeks #security-review")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    qtbot.keyClicks(box, "Again the #secu")
    popup = box.completer.popup()
    qtbot.waitUntil(popup.isVisible)
    assert box.completer.currentCompletion() == "security-review"
