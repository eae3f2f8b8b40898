"""Tables as files: CSV in UTF-8 with BOM (Excel and WPS open it) and XLSX, each carrying
the filter and the as-of date, so a file read later still says what it shows.

The XLSX data sheet opens with a title row and a row naming the filter, the as-of date and
the source, then the header (frozen, so it stays on screen while scrolling) and the rows:
numbers stay numbers, with thousands separators and the decimals they carry, columns wide
enough for their text; a second sheet lists the same facts one per row.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from analytics.masking import mask_frame
from core.i18n import pair

HEADER_FILL = PatternFill("solid", fgColor="F3F4F6")
TITLE_FONT = Font(bold=True, size=14)
HEADER_FONT = Font(bold=True)
MAX_WIDTH = 60
# What a spreadsheet reads as the start of a formula (OWASP, "CSV Injection"): = + - @, and
# a tab or carriage return, which Excel skips before looking at the next character.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Text that is only a number as shown ("-12", "+3.5%", "-1,234.5") is read as that number,
# never as a formula, and is left alone.
_PLAIN_NUMBER = re.compile(r"[+-]?\d{1,3}(?:,\d{3})*(?:\.\d+)?%?|[+-]?\d+(?:\.\d+)?%?")


def defuse(value):
    """A cell value safe to hand to Excel or WPS in a CSV: text that would start a formula
    gets a leading apostrophe (OWASP's advice), so it is shown as the text it is. Numbers,
    dates and missing values are returned unchanged, and so is text that is just a number
    such as "-3.5%"."""
    if (isinstance(value, str) and value.startswith(FORMULA_START)
            and not _PLAIN_NUMBER.fullmatch(value)):
        return "'" + value
    return value


def defuse_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of `df` for a CSV file: every text cell and header through `defuse`; number
    columns keep their numbers (a negative number stays a number)."""
    out = df.copy()
    out.columns = [defuse(str(c)) if isinstance(c, str) else c for c in out.columns]
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(defuse)
    return out


def _meta_rows(meta: dict[str, str]) -> list[list[str]]:
    return [[defuse(k), defuse(v)] for k, v in meta.items()]


def csv_bytes(df: pd.DataFrame, meta: dict[str, str]) -> bytes:
    """Every CSV the dashboard hands out: the facts above the table, then the table, person
    fields masked and formula-like text defused (`defuse`)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerows(_meta_rows(meta))
    writer.writerow([])
    defuse_frame(mask_frame(df)).to_csv(buf, index=False, lineterminator="\r\n")
    return buf.getvalue().encode("utf-8-sig")


def _display_width(value) -> int:
    """Characters as a spreadsheet column counts them: a Chinese character is two wide."""
    text = "" if value is None else str(value)
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _number_format(series: pd.Series) -> str | None:
    if pd.api.types.is_bool_dtype(series) or not pd.api.types.is_numeric_dtype(series):
        return None
    numbers = pd.to_numeric(series, errors="coerce").dropna()
    for decimals in (0, 1, 2):
        if ((numbers * 10 ** decimals).round(6) % 1 == 0).all():
            break
    return "#,##0" + ("." + "0" * decimals if decimals else "")


def _cell(value):
    """A value as a cell: missing as empty, text that would read as a formula kept as
    text (a leading apostrophe is not needed: the cell is typed as a string)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if hasattr(value, "item"):  # numpy scalars
        value = value.item()
    if hasattr(value, "isoformat") and not isinstance(value, str):
        return value.isoformat()[:10]
    return value


def xlsx_bytes(df: pd.DataFrame, meta: dict[str, str], sheet: str = "数据",
               title: str | None = None) -> bytes:
    data = mask_frame(df)
    wb = Workbook()
    ws = wb.active
    ws.title = sheet[:31]
    ws.cell(row=1, column=1, value=title or sheet).font = TITLE_FONT
    facts = "；".join(f"{k}：{v}" for k, v in meta.items())
    ws.cell(row=2, column=1, value=facts).alignment = Alignment(wrap_text=False)
    header_row = 4
    widths = [_display_width(h) for h in data.columns]
    for j, name in enumerate(data.columns, start=1):
        cell = ws.cell(row=header_row, column=j, value=str(name))
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    formats = [_number_format(data[c]) for c in data.columns]
    for i, row in enumerate(data.itertuples(index=False), start=header_row + 1):
        for j, value in enumerate(row, start=1):
            value = _cell(value)
            cell = ws.cell(row=i, column=j, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula, even "=HYPERLINK(…)"
            elif formats[j - 1] and value is not None:
                cell.number_format = formats[j - 1]
            widths[j - 1] = max(widths[j - 1], _display_width(
                f"{value:,}" if isinstance(value, (int, float)) else value))
    for j, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = min(MAX_WIDTH, width + 2)
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    about = wb.create_sheet("说明")
    about.append([" / ".join(pair("ui.export_about_item")),
                  " / ".join(pair("ui.export_about_value"))])
    for key, value in meta.items():
        about.append([key, value])
    about.column_dimensions["A"].width = 20
    about.column_dimensions["B"].width = 60
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
