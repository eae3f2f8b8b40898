"""The running app in a real Chromium (Playwright): every page loads without an error, the
maps draw, clicks on them do what they say, Chinese renders, and nothing leaves the machine.

Uses Debian's /usr/bin/chromium (never ``playwright install``), WebGL through SwiftShader.
Full-page screenshots of every page land in build/screenshots/<slug>.png.
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
    RUNNING,
    TITLE,
    assert_no_errors,
    assert_offline,
    colour_pixels,
    deck_specs,
    full_screenshot,
    layer,
    open_page,
    require_chromium,
    settle,
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
    assert "county=371721" in page.url, page.url  # the link carries the county's code
    # The whole dashboard follows: the header names the filter, the station map shrank.
    assert page.get_by_text(f"县区: {name}").count() or page.get_by_text(f"县区：{name}").count()
    shown = deck_specs(page)[0]
    assert 0 < len(layer(shown, "stations")["data"]) < 246
    assert_no_errors(page, "map after a county click")
    full_screenshot(page, "map-county-filter")
    assert_offline(page, "map")
