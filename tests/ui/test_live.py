"""Team mode, live: a rep's window shows what the marketer files on another machine
(here, other services on the same PostgreSQL database) as it commits, without losing
the note selected, the scroll or the text being typed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPlainTextEdit
from pytestqt.qtbot import QtBot

from desktop.config import save_identity
from desktop.domain import NoteKind, Role
from desktop.services import Services
from tests.fakes import FakeClock
from tests.ui.support import CTRL, SHIFT, focused, open_window, start_call
from ui.models.review import ROW_ROLE

pytestmark = pytest.mark.parametrize("db_url", ["postgres"], indirect=True)

#: Slack for a loaded machine; the window's own pace is one poll (half a second).
LIVE_MS = 5000


@pytest.fixture
def marketer(db_url: str, clock: FakeClock) -> Iterator[Services]:
    """The marketer's machine: another connection to the team database."""
    opened = Services.open(db_url, clock=clock)
    yield opened
    opened.close()


def test_the_call_page_shows_a_teammates_note_and_keeps_the_typing(
    qtbot: QtBot, db_url: str, clock: FakeClock, marketer: Services
) -> None:
    call = marketer.calls.start("Acme Freight", rep="Rita Rep", marketer="Mia")
    first = marketer.notes.add(call.id, NoteKind.PAIN, "Reporting takes two days")
    clock.advance(timedelta(seconds=30))
    marketer.notes.add(call.id, NoteKind.OBJECTION, "Too expensive")
    save_identity("Rita Rep", Role.REP)
    window = open_window(qtbot, db_url, clock=clock)
    qtbot.waitUntil(lambda: window.live is not None and window.live.online is True)
    window.calls_view.select_call(call.id)
    page = window.calls_view.call_page
    qtbot.waitUntil(lambda: page.model.rowCount() == 2)
    page.timeline.setFocus()
    qtbot.keyClick(page.timeline, Qt.Key.Key_Home)
    assert page.timeline.currentIndex().row() == 0
    box = window.findChild(QPlainTextEdit, "captureInput")
    box.setFocus()
    qtbot.keyClicks(box, "They also run it on Sund")

    clock.advance(timedelta(seconds=30))
    added = marketer.notes.add(call.id, NoteKind.QUOTE, "We spend Mondays on it")
    qtbot.waitUntil(lambda: page.model.rowCount() == 3, timeout=LIVE_MS)
    assert page.model.note_at(2).id == added.id
    assert page.model.note_at(page.timeline.currentIndex().row()).id == first.id
    assert box.toPlainText() == "They also run it on Sund" and box.hasFocus()
    calls = window.calls_view.model
    assert calls.index(calls.row_of(call.id), 3).data() == "3"  # the list's Notes column
    assert window.calls_view.selected_call_id() == call.id

    # The window's own note is shown once, not again when its notification comes back.
    qtbot.keyClicks(box, "ays too")
    qtbot.keyClick(box, Qt.Key.Key_1, CTRL)
    assert page.model.rowCount() == 4
    marketer.notes.add(call.id, NoteKind.SIGNAL, "Asked for pricing")
    qtbot.waitUntil(lambda: page.model.rowCount() == 5, timeout=LIVE_MS)
    assert [page.model.note_at(r).text for r in range(5)].count(
        "They also run it on Sundays too"
    ) == 1


def test_the_review_shows_a_teammates_note_and_keeps_the_comment_being_typed(
    qtbot: QtBot, db_url: str, clock: FakeClock, marketer: Services
) -> None:
    call = marketer.calls.start("Acme Freight", rep="Rita Rep", marketer="Mia")
    marketer.notes.add(call.id, NoteKind.PAIN, "Reporting takes two days", offset_ms=60_000)
    second = marketer.notes.add(call.id, NoteKind.OBJECTION, "Too expensive", offset_ms=120_000)
    marketer.calls.end(call.id)
    save_identity("Rita Rep", Role.REP)
    window = open_window(qtbot, db_url, clock=clock)
    qtbot.waitUntil(lambda: window.live is not None and window.live.online is True)
    qtbot.keyClick(window, Qt.Key.Key_2, CTRL | SHIFT)
    view = window.review_view
    inbox = view.inbox
    inbox.setFocus()
    qtbot.keyClick(inbox, Qt.Key.Key_Return)
    panel = view.panel
    assert panel.model.rowCount() == 2
    panel.notes.setFocus()
    qtbot.keyClick(panel.notes, Qt.Key.Key_J)  # to the objection
    assert panel.current().note.id == second.id
    qtbot.keyClick(panel.notes, Qt.Key.Key_M)  # comment on it
    qtbot.keyClicks(panel.editor, "Did they say compared to wh")

    late = marketer.notes.add(call.id, NoteKind.QUOTE, "Mondays are lost", offset_ms=90_000)
    qtbot.waitUntil(lambda: panel.model.rowCount() == 3, timeout=LIVE_MS)
    assert [it.note.id for it in panel.model.items()][1] == late.id
    assert panel.current().note.id == second.id
    assert panel.editor.toPlainText() == "Did they say compared to wh" and panel.editor.hasFocus()
    inbox_row = view.inbox_model.index(view.inbox_model.row_of(call.id)).data(ROW_ROLE)
    assert inbox_row.call.note_count == 3

    qtbot.keyClicks(panel.editor, "om?")
    qtbot.keyClick(panel.editor, Qt.Key.Key_Return)
    stored = marketer.review.annotations([second.id])[second.id]
    assert [a.comment for a in stored] == ["Did they say compared to whom?"]


def test_search_results_and_the_call_list_take_in_a_teammates_writes(
    qtbot: QtBot, db_url: str, clock: FakeClock, marketer: Services
) -> None:
    call = marketer.calls.start("Acme Freight", rep="Rita Rep", marketer="Mia")
    first = marketer.notes.add(call.id, NoteKind.PAIN, "Budget frozen until Q3")
    window = open_window(qtbot, db_url, clock=clock)
    qtbot.waitUntil(lambda: window.live is not None and window.live.online is True)
    qtbot.keyClick(window, Qt.Key.Key_3, CTRL | SHIFT)
    search = window.search_view
    qtbot.keyClicks(search.query, "budget")
    qtbot.waitUntil(lambda: search.model.rowCount() == 1)
    search.results.setFocus()
    qtbot.keyClick(search.results, Qt.Key.Key_Down)
    assert search.current_note_id() == first.id

    other = marketer.calls.start("Globex", rep="Rita Rep", marketer="Mia")
    marketer.notes.add(other.id, NoteKind.OBJECTION, "No budget this year")
    qtbot.waitUntil(lambda: search.model.rowCount() == 2, timeout=LIVE_MS)
    assert search.current_note_id() == first.id
    assert search.query.text() == "budget"
    calls = window.calls_view.model
    qtbot.waitUntil(lambda: calls.row_of(other.id) >= 0, timeout=LIVE_MS)


def test_two_windows_on_one_team_database(qtbot: QtBot, db_url: str, clock: FakeClock) -> None:
    """The marketer's window files, the rep's window shows it while the rep types."""
    mia = open_window(qtbot, db_url, clock=clock)
    start_call(qtbot, mia, "Acme Freight")
    mia_box = focused(mia)
    qtbot.keyClicks(mia_box, "Reporting takes two days")
    qtbot.keyClick(mia_box, Qt.Key.Key_Return)
    call = mia.calls_view.call_page.call
    assert call is not None

    rita = open_window(qtbot, db_url, clock=clock)
    qtbot.waitUntil(lambda: rita.live is not None and rita.live.online is True)
    rita.calls_view.select_call(call.id)
    page = rita.calls_view.call_page
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)
    page.timeline.setFocus()
    qtbot.keyClick(page.timeline, Qt.Key.Key_Home)
    rita_box = rita.findChild(QPlainTextEdit, "captureInput")
    rita_box.setFocus()
    qtbot.keyClicks(rita_box, "Ask who signs off ab")

    clock.advance(timedelta(seconds=40))
    qtbot.keyClicks(mia_box, "Too expensive for this quarter")
    qtbot.keyClick(mia_box, Qt.Key.Key_Return)  # filed in Mia's window, Enter in her box
    qtbot.waitUntil(lambda: page.model.rowCount() == 2, timeout=LIVE_MS)
    assert page.model.note_at(1).text == "Too expensive for this quarter"
    assert page.timeline.currentIndex().row() == 0
    assert rita_box.toPlainText() == "Ask who signs off ab"
    assert mia.calls_view.call_page.model.rowCount() == 2  # shown once in Mia's own window
