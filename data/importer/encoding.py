"""A text file's encoding, told from its bytes: strict UTF-8 (with or without a BOM), UTF-16
with a BOM, then GB18030 (a superset of GBK) only when charset-normalizer agrees the text is
Chinese in that family; anything else is refused with a message saying why, never guessed."""

from __future__ import annotations

import codecs

from data.importer.problems import FileRejected, Problem

GB_FAMILY = {"gb18030", "gbk", "gb2312", "hz", "cp936"}


def decode(data: bytes, name: str) -> tuple[str, str]:
    """(text, encoding name) or FileRejected naming why."""
    if data.startswith(codecs.BOM_UTF8):
        body = data[len(codecs.BOM_UTF8):]
        try:
            return body.decode("utf-8"), "UTF-8 (BOM)"
        except UnicodeDecodeError as exc:
            raise FileRejected(Problem(name, None, None, None, "encoding_mixed",
                                       {"line": _line_of(body, exc.start)})) from None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:  # Excel's "Unicode 文本" (tab-separated)
            return data.decode("utf-16"), "UTF-16 (BOM)"
        except UnicodeDecodeError:
            raise FileRejected(Problem(name, None, None, None, "encoding_unknown",
                                       {"guess": "UTF-16"})) from None
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    # Valid multi-byte UTF-8 before the first bad byte means the file mixes encodings.
    head = data[:first_bad].decode("utf-8")
    if sum(1 for ch in head if ord(ch) > 0x7F) >= 2:
        raise FileRejected(Problem(name, None, None, None, "encoding_mixed",
                                   {"line": _line_of(data, first_bad)}))
    guess = _guess(data)
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        raise FileRejected(Problem(name, None, None, None, "encoding_unknown",
                                   {"guess": guess or "?"})) from None
    if guess not in GB_FAMILY:
        raise FileRejected(Problem(name, None, None, None, "encoding_unknown",
                                   {"guess": guess or "?"}))
    try:
        data.decode("gbk")
        return text, "GBK"
    except UnicodeDecodeError:
        return text, "GB18030"


def _guess(data: bytes) -> str | None:
    from charset_normalizer import from_bytes

    best = from_bytes(data[:262_144]).best()
    return None if best is None else best.encoding.lower().replace("-", "_")


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1
