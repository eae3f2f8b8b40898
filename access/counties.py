"""County names and adcodes for scopes, from data/reference/counties.csv."""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

# The same file data.reference reads; read here with csv so the command line starts fast.
REFERENCE_DIR = Path(__file__).resolve().parent.parent / "data" / "reference"


@cache
def counties() -> dict[int, dict[str, str]]:
    """adcode -> the county's row (name_zh, name_en, short_zh, ...)."""
    with (REFERENCE_DIR / "counties.csv").open(encoding="utf-8", newline="") as f:
        return {int(row["county_code"]): row for row in csv.DictReader(f)}


def resolve(text: str | int) -> int | None:
    """The adcode of a county named by adcode, Chinese name (曹县, 定陶区), short name
    (经开区) or English name (Cao County); None if there is no such county."""
    value = str(text).strip()
    if not value:
        return None
    if value.isdigit():
        return int(value) if int(value) in counties() else None
    for code, row in counties().items():
        names = {row["name_zh"], row["short_zh"]}
        if value in names or value.casefold() == row["name_en"].casefold():
            return code
    return None


def name(code: int, lang: str = "zh") -> str:
    row = counties().get(int(code))
    if row is None:
        return str(code)
    return row["name_zh"] if lang == "zh" else row["name_en"]


def choices() -> str:
    return "、".join(row["name_zh"] for row in counties().values())
