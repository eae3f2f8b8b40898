"""`make mutate`: mutation testing of the analytics and the ID rules, as a benchmark.

    python -m tests.mutate [--keep] [--jobs N] [--report-only]

Runs mutmut (pinned in requirements-mutate.txt) over the modules listed under
[tool.mutmut] only_mutate in pyproject.toml, on a copy of the project in build/mutate (the
working tree is never touched), then prints the kill rate per module and every surviving
mutant with its diff. A mutant is killed when a test fails on it (a time-out counts as
killed); one listed in EQUIVALENT below cannot be killed, because it changes no behaviour,
and is reported apart. The tests read one prebuilt scale-1 snapshot ($HEZE_TEST_SNAPSHOT)
rather than building one per mutant. The report is also written to build/mutate-report.md.

--keep reuses build/mutate and mutmut's results for the functions that did not change;
--report-only prints the report of the last run.
"""

from __future__ import annotations

import argparse
import ast
import difflib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "build" / "mutate"
SNAPSHOT = ROOT / "build" / "mutate-scale1.duckdb"
REPORT = ROOT / "build" / "mutate-report.md"
GOAL = 0.90
# analytics/queries.py and the modules of its queries (scan … map_data)
GOAL_MODULES = ("model/filters.py", "analytics/queries.py", "analytics/scan.py",
                "analytics/values.py", "analytics/series.py", "analytics/breakdowns.py",
                "analytics/rankings.py", "analytics/funnel.py", "analytics/places.py",
                "analytics/map_data.py", "analytics/masking.py", "data/identity.py")

KILLED = {1, 3, 36, -24, 24, 152, 255}  # a test failed, or the run timed out
SURVIVED = {0}
NO_TESTS = {5, 33}

# mutant -> why no test can tell it from the original (see docs/testing.md, "Mutation testing").
_NUMPY_HIGH = "numpy's integers(high) draws from [0, high), exactly as integers(0, high)"
_ONE_IN = "differs only when a draw hits one value in 10^8 or more: no test can see it"
_ON_CODE = ("merge on=None joins on the columns both frames share, which is `code` alone "
            "here")
EQUIVALENT: dict[str, str] = {
    "data.identity.x_names__mutmut_23": "random() < 0.7 vs <= 0.7: " + _ONE_IN,
    "data.identity.x_id_numbers__mutmut_4":
        "dtype=None: every caller passes datetime64[D] already, so asarray keeps it",
    "data.identity.x_id_numbers__mutmut_6":
        "dtype left out: every caller passes datetime64[D] already, so asarray keeps it",
    "data.identity.x_id_numbers__mutmut_52": _NUMPY_HIGH,
    "data.identity.x_id_numbers__mutmut_62": _NUMPY_HIGH,
    "data.identity.x_mobiles__mutmut_15": _NUMPY_HIGH,
    "data.identity.x_mobiles__mutmut_18": "eight digits from 1, not 0: " + _ONE_IN,
    "data.identity.x_mobiles__mutmut_19": "up to 100000000 inclusive: " + _ONE_IN,
    "model.indicators.xǁIndicatorǁformula__mutmut_1":
        "the default of `lang`, which formula() does not use (SQL reads the same in both)",
    "model.indicators.xǁIndicatorǁformula__mutmut_2":
        "the default of `lang`, which formula() does not use (SQL reads the same in both)",
    "analytics.export.x_csv_bytes__mutmut_6": "csv.writer's default line end is \\r\\n",
    "analytics.export.x_csv_bytes__mutmut_12": "index=None is falsy: no index column either way",
    "analytics.export.x_csv_bytes__mutmut_22": "codec names are case-insensitive",
    "core.formatting.x__decimal__mutmut_1":
        "Decimal(str(d)) of a Decimal is the same Decimal",
    "core.formatting.x__round__mutmut_7":
        "quantize uses only the exponent of 2E-n, the same as of 1E-n",
    "core.formatting.x__trim__mutmut_14":
        "rstrip takes a set of characters: the text never holds an X",
    "core.formatting.x__trim__mutmut_15":
        "rstrip takes a set of characters: the text never holds an X",
    "core.formatting.x_pixel_scale__mutmut_7":
        "the default only applies to no values, and max(top, 1.0) makes 0 and 1 the same",
    "core.formatting.x_colour_ramp__mutmut_12":
        "the default only applies to no values, when no share is computed",
    "core.formatting.x_colour_ramp__mutmut_15":
        "the default only applies to no values, when no share is computed",
    "analytics.breakdowns.xǁBreakdownsǁbreakdown__mutmut_28":
        'GROUP BY "CODE": unquoted SQL names are case-insensitive',
    "analytics.breakdowns.xǁBreakdownsǁbreakdown__mutmut_31": "astype(None) is float64, as float",
    "analytics.breakdowns.xǁBreakdownsǁbreakdown__mutmut_34":
        "den >= 0: a zero denominator has a zero numerator, and 0/0 is NaN either way",
    "analytics.breakdowns.xǁBreakdownsǁbreakdown__mutmut_41": _ON_CODE,
    "analytics.breakdowns.xǁBreakdownsǁbreakdown__mutmut_44": _ON_CODE,
    "analytics.breakdowns.xǁBreakdownsǁbreakdown__mutmut_53": "_complete() does not read `keys`",
    "analytics.breakdowns.xǁBreakdownsǁ_complete__mutmut_16": _ON_CODE,
    "analytics.breakdowns.xǁBreakdownsǁ_complete__mutmut_19": _ON_CODE,
    "analytics.breakdowns.xǁBreakdownsǁ_complete__mutmut_35":
        "a ratio's part column is then not taken for the ratio, and is cast to int as before",
    "analytics.breakdowns.xǁBreakdownsǁ_complete__mutmut_36":
        "a ratio's part column is then not taken for the ratio, and is cast to int as before",
}
# A mutant that only lower-cases SQL text: DuckDB's keywords and functions are
# case-insensitive and the names in the SQL here are lower case already, so the query, its
# column names and its answer stay the same. (Upper-casing is not covered: it renames the
# columns a query returns.)
SQL_WORDS = re.compile(r"\b(SELECT|FROM|WHERE|JOIN|GROUP BY|ORDER BY|COALESCE|FILTER|BIGINT|"
                       r"IS NOT NULL|LIMIT|DESC|COUNT)\b|count\(")
SQL_CASE = "SQL only lower-cased: DuckDB reads it the same"


def _sql_case_only(change: str) -> bool:
    minus = [ln[2:] for ln in change.split(" | ") if ln.startswith("- ")]
    plus = [ln[2:] for ln in change.split(" | ") if ln.startswith("+ ")]
    return bool(minus) and len(minus) == len(plus) and all(
        b == a.lower() and SQL_WORDS.search(a) for a, b in zip(minus, plus, strict=True))


def project_files() -> list[Path]:
    out = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
                         cwd=ROOT, capture_output=True, check=True).stdout
    return [Path(p) for p in out.decode().split("\0") if p and (ROOT / p).is_file()]


def copy_project(keep: bool) -> None:
    """The project's files into build/mutate (mutmut writes its mutants/ there)."""
    if not keep and WORK.exists():
        shutil.rmtree(WORK)
    WORK.mkdir(parents=True, exist_ok=True)
    for rel in project_files():
        target = WORK / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists() or target.read_bytes() != (ROOT / rel).read_bytes():
            shutil.copy2(ROOT / rel, target)


def ensure_snapshot() -> None:
    generator = [ROOT / "data" / n for n in ("identity.py", "reference.py", "snapshot.py",
                                             "schema.sql")]
    generator += sorted((ROOT / "data" / "generate").glob("*.py"))
    if SNAPSHOT.exists() and all(SNAPSHOT.stat().st_mtime > g.stat().st_mtime
                                 for g in generator):
        return
    subprocess.run([sys.executable, "-m", "data.generate", "--out", str(SNAPSHOT)], cwd=ROOT,
                   check=True)


def run_mutmut(jobs: int) -> float:
    env = dict(os.environ, HEZE_TEST_SNAPSHOT=str(SNAPSHOT))
    started = time.monotonic()
    # mutmut redraws a progress line many times a second; keep the log, show the last line.
    log = ROOT / "build" / "mutate.log"
    with log.open("wb") as out:
        code = subprocess.run([sys.executable, "-m", "mutmut", "run", "--max-children",
                               str(jobs)], cwd=WORK, env=env, stdout=out,
                              stderr=subprocess.STDOUT).returncode
    if code != 0:
        sys.stderr.write(log.read_bytes()[-4000:].decode(errors="replace") + "\n")
        raise SystemExit(f"mutmut failed ({code}); the whole log is in {log}")
    return time.monotonic() - started


def results() -> dict[str, dict[str, int | None]]:
    """module path -> {mutant name: exit code} from mutmut's .meta files."""
    out = {}
    for meta in sorted((WORK / "mutants").rglob("*.py.meta")):
        rel = meta.relative_to(WORK / "mutants").as_posix().removesuffix(".meta")
        codes = json.loads(meta.read_text())["exit_code_by_key"]
        if codes:
            out[rel] = codes
    return out


def _functions(module: str) -> dict[str, str]:
    """Function name -> source, for every function of mutmut's copy of `module`."""
    path = WORK / "mutants" / module
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    return {node.name: "\n".join(lines[node.lineno - 1:node.end_lineno])
            for node in ast.walk(ast.parse(source))
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))}


def _source(cache: dict[str, dict[str, str]], module: str) -> dict[str, str]:
    if module not in cache:
        cache[module] = _functions(module)
    return cache[module]


def diff(functions: dict[str, str], name: str) -> str:
    """The lines a mutant changes, as `- original | + mutant`."""
    local = name.split(".")[-1]
    mutant = functions.get(local, "")
    original = functions.get(local.rsplit("__mutmut_", 1)[0] + "__mutmut_orig", "")
    changed = [ln for ln in difflib.unified_diff(original.splitlines()[1:],
                                                 mutant.splitlines()[1:], lineterm="", n=0)
               if ln[:1] in "+-" and not ln.startswith(("+++", "---"))]
    return " | ".join(ln[0] + " " + ln[1:].strip() for ln in changed)[:300]


def report(elapsed: float | None) -> int:
    by_module = results()
    if not by_module:
        raise SystemExit("no mutmut results: run `make mutate` first")
    lines = ["# Mutation testing", ""]
    if elapsed is not None:
        lines.append(f"mutmut run: {elapsed / 60:.1f} min")
        lines.append("")
    lines += ["| module | mutants | killed | equivalent | survived | no tests | not run | "
              "kill rate | goal |", "|---|---:|---:|---:|---:|---:|---:|---:|:---:|"]
    survivors: list[tuple[str, str]] = []
    by_rule: list[str] = []
    sources: dict[str, dict[str, str]] = {}
    below_goal = []
    seen_equivalent = set()
    for module, codes in by_module.items():
        counts = Counter()
        for name, code in codes.items():
            if code is None:  # an interrupted run did not get to it
                counts["not run"] += 1
            elif name in EQUIVALENT and code in SURVIVED:
                counts["equivalent"] += 1
                seen_equivalent.add(name)
            elif code in SURVIVED and _sql_case_only(diff(_source(sources, module), name)):
                counts["equivalent"] += 1
                by_rule.append(name)
            elif code in KILLED:
                counts["killed"] += 1
            elif code in NO_TESTS:
                counts["no tests"] += 1
                survivors.append((module, name))
            else:
                counts["survived"] += 1
                survivors.append((module, name))
        total = len(codes)
        judged = total - counts["equivalent"] - counts["not run"]
        rate = counts["killed"] / judged if judged else 1.0
        goal = ""
        if module in GOAL_MODULES:
            goal = "met" if rate >= GOAL else "MISSED"
            if rate < GOAL:
                below_goal.append(module)
        lines.append(f"| {module} | {total} | {counts['killed']} | {counts['equivalent']} | "
                     f"{counts['survived']} | {counts['no tests']} | {counts['not run']} | "
                     f"{rate:.1%} | {goal} |")
    lines += ["", "Kill rate = killed / (mutants - equivalent - not run); a time-out counts "
              "as killed; a mutant no selected test reaches counts as survived.",
              f"Goal: {GOAL:.0%} in " + ", ".join(GOAL_MODULES) + ".", ""]
    lines.append(f"## Surviving mutants ({len(survivors)})")
    lines.append("")
    for module, name in survivors:
        lines.append(f"- `{name}`: {diff(_source(sources, module), name)}")
    lines += ["", f"## Equivalent by rule ({len(by_rule)}): {SQL_CASE}", ""]
    lines += [f"- `{name}`" for name in by_rule]
    stale = sorted(set(EQUIVALENT) - seen_equivalent)
    if stale:
        lines += ["", "## Listed as equivalent but not surviving (renumbered or now killed)", ""]
        lines += [f"- `{name}`" for name in stale]
    text = "\n".join(lines) + "\n"
    REPORT.write_text(text, encoding="utf-8")
    print(text)
    return 1 if below_goal else 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="reuse build/mutate")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--report-only", action="store_true")
    args = parser.parse_args(argv)
    if args.report_only:
        return report(None)
    ensure_snapshot()
    copy_project(args.keep)
    return report(run_mutmut(args.jobs))


if __name__ == "__main__":
    raise SystemExit(main())
