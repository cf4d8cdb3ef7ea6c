"""The notes as a CSV file a spreadsheet opens as it is: one row per note.

UTF-8 with a byte-order mark, because Excel reads a CSV without one in the machine's
legacy code page and turns every accent and emoji into mojibake. Quoting, separators and
line ends are the standard library's `csv` (RFC 4180's CRLF, fields quoted when they
hold a comma, a quote or a line break), which every spreadsheet reads back.

Notes are typed during calls by people and can say anything, so a cell is never allowed
to start like a formula: text beginning with `=`, `+`, `-`, `@`, a tab or a carriage
return gets a leading apostrophe (OWASP's advice on CSV injection), and Excel, LibreOffice
and Google Sheets show it as text instead of running `=HYPERLINK(...)` or `=cmd|...`.

The file is written beside its target and renamed over it when whole, so a failure or a
cancel leaves no partial file and an older export of the same name untouched.
"""

from __future__ import annotations

import contextlib
import csv
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Final

from desktop.errors import UserError
from desktop.progress import CancelToken, Progress, no_progress
from desktop.reports.files import check_target
from desktop.services import Services
from desktop.services.note_rows import NoteRow
from desktop.services.periods import Period

#: The header row, in the order of `cells`.
COLUMNS: Final = (
    "Call date",
    "Account",
    "Rep",
    "Marketer",
    "Kind",
    "Note",
    "Themes",
    "Intensity",
    "Speaker",
    "Answer heard",
    "Rep's response",
    "Review status",
    "Reviewed by",
    "Correction",
    "Comment",
    "Call id",
    "Note id",
)

#: What a spreadsheet may take as the start of a formula (OWASP, "CSV Injection").
FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True, slots=True)
class CsvInfo:
    """What an export wrote."""

    path: Path
    notes: int


def safe(text: str | None) -> str:
    """A cell's text that no spreadsheet runs as a formula."""
    if not text:
        return ""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


@lru_cache(maxsize=64)
def _local_day(moment: datetime) -> str:
    """The call's day on this machine's calendar (a call's notes share the moment)."""
    return moment.astimezone().date().isoformat()


def cells(row: NoteRow) -> list[str | int]:
    """One note as the spreadsheet's row; every piece of text made `safe`."""
    speaker = row.speaker
    if speaker and row.speaker_title:
        speaker = f"{speaker} ({row.speaker_title})"
    text = [
        row.account,
        row.rep,
        row.marketer,
        row.kind.label,
        row.text,
        ", ".join(row.themes),
    ]
    return [
        _local_day(row.call_started_at),
        *(safe(t) for t in text),
        row.intensity if row.intensity is not None else "",
        safe(speaker),
        safe(row.answer),
        safe(row.response),
        row.review_status.label,
        safe(row.reviewed_by),
        safe(row.correction),
        safe("\n".join(row.comments)),
        str(row.call_id),
        str(row.note_id),
    ]


def write_notes_csv(
    services: Services,
    period: Period,
    path: str | os.PathLike[str],
    *,
    progress: Progress = no_progress,
    cancel: CancelToken | None = None,
) -> CsvInfo:
    """Write every live note of the period's live calls to `path`, whole or not at all.

    A path that cannot be written is a `UserError` before any work; a failure while
    writing (a full disk) is one too, and removes the temporary file, as a cancel does.
    """
    target = check_target(path, example="notes.csv")
    try:
        # The target's name may be near the 255 bytes a name can have: the temporary one
        # keeps its first 40 characters, so it always fits beside it.
        handle, temp_name = tempfile.mkstemp(
            prefix=f".{target.name[:40]}.", suffix=".part", dir=target.parent
        )
    except OSError as error:
        raise UserError(f"cannot write {target}: {error.strerror or error}") from None
    temp = Path(temp_name)
    try:
        with os.fdopen(handle, "w", encoding="utf-8-sig", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(COLUMNS)

            def emit(batch: Sequence[NoteRow]) -> None:
                writer.writerows(cells(row) for row in batch)

            notes = services.note_rows.stream(period, emit, progress=progress, cancel=cancel)
        os.replace(temp, target)
    except OSError as error:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise UserError(f"cannot write {target}: {error.strerror or error}") from None
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    return CsvInfo(target, notes)
