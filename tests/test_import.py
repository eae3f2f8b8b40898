"""Importing the five databases: malformed files are refused with the right row and column
and change nothing; valid variants load; modes, templates, the CLI and the report.

Each test gets a snapshot store of its own whose served snapshot is the session's scale-1
synthetic snapshot (a hard link: snapshot files are never written), and files of a few
rows that add to it. Expected values are written here, never computed by the importer.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import duckdb
import openpyxl
import pytest
import xlsxwriter

from data.identity import id_check_char
from data.importer import pipeline
from data.importer.workbook import bad_rows_xlsx, export, write_templates
from data.store import Manifest, SnapshotStore

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "import"
AS_OF = date(2020, 8, 31)

PROJECT_HEADERS = ["项目编号", "项目名称", "落地县区", "所在园区", "所属产业", "总投资（万元）", "阶段",
                   "签约日期", "落地（开工）日期", "推荐引进的服务站", "投资方"]
STATION_HEADERS = ["服务站编号", "服务站全称", "级别", "主办县区", "驻在城市", "经度（WGS84）",
                   "纬度（WGS84）", "揭牌日期", "站长姓名", "站长手机", "名誉站长", "会员数", "品牌运营中心",
                   "电子商务平台", "是否设招才引智工作站", "状态"]
RETURNEE_HEADERS = ["返乡人员编号", "姓名", "身份证号", "手机号", "性别", "返乡时年龄", "群体", "返乡日期",
                    "返乡前所在城市", "返乡所在县区", "返乡所在乡镇", "创业就业行业", "创业或就业",
                    "对应在外人员登记", "推荐服务站", "享受扶持"]
PERSON_HEADERS = ["人员编号", "姓名", "身份证号", "手机号", "性别", "出生日期", "户籍县区", "户籍乡镇",
                  "在外所在城市", "从事行业", "身份", "所办企业规模", "返乡意向", "登记服务站", "登记日期"]
ENTITY_HEADERS = ["实体编号", "实体名称", "类型", "创办人", "所在县区", "所属产业", "入驻园区", "成立日期",
                  "注册资本（万元）", "带动就业人数"]
ACTIVITY_HEADERS = ["活动编号", "类型", "活动名称", "日期", "服务站", "捐赠企业", "参加人数",
                    "捐款捐物折合金额（元）"]
PARK_HEADERS = ["园区编号", "园区名称", "所在县区", "所在乡镇", "类型", "启用日期", "建筑面积（平方米）",
                "重点产业代码", "孵化期（年）", "是否免费提供场地", "状态", "经度（WGS84）", "纬度（WGS84）"]
HANGZHOU = "菏泽市返乡创业(杭州)服务站"


def id_number(region: str, born: str, seq: str) -> str:
    first17 = f"{region}{born}{seq}"
    return first17 + id_check_char(first17)


MAN_1990 = id_number("371721", "19900315", "123")  # odd 17th digit: a man
WOMAN_1985 = id_number("372922", "19850704", "246")  # 菏泽地区 曹县 code, a woman


def project_row(**over):
    row = {"项目编号": 900001, "项目名称": "曹县测试木业项目", "落地县区": "曹县", "所在园区": "",
           "所属产业": "木制品与家具", "总投资（万元）": 15000, "阶段": "在建", "签约日期": "2020-03-01",
           "落地（开工）日期": "2020-06-01", "推荐引进的服务站": HANGZHOU, "投资方": "曹县某木业有限公司"}
    row.update(over)
    return row


def station_row(**over):
    row = {"服务站编号": 900, "服务站全称": "曹县返乡创业(测试)服务站", "级别": "县级站", "主办县区": "曹县",
           "驻在城市": "北京", "经度（WGS84）": 116.41, "纬度（WGS84）": 39.9, "揭牌日期": "2019-05-01",
           "站长姓名": "张三", "站长手机": "13812345678", "名誉站长": "", "会员数": 50,
           "品牌运营中心": "", "电子商务平台": "", "是否设招才引智工作站": "否", "状态": "运行"}
    row.update(over)
    return row


def returnee_row(**over):
    row = {"返乡人员编号": 900001, "姓名": "李四", "身份证号": MAN_1990, "手机号": "13912345678",
           "性别": "男", "返乡时年龄": 30, "群体": "务工人员", "返乡日期": "2020-05-01",
           "返乡前所在城市": "北京", "返乡所在县区": "曹县", "返乡所在乡镇": "庄寨镇",
           "创业就业行业": "木制品与家具", "创业或就业": "创业", "对应在外人员登记": "",
           "推荐服务站": "", "享受扶持": "培训"}
    row.update(over)
    return row


def person_row(**over):
    row = {"人员编号": 900001, "姓名": "王芳", "身份证号": WOMAN_1985, "手机号": "15012345678",
           "性别": "女", "出生日期": "1985-07-04", "户籍县区": "曹县", "户籍乡镇": "王集镇",
           "在外所在城市": "上海", "从事行业": "现代服务业", "身份": "企业家", "所办企业规模": "小型",
           "返乡意向": "观望", "登记服务站": "", "登记日期": "2019-03-01"}
    row.update(over)
    return row


def entity_row(**over):
    row = {"实体编号": 900001, "实体名称": "曹县测试木业有限公司", "类型": "企业", "创办人": 1,
           "所在县区": "曹县", "所属产业": "木制品与家具", "入驻园区": "", "成立日期": "2020-06-01",
           "注册资本（万元）": 100, "带动就业人数": 10}
    row.update(over)
    return row


def activity_row(**over):
    row = {"活动编号": 900001, "类型": "招聘会", "活动名称": "返乡就业招聘会（测试）", "日期": "2020-06-01",
           "服务站": HANGZHOU, "捐赠企业": "", "参加人数": 100, "捐款捐物折合金额（元）": 0}
    row.update(over)
    return row


def park_row(**over):
    row = {"园区编号": 900, "园区名称": "曹县测试创业园", "所在县区": "曹县", "所在乡镇": "庄寨镇",
           "类型": "创业园", "启用日期": "2019-01-01", "建筑面积（平方米）": 1000,
           "重点产业代码": "木制品与家具、农村电商", "孵化期（年）": "", "是否免费提供场地": "否",
           "状态": "运营", "经度（WGS84）": 115.3, "纬度（WGS84）": 34.9}
    row.update(over)
    return row


# -- writing files --------------------------------------------------------------------------

def write_csv(path: Path, headers, rows, encoding="utf-8", above=(), delimiter=",") -> Path:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n", delimiter=delimiter)
    for line in above:
        w.writerow(line)
    w.writerow(headers)
    for row in rows:
        w.writerow([row.get(h, "") if isinstance(row, dict) else v
                    for h, v in zip(headers, row if not isinstance(row, dict) else headers,
                                    strict=True)])
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def write_xlsx(path: Path, headers, rows, sheet="Sheet1", above=(), raw=None) -> Path:
    """Cells keep their Python types: numbers as numbers, dates as dates, text as text."""
    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False,
                                         "strings_to_formulas": False,
                                         "strings_to_urls": False})
    ws = wb.add_worksheet(sheet)
    dates = wb.add_format({"num_format": "yyyy-mm-dd"})
    r = 0
    for line in above:
        for c, v in enumerate(line):
            ws.write(r, c, v)
        r += 1
    for c, h in enumerate(headers):
        ws.write_string(r, c, h)
    for row in rows:
        r += 1
        for c, h in enumerate(headers):
            v = row.get(h) if isinstance(row, dict) else row[c]
            if raw and h in raw:
                v = raw[h]
            if v is None or v == "":
                continue
            if isinstance(v, (date, datetime)):
                ws.write_datetime(r, c, v, dates)
            elif isinstance(v, (int, float)):
                ws.write_number(r, c, v)
            else:
                ws.write_string(r, c, str(v))
    wb.close()
    return path


# -- the store ----------------------------------------------------------------------------------

SMALL_PEOPLE = 3000  # people kept from the scale-1 snapshot: every build takes a second


def small_copy(source: Path, out: Path) -> None:
    """The scale-1 snapshot cut to its first people (and what refers to them), with every
    station, park and project: each load in these tests builds a whole snapshot."""
    from data.writer import write_atomically

    def fill(con):
        con.execute(f"ATTACH '{source}' AS s (READ_ONLY)")
        for t in ("snapshot", "counties", "townships", "host_cities", "industries", "stations",
                  "parks"):
            con.execute(f"INSERT INTO {t} SELECT * FROM s.{t}")
        con.execute("""INSERT INTO outside_people SELECT * FROM s.outside_people
                       WHERE person_id <= ? OR person_id IN
                             (SELECT outside_person_id FROM s.returnees WHERE returnee_id <= ?)""",
                    [SMALL_PEOPLE, SMALL_PEOPLE])
        con.execute("INSERT INTO returnees SELECT * FROM s.returnees WHERE returnee_id <= ?",
                    [SMALL_PEOPLE])
        con.execute("""INSERT INTO entities SELECT * FROM s.entities
                       WHERE returnee_id <= ?""", [SMALL_PEOPLE])
        con.execute("INSERT INTO projects SELECT * FROM s.projects")
        con.execute("""INSERT INTO activities SELECT * FROM s.activities
                       WHERE entity_id IS NULL OR entity_id IN (SELECT entity_id FROM entities)""")
        con.execute("DETACH s")

    write_atomically(out, fill)


@pytest.fixture(scope="session")
def base_store(tmp_path_factory, snapshot_file):
    root = tmp_path_factory.mktemp("base_store") / "snapshots"
    root.mkdir()
    con = duckdb.connect(str(snapshot_file), read_only=True)
    snap_id, built_at = con.execute("SELECT snapshot_id, built_at FROM snapshot").fetchone()
    con.close()
    small_copy(snapshot_file, root / f"{snap_id}.duckdb")
    (root / f"{snap_id}.json").write_text(Manifest(
        snapshot_id=snap_id, as_of=AS_OF.isoformat(), source="synthetic",
        built_at=built_at.isoformat(), mode="demo").to_json(), encoding="utf-8")
    return root, snap_id


@pytest.fixture
def store(base_store, tmp_path, monkeypatch) -> SnapshotStore:
    base, snap_id = base_store
    data = tmp_path / "data"
    root = data / "snapshots"
    root.mkdir(parents=True)
    os.link(base / f"{snap_id}.duckdb", root / f"{snap_id}.duckdb")
    shutil.copy(base / f"{snap_id}.json", root / f"{snap_id}.json")
    (root / "CURRENT").write_text(snap_id + "\n", encoding="utf-8")
    monkeypatch.setenv("HEZE_DATA_DIR", str(data))
    return SnapshotStore(root)


def served_state(store: SnapshotStore):
    path = store.current_path()
    st = path.stat()
    return store.current_id(), (st.st_ino, st.st_size, st.st_mtime_ns), len(store.ids())


def run(store, paths, mode="append", as_of=AS_OF):
    return pipeline.load([Path(p) for p in paths], mode=mode, as_of=as_of, store=store,
                         by="test", keep=5)


def errors_of(report):
    import pandas as pd

    return [(e.file, None if pd.isna(e.row) else int(e.row),
             None if pd.isna(e.column) else e.column, e.zh)
            for e in report.errors.itertuples()]


def assert_rejected(store, paths, expected, mode="append"):
    """Rejected with every expected (row, column, message fragment); nothing changed."""
    before = served_state(store)
    result = run(store, paths, mode)
    assert result.snapshot_id is None
    assert not result.report.ok
    got = errors_of(result.report)
    for row, column, fragment in expected:
        assert any(r == row and c == column and fragment in z for _, r, c, z in got), \
            f"expected ({row}, {column}, {fragment}) in {got[:10]}"
    assert served_state(store) == before
    return result.report


# == malformed files: one per failure kind ===================================================

def _cases():
    """(id, build(tmp) -> (paths, expected [(row, column, fragment)], mode))."""
    c = {}

    def case(name, mode="append"):
        def deco(fn):
            c[name] = (fn, mode)
            return fn
        return deco

    @case("empty_file")
    def _(t):
        (t / "empty.csv").write_bytes(b"")
        return [t / "empty.csv"], [(None, None, "文件是空的")]

    @case("empty_workbook")
    def _(t):
        wb = xlsxwriter.Workbook(str(t / "blank.xlsx"))
        wb.add_worksheet("Sheet1")
        wb.close()
        return [t / "blank.xlsx"], [(None, None, "文件是空的")]

    @case("header_only")
    def _(t):
        return [write_csv(t / "p.csv", PROJECT_HEADERS, [])], [(1, None, "只有表头")]

    @case("binary_junk_named_xlsx")
    def _(t):
        (t / "junk.xlsx").write_bytes(bytes(range(256)) * 40)
        return [t / "junk.xlsx"], [(None, None, "不是有效的 Excel 文件")]

    @case("csv_named_xls")
    def _(t):
        p = write_csv(t / "export.xls", PROJECT_HEADERS, [project_row()])
        return [p], [(None, None, "内容是文本")]

    @case("zip_that_is_not_a_workbook")
    def _(t):
        import zipfile

        with zipfile.ZipFile(t / "fake.xlsx", "w") as zf:
            zf.writestr("hello.txt", "not a workbook")
        return [t / "fake.xlsx"], [(None, None, "不是有效的 Excel 文件")]

    @case("unsupported_extension")
    def _(t):
        (t / "notes.docx").write_bytes(b"PK\x03\x04rest")
        return [t / "notes.docx"], [(None, None, "不支持的文件类型")]

    @case("truncated_csv")
    def _(t):
        p = write_csv(t / "p.csv", PROJECT_HEADERS,
                      [project_row(), project_row(项目编号=900002), project_row(项目编号=900003)])
        data = p.read_bytes()
        p.write_bytes(data[: data.rindex(b"2020-03-01")])  # cut inside the last row
        return [p], [(4, None, "CSV 文件格式错误")]

    @case("unclosed_quote")
    def _(t):
        p = t / "p.csv"
        write_csv(p, PROJECT_HEADERS, [project_row()])
        p.write_bytes(p.read_bytes() + b'900002,"unfinished name,\r\n')
        return [p], [(3, None, "引号")]

    @case("big5_encoding")
    def _(t):
        text = "服務站編號,服務站全稱,級別\r\n1,菏澤市返鄉創業(拉薩)服務站,市級站\r\n" * 20
        (t / "big5.csv").write_bytes(text.encode("big5"))
        return [t / "big5.csv"], [(None, None, "无法识别文件编码")]

    @case("utf16_without_bom")
    def _(t):  # with a BOM (Excel's "Unicode 文本") it is read: tests/test_import_hostile.py
        p = write_csv(t / "p.csv", PROJECT_HEADERS, [project_row()], encoding="utf-16-le")
        return [p], [(None, None, "无法识别文件编码")]

    @case("gbk_row_in_a_utf8_file")
    def _(t):
        p = write_csv(t / "p.csv", PROJECT_HEADERS, [project_row()])
        extra = ",".join(str(v) for v in project_row(项目编号=900002).values())
        p.write_bytes(p.read_bytes() + extra.encode("gbk") + b"\r\n")
        return [p], [(None, None, "混用了不同编码")]

    @case("no_header")
    def _(t):
        p = write_csv(t / "p.csv", ["a", "b", "c"], [{"a": 1, "b": 2, "c": 3}])
        return [p], [(None, None, "找不到表头")]

    @case("missing_required_column")
    def _(t):
        headers = [h for h in PROJECT_HEADERS if h != "项目名称"]
        return [write_csv(t / "p.csv", headers, [project_row()])], \
            [(1, "项目名称", "缺少必填列")]

    @case("duplicate_column")
    def _(t):
        headers = [*PROJECT_HEADERS, "项目名称"]
        rows = [[*project_row().values(), "又一个名称"]]
        return [write_csv(t / "p.csv", headers, rows)], [(1, "项目名称", "出现了两次")]

    @case("unknown_money_unit")
    def _(t):
        headers = [h if h != "总投资（万元）" else "总投资（美元）" for h in PROJECT_HEADERS]
        return [write_csv(t / "p.csv", headers, [list(project_row().values())])], \
            [(1, "总投资（美元）", "单位")]

    def cell(name, table, headers, row_fn, column, value, fragment, mode="append"):
        @case(name, mode)
        def _(t):
            row = row_fn(**{column: value})
            return [write_csv(t / f"{table}.csv", headers, [row])], [(2, column, fragment)]

    cell("required_value_empty", "p", PROJECT_HEADERS, project_row, "项目名称", "", "必填项为空")
    cell("not_a_number", "p", PROJECT_HEADERS, project_row, "总投资（万元）", "一亿五千万", "应为数字")
    cell("not_whole", "s", STATION_HEADERS, station_row, "会员数", "12.5", "应为整数")
    cell("negative_count", "s", STATION_HEADERS, station_row, "会员数", "-3", "不能为负数")
    cell("zero_investment", "p", PROJECT_HEADERS, project_row, "总投资（万元）", "0", "应大于 0")
    cell("age_out_of_range", "r", RETURNEE_HEADERS, returnee_row, "返乡时年龄", "90", "应在 16 到 80")
    cell("unreadable_date", "p", PROJECT_HEADERS, project_row, "签约日期", "去年三月", "日期无法识别")
    cell("impossible_date", "p", PROJECT_HEADERS, project_row, "签约日期", "2020-02-30", "日期不存在")
    cell("date_before_programme", "p", PROJECT_HEADERS, project_row, "签约日期", "2010-05-01",
         "早于 2015-01-01")
    cell("date_after_as_of", "a", ACTIVITY_HEADERS, activity_row, "日期", "2020-09-01",
         "晚于数据截止日期 2020-08-31")
    cell("unknown_code", "p", PROJECT_HEADERS, project_row, "阶段", "完工", "不是允许的值")
    cell("unknown_county", "p", PROJECT_HEADERS, project_row, "落地县区", "朝阳区", "不是菏泽市的县区")
    cell("township_of_another_county", "r", RETURNEE_HEADERS, returnee_row, "返乡所在乡镇", "西城街道",
         "不是曹县的乡镇街道")
    cell("unknown_city", "r", RETURNEE_HEADERS, returnee_row, "返乡前所在城市", "火星", "不是已登记的驻在城市")
    cell("unknown_industry", "p", PROJECT_HEADERS, project_row, "所属产业", "航天", "不是已登记的产业")
    cell("unknown_station", "p", PROJECT_HEADERS, project_row, "推荐引进的服务站",
         "菏泽市返乡创业(火星)服务站", "找不到该服务站")
    cell("unknown_park", "p", PROJECT_HEADERS, project_row, "所在园区", "不存在的创业园", "找不到该园区")
    cell("entity_of_unknown_returnee", "e", ENTITY_HEADERS, entity_row, "创办人", "999999999",
         "没有编号为 999999999 的记录")
    cell("unknown_outside_record", "r", RETURNEE_HEADERS, returnee_row, "对应在外人员登记",
         "99999999", "没有编号为 99999999 的记录")
    cell("id_scientific_text", "r", RETURNEE_HEADERS, returnee_row, "身份证号", "3.71722E+17",
         "设为“文本”")
    cell("id_check_digit", "r", RETURNEE_HEADERS, returnee_row, "身份证号",
         MAN_1990[:-1] + ("0" if MAN_1990[-1] != "0" else "1"), "校验位错误")
    cell("id_impossible_birth", "r", RETURNEE_HEADERS, returnee_row, "身份证号",
         id_number("371721", "19901345", "123"), "出生日期不存在")
    cell("id_region_not_heze", "r", RETURNEE_HEADERS, returnee_row, "身份证号",
         id_number("110101", "19900315", "123"), "不是菏泽市")
    cell("id_region_liangshan", "r", RETURNEE_HEADERS, returnee_row, "身份证号",
         id_number("372927", "19700315", "123"), "梁山县")
    cell("id_15_digits", "r", RETURNEE_HEADERS, returnee_row, "身份证号", "371721900315123",
         "15位旧身份证号")
    cell("id_wrong_length", "r", RETURNEE_HEADERS, returnee_row, "身份证号", "37172119900315", "应为18位")
    cell("mobile_10_digits", "r", RETURNEE_HEADERS, returnee_row, "手机号", "1391234567", "11位")
    cell("mobile_unknown_prefix", "r", RETURNEE_HEADERS, returnee_row, "手机号", "15412345678",
         "号段 154 不存在")
    cell("gender_differs_from_id", "r", RETURNEE_HEADERS, returnee_row, "性别", "女",
         "性别与身份证号不一致")
    cell("birth_date_differs_from_id", "o", PERSON_HEADERS, person_row, "出生日期", "1985-07-05",
         "出生日期与身份证号不一致")
    cell("age_differs_from_id", "r", RETURNEE_HEADERS, returnee_row, "返乡时年龄", "45",
         "相差超过1岁")
    cell("not_yes_or_no", "s", STATION_HEADERS, station_row, "是否设招才引智工作站", "也许", "应为“是”或“否”")
    @case("city_station_with_sponsor")
    def _(t):
        p = write_csv(t / "s.csv", STATION_HEADERS, [station_row(级别="市级站")])
        return [p], [(2, "主办县区", "市级站不填主办县区")]
    cell("operating_without_landing", "p", PROJECT_HEADERS, project_row, "落地（开工）日期", "",
         "必须有落地日期")
    cell("landed_before_signed", "p", PROJECT_HEADERS, project_row, "落地（开工）日期", "2020-01-01",
         "落地日期早于签约日期")
    cell("signed_without_date", "p", PROJECT_HEADERS, project_row, "签约日期", "", "必须有签约日期")
    cell("activity_without_station_or_business", "a", ACTIVITY_HEADERS, activity_row, "服务站", "",
         "至少填一项")
    cell("station_outside_china", "s", STATION_HEADERS, station_row, "经度（WGS84）", "16.41",
         "超出中国范围")
    cell("park_outside_heze", "k", PARK_HEADERS, park_row, "纬度（WGS84）", "36.9", "不在菏泽市范围内")
    cell("unknown_focus_industry", "k", PARK_HEADERS, park_row, "重点产业代码", "木制品与家具、航天",
         "不是已登记的产业")
    cell("existing_key_in_append_mode", "p", PROJECT_HEADERS, project_row, "项目编号", "1",
         "编号已存在于当前数据中")
    cell("existing_station_name", "s", STATION_HEADERS, station_row, "服务站全称", HANGZHOU,
         "名称重复")

    @case("id_stored_as_a_number_in_excel")
    def _(t):
        p = write_xlsx(t / "r.xlsx", RETURNEE_HEADERS, [returnee_row()],
                       raw={"身份证号": 371721199003151234})
        return [p], [(2, "身份证号", "设为“文本”")]

    @case("duplicate_key_within_a_file")
    def _(t):
        p = write_csv(t / "p.csv", PROJECT_HEADERS, [project_row(), project_row(项目名称="另一个")])
        return [p], [(3, "项目编号", "编号重复：与p.csv 第 2 行相同"),
                     (2, "项目编号", "编号重复：与p.csv 第 3 行相同")]

    @case("duplicate_key_across_files")
    def _(t):
        a = write_csv(t / "a.csv", PROJECT_HEADERS, [project_row()])
        b = write_csv(t / "b.csv", PROJECT_HEADERS, [project_row(项目名称="另一个")])
        return [a, b], [(2, "项目编号", "b.csv 第 2 行")]

    @case("one_outside_record_two_returnees")
    def _(t):
        p = write_csv(t / "r.csv", RETURNEE_HEADERS, [
            returnee_row(对应在外人员登记=5),
            returnee_row(返乡人员编号=900002, 对应在外人员登记=5)])
        return [p], [(3, "对应在外人员登记", "对应了多个返乡人员")]

    @case("replace_drops_stations_still_referred_to", mode="replace")
    def _(t):
        p = write_csv(t / "s.csv", STATION_HEADERS, [station_row()])
        return [p], [(None, "服务站编号", "引用的服务站信息库编号在新数据中不存在")]

    @case("bad_amount_in_legacy_xls")
    def _(t):
        return [FIXTURES / "projects_bad_amount.xls"], [(2, "总投资（万元）", "应为数字")]

    return c


CASES = _cases()


@pytest.mark.parametrize("name", list(CASES))
def test_a_malformed_file_is_rejected_at_its_row_and_column_and_changes_nothing(
        name, store, tmp_path):
    build, mode = CASES[name]
    paths, expected = build(tmp_path)
    assert_rejected(store, paths, expected, mode=mode)


def test_there_are_at_least_40_kinds_of_malformed_file():
    assert len(CASES) >= 40


def test_an_as_of_date_before_the_current_data_s_is_refused_when_data_is_carried_over(
        store, tmp_path):
    p = write_csv(tmp_path / "p.csv", PROJECT_HEADERS, [project_row(签约日期="2019-03-01",
                                                                    **{"落地（开工）日期": "2019-06-01"})])
    before = served_state(store)
    result = pipeline.load([p], mode="append", as_of=date(2019, 12, 31), store=store, by="t")
    assert not result.report.ok
    assert "早于当前数据的截止日期 2020-08-31" in result.report.errors["zh"].iloc[0]
    assert served_state(store) == before


def test_every_failure_of_a_file_is_reported_not_only_the_first(store, tmp_path):
    p = write_csv(tmp_path / "r.csv", RETURNEE_HEADERS, [
        returnee_row(手机号="123"),
        returnee_row(返乡人员编号=900002, 身份证号="3.71722E+17", 返乡日期="2030-01-01"),
        returnee_row(返乡人员编号=900003, 群体="宇航员",
                     身份证号=id_number("371721", "19900315", "135"))])
    report = assert_rejected(store, [p], [
        (2, "手机号", "11位"), (3, "身份证号", "设为“文本”"), (3, "返乡日期", "晚于"),
        (4, "群体", "不是允许的值")])
    assert report.error_count == 4


def test_the_served_snapshot_is_byte_identical_after_a_batch_of_malformed_files(store, tmp_path):
    served = store.current_path()
    before = hashlib.sha256(served.read_bytes()).hexdigest()
    paths = []
    for name in ("truncated_csv", "unknown_county", "id_check_digit", "header_only"):
        folder = tmp_path / name
        folder.mkdir()
        paths += CASES[name][0](folder)[0]
    result = run(store, paths)
    assert result.snapshot_id is None
    assert hashlib.sha256(served.read_bytes()).hexdigest() == before
    assert store.ids() == [store.current_id()]


def test_personal_values_are_masked_in_the_report(store, tmp_path):
    bad_id = MAN_1990[:-1] + ("0" if MAN_1990[-1] != "0" else "1")
    p = write_csv(tmp_path / "r.csv", RETURNEE_HEADERS, [returnee_row(身份证号=bad_id)])
    report = run(store, [p]).report
    shown = report.errors.loc[report.errors["column"] == "身份证号", "value"].iloc[0]
    assert shown == bad_id[:6] + "********" + bad_id[-4:]
    assert bad_id not in "\n".join(report.lines())


def test_the_bad_rows_workbook_holds_each_failed_row_as_written_with_its_problems(store,
                                                                                  tmp_path):
    p = write_csv(tmp_path / "p.csv", PROJECT_HEADERS, [
        project_row(), project_row(项目编号=900002, 阶段="完工", 落地县区="火星"),
        project_row(项目编号=900003)])
    report = run(store, [p]).report
    out = tmp_path / "bad.xlsx"
    bad_rows_xlsx(report, out)
    wb = openpyxl.load_workbook(out)
    sheet = wb["p"]
    header = [c.value for c in sheet[1]]
    assert header == ["原行号", *PROJECT_HEADERS, "错误说明"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 1
    assert rows[0][0] == 3
    assert rows[0][2] == "曹县测试木业项目"
    assert "“阶段”" in rows[0][-1] and "“落地县区”" in rows[0][-1]
    summary = list(wb["错误汇总"].iter_rows(min_row=2, values_only=True))
    assert len(summary) == 2


# == valid variants ========================================================================

def loaded(store, table, key, snapshot_id=None):
    path = store.path(snapshot_id or store.current_id())
    con = duckdb.connect(str(path), read_only=True)
    try:
        key_col = {"projects": "project_id", "returnees": "returnee_id", "stations": "station_id",
                   "outside_people": "person_id", "entities": "entity_id", "parks": "park_id",
                   "activities": "activity_id"}[table]
        df = con.execute(f"SELECT * FROM {table} WHERE {key_col} = ?", [key]).df()
    finally:
        con.close()
    return df.iloc[0].to_dict() if len(df) else None


def accept(store, paths, mode="append"):
    result = run(store, paths, mode)
    assert result.report.ok, result.report.lines()[:20]
    assert result.snapshot_id == store.current_id()
    return result


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_a_csv_in_each_accepted_encoding_loads(store, tmp_path, encoding):
    name = "曹县测试木业项目" + ("䶮" if encoding == "gb18030" else "")  # 䶮 is in GB18030, not GBK
    p = write_csv(tmp_path / "p.csv", PROJECT_HEADERS, [project_row(项目名称=name)] * 1,
                  encoding=encoding)
    result = accept(store, [p])
    assert result.report.files[0].encoding == {"utf-8": "UTF-8", "utf-8-sig": "UTF-8 (BOM)",
                                               "gbk": "GBK", "gb18030": "GB18030"}[encoding]
    row = loaded(store, "projects", 900001)
    assert row["name_zh"] == name
    assert row["county_code"] == 371721
    assert row["station_id"] == 5 or isinstance(row["station_id"], int)


def test_a_legacy_xls_with_a_title_row_loads(store):
    accept(store, [FIXTURES / "projects_legacy.xls"])
    row = loaded(store, "projects", 910001)
    assert (row["county_code"], row["industry_code"], row["investment"], row["stage"]) == (
        371723, "machinery", 23000, "building")
    assert row["landed_on"].date() == date(2020, 6, 1)
    assert loaded(store, "projects", 910002)["signed_on"] is pd_nat()


def pd_nat():
    import pandas as pd

    return pd.NaT


def test_an_xlsx_as_excel_writes_it_loads_with_numbers_and_dates_as_cells(store, tmp_path):
    p = write_xlsx(tmp_path / "r.xlsx", RETURNEE_HEADERS, [returnee_row(
        返乡日期=date(2020, 5, 1), 返乡时年龄=30, 手机号=13912345678)], sheet="返乡创业人员信息库")
    accept(store, [p])
    row = loaded(store, "returnees", 900001)
    assert (row["id_number"], row["mobile"], row["age"]) == (MAN_1990, "13912345678", 30)
    assert row["returned_on"].date() == date(2020, 5, 1)


def test_a_wps_style_xlsx_with_merged_title_text_numbers_and_serial_dates_loads(store, tmp_path):
    # WPS saves through its own writer: shared strings, a merged title, numbers typed as text
    # and dates left as serial numbers in General cells. openpyxl writes such a file.
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "项目信息库"
    ws.append(["菏泽市返乡创业项目信息表"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(PROJECT_HEADERS))
    ws.append([])
    ws.append(PROJECT_HEADERS)
    row = project_row(总投资="15000")
    values = list(row.values())
    values[5] = "15000"
    values[7] = 43891  # 2020-03-01 as an Excel serial
    values[8] = 43983.0  # 2020-06-01
    ws.append(values)
    wb.save(tmp_path / "wps.xlsx")
    accept(store, [tmp_path / "wps.xlsx"])
    got = loaded(store, "projects", 900001)
    assert got["signed_on"].date() == date(2020, 3, 1)
    assert got["landed_on"].date() == date(2020, 6, 1)
    assert got["investment"] == 15000


def test_title_and_blank_rows_above_the_header_and_blank_rows_between_are_skipped(store,
                                                                                  tmp_path):
    p = write_csv(tmp_path / "p.csv", PROJECT_HEADERS,
                  [project_row(), {h: "" for h in PROJECT_HEADERS}, project_row(项目编号=900002)],
                  above=[["菏泽市返乡创业项目统计表"], [], ["填报单位：曹县人社局", "", "日期：2020年8月"]])
    accept(store, [p])
    assert loaded(store, "projects", 900002)["name_zh"] == "曹县测试木业项目"


@pytest.mark.parametrize("written", ["2020年6月1日", "2020/6/1", "2020.6.1", "20200601",
                                     "43983", "2020-06-01 00:00:00", "２０２０－０６－０１"])
def test_every_accepted_way_of_writing_a_date_reads_as_that_date(store, tmp_path, written):
    p = write_csv(tmp_path / "p.csv", PROJECT_HEADERS, [project_row(**{"落地（开工）日期": written})])
    accept(store, [p])
    assert loaded(store, "projects", 900001)["landed_on"].date() == date(2020, 6, 1)


def test_full_width_digits_spaces_and_brackets_are_read_as_ordinary_ones(store, tmp_path):
    p = write_csv(tmp_path / "r.csv", RETURNEE_HEADERS, [returnee_row(
        返乡人员编号="９００００１", 手机号="１３９ １２３４ ５６７８", 身份证号=" " + MAN_1990.replace("1", "１"),
        返乡时年龄="３０", 返乡所在县区="　曹县　")])
    accept(store, [p])
    row = loaded(store, "returnees", 900001)
    assert (row["mobile"], row["id_number"], row["county_code"]) == ("13912345678", MAN_1990,
                                                                      371721)


def test_headers_may_be_the_schema_s_column_names(store, tmp_path):
    english = ["project_id", "name_zh", "county_code", "park_id", "industry_code",
               "investment（万元）", "stage", "signed_on", "landed_on", "station_id", "investor"]
    rows = [dict(zip(english, project_row(落地县区="371721", 所属产业="wood", 阶段="building",
                                          推荐引进的服务站="5").values(), strict=True))]
    accept(store, [write_csv(tmp_path / "projects.csv", english, rows)])
    row = loaded(store, "projects", 900001)
    assert (row["county_code"], row["industry_code"], row["station_id"]) == (371721, "wood", 5)


def test_an_amount_in_yi_yuan_is_converted_to_wan_yuan(store, tmp_path):
    headers = [h if h != "总投资（万元）" else "总投资（亿元）" for h in PROJECT_HEADERS]
    rows = [dict(zip(headers, project_row(**{"总投资（万元）": "1.25"}).values(), strict=True)),
            dict(zip(headers, project_row(项目编号=900002, **{"总投资（万元）": "3000万元"}).values(),
                     strict=True))]
    accept(store, [write_csv(tmp_path / "p.csv", headers, rows)])
    assert loaded(store, "projects", 900001)["investment"] == 12_500
    assert loaded(store, "projects", 900002)["investment"] == 3_000


def test_a_tab_separated_file_loads(store, tmp_path):
    accept(store, [write_csv(tmp_path / "p.tsv", PROJECT_HEADERS, [project_row()],
                             delimiter="\t")])
    assert loaded(store, "projects", 900001) is not None


def test_historic_region_codes_and_heze_prefixed_county_names_are_accepted(store, tmp_path):
    rows = [person_row(),  # 372922: 曹县 under the former prefecture
            person_row(人员编号=900002, 身份证号=id_number("371727", "20050101", "124"),
                       出生日期="2005-01-01", 户籍县区="山东省菏泽市定陶区", 户籍乡镇="天中街道",
                       身份="务工人员", 所办企业规模="")]
    accept(store, [write_csv(tmp_path / "o.csv", PERSON_HEADERS, rows)])
    assert loaded(store, "outside_people", 900002)["home_county"] == 371703


def test_a_formula_like_name_is_stored_as_text_and_exported_safely(store, tmp_path):
    formula = '=HYPERLINK("http://example.invalid","点我")'
    p = write_csv(tmp_path / "p.csv", PROJECT_HEADERS, [project_row(项目名称=formula,
                                                                    投资方="+86某公司")])
    accept(store, [p])
    assert loaded(store, "projects", 900001)["name_zh"] == formula
    out = tmp_path / "out"
    export(store.current_path(), out, "xlsx", only=("projects",))
    wb = openpyxl.load_workbook(next(out.glob("*.xlsx")))
    ws = wb.worksheets[0]
    cells = [c for row in ws.iter_rows() for c in row if c.value == formula]
    assert len(cells) == 1 and cells[0].data_type == "s"
    export(store.current_path(), out, "csv", only=("projects",))
    text = next(out.glob("*.csv")).read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK(" in text and "'+86某公司" in text
    # and the guarded CSV reads back to the same text
    again = tmp_path / "again.csv"
    rows = list(csv.DictReader(io.StringIO(text)))
    mine = [r for r in rows if r["项目编号"] == "900001"]
    write_csv(again, PROJECT_HEADERS, [{**mine[0], "项目编号": "900002"}])
    accept(store, [again])
    assert loaded(store, "projects", 900002)["name_zh"] == formula
    assert loaded(store, "projects", 900002)["investor"] == "+86某公司"


def test_a_filled_in_template_loads(store, tmp_path):
    ref = {t: duckdb.connect(str(store.current_path()), read_only=True)
           .execute(f"SELECT * FROM {t}").df() for t in ("counties", "townships", "host_cities",
                                                          "industries")}
    write_templates(tmp_path / "tpl", ref, {})
    path = next((tmp_path / "tpl").glob("*_projects.xlsx"))
    wb = openpyxl.load_workbook(path)
    ws = wb["项目信息库"]
    for c, v in enumerate(project_row().values(), 1):
        ws.cell(row=2, column=c, value=v if v != "" else None)
    wb.save(path)
    accept(store, [path])
    assert loaded(store, "projects", 900001)["investor"] == "曹县某木业有限公司"


# == modes ===================================================================================

def test_append_adds_records_to_every_table_and_keeps_all_others(store, tmp_path):
    before = duckdb.connect(str(store.current_path()), read_only=True)
    counts = {t: before.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
              for t in ("stations", "returnees", "projects", "outside_people")}
    before.close()
    paths = [write_csv(tmp_path / "s.csv", STATION_HEADERS, [station_row()]),
             write_csv(tmp_path / "r.csv", RETURNEE_HEADERS,
                       [returnee_row(推荐服务站="曹县返乡创业(测试)服务站")]),
             write_csv(tmp_path / "p.csv", PROJECT_HEADERS, [project_row()])]
    accept(store, paths)
    con = duckdb.connect(str(store.current_path()), read_only=True)
    after = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in counts}
    source = con.execute("SELECT source FROM snapshot").fetchone()[0]
    con.close()
    assert after == {"stations": counts["stations"] + 1, "returnees": counts["returnees"] + 1,
                     "projects": counts["projects"] + 1, "outside_people": counts["outside_people"]}
    assert source == "imported"
    assert loaded(store, "returnees", 900001)["station_id"] == 900


def test_update_changes_existing_records_and_says_which_columns_changed(store, tmp_path):
    original = loaded(store, "projects", 1)
    p = write_csv(tmp_path / "p.csv", PROJECT_HEADERS, [
        project_row(项目编号=1, 项目名称=original["name_zh"], 投资方="新投资方有限公司"),
        project_row(项目编号=900001)])
    # the rest of project 1 as it is, written the way the template shows it
    result = run(store, [p], mode="update")
    assert result.report.ok
    changes = result.report.changes
    row1 = changes[changes["key"] == 1].iloc[0]
    assert "investor" in row1["columns"].split(",")
    assert int(row1["row"]) == 2
    assert any(line.startswith("  projects 1：p.csv 第2行，变更 ") and "investor" in line
               for line in result.report.lines())
    assert loaded(store, "projects", 1)["investor"] == "新投资方有限公司"
    assert loaded(store, "projects", 900001) is not None
    con = duckdb.connect(str(store.current_path()), read_only=True)
    assert con.execute("SELECT count(*) FROM projects WHERE project_id = 1").fetchone()[0] == 1
    con.close()


def test_replace_swaps_one_database_and_carries_the_others_over(store, tmp_path):
    con = duckdb.connect(str(store.current_path()), read_only=True)
    returnees = con.execute("SELECT count(*) FROM returnees").fetchone()[0]
    con.close()
    accept(store, [write_csv(tmp_path / "p.csv", PROJECT_HEADERS,
                             [project_row(), project_row(项目编号=900002)])], mode="replace")
    con = duckdb.connect(str(store.current_path()), read_only=True)
    assert con.execute("SELECT count(*) FROM projects").fetchone()[0] == 2
    assert con.execute("SELECT count(*) FROM returnees").fetchone()[0] == returnees
    con.close()


def test_every_load_is_a_new_snapshot_with_a_manifest_of_its_sources(store, tmp_path):
    old = store.current_id()
    p = write_csv(tmp_path / "p.csv", PROJECT_HEADERS, [project_row()])
    result = accept(store, [p])
    m = store.manifest(result.snapshot_id)
    assert (m.source, m.imported_by, m.mode, m.as_of) == ("imported", "test", "append",
                                                          "2020-08-31")
    assert m.files == [{"name": "p.csv", "sha256": hashlib.sha256(p.read_bytes()).hexdigest(),
                        "rows": 1, "tables": {"projects": 1}, "encoding": "UTF-8"}]
    assert m.rows["projects"] > 1
    assert result.previous_id == old and store.path(old).exists()
    assert store.history()[-1]["id"] == result.snapshot_id


def test_prune_keeps_the_served_snapshot_and_the_newest_others(store, tmp_path):
    ids = []
    for i in range(3):
        p = write_csv(tmp_path / f"p{i}.csv", PROJECT_HEADERS, [project_row(项目编号=900001 + i)])
        ids.append(pipeline.load([p], mode="append", as_of=AS_OF, store=store, by="t",
                                 keep=1).snapshot_id)
    assert set(store.ids()) == {ids[-1], ids[-2]}


# == the CLI ===================================================================================

def cli(*args, env=None):
    return subprocess.run([sys.executable, "-m", "data.importer", *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, env={**os.environ, **(env or {})},
                          timeout=300)


def test_cli_check_exits_0_for_valid_1_for_rejected_and_2_for_bad_usage(store, tmp_path):
    good = write_csv(tmp_path / "good.csv", PROJECT_HEADERS, [project_row()])
    bad = write_csv(tmp_path / "bad.csv", PROJECT_HEADERS, [project_row(阶段="完工")])
    ok = cli("check", good, "--mode", "append", "--as-of", "2020-08-31")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "检查通过：1 行" in ok.stdout
    rejected = cli("check", bad, "--mode", "append", "--as-of", "2020-08-31", "--report",
                   tmp_path / "r.xlsx")
    assert rejected.returncode == 1
    assert "bad.csv · 第2行 · “阶段”：不是允许的值" in rejected.stdout
    assert (tmp_path / "r.xlsx").exists()
    assert cli("check").returncode == 2
    assert cli("load", good, "--mode", "sideways").returncode == 2
    assert cli("check", good, "--as-of", "31/08/2020").returncode == 2
    english = cli("--lang", "en", "check", bad, "--mode", "append", "--as-of", "2020-08-31")
    assert "not an allowed value" in english.stdout


def test_cli_load_list_current_promote_and_compare(store, tmp_path):
    old = store.current_id()
    p = write_csv(tmp_path / "p.csv", PROJECT_HEADERS, [project_row()])
    loaded_out = cli("load", p, "--mode", "append", "--as-of", "2020-08-31", "--by", "管理员")
    assert loaded_out.returncode == 0, loaded_out.stderr
    new = store.current_id()
    assert new != old and new in loaded_out.stdout
    assert cli("current").stdout.splitlines()[0] == new
    listing = cli("list").stdout
    assert f"* {new}" in listing and "管理员" in listing and "p.csv" in listing
    compared = cli("compare", old, new)
    assert compared.returncode == 0
    assert "返乡创业服务站" in compared.stdout and "曹县" in compared.stdout
    assert cli("promote", old).returncode == 0
    assert store.current_id() == old
    assert cli("promote", "no-such-snapshot").returncode == 1


def test_cli_load_prints_rows_read_per_file_on_stderr(store, tmp_path):
    p = write_csv(tmp_path / "p.csv", PROJECT_HEADERS, [project_row()])
    out = cli("check", p, "--mode", "append", "--as-of", "2020-08-31")
    assert "rows read:" in out.stderr and "p.csv" in out.stderr


def test_cli_export_records_who_took_the_unmasked_data(store, tmp_path):
    out = cli("export", tmp_path / "x", "--format", "csv", "--by", "审计员")
    assert out.returncode == 0, out.stderr
    entry = json.loads((store.root / "exports.jsonl").read_text(encoding="utf-8").splitlines()[-1])
    assert entry["by"] == "审计员" and entry["id"] == store.current_id()
    assert len(list((tmp_path / "x").glob("*.csv"))) == 7
