"""The benchmark databases: demo data of a given number of notes, built once and cached.

A cached file is named by its size and a digest of what made it (the demo generator,
the fragments it composes notes from, and the migrations), so changing any of them
builds a fresh one. Each run works on a copy, so writes never leak into the cache.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import sys
import time
from datetime import UTC, datetime
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

import desktop.demo
import desktop.storage.migrations
from desktop.demo import generate
from desktop.services import Services

#: Demo calls carry about 14 notes each: 720 calls make 10k notes.
CALLS_PER_1000_NOTES = 72
#: Two years of calls, so the busiest month of 1M notes holds ~3,300 calls.
MONTHS = 24
SEED = 7
#: The demo's timestamps end here, so a rebuild is the same file whatever today is.
BUILT_AT = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def parse_size(text: str) -> int:
    """`10k`, `100k`, `1m` or a plain number of notes."""
    raw = text.strip().lower()
    scale = {"k": 1_000, "m": 1_000_000}.get(raw[-1:], 1)
    number = raw[:-1] if scale != 1 else raw
    try:
        notes = int(float(number) * scale)
    except ValueError:
        raise SystemExit(f"not a size: {text!r} (try 10k, 100k or 1m)") from None
    if notes < 1000:
        raise SystemExit(f"a size must be at least 1k notes, not {text!r}")
    return notes


def label(notes: int) -> str:
    if notes % 1_000_000 == 0:
        return f"{notes // 1_000_000}m"
    if notes % 1000 == 0:
        return f"{notes // 1000}k"
    return str(notes)


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "ridealong-bench"


def generator_digest() -> str:
    """What the data depends on: the generator's code, its fragments, the schema."""
    digest = hashlib.sha256()
    sources: list[tuple[str, Traversable]] = []
    for package in (desktop.demo, desktop.storage.migrations):
        root = Path(package.__file__ or "").parent
        sources += [(str(p.relative_to(root.parent)), p) for p in sorted(root.rglob("*.py"))]
    fragments = resources.files("desktop.resources") / "demo"
    sources += [(f"demo/{f.name}", f) for f in sorted(fragments.iterdir(), key=lambda f: f.name)]
    for name, source in sources:
        digest.update(name.encode())
        digest.update(source.read_bytes())
    digest.update(f"{CALLS_PER_1000_NOTES}:{MONTHS}:{SEED}:{BUILT_AT.isoformat()}".encode())
    return digest.hexdigest()[:12]


def cached_database(notes: int) -> Path:
    """The cached file for `notes` notes, built now if missing (minutes at 1M)."""
    folder = cache_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{label(notes)}-{generator_digest()}.db"
    if path.exists():
        return path
    calls = notes * CALLS_PER_1000_NOTES // 1000
    partial = path.with_suffix(".building")
    for leftover in folder.glob(partial.name + "*"):
        leftover.unlink()
    print(f"building {label(notes)} ({calls:,} demo calls) in {path} ...", file=sys.stderr)
    started = time.perf_counter()

    def progress(done: int, total: int) -> None:
        print(f"\r  {done:,}/{total:,} calls", end="", file=sys.stderr, flush=True)

    with Services.open(f"sqlite:///{partial}") as services:
        summary = generate(
            services, calls=calls, months=MONTHS, seed=SEED, progress=progress, now=BUILT_AT
        )
    _fold_wal(partial)
    partial.rename(path)
    print(f"\n  {summary.notes:,} notes in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return path


def working_copy(cached: Path, folder: Path) -> Path:
    """A copy to run on, so the cache stays as built."""
    copy = folder / cached.name
    shutil.copyfile(cached, copy)
    # Written out before anything is timed: a 1.5 GB copy still being flushed slows
    # every commit measured meanwhile (a raw commit of 0.8 s was seen).
    os.sync()
    return copy


def _fold_wal(path: Path) -> None:
    """Write the WAL back into the file, so the cache is one file that copies whole."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
