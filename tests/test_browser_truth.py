"""What the charts draw, read back from the browser: every period the table lists has its
bar, whatever the language. One server for the module; each test opens one page."""

from __future__ import annotations

import pytest

from tests.browser_kit import assert_no_errors, open_page, require_chromium

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
