"""The Reports view: choose a period and filters, see the insights on screen, preview
what redaction will hide, export the PDF off the GUI thread and look at it in place."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDate, QStandardPaths, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop.clock import local_today
from desktop.domain import Role
from desktop.errors import RidealongError
from desktop.progress import CancelToken, Progress
from desktop.services import Services
from desktop.services.insight_values import Insights
from desktop.services.periods import InsightFilters, Period
from desktop.services.redaction import RedactionOptions, RedactionPreview
from desktop.wording import plural
from ui.actions import EXPORT_INSIGHTS, SHOW_INSIGHTS
from ui.events import AppEvents, Changes
from ui.jobs import Job, JobRunner
from ui.reports.competitors import CompetitorsDialog
from ui.reports.summary import insights_html
from ui.widgets import ask_save_path, save_target

if TYPE_CHECKING:  # reportlab loads only when a PDF is made
    from desktop.reports.layout import ReportInfo

CUSTOM = "custom"
MONTHS_OFFERED = 24
TERM_ROLE = Qt.ItemDataRole.UserRole + 1


def default_folder() -> Path:
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(documents or Path.home()) / "Ridealong"


def _slug(text: str) -> str:
    return re.sub(r"[^\w]+", "-", text.lower()).strip("-")[:40] or "report"


def _months(today: date) -> list[tuple[str, str]]:
    """(label, YYYY-MM) for this month and the ones before it, newest first."""
    result = []
    year, month = today.year, today.month
    for _ in range(MONTHS_OFFERED):
        result.append((date(year, month, 1).strftime("%B %Y"), f"{year:04d}-{month:02d}"))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return result


@dataclass(frozen=True, slots=True)
class ScopeChoices:
    """What the scope filters offer: segments, industries, reps, accounts (busiest first)."""

    segments: tuple[str, ...]
    industries: tuple[str, ...]
    reps: tuple[str, ...]
    accounts: tuple[str, ...]


class ReportsView(QWidget):
    """Signals: exported(ReportInfo); choices_loaded() once the scope filters offer
    what is in the database."""

    exported = Signal(object)
    choices_loaded = Signal()

    def __init__(
        self,
        services: Services,
        events: AppEvents,
        jobs: JobRunner,
        identity_name: Callable[[], str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("reportsView")
        self.setAccessibleName("Reports")
        self._services = services
        self._events = events
        self._jobs = jobs
        self._identity_name = identity_name
        self._loaded = False
        self._stale = False
        self._insights: Insights | None = None
        self._job: Job[ReportInfo] | None = None
        self._computing: Job[Insights] | None = None
        self._last_path: Path | None = None

        self._build_scope()
        self._build_redaction()
        self._build_output()
        self._build_results()
        self._layout()
        self._recompute = QTimer(self)
        self._recompute.setSingleShot(True)
        self._recompute.setInterval(300)
        self._connect_signals()

    # -- building --------------------------------------------------------------------

    def _named(self, widget: Any, name: str, accessible: str, tip: str) -> Any:
        widget.setObjectName(name)
        widget.setAccessibleName(accessible)
        widget.setToolTip(tip)
        return widget

    def _build_scope(self) -> None:
        self.month = self._named(
            QComboBox(self), "reportMonth", "Period", "The month to report on, or a custom range"
        )
        today = local_today(self._services.clock)
        for label, key in _months(today):
            self.month.addItem(label, key)
        self.month.addItem("Custom range…", CUSTOM)
        self.since = self._named(QDateEdit(self), "reportSince", "From", "First day of the range")
        self.until = self._named(QDateEdit(self), "reportUntil", "To", "Last day of the range")
        for edit in (self.since, self.until):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        self._show_month_days()
        self.segment = self._named(
            QComboBox(self), "reportSegment", "Segment", "Only accounts of this segment"
        )
        self.industry = self._named(
            QComboBox(self), "reportIndustry", "Industry", "Only accounts of this industry"
        )
        self.rep = self._named(QComboBox(self), "reportRep", "Rep", "Only calls of this rep")
        self.account = self._named(
            QLineEdit(self),
            "reportAccount",
            "Account",
            "Only calls with this account (Enter applies)",
        )
        self.account.setPlaceholderText("Any account")
        self.account.setClearButtonEnabled(True)
        self.refresh = self._named(
            QPushButton("Show on screen", self),
            "reportRefresh",
            "Show on screen",
            "Compute the numbers and rankings for this period (F5)",
        )
        self.competitors = self._named(
            QPushButton("Competitors…", self),
            "reportCompetitors",
            "Competitors",
            "The competitors your team tracks: counted on every call that names them",
        )

    def _build_redaction(self) -> None:
        self.redact = self._named(
            QCheckBox("Redact for readers outside the team", self),
            "reportRedact",
            "Redact",
            "Hide contacts, people's names, e-mails, phone numbers and account names",
        )
        self.redaction_list = self._named(
            QListWidget(self),
            "redactionPreview",
            "What will be redacted",
            "Untick a term to keep it in the PDF",
        )
        self.redaction_add = self._named(
            QLineEdit(self),
            "redactionAdd",
            "Also redact",
            "More terms to hide, separated by commas (Enter updates the list)",
        )
        self.redaction_add.setPlaceholderText("Also redact: e.g. Project Falcon, Q3 budget")
        self.team_names = self._named(
            QComboBox(self),
            "redactionTeamNames",
            "Team names",
            "What becomes of the marketers' and reps' names in a redacted PDF",
        )
        self.team_names.addItem("Keep team names", "keep")
        self.team_names.addItem("Team names by role: [rep A]", "role")
        self.redaction_status = QLabel(self)
        self.redaction_status.setProperty("role", "hint")
        self.redaction_status.setWordWrap(True)
        for widget in self._redaction_widgets():
            widget.setVisible(False)

    def _redaction_widgets(self) -> tuple[QWidget, ...]:
        return (self.team_names, self.redaction_list, self.redaction_add, self.redaction_status)

    def _build_output(self) -> None:
        self.output = self._named(
            QLineEdit(self), "reportOutput", "PDF file", "Where the PDF is written"
        )
        self.choose = self._named(
            QPushButton("Choose…", self), "reportChoose", "Choose file", "Pick where to save"
        )
        self.export = self._named(
            QPushButton("Export PDF", self),
            "reportExport",
            "Export PDF",
            "Write the insights PDF and show it here (Ctrl+E)",
        )
        self.export.setDefault(True)
        self.progress = self._named(QProgressBar(self), "reportProgress", "Export progress", "")
        self.progress.setRange(0, 1000)
        self.cancel = self._named(
            QPushButton("Cancel", self), "reportCancel", "Cancel export", "Stop the export (Esc)"
        )
        self.status = self._named(QLabel(self), "reportStatus", "Report status", "")
        self.status.setWordWrap(True)
        self.open_folder = self._named(
            QPushButton("Open folder", self),
            "reportOpenFolder",
            "Open folder",
            "Show the PDF's folder in the file manager",
        )
        for widget in (self.progress, self.cancel, self.open_folder):
            widget.setVisible(False)

    def _build_results(self) -> None:
        self.summary = self._named(
            QTextBrowser(self),
            "reportSummary",
            "Insights on screen",
            "The headline numbers and rankings of the chosen period",
        )
        self.summary.setLineWrapMode(QTextBrowser.LineWrapMode.WidgetWidth)
        self.pdf = QPdfDocument(self)
        self.viewer = self._named(
            QPdfView(self), "reportPreview", "PDF preview", "The exported PDF"
        )
        self.viewer.setDocument(self.pdf)
        self.viewer.setPageMode(QPdfView.PageMode.MultiPage)
        self.viewer.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("reportTabs")
        self.tabs.addTab(self.summary, "On screen")
        self.tabs.addTab(self.viewer, "PDF")

    def _layout(self) -> None:
        heading = QLabel("Monthly insights", self)
        heading.setProperty("role", "heading")
        scope = QFormLayout()
        scope.addRow("Period:", self.month)
        scope.addRow("From:", self.since)
        scope.addRow("To:", self.until)
        scope.addRow("Segment:", self.segment)
        scope.addRow("Industry:", self.industry)
        scope.addRow("Rep:", self.rep)
        scope.addRow("Account:", self.account)
        path_row = QHBoxLayout()
        path_row.addWidget(self.output, 1)
        path_row.addWidget(self.choose)
        run_row = QHBoxLayout()
        run_row.addWidget(self.progress, 1)
        run_row.addWidget(self.cancel)
        controls = QWidget(self)
        column = QVBoxLayout(controls)
        column.addWidget(heading)
        column.addLayout(scope)
        column.addWidget(self.refresh)
        column.addWidget(self.competitors)
        column.addSpacing(8)
        column.addWidget(self.redact)
        column.addWidget(self.team_names)
        column.addWidget(self.redaction_status)
        column.addWidget(self.redaction_list, 1)
        column.addWidget(self.redaction_add)
        column.addSpacing(8)
        column.addLayout(path_row)
        column.addWidget(self.export)
        column.addLayout(run_row)
        column.addWidget(self.status)
        column.addWidget(self.open_folder)
        column.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidget(controls)
        scroll.setWidgetResizable(True)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("reportsSplitter")
        self.splitter.addWidget(scroll)
        self.splitter.addWidget(self.tabs)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 5)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.splitter)
        self._show_custom(False)

    def _connect_signals(self) -> None:
        self.month.currentIndexChanged.connect(self._on_scope_changed)
        for edit in (self.since, self.until):
            edit.dateChanged.connect(self._on_scope_changed)
        for combo in (self.segment, self.industry, self.rep):
            combo.currentIndexChanged.connect(self._on_scope_changed)
        self.account.returnPressed.connect(self._on_scope_changed)
        self.refresh.clicked.connect(self.show_insights)
        self.competitors.clicked.connect(self.show_competitors)
        self.redact.toggled.connect(self._on_redact_toggled)
        self.redaction_add.returnPressed.connect(self._update_redaction)
        self.team_names.currentIndexChanged.connect(self._update_redaction)
        self.choose.clicked.connect(self._on_choose)
        self.export.clicked.connect(self.export_insights)
        self.cancel.clicked.connect(self._on_cancel)
        self.open_folder.clicked.connect(self._on_open_folder)
        self._recompute.timeout.connect(self.show_insights)
        self._events.changed.connect(self._on_changed)
        for key, handler in (
            (SHOW_INSIGHTS.keys, self.show_insights),
            (EXPORT_INSIGHTS.keys, self.export_insights),
        ):
            action = QAction(self)
            action.setShortcut(QKeySequence(key))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(handler)
            self.addAction(action)
        escape = QAction(self)
        escape.setShortcut(QKeySequence(Qt.Key.Key_Escape))
        escape.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        escape.triggered.connect(self._on_cancel)
        self.addAction(escape)

    # -- scope -----------------------------------------------------------------------

    def show_competitors(self) -> CompetitorsDialog:
        """The team's competitor list, beside the report it changes (which is computed
        again when the list changes)."""
        dialog = CompetitorsDialog(self._services, self._events, self._jobs, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def ensure_loaded(self) -> None:
        """Fill the choices and show the chosen month, the first time and after changes."""
        if self._loaded and not self._stale:
            return
        self._loaded = True
        self._stale = False
        self._fill_choices()
        self.show_insights()

    def _fill_choices(self) -> None:
        """The segment, industry, rep and account choices, read off the GUI thread:
        ranking accounts by their calls reads every call."""
        services = self._services

        def work(_progress: Progress, _token: CancelToken) -> ScopeChoices:
            return ScopeChoices(
                tuple(services.accounts.segments()),
                tuple(services.accounts.industries()),
                tuple(p.name for p in services.people.list(Role.REP)),
                tuple(services.accounts.names(limit=1000)),
            )

        self._jobs.start(
            Job(
                "Loading the choices…",
                work,
                on_success=self._on_choices_loaded,
                on_user_error=self.status.setText,
            )
        )

    def _on_choices_loaded(self, choices: ScopeChoices) -> None:
        for combo, values, anything in (
            (self.segment, choices.segments, "Any segment"),
            (self.industry, choices.industries, "Any industry"),
            (self.rep, choices.reps, "Any rep"),
        ):
            current = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(anything, None)
            for value in values:
                combo.addItem(value, value)
            combo.setCurrentIndex(max(combo.findData(current), 0) if current else 0)
            combo.blockSignals(False)
        completer = QCompleter(list(choices.accounts), self.account)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.activated.connect(self._on_scope_changed)
        self.account.setCompleter(completer)
        self.choices_loaded.emit()

    def _show_custom(self, custom: bool) -> None:
        self.since.setEnabled(custom)
        self.until.setEnabled(custom)

    def _show_month_days(self) -> None:
        """From and To show the chosen month's first and last days: the period the PDF
        prints (and where a custom range starts from)."""
        key = self.month.currentData()
        if key == CUSTOM:
            return
        period = Period.parse_month(key)
        for edit, day in ((self.since, period.start), (self.until, period.end)):
            edit.blockSignals(True)
            edit.setDate(QDate(day.year, day.month, day.day))
            edit.blockSignals(False)

    def period(self) -> Period:
        key = self.month.currentData()
        if key == CUSTOM:
            return Period(self.since.date().toPython(), self.until.date().toPython())
        return Period.parse_month(key)

    def filters(self) -> InsightFilters:
        return InsightFilters(
            segment=self.segment.currentData(),
            industry=self.industry.currentData(),
            rep=self.rep.currentData(),
            account=self.account.text().strip() or None,
        )

    def _on_scope_changed(self) -> None:
        self._show_custom(self.month.currentData() == CUSTOM)
        self._show_month_days()
        self._insights = None
        self._suggest_path()
        self._recompute.start()

    def _suggest_path(self) -> None:
        """A file name from the period and filters, unless the user typed their own."""
        current = self.output.text()
        if current and not self.output.property("suggested"):
            return
        try:
            period = self.period()
        except RidealongError:
            return
        span = period.start.isoformat()[:7] if period.is_month else f"{period.start}_{period.end}"
        parts = ["insights", span]
        hidden = ("account", "rep", "marketer") if self.redact.isChecked() else ()
        parts += [_slug(v) for w, v in self.filters().active if w not in hidden]
        name = "-".join(parts) + ("-redacted" if self.redact.isChecked() else "") + ".pdf"
        self.output.setText(str(default_folder() / name))
        self.output.setProperty("suggested", True)

    # -- on screen -------------------------------------------------------------------

    def show_insights(self) -> None:
        """Compute the period's insights off the GUI thread and show them."""
        try:
            period, filters = self.period(), self.filters()
        except RidealongError as error:
            self.status.setText(str(error))
            return
        if not self.output.text():
            self._suggest_path()
        services = self._services

        def on_insights(insights: Insights) -> None:
            if job is self._computing:  # else a newer scope was asked for meanwhile
                self._computing = None
                self._show_insights(insights)

        job = Job(
            "Computing insights…",
            lambda progress, token: services.insights.compute(
                period, filters, progress=progress, cancel=token
            ),
            on_success=on_insights,
            on_user_error=self._show_error,
        )
        if self._computing is not None:
            self._computing.cancel()
        self._computing = job
        self.summary.setHtml("<p><i>Computing…</i></p>")
        self._jobs.start(job)

    def _show_insights(self, insights: Insights) -> None:
        self._insights = insights
        self.summary.setHtml(insights_html(insights))
        self.tabs.setCurrentWidget(self.summary)
        if self.redact.isChecked():
            self._update_redaction()

    # -- redaction -------------------------------------------------------------------

    def _on_redact_toggled(self, on: bool) -> None:
        for widget in self._redaction_widgets():
            widget.setVisible(on)
        self._suggest_path()
        if on:
            self._update_redaction()

    def options(self) -> RedactionOptions | None:
        if not self.redact.isChecked():
            return None
        keep = []
        for row in range(self.redaction_list.count()):
            item = self.redaction_list.item(row)
            if item.checkState() == Qt.CheckState.Unchecked:
                keep.append(item.data(TERM_ROLE))
        add = tuple(t.strip() for t in self.redaction_add.text().split(",") if t.strip())
        return RedactionOptions(add=add, keep=tuple(keep), team=self.team_names.currentData())

    def _update_redaction(self) -> None:
        options = self.options()
        if options is None:
            return
        from desktop.reports.insights_report import preview_insights_redaction

        services, insights = self._services, self._insights
        try:
            period, filters = self.period(), self.filters()
        except RidealongError as error:
            self.redaction_status.setText(str(error))
            return
        job = Job(
            "Finding what to redact…",
            lambda progress, token: preview_insights_redaction(
                services,
                period,
                filters,
                options,
                insights=insights,
                progress=progress,
                cancel=token,
            ),
            on_success=self._on_preview,
            on_user_error=self._show_error,
        )
        self.redaction_status.setText("Finding names, e-mails and phone numbers…")
        self._jobs.start(job)

    def _on_preview(self, preview: RedactionPreview) -> None:
        kept = set(preview.options.keep)
        self.redaction_list.clear()
        for term in preview.terms:
            item = QListWidgetItem(f"{term.term}  →  {term.placeholder}  ({term.count}×)")
            item.setData(TERM_ROLE, term.term)
            item.setToolTip("\n".join(term.examples) or term.term)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(
                Qt.CheckState.Unchecked if term.term in kept else Qt.CheckState.Checked
            )
            self.redaction_list.addItem(item)
        for kept_term in sorted(kept - {t.term for t in preview.terms}):
            item = QListWidgetItem(f"{kept_term}  (kept)")
            item.setData(TERM_ROLE, kept_term)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.redaction_list.addItem(item)
        self.redaction_status.setText(
            f"{plural(preview.total, 'replacement')} of {plural(len(preview.terms), 'term')}. "
            "Untick a term to keep it; add more below."
        )

    # -- exporting -------------------------------------------------------------------

    def _on_choose(self) -> None:
        ask_save_path(self, self.output, "Save the PDF as", "PDF files (*.pdf)")

    def _target(self) -> Path | None:
        return save_target(self.output, "the PDF", self.status.setText)

    def export_insights(self) -> None:
        """Write the insights PDF for the chosen scope (Ctrl+E)."""
        from desktop.reports.insights_report import build_insights_report

        if self._job is not None:
            return
        target = self._target()
        if target is None:
            return
        try:
            period, filters = self.period(), self.filters()
        except RidealongError as error:
            self.status.setText(str(error))
            return
        services, options, insights = self._services, self.options(), self._insights
        by = self._identity_name()
        self._run(
            "Exporting the insights PDF…",
            lambda progress, token: build_insights_report(
                services,
                period,
                filters,
                target,
                generated_by=by,
                redaction=options,
                insights=insights,
                progress=progress,
                cancel=token,
            ),
        )

    def export_call(self, call_id: uuid.UUID, account: str, started: datetime) -> None:
        """Write one call's summary PDF (from the Calls or Review view) and show it."""
        from desktop.reports.call_summary import build_call_summary

        if self._job is not None:
            self.status.setText("An export is already running; wait or cancel it.")
            return
        folder = default_folder()
        name = f"call-{_slug(account)}-{started.astimezone():%Y-%m-%d}.pdf"
        if self.redact.isChecked():  # the account's name would undo the redaction
            name = f"call-{started.astimezone():%Y-%m-%d}-redacted.pdf"
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            self.status.setText(f"Cannot create {folder}: {error.strerror}")
            return
        services, options = self._services, self.options()
        self._run(
            "Exporting the call summary…",
            lambda progress, token: build_call_summary(
                services,
                call_id,
                folder / name,
                redaction=options,
                progress=progress,
                cancel=token,
            ),
        )

    def _run(self, label: str, work: Callable[[Progress, CancelToken], ReportInfo]) -> None:
        job = Job(label, work, on_success=self._on_exported, on_user_error=self._show_error)
        self._job = job
        job.signals.progressed.connect(self._on_progress)
        job.signals.cancelled.connect(
            lambda: self.status.setText("Export cancelled; no file written.")
        )
        job.signals.finished.connect(self._on_export_finished)
        self.progress.setValue(0)
        self.progress.setVisible(True)
        self.cancel.setVisible(True)
        self.export.setEnabled(False)
        self.open_folder.setVisible(False)
        self.status.setText(label)
        self._jobs.start(job)

    def _on_progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    def _on_cancel(self) -> None:
        if self._job is not None:
            self._job.cancel()
            self.status.setText("Stopping…")

    def _on_exported(self, info: ReportInfo) -> None:
        self._last_path = Path(info.path)
        self.pdf.load(str(info.path))
        self.tabs.setCurrentWidget(self.viewer)
        self.open_folder.setVisible(True)
        redacted = ", redacted" if info.redacted else ""
        self.status.setText(
            f"Wrote {info.path} ({plural(info.pages, 'page')}{redacted}) in {info.seconds:.1f} s."
        )
        self._events.status.emit(f"Exported {Path(info.path).name}")
        self.exported.emit(info)

    def _on_export_finished(self) -> None:
        self._job = None
        self.progress.setVisible(False)
        self.cancel.setVisible(False)
        self.export.setEnabled(True)

    def _on_open_folder(self) -> None:
        if self._last_path is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self._last_path.parent)))

    def _show_error(self, message: str) -> None:
        """Why the numbers, the redaction preview or the PDF could not be made."""
        self.status.setText(message)
        self.redaction_status.setText("")

    # -- elsewhere -------------------------------------------------------------------

    def _on_changed(self, changes: Changes) -> None:
        if changes.source is self or not self._loaded:
            return
        self._insights = None
        if self.isVisible():
            self._fill_choices()
            self._recompute.start()
        else:
            self._stale = True

    def showEvent(self, event: Any) -> None:  # a QShowEvent
        super().showEvent(event)
        if self._stale:
            self.ensure_loaded()
