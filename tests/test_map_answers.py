"""The map answers "which Heze county do the stations in 北京 send people to": each station's
tooltip names its city's stations by level and the counties their returnees went home to,
the station card breaks its returnees down by county, cities are labelled, and a filter
that narrows the stations zooms to them. Expected values from SQL on the snapshot."""

from __future__ import annotations

import json
from pathlib import Path

from streamlit.testing.v1 import AppTest

from analytics import compare
from analytics.queries import Analytics

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def map_page(signed_in, **link) -> AppTest:
    at = signed_in(AppTest.from_file(APP, default_timeout=120))
    for key, value in link.items():
        at.query_params[key] = value
    at.run()
    at.switch_page("pages/map.py").run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def national(at: AppTest) -> dict:
    return json.loads(at.get("deck_gl_json_chart")[0].proto.json)


def layer(deck: dict, layer_id: str) -> dict:
    return next(x for x in deck["layers"] if x.get("id") == layer_id)


def beijing(db) -> tuple[int, list[tuple[str, int]]]:
    """北京's city code and the Heze counties its stations' returnees went to, most first."""
    city = db.execute("SELECT city_code FROM host_cities WHERE name_zh LIKE '北京%'").fetchone()[0]
    went = db.execute(
        "SELECT c.name_zh, count(*) AS n FROM returnees r JOIN stations s USING (station_id) "
        "JOIN counties c ON c.county_code = r.county_code WHERE s.host_city = ? "
        "GROUP BY c.name_zh, r.county_code ORDER BY n DESC, r.county_code", [city]).fetchall()
    return city, went


def test_a_citys_stations_and_the_counties_their_people_went_to(db):
    city, went = beijing(db)
    row = compare.city_home_counties(Analytics(db), 3).set_index("host_city").loc[city]
    levels = dict(db.execute("SELECT level, count(*) FROM stations WHERE host_city = ? "
                             "GROUP BY 1", [city]).fetchall())
    assert (row["city_stations"], row["county_stations"]) == (levels.get("city", 0),
                                                              levels.get("county", 0))
    assert [n for _, n in row["top"]] == [n for _, n in went[:3]]
    assert row["rest"] == sum(n for _, n in went[3:])


def test_every_beijing_station_tooltip_names_the_counties_beijings_people_went_to(signed_in,
                                                                                  db):
    _city, went = beijing(db)
    stations = layer(national(map_page(signed_in)), "stations")["data"]
    in_beijing = [s for s in stations if "北京" in s["tip_body"].split("\n")[1]]
    assert in_beijing
    for s in in_beijing:
        assert f"这些站推荐返乡：{went[0][0]} " in s["tip_body"]
        assert "北京市共有市级站" in s["tip_body"] or "北京共有市级站" in s["tip_body"]


def test_the_cities_with_stations_are_labelled(signed_in):
    labels = layer(national(map_page(signed_in)), "city_labels")["data"]
    assert 1 <= len(labels) <= 15 and any("北京" in x["text"] for x in labels)


def test_a_province_filter_zooms_to_its_stations(signed_in, db):
    guangdong = db.execute("SELECT DISTINCT province_code FROM host_cities WHERE province_zh "
                           "LIKE '广东%'").fetchone()[0]
    view = national(map_page(signed_in, province=str(guangdong)))["initialViewState"]
    everything = national(map_page(signed_in))["initialViewState"]
    assert view["zoom"] > everything["zoom"] + 1
    lon, lat = db.execute("SELECT avg(s.lon), avg(s.lat) FROM stations s JOIN host_cities h ON "
                          "h.city_code = s.host_city WHERE h.province_code = ?",
                          [guangdong]).fetchone()
    assert abs(view["longitude"] - lon) < 3 and abs(view["latitude"] - lat) < 3


def test_the_station_card_breaks_its_returnees_down_by_county(db):
    sid, = db.execute("SELECT station_id FROM returnees WHERE station_id IS NOT NULL "
                      "GROUP BY 1 ORDER BY count(*) DESC "
                      "LIMIT 1").fetchone()
    expected = db.execute("SELECT county_code, count(*) FROM returnees WHERE station_id = ? "
                          "GROUP BY 1 ORDER BY 2 DESC, 1", [sid]).fetchall()
    got = compare.station_counties(Analytics(db), sid)
    got = got[got["returnees"] > 0]
    assert list(zip(got["county_code"], got["returnees"], strict=True)) == expected


def test_on_a_phone_the_station_circles_shrink_with_the_map(signed_in):
    from pages import viewport

    def biggest(width: int) -> float:
        at = signed_in(AppTest.from_file(APP, default_timeout=120))
        at.session_state[viewport.KEY] = {"width": width}
        at.run()
        at.switch_page("pages/map.py").run()
        assert not at.exception, [e.message for e in at.exception]
        return layer(national(at), "stations")["radiusMaxPixels"]

    wide, phone = biggest(1620), biggest(350)
    assert wide == 18 and phone <= 0.4 * wide + 0.01  # 350 px wide: at most 7.2 px
