"""Making the window: `create_window` for tests and `run` for the `gui` command."""

from __future__ import annotations

import logging
import sys
import traceback
from types import TracebackType

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop import __version__
from desktop.config import drafts_dir, load_identity
from desktop.drafts import DraftStore, Outbox
from desktop.errors import RidealongError
from desktop.services import Services
from ui import theme
from ui.mainwindow import MainWindow
from ui.settings import APPLICATION, ORGANIZATION, Settings

log = logging.getLogger(__name__)


def create_window(database_url: str) -> MainWindow:
    """The main window over the database at `database_url`, not yet shown.

    Raises `RidealongError` if the database cannot be opened.
    """
    app = QApplication.instance()
    if isinstance(app, QApplication):
        theme.apply(app)
    services = Services.open(database_url)
    drafts = drafts_dir(database_url)
    window = MainWindow(
        services, Settings(), load_identity(), DraftStore(drafts), Outbox(drafts / "outbox")
    )
    window.restore_geometry()
    window.destroyed.connect(services.close)
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


def run(database_url: str) -> int:
    """Open the window and run until it closes; the `gui` command's exit code."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("ridealong")
    sys.excepthook = _excepthook
    try:
        window = create_window(database_url)
    except RidealongError as error:
        QMessageBox.critical(None, "Ridealong cannot open its database", str(error))
        return 2
    window.show()
    return app.exec()
