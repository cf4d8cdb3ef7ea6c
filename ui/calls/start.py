"""Starting a ride-along: a compact form inside the window (never a modal dialog), and
the welcome shown before the first call.

The form also logs a call after the fact: its start defaults to now and takes any
earlier date and time (local time), and the contacts come with their titles.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from PySide6.QtCore import QDate, QDateTime, QEvent, QObject, QStringListModel, Qt, QTime, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDateTimeEdit,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.domain import CallType
from desktop.services.values import FrameworkView

#: How the date and time of a call are shown and typed.
WHEN_FORMAT = "ddd d MMM yyyy HH:mm"
#: A start this far past the clock is a typing mistake, not a call about to happen.
FUTURE_SLACK = timedelta(minutes=1)


def to_local_qt(moment: datetime) -> QDateTime:
    """An aware moment as the user's wall-clock time, to the minute."""
    local = moment.astimezone()
    return QDateTime(QDate(local.year, local.month, local.day), QTime(local.hour, local.minute))


def from_local_qt(value: QDateTime) -> datetime:
    """The wall-clock time the user set, as an aware UTC moment."""
    day, time = value.date(), value.time()
    naive = datetime(day.year(), day.month(), day.day(), time.hour(), time.minute())
    return naive.astimezone().astimezone(UTC)


class WhenEdit(QDateTimeEdit):
    """A date and time that Tab leaves, like every other field of a form (Left and Right
    move between its parts; Up and Down change the part at the cursor)."""

    def focusNextPrevChild(self, next: bool) -> bool:
        return QWidget.focusNextPrevChild(self, next)


def when_edit(parent: QWidget, name: str, tip: str) -> QDateTimeEdit:
    """A date and time field: typed or picked from a calendar, in local time."""
    edit = WhenEdit(parent)
    edit.setObjectName(name)
    edit.setDisplayFormat(WHEN_FORMAT)
    edit.setCalendarPopup(True)
    edit.setToolTip(tip)
    return edit


@dataclass(frozen=True, slots=True)
class StartRequest:
    account: str
    #: (name, title or None) of each contact on the call.
    contacts: tuple[tuple[str, str | None], ...]
    rep: str | None
    call_type: CallType
    framework: str | None
    #: When the call started, if not now (a call logged after the fact).
    started_at: datetime | None = None


class ContactRows(QWidget):
    """A name and a title per contact; a new empty row appears as the last one is used,
    so Tab runs name, title, next name without reaching for the mouse."""

    def __init__(self, watcher: QObject, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._watcher = watcher
        self._rows: list[tuple[QLineEdit, QLineEdit]] = []
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setColumnStretch(0, 3)
        self._grid.setColumnStretch(1, 2)
        self._add_row()

    def _add_row(self) -> None:
        n = len(self._rows) + 1
        name = QLineEdit(self)
        name.setObjectName(f"startContact{n}")
        name.setAccessibleName(f"Contact {n} name")
        name.setPlaceholderText("Name (optional)" if n == 1 else "Another name")
        name.setToolTip("One of the prospect's people on the call")
        title = QLineEdit(self)
        title.setObjectName(f"startContactTitle{n}")
        title.setAccessibleName(f"Contact {n} title")
        title.setPlaceholderText("Title, e.g. CFO")
        title.setToolTip("Their title: reports attribute quotes to it")
        for edit in (name, title):
            edit.installEventFilter(self._watcher)
        if self._rows:
            QWidget.setTabOrder(self._rows[-1][1], name)
        QWidget.setTabOrder(name, title)
        name.textChanged.connect(self._on_name_changed)
        self._grid.addWidget(name, n - 1, 0)
        self._grid.addWidget(title, n - 1, 1)
        if self.isVisible():  # at once, so a Tab typed right now reaches them
            name.show()
            title.show()
        self._rows.append((name, title))

    def _on_name_changed(self) -> None:
        if self._rows[-1][0].text().strip():
            self._add_row()

    @property
    def first(self) -> QLineEdit:
        return self._rows[0][0]

    @property
    def last(self) -> QLineEdit:
        return self._rows[-1][1]

    def entries(self) -> tuple[tuple[str, str | None], ...]:
        return tuple(
            (name.text().strip(), title.text().strip() or None)
            for name, title in self._rows
            if name.text().strip()
        )

    def clear(self) -> None:
        for name, title in self._rows[1:]:
            name.deleteLater()
            title.deleteLater()
        del self._rows[1:]
        for edit in self._rows[0]:
            edit.clear()


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
        hint = QLabel(
            "Only the account is needed. Enter starts the call, Esc goes back. "
            "Logging a call after the fact? Set when it started.",
            self,
        )
        hint.setWordWrap(True)
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
        #: The clock's time when the form opened, and the start shown for it.
        self._now: datetime | None = None
        self._now_shown = QDateTime()
        self.when = when_edit(
            self, "startWhen", "When the call started: now, or earlier for a call logged late"
        )
        self.contacts = ContactRows(self, self)
        self.contacts.setObjectName("startContacts")
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
            (self.when, "Started", "When the call started: now, or earlier for a call logged late"),
            (self.contacts, "Contacts", "The prospect's people on the call, with their titles"),
            (self.rep, "Rep", "The sales rep running the call"),
            (self.call_type, "Call type", "Discovery, demo, negotiation or other"),
            (self.framework, "Framework", "The qualification checklist for this call"),
        ):
            widget.setAccessibleName(name)
            widget.setToolTip(tip)
            if widget is not self.contacts:  # its fields are watched one by one
                widget.installEventFilter(self)
        QWidget.setTabOrder(self.account, self.when)
        QWidget.setTabOrder(self.when, self.contacts.first)
        QWidget.setTabOrder(self.contacts.last, self.rep)

        form = QFormLayout()
        form.addRow("Account:", self.account)
        form.addRow("Started:", self.when)
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
        now: datetime,
    ) -> None:
        """Fill the choices, default to what this user chose last and to starting now,
        focus the account."""
        self._accounts.setStringList(list(accounts))
        self.account.clear()
        self.contacts.clear()
        self._now = now
        self._now_shown = to_local_qt(now)
        self.when.setDateTime(self._now_shown)
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

    def set_accounts(self, accounts: tuple[str, ...]) -> None:
        """The accounts the account box completes (read off the GUI thread)."""
        self._accounts.setStringList(list(accounts))

    def submit(self) -> None:
        account = self.account.text().strip()
        if not account:
            self.show_error("Name the account first.")
            self.account.setFocus()
            return
        started_at = None
        if self.when.dateTime() != self._now_shown:
            started_at = from_local_qt(self.when.dateTime())
            if self._now is not None and started_at > self._now + FUTURE_SLACK:
                self.show_error("That start is in the future: a call is logged once it has begun.")
                self.when.setFocus()
                return
        rep = self.rep.currentText().strip() or None
        self.start_requested.emit(
            StartRequest(
                account=account,
                contacts=self.contacts.entries(),
                rep=rep,
                call_type=CallType(self.call_type.currentData()),
                framework=self.framework.currentData(),
                started_at=started_at,
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
