"""The map page, headless (AppTest): it runs, draws offline, and follows the filter."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parent.parent / "app.py")
CAO_XIAN = 371721


@pytest.fixture
def env(signed_in):
    return signed_in


def _map_page(sign=None, **link) -> AppTest:
    """The map page opened by a link (?county=371721&level=city&lang=en), signed in."""
    at = AppTest.from_file(APP, default_timeout=120)
    if sign is not None:
        sign(at)
    for key, value in link.items():
        at.query_params[key] = [str(v) for v in value] if isinstance(value, list) else value
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    at.switch_page("pages/map.py").run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _decks(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.json) for chart in at.get("deck_gl_json_chart")]


def _layer(deck: dict, layer_id: str) -> dict:
    found = [layer for layer in deck["layers"] if layer.get("id") == layer_id]
    assert found, f"no layer {layer_id!r} in {[layer.get('id') for layer in deck['layers']]}"
    return found[0]


def test_map_page_runs_offline_with_every_layer(env):
    at = _map_page(env)
    # People per city is off by default (it slows drawing); switched on, it draws.
    next(w for w in at.toggle if w.label == "在外人员分布").set_value(True).run()
    assert at.title[0].value == "地图"
    charts = at.get("deck_gl_json_chart")
    assert len(charts) == 2  # the national map and the Heze map
    for chart in charts:
        spec = chart.proto.json
        assert "http" not in spec, "a map spec points at the network"
        deck = json.loads(spec)
        # pydeck's placeholder for "no basemap"; Streamlit drops it and loads no tiles.
        assert deck.get("mapStyle") in (None, "__MAP_STYLE__")
        assert deck.get("mapProvider") in (None, "")
        assert "http" not in (chart.proto.tooltip or "")
    national, heze = _decks(at)
    stations = _layer(national, "stations")
    assert stations["@@type"] == "ScatterplotLayer" and stations["pickable"]
    assert len(stations["data"]) == 246
    levels = {row["level"]: tuple(row["color"][:3]) for row in stations["data"]}
    assert levels == {"city": (230, 57, 70), "county": (29, 78, 216)}
    # The outlines come from the app's own static folder (fetched once, then cached) …
    assert _layer(national, "provinces")["data"] == "app/static/geo/provinces.json"
    assert _layer(national, "province_lines")["data"] == "app/static/geo/lines.json"
    static = Path(__file__).resolve().parent.parent / "static" / "geo"
    provinces = json.loads((static / "provinces.json").read_text(encoding="utf-8"))
    assert len({row["adcode"] for row in provinces}) == 34
    kinds = {row["kind"] for row in json.loads((static / "lines.json").read_text("utf-8"))}
    assert "nine_dash_line" in kinds
    assert _layer(national, "arcs")["@@type"] == "ArcLayer"
    assert 0 < len(_layer(national, "arcs")["data"]) <= 80  # the heaviest only, not a hairball
    assert _layer(national, "density")["data"]
    counties = _layer(heze, "counties")
    assert counties["pickable"]
    assert {row["adcode"] for row in counties["data"]} == {
        371702, 371703, 371721, 371722, 371723, 371724, 371725, 371726, 371728}
    # Tooltips are Chinese and pre-formatted.
    beijing = next(r for r in stations["data"] if r["name_zh"] == "菏泽市返乡创业(北京)服务站")
    assert "人" in beijing["tip_body"] and "市级站" in beijing["tip_body"]
    captions = " ".join(c.value for c in at.caption)
    assert "示意图" in captions
    assert "经开区" in captions  # the two zones without polygons are named


def test_county_filter_reaches_every_layer(env):
    at = _map_page(env)
    full = _decks(at)[0]
    county = next(m for m in at.sidebar.multiselect if m.label == "县区")
    county.set_value([CAO_XIAN]).run()  # the sidebar filter
    assert not at.exception, [e.message for e in at.exception]
    assert at.title[0].value == "地图"
    national, heze = _decks(at)
    assert at.session_state["active_filter"].counties == (CAO_XIAN,)
    shown = _layer(national, "stations")["data"]
    assert 0 < len(shown) < 246
    assert {row["level"] for row in shown} == {"county"}  # city-level stations have no county
    arcs = _layer(national, "arcs")["data"]
    targets = {(a["target_lon"], a["target_lat"]) for a in arcs}
    assert arcs and len(targets) == 1  # every line now ends in 曹县 …
    assert len({(a["target_lon"], a["target_lat"])
                for a in _layer(full, "arcs")["data"]}) > 1  # … where before it spread
    # The filtered county is outlined on the Heze map; the others are shaded as zero.
    counties = {row["adcode"]: row for row in _layer(heze, "counties")["data"]}
    assert counties[CAO_XIAN]["line_px"] > counties[371702]["line_px"]


def test_radius_metric_and_layer_switches(env):
    at = _map_page(env)
    next(r for r in at.radio if r.label == "圆点大小").set_value("investment_recommended").run()
    next(w for w in at.toggle if w.label == "返乡去向连线").set_value(False).run()
    next(w for w in at.toggle if w.label == "在外人员分布").set_value(False).run()
    assert not at.exception
    national = _decks(at)[0]
    ids = [layer["id"] for layer in national["layers"]]
    assert "arcs" not in ids and "density" not in ids
    assert _layer(national, "stations")["getRadius"] == "@@=investment_recommended"


def test_no_station_matches_shows_the_empty_state(env):
    # A county filter keeps county-level stations only, so city-level + a county is empty.
    at = _map_page(env, county=[CAO_XIAN], level=["city"])
    assert len(at.get("deck_gl_json_chart")) == 1  # only the Heze map is left
    assert any("没有数据" in info.value for info in at.info)


def test_english_labels(env):
    at = _map_page(env, lang="en")
    assert at.title[0].value == "Map"
    national, heze = _decks(at)
    beijing = next(r for r in _layer(national, "stations")["data"] if r["station_id"] == 1)
    assert "Members: " in beijing["tip_body"] and "Beijing" in beijing["tip_body"]
    labels = {row["text"] for row in _layer(heze, "county_labels")["data"]}
    assert "Cao County" in labels
    assert "Schematic" in " ".join(c.value for c in at.caption)


def test_the_served_outlines_are_the_boundary_data_as_built():
    """static/geo is written from data/geo by `python -m data.geography`: never edited by
    hand, never stale."""
    from data import geography as geo

    for name, data in geo.static_files().items():
        assert (geo.STATIC_DIR / name).read_bytes() == data, f"{name}: run python -m data.geography"


def test_the_maps_stay_the_same_elements_when_the_browser_reports_its_width(env):
    """A first visit runs once with the default width, then again when the browser has
    measured its own: the two maps must be the same elements both times (updated, not
    built anew; a new WebGL map costs seconds without a GPU), framed for the new width."""
    from pages import viewport

    at = _map_page(env)
    before = [(chart.proto.id, json.loads(chart.proto.json)["initialViewState"])
              for chart in at.get("deck_gl_json_chart")]
    at.session_state[viewport.KEY] = {"width": 350}  # a phone
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    after = [(chart.proto.id, json.loads(chart.proto.json)["initialViewState"])
             for chart in at.get("deck_gl_json_chart")]
    assert len(before) == len(after) == 2
    assert [i for i, _ in after] == [i for i, _ in before]
    assert after[0][1]["zoom"] < before[0][1]["zoom"]  # all of China framed for the phone


def _deck_blocks(at: AppTest) -> list[list]:
    """For each map, the blocks that hold it from the page down: each block's place and
    settings."""
    found = []

    def walk(node, path):
        for index, child in node.children.items():
            if getattr(child, "type", None) == "deck_gl_json_chart":
                found.append([*path, index])
            elif hasattr(child, "children"):
                walk(child, [*path, (index, str(getattr(child, "proto", "")))])

    walk(at._tree, [])
    return found


def test_a_wide_screen_puts_the_maps_side_by_side_in_the_blocks_they_had(env):
    """A first visit on a wall runs stacked (the default width), then side by side once the
    browser has said its width: the maps stay in the same blocks with the same settings (a
    block whose settings change loses what the browser drew in it: the maps were built
    again and the layer toggles shown off), and each is framed for its own column."""
    from data import geography as geo
    from pages import viewport

    at = _map_page(env)
    before = _deck_blocks(at)
    ids = [chart.proto.id for chart in at.get("deck_gl_json_chart")]
    at.session_state[viewport.KEY] = {"width": 1460}  # a 1920 px monitor, sidebar open
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert _deck_blocks(at) == before
    assert [chart.proto.id for chart in at.get("deck_gl_json_chart")] == ids
    national, heze = _decks(at)
    # Columns of 3:2 of the 1428 px beside a 32 px gap: 856 and 572 px, both 640 tall.
    assert national["initialViewState"]["zoom"] == geo.china_view(856, 640)["zoom"]
    assert heze["initialViewState"]["zoom"] == geo.heze_view(572, 640)["zoom"]
    # The layer toggles still say what the map shows.
    assert [t.value for t in at.toggle][:3] == [True, True, True]


def test_every_run_tells_a_new_browser_what_the_map_toggles_and_radios_hold(env):
    # A browser meets a widget for the first time when the run that first drew it was cut
    # short (by the width report): it shows the widget's default as sent. Streamlit sends a
    # value only on the run that set it; so every later run must send the held value as the
    # default, or the layer toggles showed "off" beside the layers drawn.
    at = _map_page(env)
    at.run()  # a run that pushes nothing
    assert not at.exception
    toggles = {t.label: t for t in at.toggle}
    shown = [t for t in toggles.values() if t.value]
    assert len(shown) >= 3, toggles  # the base map, stations and arcs are on by default
    for toggle in at.toggle:
        assert toggle.proto.default == toggle.value, toggle.label
    for radio in at.radio:
        if radio.key and radio.key.startswith("w_map_"):
            assert radio.proto.default == radio.index, radio.label
    # a choice other than the first option is what a new browser is told, too
    radio = next(r for r in at.radio if (r.key or "").startswith("w_map_radius"))
    radio.set_value(radio.options[1]).run()
    at.run()
    radio = next(r for r in at.radio if (r.key or "").startswith("w_map_radius"))
    assert radio.index == 1 and radio.proto.default == 1
    assert not at.warning or all("Session State" not in w.value for w in at.warning)
