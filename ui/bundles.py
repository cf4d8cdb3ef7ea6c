"""Bundle files in the window: File > Export bundle… (the selected call or a month),
File > Import bundle… and a bundle dropped on the window, imported off the GUI thread,
then what the import did (and each conflict, with Keep mine / Take theirs).

The rules live in `desktop.services.bundles`; this module only asks and shows.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path

from PySide6.QtCore import QObject, QStandardPaths, Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.clock import local_today
from desktop.services import Services
from desktop.services.bundles import (
    SUFFIX,
    BundleConflict,
    BundleInfo,
    ImportSummary,
    state_words,
)
from desktop.services.periods import Period
from desktop.services.values import CallView
from ui.events import AppEvents, Changes
from ui.jobs import Job, JobRunner

#: What the file dialogs show.
BUNDLE_FILTER = f"Ridealong bundles (*{SUFFIX})"
#: How many months back the export offers.
MONTHS_OFFERED = 24


def is_bundle(path: str) -> bool:
    return path.lower().endswith(SUFFIX)


def _months(today: date) -> list[tuple[str, str]]:
    """(label, YYYY-MM) for this month and the ones before it, newest first."""
    found = []
    year, month = today.year, today.month
    for _ in range(MONTHS_OFFERED):
        found.append((date(year, month, 1).strftime("%B %Y"), f"{year:04d}-{month:02d}"))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return found


def _documents() -> Path:
    place = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(place) if place and Path(place).is_dir() else Path.home()


class ExportBundleDialog(QDialog):
    """File > Export bundle…: the selected call, or every call of a month, to a file a
    teammate without the team's server imports (drops on their window).

    Signals: written(BundleInfo).
    """

    written = Signal(object)

    def __init__(
        self, services: Services, jobs: JobRunner, call: CallView | None, parent: QWidget
    ) -> None:
        super().__init__(parent)
        self.setObjectName("exportBundleDialog")
        self.setWindowTitle("Export bundle")
        self._services = services
        self._jobs = jobs
        self._call = call
        self._path_typed = False
        intro = QLabel(
            "A bundle carries calls with their notes, reviews and grades to a teammate's "
            "laptop. They import it with File > Import bundle…, or drop it on their window.",
            self,
        )
        intro.setWordWrap(True)
        self.call_choice = QRadioButton(self)
        self.call_choice.setObjectName("bundleCallChoice")
        if call is None:
            self.call_choice.setText("This call (select one in Calls or Review first)")
            self.call_choice.setEnabled(False)
        else:
            self.call_choice.setText(
                f"This call: {call.account.name}, {call.started_at.astimezone():%d %b %Y %H:%M}"
            )
        self.month_choice = QRadioButton("Every call of", self)
        self.month_choice.setObjectName("bundleMonthChoice")
        scope = QButtonGroup(self)
        scope.addButton(self.call_choice)
        scope.addButton(self.month_choice)
        (self.call_choice if call is not None else self.month_choice).setChecked(True)
        self.month = QComboBox(self)
        self.month.setObjectName("bundleMonth")
        self.month.setAccessibleName("Month")
        self.month.setToolTip("The month whose calls go in the bundle (by when they started)")
        for label, key in _months(local_today(services.clock)):
            self.month.addItem(label, key)
        self.path = QLineEdit(self)
        self.path.setObjectName("bundlePath")
        self.path.setAccessibleName("Bundle file")
        self.path.setToolTip("Where the bundle is written")
        self.browse = QPushButton("Choose…", self)
        self.browse.setObjectName("bundleBrowse")
        self.browse.setToolTip("Choose the folder and file name")
        self.export = QPushButton("Export", self)
        self.export.setObjectName("bundleExport")
        self.export.setToolTip("Write the bundle (Enter)")
        self.export.setDefault(True)
        self.status = QLabel(self)
        self.status.setObjectName("bundleStatus")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        month_row = QHBoxLayout()
        month_row.addWidget(self.month_choice)
        month_row.addWidget(self.month, 1)
        file_row = QHBoxLayout()
        file_row.addWidget(self.path, 1)
        file_row.addWidget(self.browse)
        form = QFormLayout()
        form.addRow("What:", self.call_choice)
        form.addRow("", month_row)
        form.addRow("File:", file_row)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.export)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        self.resize(560, 240)
        self._suggest_path()

        self.call_choice.toggled.connect(self._suggest_path)
        self.month.currentIndexChanged.connect(self._on_month_chosen)
        self.path.textEdited.connect(self._on_path_typed)
        self.path.returnPressed.connect(self.start)
        self.browse.clicked.connect(self._on_browse)
        self.export.clicked.connect(self.start)

    def _file_name(self) -> str:
        if self.call_choice.isChecked() and self._call is not None:
            name = "".join(c if c.isalnum() else "-" for c in self._call.account.name).strip("-")
            return f"{name or 'call'}-{self._call.started_at.astimezone():%Y-%m-%d}{SUFFIX}"
        return f"calls-{self.month.currentData()}{SUFFIX}"

    def _suggest_path(self) -> None:
        """A file name that says what is in it, until the user types their own."""
        if not self._path_typed:
            folder = Path(self.path.text()).parent if self.path.text() else _documents()
            self.path.setText(str(folder / self._file_name()))

    def _on_month_chosen(self) -> None:
        self.month_choice.setChecked(True)
        self._suggest_path()

    def _on_path_typed(self) -> None:
        self._path_typed = True

    def _on_browse(self) -> None:
        dialog = QFileDialog(self, "Export bundle", self.path.text(), BUNDLE_FILTER)
        dialog.setObjectName("bundleSaveDialog")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setDefaultSuffix(SUFFIX.lstrip("."))
        dialog.fileSelected.connect(self._on_file_chosen)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def _on_file_chosen(self, path: str) -> None:
        self._path_typed = True
        self.path.setText(path)

    def start(self) -> Job[BundleInfo] | None:
        """Write the bundle off the GUI thread; the outcome is said in the dialog."""
        path = self.path.text().strip()
        if not path:
            self.status.setText("Give the file to write, such as calls.ridealong")
            return None
        services = self._services
        call_id = self._call.id if self._call and self.call_choice.isChecked() else None
        month = None if call_id else Period.parse_month(self.month.currentData())
        self.export.setEnabled(False)
        self.status.setText("Writing the bundle…")
        job = Job(
            "Writing the bundle…",
            lambda progress, token: services.bundles.export_bundle(
                path, call_id=call_id, month=month, progress=progress, cancel=token
            ),
            on_success=self._on_written,
            on_user_error=self.status.setText,
        )
        job.signals.finished.connect(lambda: self.export.setEnabled(True))
        return self._jobs.start(job)

    def _on_written(self, info: BundleInfo) -> None:
        calls = "1 call" if info.calls == 1 else f"{info.calls} calls"
        notes = "1 note" if info.notes == 1 else f"{info.notes} notes"
        self.status.setText(f"Saved {info.path} ({calls}, {notes}). Send it to your teammate.")
        self.written.emit(info)


class ConflictBox(QGroupBox):
    """One conflict: our version and theirs side by side, and the choice.

    Signals: take_theirs(uuid).
    """

    take_theirs = Signal(object)

    def __init__(self, conflict: BundleConflict, parent: QWidget | None = None) -> None:
        super().__init__(conflict.label, parent)
        self.setObjectName("bundleConflict")
        self.conflict = conflict
        grid = QGridLayout(self)
        for column, (title, state) in enumerate(
            (("Yours (kept)", conflict.mine), ("Theirs", conflict.theirs))
        ):
            grid.addWidget(QLabel(f"<b>{title}</b>: {state_words(state)}", self), 0, column)
            text = QPlainTextEdit(state.text, self)
            text.setReadOnly(True)
            text.setObjectName("conflictMine" if column == 0 else "conflictTheirs")
            text.setAccessibleName(title)
            text.setMaximumHeight(90)
            grid.addWidget(text, 1, column)
        self.keep = QPushButton("Keep mine", self)
        self.keep.setObjectName("conflictKeepMine")
        self.keep.setToolTip("Leave your version as it is")
        self.take = QPushButton("Take theirs", self)
        self.take.setObjectName("conflictTakeTheirs")
        self.take.setToolTip("Replace your version by the one in the bundle")
        self.outcome = QLabel(self)
        self.outcome.setObjectName("conflictOutcome")
        row = QHBoxLayout()
        row.addWidget(self.outcome, 1)
        row.addWidget(self.keep)
        row.addWidget(self.take)
        grid.addLayout(row, 2, 0, 1, 2)
        self.keep.clicked.connect(lambda: self.settle("Kept yours"))
        self.take.clicked.connect(lambda: self.take_theirs.emit(conflict.id))

    def settle(self, outcome: str) -> None:
        self.outcome.setText(outcome)
        self.keep.setEnabled(False)
        self.take.setEnabled(False)


class ImportSummaryDialog(QDialog):
    """What an import did: per kind of row, added / updated / skipped / conflicts; then
    each conflict with both versions (yours was kept until you take theirs).

    Signals: take_theirs(uuid).
    """

    take_theirs = Signal(object)

    def __init__(self, summary: ImportSummary, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("bundleSummary")
        self.setWindowTitle(f"Imported {summary.path.name}")
        self.summary = summary
        shown = [c for c in summary.counts if c.added or c.updated or c.skipped or c.conflicts]
        self.table = QTableWidget(len(shown), 5, self)
        self.table.setObjectName("bundleCounts")
        self.table.setAccessibleName("What the import did")
        self.table.setHorizontalHeaderLabels(["", "Added", "Updated", "Skipped", "Conflicts"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for row, count in enumerate(shown):
            values = (count.kind, count.added, count.updated, count.skipped, count.conflicts)
            for column, value in enumerate(values):
                item = QTableWidgetItem(str(value).capitalize())
                if column:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(row, column, item)
        self.table.resizeColumnsToContents()
        # The whole table at once, no scrolling: a row per kind at most.
        table = self.table
        table.setFixedHeight(
            sum(table.rowHeight(r) for r in range(table.rowCount()))
            + table.horizontalHeader().sizeHint().height()
            + 2 * table.frameWidth()
        )
        table.setFixedWidth(
            sum(table.columnWidth(c) for c in range(table.columnCount())) + 2 * table.frameWidth()
        )
        headline = QLabel(self._headline(), self)
        headline.setObjectName("bundleHeadline")
        headline.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(headline)
        layout.addWidget(self.table)
        self.boxes: dict[uuid.UUID, ConflictBox] = {}
        if summary.conflicts:
            holder = QWidget(self)
            stack = QVBoxLayout(holder)
            for conflict in summary.conflicts:
                box = ConflictBox(conflict, holder)
                box.take_theirs.connect(self.take_theirs)
                stack.addWidget(box)
                self.boxes[conflict.id] = box
            stack.addStretch(1)
            scroll = QScrollArea(self)
            scroll.setWidgetResizable(True)
            scroll.setWidget(holder)
            layout.addWidget(scroll, 1)
        close = QPushButton("Close", self)
        close.setObjectName("bundleSummaryClose")
        close.clicked.connect(self.close)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        self.resize(720, 640 if summary.conflicts else 420)

    def _headline(self) -> str:
        summary = self.summary
        if not summary.changed and not summary.conflicts:
            return "Nothing new: everything in this bundle was already here."
        text = "Imported. Your views show what arrived."
        if summary.conflicts:
            n = len(summary.conflicts)
            text += (
                f" {n} {'row was' if n == 1 else 'rows were'} changed both here and by your "
                "teammate: yours is kept unless you take theirs."
            )
        return text


class BundleImporter(QObject):
    """Imports bundles for the window, one at a time on the write thread: announces
    what changed, shows the summary, and re-imports one row when its conflict is
    settled as "Take theirs". A refused file is said by `show_error`.

    Signals: imported(ImportSummary).
    """

    imported = Signal(object)

    def __init__(
        self,
        services: Services,
        events: AppEvents,
        jobs: JobRunner,
        show_error: Callable[[str], object],
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._events = events
        self._jobs = jobs
        self._show_error = show_error
        self._window = parent
        self.dialog: ImportSummaryDialog | None = None

    def ask(self) -> None:
        """File > Import bundle…: choose a file, then import it."""
        dialog = QFileDialog(self._window, "Import bundle", str(_documents()), BUNDLE_FILTER)
        dialog.setObjectName("bundleOpenDialog")
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.fileSelected.connect(self.start)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def start(self, path: str, take_theirs: Iterable[uuid.UUID] = ()) -> Job[ImportSummary]:
        services = self._services
        chosen = tuple(take_theirs)
        job = Job(
            f"Importing {Path(path).name}…",
            lambda progress, token: services.bundles.import_bundle(
                path, take_theirs=chosen, progress=progress, cancel=token
            ),
            on_success=self._on_imported if not chosen else self._on_taken,
            on_user_error=self._show_error,
        )
        return self._jobs.start(job, writes=True)

    def _announce(self, summary: ImportSummary) -> None:
        if summary.changed:
            self._events.changed.emit(
                Changes(
                    call_ids=summary.call_ids,
                    calls=True,
                    notes=True,
                    qualification=True,
                    definitions=True,
                )
            )

    def _on_imported(self, summary: ImportSummary) -> None:
        self._announce(summary)
        if self.dialog is not None:
            self.dialog.close()
        self.dialog = ImportSummaryDialog(summary, self._window)
        self.dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog.destroyed.connect(self._on_dialog_gone)
        self.dialog.take_theirs.connect(
            lambda row_id, path=str(summary.path): self.start(path, [row_id])
        )
        self.dialog.show()
        self.imported.emit(summary)

    def _on_dialog_gone(self) -> None:
        self.dialog = None

    def _on_taken(self, summary: ImportSummary) -> None:
        """A "Take theirs" done: the row's box says so; a row changed again since the
        summary was shown stays a conflict and says that."""
        self._announce(summary)
        still = {c.id for c in summary.conflicts}
        if self.dialog is not None:
            for row_id, box in self.dialog.boxes.items():
                if box.take.isEnabled() and row_id not in still:
                    box.settle("Took theirs")
        self.imported.emit(summary)
