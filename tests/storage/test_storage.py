"""Opening databases: what is refused (and never written to), integrity checks, URLs."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import create_engine, exc, insert, inspect, text

from desktop.domain import CallType, NoteKind, ReviewStatus, Verdict
from desktop.errors import StorageUnavailable, UserError
from desktop.services import Services
from desktop.storage import maintenance, migrations
from desktop.storage import models as m
from desktop.storage.database import describe, open_database, parse_url
from tests.fakes import FakeClock

PAGE = 4096


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def filled_db(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Path:
    """A Ridealong file with enough notes to span many pages."""
    path = tmp_path_factory.mktemp("filled") / "ridealong.db"
    shutil.copy(sqlite_template, path)
    services = Services.open(f"sqlite:///{path}", clock=FakeClock())
    call = services.calls.start("Acme")
    for i in range(300):
        services.notes.add(call.id, NoteKind.PAIN, f"note {i}: budget frozen until Q3 " * 6)
    services.close()
    assert not Path(f"{path}-wal").exists() or Path(f"{path}-wal").stat().st_size == 0
    return path


def _foreign_sqlite(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE recipes (name TEXT)")
    conn.execute("INSERT INTO recipes VALUES ('soup')")
    conn.commit()
    conn.close()


def _newer(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.commit()
    conn.close()


def _truncated(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])


def _garbage_after_page_one(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[:PAGE] + bytes((i * 37) % 251 for i in range(len(data) - PAGE)))


def _garbage_in_page_one(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[100:PAGE] = b"\xde\xad\xbe\xef" * ((PAGE - 100) // 4)
    path.write_bytes(bytes(data))


#: How to spoil a file, what the refusal says, and whether to start from a real database.
REFUSED: dict[str, tuple[Callable[[Path], None], str, bool]] = {
    "foreign sqlite": (_foreign_sqlite, "another program", False),
    "text file": (lambda p: p.write_text("name,amount\nsoup,3\n"), "not a SQLite file", False),
    "binary file": (
        lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(5000)),
        "not a SQLite",
        False,
    ),
    "short file": (lambda p: p.write_bytes(b"SQLite"), "not a SQLite file", False),
    "empty file": (lambda p: p.write_bytes(b""), "empty file", False),
    "newer schema": (_newer, "newer Ridealong", True),
    "truncated": (_truncated, "damaged", True),
    "garbage after page one": (_garbage_after_page_one, "damaged", True),
    "garbage in page one": (_garbage_in_page_one, "damaged", True),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_a_file_that_is_not_a_usable_ridealong_database_is_refused_untouched(
    tmp_path: Path, filled_db: Path, case: str, clock: FakeClock
) -> None:
    spoil, message, from_real_database = REFUSED[case]
    path = tmp_path / "ridealong.db"
    if from_real_database:
        shutil.copy(filled_db, path)
    spoil(path)
    before = digest(path)
    url = f"sqlite:///{path}"
    with pytest.raises(StorageUnavailable, match=message) as opening:
        Services.open(url, clock=clock)
    assert str(path) in str(opening.value)
    assert "\n" not in str(opening.value)
    with pytest.raises(StorageUnavailable, match=message):
        maintenance.check(url)
    with pytest.raises(StorageUnavailable, match=message):
        maintenance.upgrade(url)
    assert digest(path) == before


def test_a_directory_is_refused(tmp_path: Path, clock: FakeClock) -> None:
    path = tmp_path / "ridealong.db"
    path.mkdir()
    with pytest.raises(StorageUnavailable, match="is a directory"):
        Services.open(f"sqlite:///{path}", clock=clock)
    assert list(path.iterdir()) == []


def test_damage_the_quick_open_misses_is_found_by_check(tmp_path: Path, filled_db: Path) -> None:
    path = tmp_path / "ridealong.db"
    shutil.copy(filled_db, path)
    data = bytearray(path.read_bytes())
    middle = (len(data) // PAGE // 2) * PAGE
    data[middle : middle + 2 * PAGE] = b"\x07" * (2 * PAGE)
    path.write_bytes(bytes(data))
    before = digest(path)
    with pytest.raises(StorageUnavailable, match="damaged"):
        maintenance.check(f"sqlite:///{path}")
    assert digest(path) == before


def test_a_damaged_search_index_is_found_by_check(tmp_path: Path, filled_db: Path) -> None:
    path = tmp_path / "ridealong.db"
    shutil.copy(filled_db, path)
    conn = sqlite3.connect(path)
    conn.execute("DELETE FROM search_fts_data WHERE id > 10")
    conn.commit()
    conn.close()
    with pytest.raises(StorageUnavailable, match="search index is damaged"):
        maintenance.check(f"sqlite:///{path}")


@pytest.mark.parametrize(
    "damage",
    [
        "DELETE FROM search_fts_data WHERE id = 10",
        "UPDATE search_fts_config SET v = 99 WHERE k = 'version'",
    ],
)
def test_searching_a_damaged_index_is_a_clear_error(
    tmp_path: Path, filled_db: Path, damage: str, clock: FakeClock
) -> None:
    path = tmp_path / "ridealong.db"
    shutil.copy(filled_db, path)
    conn = sqlite3.connect(path)
    conn.execute(damage)
    conn.commit()
    conn.close()
    services = Services.open(f"sqlite:///{path}", clock=clock)
    try:
        assert services.calls.count() == 1
        with pytest.raises(StorageUnavailable, match=r"damaged.*db check"):
            services.search.search("budget")
    finally:
        services.close()


def test_check_reports_a_sound_database(db_url: str, clock: FakeClock) -> None:
    services = Services.open(db_url, clock=clock)
    call = services.calls.start("Acme")
    services.notes.add(call.id, NoteKind.PAIN, "Budget frozen")
    services.close()
    report = maintenance.check(db_url)
    assert report.startswith("ok: ")
    assert f"schema {migrations.head()}" in report
    assert "1 call, 1 note" in report


def test_check_of_a_missing_file_says_so(tmp_path: Path) -> None:
    path = tmp_path / "nothing-here.db"
    with pytest.raises(UserError, match="no database"):
        maintenance.check(f"sqlite:///{path}")
    assert not path.exists()


def test_upgrade_creates_a_new_database_and_says_it_is_current(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new' / 'ridealong.db'}"
    assert maintenance.upgrade(url).endswith(f"schema {migrations.head()} (current)")
    assert maintenance.check(url).startswith("ok: ")


def test_an_old_schema_is_not_upgraded_when_told_not_to(tmp_path: Path) -> None:
    path = tmp_path / "ridealong.db"
    with pytest.raises(StorageUnavailable, match="db upgrade"):
        open_database(f"sqlite:///{path}", upgrade=False)


def test_what_is_saved_is_there_after_reopening(db_url: str, clock: FakeClock) -> None:
    services = Services.open(db_url, clock=clock)
    call = services.calls.start("Acme")
    note = services.notes.add(call.id, NoteKind.QUOTE, "We lose two days a month to this")
    services.close()
    reopened = Services.open(db_url, clock=clock)
    try:
        assert reopened.calls.notes(call.id) == (note,)
        assert [h.note_id for h in reopened.search.search("two days")] == [note.id]
    finally:
        reopened.close()


def test_reading_is_not_held_up_by_a_writer(sqlite_url: str, clock: FakeClock) -> None:
    """WAL: the call list still loads while another window is saving a note."""
    writer = Services.open(sqlite_url, clock=clock)
    reader = Services.open(sqlite_url, clock=clock)
    try:
        call = writer.calls.start("Acme")
        with writer.db.write() as session:
            session.execute(text("UPDATE calls SET stage = 'negotiation'"))
            assert [r.id for r in reader.calls.page()] == [call.id]
            assert reader.calls.get(call.id).stage is None
        assert reader.calls.get(call.id).stage == "negotiation"
    finally:
        reader.close()
        writer.close()


def test_foreign_keys_are_enforced(sqlite_url: str, clock: FakeClock) -> None:
    services = Services.open(sqlite_url, clock=clock)
    try:
        with pytest.raises(exc.IntegrityError, match="FOREIGN KEY"), services.db.write() as session:
            session.execute(
                text(
                    "INSERT INTO notes (id, call_id, kind, text, offset_ms, quote_worthy, "
                    "case_study, messaging, review_status, version, created_at, updated_at) "
                    "VALUES ('00000000000000000000000000000001', "
                    "'00000000000000000000000000000002', 'pain', 'x', 0, 0, 0, 0, "
                    "'unreviewed', 1, '2025-01-01', '2025-01-01')"
                )
            )
    finally:
        services.close()


def test_choices_are_stored_as_their_values_and_read_back_as_members(
    db_url: str, clock: FakeClock
) -> None:
    """The files of earlier versions hold `next-step`, `awaiting-review`: so do new ones;
    a bulk insert (the demo's) may give a member or its value, and nothing else."""
    services = Services.open(db_url, clock=clock)
    try:
        call = services.calls.start("Acme", call_type=CallType.NEGOTIATION)
        note = services.notes.add(call.id, NoteKind.NEXT_STEP, "Send the ROI model")
        services.review.annotate(note.id, Verdict.CONFIRMED, "Rita")
        services.calls.end(call.id)
        row = {"call_id": call.id, "created_at": clock(), "updated_at": clock()}
        with services.db.write() as session:
            session.execute(
                insert(m.Note),
                [
                    {**row, "kind": NoteKind.PAIN, "text": "a", "offset_ms": 1},
                    {**row, "kind": "signal", "text": "b", "offset_ms": 2},
                ],
            )
        with pytest.raises(exc.StatementError, match="not among"), services.db.write() as s:
            s.execute(insert(m.Note), [{**row, "kind": "Pain", "text": "c"}])
        with services.db.read() as session:
            raw = session.execute(
                text("SELECT kind, review_status FROM notes ORDER BY offset_ms")
            ).all()
            stored_call = session.execute(text("SELECT call_type, status FROM calls")).one()
        assert [tuple(r) for r in raw] == [
            ("next-step", "confirmed"),
            ("pain", "unreviewed"),
            ("signal", "unreviewed"),
        ]
        assert tuple(stored_call) == ("negotiation", "awaiting-review")
        notes = services.calls.notes(call.id)
        assert [n.kind for n in notes] == [NoteKind.NEXT_STEP, NoteKind.PAIN, NoteKind.SIGNAL]
        assert all(type(n.kind) is NoteKind for n in notes)
        assert notes[0].review_status is ReviewStatus.CONFIRMED
    finally:
        services.close()


def test_a_relative_sqlite_url_names_a_file_in_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clock: FakeClock
) -> None:
    """As `--data-dir` does; and it keeps naming that file when the folder changes."""
    monkeypatch.chdir(tmp_path)
    url = "sqlite:///team/rel.db"
    path = tmp_path / "team" / "rel.db"
    services = Services.open(url, clock=clock)
    try:
        call = services.calls.start("Acme")
        monkeypatch.chdir(tmp_path.parent)
        note = services.notes.add(call.id, NoteKind.PAIN, "Budget frozen until Q3")
        assert services.backups.create().path.parent == path.parent / "backups"
    finally:
        services.close()
    assert describe(url) != str(path)  # the URL is relative: here it names another file
    monkeypatch.chdir(tmp_path)
    assert describe(url) == str(path)
    assert maintenance.check(url).startswith(f"ok: {path} ")
    with Services.open(f"sqlite:///{path}", clock=clock) as reopened:
        assert reopened.calls.notes(call.id) == (note,)


# -- PostgreSQL --------------------------------------------------------------------------


@pytest.mark.parametrize("empty_db_url", ["postgres"], indirect=True)
def test_a_server_database_of_another_program_is_refused_untouched(
    empty_db_url: str, clock: FakeClock
) -> None:
    engine = create_engine(empty_db_url)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE invoices (id int)"))
    with pytest.raises(StorageUnavailable, match="another program"):
        Services.open(empty_db_url, clock=clock)
    assert inspect(engine).get_table_names() == ["invoices"]
    engine.dispose()


@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
def test_a_server_database_from_a_newer_app_is_refused_untouched(
    db_url: str, clock: FakeClock
) -> None:
    engine = create_engine(db_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    tables = sorted(inspect(engine).get_table_names())
    with pytest.raises(StorageUnavailable, match="newer Ridealong"):
        Services.open(db_url, clock=clock)
    with pytest.raises(StorageUnavailable, match="newer Ridealong"):
        maintenance.check(db_url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "9999"
    assert sorted(inspect(engine).get_table_names()) == tables
    engine.dispose()


@pytest.mark.parametrize("empty_db_url", ["postgres"], indirect=True)
def test_an_empty_server_database_is_set_up(empty_db_url: str, clock: FakeClock) -> None:
    services = Services.open(empty_db_url, clock=clock)
    try:
        assert services.definitions.revision() == 1
        assert len(services.frameworks.list()) == 3
    finally:
        services.close()


def test_unreachable_servers_are_a_clear_error(pg_server: str, clock: FakeClock) -> None:
    for url in (
        pg_server.format(name="no_such_database"),
        "postgresql+psycopg://nobody@127.0.0.1:1/ridealong",
    ):
        with pytest.raises(StorageUnavailable, match="cannot connect") as error:
            Services.open(url, clock=clock)
        assert "\n" not in str(error.value)


# -- URLs ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("::::", "malformed database URL"),
        ("not a url", "malformed database URL"),
        ("mysql://user@host/db", "unsupported database URL"),
        ("sqlite://", "names no file"),
        ("sqlite:///:memory:", "names no file"),
    ],
)
def test_bad_urls_are_user_errors(url: str, message: str, clock: FakeClock) -> None:
    with pytest.raises(UserError, match=message):
        parse_url(url)
    with pytest.raises(UserError, match=message):
        Services.open(url, clock=clock)


def test_describe_hides_the_password() -> None:
    described = describe("postgresql+psycopg://rita:s3cret@db.example.com/ridealong")
    assert "s3cret" not in described and "db.example.com" in described
    assert describe("sqlite:////data/ridealong.db") == "/data/ridealong.db"
