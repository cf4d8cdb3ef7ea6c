"""The `ridealong` command line: its public contract, on SQLite and PostgreSQL.

Most cases drive `desktop.cli.main` in-process; a few run the real program in a
subprocess to prove exit codes, output a shell script captures, and that no command
but the GUI loads Qt.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from desktop import __version__
from desktop.cli import main
from desktop.config import ENV_DATABASE_URL, default_data_dir
from desktop.domain import CallStatus, Grade, NoteKind, ReviewStatus
from desktop.services import Services
from tests.fakes import FakeClock

ROOT = Path(__file__).resolve().parents[2]
HIT_KEYS = {
    "note_id",
    "call_id",
    "account",
    "kind",
    "text",
    "offset",
    "intensity",
    "snippet",
    "field",
    "field_text",
}


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str

    @property
    def json(self) -> object:
        return json.loads(self.out)

    @property
    def line(self) -> str:
        """The single line printed, e.g. a new id."""
        assert self.code == 0, self.err
        assert self.out.endswith("\n") and self.out.count("\n") == 1, self.out
        return self.out.strip()


Cli = Callable[..., Result]


def run_main(capsys: pytest.CaptureFixture[str], args: list[str], clock: FakeClock) -> Result:
    try:
        code = main(args, clock=clock)
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else 1
    captured = capsys.readouterr()
    return Result(code, captured.out, captured.err)


def user_error(result: Result) -> str | None:
    """Why a result is not a user error (exit 2, one line on stderr, nothing else)."""
    if result.code != 2:
        return f"exit {result.code}"
    if result.out:
        return f"printed {result.out!r}"
    if not result.err.startswith("ridealong") or result.err.count("\n") != 1:
        return f"stderr {result.err!r}"
    if not result.err.endswith("\n") or "Traceback" in result.err:
        return f"stderr {result.err!r}"
    return None


@pytest.fixture(autouse=True)
def _no_database_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV_DATABASE_URL, raising=False)


@pytest.fixture
def cli(db_url: str, capsys: pytest.CaptureFixture[str], clock: FakeClock) -> Cli:
    """`ridealong --database-url DB_URL ARGS...`, in-process."""

    def run(*args: str) -> Result:
        return run_main(capsys, ["--database-url", db_url, *args], clock)

    return run


@pytest.fixture
def services(db_url: str, clock: FakeClock) -> Iterator[Services]:
    """The same database seen through the services, to check what a command did."""
    opened = Services.open(db_url, clock=clock)
    yield opened
    opened.close()


# -- capture ------------------------------------------------------------------------------


def test_call_start_prints_the_id_alone(cli: Cli, services: Services) -> None:
    call_id = uuid.UUID(
        cli(
            "call",
            "start",
            "--account",
            "Acme Corp",
            "--rep",
            "Rita",
            "--marketer",
            "Mo",
            "--type",
            "demo",
            "--framework",
            "meddicc",
        ).line
    )
    call = services.calls.get(call_id)
    assert call.account.name == "Acme Corp"
    assert call.rep is not None and call.rep.name == "Rita"
    assert call.marketer is not None and call.marketer.name == "Mo"
    assert call.call_type.value == "demo"
    assert call.framework is not None and call.framework.name == "MEDDICC"
    assert call.status is CallStatus.LIVE


def test_note_add_prints_the_id_alone_and_keeps_every_option(cli: Cli, services: Services) -> None:
    call_id = cli("call", "start", "--account", "Acme").line
    note_id = cli(
        "note",
        "add",
        call_id,
        "--kind",
        "objection",
        "--intensity",
        "4",
        "--at",
        "83.25",
        "--tag",
        "Price",
        "--tag",
        "procurement",
        "Too",
        "expensive #budget",
    ).line
    note = services.notes.get(uuid.UUID(note_id))
    assert note.call_id == uuid.UUID(call_id)
    assert (note.kind, note.text, note.intensity, note.offset_ms) == (
        NoteKind.OBJECTION,
        "Too expensive #budget",
        4,
        83_250,
    )
    assert note.tags == ("budget", "price", "procurement")


def test_every_kind_can_be_filed(cli: Cli, services: Services) -> None:
    call_id = cli("call", "start", "--account", "Acme").line
    for kind in NoteKind:
        note_id = cli("note", "add", call_id, "--kind", kind.value.upper(), "words").line
        assert services.notes.get(uuid.UUID(note_id)).kind is kind


def test_note_text_from_standard_input_is_kept_exactly(
    cli: Cli, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    call_id = cli("call", "start", "--account", "Acme").line
    body = " ".join(f"w{i % 89} ok" for i in range(20_000))
    text = "<b>Bold</b> &amp; & \u200fRTL\u200e 😀\nline two\r\n" + body[:99_900] + " zebra"
    monkeypatch.setattr("sys.stdin", io.StringIO(text))
    note_id = cli("note", "add", call_id, "--kind", "quote", "-").line
    assert services.notes.get(uuid.UUID(note_id)).text == text
    (hit,) = cli("search", "zebra", "--json").json  # type: ignore[misc]
    assert hit["text"] == text and hit["note_id"] == note_id


def test_call_end_and_call_list(cli: Cli, clock: FakeClock) -> None:
    older = cli("call", "start", "--account", "Globex", "--rep", "Sam").line
    clock.advance(timedelta(minutes=5))
    newer = cli("call", "start", "--account", "Acme").line
    cli("note", "add", older, "--kind", "pain", "Hours lost on reports")
    assert cli("call", "end", older).line == older
    rows = cli("call", "list", "--json").json
    assert isinstance(rows, list)
    assert [r["id"] for r in rows] == [newer, older]
    assert rows[1] == {
        "id": older,
        "account": "Globex",
        "rep": "Sam",
        "marketer": None,
        "type": "discovery",
        "status": "awaiting-review",
        "started_at": rows[1]["started_at"],
        "ended_at": rows[1]["ended_at"],
        "grade": None,
        "note_count": 1,
    }
    assert datetime.fromisoformat(rows[1]["ended_at"]) == clock()
    assert datetime.fromisoformat(rows[1]["started_at"]) == clock() - timedelta(minutes=5)
    listing = cli("call", "list")
    assert listing.code == 0
    lines = listing.out.splitlines()
    assert len(lines) == 2 and lines[0].startswith(newer) and "Globex" in lines[1]


def test_call_list_of_an_empty_database(cli: Cli) -> None:
    assert cli("call", "list", "--json").out == "[]\n"
    assert cli("call", "list").out == ""


def test_call_list_json_is_written_byte_for_byte_as_before(cli: Cli, clock: FakeClock) -> None:
    """The list is written row by row now; scripts still get exactly `json.dump`'s text."""
    for account in ('Zoë "Quoted" Corp', "Back\\slash & Co", "日本 KK"):
        call = cli("call", "start", "--account", account, "--rep", "Sam", "--marketer", "Mo").line
        cli("note", "add", call, "--kind", "pain", "one")
        clock.advance(timedelta(minutes=5))
    cli("call", "end", call)
    out = cli("call", "list", "--json").out
    assert out == json.dumps(json.loads(out), indent=2, default=str) + "\n"
    accounts = [r["account"] for r in json.loads(out)]
    assert accounts == ["日本 KK", "Back\\slash & Co", 'Zoë "Quoted" Corp']


def test_call_show(cli: Cli) -> None:
    call_id = cli("call", "start", "--account", "Acme", "--rep", "Rita").line
    note_id = cli("note", "add", call_id, "--kind", "pain", "--at", "65", "Budget frozen").line
    cli("annotate", note_id, "--verdict", "confirmed", "--by", "Rita", "--comment", "Heard it")
    shown = cli("call", "show", call_id, "--json").json
    assert isinstance(shown, dict)
    assert (shown["id"], shown["account"], shown["rep"], shown["status"]) == (
        call_id,
        "Acme",
        "Rita",
        "live",
    )
    (note,) = shown["notes"]
    assert (note["id"], note["text"], note["offset"], note["review_status"]) == (
        note_id,
        "Budget frozen",
        65.0,
        "confirmed",
    )
    assert note["annotations"][0]["comment"] == "Heard it"
    text = cli("call", "show", call_id).out
    assert "Acme" in text and "01:05" in text and "Budget frozen [confirmed]" in text


# -- review -------------------------------------------------------------------------------


def test_annotate_and_grade(cli: Cli, services: Services) -> None:
    call_id = cli("call", "start", "--account", "Acme").line
    note_id = cli("note", "add", call_id, "--kind", "pain", "They use spreadsheets").line
    annotation = cli(
        "annotate",
        note_id,
        "--verdict",
        "corrected",
        "--by",
        "Rita",
        "--correction",
        "They use an old CRM",
        "--comment",
        "Ask IT",
    ).line
    uuid.UUID(annotation)
    note = services.notes.get(uuid.UUID(note_id))
    assert (note.text, note.review_status) == ("They use spreadsheets", ReviewStatus.CORRECTED)
    (hit,) = cli("search", "crm", "--json").json  # type: ignore[misc]
    assert (hit["field"], hit["field_text"]) == ("correction", "They use an old CRM")

    cli("call", "end", call_id)
    assert cli("grade", call_id, "--grade", "SQL", "--by", "Rita", "--reason", "CFO").line == (
        call_id
    )
    call = services.calls.get(uuid.UUID(call_id))
    assert (call.grade, call.grade_reason, call.status) == (Grade.SQL, "CFO", CallStatus.REVIEWED)
    assert call.grade_definitions_revision == services.definitions.revision()


def test_definitions(cli: Cli) -> None:
    terms = cli("definitions", "list", "--json").json
    assert isinstance(terms, list)
    assert {t["term"] for t in terms} == {"MQL", "SQL", "Unqualified", "Qualified pain"}
    assert cli("definitions", "set", "SQL", "Confirmed pain, power and plan", "--by", "Rita").line
    current = {t["term"]: t for t in cli("definitions", "list", "--json").json}  # type: ignore[union-attr]
    assert current["SQL"]["body"] == "Confirmed pain, power and plan"
    assert current["SQL"]["revision"] == 2
    old = {t["term"]: t for t in cli("definitions", "list", "--revision", "1", "--json").json}  # type: ignore[union-attr]
    assert old["SQL"]["body"].startswith("Sales-qualified lead")
    assert "SQL (revision 2): Confirmed pain" in cli("definitions", "list").out


def test_outcome(cli: Cli, services: Services) -> None:
    cli("call", "start", "--account", "Acme")
    result = cli("outcome", "acme", "--set", "won", "--on", "2025-05-20", "--reason", "3 years")
    assert result.line == "Acme: won on 2025-05-20"
    account = services.accounts.get("Acme")
    assert (account.outcome.value, account.outcome_reason) == ("won", "3 years")
    assert cli("outcome", "Acme", "--set", "open").line == "Acme: open"


def test_frameworks(cli: Cli) -> None:
    frameworks = cli("frameworks", "--json").json
    assert isinstance(frameworks, list)
    assert {f["name"] for f in frameworks} == {"BANT", "MEDDICC", "CHAMP"}
    bant = next(f for f in frameworks if f["name"] == "BANT")
    assert [c["key"] for c in bant["criteria"]] == ["budget", "authority", "need", "timeline"]
    assert "BANT: Budget, Authority, Need, Timeline" in cli("frameworks").out


# -- search -------------------------------------------------------------------------------

MARCH = datetime(2025, 3, 10, 15, 0, tzinfo=UTC)


@pytest.fixture
def seeded(services: Services) -> dict[str, uuid.UUID]:
    acme = services.calls.start("Acme", rep="Rita", started_at=MARCH)
    globex = services.calls.start("Globex", rep="Sam", started_at=MARCH + timedelta(days=20))
    add = services.notes.add
    return {
        "frozen": add(acme.id, NoteKind.PAIN, "Budget frozen until Q3", intensity=4).id,
        "equipe": add(
            acme.id, NoteKind.PAIN, "L'Équipe does manual reporting #reporting", offset_ms=9_500
        ).id,
        "followup": add(acme.id, NoteKind.NEXT_STEP, "Send a follow-up deck").id,
        "price": add(globex.id, NoteKind.OBJECTION, "The price, the price, the price").id,
        "phrase": add(globex.id, NoteKind.QUOTE, "Honestly the frozen budget is fine").id,
        "price2": add(globex.id, NoteKind.PAIN, "price came up once").id,
    }


def found(result: Result, seeded: dict[str, uuid.UUID]) -> list[str]:
    assert result.code == 0, result.err
    names = {str(v): k for k, v in seeded.items()}
    return [names[h["note_id"]] for h in result.json]  # type: ignore[union-attr]


def test_search_json_is_an_array_of_hits_best_first(cli: Cli, seeded: dict[str, uuid.UUID]) -> None:
    hits = cli("search", "equipe", "--json").json
    assert isinstance(hits, list) and len(hits) == 1
    (hit,) = hits
    assert set(hit) >= HIT_KEYS
    assert hit["note_id"] == str(seeded["equipe"])
    assert hit["account"] == "Acme"
    assert (hit["kind"], hit["offset"], hit["intensity"]) == ("pain", 9.5, None)
    assert hit["text"] == hit["field_text"] == "L'Équipe does manual reporting #reporting"
    assert hit["field"] == "text"
    assert "**Équipe**" in hit["snippet"]
    assert found(cli("search", "price", "--json"), seeded) == ["price", "price2"]


def test_search_language_through_the_cli(cli: Cli, seeded: dict[str, uuid.UUID]) -> None:
    def names(*args: str) -> set[str]:
        return set(found(cli("search", *args, "--json"), seeded))

    assert names("budget frozen") == {"frozen", "phrase"}
    assert names('"frozen budget"') == {"phrase"}
    assert names("froz budg") == {"frozen", "phrase"}
    assert names("ÉQUIPE") == {"equipe"}
    assert names("follow-up") == {"followup"}
    assert names("budget -honestly") == {"frozen"}
    assert names("-honestly budget") == {"frozen"}
    assert names("--kind", "pain", "-honestly budget") == {"frozen"}
    assert names("price OR equipe") == {"price", "price2", "equipe"}


def test_search_filters(cli: Cli, seeded: dict[str, uuid.UUID]) -> None:
    def names(*args: str) -> set[str]:
        return set(found(cli("search", *args, "--json"), seeded))

    first_day = MARCH.astimezone().date().isoformat()
    later = (MARCH + timedelta(days=20)).astimezone().date().isoformat()
    assert names("budget", "--kind", "quote") == {"phrase"}
    assert names("budget", "--kind", "quote", "--kind", "pain") == {"frozen", "phrase"}
    assert names("budget", "--since", later) == {"phrase"}
    assert names("budget", "--until", first_day) == {"frozen"}
    assert names("budget", "--since", first_day, "--until", first_day) == {"frozen"}
    assert names("budget", "--account", "GLOBEX") == {"phrase"}
    assert names("budget", "--rep", "rita") == {"frozen"}
    assert names("manual", "--tag", "#reporting") == {"equipe"}


def test_search_limit_defaults_to_twenty_and_takes_any_size(cli: Cli, services: Services) -> None:
    call = services.calls.start("Acme")
    for i in range(23):
        services.notes.add(call.id, NoteKind.PAIN, f"renewal risk {i}")
    assert len(cli("search", "renewal", "--json").json) == 20  # type: ignore[arg-type]
    assert len(cli("search", "renewal", "--limit", "5", "--json").json) == 5  # type: ignore[arg-type]
    assert len(cli("search", "renewal", "--limit", "100000", "--json").json) == 23  # type: ignore[arg-type]
    assert len(cli("search", "renewal", "--limit", "100000").out.splitlines()) == 23


def test_search_text_output_and_no_matches(cli: Cli, seeded: dict[str, uuid.UUID]) -> None:
    result = cli("search", "equipe")
    assert result.code == 0
    assert result.out.startswith(str(seeded["equipe"])) and "**Équipe**" in result.out
    nothing = cli("search", "zeppelin")
    assert (nothing.code, nothing.out, nothing.err) == (0, "", "no matches\n")
    assert cli("search", "zeppelin", "--json").json == []


CLI_QUERIES = [
    '"',
    '"budget',
    "budget*",
    "*",
    "(",
    "NEAR(",
    "NEAR(budget, frozen)",
    "AND",
    "OR",
    "budget OR",
    ":",
    "title:budget",
    "-budget",
    "-honestly budget",
    "-h budget",
    "-",
    "😀",
    "budget\x00frozen",
    "\x00",
    "\udcff",
    "' OR 1=1 --",
    "x" * 10_000,
    ("budget " * 2000)[:10_000],
    "follow-up",
    "kill-round",
]


def test_any_string_is_a_valid_query_on_the_command_line(
    cli: Cli, seeded: dict[str, uuid.UUID]
) -> None:
    problems = []
    for query in CLI_QUERIES:
        for json_flag in ((), ("--json",)):
            result = cli("search", query, *json_flag)
            if result.code != 0 or "Traceback" in result.err:
                problems.append((query[:30], json_flag, result.code, result.err[:200]))
            elif json_flag and not isinstance(result.json, list):
                problems.append((query[:30], json_flag, "not a list"))
    assert problems == []
    # After `--` (the usual end of options) even an option's name is a query.
    for query in ("--", "--json", "--limit"):
        assert cli("search", "--json", "--", query).json == []


# -- bad input ---------------------------------------------------------------------------


def test_every_bad_input_exits_2_with_one_line(cli: Cli, services: Services) -> None:
    call = services.calls.start("Acme")
    note = services.notes.add(call.id, NoteKind.PAIN, "Budget frozen")
    ended = services.calls.start("Globex")
    services.calls.end(ended.id)
    c, n, missing = str(call.id), str(note.id), str(uuid.uuid4())
    cases: list[tuple[str, ...]] = [
        # unknown and malformed ids
        ("call", "end", missing),
        ("call", "end", "not-an-id"),
        ("call", "end", ""),
        ("call", "end", str(ended.id)),
        ("call", "show", missing),
        ("call", "show", n),
        ("note", "add", missing, "--kind", "pain", "text"),
        ("note", "add", "12345", "--kind", "pain", "text"),
        ("annotate", missing, "--verdict", "confirmed", "--by", "Rita"),
        ("annotate", "zz", "--verdict", "confirmed", "--by", "Rita"),
        ("grade", missing, "--grade", "mql", "--by", "Rita"),
        ("grade", c + "x", "--grade", "mql", "--by", "Rita"),
        # bad choices
        ("note", "add", c, "--kind", "complaint", "text"),
        ("call", "start", "--account", "Acme", "--type", "webinar"),
        ("call", "start", "--account", "Acme", "--framework", "SPICED"),
        ("annotate", n, "--verdict", "maybe", "--by", "Rita"),
        ("grade", c, "--grade", "hot", "--by", "Rita"),
        ("outcome", "Acme", "--set", "pending"),
        ("search", "budget", "--kind", "rumour"),
        # bad dates
        ("search", "budget", "--since", "2024-13-01"),
        ("search", "budget", "--since", "2024-02-30"),
        ("search", "budget", "--since", "2024-1-5"),
        ("search", "budget", "--until", "yesterday"),
        ("search", "budget", "--since", "2025-02-01", "--until", "2025-01-01"),
        ("outcome", "Acme", "--set", "won", "--on", "05/20/2025"),
        # bad numbers
        ("note", "add", c, "--kind", "pain", "--intensity", "0", "text"),
        ("note", "add", c, "--kind", "pain", "--intensity", "6", "text"),
        ("note", "add", c, "--kind", "pain", "--intensity", "high", "text"),
        ("note", "add", c, "--kind", "pain", "--intensity", "2.5", "text"),
        ("note", "add", c, "--kind", "pain", "--at", "-1", "text"),
        ("note", "add", c, "--kind", "pain", "--at", "soon", "text"),
        ("note", "add", c, "--kind", "pain", "--at", "nan", "text"),
        ("note", "add", c, "--kind", "pain", "--at", "9999999", "text"),
        ("search", "budget", "--limit", "0"),
        ("search", "budget", "--limit", "-3"),
        ("search", "budget", "--limit", "many"),
        ("definitions", "list", "--revision", "0"),
        # bad text and names
        ("note", "add", c, "--kind", "pain", "   "),
        ("note", "add", c, "--kind", "pain", "x" * 200_001),
        ("note", "add", c, "--kind", "pain", "--tag", "!!!", "text"),
        ("note", "add", c, "--kind", "pain", "bad \udcff bytes"),
        ("call", "start", "--account", "   "),
        ("call", "start", "--account", "Acme \udcff"),
        ("annotate", n, "--verdict", "corrected", "--by", "Rita"),
        ("annotate", n, "--verdict", "confirmed", "--by", "Rita", "--correction", "x"),
        ("annotate", n, "--verdict", "confirmed", "--by", " "),
        ("outcome", "Nobody", "--set", "won"),
        ("outcome", "Acme \udcff", "--set", "won"),
        ("search", "budget", "--account", "\udcff"),
        ("definitions", "set", "SQL", "  "),
        # usage mistakes
        ("call", "start"),
        ("call", "explode"),
        ("note", "add", c, "text"),
        ("teleport",),
        ("search",),
        ("db", "vacuum"),
    ]
    problems = []
    for args in cases:
        result = cli(*args)
        why = user_error(result)
        if why:
            problems.append((tuple(a[:40] for a in args), why))
    assert problems == []
    assert services.calls.notes(call.id) == (note,)
    assert services.review.annotations([note.id]) == {}


def test_both_data_dir_and_database_url_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, sqlite_url: str, clock: FakeClock
) -> None:
    result = run_main(
        capsys, ["--data-dir", str(tmp_path), "--database-url", sqlite_url, "db", "path"], clock
    )
    assert user_error(result) is None


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _spoiled_files(tmp_path: Path, sqlite_url: str) -> dict[str, Path]:
    """A foreign SQLite file, a text file, a damaged and a newer Ridealong database."""
    files = {}
    for name in ("foreign", "text", "damaged", "newer", "empty"):
        (tmp_path / name).mkdir()
        files[name] = tmp_path / name / "ridealong.db"
    conn = sqlite3.connect(files["foreign"])
    conn.execute("CREATE TABLE songs (title TEXT)")
    conn.commit()
    conn.close()
    files["text"].write_text("not a database at all\n")
    files["empty"].write_bytes(b"")
    template = Path(sqlite_url.removeprefix("sqlite:///"))
    data = template.read_bytes()
    files["damaged"].write_bytes(data[:4096] + b"\x5a" * (len(data) - 4096))
    shutil.copy(template, files["newer"])
    conn = sqlite3.connect(files["newer"])
    conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.commit()
    conn.close()
    return files


def places(path: Path) -> list[list[str]]:
    """The two ways to point at a database file."""
    return [["--database-url", f"sqlite:///{path}"], ["--data-dir", str(path.parent)]]


def test_an_unusable_database_file_exits_2_and_is_never_modified(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, sqlite_url: str, clock: FakeClock
) -> None:
    files = _spoiled_files(tmp_path, sqlite_url)
    commands = [
        ("call", "list"),
        ("call", "start", "--account", "Acme"),
        ("search", "budget"),
        ("db", "check"),
        ("db", "upgrade"),
    ]
    problems = []
    for name, path in files.items():
        before = digest(path)
        for command in commands:
            for where in (
                ["--database-url", f"sqlite:///{path}"],
                ["--data-dir", str(path.parent)],
            ):
                why = user_error(run_main(capsys, [*where, *command], clock))
                if why:
                    problems.append((name, command, where[0], why))
        if digest(path) != before:
            problems.append((name, "modified"))
    assert problems == []


@pytest.mark.parametrize(
    "url",
    [
        "::::",
        "not a url",
        "mysql://rita@db.example.com/ridealong",
        "sqlite://",
        "postgresql+psycopg://nobody@127.0.0.1:1/ridealong",
        "postgresql+nosuchdriver://nobody@127.0.0.1:1/ridealong",
    ],
)
def test_a_bad_or_unreachable_database_url_exits_2(
    capsys: pytest.CaptureFixture[str], url: str, clock: FakeClock
) -> None:
    for command in (("call", "list"), ("db", "check"), ("search", "x")):
        assert user_error(run_main(capsys, ["--database-url", url, *command], clock)) is None


def test_an_unknown_sqlite_driver_exits_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, clock: FakeClock
) -> None:
    url = f"sqlite+nosuchdriver:///{tmp_path / 'r.db'}"
    assert user_error(run_main(capsys, ["--database-url", url, "call", "list"], clock)) is None
    assert list(tmp_path.iterdir()) == []


def test_a_missing_server_database_exits_2(
    capsys: pytest.CaptureFixture[str], pg_server: str, clock: FakeClock
) -> None:
    url = pg_server.format(name="no_such_database")
    result = run_main(capsys, ["--database-url", url, "call", "list"], clock)
    assert user_error(result) is None
    assert "no_such_database" in result.err


# -- db ------------------------------------------------------------------------------------


def test_db_check_upgrade_and_path(cli: Cli, db_url: str) -> None:
    cli("call", "start", "--account", "Acme")
    check = cli("db", "check")
    assert check.code == 0 and check.line.startswith("ok: ") and "1 call, 0 notes" in check.line
    assert cli("db", "upgrade").line.endswith("(current)")
    path = cli("db", "path").line
    if db_url.startswith("sqlite"):
        assert path == db_url.removeprefix("sqlite:///")
    else:
        assert path.startswith("postgresql+psycopg://")


def test_db_check_of_a_damaged_file_exits_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, sqlite_url: str, clock: FakeClock
) -> None:
    services = Services.open(sqlite_url, clock=clock)
    call = services.calls.start("Acme")
    for i in range(200):
        services.notes.add(call.id, NoteKind.PAIN, f"budget frozen {i} " * 10)
    services.close()
    path = Path(sqlite_url.removeprefix("sqlite:///"))
    assert run_main(capsys, ["--database-url", sqlite_url, "db", "check"], clock).code == 0
    data = bytearray(path.read_bytes())
    middle = (len(data) // 4096 // 2) * 4096
    data[middle : middle + 8192] = b"\x01" * 8192
    path.write_bytes(bytes(data))
    before = digest(path)
    result = run_main(capsys, ["--database-url", sqlite_url, "db", "check"], clock)
    assert user_error(result) is None and "damaged" in result.err
    assert digest(path) == before


def test_db_check_of_no_database_yet_exits_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, clock: FakeClock
) -> None:
    result = run_main(capsys, ["--data-dir", str(tmp_path), "db", "check"], clock)
    assert user_error(result) is None
    assert not (tmp_path / "ridealong.db").exists()


# -- where the database is -------------------------------------------------------------------


def test_data_dir_means_dir_slash_ridealong_db(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, clock: FakeClock
) -> None:
    folder = tmp_path / "team data"
    path = folder / "ridealong.db"
    assert run_main(capsys, ["--data-dir", str(folder), "db", "path"], clock).line == str(path)
    call_id = run_main(
        capsys, ["--data-dir", str(folder), "call", "start", "--account", "A"], clock
    ).line
    assert path.is_file()
    listed = run_main(
        capsys, ["--database-url", f"sqlite:///{path}", "call", "list", "--json"], clock
    )
    assert [c["id"] for c in listed.json] == [call_id]  # type: ignore[union-attr]


def test_the_environment_variable_names_the_database(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    clock: FakeClock,
) -> None:
    path = tmp_path / "from-env.db"
    monkeypatch.setenv(ENV_DATABASE_URL, f"sqlite:///{path}")
    assert run_main(capsys, ["db", "path"], clock).line == str(path)
    uuid.UUID(run_main(capsys, ["call", "start", "--account", "Acme"], clock).line)
    assert path.is_file()
    other = tmp_path / "explicit"
    assert run_main(capsys, ["--data-dir", str(other), "db", "path"], clock).line == str(
        other / "ridealong.db"
    )


def test_without_options_the_database_is_in_the_user_data_directory(
    capsys: pytest.CaptureFixture[str],
    clock: FakeClock,
) -> None:
    expected = default_data_dir() / "ridealong.db"
    assert run_main(capsys, ["db", "path"], clock).line == str(expected)


# -- help and version ----------------------------------------------------------------------


def test_version_and_help(capsys: pytest.CaptureFixture[str], clock: FakeClock) -> None:
    version = run_main(capsys, ["--version"], clock)
    assert (version.code, version.out) == (0, f"ridealong {__version__}\n")
    usage = run_main(capsys, ["--help"], clock)
    assert usage.code == 0
    for command in ("call", "note", "annotate", "grade", "search", "db", "demo"):
        assert command in usage.out
    for command in (["call", "start"], ["note", "add"], ["search"], ["db"], ["grade"]):
        helped = run_main(capsys, [*command, "--help"], clock)
        assert helped.code == 0 and "usage: ridealong" in helped.out


# -- the real program -----------------------------------------------------------------------


def ridealong(
    *args: str, env: dict[str, str] | None = None, stdin: str | None = None, cwd: Path = ROOT
) -> Result:
    environment = {k: v for k, v in os.environ.items() if k != ENV_DATABASE_URL}
    environment["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(ROOT), environment.get("PYTHONPATH", "")) if p
    )
    environment.update(env or {})
    done = subprocess.run(
        [sys.executable, "-m", "desktop", *args],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=environment,
        cwd=cwd,
        timeout=120,
    )
    return Result(done.returncode, done.stdout, done.stderr)


def test_the_program_prints_ids_a_script_can_capture(tmp_path: Path) -> None:
    url = ["--database-url", f"sqlite:///{tmp_path / 'r.db'}"]
    started = ridealong(*url, "call", "start", "--account", "Acme", "--rep", "Rita")
    call_id = str(uuid.UUID(started.line))
    assert started.out == call_id + "\n" and started.err == ""
    text = "Budget <b>frozen</b> & gone 😀\nsecond line"
    added = ridealong(*url, "note", "add", call_id, "--kind", "pain", "-", stdin=text)
    note_id = str(uuid.UUID(added.line))
    hits = json.loads(ridealong(*url, "search", "frozen", "--json").out)
    assert [(h["note_id"], h["call_id"], h["text"]) for h in hits] == [(note_id, call_id, text)]
    assert ridealong(*url, "call", "end", call_id).line == call_id


def test_the_program_exits_2_without_a_traceback_for_mistakes(tmp_path: Path) -> None:
    url = ["--database-url", f"sqlite:///{tmp_path / 'r.db'}"]
    for args in (
        ("call", "end", str(uuid.uuid4())),
        ("call", "end", "nonsense"),
        ("note", "add", str(uuid.uuid4()), "--kind", "gossip", "x"),
        ("search", "x", "--since", "2025-99-01"),
    ):
        assert user_error(ridealong(*url, *args)) is None, args
    text_file = tmp_path / "notes.txt"
    text_file.write_text("hello\n")
    assert user_error(ridealong("--database-url", f"sqlite:///{text_file}", "call", "list")) is None
    assert text_file.read_text() == "hello\n"


def test_the_program_answers_version_and_help() -> None:
    assert ridealong("--version").out == f"ridealong {__version__}\n"
    helped = ridealong("--help")
    assert helped.code == 0 and "usage: ridealong" in helped.out
    assert ridealong("search", "--help").code == 0


def test_the_program_reads_the_environment_and_data_dir(tmp_path: Path) -> None:
    env_path = tmp_path / "env" / "ridealong.db"
    env = {ENV_DATABASE_URL: f"sqlite:///{env_path}"}
    assert ridealong("db", "path", env=env).line == str(env_path)
    assert ridealong("--data-dir", str(tmp_path / "dir"), "db", "path", env=env).line == str(
        tmp_path / "dir" / "ridealong.db"
    )
    uuid.UUID(ridealong("call", "start", "--account", "Acme", env=env).line)
    assert ridealong("db", "check", env=env).line.startswith("ok: ")


def test_a_relative_database_url_means_the_folder_the_command_runs_in(tmp_path: Path) -> None:
    url = ("--database-url", "sqlite:///rel.db")
    call_id = ridealong(*url, "call", "start", "--account", "Acme", cwd=tmp_path).line
    listed = ridealong(*url, "call", "list", cwd=tmp_path)
    assert listed.code == 0 and listed.err == "" and call_id in listed.out
    assert ridealong(*url, "db", "path", cwd=tmp_path).line == str(tmp_path / "rel.db")
    assert ridealong(*url, "db", "check", cwd=tmp_path).line.startswith("ok: ")
    assert (tmp_path / "rel.db").is_file() and not (ROOT / "rel.db").exists()


def test_no_command_but_the_gui_loads_qt(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'r.db'}"
    script = f"""
import sys
from desktop.cli import main
for args in (
    ["call", "start", "--account", "Acme"],
    ["call", "list", "--json"],
    ["search", "budget", "--json"],
    ["definitions", "list"],
    ["frameworks"],
    ["db", "check"],
    ["db", "path"],
):
    code = main(["--database-url", {url!r}, *args])
    assert code == 0, (args, code)
    assert "PySide6" not in sys.modules, args
try:
    main(["--help"])
except SystemExit:
    pass
assert "PySide6" not in sys.modules
print("clean")
"""
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.rstrip().endswith("clean")
