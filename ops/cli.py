"""``python -m ops``: run, watch, back up, restore and upgrade the dashboard on a server.

    python -m ops status [--json] [--no-http]   what is served since when, sessions, version
    python -m ops status --health               one line and a Nagios-style exit code
    python -m ops backup [--out FILE]           application database + snapshots, online
    python -m ops restore FILE [--data DIR] [--replace]
    python -m ops migrate                       bring the application database to this release
    python -m ops start | stop | run            without systemd: background (pid file) or
                                                foreground

Run them as the user the service runs as (the installed ``heze-dashboard`` command does
that when called by root), so every file in the data directory stays theirs. Exit codes:
0 done, 1 failed (the message says why), 2 wrong usage or settings; ``status --health``
uses 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.
"""

from __future__ import annotations

import argparse
import os
import pwd
import sys
from pathlib import Path

import appdb
from core.errors import BilingualError
from core.settings import SettingsError, current
from data.store import StoreError
from ops import backup as bk
from ops import daemon, status
from ops.backup import BackupError

OK, FAILED, USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):
        self.print_usage(sys.stderr)
        print(f"用法错误 / usage error: {message}", file=sys.stderr)
        raise SystemExit(USAGE)


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="python -m ops", allow_abbrev=False,
                description="菏泽市返乡创业数据看板 运维 / dashboard operations")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)
    st = sub.add_parser("status", allow_abbrev=False,
                        help="运行状态 / what is served, since when, sessions, version")
    st.add_argument("--health", action="store_true",
                    help="供监控系统调用：一行结果和退出码 / one line and an exit code for "
                         "monitoring (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN)")
    st.add_argument("--json", action="store_true", help="JSON 输出 / as JSON")
    st.add_argument("--no-http", action="store_true",
                    help="不检查看板端口 / do not check that the server answers")
    b = sub.add_parser("backup", allow_abbrev=False,
                       help="备份应用数据库和数据快照 / back up the application database and "
                            "the snapshots")
    b.add_argument("--out", type=Path, help="备份文件 / backup file (default: "
                   "<data dir>/backups/heze-backup-<time>.tar.gz)")
    r = sub.add_parser("restore", allow_abbrev=False,
                       help="从备份恢复 / restore a backup")
    r.add_argument("file", type=Path)
    r.add_argument("--data", type=Path, help="数据目录 / data directory (default: from the "
                   "settings)")
    r.add_argument("--replace", action="store_true",
                   help="替换已有数据（原数据移到 replaced-<时间>/）/ replace the data there "
                        "(moved to replaced-<time>/)")
    sub.add_parser("migrate", allow_abbrev=False,
                   help="升级应用数据库 / migrate the application database")
    sub.add_parser("start", allow_abbrev=False, help="后台启动 / start in the background")
    sub.add_parser("stop", allow_abbrev=False, help="停止 / stop")
    sub.add_parser("run", allow_abbrev=False, help="前台运行 / run in the foreground")
    return p


def _owner_name(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)


def check_user(directory: Path) -> None:
    """Refuse to work as root on a data directory that belongs to the service user: files
    root created there (SQLite's -wal and -shm among them) would lock the service out."""
    if os.geteuid() != 0:
        return
    try:
        owner = directory.stat().st_uid
    except FileNotFoundError:
        return
    if owner != 0:
        name = _owner_name(owner)
        raise Refused("error.ops.wrong_user", directory=directory, name=name)


class Refused(BilingualError):
    pass


def run(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = current()
    except SettingsError as exc:
        if args.command == "status" and args.health:
            print(f"HEZE UNKNOWN - 设置错误 / settings error: {exc}")
            return status.UNKNOWN
        print(f"设置错误 / settings error: {exc}", file=sys.stderr)
        return USAGE
    data_dir = args.data if args.command == "restore" and args.data else settings.data_dir
    check_user(data_dir)

    if args.command == "status":
        st = status.collect(settings, check_http=not args.no_http)
        if args.health:
            print(status.health_line(st))
            return st.level
        print(st.to_json() if args.json else status.render(st))
        return OK
    if args.command == "backup":
        result = bk.backup(settings, args.out)
        print(f"已备份 / backed up: {result.path}\n"
              f"  {result.bytes / 2**20:.1f} MiB，快照 snapshots {result.snapshots}"
              f"（当前 served {result.snapshot_id or '—'}），用户 users {result.users}，"
              f"应用数据库版本 schema {result.schema_version}")
        return OK
    if args.command == "restore":
        result = bk.restore(args.file, data_dir, replace=args.replace)
        lines = [f"已恢复到 / restored into: {result.data_dir}",
                 f"  备份来自 / from: 版本 version {result.version}，{result.created_at}",
                 f"  当前快照 / served snapshot: {result.snapshot_id or '—'}"
                 f"（共 {result.snapshots} 个 / {result.snapshots} kept）",
                 f"  启用的用户 / enabled users: {result.users}；应用数据库版本 / schema "
                 f"{result.schema_version}（启动时自动升级 / migrated at start if older）"]
        if result.moved_aside:
            lines.append(f"  原有数据已移到 / the data that was there is in: {result.moved_aside}")
        if (result.data_dir / "restored-heze.toml").exists():
            lines.append(f"  原机器的设置文件 / the old machine's settings: "
                         f"{result.data_dir / 'restored-heze.toml'}（仅供参考，未生效 / for "
                         "reference, not applied)")
        print("\n".join(lines))
        return OK
    if args.command == "migrate":
        path = settings.app_db
        before = appdb.current_version(path) if path.exists() else 0
        after = appdb.migrate(path)
        latest = max((m.version for m in appdb.migrations()), default=0)
        if before == after:
            print(f"应用数据库已是最新版本 {after} / the application database is at version "
                  f"{after}, this release's {latest}")
        else:
            print(f"应用数据库已从版本 {before} 升级到 {after} / the application database was "
                  f"migrated from version {before} to {after}")
        return OK
    if args.command == "start":
        return daemon.start(settings)
    if args.command == "stop":
        return daemon.stop(settings)
    if args.command == "run":
        return daemon.run()
    raise AssertionError(args.command)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    try:
        return run(argv)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else USAGE
    except Refused as exc:
        print(f"未执行 / refused: {exc}", file=sys.stderr)
        return FAILED
    except appdb.AppDbError as exc:
        print(f"应用数据库错误 / application database error: {exc}", file=sys.stderr)
        return FAILED
    except (BackupError, StoreError) as exc:
        print(f"未完成 / failed: {exc}", file=sys.stderr)
        return FAILED
    except OSError as exc:
        print(f"文件错误 / file error: {exc}", file=sys.stderr)
        return FAILED
    except KeyboardInterrupt:
        print("\n已取消 / cancelled", file=sys.stderr)
        return FAILED
