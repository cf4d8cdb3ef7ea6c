"""The capture box: one input that keeps focus while the call runs.

Enter files the note, Shift+Enter adds a line, Ctrl+1..7/Ctrl+0 file it under a kind
(or, with an empty box, pick the kind for the next note), a typed prefix such as
`/pain ` does the same for people who prefer typing, `#` completes themes already in
use, Alt+1..5 sets intensity and Ctrl+D marks the note quote-worthy.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QTextCursor
from PySide6.QtWidgets import (
    QButtonGroup,
    QLabel,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop.domain import NoteKind
from desktop.services.values import NoteView
from ui.actions import KIND_ACTIONS, SPECS, key_text
from ui.theme import kind_color
from ui.widgets import FlowLayout, NoteEditor

PREFIXES: dict[str, NoteKind] = {
    "pain": NoteKind.PAIN,
    "obj": NoteKind.OBJECTION,
    "objection": NoteKind.OBJECTION,
    "q": NoteKind.QUESTION,
    "question": NoteKind.QUESTION,
    "quote": NoteKind.QUOTE,
    "comp": NoteKind.COMPETITOR,
    "competitor": NoteKind.COMPETITOR,
    "sig": NoteKind.SIGNAL,
    "signal": NoteKind.SIGNAL,
    "next": NoteKind.NEXT_STEP,
    "next-step": NoteKind.NEXT_STEP,
    "general": NoteKind.GENERAL,
    "note": NoteKind.GENERAL,
}


def split_kind_prefix(text: str) -> tuple[NoteKind | None, str]:
    """`/pain Budget frozen` is a pain reading "Budget frozen"; other text is unchanged."""
    if not text.startswith("/"):
        return None, text
    word, _, rest = text[1:].partition(" ")
    kind = PREFIXES.get(word.lower())
    if kind is None or not rest.strip():
        return None, text
    return kind, rest


class CaptureInput(NoteEditor):
    """Signals: submitted(), cancelled(), edit_last_requested()."""

    edit_last_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("captureInput")
        self.setAccessibleName("Capture box")
        self.setToolTip(
            "Type what the prospect says. Enter files it, Shift+Enter adds a line, "
            "Ctrl+1…7 or Ctrl+0 file it under a kind, # adds a theme, Up edits the last note."
        )
        self.setPlaceholderText(
            "Type what they say… Enter files it · Ctrl+1 pain · Ctrl+2 objection · "
            "Ctrl+3 question · #theme"
        )
        self.setTabChangesFocus(True)
        self.setMaximumHeight(120)

    def event(self, event: QEvent) -> bool:
        # Ctrl+Z undoes typing while there is typing to undo; otherwise it belongs to the
        # window and undoes the last change to a note.
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent):
            doc = self.document()
            if event.matches(QKeySequence.StandardKey.Undo) and not doc.isUndoAvailable():
                event.ignore()
                return False
            if event.matches(QKeySequence.StandardKey.Redo) and not doc.isRedoAvailable():
                event.ignore()
                return False
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Up and not self.toPlainText():
            self.edit_last_requested.emit()
            return
        super().keyPressEvent(event)


class CapturePanel(QWidget):
    """The capture box with the kind, intensity and quote-worthy state of the next note.

    Signals: file_requested(NoteKind, str), edit_submitted(NoteView, NoteKind, str),
    edit_last_requested(), typing() (the text or its settings changed).
    """

    file_requested = Signal(object, str)
    edit_submitted = Signal(object, object, str)
    edit_last_requested = Signal()
    typing = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("capturePanel")
        self._kind = NoteKind.GENERAL
        self._intensity: int | None = None
        self._quote = False
        self._editing: NoteView | None = None

        self.input = CaptureInput(self)
        self._kinds = QButtonGroup(self)
        self._kinds.setExclusive(True)
        kinds_row = FlowLayout()
        for kind, action_id in KIND_ACTIONS.items():
            button = QToolButton(self)
            button.setText(kind.label)
            button.setCheckable(True)
            button.setObjectName(f"kind_{kind.value}")
            button.setAccessibleName(f"Kind: {kind.label}")
            keys = key_text(SPECS[action_id])
            button.setToolTip(f"Next note is a {kind.label.lower()} ({keys})")
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setStyleSheet(
                f"QToolButton:checked {{ background: {kind_color(kind).name()}; color: white; "
                "border-radius: 4px; }"
            )
            self._kinds.addButton(button)
            button.clicked.connect(lambda _=False, k=kind: self.set_kind(k))
            kinds_row.addWidget(button)
        self.intensity_label = QLabel(self)
        self.intensity_label.setObjectName("intensityIndicator")
        self.intensity_label.setAccessibleName("Intensity of the next note")
        self.intensity_label.setToolTip("Intensity of the next note (Alt+1 … Alt+5)")
        kinds_row.addWidget(self.intensity_label)
        self.quote_button = QToolButton(self)
        self.quote_button.setObjectName("quoteWorthyToggle")
        self.quote_button.setText("★ Quote-worthy")
        self.quote_button.setCheckable(True)
        self.quote_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.quote_button.setAccessibleName("Quote-worthy")
        self.quote_button.setToolTip("Mark the next note quote-worthy (Ctrl+D)")
        self.quote_button.toggled.connect(self._on_quote_toggled)
        kinds_row.addWidget(self.quote_button)

        self.banner = QLabel(self)
        self.banner.setObjectName("editBanner")
        self.banner.setProperty("role", "hint")
        self.banner.hide()
        self.error = QLabel(self)
        self.error.setObjectName("captureError")
        self.error.setProperty("role", "error")
        self.error.setWordWrap(True)
        self.error.hide()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(kinds_row)
        layout.addWidget(self.banner)
        layout.addWidget(self.input)
        layout.addWidget(self.error)
        self._connect_signals()
        self._show_state()

    def _connect_signals(self) -> None:
        self.input.submitted.connect(self._on_submitted)
        self.input.edit_last_requested.connect(self.edit_last_requested)
        self.input.cancelled.connect(self.cancel_edit)
        self.input.textChanged.connect(self.typing)

    # -- state of the next note ------------------------------------------------------

    @property
    def kind(self) -> NoteKind:
        return self._kind

    @property
    def intensity(self) -> int | None:
        return self._intensity

    @property
    def quote_worthy(self) -> bool:
        return self._quote

    @property
    def editing(self) -> NoteView | None:
        return self._editing

    def set_kind(self, kind: NoteKind) -> None:
        self._kind = kind
        self._show_state()
        self.typing.emit()

    def set_intensity(self, value: int | None) -> None:
        self._intensity = None if value == self._intensity else value
        self._show_state()
        self.typing.emit()

    def toggle_quote_worthy(self) -> None:
        self.quote_button.setChecked(not self._quote)

    def _on_quote_toggled(self, checked: bool) -> None:
        self._quote = checked
        self.typing.emit()

    def restore(self, text: str, kind: NoteKind, intensity: int | None, quote: bool) -> None:
        """Put a recovered draft back, exactly as it was."""
        self._kind = kind
        self._intensity = intensity
        self.quote_button.setChecked(quote)
        self.input.setPlainText(text)
        self.input.moveCursor(QTextCursor.MoveOperation.End)
        self._show_state()

    def _show_state(self) -> None:
        for button in self._kinds.buttons():
            button.setChecked(button.objectName() == f"kind_{self._kind.value}")
        if self._intensity:
            dots = "●" * self._intensity + "○" * (5 - self._intensity)
            self.intensity_label.setText(f"Intensity {dots}")
        else:
            self.intensity_label.setText("Intensity –")

    # -- filing and editing ----------------------------------------------------------

    def file_as(self, kind: NoteKind) -> None:
        """Ctrl+digit: file the typed text as `kind`, or pick `kind` for the next note."""
        if self.input.text().strip():
            self.set_kind(kind)
            self._on_submitted()
        else:
            self.set_kind(kind)
        self.input.setFocus()

    def _on_submitted(self) -> None:
        text = self.input.text()
        if not text.strip():
            return
        prefixed, rest = split_kind_prefix(text)
        kind = prefixed or self._kind
        if self._editing is not None:
            self.edit_submitted.emit(self._editing, kind, rest)
        else:
            self.file_requested.emit(kind, rest)

    def accepted(self) -> None:
        """The note is stored: clear the box for the next one (the kind stays)."""
        self._editing = None
        self.banner.hide()
        self._intensity = None
        self.quote_button.setChecked(False)
        self.input.clear()
        self.show_error(None)
        self._show_state()

    def begin_edit(self, note: NoteView) -> None:
        self._editing = note
        self._kind = note.kind
        self._intensity = note.intensity
        self.quote_button.setChecked(note.quote_worthy)
        self.banner.setText(
            f"Editing the {note.kind.label.lower()} at {note.offset_label}: Enter saves, "
            "Esc cancels"
        )
        self.banner.show()
        self.input.setPlainText(note.text)
        self.input.moveCursor(QTextCursor.MoveOperation.End)
        self.input.setFocus()
        self._show_state()

    def cancel_edit(self) -> None:
        if self._editing is not None:
            self.accepted()

    def show_error(self, message: str | None) -> None:
        self.error.setText(message or "")
        self.error.setVisible(bool(message))
