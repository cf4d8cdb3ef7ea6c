"""Adds notes the way the CLI does, for tests that race it: open, add one note, close,
over and over, with seeded pauses of up to 50 ms between (a person or a script running commands).

Usage: open_add_close.py DATABASE_URL CALL_ID LABEL SEED. Prints "ready", then the text
of each note as soon as its `add` has returned (flushed line by line, so whatever the
parent read was acknowledged). A refusal the user would be shown (`RidealongError`: the
file busy, being restored, replaced) is printed to stderr as "refused: ..." and the next
note is tried; anything else is a crash and ends the process with its traceback. Runs
until killed.
"""

from __future__ import annotations

import itertools
import random
import sys
import time
import uuid

from desktop.domain import NoteKind
from desktop.errors import RidealongError
from desktop.services import Services


def main() -> None:
    url, call_id, label = sys.argv[1], uuid.UUID(sys.argv[2]), sys.argv[3]
    pause = random.Random(int(sys.argv[4]))
    print("ready", flush=True)
    for n in itertools.count():
        text = f"{label} note {n}"
        try:
            services = Services.open(url)
            try:
                services.notes.add(call_id, NoteKind.PAIN, text)
            finally:
                services.close()
        except RidealongError as error:
            sys.stderr.write(f"refused: {error}\n")
            sys.stderr.flush()
        else:
            sys.stdout.write(f"{text}\n")
            sys.stdout.flush()
        time.sleep(pause.uniform(0, 0.05))


if __name__ == "__main__":
    main()
