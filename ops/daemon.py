"""Running the dashboard where there is no systemd (``install.sh --no-service``): a background
process with a pid file, or the foreground.

    python -m ops start     start in the background; waits until it answers
    python -m ops stop      stop the process the pid file names
    python -m ops run       run in the foreground (containers, supervisors); Ctrl-C stops

The pid file is ``<data dir>/dashboard.pid`` and the log ``<data dir>/logs/dashboard.log``
(both owner-only). With systemd, use the unit instead (deploy/systemd/); its log is in the
journal (``journalctl -u heze-dashboard``).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from core.settings import PROJECT_DIR
from data.writer import pid_alive
from ops.serve import main as serve
from ops.status import http_health

PID_FILE = "dashboard.pid"
LOG_DIR = "logs"
LOG_FILE = "dashboard.log"
START_TIMEOUT_S = 90
STOP_TIMEOUT_S = 20


def pid_file(settings) -> Path:
    return settings.data_dir / PID_FILE


def log_file(settings) -> Path:
    return settings.data_dir / LOG_DIR / LOG_FILE


def _ours(pid: int) -> bool:
    """The process is a dashboard server (a reused pid must not be signalled)."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    return b"ops.serve" in cmdline


def running_pid(settings) -> int | None:
    try:
        pid = int(pid_file(settings).read_text().strip())
    except (FileNotFoundError, ValueError):
        return None
    return pid if pid_alive(pid) and _ours(pid) else None


def _private_file(path: Path) -> int:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)


def start(settings, timeout: float = START_TIMEOUT_S) -> int:
    pid = running_pid(settings)
    if pid is not None:
        print(f"看板已在运行（进程 {pid}）/ the dashboard is running already (pid {pid})")
        return 0
    settings.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    log = log_file(settings)
    fd = _private_file(log)
    with os.fdopen(fd, "ab") as out:
        proc = subprocess.Popen([sys.executable, "-m", "ops.serve"], cwd=PROJECT_DIR,
                                stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
    tmp = pid_file(settings).with_suffix(".pid.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(f"{proc.pid}\n")
    os.replace(tmp, pid_file(settings))
    deadline = time.monotonic() + timeout
    answer = ""
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pid_file(settings).unlink(missing_ok=True)
            print(f"看板启动失败（退出码 {proc.returncode}），日志 / the dashboard failed to start "
                  f"(exit {proc.returncode}); log: {log}\n" + _tail(log), file=sys.stderr)
            return 1
        ok, answer = http_health(settings, timeout=2)
        if ok:
            print(f"看板已启动（进程 {proc.pid}），日志 {log} / the dashboard is running "
                  f"(pid {proc.pid}), log {log}")
            return 0
        time.sleep(0.5)
    print(f"看板在 {timeout:.0f} 秒内没有响应 / the dashboard did not answer within "
          f"{timeout:.0f} s: {answer}\n" + _tail(log), file=sys.stderr)
    return 1


def stop(settings, timeout: float = STOP_TIMEOUT_S) -> int:
    pid = running_pid(settings)
    if pid is None:
        pid_file(settings).unlink(missing_ok=True)
        print("看板没有在运行 / the dashboard is not running")
        return 0
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and pid_alive(pid):
        time.sleep(0.2)
    if pid_alive(pid):
        os.kill(pid, signal.SIGKILL)
        time.sleep(0.5)
    pid_file(settings).unlink(missing_ok=True)
    print(f"看板已停止（进程 {pid}）/ the dashboard stopped (pid {pid})")
    return 0


def run() -> int:
    return serve([])


def _tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except FileNotFoundError:
        return ""
