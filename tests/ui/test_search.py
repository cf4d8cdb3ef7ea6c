"""Search everywhere, driven from the keyboard: results as you type, filters, hostile
queries, late results of a superseded query, and opening a result."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from PySide6.QtCore import QObject, Qt, Slot
from PySide6.QtGui import QGuiApplication, QTextDocument
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox
from pytestqt.qtbot import QtBot

from desktop.domain import NoteKind, Verdict
from desktop.progress import CancelToken
from desktop.services import Services
from desktop.services.values import CallView, NoteView, SearchFilters, SearchHit
from tests.fakes import FakeClock
from tests.ui.support import type_text
from ui.events import AppEvents, Changes
from ui.jobs import Job, JobRunner
from ui.models.search_results import CALL_ID_ROLE, HTML_ROLE, NOTE_ID_ROLE
from ui.search.view import LIMIT, SHORT_HINT, SearchView


@dataclass
class World:
    """A small base: two accounts, two reps, notes of several kinds, a review."""

    acme: CallView
    globex: CallView
    budget: NoteView
    pricing: NoteView
    reviewed: NoteView
    globex_budget: NoteView


def build(services: Services) -> World:
    now = services.clock()
    acme = services.calls.start("Acme Freight", rep="Dana Rep", started_at=now - timedelta(days=2))
    globex = services.calls.start(
        "Globex Shipping", rep="Sam Rep", started_at=now - timedelta(days=120)
    )
    budget = services.notes.add(
        acme.id, NoteKind.PAIN, "Budget frozen until Q3", tags=["budget"], offset_ms=65_000
    )
    pricing = services.notes.add(
        acme.id, NoteKind.OBJECTION, "Pricing is double what we pay now", offset_ms=125_000
    )
    reviewed = services.notes.add(acme.id, NoteKind.QUESTION, "Who signs off on new tools?")
    services.review.annotate(
        reviewed.id,
        Verdict.CORRECTED,
        "Dana Rep",
        correction="The CFO approves anything over ten thousand",
        comment="Ask about their procurement calendar next time",
    )
    globex_budget = services.notes.add(
        globex.id, NoteKind.PAIN, "Budget approval takes three months", tags=["approvals"]
    )
    services.notes.add(globex.id, NoteKind.QUOTE, "Costs <b>doubled</b> & nobody noticed")
    return World(acme, globex, budget, pricing, reviewed, globex_budget)


@pytest.fixture
def opened(db_url: str, clock: FakeClock) -> Iterator[Services]:
    services = Services.open(db_url, clock=clock)
    yield services
    services.close()


@pytest.fixture
def jobs() -> Iterator[JobRunner]:
    runner = JobRunner()
    yield runner
    runner.shutdown()


def show_view(qtbot: QtBot, services: Services, jobs: JobRunner) -> SearchView:
    view = SearchView(services, AppEvents(), jobs)
    qtbot.addWidget(view)
    view.resize(900, 600)
    with qtbot.waitActive(view):
        view.show()
    with qtbot.waitSignal(view.choices_loaded, timeout=10_000):  # off the GUI thread
        view.ensure_loaded()
    return view


def search(qtbot: QtBot, view: SearchView, text: str) -> None:
    """Retype the query as a user does, and wait for its results to be on screen."""
    view.focus_query()
    with qtbot.waitSignal(view.results_shown, check_params_cb=lambda q: q == text, timeout=10_000):
        view.query.clear()
        type_text(qtbot, view.query, text)


def shown(view: SearchView) -> list[str]:
    model = view.model
    return [model.index(row).data() for row in range(model.rowCount())]


def no_dialogs() -> bool:
    return not any(
        isinstance(w, QDialog | QMessageBox) and w.isVisible()
        for w in QApplication.topLevelWidgets()
    )


def test_results_appear_as_you_type_with_the_words_marked(
    qtbot: QtBot, opened: Services, jobs: JobRunner
) -> None:
    world = build(opened)
    view = show_view(qtbot, opened, jobs)
    assert view.status.text().startswith("Type to search")
    search(qtbot, view, "budg")
    rows = shown(view)
    assert len(rows) == 2
    assert view.status.text() == "2 matches"
    assert {view.model.index(r).data(NOTE_ID_ROLE) for r in range(2)} == {
        world.budget.id,
        world.globex_budget.id,
    }
    acme_row = next(r for r in rows if r.startswith("Acme Freight"))
    assert "Pain" in acme_row and "01:05" in acme_row and "in the note" in acme_row
    for row in range(2):
        markup = view.model.index(row).data(HTML_ROLE)
        assert re.search(
            r'<span style="background-color:[^"]*font-weight:600;">Budget</span>', markup
        )
    search(qtbot, view, "budget frozen")
    assert view.status.text() == "1 match"
    search(qtbot, view, "")
    assert view.model.rowCount() == 0
    assert view.status.text().startswith("Type to search")


def test_corrections_and_comments_are_found_and_labelled(
    qtbot: QtBot, opened: Services, jobs: JobRunner
) -> None:
    world = build(opened)
    view = show_view(qtbot, opened, jobs)
    search(qtbot, view, "procurement")
    assert len(shown(view)) == 1
    assert "in a comment" in shown(view)[0]
    assert view.model.index(0).data(NOTE_ID_ROLE) == world.reviewed.id
    search(qtbot, view, "CFO approves")
    assert "in a correction" in shown(view)[0]
    assert view.model.index(0).data(NOTE_ID_ROLE) == world.reviewed.id


@pytest.mark.parametrize(
    "query",
    [
        '"budget',
        'budget"',
        '"budget frozen"',
        "budget-frozen",
        "-budget",
        "budget*",
        "*",
        "(budget",
        "NEAR(",
        "NEAR(budget",
        "NEAR(budget, frozen)",
        "AND OR NOT",
        "budget OR",
        "pricing's",
        "budget \U0001f525",
        "\U0001f525\U0001f4b8",
        "Budget gel\u00e9 jusqu'en Q3",
        "' OR 1=1 --",
        "%_\\",
        "-",
        "--",
        '""',
        "budget:frozen^2 ~ {x}",
    ],
)
def test_hostile_queries_give_results_or_no_matches(
    qtbot: QtBot, opened: Services, jobs: JobRunner, query: str
) -> None:
    build(opened)
    view = show_view(qtbot, opened, jobs)
    search(qtbot, view, query)
    if view.status.text() == SHORT_HINT:  # only short words: it runs on Enter
        with qtbot.waitSignal(view.results_shown, timeout=10_000):
            qtbot.keyClick(view.query, Qt.Key.Key_Return)
    assert view.status.property("role") != "error", view.status.text()
    assert re.fullmatch(r"No matches|1 match|\d+ matches", view.status.text())
    assert no_dialogs()


def test_queries_with_budget_in_them_still_find_it(
    qtbot: QtBot, opened: Services, jobs: JobRunner
) -> None:
    build(opened)
    view = show_view(qtbot, opened, jobs)
    for query in ('"budget', "budget*", "(budget", "budget \U0001f525"):
        search(qtbot, view, query)
        assert len(shown(view)) == 2, query


def test_a_pasted_five_thousand_character_query_and_a_nul(
    qtbot: QtBot, sqlite_url: str, jobs: JobRunner, clock: FakeClock
) -> None:
    services = Services.open(sqlite_url, clock=clock)
    try:
        build(services)
        view = show_view(qtbot, services, jobs)
        long = ("budget frozen " * 400)[:5000]
        QGuiApplication.clipboard().setText(long)
        view.focus_query()
        with qtbot.waitSignal(view.results_shown, timeout=20_000):
            qtbot.keyClick(view.query, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
        assert len(view.query.text()) == 5000
        assert view.status.text() == "1 match"
        with qtbot.waitSignal(view.results_shown, timeout=10_000):
            view.query.setText("budget\x00frozen")
        assert view.status.text() == "1 match"
        noise = "x(" * 2500
        QGuiApplication.clipboard().setText(noise)
        view.focus_query()
        with qtbot.waitSignal(view.results_shown, timeout=20_000):
            qtbot.keyClick(view.query, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
        assert view.status.text() == SHORT_HINT  # one-letter words: only on Enter
        with qtbot.waitSignal(view.results_shown, timeout=20_000):
            qtbot.keyClick(view.query, Qt.Key.Key_Return)
        assert view.status.text() == "No matches"
        assert no_dialogs()
    finally:
        jobs.shutdown()
        services.close()


def test_filters_narrow_the_results(qtbot: QtBot, opened: Services, jobs: JobRunner) -> None:
    build(opened)
    view = show_view(qtbot, opened, jobs)
    search(qtbot, view, "budget")
    assert len(shown(view)) == 2

    def refilter(change: object) -> None:
        with qtbot.waitSignal(view.results_shown, timeout=10_000):
            change()  # type: ignore[operator]

    refilter(lambda: view.kind.setCurrentIndex(view.kind.findData(NoteKind.OBJECTION.value)))
    assert view.status.text() == "No matches"
    refilter(lambda: view.kind.setCurrentIndex(view.kind.findData(NoteKind.PAIN.value)))
    assert len(shown(view)) == 2

    def type_and_enter(edit: object, text: str) -> None:
        qtbot.keyClicks(edit, text)
        qtbot.keyClick(edit, Qt.Key.Key_Return)

    refilter(lambda: type_and_enter(view.tag, "#approvals"))
    assert [r.split(" · ")[0] for r in shown(view)] == ["Globex Shipping"]
    refilter(view.tag.clear)
    assert len(shown(view)) == 2

    refilter(lambda: type_and_enter(view.account, "acme freight"))
    assert [r.split(" · ")[0] for r in shown(view)] == ["Acme Freight"]
    refilter(view.account.clear)

    assert [view.rep.itemText(i) for i in range(view.rep.count())] == [
        "Any rep",
        "Dana Rep",
        "Sam Rep",
    ]
    refilter(lambda: view.rep.setCurrentIndex(view.rep.findText("Sam Rep")))
    assert [r.split(" · ")[0] for r in shown(view)] == ["Globex Shipping"]
    refilter(lambda: view.rep.setCurrentIndex(0))

    refilter(lambda: view.period.setCurrentIndex(view.period.findText("Last 30 days")))
    assert [r.split(" · ")[0] for r in shown(view)] == ["Acme Freight"]


def test_completers_offer_tags_and_accounts_in_use(
    qtbot: QtBot, opened: Services, jobs: JobRunner
) -> None:
    build(opened)
    view = show_view(qtbot, opened, jobs)
    tags = view.tag.completer().model().stringList()
    accounts = view.account.completer().model().stringList()
    assert set(tags) == {"budget", "approvals"}
    assert set(accounts) == {"Acme Freight", "Globex Shipping"}


class Probe(QObject):
    """Notes, on the GUI thread, that a job's result was delivered there."""

    def __init__(self) -> None:
        super().__init__()
        self.delivered = False

    @Slot(object)
    def mark(self, _result: object) -> None:
        self.delivered = True


def test_a_slow_superseded_search_never_replaces_newer_results(
    qtbot: QtBot, opened: Services, jobs: JobRunner
) -> None:
    build(opened)
    view = show_view(qtbot, opened, jobs)
    real = opened.search.search
    entered, release = threading.Event(), threading.Event()

    def slow_for_budget(
        query: str, filters: SearchFilters, limit: int, **options: object
    ) -> tuple[SearchHit, ...]:
        if query == "budget":
            entered.set()
            release.wait(10)
        return real(query, filters, limit)

    opened.search.search = slow_for_budget  # type: ignore[method-assign]
    started: list[Job] = []
    jobs.started.connect(started.append)
    view.focus_query()
    qtbot.keyClicks(view.query, "budget")
    qtbot.waitUntil(entered.is_set, timeout=10_000)
    old = started[-1]  # the search now held up; earlier jobs may have loaded the filters
    probe = Probe()
    old.signals.succeeded.connect(probe.mark)

    search(qtbot, view, "pricing")
    assert view.status.text() == "1 match"
    release.set()
    qtbot.waitUntil(lambda: probe.delivered, timeout=10_000)
    assert [r.split(": ", 1)[1] for r in shown(view)] == ["Pricing is double what we pay now"]
    assert view.status.text() == "1 match"


def test_one_or_two_letters_wait_for_a_third_or_for_enter(
    qtbot: QtBot, opened: Services, jobs: JobRunner
) -> None:
    """`t` is a prefix of most of a large index: typing it alone must not search."""
    build(opened)
    view = show_view(qtbot, opened, jobs)
    started: list[Job] = []
    jobs.started.connect(started.append)
    search(qtbot, view, "t")
    assert view.status.text() == "Type 3 letters or press Enter to search"
    assert shown(view) == [] and started == []
    search(qtbot, view, "to")
    assert view.status.text() == SHORT_HINT and started == []

    with qtbot.waitSignal(view.results_shown, timeout=10_000):
        qtbot.keyClick(view.query, Qt.Key.Key_Return)
    assert view.status.text() == "1 match"  # "Who signs off on new tools?"
    assert len(started) == 1
    search(qtbot, view, "tools")
    assert view.status.text() == "1 match"


def test_a_search_typed_over_is_stopped_and_only_the_newest_shows(
    qtbot: QtBot, opened: Services, jobs: JobRunner
) -> None:
    world = build(opened)
    opened.notes.add(world.acme.id, NoteKind.GENERAL, "Priority is the onboarding")
    view = show_view(qtbot, opened, jobs)
    real = opened.search.search
    entered = threading.Event()

    def slow_for_pri(
        query: str, filters: SearchFilters, limit: int, *, cancel: CancelToken
    ) -> tuple[SearchHit, ...]:
        """As a search over a large index: still running when the next letters come."""
        if query == "pri":
            entered.set()
            pause = threading.Event()
            while not cancel.cancelled:
                pause.wait(0.01)
        return real(query, filters, limit, cancel=cancel)

    opened.search.search = slow_for_pri  # type: ignore[method-assign]
    started: list[Job] = []
    stopped = Probe()
    jobs.started.connect(started.append)
    view.focus_query()
    qtbot.keyClicks(view.query, "pri")
    qtbot.waitUntil(entered.is_set, timeout=10_000)  # "pri" is being searched
    started[0].signals.cancelled.connect(lambda: stopped.mark(None))
    with qtbot.waitSignal(
        view.results_shown, check_params_cb=lambda q: q == "pricing", timeout=10_000
    ):
        qtbot.keyClicks(view.query, "cing")
    qtbot.waitUntil(lambda: stopped.delivered, timeout=10_000)  # the service stopped it
    QApplication.processEvents()
    assert [r.split(": ", 1)[1] for r in shown(view)] == ["Pricing is double what we pay now"]
    assert view.status.text() == "1 match"


def test_enter_and_double_click_open_the_note(
    qtbot: QtBot, opened: Services, jobs: JobRunner
) -> None:
    world = build(opened)
    view = show_view(qtbot, opened, jobs)
    search(qtbot, view, "pricing")
    qtbot.keyClick(view.query, Qt.Key.Key_Down)
    assert view.results.hasFocus()
    with qtbot.waitSignal(view.open_note_requested, timeout=2000) as blocker:
        qtbot.keyClick(view.results, Qt.Key.Key_Return)
    assert blocker.args == [world.acme.id, world.pricing.id]

    qtbot.keyClick(view.results, Qt.Key.Key_Up)
    assert view.query.hasFocus()
    search(qtbot, view, "approval")
    index = view.model.index(0)
    assert index.data(CALL_ID_ROLE) == world.globex.id
    rect = view.results.visualRect(index)
    # An item view takes a double-click as the second click of a pair.
    qtbot.mouseClick(view.results.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    with qtbot.waitSignal(view.open_note_requested, timeout=2000) as blocker:
        qtbot.mouseDClick(view.results.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert blocker.args == [world.globex.id, world.globex_budget.id]


def test_user_markup_shows_literally(qtbot: QtBot, opened: Services, jobs: JobRunner) -> None:
    build(opened)
    view = show_view(qtbot, opened, jobs)
    search(qtbot, view, "doubled")
    index = view.model.index(0)
    assert "Costs <b>doubled</b> & nobody noticed" in index.data()
    markup = index.data(HTML_ROLE)
    assert "&lt;b&gt;" in markup and "&amp; nobody" in markup
    drawn = QTextDocument()
    drawn.setHtml(markup)
    assert "Costs <b>doubled</b> & nobody noticed" in drawn.toPlainText()


def test_a_service_error_shows_in_the_status_line(
    qtbot: QtBot, sqlite_url: str, jobs: JobRunner, clock: FakeClock
) -> None:
    services = Services.open(sqlite_url, clock=clock)
    try:
        build(services)
        view = show_view(qtbot, services, jobs)
        search(qtbot, view, "budget")
        with qtbot.waitSignal(view.results_shown, timeout=10_000):
            view.tag.setText("bud\x00get")
            qtbot.keyClick(view.tag, Qt.Key.Key_Return)
        assert view.status.property("role") == "error"
        assert "NUL" in view.status.text() and "\n" not in view.status.text()
        assert view.model.rowCount() == 0
        assert no_dialogs()
    finally:
        jobs.shutdown()
        services.close()


def test_changes_elsewhere_rerun_the_search_and_many_hits_ask_to_refine(
    qtbot: QtBot, sqlite_url: str, jobs: JobRunner, clock: FakeClock
) -> None:
    services = Services.open(sqlite_url, clock=clock)
    try:
        world = build(services)
        events = AppEvents()
        view = SearchView(services, events, jobs)
        qtbot.addWidget(view)
        with qtbot.waitActive(view):
            view.show()
        view.ensure_loaded()
        search(qtbot, view, "invoice")
        assert view.status.text() == "No matches"
        for n in range(LIMIT + 1):
            services.notes.add(world.acme.id, NoteKind.GENERAL, f"Invoice run number {n}")
        with qtbot.waitSignal(view.results_shown, timeout=10_000):
            events.changed.emit(Changes(call_ids=frozenset({world.acme.id}), notes=True))
        assert view.status.text() == f"{LIMIT}+ matches, refine the search"
        assert view.model.rowCount() == LIMIT
    finally:
        jobs.shutdown()
        services.close()


def test_every_control_is_named_and_explained(
    qtbot: QtBot, sqlite_url: str, clock: FakeClock
) -> None:
    services = Services.open(sqlite_url, clock=clock)
    runner = JobRunner()
    try:
        view = SearchView(services, AppEvents(), runner)
        qtbot.addWidget(view)
        assert view.objectName() == "searchView"
        for name in (
            "searchQuery",
            "searchKind",
            "searchTag",
            "searchAccount",
            "searchRep",
            "searchPeriod",
            "searchResults",
            "searchStatus",
        ):
            widget = view.findChild(QObject, name)
            assert widget is not None, name
            assert widget.accessibleName(), name
            assert widget.toolTip(), name
        assert "Ctrl+F" in view.query.toolTip()
        assert [view.kind.itemText(i) for i in range(view.kind.count())] == ["Any kind"] + [
            k.label for k in NoteKind
        ]
    finally:
        runner.shutdown()
        services.close()
