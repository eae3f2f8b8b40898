"""Downloads as a user opens them in Excel or WPS: the CSV starts with a UTF-8 byte-order mark,
names the filter and the as-of date above the table, and masks people; the XLSX holds the same
table on one sheet and the filter and date on another."""

from __future__ import annotations

import csv
import io

import openpyxl
import pandas as pd
import pytest

from analytics.export import csv_bytes, xlsx_bytes
from analytics.masking import contains_unmasked

META = {"筛选条件 / filter": "县区: 单县；时间段: 2018-01-01 – 2019-12-31",
        "数据截至 / as of": "2020-08-31",
        "数据来源 / source": "演示数据 / synthetic"}


@pytest.fixture
def table() -> pd.DataFrame:
    return pd.DataFrame({
        "station": ["单县返乡创业(杭州)服务站", "菏泽市返乡创业(北京)服务站"],
        "county": ["单县", None],
        "head_name": ["孙丽", "赵建国"],
        "head_mobile": ["13900001111", "13812341234"],
        "id_number": ["37172219900101123X", "371722198512310017"],
        "members": [45, 120],
        "note": ['含逗号, 和"引号"', "第二行\n换行"],
    })


def read_csv(data: bytes) -> tuple[list[list[str]], pd.DataFrame]:
    """The rows above the table, and the table."""
    text = data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    blank = rows.index([])
    return rows[:blank], pd.read_csv(io.StringIO(text), skiprows=blank + 1, dtype=str,
                                     keep_default_na=False)


def test_the_csv_starts_with_a_byte_order_mark_so_excel_reads_it_as_utf8(table):
    data = csv_bytes(table, META)
    assert data.startswith(b"\xef\xbb\xbf")
    assert data[3:].decode("utf-8").startswith("筛选条件")
    assert data.count(b"\xef\xbb\xbf") == 1


def test_the_csv_names_the_filter_and_the_as_of_date_above_the_table(table):
    meta, _ = read_csv(csv_bytes(table, META))
    assert meta == [[k, v] for k, v in META.items()]
    assert ["数据截至 / as of", "2020-08-31"] in meta


def test_the_csv_table_has_every_column_and_row_with_people_masked(table):
    _, got = read_csv(csv_bytes(table, META))
    assert list(got.columns) == list(table.columns)
    assert got["station"].tolist() == table["station"].tolist()
    assert got["county"].tolist() == ["单县", ""]
    assert got["members"].tolist() == ["45", "120"]
    assert got["head_name"].tolist() == ["孙*", "赵**"]
    assert got["head_mobile"].tolist() == ["139****1111", "138****1234"]
    assert got["id_number"].tolist() == ["371722********123X", "371722********0017"]
    assert got["note"].tolist() == ['含逗号, 和"引号"', "第二行\n换行"]  # quoted, not split


def test_nothing_personal_is_left_in_the_csv_and_the_callers_table_is_unchanged(table):
    before = table.copy()
    text = csv_bytes(table, META).decode("utf-8-sig")
    assert contains_unmasked(table.to_csv(index=False))  # the raw table would leak
    assert not contains_unmasked(text)
    for raw in ("孙丽", "赵建国", "13900001111", "37172219900101123X"):
        assert raw not in text
    pd.testing.assert_frame_equal(table, before)


def test_the_csv_uses_windows_line_ends_for_excel(table):
    text = csv_bytes(table.drop(columns="note"), META).decode("utf-8-sig")
    assert "\r\n" in text and "\n" not in text.replace("\r\n", "")


def test_an_empty_table_still_says_what_it_is(table):
    meta, got = read_csv(csv_bytes(table.iloc[0:0], META))
    assert meta == [[k, v] for k, v in META.items()]
    assert list(got.columns) == list(table.columns) and got.empty


def open_xlsx(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data))


def sheet_rows(book, name) -> list[tuple]:
    return [tuple(row) for row in book[name].iter_rows(values_only=True)]


HEADER_ROW = 4  # title, the filter and date, a blank row, then the header


def test_the_xlsx_holds_the_table_with_people_masked_and_numbers_as_numbers(table):
    book = open_xlsx(xlsx_bytes(table, META, sheet="服务站"))
    assert book.sheetnames == ["服务站", "说明"]
    rows = sheet_rows(book, "服务站")
    assert rows[HEADER_ROW - 1] == tuple(table.columns)
    assert rows[HEADER_ROW] == ("单县返乡创业(杭州)服务站", "单县", "孙*", "139****1111",
                                "371722********123X", 45, '含逗号, 和"引号"')
    assert rows[HEADER_ROW + 1][:6] == ("菏泽市返乡创业(北京)服务站", None, "赵**", "138****1234",
                                        "371722********0017", 120)
    assert len(rows) == HEADER_ROW + 2
    assert book["服务站"].freeze_panes == f"A{HEADER_ROW + 1}"  # the header stays in view


def test_the_xlsx_names_the_filter_and_the_as_of_date_above_the_table_and_on_its_own_sheet(
        table):
    book = open_xlsx(xlsx_bytes(table, META, title="服务站排名"))
    assert book.sheetnames == ["数据", "说明"]
    rows = sheet_rows(book, "数据")
    assert rows[0][0] == "服务站排名"
    above = rows[1][0]
    for key, value in META.items():
        assert f"{key}：{value}" in above
    assert sheet_rows(book, "说明") == [("项目 / item", "内容 / value"),
                                      *((k, v) for k, v in META.items())]


def test_text_that_looks_like_a_formula_stays_text(table):
    table.loc[0, "note"] = '=HYPERLINK("http://example.invalid","点此")'
    cell = open_xlsx(xlsx_bytes(table, META))["数据"].cell(row=HEADER_ROW + 1, column=7)
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")


def test_a_long_sheet_name_is_cut_to_excels_31_characters(table):
    name = "各县区返乡创业人员与经济实体及带动就业情况汇总表按产业与服务站级别"
    assert len(name) > 31
    book = open_xlsx(xlsx_bytes(table, META, sheet=name))
    assert book.sheetnames == [name[:31], "说明"]


def test_nothing_personal_is_left_in_the_xlsx(table):
    book = open_xlsx(xlsx_bytes(table, META))
    cells = " ".join(str(v) for name in book.sheetnames for row in sheet_rows(book, name)
                     for v in row)
    assert not contains_unmasked(cells)
    assert "孙丽" not in cells and "赵建国" not in cells
