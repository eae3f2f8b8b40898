"""The map page's layers (pydeck), built from the analytics' frames: plain Python, no
streamlit. pages/map.py reads the widgets, calls these and draws the decks.

Offline by design: no basemap (``map_provider=None``), the province outlines fetched by the
browser from the app's static folder (``data.geography.STATIC_URL``), both maps schematic.

Layer ids (the browser test and the selection read them):
  national map  ``provinces`` ``province_lines`` ``province_labels`` (base), ``density``,
                ``arcs``, ``stations`` (pickable; a click opens the station card),
                ``city_labels``
  Heze map      ``counties`` (pickable; a click sets the dashboard's county filter),
                ``county_labels``
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass

import pandas as pd
import pydeck as pdk
from pydeck.bindings.json_tools import default_serialize

from analytics.text import UI, code_label
from core.formatting import colour_ramp, format_value, pixel_scale
from data import geography as geo
from data import reference
from model import indicators as reg

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
DENSITY_RGB = (136, 65, 157)

MAP_MAX_HEIGHT = 640
HEZE_MAX_HEIGHT = 480
MARKS_FULL_WIDTH = 900      # maps at least this wide draw circles and lines at full size …
MARKS_MIN = 0.4             # … narrower ones in proportion, down to this share
STATION_MAX_PX = 18
ARC_MAX_PX = 6
ARC_LIMIT = 80              # the heaviest arcs only: all 2,600 hide Shandong under lines
DENSITY_MAX_PX = 34         # the largest city's circle of people registered
HOME_COUNTIES = 4           # Heze counties named in a station's tooltip (the rest summed)
CITY_LABELS = 15            # host cities named on the national map
FONT = '"Noto Sans CJK SC", "Noto Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif'

ARC_WEIGHTS = {"returnees": "returnees", "projects": "projects",
               "investment": "project_investment"}  # arc column: the indicator it counts

TOOLTIP = {
    "html": "<b>{tip_title}</b><br/>{tip_body}",
    "style": {"whiteSpace": "pre-line", "fontFamily": FONT, "fontSize": "13px",
              "backgroundColor": "rgba(33, 37, 41, 0.92)", "color": "white"},
}


class CompactDeck(pdk.Deck):
    """A Deck whose JSON is compact: pydeck indents it, which triples what the browser has
    to download and parse for the arcs and the stations."""

    def to_json(self) -> str:
        return json.dumps(self, sort_keys=True, default=default_serialize,
                          separators=(",", ":"), ensure_ascii=False)


@dataclass(frozen=True)
class Words:
    """The map's words in one language: messages, numbers with units, code labels."""

    lang: str = "zh"

    def t(self, key: str) -> str:
        zh, en = UI[key]
        return zh if self.lang == "zh" else en

    def fmt(self, value, unit: str) -> str:
        return format_value(value, unit, self.lang)

    def label(self, dim: str, code) -> str:
        return code_label(dim, code, self.lang)

    def name(self, key: str) -> str:
        return reg.get(key).name(self.lang)

    def lines(self, *pairs: tuple[str, str]) -> str:
        """A tooltip's lines: the tooltip is HTML, so every value is escaped (place names
        are imported text)."""
        esc = html.escape
        sep = "：" if self.lang == "zh" else ": "
        return "\n".join(f"{esc(str(label))}{sep}{esc(str(value))}" for label, value in pairs)


def map_sizes(width: int) -> tuple[int, int, float]:
    """The national map's and the Heze map's heights for a content width, and the share of
    full size the circles and lines are drawn at: at full size on a phone they covered
    eastern China and hid the province names."""
    national = int(min(MAP_MAX_HEIGHT, max(300, width * 0.78)))
    heze = int(min(HEZE_MAX_HEIGHT, max(280, width * 0.7)))
    return national, heze, max(MARKS_MIN, min(1.0, width / MARKS_FULL_WIDTH))


# A wide screen draws the national map and the Heze map side by side: stacked, China filled
# only the middle of a wall's row (its height is capped so the map stays in the first
# screen) and the Heze map started below the fold. Side by side, both are as tall as the
# national map may be, each as wide as its column.
SIDE_BY_SIDE_MIN = 1400        # content at least this wide: side by side …
SIDE_BY_SIDE_SHARES = (3, 2)   # … the national map in the wider column (two rows of
                               # controls, a long legend, a crowded east), the Heze map …
OWN_COUNTY_SHARES = (2, 3)     # … or, for a county's staff, their stations' table (about
                               # 760 px of columns in Chinese, 815 in English), beside a
                               # map of China that still fills its column
SIDE_BY_SIDE_GAP_PX = 32       # the gap between the two columns


@dataclass(frozen=True)
class MapLayout:
    """Where the map page draws its two parts and how big: ``side_by_side`` or stacked, the
    national map's and the other part's (the Heze map, or a county's table) width and
    height, and the share of full size the circles and lines are drawn at (:func:`map_sizes`
    of the national map's width)."""

    side_by_side: bool
    national: tuple[int, int]   # width, height
    heze: tuple[int, int]
    marks: float


def map_layout(width: int, shares: tuple[int, int] = SIDE_BY_SIDE_SHARES) -> MapLayout:
    """The layout for a content `width`: stacked below SIDE_BY_SIDE_MIN, each map as wide as
    the content and as tall as :func:`map_sizes` says; from there on side by side in columns
    of `shares`, each part sized for its own column and both MAP_MAX_HEIGHT tall."""
    if width < SIDE_BY_SIDE_MIN:
        national, heze, marks = map_sizes(width)
        return MapLayout(False, (width, national), (width, heze), marks)
    usable = width - SIDE_BY_SIDE_GAP_PX
    left = usable * shares[0] // sum(shares)
    return MapLayout(True, (left, MAP_MAX_HEIGHT), (usable - left, MAP_MAX_HEIGHT),
                     map_sizes(left)[2])


def swatch(rgb, shape: str = "●", size: str = "1.2em") -> str:
    """A legend's coloured mark (our own colours and shapes, never data)."""
    return f'<span style="color:rgb{tuple(rgb[:3])};font-size:{size}">{shape}</span>'


def legend_html(items: list[str]) -> str:
    return '<div class="heze-legend">' + "&emsp;".join(items) + "</div>"


def _text_layer(layer_id: str, data: list[dict], size: int, color, **extra) -> pdk.Layer:
    return pdk.Layer("TextLayer", id=layer_id, data=data, get_position="position",
                     get_text="text", get_size=size, get_color=list(color),
                     font_family=f"`{FONT}`", character_set="'auto'",
                     pickable=False, **extra)


def province_labels(lang: str) -> list[dict]:
    """Every province's name in `lang` at its label point (山东 / Shandong)."""
    names = reference.province_short_names(lang)
    return [{"text": names[f["properties"]["adcode"]],
             "position": f["properties"]["label_point"]} for f in geo.province_features()]


def base_layers(lang: str) -> list[pdk.Layer]:
    """China's provinces, its boundary lines and the provinces' names in `lang`. The
    outlines are fetched by the browser from the app's static folder (once, then cached),
    not sent with every rerun; the names are small and go inline."""
    labels = province_labels(lang)
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
        _text_layer("province_labels", labels, 11, LABEL_RGBA),
    ]


def city_labels(points: pd.DataFrame, city_col: str) -> pdk.Layer:
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
    return _text_layer("city_labels", data, 12, (33, 37, 41, 255), get_pixel_offset=[0, 16],
                       background=True, get_background_color=[255, 255, 255, 200],
                       background_padding=[3, 1])


def density_layer(people: pd.DataFrame, marks: float) -> pdk.Layer:
    """People registered per host city, as faint circles."""
    return pdk.Layer(
        "ScatterplotLayer", id="density", data=people[["lon", "lat", "people"]],
        get_position=["lon", "lat"], get_radius="people", radius_units="'pixels'",
        radius_scale=pixel_scale(DENSITY_MAX_PX * marks, people["people"]),
        radius_min_pixels=2, get_fill_color=[*DENSITY_RGB, 70],
        get_line_color=[*DENSITY_RGB, 160], stroked=True, line_width_min_pixels=1,
        pickable=False)


def arcs_layer(arcs: pd.DataFrame, arc_by: str, marks: float) -> pdk.Layer:
    """The heaviest arcs from host city to Heze county. Not pickable: a click on an arc
    would select nothing useful, and picking through them slows every click and hover.
    Fainter arcs carry less."""
    alpha = [int(60 + 150 * s) for s in arcs["share"]]
    data = arcs[["source_lon", "source_lat", "target_lon", "target_lat", arc_by]].assign(
        src=[[*ARC_SOURCE_RGBA[:3], a] for a in alpha],
        dst=[[*ARC_TARGET_RGBA[:3], a] for a in alpha])
    return pdk.Layer(
        "ArcLayer", id="arcs", data=data,
        get_source_position=["source_lon", "source_lat"],
        get_target_position=["target_lon", "target_lat"],
        get_source_color="src", get_target_color="dst",
        get_width=arc_by, width_units="'pixels'",
        width_scale=pixel_scale(ARC_MAX_PX * marks, arcs[arc_by]), width_min_pixels=0.5,
        great_circle=False, num_segments=16, pickable=False)


def _city_lines(words: Words, county_names: dict, city: str, row) -> str:
    """The tooltip's lines on the station's city: its stations by level, and the Heze
    counties their returnees went to (the largest HOME_COUNTIES, the rest summed)."""
    if row is None:
        return ""
    esc = html.escape  # the tooltip is HTML
    went = [f"{esc(str(county_names.get(code, code)))} {words.fmt(n, 'person')}"
            for code, n in row["top"]]
    if row["rest"]:
        went.append(f"{words.t('others')} {words.fmt(row['rest'], 'person')}")
    sep = "、" if words.lang == "zh" else ", "
    lines = [words.t("tip_city_stations").format(city=esc(str(city)),
                                                 city_n=row["city_stations"],
                                                 county_n=row["county_stations"])]
    if went:
        lines.append(words.t("tip_home_counties") + sep.join(went))
    return "\n" + "\n".join(lines)


def stations_layer(points: pd.DataFrame, radius_by: str, cities: pd.DataFrame,
                   county_names: dict, city_col: str, marks: float,
                   words: Words) -> pdk.Layer:
    """Every station, sized by `radius_by`, coloured by level. A city's city- and
    county-level stations sit on one point: each tooltip also says what all the city's
    stations did and which Heze counties their people went to (`cities`, indexed by
    host_city: compare.city_home_counties)."""
    # Big dots first, so the small ones are drawn on top and stay clickable.
    drawn = points.sort_values(radius_by, ascending=False, kind="stable")
    city_tips = {code: _city_lines(words, county_names, city, cities.loc[code])
                 for code, city in zip(drawn["host_city"], drawn[city_col], strict=True)
                 if code in cities.index}
    level_names = {lv: words.label("level", lv) for lv in set(drawn["level"])}
    stations = drawn.assign(
        color=[list(LEVEL_RGB[lv]) + [255] for lv in drawn["level"]],
        tip_title=[html.escape(str(n)) for n in drawn["name_zh"]],
        tip_body=[words.lines((words.t("level"), level_names[lv]),
                              (words.t("host_city"), city),
                              (words.t("members"), words.fmt(m, "person")),
                              (words.t("returnees_referred"), words.fmt(r, "person")),
                              (words.t("investment_recommended"), words.fmt(i, "wan_yuan")))
                  + city_tips.get(code, "")
                  for lv, city, code, m, r, i in zip(drawn["level"], drawn[city_col],
                                                     drawn["host_city"], drawn["members"],
                                                     drawn["returnees_referred"],
                                                     drawn["investment_recommended"],
                                                     strict=True)])
    return pdk.Layer(
        "ScatterplotLayer", id="stations",
        data=stations[["station_id", "name_zh", "level", "lon", "lat", radius_by, "color",
                       "tip_title", "tip_body"]],
        get_position=["lon", "lat"], get_fill_color="color", get_radius=radius_by,
        radius_units="'pixels'",
        radius_scale=pixel_scale(STATION_MAX_PX * marks, points[radius_by]),
        radius_min_pixels=2, radius_max_pixels=STATION_MAX_PX * marks, stroked=True,
        get_line_color=[255, 255, 255, 255], line_width_min_pixels=1,
        pickable=True, auto_highlight=True)


def county_layers(values: pd.DataFrame, shade_by: str, shade_keys, in_filter: set,
                  name_col: str, words: Words) -> list[pdk.Layer]:
    """Heze's counties shaded by `shade_by` (compare.county_comparison's frame), those in
    the filter outlined, and their names. Counties outside a county user's scope are not
    in `values` and not drawn at all."""
    by_code = values.set_index("code")
    n_counties = len(values)
    rows, labels = [], []
    for poly in geo.heze_county_polygons():
        code = poly["adcode"]
        if code not in by_code.index:
            continue
        row = by_code.loc[code]
        rank = words.t("rank_of").format(county="", rank=int(row[f"{shade_by}__rank"]),
                                         n=n_counties)
        rows.append({"adcode": code, "polygon": [poly["polygon"], *poly["holes"]],
                     "value": row[shade_by], "tip_title": html.escape(str(row[name_col])),
                     "tip_body": words.lines(*((words.name(k), words.fmt(row[k],
                                                                         reg.get(k).unit))
                                               for k in shade_keys))
                     + f"\n{words.name(shade_by)} {rank}",
                     "line": list(FILTERED_LINE_RGBA if code in in_filter
                                  else COUNTY_LINE_RGBA),
                     "line_px": 3 if code in in_filter else 1})
        labels.append({"text": row[name_col], "position": poly["centroid"]})
    counties = pd.DataFrame(rows)
    counties["fill"] = colour_ramp(counties["value"], COUNTY_LOW_RGB, COUNTY_HIGH_RGB)
    return [
        pdk.Layer("PolygonLayer", id="counties", data=counties.drop(columns="value"),
                  get_polygon="polygon", filled=True, stroked=True, get_fill_color="fill",
                  get_line_color="line", get_line_width="line_px",
                  line_width_units="'pixels'", pickable=True, auto_highlight=True),
        _text_layer("county_labels", labels, 13, (33, 37, 41, 255), background=True,
                    get_background_color=[255, 255, 255, 210], background_padding=[4, 2]),
    ]
