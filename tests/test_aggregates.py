"""The aggregates built with the snapshot give exactly the answers of the direct SQL.

Every query is run twice on the scale-1 snapshot: through the pre-summed tables and with
them switched off (`use_aggregates=False`, the direct SQL over the fact tables), for every
indicator and a wide set of filters — every county, industries, station levels, host
provinces, periods whose boundaries cut through a month, combinations and a county scope.
"""

from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import date

import duckdb
import pandas as pd
import pytest

from analytics.queries import Analytics
from data import aggregates
from model import indicators as reg
from model.filters import Filter

ALL_KEYS = [i.key for i in reg.INDICATORS]
CUBED_KEYS = [i.key for i in reg.INDICATORS if i.fact in aggregates.CUBED]
COUNTIES = [371702, 371703, 371721, 371722, 371723, 371724, 371725, 371726, 371728, 371771,
            371772]
SHAN, CAO = 371722, 371721

PERIODS = {
    "a period cutting through two months": (date(2019, 3, 15), date(2020, 2, 10)),
    "whole months": (date(2018, 1, 1), date(2019, 12, 31)),
    "one day": (date(2019, 6, 18), date(2019, 6, 18)),
    "from the last day of a month": (date(2017, 4, 30), None),
    "up to the first day of a month": (None, date(2018, 7, 1)),
    "inside one month": (date(2020, 5, 2), date(2020, 5, 30)),
    "a leap day": (date(2016, 2, 29), date(2016, 3, 1)),
    "before anything happened": (date(2015, 1, 1), date(2015, 1, 3)),
}
FILTERS = {
    "unfiltered": Filter(),
    **{f"county {c}": Filter(counties=[c]) for c in COUNTIES},
    "two counties": Filter(counties=[SHAN, CAO]),
    "one industry": Filter(industries=["catering"]),
    "two industries": Filter(industries=["costume", "wood"]),
    "city-level stations": Filter(levels=["city"]),
    "county-level stations": Filter(levels=["county"]),
    "both levels": Filter(levels=["city", "county"]),
    "one province": Filter(provinces=[330000]),
    "three provinces": Filter(provinces=[110000, 440000, 370000]),
    **{name: Filter(start=s, end=e) for name, (s, e) in PERIODS.items()},
    "county and industry": Filter(counties=[SHAN], industries=["catering"]),
    "everything at once": Filter(counties=[CAO, SHAN], industries=["costume", "catering"],
                                 levels=["county"], provinces=[330000, 110000],
                                 start=date(2018, 2, 14), end=date(2020, 6, 20)),
    "a county and a cut period": Filter(counties=[CAO], start=date(2019, 9, 2)),
    "nothing matches": Filter(counties=[371728], levels=["city"], start=date(2015, 1, 1),
                              end=date(2015, 1, 3)),
}
# The heavier comparisons run on a spread of these.
WIDE = ["unfiltered", "two industries", "three provinces",
        "a period cutting through two months", "up to the first day of a month",
        "everything at once"]


@pytest.fixture(scope="module")
def both(db):
    """(pre-summed, direct) over the same snapshot."""
    fast = Analytics(db)
    assert fast.uses_aggregates, "the scale-1 snapshot was built without its aggregates"
    return fast, Analytics(db, use_aggregates=False)


def same_frame(a: pd.DataFrame, b: pd.DataFrame) -> None:
    assert list(a.columns) == list(b.columns)
    keys = [c for c in a.columns if a[c].dtype != float][:4] or list(a.columns)
    a = a.sort_values(keys, kind="stable").reset_index(drop=True)
    b = b.sort_values(keys, kind="stable").reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b, check_exact=True)


def same(a, b) -> None:
    if isinstance(a, pd.DataFrame):
        same_frame(a, b)
    elif isinstance(a, dict):
        assert a.keys() == b.keys()
        for key in a:
            same(a[key], b[key])
    else:
        assert a == b


# -- the tables --------------------------------------------------------------------------
def test_the_snapshot_carries_an_aggregate_for_every_cubed_fact(db):
    tables = {r[0] for r in db.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    assert set(aggregates.table_names()) <= tables
    assert len(aggregates.table_names()) == 2 * len(aggregates.CUBED)


def test_every_measure_of_every_indicator_on_a_cubed_fact_has_a_column(db):
    cubes = aggregates.available(db)
    for key in CUBED_KEYS:
        ind = reg.get(key)
        measures = [ind.numerator, ind.denominator] if ind.is_ratio else [ind.measure]
        assert cubes[ind.fact].has(*measures), key


def test_the_monthly_and_daily_tables_hold_the_same_totals_as_the_facts(db):
    for name, cube in aggregates.definitions().items():
        rows = db.execute(f"SELECT count(*) FROM {name}").fetchone()[0]  # noqa: S608
        col = aggregates.column_name(reg.Measure("count"))
        for grain in aggregates.GRAINS:
            got = db.execute(f"SELECT sum({col}) FROM {cube.table(grain)}").fetchone()[0]  # noqa: S608
            assert got == rows, (name, grain)


def test_an_indicator_added_to_the_registry_gets_its_column_at_the_next_build(monkeypatch):
    new = reg.Indicator(
        "returnees_veterans", "退役军人返乡", "Veterans who returned", "person", "returnees",
        "退役军人返乡人数。", "Veterans who came home.",
        measure=reg.Measure("count", where="r.person_group = 'veteran'"))
    monkeypatch.setattr(reg, "INDICATORS", (*reg.INDICATORS, new))
    cube = aggregates.definitions()["returnees"]
    assert aggregates.column_name(new.measure) in cube.measures


# -- the same answers ---------------------------------------------------------------------
@pytest.mark.parametrize("name", list(FILTERS))
def test_every_indicator_value_and_last_years_value_match_the_direct_sql(both, name):
    fast, direct = both
    same(fast.values(ALL_KEYS, FILTERS[name]), direct.values(ALL_KEYS, FILTERS[name]))


@pytest.mark.parametrize("name", list(FILTERS))
def test_the_funnel_matches_the_direct_sql_counting_people_once(both, name):
    fast, direct = both
    f = FILTERS[name]
    same(fast.return_funnel(f), direct.return_funnel(f))
    same(fast.return_funnel(f, by_county=True), direct.return_funnel(f, by_county=True))


@pytest.mark.parametrize("name", WIDE)
def test_every_series_matches_the_direct_sql(both, name):
    fast, direct = both
    f = FILTERS[name]
    grains = ["year", "quarter", "month"] if name == "a period cutting through two months" \
        else ["month"]
    for key, grain in ((k, g) for k in CUBED_KEYS for g in grains):
        for cumulative in (False, True):
            same(fast.series(key, f, grain=grain, cumulative=cumulative),
                 direct.series(key, f, grain=grain, cumulative=cumulative))


@pytest.mark.parametrize("name", WIDE)
@pytest.mark.parametrize("split", ["county", "industry"])
def test_split_series_match_the_direct_sql(both, name, split):
    fast, direct = both
    for key in CUBED_KEYS:
        if getattr(reg.get(key).fact_def, split) is not None:
            same(fast.series(key, FILTERS[name], split=split),
                 direct.series(key, FILTERS[name], split=split))


@pytest.mark.parametrize("name", WIDE)
@pytest.mark.parametrize("by", ["county", "industry", "province", "station", "level", "city",
                                "park"])
def test_every_breakdown_matches_the_direct_sql(both, name, by):
    fast, direct = both
    for fact, inds in reg.by_fact(CUBED_KEYS).items():
        try:
            direct._dim_expr(reg.FACTS[fact], by)
        except Exception:  # noqa: BLE001 - the fact has no such dimension
            continue
        keys = [i.key for i in inds]
        same(fast.breakdown(keys, by, FILTERS[name]), direct.breakdown(keys, by, FILTERS[name]))


@pytest.mark.parametrize("name", WIDE)
def test_the_page_queries_match_the_direct_sql(both, name):
    fast, direct = both
    f = FILTERS[name]
    same(fast.matrix("entities", f), direct.matrix("entities", f))
    same(fast.station_ranking(f), direct.station_ranking(f))
    same(fast.parks(f), direct.parks(f))
    same(fast.station_arcs(f), direct.station_arcs(f))
    same(fast.people_by_city(f), direct.people_by_city(f))
    same(fast.county_values(CUBED_KEYS, f), direct.county_values(CUBED_KEYS, f))


@pytest.mark.parametrize("station_id", [1, 12, 37, 100, 246])
def test_a_station_card_matches_the_direct_sql(both, station_id):
    fast, direct = both
    f = FILTERS["a period cutting through two months"]
    a, b = fast.station_detail(station_id, f), direct.station_detail(station_id, f)
    assert (a is None) == (b is None)
    if a is not None:
        a, b = dict(a), dict(b)
        same(a.pop("counties_served"), b.pop("counties_served"))
        same(a.pop("recent_activities"), b.pop("recent_activities"))
        same(a.pop("projects"), b.pop("projects"))
        assert a.keys() == b.keys()
        for k in a:
            assert a[k] == b[k] or (pd.isna(a[k]) and pd.isna(b[k])), k


@pytest.mark.parametrize("scope", [[SHAN], [CAO, 371702]])
def test_a_county_scope_gives_the_same_answers_both_ways(db, scope):
    fast, direct = Analytics(db, county_scope=scope), Analytics(db, county_scope=scope,
                                                               use_aggregates=False)
    for f in (Filter(), Filter(counties=[scope[0]], start=date(2019, 3, 15)),
              Filter(industries=["catering"], levels=["county"])):
        same(fast.values(ALL_KEYS, f), direct.values(ALL_KEYS, f))
        same(fast.return_funnel(f, by_county=True), direct.return_funnel(f, by_county=True))
        same(fast.breakdown(CUBED_KEYS, "county", f), direct.breakdown(CUBED_KEYS, "county", f))
        same(fast.station_ranking(f), direct.station_ranking(f))
        same(fast.series("returnees", f, grain="month", split="industry"),
             direct.series("returnees", f, grain="month", split="industry"))


# -- older snapshots ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def older_snapshot(snapshot_file, tmp_path_factory):
    """The scale-1 snapshot as a file written before aggregates existed."""
    path = tmp_path_factory.mktemp("older") / "older.duckdb"
    shutil.copy(snapshot_file, path)
    con = duckdb.connect(str(path))
    for table in aggregates.table_names():
        con.execute(f"DROP TABLE {table}")
    con.close()
    con = duckdb.connect(str(path), read_only=True)
    yield con
    con.close()


def test_a_snapshot_without_aggregates_is_answered_by_the_direct_sql(older_snapshot, both):
    older = Analytics(older_snapshot)
    assert not older.uses_aggregates
    fast, _ = both
    f = FILTERS["everything at once"]
    same(older.values(ALL_KEYS, f), fast.values(ALL_KEYS, f))
    same(older.return_funnel(f), fast.return_funnel(f))
    same(older.station_ranking(f), fast.station_ranking(f))


def test_an_indicator_changed_since_the_snapshot_was_built_is_answered_by_the_direct_sql(
        both, monkeypatch):
    fast, direct = both
    changed = replace(reg.get("returnees_referred"),
                      measure=reg.Measure("count", where="r.support = 'loan'"))
    monkeypatch.setitem(reg.REGISTRY, "returnees_referred", changed)
    assert not fast._cube(changed.fact_def, changed.measure)
    f = FILTERS["a period cutting through two months"]
    loans = fast.values(["returnees_referred"], f)["returnees_referred"]
    assert loans == direct.values(["returnees_referred"], f)["returnees_referred"]
    expected = fast._con.execute(
        "SELECT count(*) FROM returnees WHERE support = 'loan' AND returned_on BETWEEN ? AND ?",
        [f.start, f.end]).fetchone()[0]
    assert loans.value == expected


@pytest.mark.parametrize("name", ["unfiltered", "a period cutting through two months",
                                  "everything at once", "nothing matches"])
@pytest.mark.parametrize("use_aggregates", [True, False])
def test_many_series_at_once_are_the_series_one_by_one(db, name, use_aggregates):
    a = Analytics(db, use_aggregates=use_aggregates)
    f = FILTERS[name]
    dated = [i.key for i in reg.INDICATORS if i.fact_def.date is not None]
    for grain, cumulative in (("year", True), ("month", False)):
        many = a.series_many(dated, f, grain=grain, cumulative=cumulative)
        assert list(many) == dated
        for key in dated:
            same(many[key], a.series(key, f, grain=grain, cumulative=cumulative))
