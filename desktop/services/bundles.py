"""Bundle files: a call, or a month of calls, carried to another laptop in one file, for
a team without a shared server.

A bundle (`*.ridealong`) is a zip of JSON members: `manifest.json` (format, format
version, app version, when it was made by the services' clock, what it covers, and the
size and sha256 of every other member) and one member per kind of row (`people.json`,
`accounts.json`, `contacts.json`, `frameworks.json`, `criteria.json`,
`definitions.json`, `calls.json`, `notes.json`, `annotations.json`, `answers.json`,
`competitors.json`). The competitor list is small and team-wide, so every bundle carries
all of it; a bundle made before the list existed has no `competitors.json` and is read
as carrying an empty list (the format version is unchanged).
Grades are columns of calls, outcomes of accounts; a note carries its tags, speaker and
criterion, an annotation its reclassification, an answer its supporting notes. Trashed
calls, notes and annotations travel with their `deleted_at`, so a trashing travels too.
Every row keeps its UUID, `created_at`, `updated_at` and `version` as the exporter had
them, and an import stores them as they come: a row's state (version, updated_at) names
the same state on every laptop that holds it.

Merging (`import_bundle`), one transaction, all or nothing:

- A row absent here is added.
- A row whose content equals ours is skipped (whatever its version: importing a bundle
  twice, or a bundle of what we sent, changes nothing). If theirs carries a later stamp
  (a rep's verdict bumps the note it judges), ours takes that stamp, so that our next
  edit reads as made after theirs on the next exchange.
- Versioned rows (accounts, calls, notes, annotations, answers, competitors), content
  differing: no laptop stores the state a row was based on, so the base is read from
  the two states themselves. A row is edited only after it is received, so when our row
  is the base of theirs, theirs has more edits (a higher version) *and* the later last
  edit (updated_at); when theirs is the base of ours, both are lower. So: theirs higher on
  both -> updated; ours higher (or equal) on both -> skipped, ours is newer; anything
  else (the same version with different content, or a higher version with an earlier
  time) means both sides edited since they last agreed -> a conflict: ours is kept and
  the conflict is reported with both versions (`take_theirs` takes theirs on a second
  import). The one edit this cannot see is ours made *before* a later, longer run of
  theirs on a row both edited; clocks a day apart can also misread. A stored base per
  row would need a migration; the rule keeps every case where one side edited exact.
- A note's review status is not carried: it is recomputed from the live annotations
  after the merge (without touching the note's version), so several reviewers'
  annotations on one note and several marketers' notes on one call never conflict.
- People, accounts, frameworks and criteria made separately on two laptops are the
  same things: a person or account not found by id is matched by name (case and spacing
  ignored), a framework by key, a criterion by key within it, a contact by name within
  its account, a definition by term and revision, an answer by call and criterion, a
  listed competitor by its key (`competitor_key`). The local row is kept and the
  bundle's references to it are redirected. A definition or answer so matched whose
  content differs is a conflict.
- Competitors known here by id are merged before new ones, so a name they renamed away
  from and listed again is a new entry; a rename to a name another competitor here has
  is a conflict that only a rename here can settle (taking theirs would list it twice).
- Contacts have no version: theirs replaces ours when its updated_at is later. People,
  frameworks, criteria and definitions are never changed by an import.
- A row deleted for good here (trash emptied) comes back if a bundle carries it.

Limits (a bundle is a file from someone else; nothing is read before it is checked):
the file at most 200 MB; at most 16 members, only the names above (no folders, no
`../`, no absolute names); 200 MB uncompressed in all, checked from the zip's directory
before reading and counted again while reading; a member over 1 MB compressed more than
200 to 1 is refused as a zip bomb; the manifest at most 1 MB; only stored or deflated
members, none encrypted. Then every member's sha256, then every row's fields (types,
lengths, choices) and every reference (a row a bundle refers to must be in it). Any
failure is one `UserError` and nothing is written.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import uuid
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, Final

from sqlalchemy import bindparam, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from desktop import __version__
from desktop.domain import (
    CallStatus,
    CallType,
    CriterionStatus,
    Grade,
    NoteKind,
    Outcome,
    ReviewStatus,
    Role,
    Verdict,
)
from desktop.errors import UserError
from desktop.progress import CancelToken, Progress, no_progress
from desktop.services.base import Service, check_storable, name_key
from desktop.services.calls import day_end, day_start
from desktop.services.competitors import competitor_key
from desktop.services.notes import check_offset, normalize_tag
from desktop.services.periods import Period
from desktop.storage import models as m

FORMAT: Final = "ridealong-bundle"
FORMAT_VERSION: Final = 1
SUFFIX: Final = ".ridealong"
MANIFEST: Final = "manifest.json"

_MB: Final = 1024 * 1024
MAX_FILE_BYTES: Final = 200 * _MB
MAX_TOTAL_BYTES: Final = 200 * _MB
MAX_MANIFEST_BYTES: Final = 1 * _MB
MAX_MEMBERS: Final = 16
MAX_RATIO: Final = 200
#: Below this a member's compression ratio is not looked at (a small file of one
#: repeated character compresses well and harms nobody).
RATIO_FROM_BYTES: Final = 1 * _MB
_CHUNK: Final = 256 * 1024

_META = ("id", "created_at", "updated_at", "version")


# -- what a bundle holds ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class F:
    """One field of a bundle row: its JSON name, its type, the kind it refers to."""

    name: str
    type: str | type[StrEnum]
    ref: str | None = None
    optional: bool = False


@dataclass(frozen=True, slots=True)
class Kind:
    key: str
    word: str
    model: type[Any]
    fields: tuple[F, ...]
    versioned: bool = False


def _o(name: str, kind: str | type[StrEnum], ref: str | None = None) -> F:
    return F(name, kind, ref, optional=True)


KINDS: Final = (
    Kind("people", "person", m.Person, (F("name", "str"), F("role", Role))),
    Kind(
        "accounts",
        "account",
        m.Account,
        (
            F("name", "str"),
            _o("industry", "str"),
            _o("segment", "str"),
            _o("size", "str"),
            F("outcome", Outcome),
            _o("outcome_on", "date"),
            _o("outcome_reason", "str"),
        ),
        versioned=True,
    ),
    Kind(
        "contacts",
        "contact",
        m.Contact,
        (
            F("account_id", "uuid", "accounts"),
            F("name", "str"),
            _o("title", "str"),
            _o("deal_role", "str"),
        ),
    ),
    Kind(
        "frameworks",
        "framework",
        m.Framework,
        (F("key", "str"), F("name", "str"), F("description", "str"), F("builtin", "bool")),
    ),
    Kind(
        "criteria",
        "criterion",
        m.Criterion,
        (
            F("framework_id", "uuid", "frameworks"),
            F("key", "str"),
            F("name", "str"),
            F("question", "str"),
            F("position", "int"),
        ),
    ),
    Kind(
        "definitions",
        "definition",
        m.Definition,
        (
            F("term", "str"),
            F("body", "str"),
            F("revision", "int"),
            F("retired", "bool"),
            _o("author_id", "uuid", "people"),
        ),
    ),
    Kind(
        "calls",
        "call",
        m.Call,
        (
            F("account_id", "uuid", "accounts"),
            _o("rep_id", "uuid", "people"),
            _o("marketer_id", "uuid", "people"),
            _o("framework_id", "uuid", "frameworks"),
            F("call_type", CallType),
            _o("stage", "str"),
            F("started_at", "time"),
            _o("ended_at", "time"),
            F("status", CallStatus),
            _o("grade", Grade),
            _o("grade_reason", "str"),
            _o("graded_by_id", "uuid", "people"),
            _o("graded_at", "time"),
            _o("grade_definitions_revision", "int"),
            _o("next_step", "str"),
            _o("deleted_at", "time"),
            F("contact_ids", "uuids", "contacts"),
        ),
        versioned=True,
    ),
    Kind(
        "notes",
        "note",
        m.Note,
        (
            F("call_id", "uuid", "calls"),
            F("kind", NoteKind),
            F("text", "str"),
            F("offset_ms", "int"),
            _o("author_id", "uuid", "people"),
            _o("intensity", "int"),
            F("quote_worthy", "bool"),
            F("case_study", "bool"),
            F("messaging", "bool"),
            _o("response", "str"),
            _o("answer", "str"),
            _o("criterion_id", "uuid", "criteria"),
            _o("deleted_at", "time"),
            F("tags", "tags"),
            _o("speaker_id", "uuid", "contacts"),
        ),
        versioned=True,
    ),
    Kind(
        "annotations",
        "annotation",
        m.Annotation,
        (
            F("note_id", "uuid", "notes"),
            _o("verdict", Verdict),
            _o("correction", "str"),
            _o("comment", "str"),
            _o("reclassified", "json"),
            _o("author_id", "uuid", "people"),
            _o("deleted_at", "time"),
        ),
        versioned=True,
    ),
    Kind(
        "answers",
        "criterion answer",
        m.CriterionAnswer,
        (
            F("call_id", "uuid", "calls"),
            F("criterion_id", "uuid", "criteria"),
            F("status", CriterionStatus),
            _o("answer", "str"),
            _o("updated_by_id", "uuid", "people"),
            F("note_ids", "uuids", "notes"),
        ),
        versioned=True,
    ),
    Kind("competitors", "competitor", m.Competitor, (F("name", "str"),), versioned=True),
)
BY_KEY: Final = {k.key: k for k in KINDS}
MEMBERS: Final = frozenset(f"{k.key}.json" for k in KINDS)
#: Members a bundle from before they existed lacks (migration 0003 added the competitor
#: list); a missing one reads as empty.
OPTIONAL_MEMBERS: Final = frozenset({"competitors.json"})


# -- values handed back ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BundleInfo:
    """A bundle written: where, and how many calls and notes it carries."""

    path: Path
    calls: int
    notes: int
    size: int


@dataclass(frozen=True, slots=True)
class KindCount:
    kind: str
    added: int = 0
    updated: int = 0
    skipped: int = 0
    conflicts: int = 0


@dataclass(frozen=True, slots=True)
class RowState:
    """One side of a conflict: the row's version, its last edit and what it says."""

    version: int | None
    updated_at: datetime
    text: str


@dataclass(frozen=True, slots=True)
class BundleConflict:
    """A row both sides changed since they last agreed; ours was kept."""

    kind: str
    id: uuid.UUID
    label: str
    mine: RowState
    theirs: RowState


@dataclass(frozen=True, slots=True)
class ImportSummary:
    path: Path
    counts: tuple[KindCount, ...]
    conflicts: tuple[BundleConflict, ...]
    call_ids: frozenset[uuid.UUID]

    @property
    def changed(self) -> bool:
        return any(c.added or c.updated for c in self.counts)


# -- reading a bundle safely -------------------------------------------------------------


class _Bad(Exception):
    """A bundle found wrong; becomes one UserError naming the file."""


def _refuse(path: Path, why: str) -> UserError:
    return UserError(f"{path} is not a bundle this app can import: {why}; nothing was changed")


def read_bundle(path: str | os.PathLike[str]) -> tuple[dict[str, Any], dict[str, list[Any]]]:
    """The manifest and each kind's rows (still raw JSON), after every check of the file
    itself; a hostile or damaged file is one `UserError`."""
    source = Path(path).expanduser()
    try:
        size = source.stat().st_size
    except FileNotFoundError:
        raise UserError(f"no such file: {source}") from None
    except OSError as error:
        raise UserError(f"cannot read {source}: {error.strerror or error}") from None
    if source.is_dir():
        raise UserError(f"{source} is a folder, not a bundle file")
    if size > MAX_FILE_BYTES:
        raise _refuse(source, f"it is larger than {MAX_FILE_BYTES // _MB} MB")
    try:
        with zipfile.ZipFile(source) as archive:
            return _read_archive(archive)
    except _Bad as error:
        raise _refuse(source, str(error)) from None
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, ValueError):
        raise _refuse(source, "it is not a zip file, or it is damaged") from None
    except OSError as error:
        raise UserError(f"cannot read {source}: {error.strerror or error}") from None


def _read_archive(archive: zipfile.ZipFile) -> tuple[dict[str, Any], dict[str, list[Any]]]:
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        raise _Bad(f"it has {len(infos)} members (at most {MAX_MEMBERS})")
    seen: set[str] = set()
    total = 0
    for info in infos:
        name = info.filename
        if (
            name.startswith(("/", "\\"))
            or ".." in name.replace("\\", "/").split("/")
            or (len(name) > 1 and name[1] == ":")
        ):
            raise _Bad(f"it holds a file with an unsafe name ({name!r})")
        if name != MANIFEST and name not in MEMBERS:
            raise _Bad(f"it holds an unexpected file ({name!r})")
        if name in seen:
            raise _Bad(f"it holds {name} twice")
        seen.add(name)
        if info.flag_bits & 0x1:
            raise _Bad(f"{name} is encrypted")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _Bad(f"{name} uses a compression this app does not read")
        total += info.file_size
        if total > MAX_TOTAL_BYTES:
            raise _Bad(f"it would unpack to more than {MAX_TOTAL_BYTES // _MB} MB")
        if info.file_size > RATIO_FROM_BYTES and info.file_size > MAX_RATIO * max(
            1, info.compress_size
        ):
            raise _Bad(f"{name} expands more than {MAX_RATIO} to 1 (a zip bomb?)")
    if MANIFEST not in seen:
        raise _Bad("it has no manifest.json")
    budget = [MAX_TOTAL_BYTES]
    manifest_bytes = _read_member(archive, MANIFEST, MAX_MANIFEST_BYTES, budget)
    manifest = _parse_json(manifest_bytes, MANIFEST)
    listed = _check_manifest(manifest, seen - {MANIFEST})
    rows: dict[str, list[Any]] = {}
    for name, expected in sorted(listed.items()):
        data = _read_member(archive, name, MAX_TOTAL_BYTES, budget)
        if hashlib.sha256(data).hexdigest() != expected:
            raise _Bad(f"the checksum of {name} does not match its manifest")
        value = _parse_json(data, name)
        del data
        if not isinstance(value, list):
            raise _Bad(f"{name} is not a list of rows")
        rows[name.removesuffix(".json")] = value
    return manifest, rows


def _read_member(archive: zipfile.ZipFile, name: str, limit: int, budget: list[int]) -> bytes:
    """A member's bytes, counted as they come: never more than `limit` or than what is
    left of the whole bundle's budget, whatever the zip's directory claimed."""
    cap = min(limit, budget[0])
    parts: list[bytes] = []
    read = 0
    with archive.open(name) as stream:
        while chunk := stream.read(_CHUNK):
            read += len(chunk)
            if read > cap:
                raise _Bad(f"{name} unpacks to more than {cap // _MB or 1} MB")
            parts.append(chunk)
    budget[0] -= read
    return b"".join(parts)


def _parse_json(data: bytes, name: str) -> Any:
    try:
        return json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise _Bad(f"{name} is not valid JSON") from None


def _check_manifest(manifest: Any, present: set[str]) -> dict[str, str]:
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise _Bad("its manifest is not a Ridealong bundle's")
    version = manifest.get("format_version")
    if version != FORMAT_VERSION:
        raise _Bad(
            f"it is in bundle format {version!r}; this app reads format {FORMAT_VERSION}"
            + (" (update the app)" if isinstance(version, int) and version > 1 else "")
        )
    members = manifest.get("members")
    if not isinstance(members, dict):
        raise _Bad("its manifest lists no members")
    listed: dict[str, str] = {}
    for name, about in members.items():
        digest = about.get("sha256") if isinstance(about, dict) else None
        if not isinstance(digest, str):
            raise _Bad(f"its manifest gives no checksum for {name}")
        listed[name] = digest
    if set(listed) != present:
        missing = sorted(set(listed) ^ present)
        raise _Bad(f"its manifest and its files disagree ({', '.join(missing)})")
    if lacking := MEMBERS - OPTIONAL_MEMBERS - set(listed):
        raise _Bad(f"it lacks {', '.join(sorted(lacking))}")
    return listed


# -- checking rows ----------------------------------------------------------------------


def _length(kind: Kind, name: str) -> int | None:
    column = kind.model.__table__.c.get(name)
    return getattr(column.type, "length", None) if column is not None else None


def _parse_field(kind: Kind, spec: F, value: Any) -> Any:
    where = f"{kind.word} field {spec.name}"
    if value is None:
        if spec.optional:
            return None
        raise _Bad(f"a {where} is missing")
    t = spec.type
    if isinstance(t, type):
        try:
            return t(value)
        except (TypeError, ValueError):
            raise _Bad(f"a {where} is {str(value)[:40]!r}, not one of its choices") from None
    if t == "uuid":
        return _uuid(value, where)
    if t == "uuids":
        if not isinstance(value, list):
            raise _Bad(f"a {where} is not a list")
        return frozenset(_uuid(v, where) for v in value)
    if t == "str":
        if not isinstance(value, str):
            raise _Bad(f"a {where} is not text")
        limit = _length(kind, spec.name)
        if limit is not None and len(value) > limit:
            raise _Bad(f"a {where} is longer than {limit} characters")
        try:
            return check_storable(value, where)
        except UserError as error:
            raise _Bad(str(error)) from None
    if t == "int":
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 2**31:
            raise _Bad(f"a {where} is not a whole number from 0")
        return value
    if t == "bool":
        if not isinstance(value, bool):
            raise _Bad(f"a {where} is not true or false")
        return value
    if t == "time":
        try:
            moment = datetime.fromisoformat(value)
        except (TypeError, ValueError):
            raise _Bad(f"a {where} is not a date and time") from None
        if moment.tzinfo is None:
            raise _Bad(f"a {where} has no time zone")
        return moment.astimezone(UTC)
    if t == "date":
        try:
            return date.fromisoformat(value)
        except (TypeError, ValueError):
            raise _Bad(f"a {where} is not a date") from None
    if t == "tags":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise _Bad(f"a {where} is not a list of themes")
        try:
            return frozenset(normalize_tag(v) for v in value)
        except UserError as error:
            raise _Bad(str(error)) from None
    if t == "json":
        return _reclassified(value, where)
    raise AssertionError(t)


def _uuid(value: Any, where: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except (TypeError, ValueError, AttributeError):
        raise _Bad(f"a {where} is not an id") from None


def _reclassified(value: Any, where: str) -> dict[str, Any]:
    """A reviewer's reclassification, shaped as `Annotation.reclassified` says."""
    ok = isinstance(value, dict) and set(value) <= {"kind", "intensity", "added", "removed"}
    if ok:
        kind, intensity = value.get("kind"), value.get("intensity")
        pairs_ok = kind is None or (
            isinstance(kind, list) and len(kind) == 2 and all(k in set(NoteKind) for k in kind)
        )
        levels_ok = intensity is None or (
            isinstance(intensity, list)
            and len(intensity) == 2
            and all(i is None or (type(i) is int and 1 <= i <= 5) for i in intensity)
        )
        lists_ok = all(
            isinstance(value.get(k, []), list) and all(isinstance(t, str) for t in value.get(k, []))
            for k in ("added", "removed")
        )
        ok = pairs_ok and levels_ok and lists_ok
    if not ok:
        raise _Bad(f"a {where} is not a reclassification")
    return dict(value)


def parse_rows(raw: dict[str, list[Any]]) -> dict[str, list[dict[str, Any]]]:
    """Every row's fields checked and turned into Python values, every id unique and every
    reference pointing at a row of the bundle."""
    parsed: dict[str, list[dict[str, Any]]] = {}
    ids: dict[str, set[uuid.UUID]] = {}
    for kind in KINDS:
        rows: list[dict[str, Any]] = []
        for item in raw.get(kind.key, []):
            if not isinstance(item, dict):
                raise _Bad(f"a {kind.word} is not an object")
            row = {
                "id": _parse_field(kind, F("id", "uuid"), item.get("id")),
                "created_at": _parse_field(kind, F("created_at", "time"), item.get("created_at")),
                "updated_at": _parse_field(kind, F("updated_at", "time"), item.get("updated_at")),
            }
            if kind.versioned:
                row["version"] = _parse_field(kind, F("version", "int"), item.get("version"))
                if row["version"] < 1:
                    raise _Bad(f"a {kind.word} has version {row['version']}")
            for spec in kind.fields:
                row[spec.name] = _parse_field(kind, spec, item.get(spec.name))
            rows.append(row)
        keys = [r["id"] for r in rows]
        if len(set(keys)) != len(keys):
            raise _Bad(f"a {kind.word} appears twice")
        parsed[kind.key] = rows
        ids[kind.key] = set(keys)
    for kind in KINDS:
        for row in parsed[kind.key]:
            for spec in kind.fields:
                if spec.ref is None or row[spec.name] is None:
                    continue
                wanted = row[spec.name] if spec.type == "uuids" else {row[spec.name]}
                if not wanted <= ids[spec.ref]:
                    raise _Bad(
                        f"{kind.word} {row['id']} refers to a {BY_KEY[spec.ref].word} "
                        "the bundle does not contain"
                    )
    for note in parsed["notes"]:
        if note["intensity"] is not None and not 1 <= note["intensity"] <= 5:
            raise _Bad(f"note {note['id']} has intensity {note['intensity']} (1 to 5)")
        try:
            check_offset(note["offset_ms"])
        except UserError as error:
            raise _Bad(f"note {note['id']}: {error}") from None
    for competitor in parsed["competitors"]:
        if not competitor_key(competitor["name"]):
            raise _Bad(f"competitor {competitor['id']} has no name")
    for key, what, same in _NATURAL_KEYS:
        seen = [same(row) for row in parsed[key]]
        if len(set(seen)) != len(seen):
            raise _Bad(f"it holds {what} twice")
    return parsed


#: What makes two rows of a kind the same thing (the database's unique keys): a bundle
#: holding two such rows is refused before it could break them.
_NATURAL_KEYS: Final[tuple[tuple[str, str, Callable[[dict[str, Any]], object]], ...]] = (
    ("people", "one person", lambda r: name_key(r["name"])),
    ("accounts", "one account", lambda r: name_key(r["name"])),
    ("frameworks", "one framework", lambda r: r["key"]),
    ("criteria", "one criterion", lambda r: (r["framework_id"], r["key"])),
    ("definitions", "one definition", lambda r: (name_key(r["term"]), r["revision"])),
    ("answers", "a call's answer to one criterion", lambda r: (r["call_id"], r["criterion_id"])),
    ("competitors", "one competitor", lambda r: competitor_key(r["name"])),
)


# -- rows to and from the database -------------------------------------------------------


def _row_values(kind: Kind, row: Any) -> dict[str, Any]:
    """A stored row as the Python values `parse_rows` gives for a bundle's."""
    out: dict[str, Any] = {"id": row.id, "created_at": row.created_at, "updated_at": row.updated_at}
    if kind.versioned:
        out["version"] = row.version
    for spec in kind.fields:
        if spec.name == "contact_ids":
            out[spec.name] = frozenset(c.id for c in row.contacts)
        elif spec.name == "note_ids":
            out[spec.name] = frozenset(n.id for n in row.notes)
        elif spec.name == "tags":
            out[spec.name] = frozenset(t.name for t in row.tags)
        elif spec.name == "speaker_id":
            out[spec.name] = row.speaker.id if row.speaker is not None else None
        else:
            out[spec.name] = getattr(row, spec.name)
    return out


def _to_json(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, frozenset):
        return sorted(_to_json(v) for v in value)
    return value


def _json_row(values: dict[str, Any]) -> dict[str, Any]:
    return {name: _to_json(value) for name, value in values.items()}


def _content(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if k not in _META}


def _describe(values: dict[str, Any], other: dict[str, Any]) -> str:
    """What a row says where it differs from the other side, a line per field, for the
    conflict list (a changed reference is named as changed: its id means nothing to a
    reader)."""
    lines = []
    for name, value in _content(values).items():
        if value == other.get(name):
            continue
        word = name.removesuffix("_id").removesuffix("_ids").replace("_", " ")
        if isinstance(value, uuid.UUID) or (
            isinstance(value, frozenset) and all(isinstance(v, uuid.UUID) for v in value) and value
        ):
            lines.append(f"{word}: changed")
        elif value is None or value == frozenset():
            lines.append(f"{word}: (none)")
        elif isinstance(value, bool):
            lines.append(f"{word}: {'yes' if value else 'no'}")
        else:
            shown = _to_json(value)
            lines.append(f"{word}: {', '.join(shown) if isinstance(shown, list) else shown}")
    return "\n".join(lines)


def _label(kind: Kind, values: dict[str, Any]) -> str:
    for name in ("text", "name", "term", "correction", "comment", "answer"):
        text = values.get(name)
        if isinstance(text, str) and text:
            return f"{kind.word} “{text[:60]}”"
    if kind.key == "calls":
        return f"call of {values['started_at'].astimezone():%Y-%m-%d %H:%M}"
    return f"{kind.word} {values['id']}"


# -- the service --------------------------------------------------------------------------


@dataclass
class _Merge:
    """One import's working state: ids redirected to local rows, counts, conflicts."""

    take_theirs: frozenset[uuid.UUID]
    redirect: dict[uuid.UUID, uuid.UUID] = field(default_factory=dict)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    conflicts: list[BundleConflict] = field(default_factory=list)
    versions: list[tuple[Kind, uuid.UUID, int]] = field(default_factory=list)
    restamp: list[tuple[Kind, uuid.UUID, int, datetime]] = field(default_factory=list)
    reviewed: set[uuid.UUID] = field(default_factory=set)
    call_ids: set[uuid.UUID] = field(default_factory=set)

    def count(self, kind: Kind, what: str) -> None:
        self.counts.setdefault(
            kind.key, dict.fromkeys(("added", "updated", "skipped", "conflicts"), 0)
        )
        self.counts[kind.key][what] += 1

    def local(self, value: Any) -> Any:
        if isinstance(value, uuid.UUID):
            return self.redirect.get(value, value)
        if isinstance(value, frozenset) and all(isinstance(v, uuid.UUID) for v in value):
            return frozenset(self.redirect.get(v, v) for v in value)
        return value


class BundleService(Service):
    """Export a call or a month to a bundle file; import one, merging by id and version."""

    def export_bundle(
        self,
        path: str | os.PathLike[str],
        *,
        call_id: uuid.UUID | None = None,
        month: Period | None = None,
        progress: Progress = no_progress,
        cancel: CancelToken | None = None,
    ) -> BundleInfo:
        """Write the call (or every call of the month, trashed ones too, so a trashing
        travels) with everything it refers to, atomically: a temporary file beside the
        target, renamed over it when whole."""
        if (call_id is None) == (month is None):
            raise UserError("export a bundle of one call or of one month")
        target = _writable(Path(path).expanduser())
        with self._db.read(snapshot=True) as s:
            rows = self._gather(s, call_id, month, progress, cancel)
        members = {
            f"{key}.json": json.dumps(items, ensure_ascii=False, sort_keys=True, indent=1).encode()
            for key, items in rows.items()
        }
        scope: dict[str, str] = {"call": str(call_id)} if call_id else {}
        if month is not None:
            scope = {"month": f"{month.start:%Y-%m}"}
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "app_version": __version__,
            "created_at": self._now().astimezone(UTC).isoformat(),
            "scope": scope,
            "members": {
                name: {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
                for name, data in sorted(members.items())
            },
        }
        members[MANIFEST] = json.dumps(manifest, indent=1, sort_keys=True).encode()
        size = _write_zip(target, members)
        progress(1, 1)
        return BundleInfo(
            path=target, calls=len(rows["calls"]), notes=len(rows["notes"]), size=size
        )

    def _gather(
        self,
        s: Session,
        call_id: uuid.UUID | None,
        month: Period | None,
        progress: Progress,
        cancel: CancelToken | None,
    ) -> dict[str, list[dict[str, Any]]]:
        if call_id is not None:
            calls = [c for c in [s.get(m.Call, call_id)] if c is not None]
            if not calls:
                raise UserError(f"no call with id {call_id}")
        else:
            assert month is not None
            calls = list(
                s.scalars(
                    select(m.Call)
                    .where(m.Call.started_at >= day_start(month.start))
                    .where(m.Call.started_at < day_end(month.end))
                    .order_by(m.Call.started_at, m.Call.id)
                    .options(selectinload(m.Call.contacts), selectinload(m.Call.account))
                )
            )
            if not calls:
                raise UserError(f"no calls in {month.start:%B %Y} to export")
        ids = [c.id for c in calls]
        notes: list[m.Note] = []
        answers: list[m.CriterionAnswer] = []
        for start in range(0, len(ids), 500):
            if cancel is not None:
                cancel.raise_if_cancelled()
            chunk = ids[start : start + 500]
            notes += s.scalars(
                select(m.Note)
                .where(m.Note.call_id.in_(chunk))
                .options(selectinload(m.Note.tags), selectinload(m.Note.speaker))
            )
            answers += s.scalars(
                select(m.CriterionAnswer)
                .where(m.CriterionAnswer.call_id.in_(chunk))
                .options(selectinload(m.CriterionAnswer.notes))
            )
            progress(start, 2 * len(ids))
        annotations: list[m.Annotation] = []
        note_ids = [n.id for n in notes]
        for start in range(0, len(note_ids), 500):
            chunk = note_ids[start : start + 500]
            annotations += s.scalars(select(m.Annotation).where(m.Annotation.note_id.in_(chunk)))
        accounts = {c.account_id: c.account for c in calls}
        contacts = {c.id: c for a in accounts.values() for c in a.contacts}
        for n in notes:
            if n.speaker is not None:
                contacts[n.speaker.id] = n.speaker
        frameworks = {c.framework.id: c.framework for c in calls if c.framework is not None}
        criterion_ids = {n.criterion_id for n in notes if n.criterion_id} | {
            a.criterion_id for a in answers
        }
        for criterion_id in criterion_ids - {c.id for f in frameworks.values() for c in f.criteria}:
            criterion = s.get(m.Criterion, criterion_id)
            if criterion is not None:
                frameworks[criterion.framework_id] = criterion.framework
        criteria = [c for f in frameworks.values() for c in f.criteria]
        definitions = list(s.scalars(select(m.Definition).order_by(m.Definition.revision)))
        people_ids = {
            p
            for p in (
                *(x for c in calls for x in (c.rep_id, c.marketer_id, c.graded_by_id)),
                *(n.author_id for n in notes),
                *(a.author_id for a in annotations),
                *(a.updated_by_id for a in answers),
                *(d.author_id for d in definitions),
            )
            if p is not None
        }
        people = [p for p in (s.get(m.Person, i) for i in sorted(people_ids)) if p is not None]
        found: dict[str, Iterable[Any]] = {
            "people": people,
            "accounts": accounts.values(),
            "contacts": contacts.values(),
            "frameworks": frameworks.values(),
            "criteria": criteria,
            "definitions": definitions,
            "calls": calls,
            "notes": notes,
            "annotations": annotations,
            "answers": answers,
            "competitors": s.scalars(select(m.Competitor)),
        }
        return {
            kind.key: sorted(
                (_json_row(_row_values(kind, row)) for row in found[kind.key]),
                key=lambda r: r["id"],
            )
            for kind in KINDS
        }

    def import_bundle(
        self,
        path: str | os.PathLike[str],
        *,
        take_theirs: Iterable[uuid.UUID] = (),
        progress: Progress = no_progress,
        cancel: CancelToken | None = None,
    ) -> ImportSummary:
        """Merge a bundle into the database in one transaction (see the module's rules);
        `take_theirs` names conflicting rows to take from the bundle instead of keeping
        ours (the window's "Take theirs")."""
        source = Path(path).expanduser()
        _manifest, raw = read_bundle(source)
        try:
            parsed = parse_rows(raw)
        except _Bad as error:
            raise _refuse(source, str(error)) from None
        del raw
        merge = _Merge(frozenset(take_theirs))
        total = sum(len(rows) for rows in parsed.values())
        done = 0
        try:
            with self._db.write() as s:
                for kind in KINDS:
                    rows = parsed[kind.key]
                    # Held here: the session's identity map keeps rows only while
                    # something does, and every lookup below is answered from it.
                    held = _preload(s, kind, [merge.local(v["id"]) for v in rows])
                    if kind.key == "competitors":  # renames first (see the module)
                        known = set(held)
                        rows = sorted(rows, key=lambda v: v["id"] not in known)
                    with s.no_autoflush:
                        for values in rows:
                            if cancel is not None and done % 200 == 0:
                                cancel.raise_if_cancelled()
                            self._merge_row(s, kind, values, merge, held)
                            if kind.key == "competitors":
                                s.flush()  # the next one's name is looked up in the table
                            done += 1
                            if done % 200 == 0:
                                progress(done, total)
                    s.flush()
                    del held
                _set_versions(s, merge.versions)
                _restamp(s, merge.restamp)
                _review_statuses(s, merge.reviewed)
        except IntegrityError:
            raise _refuse(source, "its rows clash with rows already here") from None
        progress(total, total)
        return ImportSummary(
            path=source,
            counts=tuple(KindCount(k.key, **merge.counts.get(k.key, {})) for k in KINDS),
            conflicts=tuple(merge.conflicts),
            call_ids=frozenset(merge.call_ids),
        )

    def _merge_row(
        self,
        s: Session,
        kind: Kind,
        values: dict[str, Any],
        merge: _Merge,
        held: dict[uuid.UUID, Any],
    ) -> None:
        values = {name: merge.local(value) for name, value in values.items()}
        local = held.get(values["id"])
        matched = local is None and (local := _natural(s, kind, values)) is not None
        if local is None:
            obj = kind.model(id=values["id"])
            _assign(s, kind, obj, values)
            s.add(obj)
            if kind.versioned:
                merge.versions.append((kind, values["id"], values["version"]))
            merge.count(kind, "added")
            self._touched(kind, values, merge)
            return
        ours = _row_values(kind, local)
        if matched:
            merge.redirect[values["id"]] = local.id
            values = {**values, "id": local.id}
        if _content(ours) == _content(values):
            if kind.versioned and not matched and _decide(kind, ours, values) == "update":
                # The same content, stamped later there (a rep's verdict bumps the note it
                # judges): take their stamp, so that our next edit reads as after theirs.
                merge.restamp.append((kind, local.id, values["version"], values["updated_at"]))
            merge.count(kind, "skipped")
            return
        decision = _decide(kind, ours, values, matched=matched)
        if decision == "conflict" and values["id"] in merge.take_theirs:
            decision = "update"
        if (
            decision == "update"
            and kind.key == "competitors"
            and _listed(s, values, other_than=local.id) is not None
        ):
            decision = "conflict"
        if decision == "update":
            _assign(s, kind, local, values)
            if kind.versioned:
                local.version = values["version"]
            merge.count(kind, "updated")
            self._touched(kind, values, merge)
        elif decision == "conflict":
            merge.count(kind, "conflicts")
            merge.conflicts.append(
                BundleConflict(
                    kind=kind.key,
                    id=local.id,
                    label=_label(kind, ours),
                    mine=RowState(ours.get("version"), ours["updated_at"], _describe(ours, values)),
                    theirs=RowState(
                        values.get("version"), values["updated_at"], _describe(values, ours)
                    ),
                )
            )
        else:
            merge.count(kind, "skipped")

    @staticmethod
    def _touched(kind: Kind, values: dict[str, Any], merge: _Merge) -> None:
        if kind.key == "calls":
            merge.call_ids.add(values["id"])
        elif kind.key in ("notes", "answers"):
            merge.call_ids.add(values["call_id"])
        if kind.key == "notes":
            merge.reviewed.add(values["id"])
        elif kind.key == "annotations":
            merge.reviewed.add(values["note_id"])


def _decide(
    kind: Kind, ours: dict[str, Any], theirs: dict[str, Any], *, matched: bool = False
) -> str:
    """update, keep or conflict, for a row whose content differs (see the module)."""
    if matched:
        return "conflict" if kind.key in ("definitions", "answers") else "keep"
    if kind.versioned:
        if theirs["version"] > ours["version"] and theirs["updated_at"] >= ours["updated_at"]:
            return "update"
        if theirs["version"] < ours["version"] and theirs["updated_at"] <= ours["updated_at"]:
            return "keep"
        return "conflict"
    if kind.key == "contacts" and theirs["updated_at"] > ours["updated_at"]:
        return "update"
    return "keep"


def _natural(s: Session, kind: Kind, values: dict[str, Any]) -> Any:
    """The local row that is the same thing made separately, if any (see the module)."""
    if kind.key in ("people", "accounts"):
        model: Any = kind.model
        return s.scalars(select(model).where(model.name_key == name_key(values["name"]))).first()
    if kind.key == "contacts":
        key = name_key(values["name"])
        found = s.scalars(select(m.Contact).where(m.Contact.account_id == values["account_id"]))
        return next((c for c in found if name_key(c.name) == key), None)
    if kind.key == "frameworks":
        return s.scalars(select(m.Framework).where(m.Framework.key == values["key"])).first()
    if kind.key == "criteria":
        return s.scalars(
            select(m.Criterion).where(
                m.Criterion.framework_id == values["framework_id"],
                m.Criterion.key == values["key"],
            )
        ).first()
    if kind.key == "definitions":
        return s.scalars(
            select(m.Definition).where(
                m.Definition.term_key == name_key(values["term"]),
                m.Definition.revision == values["revision"],
            )
        ).first()
    if kind.key == "answers":
        return s.scalars(
            select(m.CriterionAnswer).where(
                m.CriterionAnswer.call_id == values["call_id"],
                m.CriterionAnswer.criterion_id == values["criterion_id"],
            )
        ).first()
    if kind.key == "competitors":
        return _listed(s, values)
    return None


def _listed(
    s: Session, values: dict[str, Any], *, other_than: uuid.UUID | None = None
) -> m.Competitor | None:
    """The competitor listed here under that name (other than the row being merged)."""
    query = select(m.Competitor).where(m.Competitor.name_key == competitor_key(values["name"]))
    if other_than is not None:
        query = query.where(m.Competitor.id != other_than)
    return s.scalars(query).first()


def _assign(s: Session, kind: Kind, obj: Any, values: dict[str, Any]) -> None:
    """Give a row the bundle's values, times included (the write session keeps times
    it is given)."""
    obj.created_at = values["created_at"]
    obj.updated_at = values["updated_at"]
    for spec in kind.fields:
        value = values[spec.name]
        if spec.name == "contact_ids":
            obj.contacts = [s.get(m.Contact, i) for i in sorted(value)]
        elif spec.name == "note_ids":
            obj.notes = [s.get(m.Note, i) for i in sorted(value)]
        elif spec.name == "tags":
            obj.tags = [_tag(s, name) for name in sorted(value)]
        elif spec.name == "speaker_id":
            obj.speaker = s.get(m.Contact, value) if value is not None else None
        else:
            setattr(obj, spec.name, value)
    if kind.key in ("people", "accounts"):
        obj.name_key = name_key(values["name"])
    elif kind.key == "definitions":
        obj.term_key = name_key(values["term"])
    elif kind.key == "competitors":
        obj.name_key = competitor_key(values["name"])


def _tag(s: Session, name: str) -> m.Tag:
    """The theme of that name, made on first use; looked up once per import (the
    session's `info` keeps them)."""
    tags: dict[str, m.Tag] = s.info.setdefault("bundle_tags", {})
    if not tags:
        tags.update((t.name, t) for t in s.scalars(select(m.Tag)))
    tag = tags.get(name)
    if tag is None:
        tag = tags[name] = m.Tag(name=name)
        s.add(tag)
    return tag


_PRELOAD: Final[dict[str, tuple[Any, ...]]] = {
    "calls": (selectinload(m.Call.contacts),),
    "notes": (selectinload(m.Note.tags), selectinload(m.Note.speaker)),
    "answers": (selectinload(m.CriterionAnswer.notes),),
}


def _preload(s: Session, kind: Kind, ids: list[uuid.UUID]) -> dict[uuid.UUID, Any]:
    """The local rows with these ids (and what comparing them reads), in a few queries
    instead of one per row."""
    found: dict[uuid.UUID, Any] = {}
    for start in range(0, len(ids), 500):
        found.update(
            (row.id, row)
            for row in s.scalars(
                select(kind.model)
                .where(kind.model.id.in_(ids[start : start + 500]))
                .options(*_PRELOAD.get(kind.key, ()))
            )
        )
    return found


def _set_versions(s: Session, versions: list[tuple[Kind, uuid.UUID, int]]) -> None:
    """Added rows take the bundle's version (SQLAlchemy numbers an insert itself)."""
    for kind in KINDS:
        rows = [{"row_id": i, "new_version": v} for k, i, v in versions if k is kind]
        if rows:
            table: Any = kind.model.__table__
            s.execute(
                update(table)
                .where(table.c.id == bindparam("row_id"))
                .values(version=bindparam("new_version")),
                rows,
            )


def _restamp(s: Session, stamps: list[tuple[Kind, uuid.UUID, int, datetime]]) -> None:
    """Rows whose content we had, given the later stamp (version, updated_at) they
    carry there, without counting as an edit here."""
    for kind, row_id, version, updated_at in stamps:
        s.execute(
            update(kind.model)
            .where(kind.model.id == row_id)
            .values(version=version, updated_at=updated_at)
            .execution_options(synchronize_session="fetch")
        )


def _review_statuses(s: Session, note_ids: set[uuid.UUID]) -> None:
    """Each touched note's review status from its live annotations, the review service's
    rule (the latest verdict), written without counting as an edit of the note."""
    ordered = sorted(note_ids)
    changes: list[dict[str, Any]] = []
    for start in range(0, len(ordered), 500):
        chunk = ordered[start : start + 500]
        latest: dict[uuid.UUID, Verdict] = {}
        for note_id, verdict in s.execute(
            select(m.Annotation.note_id, m.Annotation.verdict)
            .where(
                m.Annotation.note_id.in_(chunk),
                m.Annotation.deleted_at.is_(None),
                m.Annotation.verdict.is_not(None),
            )
            .order_by(m.Annotation.created_at)
        ):
            if verdict is not None:
                latest[note_id] = verdict
        for note_id, status in s.execute(
            select(m.Note.id, m.Note.review_status).where(m.Note.id.in_(chunk))
        ):
            wanted = ReviewStatus(latest[note_id]) if note_id in latest else ReviewStatus.UNREVIEWED
            if status != wanted:
                changes.append({"row_id": note_id, "status": wanted})
    if changes:
        table: Any = m.Note.__table__
        s.execute(
            update(table)
            .where(table.c.id == bindparam("row_id"))
            .values(review_status=bindparam("status")),
            changes,
        )


def _writable(target: Path) -> Path:
    try:
        return _checked(target)
    except OSError as error:  # a name too long for the file system, a loop of links...
        raise UserError(f"cannot write {target}: {error.strerror or error}") from None


def _checked(target: Path) -> Path:
    if target.is_dir():
        raise UserError(
            f"{target} is a folder; give a file name such as {target / 'calls.ridealong'}"
        )
    folder = target.parent
    if not folder.is_dir():
        raise UserError(f"cannot write {target}: the folder {folder} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise UserError(f"cannot write {target}: the folder {folder} is not writable")
    return target


def _write_zip(target: Path, members: dict[str, bytes]) -> int:
    """The zip written beside `target` and renamed over it when whole."""
    temporary = ""
    try:
        handle, temporary = tempfile.mkstemp(prefix=".bundle-", dir=target.parent)
        with os.fdopen(handle, "wb") as raw, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as z:
            for name in [MANIFEST, *sorted(set(members) - {MANIFEST})]:
                info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                z.writestr(info, members[name])
        os.replace(temporary, target)
    except OSError as error:
        if temporary:
            Path(temporary).unlink(missing_ok=True)
        raise UserError(f"cannot write {target}: {error.strerror or error}") from None
    except BaseException:
        if temporary:
            Path(temporary).unlink(missing_ok=True)
        raise
    return target.stat().st_size


def summary_lines(summary: ImportSummary) -> Iterator[str]:
    """The import's outcome in words, one line per kind of row that was in the bundle,
    then one per conflict: what the CLI prints and the window shows."""
    for count in summary.counts:
        if count.added or count.updated or count.skipped or count.conflicts:
            yield (
                f"{count.kind}: {count.added} added, {count.updated} updated, "
                f"{count.skipped} skipped, {count.conflicts} conflicts"
            )
    for conflict in summary.conflicts:
        yield (
            f"conflict: {BY_KEY[conflict.kind].word} {conflict.id} ({conflict.label}): kept "
            f"yours ({state_words(conflict.mine)}) over theirs ({state_words(conflict.theirs)})"
        )


def state_words(state: RowState) -> str:
    """ "version 3, edited 2026-03-16 10:05" (local time), for a conflict's two sides."""
    when = f"edited {state.updated_at.astimezone():%Y-%m-%d %H:%M}"
    return when if state.version is None else f"version {state.version}, {when}"
