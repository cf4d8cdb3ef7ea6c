"""Window tests: offscreen (see the root conftest), each with its own settings and
identity, so no test sees another's remembered state or the developer's own."""

from __future__ import annotations

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
