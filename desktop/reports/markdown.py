"""A call as Markdown, to paste where people already work: Slack, a CRM note, a ticket.

Built from the same service values as the call summary PDF (and redacted by the same
`Redactor` when asked), in the PDF's order: the facts, the grade and why, the deal
outcome, the qualification criteria with the answers heard, then the notes grouped by
kind in a fixed order, each with its offset, intensity, themes, speaker and the rep's
verdicts, corrections and comments.

Every piece of user text goes through `escape` (inline) or `lines` (a block of text
that may span lines), so a note holding `*`, `_`, `|`, backticks, a leading `#`, `>`,
`-` or `1.` reads exactly as typed instead of turning into formatting. The escaping is
CommonMark's backslash escape, which GitHub-flavoured Markdown and most CRM editors
honour.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import uuid
from collections.abc import Sequence
from pathlib import Path

from desktop.domain import Outcome, ReviewStatus, Verdict
from desktop.errors import UserError
from desktop.reports.call_summary import KIND_TITLES
from desktop.reports.layout import check_target
from desktop.reports.text import ReportText
from desktop.services import Services
from desktop.services import values as v
from desktop.services.base import parse_id
from desktop.services.qualification import COVERED
from desktop.services.redaction import RedactionOptions

#: Characters that format text wherever they stand: emphasis, code, links, HTML, GFM
#: tables and strikethrough, GitHub's math, and the backslash itself.
_INLINE = re.compile(r"([\\`*_\[\]<>|~$])")
#: An HTML entity (`&copy;`, `&#169;`), which would print as its character.
_ENTITY = re.compile(r"&(?=#?\w+;)")
#: What starts a block at the beginning of a line: a heading, a quote, a list item, a
#: setext underline or thematic break (`-`, `=`, `+`), an ordered list item (`1.`, `1)`).
_LINE_START = re.compile(r"^(?:([#>+=-])|(\d{1,9})([.)]))")


def escape(text: str) -> str:
    """One line of user text, so that Markdown prints it as typed (not at a line's start)."""
    return _ENTITY.sub(r"\\&", _INLINE.sub(r"\\\1", text))


def _escape_line(line: str) -> str:
    escaped = escape(line.strip())
    return _LINE_START.sub(
        lambda m: f"\\{m.group(1)}" if m.group(1) else f"{m.group(2)}\\{m.group(3)}", escaped
    )


def lines(text: str, indent: str) -> str:
    """User text of any number of lines, each escaped (a line's start too), joined by
    hard line breaks and indented to stay inside the list item that holds it. Blank
    lines and leading spaces are dropped: they would end the item or start code."""
    kept = [_escape_line(line) for line in text.splitlines() if line.strip()]
    return f"\\\n{indent}".join(kept)


def build_call_markdown(
    services: Services, call_id: uuid.UUID | str, *, redaction: RedactionOptions | None = None
) -> str:
    """The call as Markdown (ending in a newline), redacted as the PDF is when asked.

    Raises `NotFound` for an unknown call."""
    call = services.calls.get(parse_id(call_id, "call id"))
    notes = services.calls.notes(call.id)
    annotations = services.review.annotations(n.id for n in notes)
    checklist = services.qualification.checklist(call.id)
    redactor = (
        services.redaction.redactor([call.account.name], redaction)
        if redaction is not None
        else None
    )
    t = ReportText(redactor)
    blocks = [
        _title(t, call),
        _facts(t, call, notes),
        _grade(t, call),
        _outcome(t, call.account),
        _qualification(t, call, checklist),
        _notes(t, notes, annotations),
        _next_step(t, call),
    ]
    if redactor is not None:
        blocks.append("_Names, contact details and the account are redacted._")
    return "\n\n".join(b for b in blocks if b) + "\n"


def write_markdown(text: str, path: str | os.PathLike[str]) -> Path:
    """Write `text` to `path` (UTF-8) whole or not at all: a temporary file beside it is
    renamed over it. A path that cannot be written is a `UserError`, before or after."""
    target = check_target(path)
    handle, temp_name = tempfile.mkstemp(
        prefix=f".{target.name[:40]}.", suffix=".part", dir=target.parent
    )
    temp = Path(temp_name)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
        os.replace(temp, target)
    except OSError as error:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise UserError(f"cannot write {target}: {error.strerror or error}") from None
    return target


def _title(t: ReportText, call: v.CallView) -> str:
    account = t.account(call.account.name)
    when = call.started_at.astimezone()
    # Every `#` escaped: one at the end would close the heading and vanish.
    head = escape(f"{account[:1].upper()}{account[1:]}").replace("#", "\\#")
    return f"# {head} — {call.call_type.label.lower()} call, {when:%d %b %Y}"


def _facts(t: ReportText, call: v.CallView, notes: Sequence[v.NoteView]) -> str:
    start = call.started_at.astimezone()
    if call.ended_at:
        minutes = max(1, round((call.ended_at - call.started_at).total_seconds() / 60))
        when = f"{start:%a %d %b %Y, %H:%M}–{call.ended_at.astimezone():%H:%M} ({minutes} min)"
    else:
        when = f"{start:%a %d %b %Y, %H:%M} (still live)"
    people = "; ".join(_contact(t, c) for c in call.contacts)
    reviewed = sum(1 for n in notes if n.review_status is not ReviewStatus.UNREVIEWED)
    facts = [
        ("When", when),
        ("Rep / marketer", f"{_name(call.rep)} / {_name(call.marketer)}"),
        ("Prospect side", people or "not recorded"),
        ("Type", call.call_type.label + (f" · {escape(call.stage)}" if call.stage else "")),
        ("Framework", escape(call.framework.name) if call.framework else "none"),
        ("Review", f"{call.status.label}; {reviewed} of {_count(len(notes), 'note')} reviewed"),
    ]
    return "\n".join(f"- **{key}:** {value}" for key, value in facts)


def _contact(t: ReportText, contact: v.ContactView) -> str:
    name = t.contact(contact.name, contact.title, contact.deal_role)
    if t.redactor is not None:
        return escape(name)
    return escape(name) + (f" ({escape(contact.title)})" if contact.title else "")


def _name(person: v.PersonView | None) -> str:
    return escape(person.name) if person else "—"


def _grade(t: ReportText, call: v.CallView) -> str:
    out = "## Lead grade\n\n"
    if call.grade is None:
        return out + "Not graded yet."
    by = f" by {escape(call.graded_by.name)}" if call.graded_by else ""
    at = f" on {call.graded_at.astimezone():%d %b %Y}" if call.graded_at else ""
    out += f"**{call.grade.label}**, graded{by}{at}."
    if call.grade_reason:
        out += f"\n\nWhy: {lines(t(call.grade_reason), '')}"
    return out


def _outcome(t: ReportText, account: v.AccountView) -> str:
    if account.outcome is Outcome.OPEN:
        return ""
    out = f"## Deal outcome\n\n**{account.outcome.label}**"
    if account.outcome_on:
        out += f" on {account.outcome_on:%d %b %Y}"
    if account.outcome_reason:
        out += f": {lines(t(account.outcome_reason), '')}"
    return out


def _qualification(
    t: ReportText, call: v.CallView, checklist: Sequence[v.CriterionAnswerView]
) -> str:
    if not checklist:
        return ""
    covered = sum(1 for c in checklist if c.status in COVERED)
    framework = f" ({escape(call.framework.name)})" if call.framework else ""
    out = [f"## Qualification{framework}: {covered} of {len(checklist)} covered", ""]
    for item in checklist:
        line = f"- **{escape(item.criterion.name)}:** {item.status.value}"
        if item.answer:
            line += f" — {lines(t(item.answer), '  ')}"
        out.append(line)
    return "\n".join(out)


def _notes(
    t: ReportText,
    notes: Sequence[v.NoteView],
    annotations: dict[uuid.UUID, tuple[v.AnnotationView, ...]],
) -> str:
    if not notes:
        return "## Notes\n\nNo notes were taken on this call."
    out = [f"## Notes ({len(notes)})"]
    for kind, title in KIND_TITLES.items():
        of_kind = [n for n in notes if n.kind is kind]
        if of_kind:
            out.append(f"### {title} ({len(of_kind)})")
            out.append("\n".join(_note(t, n, annotations.get(n.id, ())) for n in of_kind))
    return "\n\n".join(out)


def _note(t: ReportText, note: v.NoteView, review: Sequence[v.AnnotationView]) -> str:
    out = [f"- **{note.offset_label}** {lines(t(note.text), '  ')}"]
    details = []
    if note.intensity:
        details.append(f"intensity {note.intensity}/5")
    details += [
        name
        for flag, name in (
            (note.quote_worthy, "quote-worthy"),
            (note.case_study, "case-study candidate"),
            (note.messaging, "messaging candidate"),
        )
        if flag
    ]
    if note.tags:
        details.append(" ".join(f"#{escape(tag)}" for tag in note.tags))
    if note.speaker is not None:
        details.append(f"said by {_contact(t, note.speaker)}")
    sub = []
    if details:
        sub.append(" · ".join(details))
    if note.answer:
        sub.append(f"Answer: {lines(t(note.answer), '    ')}")
    if note.response:
        sub.append(f"Rep's response: {lines(t(note.response), '    ')}")
    for a in review:
        sub += _review(t, a)
    out += [f"  - {line}" for line in sub]
    return "\n".join(out)


def _review(t: ReportText, a: v.AnnotationView) -> list[str]:
    who = escape(a.author.name) if a.author else "someone"
    out = []
    if a.reclassified is not None:
        out.append(f"Refiled by {who}: " + " · ".join(escape(p) for p in a.reclassified.parts()))
    elif a.verdict is Verdict.CORRECTED and a.correction:
        out.append(f"Corrected by {who}: {lines(t(a.correction), '    ')}")
    elif a.verdict is not None:
        out.append(f"{a.verdict.label} by {who}")
    if a.comment:
        out.append(f"Comment by {who}: {lines(t(a.comment), '    ')}")
    return out


def _next_step(t: ReportText, call: v.CallView) -> str:
    if not call.next_step:
        return ""
    return f"## Next step\n\n{lines(t(call.next_step), '')}"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
