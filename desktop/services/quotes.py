"""A prospect's words as a copywriter can lift them, out of a note as the marketer typed it.

Typing live, a marketer wraps what was said in scaffolding: a label ("Verbatim:",
"Direct quote:", the speaker's name and a colon), quotation marks (sometimes twice),
a stage direction ("— half laughing", "(sighs)") and `#tags`. `clean` takes that away
for display only; the stored note stays exactly as typed. It removes only what is
recognisably scaffolding, so a sentence that merely contains a colon or a dash keeps it.
"""

from __future__ import annotations

import functools
import re
from typing import Final

from desktop.domain import NoteKind

#: The kinds of note that hold what a prospect said (a question note holds the answer).
SPOKEN_KINDS: Final = (NoteKind.PAIN, NoteKind.OBJECTION, NoteKind.QUOTE, NoteKind.QUESTION)

_LABELS: Final = (
    "verbatim",
    "direct quote",
    "quote",
    "exact quote",
    "exact words",
    "in their words",
    "in his words",
    "in her words",
    "word for word",
    "their words",
    "said",
    "they said",
    "he said",
    "she said",
    "quoting",
)
_LABEL = re.compile(
    r"^\s*(?:" + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in _LABELS) + r")\s*[:\-–—]\s*",
    re.IGNORECASE,
)
# A speaker's name as a label: one to three capitalised words, then a colon ("Yuki:",
# "Mary Ann:", "CFO:").
_SPEAKER = re.compile(r"^\s*[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,2}\s*:\s+")
_STAGE_WORDS: Final = (
    "laugh",
    "sigh",
    "joking",
    "jokingly",
    "smil",
    "grin",
    "shrug",
    "sarcas",
    "exasperat",
    "frustrat",
    "paraphras",
    "roughly",
    "approx",
    "verbatim",
    "rolling",
    "eye-roll",
    "eyeroll",
    "pause",
    "quietly",
    "loudly",
    "under breath",
    "deadpan",
    "half serious",
    "tongue in cheek",
    "chuckl",
)
_STAGE = "|".join(re.escape(w) for w in _STAGE_WORDS)
_TRAILING_ASIDE = re.compile(
    r"\s*(?:[—–]|\s-)\s*(?P<aside>[^—–.!?]{0,40}?(?:" + _STAGE + r")[^—–.!?]{0,30}?)"
    r"\s*(?P<end>[.!?]*)\s*$",
    re.IGNORECASE,
)
_BRACKETED = re.compile(r"\s*[(\[][^()\[\]]{0,40}?(?:" + _STAGE + r")[^()\[\]]{0,40}[)\]]", re.I)
_HASHTAG = re.compile(r"(?<![\w#&/])#([^\W\d_][\w-]*)")
_TRAILING_TAGS = re.compile(r"(?:\s*(?<![\w#&/])#[^\W\d_][\w-]*)+\s*$")
_LEADING_TAGS = re.compile(r"^\s*(?:#[^\W\d_][\w-]*\s*)+")
_OPEN: Final = "\"'“‘„«‹"
_CLOSE: Final = "\"'”’“»›"
_DOUBLE: Final = '"“”„«»'
_SPACE = re.compile(r"\s+")
_SPACE_BEFORE = re.compile(r"\s+([,.;:!?])")


@functools.lru_cache(maxsize=1 << 16)
def clean(text: str) -> str:
    """The words the prospect said, without the marketer's scaffolding around them.

    Falls back to the text as typed (trimmed) when nothing would be left. Remembered:
    a month's report cleans each of its thousands of notes several times (phrases,
    typed forms, quotes)."""
    typed = _SPACE.sub(" ", text).strip()
    out = typed
    changed = True
    while changed:
        before = out
        out = _TRAILING_TAGS.sub("", out)
        out = _LEADING_TAGS.sub("", out)
        out = _BRACKETED.sub("", out).strip()
        out = _TRAILING_ASIDE.sub(lambda m: m.group("end"), out).strip()
        out = _LABEL.sub("", out)
        out = _SPEAKER.sub("", out)
        out = _unquote(out.strip())
        changed = out != before
    out = _HASHTAG.sub(lambda m: m.group(1), out)
    out = _SPACE_BEFORE.sub(r"\1", _SPACE.sub(" ", out)).strip(" -–—,;:")
    if not any(c.isalnum() for c in out):
        return typed
    if out != typed and out[:1].islower():
        out = out[:1].upper() + out[1:]
    return out


def _unquote(text: str) -> str:
    """Without quotation marks around the whole text; a full stop after the closing mark
    moves inside. Marks inside the text (a quote within the quote) stay."""
    if len(text) < 2 or text[0] not in _OPEN:
        return text
    end = len(text)
    tail = ""
    while end > 1 and text[end - 1] in ".!?,":
        end -= 1
    if end > 1 and text[end - 1] in _CLOSE:
        tail = text[end:]
        inner = text[1 : end - 1].strip()
    elif not any(c in _DOUBLE for c in text[1:]):
        inner, tail = text[1:].strip(), ""  # an opening mark never closed
    else:
        return text
    if not _balanced(inner):  # “No” was all they said, “again”: two quotes, not one
        return text
    if tail and inner[-1:] not in (".", "!", "?"):
        inner += tail
    return inner


def _balanced(text: str) -> bool:
    """Whether every curly double quote inside closes after it opens, and straight ones pair."""
    depth = 0
    for c in text:
        if c in "“„«":
            depth += 1
        elif c in "”»":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0 and text.count('"') % 2 == 0
