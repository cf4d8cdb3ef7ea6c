"""The Search view: one box that finds notes, answers, responses, corrections and
comments across every call, with filters, as you type.

Each search runs as a `Job` on the read pool, never on the GUI thread, and carries a
generation number: results of a query that was typed over arrive late and are dropped,
so a slow old search can never replace a newer one's results.
"""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass
from datetime import timedelta

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSize,
    QStringListModel,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QKeyEvent,
    QPainter,
    QPalette,
    QShowEvent,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from desktop.clock import local_today
from desktop.domain import NoteKind, Role
from desktop.errors import Cancelled, RidealongError
from desktop.progress import CancelToken, Progress
from desktop.services import Services
from desktop.services.values import SearchFilters, SearchHit
from ui.events import AppEvents, Changes
from ui.jobs import Job, JobRunner
from ui.models.search_results import (
    CALL_ID_ROLE,
    HIT_ROLE,
    NOTE_ID_ROLE,
    SearchResultsModel,
    hit_html,
)
from ui.widgets import set_role

SEARCH_DELAY_MS = 250
#: Results shown at most; more than a person reads, and a hint to refine.
LIMIT = 200
#: How many names the tag and account completers offer.
CHOICES = 500
PERIODS: tuple[tuple[str, int | None], ...] = (
    ("Any time", None),
    ("Last 7 days", 7),
    ("Last 30 days", 30),
    ("Last 90 days", 90),
    ("Last 365 days", 365),
)
HINT = "Type to search notes, answers, corrections and comments across every call"
SHORT_HINT = "Type 3 letters or press Enter to search"
PAD = 6

Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True, slots=True)
class SearchOutcome:
    """What one search job found, tagged with the generation that asked for it."""

    generation: int
    query: str
    hits: tuple[SearchHit, ...]
    error: str | None = None


@dataclass(frozen=True, slots=True)
class Choices:
    """What the filters offer: reps, accounts and themes in use (most used first)."""

    reps: tuple[str, ...]
    accounts: tuple[str, ...]
    tags: tuple[str, ...]


def _completing(edit: QLineEdit) -> bool:
    """Whether the box's completer is offering choices (Esc then closes them)."""
    completer: QCompleter | None = edit.completer()  # None for a box without one
    popup = completer.popup() if completer is not None else None
    return popup is not None and popup.isVisible()


class HitDelegate(QStyledItemDelegate):
    """Draws a hit as rich text: a header line, then the snippet with its matches marked."""

    def _document(self, option: QStyleOptionViewItem, index: Index, width: int) -> QTextDocument:
        hit: SearchHit = index.data(HIT_ROLE)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        document = QTextDocument()
        document.setDefaultFont(option.font)
        document.setDocumentMargin(PAD)
        document.setHtml(hit_html(hit, option.palette, selected=selected))
        document.setTextWidth(max(width, 200))
        return document

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        view = option.widget
        width = view.viewport().width() if isinstance(view, QListView) else option.rect.width()
        document = self._document(option, index, width)
        return QSize(width, math.ceil(document.size().height()))

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        self.initStyleOption(option, index)
        painter.save()
        if option.widget is not None:  # None when painted off a view, whatever the stubs say
            option.widget.style().drawPrimitive(
                QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, option.widget
            )
        document = self._document(option, index, option.rect.width())
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        context = QAbstractTextDocumentLayout.PaintContext()
        context.palette.setColor(QPalette.ColorRole.Text, option.palette.color(role))
        painter.translate(option.rect.topLeft())
        painter.setClipRect(0, 0, option.rect.width(), option.rect.height())
        document.documentLayout().draw(painter, context)
        painter.restore()


class SearchView(QWidget):
    """Search across every call.

    Signals: open_note_requested(call_id: UUID, note_id: UUID) when a result is opened
    (Enter or double-click); results_shown(query: str) once a query's results, or its
    error, are on screen; choices_loaded() once the filters offer what is in use.
    """

    open_note_requested = Signal(object, object)
    results_shown = Signal(str)
    choices_loaded = Signal()

    def __init__(
        self,
        services: Services,
        events: AppEvents,
        jobs: JobRunner,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("searchView")
        self._services = services
        self._events = events
        self._jobs = jobs
        self._loaded = False
        self._choices_stale = False
        self._results_stale = False
        self._generation = 0
        self._job: Job[SearchOutcome] | None = None
        self._last_run: tuple[str, SearchFilters] | None = None
        #: A short query the user asked for with Enter: it runs again as filters change.
        self._asked_for: str | None = None

        self.query = QLineEdit(self)
        self.query.setObjectName("searchQuery")
        self.query.setAccessibleName("Search everywhere")
        self.query.setPlaceholderText("Search notes, answers, corrections and comments (Ctrl+F)")
        self.query.setToolTip(
            "Find words in every call (Ctrl+F). Words match as prefixes; "
            '"quote" a phrase, -word leaves notes out, OR accepts either. '
            "Down selects the first result, Enter opens the selected one, Esc clears."
        )
        self.query.setClearButtonEnabled(True)

        self.kind = QComboBox(self)
        self.kind.setObjectName("searchKind")
        self.kind.setAccessibleName("Kind filter")
        self.kind.setToolTip("Only notes of this kind")
        self.kind.addItem("Any kind", None)
        for kind in NoteKind:
            self.kind.addItem(kind.label, kind.value)

        self._tags = QStringListModel(self)
        self.tag = QLineEdit(self)
        self.tag.setObjectName("searchTag")
        self.tag.setAccessibleName("Tag filter")
        self.tag.setPlaceholderText("#tag")
        self.tag.setToolTip("Only notes with this theme; Enter applies it")
        self.tag.setClearButtonEnabled(True)
        self.tag.setCompleter(self._completer(self._tags, Qt.MatchFlag.MatchStartsWith))

        self._accounts = QStringListModel(self)
        self.account = QLineEdit(self)
        self.account.setObjectName("searchAccount")
        self.account.setAccessibleName("Account filter")
        self.account.setPlaceholderText("Account")
        self.account.setToolTip("Only calls with this account; Enter applies it")
        self.account.setClearButtonEnabled(True)
        self.account.setCompleter(self._completer(self._accounts, Qt.MatchFlag.MatchContains))

        self.rep = QComboBox(self)
        self.rep.setObjectName("searchRep")
        self.rep.setAccessibleName("Rep filter")
        self.rep.setToolTip("Only calls this rep was on")
        self.rep.addItem("Any rep", None)

        self.period = QComboBox(self)
        self.period.setObjectName("searchPeriod")
        self.period.setAccessibleName("Period filter")
        self.period.setToolTip("Only calls started in this period")
        for label, days in PERIODS:
            self.period.addItem(label, days)

        self.status = QLabel(HINT, self)
        self.status.setObjectName("searchStatus")
        self.status.setAccessibleName("Search status")
        self.status.setToolTip("How many notes matched, or what went wrong")
        self.status.setProperty("role", "hint")
        self.status.setWordWrap(True)

        self.model = SearchResultsModel(self)
        self.results = QListView(self)
        self.results.setObjectName("searchResults")
        self.results.setAccessibleName("Search results")
        self.results.setToolTip(
            "Best matches first. Enter or double-click opens the call at that note; "
            "Up from the first result goes back to the search box."
        )
        self.results.setModel(self.model)
        self.results.setItemDelegate(HitDelegate(self.results))
        self.results.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.results.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.results.setUniformItemSizes(False)
        self.results.setWordWrap(True)
        self.results.setResizeMode(QListView.ResizeMode.Adjust)
        self.results.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.results.setAlternatingRowColors(True)

        filters = QHBoxLayout()
        filters.addWidget(self.kind)
        filters.addWidget(self.tag, 1)
        filters.addWidget(self.account, 2)
        filters.addWidget(self.rep)
        filters.addWidget(self.period)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.query)
        layout.addLayout(filters)
        layout.addWidget(self.status)
        layout.addWidget(self.results, 1)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        for watched in (self.query, self.tag, self.account, self.results):
            watched.installEventFilter(self)
        self._connect_signals()

    def _completer(self, model: QStringListModel, mode: Qt.MatchFlag) -> QCompleter:
        completer = QCompleter(model, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(mode)
        return completer

    def _connect_signals(self) -> None:
        self.query.textChanged.connect(self._on_query_text_changed)
        self.query.returnPressed.connect(self._on_query_return_pressed)
        self._search_timer.timeout.connect(self._on_search_timer_timeout)
        for combo in (self.kind, self.rep, self.period):
            combo.currentIndexChanged.connect(self._on_filter_changed)
        for edit in (self.tag, self.account):
            edit.editingFinished.connect(self._on_filter_changed)
            edit.textChanged.connect(self._on_filter_text_changed)
            edit.completer().activated.connect(self._on_filter_changed)
        self.results.activated.connect(self._on_results_activated)
        self._events.changed.connect(self._on_changed)

    # -- loading ---------------------------------------------------------------------

    def ensure_loaded(self) -> None:
        """Fill the filters the first time the view is shown, and catch up on changes
        made while it was hidden (its widgets exist from the start)."""
        if not self._loaded or self._choices_stale:
            self._loaded = True
            self._choices_stale = False
            self._load_choices()
        if self._results_stale:
            self._results_stale = False
            self._start_search(force=True)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._loaded:
            self.ensure_loaded()

    def _load_choices(self) -> None:
        """Fill the rep, account and theme choices off the GUI thread: counting the
        themes in use reads every tagged note, which grows with the database."""
        services = self._services

        def work(_progress: Progress, _token: CancelToken) -> Choices:
            return Choices(
                tuple(p.name for p in services.people.list(Role.REP)),
                tuple(services.accounts.names(limit=CHOICES)),
                tuple(t.name for t in services.notes.tags_in_use(limit=CHOICES)),
            )

        self._jobs.start(
            Job(
                "Loading the filters…",
                work,
                on_success=self._on_choices_loaded,
                on_user_error=lambda message: self._show_status(message, error=True),
            )
        )

    @Slot(object)
    def _on_choices_loaded(self, choices: Choices) -> None:
        self._accounts.setStringList(list(choices.accounts))
        self._tags.setStringList(list(choices.tags))
        current = self.rep.currentData()
        self.rep.blockSignals(True)
        self.rep.clear()
        self.rep.addItem("Any rep", None)
        for name in choices.reps:
            self.rep.addItem(name, name)
        self.rep.setCurrentIndex(max(self.rep.findData(current) if current else 0, 0))
        self.rep.blockSignals(False)
        self.choices_loaded.emit()

    def focus_query(self) -> None:
        """Where the window's Find action lands: the box, its text selected to retype."""
        self.query.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.query.selectAll()

    # -- searching -------------------------------------------------------------------

    def filters(self) -> SearchFilters:
        """The filters as set now."""
        kind = self.kind.currentData()
        days = self.period.currentData()
        return SearchFilters(
            kinds=(NoteKind(kind),) if kind else (),
            account=self.account.text().strip() or None,
            rep=self.rep.currentData(),
            tag=self.tag.text().strip() or None,
            since=local_today(self._services.clock) - timedelta(days=days)
            if days is not None
            else None,
        )

    def _start_search(self, *, force: bool = False, asked: bool = False) -> None:
        """Search for what is typed, off the GUI thread, stopping the search it
        supersedes; an unchanged search is not rerun unless `force` (the data changed).
        A query of one or two letters waits for more, or for Enter (`asked`)."""
        self._search_timer.stop()
        query, filters = self.query.text(), self.filters()
        if asked:
            self._asked_for = query
        if not force and self._last_run == (query, filters):
            return
        self._generation += 1
        if self._job is not None:
            self._job.cancel()
            self._job = None
        if not query.strip():
            self._last_run = (query, filters)
            self.model.set_hits(())
            self._show_status(HINT)
            self.results_shown.emit(query)
            return
        if query != self._asked_for and self._services.search.too_short_to_search_as_typed(query):
            self._last_run = None  # not run: Enter runs it
            self.model.set_hits(())
            self._show_status(SHORT_HINT)
            self.results_shown.emit(query)
            return
        self._last_run = (query, filters)
        generation = self._generation
        search = self._services.search

        def work(_progress: Progress, token: CancelToken) -> SearchOutcome:
            try:
                hits = search.search(query, filters, LIMIT + 1, cancel=token)
            except Cancelled:
                raise  # superseded: the job ends quietly, a newer search owns the list
            except RidealongError as error:
                return SearchOutcome(generation, query, (), str(error))
            return SearchOutcome(generation, query, hits)

        job = Job("Searching…", work, on_success=self._on_search_succeeded)
        job.signals.failed.connect(self._on_search_failed)
        self._job = job
        if self.model.rowCount() == 0:
            self._show_status("Searching…")
        self._jobs.start(job)

    @Slot(object)
    def _on_search_succeeded(self, outcome: SearchOutcome) -> None:
        if outcome.generation != self._generation:
            return  # typed over: a newer search owns the list
        self._job = None
        if outcome.error is not None:
            self.model.set_hits(())
            self._show_status(outcome.error, error=True)
        else:
            self._show_hits(outcome.hits)
        self.results_shown.emit(outcome.query)

    @Slot(object)
    def _on_search_failed(self, _error: BaseException) -> None:
        # A bug, not a user's mistake (those come back as an outcome); the job reports it.
        self._show_status("The search failed; the error has been reported", error=True)

    def _show_hits(self, hits: tuple[SearchHit, ...]) -> None:
        previous = self.current_note_id()
        had_focus = self.results.hasFocus()
        self.model.set_hits(hits[:LIMIT])
        count = len(hits)
        if count > LIMIT:
            self._show_status(f"{LIMIT}+ matches, refine the search")
        elif count == 0:
            self._show_status("No matches")
        else:
            self._show_status("1 match" if count == 1 else f"{count} matches")
        row = self.model.row_of(previous) if previous is not None else -1
        if row < 0 and had_focus and count:
            row = 0
        if row >= 0:
            self.results.setCurrentIndex(self.model.index(row))

    def _show_status(self, text: str, *, error: bool = False) -> None:
        self.status.setText(text)
        set_role(self.status, "error" if error else "hint")

    def current_note_id(self) -> uuid.UUID | None:
        index = self.results.currentIndex()
        return index.data(NOTE_ID_ROLE) if index.isValid() else None

    # -- input -----------------------------------------------------------------------

    @Slot(str)
    def _on_query_text_changed(self, _text: str) -> None:
        self._search_timer.start()

    @Slot()
    def _on_search_timer_timeout(self) -> None:
        self._start_search()

    @Slot()
    def _on_query_return_pressed(self) -> None:
        """Search now; with the results already in, open the selected one, or step into
        them at the first."""
        if self._search_timer.isActive() or self._last_run != (self.query.text(), self.filters()):
            self._start_search(asked=True)
        elif self.results.selectionModel().hasSelection():
            self._on_results_activated(self.results.currentIndex())
        elif self.model.rowCount():
            self._enter_results()

    @Slot()
    def _on_filter_changed(self) -> None:
        self._start_search()

    @Slot(str)
    def _on_filter_text_changed(self, text: str) -> None:
        if not text:  # cleared (with the clear button): widen the search at once
            self._start_search()

    @Slot(QModelIndex)
    def _on_results_activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_note_requested.emit(index.data(CALL_ID_ROLE), index.data(NOTE_ID_ROLE))

    def _enter_results(self) -> None:
        """Into the results, at the first (the best match)."""
        self.results.setFocus(Qt.FocusReason.OtherFocusReason)
        self.results.setCurrentIndex(self.model.index(0))
        self.results.scrollToTop()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Down from the box selects the first result, Enter on a result opens it, Up
        from the first result moves back to the box, Esc clears a box with text."""
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.modifiers()
            in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier)
        ):
            key = event.key()
            if watched is self.query and key == Qt.Key.Key_Down and self.model.rowCount():
                self._enter_results()
                return True
            if watched is self.results and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self._on_results_activated(self.results.currentIndex())
                return True
            if (
                key == Qt.Key.Key_Escape
                and isinstance(watched, QLineEdit)
                and watched.text()
                and not _completing(watched)
            ):
                watched.clear()
                if watched is self.query:
                    self._start_search()
                return True
            if (
                watched is self.results
                and key == Qt.Key.Key_Up
                and self.results.currentIndex().row() <= 0
            ):
                self.query.setFocus(Qt.FocusReason.OtherFocusReason)
                return True
        return super().eventFilter(watched, event)

    # -- changes elsewhere -----------------------------------------------------------

    @Slot(object)
    def _on_changed(self, changes: Changes) -> None:
        """Notes, tags or people changed elsewhere: search again (now if on screen)."""
        if changes.source is self:
            return
        if not self.isVisible():
            self._choices_stale = True
            self._results_stale = bool(self.query.text().strip())
            return
        self._load_choices()
        if self.query.text().strip():
            self._last_run = None
            self._search_timer.start()
