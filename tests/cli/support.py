"""The whole database as rows, to show that a refused command changed nothing."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from desktop.services import Services
from desktop.storage import models as m
from tests.cli.test_cli import Cli, user_error


def everything(services: Services) -> dict[str, list[str]]:
    """Every row of every table, in a stable order."""
    with services.db.read() as s:
        return {
            table.name: sorted(repr(tuple(row)) for row in s.execute(select(table)))
            for table in m.Base.metadata.sorted_tables
        }


def refuses(cli: Cli, services: Services, *args: str) -> str:
    """Run a command that must be a user's mistake (exit 2, one line on stderr, nothing
    on stdout) and change nothing; returns the message."""
    before = everything(services)
    result = cli(*args)
    assert user_error(result) is None, (args, result)
    assert everything(services) == before, args
    return result.err.strip()


def shown(cli: Cli, call_id: str) -> Any:
    """`call show CALL_ID --json`."""
    result = cli("call", "show", call_id, "--json")
    assert result.code == 0, result.err
    return result.json
