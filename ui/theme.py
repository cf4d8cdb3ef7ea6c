"""Light and dark looks that follow the system, and the colours of note kinds."""

from __future__ import annotations

import os

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

#: Every list, table and timeline wears a highlight-coloured frame while it has the keys,
#: so a keyboard user always sees where J, K, Space or Enter will act.
STYLE_SHEET = """
QLabel#callTimer { font-size: 16pt; font-weight: 600; }
QLabel[role="heading"] { font-size: 14pt; font-weight: 600; }
QLabel[role="hint"] { color: palette(placeholder-text); }
QFrame[role="banner"] { border: 1px solid palette(mid); border-radius: 6px;
    background: palette(alternate-base); }
QLabel[role="error"] { color: #c0392b; }
QPlainTextEdit#captureInput { font-size: 12pt; }
QAbstractItemView { border: 1px solid palette(mid); padding: 1px; }
QAbstractItemView:focus { border: 2px solid palette(highlight); padding: 0px; }
QListWidget#viewSidebar { border: 2px solid transparent; padding: 0px; }
QListWidget#viewSidebar:focus { border-color: palette(highlight); }
QWidget#welcomePage QPushButton { padding: 8px 16px; font-size: 11pt; }
QWidget#welcomePage QLabel[role="heading"] { font-size: 18pt; }
"""


def is_dark() -> bool:
    """Whether the window is drawn dark now (so badges pick their dark colours)."""
    if QGuiApplication.instance() is None:
        return False
    return QGuiApplication.palette().color(QPalette.ColorRole.Window).lightness() < 128


def _wants_dark() -> bool:
    forced = os.environ.get("RIDEALONG_THEME", "").strip().lower()
    if forced in ("dark", "light"):
        return forced == "dark"
    return QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark


def dark_palette() -> QPalette:
    palette = QPalette()
    window, base, text = QColor("#232629"), QColor("#1b1e20"), QColor("#e8e8e8")
    disabled = QColor("#7f8c8d")
    roles = {
        QPalette.ColorRole.Window: window,
        QPalette.ColorRole.WindowText: text,
        QPalette.ColorRole.Base: base,
        QPalette.ColorRole.AlternateBase: QColor("#2a2e32"),
        QPalette.ColorRole.ToolTipBase: QColor("#31363b"),
        QPalette.ColorRole.ToolTipText: text,
        QPalette.ColorRole.PlaceholderText: QColor("#8a9399"),
        QPalette.ColorRole.Text: text,
        QPalette.ColorRole.Button: QColor("#31363b"),
        QPalette.ColorRole.ButtonText: text,
        QPalette.ColorRole.BrightText: QColor("#ff6b6b"),
        QPalette.ColorRole.Link: QColor("#6cb6ff"),
        QPalette.ColorRole.Highlight: QColor("#3d8ec9"),
        QPalette.ColorRole.HighlightedText: QColor("#ffffff"),
        QPalette.ColorRole.Mid: QColor("#4d5358"),
    }
    for role, color in roles.items():
        palette.setColor(role, color)
    for role in (
        QPalette.ColorRole.Text,
        QPalette.ColorRole.ButtonText,
        QPalette.ColorRole.WindowText,
    ):
        palette.setColor(QPalette.ColorGroup.Disabled, role, disabled)
    return palette


def kind_color(kind: NoteKind) -> QColor:
    light, dark = KIND_COLORS[kind]
    return QColor(dark if is_dark() else light)


def review_color(status: ReviewStatus) -> QColor:
    light, dark = REVIEW_COLORS[status]
    return QColor(dark if is_dark() else light)


def apply(app: QApplication) -> None:
    """Fusion everywhere, light or dark as the system is (RIDEALONG_THEME=light|dark
    overrides), following the system when it switches."""
    app.setStyle("Fusion")
    _apply_scheme(app)
    app.setStyleSheet(STYLE_SHEET)
    if not app.property("ridealongThemed"):
        app.setProperty("ridealongThemed", True)
        QGuiApplication.styleHints().colorSchemeChanged.connect(lambda _scheme: _apply_scheme(app))


def _apply_scheme(app: QApplication) -> None:
    app.setPalette(dark_palette() if _wants_dark() else app.style().standardPalette())
