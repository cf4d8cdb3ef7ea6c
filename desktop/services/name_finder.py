"""Finding people's names in note text without a model: name lists and how notes word
what people do.

A note names people in a few ways, and each is a rule here:
- a given name or surname that is no English word ("Priya", "Nakamura", "siobhan"),
  in any case, typed with or without its accents and apostrophes;
- a name that is also a word ("Will", "Grace", "Park") or a word nobody's list holds
  ("Fairweather"), only where the sentence says it is a person: a verb only a person
  does after it ("Grace said", "Cook asked", "Hope is the new head of RevOps"), a word
  before it ("ask Mark", "per Will", "cc Rose"), a speaker's label ("Imani:"), a title
  ("Dr Okafor"), a possessive a person has ("Mark's team"), or a surname after it
  ("Mark Thompson");
- whatever stands beside a name as part of it: the surname after a given name, the
  given name before a surname, particles ("van der Berg", "de la Cruz"), both halves
  of "Al-Rashid" or "Jean-Luc", and another name joined by "and".

Words that look like names but are not people stay: English words where nothing says
person ("Will they renew?", "grace period"), acronyms (CFO, SSO), months and weekdays,
places ("the Paris office", "an office in Austin"), and products and companies a call
names (`not_people.txt`, plus the competitors a report knows). The lists are in
`resources/names/` (see `scripts/build_name_lists.py` for their sources and licences);
they load in a few tens of milliseconds, once.

Measured on `tests/services/name_sample.txt` (sentences written like ride-along notes,
names marked by hand): see tests/services/test_name_recall.py for the figures it keeps.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

from desktop import shipped

_TOKEN = re.compile(r"[^\W_](?:\w|['’](?=[^\W_]))*")
_POSSESSIVE = re.compile(r"['’][sS]$")
_CONTRACTION = re.compile(r"['’](?:m|re|ve|ll|d|t)$", re.IGNORECASE)
_SURNAME_SHAPE = re.compile(r"^(?:Mc|Mac|O['’]|D['’]|Fitz|Di|De|Da|Du|La|Le|Van|Von|St)[A-Z]")
_LETTER_FOLD = str.maketrans(
    {
        "ø": "o",
        "Ø": "o",
        "ł": "l",
        "Ł": "l",
        "đ": "d",
        "Đ": "d",
        "æ": "ae",
        "Æ": "ae",
        "œ": "oe",
        "Œ": "oe",
        "ß": "ss",
        "ı": "i",
        "þ": "th",
        "ð": "d",
        "'": "",
        "’": "",
        "‘": "",
    }
)


def fold(text: str) -> str:
    """A name as compared: lower case, without accents or apostrophes ("O’Connor",
    "OConnor" and "o'connor" are one; "Álvarez" is "alvarez")."""
    if text.isascii():
        return text.lower().replace("'", "")
    text = text.translate(_LETTER_FOLD)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: Words that never start or continue a name.
STOP: Final = _words(
    """a an the and or but nor of to in on at for with from by as is are was were be been
    being it its this that these those we they he she you i me us him her them our their
    his my your not no yes so if then than too very can could would should may might must
    shall do does did done has have had having there here what which who whom whose when
    where why how all any some every each either neither both one none also just only
    still even ever never always please per via about after before over under into onto
    out up down off again once more most less least much many few other another such own
    same else let lets okay ok hi hey hello dear thanks thank regards cheers everyone
    everybody someone somebody anyone anybody nobody noone nothing something anything
    everything january february march april may june july august september october
    november december jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday
    wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs fri sat sun
    today tomorrow yesterday tonight christmas easter thanksgiving ramadan diwali eid
    hanukkah weekend morning afternoon evening night"""
)
#: Groups that do what people do ("Finance said", "Legal pushed back"): never a person.
AGENTS: Final = _words(
    """finance legal procurement purchasing security compliance marketing sales ops
    operations revops salesops it hr engineering product support management leadership
    board team teams exec execs executive executives customer customers client clients
    prospect prospects vendor vendors partner partners company companies business
    department staff people users user admin admins ceo cfo cto coo cio cmo cro vp svp
    evp rep reps sdr sdrs bdr ae manager managers director directors head lead owner
    champion buyer committee council government everybody someone they group office
    it's that's there's here's accounting audit infosec devops tech data research
    growth enablement success service services partnership partnerships channel
    logistics warehouse dispatch field inside outside regional global central local
    corporate central headquarters hq mgmt cs"""
)
#: Verbs only a person does: the word before one is a person, whatever list it is in.
PERSON_VERBS: Final = _words(
    """said says say asked asks told tells thinks thought feels felt mentioned mentions
    complained complains laughed laughs sighed joked jokes admitted admits agreed agrees
    disagreed disagrees insisted insists suggested suggests argued argues objected
    explained explains worries worried hates hated loves loved likes liked dislikes
    prefers preferred wants wanted approved approves signs signed joined joins left
    chairs chaired took called replied replies answered interrupted nodded
    promised promises warned warns believes believed doubts doubted raised raises pushed
    pushes compared compares sounded seemed seems confirmed confirms shared described
    claimed claims recommended recommends emailed texted phoned rang wrote spoke speaks
    talked talks presented demoed showed walked hinted stressed added added repeated
    noticed expects expected hopes hoped wonders wondered guessed estimated reckons
    reckoned admitted acknowledged conceded clarified corrected responded reacted
    challenged questioned queried grumbled moaned ranted vented cried smiled frowned
    shrugged paused hesitated refused volunteered brought pointed flagged highlighted
    cannot can't couldn't won't wouldn't didn't doesn't don't isn't wasn't
    hasn't hadn't shouldn't"""
)
#: Verbs of what a person does at work (things rarely "own" or "run" in a note).
ROLE_VERBS: Final = _words(
    """runs ran owns owned leads led manages managed handles handled heads headed
    oversees oversaw covers covered approves approved signs reports works worked"""
)
#: Verbs people and things both do: a person only for a name (or a recorded one).
ANY_VERBS: Final = _words(
    """will would needs needed sends sent gets got has had can could should must does
    did from replaced replaces"""
)
#: After "is"/"was": what is said of a person, not of a thing.
PERSON_STATES: Final = _words(
    """on off out new leaving away sick ill quiet late early keen skeptical sceptical
    excited unhappy happy worried busy based not nervous cautious annoyed frustrated
    impressed interested convinced unconvinced open against for onboard retiring back
    travelling traveling responsible joining moving going"""
)
#: Roles that make "X is the …" a person.
ROLES: Final = _words(
    """head vp cfo ceo cto coo cio cmo cro ciso svp evp director manager lead admin
    administrator owner champion sponsor buyer evaluator user blocker approver
    signatory contact maker holder analyst engineer architect founder cofounder
    president chair chairman chairwoman partner consultant counsel coordinator
    specialist rep person guy woman man boss gatekeeper influencer expert officer
    controller treasurer accountant recruiter assistant deputy principal"""
)
#: Words before a name that say the next word is a person.
BEFORE_PERSON: Final = _words(
    """per ask asked asking tell told telling cc cced ping pinged email emailed mail
    mailed thank thanks met meet meeting text texted message messaged call called
    calling phone phoned rang ring remind reminded introduce introduced invite invited
    loop looped follow followed"""
)
#: What comes after a person's possessive ("Mark's team").
PERSON_NOUNS: Final = _words(
    """team boss manager colleague colleagues view views point concern concerns worry
    question questions comment comments side deputy assistant office desk role
    predecessor successor reports peers calendar inbox approval sign-off signoff
    take opinion feedback"""
)
#: Particles inside surnames.
PARTICLES: Final = _words(
    "van von der den de del della di da du la le al el bin ibn ter ten dos das"
)
#: Titles before a name.
HONORIFICS: Final = _words("mr mrs ms miss mx dr prof sir dame")
#: Labels that start a line like a speaker's name does.
LABELS: Final = _words(
    """note notes quote verbatim direct pain objection question answer signal competitor
    general update action todo fyi re budget authority need needs timeline next step
    steps summary context follow followup recap agenda outcome result risk risks issue
    issues ps nb eg ie example tldr takeaway takeaways highlight highlights"""
)
#: Words before a run of capitalised words that make it a place ("in Austin").
_PLACE_BEFORE: Final = _words("in into at near across throughout outside inside around via")
#: Words before "to"/"with" and a person ("spoke to", "meeting with").
_AFTER_TO_WITH: Final = _words(
    """spoke speak speaking talked talk talking chatted chat according sent send
    meeting meet met call calls lunch sync catch-up coffee dinner session intro"""
)
#: Adverbs between a name and its verb ("Ortega again asked").
_ADVERBS: Final = _words(
    """again also then just never always still really finally immediately quickly
    openly clearly later repeatedly literally basically actually even only first
    initially eventually briefly politely nervously strongly already apparently
    honestly probably maybe perhaps definitely obviously earlier now recently
    previously currently often sometimes usually overall anyway however meanwhile
    otherwise instead therefore thus hence plus totally personally somehow ultimately
    originally unfortunately fortunately luckily sadly surprisingly interestingly
    notably frankly seriously certainly"""
)
#: After "ran"/"runs": a thing that runs, not a person ("the call ran over").
_THINGS_RUN: Final = _words("over long late short smoothly fine well out on off into for behind")
#: How surely the words after a name say it is a person (see `person_after`).
ANY, STATE, ROLE, SAYS = 1, 2, 3, 4


@dataclass(frozen=True, slots=True)
class Lexicon:
    """The shipped lists, folded: names that are no English word (`first`, `surnames`),
    names that are (`also_words`: "Will", "Grace", "Park", "Brown"), the English words,
    places, and products and companies."""

    first: frozenset[str]
    surnames: frozenset[str]
    also_words: frozenset[str]
    words: frozenset[str]
    places: frozenset[str]
    not_people: frozenset[str]


@functools.cache
def lexicon() -> Lexicon:
    """The name lists, read once."""
    folder = shipped.folder("names")

    def read(filename: str, folded: bool = True) -> frozenset[str]:
        """A list, one name a line; the built ones are folded already (see
        scripts/build_name_lists.py), the hand-written ones are folded here."""
        lines = folder.joinpath(filename).read_text(encoding="utf-8").splitlines()
        names = [line for line in lines if line and line[0] != "#"]
        return frozenset(names if folded else map(fold, names))

    words = read("words.txt")
    places, not_people = read("places.txt", False), read("not_people.txt", False)
    first, surnames = read("first_names.txt"), read("surnames.txt")
    # "Márk" folds to a word: a name that is a word, like "Mark".
    also = read("first_names_also_words.txt") | read("surnames_also_words.txt")
    also |= (first | surnames) & words
    never = STOP | places | not_people | words
    return Lexicon(
        first=first - never,
        surnames=surnames - never,
        also_words=also - STOP - places - not_people,
        words=words,
        places=places,
        not_people=not_people,
    )


# -- tokens --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Token:
    """A word of the text: where it is (a possessive 's left out), its folded key and
    how it is written."""

    start: int
    end: int
    text: str
    key: str
    cap: bool  # written as a name is: "Priya", "O’Connor", "McAllister" (or upper in upper text)
    lower: bool
    upper: bool
    possessive: bool


def tokens(text: str) -> list[Token]:
    """The words of a text, each with its folded key."""
    raw = [(m.start(), m.group()) for m in _TOKEN.finditer(text)]
    letters = [w for _s, w in raw if len(w) > 1 and w.isalpha()]
    shouting = len(letters) >= 3 and sum(w.isupper() for w in letters) >= 0.7 * len(letters)
    found = []
    for start, word in raw:
        possessive = bool(_POSSESSIVE.search(word)) and len(word) > 2
        if possessive:
            word = word[:-2]
        upper = word.isupper() and len(word) > 1
        cap = (
            word[:1].isupper()
            and not upper
            and (word[1:] == word[1:].lower() or bool(_SURNAME_SHAPE.match(word)))
        ) or (shouting and upper and word.isalpha())
        found.append(
            Token(
                start,
                start + len(word),
                word,
                fold(word),
                cap,
                word.islower(),
                upper and not shouting,
                possessive,
            )
        )
    return found


def _gap(text: str, left: Token, right: Token) -> str:
    return text[left.end : right.start]


def _initial(text: str, toks: Sequence[Token], i: int) -> bool:
    """Whether token i starts a sentence, a line or a quotation."""
    before = text[toks[i - 1].end if i else 0 : toks[i].start]
    if i and toks[i - 1].possessive:
        before = before[2:] if len(before) >= 2 else before
    stripped = before.strip(" \t\"“”'‘’([*•-–—")
    if i == 0:
        return not stripped
    return "\n" in before or (stripped[-1:] in {".", "!", "?", ":", ";"} if stripped else False)


# -- the finder ----------------------------------------------------------------------


class NameFinder:
    """Finds people's names in text; `also_not_people` are more names that are never a
    person here (a report's competitors)."""

    def __init__(self, also_not_people: Iterable[str] = ()) -> None:
        self.lex = lexicon()
        self.not_people = self.lex.not_people | {fold(w) for w in also_not_people if w.strip()}

    # -- what the sentence says --

    def person_after(self, text: str, toks: Sequence[Token], i: int) -> int:
        """How surely what follows token i says it is a person: `SAYS` for a verb only a
        person does, a possessive a person has ("Mark's team") or a speaker's colon;
        `STATE` for "is on leave", "was the champion"; `ROLE` for a verb of work
        ("owns", "runs"); `ANY` for one things do too ("will", "needs"); else 0."""
        tok = toks[i]
        if tok.possessive:
            return SAYS if i + 1 < len(toks) and toks[i + 1].key in PERSON_NOUNS else 0
        if text[tok.end : tok.end + 1] == ":" and _initial(text, toks, i):
            lex = self.lex
            listed = tok.key in lex.first or tok.key in lex.surnames or tok.key in lex.also_words
            return SAYS if listed and tok.key not in LABELS else 0  # "Imani:", not "Pushback:"
        j = i + 1
        if j < len(toks) and toks[j].key in _ADVERBS and _gap(text, tok, toks[j]) == " ":
            j += 1  # "Ortega again asked"
        if j >= len(toks) or _gap(text, toks[j - 1], toks[j]) != " ":
            return 0
        nxt = toks[j].key
        if nxt in PERSON_VERBS:
            return SAYS
        if nxt in ("is", "was", "isn't", "wasn't"):
            rest = [t.key for t in toks[j + 1 : j + 6]]
            if rest[:1] and rest[0] in PERSON_STATES:
                return STATE
            if rest[:1] and rest[0] in ("the", "our", "their", "a", "an", "its"):
                return ROLE if any(w in ROLES for w in rest[1:5]) else 0
            return 0
        if nxt in ROLE_VERBS:
            after = toks[j + 1].key if j + 1 < len(toks) else ""
            if nxt in ("ran", "runs") and (after in _THINGS_RUN or after.isdigit()):
                return 0  # "Call ran 5 minutes over"
            return ROLE
        return ANY if nxt in ANY_VERBS else 0

    def person_before(self, text: str, toks: Sequence[Token], i: int) -> bool:
        """Whether the words before token i say it is a person ("ask Mark", "spoke to
        Grace", "according to Will")."""
        if i == 0:
            return False
        prev = toks[i - 1]
        if text[prev.end : toks[i].start] not in (" ", ": ", " @"):
            return False
        if prev.key in BEFORE_PERSON or prev.key in HONORIFICS:
            return True
        if prev.key in ("to", "with", "in") and i >= 2:
            verb = toks[i - 2].key
            if prev.key == "in":
                return verb in ("loop", "looped", "looping")
            return verb in _AFTER_TO_WITH
        return False

    # -- finding --

    def find(self, text: str, toks: Sequence[Token] | None = None) -> list[tuple[int, int]]:
        """Spans of the people's names in `text`."""
        toks = tokens(text) if toks is None else toks
        n = len(toks)
        person = [False] * n
        place = self._place_context(text, toks)
        for i in range(n):
            person[i] = self._is_name(text, toks, i, place[i])
        for i in range(n):  # a title and what follows it
            if toks[i].key in HONORIFICS and toks[i].text[:1].isupper() and i + 1 < n:
                gap = _gap(text, toks[i], toks[i + 1])
                if gap in (" ", ". ", ".") and toks[i + 1].cap:
                    person[i] = person[i + 1] = True
        self._extend(text, toks, person)
        spans: list[tuple[int, int]] = []
        for i, tok in enumerate(toks):
            if not person[i]:
                continue
            if spans and i and person[i - 1] and self._joined(text, toks[i - 1], tok):
                spans[-1] = (spans[-1][0], tok.end)
            else:
                spans.append((tok.start, tok.end))
        return spans

    def _is_name(self, text: str, toks: Sequence[Token], i: int, in_place: bool) -> bool:
        tok, lex = toks[i], self.lex
        key = tok.key
        if tok.upper or len(key) < 2 or key in STOP or key in AGENTS or not key.isalpha():
            return False
        if _CONTRACTION.search(tok.text) or key in _ADVERBS:
            return False  # "I'm", "We've", "Already signed"
        if _hyphened_to_lower(text, toks, i):
            return False  # "Taylor-made", "on-prem"
        listed = key in lex.first or key in lex.surnames
        ambiguous = key in lex.also_words or key in lex.places
        not_person = key in lex.places or key in self.not_people or in_place
        if tok.cap:
            if listed and not not_person:
                return True
            after = self.person_after(text, toks, i)
            if key in self.not_people:
                return after == SAYS and not tok.possessive
            if i and self._in_title(text, toks, i):
                return after == SAYS  # "Project Falcon needs", "Google Sheets"
            if listed or ambiguous:
                return after >= ANY or self.person_before(text, toks, i)
            if key in lex.words:  # "Cook said", "Walker is the champion", "Fox leads"
                return after >= ROLE and not key.endswith("ly")
            # a capitalised word no list holds: a name where a person's verb says so
            return after == SAYS or self.person_before(text, toks, i)
        if tok.lower and (key in lex.first or key in lex.also_words):
            if key in lex.first and not not_person:
                return True
            # "tom said", at the start of a sentence: not "the landing page says"
            first = _initial(text, toks, i) or (i and toks[i - 1].key in lex.first)
            return bool(first) and self.person_after(text, toks, i) == SAYS
        if tok.lower and key in lex.surnames:  # "ortega asked"
            return self.person_after(text, toks, i) == SAYS
        return False

    def _in_title(self, text: str, toks: Sequence[Token], i: int) -> bool:
        """Whether token i follows a capitalised word that no name is, as in the title
        of a project or product ("Project Falcon", "Microsoft Teams")."""
        prev, lex = toks[i - 1], self.lex
        if not prev.cap or _gap(text, prev, toks[i]) != " " or _initial(text, toks, i):
            return False
        return (prev.key in lex.words and prev.key not in lex.also_words) or (
            prev.key in self.not_people
        )

    def _place_context(self, text: str, toks: Sequence[Token]) -> list[bool]:
        """Tokens in a run of capitalised words after "in", "into", "at"…: a place."""
        flags = [False] * len(toks)
        inside = False
        for i, tok in enumerate(toks):
            if tok.cap and inside:
                flags[i] = True
                continue
            inside = tok.key in _PLACE_BEFORE and tok.lower
            if flags[i - 1 if i else 0] and tok.key in ("and", "or"):
                inside = True
        return flags

    def _joined(self, text: str, left: Token, right: Token) -> bool:
        return _gap(text, left, right) in (" ", "-", "\u00a0", ". ") and not left.possessive

    def _extend(self, text: str, toks: Sequence[Token], person: list[bool]) -> None:
        """Grow each name to the words that are part of it."""
        lex = self.lex
        n = len(toks)
        changed = True
        while changed:
            changed = False
            for i in range(n):
                if not person[i]:
                    continue
                tok = toks[i]
                # right: a surname, a particle before one, the other half of a hyphen
                if i + 1 < n and not person[i + 1] and self._joined(text, tok, toks[i + 1]):
                    nxt = toks[i + 1]
                    gap = _gap(text, tok, nxt)
                    if self._continues(nxt, tok, gap, toks[i + 2] if i + 2 < n else None):
                        person[i + 1] = changed = True
                # left: a given name, a particle, the first half of a hyphen
                if i and not person[i - 1] and self._joined(text, toks[i - 1], tok):
                    prev = toks[i - 1]
                    gap = _gap(text, prev, tok)
                    if (
                        (gap == "-" and prev.cap)
                        or (prev.key in PARTICLES and (prev.cap or prev.lower))
                        or (prev.cap and gap == " " and self._given_name(prev))
                    ):
                        person[i - 1] = changed = True
                # "Pieter and Anneke", "Joy and Mark"
                for j, k in ((i + 2, i + 1), (i - 2, i - 1)):
                    if 0 <= j < n and not person[j] and toks[k].key == "and":
                        other = toks[j]
                        if (
                            other.cap
                            and other.key not in STOP
                            and other.key not in AGENTS
                            and other.key not in lex.places
                            and other.key not in self.not_people
                            and (
                                other.key in lex.first
                                or other.key in lex.also_words
                                or other.key in lex.surnames
                            )
                        ):
                            person[j] = changed = True

    def _given_name(self, tok: Token) -> bool:
        """Whether a capitalised word before a surname is the given name: a listed one,
        or a word no list holds ("Haruto Sato")."""
        lex, key = self.lex, tok.key
        if key in STOP or key in AGENTS or key in HONORIFICS or key in lex.places:
            return False
        if key in self.not_people:
            return False
        return key in lex.first or key in lex.also_words or key not in lex.words

    def _continues(self, nxt: Token, name: Token, gap: str, after: Token | None) -> bool:
        """Whether the word after a name is more of it."""
        lex = self.lex
        key = nxt.key
        if (
            key in STOP
            or key in AGENTS
            or key in PERSON_VERBS
            or key in ROLE_VERBS
            or key in ANY_VERBS
        ):
            return key in PARTICLES and after is not None and after.cap
        if key in PARTICLES:
            return after is not None and after.cap
        if gap == ". ":
            return False
        if nxt.cap:
            if key in lex.places or key in self.not_people:
                return False
            return name.cap or name.upper
        if nxt.lower and name.lower:
            return (key in lex.surnames or key in lex.first) and key not in lex.words
        return False


def _hyphened_to_lower(text: str, toks: Sequence[Token], i: int) -> bool:
    """Whether token i is half of a hyphenated word whose other half is lower case."""
    tok = toks[i]
    after = i + 1 < len(toks) and text[tok.end : toks[i + 1].start] == "-"
    before = i > 0 and text[toks[i - 1].end : tok.start] == "-"
    return (after and toks[i + 1].lower) or (before and toks[i - 1].lower)
