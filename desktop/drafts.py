"""Text still being typed, kept on disk so a crash or a kill loses nothing.

The capture box saves its draft at least once a second; a draft is one small JSON file
per call, replaced atomically, and removed when the note is filed. On the next start
the window offers any draft it finds back to the user.
"""

from __future__ import annotations

import json
import logging
import uuid
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from desktop.config import write_atomically
from desktop.domain import NoteKind

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Draft:
    call_id: uuid.UUID
    text: str
    kind: NoteKind
    intensity: int | None
    quote_worthy: bool
    saved_at: datetime
    #: Set when the text is an edit of a filed note rather than a new note.
    note_id: uuid.UUID | None = None


class DraftStore:
    def __init__(self, folder: Path) -> None:
        self._folder = folder

    def _path(self, call_id: uuid.UUID) -> Path:
        return self._folder / f"{call_id}.json"

    def save(self, draft: Draft) -> None:
        self._folder.mkdir(parents=True, exist_ok=True)
        data = asdict(draft)
        data.update(
            call_id=str(draft.call_id),
            kind=draft.kind.value,
            saved_at=draft.saved_at.isoformat(),
            note_id=str(draft.note_id) if draft.note_id else None,
        )
        write_atomically(
            self._path(draft.call_id), json.dumps(data).encode("utf-8", "surrogatepass")
        )

    def load(self, call_id: uuid.UUID) -> Draft | None:
        return self._read(self._path(call_id))

    def all(self) -> list[Draft]:
        """Every readable draft, newest first."""
        if not self._folder.is_dir():
            return []
        drafts = [d for p in self._folder.glob("*.json") if (d := self._read(p)) is not None]
        return sorted(drafts, key=lambda d: d.saved_at, reverse=True)

    def clear(self, call_id: uuid.UUID) -> None:
        self._path(call_id).unlink(missing_ok=True)

    @staticmethod
    def _read(path: Path) -> Draft | None:
        try:
            data = json.loads(path.read_bytes().decode("utf-8", "surrogatepass"))
            return Draft(
                call_id=uuid.UUID(data["call_id"]),
                text=str(data["text"]),
                kind=NoteKind(data["kind"]),
                intensity=data.get("intensity"),
                quote_worthy=bool(data.get("quote_worthy")),
                saved_at=datetime.fromisoformat(data["saved_at"]),
                note_id=uuid.UUID(data["note_id"]) if data.get("note_id") else None,
            )
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError) as error:
            log.warning("ignoring unreadable draft %s: %s", path, error)
            return None
