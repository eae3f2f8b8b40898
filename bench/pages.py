"""What a user waits for on every page, in AppTest: a filter nobody chose before (result
cache cleared) and the warm rerun, beside the hand-written reference query set for the
overview's numbers measured in the same run. Run by `make bench` (scales 1 and 10) and
`make bench-100`.

    python -m bench.pages [--scales 1,10] [--runs 5] [--pages overview,map]

Each "new filter" run picks a county not chosen before in that page's session and clears
Streamlit's result cache first, so every analytics call is computed afresh. The server time
is split into analytics (the queries) and the page (figures, tables, serialisation).

Budgets: new filter ≤ 200 ms at scale 1, ≤ 400 ms at scale 10, ≤ 1.5 s at scale 100; warm
rerun ≤ 120 ms; new filter ≤ 3 × the reference. Timings are wall clock on a shared machine:
the load average is printed with them, and the CPU time of the process beside each (what
the run cost; on an idle machine the wall time comes close to it).
"""

from __future__ import annotations

import argparse
import functools
import logging
import os
import runpy
import statistics
import sys
import threading
import time
from pathlib import Path

import streamlit as st
import streamlit.runtime.scriptrunner.script_runner as runner
from streamlit.testing.v1 import AppTest

from analytics.queries import Analytics
from bench import login as benchlogin
from bench import queries as abench

ROOT = Path(__file__).resolve().parents[1]
PAGES = ["overview", "trends", "stations", "map", "projects", "parks", "counties",
         "definitions"]
BUDGET_NEW_MS = {1: 200, 10: 400, 100: 1500}
BUDGET_WARM_MS = 120
RATIO_GOAL = 3.0
COUNTIES = abench.COUNTIES
REPORT = ROOT / "build" / "bench-pages.md"
DATA_DIR = ROOT / "build" / "bench-data"  # the application database the benchmark signs in to

# -- time spent in analytics, per rerun ---------------------------------------------------
_spent = threading.local()


def _timed(method):
    @functools.wraps(method)
    def wrapper(*args, **kwargs):
        depth = getattr(_spent, "depth", 0)
        _spent.depth = depth + 1
        started = time.perf_counter()
        try:
            return method(*args, **kwargs)
        finally:
            _spent.depth = depth
            if depth == 0:  # nested calls (station_points → station_ranking) count once
                ANALYTICS_MS.append((time.perf_counter() - started) * 1000)
    return wrapper


ANALYTICS_MS: list[float] = []
PUBLIC = ("values", "series", "breakdown", "matrix", "station_ranking", "station_detail",
          "return_funnel", "big_projects", "projects_by_stage", "parks", "park_tenants",
          "station_points", "station_arcs", "people_by_city", "county_values", "table_sizes")


def instrument() -> None:
    for name in PUBLIC:
        setattr(Analytics, name, _timed(getattr(Analytics, name)))


# -- one page ----------------------------------------------------------------------------
def county_widget(at: AppTest):
    """The sidebar's county multiselect (keyed ``county``, or per language ``w_county_zh``)."""
    for widget in at.multiselect:
        if widget.key == "county" or (widget.key or "").startswith("w_county_"):
            return widget
    raise LookupError("no county filter on the page")


def measure_page(page: str, runs: int) -> dict:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    benchlogin.sign_in_apptest(at, DATA_DIR)
    at.run()
    if page != "overview":
        at.switch_page(f"pages/{page}.py").run()
    at.run()
    new, new_cpu, new_analytics = [], [], []
    for county in COUNTIES[:runs]:
        st.cache_data.clear()
        county_widget(at).set_value([county])
        ANALYTICS_MS.clear()
        started, cpu = time.perf_counter(), time.process_time()
        at.run()
        new.append((time.perf_counter() - started) * 1000)
        new_cpu.append((time.process_time() - cpu) * 1000)
        new_analytics.append(sum(ANALYTICS_MS))
        if at.exception:
            raise RuntimeError(f"{page}: {at.exception[0].value}")
    warm, warm_cpu = [], []
    for _ in range(runs):
        started, cpu = time.perf_counter(), time.process_time()
        at.run()
        warm.append((time.perf_counter() - started) * 1000)
        warm_cpu.append((time.process_time() - cpu) * 1000)
    return {"new": statistics.median(new), "new_cpu": statistics.median(new_cpu),
            "analytics": statistics.median(new_analytics), "warm": statistics.median(warm),
            "warm_cpu": statistics.median(warm_cpu)}


def measure_reference(path: Path, runs: int) -> float:
    con = abench.open_read_only(path)
    try:
        times, cpu = [], []
        for county in COUNTIES[:runs]:
            started, cpu_started = time.perf_counter(), time.process_time()
            abench.reference_overview(con, county)
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - cpu_started) * 1000)
        return statistics.median(times), statistics.median(cpu)
    finally:
        con.close()


def run_scale(scale: int, path: Path, pages: list[str], runs: int) -> dict:
    os.environ["HEZE_SNAPSHOT"] = str(path)
    st.cache_resource.clear()
    st.cache_data.clear()
    out = {"reference": measure_reference(path, runs), "pages": {}}
    for page in pages:
        abench.log(f"scale {scale}: {page} …")
        out["pages"][page] = measure_page(page, runs)
    out["reference_after"] = measure_reference(path, runs)  # the same run, both ends
    return out


def table(results: dict[int, dict]) -> str:
    lines = ["| page | scale | new filter: wall (ms) | CPU (ms) | of which analytics, wall "
             "(ms) | warm rerun: wall (ms) | CPU (ms) | reference: wall / CPU (ms) | "
             "ratio (wall) | budget met (wall / CPU) |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|:---:|"]
    for scale, res in results.items():
        ref = statistics.mean([res["reference"][0], res["reference_after"][0]])
        ref_cpu = statistics.mean([res["reference"][1], res["reference_after"][1]])
        for page, m in res["pages"].items():
            ratio = m["new"] / ref if ref else float("nan")
            met = m["new"] <= BUDGET_NEW_MS[scale] and m["warm"] <= BUDGET_WARM_MS
            met_cpu = m["new_cpu"] <= BUDGET_NEW_MS[scale] and m["warm_cpu"] <= BUDGET_WARM_MS
            ratio_note = "" if page != "overview" else (" ✓" if ratio <= RATIO_GOAL else " ✗")
            lines.append(f"| {page} | {scale} | {m['new']:.0f} | {m['new_cpu']:.0f} | "
                         f"{m['analytics']:.0f} | {m['warm']:.0f} | {m['warm_cpu']:.0f} | "
                         f"{ref:.0f} / {ref_cpu:.0f} | {ratio:.1f}×{ratio_note} | "
                         f"{'yes' if met else 'no'} / {'yes' if met_cpu else 'no'} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.pages", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scales", default="1,10")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--pages", default=",".join(PAGES))
    parser.add_argument("--out", type=Path, default=REPORT)
    args = parser.parse_args(argv)
    scales = [int(s) for s in args.scales.split(",")]
    pages = [p for p in args.pages.split(",") if p]
    logging.disable(logging.WARNING)  # AppTest's "no runtime" chatter
    # As in tests/conftest.py: run the entry point, as the server does, not the page alone.
    runner._mpa_v1 = lambda path: runpy.run_path(path, run_name="__main__")
    instrument()
    os.environ["HEZE_DATA_DIR"] = str(DATA_DIR)
    benchlogin.ensure_user(DATA_DIR)
    paths = {scale: abench.snapshot_for(scale) for scale in scales}
    load_before = os.getloadavg()[0]
    started = time.monotonic()
    results = {scale: run_scale(scale, paths[scale], pages, args.runs) for scale in scales}
    text = "\n".join([
        "# Pages: a new filter and the warm rerun (AppTest, server time)",
        "",
        f"Median of {args.runs} new filters (a county not chosen before, result cache "
        f"cleared) and {args.runs} warm reruns per page. Reference: the hand-written query "
        "set for the overview's numbers (bench/queries.py), the same filters, measured "
        "before and after the pages. Budgets: new filter "
        + ", ".join(f"≤ {BUDGET_NEW_MS[s]} ms at scale {s}" for s in scales)
        + f"; warm ≤ {BUDGET_WARM_MS} ms; overview ≤ {RATIO_GOAL:g}× the reference.",
        f"{abench.machine_line(load_before)}; {time.monotonic() - started:.0f} s.",
        "",
        table(results),
        "",
        *(f"Scale {scale} snapshot built in this run: {b['seconds']:.0f} s, peak memory "
          f"{b['peak_gb']:.1f} GB, file {b['size_gb']:.2f} GB." for scale, b in
          abench.BUILDS.items()),
        "",
    ])
    print(text)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    abench.log(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
