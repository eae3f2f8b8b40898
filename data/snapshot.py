"""Where snapshots live, which one is served, and opening it read-only (a snapshot is
written by data.writer).

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
from dataclasses import dataclass
from pathlib import Path

import duckdb

from core.errors import BilingualError
from core.settings import current
from data.store import SnapshotStore

PROJECT_DIR = Path(__file__).resolve().parent.parent
DEFAULT_SNAPSHOT = PROJECT_DIR / "build" / "snapshot.duckdb"
ENV_VAR = "HEZE_SNAPSHOT"
LINK_DIR = ".serving"

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


def served(snapshots_dir: Path | None = None) -> Served:
    """The snapshot to serve now; cheap (a stat or a small read), called on every rerun.

    `snapshots_dir` is the store's directory (``Settings.snapshots_dir``), passed by the
    caller; without it, the settings in effect name it."""
    single = snapshot_path()
    if single is not None:
        return _served_single(single)
    if snapshots_dir is None:
        snapshots_dir = current().snapshots_dir
    store = SnapshotStore(snapshots_dir)
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


def open_read_only(path: Path | str) -> duckdb.DuckDBPyConnection:
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"快照不存在 / snapshot not found: {path.name}")
    return duckdb.connect(str(path), read_only=True)
