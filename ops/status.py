"""What the dashboard is doing, for administrators and monitoring systems.

    python -m ops status            which snapshot is served and since when, open sessions,
                                    data directory, version, whether the server answers
    python -m ops status --json     the same as one JSON object
    python -m ops status --health   one line and an exit code a monitoring system can poll

Health follows the Nagios plugin convention (Zabbix, Prometheus' script exporter and most
other monitoring systems run such commands): exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.
CRITICAL when the served snapshot cannot be read, the application database cannot be opened
or is not at this release's schema version, or the server does not answer on its port;
WARNING when the data directory's disk has less than 1 GiB free or the directory can be
read by other users; UNKNOWN when the settings file itself is wrong.

Nothing here writes: the application database is read without migrating it, the snapshot
is opened read-only.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import stat
import unicodedata
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import appdb
from data.store import SnapshotStore, StoreError
from ops.bundle import version as project_version

OK, WARNING, CRITICAL, UNKNOWN = 0, 1, 2, 3
LEVEL_NAMES = {OK: "OK", WARNING: "WARNING", CRITICAL: "CRITICAL", UNKNOWN: "UNKNOWN"}
LOW_DISK_BYTES = 1 << 30
HTTP_TIMEOUT_S = 5


def url_for(settings, path: str = "") -> str:
    """The dashboard's own address on this machine (loopback when it listens everywhere)."""
    host = settings["server.address"]
    host = "127.0.0.1" if host in ("", "0.0.0.0", "::") else host
    if ":" in host:
        host = f"[{host}]"
    base = f"/{settings.base_path}" if settings.base_path else ""
    return f"http://{host}:{settings['server.port']}{base}/{path}"


def http_health(settings, timeout: float = HTTP_TIMEOUT_S) -> tuple[bool, str]:
    """Streamlit's own health endpoint: (answers, what it said or why not)."""
    url = url_for(settings, "_stcore/health")
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            body = response.read(200).decode("utf-8", "replace").strip()
            return response.status == 200 and body == "ok", f"{url} → {response.status} {body}"
    except urllib.error.HTTPError as exc:
        return False, f"{url} → {exc.code}"
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        return False, f"{url} → {reason}"


def read_app_db(path: Path) -> sqlite3.Connection:
    """A read-only connection to the application database, never migrating or creating it."""
    if not path.exists():
        raise appdb.AppDbError("error.status.no_appdb", path=path)
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)
    con.row_factory = sqlite3.Row
    return con


def open_sessions(con: sqlite3.Connection, settings, now: datetime | None = None) -> int:
    """Sessions not ended, not past their maximum age and active within the idle time — the
    same rule as access.service.Access.open_sessions (a test holds them together)."""
    now = now or datetime.now(UTC)
    idle_since = now - timedelta(minutes=int(settings["session.idle_minutes"]))
    ts = lambda moment: moment.astimezone(UTC).isoformat(timespec="microseconds")  # noqa: E731
    return con.execute(
        "SELECT count(*) FROM sessions WHERE ended_at IS NULL AND expires_at > ? "
        "AND last_seen > ?", (ts(now), ts(idle_since))).fetchone()[0]


@dataclass
class Status:
    version: str
    settings_file: str | None
    data_dir: str
    snapshot_id: str | None = None
    snapshot_source: str | None = None
    snapshot_as_of: str | None = None
    snapshot_built_at: str | None = None
    served_since: str | None = None
    served_by: str | None = None
    snapshots_kept: int = 0
    app_db_version: int | None = None
    app_db_latest: int = 0
    users: int | None = None
    admins: int | None = None
    open_sessions: int | None = None
    url: str = ""
    answers: bool | None = None
    answer: str = ""
    free_bytes: int | None = None
    problems: list[tuple[int, str]] = field(default_factory=list)

    @property
    def level(self) -> int:
        return max((lvl for lvl, _ in self.problems), default=OK)

    def to_json(self) -> str:
        data = asdict(self)
        data["problems"] = [{"level": LEVEL_NAMES[lvl], "message": msg}
                            for lvl, msg in self.problems]
        data["level"] = LEVEL_NAMES[self.level]
        return json.dumps(data, ensure_ascii=False, indent=1)


def collect(settings, *, check_http: bool = True, now: datetime | None = None) -> Status:
    """Everything `status` shows, with the problems found on the way."""
    st = Status(version=project_version(),
                settings_file=str(settings.source) if settings.source else None,
                data_dir=str(settings.data_dir),
                app_db_latest=max((m.version for m in appdb.migrations()), default=0),
                url=url_for(settings))
    problem = st.problems.append
    data_dir = settings.data_dir
    if not data_dir.is_dir():
        problem((CRITICAL, f"数据目录不存在 / data directory missing: {data_dir}"))
        return st
    mode = stat.S_IMODE(data_dir.stat().st_mode)
    if mode & 0o077:
        problem((WARNING, f"数据目录权限 {mode:o} 允许其他用户访问，应为 700 / data directory "
                          f"mode {mode:o} lets other users in; should be 700"))
    st.free_bytes = shutil.disk_usage(data_dir).free
    if st.free_bytes < LOW_DISK_BYTES:
        problem((WARNING, f"数据目录所在磁盘剩余空间不足 1 GiB（{st.free_bytes / 2**20:.0f} MiB）"
                          f" / less than 1 GiB free on the data directory's disk"))

    # The served snapshot and since when.
    store = SnapshotStore(settings.snapshots_dir)
    st.snapshot_id = store.current_id()
    st.snapshots_kept = len(store.ids())
    if st.snapshot_id is None:
        problem((CRITICAL, "没有正在提供的数据快照（CURRENT 不存在）/ no snapshot is served "
                           "(no CURRENT)"))
    else:
        try:
            store.verify(st.snapshot_id)
            manifest = store.manifest(st.snapshot_id)
            st.snapshot_source = manifest.source
            st.snapshot_as_of = manifest.as_of
            st.snapshot_built_at = manifest.built_at
        except StoreError as exc:
            problem((CRITICAL, f"当前快照无法读取 / the served snapshot cannot be read: {exc}"))
        promoted = [h for h in store.history() if h.get("id") == st.snapshot_id]
        if promoted:
            st.served_since, st.served_by = promoted[-1].get("at"), promoted[-1].get("by")

    # The application database, read-only.
    try:
        con = read_app_db(settings.app_db)
        try:
            done = appdb.applied(con)
            st.app_db_version = max(done, default=0)
            if st.app_db_version != st.app_db_latest:
                problem((CRITICAL, f"应用数据库版本 {st.app_db_version}，本程序需要 "
                                   f"{st.app_db_latest}（启动服务时会自动迁移）/ application "
                                   f"database at version {st.app_db_version}, this release "
                                   f"needs {st.app_db_latest} (the service migrates it at "
                                   "start)"))
            if st.app_db_version >= 1:
                st.users = con.execute("SELECT count(*) FROM users WHERE disabled = 0"
                                       ).fetchone()[0]
                st.admins = con.execute("SELECT count(*) FROM users WHERE disabled = 0 AND "
                                        "role = 'admin'").fetchone()[0]
                st.open_sessions = open_sessions(con, settings, now)
        finally:
            con.close()
    except (appdb.AppDbError, sqlite3.Error) as exc:
        problem((CRITICAL, f"应用数据库无法读取 / the application database cannot be read: "
                           f"{exc}"))

    if check_http:
        st.answers, st.answer = http_health(settings)
        if not st.answers:
            problem((CRITICAL, f"看板没有响应 / the dashboard does not answer: {st.answer}"))
    return st


def _since(text: str | None) -> str:
    if not text:
        return "—"
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text
    return f"{moment:%Y-%m-%d %H:%M:%S}"


def _width(text: str) -> int:
    """Columns a terminal gives `text`: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def render(st: Status) -> str:
    source = {"synthetic": "演示数据 demo", "imported": "导入数据 imported"}.get(
        st.snapshot_source or "", st.snapshot_source or "—")
    rows = [
        ("版本 version", st.version),
        ("设置文件 settings", st.settings_file or "默认设置 defaults"),
        ("数据目录 data directory", st.data_dir),
        ("当前快照 served snapshot", st.snapshot_id or "—"),
        ("  来源 source", source),
        ("  数据截至 as of", st.snapshot_as_of or "—"),
        ("  启用于 served since", _since(st.served_since)
         + (f"（{st.served_by}）" if st.served_by else "")),
        ("快照个数 snapshots kept", str(st.snapshots_kept)),
        ("应用数据库 app database", "—" if st.app_db_version is None else
         f"版本 schema {st.app_db_version}/{st.app_db_latest}"),
        ("启用的用户 enabled users", "—" if st.users is None else
         f"{st.users}（管理员 admins {st.admins}）"),
        ("在线会话 open sessions", "—" if st.open_sessions is None else str(st.open_sessions)),
        ("地址 address", st.url),
        ("服务 server", "未检查 not checked" if st.answers is None else
         ("正常 answers" if st.answers else "无响应 not answering") + f"  {st.answer}"),
        ("磁盘剩余 free disk", "—" if st.free_bytes is None else
         f"{st.free_bytes / 2**30:.1f} GiB"),
    ]
    width = max(_width(k) for k, _ in rows)
    lines = ["菏泽市返乡创业数据看板 / Heze return-home entrepreneurship dashboard"]
    lines += [f"{k}{' ' * (width - _width(k))}  {v}" for k, v in rows]
    if st.problems:
        lines.append("")
        lines += [f"{LEVEL_NAMES[lvl]}: {msg}" for lvl, msg in st.problems]
    return "\n".join(lines)


def health_line(st: Status) -> str:
    """One line in the monitoring plugins' format: 'LEVEL - summary | perfdata'."""
    level = st.level
    if st.problems:
        summary = "; ".join(msg for lvl, msg in st.problems if lvl == level)
    else:
        summary = (f"snapshot {st.snapshot_id} ({st.snapshot_source}, as of "
                   f"{st.snapshot_as_of}), app database v{st.app_db_version}, "
                   f"{st.open_sessions} open sessions")
    perf = f"sessions={st.open_sessions or 0};;;0 free_bytes={st.free_bytes or 0}B"
    return f"HEZE {LEVEL_NAMES[level]} - {summary} | {perf}"
