"""The importer at full size and under stress: the scale-1 snapshot exported and loaded back
reproduces every published figure and every row; a load killed at any point never serves a
partial snapshot; a reader querying while snapshots are promoted never sees an error."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from analytics.queries import Analytics
from data.importer import pipeline
from data.importer.workbook import export
from data.store import Manifest, SnapshotStore
from model import indicators as reg
from tests.test_import import (  # noqa: F401 - fixtures
    AS_OF,
    PROJECT_HEADERS,
    base_store,
    project_row,
    store,
    write_csv,
)

ROOT = Path(__file__).resolve().parents[1]
TABLES = ("counties", "townships", "host_cities", "industries", "stations", "parks",
          "outside_people", "returnees", "entities", "projects", "activities")

pytestmark = pytest.mark.slow


@pytest.fixture
def full_store(snapshot_file, tmp_path, monkeypatch) -> SnapshotStore:
    """A store serving the scale-1 synthetic snapshot itself (hard-linked, never written)."""
    con = duckdb.connect(str(snapshot_file), read_only=True)
    snap_id, built_at = con.execute("SELECT snapshot_id, built_at FROM snapshot").fetchone()
    con.close()
    root = tmp_path / "data" / "snapshots"
    root.mkdir(parents=True)
    os.link(snapshot_file, root / f"{snap_id}.duckdb")
    (root / f"{snap_id}.json").write_text(Manifest(
        snapshot_id=snap_id, as_of=AS_OF.isoformat(), source="synthetic",
        built_at=built_at.isoformat()).to_json(), encoding="utf-8")
    (root / "CURRENT").write_text(snap_id + "\n", encoding="utf-8")
    monkeypatch.setenv("HEZE_DATA_DIR", str(tmp_path / "data"))
    return SnapshotStore(root)


def differing_rows(first: Path, second: Path) -> dict[str, int]:
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    con.execute(f"ATTACH '{first}' AS a (READ_ONLY)")
    con.execute(f"ATTACH '{second}' AS b (READ_ONLY)")
    try:
        return {t: sum(con.execute(f"SELECT count(*) FROM (SELECT * FROM {x}.{t} EXCEPT ALL "
                                   f"SELECT * FROM {y}.{t})").fetchone()[0]
                       for x, y in (("a", "b"), ("b", "a"))) for t in TABLES}
    finally:
        con.close()


def published_figures(path: Path) -> dict[str, bool]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        a = Analytics(con)
        keys = [i.key for i in reg.INDICATORS if i.published is not None]
        values = a.values(keys)
        assert a.snapshot.source == "imported"
        return {k: reg.get(k).published.matches(values[k].value) for k in keys}
    finally:
        con.close()


def test_the_exported_scale_1_snapshot_loads_back_row_for_row_with_every_published_figure(
        full_store, snapshot_file, tmp_path):
    files = export(full_store.current_path(), tmp_path / "export", "csv")
    assert len(files) == 7
    result = pipeline.load(files, mode="replace", as_of=AS_OF, store=full_store, by="round trip",
                           keep=5)
    assert result.report.ok, result.report.lines()[:20]
    assert sum(result.report.rows.values()) == 804_288
    new = full_store.path(result.snapshot_id)
    assert differing_rows(snapshot_file, new) == dict.fromkeys(TABLES, 0)
    figures = published_figures(new)
    assert figures and all(figures.values()), figures


def test_an_xlsx_export_loads_back_row_for_row(store, tmp_path):  # noqa: F811
    # Every table as workbooks, on the cut-down snapshot: writing 800,000 rows of XLSX takes
    # minutes, and `make bench-import` loads the full XLSX set (and says if it is valid).
    before = store.current_path()
    files = export(before, tmp_path / "export", "xlsx")
    assert len(files) == 6
    result = pipeline.load(files, mode="replace", as_of=AS_OF, store=store, by="round trip",
                           keep=5)
    assert result.report.ok, result.report.lines()[:20]
    assert differing_rows(before, store.path(result.snapshot_id)) == dict.fromkeys(TABLES, 0)


def _pause_and_kill(store, tmp_path, checkpoint: str):  # noqa: F811
    p = write_csv(tmp_path / "p.csv", PROJECT_HEADERS, [project_row()])
    env = {**os.environ, "HEZE_DATA_DIR": str(store.root.parent),
           pipeline.PAUSE_ENV: f"{checkpoint}=60"}
    proc = subprocess.Popen([sys.executable, "-m", "data.importer", "load", str(p), "--mode",
                             "append", "--as-of", "2020-08-31"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    for line in proc.stderr:
        if f"checkpoint {checkpoint}" in line:
            break
        assert time.monotonic() < deadline
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    return proc.returncode


@pytest.mark.parametrize("checkpoint", ["checked", "filled:outside_people", "filled:projects",
                                        "built"])
def test_a_load_killed_at_any_point_never_serves_a_partial_snapshot(store, tmp_path,  # noqa: F811
                                                                    checkpoint):
    served = store.current_id()
    served_bytes = store.current_path().read_bytes()
    assert _pause_and_kill(store, tmp_path, checkpoint) == -signal.SIGKILL
    assert store.current_id() == served
    assert store.current_path().read_bytes() == served_bytes
    finished = [m.snapshot_id for m in store.list()]
    if checkpoint == "built":  # whole and verified, only never promoted
        assert len(finished) == 2
        store.verify(next(i for i in finished if i != served))
    else:
        assert finished == [served]
        assert [p.name for p in store.root.glob("*.duckdb")] == [f"{served}.duckdb"]
    # the next load succeeds and clears what the killed one left behind
    again = tmp_path / "again"
    again.mkdir()
    result = pipeline.load([write_csv(again / "p.csv", PROJECT_HEADERS, [project_row()])],
                           mode="append", as_of=AS_OF, store=store, by="t", keep=5)
    assert result.snapshot_id == store.current_id()
    assert list(store.root.glob("*.tmp*")) == []


READER = """
import json, sys, time
from data.snapshot import served, open_read_only
end = time.monotonic() + float(sys.argv[1])
seen, errors, reads = set(), [], 0
while time.monotonic() < end:
    try:
        s = served()
        con = open_read_only(s.open_path)
        try:
            seen.add(con.execute("SELECT snapshot_id FROM snapshot").fetchall()[0][0])
            con.execute("SELECT count(*) FROM projects").fetchall()
        finally:
            con.close()
        reads += 1
    except Exception as exc:
        errors.append(repr(exc))
print(json.dumps({"seen": sorted(seen), "errors": errors[:5], "reads": reads}))
"""


def test_a_reader_querying_during_promotes_sees_the_old_or_the_new_snapshot_never_an_error(
        store, tmp_path):  # noqa: F811
    first = store.current_id()
    p = write_csv(tmp_path / "p.csv", PROJECT_HEADERS, [project_row()])
    second = pipeline.load([p], mode="append", as_of=AS_OF, store=store, by="t",
                           keep=5).snapshot_id
    env = {**os.environ, "HEZE_DATA_DIR": str(store.root.parent)}
    env.pop("HEZE_SNAPSHOT", None)
    reader = subprocess.Popen([sys.executable, "-c", READER, "8"], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(1.5)
    promotes = 0
    while reader.poll() is None:
        store.promote(first if promotes % 2 else second, by="t")
        promotes += 1
        time.sleep(0.02)
    out, err = reader.communicate(timeout=60)
    got = json.loads(out)
    assert got["errors"] == [], err
    assert set(got["seen"]) == {first, second}
    assert got["reads"] > 10 and promotes > 10


def test_a_store_without_a_served_snapshot_takes_its_reference_data_from_the_csvs(tmp_path,
                                                                                  monkeypatch):
    monkeypatch.setenv("HEZE_DATA_DIR", str(tmp_path / "data"))
    fresh = SnapshotStore(tmp_path / "data" / "snapshots")
    src = tmp_path / "src"
    src.mkdir()
    stations = write_csv(src / "s.csv", ["服务站编号", "服务站全称", "级别", "主办县区", "驻在城市",
                                         "经度（WGS84）", "纬度（WGS84）", "揭牌日期", "站长姓名", "站长手机",
                                         "会员数", "状态"],
                         [["1", "菏泽市返乡创业(北京)服务站", "市级站", "", "北京", "116.4", "39.9",
                           "2015-05-01", "张三", "13812345678", "100", "运行"]])
    result = pipeline.load([stations], mode="replace", as_of=AS_OF, store=fresh, by="t")
    assert result.report.ok, result.report.lines()
    con = duckdb.connect(str(fresh.current_path()), read_only=True)
    assert con.execute("SELECT count(*) FROM townships").fetchone()[0] > 100
    assert con.execute("SELECT count(*) FROM stations").fetchone()[0] == 1
    con.close()
    shutil.rmtree(tmp_path / "src")
