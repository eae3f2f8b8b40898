"""Logins, lockout, sessions, roles, county scope, reveal and the audit log, on the service
the app, the command line and the admin pages share. Every user and password here is made by
the test; the clock is the test's."""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import sqlite3
import statistics
import time
from datetime import timedelta
from pathlib import Path

import pytest

from access import (
    Access,
    AccessError,
    Actor,
    InputError,
    LoginFailed,
    PermissionDenied,
    allowed_pages,
)
from access import roles as R
from access.service import LOGIN_FAILED
from analytics import Analytics, Filter, FilterError
from tests.access_support import SETUP, Clock, add, make_access, settings_for

PASSWORD = "correct-horse-1"
CAO, SHAN = 371721, 371722  # 曹县, 单县 (data/reference/counties.csv)


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def acc(tmp_path, clock):
    return make_access(tmp_path, clock=clock)


def rows(acc: Access, sql: str, params=()):
    con = sqlite3.connect(acc.db_path)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def actions(acc: Access) -> list[tuple]:
    return [(e.action, e.user_name, e.role) for e in reversed(acc.audit_entries(SETUP))]


# -- passwords and logins ------------------------------------------------------------------
def failure_message(call) -> str:
    with pytest.raises(LoginFailed) as info:
        call()
    return str(info.value)


def test_a_wrong_password_an_unknown_user_and_a_locked_account_get_the_same_message(tmp_path):
    acc = make_access(tmp_path, fast=False)
    add(acc, "zhang", R.LEADER)
    add(acc, "wang", R.LEADER)
    add(acc, "sso", R.LEADER, password=None)
    add(acc, "gone", R.LEADER)
    acc.disable_user("gone", by=SETUP)
    for _ in range(5):
        failure_message(lambda: acc.authenticate("wang", "not-the-password"))
    messages = {
        "wrong password": failure_message(lambda: acc.authenticate("zhang", "not-it-at-all")),
        "unknown user": failure_message(lambda: acc.authenticate("nobody", PASSWORD)),
        "locked, right password": failure_message(lambda: acc.authenticate("wang", PASSWORD)),
        "disabled": failure_message(lambda: acc.authenticate("gone", PASSWORD)),
        "no password set": failure_message(lambda: acc.authenticate("sso", PASSWORD)),
        "empty": failure_message(lambda: acc.authenticate("", "")),
    }
    assert set(messages.values()) == {" / ".join(LOGIN_FAILED)}, messages
    # The administrator can still tell the causes apart in the audit log.
    reasons = [e.details["reason"] for e in acc.audit_entries(SETUP, action="login_failed")]
    assert {"wrong_password", "unknown_user", "locked", "disabled", "no_password"} <= set(
        reasons)


def test_an_unknown_user_takes_about_as_long_to_refuse_as_a_wrong_password(tmp_path):
    acc = make_access(tmp_path, fast=False, login={"max_failures": 100})
    add(acc, "zhang", R.LEADER)

    def timed(name):
        start = time.perf_counter()
        with pytest.raises(LoginFailed):
            acc.authenticate(name, "not-the-password")
        return time.perf_counter() - start

    timed("nobody")  # warm-up: the dummy hash is made on first use
    # In turns, so a burst of other work on the machine weighs on both alike (three of one
    # then three of the other once measured 0.16 s against 0.53 s). Without the dummy hash
    # an unknown name is refused in about a millisecond: far below half.
    known, unknown = [], []
    for _ in range(5):
        known.append(timed("zhang"))
        unknown.append(timed("nobody"))
    assert statistics.median(unknown) > 0.5 * statistics.median(known), (unknown, known)


def test_passwords_are_stored_as_argon2id_hashes_and_never_in_clear(tmp_path):
    acc = make_access(tmp_path, fast=False)
    add(acc, "zhang", R.LEADER, password="my-own-secret-7")
    [(stored,)] = rows(acc, "SELECT password_hash FROM users WHERE name = 'zhang'")
    assert stored.startswith("$argon2id$")
    assert acc.authenticate("zhang", "my-own-secret-7").user.name == "zhang"
    raw = b"".join(p.read_bytes() for p in acc.db_path.parent.glob("app.db*"))
    assert b"my-own-secret-7" not in raw


def test_five_wrong_passwords_lock_the_account_until_lock_minutes_have_passed(acc, clock):
    add(acc, "zhang", R.LEADER)
    for _ in range(4):
        with pytest.raises(LoginFailed):
            acc.authenticate("zhang", "wrong-password")
    assert acc.get_user("zhang").locked_until is None  # four are not enough
    with pytest.raises(LoginFailed):
        acc.authenticate("zhang", "wrong-password")  # the fifth locks
    locked_at = clock.now
    assert acc.get_user("zhang").locked_until == locked_at + timedelta(minutes=15)
    clock.now = locked_at + timedelta(minutes=15) - timedelta(microseconds=1)
    with pytest.raises(LoginFailed):
        acc.authenticate("zhang", PASSWORD)  # the right password, still locked
    clock.now = locked_at + timedelta(minutes=15)  # exactly when the lock ends
    assert acc.authenticate("zhang", PASSWORD).user.name == "zhang"
    assert acc.get_user("zhang").locked_until is None


def test_a_correct_password_resets_the_count_of_wrong_ones(acc):
    add(acc, "zhang", R.LEADER)
    for _ in range(4):
        with pytest.raises(LoginFailed):
            acc.authenticate("zhang", "wrong-password")
    acc.authenticate("zhang", PASSWORD)
    for _ in range(4):
        with pytest.raises(LoginFailed):
            acc.authenticate("zhang", "wrong-password")
    assert acc.authenticate("zhang", PASSWORD).user.name == "zhang"


def test_the_lockout_follows_the_settings(tmp_path, clock):
    acc = make_access(tmp_path, clock=clock, login={"max_failures": 3, "lock_minutes": 2})
    add(acc, "zhang", R.LEADER)
    for _ in range(3):
        with pytest.raises(LoginFailed):
            acc.authenticate("zhang", "wrong-password")
    with pytest.raises(LoginFailed):
        acc.authenticate("zhang", PASSWORD)
    clock.advance(minutes=2)
    assert acc.authenticate("zhang", PASSWORD).user.name == "zhang"


def test_user_names_are_matched_regardless_of_ascii_case(acc):
    add(acc, "Zhang", R.LEADER)
    assert acc.authenticate("zhang", PASSWORD).user.name == "Zhang"
    with pytest.raises(AccessError, match="exists already"):
        add(acc, "ZHANG", R.LEADER)


# -- sessions ------------------------------------------------------------------------------
def test_only_the_sha256_of_a_session_token_is_stored(acc):
    add(acc, "zhang", R.LEADER)
    login = acc.authenticate("zhang", PASSWORD)
    assert len(login.token) >= 40
    stored = [r[0] for r in rows(acc, "SELECT token_hash FROM sessions")]
    assert stored == [hashlib.sha256(login.token.encode()).hexdigest()]
    assert acc.check_session(login.token).user.name == "zhang"
    assert acc.check_session(stored[0]).reason == "unknown"  # the hash is not a token


def test_a_session_ends_after_idle_minutes_without_a_request(acc, clock):
    add(acc, "zhang", R.LEADER)
    login = acc.authenticate("zhang", PASSWORD)
    clock.advance(minutes=29, seconds=59)
    assert acc.check_session(login.token).ok  # activity: the idle time starts again
    clock.advance(minutes=29, seconds=59)
    assert acc.check_session(login.token).ok
    clock.advance(minutes=30)
    check = acc.check_session(login.token)
    assert (check.user, check.reason) == (None, "idle")
    assert acc.check_session(login.token).reason == "ended"  # it stays ended
    assert ("session_expired", "zhang", "leader") in actions(acc)


def test_a_session_idle_for_exactly_idle_minutes_has_ended(acc, clock):
    add(acc, "zhang", R.LEADER)
    login = acc.authenticate("zhang", PASSWORD)
    clock.advance(minutes=30)
    assert acc.check_session(login.token).reason == "idle"


def test_a_session_in_constant_use_still_ends_at_max_hours(acc, clock):
    add(acc, "zhang", R.LEADER)
    login = acc.authenticate("zhang", PASSWORD)
    for _ in range(12 * 6 - 1):
        clock.advance(minutes=10)
        assert acc.check_session(login.token).ok, clock.now
    clock.advance(minutes=10)  # 12 hours after the login
    assert acc.check_session(login.token).reason == "max_age"


def test_the_session_limits_follow_the_settings(tmp_path, clock):
    acc = make_access(tmp_path, clock=clock, session={"idle_minutes": 5, "max_hours": 1})
    add(acc, "zhang", R.LEADER)
    login = acc.authenticate("zhang", PASSWORD)
    clock.advance(minutes=4, seconds=59)
    assert acc.check_session(login.token).ok
    clock.advance(minutes=5)
    assert acc.check_session(login.token).reason == "idle"


def test_logout_ends_the_session_and_a_second_logout_changes_nothing(acc):
    add(acc, "zhang", R.LEADER)
    login = acc.authenticate("zhang", PASSWORD)
    assert acc.logout(login.token, client="10.1.2.3") is True
    assert acc.check_session(login.token).reason == "ended"
    assert acc.logout(login.token) is False
    assert [a for a in actions(acc) if a[0] == "logout"] == [("logout", "zhang", "leader")]


def test_disabling_a_user_ends_their_sessions_and_refuses_new_logins(acc):
    add(acc, "zhang", R.LEADER)
    first = acc.authenticate("zhang", PASSWORD)
    second = acc.authenticate("zhang", PASSWORD)
    acc.disable_user("zhang", by=SETUP)
    assert rows(acc, "SELECT end_reason FROM sessions") == [("disabled",)] * 2
    assert acc.check_session(first.token).ok is False
    assert acc.check_session(second.token).ok is False
    with pytest.raises(LoginFailed):
        acc.authenticate("zhang", PASSWORD)
    acc.enable_user("zhang", by=SETUP)
    assert acc.check_session(first.token).ok is False  # ended sessions stay ended
    assert acc.authenticate("zhang", PASSWORD).user.name == "zhang"


def test_a_new_password_ends_the_old_sessions_and_the_old_password(acc):
    add(acc, "zhang", R.LEADER)
    login = acc.authenticate("zhang", PASSWORD)
    acc.set_password("zhang", "another-pass-2", by=SETUP)
    assert acc.check_session(login.token).ok is False
    with pytest.raises(LoginFailed):
        acc.authenticate("zhang", PASSWORD)
    assert acc.authenticate("zhang", "another-pass-2").user.name == "zhang"


def test_a_changed_role_or_scope_applies_to_an_open_session_at_its_next_check(acc):
    add(acc, "zhang", R.COUNTY, counties=["曹县"])
    login = acc.authenticate("zhang", PASSWORD)
    assert acc.check_session(login.token).user.county_scope == (CAO,)
    acc.update_user("zhang", by=SETUP, counties=["单县"])
    assert acc.check_session(login.token).user.county_scope == (SHAN,)
    acc.update_user("zhang", by=SETUP, role=R.LEADER)
    assert acc.check_session(login.token).user.county_scope is None


def test_open_sessions_counts_the_live_ones_only(acc, clock):
    add(acc, "zhang", R.LEADER)
    a = acc.authenticate("zhang", PASSWORD)
    acc.authenticate("zhang", PASSWORD)
    acc.logout(a.token)
    assert acc.open_sessions() == 1
    clock.advance(minutes=31)
    assert acc.open_sessions() == 0


# -- roles ---------------------------------------------------------------------------------
DATA = {"overview", "trends", "stations", "map", "projects", "parks", "counties", "people",
        "definitions", "screen"}


@pytest.mark.parametrize(("role", "pages", "may"), [
    (R.LEADER, DATA, {"export"}),
    (R.COUNTY, DATA, {"export"}),
    (R.DATA_ADMIN, DATA | {"import"}, {"export", "reveal", "import"}),
    (R.ADMIN, DATA | {"users", "audit", "targets"}, {"export", "manage_users", "view_audit"}),
])
def test_each_role_may_open_exactly_its_pages_and_do_exactly_its_actions(acc, role, pages,
                                                                         may):
    user = add(acc, f"u_{role}", role, counties=["曹县"] if role == R.COUNTY else ())
    assert set(allowed_pages(user)) == pages
    assert {a for a in R.ACTIONS if user.can(a)} == may
    assert [s for s in R.PAGES if user.may_open(s)] == allowed_pages(user)


def test_anything_not_granted_is_denied(acc):
    leader = add(acc, "li", R.LEADER)
    assert not leader.may_open("no-such-page")
    assert not leader.can("delete_everything")
    assert not R.may_open(None, "overview")
    stranger = type("U", (), {"role": "visitor", "disabled": False})()
    assert R.allowed_pages(stranger) == []
    acc.disable_user("li", by=SETUP)
    assert acc.get_user("li").can("export") is False
    assert allowed_pages(acc.get_user("li")) == []


def test_county_staff_see_their_county_and_analytics_refuses_any_other(acc, db):
    staff = add(acc, "zhang", R.COUNTY, counties=["曹县"])
    assert staff.county_scope == (CAO,)
    a = Analytics(db, county_scope=staff.county_scope)
    assert set(a.breakdown(["returnees"], "county")["code"]) == {CAO}
    with pytest.raises(FilterError):
        a.check(Filter(counties=(SHAN,)))


def test_leaders_data_admins_and_admins_see_every_county(acc):
    for role in (R.LEADER, R.DATA_ADMIN, R.ADMIN):
        assert add(acc, f"u_{role}", role).county_scope is None


def test_county_staff_cannot_be_made_without_a_county_nor_sign_in_without_one(acc):
    with pytest.raises(InputError, match="--county"):
        add(acc, "zhang", R.COUNTY)
    with pytest.raises(InputError, match="takes no county"):
        add(acc, "li", R.LEADER, counties=["曹县"])
    add(acc, "zhang", R.COUNTY, counties=["曹县"])
    con = sqlite3.connect(acc.db_path)  # a scope lost behind the program's back
    con.execute("DELETE FROM user_counties")
    con.commit()
    con.close()
    with pytest.raises(LoginFailed):
        acc.authenticate("zhang", PASSWORD)
    with pytest.raises(PermissionDenied):
        _ = acc.get_user("zhang").county_scope  # never an empty scope meaning "all"
    assert allowed_pages(acc.get_user("zhang")) == []


def test_counties_are_named_by_chinese_short_english_name_or_adcode(acc):
    user = add(acc, "zhang", R.COUNTY, counties=["曹县", "371722", "Dingtao District", "经开区"])
    assert user.county_scope == (371703, CAO, SHAN, 371771)
    with pytest.raises(InputError, match="北京"):
        add(acc, "wang", R.COUNTY, counties=["北京"])


def test_only_a_data_admin_may_reveal_and_only_one_record_with_a_reason(acc):
    data_admin = add(acc, "zhao", R.DATA_ADMIN)
    for role in (R.LEADER, R.ADMIN):
        other = add(acc, f"u_{role}", role)
        with pytest.raises(PermissionDenied):
            acc.reveal(other, table="returnees", record=17, reason="核实身份信息")
    staff = add(acc, "zhang", R.COUNTY, counties=["曹县"])
    with pytest.raises(PermissionDenied):
        acc.reveal(staff, table="returnees", record=17, reason="核实身份信息")
    for reason in ("", "  ", "x"):
        with pytest.raises(InputError):
            acc.reveal(data_admin, table="returnees", record=17, reason=reason)
    with pytest.raises(InputError, match="one record"):
        acc.reveal(data_admin, table="returnees", record=[17, 18], reason="核实身份信息")
    acc.reveal(data_admin, table="returnees", record=17, reason="核实身份信息", client="10.0.0.9")
    [entry] = acc.audit_entries(SETUP, action="reveal")
    assert (entry.user_name, entry.role, entry.client) == ("zhao", "data_admin", "10.0.0.9")
    assert entry.details == {"table": "returnees", "record": 17, "reason": "核实身份信息"}
    denied = acc.audit_entries(SETUP, action="denied")
    assert {e.user_name for e in denied} == {"u_leader", "u_admin", "zhang"}


def test_an_export_needs_the_export_permission_and_records_the_filter(acc):
    staff = add(acc, "zhang", R.COUNTY, counties=["曹县"])
    flt = Filter(counties=(CAO,), industries=(), levels=(), provinces=())
    acc.log_export(staff, what="stations", fmt="xlsx", filter=flt, rows=12, client="10.0.0.5")
    [entry] = acc.audit_entries(SETUP, action="export")
    assert (entry.user_name, entry.role, entry.client) == ("zhang", "county", "10.0.0.5")
    assert entry.details["what"] == "stations" and entry.details["rows"] == 12
    assert entry.details["filter"]["counties"] == [CAO]
    assert entry.details["scope"] == [CAO]
    with pytest.raises(PermissionDenied):
        acc.log_import(staff, file="x.xlsx")


# -- the audit log -------------------------------------------------------------------------
def test_every_action_writes_one_audit_entry_with_the_right_user_role_and_client(acc, clock):
    admin = add(acc, "root1", R.ADMIN)
    add(acc, "zhao", R.DATA_ADMIN)
    ip = "10.20.30.40"
    with pytest.raises(LoginFailed):
        acc.authenticate("zhao", "wrong-password", client=ip)
    login = acc.authenticate("zhao", PASSWORD, client=ip)
    zhao = login.user
    acc.log_export(zhao, what="overview", fmt="csv", filter={"county": []}, client=ip)
    acc.reveal(zhao, table="outside_people", record="P000123", reason="回访核实", client=ip)
    acc.log_import(zhao, client=ip, file="returnees-2026-05.xlsx", rows=1200)
    acc.log_denied(zhao, page="users", client=ip)
    acc.logout(login.token, client=ip)
    again = acc.authenticate("zhao", PASSWORD, client=ip)
    clock.advance(minutes=30)
    acc.check_session(again.token, client=ip)
    acc.update_user("zhao", by=admin, display_name="赵六", client="10.0.0.1")
    acc.set_password("zhao", "new-password-3", by=admin, client="10.0.0.1")
    acc.disable_user("zhao", by=admin, client="10.0.0.1")
    acc.enable_user("zhao", by=admin, client="10.0.0.1")
    got = [(e.action, e.user_name, e.role, e.client, e.details.get("change"))
           for e in reversed(acc.audit_entries(SETUP))]
    assert got == [
        ("user_change", "cli:test", None, None, "add"),
        ("user_change", "cli:test", None, None, "add"),
        ("login_failed", "zhao", "data_admin", ip, None),
        ("login", "zhao", "data_admin", ip, None),
        ("export", "zhao", "data_admin", ip, None),
        ("reveal", "zhao", "data_admin", ip, None),
        ("import", "zhao", "data_admin", ip, None),
        ("denied", "zhao", "data_admin", ip, None),
        ("logout", "zhao", "data_admin", ip, None),
        ("login", "zhao", "data_admin", ip, None),
        ("session_expired", "zhao", "data_admin", ip, None),
        ("user_change", "root1", "admin", "10.0.0.1", "update"),
        ("user_change", "root1", "admin", "10.0.0.1", "passwd"),
        ("user_change", "root1", "admin", "10.0.0.1", "disable"),
        ("user_change", "root1", "admin", "10.0.0.1", "enable"),
    ]
    assert {e.at for e in acc.audit_entries(SETUP)} <= {clock.now - timedelta(minutes=30),
                                                        clock.now}


def test_no_password_ever_reaches_the_audit_log(acc):
    add(acc, "zhang", R.LEADER, password="first-secret-9")
    with pytest.raises(LoginFailed):
        acc.authenticate("zhang", "typo-secret-9")
    acc.set_password("zhang", "second-secret-9", by=SETUP)
    text = json.dumps([e.details for e in acc.audit_entries(SETUP)], ensure_ascii=False)
    for secret in ("first-secret-9", "typo-secret-9", "second-secret-9"):
        assert secret not in text


def test_the_audit_log_cannot_be_changed_or_deleted(acc):
    acc.record("login", "someone")
    con = sqlite3.connect(acc.db_path)
    for sql in ("UPDATE audit_log SET user_name = 'other'", "DELETE FROM audit_log"):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            con.execute(sql)
    con.close()
    assert [e.user_name for e in acc.audit_entries(SETUP)] == ["someone"]


def test_the_audit_log_filters_by_time_user_action_and_text(acc, clock):
    add(acc, "zhang", R.LEADER)
    start = clock.now
    acc.record("export", "zhang", what="stations")
    clock.advance(hours=1)
    acc.record("export", "li", what="projects")
    clock.advance(hours=1)
    acc.record("login", "zhang")
    names = lambda **q: [(e.action, e.user_name) for e in acc.audit_entries(SETUP, **q)]  # noqa: E731
    assert names(user="ZHANG", action="export") == [("export", "zhang")]
    assert names(start=start + timedelta(hours=1), end=start + timedelta(hours=2)) == [
        ("export", "li")]
    assert names(text="projects") == [("export", "li")]
    assert names(action=["login", "export"], limit=2) == [("login", "zhang"), ("export", "li")]


def test_only_an_admin_may_read_or_export_the_audit_log_and_the_export_is_logged(acc):
    admin = add(acc, "root1", R.ADMIN)
    leader = add(acc, "li", R.LEADER)
    acc.record("login", leader, client="10.0.0.2")
    with pytest.raises(PermissionDenied):
        acc.audit_entries(leader)
    with pytest.raises(PermissionDenied):
        acc.audit_export(leader, fmt="csv")
    data = acc.audit_export(admin, fmt="csv", action="login")
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert "时间,用户,角色,客户端地址,操作,详情" in text and "li,领导,10.0.0.2,登录" in text
    assert acc.audit_export(admin, fmt="xlsx")[:2] == b"PK"
    exports = acc.audit_entries(admin, action="export")
    assert [(e.user_name, e.details["what"]) for e in exports] == [("root1", "audit_log")] * 2


# -- managing users ------------------------------------------------------------------------
@pytest.mark.parametrize(("name", "role", "kw"), [
    ("has space", R.LEADER, {}),
    ("", R.LEADER, {}),
    ("x" * 65, R.LEADER, {}),
    ("cli:me", R.LEADER, {}),
    ("zhang", "boss", {}),
    ("zhang", R.LEADER, {"email": "not-an-email"}),
])
def test_bad_user_details_are_refused_with_a_bilingual_message(acc, name, role, kw):
    with pytest.raises(InputError) as info:
        add(acc, name, role, **kw)
    assert info.value.zh and info.value.en and info.value.zh != info.value.en
    assert acc.list_users() == []


@pytest.mark.parametrize("password", ["short7!", "zhangsan1", "ZHANGSAN1", "x" * 257])
def test_short_long_or_name_like_passwords_are_refused(acc, password):
    with pytest.raises(AccessError):
        add(acc, "zhangsan1", R.LEADER, password=password)
    assert acc.get_user("zhangsan1") is None


def test_roles_are_named_by_code_chinese_or_english(acc):
    assert add(acc, "a", "领导").role == R.LEADER
    assert add(acc, "b", "County Staff", counties=["曹县"]).role == R.COUNTY
    assert add(acc, "c", "数据管理员").role == R.DATA_ADMIN


def test_the_last_administrator_can_be_neither_disabled_nor_demoted(acc):
    add(acc, "root1", R.ADMIN)
    with pytest.raises(AccessError, match="last administrator"):
        acc.disable_user("root1", by=SETUP)
    with pytest.raises(AccessError, match="last administrator"):
        acc.update_user("root1", by=SETUP, role=R.LEADER)
    add(acc, "root2", R.ADMIN)
    acc.disable_user("root1", by=SETUP)
    assert acc.get_user("root1").disabled


def test_a_user_without_manage_users_cannot_change_users(acc):
    leader = add(acc, "li", R.LEADER)
    add(acc, "wang", R.LEADER)
    with pytest.raises(PermissionDenied):
        acc.add_user("x", R.ADMIN, by=leader, password=PASSWORD)
    with pytest.raises(PermissionDenied):
        acc.disable_user("wang", by=leader)
    with pytest.raises(PermissionDenied):
        acc.set_password("wang", "another-pass-2", by=leader)
    acc.set_password("li", "my-new-pass-4", by=leader)  # one's own password is allowed
    assert acc.get_user("x") is None and not acc.get_user("wang").disabled


def test_bootstrap_creates_one_administrator_once(acc):
    password = acc.bootstrap_admin()
    assert password and len(password) >= 12
    assert acc.authenticate("admin", password).user.role == R.ADMIN
    assert acc.bootstrap_admin() is None
    assert [u.name for u in acc.list_users()] == ["admin"]


# -- trusted header and identity provider --------------------------------------------------
def test_a_trusted_header_names_an_existing_enabled_user_or_nobody(acc):
    add(acc, "zhang", R.COUNTY, password=None, counties=["曹县"])
    add(acc, "gone", R.LEADER, password=None)
    acc.disable_user("gone", by=SETUP)
    assert acc.user_for_header(" zhang ")[0].county_scope == (CAO,)
    assert acc.user_for_header("ZHANG")[0].name == "zhang"
    assert acc.user_for_header("nobody") == (None, "unknown_user")
    assert acc.user_for_header("gone") == (None, "disabled")
    assert acc.user_for_header("") == (None, "missing")
    assert acc.user_for_header(None) == (None, "missing")


def test_an_identity_provider_email_maps_to_the_user_with_that_email(acc):
    add(acc, "zhang", R.LEADER, password=None, email="zhang@heze.gov.cn")
    add(acc, "gone", R.LEADER, password=None, email="gone@heze.gov.cn")
    acc.disable_user("gone", by=SETUP)
    ok = {"is_logged_in": True, "email": "Zhang@Heze.gov.cn", "email_verified": True}
    assert acc.user_for_oidc(ok)[0].name == "zhang"
    assert acc.user_for_oidc({**ok, "email_verified": False}) == (None, "unverified")
    assert acc.user_for_oidc({**ok, "is_logged_in": False}) == (None, "not_logged_in")
    assert acc.user_for_oidc({"email": "zhang@heze.gov.cn"}) == (None, "not_logged_in")
    assert acc.user_for_oidc({"is_logged_in": True}) == (None, "no_email")
    assert acc.user_for_oidc({"is_logged_in": True, "email": "x@heze.gov.cn"}) == (
        None, "unknown_user")
    assert acc.user_for_oidc({"is_logged_in": True, "email": "gone@heze.gov.cn"}) == (
        None, "disabled")


def test_a_trusted_login_opens_a_session_and_is_audited_with_its_mode(acc):
    add(acc, "zhang", R.LEADER, password=None)
    user, _ = acc.user_for_header("zhang")
    login = acc.login_trusted(user, mode="header", client="10.0.0.7", subject="zhang")
    assert acc.check_session(login.token).user.name == "zhang"
    [entry] = acc.audit_entries(SETUP, action="login")
    assert entry.details == {"mode": "header", "subject": "zhang"}


# -- several processes ---------------------------------------------------------------------
def _worker(data_dir: str, n: int, barrier) -> int:
    acc = Access(Path(data_dir) / "app.db", settings=settings_for(Path(data_dir)))
    user = acc.get_user("zhang")
    barrier.wait(timeout=60)
    for i in range(n):
        login = acc.login_trusted(user, mode="header", client=f"pid-{i}")
        assert acc.check_session(login.token).ok
        acc.record("export", user, what=f"table-{i}")
        acc.logout(login.token)
    return n


def test_processes_writing_sessions_and_audit_at_the_same_time_lose_nothing(tmp_path):
    acc = make_access(tmp_path)
    add(acc, "zhang", R.LEADER, password=None)
    ctx = multiprocessing.get_context("fork")
    workers, n = 4, 40
    barrier = ctx.Manager().Barrier(workers)
    with ctx.Pool(workers) as pool:
        done = pool.starmap_async(
            _worker, [(str(tmp_path / "data"), n, barrier)] * workers).get(timeout=300)
    assert done == [n] * workers
    assert rows(acc, "SELECT count(*), count(ended_at) FROM sessions") == [
        (workers * n, workers * n)]
    counts = dict(rows(acc, "SELECT action, count(*) FROM audit_log GROUP BY action"))
    assert counts == {"user_change": 1, "login": workers * n, "export": workers * n,
                      "logout": workers * n}


def test_an_actor_from_the_command_line_is_named_after_the_system_user():
    assert Actor.cli().name.startswith("cli:")
