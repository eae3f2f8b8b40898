"""The command line: build the synthetic snapshot into a file or into the store.

    python -m data.generate [--seed S] [--scale K] [--out PATH | --store [--force]]
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from core.settings import SettingsError, current
from data.generate.build import build_into_store, build_snapshot
from data.generate.common import DEFAULT_SEED
from data.snapshot import DEFAULT_SNAPSHOT


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, non-zero exit, nothing written
        print(f"错误 / error: {message}", file=sys.stderr)
        raise SystemExit(2)


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"不是整数 / not an integer: {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"必须为正整数 / must be a positive integer: {value}")
    return value


def main(argv: list[str] | None = None) -> int:
    parser = _Parser(prog="python -m data.generate", description="生成演示快照 / build the "
                     "synthetic snapshot")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--scale", type=positive_int, default=1)
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--out", type=Path, default=DEFAULT_SNAPSHOT,
                       help="写入一个快照文件 / write one snapshot file")
    where.add_argument("--store", action="store_true",
                       help="写入数据目录的快照库并启用（不覆盖导入数据）/ build into the data "
                            "directory's store and serve it (never over imported data)")
    parser.add_argument("--force", action="store_true",
                        help="与 --store 一起：即使当前是导入数据也启用演示快照 / with --store: "
                             "serve the demo even over imported data")
    args = parser.parse_args(argv)
    if args.store:
        try:
            store_dir = current().snapshots_dir
        except SettingsError as exc:
            parser.error(str(exc))
        try:
            build_into_store(store_dir, seed=args.seed, scale=args.scale, force=args.force)
        except KeyboardInterrupt:
            print("已中断，当前快照保持不变 / interrupted, served snapshot untouched",
                  file=sys.stderr)
            return 130
        return 0
    out: Path = args.out
    if out.is_dir():
        parser.error(f"输出路径是目录 / output path is a directory: {out}")
    parent = out.parent if str(out.parent) else Path(".")
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        parser.error(f"无法创建输出目录 / cannot create output folder {parent}: {exc.strerror}")
    if not os.access(parent, os.W_OK):
        parser.error(f"输出目录不可写 / output folder is not writable: {parent}")
    try:
        build_snapshot(out, seed=args.seed, scale=args.scale)
    except KeyboardInterrupt:
        print("已中断，原快照保持不变 / interrupted, existing snapshot untouched", file=sys.stderr)
        return 130
    except RuntimeError as exc:
        # DuckDB turns Ctrl-C during a write into "Query interrupted".
        if "interrupt" not in str(exc).lower():
            raise
        print("已中断，原快照保持不变 / interrupted, existing snapshot untouched", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
