"""Believable sample data, for demos, screenshots and benchmarks (`ridealong demo`).

A seeded generator invents a sales team, prospect accounts across industries and
segments, and ride-along calls spread over the last months: notes of every kind written
the way prospects talk (composed from fragments in `resources/demo/`, so wording
varies), themes that recur across calls as tags (with some notes left untagged but
worded alike, for the theme suggester), qualification answers, the rep's annotations,
lead grades and deal outcomes.

Benchmarks ask for tens of thousands of calls, so rows are not ORM objects: each chunk
of calls is built as plain dicts and written with bulk Core inserts in one transaction,
search documents included (Core inserts bypass the session hook that indexes notes).

The same seed on a database holding the same number of calls gives the same rows (only
timestamps, and the ids that begin with them, move with `now`); the count of calls
already there is part of the seed, so a second run adds new calls (by the same team,
and to accounts of the same names when they come up again) instead of colliding with
the first.

The package follows the run: `world` (what it draws from and the cast it makes up),
`chance` (the seeded dice), `words` (filling the phrases' templates), `planner` (the
team, the accounts and when each call happens), `rows` (what each call writes), and
`generate` here.
"""

from __future__ import annotations

import time as timer
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Final

from sqlalchemy import func, select

from desktop.demo.chance import Dice
from desktop.demo.planner import Planner
from desktop.demo.rows import RowWriter
from desktop.demo.words import Words
from desktop.demo.world import builtin_frameworks
from desktop.errors import UserError
from desktop.progress import CancelToken, Progress, no_progress
from desktop.services.definitions import current_revision
from desktop.storage import models as m

if TYPE_CHECKING:
    from desktop.services import Services

MAX_CALLS: Final = 1_000_000
MAX_MONTHS: Final = 120
#: Calls written per transaction: big enough for bulk speed, small enough to cancel soon.
CHUNK_CALLS: Final = 1000


@dataclass(frozen=True, slots=True)
class DemoSummary:
    """What a demo run added, for one line of output."""

    calls: int
    notes: int
    accounts: int
    annotations: int
    seconds: float

    def describe(self) -> str:
        return (
            f"Added {_count(self.calls, 'call')} ({_count(self.notes, 'note')}, "
            f"{_count(self.accounts, 'account')}, {_count(self.annotations, 'annotation')}) "
            f"to the database in {self.seconds:.1f} s"
        )


def generate(
    services: Services,
    *,
    calls: int = 40,
    months: int = 3,
    seed: int = 7,
    progress: Progress = no_progress,
    cancel: CancelToken | None = None,
    now: datetime | None = None,
) -> DemoSummary:
    """Add `calls` sample calls from the last `months` months up to `now`.

    Writes in chunks of `CHUNK_CALLS` calls, one transaction each, reporting
    `progress(calls_done, calls)` after each; a cancel stops between chunks, and the
    chunks already committed stay (whole calls, never half of one).
    """
    if not 1 <= calls <= MAX_CALLS:
        raise UserError(f"the number of demo calls must be 1 to {MAX_CALLS:,}, not {calls:,}")
    if not 1 <= months <= MAX_MONTHS:
        raise UserError(f"the demo period must be 1 to {MAX_MONTHS} months, not {months}")
    started = timer.perf_counter()
    now = now or services.clock()
    if now.tzinfo is None:
        raise ValueError("generate() needs an aware `now`")
    if cancel is not None:
        cancel.raise_if_cancelled()
    db = services.db
    with db.read() as s:
        existing_calls = s.scalar(select(func.count()).select_from(m.Call)) or 0
        frameworks = builtin_frameworks(s.connection())
        revision = current_revision(s)
    now = now.astimezone(UTC)
    dice = Dice(f"ridealong-demo:{seed}:{existing_calls}")
    words = Words(dice)
    planner = Planner(dice, words, now=now, months=months, frameworks=frameworks)
    planner.hire(Dice(f"ridealong-demo-team:{seed}"))
    plan = planner.plan(calls)
    writer = RowWriter(
        dice,
        words,
        now=now,
        window_days=planner.window_days,
        frameworks=frameworks,
        revision=revision,
        people=planner.people,
        hired_at=planner.hired_at,
    )
    with db.read() as s:
        planner.adopt_existing(s.connection())
        writer.adopt_tags(s.connection())

    written = notes = annotations = 0
    accounts: set[uuid.UUID] = set()
    for start in range(0, len(plan), CHUNK_CALLS):
        if cancel is not None:
            cancel.raise_if_cancelled()
        chunk = plan[start : start + CHUNK_CALLS]
        rows = writer.chunk_rows(chunk, first=start == 0)
        with db.write() as s:
            rows.insert(s.connection(), db.search)
        written += len(chunk)
        notes += len(rows.notes)
        annotations += len(rows.annotations) + len(rows.refilings)
        accounts.update(call.account.id for call in chunk)
        progress(written, calls)
    return DemoSummary(
        calls=written,
        notes=notes,
        accounts=len(accounts),
        annotations=annotations,
        seconds=timer.perf_counter() - started,
    )


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {noun}s"
