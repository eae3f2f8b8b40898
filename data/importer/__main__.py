"""python -m data.importer — templates, check, load, history, compare, export.

Exit codes: 0 done (or the files are valid), 1 rejected (the report says why), 2 usage.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import date, datetime
from pathlib import Path

from core.settings import current
from data.importer import pipeline as loader
from data.importer.compare import compare
from data.importer.workbook import bad_rows_xlsx, export, write_templates
from data.store import StoreError


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:
        print(f"用法错误 / usage error: {message}", file=sys.stderr)
        self.print_usage(sys.stderr)
        raise SystemExit(2)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"日期应写作 YYYY-MM-DD / a date is written YYYY-MM-DD: {text!r}") from None


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="python -m data.importer",
                description="导入五库数据 / import the five databases")
    p.add_argument("--lang", choices=("zh", "en"), default="zh", help="报告语言 / report language")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)
    t = sub.add_parser("template", help="生成导入模板 / write the templates")
    t.add_argument("dir", type=Path)
    for name, helptext in (("check", "检查文件（不导入）/ validate, import nothing"),
                           ("load", "检查并导入，生成新快照并启用 / validate, build, serve")):
        c = sub.add_parser(name, help=helptext)
        c.add_argument("paths", nargs="+", type=Path)
        c.add_argument("--mode", choices=loader.MODES, default="replace")
        c.add_argument("--as-of", type=_date, default=None,
                       help="数据截止日期，默认今天 / as-of date, default today")
        c.add_argument("--report", type=Path, default=None,
                       help="把有错误的行写入 XLSX / write the failed rows to an XLSX")
        c.add_argument("--all", action="store_true", help="打印全部错误 / print every problem")
        if name == "load":
            c.add_argument("--by", default=None, help="导入人 / who imports")
    sub.add_parser("current", help="当前服务的快照 / the served snapshot")
    sub.add_parser("list", help="全部快照 / every snapshot")
    pr = sub.add_parser("promote", help="启用某个快照（回滚）/ serve a snapshot (roll back)")
    pr.add_argument("id")
    pr.add_argument("--by", default=None)
    cp = sub.add_parser("compare", help="比较两个快照的主要指标 / compare headline indicators")
    cp.add_argument("first")
    cp.add_argument("second")
    ex = sub.add_parser("export", help="按模板格式导出当前快照 / export the served snapshot")
    ex.add_argument("dir", type=Path)
    ex.add_argument("--format", choices=("xlsx", "csv"), default="xlsx")
    ex.add_argument("--by", default=None)
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    lang = args.lang
    try:
        store = loader.default_store()
    except Exception as exc:  # noqa: BLE001 - a settings error: one line
        print(f"设置错误 / settings error: {exc}", file=sys.stderr)
        return 2
    try:
        return _run(args, store, lang)
    except StoreError as exc:
        print(exc.message(lang), file=sys.stderr)
        return 1


def _run(args, store, lang: str) -> int:
    if args.command == "template":
        ref, names = loader.template_sources(store)
        for path in write_templates(args.dir, ref, names):
            print(path)
        return 0
    if args.command in ("check", "load"):
        max_bytes = current()["data.max_upload_mb"] << 20
        report = loader.check(args.paths, as_of=args.as_of, mode=args.mode, store=store,
                              progress=loader.stderr_progress, max_bytes=max_bytes,
                              isolate=True)
        for line in report.lines(lang, limit=None if args.all else 200):
            print(line)
        if args.report is not None:
            bad_rows_xlsx(report, args.report, lang)
            print(f"错误报告 / report: {args.report}")
        if not report.ok:
            return 1
        if args.command == "check":
            return 0
        try:
            result = loader.load(args.paths, mode=args.mode, by=args.by or _user(),
                                 store=store, report=report)
        except loader.ImportError_ as exc:
            print(str(exc), file=sys.stderr)
            return 1
        print(("已导入并启用快照 " if lang == "zh" else "imported and serving ")
              + str(result.snapshot_id))
        if result.removed:
            print(("已清理旧快照：" if lang == "zh" else "removed old snapshots: ")
                  + ", ".join(result.removed))
        return 0
    if args.command == "current":
        snap_id = store.current_id()
        if snap_id is None:
            print("没有当前快照 / no snapshot is served", file=sys.stderr)
            return 1
        print(snap_id)
        print(store.path(snap_id))
        return 0
    if args.command == "list":
        for m in store.list():
            files = "; ".join(f"{f['name']} ({f.get('rows', 0):,} rows, sha256 "
                              f"{f['sha256'][:12]}…)" for f in m.files)
            mark = "*" if m.current else " "
            print(f"{mark} {m.snapshot_id}  as-of {m.as_of}  built {m.built_at}  "
                  f"{m.source}  {m.mode or ''}  by {m.imported_by or '—'}  {files}")
        return 0
    if args.command == "promote":
        before = store.promote(args.id, by=args.by or _user())
        print(("已启用 " if lang == "zh" else "serving ") + f"{args.id} (before: {before})")
        return 0
    if args.command == "compare":
        df = compare(store, args.first, args.second)
        name, county = ("name_zh", "county_zh") if lang == "zh" else ("name_en", "county_en")
        out = df[[name, county, "first", "second", "difference"]].copy()
        for col in ("first", "second", "difference"):
            out[col] = [_number(v) for v in out[col]]
        print(out.to_string(index=False))
        return 0
    if args.command == "export":
        served_path = store.current_path()
        if served_path is None:
            print("没有当前快照 / no snapshot is served", file=sys.stderr)
            return 1
        paths = export(served_path, args.dir, args.format,
                       progress=lambda f, n: print(f"{n:>9,}  {f}", file=sys.stderr))
        _audit_export(store, args, paths)
        for p in paths:
            print(p)
        return 0
    return 2


def _number(v) -> str:
    if v is None or v != v:
        return "—"
    return f"{v:,.0f}" if float(v).is_integer() else f"{v:,.4f}"


def _user() -> str:
    return os.environ.get("USER") or os.environ.get("USERNAME") or "cli"


def _audit_export(store, args, paths) -> None:
    """An export holds the unmasked personal data: who took it and when is recorded."""
    entry = {"at": datetime.now().isoformat(timespec="seconds"), "id": store.current_id(),
             "by": args.by or _user(), "format": args.format, "files": [p.name for p in paths]}
    log = store.root / "exports.jsonl"
    fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(entry, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    raise SystemExit(main())
