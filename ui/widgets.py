"""Small widgets shared by views."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from PySide6.QtCore import QEvent, QMargins, QPoint, QRect, QSize, QStringListModel, Qt, Signal
from PySide6.QtGui import QInputMethodEvent, QKeyEvent, QTextCursor
from PySide6.QtWidgets import (
    QCompleter,
    QFileDialog,
    QLayout,
    QLayoutItem,
    QLineEdit,
    QPlainTextEdit,
    QSplitter,
    QWidget,
)

#: How far back from the cursor an `@name` being typed is looked for.
MAX_NAME_TYPED = 60


def set_role(widget: QWidget, role: str) -> None:
    """Restyle a widget by its `role` property (hint, error, banner: see ui/theme.py)."""
    if widget.property("role") != role:
        widget.setProperty("role", role)
        widget.style().unpolish(widget)
        widget.style().polish(widget)


def focus_first(container: QWidget) -> bool:
    """Give the keyboard to the first widget inside `container` that Tab would reach;
    False if there is none on show."""
    widget = container.nextInFocusChain()
    while isinstance(widget, QWidget) and widget is not container:
        if (
            container.isAncestorOf(widget)
            and widget.isVisible()
            and widget.isEnabled()
            and widget.focusPolicy() & Qt.FocusPolicy.TabFocus
        ):
            widget.setFocus(Qt.FocusReason.OtherFocusReason)
            return True
        widget = widget.nextInFocusChain()
    return False


def toggle_pane(splitter: QSplitter, index: int) -> bool:
    """Collapse the splitter's pane at `index`, giving its room to the centre pane, or
    bring it back at the width it had; True if it is shown afterwards.

    A collapsed pane keeps its widgets (and the splitter remembers it collapsed, with the
    rest of its state); focus inside it moves on to the centre."""
    sizes = splitter.sizes()
    centre = 1 if index != 1 else 0
    pane, middle = splitter.widget(index), splitter.widget(centre)
    assert pane is not None and middle is not None  # both indexes are the splitter's
    if sizes[index] > 0:
        # Remembered for bringing it back (and as a sign the user folded it away).
        splitter.setProperty(f"paneWidth{index}", sizes[index])
        focused: QWidget | None = pane.focusWidget()  # None when nothing had focus
        sizes[centre] += sizes[index]
        sizes[index] = 0
        splitter.setSizes(sizes)
        if focused is not None and focused.hasFocus():
            focus_first(middle)
        return False
    remembered = splitter.property(f"paneWidth{index}")
    width = remembered if isinstance(remembered, int) and remembered > 0 else 0
    width = max(width, pane.minimumSizeHint().width(), 160)
    sizes[index] = width
    sizes[centre] = max(sizes[centre] - width, 0)
    splitter.setSizes(sizes)
    return splitter.sizes()[index] > 0


class NoteEditor(QPlainTextEdit):
    """A text box for notes: Enter submits, Shift+Enter adds a line, Esc cancels, `#`
    completes themes already in use and `@` the people given with `set_people`.

    While the completion list is open, Enter and Tab take the highlighted completion (the
    first one if none is highlighted) and never submit: "#rep" becomes "#reporting".

    Signals: submitted(), cancelled().
    """

    submitted = Signal()
    cancelled = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._tags = QStringListModel(self)
        self._people = QStringListModel(self)
        self._completer = QCompleter(self._tags, self)
        self._completer.setWidget(self)
        self._completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self._completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self._completer.activated.connect(self._on_completion)
        popup = self._completer.popup()
        assert popup is not None  # popup completion (set above) always has one
        self._popup = popup

    @property
    def completer(self) -> QCompleter:
        return self._completer

    def set_tags(self, tags: list[str]) -> None:
        self._tags.setStringList(tags)

    def tags(self) -> list[str]:
        """The themes `#` completes now."""
        return self._tags.stringList()

    def add_tags(self, tags: Iterable[str]) -> None:
        """Offer themes just used, without asking the database for all of them again."""
        current = self._tags.stringList()
        new = [t for t in tags if t not in current]
        if new:
            self._tags.setStringList(current + new)

    def set_people(self, names: list[str]) -> None:
        """The names `@` completes (none: `@` is just a character)."""
        self._people.setStringList(names)

    def text(self) -> str:
        return self.toPlainText()

    def _token(self) -> tuple[str, str] | None:
        """The `#theme` or `@name` being typed at the cursor: its sign and what follows."""
        before = self.toPlainText()[: self.textCursor().position()]
        start = len(before)
        while start > 0 and (before[start - 1].isalnum() or before[start - 1] in "-_"):
            start -= 1
        if start > 0 and before[start - 1] == "#" and (start == 1 or before[start - 2].isspace()):
            return "#", before[start:]
        # A name may hold spaces ("@Dana Cho"): look back along the line for the `@`.
        line = before[before.rfind("\n") + 1 :][-MAX_NAME_TYPED:]
        at = line.rfind("@")
        if at >= 0 and (at == 0 or line[at - 1].isspace()) and "#" not in line[at:]:
            return "@", line[at + 1 :]
        return None

    def _on_completion(self, completion: str) -> None:
        token = self._token()
        if token is None:
            return
        cursor = self.textCursor()
        cursor.movePosition(
            QTextCursor.MoveOperation.Left, QTextCursor.MoveMode.KeepAnchor, len(token[1])
        )
        cursor.insertText(completion + " ")
        self.setTextCursor(cursor)

    def _accept_completion(self) -> None:
        """Enter or Tab with the list open: the highlighted completion, else the first."""
        index = self._popup.currentIndex()
        completion = str(index.data()) if index.isValid() else self._completer.currentCompletion()
        self._popup.hide()
        if completion:
            self._on_completion(completion)

    def event(self, event: QEvent) -> bool:
        # Tab would move the focus before keyPressEvent sees it.
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Tab
            and self._popup.isVisible()
        ):
            self._accept_completion()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if self._popup.isVisible():
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Tab):
                self._accept_completion()
                return
            if key == Qt.Key.Key_Escape:
                event.ignore()  # the completer's popup closes
                return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
                self.insertPlainText("\n")
            else:
                self.submitted.emit()
            return
        if key == Qt.Key.Key_Escape:
            self.cancelled.emit()
            return
        super().keyPressEvent(event)
        self._update_completion()

    def inputMethodEvent(self, event: QInputMethodEvent) -> None:
        super().inputMethodEvent(event)
        self._update_completion()

    def _update_completion(self) -> None:
        token = self._token()
        source = {"#": self._tags, "@": self._people}.get(token[0]) if token else None
        if token is None or source is None or not source.stringList():
            self._popup.hide()
            return
        if self._completer.model() is not source:
            self._completer.setModel(source)
            self._completer.setFilterMode(
                Qt.MatchFlag.MatchContains
                if source is self._people
                else Qt.MatchFlag.MatchStartsWith
            )
        prefix = token[1]
        self._completer.setCompletionPrefix(prefix)
        count = self._completer.completionCount()
        typed_whole = (
            count == 1 and self._completer.currentCompletion().casefold() == prefix.casefold()
        )
        if count == 0 or typed_whole:
            self._popup.hide()  # nothing to offer beyond what is typed: Enter must submit
            return
        rect = self.cursorRect()
        rect.setWidth(220)
        self._completer.complete(rect)


class FlowLayout(QLayout):
    """Lays items out in rows that wrap, so a row of chips never forces the window wide
    (after the Flow Layout example in the Qt documentation)."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 4) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._spacing = spacing
        self.setContentsMargins(QMargins(0, 0, 0, 0))

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._arrange(QRect(0, 0, width, 0), apply=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._arrange(rect, apply=True)

    def sizeHint(self) -> QSize:
        return self.minimumSize()

    def minimumSize(self) -> QSize:
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        margins = self.contentsMargins()
        return size + QSize(margins.left() + margins.right(), margins.top() + margins.bottom())

    def _arrange(self, rect: QRect, *, apply: bool) -> int:
        margins = self.contentsMargins()
        area = rect.adjusted(margins.left(), margins.top(), -margins.right(), -margins.bottom())
        x, y, line_height = area.x(), area.y(), 0
        for item in self._items:
            hint = item.sizeHint()
            step = self._spacing
            if x + hint.width() > area.right() + 1 and line_height > 0:
                x = area.x()
                y += line_height + self._spacing
                line_height = 0
            if apply:
                item.setGeometry(QRect(QPoint(x, y), hint))
            x += hint.width() + step
            line_height = max(line_height, hint.height())
        return y + line_height - rect.y() + margins.bottom()


def ask_save_path(parent: QWidget, field: QLineEdit, title: str, file_filter: str) -> None:
    """A save dialog starting at the path in `field`; the path chosen replaces it and is
    no longer a suggestion (see `save_target`)."""
    dialog = QFileDialog(parent, title, field.text(), file_filter)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setDefaultSuffix(file_filter.rsplit("*.", 1)[-1].rstrip(")"))
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

    def chosen(path: str) -> None:
        field.setText(path)
        field.setProperty("suggested", False)

    dialog.fileSelected.connect(chosen)
    dialog.open()


def save_target(field: QLineEdit, what: str, say: Callable[[str], None]) -> Path | None:
    """The file to write, from `field`; None (and why, through `say`) when there is none.
    The folder of a path the app suggested is made: the user never chose it, so its
    absence is no mistake of theirs."""
    text = field.text().strip()
    if not text:
        say(f"Choose where to save {what} first.")
        return None
    path = Path(text).expanduser()
    if field.property("suggested"):
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            say(f"Cannot create {path.parent}: {error.strerror}")
            return None
    return path
