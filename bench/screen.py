"""The 大屏 over a long run, and what one timed refresh costs the server.

    python -m bench.screen [--minutes 30] [--rotate 5] [--refresh 10] [--snapshot FILE]

1. In process (AppTest): the median server time of one timed refresh — a fragment-only run
   of the headline strip and of a side panel, as the browser's timers ask for them — warm
   (the data cached for the snapshot) and cold (the cache cleared before each run).
2. A real server and Debian's Chromium at 1920×1080 on /screen for `--minutes`: every
   minute the server's resident memory (RSS) and CPU time, the page's JS heap and DOM node
   count (Chrome DevTools Protocol, Performance.getMetrics) and the WebGL canvases on the
   page. It prints a table and the growth from the first sample after warm-up to the last.

The server runs a small entry script (HARNESS) that draws a sidebar and a banner like the
app's and serves pages/screen.py through st.navigation — the same page code, without the
sign-in, so the run measures the screen alone. The tests use the same harness.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--use-gl=angle", "--use-angle=swiftshader", "--enable-unsafe-swiftshader"]
WALL = {"width": 1920, "height": 1080}
BUDGET_MS = 300

# An entry point like app.py's, reduced to what the screen needs: a sidebar and a banner
# (which the screen must hide), the home page and the two pages of this work by URL. With
# HEZE_TEST_SIGN_IN set it also runs the sign-in gate, as app.py does.
HARNESS = '''
import os
import streamlit as st

ROOT = {root!r}
st.set_page_config(page_title="菏泽市返乡创业数据看板", layout="wide")
if os.environ.get("HEZE_TEST_SIGN_IN"):
    from pages import login
    st.session_state["user"] = login.gate()
st.session_state["_harness_runs"] = st.session_state.get("_harness_runs", 0) + 1
st.sidebar.write("侧边栏 sidebar")
st.warning("演示数据 banner")
pages = [st.Page(lambda: st.write("home"), title="home", url_path="home", default=True),
         st.Page(ROOT + "/pages/screen.py", title="大屏", url_path="screen"),
         st.Page(ROOT + "/pages/annual_targets.py", title="年度目标", url_path="targets")]
st.navigation(pages, position="hidden").run()
'''


def write_harness(directory: Path) -> Path:
    path = Path(directory) / "screen_harness.py"
    path.write_text(HARNESS.format(root=str(ROOT)), encoding="utf-8")
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serve(snapshot: Path, data_dir: Path, *, env: dict | None = None,
          log_dir: Path | None = None) -> Iterator[tuple[str, subprocess.Popen]]:
    """A streamlit server of the harness on a free port; yields (URL, process)."""
    log_dir = Path(log_dir or tempfile.mkdtemp(prefix="screen-"))
    entry = write_harness(log_dir)
    port = free_port()
    full_env = {**os.environ, "HEZE_SNAPSHOT": str(snapshot), "HEZE_DATA_DIR": str(data_dir),
                "PYTHONPATH": str(ROOT), **(env or {})}
    url = f"http://127.0.0.1:{port}"
    from tests.browser_kit import streamlit_process

    with streamlit_process(
            [str(entry), "--server.port", str(port), "--server.address", "127.0.0.1",
             "--server.headless", "true", "--browser.gatherUsageStats", "false"],
            full_env, log_dir / f"server-{port}.log", f"{url}/_stcore/health",
            start_s=60) as proc:
        yield url, proc


# -- what a process uses ------------------------------------------------------------------------
def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# -- one timed refresh, in process ------------------------------------------------------------
def fragment_runs(snapshot: Path, data_dir: Path, runs: int = 15) -> dict[str, tuple]:
    """{fragment: (warm median ms, cold median ms)} of fragment-only runs in AppTest."""
    import logging

    import streamlit as st
    import streamlit.testing.v1.local_script_runner as lsr
    from streamlit.logger import set_log_level
    from streamlit.testing.v1 import AppTest

    set_log_level(logging.ERROR)  # AppTest's "no runtime found" notes

    os.environ["HEZE_SNAPSHOT"] = str(snapshot)
    os.environ["HEZE_DATA_DIR"] = str(data_dir)
    entry = write_harness(Path(tempfile.mkdtemp(prefix="screen-at-")))
    at = AppTest.from_file(str(entry), default_timeout=120)
    at.run()
    at.switch_page(str(ROOT / "pages" / "screen.py")).run()
    names = fragment_names(at)
    original = lsr.RerunData
    out = {}
    for name, fid in names.items():
        timings = {"warm": [], "cold": []}
        for kind in ("warm", "cold"):
            for _ in range(runs):
                if kind == "cold":
                    st.cache_data.clear()
                lsr.RerunData = lambda fid=fid, **kw: original(fragment_id_queue=[fid], **kw)
                try:
                    started = time.perf_counter()
                    at.run()
                    timings[kind].append((time.perf_counter() - started) * 1000)
                finally:
                    lsr.RerunData = original
        out[name] = (statistics.median(timings["warm"]), statistics.median(timings["cold"]))
    return out


FRAGMENTS = {"headline": "screen_headline", "left panel": "screen_left",
             "right panel": "screen_right"}


def fragment_names(at) -> dict[str, str]:
    """The screen's fragment ids by what they draw (their keys in pages/screen.py)."""
    by_key = at._fragment_storage._ids_by_target_key
    return {name: next(iter(by_key[key])) for name, key in FRAGMENTS.items()}


# -- the long run ---------------------------------------------------------------------------
def long_run(url: str, proc: subprocess.Popen, minutes: float, rotate: int,
             refresh: int) -> list[dict]:
    from playwright.sync_api import sync_playwright

    samples = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport=WALL, locale="zh-CN")
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Performance.enable")
        page.goto(f"{url}/screen?rotate={rotate}&refresh={refresh}")
        page.wait_for_selector(".scr-panel-title", timeout=120_000)
        # Count what the browser is sent: each panel turn draws a new panel title, each
        # headline refresh a new strip of figures.
        page.evaluate("""() => { window.__views = 0; window.__strips = 0;
            const seen = new WeakSet();
            new MutationObserver(() => {
              for (const el of document.querySelectorAll('.scr-panel-title[data-view]')) {
                if (!seen.has(el)) { seen.add(el); window.__views++; } }
              for (const el of document.querySelectorAll('.scr-cards')) {
                if (!seen.has(el)) { seen.add(el); window.__strips++; } } })
            .observe(document.body, {subtree: true, childList: true}); }""")
        start = time.monotonic()
        end = start + minutes * 60
        cpu0 = cpu_seconds(proc.pid)
        while True:
            now = time.monotonic()
            metrics = {m["name"]: m["value"]
                       for m in cdp.send("Performance.getMetrics")["metrics"]}
            samples.append({
                "minute": (now - start) / 60, "rss": rss_mib(proc.pid),
                "cpu": cpu_seconds(proc.pid) - cpu0,
                "heap": metrics.get("JSHeapUsedSize", float("nan")) / 2**20,
                "nodes": int(metrics.get("Nodes", 0)),
                "canvases": page.evaluate("() => document.querySelectorAll('canvas').length"),
                "views": page.evaluate("() => window.__views"),
                "strips": page.evaluate("() => window.__strips"),
            })
            if now >= end:
                break
            time.sleep(min(60, max(1, end - now)))
        browser.close()
    return samples


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--rotate", type=int, default=5)
    parser.add_argument("--refresh", type=int, default=10)
    parser.add_argument("--snapshot", type=Path, default=ROOT / "build" / "bench-1.duckdb")
    parser.add_argument("--skip-long", action="store_true", help="only the in-process timing")
    args = parser.parse_args(argv)
    snapshot = args.snapshot
    if not snapshot.exists():
        snapshot = ROOT / "build" / "snapshot.duckdb"
    if not snapshot.exists():
        print(f"snapshot missing: {args.snapshot}", file=sys.stderr)
        return 1
    data_dir = Path(tempfile.mkdtemp(prefix="screen-data-"))

    print(f"snapshot {snapshot}")
    print("| refresh | warm, median (ms) | cold, median (ms) | budget 300 ms met |")
    print("|---|---:|---:|:---:|")
    for name, (warm, cold) in fragment_runs(snapshot, data_dir).items():
        print(f"| {name} | {warm:.0f} | {cold:.0f} | "
              f"{'yes' if warm < BUDGET_MS and cold < BUDGET_MS else 'NO'} |")
    if args.skip_long:
        return 0

    with serve(snapshot, data_dir) as (url, proc):
        samples = long_run(url, proc, args.minutes, args.rotate, args.refresh)
    print(f"\nlong run: {args.minutes:g} min, rotate={args.rotate}s, refresh={args.refresh}s")
    print("| minute | server RSS (MiB) | server CPU (s) | JS heap (MiB) | DOM nodes | canvases "
          "| panel turns | headline refreshes |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for s in samples:
        print(f"| {s['minute']:.1f} | {s['rss']:.1f} | {s['cpu']:.1f} | {s['heap']:.1f} | "
              f"{s['nodes']} | {s['canvases']} | {s['views']} | {s['strips']} |")
    warm = [s for s in samples if s["minute"] >= 2] or samples
    first, last = warm[0], samples[-1]
    runs = last["views"] + last["strips"]  # the fragment runs the browser received
    print(f"\ngrowth after warm-up ({first['minute']:.1f} → {last['minute']:.1f} min): "
          f"server RSS {last['rss'] - first['rss']:+.1f} MiB, JS heap "
          f"{last['heap'] - first['heap']:+.1f} MiB, DOM nodes {last['nodes'] - first['nodes']:+d}")
    if runs:
        print(f"server CPU per timed refresh: {last['cpu'] / runs * 1000:.0f} ms "
              f"({runs} fragment runs, {last['cpu']:.0f} s CPU)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
