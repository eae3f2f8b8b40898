"""Indicators side by side per value of a dimension (`Analytics.breakdown`, `county_values`,
`matrix`): counties and industries complete with zeros, and every code with its names."""

from __future__ import annotations

import pandas as pd

from analytics.scan import Scan
from analytics.text import code_label
from model import indicators as reg
from model.facts import FACTS
from model.filters import Filter, FilterError


class Breakdowns(Scan):
    """Indicators side by side per county, industry, province, station or other dimension."""

    def breakdown(self, keys, by: str, f: Filter = Filter()) -> pd.DataFrame:
        """One row per value of `by` (code, name_zh, name_en) and a column per indicator.

        All `keys` must come from facts that carry `by`. Ratios come with num/den columns.
        """
        if isinstance(keys, str):
            keys = [keys]
        result: pd.DataFrame | None = None
        for fact_name, inds in reg.by_fact(keys).items():
            fact = FACTS[fact_name]
            expr = self._dim_expr(fact, by)
            cube = self._cube(fact, *(m for ind in inds for _, m in self._measures(ind)),
                              dims=[by])
            if cube is not None:
                expr = self._dim_expr(cube.as_fact(""), by)
            sql_of = cube.measure if cube is not None else (lambda m: m.sql())
            select = [f"{expr} AS code"]
            for ind in inds:
                if ind.is_ratio:
                    select += [f"{sql_of(ind.numerator)} AS {ind.key}__num",
                               f"{sql_of(ind.denominator)} AS {ind.key}__den"]
                else:
                    select.append(f"{sql_of(ind.measure)} AS {ind.key}")
            if cube is not None:
                df = self._cube_frame(cube, f, ", ".join(select), where=f"{expr} IS NOT NULL",
                                      group_by="code")
            else:
                df = self._scan(fact, f, ", ".join(select), where=f"{expr} IS NOT NULL",
                                group_by="code")
            for ind in inds:
                if ind.is_ratio:
                    num, den = df[f"{ind.key}__num"], df[f"{ind.key}__den"]
                    df[ind.key] = (num / den.where(den > 0)).astype(float)
            result = df if result is None else result.merge(df, on="code", how="outer")
        result = self._complete(result, by, keys)
        return self._label(result, by)

    def _complete(self, df: pd.DataFrame, by: str, keys) -> pd.DataFrame:
        """Counties and industries appear even when nothing matched (as zero)."""
        universe = {"county": self.counties()["county_code"],
                    "industry": self._reference["industries"]["industry_code"]}.get(by)
        if universe is not None:
            df = pd.DataFrame({"code": universe.to_numpy()}).merge(df, on="code", how="left")
        for c in df.columns:
            if c != "code" and df[c].dtype != object:
                is_ratio = c.split("__")[0] in reg.REGISTRY and reg.get(c.split("__")[0]).is_ratio
                if not (is_ratio and "__" not in c):
                    df[c] = df[c].fillna(0).astype("int64")
        return df

    def _label(self, df: pd.DataFrame, by: str) -> pd.DataFrame:
        ref = self._reference
        labels = {
            "county": ref["counties"][["county_code", "name_zh", "name_en"]],
            "industry": ref["industries"][["industry_code", "name_zh", "name_en"]],
            "province": ref["provinces"],
            "city": ref["host_cities"][["city_code", "name_zh", "name_en"]],
            "station": ref["stations"][["station_id", "name_zh", "name_zh"]].set_axis(
                ["station_id", "name_zh", "name_en"], axis=1),
        }.get(by)
        if labels is None:
            df["name_zh"] = [code_label(by, c, "zh") for c in df["code"]]
            df["name_en"] = [code_label(by, c, "en") for c in df["code"]]
            return df
        labels = labels.set_axis(["code", "name_zh", "name_en"], axis=1)
        return df.merge(labels, on="code", how="left")

    def matrix(self, key: str, f: Filter = Filter()) -> pd.DataFrame:
        """County × industry: rows are counties (Chinese names), columns industries."""
        ind = reg.get(key)
        if ind.is_ratio:
            raise FilterError("error.analytics.ratio_no_matrix")
        fact = ind.fact_def
        cube = self._cube(fact, ind.measure, dims=["county", "industry"])
        if cube is not None:
            df = self._cube_frame(cube, f, "c.county AS county, c.industry AS industry, "
                                  f"{cube.measure(ind.measure)} AS value",
                                  where="c.county IS NOT NULL AND c.industry IS NOT NULL",
                                  group_by="county, industry")
        else:
            df = self._scan(fact, f, f"{fact.county} AS county, {fact.industry} AS industry, "
                            f"{ind.measure.sql()} AS value",
                            where=f"{fact.county} IS NOT NULL AND {fact.industry} IS NOT NULL",
                            group_by="county, industry")
        counties = self.counties()
        industries = self._reference["industries"]
        grid = df.pivot_table(index="county", columns="industry", values="value",
                              aggfunc="sum", fill_value=0)
        grid = grid.reindex(index=counties["county_code"], columns=industries["industry_code"],
                            fill_value=0).astype("int64")
        grid.index.name = "county_code"
        grid.columns.name = "industry_code"
        return grid

    def county_values(self, keys, f: Filter = Filter()) -> pd.DataFrame:
        """Counties side by side on the given indicators (facts that carry a county)."""
        return self.breakdown(keys, "county", f)
