"""Where an export may go: its path checked before any work, with the reason in words.

Kept apart from `layout` so that an export that draws nothing (CSV) does not load
reportlab to check a path.
"""

from __future__ import annotations

import os
from pathlib import Path

from desktop.errors import UserError


def check_target(path: str | os.PathLike[str], example: str = "report.pdf") -> Path:
    """The file's path, refused with a clear message when it cannot be written;
    `example` is the file name suggested when a folder is given."""
    target = Path(path).expanduser()
    try:
        return _checked_target(target, example)
    except OSError as error:  # a name too long for the file system, a loop of links...
        raise UserError(f"cannot write {target}: {error.strerror or error}") from None


def _checked_target(target: Path, example: str) -> Path:
    if target.is_dir():
        raise UserError(f"{target} is a folder; give a file name such as {target / example}")
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.exists():
        raise UserError(f"cannot write {target}: the folder {folder} does not exist")
    if not folder.is_dir():
        raise UserError(f"cannot write {target}: {folder} is not a folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise UserError(f"cannot write {target}: the folder {folder} is not writable")
    if target.exists() and not os.access(target, os.W_OK):
        raise UserError(f"cannot write {target}: the file is read-only")
    return target
