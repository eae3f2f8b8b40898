"""What a check or a load reports: the files read, every failure a line (or a table for the
page), in update mode the records that change, and the verdict, in Chinese or English."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from data.importer.failures import Parsed
from data.importer.sheets import FileInfo, Sheet
from data.importer.spec import tables
from data.importer.text import ui


@dataclass
class Report:
    ok: bool
    errors: pd.DataFrame
    files: list[FileInfo]
    sheets: list[Sheet]
    rows: dict[str, int]
    notes: list[tuple[str, str]] = field(default_factory=list)
    changes: pd.DataFrame | None = None  # update mode: table, key, file, sheet, row, columns
    # update mode, per table: records added, changed, unchanged, removed
    summary: pd.DataFrame | None = None
    parsed: dict[str, Parsed] = field(default_factory=dict)
    as_of: date | None = None
    mode: str = "replace"
    seconds: float = 0.0

    @property
    def error_count(self) -> int:
        return len(self.errors)

    def file_lines(self, lang: str = "zh") -> list[str]:
        """What was read from each file, and the notes (columns ignored)."""
        out = []
        for info in self.files:
            enc = f"，{info.encoding}" if info.encoding and lang == "zh" else (
                f", {info.encoding}" if info.encoding else "")
            per = "、".join(f"{tables()[t].title if lang == 'zh' else t} {n:,}"
                           for t, n in info.rows.items())
            out.append(f"{info.name}（{per or '—'}{enc}）" if lang == "zh"
                       else f"{info.name} ({per or '—'}{enc})")
        for zh, en in self.notes:
            out.append(zh if lang == "zh" else en)
        return out

    def lines(self, lang: str = "zh", limit: int | None = 200) -> list[str]:
        """The report as text: the files, then one failure a line, then the verdict."""
        out = self.file_lines(lang)
        shown = self.errors if limit is None else self.errors.head(limit)
        for e in shown.itertuples():
            place = [str(e.file)]
            if isinstance(e.sheet, str):
                place.append(e.sheet)
            if pd.notna(e.row):
                place.append(f"第{int(e.row)}行" if lang == "zh" else f"row {int(e.row)}")
            if isinstance(e.column, str):
                place.append(f"“{e.column}”" if lang == "zh" else f'"{e.column}"')
            value = "" if e.value is None or (not isinstance(e.value, str) and pd.isna(e.value)) \
                else (f"（值：{e.value}）" if lang == "zh" else f" (value: {e.value})")
            text = e.zh if lang == "zh" else e.en
            out.append(f"{' · '.join(place)}：{text}{value}" if lang == "zh"
                       else f"{' · '.join(place)}: {text}{value}")
        if limit is not None and len(self.errors) > limit:
            more = len(self.errors) - limit
            out.append(f"……另有 {more:,} 处错误，完整列表见 --report 生成的 XLSX" if lang == "zh"
                       else f"… {more:,} more; write them all with --report FILE.xlsx")
        out.extend(self.summary_lines(lang))
        changed = self.changed()
        if len(changed):
            out.append(f"将更新 {len(changed):,} 条已有记录：" if lang == "zh"
                       else f"{len(changed):,} existing records will be updated:")
            changes = changed if limit is None else changed.head(limit)
            for c in changes.itertuples():
                sheet = f" / {c.sheet}" if isinstance(c.sheet, str) else ""
                cols = c.columns
                out.append(f"  {c.table} {c.key}：{c.file}{sheet} 第{int(c.row)}行，变更 {cols}"
                           if lang == "zh" else
                           f"  {c.table} {c.key}: {c.file}{sheet} row {int(c.row)}, changes {cols}")
        total = sum(self.rows.values())
        if self.ok:
            out.append(f"检查通过：{total:,} 行" if lang == "zh" else f"valid: {total:,} rows")
        else:
            out.append(f"发现 {len(self.errors):,} 处错误，未导入任何数据" if lang == "zh"
                       else f"{len(self.errors):,} problems; nothing was imported")
        return out

    def changed(self) -> pd.DataFrame:
        """The incoming rows that change a stored record (not those identical to it)."""
        if self.changes is None:
            return pd.DataFrame(columns=["table", "key", "file", "sheet", "row", "columns"])
        return self.changes[self.changes["columns"].astype(bool)]

    def summary_lines(self, lang: str = "zh") -> list[str]:
        """One line per table: how many records are added, changed, unchanged, removed."""
        if self.summary is None:
            return []
        return [ui("summary_line", lang, table=tables()[r.table].title if lang == "zh"
                   else r.table, added=f"{r.added:,}", changed=f"{r.changed:,}",
                   unchanged=f"{r.unchanged:,}", removed=f"{r.removed:,}")
                for r in self.summary.itertuples()]

    def table(self, lang: str = "zh") -> pd.DataFrame:
        """The failures as a table for the page."""
        df = self.errors.copy()
        df["message"] = df["zh"] if lang == "zh" else df["en"]
        df = df[["file", "sheet", "row", "column", "value", "message"]]
        df["row"] = df["row"].astype("Int64")
        return df.rename(columns={
            "file": ui("col_file", lang), "sheet": ui("col_sheet", lang),
            "row": ui("col_row", lang), "column": ui("col_column", lang),
            "value": ui("col_value", lang), "message": ui("col_message", lang)})


@dataclass
class LoadResult:
    report: Report
    snapshot_id: str | None = None
    previous_id: str | None = None
    removed: list[str] = field(default_factory=list)
