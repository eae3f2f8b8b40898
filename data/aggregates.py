"""Aggregates built with the snapshot: the large fact tables pre-summed by every filter
dimension and by month, so a filter nobody chose before is answered from a few hundred
thousand rows instead of millions of joined ones.

What is aggregated is derived from the indicator registry (indicators.py) and the fact
declarations (facts.py), never listed by hand: every measure of every indicator on a cubed
fact becomes a column, so adding an indicator adds its aggregate with the next snapshot.

For each cubed fact there are two tables:

* ``agg_<fact>_month``: one row per month (``d`` = the first day of the month, NULL for
  undated rows) and combination of county, industry, station level, host province and a
  few breakdown dimensions (station, host city, park), with each measure summed;
* ``agg_<fact>_day``: the same by day, ordered by day, used only for the months a period
  boundary cuts through (a period from 2019-03-15 reads whole months from the first table
  and March 2019 day by day from the second, so every boundary stays exact to the day).

People are counted once: the return funnel's stages (returned, founded a business, jobs of
those businesses) are properties of a registered person computed at build time, so they
add up over people like any other count.

A snapshot without these tables (an older file) or without a column (an indicator added or
changed since it was built: column names carry a hash of the measure's SQL) is answered by
the direct SQL in analytics/queries.py; the tests check both paths give the same answers.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

import duckdb

from model import indicators as reg
from model.facts import FACTS, Fact
from model.indicators import Measure

PREFIX = "agg_"
GRAINS = ("month", "day")
# The large fact tables and the breakdown dimensions (besides county, industry, level and
# province, which every cube carries when the fact has them) their cube keeps.
CUBED: dict[str, tuple[str, ...]] = {
    "returnees": ("station",),
    "outside_people": ("station", "city"),
    "entities": ("park",),
    "activities": ("station",),  # small, but its county comes through a join to entities
}
FILTER_DIMS = ("county", "industry", "level", "province")

# Measures the pages need besides the registry's (counts and sums of whole rows).
SUPPORT: dict[str, tuple[Measure, ...]] = {
    "returnees": (Measure("count"),),
    "outside_people": (Measure("count"),),
    "entities": (Measure("count"), Measure("sum", "e.jobs")),
    "activities": (Measure("count"), Measure("sum", "a.attendees")),
}
# The funnel's per-person stages, joined to the outside register at build time.
FUNNEL_JOIN = (
    " LEFT JOIN (SELECT r.outside_person_id AS person_id, "
    "count(e.entity_id) > 0 AS founded, COALESCE(sum(e.jobs), 0)::BIGINT AS jobs "
    "FROM returnees r LEFT JOIN entities e ON e.returnee_id = r.returnee_id "
    "WHERE r.outside_person_id IS NOT NULL GROUP BY r.outside_person_id) fx "
    "ON fx.person_id = p.person_id"
)
FUNNEL = {
    "intending": Measure("count", where="p.return_intention = 'yes'"),
    "returned": Measure("count", where="fx.person_id IS NOT NULL"),
    "founded": Measure("count", where="fx.founded"),
    "jobs": Measure("sum", "fx.jobs", where="fx.person_id IS NOT NULL"),
}


def column_name(m: Measure) -> str:
    """A measure's column: the same definition always gets the same name, a changed one a
    new name (so an older snapshot simply lacks it and the direct SQL answers)."""
    digest = hashlib.sha1(f"{m.agg}|{m.expr}|{m.where}".encode()).hexdigest()[:10]
    return f"m_{m.agg}_{digest}"


def _measure_sql(m: Measure) -> str:
    if m.agg == "count":
        return f"count(*) FILTER (WHERE {m.where})"
    return f"COALESCE(sum({m.expr}) FILTER (WHERE {m.where}), 0)::BIGINT"


@dataclass(frozen=True)
class CubeDef:
    """What one fact's cube holds: dimension columns and measure columns."""

    fact: Fact
    dims: dict[str, str]  # cube column -> expression over the fact's source
    measures: dict[str, Measure] = field(default_factory=dict)  # column -> measure
    labels: dict[str, list[str]] = field(default_factory=dict)  # column -> what uses it

    def table(self, grain: str) -> str:
        return f"{PREFIX}{self.fact.name}_{grain}"

    @property
    def source(self) -> str:
        return self.fact.source + (FUNNEL_JOIN if self.fact.name == "outside_people" else "")


def _dim_exprs(fact: Fact, extra: tuple[str, ...]) -> dict[str, str]:
    dims = {d: getattr(fact, d) for d in FILTER_DIMS if getattr(fact, d) is not None}
    for d in extra:
        expr = fact.station if d == "station" else fact.dims[d]
        dims[d] = expr
    return dims


def definitions() -> dict[str, CubeDef]:
    """Every cube, from the registry: one per cubed fact, a column per distinct measure."""
    out: dict[str, CubeDef] = {}
    for name, extra in CUBED.items():
        fact = FACTS[name]
        cube = CubeDef(fact, _dim_exprs(fact, extra))
        for m in SUPPORT.get(name, ()):
            _add(cube, m, "rows" if m.agg == "count" else f"sum {m.expr}")
        for ind in reg.INDICATORS:
            if ind.fact != name:
                continue
            roles = ([("num", ind.numerator), ("den", ind.denominator)] if ind.is_ratio
                     else [("value", ind.measure)])
            for role, m in roles:
                _add(cube, m, f"{ind.key}" + ("" if role == "value" else f" ({role})"))
        if name == "outside_people":
            for stage, m in FUNNEL.items():
                _add(cube, m, f"funnel {stage}")
        out[name] = cube
    return out


def _add(cube: CubeDef, m: Measure, label: str) -> None:
    col = column_name(m)
    cube.measures.setdefault(col, m)
    cube.labels.setdefault(col, []).append(label)


# -- building ----------------------------------------------------------------------------
def build(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Create every aggregate table in the snapshot being written; returns their names.

    Runs after the fact tables are filled (data.writer.write_atomically), so generated
    and imported snapshots alike carry them."""
    made = []
    for cube in definitions().values():
        dims = ", ".join(f"{expr} AS {col}" for col, expr in cube.dims.items())
        measures = ", ".join(f"{_measure_sql(m)} AS {col}" for col, m in cube.measures.items())
        day, month = cube.table("day"), cube.table("month")
        for table in (day, month):
            con.execute(f"DROP TABLE IF EXISTS {table}")
        # By day from the facts (the one pass over the joined rows), then by month from the
        # days: sums of sums, so both hold exactly the same totals.
        con.execute(
            f"CREATE TABLE {day} AS SELECT {cube.fact.date}::DATE AS d, {dims}, "  # noqa: S608
            f"{measures} FROM {cube.source} GROUP BY ALL ORDER BY d NULLS FIRST")
        summed = ", ".join(f"sum({col})::BIGINT AS {col}" for col in cube.measures)
        # Whole months are read by filter, so they are stored county by county: a county
        # filter then skips the other counties' row groups. Days are read by date range.
        order = ("county NULLS FIRST, " if "county" in cube.dims else "") + "d NULLS FIRST"
        con.execute(
            f"CREATE TABLE {month} AS SELECT date_trunc('month', d)::DATE AS d, "  # noqa: S608
            f"{', '.join(cube.dims)}, {summed} FROM {day} GROUP BY ALL "
            f"ORDER BY {order}")
        for grain in GRAINS:
            _comment(con, cube, grain)
        made += [month, day]
    return made


def _quote(text: str) -> str:
    """A string literal for COMMENT, which takes no parameters (the text is ours: the
    registry's names and measure SQL, never user input)."""
    return "'" + text.replace("'", "''") + "'"


def _comment(con: duckdb.DuckDBPyConnection, cube: CubeDef, grain: str) -> None:
    table = cube.table(grain)
    zh = {"month": "按月", "day": "按日"}[grain]
    comments = {None: f"{cube.fact.name} 的预汇总（{zh}，随快照生成）/ {cube.fact.name} "
                      f"pre-summed by {grain} and filter dimensions, built with the snapshot",
                "d": "日期（按月时为当月第一天）/ date (the first of the month by month)"}
    for col, expr in cube.dims.items():
        comments[col] = f"维度 {col}（{expr}）/ dimension {col} ({expr})"
    for col, m in cube.measures.items():
        uses = ", ".join(cube.labels[col])
        comments[col] = (f"汇总值 {_measure_sql(m)}，用于 {uses} / measure {_measure_sql(m)}, "
                         f"for {uses}")
    for col, text in comments.items():
        target = f"TABLE {table}" if col is None else f"COLUMN {table}.{col}"
        con.execute(f"COMMENT ON {target} IS {_quote(text)}")


# -- reading -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Cube:
    """A cube present in the opened snapshot, with the columns it actually has."""

    definition: CubeDef
    columns: frozenset[str]

    @property
    def fact(self) -> Fact:
        return self.definition.fact

    def has(self, *measures: Measure) -> bool:
        return all(column_name(m) in self.columns for m in measures)

    def has_dims(self, *dims: str) -> bool:
        return all(d in self.definition.dims for d in dims)

    def measure(self, m: Measure, extra: str = "TRUE") -> str:
        """The measure summed over cube rows, optionally under an extra condition on them."""
        col = f"c.{column_name(m)}"
        if extra == "TRUE":
            return f"COALESCE(sum({col}), 0)::BIGINT"
        return f"COALESCE(sum({col}) FILTER (WHERE {extra}), 0)::BIGINT"

    def as_fact(self, source: str) -> Fact:
        """The fact as seen through the cube: the same filter dimensions, on cube columns,
        so analytics' one WHERE builder applies the filter and the scope unchanged."""
        dims = self.definition.dims
        col = {d: (f"c.{d}" if d in dims else None) for d in (*FILTER_DIMS, "station")}
        return replace(self.fact, source=source, date="c.d", county=col["county"],
                       industry=col["industry"], level=col["level"],
                       province=col["province"], station=col["station"],
                       dims={d: f"c.{d}" for d in dims})

    def source(self, boundaries) -> tuple[str, list]:
        """FROM clause (aliased c) and its parameters, exact for every boundary given.

        A boundary b separates days before b from b onwards (a period start is one, the day
        after a period end is another). Whole months come from the monthly table; a month
        that a boundary cuts through comes day by day from the daily table."""
        cut = sorted({b.replace(day=1) for b in boundaries if b is not None and b.day != 1})
        month, day = self.definition.table("month"), self.definition.table("day")
        if not cut:
            return f"{month} c", []
        parts = [f"SELECT * FROM {month} WHERE d IS NULL OR NOT list_contains(?::DATE[], d)"]
        params: list = [cut]
        for first in cut:
            parts.append(f"SELECT * FROM {day} WHERE d >= ? AND d < ?")
            params += [first, _next_month(first)]
        return "(" + " UNION ALL ".join(parts) + ") c", params


def _next_month(first: date) -> date:
    return (first + timedelta(days=32)).replace(day=1)


def available(con: duckdb.DuckDBPyConnection) -> dict[str, Cube]:
    """The cubes this snapshot carries (both grains present), by fact name."""
    try:
        rows = con.execute(
            "SELECT table_name, column_name FROM duckdb_columns() "
            "WHERE schema_name = 'main' AND starts_with(table_name, ?)", [PREFIX]).fetchall()
    except duckdb.Error:
        return {}
    columns: dict[str, set[str]] = {}
    for table, column in rows:
        columns.setdefault(table, set()).add(column)
    out = {}
    for name, cube in definitions().items():
        month, day = columns.get(cube.table("month")), columns.get(cube.table("day"))
        if not month or not day or not set(cube.dims) <= month or "d" not in month:
            continue
        out[name] = Cube(cube, frozenset(month & day))
    return out


def table_names() -> list[str]:
    return [cube.table(g) for cube in definitions().values() for g in GRAINS]
