"""The phrases prospects kept using, exactly as they said them ("in their words").

A copywriter lifts these into messaging, so each must be something that was said word
for word: a run of two to six words inside one clause (never across a full stop, a
comma, a dash or a quotation mark), every word kept, one-letter ones too ("is a spreadsheet"),
neither starting nor ending with a stop word, heard on at least two distinct calls. It
is compared case-insensitively and printed as most often written (inside a sentence,
where a capital is the speaker's, not the sentence's), with its count of
calls and one note it comes from. Notes are read as `quotes.clean` shows them, so the
marketer's scaffolding ("Verbatim:", `#tags`) never becomes a phrase.
"""

from __future__ import annotations

import re
import uuid
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Final

from desktop.services import quotes
from desktop.services.stop_words import ENGLISH as STOP_WORDS


@dataclass(frozen=True, slots=True)
class Doc:
    """One note's text, and the call it was heard on (calls are what counts)."""

    id: uuid.UUID
    call_id: uuid.UUID
    text: str


@dataclass(frozen=True, slots=True)
class Phrase:
    """A run of words prospects used word for word, on how many distinct calls, and one
    note (its words as `quotes.clean` shows them) it was heard in."""

    text: str
    calls: int
    example: str


#: Words that carry no meaning of their own in a phrase: a contraction of a pronoun with a
#: verb and the lightest verbs. A phrase needs a word besides these and the stop words:
#: "we've got" is not something prospects say about anything.
_LIGHT: Final = frozenset(
    f"{who}'{verb}"
    for who in ("i", "we", "you", "they", "he", "she", "it", "that", "there", "what", "who")
    for verb in ("s", "re", "ve", "d", "ll", "m")
) | frozenset(
    ("got", "get", "gets", "getting", "make", "made", "go", "goes", "went", "say", "said")
)

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
# Where a sentence (or a clause a phrase cannot run across) ends: a full stop or a comma
# that is not inside a number, ! ? ; … a colon not inside a time, dashes, brackets,
# quotation marks and line breaks.
_BREAK = re.compile(
    r"(?:(?<!\d)\.|\.(?!\d)|(?<!\d),|,(?!\d)|[!?;…—–()\[\]{}\"“”„«»\n]|:(?!\d)|\s-+\s|\s'|'\s|^'|'$)+"
)


def sentences(text: str) -> Iterator[str]:
    """The note's sentences (and clauses a phrase cannot run across), as cleaned."""
    yield from (part for part in _BREAK.split(quotes.clean(text)) if part.strip())


def _key(word: str) -> str:
    return word.lower().replace("’", "'")


def runs(text: str, shortest: int, longest: int) -> Iterator[tuple[tuple[str, ...], str, bool]]:
    """Every run of `shortest`..`longest` words within one sentence that neither starts
    nor ends with a stop word and has a word of meaning, as (lower-case words, the run
    exactly as written, whether it opens its sentence, where a capital says nothing about
    how the word is written)."""
    for sentence in sentences(text):
        found = list(_WORD.finditer(sentence))
        keys = [_key(w.group()) for w in found]
        edge = [k in STOP_WORDS for k in keys]  # cannot start or end a phrase
        empty = [e or k in _LIGHT for k, e in zip(keys, edge, strict=True)]  # no meaning
        for size in range(shortest, longest + 1):
            for start in range(len(found) - size + 1):
                end = start + size
                if edge[start] or edge[end - 1] or all(empty[start:end]):
                    continue
                written = sentence[found[start].start() : found[end - 1].end()]
                yield tuple(keys[start:end]), written, start == 0


def recurring_phrases(
    docs: Sequence[Doc],
    *,
    shortest: int = 2,
    longest: int = 6,
    min_calls: int = 2,
    limit: int = 10,
) -> tuple[Phrase, ...]:
    """The phrases heard word for word on most calls (at least `min_calls`).

    A phrase no longer than one already kept and a piece of the same run of words
    (inside it, or overlapping its end), heard on no call it was not, is left out: "manual" when
    "manual reporting" says it all, "report by hand" after "build the weekly report".
    """
    ordered = sorted(docs, key=lambda d: d.id)
    notes: dict[tuple[str, ...], list[int]] = {}
    spellings: dict[tuple[str, ...], Counter[tuple[bool, str]]] = {}
    for index, doc in enumerate(ordered):
        for key, written, opening in runs(doc.text, shortest, longest):
            seen = notes.setdefault(key, [])
            if not seen or seen[-1] != index:
                seen.append(index)
            spellings.setdefault(key, Counter())[(not opening, written)] += 1

    def calls(key: tuple[str, ...]) -> frozenset[uuid.UUID]:
        return frozenset(ordered[i].call_id for i in notes[key])

    def label(key: tuple[str, ...]) -> str:
        """As most often written inside a sentence; only if never, as at its start."""
        counts = spellings[key]
        return min(counts, key=lambda sp: (not sp[0], -counts[sp], sp[1]))[1]

    found = [(key, calls(key)) for key in notes]
    found = [(key, heard) for key, heard in found if len(heard) >= min_calls]
    found.sort(key=lambda item: (-len(item[1]), -len(item[0]), label(item[0])))
    kept: list[tuple[tuple[str, ...], frozenset[uuid.UUID]]] = []
    result: list[Phrase] = []
    for key, heard in found:
        if any(
            _overlap(key, other) and heard <= theirs and len(key) <= len(other)
            for other, theirs in kept
        ):
            continue
        kept.append((key, heard))
        example = quotes.clean(ordered[notes[key][0]].text)
        result.append(Phrase(text=label(key), calls=len(heard), example=example))
        if len(result) >= limit:
            break
    return tuple(result)


def _overlap(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Whether two phrases are pieces of one run of words: one inside the other, or the
    end of one the start of the other."""
    if len(a) <= len(b) and any(b[i : i + len(a)] == a for i in range(len(b) - len(a) + 1)):
        return True
    if len(b) <= len(a) and any(a[i : i + len(b)] == b for i in range(len(a) - len(b) + 1)):
        return True
    return any(a[-k:] == b[:k] or b[-k:] == a[:k] for k in range(1, min(len(a), len(b))))


_HASHTAG = re.compile(r"(?<![\w#&/])#([^\W\d_][\w-]*)")


def typed_form(tag: str, texts: Sequence[str]) -> str | None:
    """How a tag (stored lower-case, `pii`, `html-emails`) was typed with capitals in
    its notes, most often: an inline `#PII`, else the words themselves ("HTML emails").

    None when no note writes it with a capital: then nothing says it is an acronym.
    """
    words = [re.escape(w) for w in tag.split("-") if w]
    if not words:
        return None
    plain = re.compile(r"(?<![\w#])" + r"[\s-]+".join(words) + r"(?!\w)", re.IGNORECASE)
    tagged: Counter[str] = Counter()
    written: Counter[str] = Counter()
    for text in texts:
        for match in _HASHTAG.finditer(text):
            form = match.group(1).strip("-")
            if form.lower() == tag and form != form.lower():
                tagged[form] += 1
        for match in plain.finditer(text):
            form = match.group()
            if any(c.isupper() for c in form[1:]):  # a capital past a sentence's first letter
                written[form] += 1
    counts = tagged or written
    if not counts:
        return None
    return min(counts, key=lambda form: (-counts[form], form))
