"""How long the briefing takes at scale 1 (make bench-briefing).

    python -m bench.briefing [--runs N]

Uses build/bench-1.duckdb (built by `make bench` or here, reused while fresh). Times
`python -m briefing` as a whole new process (interpreter, imports, font discovery,
snapshot, both files: what `make briefing` costs), then `briefing.build` in a warm process
(what the app's button costs after its first use), unfiltered and for 曹县: the median of
N runs, wall clock and CPU time (on a shared machine the CPU time shows what the work
itself costs). Prints a Markdown table and writes it to build/bench-briefing.md.

Budget: the unfiltered briefing ready in under 10 s.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

from analytics.queries import Analytics
from bench.queries import BUILD_DIR, snapshot_for
from data.snapshot import PROJECT_DIR, open_read_only
from model.filters import Filter

REPORT = BUILD_DIR / "bench-briefing.md"
BUDGET_S = 10.0
CAO_COUNTY = 371721  # 曹县
VIEWS = {"unfiltered": Filter(), "曹县": Filter(counties=[CAO_COUNTY])}


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def cold_runs(snapshot, runs: int) -> tuple[list[float], list[float]]:
    """Wall and CPU seconds of `python -m briefing` in a new process, per run."""
    env = dict(os.environ, HEZE_SNAPSHOT=str(snapshot))
    walls, cpus = [], []
    with tempfile.TemporaryDirectory() as out:
        for _ in range(runs):
            start, cpu = time.perf_counter(), _children_cpu()
            subprocess.run([sys.executable, "-m", "briefing", "--out", out], env=env,
                           cwd=PROJECT_DIR, check=True, stdout=subprocess.DEVNULL)
            walls.append(time.perf_counter() - start)
            cpus.append(_children_cpu() - cpu)
    return walls, cpus


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.briefing")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    snapshot = snapshot_for(1)
    rows = []
    walls, cpus = cold_runs(snapshot, args.runs)
    rows.append(("unfiltered", "new process: python -m briefing", statistics.median(walls),
                 statistics.median(cpus), None))
    from briefing import build

    analytics = Analytics(open_read_only(snapshot))
    build(analytics, Filter())  # warm-up: imports, fonts, map outlines
    for view, f in VIEWS.items():
        results, cpu = [], []
        for _ in range(args.runs):
            start = time.process_time()
            results.append(build(analytics, f))
            cpu.append(time.process_time() - start)
        steps = {k: statistics.median(r.timings[k] for r in results)
                 for k in results[0].timings}
        rows.append((view, "warm: briefing.build", steps["total"], statistics.median(cpu),
                     steps))
    lines = [f"Briefing at scale 1 (median of {args.runs}; budget {BUDGET_S:.0f} s wall clock)",
             "",
             "| view | how | wall (s) | CPU (s) | content and charts (s) | docx (s) | pdf (s) "
             "| budget met |",
             "|---|---|---:|---:|---:|---:|---:|:---:|"]
    for view, how, total, cpu_s, steps in rows:
        parts = (["", "", ""] if steps is None else
                 [f"{steps['content and charts']:.2f}", f"{steps['docx']:.2f}",
                  f"{steps['pdf']:.2f}"])
        lines.append(f"| {view} | {how} | {total:.2f} | {cpu_s:.2f} | {' | '.join(parts)} | "
                     f"{'yes' if total < BUDGET_S else 'NO'} |")
    text = "\n".join(lines)
    print(text)
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
