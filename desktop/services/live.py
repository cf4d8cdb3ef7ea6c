"""Teammates' writes, as they commit: a listener on the team database.

On PostgreSQL every write sends a notification (`storage/live.py`); `LiveChanges`
holds a connection of its own that LISTENs for them on a background thread and
gathers what they touched until the window `take`s it. It knows whether the server
can be reached: a lost connection is retried every `RETRY_S` seconds. Each time the
LISTEN begins (at start, and when the server is back) everything counts as touched,
since what was written before it was never heard.
The window polls it; nothing here knows of Qt.
"""

from __future__ import annotations

import logging
import threading
from typing import Any, Final

from desktop.storage.database import Database
from desktop.storage.live import CALLS, DEFINITIONS, NOTES, QUALIFICATION, Touched, decode

__all__ = ["CALLS", "DEFINITIONS", "NOTES", "QUALIFICATION", "LiveChanges", "Touched"]

log = logging.getLogger(__name__)

#: How long the thread waits for a notification before it looks whether to stop.
WAIT_S: Final = 0.5
RETRY_S: Final = 1.0


class LiveChanges:
    """What other writers changed on a team database since the last `take`."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._lock = threading.Lock()
        self._touched: Touched | None = None
        self._online: bool | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def online(self) -> bool | None:
        """Whether the listening connection is up (None until the first try ends)."""
        return self._online

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="live-changes", daemon=True)
            self._thread.start()

    def take(self) -> Touched | None:
        """What was touched since the last call (None: nothing)."""
        with self._lock:
            touched, self._touched = self._touched, None
        return touched

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            # A connection attempt in flight may take its timeout; the thread is a
            # daemon and stops at its next look at the flag.
            self._thread.join(timeout=1)
            self._thread = None

    def _add(self, touched: Touched) -> None:
        with self._lock:
            self._touched = touched if self._touched is None else self._touched | touched

    def _run(self) -> None:
        import psycopg

        while not self._stop.is_set():
            try:
                conn = self._db.listening_connection()
            except psycopg.Error as error:
                self._went_offline(error)
                self._stop.wait(RETRY_S)
                continue
            # What was written before the LISTEN (while the window loaded, or while the
            # server was gone) was never heard: have everything looked at again.
            self._add(Touched(everything=True))
            self._online = True
            try:
                with conn:
                    self._listen(conn)
            except psycopg.Error as error:
                self._went_offline(error)
                self._stop.wait(RETRY_S)

    def _listen(self, conn: Any) -> None:
        while not self._stop.is_set():
            for notice in conn.notifies(timeout=WAIT_S):
                said = decode(notice.payload)
                if said is not None and said[0] != self._db.origin:
                    self._add(said[1])

    def _went_offline(self, error: Exception) -> None:
        if self._online is not False:
            # Not the driver's words: they may name the server's user or address.
            log.warning("cannot listen on the team database (%s); retrying", type(error).__name__)
        self._online = False
