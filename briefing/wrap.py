"""Line breaking for Chinese (and English) text in the PDF.

Chinese may break between any two characters, but a line must not start with closing
punctuation (，。、；：）…) nor end with an opening one (（《“…); a number stays with its
unit (27.6万人, 541.58亿元) and an English word stays whole. `wrap` cuts a paragraph into
lines no wider than the given width, measured by the caller's function (the PDF's font
metrics), so the PDF never relies on a generic word wrap that knows no Chinese rules.
"""

from __future__ import annotations

import re
from collections.abc import Callable

NO_LINE_START = set("，。、；：？！）》」』”’】〕%‰·…—～,.;:?!)]}")
NO_LINE_END = set("（《「『“‘【〔([{")
# A run of Latin letters or digits, with the number's unit words, and the spaces after it;
# or a run of spaces; or one character.
_TOKEN = re.compile(
    r"[+\-−]?[0-9A-Za-z][0-9A-Za-z.,:%/'’\-–]*(?:[万亿]?[元人家个场位年月日]|[万亿])?[ ]*"
    r"|[ ]+|.", re.S)


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def wrap(text: str, width: float, measure: Callable[[str], float]) -> list[str]:
    """The lines of `text` (explicit newlines kept) that fit `width`."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        lines.extend(_wrap_one(paragraph, width, measure))
    return lines


def _wrap_one(text: str, width: float, measure: Callable[[str], float]) -> list[str]:
    if not text:
        return [""]
    lines: list[str] = []
    line: list[str] = []
    used = 0.0
    for tok in tokens(text):
        w = measure(tok)
        fits = used + measure(tok.rstrip()) <= width
        if not fits and not line:  # a token wider than a whole line: cut it anywhere
            pieces = _hard_split(tok, width, measure)
            lines.extend(pieces[:-1])
            line, used = [pieces[-1]], measure(pieces[-1])
            continue
        if fits:
            line.append(tok)
            used += w
            continue
        carried: list[str] = []
        if tok[0] in NO_LINE_START:
            # a line never starts with closing punctuation: the last token that may start
            # a line goes down with it; when there is none, the punctuation hangs
            split = next((k for k in range(len(line) - 1, 0, -1)
                          if line[k][0] not in NO_LINE_START), None)
            if split is None:
                line.append(tok)
                used += w
                continue
            carried, line = line[split:], line[:split]
        while len(line) > 1 and line[-1] and line[-1][-1] in NO_LINE_END:
            carried.insert(0, line.pop())
        lines.append("".join(line).rstrip())
        if tok.strip():
            line = carried + [tok]
        else:
            line = carried
        used = sum(measure(t) for t in line)
    if line:
        lines.append("".join(line).rstrip())
    return lines


def _hard_split(token: str, width: float, measure) -> list[str]:
    out: list[str] = []
    piece = ""
    for ch in token:
        if piece and measure(piece + ch) > width:
            out.append(piece)
            piece = ""
        piece += ch
    out.append(piece)
    return out
