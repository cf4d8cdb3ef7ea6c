"""Words, as both search backends see them, and the web-search query language.

Text is folded (accents removed, lower case) and split into runs of letters and digits,
which is what SQLite's `unicode61 remove_diacritics 2` tokenizer does for Latin letters
(other scripts keep their marks there, so SQLite is also given each term as typed);
PostgreSQL is given text already folded this way, so both dialects agree on what a word is.

The query language is the one people know from web search: every word must match, in
any order, each as a prefix; `"a quoted phrase"` matches those words in a row; `OR`
between two terms accepts either; `-word` excludes. A hyphen inside a word
(`follow-up`) makes it a phrase of its parts. Anything else is literal text: no
character can make a query fail.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass, field

_WORD = re.compile(r"[^\W_]+")
_PIECE = re.compile(r'(-?)"([^"]*)"|(\S+)')
_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def fold(text: str) -> str:
    """Lower case without accents: `Équipe` and `equipe` fold to the same word."""
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn").lower()


def words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


def index_text(text: str) -> str:
    """The folded words of `text` joined by spaces, for a backend with no folding."""
    return " ".join(words(text))


@dataclass(frozen=True, slots=True)
class Term:
    """One word (or a phrase of words in a row); `prefix` lets the last word be a prefix.

    `typed` is the term as the user wrote it, for a backend whose own tokenizer must see
    the original letters (see `SqliteSearch`)."""

    words: tuple[str, ...]
    prefix: bool
    typed: str = field(default="", compare=False)


@dataclass(frozen=True, slots=True)
class Query:
    """All `clauses` must match (each is a set of alternatives); no `excluded` may."""

    clauses: tuple[tuple[Term, ...], ...] = ()
    excluded: tuple[Term, ...] = field(default=())

    @property
    def is_empty(self) -> bool:
        return not self.clauses

    def positive_terms(self) -> list[Term]:
        return [term for clause in self.clauses for term in clause]


def parse_query(raw: str) -> Query:
    """Read what a user typed into a search box; never fails."""
    clean = _UNSAFE.sub(" ", raw)
    clauses: list[list[Term]] = []
    excluded: list[Term] = []
    pending_or = False
    last_positive = False
    for match in _PIECE.finditer(clean):
        negated, quoted, bare = match.group(1), match.group(2), match.group(3)
        if bare is not None:
            if bare == "OR":
                pending_or = last_positive
                continue
            negated = "-" if bare.startswith("-") and len(bare) > 1 else ""
            typed = bare[1:] if negated else bare
            tokens = words(typed)
            term = Term(tuple(tokens), prefix=True, typed=typed) if tokens else None
        else:
            tokens = words(quoted)
            term = Term(tuple(tokens), prefix=False, typed=quoted) if tokens else None
        if term is None:
            continue
        if negated:
            excluded.append(term)
        elif pending_or:
            clauses[-1].append(term)
        else:
            clauses.append([term])
        pending_or = False
        last_positive = not negated
    return Query(tuple(tuple(c) for c in clauses), tuple(excluded))


def _words_with_places(text: str) -> list[tuple[str, int, int]]:
    """Each folded word of `text` with its (start, end) in the original string."""
    folded: list[str] = []
    origin: list[int] = []
    for i, char in enumerate(text):
        for part in fold(char):
            folded.append(part)
            origin.append(i)
    flat = "".join(folded)
    return [
        (m.group(), origin[m.start()], _past_marks(text, origin[m.end() - 1] + 1))
        for m in _WORD.finditer(flat)
    ]


def _past_marks(text: str, end: int) -> int:
    """Extend a word's end over the accents typed as separate characters after its last
    letter (decomposed text), so a marked match never splits a letter from its accent."""
    while end < len(text) and unicodedata.category(text[end]) == "Mn":
        end += 1
    return end


def match_spans(text: str, query: Query) -> list[tuple[int, int]]:
    """Where the query's positive terms occur in `text`, as (start, end) pairs."""
    runs = _words_with_places(text)
    # Where each word occurs, and the words in order, so a term is looked for only where
    # its first word is (a pasted page of a query over a long note stays fast).
    places: dict[str, list[int]] = {}
    for i, run in enumerate(runs):
        places.setdefault(run[0], []).append(i)
    ordered = sorted(places)
    spans: list[tuple[int, int]] = []
    for term in query.positive_terms():
        n = len(term.words)
        first = term.words[0]
        if n == 1 and term.prefix:
            starts: list[int] = []
            at = bisect.bisect_left(ordered, first)
            while at < len(ordered) and ordered[at].startswith(first):
                starts += places[ordered[at]]
                at += 1
        else:
            starts = places.get(first, [])
        for i in starts:
            if i + n > len(runs):
                continue
            window = runs[i : i + n]
            if all(w[0] == t for w, t in zip(window[:-1], term.words[:-1], strict=True)):
                last, want = window[-1][0], term.words[-1]
                if last == want or (term.prefix and last.startswith(want)):
                    spans.append((window[0][1], window[-1][2]))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


@dataclass(frozen=True, slots=True)
class Snippet:
    """A piece of a field around its matches; `spans` index into `text`."""

    text: str
    spans: tuple[tuple[int, int], ...]

    def marked(self, before: str = "**", after: str = "**") -> str:
        out: list[str] = []
        pos = 0
        for start, end in self.spans:
            out += [self.text[pos:start], before, self.text[start:end], after]
            pos = end
        out.append(self.text[pos:])
        return "".join(out)


def snippet(text: str, query: Query, width: int = 160) -> Snippet:
    """Up to `width` characters of `text` around the first match, with every match marked."""
    spans = match_spans(text, query)
    flat = " ".join(text.split())
    if flat != text:
        # Newlines and runs of spaces would make a snippet ragged: search the flattened
        # text again so spans line up with what is shown.
        text = flat
        spans = match_spans(text, query)
    if len(text) <= width:
        return Snippet(text, tuple(spans))
    first = spans[0][0] if spans else 0
    start = max(0, first - width // 3)
    if start:
        space = text.rfind(" ", 0, start + 1)
        start = space + 1 if space >= 0 and start - space < 20 else start
    end = min(len(text), start + width)
    if end < len(text):
        space = text.find(" ", end)
        end = space if 0 <= space - end < 20 else end
    prefix = "…" if start else ""
    suffix = "…" if end < len(text) else ""
    shift = len(prefix) - start
    inside = tuple(
        (max(s, start) + shift, min(e, end) + shift) for s, e in spans if e > start and s < end
    )
    return Snippet(prefix + text[start:end] + suffix, inside)
