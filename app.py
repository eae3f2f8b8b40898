"""菏泽市返乡创业数据看板 — the entry point: page set-up, shared filters, navigation."""

from __future__ import annotations

from datetime import date

import streamlit as st

from analytics import Filter, FilterError
from data.snapshot import SnapshotUnavailable
from pages import shared
from pages.shared import FILTER_KEY, ICON, t

st.set_page_config(page_title=t("app_title"), page_icon=str(ICON), layout="wide")

FILTER_DEFAULTS = {"county": [], "industry": [], "level": [], "province": [], "from": None,
                   "to": None}


def reset_filters() -> None:
    for key, value in FILTER_DEFAULTS.items():
        st.session_state[key] = value


try:
    a = shared.analytics()
except SnapshotUnavailable as exc:
    st.error(exc.zh if shared.lang() == "zh" else exc.en)
    st.stop()

side = st.sidebar
side.radio(t("language"), ["zh", "en"], format_func={"zh": "中文", "en": "English"}.get,
           key="lang", bind="query-params", horizontal=True)
side.header(t("filters"))
name = shared.name_col()
counties = a.counties().set_index("county_code")[name]
industries = a.industries().set_index("industry_code")[name]
provinces = a.provinces().set_index("province_code")[
    "province_zh" if shared.lang() == "zh" else "province_en"]
side.multiselect(t("county"), list(counties.index), format_func=counties.get, key="county",
                 bind="query-params", placeholder=t("all"))
side.multiselect(t("industry"), list(industries.index), format_func=industries.get,
                 key="industry", bind="query-params", placeholder=t("all"))
side.multiselect(t("level"), ["city", "county"], format_func=lambda v: shared.label("level", v),
                 key="level", bind="query-params", placeholder=t("all"))
side.multiselect(t("province"), list(provinces.index), format_func=provinces.get,
                 key="province", bind="query-params", placeholder=t("all"))
as_of = a.snapshot.as_of
first_day = date(2015, 1, 1)
c1, c2 = side.columns(2)
c1.date_input(t("period_from"), value=None, min_value=first_day, max_value=as_of, key="from",
              bind="query-params", format="YYYY-MM-DD")
c2.date_input(t("period_to"), value=None, min_value=first_day, max_value=as_of, key="to",
              bind="query-params", format="YYYY-MM-DD")
side.button(t("reset"), on_click=reset_filters, width="stretch")
side.caption(t("filter_scope_note") + " " + t("level_note"))

if a.snapshot.is_synthetic:
    st.warning(t("demo_banner"))

try:
    st.session_state[FILTER_KEY] = a.check(Filter(
        counties=st.session_state.get("county") or (),
        industries=st.session_state.get("industry") or (),
        levels=st.session_state.get("level") or (),
        provinces=st.session_state.get("province") or (),
        start=st.session_state.get("from"),
        end=st.session_state.get("to"),
    ))
except FilterError as exc:
    st.error(f"{t('filter_error')}: {exc.message(shared.lang())}")
    st.stop()

PAGES = [
    ("pages/overview.py", "page_overview", "overview"),
    ("pages/trends.py", "page_trends", "trends"),
    ("pages/stations.py", "page_stations", "stations"),
    ("pages/map.py", "page_map", "map"),
    ("pages/projects.py", "page_projects", "projects"),
    ("pages/parks.py", "page_parks", "parks"),
    ("pages/counties.py", "page_counties", "counties"),
    ("pages/definitions.py", "page_definitions", "definitions"),
]
nav = st.navigation([st.Page(path, title=t(title), url_path=slug, default=i == 0)
                     for i, (path, title, slug) in enumerate(PAGES)])
nav.run()
