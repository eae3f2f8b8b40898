"""Where snapshots live, how they are opened, and how one is written safely."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import duckdb

PROJECT_DIR = Path(__file__).resolve().parent.parent
SCHEMA_PATH = Path(__file__).parent / "schema.sql"
DEFAULT_SNAPSHOT = PROJECT_DIR / "build" / "snapshot.duckdb"
ENV_VAR = "HEZE_SNAPSHOT"

TABLES = (
    "snapshot", "counties", "townships", "host_cities", "industries", "stations", "parks",
    "outside_people", "returnees", "entities", "projects", "activities",
)


def snapshot_path() -> Path:
    """The snapshot the app reads: $HEZE_SNAPSHOT if set, else build/snapshot.duckdb."""
    return Path(os.environ.get(ENV_VAR) or DEFAULT_SNAPSHOT)


def create_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(SCHEMA_PATH.read_text(encoding="utf-8"))


def open_read_only(path: Path | str) -> duckdb.DuckDBPyConnection:
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"快照不存在 / snapshot not found: {path.name}")
    return duckdb.connect(str(path), read_only=True)


def write_atomically(out: Path, fill: Callable[[duckdb.DuckDBPyConnection], None]) -> None:
    """Build a database in a temporary file beside `out`, then rename it into place.

    A build that fails or is interrupted leaves whatever was at `out` untouched.
    """
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=out.name + ".", suffix=".tmp", dir=out.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    tmp.unlink()  # duckdb wants to create the file itself
    try:
        con = duckdb.connect(str(tmp))
        try:
            create_schema(con)
            fill(con)
            con.execute("CHECKPOINT")
        finally:
            con.close()
        os.replace(tmp, out)
    finally:
        for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
            leftover.unlink(missing_ok=True)
