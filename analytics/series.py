"""Indicators over time (`Analytics.series`, `series_many`): every period from the first to the
period's end, empty ones as 0, optionally split by a dimension and summed up."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analytics.scan import GRAINS, Scan
from model import indicators as reg
from model.facts import FACTS, Fact
from model.filters import Filter, FilterError


class Series(Scan):
    """Indicators over time, by year, quarter or month."""

    def series(self, key: str, f: Filter = Filter(), grain: str = "year",
               cumulative: bool = False, split: str | None = None) -> pd.DataFrame:
        """Columns period (date), [split code and label], value, and for ratios num/den.

        Every period from the first to the period's end appears, empty ones as 0.
        """
        if grain not in GRAINS:
            raise FilterError("error.analytics.unknown_grain", grain=grain)
        ind = reg.get(key)
        measures = self._measures(ind)
        df = self._series_query(ind.fact_def, f, grain, split, measures)
        return self._series_frame(ind, df, grain, f, cumulative, split)

    def series_many(self, keys, f: Filter = Filter(), grain: str = "year",
                    cumulative: bool = False) -> dict[str, pd.DataFrame]:
        """`series` of several indicators at once, the same frames, with one query per fact
        table instead of one per indicator (a page's sparklines, say)."""
        if grain not in GRAINS:
            raise FilterError("error.analytics.unknown_grain", grain=grain)
        out = {}
        for fact_name, inds in reg.by_fact(keys).items():
            named = [(f"{ind.key}__{role}", m) for ind in inds
                     for role, m in self._measures(ind)]
            raw = self._series_query(FACTS[fact_name], f, grain, None, named)
            for ind in inds:
                cols = {f"{ind.key}__{role}": role for role, _ in self._measures(ind)}
                out[ind.key] = self._series_frame(ind, raw[["period", *cols]].rename(
                    columns=cols), grain, f, cumulative, None)
        return {k: out[k] for k in keys}

    def _series_query(self, fact: Fact, f: Filter, grain: str, split: str | None,
                      measures) -> pd.DataFrame:
        """period, [code], and a column per (alias, measure): one scan of `fact`."""
        split_expr = self._dim_expr(fact, split) if split else None
        cube = self._cube(fact, *(m for _, m in measures), dims=[split] if split else [])
        if cube is not None:
            select = [f"date_trunc('{grain}', c.d)::DATE AS period"]
            if split_expr:
                select.append(f"{self._dim_expr(cube.as_fact(''), split)} AS code")
            select += [f"{cube.measure(m)} AS {alias}" for alias, m in measures]
            return self._cube_frame(cube, f, ", ".join(select), where="c.d IS NOT NULL",
                                    group_by="period" + (", code" if split_expr else ""))
        select = [f"date_trunc('{grain}', {fact.date})::DATE AS period"]
        group = ["period"]
        if split_expr:
            select.append(f"{split_expr} AS code")
            group.append("code")
        select += [f"{m.sql()} AS {alias}" for alias, m in measures]
        return self._scan(fact, f, ", ".join(select), where=f"{fact.date} IS NOT NULL",
                          group_by=", ".join(group))

    def _series_frame(self, ind: reg.Indicator, df: pd.DataFrame, grain: str, f: Filter,
                      cumulative: bool, split: str | None) -> pd.DataFrame:
        df["period"] = pd.to_datetime(df["period"])
        periods = self._periods(grain, df["period"].min(), f)
        keys = ["code"] if split else []
        if keys:
            codes = df["code"].dropna().unique()
            full = pd.MultiIndex.from_product([periods, codes], names=["period", "code"])
            df = df.dropna(subset=["code"]).set_index(["period", "code"]).reindex(full,
                                                                                   fill_value=0)
        else:
            df = df.set_index("period").reindex(periods, fill_value=0)
            df.index.name = "period"
        df = df.reset_index().sort_values(keys + ["period"])
        roles = [r for r, _ in self._measures(ind)]
        for r in roles:
            df[r] = df[r].astype("int64")
            if cumulative:
                df[r] = df.groupby(keys)[r].cumsum() if keys else df[r].cumsum()
        if ind.is_ratio:
            df["value"] = np.where(df["den"] > 0, df["num"] / df["den"].where(df["den"] > 0, 1),
                                   np.nan)
        if split:
            df = self._label(df, split)
        return df.reset_index(drop=True)

    def _periods(self, grain: str, first, f: Filter) -> pd.DatetimeIndex:
        start = pd.Timestamp(f.start) if f.start else first
        if start is None or pd.isna(start):
            return pd.DatetimeIndex([], name="period")
        freq = {"year": "YS", "quarter": "QS", "month": "MS"}[grain]
        start = start.to_period({"year": "Y", "quarter": "Q", "month": "M"}[grain]).start_time
        return pd.date_range(start, pd.Timestamp(self.period_end(f)), freq=freq, name="period")
