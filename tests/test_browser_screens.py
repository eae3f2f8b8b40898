"""The cockpit at the screens its users have: a 1920×1080 monitor, a 1280×720 projector and a
390×844 phone, unfiltered, with a county and with a county and an industry. Screenshots of
each land in build/screenshots/screens/ to be looked at; the checks are what a user would
notice: headline figures cut or below the fold, one card to a row on a phone, China cropped
on a small screen, the sidebar on a printout.
"""

from __future__ import annotations

import math

import pytest
from playwright.sync_api import Page

from tests.browser_kit import (
    CHART_TIMEOUT_MS,
    SHOTS,
    assert_no_errors,
    assert_offline,
    deck_specs,
    layer,
    open_page,
    require_chromium,
    resize_and_settle,
    sign_in,
    wait_idle,
)

require_chromium()
pytestmark = pytest.mark.browser

SIZES = {"wall": (1920, 1080), "projector": (1280, 720), "phone": (390, 844)}
FILTERS = {"all": "", "county": "county=371721", "county-industry": "county=371721&industry=wood"}
# China's extremes (WGS84): Mohe in the north, the Pamirs in the west, the Wusu Li in the
# east, and the southern end of the nine-dash line (the 南海诸岛 must be in view).
CHINA_EXTREMES = [(122.3, 53.5), (73.6, 39.4), (134.7, 48.3), (112.3, 3.9), (109.5, 18.2)]


def resize(page: Page, size: str) -> None:
    width, height = SIZES[size]
    page.set_viewport_size({"width": width, "height": height})


def screenshot(page: Page, name: str) -> None:
    (SHOTS / "screens").mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "screens" / f"{name}.png"))


def card_boxes(page: Page) -> list[dict]:
    cards = page.locator('[data-testid="stMetric"]')
    return [cards.nth(i).bounding_box() for i in range(cards.count())]


def values_cut(page: Page) -> list[str]:
    """The card values whose text is wider than the box that shows it."""
    return page.evaluate(
        """() => [...document.querySelectorAll('[data-testid="stMetricValue"]')]
              .filter(e => e.scrollWidth > e.clientWidth + 1
                           || e.getBoundingClientRect().right
                              > e.closest('[data-testid="stMetric"]')
                                 .getBoundingClientRect().right + 1)
              .map(e => e.innerText)""")


@pytest.mark.parametrize("filt", list(FILTERS))
@pytest.mark.parametrize("size", list(SIZES))
def test_the_overview_reads_right_at_every_screen_size(page, app_url, size, filt):
    resize(page, size)
    open_page(page, f"{app_url}/overview?{FILTERS[filt]}")
    page.locator('[data-testid="stMetric"]').nth(6).wait_for(timeout=CHART_TIMEOUT_MS)
    wait_idle(page)
    assert_no_errors(page, f"overview {size} {filt}")
    screenshot(page, f"overview-{size}-{filt}")
    assert page.get_by_text("菏泽市返乡创业数据看板").count() >= 1
    boxes = card_boxes(page)
    assert len(boxes) == 7
    assert not values_cut(page), f"{size} {filt}: card values cut: {values_cut(page)}"
    width, height = SIZES[size]
    if size != "phone":  # every headline figure readable without scrolling
        assert all(b["y"] + b["height"] <= height and b["x"] + b["width"] <= width
                   for b in boxes), boxes
        values = page.locator('[data-testid="stMetricValue"]')
        for i in range(values.count()):
            v = values.nth(i).bounding_box()
            assert v["y"] + v["height"] <= height, (i, v)
    else:  # two cards to a row, nothing wider than the screen
        rows = {}
        for b in boxes:
            rows.setdefault(round(b["y"]), []).append(b)
        assert [len(r) for r in rows.values()][:3] == [2, 2, 2], rows
        assert all(b["x"] >= 0 and b["x"] + b["width"] <= width + 1 for b in boxes)
        scroll = page.evaluate("() => document.documentElement.scrollWidth")
        assert scroll <= width + 1, "the page scrolls sideways on a phone"
        button = page.locator('[data-testid="stExpandSidebarButton"]')
        label = page.evaluate(
            "(e) => getComputedStyle(e, '::after').content", button.element_handle())
        assert "筛选" in label
    assert_offline(page, f"overview {size} {filt}")


@pytest.mark.parametrize("size", ["phone", "projector", "wall"])
def test_the_map_of_china_is_never_cropped(page, app_url, size):
    resize(page, size)
    open_page(page, f"{app_url}/map", decks=2)
    # The map is framed for the width the page reports: wait until it has been.
    page.wait_for_function(
        """() => [...document.querySelectorAll('[data-testid="stDeckGlJsonChart"]')].length""")
    wait_idle(page, decks=2)
    spec = deck_specs(page)[0]
    charts = page.locator('[data-testid="stDeckGlJsonChart"]')
    national, heze = (charts.nth(i).locator("canvas").first.bounding_box() for i in range(2))
    width, height = SIZES[size]
    if size == "wall":  # side by side, both whole in the first screen
        assert heze["x"] >= national["x"] + national["width"], (national, heze)
        assert abs(heze["y"] - national["y"]) < 100, (national, heze)
        assert all(0 <= b["y"] and b["y"] + b["height"] <= height for b in (national, heze))
    else:  # stacked: the Heze map under the national one, as wide
        assert heze["y"] >= national["y"] + national["height"], (national, heze)
        assert abs(heze["x"] - national["x"]) <= 1 and abs(heze["width"] - national["width"]) <= 1
    chart = charts.first
    chart.scroll_into_view_if_needed()
    box = chart.locator("canvas").first.bounding_box()
    view = spec["initialViewState"]
    for lon, lat in CHINA_EXTREMES:
        x, y = to_screen(view, box, lon, lat)
        assert box["x"] <= x <= box["x"] + box["width"], (size, lon, lat, x, box)
        assert box["y"] <= y <= box["y"] + box["height"], (size, lon, lat, y, box)
    assert layer(spec, "province_lines")
    # … and it uses the width it is given: China spans most of the map's width or height.
    west, _ = to_screen(view, box, 73.6, 39.4)
    east, _ = to_screen(view, box, 134.7, 48.3)
    _, north = to_screen(view, box, 122.3, 53.5)
    _, south = to_screen(view, box, 112.3, 3.9)
    assert (east - west) / box["width"] > 0.8 or (south - north) / box["height"] > 0.8
    if size == "wall":  # the row's width is used: China fills most of its column's
        content = int(page.evaluate("() => document.documentElement.dataset.hezeWidthKnown"))
        assert national["width"] + heze["width"] > 0.95 * content, (national, heze, content)
        assert (east - west) / box["width"] > 0.6, (east - west, box)
    screenshot(page, f"map-{size}")


def test_county_staff_on_a_wall_see_their_stations_beside_the_map(page, app_url):
    """Their county's stations' table takes the Heze map's place beside the map of China,
    every column in view."""
    sign_in(page, app_url, "county")
    resize(page, "wall")
    open_page(page, f"{app_url}/map", decks=1)
    assert_no_errors(page, "map, county staff, wall")
    national = page.locator('[data-testid="stDeckGlJsonChart"] canvas').first.bounding_box()
    frame = page.locator('[data-testid="stDataFrame"]').first
    table = frame.bounding_box()
    assert table["x"] >= national["x"] + national["width"], (national, table)
    assert table["y"] < national["y"] + national["height"] / 2, (national, table)
    assert table["x"] + table["width"] <= SIZES["wall"][0]
    grid = frame.locator(".dvn-scroller").first
    assert grid.evaluate("e => e.scrollWidth <= e.clientWidth + 1"), "the table scrolls sideways"
    spec = deck_specs(page)[0]
    west, _ = to_screen(spec["initialViewState"], national, 73.6, 39.4)
    east, _ = to_screen(spec["initialViewState"], national, 134.7, 48.3)
    assert national["x"] <= west and east <= national["x"] + national["width"]
    assert (east - west) / national["width"] > 0.8
    screenshot(page, "map-wall-county")
    # In English, the layer toggles' longer labels wrap in the narrower column, never cut.
    open_page(page, f"{app_url}/map?lang=en", decks=1)
    labels = page.locator('.st-key-map_national [data-testid="stCheckbox"] '
                          '[data-testid="stMarkdownContainer"]')
    assert labels.count() == 4
    cut = labels.evaluate_all(
        "els => els.filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.innerText)")
    assert not cut, f"toggle labels cut: {cut}"
    # …and the English table keeps every column in view: "Returnees to Cao County" and
    # "Projects in Cao County" made it scroll, the projects column looking empty.
    grid = page.locator('[data-testid="stDataFrame"] .dvn-scroller').first
    grid.wait_for()
    assert grid.evaluate("e => e.scrollWidth <= e.clientWidth + 1"), \
        "the English table scrolls sideways"
    assert_offline(page, "map, county staff, wall")


def _mercator(lon: float, lat: float, zoom: float) -> tuple[float, float]:
    scale = 512 * 2 ** zoom
    x = (lon + 180) / 360 * scale
    y = (1 - math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)) / math.pi) / 2 * scale
    return x, y


def to_screen(view: dict, box: dict, lon: float, lat: float) -> tuple[float, float]:
    cx, cy = _mercator(view["longitude"], view["latitude"], view["zoom"])
    x, y = _mercator(lon, lat, view["zoom"])
    return box["x"] + box["width"] / 2 + (x - cx), box["y"] + box["height"] / 2 + (y - cy)


def test_a_printed_page_has_the_content_without_the_sidebar(page, app_url):
    resize(page, "wall")
    open_page(page, f"{app_url}/projects?county=371721")
    page.emulate_media(media="print")
    resize_and_settle(page, 794, 1123)  # A4 at 96 dpi
    assert not page.locator('[data-testid="stSidebar"]').is_visible()
    assert page.locator("h1").first.is_visible()
    charts = page.locator('[data-testid="stPlotlyChart"]')
    assert charts.count() >= 3
    for i in range(charts.count()):
        b = charts.nth(i).bounding_box()
        assert b["x"] >= 0 and b["x"] + b["width"] <= 794 + 1, b  # charts uncut
    screenshot(page, "print-projects")
    pdf = page.pdf(format="A4")
    assert pdf[:4] == b"%PDF" and len(pdf) > 20_000
    page.emulate_media(media="screen")
