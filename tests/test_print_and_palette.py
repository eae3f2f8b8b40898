"""What a leader holds on paper looks like what the dashboard shows: the briefing's charts
use the dashboard's colours (analytics.palette), its pages are filled rather than half white
where a chart would not fit, and a printed dashboard page gives its KPI cards the whole
printable width."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import docx
import numpy as np
import pytest
from PIL import Image as PILImage

from analytics import palette
from analytics.queries import Analytics
from briefing import build
from model.filters import Filter

CAO = 371721  # 曹县
POPPLER = all(shutil.which(tool) for tool in ("pdftoppm",))
# The PDF's page: A4, text between 18 mm from the top and 18 mm from the bottom (the footer
# with the page number lies below).
PAGE_MM, TOP_MM, BOTTOM_MM = 297.0, 18.0, 279.0


@pytest.fixture(scope="module")
def briefings(db) -> dict:
    a = Analytics(db)
    return {"city": build(a, Filter(), "zh"), "cao": build(a, Filter(counties=[CAO]), "zh")}


def docx_pictures(data: bytes) -> list[np.ndarray]:
    """The pictures of a DOCX in document order, as RGB arrays."""
    document = docx.Document(io.BytesIO(data))
    out = []
    for shape in document.inline_shapes:
        rid = shape._inline.graphic.graphicData.pic.blipFill.blip.embed
        blob = document.part.related_parts[rid].blob
        out.append(np.asarray(PILImage.open(io.BytesIO(blob)).convert("RGB")).astype(int))
    return out


def pixels_of(img: np.ndarray, hex_colour: str, tolerance: int = 6) -> int:
    rgb = np.array([int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)])
    return int((np.abs(img - rgb).max(axis=2) <= tolerance).sum())


# -- (a) one palette ---------------------------------------------------------------------

def test_the_briefing_charts_use_the_dashboard_palette(briefings):
    year, county, industry, station_map = docx_pictures(briefings["city"].docx)
    # returnees and businesses by year: the dashboard's indicator colours
    for key in ("returnees", "entities"):
        assert pixels_of(year, palette.INDICATOR_COLOURS[key]) > 2000, key
    # projects by county, none chosen: every bar in the app's colour
    assert pixels_of(county, palette.PRIMARY) > 20000
    # the industry mix: each industry in its own colour, as on 总览 and 项目
    shown = [c for c in ("agrifood", "biomed", "machinery", "logistics")
             if pixels_of(industry, palette.INDUSTRY_COLOURS[c]) > 1000]
    assert len(shown) >= 3, shown
    # the station map: city and county stations in the map page's colours
    for level in ("city", "county"):
        assert pixels_of(station_map, palette.LEVEL_COLOURS[level], tolerance=10) > 50, level


def test_a_county_briefing_marks_its_county_as_the_dashboard_does(briefings):
    county = docx_pictures(briefings["cao"].docx)[1]
    assert pixels_of(county, palette.HIGHLIGHT) > 1000  # 曹县
    assert pixels_of(county, palette.MUTED) > 10000  # the other counties


# -- (b) pages filled ---------------------------------------------------------------------

def page_fill(pdf: bytes, tmp_path: Path, dpi: int = 20) -> list[float]:
    """Per page, how far down its text area the lowest ink reaches (0 = empty, 1 = full)."""
    path = tmp_path / "briefing.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png", str(path),
                    str(tmp_path / "page")], check=True)
    fill = []
    for png in sorted(tmp_path.glob("page-*.png"), key=lambda p: int(p.stem.split("-")[1])):
        img = np.asarray(PILImage.open(png).convert("L"))
        top, bottom = (round(mm / PAGE_MM * img.shape[0]) for mm in (TOP_MM, BOTTOM_MM))
        inked = np.flatnonzero((img[top:bottom] < 200).any(axis=1))
        fill.append((inked.max() if inked.size else 0) / (bottom - top))
    return fill


@pytest.mark.skipif(not POPPLER, reason="poppler-utils (pdftoppm) is not installed")
@pytest.mark.parametrize("which", ["city", "cao"])
def test_no_page_but_the_last_is_left_a_third_white(briefings, which, tmp_path):
    fill = page_fill(briefings[which].pdf, tmp_path)
    assert len(fill) >= 4
    assert all(f >= 0.66 for f in fill[:-1]), [round(float(f), 2) for f in fill]


# -- (c) printed cards ----------------------------------------------------------------------

A4_PX = (794, 1123)  # A4 at 96 dpi


@pytest.mark.browser
def test_printed_kpi_cards_use_the_whole_printable_width(page, app_url):
    """园区 has two cards: they share the row instead of taking two of its three places."""
    from tests.browser_kit import SHOTS, open_page, require_chromium, resize_and_settle

    require_chromium()
    open_page(page, f"{app_url}/parks")
    page.locator('[data-testid="stMetric"]').nth(1).wait_for()
    page.emulate_media(media="print")
    resize_and_settle(page, *A4_PX)
    widths = page.evaluate("""() => {
        const main = document.querySelector('[data-testid="stMainBlockContainer"]')
                             .getBoundingClientRect();
        const cards = [...document.querySelectorAll('[data-testid="stMetric"]')]
                      .map(e => e.getBoundingClientRect());
        const left = Math.min(...cards.map(b => b.left));
        const right = Math.max(...cards.map(b => b.right));
        return {main: main.width, mainLeft: main.left, cards: right - left, left, right,
                viewport: window.innerWidth};
    }""")
    (SHOTS / "print").mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "print" / "parks.png"))
    page.emulate_media(media="screen")
    assert widths["cards"] >= 0.95 * widths["main"], widths
    assert widths["main"] >= 0.95 * widths["viewport"], widths


# -- (d) printed tables ---------------------------------------------------------------------
A4_CONTENT_PX = 703  # A4's 210 mm less the 12 mm margins each side (style.css), at 96 dpi

PRINTED_TABLES = """() => {
    const main = document.querySelector('[data-testid="stMainBlockContainer"]');
    const shown = el => el.getClientRects().length > 0;
    const tables = [...main.querySelectorAll('[data-testid="stDataFrame"], table')]
        .filter(shown)
        .map(el => { const box = el.getBoundingClientRect();
                     const grid = el.querySelector('.dvn-scroller');
                     // a grid scrolls what it cannot show; a table is as wide as drawn
                     const wide = grid ? grid.scrollWidth - grid.clientWidth + box.width
                                       : el.scrollWidth;
                     return {left: box.left, width: Math.max(wide, box.width),
                             rows: grid ? null : el.querySelectorAll('tbody tr').length}; });
    return {page: main.getBoundingClientRect().width, tables};
}"""


@pytest.mark.browser
def test_the_printed_parks_ranking_fits_the_width_of_an_a4_page(page, app_url):
    """Printed (at A4's width, without the rerun a window's new width would bring, as a
    browser prints), the ranking of parks shows every column and every row on the page."""
    from tests.browser_kit import open_page, require_chromium

    require_chromium()
    open_page(page, f"{app_url}/parks")  # drawn for the screen, as before Ctrl-P
    page.emulate_media(media="print")
    page.set_viewport_size({"width": A4_CONTENT_PX, "height": 1000})
    printed = page.evaluate(PRINTED_TABLES)
    page.emulate_media(media="screen")
    on_screen = page.locator(".heze-print-table:visible").count()
    assert printed["tables"], printed
    ranking = printed["tables"][0]
    assert ranking["width"] <= printed["page"] + 1, printed
    assert ranking["left"] >= -1, printed
    assert ranking["rows"] and ranking["rows"] >= 10, printed  # every park, not a window
    assert on_screen == 0  # on screen, the grid alone
