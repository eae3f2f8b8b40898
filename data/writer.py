"""Writing a database file safely: build it in a temporary beside the target, fsync it,
rename it into place; and clean up the temporaries a killed build left behind.

Every snapshot is written here: a file of its own (``data.generate --out``) or one of the
store's (``data.store``). The schema (schema.sql) comes first, then the caller's fill, then
the pre-summed tables (``data.aggregates``).
"""

from __future__ import annotations

import os
import re
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import duckdb

from data import aggregates

SCHEMA_PATH = Path(__file__).parent / "schema.sql"
TEMP_SUFFIX = ".tmp"
STALE_TEMP_SECONDS = 6 * 3600  # a temporary without a readable pid is stale after this


def create_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(SCHEMA_PATH.read_text(encoding="utf-8"))


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


_TEMP_PID = re.compile(r"\.p(\d+)-[^.]+\.tmp$")


def clean_temporaries(directory: Path, now: float | None = None) -> list[Path]:
    """Remove what killed builds left in `directory`: temporaries whose writer is gone.

    A temporary is named ``<out>.p<pid>-<random>.tmp``; it is stale when that process no
    longer runs (or, for a name without a pid, when it is older than six hours)."""
    now = time.time() if now is None else now
    removed = []
    if not directory.is_dir():
        return removed
    for tmp in directory.glob(f"*{TEMP_SUFFIX}*"):
        if not (tmp.name.endswith(TEMP_SUFFIX) or tmp.name.endswith(TEMP_SUFFIX + ".wal")):
            continue
        match = _TEMP_PID.search(tmp.name.removesuffix(".wal"))
        if match:
            stale = int(match.group(1)) != os.getpid() and not pid_alive(int(match.group(1)))
        else:
            try:
                stale = now - tmp.stat().st_mtime > STALE_TEMP_SECONDS
            except FileNotFoundError:
                continue
        if stale:
            tmp.unlink(missing_ok=True)
            removed.append(tmp)
    return removed


def fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def build_aggregates(con: duckdb.DuckDBPyConnection) -> None:
    """The pre-summed tables every snapshot carries (data.aggregates), made from the
    filled fact tables, so generated and imported snapshots alike answer filters fast."""
    aggregates.build(con)


def write_atomically(out: Path, fill: Callable[[duckdb.DuckDBPyConnection], None],
                     mode: int | None = None) -> None:
    """Build a database in a temporary file beside `out`, then rename it into place.

    After `fill`, the aggregates are built from what it wrote. A build that fails or is
    interrupted leaves whatever was at `out` untouched, and the
    next build removes the temporaries a killed one left behind. `mode` sets the file's
    permissions (0o600 for the served data) before it is renamed into place.
    """
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    clean_temporaries(out.parent)
    fd, tmp_name = tempfile.mkstemp(prefix=f"{out.name}.p{os.getpid()}-", suffix=TEMP_SUFFIX,
                                    dir=out.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    tmp.unlink()  # duckdb wants to create the file itself
    try:
        con = duckdb.connect(str(tmp))
        try:
            create_schema(con)
            fill(con)
            build_aggregates(con)
            con.execute("CHECKPOINT")
        finally:
            con.close()
        if mode is not None:
            os.chmod(tmp, mode)
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, out)
        fsync_dir(out.parent)
    finally:
        for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
            leftover.unlink(missing_ok=True)
