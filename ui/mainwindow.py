"""The main window: a sidebar of views, menus built from the action table, inline
banners (who you are, recovered drafts) and long work shown in the status bar."""

from __future__ import annotations

import importlib
import logging
import random
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QGuiApplication,
    QKeyEvent,
    QKeySequence,
    QPaintEvent,
    QShowEvent,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QMainWindow,
    QProgressBar,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from desktop.config import Identity, masked, save_identity
from desktop.domain import NoteKind, Role
from desktop.drafts import Draft, DraftStore, Outbox
from desktop.errors import RidealongError
from desktop.progress import CancelToken
from ui.actions import (
    CALLS,
    EVERYWHERE,
    INTENSITY_ACTIONS,
    KIND_ACTIONS,
    PLACES,
    SPECS,
    TIMELINE,
    WIDGET_KEYS,
    ActionId,
    build_actions,
    key_text,
)
from ui.events import AppEvents, Changes
from ui.jobs import Job, JobRunner
from ui.sample import SampleBar
from ui.settings import Settings
from ui.widgets import focus_first, toggle_pane

if TYPE_CHECKING:  # views and use cases load after the first paint (see `MainWindow`)
    from desktop.demo import DemoSummary
    from desktop.services import Services
    from desktop.services.backup import DatabaseHealth
    from ui.bundles import BundleImporter, ExportBundleDialog
    from ui.calls.view import CallsView
    from ui.definitions.view import DefinitionsView
    from ui.durability import Banner
    from ui.live import LiveRefresh, OfflineBanner
    from ui.outbox import OutboxRetrier
    from ui.reports.view import ReportsView
    from ui.review.view import ReviewView
    from ui.search.view import SearchView

log = logging.getLogger(__name__)
PROGRESS_DELAY_MS = 500
MAINTENANCE_CHECK_MS = 5 * 60 * 1000
STATUS_MS = 6000
#: If the window is never painted (shown on a hidden workspace), it opens its database
#: this long after showing all the same.
OPEN_UNPAINTED_MS = 300
#: The modules behind the views: SQLAlchemy and every use case come with them, so they
#: load off the GUI thread with the database (see `MainWindow`).
VIEW_MODULES = (
    "desktop.services.backup",
    "ui.bundles",
    "ui.calls.view",
    "ui.definitions.view",
    "ui.durability",
    "ui.live",
    "ui.outbox",
    "ui.reports.view",
    "ui.review.view",
    "ui.search.view",
)


@dataclass(frozen=True, slots=True)
class Opened:
    """What a window works on, opened off the GUI thread: the database's use cases and
    this computer's drafts and outbox for it."""

    services: Services
    drafts: DraftStore
    outbox: Outbox


def opening_label(database_url: str) -> str:
    """Where the window is opening, for people, before anything that parses URLs (and
    so SQLAlchemy) has loaded: a file's path, else the URL without its secrets."""
    return masked(database_url).removeprefix("sqlite:///")


def _open(opener: Callable[[], Opened], token: CancelToken) -> Opened:
    """Open the database and load the views' modules (on the opening thread); a window
    closed meanwhile gets nothing, and its database is closed again."""
    opened = opener()
    try:
        for name in VIEW_MODULES:
            importlib.import_module(name)
        token.raise_if_cancelled()
    except BaseException:
        opened.services.close()
        raise
    return opened


class IdentityBar(QFrame):
    """Asks, inline, who the user is: on the first run with an empty name (the login name
    is no one's name), later from File > Who am I… with the current one to change.

    Signals: saved(Identity); join_requested(): the first run's "join my team's
    database" instead of this computer's file.
    """

    saved = Signal(object)
    join_requested = Signal()

    def __init__(self, identity: Identity, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("identityBar")
        self.setProperty("role", "banner")
        self._identity = identity
        label = QLabel("Who are you? Your name goes on the notes you take and review.", self)
        label.setWordWrap(True)
        self.name = QLineEdit(identity.name if identity.confirmed else "", self)
        self.name.setObjectName("identityName")
        self.name.setAccessibleName("Your name")
        self.name.setToolTip("Your name, as colleagues know it (Enter saves)")
        self.name.setPlaceholderText("Your name, e.g. Sam Lee")
        self.role = QComboBox(self)
        self.role.setObjectName("identityRole")
        self.role.setAccessibleName("Your role")
        self.role.setToolTip("Marketers capture calls; reps review them")
        for role in Role:
            self.role.addItem(role.label, role.value)
        self.role.setCurrentIndex(self.role.findData(identity.role.value))
        save = QPushButton("Save", self)
        save.setObjectName("identitySave")
        save.setToolTip("Remember who you are (Enter)")
        self.join = QPushButton("Join my team's database…", self)
        self.join.setObjectName("identityJoin")
        self.join.setToolTip("Work on the database your team shares (Settings > Database)")
        self.join.setVisible(not identity.confirmed)  # a first-run choice
        self.error = QLabel(self)
        self.error.setObjectName("identityError")
        self.error.setProperty("role", "error")
        self.error.hide()
        layout = QHBoxLayout(self)
        layout.addWidget(label, 1)
        layout.addWidget(self.name, 1)
        layout.addWidget(self.role)
        layout.addWidget(save)
        layout.addWidget(self.join)
        layout.addWidget(self.error)
        save.clicked.connect(self.submit)
        self.join.clicked.connect(self.join_requested)
        self.name.returnPressed.connect(self.submit)

    def ask(self) -> None:
        """Show the bar with who the user is now, ready to be changed."""
        if self._identity.confirmed:
            self.name.setText(self._identity.name)
            self.role.setCurrentIndex(self.role.findData(self._identity.role.value))
        self.error.hide()
        self.show()
        self.name.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.name.selectAll()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Esc leaves a change of name unmade; the first run's question stays until answered.
        if event.key() == Qt.Key.Key_Escape and self._identity.confirmed:
            self.hide()
            self.saved.emit(self._identity)
            return
        super().keyPressEvent(event)

    def submit(self) -> None:
        try:
            identity = save_identity(self.name.text(), Role(self.role.currentData()))
        except (RidealongError, OSError) as error:
            self.error.setText(f"Not saved: {error}")
            self.error.show()
            return
        self._identity = identity
        self.error.hide()
        self.hide()
        self.saved.emit(identity)


class IdentityButton(QPushButton):
    """Who the notes are signed by, always in sight in the status bar; a click changes it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("identityButton")
        self.setFlat(True)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setAccessibleName("Who you are")

    def show_identity(self, identity: Identity) -> None:
        if identity.confirmed:
            self.setText(f"Signed {identity.name} ({identity.role.label.lower()})")
            self.setToolTip("Your notes and reviews carry this name; click to change it")
        else:
            self.setText("Who are you?")
            self.setToolTip(
                f"Until you say, your notes are signed {identity.name!r}; click to give your name"
            )


class DraftBar(QFrame):
    """Offers back text that was being typed when the app last stopped."""

    def __init__(
        self,
        draft: Draft,
        account: str,
        open_call: Callable[[Draft], None],
        discard: Callable[[Draft], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("draftBar")
        self.setProperty("role", "banner")
        when = draft.saved_at.astimezone().strftime("%a %H:%M")
        preview = " ".join(draft.text.split())[:80]
        label = QLabel(f"Unsent text from the {account} call ({when}): “{preview}”", self)
        label.setWordWrap(True)
        restore = QPushButton("Open it", self)
        restore.setObjectName("draftRestore")
        restore.setToolTip("Open that call with the text back in the capture box")
        drop = QPushButton("Discard", self)
        drop.setObjectName("draftDiscard")
        drop.setToolTip("Forget this text")
        layout = QHBoxLayout(self)
        layout.addWidget(label, 1)
        layout.addWidget(restore)
        layout.addWidget(drop)
        self._draft = draft
        restore.clicked.connect(lambda: self._resolve(open_call))
        drop.clicked.connect(lambda: self._resolve(discard))

    def _resolve(self, act: Callable[[Draft], None]) -> None:
        """Open or discard the draft; either way the offer is done with."""
        act(self._draft)
        self.hide()


class JobStatus(QWidget):
    """The status bar's progress for long work, with Cancel, shown after a moment and for
    as long as any job runs (the newest one's label and progress)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("jobStatus")
        self.label = QLabel(self)
        self.bar = QProgressBar(self)
        self.bar.setMaximumWidth(160)
        self.cancel = QPushButton("Cancel", self)
        self.cancel.setToolTip("Stop this work")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addWidget(self.cancel)
        self.hide()
        self._jobs: list[Job[Any]] = []
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(PROGRESS_DELAY_MS)
        self._timer.timeout.connect(self._reveal)
        self.cancel.clicked.connect(self._on_cancel)

    @property
    def job(self) -> Job[Any] | None:
        """The job on show: the newest still running."""
        return self._jobs[-1] if self._jobs else None

    def track(self, job: Job[Any]) -> None:
        self._jobs.append(job)
        self._show_job()
        # A job may end after its window was closed and deleted (a quick close no longer
        # waits on a backup): then there is nothing left to update.
        job.signals.progressed.connect(lambda done, total: self._on_progress(job, done, total))
        job.signals.finished.connect(lambda: self._on_finished(job))
        if not self.isVisible():
            self._timer.start()

    def _show_job(self) -> None:
        job = self.job
        if job is not None:
            self.label.setText(job.label)
            self.bar.setRange(0, 0)

    def _reveal(self) -> None:
        if self._jobs:
            self.show()

    def _on_progress(self, job: Job[Any], done: int, total: int) -> None:
        if job is self.job and isValid(self):
            self.bar.setRange(0, max(total, 1))
            self.bar.setValue(done)

    def _on_cancel(self) -> None:
        job = self.job
        if job is not None:
            job.cancel()
            self.label.setText("Stopping…")

    def _on_finished(self, job: Job[Any]) -> None:
        if not isValid(self):
            return
        if job in self._jobs:
            self._jobs.remove(job)
        if self._jobs:
            self._show_job()
            return
        self._timer.stop()
        self.hide()


class ShortcutsDialog(QDialog):
    """Help > Keyboard shortcuts: every key, where it works and what it does, read from
    the actions and the declared keys; as wide as its longest line, within the screen."""

    def __init__(self, parent: QWidget, rows: list[tuple[str, str, str]]) -> None:
        super().__init__(parent)
        self.setObjectName("shortcutsDialog")
        self.setWindowTitle("Keyboard shortcuts")
        table = QTableWidget(len(rows), 3, self)
        table.setObjectName("shortcutsTable")
        table.setAccessibleName("Keyboard shortcuts")
        table.setHorizontalHeaderLabels(["Where", "Keys", "Does"])
        table.verticalHeader().hide()
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        table.setWordWrap(False)
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
        for row, (where, keys, does) in enumerate(rows):
            # Each place is named once, at the head of its keys.
            shown = where if row == 0 or rows[row - 1][0] != where else ""
            for column, text in enumerate((shown, keys, does)):
                table.setItem(row, column, QTableWidgetItem(text))
        table.resizeColumnsToContents()
        table.horizontalHeader().setStretchLastSection(True)
        self.table = table
        layout = QVBoxLayout(self)
        layout.addWidget(table)
        available = parent.screen().availableGeometry()
        frame = 2 * table.frameWidth() + table.verticalScrollBar().sizeHint().width()
        margins = layout.contentsMargins()
        wanted = table.horizontalHeader().length() + frame + margins.left() + margins.right()
        rows_height = table.verticalHeader().length() + table.horizontalHeader().height()
        self.resize(
            min(wanted + 8, int(available.width() * 0.95)),
            min(
                rows_height + frame + margins.top() + margins.bottom(),
                int(available.height() * 0.85),
            ),
        )


class MainWindow(QMainWindow):
    """The window paints its frame first (menus, sidebar, status bar, restored geometry)
    with "Opening …" where the views go, disabled; the database and the modules behind
    the views load off the GUI thread once it has painted, then the views fill in and it
    takes keys (`ready`). Nothing that grows with the database runs before it paints.

    Signals: ready(): the database is open and the views are in. open_failed(object):
    opening raised this exception (the window stays disabled; close it).
    closed_unopened(): closed before its database opened.
    restore_requested(Path): the user asked to replace the database with a
    backup; the app closes this window and its database first. sample_requested(): the
    user asked for sample data, which opens in a separate database; home_requested():
    back from it to their own. database_chosen(str, str): Settings > Database chose a
    database to reopen on (a URL without password, "" for this computer's file) and
    the password typed. closing_backup_ended(bool): a close that waited for its backup
    ended, True if the window then closed, False if the backup failed and it stays."""

    ready = Signal()
    open_failed = Signal(object)
    closed_unopened = Signal()
    restore_requested = Signal(object)
    sample_requested = Signal()
    home_requested = Signal()
    database_chosen = Signal(str, str)
    closing_backup_ended = Signal(bool)

    services: Services
    drafts: DraftStore
    outbox: OutboxRetrier
    live: LiveRefresh | None
    calls_view: CallsView
    review_view: ReviewView
    search_view: SearchView
    definitions_view: DefinitionsView
    reports_view: ReportsView
    offline_banner: OfflineBanner
    bundles: BundleImporter

    def __init__(
        self,
        where: str,
        opener: Callable[[], Opened],
        settings: Settings,
        identity: Identity,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.setWindowTitle(f"Ridealong — {where}")
        self.settings = settings
        self.identity = identity
        self.events = AppEvents(self)
        self.jobs = JobRunner(self)
        self.undo = QUndoStack(self)
        self.action_table = build_actions(self)
        self._opener = opener
        #: The opening job, once started; None again when it is over.
        self._opening: Job[Opened] | None = None
        self._is_open = False
        #: Set once what came in with the database is on screen too (see `ready`).
        self._ready = False
        #: Why opening failed, if it did.
        self.open_error: BaseException | None = None
        #: A failed backup, shown until dismissed or a later backup works.
        self._backup_banner: Banner | None = None
        #: Set when the user chose to close although the backup at closing failed.
        self._close_anyway = False
        #: The backup made before closing, running on the write thread; the window
        #: closes once it is done (set when it succeeded).
        self._closing_backup: Job[Any] | None = None
        self._backed_up_for_close = False
        #: Shown while the window is on the sample database (see `show_as_sample`).
        self.sample_bar: SampleBar | None = None

        self.views = QStackedWidget(self)
        self.views.setObjectName("views")
        self.opening = QLabel(f"Opening {where}…", self)
        self.opening.setObjectName("opening")
        self.opening.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.opening.setWordWrap(True)
        self.views.addWidget(self.opening)
        self.sidebar = QListWidget(self)
        self.sidebar.setObjectName("viewSidebar")
        self.sidebar.setAccessibleName("Views")
        self.sidebar.setToolTip("Switch views (Ctrl+Shift+1 …)")
        self._view_actions = [
            ActionId.VIEW_CALLS,
            ActionId.VIEW_REVIEW,
            ActionId.VIEW_SEARCH,
            ActionId.VIEW_DEFINITIONS,
            ActionId.VIEW_REPORTS,
        ]
        self._view_names = ["Calls", "Review", "Search", "Definitions", "Reports"]
        self.sidebar.addItems(self._view_names)
        self.sidebar.setFixedWidth(self.sidebar.fontMetrics().horizontalAdvance("Definitions") + 24)
        # The view left open last time; shown (and loaded) once the database is open.
        last = settings.last_view
        self.sidebar.setCurrentRow(self._view_names.index(last) if last in self._view_names else 0)

        self.banners = QVBoxLayout()
        self.identity_bar = IdentityBar(identity, self)
        self.identity_bar.setVisible(not identity.confirmed)
        self.banners.addWidget(self.identity_bar)
        self._draft_bars: dict[uuid.UUID, DraftBar] = {}

        body = QHBoxLayout()
        body.addWidget(self.sidebar)
        body.addWidget(self.views, 1)
        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(4, 4, 4, 0)
        layout.addLayout(self.banners)
        layout.addLayout(body, 1)
        self.setCentralWidget(central)

        self._maintenance = QTimer(self)
        self._maintenance.setInterval(MAINTENANCE_CHECK_MS)
        self.job_status = JobStatus(self)
        self.statusBar().addPermanentWidget(self.job_status)
        self.identity_button = IdentityButton(self)
        self.identity_button.show_identity(identity)
        self.statusBar().addPermanentWidget(self.identity_button)
        self._build_menus()
        self._fit_to_screen()
        # No keys until the views are in: typing while the database opens is refused
        # (shown disabled), never taken by a widget that is about to be replaced.
        self.setEnabled(False)

    @property
    def is_open(self) -> bool:
        """Whether the database is open and the views are in, on screen (`ready`)."""
        return self._ready

    # -- opening ---------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self._opening is None and not self._is_open and self.open_error is None:
            # The next turn of the event loop: this paint reaches the screen first.
            QTimer.singleShot(0, self, self._start_opening)

    def _start_opening(self) -> None:
        """Open the database and load the views' modules on a thread of their own, so the
        frame stays painted and a close meanwhile does not wait."""
        if self._opening is not None or self._is_open or self.open_error is not None:
            return
        if not self.isVisible():
            return
        opener = self._opener
        job: Job[Opened] = Job("Opening the database…", lambda _p, token: _open(opener, token))
        job.signals.succeeded.connect(self._on_opened)
        job.signals.failed.connect(self._on_open_failed)
        self._opening = job
        self.job_status.track(job)
        threading.Thread(target=job.run, name="ridealong-open").start()

    def _on_open_failed(self, error: BaseException) -> None:
        self._opening = None
        self.open_error = error
        self.opening.setText(f"Ridealong could not open the database: {error}")
        self.open_failed.emit(error)

    def _on_opened(self, opened: Opened) -> None:
        """Put the views in over the open database, then take keys where the user was."""
        from desktop.services.backup import risky_place_of
        from ui.bundles import BundleImporter
        from ui.calls.view import CallsView
        from ui.definitions.view import DefinitionsView
        from ui.durability import Banner
        from ui.live import LiveRefresh, OfflineBanner
        from ui.outbox import OutboxRetrier
        from ui.reports.view import ReportsView
        from ui.review.view import ReviewView
        from ui.search.view import SearchView

        self._opening = None
        services = opened.services
        settings = self.settings
        identity = self.identity
        self.services = services
        self.destroyed.connect(services.close)
        self.drafts = opened.drafts
        self.setWindowTitle(f"Ridealong — {services.where}")
        self.outbox = OutboxRetrier(services, opened.outbox, self.jobs, self)
        #: Teammates' writes, on a team database (see ui/live.py).
        self.live = (
            LiveRefresh(services.live, self.events, self.outbox, self) if services.live else None
        )
        self.calls_view = CallsView(
            services,
            self.events,
            self.undo,
            opened.drafts,
            self.outbox,
            settings,
            identity,
            self,
            jobs=self.jobs,
        )
        self.review_view = ReviewView(
            services, self.events, settings, identity, self.undo, self, jobs=self.jobs
        )
        self.search_view = SearchView(services, self.events, self.jobs, self)
        self.definitions_view = DefinitionsView(
            services, self.events, lambda: self.identity.name, self
        )
        self.reports_view = ReportsView(
            services, self.events, self.jobs, lambda: self.identity.name, self
        )
        row = self.sidebar.currentRow()
        for view in (
            self.calls_view,
            self.review_view,
            self.search_view,
            self.definitions_view,
            self.reports_view,
        ):
            self.views.addWidget(view)
        self.views.removeWidget(self.opening)
        self.opening.deleteLater()

        if services.db.path is None:  # on the team's database already
            self.identity_bar.join.hide()
        self.offline_banner = OfflineBanner(self.outbox, self.live, self)
        self.banners.insertWidget(self.banners.indexOf(self.identity_bar) + 1, self.offline_banner)
        for draft in opened.drafts.all():
            self._offer_draft(draft)
        place = risky_place_of(services.db.url)
        if place is not None:
            self.banners.addWidget(Banner("placeBanner", place.message, parent=self))
        self.bundles = BundleImporter(services, self.events, self.jobs, self._bundle_refused, self)
        self.setAcceptDrops(True)  # a bundle file dropped on the window is imported
        self._place_actions()
        self._connect_signals()
        if self.sample_bar is not None:
            self._open_as_sample()

        self._is_open = True
        self.setEnabled(True)
        self._on_view_changed(row)
        self.outbox.start()
        if self.live is not None:
            self.live.start()
        self._maintenance.start()
        self._check_health()
        # After the next layout pass, so the splitter restores at its final width.
        QTimer.singleShot(0, self.calls_view.restore_state)
        self.settings.restore_splitter(self.definitions_view.splitter)
        self.settings.restore_splitter(self.reports_view.splitter)
        # Banners added above show on the next turn of the event loop: ready after them.
        QTimer.singleShot(0, self, self._announce_ready)

    def _announce_ready(self) -> None:
        self._ready = True
        self.ready.emit()

    # -- building --------------------------------------------------------------------

    def _build_menus(self) -> None:
        a = self.action_table
        self.undo_action = self.undo.createUndoAction(self, "&Undo")
        self.undo_action.setObjectName("actionUndo")
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.undo_action.setToolTip("Undo the last change to a note (Ctrl+Z)")
        self.redo_action = self.undo.createRedoAction(self, "&Redo")
        self.redo_action.setObjectName("actionRedo")
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        self.redo_action.setToolTip("Redo (Ctrl+Shift+Z)")
        for action in (self.undo_action, self.redo_action):
            action.setAutoRepeat(False)
            self.addAction(action)
        menu = self.menuBar()
        file_menu = menu.addMenu("&File")
        file_menu.addActions([a[ActionId.NEW_CALL], a[ActionId.LOAD_DEMO]])
        file_menu.addSeparator()
        file_menu.addAction(a[ActionId.EXPORT_CSV])
        file_menu.addAction(a[ActionId.BACKUPS])
        file_menu.addAction(a[ActionId.SET_IDENTITY])
        file_menu.addSeparator()
        file_menu.addActions([a[ActionId.EXPORT_BUNDLE], a[ActionId.IMPORT_BUNDLE]])
        file_menu.addSeparator()
        file_menu.addAction(a[ActionId.QUIT])
        edit_menu = menu.addMenu("&Edit")
        edit_menu.addActions([self.undo_action, self.redo_action])
        edit_menu.addSeparator()
        edit_menu.addActions([a[ActionId.EDIT_NOTE], a[ActionId.DELETE_NOTE], a[ActionId.FIND]])
        edit_menu.addSeparator()
        edit_menu.addAction(a[ActionId.TRASH])
        edit_menu.addAction(a[ActionId.COMPETITORS])
        call_menu = menu.addMenu("&Call")
        call_menu.addAction(a[ActionId.END_CALL])
        call_menu.addSeparator()
        call_menu.addActions([a[action] for action in KIND_ACTIONS.values()])
        call_menu.addSeparator()
        call_menu.addActions([a[action] for action in INTENSITY_ACTIONS])
        call_menu.addAction(a[ActionId.QUOTE_WORTHY])
        view_menu = menu.addMenu("&View")
        view_menu.addActions([a[action_id] for action_id in self._view_actions])
        view_menu.addSeparator()
        view_menu.addActions([a[ActionId.TOGGLE_LIST], a[ActionId.TOGGLE_SIDE]])
        call_menu.addSeparator()
        call_menu.addAction(a[ActionId.REVIEW_CALL])
        call_menu.addAction(a[ActionId.DEAL_OUTCOME])
        call_menu.addAction(a[ActionId.EXPORT_CALL])
        call_menu.addAction(a[ActionId.COPY_MARKDOWN])
        settings_menu = menu.addMenu("Se&ttings")
        settings_menu.addAction(a[ActionId.DATABASE])
        help_menu = menu.addMenu("&Help")
        help_menu.addAction(a[ActionId.SHORTCUTS])
        for action in a.values():
            self.addAction(action)

    def _place_actions(self) -> None:
        """Bind the keys that belong to a view to it, once the views are in."""
        a = self.action_table
        # Delete and F2 act on the selected note only while the timeline has focus, so
        # the keys keep their meaning in text fields.
        timeline = self.calls_view.call_page.timeline
        for action_id in (ActionId.DELETE_NOTE, ActionId.EDIT_NOTE):
            self.removeAction(a[action_id])
            timeline.addAction(a[action_id])
            a[action_id].setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        # Capture keys belong to the Calls view, so Alt+digits and the like stay free in
        # the other views (the review's grade uses Alt+M/S/U).
        for action_id in (
            *KIND_ACTIONS.values(),
            *INTENSITY_ACTIONS,
            ActionId.QUOTE_WORTHY,
            ActionId.END_CALL,
            ActionId.REVIEW_CALL,
        ):
            self.removeAction(a[action_id])
            self.calls_view.addAction(a[action_id])
            a[action_id].setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)

    def _connect_signals(self) -> None:
        a = self.action_table
        page = self.calls_view.call_page
        a[ActionId.NEW_CALL].triggered.connect(self._on_new_call)
        a[ActionId.END_CALL].triggered.connect(self.calls_view.end_current_call)
        a[ActionId.LOAD_DEMO].triggered.connect(self._on_load_sample)
        a[ActionId.QUIT].triggered.connect(self.close)
        a[ActionId.FIND].triggered.connect(self._on_find)
        a[ActionId.SET_IDENTITY].triggered.connect(self._on_set_identity)
        a[ActionId.SHORTCUTS].triggered.connect(self.show_shortcuts)
        for row, action_id in enumerate(self._view_actions):
            a[action_id].triggered.connect(lambda _=False, r=row: self.show_view(r))
        a[ActionId.REVIEW_CALL].triggered.connect(self._on_review_call)
        a[ActionId.DEAL_OUTCOME].triggered.connect(self._on_deal_outcome)
        a[ActionId.TOGGLE_LIST].triggered.connect(lambda: self._toggle_pane(side=False))
        a[ActionId.TOGGLE_SIDE].triggered.connect(lambda: self._toggle_pane(side=True))
        a[ActionId.EXPORT_BUNDLE].triggered.connect(self.export_bundle)
        a[ActionId.IMPORT_BUNDLE].triggered.connect(self.bundles.ask)
        self.identity_button.clicked.connect(self._on_set_identity)
        a[ActionId.EXPORT_CALL].triggered.connect(self._on_export_call)
        a[ActionId.COPY_MARKDOWN].triggered.connect(self._on_copy_markdown)
        a[ActionId.BACKUPS].triggered.connect(self.show_backups)
        a[ActionId.TRASH].triggered.connect(self.show_trash)
        a[ActionId.EXPORT_CSV].triggered.connect(self.show_notes_csv)
        a[ActionId.COMPETITORS].triggered.connect(self.reports_view.show_competitors)
        a[ActionId.DATABASE].triggered.connect(self.show_database_settings)
        self.identity_bar.join_requested.connect(self.show_database_settings)
        self._maintenance.timeout.connect(self._on_maintenance_due)
        a[ActionId.QUOTE_WORTHY].triggered.connect(page.toggle_quote_worthy)
        a[ActionId.EDIT_NOTE].triggered.connect(page.edit_selected)
        a[ActionId.DELETE_NOTE].triggered.connect(page.delete_selected)
        for kind, action_id in KIND_ACTIONS.items():
            a[action_id].triggered.connect(lambda _=False, k=kind: self._on_file_as(k))
        for value, action_id in enumerate(INTENSITY_ACTIONS, start=1):
            a[action_id].triggered.connect(lambda _=False, n=value: page.capture.set_intensity(n))
        self.sidebar.currentRowChanged.connect(self._on_view_changed)
        self.calls_view.demo_requested.connect(self._on_load_sample)
        page.draft_restored.connect(self._on_draft_restored)
        self.search_view.open_note_requested.connect(self._on_open_note)
        self.identity_bar.saved.connect(self._on_identity_saved)
        self.events.status.connect(self._say)
        self.jobs.started.connect(self.job_status.track)

    # -- views -----------------------------------------------------------------------

    def _on_view_changed(self, row: int) -> None:
        if row < 0:
            return
        self.views.setCurrentIndex(row)
        self.settings.last_view = self._view_names[row]
        view = self.current_view()
        ensure_loaded = getattr(view, "ensure_loaded", None)
        if ensure_loaded is not None:
            ensure_loaded()
        self._focus_view(view)

    def current_view(self) -> QWidget:
        view = self.views.currentWidget()
        assert view is not None  # the stack holds every view from the start
        return view

    def _focus_view(self, view: QWidget) -> None:
        """Keys go on to the view on show: where the user was in it, else its first
        field or list (never to a widget left behind in a hidden view)."""
        focused: QWidget | None = self.focusWidget()  # None while nothing has focus
        if focused is not None and view.isAncestorOf(focused) and focused.isVisible():
            return
        last: QWidget | None = view.focusWidget()
        if last is not None and last.isVisible() and last.isEnabled():
            last.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        focus_first(view)

    def show_view(self, row: int) -> None:
        self.sidebar.setCurrentRow(row)

    def _say(self, message: str) -> None:
        """A short message in the status bar: what was done, or why it could not be."""
        self.statusBar().showMessage(message, STATUS_MS)

    def _on_review_call(self) -> None:
        call_id = self.calls_view.selected_call_id()
        if call_id is None:
            self._say("Select a call to review first")
            return
        self.show_view(self.views.indexOf(self.review_view))
        self.review_view.open_call(call_id)

    def _on_export_call(self) -> None:
        """The call open in Review, else the one selected in Calls, as a summary PDF."""
        call_id = None
        if self.views.currentWidget() is self.review_view:
            call_id = self.review_view.current_call_id()
        call_id = call_id or self.calls_view.selected_call_id()
        if call_id is None:
            self._say("Select a call to export first")
            return
        try:
            call = self.services.calls.get(call_id)
        except RidealongError as error:
            self._say(str(error))
            return
        self.show_view(self.views.indexOf(self.reports_view))
        self.reports_view.export_call(call.id, call.account.name, call.started_at)

    def _on_copy_markdown(self) -> None:
        """The call open in Review, else the one selected in Calls, to the clipboard as
        Markdown (a few queries: done at once)."""
        from desktop.reports.markdown import build_call_markdown

        call_id = None
        if self.views.currentWidget() is self.review_view:
            call_id = self.review_view.current_call_id()
        call_id = call_id or self.calls_view.selected_call_id()
        if call_id is None:
            self._say("Select a call to copy first")
            return
        try:
            call = self.services.calls.get(call_id)
            text = build_call_markdown(self.services, call_id)
        except RidealongError as error:
            self._say(str(error))
            return
        QGuiApplication.clipboard().setText(text)
        self._say(f"Copied the {call.account.name} call as Markdown: paste it into Slack or a CRM")

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._opening is None and not self._is_open:
            QTimer.singleShot(OPEN_UNPAINTED_MS, self, self._start_opening)

    def _fit_to_screen(self) -> None:
        """A first-run size that suits the screen: most of it, up to 1400x860."""
        screen = self.screen().availableGeometry()
        self.resize(min(1400, int(screen.width() * 0.92)), min(860, int(screen.height() * 0.9)))

    def restore_geometry(self) -> None:
        geometry = self.settings.geometry
        if geometry is not None:
            self.restoreGeometry(geometry)
        state = self.settings.window_state
        if state is not None:
            self.restoreState(state)

    # -- actions ---------------------------------------------------------------------

    def _on_new_call(self) -> None:
        self.sidebar.setCurrentRow(0)
        self.calls_view.ensure_loaded()
        self.calls_view.begin_start()

    def _on_find(self) -> None:
        """Ctrl+F narrows the call list in Calls and searches every call elsewhere."""
        if self.views.currentWidget() is self.calls_view:
            self.calls_view.search_box.setFocus()
            self.calls_view.search_box.selectAll()
            return
        self.show_view(self.views.indexOf(self.search_view))
        self.search_view.focus_query()

    def _on_open_note(self, call_id: uuid.UUID, note_id: uuid.UUID) -> None:
        self.show_view(self.views.indexOf(self.calls_view))
        self.calls_view.select_call(call_id)
        self.calls_view.call_page.show_note(note_id)

    def _on_file_as(self, kind: NoteKind) -> None:
        page = self.calls_view.call_page
        if page.call is None or not page.isVisible():
            self._say("Open or start a call to take notes")
            return
        page.capture.file_as(kind)

    def _on_set_identity(self) -> None:
        self.identity_bar.ask()

    def _on_identity_saved(self, identity: Identity) -> None:
        self._focus_view(self.current_view())
        if identity == self.identity:
            return
        self.identity = identity
        self.identity_button.show_identity(identity)
        self.calls_view.set_identity(identity)
        self.review_view.set_identity(identity)
        self._say(f"Notes are now signed {identity.name}")

    def _on_deal_outcome(self) -> None:
        """Alt+O: the outcome of the deal of the call in Review, or of the call selected
        in Calls (opened in Review)."""
        review = self.review_view
        call_id = review.current_call_id()
        if self.views.currentWidget() is not review or call_id is None:
            call_id = self.calls_view.selected_call_id() or call_id
            if call_id is None:
                self._say("Select a call first: the outcome is its account's deal")
                return
            self.show_view(self.views.indexOf(review))
            review.open_call(call_id)
        review.grade.focus_outcome()

    def _toggle_pane(self, *, side: bool) -> None:
        """Collapse the current view's list (or side panel) to make room, or bring it back."""
        splitter = getattr(self.current_view(), "splitter", None)
        index = 2 if side else 0
        if not isinstance(splitter, QSplitter) or index >= splitter.count():
            self._say("This view has no side panel" if side else "This view has no list")
            return
        pane = splitter.widget(index)
        if pane is None or pane.isHidden():
            self._say("Nothing to show there until a call is open")
            return
        shown = toggle_pane(splitter, index)
        what = "Side panel" if side else "List"
        keys = key_text(SPECS[ActionId.TOGGLE_SIDE if side else ActionId.TOGGLE_LIST])
        self._say(f"{what} shown" if shown else f"{what} hidden; {keys} brings it back")

    def _action_place(self, action: QAction) -> str:
        """Where a window action's key works, from where it is bound."""
        if action in self.calls_view.call_page.timeline.actions():
            return TIMELINE
        if action in self.calls_view.actions():
            return CALLS
        return EVERYWHERE

    def shortcut_table(self) -> list[tuple[str, str, str]]:
        """(where, keys, does) for every key: the actions', then the declared keys."""
        rows = [
            (
                self._action_place(self.action_table[action_id]),
                key_text(spec),
                self.action_table[action_id].statusTip() or spec.text.replace("&", ""),
            )
            for action_id, spec in SPECS.items()
            if key_text(spec)  # a standard key the platform leaves unbound has no row
        ]
        rows += [
            (EVERYWHERE, "Ctrl+Z", "Undo the last change to a note or review"),
            (EVERYWHERE, "Ctrl+Shift+Z, Ctrl+Y", "Redo"),
        ]
        rows += [(key.where, key.keys, key.does) for key in WIDGET_KEYS]
        return sorted(rows, key=lambda row: PLACES.index(row[0]))

    def show_shortcuts(self) -> None:
        dialog = ShortcutsDialog(self, self.shortcut_table())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()

    # -- drafts ----------------------------------------------------------------------

    def _offer_draft(self, draft: Draft) -> None:
        try:
            account = self.services.calls.get(draft.call_id).account.name
        except RidealongError:
            self.drafts.clear(draft.call_id)
            return
        bar = DraftBar(
            draft, account, self._open_draft, lambda d: self.drafts.clear(d.call_id), self
        )
        self._draft_bars[draft.call_id] = bar
        self.banners.addWidget(bar)

    def _on_draft_restored(self, call_id: uuid.UUID) -> None:
        """The text is back in the capture box: no need to offer it too."""
        bar = self._draft_bars.pop(call_id, None)
        if bar is not None:
            bar.hide()

    def _open_draft(self, draft: Draft) -> None:
        self.sidebar.setCurrentRow(0)
        self.calls_view.ensure_loaded()
        self.calls_view.select_call(draft.call_id)
        self.calls_view.call_page.capture.input.setFocus()

    # -- long work -------------------------------------------------------------------

    def _on_load_sample(self) -> None:
        """Sample data goes to the sample database, never into the user's own: from
        there, more of it; from anywhere else, the window reopens on it."""
        if self.sample_bar is not None:
            self.load_demo()
        else:
            self.sample_requested.emit()

    def show_as_sample(self) -> None:
        """Say, for as long as it is open, that this is the sample database, with the
        way back; fill it on its first opening (once open, if called before)."""
        self.sample_bar = SampleBar(self)
        self.sample_bar.back_requested.connect(self.home_requested)
        self.banners.insertWidget(0, self.sample_bar)
        load = self.action_table[ActionId.LOAD_DEMO]
        load.setText("Add more &sample calls")
        load.setStatusTip("Add 40 more made-up calls to the sample database")
        if self._is_open:
            self._open_as_sample()

    def _open_as_sample(self) -> None:
        self.setWindowTitle(f"Ridealong — sample data ({self.services.where})")
        if not self.services.calls.page(limit=1):
            self.load_demo()

    def load_demo(self) -> Job[DemoSummary]:
        """Add 40 sample calls to this window's database (the sample one: see
        `_on_load_sample`)."""
        from desktop.demo import generate

        services = self.services
        seed = random.randrange(1_000_000)
        job = Job(
            "Adding sample data…",
            lambda progress, token: generate(
                services, calls=40, months=3, seed=seed, progress=progress, cancel=token
            ),
            on_success=self._on_demo_loaded,
            on_user_error=self._say,
        )
        # A cancel keeps the chunks already written.
        job.signals.cancelled.connect(self._on_demo_added)
        job.signals.finished.connect(self._on_demo_finished)
        self.action_table[ActionId.LOAD_DEMO].setEnabled(False)
        return self.jobs.start(job, writes=True)

    def _on_demo_loaded(self, summary: DemoSummary) -> None:
        self._say(summary.describe())
        self._on_demo_added()

    def _on_demo_added(self) -> None:
        self.calls_view.refresh_people()
        self.events.changed.emit(Changes(calls=True))

    def _on_demo_finished(self) -> None:
        self.action_table[ActionId.LOAD_DEMO].setEnabled(True)

    # -- bundles (see ui/bundles.py) ----------------------------------------------

    def export_bundle(self) -> ExportBundleDialog:
        """File > Export bundle…: offering the call open in Review, else the one selected
        in Calls, or a month."""
        from ui.bundles import ExportBundleDialog

        call_id = None
        if self.views.currentWidget() is self.review_view:
            call_id = self.review_view.current_call_id()
        call_id = call_id or self.calls_view.selected_call_id()
        call = None
        if call_id is not None:
            try:
                call = self.services.calls.get(call_id)
            except RidealongError:
                call = None  # gone meanwhile: a month is still offered
        dialog = ExportBundleDialog(self.services, self.jobs, call, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def _bundle_refused(self, message: str) -> None:
        from ui.durability import Banner

        self.banners.addWidget(Banner("bundleBanner", message, parent=self))

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        from ui.bundles import is_bundle

        urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
        if any(u.isLocalFile() and is_bundle(u.toLocalFile()) for u in urls):
            event.acceptProposedAction()
        else:
            super().dragEnterEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        from ui.bundles import is_bundle

        paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        bundles = [p for p in paths if is_bundle(p)]
        if not bundles:
            super().dropEvent(event)
            return
        event.acceptProposedAction()
        for path in bundles:
            self.bundles.start(path)

    # -- durability ------------------------------------------------------------------

    def notify(self, message: str) -> None:
        """A message that must not be missed, inline above the views."""
        from ui.durability import Banner

        self.banners.addWidget(Banner("noticeBanner", message, parent=self))

    def show_backups(self) -> None:
        from ui.durability import BackupsDialog

        dialog = BackupsDialog(self.services, self.jobs, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.restore_requested.connect(self.restore_requested)
        dialog.show()

    def show_notes_csv(self) -> None:
        """File > Export notes as CSV: one dialog at a time, brought forward if open."""
        from ui.reports.notes_csv import NotesCsvDialog

        dialog = self.findChild(NotesCsvDialog)
        if dialog is None:
            dialog = NotesCsvDialog(self.services, self.events, self.jobs, self.settings, self)
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()

    def show_database_settings(self) -> None:
        """Settings > Database: the file here or the team's server; the app reopens the
        window on the choice (`database_chosen`)."""
        from ui.database import DatabaseDialog

        dialog = DatabaseDialog(self.services.db.url, self.jobs, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.chosen.connect(self.database_chosen)
        dialog.open()

    def show_trash(self) -> None:
        from ui.durability import TrashDialog

        dialog = TrashDialog(self.services, self.events, self.jobs, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()

    def _check_health(self) -> None:
        """The full integrity check, off the GUI thread, once the window is up."""
        from desktop.services.backup import check_health

        url = self.services.db.url
        job = Job(
            "Checking the database…",
            lambda _p, _t: check_health(url, deep=True),
            on_success=self._on_health,
            on_user_error=self._say,
        )
        self.jobs.start(job)

    def _on_health(self, health: DatabaseHealth) -> None:
        from desktop.services.backup import Health
        from ui.durability import Banner

        if health.health in (Health.DAMAGED, Health.FOREIGN):
            self.banners.addWidget(
                Banner(
                    "damageBanner",
                    f"{health.problem} Your notes are being kept on this computer; restore "
                    "the newest good backup to go on safely.",
                    ("Backups…", self.show_backups),
                    self,
                )
            )

    def _on_maintenance_due(self) -> None:
        """Every few minutes: the automatic backup (every 30 minutes of activity) and
        the trash purge, on the write thread."""
        backups = self.services.backups
        if not backups.due():
            return
        job = Job(
            "Backing up…",
            lambda progress, token: backups.run_automatic(progress=progress, cancel=token),
            on_success=lambda _done: self._clear_backup_failure(),
            on_user_error=lambda message: self._show_backup_failure(
                f"The automatic backup failed: {message}", ("Backups…", self.show_backups)
            ),
        )
        self.jobs.start(job, writes=True)

    def _show_backup_failure(self, text: str, action: tuple[str, Callable[[], object]]) -> None:
        """A failed backup stays on screen until dismissed or a later backup works: a
        status-bar message would be gone before anyone read it."""
        from ui.durability import Banner

        log.warning("%s", text)
        self._clear_backup_failure()
        self._backup_banner = Banner("backupBanner", text, action, self)
        self.banners.addWidget(self._backup_banner)
        self._backup_banner.show()

    def _clear_backup_failure(self) -> None:
        if self._backup_banner is not None:
            self._backup_banner.hide()
            self._backup_banner.deleteLater()
            self._backup_banner = None

    # -- closing ---------------------------------------------------------------------

    def close_anyway(self) -> None:
        """Close even though the backup at closing failed (the user has seen why), or to
        restore a backup (which keeps a copy of the database first)."""
        self._close_anyway = True
        self.close()

    def _back_up_then_close(self) -> None:
        """Back up what this session wrote on the write thread, the window showing
        "Backing up…" and taking no edits meanwhile, then close: a large file's backup
        never freezes the window."""
        backups = self.services.backups
        job: Job[Any] = Job(
            "Backing up before closing…",
            lambda progress, token: backups.run_automatic(
                closing=True, progress=progress, cancel=token
            ),
            on_user_error=self._on_closing_backup_failed,
        )
        job.signals.succeeded.connect(self._on_closing_backup_made)
        job.signals.finished.connect(self._on_closing_backup_finished)
        job.signals.cancelled.connect(
            lambda: self._on_closing_backup_failed("the backup was stopped")
        )
        self._closing_backup = job
        self._set_editable(False)
        self.statusBar().showMessage("Backing up before closing…")
        self.jobs.start(job, writes=True)

    def _set_editable(self, editable: bool) -> None:
        for widget in (self.centralWidget(), self.menuBar()):
            if widget is not None:
                widget.setEnabled(editable)

    def _on_closing_backup_made(self, _done: object) -> None:
        self._backed_up_for_close = True

    def _on_closing_backup_finished(self) -> None:
        # Closed once every slot of the job's last signal has run: the status bar's
        # progress must not outlive its window.
        if self._backed_up_for_close:
            QTimer.singleShot(0, self, self._close_after_backup)

    def _close_after_backup(self) -> None:
        self._closing_backup = None
        self.statusBar().clearMessage()
        self.closing_backup_ended.emit(self.close())

    @property
    def backing_up_to_close(self) -> bool:
        """Whether a close waits for its backup (it closes the window when done)."""
        return self._closing_backup is not None

    def _on_closing_backup_failed(self, message: str) -> None:
        """Said where it is seen, before the window goes; closing again retries."""
        self._closing_backup = None
        self._set_editable(True)
        self.statusBar().clearMessage()
        self.outbox.start()
        if self.live is not None:
            self.live.start()
        self._maintenance.start()
        self._show_backup_failure(
            f"Ridealong could not back up before closing: {message.rstrip('.')}. "
            "Your notes are saved; only the backup is missing.",
            ("Close anyway", self.close_anyway),
        )
        self.closing_backup_ended.emit(False)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._closing_backup is not None:
            event.ignore()  # closes by itself once the backup is done
            return
        if not self._is_open:
            self._close_unopened()
            super().closeEvent(event)
            return
        self.outbox.stop()
        if self.live is not None:
            self.live.stop()
        self._maintenance.stop()
        self.jobs.shutdown()
        if (
            not self._backed_up_for_close
            and not self._close_anyway
            and not self.jobs.closed  # closed once already: nothing left to back up for
            and self.services.backups.due(closing=True)
        ):
            event.ignore()
            self._back_up_then_close()
            return
        self._clear_backup_failure()
        self.calls_view.save_state()
        self.review_view.save_state()
        self.settings.save_splitter(self.definitions_view.splitter)
        self.settings.save_splitter(self.reports_view.splitter)
        self.settings.geometry = self.saveGeometry()
        self.settings.window_state = self.saveState()
        self.settings.sync()
        self.jobs.close()
        super().closeEvent(event)

    def _close_unopened(self) -> None:
        """Closed before its database opened: nothing was written, so nothing to back up;
        the opening thread is not waited for (it closes the database itself)."""
        if self._opening is not None:
            self._opening.cancel()
            self._opening = None
        self.settings.geometry = self.saveGeometry()
        self.settings.window_state = self.saveState()
        self.settings.sync()
        self.jobs.close()
        self.closed_unopened.emit()
