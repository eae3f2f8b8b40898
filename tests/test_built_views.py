"""The pages' built views (pages.serving.built): a figure or a set of map layers is built once
per snapshot, scope, filter and language and then shared — a warm rerun and a second session
with the same filter build nothing — while a user of another scope, another filter or the
other language gets views of their own (never another scope's)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from pages import serving

APP = str(Path(__file__).resolve().parents[1] / "app.py")
OVERVIEW = ("overview.years", "overview.funnel", "overview.by_county", "overview.mix")


@pytest.fixture(autouse=True)
def fresh_views():
    serving._built.clear()
    serving.BUILDS.clear()
    yield
    serving._built.clear()


def _open(signed_in, role: str = "leader", page: str = "overview") -> AppTest:
    at = signed_in(AppTest.from_file(APP, default_timeout=120), role)
    at.run()
    if page != "overview":
        at.switch_page(f"pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _specs(at: AppTest) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def test_a_warm_rerun_and_a_second_session_build_no_overview_chart_again(signed_in):
    first = _open(signed_in)
    built = {name: serving.BUILDS[name] for name in OVERVIEW}
    assert built == dict.fromkeys(OVERVIEW, 1)
    first.run()
    second = _open(signed_in)
    assert {name: serving.BUILDS[name] for name in OVERVIEW} == built
    assert _specs(second) == _specs(first)  # the shared charts draw the same


def test_a_new_filter_and_the_other_language_build_their_own_charts(signed_in):
    at = _open(signed_in)
    county = next(w for w in at.multiselect
                  if w.key == "county" or (w.key or "").startswith("w_county_"))
    county.set_value([371721]).run()
    assert not at.exception
    assert serving.BUILDS["overview.mix"] == 2
    at.sidebar.radio[0].set_value("en").run()
    assert not at.exception
    assert serving.BUILDS["overview.mix"] == 3
    titles = [s["layout"]["title"]["text"] for s in _specs(at)]
    assert not any("返乡" in title for title in titles), titles


def test_county_staff_never_get_the_citys_charts(signed_in):
    city = _open(signed_in)
    staff = _open(signed_in, "county")
    # The industry mix is drawn for both: built once for the city, once for the county.
    assert serving.BUILDS["overview.mix"] == 2, dict(serving.BUILDS)
    mix_city = next(s for s in _specs(city) if s["layout"]["title"]["text"] == "经济实体产业构成")
    mix_staff = next(s for s in _specs(staff)
                     if s["layout"]["title"]["text"] == "经济实体产业构成")
    assert mix_city["data"][0]["text"] != mix_staff["data"][0]["text"]


def test_the_maps_layers_are_built_once_for_a_warm_rerun_and_a_second_session(signed_in):
    first = _open(signed_in, page="map")
    layers = ("map.base", "map.arcs", "map.stations", "map.city_labels", "map.counties")
    assert {name: serving.BUILDS[name] for name in layers} == dict.fromkeys(layers, 1)
    first.run()
    second = _open(signed_in, page="map")
    assert {name: serving.BUILDS[name] for name in layers} == dict.fromkeys(layers, 1)
    decks = [[d.proto.json for d in at.get("deck_gl_json_chart")] for at in (first, second)]
    assert decks[0] == decks[1]


def test_the_server_does_not_collect_garbage_after_every_rerun():
    # Streamlit's gc.collect() after each script run cost about 100 ms of CPU per rerun
    # under load, more than the rerun itself (docs/performance.md).
    import tomllib

    config = Path(__file__).resolve().parents[1] / ".streamlit" / "config.toml"
    assert tomllib.loads(config.read_text(encoding="utf-8"))["runner"]["postScriptGC"] is False
