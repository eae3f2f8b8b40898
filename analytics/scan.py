"""The one way to the fact tables, shared by every query of `analytics.Analytics`.

`Scan` opens the snapshot's reference lists and metadata, checks a filter against them and
builds every FROM and WHERE through `_scan` (the facts) or `_cube_sql` (the pre-summed
tables of data.aggregates), applying the filter and, when one is set, the county scope.
Values are always bound as parameters; the SQL text is composed only from the constant
fragments declared in model.facts and model.indicators.
"""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass
from datetime import date, timedelta

import duckdb
import pandas as pd

from data import aggregates
from model import indicators as reg
from model.facts import FACTS, Fact
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


class Scan:
    """The snapshot, its reference lists, the filter and the county scope: how every query
    reads the facts."""

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

    def _dim_expr(self, fact: Fact, dim: str) -> str:
        expr = {"county": fact.county, "industry": fact.industry, "province": fact.province,
                "station": fact.station}.get(dim) or fact.dims.get(dim)
        if expr is None:
            raise FilterError("error.analytics.no_such_dimension", name=fact.name, dim=dim)
        return expr

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

    @staticmethod
    def _measures(ind: reg.Indicator):
        if ind.is_ratio:
            return [("num", ind.numerator), ("den", ind.denominator)]
        return [("value", ind.measure)]
