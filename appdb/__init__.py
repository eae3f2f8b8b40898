"""The application database: users, roles, county scopes, sessions, the audit log — and,
later, targets. One SQLite file of its own at ``settings.current().app_db``
(``<data dir>/app.db``), never the snapshot, which is replaced on every import.

Why SQLite in WAL mode and not DuckDB
-------------------------------------
Several Streamlit server processes (behind a proxy) and the command line write to this
database at the same time: every login, logout, session touch, export and reveal is a small
write. DuckDB lets one process open a file for writing; a second process gets a lock error.
SQLite in WAL (write-ahead log) mode lets any number of processes read while one writes,
serialises writers with a lock that others wait for (``busy_timeout``), and keeps each
transaction atomic and durable. The data is small (thousands of users and sessions, an
audit log of a few rows per action), so DuckDB's columnar speed buys nothing here. SQLite
ships with Python: nothing more to install on an offline server.

Versioned migrations
--------------------
``appdb/migrations/NNNN_name.sql`` are applied in order of NNNN when a process first opens
the database. Each runs in one transaction (``BEGIN IMMEDIATE``) together with its row in
``schema_version`` (version, name, checksum, applied_at); if any statement fails — or the
foreign keys no longer hold — the transaction is rolled back and the database is exactly as
it was, and the error names the migration. Several processes starting together are safe:
the version is read again inside the write lock, so each migration runs once.

Rules for a new migration: take the next number, never edit a migration that has been
released (its checksum is recorded; a changed file stops the start with a clear message),
no statements that cannot run in a transaction (``VACUUM``, ``PRAGMA journal_mode``,
``PRAGMA foreign_keys``). To rebuild a table, create the new one, copy, drop, rename —
``PRAGMA foreign_key_check`` runs before every commit.

Files: the database (and SQLite's ``-wal``/``-shm`` files, which copy its mode) are created
owner-only (0600) in an owner-only directory (0700).
"""

from __future__ import annotations

import hashlib
import os
import re
import sqlite3
import stat
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from core.errors import BilingualError

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
FILE_MODE = 0o600
DIR_MODE = 0o700
BUSY_TIMEOUT_MS = 10_000
_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


class AppDbError(BilingualError, RuntimeError):
    """The application database cannot be used; the message says why in both languages."""


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    path: Path

    @property
    def sql(self) -> str:
        return self.path.read_text(encoding="utf-8")

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.path.read_bytes()).hexdigest()


def migrations(directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    """The migration files in order; a badly named file or a repeated number is an error."""
    found: dict[int, Migration] = {}
    for path in sorted(Path(directory).glob("*.sql")):
        match = _NAME.match(path.name)
        if not match:
            raise AppDbError("error.appdb.bad_migration_name", name=path.name)
        version = int(match.group(1))
        if version in found:
            raise AppDbError("error.appdb.migration_number_twice", version=version, name=path.name,
                             name2=found[version].path.name)
        found[version] = Migration(version, match.group(2), path)
    return [found[v] for v in sorted(found)]


def now_text() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


# -- files ---------------------------------------------------------------------------------
def _ensure_file(path: Path) -> None:
    """Create the directory (0700) and an empty database file (0600) if missing; tighten
    the mode of a file that exists with wider permissions."""
    directory = path.parent
    if not directory.exists():
        directory.mkdir(parents=True, mode=DIR_MODE, exist_ok=True)
    try:
        if stat.S_IMODE(directory.stat().st_mode) & 0o077 and directory.stat().st_uid == os.getuid():
            os.chmod(directory, DIR_MODE)
    except OSError:
        pass
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, FILE_MODE)
    except FileExistsError:
        pass
    else:
        os.close(fd)
    for candidate in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        try:
            st = candidate.stat()
        except FileNotFoundError:
            continue
        if stat.S_IMODE(st.st_mode) != FILE_MODE and st.st_uid == os.getuid():
            os.chmod(candidate, FILE_MODE)


# -- connections ---------------------------------------------------------------------------
def connect(path: Path | str, *, migrate_now: bool = True) -> sqlite3.Connection:
    """A connection to the application database at `path`, migrated to the latest version.

    Autocommit mode: write with ``with transaction(con):``. Foreign keys are enforced and a
    writer waits up to ``BUSY_TIMEOUT_MS`` for another process's write lock. Use one
    connection per thread (or open one per operation; it is cheap).
    """
    path = Path(path)
    _ensure_file(path)
    if migrate_now:
        ensure_migrated(path)
    return _open(path)


def _open(path: Path) -> sqlite3.Connection:
    try:
        con = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        con.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        con.execute("PRAGMA foreign_keys = ON")
        mode = _wal(con)
    except sqlite3.DatabaseError as exc:
        raise AppDbError("error.appdb.cannot_open", path=path, exc=exc) from None
    if str(mode).lower() != "wal":
        con.close()
        raise AppDbError("error.appdb.no_wal", path=path)
    con.execute("PRAGMA synchronous = FULL")
    con.row_factory = sqlite3.Row
    return con


def _wal(con: sqlite3.Connection) -> str:
    """Switch to WAL. Several processes opening a new file at once can find it locked while
    another switches: SQLite then answers "locked" at once, without waiting, so wait here."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            return con.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


@contextmanager
def transaction(con: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any error. Taking the write lock at the
    start means a transaction never fails half-way because another process wrote first."""
    con.execute("BEGIN IMMEDIATE")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    else:
        con.execute("COMMIT")


@contextmanager
def session(path: Path | str) -> Iterator[sqlite3.Connection]:
    """A connection for one piece of work, closed afterwards."""
    con = connect(path)
    try:
        yield con
    finally:
        con.close()


# -- migrations ----------------------------------------------------------------------------
_MIGRATED: dict[tuple[str, str, int], int] = {}
_MIGRATE_LOCK = threading.Lock()


def ensure_migrated(path: Path | str, directory: Path = MIGRATIONS_DIR) -> int:
    """Migrate once per process and database file; returns the schema version.

    The key includes the file's inode, so a database restored or replaced under the same
    name is checked again."""
    path = Path(path)
    key = (str(path.resolve()), str(Path(directory).resolve()), path.stat().st_ino)
    with _MIGRATE_LOCK:
        if key not in _MIGRATED:
            _MIGRATED[key] = migrate(path, directory)
        return _MIGRATED[key]


def _split(script: str) -> list[str]:
    """The statements of a script, split where SQLite itself says a statement is complete
    (so a trigger body's semicolons stay inside it)."""
    statements: list[str] = []
    current = ""
    for piece in script.split(";"):
        current += piece + ";"
        if sqlite3.complete_statement(current):
            if not _only_comments(current):
                statements.append(current.strip())
            current = ""
    if not _only_comments(current):
        raise AppDbError("error.appdb.migration_incomplete")
    return statements


def _only_comments(text: str) -> bool:
    lines = [line.strip() for line in text.splitlines()]
    return all(not line or line.startswith("--") or line == ";" for line in lines)


def applied(con: sqlite3.Connection) -> dict[int, sqlite3.Row]:
    has_table = con.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"
    ).fetchone()
    if not has_table:
        return {}
    return {row["version"]: row for row in con.execute(
        "SELECT version, name, checksum, applied_at FROM schema_version ORDER BY version")}


def current_version(path: Path | str) -> int:
    con = _open(Path(path))
    try:
        done = applied(con)
    finally:
        con.close()
    return max(done, default=0)


def migrate(path: Path | str, directory: Path = MIGRATIONS_DIR) -> int:
    """Apply every migration in `directory` not yet applied to the database at `path`.

    Returns the version reached. Raises AppDbError when a migration fails (the database is
    left as it was before that migration), when the database is newer than this code, when
    a released migration was edited, or when the file is not an application database.
    """
    path = Path(path)
    _ensure_file(path)
    wanted = migrations(directory)
    con = _open(path)
    try:
        _check_is_ours(con, path)
        for migration in wanted:
            con.execute("BEGIN IMMEDIATE")
            try:
                done = applied(con)
                _check_history(done, wanted, path)
                if migration.version in done:
                    con.execute("ROLLBACK")
                    continue
                if not done:
                    con.execute(
                        "CREATE TABLE IF NOT EXISTS schema_version ("
                        " version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
                        " checksum TEXT NOT NULL, applied_at TEXT NOT NULL)")
                for statement in _split(migration.sql):
                    con.execute(statement)
                broken = con.execute("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise sqlite3.IntegrityError(
                        f"foreign keys broken in {sorted({row[0] for row in broken})}")
                con.execute(
                    "INSERT INTO schema_version (version, name, checksum, applied_at) "
                    "VALUES (?, ?, ?, ?)",
                    (migration.version, migration.name, migration.checksum, now_text()))
            except AppDbError:
                con.execute("ROLLBACK")
                raise
            except sqlite3.Error as exc:
                if con.in_transaction:
                    con.execute("ROLLBACK")
                raise AppDbError(
                    "error.appdb.migration_failed", name=migration.path.name, exc=exc) from exc
            except BaseException:
                if con.in_transaction:
                    con.execute("ROLLBACK")
                raise
            con.execute("COMMIT")
        done = applied(con)
        _check_history(done, wanted, path)
        return max(done, default=0)
    finally:
        con.close()


def _check_is_ours(con: sqlite3.Connection, path: Path) -> None:
    try:
        tables = {row[0] for row in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as exc:
        raise AppDbError("error.appdb.not_a_database", path=path, exc=exc) from None
    if tables and "schema_version" not in tables:
        raise AppDbError("error.appdb.not_ours", path=path)


def _check_history(done: dict[int, sqlite3.Row], wanted: list[Migration], path: Path) -> None:
    known = {m.version: m for m in wanted}
    newer = [v for v in done if v not in known]
    if newer and max(newer) > max(known, default=0):
        raise AppDbError(
            "error.appdb.newer_version", path=path, done=max(done), known=max(known, default=0))
    for version, row in done.items():
        migration = known.get(version)
        if migration is not None and migration.checksum != row["checksum"]:
            raise AppDbError(
                "error.appdb.migration_changed", name=migration.path.name)
