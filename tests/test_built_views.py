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


# -- the table pages ---------------------------------------------------------------------------
# What each table page builds for a leader with the default choices (the first station's card
# and the first park's tenants included).
TABLE_PAGES = {
    "stations": ("stations.ranking", "station_card.events", "station_card.home_counties"),
    "projects": ("projects.stages", "projects.station_share", "projects.by_industry",
                 "projects.by_county", "projects.list"),
    "parks": ("parks.ranking", "parks.tenants"),
    "counties": ("counties.comparison", "counties.matrix"),
    "trends": ("trends.series",),
    "people": ("people.list",),
}


def _drawn(at: AppTest) -> tuple:
    """What the page drew of its tables and charts, as the browser gets it."""
    from tests.test_pages import shown_table

    return ([d.proto.arrow_data.data for d in at.dataframe],
            [shown_table(d).to_csv() for d in at.dataframe],
            [h.proto.body for h in at.get("html") if "heze-print-table" in h.proto.body],
            _specs(at))


def _county_filter(at: AppTest, county: int) -> None:
    widget = next(w for w in at.multiselect
                  if w.key == "county" or (w.key or "").startswith("w_county_"))
    widget.set_value([county]).run()
    assert not at.exception, [e.value for e in at.exception]


@pytest.mark.parametrize("page", TABLE_PAGES)
def test_a_table_pages_warm_rerun_and_second_session_build_nothing(signed_in, page):
    first = _open(signed_in, page=page)
    names = TABLE_PAGES[page]
    assert {name: serving.BUILDS[name] for name in names} == dict.fromkeys(names, 1), \
        dict(serving.BUILDS)
    built = dict(serving.BUILDS)
    drawn = _drawn(first)
    assert drawn[0], f"{page} drew no table"
    first.run()
    assert dict(serving.BUILDS) == built
    second = _open(signed_in, page=page)
    assert dict(serving.BUILDS) == built
    # The shared views draw the same, and drawing them changed nothing of them.
    assert _drawn(first) == drawn
    assert _drawn(second) == drawn


@pytest.mark.parametrize("page", TABLE_PAGES)
def test_a_new_filter_builds_a_table_pages_views_again(signed_in, page):
    at = _open(signed_in, page=page)
    main = TABLE_PAGES[page][0]
    before = _drawn(at)
    _county_filter(at, 371723)  # 成武县
    assert serving.BUILDS[main] == 2, dict(serving.BUILDS)
    assert _drawn(at) != before  # (the counties page shows every county, 成武县 marked)
    _county_filter(at, 371723)  # the same again: nothing new
    assert serving.BUILDS[main] == 2


def test_a_chosen_measure_is_built_for_itself_and_kept(signed_in):
    at = _open(signed_in, page="stations")
    ranked_by_returnees = _drawn(at)[1][0]
    at.selectbox[0].set_value("members").run()
    assert serving.BUILDS["stations.ranking"] == 2
    assert _drawn(at)[1][0] != ranked_by_returnees
    at.selectbox[0].set_value("returnees_referred").run()
    assert serving.BUILDS["stations.ranking"] == 2
    assert _drawn(at)[1][0] == ranked_by_returnees


@pytest.mark.parametrize(("page", "name"), [("stations", "stations.ranking"),
                                            ("projects", "projects.list"),
                                            ("parks", "parks.ranking"),
                                            ("trends", "trends.series"),
                                            ("people", "people.list")])
def test_county_staff_never_get_the_citys_tables(signed_in, page, name):
    city = _open(signed_in, page=page)
    staff = _open(signed_in, "county", page=page)
    assert serving.BUILDS[name] == 2, dict(serving.BUILDS)
    assert _drawn(city)[1][0] != _drawn(staff)[1][0]
    # The county's staff see their county's rows only (曹县 for the test's county user).
    if page in ("projects", "parks", "people"):
        from tests.test_pages import shown_table

        counties = {"曹县", "单县", "成武县", "郓城县", "鄄城县", "东明县", "定陶区", "牡丹区",
                    "巨野县"}
        shown = shown_table(staff.dataframe[0])
        county_columns = [c for c in shown.columns if set(shown[c]) <= counties]
        assert county_columns
        assert all(set(shown[c]) == {"曹县"} for c in county_columns)
    again = _open(signed_in, page=page)
    assert serving.BUILDS[name] == 2
    assert _drawn(again)[1][0] == _drawn(city)[1][0]


def test_the_people_list_is_shared_masked_and_a_search_is_built_apart(signed_in):
    # The list a page opens with holds nothing of the user (masked for every role; a reveal
    # is drawn apart): a data administrator's and a leader's sessions share it.
    admin = _open(signed_in, "data_admin", page="people")
    assert serving.BUILDS["people.list"] == 1
    leader = _open(signed_in, page="people")
    assert serving.BUILDS["people.list"] == 1
    assert _drawn(leader) == _drawn(admin)
    assert "*" in _drawn(leader)[1][0]
    # A search is the session's own: built for the rerun, not kept among the shared views.
    admin.text_input(key="people_search").set_value("曹县").run()
    assert not admin.exception
    assert serving.BUILDS["people.list"] == 1
    assert _drawn(admin)[1][0] != _drawn(leader)[1][0]
    leader.run()
    assert serving.BUILDS["people.list"] == 1


def test_the_tables_are_drawn_from_arrow_with_the_grid_writing_the_numbers(signed_in):
    # A Styler's display values were computed on every draw (15-50 ms a rerun); the shared
    # Arrow table is sent as it is, and the grid writes 5,836 and 127.22 and "—".
    at = _open(signed_in, page="counties")
    grid = at.dataframe[0]
    assert not grid.proto.arrow_data.HasField("styler")
    assert grid.proto.placeholder == "—"
    formats = {col: (c.get("type_config") or {}).get("format")
               for col, c in json.loads(grid.proto.columns).items()}
    assert formats["服务站会员（人）"] == "%,.0f"
    assert formats["过亿元项目总投资（亿元）"] == "%,.2f"
    assert formats["县区"] is None


def test_the_server_does_not_collect_garbage_after_every_rerun():
    # Streamlit's gc.collect() after each script run cost about 100 ms of CPU per rerun
    # under load, more than the rerun itself (docs/performance.md).
    import tomllib

    config = Path(__file__).resolve().parents[1] / ".streamlit" / "config.toml"
    assert tomllib.loads(config.read_text(encoding="utf-8"))["runner"]["postScriptGC"] is False


def test_the_shared_views_are_capped_so_many_filters_cannot_grow_a_process_without_bound():
    # A table's view holds up to 0.4 MB: the cache keeps the newest MAX_BUILT, and the
    # oldest is built again when asked for after that many others.
    from analytics import Filter

    def build(n):
        return n

    for n in range(serving.MAX_BUILT + 1):
        serving._built("v1", Filter(), "zh", "cap", (n,), build)
    assert serving.BUILDS["cap"] == serving.MAX_BUILT + 1
    serving._built("v1", Filter(), "zh", "cap", (serving.MAX_BUILT,), build)  # the newest
    assert serving.BUILDS["cap"] == serving.MAX_BUILT + 1
    serving._built("v1", Filter(), "zh", "cap", (0,), build)  # the oldest: pushed out
    assert serving.BUILDS["cap"] == serving.MAX_BUILT + 2
    assert serving.MAX_BUILT <= 256
