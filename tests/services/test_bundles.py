"""Bundle files: a marketer's call to a rep's laptop and back, merged by id and version,
and hostile files refused with one message and nothing changed."""

from __future__ import annotations

import io
import json
import os
import shutil
import struct
import uuid
import zipfile
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from desktop import __version__
from desktop.domain import CallStatus, CriterionStatus, Grade, NoteKind, ReviewStatus, Verdict
from desktop.errors import UserError
from desktop.services import Services
from desktop.services.bundles import MANIFEST, ImportSummary, summary_lines
from desktop.services.periods import Period
from desktop.storage import models as m
from tests.fakes import FakeClock


def dump(services: Services) -> list[list[str]]:
    """Every row of every table: what "nothing changed" is checked against."""
    with services.db.engine.connect() as connection:
        return [
            sorted(repr(tuple(row)) for row in connection.execute(select(table)))
            for table in m.Base.metadata.sorted_tables
        ]


def counts(summary: ImportSummary, kind: str) -> tuple[int, int, int, int]:
    c = next(c for c in summary.counts if c.kind == kind)
    return c.added, c.updated, c.skipped, c.conflicts


@pytest.fixture
def second_url(tmp_path: Path, sqlite_template: Path) -> str:
    path = tmp_path / "marketer.db"
    shutil.copy(sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def marketer(second_url: str, clock: FakeClock) -> Iterator[Services]:
    opened = Services.open(second_url, clock=clock)
    yield opened
    opened.close()


def a_call(services: Services) -> Any:
    call = services.calls.start(
        "Acme Corp",
        rep="Rita Reyes",
        marketer="Mo Marketer",
        framework="BANT",
        contacts=[("Dana Ruiz", "CFO")],
    )
    pain = services.notes.add(
        call.id, NoteKind.PAIN, "Forecasts live in spreadsheets", intensity=4, tags=["forecast"]
    )
    question = services.notes.add(
        call.id, NoteKind.QUESTION, "What is the budget?", answer="About 40k this year"
    )
    services.qualification.set_status(
        call.id, "budget", CriterionStatus.ANSWERED, answer="40k", by="Mo Marketer"
    )
    services.calls.end(call.id)
    return call, pain, question


def test_round_trip_marketer_rep_marketer(
    marketer: Services, services: Services, clock: FakeClock, tmp_path: Path
) -> None:
    """The rep reviews on another laptop; the marketer gets the review back once, and
    keeps the edit made after sending the call."""
    call, pain, question = a_call(marketer)
    first = marketer.bundles.export_bundle(tmp_path / "call.ridealong", call_id=call.id)
    assert (first.calls, first.notes) == (1, 2)
    manifest = json.loads(members_of(first.path)[MANIFEST])
    assert manifest["format"] == "ridealong-bundle" and manifest["format_version"] == 1
    assert manifest["app_version"] == __version__
    assert manifest["created_at"] == clock.now.isoformat()
    assert manifest["scope"] == {"call": str(call.id)}

    # The rep's laptop: an empty database of its own, with its own BANT and definitions.
    got = services.bundles.import_bundle(first.path)
    assert counts(got, "calls") == (1, 0, 0, 0)
    assert counts(got, "notes") == (2, 0, 0, 0)
    assert counts(got, "frameworks")[0] == 0  # BANT matched by key, not added twice
    assert {n.text for n in services.calls.notes(call.id)} == {pain.text, question.text}
    assert services.calls.get(call.id).contacts[0].title == "CFO"
    before = dump(services)
    again = services.bundles.import_bundle(first.path)
    assert dump(services) == before
    assert not again.changed and not again.conflicts

    # The marketer fixes a typo after sending; the rep reviews later.
    clock.advance(timedelta(minutes=10))
    marketer.notes.edit(pain.id, text="Forecasts live in three spreadsheets")
    clock.advance(timedelta(minutes=20))
    services.review.annotate(pain.id, Verdict.CONFIRMED, "Rita Reyes", comment="Heard it too")
    services.review.annotate(
        question.id, Verdict.CORRECTED, "Rita Reyes", correction="40k next year"
    )
    extra = services.notes.add(call.id, NoteKind.SIGNAL, "Wants a demo", author="Rita Reyes")
    services.review.grade(call.id, Grade.SQL, "Rita Reyes", reason="Budget and pain")
    back = services.bundles.export_bundle(tmp_path / "reviewed.ridealong", call_id=call.id)

    merged = marketer.bundles.import_bundle(back.path)
    assert counts(merged, "annotations") == (2, 0, 0, 0)
    assert counts(merged, "calls") == (0, 1, 0, 0)
    view = marketer.calls.get(call.id)
    assert (view.grade, view.grade_reason, view.status) == (
        Grade.SQL,
        "Budget and pain",
        CallStatus.REVIEWED,
    )
    notes = {n.id: n for n in marketer.calls.notes(call.id)}
    assert notes[pain.id].text == "Forecasts live in three spreadsheets"  # kept
    assert notes[extra.id].text == "Wants a demo"  # the rep's own note arrives
    assert notes[question.id].review_status is ReviewStatus.CORRECTED
    assert notes[pain.id].review_status is ReviewStatus.CONFIRMED
    annotations = [a for x in marketer.review.annotations(notes).values() for a in x]
    assert sorted(a.correction or a.comment or "" for a in annotations) == [
        "40k next year",
        "Heard it too",
    ]
    # Both touched the pain note (the rep's verdict sets its review status): a conflict,
    # ours kept, listed with both versions.
    assert [c.id for c in merged.conflicts] == [pain.id]
    assert "three spreadsheets" in merged.conflicts[0].mine.text
    assert any("conflict: note" in line for line in summary_lines(merged))

    settled = dump(marketer)
    twice = marketer.bundles.import_bundle(back.path)
    assert dump(marketer) == settled
    assert sum(map(len, marketer.review.annotations(notes).values())) == 2
    assert counts(twice, "annotations") == (0, 0, 2, 0)


def test_an_edit_after_a_review_travels_without_a_conflict(
    marketer: Services, services: Services, clock: FakeClock, tmp_path: Path
) -> None:
    """The rep's verdict bumps the note it judges; the marketer takes that stamp with the
    review, so a later fix of the note's text reaches the rep as an update."""
    call, pain, _ = a_call(marketer)
    services.bundles.import_bundle(
        marketer.bundles.export_bundle(tmp_path / "a.ridealong", call_id=call.id).path
    )
    clock.advance(timedelta(minutes=5))
    services.review.annotate(pain.id, Verdict.CONFIRMED, "Rita Reyes")
    reviewed = services.bundles.export_bundle(tmp_path / "b.ridealong", call_id=call.id)
    got = marketer.bundles.import_bundle(reviewed.path)
    assert not got.conflicts and counts(got, "annotations") == (1, 0, 0, 0)
    assert marketer.notes.get(pain.id).review_status is ReviewStatus.CONFIRMED
    settled = dump(marketer)
    marketer.bundles.import_bundle(reviewed.path)
    assert dump(marketer) == settled
    clock.advance(timedelta(minutes=5))
    marketer.notes.edit(pain.id, text="Forecasts live in three spreadsheets")
    fixed = marketer.bundles.export_bundle(tmp_path / "c.ridealong", call_id=call.id)
    back = services.bundles.import_bundle(fixed.path)
    assert not back.conflicts and counts(back, "notes")[1] == 1
    assert services.notes.get(pain.id).text == "Forecasts live in three spreadsheets"
    assert services.notes.get(pain.id).review_status is ReviewStatus.CONFIRMED


def test_take_theirs_settles_a_conflict(
    marketer: Services, services: Services, clock: FakeClock, tmp_path: Path
) -> None:
    call, pain, _ = a_call(marketer)
    first = marketer.bundles.export_bundle(tmp_path / "a.ridealong", call_id=call.id)
    services.bundles.import_bundle(first.path)
    clock.advance(timedelta(minutes=5))
    marketer.notes.edit(pain.id, text="Mine")
    services.notes.edit(pain.id, text="Theirs")
    back = services.bundles.export_bundle(tmp_path / "b.ridealong", call_id=call.id)
    kept = marketer.bundles.import_bundle(back.path)
    assert [c.id for c in kept.conflicts] == [pain.id]
    assert marketer.notes.get(pain.id).text == "Mine"
    taken = marketer.bundles.import_bundle(back.path, take_theirs=[pain.id])
    assert counts(taken, "notes")[1] == 1
    assert marketer.notes.get(pain.id).text == "Theirs"
    assert marketer.search.search("Theirs")  # the search index follows


def test_a_newer_edit_travels_and_an_older_one_does_not(
    marketer: Services, services: Services, clock: FakeClock, tmp_path: Path
) -> None:
    call, pain, _ = a_call(marketer)
    services.bundles.import_bundle(
        marketer.bundles.export_bundle(tmp_path / "a.ridealong", call_id=call.id).path
    )
    old = services.bundles.export_bundle(tmp_path / "old.ridealong", call_id=call.id)
    clock.advance(timedelta(minutes=5))
    marketer.notes.edit(pain.id, text="Edited once")
    marketer.notes.edit(pain.id, text="Edited twice")
    newer = marketer.bundles.export_bundle(tmp_path / "new.ridealong", call_id=call.id)
    got = services.bundles.import_bundle(newer.path)
    assert counts(got, "notes")[1] == 1 and not got.conflicts
    assert services.notes.get(pain.id).text == "Edited twice"
    stale = marketer.bundles.import_bundle(old.path)  # the rep's copy from before
    assert counts(stale, "notes") == (0, 0, 2, 0)
    assert marketer.notes.get(pain.id).text == "Edited twice"


def test_trash_travels(
    marketer: Services, services: Services, clock: FakeClock, tmp_path: Path
) -> None:
    call, _, question = a_call(marketer)
    services.bundles.import_bundle(
        marketer.bundles.export_bundle(tmp_path / "a.ridealong", call_id=call.id).path
    )
    clock.advance(timedelta(minutes=1))
    marketer.notes.delete(question.id)
    services.bundles.import_bundle(
        marketer.bundles.export_bundle(tmp_path / "b.ridealong", call_id=call.id).path
    )
    assert [n.id for n in services.calls.notes(call.id)] == [
        n.id for n in marketer.calls.notes(call.id)
    ]
    assert question.id in {i.id for i in services.trash.list()}


def test_a_month(marketer: Services, services: Services, clock: FakeClock, tmp_path: Path) -> None:
    a_call(marketer)
    clock.advance(timedelta(days=40))
    marketer.calls.start("Beta Ltd", rep="Rita Reyes")
    month = Period.parse_month(f"{(clock.now - timedelta(days=40)).astimezone():%Y-%m}")
    info = marketer.bundles.export_bundle(tmp_path / "m.ridealong", month=month)
    assert info.calls == 1
    got = services.bundles.import_bundle(info.path)
    assert counts(got, "calls") == (1, 0, 0, 0)
    with pytest.raises(UserError, match="no calls in"):
        marketer.bundles.export_bundle(
            tmp_path / "e.ridealong", month=Period.parse_month("2001-01")
        )


def test_people_made_separately_are_matched_by_name(
    marketer: Services, services: Services, tmp_path: Path
) -> None:
    services.people.ensure("mo  MARKETER")
    call, _, _ = a_call(marketer)
    services.bundles.import_bundle(
        marketer.bundles.export_bundle(tmp_path / "a.ridealong", call_id=call.id).path
    )
    assert [p.name for p in services.people.list()] == ["mo MARKETER", "Rita Reyes"]
    assert services.calls.get(call.id).marketer.name == "mo MARKETER"  # type: ignore[union-attr]


def listed(services: Services) -> list[str]:
    return [c.name for c in services.competitors.list()]


def test_the_competitor_list_travels_with_every_bundle(
    marketer: Services, services: Services, clock: FakeClock, tmp_path: Path
) -> None:
    """The team's list rides along with any call; a name both laptops listed on their
    own stays one entry, written as the receiver wrote it."""
    services.competitors.add("deal-grove")
    clarivo = marketer.competitors.add("Clarivo")
    marketer.competitors.add("Deal Grove")
    call, _, _ = a_call(marketer)
    sent = marketer.bundles.export_bundle(tmp_path / "call.ridealong", call_id=call.id)

    got = services.bundles.import_bundle(sent.path)
    assert counts(got, "competitors") == (1, 0, 1, 0)
    assert listed(services) == ["Clarivo", "deal-grove"]
    before = dump(services)
    assert any("Clarivo" in row for table in before for row in table)  # dump sees the list
    again = services.bundles.import_bundle(sent.path)
    assert dump(services) == before and not again.changed

    # A rename on one side travels by id and version; one on both sides is a conflict.
    clock.advance(timedelta(minutes=5))
    marketer.competitors.rename(clarivo.id, "Clarivo Inc")
    renamed = services.bundles.import_bundle(
        marketer.bundles.export_bundle(tmp_path / "renamed.ridealong", call_id=call.id).path
    )
    assert counts(renamed, "competitors") == (0, 1, 1, 0)
    assert listed(services) == ["Clarivo Inc", "deal-grove"]
    clock.advance(timedelta(minutes=5))
    marketer.competitors.rename(clarivo.id, "Clarivo Group")
    services.competitors.rename(clarivo.id, "Clarivo Corp")
    both = services.bundles.import_bundle(
        marketer.bundles.export_bundle(tmp_path / "both.ridealong", call_id=call.id).path
    )
    assert [(c.kind, c.id) for c in both.conflicts] == [("competitors", clarivo.id)]
    assert "conflict: competitor" in "\n".join(summary_lines(both))
    assert listed(services) == ["Clarivo Corp", "deal-grove"]


def test_a_name_renamed_away_and_listed_again_is_a_new_entry(
    marketer: Services, services: Services, clock: FakeClock, tmp_path: Path
) -> None:
    old = marketer.competitors.add("Clarivo")
    call, _, _ = a_call(marketer)
    services.bundles.import_bundle(
        marketer.bundles.export_bundle(tmp_path / "a.ridealong", call_id=call.id).path
    )
    clock.advance(timedelta(minutes=5))
    marketer.competitors.rename(old.id, "Clarivo Legacy")
    marketer.competitors.add("Clarivo")
    got = services.bundles.import_bundle(
        marketer.bundles.export_bundle(tmp_path / "b.ridealong", call_id=call.id).path
    )
    assert counts(got, "competitors") == (1, 1, 0, 0)
    assert listed(services) == ["Clarivo", "Clarivo Legacy"]


def test_a_rename_to_a_name_listed_here_is_a_conflict(
    marketer: Services, services: Services, clock: FakeClock, tmp_path: Path
) -> None:
    """Taking theirs would list one competitor twice: ours stays, the conflict says so."""
    old = marketer.competitors.add("Clarivo")
    call, _, _ = a_call(marketer)
    services.bundles.import_bundle(
        marketer.bundles.export_bundle(tmp_path / "a.ridealong", call_id=call.id).path
    )
    services.competitors.add("eGain")
    clock.advance(timedelta(minutes=5))
    marketer.competitors.rename(old.id, "EGAIN")
    path = marketer.bundles.export_bundle(tmp_path / "b.ridealong", call_id=call.id).path
    got = services.bundles.import_bundle(path)
    assert [c.id for c in got.conflicts] == [old.id]
    again = services.bundles.import_bundle(path, take_theirs=[old.id])
    assert [c.id for c in again.conflicts] == [old.id]
    assert listed(services) == ["Clarivo", "eGain"]


def test_a_bundle_from_before_the_competitor_list_imports(
    marketer: Services, services: Services, tmp_path: Path
) -> None:
    marketer.competitors.add("Clarivo")
    services.competitors.add("eGain")
    call, _, _ = a_call(marketer)
    members = members_of(
        marketer.bundles.export_bundle(tmp_path / "new.ridealong", call_id=call.id).path
    )
    older = tmp_path / "older.ridealong"
    older.write_bytes(build({k: v for k, v in members.items() if k != "competitors.json"}))
    got = services.bundles.import_bundle(older)
    assert counts(got, "calls") == (1, 0, 0, 0)
    assert counts(got, "competitors") == (0, 0, 0, 0)
    assert listed(services) == ["eGain"]


# -- hostile bundles ---------------------------------------------------------------------


def members_of(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {name: z.read(name) for name in z.namelist()}


def build(members: dict[str, bytes], *, fix_manifest: bool = True) -> bytes:
    import hashlib

    if fix_manifest:
        manifest = json.loads(members[MANIFEST])
        manifest["members"] = {
            name: {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
            for name, data in members.items()
            if name != MANIFEST
        }
        members = {**members, MANIFEST: json.dumps(manifest).encode()}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return out.getvalue()


def lie_about_size(data: bytes, member: str, size: int) -> bytes:
    """The zip with `member`'s uncompressed size in the central directory set to `size`:
    a bomb that says what it is, without writing the gigabyte."""
    raw = bytearray(data)
    at = raw.find(b"PK\x01\x02")
    while at != -1:
        name_length = struct.unpack_from("<H", raw, at + 28)[0]
        if raw[at + 46 : at + 46 + name_length].decode() == member:
            struct.pack_into("<I", raw, at + 24, size)
        at = raw.find(b"PK\x01\x02", at + 4)
    return bytes(raw)


def edit_rows(members: dict[str, bytes], name: str, change: Any) -> dict[str, bytes]:
    rows = json.loads(members[name])
    change(rows)
    return {**members, name: json.dumps(rows).encode()}


def _manifest(members: dict[str, bytes], **changes: Any) -> dict[str, bytes]:
    manifest = json.loads(members[MANIFEST])
    manifest.update(changes)
    return {**members, MANIFEST: json.dumps(manifest).encode()}


HOSTILE: dict[str, tuple[Any, str]] = {
    "a newer format": (
        lambda good: build(_manifest(good, format_version=2)),
        "bundle format 2; this app reads format 1 (update the app)",
    ),
    "a bad checksum": (
        lambda good: build(
            {**good, "notes.json": good["notes.json"].replace(b"budget", b"BUDGET")},
            fix_manifest=False,
        ),
        "the checksum of notes.json does not match",
    ),
    "a parent folder": (
        lambda good: build({**good, "../evil.json": b"[]"}),
        "unsafe name ('../evil.json')",
    ),
    "an absolute name": (
        lambda good: build({**good, "/etc/evil.json": b"[]"}),
        "unsafe name ('/etc/evil.json')",
    ),
    "an unexpected file": (lambda good: build({**good, "run.sh": b"rm -rf"}), "unexpected file"),
    "a zip bomb": (
        lambda good: build({**good, "notes.json": b" " * (20 * 1024 * 1024) + b"[]"}),
        "expands more than 200 to 1",
    ),
    "a gigabyte of JSON": (
        lambda good: lie_about_size(build(good), "notes.json", 1_000_000_000),
        "unpack to more than 200 MB",
    ),
    "a member longer than it says": (
        lambda good: lie_about_size(build(good), "notes.json", 10),
        "not a zip file, or it is damaged",
    ),
    "too many members": (
        lambda good: build({**good, **{f"x{i}.json": b"[]" for i in range(20)}}),
        "members (at most 16)",
    ),
    "a missing reference": (
        lambda good: build(edit_rows(good, "people.json", lambda rows: rows.clear())),
        "refers to a person the bundle does not contain",
    ),
    "one person twice": (
        lambda good: build(
            edit_rows(
                good,
                "people.json",
                lambda rows: rows.append({**rows[0], "id": "00000000-0000-4000-8000-000000000001"}),
            )
        ),
        "it holds one person twice",
    ),
    "a nameless competitor": (
        lambda good: build(
            edit_rows(
                good,
                "competitors.json",
                lambda rows: rows.append({**rows[0], "id": str(uuid.uuid4()), "name": " - "}),
            )
        ),
        "has no name",
    ),
    "one competitor twice": (
        lambda good: build(
            edit_rows(
                good,
                "competitors.json",
                lambda rows: rows.append(
                    {**rows[0], "id": str(uuid.uuid4()), "name": "DEAL grove"}
                ),
            )
        ),
        "it holds one competitor twice",
    ),
    "a bad field": (
        lambda good: build(
            edit_rows(good, "notes.json", lambda rows: rows[0].update(kind="rumour"))
        ),
        "note field kind is 'rumour', not one of its choices",
    ),
    "no manifest": (
        lambda good: build({k: v for k, v in good.items() if k != MANIFEST}, fix_manifest=False),
        "no manifest.json",
    ),
    "not JSON": (
        lambda good: build({**good, "calls.json": b"\xff{"}),
        "calls.json is not valid JSON",
    ),
    "random bytes": (lambda good: os.urandom(4096), "not a zip file"),
    "a text file": (lambda good: b"hello, I am not a zip\n", "not a zip file"),
    "an empty file": (lambda good: b"", "not a zip file"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_bundles_are_refused_and_change_nothing(
    case: str, marketer: Services, services: Services, tmp_path: Path
) -> None:
    call, _, _ = a_call(marketer)
    marketer.competitors.add("Deal Grove")
    good = members_of(
        marketer.bundles.export_bundle(tmp_path / "g.ridealong", call_id=call.id).path
    )
    services.calls.start("Already here", rep="Rita Reyes")
    before = dump(services)
    make, message = HOSTILE[case]
    bad = tmp_path / "bad.ridealong"
    bad.write_bytes(make(good))
    with pytest.raises(UserError) as refused:
        services.bundles.import_bundle(bad)
    text = str(refused.value)
    assert message in text and "\n" not in text
    assert text.startswith(f"{bad} is not a bundle this app can import")
    assert dump(services) == before


def test_export_refuses_a_missing_folder_and_leaves_no_temporary(
    marketer: Services, tmp_path: Path
) -> None:
    call, _, _ = a_call(marketer)
    with pytest.raises(UserError, match="does not exist"):
        marketer.bundles.export_bundle(tmp_path / "no" / "x.ridealong", call_id=call.id)
    marketer.bundles.export_bundle(tmp_path / "x.ridealong", call_id=call.id)
    assert sorted(p.name for p in tmp_path.iterdir() if "ridealong" in p.name) == ["x.ridealong"]


ODD_VALUES: list[Any] = [None, 7, "x", [], {}, True, "9" * 301, -1]


def test_any_odd_field_is_a_clear_refusal_or_a_clean_import(
    marketer: Services, services: Services, tmp_path: Path
) -> None:
    """Every field of every kind set to values of the wrong type, length or sign: the
    import either takes it or refuses it with one message and no change, never a bug."""
    call, pain, _ = a_call(marketer)
    marketer.review.annotate(pain.id, Verdict.CORRECTED, "Rita Reyes", correction="No")
    marketer.competitors.add("Clarivo")
    bundle = marketer.bundles.export_bundle(tmp_path / "g.ridealong", call_id=call.id)
    good = members_of(bundle.path)
    bad = tmp_path / "odd.ridealong"
    refused = 0
    for name in sorted(set(good) - {MANIFEST}):
        rows = json.loads(good[name])
        for field in sorted(rows[0]) if rows else []:
            for value in ODD_VALUES:

                def change(items: list[dict[str, Any]], f: str = field, v: Any = value) -> None:
                    items[0][f] = v

                bad.write_bytes(build(edit_rows(good, name, change)))
                before = dump(services)
                try:
                    services.bundles.import_bundle(bad)
                except UserError as error:
                    assert "\n" not in str(error)
                    assert dump(services) == before, (name, field, value)
                    refused += 1
    assert refused > 300
