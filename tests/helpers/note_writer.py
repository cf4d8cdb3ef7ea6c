"""Adds notes through the services as fast as it can, for tests that kill it or race it.

Usage: note_writer.py DATABASE_URL CALL_ID LABEL [COUNT]. Prints "ready" once the
database is open, then the id of each note as soon as its `add` has returned (flushed
line by line, so whatever the parent read was committed). Without COUNT it runs until
killed.
"""

from __future__ import annotations

import itertools
import sys
import uuid

from desktop.domain import NoteKind
from desktop.services import Services


def main() -> None:
    url, call_id, label = sys.argv[1], uuid.UUID(sys.argv[2]), sys.argv[3]
    count = int(sys.argv[4]) if len(sys.argv) > 4 else None
    services = Services.open(url)
    print("ready", flush=True)
    numbers = range(count) if count is not None else itertools.count()
    for n in numbers:
        note = services.notes.add(call_id, NoteKind.PAIN, f"{label} note {n}: budget frozen")
        sys.stdout.write(f"{note.id}\n")
        sys.stdout.flush()
    services.close()


if __name__ == "__main__":
    main()
