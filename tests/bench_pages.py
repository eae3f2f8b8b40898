"""Warm rerun time of every page in AppTest at scale 1 (budget: 300 ms). Run by `make bench`.

    python -m tests.bench_pages [SNAPSHOT]
"""

from __future__ import annotations

import os
import runpy
import statistics
import sys
import time
from pathlib import Path

import streamlit.runtime.scriptrunner.script_runner as runner
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
PAGES = ["overview", "trends", "stations", "map", "projects", "parks", "counties",
         "definitions"]
BUDGET_MS = 300
RUNS = 5


def main() -> int:
    snapshot = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "build" / "bench-1.duckdb")
    if not snapshot.exists():
        print(f"snapshot missing: {snapshot}", file=sys.stderr)
        return 1
    os.environ["HEZE_SNAPSHOT"] = str(snapshot)
    # As in tests/conftest.py: run the entry point, not the page alone.
    runner._mpa_v1 = lambda path: runpy.run_path(path, run_name="__main__")
    lines = ["| page | cold run (ms) | warm rerun, median (ms) | budget met |",
             "|---|---:|---:|:---:|"]
    for page in PAGES:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        at.run()
        started = time.perf_counter()
        at.switch_page(f"pages/{page}.py").run()
        cold = (time.perf_counter() - started) * 1000
        times = []
        for _ in range(RUNS):
            started = time.perf_counter()
            at.run()
            times.append((time.perf_counter() - started) * 1000)
        if at.exception:
            print(f"{page}: exception {at.exception[0].value}", file=sys.stderr)
            return 1
        warm = statistics.median(times)
        lines.append(f"| {page} | {cold:.0f} | {warm:.0f} | "
                     f"{'yes' if warm < BUDGET_MS else 'NO'} |")
    table = "\n".join(lines)
    print(table)
    out = ROOT / "build" / "bench-pages.md"
    out.parent.mkdir(exist_ok=True)
    out.write_text(table + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
