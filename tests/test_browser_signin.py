"""From the login screen to the first page in a real browser: what the user waits for after
the click on 登录 (bench/signin.py times it). The login screen loads the first page's
chart code while the user types, and the first page asks the server for no run beyond the
click and one report of its width.

Uses Debian's /usr/bin/chromium (never ``playwright install``)."""

from __future__ import annotations

import pytest

from bench.signin import Reruns
from tests.browser_kit import (
    CHART_TIMEOUT_MS,
    PASSWORD,
    assert_no_errors,
    assert_offline,
    new_watched_page,
    require_chromium,
    wait_idle,
    width_known,
)

require_chromium()
pytestmark = pytest.mark.browser

# Streamlit's module of st.plotly_chart (plotly.js inside), as its file is named in every
# version: static/js/PlotlyChart.<hash>.js
CHART_CODE_LOADED = """() => performance.getEntriesByType('resource')
    .some(e => /\\/static\\/js\\/PlotlyChart\\.[^/]*\\.js$/.test(e.name))"""
# The first page drawn: the sidebar, every chart.
FIRST_PAGE_DRAWN = """() => {
    const charts = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')];
    return !!document.querySelector('[data-testid="stSidebar"]') && charts.length > 0
        && charts.every(e => e.querySelector('svg.main-svg'));
}"""


@pytest.fixture
def fresh(browser):
    """A page in a new context: no session cookie, nothing cached."""
    pg = new_watched_page(browser)
    pg.set_default_timeout(CHART_TIMEOUT_MS)
    yield pg
    pg.context.close()


def login_screen(page, url: str) -> None:
    page.goto(url + "/")
    page.get_by_label("密码").wait_for()


def test_the_login_screen_loads_the_chart_code_of_the_first_page_before_the_click(fresh,
                                                                                  app_url):
    login_screen(fresh, app_url)
    # Waited for, never clicked: the code comes while the user types, drawing nothing.
    fresh.wait_for_function(CHART_CODE_LOADED, timeout=30_000, polling=100)
    assert fresh.locator('[data-testid="stPlotlyChart"]').count() == 0
    assert fresh.locator('[data-testid="stSidebar"]').count() == 0
    assert_no_errors(fresh, "login screen")
    assert_offline(fresh, "login screen")


def test_after_the_click_the_first_page_asks_for_one_run_for_its_width_and_no_more(fresh,
                                                                                   app_url):
    runs = Reruns(fresh)  # before the page opens its websocket
    login_screen(fresh, app_url)
    runs.times.clear()
    fresh.get_by_label("用户名").fill("leader")
    fresh.get_by_label("密码").fill(PASSWORD)
    fresh.get_by_role("button", name="登录").click()
    fresh.wait_for_function(FIRST_PAGE_DRAWN, timeout=CHART_TIMEOUT_MS, polling=100)
    width_known(fresh)
    wait_idle(fresh, quiet_ms=1_000)  # a further report would have started a run by now
    # The click, then the width the server did not know yet: it draws for it once, and
    # the browser, finding that width drawn, reports nothing more.
    assert len(runs.times) == 2
    assert fresh.evaluate("document.documentElement.dataset.hezeWidthReports") == "1"
    assert_no_errors(fresh, "first page after login")
    assert_offline(fresh, "login to the first page")
