"""What a careless user and a data administrator do to a running server, in a real browser:
switch the language back and forth, open links from either language or with bad values,
rebuild or corrupt the snapshot under the server, tick table rows and then change the
filter. Each was a defect once; none may show a traceback.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import duckdb
import pytest
from playwright.sync_api import Page, expect

from analytics import Analytics, Filter
from tests.browser_kit import (
    CHART_TIMEOUT_MS,
    assert_no_errors,
    assert_offline,
    full_screenshot,
    new_watched_page,
    open_page,
    require_chromium,
    sign_in,
    wait_idle,
)
from tests.conftest import OTHER_SEED

require_chromium()
pytestmark = pytest.mark.browser

CAO = 371721
ZONE = 371771  # 菏泽经济开发区: few records, so short tables


def sidebar(page: Page):
    return page.locator('[data-testid="stSidebar"]')


def switch_language(page: Page, label: str) -> None:
    sidebar(page).locator('[data-testid="stRadio"]').get_by_text(label, exact=True).click()
    page.wait_for_function(
        """(label) => document.querySelector('[data-testid="stSidebar"] h2')
                       && document.querySelector('[data-testid="stSidebar"] h2').innerText
                          === label""", arg="筛选" if label == "中文" else "Filters",
        timeout=CHART_TIMEOUT_MS)
    wait_idle(page)


def multiselect(page: Page, label: str):
    """The sidebar multiselect whose label is exactly `label`."""
    exact = page.locator('[data-testid="stWidgetLabel"]',
                         has_text=re.compile(f"^{re.escape(label)}$"))
    return sidebar(page).locator('[data-testid="stMultiSelect"]').filter(has=exact)


def expect_chosen(page: Page, label: str, values: list[str]) -> None:
    """The sidebar multiselect labelled `label` shows exactly `values` as chosen (waiting
    for the sidebar to be drawn, not for a fixed time)."""
    tags = multiselect(page, label).locator(".react-aria-ComboBox [data-tag] span[title]")
    expect(tags).to_have_text(values, timeout=CHART_TIMEOUT_MS)


def choose_in_multiselect(page: Page, label: str, option: str) -> None:
    multiselect(page, label).locator(".react-aria-ComboBox input").click()
    page.get_by_role("option", name=option, exact=True).click()
    page.keyboard.press("Escape")
    wait_idle(page)


def link(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def main_text(page: Page) -> str:
    return page.locator('[data-testid="stMain"]').inner_text()


def assert_no_traceback(page: Page, where: str) -> None:
    assert_no_errors(page, where)
    assert page.get_by_text("Ask Google").count() == 0, where
    assert "Traceback" not in page.content(), where


# -- 1, 2, 3, 9: the language switch and links ---------------------------------------------
@pytest.mark.parametrize("query", ["county=曹县", "county=371721", "industry=hair",
                                   "province=110000", "level=县级站", "level=county"])
def test_switching_to_english_and_back_keeps_the_filter_and_shows_no_error(page, app_url, query):
    open_page(page, f"{app_url}/definitions?{query}")
    before = {k: v for k, v in link(page).items() if k != "lang"}
    assert before, f"the link {query} set no filter: {page.url}"
    switch_language(page, "English")
    assert_no_traceback(page, f"{query} in English")
    assert link(page).get("lang") == ["en"]
    assert {k: v for k, v in link(page).items() if k != "lang"} == before
    switch_language(page, "中文")
    assert_no_traceback(page, f"{query} back in Chinese")
    assert "lang" not in link(page)
    assert {k: v for k, v in link(page).items() if k != "lang"} == before
    assert "全部" not in page.locator('[data-testid="stCaptionContainer"]').first.inner_text()


def test_a_link_copied_from_an_english_session_opens_the_same_view(page, app_url):
    open_page(page, f"{app_url}/overview?county=曹县&industry=发制品&level=县级站"
                    "&from=2019-01-01&lang=English")
    assert_no_traceback(page, "old English link")
    expect_chosen(page, "County", ["Cao County"])
    expect_chosen(page, "Industry", ["Hair products"])
    expect_chosen(page, "Station level", ["County-level"])
    assert link(page) == {"county": ["371721"], "industry": ["hair"], "level": ["county"],
                          "from": ["2019-01-01"], "lang": ["en"]}


def test_codes_and_lang_en_in_a_link_are_understood(page, app_url):
    open_page(page, f"{app_url}/counties?county=371721&lang=en")
    expect_chosen(page, "County", ["Cao County"])
    assert page.locator("h1").first.inner_text() == "Counties"


def test_bad_values_in_a_link_are_named_and_the_rest_still_applies(page, app_url):
    open_page(page, f"{app_url}/overview?county=999999&county=abc&county=371722"
                    "&from=2030-13-45")
    assert_no_traceback(page, "bad link")
    warning = page.locator('[data-testid="stAlertContentWarning"]').filter(has_text="999999")
    text = warning.inner_text()
    for value in ("999999", "abc", "2030-13-45"):
        assert value in text, text
    expect_chosen(page, "县区", ["单县"])
    assert link(page) == {"county": ["371722"]}
    switch_language(page, "English")
    warning = page.locator('[data-testid="stAlertContentWarning"]').filter(has_text="999999")
    assert "not recognised" in warning.inner_text()


def test_every_page_opens_at_its_own_url_with_its_query_string(page, app_url):
    open_page(page, f"{app_url}/overview?county=371721")
    assert page.locator("h1").first.inner_text() == "总览"
    expect_chosen(page, "县区", ["曹县"])
    assert page.get_by_text("Page not found").count() == 0
    open_page(page, f"{app_url}/?county=371721")
    assert page.locator("h1").first.inner_text() == "总览"
    for slug, title in (("trends", "趋势"), ("stations", "服务站"), ("parks", "园区")):
        open_page(page, f"{app_url}/{slug}?county=371721")
        assert page.locator("h1").first.inner_text() == title
        expect_chosen(page, "县区", ["曹县"])
    assert_offline(page, "deep links")


# -- 5, 6: table selections ------------------------------------------------------------------
def tick_row(page: Page, table_index: int, row: int) -> None:
    """Tick the selection box of a row (0-based) of the n-th table on the page."""
    frame = page.locator('[data-testid="stDataFrame"]').nth(table_index)
    frame.scroll_into_view_if_needed()
    box = frame.bounding_box()
    row_h, header_h = 35, 35
    frame.click(position={"x": 18, "y": header_h + row * row_h + row_h / 2})
    page.wait_for_function(
        """() => document.querySelector('[data-testid="stApp"]')
                 .getAttribute('data-test-script-state') === 'running'
                 || true""")
    wait_idle(page)
    assert box


@pytest.fixture(scope="module")
def analytics(snapshot_file):
    con = duckdb.connect(str(snapshot_file), read_only=True)
    yield Analytics(con)
    con.close()


def test_ticking_a_station_row_opens_its_card_and_a_new_filter_forgets_the_tick(
        page, app_url, analytics):
    open_page(page, f"{app_url}/stations")
    ranking = analytics.station_ranking(Filter())
    expected = ranking.iloc[7]["name_zh"]
    tick_row(page, 0, 7)
    card = page.locator('[data-testid="stHeading"]').filter(has_text=expected)
    card.first.wait_for(timeout=CHART_TIMEOUT_MS)
    assert_no_traceback(page, "station row ticked")
    choose_in_multiselect(page, "县区", "菏泽经济开发区")
    assert_no_traceback(page, "filter changed after a tick")
    zone = analytics.station_ranking(Filter(counties=[ZONE]))
    assert len(zone) < 8
    page.locator('[data-testid="stHeading"]').filter(
        has_text=zone.iloc[0]["name_zh"]).first.wait_for(timeout=CHART_TIMEOUT_MS)
    full_screenshot(page, "stations-after-filter")


def test_picking_a_station_by_name_opens_its_card(page, app_url, analytics):
    open_page(page, f"{app_url}/stations?county=371721")
    ranking = analytics.station_ranking(Filter(counties=[CAO]))
    target = ranking.iloc[3]["name_zh"]
    select = page.locator('[data-testid="stSelectbox"]').filter(has_text="选择服务站")
    select.locator("input").click()
    page.get_by_role("option", name=target, exact=True).click()
    wait_idle(page)
    page.locator('[data-testid="stHeading"]').filter(has_text=target).first.wait_for()
    assert_no_traceback(page, "station picked by name")


def test_ticking_a_park_row_then_choosing_a_county_shows_no_error(page, app_url):
    open_page(page, f"{app_url}/parks")
    tick_row(page, 0, 5)
    assert_no_traceback(page, "park row ticked")
    choose_in_multiselect(page, "县区", "曹县")
    assert_no_traceback(page, "park filter changed after a tick")


# -- 4, 7: the snapshot changes under a running server -------------------------------------
def snapshot_id_shown(page: Page) -> str:
    open_page(page, page.url)
    page.locator('[data-testid="stTable"]').filter(
        has_text=re.compile(r"(synthetic|imported)-")).first.wait_for(timeout=CHART_TIMEOUT_MS)
    text = main_text(page)
    found = re.search(r"\b(?:synthetic|imported)-[\w.-]+", text)
    if not found:
        full_screenshot(page, "no-snapshot-id")
    assert found, f"no snapshot id on the page:\n{text[:2000]}"
    return found.group(0)


def rebuild(path: Path, built: Path) -> None:
    """Replace the served file as `python -m data.generate --out path` does: the new
    snapshot is written beside it and renamed over it (a new inode and mtime at the same
    path). `built` is that new snapshot, generated once for the session."""
    fresh = path.with_name(path.name + ".rebuilt")
    shutil.copyfile(built, fresh)
    os.replace(fresh, path)


def corrupt(path: Path) -> None:
    junk = path.with_name("junk.tmp-bytes")
    junk.write_bytes(os.urandom(1 << 20))
    os.replace(junk, path)


@pytest.mark.slow
def test_a_rebuilt_snapshot_is_served_to_open_and_new_sessions(page, browser, start_app,
                                                               snapshot_file, other_seed_file,
                                                               tmp_path):
    served = tmp_path / "snapshot.duckdb"
    shutil.copyfile(snapshot_file, served)
    url = start_app(served)
    sign_in(page, url)
    open_page(page, f"{url}/definitions")
    first = snapshot_id_shown(page)
    assert first.startswith("synthetic-20200831-")

    rebuilt = f"synthetic-{OTHER_SEED}-"
    rebuild(served, other_seed_file)
    switch_language(page, "English")  # a rerun of the open session
    assert snapshot_id_shown(page).startswith(rebuilt)
    fresh = new_watched_page(browser)
    sign_in(fresh, url)
    open_page(fresh, f"{url}/definitions")
    assert snapshot_id_shown(fresh).startswith(rebuilt)
    fresh.context.close()

    # A corrupt file replaces it: the last good snapshot keeps serving, the user is told.
    corrupt(served)
    page.reload()
    open_page(page, f"{url}/definitions?lang=zh")
    assert snapshot_id_shown(page).startswith(rebuilt)
    assert page.get_by_text("最新的数据快照无法读取").count() == 1
    assert_no_traceback(page, "corrupt snapshot")
    open_page(page, f"{url}/overview")
    assert page.get_by_text("27.6万人").count() >= 1  # still the numbers of a good snapshot


def test_a_corrupt_snapshot_at_start_gives_a_clear_message_not_a_traceback(page, start_app,
                                                                          tmp_path):
    served = tmp_path / "snapshot.duckdb"
    served.write_bytes(os.urandom(1 << 20))
    url = start_app(served)
    sign_in(page, url)
    page.goto(f"{url}/overview", wait_until="domcontentloaded")
    page.locator('[data-testid="stAlertContentError"]').wait_for(timeout=CHART_TIMEOUT_MS)
    text = page.locator('[data-testid="stAlertContentError"]').inner_text()
    assert "数据快照无法读取" in text
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.get_by_text("Ask Google").count() == 0
    assert "IOException" not in page.content() and "duckdb" not in page.content().lower()


@pytest.mark.slow
def test_a_promoted_snapshot_in_the_store_is_served_without_a_restart(page, start_app,
                                                                      snapshot_file, tmp_path):
    from data.generate import LOAD_ORDER
    from data.store import Manifest, SnapshotStore

    store = SnapshotStore(tmp_path / "snapshots")

    def add(snap_id: str) -> None:
        def fill(con):
            con.execute(f"ATTACH '{snapshot_file}' AS src (READ_ONLY)")
            for table in LOAD_ORDER:
                con.execute(f'INSERT INTO "{table}" SELECT * FROM src."{table}"')
            con.execute("UPDATE snapshot SET snapshot_id = ?", [snap_id])
            con.execute("DETACH src")

        store.build(snap_id, fill, Manifest(snap_id, "2020-08-31", "synthetic", "2026-01-01"))

    add("synthetic-first")
    store.promote("synthetic-first")
    url = start_app(None, env={"HEZE_SNAPSHOT": None, "HEZE_DATA_DIR": str(tmp_path)})
    sign_in(page, url)
    open_page(page, f"{url}/definitions")
    assert snapshot_id_shown(page) == "synthetic-first"
    add("synthetic-second")
    store.promote("synthetic-second")
    assert snapshot_id_shown(page) == "synthetic-second"
