"""A filter change as a user in a real browser feels it: Debian's Chromium (Playwright,
WebGL on SwiftShader, offline), every page of the dashboard beside a trivial Streamlit page
with one plotly chart measured in the same run. Run by `make bench-browser`.

    python -m bench.browser [--snapshot FILE] [--runs 5]

For each page: open it and let it settle, then choose a county in the sidebar (a new one
each time) and time until the rerun has finished and every chart has drawn again; median of
`--runs`. Also the bytes the websocket brought per change, and the first load of the map.
Goals: ≤ 2× the trivial page (≤ 4× for the map), ≤ 150 KB per change.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

from bench import loadtest
from bench import login as benchlogin

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-default-apps",
    "--use-gl=angle", "--use-angle=swiftshader", "--enable-unsafe-swiftshader",
]
VIEWPORT = {"width": 1400, "height": 1000}
PAGES = ["overview", "trends", "stations", "map", "projects", "parks", "counties",
         "definitions"]
COUNTY_NAMES = ["单县", "曹县", "牡丹区", "巨野县", "鄄城县", "定陶区", "成武县", "东明县"]
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
RUNNING = '[data-testid="stApp"][data-test-script-state="running"]'
GOAL_RATIO = {"map": 4.0}
GOAL_KB = 150
TIMEOUT_MS = 180_000
DRAWN = """(decks) => {
    const charts = [...document.querySelectorAll('[data-testid="stDeckGlJsonChart"]')];
    return charts.length >= decks && charts.every(e => e.querySelector('canvas'))
        && [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
              .every(e => e.querySelector('svg.main-svg'))
        && !document.querySelector('[data-stale="true"]');
}"""


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class Bytes:
    """Bytes the page's websocket received."""

    def __init__(self, page):
        self.total = 0
        page.on("websocket", lambda ws: ws.on("framereceived", self._count))

    def _count(self, payload) -> None:
        self.total += len(payload) if payload is not None else 0


def settled(page, decks: int) -> None:
    page.wait_for_selector(IDLE, timeout=TIMEOUT_MS)
    page.wait_for_function(DRAWN, arg=decks, timeout=TIMEOUT_MS)
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => "
                  "requestAnimationFrame(r)))")


def choose_county(page, name: str, decks: int) -> float:
    """Pick `name` in the sidebar's first multiselect; seconds until all is drawn again."""
    box = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').first
    box.locator("input").first.click()  # the text field, not a chosen tag's close button
    page.keyboard.type(name)
    page.get_by_role("option", name=name).first.wait_for(timeout=TIMEOUT_MS)
    started = time.perf_counter()
    page.keyboard.press("Enter")
    try:
        page.wait_for_selector(RUNNING, timeout=5_000)
    except Exception:  # noqa: BLE001 - a fast rerun may be over before it is seen
        pass
    settled(page, decks)
    seconds = time.perf_counter() - started
    page.keyboard.press("Escape")
    page.wait_for_timeout(300)
    page.wait_for_selector(IDLE, timeout=TIMEOUT_MS)  # nothing else started meanwhile
    return seconds


def measure(browser, url: str, decks: int, runs: int, cookie: str | None = None) -> dict:
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
    if cookie:  # signed in, as a password login leaves the tab
        name, value = cookie.split("=", 1)
        context.add_cookies([{"name": name, "value": value, "url": url}])
    context.route("**/*", lambda route: route.abort()
                  if not route.request.url.startswith(("http://127.0.0.1", "ws://127.0.0.1"))
                  else route.continue_())
    page = context.new_page()
    counter = Bytes(page)
    started = time.perf_counter()
    page.goto(url, wait_until="domcontentloaded")
    # Something of the page itself is drawn (a page may open with an invisible element)
    # before "not running" can mean "done".
    page.wait_for_function(
        """() => [...document.querySelectorAll('[data-testid="stMainBlockContainer"] '
                 + '[data-testid="stElementContainer"]')].some(e => e.offsetHeight > 0)""",
        timeout=TIMEOUT_MS)
    settled(page, decks)
    first = time.perf_counter() - started
    page.wait_for_timeout(500)
    times, sizes = [], []
    for name in COUNTY_NAMES[:runs]:
        before = counter.total
        times.append(choose_county(page, name, decks))
        sizes.append(counter.total - before)
    context.close()
    return {"first": first, "change": statistics.median(times), "times": times,
            "kb": statistics.median(sizes) / 1024}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.browser", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--snapshot", type=Path, default=ROOT / "build" / "bench-1.duckdb")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--pages", default=",".join(PAGES))
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "bench-browser.md")
    args = parser.parse_args(argv)
    if not Path(CHROMIUM).exists():
        log("Debian's chromium is not installed at /usr/bin/chromium")
        return 1
    if not args.snapshot.exists():
        from bench.queries import snapshot_for

        args.snapshot = snapshot_for(1)
    port, trivial_port = loadtest.free_port(), loadtest.free_port()
    data_dir = ROOT / "build" / "browser-data"
    benchlogin.ensure_user(data_dir)
    app = loadtest.start_server(args.snapshot, port, ROOT / "build" / "browser-app.log",
                                data_dir=data_dir)
    with (ROOT / "build" / "browser-trivial.log").open("wb") as out:
        trivial = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "bench" /
                                                           "trivial_app.py"),
             "--server.port", str(trivial_port), "--server.address", "127.0.0.1",
             "--server.headless", "true", "--browser.gatherUsageStats", "false"],
            cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    load_before = os.getloadavg()[0]
    results = {}
    try:
        base = f"http://127.0.0.1:{port}"
        loadtest.wait_healthy(base, proc=app)
        loadtest.wait_healthy(f"http://127.0.0.1:{trivial_port}", proc=trivial)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                log("trivial page …")
                results["trivial"] = measure(browser, f"http://127.0.0.1:{trivial_port}", 0,
                                             args.runs)
                for page in [p for p in args.pages.split(",") if p]:
                    log(f"{page} …")
                    results[page] = measure(browser, f"{base}/{page}",
                                            2 if page == "map" else 0, args.runs,
                                            benchlogin.cookie(data_dir))
                log("trivial page again …")
                again = measure(browser, f"http://127.0.0.1:{trivial_port}", 0, args.runs)
                results["trivial"]["change"] = statistics.median(
                    results["trivial"]["times"] + again["times"])
            finally:
                browser.close()
    finally:
        loadtest.stop_server(app)
        loadtest.stop_server(trivial)
    yard = results["trivial"]["change"]
    lines = ["| page | filter change, median (s) | × trivial page | goal | websocket KB per "
             "change | first load (s) |", "|---|---:|---:|:---:|---:|---:|"]
    for page, r in results.items():
        ratio = r["change"] / yard
        goal = GOAL_RATIO.get(page, 2.0)
        ok = page == "trivial" or (ratio <= goal and r["kb"] <= GOAL_KB)
        lines.append(f"| {page} | {r['change']:.2f} | {ratio:.1f}× | "
                     f"{'—' if page == 'trivial' else ('met' if ok else '**not met**')} | "
                     f"{r['kb']:.0f} | {r['first']:.1f} |")
    text = "\n".join([
        "# Browser: a filter change on a settled page (Chromium, SwiftShader)",
        "",
        f"Median of {args.runs} county choices per page (the trivial page: before and after "
        f"the dashboard's pages). Goals: ≤ 2× the trivial page (≤ 4× for the map), ≤ "
        f"{GOAL_KB} KB per change. Snapshot {args.snapshot.name}; load average "
        f"{load_before:.1f} before, {os.getloadavg()[0]:.1f} after; {os.cpu_count()} CPUs.",
        "",
        *lines,
        "",
    ])
    print(text)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
