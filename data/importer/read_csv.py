"""Reading CSV or tab-separated text: the encoding told from the bytes, the delimiter from the
first lines, the header found like a sheet's, then the rows by Arrow; a broken row (too many
or too few fields, a quote never closed) is a problem naming its line."""

from __future__ import annotations

import codecs
import re
from pathlib import Path

import numpy as np
import pandas as pd

from data.importer.encoding import decode
from data.importer.headers import MAX_HEADER_SCAN, _header_problems, find_header, table_hint
from data.importer.problems import FileRejected, Problem, Progress
from data.importer.sheets import FileInfo, Sheet, _two_row_note, drop_blank_rows, force_text


def _read_csv(path: Path, name: str, progress: Progress | None, problems: list[Problem],
              info: FileInfo) -> list[Sheet]:
    import csv

    import pyarrow as pa
    import pyarrow.csv as pacsv

    data = path.read_bytes()
    text, encoding = decode(data, name)
    info.encoding = encoding
    if not text.strip():
        raise FileRejected(Problem(name, None, None, None, "file_empty"))
    head_lines = text[:200_000].splitlines()[:MAX_HEADER_SCAN]
    delimiter = "\t" if sum(line.count("\t") for line in head_lines) > \
        sum(line.count(",") for line in head_lines) else ","
    head_grid = list(csv.reader(head_lines, delimiter=delimiter))
    found = find_header(head_grid, table_hint(name))
    if found is None:
        raise FileRejected(Problem(name, None, None, None, "no_header",
                                   {"rows": MAX_HEADER_SCAN}))
    r, table, mapping = found.row, found.table, found.mapping
    headers = found.texts
    width = len(headers)
    utf8 = data[len(codecs.BOM_UTF8):] if encoding == "UTF-8 (BOM)" else (
        data if encoding == "UTF-8" else text.encode("utf-8"))
    bad_rows: list[tuple[str, int, int]] = []

    def invalid(row) -> str:
        blank = not (row.text or "").strip(" ,\t\r\n")
        quote = (row.text or "").count('"') % 2 == 1
        bad_rows.append((row.text or "", row.actual_columns, -1 if blank else
                         (-2 if quote else row.expected_columns)))
        return "skip"

    try:
        table_pa = pacsv.read_csv(
            pa.py_buffer(utf8),
            read_options=pacsv.ReadOptions(skip_rows=r + found.span, column_names=[f"c{i}" for i in
                                                                          range(width)],
                                           block_size=1 << 22),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True,
                                             invalid_row_handler=invalid,
                                             ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(
                column_types={f"c{i}": pa.large_string() for i in range(width)},
                strings_can_be_null=False, quoted_strings_can_be_null=False))
    except pa.ArrowInvalid as exc:
        detail = str(exc)
        if "quote" in detail.lower() or "unterminated" in detail.lower():
            raise FileRejected(Problem(name, None, None, None, "csv_unclosed_quote")) from None
        line = re.search(r"row (\d+)", detail)
        raise FileRejected(Problem(name, None, None, None, "csv_broken",
                                   {"line": line.group(1) if line else "?",
                                    "detail": detail.splitlines()[0][:200]})) from None
    n = table_pa.num_rows
    if progress is not None:
        progress(name, None, n)
    header_row = r + found.span
    if found.span > 1:
        _two_row_note(info.notes, name, None, header_row)
    rows = np.arange(header_row + 1, header_row + 1 + n)
    if bad_rows:
        lines = text.splitlines()
        offset = 0
        gaps = []
        for row_text, actual, expected in bad_rows:
            try:
                line_no = lines.index(row_text, offset) + 1
            except ValueError:
                line_no = None
            if line_no is not None:
                offset = line_no
                gaps.append(line_no)
            if expected == -1:  # a blank line: not data, but it keeps its number
                continue
            if expected == -2:  # a quote opened and never closed: the file ends inside it
                problems.append(Problem(name, None, line_no, None, "csv_unclosed_quote"))
                continue
            problems.append(Problem(name, None, line_no, None, "csv_broken", {
                "line": line_no or "?",
                "detail": f"{actual} 列，表头有 {expected} 列 / {actual} fields, the header "
                          f"has {expected}"}))
        for g in sorted(x for x in gaps if x is not None):
            rows[rows >= g] += 1
    frame = pd.DataFrame({i: pd.Series(pd.array(table_pa.column(f"c{i}"), dtype="str"))
                          for i in range(width)})
    frame, rows = drop_blank_rows(frame, rows, list(mapping.values()))
    frame = force_text(frame)
    found_problems, factors = _header_problems(name, None, table, header_row, headers, mapping)
    problems.extend(found_problems)
    if frame.empty:
        problems.append(Problem(name, None, header_row, None, "no_data", {"where": f"{name} "}))
    ignored = [h for pos, h in enumerate(headers) if h and pos not in mapping.values()]
    return [Sheet(file=name, sheet=None, table=table, header_row=header_row, headers=headers,
                  frame=frame, rows=rows, mapping=mapping, factors=factors, encoding=encoding,
                  ignored=ignored)]
