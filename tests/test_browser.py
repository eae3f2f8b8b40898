"""The running app in a real Chromium (Playwright): every page loads without an error, the
maps draw, clicks on them do what they say, the app's own Chinese text is drawn with real
glyphs, and nothing leaves the machine (the whole browser context is watched: popups,
websockets and service workers included; see tests/browser_kit.py).

Uses Debian's /usr/bin/chromium (never ``playwright install``), WebGL through SwiftShader;
in CI (`CI` set) a missing chromium fails instead of skipping. Full-page screenshots of
every page land in build/screenshots/<slug>.png.
"""

from __future__ import annotations

import ast
import json
import math
import re

import pytest
from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.browser_kit import (
    CHART_TIMEOUT_MS,
    ROOT,
    TITLE,
    assert_no_errors,
    assert_offline,
    assert_renders_chinese,
    attached,
    colour_pixels,
    deck_specs,
    full_screenshot,
    layer,
    open_page,
    require_chromium,
    settle,
    sign_in,
    wait_idle,
)

require_chromium()
pytestmark = pytest.mark.browser


def _pages() -> list[tuple[str, str]]:
    """(path, slug) of app.py's PAGES, read from the source (app.py cannot be imported)."""
    tree = ast.parse((ROOT / "app.py").read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "PAGES" for t in node.targets):
            return [(path, slug) for path, _title, slug in ast.literal_eval(node.value)]
    raise AssertionError("app.py has no PAGES list")


PAGES = _pages()
# The page's own heading: h1, except on the 大屏, which has panel titles instead.
HEADING = {"screen": ".scr-panel-title span"}
DECKS = {"screen": 2}


def role_for(slug: str) -> str:
    """The first role that may open the page (pages/…'s access rules, not a copy of them)."""
    from access import roles

    return next(role for role in ("leader", "county", "data_admin", "admin")
                if roles.page(slug) in roles.PERMISSIONS[role])


def _tooltip_shown(page: Page, x: float, y: float, tooltip) -> None:
    """Hover (x, y) until the map's tooltip shows `tooltip`: deck.gl has picked the object
    there; then let it finish drawing the hover."""
    page.mouse.move(x, y)
    tooltip.wait_for(state="visible", timeout=15_000)
    settle(page)


def click_map(page: Page, x: float, y: float, tooltip, expect) -> None:
    """Click the object under (x, y) — hovered first until its tooltip shows — and wait
    for the rerun the click causes to show `expect`.

    deck.gl counts a click only if the button comes back up within 250 ms of going down;
    SwiftShader draws on the CPU, so a click during the redraw that follows a hover can be
    lost. The click therefore comes only once the hover is drawn. Should the app still not
    start a run within 10 s, the hover is done afresh (off the map until the tooltip
    goes, back until it shows) and the click repeated, once."""
    for attempt in range(2):
        _tooltip_shown(page, x, y, tooltip)
        before = page.evaluate("() => window.__hezeStateAt")
        page.mouse.click(x, y)
        try:
            page.wait_for_function("(t) => window.__hezeStateAt !== t", arg=before,
                                   timeout=10_000, polling=50)
            break
        except PlaywrightTimeout:
            assert attempt == 0, "the app did not react to two clicks on the map"
            # Off the map altogether: 60 px away could still be the same (large) county.
            page.mouse.move(2, 2)
            tooltip.wait_for(state="hidden", timeout=15_000)
    expect.first.wait_for(timeout=CHART_TIMEOUT_MS)
    wait_idle(page)


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


def deck_box(page: Page, index: int) -> dict:
    """The canvas of the index-th map, scrolled into view and drawn there."""
    chart = page.locator('[data-testid="stDeckGlJsonChart"]').nth(index)
    attached(lambda: chart.scroll_into_view_if_needed(timeout=CHART_TIMEOUT_MS), page)
    canvas = chart.locator("canvas").first
    attached(lambda: canvas.evaluate(  # in the viewport and not moving between two frames
        """el => new Promise(done => {
              const still = () => {
                  const a = el.getBoundingClientRect();
                  requestAnimationFrame(() => {
                      const b = el.getBoundingClientRect();
                      if (a.top === b.top && b.top >= 0 && b.bottom <= innerHeight) done();
                      else still();
                  });
              };
              still();
          })"""), page)
    settle(page)
    box = canvas.bounding_box()
    assert box and box["width"] > 100 and box["height"] > 100, box
    return box


# -- the tests ----------------------------------------------------------------------------
@pytest.mark.parametrize(("path", "slug"), PAGES, ids=[slug for _, slug in PAGES])
def test_page_loads_offline_in_chinese(page, app_url, path, slug):
    sign_in(page, app_url, role_for(slug))
    open_page(page, f"{app_url}/{slug}", DECKS.get(slug, 0))
    assert_no_errors(page, slug)
    # The app's title is on every page: the browser tab reads "<page> · 菏泽市返乡创业数据看板"
    # or the title itself.
    assert TITLE in page.title() or page.get_by_text(TITLE).count(), page.title()
    # The page's own heading, as drawn in its own font, is Chinese and not boxes.
    assert_renders_chinese(page, HEADING.get(slug, "h1"))
    shot = full_screenshot(page, slug)
    assert shot.stat().st_size > 10_000
    assert_offline(page, slug)


def test_the_chinese_check_fails_on_english_on_boxes_and_on_one_repeated_glyph(page, app_url):
    open_page(page, f"{app_url}/definitions")
    assert_renders_chinese(page, "h1")  # the control: the same check passes on the heading
    page.evaluate("""() => {
        const h1 = document.querySelector('h1');
        for (const [id, text] of [['tofu', '\u0378\u0379\u037f'], ['english', 'Definitions'],
                                  ['same', '说说说']]) {
            const el = h1.cloneNode(false); el.id = 'heze-' + id; el.textContent = text;
            h1.after(el);
        }
    }""")
    for case, message in (("tofu", "tofu"), ("english", "not Chinese"), ("same", "Chinese")):
        with pytest.raises(AssertionError, match=message):
            assert_renders_chinese(page, f"#heze-{case}")
    page.evaluate("() => document.querySelectorAll('[id^=heze-]').forEach(e => e.remove())")
    # And the app's own heading, once the language is switched to English.
    page.locator('[data-testid="stSidebar"] [data-testid="stRadio"]').get_by_text(
        "English").click()
    page.locator("h1").filter(has_text="Definitions").wait_for(timeout=CHART_TIMEOUT_MS)
    wait_idle(page)
    with pytest.raises(AssertionError, match="not Chinese"):
        assert_renders_chinese(page, "h1")


def test_the_traffic_guard_records_and_refuses_what_would_leave_the_machine(page, app_url):
    """The control for every assert_offline: a page of the app that fetches a tile, opens a
    websocket and a popup elsewhere gets all three refused, and all three are reported."""
    open_page(page, f"{app_url}/definitions")
    assert_offline(page, "the app itself")
    outcome = page.evaluate("""async () => {
        const fetched = await fetch('http://tiles.example.invalid/0/0/0.png')
            .then(() => 'loaded', () => 'refused');
        const socket = await new Promise(done => {
            const ws = new WebSocket('wss://telemetry.example.invalid/socket');
            ws.onopen = () => done('open');
            ws.onclose = () => done('refused');
        });
        return {fetched, socket};
    }""")
    assert outcome == {"fetched": "refused", "socket": "refused"}
    with page.context.expect_page() as opened:
        page.evaluate("() => { window.open('http://popup.example.invalid/'); }")
    opened.value.wait_for_load_state("domcontentloaded")  # its navigation was refused
    wanted = {"http://tiles.example.invalid/0/0/0.png", "wss://telemetry.example.invalid/socket",
              "http://popup.example.invalid/"}
    assert wanted <= set(page.traffic.refused)
    with pytest.raises(AssertionError, match="requests left the machine"):
        assert_offline(page, "after the planted requests")


def national_spec(page: Page, timeout_s: float = 30.0) -> dict:
    """The national map's spec once the browser holds the one with its stations layer (on a
    busy machine a rerun may still be replacing the map when the page first looks idle)."""
    import time

    deadline = time.monotonic() + timeout_s
    while True:
        spec = deck_specs(page)[0]
        if layer(spec, "stations") is not None:
            return spec
        assert time.monotonic() < deadline, (
            "no stations layer on the national map; layers: "
            f"{[x.get('id') for x in spec.get('layers', [])]}")
        page.wait_for_timeout(250)


def test_map_draws_and_a_station_click_opens_its_card(page, app_url):
    open_page(page, f"{app_url}/map", decks=2)
    assert_no_errors(page, "map")
    spec = national_spec(page)
    assert "http" not in json.dumps(spec, ensure_ascii=False)
    stations = layer(spec, "stations")["data"]
    colours = {row["level"]: row["color"] for row in stations}
    assert set(colours) == {"city", "county"}

    # The canvas really draws: the station colours (and the province fill) are on screen.
    box = deck_box(page, 0)
    png = page.screenshot(clip=box, timeout=CHART_TIMEOUT_MS)
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
    tooltip = page.locator(".deck-tooltip").filter(has_text=target["name_zh"])
    _tooltip_shown(page, x, y, tooltip)
    assert "会员数" in tooltip.inner_text()  # the Chinese tooltip, pre-formatted
    card = page.locator('[data-testid="stHeading"]').filter(has_text=target["name_zh"])
    click_map(page, x, y, tooltip, card)
    assert page.locator('[data-testid="stMetricLabel"]').filter(has_text="会员数").count()
    assert_no_errors(page, "map after a station click")
    full_screenshot(page, "map-station-card")
    assert_offline(page, "map")


def test_a_county_click_filters_the_dashboard_to_that_countys_stations(page, app_url, db):
    open_page(page, f"{app_url}/map", decks=2)
    _national, spec = deck_specs(page)
    labels = {row["text"]: row["position"] for row in layer(spec, "county_labels")["data"]}
    name, code = "曹县", 371721
    own = {sid for (sid,) in db.execute(
        "SELECT station_id FROM stations WHERE sponsor_county = ?", [code]).fetchall()}
    assert own
    box = deck_box(page, 1)
    x, y = to_screen(spec["initialViewState"], box, *labels[name])
    y += 12  # just below the label, on the county's shape
    sidebar = page.locator('[data-testid="stSidebar"]')
    chosen = sidebar.locator('[data-testid="stMultiSelect"]').first.get_by_text(name)
    click_map(page, x, y, page.locator(".deck-tooltip").filter(has_text=name), chosen)

    def assert_filtered_to_the_county(where: str) -> None:
        assert chosen.count() == 1, where
        # The whole dashboard follows: the header names the filter, and the station map
        # shows exactly the county's own stations, named after it (曹县返乡创业(…)服务站).
        assert (page.get_by_text(f"县区: {name}").count()
                or page.get_by_text(f"县区：{name}").count()), where
        for _frame in range(120):  # the map may still be swapping its layers in
            specs = deck_specs(page)
            stations = layer(specs[0], "stations")
            if stations:
                break
            settle(page)
        assert stations, (where, [lyr.get("id") for sp in specs for lyr in sp["layers"]])
        shown = stations["data"]
        assert {row["station_id"] for row in shown} == own, where
        assert all(row["level"] == "county" for row in shown), where
        assert all(row["name_zh"].startswith(f"{name}返乡创业(") for row in shown), where
        assert_no_errors(page, where)

    assert_filtered_to_the_county("after the click")
    page.wait_for_url(re.compile(r"[?&]county="), timeout=CHART_TIMEOUT_MS)
    assert "county=371721" in page.url, page.url  # the link carries the county's code
    full_screenshot(page, "map-county-filter")
    # The link in the address bar, whatever its format, opens the same view.
    open_page(page, page.url, decks=2)
    assert_filtered_to_the_county("after opening the link")
    assert_offline(page, "map")
