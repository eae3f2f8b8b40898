"""The 大屏 in Debian's Chromium at 1920×1080, as a wall display shows it: it fits the screen
with no sidebar or Streamlit chrome, every piece of text is large enough to read across a
room (measured: the computed font sizes), the map of China draws with its South China Sea
inset, and the panels turn on their own without the page reloading or the map being
redrawn. Nothing is fetched from outside the machine."""

from __future__ import annotations

import pytest

from bench.screen import serve
from presentation.screen import (
    CHART_MIN_PX,
    LABEL_PX,
    LEVEL_RGB,
    MAP_LABEL_PX,
    PROVINCE_FILL,
    VALUE_PX,
)
from tests.browser_kit import (
    CHART_TIMEOUT_MS,
    CHROMIUM,
    SHOTS,
    assert_offline,
    colour_pixels,
    deck_specs,
    new_watched_page,
    require_chromium,
    settle,
)

pytestmark = pytest.mark.browser
WALL = {"width": 1920, "height": 1080}
ROTATE = 6
MIN_VALUE_PX, MIN_LABEL_PX, MIN_CHART_PX = 64, 24, 18  # docs/wall-display.md's promise

assert VALUE_PX >= MIN_VALUE_PX and LABEL_PX >= MIN_LABEL_PX
assert CHART_MIN_PX >= MIN_CHART_PX and MAP_LABEL_PX >= MIN_CHART_PX


@pytest.fixture(scope="module")
def screen_url(snapshot_file, tmp_path_factory):
    require_chromium()
    with serve(snapshot_file, tmp_path_factory.mktemp("screen-data"),
               log_dir=tmp_path_factory.mktemp("screen-server")) as (url, _):
        yield url


@pytest.fixture(scope="module")
def wall(browser, screen_url):
    """One wall display, opened once for the module: /screen?rotate=6&refresh=8, in a
    watched context (every request seen; anything not this machine's refused)."""
    assert CHROMIUM.exists()
    page = new_watched_page(browser, viewport=WALL)
    page.goto(f"{screen_url}/screen?rotate={ROTATE}&refresh=8", wait_until="domcontentloaded")
    page.wait_for_function(
        """() => {
            const decks = [...document.querySelectorAll('[data-testid="stDeckGlJsonChart"]')];
            const plots = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')];
            return decks.length === 2 && decks.every(d => d.querySelector('canvas'))
                && plots.length === 2 && plots.every(p => p.querySelector('svg.main-svg'))
                && document.querySelector('.scr-num');
        }""", timeout=CHART_TIMEOUT_MS)
    page.wait_for_timeout(3000)  # deck.gl draws its layers after the canvas appears
    settle(page)
    yield page
    page.context.close()


def test_the_screen_fills_the_wall_without_sidebar_chrome_or_banner(wall):
    size = wall.evaluate("""() => { const m = document.querySelector('[data-testid="stMain"]');
        return [m.scrollWidth, m.scrollHeight, document.documentElement.scrollHeight]; }""")
    assert size[0] <= WALL["width"] and size[1] <= WALL["height"] and size[2] <= WALL["height"], size
    for testid in ("stSidebar", "stHeader", "stToolbar", "stDecoration", "stStatusWidget",
                   "stExpandSidebarButton", "stSidebarCollapsedControl"):
        shown = wall.locator(f'[data-testid="{testid}"]')
        assert all(not shown.nth(i).is_visible() for i in range(shown.count())), testid
    assert not wall.get_by_text("侧边栏 sidebar").is_visible()
    assert not wall.get_by_text("演示数据 banner").is_visible()  # the app's banner, hidden
    assert wall.locator(".scr-tag", has_text="演示数据").is_visible()  # the screen's own tag
    background = wall.evaluate(
        "() => getComputedStyle(document.querySelector('.stApp')).backgroundColor")
    assert background == "rgb(7, 19, 37)"
    SHOTS.mkdir(parents=True, exist_ok=True)
    wall.screenshot(path=str(SHOTS / "screen.png"), timeout=CHART_TIMEOUT_MS)
    assert_offline(wall, "screen")


def test_every_text_on_the_screen_is_large_enough_to_read_across_the_room(wall):
    sizes = wall.evaluate("""() => {
        const px = e => parseFloat(getComputedStyle(e).fontSize);
        const all = sel => [...document.querySelectorAll(sel)].map(px);
        // Every visible element that holds text of its own, in the screen and its charts.
        const texts = [];
        const root = document.querySelector('.st-key-heze_screen');
        for (const e of root.querySelectorAll('*')) {
            const own = [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
            const box = e.getBoundingClientRect();
            if (own && box.width > 0 && box.height > 0
                    && getComputedStyle(e).visibility !== 'hidden')
                texts.push([e.textContent.trim().slice(0, 20), px(e)]);
        }
        return {values: all('.scr-num'), labels: all('.scr-label'), deltas: all('.scr-delta'),
                titles: all('.scr-panel-title'), clock: all('.scr-clock'),
                meta: all('.scr-meta'), captions: all('.scr-caption'),
                chart: all('[data-testid="stPlotlyChart"] svg text'), texts};
    }""")
    assert len(sizes["values"]) == 7 and min(sizes["values"]) >= MIN_VALUE_PX
    for kind in ("labels", "deltas", "titles", "clock", "meta", "captions"):
        assert sizes[kind] and min(sizes[kind]) >= MIN_LABEL_PX, (kind, sizes[kind])
    assert len(sizes["chart"]) > 10 and min(sizes["chart"]) >= MIN_CHART_PX, sizes["chart"]
    small = [t for t in sizes["texts"] if t[1] < MIN_CHART_PX]
    assert not small, small
    for spec in deck_specs(wall):
        for layer in spec["layers"]:
            if layer["@@type"] == "TextLayer":
                assert layer["getSize"] >= MIN_CHART_PX and layer["sizeUnits"] == "pixels"


def test_the_map_of_china_draws_with_the_south_china_sea_inset(wall):
    decks = wall.locator('[data-testid="stDeckGlJsonChart"]')
    main, inset = decks.nth(0), decks.nth(1)
    main_png = main.screenshot(timeout=CHART_TIMEOUT_MS)
    inset_png = inset.screenshot(timeout=CHART_TIMEOUT_MS)
    assert colour_pixels(main_png, PROVINCE_FILL, tolerance=6) > 50_000  # the provinces
    assert colour_pixels(main_png, LEVEL_RGB["city"], tolerance=20) > 200  # city stations
    assert colour_pixels(main_png, LEVEL_RGB["county"], tolerance=20) > 100
    assert colour_pixels(inset_png, PROVINCE_FILL, tolerance=6) > 500  # Hainan and islands
    a, b = main.bounding_box(), inset.bounding_box()
    # The inset sits inside the map's lower right corner.
    assert a["x"] < b["x"] and b["x"] + b["width"] <= a["x"] + a["width"] + 8
    assert a["y"] < b["y"] and b["y"] + b["height"] <= a["y"] + a["height"] + 8
    specs = deck_specs(wall)
    assert [lyr["id"] for lyr in specs[0]["layers"]] == [
        "provinces", "province_lines", "province_labels", "arcs", "stations"]
    assert all(s.get("mapStyle") in (None, "__MAP_STYLE__") for s in specs)  # no tiles


def test_the_panels_turn_on_their_own_without_a_reload_and_the_map_stays(wall):
    before = wall.evaluate("""() => {
        window.__stillHere = true;
        window.__map = document.querySelector('[data-testid="stDeckGlJsonChart"] canvas');
        return [...document.querySelectorAll('.scr-panel-title[data-view]')]
            .map(e => e.dataset.view).concat(
            [document.getElementById('heze-screen-clock').textContent]); }""")
    wall.wait_for_function(
        """(before) => {
            const now = [...document.querySelectorAll('.scr-panel-title[data-view]')]
                .map(e => e.dataset.view);
            return now.length === 2 && now[0] !== before[0] && now[1] !== before[1];
        }""", arg=before, timeout=CHART_TIMEOUT_MS)
    after = wall.evaluate("""() => [window.__stillHere === true,
        document.querySelector('[data-testid="stDeckGlJsonChart"] canvas') === window.__map,
        document.querySelectorAll('canvas').length,
        document.getElementById('heze-screen-clock').textContent]""")
    assert after[0], "the page was reloaded"
    assert after[1], "the map was drawn anew"
    assert after[2] == 2
    # The clock ticks in the browser, every second, between the server's refreshes.
    assert wall.evaluate("() => typeof window.__hezeScreenClock") == "number"
    wall.wait_for_function(
        "(shown) => document.getElementById('heze-screen-clock').textContent !== shown",
        arg=after[3], timeout=3000)
    assert_offline(wall, "screen after turning")
