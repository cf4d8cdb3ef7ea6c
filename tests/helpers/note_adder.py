"""Runs `ridealong note add` again and again in one process, each a whole command (open,
add, close), for tests that fill the disk under it.

Usage: note_adder.py DATA_DIR CALL_ID COUNT [FILE_SIZE_LIMIT]. Prints the id of each
note whose command succeeded (flushed, so whatever the parent read was acknowledged);
the commands' refusals go to stderr. With FILE_SIZE_LIMIT (bytes), no file may grow
past it, as on a disk with that little room.
"""

from __future__ import annotations

import resource
import signal
import sys

from desktop.cli import main as ridealong

TEXT = "budget frozen until Q3 " * 150  # a few pages a note, so the file must grow


def main() -> None:
    data_dir, call_id, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    if len(sys.argv) > 4:
        limit = int(sys.argv[4])
        # A write past the limit fails (EFBIG) instead of killing the process.
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(
            resource.RLIMIT_FSIZE, (limit, resource.getrlimit(resource.RLIMIT_FSIZE)[1])
        )
    for n in range(count):
        ridealong(["--data-dir", data_dir, "note", "add", call_id, "--kind", "pain", f"{n} {TEXT}"])
        sys.stdout.flush()


if __name__ == "__main__":
    main()
