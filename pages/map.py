"""地图 — where the stations are, where their returnees went, and Heze county by county.

Offline by design: pydeck with no basemap (``map_provider=None`` and no ``map_style``, which
pydeck then sends as its ``__MAP_STYLE__`` placeholder, so Streamlit loads no tiles); the
outlines come from ``data/geo`` through ``data.geography``. Both maps are schematic (示意图).

Layer ids (the browser test and the selection read them):
  national map  ``provinces`` ``province_lines`` ``province_labels`` (base), ``density``,
                ``arcs``, ``stations`` (pickable; a click opens the station card)
  Heze map      ``counties`` (pickable; a click sets the dashboard's county filter),
                ``county_labels``
"""

from __future__ import annotations

import json

import pandas as pd
import pydeck as pdk
import streamlit as st
from pydeck.bindings.json_tools import default_serialize

from analytics import Filter, compare
from core.formatting import colour_ramp, pixel_scale, scale_for
from data import geography as geo
from model import indicators as reg
from pages import shared, viewport
from pages.shared import call, compute, fmt, name_col, t

# Station colours by level: two strong colours, far from the theme's primary (#B22222, which
# Streamlit paints a selected object with) and from every other layer's colours.
CITY_RGB = (230, 57, 70)     # 市级站, red
COUNTY_RGB = (29, 78, 216)   # 县级站, blue
LEVEL_RGB = {"city": CITY_RGB, "county": COUNTY_RGB}
ARC_SOURCE_RGBA = (245, 158, 11, 150)   # amber at the host city …
ARC_TARGET_RGBA = (13, 148, 136, 150)   # … teal at the Heze county
PROVINCE_FILL_RGBA = (243, 241, 236, 255)
PROVINCE_LINE_RGBA = (160, 160, 160, 255)
LINE_RGBA = (110, 110, 110, 255)         # nine-dash line and other boundary lines
LABEL_RGBA = (120, 120, 120, 255)
COUNTY_LOW_RGB = (237, 248, 233)         # ColorBrewer Greens, for the county shading
COUNTY_HIGH_RGB = (0, 109, 44)
COUNTY_LINE_RGBA = (255, 255, 255, 255)
FILTERED_LINE_RGBA = (17, 17, 17, 255)   # outline of a county in the active filter

MAP_MAX_HEIGHT = 640
HEZE_MAX_HEIGHT = 480
STATION_MAX_PX = 18
ARC_MAX_PX = 6
ARC_LIMIT = 80              # the heaviest arcs only: all 2,600 hide Shandong under lines
DENSITY_MAX_PX = 34         # the largest city's circle of people registered
MARKS_FULL_WIDTH = 900      # maps at least this wide draw circles and lines at full size …
MARKS_MIN = 0.4             # … narrower ones in proportion, down to this share
DENSITY_RGB = (136, 65, 157)
FONT = '"Noto Sans CJK SC", "Noto Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif'

RADIUS_METRICS = ("members", "returnees_referred", "investment_recommended")  # UI keys too
ARC_WEIGHTS = {"returnees": "returnees", "projects": "projects",
               "investment": "project_investment"}  # arc column: the indicator it counts
SHADE_KEYS = ("returnees", "entities", "jobs", "big_projects", "big_investment",
              "outside_people")
ZONES = (371771, 371772)
HOME_COUNTIES = 4           # Heze counties named in a station's tooltip (the rest summed)
CITY_LABELS = 15            # host cities named on the national map

TOOLTIP = {
    "html": "<b>{tip_title}</b><br/>{tip_body}",
    "style": {"whiteSpace": "pre-line", "fontFamily": FONT, "fontSize": "13px",
              "backgroundColor": "rgba(33, 37, 41, 0.92)", "color": "white"},
}


class CompactDeck(pdk.Deck):
    """A Deck whose JSON is compact: pydeck indents it, which triples what the browser has
    to download and parse for the province outlines and the arcs."""

    def to_json(self) -> str:
        return json.dumps(self, sort_keys=True, default=default_serialize,
                          separators=(",", ":"), ensure_ascii=False)


def _name(key: str) -> str:
    return reg.get(key).name(shared.lang())


def _lines(*pairs: tuple[str, str]) -> str:
    """A tooltip's lines: the tooltip is HTML, so every value is escaped (place names are
    imported text)."""
    esc = shared.plain_html
    return "\n".join(f"{esc(label)}：{esc(value)}" if shared.lang() == "zh"
                     else f"{esc(label)}: {esc(value)}" for label, value in pairs)


def _city_lines(city: str, row) -> str:
    """The tooltip's lines on the station's city: its stations by level, and the Heze
    counties their returnees went to (the largest HOME_COUNTIES, the rest summed)."""
    if row is None:
        return ""
    names, esc = shared.names("county"), shared.plain_html  # the tooltip is HTML
    went = [f"{esc(names.get(code, code))} {fmt(n, 'person')}" for code, n in row["top"]]
    if row["rest"]:
        went.append(f"{t('others')} {fmt(row['rest'], 'person')}")
    sep = "、" if shared.lang() == "zh" else ", "
    lines = [t("tip_city_stations").format(city=esc(city), city_n=row["city_stations"],
                                           county_n=row["county_stations"])]
    if went:
        lines.append(t("tip_home_counties") + sep.join(went))
    return "\n" + "\n".join(lines)


def _city_labels(points: pd.DataFrame) -> pdk.Layer:
    """The names of the cities with stations, the CITY_LABELS with most returnees referred
    (all of them say too much at the national scale), under their stations' points."""
    cities = (points.groupby(["host_city", city_col], as_index=False)
              .agg(lon=("lon", "mean"), lat=("lat", "mean"),
                   returnees=("returnees_referred", "sum"))
              .sort_values(["returnees", "host_city"], ascending=[False, True])
              .head(CITY_LABELS))
    data = [{"text": name, "position": [lon, lat]}
            for name, lon, lat in zip(cities[city_col], cities["lon"], cities["lat"],
                                      strict=True)]
    return pdk.Layer("TextLayer", id="city_labels", data=data, get_position="position",
                     get_text="text", get_size=12, get_color=[33, 37, 41, 255],
                     get_pixel_offset=[0, 16], font_family=f"`{FONT}`",
                     character_set="'auto'", background=True,
                     get_background_color=[255, 255, 255, 200], background_padding=[3, 1],
                     pickable=False)


def _base_layers() -> list[pdk.Layer]:
    # The outlines are fetched by the browser from the app's static folder (once, then
    # cached), not sent with every rerun; the labels are small and go inline.
    labels = [{"text": f["properties"]["short_name"], "position": f["properties"]["label_point"]}
              for f in geo.province_features()]
    return [
        pdk.Layer("PolygonLayer", id="provinces", data=f"{geo.STATIC_URL}/provinces.json",
                  get_polygon="polygon",
                  filled=True, stroked=True, get_fill_color=list(PROVINCE_FILL_RGBA),
                  get_line_color=list(PROVINCE_LINE_RGBA), line_width_units="'pixels'",
                  get_line_width=1, pickable=False),
        pdk.Layer("PathLayer", id="province_lines", data=f"{geo.STATIC_URL}/lines.json",
                  get_path="path",
                  get_color=list(LINE_RGBA), width_units="'pixels'", get_width=1.5,
                  pickable=False),
        pdk.Layer("TextLayer", id="province_labels", data=labels, get_position="position",
                  get_text="text", get_size=11, get_color=list(LABEL_RGBA),
                  font_family=f"`{FONT}`", character_set="'auto'", pickable=False),
    ]


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


def _selected(event, layer: str) -> list[dict]:
    try:
        return list(event["selection"]["objects"].get(layer) or [])
    except (KeyError, TypeError, AttributeError):
        return []


shared.header("page_map", "note_map")
lang = shared.lang()
city_col = "city_zh" if lang == "zh" else "city_en"
width = viewport.content_width()
map_height = int(min(MAP_MAX_HEIGHT, max(300, width * 0.78)))
# Circles and lines shrink with the map: at full size on a phone they covered eastern China
# and hid the province names.
marks = max(MARKS_MIN, min(1.0, width / MARKS_FULL_WIDTH))


def _swatch(rgb, shape: str = "●", size: str = "1.2em") -> str:
    return f'<span style="color:rgb{tuple(rgb[:3])};font-size:{size}">{shape}</span>'


def _legend(items: list[str]) -> None:
    # Our own fixed words and colours only: nothing a user typed is rendered as HTML.
    st.markdown('<div class="heze-legend">' + "&emsp;".join(items) + "</div>",
                unsafe_allow_html=True)


# -- the national map ---------------------------------------------------------------------
st.subheader(t("map_national"))
points = call("station_points")
if points.empty:
    shared.empty_state()
else:
    c1, c2 = st.columns(2)
    radius_by = shared.choose(c1.radio, t("map_radius_by"), RADIUS_METRICS, "map_radius",
                              format_func=t, horizontal=True)
    arc_by = shared.choose(c2.radio, t("map_arc_by"), list(ARC_WEIGHTS), "map_arc",
                           format_func=lambda k: _name(ARC_WEIGHTS[k]), horizontal=True)
    c = st.columns(4)
    show_base = shared.toggle(t("map_layer_base"), "map_show_base", where=c[0])
    show_stations = shared.toggle(t("map_layer_stations"), "map_show_stations", where=c[1])
    show_arcs = shared.toggle(t("map_layer_arcs"), "map_show_arcs", where=c[2])
    show_density = shared.toggle(t("map_layer_density"), "map_show_density", default=False,
                                 where=c[3])

    layers = list(_base_layers()) if show_base else []
    legend = []
    if show_density:
        people = compute(compare.city_people)
        if len(people):
            layers.append(pdk.Layer(
                "ScatterplotLayer", id="density", data=people[["lon", "lat", "people"]],
                get_position=["lon", "lat"], get_radius="people", radius_units="'pixels'",
                radius_scale=pixel_scale(DENSITY_MAX_PX * marks, people["people"]),
                radius_min_pixels=2, get_fill_color=[*DENSITY_RGB, 70],
                get_line_color=[*DENSITY_RGB, 160], stroked=True, line_width_min_pixels=1,
                pickable=False))
            legend.append(f"{_swatch(DENSITY_RGB, '◯', '1.3em')} "
                          + t("legend_density").format(top=fmt(people["people"].max(),
                                                               "person")))
    if show_arcs:
        arcs, arcs_total = compute(compare.top_arcs, arc_by, ARC_LIMIT)
        if not arcs.empty:
            # Not pickable: a click on an arc would select nothing useful, and picking through
            # them slows every click and hover. Fainter arcs carry less.
            alpha = [int(60 + 150 * s) for s in arcs["share"]]
            data = arcs[["source_lon", "source_lat", "target_lon", "target_lat", arc_by]].assign(
                src=[[*ARC_SOURCE_RGBA[:3], a] for a in alpha],
                dst=[[*ARC_TARGET_RGBA[:3], a] for a in alpha])
            layers.append(pdk.Layer(
                "ArcLayer", id="arcs", data=data,
                get_source_position=["source_lon", "source_lat"],
                get_target_position=["target_lon", "target_lat"],
                get_source_color="src", get_target_color="dst",
                get_width=arc_by, width_units="'pixels'",
                width_scale=pixel_scale(ARC_MAX_PX * marks, arcs[arc_by]), width_min_pixels=0.5,
                great_circle=False, num_segments=16, pickable=False))
            legend.append(
                f"{_swatch(ARC_SOURCE_RGBA, '━')}{_swatch(ARC_TARGET_RGBA, '━')} "
                + t("legend_arcs").format(what=_name(ARC_WEIGHTS[arc_by]), shown=len(arcs),
                                          total=arcs_total))
    if show_stations:
        # Big dots first, so the small ones are drawn on top and stay clickable.
        drawn = points.sort_values(radius_by, ascending=False, kind="stable")
        # A city's city- and county-level stations sit on one point: each tooltip also
        # says what all the city's stations did and which Heze counties their people went to.
        cities = compute(compare.city_home_counties, HOME_COUNTIES).set_index("host_city")
        stations = drawn.assign(
            color=[list(LEVEL_RGB[lv]) + [255] for lv in drawn["level"]],
            tip_title=[shared.plain_html(n) for n in drawn["name_zh"]],
            tip_body=[_lines((t("level"), shared.label("level", lv)), (t("host_city"), city),
                             (t("members"), fmt(m, "person")),
                             (t("returnees_referred"), fmt(r, "person")),
                             (t("investment_recommended"), fmt(i, "wan_yuan")))
                      + _city_lines(city, cities.loc[code] if code in cities.index else None)
                      for lv, city, code, m, r, i in zip(drawn["level"], drawn[city_col],
                                                         drawn["host_city"], drawn["members"],
                                                         drawn["returnees_referred"],
                                                         drawn["investment_recommended"],
                                                         strict=True)])
        layers.append(pdk.Layer(
            "ScatterplotLayer", id="stations",
            data=stations[["station_id", "name_zh", "level", "lon", "lat", radius_by, "color",
                           "tip_title", "tip_body"]],
            get_position=["lon", "lat"], get_fill_color="color", get_radius=radius_by,
            radius_units="'pixels'",
            radius_scale=pixel_scale(STATION_MAX_PX * marks, points[radius_by]),
            radius_min_pixels=2, radius_max_pixels=STATION_MAX_PX * marks, stroked=True,
            get_line_color=[255, 255, 255, 255], line_width_min_pixels=1,
            pickable=True, auto_highlight=True))
        legend = [" ".join(f"{_swatch(LEVEL_RGB[lv])} {shared.label('level', lv)}"
                           for lv in ("city", "county")),
                  t("legend_size").format(what=t(radius_by),
                                          top=fmt(points[radius_by].max(),
                                                  shared.UNIT_OF[radius_by]))] + legend

    if show_stations or show_arcs:
        layers.append(_city_labels(points))
    # A filter that narrows the stations (a province, a county's stations …) zooms to them.
    bounds = (compare.view_bounds(points) if shared.current_filter() != Filter()
              else None)
    view = (geo.fit_view(bounds, width, map_height, padding=0.12) if bounds is not None
            else geo.china_view(width, map_height))
    if view["zoom"] < geo.china_view(width, map_height)["zoom"]:
        view = geo.china_view(width, map_height)
    deck = CompactDeck(layers=layers, map_provider=None, tooltip=TOOLTIP,
                       initial_view_state=pdk.ViewState(**view))
    # The key stays the same when the filter changes, so the browser updates the layers of
    # the map it has instead of building a new one (slow without a GPU). A selection made
    # before the change is checked against the stations now shown (below).
    event = st.pydeck_chart(
        deck, on_select="rerun", selection_mode="single-object",
        key=f"station_map_{width}", height=map_height, width="stretch")
    if legend:
        _legend(legend)
    st.caption(f"{t('map_click_station')} {t('map_note')}")

    picked = _selected(event, "stations")
    if picked:
        station_id = int(picked[0]["station_id"])
        st.divider()
        if station_id in set(points["station_id"]):
            shared.station_card(station_id)
        else:
            st.info(t("map_station_gone"))

# -- the Heze map: every county compared, the chosen ones outlined -------------------------
st.divider()
if (mine := shared.own_county()) is not None:
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
                                  "returnees": t("map_own_returnees").format(county=name),
                                  "projects": t("map_own_projects").format(county=name),
                                  "investment_shown": money.header(t("investment"), lang)},
                     "county_stations", key="own_county_stations", height=420,
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
n_counties = len(values)
rows = []
for poly in geo.heze_county_polygons():
    code = poly["adcode"]
    if code not in by_code.index:  # outside a county user's scope: not drawn at all
        continue
    row = by_code.loc[code]
    rank = t("rank_of").format(county="", rank=int(row[f"{shade_by}__rank"]), n=n_counties)
    rows.append({"adcode": code, "polygon": [poly["polygon"], *poly["holes"]],
                 "value": row[shade_by], "tip_title": shared.plain_html(row[name_col()]),
                 "tip_body": _lines(*((_name(k), fmt(row[k], reg.get(k).unit))
                                      for k in SHADE_KEYS)) + f"\n{_name(shade_by)} {rank}",
                 "line": list(FILTERED_LINE_RGBA if code in in_filter else COUNTY_LINE_RGBA),
                 "line_px": 3 if code in in_filter else 1})
counties = pd.DataFrame(rows)
counties["fill"] = colour_ramp(counties["value"], COUNTY_LOW_RGB, COUNTY_HIGH_RGB)
labels = [{"text": by_code.loc[poly["adcode"], name_col()], "position": poly["centroid"]}
          for poly in geo.heze_county_polygons() if poly["adcode"] in by_code.index]
heze_height = int(min(HEZE_MAX_HEIGHT, max(280, width * 0.7)))
heze = CompactDeck(
    layers=[
        pdk.Layer("PolygonLayer", id="counties", data=counties.drop(columns="value"),
                  get_polygon="polygon", filled=True, stroked=True, get_fill_color="fill",
                  get_line_color="line", get_line_width="line_px", line_width_units="'pixels'",
                  pickable=True, auto_highlight=True),
        pdk.Layer("TextLayer", id="county_labels", data=labels, get_position="position",
                  get_text="text", get_size=13, get_color=[33, 37, 41, 255],
                  font_family=f"`{FONT}`", character_set="'auto'", background=True,
                  get_background_color=[255, 255, 255, 210], background_padding=[4, 2],
                  pickable=False),
    ],
    map_provider=None,
    initial_view_state=pdk.ViewState(**geo.heze_view(width, heze_height)),
    tooltip=TOOLTIP)
county_key = f"county_map_{st.session_state.get('map_county_round', 0)}_{width}"
st.pydeck_chart(heze, on_select=lambda: _pick_county(county_key),
                selection_mode="single-object", key=county_key, height=heze_height,
                width="stretch")
top = values[shade_by].max() if len(values) else 0
_legend([f"{_swatch(COUNTY_LOW_RGB, '■')} 0 → {_swatch(COUNTY_HIGH_RGB, '■')} "
         f"{fmt(top, shade_unit)}（{_name(shade_by)}）" if lang == "zh" else
         f"{_swatch(COUNTY_LOW_RGB, '■')} 0 → {_swatch(COUNTY_HIGH_RGB, '■')} "
         f"{fmt(top, shade_unit)} ({_name(shade_by)})",
         f"{_swatch(FILTERED_LINE_RGBA, '□')} {t('legend_chosen')}"])
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
