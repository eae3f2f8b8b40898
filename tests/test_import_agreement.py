"""Check and load agree, and no wrong number gets in.

* Whatever `check` passes, the build stores: for every whole-number column of every table,
  a value exactly on each of its limits (the schema's CHECK, else not negative; the SQL
  type's largest value) passes and is stored as written; a value just beyond each limit,
  an empty required cell and a reference to no record are refused naming the file, the row
  and the column. The limits are read from data/schema.sql here, with the SQL types' ranges
  written out below, not taken from the importer.
* A money column must say its unit: 总投资 alone is refused; 元 is converted.
* One person, one record: the same ID number twice is refused, within a file, across
  files and against the records an append or update keeps.

The files are a few rows each; the snapshots are built from the reference data alone (no
synthetic snapshot), so each load takes a second or two.
"""

from __future__ import annotations

import json
import re
import shutil
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from data.importer import pipeline
from data.store import SnapshotStore
from data.writer import SCHEMA_PATH
from tests.test_import import (
    ACTIVITY_HEADERS,
    ENTITY_HEADERS,
    PARK_HEADERS,
    PERSON_HEADERS,
    PROJECT_HEADERS,
    RETURNEE_HEADERS,
    STATION_HEADERS,
    activity_row,
    entity_row,
    id_number,
    park_row,
    person_row,
    project_row,
    returnee_row,
    station_row,
    write_csv,
)

AS_OF = date(2020, 8, 31)
INT32 = 2**31 - 1
INT64 = 2**63 - 1
# What DuckDB's integer types hold (its documentation's table of integer types).
TYPE_RANGE = {"INTEGER": (-2**31, 2**31 - 1), "BIGINT": (-2**63, 2**63 - 1)}

HEADERS = {"stations": STATION_HEADERS, "parks": PARK_HEADERS, "outside_people": PERSON_HEADERS,
           "returnees": RETURNEE_HEADERS, "entities": ENTITY_HEADERS,
           "projects": PROJECT_HEADERS, "activities": ACTIVITY_HEADERS}
# The template's header of every schema column the tests write (the 填表说明 lists them).
COLUMN_HEADER = {
    "stations": dict(zip(["station_id", "name_zh", "level", "sponsor_county", "host_city", "lon",
                          "lat", "opened_on", "head_name", "head_mobile", "honorary_head",
                          "members", "brand_centre", "ecommerce_platform",
                          "talent_workstation", "status"], STATION_HEADERS, strict=True)),
    "parks": dict(zip(["park_id", "name_zh", "county_code", "township", "kind", "opened_on",
                       "floor_area_m2", "focus_industries", "incubation_years", "free_premises",
                       "status", "lon", "lat"], PARK_HEADERS, strict=True)),
    "outside_people": dict(zip(["person_id", "name", "id_number", "mobile", "gender",
                                "birth_date", "home_county", "home_township", "host_city",
                                "industry_code", "identity", "enterprise_size",
                                "return_intention", "station_id", "registered_on"],
                               PERSON_HEADERS, strict=True)),
    "returnees": dict(zip(["returnee_id", "name", "id_number", "mobile", "gender", "age",
                           "person_group", "returned_on", "from_city", "county_code",
                           "township_id", "industry_code", "outcome", "outside_person_id",
                           "station_id", "support"], RETURNEE_HEADERS, strict=True)),
    "entities": dict(zip(["entity_id", "name_zh", "entity_type", "returnee_id", "county_code",
                          "industry_code", "park_id", "founded_on", "registered_capital",
                          "jobs"], ENTITY_HEADERS, strict=True)),
    "projects": dict(zip(["project_id", "name_zh", "county_code", "park_id", "industry_code",
                          "investment", "stage", "signed_on", "landed_on", "station_id",
                          "investor"], PROJECT_HEADERS, strict=True)),
    "activities": dict(zip(["activity_id", "kind", "title", "held_on", "station_id",
                            "entity_id", "attendees", "amount_yuan"], ACTIVITY_HEADERS,
                           strict=True)),
}
TABLES = tuple(HEADERS)


# -- the limits, read from the schema --------------------------------------------------------

def schema_limits() -> list[tuple[str, str, int, int]]:
    """(table, column, smallest, largest) of every whole-number column that is not a
    reference: its CHECK, else not negative, within what its SQL type holds."""
    con = duckdb.connect()
    con.execute(SCHEMA_PATH.read_text(encoding="utf-8"))
    cols = con.execute("SELECT table_name, column_name, data_type FROM duckdb_columns() "
                       "ORDER BY table_name, column_index").fetchall()
    cons = con.execute("SELECT table_name, constraint_type, constraint_column_names, expression "
                       "FROM duckdb_constraints()").fetchall()
    con.close()
    refs = {(t, names[0]) for t, kind, names, _ in cons if kind == "FOREIGN KEY"}
    checks = {(t, names[0]): expr for t, kind, names, expr in cons
              if kind == "CHECK" and len(set(names)) == 1}
    out = []
    for table, column, sql_type in cols:
        if table not in TABLES or sql_type not in TYPE_RANGE or (table, column) in refs:
            continue
        lo, hi = 0, TYPE_RANGE[sql_type][1]
        expr = checks.get((table, column), "")
        if m := re.search(r">= (-?\d+)\)$", expr):
            lo = int(m.group(1))
        elif m := re.search(r"> (-?\d+)\)$", expr):
            lo = int(m.group(1)) + 1
        elif m := re.search(r"BETWEEN (-?\d+) AND (-?\d+)\)$", expr):
            lo, hi = int(m.group(1)), int(m.group(2))
        out.append((table, column, lo, hi))
    return out


def required_columns() -> list[tuple[str, str]]:
    con = duckdb.connect()
    con.execute(SCHEMA_PATH.read_text(encoding="utf-8"))
    rows = con.execute("SELECT table_name, column_name FROM duckdb_columns() "
                       "WHERE NOT is_nullable AND column_default IS NULL").fetchall()
    con.close()
    return [(t, c) for t, c in rows if t in TABLES]


def test_the_limits_read_from_the_schema_are_the_ones_it_states():
    limits = {(t, c): (lo, hi) for t, c, lo, hi in schema_limits()}
    assert limits[("projects", "investment")] == (1, INT32)
    assert limits[("returnees", "age")] == (16, 80)
    assert limits[("activities", "amount_yuan")] == (0, INT64)
    assert limits[("stations", "station_id")] == (0, INT32)
    assert limits[("parks", "floor_area_m2")] == (0, INT32)
    assert len(limits) == 16
    assert ("projects", "investment") in required_columns()
    assert ("activities", "attendees") not in required_columns()  # NOT NULL DEFAULT 0


@pytest.mark.parametrize(("sql_type", "expected"), [
    ("INTEGER", ((-2**31, 2**31 - 1), 0)), ("BIGINT", ((-2**63, 2**63 - 1), 0)),
    ("SMALLINT", ((-32768, 32767), 0)), ("UINTEGER", ((0, 4294967295), 0)),
    ("DECIMAL(9,2)", ((-999_999_999, 999_999_999), 2)),  # ±9,999,999.99 in cents
    ("VARCHAR", (None, 0)), ("DOUBLE", (None, 0))])
def test_a_column_type_added_to_the_schema_brings_its_own_range(sql_type, expected):
    from data.importer.spec import storage_range

    assert storage_range(sql_type) == expected


# -- the records ------------------------------------------------------------------------------

class Rows:
    """Rows for every table; each a valid record of its own (key, name, ID number)."""

    def __init__(self):
        self.next_key = 10
        self.next_seq = 0
        self.rows: dict[str, list[dict]] = {t: [] for t in TABLES}

    def key(self) -> int:
        self.next_key += 1
        return self.next_key

    def person_id(self, born: str = "19900315", man: bool = True) -> str:
        self.next_seq += 1
        return id_number("371721", born, f"{2 * self.next_seq + (1 if man else 0):03d}")

    def base(self, table: str, key: int | None = None, **over) -> dict:
        k = self.key() if key is None else key
        if table == "stations":
            row = station_row(服务站编号=k, 服务站全称=f"曹县返乡创业(测试{k})服务站")
        elif table == "parks":
            row = park_row(园区编号=k, 园区名称=f"曹县测试创业园{k}")
        elif table == "outside_people":
            row = person_row(人员编号=k, 身份证号=self.person_id("19850704", man=False))
        elif table == "returnees":
            row = returnee_row(返乡人员编号=k, 身份证号=self.person_id())
        elif table == "entities":
            row = entity_row(实体编号=k, 创办人=1)
        elif table == "projects":
            row = project_row(项目编号=k, 推荐引进的服务站=1)
        else:
            row = activity_row(活动编号=k, 服务站=1)
        row.update(over)
        return row

    def add(self, table: str, key: int | None = None, **over) -> tuple[str, int]:
        """Add a row; (table, its row number in the CSV: the header is row 1)."""
        self.rows[table].append(self.base(table, key, **over))
        return table, len(self.rows[table]) + 1

    def write(self, folder: Path) -> list[Path]:
        folder.mkdir(parents=True, exist_ok=True)
        return [write_csv(folder / f"{t}.csv", HEADERS[t], rows)
                for t, rows in self.rows.items() if rows]


def first_rows() -> Rows:
    """Record 1 of every table, each referring to the others by id."""
    r = Rows()
    for table in TABLES:
        r.add(table, key=1)
    return r


def set_value(rows: Rows, table: str, column: str, value) -> tuple[str, int]:
    """A row whose `column` holds `value`, the rest valid."""
    header = COLUMN_HEADER[table][column]
    over = {header: value}
    key = value if column == KEY[table] else None
    if (table, column) == ("returnees", "age") and value != "":  # born to make it true
        born = f"{2020 - int(value)}0101"
        over["身份证号"] = rows.person_id(born)
        over["返乡日期"] = "2020-05-01"
    if key is not None and not isinstance(key, int):
        key = None
    return rows.add(table, key=key, **over)


KEY = {"stations": "station_id", "parks": "park_id", "outside_people": "person_id",
       "returnees": "returnee_id", "entities": "entity_id", "projects": "project_id",
       "activities": "activity_id"}


def empty_store(root: Path) -> SnapshotStore:
    (root / "snapshots").mkdir(parents=True)
    return SnapshotStore(root / "snapshots")


def cells_of(report) -> set[tuple[str, int, str]]:
    return {(e.file, int(e.row), e.column) for e in report.errors.itertuples()
            if pd.notna(e.row) and isinstance(e.column, str)}


def stored(store: SnapshotStore, table: str, column: str, key: int):
    con = duckdb.connect(str(store.current_path()), read_only=True)
    try:
        got = con.execute(f"SELECT {column} FROM {table} WHERE {KEY[table]} = ?",  # noqa: S608
                          [key]).fetchall()
    finally:
        con.close()
    assert len(got) == 1, (table, column, key, got)
    return got[0][0]


# == item: what check passes, load stores ====================================================

def test_every_value_on_a_limit_passes_the_check_and_is_stored_as_written(tmp_path):
    rows = first_rows()
    placed = []
    for table, column, lo, hi in schema_limits():
        for value in (lo, hi):
            t, row = set_value(rows, table, column, value)
            placed.append((t, column, rows.rows[t][row - 2][HEADERS[t][0]], value))
    # references to records whose ids sit on the limits
    for value in (0, INT32):
        rows.add("entities", 创办人=value)
        rows.add("activities", 服务站="", 捐赠企业=value)
        rows.add("projects", 推荐引进的服务站=value, 所在园区=value)
    rows.add("returnees", 对应在外人员登记=INT32)
    # NOT NULL DEFAULT 0: an empty cell stores the default
    _, empty_row = rows.add("activities", 参加人数="", **{"捐款捐物折合金额（元）": ""})
    empty_key = rows.rows["activities"][empty_row - 2]["活动编号"]

    store = empty_store(tmp_path / "data")
    paths = rows.write(tmp_path / "in")
    report = pipeline.check(paths, as_of=AS_OF, mode="replace", store=store)
    assert report.ok, report.lines()[:20]
    result = pipeline.load(paths, mode="replace", store=store, by="t", keep=5, report=report)
    assert result.snapshot_id == store.current_id()
    for table, column, key, value in placed:
        assert stored(store, table, column, key) == value, (table, column, value)
    assert stored(store, "activities", "attendees", empty_key) == 0
    assert stored(store, "activities", "amount_yuan", empty_key) == 0


def test_every_value_beyond_a_limit_an_empty_required_cell_and_an_unknown_record_is_refused_at_its_cell(  # noqa: E501
        tmp_path):
    rows = first_rows()
    expected = set()

    def bad(table, row, column):
        expected.add((f"{table}.csv", row, COLUMN_HEADER[table][column]))

    for table, column, lo, hi in schema_limits():
        for value in (lo - 1, hi + 1):
            t, row = set_value(rows, table, column, value)
            bad(t, row, column)
    for table, column in required_columns():
        t, row = set_value(rows, table, column, "")
        bad(t, row, column)
    for value in (2, INT32 + 1, -1):  # no such record
        bad(*rows.add("entities", 创办人=value), "returnee_id")
        bad(*rows.add("activities", 服务站="", 捐赠企业=value), "entity_id")
        bad(*rows.add("returnees", 对应在外人员登记=value), "outside_person_id")
    store = empty_store(tmp_path / "data")
    report = pipeline.check(rows.write(tmp_path / "in"), as_of=AS_OF, mode="replace",
                            store=store)
    assert not report.ok
    got = cells_of(report)
    missing = expected - got
    assert not missing, sorted(missing)[:10]
    # nothing else is blamed: every row with a problem is one written to have it
    assert {(f, r) for f, r, _ in got} == {(f, r) for f, r, _ in expected}
    assert all(re.search(r"[\u4e00-\u9fff]", z) for z in report.errors["zh"])


def test_yuan_written_under_a_wan_yuan_header_is_refused_with_the_unit_named_not_at_the_build(
        tmp_path):
    rows = first_rows()
    rows.add("projects", **{"总投资（万元）": 150_000_000_000})  # 1,500 亿 yuan, as yuan
    store = empty_store(tmp_path / "data")
    result = pipeline.load(rows.write(tmp_path / "in"), mode="replace", as_of=AS_OF,
                           store=store, by="t", keep=5)
    assert result.snapshot_id is None
    e = result.report.errors.iloc[0]
    assert (e.file, int(e.row), e.column) == ("projects.csv", 3, "总投资（万元）")
    assert "150,000,000,000 万元" in e.zh and "2,147,483,647 万元" in e.zh and "单位" in e.zh
    assert store.current_id() is None


def test_an_amount_too_large_for_a_float_is_stored_to_the_last_digit(tmp_path):
    rows = first_rows()
    _, row = rows.add("activities", **{"捐款捐物折合金额（元）": "9,007,199,254,740,993"})
    key = rows.rows["activities"][row - 2]["活动编号"]
    store = empty_store(tmp_path / "data")
    result = pipeline.load(rows.write(tmp_path / "in"), mode="replace", as_of=AS_OF,
                           store=store, by="t", keep=5)
    assert result.snapshot_id, result.report.lines()[:10]
    assert stored(store, "activities", "amount_yuan", key) == 9_007_199_254_740_993


# == item: a money header names its unit ======================================================

@pytest.mark.parametrize(("table", "header", "template"), [
    ("projects", "总投资", "总投资（万元）"),
    ("entities", "注册资本", "注册资本（万元）"),
    ("activities", "捐款捐物折合金额", "捐款捐物折合金额（元）"),
    ("projects", "investment", "总投资（万元）"),
])
def test_a_money_column_whose_header_gives_no_unit_is_refused_asking_for_it(tmp_path, table,
                                                                             header, template):
    rows = first_rows()
    headers = [header if h == template else h for h in HEADERS[table]]
    data = [{header if k == template else k: v for k, v in r.items()} for r in rows.rows[table]]
    rows.rows[table] = []
    paths = rows.write(tmp_path / "in") + [write_csv(tmp_path / f"{table}.csv", headers, data)]
    report = pipeline.check(paths, as_of=AS_OF, mode="replace",
                            store=empty_store(tmp_path / "data"))
    assert not report.ok
    e = report.errors.iloc[0]
    assert (e.file, int(e.row), e.column) == (f"{table}.csv", 1, header)
    assert "没有写单位" in e.zh and template in e.zh and "（元）" in e.zh and "（亿元）" in e.zh
    assert "no unit" in e.en


def test_yuan_and_yi_yuan_headers_are_converted_and_amount_yuan_names_its_own_unit(tmp_path):
    rows = first_rows()
    yuan = [h if h != "总投资（万元）" else "总投资（元）" for h in PROJECT_HEADERS]
    data = [rows.base("projects", key=k, **{"总投资（万元）": v})
            for k, v in ((21, "150,000,000"), (22, "21474836470000"), (23, "3亿元"))]
    data = [{("总投资（元）" if k == "总投资（万元）" else k): v for k, v in r.items()} for r in data]
    english = [h if h != "捐款捐物折合金额（元）" else "amount_yuan" for h in ACTIVITY_HEADERS]
    gift = rows.base("activities", key=31, **{"捐款捐物折合金额（元）": 1234})
    gift = {("amount_yuan" if k == "捐款捐物折合金额（元）" else k): v for k, v in gift.items()}
    paths = rows.write(tmp_path / "in") + [
        write_csv(tmp_path / "yuan.csv", yuan, data),
        write_csv(tmp_path / "gift.csv", english, [gift])]
    store = empty_store(tmp_path / "data")
    result = pipeline.load(paths, mode="replace", as_of=AS_OF, store=store, by="t", keep=5)
    assert result.snapshot_id, result.report.lines()[:10]
    assert stored(store, "projects", "investment", 21) == 15_000
    assert stored(store, "projects", "investment", 22) == INT32
    assert stored(store, "projects", "investment", 23) == 30_000
    assert stored(store, "activities", "amount_yuan", 31) == 1234


def test_yuan_that_are_not_whole_wan_yuan_are_refused(tmp_path):
    rows = first_rows()
    yuan = [h if h != "总投资（万元）" else "总投资（元）" for h in PROJECT_HEADERS]
    data = [{("总投资（元）" if k == "总投资（万元）" else k): v
             for k, v in rows.base("projects", key=21, **{"总投资（万元）": 1234}).items()}]
    report = pipeline.check(rows.write(tmp_path / "in") + [write_csv(tmp_path / "yuan.csv",
                                                                     yuan, data)],
                            as_of=AS_OF, mode="replace", store=empty_store(tmp_path / "data"))
    assert ("yuan.csv", 2, "总投资（元）") in cells_of(report)


# == item: one person, one record ==============================================================

def test_the_same_id_number_on_two_returnees_is_refused_naming_both_rows(tmp_path):
    rows = first_rows()
    same = rows.person_id()
    rows.add("returnees", 身份证号=same)
    rows.add("returnees", 身份证号=" " + same.lower().replace("1", "１", 1))  # as typed
    report = pipeline.check(rows.write(tmp_path / "in"), as_of=AS_OF, mode="replace",
                            store=empty_store(tmp_path / "data"))
    errors = report.errors[report.errors["column"] == "身份证号"]
    by_row = {int(e.row): e.zh for e in errors.itertuples()}
    assert set(by_row) == {3, 4}
    assert "returnees.csv 第 4 行" in by_row[3] and "同一人" in by_row[3]
    assert "returnees.csv 第 3 行" in by_row[4]
    assert same not in " ".join(errors["value"].astype(str))  # masked


def test_the_same_id_number_in_two_files_is_refused_naming_the_other_file(tmp_path):
    rows = first_rows()
    same = rows.person_id("19850704", man=False)
    rows.add("outside_people", 身份证号=same)
    paths = rows.write(tmp_path / "in")
    other = rows.base("outside_people", key=99, 身份证号=same)
    paths.append(write_csv(tmp_path / "more_people.csv", PERSON_HEADERS, [other]))
    report = pipeline.check(paths, as_of=AS_OF, mode="replace",
                            store=empty_store(tmp_path / "data"))
    errors = {(e.file, int(e.row)): e.zh for e in report.errors.itertuples()
              if e.column == "身份证号"}
    assert set(errors) == {("outside_people.csv", 3), ("more_people.csv", 2)}
    assert "more_people.csv 第 2 行" in errors[("outside_people.csv", 3)]


@pytest.fixture(scope="module")
def tiny_store(tmp_path_factory) -> tuple[Path, str, str]:
    """A store serving record 1 of every table; (folder, snapshot id, returnee 1's ID)."""
    root = tmp_path_factory.mktemp("tiny")
    rows = first_rows()
    store = empty_store(root / "data")
    result = pipeline.load(rows.write(root / "in"), mode="replace", as_of=AS_OF, store=store,
                           by="t", keep=5)
    assert result.snapshot_id
    return root / "data" / "snapshots", result.snapshot_id, rows.rows["returnees"][0]["身份证号"]


@pytest.fixture
def store(tiny_store, tmp_path, monkeypatch) -> SnapshotStore:
    base, snap_id, _ = tiny_store
    root = tmp_path / "data" / "snapshots"
    root.mkdir(parents=True)
    for suffix in (".duckdb", ".json"):
        shutil.copy(base / f"{snap_id}{suffix}", root / f"{snap_id}{suffix}")
    (root / "CURRENT").write_text(snap_id + "\n", encoding="utf-8")
    monkeypatch.setenv("HEZE_DATA_DIR", str(tmp_path / "data"))
    return SnapshotStore(root)


def test_appending_a_returnee_who_is_already_stored_is_refused_naming_the_record(
        store, tiny_store, tmp_path):
    stored_id = tiny_store[2]
    p = write_csv(tmp_path / "r.csv", RETURNEE_HEADERS,
                  [returnee_row(返乡人员编号=50, 身份证号=stored_id)])
    result = pipeline.load([p], mode="append", as_of=AS_OF, store=store, by="t", keep=5)
    assert result.snapshot_id is None
    e = result.report.errors.iloc[0]
    assert (e.file, int(e.row), e.column) == ("r.csv", 2, "身份证号")
    assert "编号 1 的记录已是此人" in e.zh
    # updating record 1 itself is no duplicate; nor is a new record once 1 gets another ID
    ok = pipeline.check([write_csv(tmp_path / "u.csv", RETURNEE_HEADERS,
                                   [returnee_row(返乡人员编号=1, 身份证号=stored_id)])],
                        as_of=AS_OF, mode="update", store=store)
    assert ok.ok, ok.lines()
    other = id_number("371721", "19900315", "999")
    swap = pipeline.check([write_csv(tmp_path / "s.csv", RETURNEE_HEADERS, [
        returnee_row(返乡人员编号=1, 身份证号=other),
        returnee_row(返乡人员编号=50, 身份证号=stored_id)])],
        as_of=AS_OF, mode="update", store=store)
    assert swap.ok, swap.lines()
    refused = pipeline.check([write_csv(tmp_path / "n.csv", RETURNEE_HEADERS,
                                        [returnee_row(返乡人员编号=50, 身份证号=stored_id)])],
                             as_of=AS_OF, mode="update", store=store)
    assert not refused.ok


def test_the_update_report_counts_records_and_lists_only_the_changed_ones(store, tmp_path):
    rows = first_rows()
    one = rows.rows["projects"][0]
    p = write_csv(tmp_path / "p.csv", PROJECT_HEADERS, [
        one, dict(one, 项目编号=2, 项目名称="新项目"),
        dict(one, 项目编号=3, 项目名称="另一个新项目")])
    report = pipeline.check([p], as_of=AS_OF, mode="update", store=store)
    assert report.ok
    assert report.summary.iloc[0][["added", "changed", "unchanged", "removed"]].tolist() == \
        [2, 0, 1, 0]
    assert not any("无变化" in line and "p.csv" in line for line in report.lines())
    changed = pipeline.check([write_csv(tmp_path / "c.csv", PROJECT_HEADERS, [
        dict(one, 投资方="新投资方有限公司")])], as_of=AS_OF, mode="update", store=store)
    assert changed.summary.iloc[0][["added", "changed", "unchanged", "removed"]].tolist() == \
        [0, 1, 0, 0]
    assert any("projects 1：c.csv 第2行，变更 investor" in line for line in changed.lines())


# == the page ===================================================================================

PAGE = str(Path(__file__).resolve().parents[1] / "pages" / "data_import.py")


def page(state: dict | None = None, lang: str = "zh"):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(PAGE, default_timeout=120)
    at.session_state["lang"] = lang
    at.session_state["user_name"] = "数据管理员"
    if state is not None:
        at.session_state["data_import"] = state
    return at.run()


def shown_text(at) -> str:
    parts = [str(e.value) for kind in ("caption", "markdown", "success", "error", "warning",
                                        "text") for e in at.get(kind)]
    return "\n".join(parts)


def test_a_build_that_fails_on_confirm_says_so_and_deletes_the_upload(store, tmp_path):
    before = store.current_id()
    folder = tmp_path / "upload"
    folder.mkdir()
    p = write_csv(folder / "p.csv", PROJECT_HEADERS, [project_row(项目编号=5, 推荐引进的服务站=1)])
    report = pipeline.check([p], as_of=AS_OF, mode="append", store=store)
    assert report.ok
    # what a check that missed a limit would hand over: the build refuses it
    report.parsed["projects"].frame["investment"] = 2**40
    at = page({"report": report, "paths": [p], "mode": "append", "folder": folder})
    at.button(key="confirm").click().run()
    assert not at.exception
    text = shown_text(at)
    assert "导入失败，当前数据保持不变，上传的文件已删除" in text
    assert "生成快照失败" in text
    assert not folder.exists()
    assert store.current_id() == before
    at.run()
    assert not [b for b in at.button if b.key == "confirm"]  # the batch is gone


def test_the_problem_table_shows_blank_cells_and_room_for_the_whole_message(store, tmp_path):
    p = write_csv(tmp_path / "p.csv", PROJECT_HEADERS,
                  [project_row(项目编号=5, 推荐引进的服务站=1, 阶段="完工")])
    report = pipeline.check([p], as_of=AS_OF, mode="append", store=store)
    assert not report.ok
    at = page({"report": report, "paths": [p], "mode": "append", "folder": None})
    table = at.dataframe[0]
    df = table.value
    assert df.notna().all().all()
    assert not df.isin(["None", "nan", "<NA>"]).any().any()
    assert df["工作表"].tolist() == [""]  # a CSV has no sheet
    assert table.proto.row_height > 64  # taller rows: the grid wraps the text
    assert json.loads(table.proto.columns)["错误说明"]["width"] >= 400


def test_the_uploader_takes_every_kind_of_file_the_importer_reads(store):
    at = page()
    uploader = at.get("file_uploader")[0].proto
    assert {".txt", ".tsv", ".et", ".xlsx", ".xls", ".csv"} <= set(uploader.type)


def test_the_page_counts_an_update_and_lists_only_the_changed_records(store, tmp_path):
    one = first_rows().rows["projects"][0]
    p = write_csv(tmp_path / "p.csv", PROJECT_HEADERS, [
        dict(one, 投资方="新投资方有限公司"), dict(one, 项目编号=2, 项目名称="新项目")])
    report = pipeline.check([p], as_of=AS_OF, mode="update", store=store)
    assert report.ok
    at = page({"report": report, "paths": [p], "mode": "update", "folder": None})
    summary, changes = at.dataframe[0].value, at.dataframe[1].value
    assert summary.iloc[0].tolist() == ["项目信息库", 1, 1, 0, 0]
    assert list(summary.columns) == ["数据库", "新增", "变更", "无变化", "删除"]
    assert changes["编号"].tolist() == ["1"] and changes["变更的列"].tolist() == ["investor"]
    assert "变更的记录（共 1 条）" in shown_text(at)


def test_the_update_counts_and_a_failed_build_read_in_english_too(store, tmp_path):
    one = first_rows().rows["projects"][0]
    p = write_csv(tmp_path / "p.csv", PROJECT_HEADERS, [dict(one, 投资方="新投资方有限公司")])
    report = pipeline.check([p], as_of=AS_OF, mode="update", store=store)
    at = page({"report": report, "paths": [p], "mode": "update", "folder": None}, lang="en")
    assert list(at.dataframe[0].value.columns) == ["Database", "Added", "Changed", "Unchanged",
                                                   "Removed"]
    assert at.dataframe[0].value.iloc[0].tolist() == ["projects", 0, 1, 0, 0]
    report.parsed["projects"].frame["investment"] = 2**40
    at.button(key="confirm").click().run()
    assert not at.exception
    assert "The import failed; the served data is unchanged" in shown_text(at)
    assert "building the snapshot failed" in shown_text(at)
