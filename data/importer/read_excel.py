"""Reading a workbook (XLSX, XLSM, XLS, WPS .et) with calamine: every visible worksheet that
is not notes or lists, its header found, a cover sheet beside the data skipped (and said so),
and a sheet whose formulas have no saved value refused rather than read as empty."""

from __future__ import annotations

import re
from pathlib import Path

from data.importer.guard import column_number
from data.importer.headers import MAX_HEADER_SCAN, Header, find_header, table_hint
from data.importer.problems import FileRejected, Problem, Progress
from data.importer.sheets import FileInfo, Sheet, _sheet_from_grid
from data.importer.spec import norm, tables
from data.importer.text import msg

SKIP_SHEETS = {norm(s) for s in ("填表说明", "说明", "代码表", "下拉列表", "lists", "instructions",
                                  "填报说明", "封面")}
COVER_ROWS = 100  # a sheet without a header and at most this many filled rows is not data
PROGRESS_EVERY = 50_000


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
        notes.append((f"{name}：{msg('sheets_skipped', 'zh', sheets=listed)}",
                      f"{name}: {msg('sheets_skipped', 'en', sheets=listed)}"))
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
