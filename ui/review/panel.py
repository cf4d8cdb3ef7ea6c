"""Reviewing one call note by note, from the keyboard.

J/K move, C confirms, X disputes, E corrects (the original stays visible), M comments.
A misfiled note is refiled with the capture box's kind keys (Ctrl+1…7, Ctrl+0), its
intensity set with 1–5 (0 clears, +/- step) and its themes edited with T; each is a
correction the rep can undo. A verdict moves on to the next note not yet reviewed, so a
rep can go through a call with one hand on the keys.
"""

from __future__ import annotations

import html
import uuid
from collections.abc import Callable
from enum import Enum
from functools import partial

from PySide6.QtCore import (
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QKeySequence,
    QPainter,
    QPalette,
    QShortcut,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QListView,
    QMenu,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from desktop.domain import INTENSITY_MAX, INTENSITY_MIN, NoteKind, ReviewStatus
from ui.actions import KIND_ACTIONS, SPECS
from ui.models.review import ROW_ROLE, ReviewItem, ReviewNotesModel
from ui.paint import badge_width, draw_kind_badge, offset_width
from ui.theme import review_color
from ui.widgets import FlowLayout, NoteEditor

Index = QModelIndex | QPersistentModelIndex
PAD = 6
BAR = 4
REVIEW_MARKS = {
    ReviewStatus.UNREVIEWED: "",
    ReviewStatus.CONFIRMED: "✓ Confirmed",
    ReviewStatus.CORRECTED: "✎ Corrected",
    ReviewStatus.DISPUTED: "✕ Disputed",
}


def item_html(item: ReviewItem, muted: str) -> str:
    """The note as the rep sees it: every piece of user text escaped."""
    note = item.note
    esc = html.escape
    text = esc(note.text).replace("\n", "<br>")
    status = note.review_status
    parts: list[str] = []
    if status is ReviewStatus.CORRECTED and item.correction:
        parts.append(f"<span style='color:{muted}; text-decoration:line-through'>{text}</span>")
        parts.append(f"<div>→ {esc(item.correction).replace(chr(10), '<br>')}</div>")
    elif status is ReviewStatus.DISPUTED:
        parts.append(f"<span style='color:{muted}'><i>{text}</i></span>")
    else:
        parts.append(text)
    extra = []
    if note.answer:
        extra.append(f"Answer: {esc(note.answer)}")
    if note.response:
        extra.append(f"Response: {esc(note.response)}")
    if note.intensity:
        extra.append(f"Intensity {note.intensity}/{INTENSITY_MAX}")
    if note.tags:
        extra.append(" ".join(f"#{esc(t)}" for t in note.tags))
    if extra:
        parts.append(f"<div style='color:{muted}; font-size:small'>{' · '.join(extra)}</div>")
    for annotation in item.annotations:
        if annotation.reclassified is not None:
            who = esc(annotation.author.name) if annotation.author else "someone"
            change = " · ".join(esc(p) for p in annotation.reclassified.parts())
            parts.append(f"<div style='font-size:small'>✎ <b>{who}</b> refiled it: {change}</div>")
    for comment in item.comments:
        who = esc(comment.author.name) if comment.author else "someone"
        when = comment.created_at.astimezone().strftime("%d %b %H:%M")
        parts.append(
            f"<div style='font-size:small'><b>{who}</b> <span style='color:{muted}'>{when}"
            f"</span>: {esc(comment.comment or '').replace(chr(10), '<br>')}</div>"
        )
    return "".join(parts)


class ReviewDelegate(QStyledItemDelegate):
    def _document(
        self, option: QStyleOptionViewItem, item: ReviewItem, width: int
    ) -> QTextDocument:
        doc = QTextDocument()
        doc.setDefaultFont(option.font)
        muted = option.palette.color(QPalette.ColorRole.PlaceholderText).name()
        doc.setHtml(item_html(item, muted))
        doc.setTextWidth(max(width, 100))
        return doc

    def _text_left(self, option: QStyleOptionViewItem) -> int:
        return BAR + PAD + offset_width(option.font) + badge_width(option.font) + 2 * PAD

    def _text_width(self, option: QStyleOptionViewItem) -> int:
        view = option.widget
        full = view.viewport().width() if isinstance(view, QListView) else option.rect.width()
        return max(full, 320) - self._text_left(option) - 110

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        item: ReviewItem = index.data(ROW_ROLE)
        doc = self._document(option, item, self._text_width(option))
        return QSize(self._text_width(option), int(doc.size().height()) + 2 * PAD)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        item: ReviewItem = index.data(ROW_ROLE)
        note = item.note
        painter.save()
        if option.widget is not None:
            option.widget.style().drawPrimitive(
                QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, option.widget
            )
        rect = option.rect
        if note.review_status is not ReviewStatus.UNREVIEWED:
            painter.fillRect(
                QRect(rect.left(), rect.top(), BAR, rect.height()), review_color(note.review_status)
            )
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        text_color = option.palette.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        )
        top = rect.top() + PAD
        left = rect.left() + BAR + PAD
        painter.setPen(text_color)
        painter.drawText(
            QRect(left, top, offset_width(option.font), 20),
            Qt.AlignmentFlag.AlignLeft,
            note.offset_label,
        )
        draw_kind_badge(
            painter,
            QRect(left + offset_width(option.font), top, badge_width(option.font), 18),
            note.kind,
            option.font,
        )

        doc = self._document(option, item, self._text_width(option))
        painter.translate(rect.left() + self._text_left(option), top)
        context = QAbstractTextDocumentLayout.PaintContext()
        context.palette.setColor(QPalette.ColorRole.Text, text_color)
        doc.documentLayout().draw(painter, context)
        painter.resetTransform()

        mark = REVIEW_MARKS[note.review_status]
        if mark:
            painter.setPen(text_color if selected else review_color(note.review_status))
            painter.drawText(
                QRect(rect.right() - 104, top, 100, 20), Qt.AlignmentFlag.AlignRight, mark
            )
        painter.restore()


class EditMode(Enum):
    CORRECT = "correct"
    COMMENT = "comment"
    TAGS = "tags"


#: The capture box's kind keys, which refile the selected note in review.
KIND_KEYS: dict[NoteKind, str] = {
    kind: QKeySequence(str(SPECS[action].shortcut)).toString()
    for kind, action in KIND_ACTIONS.items()
}
HELP = (
    "J/K move · C confirm · E correct · X dispute · M comment · T themes · "
    "Ctrl+1…7/0 kind · 1–5 intensity (0 none, +/- step)"
)


class ReviewPanel(QWidget):
    """One call's notes with verdict keys.

    Signals: verdict_requested(note_id, Verdict value), correction_submitted(note_id, str),
    comment_submitted(note_id, str), tags_submitted(note_id, list[str]),
    reclassify_requested(note_id, dict of the changed fields: kind, intensity or tags).
    """

    verdict_requested = Signal(object, str)
    correction_submitted = Signal(object, str)
    comment_submitted = Signal(object, str)
    tags_submitted = Signal(object, list)
    reclassify_requested = Signal(object, object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reviewPanel")
        self.setAccessibleName("Review")
        self.setToolTip(HELP)
        self.heading = QLabel(self)
        self.heading.setProperty("role", "heading")
        self.subheading = QLabel(self)
        self.subheading.setProperty("role", "hint")
        self.subheading.setWordWrap(True)
        self.model = ReviewNotesModel(self)
        self.notes = QListView(self)
        self.notes.setObjectName("reviewNotes")
        self.notes.setAccessibleName("Notes to review")
        self.notes.setToolTip(self.toolTip())
        self.notes.setModel(self.model)
        self.notes.setItemDelegate(ReviewDelegate(self.notes))
        self.notes.setWordWrap(True)
        self.notes.setResizeMode(QListView.ResizeMode.Adjust)
        self.notes.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.notes.setAlternatingRowColors(True)

        self.buttons = QWidget(self)
        self.buttons.setObjectName("verdictButtons")
        self.buttons.setAccessibleName("Verdicts")
        row = FlowLayout(self.buttons)  # wraps in a narrow window rather than widen it
        row.setContentsMargins(0, 0, 0, 0)
        self._button_keys: dict[str, QPushButton] = {}
        for key, label, tip in (
            ("C", "Confirm", "The note is right (C)"),
            ("E", "Correct…", "Write what was really said; the original stays visible (E)"),
            ("X", "Dispute", "The note is wrong; it will not be used as evidence (X)"),
            ("M", "Comment…", "Add a comment for the marketer (M)"),
            ("T", "Themes…", "Add or remove theme tags (T)"),
        ):
            button = QPushButton(f"{label} ({key})", self.buttons)
            button.setObjectName(f"verdict{label.rstrip('…')}")
            button.setAccessibleName(label.rstrip("…"))
            button.setToolTip(tip)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            row.addWidget(button)
            self._button_keys[key] = button
        self.kind_button = QPushButton("Kind (Ctrl+1…0)", self.buttons)
        self.kind_button.setObjectName("reviewKind")
        self.kind_button.setAccessibleName("Refile as another kind")
        self.kind_button.setToolTip(
            "File the note under another kind, as a correction (Ctrl+1…7, Ctrl+0)"
        )
        self.kind_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        kinds = QMenu(self.kind_button)
        for kind, keys in KIND_KEYS.items():
            native = QKeySequence(keys).toString(QKeySequence.SequenceFormat.NativeText)
            choose = kinds.addAction(f"{kind.label}\t{native}")
            choose.triggered.connect(lambda _=False, k=kind: self.refile(k))
        self.kind_button.setMenu(kinds)
        row.addWidget(self.kind_button)

        self.editor_label = QLabel(self)
        self.editor_label.setObjectName("reviewEditorLabel")
        self.editor_label.setWordWrap(True)
        self.editor = NoteEditor(self)
        self.editor.setObjectName("reviewEditor")
        self.editor.setAccessibleName("Correction or comment")
        self.editor.setToolTip("Enter saves, Shift+Enter adds a line, Esc cancels")
        self.editor.setMaximumHeight(90)
        self.editor_label.hide()
        self.editor.hide()
        self._mode: EditMode | None = None
        self._editing: uuid.UUID | None = None

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(self.subheading)
        layout.addWidget(self.notes, 1)
        layout.addWidget(self.buttons)
        layout.addWidget(self.editor_label)
        layout.addWidget(self.editor)
        self._shortcuts()
        self._connect_signals()

    def _shortcuts(self) -> None:
        handlers: dict[str, Callable[[], object]] = {
            "J": self.next_note,
            "K": self.previous_note,
            "C": lambda: self._verdict("confirmed"),
            "X": lambda: self._verdict("disputed"),
            "E": lambda: self.begin_edit(EditMode.CORRECT),
            "M": lambda: self.begin_edit(EditMode.COMMENT),
            "T": lambda: self.begin_edit(EditMode.TAGS),
        }
        for kind, keys in KIND_KEYS.items():
            handlers[keys] = partial(self.refile, kind)
        for n in range(INTENSITY_MIN, INTENSITY_MAX + 1):
            handlers[str(n)] = partial(self.set_intensity, n)
        handlers["0"] = lambda: self.set_intensity(None)
        handlers["+"] = handlers["="] = lambda: self.step_intensity(1)
        handlers["-"] = lambda: self.step_intensity(-1)
        for key, handler in handlers.items():
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.setAutoRepeat(key in "JK")
            shortcut.activated.connect(handler)
            if key in self._button_keys:
                self._button_keys[key].clicked.connect(handler)

    def _connect_signals(self) -> None:
        self.editor.submitted.connect(self._on_editor_submitted)
        self.editor.cancelled.connect(self.end_edit)

    # -- contents --------------------------------------------------------------------

    def show_items(self, heading: str, subheading: str, items: list[ReviewItem]) -> None:
        self.end_edit()
        self.heading.setText(heading)
        self.subheading.setText(subheading)
        self.model.set_items(items)
        first = next(
            (i for i, it in enumerate(items) if it.note.review_status is ReviewStatus.UNREVIEWED),
            0,
        )
        if items:
            self.notes.setCurrentIndex(self.model.index(first))
        self.notes.setFocus()

    def refresh_items(self, items: list[ReviewItem]) -> None:
        """The same call's notes as stored now (a teammate wrote): the note selected, the
        scroll and whatever is typed in the editor stay as they were."""
        current = self.current()
        scroll = self.notes.verticalScrollBar().value()
        self.model.set_items(items)
        row = self.model.row_of(current.note.id) if current is not None else -1
        if row >= 0:
            self.notes.selectionModel().setCurrentIndex(
                self.model.index(row), QItemSelectionModel.SelectionFlag.ClearAndSelect
            )
        self.notes.verticalScrollBar().setValue(scroll)

    def current(self) -> ReviewItem | None:
        index = self.notes.currentIndex()
        return self.model.item_at(index.row()) if index.isValid() else None

    def replace(self, item: ReviewItem) -> None:
        self.model.replace(item)

    # -- moving ----------------------------------------------------------------------

    def _move(self, step: int) -> None:
        row = self.notes.currentIndex().row() + step
        if 0 <= row < self.model.rowCount():
            self.notes.setCurrentIndex(self.model.index(row))

    def next_note(self) -> None:
        self._move(1)

    def previous_note(self) -> None:
        self._move(-1)

    def next_unreviewed(self) -> None:
        start = self.notes.currentIndex().row()
        items = self.model.items()
        for row in [*range(start + 1, len(items)), *range(0, start)]:
            if items[row].note.review_status is ReviewStatus.UNREVIEWED:
                self.notes.setCurrentIndex(self.model.index(row))
                return

    # -- verdicts and editing --------------------------------------------------------

    def _verdict(self, verdict: str) -> None:
        item = self.current()
        if item is not None and self._mode is None:
            self.verdict_requested.emit(item.note.id, verdict)

    def refile(self, kind: NoteKind) -> None:
        """File the selected note under `kind` (a correction, undoable)."""
        item = self.current()
        if item is not None and self._mode is None and item.note.kind is not kind:
            self.reclassify_requested.emit(item.note.id, {"kind": kind})

    def set_intensity(self, intensity: int | None) -> None:
        item = self.current()
        if item is not None and self._mode is None and item.note.intensity != intensity:
            self.reclassify_requested.emit(item.note.id, {"intensity": intensity})

    def step_intensity(self, step: int) -> None:
        """One more or less (+ on a note without intensity gives it 1)."""
        item = self.current()
        if item is None or (item.note.intensity is None and step < 0):
            return
        now = item.note.intensity or INTENSITY_MIN - 1
        self.set_intensity(max(INTENSITY_MIN, min(INTENSITY_MAX, now + step)))

    def begin_edit(self, mode: EditMode) -> None:
        item = self.current()
        if item is None:
            return
        self._mode = mode
        self._editing = item.note.id
        if mode is EditMode.CORRECT:
            self.editor_label.setText(
                f"Correcting: “{item.note.text}”. Write what was really said; Enter saves, "
                "Esc cancels."
            )
            self.editor.setPlainText(item.correction or item.note.text)
        elif mode is EditMode.COMMENT:
            self.editor_label.setText("Comment for the marketer; Enter saves, Esc cancels.")
            self.editor.clear()
        else:
            self.editor_label.setText(
                "Themes, separated by spaces (e.g. #price #security-review); Enter saves."
            )
            self.editor.setPlainText(" ".join(f"#{t}" for t in item.note.tags))
        self.editor_label.show()
        self.editor.show()
        self.editor.setFocus()
        self.editor.selectAll() if mode is EditMode.CORRECT else self.editor.moveCursor(
            self.editor.textCursor().MoveOperation.End
        )

    def end_edit(self) -> None:
        self._mode = None
        self._editing = None
        self.editor.hide()
        self.editor_label.hide()
        self.editor.clear()
        self.notes.setFocus()

    def _on_editor_submitted(self) -> None:
        mode, note_id, text = self._mode, self._editing, self.editor.toPlainText()
        if mode is None or note_id is None:
            return
        if mode is EditMode.TAGS:
            tags = [t for t in text.replace(",", " ").split() if t.strip("#")]
            self.tags_submitted.emit(note_id, tags)
        elif not text.strip():
            self.editor_label.setText("Write something first, or press Esc to cancel.")
            return
        elif mode is EditMode.CORRECT:
            self.correction_submitted.emit(note_id, text)
        else:
            self.comment_submitted.emit(note_id, text)

    def edit_failed(self, message: str) -> None:
        """Keep the editor open with its text, and say why it was not saved."""
        self.editor_label.setText(f"Not saved: {message}")
