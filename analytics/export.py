"""Tables as files: CSV in UTF-8 with BOM (Excel and WPS open it) and XLSX, each carrying
the filter and the as-of date, so a file read later still says what it shows."""

from __future__ import annotations

import csv
import io

import pandas as pd

from analytics.masking import mask_frame


def _meta_rows(meta: dict[str, str]) -> list[list[str]]:
    return [[k, v] for k, v in meta.items()]


def csv_bytes(df: pd.DataFrame, meta: dict[str, str]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerows(_meta_rows(meta))
    writer.writerow([])
    mask_frame(df).to_csv(buf, index=False, lineterminator="\r\n")
    return buf.getvalue().encode("utf-8-sig")


def xlsx_bytes(df: pd.DataFrame, meta: dict[str, str], sheet: str = "数据") -> bytes:
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        mask_frame(df).to_excel(writer, sheet_name=sheet[:31], index=False)
        pd.DataFrame(_meta_rows(meta), columns=["项目 / item", "内容 / value"]).to_excel(
            writer, sheet_name="说明", index=False)
    return buf.getvalue()
