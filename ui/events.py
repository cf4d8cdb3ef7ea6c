"""One app-wide announcement of what changed, so views reload only what concerns them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from PySide6.QtCore import QObject, Signal


@dataclass(frozen=True, slots=True)
class Changes:
    """What a write touched. `source` lets the initiator skip its own echo."""

    call_ids: frozenset[uuid.UUID] = field(default_factory=frozenset)
    calls: bool = False
    notes: bool = False
    qualification: bool = False
    definitions: bool = False
    source: object | None = None

    def touches(self, call_id: uuid.UUID | None) -> bool:
        return call_id is not None and call_id in self.call_ids


class AppEvents(QObject):
    """Signals: `changed(Changes)` after every write; `status(str)` for the status bar."""

    changed = Signal(object)
    status = Signal(str)
