"""The timeline widget: each note with its offset, a coloured kind badge, its text, who
said it, intensity, flags and themes, and a mark on notes added after the call ended."""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from desktop.services.values import NoteView
from ui.calls.capture import speaker_label
from ui.models.timeline import NOTE_ROLE, PENDING_ROLE
from ui.paint import badge_width, draw_kind_badge, mono_font, offset_width, small_font
from ui.theme import kind_color, review_color

Index = QModelIndex | QPersistentModelIndex
PAD = 6
#: Room on the right for intensity dots, the star and the review status.
RIGHT_W = 84
#: Beyond this, a note is cut in the timeline (it is kept whole, and shown whole on edit).
SHOWN_CHARS = 1500
LATE_MARK = "added after the call"


def _shown(text: str) -> str:
    return text if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS] + " …"


def _tags_not_in_text(note: NoteView) -> list[str]:
    """Themes given apart from the text (inline #hashtags are already on show)."""
    lowered = note.text.lower()
    return [t for t in note.tags if f"#{t}" not in lowered]


def note_details(note: NoteView, late: bool = False) -> list[str]:
    """The small line under a note's text: who said it, whether it was added after the
    call, the answer or response, themes not in the text."""
    details = []
    if note.speaker is not None:
        details.append(f"— {speaker_label(note.speaker)}")
    if late:
        details.append(f"+ {LATE_MARK}")
    if note.answer:
        details.append(f"Answer: {note.answer}")
    if note.response:
        details.append(f"Response: {note.response}")
    extra_tags = _tags_not_in_text(note)
    if extra_tags:
        details.append(" ".join(f"#{t}" for t in extra_tags))
    return details


class NoteDelegate(QStyledItemDelegate):
    @staticmethod
    def _details(option: QStyleOptionViewItem, note: NoteView) -> list[str]:
        view = option.widget
        return view.details(note) if isinstance(view, NoteTimeline) else note_details(note)

    def _fonts(self, option: QStyleOptionViewItem) -> tuple[QFont, QFont, QFont]:
        base = QFont(option.font)
        return base, mono_font(base), small_font(base)

    def _layout(self, option: QStyleOptionViewItem) -> tuple[int, int, int]:
        offset_w, badge_w = offset_width(option.font), badge_width(option.font)
        return offset_w, badge_w, offset_w + badge_w + 2 * PAD

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        note: NoteView = index.data(NOTE_ROLE)
        base, _mono, small = self._fonts(option)
        _o, _b, left = self._layout(option)
        view = option.widget
        full = view.viewport().width() if isinstance(view, QListView) else option.rect.width()
        width = max(full, 300) - left - 2 * PAD - RIGHT_W
        text_h = (
            QFontMetrics(base)
            .boundingRect(QRect(0, 0, width, 100_000), Qt.TextFlag.TextWordWrap, _shown(note.text))
            .height()
        )
        has_details = bool(self._details(option, note))
        line = QFontMetrics(small).height() + 2
        extra = line if has_details else 0
        # The marks column holds the dots and star, then the verdict below them: the row
        # must be tall enough for both, or the verdict spills onto the next note.
        has_status = index.data(PENDING_ROLE) or note.review_status.value != "unreviewed"
        marks_h = 2 * line if has_status and (note.intensity or note.quote_worthy) else 0
        return QSize(width + left, max(text_h + extra, marks_h) + 2 * PAD)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        note: NoteView = index.data(NOTE_ROLE)
        painter.save()
        if option.widget is not None:  # None when painted off a view, whatever the stubs say
            option.widget.style().drawPrimitive(
                QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, option.widget
            )
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        text_role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        muted = option.palette.color(QPalette.ColorRole.PlaceholderText)
        base, mono, small = self._fonts(option)
        offset_w, badge_w, left = self._layout(option)
        rect = option.rect.adjusted(PAD, PAD, -PAD, -PAD)

        painter.setFont(mono)
        painter.setPen(option.palette.color(text_role) if selected else muted)
        painter.drawText(
            QRect(rect.left(), rect.top(), offset_w, 20),
            Qt.AlignmentFlag.AlignLeft,
            note.offset_label,
        )

        draw_kind_badge(
            painter, QRect(rect.left() + offset_w, rect.top(), badge_w, 0), note.kind, base
        )

        right_w = 84
        text_rect = QRect(
            rect.left() + left, rect.top(), rect.width() - left - right_w, rect.height()
        )
        painter.setFont(base)
        painter.setPen(option.palette.color(text_role))
        drawn = painter.drawText(text_rect, Qt.TextFlag.TextWordWrap, _shown(note.text))

        details = self._details(option, note)
        if details:
            painter.setFont(small)
            painter.setPen(option.palette.color(text_role) if selected else muted)
            line = QRect(
                text_rect.left(),
                drawn.bottom() + 2,
                text_rect.width(),
                QFontMetrics(small).height(),
            )
            painter.drawText(line, Qt.AlignmentFlag.AlignLeft, "   ".join(details))

        marks_rect = QRect(rect.right() - right_w, rect.top(), right_w, 20)
        painter.setFont(small)
        marks = ""
        if note.intensity:
            marks += "●" * note.intensity + "○" * (5 - note.intensity)
        if note.quote_worthy:
            marks += " ★"
        painter.setPen(option.palette.color(text_role) if selected else kind_color(note.kind))
        painter.drawText(marks_rect, Qt.AlignmentFlag.AlignRight, marks)
        status_rect = marks_rect.translated(0, QFontMetrics(small).height() + 2 if marks else 0)
        if index.data(PENDING_ROLE):
            painter.setPen(option.palette.color(text_role) if selected else muted)
            painter.drawText(status_rect, Qt.AlignmentFlag.AlignRight, "⏳ not saved yet")
        elif note.review_status.value != "unreviewed":
            painter.setPen(review_color(note.review_status))
            painter.drawText(status_rect, Qt.AlignmentFlag.AlignRight, note.review_status.label)
        painter.restore()


class NoteTimeline(QListView):
    """Signals: edit_requested(NoteView) on double-click."""

    edit_requested = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("noteTimeline")
        self.setAccessibleName("Note timeline")
        self.setToolTip("The call's notes in order. Double-click or F2 to edit, Delete to delete.")
        self.setItemDelegate(NoteDelegate(self))
        self.setWordWrap(True)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setUniformItemSizes(False)
        self.setAlternatingRowColors(True)
        #: When the shown call started and ended (None while it runs).
        self._call_times: tuple[datetime, datetime | None] | None = None
        self.doubleClicked.connect(self._on_double_clicked)

    def set_call_times(self, started_at: datetime, ended_at: datetime | None) -> None:
        if (started_at, ended_at) != self._call_times:
            self._call_times = (started_at, ended_at)
            self.scheduleDelayedItemsLayout()
            self.viewport().update()

    def added_late(self, note: NoteView) -> bool:
        """Written after the call had ended, rather than during it (or while logging it
        after the fact): created after its end, and placed at its end."""
        started_at, ended_at = self._call_times or (None, None)
        if started_at is None or ended_at is None:
            return False
        at_end = timedelta(milliseconds=note.offset_ms) >= ended_at - started_at
        return note.created_at > ended_at and at_end

    def details(self, note: NoteView) -> list[str]:
        """What the small line under the note says, as drawn."""
        return note_details(note, self.added_late(note))

    def _on_double_clicked(self, index: QModelIndex) -> None:
        note = index.data(NOTE_ROLE)
        if note is not None:
            self.edit_requested.emit(note)

    def current_note(self) -> NoteView | None:
        index = self.currentIndex()
        return index.data(NOTE_ROLE) if index.isValid() else None
