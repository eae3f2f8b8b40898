"""Person-level data is masked before it leaves analytics: 张*, 371722********123X, 138****5678."""

from __future__ import annotations

import re

import pandas as pd

# Digits around, not word boundaries: Chinese characters are word characters, so "证号" right
# before a number would hide it from \b.
ID_PATTERN = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")
MOBILE_PATTERN = re.compile(r"(?<!\d)1\d{10}(?!\d)")
PERSON_COLUMNS = {
    "name": "name", "head_name": "name", "honorary_head": "name",
    "id_number": "id", "mobile": "mobile", "head_mobile": "mobile",
}


def mask_name(name) -> str | None:
    if name is None or pd.isna(name) or not str(name):
        return None
    name = str(name)
    return name[0] + "*" * max(len(name) - 1, 1)


def mask_id_number(number) -> str | None:
    if number is None or pd.isna(number):
        return None
    number = str(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:] if len(number) > 10 else "*" * 8


def mask_mobile(number) -> str | None:
    if number is None or pd.isna(number):
        return None
    number = str(number)
    return number[:3] + "****" + number[-4:] if len(number) >= 11 else "*" * 7


MASKERS = {"name": mask_name, "id": mask_id_number, "mobile": mask_mobile}


def mask_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy with every person-level column masked."""
    out = df.copy()
    for column, kind in PERSON_COLUMNS.items():
        if column in out.columns:
            out[column] = out[column].map(MASKERS[kind])
    return out


def contains_unmasked(text: str) -> bool:
    """True if `text` holds what looks like a full ID number or mobile number."""
    return bool(ID_PATTERN.search(text) or MOBILE_PATTERN.search(text))
