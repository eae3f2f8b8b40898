"""Annual targets and 完成率: the arithmetic on hand-worked answers, every edge of the pace,
the store and its history, the audit log, the counties ranked by 完成率, and what applies
under a filter — against the scale-1 snapshot, whose year-to-date values are counted here
by SQL of the test's own."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, date, datetime, timedelta

import duckdb
import pandas as pd
import pytest

from access import Actor, PermissionDenied
from analytics import Analytics, Filter
from targets import TargetError, TargetInput, TargetStore, completion, judge, model, progress
from tests.access_support import SETUP, add, make_access

CAO, SHAN, MUDAN, JUYE = 371721, 371722, 371702, 371724
AS_OF = date(2020, 8, 31)  # the snapshot's as-of date


class Clock:
    def __init__(self):
        self.now = datetime(2026, 5, 8, 9, 0, tzinfo=UTC)

    def __call__(self):
        self.now += timedelta(seconds=1)
        return self.now


@pytest.fixture
def store(tmp_path):
    return TargetStore(tmp_path / "app.db", clock=Clock())


@pytest.fixture(scope="module")
def a(snapshot_file):
    con = duckdb.connect(str(snapshot_file), read_only=True)
    yield Analytics(con)
    con.close()


def count(db, sql: str, params=()) -> int:
    return int(db.execute(sql, list(params)).fetchone()[0])


def returned_in_2020(db, county: int | None = None) -> int:
    """Returnees who came home from 1 January to the as-of date, counted directly."""
    sql = "SELECT count(*) FROM returnees WHERE returned_on BETWEEN ? AND ?"
    params = [date(2020, 1, 1), AS_OF]
    if county is not None:
        sql += " AND county_code = ?"
        params.append(county)
    return count(db, sql, params)


def audit(path) -> list[tuple[str, str, dict]]:
    con = sqlite3.connect(path)
    try:
        return [(r[0], r[1], json.loads(r[2])) for r in con.execute(
            "SELECT action, user_name, details FROM audit_log ORDER BY id")]
    finally:
        con.close()


# -- the year and the pace, worked out by hand --------------------------------------------
def test_the_share_of_the_year_counts_the_as_of_day_as_done():
    assert model.elapsed_fraction(2020, date(2020, 8, 31)) == model.Fraction(244, 366)
    assert model.elapsed_fraction(2021, date(2021, 1, 1)) == model.Fraction(1, 365)
    assert model.elapsed_fraction(2021, date(2021, 7, 2)) == model.Fraction(183, 365)
    assert model.elapsed_fraction(2020, date(2020, 12, 31)) == 1
    assert model.elapsed_fraction(2020, date(2021, 3, 1)) == 1
    assert model.elapsed_fraction(2021, date(2020, 12, 31)) == 0


def test_completion_is_the_year_so_far_over_the_target():
    c = completion("returnees", 22_000, 35_000, 2020, AS_OF)
    assert c.rate == 22_000 / 35_000  # 62.9%
    assert c.elapsed == 244 / 366     # 66.7%
    assert c.status == "on_track"     # 3.8 points behind the year: within 5
    assert c.on_pace
    late = completion("returnees", 21_000, 35_000, 2020, AS_OF)
    assert (late.rate, late.status, late.on_pace) == (0.6, "behind", False)  # 6.7 behind


# Year 2021, as of 2 July: 183 of 365 days. With a target of 7,300 the time elapsed is
# worth exactly 3,660 and five percentage points exactly 365.
@pytest.mark.parametrize("value, status", [
    (3660, "on_track"),   # exactly on pace
    (3295, "on_track"),   # exactly 5 points behind: still on track
    (3294, "behind"),     # one below that edge
    (4025, "on_track"),   # exactly 5 points ahead: on track
    (4026, "ahead"),      # one above that edge
    (7299, "ahead"),
    (7300, "met"),        # the target reached before the year is out
    (0, "behind"),
])
def test_the_pace_edges_sit_exactly_at_five_points_either_side_of_the_time_elapsed(value,
                                                                                    status):
    assert judge("returnees", value, 7300, 2021, date(2021, 7, 2)) == status


def test_a_year_that_is_over_is_met_or_missed_and_one_not_begun_is_not_started():
    assert judge("entities", 7300, 7300, 2021, date(2021, 12, 31)) == "met"
    assert judge("entities", 7299, 7300, 2021, date(2021, 12, 31)) == "missed"
    assert judge("entities", 0, 7300, 2021, date(2020, 12, 31)) == "not_started"
    # 30 December: 364/365 of the year gone, 99.99% done is within 5 points of it.
    assert judge("entities", 7299, 7300, 2021, date(2021, 12, 30)) == "on_track"


def test_a_share_target_is_a_level_met_or_below_whatever_the_date():
    assert judge("big_station_share", 0.70, 0.70, 2020, date(2020, 1, 5)) == "met"
    assert judge("big_station_share", 0.69, 0.70, 2020, date(2020, 12, 31)) == "below"
    c = completion("big_station_share", 0.35, 0.70, 2020, AS_OF)
    assert (c.rate, c.status, c.on_pace) == (0.5, "below", False)


def test_money_targets_compare_exactly_at_the_edge():
    # A target of 73亿元 (730,000 万元), as of 2021-07-02: on pace is 730,000 × 183/365 =
    # 366,000 万元 and five points are 36,500 万元, so the lower edge is 329,500 万元.
    day = date(2021, 7, 2)
    assert judge("big_investment", 329_500, 730_000.0, 2021, day) == "on_track"
    assert judge("big_investment", 329_499.9999, 730_000.0, 2021, day) == "behind"
    assert judge("big_investment", 402_500.0, 730_000, 2021, day) == "on_track"
    assert judge("big_investment", 402_500.0001, 730_000, 2021, day) == "ahead"


def test_a_target_must_be_positive_whole_for_counts_and_at_most_100_percent_for_a_share():
    assert model.value_problem("returnees", 3500.5)[0].endswith("须为整数（人）")
    assert model.value_problem("returnees", 0) == ("目标值须大于0",
                                                   "the target must be greater than 0")
    assert model.value_problem("returnees", -3) is not None
    assert model.value_problem("big_investment", 12.5) is None  # 万元 may have decimals
    assert model.value_problem("big_station_share", 1.2) is not None
    assert model.value_problem("big_station_share", 0.7) is None
    assert model.year_problem(2014) is not None and model.year_problem(2015) is None


def test_only_accumulating_figures_and_the_station_share_take_a_target():
    assert "returnees" in model.TARGETABLE and "big_station_share" in model.TARGETABLE
    for key in ("station_members", "park_tenants", "donations", "return_intention_rate"):
        assert not model.is_targetable(key)


# -- the store and its history ---------------------------------------------------------------
def test_setting_a_target_keeps_every_earlier_value_with_who_and_when(store):
    store.set("returnees", 2020, 35_000, by="admin", note="年初计划")
    store.set("returnees", 2020, 36_000, by="wang")
    store.set("returnees", 2020, 6_000, county=CAO, by="admin")
    assert store.get("returnees", 2020).value == 36_000
    assert store.get("returnees", 2020, CAO).value == 6_000
    assert store.get("returnees", 2021) is None
    history = store.history(2020, "returnees", county=None)
    assert [(h.value, h.previous, h.set_by) for h in history] == [
        (36_000, 35_000, "wang"), (35_000, None, "admin")]
    assert history[0].set_at > history[1].set_at
    assert history[1].note == "年初计划"
    assert {(t.indicator, t.county, t.value) for t in store.current(2020)} == {
        ("returnees", None, 36_000), ("returnees", CAO, 6_000)}


def test_setting_the_value_already_in_force_writes_nothing(store):
    store.set("entities", 2020, 12_000, by="admin")
    store.set("entities", 2020, 12_000, by="admin")
    assert len(store.history(2020)) == 1


def test_a_withdrawn_target_is_no_longer_in_force_but_stays_in_the_history(store):
    store.set("jobs", 2020, 50_000, by="admin")
    assert store.withdraw("jobs", 2020, by="admin")
    assert store.get("jobs", 2020) is None and store.current(2020) == []
    assert [(h.value, h.previous) for h in store.history(2020)] == [(None, 50_000),
                                                                     (50_000, None)]
    assert not store.withdraw("jobs", 2020, by="admin")  # nothing left to withdraw


def test_the_targets_table_refuses_changes_and_deletions(store):
    store.set("jobs", 2020, 50_000, by="admin")
    con = sqlite3.connect(store.db_path)
    try:
        for sql in ("UPDATE targets SET value = 1", "DELETE FROM targets"):
            with pytest.raises(sqlite3.DatabaseError, match="append-only"):
                con.execute(sql)
    finally:
        con.close()


@pytest.mark.parametrize("item, words", [
    (TargetInput("donations", 2020, 100), "不设年度目标"),
    (TargetInput("no_such", 2020, 100), "未知指标"),
    (TargetInput("returnees", 2014, 100), "年度须在"),
    (TargetInput("returnees", 2020, 100, county=999999), "未知的县区代码"),
    (TargetInput("returnees", 2020, 0), "须大于0"),
    (TargetInput("returnees", 2020, 10.5), "须为整数"),
])
def test_a_bad_target_is_refused_with_a_reason_and_nothing_is_stored(store, item, words):
    with pytest.raises(TargetError) as info:
        store.set(item.indicator, item.year, item.value, county=item.county, by="admin")
    assert words in info.value.zh and info.value.en
    assert store.history() == []


def test_every_change_is_in_the_audit_log_with_the_old_and_new_value(tmp_path):
    acc = make_access(tmp_path)
    admin = add(acc, "boss", "admin")
    store = TargetStore(acc.db_path, clock=Clock())
    store.set("returnees", 2020, 35_000, by=admin, client="10.0.0.8")
    store.set("returnees", 2020, 36_000, county=CAO, by=admin)
    store.set("returnees", 2020, 37_000, by=Actor("cli:ops"))
    store.withdraw("returnees", 2020, by=admin)
    entries = [e for e in audit(acc.db_path) if e[0].startswith("target")]
    assert [(e[0], e[1], e[2].get("county"), e[2].get("value"), e[2]["previous"])
            for e in entries] == [
        ("target_set", "boss", None, 35_000, None),
        ("target_set", "boss", CAO, 36_000, None),
        ("target_set", "cli:ops", None, 37_000, 35_000),
        ("target_withdraw", "boss", None, None, 37_000)]
    logged = acc.audit_entries(SETUP, action="target_set")
    assert logged[-1].client == "10.0.0.8" and logged[-1].role == "admin"


def test_a_user_not_allowed_the_targets_page_cannot_change_targets_and_is_logged(tmp_path):
    acc = make_access(tmp_path)
    leader = add(acc, "li", "leader")
    store = TargetStore(acc.db_path)
    with pytest.raises(PermissionDenied):
        store.set("returnees", 2020, 35_000, by=leader)
    with pytest.raises(PermissionDenied):
        store.apply([TargetInput("returnees", 2020, 1)], by=leader)
    assert store.history() == []
    assert [e[0] for e in audit(acc.db_path)][-2:] == ["denied", "denied"]


def test_an_import_stores_all_of_its_rows_or_none(store):
    store.set("returnees", 2020, 30_000, by="admin")
    good = [TargetInput("returnees", 2020, 35_000), TargetInput("entities", 2020, 12_000),
            TargetInput("returnees", 2020, 6_000, CAO)]
    with pytest.raises(TargetError):
        store.apply(good + [TargetInput("returnees", 2020, -1, SHAN)], by="admin")
    assert store.get("returnees", 2020).value == 30_000 and store.get("entities", 2020) is None
    outcome = store.apply(good, by="admin", note="2020年目标.xlsx")
    assert (outcome.created, outcome.changed, outcome.unchanged) == (2, 1, 0)
    again = store.apply(good, by="admin")
    assert (again.created, again.changed, again.unchanged) == (0, 0, 3)
    assert {t.source for t in store.current(2020)} == {"import"}
    actions = [e for e in audit(store.db_path) if e[0] == "target_import"]
    assert actions[0][2]["created"] == 2 and actions[0][2]["note"] == "2020年目标.xlsx"


# -- completion against the snapshot ---------------------------------------------------------
def test_the_city_target_is_measured_on_the_year_so_far(a, db, store):
    done = returned_in_2020(db)
    assert done > 0
    store.set("returnees", 2020, 35_000, by="admin")
    got = progress.completions(a, ["returnees", "entities"], Filter(), 2020, store=store)
    c = got["returnees"]
    assert (c.target, c.value) == (35_000, done)
    assert c.rate == done / 35_000
    assert c.elapsed == 244 / 366
    assert got["entities"] is None  # no target: nothing invented


def test_exactly_on_pace_against_the_real_year_so_far(a, db, store):
    done = returned_in_2020(db)
    # A target whose time share is exactly the value: value × 366/244 must be whole.
    scale = 366 // 122  # 244/366 = 2/3, so a target of value × 3/2 is exactly on pace
    assert done * scale % 2 == 0, "pick another indicator if this ever fails"
    store.set("returnees", 2020, done * scale // 2, by="admin")
    c = progress.completions(a, ["returnees"], Filter(), 2020, store=store)["returnees"]
    assert c.rate == c.elapsed and c.status == "on_track"


def test_a_county_filter_or_scope_uses_the_county_target_and_its_own_value(a, db, store,
                                                                           snapshot_file):
    store.set("returnees", 2020, 35_000, by="admin")
    store.set("returnees", 2020, 6_000, county=CAO, by="admin")
    c = progress.completions(a, ["returnees"], Filter(counties=[CAO]), 2020,
                             store=store)["returnees"]
    assert (c.target, c.value, c.counties) == (6_000, returned_in_2020(db, CAO), (CAO,))
    con = duckdb.connect(str(snapshot_file), read_only=True)
    try:
        scoped = Analytics(con, county_scope=[CAO])
        s = progress.completions(scoped, ["returnees"], Filter(), 2020,
                                 store=store)["returnees"]
    finally:
        con.close()
    assert (s.target, s.value) == (6_000, returned_in_2020(db, CAO))


def test_several_counties_add_up_only_when_each_has_a_target(a, db, store):
    store.set("returnees", 2020, 6_000, county=CAO, by="admin")
    f = Filter(counties=[CAO, SHAN])
    assert progress.completions(a, ["returnees"], f, 2020, store=store)["returnees"] is None
    store.set("returnees", 2020, 4_000, county=SHAN, by="admin")
    c = progress.completions(a, ["returnees"], f, 2020, store=store)["returnees"]
    assert c.target == 10_000
    assert c.value == returned_in_2020(db, CAO) + returned_in_2020(db, SHAN)
    store.set("big_station_share", 2020, 0.7, county=CAO, by="admin")
    store.set("big_station_share", 2020, 0.7, county=SHAN, by="admin")
    assert progress.completions(a, ["big_station_share"], f, 2020,
                                store=store)["big_station_share"] is None


def test_an_industry_level_or_province_filter_leaves_no_target_to_measure(a, store):
    store.set("returnees", 2020, 35_000, by="admin")
    for f in (Filter(industries=["hair"]), Filter(levels=["city"]),
              Filter(provinces=[110000])):
        assert progress.completions(a, ["returnees"], f, 2020, store=store) == {
            "returnees": None}
        assert progress.targets_for(a, ["returnees"], f, 2020, store=store) == {}


def test_the_filter_period_is_replaced_by_the_target_year(a, db, store):
    store.set("returnees", 2019, 30_000, by="admin")
    f = Filter(start=date(2016, 1, 1), end=date(2016, 3, 31))
    c = progress.completions(a, ["returnees"], f, 2019, store=store)["returnees"]
    full_2019 = count(db, "SELECT count(*) FROM returnees WHERE year(returned_on) = 2019")
    assert (c.value, c.elapsed) == (full_2019, 1.0)
    assert c.status == ("met" if full_2019 >= 30_000 else "missed")


def test_a_year_after_the_as_of_date_has_nothing_done_and_has_not_started(a, store):
    store.set("returnees", 2021, 40_000, by="admin")
    c = progress.completions(a, ["returnees"], Filter(), 2021, store=store)["returnees"]
    assert (c.value, c.rate, c.elapsed, c.status) == (0, 0.0, 0.0, "not_started")


def test_the_briefing_gets_target_and_year_for_the_filter(a, store):
    store.set("returnees", 2020, 35_000, by="admin")
    store.set("entities", 2020, 2_000, county=CAO, by="admin")
    assert progress.targets_for(a, ["returnees", "entities", "stations"], Filter(), 2020,
                                store=store) == {"returnees": (35_000, 2020)}
    assert progress.targets_for(a, ["returnees", "entities"], Filter(counties=[CAO]), 2020,
                                store=store) == {"entities": (2_000, 2020)}


# -- counties ranked by 完成率 ------------------------------------------------------------------
def test_counties_are_ranked_by_completion_with_ties_sharing_a_rank(a, db, store):
    cao, shan, mudan = (returned_in_2020(db, c) for c in (CAO, SHAN, MUDAN))
    store.set("returnees", 2020, cao, county=CAO, by="admin")              # 100%
    store.set("returnees", 2020, shan, county=SHAN, by="admin")            # 100%, a tie
    store.set("returnees", 2020, mudan * 4, county=MUDAN, by="admin")      # 25%
    table = progress.rank_counties(a, "returnees", 2020, store=store)
    ranked = table.dropna(subset=["rate"])
    assert list(ranked["code"]) == [CAO, SHAN, MUDAN]  # the tie in adcode order
    assert list(ranked["rank"]) == [1, 1, 3]
    assert list(ranked["rate"]) == [1.0, 1.0, 0.25]
    assert list(ranked["status"]) == ["met", "met", "behind"]
    assert list(ranked["value"]) == [cao, shan, mudan]
    rest = table[table["rate"].isna()]
    assert len(rest) == 8 and rest["rank"].isna().all() and rest["target"].isna().all()
    assert list(table["code"]).index(JUYE) > 2  # no target: after every ranked county


def test_the_county_ranking_keeps_every_county_and_marks_the_chosen_ones(a, store):
    store.set("returnees", 2020, 1000, county=SHAN, by="admin")
    table = progress.rank_counties(a, "returnees", 2020, Filter(counties=[SHAN]),
                                   store=store)
    assert len(table) == 11
    assert table.loc[table["chosen"], "code"].tolist() == [SHAN]
    assert isinstance(table, pd.DataFrame) and table.iloc[0]["code"] == SHAN
