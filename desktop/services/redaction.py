"""Redaction: take people and contact details out of a PDF that leaves the team.

What goes, in every piece of user text a report prints (notes, answers, responses,
corrections, comments, tags and theme names, suggested-group labels, bookmarks):
- every recorded contact, of any account, by full name, first name or surname, in any
  case, with or without accents and apostrophes ("alvarez" for Álvarez, "O'Connor" for
  O’Connor): `[contact: CFO]` (their title, else deal role), or `[contact]` when the
  name is shared by contacts with different titles. A part of a name that is also a
  word ("Will", "Grace", "Park", "Li") goes where it is written as a name or where the
  sentence says it is a person ("Park said"), and stays where it is the word ("park
  the idea", "grace period");
- person names written in notes, recorded or not (`desktop.services.name_finder`,
  name lists in `resources/names`): `[name]`;
- e-mail addresses, also written out (`jane(at)acme(dot)com`, `jane at acme dot com`):
  `[email]`; phone numbers in any common format, found by the `phonenumbers` library
  for a few regions (`PHONE_REGIONS`), and vanity numbers (1-800-FLOWERS): `[phone]`;
- every recorded account's name (the report's and any other named in a note),
  optionally, replaced by industry and size ("a mid-market logistics company (201-500
  employees)");
- the team's own names (marketers, reps) as the user chooses (`TeamNames`): kept
  everywhere (the default: a redacted report still says who rode along and who
  reviewed), or replaced everywhere by their role, "[rep A]", "[marketer B]";
- terms the user adds: `[redacted]`. Terms the user keeps are never redacted.

A `Redactor` records what it replaced as it goes, so a preview made by running the
report's own text through it lists exactly what the PDF will hide.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Final, Literal

from sqlalchemy import select

from desktop.services.base import Service, name_key
from desktop.services.name_finder import (
    STOP,
    NameFinder,
    Token,
    lexicon,
    tokens,
)
from desktop.storage import models as m

PLACEHOLDER_NAME: Final = "[name]"
PLACEHOLDER_CONTACT: Final = "[contact]"
PLACEHOLDER_EMAIL: Final = "[email]"
PLACEHOLDER_PHONE: Final = "[phone]"
PLACEHOLDER_ADDED: Final = "[redacted]"
PLACEHOLDER_TEAM: Final = "[team member]"
PLACEHOLDER_ACCOUNT: Final = "[account]"
#: Regions whose national formats are recognised (international "+" numbers always are).
PHONE_REGIONS: Final = ("US", "GB", "DE", "FR", "IN", "AU", "BR", "ES")
#: Examples kept per redacted term, for the preview.
EXAMPLES_PER_TERM: Final = 3
#: What becomes of the team's own names: kept (the default) or replaced by their role.
TeamNames = Literal["keep", "role"]

_BRACKETED_AT = r"\s*[\[({<]\s*at\s*[\])}>]\s*"
_BRACKETED_DOT = r"\s*[\[({<]\s*dot\s*[\])}>]\s*"
_EMAIL = re.compile(
    rf"(?<![\w.+-])[\w.+-]+(?:@|{_BRACKETED_AT})[\w-]+(?:(?:\.|{_BRACKETED_DOT})[\w-]+)+",
    re.IGNORECASE,
)
_TLDS = "com|org|net|io|co|uk|de|fr|es|it|nl|eu|us|ca|au|in|br|info|biz|ai|app|dev|edu|gov"
#: "jane at acme dot com": spelled out, so only with a dot and a real ending.
_SPELLED_EMAIL = re.compile(
    rf"(?<![\w.+-])[\w.+-]+\s+at\s+[\w-]+(?:\s+dot\s+[\w-]+)*\s+dot\s+(?:{_TLDS})\b",
    re.IGNORECASE,
)
#: 1-800-FLOWERS, (800) GOT-JUNK: an area code and letters a keypad turns into digits.
_VANITY = re.compile(
    r"(?<![\w-])(?:\+?1[-.\s])?\(?[2-9]\d{2}\)?[-.\s]"
    r"(?=(?:[A-Z0-9]-?){6,9}(?![\w-]))(?=[-0-9]*[A-Z][-0-9]*[A-Z][-0-9]*[A-Z])"
    r"[A-Z0-9]+(?:-[A-Z0-9]+)?(?![\w-])"
)
_DIGITS = re.compile(r"\d")
_ACCOUNT_SUFFIXES = re.compile(
    r"\s+(?:inc\.?|ltd\.?|llc|plc|gmbh|co\.?|corp\.?|group|holdings|partners)$", re.I
)
_SEGMENT_WORDS: Final = {"smb": "small-business", "mid-market": "mid-market"}
_ROLE_WORDS: Final = {"rep": "rep", "marketer": "marketer"}


# -- values --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RedactionOptions:
    """What the user chose: extra terms to hide, terms to keep, whether accounts go,
    and what becomes of the team's own names."""

    add: tuple[str, ...] = ()
    keep: tuple[str, ...] = ()
    accounts: bool = True
    team: TeamNames = "keep"

    @property
    def summary(self) -> str:
        """What a redacted report says it hid, and what became of the team's names."""
        accounts = " and accounts" if self.accounts else ""
        team = "kept" if self.team == "keep" else "replaced by their role"
        return (
            f"names, e-mail addresses, phone numbers{accounts} are replaced; team names are {team}"
        )


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
class KnownMember:
    """A member of the team (a person of the app) and the role it stands for."""

    name: str
    role: str  # marketer, rep or both


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
            return PLACEHOLDER_ACCOUNT
        article = "an" if phrase[0] in "aeiou" else "a"
        size = f" ({self.size.strip()} employees)" if self.size and self.size.strip() else ""
        return f"{article} {phrase}{size}"


@dataclass(frozen=True, slots=True)
class RedactedTerm:
    """One term a report hides: how often, with what, and where (short examples)."""

    term: str
    category: str  # contact, name, email, phone, account, team, added
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
    kept: bool = field(default=False, compare=False)


@dataclass(frozen=True, slots=True)
class _Term:
    """A recorded name (or part of one) as folded words, and what replaces it."""

    keys: tuple[str, ...]
    placeholder: str
    category: str
    priority: int
    #: "plain": anywhere; "word": where written or said to be a person (Will, Park);
    #: "stop": only where the sentence says so (a contact called "May" or "Do").
    care: str = "plain"
    kept: bool = False


class Redactor:
    """Replaces what must not leave the team; remembers what it replaced."""

    def __init__(
        self,
        contacts: Sequence[KnownContact] = (),
        accounts: Sequence[KnownAccount] = (),
        options: RedactionOptions = RedactionOptions(),
        *,
        team: Sequence[KnownMember] = (),
        report_accounts: Iterable[str] | None = None,
        not_people: Iterable[str] = (),
    ) -> None:
        self.options = options
        self._keep = {name_key(k) for k in options.keep if k.strip()}
        self._keep_keys = {" ".join(t.key for t in tokens(k)) for k in options.keep}
        self._counts: Counter[tuple[str, str, str]] = Counter()
        self._examples: dict[tuple[str, str, str], list[str]] = defaultdict(list)
        self._accounts = {name_key(a.name): a for a in accounts}
        self._finder = NameFinder(not_people)
        self._team = _stand_ins(team) if options.team == "role" else {}
        ours = {name_key(a) for a in report_accounts} if report_accounts is not None else None
        self._terms: dict[str, list[_Term]] = defaultdict(list)
        if options.accounts:
            self._add_accounts(accounts)
        self._add_people(contacts, team, ours)
        for found in self._terms.values():
            found.sort(key=lambda t: (-len(t.keys), t.priority))
        self._added = [
            re.compile(rf"(?<!\w){re.escape(term.strip())}(?!\w)", re.IGNORECASE)
            for term in options.add
            if term.strip()
        ]
        self._kept = [
            re.compile(rf"(?<!\w){re.escape(term.strip())}(?!\w)", re.IGNORECASE)
            for term in options.keep
            if term.strip()
        ]

    # -- what is recorded --

    def _add_accounts(self, accounts: Sequence[KnownAccount]) -> None:
        """Each account's name, without its legal suffix, and its first word when no
        other account starts with it ("Bramble" of "Bramble Freight")."""
        lex = lexicon()
        firsts = Counter(words[0].key for a in accounts if (words := tokens(a.name)))
        for account in accounts:
            variants = [tuple(t.key for t in tokens(v)) for v in _account_variants(account.name)]
            words = tokens(account.name)
            if len(words) > 1 and firsts[words[0].key] == 1:
                key = words[0].key
                if len(key) >= 4 and key.isalpha() and key not in STOP | lex.places:
                    variants.append((key,))
            for keys in variants:
                if keys:
                    care = "word" if len(keys) == 1 and _wordlike(keys[0]) else "plain"
                    self._add(keys, account.description, "account", 1, care, False)

    def _add_people(
        self,
        contacts: Sequence[KnownContact],
        team: Sequence[KnownMember],
        ours: set[str] | None,
    ) -> None:
        """Full names, then each part of a name: a part shared by several people gets
        the placeholder they share, "[contact]" if they differ; a prospect's part wins
        over a team member's (hiding one of ours costs less than showing a prospect)."""
        keep_team = self.options.team == "keep"
        full: dict[tuple[str, ...], list[tuple[str, str]]] = defaultdict(list)
        parts: dict[str, list[tuple[str, str, bool]]] = defaultdict(list)
        for contact in contacts:
            words = tokens(contact.name)
            mine = ours is None or name_key(contact.account) in ours
            full[tuple(w.key for w in words)].append(("contact", contact.placeholder))
            for word in words:
                parts[word.key].append(("contact", contact.placeholder, mine))
        for member in team:
            words = tokens(member.name)
            stand_in = self._team.get(name_key(member.name), member.name)
            full[tuple(w.key for w in words)].append(("team", stand_in))
            for word in words:
                parts[word.key].append(("team", stand_in, True))
        for keys, owners in full.items():
            if len(keys) > 1:
                category, placeholder = _shared(owners, [])
                kept = category == "team" and keep_team
                self._add(keys, placeholder, category, 2, "plain", kept)
        for key, owners3 in parts.items():
            if len(key) < 2 or not key.isalpha():
                continue
            prospects = [(c, p) for c, p, _mine in owners3 if c == "contact"]
            if prospects:
                preferred = [(c, p) for c, p, mine in owners3 if c == "contact" and mine]
                category, placeholder = _shared(prospects, preferred)
            else:
                category, placeholder = _shared([(c, p) for c, p, _m in owners3], [])
            care = "stop" if key in STOP else "word" if _wordlike(key) else "plain"
            kept = category == "team" and keep_team
            self._add((key,), placeholder, category, 3, care, kept)

    def _add(
        self,
        keys: tuple[str, ...],
        placeholder: str,
        category: str,
        priority: int,
        care: str,
        kept: bool,
    ) -> None:
        if " ".join(keys) in self._keep_keys:
            return
        self._terms[keys[0]].append(_Term(keys, placeholder, category, priority, care, kept))

    # -- applying --

    def __call__(self, text: str | None) -> str:
        """The text with every redacted term replaced (None stays empty)."""
        return self._replace(text, label=False)

    def label(self, text: str) -> str:
        """A short label (a theme made from a tag, a suggested group's name) redacted:
        an account is "[account]" there, not the sentence that describes it."""
        return self._replace(text, label=True)

    def _replace(self, text: str | None, label: bool) -> str:
        if not text:
            return ""
        spans = self._spans(text)
        if not spans:
            return text
        out = []
        last = 0
        for span in spans:
            out.append(text[last : span.start])
            if span.kept:
                out.append(text[span.start : span.end])
            else:
                if label and span.category == "account":
                    span = dataclasses.replace(span, placeholder=PLACEHOLDER_ACCOUNT)
                out.append(span.placeholder)
                self._record(span, text[span.start : span.end], text)
            last = span.end
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

    def person(self, name: str | None) -> str:
        """A team member's name (a rep, a marketer, who generated the report) as the
        report may print it: kept, or their role when the user chose so."""
        if not name:
            return ""
        if self.options.team == "keep" or name_key(name) in self._keep:
            return name
        stand_in = self._team.get(name_key(name), PLACEHOLDER_TEAM)
        self._record(_Span(0, len(name), 2, stand_in, "team"), name, name)
        return stand_in

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
        toks = tokens(text)
        found: list[_Span] = []
        for pattern in self._added:
            for match in pattern.finditer(text):
                found.append(_Span(match.start(), match.end(), 0, PLACEHOLDER_ADDED, "added"))
        for pattern in (_EMAIL, _SPELLED_EMAIL):
            for match in pattern.finditer(text):
                found.append(_Span(match.start(), match.end(), 0, PLACEHOLDER_EMAIL, "email"))
        found.extend(_phones(text))
        found.extend(self._recorded(text, toks))
        for start, end in self._finder.find(text, toks):
            found.append(_Span(start, end, 5, PLACEHOLDER_NAME, "name"))
        kept = [m.span() for pattern in self._kept for m in pattern.finditer(text)]
        chosen: list[_Span] = []
        for span in sorted(found, key=lambda s: (s.start, -(s.end - s.start), s.priority)):
            if chosen and span.start < chosen[-1].end:
                continue
            if any(start < span.end and span.start < end for start, end in kept):
                continue  # the user keeps this term, and every part of it
            chosen.append(span)
        return chosen

    def _recorded(self, text: str, toks: list[Token]) -> list[_Span]:
        """Where the recorded names (contacts, accounts, the team) stand in the text."""
        found = []
        for i, tok in enumerate(toks):
            for term in self._terms.get(tok.key, ()):
                n = len(term.keys)
                if i + n > len(toks) or any(
                    toks[i + k].key != term.keys[k]
                    or not _close(text[toks[i + k - 1].end : toks[i + k].start])
                    for k in range(1, n)
                ):
                    continue
                if n == 1 and not self._stands_as_name(text, toks, i, term.care):
                    continue
                end = toks[i + n - 1].end
                found.append(
                    _Span(tok.start, end, term.priority, term.placeholder, term.category, term.kept)
                )
                break
        return found

    def _stands_as_name(self, text: str, toks: list[Token], i: int, care: str) -> bool:
        """Whether a recorded one-word name that is also a word is the name here."""
        if care == "plain":
            return True
        finder, tok = self._finder, toks[i]
        said = finder.person_after(text, toks, i) or finder.person_before(text, toks, i)
        if care == "stop":
            return tok.cap and bool(said)
        if said:
            return True
        if not tok.cap:
            return False
        prev = toks[i - 1].key if i else ""
        if _starts_sentence(text, toks, i):
            return i + 1 >= len(toks) or toks[i + 1].key not in _FUNCTION_NEXT
        return prev not in _DETERMINERS


_FUNCTION_NEXT: Final = STOP | frozenset(["up", "yes", "sure", "really", "please"])
_DETERMINERS: Final = STOP & frozenset(
    "the a an this that our their its your my his her every each any some no".split()  # noqa: SIM905
)


def _starts_sentence(text: str, toks: list[Token], i: int) -> bool:
    before = text[toks[i - 1].end if i else 0 : toks[i].start]
    stripped = before.strip(" \t\"“”'‘’([*•-–—")
    if i == 0:
        return not stripped
    return "\n" in before or stripped[-1:] in (".", "!", "?", ":", ";")


def _close(gap: str) -> bool:
    """Whether two words of a name may stand this far apart ("Jean-Luc", "Acme & Co")."""
    return 0 < len(gap) <= 3 and "\n" not in gap and not gap.strip(" -.&,\u00a0'’")


def _wordlike(key: str) -> bool:
    """Whether a name, or part of one, is also a word or too short to stand alone."""
    lex = lexicon()
    return len(key) <= 2 or key in lex.words or key in lex.also_words or key in STOP


def _shared(owners: list[tuple[str, str]], preferred: list[tuple[str, str]]) -> tuple[str, str]:
    """(category, placeholder) for a name several people share."""
    for group in (preferred, owners):
        placeholders = {p for _c, p in group}
        if len(placeholders) == 1:
            return group[0][0], placeholders.pop()
    category = owners[0][0]
    return category, PLACEHOLDER_CONTACT if category == "contact" else PLACEHOLDER_TEAM


def _stand_ins(team: Sequence[KnownMember]) -> dict[str, str]:
    """ "[rep A]", "[marketer B]": each member by role, lettered in name order."""
    found: dict[str, str] = {}
    counts: Counter[str] = Counter()
    for member in sorted(team, key=lambda p: name_key(p.name)):
        role = _ROLE_WORDS.get(member.role, "team member")
        found[name_key(member.name)] = f"[{role} {_letters(counts[role])}]"
        counts[role] += 1
    return found


def _letters(number: int) -> str:
    """A, B, … Z, AA, AB, …"""
    out = ""
    number += 1
    while number:
        number, rest = divmod(number - 1, 26)
        out = chr(ord("A") + rest) + out
    return out


def _account_variants(name: str) -> list[str]:
    """The account's name, and the name without its legal suffix ("Acme" of "Acme Ltd")."""
    variants = [name.strip()]
    short = _ACCOUNT_SUFFIXES.sub("", name.strip())
    if short and short != variants[0] and len(short) >= 3:
        variants.append(short)
    return variants


def _phones(text: str) -> list[_Span]:
    found: dict[tuple[int, int], _Span] = {}
    for vanity in _VANITY.finditer(text):
        found[vanity.span()] = _Span(vanity.start(), vanity.end(), 0, PLACEHOLDER_PHONE, "phone")
    if len(_DIGITS.findall(text)) < 7:
        return list(found.values())
    import phonenumbers

    for region in PHONE_REGIONS:
        leniency = phonenumbers.Leniency.POSSIBLE if region == "US" else phonenumbers.Leniency.VALID
        for match in phonenumbers.PhoneNumberMatcher(text, region, leniency=leniency):
            if len(_DIGITS.findall(match.raw_string)) >= 7:
                key = (match.start, match.end)
                found[key] = _Span(match.start, match.end, 0, PLACEHOLDER_PHONE, "phone")
    return list(found.values())


# -- the service ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Known:
    """What a report must know to redact: every recorded contact, account and team
    member (a note can name any of them), and the accounts the report is about."""

    contacts: tuple[KnownContact, ...]
    accounts: tuple[KnownAccount, ...]
    team: tuple[KnownMember, ...]


class RedactionService(Service):
    def known(self) -> Known:
        """Every recorded contact, account and team member."""
        with self._db.read() as s:
            accounts = tuple(
                KnownAccount(name, industry, segment, size)
                for name, industry, segment, size in s.execute(
                    select(
                        m.Account.name, m.Account.industry, m.Account.segment, m.Account.size
                    ).order_by(m.Account.name_key)
                )
            )
            contacts = tuple(
                KnownContact(name, account, title, role)
                for name, account, title, role in s.execute(
                    select(m.Contact.name, m.Account.name, m.Contact.title, m.Contact.deal_role)
                    .join(m.Account, m.Account.id == m.Contact.account_id)
                    .order_by(m.Account.name_key, m.Contact.name, m.Contact.id)
                )
            )
            team = tuple(
                KnownMember(name, role.value)
                for name, role in s.execute(
                    select(m.Person.name, m.Person.role).order_by(m.Person.name_key)
                )
            )
        return Known(contacts, accounts, team)

    def redactor(
        self, accounts: Iterable[str], options: RedactionOptions, not_people: Iterable[str] = ()
    ) -> Redactor:
        """A redactor for a report about these accounts; `not_people` are names that are
        never a person's (the competitors the report names)."""
        known = self.known()
        return Redactor(
            known.contacts,
            known.accounts,
            options,
            team=known.team,
            report_accounts=accounts,
            not_people=not_people,
        )
