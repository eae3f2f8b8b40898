"""The maps name China's provinces in the page's language: 山东 in Chinese, Shandong in
English, on the dashboard's national map and on the wall display's map alike."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from data import geography, reference
from presentation import map_layers, screen_map
from presentation.screen import MAINLAND, MAP_HEIGHT, MAP_LABEL_PX, MAP_WIDTH

HAN = re.compile(r"[\u4e00-\u9fff]")
# Known answers: the names every map of China uses in each language.
KNOWN = {370000: ("山东", "Shandong"), 150000: ("内蒙古", "Inner Mongolia"),
         540000: ("西藏", "Tibet"), 810000: ("香港", "Hong Kong"), 820000: ("澳门", "Macao"),
         710000: ("台湾", "Taiwan"), 110000: ("北京", "Beijing")}


def _labels(layers, layer_id: str) -> list[str]:
    layer = next(layer for layer in layers if layer.id == layer_id)
    return [row["text"] for row in layer.data]


def test_every_province_of_the_outlines_has_a_name_in_both_languages():
    adcodes = {f["properties"]["adcode"] for f in geography.province_features()}
    assert set(reference.province_short_names("zh")) == adcodes
    assert set(reference.province_short_names("en")) == adcodes
    assert len(adcodes) == 34


def test_the_chinese_names_are_those_the_outlines_carry():
    zh = reference.province_short_names("zh")
    for f in geography.province_features():
        assert zh[f["properties"]["adcode"]] == f["properties"]["short_name"]


def test_the_english_names_agree_with_the_host_cities_reference():
    en = reference.province_short_names("en")
    cities = reference.frame("host_cities")
    for code, name in zip(cities["province_code"], cities["province_en"], strict=True):
        assert en[int(code)] == name


@pytest.mark.parametrize("code", sorted(KNOWN))
def test_known_province_names(code):
    zh, en = KNOWN[code]
    assert reference.province_short_names("zh")[code] == zh
    assert reference.province_short_names("en")[code] == en


def test_the_dashboard_map_names_provinces_in_chinese_or_english():
    zh = _labels(map_layers.base_layers("zh"), "province_labels")
    en = _labels(map_layers.base_layers("en"), "province_labels")
    assert "山东" in zh and all(HAN.search(name) for name in zh)
    assert "Shandong" in en and not any(HAN.search(name) for name in en)
    assert len(zh) == len(en) == 34


def _wall_labels(lang: str) -> list[dict]:
    no_arcs = pd.DataFrame({"returnees": [], "source_lon": [], "source_lat": [],
                            "target_lon": [], "target_lat": []})
    deck = screen_map.station_map(no_arcs, pd.DataFrame(), lang)
    layers = json.loads(deck.to_json())["layers"]
    return next(layer for layer in layers if layer["id"] == "province_labels")["data"]


def test_the_wall_map_names_provinces_in_the_pages_language():
    zh = [row["text"] for row in _wall_labels("zh")]
    en = [row["text"] for row in _wall_labels("en")]
    assert "山东" in zh and all(HAN.search(name) for name in zh)
    assert "Shandong" in en and not any(HAN.search(name) for name in en)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_wall_maps_names_do_not_touch_each_other(lang):
    # The boxes are estimated as the labels are drawn: a Chinese character square, a Latin
    # letter 0.6 of the size; "Inner Mongolia" is about 8 characters wide, not 14.
    view = geography.fit_view(MAINLAND, MAP_WIDTH, MAP_HEIGHT, padding=0.03)
    placed = screen_map.province_labels(view, lang)
    boxes = []
    for row in placed:
        x, y = screen_map._pixel(*row["position"], view["zoom"])
        half = screen_map._text_width(row["text"], MAP_LABEL_PX) / 2
        boxes.append((x - half, y - MAP_LABEL_PX / 2, x + half, y + MAP_LABEL_PX / 2))
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3])
    assert len(placed) >= 20  # most provinces are named, in either language


def test_a_latin_name_is_narrower_than_as_many_chinese_characters():
    assert screen_map._text_width("Shandong", 18) == pytest.approx(8 * 0.6 * 18)
    assert screen_map._text_width("山东", 18) == 36


def test_the_wall_names_the_zones_short_in_both_languages():
    from presentation.screen_charts import county_names

    counties = reference.table("counties")
    zones, cao = [371771, 371772], 371721
    assert county_names(counties, zones, "zh") == ["经开区", "高新区"]
    assert county_names(counties, zones, "en") == ["Econ. Dev. Zone", "High-tech Zone"]
    assert county_names(counties, [cao], "en") == ["Cao County"]
    assert county_names(counties, [cao], "zh") == ["曹县"]
