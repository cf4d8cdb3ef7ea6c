"""Themes for untagged notes, and the phrases prospects keep using.

Two prospects never word a pain the same way, and a marketer typing live does not tag
every note, so the insights would under-count a theme if only tagged notes added up.
This module proposes, never decides: its output is shown as *suggested* and kept
apart from the tagged counts.

- An untagged note is suggested for an existing theme when it resembles that theme's
  notes: the cosine similarity of its TF-IDF vector to the theme's centroid (the
  normalised mean of the theme's note vectors) is at least `SIMILARITY_THRESHOLD`.
- The untagged notes left over are grouped by a key phrase they share: a run of one
  to three words that neither starts nor ends with a stop word, found in notes of at
  least two distinct calls (three for a single word, which is weaker evidence).
  Multi-word phrases are tried before single words, the phrase met in most calls
  first; each note joins at most one group. Notes that share nothing stay ungrouped.

TF-IDF is computed here, as scikit-learn's `TfidfVectorizer` computes it with English
stop words, sublinear term frequency and one- and two-word terms (the same weights, so
the same suggestions): for a month's few thousand short notes that is a few dozen lines
of dictionaries, where scikit-learn with NumPy and SciPy took over a second to import
on every export and a hundred megabytes in the app.

Phrases never run across a sentence (`phrases.sentences`); the phrases prospects kept
using, word for word, are `desktop.services.phrases`.

Words are compared after lower-casing and a light plural folding ("spreadsheets" and
"spreadsheet" are one word); `#hashtags` are ignored, since only tagged notes have them.
Everything is sorted, so the same notes give the same suggestions.
"""

from __future__ import annotations

import functools
import heapq
import itertools
import math
import re
import uuid
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from desktop.services import phrases
from desktop.services.phrases import Doc as Doc
from desktop.services.stop_words import ENGLISH as STOP_WORDS

#: Cosine similarity to a theme's centroid from which an untagged note is suggested.
SIMILARITY_THRESHOLD: Final = 0.3
#: Distinct calls a shared phrase needs to form a group (more for a single word).
MIN_PHRASE_CALLS: Final = 2
MIN_WORD_CALLS: Final = 3
#: At most this many suggested groups per kind; the rest of their notes stay ungrouped.
MAX_GROUPS: Final = 30

_HASHTAG = re.compile(r"(?<![\w#&/])#[^\W\d_][\w-]*")
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_APOSTROPHE = re.compile(r"['’]")


@dataclass(frozen=True, slots=True)
class Match:
    """An untagged note that resembles the notes of an existing theme."""

    note_id: uuid.UUID
    tag: str
    score: float


@dataclass(frozen=True, slots=True)
class Group:
    """Untagged notes from several calls that share a key phrase."""

    label: str
    note_ids: tuple[uuid.UUID, ...]
    calls: int

    @property
    def basis(self) -> str:
        return f"shares '{self.label}'"


@dataclass(frozen=True, slots=True)
class Suggestions:
    matches: tuple[Match, ...]
    groups: tuple[Group, ...]
    ungrouped: tuple[uuid.UUID, ...]


@functools.lru_cache(maxsize=1 << 16)  # a month's notes say the same words again and again
def fold(word: str) -> str:
    """The form words are compared in: lower case, no apostrophe, plural folded.

    Stop words are left exactly as they are, so the stop list still applies.
    """
    word = _APOSTROPHE.sub("", word.lower())
    if word in STOP_WORDS or len(word) <= 3:
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def words(text: str) -> list[tuple[str, str]]:
    """(folded, as written) for each word of a note, hashtags left out."""
    plain = _HASHTAG.sub(" ", text)
    return [(fold(w), w.lower()) for w in _WORD.findall(plain) if len(w) > 1 or w.isdigit()]


def _tokenize(text: str) -> list[str]:
    return [folded for folded, _ in words(text)]


def suggest(
    themes: Mapping[str, Sequence[Doc]],
    untagged: Sequence[Doc],
    *,
    threshold: float = SIMILARITY_THRESHOLD,
    max_groups: int = MAX_GROUPS,
) -> Suggestions:
    """Propose themes for untagged notes of one kind (pains, say).

    `themes` maps each existing tag to (a sample of) its notes of that kind; an untagged
    note goes to the theme it resembles most, if enough, else it may join a group.
    """
    docs = sorted(untagged, key=lambda d: d.id)
    if not docs:
        return Suggestions(matches=(), groups=(), ungrouped=())
    matches = _match(themes, docs, threshold)
    matched = {m.note_id for m in matches}
    remaining = [d for d in docs if d.id not in matched]
    groups = _group(remaining, max_groups)
    grouped = {note_id for g in groups for note_id in g.note_ids}
    ungrouped = tuple(d.id for d in remaining if d.id not in grouped)
    return Suggestions(matches=matches, groups=groups, ungrouped=ungrouped)


def _match(
    themes: Mapping[str, Sequence[Doc]], docs: Sequence[Doc], threshold: float
) -> tuple[Match, ...]:
    tags = sorted(tag for tag, samples in themes.items() if samples)
    if not tags:
        return ()
    samples = [(tag, doc) for tag in tags for doc in sorted(themes[tag], key=lambda d: d.id)]
    vectors = _tfidf([d.text for _, d in samples] + [d.text for d in docs])
    if not any(vectors):  # nothing but stop words anywhere: nothing resembles anything
        return ()
    sums: dict[str, Counter[str]] = {tag: Counter() for tag in tags}
    for (tag, _), vector in zip(samples, vectors[: len(samples)], strict=True):
        sums[tag].update(vector)
    centroids = [_unit(sums[tag]) for tag in tags]  # the mean's direction is the sum's
    found = []
    for doc, vector in zip(docs, vectors[len(samples) :], strict=True):
        scores = [sum(w * c.get(term, 0.0) for term, w in vector.items()) for c in centroids]
        best = scores.index(max(scores))  # the first of equals: tags are sorted by name
        if scores[best] >= threshold:
            found.append(Match(note_id=doc.id, tag=tags[best], score=round(scores[best], 4)))
    return tuple(sorted(found, key=lambda m: (m.tag, -m.score, m.note_id)))


def _terms(text: str) -> list[str]:
    """A note's terms: its words less the stop words, and each pair of neighbours left."""
    tokens = [token for token in _tokenize(text) if token not in STOP_WORDS]
    return tokens + [f"{a} {b}" for a, b in itertools.pairwise(tokens)]


def _tfidf(texts: Sequence[str]) -> list[dict[str, float]]:
    """Each text's TF-IDF vector, of length one: (1 + ln tf) * (ln((1 + n) / (1 + df)) + 1),
    scikit-learn's smoothed, sublinear weighting."""
    counts = [Counter(_terms(text)) for text in texts]
    frequency = Counter(term for count in counts for term in count)
    n = len(texts)
    idf = {term: math.log((1 + n) / (1 + df)) + 1 for term, df in frequency.items()}
    return [
        _unit({term: (1 + math.log(tf)) * idf[term] for term, tf in count.items()})
        for count in counts
    ]


def _unit(vector: Mapping[str, float]) -> dict[str, float]:
    norm = math.sqrt(sum(weight * weight for weight in vector.values()))
    return {term: weight / norm for term, weight in vector.items()} if norm else {}


def _phrases(
    text: str, shortest: int, longest: int
) -> Iterable[tuple[tuple[str, ...], tuple[str, ...]]]:
    """Every run of `shortest`..`longest` words within one sentence that neither starts
    nor ends with a stop word, as (folded key, words as written)."""
    for sentence in phrases.sentences(text):
        tokens = words(sentence)
        for size in range(shortest, longest + 1):
            for start in range(len(tokens) - size + 1):
                run = tokens[start : start + size]
                if run[0][0] in STOP_WORDS or run[-1][0] in STOP_WORDS:
                    continue
                yield tuple(t[0] for t in run), tuple(t[1] for t in run)


class _PhraseIndex:
    """Which docs and calls each phrase occurs in, and how it is most often written."""

    def __init__(self, docs: Sequence[Doc], shortest: int, longest: int) -> None:
        self.docs: dict[tuple[str, ...], set[int]] = {}
        self.spellings: dict[tuple[str, ...], Counter[str]] = {}
        self.call_of = [d.call_id for d in docs]
        for index, doc in enumerate(docs):
            for key, written in _phrases(doc.text, shortest, longest):
                self.docs.setdefault(key, set()).add(index)
                self.spellings.setdefault(key, Counter())[" ".join(written)] += 1

    def calls(self, key: tuple[str, ...], among: set[int] | None = None) -> int:
        found = self.docs[key] if among is None else self.docs[key] & among
        return len({self.call_of[i] for i in found})

    def label(self, key: tuple[str, ...]) -> str:
        counts = self.spellings[key]
        return min(counts, key=lambda spelling: (-counts[spelling], spelling))


def _group(docs: Sequence[Doc], max_groups: int) -> tuple[Group, ...]:
    index = _PhraseIndex(docs, 1, 3)
    remaining = set(range(len(docs)))

    def needed(key: tuple[str, ...]) -> int:
        return MIN_WORD_CALLS if len(key) == 1 else MIN_PHRASE_CALLS

    def priority(key: tuple[str, ...], calls: int) -> tuple[Any, ...]:
        return (len(key) == 1, -calls, -len(key), index.label(key), key)

    heap = [
        priority(key, calls) for key in index.docs if (calls := index.calls(key)) >= needed(key)
    ]
    heapq.heapify(heap)
    groups: list[Group] = []
    while heap and len(groups) < max_groups:
        entry = heapq.heappop(heap)
        key = entry[-1]
        calls = index.calls(key, remaining)
        if calls < needed(key):
            continue
        current = priority(key, calls)
        if heap and current > heap[0]:  # lost notes to an earlier group: queue it again
            heapq.heappush(heap, current)
            continue
        members = sorted(index.docs[key] & remaining, key=lambda i: docs[i].id)
        remaining -= set(members)
        groups.append(
            Group(
                label=index.label(key),
                note_ids=tuple(docs[i].id for i in members),
                calls=calls,
            )
        )
    return tuple(groups)
