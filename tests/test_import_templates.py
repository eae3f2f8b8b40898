"""The templates come from data/schema.sql: headers, 填表说明 and drop-down lists."""

from __future__ import annotations

import re

import duckdb
import openpyxl
import pytest

from data.importer.spec import IMPORT_TABLES, split_comment, tables
from data.importer.validate import RULES
from data.importer.workbook import write_templates
from data.writer import SCHEMA_PATH
from tests.test_import import (
    ACTIVITY_HEADERS,
    ENTITY_HEADERS,
    PARK_HEADERS,
    PERSON_HEADERS,
    PROJECT_HEADERS,
    RETURNEE_HEADERS,
    STATION_HEADERS,
)

EXPECTED = {"服务站信息库": STATION_HEADERS, "在外人员信息库": PERSON_HEADERS,
            "返乡创业人员信息库": RETURNEE_HEADERS, "经济实体": ENTITY_HEADERS,
            "项目信息库": PROJECT_HEADERS, "园区(基地)信息库": PARK_HEADERS,
            "活动与捐赠": ACTIVITY_HEADERS}
BOOKS = {"stations": ["服务站信息库"], "outside_people": ["在外人员信息库"],
         "returnees": ["返乡创业人员信息库", "经济实体"], "projects": ["项目信息库"],
         "parks": ["园区(基地)信息库"], "activities": ["活动与捐赠"]}


@pytest.fixture(scope="module")
def templates(tmp_path_factory, snapshot_file):
    con = duckdb.connect(str(snapshot_file), read_only=True)
    ref = {t: con.execute(f"SELECT * FROM {t}").df()
           for t in ("counties", "townships", "host_cities", "industries")}
    names = {"stations": [r[0] for r in con.execute("SELECT name_zh FROM stations").fetchall()],
             "parks": [r[0] for r in con.execute("SELECT name_zh FROM parks").fetchall()]}
    con.close()
    out = tmp_path_factory.mktemp("templates")
    return {p.name: p for p in write_templates(out, ref, names)}


def schema_catalogue():
    con = duckdb.connect()
    con.execute(SCHEMA_PATH.read_text(encoding="utf-8"))
    cols = con.execute("""SELECT table_name, column_name, is_nullable, column_default
                          FROM duckdb_columns() ORDER BY table_name, column_index""").fetchall()
    rules = con.execute("""SELECT expression FROM duckdb_constraints()
                           WHERE constraint_type = 'CHECK' AND len(list_distinct(
                               constraint_column_names)) > 1""").fetchall()
    con.close()
    return cols, [r[0] for r in rules]


@pytest.mark.parametrize(("comment", "header", "unit"), [
    ("总投资（万元）/ total investment in 万元", "总投资（万元）", "万元"),
    ("站长姓名（个人信息，展示时脱敏）/ station head, masked on display", "站长姓名", None),
    ("级别：city 市级 / county 县级 / level", "级别", None),
    ("身份证号（个人信息，展示时脱敏）/ 18-digit ID number, masked", "身份证号", None),
    ("落地（开工）日期，在建或投产才有 / landing date", "落地（开工）日期", None),
    ("创业 business（领办创办经济实体）或 就业 job / outcome", "创业或就业", None),
    ("身份：entrepreneur 企业家, worker 务工人员", "身份", None),
])
def test_the_header_is_the_chinese_part_of_the_column_comment(comment, header, unit):
    got_header, _, _, got_unit = split_comment(comment)
    assert (got_header, got_unit) == (header, unit)


def test_each_workbook_has_its_sheets_with_the_headers_in_schema_order(templates):
    for book, sheets in BOOKS.items():
        wb = openpyxl.load_workbook(next(p for n, p in templates.items()
                                         if n.endswith(f"_{book}.xlsx")))
        visible = [ws.title for ws in wb.worksheets if ws.sheet_state == "visible"]
        assert visible == [*sheets, "填表说明"]
        for sheet in sheets:
            assert [c.value for c in wb[sheet][1]] == EXPECTED[sheet]


def test_the_all_workbook_has_a_sheet_for_every_database(templates):
    wb = openpyxl.load_workbook(templates["五库全部_all.xlsx"])
    assert [ws.title for ws in wb.worksheets if ws.sheet_state == "visible"] == [
        "服务站信息库", "在外人员信息库", "返乡创业人员信息库", "经济实体", "项目信息库", "园区(基地)信息库",
        "活动与捐赠", "填表说明"]


def test_the_instructions_say_which_columns_are_required_as_the_schema_does(templates):
    cols, _ = schema_catalogue()
    required = {(t, c) for t, c, nullable, default in cols
                if t in IMPORT_TABLES and not nullable and default is None}
    wb = openpyxl.load_workbook(templates["五库全部_all.xlsx"])
    rows = [r for r in wb["填表说明"].iter_rows(min_row=2, values_only=True) if r[2]]
    title_of = {t.title: t.name for t in tables().values()}
    said = {(title_of[r[0]], r[2]) for r in rows if r[3] == "是"}
    assert said == required
    assert len(rows) == sum(1 for t, *_ in cols if t in IMPORT_TABLES)
    stage = next(r for r in rows if r[2] == "stage")
    assert stage[5] == "洽谈、签约、在建、投产"


def test_code_columns_carry_drop_down_lists_and_townships_depend_on_the_county(templates):
    wb = openpyxl.load_workbook(templates["返乡创业人员信息库_returnees.xlsx"])
    ws = wb["返乡创业人员信息库"]
    by_column = {}
    for dv in ws.data_validations.dataValidation:
        for rng in str(dv.sqref).split():
            by_column[re.match(r"[A-Z]+", rng).group()] = (dv.type, dv.formula1)
    letter = {h: openpyxl.utils.get_column_letter(i + 1) for i, h in enumerate(RETURNEE_HEADERS)}
    for header in ("性别", "群体", "返乡前所在城市", "返乡所在县区", "创业就业行业", "创业或就业", "享受扶持"):
        kind, formula = by_column[letter[header]]
        assert kind == "list" and formula.startswith("_lists!"), header
    assert by_column[letter["返乡所在乡镇"]] == ("list", f"INDIRECT(${letter['返乡所在县区']}2)")
    assert by_column[letter["返乡日期"]][0] == "date"
    names = wb.defined_names
    assert "曹县" in names and "菏泽高新技术产业开发区" in names
    lists = wb["_lists"]
    assert lists.sheet_state == "hidden"
    cao = names["曹县"].attr_text
    col = re.search(r"\$([A-Z]+)\$", cao).group(1)
    towns = [c.value for c in lists[col][1:] if c.value]
    assert "庄寨镇" in towns and "西城街道" not in towns


def test_station_and_park_lists_name_the_current_ones(templates):
    wb = openpyxl.load_workbook(templates["项目信息库_projects.xlsx"])
    lists = wb["_lists"]
    heads = {c.value: c.column_letter for c in lists[1]}
    stations = [c.value for c in lists[heads["stations"]][1:] if c.value]
    assert len(stations) == 246 and "菏泽市返乡创业(杭州)服务站" in stations


def test_every_rule_the_schema_states_has_a_check(tmp_path):
    _, rules = schema_catalogue()
    assert set(rules) == set(RULES)
    assert {r for t in tables().values() for r in t.rules} == set(RULES)


def test_id_number_columns_are_text_formatted_in_the_template(templates):
    wb = openpyxl.load_workbook(templates["在外人员信息库_outside_people.xlsx"])
    ws = wb["在外人员信息库"]
    letter = openpyxl.utils.get_column_letter(PERSON_HEADERS.index("身份证号") + 1)
    assert ws.column_dimensions[letter].number_format == "@"
