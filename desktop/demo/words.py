"""How the generator talks: `{slot}` templates from the phrases filled from a call's
context (who is speaking, the account's systems and rival, the months ahead) and from
the shared lists, so that no two calls word the same pain alike.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final

from desktop.demo.chance import Dice
from desktop.demo.world import Call, Contact, material

_MONTHS: Final = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_SLOT = re.compile(r"\{(\w+)\}")
#: `[a|b|c]`: one of the wordings, drawn afresh each time (`[|b]`: b, or nothing).
_CHOICE = re.compile(r"\[([^\[\]]*)\]")
#: Slots that say what the account is: the same on every call with it.
_FACTS: Final = ("offer", "aes", "managers", "sites", "region", "series", "campaign", "fiscal")
_LEAD_NAME = re.compile(r"^(\w+: )([a-z])")


@dataclass(slots=True)
class Ctx:
    """What a sentence about one call can mention; who speaks is chosen when needed."""

    call: Call
    months: tuple[str, ...]
    quarters: tuple[str, ...]
    speaker: Contact | None = None
    other: str | None = None
    theme: str = ""
    mentioned: set[str] = field(default_factory=set)

    def next_speaker(self) -> None:
        """A new remark: whoever speaks next is chosen afresh."""
        self.speaker = self.other = None
        self.mentioned.clear()


class Words:
    """Fills templates; every choice it makes is drawn from the run's dice."""

    def __init__(self, dice: Dice) -> None:
        world, phrases = material()
        self.dice = dice
        #: First names prospects can have: the team's are taken out once it is hired.
        self.outsiders: list[str] = world["first_names"]
        self.slot_lists: dict[str, list[str]] = phrases["slots"]
        #: Competitor names and the tag each is filed under.
        self.competitors: dict[str, str] = {c["name"]: c["tag"] for c in world["competitors"]}
        self.competitor_names = list(self.competitors)
        #: How each theme is named in a sentence ("the {theme} problem").
        self.labels: dict[str, str] = {name: t["label"] for name, t in phrases["themes"].items()}
        self.slots = self._slot_fillers()

    def ctx(self, call: Call) -> Ctx:
        month = call.started_at.astimezone().month - 1
        return Ctx(
            call=call,
            months=tuple(_MONTHS[(month + k) % 12] for k in range(1, 5)),
            quarters=tuple(f"Q{(month + k) % 12 // 3 + 1}" for k in (3, 6)),
        )

    def say(self, template: str, ctx: Ctx) -> str:
        """Choose among `[a|b]` wordings, then fill `{slots}` from the call's context and
        the shared lists."""
        if "[" in template:
            template = _CHOICE.sub(self._choose, template)
        if "{" not in template:
            return template
        return _SLOT.sub(lambda match: self._slot_value(match.group(1), ctx), template)

    def _choose(self, match: re.Match[str]) -> str:
        wordings: list[str] = match.group(1).split("|")
        return self.dice.pick(wordings)

    def _slot_value(self, name: str, ctx: Ctx) -> str:
        fill = self.slots.get(name)
        if fill is not None:
            return fill(ctx)
        return self.say(self.dice.pick(self.slot_lists[name]), ctx)

    def _slot_fillers(self) -> dict[str, Callable[[Ctx], str]]:
        """How each `{slot}` that is not a plain list in the phrases gets its words."""
        dice = self.dice

        def number(low: int, high: int, step: int = 1) -> Callable[[Ctx], str]:
            return lambda _ctx: str(step * dice.between(low, high))

        def one_of(*values: int) -> Callable[[Ctx], str]:
            return lambda _ctx: str(dice.pick(values))

        def fact(name: str) -> Callable[[Ctx], str]:
            return lambda ctx: ctx.call.account.facts[name]

        return {
            **{name: fact(name) for name in _FACTS},
            "contact_first": lambda ctx: self._speaker(ctx).first,
            "contact2_first": self._other,
            "title": lambda ctx: self._speaker(ctx).title,
            "rep_first": lambda ctx: ctx.call.account.rep.first,
            "competitor": self._competitor,
            "system": lambda ctx: ctx.call.account.systems[0],
            "system2": lambda ctx: ctx.call.account.systems[1],
            "industry": lambda ctx: ctx.call.account.industry.lower(),
            "theme": lambda ctx: ctx.theme or self.labels[ctx.call.account.themes[0]],
            "month": lambda ctx: dice.pick(ctx.months),
            "quarter": lambda ctx: dice.pick(ctx.quarters),
            "hours": number(3, 25),
            "people": number(2, 12),
            "pct": number(2, 9, 5),
            "k": number(4, 49, 5),
            "seats": one_of(15, 25, 40, 50, 75, 120, 200, 300),
            "weeks": number(2, 10),
            "days": one_of(5, 10, 14, 21, 30),
            "n": number(3, 9),
            "minutes": number(5, 15),
            "questions": one_of(80, 120, 150, 200, 300),
        }

    def _speaker(self, ctx: Ctx) -> Contact:
        if ctx.speaker is None:
            ctx.speaker = self.dice.pick(ctx.call.contacts)
        return ctx.speaker

    def _other(self, ctx: Ctx) -> str:
        """Someone else on their side: another contact on the call, or a colleague."""
        if ctx.other is None:
            speaker = self._speaker(ctx)
            others = [c.first for c in ctx.call.contacts if c is not speaker]
            ctx.other = self.dice.pick(others or self.outsiders)
        return ctx.other

    def _competitor(self, ctx: Ctx) -> str:
        """Mostly the account's usual rival; remembered, so the note gets its tag."""
        competitor = ctx.call.account.competitor
        if self.dice.random() >= 0.7:
            competitor = self.dice.pick(self.competitor_names)
        ctx.mentioned.add(competitor)
        return competitor


def capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def sentence(text: str) -> str:
    """Capitalised (also after a leading `Name: `) and ending in punctuation."""
    text = _LEAD_NAME.sub(lambda match: match.group(1) + match.group(2).upper(), capital(text))
    return text if text.endswith((".", "!", "?", "”", "'")) else text + "."
