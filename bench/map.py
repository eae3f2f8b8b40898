"""Where the map page's time goes: what it sends, what the server spends, what the browser
spends drawing each layer.

    python -m bench.map [--snapshot FILE] [--runs 3] [--no-browser]

1. Server (AppTest, signed in as a leader): the bytes of each deck and of each layer in it
   (the JSON the browser downloads and parses on every rerun), the layer count, and the
   server time of the map's rerun (warm, and with a new filter and the result cache
   cleared) beside the overview's, measured in the same run.
2. Browser (Debian's Chromium, WebGL on SwiftShader): the first load of the trivial page,
   the overview and the map, and the map's decks replayed with one group of layers at a
   time (bench/map_layers_app.py), so the cost of each layer is seen without the server.
   A load counts as done when the script has finished, every chart has drawn and the
   page's main thread has had no long task (> 50 ms) for a second; "busy" is the sum of
   the long tasks until then (JavaScript: parsing, tessellating, building font atlases).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import runpy
import statistics
import subprocess
import sys
import time
from pathlib import Path

import streamlit as st
import streamlit.runtime.scriptrunner.script_runner as runner
from streamlit.testing.v1 import AppTest

from bench import login as benchlogin
from bench import queries as abench
from bench.loadtest import free_port, start_server
from bench.pages import DATA_DIR, county_widget
from ops.cluster import stop_server, wait_healthy

ROOT = Path(__file__).resolve().parents[1]
REPORT = ROOT / "build" / "bench-map.md"
DECKS = ROOT / "build" / "bench-map-decks.json"
COUNTIES = abench.COUNTIES
# The decks' layers replayed alone or in groups (bench/map_layers_app.py's query string).
REPLAYS = {
    "nothing (two empty maps)": {"national": "-", "heze": "-"},
    "outlines (provinces, lines)": {"national": "provinces,province_lines"},
    "province names": {"national": "province_labels"},
    "stations": {"national": "stations"},
    "arcs": {"national": "arcs"},
    "city names": {"national": "city_labels"},
    "Heze counties and names": {"heze": "counties,county_labels"},
    "all layers (what the page draws)": {"national": "*", "heze": "*"},
}
QUIET = """([decks, quietMs]) => {
    const app = document.querySelector('[data-testid="stApp"]');
    if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
    const charts = [...document.querySelectorAll('[data-testid="stDeckGlJsonChart"]')];
    if (charts.length < decks || !charts.every(e => e.querySelector('canvas'))) return false;
    if (![...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
            .every(e => e.querySelector('svg.main-svg'))) return false;
    const last = Math.max(window.__benchLastLong || 0, window.__benchSeen || 0);
    if (!window.__benchSeen) { window.__benchSeen = performance.now(); return false; }
    return performance.now() - last > quietMs;
}"""
OBSERVE = """() => {
    window.__benchLong = 0; window.__benchLastLong = 0;
    new PerformanceObserver(list => {
        for (const e of list.getEntries()) {
            window.__benchLong += e.duration;
            window.__benchLastLong = Math.max(window.__benchLastLong, e.startTime + e.duration);
        }
    }).observe({type: 'longtask', buffered: true});
}"""


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _kb(value) -> float:
    return len(json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()) / 1024


# -- 1. server ---------------------------------------------------------------------------
def _app(page: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    benchlogin.sign_in_apptest(at, DATA_DIR)
    at.run()
    if page != "overview":
        at.switch_page(f"pages/{page}.py").run()
    at.run()
    return at


def server_times(page: str, runs: int) -> dict:
    at = _app(page)
    new, warm = [], []
    for county in COUNTIES[:runs]:
        st.cache_data.clear()
        county_widget(at).set_value([county])
        started = time.perf_counter()
        at.run()
        new.append((time.perf_counter() - started) * 1000)
    for _ in range(runs):
        started = time.perf_counter()
        at.run()
        warm.append((time.perf_counter() - started) * 1000)
    return {"new": statistics.median(new), "warm": statistics.median(warm)}


def map_payload() -> tuple[list[str], dict]:
    """Per deck and layer: KB of JSON, rows; and the decks themselves for the replay."""
    at = _app("map")
    charts = at.get("deck_gl_json_chart")
    names = ["national", "heze"][:len(charts)]
    saved, lines = {}, ["| deck | layer | type | rows | KB |", "|---|---|---|---:|---:|"]
    total = 0.0
    for name, chart in zip(names, charts, strict=True):
        spec = json.loads(chart.proto.json)
        saved[name] = {"spec": spec, "tooltip": chart.proto.tooltip,
                       "height": 640 if name == "national" else 480}
        for layer in spec["layers"]:
            data = layer.get("data")
            rows = len(data) if isinstance(data, list) else f"URL {data}"
            lines.append(f"| {name} | {layer['id']} | {layer['@@type']} | {rows} | "
                         f"{_kb(layer):.1f} |")
        kb = len(chart.proto.json.encode()) / 1024
        total += kb
        lines.append(f"| **{name}** | {len(spec['layers'])} layers | | | **{kb:.1f}** |")
    lines.append(f"| **both decks** | | | | **{total:.1f}** |")
    return lines, saved


# -- 2. browser --------------------------------------------------------------------------
def first_load(browser, url: str, decks: int, cookie: str | None = None) -> dict:
    from bench.browser import VIEWPORT

    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
    if cookie:
        name, value = cookie.split("=", 1)
        context.add_cookies([{"name": name, "value": value, "url": url}])
    context.route("**/*", lambda route: route.abort()
                  if not route.request.url.startswith(("http://127.0.0.1", "ws://127.0.0.1"))
                  else route.continue_())
    context.add_init_script(f"({OBSERVE})()")
    page = context.new_page()
    started = time.perf_counter()
    page.goto(url, wait_until="domcontentloaded")
    page.wait_for_function(QUIET, arg=[decks, 1000], timeout=180_000, polling=100)
    seconds = time.perf_counter() - started - 1.0  # the quiet second is not the page's
    busy = page.evaluate("() => window.__benchLong") / 1000
    context.close()
    return {"first": seconds, "busy": busy}


def browser_study(snapshot: Path, runs: int, replays: bool = True) -> list[str]:
    from playwright.sync_api import sync_playwright

    from bench.browser import CHROMIUM, CHROMIUM_ARGS

    port, trivial_port, replay_port = free_port(), free_port(), free_port()
    build = ROOT / "build"
    app = start_server(snapshot, port, build / "map-app.log", data_dir=DATA_DIR)
    others = []
    for script, p, env in (("trivial_app.py", trivial_port, {}),
                           ("map_layers_app.py", replay_port, {"HEZE_BENCH_DECKS": str(DECKS)})):
        out = (build / f"map-{script}.log").open("wb")
        others.append(subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "bench" / script),
             "--server.port", str(p), "--server.address", "127.0.0.1",
             "--server.headless", "true", "--browser.gatherUsageStats", "false"],
            cwd=ROOT, env=dict(os.environ, **env), stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True))
    rows = []
    try:
        base = f"http://127.0.0.1:{port}"
        wait_healthy(base, proc=app)
        for p, proc in zip((trivial_port, replay_port), others, strict=True):
            wait_healthy(f"http://127.0.0.1:{p}", proc=proc)
        spec = json.loads(DECKS.read_text(encoding="utf-8"))
        targets = [("trivial page (one plotly chart)", f"http://127.0.0.1:{trivial_port}", 0,
                    None),
                   ("overview", f"{base}/overview", 0, "cookie"),
                   ("map", f"{base}/map", 2, "cookie")]
        for label, query in (REPLAYS.items() if replays else ()):
            parts = []
            for name, ids in query.items():
                if ids == "*":
                    ids = ",".join(layer["id"] for layer in spec[name]["spec"]["layers"])
                parts.append(f"{name}={ids or '-'}")
            targets.append((f"replay: {label}",
                            f"http://127.0.0.1:{replay_port}/?{'&'.join(parts)}",
                            len(query), None))
        results = {label: [] for label, *_ in targets}
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                for _label, url, decks, cookie in targets:  # once each, unmeasured: caches
                    first_load(browser, url, decks,
                               benchlogin.cookie(DATA_DIR) if cookie else None)
                for i in range(runs):  # rounds, so a busy minute hits every target alike
                    for label, url, decks, cookie in targets:
                        log(f"round {i + 1}: {label} …")
                        results[label].append(first_load(
                            browser, url, decks, benchlogin.cookie(DATA_DIR) if cookie else None))
            finally:
                browser.close()
    finally:
        stop_server(app)
        for proc in others:
            stop_server(proc)
    trivial = statistics.median(r["first"] for r in results[targets[0][0]])
    overview = statistics.median(r["first"] for r in results["overview"])
    rows = ["| what | first load, median (s) | × trivial | × overview | main thread busy "
            "(s) |", "|---|---:|---:|---:|---:|"]
    for label, got in results.items():
        first = statistics.median(r["first"] for r in got)
        busy = statistics.median(r["busy"] for r in got)
        rows.append(f"| {label} | {first:.2f} | {first / trivial:.1f}× | "
                    f"{first / overview:.1f}× | {busy:.2f} |")
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.map", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--snapshot", type=Path, default=ROOT / "build" / "bench-1.duckdb")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--no-replays", action="store_true",
                        help="in the browser, only the trivial page, the overview and the map")
    parser.add_argument("--out", type=Path, default=REPORT)
    args = parser.parse_args(argv)
    if not args.snapshot.exists():
        args.snapshot = abench.snapshot_for(1)
    logging.disable(logging.WARNING)
    runner._mpa_v1 = lambda path: runpy.run_path(path, run_name="__main__")
    os.environ["HEZE_DATA_DIR"] = str(DATA_DIR)
    os.environ["HEZE_SNAPSHOT"] = str(args.snapshot)
    benchlogin.ensure_user(DATA_DIR)
    load_before = os.getloadavg()[0]
    payload, saved = map_payload()
    DECKS.parent.mkdir(parents=True, exist_ok=True)
    DECKS.write_text(json.dumps(saved, ensure_ascii=False), encoding="utf-8")
    times = {page: server_times(page, args.runs) for page in ("overview", "map")}
    server = ["| page | new filter, median (ms) | warm rerun, median (ms) |", "|---|---:|---:|",
              *(f"| {page} | {t['new']:.0f} | {t['warm']:.0f} |" for page, t in times.items())]
    browser = [] if args.no_browser else browser_study(args.snapshot, args.runs,
                                                          not args.no_replays)
    text = "\n".join([
        "# The map page: what it sends, what it costs",
        "",
        abench.machine_line(load_before) + ".",
        "",
        "What the map sends on every rerun (JSON, compact):",
        "",
        *payload,
        "",
        f"Server time (AppTest, median of {args.runs}):",
        "",
        *server,
        "",
        *([f"Browser (Chromium, SwiftShader; median of {args.runs} rounds, each target once "
           "per round):", "", *browser, ""] if browser else []),
    ])
    print(text)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
