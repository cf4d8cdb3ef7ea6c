"""Search hits as a list model, and the HTML a result is drawn with.

Every piece of user text goes through `html.escape` before it joins the markup, so a
note that says `<b>` shows those three characters and never turns the rest bold.
"""

from __future__ import annotations

import html
import uuid
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QGuiApplication, QPalette

from desktop.domain import SearchField
from desktop.services.values import SearchHit, Snippet, format_offset
from ui.theme import is_dark, kind_color

HIT_ROLE = Qt.ItemDataRole.UserRole + 1
NOTE_ID_ROLE = Qt.ItemDataRole.UserRole + 2
CALL_ID_ROLE = Qt.ItemDataRole.UserRole + 3
#: The result as HTML (unselected colours), for the delegate and for tests.
HTML_ROLE = Qt.ItemDataRole.UserRole + 4

Index = QModelIndex | QPersistentModelIndex

#: Highlight of matched words: (background, text), on a light and on a dark window.
MARK_COLORS: dict[bool, tuple[str, str]] = {
    False: ("#ffe066", "#1a1a1a"),
    True: ("#8a6d00", "#ffffff"),
}

#: Where a hit matched, as the result line says it.
FIELD_LABELS: dict[SearchField, str] = {
    SearchField.TEXT: "in the note",
    SearchField.ANSWER: "in the answer heard",
    SearchField.RESPONSE: "in the rep's response",
    SearchField.CORRECTION: "in a correction",
    SearchField.COMMENT: "in a comment",
}


def call_date(hit: SearchHit) -> str:
    """The call's day in local time, unambiguous in any locale."""
    return hit.call_started_at.astimezone().strftime("%d %b %Y")


def snippet_html(snippet: Snippet, mark_style: str) -> str:
    """The snippet escaped, its matched spans wrapped in a span styled `mark_style`."""
    out: list[str] = []
    pos = 0
    for start, end in snippet.spans:
        out.append(html.escape(snippet.text[pos:start]))
        out.append(f'<span style="{mark_style}">{html.escape(snippet.text[start:end])}</span>')
        pos = end
    out.append(html.escape(snippet.text[pos:]))
    return "".join(out)


def hit_html(hit: SearchHit, palette: QPalette, *, selected: bool = False) -> str:
    """One result: account, kind badge, call date, offset and field; then the snippet.

    Colours come from the palette (light or dark, selected or not), so the text stays
    readable on every background the list draws behind it.
    """
    dark = is_dark()
    text_role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
    muted = palette.color(text_role if selected else QPalette.ColorRole.PlaceholderText).name()
    mark = MARK_COLORS[dark]
    badge_text = "#000000" if dark else "#ffffff"
    head = (
        f"<b>{html.escape(hit.account)}</b>&nbsp;&nbsp;"
        f'<span style="background-color:{kind_color(hit.kind).name()}; color:{badge_text};">'
        f"&nbsp;{html.escape(hit.kind.label)}&nbsp;</span>&nbsp;&nbsp;"
        f'<span style="color:{muted};">{html.escape(call_date(hit))} · '
        f"{html.escape(format_offset(hit.offset_ms))} · "
        f"{html.escape(FIELD_LABELS[hit.field])}</span>"
    )
    # The mark keeps its own text colour: selected text is light, the mark is not.
    mark_style = f"background-color:{mark[0]}; color:{mark[1]}; font-weight:600;"
    return f"<div>{head}</div><div>{snippet_html(hit.snippet, mark_style)}</div>"


def hit_text(hit: SearchHit) -> str:
    """The result as plain text: what a screen reader says and what tests read."""
    return (
        f"{hit.account} · {hit.kind.label} · {call_date(hit)} · "
        f"{format_offset(hit.offset_ms)} · {FIELD_LABELS[hit.field]}: {hit.snippet.text}"
    )


class SearchResultsModel(QAbstractListModel):
    """The hits of the latest search, best first."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._hits: list[SearchHit] = []

    def set_hits(self, hits: tuple[SearchHit, ...]) -> None:
        self.beginResetModel()
        self._hits = list(hits)
        self.endResetModel()

    def row_of(self, note_id: uuid.UUID) -> int:
        for i, hit in enumerate(self._hits):
            if hit.note_id == note_id:
                return i
        return -1

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._hits)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._hits):
            return None
        hit = self._hits[index.row()]
        if role == HIT_ROLE:
            return hit
        if role == NOTE_ID_ROLE:
            return hit.note_id
        if role == CALL_ID_ROLE:
            return hit.call_id
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return hit_text(hit)
        if role == HTML_ROLE:
            return hit_html(hit, QGuiApplication.palette())
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{hit.field_text[:600]}\nEnter or double-click opens the call at this note"
        return None
