"""Redaction: take people and contact details out of a PDF that leaves the team.

What goes, in every piece of user text a report prints:
- the recorded contacts of the accounts in the report, by full name, surname or (when
  only one contact has it) first name: `[contact: CFO]` (their title, else deal role);
- person names written in notes, recorded or not: a capitalised first name from the
  shipped dictionary (`resources/names`, built from the `names-dataset` package by
  `scripts/build_first_names.py`), with the capitalised word after it (the surname),
  or `Mr`/`Ms`/`Dr` and a name: `[name]`. Names that are also English words ("Will",
  "Mark", "Hope") count only with a surname after them;
- e-mail addresses: `[email]`; phone numbers in any common format, found by the
  `phonenumbers` library (`PhoneNumberMatcher`) for a few regions: `[phone]`;
- account names, optionally, replaced by industry and size ("a mid-market logistics
  company (201-500 employees)");
- terms the user adds: `[redacted]`. Terms the user keeps are never redacted.

A `Redactor` records what it replaced as it goes, so a preview made by running the
report's own text through it lists exactly what the PDF will hide.
"""

from __future__ import annotations

import functools
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Final

from sqlalchemy import select

from desktop import shipped
from desktop.services.base import Service, name_key
from desktop.storage import models as m

PLACEHOLDER_NAME: Final = "[name]"
PLACEHOLDER_EMAIL: Final = "[email]"
PLACEHOLDER_PHONE: Final = "[phone]"
PLACEHOLDER_ADDED: Final = "[redacted]"
#: Regions whose national formats are recognised (international "+" numbers always are).
PHONE_REGIONS: Final = ("US", "GB", "DE", "FR", "IN", "AU")
#: Examples kept per redacted term, for the preview.
EXAMPLES_PER_TERM: Final = 3

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_TITLE = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Dr|Prof)\.?\s+[^\W\d_][\w'’-]*")
_DIGITS = re.compile(r"\d")
_ACCOUNT_SUFFIXES = re.compile(
    r"\s+(?:inc\.?|ltd\.?|llc|plc|gmbh|co\.?|corp\.?|group|holdings|partners)$", re.I
)
_NOT_SURNAMES: Final = frozenset(
    """the a an and or but of to in on at for with from by as is are was were it this that
    we they he she you i our their his her its my your monday tuesday wednesday thursday
    friday saturday sunday january february march april may june july august september
    october november december q1 q2 q3 q4""".split()  # noqa: SIM905
)
_SEGMENT_WORDS: Final = {"smb": "small-business", "mid-market": "mid-market"}


@functools.cache
def first_names() -> tuple[frozenset[str], frozenset[str]]:
    """(names, names that are also words), from the shipped lists."""
    folder = shipped.folder("names")

    def read(filename: str) -> frozenset[str]:
        text = folder.joinpath(filename).read_text(encoding="utf-8")
        return frozenset(line for line in text.splitlines() if line and line[0] != "#")

    return read("first_names.txt"), read("first_names_also_words.txt")


# -- values --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RedactionOptions:
    """What the user chose: extra terms to hide, terms to keep, whether accounts go."""

    add: tuple[str, ...] = ()
    keep: tuple[str, ...] = ()
    accounts: bool = True


@dataclass(frozen=True, slots=True)
class KnownContact:
    name: str
    account: str
    title: str | None
    deal_role: str | None

    @property
    def placeholder(self) -> str:
        return f"[contact: {self.title or self.deal_role or 'contact'}]"


@dataclass(frozen=True, slots=True)
class KnownAccount:
    name: str
    industry: str | None
    segment: str | None
    size: str | None

    @property
    def description(self) -> str:
        """How the account reads once its name is gone."""
        segment = (self.segment or "").strip()
        words = [_SEGMENT_WORDS.get(segment.lower(), segment.lower()) if segment else ""]
        words.append((self.industry or "").strip().lower())
        words.append("company")
        phrase = " ".join(w for w in words if w)
        if phrase == "company":
            return "[account]"
        article = "an" if phrase[0] in "aeiou" else "a"
        size = f" ({self.size.strip()} employees)" if self.size and self.size.strip() else ""
        return f"{article} {phrase}{size}"


@dataclass(frozen=True, slots=True)
class RedactedTerm:
    """One term a report hides: how often, with what, and where (short examples)."""

    term: str
    category: str  # contact, name, email, phone, account, added
    placeholder: str
    count: int
    examples: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RedactionPreview:
    terms: tuple[RedactedTerm, ...]
    options: RedactionOptions

    @property
    def total(self) -> int:
        return sum(t.count for t in self.terms)


# -- the redactor --------------------------------------------------------------------


@dataclass(order=True, frozen=True, slots=True)
class _Span:
    start: int
    end: int
    priority: int
    placeholder: str = field(compare=False)
    category: str = field(compare=False)


class Redactor:
    """Replaces what must not leave the team; remembers what it replaced."""

    def __init__(
        self,
        contacts: Sequence[KnownContact] = (),
        accounts: Sequence[KnownAccount] = (),
        options: RedactionOptions = RedactionOptions(),
    ) -> None:
        self.options = options
        self._keep = {name_key(k) for k in options.keep if k.strip()}
        self._counts: Counter[tuple[str, str, str]] = Counter()
        self._examples: dict[tuple[str, str, str], list[str]] = defaultdict(list)
        self._accounts = {name_key(a.name): a for a in accounts}
        self._contacts = {name_key(c.name): c for c in contacts}
        literal: list[tuple[str, str, str, int]] = []  # term, placeholder, category, priority
        for term in options.add:
            if term.strip():
                literal.append((term.strip(), PLACEHOLDER_ADDED, "added", 0))
        if options.accounts:
            for account in accounts:
                for variant in _account_variants(account.name):
                    literal.append((variant, account.description, "account", 1))
        first_counts = Counter(c.name.split()[0].casefold() for c in contacts if c.name.split())
        for contact in contacts:
            parts = contact.name.split()
            literal.append((contact.name, contact.placeholder, "contact", 2))
            if len(parts) > 1 and len(parts[-1]) >= 3:
                literal.append((parts[-1], contact.placeholder, "contact", 3))
            if parts and first_counts[parts[0].casefold()] == 1 and len(parts[0]) >= 2:
                literal.append((parts[0], contact.placeholder, "contact", 3))
        literal = [item for item in literal if name_key(item[0]) not in self._keep]
        literal.sort(key=lambda item: -len(item[0]))
        self._literals = [
            (re.compile(rf"(?<!\w){re.escape(term)}(?!\w)", re.IGNORECASE), ph, cat, prio)
            for term, ph, cat, prio in literal
        ]
        self._kept = [
            re.compile(rf"(?<!\w){re.escape(term.strip())}(?!\w)", re.IGNORECASE)
            for term in options.keep
            if term.strip()
        ]

    # -- applying --

    def __call__(self, text: str | None) -> str:
        """The text with every redacted term replaced (None stays empty)."""
        if not text:
            return ""
        spans = self._spans(text)
        if not spans:
            return text
        out = []
        last = 0
        for span in spans:
            term = text[span.start : span.end]
            out.append(text[last : span.start])
            out.append(span.placeholder)
            last = span.end
            self._record(span, term, text)
        out.append(text[last:])
        return "".join(out)

    def account(self, name: str) -> str:
        """An account's name as the report may print it."""
        if not self.options.accounts or name_key(name) in self._keep:
            return self(name)
        known = self._accounts.get(name_key(name)) or KnownAccount(name, None, None, None)
        self._record(_Span(0, len(name), 1, known.description, "account"), name, name)
        return known.description

    def contact(self, name: str, title: str | None, deal_role: str | None) -> str:
        """A recorded contact's name as the report may print it."""
        if name_key(name) in self._keep:
            return name
        placeholder = KnownContact(name, "", title, deal_role).placeholder
        self._record(_Span(0, len(name), 2, placeholder, "contact"), name, name)
        return placeholder

    def preview(self) -> RedactionPreview:
        """What was replaced so far, most frequent first."""
        terms = [
            RedactedTerm(
                term=term,
                category=category,
                placeholder=placeholder,
                count=count,
                examples=tuple(self._examples[(term, category, placeholder)]),
            )
            for (term, category, placeholder), count in self._counts.items()
        ]
        terms.sort(key=lambda t: (-t.count, t.category, t.term.casefold()))
        return RedactionPreview(tuple(terms), self.options)

    # -- finding --

    def _record(self, span: _Span, term: str, text: str) -> None:
        key = (term, span.category, span.placeholder)
        self._counts[key] += 1
        examples = self._examples[key]
        if len(examples) < EXAMPLES_PER_TERM:
            left = max(0, span.start - 40)
            snippet = text[left : span.end + 40].replace("\n", " ")
            more = "…" if span.end + 40 < len(text) else ""
            examples.append(("…" if left else "") + snippet + more)

    def _spans(self, text: str) -> list[_Span]:
        found: list[_Span] = []
        for pattern, placeholder, category, priority in self._literals:
            for match in pattern.finditer(text):
                found.append(_Span(match.start(), match.end(), priority, placeholder, category))
        for match in _EMAIL.finditer(text):
            found.append(_Span(match.start(), match.end(), 0, PLACEHOLDER_EMAIL, "email"))
        found.extend(_phones(text))
        found.extend(_names(text))
        kept = [m.span() for pattern in self._kept for m in pattern.finditer(text)]
        chosen: list[_Span] = []
        for span in sorted(found, key=lambda s: (s.start, -(s.end - s.start), s.priority)):
            if chosen and span.start < chosen[-1].end:
                continue
            if any(start < span.end and span.start < end for start, end in kept):
                continue  # the user keeps this term, and every part of it
            chosen.append(span)
        return chosen


def _account_variants(name: str) -> list[str]:
    """The account's name, and the name without its legal suffix ("Acme" of "Acme Ltd")."""
    variants = [name.strip()]
    short = _ACCOUNT_SUFFIXES.sub("", name.strip())
    if short and short != variants[0] and len(short) >= 3:
        variants.append(short)
    return variants


def _phones(text: str) -> list[_Span]:
    if len(_DIGITS.findall(text)) < 7:
        return []
    import phonenumbers

    found: dict[tuple[int, int], _Span] = {}
    for region in PHONE_REGIONS:
        leniency = phonenumbers.Leniency.POSSIBLE if region == "US" else phonenumbers.Leniency.VALID
        for match in phonenumbers.PhoneNumberMatcher(text, region, leniency=leniency):
            if len(_DIGITS.findall(match.raw_string)) >= 7:
                key = (match.start, match.end)
                found[key] = _Span(match.start, match.end, 0, PLACEHOLDER_PHONE, "phone")
    return list(found.values())


def _capitalised(word: str) -> bool:
    """A capitalised word (Jane, O'Neil), not an acronym (CFO) or a lower-case one."""
    return word[:1].isupper() and not (len(word) > 1 and word.isupper())


def _names(text: str) -> list[_Span]:
    names, also_words = first_names()
    found = [_Span(m.start(), m.end(), 4, PLACEHOLDER_NAME, "name") for m in _TITLE.finditer(text)]
    words = list(_WORD.finditer(text))
    for i, match in enumerate(words):
        word = match.group().rstrip("'’")
        base = re.sub(r"['’]s$", "", word)
        if not _capitalised(base) or (base not in names and base not in also_words):
            continue
        end = match.start() + len(base)
        following = words[i + 1] if i + 1 < len(words) else None
        if (
            following is not None
            and text[match.end() : following.start()] in (" ", "\u00a0")
            and _capitalised(following.group())
            and following.group().casefold() not in _NOT_SURNAMES
        ):
            surname = re.sub(r"['’]s$", "", following.group().rstrip("'’"))
            end = following.start() + len(surname)
        elif base in also_words:
            continue
        found.append(_Span(match.start(), end, 5, PLACEHOLDER_NAME, "name"))
    return found


# -- the service ---------------------------------------------------------------------


class RedactionService(Service):
    def known(self, accounts: Iterable[str]) -> tuple[list[KnownContact], list[KnownAccount]]:
        """The recorded contacts and the details of the named accounts: what a report
        about them must know to redact them."""
        keys = sorted({name_key(a) for a in accounts if a and a.strip()})
        contacts: list[KnownContact] = []
        found: list[KnownAccount] = []
        with self._db.read() as s:
            for start in range(0, len(keys), 500):
                chunk = keys[start : start + 500]
                for name, industry, segment, size in s.execute(
                    select(m.Account.name, m.Account.industry, m.Account.segment, m.Account.size)
                    .where(m.Account.name_key.in_(chunk))
                    .order_by(m.Account.name_key)
                ):
                    found.append(KnownAccount(name, industry, segment, size))
                for name, account, title, role in s.execute(
                    select(m.Contact.name, m.Account.name, m.Contact.title, m.Contact.deal_role)
                    .join(m.Account, m.Account.id == m.Contact.account_id)
                    .where(m.Account.name_key.in_(chunk))
                    .order_by(m.Account.name_key, m.Contact.name, m.Contact.id)
                ):
                    contacts.append(KnownContact(name, account, title, role))
        return contacts, found

    def redactor(self, accounts: Iterable[str], options: RedactionOptions) -> Redactor:
        """A redactor for a report about these accounts."""
        contacts, known = self.known(accounts)
        return Redactor(contacts, known, options)
