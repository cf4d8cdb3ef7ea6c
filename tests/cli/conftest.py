"""The `cli` fixture of the command-line tests that do not define their own."""

from __future__ import annotations

import pytest

from tests.cli.test_cli import Cli, Result, run_main
from tests.fakes import FakeClock


@pytest.fixture
def cli(db_url: str, capsys: pytest.CaptureFixture[str], clock: FakeClock) -> Cli:
    """`ridealong --database-url DB_URL ARGS...`, in-process."""

    def run(*args: str) -> Result:
        return run_main(capsys, ["--database-url", db_url, *args], clock)

    return run
