"""Reference data shipped as reviewable CSV files under data/reference/.

Columns that exist only to steer the synthetic generator (weights, tenant counts, notes)
live in the same files and are dropped before the tables are written.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pandas as pd

REFERENCE_DIR = Path(__file__).parent / "reference"

# Columns of each CSV that are stored in the database table of the same name.
TABLE_COLUMNS = {
    "counties": ["county_code", "name_zh", "name_en", "short_zh", "kind", "lon", "lat"],
    "host_cities": [
        "city_code", "name_zh", "name_en", "province_code", "province_zh", "province_en",
        "is_capital", "lon", "lat",
    ],
    "industries": ["industry_code", "name_zh", "name_en", "group_code", "group_zh"],
}


@cache
def _read(name: str) -> pd.DataFrame:
    return pd.read_csv(REFERENCE_DIR / f"{name}.csv", dtype_backend="numpy_nullable")


def frame(name: str) -> pd.DataFrame:
    """A fresh copy of reference file `name` (counties, host_cities, industries, ...)."""
    return _read(name).copy()


def table(name: str) -> pd.DataFrame:
    """Reference file `name` cut to the columns its database table stores."""
    return frame(name)[TABLE_COLUMNS[name]]


@cache
def province_short_names(lang: str) -> dict[int, str]:
    """The 34 provincial-level divisions' names as a map labels them: 山东 in Chinese,
    Shandong in English (data/reference/provinces.csv, keyed by adcode)."""
    rows = _read("provinces")
    column = "short_zh" if lang == "zh" else "name_en"
    return {int(code): str(name) for code, name in zip(rows["province_code"], rows[column],
                                                        strict=True)}


@cache
def county_short_names_en() -> dict[int, str]:
    """The counties' short English names, for the narrowest panels (Econ. Dev. Zone for
    Heze Economic Development Zone), keyed by county code."""
    rows = _read("counties")
    return {int(code): str(name) for code, name in zip(rows["county_code"], rows["short_en"],
                                                        strict=True)}
