"""From the login button to the first page, as a user waits for it: Debian's Chromium
(SwiftShader) on a server as `make run` starts it, a user with a real password (the
application's own argon2 settings), and where the time goes.

    python -m bench.signin [--snapshot FILE] [--runs 3]

Per login: seconds from the click until the overview has finished its run and drawn every
chart, beside the first load of a trivial Streamlit page (bench/trivial_app.py: one filter,
one plotly chart) in the same browser and run — the goal: the click to the first page drawn
takes no longer than the trivial page's first load (ratio ≤ 1.0) — split into the click
until the first page's sidebar is on screen, until its first chart is drawn, and the rest
(the page drawing its charts); the script runs the page asked for (the click, the width
report) until it was drawn and until it settled; the session cookie's arrival (the handoff
route) after the click; and, in this process, one argon2 verification with the same
settings (the server pays it once per login).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench import queries as abench
from bench.loadtest import free_port, start_server
from ops.cluster import stop_server, wait_healthy

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = ROOT / "build" / "signin-data"
REPORT = ROOT / "build" / "bench-signin.md"
USER, PASSWORD = "bench-signin", "bench-signin-Passw0rd"
DRAWN = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
    if (!document.querySelector('[data-testid="stSidebar"]')) return false;
    const charts = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')];
    return charts.length > 0 && charts.every(e => e.querySelector('svg.main-svg'));
}"""
# In the page, from its start: when the first chart's drawing appeared (performance.now()).
FIRST_CHART = """() => {
    const seen = () => {
        if (!window.hezeFirstChart
                && document.querySelector('[data-testid="stPlotlyChart"] svg.main-svg')) {
            window.hezeFirstChart = performance.now();
        }
    };
    new MutationObserver(seen).observe(document, {subtree: true, childList: true});
}"""
# No rerun for the width still to come (pages.viewport) and the page idle.
SETTLED = """() => {
    const d = document.documentElement.dataset;
    const app = document.querySelector('[data-testid="stApp"]');
    return d.hezeWidthMeasured !== undefined && d.hezeWidthKnown === d.hezeWidthMeasured
        && app && app.getAttribute('data-test-script-state') === 'notRunning';
}"""


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def ensure_user() -> None:
    from access.service import Access, Actor

    DATA_DIR.mkdir(parents=True, exist_ok=True)
    acc = Access(DATA_DIR / "app.db")  # the application's argon2 settings
    if acc.get_user(USER) is None:
        acc.add_user(USER, "leader", by=Actor("cli:bench"), password=PASSWORD)


def argon2_ms(runs: int) -> float:
    import argon2

    hasher = argon2.PasswordHasher()
    stored = hasher.hash(PASSWORD)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        hasher.verify(stored, PASSWORD)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def one_login(browser, url: str) -> dict:
    from access.text import t
    from bench.browser import VIEWPORT

    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
    context.route("**/*", lambda route: route.abort()
                  if not route.request.url.startswith(("http://127.0.0.1", "ws://127.0.0.1"))
                  else route.continue_())
    context.add_init_script("(" + FIRST_CHART + ")()")
    page = context.new_page()
    page.set_default_timeout(120_000)
    reruns = Reruns(page)
    page.goto(url + "/")
    page.get_by_label(t("user_name")).fill(USER)
    page.get_by_label(t("password")).fill(PASSWORD)
    page.wait_for_timeout(300)
    clicked = page.evaluate("performance.now()")
    reruns.times.clear()
    started = time.perf_counter()
    page.get_by_role("button", name=t("login")).click()
    cookie = None
    page.wait_for_selector('[data-testid="stSidebar"]', timeout=120_000)
    title = time.perf_counter() - started
    while cookie is None and time.perf_counter() - started < 60:
        if [c for c in context.cookies() if c["name"] == "heze_session"]:
            cookie = time.perf_counter() - started
        else:
            page.wait_for_timeout(50)
    page.wait_for_function(DRAWN, timeout=120_000, polling=50)
    drawn = time.perf_counter() - started
    first = (page.evaluate("window.hezeFirstChart") - clicked) / 1000
    to_drawn = sum(1 for at in reruns.times if at - started <= drawn)
    page.wait_for_function(SETTLED, timeout=120_000, polling=50)
    context.close()
    return {"drawn": drawn, "title": title, "cookie": cookie or float("nan"),
            "first_chart": first, "runs_drawn": to_drawn, "runs_settled": len(reruns.times)}


class Reruns:
    """When the page asked the server for a script run (a BackMsg rerun_script: the login
    click, a width report, a widget): each one is a run of the whole page."""

    def __init__(self, page):
        self.times: list[float] = []
        page.on("websocket", lambda ws: ws.on("framesent", self._sent))

    def _sent(self, payload) -> None:
        from streamlit.proto.BackMsg_pb2 import BackMsg

        if isinstance(payload, str):
            return
        msg = BackMsg()
        msg.ParseFromString(payload)
        if msg.WhichOneof("type") == "rerun_script":
            self.times.append(time.perf_counter())


def trivial_load(browser, url: str) -> float:
    """Seconds from opening the trivial page until its chart is drawn, in a new context."""
    from bench.browser import VIEWPORT

    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(120_000)
    started = time.perf_counter()
    page.goto(url + "/")
    page.wait_for_function(DRAWN, timeout=120_000, polling=50)
    drawn = time.perf_counter() - started
    context.close()
    return drawn


def start_trivial(port: int) -> subprocess.Popen:
    with (ROOT / "build" / "signin-trivial.log").open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "bench" / "trivial_app.py"),
             "--server.port", str(port), "--server.address", "127.0.0.1",
             "--server.headless", "true", "--browser.gatherUsageStats", "false"],
            cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)


def main(argv: list[str] | None = None) -> int:
    from playwright.sync_api import sync_playwright

    from bench.browser import CHROMIUM, CHROMIUM_ARGS

    parser = argparse.ArgumentParser(prog="python -m bench.signin", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--snapshot", type=Path, default=ROOT / "build" / "bench-1.duckdb")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path, default=REPORT)
    args = parser.parse_args(argv)
    if not args.snapshot.exists():
        args.snapshot = abench.snapshot_for(1)
    ensure_user()
    load_before = os.getloadavg()[0]
    verify = argon2_ms(5)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    app = start_server(args.snapshot, port, ROOT / "build" / "signin-app.log", data_dir=DATA_DIR)
    trivial_port = free_port()
    trivial_url = f"http://127.0.0.1:{trivial_port}"
    trivial = start_trivial(trivial_port)
    runs, trivial_runs = [], []
    try:
        wait_healthy(url, proc=app)
        wait_healthy(trivial_url, proc=trivial)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                one_login(browser, url)  # unmeasured: the server's imports, the caches
                trivial_load(browser, trivial_url)  # unmeasured, likewise
                for i in range(args.runs):  # in turns, so both see the same machine
                    log(f"login {i + 1} …")
                    runs.append(one_login(browser, url))
                    trivial_runs.append(trivial_load(browser, trivial_url))
            finally:
                browser.close()
    finally:
        stop_server(app)
        stop_server(trivial)

    def med(key: str) -> float:
        return statistics.median(r[key] for r in runs)

    text = "\n".join([
        "# Login: from the button to the first page drawn (Chromium, SwiftShader)",
        "",
        abench.machine_line(load_before) + ".",
        "",
        "| step | median (s) |", "|---|---:|",
        f"| argon2 verification (server, once per login) | {verify / 1000:.2f} |",
        f"| click → session cookie set (handoff route) | {med('cookie'):.2f} |",
        f"| click → first page's sidebar on screen | {med('title'):.2f} |",
        f"| click → first chart drawn | {med('first_chart'):.2f} |",
        f"| click → first page drawn, every chart | {med('drawn'):.2f} |",
        f"| trivial page (one chart): open → drawn | {statistics.median(trivial_runs):.2f} |",
        f"| **click → first page drawn ÷ trivial page** (goal ≤ 1.0) | "
        f"{med('drawn') / statistics.median(trivial_runs):.2f} |",
        "",
        f"Script runs the page asked for from the click: {med('runs_drawn'):g} until the "
        f"first page was drawn, {med('runs_settled'):g} until no width report was left "
        "(each a run of the whole page; the login's own st.rerun is not counted, it starts "
        "on the server).",
        "",
        f"Median of {len(runs)} logins after one unmeasured, each followed by a first load of "
        "the trivial page; each in a new browser context. Load average "
        f"{os.getloadavg()[0]:.1f} at the end.",
        "",
    ])
    print(text)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
