"""Making the window: `create_window` for tests and `run` for the `gui` command."""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import QEventLoop, QObject, Qt, QThreadPool, QTimer
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QProgressDialog

from desktop import __version__, shipped
from desktop.clock import Clock, utcnow
from desktop.config import load_identity, sample_database_url
from desktop.drafts import DraftStore, Outbox
from desktop.errors import Cancelled, RidealongError
from ui import theme
from ui.jobs import Job
from ui.mainwindow import MainWindow, Opened, opening_label
from ui.settings import APPLICATION, ORGANIZATION, Settings

if TYPE_CHECKING:  # SQLAlchemy and the use cases load after the window paints
    from desktop.services.backup import DatabaseHealth, RestoreResult

log = logging.getLogger(__name__)


def app_icon() -> QIcon:
    """The app's icon at every size shipped in `resources/icons/` (title bars, task
    switchers and docks pick the nearest)."""
    icon = QIcon()
    for entry in shipped.folder("icons").iterdir():
        pixmap = QPixmap()
        if entry.name.endswith(".png") and pixmap.loadFromData(entry.read_bytes(), "PNG"):
            icon.addPixmap(pixmap)
    return icon


def open_database(database_url: str, clock: Clock) -> Opened:
    """What a window works on: the database (migrated if need be) and this computer's
    drafts for it. Runs on the window's opening thread."""
    from desktop.config import drafts_dir
    from desktop.services import Services

    services = Services.open(database_url, clock=clock)
    try:
        drafts = drafts_dir(database_url)
    except BaseException:
        services.close()
        raise
    return Opened(services, DraftStore(drafts), Outbox(drafts / "outbox"))


def create_window(
    database_url: str,
    *,
    clock: Clock = utcnow,
    opener: Callable[[], Opened] | None = None,
) -> MainWindow:
    """The main window over the database at `database_url`, telling the time by `clock`,
    not yet shown. Once shown and painted it opens the database off the GUI thread
    (`opener`, by default `open_database`), then emits `ready`, or `open_failed` with
    the error (a `RidealongError` if the database cannot be opened).
    """
    app = QApplication.instance()
    if isinstance(app, QApplication):
        theme.apply(app)
        app.setWindowIcon(app_icon())
    window = MainWindow(
        opening_label(database_url),
        opener or (lambda: open_database(database_url, clock)),
        Settings(),
        load_identity(),
    )
    window.restore_geometry()
    return window


def _excepthook(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
    """A bug: log it with its traceback and say so without blocking the window."""
    text = "".join(traceback.format_exception(kind, error, tb))
    log.error("unexpected error:\n%s", text)
    sys.stderr.write(text)
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return
    box = QMessageBox(QMessageBox.Icon.Critical, "Ridealong hit a bug", str(error) or kind.__name__)
    box.setDetailedText(text)
    box.setInformativeText("Your notes are saved. Please report this with the details below.")
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()


class _Unreadable(RidealongError):
    """The database's health could not even be checked: said in a message box."""


class _Unhealthy(RidealongError):
    """The database cannot be opened as it is: the recovery dialog offers backups."""

    def __init__(self, health: DatabaseHealth) -> None:
        super().__init__(health.problem)
        self.health = health


def _open_checked(database_url: str, clock: Clock) -> Opened:
    """Check the database's health (quickly) and open it, on the window's opening
    thread; raises `_Unreadable` or `_Unhealthy` for the keeper to say."""
    from desktop.errors import StorageUnavailable
    from desktop.services.backup import Health, check_health

    try:
        health = check_health(database_url, deep=False)
    except RidealongError as error:
        raise _Unreadable(str(error)) from error
    if not health.can_open:
        raise _Unhealthy(health)
    try:
        return open_database(database_url, clock)
    except StorageUnavailable as error:
        raise _Unhealthy(replace(health, health=Health.DAMAGED, problem=str(error))) from error


def _wait_until_open(window: MainWindow) -> BaseException | None:
    """Run events until `window` is ready (None), or why not: its opening error, or
    `Cancelled` when it was closed first."""
    loop = QEventLoop()
    window.ready.connect(loop.quit)
    window.open_failed.connect(loop.quit)
    window.closed_unopened.connect(loop.quit)
    if not (window.is_open or window.open_error or not window.isVisible()):
        loop.exec()
    if window.is_open:
        return None
    return window.open_error or Cancelled("the window was closed while it opened")


class WindowKeeper(QObject):
    """Keeps one main window open over the database, and swaps it out for a restore
    (the window and its database close, the backup is restored, a new window opens) or
    for the sample database and back."""

    def __init__(self, database_url: str, *, clock: Clock = utcnow) -> None:
        super().__init__()
        self._url = database_url
        #: The user's own database, which a sample database's window leads back to.
        self._home = database_url
        self._clock = clock
        self.window: MainWindow | None = None
        #: What the last restore did, shown in the next window (or recovery dialog).
        self._notice = ""

    def open(self) -> bool:
        """Open the window, or the recovery dialog while the database cannot be opened;
        False when the user chose to quit (or closed the window while it opened).

        The window paints at once and checks and opens the database off the GUI thread;
        this returns once it is ready (events run meanwhile)."""
        while True:
            url = self._url
            window = create_window(
                url, clock=self._clock, opener=partial(_open_checked, url, self._clock)
            )
            window.restore_requested.connect(self._on_restore_requested)
            window.sample_requested.connect(self._on_sample_requested)
            window.home_requested.connect(lambda: self._switch(self._home))
            window.database_chosen.connect(self._on_database_chosen)
            if url != self._home:
                window.show_as_sample()
            window.show()
            error = _wait_until_open(window)
            if error is None:
                if self._notice:
                    window.notify(self._notice)
                    self._notice = ""
                self.window = window
                return True
            window.close()
            window.deleteLater()
            if isinstance(error, Cancelled):
                return False
            if isinstance(error, _Unreadable):
                QMessageBox.critical(None, "Ridealong cannot open its database", str(error))
                return False
            if not isinstance(error, _Unhealthy):
                raise error
            health = error.health
            if self._notice:
                health = replace(health, problem=f"{health.problem}\n\n{self._notice}")
                self._notice = ""
            from ui.durability import RecoveryDialog

            dialog = RecoveryDialog(health)
            if dialog.exec() != QDialog.DialogCode.Accepted or dialog.choice is None:
                return False
            self._restore(dialog.choice)

    def _restore(self, source: Path) -> None:
        """Restore off the GUI thread, with a progress dialog; the next window (or
        recovery dialog) says how it went."""
        progress = QProgressDialog("Restoring the backup…", "Cancel", 0, 1000)
        progress.setWindowTitle("Ridealong")
        progress.setMinimumDuration(300)
        from desktop.services.backup import restore

        url = self._url
        job = Job(
            "Restoring…",
            lambda report, token: restore(url, source, progress=report, cancel=token),
            on_success=self._on_restored,
            on_user_error=self._on_not_restored,
        )
        loop = QEventLoop()

        def on_progress(done: int, total: int) -> None:
            progress.setMaximum(max(total, 1))
            progress.setValue(done)

        job.signals.progressed.connect(on_progress)
        job.signals.finished.connect(loop.quit)
        progress.canceled.connect(job.cancel)
        QThreadPool.globalInstance().start(job)
        loop.exec()
        progress.close()

    def _on_restored(self, result: RestoreResult) -> None:
        kept = (
            f" The database it replaced is kept at {result.previous_kept_at}."
            if result.previous_kept_at
            else ""
        )
        self._notice = (
            f"Restored {result.calls:,} calls and {result.notes:,} notes from "
            f"{result.restored_from.name}.{kept}"
        )

    def _on_not_restored(self, message: str) -> None:
        self._notice = f"Nothing was restored: {message}"

    def _on_sample_requested(self) -> None:
        window = self.window
        try:
            url = sample_database_url(self._home)
        except RidealongError as error:
            if window is not None:
                window.notify(str(error))
            return
        self._switch(url)

    def _on_database_chosen(self, url: str, password: str) -> None:
        """Settings > Database: remember the choice (the password in the keyring) and
        reopen on it; it becomes home, which the sample data leads back to."""
        from desktop.services import team

        choice = url or None
        try:
            kept = team.choose(choice, password)
            target = team.opening_url(choice, password)
        except RidealongError as error:
            if self.window is not None:
                self.window.notify(f"Not switched: {error}")
            return
        if not kept:
            self._notice = (
                "The system keyring did not keep the password: Ridealong will need it "
                "again next time (or put it in ~/.pgpass)."
            )
        self._home = target
        self._switch(target)

    def _switch(self, url: str) -> None:
        """Close this window (as on quitting: drafts kept, a backup taken) and open one
        over `url`; a window that refuses to close (its backup failed) stays."""
        window = self.window
        if window is None or url == self._url:
            return
        if not window.close():
            if window.backing_up_to_close:  # switch once its backup is done
                window.closing_backup_ended.connect(
                    lambda closed: self._open_instead(window, url) if closed else None,
                    Qt.ConnectionType.SingleShotConnection,
                )
            return
        self._open_instead(window, url)

    def _open_instead(self, window: MainWindow, url: str) -> None:
        """Close `window`'s database and open `url` on the next turn of the event loop:
        opening runs events until the new window is ready, and the widget that asked
        (a dialog of the old window, deleted with it) must be done first."""
        self.window = None
        window.services.close()
        window.deleteLater()
        self._url = url
        QTimer.singleShot(0, self, partial(self._reopen, url))

    def _reopen(self, url: str) -> None:
        if not self.open() and url != self._home:
            self._url = self._home  # the sample database would not open: back home
            if self.open():
                return
        if self.window is None:
            QApplication.quit()

    def _on_restore_requested(self, source: Path) -> None:
        window = self.window
        if window is None:
            return
        self.window = None
        window.close_anyway()  # the restore keeps a copy of the database first
        window.services.close()
        window.deleteLater()
        self._restore(source)
        if not self.open():
            QApplication.quit()


def run(database_url: str) -> int:
    """Open the window and run until it closes; the `gui` command's exit code."""
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("ridealong")
    sys.excepthook = _excepthook
    theme.apply(app)
    app.setWindowIcon(app_icon())
    keeper = WindowKeeper(database_url)
    if not keeper.open():
        return 2
    return app.exec()
