"""User names that look alike: NFKC, case and Unicode's confusable characters.

Two names are too alike when their skeletons are equal: the name in NFKC (full-width ａ and
half-width ｶ become a and カ), case-folded, with each character replaced by one chosen
member of its group of confusable characters (Cyrillic а, Greek α and Latin a are one
group; so are 0, O and o, and 1, I, l and i). The groups come from Unicode's confusables
list (UTS #39) as the confusable-homoglyphs package ships it; characters it lists as
confusable with each other, directly or through others, are one group, and so are an
ASCII letter's upper and lower case (other letters are case-folded before the lookup: the
case pairs of the whole of Unicode would chain unrelated groups together). Confusables of several characters (rn for m) are not
considered.
"""

from __future__ import annotations

import functools
import unicodedata

_MARKS = str.maketrans("", "", "\u200e\u200f")  # direction marks around RTL glyphs in the data


def normalize(name: str) -> str:
    """The name as stored and looked up: NFKC, outer spaces removed."""
    return unicodedata.normalize("NFKC", name or "").strip()


@functools.cache
def _groups() -> dict[str, str]:
    from confusable_homoglyphs.utils import load

    parent: dict[str, str] = {}

    def find(ch: str) -> str:
        parent.setdefault(ch, ch)
        while parent[ch] != ch:
            parent[ch] = parent[parent[ch]]
            ch = parent[ch]
        return ch

    def union(a: str, b: str) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:  # the smallest code point stands for the group: the same every time
            parent[max(ra, rb)] = min(ra, rb)

    for char, glyphs in load("confusables.json").items():
        if len(char) != 1:
            continue
        for glyph in glyphs:
            other = glyph["c"].translate(_MARKS)
            if len(other) == 1:
                union(char, other)
    for upper in "ABCDEFGHIJKLMNOPQRSTUVWXYZ":  # O with o (and so 0), I with i (and 1, l)
        union(upper, upper.lower())
    return {char: find(char) for char in parent}


def skeleton(name: str) -> str:
    """What a name looks like: equal skeletons, names a reader can take for each other."""
    groups = _groups()
    return "".join(groups.get(ch, ch) for ch in normalize(name).casefold())
