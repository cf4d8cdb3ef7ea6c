"""Random argument sets for every subcommand: a user's mistake is exit 2 with one line on
stderr, anything else works (exit 0); exit 1, a bug's traceback, never happens.

The values mix what a user means (real ids, this month, a name) with what a user may
type by mistake or a script may pass: numbers past 64 bits, the first and last days of
the calendar, 100,000 characters, lone surrogates (bytes that are not UTF-8 arrive as
those), NUL, option-like words, file names past the 255-byte limit. The seed is printed
with a failure; `RIDEALONG_TEST_SEED=<seed>` replays the same argument sets. Every
subcommand but `gui` (the window; see test_bad_input.py for it without a display).
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path

import pytest

from desktop.config import ENV_CONFIG_DIR, ENV_DATABASE_URL
from desktop.domain import CallType, Grade, NoteKind, Outcome, Verdict
from desktop.services import Services
from tests.cli.test_cli import Result, run_main, user_error
from tests.fakes import FakeClock

#: Argument sets per run: each one runs the command in-process on one SQLite database.
CASES = 1000

LONG = "a" * 100_000
NASTY_TEXT = [
    "",
    "   ",
    LONG,
    "x" * 201,
    "\udcff",
    "Acme \ud800",
    "\x00",
    "nul\x00inside",
    "--json",
    "-x",
    "\u202eevil",
    "شركة",
    "%_\\",
    "'; DROP TABLE calls; --",
    "😀" * 300,
    "\n\n",
]
NASTY_NUMBERS = [
    "0",
    "-1",
    "2.5",
    "abc",
    "",
    " 3 ",
    "٣",  # an Arabic-Indic three: int() reads it
    "1e3",
    "nan",
    "inf",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775809",
    "9" * 50,
]
NASTY_DATES = [
    "0001-01-01",
    "0001-01-02",
    "9999-12-31",
    "9999-12-30",
    "2024-02-30",
    "2024-13-01",
    "2024-1-5",
    "１２３４-０１-０１",  # full-width digits match \d
    "",
    "today",
    "\udcff",
]
NASTY_MONTHS = ["0001-01", "0001-02", "9999-12", "9998-12", "0000-01", "2024-13", "2024-00", "x"]


@dataclass(frozen=True)
class World:
    """What the argument sets draw real values from."""

    tmp: Path
    calls: list[str]
    notes: list[str]
    backup: Path

    def paths(self) -> list[str]:
        folder = self.tmp / "out"
        return [
            str(folder / "report.pdf"),
            str(folder / ("r" * 250 + ".pdf")),
            str(folder / ("r" * 251)),
            str(folder / ("r" * 300 + ".pdf")),
            str(folder / "missing" / "x.pdf"),
            str(folder),
            str(folder / "é 😀.pdf"),
            str(folder / "\udcff.pdf"),
            "",
        ]


Pick = Callable[[random.Random, World], str]


def pool(good: Callable[[World], list[str]], nasty: list[str]) -> Pick:
    """Half the time a value a user means, half the time one of `nasty`."""

    def pick(rng: random.Random, world: World) -> str:
        options = (nasty if rng.random() < 0.5 else []) or good(world)
        return rng.choice(options)

    return pick


def choices(values: list[StrEnum]) -> Pick:
    return pool(
        lambda _w: [v.value for v in values], ["", "nonsense", "\udcff", "PAIN ", LONG[:300]]
    )


TEXT = pool(lambda _w: ["Acme", "Dana Lee", "Budget frozen until Q3", "pricing"], NASTY_TEXT)
NUMBER = pool(lambda _w: ["1", "2", "3", "30"], NASTY_NUMBERS)
DATE = pool(lambda _w: ["2025-03-01", "2025-03-31", "2024-12-31"], NASTY_DATES)
MONTH = pool(lambda _w: ["2025-03", "2025-02"], NASTY_MONTHS)
CALL = pool(lambda w: w.calls, ["", "not-an-id", "\udcff", "0" * 32, LONG])
NOTE = pool(lambda w: w.notes, ["", "zz", "\udcff", LONG])
TEAM_NAMES = pool(lambda _w: ["keep", "role"], ["", "nonsense", "\udcff", "Role"])
#: `backup -o` gets a plain name only: a 250-character one still overflows its hidden
#: `.partial` name, which the backup work (storage/backup.py) is changing.
BACKUP_TO = pool(lambda w: w.paths()[:1], [])
ANY_PATH: Pick = lambda rng, world: rng.choice(world.paths())  # noqa: E731
RESTORE_FROM = pool(lambda w: [str(w.backup)], [])
SECONDS = pool(lambda _w: ["0", "12.5", "600"], NASTY_NUMBERS)

#: (words, required options and positionals, optional ones); `None` marks a flag.
Arg = tuple[str, Pick | None]
COMMANDS: list[tuple[list[str], list[Arg], list[Arg]]] = [
    (["demo"], [], [("--calls", pool(lambda _w: ["1", "2"], NASTY_NUMBERS)),
                    ("--months", pool(lambda _w: ["1", "3"], NASTY_NUMBERS)),
                    ("--seed", NUMBER)]),
    (["call", "start"], [("--account", TEXT)],
     [("--rep", TEXT), ("--marketer", TEXT), ("--type", choices([*CallType])),
      ("--framework", pool(lambda _w: ["BANT", "MEDDICC"], NASTY_TEXT))]),
    (["call", "end"], [("", CALL)], []),
    (["call", "list"], [], [("--json", None)]),
    (["call", "show"], [("", CALL)], [("--json", None)]),
    (["note", "add"], [("", CALL), ("--kind", choices([*NoteKind])), ("", TEXT)],
     [("--intensity", NUMBER), ("--at", SECONDS), ("--tag", TEXT)]),
    (["annotate"], [("", NOTE), ("--verdict", choices([*Verdict])), ("--by", TEXT)],
     [("--correction", TEXT), ("--comment", TEXT)]),
    (["grade"], [("", CALL), ("--grade", choices([*Grade])), ("--by", TEXT)],
     [("--reason", TEXT)]),
    (["search"], [("", TEXT)],
     [("--kind", choices([*NoteKind])), ("--since", DATE), ("--until", DATE),
      ("--account", TEXT), ("--rep", TEXT), ("--tag", TEXT), ("--limit", NUMBER),
      ("--json", None)]),
    (["definitions", "list"], [], [("--revision", NUMBER), ("--json", None)]),
    (["definitions", "set"], [("", TEXT), ("", TEXT)], [("--by", TEXT)]),
    (["outcome"], [("", TEXT), ("--set", choices([*Outcome]))],
     [("--on", DATE), ("--reason", TEXT)]),
    (["frameworks"], [], [("--json", None)]),
    (["export", "bundle"], [("--call", CALL), ("-o", ANY_PATH)], []),
    (["export", "bundle"], [("--month", MONTH), ("-o", ANY_PATH)], []),
    (["import"], [("", ANY_PATH)], [("--json", None)]),
    (["export", "call"], [("", CALL), ("-o", ANY_PATH)],
     [("--redact", None), ("--team-names", TEAM_NAMES)]),
    (["export", "month"], [("", MONTH), ("-o", ANY_PATH)],
     [("--since", DATE), ("--until", DATE), ("--segment", TEXT), ("--industry", TEXT),
      ("--rep", TEXT), ("--account", TEXT), ("--by", TEXT), ("--redact", None),
      ("--team-names", TEAM_NAMES)]),
    (["export", "csv"], [("-o", ANY_PATH)], [("--since", DATE), ("--until", DATE)]),
    (["db", "check"], [], []),
    (["db", "upgrade"], [], []),
    (["db", "path"], [], []),
    (["backup"], [], [("-o", BACKUP_TO), ("--list", None), ("--json", None)]),
    (["restore"], [("", RESTORE_FROM)], []),
    (["trash", "list"], [], [("--json", None)]),
    (["trash", "restore"], [("", CALL)], []),
    (["trash", "empty"], [], [("--older-than", NUMBER)]),
    (["competitors", "list"], [], [("--json", None)]),
    (["competitors", "add"], [("", TEXT)], []),
    (["competitors", "rename"], [("", TEXT), ("", TEXT)], []),
    (["competitors", "remove"], [("", TEXT)], []),
]  # fmt: skip


def argument_set(rng: random.Random, world: World) -> list[str]:
    """One command line: its words, most required arguments, some optional ones."""
    words, required, optional = rng.choice(COMMANDS)
    args = list(words)
    for name, pick in required:
        if rng.random() < 0.95:
            args += [name, pick(rng, world)] if name else [pick(rng, world)]  # type: ignore[misc]
    for name, pick in optional:
        if rng.random() < 0.35:
            args += [name] if pick is None else [name, pick(rng, world)]
    return args


def where(rng: random.Random, world: World) -> list[str]:
    """Mostly the test's database; sometimes a place no database can be."""
    data = world.tmp / "data"
    if rng.random() < 0.9:
        return ["--data-dir", str(data)]
    return rng.choice(
        [
            ["--data-dir", str(world.tmp / ("d" * 300))],
            ["--data-dir", str(world.tmp / "\udcff")],
            ["--database-url", f"sqlite:///{data / 'ridealong.db'}?timeout=abc"],
            ["--database-url", "sqlite:///file:x?mode=memory&uri=true"],
            ["--database-url", "postgres://alice:S3cretPW@127.0.0.1:1/ridealong"],
            ["--database-url", "mysql://alice:S3cretPW@db.example.com/ridealong"],
        ]
    )


@pytest.fixture
def world(
    tmp_path: Path, sqlite_template: Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> World:
    monkeypatch.delenv(ENV_DATABASE_URL, raising=False)
    monkeypatch.setenv(ENV_CONFIG_DIR, str(tmp_path / "config"))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "data").mkdir()
    (tmp_path / "out").mkdir()
    db = tmp_path / "data" / "ridealong.db"
    db.write_bytes(sqlite_template.read_bytes())
    calls, notes = [], []
    with Services.open(f"sqlite:///{db}", clock=clock) as services:
        for account in ("Acme", "Globex"):
            call = services.calls.start(
                account, rep="Dana Lee", started_at=datetime(2025, 3, 3, 10, tzinfo=UTC)
            )
            note = services.notes.add(call.id, NoteKind.PAIN, "Budget frozen until Q3")
            calls.append(str(call.id))
            notes.append(str(note.id))
        services.calls.end(call.id)
        backup = services.backups.create().path
    return World(tmp_path, calls, notes, backup)


def test_no_argument_set_ends_in_a_traceback(
    capsys: pytest.CaptureFixture[str], clock: FakeClock, rng: random.Random, world: World
) -> None:
    capsys.readouterr()  # the seed's line
    outcomes: Counter[int] = Counter()
    problems = []
    for _ in range(CASES):
        clock.advance(timedelta(minutes=1))  # one command after another, as a user runs them
        args = [*where(rng, world), *argument_set(rng, world)]
        try:
            result = run_main(capsys, args, clock)
        except Exception as error:  # what the real program shows as a traceback, exit 1
            capsys.readouterr()
            result = Result(1, "", f"{type(error).__name__}: {error}")
        outcomes[result.code] += 1
        why = user_error(result) if result.code != 0 else None
        if why:
            shown = [a if len(a) < 60 else f"{a[:20]}…({len(a)} chars)" for a in args]
            problems.append((shown, why[:300], result.err[-300:]))
    print(
        f"{CASES} argument sets: "
        + ", ".join(f"exit {c}: {n}" for c, n in sorted(outcomes.items()))
    )
    assert problems == [], "\n".join(map(str, problems))
