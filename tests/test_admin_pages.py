"""The pages of roles with more to do: the masked people list and its reveal (data
administrator), the users page and the audit log (system administrator); and what a page
answers a role that may not open it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from access.service import Access
from analytics.masking import ID_PATTERN, MOBILE_PATTERN
from tests.access_support import FAST
from tests.test_pages import page_text

APP = str(Path(__file__).resolve().parents[1] / "app.py")


@pytest.fixture
def app(signed_in):
    def make(page: str, role: str = "leader", params: dict | None = None) -> AppTest:
        at = signed_in(AppTest.from_file(APP, default_timeout=120), role)
        for key, value in (params or {}).items():
            at.query_params[key] = value
        at.run()
        at.switch_page(f"pages/{page}.py").run()
        assert not at.exception, [e.value for e in at.exception]
        return at
    return make


def entries(app_data_dir, action: str) -> list:
    acc = Access(app_data_dir / "app.db", hasher=FAST)
    return acc.audit_entries(acc.get_user("admin"), action=action)


@pytest.mark.parametrize("role", ["leader", "county", "data_admin", "admin"])
def test_the_people_list_is_masked_for_every_role(app, role):
    text = page_text(app("people", role))
    assert "张*" in text or re.search(r"[\u4e00-\u9fff]\*", text)
    assert not ID_PATTERN.search(text) and not MOBILE_PATTERN.search(text)


def test_a_county_user_sees_only_their_county_in_the_people_list(app):
    at = app("people", "county")
    table = at.dataframe[0].value
    assert set(table["县区"]) == {"曹县"}


def test_only_a_data_administrator_is_offered_a_reveal(app):
    assert not [f for f in app("people", "leader").get("form") if f.id.endswith("reveal")]
    assert app("people", "data_admin").text_area


def test_a_reveal_without_a_reason_is_refused_and_shows_nothing(app, app_data_dir):
    at = app("people", "data_admin")
    before = len(entries(app_data_dir, "reveal"))
    at.get("form_submit_button")[0].click().run()
    assert at.error and "理由" in at.error[0].value
    assert not ID_PATTERN.search(page_text(at))
    assert len(entries(app_data_dir, "reveal")) == before


def test_a_reveal_with_a_reason_shows_one_full_record_and_is_logged(app, app_data_dir):
    at = app("people", "data_admin")
    record = next(s for s in at.selectbox if s.label == "编号").value
    at.text_area[0].input("核对创业担保贷款申请材料")  # a form: values go with the submit
    at.get("form_submit_button")[0].click().run()
    text = page_text(at)
    assert len(ID_PATTERN.findall(text)) == 1 and len(MOBILE_PATTERN.findall(text)) == 1
    latest = entries(app_data_dir, "reveal")[0]
    assert latest.user_name == "data_admin"
    assert latest.details["record"] == record and "核对" in latest.details["reason"]


@pytest.mark.parametrize(("page", "role"), [
    ("users", "leader"), ("users", "county"), ("users", "data_admin"),
    ("audit", "leader"), ("audit", "county"), ("audit", "data_admin"),
    ("data_import", "leader"), ("data_import", "county"), ("data_import", "admin")])
def test_admin_pages_answer_no_permission_to_other_roles(app, page, role):
    at = app(page, role)
    assert at.title[0].value.startswith("无权访问")
    assert not at.dataframe and not at.get("file_uploader")


def test_a_data_administrator_opens_the_import_page(app):
    at = app("data_import", "data_admin")
    assert at.title[0].value == "数据导入"
    assert at.get("file_uploader")


def test_the_admin_menu_lists_users_and_audit_and_the_leaders_does_not(app):
    def menu(at):
        return {link.proto.label for link in at.get("page_link")}

    assert {"用户管理", "审计日志"} <= menu(app("overview", "admin"))
    assert not {"用户管理", "审计日志"} & menu(app("overview", "leader"))


def test_the_audit_log_lists_what_was_done_by_whom(app):
    at = app("audit", "admin")
    table = at.dataframe[0].value
    assert {"时间", "用户", "角色", "客户端地址", "操作", "详情"} <= set(table.columns)


def test_an_administrator_adds_a_county_user_from_the_users_page(app, app_data_dir):
    at = app("users", "admin")
    form = at.text_input
    form[0].input("caoxian_staff")
    at.selectbox[0].set_value("county")
    at.multiselect[0].set_value([371721])
    form[2].input("Strong-pass-2026")
    form[3].input("Strong-pass-2026")
    at.get("form_submit_button")[0].click().run()
    assert not at.error, [e.value for e in at.error]
    acc = Access(app_data_dir / "app.db", hasher=FAST)
    user = acc.get_user("caoxian_staff")
    assert user.role == "county" and user.counties == (371721,)
    assert entries(app_data_dir, "user_change")[0].details["user"] == "caoxian_staff"


def menu_of(at) -> set:
    return {link.proto.label for link in at.get("page_link")}


@pytest.mark.parametrize("role, targets", [("admin", True), ("leader", False),
                                           ("county", False), ("data_admin", False)])
def test_the_menu_offers_the_wall_display_to_all_and_targets_to_the_administrator(
        app, role, targets):
    labels = menu_of(app("overview", role))
    assert "大屏" in labels
    assert ("年度目标" in labels) is targets


@pytest.mark.parametrize("role", ["leader", "county", "data_admin"])
def test_the_targets_page_answers_no_permission_to_other_roles(app, role):
    at = app("annual_targets", role)
    assert at.title[0].value.startswith("无权访问")
    assert not at.get("number_input")


def test_the_wall_display_keeps_its_intervals_from_the_link_through_the_app(app):
    at = app("screen", "leader", params={"rotate": "3", "refresh": "60"})
    assert at.query_params["rotate"] == "3" and at.query_params["refresh"] == "60"
    shown = "\n".join(str(e.value) for e in at.get("html"))
    assert "rotate=3 小于 5 秒" in shown
