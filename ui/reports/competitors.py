"""The competitor list the team keeps, in the window (Edit > Competitors…, or the Reports
view's button): add, rename, remove, from the keyboard.

Reports count a listed competitor on every call that names it, even when no competitor
note is tagged with it, and print it as the list writes it. Reads and writes run as jobs
(writes on the one write thread); a refused name is said in the dialog.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.services import Services
from desktop.services.competitors import CompetitorView
from ui.durability import Confirm
from ui.events import AppEvents, Changes
from ui.jobs import Job, JobRunner
from ui.widgets import set_role

ID_ROLE = Qt.ItemDataRole.UserRole + 1


@dataclass(frozen=True, slots=True)
class _Listing:
    listed: tuple[CompetitorView, ...]
    tagged: tuple[str, ...]


class CompetitorsDialog(QDialog):
    """The team's competitor list. Typing a name and Enter adds it; in the list, F2
    renames in place and Delete asks, inline, before removing."""

    def __init__(
        self, services: Services, events: AppEvents, jobs: JobRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("competitorsDialog")
        self.setWindowTitle("Competitors")
        self._services = services
        self._events = events
        self._jobs = jobs
        self._views: dict[uuid.UUID, CompetitorView] = {}
        #: The competitor to select once the list is read again (one just added or renamed).
        self._select: uuid.UUID | None = None
        #: The row to select when that competitor is gone (one just removed).
        self._select_row = 0
        self._pending_removal: CompetitorView | None = None
        #: A list read while a name was being edited, shown when the edit ends.
        self._deferred: _Listing | None = None
        self._build()
        self._connect_signals()
        self.resize(560, 440)
        self.reload()

    # -- building --------------------------------------------------------------------

    def _build(self) -> None:
        intro = QLabel(
            "The competitors your team tracks. Reports count one on every call whose notes, "
            "answers or responses name it as a word, in any case, and print it as written "
            "here, even when no competitor note is tagged with it.",
            self,
        )
        intro.setWordWrap(True)
        self.name = QLineEdit(self)
        self.name.setObjectName("competitorName")
        self.name.setAccessibleName("Competitor's name")
        self.name.setToolTip("A competitor's name as reports should print it (Enter adds it)")
        self.name.setPlaceholderText("Add a competitor, e.g. Clarivo")
        self.name.setMaxLength(200)
        self.add = QPushButton("Add", self)
        self.add.setObjectName("competitorAdd")
        self.add.setToolTip("Put the typed name on the list (Enter)")
        self.add.setAutoDefault(False)
        self.list = QListWidget(self)
        self.list.setObjectName("competitorList")
        self.list.setAccessibleName("Competitors on the list")
        self.list.setToolTip("F2 renames the selected competitor; Delete removes it")
        self.list.setEditTriggers(
            QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.DoubleClicked
        )
        self.rename = QPushButton("Rename", self)
        self.rename.setObjectName("competitorRename")
        self.rename.setToolTip("Write the selected name another way (F2)")
        self.rename.setAutoDefault(False)
        self.remove = QPushButton("Remove…", self)
        self.remove.setObjectName("competitorRemove")
        self.remove.setToolTip("Take the selected competitor off the list (Delete)")
        self.remove.setAutoDefault(False)
        close = QPushButton("Close", self)
        close.setObjectName("competitorClose")
        close.setToolTip("Close (Esc)")
        close.setAutoDefault(False)
        close.clicked.connect(self.close)
        self.confirm = Confirm("competitorRemoveConfirm", self)
        self.tagged = QLabel(self)
        self.tagged.setObjectName("competitorTagged")
        self.tagged.setWordWrap(True)
        self.tagged.setProperty("role", "hint")
        self.tagged.hide()  # until the list is read and names some
        self.status = QLabel(self)
        self.status.setObjectName("competitorStatus")
        self.status.setAccessibleName("Competitor list status")
        self.status.setWordWrap(True)

        add_row = QHBoxLayout()
        add_row.addWidget(self.name, 1)
        add_row.addWidget(self.add)
        buttons = QHBoxLayout()
        buttons.addWidget(self.rename)
        buttons.addWidget(self.remove)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(add_row)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.confirm)
        layout.addWidget(self.tagged)
        layout.addWidget(self.status)

    def _connect_signals(self) -> None:
        self.name.returnPressed.connect(self._on_add)
        self.add.clicked.connect(self._on_add)
        self.rename.clicked.connect(self._on_rename)
        self.remove.clicked.connect(self._on_remove)
        self.list.itemChanged.connect(self._on_item_changed)
        self.list.currentRowChanged.connect(lambda _row: self._enable())
        self.confirm.accepted.connect(self._on_remove_confirmed)
        self.list.itemDelegate().closeEditor.connect(self._on_editor_closed)
        delete = QAction(self.list)
        delete.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        delete.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        delete.triggered.connect(self._on_remove)
        self.list.addAction(delete)

    # -- reading ---------------------------------------------------------------------

    def reload(self) -> None:
        """Read the list (and the competitors known only from tags) off the GUI thread."""
        competitors = self._services.competitors
        job = Job(
            "Reading the competitor list…",
            lambda _p, _t: _Listing(competitors.list(), competitors.tagged()),
            on_success=self._show,
            on_user_error=self._say_error,
        )
        self._jobs.start(job)

    def _show(self, listing: _Listing) -> None:
        if self.list.state() == QAbstractItemView.State.EditingState:
            # Rebuilding the list would throw away a name being typed: after the edit.
            self._deferred = listing
            return
        current = self.current()
        wanted = self._select or (current.id if current else None)
        self._select = None
        self._views = {c.id: c for c in listing.listed}
        self.list.blockSignals(True)
        self.list.clear()
        for competitor in listing.listed:
            item = QListWidgetItem(competitor.name, self.list)
            item.setData(ID_ROLE, competitor.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
            if competitor.id == wanted:
                self.list.setCurrentItem(item)
        self.list.blockSignals(False)
        if self.list.currentRow() < 0 and self.list.count():
            # The row of one just removed now holds its neighbour.
            self.list.setCurrentRow(min(self._select_row, self.list.count() - 1))
        self._select_row = 0
        if listing.tagged:
            tags = ", ".join(f"#{t}" for t in listing.tagged)
            self.tagged.setText(
                f"Also counted, from competitor notes' tags: {tags}. Add one here to have "
                "reports print it your way."
            )
        self.tagged.setVisible(bool(listing.tagged))
        self._enable()

    def _on_editor_closed(self, *_editor_and_hint: object) -> None:
        """Show a list read while a name was being edited, once the view is done."""
        listing, self._deferred = self._deferred, None
        if listing is not None:
            QTimer.singleShot(0, lambda: self._show(listing))

    def current(self) -> CompetitorView | None:
        item: QListWidgetItem | None = self.list.currentItem()  # None: nothing selected
        return None if item is None else self._views.get(item.data(ID_ROLE))

    def names(self) -> list[str]:
        """The names shown, in order."""
        return [self.list.item(row).text() for row in range(self.list.count())]

    def _enable(self) -> None:
        chosen = self.current() is not None
        self.rename.setEnabled(chosen)
        self.remove.setEnabled(chosen)

    # -- writing ---------------------------------------------------------------------

    def _write(
        self,
        label: str,
        work: Callable[[], CompetitorView],
        done: str,
        after: Callable[[], object] | None = None,
    ) -> None:
        """Run a write on the write thread; on success say `done` (with the name), run
        `after` and read the list again; a refusal is said here and changes nothing."""

        def on_success(competitor: CompetitorView) -> None:
            self._select = competitor.id
            self._say(done.format(name=competitor.name))
            if competitor.id in self._views:  # renamed: its new name and version, now
                self._views[competitor.id] = competitor
            if after is not None:
                after()
            self._events.changed.emit(Changes(source=self))
            self.reload()

        job = Job(
            label, lambda _p, _t: work(), on_success=on_success, on_user_error=self._on_refused
        )
        self._jobs.start(job, writes=True)

    def _on_add(self) -> None:
        typed = self.name.text()
        if not typed.strip():
            self._say_error("Type a competitor's name first.")
            self.name.setFocus()
            return
        competitors = self._services.competitors
        self._write(
            "Adding a competitor…",
            lambda: competitors.add(typed),
            "Added {name}.",
            after=lambda: self.name.clear() if self.name.text() == typed else None,
        )

    def _on_rename(self) -> None:
        item: QListWidgetItem | None = self.list.currentItem()
        if item is not None:
            self.list.setFocus()
            self.list.editItem(item)

    def _on_item_changed(self, item: QListWidgetItem) -> None:
        """An in-place edit finished: rename, unless nothing changed."""
        view = self._views.get(item.data(ID_ROLE))
        if view is None or item.text() == view.name:
            return
        competitors, typed = self._services.competitors, item.text()
        self._write(
            "Renaming a competitor…",
            lambda: competitors.rename(view.id, typed, expected_version=view.version),
            f"Renamed {view.name} to {{name}}.",
        )

    def _on_refused(self, message: str) -> None:
        """Said in the dialog; a refused rename goes back to the stored name at once (and
        the list is read again, in case it changed elsewhere); a refused new name stays
        typed, to be put right."""
        self._say_error(message)
        self.list.blockSignals(True)
        for row in range(self.list.count()):
            item = self.list.item(row)
            view = self._views.get(item.data(ID_ROLE))
            if view is not None:
                item.setText(view.name)
        self.list.blockSignals(False)
        self.reload()
        if self.name.text():
            self.name.setFocus()
            self.name.selectAll()

    def _on_remove(self) -> None:
        chosen = self.current()
        if chosen is None:
            return
        self._pending_removal = chosen
        self.confirm.ask(
            f"Take {chosen.name} off the list? Notes that name it stay as they are; reports "
            "count it only if a competitor note is tagged with it.",
            "Remove",
        )

    def _on_remove_confirmed(self) -> None:
        chosen, self._pending_removal = self._pending_removal, None
        if chosen is None:
            return
        competitors = self._services.competitors
        self._write(
            "Removing a competitor…",
            lambda: competitors.remove(chosen.id),
            "Removed {name}.",
            after=lambda: self._drop(chosen.id),
        )
        self.list.setFocus()

    def _drop(self, competitor_id: uuid.UUID) -> None:
        """Take a removed competitor out of the list at once; its neighbour is selected."""
        self._views.pop(competitor_id, None)
        for row in range(self.list.count()):
            if self.list.item(row).data(ID_ROLE) == competitor_id:
                self._select_row = row
                self.list.blockSignals(True)
                self.list.takeItem(row)
                self.list.blockSignals(False)
                break
        self._enable()

    # -- messages and keys -----------------------------------------------------------

    def _say(self, message: str) -> None:
        set_role(self.status, "hint")
        self.status.setText(message)

    def _say_error(self, message: str) -> None:
        set_role(self.status, "error")
        self.status.setText(message)

    def reject(self) -> None:
        """Esc cancels a removal being asked about before it closes the dialog."""
        if self.confirm.isVisible():
            self.confirm.hide()
            self.list.setFocus()
            return
        super().reject()
