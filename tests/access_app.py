"""A tiny app for the login tests: the access gate, the sidebar and one page per slug, each
page printing its slug and the county scope it would pass to Analytics. Run by AppTest
(tests/test_access_ui.py) and by a real server in the browser test."""

import streamlit as st

from access import roles
from pages import account, login

st.set_page_config(page_title="access test")
user = login.gate()
account.sidebar(user)


def _page(slug):
    def page():
        account.guard(slug, user)
        st.header(f"page {slug}")
        st.text(f"scope {user.county_scope}")
    page.__name__ = f"page_{slug}"
    return page


account.navigation(user, [(_page(s), s, s) for s in roles.PAGES]).run()
