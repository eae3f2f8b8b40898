"""Several Streamlit processes behind nginx, all serving the same snapshot store.

    python -m ops.cluster [--workers N]              (make serve WORKERS=N)

The load test through nginx and the check that a promoted snapshot reaches every process
are benchmarks: python -m bench.cluster (make load).

nginx (Debian's package) listens on the settings file's server.address and server.port and
passes each tab to one of N processes on the ports after it, keeping the tab on that process
with a cookie (deploy/nginx/nginx.conf.in, rendered into <data dir>/nginx/). Every process
reads the store's CURRENT on each rerun, so a promoted snapshot is served by all of them.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from core.settings import PROJECT_DIR, Settings, SettingsError, current

TEMPLATE = PROJECT_DIR / "deploy" / "nginx" / "nginx.conf.in"
NGINX = "nginx"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def wait_healthy(url: str, timeout: float = 90.0, proc: subprocess.Popen | None = None) -> None:
    """Wait until `url`'s health endpoint answers (or `proc` has exited)."""
    deadline = time.monotonic() + timeout
    while True:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"no answer from {url}")
        time.sleep(0.3)


def stop_server(proc: subprocess.Popen) -> None:
    """SIGTERM, then SIGKILL if it has not stopped within 15 s."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


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
        for proc in ([self.nginx] if self.nginx else []) + self.procs:
            stop_server(proc)

    def __enter__(self) -> Cluster:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ops.cluster", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--port", type=int, help="listen here instead of server.port")
    args = parser.parse_args(argv)
    try:
        settings = current()
    except SettingsError as exc:
        print(f"设置错误 / settings error: {exc}", file=sys.stderr)
        return 2
    workers = args.workers or settings["server.workers"]
    if workers < 1:
        parser.error("--workers must be at least 1")
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
