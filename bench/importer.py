"""How long checking and loading the full scale-1 set takes, as CSV and as XLSX.

    python -m bench.importer        (make bench-import)

Exports build/bench-1.duckdb (built by `make bench` if missing) in the template layout once
(build/bench-import/csv, …/xlsx; reused while newer than the snapshot), then, in a fresh
process each, checks the files and loads them (replace, every database) into a scratch
store serving that snapshot. Prints a Markdown table and writes build/bench-import.md.

Budget: under 60 s as CSV and under 3 minutes as XLSX, peak memory under 2 GB.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from data.snapshot import PROJECT_DIR

BUILD = PROJECT_DIR / "build"
OUT = BUILD / "bench-import"
REPORT = BUILD / "bench-import.md"
BUDGET_S = {"csv": 60.0, "xlsx": 180.0}
BUDGET_MB = 2048


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def exported(snapshot: Path, fmt: str) -> list[Path]:
    from data.importer.workbook import export

    folder = OUT / fmt
    stamp = folder / ".source"
    mark = f"{snapshot.stat().st_mtime_ns}"
    if stamp.exists() and stamp.read_text() == mark:
        return sorted(p for p in folder.iterdir() if p.suffix == f".{fmt}")
    shutil.rmtree(folder, ignore_errors=True)
    started = time.monotonic()
    log(f"exporting {snapshot.name} as {fmt} …")
    files = export(snapshot, folder, fmt)
    stamp.write_text(mark)
    log(f"exported in {time.monotonic() - started:.0f} s")
    return files


def scratch_store(snapshot: Path, root: Path) -> None:
    import duckdb

    from data.store import Manifest

    con = duckdb.connect(str(snapshot), read_only=True)
    snap_id, built_at, as_of = con.execute(
        "SELECT snapshot_id, built_at, as_of FROM snapshot").fetchone()
    con.close()
    snaps = root / "snapshots"
    snaps.mkdir(parents=True)
    os.link(snapshot, snaps / f"{snap_id}.duckdb")
    (snaps / f"{snap_id}.json").write_text(Manifest(
        snapshot_id=snap_id, as_of=str(as_of), source="synthetic",
        built_at=built_at.isoformat()).to_json(), encoding="utf-8")
    (snaps / "CURRENT").write_text(snap_id + "\n", encoding="utf-8")


RUN = """
import json, resource, sys, time
from datetime import date
from pathlib import Path
from data.importer import pipeline
command, paths = sys.argv[1], [Path(p) for p in sys.argv[2:]]
started = time.monotonic()
if command == "check":
    report = pipeline.check(paths, as_of=date(2020, 8, 31), mode="replace")
    ok, rows = report.ok, sum(report.rows.values())
else:
    result = pipeline.load(paths, as_of=date(2020, 8, 31), mode="replace", by="bench", keep=2)
    ok, rows = result.snapshot_id is not None, sum(result.report.rows.values())
usage = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"seconds": time.monotonic() - started, "ok": ok, "rows": rows,
                  "cpu": usage.ru_utime + usage.ru_stime, "peak_mb": usage.ru_maxrss / 1024}))
"""


def measure(command: str, files: list[Path], data_dir: Path) -> dict:
    env = {**os.environ, "HEZE_DATA_DIR": str(data_dir)}
    env.pop("HEZE_SNAPSHOT", None)
    started = time.monotonic()
    out = subprocess.run([sys.executable, "-c", RUN, command, *map(str, files)],
                         cwd=PROJECT_DIR, env=env, capture_output=True, text=True, check=True)
    wall = time.monotonic() - started
    got = json.loads(out.stdout.strip().splitlines()[-1])
    got["wall"] = wall
    return got


def main() -> int:
    from bench.queries import snapshot_for

    snapshot = snapshot_for(1)
    rows = []
    for fmt in ("csv", "xlsx"):
        files = exported(snapshot, fmt)
        for command in ("check", "load"):
            with tempfile.TemporaryDirectory(dir=BUILD) as tmp:
                scratch_store(snapshot, Path(tmp))
                log(f"{command} {fmt} …")
                got = measure(command, files, Path(tmp))
            ok = got["ok"] and got["wall"] < BUDGET_S[fmt] and got["peak_mb"] < BUDGET_MB
            rows.append((fmt, command, got["rows"], got["wall"], got["cpu"], got["peak_mb"], ok))
            log(f"  {got['wall']:.1f} s wall, {got['cpu']:.1f} s CPU, {got['peak_mb']:.0f} MB")
    load = os.getloadavg()[0]
    lines = ["| format | step | rows | wall time (s) | CPU time (s) | peak memory (MB) | budget met |",
             "|---|---|---:|---:|---:|---:|:---:|"]
    for fmt, command, n, wall, cpu, peak, ok in rows:
        lines.append(f"| {fmt.upper()} | {command} | {n:,} | {wall:.1f} | {cpu:.1f} | {peak:.0f} | "
                     f"{'yes' if ok else 'NO'} |")
    lines.append(f"\nLoad average when finished: {load:.1f} on {os.cpu_count()} cores.")
    table = "\n".join(lines)
    print(table)
    REPORT.write_text(table + "\n", encoding="utf-8")
    return 0 if all(r[-1] for r in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
