"""What the row checks share: the `Context` they check against, a table's rows as `Parsed`,
and `Failures`, which records every failure with its file, sheet, Excel row, header and
value (personal values masked) and turns them into one frame."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analytics.masking import MASKERS
from data.importer.problems import Problem
from data.importer.sheets import Sheet
from data.importer.spec import tables
from data.importer.text import msg

ERROR_COLUMNS = ["file", "sheet", "row", "column", "value", "zh", "en", "table", "field"]
PERSONAL = {"id_number": "id", "mobile": "mobile", "head_mobile": "mobile", "name": "name",
            "head_name": "name", "honorary_head": "name"}


@dataclass
class Context:
    """What the rows are checked against."""

    as_of: date
    mode: str  # replace | append | update
    reference: dict[str, pd.DataFrame]  # counties, townships, host_cities, industries
    current_keys: dict[str, np.ndarray] = field(default_factory=dict)  # table -> keys
    current_names: dict[str, pd.DataFrame] = field(default_factory=dict)  # stations, parks


@dataclass
class Parsed:
    """One table's rows, typed like the schema, with where each row came from."""

    table: str
    frame: pd.DataFrame  # schema columns only
    src: np.ndarray  # index into Checker.sheets
    rows: np.ndarray  # Excel row numbers
    raw_text: dict[str, pa.ChunkedArray] = field(default_factory=dict)  # as written
    norm_text: dict[str, pa.ChunkedArray] = field(default_factory=dict)  # NFKC
    absent: dict[str, np.ndarray] = field(default_factory=dict)  # the sheet lacks the column


class Failures:
    """The sheets being checked and every failure found in them so far."""

    def __init__(self, sheets: list[Sheet], ctx: Context):
        self.sheets = sheets
        self.ctx = ctx
        self.specs = tables()
        self.errors: list[pd.DataFrame] = []
        self.problems: list[Problem] = []
        self.parsed: dict[str, Parsed] = {}

    # -- reporting -----------------------------------------------------------------------
    def fail(self, p: Parsed, mask: np.ndarray, column: str | None, zh, en,
             value=None) -> None:
        """Record a failure for every row in `mask`; zh/en are strings or arrays."""
        mask = np.asarray(mask, dtype=bool)
        if not mask.any():
            return
        idx = np.flatnonzero(mask)
        if value is None and column is not None and column in p.raw_text:
            shown = pc.take(p.raw_text[column], pa.array(idx)).to_numpy(zero_copy_only=False)
        elif value is not None:
            shown = np.asarray(value, dtype=object)
            shown = shown[idx] if shown.shape == mask.shape else shown
        else:
            shown = np.full(len(idx), None, dtype=object)
        if column in PERSONAL:
            shown = np.array([MASKERS[PERSONAL[column]](v) for v in shown], dtype=object)

        def pick(v):
            arr = np.asarray(v, dtype=object)
            return arr[idx] if arr.shape == mask.shape else np.full(len(idx), v, dtype=object)

        self.errors.append(pd.DataFrame({
            "src": p.src[idx], "row": p.rows[idx], "field": column, "value": shown,
            "zh": pick(zh), "en": pick(en), "table": p.table}))

    def fail_key(self, p: Parsed, mask, column: str | None, key: str, **values) -> None:
        self.fail(p, mask, column, msg(key, "zh", **values), msg(key, "en", **values))

    def where(self, src: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """'file / sheet 第 N 行' for each (src, row), in both languages."""
        zh, en = [], []
        for s, r in zip(src, rows, strict=True):
            sh = self.sheets[int(s)]
            sheet = f" / {sh.sheet} " if sh.sheet else " "
            zh.append(f"{sh.file}{sheet}第 {int(r)} 行")
            en.append(f"{sh.file}{sheet}row {int(r)}")
        return np.array(zh, dtype=object), np.array(en, dtype=object)

    def error_frame(self) -> pd.DataFrame:
        frames = [f for f in self.errors if len(f)]
        if not frames:
            return pd.DataFrame(columns=ERROR_COLUMNS)
        df = pd.concat(frames, ignore_index=True)
        files = np.array([s.file for s in self.sheets], dtype=object)
        sheet_names = np.array([s.sheet for s in self.sheets], dtype=object)
        src = df["src"].to_numpy(dtype=np.int64)
        df["file"] = files[src]
        df["sheet"] = sheet_names[src]
        headers = {}
        for i, s in enumerate(self.sheets):
            for col, pos in s.mapping.items():
                headers[(i, col)] = s.headers[pos]
        df["column"] = [headers.get((s, f), self.specs[t].column(f).header if f else None)
                        if f else None
                        for s, f, t in zip(src, df["field"], df["table"], strict=True)]
        return df[ERROR_COLUMNS]
