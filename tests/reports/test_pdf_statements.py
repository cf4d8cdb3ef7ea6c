"""The month PDF reads its month in a fixed number of statements, whatever the number of
calls and notes (no query per call, note or theme); and on SQLite no query of it finds a
tag's rows from the tag (with sampled statistics that read every tag row of every date).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import event

from desktop.domain import Grade, NoteKind, Verdict
from desktop.reports.insights_report import build_insights_report
from desktop.services import Services
from desktop.services.periods import Period
from tests.fakes import FakeClock
from tests.statements import Statements, counted

NOVEMBER = Period.month(2026, 11)


def _calls(services: Services, first: int, count: int) -> None:
    """`count` calls, in October and November, each with notes of every kind the report
    reads: tagged pains and objections (one answered), a competitor, an untagged pain,
    a quote, a disputed note and a reclassified one."""
    for i in range(first, first + count):
        month = 10 + i % 2
        made = services.calls.start(
            f"Account {i}",
            rep=f"Rep {i % 3}",
            marketer="Mo",
            started_at=datetime(2026, month, 1 + i % 27, 10).astimezone(),
        )
        services.review.grade(made.id, (Grade.SQL, Grade.MQL)[i % 2], "Riley Rep")
        notes = services.notes
        notes.add(made.id, NoteKind.PAIN, f"Reporting takes a week, call {i} #reporting")
        notes.add(made.id, NoteKind.PAIN, "Everything lives in spreadsheets #spreadsheets")
        objection = notes.add(
            made.id, NoteKind.OBJECTION, "Too expensive for this year #price", intensity=4
        )
        services.review.annotate(objection.id, Verdict.CONFIRMED, "Riley Rep")
        notes.add(made.id, NoteKind.COMPETITOR, "They also look at Deal Grove #deal-grove")
        notes.add(made.id, NoteKind.PAIN, "Month-end close drags on for days", quote_worthy=True)
        disputed = notes.add(made.id, NoteKind.PAIN, "They love their CRM #crm")
        services.review.annotate(disputed.id, Verdict.DISPUTED, "Riley Rep")
        moved = notes.add(made.id, NoteKind.PAIN, "Budget is frozen until spring #budget")
        services.review.reclassify(moved.id, by="Riley Rep", kind=NoteKind.OBJECTION)


def _export(services: Services, path: Path) -> Statements:
    with counted(services) as sent:
        build_insights_report(services, NOVEMBER, None, path, generated_by="Pat Lead")
    return sent


def test_the_month_pdf_sends_as_many_statements_for_many_calls_as_for_few(
    services: Services, tmp_path: Path
) -> None:
    services.competitors.add("Deal Grove")
    _calls(services, 0, 4)
    few = _export(services, tmp_path / "few.pdf")
    _calls(services, 4, 16)
    many = _export(services, tmp_path / "many.pdf")
    assert len(many) == len(few), many
    assert len(many) <= 40, many


def test_no_query_of_the_month_pdf_reads_a_tags_rows_from_the_tag(
    sqlite_url: str, clock: FakeClock, tmp_path: Path
) -> None:
    services = Services.open(sqlite_url, clock=clock)
    sent: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_rest: Any) -> None:
        if "note_tags" in statement:
            sent.append((statement, parameters))

    try:
        _calls(services, 0, 6)
        event.listen(services.db.engine, "before_cursor_execute", record)
        build_insights_report(services, NOVEMBER, None, tmp_path / "m.pdf", generated_by="Pat")
        event.remove(services.db.engine, "before_cursor_execute", record)
        with services.db.engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
            raw = conn.connection.driver_connection
            assert raw is not None
            plans = [
                (statement, [row[3] for row in raw.execute(f"EXPLAIN QUERY PLAN {statement}", p)])
                for statement, p in sent
            ]
    finally:
        services.close()
    assert plans
    for statement, plan in plans:
        assert not any("ix_note_tags_tag_id" in step for step in plan), (statement, plan)
