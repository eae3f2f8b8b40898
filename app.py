"""菏泽市返乡创业数据看板 — the entry point: page set-up, shared filters, navigation.

The filter lives in session state as codes (`f_county`, …); the sidebar widgets are drawn
under keys that change with the language, so a language switch redraws them from those
codes instead of reading back labels of the other language. The URL is written from the
same codes on every run (?county=371721&lang=en), and read once, when a session opens.
"""

from __future__ import annotations

import logging
from pathlib import Path

import streamlit as st

from analytics import Filter, FilterError
from analytics import links as linkmod
from data.snapshot import SnapshotUnavailable
from pages import account, login, shared, viewport
from pages.shared import FILTER_KEY, ICON, t

st.set_page_config(page_title=t("app_title"), page_icon=str(ICON), layout="wide")
log = logging.getLogger("heze.app")
STYLE = (Path(__file__).parent / "pages" / "style.css").read_text(encoding="utf-8")
st.html(f"<style>{STYLE}\n:root {{ --heze-filter-label: '{t('filters')}'; }}</style>")

# (script, title key, url path). The overview is also the home page at "/".
PAGES = [
    ("pages/overview.py", "page_overview", "overview"),
    ("pages/trends.py", "page_trends", "trends"),
    ("pages/stations.py", "page_stations", "stations"),
    ("pages/map.py", "page_map", "map"),
    ("pages/projects.py", "page_projects", "projects"),
    ("pages/parks.py", "page_parks", "parks"),
    ("pages/counties.py", "page_counties", "counties"),
    ("pages/people.py", "page_people", "people"),
    ("pages/definitions.py", "page_definitions", "definitions"),
    ("pages/screen.py", "page_screen", "screen"),
    ("pages/data_import.py", "page_import", "import"),
    ("pages/annual_targets.py", "page_targets", "targets"),
    ("pages/users.py", "page_users", "users"),
    ("pages/audit.py", "page_audit", "audit"),
]
# Parameters a page reads for itself (the wall display's intervals): kept in the link.
PAGE_PARAMS = ("rotate", "refresh")
FILTER_STATE = {"county": [], "industry": [], "level": [], "province": [], "period": "all",
                "from": None, "to": None}


def _link_params() -> dict[str, list[str]]:
    return {key: st.query_params.get_all(key) for key in st.query_params}


def _open_link(a) -> None:
    """Once per session: the link's values become the filter; what it names in vain is
    kept to be reported."""
    vocab = linkmod.Vocabulary(
        a.counties()[["county_code", "name_zh", "name_en"]].itertuples(index=False),
        a.industries()[["industry_code", "name_zh", "name_en"]].itertuples(index=False),
        a.provinces()[["province_code", "province_zh", "province_en"]].itertuples(index=False))
    state = linkmod.parse(_link_params(), vocab, a.snapshot.as_of, scoped=a.scope is not None)
    if state.lang:
        st.session_state["lang"] = state.lang
    shared.set_filter(county=state.county, industry=state.industry, level=state.level,
                      province=state.province, period=state.period,
                      **{"from": state.start, "to": state.end})
    st.session_state["link_ignored"] = state.ignored
    st.session_state["link_asked"] = linkmod.to_params(state, "zh")
    st.session_state["link_opened"] = True


def reset_filters() -> None:
    shared.set_filter(**FILTER_STATE)
    st.session_state["link_ignored"] = []


def sidebar(a) -> Filter:
    side = st.sidebar
    lang = side.radio(t("language"), ["zh", "en"], format_func={"zh": "中文",
                      "en": "English"}.get, horizontal=True,
                      index=0 if shared.lang() == "zh" else 1, key="lang_pick")
    if lang != shared.lang():
        st.session_state["lang"] = lang
        st.rerun()

    side.header(t("filters"))
    name = shared.name_col()
    counties = a.counties().set_index("county_code")[name]
    industries = a.industries().set_index("industry_code")[name]
    provinces = a.provinces().set_index("province_code")[
        "province_zh" if shared.lang() == "zh" else "province_en"]
    many = {"placeholder": t("all")}
    county = shared.choose_many(side.multiselect, t("county"), list(counties.index), "county",
                                format_func=counties.get, **many)
    industry = shared.choose_many(side.multiselect, t("industry"), list(industries.index),
                                  "industry", format_func=industries.get, **many)
    level = shared.choose_many(side.multiselect, t("level"), ["city", "county"], "level",
                               format_func=lambda v: shared.label("level", v), **many)
    province = shared.choose_many(side.multiselect, t("province"), list(provinces.index),
                                  "province", format_func=provinces.get, **many)
    period = shared.choose(side.selectbox, t("period"), linkmod.PERIODS, "period",
                           default="all", format_func=lambda p: t(f"period_{p}"))
    as_of = a.snapshot.as_of
    start = end = None
    if period == "custom":
        bounds = {"min_value": linkmod.FIRST_DAY, "max_value": as_of, "format": "YYYY-MM-DD"}
        start = shared.date_field(side, t("period_from"), "from", **bounds)
        end = shared.date_field(side, t("period_to"), "to", **bounds)
    start, end = linkmod.period_dates(period, as_of, start, end)
    if period not in ("all", "custom"):
        side.caption(f"{shared.fmt_date(start)} – {shared.fmt_date(end)}")
    side.button(t("reset"), on_click=reset_filters, width="stretch")
    side.caption(t("filter_scope_note") + " " + t("level_note"))

    wanted = linkmod.to_params(shared.link_state(), shared.lang())
    current = _link_params()
    wanted.update({key: current[key] for key in PAGE_PARAMS if key in current})
    if wanted != current:
        st.query_params.from_dict(wanted)
    return a.check(Filter(counties=county, industries=industry, levels=level,
                          provinces=province, start=start, end=end))


def navigation(user):
    """Every page by its own URL (the overview also at /); the menu (`menu`) lists only the
    pages the user may open and carries the filter. A page the user may not open is still
    registered, so its URL answers 无权访问 (see `main`) instead of "page not found"."""
    pages = [st.Page(path, title=t(title), url_path=slug) for path, title, slug in PAGES]
    allowed = [page for page, (_, _, slug) in zip(pages, PAGES, strict=True)
               if user.may_open(slug)]
    home = st.Page(PAGES[0][0], title=t(PAGES[0][1]), url_path="home", default=True)
    return st.navigation([home, *pages], position="hidden"), home, allowed


def menu(where, home, pages) -> None:
    params = linkmod.to_params(shared.link_state(), shared.lang())
    where.markdown(f"**{t('app_title')}**")
    for page in pages:
        where.page_link(home if page.url_path == "overview" else page, label=page.title,
                        query_params=params, width="stretch")


def main() -> None:
    user = login.gate()  # the login screen, under every URL, until signed in
    st.session_state["user"] = user
    try:
        a = shared.analytics()
    except SnapshotUnavailable as exc:
        st.error(exc.zh if shared.lang() == "zh" else exc.en)
        return
    if not st.session_state.get("link_opened"):
        _open_link(a)
    nav, home, pages = navigation(user)
    menu_box = st.sidebar.container()
    try:
        st.session_state[FILTER_KEY] = sidebar(a)
    except FilterError as exc:
        st.error(f"{t('filter_error')}: {exc.message(shared.lang())}")
        st.session_state[FILTER_KEY] = Filter()
    menu(menu_box, home, pages)
    shared.briefing_buttons(st.sidebar)
    account.sidebar(user)
    viewport.mount()
    if linkmod.to_params(shared.link_state(), "zh") != st.session_state.get("link_asked"):
        st.session_state["link_ignored"] = []  # the user has moved on from the link
    if shared.snapshot_problem():
        st.warning(t("snapshot_unreadable"))
    if a.snapshot.is_synthetic:
        st.warning(t("demo_banner"))
    ignored = st.session_state.get("link_ignored") or []
    if ignored:
        st.warning("\n\n".join(shared.plain(i.message(shared.lang())) for i in ignored))
    slug = PAGES[0][2] if nav.url_path in ("", "home") else nav.url_path
    if not user.may_open(slug):
        account.no_permission(slug, user)
        return
    nav.run()


try:
    main()
except Exception:  # noqa: BLE001 - users get a message in their language, the log the rest
    log.exception("page failed")
    st.error(t("page_failed"))
