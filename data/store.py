"""Versioned snapshots: every build or import is a new file, and one of them is served.

Layout of ``<data dir>/snapshots/``::

    <id>.duckdb      a finished snapshot; written once, closed, never written again
    <id>.json        its manifest: as-of date, source, when and by whom, source files
                     with SHA-256 and row counts, rows per table
    CURRENT          the id of the served snapshot, replaced atomically by `promote`
    history.jsonl    every promotion: when, which id, the one before, by whom
    serving/<pid>    the ids a running server process has open, so `prune` keeps them

A reader that reads CURRENT and then opens ``<id>.duckdb`` always gets a whole snapshot:
a file is only renamed into place once it is complete, and CURRENT only ever names such
a file. A query already running on the old snapshot finishes on it.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb

from core.errors import BilingualError
from data.writer import clean_temporaries, fsync_dir, pid_alive, write_atomically

CURRENT = "CURRENT"
HISTORY = "history.jsonl"
SERVING = "serving"
FILE_MODE = 0o600
DIR_MODE = 0o700
ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")


class StoreError(BilingualError, RuntimeError):
    pass


@dataclass
class Manifest:
    snapshot_id: str
    as_of: str
    source: str  # synthetic | imported
    built_at: str
    imported_by: str | None = None
    mode: str | None = None  # replace | append | update | demo
    files: list[dict] = field(default_factory=list)  # name, sha256, rows, table
    rows: dict[str, int] = field(default_factory=dict)
    note: str | None = None
    current: bool = False  # filled in by `list`, never stored

    def to_json(self) -> str:
        data = {k: v for k, v in self.__dict__.items() if k != "current"}
        return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        data = json.loads(text)
        known = {k: data[k] for k in cls.__dataclass_fields__ if k in data and k != "current"}
        return cls(**known)


def new_id(prefix: str) -> str:
    """A new snapshot id: prefix, time to the second and a random tail (never reused)."""
    return f"{prefix}-{datetime.now():%Y%m%d-%H%M%S}-{os.urandom(3).hex()}"


def _write_text_atomically(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, FILE_MODE)
        os.replace(tmp, path)
        fsync_dir(path.parent)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class SnapshotStore:
    def __init__(self, root: Path | str):
        self.root = Path(root)

    # -- reading -------------------------------------------------------------------------
    def path(self, snapshot_id: str) -> Path:
        if not ID_PATTERN.match(snapshot_id):
            raise StoreError("error.store.bad_id", snapshot_id=snapshot_id)
        return self.root / f"{snapshot_id}.duckdb"

    def current_id(self) -> str | None:
        try:
            text = (self.root / CURRENT).read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        return text or None

    def current_path(self) -> Path | None:
        snap_id = self.current_id()
        return None if snap_id is None else self.path(snap_id)

    def ids(self) -> list[str]:
        if not self.root.is_dir():
            return []
        return sorted(p.stem for p in self.root.glob("*.duckdb"))

    def manifest(self, snapshot_id: str) -> Manifest:
        path = self.root / f"{snapshot_id}.json"
        try:
            return Manifest.from_json(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise StoreError("error.store.no_such_snapshot", snapshot_id=snapshot_id) \
                from None

    def list(self) -> list[Manifest]:
        """Every snapshot with a manifest, newest first; the served one is marked."""
        current = self.current_id()
        out = []
        for snap_id in self.ids():
            try:
                m = self.manifest(snap_id)
                written = (self.root / f"{snap_id}.json").stat().st_mtime_ns
            except (StoreError, ValueError, OSError):
                continue
            m.current = snap_id == current
            out.append((m.built_at, written, m))
        # built_at is to the second: two imports in one second are told apart by when their
        # manifests were written (the random tail of the id would order them by chance).
        return [m for *_, m in sorted(out, key=lambda x: x[:2], reverse=True)]

    def history(self) -> list[dict]:
        try:
            lines = (self.root / HISTORY).read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return []
        return [json.loads(line) for line in lines if line.strip()]

    # -- writing -------------------------------------------------------------------------
    def _ensure_root(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        os.chmod(self.root, DIR_MODE)

    def build(self, snapshot_id: str, fill: Callable[[duckdb.DuckDBPyConnection], None],
              manifest: Manifest) -> Path:
        """Write a new snapshot file and its manifest; it is not served until promoted."""
        self._ensure_root()
        out = self.path(snapshot_id)
        if out.exists():
            raise StoreError("error.store.exists", snapshot_id=snapshot_id)
        write_atomically(out, fill, mode=FILE_MODE)
        con = duckdb.connect(str(out), read_only=True)
        try:
            manifest.rows = {
                name: con.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]  # noqa: S608
                for (name,) in con.execute(
                    "SELECT table_name FROM duckdb_tables() ORDER BY table_name").fetchall()}
        finally:
            con.close()
        _write_text_atomically(self.root / f"{snapshot_id}.json", manifest.to_json())
        return out

    def verify(self, snapshot_id: str) -> None:
        """The file opens and says it is `snapshot_id`; raises StoreError otherwise."""
        path = self.path(snapshot_id)
        if not path.exists():
            raise StoreError("error.store.no_such_snapshot", snapshot_id=snapshot_id)
        try:
            con = duckdb.connect(str(path), read_only=True)
            try:
                row = con.execute("SELECT snapshot_id FROM snapshot").fetchone()
            finally:
                con.close()
        except duckdb.Error as exc:
            raise StoreError("error.store.unreadable", snapshot_id=snapshot_id,
                             error=type(exc).__name__) \
                from None
        if row is None or row[0] != snapshot_id:
            raise StoreError("error.store.id_mismatch", name=path.name, snapshot_id=snapshot_id)

    def promote(self, snapshot_id: str, by: str | None = None) -> str | None:
        """Serve `snapshot_id` from now on; returns the id served before."""
        self.verify(snapshot_id)
        before = self.current_id()
        _write_text_atomically(self.root / CURRENT, snapshot_id + "\n")
        entry = {"at": datetime.now().isoformat(timespec="seconds"), "id": snapshot_id,
                 "before": before, "by": by}
        fd = os.open(self.root / HISTORY, os.O_WRONLY | os.O_APPEND | os.O_CREAT, FILE_MODE)
        with os.fdopen(fd, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(entry, ensure_ascii=False) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        return before

    # -- who serves what, and pruning ----------------------------------------------------
    def mark_serving(self, snapshot_ids) -> None:
        """Record that this process has these snapshots open (so prune keeps them)."""
        serving = self.root / SERVING
        serving.mkdir(parents=True, exist_ok=True)
        _write_text_atomically(serving / str(os.getpid()), "\n".join(sorted(snapshot_ids)))

    def in_use(self) -> set[str]:
        used: set[str] = set()
        serving = self.root / SERVING
        if not serving.is_dir():
            return used
        for marker in serving.iterdir():
            if not marker.name.isdigit():
                continue
            if not pid_alive(int(marker.name)):
                marker.unlink(missing_ok=True)
                continue
            used.update(line for line in marker.read_text(encoding="utf-8").split() if line)
        return used

    def prune(self, keep: int) -> list[str]:
        """Remove all but the served snapshot and the `keep` newest others, except those a
        running process still serves. Returns the ids removed."""
        current = self.current_id()
        others = [m.snapshot_id for m in self.list() if m.snapshot_id != current]
        used = self.in_use()
        removed = []
        for snap_id in others[keep:]:
            if snap_id in used:
                continue
            for suffix in (".duckdb", ".json"):
                (self.root / f"{snap_id}{suffix}").unlink(missing_ok=True)
            removed.append(snap_id)
        clean_temporaries(self.root)
        return removed
