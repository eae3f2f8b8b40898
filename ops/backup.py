"""Backups: one archive of the application database and the snapshot store, taken while the
dashboard runs; restore on this or another machine.

    python -m ops backup [--out FILE]
    python -m ops restore FILE [--data DIR] [--replace]

What is in a backup (``heze-backup-<time>.tar.gz``, mode 0600)::

    heze-backup/BACKUP.json             what it holds: version, time, served snapshot, the
                                        application database's schema version, every
                                        file's SHA-256
    heze-backup/app.db                  users, roles, county scopes, sessions, audit log
                                        (and later targets): SQLite's online backup API
                                        copies a consistent state while others write
    heze-backup/snapshots/CURRENT       the served snapshot's id, as read at the start
    heze-backup/snapshots/history.jsonl
    heze-backup/snapshots/<id>.duckdb   every finished snapshot with its manifest
    heze-backup/snapshots/<id>.json
    heze-backup/heze.toml               the settings file in effect (for reference; restore
                                        does not apply it)

Why it is consistent while the service runs: snapshot files are immutable once renamed into
place and CURRENT is replaced atomically, so CURRENT is read once and the files it names are
opened before anything else; a file opened stays readable even if an import prunes it
meanwhile. Files still being written have temporary names and are never taken. The
application database is copied page by page by SQLite itself, which restarts the copy if
another process writes during it, so the copy is one committed state.

Restore checks the whole archive (hashes, the database's integrity and schema version, each
snapshot opens and is what its name says) in a temporary folder inside the data directory
before anything is moved into place; an existing data directory is only replaced with
``--replace``, and then what was there is moved aside to ``replaced-<time>/``, never deleted.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath

import appdb
from core.errors import BilingualError
from data.store import CURRENT, HISTORY, SERVING, SnapshotStore, StoreError
from data.writer import pid_alive
from ops.bundle import version as project_version

FORMAT = 1
TOP = "heze-backup"
FILE_MODE = 0o600
DIR_MODE = 0o700
BACKUPS = "backups"
PID_FILE = "dashboard.pid"


class BackupError(BilingualError, RuntimeError):
    pass


@dataclass
class BackupResult:
    path: Path
    snapshot_id: str | None
    snapshots: int
    schema_version: int
    users: int
    bytes: int


def _sha256_file(fh) -> str:
    digest = hashlib.sha256()
    fh.seek(0)
    for block in iter(lambda: fh.read(1 << 20), b""):
        digest.update(block)
    fh.seek(0)
    return digest.hexdigest()


def _copy_app_db(source: Path, target: Path) -> tuple[int, int]:
    """A consistent copy of the application database by SQLite's online backup API;
    returns (schema version, enabled users) of the copy."""
    if not source.exists():
        raise BackupError("error.backup.no_appdb", source=source)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
    fd = os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, FILE_MODE)
    os.close(fd)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
        # The copy is a plain file: no -wal beside it to lose in the archive.
        dst.execute("PRAGMA journal_mode = DELETE")
        check = dst.execute("PRAGMA integrity_check").fetchone()[0]
        if check != "ok":
            raise BackupError("error.backup.copy_damaged", check=check)
        dst.row_factory = sqlite3.Row
        version = max(appdb.applied(dst), default=0)
        users = dst.execute("SELECT count(*) FROM users WHERE disabled = 0").fetchone()[0] \
            if version else 0
    finally:
        dst.close()
        src.close()
    return version, users


def _add(tar: tarfile.TarFile, name: str, fh, size: int | None = None) -> None:
    info = tarfile.TarInfo(f"{TOP}/{name}")
    if size is None:
        fh.seek(0, os.SEEK_END)
        size = fh.tell()
        fh.seek(0)
    info.size, info.mode, info.mtime = size, FILE_MODE, int(datetime.now().timestamp())
    tar.addfile(info, fh)


def default_backup_path(settings) -> Path:
    return settings.data_dir / BACKUPS / f"heze-backup-{datetime.now():%Y%m%d-%H%M%S}.tar.gz"


def backup(settings, out: Path | None = None) -> BackupResult:
    """Write one archive of the application database and the snapshot store."""
    data_dir = settings.data_dir
    store = SnapshotStore(settings.snapshots_dir)
    pruning = out is None
    out = Path(out) if out is not None else default_backup_path(settings)
    out.parent.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
    if out.exists():
        raise BackupError("error.backup.exists", out=out)

    # CURRENT first, then open every finished snapshot it may name: once open, a file stays
    # readable even if an import prunes it while the archive is written.
    opened: dict[str, tuple] = {}
    for _attempt in range(3):
        current = store.current_id()
        for snap_id in store.ids():
            if snap_id in opened:
                continue
            try:
                db = open(store.root / f"{snap_id}.duckdb", "rb")  # noqa: SIM115
                manifest = open(store.root / f"{snap_id}.json", "rb")  # noqa: SIM115
            except FileNotFoundError:  # pruned just now, or its manifest not yet written
                continue
            opened[snap_id] = (db, manifest)
        if current is None or current in opened:
            break
    else:
        raise BackupError("error.backup.snapshot_vanished")
    try:
        with tempfile.TemporaryDirectory(prefix=".backup-", dir=data_dir) as tmp:
            db_copy = Path(tmp) / "app.db"
            schema_version, users = _copy_app_db(settings.app_db, db_copy)
            history = b""
            try:
                history = (store.root / HISTORY).read_bytes()
            except FileNotFoundError:
                pass
            files: dict[str, str] = {}
            partial = out.with_name(f".{out.name}.part{os.getpid()}")
            fd = os.open(partial, os.O_CREAT | os.O_EXCL | os.O_WRONLY, FILE_MODE)
            try:
                # gzip level 1: snapshot files are compressed already; level 9 takes fifteen
                # times as long (a minute for a 64 MiB snapshot) to save 4 %.
                with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz",
                                                              compresslevel=1) as tar:
                    with open(db_copy, "rb") as fh:
                        files["app.db"] = _sha256_file(fh)
                        _add(tar, "app.db", fh)
                    for name, payload in ((f"snapshots/{CURRENT}",
                                           (current + "\n").encode() if current else b""),
                                          (f"snapshots/{HISTORY}", history)):
                        if name.endswith(CURRENT) and not current:
                            continue
                        files[name] = hashlib.sha256(payload).hexdigest()
                        _add(tar, name, io.BytesIO(payload), len(payload))
                    for snap_id, (db, manifest) in sorted(opened.items()):
                        for name, fh in ((f"snapshots/{snap_id}.duckdb", db),
                                         (f"snapshots/{snap_id}.json", manifest)):
                            files[name] = _sha256_file(fh)
                            _add(tar, name, fh, os.fstat(fh.fileno()).st_size)
                    if settings.source and Path(settings.source).is_file():
                        text = Path(settings.source).read_bytes()
                        files["heze.toml"] = hashlib.sha256(text).hexdigest()
                        _add(tar, "heze.toml", io.BytesIO(text), len(text))
                    meta = {"format": FORMAT, "version": project_version(),
                            "created_at": datetime.now().astimezone().isoformat(
                                timespec="seconds"),
                            "data_dir": str(data_dir), "current": current,
                            "snapshots": sorted(opened), "schema_version": schema_version,
                            "users": users, "files": files}
                    payload = json.dumps(meta, ensure_ascii=False, indent=1).encode()
                    _add(tar, "BACKUP.json", io.BytesIO(payload), len(payload))
                    raw.flush()
                    os.fsync(raw.fileno())
                os.replace(partial, out)
            finally:
                partial.unlink(missing_ok=True)
    finally:
        for db, manifest in opened.values():
            db.close()
            manifest.close()
    if pruning:
        prune_backups(out.parent, settings["backup.keep"])
    return BackupResult(out, current, len(opened), schema_version, users, out.stat().st_size)


def prune_backups(directory: Path, keep: int) -> list[Path]:
    """Keep the `keep` newest heze-backup-*.tar.gz in `directory`; returns those removed."""
    found = sorted(directory.glob("heze-backup-*.tar.gz"), key=lambda p: p.name, reverse=True)
    removed = found[keep:]
    for path in removed:
        path.unlink(missing_ok=True)
    return removed


# -- restore -------------------------------------------------------------------------------
@dataclass
class RestoreResult:
    data_dir: Path
    snapshot_id: str | None
    snapshots: int
    schema_version: int
    users: int
    version: str
    created_at: str
    moved_aside: Path | None


def running_servers(data_dir: Path) -> list[int]:
    """Processes serving this data directory: the pid file of `ops start` and the markers
    every dashboard process leaves in snapshots/serving/."""
    pids = set()
    pid_file = data_dir / PID_FILE
    try:
        pid = int(pid_file.read_text().strip())
        if pid_alive(pid):
            pids.add(pid)
    except (FileNotFoundError, ValueError):
        pass
    serving = data_dir / "snapshots" / SERVING
    if serving.is_dir():
        for marker in serving.iterdir():
            if marker.name.isdigit() and pid_alive(int(marker.name)):
                pids.add(int(marker.name))
    return sorted(pids)


def _safe_member(name: str) -> str | None:
    """The path inside heze-backup/ of an archive member, or None when it is not a plain
    relative path under it (absolute, .., links are refused by the caller)."""
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts or path.parts[0] != TOP:
        return None
    rest = PurePosixPath(*path.parts[1:])
    return str(rest) if rest.parts else None


def read_archive(archive: Path, into: Path) -> dict:
    """Unpack a backup into `into` (which must be empty), checking every file's hash;
    returns BACKUP.json."""
    try:
        tar = tarfile.open(archive, "r:*")
    except (OSError, tarfile.TarError) as exc:
        raise BackupError("error.backup.unreadable", archive=archive, exc=exc) from None
    with tar:
        meta = None
        written: dict[str, str] = {}
        for member in tar:
            rel = _safe_member(member.name)
            if member.isdir():
                continue
            if rel is None or not member.isfile():
                raise BackupError("error.backup.bad_entry", name=member.name)
            fh = tar.extractfile(member)
            if rel == "BACKUP.json":
                meta = json.loads(fh.read().decode("utf-8"))
                continue
            target = into / rel
            target.parent.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
            digest = hashlib.sha256()
            fd = os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, FILE_MODE)
            with os.fdopen(fd, "wb") as out:
                for block in iter(lambda: fh.read(1 << 20), b""):  # noqa: B023
                    digest.update(block)
                    out.write(block)
                out.flush()
                os.fsync(out.fileno())
            written[rel] = digest.hexdigest()
    if meta is None or meta.get("format") != FORMAT:
        raise BackupError("error.backup.not_a_backup")
    expected = meta.get("files", {})
    if set(expected) != set(written):
        missing = sorted(set(expected) - set(written))
        raise BackupError("error.backup.incomplete", missing_zh="、".join(missing) or "—",
                          missing_en=", ".join(missing) or "—")
    damaged = [name for name, digest in written.items() if expected[name] != digest]
    if damaged:
        raise BackupError("error.backup.damaged", damaged_zh="、".join(damaged),
                          damaged_en=", ".join(damaged))
    return meta


def restore(archive: Path, data_dir: Path, *, replace: bool = False) -> RestoreResult:
    """Bring a backup back into `data_dir` (created if missing)."""
    archive = Path(archive)
    data_dir = Path(data_dir)
    if not archive.is_file():
        raise BackupError("error.backup.file_missing", archive=archive)
    servers = running_servers(data_dir)
    if servers:
        raise BackupError(
            "error.backup.dashboard_running", servers=", ".join(map(str, servers)))
    existing = [p for p in (data_dir / "app.db", data_dir / "snapshots") if p.exists()]
    if existing and not replace:
        raise BackupError(
            "error.backup.data_dir_not_empty", data_dir=data_dir)
    data_dir.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
    os.chmod(data_dir, DIR_MODE)
    staging = Path(tempfile.mkdtemp(prefix=".restore-", dir=data_dir))
    try:
        meta = read_archive(archive, staging)
        db = staging / "app.db"
        latest = max((m.version for m in appdb.migrations()), default=0)
        con = sqlite3.connect(db)
        try:
            con.row_factory = sqlite3.Row
            if con.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise BackupError("error.backup.appdb_damaged")
            version = max(appdb.applied(con), default=0)
            users = con.execute("SELECT count(*) FROM users WHERE disabled = 0").fetchone()[0] \
                if version else 0
        finally:
            con.close()
        if version > latest:
            raise BackupError(
                "error.backup.newer_release", version=version, latest=latest)
        store = SnapshotStore(staging / "snapshots")
        for snap_id in store.ids():
            try:
                store.verify(snap_id)
            except StoreError as exc:
                raise BackupError("error.backup.snapshot_unusable", detail_zh=exc.zh,
                                  detail_en=exc.en) \
                    from None
        current = store.current_id()
        snapshots = len(store.ids())
        if current is not None and current not in store.ids():
            raise BackupError("error.backup.current_missing", current=current)
        settings_copy = staging / "heze.toml"

        moved_aside = None
        if existing:
            moved_aside = data_dir / f"replaced-{datetime.now():%Y%m%d-%H%M%S}"
            moved_aside.mkdir(mode=DIR_MODE)
            for path in data_dir.iterdir():
                if path.name in ("app.db", "app.db-wal", "app.db-shm", "snapshots"):
                    os.replace(path, moved_aside / path.name)
        if (staging / "snapshots").is_dir():
            os.replace(staging / "snapshots", data_dir / "snapshots")
        os.replace(db, data_dir / "app.db")
        if settings_copy.exists():
            os.replace(settings_copy, data_dir / "restored-heze.toml")
        for folder, _dirs, files in os.walk(data_dir / "snapshots"):
            os.chmod(folder, DIR_MODE)
            for name in files:
                os.chmod(Path(folder) / name, FILE_MODE)
        # Back to WAL, as the dashboard keeps it (the backup holds a plain file).
        con = sqlite3.connect(data_dir / "app.db")
        try:
            con.execute("PRAGMA journal_mode = WAL")
        finally:
            con.close()
        appdb._ensure_file(data_dir / "app.db")
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return RestoreResult(data_dir, current, snapshots, version, users, meta.get("version", "?"), meta.get("created_at", "?"),
                         moved_aside)
