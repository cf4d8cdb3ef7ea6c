"""Text still being typed, and notes the database could not take yet, kept on disk so a
crash, a kill or a full disk loses nothing.

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


@dataclass(frozen=True, slots=True)
class PendingNote:
    """A filed note the database could not take yet: kept on disk, retried until stored.

    Its id is chosen before the first attempt, so retries store it exactly once.
    """

    note_id: uuid.UUID
    call_id: uuid.UUID
    kind: NoteKind
    text: str
    offset_ms: int | None
    intensity: int | None
    quote_worthy: bool
    author: str | None
    filed_at: datetime
    #: Who said it: a contact of the call, by id (matched before the note was queued).
    speaker: str | None = None
    #: The qualification criterion (its key) a question is to be linked to once stored.
    criterion: str | None = None


class Outbox:
    """Filed notes waiting for the database, one JSON file each, oldest first."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder

    def _path(self, note_id: uuid.UUID) -> Path:
        return self._folder / f"{note_id}.json"

    def put(self, note: PendingNote) -> None:
        self._folder.mkdir(parents=True, exist_ok=True)
        data = asdict(note)
        data.update(
            note_id=str(note.note_id),
            call_id=str(note.call_id),
            kind=note.kind.value,
            filed_at=note.filed_at.isoformat(),
        )
        write_atomically(self._path(note.note_id), json.dumps(data).encode("utf-8"))

    def remove(self, note_id: uuid.UUID) -> None:
        self._path(note_id).unlink(missing_ok=True)

    def pending(self) -> list[PendingNote]:
        if not self._folder.is_dir():
            return []
        notes = [n for p in self._folder.glob("*.json") if (n := self._read(p)) is not None]
        return sorted(notes, key=lambda n: n.filed_at)

    @staticmethod
    def _read(path: Path) -> PendingNote | None:
        try:
            data = json.loads(path.read_bytes().decode("utf-8"))
            return PendingNote(
                note_id=uuid.UUID(data["note_id"]),
                call_id=uuid.UUID(data["call_id"]),
                kind=NoteKind(data["kind"]),
                text=str(data["text"]),
                offset_ms=data.get("offset_ms"),
                intensity=data.get("intensity"),
                quote_worthy=bool(data.get("quote_worthy")),
                author=data.get("author"),
                filed_at=datetime.fromisoformat(data["filed_at"]),
                speaker=data.get("speaker"),
                criterion=data.get("criterion"),
            )
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError) as error:
            log.warning("ignoring unreadable queued note %s: %s", path, error)
            return None
