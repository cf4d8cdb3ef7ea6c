"""Drawing shared by the timelines: the offset column and a note kind's badge."""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPainter

from desktop.domain import NoteKind
from ui.theme import is_dark, kind_color


def small_font(base: QFont) -> QFont:
    small = QFont(base)
    small.setPointSizeF(max(base.pointSizeF() * 0.85, 7.0))
    return small


def mono_font(base: QFont) -> QFont:
    mono = QFont(base)
    mono.setStyleHint(QFont.StyleHint.Monospace)
    mono.setFamily("monospace")
    return mono


def offset_width(base: QFont) -> int:
    return QFontMetrics(mono_font(base)).horizontalAdvance("00:00:00") + 6


def badge_width(base: QFont) -> int:
    return QFontMetrics(small_font(base)).horizontalAdvance("Buying signal") + 12


def draw_kind_badge(painter: QPainter, rect: QRect, kind: NoteKind, base: QFont) -> None:
    """A rounded badge in the kind's colour; dark mode's light colours get dark letters."""
    small = small_font(base)
    badge = QRect(rect.left(), rect.top(), rect.width(), QFontMetrics(small).height() + 4)
    painter.save()
    painter.setFont(small)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(kind_color(kind))
    painter.drawRoundedRect(badge, 4, 4)
    painter.setPen(Qt.GlobalColor.black if is_dark() else Qt.GlobalColor.white)
    painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, kind.label)
    painter.restore()
