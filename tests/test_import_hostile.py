"""Hostile and awkward files, made here (none is committed): decompression bombs, a reader
that dies, damaged workbooks and the legitimate-but-unusual files city staff bring (a cover
sheet, a header over two rows, Excel's "Unicode 文本", a web page saved as .xls, IDs written
="…"). Every bomb ends in a message, never in a dead process; every awkward file is read.
Expected values are written here, not computed by the importer."""

from __future__ import annotations

import codecs
import os
import stat
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

from data.importer import guard, pipeline
from data.importer.read import read_file
from data.store import SnapshotStore
from tests.browser_kit import app_url, browser  # noqa: F401 - fixtures
from tests.test_import import (
    AS_OF,
    MAN_1990,
    RETURNEE_HEADERS,
    STATION_HEADERS,
    id_number,
    returnee_row,
    station_row,
    write_csv,
    write_xlsx,
)

MAN_1991 = id_number("371721", "19910315", "123")  # another man

# -- making bombs ----------------------------------------------------------------------------

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/'
    'sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
    'worksheet+xml"/></Types>')
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://'
    'schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="'
    'http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>')
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.'
    'openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships"><sheets><sheet name="返乡人员" sheetId="1" r:id="rId1"/>'
    '</sheets></workbook>')
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://'
    'schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="'
    'http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/></Relationships>')
SHEET_HEAD = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http:'
              '//schemas.openxmlformats.org/spreadsheetml/2006/main">')


def _cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def bomb_book(path: Path, sheet_parts, dimension: str | None = None) -> Path:
    """A minimal XLSX whose one worksheet is the concatenation of `sheet_parts` (str or
    bytes chunks), streamed into the zip so that no test holds it whole."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        zf.writestr("_rels/.rels", ROOT_RELS)
        zf.writestr("xl/workbook.xml", WORKBOOK)
        zf.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            fh.write(SHEET_HEAD.encode())
            if dimension:
                fh.write(f'<dimension ref="{dimension}"/>'.encode())
            fh.write(b"<sheetData>")
            for part in sheet_parts:
                fh.write(part if isinstance(part, bytes) else part.encode())
            fh.write(b"</sheetData></worksheet>")
    return path


def far_cell_bomb(path: Path) -> Path:
    """1.6 KB: a header, and one cell at XFD1048576, the last cell Excel has."""
    header = "".join(_cell(f"{chr(65 + i)}1", h) for i, h in enumerate(RETURNEE_HEADERS[:3]))
    return bomb_book(path, [f'<row r="1">{header}</row>',
                            f'<row r="1048576">{_cell("XFD1048576", "x")}</row>'])


def row_bomb(path: Path, rows: int = 10_000_000) -> Path:
    """A few MB that unpack to ten million rows (written without row numbers, as some
    writers do, so that only counting them tells how many there are)."""
    header = "".join(_cell(f"{chr(65 + i)}1", h) for i, h in enumerate(RETURNEE_HEADERS[:3]))
    block = b'<row><c t="inlineStr"><is><t>1</t></is></c></row>' * 100_000
    return bomb_book(path, [f'<row r="1">{header}</row>', *(block for _ in range(rows // 100_000))])


def lines(report, lang="zh") -> str:
    return "\n".join(report.lines(lang))


@pytest.fixture
def empty_store(tmp_path, monkeypatch) -> SnapshotStore:
    """A store serving nothing yet: the checks use the reference lists shipped with the
    code, and nothing here needs a whole snapshot."""
    data = tmp_path / "data"
    (data / "snapshots").mkdir(parents=True)
    monkeypatch.setenv("HEZE_DATA_DIR", str(data))
    return SnapshotStore(data / "snapshots")


def check(store, paths, isolate=True):
    return pipeline.check([Path(p) for p in paths], as_of=AS_OF, mode="replace", store=store,
                          isolate=isolate)


# == 1-2: bombs =================================================================================

def test_one_cell_at_xfd1048576_is_refused_before_the_reader_lays_out_the_grid(tmp_path,
                                                                               empty_store):
    bomb = far_cell_bomb(tmp_path / "返乡人员.xlsx")
    assert bomb.stat().st_size < 4096
    started = time.monotonic()
    report = check(empty_store, [bomb])
    assert time.monotonic() - started < 60
    assert not report.ok
    text = lines(report)
    # the guard's own message (the child dying instead would say "内存上限")
    assert "XFD1048576" in text and "超过可读取的 40,000,000 个单元格" in text, text
    assert "XFD1048576" in lines(report, "en") and "cells that can be read" in lines(report, "en")


def test_ten_million_rows_in_a_few_megabytes_are_refused_by_counting_them(tmp_path, empty_store):
    bomb = row_bomb(tmp_path / "返乡人员.xlsx")
    assert bomb.stat().st_size < 8 << 20
    with zipfile.ZipFile(bomb) as zf:
        assert zf.getinfo("xl/worksheets/sheet1.xml").file_size > 400 << 20
    started = time.monotonic()
    report = check(empty_store, [bomb])
    assert time.monotonic() - started < 60
    text = lines(report)
    assert "超出 Excel 的上限（1,048,576 行）" in text, text
    assert "Excel's own limit of 1,048,576 rows" in lines(report, "en")


def test_a_declared_dimension_beyond_excel_and_an_oversized_unpack_are_refused(tmp_path):
    declared = bomb_book(tmp_path / "d.xlsx", ['<row r="1">' + _cell("A1", "x") + "</row>"],
                         dimension="A1:XFD99999999")
    with pytest.raises(guard.FileRejected) as exc:
        guard.inspect_xlsx(declared, "d.xlsx")
    assert exc.value.problem.key == "sheet_too_big"
    assert exc.value.problem.values["rows"] == "99,999,999"
    zeros = tmp_path / "z.xlsx"
    with zipfile.ZipFile(zeros, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/media/padding.bin", b"\0" * (3 << 20))
    with pytest.raises(guard.FileRejected) as exc:  # declared sizes, then streamed bytes
        guard.inspect_xlsx(zeros, "z.xlsx", max_unpacked=2 << 20)
    assert exc.value.problem.key == "xlsx_too_big"


@pytest.mark.parametrize("cells", [
    # a namespace prefix, as some generators write (the reader reads it all the same)
    '<x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>a</x:t></x:is></x:c></x:row>'
    '<x:row r="2"><x:c r="XFD1048576" t="inlineStr"><x:is><x:t>b</x:t></x:is></x:c></x:row>',
    # the address after another attribute
    '<row r="1"><c s="0" t="inlineStr" r="XFD1048576"><is><t>b</t></is></c></row>',
    # a cell's address disagreeing with its row's (the reader goes by the cell's)
    '<row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c>'
    '<c r="XFD1048576" t="inlineStr"><is><t>b</t></is></c></row>',
], ids=["prefixed", "address_last", "row_disagrees"])
def test_the_far_cell_is_found_however_the_sheet_is_written(tmp_path, cells):
    path = tmp_path / "b.xlsx"
    root = "x:worksheet" if cells.startswith("<x:") else "worksheet"
    data = "x:sheetData" if cells.startswith("<x:") else "sheetData"
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        zf.writestr("_rels/.rels", ROOT_RELS)
        zf.writestr("xl/workbook.xml", WORKBOOK)
        zf.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        zf.writestr("xl/worksheets/sheet1.xml",
                    f'<?xml version="1.0"?><{root} xmlns{":x" if root[0] == "x" else ""}='
                    f'"{ns}"><{data}>{cells}</{data}></{root}>')
    with pytest.raises(guard.FileRejected) as exc:
        guard.inspect_xlsx(path, "b.xlsx")
    assert exc.value.problem.key == "sheet_too_many_cells"
    assert exc.value.problem.values["cell"] == "XFD1048576"


def test_a_reader_that_exceeds_the_memory_limit_leaves_the_parent_with_a_message(tmp_path):
    """Within every limit the guard checks (39 million cells, under 40 million), the reader
    still needs gigabytes: with 1 GiB the child fails, the parent reports it."""
    header = "".join(_cell(f"{chr(65 + i)}1", h) for i, h in enumerate(RETURNEE_HEADERS[:3]))
    book = bomb_book(tmp_path / "wide.xlsx", [f'<row r="1">{header}</row>',
                                              f'<row r="1000000">{_cell("AM1000000", "x")}</row>'])
    started = time.monotonic()
    info, sheets, problems = guard.read_isolated(book, "wide.xlsx", memory=1 << 30)
    assert time.monotonic() - started < 120
    assert sheets == [] and [p.key for p in problems] == ["read_crashed"]
    assert problems[0].values == {"limit": 1024}


def test_a_killed_child_and_a_slow_one_become_messages(tmp_path, monkeypatch):
    book = write_xlsx(tmp_path / "s.xlsx", STATION_HEADERS, [station_row()])
    killer = tmp_path / "killed-python"
    killer.write_text("#!/bin/sh\nkill -9 $$\n")
    killer.chmod(killer.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setattr(guard.sys, "executable", str(killer))
    _info, _sheets, problems = guard.read_isolated(book, "s.xlsx")
    assert [p.key for p in problems] == ["read_crashed"]
    sleeper = tmp_path / "slow-python"
    sleeper.write_text("#!/bin/sh\nexec sleep 30\n")
    sleeper.chmod(sleeper.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setattr(guard.sys, "executable", str(sleeper))
    started = time.monotonic()
    _info, _sheets, problems = guard.read_isolated(book, "s.xlsx", seconds=1)
    assert time.monotonic() - started < 10
    assert [p.key for p in problems] == ["read_timeout"]


def test_the_command_line_reports_a_bomb_and_exits_1(tmp_path, empty_store, capsys):
    from data.importer.__main__ import main

    bomb = far_cell_bomb(tmp_path / "返乡人员.xlsx")
    assert main(["check", str(bomb), "--as-of", AS_OF.isoformat()]) == 1
    out = capsys.readouterr().out
    assert "XFD1048576" in out and "未导入任何数据" in out


def test_uploads_left_by_a_server_that_stopped_mid_check_are_removed_a_day_later(empty_store):
    from data.importer import service

    old = service.upload_dir(empty_store)
    (old / "返乡人员.xlsx").write_bytes(b"PK")
    recent = service.upload_dir(empty_store)
    day_ago = time.time() - 25 * 3600
    os.utime(old, (day_ago, day_ago))
    fresh = service.upload_dir(empty_store)
    assert not old.exists()
    assert recent.exists() and fresh.exists()  # another session's pending batch is kept


# == 6: messages that say what is wrong ==========================================================

def test_flipped_bytes_inside_a_workbook_say_it_is_damaged_not_empty(tmp_path, empty_store):
    good = write_xlsx(tmp_path / "good.xlsx", STATION_HEADERS, [station_row()] * 50)
    data = bytearray(good.read_bytes())
    with zipfile.ZipFile(good) as zf:
        info = zf.getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for k in range(start + 40, start + min(info.compress_size, 400) - 20, 7):
        data[k] ^= 0x5A
    bad = tmp_path / "服务站.xlsx"
    bad.write_bytes(bytes(data))
    report = check(empty_store, [bad], isolate=False)
    text = lines(report)
    assert "文件已损坏" in text and "文件是空的" not in text, text
    assert "the file is damaged" in lines(report, "en")


def test_a_formula_without_a_saved_value_is_named_not_called_empty(tmp_path, empty_store):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "服务站"
    ws.append(STATION_HEADERS)
    row = station_row()
    ws.append([row[h] if row[h] != "" else None for h in STATION_HEADERS])
    ws["B2"] = '="曹县返乡创业(" & "测试)服务站"'  # openpyxl saves no value for it
    path = tmp_path / "服务站.xlsx"
    wb.save(path)
    report = check(empty_store, [path], isolate=False)
    text = lines(report)
    assert "单元格 B2 是公式" in text and "没有保存计算结果" in text, text
    assert "必填项为空" not in text
    assert [(e.row, e.column) for e in report.errors.itertuples()] == [(2, "服务站全称")]
    assert "holds a formula without a saved value" in lines(report, "en")


def test_a_header_over_two_rows_is_read_as_one(tmp_path, empty_store):
    """服务站编号 … merged down two rows; 经度 over （WGS84）; a 站长 heading over 姓名 and 手机."""
    upper, lower = [], []
    for h in STATION_HEADERS:
        if h.endswith("（WGS84）"):
            upper.append(h[:-len("（WGS84）")])
            lower.append("（WGS84）")
        elif h in ("站长姓名", "站长手机"):
            upper.append("站长" if h == "站长姓名" else None)
            lower.append(h[2:])
        else:
            upper.append(h)
            lower.append(None)
    rows = [station_row(), station_row(服务站编号=901, 服务站全称="曹县返乡创业(测试二)服务站")]
    path = _two_row_book(tmp_path / "服务站.xlsx", upper, lower, rows)
    report = check(empty_store, [path], isolate=False)
    assert report.ok, lines(report)
    assert report.rows == {"stations": 2}
    assert "表头占两行（第 1–2 行）" in lines(report)
    frame = report.parsed["stations"].frame
    assert sorted(frame["station_id"].tolist()) == [900, 901]
    assert frame["head_mobile"].tolist() == ["13812345678"] * 2
    assert frame["lon"].tolist() == [116.41] * 2


def _two_row_book(path: Path, upper, lower, rows) -> Path:
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("服务站")
    for c, (u, v) in enumerate(zip(upper, lower, strict=True)):
        if u is not None:
            ws.write_string(0, c, u)
        if v is not None:
            ws.write_string(1, c, v)
    for r, row in enumerate(rows, 2):
        for c, h in enumerate(STATION_HEADERS):
            v = row[h]
            if v == "":
                continue
            if isinstance(v, (int, float)):
                ws.write_number(r, c, v)
            else:
                ws.write_string(r, c, v)
    wb.close()
    return path


def test_a_workbook_of_only_a_cover_says_which_sheets_lack_a_header_without_encoding_advice(
        tmp_path, empty_store):
    path = write_xlsx(tmp_path / "报表.xlsx", ["菏泽市返乡创业服务站统计表"], [["填报单位：曹县人社局"]],
                      sheet="首页")
    report = check(empty_store, [path], isolate=False)
    text = lines(report)
    assert "工作表 “首页” 的前 30 行中都找不到模板的列名" in text, text
    assert "编码" not in text


# == 7: legitimate files that were refused ======================================================

def test_a_cover_and_a_notes_sheet_before_the_data_sheet(tmp_path, empty_store):
    path = tmp_path / "服务站信息.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    cover = wb.add_worksheet("首页")
    for r, line in enumerate(["菏泽市返乡创业服务站信息统计表", "", "填报单位：曹县人社局",
                              "填报日期：2020年8月31日"]):
        cover.write_string(r, 0, line)
    notes = wb.add_worksheet("填报说明")
    notes.write_string(0, 0, "1. 身份证号请设为文本格式")
    data = wb.add_worksheet("Sheet3")
    for c, h in enumerate(STATION_HEADERS):
        data.write_string(0, c, h)
    row = station_row()
    for c, h in enumerate(STATION_HEADERS):
        if row[h] != "":
            (data.write_number if isinstance(row[h], (int, float)) else data.write_string)(
                1, c, row[h])
    wb.close()
    report = check(empty_store, [path], isolate=False)
    assert report.ok, lines(report)
    assert report.rows == {"stations": 1}
    assert "已跳过不含数据表头的工作表：“首页”" in lines(report)


def test_unicode_text_from_excel_is_read(tmp_path, empty_store):
    """Excel's "Unicode 文本": UTF-16 with a BOM, tab-separated, usually named .txt."""
    path = write_csv(tmp_path / "返乡人员.txt", RETURNEE_HEADERS, [returnee_row()],
                     encoding="utf-16", delimiter="\t")
    assert path.read_bytes().startswith(codecs.BOM_UTF16_LE)
    report = check(empty_store, [path], isolate=False)
    assert report.ok, lines(report)
    assert report.rows == {"returnees": 1}
    assert report.files[0].encoding == "UTF-16 (BOM)"
    assert report.parsed["returnees"].frame["id_number"].tolist() == [MAN_1990]


@pytest.mark.parametrize("styles", [0, 200_000], ids=["plain", "long_style_head"])
def test_a_web_page_table_saved_as_xls_is_read(tmp_path, empty_store, styles):
    """What many government systems export: GBK HTML named .xls, a merged title row, the
    ID numbers as text; Excel's own web pages carry a long style sheet before the table."""
    cells = "".join(f"<th>{h}</th>" for h in RETURNEE_HEADERS)
    first = returnee_row()
    second = returnee_row(返乡人员编号=900002, 姓名="王五", 手机号="13912345679",
                          身份证号=MAN_1991)  # one person, one record
    body = "".join("<tr>" + "".join(f'<td style="mso-number-format:\'\\@\'">{r[h]}</td>'
                                    for h in RETURNEE_HEADERS) + "</tr>" for r in (first, second))
    html = (f'<html xmlns:x="urn:schemas-microsoft-com:office:excel"><head><meta http-equiv='
            f'"Content-Type" content="text/html; charset=gb2312"><style>'
            f'{".xl65 {mso-number-format:General;}" * (styles // 32)}</style></head>'
            f'<body><table border=1>'
            f'<tr><td colspan="{len(RETURNEE_HEADERS)}">返乡人员名单</td></tr>'
            f"<tr>{cells}</tr>{body}</table></body></html>")
    path = tmp_path / "返乡人员导出.xls"
    path.write_bytes(html.encode("gbk"))
    report = check(empty_store, [path], isolate=False)
    assert report.ok, lines(report)
    assert report.rows == {"returnees": 2}
    frame = report.parsed["returnees"].frame
    assert frame["id_number"].tolist() == [MAN_1990, MAN_1991]
    assert sorted(frame["mobile"].tolist()) == ["13912345678", "13912345679"]


def test_excel_2003_xml_named_xls_is_still_refused_as_text_with_the_way_out(tmp_path,
                                                                           empty_store):
    path = tmp_path / "导出.xls"
    path.write_text('<?xml version="1.0"?><?mso-application progid="Excel.Sheet"?><Workbook '
                    'xmlns="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet><Table>'
                    '<Row><Cell><Data>服务站编号</Data></Cell></Row></Table></Worksheet></Workbook>',
                    encoding="utf-8")
    text = lines(check(empty_store, [path], isolate=False))
    assert "内容是文本" in text and "另存为 .xlsx" in text, text


def test_ids_written_as_excel_formulas_of_text_are_the_text(tmp_path, empty_store):
    row = returnee_row(身份证号=f'="{MAN_1990}"', 手机号='="13912345678"')
    path = write_csv(tmp_path / "返乡人员.csv", RETURNEE_HEADERS, [row])
    assert f'"=""{MAN_1990}"""' in path.read_text(encoding="utf-8")
    report = check(empty_store, [path], isolate=False)
    assert report.ok, lines(report)
    frame = report.parsed["returnees"].frame
    assert frame["id_number"].tolist() == [MAN_1990]
    assert frame["mobile"].tolist() == ["13912345678"]


def test_a_legitimate_workbook_reads_the_same_in_the_child(tmp_path):
    path = write_xlsx(tmp_path / "服务站.xlsx", STATION_HEADERS,
                      [station_row(服务站编号=900 + i) for i in range(20)])
    seen = []
    direct = read_file(path)
    info, sheets, problems = guard.read_isolated(path, progress=lambda f, s, n: seen.append(n))
    assert problems == direct[2] == []
    assert info.sha256 == direct[0].sha256
    assert sheets[0].frame.equals(direct[1][0].frame)
    assert seen and seen[-1] == 21


# == against a running server ===================================================================

@pytest.mark.browser
def test_the_cell_bomb_uploaded_on_the_page_leaves_the_server_up_and_no_file(
        browser, app_url, tmp_path):  # noqa: F811
    import urllib.request

    from tests.browser_kit import (
        APP_DATA,
        CHART_TIMEOUT_MS,
        new_watched_page,
        open_page,
        sign_in,
        wait_idle,
    )

    bomb = far_cell_bomb(tmp_path / "返乡人员.xlsx")
    page = new_watched_page(browser)
    try:
        sign_in(page, app_url, role="data_admin")
        open_page(page, f"{app_url}/import")
        # the first run, before the session cookie is read, does not list the page yet
        # and Streamlit says so in a dialog; the page itself is drawn behind it
        dialog = page.locator('[role="dialog"]')
        if dialog.count():
            page.keyboard.press("Escape")
            dialog.wait_for(state="detached", timeout=CHART_TIMEOUT_MS)
        page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(bomb))
        page.get_by_text("返乡人员.xlsx").first.wait_for(timeout=CHART_TIMEOUT_MS)
        wait_idle(page)
        page.get_by_role("button", name="检查", exact=True).click()
        page.get_by_text("发现 1 处错误").wait_for(timeout=120_000)
        # The error table with the declared dimension is drawn after the summary line: wait
        # for it to reach the page rather than read the page at the first idle moment.
        page.wait_for_function(
            "() => document.documentElement.innerHTML.includes('XFD1048576')",
            timeout=CHART_TIMEOUT_MS)
        with urllib.request.urlopen(f"{app_url}/_stcore/health", timeout=10) as r:
            assert r.status == 200
        open_page(page, f"{app_url}/import")  # the same server draws the page again
        uploads = [p for p in APP_DATA[app_url].rglob("*") if p.is_file()
                   and "uploads" in p.parts]
        assert uploads == []
    finally:
        page.context.close()
