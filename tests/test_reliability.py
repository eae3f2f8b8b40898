"""Reliability without a browser: every page for every county survives, empty views draw
no nonsense, links read codes and old labels and name what they ignore, a killed build's
temporaries are cleaned up, and the snapshot store swaps whole files only."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from analytics import Analytics, Filter, links
from data.store import Manifest, SnapshotStore, StoreError
from data.writer import clean_temporaries, write_atomically

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
PAGES = ["overview", "trends", "stations", "map", "projects", "parks", "counties",
         "definitions"]
AS_OF = date(2020, 8, 31)


@pytest.fixture(scope="module")
def analytics(snapshot_file):
    con = duckdb.connect(str(snapshot_file), read_only=True)
    yield Analytics(con)
    con.close()


def open_app(page: str, params: dict, sign=None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    if sign is not None:
        sign(at)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if page != "overview":
        at.switch_page(f"pages/{page}.py").run()
    return at


# -- the sweep -------------------------------------------------------------------------------
def _industry_without_projects(a: Analytics, county: int) -> str:
    by_industry = a.breakdown(["projects"], "industry", Filter(counties=[county]))
    empty = by_industry[by_industry["projects"] == 0]["code"].tolist()
    return empty[0] if empty else "construction"


COUNTIES = [371702, 371703, 371721, 371722, 371723, 371724, 371725, 371726, 371728, 371771,
            371772]


@pytest.mark.parametrize("county", COUNTIES)
def test_every_page_for_every_county_runs_without_an_exception_or_an_error_box(
        signed_in, analytics, county):
    no_projects = _industry_without_projects(analytics, county)
    for industry in (None, no_projects):
        params = {"county": str(county)} | ({"industry": industry} if industry else {})
        at = open_app("overview", params, signed_in)
        for page in PAGES:
            if page != "overview":
                at.switch_page(f"pages/{page}.py").run()
            where = f"{page} {params}"
            assert not at.exception, (where, [e.value for e in at.exception])
            assert not at.error, (where, [e.value for e in at.error])


# -- empty views ----------------------------------------------------------------------------
def _specs(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def _numbers(values) -> list[float]:
    """A trace's data as numbers, whether plotly sent a list or a typed array."""
    if isinstance(values, dict) and "bdata" in values:
        return np.frombuffer(base64.b64decode(values["bdata"]),
                             dtype=values["dtype"]).astype(float).tolist()
    return [float(v) for v in values or [] if isinstance(v, (int, float))]


def _value_data(trace: dict):
    if trace.get("type") == "pie":
        return trace.get("values")
    return trace.get("x") if trace.get("orientation") == "h" else trace.get("y")


def test_projects_with_no_project_over_100_million_draw_no_empty_or_negative_charts(
        signed_in):
    at = open_app("projects", {"county": "371702", "industry": "construction"}, signed_in)
    assert not at.exception
    for spec in _specs(at):
        layout = spec["layout"]
        title = layout.get("title", {}).get("text")
        numbers = [v for trace in spec["data"] for v in _numbers(_value_data(trace))]
        assert any(numbers), f"{title}: a chart with nothing to plot"
        for axis in ("xaxis", "yaxis"):
            props = layout.get(axis, {})
            if props.get("tickformat") == ",d":
                assert props.get("rangemode") == "tozero", (title, axis, props)
    # The charts that had nothing to draw say so instead.
    assert any("没有数据" in info.value for info in at.info)


def test_small_counts_are_drawn_on_a_whole_number_axis(signed_in):
    at = open_app("projects", {"county": "371702", "industry": "construction"}, signed_in)
    small = [s for s in _specs(at)
             if s["layout"].get("yaxis", {}).get("tickformat") == ",d"
             and max((v for t in s["data"] for v in _numbers(t.get("y"))), default=99) <= 6]
    assert small, "expected the projects by stage of 牡丹区's construction (1, 2, 1)"
    for spec in small:
        assert spec["layout"]["yaxis"].get("dtick") == 1


# -- links -------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def vocab(analytics):
    return links.Vocabulary(
        analytics.counties()[["county_code", "name_zh", "name_en"]].itertuples(index=False),
        analytics.industries()[["industry_code", "name_zh", "name_en"]].itertuples(
            index=False),
        analytics.provinces()[["province_code", "province_zh", "province_en"]].itertuples(
            index=False))


def test_a_link_reads_codes_chinese_labels_and_english_labels_alike(vocab):
    for value in ("371721", "曹县", "Cao County", "cao county", "３７１７２１"):
        assert links.parse({"county": [value]}, vocab, AS_OF).county == [371721], value
    for value in ("county", "县级站", "County-level"):
        assert links.parse({"level": value}, vocab, AS_OF).level == ["county"], value
    assert links.parse({"industry": "发制品"}, vocab, AS_OF).industry == ["hair"]
    assert links.parse({"province": "北京市"}, vocab, AS_OF).province == [110000]


def test_a_link_accepts_repeated_and_comma_separated_values_once_each(vocab):
    state = links.parse({"county": ["371721,371722", "曹县"]}, vocab, AS_OF)
    assert state.county == [371721, 371722]
    assert not state.ignored


@pytest.mark.parametrize(("value", "lang"), [("zh", "zh"), ("en", "en"), ("English", "en"),
                                             ("中文", "zh"), ("en-US", "en")])
def test_the_language_in_a_link_is_a_code_and_old_labels_still_work(vocab, value, lang):
    assert links.parse({"lang": value}, vocab, AS_OF).lang == lang


@pytest.mark.parametrize(("param", "value"), [("county", "999999"), ("county", "abc"),
                                              ("industry", "steel"), ("level", "town"),
                                              ("province", "11"), ("lang", "fr"),
                                              ("from", "2030-13-45"), ("to", "yesterday"),
                                              ("period", "forever")])
def test_every_value_a_link_names_in_vain_is_reported_in_both_languages(vocab, param, value):
    state = links.parse({param: value}, vocab, AS_OF)
    assert [i.param for i in state.ignored] == [param]
    assert value in state.ignored[0].message("zh") and value in state.ignored[0].message("en")
    assert "忽略" in state.ignored[0].message("zh")


@pytest.mark.parametrize(("text", "day"), [("2019-01-01", date(2019, 1, 1)),
                                           ("2019/1/1", date(2019, 1, 1)),
                                           ("2019.01.01", date(2019, 1, 1)),
                                           ("20190101", date(2019, 1, 1)),
                                           ("２０１９-０１-０１", date(2019, 1, 1))])
def test_link_dates_are_read_in_the_common_ways(vocab, text, day):
    state = links.parse({"from": text}, vocab, AS_OF)
    assert (state.start, state.period, state.ignored) == (day, "custom", [])


def test_link_dates_outside_the_programme_or_the_snapshot_are_ignored(vocab):
    assert links.parse({"from": "2014-12-31"}, vocab, AS_OF).ignored
    assert not links.parse({"from": "2015-01-01"}, vocab, AS_OF).ignored
    assert not links.parse({"to": "2020-08-31"}, vocab, AS_OF).ignored
    assert links.parse({"to": "2020-09-01"}, vocab, AS_OF).ignored


def test_a_link_whose_period_ends_before_it_starts_keeps_the_start_and_names_the_end(vocab):
    state = links.parse({"from": "2019-06-01", "to": "2019-05-31"}, vocab, AS_OF)
    assert (state.start, state.end) == (date(2019, 6, 1), None)
    assert [i.param for i in state.ignored] == ["to"]


def test_the_canonical_link_carries_codes_only_and_reads_back_the_same(vocab):
    state = links.parse({"county": ["单县", "曹县"], "industry": "Hair products",
                         "level": "市级站", "from": "2019/3/1", "lang": "English"}, vocab, AS_OF)
    params = links.to_params(state, "en")
    assert params == {"county": ["371722", "371721"], "industry": ["hair"], "level": ["city"],
                      "from": ["2019-03-01"], "lang": ["en"]}
    again = links.parse(params, vocab, AS_OF)
    assert links.to_params(again, "en") == params
    assert "lang" not in links.to_params(again, "zh")


@pytest.mark.parametrize(("period", "start", "end"), [
    ("this_year", date(2020, 1, 1), AS_OF),
    ("last_year", date(2019, 1, 1), date(2019, 12, 31)),
    ("last_12_months", date(2019, 9, 2), AS_OF),
    ("all", None, None)])
def test_period_presets_are_counted_from_the_snapshot_date(period, start, end):
    assert links.period_dates(period, AS_OF) == (start, end)
    # twelve months of days, both ends included
    if period == "last_12_months":
        assert (end - start).days + 1 == 365


# -- temporaries of killed builds ----------------------------------------------------------
def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_the_next_build_removes_what_a_killed_build_left_and_keeps_a_running_ones(tmp_path):
    out = tmp_path / "snapshot.duckdb"
    dead = tmp_path / f"snapshot.duckdb.p{_dead_pid()}-abc123.tmp"
    dead.write_bytes(b"x" * 1000)
    dead_wal = tmp_path / f"{dead.name}.wal"
    dead_wal.write_bytes(b"x")
    alive = tmp_path / f"snapshot.duckdb.p{os.getppid()}-def456.tmp"  # pytest's parent runs
    alive.write_bytes(b"x")
    old_nameless = tmp_path / "snapshot.duckdb.qwerty.tmp"
    old_nameless.write_bytes(b"x")
    stamp = time.time() - 7 * 3600
    os.utime(old_nameless, (stamp, stamp))
    new_nameless = tmp_path / "snapshot.duckdb.asdfgh.tmp"
    new_nameless.write_bytes(b"x")

    write_atomically(out, lambda con: None)
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == sorted([out.name, alive.name, new_nameless.name])


def test_cleaning_leaves_files_that_are_not_temporaries_alone(tmp_path):
    keep = [tmp_path / "snapshot.duckdb", tmp_path / "notes.tmp.txt", tmp_path / "a.json"]
    for path in keep:
        path.write_text("x")
    assert clean_temporaries(tmp_path) == []
    assert all(path.exists() for path in keep)


# -- the store -------------------------------------------------------------------------------
def _fill(snap_id: str):
    def fill(con):
        con.execute("INSERT INTO snapshot VALUES (?, now(), DATE '2020-08-31', 'imported', "
                    "NULL, 1)", [snap_id])
    return fill


def _add(store: SnapshotStore, snap_id: str, built_at: str) -> None:
    store.build(snap_id, _fill(snap_id), Manifest(snap_id, "2020-08-31", "imported", built_at))


def test_a_promote_serves_the_new_snapshot_and_history_says_who_and_what_before(tmp_path):
    store = SnapshotStore(tmp_path / "snapshots")
    assert store.current_id() is None
    _add(store, "imported-a", "2026-01-01T00:00:00")
    _add(store, "imported-b", "2026-01-02T00:00:00")
    assert store.current_id() is None  # building is not serving
    store.promote("imported-a", by="张三")
    store.promote("imported-b", by="李四")
    assert store.current_id() == "imported-b"
    history = store.history()
    assert [(h["id"], h["before"], h["by"]) for h in history] == [
        ("imported-a", None, "张三"), ("imported-b", "imported-a", "李四")]
    listed = store.list()
    assert [m.snapshot_id for m in listed] == ["imported-b", "imported-a"]
    assert [m.current for m in listed] == [True, False]
    assert listed[0].rows["snapshot"] == 1


def test_two_snapshots_built_in_the_same_second_are_listed_newest_first(tmp_path):
    store = SnapshotStore(tmp_path / "snapshots")
    _add(store, "imported-z-first", "2026-01-01T00:00:00")
    _add(store, "imported-a-second", "2026-01-01T00:00:00")  # its id sorts before the first's
    assert [m.snapshot_id for m in store.list()] == ["imported-a-second", "imported-z-first"]
    store.promote("imported-a-second")
    _add(store, "imported-m-third", "2026-01-01T00:00:00")
    assert store.prune(keep=1) == ["imported-z-first"]  # the older of the two others goes


def test_the_store_files_are_readable_by_their_owner_only(tmp_path):
    store = SnapshotStore(tmp_path / "snapshots")
    _add(store, "imported-a", "2026-01-01T00:00:00")
    store.promote("imported-a")
    for path in store.root.iterdir():
        if path.is_file():
            assert path.stat().st_mode & 0o077 == 0, path.name
    assert store.root.stat().st_mode & 0o077 == 0


def test_a_corrupt_or_mislabelled_file_is_never_promoted(tmp_path):
    store = SnapshotStore(tmp_path / "snapshots")
    _add(store, "imported-good", "2026-01-01T00:00:00")
    store.promote("imported-good")
    store.path("imported-junk").write_bytes(os.urandom(1 << 16))
    with pytest.raises(StoreError):
        store.promote("imported-junk")
    _add(store, "imported-x", "2026-01-02T00:00:00")
    os.replace(store.path("imported-x"), store.path("imported-y"))
    with pytest.raises(StoreError):
        store.promote("imported-y")
    with pytest.raises(StoreError):
        store.promote("../../etc/passwd")
    assert store.current_id() == "imported-good"


def test_pruning_keeps_the_served_the_newest_and_those_a_live_process_serves(tmp_path):
    store = SnapshotStore(tmp_path / "snapshots")
    for day in range(1, 7):
        _add(store, f"imported-{day}", f"2026-01-0{day}T00:00:00")
    store.promote("imported-2")
    store.mark_serving(["imported-1"])  # this process still has it open
    removed = store.prune(keep=2)
    assert sorted(removed) == ["imported-3", "imported-4"]
    assert store.ids() == ["imported-1", "imported-2", "imported-5", "imported-6"]


def test_a_marker_of_a_process_that_is_gone_does_not_keep_a_snapshot(tmp_path):
    store = SnapshotStore(tmp_path / "snapshots")
    for day in range(1, 4):
        _add(store, f"imported-{day}", f"2026-01-0{day}T00:00:00")
    store.promote("imported-3")
    serving = store.root / "serving"
    serving.mkdir(exist_ok=True)
    (serving / str(_dead_pid())).write_text("imported-1")
    assert sorted(store.prune(keep=0)) == ["imported-1", "imported-2"]
    assert store.ids() == ["imported-3"]
