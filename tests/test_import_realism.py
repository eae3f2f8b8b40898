"""The synthetic data looks like what the importer will see: stations on land in their
city's province, the Zhuangzhai park inside Cao County, and ID numbers carrying the region
code that was in force when they were issued."""

from __future__ import annotations

import numpy as np
import pytest

from data import geography, reference
from data.generate.stations import _province_rings, on_land
from data.identity import HEZE_REGION_CODES, region_codes
from tests.conftest import scalar

CAO_COUNTY = 371721
DINGTAO = 371703


def test_every_station_is_on_land_inside_its_host_city_s_province(db):
    rings = _province_rings()
    rows = db.execute("""SELECT s.name_zh, s.lon, s.lat, c.province_code FROM stations s
                         JOIN host_cities c ON c.city_code = s.host_city""").fetchall()
    off = [name for name, lon, lat, prov in rows if not on_land([lon], [lat], rings[prov])[0]]
    assert len(rows) == 246
    assert off == []


def test_every_station_is_within_about_3_km_of_its_city_s_centre(db):
    far = db.execute("""SELECT s.name_zh FROM stations s JOIN host_cities c ON c.city_code = s.host_city
                        WHERE sqrt(power((s.lon - c.lon) * cos(radians(c.lat)), 2)
                                   + power(s.lat - c.lat, 2)) > 0.031""").fetchall()
    assert far == []


def test_every_host_city_centre_is_on_land_so_a_station_can_fall_back_to_it():
    rings = _province_rings()
    cities = reference.frame("host_cities")
    off = [c.name_zh for c in cities.itertuples()
           if not on_land([c.lon], [c.lat], rings[int(c.province_code)], margin=0.0)[0]]
    assert off == []


def test_a_point_in_the_yellow_sea_off_qingdao_is_not_on_land():
    assert not on_land([120.5], [35.9], _province_rings()[370000])[0]


def test_the_zhuangzhai_furniture_park_lies_inside_cao_county():
    parks = reference.frame("parks").set_index("name_zh")
    park = parks.loc["曹县庄寨镇家具创业联盟创业园"]
    cao = [r for r in geography.heze_county_polygons() if r["adcode"] == CAO_COUNTY]
    assert on_land([park["lon"]], [park["lat"]], [cao[0]["polygon"]], margin=0.005)[0]
    assert park["lon"] < 115.45 and park["lat"] > 34.85  # the county's north-west


@pytest.mark.parametrize("park", [p for p in reference.frame("parks").itertuples()
                                  if p.county_code not in (371771, 371772)],
                         ids=lambda p: p.name_zh)
def test_every_park_of_a_county_lies_inside_that_county(park):
    polygon = [r for r in geography.heze_county_polygons() if r["adcode"] == park.county_code]
    assert inside(park.lon, park.lat, polygon)


def inside(lon, lat, rows) -> bool:
    return bool(on_land([lon], [lat], [rows[0]["polygon"]], margin=0.0)[0])


@pytest.mark.parametrize(("county", "born", "code"), [
    (CAO_COUNTY, "1975-03-01", 372922),
    (CAO_COUNTY, "2000-06-08", 372922),  # the day before 菏泽地区 became 菏泽市
    (CAO_COUNTY, "2000-06-09", CAO_COUNTY),
    (371702, "1990-01-01", 372901),  # the county-level city of Heze, now 牡丹区
    (371771, "1990-01-01", 372901),  # a functional zone: 牡丹区's code
    (371772, "2003-01-01", 371702),
    (DINGTAO, "1999-12-31", 372923),
    (DINGTAO, "2000-06-09", 371727),
    (DINGTAO, "2015-12-31", 371727),
    (DINGTAO, "2016-01-01", DINGTAO),
    (371722, "1980-01-01", 372925),
    (371723, "1980-01-01", 372924),
    (371728, "1980-01-01", 372930),
])
def test_the_region_code_is_the_one_in_force_on_the_day_of_birth(county, born, code):
    assert region_codes(np.array([county]), np.array([born], dtype="datetime64[D]"))[0] == code


def test_every_region_code_the_generator_uses_is_one_the_importer_accepts():
    counties = reference.frame("counties")["county_code"].to_numpy()
    births = np.array(["1950-01-01", "2001-01-01", "2017-01-01"], dtype="datetime64[D]")
    codes = {str(region_codes(np.array([c]), np.array([b]))[0]) for c in counties for b in births}
    assert codes <= set(HEZE_REGION_CODES)


def test_people_born_before_june_2000_carry_a_heze_prefecture_code(db):
    for table, birth in (("outside_people", "birth_date"),):
        assert scalar(db, f"""SELECT count(*) FROM {table}
                              WHERE {birth} < DATE '2000-06-09' AND id_number NOT LIKE '3729%'""") == 0
        assert scalar(db, f"SELECT count(*) FROM {table} WHERE id_number LIKE '3729%'") > 100_000


def test_dingtao_people_born_2000_to_2015_carry_371727_and_nobody_born_before_2016_has_371703(db):
    assert scalar(db, """SELECT count(*) FROM outside_people
                         WHERE birth_date < DATE '2016-01-01' AND id_number LIKE '371703%'""") == 0
    assert scalar(db, "SELECT count(*) FROM returnees WHERE id_number LIKE '371703%'") == 0
    assert scalar(db, """SELECT count(*) FROM outside_people WHERE id_number LIKE '371727%'
                         AND birth_date BETWEEN DATE '2000-06-09' AND DATE '2015-12-31'""") > 0


def test_no_two_people_share_an_id_number_so_an_export_imports_again(db):
    for table in ("outside_people", "returnees"):
        assert scalar(db, f"SELECT count(*) - count(DISTINCT id_number) FROM {table}") == 0
    # a returnee shares a number only with the outside record linked to them
    assert scalar(db, """SELECT count(*) FROM returnees r JOIN outside_people o
                         ON o.id_number = r.id_number
                         WHERE r.outside_person_id IS DISTINCT FROM o.person_id""") == 0


def test_a_number_drawn_twice_gets_another_sequence_number_of_the_same_sex():
    from data.identity import distinct_id_numbers, id_check_char, is_valid_id_number

    def full(seq: str) -> str:
        first17 = "37172119900315" + seq
        return first17 + id_check_char(first17)

    ids = np.array([full("123"), full("123"), full("123"), full("624")], dtype=object)
    out = distinct_id_numbers(ids, taken=np.array([full("624")], dtype=object))
    # the first keeps its number; the others take 500 and up, odd for men, even for women
    assert out.tolist() == [full("123"), full("501"), full("503"), full("500")]
    assert all(is_valid_id_number(x) for x in out)
