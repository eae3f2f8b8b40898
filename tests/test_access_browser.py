"""The session cookie in a real browser: Chromium logs in to a real server running
tests/access_app.py under a base path, gets a SameSite=Strict cookie on that path, keeps the
session over a reload, and loses it on logout.

Uses Debian's /usr/bin/chromium (never ``playwright install``)."""

from __future__ import annotations

import os
import socket
import sqlite3
import time
from pathlib import Path

import pytest

from tests.browser_kit import require_chromium

require_chromium()

from playwright.sync_api import expect  # noqa: E402

from access import Access, Actor  # noqa: E402
from access.service import token_hash  # noqa: E402
from tests.access_support import settings_for  # noqa: E402
from tests.browser_kit import assert_offline, streamlit_process  # noqa: E402

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
BASE = "fanxiang"
PASSWORD = "browser-pass-1"
TIMEOUT_MS = 60_000


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("access-browser")
    data = root / "data"
    settings = settings_for(data, server={"base_path": BASE})
    acc = Access(data / "app.db", settings=settings)
    by = Actor("cli:test")
    acc.add_user("zhang", "county", by=by, password=PASSWORD, counties=["曹县"],
                 display_name="张三")
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "HEZE_DATA_DIR"}
    env.update(HEZE_CONFIG=str(settings.source), PYTHONPATH=str(ROOT))
    url = f"http://127.0.0.1:{port}/{BASE}/"
    with streamlit_process(
            ["tests/access_app.py", "--server.port", str(port), "--server.address", "127.0.0.1",
             "--server.headless", "true", "--server.baseUrlPath", BASE,
             "--server.enableXsrfProtection", "true", "--browser.gatherUsageStats", "false"],
            env, root / "server.log", f"{url}_stcore/health", start_s=60, fail=pytest.fail):
        yield url, acc


def session_cookie(context):
    return [c for c in context.cookies() if c["name"] == "heze_session"]


def test_the_session_cookie_survives_a_reload_and_logout_removes_it(server, page):
    url, acc = server
    context = page.context
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(url)
    page.get_by_label("用户名").fill("zhang")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_text("page overview")).to_be_visible(timeout=TIMEOUT_MS)
    expect(page.get_by_text("scope (371721,)")).to_be_visible()

    deadline = time.monotonic() + 10
    while not session_cookie(context) and time.monotonic() < deadline:
        time.sleep(0.2)
    [cookie] = session_cookie(context)
    assert (cookie["path"], cookie["sameSite"]) == (f"/{BASE}", "Strict")
    assert 11 * 3600 < cookie["expires"] - time.time() <= 12 * 3600
    con = sqlite3.connect(acc.db_path)
    hashes = {r[0] for r in con.execute("SELECT token_hash FROM sessions")}
    con.close()
    assert token_hash(cookie["value"]) in hashes

    page.reload()  # a new websocket session: restored from the cookie
    expect(page.get_by_text("page overview")).to_be_visible(timeout=TIMEOUT_MS)
    expect(page.get_by_label("密码")).to_have_count(0)

    page.goto(url + "users")  # a page the role may not open
    expect(page.get_by_text("您没有权限访问此页面。如需开通，请联系系统管理员。")).to_be_visible(
        timeout=TIMEOUT_MS)
    page.goto(url + "map")
    expect(page.get_by_text("page map")).to_be_visible(timeout=TIMEOUT_MS)

    page.get_by_role("button", name="退出登录").click()
    expect(page.get_by_text("您已退出登录。")).to_be_visible(timeout=TIMEOUT_MS)
    deadline = time.monotonic() + 10
    while session_cookie(context) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert session_cookie(context) == []
    page.reload()
    expect(page.get_by_label("密码")).to_be_visible(timeout=TIMEOUT_MS)
    expect(page.get_by_text("page map")).to_have_count(0)
    assert_offline(page, "login, reload, logout")
