"""Choosing the team database: settings to a URL and back, the connection test's answer
for each state a server database can be in, and the password kept out of files."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from desktop.config import (
    DATABASE_FILE,
    ENV_CONFIG_DIR,
    ENV_DATABASE_URL,
    local_database_url,
    resolve_database_url,
    saved_database_url,
)
from desktop.errors import UserError
from desktop.services import team
from desktop.services.team import ServerSettings
from desktop.storage import migrations
from tests.conftest import fresh_pg_database


@pytest.fixture(autouse=True)
def _own_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv(ENV_CONFIG_DIR, str(tmp_path / "config"))
    return tmp_path / "config"


@pytest.mark.parametrize(
    "settings",
    [
        ServerSettings("db.example.com", "ridealong", "alice", 6543, "verify-full"),
        ServerSettings("/run/postgresql", "team db", "bob", 5432, "disable"),
    ],
)
def test_settings_make_a_url_without_password_that_gives_them_back(
    settings: ServerSettings,
) -> None:
    url = settings.url()
    assert make_url(url).password is None
    assert ServerSettings.of(url) == settings
    assert ServerSettings.of("sqlite:///tmp/ridealong.db") is None


def test_an_empty_field_is_named() -> None:
    with pytest.raises(UserError, match="give the server's user"):
        ServerSettings("db.example.com", "ridealong", " ").url()


def test_a_password_is_never_saved_with_the_choice(_own_config: Path) -> None:
    with pytest.raises(UserError, match="keyring"):
        team.choose("postgresql://alice:S3cret@db.example.com/ridealong")
    assert not (_own_config / DATABASE_FILE).exists()
    url = ServerSettings("db.example.com", "ridealong", "alice").url()
    assert team.choose(url, "S3cret") is False  # the tests' keyring keeps nothing
    assert saved_database_url() == url
    assert "S3cret" not in (_own_config / DATABASE_FILE).read_text()
    assert team.choose(None) and saved_database_url() is None


@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
def test_a_current_database_is_reachable(db_url: str) -> None:
    probe = team.try_connection(db_url)
    assert probe.usable and f"schema {migrations.head()} (current)" in probe.said


def test_an_empty_or_old_database_is_left_to_its_owner(pg_server: str) -> None:
    url = fresh_pg_database(pg_server, None)
    probe = team.try_connection(url)
    assert not probe.usable and "no Ridealong tables yet" in probe.said
    assert "db upgrade" in probe.said
    engine = create_engine(url)
    migrations.upgrade(engine, "0001")
    engine.dispose()
    probe = team.try_connection(url)
    assert not probe.usable and "at schema 0001 and needs an upgrade" in probe.said


def test_the_choice_is_the_default_after_the_options_and_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv(ENV_DATABASE_URL, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert resolve_database_url() == local_database_url()
    url = ServerSettings("db.example.com", "ridealong", "alice").url()
    team.choose(url)
    assert resolve_database_url() == url
    assert resolve_database_url(data_dir=tmp_path) == f"sqlite:///{tmp_path / 'ridealong.db'}"
    monkeypatch.setenv(ENV_DATABASE_URL, "sqlite:///elsewhere.db")
    assert resolve_database_url() == "sqlite:///elsewhere.db"
