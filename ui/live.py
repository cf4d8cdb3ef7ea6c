"""Teammates' writes shown as they commit, and the team database's reachability shown
while it is gone.

`LiveRefresh` asks the services' listener (`Services.live`, PostgreSQL only) twice a
second what teammates touched and announces it as one `AppEvents.changed`, so every
view refreshes the way it does after the window's own writes (keeping the selection,
the scroll and the text being typed). The listener skips the window's own writes, so
nothing refreshes twice.

`OfflineBanner` says "Offline, N notes waiting" while the server cannot be reached or
the outbox holds notes, and goes away by itself once they are sent.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal, Slot
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QWidget

from desktop.services.live import CALLS, DEFINITIONS, NOTES, QUALIFICATION, LiveChanges, Touched
from ui.events import AppEvents, Changes
from ui.outbox import OutboxRetrier

POLL_MS = 500


def changes_of(touched: Touched, source: object) -> Changes:
    """What the views understand of a teammate's writes."""
    every = touched.everything
    return Changes(
        call_ids=touched.call_ids,
        calls=every or CALLS in touched.kinds,
        notes=every or NOTES in touched.kinds,
        qualification=every or QUALIFICATION in touched.kinds,
        definitions=every or DEFINITIONS in touched.kinds,
        source=source,
    )


class LiveRefresh(QObject):
    """Signals: online_changed(bool) when the team database goes or comes back."""

    online_changed = Signal(bool)

    def __init__(
        self,
        live: LiveChanges,
        events: AppEvents,
        outbox: OutboxRetrier,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._live = live
        self._events = events
        self._outbox = outbox
        self._online: bool | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._poll)

    @property
    def online(self) -> bool | None:
        return self._online

    def start(self) -> None:
        self._live.start()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    @Slot()
    def _poll(self) -> None:
        online = self._live.online
        if online is not None and online != self._online:
            self._online = online
            if online and self._outbox.pending():
                self._outbox.retry()  # the server is back: send now, not at the next tick
            self.online_changed.emit(online)
        if online is False:
            return  # views would only fail to read; the listener says all once back
        touched = self._live.take()
        if touched is not None:
            self._events.changed.emit(changes_of(touched, self))


class OfflineBanner(QFrame):
    """Says "Offline, N notes waiting" while the database cannot take notes; hidden
    otherwise."""

    def __init__(
        self, outbox: OutboxRetrier, live: LiveRefresh | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("offlineBanner")
        self.setProperty("role", "banner")
        self.setAccessibleName("Offline")
        self._outbox = outbox
        self._live = live
        self._reason = ""
        self.label = QLabel(self)
        self.label.setObjectName("offlineText")
        self.label.setWordWrap(True)
        layout = QHBoxLayout(self)
        layout.addWidget(self.label, 1)
        outbox.changed.connect(self.update_state)
        outbox.failing.connect(self._on_failing)
        if live is not None:
            live.online_changed.connect(self.update_state)
        self.update_state()

    @Slot(str)
    def _on_failing(self, reason: str) -> None:
        self._reason = reason
        self.update_state()

    @Slot()
    def update_state(self) -> None:
        waiting = len(self._outbox.pending())
        gone = self._live is not None and self._live.online is False
        self.setVisible(gone or waiting > 0)
        notes = "1 note" if waiting == 1 else f"{waiting} notes"
        if gone:
            heading = f"Offline, {notes} waiting." if waiting else "Offline."
            kept = "they are" if waiting else "notes you file are"
            self.label.setText(
                f"<b>{heading}</b> The team database cannot be reached; {kept} kept on this "
                "computer and sent when it is back. Keep typing."
            )
        elif waiting:
            why = f" ({self._reason.rstrip('.')})" if self._reason else ""
            self.label.setText(
                f"<b>{notes.capitalize()} waiting.</b> Kept on this computer and retried every "
                f"few seconds until the database takes them{why}."
            )
