"""Reading the files people bring: XLSX (Excel, WPS), XLS, a web page's tables saved as .xls,
and CSV or tab-separated text in UTF-8, UTF-8 with BOM, GBK, GB18030 or UTF-16 with a BOM.

The format is told by the file's content, not its name (a .xls that is really CSV is refused
with a message saying so). An XLSX is inspected before it is read (data.importer.guard). A CSV's encoding is detected: strict UTF-8 first, then
GB18030 (a superset of GBK) only when charset-normalizer agrees the text is Chinese in that
family; anything else is refused, never guessed. The header may sit below a title or blank
rows; it is found by matching the template's column names (Chinese or the schema's).
Cells keep their types (a number Excel stored stays a float, so an ID number that lost its
digits can be told from one typed as text).

One module per job: `encoding` (a text file's encoding), `headers` (finding the header),
`sheets` (a grid under its header as a `Sheet`), `read_excel`, `read_html`, `read_csv`.
"""

from __future__ import annotations

import codecs
import hashlib
from pathlib import Path

from data.importer.guard import inspect_xlsx
from data.importer.problems import FileRejected, Problem, Progress
from data.importer.read_csv import _read_csv
from data.importer.read_excel import _read_excel
from data.importer.read_html import _looks_like_html, _read_html
from data.importer.sheets import FileInfo, Sheet
from data.importer.spec import IMPORT_TABLES

__all__ = ["EXCEL_EXT", "TEXT_EXT", "FileInfo", "FileRejected", "Problem", "Progress", "Sheet",
           "importable", "read_file", "sha256_of"]


EXCEL_EXT = {".xlsx", ".xlsm", ".xls", ".et"}
TEXT_EXT = {".csv", ".txt", ".tsv"}
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


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


def importable(tables_found) -> list[str]:
    return [t for t in IMPORT_TABLES if t in set(tables_found)]
