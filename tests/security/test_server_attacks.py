"""Attacks on the server side: the login modes, the client address, lockout, the websocket
Origin, lookalike user names, the session cookie and the audit log. Each test is one attack
that once got through; where only a running server shows it, it is made against one
(started once for the module through ``python -m ops.serve``, as the service starts it)."""

from __future__ import annotations

import csv
import io
import os
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import datetime, timedelta

import pytest

import appdb
from access import AccessError, LoginFailed
from access import roles as R
from access.text import t
from core.settings import load as load_settings
from ops.serve import streamlit_args
from tests.access_support import SETUP, Clock, add, make_access
from tests.browser_kit import PASSWORD
from tests.security.server_kit import ROOT, Refused, open_page, run_async, serving

ADMIN_PASSWORD = "correct-horse-1"  # tests.access_support.add's password


# -- 13: the audit log is append-only, INSERT OR REPLACE included ---------------------------
@pytest.mark.parametrize("table, columns", [
    ("audit_log", "(id, at, user_name, action) VALUES (1, 't2', 'someone-else', 'login')"),
    ("targets", "(id, indicator, year, value, set_by, set_at, source) "
                "VALUES (1, 'returnees', 2026, 1, 'someone-else', 't2', 'cli')"),
])
@pytest.mark.parametrize("verb", ["INSERT OR REPLACE INTO", "REPLACE INTO"])
def test_an_audit_entry_cannot_be_overwritten_by_a_replace(tmp_path, table, columns, verb):
    path = tmp_path / "app.db"
    con = appdb.connect(path)
    if table == "audit_log":
        con.execute("INSERT INTO audit_log (at, user_name, action) VALUES ('t1', 'zhang', "
                    "'reveal')")
    else:
        con.execute("INSERT INTO targets (indicator, year, value, set_by, set_at, source) "
                    "VALUES ('returnees', 2026, 5000, 'zhang', 't1', 'app')")
    con.close()
    attacker = sqlite3.connect(path)  # a plain connection, as the sqlite3 shell would open
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        attacker.execute(f"{verb} {table} {columns}")
    attacker.commit()
    assert attacker.execute(f"SELECT count(*), min(id) FROM {table}").fetchone() == (1, 1)
    if table == "audit_log":
        assert attacker.execute("SELECT user_name FROM audit_log").fetchone() == ("zhang",)
    # Adding stays possible, also through REPLACE when it replaces nothing.
    attacker.execute(f"{verb} {table} {columns.replace('(1,', '(2,')}")
    attacker.commit()
    assert attacker.execute(f"SELECT count(*) FROM {table}").fetchone() == (2,)
    attacker.close()


def test_an_audit_entry_with_an_id_below_one_cannot_block_later_entries(tmp_path):
    path = tmp_path / "app.db"
    appdb.connect(path).close()
    attacker = sqlite3.connect(path)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        attacker.execute("INSERT INTO audit_log (id, at, action) VALUES (-1, 't', 'login')")
    attacker.execute("INSERT INTO audit_log (at, action) VALUES ('t', 'login')")
    attacker.commit()
    assert attacker.execute("SELECT id FROM audit_log").fetchall() == [(1,)]
    attacker.close()


# -- a server in header mode behind a proxy at 127.0.0.2 ------------------------------------
PROXY = "127.0.0.2"   # the trusted proxy: a loopback address of its own
NOT_PROXY = "127.0.0.1"


@pytest.fixture(scope="module")
def header_site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("header-site")
    with serving(folder, {"login": {"mode": "header", "trusted_proxies": PROXY}}) as site:
        yield site


def _audit(site, **query):
    from access.service import Actor
    return site.access().audit_entries(Actor("cli:test"), **query)


def test_header_mode_refuses_to_start_without_the_proxy_list(tmp_path):
    config = tmp_path / "heze.toml"
    config.write_text(f'[data]\ndir = "{tmp_path / "data"}"\n[login]\nmode = "header"\n',
                      encoding="utf-8")
    env = dict(os.environ, HEZE_CONFIG=str(config))
    env.pop("HEZE_DATA_DIR", None)
    done = subprocess.run([sys.executable, "-m", "ops.serve"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "login.trusted_proxies" in done.stderr


def test_the_dashboard_listens_only_on_this_machine_unless_told_otherwise(tmp_path):
    settings = load_settings(None)
    assert settings["server.address"] == "127.0.0.1"
    args = streamlit_args(settings)
    assert args[args.index("--server.address") + 1] == "127.0.0.1"


def test_the_user_header_from_a_client_that_is_not_the_proxy_signs_nobody_in(header_site):
    before = len(_audit(header_site, action="login"))
    page = open_page(header_site.url, {"X-Remote-User": "admin"}, source=NOT_PROXY)
    assert page.shows(t("header_unknown"))
    # Claiming to come through the proxy changes nothing: the peer is what counts.
    page = open_page(header_site.url, {"X-Remote-User": "admin", "X-Forwarded-For": PROXY,
                                       "X-Real-IP": PROXY}, source=NOT_PROXY)
    assert page.shows(t("header_unknown"))
    assert len(_audit(header_site, action="login")) == before
    refused = _audit(header_site, action="login_failed")
    assert {e.details.get("reason") for e in refused} == {"untrusted_peer"}
    assert {e.details.get("claimed") for e in refused} == {"admin"}


def test_the_user_header_from_the_proxy_signs_the_user_in(header_site):
    page = open_page(header_site.url, {"X-Remote-User": "admin"}, source=PROXY)
    assert not page.shows(t("header_unknown"))
    [login] = _audit(header_site, action="login", user="admin")[:1]
    assert login.details == {"mode": "header", "subject": "admin"}
    assert login.client == PROXY


def test_forwarded_addresses_reach_the_audit_log_and_its_csv_only_as_addresses(header_site):
    formula = '=HYPERLINK("http://198.51.100.7/x","open")'
    # Straight to the port: the forwarded headers are the client's own words.
    open_page(header_site.url, {"X-Remote-User": "nobody", "X-Forwarded-For": formula,
                                "X-Real-IP": formula}, source=NOT_PROXY)
    # Through the proxy, which appends the address it saw to what the client sent.
    open_page(header_site.url, {"X-Remote-User": "nobody",
                                "X-Forwarded-For": f"{formula}, 10.1.2.3"}, source=PROXY)
    open_page(header_site.url, {"X-Remote-User": "nobody",
                                "X-Forwarded-For": f"10.1.2.3, {formula}"}, source=PROXY)
    clients = [e.client for e in _audit(header_site, action="login_failed")[:3]]
    assert clients == [PROXY, f"10.1.2.3 (via {PROXY})", NOT_PROXY]  # newest first
    acc = header_site.access()
    admin = acc.get_user("admin")
    acc.record("login_failed", formula, client=formula)  # as an older release wrote it
    data = acc.audit_export(admin, fmt="csv").decode("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(data)) for cell in row]
    assert any(formula in cell for cell in cells)
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]


def test_a_websocket_from_another_port_of_the_same_host_is_refused(header_site):
    port = int(header_site.url.rsplit(":", 1)[1])
    for origin in (f"http://127.0.0.1:{port + 1}", f"http://127.0.0.1:{port - 1}",
                   "http://localhost:8080", "http://127.0.0.1", "null"):
        with pytest.raises(Refused) as refused:
            open_page(header_site.url, {"X-Remote-User": "admin"}, origin=origin, source=PROXY)
        assert refused.value.status == 403, origin
    page = open_page(header_site.url, {"X-Remote-User": "admin"},
                     origin=f"http://127.0.0.1:{port}", source=PROXY)
    assert page.status is not None


# -- a server in password mode: the session cookie -----------------------------------------
@pytest.fixture(scope="module")
def password_site(tmp_path_factory):
    with serving(tmp_path_factory.mktemp("password-site")) as site:
        yield site


def test_a_session_cookie_used_from_another_client_is_worth_nothing(password_site):
    acc = password_site.access()
    victim = "Mozilla/5.0 (Windows NT 10.0) victim"
    login = acc.authenticate("leader", PASSWORD, client=NOT_PROXY,
                             binding=f"{NOT_PROXY}\n{victim}")
    cookie = {"Cookie": f"heze_session={login.token}"}
    assert not open_page(password_site.url, {**cookie, "User-Agent": victim},
                         source=NOT_PROXY).shows(t("please_login"))
    # The stolen cookie from another machine (and from another browser) opens nothing ...
    assert open_page(password_site.url, {**cookie, "User-Agent": victim},
                     source=PROXY).shows(t("please_login"))
    # ... and ends the session: its owner signs in again, the audit log says why.
    assert acc.check_session(login.token).reason == "ended"
    [ended] = _audit(password_site, action="session_expired", user="leader")[:1]
    assert ended.details == {"reason": "client_changed"} and ended.client == PROXY


# -- 6: failing the administrator's password locks only the failing address -----------------
ATTACKER, ADMIN_DESK = "10.66.0.9", "10.1.0.5"


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def acc(tmp_path, clock):
    acc = make_access(tmp_path, clock=clock)
    add(acc, "root1", R.ADMIN)
    return acc


def _fail(acc, times, client=ATTACKER, name="root1"):
    for _ in range(times):
        with pytest.raises(LoginFailed):
            acc.authenticate(name, "wrong-password", client=client)


def test_an_attacker_failing_the_admins_password_does_not_lock_the_admin_out(acc, clock):
    _fail(acc, 5)
    with pytest.raises(LoginFailed):  # locked from the attacker's address, right password too
        acc.authenticate("root1", ADMIN_PASSWORD, client=ATTACKER)
    assert acc.authenticate("root1", ADMIN_PASSWORD, client=ADMIN_DESK).user.name == "root1"
    _fail(acc, 50)  # going on changes nothing for the admin's own desk
    assert acc.authenticate("root1", ADMIN_PASSWORD, client=ADMIN_DESK).user.name == "root1"


def test_each_further_lock_of_the_same_address_lasts_twice_as_long_and_every_lock_ends(acc,
                                                                                       clock):
    start = clock.now
    expected_ends = []
    for minutes in (15, 30, 60, 120):  # login.lock_minutes = 15, then doubled
        _fail(acc, 5)
        expected_ends.append(clock.now + timedelta(minutes=minutes))
        clock.now = expected_ends[-1] - timedelta(microseconds=1)
        with pytest.raises(LoginFailed):
            acc.authenticate("root1", ADMIN_PASSWORD, client=ATTACKER)
        clock.now = expected_ends[-1]
    ends = [e.details["locked_until"] for e in reversed(acc.audit_entries(
        SETUP, action="login_failed")) if "locked_until" in e.details]
    assert ends == [end.isoformat(timespec="microseconds") for end in expected_ends]
    assert clock.now - start == timedelta(minutes=15 + 30 + 60 + 120)
    # A lock ends: the right password works from there again, and starts the count anew.
    assert acc.authenticate("root1", ADMIN_PASSWORD, client=ATTACKER).user.name == "root1"
    _fail(acc, 5)
    clock.advance(minutes=15)
    assert acc.authenticate("root1", ADMIN_PASSWORD, client=ATTACKER).user.name == "root1"


def test_the_growing_lock_stops_at_a_day_and_is_forgotten_after_a_quiet_day(acc, clock):
    minutes = []
    for _ in range(10):  # 15 min * 2**9 would be over five days
        started = clock.now
        _fail(acc, 5)
        clock.now = datetime.fromisoformat(
            acc.audit_entries(SETUP, action="login_failed")[0].details["locked_until"])
        minutes.append((clock.now - started) / timedelta(minutes=1))
    assert minutes == [15, 30, 60, 120, 240, 480, 960, 1440, 1440, 1440]
    clock.advance(days=1)  # a quiet day after the lock: the next lock is the first again
    _fail(acc, 5)
    last = acc.audit_entries(SETUP, action="login_failed")[0].details
    assert last["lockouts"] == 1
    assert datetime.fromisoformat(last["locked_until"]) == clock.now + timedelta(minutes=15)


def test_an_administrator_unlocks_by_setting_a_password(acc, clock):
    _fail(acc, 5, client=ADMIN_DESK)
    acc.set_password("root1", "new-secret-pass-1", by=SETUP)
    assert acc.authenticate("root1", "new-secret-pass-1", client=ADMIN_DESK)


# -- 3: a login name written into the audit log reaches its CSV as text ----------------------
def test_a_formula_typed_as_the_login_name_stays_text_in_the_audit_csv(acc):
    names = ['=HYPERLINK("http://198.51.100.7/x","open")', "+cmd|' /C calc'!A0",
             "-2+3", "@SUM(A1)", "\t=1+1"]
    for name in names:
        with pytest.raises(LoginFailed):
            acc.authenticate(name, "whatever-pass", client=ATTACKER)
    data = acc.audit_export(acc.get_user("root1"), fmt="csv").decode("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(data)) for cell in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert "'=HYPERLINK(\"http://198.51.100.7/x\",\"open\")" in cells
    assert "'-2+3" in cells


# -- 11: lookalike user names ----------------------------------------------------------------
@pytest.mark.parametrize("lookalike", [
    "аdmin",        # Cyrillic а
    "admіn",        # Cyrillic і
    "αdmin",        # Greek alpha
    "ａｄｍｉｎ",     # full-width
    "ADMIN",        # case
    "adm1n",        # digit one for i
    "Аdmin",        # Cyrillic capital А
])
def test_a_name_that_looks_like_an_existing_one_is_refused(acc, lookalike):
    add(acc, "admin", R.ADMIN)
    with pytest.raises(AccessError) as refused:
        add(acc, lookalike, R.LEADER)
    assert "admin" in refused.value.en.lower()
    assert {u.name for u in acc.list_users()} == {"root1", "admin"}


def test_names_are_stored_in_nfkc_and_different_names_stay_possible(acc):
    assert add(acc, "ｚｈａｎｇ３", R.LEADER).name == "zhang3"  # full-width: stored as typed in NFKC
    assert acc.authenticate("ｚｈａｎｇ３", "correct-horse-1").user.name == "zhang3"
    for name in ("zhang4", "wang", "张三", "李四", "zhang.san"):
        assert add(acc, name, R.LEADER).name == name
    with pytest.raises(AccessError):
        add(acc, "zhаng4", R.LEADER)  # Cyrillic а


@pytest.mark.browser
def test_the_session_cookie_is_httponly_so_no_script_in_the_page_can_read_it(password_site,
                                                                              browser):
    from playwright.sync_api import expect

    from tests.browser_kit import new_watched_page

    page = new_watched_page(browser)  # not signed in: this test signs in through the form
    try:
        page.set_default_timeout(60_000)
        page.goto(password_site.url + "/")
        page.get_by_label(t("user_name")).fill("leader")
        page.get_by_label(t("password")).fill(PASSWORD)
        page.get_by_role("button", name=t("login")).click()
        deadline = time.monotonic() + 20
        while not [c for c in page.context.cookies() if c["name"] == "heze_session"]:
            assert time.monotonic() < deadline, "no session cookie after the login"
            time.sleep(0.2)
        [cookie] = [c for c in page.context.cookies() if c["name"] == "heze_session"]
        assert (cookie["httpOnly"], cookie["sameSite"], cookie["path"]) == (True, "Strict", "/")
        assert "heze_session" not in page.evaluate("document.cookie")
        page.reload()  # the browser sends it: still signed in
        expect(page.get_by_text(t("please_login"))).to_have_count(0)
        expect(page.get_by_label(t("password"))).to_have_count(0)
    finally:
        page.context.close()


def test_the_cookie_route_answers_only_its_own_pages_with_a_fresh_code(password_site):
    from access.handoff import ROUTE

    own = password_site.url
    for origin, body in ((None, "x 0"), ("http://127.0.0.1:1", "x 0"), (own, "not-a-code 0"),
                         (own, "")):
        request = urllib.request.Request(f"{own}/{ROUTE}", data=body.encode(), method="POST",
                                         headers={"Origin": origin} if origin else {})
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=10)
        assert refused.value.code == 403
        assert refused.value.headers.get("Set-Cookie") is None


def _post(app, path: str, body: str, origin: str) -> tuple[int, str | None]:
    """One POST through the ASGI app: (status, Set-Cookie)."""
    scope = {"type": "http", "method": "POST", "path": path, "raw_path": path.encode(),
             "query_string": b"", "scheme": "http", "http_version": "1.1", "root_path": "",
             "server": ("dash.example", 8501), "client": ("10.0.0.1", 50000),
             "headers": [(b"host", b"dash.example:8501"), (b"origin", origin.encode())]}
    inbox = [{"type": "http.request", "body": body.encode(), "more_body": False}]
    sent = []

    async def receive():
        return inbox.pop(0) if inbox else {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)

    run_async(app(scope, receive, send))
    headers = dict(sent[0]["headers"])
    cookie = headers.get(b"set-cookie")
    return sent[0]["status"], cookie.decode() if cookie else None


def test_a_code_sets_the_cookie_once_and_an_empty_token_clears_it():
    from starlette.applications import Starlette

    from access import handoff
    from ops.serve import origin_allowed

    app = Starlette(routes=[handoff.route("fanxiang", origin_allowed)])
    path, own = f"/fanxiang/{handoff.ROUTE}", "http://dash.example:8501"
    code = handoff.offer("heze_session", "tok123", path="/fanxiang", max_age=3600)
    status, cookie = _post(app, path, f"{code} 1", own)
    assert status == 204
    for part in ("heze_session=tok123", "HttpOnly", "SameSite=strict", "Path=/fanxiang",
                 "Max-Age=3600", "Secure"):
        assert part in cookie, (part, cookie)
    assert _post(app, path, f"{code} 1", own) == (403, None)  # one time only
    late = handoff.offer("heze_session", "tok456", path="/fanxiang", max_age=3600)
    assert _post(app, path, f"{late} 0", "http://dash.example:8502") == (403, None)
    clear = handoff.offer("heze_session", None, path="/fanxiang", max_age=3600)
    status, cookie = _post(app, path, f"{clear} 0", own)
    assert status == 204
    assert "Max-Age=0" in cookie and "HttpOnly" in cookie and "Secure" not in cookie


def test_the_server_does_not_start_without_its_origin_check(monkeypatch, tmp_path, capsys):
    """A Streamlit upgrade that moves the check stops the start (exit 4) instead of running
    without it."""
    from streamlit.web.server.starlette import starlette_websocket

    from ops import serve

    monkeypatch.setenv("HEZE_CONFIG", str(tmp_path / "heze.toml"))
    (tmp_path / "heze.toml").write_text(f'[data]\ndir = "{tmp_path / "data"}"\n',
                                        encoding="utf-8")
    monkeypatch.delattr(starlette_websocket, "_is_origin_allowed")
    monkeypatch.setattr(serve.os, "chdir", lambda path: None)
    monkeypatch.setenv(serve.PROXY_HEADERS_ENV, "127.0.0.1")  # restored after the test
    assert serve.main([]) == serve.SERVER_CHECKS_FAILED
    assert "Streamlit" in capsys.readouterr().err
