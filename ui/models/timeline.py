"""A call's notes in call order, as the capture and review timelines show them."""

from __future__ import annotations

import uuid
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt

from desktop.services.values import NoteView

NOTE_ROLE = Qt.ItemDataRole.UserRole + 1
NOTE_ID_ROLE = Qt.ItemDataRole.UserRole + 2
#: True for a note filed but not yet taken by the database (queued in the outbox).
PENDING_ROLE = Qt.ItemDataRole.UserRole + 3

Index = QModelIndex | QPersistentModelIndex


class TimelineModel(QAbstractListModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._notes: list[NoteView] = []
        self._pending: set[uuid.UUID] = set()

    def set_notes(self, notes: tuple[NoteView, ...], pending: tuple[NoteView, ...] = ()) -> None:
        self.beginResetModel()
        self._notes = sorted([*notes, *pending], key=lambda n: (n.offset_ms, n.created_at))
        self._pending = {n.id for n in pending}
        self.endResetModel()

    def is_pending(self, note_id: uuid.UUID) -> bool:
        return note_id in self._pending

    def upsert(self, note: NoteView, *, pending: bool = False) -> int:
        """Show a new or changed note in its place by offset; returns its row."""
        if pending:
            self._pending.add(note.id)
        else:
            self._pending.discard(note.id)
        for i, existing in enumerate(self._notes):
            if existing.id == note.id:
                if existing.offset_ms == note.offset_ms:
                    self._notes[i] = note
                    self.dataChanged.emit(self.index(i), self.index(i))
                    return i
                self.remove(note.id)
                break
        row = len(self._notes)
        while row > 0 and self._notes[row - 1].offset_ms > note.offset_ms:
            row -= 1
        self.beginInsertRows(QModelIndex(), row, row)
        self._notes.insert(row, note)
        self.endInsertRows()
        return row

    def remove(self, note_id: uuid.UUID) -> None:
        row = self.row_of(note_id)
        if row >= 0:
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._notes[row]
            self.endRemoveRows()

    def row_of(self, note_id: uuid.UUID) -> int:
        for i, note in enumerate(self._notes):
            if note.id == note_id:
                return i
        return -1

    def note_at(self, row: int) -> NoteView | None:
        return self._notes[row] if 0 <= row < len(self._notes) else None

    def notes(self) -> tuple[NoteView, ...]:
        return tuple(self._notes)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._notes)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        note = self._notes[index.row()]
        if role == NOTE_ROLE:
            return note
        if role == NOTE_ID_ROLE:
            return note.id
        if role == PENDING_ROLE:
            return note.id in self._pending
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return f"{note.offset_label} {note.kind.label}: {note.text}"
        if role == Qt.ItemDataRole.ToolTipRole:
            details = [f"{note.kind.label} at {note.offset_label}"]
            if note.intensity:
                details.append(f"intensity {note.intensity} of 5")
            if note.quote_worthy:
                details.append("quote-worthy")
            if note.review_status.value != "unreviewed":
                details.append(note.review_status.label.lower())
            return ", ".join(details) + "\nDouble-click or F2 to edit, Delete to delete"
        return None
