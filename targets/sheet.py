"""Targets as an Excel workbook: the template to fill in, the targets in force in the same
layout, and reading a filled workbook back with every bad row named.

Layout (sheet 年度目标): 年度 | 指标 | 县区 | 目标值 | 单位

* 年度 — 2020 (also 2020年, or a number cell);
* 指标 — the indicator's Chinese or English name or its key (返乡创业就业, returnees);
* 县区 — blank for the whole city (全市), else a county's name, short name, English name or
  adcode (曹县, 经开区, Cao County, 371721);
* 目标值 — a number (thousands separators and full-width digits are accepted);
* 单位 — blank for the indicator's own unit, or another unit of it: 万人 for people, 亿元
  for investment, % for a share (a cell formatted as a percentage is read as one).

A second sheet, 填表说明, explains the columns and lists every indicator with its units.
The indicator, county and unit columns carry drop-down lists.

Reading checks every row and collects every failure — row number as Excel shows it, the
column header as written, the value, and the reason in Chinese and English — and returns
no targets at all when any row fails, so a file is taken whole or not at all.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from access import counties as county_ref
from core import i18n
from core.i18n import pair
from model import indicators as reg
from targets import model
from targets.store import TargetInput, TargetRow

SHEET = "年度目标"
GUIDE = "填表说明"
LISTS = "选项"
COLUMNS = ("年度", "指标", "县区", "目标值", "单位")
CITY = "全市"
# Headers accepted for each column: the template's and the English ones.
ALIASES = {
    "年度": ("年度", "年份", "year"),
    "指标": ("指标", "指标名称", "indicator"),
    "县区": ("县区", "县（区）", "县(区)", "county"),
    "目标值": ("目标值", "目标", "target", "value"),
    "单位": ("单位", "unit"),
}
REQUIRED = ("年度", "指标", "目标值")
HEADER_SEARCH_ROWS = 10   # a title row or blank rows may sit above the header
MAX_ROWS = 5000
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class RowError:
    """One failure: Excel row number (None for the file itself), the column header as
    written in the file, the value as read, and the reason."""

    row: int | None
    column: str | None
    value: str
    zh: str
    en: str

    def message(self, lang: str = "zh") -> str:
        return self.zh if lang == "zh" else self.en

    def describe(self, lang: str = "zh") -> str:
        where = []
        if self.row is not None:
            where.append(i18n.text("targets.sheet.where_row", lang, row=self.row))
        if self.column:
            where.append(i18n.text("targets.sheet.where_column", lang, column=self.column))
        if self.value:
            where.append(i18n.text("targets.sheet.where_value", lang, value=self.value))
        sep = "，" if lang == "zh" else ", "
        head = sep.join(where)
        return f"{head}：{self.zh}" if lang == "zh" else f"{head}: {self.en}" if head \
            else self.message(lang)


@dataclass
class ReadResult:
    targets: list[TargetInput] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    rows: dict[int, list] = field(default_factory=dict)  # Excel row -> the cells as read
    header: list[str] = field(default_factory=list)       # the header as written

    @property
    def ok(self) -> bool:
        return not self.errors


# -- names ---------------------------------------------------------------------------------
def _norm(value) -> str:
    return unicodedata.normalize("NFKC", str(value)).strip()


def resolve_indicator(text: str) -> str | None:
    """The registry key named by key, Chinese or English name (any case); None if none."""
    value = _norm(text)
    if not value:
        return None
    for ind in reg.INDICATORS:
        if value in (ind.key, ind.name_zh) or value.casefold() in (ind.key.casefold(),
                                                                   ind.name_en.casefold()):
            return ind.key
    return None


def county_label(code: int | None, lang: str = "zh") -> str:
    if code is None:
        return CITY if lang == "zh" else "Whole city"
    return county_ref.name(code, lang)


# -- writing -------------------------------------------------------------------------------
def _style_header(ws, widths: Sequence[int]) -> None:
    for col, width in enumerate(widths, start=1):
        cell = ws.cell(row=1, column=col)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="F2DCDB")
        cell.alignment = Alignment(horizontal="center")
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = "A2"


def _lists_sheet(wb: Workbook) -> tuple[int, int, int]:
    """Hidden sheet holding the drop-down choices (a list longer than 255 characters cannot
    sit in the validation itself)."""
    ws = wb.create_sheet(LISTS)
    indicators = [reg.get(k).name_zh for k in model.TARGETABLE]
    counties = [CITY] + [row["name_zh"] for row in county_ref.counties().values()]
    units = sorted({w for k in model.TARGETABLE for w in model.input_units(k)
                    if not w.isascii() or w == "%"})
    for col, values in enumerate((indicators, counties, units), start=1):
        for row, value in enumerate(values, start=1):
            ws.cell(row=row, column=col, value=value)
    ws.sheet_state = "hidden"
    return len(indicators), len(counties), len(units)


def workbook(rows: Iterable[TargetRow] = ()) -> bytes:
    """The template (no rows), or the given targets in the template's layout, as XLSX."""
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws.append(list(COLUMNS))
    _style_header(ws, (10, 26, 22, 16, 10))
    for r in rows:
        if r.value is None:
            continue
        ind = reg.get(r.indicator)
        if model.kind(r.indicator) == "level":
            value, unit = round(r.value * 100, 4), "%"
        else:
            value, unit = r.value, model.default_unit(r.indicator)
            if float(value).is_integer():
                value = int(value)
        ws.append([r.year, ind.name_zh, "" if r.county is None else county_label(r.county),
                   value, unit])
    _guide(wb)
    n_ind, n_cty, n_unit = _lists_sheet(wb)
    last = MAX_ROWS + 1
    for col, ref, title in (("B", f"{LISTS}!$A$1:$A${n_ind}", "指标"),
                            ("C", f"{LISTS}!$B$1:$B${n_cty}", "县区"),
                            ("E", f"{LISTS}!$C$1:$C${n_unit}", "单位")):
        dv = DataValidation(type="list", formula1=f"={ref}", allow_blank=True,
                            showErrorMessage=True, errorTitle=title,
                            error=f"请从下拉列表中选择{title}")
        dv.add(f"{col}2:{col}{last}")
        ws.add_data_validation(dv)
    year_dv = DataValidation(type="whole", operator="between", formula1=str(model.FIRST_YEAR),
                             formula2=str(model.LAST_YEAR), allow_blank=True,
                             showErrorMessage=True, errorTitle="年度",
                             error=f"年度须为 {model.FIRST_YEAR}–{model.LAST_YEAR} 的整数")
    year_dv.add(f"A2:A{last}")
    ws.add_data_validation(year_dv)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _guide(wb: Workbook) -> None:
    ws = wb.create_sheet(GUIDE)
    lines = [
        ("列", "填写说明"),
        ("年度", f"目标所属年度，四位数字，{model.FIRST_YEAR}–{model.LAST_YEAR}。"),
        ("指标", "指标名称（见下表），也可填英文名称或代码。"),
        ("县区", "留空表示全市；否则填县区名称、简称、英文名或行政区划代码（如 曹县、经开区、371721）。"),
        ("目标值", "全年目标，数字；可用千位分隔符。比例类指标填百分数（如 70 表示 70%）。"),
        ("单位", "留空即为该指标的默认单位；也可填下表所列的其他单位（如 万人、亿元）。"),
        ("", "同一年度、指标、县区只能出现一次。任何一行有错误，整个文件都不会导入，"
             "错误报告会列出每一处错误的行号、列名和原因。"),
        ("", "导入后，该年度、指标、县区原有的目标被新值替换，原值保留在历史记录中。"),
        ("", ""),
        ("指标", "默认单位 / 可用单位 / 说明"),
    ]
    for key in model.TARGETABLE:
        ind = reg.get(key)
        units = "、".join(w for w in model.input_units(key) if not w.isascii() or w == "%")
        what = "比例目标（达到即达标）" if model.kind(key) == "level" else "年内累计"
        lines.append((ind.name_zh, f"{model.default_unit(key)} / {units} / {what}：{ind.definition_zh}"))
    for row in lines:
        ws.append(list(row))
    ws.column_dimensions["A"].width = 22
    ws.column_dimensions["B"].width = 110
    ws["A1"].font = ws["B1"].font = Font(bold=True)
    ws["A10"].font = ws["B10"].font = Font(bold=True)
    for row in ws.iter_rows(min_row=2):
        row[1].alignment = Alignment(wrap_text=True, vertical="top")


# -- reading -------------------------------------------------------------------------------
def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return _norm(value)


class FormulaText(str):
    """A formula as written, where Excel left no computed value."""


def _formula_text(value, as_written):
    if value is None and isinstance(as_written, str) and as_written.startswith("="):
        return FormulaText(as_written)
    return value


def _number(value) -> float | None:
    """A number from a cell: numbers as they are, text with separators or full-width digits
    read as a number; None if it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    text = _norm(value).replace(",", "").replace(" ", "")
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", text):
        return None
    return float(text)


def _year(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return int(value) if float(value).is_integer() else None
    text = _norm(value).removesuffix("年").strip()
    return int(text) if re.fullmatch(r"\d{4}", text) else None


def _find_header(ws) -> tuple[int, dict[str, int], list[str]] | None:
    """(Excel row of the header, column -> index, header cells as written)."""
    for r, cells in enumerate(ws.iter_rows(min_row=1, max_row=HEADER_SEARCH_ROWS,
                                           values_only=True), start=1):
        written = [_text(c) for c in cells]
        found: dict[str, int] = {}
        for idx, text in enumerate(written):
            for column, names in ALIASES.items():
                if text and (text in names or text.casefold() in names) and column not in found:
                    found[column] = idx
        if all(c in found for c in REQUIRED):
            return r, found, written
    return None


def read(data: bytes) -> ReadResult:
    """Read a filled workbook: the targets, or every failure (and then no targets)."""
    result = ReadResult()
    if not data:
        result.errors.append(RowError(None, None, "", "文件为空", "the file is empty"))
        return result
    try:
        # Values as Excel last computed them, and the formulas themselves: a formula with
        # no computed value (a file not saved by Excel or WPS) is reported, not read as blank.
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        formulas = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        result.errors.append(RowError(
            None, None, "", "无法读取：文件不是 Excel 工作簿（.xlsx）",
            f"cannot read it: the file is not an Excel workbook (.xlsx) ({type(exc).__name__})"))
        return result
    try:
        return _read_book(wb, formulas, result)
    finally:
        wb.close()
        formulas.close()


def _read_book(wb, formulas, result: ReadResult) -> ReadResult:
    sheets = [name for name in wb.sheetnames if name not in (GUIDE, LISTS)]
    ordered = ([SHEET] if SHEET in sheets else []) + [s for s in sheets if s != SHEET]
    found = None
    for name in ordered:
        ws = wb[name]
        found = _find_header(ws)
        if found:
            break
    if not found:
        result.errors.append(RowError(
            None, None, "", *pair("targets.sheet.no_header", rows=HEADER_SEARCH_ROWS)))
        return result
    header_row, columns, written = found
    result.header = written
    seen: dict[tuple[str, int | None, int], int] = {}
    count = 0
    written_cells = formulas[ws.title].iter_rows(min_row=header_row + 1, values_only=True)
    for r, cells in enumerate(ws.iter_rows(min_row=header_row + 1), start=header_row + 1):
        as_written = next(written_cells, ())
        raw = [_formula_text(c.value, as_written[i] if i < len(as_written) else None)
               for i, c in enumerate(cells)]
        if all(v is None or _text(v) == "" for v in raw):
            continue
        count += 1
        if count > MAX_ROWS:
            result.errors.append(RowError(r, None, "", *pair("targets.sheet.too_many_rows",
                                                             maximum=MAX_ROWS)))
            break
        result.rows[r] = raw
        _Row(r, cells, raw, columns, written, result).check(seen)
    if count == 0 and not result.errors:
        result.errors.append(RowError(None, None, "", *pair("targets.sheet.no_targets")))
    if result.errors:
        result.targets = []
    return result


class _Row:
    """One data row: its cells by column, and its failures recorded in the result."""

    def __init__(self, number: int, cells, raw: list, columns: dict[str, int],
                 written: list[str], result: ReadResult):
        self.number, self.cells, self.raw, self.columns = number, cells, raw, columns
        self.written, self.result = written, result

    def cell(self, column: str):
        """(value, cell) of a column; a formula Excel never computed comes as its text."""
        idx = self.columns.get(column)
        if idx is None or idx >= len(self.cells):
            return None, None
        return self.raw[idx], self.cells[idx]

    def fail(self, column: str, value, zh: str, en: str) -> None:
        idx = self.columns.get(column)
        head = self.written[idx] if idx is not None and idx < len(self.written) else column
        self.result.errors.append(RowError(self.number, head or column, _text(value), zh, en))

    def check(self, seen: dict) -> None:
        before = len(self.result.errors)
        year = self._year()
        key = self._indicator()
        county = self._county()
        value = self._value(key)
        if len(self.result.errors) > before or None in (key, year, value):
            return
        ident = (key, county, year)
        if ident in seen:
            self.fail("指标", self.cell("指标")[0],
                      *pair("targets.sheet.repeats_row", row=seen[ident]))
            return
        seen[ident] = self.number
        self.result.targets.append(TargetInput(key, year, model.normalise(key, value), county))

    def _year(self) -> int | None:
        raw, _ = self.cell("年度")
        if raw is None or _text(raw) == "":
            self.fail("年度", raw, *pair("targets.sheet.year_missing"))
            return None
        year = _year(raw)
        problem = model.year_problem(year)
        if problem:
            self.fail("年度", raw, *problem)
            return None
        return year

    def _indicator(self) -> str | None:
        raw, _ = self.cell("指标")
        if raw is None or _text(raw) == "":
            self.fail("指标", raw, *pair("targets.sheet.indicator_missing"))
            return None
        key = resolve_indicator(raw)
        if key is None:
            self.fail("指标", raw, *pair("targets.sheet.no_such_indicator"))
            return None
        if not model.is_targetable(key):
            ind = reg.get(key)
            self.fail("指标", raw, *pair("error.targets.not_targetable", name_zh=ind.name_zh,
                                         name_en=ind.name_en))
            return None
        return key

    def _county(self) -> int | None:
        raw, _ = self.cell("县区")
        text = _text(raw)
        if not text or text == CITY or text.casefold() in ("whole city", "city"):
            return None
        county = county_ref.resolve(text)
        if county is None:
            self.fail("县区", raw, *pair("targets.sheet.no_such_county"))
        return county

    def _value(self, key: str | None) -> float | None:
        raw, cell = self.cell("目标值")
        unit_raw, _ = self.cell("单位")
        if raw is None or _text(raw) == "":
            self.fail("目标值", raw, *pair("targets.sheet.value_missing"))
            return None
        number = _number(raw)
        if isinstance(raw, FormulaText):
            self.fail("目标值", raw, *pair("targets.sheet.value_formula"))
            return None
        if number is None:
            self.fail("目标值", raw, *pair("error.targets.value_not_number"))
            return None
        if key is None:
            return None
        percent_cell = (isinstance(raw, (int, float))
                        and "%" in str(getattr(cell, "number_format", "") or ""))
        if percent_cell and model.kind(key) == "level":
            factor = 1.0  # Excel keeps a cell showing 70% as 0.7
        else:
            factor = model.unit_factor(key, _text(unit_raw))
        if factor is None:
            units = "、".join(model.input_units(key))
            self.fail("单位", unit_raw, *pair("targets.sheet.bad_unit", units=units,
                                             name_zh=reg.get(key).name_zh,
                                             name_en=reg.get(key).name_en))
            return None
        value = number * factor
        problem = model.value_problem(key, value)
        if problem:
            self.fail("目标值", raw, *problem)
            return None
        return value


def error_report(result: ReadResult, lang: str = "zh") -> bytes:
    """The bad rows as they were read, each with an added 错误说明 column listing its
    failures; failures of the file itself come first."""
    wb = Workbook()
    ws = wb.active
    ws.title = i18n.text("targets.sheet.report_title", lang)
    explain = i18n.text("targets.sheet.report_problems", lang)
    row_head = i18n.text("targets.sheet.report_row", lang)
    header = [row_head] + (result.header or list(COLUMNS)) + [explain]
    ws.append(header)
    _style_header(ws, [8] + [16] * (len(header) - 2) + [70])
    by_row: dict[int | None, list[RowError]] = {}
    for e in result.errors:
        by_row.setdefault(e.row, []).append(e)
    width = len(result.header or COLUMNS)
    for row in sorted(by_row, key=lambda r: -1 if r is None else r):
        cells = list(result.rows.get(row, [])) if row is not None else []
        cells = (cells + [None] * width)[:width]
        text = "；".join(e.describe(lang) for e in by_row[row]) if lang == "zh" \
            else "; ".join(e.describe(lang) for e in by_row[row])
        ws.append([row if row is not None else "—"] + cells + [text])
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # a formula read as text stays text
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
