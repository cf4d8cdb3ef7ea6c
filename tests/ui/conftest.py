"""Window tests: offscreen (see the root conftest), each with its own settings and
identity, so no test sees another's remembered state or the developer's own."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def ui_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Settings and identity of window tests live in the test's own folder."""
    from PySide6.QtCore import QSettings

    monkeypatch.setenv("RIDEALONG_CONFIG_DIR", str(tmp_path / "config"))
    # The data directory (drafts of a window on a server) too: never the user's own.
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(tmp_path / "qsettings"))
    return tmp_path


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_teardown(item: pytest.Item) -> Iterator[None]:
    """Windows a test leaves open close without a backup, before pytest-qt closes and
    deletes them at once: the backup they would make off the GUI thread would still be
    running when they are deleted. Tests of closing close the window themselves."""
    from PySide6.QtWidgets import QApplication

    from ui.mainwindow import MainWindow

    for window in QApplication.topLevelWidgets():
        if isinstance(window, MainWindow) and not window.backing_up_to_close:
            window.close_anyway()
    yield
