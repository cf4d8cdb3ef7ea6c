"""Merging two people's edits of one text, for the conflict a concurrent edit raises.

Note texts are mostly one paragraph, so a line-based three-way merge would call any
two edits of it a conflict. diff-match-patch (Google's) diffs by characters, cleaned
up to words: two edits of different words of one sentence both survive, and two
edits that touch the same words are left for the person to merge.
"""

from __future__ import annotations

from diff_match_patch import diff_match_patch

Span = tuple[int, int]


def merge_text(base: str, mine: str, theirs: str) -> str | None:
    """Theirs with my changes since `base` applied; None when both changed the same
    words (or next to each other), which only a person can merge."""
    if mine in (theirs, base):
        return theirs
    if theirs == base:
        return mine
    dmp = diff_match_patch()
    my_diffs = _diffs(dmp, base, mine)
    their_spans = _changed(_diffs(dmp, base, theirs))
    for start, end in _changed(my_diffs):
        if any(start <= their_end and their_start <= end for their_start, their_end in their_spans):
            return None
    merged, applied = dmp.patch_apply(dmp.patch_make(base, my_diffs), theirs)
    return str(merged) if all(applied) else None


def both(mine: str, theirs: str) -> str:
    """Both texts, theirs first, for a merge made by hand."""
    return f"{theirs}\n\n{mine}"


def _diffs(dmp: diff_match_patch, base: str, other: str) -> list[tuple[int, str]]:
    diffs = dmp.diff_main(base, other)
    dmp.diff_cleanupSemantic(diffs)
    return list(diffs)


def _changed(diffs: list[tuple[int, str]]) -> list[Span]:
    """The stretches of the base text a diff replaces (an insertion is an empty one)."""
    spans: list[Span] = []
    at = 0
    for op, text in diffs:
        if op == diff_match_patch.DIFF_EQUAL:
            at += len(text)
            continue
        end = at + len(text) if op == diff_match_patch.DIFF_DELETE else at
        if spans and spans[-1][1] == at:  # a deletion and its insertion: one change
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((at, end))
        at = end
    return spans
