"""Light and dark looks that follow the system, and the colours of note kinds."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from desktop.domain import NoteKind, ReviewStatus

#: Badge colours per kind: (on a light background, on a dark one).
KIND_COLORS: dict[NoteKind, tuple[str, str]] = {
    NoteKind.PAIN: ("#c0392b", "#ff8a80"),
    NoteKind.OBJECTION: ("#d35400", "#ffb74d"),
    NoteKind.QUESTION: ("#1f6fb2", "#82b1ff"),
    NoteKind.QUOTE: ("#7b3fa0", "#ce93d8"),
    NoteKind.COMPETITOR: ("#00796b", "#64ffda"),
    NoteKind.SIGNAL: ("#2e7d32", "#a5d6a7"),
    NoteKind.NEXT_STEP: ("#3949ab", "#9fa8da"),
    NoteKind.GENERAL: ("#616161", "#bdbdbd"),
}
REVIEW_COLORS: dict[ReviewStatus, tuple[str, str]] = {
    ReviewStatus.CONFIRMED: ("#2e7d32", "#a5d6a7"),
    ReviewStatus.CORRECTED: ("#b26a00", "#ffcc80"),
    ReviewStatus.DISPUTED: ("#c0392b", "#ff8a80"),
    ReviewStatus.UNREVIEWED: ("#9e9e9e", "#757575"),
}

STYLE_SHEET = """
QLabel#callTimer { font-size: 16pt; font-weight: 600; }
QLabel[role="heading"] { font-size: 14pt; font-weight: 600; }
QLabel[role="hint"] { color: palette(placeholder-text); }
QFrame[role="banner"] { border: 1px solid palette(mid); border-radius: 6px;
    background: palette(alternate-base); }
QLabel[role="error"] { color: #c0392b; }
QPlainTextEdit#captureInput { font-size: 12pt; }
QListWidget#viewSidebar { border: none; }
"""


def is_dark() -> bool:
    app = QGuiApplication.instance()
    if app is None:
        return False
    hints = QGuiApplication.styleHints()
    if hints.colorScheme() == Qt.ColorScheme.Dark:
        return True
    return QGuiApplication.palette().color(QPalette.ColorRole.Window).lightness() < 128


def kind_color(kind: NoteKind) -> QColor:
    light, dark = KIND_COLORS[kind]
    return QColor(dark if is_dark() else light)


def review_color(status: ReviewStatus) -> QColor:
    light, dark = REVIEW_COLORS[status]
    return QColor(dark if is_dark() else light)


def apply(app: QApplication) -> None:
    """Fusion follows the system's light or dark scheme on every platform."""
    app.setStyle("Fusion")
    app.setStyleSheet(STYLE_SHEET)
