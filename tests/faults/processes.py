"""Helper processes the red-team runs start beside a test, race and kill, and what the
command line shows of their work."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from desktop.cli import main
from tests.fakes import FakeClock

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Helper:
    """A helper process from `tests/helpers` and the lines it has printed so far (a line
    cut short by a kill is not counted: what it said was never finished)."""

    process: subprocess.Popen[str]
    lines: list[str]
    reader: threading.Thread

    @classmethod
    def start(cls, module: str, *args: str, ready: bool = True) -> Helper:
        process = subprocess.Popen(
            [sys.executable, "-m", f"tests.helpers.{module}", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            text=True,
        )
        assert process.stdout is not None
        if ready:
            assert process.stdout.readline().strip() == "ready", process.stderr and (
                process.stderr.read()
            )
        lines: list[str] = []

        def read() -> None:
            assert process.stdout is not None
            for line in process.stdout:
                if line.endswith("\n"):
                    lines.append(line.strip())

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        return cls(process, lines, reader)

    def wait_for(self, n: int, timeout: float = 60) -> None:
        """Until it has printed `n` lines (it must still be running)."""
        deadline = time.monotonic() + timeout
        while len(self.lines) < n:
            assert self.process.poll() is None, self.process.stderr and self.process.stderr.read()
            assert time.monotonic() < deadline, f"{self.process.args} stopped printing"
            time.sleep(0.005)

    def finish(self, timeout: float = 60) -> str:
        """Wait for it to end (after a kill, or of itself); returns what it wrote on stderr."""
        self.process.wait(timeout)
        self.reader.join(timeout)
        assert self.process.stdout is not None and self.process.stderr is not None
        errors = self.process.stderr.read()
        self.process.stdout.close()
        self.process.stderr.close()
        return errors


def notes_shown(data: Path, call_id: str, capsys: pytest.CaptureFixture[str]) -> set[str]:
    """The ids `call show --json` lists (the command must succeed)."""
    code = main(["--data-dir", str(data), "call", "show", call_id, "--json"], clock=FakeClock())
    out = capsys.readouterr()
    assert code == 0, out.err
    return {note["id"] for note in json.loads(out.out)["notes"]}
