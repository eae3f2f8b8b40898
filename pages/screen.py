"""大屏 — the wall display of the command centre, for a 1920×1080 screen left running.

Open it by URL, e.g. ``/screen?rotate=30&refresh=60``:

* ``rotate`` — seconds each view stays before the side panels turn to the next (default
  30); ``refresh`` — seconds between refreshes of the headline figures (default 60). Both
  whole seconds from 5 to 3600; a value outside is clamped and a bad one replaced by the
  default, with a notice on the screen saying which.

What it shows: the app's name, the data's as-of date and the time (a clock ticking in the
browser); the headline figures large, each with its change over a year and, where a target
is set, its 完成率; the national station map in the centre (pydeck, offline, the whole
territory with the South China Sea islands); rankings on the left and trends on the right,
each panel turning through its views.

How it stays up for hours without a reload: the page is drawn once; after that only
fragments rerun (``st.fragment(run_every=...)``) — the headline strip every ``refresh``
seconds and each side panel every ``rotate`` seconds — so the map is never redrawn and
nothing flickers. Each fragment run reads the data through the per-snapshot cache, so a new
snapshot shows at the next refresh (the headline fragment then redraws the whole page once,
map included). Every fragment run also checks the signed-in session, which keeps it from
idling out and ends the display when the session is ended or the user disabled.

Readable across a room (at 1920×1080, CSS px): headline values 64 px or more, labels and
captions 24 px or more, chart text (ticks, bar labels, map labels) 18 px or more. The
browser test measures them.
"""

from __future__ import annotations

import streamlit as st

from analytics import compare
from core.settings import current
from model import indicators as reg
from pages import login, serving, targets_ui
from pages.labels import fmt_date, lang, t
from pages.layout import period_axis, run_through_entry_point
from presentation import kpi
from presentation import screen as model
from presentation import screen_charts as charts
from presentation.screen import (
    COLUMNS,
    INSET_HEIGHT,
    INSET_WIDTH,
    MAP_HEIGHT,
    REFRESH_DEFAULT,
    ROTATE_DEFAULT,
    SECONDS_MIN,
    STYLE_KEY,
    Seconds,
    parse_seconds,
)
from presentation.screen_map import inset_map, station_map
from presentation.screen_style import clock_script, fit_script, style
from presentation.screen_text import text
from targets import progress

VERSION = "_screen_version"
PARAMS = "_screen_params"
TURNS = "_screen_view_{side}"


def T(key: str, **values) -> str:  # noqa: N802 - the page's one word lookup
    return text(key, lang(), **values)


def idle_limit_seconds() -> int | None:
    """Half the sign-in idle time: a refresh at least this often keeps the session open."""
    try:
        return int(current()["session.idle_minutes"]) * 60 // 2
    except Exception:  # noqa: BLE001 - settings unreadable: no cap
        return None


def intervals(params) -> tuple[Seconds, Seconds]:
    """rotate and refresh from the URL. What the URL said is kept for the session, so a
    later full rerun (a new snapshot) keeps the intervals even if the link was rewritten."""
    kept = st.session_state.setdefault(PARAMS, {})
    for name in ("rotate", "refresh"):
        if params.get(name) is not None:
            kept[name] = params.get(name)
    rotate = parse_seconds(kept.get("rotate"), "rotate", ROTATE_DEFAULT)
    refresh = parse_seconds(kept.get("refresh"), "refresh", REFRESH_DEFAULT)
    cap = idle_limit_seconds()
    if cap and refresh.value > cap >= SECONDS_MIN:
        refresh = Seconds(cap, ("refresh_capped", {"raw": refresh.value, "value": cap}))
    return rotate, refresh


def still_signed_in() -> bool:
    """On a timed refresh: re-check the signed-in user's session, which also marks it as
    active (a refresh is the kiosk's only activity). False when the session has ended, the
    user was disabled or another user now holds this tab; the caller then redraws the whole
    page, and the app's sign-in gate takes over. True when the app runs without sign-in."""
    user = st.session_state.get("user")
    if user is None:
        return True
    now = login.current_user()
    return now is not None and now.id == getattr(user, "id", None) and now.may_open("screen")


def _check_for_news() -> None:
    """A new snapshot or an ended session redraws the whole page (no browser reload)."""
    if not still_signed_in():
        st.session_state.pop("user", None)
        st.rerun(scope="app")
    if serving.analytics().version != st.session_state.get(VERSION):
        st.rerun(scope="app")


# -- the headline strip -----------------------------------------------------------------------
def headline(notices: tuple[str, ...] = ()) -> None:
    """The title bar (name, as-of date, time of this refresh, clock) and the headline
    figures; rerun every `refresh` seconds."""
    _check_for_news()
    a, language = serving.analytics(), lang()
    values = serving.compute(compare.headline, reg.HEADLINE)
    cards = kpi.kpi_cards(reg.HEADLINE, values, language, a.snapshot.as_of)
    done = targets_ui.card_completions(reg.HEADLINE)
    bar = model.title_bar_html(
        lang=language, app_title=t("app_title"), as_of_text=fmt_date(a.snapshot.as_of),
        base=model.base_of(cards), demo=a.snapshot.is_synthetic,
        stale=serving.snapshot_problem(), notices=notices)
    st.html(bar + model.headline_html(cards, done, language))


# -- the side panels: each view fetches its data and has presentation build the figure ------
def county_names(codes) -> list[str]:
    return charts.county_names(serving.analytics().counties(), codes, lang())


def view_stations():
    return charts.stations_view(serving.call("station_ranking"), lang())


def _county_view(key: str, title: str):
    df = serving.compute(compare.ranked_counties, (key,), key)
    return charts.county_view(df, key, title, county_names(df["code"]), lang())


def view_county_returnees():
    return _county_view("returnees", T("county_returnees"))


def view_county_investment():
    return _county_view("big_investment", T("county_investment"))


def view_county_targets():
    year = serving.analytics().snapshot.as_of.year
    lookup = targets_ui.lookup(year)
    keys = [k for k in reg.HEADLINE if any(key == k and c is not None for key, c in lookup)]
    if not keys:
        return None
    df = serving.compute(progress.rank_counties, keys[0], year, lookup=lookup)
    df = df.dropna(subset=["rate"])
    return charts.county_targets_view(df, keys[0], county_names(df["code"]), lang())


def _year_view(key: str, title: str, share: float):
    frame = serving.call("series", key, grain="year")
    return charts.year_view(frame, period_axis(frame, "year"), key, title, share, lang())


def view_returnees_year():
    return _year_view("returnees", T("returnees_year"), 0.3)


def view_entities_year():
    return _year_view("entities", T("entities_year"), 0.1)


def view_returnees_month():
    return charts.month_view(serving.call("series", "returnees", grain="month"), lang())


def view_city_targets():
    year = serving.analytics().snapshot.as_of.year
    done = targets_ui.card_completions(tuple(k for k in progress.model.TARGETABLE), year=year)
    return charts.city_targets_view(done, year, lang())


SIDES = {
    "left": (view_stations, view_county_returnees, view_county_investment,
             view_county_targets),
    "right": (view_returnees_year, view_returnees_month, view_entities_year,
              view_city_targets),
}


def panel(side: str) -> None:
    """One turn of a side panel: the next view after the one shown that has something to
    show (a view with no data, such as county targets before any is set, is passed over)."""
    _check_for_news()
    views = SIDES[side]
    last = st.session_state.get(TURNS.format(side=side), -1)
    shown, position = None, last
    for step in range(1, len(views) + 1):
        position = (last + step) % len(views)
        shown = views[position]()
        if shown is not None:
            break
    st.session_state[TURNS.format(side=side)] = position
    if shown is None:
        st.html(model.caption_html(T("empty")))
        return
    title, fig = shown
    st.html(model.panel_title_html(title, side, position, len(views),
                                   charts.title_px(title, len(views))))
    st.plotly_chart(fig, key=f"screen_{side}_chart", width="stretch",
                    config={"staticPlot": True, "displayModeBar": False, "responsive": True})


def left_panel() -> None:
    panel("left")


def right_panel() -> None:
    panel("right")


# -- the page ---------------------------------------------------------------------------------
def main() -> None:
    run_through_entry_point()  # a deep link on a fresh server runs app.py first
    rotate, refresh = intervals(st.query_params)
    notices = [T(key, **values) for key, values in
               (s.notice for s in (rotate, refresh) if s.notice)]
    st.html(style())
    st.html(clock_script(lang()), unsafe_allow_javascript=True)
    st.html(fit_script(), unsafe_allow_javascript=True)
    a = serving.analytics()
    st.session_state[VERSION] = a.version
    with st.container(key=STYLE_KEY):
        st.fragment(headline, run_every=refresh.value, key="screen_headline")(tuple(notices))
        left, centre, right = st.columns(COLUMNS)
        with left:
            st.fragment(left_panel, run_every=rotate.value, key="screen_left")()
        with centre:
            st.html(f'<div class="scr-panel-title"><span>{model.esc(T("map_title"))}'
                    '</span></div>')
            st.pydeck_chart(station_map(serving.call("station_arcs"),
                                        serving.call("station_points"), lang()),
                            key="screen_map", height=MAP_HEIGHT, width="stretch")
            with st.container(key="screen_inset"):
                st.pydeck_chart(inset_map(lang()), key="screen_inset_map",
                                height=INSET_HEIGHT, width=INSET_WIDTH)
            st.html(model.map_legend(lang()))
        with right:
            st.fragment(right_panel, run_every=rotate.value, key="screen_right")()


if __name__ == "__main__":
    main()
