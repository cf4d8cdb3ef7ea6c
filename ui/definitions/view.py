"""The Definitions view: the terms sales and marketing agreed on (MQL, SQL, qualified
pain...), each edited as a new version.

Saving never rewrites a definition: it stores the words as the next revision, so a grade
given earlier keeps pointing at the words it was given against. Nothing here is modal:
retiring a term asks inline, and errors show in the status line.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QAction, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import Conflict, RidealongError
from desktop.services import Services
from desktop.services.values import DefinitionView
from ui.conflict import Choice, ConflictDialog
from ui.events import AppEvents, Changes
from ui.widgets import set_role

TERM_ROLE = Qt.ItemDataRole.UserRole + 1
BODY_ROLE = Qt.ItemDataRole.UserRole + 2
#: Characters of an old version shown in the history list (the tooltip has them all).
PREVIEW_CHARS = 90


def _when(definition: DefinitionView) -> str:
    return definition.created_at.astimezone().strftime("%d %b %Y %H:%M")


def _key(term: str) -> str:
    """Terms compare as the service compares them: case and spacing aside."""
    return " ".join(term.split()).casefold()


class DefinitionsView(QWidget):
    """The agreed terms in force, the selected one's words and its history.

    Signals: saved(DefinitionView) after a new version (or a retirement) is stored.
    """

    saved = Signal(object)

    def __init__(
        self,
        services: Services,
        events: AppEvents,
        identity_name: Callable[[], str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("definitionsEditor")
        self.setAccessibleName("Agreed definitions")
        self._services = services
        self._events = events
        self._identity_name = identity_name
        self._loaded = False
        self._stale = False
        self._definitions: dict[str, DefinitionView] = {}
        self._edits: dict[str, str] = {}
        #: The definition in force when each unsaved edit began (None: a new term), so
        #: a save made on words a teammate changed since is refused, not silently won.
        self._bases: dict[str, DefinitionView | None] = {}
        self._pending: str | None = None
        self._term: str | None = None

        heading = QLabel("Agreed definitions", self)
        heading.setProperty("role", "heading")
        self.revision = QLabel(self)
        self.revision.setObjectName("definitionRevision")
        self.revision.setAccessibleName("Revision in force")
        self.revision.setToolTip("Grades given now record this revision of the definitions")
        self.revision.setProperty("role", "hint")
        self.terms = QListWidget(self)
        self.terms.setObjectName("definitionList")
        self.terms.setAccessibleName("Definitions in force")
        self.terms.setToolTip("The terms in force, with the revision of their current words")
        self.terms.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.terms.setSpacing(2)
        self.new_term = QLineEdit(self)
        self.new_term.setObjectName("newTerm")
        self.new_term.setAccessibleName("New term")
        self.new_term.setPlaceholderText("New term, then Enter")
        self.new_term.setToolTip(
            "Add a term: type its name and press Enter, then write what it means and save (Ctrl+S)"
        )
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(heading)
        left_layout.addWidget(self.revision)
        left_layout.addWidget(self.terms, 1)
        left_layout.addWidget(self.new_term)

        self.term_title = QLabel(self)
        self.term_title.setObjectName("definitionTerm")
        self.term_title.setProperty("role", "heading")
        self.term_meta = QLabel(self)
        self.term_meta.setObjectName("definitionMeta")
        self.term_meta.setProperty("role", "hint")
        self.body = QPlainTextEdit(self)
        self.body.setObjectName("definitionBody")
        self.body.setAccessibleName("Definition")
        self.body.setToolTip(
            "What the term means, as both teams agreed. Saving (Ctrl+S) stores a new "
            "version; grades already given keep theirs."
        )
        self.body.setTabChangesFocus(True)

        self.save_action = QAction("Save as new version", self)
        self.save_action.setObjectName("actionSaveDefinition")
        self.save_action.setShortcut(QKeySequence.StandardKey.Save)
        self.save_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.save_action.setAutoRepeat(False)
        self.save_action.setToolTip("Save the words as a new version (Ctrl+S)")
        self.addAction(self.save_action)
        self.save_button = QPushButton("Save as new version", self)
        self.save_button.setObjectName("definitionSave")
        self.save_button.setAccessibleName("Save as new version")
        self.save_button.setToolTip(
            "Store these words as the next revision; older grades keep theirs (Ctrl+S)"
        )
        self.retire_button = QPushButton("Retire…", self)
        self.retire_button.setObjectName("definitionRetire")
        self.retire_button.setAccessibleName("Retire term")
        self.retire_button.setToolTip(
            "Stop using this term from the next revision on; old grades still show it"
        )
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.retire_button)
        buttons.addStretch(1)

        self.retire_confirm = QFrame(self)
        self.retire_confirm.setObjectName("retireConfirm")
        self.retire_confirm.setProperty("role", "banner")
        self.retire_question = QLabel(self.retire_confirm)
        self.retire_question.setWordWrap(True)
        self.retire_yes = QPushButton("Retire it", self.retire_confirm)
        self.retire_yes.setObjectName("retireConfirmButton")
        self.retire_yes.setAccessibleName("Confirm retiring the term")
        self.retire_yes.setToolTip("Retire the term now (Enter)")
        self.retire_no = QPushButton("Keep it", self.retire_confirm)
        self.retire_no.setObjectName("retireCancelButton")
        self.retire_no.setAccessibleName("Keep the term")
        self.retire_no.setToolTip("Keep the term in force (Esc)")
        confirm_layout = QHBoxLayout(self.retire_confirm)
        confirm_layout.addWidget(self.retire_question, 1)
        confirm_layout.addWidget(self.retire_yes)
        confirm_layout.addWidget(self.retire_no)
        self.retire_confirm.hide()
        self._escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), self.retire_confirm)
        self._escape.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)

        self.status = QLabel(self)
        self.status.setObjectName("definitionStatus")
        self.status.setAccessibleName("Definitions status")
        self.status.setToolTip("What the last save did, or what went wrong")
        self.status.setProperty("role", "hint")
        self.status.setWordWrap(True)

        history_label = QLabel("<b>History</b>", self)
        self.history = QTreeWidget(self)
        self.history.setObjectName("definitionHistory")
        self.history.setAccessibleName("Definition history")
        self.history.setToolTip(
            "Every version of this term, newest first. Enter or double-click on an older "
            "one puts its words back in the editor."
        )
        self.history.setHeaderLabels(["Revision", "By", "When", "Words"])
        self.history.setRootIsDecorated(False)
        self.history.setAlternatingRowColors(True)
        self.history.setUniformRowHeights(True)

        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.term_title)
        right_layout.addWidget(self.term_meta)
        right_layout.addWidget(self.body, 2)
        right_layout.addLayout(buttons)
        right_layout.addWidget(self.retire_confirm)
        right_layout.addWidget(self.status)
        right_layout.addWidget(history_label)
        right_layout.addWidget(self.history, 1)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("definitionsSplitter")
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setSizes([280, 720])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.splitter)
        self._show_term(None)
        self._connect_signals()

    def _connect_signals(self) -> None:
        self.terms.currentItemChanged.connect(self._on_terms_current_item_changed)
        self.body.textChanged.connect(self._on_body_text_changed)
        self.save_action.triggered.connect(self._on_save_triggered)
        self.save_button.clicked.connect(self._on_save_triggered)
        self.retire_button.clicked.connect(self._on_retire_clicked)
        self.retire_yes.clicked.connect(self._on_retire_yes_clicked)
        self.retire_no.clicked.connect(self._on_retire_no_clicked)
        self._escape.activated.connect(self._on_retire_no_clicked)
        self.new_term.returnPressed.connect(self._on_new_term_return_pressed)
        self.history.itemActivated.connect(self._on_history_item_activated)
        self._events.changed.connect(self._on_changed)

    # -- loading ---------------------------------------------------------------------

    def ensure_loaded(self) -> None:
        """Load the terms the first time the view is shown, and catch up on changes made
        while it was hidden."""
        if self._loaded and not self._stale:
            return
        self._loaded = True
        self._stale = False
        self.reload()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._loaded:
            self.ensure_loaded()

    def reload(self, select: str | None = None) -> None:
        """Show the definitions in force now, keeping the selection and unsaved words."""
        try:
            definitions = self._services.definitions.current()
            revision = self._services.definitions.revision()
        except RidealongError as error:
            self._show_status(str(error), error=True)
            return
        self._definitions = {d.term: d for d in definitions}
        if self._pending is not None and self._find(self._pending) is not None:
            self._pending = None
        self.revision.setText(
            f"Revision {revision} in force" if revision is not None else "No definitions yet"
        )
        wanted = select or self._term
        self.terms.blockSignals(True)
        self.terms.clear()
        for term in self._definitions:
            self.terms.addItem(self._item(term))
        if self._pending is not None:
            self.terms.addItem(self._item(self._pending))
        row = self._row_of(wanted) if wanted else -1
        if row < 0 and self.terms.count():
            row = 0
        self.terms.setCurrentRow(row)
        self.terms.blockSignals(False)
        self._show_term(self.terms.item(row).data(TERM_ROLE) if row >= 0 else None)

    def _item(self, term: str) -> QListWidgetItem:
        item = QListWidgetItem()
        item.setData(TERM_ROLE, term)
        self._label_item(item)
        return item

    def _label_item(self, item: QListWidgetItem) -> None:
        term = item.data(TERM_ROLE)
        stored = self._definitions.get(term)
        label = f"{term}  ·  rev {stored.revision}" if stored else f"{term}  ·  new"
        if term in self._edits:
            label += "  (edited)"
        item.setText(label)
        item.setToolTip(
            f"{term}: revision {stored.revision} by {self._author(stored)}, {_when(stored)}"
            if stored
            else f"{term}: not saved yet"
        )

    def _row_of(self, term: str) -> int:
        for row in range(self.terms.count()):
            if _key(self.terms.item(row).data(TERM_ROLE)) == _key(term):
                return row
        return -1

    def _find(self, term: str) -> DefinitionView | None:
        return next((d for d in self._definitions.values() if _key(d.term) == _key(term)), None)

    @staticmethod
    def _author(definition: DefinitionView) -> str:
        return definition.author.name if definition.author else "Ridealong (default)"

    # -- one term --------------------------------------------------------------------

    def _show_term(self, term: str | None) -> None:
        self._term = term
        self.retire_confirm.hide()
        has_term = term is not None
        for widget in (self.body, self.save_button, self.retire_button):
            widget.setEnabled(has_term)
        self.save_action.setEnabled(has_term)
        if term is None:
            self.term_title.setText("No term chosen")
            self.term_meta.setText("Pick a term on the left, or type a new one and press Enter")
            self._set_body("")
            self.history.clear()
            return
        stored = self._definitions.get(term)
        self.term_title.setText(term)
        self.term_meta.setText(
            f"Revision {stored.revision} by {self._author(stored)}, {_when(stored)}"
            if stored
            else "New term: write what it means, then save (Ctrl+S)"
        )
        self._set_body(self._edits.get(term, stored.body if stored else ""))
        self._show_history(term if stored else None)

    def _set_body(self, text: str) -> None:
        """Replace the editor's text only when it differs, so the cursor stays put."""
        if self.body.toPlainText() != text:
            self.body.setPlainText(text)

    def _show_history(self, term: str | None) -> None:
        self.history.clear()
        if term is None:
            return
        try:
            versions = self._services.definitions.history(term)
        except RidealongError as error:
            self._show_status(str(error), error=True)
            return
        in_force = self._definitions.get(term)
        for version in versions:
            flat = " ".join(version.body.split())
            words = flat if len(flat) <= PREVIEW_CHARS else flat[:PREVIEW_CHARS] + "…"
            if version.retired:
                words = f"(retired) {words}"
            elif in_force is not None and version.revision == in_force.revision:
                words = f"(in force) {words}"
            item = QTreeWidgetItem(
                [str(version.revision), self._author(version), _when(version), words]
            )
            item.setData(0, BODY_ROLE, version.body)
            item.setToolTip(3, version.body)
            self.history.addTopLevelItem(item)
        for column in range(3):
            self.history.resizeColumnToContents(column)

    @Slot(QListWidgetItem, QListWidgetItem)
    def _on_terms_current_item_changed(
        self, current: QListWidgetItem | None, _previous: QListWidgetItem | None
    ) -> None:
        self._show_term(current.data(TERM_ROLE) if current is not None else None)

    @Slot()
    def _on_body_text_changed(self) -> None:
        """Remember unsaved words per term, so moving to another term loses nothing."""
        term = self._term
        if term is None:
            return
        stored = self._definitions.get(term)
        text = self.body.toPlainText()
        if stored is not None and text.strip() == stored.body.strip():
            self._forget_edit(term)
        else:
            self._edits[term] = text
            self._bases.setdefault(term, stored)
        row = self._row_of(term)
        if row >= 0:
            self._label_item(self.terms.item(row))

    @Slot(QTreeWidgetItem, int)
    def _on_history_item_activated(self, item: QTreeWidgetItem, _column: int) -> None:
        self._set_body(item.data(0, BODY_ROLE))
        self.body.setFocus(Qt.FocusReason.OtherFocusReason)
        self._show_status(
            f"Revision {item.text(0)}'s words are in the editor; save (Ctrl+S) to bring "
            "them back as a new version"
        )

    # -- writing ---------------------------------------------------------------------

    @Slot()
    def _on_save_triggered(self) -> None:
        term = self._term
        if term is None:
            self._show_status("Choose a term, or type a new one and press Enter", error=True)
            return
        body = self.body.toPlainText().strip()
        stored = self._definitions.get(term)
        if stored is not None and body == stored.body.strip():
            self._show_status(
                f"Nothing to save: {term} already reads like this (revision {stored.revision})"
            )
            return
        base = self._bases.get(term, stored)
        self._save(term, body, base.revision if base else 0, base.body if base else "")

    def _save(self, term: str, body: str, expected: int, base_body: str) -> None:
        """Save the words as a new revision, if the term still stands at `expected`."""
        try:
            saved = self._services.definitions.set(
                term, body, by=self._identity_name(), expected_revision=expected
            )
        except Conflict as conflict:
            self._resolve(term, body, base_body, conflict)
            return
        except RidealongError as error:
            self._show_status(str(error), error=True)
            return
        self._forget_edit(term)
        self._after_write(saved)
        self._show_status(
            f"Saved {saved.term} as revision {saved.revision}; grades given before keep "
            "the words they were given against"
        )

    def _forget_edit(self, term: str) -> None:
        self._edits.pop(term, None)
        self._bases.pop(term, None)

    def _resolve(self, term: str, body: str, base_body: str, conflict: Conflict) -> None:
        """Both wordings side by side: keep mine, take theirs, or merge the two."""
        theirs = conflict.theirs
        if not isinstance(theirs, DefinitionView):
            self._show_status(str(conflict), error=True)
            return
        their_body = "(retired)" if theirs.retired else theirs.body
        dialog = ConflictDialog(
            f"“{term}”",
            conflict,
            body,
            f"Revision {theirs.revision}:\n{their_body}",
            merge=None if theirs.retired else (base_body, body, theirs.body),
            parent=self,
        )

        def chosen(choice: Choice, merged: str) -> None:
            if choice is Choice.THEIRS:
                self._forget_edit(term)
                self.reload(select=term)
                self._set_body(theirs.body if not theirs.retired else "")
                self._show_status(f"Kept revision {theirs.revision}; your words were dropped")
                return
            words = merged.strip() if choice is Choice.MERGED else body
            self._save(term, words, 0 if theirs.retired else theirs.revision, theirs.body)

        dialog.chosen.connect(chosen)
        dialog.rejected.connect(lambda: self._show_status(f"Not saved: {conflict}", error=True))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    @Slot()
    def _on_retire_clicked(self) -> None:
        term = self._term
        if term is None:
            return
        if term not in self._definitions:  # never saved: nothing to retire, just drop it
            self._pending = None
            self._forget_edit(term)
            self.reload(select="")
            self._show_status(f"Dropped {term}; it was never saved")
            return
        self.retire_question.setText(
            f"Retire “{term}”? It leaves the definitions in force from the next revision; "
            "grades already given still show it."
        )
        self.retire_confirm.show()
        self.retire_yes.setFocus(Qt.FocusReason.OtherFocusReason)

    @Slot()
    def _on_retire_no_clicked(self) -> None:
        self.retire_confirm.hide()
        self.retire_button.setFocus(Qt.FocusReason.OtherFocusReason)

    @Slot()
    def _on_retire_yes_clicked(self) -> None:
        term = self._term
        self.retire_confirm.hide()
        if term is None:
            return
        stored = self._definitions.get(term)
        try:
            retired = self._services.definitions.retire(
                term,
                by=self._identity_name(),
                expected_revision=stored.revision if stored else None,
            )
        except Conflict as conflict:
            self._show_status(f"Not retired: {conflict}", error=True)
            self.reload(select=term)
            return
        except RidealongError as error:
            self._show_status(str(error), error=True)
            return
        self._forget_edit(term)
        self._term = None
        self._after_write(retired, select="")
        self.terms.setFocus(Qt.FocusReason.OtherFocusReason)
        self._show_status(
            f"Retired {retired.term} at revision {retired.revision}; grades given before "
            "still show it"
        )

    def _after_write(self, definition: DefinitionView, select: str | None = None) -> None:
        self.reload(select=definition.term if select is None else select)
        self.saved.emit(definition)
        self._events.changed.emit(Changes(definitions=True, source=self))

    @Slot()
    def _on_new_term_return_pressed(self) -> None:
        name = " ".join(self.new_term.text().split())
        if not name:
            return
        self.new_term.clear()
        existing = self._find(name)
        if existing is not None:
            self.reload(select=existing.term)
            self.body.setFocus(Qt.FocusReason.OtherFocusReason)
            self._show_status(f"{existing.term} is already defined: edit it here")
            return
        self._pending = name
        self.reload(select=name)
        self.body.setFocus(Qt.FocusReason.OtherFocusReason)
        self._show_status(f"Write what {name} means, then save it (Ctrl+S)")

    def _show_status(self, text: str, *, error: bool = False) -> None:
        self.status.setText(text)
        set_role(self.status, "error" if error else "hint")

    # -- changes elsewhere -----------------------------------------------------------

    @Slot(object)
    def _on_changed(self, changes: Changes) -> None:
        if changes.source is self or not self._loaded:
            return
        if self.isVisible():
            self.reload()
        else:
            self._stale = True
