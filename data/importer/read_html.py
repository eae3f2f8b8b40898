"""Reading a web page's tables, which many systems export as .xls: each table read like a
sheet, its encoding from the page's charset or, failing that, from its bytes."""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from data.importer.encoding import GB_FAMILY, decode
from data.importer.headers import MAX_HEADER_SCAN, find_header, table_hint
from data.importer.problems import FileRejected, Problem
from data.importer.sheets import FileInfo, Sheet, _sheet_from_grid


def _looks_like_html(path: Path) -> bool:
    with open(path, "rb") as fh:
        head = fh.read(65536)
    for bom, codec in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16"),
                       (codecs.BOM_UTF16_BE, "utf-16")):
        if head.startswith(bom):
            head = head.decode(codec, errors="ignore").encode("utf-8")
            break
    lower = head.lower()
    if b"urn:schemas-microsoft-com:office:spreadsheet" in lower and b"<workbook" in lower:
        return False  # Excel 2003 XML, not a web page: refused as text, asking for .xlsx
    start = lower.lstrip()[:1024]
    return start.startswith((b"<!doctype html", b"<html", b"<table", b"<meta", b"<head",
                             b"<body", b"<!--")) or (start.startswith(b"<?xml")
                                                      and b"<html" in lower)


_CHARSET = re.compile(rb'charset\s*=\s*["\']?([A-Za-z0-9_\-]+)', re.I)


def _read_html(path: Path, name: str, ext: str, problems: list[Problem],
               info: FileInfo) -> list[Sheet]:
    """A web page's tables (what many systems export as .xls): each table read like a
    sheet, merged cells (colspan, rowspan) filled in the first cell only, as Excel does."""
    import lxml.html

    data = path.read_bytes()
    declared = _CHARSET.search(data[:4096])
    text = None
    if declared is not None and not data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE,
                                                     codecs.BOM_UTF16_BE)):
        try:
            codec = codecs.lookup(declared.group(1).decode("ascii")).name
            codec = "gb18030" if codec in GB_FAMILY else codec
            text, info.encoding = data.decode(codec), codec.upper()
        except (LookupError, UnicodeDecodeError):
            text = None
    if text is None:
        text, info.encoding = decode(data, name)
    text = re.sub(r"^\s*<\?xml[^>]*>", "", text)
    try:
        doc = lxml.html.document_fromstring(text)
    except Exception as exc:  # noqa: BLE001 - lxml raises several kinds for bad pages
        raise FileRejected(Problem(name, None, None, None, "html_unreadable",
                                   {"ext": ext, "detail": type(exc).__name__})) from None
    found_tables = [t for t in doc.iter("table")
                    if not any(inner is not t for inner in t.iter("table"))]
    sheets: list[Sheet] = []
    for i, table in enumerate(found_tables):
        grid = _html_grid(table)
        if not any(any(v for v in row) for row in grid[:MAX_HEADER_SCAN]):
            continue
        sheet = None if len(found_tables) == 1 else f"表格{i + 1}"
        found = find_header(grid, table_hint(name))
        if found is None and len(found_tables) > 1:
            continue  # a layout table around the data
        sh = _sheet_from_grid(name, sheet, grid, table_hint(name), None, problems,
                              found=found, notes=info.notes)
        if sh is not None:
            sheets.append(sh)
    if not sheets and not problems:
        raise FileRejected(Problem(name, None, None, None, "html_unreadable",
                                   {"ext": ext, "detail": "no <table>"}))
    return sheets


def _html_grid(table) -> list[list]:
    grid: list[list] = []
    pending: dict[int, int] = {}  # column -> rows still covered by a rowspan above
    for tr in table.iter("tr"):
        row: list = []
        col = 0
        for cell in tr:
            if cell.tag not in ("td", "th"):
                continue
            while pending.get(col, 0) > 0:
                row.append(None)
                pending[col] -= 1
                col += 1
            value = " ".join(cell.text_content().split())
            span = _span(cell.get("colspan"))
            down = _span(cell.get("rowspan"))
            for k in range(span):
                row.append(value if k == 0 else None)
                if down > 1:
                    pending[col] = down - 1
                col += 1
        while any(v > 0 for c, v in pending.items() if c >= col):
            if pending.get(col, 0) > 0:
                pending[col] -= 1
            row.append(None)
            col += 1
        grid.append(row)
    width = max((len(r) for r in grid), default=0)
    return [r + [None] * (width - len(r)) for r in grid]


def _span(value) -> int:
    try:
        return max(1, min(int(value), EXCEL_MAX_SPAN))
    except (TypeError, ValueError):
        return 1


EXCEL_MAX_SPAN = 16_384
