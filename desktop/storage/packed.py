"""A backup packed in one compressed file: its facts up front, its pages compressed.

A packed backup (`*.db.zst`) is a Zstandard stream: first a skippable frame holding the
backup's facts as JSON (schema revision, live calls and notes, the database's size), then
the SQLite file's bytes as one frame with a checksum. Listing backups and the recovery
offer read only the facts (a few hundred bytes), never the pages; a restore decompresses
to a plain file, and the frame's checksum and the recorded size say whether it came back
whole. Any zstd tool unpacks it too (`zstd -d`, which skips the facts frame), giving the
plain SQLite file.

Zstandard (the `zstandard` bindings of the reference C library) rather than the standard
library's gzip or lzma: on 200 MB of the 1M-note database, zstd level 1 took 1.4 s for
30% of the size, gzip level 1 5.2 s for 37%, gzip level 6 13 s for 33%, lzma preset 0
23 s for 27%. Streaming in fixed-size chunks keeps the memory at a few MB whatever the
database's size.
"""

from __future__ import annotations

import json
import os
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import zstandard

from desktop.progress import CancelToken, Progress, no_progress

SUFFIX: Final = ".zst"
#: A skippable frame's magic number (0x184D2A50 to 0x184D2A5F, little-endian): every
#: zstd decoder passes over it; this one is Ridealong's.
_FACTS_MAGIC: Final = 0x184D2A5A
_FACTS_TAG: Final = b"ridealong-backup\n"
_FACTS_MAX: Final = 64 * 1024
#: Zstandard's own frame magic, for a file packed by another tool.
ZSTD_MAGIC: Final = b"\x28\xb5\x2f\xfd"
#: Level 1: the fastest of the standard levels, within about 10% of level 3's size.
LEVEL: Final = 1
CHUNK: Final = 1 << 20


class NotPacked(ValueError):
    """The file is not a packed backup, or its facts cannot be read."""


@dataclass(frozen=True, slots=True)
class Facts:
    """What a packed backup holds, read without unpacking it."""

    revision: str
    calls: int
    notes: int
    #: The unpacked database's size in bytes.
    size: int


def is_packed(header: bytes) -> bool:
    """Whether a file starting with `header` (at least 4 bytes) is a packed backup."""
    return len(header) >= 4 and struct.unpack("<I", header[:4])[0] == _FACTS_MAGIC


def _facts_frame(facts: Facts) -> bytes:
    fields = {"revision": facts.revision, "calls": facts.calls, "notes": facts.notes}
    body = _FACTS_TAG + json.dumps({**fields, "size": facts.size}, sort_keys=True).encode()
    return struct.pack("<II", _FACTS_MAGIC, len(body)) + body


def read_facts(path: Path) -> tuple[Facts, int]:
    """The facts of the packed backup at `path`, and where its pages start; `NotPacked`
    when it is not one (or its facts are damaged)."""
    with path.open("rb") as file:
        head = file.read(8)
        if len(head) < 8 or not is_packed(head):
            raise NotPacked("not a packed backup")
        length = struct.unpack("<I", head[4:])[0]
        body = file.read(length) if length <= _FACTS_MAX else b""
    if len(body) != length or not body.startswith(_FACTS_TAG):
        raise NotPacked("its facts are damaged")
    try:
        raw = json.loads(body[len(_FACTS_TAG) :])
        facts = Facts(str(raw["revision"]), int(raw["calls"]), int(raw["notes"]), int(raw["size"]))
    except (ValueError, KeyError, TypeError):
        raise NotPacked("its facts are damaged") from None
    return facts, 8 + length


def pack(
    plain: Path,
    target: Path,
    facts: Facts,
    *,
    progress: Progress = no_progress,
    cancel: CancelToken | None = None,
) -> None:
    """Write the SQLite file `plain` to `target` (a new file) packed, and fsync it.

    Streamed a chunk at a time (memory stays a few MB whatever the size); on any failure
    `target` is removed."""
    compressor = zstandard.ZstdCompressor(level=LEVEL, write_checksum=True)
    try:
        with plain.open("rb") as source, target.open("xb") as out:
            out.write(_facts_frame(facts))
            with compressor.stream_writer(out, size=facts.size, closefd=False) as writer:
                done = 0
                while chunk := source.read(CHUNK):
                    writer.write(chunk)
                    done += len(chunk)
                    progress(done, facts.size)
                    if cancel is not None:
                        cancel.raise_if_cancelled()
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        target.unlink(missing_ok=True)
        raise


def unpack(
    path: Path,
    target: Path,
    *,
    progress: Progress = no_progress,
    cancel: CancelToken | None = None,
) -> Facts:
    """Write the database packed in `path` to `target` (a new file); `NotPacked` when it
    does not come back whole (a checksum or size that does not match). On any failure
    `target` is removed."""
    facts, start = read_facts(path)
    decompressor = zstandard.ZstdDecompressor()
    try:
        with path.open("rb") as source, target.open("xb") as out:
            source.seek(start)
            done = 0
            try:
                with decompressor.stream_reader(source, read_size=CHUNK, closefd=False) as reader:
                    while chunk := reader.read(CHUNK):
                        out.write(chunk)
                        done += len(chunk)
                        progress(done, max(facts.size, done))
                        if cancel is not None:
                            cancel.raise_if_cancelled()
            except zstandard.ZstdError as error:
                raise NotPacked(f"it is damaged ({error})") from None
            if done != facts.size:
                raise NotPacked(f"it is cut short ({done:,} of {facts.size:,} bytes)")
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return facts
