"""The running app in a real Chromium (Playwright): every page loads without an error, the
maps draw, clicks on them do what they say, Chinese renders, and nothing leaves the machine.

Uses Debian's /usr/bin/chromium (never ``playwright install``), WebGL through SwiftShader.
Full-page screenshots of every page land in build/screenshots/<slug>.png.
"""

from __future__ import annotations

import ast
import io
import json
import math
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip("Debian's chromium is not installed at /usr/bin/chromium",
                allow_module_level=True)

import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402  (streamlit depends on pillow)
from playwright.sync_api import Page, sync_playwright  # noqa: E402
from playwright.sync_api import TimeoutError as PlaywrightTimeout  # noqa: E402

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
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


def _pages() -> list[tuple[str, str]]:
    """(path, slug) of app.py's PAGES, read from the source (app.py cannot be imported)."""
    tree = ast.parse((ROOT / "app.py").read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "PAGES" for t in node.targets):
            return [(path, slug) for path, _title, slug in ast.literal_eval(node.value)]
    raise AssertionError("app.py has no PAGES list")


PAGES = _pages()


# -- the app and the browser --------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def app_url(snapshot_file, tmp_path_factory):
    port = _free_port()
    log = tmp_path_factory.mktemp("streamlit") / "server.log"
    env = dict(os.environ, HEZE_SNAPSHOT=str(snapshot_file))
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.headless", "true",
             "--browser.gatherUsageStats", "false"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                pytest.fail(f"streamlit exited ({proc.returncode}):\n{log.read_text()}")
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"streamlit did not answer on {url}:\n{log.read_text()}")
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


class Traffic:
    """Every URL the page asked for: HTTP requests and websockets."""

    def __init__(self, page: Page):
        self.urls: list[str] = []
        page.on("request", lambda req: self.urls.append(req.url))
        page.on("websocket", lambda ws: self.urls.append(ws.url))

    def foreign(self) -> list[str]:
        bad = []
        for url in self.urls:
            parts = urlsplit(url)
            if parts.scheme in LOCAL_SCHEMES:
                continue
            if parts.hostname not in LOCAL_HOSTS:
                bad.append(url)
        return bad


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
    # Block (and so record) anything that is not this machine, so a leak cannot hang a test.
    context.route(re.compile(r"^(?!https?://(127\.0\.0\.1|localhost)[:/]).*"),
                  lambda route: route.abort())
    pg = context.new_page()
    pg.traffic = Traffic(pg)
    yield pg
    context.close()


# -- helpers ------------------------------------------------------------------------------
RUNNING = '[data-testid="stApp"][data-test-script-state="running"]'
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'


def settle(page: Page) -> None:
    """Two animation frames: whatever deck.gl or plotly queued has been drawn."""
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


def wait_idle(page: Page, decks: int = 0, timeout_ms: int = CHART_TIMEOUT_MS) -> None:
    """Streamlit finished running the script and every chart has drawn something."""
    page.wait_for_selector(IDLE, timeout=timeout_ms)
    page.wait_for_function(
        """(decks) => {
              const charts = [...document.querySelectorAll('[data-testid="stDeckGlJsonChart"]')];
              return charts.length >= decks && charts.every(e => e.querySelector('canvas'))
                  && [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
                        .every(e => e.querySelector('svg.main-svg'));
          }""", arg=decks, timeout=timeout_ms)
    page.wait_for_timeout(400)
    page.wait_for_selector(IDLE, timeout=timeout_ms)  # no rerun started meanwhile
    settle(page)


def open_page(page: Page, url: str, decks: int = 0) -> None:
    page.goto(url, wait_until="domcontentloaded")
    # Something of the page itself is drawn before "not running" can mean "done".
    page.wait_for_selector('[data-testid="stMainBlockContainer"] '
                           '[data-testid="stElementContainer"]', timeout=CHART_TIMEOUT_MS)
    wait_idle(page, decks)


def click_map(page: Page, x: float, y: float, expect) -> None:
    """Click a map where (x, y) is and wait for the rerun it causes to show `expect`.

    deck.gl counts a click only if the button comes back up within 250 ms of going down,
    and SwiftShader draws on the CPU: on a busy machine the redraw that follows the hover
    can hold the button up too long, and the click is silently lost. So the click is
    repeated (at most three times) if the script did not start running after it."""
    for _attempt in range(3):
        settle(page)
        page.mouse.click(x, y)
        try:
            page.wait_for_selector(RUNNING, timeout=5_000)
        except PlaywrightTimeout:
            if expect.count():  # it ran and finished within the wait
                break
            page.mouse.move(x + 40, y + 40)  # leave and come back for a fresh hover
            page.wait_for_timeout(300)
            page.mouse.move(x, y)
            continue
        break
    expect.first.wait_for(timeout=CHART_TIMEOUT_MS)
    wait_idle(page)


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
    page.wait_for_timeout(800)
    path = SHOTS / f"{slug}.png"
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(VIEWPORT)
    return path


def cjk_renders(page: Page) -> dict:
    """Draw two Chinese characters and a missing glyph (U+FFFF) in the page's font on a
    canvas: with a CJK font each character has its own shape, with none all are the same
    .notdef box (tofu)."""
    return page.evaluate(
        """() => {
            const font = getComputedStyle(document.querySelector('h1') || document.body)
                           .fontFamily;
            const draw = ch => {
                const c = document.createElement('canvas'); c.width = 64; c.height = 64;
                const g = c.getContext('2d');
                g.fillStyle = '#fff'; g.fillRect(0, 0, 64, 64);
                g.fillStyle = '#000'; g.font = `48px ${font}`; g.textBaseline = 'top';
                g.fillText(ch, 4, 4);
                return Array.from(g.getImageData(0, 0, 64, 64).data).join(',');
            };
            const he = draw('菏'), ze = draw('泽'), tofu = draw('\\uFFFF');
            return {font, he_vs_ze: he !== ze, he_vs_tofu: he !== tofu,
                    ze_vs_tofu: ze !== tofu};
        }""")


def _mercator(lon: float, lat: float, zoom: float) -> tuple[float, float]:
    scale = 512 * 2 ** zoom
    x = (lon + 180) / 360 * scale
    y = (1 - math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)) / math.pi) / 2 * scale
    return x, y


def to_screen(view: dict, box: dict, lon: float, lat: float) -> tuple[float, float]:
    """Where deck.gl's MapView draws (lon, lat), in page coordinates."""
    cx, cy = _mercator(view["longitude"], view["latitude"], view["zoom"])
    x, y = _mercator(lon, lat, view["zoom"])
    return box["x"] + box["width"] / 2 + (x - cx), box["y"] + box["height"] / 2 + (y - cy)


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


def deck_box(page: Page, index: int) -> dict:
    chart = page.locator('[data-testid="stDeckGlJsonChart"]').nth(index)
    chart.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    box = chart.locator("canvas").first.bounding_box()
    assert box and box["width"] > 100 and box["height"] > 100, box
    return box


# -- the tests ----------------------------------------------------------------------------
@pytest.mark.parametrize(("path", "slug"), PAGES, ids=[slug for _, slug in PAGES])
def test_page_loads_offline_in_chinese(page, app_url, path, slug):
    open_page(page, f"{app_url}/{slug}")
    assert_no_errors(page, slug)
    # The app's title is on every page: the browser tab reads "<page> · 菏泽市返乡创业数据看板"
    # or the title itself; the sidebar/header text is Chinese.
    assert TITLE in page.title() or page.get_by_text(TITLE).count(), page.title()
    glyphs = cjk_renders(page)
    assert glyphs["he_vs_ze"] and glyphs["he_vs_tofu"] and glyphs["ze_vs_tofu"], glyphs
    shot = full_screenshot(page, slug)
    assert shot.stat().st_size > 10_000
    assert_offline(page, slug)


def test_map_draws_and_a_station_click_opens_its_card(page, app_url):
    open_page(page, f"{app_url}/map", decks=2)
    assert_no_errors(page, "map")
    spec, _heze = deck_specs(page)
    assert "http" not in json.dumps(spec, ensure_ascii=False)
    stations = layer(spec, "stations")["data"]
    colours = {row["level"]: row["color"] for row in stations}
    assert set(colours) == {"city", "county"}

    # The canvas really draws: the station colours (and the province fill) are on screen.
    box = deck_box(page, 0)
    png = page.screenshot(clip=box)
    for level, rgb in colours.items():
        assert colour_pixels(png, rgb) > 30, f"no {level}-level station colour {rgb} drawn"
    base = layer(spec, "provinces")
    assert base and colour_pixels(png, base["getFillColor"], 3) > 5000, "no province fill"

    # Click the city-level station that stands farthest from every other one.
    view = spec["initialViewState"]
    pos = {row["station_id"]: to_screen(view, box, row["lon"], row["lat"]) for row in stations}

    def room(row) -> float:
        x, y = pos[row["station_id"]]
        return min(math.dist((x, y), p) for sid, p in pos.items() if sid != row["station_id"])

    inside = [r for r in stations if r["level"] == "city"
              and box["x"] + 30 < pos[r["station_id"]][0] < box["x"] + box["width"] - 30
              and box["y"] + 30 < pos[r["station_id"]][1] < box["y"] + box["height"] - 30]
    target = max(inside, key=room)
    x, y = pos[target["station_id"]]
    page.mouse.move(x, y)
    tooltip = page.locator(".deck-tooltip").filter(has_text=target["name_zh"])
    tooltip.wait_for(state="visible", timeout=15_000)
    assert "会员数" in tooltip.inner_text()  # the Chinese tooltip, pre-formatted
    card = page.locator('[data-testid="stHeading"]').filter(has_text=target["name_zh"])
    click_map(page, x, y, card)
    assert page.locator('[data-testid="stMetricLabel"]').filter(has_text="会员数").count()
    assert_no_errors(page, "map after a station click")
    full_screenshot(page, "map-station-card")
    assert_offline(page, "map")


def test_county_click_filters_the_dashboard(page, app_url):
    open_page(page, f"{app_url}/map", decks=2)
    _national, spec = deck_specs(page)
    labels = {row["text"]: row["position"] for row in layer(spec, "county_labels")["data"]}
    name = "曹县"
    box = deck_box(page, 1)
    x, y = to_screen(spec["initialViewState"], box, *labels[name])
    page.mouse.move(x, y + 12)  # just below the label, on the county's shape
    page.locator(".deck-tooltip").filter(has_text=name).wait_for(state="visible",
                                                                 timeout=15_000)
    sidebar = page.locator('[data-testid="stSidebar"]')
    chosen = sidebar.locator('[data-testid="stMultiSelect"]').first.get_by_text(name)
    click_map(page, x, y + 12, chosen)
    page.wait_for_url(re.compile(r"[?&]county="), timeout=CHART_TIMEOUT_MS)
    assert name in unquote(page.url), page.url
    # The whole dashboard follows: the header names the filter, the station map shrank.
    assert page.get_by_text(f"县区: {name}").count() or page.get_by_text(f"县区：{name}").count()
    shown = deck_specs(page)[0]
    assert 0 < len(layer(shown, "stations")["data"]) < 246
    assert_no_errors(page, "map after a county click")
    full_screenshot(page, "map-county-filter")
    assert_offline(page, "map")
