"""python -m briefing --out DIR [--month YYYY-MM] [--county NAME|ADCODE] [--lang zh|en]

Writes DIR/briefing.docx and DIR/briefing.pdf (or --name STEM) for the served snapshot
($HEZE_SNAPSHOT, or the store's current one). --month is the month the briefing is for:
figures run to the end of it. --timing prints how long each step took.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import time
from pathlib import Path

from briefing.periods import month_end
from briefing.text import BriefingError
from model.filters import Filter, FilterError

DEFAULT_NAME = "briefing"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, non-zero exit, nothing written
        print(f"错误 / error: {message}", file=sys.stderr)
        raise SystemExit(2)


def parse_month(text: str):
    """The last day of YYYY-MM."""
    match = re.fullmatch(r"(\d{4})-(\d{1,2})", text.strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise BriefingError("bad_month", value=text)
    return month_end(int(match.group(1)), int(match.group(2)))


def resolve_county(analytics, text: str) -> int:
    """A county by adcode, Chinese name, short name or English name."""
    counties = analytics.counties()
    wanted = text.strip()
    for _, row in counties.iterrows():
        names = {str(row["county_code"]), str(row["name_zh"]), str(row["short_zh"]),
                 str(row["name_en"]).lower()}
        if wanted in names or wanted.lower() in names:
            return int(row["county_code"])
    raise BriefingError("bad_county", value=text,
                        choices="、".join(str(n) for n in counties["name_zh"]))


def write_atomically(path: Path, data: bytes) -> None:
    """The file appears whole or not at all; an older one stays until then."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp, 0o666 & ~mask)  # mkstemp makes it private; a briefing is not
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def main(argv: list[str] | None = None) -> int:
    parser = _Parser(prog="python -m briefing",
                     description="领导简报（DOCX 与 PDF）/ the briefing as DOCX and PDF")
    parser.add_argument("--out", type=Path, required=True,
                        help="输出目录 / output folder")
    parser.add_argument("--month", help="简报月份 YYYY-MM，统计到该月底 / the month, "
                        "figures to its end")
    parser.add_argument("--county", help="县区名称或代码 / county name or adcode")
    parser.add_argument("--lang", default="zh", help="zh（默认）或 en / zh (default) or en")
    parser.add_argument("--name", default=DEFAULT_NAME,
                        help="文件名（不含扩展名）/ file name without extension")
    parser.add_argument("--timing", action="store_true",
                        help="打印各步骤耗时 / print how long each step took")
    args = parser.parse_args(argv)
    clock = time.perf_counter()

    # The snapshot, the queries and the document writers load after the arguments are
    # checked (a few seconds): a usage error answers at once.
    from data.snapshot import SnapshotUnavailable, open_read_only, served

    try:
        if args.lang not in ("zh", "en"):
            raise BriefingError("bad_lang", value=args.lang)
        end = parse_month(args.month) if args.month else None
        args.out.mkdir(parents=True, exist_ok=True)
        if not os.access(args.out, os.W_OK):
            parser.error(f"输出目录不可写 / output folder is not writable: {args.out}")
        from analytics.queries import Analytics

        analytics = Analytics(open_read_only(served().open_path))
        opened = time.perf_counter()
        counties = [resolve_county(analytics, args.county)] if args.county else []
        from briefing import build

        briefing = build(analytics, Filter(counties=counties, end=end), args.lang)
    except (BriefingError, FilterError, SnapshotUnavailable) as exc:
        parser.error(f"{exc.zh} / {exc.en}")
    except OSError as exc:
        parser.error(f"无法写入 / cannot write {args.out}: {exc.strerror}")
    paths = []
    for ext, data in (("docx", briefing.docx), ("pdf", briefing.pdf)):
        path = args.out / f"{args.name}.{ext}"
        write_atomically(path, data)
        paths.append(path)
    done = time.perf_counter()
    for path in paths:
        print(path)
    if args.timing:
        steps = {"open snapshot": opened - clock, **briefing.timings,
                 "whole command": done - clock}
        for step, seconds in steps.items():
            print(f"{step:>20}: {seconds:6.2f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
