"""How long each analytics query takes at scale 1 and scale 10.

    python -m bench.queries [--runs N]     (make bench)

Builds build/bench-1.duckdb and build/bench-10.duckdb once (reused while newer than the
generator and its reference data; scale 10 takes about a minute), then times every public
query unfiltered and with a county + industry filter: the median of N runs after one
warm-up. Prints a Markdown table and writes it to build/bench-analytics.md.

Budget: under 100 ms at scale 1 and under 1 s at scale 10, per call.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import duckdb

from analytics.queries import Analytics
from data.snapshot import PROJECT_DIR, open_read_only
from model import indicators as reg
from model.filters import Filter

BUILD_DIR = PROJECT_DIR / "build"
REPORT = BUILD_DIR / "bench-analytics.md"
SCALES = (1, 10)
BUDGET_MS = {1: 100.0, 10: 1000.0}
# The snapshot is stale when any of these is newer (the Makefile's GENERATOR list).
GENERATOR_FILES = (
    [PROJECT_DIR / "data" / name for name in ("identity.py", "reference.py", "snapshot.py",
                                              "schema.sql")]
    + sorted((PROJECT_DIR / "data" / "generate").glob("*.py"))
    + [PROJECT_DIR / "analytics" / "aggregates.py"]
    + [PROJECT_DIR / "model" / name for name in ("indicators.py", "facts.py")]
    + sorted((PROJECT_DIR / "data" / "reference").glob("*.csv"))
)
# The counties a "new filter" run picks in turn (each one not chosen before in its session).
COUNTIES = (371722, 371721, 371702, 371724, 371726, 371723, 371725, 371728, 371703, 371771,
            371772)

FILTERS = {
    "unfiltered": Filter(),
    "county+industry": Filter(counties=[371722], industries=["catering"]),  # 单县 餐饮
}
ALL_KEYS = [i.key for i in reg.INDICATORS]
COUNTY_KEYS = ["returnees", "entities", "jobs", "big_projects", "big_investment",
               "big_station_share"]
INDUSTRY_KEYS = ["returnees", "entities", "jobs", "big_projects", "big_investment"]


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def snapshot_for(scale: int, rebuild: bool = True) -> Path:
    """build/bench-<scale>.duckdb, built unless a fresh one is already there (or, with
    `rebuild` off, unless one is there at all)."""
    from data.generate import DEFAULT_SEED

    path = BUILD_DIR / f"bench-{scale}.duckdb"
    newest_source = max(p.stat().st_mtime for p in GENERATOR_FILES if p.exists())
    if path.exists() and (not rebuild or path.stat().st_mtime > newest_source):
        log(f"reusing {path.relative_to(PROJECT_DIR)}")
        return path
    log(f"building {path.relative_to(PROJECT_DIR)} (scale {scale}) …")
    started = time.monotonic()
    # In a process of its own, so its peak memory is its own.
    subprocess.run([sys.executable, "-m", "data.generate", "--seed", str(DEFAULT_SEED),
                    "--scale", str(scale), "--out", str(path)], cwd=PROJECT_DIR, check=True)
    BUILDS[scale] = {"seconds": time.monotonic() - started,
                     "peak_gb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 2**20,
                     "size_gb": path.stat().st_size / 2**30}
    log(f"built in {BUILDS[scale]['seconds']:.0f} s, peak memory "
        f"{BUILDS[scale]['peak_gb']:.1f} GB, file {BUILDS[scale]['size_gb']:.2f} GB")
    return path


BUILDS: dict[int, dict] = {}  # what building each snapshot took, in this run


def machine_line(load_before: float) -> str:
    return (f"{date.today().isoformat()}, DuckDB {duckdb.__version__}, Python "
            f"{sys.version.split()[0]}, {os.cpu_count()} CPUs, load average "
            f"{load_before:.1f} before and {os.getloadavg()[0]:.1f} after (wall clock on a "
            "shared machine: other work inflates it)")


# -- the hand-written reference: the overview's numbers, one query per fact ----------------
REFERENCE_SQL = {
    # headline value now and a year before, and the yearly series behind the sparklines
    "stations": "SELECT year(opened_on) AS y, count(*), count(*) FILTER (WHERE opened_on <= $p) "
                "FROM stations WHERE sponsor_county = $c GROUP BY GROUPING SETS ((y), ())",
    "returnees": "SELECT year(returned_on) AS y, count(*), "
                 "count(*) FILTER (WHERE returned_on <= $p) FROM returnees "
                 "WHERE county_code = $c GROUP BY GROUPING SETS ((y), ())",
    # also the industry mix
    "entities": "SELECT year(founded_on) AS y, industry_code, count(*), sum(jobs)::BIGINT, "
                "count(*) FILTER (WHERE founded_on <= $p), "
                "sum(jobs) FILTER (WHERE founded_on <= $p)::BIGINT FROM entities "
                "WHERE county_code = $c GROUP BY GROUPING SETS ((y), (industry_code), ())",
    # big projects: count, investment, recommended share; by county is the one county
    "projects": "SELECT year(COALESCE(landed_on, signed_on)) AS y, "
                "count(*) FILTER (WHERE landed_on IS NOT NULL AND investment >= 10000), "
                "sum(investment) FILTER (WHERE landed_on IS NOT NULL AND investment >= 10000), "
                "count(*) FILTER (WHERE landed_on IS NOT NULL AND investment >= 10000 "
                "AND station_id IS NOT NULL), count(*) FILTER (WHERE landed_on IS NOT NULL "
                "AND investment >= 10000 AND COALESCE(landed_on, signed_on) <= $p) "
                "FROM projects WHERE county_code = $c GROUP BY GROUPING SETS ((y), ())",
    # the funnel: people registered, intending, returned, founded (each once), jobs
    "funnel": "WITH fp AS (SELECT person_id, return_intention FROM outside_people "
              "WHERE home_county = $c), "
              "pr AS (SELECT r.outside_person_id AS pid, count(e.entity_id) > 0 AS founded, "
              "sum(e.jobs) AS jobs FROM returnees r SEMI JOIN fp "
              "ON fp.person_id = r.outside_person_id "
              "LEFT JOIN entities e ON e.returnee_id = r.returnee_id GROUP BY pid) "
              "SELECT count(*), count(*) FILTER (WHERE return_intention = 'yes'), "
              "count(pr.pid), count(*) FILTER (WHERE pr.founded), "
              "COALESCE(sum(pr.jobs), 0)::BIGINT FROM fp LEFT JOIN pr ON pr.pid = fp.person_id",
}


def reference_overview(con: duckdb.DuckDBPyConnection, county: int) -> dict:
    """Every number the overview shows for one county, by hand-written SQL: the cost of
    the numbers themselves, which the page is measured against."""
    as_of = con.execute("SELECT as_of FROM snapshot").fetchone()[0]
    prev = as_of - timedelta(days=365)
    out = {}
    for name, sql in REFERENCE_SQL.items():
        params = {"c": county} if "$p" not in sql else {"c": county, "p": prev}
        out[name] = con.execute(sql, params).fetchall()
    return out


class Case:
    """One public query, called with a filter; `prepare` picks ids that exist for it."""

    def __init__(self, name: str, call: Callable[[Analytics, Filter, dict], object]):
        self.name = name
        self.call = call


CASES: tuple[Case, ...] = (
    Case("values (all indicators)", lambda a, f, ids: a.values(ALL_KEYS, f)),
    Case("series year", lambda a, f, ids: a.series("returnees", f, grain="year")),
    Case("series month", lambda a, f, ids: a.series("returnees", f, grain="month")),
    Case("series month cumulative",
         lambda a, f, ids: a.series("entities", f, grain="month", cumulative=True)),
    Case("series year split by county",
         lambda a, f, ids: a.series("returnees", f, grain="year", split="county")),
    Case("breakdown county", lambda a, f, ids: a.breakdown(COUNTY_KEYS, "county", f)),
    Case("breakdown industry", lambda a, f, ids: a.breakdown(INDUSTRY_KEYS, "industry", f)),
    Case("matrix", lambda a, f, ids: a.matrix("entities", f)),
    Case("station_ranking", lambda a, f, ids: a.station_ranking(f)),
    Case("station_detail", lambda a, f, ids: a.station_detail(ids["station"], f)),
    Case("return_funnel", lambda a, f, ids: a.return_funnel(f)),
    Case("return_funnel by county", lambda a, f, ids: a.return_funnel(f, by_county=True)),
    Case("big_projects", lambda a, f, ids: a.big_projects(f)),
    Case("projects_by_stage", lambda a, f, ids: a.projects_by_stage(f)),
    Case("parks", lambda a, f, ids: a.parks(f)),
    Case("park_tenants", lambda a, f, ids: a.park_tenants(ids["park"], f)),
    Case("station_arcs", lambda a, f, ids: a.station_arcs(f)),
    Case("people_by_city", lambda a, f, ids: a.people_by_city(f)),
)


def ids_for(an: Analytics, f: Filter) -> dict:
    """A station and a park that the filter keeps, so the detail queries do real work."""
    ranking = an.station_ranking(f)
    parks = an.parks(f).sort_values("tenants", ascending=False)
    return {"station": int(ranking["station_id"].iloc[0]) if len(ranking) else 1,
            "park": int(parks["park_id"].iloc[0]) if len(parks) else 1}


def median_ms(call: Callable[[], object], runs: int) -> float:
    call()  # warm-up
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def measure(path: Path, runs: int) -> dict[tuple[str, str], float]:
    con = open_read_only(path)
    try:
        con.execute("SET enable_progress_bar = false")  # it writes to stderr on long queries
        an = Analytics(con)
        out = {}
        for filter_name, f in FILTERS.items():
            ids = ids_for(an, f)
            for case in CASES:
                out[(case.name, filter_name)] = median_ms(
                    lambda c=case, f=f, ids=ids: c.call(an, f, ids), runs)
        return out
    finally:
        con.close()


def table(results: dict[int, dict[tuple[str, str], float]]) -> str:
    head = ["function"] + [f"scale {s} (ms)" for s in SCALES] + ["budget met"]
    lines = ["| " + " | ".join(head) + " |",
             "|" + "|".join(["---"] + ["---:"] * len(SCALES) + [":---:"]) + "|"]
    for case in CASES:
        for filter_name in FILTERS:
            ms = {s: results[s][(case.name, filter_name)] for s in SCALES}
            met = all(ms[s] < BUDGET_MS[s] for s in SCALES)
            cells = [f"{case.name} — {filter_name}"] + [f"{ms[s]:.1f}" for s in SCALES]
            lines.append("| " + " | ".join(cells + ["yes" if met else "**no**"]) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.queries", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7, help="timed runs after one warm-up")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")

    paths = {scale: snapshot_for(scale) for scale in SCALES}
    load_before = os.getloadavg()[0]
    results = {}
    for scale, path in paths.items():
        log(f"timing scale {scale} ({args.runs} runs after a warm-up) …")
        results[scale] = measure(path, args.runs)

    budget = " and ".join(f"< {BUDGET_MS[s]:g} ms at scale {s}" for s in SCALES)
    text = "\n".join([
        "# Analytics benchmark",
        "",
        f"Median of {args.runs} calls after one warm-up, per public query, unfiltered and "
        f"with {FILTERS['county+industry'].counties[0]} 单县 + catering. Budget: {budget}.",
        machine_line(load_before) + ".",
        "",
        table(results),
        "",
    ])
    print(text)
    BUILD_DIR.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(text, encoding="utf-8")
    log(f"written to {REPORT.relative_to(PROJECT_DIR)}")
    missed = sum(1 for s in SCALES for k, ms in results[s].items() if ms >= BUDGET_MS[s])
    if missed:
        log(f"{missed} measurement(s) over budget")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
