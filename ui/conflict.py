"""A concurrent edit, resolved: both versions side by side and the user's choice.

A save made on a row a teammate changed meanwhile is refused by its service with a
`Conflict` carrying both sides. `ConflictDialog` shows them, says who changed it and
when, and lets the user keep theirs ("Take theirs"), keep mine (saved over theirs at
their version), or merge the text (prefilled with `merging.merge_text`, or with both
texts when the same words changed), all from the keyboard: Alt+K, Alt+T, Alt+M,
Ctrl+Enter saves the merge, Esc changes nothing and leaves the unsaved edit in place.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QTextCursor
from PySide6.QtWidgets import (
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.domain import NoteKind, Verdict
from desktop.errors import Conflict
from desktop.merging import both, merge_text
from desktop.services.values import NoteView


class Choice(enum.Enum):
    MINE = "mine"
    THEIRS = "theirs"
    MERGED = "merged"


def said(conflict: Conflict) -> str:
    """Who changed it and when, as far as the database knows."""
    when = conflict.at.astimezone().strftime("%H:%M on %d %b") if conflict.at else None
    who = conflict.by or "someone else"
    return f"changed by {who}" + (f" at {when}" if when else "")


def _field_line(name: str, value: object, speakers: Mapping[str, str]) -> str:
    if isinstance(value, NoteKind):
        shown = value.label
    elif name == "tags" and isinstance(value, tuple | list):
        shown = " ".join(f"#{t}" for t in value) or "none"
    elif name == "speaker":
        shown = speakers.get(str(value), str(value)) if value else "nobody"
    elif isinstance(value, bool):
        shown = "yes" if value else "no"
    else:
        shown = "none" if value is None else str(value)
    return f"{name.replace('_', ' ').capitalize()}: {shown}"


def note_sides(
    mine: Mapping[str, object], theirs: NoteView, speakers: Mapping[str, str]
) -> tuple[str, str]:
    """A refused note edit and the stored note as two texts: each field in play where
    the two differ, then the note's text."""
    stored: dict[str, object] = {
        "text": theirs.text,
        "kind": theirs.kind,
        "intensity": theirs.intensity,
        "quote_worthy": theirs.quote_worthy,
        "tags": theirs.tags,
        "speaker": str(theirs.speaker.id) if theirs.speaker else None,
        "response": theirs.response,
        "answer": theirs.answer,
    }
    left: list[str] = []
    right: list[str] = []
    for name, value in mine.items():
        if name == "text" or name not in stored:
            continue
        line, their_line = (_field_line(name, v, speakers) for v in (value, stored[name]))
        if line != their_line:
            left.append(line)
            right.append(their_line)
    my_text = mine.get("text")
    if isinstance(my_text, str):
        left.extend(["", my_text] if left else [my_text])
    right.extend(["", theirs.text] if right else [theirs.text])
    return "\n".join(left), "\n".join(right)


def review_side(
    note_text: str, verdict: Verdict | None, correction: str | None, comment: str | None
) -> str:
    """A review as the conflict shows it: the note, then the verdict and its words."""
    lines = [note_text, "", f"Verdict: {verdict.value if verdict else 'none'}"]
    lines += [
        f"{name}: {text}"
        for name, text in (("Correction", correction), ("Comment", comment))
        if text
    ]
    return "\n".join(lines)


class ConflictDialog(QDialog):
    """Yours and theirs side by side; the choice is announced, the dialog writes nothing.

    Signals: chosen(Choice, merged text or "").
    """

    chosen = Signal(object, str)

    def __init__(
        self,
        what: str,
        conflict: Conflict,
        mine: str,
        theirs: str,
        *,
        merge: tuple[str, str, str] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        """`what` names the thing ("This note"); `mine` and `theirs` are the two sides
        as text; `merge` is (base, my text, their text) when a text can be merged."""
        super().__init__(parent)
        self.setObjectName("conflictDialog")
        self.setWindowTitle("Changed by someone else")
        self.setAccessibleName("Concurrent edit")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self._merge = merge
        heading = QLabel(
            f"{what} was {said(conflict)} while you were editing it. Your change is not "
            "saved yet: choose what to keep.",
            self,
        )
        heading.setObjectName("conflictHeading")
        heading.setWordWrap(True)
        self.mine = self._side("conflictMine", mine, "Yours (not saved)")
        self.theirs = self._side("conflictTheirs", theirs, "The saved version")
        sides = QGridLayout()
        for column, (title, box) in enumerate(
            (("Yours (not saved)", self.mine), (f"Theirs ({said(conflict)})", self.theirs))
        ):
            label = QLabel(title, self)
            label.setWordWrap(True)
            bold = label.font()
            bold.setBold(True)
            label.setFont(bold)
            label.setBuddy(box)
            sides.addWidget(label, 0, column)
            sides.addWidget(box, 1, column)
            sides.setColumnStretch(column, 1)
        self.merge_label = QLabel(
            "Merged: edit it, then Ctrl+Enter saves it over theirs (Esc: nothing)", self
        )
        self.merged = QPlainTextEdit(self)
        self.merged.setObjectName("conflictMerged")
        self.merged.setAccessibleName("Merged text")
        self.merged.setToolTip("The text to save: edit it, then Ctrl+Enter")
        self.merged.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.merged.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.merge_label.setBuddy(self.merged)
        self.merge_label.hide()
        self.merged.hide()

        self.keep_mine = self._button("conflictKeepMine", "&Keep mine", "Save yours over theirs")
        self.take_theirs = self._button(
            "conflictTakeTheirs", "&Take theirs", "Keep theirs and drop your change"
        )
        self.merge_button = self._button(
            "conflictMerge", "&Merge…", "Write one text from both, then save it"
        )
        self.merge_button.setVisible(merge is not None)
        cancel = self._button("conflictCancel", "Cancel", "Save nothing; your edit stays open")
        cancel.setToolTip("Save nothing; your edit stays open (Esc)")
        buttons = QHBoxLayout()
        buttons.addWidget(cancel)
        buttons.addStretch(1)
        for button in (self.take_theirs, self.merge_button, self.keep_mine):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(sides, 1)
        layout.addWidget(self.merge_label)
        layout.addWidget(self.merged, 1)
        layout.addLayout(buttons)

        self.keep_mine.clicked.connect(lambda: self._choose(Choice.MINE))
        self.take_theirs.clicked.connect(lambda: self._choose(Choice.THEIRS))
        self.merge_button.clicked.connect(self._on_merge)
        cancel.clicked.connect(self.reject)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            save = QShortcut(QKeySequence(keys), self.merged)
            save.setContext(Qt.ShortcutContext.WidgetShortcut)
            save.activated.connect(lambda: self._choose(Choice.MERGED))
        self.resize(860, 460)
        self.take_theirs.setFocus()

    def _side(self, name: str, text: str, accessible: str) -> QPlainTextEdit:
        box = QPlainTextEdit(text, self)
        box.setObjectName(name)
        box.setAccessibleName(accessible)
        box.setReadOnly(True)
        box.setTabChangesFocus(True)
        box.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        return box

    def _button(self, name: str, text: str, tip: str) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(name)
        button.setAccessibleName(text.replace("&", "").rstrip("…"))
        key = text[text.index("&") + 1] if "&" in text else None
        button.setToolTip(f"{tip} (Alt+{key.upper()})" if key else tip)
        button.setAutoDefault(False)
        return button

    def _on_merge(self) -> None:
        assert self._merge is not None
        if self.merged.isHidden():
            base, mine, theirs = self._merge
            self.merged.setPlainText(merge_text(base, mine, theirs) or both(mine, theirs))
            self.merged.moveCursor(QTextCursor.MoveOperation.End)
            self.merge_label.show()
            self.merged.show()
            self.merge_button.setText("Save &merged")
            self.merge_button.setToolTip("Save the merged text over theirs (Ctrl+Enter)")
            self.merged.setFocus()
            return
        self._choose(Choice.MERGED)

    def _choose(self, choice: Choice) -> None:
        self.chosen.emit(choice, self.merged.toPlainText() if choice is Choice.MERGED else "")
        self.accept()
