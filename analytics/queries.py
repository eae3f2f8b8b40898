"""The queries every page needs, over one read-only DuckDB connection.

`Analytics` is the only way to the fact tables: every query builds its FROM and WHERE
through `_scan`, which applies the filter and, when one is set, the county scope. Values
are always bound as parameters; the SQL text is composed only from the constant fragments
declared in facts.py and indicators.py.
"""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass
from datetime import date, timedelta

import duckdb
import numpy as np
import pandas as pd

from analytics.masking import mask_frame
from analytics.text import code_label, t
from data import aggregates
from model import indicators as reg
from model.facts import ENTITIES, FACTS, OUTSIDE_PEOPLE, PROJECTS, RETURNEES, STATIONS, Fact
from model.filters import Filter, FilterError

GRAINS = ("year", "quarter", "month")
ROWS = reg.Measure("count")  # every row of a fact
# Breakdown dimensions available on every fact that carries them, with their label table.
SHARED_DIMS = ("county", "industry", "province", "station")


@dataclass(frozen=True)
class Snapshot:
    snapshot_id: str
    built_at: object
    as_of: date
    source: str
    seed: int | None
    scale: int

    @property
    def is_synthetic(self) -> bool:
        return self.source == "synthetic"


@dataclass(frozen=True)
class IndicatorValue:
    key: str
    value: float | None
    previous: float | None  # the same figure one year before the period's end
    numerator: int | None = None
    denominator: int | None = None

    @property
    def change(self) -> float | None:
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous

    @property
    def change_rate(self) -> float | None:
        if self.change is None or not self.previous:
            return None
        return self.change / self.previous


def _ratio(num, den) -> float | None:
    return None if not den else num / den


class Analytics:
    """Indicator values, series, breakdowns, rankings, funnel and map data for a filter."""

    def __init__(self, con: duckdb.DuckDBPyConnection, county_scope=None, _lock=None,
                 use_aggregates: bool = True):
        self._con = con
        self._lock = _lock or threading.Lock()  # shared by every view of one connection
        if county_scope is not None and not len(county_scope):
            raise FilterError("error.analytics.empty_scope")
        self.scope: tuple[int, ...] | None = (
            tuple(int(c) for c in county_scope) if county_scope else None
        )
        self._reference = self._load_reference()
        self.snapshot = self._load_snapshot()
        # The snapshot's pre-summed tables (data.aggregates), if it has them; every
        # query that they can answer exactly is answered from them, the rest by direct SQL.
        self._cubes = aggregates.available(con) if use_aggregates else {}
        # Unique to this opened file: cache keys use it, so a rebuilt snapshot that kept
        # its id still never meets results computed on the old file.
        self.version = f"{self.snapshot.snapshot_id}#{uuid.uuid4().hex[:12]}"

    def with_scope(self, county_scope) -> Analytics:
        """The same snapshot seen through a county scope (county staff)."""
        return Analytics(self._con, county_scope=county_scope, _lock=self._lock,
                         use_aggregates=bool(self._cubes))

    # -- plumbing ----------------------------------------------------------------------
    def _cursor(self) -> duckdb.DuckDBPyConnection:
        with self._lock:  # cursor() on a shared connection is not itself thread-safe
            return self._con.cursor()

    def _frame(self, sql: str, params=None) -> pd.DataFrame:
        cur = self._cursor()
        try:
            return cur.sql(sql, params=params or None).to_arrow_table().to_pandas()
        finally:
            cur.close()

    def _load_reference(self) -> dict[str, pd.DataFrame]:
        cur = self._cursor()
        try:
            tables = {
                name: cur.sql(f"SELECT * FROM {name}").to_arrow_table().to_pandas()  # noqa: S608
                for name in ("counties", "industries", "host_cities")
            }
            tables["stations"] = cur.sql(
                "SELECT station_id, name_zh, level, sponsor_county, host_city FROM stations"
            ).to_arrow_table().to_pandas()
        finally:
            cur.close()
        provinces = (tables["host_cities"][["province_code", "province_zh", "province_en"]]
                     .drop_duplicates().sort_values("province_code"))
        tables["provinces"] = provinces.reset_index(drop=True)
        return tables

    def _load_snapshot(self) -> Snapshot:
        row = self._frame("SELECT * FROM snapshot").iloc[0]
        return Snapshot(
            snapshot_id=str(row["snapshot_id"]),
            built_at=row["built_at"],
            as_of=pd.Timestamp(row["as_of"]).date(),
            source=str(row["source"]),
            seed=None if pd.isna(row["seed"]) else int(row["seed"]),
            scale=int(row["scale"]),
        )

    # -- reference lists for the widgets -------------------------------------------------
    def counties(self) -> pd.DataFrame:
        df = self._reference["counties"]
        return df[df["county_code"].isin(self.scope)] if self.scope else df.copy()

    def industries(self) -> pd.DataFrame:
        return self._reference["industries"].copy()

    def provinces(self) -> pd.DataFrame:
        return self._reference["provinces"].copy()

    def host_cities(self) -> pd.DataFrame:
        return self._reference["host_cities"].copy()

    def table_sizes(self) -> pd.DataFrame:
        """Rows per table. Under a county scope, the rows that scope may see: a fact table
        through the same WHERE builder as every figure (rows of no county are not counted),
        counties and townships those of the scope; the host cities and industries are the
        same reference lists for everyone."""
        rows = []
        cur = self._cursor()
        try:
            for name in ("stations", "outside_people", "returnees", "entities", "projects",
                         "parks", "activities", "counties", "townships", "host_cities",
                         "industries"):
                if self.scope and name in FACTS:
                    n = self._scan(FACTS[name], Filter(), "count(*)::BIGINT AS n")["n"].iloc[0]
                elif self.scope and name in ("counties", "townships"):
                    n = cur.execute(f"SELECT count(*) FROM {name} "  # noqa: S608
                                    "WHERE list_contains(?::INTEGER[], county_code)",
                                    [list(self.scope)]).fetchone()[0]
                else:
                    n = cur.execute(f"SELECT count(*) FROM {name}").fetchone()[0]  # noqa: S608
                rows.append((name, int(n)))
        finally:
            cur.close()
        return pd.DataFrame(rows, columns=["table", "rows"])

    # -- the filter, in one place --------------------------------------------------------
    def check(self, f: Filter) -> Filter:
        """The filter, validated against the reference data; raises FilterError."""
        known = set(self._reference["counties"]["county_code"])
        for c in f.counties:
            if c not in known:
                raise FilterError("error.analytics.unknown_county", c=c)
            if self.scope and c not in self.scope:
                raise FilterError("error.analytics.county_out_of_scope", c=c)
        industries = set(self._reference["industries"]["industry_code"])
        for i in f.industries:
            if i not in industries:
                raise FilterError("error.analytics.unknown_industry", i=i)
        provinces = set(self._reference["provinces"]["province_code"])
        for p in f.provinces:
            if p not in provinces:
                raise FilterError("error.analytics.unknown_province", p=p)
        return f

    def _where(self, fact: Fact, f: Filter, upto: date | None = None) -> tuple[str, list]:
        """WHERE clause and parameters for `fact` under `f`; `upto` overrides the end."""
        clauses: list[str] = []
        params: list = []
        # A county scope always applies, whatever the filter says: rows of other counties
        # and rows that belong to no county (a NULL county, or a fact without one) are hidden.
        # A county filter then narrows within it (check() refuses one outside the scope).
        if self.scope:
            if fact.county is None:
                clauses.append("FALSE")
            else:
                clauses.append(f"list_contains(?::INTEGER[], {fact.county})")
                params.append(list(self.scope))
        if f.counties and fact.county is not None:
            clauses.append(f"list_contains(?::INTEGER[], {fact.county})")
            params.append(list(f.counties))
        for values, expr, cast in ((f.industries, fact.industry, "VARCHAR[]"),
                                   (f.levels, fact.level, "VARCHAR[]"),
                                   (f.provinces, fact.province, "INTEGER[]")):
            if values and expr is not None:
                clauses.append(f"list_contains(?::{cast}, {expr})")
                params.append(list(values))
        if fact.date is not None:
            if f.start:
                clauses.append(f"{fact.date} >= ?")
                params.append(f.start)
            end = upto if upto is not None else f.end
            if end:
                clauses.append(f"{fact.date} <= ?")
                params.append(end)
        return (" AND ".join(clauses) or "TRUE"), params

    def _scan(self, fact: Fact, f: Filter, select: str, *, where: str = "TRUE",
              params: list | None = None, group_by: str = "", upto: date | None = None,
              order_by: str = "") -> pd.DataFrame:
        cond, fparams = self._where(fact, self.check(f), upto)
        sql = f"SELECT {select} FROM {fact.source} WHERE {cond} AND ({where})"
        if group_by:
            sql += f" GROUP BY {group_by}"
        if order_by:
            sql += f" ORDER BY {order_by}"
        return self._frame(sql, fparams + (params or []))

    def period_end(self, f: Filter) -> date:
        return min(f.end, self.snapshot.as_of) if f.end else self.snapshot.as_of

    # -- the pre-summed path (data.aggregates) ------------------------------------------
    @property
    def uses_aggregates(self) -> bool:
        return bool(self._cubes)

    def _cube(self, fact: Fact, *measures: reg.Measure, dims=()) -> aggregates.Cube | None:
        """The cube that answers these measures by these dimensions exactly, or None."""
        cube = self._cubes.get(fact.name)
        if cube is not None and cube.has(*measures) and cube.has_dims(*dims):
            return cube
        return None

    def _cube_sql(self, cube: aggregates.Cube, f: Filter, select: str, *,
                  select_params=(), where: str = "TRUE", params=(), group_by: str = "",
                  upto: date | None = None, order_by: str = "",
                  cuts=()) -> tuple[str, list]:
        """The query over the cube, filtered by the same WHERE builder as the facts.

        `cuts` are further days (besides the period's start and the day after its end)
        that the query separates, such as the day after last year's end."""
        end = upto if upto is not None else f.end
        boundaries = [f.start, end + timedelta(days=1) if end else None, *cuts]
        source, source_params = cube.source(boundaries)
        cond, fparams = self._where(cube.as_fact(source), self.check(f), upto)
        sql = f"SELECT {select} FROM {source} WHERE {cond} AND ({where})"
        if group_by:
            sql += f" GROUP BY {group_by}"
        if order_by:
            sql += f" ORDER BY {order_by}"
        return sql, [*select_params, *source_params, *fparams, *params]

    def _cube_frame(self, cube: aggregates.Cube, f: Filter, select: str,
                    **kwargs) -> pd.DataFrame:
        return self._frame(*self._cube_sql(cube, f, select, **kwargs))

    # -- indicator values ----------------------------------------------------------------
    def values(self, keys, f: Filter = Filter()) -> dict[str, IndicatorValue]:
        """Each indicator for the filter, with its value one year before the period's end."""
        end = self.period_end(f)
        prev_end = end - timedelta(days=365)
        out: dict[str, IndicatorValue] = {}
        for fact_name, inds in reg.by_fact(keys).items():
            fact = FACTS[fact_name]
            cube = self._cube(fact, *(m for ind in inds for _, m in self._measures(ind)))
            if cube is not None:
                got = self._cube_values(cube, inds, f, prev_end)
                prev_valid = f.start is None or prev_end >= f.start
                for ind in inds:
                    out[ind.key] = self._value(ind, got, prev_valid)
                continue
            parts, names = [], []
            for ind in inds:
                for role, m in self._measures(ind):
                    parts.append(m.sql())
                    names.append((ind.key, role, "now"))
                    prev_cond = f"{fact.date} <= ?" if fact.date else "TRUE"
                    parts.append(m.sql(prev_cond))
                    names.append((ind.key, role, "prev"))
            prev_params = [prev_end] * sum(1 for p in names if p[2] == "prev" and fact.date)
            row = self._scan_with_select_params(fact, f, ", ".join(parts), prev_params)
            got = dict(zip(names, row, strict=True))
            prev_valid = f.start is None or prev_end >= f.start
            for ind in inds:
                out[ind.key] = self._value(ind, got, prev_valid)
        return {k: out[k] for k in keys}

    def _cube_values(self, cube: aggregates.Cube, inds, f: Filter, prev_end: date) -> dict:
        parts, names = [], []
        for ind in inds:
            for role, m in self._measures(ind):
                parts += [cube.measure(m), cube.measure(m, "c.d <= ?")]
                names += [(ind.key, role, "now"), (ind.key, role, "prev")]
        prev_params = [prev_end] * (len(parts) // 2)
        sql, params = self._cube_sql(cube, f, ", ".join(parts), select_params=prev_params,
                                     cuts=[prev_end + timedelta(days=1)])
        cur = self._cursor()
        try:
            row = cur.execute(sql, params).fetchone()
        finally:
            cur.close()
        return dict(zip(names, row, strict=True))

    def value(self, key: str, f: Filter = Filter()) -> IndicatorValue:
        return self.values([key], f)[key]

    def _scan_with_select_params(self, fact: Fact, f: Filter, select: str,
                                 select_params: list) -> tuple:
        cond, fparams = self._where(fact, self.check(f))
        sql = f"SELECT {select} FROM {fact.source} WHERE {cond}"
        cur = self._cursor()
        try:
            return cur.execute(sql, select_params + fparams).fetchone()
        finally:
            cur.close()

    @staticmethod
    def _measures(ind: reg.Indicator):
        if ind.is_ratio:
            return [("num", ind.numerator), ("den", ind.denominator)]
        return [("value", ind.measure)]

    @staticmethod
    def _value(ind: reg.Indicator, got: dict, prev_valid: bool) -> IndicatorValue:
        if ind.is_ratio:
            num, den = int(got[(ind.key, "num", "now")]), int(got[(ind.key, "den", "now")])
            pnum, pden = got[(ind.key, "num", "prev")], got[(ind.key, "den", "prev")]
            prev = _ratio(pnum, pden) if prev_valid else None
            return IndicatorValue(ind.key, _ratio(num, den), prev, num, den)
        now = int(got[(ind.key, "value", "now")])
        prev = int(got[(ind.key, "value", "prev")]) if prev_valid else None
        return IndicatorValue(ind.key, now, prev)

    # -- time series ---------------------------------------------------------------------
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

    # -- breakdowns ------------------------------------------------------------------------
    def _dim_expr(self, fact: Fact, dim: str) -> str:
        expr = {"county": fact.county, "industry": fact.industry, "province": fact.province,
                "station": fact.station}.get(dim) or fact.dims.get(dim)
        if expr is None:
            raise FilterError("error.analytics.no_such_dimension", name=fact.name, dim=dim)
        return expr

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

    # -- stations --------------------------------------------------------------------------
    def station_ranking(self, f: Filter = Filter()) -> pd.DataFrame:
        """All stations that pass the filter, with what each one achieved."""
        return self._station_metrics(f)

    def _station_metrics(self, f: Filter, station_id: int | None = None) -> pd.DataFrame:
        # One station (for its card) or all of them, through the same queries.
        only, extra = ("TRUE", []) if station_id is None else ("{col} = ?", [int(station_id)])
        st = self._scan(STATIONS, f, "s.station_id, s.name_zh, s.level, s.sponsor_county, "
                        "s.host_city, hc.name_zh AS city_zh, hc.name_en AS city_en, "
                        "hc.province_zh, hc.province_en, s.opened_on, s.members, s.lon, s.lat, "
                        "s.talent_workstation, s.brand_centre, s.ecommerce_platform, s.status",
                        where=f"s.opened_on <= ? AND {only.format(col='s.station_id')}",
                        params=[self.period_end(f), *extra], order_by="s.station_id")
        parts = [
            self._rows_by(OUTSIDE_PEOPLE, f, "station", "station_id",
                          {"people_registered": ROWS}, only, extra),
            self._rows_by(RETURNEES, f, "station", "station_id",
                          {"returnees_referred": ROWS}, only, extra),
            self._scan(PROJECTS, f, "pr.station_id, count(*) AS projects_recommended, "
                       "COALESCE(sum(pr.investment), 0)::BIGINT AS investment_recommended, "
                       f"count(*) FILTER (WHERE {reg.BIG}) AS big_projects_recommended",
                       where=f"pr.station_id IS NOT NULL AND {only.format(col='pr.station_id')}",
                       params=extra, group_by="pr.station_id"),
            self._rows_by(FACTS["activities"], f, "station", "station_id", {
                "activities": reg.get("activities").measure,
                "attendees": reg.Measure("sum", "a.attendees"),
                "donations_yuan": reg.get("donations").measure}, only, extra),
        ]
        for part in parts:
            st = st.merge(part, on="station_id", how="left")
        metric_cols = ["people_registered", "returnees_referred", "projects_recommended",
                       "investment_recommended", "big_projects_recommended", "activities",
                       "attendees", "donations_yuan"]
        st[metric_cols] = st[metric_cols].fillna(0).astype("int64")
        counties = self._reference["counties"].set_index("county_code")
        st["sponsor_zh"] = st["sponsor_county"].map(counties["name_zh"])
        st["sponsor_en"] = st["sponsor_county"].map(counties["name_en"])
        st["opened_on"] = pd.to_datetime(st["opened_on"]).dt.date
        st["sponsor_county"] = st["sponsor_county"].astype("Int64")
        return st.sort_values(["returnees_referred", "station_id"],
                              ascending=[False, True]).reset_index(drop=True)

    def _rows_by(self, fact: Fact, f: Filter, dim: str, name: str,
                 measures: dict[str, reg.Measure], only: str = "TRUE",
                 extra=()) -> pd.DataFrame:
        """`measures` of `fact` per value of `dim` (as column `name`), where one is set;
        `only` ("{col} = ?" with `extra`) narrows to one value."""
        cube = self._cube(fact, *measures.values(), dims=[dim])
        if cube is not None:
            col = f"c.{dim}"
            select = ", ".join([f"{col} AS {name}"] + [f"{cube.measure(m)} AS {alias}"
                                                      for alias, m in measures.items()])
            return self._cube_frame(cube, f, select,
                                    where=f"{col} IS NOT NULL AND {only.format(col=col)}",
                                    params=extra, group_by=col)
        expr = self._dim_expr(fact, dim)
        select = ", ".join([f"{expr} AS {name}"] + [f"{m.sql()} AS {alias}"
                                                   for alias, m in measures.items()])
        return self._scan(fact, f, select,
                          where=f"{expr} IS NOT NULL AND {only.format(col=expr)}",
                          params=list(extra), group_by=expr)

    def station_detail(self, station_id: int, f: Filter = Filter()) -> dict | None:
        """The station card: its register entry (masked) and what it achieved."""
        row = self._station_metrics(f, station_id)
        if row.empty:
            return None
        card = row.iloc[0].to_dict()
        people = self._scan(STATIONS, f, "s.head_name, s.head_mobile, s.honorary_head",
                            where="s.station_id = ?", params=[int(station_id)])
        card.update(mask_frame(people).iloc[0].to_dict())
        card["recent_activities"] = self._scan(
            FACTS["activities"], f, "a.held_on, a.kind, a.title, a.attendees, a.amount_yuan",
            where="a.station_id = ?", params=[int(station_id)],
            order_by="a.held_on DESC LIMIT 10")
        card["projects"] = self._scan(
            PROJECTS, f, "pr.name_zh, pr.county_code, pr.investment, pr.stage, pr.signed_on",
            where="pr.station_id = ?", params=[int(station_id)],
            order_by="pr.investment DESC LIMIT 10")
        cube = self._cube(RETURNEES, reg.Measure("count"), dims=["station", "county"])
        if cube is not None:
            card["counties_served"] = self._cube_frame(
                cube, f, f"c.county AS code, {cube.measure(reg.Measure('count'))} "
                "AS returnees", where="c.station = ?", params=[int(station_id)],
                group_by="code", order_by="returnees DESC")
        else:
            card["counties_served"] = self._scan(
                RETURNEES, f, "r.county_code AS code, count(*) AS returnees",
                where="r.station_id = ?", params=[int(station_id)], group_by="code",
                order_by="returnees DESC")
        return card

    # -- funnel ----------------------------------------------------------------------------
    FUNNEL_STAGES = ("registered", "intending", "returned", "founded", "jobs")

    def return_funnel(self, f: Filter = Filter(), by_county: bool = False) -> pd.DataFrame:
        """Registered outside → intending → returned → founded a business → jobs created.

        Every stage but jobs counts registered people, each once: a person with two
        returnee records, or a returnee who leads two businesses, still counts once. The
        filter picks the people first; their returnee records and businesses are joined to
        that set (returned is a semi join, so it needs no DISTINCT).
        """
        fact = OUTSIDE_PEOPLE
        stages, rows = aggregates.FUNNEL, reg.Measure("count")
        cube = self._cube(fact, rows, *stages.values(), dims=["county"] if by_county else [])
        if cube is not None:
            df = self._cube_frame(
                cube, f, ("c.county" if by_county else "0") + " AS code, "
                f"{cube.measure(rows)} AS registered, "
                + ", ".join(f"{cube.measure(m)} AS {stage}" for stage, m in stages.items()),
                group_by="code")
            return self._funnel_frame(df, by_county)
        cond, params = self._where(fact, self.check(f))
        code = fact.county if by_county else "0"
        sql = (
            f"WITH fp AS (SELECT p.person_id, {code} AS code, p.return_intention "
            f"FROM {fact.source} WHERE {cond}), "
            "lr AS (SELECT returnee_id, outside_person_id AS person_id FROM returnees "
            "WHERE outside_person_id IS NOT NULL), "
            "le AS (SELECT lr.person_id, e.jobs FROM entities e "
            "JOIN lr ON lr.returnee_id = e.returnee_id) "
            "SELECT a.code, a.registered, a.intending, COALESCE(b.returned, 0) AS returned, "
            "COALESCE(c.founded, 0) AS founded, COALESCE(c.jobs, 0)::BIGINT AS jobs "
            "FROM (SELECT code, count(*) AS registered, "
            "count(*) FILTER (WHERE return_intention = 'yes') AS intending "
            "FROM fp GROUP BY code) a "
            "LEFT JOIN (SELECT code, count(*) AS returned FROM fp "
            "SEMI JOIN lr ON lr.person_id = fp.person_id GROUP BY code) b ON b.code = a.code "
            "LEFT JOIN (SELECT fp.code, count(DISTINCT fp.person_id) AS founded, "
            "sum(le.jobs) AS jobs FROM le JOIN fp ON fp.person_id = le.person_id "
            "GROUP BY fp.code) c ON c.code = a.code"
        )
        return self._funnel_frame(self._frame(sql, params), by_county)

    def _funnel_frame(self, df: pd.DataFrame, by_county: bool) -> pd.DataFrame:
        df = df[["code", *self.FUNNEL_STAGES]]
        if by_county:
            df = self._complete(df, "county", [])
            return self._label(df, "county")
        df = df.drop(columns="code").astype("int64")
        return df if len(df) else pd.DataFrame([dict.fromkeys(df.columns, 0)], dtype="int64")

    # -- projects and parks ----------------------------------------------------------------
    def big_projects(self, f: Filter = Filter()) -> pd.DataFrame:
        """The landed projects over 100 million yuan with their recommending station."""
        df = self._scan(
            PROJECTS, f,
            "pr.project_id, pr.name_zh, pr.county_code, pr.industry_code, pr.investment, "
            "pr.stage, pr.signed_on, pr.landed_on, pr.station_id, s.name_zh AS station_zh, "
            "s.level AS station_level, pr.investor, pr.park_id",
            where=reg.BIG, order_by="pr.investment DESC, pr.project_id")
        return self._with_names(df)

    def projects_by_stage(self, f: Filter = Filter()) -> pd.DataFrame:
        return self.breakdown(["projects", "project_investment"], "stage", f)

    def parks(self, f: Filter = Filter()) -> pd.DataFrame:
        """Each park with its tenants, their jobs and the projects it hosts."""
        pk = self._scan(FACTS["parks"], f,
                        "pk.park_id, pk.name_zh, pk.county_code, pk.township, pk.kind, "
                        "pk.opened_on, pk.floor_area_m2, pk.focus_industries, "
                        "pk.incubation_years, pk.free_premises, pk.status, pk.lon, pk.lat",
                        order_by="pk.park_id")
        tenants = self._rows_by(ENTITIES, f, "park", "park_id",
                                {"tenants": ROWS, "tenant_jobs": reg.Measure("sum", "e.jobs")})
        projects = self._scan(PROJECTS, f, "pr.park_id, count(*) AS projects, "
                              "COALESCE(sum(pr.investment), 0)::BIGINT AS project_investment",
                              where="pr.park_id IS NOT NULL", group_by="pr.park_id")
        pk = pk.merge(tenants, on="park_id", how="left").merge(projects, on="park_id",
                                                                 how="left")
        cols = ["tenants", "tenant_jobs", "projects", "project_investment"]
        pk[cols] = pk[cols].fillna(0).astype("int64")
        industries = self._reference["industries"].set_index("industry_code")
        pk["focus_zh"] = pk["focus_industries"].map(
            lambda s: "、".join(industries.at[c, "name_zh"] for c in s.split(",")))
        pk["focus_en"] = pk["focus_industries"].map(
            lambda s: ", ".join(industries.at[c, "name_en"] for c in s.split(",")))
        pk["opened_on"] = pd.to_datetime(pk["opened_on"]).dt.date
        pk[["floor_area_m2", "incubation_years"]] = (
            pk[["floor_area_m2", "incubation_years"]].astype("Int64"))  # whole numbers or none
        return self._with_names(pk)

    def park_tenants(self, park_id: int, f: Filter = Filter()) -> pd.DataFrame:
        df = self._scan(ENTITIES, f, "e.entity_id, e.name_zh, e.entity_type, e.industry_code, "
                        "e.county_code, e.founded_on, e.registered_capital, e.jobs",
                        where="e.park_id = ?", params=[int(park_id)],
                        order_by="e.jobs DESC, e.entity_id")
        return self._with_names(df)

    def _with_names(self, df: pd.DataFrame) -> pd.DataFrame:
        """Add county and industry names beside their codes."""
        ref = self._reference
        if "county_code" in df:
            c = ref["counties"].set_index("county_code")
            df["county_zh"] = df["county_code"].map(c["name_zh"])
            df["county_en"] = df["county_code"].map(c["name_en"])
        if "industry_code" in df:
            i = ref["industries"].set_index("industry_code")
            df["industry_zh"] = df["industry_code"].map(i["name_zh"])
            df["industry_en"] = df["industry_code"].map(i["name_en"])
        return df

    # -- map ---------------------------------------------------------------------------
    def station_points(self, f: Filter = Filter()) -> pd.DataFrame:
        return self.station_ranking(f)

    def station_arcs(self, f: Filter = Filter()) -> pd.DataFrame:
        """From each station to the Heze counties its returnees and projects went to."""
        rows = reg.Measure("count")
        cube = self._cube(RETURNEES, rows, dims=["station", "county"])
        if cube is not None:
            ret = self._cube_frame(cube, f, "c.station AS station_id, c.county AS county_code, "
                                   f"{cube.measure(rows)} AS returnees",
                                   where="c.station IS NOT NULL",
                                   group_by="station_id, county_code")
        else:
            ret = self._scan(RETURNEES, f, "r.station_id, r.county_code, count(*) AS returnees",
                             where="r.station_id IS NOT NULL",
                             group_by="r.station_id, r.county_code")
        pro = self._scan(PROJECTS, f, "pr.station_id, pr.county_code, count(*) AS projects, "
                         "COALESCE(sum(pr.investment), 0)::BIGINT AS investment",
                         where="pr.station_id IS NOT NULL",
                         group_by="pr.station_id, pr.county_code")
        arcs = ret.merge(pro, on=["station_id", "county_code"], how="outer")
        arcs[["returnees", "projects", "investment"]] = (
            arcs[["returnees", "projects", "investment"]].fillna(0).astype("int64"))
        stations = self._frame("SELECT station_id, name_zh AS station_zh, level, lon AS "
                               "source_lon, lat AS source_lat FROM stations")
        counties = self._reference["counties"][["county_code", "name_zh", "lon", "lat"]]
        counties = counties.set_axis(["county_code", "county_zh", "target_lon", "target_lat"],
                                     axis=1)
        arcs = arcs.merge(stations, on="station_id").merge(counties, on="county_code")
        return arcs.sort_values(["returnees", "station_id"], ascending=[False, True],
                                ignore_index=True)

    def people_by_city(self, f: Filter = Filter()) -> pd.DataFrame:
        df = self._rows_by(OUTSIDE_PEOPLE, f, "city", "city_code", {"people": ROWS})
        cities = self._reference["host_cities"][["city_code", "name_zh", "name_en",
                                                 "province_zh", "lon", "lat"]]
        return cities.merge(df, on="city_code").sort_values("people", ascending=False,
                                                            ignore_index=True)

    def county_values(self, keys, f: Filter = Filter()) -> pd.DataFrame:
        """Counties side by side on the given indicators (facts that carry a county)."""
        return self.breakdown(keys, "county", f)

    def describe(self, f: Filter, lang: str = "zh") -> str:
        """The filter in words, for file headers and captions."""
        ref = self._reference
        name = "name_zh" if lang == "zh" else "name_en"
        parts = []
        sep = "、" if lang == "zh" else ", "
        counties = f.counties or self.scope or ()
        if counties:
            names = ref["counties"].set_index("county_code")[name]
            parts.append(f"{t('county', lang)}: " + sep.join(names[c] for c in counties))
        if f.industries:
            names = ref["industries"].set_index("industry_code")[name]
            parts.append(f"{t('industry', lang)}: " + sep.join(names[i] for i in f.industries))
        if f.levels:
            parts.append(f"{t('level', lang)}: "
                         + sep.join(code_label("level", v, lang) for v in f.levels))
        if f.provinces:
            col = "province_zh" if lang == "zh" else "province_en"
            names = ref["provinces"].set_index("province_code")[col]
            parts.append(f"{t('province', lang)}: " + sep.join(names[p] for p in f.provinces))
        if f.start or f.end:
            parts.append(f"{t('period', lang)}: {f.start or '…'} – {f.end or '…'}")
        return ("；" if lang == "zh" else "; ").join(parts) if parts else t("all", lang)
