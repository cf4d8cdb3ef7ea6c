"""The Reports view: numbers on screen, redaction preview, export with progress and
cancel, and the PDF shown in place."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from desktop.clock import local_today
from desktop.domain import NoteKind
from desktop.services import Services
from desktop.services.periods import InsightFilters, Period
from tests.fakes import FakeClock
from tests.ui.support import CTRL, SHIFT, open_window
from ui.mainwindow import MainWindow


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)


def this_month(clock: FakeClock) -> Period:
    today = local_today(clock)
    return Period.month(today.year, today.month)


def seed(url: str, clock: FakeClock) -> None:
    """Three calls this month: two with Rita, one with Sam, a contact named on one."""
    services = Services.open(url, clock=clock)
    try:
        start = clock() - timedelta(minutes=5)
        acme = services.calls.start(
            "Acme Freight", rep="Rita Rep", contacts=["Jane Whitfield"], started_at=start
        )
        services.notes.add(
            acme.id,
            NoteKind.PAIN,
            "Jane Whitfield said the report takes two days #manual-reporting",
            offset_ms=1000,
        )
        globex = services.calls.start("Globex", rep="Rita Rep", started_at=start)
        services.notes.add(globex.id, NoteKind.PAIN, "Reports by hand #manual-reporting")
        initech = services.calls.start("Initech", rep="Sam Other", started_at=start)
        services.notes.add(initech.id, NoteKind.OBJECTION, "Too expensive #price")
    finally:
        services.close()


def open_reports(qtbot: QtBot, url: str, clock: FakeClock) -> MainWindow:
    window = open_window(qtbot, url, clock=clock)
    qtbot.keyClick(window, Qt.Key.Key_5, CTRL | SHIFT)
    view = window.reports_view
    assert window.views.currentWidget() is view
    qtbot.waitUntil(lambda: view.rep.count() > 1)  # the choices are read off the GUI thread
    qtbot.waitUntil(
        lambda: (
            "Manual reporting" in view.summary.toPlainText()
            or "manual-reporting" in view.summary.toPlainText()
        ),
        timeout=15_000,
    )
    return window


def test_the_chosen_month_is_on_screen_before_any_export(
    qtbot: QtBot, db_url: str, clock: FakeClock
) -> None:
    seed(db_url, clock)
    window = open_reports(qtbot, db_url, clock)
    view = window.reports_view
    shown = view.summary.toPlainText()
    assert "#manual-reporting" in shown and "2 of 3 calls" in shown
    assert "#price" in shown and "1 of 3 calls" in shown

    view.rep.setCurrentIndex(view.rep.findData("Rita Rep"))
    qtbot.waitUntil(lambda: "2 of 2 calls" in view.summary.toPlainText(), timeout=15_000)
    assert "#price" not in view.summary.toPlainText()
    assert view.filters() == InsightFilters(rep="Rita Rep")


def test_export_writes_the_pdf_and_shows_it(
    qtbot: QtBot, sqlite_url: str, tmp_path: Path, clock: FakeClock
) -> None:
    seed(sqlite_url, clock)
    window = open_reports(qtbot, sqlite_url, clock)
    view = window.reports_view
    target = tmp_path / "out" / "insights.pdf"
    target.parent.mkdir()
    view.output.setText(str(target))
    with qtbot.waitSignal(view.exported, timeout=60_000) as blocker:
        qtbot.keyClick(view.month, Qt.Key.Key_E, CTRL)
    assert blocker.args[0].path == target
    assert target.exists()
    assert this_month(clock).label in pdf_text(target)
    assert view.pdf.pageCount() == blocker.args[0].pages
    assert view.tabs.currentWidget() is view.viewer
    assert view.findChild(QWidget, "reportOpenFolder").isVisible()


def test_a_cancelled_export_writes_nothing(
    qtbot: QtBot, sqlite_url: str, tmp_path: Path, clock: FakeClock
) -> None:
    seed(sqlite_url, clock)
    window = open_reports(qtbot, sqlite_url, clock)
    view = window.reports_view
    target = tmp_path / "cancelled.pdf"
    view.output.setText(str(target))
    view.export_insights()
    job = view._job
    assert job is not None
    with qtbot.waitSignal(job.signals.finished, timeout=60_000):
        qtbot.keyClick(view.month, Qt.Key.Key_Escape)
    assert "cancelled" in view.status.text()
    assert not target.exists()
    assert not list(tmp_path.glob("*.pdf*"))


def test_redaction_preview_lists_names_and_keeps_what_is_unticked(
    qtbot: QtBot, sqlite_url: str, tmp_path: Path, clock: FakeClock
) -> None:
    seed(sqlite_url, clock)
    window = open_reports(qtbot, sqlite_url, clock)
    view = window.reports_view
    view.redact.setChecked(True)

    def terms() -> list[str]:
        items = view.redaction_list
        return [items.item(r).data(Qt.ItemDataRole.UserRole + 1) for r in range(items.count())]

    qtbot.waitUntil(lambda: "Jane Whitfield" in terms(), timeout=15_000)
    assert "Acme Freight" in terms()
    acme = terms().index("Acme Freight")
    view.redaction_list.item(acme).setCheckState(Qt.CheckState.Unchecked)
    target = tmp_path / "redacted.pdf"
    view.output.setText(str(target))
    with qtbot.waitSignal(view.exported, timeout=60_000):
        view.export_insights()
    text = pdf_text(target)
    assert "Whitfield" not in text
    assert "Acme Freight" in text


def test_ctrl_p_exports_the_selected_call(
    qtbot: QtBot, sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clock: FakeClock
) -> None:
    import ui.reports.view as reports

    monkeypatch.setattr(reports, "default_folder", lambda: tmp_path / "Ridealong")
    seed(sqlite_url, clock)
    window = open_window(qtbot, sqlite_url, clock=clock)
    calls = window.calls_view
    accounts = [calls.model.index(r, 1).data() for r in range(calls.model.rowCount())]
    calls.call_list.selectRow(accounts.index("Acme Freight"))
    calls.call_list.setFocus()
    with qtbot.waitSignal(window.reports_view.exported, timeout=60_000) as blocker:
        qtbot.keyClick(calls.call_list, Qt.Key.Key_P, CTRL)
    path = Path(blocker.args[0].path)
    assert path.parent == tmp_path / "Ridealong"
    assert path.name.startswith("call-acme-freight-")
    assert "Jane Whitfield said the report takes two days" in " ".join(pdf_text(path).split())
    assert window.views.currentWidget() is window.reports_view
