"""The wall display's station map: the whole of China drawn offline (pydeck, no base map),
the province names that fit, the stations and the arcs to where their returnees went, and
the South China Sea islands in an inset. No streamlit here."""

from __future__ import annotations

import json
import math

import pandas as pd
import pydeck as pdk
from pydeck.bindings.json_tools import default_serialize

from core.formatting import pixel_scale
from data import geography as geo
from data import reference
from presentation.screen import (
    ARC_FROM,
    ARC_TO,
    FONT,
    INSET_HEIGHT,
    INSET_WIDTH,
    LEVEL_RGB,
    LINE,
    MAINLAND,
    MAP_HEIGHT,
    MAP_LABEL,
    MAP_LABEL_PX,
    MAP_WIDTH,
    PROVINCE_FILL,
    PROVINCE_LINE,
    SOUTH_SEA,
    SOUTH_SEA_LABEL,
)
from presentation.screen_text import text


class CompactDeck(pdk.Deck):
    def to_json(self) -> str:
        return json.dumps(self, sort_keys=True, default=default_serialize,
                          separators=(",", ":"), ensure_ascii=False)


def _pixel(lon: float, lat: float, zoom: float) -> tuple[float, float]:
    world = 512 * 2 ** zoom
    y = math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))
    return (lon + 180) / 360 * world, (1 - y / math.pi) / 2 * world


def _text_width(text: str, size: int) -> float:
    """About how wide `text` is drawn at `size` px: a Chinese character is square, a Latin
    letter about 0.6 of the size."""
    return sum(size if ord(ch) > 0x2E80 else 0.6 * size for ch in text)


def province_labels(view: dict, lang: str, size: int = MAP_LABEL_PX) -> list[dict]:
    """The province names in `lang` that fit at this view without touching each other: the
    largest provinces first, a name whose box would overlap one already placed is left
    out (at 18 px the small eastern ones crowd each other)."""
    names = reference.province_short_names(lang)
    extent = {}
    for row in geo.province_polygons():
        xs = [pt[0] for pt in row["polygon"]]
        ys = [pt[1] for pt in row["polygon"]]
        area = (max(xs) - min(xs)) * (max(ys) - min(ys))
        extent[row["adcode"]] = max(extent.get(row["adcode"], 0), area)
    placed, boxes = [], []
    features = sorted(geo.province_features(),
                      key=lambda f: -extent.get(f["properties"]["adcode"], 0))
    for f in features:
        text = names[f["properties"]["adcode"]]
        x, y = _pixel(*f["properties"]["label_point"], view["zoom"])
        half_w, half_h = _text_width(text, size) / 2 + 3, size / 2 + 3
        box = (x - half_w, y - half_h, x + half_w, y + half_h)
        if any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3]
               for b in boxes):
            continue
        boxes.append(box)
        placed.append({"text": text, "position": f["properties"]["label_point"]})
    return placed


def _base_layers() -> list[pdk.Layer]:
    provinces = [{"polygon": [row["polygon"], *row["holes"]]} for row in geo.province_polygons()]
    return [
        pdk.Layer("PolygonLayer", id="provinces", data=provinces, get_polygon="polygon",
                  filled=True, stroked=True, get_fill_color=PROVINCE_FILL,
                  get_line_color=PROVINCE_LINE, line_width_units="'pixels'", get_line_width=1),
        pdk.Layer("PathLayer", id="province_lines", data=geo.line_paths(), get_path="path",
                  get_color=LINE, width_units="'pixels'", get_width=1.5),
    ]


def inset_map(lang: str) -> CompactDeck:
    """The South China Sea islands and the nine-dash line, drawn at their own scale in a
    box at the lower right of the station map, as on the standard map of China."""
    view = geo.fit_view(SOUTH_SEA, INSET_WIDTH, INSET_HEIGHT, padding=0.03)
    name = [{"text": text("south_sea", lang), "position": SOUTH_SEA_LABEL}]
    layers = _base_layers() + [
        pdk.Layer("TextLayer", id="inset_label", data=name, get_position="position",
                  get_text="text", get_size=MAP_LABEL_PX, size_units="'pixels'",
                  get_color=MAP_LABEL, font_family=f"`{FONT}`", character_set="'auto'")]
    return CompactDeck(layers=layers, map_provider=None,
                       initial_view_state=pdk.ViewState(**view))


def station_map(arcs: pd.DataFrame, points: pd.DataFrame, lang: str) -> CompactDeck:
    """Mainland China (to Hainan) as large as the centre allows; the islands of the South
    China Sea are in the inset (inset_map), so the whole territory is in view. `arcs` and
    `points` are the analytics station_arcs and station_points."""
    view = geo.fit_view(MAINLAND, MAP_WIDTH, MAP_HEIGHT, padding=0.03)
    labels = province_labels(view, lang)
    layers = _base_layers() + [
        pdk.Layer("TextLayer", id="province_labels", data=labels, get_position="position",
                  get_text="text", get_size=MAP_LABEL_PX, size_units="'pixels'",
                  get_color=MAP_LABEL, font_family=f"`{FONT}`", character_set="'auto'"),
    ]
    arcs = arcs[arcs["returnees"] > 0]
    if not arcs.empty:
        layers.append(pdk.Layer(
            "ArcLayer", id="arcs",
            data=arcs[["source_lon", "source_lat", "target_lon", "target_lat", "returnees"]],
            get_source_position=["source_lon", "source_lat"],
            get_target_position=["target_lon", "target_lat"], get_source_color=ARC_FROM,
            get_target_color=ARC_TO, get_width="returnees", width_units="'pixels'",
            width_scale=pixel_scale(5, arcs["returnees"]), width_min_pixels=0.5,
            num_segments=16))
    if not points.empty:
        drawn = points.sort_values("returnees_referred", ascending=False, kind="stable")
        data = pd.DataFrame({"lon": drawn["lon"], "lat": drawn["lat"],
                             "size": drawn["returnees_referred"],
                             "color": [LEVEL_RGB[lv] + [235] for lv in drawn["level"]]})
        layers.append(pdk.Layer(
            "ScatterplotLayer", id="stations", data=data, get_position=["lon", "lat"],
            get_fill_color="color", get_radius="size", radius_units="'pixels'",
            radius_scale=pixel_scale(16, data["size"]), radius_min_pixels=4,
            radius_max_pixels=16, stroked=True, get_line_color=[7, 19, 37, 255],
            line_width_min_pixels=1))
    return CompactDeck(layers=layers, map_provider=None,
                       initial_view_state=pdk.ViewState(**view))
