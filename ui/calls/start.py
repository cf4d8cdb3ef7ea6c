"""Starting a ride-along: a compact form inside the window (never a modal dialog), and
the welcome shown before the first call."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, QStringListModel, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.domain import CallType
from desktop.services.values import FrameworkView


@dataclass(frozen=True, slots=True)
class StartRequest:
    account: str
    contacts: tuple[str, ...]
    rep: str | None
    call_type: CallType
    framework: str | None


class StartCallPanel(QWidget):
    """Signals: start_requested(StartRequest), cancelled()."""

    start_requested = Signal(object)
    cancelled = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("startCallPanel")
        self.setAccessibleName("Start a ride-along")
        heading = QLabel("Start a ride-along", self)
        heading.setProperty("role", "heading")
        hint = QLabel("Only the account is needed. Enter starts the call, Esc goes back.", self)
        hint.setProperty("role", "hint")

        self.account = QLineEdit(self)
        self.account.setObjectName("startAccount")
        self.account.setPlaceholderText("Prospect company, e.g. Northwind Logistics")
        self._accounts = QStringListModel(self)
        completer = QCompleter(self._accounts, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.account.setCompleter(completer)
        self._account_completer = completer
        self.contacts = QLineEdit(self)
        self.contacts.setObjectName("startContacts")
        self.contacts.setPlaceholderText("Names, separated by commas (optional)")
        self.rep = QComboBox(self)
        self.rep.setObjectName("startRep")
        self.rep.setEditable(True)
        self.rep.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.call_type = QComboBox(self)
        self.call_type.setObjectName("startType")
        for kind in CallType:
            self.call_type.addItem(kind.label, kind.value)
        self.framework = QComboBox(self)
        self.framework.setObjectName("startFramework")

        for widget, name, tip in (
            (self.account, "Account", "The prospect's company; new names are added"),
            (self.contacts, "Contacts", "The prospect's people on the call"),
            (self.rep, "Rep", "The sales rep running the call"),
            (self.call_type, "Call type", "Discovery, demo, negotiation or other"),
            (self.framework, "Framework", "The qualification checklist for this call"),
        ):
            widget.setAccessibleName(name)
            widget.setToolTip(tip)
            widget.installEventFilter(self)

        form = QFormLayout()
        form.addRow("Account:", self.account)
        form.addRow("Contacts:", self.contacts)
        form.addRow("Rep:", self.rep)
        form.addRow("Call type:", self.call_type)
        form.addRow("Framework:", self.framework)

        self.error = QLabel(self)
        self.error.setProperty("role", "error")
        self.error.hide()
        start = QPushButton("Start call", self)
        start.setObjectName("startCallButton")
        start.setToolTip("Start the call and its timer (Enter)")
        start.clicked.connect(self.submit)
        cancel = QPushButton("Cancel", self)
        cancel.setToolTip("Go back (Esc)")
        cancel.clicked.connect(self.cancelled)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(cancel)
        buttons.addWidget(start)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(hint)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        layout.addStretch(1)

    def prepare(
        self,
        accounts: tuple[str, ...],
        reps: list[str],
        frameworks: tuple[FrameworkView, ...],
        last: dict[str, str],
    ) -> None:
        """Fill the choices, default to what this user chose last, focus the account."""
        self._accounts.setStringList(list(accounts))
        self.account.clear()
        self.contacts.clear()
        self.error.hide()
        self.rep.clear()
        self.rep.addItems(reps)
        self.rep.setCurrentText(last.get("rep", ""))
        index = self.call_type.findData(last.get("type", ""))
        self.call_type.setCurrentIndex(max(index, 0))
        self.framework.clear()
        self.framework.addItem("None", None)
        for framework in frameworks:
            self.framework.addItem(framework.name, framework.key)
        chosen = self.framework.findData(last.get("framework")) if last.get("framework") else -1
        self.framework.setCurrentIndex(chosen if chosen >= 0 else 0)
        self.account.setFocus()

    def submit(self) -> None:
        account = self.account.text().strip()
        if not account:
            self.show_error("Name the account first.")
            self.account.setFocus()
            return
        rep = self.rep.currentText().strip() or None
        self.start_requested.emit(
            StartRequest(
                account=account,
                contacts=tuple(c.strip() for c in self.contacts.text().split(",") if c.strip()),
                rep=rep,
                call_type=CallType(self.call_type.currentData()),
                framework=self.framework.currentData(),
            )
        )

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            popup = self._account_completer.popup()
            if popup is not None and popup.isVisible():
                return False
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.submit()
                return True
            if event.key() == Qt.Key.Key_Escape:
                self.cancelled.emit()
                return True
        return super().eventFilter(watched, event)


class WelcomePage(QWidget):
    """What an empty database shows: start a ride-along, or look around with sample data.

    Signals: start_requested(), demo_requested().
    """

    start_requested = Signal()
    demo_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("welcomePage")
        heading = QLabel("Ride along on a sales call", self)
        heading.setProperty("role", "heading")
        text = QLabel(
            "Write down what the prospect says while the call runs: their pains, objections, "
            "the questions that qualify them, in their own words. Afterwards the rep reviews "
            "your notes and grades the lead, and every month you turn it all into insights.",
            self,
        )
        text.setWordWrap(True)
        start = QPushButton("Start a ride-along (Ctrl+N)", self)
        start.setObjectName("welcomeStartButton")
        start.setToolTip("Start capturing a call (Ctrl+N)")
        start.setDefault(True)
        start.clicked.connect(self.start_requested)
        demo = QPushButton("Load sample data", self)
        demo.setObjectName("welcomeDemoButton")
        demo.setToolTip("Look around in a separate sample database of 40 made-up calls")
        demo.clicked.connect(self.demo_requested)
        buttons = QHBoxLayout()
        buttons.addWidget(start)
        buttons.addWidget(demo)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(heading)
        layout.addWidget(text)
        layout.addLayout(buttons)
        layout.addStretch(2)


class NoCallPage(QWidget):
    """Shown when calls exist but none is selected."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("noCallPage")
        label = QLabel(
            "Pick a call on the left, or start a ride-along with Ctrl+N.",
            self,
        )
        label.setProperty("role", "hint")
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
