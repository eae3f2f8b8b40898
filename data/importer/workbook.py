"""Writing workbooks: the templates, the export of a snapshot in the template layout, and the
XLSX of the rows that failed with a 错误说明 column.

Everything is written with XlsxWriter with formula and URL conversion off, and every text
cell through write_string: a name such as =HYPERLINK(...) stays text when Excel opens it.
In CSV exports such a text gets a leading apostrophe (the common guard against formula
injection), which the importer removes again.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import xlsxwriter

from analytics.export import defuse
from data.importer.spec import (
    ALL_WORKBOOK,
    REFERENCE_TABLES,
    WORKBOOKS,
    Column,
    Table,
    format_zh,
    tables,
)
from data.importer.text import ui

XLSX_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False,
                "strings_to_numbers": False, "default_date_format": "yyyy-mm-dd",
                "constant_memory": False}
LISTS_SHEET = "_lists"
LAST_ROW = 1_048_575


def workbook_file(name: str, ext: str = "xlsx") -> str:
    if name == ALL_WORKBOOK:
        return f"五库全部_all.{ext}"
    return f"{tables()[WORKBOOKS[name][0]].title}_{name}.{ext}"


def table_file(table: str, ext: str = "csv") -> str:
    return f"{tables()[table].title}_{table}.{ext}"


def _safe_sheet(name: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", "_", name)[:31] or "Sheet"
    out, i = base, 1
    while out in used:
        i += 1
        out = f"{base[:28]}_{i}"
    used.add(out)
    return out


# -- templates ------------------------------------------------------------------------------

class _Lists:
    """The hidden sheet of drop-down lists, and the names that point into it."""

    def __init__(self, wb: xlsxwriter.Workbook, reference: dict[str, pd.DataFrame],
                 names: dict[str, list[str]]):
        self.wb = wb
        self.ref = reference
        self.names = names
        self.columns: list[tuple[str, list[str]]] = []
        self.ranges: dict[str, str] = {}

    def add(self, key: str, values: list[str], define: str | None = None) -> str:
        if key in self.ranges:
            return self.ranges[key]
        letter = xlsxwriter.utility.xl_col_to_name(len(self.columns))
        self.columns.append((key, [str(v) for v in values]))
        rng = f"={LISTS_SHEET}!${letter}$2:${letter}${max(len(values), 1) + 1}"
        if define:
            self.wb.define_name(define, rng)
        self.ranges[key] = rng
        return rng

    def flush(self) -> None:
        """The hidden sheet itself, after the visible ones."""
        ws = self.wb.add_worksheet(LISTS_SHEET)
        ws.hide()
        for col, (key, values) in enumerate(self.columns):
            ws.write_string(0, col, key)
            for i, v in enumerate(values, 1):
                ws.write_string(i, col, v)

    def for_column(self, c: Column) -> str | None:
        if c.kind == "code":
            return self.add(f"{c.table}.{c.name}", [c.labels[x] for x in c.choices])
        if c.kind == "bool":
            return self.add("bool", ["是", "否"])
        if c.kind == "county":
            self.townships()
            return self.add("county", list(self.ref["counties"]["name_zh"]))
        if c.kind == "city":
            return self.add("city", list(self.ref["host_cities"]["name_zh"]))
        if c.kind == "industry":
            return self.add("industry", list(self.ref["industries"]["name_zh"]))
        if c.kind in ("station", "park") and self.names.get(c.ref_table):
            return self.add(c.ref_table, self.names[c.ref_table])
        return None

    def townships(self) -> None:
        towns = self.ref["townships"]
        for county in self.ref["counties"].itertuples():
            names = towns.loc[towns["county_code"] == county.county_code, "name_zh"].tolist()
            self.add(f"townships.{county.county_code}", names or [""], define=county.name_zh)


def write_templates(out_dir: Path, reference: dict[str, pd.DataFrame],
                    names: dict[str, list[str]] | None = None) -> list[Path]:
    """One workbook per database and one with every sheet; returns the files written."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    names = names or {}
    written = []
    for book, book_tables in [*WORKBOOKS.items(), (ALL_WORKBOOK, tuple(
            t for ts in WORKBOOKS.values() for t in ts))]:
        path = out_dir / workbook_file(book)
        wb = xlsxwriter.Workbook(str(path), XLSX_OPTIONS)
        try:
            lists = _Lists(wb, reference, names)
            for table in book_tables:
                _template_sheet(wb, tables()[table], lists)
            _instructions(wb, [tables()[t] for t in book_tables], lists)
            lists.flush()
        finally:
            wb.close()
        written.append(path)
    return written


def _formats(wb: xlsxwriter.Workbook) -> dict:
    return {
        "head": wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1,
                               "text_wrap": True, "valign": "vcenter"}),
        "head_required": wb.add_format({"bold": True, "bg_color": "#FCE4D6", "border": 1,
                                        "font_color": "#C00000", "text_wrap": True,
                                        "valign": "vcenter"}),
        "text": wb.add_format({"num_format": "@"}),
        "date": wb.add_format({"num_format": "yyyy-mm-dd"}),
        "wrap": wb.add_format({"text_wrap": True, "valign": "top"}),
    }


def _template_sheet(wb: xlsxwriter.Workbook, spec: Table, lists: _Lists) -> None:
    ws = wb.add_worksheet(spec.title)
    fmt = _formats(wb)
    ws.freeze_panes(1, 0)
    ws.set_row(0, 32)
    columns = {c.name: i for i, c in enumerate(spec.columns)}
    for i, c in enumerate(spec.columns):
        ws.write_string(0, i, c.header, fmt["head_required" if c.required else "head"])
        width = max(10, min(32, len(c.header) * 2 + 2))
        col_fmt = fmt["text"] if c.kind in ("text", "id_number", "mobile") else (
            fmt["date"] if c.kind == "date" else None)
        ws.set_column(i, i, 22 if c.kind == "id_number" else width, col_fmt)
        allowed = _allowed(c)
        ws.write_comment(0, i, "\n".join(x for x in (
            ("必填" if c.required else "选填") + "：" + format_zh(c)[0],
            allowed and f"可选：{allowed}", c.note, f"{c.name} — {c.english}") if x),
            {"x_scale": 2, "y_scale": 1.6})
        source = lists.for_column(c)
        if source:
            ws.data_validation(1, i, LAST_ROW, i, {
                "validate": "list", "source": source, "ignore_blank": True,
                "error_title": "请从下拉列表中选择", "error_message": f"{c.header}：请从下拉列表中选择",
                "error_type": "warning"})
        elif c.kind in ("township", "township_name"):
            county = "home_county" if spec.name == "outside_people" else "county_code"
            letter = xlsxwriter.utility.xl_col_to_name(columns[county])
            lists.townships()
            ws.data_validation(1, i, LAST_ROW, i, {
                "validate": "list", "source": f"=INDIRECT(${letter}2)", "ignore_blank": True,
                "error_title": "请先选择县区", "error_message": "乡镇须属于所选县区",
                "error_type": "warning"})
        elif c.kind == "date":
            ws.data_validation(1, i, LAST_ROW, i, {
                "validate": "date", "criteria": ">=", "value": datetime(1900, 1, 1),
                "error_type": "warning", "error_message": "请填写日期，如 2020-08-31"})


def _allowed(c: Column) -> str:
    if c.kind == "code":
        return "、".join(c.labels[x] for x in c.choices)
    if c.kind == "bool":
        return "是、否"
    return ""


def _instructions(wb: xlsxwriter.Workbook, specs: list[Table], lists: _Lists) -> None:
    ws = wb.add_worksheet(ui("instructions"))
    fmt = _formats(wb)
    heads = ["表", "列名", "字段", "必填", "格式", "允许的值", "说明", "Notes (English)"]
    for i, h in enumerate(heads):
        ws.write_string(0, i, h, fmt["head"])
    ws.set_column(0, 0, 18)
    ws.set_column(1, 2, 20)
    ws.set_column(3, 3, 6)
    ws.set_column(4, 7, 40, fmt["wrap"])
    r = 1
    for spec in specs:
        for c in spec.columns:
            row = [spec.title, c.header, c.name, "是" if c.required else "否", format_zh(c)[0],
                   _allowed(c) or _list_hint(c), c.note or "",
                   f"{c.english}; {format_zh(c)[1]}"]
            for i, v in enumerate(row):
                ws.write_string(r, i, v)
            r += 1
    general = [
        "每个工作表第一行为表头；表头上方可以有标题行或空行。列的顺序可以调整，模板外的列会被忽略。",
        "身份证号列必须设为“文本”格式：以数字保存的身份证号会丢失后几位（显示为 3.71722E+17），导入时会被拒绝。",
        "日期可写作 2020-08-31、2020/8/31、2020.8.31、2020年8月31日 或 20200831。",
        "金额的单位以表头为准（万元）；表头写“亿元”或“元”时按表头换算。",
        "县区、乡镇、产业、服务站、园区可填名称或编号；乡镇须属于所填县区。",
        "任何一行有错误，整批文件都不会导入，并给出每一处错误的位置和原因。",
    ]
    r += 1
    for line in general:
        ws.write_string(r, 0, line)
        r += 1


def _list_hint(c: Column) -> str:
    return {"county": "见下拉列表（县区名称）", "township": "见下拉列表（所选县区的乡镇）",
            "township_name": "见下拉列表（所选县区的乡镇）", "city": "见下拉列表（驻在城市）",
            "industry": "见下拉列表（产业名称）", "station": "服务站全称或编号",
            "park": "园区名称或编号"}.get(c.kind, "")


# -- export -----------------------------------------------------------------------------------

def _display(con: duckdb.DuckDBPyConnection, spec: Table) -> pd.DataFrame:
    """A table as the template shows it: labels for codes, names for references."""
    df = con.execute(f"SELECT * FROM {spec.name} ORDER BY {spec.key}").df()  # noqa: S608
    ref = {t: con.execute(f"SELECT * FROM {t}").df() for t in REFERENCE_TABLES}  # noqa: S608
    names = {t: con.execute(f"SELECT {k} AS id, name_zh FROM {t}").df()  # noqa: S608
             for t, k in (("stations", "station_id"), ("parks", "park_id"))}
    out = {}
    for c in spec.columns:
        s = df[c.name]
        if c.kind == "code":
            s = s.map(c.labels)
        elif c.kind == "county":
            s = s.map(dict(zip(ref["counties"]["county_code"], ref["counties"]["name_zh"],
                               strict=True)))
        elif c.kind == "township":
            s = s.map(dict(zip(ref["townships"]["township_id"], ref["townships"]["name_zh"],
                               strict=True)))
        elif c.kind == "city":
            s = s.map(dict(zip(ref["host_cities"]["city_code"], ref["host_cities"]["name_zh"],
                               strict=True)))
        elif c.kind == "industry":
            s = s.map(dict(zip(ref["industries"]["industry_code"], ref["industries"]["name_zh"],
                               strict=True)))
        elif c.kind == "industry_list":
            names_of = dict(zip(ref["industries"]["industry_code"],
                                ref["industries"]["name_zh"], strict=True))
            s = s.map(lambda v, names_of=names_of: None if v is None or v is pd.NA or v != v
                      else "、".join(names_of.get(x, x) for x in str(v).split(",")))
        elif c.kind in ("station", "park"):
            n = names[c.ref_table]
            s = s.map(dict(zip(n["id"], n["name_zh"], strict=True)))
        elif c.kind == "bool":
            s = s.map({True: "是", False: "否"})
        out[c.header] = s
    return pd.DataFrame(out)


def export(snapshot: Path, out_dir: Path, fmt: str = "xlsx",
           progress: Callable[[str, int], None] | None = None,
           only: tuple[str, ...] | None = None) -> list[Path]:
    """The snapshot's five databases in the template layout: one workbook per database
    (xlsx) or one file per table (csv, UTF-8 with BOM); `only` names the workbooks."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    specs = tables()
    written = []
    con = duckdb.connect(str(snapshot), read_only=True)
    con.execute("SET enable_progress_bar = false")
    try:
        books = {k: v for k, v in WORKBOOKS.items() if only is None or k in only}
        if fmt == "csv":
            for book_tables in books.values():
                for table in book_tables:
                    df = _display(con, specs[table])
                    path = out_dir / table_file(table)
                    _protect_csv(df, specs[table]).to_csv(
                        path, index=False, encoding="utf-8-sig", lineterminator="\r\n",
                        date_format="%Y-%m-%d")
                    written.append(path)
                    if progress:
                        progress(path.name, len(df))
            return written
        for book, book_tables in books.items():
            path = out_dir / workbook_file(book)
            wb = xlsxwriter.Workbook(str(path), dict(XLSX_OPTIONS, constant_memory=True))
            try:
                for table in book_tables:
                    df = _display(con, specs[table])
                    _data_sheet(wb, specs[table].title, specs[table], df)
                    if progress:
                        progress(f"{path.name} / {specs[table].title}", len(df))
            finally:
                wb.close()
            written.append(path)
    finally:
        con.close()
    return written


def _protect_csv(df: pd.DataFrame, spec: Table) -> pd.DataFrame:
    """The table for a CSV file: its text columns through the one guard every CSV export
    uses (analytics.export.defuse), so a cell such as "=HYPERLINK(…)" opens as text."""
    df = df.copy()
    for c in spec.columns:
        if c.kind == "text" and c.header in df:
            df[c.header] = df[c.header].map(defuse)
    return df


def _data_sheet(wb: xlsxwriter.Workbook, name: str, spec: Table, df: pd.DataFrame) -> None:
    ws = wb.add_worksheet(name)
    fmt = _formats(wb)
    for i, c in enumerate(spec.columns):
        ws.set_column(i, i, 22 if c.kind == "id_number" else 14,
                      fmt["text"] if c.kind in ("text", "id_number", "mobile") else None)
        ws.write_string(0, i, c.header, fmt["head_required" if c.required else "head"])
    columns = []
    for c in spec.columns:
        s = df[c.header]
        if c.kind == "date":
            values = [None if pd.isna(v) else pd.Timestamp(v).date() for v in s]
        elif pd.api.types.is_float_dtype(s):
            values = [None if np.isnan(v) else float(v) for v in s.to_numpy(dtype=float)]
        elif pd.api.types.is_integer_dtype(s):
            values = s.astype(object).where(s.notna(), None).tolist()
        else:
            values = s.astype(object).where(s.notna(), None).tolist()
        columns.append((c, values))
    date_fmt = fmt["date"]
    for r in range(len(df)):
        for i, (_c, values) in enumerate(columns):
            v = values[r]
            if v is None:
                continue
            if isinstance(v, str):
                ws.write_string(r + 1, i, v)
            elif isinstance(v, date):
                ws.write_datetime(r + 1, i, v, date_fmt)
            elif isinstance(v, (bool, np.bool_)):
                ws.write_string(r + 1, i, "是" if v else "否")
            else:
                ws.write_number(r + 1, i, v)


# -- the rows that failed -----------------------------------------------------------------------

def bad_rows_xlsx(report, path: Path | None = None, lang: str = "zh") -> bytes | None:
    """The failed rows of every sheet as written, with a 错误说明 column, and a summary
    sheet listing every failure. Returns the bytes when no path is given."""
    import io

    target = io.BytesIO() if path is None else str(path)
    wb = xlsxwriter.Workbook(target, dict(XLSX_OPTIONS, in_memory=path is None))
    fmt = _formats(wb)
    used: set[str] = set()
    errors = report.errors
    msg_col = "zh" if lang == "zh" else "en"
    summary = wb.add_worksheet(_safe_sheet(ui("report_summary_sheet", lang), used))
    heads = [ui(k, lang) for k in ("col_file", "col_sheet", "col_row", "col_column",
                                   "col_value", "col_message")]
    for i, h in enumerate(heads):
        summary.write_string(0, i, h, fmt["head"])
    summary.set_column(0, 1, 24)
    summary.set_column(3, 4, 18)
    summary.set_column(5, 5, 70)
    for r, e in enumerate(errors.itertuples(), 1):
        for i, v in enumerate((e.file, e.sheet, e.row, e.column, e.value, getattr(e, msg_col))):
            _write_any(summary, r, i, v)
    for sh in report.sheets:
        mine = errors[(errors["file"] == sh.file)
                      & ((errors["sheet"] == sh.sheet) if sh.sheet is not None
                         else errors["sheet"].isna()) & errors["row"].notna()]
        if mine.empty:
            continue
        by_row = mine.groupby("row", sort=True).apply(
            lambda g: "；".join(f"“{c}”{m}" if isinstance(c, str) else m
                               for c, m in zip(g["column"], g[msg_col], strict=True)),
            include_groups=False)
        ws = wb.add_worksheet(_safe_sheet(
            f"{Path(sh.file).stem}{'-' + sh.sheet if sh.sheet else ''}", used))
        row_head = ui("report_source_row", lang)
        ws.write_string(0, 0, row_head, fmt["head"])
        for i, h in enumerate(sh.headers, 1):
            ws.write_string(0, i, h, fmt["head"])
        err_col = len(sh.headers) + 1
        ws.write_string(0, err_col, ui("error_col", lang), fmt["head_required"])
        ws.set_column(err_col, err_col, 70)
        position = {int(r): i for i, r in enumerate(sh.rows)}
        for out_r, (excel_row, text) in enumerate(by_row.items(), 1):
            ws.write_number(out_r, 0, int(excel_row))
            i = position.get(int(excel_row))
            if i is not None:
                for c, v in enumerate(sh.frame.iloc[i].tolist(), 1):
                    _write_any(ws, out_r, c, v)
            ws.write_string(out_r, err_col, text)
    wb.close()
    return target.getvalue() if path is None else None


def _write_any(ws, r: int, c: int, v) -> None:
    if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA:
        return
    if isinstance(v, str):
        ws.write_string(r, c, v)
    elif isinstance(v, (datetime, date)):
        ws.write_datetime(r, c, v)
    elif isinstance(v, (bool, np.bool_)):
        ws.write_boolean(r, c, bool(v))
    elif isinstance(v, (int, float, np.integer, np.floating)):
        ws.write_number(r, c, float(v))
    else:
        ws.write_string(r, c, str(v))
