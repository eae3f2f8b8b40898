"""Reading the files people bring: XLSX (Excel, WPS), XLS, a web page's tables saved as .xls,
and CSV or tab-separated text in UTF-8, UTF-8 with BOM, GBK, GB18030 or UTF-16 with a BOM.

The format is told by the file's content, not its name (a .xls that is really CSV is refused
with a message saying so). An XLSX is inspected before it is read (data.importer.guard). A CSV's encoding is detected: strict UTF-8 first, then
GB18030 (a superset of GBK) only when charset-normalizer agrees the text is Chinese in that
family; anything else is refused, never guessed. The header may sit below a title or blank
rows; it is found by matching the template's column names (Chinese or the schema's).
Cells keep their types (a number Excel stored stays a float, so an ID number that lost its
digits can be told from one typed as text).
"""

from __future__ import annotations

import codecs
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from data.importer.cells import _cell_to_text
from data.importer.guard import column_number, inspect_xlsx
from data.importer.problems import FileRejected, Problem, Progress
from data.importer.spec import IMPORT_TABLES, UNITS, Column, norm, strip_unit, tables
from data.importer.text import msg

MAX_HEADER_SCAN = 30
SKIP_SHEETS = {norm(s) for s in ("填表说明", "说明", "代码表", "下拉列表", "lists", "instructions",
                                  "填报说明", "封面")}
COVER_ROWS = 100  # a sheet without a header and at most this many filled rows is not data
PROGRESS_EVERY = 50_000
EXCEL_EXT = {".xlsx", ".xlsm", ".xls", ".et"}
TEXT_EXT = {".csv", ".txt", ".tsv"}
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
GB_FAMILY = {"gb18030", "gbk", "gb2312", "hz", "cp936"}

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


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


# -- encodings --------------------------------------------------------------------------

def decode(data: bytes, name: str) -> tuple[str, str]:
    """(text, encoding name) or FileRejected naming why."""
    if data.startswith(codecs.BOM_UTF8):
        body = data[len(codecs.BOM_UTF8):]
        try:
            return body.decode("utf-8"), "UTF-8 (BOM)"
        except UnicodeDecodeError as exc:
            raise FileRejected(Problem(name, None, None, None, "encoding_mixed",
                                       {"line": _line_of(body, exc.start)})) from None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:  # Excel's "Unicode 文本" (tab-separated)
            return data.decode("utf-16"), "UTF-16 (BOM)"
        except UnicodeDecodeError:
            raise FileRejected(Problem(name, None, None, None, "encoding_unknown",
                                       {"guess": "UTF-16"})) from None
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    # Valid multi-byte UTF-8 before the first bad byte means the file mixes encodings.
    head = data[:first_bad].decode("utf-8")
    if sum(1 for ch in head if ord(ch) > 0x7F) >= 2:
        raise FileRejected(Problem(name, None, None, None, "encoding_mixed",
                                   {"line": _line_of(data, first_bad)}))
    guess = _guess(data)
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        raise FileRejected(Problem(name, None, None, None, "encoding_unknown",
                                   {"guess": guess or "?"})) from None
    if guess not in GB_FAMILY:
        raise FileRejected(Problem(name, None, None, None, "encoding_unknown",
                                   {"guess": guess or "?"}))
    try:
        data.decode("gbk")
        return text, "GBK"
    except UnicodeDecodeError:
        return text, "GB18030"


def _guess(data: bytes) -> str | None:
    from charset_normalizer import from_bytes

    best = from_bytes(data[:262_144]).best()
    return None if best is None else best.encoding.lower().replace("-", "_")


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


# -- headers ----------------------------------------------------------------------------

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


# -- files ------------------------------------------------------------------------------

def read_file(path: Path, name: str | None = None, progress: Progress | None = None,
              max_bytes: int | None = None) -> tuple[FileInfo | None, list[Sheet],
                                                     list[Problem]]:
    """Every table found in one file, and the problems that stop it being read."""
    path = Path(path)
    name = name or path.name
    problems: list[Problem] = []
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return None, [], [Problem(name, None, None, None, "file_missing")]
    if max_bytes is not None and size > max_bytes:
        return None, [], [Problem(name, None, None, None, "file_too_big",
                                  {"limit": max_bytes // (1 << 20)})]
    ext = path.suffix.lower()
    if ext not in EXCEL_EXT | TEXT_EXT:
        return None, [], [Problem(name, None, None, None, "file_type", {"ext": ext or "?"})]
    info = FileInfo(name=name, path=path, sha256=sha256_of(path), size=size, kind=ext[1:])
    if size == 0:
        return info, [], [Problem(name, None, None, None, "file_empty")]
    with open(path, "rb") as fh:
        magic = fh.read(8)
    try:
        if magic.startswith(ZIP_MAGIC) or magic == OLE_MAGIC:
            info.kind = "xlsx" if magic.startswith(ZIP_MAGIC) else "xls"
            scans = None
            if info.kind == "xlsx":
                scans = {s.name: s for s in inspect_xlsx(path, name)}
            sheets = _read_excel(path, name, ext, progress, problems, info, scans)
        elif ext in EXCEL_EXT and _looks_like_html(path):
            info.kind = "html"
            sheets = _read_html(path, name, ext, problems, info)
        elif ext in EXCEL_EXT:
            raise FileRejected(Problem(name, None, None, None,
                                       "text_as_excel" if _looks_like_text(path)
                                       else "not_excel", {"ext": ext}))
        else:
            info.kind = "csv"
            sheets = _read_csv(path, name, progress, problems, info)
    except FileRejected as exc:
        return info, [], [exc.problem]
    for sh in sheets:
        info.rows[sh.table] = info.rows.get(sh.table, 0) + len(sh.frame)
    return info, sheets, problems


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


def _looks_like_text(path: Path) -> bool:
    data = path.read_bytes()[:4096]
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return True
    if b"\x00" in data:
        return False
    try:
        data.decode("utf-8")
        return True
    except UnicodeDecodeError:
        try:
            data.decode("gb18030")
            return True
        except UnicodeDecodeError:
            return False


def _read_excel(path: Path, name: str, ext: str, progress: Progress | None,
                problems: list[Problem], info: FileInfo | None = None,
                scans: dict | None = None) -> list[Sheet]:
    import python_calamine as pc

    notes = info.notes if info is not None else None
    try:
        wb = pc.CalamineWorkbook.from_path(str(path))
    except pc.PasswordError:
        raise FileRejected(Problem(name, None, None, None, "password")) from None
    except Exception as exc:  # noqa: BLE001 - calamine raises several kinds for bad files
        raise FileRejected(Problem(name, None, None, None, "not_excel", {"ext": ext})) \
            from exc
    sheets: list[Sheet] = []
    try:
        visible = [m.name for m in wb.sheets_metadata  # hidden lists and charts are not data
                   if str(m.visible).endswith(".Visible") and str(m.typ).endswith("WorkSheet")]
        candidates = [s for s in visible if norm(s) not in SKIP_SHEETS
                      and not s.startswith("_")]
        found_any = unreadable = False
        unheaded: list[tuple[str, list[list]]] = []
        for sheet_name in candidates:
            try:
                sheet = wb.get_sheet_by_name(sheet_name)
                grid = _rows_with_progress(sheet, name, sheet_name, progress)
            except Exception as exc:  # noqa: BLE001
                unreadable = True
                problems.append(Problem(name, sheet_name, None, None, "excel_unreadable",
                                        {"detail": type(exc).__name__}))
                continue
            if not any(any(v not in (None, "") for v in row) for row in grid[:MAX_HEADER_SCAN]):
                continue  # an empty sheet (Sheet2, Sheet3 of a new workbook)
            found_any = True
            hint = table_hint(sheet_name) or (table_hint(name) if len(candidates) == 1 else None)
            header = find_header(grid, hint)
            if header is None:
                unheaded.append((sheet_name, grid))
                continue
            scan = (scans or {}).get(sheet_name)
            if scan is not None and scan.formulas_without_value:
                problems.append(_formula_problem(name, sheet_name, scan, header, grid))
                continue  # its values are not in the file: checking them would mislead
            sh = _sheet_from_grid(name, sheet_name, grid, hint, None, problems, found=header,
                                  notes=notes)
            if sh is not None:
                sheets.append(sh)
        if not found_any:
            if unreadable:
                problems[:] = [p for p in problems if p.key != "excel_unreadable"]
                raise FileRejected(Problem(name, None, None, None, "excel_damaged"))
            raise FileRejected(Problem(name, None, None, None,
                                       "file_empty" if candidates else "no_sheets"))
        _unheaded(name, unheaded, bool(sheets) or any(p.key == "formula_no_value"
                                                       for p in problems), problems, notes)
    finally:
        wb.close()
    return sheets


def _unheaded(name: str, unheaded: list[tuple[str, list[list]]], has_data: bool,
              problems: list[Problem], notes: list[tuple[str, str]] | None) -> None:
    """Sheets where no header was found: a cover or notes sheet beside the data is skipped
    (and said so); a sheet that looks like data, or a workbook with no data sheet at all,
    is a problem naming the sheets."""
    if not unheaded:
        return
    def filled(grid: list[list]) -> int:
        return sum(1 for row in grid if any(v not in (None, "") for v in row))

    covers = [s for s, g in unheaded if has_data and table_hint(s) is None
              and filled(g) <= COVER_ROWS]
    if covers and notes is not None:
        listed = "、".join(f"“{s}”" for s in covers)
        notes.append((f"{name}：{_msg('sheets_skipped', 'zh', sheets=listed)}",
                      f"{name}: {_msg('sheets_skipped', 'en', sheets=listed)}"))
    rest = [s for s, _g in unheaded if s not in covers]
    if rest:
        example = next(iter(tables().values())).columns[0].header
        problems.append(Problem(name, rest[0] if len(rest) == 1 else None, None, None,
                                "no_header_sheets",
                                {"sheets": "、".join(f"“{s}”" for s in rest),
                                 "rows": MAX_HEADER_SCAN, "example": example}))


def _formula_problem(name: str, sheet: str, scan, header: Header, grid: list[list]) -> Problem:
    first = scan.formulas_without_value[0]
    match = re.fullmatch(r"([A-Z]+)(\d+)", first)
    column = None
    row = None
    if match:
        pos = column_number(match.group(1)) - 1
        row = int(match.group(2))
        if 0 <= pos < len(header.texts) and header.texts[pos]:
            column = header.texts[pos]
    n = len(scan.formulas_without_value)
    count = f"{n}+" if n >= 20 else str(n)
    return Problem(name, sheet, row, column, "formula_no_value", {"cell": first, "n": count})


def _rows_with_progress(sheet, file: str, sheet_name: str, progress: Progress | None):
    if progress is None:
        return sheet.to_python(skip_empty_area=False)
    grid = []
    for i, row in enumerate(sheet.iter_rows(), 1):
        grid.append(row)
        if i % PROGRESS_EVERY == 0:
            progress(file, sheet_name, i)
    progress(file, sheet_name, len(grid))
    return grid


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


def importable(tables_found) -> list[str]:
    return [t for t in IMPORT_TABLES if t in set(tables_found)]
