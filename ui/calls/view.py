"""The Calls view: the call list on the left, the selected call in the centre, its
details and qualification checklist on the right."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from PySide6.QtCore import (
    QEvent,
    QItemSelection,
    QModelIndex,
    QObject,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QKeyEvent, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QHeaderView,
    QLineEdit,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.clock import local_today
from desktop.config import Identity
from desktop.domain import CallStatus, CriterionStatus, Role
from desktop.drafts import DraftStore
from desktop.errors import RidealongError
from desktop.services import Services
from desktop.services.calls import CallFilters
from desktop.services.qualification import status_after_answer
from desktop.services.values import CriterionAnswerView
from ui.calls.call_page import CallPage
from ui.calls.side import CallDetails, QualificationPanel
from ui.calls.start import NoCallPage, StartCallPanel, StartRequest, WelcomePage
from ui.commands import DeleteCallCommand, SetCriterionCommand
from ui.events import AppEvents, Changes
from ui.jobs import Job, JobRunner
from ui.models.call_list import CALL_ID_ROLE, CallListModel
from ui.outbox import OutboxRetrier
from ui.settings import Settings
from ui.widgets import FlowLayout, toggle_pane

SEARCH_DELAY_MS = 250
PERIODS: tuple[tuple[str, int | None], ...] = (
    ("Any time", None),
    ("Today", 0),
    ("Last 7 days", 7),
    ("Last 30 days", 30),
    ("Last 90 days", 90),
    ("Last 365 days", 365),
)


class SidePanel(QScrollArea):
    """The details and checklist: scrolled up and down in a short window, never cut on
    the right in a narrow one (the splitter stops at the width they need)."""

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        content = self.widget()
        if content is not None:
            scrollbar = self.verticalScrollBar().sizeHint().width()
            needed = content.minimumSizeHint().width() + scrollbar + 2 * self.frameWidth()
            hint.setWidth(max(hint.width(), needed))
        return hint


class CallsView(QWidget):
    """Signals: demo_requested()."""

    demo_requested = Signal()

    def __init__(
        self,
        services: Services,
        events: AppEvents,
        undo: QUndoStack,
        drafts: DraftStore,
        outbox: OutboxRetrier,
        settings: Settings,
        identity: Identity,
        parent: QWidget | None = None,
        *,
        jobs: JobRunner,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("callsView")
        self._services = services
        self._events = events
        self._settings = settings
        self._identity = identity
        self._undo = undo
        self._jobs = jobs
        self._loaded = False
        #: The accounts the start panel completes, busiest first: the last ones read.
        self._account_names: tuple[str, ...] = ()

        self.search_box = QLineEdit(self)
        self.search_box.setObjectName("searchBox")
        self.search_box.setAccessibleName("Find calls")
        self.search_box.setPlaceholderText("Find calls by account, person or #theme (Ctrl+F)")
        self.search_box.setToolTip(
            "Narrow the call list by account, rep or marketer, or by a #theme in its notes (Ctrl+F)"
        )
        self.search_box.setClearButtonEnabled(True)
        self.search_box.installEventFilter(self)
        self.status_filter = QComboBox(self)
        self.status_filter.setObjectName("statusFilter")
        self.status_filter.setAccessibleName("Status filter")
        self.status_filter.setToolTip("Show calls with this status")
        self.status_filter.addItem("All statuses", None)
        for status in CallStatus:
            self.status_filter.addItem(status.label, status.value)
        self.period_filter = QComboBox(self)
        self.period_filter.setObjectName("periodFilter")
        self.period_filter.setAccessibleName("Period filter")
        self.period_filter.setToolTip("Show calls started in this period")
        for label, days in PERIODS:
            self.period_filter.addItem(label, days)
        self.rep_filter = QComboBox(self)
        self.rep_filter.setObjectName("repFilter")
        self.rep_filter.setAccessibleName("Rep filter")
        self.rep_filter.setToolTip("Show calls of this rep")
        self.rep_filter.addItem("Any rep", None)

        self.model = CallListModel(
            lambda filters, after, limit: services.calls.page(filters, after=after, limit=limit),
            services.clock,
            self,
        )
        self.call_list = QTableView(self)
        self.call_list.setObjectName("callList")
        self.call_list.setAccessibleName("Calls")
        self.call_list.setToolTip(
            "Every ride-along, newest first. Ctrl+N starts a new one; Delete moves the "
            "selected one to the trash."
        )
        self.call_list.installEventFilter(self)
        self.call_list.setModel(self.model)
        self.call_list.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.call_list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.call_list.verticalHeader().hide()
        self.call_list.setShowGrid(False)
        self.call_list.setAlternatingRowColors(True)
        self.call_list.setWordWrap(False)
        header = self.call_list.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        # Sized to the rows in sight: the short columns read alike in every row, and
        # measuring a whole page at each layout held the window up as it opened.
        header.setResizeContentsPrecision(0)
        header.setStretchLastSection(False)
        self.call_list.verticalHeader().setDefaultSectionSize(
            self.call_list.fontMetrics().height() + 8
        )

        # The filters wrap onto a second row in a narrow list, rather than widen it.
        filters = FlowLayout()
        for combo in (self.status_filter, self.period_filter, self.rep_filter):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        filters.addWidget(self.status_filter)
        filters.addWidget(self.period_filter)
        filters.addWidget(self.rep_filter)
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.search_box)
        left_layout.addLayout(filters)
        left_layout.addWidget(self.call_list, 1)

        self.welcome = WelcomePage(self)
        self.start_panel = StartCallPanel(self)
        self.call_page = CallPage(services, events, undo, drafts, outbox, identity, self, jobs=jobs)
        self.no_call = NoCallPage(self)
        self.centre = QStackedWidget(self)
        self.centre.setObjectName("callCentre")
        for page in (self.welcome, self.start_panel, self.call_page, self.no_call):
            self.centre.addWidget(page)

        self.details = CallDetails(self)
        self.qualification = QualificationPanel(self)
        right = QWidget(self)
        self._side_layout = QVBoxLayout(right)
        self._side_layout.setContentsMargins(0, 0, 0, 0)
        # The checklist is worked during the call; the details are looked up: it goes first.
        self._side_layout.addWidget(self.qualification, 1)
        self._side_layout.addWidget(self.details)
        self._side_layout.addStretch(0)
        # Scrolls rather than squeezes its wrapped lines in a short window.
        self.side = SidePanel(self)
        self.side.setObjectName("callSide")
        self.side.setWidget(right)
        self.side.setWidgetResizable(True)
        self.side.setFrameShape(QFrame.Shape.NoFrame)
        self.side.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("callsSplitter")
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.centre)
        self.splitter.addWidget(self.side)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 5)
        self.splitter.setStretchFactor(2, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.splitter)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._connect_signals()

    def _connect_signals(self) -> None:
        self.search_box.textChanged.connect(self._search_timer.start)
        self._search_timer.timeout.connect(self._apply_filters)
        self.status_filter.currentIndexChanged.connect(self._apply_filters)
        self.period_filter.currentIndexChanged.connect(self._apply_filters)
        self.rep_filter.currentIndexChanged.connect(self._apply_filters)
        self.call_list.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self.model.modelReset.connect(self._on_model_reset)
        self.welcome.start_requested.connect(self.begin_start)
        self.welcome.demo_requested.connect(self.demo_requested)
        self.start_panel.start_requested.connect(self._on_start_requested)
        self.start_panel.cancelled.connect(self._on_start_cancelled)
        self.call_page.end_requested.connect(self._on_end_requested)
        self.call_page.delete_requested.connect(self._on_delete_requested)
        self.call_page.set_criterion_source(self.qualification.selected_criterion)
        self.call_page.criterion_linked.connect(self._show_side)
        self.qualification.cycle_requested.connect(self._on_cycle_requested)
        self.qualification.status_requested.connect(self._on_status_requested)
        self.qualification.answer_given.connect(self._on_answer_given)
        self.qualification.link_requested.connect(self._on_link_requested)
        self.qualification.leave_requested.connect(self.call_page.capture.input.setFocus)
        self._events.changed.connect(self._on_changed)
        self.model.failed.connect(self._events.status)

    # -- loading ---------------------------------------------------------------------

    def ensure_loaded(self) -> None:
        """Load data the first time the view is shown (its widgets exist from the start)."""
        if self._loaded:
            return
        self._loaded = True
        self.refresh_people()
        self.model.reload()
        self._select_call_id(self._settings.last_call)
        self._show_centre()

    def refresh_people(self) -> None:
        """Offer every rep in the filter (after a call or sample data added some)."""
        current = self.rep_filter.currentData()
        self.rep_filter.blockSignals(True)
        self.rep_filter.clear()
        self.rep_filter.addItem("Any rep", None)
        for person in self._services.people.list(Role.REP):
            self.rep_filter.addItem(person.name, person.name)
        index = self.rep_filter.findData(current) if current else 0
        self.rep_filter.setCurrentIndex(max(index, 0))
        self.rep_filter.blockSignals(False)

    def _filters(self) -> CallFilters:
        status = self.status_filter.currentData()
        days = self.period_filter.currentData()
        today = local_today(self._services.clock)
        since = today - timedelta(days=days) if days is not None else None
        words = self.search_box.text().split()
        tags = [w for w in words if w.startswith("#") and len(w) > 1]
        text = " ".join(w for w in words if w not in tags)
        return CallFilters(
            statuses=(CallStatus(status),) if status else (),
            rep=self.rep_filter.currentData(),
            since=since,
            text=text or None,
            tag=tags[0] if tags else None,
        )

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Esc in the filter box clears what is typed (pressed again, every filter);
        Delete in the call list asks to move the selected call to the trash."""
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return super().eventFilter(watched, event)
        if watched is self.search_box and event.key() == Qt.Key.Key_Escape:
            return self.clear_filters()
        if (
            watched is self.call_list
            and event.key() == Qt.Key.Key_Delete
            and event.modifiers() == Qt.KeyboardModifier.NoModifier
        ):
            if self.call_page.call is not None and self.centre.currentWidget() is self.call_page:
                self.call_page.ask_delete()
            return True
        return super().eventFilter(watched, event)

    def clear_filters(self) -> bool:
        """Clear the typed filter, or if there is none the status, period and rep ones;
        False when no filter was set."""
        if self.search_box.text():
            self.search_box.clear()
            self._search_timer.stop()
            self._apply_filters()
            return True
        combos = (self.status_filter, self.period_filter, self.rep_filter)
        if not any(combo.currentIndex() for combo in combos):
            return False
        for combo in combos:
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        self._apply_filters()
        return True

    def _apply_filters(self) -> None:
        selected = self.selected_call_id()
        self.model.set_filters(self._filters())
        if selected is not None:
            self._select_call_id(str(selected))

    def _on_model_reset(self) -> None:
        self._show_centre()

    def has_calls(self) -> bool:
        return self.model.rowCount() > 0 or self._filters() != CallFilters()

    # -- selection -------------------------------------------------------------------

    def selected_call_id(self) -> uuid.UUID | None:
        indexes = self.call_list.selectionModel().selectedRows()
        return indexes[0].data(CALL_ID_ROLE) if indexes else None

    def _select_call_id(self, call_id: str) -> bool:
        if not call_id:
            return False
        try:
            wanted = uuid.UUID(call_id)
        except ValueError:
            return False
        row = self.model.row_of(wanted)
        if row < 0:
            try:
                self._services.calls.row(wanted)  # page on only for a call that exists
            except RidealongError:
                return False
        while row < 0 and self.model.canFetchMore(QModelIndex()) and self.model.rowCount() < 2000:
            self.model.fetchMore(QModelIndex())
            row = self.model.row_of(wanted)
        if row < 0:
            return False
        self.call_list.selectRow(row)
        self.call_list.scrollTo(self.model.index(row, 0))
        return True

    def select_call(self, call_id: uuid.UUID) -> None:
        if not self._select_call_id(str(call_id)):
            # Not in the list as filtered: show the whole list so the call can be shown.
            self.search_box.clear()
            self.status_filter.setCurrentIndex(0)
            self.period_filter.setCurrentIndex(0)
            self.rep_filter.setCurrentIndex(0)
            self.model.set_filters(self._filters())
            self._select_call_id(str(call_id))

    def _on_selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        call_id = self.selected_call_id()
        if call_id is None:
            self._show_centre()
            return
        self._settings.last_call = str(call_id)
        self._open_call(call_id)

    def _open_call(self, call_id: uuid.UUID) -> None:
        shown = self.call_page.call
        if (
            shown is not None
            and shown.id == call_id
            and self.centre.currentWidget() is self.call_page
        ):
            # Selected again after the list reloaded: show what changed, keep the place.
            self.call_page.reload()
            self._show_side()
            return
        try:
            restored = self.call_page.show_call(call_id)
        except RidealongError as error:
            self._events.status.emit(str(error))
            return
        self.centre.setCurrentWidget(self.call_page)
        self._show_side()
        if restored:  # the next keystrokes continue the recovered text
            self.call_page.capture.input.setFocus()

    def _show_side(self) -> None:
        call = self.call_page.call
        unfold = call is not None and self.side.isHidden()
        self.side.setVisible(call is not None)
        if call is None:
            self.details.clear()
            self.qualification.clear()
            return
        if (
            unfold
            and self.splitter.sizes()[2] == 0
            and self.splitter.property("paneWidth2") is None
        ):
            # Laid out while hidden, the panel came back with no width: give it some,
            # unless the user folded it away (then Ctrl+Shift+D brings it back).
            toggle_pane(self.splitter, 2)
        self.details.show_call(call)
        self.qualification.show_checklist(
            call.framework.name if call.framework else None,
            self._services.qualification.checklist(call.id),
        )
        # Without a checklist the details move up under the heading, not to the bottom.
        has_list = call.framework is not None
        self._side_layout.setStretch(0, 1 if has_list else 0)
        self._side_layout.setStretch(2, 0 if has_list else 1)

    def _show_centre(self) -> None:
        if self.centre.currentWidget() is self.start_panel:
            return
        if self.selected_call_id() is not None:
            return
        self.call_page.close_call()
        self._show_side()
        self.centre.setCurrentWidget(self.no_call if self.has_calls() else self.welcome)

    # -- starting and ending calls ---------------------------------------------------

    def begin_start(self) -> None:
        reps = [p.name for p in self._services.people.list(Role.REP)]
        last = {f: self._settings.last_choice(f) for f in ("rep", "type", "framework")}
        self.start_panel.prepare(
            self._account_names,
            reps,
            self._services.frameworks.list(),
            last,
            self._services.clock(),
        )
        self.centre.setCurrentWidget(self.start_panel)
        self.start_panel.account.setFocus()
        self._load_account_names()

    def _load_account_names(self) -> None:
        """Ranking accounts by their calls reads every call (a quarter of a second at a
        million notes): off the GUI thread, so the panel is there at once and completes
        the accounts read last time until the new ranking is in."""
        accounts = self._services.accounts
        self._jobs.start(
            Job(
                "Loading accounts…",
                lambda _progress, _token: accounts.names(limit=500),
                on_success=self._on_account_names,
                on_user_error=self._events.status.emit,
            )
        )

    def _on_account_names(self, names: tuple[str, ...]) -> None:
        self._account_names = names
        self.start_panel.set_accounts(names)

    def _on_start_cancelled(self) -> None:
        self.centre.setCurrentWidget(self.no_call)
        call_id = self.selected_call_id()
        if call_id is not None:
            self._open_call(call_id)
        else:
            self._show_centre()

    def _on_start_requested(self, request: StartRequest) -> None:
        marketer = self._identity.name if self._identity.role is not Role.REP else None
        rep = request.rep or (self._identity.name if self._identity.role is Role.REP else None)
        try:
            call = self._services.calls.start(
                request.account,
                rep=rep,
                marketer=marketer,
                call_type=request.call_type,
                framework=request.framework,
                contacts=[name for name, _title in request.contacts],
                started_at=request.started_at,
            )
        except RidealongError as error:
            self.start_panel.show_error(str(error))
            return
        for name, title in request.contacts:
            if title:
                try:
                    self._services.accounts.ensure_contact(call.account.name, name, title=title)
                except RidealongError as error:  # the call is started; only the title is not
                    self._events.status.emit(f"Title of {name} not saved: {error}")
        self._settings.remember_choice("rep", request.rep or "")
        self._settings.remember_choice("type", request.call_type.value)
        self._settings.remember_choice("framework", request.framework or "")
        self.centre.setCurrentWidget(self.call_page)
        self.refresh_people()
        self.model.reload()
        self.select_call(call.id)
        self._open_call(call.id)
        self.call_page.capture.input.setFocus()
        self._events.changed.emit(Changes(call_ids=frozenset({call.id}), calls=True, source=self))

    def end_current_call(self) -> None:
        self.call_page.request_end()

    def _on_end_requested(self, call_id: uuid.UUID, ended_at: datetime | None) -> None:
        self.call_page.save_draft()
        try:
            self._services.calls.end(call_id, ended_at)
        except RidealongError as error:
            self._events.status.emit(str(error))
            return
        self.call_page.reload()
        self._show_side()
        self._refresh_row(call_id)
        self._events.status.emit("Call ended; it now awaits the rep's review")
        self._events.changed.emit(Changes(call_ids=frozenset({call_id}), calls=True, source=self))

    # -- deleting calls --------------------------------------------------------------

    def _on_delete_requested(self, call_id: uuid.UUID) -> None:
        try:
            call = self._services.calls.delete(call_id)
        except RidealongError as error:
            self._events.status.emit(str(error))
            return
        self._undo.push(
            DeleteCallCommand(
                self._services.calls,
                self._services.trash,
                call,
                self._after_call_undone,
                lambda error: self._events.status.emit(str(error)),
            )
        )
        self._after_call_deleted(call_id)
        self._events.status.emit(
            f"Moved the {call.account.name} call to the trash; Ctrl+Z brings it back"
        )

    def _after_call_deleted(self, call_id: uuid.UUID) -> None:
        self.call_list.clearSelection()
        self.model.reload()
        self._show_centre()
        self.call_list.setFocus()
        self._events.changed.emit(Changes(call_ids=frozenset({call_id}), calls=True, source=self))

    def _after_call_undone(self, call_id: uuid.UUID) -> None:
        """Undo or redo of a deletion: show the call if it is back, else the list."""
        try:
            self._services.calls.get(call_id)
        except RidealongError:
            self._after_call_deleted(call_id)
            return
        self.model.reload()
        self.select_call(call_id)
        self._events.changed.emit(Changes(call_ids=frozenset({call_id}), calls=True, source=self))

    # -- qualification ---------------------------------------------------------------

    def _on_cycle_requested(self, key: str) -> None:
        self._change_criterion(
            key, lambda call_id: self._services.qualification.cycle(call_id, key, by=self._by())
        )

    def _on_status_requested(self, key: str, status: CriterionStatus) -> None:
        self._change_criterion(
            key,
            lambda call_id: self._services.qualification.set_status(
                call_id, key, status, by=self._by()
            ),
        )

    def _on_answer_given(self, key: str, answer: str) -> None:
        before = self.qualification.answer_of(key)
        if before is None:
            return
        status = status_after_answer(before.status, answer)
        if (status, answer.strip() or None) == (before.status, before.answer):
            return
        self._change_criterion(
            key,
            lambda call_id: self._services.qualification.set_status(
                call_id, key, status, answer=answer, by=self._by()
            ),
        )

    def _by(self) -> str | None:
        return self._identity.name or None

    def _change_criterion(
        self, key: str, change: Callable[[uuid.UUID], CriterionAnswerView]
    ) -> None:
        """Make one change to where the call stands on a criterion, undoably."""
        call = self.call_page.call
        before = self.qualification.answer_of(key)
        if call is None or before is None:
            return
        try:
            after = change(call.id)
        except RidealongError as error:
            self.qualification.show_error(str(error))
            return
        self.qualification.show_error(None)
        if (after.status, after.answer) != (before.status, before.answer):
            self._undo.push(
                SetCriterionCommand(
                    self._services.qualification,
                    call.id,
                    before,
                    after,
                    self._by(),
                    self._qualification_changed,
                    lambda error: self.qualification.show_error(str(error)),
                )
            )
        self._qualification_changed(call.id)

    def _qualification_changed(self, call_id: uuid.UUID) -> None:
        call = self.call_page.call
        if call is not None and call.id == call_id:
            self._show_side()
        self._events.changed.emit(
            Changes(call_ids=frozenset({call_id}), qualification=True, source=self)
        )

    def _on_link_requested(self, key: str) -> None:
        call = self.call_page.call
        note = self.call_page.timeline.current_note()
        if call is None:
            return
        if note is None:
            self._events.status.emit("Select a question in the timeline first, then press L")
            return
        try:
            self._services.qualification.link_note(note.id, key, by=self._identity.name)
        except RidealongError as error:
            self._events.status.emit(str(error))
            return
        self._events.status.emit("Linked the question to the criterion")
        self._qualification_changed(call.id)

    # -- changes elsewhere -----------------------------------------------------------

    def _refresh_row(self, call_id: uuid.UUID) -> None:
        try:
            self.model.replace_row(self._services.calls.row(call_id))
        except RidealongError:
            self.model.reload()

    def _on_changed(self, changes: Changes) -> None:
        if changes.source is self:
            return
        if (changes.calls or changes.notes) and changes.source is not self.call_page:
            self.call_page.forget_tags()
        if changes.calls:
            selected = self.selected_call_id()
            scroll = self.call_list.verticalScrollBar().value()
            self.model.reload()
            if selected is not None:
                self._select_call_id(str(selected))
            self.call_list.verticalScrollBar().setValue(scroll)
            self._show_centre()
            return
        for call_id in changes.call_ids:
            self._refresh_row(call_id)
        if changes.source is not self.call_page and changes.touches(self.selected_call_id()):
            self.call_page.reload()
            self._show_side()

    def set_identity(self, identity: Identity) -> None:
        self._identity = identity
        self.call_page.identity = identity

    def save_state(self) -> None:
        self._settings.save_splitter(self.splitter)
        self.call_page.stop()

    def restore_state(self) -> None:
        if not self._settings.restore_splitter(self.splitter):
            width = max(self.splitter.width(), 1000)
            self.splitter.setSizes([int(width * 0.3), int(width * 0.48), int(width * 0.22)])
