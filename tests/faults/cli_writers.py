"""Processes that file notes the way the CLI does (open, add, close), for the red-team
runs that race them against a restore or a purge."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Writer:
    """An open_add_close process, the notes it reported as added, and its stderr."""

    process: subprocess.Popen[str]
    added: list[str]
    reader: threading.Thread
    errors: Path

    @classmethod
    def start(cls, url: str, call_id: uuid.UUID, label: str, seed: int, errors: Path) -> Writer:
        args = ["-m", "tests.helpers.open_add_close", url, str(call_id), label, str(seed)]
        with errors.open("w") as stderr:
            process = subprocess.Popen(
                [sys.executable, *args],
                stdout=subprocess.PIPE,
                stderr=stderr,
                cwd=ROOT,
                env={**os.environ, "PYTHONPATH": str(ROOT)},
                text=True,
            )
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "ready", errors.read_text()
        added: list[str] = []

        def read() -> None:
            assert process.stdout is not None
            for line in process.stdout:
                if line.endswith("\n"):  # a line cut by the kill was never reported
                    added.append(line.strip())

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        return cls(process, added, reader, errors)

    def stop(self) -> str:
        """Kill it; returns what it wrote to stderr."""
        self.process.kill()
        self.process.wait(30)
        self.reader.join(30)
        assert self.process.stdout is not None
        self.process.stdout.close()
        return self.errors.read_text()

    def wait_for(self, count: int, timeout: float = 60) -> None:
        """Until it has reported `count` notes added."""
        deadline = time.monotonic() + timeout
        while len(self.added) < count:
            assert self.process.poll() is None, self.errors.read_text()
            assert time.monotonic() < deadline, "the writer stopped writing"
            time.sleep(0.005)
