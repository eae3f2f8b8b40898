"""Finding a sheet's header: the row (or two rows) among the first MAX_HEADER_SCAN that names
most of a template's columns, in Chinese or by the schema's names, with their units; and the
problems of a header (a column missing, twice, or in an unknown unit)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from data.importer.problems import Problem
from data.importer.spec import UNITS, Column, norm, strip_unit, tables

MAX_HEADER_SCAN = 30


def _header_index() -> dict[str, dict[str, Column]]:
    """norm(header) -> {table: column} for every importable column."""
    index: dict[str, dict[str, Column]] = {}
    for table in tables().values():
        for col in table.columns:
            for key in col.header_keys():
                index.setdefault(key, {})[table.name] = col
    return index


_INDEX: dict[str, dict[str, Column]] | None = None


def header_index() -> dict[str, dict[str, Column]]:
    global _INDEX
    if _INDEX is None:
        _INDEX = _header_index()
    return _INDEX


def _cell_header(value) -> tuple[str, str | None]:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "", None
    head, unit = strip_unit(str(value))
    return norm(head), unit


def table_hint(*names: str | None) -> str | None:
    """A table named by a sheet or file name (服务站信息库, stations …), if any."""
    for name in names:
        if not name:
            continue
        key = norm(Path(name).stem if "." in name else name)
        for table in tables().values():
            if key in (norm(table.title), norm(table.name)):
                return table.name
        for table in tables().values():
            if norm(table.title) in key:
                return table.name
        for table in tables().values():
            if re.search(rf"(^|[^a-z]){re.escape(table.name)}([^a-z]|$)", key):
                return table.name
    return None


@dataclass
class Header:
    row: int  # index of the header's first row in the grid
    table: str
    mapping: dict[str, int]  # schema column -> position
    texts: list[str]  # the header of each position as read
    span: int = 1  # rows the header takes (2: a heading row above the column names)


def _text(value) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    return str(value).strip()


def _two_row_texts(upper: list, lower: list) -> list[list[str]]:
    """For each position the ways a header over two rows can name it: the lower cell (a
    heading such as 联系方式 merged over 手机号), the upper one (a column merged down both
    rows), the two joined (总投资 over （万元）), and a merged heading carried right."""
    width = max(len(upper), len(lower))
    out, carried = [], ""
    for pos in range(width):
        up = _text(upper[pos]) if pos < len(upper) else ""
        low = _text(lower[pos]) if pos < len(lower) else ""
        carried = up or carried
        out.append([t for t in dict.fromkeys((low, up, up + low, carried + low)) if t])
    return out


def _score(options: list[list[str]], index) -> dict[str, tuple[dict[str, int], list[str]]]:
    """table -> (column -> position, header text per position) for one header candidate."""
    keyed = [[(t, index.get(_cell_header(t)[0], {})) for t in texts] for texts in options]
    found: dict[str, tuple[dict[str, int], list[str]]] = {}
    for table in dict.fromkeys(tb for texts in keyed for _t, m in texts for tb in m):
        mapping: dict[str, int] = {}
        chosen: list[str] = []
        for pos, texts in enumerate(keyed):
            pick = texts[0][0] if texts else ""
            for text, matches in texts:
                col = matches.get(table)
                if col is not None and col.name not in mapping:
                    mapping[col.name] = pos
                    pick = text
                    break
            chosen.append(pick)
        found[table] = (mapping, chosen)
    return found


def find_header(grid: list[list], hint: str | None) -> Header | None:
    """The header among the first rows: the row (or two rows) naming most template columns."""
    index = header_index()
    best: tuple[tuple[int, int], Header] | None = None
    rows = grid[:MAX_HEADER_SCAN + 1]
    for r, row in enumerate(rows[:MAX_HEADER_SCAN]):
        candidates = [(1, [[_text(v)] if _text(v) else [] for v in row])]
        if r + 1 < len(rows):
            candidates.append((2, _two_row_texts(row, rows[r + 1])))
        for span, options in candidates:
            scores = _score(options, index)
            for table in ([hint] if hint else list(scores)):
                if table not in scores:
                    continue
                mapping, texts = scores[table]
                # a second header row must add columns: on a tie the single row wins
                score = (len(mapping), -span)
                if len(mapping) >= 2 and (best is None or score > best[0]):
                    best = (score, Header(r, table, dict(mapping), list(texts), span))
    if best is None:
        # a file or sheet name that suggested the wrong table does not hide a good header
        return find_header(grid, None) if hint else None
    return best[1]


def _header_problems(file: str, sheet: str | None, table: str, header_row: int,
                     headers: list[str], mapping: dict[str, int]) -> tuple[list[Problem],
                                                                          dict[str, float]]:
    problems: list[Problem] = []
    factors: dict[str, float] = {}
    spec = tables()[table]
    index = header_index()
    seen: dict[str, int] = {}
    for pos, text in enumerate(headers):
        key = _cell_header(text)[0]
        col = index.get(key, {}).get(table)
        if col is None:
            continue
        if col.name in seen:
            problems.append(Problem(file, sheet, header_row, str(text), "duplicate_column",
                                    {"header": str(text), "first": _col_letter(seen[col.name]),
                                     "second": _col_letter(pos)}))
        else:
            seen[col.name] = pos
    for col in spec.columns:
        if col.name not in mapping:
            if col.required:
                problems.append(Problem(file, sheet, header_row, col.header, "missing_column",
                                        {"header": col.header}))
            continue
        if col.is_money:
            written = str(headers[mapping[col.name]])
            unit = strip_unit(written)[1]
            if unit is None:
                factors[col.name] = 1.0
            elif unit in UNITS:
                factors[col.name] = UNITS[unit] / UNITS[col.unit]
            else:
                problems.append(Problem(file, sheet, header_row, written, "unit_unknown",
                                        {"header": written, "unit": unit}))
    return problems, factors


def _col_letter(pos: int) -> str:
    letters = ""
    pos += 1
    while pos:
        pos, rem = divmod(pos - 1, 26)
        letters = chr(65 + rem) + letters
    return letters
