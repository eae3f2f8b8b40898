"""Targets from Excel: the template filled in and read back, the targets in force written out
and read back, and a file with bad rows — every one named by row, column, value and reason,
and nothing stored."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook, load_workbook

from targets import TargetInput, TargetStore
from targets import sheet as xl

CAO, SHAN, ZONE = 371721, 371722, 371771


@pytest.fixture
def store(tmp_path):
    return TargetStore(tmp_path / "app.db")


def book(rows, *, header=xl.COLUMNS, title: str | None = None, percent_cells=()) -> bytes:
    """A workbook with an optional title row, the header and `rows`."""
    wb = Workbook()
    ws = wb.active
    ws.title = xl.SHEET
    if title:
        ws.append([title])
        ws.append([])
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    for ref in percent_cells:
        ws[ref].number_format = "0%"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def fill(template: bytes, rows) -> bytes:
    wb = load_workbook(io.BytesIO(template))
    ws = wb[xl.SHEET]
    for row in rows:
        ws.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_the_template_has_the_columns_a_guide_and_drop_down_lists():
    wb = load_workbook(io.BytesIO(xl.workbook()))
    assert wb.sheetnames[:2] == [xl.SHEET, xl.GUIDE]
    ws = wb[xl.SHEET]
    assert [c.value for c in ws[1]] == ["年度", "指标", "县区", "目标值", "单位"]
    assert ws.max_row == 1  # no example rows that would be imported by mistake
    lists = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in ws.data_validations.dataValidation}
    assert set(lists) == {"A2", "B2", "C2", "E2"}
    indicators = [c.value for c in wb[xl.LISTS]["A"] if c.value]
    assert "返乡创业就业" in indicators and "捐款捐物" not in indicators
    guide = " ".join(str(c.value) for row in wb[xl.GUIDE].iter_rows() for c in row if c.value)
    assert "留空表示全市" in guide and "亿元" in guide


def test_a_filled_template_is_read_in_every_accepted_spelling(store):
    data = fill(xl.workbook(), [
        (2020, "返乡创业就业", None, 35000, "人"),
        ("2020年", "返乡创业就业", "曹县", "6,000", ""),
        (2020, "领办创办经济实体", 371722, 1.2, "万家"),
        (2020, "Investment of those projects", "经开区", 80, "亿元"),
        (2020, "服务站推荐引进占比", "全市", 70, "%"),
        (2021, "jobs", "Cao County", "５０００", None),  # full-width digits
    ])
    got = xl.read(data)
    assert got.ok, [e.describe() for e in got.errors]
    assert got.targets == [
        TargetInput("returnees", 2020, 35_000, None),
        TargetInput("returnees", 2020, 6_000, CAO),
        TargetInput("entities", 2020, 12_000, SHAN),
        TargetInput("big_investment", 2020, 800_000, ZONE),
        TargetInput("big_station_share", 2020, 0.7, None),
        TargetInput("jobs", 2021, 5_000, CAO),
    ]
    outcome = store.apply(got.targets, by="admin", note="filled.xlsx")
    assert outcome.created == 6
    assert store.get("big_investment", 2020, ZONE).value == 800_000


def test_a_percent_formatted_cell_is_read_as_the_share_it_shows():
    got = xl.read(book([(2020, "服务站推荐引进占比", None, 0.7, None)], percent_cells=["D2"]))
    assert got.targets == [TargetInput("big_station_share", 2020, 0.7, None)]


def test_a_title_row_above_the_header_and_english_headers_are_accepted():
    got = xl.read(book([(2020, "returnees", "", 100, "")], title="2020年返乡创业目标",
                       header=("Year", "Indicator", "County", "Target", "Unit")))
    assert got.ok and got.targets == [TargetInput("returnees", 2020, 100, None)]


def test_the_targets_in_force_written_out_read_back_as_the_same_targets(store):
    wanted = [TargetInput("returnees", 2020, 35_000), TargetInput("returnees", 2020, 6_000, CAO),
              TargetInput("big_investment", 2020, 812_345.5), TargetInput("jobs", 2020, 9, ZONE),
              TargetInput("big_station_share", 2020, 0.725)]
    store.apply(wanted, by="admin")
    again = xl.read(xl.workbook(store.current(2020)))
    assert again.ok
    assert sorted(again.targets, key=repr) == sorted(wanted, key=repr)
    assert store.apply(again.targets, by="admin").unchanged == len(wanted)


BAD_ROWS = [
    # row 2 is good; every other row has exactly the failure named in EXPECTED
    (2020, "返乡创业就业", None, 35000, None),
    (None, "返乡创业就业", "单县", 100, None),
    (2014, "返乡创业就业", "单县", 100, None),
    ("明年", "返乡创业就业", "单县", 100, None),
    (2020, None, "单县", 100, None),
    (2020, "返乡人数", "单县", 100, None),
    (2020, "捐款捐物", "单县", 100, None),
    (2020, "返乡创业就业", "菏泽县", 100, None),
    (2020, "返乡创业就业", "成武县", None, None),
    (2020, "返乡创业就业", "成武县", "三千", None),
    (2020, "返乡创业就业", "巨野县", -5, None),
    (2020, "返乡创业就业", "郓城县", 10.5, None),
    (2020, "返乡创业就业", "鄄城县", 100, "亿元"),
    (2020, "服务站推荐引进占比", None, 120, "%"),
    (2020, "返乡创业就业", None, 36000, None),
    (2020, "返乡创业就业", "东明县", "=HYPERLINK(\"http://x\")", None),
]
EXPECTED = [  # (Excel row, column, value, words of the Chinese message)
    (3, "年度", "", "年度不能为空"),
    (4, "年度", "2014", "年度须在 2015–2100 之间"),
    (5, "年度", "明年", "年度须为四位数年份"),
    (6, "指标", "", "指标不能为空"),
    (7, "指标", "返乡人数", "没有这个指标"),
    (8, "指标", "捐款捐物", "「捐款捐物」不设年度目标"),
    (9, "县区", "菏泽县", "没有这个县区"),
    (10, "目标值", "", "目标值不能为空"),
    (11, "目标值", "三千", "目标值须为数字"),
    (12, "目标值", "-5", "目标值须大于0"),
    (13, "目标值", "10.5", "须为整数"),
    (14, "单位", "亿元", "单位只能是：人、万人、people"),
    (15, "目标值", "120", "比例目标不能超过100%"),
    (16, "指标", "返乡创业就业", "与第2行重复"),
    (17, "目标值", '=HYPERLINK("http://x")', "没有计算结果的公式"),
]


def test_every_bad_row_is_named_with_its_row_column_value_and_reason_and_nothing_is_stored(
        store):
    store.set("returnees", 2020, 30_000, by="admin")
    before = store.history()
    got = xl.read(book(BAD_ROWS))
    found = [(e.row, e.column, e.value) for e in got.errors]
    assert found == [(row, col, value) for row, col, value, _ in EXPECTED]
    for error, (_, _, _, words) in zip(got.errors, EXPECTED, strict=True):
        assert words in error.zh, (error.row, error.zh)
        assert error.en and error.en != error.zh
    assert got.targets == []  # the good row 2 is not taken either
    assert store.history() == before


def test_the_error_report_lists_each_bad_row_with_an_added_explanation_column():
    got = xl.read(book(BAD_ROWS))
    wb = load_workbook(io.BytesIO(xl.error_report(got)))
    ws = wb.active
    header = [c.value for c in ws[1]]
    assert header == ["行号", *xl.COLUMNS, "错误说明"]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in rows] == [row for row, *_ in EXPECTED]
    assert "第13行" in rows[10][-1] and "须为整数" in rows[10][-1]
    formula = ws.cell(row=len(rows) + 1, column=5)
    assert formula.data_type == "s" and formula.value.startswith("=HYPERLINK")


@pytest.mark.parametrize("data, words", [
    (b"", "文件为空"),
    (b"PK\x03\x04 not really a workbook", "不是 Excel 工作簿"),
    ("年度,指标,目标值\n2020,返乡创业就业,1\n".encode(), "不是 Excel 工作簿"),
])
def test_a_file_that_is_not_a_workbook_says_so(data, words):
    got = xl.read(data)
    assert not got.ok and words in got.errors[0].zh and got.errors[0].row is None


def test_a_sheet_without_the_header_or_without_rows_says_what_is_missing():
    no_header = xl.read(book([(2020, "返乡创业就业", None, 1)], header=("年", "名称", "县", "数")))
    assert "找不到表头" in no_header.errors[0].zh
    empty = xl.read(xl.workbook())
    assert "没有目标" in empty.errors[0].zh
