"""A small disk of its own to fill: a 3 MB tmpfs (mounting needs root; elsewhere the test
that asks for one is skipped)."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest


@contextmanager
def small_disk(where: Path) -> Iterator[Path]:
    """A 3 MB file system mounted at `where`, unmounted afterwards."""
    where.mkdir()
    try:
        mounted = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(where)],
            capture_output=True,
            text=True,
            check=False,
        )
    except FileNotFoundError:
        pytest.skip("no mount command here")
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small disk here (needs root): {mounted.stderr.strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def fill(disk: Path, leave: int) -> Path:
    """Take all the free space on `disk` but `leave` bytes; returns the file taking it."""
    filler = disk / "filler"
    st = os.statvfs(disk)
    size = max(0, st.f_bavail * st.f_frsize - leave)
    with filler.open("wb") as handle, suppress(OSError):
        while size > 0:
            size -= handle.write(bytes(min(size, 1 << 16)))
    return filler
