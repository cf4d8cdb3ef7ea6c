"""The qualification checklist during a call: statuses and answers from the keyboard,
undone with Ctrl+Z, and "covered" counted the same in the window and in both PDFs."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pypdf
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

from desktop.clock import local_today
from desktop.domain import CriterionStatus, NoteKind
from desktop.reports.call_summary import build_call_summary
from desktop.reports.insights_report import build_insights_report
from desktop.services import Services
from desktop.services.notes import MAX_NOTE_CHARS
from desktop.services.periods import Period
from desktop.services.values import CallView, CriterionAnswerView
from tests.fakes import FakeClock
from tests.ui.support import CTRL, SHIFT, focused, open_window, type_text
from ui.mainwindow import MainWindow

OPEN, ASKED, ANSWERED, DISQUALIFYING = CriterionStatus


def stored(url: str, clock: FakeClock, call: CallView) -> dict[str, CriterionAnswerView]:
    services = Services.open(url, clock=clock)
    try:
        return {i.criterion.key: i for i in services.qualification.checklist(call.id)}
    finally:
        services.close()


def standing(url: str, clock: FakeClock, call: CallView) -> dict[str, tuple[object, object]]:
    return {k: (i.status, i.answer) for k, i in stored(url, clock, call).items()}


def bant_call(url: str, clock: FakeClock) -> CallView:
    services = Services.open(url, clock=clock)
    try:
        return services.calls.start("Acme Freight", framework="BANT")
    finally:
        services.close()


def open_call(qtbot: QtBot, url: str, clock: FakeClock, call: CallView) -> MainWindow:
    """The window with the call open and the capture box focused, as during a call."""
    window = open_window(qtbot, url, clock)
    window.calls_view.select_call(call.id)
    box = window.calls_view.call_page.capture.input
    box.setFocus()
    qtbot.waitUntil(lambda: focused(window) is box)
    return window


def row_texts(window: MainWindow) -> list[str]:
    checklist = window.calls_view.qualification.list
    return [checklist.item(i).text() for i in range(checklist.count())]


def test_answers_are_typed_in_the_checklist_without_leaving_the_call(
    qtbot: QtBot, sqlite_url: str, clock: FakeClock
) -> None:
    call = bant_call(sqlite_url, clock)
    window = open_call(qtbot, sqlite_url, clock, call)
    panel = window.calls_view.qualification
    checklist = panel.list

    # Tab from the capture box lands in the checklist, on the first criterion.
    qtbot.keyClick(focused(window), Qt.Key.Key_Tab)
    assert focused(window) is checklist
    assert panel.selected_criterion() == "budget"
    legend = panel.legend.text().replace("\N{NO-BREAK SPACE}", " ")
    assert "1 ○ open" in legend and "4 ✕ disqualifying" in legend
    assert panel.legend.isVisible()

    qtbot.keyClick(checklist, Qt.Key.Key_2)  # asked
    assert standing(sqlite_url, clock, call)["budget"] == (ASKED, None)
    assert row_texts(window)[0] == "◐  Budget"

    # Enter types the answer in place; Enter saves it and the criterion is answered.
    qtbot.keyClick(checklist, Qt.Key.Key_Return)
    editor = focused(window)
    assert isinstance(editor, QLineEdit) and editor.objectName() == "criterionAnswerEditor"
    type_text(qtbot, editor, "40 k€ approved for Q3")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: standing(sqlite_url, clock, call)["budget"][0] is ANSWERED)
    assert standing(sqlite_url, clock, call)["budget"] == (ANSWERED, "40 k€ approved for Q3")
    qtbot.waitUntil(lambda: "40 k€ approved for Q3" in row_texts(window)[0])
    assert row_texts(window)[0].startswith("●  Budget")
    assert focused(window) is checklist and panel.selected_criterion() == "budget"
    assert panel.coverage.text().startswith("<b>1 of 4 covered</b>")

    # Down, 4: disqualifying, with no answer needed.
    qtbot.keyClick(checklist, Qt.Key.Key_Down)
    qtbot.keyClick(checklist, Qt.Key.Key_4)
    assert standing(sqlite_url, clock, call)["authority"] == (DISQUALIFYING, None)
    assert "2 of 4 covered" in panel.coverage.text() and "2 open" in panel.coverage.text()

    # F2 opens the answer too; Esc leaves everything as it was.
    qtbot.keyClick(checklist, Qt.Key.Key_Down)
    qtbot.keyClick(checklist, Qt.Key.Key_F2)
    qtbot.keyClicks(focused(window), "never mind")
    qtbot.keyClick(focused(window), Qt.Key.Key_Escape)
    assert focused(window) is checklist
    assert standing(sqlite_url, clock, call)["need"] == (OPEN, None)

    # An answer given to a disqualifying criterion keeps it disqualifying.
    qtbot.keyClick(checklist, Qt.Key.Key_Up)
    qtbot.keyClick(checklist, Qt.Key.Key_Return)
    qtbot.keyClicks(focused(window), "Board signs off on any spend")
    qtbot.keyClick(focused(window), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: standing(sqlite_url, clock, call)["authority"][1] is not None)
    assert standing(sqlite_url, clock, call)["authority"] == (
        DISQUALIFYING,
        "Board signs off on any spend",
    )

    # Ctrl+Z takes back one change at a time; Ctrl+Shift+Z does it again.
    qtbot.keyClick(checklist, Qt.Key.Key_Z, CTRL)
    assert standing(sqlite_url, clock, call)["authority"] == (DISQUALIFYING, None)
    qtbot.keyClick(checklist, Qt.Key.Key_Z, CTRL)
    assert standing(sqlite_url, clock, call)["authority"] == (OPEN, None)
    qtbot.keyClick(checklist, Qt.Key.Key_Z, CTRL)
    assert standing(sqlite_url, clock, call)["budget"] == (ASKED, None)
    assert row_texts(window)[0] == "◐  Budget"
    qtbot.keyClick(checklist, Qt.Key.Key_Z, CTRL | SHIFT)
    assert standing(sqlite_url, clock, call)["budget"] == (ANSWERED, "40 k€ approved for Q3")
    assert "40 k€ approved for Q3" in row_texts(window)[0]

    # Esc goes back to the capture box, the criterion still selected.
    qtbot.keyClick(checklist, Qt.Key.Key_Escape)
    assert focused(window).objectName() == "captureInput"
    assert panel.selected_criterion() == "authority"


def test_space_cycles_and_clearing_the_answer_forgets_it(
    qtbot: QtBot, sqlite_url: str, clock: FakeClock
) -> None:
    call = bant_call(sqlite_url, clock)
    services = Services.open(sqlite_url, clock=clock)
    services.qualification.set_status(call.id, "need", ANSWERED, answer="Close in 3 days")
    services.close()
    window = open_call(qtbot, sqlite_url, clock, call)
    checklist = window.calls_view.qualification.list
    qtbot.keyClick(focused(window), Qt.Key.Key_Tab)
    checklist.setCurrentRow(2)  # need
    assert row_texts(window)[2] == "●  Need\nClose in 3 days"

    qtbot.keyClick(checklist, Qt.Key.Key_Space)
    assert standing(sqlite_url, clock, call)["need"] == (DISQUALIFYING, "Close in 3 days")
    qtbot.keyClick(checklist, Qt.Key.Key_Space)
    assert standing(sqlite_url, clock, call)["need"] == (OPEN, "Close in 3 days")

    qtbot.keyClick(checklist, Qt.Key.Key_Return)
    editor = focused(window)
    assert isinstance(editor, QLineEdit) and editor.text() == "Close in 3 days"
    qtbot.keyClick(editor, Qt.Key.Key_Backspace)  # the text is selected: this clears it
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: standing(sqlite_url, clock, call)["need"] == (OPEN, None))
    assert row_texts(window)[2] == "○  Need"


def test_a_refused_answer_is_said_in_the_panel_and_changes_nothing(
    qtbot: QtBot, sqlite_url: str, clock: FakeClock
) -> None:
    call = bant_call(sqlite_url, clock)
    window = open_call(qtbot, sqlite_url, clock, call)
    panel = window.calls_view.qualification
    qtbot.keyClick(focused(window), Qt.Key.Key_Tab)
    panel.list.setCurrentRow(0)
    qtbot.keyClick(panel.list, Qt.Key.Key_Return)
    editor = focused(window)
    assert isinstance(editor, QLineEdit)
    editor.setMaxLength(MAX_NOTE_CHARS + 10)
    editor.setText("x" * (MAX_NOTE_CHARS + 1))  # pasted, say
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(panel.error.isVisible)
    assert "the answer is too long" in panel.error.text()
    assert standing(sqlite_url, clock, call)["budget"] == (OPEN, None)
    assert window.undo.count() == 0

    qtbot.keyClick(panel.list, Qt.Key.Key_2)
    assert not panel.error.isVisible()


def test_covered_is_counted_the_same_in_the_checklist_inbox_and_pdfs(
    qtbot: QtBot, sqlite_url: str, clock: FakeClock, tmp_path: Path
) -> None:
    """Budget answered, Authority disqualifying, Need asked, Timeline never asked:
    2 of 4 covered, 2 open, wherever it is counted."""
    services = Services.open(sqlite_url, clock=clock)
    try:
        call = services.calls.start("Acme Freight", framework="BANT", rep="Riley Rep")
        services.qualification.set_status(call.id, "budget", ANSWERED, answer="40k")
        services.qualification.set_status(call.id, "authority", DISQUALIFYING)
        question = services.notes.add(call.id, NoteKind.QUESTION, "When do you need it?")
        services.qualification.link_note(question.id, "timeline")  # asked, no answer
        services.calls.end(call.id, ended_at=clock.advance(timedelta(minutes=30)))

        (row,) = services.review.inbox()
        assert (row.criteria, row.open_criteria) == (4, 2)
        build_call_summary(services, call.id, tmp_path / "call.pdf")
        day = local_today(clock)
        period = Period.month(day.year, day.month)
        build_insights_report(services, period, None, tmp_path / "month.pdf", generated_by="Pat")
        (bant,) = services.insights.compute(period).coverage
        assert sum(c.answered for c in bant.criteria) == 2
    finally:
        services.close()
    summary = pdf_text(tmp_path / "call.pdf")
    assert "2 of 4 criteria covered" in summary
    month = pdf_text(tmp_path / "month.pdf")
    assert "Most often covered: Budget, 1 of 1 calls; Authority, 1 of 1 calls." in month
    assert "Never covered this period: Need, Timeline." in month

    window = open_call(qtbot, sqlite_url, clock, call)
    coverage = window.calls_view.qualification.coverage.text()
    assert "2 of 4 covered" in coverage and "2 open" in coverage
    qtbot.keyClick(focused(window), Qt.Key.Key_2, CTRL | SHIFT)  # the Review view
    inbox = window.review_view.inbox
    qtbot.waitUntil(lambda: inbox.model().rowCount() == 1)
    assert "2/4 criteria open" in inbox.model().index(0, 0).data()


def pdf_text(path: Path) -> str:
    """The PDF's words, one space between each (lines wrap anywhere)."""
    reader = pypdf.PdfReader(path)
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
