"""The rows: what each planned call adds to the database, as plain dicts for bulk Core
inserts (tens of thousands of calls are no job for ORM objects).

A call brings its notes of every kind, worded from the phrases, with intensities, flags
and theme tags (some left untagged but worded alike, for the theme suggester); its
qualification checklist; the rep's review (verdicts, corrections, comments) and grade;
and the search documents, which Core inserts must add themselves (they bypass the
session hook that indexes notes).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import Any, Final

from sqlalchemy import Connection, Table, insert, select

from desktop.demo.chance import Dice, Weights
from desktop.demo.words import Ctx, Words, capital, sentence
from desktop.demo.world import Account, Call, Criterion, Frameworks, Person, material
from desktop.domain import CallStatus, CallType, CriterionStatus, Grade, ReviewStatus, Verdict
from desktop.services.base import name_key
from desktop.storage import models as m
from desktop.storage.search import SearchBackend

#: Share of theme-worded pains and objections that carry their theme as a tag.
TAGGED_SHARE: Final = 0.7

_PAIN, _OBJECTION, _QUESTION, _QUOTE = "pain", "objection", "question", "quote"
_COMPETITOR, _SIGNAL, _NEXT_STEP, _GENERAL = "competitor", "signal", "next-step", "general"
#: How often each kind comes up in the body of a call, by call type (criterion questions,
#: the opening remark and the next steps are added on top).
_KINDS: Final = {
    CallType.DISCOVERY: {_PAIN: 30, _QUESTION: 12, _OBJECTION: 8, _QUOTE: 8, _COMPETITOR: 6,
                         _SIGNAL: 6, _GENERAL: 6},
    CallType.DEMO: {_PAIN: 12, _QUESTION: 22, _OBJECTION: 16, _QUOTE: 7, _COMPETITOR: 7,
                    _SIGNAL: 14, _GENERAL: 5},
    CallType.NEGOTIATION: {_PAIN: 5, _QUESTION: 14, _OBJECTION: 30, _QUOTE: 5, _COMPETITOR: 8,
                           _SIGNAL: 18, _GENERAL: 5},
    CallType.OTHER: {_PAIN: 14, _QUESTION: 24, _OBJECTION: 14, _QUOTE: 6, _COMPETITOR: 5,
                     _SIGNAL: 10, _GENERAL: 12},
}  # fmt: skip
#: Weights of intensities 1 to 5, for the kinds that have one.
_INTENSITY: Final = {
    _PAIN: (4, 14, 34, 32, 16),
    _OBJECTION: (8, 24, 36, 22, 10),
    _SIGNAL: (0, 15, 35, 35, 15),
    _COMPETITOR: (15, 30, 35, 15, 5),
}
#: Chances of (quote-worthy, case study at a hot account, elsewhere, messaging) by kind.
_FLAGS: Final = {
    _PAIN: (0.07, 0.02, 0.03, 0.12),
    _OBJECTION: (0.0, 0.0, 0.0, 0.06),
    _QUOTE: (0.7, 0.3, 0.03, 0.25),
    _SIGNAL: (0.05, 0.08, 0.03, 0.0),
}
_NO_FLAGS: Final = (0.0, 0.0, 0.0, 0.0)
#: A number as noted, with its unit ("12", "35%", "40k", "8 weeks").
_NUMBER: Final = re.compile(
    r"(?<!SOC )\b(\d+)(%|k|(?: (?:hours|weeks|months|days|minutes|years|seats|people|reps|AEs|sites"
    r"|offices|managers|questions|tools))?)(?![\w-])"
)
_WEEKDAYS: Final = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
#: What a note filed under one kind is refiled as, when a reviewer moves it.
_REFILED_AS: Final = {
    "pain": "objection",
    "objection": "pain",
    "question": "objection",
    "general": "signal",
    "signal": "general",
    "quote": "pain",
}
# Plain strings for rows: an enum's `.value` is a slow lookup in loops run a million times.
_CONFIRMED, _CORRECTED, _DISPUTED = (v.value for v in Verdict)
_OPEN, _ASKED, _ANSWERED, _DISQUALIFYING = CriterionStatus
#: How likely a criterion is answered, beyond the call's stage and the account's fit:
#: (a shift for every account, a shift by fit). What only a qualified buyer can answer
#: (budget, authority) picks out SQLs; what every prospect answers (need) does not;
#: what prospects rarely answer as asked (metrics) is asked more than answered. So the
#: report's Keep, Drop and Rephrase verdicts have something true to find.
_TELLING: Final = {"hot": 0.3, "warm": -0.1, "cold": -0.35}
_TELLING_KEYS: Final = ("budget", "authority", "economic-buyer", "money", "champion")
_LEANS: Final[dict[str, tuple[float, dict[str, float]]]] = {
    **dict.fromkeys(_TELLING_KEYS, (0.0, _TELLING)),
    **dict.fromkeys(  # as likely whatever the fit
        ("need", "challenges", "identify-pain", "decision-criteria"), (0.2, {"hot": -0.1})
    ),
    **dict.fromkeys(("timeline", "metrics", "prioritisation"), (-0.3, {})),
}

#: A criterion asked on a call, and where its checklist ended up.
_Standing = tuple[Criterion, CriterionStatus]


@dataclass(slots=True)
class _Note:
    """A note being made: its row, and what the rest of the call needs to know of it."""

    row: dict[str, Any]
    theme: str | None
    criterion: uuid.UUID | None
    #: Tag names, written once the review has had its say (a refiling changes them).
    tags: list[str]


@dataclass(slots=True)
class Rows:
    """One chunk's rows, table by table, in the order foreign keys need."""

    people: list[dict[str, Any]] = field(default_factory=list)
    tags: list[dict[str, Any]] = field(default_factory=list)
    accounts: list[dict[str, Any]] = field(default_factory=list)
    contacts: list[dict[str, Any]] = field(default_factory=list)
    calls: list[dict[str, Any]] = field(default_factory=list)
    call_contacts: list[dict[str, Any]] = field(default_factory=list)
    notes: list[dict[str, Any]] = field(default_factory=list)
    note_tags: list[dict[str, Any]] = field(default_factory=list)
    annotations: list[dict[str, Any]] = field(default_factory=list)
    #: Refilings: annotations with `reclassified` (in a list of their own, as a bulk
    #: insert of None would store JSON null, not SQL NULL).
    refilings: list[dict[str, Any]] = field(default_factory=list)
    answers: list[dict[str, Any]] = field(default_factory=list)
    answer_notes: list[dict[str, Any]] = field(default_factory=list)
    docs: list[dict[str, object]] = field(default_factory=list)

    def insert(self, conn: Connection, search: SearchBackend) -> None:
        for table, rows in (
            (_table(m.Person), self.people),
            (_table(m.Tag), self.tags),
            (_table(m.Account), self.accounts),
            (_table(m.Contact), self.contacts),
            (_table(m.Call), self.calls),
            (m.call_contacts, self.call_contacts),
            (_table(m.Note), self.notes),
            (m.note_tags, self.note_tags),
            (_table(m.Annotation), self.annotations),
            (_table(m.Annotation), self.refilings),
            (_table(m.CriterionAnswer), self.answers),
            (m.criterion_answer_notes, self.answer_notes),
        ):
            if rows:
                conn.execute(insert(table), rows)
        search.add_docs(conn, self.docs)


def _table(model: type[m.Base]) -> Table:
    """A model's table (the declarative base types it as any selectable)."""
    table = model.__table__
    assert isinstance(table, Table)
    return table


class RowWriter:
    """Turns planned calls into rows, drawing from the same dice as the plan."""

    def __init__(
        self,
        dice: Dice,
        words: Words,
        *,
        now: datetime,
        window_days: int,
        frameworks: Frameworks,
        revision: int | None,
        people: Sequence[Person],
        hired_at: datetime,
    ) -> None:
        self.dice = dice
        self.words = words
        self.world, self.phrases = material()
        self.now = now
        self.window_days = window_days
        self.frameworks = frameworks
        self.revision = revision
        self.people = people
        self.hired_at = hired_at
        self.tag_ids: dict[str, uuid.UUID] = {}
        self.trend = {name: float(t["trend"]) for name, t in self.phrases["themes"].items()}
        self.kinds = {t: Weights.of(w) for t, w in _KINDS.items()}
        self.intensity = {k: Weights.of(dict(enumerate(w, 1))) for k, w in _INTENSITY.items()}

    def adopt_tags(self, conn: Connection) -> None:
        """Reuse the tags already stored under the names of the themes and competitors."""
        names = list(self.words.labels) + list(self.words.competitors.values())
        stmt = select(m.Tag.name, m.Tag.id).where(m.Tag.name.in_(names))
        self.tag_ids = {name: tag_id for name, tag_id in conn.execute(stmt)}

    # -- a chunk of calls --

    def chunk_rows(self, calls: Sequence[Call], *, first: bool) -> Rows:
        """The rows of these calls (and, for the first chunk, of new team members)."""
        rows = Rows()
        if first:
            self._people_rows(rows)
        for call in calls:
            self._call_rows(call, rows)
        return rows

    def _people_rows(self, rows: Rows) -> None:
        stamp = self.hired_at
        rows.people.extend(
            {
                "id": p.id,
                "name": p.name,
                "name_key": name_key(p.name),
                "role": p.role.value,
                "created_at": stamp,
                "updated_at": stamp,
            }
            for p in self.people
            if p.new
        )

    def _account_rows(self, account: Account, rows: Rows) -> None:
        account.written = True
        created = account.created_at
        assert created is not None
        if account.new:
            updated = created
            if account.outcome_on is not None:
                updated = datetime.combine(account.outcome_on, time(17)).astimezone(UTC)
            rows.accounts.append(
                {
                    "id": account.id,
                    "name": account.name,
                    "name_key": name_key(account.name),
                    "industry": account.industry,
                    "segment": account.segment,
                    "size": account.size,
                    "outcome": account.outcome.value,
                    "outcome_on": account.outcome_on,
                    "outcome_reason": account.outcome_reason,
                    "version": 1,
                    "created_at": created,
                    "updated_at": min(updated, self.now),
                }
            )
        for contact in account.contacts:
            if contact.new:
                rows.contacts.append(
                    {
                        "id": contact.id,
                        "account_id": account.id,
                        "name": contact.name,
                        "title": contact.title,
                        "deal_role": contact.deal_role,
                        "created_at": created,
                        "updated_at": created,
                    }
                )

    def _call_rows(self, call: Call, rows: Rows) -> None:
        """Everything one call adds: the call, its notes and their tags, the checklist,
        the review (annotations and grade) and the search documents."""
        dice = self.dice
        account = call.account
        if not account.written:
            self._account_rows(account, rows)
        ctx = self.words.ctx(call)
        age = self.now - call.ended_at
        if age < timedelta(days=1):
            reviewed = partly = False
        else:
            reviewed = dice.random() < (0.35 if age < timedelta(days=7) else 0.93)
            partly = not reviewed and dice.random() < 0.3
        framework = self.frameworks.get(account.framework) if account.framework else None
        if call.call_type is CallType.OTHER and dice.random() < 0.1:
            framework = None
        statuses = self._statuses(call, framework[1] if framework else ())
        notes = self._notes(call, ctx, statuses, rows)
        last_change = call.ended_at
        if reviewed or partly:
            # The rep gets to it within three days, and before now.
            delay = dice.rng.uniform(1800, min(72 * 3600, age.total_seconds() * 0.7))
            share = 1.0 if reviewed else dice.rng.uniform(0.3, 0.7)
            looked_at = notes[: max(1, int(len(notes) * share))]
            review_at = call.ended_at + timedelta(seconds=delay)
            last_change = self._review(call, ctx, looked_at, rows, review_at)
        grade = self._grade(call, statuses) if reviewed else None
        graded_at = None
        if reviewed:
            graded_at = min(last_change + timedelta(seconds=dice.between(60, 900)), self.now)
        pains: dict[str, int] = {}
        for note in notes:
            if note.row["kind"] == _PAIN and note.theme:
                pains[note.theme] = pains.get(note.theme, 0) + 1
        ctx.theme = self.words.labels[
            max(pains, key=pains.__getitem__) if pains else account.themes[0]
        ]
        next_steps = [n.row["text"] for n in notes if n.row["kind"] == _NEXT_STEP]
        call_type = call.call_type.value
        rows.calls.append(
            {
                "id": call.id,
                "account_id": account.id,
                "rep_id": account.rep.id,
                "marketer_id": call.marketer.id,
                "framework_id": framework[0] if framework else None,
                "call_type": call_type,
                "stage": dice.pick(self.world["stages"][call_type]),
                "started_at": call.started_at,
                "ended_at": call.ended_at,
                "status": (CallStatus.REVIEWED if reviewed else CallStatus.AWAITING_REVIEW).value,
                "grade": grade.value if grade else None,
                "grade_reason": self._grade_reason(grade, ctx) if grade else None,
                "graded_by_id": account.rep.id if grade else None,
                "graded_at": graded_at,
                "grade_definitions_revision": self.revision if grade else None,
                "next_step": next_steps[-1] if next_steps else None,
                "deleted_at": None,
                "version": 1,
                "created_at": call.started_at,
                "updated_at": graded_at or last_change,
            }
        )
        rows.call_contacts.extend({"call_id": call.id, "contact_id": c.id} for c in call.contacts)
        rows.notes.extend(n.row for n in notes)
        for note in notes:
            note_id = note.row["id"]
            rows.note_tags.extend(
                {"note_id": note_id, "tag_id": self._tag(name, rows)} for name in note.tags
            )
        if framework is not None:
            self._answers(call, statuses, notes, rows)

    # -- qualification --

    def _statuses(self, call: Call, criteria: Sequence[Criterion]) -> list[_Standing]:
        """Later calls and better-fitting accounts have more criteria answered; how much
        depends on the criterion (`_LEANS`)."""
        fit = call.account.fit
        answered = min(0.85, 0.25 + 0.2 * call.index + (0.1 if fit == "hot" else 0.0))
        disqualifying = 0.12 if fit == "cold" else 0.02
        result = []
        for criterion in criteria:
            base, by_fit = _LEANS.get(criterion.key, (0.0, {}))
            likely = min(0.9, max(0.05, answered + base + by_fit.get(fit, 0.0)))
            asked = 0.25 - min(0.0, base)  # what is rarely answered is still asked
            r = self.dice.random()
            if r < disqualifying:
                status = _DISQUALIFYING
            elif r < disqualifying + likely:
                status = _ANSWERED
            elif r < disqualifying + likely + asked:
                status = _ASKED
            else:
                status = _OPEN
            result.append((criterion, status))
        return result

    def _topic(self, criterion: Criterion) -> dict[str, list[str]]:
        criteria = self.phrases["criteria"]
        topic: dict[str, list[str]] = criteria["topics"][
            criteria["keys"].get(criterion.key, "generic")
        ]
        return topic

    def _answers(
        self,
        call: Call,
        statuses: list[_Standing],
        notes: list[_Note],
        rows: Rows,
    ) -> None:
        """The checklist rows, each linked to the question notes that asked it."""
        dice = self.dice
        evidence: dict[uuid.UUID, list[dict[str, Any]]] = {}
        for note in notes:
            if note.criterion is not None:
                evidence.setdefault(note.criterion, []).append(note.row)
        ctx = self.words.ctx(call)
        for criterion, status in statuses:
            linked = evidence.get(criterion.id, [])
            if status is _OPEN and dice.random() < 0.75:
                continue  # no row means unknown; some rows say so after a change of mind
            answer = next((n["answer"] for n in linked if n["answer"]), None)
            if answer is None and status in (_ANSWERED, _DISQUALIFYING):
                answer = self.words.say(dice.pick(self._topic(criterion)[status.value]), ctx)
            stamp = call.ended_at + timedelta(seconds=dice.between(0, 600))
            answer_id = dice.new_id(stamp)
            rows.answers.append(
                {
                    "id": answer_id,
                    "call_id": call.id,
                    "criterion_id": criterion.id,
                    "status": status.value,
                    "answer": answer,
                    "updated_by_id": call.marketer.id,
                    "version": 1,
                    "created_at": stamp,
                    "updated_at": stamp,
                }
            )
            rows.answer_notes.extend({"answer_id": answer_id, "note_id": n["id"]} for n in linked)

    # -- notes --

    def _notes(
        self,
        call: Call,
        ctx: Ctx,
        statuses: list[_Standing],
        rows: Rows,
    ) -> list[_Note]:
        """The call's timeline: an opening remark, the conversation, the next steps."""
        dice = self.dice
        seconds = int((call.ended_at - call.started_at).total_seconds())
        wanted = max(6, round(seconds / 60 / dice.rng.uniform(2.3, 3.6)))
        asked = [(c, s) for c, s in statuses if s is not _OPEN and dice.random() < 0.75]
        first = [_GENERAL] if dice.random() < 0.55 else []
        last = [_NEXT_STEP] * ((dice.random() < 0.92) + (dice.random() < 0.25))
        kinds = self.kinds[call.call_type]
        filler = max(3, wanted - len(first) - len(last) - len(asked))
        middle: list[str | _Standing] = [dice.weighted(kinds) for _ in range(filler)]
        middle += asked
        dice.rng.shuffle(middle)
        offsets = [dice.between(20, 150) for _ in first]
        offsets += sorted(dice.between(150, seconds - 240) for _ in middle)
        offsets += sorted(dice.between(seconds - 240, seconds - 20) for _ in last)
        pains, objections = self._theme_weights(call)
        notes = []
        previous = -1
        for what, offset in zip([*first, *middle, *last], offsets, strict=True):
            offset_ms = max(offset * 1000 + dice.between(0, 999), previous + 1000)
            previous = offset_ms
            ctx.next_speaker()
            if isinstance(what, tuple):
                made = self._criterion_note(ctx, *what)
            else:
                made = self._note(what, ctx, pains, objections)
            notes.append(self._finish(call, ctx, made, offset_ms, rows))
        return notes

    def _theme_weights(self, call: Call) -> tuple[Weights[str], Weights[str]]:
        """Theme weights for this call: some themes grow over the period, some fade."""
        recency = 1 - (self.now - call.started_at).days / self.window_days
        segment, call_type = call.account.segment, call.call_type.value

        def trend(theme: str) -> float:
            return max(0.2, 1 + self.trend.get(theme, 0.0) * (recency - 0.5) * 2)

        pains = {
            name: t["weight"] * trend(name) for name, t in self.phrases["pain"]["themes"].items()
        }
        objections = {
            name: t["weight"]
            * trend(name)
            * t.get("segments", {}).get(segment, 1.0)
            * t.get("call_types", {}).get(call_type, 1.0)
            for name, t in self.phrases["objection"]["themes"].items()
        }
        return Weights.of(pains), Weights.of(objections)

    def _note(
        self, kind: str, ctx: Ctx, pains: Weights[str], objections: Weights[str]
    ) -> dict[str, Any]:
        """What was said, by kind, with the theme it belongs to and whether it is tagged."""
        dice = self.dice
        p = self.phrases
        note: dict[str, Any] = {"kind": kind, "theme": None, "tagged": False}
        if kind == _PAIN:
            own = ctx.call.account.themes
            theme = dice.pick(own) if dice.random() < 0.65 else dice.weighted(pains)
            text = self._compose(p[_PAIN], p[_PAIN]["themes"][theme], ctx)
            note.update(theme=theme, text=text, tagged=dice.random() < TAGGED_SHARE)
        elif kind == _OBJECTION:
            theme = dice.weighted(objections)
            spoken = p[_OBJECTION]["themes"][theme]
            note.update(theme=theme, text=self._compose(p[_OBJECTION], spoken, ctx))
            if dice.random() < 0.85:
                tail = dice.pick(p[_OBJECTION]["response_tails"])
                note["response"] = self.words.say(dice.pick(spoken["response"]) + tail, ctx)
            note["tagged"] = dice.random() < TAGGED_SHARE
        elif kind == _QUOTE:
            q = p[_QUOTE]
            own = [t for t in ctx.call.account.themes if t in q["themes"]]
            theme = dice.pick(own) if own and dice.random() < 0.6 else dice.pick(list(q["themes"]))
            opener, tail = dice.pick(q["openers"]), dice.pick(q["tails"])
            if "{contact_first}" in opener and "{contact_first}" in tail:
                tail = ""
            text = self.words.say(f"{opener}“{dice.pick(q['themes'][theme])}”{tail}", ctx)
            note.update(theme=theme, text=capital(text), tagged=dice.random() < 0.5)
        elif kind == _QUESTION:
            q = p[_QUESTION]
            theme = dice.pick(list(q["themes"]))
            item = dice.pick(q["themes"][theme])
            text = self.words.say(dice.pick(q["openers"]) + item["q"] + dice.pick(q["tails"]), ctx)
            if dice.random() < 0.85:
                note["answer"] = self.words.say(
                    dice.pick(item["a"]) + dice.pick(q["answer_tails"]), ctx
                )
            note.update(theme=theme, text=sentence(text), tagged=dice.random() < 0.4)
        elif kind == _COMPETITOR:
            c = p[_COMPETITOR]
            text = self.words.say(dice.pick(c["core"]) + dice.pick(c["detail"]), ctx)
            note.update(text=sentence(text), tagged=True)
        else:
            said = p[kind]
            text = self.words.say(dice.pick(said["core"]) + dice.pick(said.get("tails", [""])), ctx)
            note["text"] = sentence(text)
        return note

    def _compose(self, kind: dict[str, Any], theme: dict[str, Any], ctx: Ctx) -> str:
        """Opener, the theme's core, a detail and a closer: few notes come out the same."""
        dice = self.dice
        body = dice.pick(kind["openers"]) + dice.pick(theme["core"]) + dice.pick(theme["detail"])
        return sentence(self.words.say(body, ctx)) + self.words.say(dice.pick(kind["closers"]), ctx)

    def _criterion_note(
        self, ctx: Ctx, criterion: Criterion, status: CriterionStatus
    ) -> dict[str, Any]:
        """A qualification question of the call's framework, and the answer heard."""
        dice = self.dice
        criteria = self.phrases["criteria"]
        topic = self._topic(criterion)
        text = dice.pick(criteria["openers"]) + dice.pick(topic["ask"])
        text = sentence(self.words.say(text + dice.pick(criteria["tails"]), ctx))
        answer = None
        if status is not _ASKED or dice.random() < 0.5:
            answer = self.words.say(dice.pick(topic[status.value]), ctx)
        return {
            "kind": _QUESTION,
            "theme": None,
            "text": text,
            "answer": answer,
            "criterion": criterion.id,
            "tagged": False,
        }

    def _finish(
        self, call: Call, ctx: Ctx, note: dict[str, Any], offset_ms: int, rows: Rows
    ) -> _Note:
        """Flags, intensity and tags; the row and its search documents."""
        dice = self.dice
        kind, text, theme = note["kind"], note["text"], note["theme"]
        tags: list[str] = []
        if note["tagged"]:
            if theme:
                tags.append(theme)
            if kind == _COMPETITOR:  # elsewhere the report finds the name in the words
                tags += [self.words.competitors[c] for c in sorted(ctx.mentioned)]
            if theme and dice.random() < 0.1:
                text = f"{text} #{theme}"  # typed inline while capturing, as people do
        intensity = dice.weighted(self.intensity[kind]) if kind in self.intensity else None
        quote_worthy, case_hot, case_other, messaging = _FLAGS.get(kind, _NO_FLAGS)
        case_study = case_hot if call.account.fit == "hot" else case_other
        created = call.started_at + timedelta(milliseconds=offset_ms + dice.between(3000, 40000))
        note_id = dice.new_id(created)
        row = {
            "id": note_id,
            "call_id": call.id,
            "kind": kind,
            "text": text,
            "offset_ms": offset_ms,
            "author_id": call.marketer.id,
            "intensity": intensity,
            "quote_worthy": bool(quote_worthy) and dice.random() < quote_worthy,
            "case_study": bool(case_study) and dice.random() < case_study,
            "messaging": bool(messaging) and dice.random() < messaging,
            "response": note.get("response"),
            "answer": note.get("answer"),
            "criterion_id": note.get("criterion"),
            "review_status": ReviewStatus.UNREVIEWED.value,
            "deleted_at": None,
            "version": 1,
            "created_at": created,
            "updated_at": created,
        }
        for doc_field in ("text", "answer", "response"):
            if row[doc_field]:
                rows.docs.append(_doc(note_id, None, doc_field, row[doc_field]))
        return _Note(row, theme, note.get("criterion"), list(dict.fromkeys(tags)))

    def _tag(self, name: str, rows: Rows) -> uuid.UUID:
        tag_id = self.tag_ids.get(name)
        if tag_id is None:
            stamp = self.now - timedelta(days=self.window_days)
            tag_id = self.tag_ids[name] = self.dice.new_id(stamp)
            rows.tags.append({"id": tag_id, "name": name, "created_at": stamp, "updated_at": stamp})
        return tag_id

    # -- review --

    def _review(
        self, call: Call, ctx: Ctx, notes: list[_Note], rows: Rows, at: datetime
    ) -> datetime:
        """The rep's verdicts, corrections and comments; returns when they finished.

        Most notes are confirmed, some corrected or disputed, a few only commented on;
        now and then the rep comes back to a note with a second word.
        """
        dice = self.dice
        said = self.phrases["annotation"]
        for note in notes:
            if dice.random() >= 0.8:
                continue
            ctx.next_speaker()
            r = dice.random()
            correction = comment = None
            verdict: str | None
            change = None
            if r < 0.74:
                verdict = _CONFIRMED
                comment = dice.pick(said["comment"]) if dice.random() < 0.12 else None
            elif r < 0.86:
                # Mostly a correction of what the note says; now and then (and whenever
                # nothing in it can be put right) the note refiled under another kind,
                # intensity or theme.
                verdict = _CORRECTED
                correction = self._correction(call, ctx, note) if r < 0.83 else None
                if correction is None:
                    change = self._refile(note)
                if correction is None and change is None:
                    verdict = None
                if change is not None and dice.random() < 0.25:
                    comment = dice.pick(said["refiled"])
                elif dice.random() < 0.2 or verdict is None:
                    comment = dice.pick(said["comment"])
            elif r < 0.91:
                verdict = _DISPUTED
                comment = dice.pick(said["dispute"]) if dice.random() < 0.85 else None
            else:
                verdict, comment = None, dice.pick(said["comment"])
            at += timedelta(seconds=dice.between(10, 90))
            self._annotate(call, ctx, note, verdict, correction, comment, at, rows, change)
            if dice.random() < 0.05:
                at += timedelta(seconds=dice.between(60, 3600))
                again = dice.pick((_CONFIRMED, None))
                comment = None if again else "Checked the recording — fine as written"
                self._annotate(call, ctx, note, again, None, comment, at, rows)
        return at

    def _annotate(
        self,
        call: Call,
        ctx: Ctx,
        note: _Note,
        verdict: str | None,
        correction: str | None,
        comment: str | None,
        at: datetime,
        rows: Rows,
        change: dict[str, Any] | None = None,
    ) -> None:
        """One annotation; the note's review status follows the newest verdict, and a
        refiling (`change`, as `ReviewService.reclassify` keeps it) is applied to it."""
        at = min(at, self.now)
        annotation_id = self.dice.new_id(at)
        note_id = note.row["id"]
        correction = self.words.say(correction, ctx) if correction else None
        comment = self.words.say(comment, ctx) if comment else None
        row = {
            "id": annotation_id,
            "note_id": note_id,
            "verdict": verdict,
            "correction": correction,
            "comment": comment,
            "author_id": call.account.rep.id,
            "deleted_at": None,
            "version": 1,
            "created_at": at,
            "updated_at": at,
        }
        if change is None:
            rows.annotations.append(row)
        else:
            rows.refilings.append({**row, "reclassified": change})
        if verdict is not None:
            note.row["review_status"] = verdict
        if change is not None:
            refiled = note.row
            if "kind" in change:
                refiled["kind"] = change["kind"][1]
            if "intensity" in change:
                refiled["intensity"] = change["intensity"][1]
            removed = change.get("removed", ())
            note.tags = [t for t in note.tags if t not in removed] + change.get("added", [])
            refiled["version"], refiled["updated_at"] = 2, at
        for doc_field, value in (("correction", correction), ("comment", comment)):
            if value:
                rows.docs.append(_doc(note_id, annotation_id, doc_field, value))

    def _correction(self, call: Call, ctx: Ctx, note: _Note) -> str | None:
        """A correction of what this note says (a number in it, the rival or system it
        names, who said it, how strongly), or None when nothing in it can be put right."""
        dice = self.dice
        row = note.row
        text, kind = row["text"], row["kind"]
        said = self.phrases["annotation"]["correction"]
        options: list[tuple[str, str, str]] = []
        number = _NUMBER.search(text)
        if number:
            old = number.group(0)
            options.append(("number", old, _other_number(dice, number)))
        for name in self.words.competitor_names:
            if name in text:
                others = [c for c in self.words.competitor_names if c != name]
                options.append(("competitor", name, dice.pick(others)))
                break
        for system in call.account.systems:
            if system in text:
                pool = self.world["crms"] if system in self.world["crms"] else self.world["tools"]
                options.append(("system", system, dice.pick([t for t in pool if t != system])))
                break
        for contact in call.contacts:
            said_by = text.startswith(contact.first) or f"from {contact.first}:" in text
            if said_by and len(call.contacts) > 1:
                other = dice.pick([c for c in call.contacts if c is not contact])
                options.append(("speaker", contact.first, other.first))
                break
        intensity = row["intensity"]
        if intensity is not None:
            options.append(("softer" if intensity >= 3 else "sharper", "", ""))
        if kind == _PAIN:
            options += [("scope", "", ""), ("pain-as-question", "", "")]
        elif kind == _OBJECTION and note.theme in ("price", "timing"):
            options.append((note.theme, "", ""))
        elif kind == _QUESTION and row["answer"]:
            options.append(("answer", "", ""))
        elif kind == _NEXT_STEP:
            rep_first = call.account.rep.first
            day = next((d for d in _WEEKDAYS if d in text), None)
            if day is not None:
                options.append(("weekday", day, dice.pick([d for d in _WEEKDAYS if d != day])))
            elif text.startswith(rep_first):
                options.append(("owner", rep_first, dice.pick(call.contacts).first))
            else:
                options.append(("step", "", ""))
        if not options:
            return None
        what, old, new = dice.pick(options)
        template: str = dice.pick(said[what])
        return template.replace("{old}", old).replace("{new}", new)

    def _refile(self, note: _Note) -> dict[str, Any] | None:
        """A reviewer's refiling: another kind, another intensity, or the themes put
        right (a missing tag added, a wrong one swapped); None for a note that has
        nothing to refile."""
        dice = self.dice
        row = note.row
        options: list[dict[str, Any]] = []
        kind = _REFILED_AS.get(row["kind"])
        intensity = row["intensity"]
        if kind is not None and note.criterion is None:
            refiled: dict[str, Any] = {"kind": [row["kind"], kind]}
            # The same refiling rates a note moved to a rated kind, and unrates one
            # moved to a kind that has no intensity.
            if kind in self.intensity and intensity is None:
                refiled["intensity"] = [None, dice.weighted(self.intensity[kind])]
            elif kind not in self.intensity and intensity is not None:
                refiled["intensity"] = [intensity, None]
            options.append(refiled)
        if intensity is not None:
            new = intensity - dice.between(1, 2) if intensity >= 3 else intensity + 1
            options.append({"intensity": [intensity, new]})
        theme = note.theme
        if theme is not None and row["kind"] in (_PAIN, _OBJECTION):
            if theme not in note.tags:
                options.append({"added": [theme]})
            else:
                themes = [t for t in self.phrases[row["kind"]]["themes"] if t not in note.tags]
                options.append({"added": [dice.pick(themes)], "removed": [theme]})
        return dice.pick(options) if options else None

    def _grade(self, call: Call, statuses: list[_Standing]) -> Grade:
        dice = self.dice
        if any(s is _DISQUALIFYING for _, s in statuses) and dice.random() < 0.7:
            return Grade.UNQUALIFIED
        mql, sql, unqualified = {
            "hot": (35, 65, 0) if call.index else (55, 45, 0),
            "warm": (70, 20, 10),
            "cold": (30, 0, 70),
        }[call.account.fit]
        # A rep grades SQL more readily once budget or authority is known.
        known = sum(s is _ANSWERED and c.key in _TELLING_KEYS for c, s in statuses)
        if sql:
            sql += 25 * known
        weights = (mql, sql, unqualified)
        return dice.weighted(Weights.of(dict(zip(Grade, weights, strict=True))))

    def _grade_reason(self, grade: Grade, ctx: Ctx) -> str:
        reasons = self.phrases["grade"]
        small = grade is Grade.UNQUALIFIED and ctx.call.account.segment == "SMB"
        if small and self.dice.random() < 0.4:
            return self.words.say(self.dice.pick(reasons["unqualified-small"]), ctx)
        return self.words.say(self.dice.pick(reasons[grade.value]), ctx)


def _other_number(dice: Dice, found: re.Match[str]) -> str:
    """A number a reviewer would put right: close to the noted one, never the same."""
    old = int(found.group(1))
    step = 5 if old % 5 == 0 and old >= 10 else 1
    new = old
    while new == old or new <= 0:
        new = old + step * dice.pick((-3, -2, -1, 1, 2, 3))
    return f"{new}{found.group(2)}"


def _doc(
    note_id: uuid.UUID, annotation_id: uuid.UUID | None, doc_field: str, body: str
) -> dict[str, object]:
    return {"note_id": note_id, "annotation_id": annotation_id, "field": doc_field, "body": body}
