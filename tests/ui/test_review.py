"""Reviewing a call in the window, from the keyboard only, checked in the database."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QListView, QTextBrowser, QWidget
from pytestqt.qtbot import QtBot

from desktop.config import save_identity
from desktop.demo import generate
from desktop.domain import CallStatus, Grade, NoteKind, Outcome, ReviewStatus, Role, Verdict
from desktop.services import Services
from tests.fakes import FakeClock
from tests.ui.support import ALT, CTRL, SHIFT, focused, open_window
from ui.mainwindow import MainWindow
from ui.review.panel import item_html


def open_review(qtbot: QtBot, url: str, clock: FakeClock) -> MainWindow:
    save_identity("Rita Rep", Role.REP)
    window = open_window(qtbot, url, clock=clock)
    qtbot.keyClick(window, Qt.Key.Key_2, CTRL | SHIFT)
    assert window.views.currentWidget() is window.review_view
    return window


def ended_call(url: str, clock: FakeClock, rep: str = "Rita Rep") -> tuple[object, list[object]]:
    services = Services.open(url, clock=clock)
    try:
        call = services.calls.start("Acme Freight", rep=rep, framework="BANT")
        notes = [
            services.notes.add(
                call.id, NoteKind.PAIN, "Reporting takes two days", offset_ms=60_000
            ),
            services.notes.add(call.id, NoteKind.OBJECTION, "Too expensive", offset_ms=120_000),
            services.notes.add(
                call.id, NoteKind.QUOTE, "We spend Mondays on it", offset_ms=180_000
            ),
            services.notes.add(call.id, NoteKind.SIGNAL, "Asked for pricing", offset_ms=240_000),
        ]
        services.calls.end(call.id)
        return call, notes
    finally:
        services.close()


def test_review_a_demo_call_with_the_keyboard_only(
    qtbot: QtBot, db_url: str, clock: FakeClock
) -> None:
    services = Services.open(db_url, clock=clock)
    generate(services, calls=12, months=1, seed=4, now=clock())
    waiting = services.review.inbox()
    services.close()
    assert waiting, "the demo leaves recent calls waiting for review"

    window = open_review(qtbot, db_url, clock)
    view = window.review_view
    view.mine.setChecked(False)
    inbox = window.findChild(QListView, "reviewInbox")
    inbox.setFocus()
    qtbot.keyClick(inbox, Qt.Key.Key_Return)
    call_id = view._call_id
    assert call_id is not None
    notes = view.panel.model.items()
    assert len(notes) >= 4
    panel = window.findChild(QWidget, "reviewPanel")
    keys = panel.findChild(QListView, "reviewNotes")
    keys.setCurrentIndex(view.panel.model.index(0))
    keys.setFocus()

    qtbot.keyClick(keys, Qt.Key.Key_C)  # confirm the first, move on
    qtbot.keyClick(keys, Qt.Key.Key_X)  # dispute the second
    qtbot.keyClick(keys, Qt.Key.Key_E)  # correct the third
    editor = view.panel.editor
    assert editor.hasFocus()
    editor.selectAll()
    qtbot.keyClicks(editor, "They said three days, not two")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.keyClick(keys, Qt.Key.Key_K)  # back to the corrected note
    qtbot.keyClick(keys, Qt.Key.Key_M)  # and comment on it
    qtbot.keyClicks(editor, "Check the recording")
    qtbot.keyClick(editor, Qt.Key.Key_Return)

    qtbot.keyClick(keys, Qt.Key.Key_S, ALT)
    qtbot.keyClick(keys, Qt.Key.Key_Return, CTRL)
    qtbot.keyClick(focused(window), Qt.Key.Key_Return)  # grade anyway: some are unreviewed

    services = Services.open(db_url, clock=clock)
    try:
        stored = services.calls.notes(call_id)
        annotations = services.review.annotations(n.id for n in stored)
        call = services.calls.get(call_id)
        revision = services.definitions.revision()
    finally:
        services.close()
    assert [n.review_status for n in stored[:3]] == [
        ReviewStatus.CONFIRMED,
        ReviewStatus.DISPUTED,
        ReviewStatus.CORRECTED,
    ]
    third = annotations[stored[2].id]
    assert third[0].correction == "They said three days, not two"
    assert third[0].author.name == "Rita Rep"
    assert third[1].comment == "Check the recording" and third[1].verdict is None
    assert stored[2].text == notes[2].note.text  # the original words are kept
    assert call.grade is Grade.SQL
    assert call.graded_by.name == "Rita Rep"
    assert call.grade_definitions_revision == revision
    assert call.status is CallStatus.REVIEWED
    assert view.inbox_model.row_of(call_id) == -1


def test_grading_needs_a_choice_and_shows_the_definitions(
    qtbot: QtBot, sqlite_url: str, clock: FakeClock
) -> None:
    call, _notes = ended_call(sqlite_url, clock)
    window = open_review(qtbot, sqlite_url, clock)
    view = window.review_view
    view.open_call(call.id)
    definitions = window.findChild(QTextBrowser, "gradeDefinitions").toPlainText()
    assert "Sales-qualified lead" in definitions
    assert "Never asked: Budget, Authority, Need, Timeline" in view.grade.gaps.text()
    qtbot.keyClick(view.panel.notes, Qt.Key.Key_Return, CTRL)
    assert "Choose MQL, SQL or Unqualified" in view.grade.status.text()
    services = Services.open(sqlite_url, clock=clock)
    try:
        assert services.calls.get(call.id).grade is None
    finally:
        services.close()


def test_reviewed_notes_look_different(qtbot: QtBot, sqlite_url: str, clock: FakeClock) -> None:
    call, _notes = ended_call(sqlite_url, clock)
    window = open_review(qtbot, sqlite_url, clock)
    view = window.review_view
    view.open_call(call.id)
    keys = view.panel.notes
    qtbot.keyClick(keys, Qt.Key.Key_E)
    view.panel.editor.selectAll()
    qtbot.keyClicks(view.panel.editor, "Reporting takes <three> days & more")
    qtbot.keyClick(view.panel.editor, Qt.Key.Key_Return)
    corrected = view.panel.model.item_at(0)
    assert corrected.note.review_status is ReviewStatus.CORRECTED
    shown = item_html(corrected, "#888")
    assert "line-through" in shown and "Reporting takes two days" in shown
    assert "Reporting takes &lt;three&gt; days &amp; more" in shown
    assert "line-through" not in item_html(view.panel.model.item_at(1), "#888")
    assert view.panel.notes.currentIndex().row() == 1  # moved on to the next unreviewed


def test_themes_are_added_and_removed_from_the_keyboard(
    qtbot: QtBot, sqlite_url: str, clock: FakeClock
) -> None:
    call, notes = ended_call(sqlite_url, clock)
    window = open_review(qtbot, sqlite_url, clock)
    view = window.review_view
    services = Services.open(sqlite_url, clock=clock)
    earlier = services.calls.start("Older Co")
    services.notes.add(earlier.id, NoteKind.PAIN, "x", tags=["manual-reporting"])
    services.close()
    view.open_call(call.id)
    # Themes in use are counted off the GUI thread: `#` completes them once counted.
    qtbot.waitUntil(lambda: "manual-reporting" in view.panel.editor.tags())
    qtbot.keyClick(view.panel.notes, Qt.Key.Key_T)
    qtbot.keyClicks(view.panel.editor, "#manu")
    popup = view.panel.editor.completer.popup()
    qtbot.waitUntil(popup.isVisible)
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    qtbot.keyClicks(view.panel.editor, "#price")
    qtbot.keyClick(view.panel.editor, Qt.Key.Key_Return)
    services = Services.open(sqlite_url, clock=clock)
    try:
        assert services.notes.get(notes[0].id).tags == ("manual-reporting", "price")
    finally:
        services.close()
    qtbot.keyClick(view.panel.notes, Qt.Key.Key_T)
    view.panel.editor.selectAll()
    qtbot.keyClicks(view.panel.editor, "#manual-reporting")
    qtbot.keyClick(view.panel.editor, Qt.Key.Key_Return)
    services = Services.open(sqlite_url, clock=clock)
    try:
        assert services.notes.get(notes[0].id).tags == ("manual-reporting",)
    finally:
        services.close()


def test_a_failed_correction_keeps_the_editor_and_its_text(
    qtbot: QtBot, sqlite_url: str, clock: FakeClock
) -> None:
    call, notes = ended_call(sqlite_url, clock)
    window = open_review(qtbot, sqlite_url, clock)
    view = window.review_view
    view.open_call(call.id)
    services = Services.open(sqlite_url, clock=clock)
    services.notes.delete(notes[0].id)  # gone meanwhile, e.g. deleted by the marketer
    services.close()
    qtbot.keyClick(view.panel.notes, Qt.Key.Key_E)
    view.panel.editor.selectAll()
    qtbot.keyClicks(view.panel.editor, "My correction")
    qtbot.keyClick(view.panel.editor, Qt.Key.Key_Return)
    assert view.panel.editor.isVisible()
    assert view.panel.editor.toPlainText() == "My correction"
    assert "Not saved" in view.panel.editor_label.text()


def test_inbox_shows_my_calls_with_counts(qtbot: QtBot, sqlite_url: str, clock: FakeClock) -> None:
    _mine, notes = ended_call(sqlite_url, clock)
    ended_call(sqlite_url, clock, rep="Sam Other")
    services = Services.open(sqlite_url, clock=clock)
    services.review.annotate(notes[0].id, Verdict.CONFIRMED, "Rita Rep")
    services.close()
    window = open_review(qtbot, sqlite_url, clock)
    view = window.review_view
    assert view.inbox_model.rowCount() == 1
    text = view.inbox_model.index(0).data()
    assert "Acme Freight" in text and "1/4 notes reviewed" in text
    assert "4/4 criteria open" in text
    view.mine.setChecked(False)
    assert view.inbox_model.rowCount() == 2


def test_deal_outcome_is_recorded_from_the_review(
    qtbot: QtBot, sqlite_url: str, clock: FakeClock
) -> None:
    call, _notes = ended_call(sqlite_url, clock)
    window = open_review(qtbot, sqlite_url, clock)
    view = window.review_view
    view.open_call(call.id)
    grade = view.grade
    grade.outcome.setCurrentIndex(grade.outcome.findData(Outcome.WON.value))
    grade.outcome_reason.setFocus()
    qtbot.keyClicks(grade.outcome_reason, "Chose us over Clarivo")
    qtbot.keyClick(grade.outcome_reason, Qt.Key.Key_Return)
    services = Services.open(sqlite_url, clock=clock)
    try:
        account = services.accounts.get("Acme Freight")
    finally:
        services.close()
    assert account.outcome is Outcome.WON
    assert account.outcome_reason == "Chose us over Clarivo"
    assert account.outcome_on is not None


def test_ctrl_r_opens_the_selected_call_for_review(
    qtbot: QtBot, sqlite_url: str, clock: FakeClock
) -> None:
    call, _notes = ended_call(sqlite_url, clock)
    save_identity("Rita Rep", Role.REP)
    window = open_window(qtbot, sqlite_url, clock=clock)
    window.calls_view.select_call(call.id)
    window.calls_view.call_list.setFocus()
    qtbot.keyClick(focused(window), Qt.Key.Key_R, CTRL)
    assert window.views.currentWidget() is window.review_view
    assert window.review_view.panel.heading.text() == "Acme Freight"


def test_grading_against_definitions_then_editing_them_keeps_the_grade_revision(
    qtbot: QtBot, sqlite_url: str, clock: FakeClock
) -> None:
    call, _notes = ended_call(sqlite_url, clock)
    window = open_review(qtbot, sqlite_url, clock)
    view = window.review_view
    view.open_call(call.id)
    qtbot.keyClick(view.panel.notes, Qt.Key.Key_M, ALT)
    qtbot.keyClick(view.panel.notes, Qt.Key.Key_Return, CTRL)
    qtbot.keyClick(focused(window), Qt.Key.Key_Return)  # grade anyway: none is reviewed
    services = Services.open(sqlite_url, clock=clock)
    try:
        before = services.calls.get(call.id).grade_definitions_revision
        services.definitions.set("MQL", "A new wording", by="Priya")
        graded = services.calls.get(call.id)
    finally:
        services.close()
    assert graded.grade is Grade.MQL
    assert graded.grade_definitions_revision == before


def test_a_search_hit_opens_its_call_at_the_note(
    qtbot: QtBot, sqlite_url: str, clock: FakeClock
) -> None:
    call, notes = ended_call(sqlite_url, clock)
    window = open_window(qtbot, sqlite_url, clock=clock)
    qtbot.keyClick(window, Qt.Key.Key_3, CTRL | SHIFT)
    view = window.search_view
    assert view.isVisible()
    query = view.findChild(QWidget, "searchQuery")
    query.setFocus()
    with qtbot.waitSignal(view.results_shown):
        qtbot.keyClicks(query, "mondays")
    results = view.findChild(QListView, "searchResults")
    qtbot.keyClick(query, Qt.Key.Key_Down)
    qtbot.keyClick(results, Qt.Key.Key_Return)
    assert window.views.currentWidget() is window.calls_view
    assert window.calls_view.call_page.call.id == call.id
    assert window.calls_view.call_page.timeline.current_note().id == notes[2].id


def test_ctrl_f_searches_everywhere_outside_the_calls_view(
    qtbot: QtBot, sqlite_url: str, clock: FakeClock
) -> None:
    window = open_review(qtbot, sqlite_url, clock)
    qtbot.keyClick(window, Qt.Key.Key_F, CTRL)
    assert window.views.currentWidget() is window.search_view
    assert window.focusWidget().objectName() == "searchQuery"


def test_a_new_definition_reaches_the_grade_panel(
    qtbot: QtBot, sqlite_url: str, clock: FakeClock
) -> None:
    call, _notes = ended_call(sqlite_url, clock)
    window = open_review(qtbot, sqlite_url, clock)
    window.review_view.open_call(call.id)
    qtbot.keyClick(window, Qt.Key.Key_4, CTRL | SHIFT)
    editor = window.definitions_view
    terms = editor.findChild(QWidget, "definitionList")
    rows = terms.model().rowCount()
    sql = next(r for r in range(rows) if terms.model().index(r, 0).data().startswith("SQL"))
    terms.setCurrentIndex(terms.model().index(sql, 0))
    body = editor.findChild(QWidget, "definitionBody")
    body.setFocus()
    body.selectAll()
    qtbot.keyClicks(body, "A lead with budget, authority, need and timeline confirmed")
    qtbot.keyClick(body, Qt.Key.Key_S, CTRL)
    qtbot.keyClick(window, Qt.Key.Key_2, CTRL | SHIFT)
    shown = window.findChild(QTextBrowser, "gradeDefinitions").toPlainText()
    assert "budget, authority, need and timeline confirmed" in shown
    assert "revision 2" in window.review_view.grade.revision.text()


def test_review_search_and_definitions_exist_with_the_window(
    qtbot: QtBot, sqlite_url: str, clock: FakeClock
) -> None:
    window = open_window(qtbot, sqlite_url, clock)
    for name in (
        "reviewInbox",
        "reviewPanel",
        "verdictButtons",
        "gradePicker",
        "definitionsEditor",
        "searchResults",
    ):
        widget = window.findChild(QWidget, name)
        assert widget is not None, name
        assert widget.accessibleName(), name


def test_verdicts_and_corrections_are_undoable(
    qtbot: QtBot, sqlite_url: str, clock: FakeClock
) -> None:
    call, notes = ended_call(sqlite_url, clock)
    window = open_review(qtbot, sqlite_url, clock)
    view = window.review_view
    view.open_call(call.id)
    keys = view.panel.notes
    qtbot.keyClick(keys, Qt.Key.Key_C)
    qtbot.keyClick(keys, Qt.Key.Key_X)

    def status(note: object) -> ReviewStatus:
        services = Services.open(sqlite_url, clock=clock)
        try:
            return services.notes.get(note.id).review_status
        finally:
            services.close()

    assert status(notes[1]) is ReviewStatus.DISPUTED
    qtbot.keyClick(keys, Qt.Key.Key_Z, CTRL)
    assert status(notes[1]) is ReviewStatus.UNREVIEWED
    assert view.panel.model.item_at(1).note.review_status is ReviewStatus.UNREVIEWED
    assert status(notes[0]) is ReviewStatus.CONFIRMED
    qtbot.keyClick(keys, Qt.Key.Key_Z, CTRL | SHIFT)
    assert status(notes[1]) is ReviewStatus.DISPUTED


def test_a_misfiled_note_is_refiled_from_the_keyboard_and_undone(
    qtbot: QtBot, sqlite_url: str, clock: FakeClock
) -> None:
    call, notes = ended_call(sqlite_url, clock)
    window = open_review(qtbot, sqlite_url, clock)
    view = window.review_view
    view.open_call(call.id)
    keys = view.panel.notes
    assert view.panel.current().note.id == notes[0].id

    def stored(note: object) -> tuple[NoteKind, int | None, tuple[str, ...], ReviewStatus]:
        services = Services.open(sqlite_url, clock=clock)
        try:
            n = services.notes.get(note.id)
            return n.kind, n.intensity, n.tags, n.review_status
        finally:
            services.close()

    qtbot.keyClick(keys, Qt.Key.Key_2, CTRL)  # the pain was an objection
    qtbot.keyClick(keys, Qt.Key.Key_4)  # said strongly
    qtbot.keyClick(keys, Qt.Key.Key_Plus)  # very strongly
    qtbot.keyClick(keys, Qt.Key.Key_T)
    qtbot.keyClicks(view.panel.editor, "#price")
    qtbot.keyClick(view.panel.editor, Qt.Key.Key_Return)
    assert stored(notes[0]) == (NoteKind.OBJECTION, 5, ("price",), ReviewStatus.CORRECTED)
    assert view.panel.current().note.id == notes[0].id  # refiling does not move on
    shown = item_html(view.panel.current(), "#888")
    assert "refiled it: Kind: Pain → Objection" in shown
    assert "Intensity: none → 4" in shown and "Intensity: 4 → 5" in shown
    assert "Themes: added #price" in shown and "Intensity 5/5" in shown
    assert "Themes: added #price" in window.statusBar().currentMessage()
    assert window.undo_action.text() == "&Undo Review: refile note"

    for _ in range(3):
        qtbot.keyClick(keys, Qt.Key.Key_Z, CTRL)
    assert stored(notes[0]) == (NoteKind.OBJECTION, None, (), ReviewStatus.CORRECTED)
    qtbot.keyClick(keys, Qt.Key.Key_Z, CTRL)
    assert stored(notes[0]) == (NoteKind.PAIN, None, (), ReviewStatus.UNREVIEWED)
    assert view.panel.current().note.kind is NoteKind.PAIN
    assert "refiled" not in item_html(view.panel.current(), "#888")
    qtbot.keyClick(keys, Qt.Key.Key_Z, CTRL | SHIFT)
    assert stored(notes[0])[0] is NoteKind.OBJECTION


def test_refiling_keys_wait_while_the_editor_is_open_and_say_why_they_fail(
    qtbot: QtBot, sqlite_url: str, clock: FakeClock
) -> None:
    call, notes = ended_call(sqlite_url, clock)
    window = open_review(qtbot, sqlite_url, clock)
    view = window.review_view
    view.open_call(call.id)
    keys = view.panel.notes
    qtbot.keyClick(keys, Qt.Key.Key_M)
    qtbot.keyClicks(view.panel.editor, "3 days")  # digits are text here
    qtbot.keyClick(view.panel.editor, Qt.Key.Key_3, CTRL)
    assert view.panel.editor.toPlainText() == "3 days"
    qtbot.keyClick(view.panel.editor, Qt.Key.Key_Escape)
    services = Services.open(sqlite_url, clock=clock)
    services.notes.edit(notes[0].id, text="Reporting takes two full days")  # meanwhile
    services.close()
    qtbot.keyClick(keys, Qt.Key.Key_3, CTRL)
    assert "changed elsewhere" in window.statusBar().currentMessage()
    assert "two full days" in view.panel.current().note.text  # reloaded: a retry works
    qtbot.keyClick(keys, Qt.Key.Key_3, CTRL)
    services = Services.open(sqlite_url, clock=clock)
    try:
        assert services.notes.get(notes[0].id).kind is NoteKind.QUESTION
    finally:
        services.close()


def test_ctrl_shift_c_copies_the_open_call_as_markdown(
    qtbot: QtBot, sqlite_url: str, clock: FakeClock
) -> None:
    from PySide6.QtGui import QGuiApplication

    from desktop.reports.markdown import build_call_markdown

    call, _notes = ended_call(sqlite_url, clock)
    other, _ = ended_call(sqlite_url, clock, rep="Sam Other")
    window = open_review(qtbot, sqlite_url, clock)
    view = window.review_view
    view.open_call(call.id)
    qtbot.keyClick(view.panel.notes, Qt.Key.Key_C)
    qtbot.keyClick(view.panel.notes, Qt.Key.Key_C, CTRL | SHIFT)
    copied = QGuiApplication.clipboard().text()
    services = Services.open(sqlite_url, clock=clock)
    try:
        assert copied == build_call_markdown(services, call.id)
    finally:
        services.close()
    assert "- **01:00** Reporting takes two days\n  - Confirmed by Rita Rep" in copied
    assert "Copied the Acme Freight call as Markdown" in window.statusBar().currentMessage()

    qtbot.keyClick(window, Qt.Key.Key_1, CTRL | SHIFT)  # Calls: the selected call
    window.calls_view.select_call(other.id)
    window.calls_view.call_list.setFocus()
    qtbot.keyClick(focused(window), Qt.Key.Key_C, CTRL | SHIFT)
    assert "Sam Other" in QGuiApplication.clipboard().text()
