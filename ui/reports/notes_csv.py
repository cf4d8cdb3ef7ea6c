"""File > Export notes as CSV: which calls (this month by default, then the range chosen
last time), where to save, and the export off the GUI thread with progress and Cancel.

The dialog is not modal: the window stays usable while a large export runs, and the
status bar shows the same job with its own Cancel.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, Qt, QUrl
from PySide6.QtGui import QCloseEvent, QDesktopServices
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.clock import local_today
from desktop.errors import RidealongError
from desktop.progress import CancelToken, Progress
from desktop.reports.spreadsheet import CsvInfo, write_notes_csv
from desktop.services import Services
from desktop.services.periods import Period
from desktop.wording import plural
from ui.events import AppEvents
from ui.jobs import Job, JobRunner
from ui.reports.view import default_folder
from ui.settings import Settings
from ui.widgets import ask_save_path, save_target

THIS_MONTH = "month"
LAST_MONTH = "last-month"
THIS_YEAR = "year"
EVERYTHING = "all"
CHOSEN = "custom"
RANGES = (
    ("This month", THIS_MONTH),
    ("Last month", LAST_MONTH),
    ("This year", THIS_YEAR),
    ("Every call", EVERYTHING),
    ("Chosen days…", CHOSEN),
)


def period_of(key: str, today: date) -> Period:
    """The days a named range covers, on the user's calendar."""
    if key == LAST_MONTH:
        before = today.replace(day=1) - timedelta(days=1)
        return Period.month(before.year, before.month)
    if key == THIS_YEAR:
        return Period(date(today.year, 1, 1), date(today.year, 12, 31))
    if key == EVERYTHING:
        return Period(date.min, date.max)
    return Period.month(today.year, today.month)


def file_name(key: str, period: Period) -> str:
    """A name that says what the file holds: notes-2025-03.csv, notes-2025.csv…"""
    if key == EVERYTHING:
        return "notes-all.csv"
    if period.is_month:
        return f"notes-{period.start:%Y-%m}.csv"
    year = period.start.year
    if (period.start, period.end) == (date(year, 1, 1), date(year, 12, 31)):
        return f"notes-{year}.csv"
    return f"notes-{period.start}_{period.end}.csv"


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


class NotesCsvDialog(QDialog):
    """Choose the calls' days and a file, and write every note of them as a CSV row."""

    def __init__(
        self,
        services: Services,
        events: AppEvents,
        jobs: JobRunner,
        settings: Settings,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("notesCsvDialog")
        self.setWindowTitle("Export notes as CSV")
        self._services = services
        self._events = events
        self._jobs = jobs
        self._settings = settings
        self._job: Job[CsvInfo] | None = None
        self._last_path: Path | None = None
        #: The range of the export running: remembered once it has worked.
        self._exporting: tuple[str, Period] | None = None
        self._today = local_today(services.clock)
        self._build()
        self._restore()
        self._connect_signals()

    # -- building --------------------------------------------------------------------

    def _named(self, widget: Any, name: str, accessible: str, tip: str) -> Any:
        widget.setObjectName(name)
        widget.setAccessibleName(accessible)
        widget.setToolTip(tip)
        return widget

    def _build(self) -> None:
        intro = QLabel(
            "One row per note, with its call, themes, intensity and where its review "
            "stands, for Excel, Numbers or Google Sheets. Deleted notes and calls are left "
            "out.",
            self,
        )
        intro.setWordWrap(True)
        self.range = self._named(
            QComboBox(self), "csvRange", "Calls", "Which calls' notes: by the day each started"
        )
        for label, key in RANGES:
            self.range.addItem(label, key)
        self.since = self._named(QDateEdit(self), "csvSince", "From", "First day, included")
        self.until = self._named(QDateEdit(self), "csvUntil", "To", "Last day, included")
        for edit in (self.since, self.until):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        days = QHBoxLayout()
        days.addWidget(self.since)
        days.addWidget(QLabel("to", self))
        days.addWidget(self.until)
        days.addStretch(1)
        self.output = self._named(
            QLineEdit(self), "csvOutput", "CSV file", "Where the CSV file is written"
        )
        self.choose = self._named(
            QPushButton("Choose…", self), "csvChoose", "Choose file", "Pick the file to write"
        )
        where = QHBoxLayout()
        where.addWidget(self.output, 1)
        where.addWidget(self.choose)
        form = QFormLayout()
        form.addRow("Calls", self.range)
        form.addRow("Days", days)
        form.addRow("Save as", where)
        self.progress = QProgressBar(self)
        self.progress.setObjectName("csvProgress")
        self.progress.hide()
        self.status = QLabel(self)
        self.status.setObjectName("csvStatus")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.open_folder = self._named(
            QPushButton("Open folder", self),
            "csvOpenFolder",
            "Open folder",
            "Show the written file's folder in the file manager",
        )
        self.open_folder.hide()
        self.cancel = self._named(
            QPushButton("Cancel export", self), "csvCancel", "Cancel export", "Stop the export"
        )
        self.cancel.hide()
        self.close_button = self._named(
            QPushButton("Close", self), "csvClose", "Close", "Close this dialog (Esc)"
        )
        self.export = self._named(
            QPushButton("Export", self), "csvExport", "Export", "Write the CSV file (Enter)"
        )
        self.export.setDefault(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_folder)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel)
        buttons.addWidget(self.close_button)
        buttons.addWidget(self.export)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self.resize(560, self.sizeHint().height())

    def _restore(self) -> None:
        """The range chosen last time (this month the first time) and its folder."""
        key, since, until, folder = self._settings.csv_export()
        self._folder = Path(folder) if folder else default_folder()
        index = self.range.findData(key)
        self.range.setCurrentIndex(max(index, 0))
        if key == CHOSEN:
            try:
                chosen = Period(date.fromisoformat(since), date.fromisoformat(until))
            except (ValueError, RidealongError):
                chosen = period_of(THIS_MONTH, self._today)
            self._show_days(chosen)
        else:
            self._on_range_changed()
        self._suggest_path()

    def _connect_signals(self) -> None:
        self.range.currentIndexChanged.connect(self._on_range_changed)
        self.since.dateChanged.connect(self._on_days_edited)
        self.until.dateChanged.connect(self._on_days_edited)
        self.output.textEdited.connect(lambda _text: self.output.setProperty("suggested", False))
        self.choose.clicked.connect(self._on_choose)
        self.export.clicked.connect(self.start_export)
        self.cancel.clicked.connect(self._on_cancel)
        self.close_button.clicked.connect(self.close)
        self.open_folder.clicked.connect(self._on_open_folder)

    # -- the range -------------------------------------------------------------------

    def _show_days(self, period: Period) -> None:
        everything = period.start == date.min
        for edit, day in ((self.since, period.start), (self.until, period.end)):
            edit.blockSignals(True)
            if not everything:
                edit.setDate(_qdate(day))
            edit.setEnabled(not everything)
            edit.blockSignals(False)

    def _on_range_changed(self) -> None:
        key = self.range.currentData()
        if key != CHOSEN:
            self._show_days(period_of(key, self._today))
        self._suggest_path()

    def _on_days_edited(self) -> None:
        """Typing a day makes the range a chosen one."""
        if self.range.currentData() != CHOSEN:
            self.range.blockSignals(True)
            self.range.setCurrentIndex(self.range.findData(CHOSEN))
            self.range.blockSignals(False)
        self._suggest_path()

    def period(self) -> Period:
        key = self.range.currentData()
        if key == CHOSEN:
            return Period(self.since.date().toPython(), self.until.date().toPython())
        return period_of(key, self._today)

    # -- the file --------------------------------------------------------------------

    def _suggest_path(self) -> None:
        """A file name from the range, unless the user typed or chose their own."""
        if self.output.text() and not self.output.property("suggested"):
            return
        try:
            name = file_name(self.range.currentData(), self.period())
        except RidealongError:
            return  # the days are the wrong way round: said when exporting
        self.output.setText(str(self._folder / name))
        self.output.setProperty("suggested", True)

    def _on_choose(self) -> None:
        ask_save_path(self, self.output, "Save the notes as", "CSV files (*.csv)")

    def _target(self) -> Path | None:
        return save_target(self.output, "the CSV file", self.status.setText)

    # -- exporting -------------------------------------------------------------------

    def start_export(self) -> None:
        """Write the CSV file for the chosen range, off the GUI thread."""
        if self._job is not None:
            return
        try:
            period = self.period()
        except RidealongError as error:
            self.status.setText(str(error))
            return
        target = self._target()
        if target is None:
            return
        services = self._services
        self._exporting = (self.range.currentData(), period)

        def work(progress: Progress, token: CancelToken) -> CsvInfo:
            return write_notes_csv(services, period, target, progress=progress, cancel=token)

        job = Job(
            "Exporting notes as CSV…",
            work,
            on_success=self._on_exported,  # bound: not called once the dialog is gone
            on_user_error=self.status.setText,
        )
        self._job = job
        job.signals.progressed.connect(self._on_progress)
        job.signals.cancelled.connect(self._on_cancelled)
        job.signals.finished.connect(self._on_finished)
        self.progress.setRange(0, 0)
        self.progress.show()
        self.cancel.show()
        self.export.setEnabled(False)
        self.open_folder.hide()
        self.status.setText("Exporting…")
        self._jobs.start(job)

    def _remember(self, target: Path) -> None:
        """What worked, for next time: the range and the folder written to."""
        if self._exporting is None:
            return
        key, period = self._exporting
        days = (period.start.isoformat(), period.end.isoformat()) if key == CHOSEN else ("", "")
        self._settings.remember_csv_export(key, *days, str(target.parent))

    def _on_progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    def _on_cancel(self) -> None:
        if self._job is not None:
            self._job.cancel()
            self.status.setText("Stopping…")

    def _on_cancelled(self) -> None:
        self.status.setText("Export cancelled; no file written.")

    def _on_exported(self, info: CsvInfo) -> None:
        self._remember(info.path)
        self._last_path = info.path
        self.status.setText(f"Wrote {plural(info.notes, 'note')} to {info.path}.")
        self.open_folder.show()
        self._events.status.emit(f"Exported {plural(info.notes, 'note')} to {info.path.name}")

    def _on_finished(self) -> None:
        self._job = None
        self.progress.hide()
        self.cancel.hide()
        self.export.setEnabled(True)

    def _on_open_folder(self) -> None:
        if self._last_path is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self._last_path.parent)))

    def reject(self) -> None:
        """Esc stops a running export first, and closes the dialog once none runs."""
        if self._job is not None:
            self._on_cancel()
            return
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        """Closing mid-export stops it: nothing would be left to say where it went."""
        if self._job is not None:
            self._job.cancel()
            self._job = None  # so that the dialog's reject() closes instead of stopping it
        super().closeEvent(event)
