"""How counts read in what the app and the command line say ("1 backup", "2 backups"),
in one place every layer can use."""

from __future__ import annotations


def plural(n: int, one: str, many: str | None = None) -> str:
    """A count with its noun agreeing: "1 backup", "2 backups", "1,204 notes"."""
    return f"{n:,} {one if n == 1 else (many or one + 's')}"
