"""Several Streamlit processes behind nginx, all serving the same snapshot store.

    python -m ops.cluster [--workers N]              (make serve WORKERS=N)
    python -m ops.cluster --workers N --load 10,25,50   run the load test through nginx
    python -m ops.cluster --workers N --check-promotion promote a snapshot, see every
                                                        process serve it

nginx (Debian's package) listens on the settings file's server.address and server.port and
passes each tab to one of N processes on the ports after it, keeping the tab on that process
with a cookie (deploy/nginx/nginx.conf.in, rendered into <data dir>/nginx/). Every process
reads the store's CURRENT on each rerun, so a promoted snapshot is served by all of them.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from core.settings import PROJECT_DIR, Settings, SettingsError, current
from data.snapshot import TABLES
from data.store import Manifest, SnapshotStore

TEMPLATE = PROJECT_DIR / "deploy" / "nginx" / "nginx.conf.in"
NGINX = "nginx"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def worker_ports(settings, workers: int) -> list[int]:
    port = settings["server.port"]
    return [port + 1 + i for i in range(workers)]


def render(settings, workers: int, run_dir: Path) -> str:
    """nginx.conf for these settings: listen address and port, base path, N processes."""
    address = settings["server.address"]
    listen = f"{address}:{settings['server.port']}" if address not in ("", "0.0.0.0") \
        else str(settings["server.port"])
    servers = "\n".join(f"        server 127.0.0.1:{p} max_fails=0;"
                        for p in worker_ports(settings, workers))
    text = TEMPLATE.read_text(encoding="utf-8")
    for name, value in {"run_dir": str(run_dir), "listen": listen,
                        "base_path": settings.base_path, "upstream_servers": servers,
                        "max_upload_mb": str(settings["data.max_upload_mb"])}.items():
        text = text.replace("{{" + name + "}}", value)
    return text


class Cluster:
    """nginx and N dashboard processes; a context manager that stops them all."""

    def __init__(self, workers: int, env: dict | None = None, port: int | None = None):
        settings = current()
        if port is not None:
            settings = Settings({**settings.values, "server.port": port}, settings.source)
        self.settings = settings
        self.workers = workers
        self.env = dict(os.environ, **(env or {}))
        self.run_dir = self.settings.data_dir / "nginx"
        self.procs: list[subprocess.Popen] = []
        self.nginx: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        host = self.settings["server.address"]
        host = "127.0.0.1" if host in ("", "0.0.0.0") else host
        base = f"/{self.settings.base_path}" if self.settings.base_path else ""
        return f"http://{host}:{self.settings['server.port']}{base}"

    def worker_urls(self) -> list[str]:
        base = f"/{self.settings.base_path}" if self.settings.base_path else ""
        return [f"http://127.0.0.1:{p}{base}" for p in worker_ports(self.settings, self.workers)]

    def start(self) -> Cluster:
        from ops.loadtest import wait_healthy

        if shutil.which(NGINX) is None and not Path("/usr/sbin/nginx").exists():
            raise SystemExit("找不到 nginx，请安装 Debian 的 nginx 软件包 / nginx not found: "
                             "install Debian's nginx package (apt-get install nginx-light)")
        (self.run_dir / "tmp").mkdir(parents=True, exist_ok=True)
        os.chmod(self.run_dir / "tmp", 0o1777)  # nginx's workers may run as another user
        logs = self.run_dir / "logs"
        logs.mkdir(exist_ok=True)
        for i, port in enumerate(worker_ports(self.settings, self.workers)):
            with (logs / f"worker-{i + 1}.log").open("wb") as out:
                self.procs.append(subprocess.Popen(
                    [sys.executable, "-m", "ops.serve", "--server.port", str(port),
                     "--server.address", "127.0.0.1"],
                    cwd=PROJECT_DIR, env=self.env, stdout=out, stderr=subprocess.STDOUT,
                    start_new_session=True))
        conf = self.run_dir / "nginx.conf"
        conf.write_text(render(self.settings, self.workers, self.run_dir), encoding="utf-8")
        nginx = shutil.which(NGINX) or "/usr/sbin/nginx"
        check = subprocess.run([nginx, "-t", "-q", "-c", str(conf)], capture_output=True,
                               text=True)
        if check.returncode:
            self.stop()
            raise SystemExit(f"nginx 配置无效 / nginx configuration rejected:\n{check.stderr}")
        with (logs / "nginx.log").open("wb") as out:
            self.nginx = subprocess.Popen([nginx, "-c", str(conf)], stdout=out,
                                          stderr=subprocess.STDOUT, start_new_session=True)
        for url, proc in zip(self.worker_urls(), self.procs, strict=True):
            wait_healthy(url, proc=proc)
        wait_healthy(self.url, proc=self.nginx)
        log(f"{self.workers} processes behind nginx at {self.url}")
        return self

    def stop(self) -> None:
        from ops.loadtest import stop_server

        for proc in ([self.nginx] if self.nginx else []) + self.procs:
            stop_server(proc)

    def __enter__(self) -> Cluster:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


AS_OF = {"check-first": "2020-08-31", "check-second": "2020-09-30"}
AS_OF_SHOWN = {"2020年8月31日": "check-first", "2020年9月30日": "check-second"}


async def served_snapshot(url: str, data_dir: Path) -> str | None:
    """Which of the two check snapshots `url` serves, by the as-of date every page's header
    shows (the second one is the same data dated a month later)."""
    from ops import benchlogin
    from ops.stclient import Session

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
    data_dir = Path(tempfile.mkdtemp(prefix="heze-cluster-", dir=PROJECT_DIR / "build"))
    os.environ["HEZE_DATA_DIR"] = str(data_dir)
    store = SnapshotStore(data_dir / "snapshots")
    first, second = "check-first", "check-second"
    for snap_id in (first, second):
        store.build(snap_id, copy_snapshot_fill(source, snap_id, AS_OF[snap_id]),
                    Manifest(snapshot_id=snap_id, as_of=AS_OF[snap_id], source="synthetic",
                             built_at=time.strftime("%Y-%m-%dT%H:%M:%S")))
    store.promote(first, by="ops.cluster")
    from ops import benchlogin

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
        store.promote(second, by="ops.cluster")
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
    parser = argparse.ArgumentParser(prog="python -m ops.cluster", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--load", help="run the load test through nginx at these sessions")
    parser.add_argument("--changes", type=int, default=6)
    parser.add_argument("--check-promotion", action="store_true")
    parser.add_argument("--port", type=int, help="listen here instead of server.port")
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
    if args.check_promotion:
        return check_promotion(workers, args.snapshot)
    if args.load:
        from ops import loadtest

        port = args.port or free_ports(workers + 1)
        data_dir = PROJECT_DIR / "build" / "cluster-data"
        env = {"HEZE_SNAPSHOT": str(args.snapshot), "HEZE_DATA_DIR": str(data_dir)}
        with Cluster(workers, env, port=port) as cluster:
            return loadtest.main(["--url", cluster.url, "--sessions", args.load,
                                  "--data-dir", str(data_dir),
                                  "--changes", str(args.changes),
                                  "--out", str(PROJECT_DIR / "build" /
                                               f"bench-load-{workers}-workers.md")])
    cluster = Cluster(workers, port=args.port).start()
    stop = {"now": False}

    def on_signal(signum, frame):
        stop["now"] = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        while not stop["now"] and all(p.poll() is None for p in [cluster.nginx, *cluster.procs]):
            time.sleep(0.5)
    finally:
        cluster.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
