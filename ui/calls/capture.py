"""The capture box: one input that keeps focus while the call runs.

Enter files the note, Shift+Enter adds a line, Ctrl+1..7/Ctrl+0 file it under a kind
(or, with an empty box, pick the kind of the next note), a typed prefix such as `/pain `
does the same for people who prefer typing, `#` completes themes already in use, `@`
names the speaker among the call's contacts, Alt+1..5 sets intensity and Ctrl+D marks
the note quote-worthy.

A kind applies to one note, then the box is back to general: a kind kept by mistake
would misfile every note after it. Pressing the same kind key twice with an empty box
(or clicking the kind twice, or the lock) keeps that kind for every note until released.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

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
from desktop.services.values import ContactView, NoteView
from ui.actions import KIND_ACTIONS, SPECS, key_text
from ui.theme import kind_color
from ui.widgets import FlowLayout, NoteEditor, set_role

#: The kind a note has when no kind is chosen for it.
DEFAULT_KIND = NoteKind.GENERAL
#: An `@` that starts a word (an e-mail address is left alone).
_AT = re.compile(r"(?:^|(?<=\s))@")
_WORD = re.compile(r"\w[\w'’.-]*")
#: What may sit between `@Name` and the words it introduces ("@Dana: too dear").
_AFTER_NAME = " \t:,;-–—"

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


def split_speaker(text: str, names: Sequence[str]) -> tuple[str | None, str]:
    """`@Dana Cho budget is frozen` is Dana Cho saying "budget is frozen".

    The `@name` may stand wherever a word starts. The name is one of `names` when one
    follows the `@` whole (the longest first), else the word after it, left for the
    service to match (a unique start such as `@dana` will do). Returns the name and the
    text without it; text with no `@name` comes back unchanged, with no name.
    """
    longest_first = sorted(names, key=len, reverse=True)
    for match in _AT.finditer(text):
        rest = text[match.end() :]
        spoken = next(
            (
                rest[: len(n)]
                for n in longest_first
                if rest[: len(n)].casefold() == n.casefold()
                and (len(rest) == len(n) or not rest[len(n)].isalnum())
            ),
            None,
        )
        if spoken is None:
            word = _WORD.match(rest)
            if word is None:
                continue
            spoken = word.group().rstrip(".")
        before = text[: match.start()].rstrip()
        after = rest[len(spoken) :].lstrip(_AFTER_NAME)
        return spoken, f"{before} {after}" if before and after else before or after
    return None, text


def contact_named(contacts: Sequence[ContactView], name: str) -> ContactView | None:
    """The contact `name` points at, as the notes service would match it (whole name,
    any case, or a unique start); used where the database cannot be asked."""
    wanted = " ".join(name.split()).casefold()
    for contact in contacts:
        if " ".join(contact.name.split()).casefold() == wanted:
            return contact
    starting = [c for c in contacts if " ".join(c.name.split()).casefold().startswith(wanted)]
    return starting[0] if wanted and len(starting) == 1 else None


def speaker_label(contact: ContactView) -> str:
    """How the timeline names a speaker: "Dana Cho, CFO"."""
    return contact.name + (f", {contact.title}" if contact.title else "")


class CaptureInput(NoteEditor):
    """Signals: submitted(), cancelled(), edit_last_requested()."""

    edit_last_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("captureInput")
        self.setAccessibleName("Capture box")
        self.setToolTip(
            "Type what the prospect says. Enter files it, Shift+Enter adds a line. "
            "Ctrl+1…7 or Ctrl+0 file it under a kind (with an empty box: the next note's "
            "kind; the same key twice keeps that kind for every note until pressed again). "
            "@ names who said it, # adds a theme, Up edits the last note."
        )
        self.setPlaceholderText(
            "Type what they say… Enter files it · Ctrl+1 pain · Ctrl+2 objection · "
            "Ctrl+3 question · @speaker · #theme"
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
    """The capture box with the kind, speaker, intensity and quote-worthy state of the
    next note.

    Signals: file_requested(NoteKind, text, speaker name or None),
    edit_submitted(NoteView, NoteKind, text, speaker name or None),
    edit_last_requested(), typing() (the text or its settings changed).
    """

    file_requested = Signal(object, str, object)
    edit_submitted = Signal(object, object, str, object)
    edit_last_requested = Signal()
    typing = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("capturePanel")
        #: The kind chosen for the one note being typed (or the next one).
        self._chosen: NoteKind | None = None
        #: The kind kept for every note until released.
        self._locked: NoteKind | None = None
        self._intensity: int | None = None
        self._quote = False
        self._editing: NoteView | None = None
        self._contacts: tuple[ContactView, ...] = ()

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
            button.setToolTip(
                f"This note is a {kind.label.lower()} ({keys}); twice keeps it for every note"
            )
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setStyleSheet(
                f"QToolButton:checked {{ background: {kind_color(kind).name()}; color: white; "
                "border-radius: 4px; }"
            )
            self._kinds.addButton(button)
            button.clicked.connect(lambda _=False, k=kind: self.choose_kind(k))
            kinds_row.addWidget(button)
        self.lock_button = QToolButton(self)
        self.lock_button.setObjectName("kindLock")
        self.lock_button.setText("Keep kind")
        self.lock_button.setCheckable(True)
        self.lock_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.lock_button.setAccessibleName("Keep the kind for every note")
        self.lock_button.setToolTip(
            "Keep the chosen kind for every note until released (or press its key twice, "
            "e.g. Ctrl+1 Ctrl+1); press the key or click here again to go back to "
            f"{DEFAULT_KIND.label.lower()}"
        )
        self.lock_button.clicked.connect(self._on_lock_clicked)
        kinds_row.addWidget(self.lock_button)
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

        self.kind_label = QLabel(self)
        self.kind_label.setObjectName("kindIndicator")
        self.kind_label.setAccessibleName("Kind of the next note")
        self.kind_label.setToolTip(self.lock_button.toolTip())
        self.kind_label.setWordWrap(True)
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
        layout.addWidget(self.kind_label)
        layout.addWidget(self.input)
        layout.addWidget(self.error)
        self._connect_signals()
        self._show_state()

    def _connect_signals(self) -> None:
        self.input.submitted.connect(self._on_submitted)
        self.input.edit_last_requested.connect(self.edit_last_requested)
        self.input.cancelled.connect(self.cancel_edit)
        self.input.textChanged.connect(self.typing)
        self.input.textChanged.connect(self._show_state)

    # -- state of the next note ------------------------------------------------------

    @property
    def kind(self) -> NoteKind:
        """The kind the note in the box is filed under if nothing else is said."""
        return self._chosen or self._locked or DEFAULT_KIND

    @property
    def locked(self) -> NoteKind | None:
        return self._locked

    @property
    def intensity(self) -> int | None:
        return self._intensity

    @property
    def quote_worthy(self) -> bool:
        return self._quote

    @property
    def editing(self) -> NoteView | None:
        return self._editing

    def set_contacts(self, contacts: tuple[ContactView, ...]) -> None:
        """The call's contacts: what `@` completes and a speaker is matched among."""
        self._contacts = contacts
        self.input.set_people([c.name for c in contacts])

    def choose_kind(self, kind: NoteKind) -> None:
        """A kind key with an empty box (or a click on a kind): the kind of one note.

        The same kind again keeps it for every note; the kept kind again releases it.
        """
        if self._locked is kind and self._chosen is None:
            self._locked = None
        elif self._chosen is kind and self._editing is None:
            self._locked = None if kind is DEFAULT_KIND else kind
            self._chosen = None
        else:
            self._chosen = kind
        self._show_state()
        self.typing.emit()

    def _on_lock_clicked(self) -> None:
        if self._locked is not None:
            self._locked = None
        else:
            self._locked = None if self.kind is DEFAULT_KIND else self.kind
            if self._editing is None:
                self._chosen = None
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
        self._chosen = None if kind is (self._locked or DEFAULT_KIND) else kind
        self._intensity = intensity
        self.quote_button.setChecked(quote)
        self.input.setPlainText(text)
        self.input.moveCursor(QTextCursor.MoveOperation.End)
        self._show_state()

    def _show_state(self) -> None:
        kind = self.kind
        for button in self._kinds.buttons():
            button.setChecked(button.objectName() == f"kind_{kind.value}")
        self.lock_button.setChecked(self._locked is not None)
        self.kind_label.setText(self._kind_text())
        set_role(self.kind_label, "hint" if kind is DEFAULT_KIND else "")
        colour = kind_color(kind).name()
        self.kind_label.setStyleSheet(
            "" if kind is DEFAULT_KIND else f"QLabel {{ color: {colour}; font-weight: 600; }}"
        )
        if self._intensity:
            dots = "●" * self._intensity + "○" * (5 - self._intensity)
            self.intensity_label.setText(f"Intensity {dots}")
        else:
            self.intensity_label.setText("Intensity –")

    def _kind_text(self) -> str:
        """The kind of the note in the box, and what comes after it, in words."""
        which = "This note" if self.input.text().strip() or self._editing else "Next note"
        if self._editing is not None:
            return f"{which}: {self.kind.label}"
        kept = self._locked
        if kept is not None:
            keys = key_text(SPECS[KIND_ACTIONS[kept]])
            every = f"every note: {kept.label}, kept ({keys} again releases it)"
            if self._chosen is not None:
                return f"{which}: {self._chosen.label}, then {every}"
            return f"Every {every.removeprefix('every ')}"
        if self._chosen is not None and self._chosen is not DEFAULT_KIND:
            then = f"{which}: {self._chosen.label}, then {DEFAULT_KIND.label.lower()}"
            if which == "This note":
                return then
            return f"{then} ({key_text(SPECS[KIND_ACTIONS[self._chosen]])} again keeps it)"
        return f"{which}: {DEFAULT_KIND.label.lower()} · Ctrl+1…7 choose a kind"

    # -- filing and editing ----------------------------------------------------------

    def file_as(self, kind: NoteKind) -> None:
        """Ctrl+digit: file the typed text as `kind`, or pick `kind` for the next note."""
        if self.input.text().strip():
            self._submit(kind)
        else:
            self.choose_kind(kind)
        self.input.setFocus()

    def _on_submitted(self) -> None:
        self._submit(None)

    def _submit(self, kind: NoteKind | None) -> None:
        text = self.input.text()
        if not text.strip():
            return
        prefixed, rest = split_kind_prefix(text)
        speaker, rest = split_speaker(rest, [c.name for c in self._contacts])
        rest = rest.rstrip()  # the space a completion leaves after a theme or a name
        chosen = kind or prefixed or self.kind
        if self._editing is not None:
            self.edit_submitted.emit(self._editing, chosen, rest, speaker)
        else:
            self.file_requested.emit(chosen, rest, speaker)

    def accepted(self) -> None:
        """The note is stored: clear the box for the next one, of the kept kind if any."""
        self._editing = None
        self._chosen = None
        self.banner.hide()
        self._intensity = None
        self.quote_button.setChecked(False)
        self.input.clear()
        self.show_error(None)
        self._show_state()

    def begin_edit(self, note: NoteView) -> None:
        self._editing = note
        self._chosen = note.kind
        self._intensity = note.intensity
        self.quote_button.setChecked(note.quote_worthy)
        self.banner.setText(
            f"Editing the {note.kind.label.lower()} at {note.offset_label}: Enter saves, "
            "Esc cancels"
        )
        self.banner.show()
        said_by = f"@{note.speaker.name} " if note.speaker else ""
        self.input.setPlainText(said_by + note.text)
        self.input.moveCursor(QTextCursor.MoveOperation.End)
        self.input.setFocus()
        self._show_state()

    def cancel_edit(self) -> None:
        if self._editing is not None:
            self.accepted()

    def show_error(self, message: str | None) -> None:
        self.error.setText(message or "")
        self.error.setVisible(bool(message))
