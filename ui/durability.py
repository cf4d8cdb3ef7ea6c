"""Backups, restore and the trash, in the window.

File > Backups lists the backups and makes one now; restoring asks to confirm inline and
hands the file to the app, which closes the database, restores and reopens. A database
that cannot be opened gets the recovery dialog instead of the window, offering the
newest good backup; nothing is changed without the user's say. Edit > Trash lists what
was deleted and brings it back.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import RidealongError
from desktop.services import Services
from desktop.services.backup import BackupInfo, DatabaseHealth, PortableCopy, copy_team_database
from desktop.services.trash import Purged, TrashItem
from desktop.wording import plural
from ui.events import AppEvents, Changes
from ui.jobs import Job, JobRunner

ROW_ROLE = Qt.ItemDataRole.UserRole + 1


def _size(size: int) -> str:
    amount = float(size)
    for unit in ("bytes", "KB", "MB", "GB"):
        if amount < 1024 or unit == "GB":
            return f"{amount:,.0f} {unit}" if unit == "bytes" else f"{amount:,.1f} {unit}"
        amount /= 1024
    return str(size)


def _when(info: BackupInfo) -> str:
    return info.created_at.astimezone().strftime("%a %d %b %Y, %H:%M")


def _table(parent: QWidget, name: str, accessible: str, headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers), parent)
    table.setObjectName(name)
    table.setAccessibleName(accessible)
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().hide()
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


class Confirm(QFrame):
    """An inline yes/no, instead of a modal box. Signals: accepted()."""

    accepted = Signal()

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setProperty("role", "banner")
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.yes = QPushButton(self)
        self.yes.setObjectName(f"{name}Yes")
        no = QPushButton("Cancel", self)
        no.setObjectName(f"{name}No")
        no.setToolTip("Change nothing (Esc)")
        layout = QHBoxLayout(self)
        layout.addWidget(self.label, 1)
        layout.addWidget(no)
        layout.addWidget(self.yes)
        self.yes.clicked.connect(self._on_yes)
        no.clicked.connect(self.hide)
        self.hide()

    def ask(self, question: str, action: str) -> None:
        self.label.setText(question)
        self.yes.setText(action)
        self.yes.setToolTip(action)
        self.show()
        self.yes.setFocus()

    def _on_yes(self) -> None:
        self.hide()
        self.accepted.emit()


class BackupsDialog(QDialog):
    """File > Backups. Signals: restore_requested(Path)."""

    restore_requested = Signal(object)

    def __init__(self, services: Services, jobs: JobRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("backupsDialog")
        self.setWindowTitle("Backups")
        self._services = services
        self._jobs = jobs
        self._rows: list[BackupInfo] = []
        intro = QLabel(self)
        intro.setWordWrap(True)
        self.list = _table(
            self, "backupList", "Backups", ["Made", "Kind", "Calls", "Notes", "Size", "State"]
        )
        self.list.setToolTip("Backups of this database, newest first")
        self.backup_now = QPushButton("Back up now", self)
        self.backup_now.setObjectName("backupNow")
        self.backup_now.setToolTip("Make a backup of the database as it is now")
        self.restore = QPushButton("Restore…", self)
        self.restore.setObjectName("backupRestore")
        self.restore.setToolTip("Replace the database with the selected backup (Enter)")
        self.choose = QPushButton("Restore from a file…", self)
        self.choose.setObjectName("backupChooseFile")
        self.choose.setToolTip("Restore a backup file kept somewhere else")
        self.folder = QPushButton("Open folder", self)
        self.folder.setObjectName("backupOpenFolder")
        self.folder.setToolTip("Show the backups folder in the file manager")
        self.copy = QPushButton("Save a copy as a file…", self)
        self.copy.setObjectName("backupCopy")
        self.copy.setToolTip("Copy the team database into one file that opens without the network")
        self.confirm = Confirm("restoreConfirm", self)
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 0)
        self.progress.hide()
        self.status = QLabel(self)
        self.status.setObjectName("backupStatus")
        self.status.setWordWrap(True)
        buttons = QHBoxLayout()
        for button in (self.backup_now, self.restore, self.choose, self.folder, self.copy):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.confirm)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        self.resize(760, 440)
        self._pending: Path | None = None
        #: What was just done (a backup), said before the count once the list is read.
        self._done = ""
        supported = services.backups.supported
        intro.setText(
            "Ridealong backs up on close and every 30 minutes while you work, keeping the "
            "last 10 and one a day for a month, compressed, and all of them within twice "
            "the database's size. A restore keeps the current database here first."
            if supported
            else "This is a team database on a server: back it up with the server's own "
            "tools (pg_dump, or your provider's backups). For a laptop that leaves the "
            "network, save a copy of it as a file: Ridealong opens it as it is."
        )
        for widget in (self.backup_now, self.restore, self.choose, self.folder):
            widget.setEnabled(supported)
        self.copy.setVisible(not supported)
        self.copy.clicked.connect(self._on_copy)
        self.backup_now.clicked.connect(self._on_backup_now)
        self.restore.clicked.connect(self._on_restore)
        self.list.itemActivated.connect(lambda _item: self._on_restore())
        self.choose.clicked.connect(self._on_choose)
        self.folder.clicked.connect(self._on_folder)
        self.confirm.accepted.connect(self._on_confirmed)
        if supported:
            self.reload()

    def reload(self, done: str = "") -> None:
        """List the backups off the GUI thread; `done` (what was just done) stays in the
        status line before the count."""
        backups = self._services.backups
        self._done = done
        job = Job(
            "Reading backups…",
            lambda _p, _t: backups.list(),
            on_success=self._show,  # a bound method: not called once the dialog is gone
            on_user_error=self.status.setText,
        )
        self._jobs.start(job)

    def _show(self, rows: tuple[BackupInfo, ...]) -> None:
        done = self._done
        self._rows = list(rows)
        self.list.setRowCount(len(rows))
        for r, info in enumerate(rows):
            state = "good" if info.good else f"cannot restore: {info.problem}"
            values = [
                _when(info),
                info.kind.value.replace("-", " "),
                "–" if info.calls is None else f"{info.calls:,}",
                "–" if info.notes is None else f"{info.notes:,}",
                _size(info.size),
                state,
            ]
            for c, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setData(ROW_ROLE, r)
                self.list.setItem(r, c, item)
        if rows:
            self.list.selectRow(0)
        count = f"{plural(len(rows), 'backup')} kept." if rows else "No backups yet."
        self.status.setText(f"{done} {count}" if done else count)

    def _selected(self) -> BackupInfo | None:
        rows = self.list.selectionModel().selectedRows()
        return self._rows[rows[0].row()] if rows else None

    def _on_backup_now(self) -> None:
        backups = self._services.backups
        job = Job(
            "Backing up…",
            lambda progress, token: backups.create(progress=progress, cancel=token),
            on_success=self._on_backed_up,
            on_user_error=self.status.setText,
        )
        job.signals.progressed.connect(self._on_progress)
        job.signals.finished.connect(self.progress.hide)
        self.progress.show()
        self.status.setText("Backing up…")
        self._jobs.start(job, writes=True)

    def _on_progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    def _on_backed_up(self, info: BackupInfo) -> None:
        done = f"Backed up to {info.path}."
        self.status.setText(done)
        self.reload(done)

    def _on_restore(self) -> None:
        info = self._selected()
        if info is None:
            self.status.setText("Select a backup first.")
            return
        if not info.good:
            self.status.setText(f"That backup cannot be restored: {info.problem}")
            return
        self._ask(info.path, f"the backup of {_when(info)}")

    def _on_copy(self) -> None:
        dialog = QFileDialog(self, "Save a copy of the team database")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setDefaultSuffix("db")
        dialog.setNameFilter("Ridealong databases (*.db)")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.fileSelected.connect(self._copy_to)
        dialog.open()

    def _copy_to(self, path: str) -> None:
        """The team database into one SQLite file, off the GUI thread."""
        url = self._services.db.url
        job = Job(
            "Copying the team database…",
            lambda progress, token: copy_team_database(url, path, progress=progress, cancel=token),
            on_success=self._on_copied,
            on_user_error=self.status.setText,
        )
        job.signals.progressed.connect(self._on_progress)
        job.signals.finished.connect(self.progress.hide)
        self.progress.show()
        self.status.setText("Copying the team database…")
        self._jobs.start(job)

    def _on_copied(self, made: PortableCopy) -> None:
        self.status.setText(
            f"Saved a copy to {made.path} ({plural(made.calls, 'call')}, "
            f"{plural(made.notes, 'note')}). Open it with "
            f"ridealong --database-url sqlite:///{made.path}"
        )

    def _on_choose(self) -> None:
        dialog = QFileDialog(self, "Restore from a backup file")
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.setNameFilter("Ridealong backups (*.db *.db.zst *.sqlite);;All files (*)")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.fileSelected.connect(lambda path: self._ask(Path(path), path))
        dialog.open()

    def _ask(self, path: Path, what: str) -> None:
        self._pending = path
        self.confirm.ask(
            f"Replace the database with {what}? Notes made since then would be gone from "
            "it; the current database is kept in the backups folder first.",
            "Restore",
        )

    def _on_confirmed(self) -> None:
        if self._pending is not None:
            self.restore_requested.emit(self._pending)

    def _on_folder(self) -> None:
        folder = self._services.backups.folder
        if folder is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))


class RecoveryDialog(QDialog):
    """Shown instead of the window when the database cannot be opened: says why, and
    offers the newest good backup or another file. Nothing changes until the user asks.

    `choice` is the backup file to restore, or None to quit.
    """

    def __init__(self, health: DatabaseHealth, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("recoveryDialog")
        self.setWindowTitle("Ridealong cannot open its database")
        self.choice: Path | None = None
        heading = QLabel("Ridealong cannot open its database", self)
        heading.setProperty("role", "heading")
        problem = QLabel(health.problem or f"{health.where}: {health.health.value}", self)
        problem.setObjectName("recoveryProblem")
        problem.setWordWrap(True)
        problem.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        untouched = QLabel(
            "The file has not been changed. Restoring keeps a copy of it in the backups "
            "folder, so nothing is lost by trying.",
            self,
        )
        untouched.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(problem)
        layout.addWidget(untouched)
        buttons = QHBoxLayout()
        newest = health.newest_backup
        if newest is not None:
            offer = QLabel(
                f"Newest good backup: {_when(newest)} — {plural(newest.calls or 0, 'call')}, "
                f"{plural(newest.notes or 0, 'note')}.",
                self,
            )
            offer.setObjectName("recoveryOffer")
            offer.setWordWrap(True)
            layout.addWidget(offer)
            restore = QPushButton("Restore this backup", self)
            restore.setObjectName("recoveryRestore")
            restore.setDefault(True)
            restore.clicked.connect(lambda: self._choose(newest.path))
            buttons.addWidget(restore)
        other = QPushButton("Restore another file…", self)
        other.setObjectName("recoveryChoose")
        other.clicked.connect(self._on_choose)
        quit_button = QPushButton("Quit", self)
        quit_button.setObjectName("recoveryQuit")
        quit_button.clicked.connect(self.reject)
        buttons.addWidget(other)
        buttons.addStretch(1)
        buttons.addWidget(quit_button)
        layout.addLayout(buttons)
        self.resize(620, 240)

    def _choose(self, path: Path) -> None:
        self.choice = path
        self.accept()

    def _on_choose(self) -> None:
        dialog = QFileDialog(self, "Restore from a backup file")
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.fileSelected.connect(lambda path: self._choose(Path(path)))
        dialog.open()


class TrashDialog(QDialog):
    """Edit > Trash: what was deleted in the last 30 days, and bringing it back."""

    def __init__(
        self,
        services: Services,
        events: AppEvents,
        jobs: JobRunner,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.setObjectName("trashDialog")
        self.setWindowTitle("Trash")
        self._services = services
        self._events = events
        self._jobs = jobs
        self._items: list[TrashItem] = []
        intro = QLabel(
            "Deleted calls, notes and reviews stay here for 30 days, then go for good.", self
        )
        intro.setWordWrap(True)
        self.list = _table(self, "trashList", "Trash", ["Deleted", "What", "Account", "Gone after"])
        self.list.setToolTip("Enter restores the selected item")
        self.restore = QPushButton("Restore", self)
        self.restore.setObjectName("trashRestore")
        self.restore.setToolTip("Bring the selected item back (Enter)")
        self.empty = QPushButton("Empty trash…", self)
        self.empty.setObjectName("trashEmpty")
        self.empty.setToolTip("Delete everything in the trash for good")
        self.confirm = Confirm("emptyConfirm", self)
        self.status = QLabel(self)
        self.status.setObjectName("trashStatus")
        self.status.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.restore)
        buttons.addStretch(1)
        buttons.addWidget(self.empty)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.confirm)
        layout.addWidget(self.status)
        self.resize(760, 420)
        self.restore.clicked.connect(self._on_restore)
        self.list.itemActivated.connect(lambda _item: self._on_restore())
        self.empty.clicked.connect(
            lambda: self.confirm.ask(
                "Delete everything in the trash for good? This cannot be undone.", "Empty trash"
            )
        )
        self.confirm.accepted.connect(self._on_empty)
        self.reload()

    def reload(self) -> None:
        try:
            items = self._services.trash.list()
        except RidealongError as error:
            self.status.setText(str(error))
            return
        self._items = list(items)
        self.list.setRowCount(len(items))
        for r, item in enumerate(items):
            what = item.summary + (f" (with {plural(item.notes, 'note')})" if item.notes else "")
            for c, value in enumerate(
                [
                    item.deleted_at.astimezone().strftime("%d %b %H:%M"),
                    what,
                    item.account,
                    item.purge_after.astimezone().strftime("%d %b %Y"),
                ]
            ):
                self.list.setItem(r, c, QTableWidgetItem(value))
        if items:
            self.list.selectRow(0)
        self.status.setText(
            f"{plural(len(items), 'item')} in the trash." if items else "The trash is empty."
        )
        self.empty.setEnabled(bool(items))
        self.restore.setEnabled(bool(items))

    def _on_restore(self) -> None:
        rows = self.list.selectionModel().selectedRows()
        if not rows:
            return
        item = self._items[rows[0].row()]
        try:
            self._services.trash.restore(item.id)
        except RidealongError as error:
            self.status.setText(str(error))
            return
        self._events.changed.emit(Changes(call_ids=frozenset({item.call_id}), calls=True))
        self.reload()
        self.status.setText(f"Restored: {item.summary}")

    def _on_empty(self) -> None:
        """Emptying a big trash takes a while: it runs on the write thread."""
        trash = self._services.trash
        job = Job(
            "Emptying the trash…",
            lambda _p, _t: trash.empty(),
            on_success=self._on_emptied,
            on_user_error=self.status.setText,
        )
        self.empty.setEnabled(False)
        self.status.setText("Emptying the trash…")
        self._jobs.start(job, writes=True)

    def _on_emptied(self, purged: Purged) -> None:
        self.reload()
        self.status.setText(f"Deleted {plural(purged.total, 'item')} for good.")


class Banner(QFrame):
    """An inline warning with an optional action and a Dismiss button."""

    def __init__(
        self,
        name: str,
        text: str,
        action: tuple[str, Callable[[], Any]] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setProperty("role", "banner")
        label = QLabel(text, self)
        label.setWordWrap(True)
        layout = QHBoxLayout(self)
        layout.addWidget(label, 1)
        if action is not None:
            button = QPushButton(action[0], self)
            button.clicked.connect(action[1])
            layout.addWidget(button)
        dismiss = QPushButton("Dismiss", self)
        dismiss.setToolTip("Hide this warning")
        dismiss.clicked.connect(self.hide)
        layout.addWidget(dismiss)
