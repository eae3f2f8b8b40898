"""Check files, then build a new snapshot from them and serve it.

    report = check(paths, as_of=..., mode=...)        # dry run: read and validate
    result = load(paths, mode="replace", by="admin")  # check, build, promote, prune

A load builds a NEW snapshot file through SnapshotStore.build (the served file is never
written): the tables in the files replace (or extend) the current snapshot's, the others
are copied over unchanged. The file is finished and closed before it is promoted, and any
failure, including a kill, leaves CURRENT naming the old snapshot. What both return is
in data.importer.report.
"""

from __future__ import annotations

import os
import sys
import time
from datetime import date, datetime
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from core.errors import BilingualError
from core.settings import current as current_settings
from data import reference
from data.importer.guard import read_isolated
from data.importer.read import FileInfo, Problem, Progress, Sheet, read_file
from data.importer.report import LoadResult, Report
from data.importer.spec import IMPORT_TABLES, REFERENCE_TABLES, key_column, tables
from data.importer.text import msg
from data.importer.validate import ERROR_COLUMNS, Checker, Context, Parsed
from data.snapshot import TABLES
from data.store import Manifest, SnapshotStore, new_id

MODES = ("replace", "append", "update")
PAUSE_ENV = "HEZE_IMPORT_PAUSE"  # tests: "<checkpoint>=<seconds>" to hold a load there


class ImportError_(BilingualError, RuntimeError):
    """A load that could not build; the served snapshot is unchanged."""


# -- the store and the current snapshot ------------------------------------------------------

def default_store() -> SnapshotStore:
    return SnapshotStore(current_settings().snapshots_dir)


def _reference_from_csv() -> dict[str, pd.DataFrame]:
    towns = reference.frame("townships")
    towns.insert(0, "township_id", np.arange(1, len(towns) + 1))
    return {"counties": reference.table("counties"), "host_cities": reference.table("host_cities"),
            "industries": reference.table("industries"), "townships": towns}


def template_sources(store) -> tuple[dict, dict]:
    """Reference tables and station/park names for the drop-down lists."""
    current = store.current_path()
    if current is None or not current.exists():
        return _reference_from_csv(), {}
    con = duckdb.connect(str(current), read_only=True)
    try:
        ref = {t: con.execute(f"SELECT * FROM {t}").df() for t in REFERENCE_TABLES}  # noqa: S608
        names = {t: [r[0] for r in con.execute(
            f"SELECT name_zh FROM {t} ORDER BY name_zh").fetchall()]  # noqa: S608
            for t in ("stations", "parks")}
    finally:
        con.close()
    return ref, names


def _context(store: SnapshotStore, as_of: date, mode: str) -> tuple[Context, Path | None]:
    current = store.current_path()
    if current is None or not current.exists():
        return Context(as_of=as_of, mode=mode, reference=_reference_from_csv()), None
    con = duckdb.connect(str(current), read_only=True)
    con.execute("SET enable_progress_bar = false")
    try:
        ref = {t: con.execute(f"SELECT * FROM {t}").df() for t in REFERENCE_TABLES}  # noqa: S608
        keys = {t: con.execute(f"SELECT {key_column(t)} FROM {t}").fetchnumpy()[key_column(t)]  # noqa: S608
                .astype(np.int64) for t in IMPORT_TABLES}
        names = {t: con.execute(f"SELECT {key_column(t)} AS id, name_zh AS name FROM {t}").df()  # noqa: S608
                 for t in ("stations", "parks")}
    finally:
        con.close()
    for t in ("counties", "townships"):
        for c in ref[t].columns:
            if c.endswith("_code") or c.endswith("_id"):
                ref[t][c] = ref[t][c].astype(np.int64)
    return Context(as_of=as_of, mode=mode, reference=ref, current_keys=keys,
                   current_names=names), current


def stderr_progress(file: str, sheet: str | None, rows: int) -> None:
    where = f"{file} / {sheet}" if sheet else file
    print(f"已读取 / rows read: {rows:>9,}  {where}", file=sys.stderr, flush=True)


# -- check -----------------------------------------------------------------------------------

def check(paths, *, as_of: date | None = None, mode: str = "replace",
          store: SnapshotStore | None = None, progress: Progress | None = None,
          names: list[str] | None = None, max_bytes: int | None = None,
          isolate: bool = False) -> Report:
    """Read and validate `paths`; nothing is written. With `isolate`, each file is read in a
    child process with a memory and a time limit (uploads from the page, the command line):
    a file that would exhaust memory or crash the reader becomes a problem in the report."""
    started = time.monotonic()
    store = store or default_store()
    as_of = as_of or date.today()
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}")
    files: list[FileInfo] = []
    sheets: list[Sheet] = []
    problems: list[Problem] = []
    notes: list[tuple[str, str]] = []
    for i, path in enumerate(paths):
        reader = read_isolated if isolate else read_file
        info, found, probs = reader(Path(path), name=names[i] if names else None,
                                    progress=progress, max_bytes=max_bytes)
        if info is not None:
            files.append(info)
            notes.extend(info.notes)
        sheets.extend(found)
        problems.extend(probs)
        for sh in found:
            if sh.ignored:
                headers = "、".join(sh.ignored)
                notes.append((f"{sh.file}{' / ' + sh.sheet if sh.sheet else ''}："
                              + msg("ignored_columns", "zh", headers=headers),
                              f"{sh.file}{' / ' + sh.sheet if sh.sheet else ''}: "
                              + msg("ignored_columns", "en", headers=headers)))
    ctx, current = _context(store, as_of, mode)
    checker = Checker([s for s in sheets if len(s.frame)], ctx)
    parsed = checker.run()
    if current is not None and mode != "replace":
        _stored_people(current, checker)
    errors = [checker.error_frame()]
    if problems:
        errors.insert(0, pd.DataFrame([{
            "file": p.file, "sheet": p.sheet, "row": p.row, "column": p.column,
            "value": p.value, "zh": msg(p.key, "zh", **p.values),
            "en": msg(p.key, "en", **p.values), "table": None, "field": None}
            for p in problems], columns=ERROR_COLUMNS))
    if not sheets and not problems:
        errors.insert(0, pd.DataFrame([{"file": "", "sheet": None, "row": None, "column": None,
                                        "value": None, "zh": msg("no_sheets", "zh"),
                                        "en": msg("no_sheets", "en"), "table": None,
                                        "field": None}], columns=ERROR_COLUMNS))
    if current is not None:
        errors.append(_as_of_problem(current, as_of, mode, parsed))
    if current is not None and mode == "replace":
        errors.append(_orphans(current, parsed, sheets))
    changes = summary = None
    if current is not None and mode == "update":
        changes = _changes(current, parsed, checker)
        summary = _summary(parsed, changes)
    err = pd.concat([e for e in errors if len(e)], ignore_index=True) \
        if any(len(e) for e in errors) else pd.DataFrame(columns=ERROR_COLUMNS)
    err["row"] = err["row"].astype("Int64")
    err = _sorted(err, files)
    rows = {t: len(p.frame) for t, p in parsed.items()}
    return Report(ok=err.empty and bool(parsed), errors=err, files=files, sheets=sheets,
                  rows=rows, notes=notes, changes=changes, summary=summary, parsed=parsed,
                  as_of=as_of,
                  mode=mode, seconds=time.monotonic() - started)


def _sorted(err: pd.DataFrame, files: list[FileInfo]) -> pd.DataFrame:
    order = {f.name: i for i, f in enumerate(files)}
    err = err.assign(_f=err["file"].map(order).fillna(-1), _r=err["row"].fillna(0))
    return err.sort_values(["_f", "sheet", "_r"], kind="stable", na_position="first") \
        .drop(columns=["_f", "_r"]).reset_index(drop=True)


def _as_of_problem(current: Path, as_of: date, mode: str, parsed: dict) -> pd.DataFrame:
    """Records carried over must not be dated after the new snapshot's as-of date."""
    if mode == "replace" and set(parsed) >= set(IMPORT_TABLES):
        return pd.DataFrame(columns=ERROR_COLUMNS)
    con = duckdb.connect(str(current), read_only=True)
    try:
        current_as_of = con.execute("SELECT as_of FROM snapshot").fetchall()[0][0]
    finally:
        con.close()
    if as_of >= current_as_of:
        return pd.DataFrame(columns=ERROR_COLUMNS)
    vals = {"as_of": as_of.isoformat(), "current": current_as_of.isoformat()}
    return pd.DataFrame([{"file": "", "sheet": None, "row": None, "column": None,
                          "value": None, "zh": msg("as_of_before_current", "zh", **vals),
                          "en": msg("as_of_before_current", "en", **vals), "table": None,
                          "field": None}], columns=ERROR_COLUMNS)


def _orphans(current: Path, parsed: dict[str, Parsed], sheets: list[Sheet]) -> pd.DataFrame:
    """Current records of tables not imported that refer to ids the new data drops."""
    specs = tables()
    out = []
    con = duckdb.connect(str(current), read_only=True)
    try:
        for target, p in parsed.items():
            keys = pd.DataFrame({"k": p.frame[key_column(target)].dropna().astype(np.int64)})
            con.register("new_keys", keys)
            for table, spec in specs.items():
                if table in parsed:
                    continue
                for col in spec.columns:
                    if col.ref_table != target:
                        continue
                    n, examples = con.execute(
                        f"SELECT count(*), list(DISTINCT {col.name} ORDER BY {col.name})[1:5] "  # noqa: S608
                        f"FROM {table} WHERE {col.name} IS NOT NULL AND {col.name} NOT IN "
                        "(SELECT k FROM new_keys)").fetchall()[0]
                    if n:
                        file = next((s.file for s in sheets if s.table == target), "")
                        ex = "、".join(str(x) for x in examples)
                        vals = {"n": n, "table": spec.title, "target": specs[target].title,
                                "examples": ex}
                        en_vals = dict(vals, table=table, target=target)
                        out.append({"file": file, "sheet": None, "row": None,
                                    "column": specs[target].column(key_column(target)).header,
                                    "value": None, "zh": msg("orphans", "zh", **vals),
                                    "en": msg("orphans", "en", **en_vals), "table": target,
                                    "field": None})
            con.unregister("new_keys")
    finally:
        con.close()
    return pd.DataFrame(out, columns=ERROR_COLUMNS)


def _stored_people(current: Path, checker: Checker) -> None:
    """Append and update keep the stored records the files do not name: an incoming ID
    number that one of those already carries would make one person two records."""
    specs = tables()
    con = duckdb.connect(str(current), read_only=True)
    try:
        for table, p in checker.parsed.items():
            key = key_column(table)
            for col in specs[table].columns:
                if col.kind != "id_number":
                    continue
                incoming = pd.DataFrame({"pos": np.arange(len(p.frame)), "k": p.frame[key],
                                         "v": p.frame[col.name]})
                con.register("incoming_people", incoming)
                try:
                    hits = con.execute(
                        f"SELECT i.pos, min(c.{key}) FROM incoming_people i "  # noqa: S608
                        f"JOIN {table} c ON c.{col.name} = i.v "
                        f"WHERE i.v IS NOT NULL AND c.{key} NOT IN "
                        "(SELECT k FROM incoming_people WHERE k IS NOT NULL) "
                        "GROUP BY i.pos").fetchall()
                finally:
                    con.unregister("incoming_people")
                if not hits:
                    continue
                mask = np.zeros(len(p.frame), dtype=bool)
                zh = np.full(len(p.frame), None, dtype=object)
                en = np.full(len(p.frame), None, dtype=object)
                for pos, stored in hits:
                    mask[pos] = True
                    zh[pos] = msg("duplicate_id_number_stored", "zh", record=stored)
                    en[pos] = msg("duplicate_id_number_stored", "en", record=stored)
                checker.fail(p, mask, col.name, zh, en)
    finally:
        con.close()


def _changes(current: Path, parsed: dict[str, Parsed], checker: Checker) -> pd.DataFrame:
    """Update mode: which incoming rows change an existing record, and which columns."""
    out = []
    con = duckdb.connect(str(current), read_only=True)
    try:
        for table, p in parsed.items():
            key = key_column(table)
            new = p.frame.assign(_src=p.src, _row=p.rows)
            con.register("incoming_keys", new[[key]].dropna())
            old = con.execute(f"SELECT * FROM {table} WHERE {key} IN "  # noqa: S608
                              f"(SELECT {key} FROM incoming_keys)").df()
            con.unregister("incoming_keys")
            if old.empty:
                continue
            merged = new.merge(old, on=key, suffixes=("", "__old"))
            changed_cols = []
            for col in p.frame.columns:
                if col == key:
                    continue
                a, b = _comparable(merged[col]), _comparable(merged[f"{col}__old"])
                differs = ~((a == b) | (a.isna() & b.isna()))
                changed_cols.append(np.where(differs.to_numpy(dtype=bool), col, ""))
            cols = [",".join(x for x in row if x) for row in zip(*changed_cols, strict=True)] \
                if changed_cols else [""] * len(merged)
            src = merged["_src"].to_numpy()
            out.append(pd.DataFrame({
                "table": table, "key": merged[key].to_numpy(),
                "file": [checker.sheets[int(s)].file for s in src],
                "sheet": [checker.sheets[int(s)].sheet for s in src],
                "row": merged["_row"].to_numpy(), "columns": cols}))
    finally:
        con.close()
    if not out:
        return pd.DataFrame(columns=["table", "key", "file", "sheet", "row", "columns"])
    return pd.concat(out, ignore_index=True)


def _summary(parsed: dict[str, Parsed], changes: pd.DataFrame) -> pd.DataFrame:
    """Update mode, per imported table: records added, changed, unchanged, removed (none:
    an update keeps every stored record)."""
    out = []
    for table, p in parsed.items():
        mine = changes[changes["table"] == table]
        changed = int(mine["columns"].astype(bool).sum())
        out.append({"table": table, "added": len(p.frame) - len(mine), "changed": changed,
                    "unchanged": len(mine) - changed, "removed": 0})
    return pd.DataFrame(out, columns=["table", "added", "changed", "unchanged", "removed"])


def _comparable(s: pd.Series) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(s):
        return s.dt.strftime("%Y-%m-%d").astype(object)
    return s.astype(object).where(s.notna(), None).map(
        lambda v: None if v is None else (float(v) if isinstance(v, (int, float, np.number))
                                          and not isinstance(v, bool) else str(v)))


# -- load ----------------------------------------------------------------------------------

def _pause(checkpoint: str) -> None:
    spec = os.environ.get(PAUSE_ENV, "")
    for part in spec.split(","):
        name, _, seconds = part.partition("=")
        if name == checkpoint:
            print(f"checkpoint {checkpoint}", file=sys.stderr, flush=True)
            time.sleep(float(seconds or 0))


def load(paths, *, mode: str = "replace", as_of: date | None = None, by: str | None = None,
         store: SnapshotStore | None = None, progress: Progress | None = None,
         names: list[str] | None = None, keep: int | None = None,
         max_bytes: int | None = None, report: Report | None = None) -> LoadResult:
    """Check `paths`; if valid, build a new snapshot from them and serve it."""
    store = store or default_store()
    if report is None:
        report = check(paths, as_of=as_of, mode=mode, store=store, progress=progress,
                       names=names, max_bytes=max_bytes)
    if not report.ok:
        return LoadResult(report)
    _pause("checked")
    current = store.current_path()
    if current is not None and not current.exists():
        current = None
    snap_id = new_id("imported")
    built_at = datetime.now().replace(microsecond=0)
    as_of = report.as_of or date.today()

    def fill(con: duckdb.DuckDBPyConnection) -> None:
        con.execute("SET enable_progress_bar = false")
        if current is not None:
            con.execute("ATTACH ? AS cur (READ_ONLY)", [str(current)])
        con.execute("INSERT INTO snapshot VALUES (?, ?, ?, 'imported', NULL, 1)",
                    [snap_id, built_at, as_of])
        for table in TABLES:
            if table == "snapshot":
                continue
            if table in REFERENCE_TABLES:
                if current is not None:
                    con.execute(f"INSERT INTO {table} SELECT * FROM cur.{table}")  # noqa: S608
                else:
                    _insert_frame(con, table, _reference_from_csv()[table])
                continue
            p = report.parsed.get(table)
            key = key_column(table)
            if current is not None and (p is None or mode != "replace"):
                if p is None:
                    con.execute(f"INSERT INTO {table} SELECT * FROM cur.{table}")  # noqa: S608
                else:
                    con.register("incoming_keys", p.frame[[key]])
                    con.execute(f"INSERT INTO {table} SELECT * FROM cur.{table} "  # noqa: S608
                                f"WHERE {key} NOT IN (SELECT {key} FROM incoming_keys)")
                    con.unregister("incoming_keys")
            if p is not None:
                _insert_frame(con, table, p.frame)
            _pause(f"filled:{table}")
        if current is not None:
            con.execute("DETACH cur")

    manifest = Manifest(
        snapshot_id=snap_id, as_of=as_of.isoformat(), source="imported",
        built_at=built_at.isoformat(), imported_by=by, mode=mode,
        files=[{"name": f.name, "sha256": f.sha256, "rows": sum(f.rows.values()),
                "tables": dict(f.rows), "encoding": f.encoding} for f in report.files],
        note=(f"{mode}: {', '.join(report.parsed)}"
              + (f"; others from {store.current_id()}" if current is not None else "")))
    try:
        store.build(snap_id, fill, manifest)
    except duckdb.Error as exc:  # a constraint the checks missed: nothing is served
        detail = str(exc).splitlines()[0][:300]
        raise ImportError_("import.msg.build_failed", detail=detail) from exc
    _pause("built")
    previous = store.promote(snap_id, by=by)
    _pause("promoted")
    if keep is None:
        keep = current_settings()["data.keep_snapshots"]
    removed = store.prune(keep)
    return LoadResult(report, snapshot_id=snap_id, previous_id=previous, removed=removed)


def _insert_frame(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> None:
    con.register("incoming", frame)
    try:
        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM incoming")  # noqa: S608
    finally:
        con.unregister("incoming")
