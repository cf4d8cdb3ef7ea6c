"""Sample data lives in a database of its own: the bar that says so and leads back."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget


class SampleBar(QFrame):
    """Shown for as long as the window is on the sample database; not dismissable, so
    nobody takes sample calls for their own.

    Signals: back_requested().
    """

    back_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sampleBar")
        self.setProperty("role", "banner")
        self.setAccessibleName("Sample data")
        label = QLabel(
            "<b>Sample data</b> — made-up calls in a separate sample database, to look "
            "around. Your own calls are untouched.",
            self,
        )
        label.setWordWrap(True)
        self.back = QPushButton("Back to my data", self)
        self.back.setObjectName("sampleBack")
        self.back.setAccessibleName("Back to my data")
        self.back.setToolTip("Close the sample database and reopen your own")
        layout = QHBoxLayout(self)
        layout.addWidget(label, 1)
        layout.addWidget(self.back)
        self.back.clicked.connect(self.back_requested)
