"""Where a rerun's server CPU goes, per page (AppTest, scale 1): a new filter (result
cache cleared), a warm rerun (the same filter again) and a second session choosing the same
filter just after, split by the CPU time of the script's thread into

- analytics: the queries (every Analytics method and analytics.compare function);
- result cache: Streamlit's caches around them (hashing the key, copying the value out);
- figures and view models: presentation.charts, .kpi, .map_layers, .tables;
- plotly check + JSON: st.plotly_chart turning a figure into its message (plotly's
  validation of a dictionary, then plotly.io.to_json);
- tables → Arrow: st.dataframe / st.table (pandas → Arrow bytes);
- map JSON: st.pydeck_chart (the decks to JSON);
- compiling the scripts: AppTest compiles app.py and the page on every run, a server
  once (so a server's rerun costs the total less this);
- the rest: the page scripts, app.py, the login check, widgets, cards, protobuf.

Each bucket's entry points are wrapped with a timer; a bucket's time is its own, less
the buckets it calls (a cached query: the query is analytics, the rest result cache). `--top N` also prints cProfile's top functions of the first
rerun of each kind. Run by `make bench-profile`.

    python -m bench.profile [--pages overview,map] [--runs 3] [--top 0]
    python -m bench.profile --server 25    # the same buckets inside a real server
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import inspect
import logging
import os
import pstats
import runpy
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import streamlit as st
import streamlit.runtime.scriptrunner.script_runner as runner
from streamlit.runtime.scriptrunner.script_cache import ScriptCache
from streamlit.testing.v1 import AppTest

from bench import login as benchlogin
from bench import pages as bpages
from bench import queries as abench

ROOT = Path(__file__).resolve().parents[1]
PAGES = ["overview", "trends", "stations", "map", "projects", "parks", "counties"]
REPORT = ROOT / "build" / "bench-profile.md"
BUCKETS = ["analytics", "cache", "figures", "plotly", "arrow", "deck", "compile"]
TITLES = {"analytics": "analytics", "cache": "result cache",
          "figures": "figures and view models", "plotly": "plotly check + JSON",
          "arrow": "tables → Arrow", "deck": "map JSON",
          "compile": "compiling the scripts (AppTest only)",
          "rest": "the rest (page, widgets, cards, Streamlit)"}

_PROFILE: dict = {"p": None}
_state = threading.local()
SPENT: dict[str, float] = {}
_SPENT_LOCK = threading.Lock()  # a server runs several sessions' scripts at once


def _add(bucket: str, seconds: float) -> None:
    with _SPENT_LOCK:
        SPENT[bucket] = SPENT.get(bucket, 0.0) + seconds


def _timed(bucket: str, fn):
    """fn, its thread CPU time added to `bucket`, less the time of the buckets it calls
    (the result cache's time is its own, the queries it runs count as analytics)."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        stack = _state.__dict__.setdefault("stack", [])
        stack.append(0.0)  # the time of inner buckets, to take off
        started = time.thread_time()
        try:
            return fn(*args, **kwargs)
        finally:
            elapsed = time.thread_time() - started
            inner = stack.pop()
            _add(bucket, elapsed - inner)
            if stack:
                stack[-1] += elapsed
    return wrapper


def _wrap_module(module, bucket: str) -> None:
    for name, value in list(vars(module).items()):
        if (inspect.isfunction(value) and not name.startswith("_")
                and value.__module__ == module.__name__):
            setattr(module, name, _timed(bucket, value))


def instrument() -> None:
    """Wrap each bucket's entry points; before the app's first run, so the pages bind the
    wrapped functions (pages.charts takes presentation.charts' functions at import)."""
    from streamlit.elements import arrow, deck_gl_json_chart, plotly_chart
    from streamlit.elements import table as st_table

    from analytics import compare
    from analytics.queries import Analytics
    from pages import serving
    from presentation import charts, kpi, map_layers, tables

    for name, value in list(vars(Analytics).items()):
        if inspect.isfunction(value) and not name.startswith("_"):
            setattr(Analytics, name, _timed("analytics", value))
    _wrap_module(compare, "analytics")
    serving._cached = _timed("cache", serving._cached)
    serving._computed = _timed("cache", serving._computed)
    for module in (charts, kpi, map_layers, tables):
        _wrap_module(module, "figures")
    for cls, name, bucket in ((plotly_chart.PlotlyMixin, "plotly_chart", "plotly"),
                              (arrow.ArrowMixin, "dataframe", "arrow"),
                              (st_table.TableMixin, "table", "arrow"),
                              (deck_gl_json_chart.PydeckMixin, "pydeck_chart", "deck")):
        setattr(cls, name, _timed(bucket, getattr(cls, name)))
        # st.plotly_chart … are bound to the main container at import: rebind them.
        setattr(st, name, getattr(st._main, name))
    # AppTest compiles app.py and the page afresh on every run (a new ScriptCache each
    # time); a server compiles each once. Counted apart, so the rest is what a server does.
    ScriptCache.get_bytecode = _timed("compile", ScriptCache.get_bytecode)


def _profiled_run_script(original):
    def run(self, rerun_data):
        prof = _PROFILE["p"]
        started = time.thread_time()
        if prof is not None:
            prof.enable()
        try:
            return original(self, rerun_data)
        finally:
            if prof is not None:
                prof.disable()
            _add("total", time.thread_time() - started)
            _add("reruns", 1)
    return run


def _session(page: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    benchlogin.sign_in_apptest(at, bpages.DATA_DIR)
    at.run()
    if page != "overview":
        at.switch_page(f"pages/{page}.py").run()
    at.run()
    return at


KINDS = {"new": "new filter", "warm": "warm", "shared": "second session",
         "all": "every rerun, mean"}


def measure(page: str, runs: int, top: int) -> dict:
    first, second = _session(page), _session(page)
    results = {kind: [] for kind in ("new", "warm", "shared")}  # "all": the server's
    for i, county in enumerate(abench.COUNTIES[:runs]):
        # new: a filter nobody chose (result caches cleared); warm: the same session again;
        # second session: another user choosing the same filter just after.
        for kind, at in (("new", first), ("warm", first), ("shared", second)):
            if kind == "new":
                st.cache_data.clear()
            if kind != "warm":
                bpages.county_widget(at).set_value([county])
            prof = cProfile.Profile(time.thread_time) if top and i == 0 else None
            _PROFILE["p"] = prof
            SPENT.clear()
            at.run()
            _PROFILE["p"] = None
            if at.exception:
                raise RuntimeError(f"{page}: {at.exception[0].value}")
            spent = {b: SPENT.get(b, 0.0) for b in [*BUCKETS, "total"]}
            spent["rest"] = spent["total"] - sum(spent[b] for b in BUCKETS)
            results[kind].append(spent)
            if prof is not None:
                print(f"\n## {page}, {KINDS[kind]}: top {top} by cumulative CPU time")
                pstats.Stats(prof).sort_stats("cumulative").print_stats(top)
    return {kind: {b: statistics.median(r[b] for r in rows) * 1000
                   for b in [*BUCKETS, "rest", "total"]} for kind, rows in results.items()}


def table(results: dict[str, dict]) -> str:
    head = ("| page | rerun | total CPU (ms) | "
            + " | ".join(TITLES[b] + " (ms)" for b in [*BUCKETS, "rest"]) + " |")
    lines = [head, "|---|---|" + "---:|" * (len(BUCKETS) + 2)]
    for page, kinds in results.items():
        for kind, m in kinds.items():
            lines.append(f"| {page} | {KINDS[kind]} | "
                         f"{m['total']:.0f} | "
                         + " | ".join(f"{m[b]:.0f}" for b in [*BUCKETS, "rest"]) + " |")
    return "\n".join(lines)


def measure_server(sessions: int, changes: int, top: int = 0) -> dict:
    """The same buckets inside a real server process (bench.profiled_serve: ops.serve with
    these timers) while bench.loadtest's sessions open the overview and change the filter
    over the websocket; the mean per rerun over every rerun of the run."""
    import asyncio
    import json

    from bench import loadtest
    from ops.cluster import stop_server, wait_healthy

    data_dir = ROOT / "build" / "load-data"
    benchlogin.ensure_user(data_dir)
    out = ROOT / "build" / "profile-server.json"
    out.unlink(missing_ok=True)
    port = loadtest.free_port()
    url = f"http://127.0.0.1:{port}"
    env = dict(os.environ, HEZE_SNAPSHOT=str(abench.snapshot_for(1)),
               HEZE_DATA_DIR=str(data_dir), HEZE_PROFILE_OUT=str(out))
    stats_path = ROOT / "build" / "profile-server.pstats"
    if top:  # cProfile as well (it slows the server: the buckets are then inflated)
        env["HEZE_PROFILE_STATS"] = str(stats_path)
    with (ROOT / "build" / "profile-server.log").open("wb") as log_file:
        proc = subprocess.Popen(
            [sys.executable, "-m", "bench.profiled_serve", "--server.port", str(port),
             "--server.address", "127.0.0.1"],
            cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT,
            start_new_session=True)
    try:
        wait_healthy(url, proc=proc)
        asyncio.run(loadtest.run_level(url, 1, 1, 1, [], data_dir))  # imports, first run
        before = json.loads(out.read_text()) if out.exists() else {}
        level = asyncio.run(loadtest.run_level(url, sessions, changes, 20200831 + sessions,
                                               [proc.pid], data_dir))
        time.sleep(1)
        after = json.loads(out.read_text())
    finally:
        stop_server(proc)
    if top:
        print(f"\n## server, every rerun: top {top} by cumulative CPU time")
        pstats.Stats(str(stats_path)).sort_stats("cumulative").print_stats(top)
    spent = {k: after.get(k, 0.0) - before.get(k, 0.0) for k in after}
    reruns = max(1, spent.get("reruns", 0))
    result = {b: spent.get(b, 0.0) / reruns * 1000 for b in [*BUCKETS, "total"]}
    result["rest"] = result["total"] - sum(result[b] for b in BUCKETS)
    result["reruns"] = spent.get("reruns", 0)
    result["p95"] = level.pct(0.95)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", default=",".join(PAGES))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--top", type=int, default=0,
                        help="also print the top N functions of the first rerun of each kind")
    parser.add_argument("--server", type=int, metavar="SESSIONS",
                        help="instead: a real server process under this many load-test sessions")
    parser.add_argument("--out", type=Path, default=REPORT)
    args = parser.parse_args(argv)
    if args.server:
        load_before = os.getloadavg()[0]
        m = measure_server(args.server, 6, args.top)
        text = "\n".join([
            f"# Where a rerun's server CPU goes: one server process, {args.server} load-test "
            "sessions (bench.loadtest: the overview, 6 filter changes each)",
            "",
            f"Mean CPU of the script's thread per rerun (ms) over {m['reruns']:.0f} reruns "
            f"(openings and changes); the sessions' change p95 {m['p95']:.2f} s.",
            f"{abench.machine_line(load_before)}.",
            "",
            table({"overview (server)": {"all": m}}),
            "",
        ])
        print(text)
        out = args.out.with_name("bench-profile-server.md")
        out.write_text(text, encoding="utf-8")
        return 0
    logging.disable(logging.WARNING)
    runner._mpa_v1 = lambda path: runpy.run_path(path, run_name="__main__")
    instrument()
    runner.ScriptRunner._run_script = _profiled_run_script(runner.ScriptRunner._run_script)
    os.environ["HEZE_DATA_DIR"] = str(bpages.DATA_DIR)
    benchlogin.ensure_user(bpages.DATA_DIR)
    os.environ["HEZE_SNAPSHOT"] = str(abench.snapshot_for(1))
    load_before = os.getloadavg()[0]
    started = time.monotonic()
    results = {}
    for page in [p for p in args.pages.split(",") if p]:
        abench.log(f"profiling {page} …")
        results[page] = measure(page, args.runs, args.top)
    text = "\n".join([
        "# Where a rerun's server CPU goes (AppTest, cProfile, scale 1)",
        "",
        f"Median of {args.runs} reruns of each kind per page: CPU time of the script's "
        "thread (ms), split by what it was spent on.",
        f"{abench.machine_line(load_before)}; {time.monotonic() - started:.0f} s.",
        "",
        table(results),
        "",
    ])
    print(text)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    abench.log(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
