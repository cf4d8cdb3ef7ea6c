"""`ridealong competitors`: the competitor list from the command line, on both dialects.

Ids are printed alone; `list --json` is a list of {"id", "name"}; a user's mistake is
exit 2 with one line on stderr and nothing changed.
"""

from __future__ import annotations

import uuid

from desktop.domain import NoteKind
from desktop.services import Services
from desktop.services.periods import Period
from tests.cli.support import refuses
from tests.cli.test_cli import Cli


def test_add_prints_the_id_alone_and_list_shows_it_as_typed(cli: Cli, services: Services):
    clarivo = cli("competitors", "add", "Clarivo").line
    egain = cli("competitors", "add", "  eGain ").line

    assert uuid.UUID(clarivo) and uuid.UUID(egain)
    assert cli("competitors", "list", "--json").json == [
        {"id": clarivo, "name": "Clarivo"},
        {"id": egain, "name": "eGain"},
    ]
    listed = cli("competitors", "list")
    assert listed.out.splitlines() == [f"{clarivo}  Clarivo", f"{egain}  eGain"]
    assert [c.name for c in services.competitors.list()] == ["Clarivo", "eGain"]


def test_an_empty_list_is_an_empty_json_list_and_said_on_stderr(cli: Cli):
    assert cli("competitors", "list", "--json").json == []
    empty = cli("competitors", "list")
    assert (empty.code, empty.out) == (0, "")
    assert "empty" in empty.err


def test_a_duplicate_or_empty_name_is_refused_with_one_line(cli: Cli, services: Services):
    cli("competitors", "add", "Clarivo")

    said = refuses(cli, services, "competitors", "add", "CLARIVO")
    assert said == "ridealong: Clarivo is already on the competitor list"
    assert "must not be empty" in refuses(cli, services, "competitors", "add", "   ")


def test_remove_takes_it_off_by_name_in_any_case(cli: Cli, services: Services):
    clarivo = cli("competitors", "add", "Clarivo").line
    cli("competitors", "add", "Veloxa")

    assert cli("competitors", "remove", "clarivo").line == clarivo
    assert [c["name"] for c in cli("competitors", "list", "--json").json] == ["Veloxa"]


def test_removing_an_unknown_name_is_exit_2_and_one_line(cli: Cli, services: Services):
    cli("competitors", "add", "Veloxa")

    said = refuses(cli, services, "competitors", "remove", "Clarivo")
    assert said == "ridealong: Clarivo is not on the competitor list"


def test_rename_keeps_the_id_and_the_report_prints_the_new_name(cli: Cli, services: Services):
    veloxa = cli("competitors", "add", "veloxa").line
    call = services.calls.start("Acme", started_at=services.clock())
    services.notes.add(call.id, NoteKind.PAIN, "VELOXA exports break weekly")

    assert cli("competitors", "rename", "Veloxa", "Veloxa").line == veloxa
    today = services.clock().astimezone().date()
    month = Period.month(today.year, today.month)
    section = services.insights.compute(month).competitors
    assert [(t.name, t.calls) for t in section.themes] == [("Veloxa", 1)]
    assert "not on the competitor list" in refuses(
        cli, services, "competitors", "rename", "Nimbus", "Nimbus Cloud"
    )
