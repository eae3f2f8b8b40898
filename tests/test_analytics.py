"""The analytics layer against real SQL: a hand-built database whose answers are known,
and the scale-1 snapshot, which must reproduce the figures the city published.

Nothing is mocked. Expected values on the small database are computed with pandas, in this
file, from the rows themselves; the registry's SQL is never reused to check itself.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime, timedelta

import duckdb
import numpy as np
import pandas as pd
import pytest

from analytics import masking
from analytics.queries import Analytics
from core import formatting
from data.writer import create_schema
from model import indicators as reg
from model.facts import FACTS
from model.filters import Filter, FilterError
from tests.published import PUBLISHED

AS_OF = date(2020, 8, 31)
SHAN = 371722  # 单县
MUDAN = 371702  # 牡丹区
CAO = 371721  # 曹县
ZHEJIANG = 330000

# -- the hand-built database ---------------------------------------------------------------

COUNTIES = [
    (MUDAN, "牡丹区", "Mudan District", "牡丹区", "district", 115.417, 35.252),
    (CAO, "曹县", "Cao County", "曹县", "county", 115.542, 34.825),
    (SHAN, "单县", "Shan County", "单县", "county", 116.087, 34.795),
]
TOWNSHIPS = [(1, MUDAN, "西城街道"), (2, CAO, "青菏街道"), (3, SHAN, "南城街道")]
HOST_CITIES = [
    (110000, "北京", "Beijing", 110000, "北京市", "Beijing", True, 116.407, 39.904),
    (330100, "杭州", "Hangzhou", ZHEJIANG, "浙江省", "Zhejiang", True, 120.155, 30.274),
    (330200, "宁波", "Ningbo", ZHEJIANG, "浙江省", "Zhejiang", False, 121.550, 29.875),
]
INDUSTRIES = [
    ("agrifood", "农副产品精深加工", "Agri-food processing", "advantage", "优势产业"),
    ("wood", "木制品", "Wood products", "speciality", "特色产业"),
]
# station_id, name, level, sponsor, host city, opened, head, mobile, honorary, members
STATIONS = [
    (1, "菏泽市返乡创业(北京)服务站", "city", None, 110000, date(2016, 5, 1), "赵建国",
     "13812341234", "钱文华", 120),
    (2, "单县返乡创业(杭州)服务站", "county", SHAN, 330100, date(2019, 12, 1), "孙丽",
     "13900001111", None, 45),
    (3, "牡丹区返乡创业(宁波)服务站", "county", MUDAN, 330200, date(2018, 3, 15), "李志强",
     "13700002222", None, 30),
]
# park_id, name, county, kind, opened, focus, status
PARKS = [
    (1, "牡丹区返乡创业园", MUDAN, "park", date(2017, 9, 1), "agrifood,wood", "operating"),
    (2, "单县返乡创业孵化基地", SHAN, "incubator", None, "wood", "building"),
]
# person_id, home county, host city, industry, intention, station, registered
OUTSIDE = [
    (1, MUDAN, 110000, "agrifood", "yes", 1, date(2016, 6, 1)),
    (2, MUDAN, 330200, "wood", "yes", 3, date(2018, 5, 1)),
    (3, MUDAN, 330200, "agrifood", "no", 3, date(2019, 10, 10)),
    (4, CAO, 110000, "wood", "yes", 1, date(2017, 3, 3)),
    (5, CAO, 330100, "wood", "undecided", None, date(2018, 8, 8)),
    (6, CAO, 110000, "agrifood", "yes", None, date(2020, 2, 2)),
    (7, SHAN, 330100, "agrifood", "yes", 2, date(2020, 1, 15)),
    (8, SHAN, 330100, "wood", "no", 2, date(2020, 3, 1)),
    (9, SHAN, 110000, "agrifood", "yes", 1, date(2019, 1, 20)),
    (10, SHAN, 330200, "agrifood", "undecided", None, date(2015, 7, 7)),
]
# returnee_id, county, from city, industry, outcome, outside person, station, returned
RETURNEES = [
    (1, MUDAN, 110000, "agrifood", "business", 1, 1, date(2017, 4, 1)),
    (2, MUDAN, 330200, "wood", "business", 2, 3, date(2019, 6, 1)),
    (3, CAO, 110000, "wood", "business", 4, 1, date(2018, 2, 1)),
    (4, CAO, 330100, "agrifood", "job", None, None, date(2016, 9, 9)),
    (5, SHAN, 330100, "agrifood", "business", 7, 2, date(2020, 5, 5)),
    (6, SHAN, 110000, "agrifood", "job", 9, None, date(2019, 11, 11)),
    (7, SHAN, 330100, "wood", "business", None, None, date(2015, 3, 3)),
    (8, MUDAN, 110000, "agrifood", "job", None, 1, date(2020, 7, 7)),
    # Person 9 came home twice (a job in 2019, again in 2020): one person, two records.
    (9, SHAN, 110000, "agrifood", "job", 9, None, date(2020, 8, 1)),
]
# entity_id, type, returnee, county, industry, park, founded, capital, jobs
# Returnee 1 leads two businesses: the schema allows it, and the funnel must not double count.
ENTITIES = [
    (1, "enterprise", 1, MUDAN, "agrifood", 1, date(2017, 6, 1), 200, 12),
    (2, "cooperative", 2, MUDAN, "wood", 1, date(2019, 8, 1), 50, 5),
    (3, "enterprise", 3, CAO, "wood", None, date(2018, 5, 1), 300, 20),
    (4, "individual", 5, SHAN, "agrifood", None, date(2020, 6, 1), 80, 7),
    (5, "enterprise", 7, SHAN, "wood", None, date(2015, 5, 5), 500, 30),
    (6, "family_farm", 1, MUDAN, "wood", None, date(2019, 10, 1), 100, 4),
]
# project_id, county, park, industry, investment (万元), stage, signed, landed, station
PROJECTS = [
    (1, SHAN, None, "agrifood", 110_000, "building", date(2019, 6, 26), date(2019, 11, 18), 1),
    (2, MUDAN, 1, "wood", 10_000, "operating", date(2018, 1, 10), date(2018, 6, 1), 3),
    (3, CAO, None, "wood", 25_000, "operating", date(2017, 2, 1), date(2017, 8, 1), None),
    (4, MUDAN, None, "agrifood", 9_999, "operating", date(2019, 3, 1), date(2019, 9, 1), 1),
    (5, CAO, None, "agrifood", 50_000, "signed", date(2020, 4, 1), None, 2),
    (6, SHAN, None, "wood", 3_000, "negotiating", None, None, None),
    (7, SHAN, None, "wood", 15_000, "operating", date(2015, 10, 1), date(2016, 3, 1), 2),
]
# activity_id, kind, held on, station, entity, attendees, amount (yuan)
ACTIVITIES = [
    (1, "mobilisation", date(2020, 1, 10), 1, None, 150, 0),
    (2, "job_fair", date(2020, 6, 1), 2, None, 80, 0),
    (3, "promotion", date(2018, 11, 11), 3, None, 60, 0),
    (4, "donation", date(2020, 2, 1), 1, None, 0, 50_000),
    (5, "donation", date(2020, 2, 15), None, 3, 0, 120_000),
    (6, "forum", date(2019, 5, 5), 3, None, 40, 0),
    (7, "donation", date(2020, 3, 3), 2, None, 0, 30_000),
]


# -- records on every boundary of every filter case ----------------------------------------
# The periods the filter cases and the year-before comparison use: 2018-01-01 – 2019-12-31
# (and its comparison end, 2019-12-31 − 365 days = 2018-12-31), the as-of date 2020-08-31
# (whose comparison end is 2020-08-31 − 365 days = 2019-09-01), and periods that start on,
# the day after, or after that comparison end. Each day has a record, as has the day before
# and the day after, in every dated table; a `>=` that became `>` drops one of them.
EDGE_DAYS = [
    date(2017, 12, 31), date(2018, 1, 1), date(2018, 1, 2),     # a period's start
    date(2018, 12, 30), date(2018, 12, 31), date(2019, 1, 1),   # its year-before end
    date(2019, 8, 31), date(2019, 9, 1), date(2019, 9, 2),      # as-of date's year before
    date(2019, 12, 30), date(2019, 12, 31), date(2020, 1, 1),   # a period's end
    date(2020, 8, 30), date(2020, 8, 31),                       # the as-of date
]
# Two records a day: 牡丹区/wood through the county-level Ningbo station (Zhejiang), and
# 单县/agri-food through the city-level Beijing station, so that every county, industry,
# level and province case meets a record on every boundary.
EDGE_STATIONS, EDGE_PARKS, EDGE_OUTSIDE, EDGE_RETURNEES, EDGE_ENTITIES = [], [], [], [], []
EDGE_PROJECTS, EDGE_ACTIVITIES = [], []
for _n, _day in enumerate(EDGE_DAYS):
    _a, _b = 101 + 2 * _n, 102 + 2 * _n
    EDGE_STATIONS += [
        (_a, f"牡丹区返乡创业(宁波{_n})服务站", "county", MUDAN, 330200, _day, "周文", "13600000001",
         None, 10),
        (_b, f"菏泽市返乡创业(北京{_n})服务站", "city", None, 110000, _day, "吴杰", "13600000002",
         "郑华", 20)]
    EDGE_PARKS += [(_a, f"边界园区{_a}", MUDAN, "park", _day, "wood", "operating"),
                   (_b, f"边界基地{_b}", SHAN, "incubator", _day, "agrifood", "operating")]
    EDGE_OUTSIDE += [(_a, MUDAN, 330200, "wood", "yes", 3, _day),
                     (_b, SHAN, 110000, "agrifood", "no", 1, _day)]
    EDGE_RETURNEES += [(_a, MUDAN, 330200, "wood", "business", None, 3, _day),
                       (_b, SHAN, 110000, "agrifood", "job", None, None, _day)]
    EDGE_ENTITIES += [(_a, "enterprise", _a, MUDAN, "wood", 1, _day, 100, 3),
                      (_b, "individual", _b, SHAN, "agrifood", None, _day, 10, 2)]
    EDGE_PROJECTS += [  # landed on the day, exactly 1亿; signed on the day, not landed
        (_a, MUDAN, None, "wood", 10_000, "operating", date(2015, 6, 1), _day, 3),
        (_b, SHAN, None, "agrifood", 50_000, "signed", _day, None, None)]
    EDGE_ACTIVITIES += [(_a, "mobilisation", _day, 3, None, 10, 0),
                        (_b, "donation", _day, None, 3, 0, 1_000)]


def _id_number(county: int, n: int) -> str:
    n %= 100
    return f"{county}1990{n:02d}01{n:03d}{n % 10}"  # 18 digits


def _mobile(prefix: int, n: int) -> str:
    return f"1{prefix}{n:09d}"  # 11 digits


def _frames(edges: bool = False) -> dict[str, pd.DataFrame]:
    """The tables of the hand-built database; with `edges`, the boundary records too."""
    def rows(base, extra):
        return base + extra if edges else base

    frames = {
        "snapshot": pd.DataFrame([{
            "snapshot_id": "hand-built", "built_at": datetime(2020, 9, 1, 8, 0),
            "as_of": AS_OF, "source": "imported", "seed": None, "scale": 1}]),
        "counties": pd.DataFrame(COUNTIES, columns=["county_code", "name_zh", "name_en",
                                                    "short_zh", "kind", "lon", "lat"]),
        "townships": pd.DataFrame(TOWNSHIPS, columns=["township_id", "county_code", "name_zh"]),
        "host_cities": pd.DataFrame(HOST_CITIES, columns=[
            "city_code", "name_zh", "name_en", "province_code", "province_zh", "province_en",
            "is_capital", "lon", "lat"]),
        "industries": pd.DataFrame(INDUSTRIES, columns=["industry_code", "name_zh", "name_en",
                                                        "group_code", "group_zh"]),
    }
    st = pd.DataFrame(rows(STATIONS, EDGE_STATIONS), columns=["station_id", "name_zh", "level", "sponsor_county",
                                         "host_city", "opened_on", "head_name", "head_mobile",
                                         "honorary_head", "members"])
    st["lon"], st["lat"] = 116.0, 35.0
    st["talent_workstation"] = st["station_id"] == 1
    st["status"] = "active"
    frames["stations"] = st
    pk = pd.DataFrame(rows(PARKS, EDGE_PARKS), columns=["park_id", "name_zh", "county_code", "kind", "opened_on",
                                      "focus_industries", "status"])
    pk["lon"], pk["lat"], pk["free_premises"] = 115.5, 35.2, False
    frames["parks"] = pk
    town = {c: t for t, c, _ in TOWNSHIPS}
    op = pd.DataFrame(rows(OUTSIDE, EDGE_OUTSIDE), columns=["person_id", "home_county", "host_city", "industry_code",
                                        "return_intention", "station_id", "registered_on"])
    op["name"] = [f"王{'一二三四五六七八九十'[(i - 1) % 10]}明" for i in op["person_id"]]
    op["id_number"] = [_id_number(c, i) for c, i in zip(op["home_county"], op["person_id"],
                                                              strict=True)]
    op["mobile"] = [_mobile(35, i) for i in op["person_id"]]
    op["gender"] = "M"
    op["birth_date"] = date(1990, 1, 1)
    op["home_township"] = op["home_county"].map(town)
    op["identity"] = "worker"
    frames["outside_people"] = op
    rt = pd.DataFrame(rows(RETURNEES, EDGE_RETURNEES), columns=["returnee_id", "county_code", "from_city",
                                          "industry_code", "outcome", "outside_person_id",
                                          "station_id", "returned_on"])
    rt["name"] = [f"刘{'一二三四五六七八九'[(i - 1) % 9]}" for i in rt["returnee_id"]]
    rt["id_number"] = [_id_number(c, 20 + i) for c, i in zip(rt["county_code"],
                                                            rt["returnee_id"], strict=True)]
    rt["mobile"] = [_mobile(58, i) for i in rt["returnee_id"]]
    rt["gender"], rt["age"], rt["person_group"], rt["support"] = "F", 35, "worker", "none"
    rt["township_id"] = rt["county_code"].map(town)
    frames["returnees"] = rt
    en = pd.DataFrame(rows(ENTITIES, EDGE_ENTITIES), columns=["entity_id", "entity_type", "returnee_id",
                                         "county_code", "industry_code", "park_id", "founded_on",
                                         "registered_capital", "jobs"])
    en["name_zh"] = [f"菏泽测试{i}号有限公司" for i in en["entity_id"]]
    frames["entities"] = en
    pr = pd.DataFrame(rows(PROJECTS, EDGE_PROJECTS), columns=["project_id", "county_code", "park_id",
                                         "industry_code", "investment", "stage", "signed_on",
                                         "landed_on", "station_id"])
    pr["name_zh"] = [f"测试项目{i}" for i in pr["project_id"]]
    pr["investor"] = "测试集团有限公司"
    frames["projects"] = pr
    ac = pd.DataFrame(rows(ACTIVITIES, EDGE_ACTIVITIES), columns=["activity_id", "kind", "held_on", "station_id",
                                           "entity_id", "attendees", "amount_yuan"])
    ac["title"] = ac["kind"] + " 测试"
    frames["activities"] = ac
    for df in frames.values():  # nullable integer keys stay integers, dates stay dates
        for c in df.columns:
            if c.endswith(("_id", "_county", "_city")) and df[c].isna().any():
                df[c] = df[c].astype("Int64")
    return frames


LOAD_ORDER = ("snapshot", "counties", "townships", "host_cities", "industries", "stations",
              "parks", "outside_people", "returnees", "entities", "projects", "activities")


def _build(path, edges: bool = False):
    con = duckdb.connect(str(path))
    try:
        create_schema(con)
        frames = _frames(edges)
        for name in LOAD_ORDER:
            con.register("incoming", frames[name])
            con.execute(f"INSERT INTO {name} BY NAME SELECT * FROM incoming")  # noqa: S608
            con.unregister("incoming")
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return path


@pytest.fixture(scope="module")
def small_file(tmp_path_factory):
    return _build(tmp_path_factory.mktemp("small") / "small.duckdb")


@pytest.fixture(scope="module")
def edges_con(tmp_path_factory):
    """The hand-built database with a record on every boundary (EDGE_DAYS)."""
    path = _build(tmp_path_factory.mktemp("edges") / "edges.duckdb", edges=True)
    con = duckdb.connect(str(path), read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="module")
def small_con(small_file):
    con = duckdb.connect(str(small_file), read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="module")
def small(small_con) -> Analytics:
    return Analytics(small_con)


@pytest.fixture(scope="module")
def tables(small_con) -> dict[str, pd.DataFrame]:
    """Every table of the small database, read back with pandas."""
    return {name: small_con.sql(f"SELECT * FROM {name}").df() for name in LOAD_ORDER}  # noqa: S608


# -- the independent pandas model ----------------------------------------------------------

def _day(series: pd.Series) -> pd.Series:
    return pd.to_datetime(series)


def pandas_facts(t: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Each fact table with the columns a filter looks at: date, county, industry, level,
    province (a column is absent when the table does not carry that dimension)."""
    province_of_city = t["host_cities"].set_index("city_code")["province_code"]
    st = t["stations"].set_index("station_id")
    level_of_station = st["level"]
    province_of_station = st["host_city"].map(province_of_city)

    def station_level(ids):
        return pd.Series(ids, dtype="Int64").map(level_of_station).to_numpy()

    def station_province(ids):
        return pd.Series(ids, dtype="Int64").map(province_of_station).to_numpy()

    out = {}
    s = t["stations"].copy()
    s["date"], s["county"] = _day(s["opened_on"]), s["sponsor_county"]
    s["province"] = s["host_city"].map(province_of_city)
    out["stations"] = s  # its own level column is the level

    p = t["outside_people"].copy()
    p["date"], p["county"], p["industry"] = _day(p["registered_on"]), p["home_county"], \
        p["industry_code"]
    p["level"] = station_level(p["station_id"])
    p["province"] = p["host_city"].map(province_of_city)
    out["outside_people"] = p

    r = t["returnees"].copy()
    r["date"], r["county"], r["industry"] = _day(r["returned_on"]), r["county_code"], \
        r["industry_code"]
    r["level"] = station_level(r["station_id"])
    r["province"] = r["from_city"].map(province_of_city)
    out["returnees"] = r

    e = t["entities"].merge(t["returnees"][["returnee_id", "from_city", "station_id"]],
                            on="returnee_id", how="left")
    e["date"], e["county"], e["industry"] = _day(e["founded_on"]), e["county_code"], \
        e["industry_code"]
    e["level"] = station_level(e["station_id"])
    e["province"] = e["from_city"].map(province_of_city)
    out["entities"] = e

    j = t["projects"].copy()
    j["date"] = _day(j["landed_on"]).fillna(_day(j["signed_on"]))
    j["county"], j["industry"] = j["county_code"], j["industry_code"]
    j["level"] = station_level(j["station_id"])
    j["province"] = station_province(j["station_id"])
    out["projects"] = j

    k = t["parks"].copy()
    k["date"], k["county"] = _day(k["opened_on"]), k["county_code"]
    out["parks"] = k

    a = t["activities"].copy()
    sponsor = pd.Series(a["station_id"], dtype="Int64").map(st["sponsor_county"])
    entity_county = pd.Series(a["entity_id"], dtype="Int64").map(
        t["entities"].set_index("entity_id")["county_code"])
    a["date"], a["county"] = _day(a["held_on"]), sponsor.fillna(entity_county)
    a["level"] = station_level(a["station_id"])
    a["province"] = station_province(a["station_id"])
    out["activities"] = a
    return out


def pandas_filter(df: pd.DataFrame, f: Filter) -> pd.DataFrame:
    keep = pd.Series(True, index=df.index)
    if f.counties:
        keep &= df["county"].isin(f.counties).fillna(False).astype(bool)
    for values, column in ((f.industries, "industry"), (f.levels, "level"),
                           (f.provinces, "province")):
        if values and column in df:
            keep &= df[column].isin(values).fillna(False).astype(bool)
    if f.start:
        keep &= (df["date"] >= pd.Timestamp(f.start)).fillna(False).astype(bool)
    if f.end:
        keep &= (df["date"] <= pd.Timestamp(f.end)).fillna(False).astype(bool)
    return df[keep]


def _big(df):
    return df["landed_on"].notna() & (df["investment"] >= 10_000)


# key -> (fact, function of the filtered fact: a number, or (numerator, denominator))
ORACLE = {
    "stations": ("stations", len),
    "stations_city": ("stations", lambda d: (d["level"] == "city").sum()),
    "stations_county": ("stations", lambda d: (d["level"] == "county").sum()),
    "station_members": ("stations", lambda d: d["members"].sum()),
    "outside_people": ("outside_people", len),
    "return_intention_rate": ("outside_people",
                              lambda d: ((d["return_intention"] == "yes").sum(), len(d))),
    "returnees": ("returnees", len),
    "returnees_referred": ("returnees", lambda d: d["station_id"].notna().sum()),
    "entities": ("entities", len),
    "jobs": ("entities", lambda d: d["jobs"].sum()),
    "big_projects": ("projects", lambda d: _big(d).sum()),
    "big_investment": ("projects", lambda d: d.loc[_big(d), "investment"].sum()),
    "big_station_share": ("projects", lambda d: ((_big(d) & d["station_id"].notna()).sum(),
                                                 _big(d).sum())),
    "projects": ("projects", len),
    "project_investment": ("projects", lambda d: d["investment"].sum()),
    "projects_landed": ("projects", lambda d: d["landed_on"].notna().sum()),
    "investment_landed": ("projects", lambda d: d.loc[d["landed_on"].notna(),
                                                      "investment"].sum()),
    "parks": ("parks", len),
    "park_tenants": ("entities", lambda d: d["park_id"].notna().sum()),
    "activities": ("activities", lambda d: (d["kind"] != "donation").sum()),
    "attendees": ("activities", lambda d: d.loc[d["kind"] != "donation", "attendees"].sum()),
    "donations": ("activities", lambda d: d.loc[d["kind"] == "donation",
                                                "amount_yuan"].sum()),
}

FILTER_CASES = {
    "unfiltered": Filter(),
    "county": Filter(counties=[SHAN]),
    "two counties": Filter(counties=[MUDAN, CAO]),
    "industry": Filter(industries=["wood"]),
    "city level": Filter(levels=["city"]),
    "county level": Filter(levels=["county"]),
    "province": Filter(provinces=[ZHEJIANG]),
    "period": Filter(start=date(2018, 1, 1), end=date(2019, 12, 31)),
    "period end only": Filter(end=AS_OF - timedelta(days=365)),
    "county, industry and period": Filter(counties=[MUDAN], industries=["wood"],
                                          start=date(2018, 1, 1)),
    "one day": Filter(start=date(2018, 1, 1), end=date(2018, 1, 1)),
    "period to the as-of date": Filter(start=date(2019, 9, 1), end=AS_OF),
    "period past the as-of date": Filter(start=date(2020, 1, 1), end=date(2020, 12, 31)),
    "starting on the year-before date": Filter(start=date(2019, 9, 1)),
    "starting the day after it": Filter(start=date(2019, 9, 2)),
    "level, province and period": Filter(levels=["county"], provinces=[ZHEJIANG],
                                         start=date(2018, 12, 31), end=date(2019, 12, 30)),
}


def expected(facts, key: str, f: Filter):
    fact, fn = ORACLE[key]
    got = fn(pandas_filter(facts[fact], f))
    if isinstance(got, tuple):
        num, den = (int(x) for x in got)
        return (num / den if den else None), num, den
    return int(got), None, None


def expected_previous(facts, key: str, f: Filter):
    """Last year's value: the filter's value up to 365 days before the period's end (the
    as-of date, or the filter's end if earlier) — none if the period starts after that."""
    end = min(f.end, AS_OF) if f.end else AS_OF
    year_before = end - timedelta(days=365)
    if f.start and year_before < f.start:
        return None
    value, _, _ = expected(facts, key, replace(f, end=year_before))
    return value


@pytest.fixture(scope="module")
def facts(tables):
    return pandas_facts(tables)


@pytest.fixture(scope="module")
def edges(edges_con) -> Analytics:
    return Analytics(edges_con)


@pytest.fixture(scope="module")
def edge_facts(edges_con):
    return pandas_facts({name: edges_con.sql(f"SELECT * FROM {name}").df()  # noqa: S608
                         for name in LOAD_ORDER})


@pytest.fixture(scope="module", params=["hand-built", "every-boundary"])
def model(request) -> tuple[Analytics, dict]:
    """The analytics of a hand-built database and its pandas model: the small database as
    worked out by hand, then the same with a record on every boundary."""
    if request.param == "hand-built":
        return request.getfixturevalue("small"), request.getfixturevalue("facts")
    return request.getfixturevalue("edges"), request.getfixturevalue("edge_facts")


# -- the small database: every indicator, unfiltered and per filter dimension ---------------

def test_the_pandas_model_covers_every_indicator_in_the_registry():
    assert set(ORACLE) == set(reg.REGISTRY)
    for key, (fact, _) in ORACLE.items():
        assert reg.get(key).fact == fact


def test_the_small_database_gives_the_answers_worked_out_by_hand(small):
    v = small.values(["stations", "stations_city", "returnees", "entities", "jobs",
                      "big_projects", "big_investment", "big_station_share", "parks",
                      "park_tenants", "activities", "donations", "return_intention_rate"])
    assert v["stations"].value == 3 and v["stations_city"].value == 1
    assert v["returnees"].value == 9 and v["entities"].value == 6
    assert v["jobs"].value == 12 + 5 + 20 + 7 + 30 + 4
    # landed and >= 10000 万元: projects 1, 2 (exactly 10000), 3, 7; not 4 (9999), 5 (signed)
    assert v["big_projects"].value == 4
    assert v["big_investment"].value == 110_000 + 10_000 + 25_000 + 15_000
    assert (v["big_station_share"].numerator, v["big_station_share"].denominator) == (3, 4)
    assert v["big_station_share"].value == 0.75
    assert v["parks"].value == 2 and v["park_tenants"].value == 2
    assert v["activities"].value == 4 and v["donations"].value == 200_000
    assert v["return_intention_rate"].value == 0.6


@pytest.mark.parametrize("case", list(FILTER_CASES))
def test_every_indicator_equals_the_pandas_computation(model, case):
    analytics, facts = model
    f = FILTER_CASES[case]
    got = analytics.values(list(ORACLE), f)
    for key in ORACLE:
        value, num, den = expected(facts, key, f)
        if reg.get(key).is_ratio:
            assert (got[key].numerator, got[key].denominator) == (num, den), key
            assert (got[key].value == pytest.approx(value) if value is not None
                    else got[key].value is None), key
        else:
            assert got[key].value == value, key


@pytest.mark.parametrize("case", list(FILTER_CASES))
def test_the_previous_value_is_a_year_before_the_periods_end_or_none_if_it_starts_later(
        model, case):
    analytics, facts = model
    f = FILTER_CASES[case]
    got = analytics.values(list(ORACLE), f)
    for key in ORACLE:
        want = expected_previous(facts, key, f)
        previous = got[key].previous
        assert previous == pytest.approx(want) if want is not None else previous is None, key


@pytest.mark.parametrize("key", [i.key for i in reg.INDICATORS])
def test_the_previous_value_is_the_value_a_year_before_the_as_of_date(small, facts, key):
    year_before = Filter(end=AS_OF - timedelta(days=365))
    want, _, _ = expected(facts, key, year_before)
    got = small.value(key).previous
    assert got == pytest.approx(want) if want is not None else got is None


def test_filtered_cases_are_not_all_empty(edge_facts):
    """Guards the per-dimension comparisons: each filter keeps some rows and drops others."""
    for case, f in FILTER_CASES.items():
        if f.is_empty:
            continue
        kept = {k: len(pandas_filter(d, f)) for k, d in edge_facts.items()}
        assert any(kept.values()), case
        assert any(kept[k] < len(edge_facts[k]) for k in kept), case


def test_every_boundary_day_has_a_record_in_every_dated_table(edge_facts):
    for name, df in edge_facts.items():
        days = set(df["date"].dropna().dt.date)
        assert set(EDGE_DAYS) <= days, name


def test_a_period_counts_its_first_and_last_day_and_not_the_days_around(edges):
    f = Filter(start=date(2018, 1, 1), end=date(2019, 12, 31))
    # Hand-built returnees inside: 2 (2019-06-01), 3 (2018-02-01), 6 (2019-11-11); boundary
    # records on 10 of the 14 days (not 2017-12-31, 2020-01-01, 2020-08-30, 2020-08-31),
    # two a day.
    assert edges.value("returnees", f).value == 3 + 10 * 2
    one_day = Filter(start=date(2019, 12, 31), end=date(2019, 12, 31))
    assert edges.value("returnees", one_day).value == 2
    assert edges.value("big_projects", one_day).value == 1  # landed that day, exactly 1亿
    assert edges.value("projects", one_day).value == 2      # and one signed that day
    assert edges.value("stations", Filter(end=date(2017, 12, 31))).value == 1 + 2  # Beijing
    assert edges.value("stations", Filter(start=AS_OF)).value == 2


def test_last_years_value_is_dropped_when_the_period_starts_after_it(edges):
    # The as-of date is 2020-08-31, so last year's value is taken on 2019-09-01.
    on_the_day = edges.value("returnees", Filter(start=date(2019, 9, 1)))
    assert on_the_day.previous == 2  # only the two records dated 2019-09-01
    assert on_the_day.change == on_the_day.value - 2
    day_after = edges.value("returnees", Filter(start=date(2019, 9, 2)))
    assert day_after.previous is None and day_after.change is None
    ratio = edges.value("big_station_share", Filter(start=date(2019, 9, 2)))
    assert ratio.value is not None and ratio.previous is None
    # A period that ends earlier takes last year's value a year before its own end.
    f = Filter(start=date(2018, 12, 31), end=date(2019, 12, 31))
    assert edges.value("returnees", f).previous == 2  # 2018-12-31 only
    assert edges.value("returnees", replace(f, start=date(2019, 1, 1))).previous is None


def test_the_funnel_counts_people_once_even_when_a_returnee_leads_two_businesses(small):
    funnel = small.return_funnel().iloc[0]
    # 10 registered; 6 say yes; persons 1, 2, 4, 7, 9 came home (9 twice); 1, 2, 4, 7
    # founded something (returnee 1, person 1, leads two businesses)
    assert funnel.to_dict() == {"registered": 10, "intending": 6, "returned": 5,
                                "founded": 4, "jobs": 12 + 4 + 5 + 20 + 7}


def test_the_funnel_follows_the_filter_on_the_people_registered(small):
    funnel = small.return_funnel(Filter(counties=[SHAN])).iloc[0]
    # persons 7, 8, 9, 10; 7 and 9 say yes and came home; 7 (returnee 5) founded entity 4
    assert funnel.to_dict() == {"registered": 4, "intending": 2, "returned": 2, "founded": 1,
                                "jobs": 7}
    wood = small.return_funnel(Filter(industries=["wood"])).iloc[0]
    assert wood.to_dict() == {"registered": 4, "intending": 2, "returned": 2, "founded": 2,
                              "jobs": 5 + 20}


def test_a_funnel_with_nobody_in_it_is_a_row_of_zeros(small):
    empty = small.return_funnel(Filter(start=date(2020, 8, 1)))
    assert empty.to_dict("records") == [dict.fromkeys(Analytics.FUNNEL_STAGES, 0)]
    by_county = small.return_funnel(Filter(start=date(2020, 8, 1)), by_county=True)
    assert by_county["code"].tolist() == [MUDAN, CAO, SHAN]
    assert not by_county[list(Analytics.FUNNEL_STAGES)].to_numpy().any()


def test_the_small_database_funnel_by_county_adds_up(small):
    overall = small.return_funnel().iloc[0]
    by_county = small.return_funnel(by_county=True)
    for stage in Analytics.FUNNEL_STAGES:
        assert by_county[stage].sum() == overall[stage], stage
    assert by_county.set_index("code").loc[MUDAN, "registered"] == 3


def test_a_county_scope_on_the_small_database_hides_the_city_station_and_other_counties(
        small_con, facts):
    scoped = Analytics(small_con, county_scope=[SHAN])
    assert scoped.value("stations").value == 1
    assert scoped.value("stations_city").value == 0
    for key in ORACLE:
        want, _, _ = expected(facts, key, Filter(counties=[SHAN]))
        got = scoped.value(key).value
        assert got == pytest.approx(want) if want is not None else got is None, key


def test_the_same_snapshot_seen_through_a_scope_is_that_countys_view(small, facts):
    shan = small.with_scope([SHAN])
    assert shan.scope == (SHAN,) and small.scope is None  # the original keeps no scope
    assert shan.snapshot == small.snapshot
    for key in ORACLE:
        want, _, _ = expected(facts, key, Filter(counties=[SHAN]))
        got = shan.value(key).value
        assert got == pytest.approx(want) if want is not None else got is None, key
    assert small.with_scope(None).scope is None


def test_an_empty_county_scope_is_refused_rather_than_shown_as_everything(small_con):
    with pytest.raises(FilterError) as err:
        Analytics(small_con, county_scope=[])
    assert (err.value.zh, err.value.en) == ("县区范围为空：不能据此显示任何数据",
                                            "an empty county scope shows nothing")


def test_every_opened_analytics_has_a_version_of_its_own_and_views_share_its_lock(small,
                                                                                 small_con):
    other = Analytics(small_con)
    assert re.fullmatch(r"hand-built#[0-9a-f]{12}", small.version)
    assert other.version != small.version
    assert small.with_scope([SHAN])._lock is small._lock


def test_a_station_breakdown_names_each_station_that_referred_someone(small_con):
    got = Analytics(small_con).breakdown("returnees_referred", "station")
    # returnees 1, 3, 8 through the Beijing station, 2 through Ningbo, 5 through Hangzhou
    assert dict(zip(got["code"], got["returnees_referred"], strict=True)) == {1: 3, 2: 1, 3: 1}
    assert dict(zip(got["code"], got["name_zh"], strict=True))[2] == "单县返乡创业(杭州)服务站"


def test_an_industry_breakdown_keeps_every_industry_as_whole_numbers(small):
    got = small.breakdown(["returnees", "jobs"], "industry", Filter(industries=["wood"]))
    assert got["code"].tolist() == ["agrifood", "wood"]
    assert got["returnees"].tolist() == [0, 3] and got["jobs"].tolist() == [0, 5 + 20 + 30 + 4]
    assert str(got["returnees"].dtype) == str(got["jobs"].dtype) == "int64"


def test_a_county_scope_hides_every_row_of_a_fact_that_has_no_county(small_con):
    # No fact declares none today; one that did (a national register, say) must show county
    # staff nothing, while a county filter alone cannot narrow it.
    countless = replace(FACTS["stations"], county=None)
    everyone, shan = Analytics(small_con), Analytics(small_con, county_scope=[SHAN])

    def rows(an, f):
        return int(an._scan(countless, f, "count(*) AS n")["n"].iloc[0])

    assert rows(everyone, Filter()) == rows(everyone, Filter(counties=[SHAN])) == 3
    assert rows(shan, Filter()) == rows(shan, Filter(counties=[SHAN])) == 0


def test_a_county_scope_holds_even_for_a_filter_that_was_never_checked(small_con):
    # check() refuses a county outside the scope; should a query ever skip it, the WHERE
    # builder still shows nothing outside the scope.
    shan = Analytics(small_con, county_scope=[SHAN])
    shan.check = lambda f: f
    other = Filter(counties=[MUDAN])
    assert shan.value("returnees", other).value == 0
    assert shan.value("stations", other).value == 0
    assert shan.station_ranking(other).empty
    assert shan.big_projects(other).empty
    assert shan.return_funnel(other).iloc[0].to_dict() == dict.fromkeys(
        Analytics.FUNNEL_STAGES, 0)


def test_a_county_filter_inside_a_two_county_scope_narrows_to_that_county(small_con, facts):
    scoped = Analytics(small_con, county_scope=[SHAN, MUDAN])
    for key in ORACLE:
        for f, like in ((Filter(), Filter(counties=[SHAN, MUDAN])),
                        (Filter(counties=[SHAN]), Filter(counties=[SHAN])),
                        (Filter(counties=[MUDAN], industries=["wood"]),
                         Filter(counties=[MUDAN], industries=["wood"]))):
            want, _, _ = expected(facts, key, like)
            got = scoped.value(key, f).value
            assert got == pytest.approx(want) if want is not None else got is None, (key, f)
    with pytest.raises(FilterError):
        scoped.value("returnees", Filter(counties=[CAO]))


def test_the_filter_in_words_names_every_part_in_chinese(small_con, small):
    assert small.describe(Filter()) == "全部"
    assert small.describe(Filter(counties=[SHAN, MUDAN])) == "县区: 单县、牡丹区"
    assert small.describe(Filter(
        counties=[SHAN], industries=["wood", "agrifood"], levels=["city", "county"],
        provinces=[ZHEJIANG], start=date(2018, 1, 1), end=date(2019, 12, 31))) == (
        "县区: 单县；产业: 木制品、农副产品精深加工；服务站级别: 市级站、县级站；驻在省份: 浙江省；"
        "时间段: 2018-01-01 – 2019-12-31")
    assert small.describe(Filter(start=date(2018, 1, 1))) == "时间段: 2018-01-01 – …"
    assert small.describe(Filter(end=AS_OF)) == "时间段: … – 2020-08-31"
    # County staff see their scope named even when they filter nothing.
    assert Analytics(small_con, county_scope=[CAO]).describe(Filter()) == "县区: 曹县"


def test_the_filter_in_words_names_every_part_in_english(small):
    assert small.describe(Filter(), "en") == "All"
    text = small.describe(Filter(
        counties=[SHAN, MUDAN], industries=["wood"], levels=["city"], provinces=[ZHEJIANG],
        start=date(2018, 1, 1)), "en")
    assert re.fullmatch(
        r"County: Shan County(、|, )Mudan District(；|; )Industry: Wood products(；|; )"
        r"Station level: City-level(；|; )Host province: Zhejiang(；|; )"
        r"Period: 2018-01-01 – …", text), text


def test_the_snapshot_row_and_the_reference_lists_are_read_as_stored(small_con):
    small = Analytics(small_con)  # opened here, so this test exercises the reading itself
    snap = small.snapshot
    assert (snap.snapshot_id, snap.as_of, snap.source, snap.seed, snap.scale) == (
        "hand-built", AS_OF, "imported", None, 1)
    assert pd.Timestamp(snap.built_at) == pd.Timestamp(2020, 9, 1, 8, 0)
    assert not snap.is_synthetic
    assert small.provinces().to_dict("list") == {
        "province_code": [110000, ZHEJIANG], "province_zh": ["北京市", "浙江省"],
        "province_en": ["Beijing", "Zhejiang"]}
    assert small.counties()["county_code"].tolist() == [MUDAN, CAO, SHAN]
    assert small.industries()["industry_code"].tolist() == ["agrifood", "wood"]
    assert small.host_cities()["city_code"].tolist() == [110000, 330100, 330200]


def test_the_five_databases_and_reference_tables_are_counted_row_by_row(small):
    assert dict(small.table_sizes().itertuples(index=False)) == {
        "stations": 3, "outside_people": 10, "returnees": 9, "entities": 6, "projects": 7,
        "parks": 2, "activities": 7, "counties": 3, "townships": 3, "host_cities": 3,
        "industries": 2}
    assert list(small.table_sizes().columns) == ["table", "rows"]


def test_the_county_by_industry_matrix_of_the_small_database(small):
    grid = small.matrix("returnees")
    # returnees 1, 2, 8 (牡丹区: agri-food, wood, agri-food); 3, 4 (曹县: wood, agri-food);
    # 5, 6, 7, 9 (单县: agri-food, agri-food, wood, agri-food)
    assert grid.to_dict("index") == {MUDAN: {"agrifood": 2, "wood": 1},
                                     CAO: {"agrifood": 1, "wood": 1},
                                     SHAN: {"agrifood": 3, "wood": 1}}
    assert (grid.index.name, grid.columns.name) == ("county_code", "industry_code")
    assert all(dtype == "int64" for dtype in grid.dtypes)
    wood = small.matrix("jobs", Filter(industries=["wood"]))
    assert wood.to_dict("index") == {MUDAN: {"agrifood": 0, "wood": 5 + 4}, CAO: {
        "agrifood": 0, "wood": 20}, SHAN: {"agrifood": 0, "wood": 30}}
    with pytest.raises(FilterError) as err:
        small.matrix("big_station_share")
    assert (err.value.zh, err.value.en) == ("比例指标不能直接做矩阵", "ratio indicators have no matrix")


def test_the_station_card_of_the_small_database(small):
    card = small.station_detail(1)
    assert {k: card[k] for k in ("people_registered", "returnees_referred",
                                 "projects_recommended", "investment_recommended",
                                 "big_projects_recommended", "activities", "attendees",
                                 "donations_yuan")} == {
        "people_registered": 3, "returnees_referred": 3, "projects_recommended": 2,
        "investment_recommended": 110_000 + 9_999, "big_projects_recommended": 1,
        "activities": 1, "attendees": 150, "donations_yuan": 50_000}
    assert (card["city_zh"], card["province_zh"], card["level"]) == ("北京", "北京市", "city")
    assert card["recent_activities"][["held_on", "kind", "attendees", "amount_yuan"]].to_dict(
        "list") == {"held_on": [date(2020, 2, 1), date(2020, 1, 10)],
                    "kind": ["donation", "mobilisation"], "attendees": [0, 150],
                    "amount_yuan": [50_000, 0]}
    assert card["projects"][["name_zh", "investment"]].to_dict("list") == {
        "name_zh": ["测试项目1", "测试项目4"], "investment": [110_000, 9_999]}
    assert card["counties_served"].to_dict("list") == {"code": [MUDAN, CAO],
                                                       "returnees": [2, 1]}
    county_station = small.station_detail(2)
    assert (county_station["sponsor_zh"], county_station["sponsor_en"]) == ("单县",
                                                                            "Shan County")
    # A filter applies to the card's lists too.
    january = small.station_detail(1, Filter(end=date(2020, 1, 31)))
    assert january["recent_activities"]["kind"].tolist() == ["mobilisation"]
    assert january["counties_served"].to_dict("list") == {"code": [MUDAN, CAO],
                                                          "returnees": [1, 1]}
    assert small.station_detail(1, Filter(start=date(2020, 2, 1))) is None  # opened before


def test_a_breakdown_lists_every_county_with_ratios_from_their_own_parts(small):
    got = small.breakdown(["returnees", "big_station_share"], "county")
    assert got.to_dict("list") == {
        "code": [MUDAN, CAO, SHAN], "returnees": [3, 2, 4],
        "big_station_share__num": [1, 0, 2], "big_station_share__den": [1, 1, 2],
        "big_station_share": [1.0, 0.0, 1.0], "name_zh": ["牡丹区", "曹县", "单县"],
        "name_en": ["Mudan District", "Cao County", "Shan County"]}
    # A county with nothing in the filter is still listed, as zero (and no ratio).
    none = small.breakdown(["returnees", "big_station_share"], "county",
                           Filter(start=date(2020, 8, 1)))
    assert none["code"].tolist() == [MUDAN, CAO, SHAN]
    assert none["returnees"].tolist() == [0, 0, 1]
    assert none["big_station_share__den"].tolist() == [0, 0, 0]
    assert none["big_station_share"].isna().all()


def test_station_detail_masks_the_head_and_honorary_head(small):
    card = small.station_detail(1)
    assert card["head_name"] == "赵**"
    assert card["honorary_head"] == "钱**"
    assert card["head_mobile"] == "138****1234"
    assert card["name_zh"] == "菏泽市返乡创业(北京)服务站"
    assert card["returnees_referred"] == 3  # returnees 1, 3, 8
    assert small.station_detail(999) is None


# -- the registry ------------------------------------------------------------------------

def test_indicator_keys_are_unique():
    keys = [i.key for i in reg.INDICATORS]
    assert len(keys) == len(set(keys)) == len(reg.REGISTRY)


@pytest.mark.parametrize("ind", reg.INDICATORS, ids=lambda i: i.key)
def test_every_indicator_has_names_a_unit_and_definitions_in_both_languages(ind):
    assert ind.name_zh.strip() and ind.name_en.strip()
    assert ind.definition_zh.strip() and ind.definition_en.strip()
    assert re.search(r"[\u4e00-\u9fff]", ind.name_zh)
    assert re.search(r"[A-Za-z]", ind.name_en)
    assert ind.unit in formatting.UNITS
    assert ind.fact in {"stations", "outside_people", "returnees", "entities", "projects",
                        "parks", "activities"}


@pytest.mark.parametrize("ind", reg.INDICATORS, ids=lambda i: i.key)
def test_an_indicator_is_either_a_measure_or_a_ratio_with_numerator_and_denominator(ind):
    if ind.unit == "ratio":
        assert ind.is_ratio
        assert ind.numerator is not None and ind.denominator is not None
        assert ind.measure is None
        assert not ind.cumulative
    else:
        assert ind.measure is not None and ind.numerator is None and ind.denominator is None
    assert ind.measure is None or ind.measure.agg in {"count", "sum"}
    assert " ÷ " in ind.formula() if ind.is_ratio else " FROM " + ind.fact in ind.formula()


def test_every_formula_runs_on_the_scale_1_snapshot(analytics):
    got = analytics.values([i.key for i in reg.INDICATORS])
    assert set(got) == set(reg.REGISTRY)
    for key, v in got.items():
        assert v.value is not None, key


REPORT_FIGURES = {"stations", "stations_city", "stations_county", "returnees", "entities",
                  "jobs", "big_projects", "big_investment", "big_station_share", "donations"}


def test_the_report_figures_have_published_values():
    published = {i.key for i in reg.INDICATORS if i.published is not None}
    assert REPORT_FIGURES <= published
    for key in published:
        p = reg.get(key).published
        assert p.rule in {"exact", "at_least", "rounded"}
        assert p.text_zh and p.text_en and p.as_of == reg.REPORT_DATE


def test_the_published_rules_accept_and_reject_as_they_say():
    assert reg.Published(246, "", "").matches(246)
    assert not reg.Published(246, "", "").matches(247)
    assert reg.Published(500_000, "", "", rule="at_least").matches(503_000)
    assert not reg.Published(500_000, "", "", rule="at_least").matches(499_999)
    assert reg.Published(0.70, "", "", rule="rounded", step=0.01).matches(0.7015)
    assert not reg.Published(0.70, "", "", rule="rounded", step=0.01).matches(0.71)


# -- the scale-1 snapshot: the published figures --------------------------------------------

@pytest.fixture(scope="module")
def analytics(db) -> Analytics:
    return Analytics(db)


@pytest.fixture(scope="module")
def shan(db) -> Analytics:
    return Analytics(db, county_scope=[SHAN])


@pytest.mark.parametrize("key", sorted(i.key for i in reg.INDICATORS if i.published),
                         ids=str)
def test_the_scale_1_snapshot_matches_every_published_figure(analytics, key):
    ind = reg.get(key)
    assert ind.published.matches(analytics.value(key).value)


@pytest.mark.parametrize("key", sorted(PUBLISHED), ids=str)
def test_the_scale_1_snapshot_meets_the_report_as_the_report_words_it(analytics, key):
    # The rule comes from the report's wording (tests/published.py), not from the registry.
    assert PUBLISHED[key].met_by(analytics.value(key).value)


def test_the_registry_carries_the_reports_figures():
    for key, figure in PUBLISHED.items():
        published = reg.get(key).published
        assert published is not None, key
        assert published.value == figure.value, key
        assert published.rule == figure.rule or figure.rule == "rounded", key


@pytest.mark.parametrize(("key", "text"), [
    ("returnees", "27.6万人"), ("entities", "10.4万家"),
    ("big_projects", "201个"), ("big_investment", "541.58亿元"),
    ("big_station_share", "70%"), ("stations", "246个"),
])
def test_the_headline_figures_format_as_the_report_gives_them(analytics, key, text):
    ind = reg.get(key)
    value = analytics.value(key).value
    assert formatting.format_value(value, ind.unit, decimals=ind.decimals) == text


def test_the_jobs_card_reads_as_at_least_the_reports_50_wan(analytics):
    # "50万+": the card shows the figure itself, which must read 50万 or more.
    ind = reg.get("jobs")
    shown = formatting.format_value(analytics.value("jobs").value, ind.unit,
                                    decimals=ind.decimals)
    number = re.fullmatch(r"(\d+(?:\.\d)?)万人", shown)
    assert number and float(number.group(1)) >= 50, shown


@pytest.mark.parametrize(("key", "text"), [
    ("returnees", "276,000 people"), ("big_investment", "54.16 billion yuan"),
])
def test_the_headline_figures_format_in_english(analytics, key, text):
    ind = reg.get(key)
    value = analytics.value(key).value
    assert formatting.format_value(value, ind.unit, "en", decimals=ind.decimals) == text


# -- filters narrow correctly ---------------------------------------------------------------

ADDITIVE = ["returnees", "entities", "jobs", "big_projects", "big_investment"]


def test_the_county_breakdown_adds_up_to_the_unfiltered_total(analytics):
    totals = analytics.values(ADDITIVE)
    by_county = analytics.breakdown(ADDITIVE, "county")
    assert len(by_county) == 11 and by_county["code"].is_unique
    for key in ADDITIVE:
        assert by_county[key].sum() == totals[key].value, key
        assert (by_county[key] > 0).sum() > 1, key  # spread across counties, not lumped


def test_the_industry_breakdown_adds_up_to_the_total(analytics):
    keys = ["returnees", "entities", "jobs", "big_projects", "big_investment", "outside_people"]
    totals = analytics.values(keys)
    by_industry = analytics.breakdown(keys, "industry")
    for key in keys:
        assert by_industry[key].sum() == totals[key].value, key


@pytest.mark.parametrize("key", ["returnees", "entities", "jobs", "big_investment"])
def test_the_county_by_industry_matrix_adds_up_to_the_total_and_to_the_county_rows(
        analytics, key):
    grid = analytics.matrix(key)
    assert int(grid.to_numpy().sum()) == analytics.value(key).value
    by_county = analytics.breakdown(key, "county").set_index("code")[key]
    assert grid.sum(axis=1).to_dict() == by_county.to_dict()


@pytest.mark.parametrize("county", [SHAN, MUDAN, 371771])
def test_a_county_filter_never_returns_another_countys_rows(analytics, county):
    f = Filter(counties=[county])
    big = analytics.big_projects(f)
    assert len(big) and set(big["county_code"]) == {county}
    ranking = analytics.station_ranking(f)
    assert len(ranking) and set(ranking["sponsor_county"]) == {county}
    assert set(ranking["level"]) == {"county"}
    parks = analytics.parks(f)
    assert set(parks["county_code"]) == {county}
    arcs = analytics.station_arcs(f)
    assert len(arcs) and set(arcs["county_code"]) == {county}
    for park_id in parks["park_id"]:
        assert set(analytics.park_tenants(int(park_id), f)["county_code"]) <= {county}
    assert analytics.people_by_city(f)["people"].sum() == analytics.value("outside_people",
                                                                          f).value


def test_the_parks_of_a_county_are_all_the_parks_there(analytics, db):
    for county in (MUDAN, 371771):
        n = db.execute("SELECT count(*) FROM parks WHERE county_code = ?", [county]).fetchone()[0]
        assert n and len(analytics.parks(Filter(counties=[county]))) == n


@pytest.mark.parametrize("key", ["big_station_share", "return_intention_rate"])
def test_ratios_recombine_from_numerators_and_denominators_not_by_averaging(analytics, key):
    overall = analytics.value(key)
    by_county = analytics.breakdown(key, "county")
    num, den = by_county[f"{key}__num"].sum(), by_county[f"{key}__den"].sum()
    assert (num, den) == (overall.numerator, overall.denominator)
    assert num / den == overall.value
    assert by_county[key].mean() != pytest.approx(overall.value, abs=1e-9)


def test_ratios_recombine_on_the_small_database_where_averaging_gives_two_thirds(small):
    by_county = small.breakdown("big_station_share", "county").set_index("code")
    assert by_county.loc[[MUDAN, CAO, SHAN], "big_station_share"].tolist() == [1.0, 0.0, 1.0]
    num = by_county["big_station_share__num"].sum()
    den = by_county["big_station_share__den"].sum()
    assert num / den == small.value("big_station_share").value == 0.75


SERIES_KEYS = ["returnees", "entities", "jobs", "big_projects", "big_investment",
               "outside_people", "activities", "donations", "stations"]
PERIOD = Filter(start=date(2018, 1, 1), end=date(2019, 6, 30))


@pytest.mark.parametrize("key", SERIES_KEYS)
def test_a_period_filter_on_a_series_sums_to_the_value_for_that_period(analytics, key):
    want = analytics.value(key, PERIOD).value
    for grain in ("month", "quarter", "year"):
        s = analytics.series(key, PERIOD, grain=grain)
        assert s["value"].sum() == want, grain
        assert s["period"].min() == pd.Timestamp(2018, 1, 1)
    assert want > 0 or key in {"donations"}


@pytest.mark.parametrize("key", [i.key for i in reg.INDICATORS if not i.is_ratio])
def test_series_at_month_quarter_and_year_grain_sum_to_the_same_total(analytics, key):
    # Every dated row falls in some period; undated ones (negotiating projects, parks still
    # being built) cannot, so the series total is the value up to the as-of date.
    want = analytics.value(key, Filter(end=AS_OF)).value
    for grain in ("month", "quarter", "year"):
        assert analytics.series(key, grain=grain)["value"].sum() == want, grain


@pytest.mark.parametrize("key", [i.key for i in reg.INDICATORS])
def test_a_cumulative_series_ends_at_the_value(analytics, key):
    s = analytics.series(key, grain="month", cumulative=True)
    last = s.iloc[-1]
    assert last["period"] == pd.Timestamp(AS_OF.replace(day=1))
    want = analytics.value(key, Filter(end=AS_OF))
    if reg.get(key).is_ratio:
        assert (last["num"], last["den"]) == (want.numerator, want.denominator)
        assert last["value"] == pytest.approx(want.value)
    else:
        assert last["value"] == want.value
        assert s["value"].is_monotonic_increasing


UNDATED = {"projects", "project_investment", "parks"}  # rows with no date


@pytest.mark.parametrize("key", sorted(set(reg.REGISTRY) - UNDATED))
def test_an_unfiltered_value_is_the_value_to_the_as_of_date(analytics, key):
    assert analytics.value(key).value == analytics.value(key, Filter(end=AS_OF)).value


def test_undated_rows_count_without_a_period_but_not_within_one(analytics, db):
    undated = db.execute("SELECT count(*) FROM projects WHERE landed_on IS NULL "
                         "AND signed_on IS NULL").fetchone()[0]
    assert undated > 0
    assert (analytics.value("projects").value
            - analytics.value("projects", Filter(end=AS_OF)).value) == undated


def test_a_split_series_adds_up_to_the_unsplit_series(analytics):
    whole = analytics.series("returnees", grain="year").set_index("period")["value"]
    split = analytics.series("returnees", grain="year", split="county")
    assert set(split["code"]) == set(analytics.counties()["county_code"])
    assert split.groupby("period")["value"].sum().to_dict() == whole.to_dict()


@pytest.mark.parametrize("key", [i.key for i in reg.INDICATORS])
def test_the_previous_value_equals_the_value_a_year_before_the_as_of_date(analytics, key):
    previous = analytics.value(key).previous
    a_year_before = analytics.value(key, Filter(end=AS_OF - timedelta(days=365))).value
    assert previous == a_year_before
    if key in {"returnees", "entities", "big_projects"}:
        assert previous < analytics.value(key).value


def test_the_previous_value_under_a_county_filter_is_that_countys_a_year_before(analytics):
    f = Filter(counties=[SHAN], industries=["catering"])
    got = analytics.value("returnees", f).previous
    assert got == analytics.value("returnees", Filter(counties=[SHAN], industries=["catering"],
                                                      end=AS_OF - timedelta(days=365))).value


# -- the funnel -----------------------------------------------------------------------------

def test_the_funnel_narrows_at_every_stage(analytics):
    funnel = analytics.return_funnel().iloc[0]
    assert funnel["registered"] == analytics.value("outside_people").value
    assert (funnel["registered"] >= funnel["intending"] >= funnel["returned"]
            >= funnel["founded"] > 0)


def test_the_funnel_by_county_adds_up_to_the_overall_funnel(analytics):
    overall = analytics.return_funnel().iloc[0]
    by_county = analytics.return_funnel(by_county=True)
    assert len(by_county) == 11
    for stage in Analytics.FUNNEL_STAGES:
        assert by_county[stage].sum() == overall[stage], stage
    for _, row in by_county.iterrows():
        assert row["registered"] >= row["intending"] >= row["returned"] >= row["founded"]


# -- county scope -------------------------------------------------------------------------

def test_a_county_scope_gives_the_same_values_as_a_county_filter(analytics, shan):
    keys = [i.key for i in reg.INDICATORS]
    scoped = shan.values(keys)
    filtered = analytics.values(keys, Filter(counties=[SHAN]))
    for key in keys:
        assert scoped[key] == filtered[key], key
    assert scoped["stations_city"].value == 0
    assert scoped["stations"].value == scoped["stations_county"].value > 0
    assert scoped["returnees"].value < analytics.value("returnees").value


def test_a_county_scope_ranks_only_that_countys_stations(analytics, shan, db):
    ranking = shan.station_ranking()
    own = db.execute("SELECT count(*) FROM stations WHERE sponsor_county = ?",
                     [SHAN]).fetchone()[0]
    assert len(ranking) == own > 0
    assert set(ranking["sponsor_county"]) == {SHAN}
    pd.testing.assert_frame_equal(ranking, analytics.station_ranking(Filter(counties=[SHAN])))


def test_every_query_under_a_county_scope_returns_only_that_countys_rows(analytics, shan, db):
    assert shan.counties()["county_code"].tolist() == [SHAN]
    assert set(shan.big_projects()["county_code"]) == {SHAN}
    assert set(shan.parks()["county_code"]) == {SHAN}
    assert set(shan.station_arcs()["county_code"]) == {SHAN}
    assert set(shan.station_points()["sponsor_county"]) == {SHAN}
    assert shan.breakdown(ADDITIVE, "county")["code"].tolist() == [SHAN]
    assert shan.county_values(ADDITIVE, Filter())["code"].tolist() == [SHAN]
    assert shan.return_funnel(by_county=True)["code"].tolist() == [SHAN]
    assert shan.matrix("entities").index.tolist() == [SHAN]
    split = shan.series("returnees", split="county")
    assert set(split["code"]) == {SHAN}
    pd.testing.assert_frame_equal(shan.return_funnel(),
                                  analytics.return_funnel(Filter(counties=[SHAN])))
    assert (shan.people_by_city()["people"].sum()
            == analytics.value("outside_people", Filter(counties=[SHAN])).value)
    industries = shan.breakdown(["returnees", "big_investment"], "industry")
    assert industries["returnees"].sum() == shan.value("returnees").value
    for park_id in db.execute("SELECT park_id FROM parks").fetchall():
        tenants = shan.park_tenants(park_id[0])
        assert set(tenants["county_code"]) <= {SHAN}
    city_station = db.execute("SELECT min(station_id) FROM stations WHERE level = 'city'"
                              ).fetchone()[0]
    other = db.execute("SELECT min(station_id) FROM stations WHERE sponsor_county <> ?",
                       [SHAN]).fetchone()[0]
    assert shan.station_detail(city_station) is None
    assert shan.station_detail(other) is None
    own = int(shan.station_ranking()["station_id"].iloc[0])
    card = shan.station_detail(own)
    assert set(card["projects"]["county_code"]) <= {SHAN}
    assert set(card["counties_served"]["code"]) <= {SHAN}


def test_a_county_scope_rejects_a_filter_on_another_county(shan):
    with pytest.raises(FilterError) as err:
        shan.value("returnees", Filter(counties=[MUDAN]))
    assert str(MUDAN) in err.value.zh and str(MUDAN) in err.value.en
    with pytest.raises(FilterError):
        shan.big_projects(Filter(counties=[SHAN, MUDAN]))
    assert shan.value("returnees", Filter(counties=[SHAN])).value == shan.value(
        "returnees").value


# -- personal data ----------------------------------------------------------------------------

def _every_frame(an: Analytics, station_ids, park_ids):
    """Everything the public API hands out, as named DataFrames."""
    keys = [i.key for i in reg.INDICATORS]
    yield "values", pd.DataFrame([v.__dict__ for v in an.values(keys).values()])
    yield "series", an.series("returnees", grain="month", split="county")
    yield "breakdown county", an.breakdown(ADDITIVE, "county")
    yield "breakdown station", an.breakdown(["returnees", "big_projects"], "station")
    yield "breakdown city", an.breakdown(["outside_people", "returnees"], "city")
    yield "matrix", an.matrix("entities").reset_index()
    yield "ranking", an.station_ranking()
    yield "points", an.station_points()
    yield "funnel", an.return_funnel(by_county=True)
    yield "big projects", an.big_projects()
    yield "by stage", an.projects_by_stage()
    yield "parks", an.parks()
    yield "arcs", an.station_arcs()
    yield "people by city", an.people_by_city()
    yield "county values", an.county_values(ADDITIVE)
    yield "table sizes", an.table_sizes()
    yield "reference", pd.concat([an.counties(), an.industries(), an.provinces(),
                                  an.host_cities()])
    for park_id in park_ids:
        yield f"tenants {park_id}", an.park_tenants(park_id)
    for station_id in station_ids:
        card = an.station_detail(station_id)
        frames = {k: v for k, v in card.items() if isinstance(v, pd.DataFrame)}
        scalars = {k: v for k, v in card.items() if k not in frames}
        yield f"station {station_id}", pd.DataFrame([scalars])
        for name, frame in frames.items():
            yield f"station {station_id} {name}", frame


def _check_no_personal_data(an: Analytics, con, station_ids, park_ids):
    raw_ids = {r[0] for r in con.execute(
        "SELECT id_number FROM outside_people UNION ALL SELECT id_number FROM returnees "
        "LIMIT 5000").fetchall()}
    raw_mobiles = {r[0] for r in con.execute("SELECT head_mobile FROM stations").fetchall()}
    seen = 0
    for name, frame in _every_frame(an, station_ids, park_ids):
        seen += 1
        text = frame.to_csv(index=False)
        assert not masking.contains_unmasked(text), name
        assert not {"id_number", "mobile", "name"} & set(frame.columns), name
        # ID numbers never leave analytics, not even masked
        assert not re.search(r"\d{6}\*+\d{3}[\dXx]", text), name
        assert not any(i in text for i in raw_ids), name
        assert not any(m in text for m in raw_mobiles), name
    assert seen > 20


def test_station_detail_masks_person_fields_on_the_snapshot(analytics, db):
    rows = db.execute("SELECT station_id, head_name, head_mobile, honorary_head FROM stations "
                      "WHERE station_id IN (1, 2, 40, 100)").fetchall()
    assert len(rows) == 4
    for station_id, head, mobile, honorary in rows:
        card = analytics.station_detail(station_id)
        assert card["head_name"] == head[0] + "*" * (len(head) - 1)
        assert re.fullmatch(r"1\d\d\*{4}\d{4}", card["head_mobile"])
        assert card["head_mobile"] == mobile[:3] + "****" + mobile[-4:]
        if honorary is None:
            assert card["honorary_head"] is None
        else:
            assert card["honorary_head"] == honorary[0] + "*" * (len(honorary) - 1)


def test_no_id_number_or_mobile_leaves_analytics_from_the_small_database(small, small_con):
    _check_no_personal_data(small, small_con, station_ids=[1, 2, 3], park_ids=[1, 2])


def test_no_id_number_or_mobile_leaves_analytics_from_the_snapshot(analytics, db):
    _check_no_personal_data(analytics, db, station_ids=[1, 5, 40, 200], park_ids=[1, 3])


def test_the_personal_data_check_would_catch_a_raw_mobile(small_con):
    """The check above is not vacuous: the raw register is full of what it looks for."""
    raw = small_con.sql("SELECT name, id_number, mobile FROM outside_people").df()
    assert masking.contains_unmasked(raw.to_csv(index=False))
    assert not masking.contains_unmasked(masking.mask_frame(raw).to_csv(index=False))


def test_values_handed_out_are_plain_numbers(small):
    v = small.value("big_station_share")
    assert isinstance(v.numerator, int) and isinstance(v.denominator, int)
    assert isinstance(small.value("returnees").value, int)
    assert not np.isnan(v.value)
