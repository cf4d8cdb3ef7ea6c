"""The vocabulary of the field: kinds of notes, call states, verdicts, grades.

Stored as their string values, which are also what the CLI accepts and prints.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Self

from desktop.errors import UserError


class _Choice(StrEnum):
    @classmethod
    def parse(cls, value: str, what: str | None = None) -> Self:
        """Accept the value as typed on a command line (case, `_` for `-`)."""
        key = value.strip().lower().replace("_", "-")
        for member in cls:
            if member.value == key:
                return member
        choices = ", ".join(m.value for m in cls)
        raise UserError(f"unknown {what or cls.__name__.lower()} {value!r} (choose from {choices})")

    @property
    def label(self) -> str:
        return self.value.replace("-", " ").capitalize()


class NoteKind(_Choice):
    PAIN = "pain"
    OBJECTION = "objection"
    QUESTION = "question"
    QUOTE = "quote"
    COMPETITOR = "competitor"
    SIGNAL = "signal"
    NEXT_STEP = "next-step"
    GENERAL = "general"

    @property
    def label(self) -> str:
        return "Buying signal" if self is NoteKind.SIGNAL else super().label


class CallType(_Choice):
    DISCOVERY = "discovery"
    DEMO = "demo"
    NEGOTIATION = "negotiation"
    OTHER = "other"


class CallStatus(_Choice):
    LIVE = "live"
    AWAITING_REVIEW = "awaiting-review"
    REVIEWED = "reviewed"


class Grade(_Choice):
    MQL = "mql"
    SQL = "sql"
    UNQUALIFIED = "unqualified"

    @property
    def label(self) -> str:
        return "Unqualified" if self is Grade.UNQUALIFIED else self.value.upper()


class Verdict(_Choice):
    CONFIRMED = "confirmed"
    CORRECTED = "corrected"
    DISPUTED = "disputed"


class ReviewStatus(_Choice):
    """A note's standing after review: the latest verdict, or none yet."""

    UNREVIEWED = "unreviewed"
    CONFIRMED = "confirmed"
    CORRECTED = "corrected"
    DISPUTED = "disputed"


class CriterionStatus(_Choice):
    OPEN = "open"
    ASKED = "asked"
    ANSWERED = "answered"
    DISQUALIFYING = "disqualifying"


class Role(_Choice):
    MARKETER = "marketer"
    REP = "rep"
    BOTH = "both"


class Outcome(_Choice):
    OPEN = "open"
    WON = "won"
    LOST = "lost"
    NO_DECISION = "no-decision"


class SearchField(_Choice):
    """Where in a note a search hit matched."""

    TEXT = "text"
    ANSWER = "answer"
    RESPONSE = "response"
    CORRECTION = "correction"
    COMMENT = "comment"


INTENSITY_MIN = 1
INTENSITY_MAX = 5
