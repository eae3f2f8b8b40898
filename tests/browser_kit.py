"""The running app in a real Chromium, for every browser test: a streamlit server for a given
snapshot and environment, Debian's Chromium, a page whose traffic is watched, and the helpers
that wait for the app and check what it shows.

Fixtures (registered in tests/conftest.py): ``app_url`` (a server on the session's scale-1
snapshot, one per test module), ``start_app`` (a factory for servers with another snapshot or
environment, stopped at the end of the module), ``browser`` and ``page``.

Uses Debian's /usr/bin/chromium (never ``playwright install``), WebGL through SwiftShader.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Mapping
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np
import pytest
from PIL import Image  # streamlit depends on pillow
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
SHOTS = ROOT / "build" / "screenshots"
TITLE = "菏泽市返乡创业数据看板"
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
LOCAL_SCHEMES = {"data", "blob", "about"}
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-default-apps",
    # WebGL without a GPU: ANGLE on SwiftShader (--disable-gpu would turn WebGL off).
    "--use-gl=angle", "--use-angle=swiftshader", "--enable-unsafe-swiftshader",
]
VIEWPORT = {"width": 1400, "height": 1000}
CHART_TIMEOUT_MS = 90_000
SERVER_START_S = 60


def require_chromium() -> None:
    """Skip the calling module when Debian's chromium is missing, except in CI (the `CI`
    variable is set), where a skipped browser test would pass unseen: there it fails."""
    if CHROMIUM.exists():
        return
    why = f"Debian's chromium is not installed at {CHROMIUM}"
    if os.environ.get("CI"):
        pytest.fail(f"{why}, and CI must run the browser tests", pytrace=False)
    pytest.skip(why, allow_module_level=True)


# -- the app --------------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# Every running app's data directory (its application database), by URL, so a page can be
# signed in to it: a user per role is created with the app.
APP_DATA: dict[str, Path] = {}
ROLE_USERS = {"leader": ("leader", ()), "county": ("county", (371721,)),
              "data_admin": ("data_admin", ()), "admin": ("admin", ())}
PASSWORD = "correct-horse-1"


def make_users(data_dir: Path) -> None:
    """One user per role (county staff: 曹县), each with PASSWORD, unless they exist."""
    from access.service import Access
    from tests.access_support import FAST, SETUP

    acc = Access(data_dir / "app.db", hasher=FAST)
    for name, (role, counties) in ROLE_USERS.items():
        if acc.get_user(name) is None:
            acc.add_user(name, role, by=SETUP, password=PASSWORD, counties=counties)


def sign_in(page: Page, url: str, role: str = "leader") -> None:
    """Give the page's browser context a session of the `role` user of the app at `url`
    (the cookie a password login leaves)."""
    from access.service import Access
    from pages.login_request import COOKIE

    acc = Access(APP_DATA[url] / "app.db")
    login = acc.login_trusted(acc.get_user(role), mode="password", client="browser-test")
    page.context.add_cookies([{"name": COOKIE, "value": login.token, "url": url}])


def audit_log(url: str, **query) -> list:
    """The audit entries of the app at `url` (newest first), as an administrator sees them."""
    from access.service import Access, Actor

    return Access(APP_DATA[url] / "app.db").audit_entries(Actor("cli:test"), **query)


@contextlib.contextmanager
def running_app(snapshot: Path | str | None, env: Mapping[str, str | None] | None = None,
                args: tuple[str, ...] = (), log_dir: Path | None = None) -> Iterator[str]:
    """A streamlit server of app.py on a free local port, serving `snapshot` (as
    $HEZE_SNAPSHOT; None leaves the environment's choice) with `env` on top of this
    process's environment (a None value removes the variable). Unless `env` names a
    HEZE_DATA_DIR, the app gets a data directory of its own with a user per role
    (`sign_in`). Yields its URL once /_stcore/health answers; stops the server on exit."""
    port = _free_port()
    log = Path(log_dir or tempfile.mkdtemp(prefix="streamlit-")) / f"server-{port}.log"
    env = dict(env or {})
    if not env.get("HEZE_DATA_DIR"):
        env["HEZE_DATA_DIR"] = str(log.parent / f"data-{port}")
    data_dir = Path(env["HEZE_DATA_DIR"])
    data_dir.mkdir(parents=True, exist_ok=True)
    make_users(data_dir)
    full_env = dict(os.environ)
    if snapshot is not None:
        full_env["HEZE_SNAPSHOT"] = str(snapshot)
    for key, value in (env or {}).items():
        if value is None:
            full_env.pop(key, None)
        else:
            full_env[key] = value
    url = f"http://127.0.0.1:{port}"
    APP_DATA[url] = data_dir
    try:
        # Only what a test server needs: usage statistics, error details, headless mode and
        # the rest come from .streamlit/config.toml, as for anyone who runs the app.
        with streamlit_process(["app.py", "--server.port", str(port),
                                "--server.address", "127.0.0.1", *args],
                               full_env, log, f"{url}/_stcore/health", fail=pytest.fail):
            yield url
    finally:
        APP_DATA.pop(url, None)


def _raise(message: str) -> None:
    raise RuntimeError(message)


@contextlib.contextmanager
def server_process(command: list[str], env: Mapping[str, str], log: Path, health_url: str,
                   *, start_s: float = SERVER_START_S, fail=_raise) -> Iterator:
    """`python *command` from the project directory with `env`, its output in `log`.
    Yields the process once `health_url` answers 200; `fail(message)` (which raises) if it
    exits or does not answer within `start_s`. Stops it on exit."""
    name = " ".join(command[:2])
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, *command], cwd=ROOT, env=dict(env),
                                stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + start_s
        while True:
            if proc.poll() is not None:
                fail(f"{name} exited ({proc.returncode}):\n{log.read_text()}")
            try:
                with urllib.request.urlopen(health_url, timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                fail(f"{name} did not answer on {health_url}:\n{log.read_text()}")
            time.sleep(0.3)
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def streamlit_process(args: list[str], env: Mapping[str, str], log: Path, health_url: str,
                      *, start_s: float = SERVER_START_S, fail=_raise):
    """`streamlit run *args` as a server_process."""
    return server_process(["-m", "streamlit", "run", *args], env, log, health_url,
                          start_s=start_s, fail=fail)


@pytest.fixture(scope="module")
def app_url(snapshot_file, tmp_path_factory):
    with running_app(snapshot_file, log_dir=tmp_path_factory.mktemp("streamlit")) as url:
        yield url


@pytest.fixture(scope="module")
def start_app(tmp_path_factory):
    """start_app(snapshot, env=None, args=()) -> URL of a further server, stopped at the end
    of the module."""
    with contextlib.ExitStack() as stack:
        def start(snapshot, env=None, args=()):
            return stack.enter_context(running_app(
                snapshot, env, tuple(args), log_dir=tmp_path_factory.mktemp("streamlit")))

        yield start


# -- the browser and the page -------------------------------------------------------------
@pytest.fixture(scope="module")
def browser():
    require_chromium()
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


LOCAL_HTTP = re.compile(r"^https?://(127\.0\.0\.1|localhost)(:\d+)?(/|$)")
LOCAL_WS = re.compile(r"^wss?://(127\.0\.0\.1|localhost)(:\d+)?(/|$)")
# Seen by wait_idle: when the app last started or finished a script run.
STATE_WATCH = """(() => {
    window.__hezeStateAt = performance.now();
    new MutationObserver(() => { window.__hezeStateAt = performance.now(); })
        .observe(document, {subtree: true, attributes: true,
                            attributeFilter: ["data-test-script-state"]});
})();"""


class Traffic:
    """Every URL any page of a browser context asked for: HTTP requests (popups and workers
    included), navigations, and websockets, foreign ones refused before they connect."""

    def __init__(self, context):
        self.urls: list[str] = []
        self.refused: list[str] = []
        context.on("request", lambda req: self.urls.append(req.url))
        context.on("page", self._watch)
        for pg in context.pages:
            self._watch(pg)
        # Block (and so record) anything that is not this machine: a leak fails the test
        # instead of hanging it, and no byte leaves.
        context.route(lambda url: not LOCAL_HTTP.match(url) and urlsplit(url).scheme
                      not in LOCAL_SCHEMES, self._refuse)
        context.route_web_socket(lambda url: not LOCAL_WS.match(url), self._refuse_socket)

    def _watch(self, pg: Page) -> None:
        pg.on("websocket", lambda ws: self.urls.append(ws.url))
        pg.on("popup", lambda popup: self.urls.append(popup.url))

    def _refuse(self, route) -> None:
        self.refused.append(route.request.url)
        route.abort()

    def _refuse_socket(self, ws) -> None:
        self.urls.append(ws.url)
        self.refused.append(ws.url)
        ws.close()

    def foreign(self) -> list[str]:
        """Every URL seen that is not this machine's, once each, in the order first seen."""
        bad = []
        for url in self.urls + self.refused:
            parts = urlsplit(url)
            if parts.scheme in LOCAL_SCHEMES:
                continue
            if parts.hostname not in LOCAL_HOSTS:
                bad.append(url)
        return list(dict.fromkeys(bad))


def new_watched_page(browser, **options) -> Page:
    """A page in a fresh context (zh-CN, the test viewport) whose whole context is watched
    by a Traffic on `page.traffic`: requests of every page and popup, websockets; service
    workers are blocked, since their requests would pass unseen. Close it with
    ``page.context.close()``."""
    context = browser.new_context(**{"viewport": VIEWPORT, "locale": "zh-CN",
                                     "service_workers": "block", **options})
    context.add_init_script(STATE_WATCH)
    traffic = Traffic(context)
    pg = context.new_page()
    pg.traffic = traffic
    return pg


@pytest.fixture
def page(browser):
    pg = new_watched_page(browser)
    for url in APP_DATA:  # signed in as a leader to every app running now
        sign_in(pg, url)
    yield pg
    pg.context.close()


# -- waiting for the app ------------------------------------------------------------------
RUNNING = '[data-testid="stApp"][data-test-script-state="running"]'
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'


def settle(page: Page) -> None:
    """Two animation frames: whatever deck.gl or plotly queued has been drawn."""
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


def wait_idle(page: Page, decks: int = 0, timeout_ms: int = CHART_TIMEOUT_MS,
              quiet_ms: int = 300) -> None:
    """Streamlit finished running the script, has started no other run for `quiet_ms`
    (a widget bound to the URL may start one right after the first), exactly `decks` maps
    (when given) and every chart have drawn something."""
    page.wait_for_function(
        """([decks, quiet]) => {
              const app = document.querySelector('[data-testid="stApp"]');
              if (!app || app.getAttribute('data-test-script-state') !== 'notRunning')
                  return false;
              if (performance.now() - (window.__hezeStateAt || 0) < quiet) return false;
              const charts = [...document.querySelectorAll('[data-testid="stDeckGlJsonChart"]')];
              return (decks ? charts.length === decks : true)
                  && charts.every(e => e.querySelector('canvas'))
                  && [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
                        .every(e => e.querySelector('svg.main-svg'));
          }""", arg=[decks, quiet_ms], timeout=timeout_ms, polling=100)
    settle(page)


def charts_fit(page: Page, timeout_ms: int = CHART_TIMEOUT_MS) -> None:
    """Every plotly chart and map has been redrawn at its container's width (after a
    resize), then two frames drawn."""
    page.wait_for_function(
        """() => [...document.querySelectorAll(
                  '[data-testid="stPlotlyChart"], [data-testid="stDeckGlJsonChart"]')]
              .every(el => {
                  const drawn = el.querySelector('svg.main-svg, canvas');
                  if (!drawn) return false;
                  const w = drawn.getBoundingClientRect().width;
                  return Math.abs(w - el.getBoundingClientRect().width) <= 2;
              })""", timeout=timeout_ms, polling=100)
    settle(page)
    settle(page)


def resize_and_settle(page: Page, width: int, height: int, decks: int = 0) -> None:
    """Set the viewport, then wait for the rerun the new width starts (pages/viewport.py
    reports it after a 250 ms pause) to finish. A width that rounds to the one reported
    before starts no rerun: then only the pause itself is waited for."""
    before = page.evaluate("() => performance.now()")
    page.set_viewport_size({"width": width, "height": height})
    with contextlib.suppress(PlaywrightError):
        page.wait_for_function("(t) => (window.__hezeStateAt || 0) > t", arg=before,
                               timeout=5_000, polling=50)
    wait_idle(page, decks)
    width_known(page, decks)


def attached(action, page: Page, attempts: int = 3):
    """action() again after the app finished a rerun, when the element it acted on was
    replaced under it (a rerun remounts a chart whose width changed)."""
    for attempt in range(attempts):
        try:
            return action()
        except PlaywrightError as err:
            if "not attached" not in str(err) or attempt == attempts - 1:
                raise
            wait_idle(page)
    return None


PAGE_DRAWN = ('[data-testid="stMainBlockContainer"] h1, '
              '[data-testid="stMainBlockContainer"] [data-testid="stAlert"]:visible, '
              '.scr-panel-title')


def open_page(page: Page, url: str, decks: int = 0, ready: str = PAGE_DRAWN) -> None:
    """Load `url` and wait until the app is idle. The first run is followed by a second
    once the browser has reported the page's width (pages/viewport.py), so on a first load
    the app must stay idle for a whole second."""
    page.goto(url, wait_until="domcontentloaded")
    # Something of the page itself is drawn before "not running" can mean "done".
    page.wait_for_selector(ready, timeout=CHART_TIMEOUT_MS)
    wait_idle(page, decks, quiet_ms=1_000)
    width_known(page, decks)


WIDTH_AGREED = """() => {
    const probe = document.querySelector('.st-key-heze_viewport');
    if (!probe) return true;  // no width probe on this page (the login screen)
    const d = document.documentElement.dataset;
    return d.hezeWidthMeasured !== undefined && d.hezeWidthKnown === d.hezeWidthMeasured;
}"""


def width_known(page: Page, decks: int = 0) -> None:
    """The server has drawn the page for the width the browser measured (pages/viewport.py):
    no rerun for the width is still to come. Then idle again."""
    page.wait_for_function(WIDTH_AGREED, timeout=CHART_TIMEOUT_MS, polling=100)
    wait_idle(page, decks)


# -- what the page shows ------------------------------------------------------------------
def assert_no_errors(page: Page, where: str) -> None:
    exceptions = page.locator('[data-testid="stException"]')
    assert exceptions.count() == 0, f"{where}: {exceptions.first.inner_text()[:1500]}"
    errors = page.locator('[data-testid="stAlertContentError"]')
    assert errors.count() == 0, f"{where}: error box: {errors.first.inner_text()[:500]}"


def assert_offline(page: Page, where: str) -> None:
    bad = page.traffic.foreign()
    assert not bad, f"{where}: requests left the machine:\n" + "\n".join(sorted(set(bad)))


def full_screenshot(page: Page, slug: str) -> Path:
    """The whole page: Streamlit scrolls inside stMain, so grow the viewport to fit it."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    height = page.evaluate(
        """() => Math.max(...[...document.querySelectorAll(
              '[data-testid="stMain"], [data-testid="stMainBlockContainer"]')]
              .map(e => e.scrollHeight), window.innerHeight)""")
    page.set_viewport_size({"width": VIEWPORT["width"], "height": min(int(height) + 40, 12000)})
    charts_fit(page)
    path = SHOTS / f"{slug}.png"
    page.screenshot(path=str(path), full_page=True, timeout=CHART_TIMEOUT_MS)
    page.set_viewport_size(VIEWPORT)
    return path


def deck_specs(page: Page) -> list[dict]:
    """The pydeck specs the browser is drawing, in page order: the JSON Streamlit handed to
    each chart, read from the chart component's props."""
    texts = page.evaluate(
        """() => [...document.querySelectorAll('[data-testid="stDeckGlJsonChart"]')].map(el => {
              const key = Object.keys(el).find(k => k.startsWith('__reactFiber'));
              for (let f = key && el[key], i = 0; f && i < 40; f = f.return, i++) {
                  const p = f.memoizedProps;
                  if (p && p.element && typeof p.element.json === 'string') return p.element.json;
              }
              return null;
          })""")
    assert all(texts), "could not read a deck spec from the page"
    return [json.loads(text) for text in texts]


def layer(spec: dict, layer_id: str) -> dict | None:
    return next((lyr for lyr in spec.get("layers", []) if lyr.get("id") == layer_id), None)


def colour_pixels(png: bytes, rgb, tolerance: int = 12) -> int:
    """How many pixels are within `tolerance` of `rgb` on every channel."""
    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=np.int16)
    near = np.abs(pixels - np.array(rgb[:3], dtype=np.int16)) <= tolerance
    return int(near.all(axis=-1).sum())


# -- Chinese text as drawn ----------------------------------------------------------------
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
TOFU = "\u0378"  # an unassigned code point: no font has it, so it is drawn as .notdef
_GLYPHS_JS = """async ([selector, tofu]) => {
    await document.fonts.ready;  // text is not drawn blank while its font still loads
    const el = document.querySelector(selector);
    if (!el) return null;
    el.scrollIntoView({block: 'center'});
    const style = getComputedStyle(el);
    const boxes = root => {
        const out = [];
        const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
            for (let i = 0; i < n.data.length; i++) {
                const r = document.createRange();
                r.setStart(n, i); r.setEnd(n, i + 1);
                const b = r.getBoundingClientRect();
                out.push({ch: n.data[i], x: b.x, y: b.y, w: b.width, h: b.height});
            }
        }
        return out;
    };
    // The missing glyph in the element's own font, size and colour, beside it.
    const probe = document.createElement('span');
    probe.id = '__heze_tofu';
    probe.textContent = tofu;
    probe.style.cssText = 'position: fixed; left: 0; top: 0; z-index: 2147483647; '
        + 'padding: 4px; background: ' + getComputedStyle(document.body).backgroundColor;
    for (const k of ['fontFamily', 'fontSize', 'fontWeight', 'fontStyle', 'color',
                     'lineHeight']) probe.style[k] = style[k];
    document.body.appendChild(probe);
    return {text: el.textContent, font: style.fontFamily, chars: boxes(el),
            tofu: boxes(probe)[0]};
}"""


def _ink(img: np.ndarray, box: dict) -> np.ndarray:
    """The dark pixels of one character cell, as a boolean mask."""
    x0, y0 = max(int(box["x"]), 0), max(int(box["y"]), 0)
    x1, y1 = int(round(box["x"] + box["w"])), int(round(box["y"] + box["h"]))
    return img[y0:y1, x0:x1] < 128


def _same_glyph(a: np.ndarray, b: np.ndarray) -> bool:
    """Two cells show the same shape: same size (±1 px) and at most 3% of pixels differ."""
    if abs(a.shape[0] - b.shape[0]) > 1 or abs(a.shape[1] - b.shape[1]) > 1:
        return False
    h, w = min(a.shape[0], b.shape[0]), min(a.shape[1], b.shape[1])
    return (a[:h, :w] != b[:h, :w]).mean() <= 0.03


def assert_renders_chinese(page: Page, selector: str) -> str:
    """The app's own text in `selector` is Chinese and drawn with real glyphs, in its own
    font: it has at least two different CJK characters, each drawn with ink, each unlike the
    missing-glyph box (tofu) of that font, and no two different characters alike. Fails on
    an English page, on boxes and on blank glyphs. Returns the text."""
    info = page.evaluate(_GLYPHS_JS, [selector, TOFU])
    try:
        assert info is not None, f"no element {selector!r} on the page"
        text = info["text"]
        chars = [c for c in info["chars"] if CJK.match(c["ch"]) and c["w"] > 0]
        assert len({c["ch"] for c in chars}) >= 2, f"{selector} is not Chinese: {text!r}"
        shot = page.screenshot(timeout=CHART_TIMEOUT_MS)
    finally:
        page.evaluate("() => document.getElementById('__heze_tofu')?.remove()")
    img = np.asarray(Image.open(io.BytesIO(shot)).convert("L"))
    tofu = _ink(img, info["tofu"])
    cells = {}
    for c in chars:
        ink = _ink(img, c)
        assert ink.size and ink.mean() > 0.02, f"{c['ch']!r} of {text!r} is drawn blank"
        assert not _same_glyph(ink, tofu), f"{c['ch']!r} of {text!r} is drawn as tofu"
        cells.setdefault(c["ch"], ink)
    shapes = list(cells.items())
    for i, (ch_a, a) in enumerate(shapes):
        for ch_b, b in shapes[i + 1:]:
            assert not _same_glyph(a, b), f"{ch_a!r} and {ch_b!r} of {text!r} look the same"
    return text
