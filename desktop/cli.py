"""`ridealong`: the window by default, and the same services as scriptable commands.

The command line is a public contract: ids are printed alone on a line, `--json` shapes
do not change, a user's mistake exits 2 with one line on stderr, a bug exits 1 with its
traceback. Heavy imports (SQLAlchemy's ORM, Alembic, Qt) happen inside the commands
that need them, so `--help` and `--version` answer at once and no command but `gui`
ever loads Qt.
"""

from __future__ import annotations

import argparse
import gc
import io
import json
import os
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from desktop import __version__
from desktop.clock import Clock, utcnow
from desktop.domain import CallType, CriterionStatus, Grade, NoteKind, Outcome, Verdict
from desktop.errors import RidealongError, UserError
from desktop.wording import plural

if TYPE_CHECKING:
    from uuid import UUID

    from desktop.services import Services
    from desktop.services.redaction import RedactionOptions

PROG = "ridealong"
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}$")


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage mistake is one line on stderr and exit 2."""

    def error(self, message: str) -> NoReturn:
        sys.stderr.write(f"{self.prog}: {message} (see --help)\n")
        raise SystemExit(2)


def _choice(enum: Any, what: str) -> Callable[[str], Any]:
    def parse(value: str) -> Any:
        try:
            return enum.parse(value, what)
        except UserError as error:
            raise argparse.ArgumentTypeError(str(error)) from None

    parse.__name__ = what
    return parse


def _day(value: str) -> date:
    try:
        if not _DATE.match(value):
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date (YYYY-MM-DD)") from None


def _local_time(value: str) -> datetime:
    """A moment typed as the user's clock shows it: "YYYY-MM-DD HH:MM", in the local
    time zone (as `--since` and `--until` days are)."""
    try:
        if not _TIME.match(value.strip()):
            raise ValueError
        return datetime.fromisoformat(value.strip().replace(" ", "T")).astimezone()
    except (ValueError, OverflowError, OSError):
        raise argparse.ArgumentTypeError(
            f"{value!r} is not a local date and time (YYYY-MM-DD HH:MM)"
        ) from None


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"{value} is not at least 1")
    return number


def _intensity(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if not 1 <= number <= 5:
        raise argparse.ArgumentTypeError(f"intensity must be 1 to 5, not {value!r}")
    return number


def _seconds(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        number = -1.0
    if not 0 <= number < 10**7:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of seconds")
    return number


def _add_bundle_commands(commands: Any, exports: Any) -> None:
    """`export bundle` and `import` (bundle files: a team without a server)."""
    bundle = exports.add_parser(
        "bundle", help="a call or a month as a bundle file for another laptop; prints its path"
    )
    scope = bundle.add_mutually_exclusive_group(required=True)
    scope.add_argument("--call", metavar="CALL_ID", help="one call (and what it refers to)")
    scope.add_argument("--month", metavar="YYYY-MM", help="every call that started that month")
    bundle.add_argument("-o", "--output", required=True, metavar="FILE.ridealong")
    bundle.add_argument("--quiet", action="store_true", help="no progress on stderr")
    bundle.set_defaults(team_names=None, redact=False)
    importing = commands.add_parser(
        "import", help="merge a bundle file from a teammate: added, updated, skipped, conflicts"
    )
    importing.add_argument("file", metavar="FILE.ridealong")
    importing.add_argument("--json", action="store_true")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG,
        description="Capture, review and report what prospects say on sales calls. "
        "Without a command, opens the window.",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--data-dir", metavar="DIR", help="use DIR/ridealong.db")
    where.add_argument(
        "--database-url",
        metavar="URL",
        help="sqlite:///PATH or postgresql+psycopg://USER@HOST/DB "
        "(default: $RIDEALONG_DATABASE_URL, else ridealong.db in the user data directory)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    commands.add_parser("gui", help="open the window (the default)")

    demo = commands.add_parser("demo", help="add realistic sample data")
    demo.add_argument("--calls", type=_positive, default=40, metavar="N", help="default 40")
    demo.add_argument("--months", type=_positive, default=3, metavar="M", help="default 3")
    demo.add_argument("--seed", type=int, default=7, metavar="S", help="default 7")

    call = commands.add_parser("call", help="start, end, list and show calls").add_subparsers(
        dest="action", metavar="ACTION", required=True, parser_class=_Parser
    )
    start = call.add_parser("start", help="start a ride-along; prints its id")
    start.add_argument("--account", required=True, metavar="NAME")
    start.add_argument("--rep", metavar="NAME")
    start.add_argument("--marketer", metavar="NAME")
    start.add_argument(
        "--type",
        type=_choice(CallType, "call type"),
        default=CallType.DISCOVERY,
        metavar="|".join(CallType),
        dest="call_type",
    )
    start.add_argument("--framework", metavar="NAME", help="BANT, MEDDICC, CHAMP or your own")
    start.add_argument(
        "--at",
        type=_local_time,
        metavar='"YYYY-MM-DD HH:MM"',
        help="when it started, in local time (to log a call after the fact; default: now)",
    )
    start.add_argument(
        "--contact",
        action="append",
        default=[],
        metavar='"NAME[, TITLE]"',
        help="who was on it from the account (repeatable; a title given replaces the old one)",
    )
    end = call.add_parser("end", help="end a live call; it then awaits review")
    end.add_argument("call_id", metavar="CALL_ID")
    end.add_argument(
        "--at",
        type=_local_time,
        metavar='"YYYY-MM-DD HH:MM"',
        help="when it ended, in local time (default: now)",
    )
    delete = call.add_parser("delete", help="move a call to the trash; prints its id")
    delete.add_argument("call_id", metavar="CALL_ID")
    listing = call.add_parser("list", help="every call, newest first")
    listing.add_argument("--json", action="store_true")
    show = call.add_parser("show", help="a call with its notes")
    show.add_argument("call_id", metavar="CALL_ID")
    show.add_argument("--json", action="store_true")

    note = commands.add_parser("note", help="add, edit and delete notes").add_subparsers(
        dest="action", metavar="ACTION", required=True, parser_class=_Parser
    )
    add = note.add_parser("add", help="file a note on a call; prints its id")
    add.add_argument("call_id", metavar="CALL_ID")
    add.add_argument(
        "--kind", type=_choice(NoteKind, "kind"), required=True, metavar="|".join(NoteKind)
    )
    add.add_argument("--intensity", type=_intensity, metavar="1-5")
    add.add_argument("--at", type=_seconds, metavar="SECONDS", help="offset from the call's start")
    add.add_argument("--tag", action="append", default=[], metavar="TAG", help="repeatable")
    add.add_argument("--speaker", metavar="NAME", help="who said it: one of the call's contacts")
    add.add_argument("text", nargs="+", metavar="TEXT", help="the note ('-' reads standard input)")
    edit = note.add_parser("edit", help="change a note; prints its id")
    edit.add_argument("note_id", metavar="NOTE_ID")
    edit.add_argument("--kind", type=_choice(NoteKind, "kind"), metavar="|".join(NoteKind))
    edit.add_argument("--text", metavar="TEXT", help="the new text ('-' reads standard input)")
    edit.add_argument("--intensity", type=_intensity, metavar="1-5")
    edit.add_argument("--tag", action="append", default=[], metavar="TAG", help="add (repeatable)")
    edit.add_argument(
        "--untag", action="append", default=[], metavar="TAG", help="remove (repeatable)"
    )
    edit.add_argument(
        "--speaker", metavar="NAME", help="one of the call's contacts ('' forgets who said it)"
    )
    note_delete = note.add_parser("delete", help="move a note to the trash; prints its id")
    note_delete.add_argument("note_id", metavar="NOTE_ID")

    annotate = commands.add_parser("annotate", help="give a verdict or a comment on a note")
    annotate.add_argument("note_id", metavar="NOTE_ID")
    annotate.add_argument("--verdict", type=_choice(Verdict, "verdict"), metavar="|".join(Verdict))
    annotate.add_argument("--by", required=True, metavar="NAME")
    annotate.add_argument(
        "--correction", metavar="TEXT", help="what was really said (implies --verdict corrected)"
    )
    annotate.add_argument("--comment", metavar="TEXT")

    answer = commands.add_parser(
        "answer", help="record where a call stands on a qualification criterion"
    )
    answer.add_argument("call_id", metavar="CALL_ID")
    answer.add_argument("criterion", metavar="CRITERION", help="its key or name (see frameworks)")
    answer.add_argument(
        "--status",
        type=_choice(CriterionStatus, "status"),
        required=True,
        metavar="|".join(CriterionStatus),
    )
    answer.add_argument("--answer", metavar="TEXT", help="the answer heard ('' clears it)")
    answer.add_argument("--by", metavar="NAME")

    grade = commands.add_parser("grade", help="grade the lead of a call")
    grade.add_argument("call_id", metavar="CALL_ID")
    grade.add_argument(
        "--grade", type=_choice(Grade, "grade"), required=True, metavar="|".join(Grade)
    )
    grade.add_argument("--by", required=True, metavar="NAME")
    grade.add_argument("--reason", metavar="TEXT")

    search = commands.add_parser("search", help="search notes, answers, corrections, comments")
    search.add_argument("query", metavar="QUERY")
    search.add_argument("--kind", type=_choice(NoteKind, "kind"), action="append", default=[])
    search.add_argument("--since", type=_day, metavar="YYYY-MM-DD")
    search.add_argument("--until", type=_day, metavar="YYYY-MM-DD")
    search.add_argument("--account", metavar="NAME")
    search.add_argument("--rep", metavar="NAME")
    search.add_argument("--tag", metavar="TAG")
    search.add_argument("--limit", type=_positive, default=20, metavar="N", help="default 20")
    search.add_argument("--json", action="store_true")

    definitions = commands.add_parser(
        "definitions", help="the agreed terms (MQL, SQL, ...)"
    ).add_subparsers(dest="action", metavar="ACTION", required=True, parser_class=_Parser)
    def_list = definitions.add_parser("list", help="the definitions in force")
    def_list.add_argument("--revision", type=_positive, metavar="R", help="as they stood at R")
    def_list.add_argument("--json", action="store_true")
    def_set = definitions.add_parser("set", help="define a term (a new revision)")
    def_set.add_argument("term", metavar="TERM")
    def_set.add_argument("body", metavar="TEXT")
    def_set.add_argument("--by", metavar="NAME")

    outcome = commands.add_parser("outcome", help="record how an account's deal ended")
    outcome.add_argument("account", metavar="ACCOUNT")
    outcome.add_argument(
        "--set",
        type=_choice(Outcome, "outcome"),
        required=True,
        metavar="|".join(Outcome),
        dest="outcome",
    )
    outcome.add_argument("--on", type=_day, metavar="YYYY-MM-DD")
    outcome.add_argument("--reason", metavar="TEXT")

    frameworks = commands.add_parser("frameworks", help="list qualification frameworks")
    frameworks.add_argument("--json", action="store_true")

    export = commands.add_parser(
        "export", help="write a call summary or a month's insights as PDF, or the notes as CSV"
    )
    reports = export.add_subparsers(
        dest="action", metavar="WHAT", required=True, parser_class=_Parser
    )
    _add_bundle_commands(commands, reports)
    export_call = reports.add_parser("call", help="one call's summary, as PDF or Markdown")
    export_call.add_argument("call_id", metavar="CALL_ID")
    export_call.add_argument(
        "--format",
        choices=("pdf", "md"),
        default="pdf",
        help="pdf (the default), or md: Markdown for Slack or a CRM note, printed unless -o",
    )
    export_month = reports.add_parser("month", help="the insights PDF of a month (or any dates)")
    export_month.add_argument("month", metavar="YYYY-MM")
    export_month.add_argument(
        "--since", type=_day, metavar="YYYY-MM-DD", help="instead of the month's first day"
    )
    export_month.add_argument(
        "--until", type=_day, metavar="YYYY-MM-DD", help="instead of its last day"
    )
    for what in ("segment", "industry", "rep", "account"):
        export_month.add_argument(f"--{what}", metavar=what.upper())
    export_month.add_argument("--by", metavar="NAME", help="who generates it (default: you)")
    for command in (export_call, export_month):
        command.add_argument(
            "-o",
            "--output",
            required=command is export_month,  # a call's PDF checks it: md may print
            metavar="FILE.pdf" if command is export_month else "FILE",
        )
        command.add_argument(
            "--redact", action="store_true", help="hide names, e-mails, phones and accounts"
        )
        command.add_argument(
            "--team-names",
            choices=("keep", "role"),
            metavar="keep|role",
            help="with --redact: keep the team's names (default) or replace them by role",
        )
        command.add_argument("--quiet", action="store_true", help="no progress on stderr")

    export_csv = reports.add_parser(
        "csv", help="every note as a spreadsheet row (UTF-8 CSV that Excel opens as it is)"
    )
    export_csv.add_argument(
        "--since", type=_day, metavar="YYYY-MM-DD", help="calls from this day on (default: all)"
    )
    export_csv.add_argument(
        "--until", type=_day, metavar="YYYY-MM-DD", help="calls up to this day, included"
    )
    export_csv.add_argument("-o", "--output", required=True, metavar="FILE.csv")
    export_csv.add_argument("--quiet", action="store_true", help="no progress on stderr")

    db = commands.add_parser("db", help="check, upgrade or locate the database").add_subparsers(
        dest="action", metavar="ACTION", required=True, parser_class=_Parser
    )
    db.add_parser("check", help="a full integrity check; exit 2 if damaged")
    db.add_parser("upgrade", help="bring the schema up to this version")
    db.add_parser("path", help="print where the database is")
    _add_durability_commands(commands)
    _add_competitor_commands(commands)
    return parser


def _add_competitor_commands(commands: Any) -> None:
    """`competitors`: the list the team keeps (reports also know tagged ones)."""
    competitors = commands.add_parser(
        "competitors", help="the competitors the team keeps on its list: list, add, rename, remove"
    ).add_subparsers(dest="action", metavar="ACTION", required=True, parser_class=_Parser)
    listing = competitors.add_parser("list", help="the list, alphabetically")
    listing.add_argument("--json", action="store_true")
    add = competitors.add_parser("add", help="put a competitor on the list; prints its id")
    add.add_argument("name", metavar="NAME")
    rename = competitors.add_parser("rename", help="write a listed name another way; prints its id")
    rename.add_argument("name", metavar="NAME")
    rename.add_argument("new_name", metavar="NEW_NAME")
    remove = competitors.add_parser("remove", help="take a competitor off the list; prints its id")
    remove.add_argument("name", metavar="NAME")


#: The most days `--older-than` takes: a hundred years, well inside the calendar.
_MAX_DAYS = 36_500


def _days(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = -1
    if not 0 <= number <= _MAX_DAYS:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of days (0 to {_MAX_DAYS:,})")
    return number


def _add_durability_commands(commands: Any) -> None:
    """`backup`, `restore` and `trash` (see docs/reliability.md)."""
    backup = commands.add_parser(
        "backup", help="back up the database into backups/ beside it (or to FILE); prints its path"
    )
    backup.add_argument("-o", "--output", metavar="FILE", help="write the backup to FILE instead")
    backup.add_argument("--list", action="store_true", help="list the backups, newest first")
    backup.add_argument("--json", action="store_true", help="with --list")
    backup.add_argument("--quiet", action="store_true", help="no progress on stderr")
    restore = commands.add_parser(
        "restore", help="replace the database with a backup (the current one is kept first)"
    )
    restore.add_argument("file", metavar="FILE")
    restore.add_argument("--quiet", action="store_true", help="no progress on stderr")
    trash = commands.add_parser(
        "trash", help="deleted calls, notes and annotations: list, restore, empty"
    ).add_subparsers(dest="action", metavar="ACTION", required=True, parser_class=_Parser)
    trash_list = trash.add_parser("list", help="what is in the trash, newest first")
    trash_list.add_argument("--json", action="store_true")
    trash_restore = trash.add_parser("restore", help="put an item back; prints its id")
    trash_restore.add_argument("item_id", metavar="ID")
    trash_empty = trash.add_parser("empty", help="delete what is in the trash for good")
    trash_empty.add_argument(
        "--older-than",
        type=_days,
        metavar="DAYS",
        help="only what was deleted more than DAYS days ago (the app purges after 30)",
    )


# -- output helpers ----------------------------------------------------------------


def _emit_json(value: Any) -> None:
    json.dump(value, sys.stdout, indent=2, default=str)
    sys.stdout.write("\n")


#: One flat object (no list or object inside) as `_emit_json` writes it in a list, but
#: by the C encoder, which `indent` would turn off.
_FLAT_ITEM = json.JSONEncoder(separators=(",\n    ", ": "), default=str)


def _emit_json_items(items: Iterable[dict[str, Any]]) -> None:
    """Write a list of flat objects byte for byte as `_emit_json` would, each as it
    comes: a long list in the memory of one item and at the C encoder's speed."""
    write = sys.stdout.write
    opening = "["
    for item in items:
        write(f"{opening}\n  {{\n    {_FLAT_ITEM.encode(item)[1:-1]}\n  }}")
        opening = ","
    write("[]\n" if opening == "[" else "\n]\n")


def _local(moment: datetime | None) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M") if moment else ""


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _note_text(parts: Sequence[str]) -> str:
    if list(parts) == ["-"]:
        return sys.stdin.read()
    return " ".join(parts)


# -- commands ----------------------------------------------------------------------


def _database_url(args: argparse.Namespace, *, warn: bool = True) -> str:
    """The database the command works on (`--database-url`, `--data-dir`, the
    environment or the default), with the risky-place warning on stderr; the window
    (`warn=False`) shows that warning its own way. A team database's password comes
    from the keyring or a prompt when nothing else gives it (`_with_password`)."""
    from desktop.config import resolve_database_url

    url = resolve_database_url(args.database_url, args.data_dir)
    if warn:
        _warn_if_risky(url)
    return _with_password(url)


def _with_password(url: str) -> str:
    """The URL with a team database's password, taken in this order: the URL itself,
    PGPASSWORD, the keyring, ~/.pgpass (libpq reads it), a prompt.

    The password is never typed on the command line (other users see it in `ps`), and
    the prompt comes only on a terminal and only when the server asks for a password:
    a script never waits for an answer nobody will type.
    """
    if url.partition(":")[0].partition("+")[0] == "sqlite":
        # A file has no password, and the window paints before SQLAlchemy loads.
        return url
    from desktop.config import stored_password
    from desktop.storage.database import login_without_password, password_wanted, with_password

    login = login_without_password(url)
    if login is None:
        return url
    stored = stored_password(login)
    if stored is not None:
        return with_password(url, stored)
    if not (sys.stdin.isatty() and password_wanted(url)):
        return url
    import getpass

    try:
        typed = getpass.getpass(f"Password for {login}: ")
    except EOFError:
        raise UserError(f"no password given for {login}") from None
    return with_password(url, typed)


def _open(args: argparse.Namespace) -> Services:
    if args.short_lived:
        # What loads and opens here (SQLAlchemy, the models, the services) lives until
        # the command's process exits: the collector need not scan it while it grows (a
        # tenth of a command's start-up) nor again and again after (a month's report is
        # written about a tenth faster).
        gc.disable()
    try:
        from desktop.services import Services

        return Services.open(_database_url(args), clock=args.clock)
    finally:
        if args.short_lived:
            gc.freeze()
            gc.enable()


def _call_id(services: Services, value: str) -> UUID:
    """A call's id, whole or a unique start of at least 8 characters."""
    from desktop.services.ids import IdKind

    return services.ids.resolve(value, IdKind.CALL)


def _note_id(services: Services, value: str) -> UUID:
    from desktop.services.ids import IdKind

    return services.ids.resolve(value, IdKind.NOTE)


def _no_display() -> str | None:
    """Why the window cannot open here (Qt would abort the whole program), or None.

    On Linux and the other X11/Wayland systems a window needs DISPLAY or
    WAYLAND_DISPLAY, unless QT_QPA_PLATFORM names another way to draw (offscreen, vnc).
    """
    if sys.platform in ("win32", "darwin") or os.environ.get("QT_QPA_PLATFORM"):
        return None
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return None
    return (
        "there is no display to open the window on (neither DISPLAY nor WAYLAND_DISPLAY "
        "is set); use a command instead, e.g. `ridealong call list` (`ridealong --help` "
        "lists them)"
    )


def cmd_gui(args: argparse.Namespace) -> int:
    missing = _no_display()
    if missing:
        raise UserError(missing)
    url = _database_url(args, warn=False)
    from ui.app import run

    return run(database_url=url)


def cmd_demo(args: argparse.Namespace) -> int:
    from desktop.demo import generate

    with _open(args) as services:
        summary = generate(services, calls=args.calls, months=args.months, seed=args.seed)
    print(summary.describe())
    return 0


def cmd_call(args: argparse.Namespace) -> int:
    from desktop.services.calls import check_not_future, parse_contact

    for what in ("start", "end"):
        if args.action == what and args.at is not None:
            check_not_future(args.at, args.clock(), what)
    with _open(args) as services:
        if args.action == "start":
            call = services.calls.start(
                args.account,
                rep=args.rep,
                marketer=args.marketer,
                call_type=args.call_type,
                framework=args.framework,
                contacts=[parse_contact(c) for c in args.contact],
                started_at=args.at,
            )
            print(call.id)
        elif args.action == "end":
            call = services.calls.end(_call_id(services, args.call_id), args.at)
            print(call.id)
        elif args.action == "delete":
            call = services.calls.delete(_call_id(services, args.call_id))
            print(call.id)
        elif args.action == "list":
            _call_list(services, as_json=args.json)
        else:
            _call_show(services, _call_id(services, args.call_id), as_json=args.json)
    return 0


def _call_row_json(row: Any) -> dict[str, Any]:
    return {
        "id": str(row.id),
        "account": row.account,
        "rep": row.rep,
        "marketer": row.marketer,
        "type": row.call_type.value,
        "status": row.status.value,
        "started_at": _iso(row.started_at),
        "ended_at": _iso(row.ended_at),
        "grade": row.grade.value if row.grade else None,
        "note_count": row.note_count,
    }


def _call_list(services: Services, as_json: bool) -> None:
    if as_json:
        _emit_json_items(map(_call_row_json, services.calls.stream()))
        return
    for r in services.calls.stream():
        grade = r.grade.value if r.grade else "-"
        print(
            f"{r.id}  {_local(r.started_at)}  {r.status.value:<15}  {grade:<11}  "
            f"{r.note_count:>4} {'note ' if r.note_count == 1 else 'notes'}  {r.account}"
            + (f"  (rep {r.rep})" if r.rep else "")
        )


def _note_json(note: Any, annotations: Sequence[Any]) -> dict[str, Any]:
    return {
        "id": str(note.id),
        "kind": note.kind.value,
        "text": note.text,
        "offset": note.offset_ms / 1000,
        "intensity": note.intensity,
        "tags": list(note.tags),
        "quote_worthy": note.quote_worthy,
        "case_study": note.case_study,
        "response": note.response,
        "answer": note.answer,
        "review_status": note.review_status.value,
        "speaker": note.speaker.name if note.speaker else None,
        "annotations": [
            {
                "id": str(a.id),
                "verdict": a.verdict.value if a.verdict else None,
                "correction": a.correction,
                "comment": a.comment,
                "by": a.author.name if a.author else None,
                "at": _iso(a.created_at),
            }
            for a in annotations
        ],
    }


def _call_show(services: Services, call_id: Any, as_json: bool) -> None:
    call = services.calls.get(call_id)
    notes = services.calls.notes(call_id)
    annotations = services.review.annotations(n.id for n in notes)
    criteria = services.qualification.checklist(call_id)
    if as_json:
        _emit_json(
            {
                "id": str(call.id),
                "account": call.account.name,
                "rep": call.rep.name if call.rep else None,
                "marketer": call.marketer.name if call.marketer else None,
                "type": call.call_type.value,
                "framework": call.framework.name if call.framework else None,
                "status": call.status.value,
                "started_at": _iso(call.started_at),
                "ended_at": _iso(call.ended_at),
                "grade": call.grade.value if call.grade else None,
                "grade_reason": call.grade_reason,
                "definitions_revision": call.grade_definitions_revision,
                "notes": [_note_json(n, annotations.get(n.id, ())) for n in notes],
                "criteria": [
                    {
                        "key": c.criterion.key,
                        "name": c.criterion.name,
                        "status": c.status.value,
                        "answer": c.answer,
                    }
                    for c in criteria
                ],
                "contacts": [{"name": c.name, "title": c.title} for c in call.contacts],
            }
        )
        return
    people = ", ".join(
        f"{role} {p.name}" for role, p in (("rep", call.rep), ("marketer", call.marketer)) if p
    )
    print(f"{call.account.name} — {call.call_type.label} call, {_local(call.started_at)}")
    print(f"{call.status.value}" + (f"; {people}" if people else ""))
    if call.contacts:
        print(
            "with "
            + ", ".join(c.name + (f" ({c.title})" if c.title else "") for c in call.contacts)
        )
    if call.grade:
        reason = f": {call.grade_reason}" if call.grade_reason else ""
        print(f"graded {call.grade.label}{reason}")
    if call.framework:
        print(f"{call.framework.name}:")
    width = max((len(c.criterion.name) for c in criteria), default=0)
    for c in criteria:
        heard = f"  {c.answer}" if c.answer else ""
        print(f"  {c.criterion.name:<{width}}  {c.status.value:<13}{heard}".rstrip())
    for n in notes:
        marks = f" [{n.review_status.value}]" if n.review_status.value != "unreviewed" else ""
        said = f"{n.speaker.name}: " if n.speaker else ""
        print(f"{n.offset_label}  {n.kind.label:<13} {said}{n.text}{marks}")


def cmd_note(args: argparse.Namespace) -> int:
    if args.action == "edit":
        return _note_edit(args)
    if args.action == "delete":
        with _open(args) as services:
            note = services.notes.delete(_note_id(services, args.note_id))
        print(note.id)
        return 0
    text = _note_text(args.text)
    with _open(args) as services:
        note = services.notes.add(
            _call_id(services, args.call_id),
            args.kind,
            text,
            offset_ms=round(args.at * 1000) if args.at is not None else None,
            intensity=args.intensity,
            tags=args.tag,
            speaker=args.speaker,
        )
    print(note.id)
    return 0


def _note_edit(args: argparse.Namespace) -> int:
    changes: dict[str, Any] = {}
    if args.kind is not None:
        changes["kind"] = args.kind
    if args.text is not None:
        changes["text"] = _note_text([args.text])
    if args.intensity is not None:
        changes["intensity"] = args.intensity
    if args.speaker is not None:
        changes["speaker"] = args.speaker.strip() or None
    if args.tag:
        changes["add_tags"] = args.tag
    if args.untag:
        changes["remove_tags"] = args.untag
    if not changes:
        raise UserError(
            "nothing to change: give --kind, --text, --intensity, --tag, --untag or --speaker"
        )
    with _open(args) as services:
        note = services.notes.edit(_note_id(services, args.note_id), **changes)
    print(note.id)
    return 0


def cmd_annotate(args: argparse.Namespace) -> int:
    verdict = args.verdict
    if verdict is None and args.correction is not None:
        verdict = Verdict.CORRECTED
    with _open(args) as services:
        annotation = services.review.annotate(
            _note_id(services, args.note_id),
            verdict,
            args.by,
            correction=args.correction,
            comment=args.comment,
        )
    print(annotation.id)
    return 0


def cmd_grade(args: argparse.Namespace) -> int:
    with _open(args) as services:
        call = services.review.grade(
            _call_id(services, args.call_id), args.grade, args.by, args.reason
        )
    print(call.id)
    return 0


def cmd_answer(args: argparse.Namespace) -> int:
    with _open(args) as services:
        call_id = _call_id(services, args.call_id)
        services.qualification.set_status(
            call_id, args.criterion, args.status, answer=args.answer, by=args.by
        )
    print(call_id)
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    if args.since and args.until and args.since > args.until:
        raise UserError(f"--since {args.since} is after --until {args.until}")
    with _open(args) as services:
        from desktop.services.values import SearchFilters

        filters = SearchFilters(
            kinds=tuple(args.kind),
            account=args.account,
            rep=args.rep,
            tag=args.tag,
            since=args.since,
            until=args.until,
        )
        hits = services.search.search(args.query, filters, limit=args.limit)
    if args.json:
        _emit_json(
            [
                {
                    "note_id": str(h.note_id),
                    "call_id": str(h.call_id),
                    "account": h.account,
                    "kind": h.kind.value,
                    "text": h.text,
                    "offset": h.offset_ms / 1000,
                    "intensity": h.intensity,
                    "snippet": h.snippet.marked(),
                    "field": h.field.value,
                    "field_text": h.field_text,
                    "call_started_at": _iso(h.call_started_at),
                }
                for h in hits
            ]
        )
        return 0
    if not hits:
        print("no matches", file=sys.stderr)
    for h in hits:
        where = "" if h.field.value == "text" else f" ({h.field.value})"
        print(f"{h.note_id}  {h.account}  {h.kind.label}{where}  {h.snippet.marked()}")
    return 0


def cmd_definitions(args: argparse.Namespace) -> int:
    with _open(args) as services:
        if args.action == "set":
            row = services.definitions.set(args.term, args.body, by=args.by)
            print(f"{row.term}: revision {row.revision}")
            return 0
        rows = (
            services.definitions.at(args.revision)
            if args.revision
            else services.definitions.current()
        )
    if args.json:
        _emit_json(
            [
                {"term": d.term, "body": d.body, "revision": d.revision, "at": _iso(d.created_at)}
                for d in rows
            ]
        )
    for d in [] if args.json else rows:
        print(f"{d.term} (revision {d.revision}): {d.body}")
    return 0


def cmd_outcome(args: argparse.Namespace) -> int:
    with _open(args) as services:
        account = services.accounts.set_outcome(
            args.account, args.outcome, on=args.on, reason=args.reason
        )
    when = f" on {account.outcome_on}" if account.outcome_on else ""
    print(f"{account.name}: {account.outcome.value}{when}")
    return 0


def cmd_frameworks(args: argparse.Namespace) -> int:
    with _open(args) as services:
        frameworks = services.frameworks.list()
    if args.json:
        _emit_json(
            [
                {
                    "key": f.key,
                    "name": f.name,
                    "builtin": f.builtin,
                    "criteria": [
                        {"key": c.key, "name": c.name, "question": c.question} for c in f.criteria
                    ],
                }
                for f in frameworks
            ]
        )
        return 0
    for f in frameworks:
        print(f"{f.name}: " + ", ".join(c.name for c in f.criteria))
    return 0


def cmd_db(args: argparse.Namespace) -> int:
    from desktop.storage import maintenance

    url = _database_url(args)
    if args.action == "path":
        from desktop.storage.database import describe

        print(describe(url))
        return 0
    if args.action == "upgrade":
        print(maintenance.upgrade(url, clock=args.clock))
        return 0
    print(maintenance.check(url))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from desktop.services.redaction import RedactionOptions

    if args.action == "csv":
        return _export_csv(args)
    if args.team_names and not args.redact:
        raise UserError("--team-names only applies with --redact")
    redaction = RedactionOptions(team=args.team_names or "keep") if args.redact else None
    progress = _PercentLine("exporting", args.quiet)
    if args.action == "bundle":
        return _export_bundle(args, progress)
    if args.action == "call":
        from desktop.reports.call_summary import build_call_summary

        if args.format == "md":
            return _export_call_markdown(args, redaction)
        if args.output is None:
            raise UserError("a PDF needs a file: -o FILE.pdf (or --format md to print Markdown)")
        with _open(args) as services:
            info = build_call_summary(
                services,
                _call_id(services, args.call_id),
                args.output,
                redaction=redaction,
                progress=progress,
            )
    else:
        from desktop.config import load_identity
        from desktop.reports.insights_report import build_insights_report
        from desktop.services.periods import InsightFilters, Period

        month = Period.parse_month(args.month)
        period = Period(args.since or month.start, args.until or month.end)
        filters = InsightFilters(
            segment=args.segment, industry=args.industry, rep=args.rep, account=args.account
        )
        with _open(args) as services:
            info = build_insights_report(
                services,
                period,
                filters,
                args.output,
                generated_by=args.by or load_identity().name,
                redaction=redaction,
                progress=progress,
            )
    progress.clear()
    print(info.path)
    return 0


def _export_bundle(args: argparse.Namespace, progress: _PercentLine) -> int:
    from desktop.services.periods import Period

    month = Period.parse_month(args.month) if args.month else None
    with _open(args) as services:
        call_id = _call_id(services, args.call) if args.call else None
        info = services.bundles.export_bundle(
            args.output, call_id=call_id, month=month, progress=progress
        )
    progress.clear()
    print(info.path)
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    """Merge a bundle: one line per kind of row (added, updated, skipped, conflicts),
    then one per conflict, naming both versions (ours was kept)."""
    from desktop.services.bundles import summary_lines

    with _open(args) as services:
        summary = services.bundles.import_bundle(args.file)
    if args.json:
        _emit_json(
            {
                "counts": [
                    {
                        "kind": c.kind,
                        "added": c.added,
                        "updated": c.updated,
                        "skipped": c.skipped,
                        "conflicts": c.conflicts,
                    }
                    for c in summary.counts
                ],
                "conflicts": [
                    {
                        "kind": c.kind,
                        "id": str(c.id),
                        "label": c.label,
                        "kept": "mine",
                        "mine": {"version": c.mine.version, "updated_at": _iso(c.mine.updated_at)},
                        "theirs": {
                            "version": c.theirs.version,
                            "updated_at": _iso(c.theirs.updated_at),
                        },
                    }
                    for c in summary.conflicts
                ],
            }
        )
        return 0
    for line in summary_lines(summary):
        print(line)
    return 0


def _export_call_markdown(args: argparse.Namespace, redaction: RedactionOptions | None) -> int:
    """The call as Markdown: to the file given by -o (its path printed), else printed."""
    from desktop.reports.markdown import build_call_markdown, write_markdown

    to_file = args.output not in (None, "-")
    if to_file:
        from desktop.reports.layout import check_target

        check_target(args.output)  # before any work, as for a PDF
    with _open(args) as services:
        text = build_call_markdown(services, _call_id(services, args.call_id), redaction=redaction)
    if to_file:
        print(write_markdown(text, args.output))
    else:
        sys.stdout.write(text)
    return 0


def _export_csv(args: argparse.Namespace) -> int:
    """The notes of the calls between two days (both included; each end optional)."""
    from desktop.reports.files import check_target
    from desktop.reports.spreadsheet import write_notes_csv
    from desktop.services.periods import Period

    period = Period(args.since or date.min, args.until or date.max)
    check_target(args.output, example="notes.csv")  # before opening the database
    progress = _PercentLine("exporting", args.quiet)
    with _open(args) as services:
        info = write_notes_csv(services, period, args.output, progress=progress)
    progress.clear()
    print(info.path)
    return 0


# -- durability: backup, restore, trash, risky places ----------------------------------


def _warn_if_risky(url: str) -> None:
    """A database in a synced folder or on a network share (see `_database_url`). Asked
    of the storage layer itself: `services.backup` (backups, restore, their formats) is
    more than every command should import."""
    from desktop.storage.database import parse_url, sqlite_path
    from desktop.storage.places import risky_place

    try:
        path = sqlite_path(parse_url(url))
    except UserError:
        return  # the command itself reports a bad URL
    place = risky_place(path) if path is not None else None
    if place is not None:
        sys.stderr.write(f"{PROG}: {place.message}\n")


class _PercentLine:
    """Progress as `verb… N%` on one line of stderr, rewritten in place; only on a
    terminal (a log or a pipe would collect every step) and not with `--quiet`."""

    def __init__(self, verb: str, quiet: bool) -> None:
        self._verb = verb
        self._shown = not quiet and sys.stderr.isatty()

    def __call__(self, done: int, total: int) -> None:
        if self._shown:
            sys.stderr.write(f"\r{self._verb}… {100 * done // max(1, total)}%")
            sys.stderr.flush()

    def clear(self) -> None:
        """Wipe the line, so that what is printed next starts at its beginning."""
        if self._shown:
            sys.stderr.write("\r\033[K")


def _backup_json(info: Any) -> dict[str, Any]:
    return {
        "path": str(info.path),
        "created_at": _iso(info.created_at),
        "kind": info.kind.value,
        "size": info.size,
        "revision": info.revision,
        "calls": info.calls,
        "notes": info.notes,
        "problem": info.problem,
        "compressed": info.compressed,
        "database_size": info.database_size,
    }


def cmd_backup(args: argparse.Namespace) -> int:
    from desktop.services import backup
    from desktop.storage import backup as files
    from desktop.storage.database import describe

    url = _database_url(args)
    if backup.is_server(url) and not args.list:
        if args.output:
            return _copy_team_database(url, args)
        raise UserError(
            f"{describe(url)} {backup.SERVER_BACKUPS}; `ridealong backup -o FILE` "
            "writes a copy of it in one file, for a laptop that leaves the network"
        )
    path = backup.database_file(url)
    if args.list:
        found = files.list_backups(path)
        if args.json:
            _emit_json([_backup_json(b) for b in found])
        for b in [] if args.json else found:
            counts = (
                f"{plural(b.calls or 0, 'call')}, {plural(b.notes or 0, 'note')}"
                if b.good
                else f"unusable: {b.problem}"
            )
            when = _local(b.created_at)
            print(f"{b.path}  {when}  {b.kind.value:<14}  {b.size:>12,} B  {counts}")
        return 0
    progress = _PercentLine("backing up", args.quiet)
    target = Path(args.output) if args.output else None
    try:
        info = files.create_backup(path, target, progress=progress, now=args.clock())
    finally:
        progress.clear()
    print(info.path)
    return 0


def _copy_team_database(url: str, args: argparse.Namespace) -> int:
    """`backup -o FILE` on a server: its rows in one SQLite file; prints the file."""
    from desktop.services.backup import copy_team_database

    progress = _PercentLine("copying", args.quiet)
    try:
        made = copy_team_database(url, args.output, progress=progress)
    finally:
        progress.clear()
    print(made.path)
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from desktop.services import backup

    url = _database_url(args)
    progress = _PercentLine("restoring", args.quiet)
    try:
        result = backup.restore(url, Path(args.file), progress=progress, clock=args.clock)
    finally:
        progress.clear()
    upgraded = f", upgraded to schema {result.revision}" if result.upgraded else ""
    counts = f"{plural(result.calls, 'call')}, {plural(result.notes, 'note')}"
    print(f"restored {result.restored_from} ({counts}{upgraded})")
    if result.previous_kept_at:
        print(f"the database it replaced is kept at {result.previous_kept_at}")
    return 0


def cmd_trash(args: argparse.Namespace) -> int:
    from datetime import timedelta

    with _open(args) as services:
        if args.action == "restore":
            from desktop.services.ids import IdKind

            kinds = (IdKind.CALL, IdKind.NOTE, IdKind.ANNOTATION)
            item = services.trash.restore(services.ids.resolve(args.item_id, *kinds, what="id"))
            print(item.id)
            return 0
        if args.action == "empty":
            older = timedelta(days=args.older_than) if args.older_than is not None else None
            purged = services.trash.empty(older)
            print(
                f"deleted for good: {plural(purged.calls, 'call')}, "
                f"{plural(purged.notes, 'note')}, {plural(purged.annotations, 'annotation')}"
            )
            return 0
        items = services.trash.list()
    if args.json:
        _emit_json(
            [
                {
                    "id": str(i.id),
                    "kind": i.kind.value,
                    "call_id": str(i.call_id),
                    "account": i.account,
                    "deleted_at": _iso(i.deleted_at),
                    "purge_after": _iso(i.purge_after),
                    "summary": i.summary,
                    "notes": i.notes,
                }
                for i in items
            ]
        )
        return 0
    if not items:
        print("the trash is empty", file=sys.stderr)
    for i in items:
        carried = f" (with {plural(i.notes, 'note')})" if i.notes else ""
        when = _local(i.deleted_at)
        print(f"{i.id}  {i.kind.value:<10}  {when}  {i.account}  {i.summary}{carried}")
    return 0


def cmd_competitors(args: argparse.Namespace) -> int:
    with _open(args) as services:
        competitors = services.competitors
        if args.action == "add":
            print(competitors.add(args.name).id)
            return 0
        if args.action == "rename":
            print(competitors.rename(competitors.find(args.name).id, args.new_name).id)
            return 0
        if args.action == "remove":
            print(competitors.remove(competitors.find(args.name).id).id)
            return 0
        rows = competitors.list()
    if args.json:
        _emit_json([{"id": str(c.id), "name": c.name} for c in rows])
        return 0
    if not rows:
        print("the competitor list is empty", file=sys.stderr)
    for c in rows:
        print(f"{c.id}  {c.name}")
    return 0


_GLOBAL_VALUE_OPTIONS = frozenset({"--data-dir", "--database-url"})
_SEARCH_VALUE_OPTIONS = frozenset(
    {"--kind", "--since", "--until", "--account", "--rep", "--tag", "--limit"}
)
_SEARCH_FLAGS = frozenset({"--json", "-h", "--help"})


def _query_last(argv: list[str]) -> list[str]:
    """Let a search query start with '-' (`-word` excludes a word), as argparse would
    take it for an option: the first argument of `search` that is none of its options is
    moved behind a `--`, where only positionals go."""
    i = 0
    while i < len(argv) and argv[i].startswith("-") and argv[i] != "--":
        i += 2 if argv[i] in _GLOBAL_VALUE_OPTIONS else 1
    if i >= len(argv) or argv[i] != "search":
        return argv
    rest = argv[i + 1 :]
    j = 0
    while j < len(rest):
        arg = rest[j]
        if arg == "--":
            return argv
        if arg in _SEARCH_VALUE_OPTIONS:
            j += 2
        elif arg in _SEARCH_FLAGS or arg.split("=", 1)[0] in _SEARCH_VALUE_OPTIONS:
            j += 1
        else:
            return [*argv[: i + 1], *rest[:j], *rest[j + 1 :], "--", arg]
    return argv


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "gui": cmd_gui,
    "demo": cmd_demo,
    "call": cmd_call,
    "note": cmd_note,
    "annotate": cmd_annotate,
    "grade": cmd_grade,
    "answer": cmd_answer,
    "search": cmd_search,
    "definitions": cmd_definitions,
    "outcome": cmd_outcome,
    "frameworks": cmd_frameworks,
    "db": cmd_db,
    "export": cmd_export,
    "import": cmd_import,
    "backup": cmd_backup,
    "restore": cmd_restore,
    "trash": cmd_trash,
    "competitors": cmd_competitors,
}


def main(argv: Sequence[str] | None = None, *, clock: Clock = utcnow) -> int:
    """Run one command, telling the time by `clock`; the exit code says whether it was a
    success (0), a user's mistake (2) or a bug (1)."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")
    args = build_parser().parse_args(_query_last(sys.argv[1:] if argv is None else list(argv)))
    args.clock = clock
    args.short_lived = argv is None and args.command not in (None, "gui")  # see `_open`
    try:
        return COMMANDS[args.command or "gui"](args)
    except RidealongError as error:
        sys.stderr.write(f"{PROG}: {error}\n")
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        sys.stderr.close()
        return 0
