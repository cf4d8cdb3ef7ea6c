"""The call summary PDF: one ride-along as the rep reviewed it, for the account file.

Built only from service values (`CallView`, `NoteView`, `AnnotationView`, the
qualification checklist, the definitions at the grade's revision). Notes are grouped
by kind in call order, each with its offset, intensity and flags, and the rep's
verdict, corrections and comments beside it. A note too long for a table row (over
`LONG_NOTE` characters with its review) is laid out full width instead, so it can run
across pages: nothing is ever trimmed here.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Sequence
from typing import Final

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Table, TableStyle

from desktop.domain import CriterionStatus, NoteKind, Outcome, ReviewStatus, Verdict
from desktop.progress import CancelToken, Progress, no_progress
from desktop.reports.layout import (
    ACCENT_LIGHT,
    BODY_WIDTH,
    RULE,
    Phases,
    ReportInfo,
    Styles,
    check_target,
    gap,
    heads,
    plural,
    section,
    table,
    write_pdf,
)
from desktop.reports.text import ReportText, label, markup, para
from desktop.services import Services
from desktop.services import values as v
from desktop.services.qualification import Coverage, answer_heard
from desktop.services.redaction import RedactionOptions, Redactor

#: Characters (note, answers and review together) from which a note leaves the table.
LONG_NOTE: Final = 2000

_STATUS: Final = {
    ReviewStatus.CONFIRMED: ('<font color="#2e7d4f">✓ Confirmed</font>', "confirmed"),
    ReviewStatus.CORRECTED: ('<font color="#b5651d">✎ Corrected</font>', "corrected"),
    ReviewStatus.DISPUTED: ('<font color="#b23a3a">✗ Disputed</font>', "disputed"),
    ReviewStatus.UNREVIEWED: ('<font color="#69707d">Not yet reviewed</font>', "unreviewed"),
}
_CRITERION: Final = {
    CriterionStatus.OPEN: '<font color="#69707d">not asked</font>',
    CriterionStatus.ASKED: '<font color="#b5651d">asked</font>',
    CriterionStatus.ANSWERED: '<font color="#2e7d4f">answered</font>',
    CriterionStatus.DISQUALIFYING: '<font color="#b23a3a">disqualifying</font>',
}
#: Section titles, in the order a call is read back (the Markdown export shares them).
KIND_TITLES: Final = {
    NoteKind.PAIN: "Pains",
    NoteKind.OBJECTION: "Objections",
    NoteKind.QUESTION: "Questions and answers",
    NoteKind.QUOTE: "Quotes",
    NoteKind.COMPETITOR: "Competitor mentions",
    NoteKind.SIGNAL: "Buying signals",
    NoteKind.NEXT_STEP: "Next steps mentioned",
    NoteKind.GENERAL: "Other notes",
}


def build_call_summary(
    services: Services,
    call_id: uuid.UUID | str,
    path: str | os.PathLike[str],
    *,
    redaction: RedactionOptions | None = None,
    progress: Progress = no_progress,
    cancel: CancelToken | None = None,
) -> ReportInfo:
    """Write the call's summary PDF to `path` (atomically) and say what was written.

    Raises `NotFound` for an unknown call, `UserError` for a path that cannot be
    written, `Cancelled` when the token is set (leaving no file behind).
    """
    from desktop.services.base import parse_id

    target = check_target(path)
    phases = Phases(progress, cancel)
    call = services.calls.get(parse_id(call_id, "call id"))
    story, title, redactor = _story(services, call, redaction, phases)
    phases.check()
    pages = write_pdf(
        target,
        story,
        title=title,
        author=_name(ReportText(redactor), call.marketer, "Ridealong"),
        subject=f"Ride-along call summary, {call.started_at.astimezone():%d %B %Y}",
        keywords=("ride-along", "call summary"),
        progress=phases.part(0.3, 1.0),
        cancel=cancel,
    )
    phases.done()
    return ReportInfo(target, pages, phases.seconds, title, redactor is not None)


# -- the story -----------------------------------------------------------------------


def _story(
    services: Services, call: v.CallView, options: RedactionOptions | None, phases: Phases
) -> tuple[list[Flowable], str, Redactor | None]:
    styles = Styles()
    redactor = (
        services.redaction.redactor([call.account.name], options) if options is not None else None
    )
    t = ReportText(redactor)
    notes = services.calls.notes(call.id)
    phases.part(0, 0.3)(1, 4)
    annotations = services.review.annotations(n.id for n in notes)
    checklist = services.qualification.checklist(call.id)
    definitions = (
        services.definitions.at(call.grade_definitions_revision)
        if call.grade_definitions_revision
        else ()
    )
    phases.part(0, 0.3)(3, 4)
    phases.check()
    account = t.account(call.account.name)
    when = call.started_at.astimezone()
    title = (
        f"{account[:1].upper()}{account[1:]} — {call.call_type.label.lower()} call, {when:%d %b %Y}"
    )
    story: list[Flowable] = []
    story.append(label("CALL SUMMARY", styles.overline))
    story += section(f"{account[:1].upper()}{account[1:]}", styles.h1)
    story.append(_facts(styles, t, call, notes))
    story.append(gap(8))
    story += _grade(styles, t, call, definitions)
    story += _coverage(styles, t, checklist, notes)
    by_kind: dict[NoteKind, list[v.NoteView]] = {}
    for note in notes:
        by_kind.setdefault(note.kind, []).append(note)
    story += [CondPageBreak(60 * mm), *section("Notes", styles.h2)]
    if not notes:
        story.append(label("No notes were taken on this call.", styles.body))
    else:
        story.append(
            label(
                f"{plural(len(notes), 'note')}, grouped by kind and in call order. The time is "
                "from the start of the call; the right-hand column is the rep's review.",
                styles.muted,
            )
        )
    for kind in NoteKind:
        if kind in by_kind:
            story += _kind_section(styles, t, kind, by_kind[kind], annotations)
    story += _next_steps(styles, t, call, by_kind.get(NoteKind.NEXT_STEP, []))
    story.append(gap(14))
    story.append(
        label(
            f"Generated {services.clock().astimezone():%d %B %Y, %H:%M} by Ridealong"
            + (f" · redacted: {redactor.options.summary}" if redactor else ""),
            styles.muted,
        )
    )
    return story, title, redactor


def _facts(styles: Styles, t: ReportText, call: v.CallView, notes: Sequence[v.NoteView]) -> Table:
    when = call.started_at.astimezone()
    if call.ended_at:
        minutes = max(1, round((call.ended_at - call.started_at).total_seconds() / 60))
        timing = f"{when:%A %d %B %Y, %H:%M}–{call.ended_at.astimezone():%H:%M} ({minutes} min)"
    else:
        timing = f"{when:%A %d %B %Y, %H:%M} (still live)"
    account = call.account
    about = ", ".join(x for x in (account.industry, account.segment) if x)
    if account.size:
        about += f" ({account.size} employees)" if about else f"{account.size} employees"
    people = [
        f"{t.contact(c.name, c.title, c.deal_role)}"
        + (f" — {c.title}" if c.title else "")
        + (f" ({c.deal_role})" if c.deal_role else "")
        for c in call.contacts
    ]
    rows = [
        (
            "Account",
            t.account(account.name) + (f" · {about}" if about and t.redactor is None else ""),
        ),
        ("Prospect side", "; ".join(people) or "not recorded"),
        (
            "Rep / marketer",
            f"{_name(t, call.rep)} / {_name(t, call.marketer)}",
        ),
        ("When", timing),
        ("Type and stage", call.call_type.label + (f" · {call.stage}" if call.stage else "")),
        ("Framework", call.framework.name if call.framework else "none"),
        ("Review", f"{call.status.label}; {_reviewed(notes)}"),
    ]
    if account.outcome is not Outcome.OPEN:
        outcome = account.outcome.label + (
            f" on {account.outcome_on:%d %b %Y}" if account.outcome_on else ""
        )
        rows.append(
            (
                "Deal outcome",
                outcome + (f": {t(account.outcome_reason)}" if account.outcome_reason else ""),
            )
        )
    body = [[label(k, styles.cell_head), para(value, styles.cell, limit=1500)] for k, value in rows]
    grid = Table(body, colWidths=[32 * mm, BODY_WIDTH - 32 * mm], hAlign="LEFT", splitInRow=1)
    grid.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return grid


def _name(t: ReportText, person: v.PersonView | None, nobody: str = "—") -> str:
    """A team member's name, or their role when the user redacts by role."""
    return t.person(person.name) if person else nobody


def _reviewed(notes: Sequence[v.NoteView]) -> str:
    done = sum(1 for n in notes if n.review_status is not ReviewStatus.UNREVIEWED)
    return f"{done} of {plural(len(notes), 'note')} reviewed"


def _grade(
    styles: Styles, t: ReportText, call: v.CallView, definitions: Sequence[v.DefinitionView]
) -> list[Flowable]:
    out: list[Flowable] = section("Lead grade", styles.h2)
    if call.grade is None:
        out.append(label("Not graded yet.", styles.body))
        return out
    by = f" by {_esc(_name(t, call.graded_by))}" if call.graded_by else ""
    at = f" on {call.graded_at.astimezone():%d %B %Y}" if call.graded_at else ""
    revision = (
        f", against the definitions of revision {call.grade_definitions_revision}"
        if call.grade_definitions_revision
        else ""
    )
    out.append(label(f"<b>{call.grade.label}</b> — graded{by}{at}{revision}.", styles.lead))
    if call.grade_reason:
        out.append(label("<b>Reason</b>", styles.small))
        out.append(para(t(call.grade_reason), styles.body))
    term = next((d for d in definitions if d.term.casefold() == call.grade.label.casefold()), None)
    if term is not None:
        out.append(
            label(
                f"<b>{_esc(term.term)}</b>, as defined at revision {term.revision}:", styles.small
            )
        )
        out.append(para(term.body, styles.quote))
    return out


def _coverage(
    styles: Styles,
    t: ReportText,
    checklist: Sequence[v.CriterionAnswerView],
    notes: Sequence[v.NoteView],
) -> list[Flowable]:
    if not checklist:
        return []
    coverage = Coverage.of(checklist)
    out: list[Flowable] = section("Qualification", styles.h2)
    out.append(
        label(
            f"{coverage.covered} of {plural(coverage.total, 'criterion', 'criteria')} covered "
            "(answered, or found disqualifying).",
            styles.muted,
        )
    )
    rows: list[Sequence[object]] = [
        heads(styles, "Criterion", "Question", "Status", "Answer heard")
    ]
    for item in checklist:
        rows.append(
            [
                para(item.criterion.name, styles.cell),
                para(item.criterion.question, styles.cell),
                label(_CRITERION[item.status], styles.cell),
                para(t(answer_heard(item, notes)) or "—", styles.cell, limit=1000),
            ]
        )
    out.append(table(rows, [28 * mm, 62 * mm, 24 * mm, BODY_WIDTH - 114 * mm]))
    return out


def _kind_section(
    styles: Styles,
    t: ReportText,
    kind: NoteKind,
    notes: Sequence[v.NoteView],
    annotations: dict[uuid.UUID, tuple[v.AnnotationView, ...]],
) -> list[Flowable]:
    out: list[Flowable] = [CondPageBreak(40 * mm)]
    out += section(f"{KIND_TITLES[kind]} ({len(notes)})", styles.h3, level=1)
    widths = [14 * mm, 96 * mm, BODY_WIDTH - 110 * mm]
    rows: list[list[object]] = []

    def flush() -> None:
        if rows:
            out.append(table(rows, widths, header=False))
            rows.clear()

    for note in notes:
        review = annotations.get(note.id, ())
        texts = [note.text, note.response, note.answer]
        texts += [x for a in review for x in (a.correction, a.comment)]
        size = sum(_footprint(x) for x in texts if x)
        if size > LONG_NOTE:
            flush()
            out += _long_note(styles, t, note, review)
            continue
        rows.append(
            [
                label(note.offset_label, styles.muted),
                _note_cell(styles, t, note),
                _review_cell(styles, t, note, review),
            ]
        )
    flush()
    return out


def _footprint(text: str) -> int:
    """About how much room a text takes in a cell, in characters (a line break counts as
    a line's worth)."""
    return len(text) + 60 * text.count("\n")


def _details(note: v.NoteView) -> str:
    bits = []
    if note.intensity:
        bits.append(
            "●" * note.intensity + "○" * (5 - note.intensity) + f" intensity {note.intensity}"
        )
    flags = [
        name
        for flag, name in (
            (note.quote_worthy, "quote-worthy"),
            (note.case_study, "case-study candidate"),
            (note.messaging, "messaging candidate"),
        )
        if flag
    ]
    if flags:
        bits.append(" · ".join(f"★ {f}" for f in flags))
    return "   ".join(bits)


def _note_cell(styles: Styles, t: ReportText, note: v.NoteView) -> list[Flowable]:
    cell: list[Flowable] = [para(t(note.text), styles.cell)]
    if who := _speaker(t, note):
        cell.append(para(f"— {who}", styles.small))
    if note.answer:
        cell.append(para(f"Answer: {t(note.answer)}", styles.small))
    if note.response:
        cell.append(para(f"Rep's response: {t(note.response)}", styles.small))
    details = _details(note)
    tags = " ".join(f"#{t(tag)}" for tag in note.tags)
    if details or tags:
        cell.append(label(details, styles.muted) if details else gap(1))
        if tags:
            cell.append(para(tags, styles.muted))
    return cell


def _speaker(t: ReportText, note: v.NoteView) -> str | None:
    """Who on the prospect's side said it, when the note names them: name and title, or
    only what the redaction rules allow (the title, never the name)."""
    contact = note.speaker
    if contact is None:
        return None
    if t.redactor is not None:
        return t.contact(contact.name, contact.title, contact.deal_role)
    return contact.name + (f", {contact.title}" if contact.title else "")


def _review_cell(
    styles: Styles, t: ReportText, note: v.NoteView, review: Sequence[v.AnnotationView]
) -> list[Flowable]:
    cell: list[Flowable] = [label(_STATUS[note.review_status][0], styles.cell)]
    for a in review:
        who = _name(t, a.author, "someone")
        when = a.created_at.astimezone().strftime("%d %b %H:%M")
        if a.verdict is not None and len(review) > 1:
            cell.append(label(f"{a.verdict.label} by {_esc(who)}, {when}", styles.muted))
        if a.verdict is Verdict.CORRECTED and a.correction:
            cell.append(para(f"Correction: {t(a.correction)}", styles.small))
        if a.comment:
            cell.append(para(f"“{t(a.comment)}” — {who}, {when}", styles.small))
    return cell


def _long_note(
    styles: Styles, t: ReportText, note: v.NoteView, review: Sequence[v.AnnotationView]
) -> list[Flowable]:
    head = f"<b>{note.offset_label}</b> · {note.kind.label} · {_STATUS[note.review_status][0]}"
    details = _details(note)
    out: list[Flowable] = [
        gap(4),
        KeepTogether([label(head + (f" · {details}" if details else ""), styles.small)]),
    ]
    out += _chunked(t(note.text), styles)
    if who := _speaker(t, note):
        out.append(para(f"— {who}", styles.small))
    if note.answer:
        out += _chunked(f"Answer: {t(note.answer)}", styles)
    if note.response:
        out += _chunked(f"Rep's response: {t(note.response)}", styles)
    tags = " ".join(f"#{t(tag)}" for tag in note.tags)
    if tags:
        out.append(para(tags, styles.muted))
    for a in review:
        who = _name(t, a.author, "someone")
        when = a.created_at.astimezone().strftime("%d %b %H:%M")
        if a.verdict is not None:
            out.append(label(f"{a.verdict.label} by {_esc(who)}, {when}", styles.muted))
        if a.verdict is Verdict.CORRECTED and a.correction:
            out += _chunked(f"Correction: {t(a.correction)}", styles)
        if a.comment:
            out += _chunked(f"“{t(a.comment)}” — {who}, {when}", styles)
    line = Table([[""]], colWidths=[BODY_WIDTH], rowHeights=[2])
    line.setStyle(TableStyle([("LINEBELOW", (0, 0), (-1, -1), 0.5, ACCENT_LIGHT)]))
    out.append(line)
    return out


def _esc(text: str) -> str:
    """User text inside the report's own markup: escaped, in fonts that have it."""
    return markup(text)


def _chunked(text: str, styles: Styles, lines: int = 40) -> list[Flowable]:
    """A long text as paragraphs of at most `lines` lines, cut only at its own line
    breaks (so it reads the same): reportlab splits a paragraph of thousands of lines
    across pages in quadratic time, and these are linear."""
    rows = text.split("\n")
    if len(rows) <= lines:
        return [para(text, styles.body)]
    style = styles.body_tight
    found: list[Flowable] = [
        para("\n".join(rows[i : i + lines]), style) for i in range(0, len(rows), lines)
    ]
    return [*found, gap(4)]


def _next_steps(
    styles: Styles, t: ReportText, call: v.CallView, notes: Sequence[v.NoteView]
) -> list[Flowable]:
    out: list[Flowable] = [CondPageBreak(30 * mm), *section("Next steps", styles.h2)]
    if call.next_step:
        out.append(para(t(call.next_step), styles.lead))
    elif not notes:
        out.append(label("No next step was recorded.", styles.body))
    for note in notes:
        out.append(para(f"{note.offset_label}  {t(note.text)}", styles.body))
    return out
