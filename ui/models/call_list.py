"""The call list: rows fetched in pages as the user scrolls, so 100,000 calls open at once."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from desktop.clock import Clock
from desktop.domain import CallStatus
from desktop.errors import RidealongError
from desktop.services.calls import CallFilters
from desktop.services.values import CallRow

CALL_ID_ROLE = Qt.ItemDataRole.UserRole + 1
PAGE_SIZE = 200

Index = QModelIndex | QPersistentModelIndex
Fetch = Callable[[CallFilters, tuple[datetime, uuid.UUID] | None, int], tuple[CallRow, ...]]

COLUMNS = ("Started", "Account", "Status", "Notes")


def short_date(moment: datetime, now: datetime) -> str:
    """`25 Nov 14:05` this year (as of `now`), `25 Nov 2024` before."""
    local = moment.astimezone()
    if local.year == now.astimezone().year:
        return local.strftime("%d %b %H:%M")
    return local.strftime("%d %b %Y")


def status_text(row: CallRow) -> str:
    """Short enough for a narrow list: a reviewed call shows its grade."""
    if row.status is CallStatus.AWAITING_REVIEW:
        return "To review"
    if row.status is CallStatus.REVIEWED and row.grade is not None:
        return row.grade.label
    return row.status.label


class CallListModel(QAbstractTableModel):
    """Signals: failed(str) when a page could not be read (the rows shown stay)."""

    failed = Signal(str)

    def __init__(self, fetch: Fetch, clock: Clock, parent: Any = None) -> None:
        super().__init__(parent)
        self._fetch = fetch
        self._clock = clock
        self._filters = CallFilters()
        self._rows: list[CallRow] = []
        self._more = True

    # -- loading ---------------------------------------------------------------------

    @property
    def filters(self) -> CallFilters:
        return self._filters

    def set_filters(self, filters: CallFilters) -> None:
        self._filters = filters
        self.reload()

    def reload(self) -> None:
        """Start again from the newest call (after a filter or a change of the list); if
        the first page cannot be read (the team database is gone), the rows stay."""
        try:
            page = self._fetch(self._filters, None, PAGE_SIZE)
        except RidealongError as error:
            self.failed.emit(str(error))
            return
        self.beginResetModel()
        self._rows = list(page)
        self._more = len(page) == PAGE_SIZE
        self.endResetModel()

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._more

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or not self._more:
            return
        last = self._rows[-1] if self._rows else None
        after = (last.started_at, last.id) if last else None
        try:
            page = self._fetch(self._filters, after, PAGE_SIZE)
        except RidealongError as error:
            self.failed.emit(str(error))
            return
        self._more = len(page) == PAGE_SIZE
        if page:
            start = len(self._rows)
            self.beginInsertRows(QModelIndex(), start, start + len(page) - 1)
            self._rows.extend(page)
            self.endInsertRows()

    def replace_row(self, row: CallRow) -> None:
        """Show a call's new state (note count, status) without reloading the list."""
        for i, existing in enumerate(self._rows):
            if existing.id == row.id:
                self._rows[i] = row
                self.dataChanged.emit(self.index(i, 0), self.index(i, len(COLUMNS) - 1))
                return

    def row_of(self, call_id: uuid.UUID) -> int:
        for i, existing in enumerate(self._rows):
            if existing.id == call_id:
                return i
        return -1

    # -- the model interface ---------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        if role == CALL_ID_ROLE:
            return row.id
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, index.column())
        if role == Qt.ItemDataRole.ToolTipRole:
            started = row.started_at.astimezone().strftime("%A %d %B %Y, %H:%M")
            people = ", ".join(p for p in (row.rep, row.marketer) if p)
            grade = f", graded {row.grade.label}" if row.grade else ""
            return (
                f"{row.account}\n{started}\n{row.call_type.label} call, {row.status.label}{grade}"
                + (f"\n{people}" if people else "")
            )
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 3:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _display(self, row: CallRow, column: int) -> str:
        if column == 0:
            return short_date(row.started_at, self._clock())
        if column == 1:
            return row.account
        if column == 2:
            return status_text(row)
        return str(row.note_count)
