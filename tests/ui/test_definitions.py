"""The definitions editor from the keyboard: a saved edit is a new revision, an older
grade keeps its revision, unchanged words save nothing, terms come and go."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox
from pytestqt.qtbot import QtBot

from desktop.domain import Grade
from desktop.services import Services
from tests.fakes import FakeClock
from tests.ui.support import CTRL, type_text
from ui.definitions.view import DefinitionsView
from ui.events import AppEvents, Changes


@pytest.fixture
def opened(db_url: str, clock: FakeClock) -> Iterator[Services]:
    services = Services.open(db_url, clock=clock)
    yield services
    services.close()


@pytest.fixture
def sqlite_services(sqlite_url: str, clock: FakeClock) -> Iterator[Services]:
    services = Services.open(sqlite_url, clock=clock)
    yield services
    services.close()


def show_view(qtbot: QtBot, services: Services, events: AppEvents | None = None) -> DefinitionsView:
    view = DefinitionsView(services, events or AppEvents(), lambda: "Dana Rep")
    qtbot.addWidget(view)
    view.resize(1000, 640)
    with qtbot.waitActive(view):
        view.show()
    view.ensure_loaded()
    return view


def listed(view: DefinitionsView) -> list[str]:
    return [view.terms.item(row).text() for row in range(view.terms.count())]


def select(qtbot: QtBot, view: DefinitionsView, term: str) -> None:
    """Move down the list with the keyboard until `term` is the current one."""
    view.terms.setFocus()
    view.terms.setCurrentRow(0)
    for _ in range(view.terms.count()):
        if view.term_title.text() == term:
            return
        qtbot.keyClick(view.terms, Qt.Key.Key_Down)
    assert view.term_title.text() == term


def no_dialogs() -> bool:
    return not any(
        isinstance(w, QDialog | QMessageBox) and w.isVisible()
        for w in QApplication.topLevelWidgets()
    )


def test_an_edit_saved_with_ctrl_s_is_a_new_revision_and_old_grades_keep_theirs(
    qtbot: QtBot, opened: Services
) -> None:
    call = opened.calls.start("Acme Freight", rep="Dana Rep")
    opened.calls.end(call.id)
    graded = opened.review.grade(call.id, Grade.MQL, "Dana Rep", reason="Named a pain")
    assert graded.grade_definitions_revision == 1
    events = AppEvents()
    view = show_view(qtbot, opened, events)
    assert view.revision.text() == "Revision 1 in force"
    assert any(row.startswith("MQL") and "rev 1" in row for row in listed(view))

    select(qtbot, view, "MQL")
    assert view.body.toPlainText() == opened.definitions.history("MQL")[0].body
    view.body.setFocus()
    qtbot.keyClick(view.body, Qt.Key.Key_End, CTRL)
    type_text(qtbot, view.body, " Also: they opened two emails in a month — café included.")
    assert "(edited)" in view.terms.currentItem().text()
    with qtbot.waitSignal(events.changed, timeout=2000) as blocker:
        qtbot.keyClick(view.body, Qt.Key.Key_S, CTRL)
    assert isinstance(blocker.args[0], Changes)

    history = opened.definitions.history("MQL")
    assert [d.revision for d in history] == [2, 1]
    assert history[0].body.endswith("two emails in a month — café included.")
    assert history[0].author is not None and history[0].author.name == "Dana Rep"
    assert opened.calls.get(call.id).grade_definitions_revision == 1
    as_graded = {d.term: d.body for d in opened.definitions.at(1)}
    assert as_graded["MQL"] == history[1].body != history[0].body
    assert view.revision.text() == "Revision 2 in force"
    assert "revision 2" in view.status.text()
    assert "(edited)" not in view.terms.currentItem().text()
    assert view.history.topLevelItemCount() == 2
    assert view.history.topLevelItem(1).text(0) == "1"
    assert view.history.topLevelItem(0).text(1) == "Dana Rep"
    assert no_dialogs()


def test_unchanged_words_save_nothing(qtbot: QtBot, sqlite_services: Services) -> None:
    view = show_view(qtbot, sqlite_services)
    select(qtbot, view, "SQL")
    view.body.setFocus()
    qtbot.keyClick(view.body, Qt.Key.Key_S, CTRL)
    assert "Nothing to save" in view.status.text()
    qtbot.keyClick(view.body, Qt.Key.Key_End, CTRL)
    qtbot.keyClicks(view.body, "x")
    qtbot.keyClick(view.body, Qt.Key.Key_Backspace)
    qtbot.keyClick(view.body, Qt.Key.Key_S, CTRL)
    assert "Nothing to save" in view.status.text()
    assert [d.revision for d in sqlite_services.definitions.history("SQL")] == [1]
    assert sqlite_services.definitions.revision() == 1


def test_unsaved_words_survive_moving_to_another_term(
    qtbot: QtBot, sqlite_services: Services
) -> None:
    view = show_view(qtbot, sqlite_services)
    select(qtbot, view, "MQL")
    view.body.setFocus()
    view.body.selectAll()
    qtbot.keyClicks(view.body, "Rewritten MQL")
    select(qtbot, view, "SQL")
    assert view.body.toPlainText() != "Rewritten MQL"
    select(qtbot, view, "MQL")
    assert view.body.toPlainText() == "Rewritten MQL"
    qtbot.keyClick(view.body, Qt.Key.Key_S, CTRL)
    assert sqlite_services.definitions.history("MQL")[0].body == "Rewritten MQL"


def test_add_a_term_from_the_keyboard_then_retire_it(qtbot: QtBot, opened: Services) -> None:
    view = show_view(qtbot, opened)
    view.new_term.setFocus()
    qtbot.keyClicks(view.new_term, "Champion")
    qtbot.keyClick(view.new_term, Qt.Key.Key_Return)
    assert view.term_title.text() == "Champion"
    assert view.body.hasFocus()
    assert view.body.toPlainText() == ""
    qtbot.keyClick(view.body, Qt.Key.Key_S, CTRL)
    assert view.status.property("role") == "error"  # nothing written yet: said inline
    assert not any(d.term == "Champion" for d in opened.definitions.current())
    qtbot.keyClicks(view.body, "Someone inside the account who sells for us when we are not there.")
    qtbot.keyClick(view.body, Qt.Key.Key_S, CTRL)
    champion = opened.definitions.history("Champion")
    assert [d.revision for d in champion] == [2]
    assert any(row.startswith("Champion") and "rev 2" in row for row in listed(view))

    view.new_term.setFocus()
    qtbot.keyClicks(view.new_term, "champion")
    qtbot.keyClick(view.new_term, Qt.Key.Key_Return)
    assert view.term_title.text() == "Champion"
    assert "already defined" in view.status.text()

    view.retire_button.setFocus()
    qtbot.keyClick(view.retire_button, Qt.Key.Key_Space)
    assert view.retire_confirm.isVisible()
    assert view.retire_yes.hasFocus()
    qtbot.keyClick(view.retire_yes, Qt.Key.Key_Escape)
    assert not view.retire_confirm.isVisible()
    assert [d.revision for d in opened.definitions.history("Champion")] == [2]

    qtbot.keyClick(view.retire_button, Qt.Key.Key_Space)
    qtbot.keyClick(view.retire_yes, Qt.Key.Key_Space)
    assert opened.definitions.history("Champion")[0].retired
    assert not any(d.term == "Champion" for d in opened.definitions.current())
    assert not any(row.startswith("Champion") for row in listed(view))
    assert view.revision.text() == "Revision 3 in force"
    assert "Retired Champion" in view.status.text()
    assert no_dialogs()


def test_an_older_version_can_be_brought_back(qtbot: QtBot, sqlite_services: Services) -> None:
    sqlite_services.definitions.set("Qualified pain", "A pain, newly worded.", by="Sam Rep")
    view = show_view(qtbot, sqlite_services)
    select(qtbot, view, "Qualified pain")
    assert view.history.topLevelItemCount() == 2
    view.history.setFocus()
    view.history.setCurrentItem(view.history.topLevelItem(1))
    qtbot.keyClick(view.history, Qt.Key.Key_Return)
    first = sqlite_services.definitions.history("Qualified pain")[-1].body
    assert view.body.toPlainText() == first
    qtbot.keyClick(view.body, Qt.Key.Key_S, CTRL)
    versions = sqlite_services.definitions.history("Qualified pain")
    assert [d.revision for d in versions] == [3, 2, 1]
    assert versions[0].body == first


def test_a_refused_save_is_said_inline(qtbot: QtBot, sqlite_services: Services) -> None:
    view = show_view(qtbot, sqlite_services)
    view.new_term.setFocus()
    qtbot.keyClicks(view.new_term, "T" * 300)
    qtbot.keyClick(view.new_term, Qt.Key.Key_Return)
    qtbot.keyClicks(view.body, "A term with a name far too long")
    qtbot.keyClick(view.body, Qt.Key.Key_S, CTRL)
    assert view.status.property("role") == "error"
    assert "too long" in view.status.text()
    assert no_dialogs()
    assert sqlite_services.definitions.revision() == 1


def test_changes_made_elsewhere_show_when_the_view_is_next_shown(
    qtbot: QtBot, sqlite_services: Services
) -> None:
    events = AppEvents()
    view = show_view(qtbot, sqlite_services, events)
    view.hide()
    sqlite_services.definitions.set("Budget holder", "Who signs the cheque.", by="Sam Rep")
    events.changed.emit(Changes())
    view.show()
    assert any(row.startswith("Budget holder") for row in listed(view))
    assert view.revision.text() == "Revision 2 in force"


def test_every_control_is_named_and_explained(qtbot: QtBot, sqlite_services: Services) -> None:
    view = DefinitionsView(sqlite_services, AppEvents(), lambda: "Dana Rep")
    qtbot.addWidget(view)
    assert view.objectName() == "definitionsEditor"
    for name in (
        "definitionList",
        "definitionBody",
        "definitionHistory",
        "definitionSave",
        "definitionRetire",
        "definitionStatus",
        "definitionRevision",
        "newTerm",
        "retireConfirmButton",
        "retireCancelButton",
    ):
        widget = view.findChild(QObject, name)
        assert widget is not None, name
        assert widget.accessibleName(), name
        assert widget.toolTip(), name
    assert "Ctrl+S" in view.save_button.toolTip()
    assert view.save_action.shortcutContext() == Qt.ShortcutContext.WidgetWithChildrenShortcut
