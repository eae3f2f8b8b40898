"""What the 数据导入 page needs, so that the page itself only draws: uploads saved where the
importer reads them, template bytes, the history and the comparison as display tables."""

from __future__ import annotations

import io
import os
import shutil
import tempfile
import time
import uuid
import zipfile
from pathlib import Path

import pandas as pd

from data.importer import pipeline
from data.importer.compare import compare
from data.importer.spec import tables
from data.importer.text import ui
from data.importer.workbook import write_templates
from data.store import SnapshotStore

UPLOAD_DIR = "uploads"


STALE_UPLOAD_HOURS = 24


def upload_dir(store: SnapshotStore) -> Path:
    """A fresh folder for one batch of uploads, private to the server's user. Folders left
    by a server that stopped in the middle of a check (a day old) are removed first."""
    root = store.root.parent / UPLOAD_DIR
    root.mkdir(parents=True, exist_ok=True)
    os.chmod(root, 0o700)
    stale = time.time() - STALE_UPLOAD_HOURS * 3600
    for old in root.iterdir():
        try:
            if old.is_dir() and old.stat().st_mtime < stale:
                shutil.rmtree(old, ignore_errors=True)
        except OSError:
            continue
    path = root / uuid.uuid4().hex
    path.mkdir(mode=0o700)
    return path


def save_uploads(files, folder: Path) -> list[Path]:
    """Write uploaded files (objects with .name and .getvalue()) under their own names."""
    paths = []
    for f in files:
        name = Path(f.name).name or "upload"
        target = folder / name
        n = 1
        while target.exists():
            n += 1
            target = folder / f"{Path(name).stem}-{n}{Path(name).suffix}"
        target.write_bytes(f.getvalue())
        paths.append(target)
    return paths


def discard(folder: Path | None) -> None:
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)


def templates_zip(store: SnapshotStore) -> tuple[bytes, dict[str, bytes]]:
    """Every template as bytes, and all of them in one zip."""
    ref, names = pipeline.template_sources(store)
    with tempfile.TemporaryDirectory() as tmp:
        paths = write_templates(Path(tmp), ref, names)
        files = {p.name: p.read_bytes() for p in paths}
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return buf.getvalue(), files


def history_frame(store: SnapshotStore, lang: str = "zh") -> pd.DataFrame:
    rows = []
    for m in store.list():
        files = "；".join(f"{f['name']}（{f['sha256'][:12]}…，{f.get('rows', 0):,}）"
                         for f in m.files)
        rows.append({
            ui("col_id", lang): m.snapshot_id + (f"（{ui('current', lang)}）" if m.current
                                                else ""),
            ui("col_as_of", lang): m.as_of,
            ui("col_built_at", lang): m.built_at.replace("T", " "),
            ui("col_by", lang): m.imported_by or "—",
            ui("col_source", lang): ui("synthetic" if m.source == "synthetic" else "imported",
                                       lang),
            ui("col_mode", lang): m.mode or "—",
            ui("col_files", lang): files or "—",
        })
    return pd.DataFrame(rows)


def compare_frame(store: SnapshotStore, first: str, second: str,
                  lang: str = "zh") -> pd.DataFrame:
    df = compare(store, first, second)
    name, county = ("name_zh", "county_zh") if lang == "zh" else ("name_en", "county_en")
    return pd.DataFrame({
        ui("col_indicator", lang): df[name], ui("col_county", lang): df[county],
        ui("col_before", lang): df["first"], ui("col_after", lang): df["second"],
        ui("col_diff", lang): df["difference"]})


def changes_frame(report: pipeline.Report, lang: str = "zh") -> pd.DataFrame:
    """The records an update changes, with the columns it changes (not the unchanged ones:
    those are counted in `summary_frame`)."""
    c = report.changed()
    if c.empty:
        return pd.DataFrame()
    return pd.DataFrame({ui("col_table", lang): c["table"].map(lambda t: table_name(t, lang)),
                         ui("col_key", lang): c["key"].astype(str),
                         ui("col_file", lang): c["file"],
                         ui("col_row", lang): c["row"].astype(str),
                         ui("col_changed", lang): c["columns"]})


def summary_frame(report: pipeline.Report, lang: str = "zh") -> pd.DataFrame:
    """Per database: records added, changed, unchanged and removed by the import."""
    s = report.summary
    if s is None or s.empty:
        return pd.DataFrame()
    return pd.DataFrame({ui("col_table", lang): s["table"].map(lambda t: table_name(t, lang)),
                         ui("col_added", lang): s["added"],
                         ui("col_changed_n", lang): s["changed"],
                         ui("col_unchanged", lang): s["unchanged"],
                         ui("col_removed", lang): s["removed"]})


def table_name(table: str, lang: str = "zh") -> str:
    return tables()[table].title if lang == "zh" else table


def problems_frame(report: pipeline.Report, lang: str = "zh") -> pd.DataFrame:
    """The failures for the page: every cell as text, an empty cell blank (never "None")."""
    df = report.table(lang)
    return df.astype(object).where(df.notna(), "").astype(str)
