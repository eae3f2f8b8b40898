"""The login flow as a browser session sees it (AppTest over tests/access_app.py): nothing
before login, one message for every failed login, the session cookie, reload, idle expiry,
logout, a disabled user, pages a role may not open, and the header and OIDC modes.

AppTest cannot send cookies or headers, so the request the browser would make is injected
(`pages.login_request.request_info`); the real cookie round trip is in
test_access_browser.py."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from access import PermissionDenied, handoff
from access import roles as R
from access.service import LOGIN_FAILED, token_hash
from pages import account, login_request
from pages.login_request import COOKIE, RequestInfo
from tests.access_support import SETUP, Clock, add, make_access, sign_in

APP = str(Path(__file__).with_name("access_app.py"))
PASSWORD = "correct-horse-1"


class Browser:
    """What the browser sends with its websocket request: cookies, headers, address."""

    def __init__(self):
        self.cookies: dict[str, str] = {}
        self.headers: dict[str, str] = {}
        self.ip = "10.8.0.15"

    def info(self) -> RequestInfo:
        return RequestInfo(dict(self.cookies), dict(self.headers), self.ip)


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def browser(monkeypatch):
    b = Browser()
    monkeypatch.setattr(login_request, "request_info", b.info)
    return b


def use(monkeypatch, tmp_path, clock, **sections):
    acc = make_access(tmp_path, clock=clock, **sections)
    monkeypatch.setattr(login_request, "service", lambda: acc)
    return acc


@pytest.fixture
def acc(monkeypatch, tmp_path, clock, browser):
    return use(monkeypatch, tmp_path, clock, server={"base_path": "fanxiang"})


def app(lang: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    if lang:
        at.query_params["lang"] = lang
    return at.run()


def login(at: AppTest, name: str, password: str) -> AppTest:
    at.text_input(key="heze_login_user").input(name)
    at.text_input(key="heze_login_password").input(password)
    return at.button[-1].click().run()


def shown(at: AppTest) -> dict:
    return {
        "pages": [h.value for h in at.header],
        "errors": [e.value for e in at.error],
        "infos": [i.value for i in at.info],
        "form": [t.label for t in at.text_input],
        "titles": [t.value for t in at.title],
    }


def cookie_scripts(at: AppTest) -> list[str]:
    return [h.proto.body for h in at.get("html") if "document.cookie" in h.proto.body]


def cookie_value(script: str) -> tuple[str, str, int]:
    spec = re.search(r'"value": "([^"]*)", "path": "([^"]*)", "maxAge": (\d+)', script)
    return spec.group(1), spec.group(2), int(spec.group(3))


def goto(at: AppTest, slug: str) -> AppTest:
    """Open the page at URL path `slug`, as typing the address does."""
    pages = {info.get("url_pathname"): h for h, info in at._registered_pages.items()}
    titles = {info.get("page_name"): h for h, info in at._registered_pages.items()}
    at._page_hash = pages.get(slug) or titles[slug]  # the default page's URL path is ""
    return at.run()


# -- logging in ----------------------------------------------------------------------------
def test_nothing_but_the_login_form_is_shown_before_login(acc):
    at = app()
    assert not at.exception
    assert shown(at)["form"] == ["用户名", "密码"]
    assert shown(at)["pages"] == [] and len(at.sidebar.children) == 0
    assert cookie_scripts(at) == []


def test_wrong_password_unknown_user_and_locked_account_show_one_message(acc):
    add(acc, "zhang", R.LEADER)
    add(acc, "wang", R.LEADER)
    at = app()
    messages = []
    for name, password in [("zhang", "wrong-password")] + [("wang", "wrong-password")] * 5 + [
            ("nobody", PASSWORD), ("wang", PASSWORD)]:
        login(at, name, password)
        messages.append(shown(at)["errors"])
    assert all(m == [LOGIN_FAILED[0]] for m in messages), messages
    assert shown(at)["pages"] == []


def test_english_labels_when_the_url_asks_for_english(acc):
    add(acc, "zhang", R.LEADER)
    at = app(lang="en")
    assert shown(at)["form"] == ["User name", "Password"]
    login(at, "zhang", "wrong-password")
    assert shown(at)["errors"] == [LOGIN_FAILED[1]]


def test_a_login_opens_the_page_and_sets_a_strict_cookie_on_the_base_path(acc, browser):
    add(acc, "zhang", R.COUNTY, counties=["曹县"])
    at = login(app(), "zhang", PASSWORD)
    assert not at.exception
    assert shown(at)["pages"] == ["page overview"] and shown(at)["form"] == []
    assert [t.value for t in at.text if t.value.startswith("scope")] == ["scope (371721,)"]
    [script] = cookie_scripts(at)
    token, path, max_age = cookie_value(script)
    assert (path, max_age) == ("/fanxiang", 12 * 3600)
    assert "SameSite=Strict" in script and "Secure" in script
    con = sqlite3.connect(acc.db_path)
    assert token_hash(token) in {r[0] for r in con.execute("SELECT token_hash FROM sessions")}
    con.close()
    [entry] = acc.audit_entries(SETUP, action="login")
    assert (entry.user_name, entry.client) == ("zhang", "10.8.0.15")


def handoff_codes(at: AppTest) -> list[str]:
    """The one-time codes of the handoff scripts drawn (a server with the handoff route)."""
    return [re.search(r'"code": "([^"]+)"', h.proto.body).group(1) for h in at.get("html")
            if "fetch(" in h.proto.body]


def test_through_the_handoff_route_the_cookie_is_posted_once_not_on_every_rerun(
        acc, browser, monkeypatch):
    monkeypatch.setitem(handoff._INSTALLED, "route", True)  # as ops.serve installs it
    add(acc, "zhang", R.LEADER)
    at = login(app(), "zhang", PASSWORD)
    [code] = handoff_codes(at)
    places = len(at.main.children)
    at.run()  # a rerun before the browser posted it: the same script, so it runs once
    assert handoff_codes(at) == [code]
    offer = handoff.take(code)  # the route exchanges the code for the cookie
    assert offer is not None and offer.max_age == 12 * 3600
    for _ in range(3):  # the browser has the cookie: no new code, no new request
        at.run()
        assert handoff_codes(at) == []
        # and the (empty) box stays: the page's elements keep their places, so a chart
        # is not drawn anew on the next rerun
        assert len(at.main.children) == places
    assert shown(at)["pages"] == ["page overview"]
    at.sidebar.button(key="heze_access_logout").click().run()
    [clear] = handoff_codes(at)  # logout: a code that clears the cookie
    assert handoff.take(clear).token == ""
    at.run()
    assert handoff_codes(at) == []


def test_a_reload_restores_the_session_from_the_cookie(acc, browser):
    add(acc, "zhang", R.LEADER)
    token = cookie_value(cookie_scripts(login(app(), "zhang", PASSWORD))[0])[0]
    browser.cookies[COOKIE] = token  # the reload sends the cookie just set
    again = app()
    assert shown(again)["pages"] == ["page overview"] and shown(again)["form"] == []
    assert cookie_scripts(again) == []  # nothing to change in the browser
    assert len(acc.audit_entries(SETUP, action="login")) == 1


def test_a_forged_cookie_restores_nothing(acc, browser):
    add(acc, "zhang", R.LEADER)
    browser.cookies[COOKIE] = "not-a-session-token"
    at = app()
    assert shown(at)["form"] == ["用户名", "密码"] and shown(at)["pages"] == []


def test_an_idle_session_ends_with_its_message_at_the_next_rerun(acc, clock):
    add(acc, "zhang", R.LEADER)
    at = login(app(), "zhang", PASSWORD)
    clock.advance(minutes=30)
    at.run()
    assert shown(at)["pages"] == [] and shown(at)["form"] == ["用户名", "密码"]
    assert shown(at)["infos"] == ["由于长时间未操作，您已自动退出，请重新登录。"]
    [script] = cookie_scripts(at)
    assert cookie_value(script)[2] == 0  # the cookie is cleared


def test_a_reload_after_the_idle_time_shows_the_idle_message_and_clears_the_cookie(
        acc, clock, browser):
    add(acc, "zhang", R.LEADER)
    browser.cookies[COOKIE] = cookie_value(cookie_scripts(login(app(), "zhang", PASSWORD))[0])[0]
    clock.advance(minutes=45)
    at = app()
    assert shown(at)["infos"] == ["由于长时间未操作，您已自动退出，请重新登录。"]
    assert cookie_value(cookie_scripts(at)[0])[0:3:2] == ("", 0)


def test_a_session_past_max_hours_says_so(acc, clock):
    add(acc, "zhang", R.LEADER)
    at = login(app(), "zhang", PASSWORD)
    for _ in range(12 * 4):
        clock.advance(minutes=15)
        at.run()
    assert shown(at)["infos"] == ["本次登录已到最长有效时间，请重新登录。"]


def test_logout_ends_the_session_clears_the_cookie_and_a_reload_stays_logged_out(acc, browser):
    add(acc, "zhang", R.LEADER)
    at = login(app(), "zhang", PASSWORD)
    token = cookie_value(cookie_scripts(at)[0])[0]
    browser.cookies[COOKIE] = token
    at.sidebar.button(key="heze_access_logout").click().run()
    assert shown(at)["pages"] == [] and shown(at)["infos"] == ["您已退出登录。"]
    assert cookie_value(cookie_scripts(at)[0])[2] == 0
    assert acc.check_session(token).reason == "ended"
    reload = app()  # had the browser kept the cookie, it would restore nothing
    assert shown(reload)["pages"] == [] and shown(reload)["form"] == ["用户名", "密码"]
    assert [e.user_name for e in acc.audit_entries(SETUP, action="logout")] == ["zhang"]


def test_a_user_disabled_while_signed_in_is_out_at_the_next_rerun(acc):
    add(acc, "zhang", R.LEADER)
    add(acc, "root1", R.ADMIN)
    at = login(app(), "zhang", PASSWORD)
    acc.disable_user("zhang", by=SETUP)
    at.run()
    assert shown(at)["pages"] == [] and shown(at)["infos"] == ["您的登录已结束，请重新登录。"]


# -- pages ---------------------------------------------------------------------------------
def test_a_page_the_role_may_not_open_says_no_permission_in_chinese_and_is_logged(acc):
    add(acc, "zhang", R.COUNTY, counties=["单县"])
    at = login(app(), "zhang", PASSWORD)
    for slug in ("users", "audit", "import", "targets"):
        goto(at, slug)
        assert shown(at)["titles"] == ["无权访问"], slug
        assert shown(at)["errors"] == ["您没有权限访问此页面。如需开通，请联系系统管理员。"]
        assert shown(at)["pages"] == []
    goto(at, "users")  # once per tab and page in the log
    denied = [e.details["page"] for e in reversed(acc.audit_entries(SETUP, action="denied"))]
    assert denied == ["users", "audit", "import", "targets"]
    goto(at, "map")
    assert shown(at)["pages"] == ["page map"]


def test_each_role_opens_its_own_pages_and_no_other(acc):
    for role in R.ROLES:
        user = add(acc, f"u_{role}", role, counties=["曹县"] if role == R.COUNTY else ())
        at = login(app(), user.name, PASSWORD)
        for slug in R.PAGES:
            goto(at, slug)
            opened = shown(at)["pages"] == [f"page {slug}"]
            assert opened == user.may_open(slug), (role, slug)
            assert opened != (shown(at)["titles"] == ["无权访问"])


def test_a_deep_link_opened_before_login_shows_its_page_after_login(acc):
    add(acc, "zhang", R.LEADER)
    at = goto(app(), "map")
    assert shown(at)["form"] == ["用户名", "密码"]
    login(at, "zhang", PASSWORD)
    assert shown(at)["pages"] == ["page map"]


def test_user_text_is_shown_as_plain_text_never_as_markdown_or_html(acc):
    add(acc, "zhang", R.LEADER, display_name="<img src=x onerror=alert(1)> **bold** ![a](http://x)")
    at = login(app(), "zhang", PASSWORD)
    rendered = [m.value for m in at.markdown] + [h.proto.body for h in at.get("html")] + [
        c.value for c in at.caption]
    assert not any("onerror" in r or "![a]" in r for r in rendered)
    assert any("<img src=x onerror=alert(1)>" in t.value for t in at.sidebar.text)


# -- header and OIDC modes -----------------------------------------------------------------
HEADER_MODE = {"mode": "header", "trusted_proxies": "10.8.0.15"}  # the Browser's address


@pytest.fixture(autouse=True)
def _proxy_headers_off(monkeypatch):
    """As in a server started by ops.serve: the peer address is the real one."""
    monkeypatch.setenv("FORWARDED_ALLOW_IPS", "")


def test_header_mode_signs_in_the_user_the_proxy_names(monkeypatch, tmp_path, clock, browser):
    acc = use(monkeypatch, tmp_path, clock, login=HEADER_MODE)
    add(acc, "zhang", R.COUNTY, password=None, counties=["曹县"])
    add(acc, "li", R.LEADER, password=None)
    browser.headers["x-remote-user"] = "zhang"
    at = app()
    assert shown(at)["pages"] == ["page overview"] and shown(at)["form"] == []
    assert cookie_scripts(at) == []  # the proxy owns the login: no cookie of ours
    assert [b.key for b in at.sidebar.button] == []
    at.run()
    browser.headers["x-remote-user"] = "li"  # another person behind the same tab
    at.run()
    assert [t.value for t in at.text if t.value.startswith("scope")] == ["scope None"]
    logins = [(e.user_name, e.details) for e in reversed(acc.audit_entries(SETUP, action="login"))]
    assert logins == [("zhang", {"mode": "header", "subject": "zhang"}),
                      ("li", {"mode": "header", "subject": "li"})]


@pytest.mark.parametrize("header", [None, "", "nobody", "gone"])
def test_header_mode_refuses_a_missing_unknown_or_disabled_user(monkeypatch, tmp_path, clock,
                                                                 browser, header):
    acc = use(monkeypatch, tmp_path, clock, login=HEADER_MODE)
    add(acc, "gone", R.LEADER, password=None)
    add(acc, "root1", R.ADMIN)
    acc.disable_user("gone", by=SETUP)
    if header is not None:
        browser.headers["X-Remote-User"] = header
    at = app()
    assert shown(at)["pages"] == [] and shown(at)["form"] == []
    assert shown(at)["errors"] == [account.t("header_unknown")]
    at.run()
    assert len(acc.audit_entries(SETUP, action="login_failed")) == 1  # once per tab


def test_header_mode_reads_the_header_named_in_the_settings(monkeypatch, tmp_path, clock,
                                                             browser):
    acc = use(monkeypatch, tmp_path, clock,
              login={**HEADER_MODE, "trusted_header": "X-Auth-User"})
    add(acc, "zhang", R.LEADER, password=None)
    browser.headers["X-Remote-User"] = "zhang"
    assert shown(app())["pages"] == []
    browser.headers["X-Auth-User"] = "zhang"
    assert shown(app())["pages"] == ["page overview"]


def test_oidc_mode_maps_the_providers_email_to_a_user(monkeypatch, tmp_path, clock, browser):
    acc = use(monkeypatch, tmp_path, clock, login={"mode": "oidc"})
    add(acc, "zhang", R.COUNTY, password=None, counties=["曹县"], email="zhang@heze.gov.cn")
    at = AppTest.from_file(APP, default_timeout=60)
    at.user = {"is_logged_in": True, "email": "Zhang@heze.gov.cn", "email_verified": True}
    at.run()
    assert shown(at)["pages"] == ["page overview"]
    assert [e.details for e in acc.audit_entries(SETUP, action="login")] == [
        {"mode": "oidc", "subject": "Zhang@heze.gov.cn"}]


def test_oidc_mode_offers_the_provider_login_and_refuses_an_unknown_email(
        monkeypatch, tmp_path, clock, browser):
    use(monkeypatch, tmp_path, clock, login={"mode": "oidc"})
    at = AppTest.from_file(APP, default_timeout=60)
    at.user = {"is_logged_in": False}
    at.run()
    assert [b.label for b in at.button if b.key == "heze_sso_login"] == ["使用统一身份认证登录"]
    assert shown(at)["pages"] == [] and shown(at)["form"] == []
    at.user = {"is_logged_in": True, "email": "stranger@example.com"}
    at.run()
    assert shown(at)["errors"] == [account.t("sso_unknown")] and shown(at)["pages"] == []


def test_oidc_mode_without_a_configured_provider_says_so(monkeypatch, tmp_path, clock, browser):
    use(monkeypatch, tmp_path, clock, login={"mode": "oidc"})
    at = AppTest.from_file(APP, default_timeout=60)
    at.user = {"is_logged_in": False}
    at.run()
    next(b for b in at.button if b.key == "heze_sso_login").click().run()
    assert shown(at)["errors"] == [account.t("sso_not_configured")]


def test_the_ui_helpers_log_exports_and_reveals_with_the_browsers_address(monkeypatch,
                                                                         tmp_path, clock,
                                                                         browser):
    acc = use(monkeypatch, tmp_path, clock, login={"trusted_proxies": "10.8.0.15, 10.0.0.1"})
    browser.headers["X-Forwarded-For"] = "172.16.5.9, 10.0.0.1"
    leader = add(acc, "li", R.LEADER)
    data_admin = add(acc, "zhao", R.DATA_ADMIN)
    account.log_export(leader, what="stations", fmt="csv", filter={"county": []}, rows=3)
    account.reveal(data_admin, table="returnees", record=5, reason="回访核实")
    with pytest.raises(PermissionDenied):
        account.reveal(leader, table="returnees", record=5, reason="回访核实")
    got = [(e.action, e.user_name, e.client) for e in reversed(acc.audit_entries(SETUP))
           if e.action != "user_change"]
    via = "172.16.5.9 (via 10.8.0.15)"
    assert got == [("export", "li", via), ("reveal", "zhao", via), ("denied", "li", via)]


def test_a_page_test_can_start_signed_in_without_the_form(acc):
    staff = add(acc, "zhang", R.COUNTY, counties=["单县"])
    at = sign_in(AppTest.from_file(APP, default_timeout=60), acc, staff).run()
    assert shown(at)["pages"] == ["page overview"] and shown(at)["form"] == []
    assert [t.value for t in at.text if t.value.startswith("scope")] == ["scope (371722,)"]
