"""What reading a file gives: a `FileInfo` for the file and a `Sheet` for each table in it,
built from a grid of cells under its header; blank rows dropped, cells kept as text with a
note of those Excel stored as numbers, and ="…" (Excel's text marker in a CSV) undone."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from data.importer.cells import _cell_to_text
from data.importer.headers import MAX_HEADER_SCAN, Header, _header_problems, find_header
from data.importer.problems import Problem
from data.importer.text import msg


@dataclass
class Sheet:
    """One table's worth of rows from one sheet (or CSV file)."""

    file: str
    sheet: str | None
    table: str
    header_row: int  # as Excel shows it
    headers: list[str]  # every header cell as written
    frame: pd.DataFrame  # data rows; columns are positions 0..n-1, raw cell values
    rows: np.ndarray  # the Excel row number of each frame row
    mapping: dict[str, int]  # schema column -> position
    factors: dict[str, float]  # money column -> factor into the schema's unit
    encoding: str | None = None
    ignored: list[str] = field(default_factory=list)
    numeric: dict[int, np.ndarray] = field(default_factory=dict)  # Excel: stored as numbers

    def header_of(self, column: str) -> str:
        return self.headers[self.mapping[column]]


@dataclass
class FileInfo:
    name: str
    path: Path
    sha256: str
    size: int
    kind: str  # xlsx, xls, csv
    encoding: str | None = None
    rows: dict[str, int] = field(default_factory=dict)
    notes: list[tuple[str, str]] = field(default_factory=list)  # (zh, en)


def _sheet_from_grid(file: str, sheet: str | None, grid: list[list], hint: str | None,
                     encoding: str | None, problems: list[Problem],
                     first_row: int = 1, found: Header | None = None,
                     notes: list[tuple[str, str]] | None = None) -> Sheet | None:
    found = found or find_header(grid, hint)
    where = f"{file}" + (f" / {sheet}" if sheet else "")
    if found is None:
        problems.append(Problem(file, sheet, None, None, "no_header",
                                {"rows": MAX_HEADER_SCAN}))
        return None
    r, table, mapping = found.row, found.table, found.mapping
    headers = found.texts
    header_row = r + found.span - 1 + first_row
    if found.span > 1 and notes is not None:
        _two_row_note(notes, file, sheet, header_row)
    found_problems, factors = _header_problems(file, sheet, table, header_row, headers, mapping)
    problems.extend(found_problems)
    body = grid[r + found.span:]
    width = len(headers)
    if all(len(row) == width for row in body):
        frame = pd.DataFrame(body, columns=range(width), dtype=object)
    else:
        frame = pd.DataFrame([row[:width] + [None] * (width - len(row)) for row in body],
                             columns=range(width), dtype=object)
    del body
    rows = np.arange(header_row + 1, header_row + 1 + len(frame))
    frame, rows = drop_blank_rows(frame, rows, list(mapping.values()))
    frame, numeric = text_columns(frame)
    frame = force_text(frame)
    if frame.empty:
        problems.append(Problem(file, sheet, header_row, None, "no_data",
                                {"where": f"{where} "}))
    ignored = [h for pos, h in enumerate(headers) if h and pos not in mapping.values()]
    return Sheet(file=file, sheet=sheet, table=table, header_row=header_row, headers=headers,
                 frame=frame, rows=rows, mapping=mapping, factors=factors, encoding=encoding,
                 ignored=ignored, numeric=numeric)


def _two_row_note(notes: list[tuple[str, str]], file: str, sheet: str | None,
                  header_row: int) -> None:
    where = f"{file}{' / ' + sheet if sheet else ''}"
    vals = {"first": header_row - 1, "second": header_row}
    notes.append((f"{where}：{_msg('header_two_rows', 'zh', **vals)}",
                  f"{where}: {_msg('header_two_rows', 'en', **vals)}"))


def _msg(key: str, lang: str, **values) -> str:
    return msg(key, lang, **values)


FORCE_TEXT = re.compile(r'^="(.*)"$', re.S)


def force_text(frame: pd.DataFrame) -> pd.DataFrame:
    """="371722199001011234" (Excel's way of keeping a long number as text in a CSV) is
    the text between the quotes."""
    for pos in frame.columns:
        col = frame[pos]
        if not isinstance(col.dtype, pd.StringDtype):
            continue
        marked = col.str.startswith('="').fillna(False).to_numpy(dtype=bool)
        if marked.any():
            inner = col[marked].str.extract(FORCE_TEXT, expand=False)
            keep = inner.notna().to_numpy()
            values = col.to_numpy(dtype=object, copy=True)
            idx = np.flatnonzero(marked)[keep]
            values[idx] = inner[keep].to_numpy(dtype=object)
            frame[pos] = pd.array(values, dtype=col.dtype)
    return frame


def text_columns(frame: pd.DataFrame) -> tuple[pd.DataFrame, dict[int, np.ndarray]]:
    """Excel cells as text columns (compact Arrow strings instead of Python objects), and
    for each column which cells Excel stored as numbers."""
    out, numeric = {}, {}
    for pos in frame.columns:
        values = frame[pos].to_numpy(dtype=object, copy=True)
        kinds = np.fromiter((type(v) for v in values), dtype=object, count=len(values))
        numeric[pos] = (kinds == float) | (kinds == int)  # noqa: E721 - elementwise
        other = (kinds != str) & (kinds != type(None))  # noqa: E721 - elementwise
        if other.any():
            values[other] = [_cell_to_text(v) for v in values[other]]
        out[pos] = pd.array(values, dtype="str")
    return pd.DataFrame(out, columns=frame.columns), numeric


def drop_blank_rows(frame: pd.DataFrame, rows: np.ndarray, positions: list[int]):
    """Rows with nothing in any template column are not data (Excel leaves many)."""
    if frame.empty:
        return frame, rows
    blank = np.ones(len(frame), dtype=bool)
    for pos in positions:
        col = frame[pos]
        filled = col.notna().to_numpy().copy()
        if isinstance(col.dtype, pd.StringDtype):
            filled &= col.str.strip().ne("").fillna(False).to_numpy(dtype=bool)
        elif col.dtype == object:
            as_text = col[filled]
            is_str = as_text.map(type).to_numpy() == str  # noqa: E721 - elementwise
            empty = np.zeros(len(as_text), dtype=bool)
            empty[is_str] = as_text[is_str].str.strip().eq("").to_numpy()
            filled[np.flatnonzero(filled)[empty]] = False
        blank &= ~filled
    keep = ~blank
    return frame.loc[keep].reset_index(drop=True), rows[keep]
