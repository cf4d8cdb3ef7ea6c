"""Run each operation of issue 16 beside its baseline, interleaved, and print the table.

Every repetition runs the operation and then its baseline, so both see the same
machine (caches, other load); the row compares their medians. Each operation repeats
up to a count or a time budget, whichever comes first, but at least `MIN_REPS` times.
"""

from __future__ import annotations

import argparse
import compileall
import os
import platform
import random
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from desktop.clock import utcnow
from desktop.domain import NoteKind
from desktop.services import Services
from desktop.storage.database import WAL_BOUND_PAGES
from desktop.storage.search import SqliteSearch
from desktop.storage.text import Query, parse_query, snippet
from tests.benchmarks.data import cache_dir, cached_database, label, parse_size, working_copy

MIN_REPS = 3
ROOT = Path(__file__).resolve().parents[2]
#: Whole-process targets (seconds, median).
SHELL_LIMIT = 0.3
#: `call list --json` may use this much more memory than the CLI touching no data (the
#: connection and its page cache): "constant" memory, whatever the number of calls.
STREAM_SLACK_MB = 50.0


@dataclass(frozen=True, slots=True)
class Budget:
    """How hard to try: repetitions (most) and seconds per operation."""

    search: int
    add: int
    shell: int
    export: int
    seconds: float


QUICK = Budget(search=20, add=150, shell=5, export=2, seconds=8.0)
FULL = Budget(search=50, add=500, shell=10, export=3, seconds=60.0)


@dataclass(frozen=True, slots=True)
class Sample:
    """What one operation measured: seconds (or MB, with `unit`) per repetition."""

    values: list[float]
    unit: str = "s"

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    def quantile(self, q: float) -> float:
        ordered = sorted(self.values)
        return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


@dataclass(frozen=True, slots=True)
class Row:
    operation: str
    size: str
    measured: Sample
    baseline: Sample | None
    target: str
    holds: bool | None
    """None: nothing to hold at this size (no target, or the row is informative)."""


def timed(run: Callable[[], object]) -> float:
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


def interleaved(
    op: Callable[[], object], baseline: Callable[[], object] | None, reps: int, seconds: float
) -> tuple[Sample, Sample | None]:
    """Time `op` and `baseline` turn about, after one unmeasured warm-up of each. Which of
    the two goes first in a round is drawn (seeded, so every run draws the same): work
    that comes every Nth write (FTS5 merges its index every 64 write transactions) would
    otherwise always fall on the same side."""
    op()
    if baseline is not None:
        baseline()
    ours: list[float] = []
    theirs: list[float] = []
    order = random.Random(16)
    deadline = time.perf_counter() + seconds
    while len(ours) < reps and (len(ours) < MIN_REPS or time.perf_counter() < deadline):
        if baseline is not None and order.random() < 0.5:
            theirs.append(timed(baseline))
            ours.append(timed(op))
            continue
        ours.append(timed(op))
        if baseline is not None:
            theirs.append(timed(baseline))
    return Sample(ours), (Sample(theirs) if baseline is not None else None)


# --- whole processes -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Child:
    """A finished child process: its wall time and peak resident memory."""

    seconds: float
    peak_mb: float
    stdout: str
    #: When its first line of output came.
    first_line: float


def child_env(config_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env["RIDEALONG_CONFIG_DIR"] = str(config_dir)
    # The window's own settings (QSettings) too, so a run never touches the user's.
    env["XDG_CONFIG_HOME"] = str(config_dir)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env.pop("RIDEALONG_DATABASE_URL", None)
    return env


#: Runs a command and reports its time, the time of its first line of output, and its
#: own peak memory. Linux keeps the peak a process had before `exec` as the child's
#: starting peak, so a child spawned straight from the harness (holding a 1M-note
#: database's caches) would report the harness's memory: this small process spawns it.
SPAWN = """
import os, subprocess, sys, time
started = time.perf_counter()
child = subprocess.Popen(sys.argv[2:], stdout=subprocess.PIPE)
first = child.stdout.readline()
first_at = time.perf_counter() - started
rest = child.stdout.read()
_, status, usage = os.wait4(child.pid, 0)
seconds = time.perf_counter() - started
sys.stdout.buffer.write(first + rest)
scale = 1024 * 1024 if sys.platform == "darwin" else 1024
with open(sys.argv[1], "w") as out:
    print(seconds, first_at, usage.ru_maxrss / scale, os.waitstatus_to_exitcode(status), file=out)
"""


def run_child(argv: list[str], env: dict[str, str]) -> Child:
    """Run to the end: wall time from spawn to exit, and its own peak memory."""
    with (
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
        tempfile.TemporaryDirectory() as scratch,
    ):
        report = Path(scratch) / "report"
        spawner = [sys.executable, "-c", SPAWN, str(report), *argv]
        subprocess.run(spawner, stdout=out, stderr=err, env=env, check=False)
        out.seek(0)
        err.seek(0)
        measured = report.read_text().split() if report.exists() else []
        if len(measured) != 4 or measured[3] != "0":
            raise RuntimeError(f"{' '.join(argv)} failed: {err.read().decode(errors='replace')}")
        return Child(
            float(measured[0]),
            float(measured[2]),
            out.read().decode(errors="replace"),
            first_line=float(measured[1]),
        )


def shell_sample(
    argv: list[str], baseline: list[str] | None, env: dict[str, str], reps: int, seconds: float
) -> tuple[Sample, Sample | None, Sample, Sample | None]:
    """Times and peak memory of a command and its baseline, interleaved."""
    ours: list[Child] = []
    theirs: list[Child] = []
    run_child(argv, env)
    if baseline is not None:
        run_child(baseline, env)
    deadline = time.perf_counter() + seconds
    while len(ours) < reps and (len(ours) < MIN_REPS or time.perf_counter() < deadline):
        ours.append(run_child(argv, env))
        if baseline is not None:
            theirs.append(run_child(baseline, env))

    def sample(children: list[Child], unit: str) -> Sample | None:
        if not children:
            return None
        return Sample([c.seconds if unit == "s" else c.peak_mb for c in children], unit)

    time_ours, mem_ours = sample(ours, "s"), sample(ours, "MB")
    assert time_ours is not None and mem_ours is not None
    return time_ours, sample(theirs, "s"), mem_ours, sample(theirs, "MB")


# --- the operations ------------------------------------------------------------------


def fts_floor(conn: sqlite3.Connection, query: Query) -> Callable[[], list[int]]:
    """Raw FTS5: the rowids of the newest 50 matching documents, nothing else."""
    # The same MATCH string the app sends (its exclusions are FTS5's own NOT).
    expression = SqliteSearch().expression(query)

    def run() -> list[int]:
        return [
            row[0]
            for row in conn.execute(
                "SELECT rowid FROM search_fts WHERE search_fts MATCH ? "
                "ORDER BY rowid DESC LIMIT 50",
                (expression,),
            )
        ]

    return run


def floor_with_snippets(conn: sqlite3.Connection, query: Query) -> Callable[[], object]:
    """The floor plus reading each hit's text and cutting its snippet."""
    floor = fts_floor(conn, query)

    def run() -> object:
        ids = floor()
        marks = ",".join("?" * len(ids))
        bodies = conn.execute(f"SELECT body FROM search_docs WHERE id IN ({marks})", ids)
        return [snippet(body, query) for (body,) in bodies]

    return run


def rare_word(conn: sqlite3.Connection) -> tuple[str, int]:
    """The rarest word of at least 6 letters (the first of them alphabetically, so every
    run on the same data picks the same); the demo's vocabulary is small, so at 1M notes
    even this one is in many documents."""
    conn.execute(
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.vocab USING fts5vocab(main, search_fts, row)"
    )
    found = conn.execute(
        "SELECT term, doc FROM temp.vocab WHERE length(term) >= 6 AND term GLOB '[a-z]*' "
        "AND term NOT GLOB '*[0-9]*' ORDER BY doc, term LIMIT 1"
    ).fetchone()
    return str(found[0]), int(found[1])


def busiest_month(conn: sqlite3.Connection) -> str:
    found = conn.execute(
        "SELECT substr(c.started_at, 1, 7) AS month FROM notes n JOIN calls c "
        "ON c.id = n.call_id GROUP BY month ORDER BY count(*) DESC LIMIT 1"
    ).fetchone()
    return str(found[0])


def pdf_pages(path: Path) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![a-z])", path.read_bytes()))


PLAIN_PAGES = """
import sys
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas
canvas = Canvas(sys.argv[2], pagesize=A4)
for page in range(int(sys.argv[1])):
    for line in range(40):
        canvas.drawString(72, 770 - line * 17, f"Page {page + 1}, line {line + 1}: plain text.")
    canvas.showPage()
canvas.save()
"""


def search_rows(
    services: Services, conn: sqlite3.Connection, size: str, budget: Budget
) -> Iterator[Row]:
    rare, documents = rare_word(conn)
    queries = [
        ("common word", "the"),
        ("prefix", "pric"),
        ("phrase", '"the budget"'),
        ("OR", "pricing OR forecast"),
        ("exclusion", "pricing -budget"),
        (f"rare word ({documents:,} document{'' if documents == 1 else 's'})", rare),
    ]
    for kind, text in queries:
        query = parse_query(text)
        rare_row = kind.startswith("rare word")
        baseline = floor_with_snippets(conn, query) if rare_row else fts_floor(conn, query)
        ours, floor = interleaved(
            lambda text=text: services.search.search(text, limit=50),  # type: ignore[misc]
            baseline,
            budget.search,
            budget.seconds,
        )
        holds = ours.quantile(0.95) < 0.050
        target = "p95 < 50 ms"
        if rare_row:
            assert floor is not None
            holds = holds and ours.median <= 1.2 * floor.median
            target += ", ≤ 1.2× floor+snippets"
        yield Row(f"search {kind} {text}, 50 hits", size, ours, floor, target, holds)


def add_rows(
    services: Services, conn: sqlite3.Connection, size: str, budget: Budget
) -> Iterator[Row]:
    call_id = services.calls.page(limit=1)[0].id
    columns = [row[1] for row in conn.execute("PRAGMA table_info(notes)")]
    others = ", ".join(c for c in columns if c != "id")
    template = conn.execute("SELECT id FROM notes ORDER BY rowid DESC LIMIT 1").fetchone()[0]
    counter = iter(range(10**9))

    def ours() -> object:
        return services.notes.add(
            call_id, NoteKind.PAIN, f"Benchmark note {next(counter)}: pricing came up again"
        )

    def raw() -> None:
        new_id = os.urandom(16).hex()
        conn.execute(
            f"INSERT INTO notes (id, {others}) SELECT ?, {others} FROM notes WHERE id = ?",
            (new_id, template),
        )
        conn.execute(
            "INSERT INTO search_docs (note_id, field, body) VALUES (?, 'text', ?)",
            (new_id, f"Raw note {new_id}: pricing came up again"),
        )
        conn.commit()

    measured, floor = interleaved(ours, raw, budget.add, budget.seconds)
    assert floor is not None
    p99 = measured.quantile(0.99)
    holds = measured.median <= 3 * floor.median and p99 < 0.010
    yield Row(
        "NoteService.add",
        size,
        measured,
        floor,
        f"≤ 3× raw INSERT+COMMIT, p99 < 10 ms (p99 {p99 * 1000:.1f} ms)",
        holds,
    )


def shell_rows(
    url: str, services: Services, conn: sqlite3.Connection, size: str, budget: Budget
) -> Iterator[Row]:
    with tempfile.TemporaryDirectory(prefix="ridealong-bench-") as scratch:
        env = child_env(Path(scratch))
        app = [sys.executable, "-m", "desktop", "--database-url", url]
        bare = [sys.executable, "-c", "pass"]
        call_id = str(services.calls.page(limit=1)[0].id)
        reps, seconds = budget.shell, budget.seconds

        took, floor, _, _ = shell_sample([*app, "search", "pricing"], bare, env, reps, seconds)
        yield Row(
            "ridealong search pricing",
            size,
            took,
            floor,
            f"< {SHELL_LIMIT} s (jrnl: not run)",
            took.median < SHELL_LIMIT,
        )
        took, floor, _, _ = shell_sample(
            [*app, "note", "add", call_id, "--kind", "pain", "pricing came up"],
            bare,
            env,
            reps,
            seconds,
        )
        yield Row(
            "ridealong note add", size, took, floor, f"< {SHELL_LIMIT} s", took.median < SHELL_LIMIT
        )
        took, _, memory, small = shell_sample(
            [*app, "call", "list", "--json"],
            # Showing one call is no floor: opening a big database already costs memory
            # that grows with it (328 MB at 1M notes before issue 16).
            [*app, "--version"],
            env,
            reps,
            seconds,
        )
        yield Row("ridealong call list --json", size, took, None, "< 2 s", took.median < 2.0)
        assert small is not None
        yield Row(
            "call list --json, peak memory",
            size,
            memory,
            small,
            f"≤ --version + {STREAM_SLACK_MB:.0f} MB",
            memory.median <= small.median + STREAM_SLACK_MB,
        )

        month = busiest_month(conn)
        pdf = Path(scratch) / "month.pdf"
        export = [*app, "export", "month", month, "-o", str(pdf), "--quiet"]
        run_child(export, env)
        pages = pdf_pages(pdf)
        plain = [sys.executable, "-c", PLAIN_PAGES, str(pages), str(Path(scratch) / "plain.pdf")]
        took, floor, _, _ = shell_sample(export, plain, env, budget.export, budget.seconds)
        assert floor is not None
        yield Row(
            f"export month {month} ({pages} pages)",
            size,
            took,
            floor,
            "≤ 3× reportlab plain pages",
            took.median <= 3 * floor.median,
        )


WINDOW = """
import sys, time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv[:1])
if sys.argv[1] == "bare":
    window = QMainWindow()
    window.resize(1200, 800)
else:
    from ui.app import create_window
    window = create_window(sys.argv[1])

def closing():
    print(time.perf_counter() - painted_at, flush=True)
    started = time.perf_counter()
    window.close()
    print(time.perf_counter() - started, flush=True)
    app.quit()

def painted():
    global painted_at
    painted_at = time.perf_counter()
    print("painted", flush=True)
    if sys.argv[1] == "bare" or window.is_open:
        closing()
    else:
        # The window opens its database after the first paint: close it once it has.
        window.ready.connect(closing)
        window.open_failed.connect(lambda error: sys.exit(f"open failed: {error}"))

window.show()
QTimer.singleShot(0, painted)
app.exec()
"""


@dataclass(frozen=True, slots=True)
class Opened:
    """One launch of a window: start to first paint, to the database open and the views
    in (`ready`), its close once ready, its peak memory."""

    paint: float
    ready: float
    close: float
    peak_mb: float


def open_window(what: str, env: dict[str, str]) -> Opened:
    """Launch, wait for the first paint (a zero timer after `show`) and for the window to
    be ready, close, exit."""
    child = run_child([sys.executable, "-c", WINDOW, what], env)
    lines = child.stdout.split()
    if len(lines) != 3 or lines[0] != "painted":
        raise RuntimeError(f"the window ({what}) did not open and close cleanly")
    return Opened(
        child.first_line, child.first_line + float(lines[1]), float(lines[2]), child.peak_mb
    )


def window_rows(url: str, size: str, budget: Budget) -> Iterator[Row]:
    """The window as a returning user starts it (the first launch is the warm-up)."""
    with tempfile.TemporaryDirectory(prefix="ridealong-bench-") as scratch:
        env = child_env(Path(scratch))
        ours: list[Opened] = []
        bare: list[Opened] = []
        open_window(url, env)
        open_window("bare", env)
        deadline = time.perf_counter() + budget.seconds
        while len(ours) < budget.shell and (len(ours) < MIN_REPS or time.perf_counter() < deadline):
            ours.append(open_window(url, env))
            bare.append(open_window("bare", env))
    paint = Sample([o.paint for o in ours])
    yield Row(
        "window, start to first paint",
        size,
        paint,
        Sample([b.paint for b in bare]),
        "≤ 0.5 s",
        paint.median <= 0.5,
    )
    ready = Sample([o.ready for o in ours])
    yield Row("window, start to ready (database open, views in)", size, ready, None, "—", None)
    close = Sample([o.close for o in ours])
    yield Row("window close, GUI thread", size, close, None, "< 100 ms", close.quantile(0.95) < 0.1)
    memory = Sample([o.peak_mb for o in ours], "MB")
    floor = Sample([b.peak_mb for b in bare], "MB")
    yield Row(
        "window, peak memory",
        size,
        memory,
        floor,
        "< bare window + 150 MB",
        memory.median < floor.median + 150,
    )


# --- the table -----------------------------------------------------------------------


def cell(value: float, unit: str) -> str:
    if unit == "MB":
        return f"{value:.0f} MB"
    if value < 1:
        return f"{value * 1000:.1f} ms"
    return f"{value:.2f} s"


def render(row: Row) -> str:
    unit = row.measured.unit
    base = cell(row.baseline.median, unit) if row.baseline else "—"
    ratio = f"{row.measured.median / row.baseline.median:.1f}×" if row.baseline else "—"
    held = {True: "yes", False: "NO", None: "—"}[row.holds]
    return (
        f"| {row.operation} | {row.size} | {cell(row.measured.median, unit)} | "
        f"{cell(row.measured.quantile(0.95), unit)} | {base} | {ratio} | {row.target} | "
        f"{held} |"
    )


def machine() -> str:
    try:
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
        ram = f"{memory:.0f} GB RAM"
    except (ValueError, OSError):
        ram = "RAM unknown"
    return (
        f"{os.cpu_count()} CPUs, {ram}, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}"
    )


@contextmanager
def opened(path: Path) -> Iterator[tuple[str, Services, sqlite3.Connection]]:
    url = f"sqlite:///{path}"
    services = Services.open(url)
    conn = sqlite3.connect(path)
    # As durable as the app's own commits, and like them leaving checkpoints to the
    # app's checkpointer thread (SQLite's own only past its bound), so the raw INSERT
    # is a fair floor.
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute(f"PRAGMA wal_autocheckpoint={WAL_BOUND_PAGES}")
    try:
        yield url, services, conn
    finally:
        conn.close()
        services.close()


#: The groups of rows `--only` can pick.
GROUPS = ("search", "add", "shell", "window")


def run_size(notes: int, budget: Budget, work: Path, groups: set[str]) -> Iterator[Row]:
    size = label(notes)
    cached = cached_database(notes)
    # Backups and drafts land beside the database: a folder of its own holds them all.
    with tempfile.TemporaryDirectory(prefix=f"{size}-", dir=work) as folder:
        copy = working_copy(cached, Path(folder))
        with opened(copy) as (url, services, conn):
            if "search" in groups:
                yield from search_rows(services, conn, size, budget)
            if "add" in groups:
                yield from add_rows(services, conn, size, budget)
            if "shell" in groups:
                yield from shell_rows(url, services, conn, size, budget)
        if "window" in groups:
            yield from window_rows(f"sqlite:///{copy}", size, budget)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.benchmarks", description="Ridealong beside its baselines."
    )
    parser.add_argument("--quick", action="store_true", help="10k notes only, about a minute")
    parser.add_argument("--sizes", default="10k,100k,1m", help="default 10k,100k,1m")
    parser.add_argument(
        "--only",
        default=",".join(GROUPS),
        help=f"some of the rows: {', '.join(GROUPS)} (default all), e.g. --only search,add",
    )
    args = parser.parse_args(argv)
    groups = set(args.only.split(","))
    if not groups <= set(GROUPS):
        parser.error(f"--only takes {', '.join(GROUPS)}")
    sizes = [10_000] if args.quick else [parse_size(s) for s in args.sizes.split(",")]
    budget = QUICK if args.quick else FULL
    print(f"# Ridealong benchmarks, {utcnow():%Y-%m-%d %H:%M} UTC")
    print(f"# {machine()}")
    print("| operation | size | median | p95 | baseline | ratio | target | holds |")
    print("|---|---|---|---|---|---|---|---|")
    met = total = 0
    # The processes run the code as installed, from bytecode compiled once: a
    # PYTHONDONTWRITEBYTECODE environment would otherwise compile every module at every
    # start (0.4-0.8 s of each command here), which no installed copy does.
    for package in ("desktop", "ui"):
        compileall.compile_dir(ROOT / package, quiet=1)
    cache_dir().mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="work-", dir=cache_dir()) as work:
        for notes in sizes:
            for row in run_size(notes, budget, Path(work), groups):
                print(render(row), flush=True)
                if row.holds is not None:
                    total += 1
                    met += row.holds
    print(f"targets met: {met}/{total}")
    return 0
