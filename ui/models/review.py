"""Item models of the Review view: the inbox and a call's notes with their annotations."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt

from desktop.clock import Clock
from desktop.services.values import AnnotationView, InboxRow, NoteView
from ui.models.call_list import short_date

ROW_ROLE = Qt.ItemDataRole.UserRole + 1
CALL_ID_ROLE = Qt.ItemDataRole.UserRole + 2

Index = QModelIndex | QPersistentModelIndex


class InboxModel(QAbstractListModel):
    def __init__(self, clock: Clock, parent: Any = None) -> None:
        super().__init__(parent)
        self._clock = clock
        self._rows: list[InboxRow] = []

    def set_rows(self, rows: tuple[InboxRow, ...]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_of(self, call_id: uuid.UUID) -> int:
        return next((i for i, r in enumerate(self._rows) if r.id == call_id), -1)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        call = row.call
        if role == ROW_ROLE:
            return row
        if role == CALL_ID_ROLE:
            return row.id
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            parts = [f"{row.reviewed_notes}/{call.note_count} notes reviewed"]
            if row.criteria:
                parts.append(f"{row.open_criteria}/{row.criteria} criteria open")
            who = f" · {call.marketer}" if call.marketer else ""
            return (
                f"{call.account}\n{short_date(call.started_at, self._clock())}{who}\n"
                + " · ".join(parts)
            )
        if role == Qt.ItemDataRole.ToolTipRole:
            return (
                f"{call.account}: {call.call_type.label} call. {row.reviewed_notes} of "
                f"{call.note_count} notes reviewed"
                + (f", {row.open_criteria} of {row.criteria} criteria open" if row.criteria else "")
                + ". Enter opens it for review."
            )
        return None


@dataclass(frozen=True, slots=True)
class ReviewItem:
    note: NoteView
    annotations: tuple[AnnotationView, ...]

    @property
    def correction(self) -> str | None:
        """The newest correction, if the note was corrected."""
        for annotation in reversed(self.annotations):
            if annotation.correction:
                return annotation.correction
        return None

    @property
    def comments(self) -> tuple[AnnotationView, ...]:
        return tuple(a for a in self.annotations if a.comment)


class ReviewNotesModel(QAbstractListModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._items: list[ReviewItem] = []

    def set_items(self, items: list[ReviewItem]) -> None:
        self.beginResetModel()
        self._items = items
        self.endResetModel()

    def replace(self, item: ReviewItem) -> int:
        row = self.row_of(item.note.id)
        if row >= 0:
            self._items[row] = item
            self.dataChanged.emit(self.index(row), self.index(row))
        return row

    def row_of(self, note_id: uuid.UUID) -> int:
        return next((i for i, it in enumerate(self._items) if it.note.id == note_id), -1)

    def item_at(self, row: int) -> ReviewItem | None:
        return self._items[row] if 0 <= row < len(self._items) else None

    def items(self) -> tuple[ReviewItem, ...]:
        return tuple(self._items)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._items)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        item = self._items[index.row()]
        note = item.note
        if role == ROW_ROLE:
            return item
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return (
                f"{note.offset_label} {note.kind.label} ({note.review_status.label}): {note.text}"
            )
        if role == Qt.ItemDataRole.ToolTipRole:
            return "C confirm · E correct · X dispute · M comment · T themes · J/K next/previous"
        return None
