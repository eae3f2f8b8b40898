"""Bad filter values are refused, with a message in both languages that names the value,
by every public query; good ones are normalised so that equal filters are equal."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from analytics.queries import Analytics
from model.filters import Filter, FilterError

SHAN = 371722
MUDAN = 371702


@pytest.fixture(scope="module")
def analytics(db) -> Analytics:
    return Analytics(db)


# Every public method that takes a filter, called with it.
QUERIES = {
    "value": lambda a, f: a.value("returnees", f),
    "values": lambda a, f: a.values(["stations", "returnees", "big_station_share"], f),
    "series": lambda a, f: a.series("entities", f, grain="quarter"),
    "series split": lambda a, f: a.series("returnees", f, split="county"),
    "breakdown": lambda a, f: a.breakdown(["returnees", "jobs"], "county", f),
    "matrix": lambda a, f: a.matrix("entities", f),
    "station_ranking": lambda a, f: a.station_ranking(f),
    "station_points": lambda a, f: a.station_points(f),
    "station_detail": lambda a, f: a.station_detail(1, f),
    "return_funnel": lambda a, f: a.return_funnel(f),
    "return_funnel by county": lambda a, f: a.return_funnel(f, by_county=True),
    "big_projects": lambda a, f: a.big_projects(f),
    "projects_by_stage": lambda a, f: a.projects_by_stage(f),
    "parks": lambda a, f: a.parks(f),
    "park_tenants": lambda a, f: a.park_tenants(1, f),
    "station_arcs": lambda a, f: a.station_arcs(f),
    "people_by_city": lambda a, f: a.people_by_city(f),
    "county_values": lambda a, f: a.county_values(["returnees", "big_projects"], f),
    "check": lambda a, f: a.check(f),
}

BAD = {
    "county": (Filter(counties=[999999]), "999999", "县区", "county"),
    "industry": (Filter(industries=["steelworks"]), "steelworks", "产业", "industry"),
    "province": (Filter(provinces=[990000]), "990000", "省份", "province"),
    "one bad county among good": (Filter(counties=[SHAN, 999999]), "999999", "县区", "county"),
}


@pytest.mark.parametrize("query", list(QUERIES))
@pytest.mark.parametrize("bad", list(BAD))
def test_every_query_refuses_an_unknown_value_and_names_it(analytics, bad, query):
    f, value, zh_word, en_word = BAD[bad]
    with pytest.raises(FilterError) as err:
        QUERIES[query](analytics, f)
    assert value in err.value.zh and zh_word in err.value.zh
    assert value in err.value.en and en_word in err.value.en
    assert err.value.message() == err.value.message("zh") == err.value.zh
    assert err.value.message("en") == err.value.en
    assert str(err.value) == f"{err.value.zh} / {err.value.en}"


@pytest.mark.parametrize("query", list(QUERIES))
def test_every_query_accepts_the_same_filter_with_good_values(analytics, query):
    f = Filter(counties=[SHAN], industries=["catering"], levels=["county"],
               provinces=[330000], start=date(2017, 1, 1), end=date(2020, 6, 30))
    QUERIES[query](analytics, f)  # does not raise


def test_an_unknown_county_code_is_named_in_chinese_and_english(analytics):
    with pytest.raises(FilterError) as err:
        analytics.value("returnees", Filter(counties=[999999]))
    assert err.value.zh == "未知的县区代码：999999"
    assert err.value.en == "unknown county code: 999999"


def test_a_county_code_that_is_not_a_number_is_refused_with_its_message():
    with pytest.raises(FilterError) as err:
        Filter(counties=["单县"])
    assert "单县" in err.value.zh and "单县" in err.value.en
    assert "county" in err.value.en
    with pytest.raises(FilterError, match="province"):
        Filter(provinces=["Zhejiang"])


def test_a_period_that_ends_before_it_starts_is_refused():
    with pytest.raises(FilterError) as err:
        Filter(start=date(2020, 1, 1), end=date(2019, 6, 30))
    assert "2019-06-30" in err.value.zh and "2020-01-01" in err.value.zh
    assert "2019-06-30" in err.value.en and "before" in err.value.en
    with pytest.raises(FilterError):
        Filter().with_period(date(2020, 1, 1), date(2019, 12, 31))
    assert Filter(start=date(2020, 1, 1), end=date(2020, 1, 1)).start == date(2020, 1, 1)


def test_an_unknown_station_level_is_refused():
    with pytest.raises(FilterError) as err:
        Filter(levels=["township"])
    assert "township" in err.value.zh and "township" in err.value.en
    assert "级别" in err.value.zh and "level" in err.value.en
    with pytest.raises(FilterError):
        Filter(levels=["city", "province"])


@pytest.mark.parametrize("grain", ["week", "day", "Year", ""])
def test_an_unknown_grain_in_a_series_is_refused(analytics, grain):
    with pytest.raises(FilterError) as err:
        analytics.series("returnees", grain=grain)
    assert f"：{grain}" in err.value.zh and f": {grain}" in err.value.en
    assert "粒度" in err.value.zh and "grain" in err.value.en


def test_a_breakdown_by_a_dimension_the_table_lacks_is_refused(analytics):
    with pytest.raises(FilterError) as err:
        analytics.breakdown("stations", "industry")
    assert "industry" in err.value.en and "stations" in err.value.en
    with pytest.raises(FilterError):
        analytics.series("stations", split="industry")


def test_a_matrix_of_a_ratio_is_refused(analytics):
    with pytest.raises(FilterError, match="ratio"):
        analytics.matrix("big_station_share")


def test_a_county_outside_the_scope_is_refused_by_every_query(db):
    scoped = Analytics(db, county_scope=[SHAN])
    for name, query in QUERIES.items():
        with pytest.raises(FilterError) as err:
            query(scoped, Filter(counties=[MUDAN]))
        assert str(MUDAN) in err.value.zh and "scope" in err.value.en, name


# -- normalisation ------------------------------------------------------------------------

def test_a_filter_drops_repeats_and_keeps_the_first_order():
    f = Filter(counties=[SHAN, MUDAN, SHAN], industries=["wood", "biomed", "wood"],
               levels=["county", "city", "county"], provinces=[330000, 110000, 330000])
    assert f.counties == (SHAN, MUDAN)
    assert f.industries == ("wood", "biomed")
    assert f.levels == ("county", "city")
    assert f.provinces == (330000, 110000)


def test_a_filter_turns_codes_into_ints_before_dropping_repeats():
    f = Filter(counties=[str(SHAN), SHAN, np.int64(MUDAN)], provinces=["330000", 330000])
    assert f.counties == (SHAN, MUDAN)
    assert all(type(c) is int for c in f.counties)
    assert f.provinces == (330000,)
    assert f == Filter(counties=[SHAN, MUDAN], provinces=[330000])


def test_a_single_value_becomes_a_tuple_of_one():
    assert Filter(counties=SHAN).counties == (SHAN,)
    assert Filter(counties=str(SHAN)).counties == (SHAN,)
    assert Filter(counties=np.int64(SHAN)).counties == (SHAN,)
    assert Filter(industries="wood").industries == ("wood",)
    assert Filter(levels="city").levels == ("city",)
    assert Filter(counties=None).counties == ()
    assert Filter(counties=np.array([SHAN, SHAN])).counties == (SHAN,)


def test_the_key_does_not_depend_on_order():
    a = Filter(counties=[SHAN, MUDAN], industries=["wood", "biomed"], levels=["city", "county"],
               provinces=[110000, 330000], start=date(2018, 1, 1))
    b = Filter(counties=[MUDAN, SHAN], industries=["biomed", "wood"], levels=["county", "city"],
               provinces=[330000, 110000], start=date(2018, 1, 1))
    assert a.key() == b.key()
    assert hash(a.key()) == hash(b.key())
    assert a.key() != Filter(counties=[SHAN], industries=["wood", "biomed"]).key()
    assert a.key() != b.with_period(date(2018, 1, 2), None).key()
    assert Filter(counties=[str(SHAN)]).key() == Filter(counties=[SHAN, SHAN]).key()


def test_an_empty_filter_is_empty_and_a_narrowed_one_is_not():
    assert Filter().is_empty
    assert Filter(counties=[]).is_empty
    assert not Filter(counties=[SHAN]).is_empty
    assert not Filter(end=date(2020, 1, 1)).is_empty
    assert Filter().with_counties([SHAN]).counties == (SHAN,)
    assert Filter(counties=[MUDAN]).with_counties(None).is_empty


def test_a_filter_in_any_order_gives_the_same_answer(analytics):
    a = Filter(counties=[SHAN, MUDAN], industries=["catering", "agrifood"])
    b = Filter(counties=[MUDAN, SHAN, MUDAN], industries=["agrifood", "catering"])
    assert analytics.value("returnees", a) == analytics.value("returnees", b)
    assert analytics.value("returnees", a).value > 0
