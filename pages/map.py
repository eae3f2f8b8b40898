"""地图 — where the stations are, where their returnees went, and Heze county by county.

Offline by design: pydeck with no basemap (``map_provider=None`` and no ``map_style``, which
pydeck then sends as its ``__MAP_STYLE__`` placeholder, so Streamlit loads no tiles); the
outlines come from ``data/geo`` through ``data.geography``. Both maps are schematic (示意图).
The layers are built in presentation.map_layers (their ids are listed there); this page
reads the widgets, draws the decks, the legends and what a click opens.
"""

from __future__ import annotations

import pydeck as pdk
import streamlit as st

from analytics import Filter, compare
from core.formatting import scale_for
from data import geography as geo
from model import indicators as reg
from pages import serving, shared, viewport
from pages.shared import call, compute, fmt, name_col, t
from presentation import map_layers as ml
from presentation.map_layers import (
    ARC_SOURCE_RGBA,
    ARC_TARGET_RGBA,
    ARC_WEIGHTS,
    COUNTY_HIGH_RGB,
    COUNTY_LOW_RGB,
    DENSITY_RGB,
    FILTERED_LINE_RGBA,
    LEVEL_RGB,
    OWN_COUNTY_SHARES,
    SIDE_BY_SIDE_GAP_PX,
    SIDE_BY_SIDE_SHARES,
    TOOLTIP,
    CompactDeck,
    legend_html,
    map_layout,
    swatch,
)

RADIUS_METRICS = ("members", "returnees_referred", "investment_recommended")  # UI keys too
SHADE_KEYS = ("returnees", "entities", "jobs", "big_projects", "big_investment",
              "outside_people")
ZONES = (371771, 371772)


def _name(key: str) -> str:
    return reg.get(key).name(shared.lang())


def _pick_county(key: str) -> None:
    """on_select of the Heze map: the clicked county becomes the dashboard's county filter.

    A callback runs before the script, so the sidebar's URL-bound ``county`` multiselect may
    still be set here. The map then gets a fresh key, which clears its own selection."""
    state = st.session_state.get(key)
    try:
        picked = state["selection"]["objects"].get("counties") or []
    except (KeyError, TypeError):
        picked = []
    code = int(picked[0]["adcode"]) if picked else None
    if code is not None and code in set(shared.analytics().counties()["county_code"]):
        shared.set_filter(county=[code])
        st.session_state["map_county_round"] = st.session_state.get("map_county_round", 0) + 1


class _Reused:
    """The analytics, with the station points and arcs read through the page's result cache:
    the arcs and the tooltips' home counties start from the same two frames, which a new
    filter then queries once each instead of twice."""

    def __init__(self, a):
        self._a = a

    def station_points(self, f):
        return call("station_points", flt=f)

    def station_arcs(self, f):
        return call("station_arcs", flt=f)

    def __getattr__(self, name):
        return getattr(self._a, name)


def _map_top_arcs(a, *args, f):
    return compare.top_arcs(_Reused(a), *args, f=f)


def _map_home_counties(a, *args, f):
    return compare.city_home_counties(_Reused(a), *args, f=f)


# The layers are built once per snapshot, scope, filter, language and their own choices
# (serving.built) and shared by every session: a warm rerun, a second user with the same
# filter or a click elsewhere on the page builds no layer again.
def _arcs_layer(arc_by: str, marks: float):
    arcs, arcs_total = compute(_map_top_arcs, arc_by, ml.ARC_LIMIT)
    return (None if arcs.empty else ml.arcs_layer(arcs, arc_by, marks)), len(arcs), arcs_total


def _stations_layer(radius_by: str, marks: float):
    points = call("station_points")
    cities = compute(_map_home_counties, ml.HOME_COUNTIES).set_index("host_city")
    return ml.stations_layer(points, radius_by, cities, shared.names("county"), city_col,
                             marks, ml.Words(lang))


def _city_labels():
    return ml.city_labels(call("station_points"), city_col)


def _county_layers(shade_by: str):
    values = compute(compare.county_comparison, SHADE_KEYS)
    in_filter = set(shared.current_filter().counties)
    return ml.county_layers(values, shade_by, SHADE_KEYS, in_filter, name_col(),
                            ml.Words(lang))


def _selected(event, layer: str) -> list[dict]:
    try:
        return list(event["selection"]["objects"].get(layer) or [])
    except (KeyError, TypeError, AttributeError):
        return []


def _row_css(side_by_side: bool, shares: tuple[int, int]) -> str:
    """The row of the two maps: side by side in columns of `shares`, or each a whole line
    (stacked). Side by side, the layer toggles' labels wrap instead of ending in an ellipsis
    in the narrower column ("Where returnees went"). Our own fixed CSS, no data."""
    row = ".st-key-map_row"
    if not side_by_side:
        return f"{row} > div {{ flex: 1 1 100%; }}"
    national, heze = shares
    label = '.st-key-map_national [data-testid="stCheckbox"] [data-testid="stMarkdownContainer"]'
    return (f"{row} {{ column-gap: {SIDE_BY_SIDE_GAP_PX}px; flex-wrap: nowrap; }}"
            f"{row} > div:nth-child(1) {{ flex: {national} 1 0; min-width: 0; }}"
            f"{row} > div:nth-child(2) {{ flex: {heze} 1 0; min-width: 0; }}"
            f"{label}, {label} p {{ white-space: normal; text-overflow: clip; }}")


shared.header("page_map", "note_map")
lang = shared.lang()
city_col = "city_zh" if lang == "zh" else "city_en"
mine = shared.own_county()
shares = SIDE_BY_SIDE_SHARES if mine is None else OWN_COUNTY_SHARES
layout = map_layout(viewport.content_width(), shares)
width, map_height = layout.national
heze_width, heze_height = layout.heze
marks = layout.marks
# On a wide screen the national map and the Heze map (a county's staff: their stations'
# table) side by side, otherwise stacked, each as wide as the page. The blocks are the same either way, only the page's CSS
# differs: a block whose settings change loses what the browser had drawn in it, and a first
# visit starts at the default width (stacked) before the browser says its own, so a wall's
# first rerun would have rebuilt both maps and shown the layer toggles as off.
st.html(f"<style>{_row_css(layout.side_by_side, shares)}</style>")
row = st.container(horizontal=True, key="map_row")
national_area = row.container(key="map_national")
heze_area = row.container(key="map_heze")
# What a click on a station opens: under the national map, or full width below the row.
below_row = st.container(key="map_below")
card_area = below_row if layout.side_by_side else national_area


def _legend(items: list[str], where) -> None:
    # Our own fixed words and colours only: nothing a user typed is rendered as HTML.
    where.markdown(legend_html(items), unsafe_allow_html=True)


# -- the national map ---------------------------------------------------------------------
national_area.subheader(t("map_national"))
points = call("station_points")
if points.empty:
    with national_area:
        shared.empty_state()
else:
    c1, c2 = national_area.columns(2)
    radius_by = shared.choose(c1.radio, t("map_radius_by"), RADIUS_METRICS, "map_radius",
                              format_func=t, horizontal=True)
    arc_by = shared.choose(c2.radio, t("map_arc_by"), list(ARC_WEIGHTS), "map_arc",
                           format_func=lambda k: _name(ARC_WEIGHTS[k]), horizontal=True)
    c = national_area.columns(4)
    show_base = shared.toggle(t("map_layer_base"), "map_show_base", where=c[0])
    show_stations = shared.toggle(t("map_layer_stations"), "map_show_stations", where=c[1])
    show_arcs = shared.toggle(t("map_layer_arcs"), "map_show_arcs", where=c[2])
    show_density = shared.toggle(t("map_layer_density"), "map_show_density", default=False,
                                 where=c[3])

    layers = list(serving.built("map.base", ml.base_layers, lang, lang=lang)) if show_base else []
    legend = []
    if show_density:
        people = compute(compare.city_people)
        if len(people):
            layers.append(ml.density_layer(people, marks))
            legend.append(f"{swatch(DENSITY_RGB, '◯', '1.3em')} "
                          + t("legend_density").format(top=fmt(people["people"].max(),
                                                               "person")))
    if show_arcs:
        arcs, shown, arcs_total = serving.built("map.arcs", _arcs_layer, arc_by, marks,
                                                lang=lang)
        if arcs is not None:
            layers.append(arcs)
            legend.append(
                f"{swatch(ARC_SOURCE_RGBA, '━')}{swatch(ARC_TARGET_RGBA, '━')} "
                + t("legend_arcs").format(what=_name(ARC_WEIGHTS[arc_by]), shown=shown,
                                          total=arcs_total))
    if show_stations:
        layers.append(serving.built("map.stations", _stations_layer, radius_by, marks,
                                    lang=lang))
        legend = [" ".join(f"{swatch(LEVEL_RGB[lv])} {shared.label('level', lv)}"
                           for lv in ("city", "county")),
                  t("legend_size").format(what=t(radius_by),
                                          top=fmt(points[radius_by].max(),
                                                  shared.UNIT_OF[radius_by]))] + legend

    if show_stations or show_arcs:
        layers.append(serving.built("map.city_labels", _city_labels, lang=lang))
    # A filter that narrows the stations (a province, a county's stations …) zooms to them.
    bounds = (compare.view_bounds(points) if shared.current_filter() != Filter()
              else None)
    view = (geo.fit_view(bounds, width, map_height, padding=0.12) if bounds is not None
            else geo.china_view(width, map_height))
    if view["zoom"] < geo.china_view(width, map_height)["zoom"]:
        view = geo.china_view(width, map_height)
    deck = CompactDeck(layers=layers, map_provider=None, tooltip=TOOLTIP,
                       initial_view_state=pdk.ViewState(**view))
    # The key stays the same when the filter or the width changes, so the browser updates
    # the layers and the view of the map it has instead of building a new WebGL map (slow
    # without a GPU: with the width in the key every first visit built both maps twice, once
    # for the default width and again when the browser had said its own). A selection made
    # before the change is checked against the stations now shown (below).
    event = national_area.pydeck_chart(
        deck, on_select="rerun", selection_mode="single-object",
        key="station_map", height=map_height, width="stretch")
    if legend:
        _legend(legend, national_area)
    national_area.caption(f"{t('map_click_station')} {t('map_note')}")

    picked = _selected(event, "stations")
    if picked:
        station_id = int(picked[0]["station_id"])
        card_area.divider()
        with card_area:
            if station_id in set(points["station_id"]):
                shared.station_card(station_id)
            else:
                st.info(t("map_station_gone"))
if not layout.side_by_side:
    national_area.divider()

# -- the Heze map: every county compared, the chosen ones outlined -------------------------
with heze_area:
    if mine is not None:
        # County staff: a Heze map of one county is a blank box; their county's stations instead.
        name = shared.names("county")[mine]
        st.subheader(t("map_own_stations").format(county=name))
        by_station = compute(compare.stations_sending)
        if by_station.empty:
            shared.empty_state()
        else:
            st.caption(t("map_own_stations_note").format(county=name))
            money = scale_for("wan_yuan", lang)
            by_station = by_station.assign(level_label=shared.labels("level", by_station["level"]),
                                           investment_shown=money.apply(by_station["investment"]))
            shared.table(by_station, {"station_zh": "station_name", "level_label": "level",
                                      "returnees": t("map_own_returnees"),
                                      "projects": t("map_own_projects"),
                                      "investment_shown": money.header(t("investment"), lang)},
                         "county_stations", key="own_county_stations",
                         height=heze_height if layout.side_by_side else 420,
                         title=t("map_own_stations").format(county=name))
        st.caption(t("map_note"))
        st.stop()
    st.subheader(t("map_heze"))
    shade_by = shared.choose(st.radio, t("map_shade_by"), list(SHADE_KEYS), "map_shade",
                             format_func=_name, horizontal=True)
    values = compute(compare.county_comparison, SHADE_KEYS)
    shade_unit = reg.get(shade_by).unit
    by_code = values.set_index("code")
    in_filter = set(shared.current_filter().counties)
    heze = CompactDeck(
        layers=list(serving.built("map.counties", _county_layers, shade_by, lang=lang)),
        map_provider=None,
        initial_view_state=pdk.ViewState(**geo.heze_view(heze_width, heze_height)),
        tooltip=TOOLTIP)
    county_key = f"county_map_{st.session_state.get('map_county_round', 0)}"
    st.pydeck_chart(heze, on_select=lambda: _pick_county(county_key),
                    selection_mode="single-object", key=county_key, height=heze_height,
                    width="stretch")
    top = values[shade_by].max() if len(values) else 0
    _legend([f"{swatch(COUNTY_LOW_RGB, '■')} 0 → {swatch(COUNTY_HIGH_RGB, '■')} "
             f"{fmt(top, shade_unit)}（{_name(shade_by)}）" if lang == "zh" else
             f"{swatch(COUNTY_LOW_RGB, '■')} 0 → {swatch(COUNTY_HIGH_RGB, '■')} "
             f"{fmt(top, shade_unit)} ({_name(shade_by)})",
             f"{swatch(FILTERED_LINE_RGBA, '□')} {t('legend_chosen')}"], st)
    shared.rank_note(values.assign(chosen=values["code"].isin(in_filter)), shade_by)
    zones = "，".join(f"{shared.plain(by_code.loc[z, name_col()])} {fmt(by_code.loc[z, shade_by], shade_unit)}"
                     for z in ZONES if z in by_code.index)
    if zones:
        st.caption(f"{t('map_click_county')} {t('map_zones')}（{_name(shade_by)}：{zones}）。"
                   if lang == "zh" else
                   f"{t('map_click_county')} {t('map_zones')} ({_name(shade_by)}: {zones}).")
    else:
        st.caption(t("map_click_county"))
    st.caption(t("map_note"))
