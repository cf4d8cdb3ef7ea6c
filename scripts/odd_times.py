"""Run the test suite at odd moments in odd time zones, as CI cannot.

    apt-get install -y faketime   # libfaketime
    python scripts/odd_times.py                 # the SQLite half at every moment below
    python scripts/odd_times.py -- tests/ui     # or any pytest arguments after --

Each run starts the process's wall clock at the given local moment (it then ticks on,
so runs started a minute before midnight cross it) under the given TZ. Every test pins
its own time with the clock fixture, so all of them must pass whatever the wall says:
a failure here is a test or a code path that reads the real date.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: (local wall-clock start, time zone): month and year ends, a leap day, a daylight-saving
#: jump, and the zones furthest ahead of and behind UTC.
MOMENTS = (
    ("2028-02-29 23:59:30", "Pacific/Kiritimati"),  # leap day, UTC+14
    ("2026-12-31 23:58:00", "America/Los_Angeles"),  # New Year's Eve, late at night
    ("2027-01-31 23:59:50", "Etc/GMT+12"),  # month end, UTC-12
    ("2027-03-28 00:59:00", "Europe/London"),  # clocks go forward at 01:00
    ("2026-11-29 12:00:00", "Asia/Kolkata"),  # an ordinary day, a half-hour zone
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pytest_args", nargs="*", default=["-m", "not postgres"])
    args = parser.parse_args()
    faketime = shutil.which("faketime")
    if faketime is None:
        sys.stderr.write("odd_times: faketime is not installed (apt-get install faketime)\n")
        return 2
    failed = []
    for moment, zone in MOMENTS:
        started = time.monotonic()
        done = subprocess.run(
            [faketime, moment, sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
             *args.pytest_args],
            cwd=ROOT,
            env={**os.environ, "TZ": zone},
            capture_output=True,
            text=True,
        )  # fmt: skip
        summary = (done.stdout.strip().splitlines() or ["(no output)"])[-1]
        print(f"{moment} {zone:<20} {time.monotonic() - started:6.0f} s  {summary}", flush=True)
        if done.returncode != 0:
            failed.append((moment, zone))
            sys.stdout.write(done.stdout[-4000:])
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
