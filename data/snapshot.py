"""Where snapshots live, which one is served, opening it read-only, and writing one safely.

Two ways to name the served snapshot:

* the store (the normal way): ``<data dir>/snapshots/CURRENT`` names an immutable file
  ``<id>.duckdb`` beside it (see ``data.store``); a promote replaces CURRENT atomically;
* one file, ``$HEZE_SNAPSHOT`` (development and tests): the file may be rebuilt in place.

DuckDB keeps one database instance per path inside a process, so connecting again to a path
whose file was replaced returns the *old* database. Every version of the served file is
therefore opened under a path of its own: the store's files are never rewritten, and a
single file is opened through a hard link named after its inode and mtime.
"""

from __future__ import annotations

import os
import re
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from core.errors import BilingualError

PROJECT_DIR = Path(__file__).resolve().parent.parent
SCHEMA_PATH = Path(__file__).parent / "schema.sql"
DEFAULT_SNAPSHOT = PROJECT_DIR / "build" / "snapshot.duckdb"
ENV_VAR = "HEZE_SNAPSHOT"
LINK_DIR = ".serving"
TEMP_SUFFIX = ".tmp"
STALE_TEMP_SECONDS = 6 * 3600  # a temporary without a readable pid is stale after this

TABLES = (
    "snapshot", "counties", "townships", "host_cities", "industries", "stations", "parks",
    "outside_people", "returnees", "entities", "projects", "activities",
)


class SnapshotUnavailable(BilingualError, RuntimeError):
    """No snapshot can be served; the message says why in both languages."""


@dataclass(frozen=True)
class Served:
    """What should be served now: `open_path` is unique to this version of the file."""

    token: str
    open_path: Path
    origin: Path  # the file as named by the store or $HEZE_SNAPSHOT


def snapshot_path() -> Path | None:
    """The single file named by $HEZE_SNAPSHOT, or None when the store is used."""
    named = os.environ.get(ENV_VAR)
    return Path(named) if named else None


def served() -> Served:
    """The snapshot to serve now; cheap (a stat or a small read), called on every rerun."""
    single = snapshot_path()
    if single is not None:
        return _served_single(single)
    from core.settings import current
    from data.store import SnapshotStore

    store = SnapshotStore(current().snapshots_dir)
    snap_id = store.current_id()
    if snap_id is None:
        raise SnapshotUnavailable("error.snapshot.none_yet")
    path = store.path(snap_id)
    return Served(token=f"store:{snap_id}", open_path=path, origin=path)


def _served_single(path: Path) -> Served:
    try:
        st = path.stat()
    except FileNotFoundError:
        raise SnapshotUnavailable("error.snapshot.file_missing", name=path.name) from None
    version = f"{st.st_ino}-{st.st_mtime_ns}-{st.st_size}"
    links = path.parent / LINK_DIR
    link = links / f"{path.stem}.{version}.duckdb"
    if not link.exists():
        links.mkdir(exist_ok=True)
        for old in links.glob(f"{path.stem}.*.duckdb"):
            # Older versions: a process that still has one open keeps reading it (the file
            # lives on until closed); nothing opens it again, since its version is gone.
            old.unlink(missing_ok=True)
        try:
            os.link(path, link)
        except FileExistsError:
            pass
        except OSError:  # a file system without hard links: open the file itself
            return Served(token=f"file:{version}", open_path=path, origin=path)
    return Served(token=f"file:{version}", open_path=link, origin=path)


def create_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(SCHEMA_PATH.read_text(encoding="utf-8"))


def open_read_only(path: Path | str) -> duckdb.DuckDBPyConnection:
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"快照不存在 / snapshot not found: {path.name}")
    return duckdb.connect(str(path), read_only=True)


def _pid_alive(pid: int) -> bool:
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
            stale = int(match.group(1)) != os.getpid() and not _pid_alive(int(match.group(1)))
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
    """The pre-summed tables every snapshot carries (analytics.aggregates), made from the
    filled fact tables, so generated and imported snapshots alike answer filters fast."""
    from analytics.aggregates import build

    build(con)


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
