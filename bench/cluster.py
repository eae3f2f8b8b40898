"""The dashboard behind nginx (ops.cluster) under load, and a promotion seen by every process.

    python -m bench.cluster --workers N --load 10,25,50   the load test through nginx
    python -m bench.cluster --workers N --check-promotion promote a snapshot, see every
                                                          process serve it     (make load)

The processes and nginx are started by ops.cluster.Cluster, as `make serve` starts them;
the sessions are bench.loadtest's.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import sys
import time
from pathlib import Path

from bench import loadtest
from bench import login as benchlogin
from bench.stclient import Session
from core.settings import PROJECT_DIR, SettingsError, current
from ops.cluster import Cluster, log

AS_OF = {"check-first": "2020-08-31", "check-second": "2020-09-30"}
AS_OF_SHOWN = {"2020年8月31日": "check-first", "2020年9月30日": "check-second"}


async def served_snapshot(url: str, data_dir: Path) -> str | None:
    """Which of the two check snapshots `url` serves, by the as-of date every page's header
    shows (the second one is the same data dated a month later)."""
    session = Session(url, cookie=benchlogin.cookie(data_dir))
    try:
        run = await session.open()
    finally:
        await session.close()
    for text in run.texts:
        for shown, snap_id in AS_OF_SHOWN.items():
            if shown in text:
                return snap_id
    return None


def free_ports(count: int) -> int:
    """A port such that it and the `count - 1` after it are free now."""
    import random
    import socket

    for _ in range(200):
        base = random.randint(20000, 40000)
        socks = []
        try:
            for p in range(base, base + count):
                s = socket.socket()
                socks.append(s)
                s.bind(("127.0.0.1", p))
            return base
        except OSError:
            continue
        finally:
            for s in socks:
                s.close()
    raise RuntimeError("no free ports")


def copy_snapshot_fill(source: Path, new_id: str, as_of: str):
    """A fill that copies every fact and reference table of `source`, under a new id and
    as-of date."""
    from data.snapshot import TABLES

    def fill(con) -> None:
        con.execute("ATTACH ? AS src (READ_ONLY)", [str(source)])
        for table in TABLES:
            con.execute(f"INSERT INTO {table} SELECT * FROM src.{table}")  # noqa: S608
        con.execute("UPDATE snapshot SET snapshot_id = ?, as_of = ?", [new_id, as_of])
        con.execute("DETACH src")
    return fill


def check_promotion(workers: int, source: Path) -> int:
    """Promote a new snapshot in a fresh store while N processes serve the old one, then
    ask every process (directly, past nginx) which one it serves."""
    import tempfile

    from data.store import Manifest, SnapshotStore

    data_dir = Path(tempfile.mkdtemp(prefix="heze-cluster-", dir=PROJECT_DIR / "build"))
    os.environ["HEZE_DATA_DIR"] = str(data_dir)
    store = SnapshotStore(data_dir / "snapshots")
    first, second = "check-first", "check-second"
    for snap_id in (first, second):
        store.build(snap_id, copy_snapshot_fill(source, snap_id, AS_OF[snap_id]),
                    Manifest(snapshot_id=snap_id, as_of=AS_OF[snap_id], source="synthetic",
                             built_at=time.strftime("%Y-%m-%dT%H:%M:%S")))
    store.promote(first, by="bench.cluster")
    benchlogin.ensure_user(data_dir)
    env = {"HEZE_DATA_DIR": str(data_dir)}
    env_without_single = {k: v for k, v in os.environ.items() if k != "HEZE_SNAPSHOT"}
    os.environ.clear()
    os.environ.update(env_without_single)
    ok = True
    with Cluster(workers, env, port=free_ports(workers + 1)) as cluster:
        before = [asyncio.run(served_snapshot(u, data_dir)) for u in cluster.worker_urls()]
        through = asyncio.run(served_snapshot(cluster.url, data_dir))
        log(f"before: each process serves {before}; through nginx {through}")
        started = time.monotonic()
        store.promote(second, by="bench.cluster")
        after = [asyncio.run(served_snapshot(u, data_dir)) for u in cluster.worker_urls()]
        seconds = time.monotonic() - started
        through = asyncio.run(served_snapshot(cluster.url, data_dir))
        log(f"after promote: each process serves {after}; through nginx {through} "
            f"(all asked within {seconds:.1f} s)")
        ok = before == [first] * workers and after == [second] * workers \
            and through == second
    shutil.rmtree(data_dir, ignore_errors=True)
    print(f"| processes | before promote | after promote | through nginx | result |\n"
          f"|---:|---|---|---|---|\n"
          f"| {workers} | {', '.join(map(str, before))} | {', '.join(map(str, after))} | "
          f"{through} | {'every process serves the promoted snapshot' if ok else 'FAILED'} |")
    return 0 if ok else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.cluster", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--load", help="run the load test through nginx at these sessions")
    parser.add_argument("--changes", type=int, default=6)
    parser.add_argument("--check-promotion", action="store_true")
    parser.add_argument("--port", type=int, help="listen here instead of a free port")
    parser.add_argument("--snapshot", type=Path,
                        default=PROJECT_DIR / "build" / "bench-1.duckdb",
                        help="the snapshot served for --load and copied for the check")
    args = parser.parse_args(argv)
    try:
        settings = current()
    except SettingsError as exc:
        print(f"设置错误 / settings error: {exc}", file=sys.stderr)
        return 2
    workers = args.workers or settings["server.workers"]
    if workers < 1:
        parser.error("--workers must be at least 1")
    if not args.snapshot.exists():
        from bench.queries import snapshot_for

        args.snapshot = snapshot_for(1)
    if args.check_promotion:
        return check_promotion(workers, args.snapshot)
    if not args.load:
        parser.error("--load or --check-promotion")
    port = args.port or free_ports(workers + 1)
    data_dir = PROJECT_DIR / "build" / "cluster-data"
    benchlogin.ensure_user(data_dir)
    env = {"HEZE_SNAPSHOT": str(args.snapshot), "HEZE_DATA_DIR": str(data_dir)}
    with Cluster(workers, env, port=port) as cluster:
        return loadtest.main(["--url", cluster.url, "--sessions", args.load,
                              "--data-dir", str(data_dir), "--changes", str(args.changes),
                              "--server-pids", ",".join(str(p.pid) for p in cluster.procs),
                              "--out", str(PROJECT_DIR / "build" /
                                           f"bench-load-{workers}-workers.md")])


if __name__ == "__main__":
    raise SystemExit(main())
