"""Two snapshots side by side on every headline indicator, for the whole city and per county."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from analytics.queries import Analytics
from data.store import SnapshotStore
from model import indicators as reg


def _values(path) -> tuple[dict, pd.DataFrame]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        a = Analytics(con)
        total = {k: v.value for k, v in a.values(reg.HEADLINE).items()}
        by_county = a.breakdown(list(reg.HEADLINE), "county")
    finally:
        con.close()
    return total, by_county


def compare(store: SnapshotStore, first: str, second: str) -> pd.DataFrame:
    """One row per headline indicator and county (county None for the whole city):
    indicator, name_zh, name_en, county, county_zh, county_en, first, second, difference."""
    store.verify(first)
    store.verify(second)
    total_a, county_a = _values(store.path(first))
    total_b, county_b = _values(store.path(second))
    rows = []
    for key in reg.HEADLINE:
        ind = reg.get(key)
        a, b = total_a.get(key), total_b.get(key)
        rows.append((key, ind.name_zh, ind.name_en, None, "全市", "Whole city", a, b))
        merged = county_a[["code", "name_zh", "name_en", key]].merge(
            county_b[["code", key]], on="code", how="outer", suffixes=("_a", "_b"))
        for r in merged.itertuples(index=False):
            rows.append((key, ind.name_zh, ind.name_en, int(r.code), r.name_zh, r.name_en,
                         getattr(r, f"{key}_a"), getattr(r, f"{key}_b")))
    df = pd.DataFrame(rows, columns=["indicator", "name_zh", "name_en", "county", "county_zh",
                                     "county_en", "first", "second"])
    first_v = pd.to_numeric(df["first"], errors="coerce")
    second_v = pd.to_numeric(df["second"], errors="coerce")
    df["difference"] = np.where(first_v.notna() & second_v.notna(), second_v - first_v, np.nan)
    return df
