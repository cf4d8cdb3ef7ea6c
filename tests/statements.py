"""Counting the SQL statements a use case sends: a hot path must not send one per row."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from desktop.services import Services


class Statements:
    """The statements sent while a `counted` block ran, in order."""

    def __init__(self) -> None:
        self.sent: list[str] = []

    def __len__(self) -> int:
        return len(self.sent)

    def __repr__(self) -> str:
        return "\n".join(self.sent)


@contextmanager
def counted(services: Services) -> Iterator[Statements]:
    """Every statement `services` sends to its database inside the block (on any of its
    connections, the write thread's included)."""
    statements = Statements()
    engine = services.db.engine

    def record(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        statements.sent.append(" ".join(statement.split()))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)
