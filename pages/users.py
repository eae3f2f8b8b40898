"""用户管理 — the system administrator's page: the accounts, their roles and county scopes;
adding one, changing its role or scope, setting a password, disabling and enabling. Every
change goes through access (checked there and written to the audit log)."""

import pandas as pd
import streamlit as st

from access import roles as R
from access.service import AccessError
from pages import login_request, shared
from pages.shared import t

shared.header("page_users")
lang = shared.lang()
me = shared.user()
service = login_request.service()
client = login_request.client()
counties = shared.names("county")


def _done(message_key: str, name: str) -> None:
    st.session_state["users_flash"] = t(message_key).format(name=shared.plain(name))


def _failed(exc: AccessError) -> None:
    st.error(exc.zh if lang == "zh" else exc.en)


flash = st.session_state.pop("users_flash", None)
if flash:
    st.success(flash)

users = service.list_users()
table = pd.DataFrame([{
    "name": u.name, "display": u.display_name or "—", "role": u.role_label(lang),
    "scope": "、".join(counties.get(c, str(c)) for c in u.counties) or t("all_counties"),
    "state": t("user_disabled") if u.disabled else
    (t("user_locked") if u.locked_until else t("user_active")),
    "password": t("yes") if u.has_password else t("no"),
} for u in users])
st.dataframe(table.rename(columns={"name": t("user_name"), "display": t("display_name"),
                                   "role": t("role"), "scope": t("scope"),
                                   "state": t("status"), "password": t("has_password")}),
             hide_index=True, width="stretch")

roles = list(R.ROLES)
left, right = st.columns(2)
with left, st.form("add_user", clear_on_submit=True):
    st.subheader(t("add_user"))
    name = st.text_input(t("user_name"), max_chars=64)
    display = st.text_input(t("display_name"), max_chars=64)
    role = st.selectbox(t("role"), roles, format_func=lambda r: R.role_label(r, lang))
    scope = st.multiselect(t("scope_for_county_staff"), list(counties), format_func=counties.get)
    password = st.text_input(t("password"), type="password", max_chars=256)
    again = st.text_input(t("password_again"), type="password", max_chars=256)
    if st.form_submit_button(t("add_user"), type="primary"):
        if password != again:
            st.error(t("passwords_differ"))
        else:
            try:
                service.add_user(name, role, by=me, password=password, client=client,
                                 counties=scope if role in R.SCOPED_ROLES else (),
                                 display_name=display)
            except AccessError as exc:
                _failed(exc)
            else:
                _done("user_added", name)
                st.rerun()

with right:
    st.subheader(t("change_user"))
    names = [u.name for u in users]
    chosen = st.selectbox(t("user_name"), names, key=f"users_pick_{lang}")
    current = next(u for u in users if u.name == chosen)
    with st.form("change_user"):
        new_role = st.selectbox(t("role"), roles, index=roles.index(current.role),
                                format_func=lambda r: R.role_label(r, lang))
        new_scope = st.multiselect(t("scope_for_county_staff"), list(counties),
                                   default=[c for c in current.counties if c in counties],
                                   format_func=counties.get)
        if st.form_submit_button(t("save")):
            try:
                service.update_user(chosen, by=me, role=new_role, client=client,
                                    counties=new_scope if new_role in R.SCOPED_ROLES else ())
            except AccessError as exc:
                _failed(exc)
            else:
                _done("user_changed", chosen)
                st.rerun()
    with st.form("set_password", clear_on_submit=True):
        first = st.text_input(t("new_password"), type="password", max_chars=256)
        second = st.text_input(t("password_again"), type="password", max_chars=256)
        if st.form_submit_button(t("set_password")):
            if first != second:
                st.error(t("passwords_differ"))
            else:
                try:
                    service.set_password(chosen, first, by=me, client=client)
                except AccessError as exc:
                    _failed(exc)
                else:
                    _done("password_set", chosen)
                    st.rerun()
    action = t("enable_user") if current.disabled else t("disable_user")
    if st.button(action, key=f"toggle_{chosen}"):
        try:
            if current.disabled:
                service.enable_user(chosen, by=me, client=client)
            else:
                service.disable_user(chosen, by=me, client=client)
        except AccessError as exc:
            _failed(exc)
        else:
            _done("user_enabled" if current.disabled else "user_disabled_done", chosen)
            st.rerun()
