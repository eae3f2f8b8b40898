"""Attacks through the pages and their downloads, against a server started the way it is
deployed (``python -m ops.serve``) on a snapshot whose imported text is hostile:

* a CSV download whose cells start with = + - @ reaches Excel/WPS as text, not a formula;
* a download is refused to a user disabled or demoted after the page was drawn;
* Markdown and HTML in the data (an image URL, <img>, a javascript: link) and in a link's
  values are shown as text: the browser asks nothing of any other machine;
* the tables' own toolbar offers no "Download as CSV" (it would bypass the audit log);
* a downloaded file's /media URL serves nobody but the session that made it;
* county staff see their own county's row counts on 说明.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import csv
import io
import os
import time
import urllib.error
import urllib.request
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from analytics.export import csv_bytes, defuse
from tests.browser_kit import (
    APP_DATA,
    CHART_TIMEOUT_MS,
    ROOT,
    _free_port,
    assert_no_errors,
    assert_offline,
    audit_log,
    make_users,
    new_watched_page,
    open_page,
    server_process,
    sign_in,
    wait_idle,
)

OUTSIDE = "203.0.113.9"  # TEST-NET-3: no such machine; the browser must not even try
FORMULA = '=HYPERLINK("http://203.0.113.9/steal","点此")'


# -- the hostile snapshot and the server ---------------------------------------------------
@pytest.fixture(scope="module")
def hostile_snapshot(snapshot_file, tmp_path_factory) -> Path:
    """The test snapshot with Markdown, HTML and a formula in every station's name, its
    e-commerce and brand programmes, and every park's name (as an import would bring)."""
    path = tmp_path_factory.mktemp("hostile") / "hostile.duckdb"
    # DuckDB refuses to UPDATE a row other tables refer to, so the copy is made table by
    # table (without the constraints, which a read-only snapshot does not need).
    changed = {
        "stations": (
            "SELECT * REPLACE ("
            f"'{FORMULA.replace(chr(39), chr(39) * 2)}' || '![n](http://{OUTSIDE}/name' "
            f"|| station_id || '.png)<img src=\"http://{OUTSIDE}/img' || station_id "
            "|| '.png\">站' || station_id AS name_zh, "
            f"'![e](http://{OUTSIDE}/ecommerce.png)' AS ecommerce_platform, "
            f"'<img src=\"http://{OUTSIDE}/brand.png\">[点](javascript:alert(1))' "
            "AS brand_centre) FROM src.stations"),
        "parks": (f"SELECT * REPLACE ('![p](http://{OUTSIDE}/park' || park_id || '.png)' "
                  "|| name_zh AS name_zh) FROM src.parks"),
    }
    con = duckdb.connect(str(path))
    try:
        con.execute("ATTACH ? AS src (READ_ONLY)", [str(snapshot_file)])
        names = [r[0] for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = 'src'").fetchall()]
        for name in names:
            select = changed.get(name, f'SELECT * FROM src."{name}"')
            con.execute(f'CREATE TABLE main."{name}" AS {select}')
        con.execute("DETACH src")
    finally:
        con.close()
    return path


@pytest.fixture(scope="module")
def server(hostile_snapshot, tmp_path_factory):
    """`python -m ops.serve` (as `make run` and the service start it) on a free port."""
    port = _free_port()
    tmp = tmp_path_factory.mktemp("served")
    data_dir = tmp / "data"
    data_dir.mkdir()
    make_users(data_dir)
    env = {k: v for k, v in os.environ.items() if k != "HEZE_CONFIG"}
    env.update(HEZE_SNAPSHOT=str(hostile_snapshot), HEZE_DATA_DIR=str(data_dir),
               HEZE_CONFIG=str(tmp / "none.toml"))
    (tmp / "none.toml").write_text("", encoding="utf-8")
    url = f"http://127.0.0.1:{port}"
    log = tmp / "server.log"
    APP_DATA[url] = data_dir
    try:
        with server_process(["-m", "ops.serve", "--server.port", str(port),
                             "--server.address", "127.0.0.1"], env, log,
                            f"{url}/_stcore/health", start_s=60, fail=pytest.fail):
            yield url
    finally:
        APP_DATA.pop(url, None)


@pytest.fixture(scope="module")
def access(server):
    from access.service import Access

    return Access(APP_DATA[server] / "app.db")


def add_user(access, name: str, role: str = "leader", counties=()):
    from tests.access_support import SETUP

    if access.get_user(name) is None:
        access.add_user(name, role, by=SETUP, password="correct-horse-1", counties=counties)
    return access.get_user(name)


@pytest.fixture
def tab(browser, server):
    """tab(user) -> a watched page signed in as `user` (closed at the end of the test)."""
    opened = []

    def make(user: str = "leader"):
        pg = new_watched_page(browser, accept_downloads=True)
        sign_in(pg, server, user)
        opened.append(pg)
        return pg

    yield make
    for pg in opened:
        pg.context.close()


def csv_button(page):
    return page.locator('[data-testid="stDownloadButton"] button').filter(
        has_text="下载 CSV").first


def get(url: str, cookie: str | None = None) -> int:
    """A second client: a plain GET, with the given Cookie header or none."""
    req = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            r.read()
            return r.status
    except urllib.error.HTTPError as err:
        return err.code


# -- item 2: formulas in CSV cells -------------------------------------------------------------
@pytest.mark.parametrize("text", ["=1+2", "+1+2", "-2+3+cmd|' /C calc'!A0", "@SUM(A1:A9)",
                                  "\t=1+2", "\r=1+2", FORMULA, "-"])
def test_text_a_spreadsheet_would_run_is_defused(text):
    assert defuse(text) == "'" + text


@pytest.mark.parametrize("value", ["曹县", "a=b", "-3.5%", "+12", "-1,234.5", "0", "", -7, -2.5,
                                   None])
def test_numbers_and_ordinary_text_are_left_alone(value):
    assert defuse(value) == value


def test_a_negative_number_stays_a_number_in_the_csv():
    df = pd.DataFrame({"名称": ["=1+2", "单县"], "变化": [-12, 5], "同比": ["-3.5%", "+1.0%"]})
    text = csv_bytes(df, {"筛选条件": "@全部"}).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == ["筛选条件", "'@全部"]
    assert rows[3:] == [["'=1+2", "-12", "-3.5%"], ["单县", "5", "+1.0%"]]


def test_a_downloaded_csv_holds_imported_formulas_as_text(tab, server, tmp_path):
    page = tab()
    open_page(page, f"{server}/stations")
    with page.expect_download(timeout=CHART_TIMEOUT_MS) as info:
        csv_button(page).click()
    path = tmp_path / "stations.csv"
    info.value.save_as(path)
    text = path.read_bytes().decode("utf-8-sig")
    cells = [c for row in csv.reader(io.StringIO(text, newline="")) for c in row]
    names = [c for c in cells if "HYPERLINK" in c]
    assert names and all(c.startswith("'=HYPERLINK") for c in names), names[:3]
    assert not any(c.startswith(("=", "+", "@", "\t", "\r")) for c in cells)


# -- item 8: the file's URL serves only the session that made it ----------------------------
def test_a_download_url_serves_no_other_client(tab, server, tmp_path):
    page = tab()
    open_page(page, f"{server}/stations")
    with page.expect_download(timeout=CHART_TIMEOUT_MS) as info:
        csv_button(page).click()
    info.value.save_as(tmp_path / "mine.csv")  # the browser got it
    url = info.value.url
    assert "/media/" in url, url
    mine = "; ".join(f"{c['name']}={c['value']}" for c in page.context.cookies(server))
    other = new_watched_page(page.context.browser)
    try:
        sign_in(other, server, "county")
        theirs = "; ".join(f"{c['name']}={c['value']}" for c in other.context.cookies(server))
    finally:
        other.context.close()
    assert get(url) == 403                      # no session at all
    assert get(url, theirs) == 403              # another signed-in user
    assert get(url, mine) == 200                # the session that made it, while it is fresh
    refused = audit_log(server, action="denied")
    assert any(e.details.get("what") == "download_link" for e in refused)


def run_async(coro):
    """The coroutine's result, on a thread of its own (the browser's loop may be running)."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


def test_a_download_id_runs_only_for_the_session_that_drew_it(monkeypatch):
    from streamlit.proto.BackMsg_pb2 import BackendOperationRequest
    from streamlit.runtime.backend_operation_handler import DeferredFileHandler

    from access.downloads import _bind_deferred_to_session

    ran = []

    class Manager:
        _deferred_callables = {"f1": {"session_id": "victim"}}

        def execute_deferred(self, file_id):
            ran.append(file_id)
            return "/media/x.csv"

    monkeypatch.setattr(DeferredFileHandler, "handle", DeferredFileHandler.handle)  # undone after
    _bind_deferred_to_session()
    handler = DeferredFileHandler(Manager)
    request = BackendOperationRequest(request_id="r1")
    request.deferred_file.file_id = "f1"
    stolen = run_async(handler.handle(request, "attacker"))
    assert stolen.error_msg and not stolen.deferred_file.url and ran == []
    own = run_async(handler.handle(request, "victim"))
    assert own.deferred_file.url == "/media/x.csv" and ran == ["f1"]


# -- item 4: the user is checked when the file is made -----------------------------------------
@pytest.mark.parametrize("change", ["disabled", "demoted"])
def test_a_user_changed_after_the_page_was_drawn_gets_no_file(tab, server, access, change):
    from tests.access_support import SETUP

    name = f"gone_{change}"
    add_user(access, name)
    page = tab(name)
    open_page(page, f"{server}/stations")
    if change == "disabled":
        access.disable_user(name, by=SETUP)
    else:
        access.update_user(name, by=SETUP, role="county", counties=[371721])
    downloads = []
    page.on("download", lambda d: downloads.append(d))
    csv_button(page).click()
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and not [
            e for e in audit_log(server, user=name, action="denied")]:
        time.sleep(0.3)
    page.wait_for_timeout(1000)
    assert downloads == []
    assert audit_log(server, user=name, action="export") == []
    assert [e.details.get("what") for e in audit_log(server, user=name, action="denied")] == [
        "download"]


# -- items 5 and 7: imported Markdown and HTML stay text; no toolbar download -----------------
def read(locator) -> str:
    """The text as a reader sees it (the word joiners that keep an address from becoming a
    link are invisible)."""
    return locator.inner_text().replace("\u2060", "")


def test_hostile_text_in_the_data_is_shown_as_text_and_fetches_nothing(tab, server):
    page = tab()
    open_page(page, f"{server}/stations")
    assert_offline(page, "the stations page and its card")
    card = page.locator('[data-testid="stMainBlockContainer"]')
    assert "![e](http://203.0.113.9/ecommerce.png)" in read(card)
    links = card.locator(f'img[src*="{OUTSIDE}"], a[href*="{OUTSIDE}"], a[href^="javascript"]')
    assert links.count() == 0, [links.nth(i).evaluate("e => e.outerHTML")[:300]
                                for i in range(links.count())]
    # The station card's title is the name as imported, Markdown and HTML as text.
    titles = [read(h) for h in card.locator("h3").all()]
    assert [x for x in titles if x.startswith(FORMULA + f"![n](http://{OUTSIDE}/name")
            and '<img src="http' in x], titles
    # The tables' own toolbar: search and full screen, but no download.
    grid = page.locator('[data-testid="stDataFrame"]').first
    grid.hover()
    toolbar = page.locator('[data-testid="stElementToolbar"]').first
    toolbar.wait_for(state="visible", timeout=10_000)
    labels = [b.get_attribute("aria-label") or b.inner_text()
              for b in toolbar.locator("button").all()]
    assert labels and not [x for x in labels if "ownload" in x or "下载" in x], labels
    for path in ("parks", f"overview?industry=![x](http://{OUTSIDE}/link.png)"
                 "&county=<img src=http://203.0.113.9/l2.png>"):
        open_page(page, f"{server}/{path}")
        assert_offline(page, path)
        assert_no_errors(page, path)
    assert "![x](http://203.0.113.9/link.png)" in read(page.locator('[data-testid="stApp"]'))
    wait_idle(page)
    assert_offline(page, "pages showing hostile imported text")


# -- item 9: county staff see their county's counts on 说明 --------------------------------
def test_county_staff_see_their_own_row_counts_on_definitions(signed_in, snapshot_file):
    from streamlit.testing.v1 import AppTest

    at = signed_in(AppTest.from_file(str(ROOT / "app.py"), default_timeout=120), "county")
    at.run()
    at.switch_page("pages/definitions.py").run()
    table = at.dataframe[-1].value
    shown = dict(zip(table.iloc[:, 0], table.iloc[:, 2], strict=True))
    con = duckdb.connect(str(snapshot_file), read_only=True)
    try:
        def n(sql):
            return con.execute(sql).fetchone()[0]
        expected = {
            "stations": n("SELECT count(*) FROM stations WHERE sponsor_county = 371721"),
            "returnees": n("SELECT count(*) FROM returnees WHERE county_code = 371721"),
            "parks": n("SELECT count(*) FROM parks WHERE county_code = 371721"),
            "projects": n("SELECT count(*) FROM projects WHERE county_code = 371721"),
        }
        citywide = n("SELECT count(*) FROM returnees")
    finally:
        con.close()
    names = {"stations": "服务站信息库", "returnees": "返乡创业人员信息库",
             "parks": "园区(基地)信息库", "projects": "项目信息库"}  # as the page names them
    assert {k: shown[names[k]] for k in expected} == expected
    assert shown[names["returnees"]] < citywide


def test_the_map_tooltips_hold_imported_names_as_escaped_html(signed_in, hostile_snapshot,
                                                              monkeypatch):
    """deck.gl puts a tooltip's fields into HTML as they are: a station name with <img> would
    be fetched on hover, so the fields arrive escaped."""
    import json

    from streamlit.testing.v1 import AppTest

    at = signed_in(AppTest.from_file(str(ROOT / "app.py"), default_timeout=120))
    monkeypatch.setenv("HEZE_SNAPSHOT", str(hostile_snapshot))
    at.run()
    at.switch_page("pages/map.py").run()
    assert not at.exception, [e.message for e in at.exception]
    decks = [json.loads(chart.proto.json) for chart in at.get("deck_gl_json_chart")]
    layer = next(la for deck in decks for la in deck["layers"] if la.get("id") == "stations")
    tips = [row["tip_title"] for row in layer["data"]]
    assert tips and all("&lt;img src=&quot;http://" in tip and "<img" not in tip for tip in tips)


def test_a_download_in_header_mode_needs_the_header_from_a_trusted_proxy(tmp_path):
    """The /media guard follows the login's rule: a user header counts only when one of
    login.trusted_proxies sent it; from any other address it is no session."""
    from access.downloads import request_key
    from tests.access_support import add, make_access

    acc = make_access(tmp_path, login={"mode": "header", "trusted_proxies": "127.0.0.2"})
    add(acc, "leader", "leader")
    header = {acc.settings["login.trusted_header"].lower(): "leader"}
    assert request_key(acc, header, "127.0.0.2") == "header:leader"
    assert request_key(acc, header, "127.0.0.1") is None
    assert request_key(acc, header, "10.1.2.3") is None
    assert request_key(acc, header, None) is None
