"""Who sees what, checked where it matters: in what the server actually sends the browser
(every websocket frame) and in the files it hands out. A county user's frames name no other
county and carry none of its stations, parks or businesses, whatever the link asks; no
role's frames carry a full ID number or mobile, except the one record a data administrator
revealed.
"""

from __future__ import annotations

import re

import duckdb
import pytest
from playwright.sync_api import Page

from tests.browser_kit import (
    CHART_TIMEOUT_MS,
    assert_no_errors,
    audit_log,
    open_page,
    require_chromium,
    sign_in,
    wait_idle,
)

require_chromium()
pytestmark = pytest.mark.browser

CAO = 371721
COUNTY_PAGES = ["overview", "trends", "stations", "map", "projects", "parks", "counties",
                "people", "definitions"]
DIGIT_RUNS = re.compile(rb"[0-9Xx]{11,}")


class PersonData:
    """Every real ID number and mobile in the snapshot, to look for in what was sent: a
    pattern alone would mistake digits inside random hashes for a mobile, and miss IDs
    that travel back to back in a table's buffer."""

    def __init__(self, con):
        def values(sql):
            return {r[0].encode() for r in con.execute(sql).fetchall()}

        self.ids = values("SELECT id_number FROM returnees UNION SELECT id_number "
                          "FROM outside_people")
        self.mobiles = values("SELECT mobile FROM returnees UNION SELECT mobile FROM "
                              "outside_people UNION SELECT head_mobile FROM stations")

    def found(self, data: bytes) -> tuple[set[bytes], set[bytes]]:
        ids, mobiles = set(), set()
        for run in DIGIT_RUNS.findall(data):
            for i in range(len(run) - 10):
                if run[i:i + 11] in self.mobiles:
                    mobiles.add(run[i:i + 11])
                if run[i:i + 18] in self.ids:
                    ids.add(run[i:i + 18])
        return ids, mobiles


@pytest.fixture(scope="module")
def person_data(snapshot_file) -> PersonData:
    con = duckdb.connect(str(snapshot_file), read_only=True)
    try:
        return PersonData(con)
    finally:
        con.close()


class Frames:
    """Every websocket frame the page received, as bytes."""

    def __init__(self, page: Page):
        self.frames: list[bytes] = []
        page.on("websocket", lambda ws: ws.on("framereceived", self._add))

    def _add(self, payload) -> None:
        self.frames.append(payload if isinstance(payload, bytes) else payload.encode())

    def take(self) -> bytes:
        data, self.frames = b"".join(self.frames), []
        return data


# A station named on a county's own record (the station that referred its returnee or
# recommended its project) travels with that record; any other station is another's.
LINKED_STATIONS = """
    SELECT name_zh FROM stations WHERE sponsor_county = $cao
    UNION SELECT s.name_zh FROM stations s JOIN returnees r ON r.station_id = s.station_id
          WHERE r.county_code = $cao
    UNION SELECT s.name_zh FROM stations s JOIN projects p ON p.station_id = s.station_id
          WHERE p.county_code = $cao
    UNION SELECT s.name_zh FROM stations s JOIN outside_people o ON o.station_id = s.station_id
          WHERE o.home_county = $cao"""


@pytest.fixture(scope="module")
def linked_stations(snapshot_file) -> list[bytes]:
    con = duckdb.connect(str(snapshot_file), read_only=True)
    try:
        return sorted((r[0].encode() for r in con.execute(LINKED_STATIONS, {"cao": CAO})
                       .fetchall()), key=len, reverse=True)
    finally:
        con.close()


@pytest.fixture(scope="module")
def other_counties(snapshot_file) -> dict[str, list[bytes]]:
    """Names that belong to the other counties: theirs, and their stations', parks' and
    projects' (as UTF-8, as they would travel)."""
    con = duckdb.connect(str(snapshot_file), read_only=True)
    try:
        names = {
            "counties": [r[0] for r in con.execute(
                "SELECT name_zh FROM counties WHERE county_code <> ?", [CAO]).fetchall()],
            "stations": [r[0] for r in con.execute(
                f"SELECT name_zh FROM stations EXCEPT ({LINKED_STATIONS})", {"cao": CAO})
                .fetchall()],
            "parks": [r[0] for r in con.execute(
                "SELECT name_zh FROM parks WHERE county_code <> ?", [CAO]).fetchall()],
            "projects": [r[0] for r in con.execute(
                "SELECT name_zh FROM projects WHERE county_code <> ? ORDER BY investment DESC "
                "LIMIT 50", [CAO]).fetchall()],
        }
    finally:
        con.close()
    return {kind: [n.encode() for n in values] for kind, values in names.items()}


@pytest.fixture
def county_page(browser, app_url):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    page = context.new_page()
    frames = Frames(page)
    sign_in(page, app_url, role="county")
    yield page, frames
    context.close()


LINKED: list[bytes] = []


@pytest.fixture(autouse=True)
def _linked(linked_stations):
    LINKED[:] = linked_stations


def leaks(data: bytes, names: dict[str, list[bytes]]) -> list[str]:
    """The other counties' names found in `data`, once the names of the stations linked to
    the county's own records (which contain county names: 牡丹区返乡创业(杭州)服务站) are
    taken out."""
    for name in LINKED:
        data = data.replace(name, b"")
    return [f"{kind}: {n.decode()}" for kind, values in names.items() for n in values
            if n in data]


def test_a_county_user_receives_nothing_of_another_county_on_any_page(county_page, app_url,
                                                                     other_counties,
                                                                     person_data):
    page, frames = county_page
    for slug in COUNTY_PAGES:
        # County staff get the national map only: their stations replace a Heze map of one.
        open_page(page, f"{app_url}/{slug}", decks=1 if slug == "map" else 0)
        assert_no_errors(page, slug)
        data = frames.take()
        assert "曹县".encode() in data, f"{slug}: nothing of the user's own county arrived"
        assert not leaks(data, other_counties), (slug, leaks(data, other_counties)[:5])
        assert person_data.found(data) == (set(), set()), slug


@pytest.mark.parametrize("query", ["county=371722", "county=单县", "county=371721&county=371702",
                                   "county=菏泽经济开发区&level=city"])
def test_a_link_cannot_widen_a_county_users_scope(county_page, app_url, other_counties, query):
    page, frames = county_page
    open_page(page, f"{app_url}/counties?{query}")
    data = frames.take()
    assert not leaks(data, other_counties), (query, leaks(data, other_counties)[:5])
    assert "county=371722" not in page.url and "county=371702" not in page.url
    notice = page.locator('[data-testid="stAlertContentWarning"]').filter(
        has_text="不在您的数据范围内")
    assert notice.count() == 1


def test_a_county_users_downloads_hold_only_their_county(county_page, app_url, other_counties,
                                                        person_data, tmp_path):
    page, frames = county_page
    downloaded = []
    earlier = len(audit_log(app_url, action="export", user="county"))
    for slug in ("stations", "counties", "people"):
        open_page(page, f"{app_url}/{slug}")
        buttons = page.locator('[data-testid="stDownloadButton"] button')
        for i in range(buttons.count()):
            if not buttons.nth(i).is_visible():
                continue
            with page.expect_download(timeout=CHART_TIMEOUT_MS) as info:
                buttons.nth(i).click()
            path = tmp_path / info.value.suggested_filename
            downloaded.append(path.suffix.lstrip("."))
            info.value.save_as(path)
            data = path.read_bytes()
            if path.suffix == ".csv":
                text = data.decode("utf-8-sig").encode()
                assert not leaks(text, other_counties), (slug, path.name)
                assert person_data.found(text) == (set(), set()), path.name
            wait_idle(page)
        frames.take()
    # Every file handed out was written to the audit log, as the county user's.
    assert "csv" in downloaded and "xlsx" in downloaded and "pdf" in downloaded
    logged = audit_log(app_url, action="export", user="county")[:-earlier or None]
    assert sorted(e.details["format"] for e in logged) == sorted(downloaded)
    assert {(e.user_name, e.role) for e in logged} == {("county", "county")}


@pytest.mark.parametrize("role", ["leader", "admin"])
def test_no_full_id_or_mobile_reaches_a_role_that_may_not_reveal(browser, app_url, role,
                                                                person_data):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    frames = Frames(page)
    sign_in(page, app_url, role=role)
    try:
        for slug in ("people", "stations"):
            open_page(page, f"{app_url}/{slug}")
        assert person_data.found(frames.take()) == (set(), set())
    finally:
        context.close()


def test_a_data_administrator_receives_only_the_record_revealed(browser, app_url, person_data):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    frames = Frames(page)
    sign_in(page, app_url, role="data_admin")
    try:
        open_page(page, f"{app_url}/people")
        assert person_data.found(frames.take()) == (set(), set())
        form = page.locator('[data-testid="stForm"]')
        form.locator("textarea").fill("核对创业担保贷款申请材料")
        form.get_by_role("button", name="查看").click()
        page.get_by_text("本次查看已记入审计日志").wait_for(timeout=CHART_TIMEOUT_MS)
        wait_idle(page)
        ids, mobiles = person_data.found(frames.take())
        assert len(ids) == 1 and len(mobiles) == 1
    finally:
        context.close()
