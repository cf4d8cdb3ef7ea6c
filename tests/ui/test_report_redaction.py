"""Redacting from the window: the team's names by the user's choice, and file names
that do not give away what the PDF hides."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.fakes import FakeClock
from tests.ui.support import CTRL, open_window
from tests.ui.test_reports import open_reports, pdf_text, seed


def test_a_redacted_export_names_neither_account_nor_rep_and_may_hide_the_team(
    qtbot: QtBot, sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clock: FakeClock
) -> None:
    import ui.reports.view as reports

    monkeypatch.setattr(reports, "default_folder", lambda: tmp_path / "Ridealong")
    seed(sqlite_url, clock)
    window = open_reports(qtbot, sqlite_url, clock)
    view = window.reports_view
    view.rep.setCurrentIndex(view.rep.findData("Rita Rep"))
    qtbot.keyClicks(view.account, "Acme Freight")
    qtbot.keyClick(view.account, Qt.Key.Key_Return)
    assert "acme-freight" in Path(view.output.text()).name

    view.redact.setFocus()
    qtbot.keyClick(view.redact, Qt.Key.Key_Space)

    name = Path(view.output.text()).name
    assert view.redact.isChecked() and name.endswith("-redacted.pdf")
    assert "acme" not in name and "rita" not in name
    assert view.team_names.isVisible() and view.team_names.currentData() == "keep"
    qtbot.keyClick(view.team_names, Qt.Key.Key_Down)
    assert view.team_names.currentData() == "role"
    with qtbot.waitSignal(view.exported, timeout=60_000) as blocker:
        qtbot.keyClick(view.month, Qt.Key.Key_E, CTRL)
    text = " ".join(pdf_text(Path(blocker.args[0].path)).split())
    assert "rep: [rep A]" in text and "Rita" not in text
    assert "Acme" not in text and "Whitfield" not in text


def test_a_redacted_call_summary_is_not_named_after_its_account(
    qtbot: QtBot, sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clock: FakeClock
) -> None:
    import ui.reports.view as reports

    monkeypatch.setattr(reports, "default_folder", lambda: tmp_path / "Ridealong")
    seed(sqlite_url, clock)
    window = open_window(qtbot, sqlite_url, clock=clock)
    window.reports_view.redact.setChecked(True)
    calls = window.calls_view
    accounts = [calls.model.index(r, 1).data() for r in range(calls.model.rowCount())]
    calls.call_list.selectRow(accounts.index("Acme Freight"))
    calls.call_list.setFocus()
    with qtbot.waitSignal(window.reports_view.exported, timeout=60_000) as blocker:
        qtbot.keyClick(calls.call_list, Qt.Key.Key_P, CTRL)
    path = Path(blocker.args[0].path)
    assert path.name.startswith("call-") and path.name.endswith("-redacted.pdf")
    assert "acme" not in path.name
    assert "Whitfield" not in pdf_text(path)
