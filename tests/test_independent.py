"""The dashboard's figures on the scale-1 snapshot against computations written here, in
plain SQL over the raw tables and in pandas, sharing nothing with analytics/: not the WHERE
builder, not the fact joins, not the indicator measures. A bug in that shared path makes the
two sides differ here, where comparing one analytics call with another would not see it."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest

from analytics.queries import Analytics
from model.filters import Filter
from tests.published import PUBLISHED

AS_OF = date(2020, 8, 31)
SHAN, MUDAN, CAO = 371722, 371702, 371721
ZHEJIANG = 330000

# The published figures, each in plain SQL over the raw tables.
PLAIN_SQL = {
    "stations": "SELECT count(*) FROM stations",
    "stations_city": "SELECT count(*) FROM stations WHERE level = 'city'",
    "stations_county": "SELECT count(*) FROM stations WHERE sponsor_county IS NOT NULL",
    "returnees": "SELECT count(*) FROM returnees",
    "entities": "SELECT count(*) FROM entities",
    "jobs": "SELECT sum(jobs) FROM entities",
    "big_projects": "SELECT count(*) FROM projects WHERE stage IN ('building', 'operating') "
                    "AND investment >= 10000",
    "big_investment": "SELECT sum(investment) FROM projects "
                      "WHERE stage IN ('building', 'operating') AND investment >= 10000",
    "big_station_share": "SELECT count(station_id) / count(*) FROM projects "
                         "WHERE stage IN ('building', 'operating') AND investment >= 10000",
    "donations": "SELECT sum(amount_yuan) FROM activities WHERE kind = 'donation'",
}


@pytest.fixture(scope="module")
def analytics(db) -> Analytics:
    return Analytics(db)


@pytest.fixture(scope="module")
def raw(db) -> dict[str, pd.DataFrame]:
    """The raw tables the checks below need, with dates as timestamps."""
    out = {}
    for table in ("stations", "host_cities", "returnees", "entities", "projects", "activities"):
        df = db.execute(f"SELECT * FROM {table}").df()  # noqa: S608 - fixed names
        for col in df.columns:
            if col.endswith("_on"):
                df[col] = pd.to_datetime(df[col])
        out[table] = df
    return out


def test_the_plain_sql_covers_every_published_figure():
    assert set(PLAIN_SQL) == set(PUBLISHED)


@pytest.mark.parametrize("key", sorted(PLAIN_SQL))
def test_each_published_figure_by_plain_sql_is_what_the_dashboard_shows(analytics, db, key):
    by_hand = db.execute(PLAIN_SQL[key]).fetchone()[0]
    assert PUBLISHED[key].met_by(by_hand)
    shown = analytics.value(key).value
    assert shown == pytest.approx(by_hand), (shown, by_hand)


def test_returnees_and_businesses_by_county_are_the_raw_counts(analytics, raw):
    got = analytics.breakdown(["returnees", "entities", "jobs", "big_projects"], "county")
    got = got.set_index("code")
    r, e, p = raw["returnees"], raw["entities"], raw["projects"]
    big = p[p["landed_on"].notna() & (p["investment"] >= 10_000)]
    want = pd.DataFrame({
        "returnees": r.groupby("county_code").size(),
        "entities": e.groupby("county_code").size(),
        "jobs": e.groupby("county_code")["jobs"].sum(),
        "big_projects": big.groupby("county_code").size(),
    }).fillna(0).astype("int64")
    assert got.loc[want.index, want.columns].to_dict() == want.to_dict()


def test_a_county_and_industry_filter_counts_only_those_rows(analytics, raw):
    f = Filter(counties=[SHAN], industries=["catering"])
    r, e = raw["returnees"], raw["entities"]
    returnees = ((r["county_code"] == SHAN) & (r["industry_code"] == "catering")).sum()
    mask = (e["county_code"] == SHAN) & (e["industry_code"] == "catering")
    assert returnees > 0 and mask.sum() > 0
    got = analytics.values(["returnees", "entities", "jobs"], f)
    assert got["returnees"].value == returnees
    assert got["entities"].value == mask.sum()
    assert got["jobs"].value == e.loc[mask, "jobs"].sum()


@pytest.mark.parametrize(("start", "end"), [
    (date(2019, 1, 1), date(2019, 12, 31)),
    (date(2018, 7, 1), date(2018, 7, 1)),
    (date(2020, 2, 1), AS_OF),
])
def test_a_period_counts_the_rows_dated_from_its_first_to_its_last_day(analytics, raw, start,
                                                                       end):
    r, p = raw["returnees"], raw["projects"]
    lo, hi = pd.Timestamp(start), pd.Timestamp(end)
    returnees = r["returned_on"].between(lo, hi).sum()
    dated = p["landed_on"].fillna(p["signed_on"])
    landed_big = p["landed_on"].notna() & (p["investment"] >= 10_000)
    got = analytics.values(["returnees", "projects", "big_projects"], Filter(start=start, end=end))
    assert got["returnees"].value == returnees > 0
    assert got["projects"].value == dated.between(lo, hi).sum()
    assert got["big_projects"].value == (landed_big & dated.between(lo, hi)).sum()
    # Last year's value: the same filter up to 365 days before the period's end, if the
    # period had started by then.
    year_before = pd.Timestamp(end - timedelta(days=365))
    previous = got["returnees"].previous
    if year_before < lo:
        assert previous is None
    else:
        assert previous == r["returned_on"].between(lo, year_before).sum()


def test_the_unfiltered_previous_value_is_the_count_365_days_before_the_as_of_date(analytics,
                                                                                   raw):
    year_before = pd.Timestamp(AS_OF - timedelta(days=365))
    assert year_before == pd.Timestamp(2019, 9, 1)  # 2020 is a leap year
    got = analytics.values(["returnees", "jobs", "big_station_share"])
    r, e, p = raw["returnees"], raw["entities"], raw["projects"]
    assert got["returnees"].previous == (r["returned_on"] <= year_before).sum()
    assert got["jobs"].previous == e.loc[e["founded_on"] <= year_before, "jobs"].sum()
    big = p[p["landed_on"].notna() & (p["investment"] >= 10_000)
            & (p["landed_on"] <= year_before)]
    assert got["big_station_share"].previous == pytest.approx(big["station_id"].notna().mean())


def test_level_and_province_filters_follow_the_station_a_returnee_came_through(analytics, raw):
    r, s, hc = raw["returnees"], raw["stations"], raw["host_cities"]
    province = r["from_city"].map(hc.set_index("city_code")["province_code"])
    level = r["station_id"].map(s.set_index("station_id")["level"])
    f = Filter(levels=["city"], provinces=[ZHEJIANG])
    want = ((level == "city") & (province == ZHEJIANG)).sum()
    assert want > 0
    assert analytics.value("returnees", f).value == want
    assert analytics.value("returnees_referred", Filter(levels=["county"])).value == (
        level == "county").sum()


def test_a_county_filter_on_stations_counts_that_countys_sponsored_stations(analytics, raw):
    s = raw["stations"]
    for county in (SHAN, MUDAN, CAO):
        own = s[s["sponsor_county"] == county]
        got = analytics.values(["stations", "stations_city", "station_members"],
                               Filter(counties=[county]))
        assert got["stations"].value == len(own) > 0
        assert got["stations_city"].value == 0
        assert got["station_members"].value == own["members"].sum()
        ranking = analytics.station_ranking(Filter(counties=[county]))
        assert sorted(ranking["station_id"]) == sorted(own["station_id"])


def test_a_county_scope_shows_exactly_what_plain_sql_finds_for_that_county(db, raw):
    scoped = Analytics(db, county_scope=[SHAN])
    got = scoped.values(["stations", "returnees", "big_projects", "donations", "parks"])
    assert got["stations"].value == (raw["stations"]["sponsor_county"] == SHAN).sum()
    assert got["returnees"].value == (raw["returnees"]["county_code"] == SHAN).sum()
    p = raw["projects"]
    assert got["big_projects"].value == ((p["county_code"] == SHAN) & p["landed_on"].notna()
                                         & (p["investment"] >= 10_000)).sum()
    # Donations belong to the donating station's sponsor or the donating business's county.
    donations = db.execute("""
        SELECT COALESCE(sum(a.amount_yuan), 0) FROM activities a
        LEFT JOIN stations s ON s.station_id = a.station_id
        LEFT JOIN entities e ON e.entity_id = a.entity_id
        WHERE a.kind = 'donation' AND COALESCE(s.sponsor_county, e.county_code) = ?""",
                           [SHAN]).fetchone()[0]
    assert got["donations"].value == donations
    assert got["parks"].value == db.execute(
        "SELECT count(*) FROM parks WHERE county_code = ?", [SHAN]).fetchone()[0]
