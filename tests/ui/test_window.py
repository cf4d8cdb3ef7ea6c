"""The window as a whole, from the keyboard: it fits a laptop beside a video call, every
list shows where the keys go, Esc and Enter do what they say, F1 names every key, and
it remembers (the last view, who you are) and tells (how many notes are unreviewed,
the period a report covers, counts that read properly)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from pypdf import PdfReader
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractButton,
    QDialog,
    QLabel,
    QPushButton,
    QTableWidget,
    QWidget,
)
from pytestqt.qtbot import QtBot

from desktop.clock import local_today
from desktop.config import load_identity, save_identity
from desktop.domain import CallStatus, Grade, NoteKind, Outcome, ReviewStatus, Role, Verdict
from desktop.services import Services
from desktop.services.periods import Period
from tests.fakes import FakeClock
from tests.ui.support import ALT, CTRL, SHIFT, focused, open_window, start_call
from ui.actions import ActionId
from ui.jobs import Job
from ui.mainwindow import MainWindow

LAPTOP = (1024, 640)


def readable(widget: QWidget) -> bool:
    """On screen and not cut: a wrapped label as tall as its lines, anything else as wide
    as it asks to be, and no parent cutting off its right-hand side."""
    if not widget.isVisible():
        return False
    if isinstance(widget, QLabel) and widget.wordWrap():
        whole = widget.height() >= widget.heightForWidth(widget.width())
    else:
        whole = widget.width() >= widget.sizeHint().width()
    parent = widget.parentWidget()
    while whole and parent is not None:
        left = widget.mapTo(parent, QPoint(0, 0)).x()
        whole = left >= 0 and left + widget.width() <= parent.width()
        parent = parent.parentWidget()
    return whole


def assert_readable(qtbot: QtBot, widgets: list[QWidget]) -> None:
    """Once the window has laid itself out, every one of `widgets` reads whole."""
    try:
        qtbot.waitUntil(lambda: all(readable(w) for w in widgets), timeout=2000)
    except AssertionError:
        cut = [w.objectName() or getattr(w, "text", str)() for w in widgets if not readable(w)]
        raise AssertionError(f"cut or hidden: {cut}") from None


def shrink_to_laptop(qtbot: QtBot, window: MainWindow) -> None:
    window.resize(*LAPTOP)
    qtbot.waitUntil(lambda: window.width() <= LAPTOP[0] and window.height() <= LAPTOP[1])


def ended_call(url: str, clock: FakeClock) -> object:
    """A call of four notes, one of them confirmed, waiting for the rep."""
    services = Services.open(url, clock=clock)
    try:
        call = services.calls.start("Acme Freight", rep="Rita Rep", framework="BANT")
        notes = [
            services.notes.add(call.id, kind, text, offset_ms=ms, intensity=intensity)
            for kind, text, ms, intensity in (
                (NoteKind.PAIN, "Reporting takes two days", 60_000, 4),
                (NoteKind.OBJECTION, "Too expensive", 120_000, None),
                (NoteKind.QUOTE, "We spend Mondays on it", 180_000, 5),
                (NoteKind.SIGNAL, "Asked for pricing", 240_000, None),
            )
        ]
        services.review.annotate(notes[0].id, Verdict.CONFIRMED, "Rita Rep")
        services.calls.end(call.id)
        return call
    finally:
        services.close()


def open_as_rep(qtbot: QtBot, url: str, clock: FakeClock) -> MainWindow:
    save_identity("Rita Rep", Role.REP)
    return open_window(qtbot, url, clock=clock)


# -- fits a laptop --------------------------------------------------------------------


def test_a_live_call_fits_1024x640_and_keeps_taking_notes(
    qtbot: QtBot, sqlite_url: str, clock: FakeClock
) -> None:
    save_identity("Priya Marketer", Role.MARKETER)
    window = open_window(qtbot, sqlite_url, clock=clock)
    shrink_to_laptop(qtbot, window)
    start_call(qtbot, window, "Northwind Logistics and Freight Forwarding International")
    box = focused(window)
    for intensity, text in ((Qt.Key.Key_4, "Rebuild the pipeline report by hand"), (None, "Q3")):
        if intensity is not None:
            qtbot.keyClick(box, intensity, ALT)
        qtbot.keyClicks(box, text)
        qtbot.keyClick(box, Qt.Key.Key_1, CTRL)
    qtbot.keyClick(box, Qt.Key.Key_3, ALT)

    # Opening the call did not make the window grow past the laptop's screen.
    assert window.width() <= LAPTOP[0] and window.height() <= LAPTOP[1]
    page = window.calls_view.call_page
    assert_readable(
        qtbot,
        [
            page.title,
            page.subtitle,
            page.timer_label,
            page.end_button,
            page.capture.intensity_label,
            page.capture.quote_button,
            page.capture.input,
            page.timeline,
            *page.capture.findChildren(QAbstractButton),
            *window.calls_view.details.findChildren(QLabel),
        ],
    )
    assert page.capture.intensity_label.text().startswith("Intensity ●●●")
    assert page.timeline.model().rowCount() == 2

    qtbot.keyClicks(box, "Still typing at 1024x640")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    services = Services.open(sqlite_url, clock=clock)
    try:
        call = services.calls.page(limit=1)[0]
        assert [n.text for n in services.calls.notes(call.id)][-1] == "Still typing at 1024x640"
    finally:
        services.close()


def test_reviewing_and_grading_fit_1024x640(
    qtbot: QtBot, sqlite_url: str, clock: FakeClock
) -> None:
    call = ended_call(sqlite_url, clock)
    window = open_as_rep(qtbot, sqlite_url, clock)
    shrink_to_laptop(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_2, CTRL | SHIFT)
    view = window.review_view
    view.open_call(call.id)
    qtbot.keyClick(view.panel.notes, Qt.Key.Key_M, ALT)
    assert window.width() <= LAPTOP[0] and window.height() <= LAPTOP[1]
    grade = view.grade
    assert_readable(
        qtbot,
        [
            *grade.buttons.values(),
            grade.reason,
            grade.submit_button,
            grade.gaps,
            grade.outcome,
            view.panel.subheading,
            *view.panel.buttons.findChildren(QPushButton),
        ],
    )


def test_side_panels_collapse_to_make_room_and_come_back(
    qtbot: QtBot, sqlite_url: str, clock: FakeClock
) -> None:
    window = open_window(qtbot, sqlite_url, clock=clock)
    shrink_to_laptop(qtbot, window)
    start_call(qtbot, window, "Acme")
    splitter = window.calls_view.splitter
    timeline = window.calls_view.call_page.timeline
    before = timeline.width()
    box = focused(window)

    assert all(size > 100 for size in splitter.sizes())
    qtbot.keyClick(box, Qt.Key.Key_D, CTRL | SHIFT)
    qtbot.keyClick(box, Qt.Key.Key_L, CTRL | SHIFT)
    assert splitter.sizes()[0] == 0 and splitter.sizes()[2] == 0
    assert timeline.width() > before + 300
    assert focused(window) is box  # the capture box keeps the keys

    qtbot.keyClick(box, Qt.Key.Key_D, CTRL | SHIFT)
    assert splitter.sizes()[2] > 0
    assert_readable(qtbot, window.calls_view.details.findChildren(QLabel))

    qtbot.keyClick(box, Qt.Key.Key_L, CTRL | SHIFT)
    assert splitter.sizes()[0] > 0
    window.calls_view.call_list.setFocus()
    qtbot.keyClick(window.calls_view.call_list, Qt.Key.Key_L, CTRL | SHIFT)
    assert splitter.sizes()[0] == 0
    assert window.calls_view.call_page.isAncestorOf(focused(window))


def test_a_verdict_in_the_timeline_has_a_line_of_its_own(
    qtbot: QtBot, sqlite_url: str, clock: FakeClock
) -> None:
    call = ended_call(sqlite_url, clock)
    window = open_window(qtbot, sqlite_url, clock=clock)
    window.calls_view.select_call(call.id)
    timeline = window.calls_view.call_page.timeline
    confirmed = timeline.model().index(0)
    assert confirmed.data(Qt.ItemDataRole.UserRole + 1).review_status is ReviewStatus.CONFIRMED
    line = timeline.fontMetrics().height() * 0.85
    # One line of text, but the dots and the verdict under them: two lines, not one.
    assert timeline.visualRect(confirmed).height() >= 2 * line
    below = timeline.visualRect(timeline.model().index(1))
    assert below.top() >= timeline.visualRect(confirmed).bottom()


# -- keyboard ---------------------------------------------------------------------------


def test_esc_clears_the_call_list_filter_then_the_others(
    qtbot: QtBot, sqlite_url: str, clock: FakeClock
) -> None:
    services = Services.open(sqlite_url, clock=clock)
    for account in ("Acme", "Globex", "Initech"):
        services.calls.start(account)
    services.close()
    window = open_window(qtbot, sqlite_url, clock=clock)
    view = window.calls_view
    qtbot.keyClick(window, Qt.Key.Key_F, CTRL)
    box = focused(window)
    assert box is view.search_box
    qtbot.keyClicks(box, "glob")
    qtbot.waitUntil(lambda: view.model.rowCount() == 1)
    view.status_filter.setCurrentIndex(view.status_filter.findData(CallStatus.REVIEWED.value))
    qtbot.keyClick(box, Qt.Key.Key_Escape)
    assert box.text() == ""
    assert view.model.rowCount() == 0  # the status filter still holds
    qtbot.keyClick(box, Qt.Key.Key_Escape)
    assert view.status_filter.currentIndex() == 0
    assert view.model.rowCount() == 3
    assert box.hasFocus()


def test_search_down_selects_the_first_hit_enter_opens_it_esc_clears(
    qtbot: QtBot, sqlite_url: str, clock: FakeClock
) -> None:
    services = Services.open(sqlite_url, clock=clock)
    call = services.calls.start("Acme")
    services.notes.add(call.id, NoteKind.PAIN, "Budget frozen until Q3")
    note = services.notes.add(call.id, NoteKind.PAIN, "Budget approval takes months")
    services.close()
    window = open_window(qtbot, sqlite_url, clock=clock)
    qtbot.keyClick(window, Qt.Key.Key_3, CTRL | SHIFT)
    view = window.search_view
    box = focused(window)
    assert box is view.query
    with qtbot.waitSignal(view.results_shown, timeout=10_000):
        qtbot.keyClicks(box, "budget")
    assert view.model.rowCount() == 2
    qtbot.keyClick(box, Qt.Key.Key_Down)
    assert view.results.hasFocus()
    assert [i.row() for i in view.results.selectionModel().selectedRows()] == [0]
    qtbot.keyClick(view.results, Qt.Key.Key_Up)  # from the first: back to the box
    assert box.hasFocus()
    qtbot.keyClick(box, Qt.Key.Key_Down)
    qtbot.keyClick(view.results, Qt.Key.Key_Down)
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_Down)  # the first again, whatever was selected
    assert [i.row() for i in view.results.selectionModel().selectedRows()] == [0]
    qtbot.keyClick(view.results, Qt.Key.Key_Down)
    wanted = view.current_note_id()
    assert wanted is not None
    qtbot.keyClick(view.results, Qt.Key.Key_Return)
    assert window.views.currentWidget() is window.calls_view
    assert window.calls_view.call_page.timeline.current_note().id == wanted

    # Enter in the box opens the hit selected there.
    qtbot.keyClick(window, Qt.Key.Key_3, CTRL | SHIFT)
    view.results.setCurrentIndex(view.model.index(view.model.row_of(note.id)))
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert window.calls_view.call_page.timeline.current_note().id == note.id

    qtbot.keyClick(window, Qt.Key.Key_3, CTRL | SHIFT)
    assert box.hasFocus()
    qtbot.keyClick(box, Qt.Key.Key_Escape)
    assert box.text() == ""


def test_every_list_shows_where_the_focus_is(
    qtbot: QtBot, sqlite_url: str, clock: FakeClock
) -> None:
    call = ended_call(sqlite_url, clock)
    window = open_as_rep(qtbot, sqlite_url, clock)
    window.calls_view.select_call(call.id)
    views = window.calls_view
    for widget in (
        views.call_list,
        views.call_page.timeline,
        views.qualification.list,
        window.sidebar,
    ):
        widget.setFocus()
        qtbot.waitUntil(widget.hasFocus)
        focused_look = widget.grab().toImage()
        window.calls_view.call_page.capture.input.setFocus()
        qtbot.waitUntil(lambda w=widget: not w.hasFocus())
        plain_look = widget.grab().toImage()
        middle = widget.height() // 2
        assert focused_look.pixel(0, middle) != plain_look.pixel(0, middle), widget.objectName()


def test_tab_in_why_this_grade_moves_on(qtbot: QtBot, sqlite_url: str, clock: FakeClock) -> None:
    call = ended_call(sqlite_url, clock)
    window = open_as_rep(qtbot, sqlite_url, clock)
    window.review_view.open_call(call.id)
    reason = window.review_view.grade.reason
    reason.setFocus()
    qtbot.keyClicks(reason, "Pain confirmed")
    qtbot.keyClick(reason, Qt.Key.Key_Tab)
    assert not reason.hasFocus()
    assert reason.toPlainText() == "Pain confirmed"


def test_alt_o_goes_to_the_deal_outcome_and_enter_saves_it(
    qtbot: QtBot, sqlite_url: str, clock: FakeClock
) -> None:
    call = ended_call(sqlite_url, clock)
    window = open_as_rep(qtbot, sqlite_url, clock)
    window.calls_view.select_call(call.id)
    window.calls_view.call_list.setFocus()
    qtbot.keyClick(window.calls_view.call_list, Qt.Key.Key_O, ALT)
    grade = window.review_view.grade
    assert window.views.currentWidget() is window.review_view
    assert grade.outcome.hasFocus()
    qtbot.keyClick(grade.outcome, Qt.Key.Key_Down)
    assert grade.outcome.currentData() == Outcome.WON.value
    qtbot.keyClick(grade.outcome, Qt.Key.Key_Return)
    services = Services.open(sqlite_url, clock=clock)
    try:
        assert services.calls.get(call.id).account.outcome is Outcome.WON
    finally:
        services.close()


def _bound_keys(window: MainWindow) -> set[str]:
    """Every key the window answers to, as its text ("Ctrl+Enter" for Ctrl+Return)."""
    sequences: list[QKeySequence] = []
    for action in window.findChildren(QAction):
        sequences += action.shortcuts()
    for shortcut in window.findChildren(QShortcut):
        sequences += shortcut.keys()
    texts = {s.toString(QKeySequence.SequenceFormat.NativeText) for s in sequences}
    return {t.replace("Return", "Enter") for t in texts if t}


def test_f1_lists_every_key_and_opens_wide_enough_to_read(
    qtbot: QtBot, sqlite_url: str, clock: FakeClock
) -> None:
    window = open_window(qtbot, sqlite_url, clock=clock)
    listed = {keys for _where, keys, _does in window.shortcut_table()}
    listed_keys = {part.strip() for keys in listed for part in keys.split(",")}
    missing = _bound_keys(window) - listed_keys - {"Ctrl+Y", "Ctrl+Shift+Z"}
    assert not missing, f"bound but not in F1 (declare them in ui/actions.py): {missing}"
    for key in ("J", "K", "C", "X", "E", "M", "T", "Alt+M", "Alt+S", "Alt+U", "Ctrl+Enter"):
        assert key in listed_keys, key
    assert "Alt+O" in listed_keys

    qtbot.keyClick(window, Qt.Key.Key_F1)
    dialog = window.findChild(QDialog, "shortcutsDialog")
    qtbot.waitUntil(dialog.isVisible)
    table = dialog.findChild(QTableWidget, "shortcutsTable")
    assert not table.horizontalScrollBar().isVisible()
    for column in range(table.columnCount()):
        assert table.columnWidth(column) >= table.sizeHintForColumn(column)
    assert dialog.width() <= window.screen().availableGeometry().width()


# -- remembers and tells ----------------------------------------------------------------


def test_the_last_view_is_reopened(qtbot: QtBot, sqlite_url: str, clock: FakeClock) -> None:
    ended_call(sqlite_url, clock)
    window = open_as_rep(qtbot, sqlite_url, clock)
    qtbot.keyClick(window, Qt.Key.Key_2, CTRL | SHIFT)
    window.close()
    qtbot.waitUntil(lambda: not window.isVisible())  # once its backup is made
    again = open_window(qtbot, sqlite_url, clock=clock)
    assert again.views.currentWidget() is again.review_view
    assert again.sidebar.currentItem().text() == "Review"
    assert again.review_view.inbox_model.rowCount() == 1  # loaded, not just shown
    assert again.review_view.isAncestorOf(focused(again))


def test_the_first_run_asks_with_an_empty_name_and_who_you_are_stays_in_sight(
    qtbot: QtBot, sqlite_url: str, clock: FakeClock
) -> None:
    window = open_window(qtbot, sqlite_url, clock=clock)
    bar = window.identity_bar
    assert bar.isVisible()
    assert bar.name.text() == ""
    assert window.identity_button.text() == "Who are you?"
    bar.name.setFocus()
    qtbot.keyClick(bar.name, Qt.Key.Key_Return)
    assert "must not be empty" in bar.findChild(QLabel, "identityError").text()
    assert bar.isVisible()
    qtbot.keyClicks(bar.name, "Priya Marketer")
    qtbot.keyClick(bar.name, Qt.Key.Key_Return)
    assert not bar.isVisible()
    assert "Priya Marketer" in window.identity_button.text()

    # Changed from the menu action (or the status bar), Esc leaves it as it was.
    window.action_table[ActionId.SET_IDENTITY].trigger()
    assert bar.isVisible() and bar.name.text() == "Priya Marketer" and bar.name.hasFocus()
    qtbot.keyClick(bar.name, Qt.Key.Key_Escape)
    assert not bar.isVisible()
    qtbot.mouseClick(window.identity_button, Qt.MouseButton.LeftButton)
    bar.name.selectAll()
    qtbot.keyClicks(bar.name, "Priya Shah")
    qtbot.keyClick(bar.name, Qt.Key.Key_Return)
    assert load_identity().name == "Priya Shah"
    assert "Priya Shah" in window.identity_button.text()


def test_grading_with_notes_unreviewed_says_how_many_and_asks_in_place(
    qtbot: QtBot, sqlite_url: str, clock: FakeClock
) -> None:
    call = ended_call(sqlite_url, clock)
    window = open_as_rep(qtbot, sqlite_url, clock)
    qtbot.keyClick(window, Qt.Key.Key_2, CTRL | SHIFT)
    view = window.review_view
    view.open_call(call.id)
    notes = view.panel.notes
    qtbot.keyClick(notes, Qt.Key.Key_S, ALT)
    qtbot.keyClick(notes, Qt.Key.Key_Return, CTRL)
    question = view.findChild(QWidget, "gradeUnreviewed")
    assert question.isVisible()
    assert "3 notes of this call are not reviewed yet" in question.findChild(QLabel).text()
    assert not any(isinstance(w, QDialog) and w.isVisible() for w in window.findChildren(QDialog))

    qtbot.keyClick(focused(window), Qt.Key.Key_Escape)  # review them first
    assert not question.isVisible()
    assert notes.hasFocus() and view.panel.current().note.text == "Too expensive"
    for _ in range(2):
        qtbot.keyClick(notes, Qt.Key.Key_C)
    qtbot.keyClick(notes, Qt.Key.Key_Return, CTRL)
    assert "1 note of this call is not reviewed yet" in question.findChild(QLabel).text()
    assert focused(window).objectName() == "gradeAnyway"
    qtbot.keyClick(focused(window), Qt.Key.Key_Return)
    services = Services.open(sqlite_url, clock=clock)
    try:
        graded = services.calls.get(call.id)
    finally:
        services.close()
    assert graded.grade is Grade.SQL and graded.status is CallStatus.REVIEWED


def test_the_reports_form_shows_the_period_the_pdf_covers(
    qtbot: QtBot, sqlite_url: str, tmp_path: Path, clock: FakeClock
) -> None:
    services = Services.open(sqlite_url, clock=clock)
    call = services.calls.start("Acme", started_at=clock() - timedelta(minutes=5))
    services.notes.add(call.id, NoteKind.PAIN, "Reports by hand #manual-reporting")
    services.close()
    window = open_window(qtbot, sqlite_url, clock=clock)
    qtbot.keyClick(window, Qt.Key.Key_5, CTRL | SHIFT)
    view = window.reports_view
    today = local_today(clock)
    month = Period.month(today.year, today.month)
    assert (view.since.date().toPython(), view.until.date().toPython()) == (
        month.start,
        month.end,
    )
    view.month.setFocus()
    qtbot.keyClick(view.month, Qt.Key.Key_Down)  # the month before
    previous = Period.month(*(month.start - timedelta(days=1)).timetuple()[:2])
    assert (view.since.date().toPython(), view.until.date().toPython()) == (
        previous.start,
        previous.end,
    )
    target = tmp_path / "insights.pdf"
    view.output.setText(str(target))
    with qtbot.waitSignal(view.exported, timeout=60_000):
        qtbot.keyClick(view.month, Qt.Key.Key_E, CTRL)
    cover = PdfReader(target).pages[0].extract_text()
    assert f"{previous.start:%d %B %Y} to {previous.end:%d %B %Y}" in " ".join(cover.split())


def test_backups_and_trash_count_in_words_and_the_status_bar_lets_go(
    qtbot: QtBot, sqlite_url: str, clock: FakeClock
) -> None:
    services = Services.open(sqlite_url, clock=clock)
    call = services.calls.start("Acme")
    services.notes.add(call.id, NoteKind.PAIN, "Going to the trash")
    services.calls.delete(call.id)
    services.close()
    window = open_window(qtbot, sqlite_url, clock=clock)
    window.show_backups()
    dialog = window.findChild(QDialog, "backupsDialog")
    qtbot.waitUntil(lambda: dialog.status.text() == "No backups yet.", timeout=15_000)
    qtbot.mouseClick(dialog.findChild(QPushButton, "backupNow"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "1 backup kept." in dialog.status.text(), timeout=15_000)
    assert dialog.status.text().startswith("Backed up to ")
    # Every job said it finished: nothing is left "Reading backups…" in the status bar.
    qtbot.waitUntil(lambda: window.job_status.job is None, timeout=15_000)
    assert not window.job_status.isVisible()
    dialog.close()

    window.show_trash()
    trash = window.findChild(QDialog, "trashDialog")
    assert trash.status.text() == "1 item in the trash."
    assert "(with 1 note)" in trash.list.item(0, 1).text()


def test_a_closed_window_starts_no_more_work(
    qtbot: QtBot, sqlite_url: str, clock: FakeClock
) -> None:
    """A timer firing after the close would start a job the window's destruction then
    waits for while holding the lock the job needs: the app would hang on quit."""
    window = open_window(qtbot, sqlite_url, clock=clock)
    window.close()
    qtbot.waitUntil(lambda: not window.isVisible())  # once its backup is made
    ran: list[bool] = []
    window.jobs.start(Job("late", lambda progress, token: ran.append(True)))
    qtbot.wait(200)
    assert ran == []
