"""What the charts draw, read back from the browser: every period the table lists has its
bar, whatever the language. One server for the module; each test opens one page."""

from __future__ import annotations

import pytest

from tests.browser_kit import (
    CHART_TIMEOUT_MS,
    assert_no_errors,
    open_page,
    require_chromium,
    settle,
)

require_chromium()
pytestmark = pytest.mark.browser

# The scale-1 snapshot runs from 2015 to 31 Aug 2020: six years, the last one partial.
YEARS = ["2015", "2016", "2017", "2018", "2019", "2020(Jan–Aug)"]  # two lines on the axis

BARS_DRAWN = """(title) => {
    const chart = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
        .find(el => (el.querySelector('.gtitle') || {}).textContent === title);
    if (!chart) return null;
    const box = p => p.getBBox();
    return {
        ticks: [...chart.querySelectorAll('.xtick text')].map(t => t.textContent),
        // per trace, the bars drawn with a real position and a height
        bars: [...chart.querySelectorAll('.barlayer .trace')].map(tr =>
            [...tr.querySelectorAll('.point path')].filter(p => {
                const d = p.getAttribute('d') || '';
                return d && !d.includes('NaN') && box(p).height > 0;
            }).length),
    };
}"""


def test_english_by_year_bars_draw_the_current_partial_year(page, app_url):
    errors = []
    page.on("console", lambda m: errors.append(m.text) if "NaN" in m.text else None)
    open_page(page, f"{app_url}/overview?lang=en")
    assert_no_errors(page, "overview en")
    drawn = page.evaluate(BARS_DRAWN, "Returnees and new businesses by year")
    assert drawn is not None, "no by-year chart on the English overview"
    assert drawn["ticks"] == YEARS
    assert drawn["bars"] == [len(YEARS), len(YEARS)], drawn
    assert not errors, errors[:3]



def test_the_station_ranking_fits_a_1920_screen_with_no_column_cut(page, app_url):
    # 16 columns: before, the grid ran 90 px past the page, cutting 参加人次 to "11,69".
    page.set_viewport_size({"width": 1920, "height": 1080})
    open_page(page, f"{app_url}/stations")
    grids = page.evaluate("""() => [...document.querySelectorAll('[data-testid="stDataFrame"]')]
        .map(g => { const s = g.querySelector('.dvn-scroller');
                    return [s.scrollWidth, s.clientWidth]; })""")
    assert grids and all(wide <= shown + 1 for wide, shown in grids), grids

# -- the wall display ---------------------------------------------------------------------
# 2020 up to 31 Aug (66.7% of the year): 曹县 8,310 returnees, 单县 6,289, 牡丹区 6,320.
COUNTY_TARGETS = {371721: 11_400, 371722: 9_500, 371702: 21_000}  # 72.9%, 66.2%, 30.1%

# Where each thing is drawn on the window (a Range measures what is drawn, whatever the
# page does to Element.getBoundingClientRect for the charts' sake).
DRAWN = """const drawn = el => { const r = document.createRange(); r.selectNode(el);
                                 return r.getBoundingClientRect(); };"""
SCREEN_FIT = """() => {""" + DRAWN + """
    // null while a rerun swaps the page's blocks (read again until they are there)
    const block = document.querySelector('[data-testid="stMainBlockContainer"]');
    const main = document.querySelector('[data-testid="stMain"]');
    if (!block || !main) return null;
    const box = drawn(block);
    const cols = [...document.querySelectorAll(
        '.st-key-heze_screen [data-testid="stHorizontalBlock"] > [data-testid="stColumn"]')];
    return {box: [box.left, box.top, box.right, box.bottom],
            scroll: [main.scrollWidth - main.clientWidth, main.scrollHeight - main.clientHeight,
                     document.documentElement.scrollWidth - window.innerWidth,
                     document.documentElement.scrollHeight - window.innerHeight],
            columnTops: cols.map(c => Math.round(drawn(c).top))};
}"""

LEFT_CHART = """() => {""" + DRAWN + """
    const chart = document.querySelectorAll('[data-testid="stPlotlyChart"]')[0];
    // null while the panel redraws its chart (read again until it is there)
    if (!chart || !chart.querySelector('svg.main-svg')) return null;
    const svg = drawn(chart.querySelector('svg.main-svg'));
    const gd = chart.querySelector('.js-plotly-plot');
    const bars = [...chart.querySelectorAll('.barlayer .point path')];
    return {
        range: gd._fullLayout.xaxis.range,
        svg: [svg.left, svg.right, svg.bottom],
        // the labels of the bars and the counties, each as drawn: left, right, bottom
        texts: [...chart.querySelectorAll('svg text')].filter(t => t.textContent.trim())
            .map(t => { const r = drawn(t);
                        return [t.textContent, r.left, r.right, r.bottom]; }),
        fills: bars.map(p => getComputedStyle(p).fill),
        bottoms: bars.map(p => drawn(p).bottom),
    };
}"""


def _rgb(css: str) -> tuple[int, ...]:
    return tuple(int(v) for v in css[css.index("(") + 1:css.index(")")].split(",")[:3])


def test_the_wall_display_is_one_canvas_scaled_to_any_window_with_true_completion_bars(
        page, app_url):
    from targets import TargetStore
    from tests.browser_kit import APP_DATA

    store = TargetStore(APP_DATA[app_url] / "app.db")
    for county, value in COUNTY_TARGETS.items():
        store.set("returnees", 2020, value, county=county, by="admin")
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"{app_url}/screen?rotate=5&refresh=60", wait_until="domcontentloaded")
    # The left panel turns to the counties' 完成率 (its fourth view): read as soon as drawn,
    # before it turns on.
    chart = page.wait_for_function(
        """(read) => document.querySelector('.scr-panel-title[data-view="left-3"]')
              && document.querySelectorAll('[data-testid="stPlotlyChart"]')[0]
                  .querySelectorAll('.barlayer .point path').length === 3
              && eval('(' + read + ')')()""",
        arg=LEFT_CHART, timeout=CHART_TIMEOUT_MS, polling=200).json_value()
    # A completion axis runs to 100% at least (72.9% is not a full bar).
    assert chart["range"][0] == 0 and chart["range"][1] >= 100, chart["range"]
    # Coloured by pace, in rank order: ahead (green), on track (blue), behind (red).
    ahead, on_track, behind = (_rgb(f) for f in chart["fills"])
    assert ahead[1] > max(ahead[0], ahead[2]), chart["fills"]
    assert on_track[2] > max(on_track[0], on_track[1]), chart["fills"]
    assert behind[0] > max(behind[1], behind[2]), chart["fills"]
    for width, height in ((1366, 768), (390, 844), (1920, 1080)):
        page.set_viewport_size({"width": width, "height": height})
        scale = min(width / 1920, height / 1080)
        page.wait_for_function(
            """(s) => Math.abs(parseFloat(document.documentElement.style
                  .getPropertyValue('--heze-screen-scale')) - s) < 1e-6""", arg=scale)
        settle(page)
        fit = page.wait_for_function(SCREEN_FIT, timeout=CHART_TIMEOUT_MS).json_value()
        left, top, right, bottom = fit["box"]
        # The whole 1920×1080 canvas, scaled to the window and centred; nothing scrolls.
        assert abs((right - left) - 1920 * scale) < 2 and abs((bottom - top) - 1080 * scale) < 2
        assert left >= -1 and top >= -1 and right <= width + 1 and bottom <= height + 1, fit
        assert max(fit["scroll"]) <= 1, fit
        assert len(set(fit["columnTops"])) == 1, fit  # side by side, also on a phone
        # Whichever view the panel shows now: every label whole, every bar on the screen.
        chart = page.wait_for_function(LEFT_CHART, timeout=CHART_TIMEOUT_MS).json_value()
        svg_left, svg_right, svg_bottom = chart["svg"]
        cut = [t for t in chart["texts"] if t[1] < svg_left - 1 or t[2] > svg_right + 1]
        assert not cut, f"{width}: labels cut at the panel's edge: {cut}"
        assert max(chart["bottoms"]) <= min(svg_bottom, bottom) + 1


CARDS_FIT = """() => {""" + DRAWN + """
    const canvas = drawn(document.querySelector('[data-testid="stMainBlockContainer"]'));
    return {canvas: [canvas.left, canvas.right],
            cards: [...document.querySelectorAll('.scr-card')].map(c => {
                const r = drawn(c), n = c.querySelector('.scr-num');
                return [c.dataset.key, r.left, r.right, n.textContent,
                        c.scrollWidth - c.clientWidth]; })};
}"""


def test_the_english_wall_fits_every_headline_card_on_the_1920_canvas(page, app_url):
    # "276,000 people" made the strip 1,990 px wide: the seventh card was cut off.
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(f"{app_url}/screen?lang=en", wait_until="domcontentloaded")
    page.wait_for_function("() => document.querySelectorAll('.scr-card').length === 7",
                           timeout=90_000)
    settle(page)
    fit = page.evaluate(CARDS_FIT)
    left, right = fit["canvas"]
    for key, card_left, card_right, number, overflow in fit["cards"]:
        assert left - 1 <= card_left and card_right <= 1921, (key, fit["cards"])
        assert overflow <= 1, (key, number)
    numbers = {key: number for key, _l, _r, number, _o in fit["cards"]}
    assert numbers["returnees"] == "276K" and numbers["jobs"] == "503K"


def test_the_english_wall_shows_its_last_county_row_at_1080(page, app_url):
    # Wrapped English cards pushed the panels down and cut the last county's row. The
    # panels hold their first view (the county ranking) for an hour: on a busy machine a turn
    # during the measurement left no chart to measure.
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(f"{app_url}/screen?lang=en&rotate=3600", wait_until="domcontentloaded")
    page.wait_for_function("() => document.querySelectorAll('.scr-card').length === 7",
                           timeout=90_000)
    page.wait_for_function("""() => document.querySelectorAll(
        '[data-testid="stPlotlyChart"] .barlayer .point path').length > 0""", timeout=90_000)
    settle(page)
    heights = page.evaluate("""() => [...document.querySelectorAll('.scr-card')]
        .map(c => c.getBoundingClientRect().height)""")
    chart = page.wait_for_function(LEFT_CHART, timeout=CHART_TIMEOUT_MS).json_value()
    assert max(chart["bottoms"]) <= 1080 + 1, (heights, chart["bottoms"])
    cut = [t for t in chart["texts"] if t[3] > 1080 + 1]
    assert not cut, (heights, cut)



COUNTY_BARS = """() => {
    // The county ranking's view (left-1) with its 11 bars drawn, read in one go: the panel
    // turns, and the title of the next view can come before its chart.
    if (!document.querySelector('.scr-panel-title[data-view="left-1"]')) return null;
    const chart = document.querySelectorAll('[data-testid="stPlotlyChart"]')[0];
    const svg = chart && chart.querySelector('svg.main-svg');
    if (!svg) return null;
    const bars = [...chart.querySelectorAll('.barlayer .point path')];
    const texts = [...chart.querySelectorAll('svg text')].map(t => t.textContent);
    if (bars.length !== 11 || !texts.some(t => t.endsWith('人') || t.endsWith('people')))
        return null;
    return {panel: svg.getBoundingClientRect().width, texts: texts,
            bars: bars.map(p => p.getBoundingClientRect().width)};
}"""


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_walls_county_bars_use_the_panels_width_in_both_languages(page, app_url, lang):
    # In English "Heze Economic Development Zone" and "44,015 people" took the panel's
    # width: the longest bar (曹县, 4.4万人) was 28 px of a 530 px panel, every county alike.
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(f"{app_url}/screen?lang={lang}&rotate=5", wait_until="domcontentloaded")
    seen = page.wait_for_function(COUNTY_BARS, timeout=90_000, polling=200).json_value()
    # The names and the values beyond the bars take their room; the longest bar at least a
    # quarter of the panel (English, with its longer words: 28%; Chinese: over 40%).
    assert max(seen["bars"]) >= (0.4 if lang == "zh" else 0.25) * seen["panel"], seen
    if lang == "en":
        assert "Econ. Dev. Zone" in seen["texts"], seen["texts"]
        assert "Heze Economic Development Zone" not in seen["texts"]
        assert any(t.endswith("K people") for t in seen["texts"]), seen["texts"]


WALL_FIT = """() => {""" + DRAWN + """
    const cards = document.querySelector('.scr-cards');
    const legend = [...document.querySelectorAll('.scr-caption')]
        .filter(c => c.textContent.includes('●')).pop();
    if (!cards || !legend) return null;
    const l = drawn(legend);
    return {cards: drawn(cards).height, legend: [l.top, l.bottom], window: innerHeight};
}"""


def test_the_english_wall_keeps_the_chinese_strips_height_and_the_maps_legend(page,
                                                                            app_url):
    # "54.16B yuan" missed its card's width by 2 px: the unit wrapped, the English strip
    # grew 18 px and pushed the map's legend (city-level, county-level) off a 720-px screen.
    seen = {}
    for lang, (width, height) in [("zh", (1920, 1080)), ("en", (1920, 1080)),
                                  ("en", (1280, 720))]:
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"{app_url}/screen?lang={lang}", wait_until="domcontentloaded")
        page.wait_for_function("() => document.querySelectorAll('.scr-card').length === 7",
                               timeout=90_000)
        settle(page)
        fit = page.wait_for_function(WALL_FIT, timeout=CHART_TIMEOUT_MS).json_value()
        assert fit["legend"][1] <= fit["window"] + 1, (lang, width, fit)
        seen[lang, width] = fit
    scale = 1280 / 1920
    assert seen["en", 1920]["cards"] <= seen["zh", 1920]["cards"] + 2, seen
    assert seen["en", 1280]["cards"] <= seen["zh", 1920]["cards"] * scale + 2, seen


COUNTY_MONEY = """() => {""" + DRAWN + """
    const title = document.querySelector('.scr-panel-title[data-view="left-2"]');
    if (!title) return null;
    const chart = document.querySelectorAll('[data-testid="stPlotlyChart"]')[0];
    if (!chart || !chart.querySelector('svg.main-svg')) return null;
    const texts = [...chart.querySelectorAll('.barlayer text, .textpoint text, g.text text')]
        .filter(t => t.textContent.trim());
    // The panel turns: the title of the new view can come before its chart.
    if (texts.length !== 11 || !texts.every(t => t.textContent.includes('yuan'))) return null;
    // What the panel shows: the chart's drawing (an <svg> hides what runs past its edge)
    // inside its column. Each element's own box: a Range over one would take in the
    // labels that run past it.
    const column = chart.closest('[data-testid="stColumn"]');
    const edges = [column, chart.querySelector('svg.main-svg')].map(e => e.getClientRects()[0]);
    return {right: Math.min(...edges.map(r => r.right)),
            left: Math.max(...edges.map(r => r.left)),
            labels: texts.map(t => { const r = drawn(t);
                                     return [t.textContent, r.left, r.right]; })};
}"""


def test_the_english_wall_shows_each_countys_investment_whole_in_its_narrow_panel(
        page, app_url):
    # "10.75 billion yuan" ran past the left panel's edge and was cut to "10.75 billion yu".
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(f"{app_url}/screen?lang=en&rotate=5", wait_until="domcontentloaded")
    seen = page.wait_for_function(COUNTY_MONEY, timeout=90_000, polling=200).json_value()
    labels = seen["labels"]
    cut = [text for text, left, right in labels
           if right > seen["right"] + 1 or left < seen["left"] - 1]
    assert not cut, (seen["left"], seen["right"], labels)


PANEL_TITLES = """() => {
    const seen = window.__hezeTitles = window.__hezeTitles || {};
    for (const el of document.querySelectorAll('.scr-panel-title > span:first-child')) {
        const text = el.textContent.trim();
        if (text && !(text in seen)) seen[text] = el.scrollWidth > el.clientWidth + 1;
    }
    return seen;
}"""


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_wall_writes_every_panel_title_whole(page, app_url, lang):
    # "Big-project investment by county" ended in an ellipsis at the left panel's edge. Both
    # side panels turn every 5 s through four views each: every title is read as it shows.
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(f"{app_url}/screen?lang={lang}&rotate=5", wait_until="domcontentloaded")
    page.wait_for_function("() => document.querySelectorAll('.scr-panel-title').length >= 2",
                           timeout=90_000)
    titles = {}
    for _second in range(40):  # two turns of each panel at least
        titles = page.evaluate(PANEL_TITLES)
        page.wait_for_timeout(1000)
    assert len(titles) >= 6, titles  # both panels' views, the map's title
    cut = sorted(text for text, overflows in titles.items() if overflows)
    assert not cut, titles
