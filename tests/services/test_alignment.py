"""Alignment counted against a month whose truth is known: two marketers, two reps,
notes of several kinds confirmed, corrected, disputed, refiled (kind and themes
changed by the rep) and left unreviewed, in March 2024 and in February before it.

The truth, note by note (C confirmed, X corrected, D disputed, U unreviewed):

    March, Mo Marketer → Riley Rep (calls A on 4 March, B on 6 March)
      n1  pain #speed          C
      n2  pain #reporting      X (a correction in words)
      n3  pain #pricing        X refiled as objection
      n4  objection #pricing   D
      n5  quote                U
      n6  pain #speed          C
      n7  pain #reporting      X refiled as objection, #reporting taken off, #budget put on
    March, Kim Marketer → Sam Seller (call C on 12 March)
      n8  objection #pricing   C
      n9  objection #pricing   C
      n10 pain #speed          D
      n11 quote                C
    March, Kim Marketer → Riley Rep (call D on 20 March)
      n12 pain #reporting      X refiled as question
      n14 pain #speed          U (refiled as objection, then the refiling retracted)
      n13 pain                 C, then the note trashed: counts nowhere
    April, a confirmed note: outside the month
    February, Mo → Riley: pain C, pain C, objection X, pain U; Kim → Sam: objection D
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pytest

from desktop.domain import NoteKind, Verdict
from desktop.services import Services
from desktop.services.alignment import (
    Alignment,
    Refiling,
    ThemeCorrections,
    VerdictCounts,
)
from desktop.services.periods import Period

MARCH = Period.month(2024, 3)


def at(month: int, day: int) -> datetime:
    return datetime(2024, month, day, 12).astimezone()


@dataclass
class _Month:
    services: Services

    def call(self, account: str, month: int, day: int, marketer: str, rep: str):
        return self.services.calls.start(
            account, rep=rep, marketer=marketer, started_at=at(month, day)
        )

    def note(self, call_id, kind: NoteKind, text: str, *tags: str):
        return self.services.notes.add(call_id, kind, text, offset_ms=60_000, tags=tags)

    def verdict(self, note, verdict: Verdict, by: str, correction: str | None = None) -> None:
        self.services.review.annotate(note.id, verdict, by, correction=correction)


def build_month(services: Services) -> None:
    """The month in the module docstring, through the services."""
    mo, kim, riley, sam = "Mo Marketer", "Kim Marketer", "Riley Rep", "Sam Seller"
    b = _Month(services)
    a = b.call("Acme", 3, 4, mo, riley)
    n1 = b.note(a.id, NoteKind.PAIN, "Exports are painfully slow", "speed")
    n2 = b.note(a.id, NoteKind.PAIN, "Reports are stale by Monday", "reporting")
    n3 = b.note(a.id, NoteKind.PAIN, "It costs too much for what it does", "pricing")
    n4 = b.note(a.id, NoteKind.OBJECTION, "Another tool would be cheaper", "pricing")
    b.note(a.id, NoteKind.QUOTE, "I would get my Sundays back")
    b.verdict(n1, Verdict.CONFIRMED, riley)
    b.verdict(n2, Verdict.CORRECTED, riley, "Stale by Tuesday, not Monday")
    services.review.reclassify(n3.id, by=riley, kind=NoteKind.OBJECTION)
    b.verdict(n4, Verdict.DISPUTED, riley)
    c_b = b.call("Beta", 3, 6, mo, riley)
    n6 = b.note(c_b.id, NoteKind.PAIN, "Exports time out", "speed")
    n7 = b.note(c_b.id, NoteKind.PAIN, "No budget for reporting this year", "reporting")
    b.verdict(n6, Verdict.CONFIRMED, riley)
    services.review.reclassify(n7.id, by=riley, kind=NoteKind.OBJECTION, tags=["budget"])
    c = b.call("Gamma", 3, 12, kim, sam)
    for text in ("We are locked in until June", "Price is above our limit"):
        b.verdict(b.note(c.id, NoteKind.OBJECTION, text, "pricing"), Verdict.CONFIRMED, sam)
    b.verdict(b.note(c.id, NoteKind.PAIN, "Loading takes ages", "speed"), Verdict.DISPUTED, sam)
    b.verdict(b.note(c.id, NoteKind.QUOTE, "This is what we need"), Verdict.CONFIRMED, sam)
    d = b.call("Delta", 3, 20, kim, riley)
    n12 = b.note(d.id, NoteKind.PAIN, "Which reports can we schedule?", "reporting")
    services.review.reclassify(n12.id, by=riley, kind=NoteKind.QUESTION)
    n13 = b.note(d.id, NoteKind.PAIN, "Trashed later")
    b.verdict(n13, Verdict.CONFIRMED, riley)
    services.notes.delete(n13.id)
    n14 = b.note(d.id, NoteKind.PAIN, "Dashboards freeze", "speed")
    undone = services.review.reclassify(n14.id, by=riley, kind=NoteKind.OBJECTION)
    services.review.retract(undone.id)
    april = b.call("Acme", 4, 2, mo, riley)
    b.verdict(b.note(april.id, NoteKind.PAIN, "April pain"), Verdict.CONFIRMED, riley)
    e = b.call("Acme", 2, 10, mo, riley)
    b.verdict(b.note(e.id, NoteKind.PAIN, "Feb pain one"), Verdict.CONFIRMED, riley)
    b.verdict(b.note(e.id, NoteKind.PAIN, "Feb pain two"), Verdict.CONFIRMED, riley)
    b.verdict(b.note(e.id, NoteKind.OBJECTION, "Feb objection"), Verdict.CORRECTED, riley, "x")
    b.note(e.id, NoteKind.PAIN, "Feb pain unreviewed")
    f = b.call("Gamma", 2, 20, kim, sam)
    b.verdict(b.note(f.id, NoteKind.OBJECTION, "Feb objection two"), Verdict.DISPUTED, sam)


@pytest.fixture
def march(services: Services) -> Alignment:
    build_month(services)
    return services.alignment.compute(MARCH)


def test_overall_rates_and_the_previous_month(march: Alignment) -> None:
    assert march.counts == VerdictCounts(notes=13, confirmed=5, corrected=4, disputed=2)
    assert (march.counts.reviewed, march.counts.unreviewed) == (11, 2)
    assert march.counts.confirmation == pytest.approx(5 / 11)
    assert march.counts.correction == pytest.approx(4 / 11)
    assert march.counts.dispute == pytest.approx(2 / 11)
    assert march.previous == VerdictCounts(notes=5, confirmed=2, corrected=1, disputed=1)


def test_per_kind_as_the_marketer_filed_it(march: Alignment) -> None:
    by_kind = {k.kind: (k.counts, k.previous) for k in march.by_kind}
    assert [k.kind for k in march.by_kind] == [NoteKind.PAIN, NoteKind.OBJECTION, NoteKind.QUOTE]
    # refiled notes count under the kind they were filed as: n3, n7, n12 are pains
    assert by_kind[NoteKind.PAIN] == (
        VerdictCounts(notes=8, confirmed=2, corrected=4, disputed=1),
        VerdictCounts(notes=3, confirmed=2),
    )
    assert by_kind[NoteKind.OBJECTION] == (
        VerdictCounts(notes=3, confirmed=2, disputed=1),
        VerdictCounts(notes=2, corrected=1, disputed=1),
    )
    assert by_kind[NoteKind.QUOTE] == (VerdictCounts(notes=2, confirmed=1), VerdictCounts())


def test_per_marketer_rep_pair(march: Alignment) -> None:
    pairs = [(p.marketer, p.rep, p.calls, p.counts, p.previous) for p in march.by_pair]
    assert pairs == [
        (
            "Mo Marketer",
            "Riley Rep",
            2,
            VerdictCounts(notes=7, confirmed=2, corrected=3, disputed=1),
            VerdictCounts(notes=4, confirmed=2, corrected=1),
        ),
        (
            "Kim Marketer",
            "Sam Seller",
            1,
            VerdictCounts(notes=4, confirmed=3, disputed=1),
            VerdictCounts(notes=1, disputed=1),
        ),
        ("Kim Marketer", "Riley Rep", 1, VerdictCounts(notes=2, corrected=1), VerdictCounts()),
    ]


def test_where_reps_correct_marketers(march: Alignment) -> None:
    assert march.refiled == (
        Refiling(NoteKind.PAIN, NoteKind.OBJECTION, 2),
        Refiling(NoteKind.PAIN, NoteKind.QUESTION, 1),
    )
    assert march.themes == (
        ThemeCorrections("reporting", reviewed=3, corrected=3, disputed=0, removed=1, added=0),
        ThemeCorrections("pricing", reviewed=4, corrected=1, disputed=1, removed=0, added=0),
        ThemeCorrections("speed", reviewed=3, corrected=0, disputed=1, removed=0, added=0),
        ThemeCorrections("budget", reviewed=0, corrected=0, disputed=0, removed=0, added=1),
    )


def test_a_month_nobody_reviewed(services: Services) -> None:
    call = services.calls.start("Acme", rep="Riley Rep", marketer="Mo", started_at=at(3, 5))
    services.notes.add(call.id, NoteKind.PAIN, "Slow", offset_ms=1)
    alignment = services.alignment.compute(MARCH)
    assert alignment.counts == VerdictCounts(notes=1)
    assert alignment.counts.confirmation is None
    assert (alignment.refiled, alignment.themes) == ((), ())
