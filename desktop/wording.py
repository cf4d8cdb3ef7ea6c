"""How counts read in what the app, the command line and the reports say ("1 backup",
"2 backups", "1 note resembles"), in one place every layer can use."""

from __future__ import annotations


def plural(n: int, one: str, many: str | None = None) -> str:
    """A count with its noun agreeing: "1 backup", "2 backups", "1,204 notes"."""
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def verb(n: int, one: str, many: str) -> str:
    """The verb agreeing with a count: "1 note resembles", "2 notes resemble"."""
    return one if n == 1 else many


def k_of_those(k: int, n: int, noun: str, predicate: str) -> str:
    """How many of the `n` just named have a property, as a person says it: "that call was
    graded SQL", "none of those 4 calls was graded SQL", "both were", "2 of those 5 calls
    were graded SQL" (never "1 of those 1 call were")."""
    if n == 1:
        return f"that {noun} was {predicate}" if k else f"that {noun} was not {predicate}"
    if k == 0:
        return f"none of those {n:,} {noun}s was {predicate}"
    if k == n:
        return f"both were {predicate}" if n == 2 else f"all {n:,} were {predicate}"
    return f"{k:,} of those {n:,} {noun}s {verb(k, 'was', 'were')} {predicate}"
