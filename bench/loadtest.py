"""Many users at once, without a browser each: simulated sessions speak Streamlit's
websocket protocol (bench.stclient), open the overview and change the county and industry
filters with a short pause between changes, as a leader clicking through would.

    python -m bench.loadtest [--sessions 10,25,50] [--changes 6] [--find-limit]
                            [--url http://host:port/base] [--snapshot FILE]   (make load)

Without --url it starts one server process (python -m ops.serve) on a free port over the
snapshot given (default build/bench-1.duckdb) and also reports its memory per session.
For each number of sessions it prints p50/p95/max of the time from a filter change to the
end of the rerun, errors, and the bytes a change sends. --find-limit keeps adding sessions
until p95 passes 2 s: how many one server process holds.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from bench import login as benchlogin
from bench.stclient import Session
from core.settings import PROJECT_DIR
from ops.cluster import stop_server, wait_healthy

P95_LIMIT_S = 2.0
THINK_S = (1.0, 3.0)  # pause between two filter changes


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(snapshot: Path, port: int, log_path: Path,
                 extra_env: dict | None = None,
                 data_dir: Path | None = None) -> subprocess.Popen:
    """One dashboard process, as `make run` starts it, on `port`; with `data_dir`, that is
    its data directory (the application database the benchmark signs in to)."""
    env = dict(os.environ, HEZE_SNAPSHOT=str(snapshot), **(extra_env or {}))
    if data_dir is not None:
        env["HEZE_DATA_DIR"] = str(data_dir)
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "ops.serve", "--server.port", str(port),
             "--server.address", "127.0.0.1"],
            cwd=PROJECT_DIR, env=env, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True)


def rss_mb(pids: list[int]) -> float:
    """Resident memory of these processes together (the server processes of a cluster)."""
    total = 0.0
    for pid in pids:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1]) / 1024
                break
        else:
            return float("nan")
    return total


@dataclass
class Level:
    sessions: int
    opens: list[float] = field(default_factory=list)
    changes: list[float] = field(default_factory=list)
    bytes: list[int] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    rss_idle_mb: float | None = None

    def pct(self, q: float) -> float:
        if not self.changes:
            return float("nan")
        data = sorted(self.changes)
        return data[min(len(data) - 1, int(round(q * (len(data) - 1))))]

    @property
    def attempts(self) -> int:
        return len(self.changes) + len(self.errors)


async def one_user(url: str, level: Level, changes: int, rng: random.Random,
                   opened: asyncio.Event, hold: asyncio.Event, count: list[int],
                   data_dir: Path) -> None:
    session = Session(url, cookie=await asyncio.to_thread(benchlogin.cookie, data_dir))
    try:
        try:
            run = await session.open()
            level.opens.append(run.seconds)
            if not run.ok or not (session.find("county") and session.find("industry")):
                level.errors.append("open: " + "; ".join(run.exceptions or
                                                         [f"status {run.status}"]))
                return
        except Exception as exc:  # noqa: BLE001 - every failure is counted, none stops the test
            level.errors.append(f"open: {type(exc).__name__}: {exc}")
            return
        finally:
            count[0] += 1
            if count[0] == level.sessions:
                opened.set()
        await hold.wait()  # everyone is connected before the clicking starts
        counties = session.widgets[session.find("county")].options
        industries = session.widgets[session.find("industry")].options
        for _ in range(changes):
            await asyncio.sleep(rng.uniform(*THINK_S))
            try:
                if rng.random() < 0.6:
                    run = await session.set_multiselect("county", [rng.choice(counties)])
                else:
                    run = await session.set_multiselect("industry", [rng.choice(industries)])
            except Exception as exc:  # noqa: BLE001
                level.errors.append(f"change: {type(exc).__name__}: {exc}")
                return
            if run.ok:
                level.changes.append(run.seconds)
                level.bytes.append(run.bytes)
            else:
                level.errors.append("change: " + "; ".join(run.exceptions or ["not finished"]))
    finally:
        await session.close()


async def run_level(url: str, sessions: int, changes: int, seed: int,
                    server_pids: list[int], data_dir: Path) -> Level:
    level = Level(sessions)
    opened, hold = asyncio.Event(), asyncio.Event()
    count = [0]
    rng = random.Random(seed)
    tasks = []
    for _ in range(sessions):
        tasks.append(asyncio.create_task(one_user(url, level, changes,
                                                  random.Random(rng.random()), opened, hold,
                                                  count, data_dir)))
        await asyncio.sleep(0.05)  # people arrive over a few seconds, not all in one tick
    await opened.wait()
    if server_pids:
        level.rss_idle_mb = rss_mb(server_pids)
    hold.set()
    await asyncio.gather(*tasks)
    return level


def row(level: Level, base_rss: float | None) -> str:
    per = ""
    if base_rss is not None and level.rss_idle_mb is not None:
        per = f"{(level.rss_idle_mb - base_rss) / level.sessions:.1f}"
    kb = statistics.median(level.bytes) / 1024 if level.bytes else float("nan")
    return (f"| {level.sessions} | {statistics.median(level.opens) if level.opens else 0:.2f} | "
            f"{level.pct(0.5):.2f} | {level.pct(0.95):.2f} | "
            f"{max(level.changes) if level.changes else 0:.2f} | {len(level.changes)} | "
            f"{len(level.errors)} | {kb:.0f} | "
            f"{'' if level.rss_idle_mb is None else f'{level.rss_idle_mb:.0f}'} | {per} |")


HEAD = ("| sessions | open, median (s) | change p50 (s) | change p95 (s) | max (s) | changes | "
        "errors | KB per change (median) | server RSS with all open (MB) | MB per session |\n"
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.loadtest", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", default="10,25,50")
    parser.add_argument("--changes", type=int, default=6, help="filter changes per session")
    parser.add_argument("--find-limit", action="store_true",
                        help=f"add sessions until p95 passes {P95_LIMIT_S:g} s")
    parser.add_argument("--url", help="an already running dashboard (e.g. behind nginx)")
    parser.add_argument("--snapshot", type=Path,
                        default=PROJECT_DIR / "build" / "bench-1.duckdb")
    parser.add_argument("--seed", type=int, default=20200831)
    parser.add_argument("--data-dir", type=Path, default=PROJECT_DIR / "build" / "load-data",
                        help="the server's data directory (its application database)")
    parser.add_argument("--server-pids", default="",
                        help="with --url: the server processes whose memory is reported")
    parser.add_argument("--out", type=Path, default=PROJECT_DIR / "build" / "bench-load.md")
    args = parser.parse_args(argv)
    levels = [int(n) for n in args.sessions.split(",")]
    benchlogin.ensure_user(args.data_dir)

    proc = None
    url = args.url
    if url is None:
        if not args.snapshot.exists():
            from bench.queries import snapshot_for

            args.snapshot = snapshot_for(1)
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        proc = start_server(args.snapshot, port, PROJECT_DIR / "build" / "load-server.log",
                            data_dir=args.data_dir)
    pids = [proc.pid] if proc else [int(n) for n in args.server_pids.split(",") if n]
    load_before = os.getloadavg()[0]
    lines, done, limit, over = [], [], [], []
    try:
        wait_healthy(url, proc=proc)
        warm = asyncio.run(run_level(url, 1, 1, args.seed, [], args.data_dir))  # imports, first run
        base_rss = rss_mb(pids) if pids else None
        log(f"server up at {url}; first session opened in {warm.opens[0]:.1f} s"
            + (f", RSS {base_rss:.0f} MB" if base_rss else ""))
        queue = list(levels)
        while queue:
            n = queue.pop(0)
            log(f"{n} sessions …")
            level = asyncio.run(run_level(url, n, args.changes, args.seed + n,
                                          pids, args.data_dir))
            done.append(level)
            log(row(level, base_rss))
            if args.find_limit and not queue and level.pct(0.95) <= P95_LIMIT_S \
                    and not level.errors:
                queue.append(n + max(10, n // 2))
        lines = [HEAD] + [row(level, base_rss) for level in done]
        limit = [lv.sessions for lv in done if lv.pct(0.95) <= P95_LIMIT_S and not lv.errors]
        over = [lv.sessions for lv in done if lv.pct(0.95) > P95_LIMIT_S or lv.errors]
    finally:
        if proc is not None:
            stop_server(proc)
    text = "\n".join([
        "# Load: simulated sessions on one server process" if proc else f"# Load: {url}",
        "",
        f"Each session opens the overview, then makes {args.changes} filter changes (county "
        f"60%, industry 40%, random) {THINK_S[0]:g}–{THINK_S[1]:g} s apart. Times are from the "
        "change to the end of the rerun, as the client sees it.",
        f"Load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after; "
        f"{os.cpu_count()} CPUs.",
        "",
        *lines,
        "",
        *(f"Errors at {lv.sessions} sessions: " + "; ".join(sorted(set(lv.errors))[:5])
          for lv in done if lv.errors),
        "",
        (f"Held with p95 ≤ {P95_LIMIT_S:g} s and no errors: up to {max(limit)} sessions"
         + (f"; passed it at {min(over)}." if over else ".")) if limit else
        f"p95 passed {P95_LIMIT_S:g} s at every level measured.",
        "",
    ])
    print(text)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
