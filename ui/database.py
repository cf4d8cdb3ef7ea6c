"""Settings > Database: the file on this computer, or the team's PostgreSQL server.

The connection is tested off the GUI thread before anything changes, and again on
Switch; only a server that answers at this app's schema is switched to. The password
goes to the system's keyring, never to the settings; the window reopens on the chosen
database (`WindowKeeper`), no restart.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import RidealongError
from desktop.services import team
from desktop.services.team import DEFAULT_PORT, TLS_MODES, Probe, ServerSettings
from ui.jobs import Job, JobRunner

_TLS_LABELS = {
    "disable": "Off",
    "prefer": "If the server offers it",
    "require": "Required",
    "verify-full": "Required, certificate checked",
}


class DatabaseDialog(QDialog):
    """Signals: chosen(str, str): the database to reopen the window on (a URL without
    its password, or "" for the file on this computer) and the password typed ("" for
    the keyring's), once tested."""

    chosen = Signal(str, str)

    def __init__(self, current_url: str, jobs: JobRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("databaseDialog")
        self.setWindowTitle("Database")
        self._jobs = jobs
        #: The test under way: the URL, the password typed, and whether Switch asked.
        #: One at a time: the buttons wait for its answer.
        self._testing = ("", "", False)
        intro = QLabel(
            "Where your calls and notes are kept. A team shares one PostgreSQL database: "
            "the marketer's notes reach the rep as they are taken.",
            self,
        )
        intro.setWordWrap(True)
        self.local = QRadioButton("This &computer (a file only you use)", self)
        self.local.setObjectName("databaseLocal")
        self.local.setToolTip(team.local_url().removeprefix("sqlite:///"))
        self.server = QRadioButton("My &team's server (PostgreSQL)", self)
        self.server.setObjectName("databaseServer")
        self.server.setToolTip("A PostgreSQL database your team shares (see docs/team.md)")
        group = QButtonGroup(self)
        group.addButton(self.local)
        group.addButton(self.server)

        self.host = self._line("databaseHost", "Host", "db.example.com")
        self.port = QSpinBox(self)
        self.port.setObjectName("databasePort")
        self.port.setAccessibleName("Port")
        self.port.setRange(1, 65535)
        self.port.setValue(DEFAULT_PORT)
        self.port.setToolTip("The server's port (PostgreSQL's is 5432)")
        self.name = self._line("databaseName", "Database", "ridealong")
        self.user = self._line("databaseUser", "User", "your login on the server")
        self.password = self._line("databasePassword", "Password", "kept in your keyring")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setToolTip(
            "Kept in the system's keyring, never in a file; leave empty to use the one "
            "the keyring (or ~/.pgpass) already has"
        )
        self.tls = QComboBox(self)
        self.tls.setObjectName("databaseTls")
        self.tls.setAccessibleName("Encryption (TLS)")
        self.tls.setToolTip("Whether the connection is encrypted (libpq's sslmode)")
        for mode in TLS_MODES:
            self.tls.addItem(_TLS_LABELS[mode], mode)
        self.form = QWidget(self)
        fields = QFormLayout(self.form)
        fields.setContentsMargins(24, 0, 0, 0)
        for label, widget in (
            ("&Host:", self.host),
            ("P&ort:", self.port),
            ("&Database:", self.name),
            ("&User:", self.user),
            ("&Password:", self.password),
            ("&Encryption:", self.tls),
        ):
            fields.addRow(label, widget)

        self.said = QLabel(self)
        self.said.setObjectName("databaseResult")
        self.said.setAccessibleName("Connection test result")
        self.said.setWordWrap(True)
        self.said.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.test = QPushButton("Te&st connection", self)
        self.test.setObjectName("databaseTest")
        self.test.setToolTip("Connect once and say what is there; nothing changes (Alt+S)")
        self.switch = QPushButton("S&witch", self)
        self.switch.setObjectName("databaseSwitch")
        self.switch.setToolTip("Reopen the window on this database (Enter)")
        self.switch.setDefault(True)
        cancel = QPushButton("Cancel", self)
        cancel.setObjectName("databaseCancel")
        cancel.setToolTip("Keep the database open now (Esc)")
        for button in (self.test, cancel):
            # Enter always means Switch (which tests first), wherever the focus is.
            button.setAutoDefault(False)
        buttons = QHBoxLayout()
        buttons.addWidget(self.test)
        buttons.addStretch(1)
        buttons.addWidget(cancel)
        buttons.addWidget(self.switch)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.local)
        layout.addWidget(self.server)
        layout.addWidget(self.form)
        layout.addWidget(self.said)
        layout.addStretch(1)
        layout.addLayout(buttons)

        self._fill(current_url)
        self.server.toggled.connect(self._on_kind_changed)
        self.test.clicked.connect(lambda: self._run_test(switching=False))
        self.switch.clicked.connect(self._on_switch)
        cancel.clicked.connect(self.reject)
        self.resize(560, 0)

    def _line(self, name: str, accessible: str, placeholder: str) -> QLineEdit:
        line = QLineEdit(self)
        line.setObjectName(name)
        line.setAccessibleName(accessible)
        line.setPlaceholderText(placeholder)
        line.setToolTip(f"The server's {accessible.lower()}")
        return line

    def _fill(self, url: str) -> None:
        try:
            settings = ServerSettings.of(url)
        except RidealongError:
            settings = None
        if settings is None:
            self.local.setChecked(True)
        else:
            self.server.setChecked(True)
            self.host.setText(settings.host)
            self.port.setValue(settings.port)
            self.name.setText(settings.database)
            self.user.setText(settings.user)
            self.tls.setCurrentIndex(self.tls.findData(settings.tls))
        self._on_kind_changed(self.server.isChecked())

    def _on_kind_changed(self, server: bool) -> None:
        self.form.setEnabled(server)
        self.test.setEnabled(server)
        self.said.clear()
        if server and not self.host.text():
            self.host.setFocus(Qt.FocusReason.OtherFocusReason)

    def settings(self) -> ServerSettings:
        return ServerSettings(
            host=self.host.text(),
            database=self.name.text(),
            user=self.user.text(),
            port=self.port.value(),
            tls=str(self.tls.currentData()),
        )

    def _on_switch(self) -> None:
        if self.local.isChecked():
            self.chosen.emit("", "")
            self.accept()
            return
        self._run_test(switching=True)

    def _run_test(self, *, switching: bool) -> None:
        """Test the server off the GUI thread; on Switch, switch only if it passed."""
        try:
            url = self.settings().url()
        except RidealongError as error:
            self.said.setText(str(error))
            return
        password = self.password.text()
        self._testing = (url, password, switching)
        self.said.setText(f"Connecting to {self.host.text().strip()}…")
        self.test.setEnabled(False)
        self.switch.setEnabled(False)
        job = Job(
            "Testing the connection…",
            lambda _p, _t: team.try_connection(url, password),
            # Bound methods: a dialog closed meanwhile is never called.
            on_success=self._on_tested,
            on_user_error=self._on_test_failed,
        )
        job.signals.finished.connect(self._on_test_finished)
        self._jobs.start(job)

    def _on_test_failed(self, message: str) -> None:
        self._on_test_finished()
        self.said.setText(message)

    def _on_test_finished(self) -> None:
        self.test.setEnabled(self.server.isChecked())
        self.switch.setEnabled(True)

    def _on_tested(self, probe: Probe) -> None:
        url, password, switching = self._testing
        self._on_test_finished()  # ready for the next key before the answer shows
        self.said.setText(probe.said)
        self.said.setProperty("role", "" if probe.usable else "error")
        self.said.style().polish(self.said)
        if switching and probe.usable:
            self.chosen.emit(url, password)
            self.accept()
