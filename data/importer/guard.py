"""Reading a file nobody has vetted without letting it take the process down.

Two layers:

* `inspect_xlsx` looks inside an XLSX before the spreadsheet reader touches it: the zip
  members' declared sizes and the bytes they really unpack to, every worksheet's declared
  `<dimension ref>`, and the rows and columns its cells really occupy. The reader lays a
  sheet out as a dense grid from A1 to its last cell, so one cell at XFD1048576 asks for
  17 billion cells; a small zip of repeated rows unpacks to millions of rows. Both are
  refused with a message before anything is allocated. The same pass finds what the reader
  cannot report: a damaged member (CRC or deflate errors) and formulas saved without their
  value.
* `read_isolated` reads a file in a child process with an address-space limit and a time
  limit. Whatever the reader does there (a native abort, an allocation the limits above did
  not foresee, an endless loop), the parent only sees the child end and reports it.
"""

from __future__ import annotations

import os
import pickle
import re
import selectors
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

from data.importer.problems import FileRejected, Problem, Progress

EXCEL_MAX_ROWS = 1_048_576  # Excel's own limits: no real workbook goes beyond them
EXCEL_MAX_COLUMNS = 16_384
MAX_CELLS = 40_000_000  # rows x columns laid out per file (a full template sheet is ~30M)
MAX_UNPACKED = 2 << 30  # bytes all members of one XLSX may unpack to
MAX_MEMBERS = 10_000
SMALL_PART = 16 << 20  # workbook.xml and its relationships are parsed whole; they are tiny
CHUNK = 1 << 20
FORMULA_EXAMPLES = 20
READ_SECONDS = 20 * 60


def memory_limit() -> int:
    """Address space a reading child may use: half the machine's memory, at most 8 GiB
    (reading the full scale-1 XLSX set peaks near 1.4 GB resident)."""
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError):
        total = 8 << 30
    return int(min(8 << 30, max(2 << 30, total // 2)))


@dataclass
class SheetScan:
    name: str
    part: str
    rows: int = 0  # last row holding a cell (or the number of rows)
    columns: int = 0  # last column holding a cell
    declared: tuple[int, int] | None = None  # rows, columns of <dimension ref>
    formulas_without_value: list[str] = field(default_factory=list)
    formula_count: int = 0
    row_tags: int = 0
    prefix: bytes = b""  # the SpreadsheetML namespace prefix, if the sheet uses one


_DIMENSION = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?dimension\b[^>]*?\bref="([A-Z]{0,4})(\d{0,9})'
                        rb'(?::([A-Z]{0,4})(\d{0,9}))?"')
_ROOT = re.compile(rb'<(?:([A-Za-z_][\w.-]*):)?worksheet\b')


@dataclass(frozen=True)
class _Patterns:
    """The patterns for one namespace prefix: Excel writes <c>, some generators <x:c>."""

    cell_row: re.Pattern
    cell_column: re.Pattern
    any_cell: re.Pattern
    formula: re.Pattern
    formula_no_value: re.Pattern
    cell_open: bytes
    row_open: bytes


_PATTERNS: dict[bytes, _Patterns] = {}


def _patterns(prefix: bytes) -> _Patterns:
    if prefix not in _PATTERNS:
        p = re.escape(prefix + b":") if prefix else b""
        _PATTERNS[prefix] = _Patterns(
            cell_row=re.compile(rb'<' + p + rb'c r="[A-Z]{1,4}(\d{1,9})"'),
            cell_column=re.compile(rb'<' + p + rb'c r="([A-Z]{1,4})'),
            any_cell=re.compile(rb'<' + p + rb'c\s[^>]*?\br="([A-Z]{1,4})(\d{1,9})"'),
            formula=re.compile(rb'<' + p + rb'f[\s>/]'),
            # a formula cell whose value element is missing or empty (how openpyxl and some
            # converters save formulas: Excel computes the value on opening, a reader sees
            # nothing)
            formula_no_value=re.compile(
                rb'<' + p + rb'c\b[^>]*?\br="([A-Z]{1,4}\d{1,9})"[^>]*>\s*<' + p
                + rb'f\b[^>]*?(?:/>|>[^<]*</' + p + rb'f>)\s*(?:<' + p + rb'v\s*/>|<' + p
                + rb'v>\s*</' + p + rb'v>)?\s*</' + p + rb'c>'),
            cell_open=b"<" + (prefix + b":" if prefix else b"") + b"c ",
            row_open=b"<" + (prefix + b":" if prefix else b"") + b"row")
    return _PATTERNS[prefix]


def column_number(letters: bytes | str) -> int:
    n = 0
    for ch in letters if isinstance(letters, str) else letters.decode("ascii"):
        n = n * 26 + ord(ch) - 64
    return n


def _rejected(name: str, key: str, sheet: str | None = None, **values) -> FileRejected:
    return FileRejected(Problem(name, sheet, None, None, key, values))


def _sheet_parts(zf: zipfile.ZipFile, name: str) -> list[tuple[str, str]]:
    """(sheet name, member) of every worksheet, in the workbook's order."""
    ns_main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    ns_rel = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
    ns_pkg = "{http://schemas.openxmlformats.org/package/2006/relationships}"
    members = {i.filename: i for i in zf.infolist()}
    book = next((m for m in members if m.lower() == "xl/workbook.xml"), None)
    rels = next((m for m in members if m.lower() == "xl/_rels/workbook.xml.rels"), None)
    if book is None or rels is None:
        return []
    for part in (book, rels):
        if members[part].file_size > SMALL_PART:
            raise _rejected(name, "xlsx_too_big", limit=SMALL_PART >> 20)
    try:
        targets = {}
        for rel in ElementTree.fromstring(zf.read(rels)).iter(f"{ns_pkg}Relationship"):
            target = rel.get("Target", "")
            target = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            targets[rel.get("Id")] = os.path.normpath(target).replace(os.sep, "/")
        out = []
        for sheet in ElementTree.fromstring(zf.read(book)).iter(f"{ns_main}sheet"):
            target = targets.get(sheet.get(f"{ns_rel}id"))
            if target is not None:
                match = next((m for m in members if m.lower() == target.lower()), None)
                if match is not None:
                    out.append((sheet.get("name") or "", match))
        return out
    except ElementTree.ParseError:
        raise _rejected(name, "excel_damaged") from None


def inspect_xlsx(path: Path, name: str, max_cells: int = MAX_CELLS,
                 max_unpacked: int = MAX_UNPACKED) -> list[SheetScan]:
    """Refuse an XLSX whose unpacked size or laid-out grid is out of bounds, or that is
    damaged; otherwise what each worksheet really holds."""
    try:
        with zipfile.ZipFile(path) as zf:
            return _inspect(zf, name, max_cells, max_unpacked)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, KeyError,
            NotImplementedError, RuntimeError):  # RuntimeError: an encrypted member
        raise _rejected(name, "excel_damaged") from None


def _inspect(zf: zipfile.ZipFile, name: str, max_cells: int,
             max_unpacked: int) -> list[SheetScan]:
    infos = zf.infolist()
    if len(infos) > MAX_MEMBERS:
        raise _rejected(name, "xlsx_too_big", limit=max_unpacked >> 20)
    if sum(i.file_size for i in infos) > max_unpacked:
        raise _rejected(name, "xlsx_too_big", limit=max_unpacked >> 20)
    by_part = {part: SheetScan(sheet, part) for sheet, part in _sheet_parts(zf, name)}
    unpacked = 0
    cells = 0
    for info in infos:
        scan = by_part.get(info.filename)
        with zf.open(info) as fh:
            tail = b""
            head = True
            while chunk := fh.read(CHUNK):
                unpacked += len(chunk)
                if unpacked > max_unpacked:
                    raise _rejected(name, "xlsx_too_big", limit=max_unpacked >> 20)
                if scan is None:
                    continue
                data = tail + chunk
                cut = data.rfind(b">") + 1  # scan whole tags; keep the rest for later
                _scan(scan, data[:cut], head)
                head = False
                tail = data[cut:]
                if len(tail) > CHUNK:  # a tag that never closes: not a worksheet
                    raise _rejected(name, "excel_damaged")
                _check_grid(name, scan, max_cells, cells)
        if scan is not None:
            if tail.strip():
                _scan(scan, tail, head)
                _check_grid(name, scan, max_cells, cells)
            cells += scan.rows * scan.columns
    return list(by_part.values())


def _scan(scan: SheetScan, data: bytes, head: bool) -> None:
    if head:
        root = _ROOT.search(data[:4096])
        scan.prefix = (root.group(1) or b"") if root else b""
    pat = _patterns(scan.prefix)
    if head and scan.declared is None:
        dim = _DIMENSION.search(data[:4096])
        if dim is not None:
            last_col, last_row = dim.group(3) or dim.group(1), dim.group(4) or dim.group(2)
            scan.declared = (int(last_row or 0), column_number(last_col or b""))
    # the cells' own addresses (the reader places a cell by its r=, whatever its row says);
    # cells written without one follow each other, so the rows are counted as well
    rows = pat.cell_row.findall(data)
    if rows:
        longest = max(map(len, rows))
        scan.rows = max(scan.rows, max(int(r) for r in set(rows) if len(r) == longest))
        scan.columns = max(scan.columns, *(column_number(c) for c in
                                           set(pat.cell_column.findall(data))))
    if data.count(pat.cell_open) != len(rows):  # an address after other attributes: slowly
        for col, row in pat.any_cell.findall(data):
            scan.rows = max(scan.rows, int(row))
            scan.columns = max(scan.columns, column_number(col))
    scan.row_tags += data.count(pat.row_open)
    scan.rows = max(scan.rows, scan.row_tags)
    if pat.formula.search(data):
        scan.formula_count += 1
        for ref in pat.formula_no_value.findall(data):
            if len(scan.formulas_without_value) < FORMULA_EXAMPLES:
                scan.formulas_without_value.append(ref.decode("ascii"))


def _check_grid(name: str, scan: SheetScan, max_cells: int, cells_so_far: int) -> None:
    if scan.declared is not None:
        rows, columns = scan.declared
        if rows > EXCEL_MAX_ROWS or columns > EXCEL_MAX_COLUMNS:
            raise _rejected(name, "sheet_too_big", scan.name, rows=f"{rows:,}",
                            columns=f"{columns:,}", max_rows=f"{EXCEL_MAX_ROWS:,}")
    if scan.rows > EXCEL_MAX_ROWS or scan.columns > EXCEL_MAX_COLUMNS:
        raise _rejected(name, "sheet_too_big", scan.name, rows=f"{scan.rows:,}",
                        columns=f"{scan.columns:,}", max_rows=f"{EXCEL_MAX_ROWS:,}")
    if cells_so_far + scan.rows * scan.columns > max_cells:
        raise _rejected(name, "sheet_too_many_cells", scan.name, rows=f"{scan.rows:,}",
                        columns=f"{scan.columns:,}", cell=_cell_name(scan.rows, scan.columns),
                        limit=f"{max_cells:,}")


def _cell_name(row: int, column: int) -> str:
    letters = ""
    while column:
        column, rem = divmod(column - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}{row}"


# -- the child process -------------------------------------------------------------------

PROGRESS_PREFIX = b"progress\t"


def read_isolated(path: Path, name: str | None = None, progress: Progress | None = None,
                  max_bytes: int | None = None, memory: int | None = None,
                  seconds: float = READ_SECONDS):
    """`read.read_file` in a child process limited to `memory` bytes of address space and
    `seconds` of time. A child that dies, is killed or runs out of time becomes a Problem."""
    path = Path(path)
    name = name or path.name
    memory = memory or memory_limit()
    root = Path(__file__).resolve().parents[2]
    with tempfile.TemporaryDirectory(prefix="import-read-") as tmp:
        out = Path(tmp) / "result.pickle"
        err = open(Path(tmp) / "stderr", "w+b")  # noqa: SIM115 - closed below
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(
            [str(root), *filter(None, [os.environ.get("PYTHONPATH")])]))
        proc = subprocess.Popen(
            [sys.executable, "-m", "data.importer.child", str(path), name, str(out),
             str(max_bytes or 0), str(memory), str(int(seconds) + 1)],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=err, cwd=root, env=env,
            start_new_session=True)
        timed_out = False
        try:
            timed_out = _follow(proc, progress, name, time.monotonic() + seconds)
        finally:
            if proc.poll() is None:
                _kill(proc)
            proc.wait()
            proc.stdout.close()
            if proc.returncode != 0:  # for the administrator: the server's log says why
                err.seek(max(0, err.seek(0, os.SEEK_END) - 2000))
                tail = err.read().decode("utf-8", "replace")
                print(f"import reader for {name!r} ended with {proc.returncode}"
                      f"{' (time limit)' if timed_out else ''}: {tail}", file=sys.stderr)
            err.close()
        if timed_out:
            return None, [], [Problem(name, None, None, None, "read_timeout",
                                      {"minutes": max(1, round(seconds / 60))})]
        if proc.returncode == 0 and out.exists():
            with open(out, "rb") as fh:
                return pickle.load(fh)  # noqa: S301 - written by our own child just now
        return None, [], [Problem(name, None, None, None, "read_crashed",
                                  {"limit": memory >> 20})]


def _follow(proc: subprocess.Popen, progress: Progress | None, name: str,
            deadline: float) -> bool:
    """Pass the child's progress lines on until it ends; True when time ran out."""
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    buffer = b""
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return True
            if not sel.select(timeout=min(left, 1.0)):
                if proc.poll() is not None:
                    return False
                continue
            chunk = os.read(proc.stdout.fileno(), 65536)
            if not chunk:
                return False
            buffer += chunk
            *lines, buffer = buffer.split(b"\n")
            for line in lines:
                if progress is not None and line.startswith(PROGRESS_PREFIX):
                    sheet, _, rows = line[len(PROGRESS_PREFIX):].decode("utf-8").rpartition("\t")
                    progress(name, sheet or None, int(rows))
    finally:
        sel.close()


def _kill(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        proc.kill()
