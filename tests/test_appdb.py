"""The application database: created owner-only, migrated in order from nothing or from the
previous release, a failed migration leaves it exactly as it was, and several processes can
start on it at once."""

from __future__ import annotations

import multiprocessing
import shutil
import sqlite3
import stat
from pathlib import Path

import pytest

import appdb
from appdb import AppDbError

RELEASED = appdb.MIGRATIONS_DIR / "0001_access.sql"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def dump(path: Path) -> list[str]:
    """Everything in the database, schema and rows, as SQL text."""
    con = sqlite3.connect(path)
    try:
        return list(con.iterdump())
    finally:
        con.close()


def versions(path: Path) -> list[int]:
    con = sqlite3.connect(path)
    try:
        return [r[0] for r in con.execute("SELECT version FROM schema_version ORDER BY 1")]
    finally:
        con.close()


def migrations_dir(tmp_path: Path, *extra: tuple[str, str]) -> Path:
    """A migrations folder with the first release (0001) plus `extra` (name, sql): the
    story of an upgrade, told with migrations of the test's own."""
    folder = tmp_path / "migrations"
    folder.mkdir(exist_ok=True)
    shutil.copy(RELEASED, folder / RELEASED.name)
    for name, sql in extra:
        (folder / name).write_text(sql, encoding="utf-8")
    return folder


def test_a_new_database_is_created_owner_only_in_an_owner_only_directory(tmp_path):
    path = tmp_path / "data" / "app.db"
    con = appdb.connect(path)
    con.execute("INSERT INTO audit_log (at, action) VALUES ('2026-01-01', 'login')")
    assert mode(path.parent) == 0o700
    assert mode(path) == 0o600
    for side in ("app.db-wal", "app.db-shm"):  # SQLite gives them the database's mode
        assert mode(path.parent / side) == 0o600
    con.close()


def test_a_database_file_with_wider_permissions_is_tightened_on_open(tmp_path):
    path = tmp_path / "app.db"
    appdb.connect(path).close()
    path.chmod(0o644)
    appdb.connect(path).close()
    assert mode(path) == 0o600


def test_connections_use_wal_foreign_keys_and_wait_for_a_writer(tmp_path):
    con = appdb.connect(tmp_path / "app.db")
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert con.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert con.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
    with pytest.raises(sqlite3.IntegrityError):
        con.execute("INSERT INTO sessions (token_hash, user_id, mode, created_at, last_seen, "
                    "expires_at) VALUES ('x', 999, 'password', 'a', 'a', 'a')")
    con.close()


def test_migrating_from_no_file_and_from_an_empty_file_reaches_the_latest_version(tmp_path):
    latest = appdb.migrations()[-1].version
    missing = tmp_path / "a" / "app.db"
    empty = tmp_path / "b" / "app.db"
    empty.parent.mkdir()
    empty.write_bytes(b"")
    for path in (missing, empty):
        assert appdb.migrate(path) == latest
        assert versions(path) == [m.version for m in appdb.migrations()]
    assert appdb.migrate(missing) == latest  # a second start changes nothing
    assert versions(missing) == [m.version for m in appdb.migrations()]


def test_upgrading_the_previous_release_applies_only_the_new_migration_and_keeps_the_data(
        tmp_path):
    path = tmp_path / "app.db"
    appdb.migrate(path, migrations_dir(tmp_path))  # the released layout, with a user and an audit entry in it
    con = appdb.connect(path, migrate_now=False)
    con.execute("INSERT INTO users (name, role, created_at, updated_at) "
                "VALUES ('zhang', 'leader', 't', 't')")
    con.execute("INSERT INTO audit_log (at, user_name, action) VALUES ('t', 'zhang', 'login')")
    con.close()
    newer = migrations_dir(tmp_path, ("0002_targets.sql", """
        CREATE TABLE targets (year INTEGER NOT NULL, indicator TEXT NOT NULL,
                              county_code INTEGER, value REAL NOT NULL);
        ALTER TABLE users ADD COLUMN phone_ext TEXT;
    """))
    assert appdb.migrate(path, newer) == 2
    assert versions(path) == [1, 2]
    con = appdb.connect(path, migrate_now=False)
    assert [tuple(r) for r in con.execute("SELECT name, phone_ext FROM users")] == [("zhang", None)]
    assert con.execute("SELECT count(*) FROM audit_log").fetchone()[0] == 1
    assert con.execute("SELECT count(*) FROM targets").fetchone()[0] == 0
    con.close()


def test_a_failed_migration_leaves_the_database_exactly_as_it_was(tmp_path):
    path = tmp_path / "app.db"
    appdb.migrate(path, migrations_dir(tmp_path))
    con = appdb.connect(path, migrate_now=False)
    con.execute("INSERT INTO users (name, role, created_at, updated_at) "
                "VALUES ('zhang', 'leader', 't', 't')")
    con.close()
    before = dump(path)
    broken = migrations_dir(tmp_path, ("0002_half.sql", """
        CREATE TABLE targets (year INTEGER);
        UPDATE users SET display_name = 'changed';
        INSERT INTO no_such_table VALUES (1);
    """))
    with pytest.raises(AppDbError) as info:
        appdb.migrate(path, broken)
    assert "0002_half.sql" in str(info.value) and "unchanged" in str(info.value)
    assert dump(path) == before
    assert versions(path) == [1]


def test_a_migration_that_breaks_a_foreign_key_is_rolled_back(tmp_path):
    path = tmp_path / "app.db"
    appdb.migrate(path, migrations_dir(tmp_path))
    before = dump(path)
    broken = migrations_dir(tmp_path, ("0002_orphans.sql", """
        PRAGMA defer_foreign_keys = ON;
        INSERT INTO user_counties (user_id, county_code) VALUES (42, 371721);
    """))
    with pytest.raises(AppDbError):
        appdb.migrate(path, broken)
    assert dump(path) == before


def test_a_failed_second_migration_keeps_the_first_one_of_the_same_start(tmp_path):
    path = tmp_path / "app.db"
    folder = migrations_dir(tmp_path, ("0002_good.sql", "CREATE TABLE a (x INTEGER);"),
                            ("0003_bad.sql", "CREATE TABLE b (x INTEGER); SELECT nope();"))
    with pytest.raises(AppDbError, match="0003_bad.sql"):
        appdb.migrate(path, folder)
    assert versions(path) == [1, 2]
    con = sqlite3.connect(path)
    assert con.execute("SELECT count(*) FROM sqlite_master WHERE name = 'b'").fetchone()[0] == 0
    con.close()


def test_a_database_newer_than_the_program_is_refused(tmp_path):
    path = tmp_path / "app.db"
    appdb.migrate(path, migrations_dir(tmp_path, ("0002_next.sql", "CREATE TABLE n (x);")))
    older = tmp_path / "older"
    older.mkdir()
    shutil.copy(RELEASED, older / RELEASED.name)
    with pytest.raises(AppDbError, match="newer than this program"):
        appdb.migrate(path, older)


def test_editing_a_migration_after_it_was_applied_is_refused(tmp_path):
    path = tmp_path / "app.db"
    folder = migrations_dir(tmp_path)
    appdb.migrate(path, folder)
    edited = folder / RELEASED.name
    edited.write_text(edited.read_text(encoding="utf-8") + "\n-- a late edit\n",
                      encoding="utf-8")
    with pytest.raises(AppDbError, match="changed after it was applied"):
        appdb.migrate(path, folder)


def test_another_sqlite_file_is_not_taken_over(tmp_path):
    path = tmp_path / "other.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE something (x)")
    con.commit()
    con.close()
    before = dump(path)
    with pytest.raises(AppDbError, match="not this dashboard's application database"):
        appdb.migrate(path)
    assert dump(path) == before


def test_a_file_that_is_not_a_database_gives_a_clear_error(tmp_path):
    path = tmp_path / "app.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(AppDbError, match="application database"):
        appdb.migrate(path)


def test_badly_named_or_repeated_migrations_are_refused(tmp_path):
    folder = tmp_path / "m"
    folder.mkdir()
    (folder / "0001_a.sql").write_text("SELECT 1;")
    (folder / "0001_b.sql").write_text("SELECT 1;")
    with pytest.raises(AppDbError, match="used twice"):
        appdb.migrations(folder)
    (folder / "0001_b.sql").unlink()
    (folder / "2-bad.sql").write_text("SELECT 1;")
    with pytest.raises(AppDbError, match="NNNN_name.sql"):
        appdb.migrations(folder)


def test_statements_are_split_where_sqlite_says_they_end():
    script = """
        -- a comment; with a semicolon
        CREATE TABLE t (x TEXT DEFAULT 'a;b');
        CREATE TRIGGER tr BEFORE DELETE ON t BEGIN SELECT RAISE(ABORT, 'no; never'); END;
        INSERT INTO t VALUES ('c'); -- trailing
    """
    parts = appdb._split(script)
    assert len(parts) == 3
    assert parts[1].startswith("CREATE TRIGGER") and parts[1].endswith("END;")


def _start(path: str, barrier) -> int:
    barrier.wait(timeout=60)
    con = appdb.connect(path)
    con.execute("INSERT INTO audit_log (at, action) VALUES ('t', 'start')")
    con.close()
    return appdb.current_version(path)


def test_several_processes_starting_on_a_new_database_migrate_it_once(tmp_path):
    path = tmp_path / "data" / "app.db"
    ctx = multiprocessing.get_context("fork")
    workers = 4
    barrier = ctx.Manager().Barrier(workers)
    with ctx.Pool(workers) as pool:
        reached = pool.starmap_async(_start, [(str(path), barrier)] * workers).get(timeout=120)
    latest = appdb.migrations()[-1].version
    assert reached == [latest] * workers
    assert versions(path) == [m.version for m in appdb.migrations()]
    con = sqlite3.connect(path)
    assert con.execute("SELECT count(*) FROM audit_log").fetchone()[0] == workers
    con.close()


def test_an_application_database_error_crosses_a_process_boundary_with_both_messages():
    import pickle

    err = pickle.loads(pickle.dumps(appdb.AppDbError("无法打开", "cannot open")))
    assert (err.zh, err.en, str(err)) == ("无法打开", "cannot open", "无法打开 / cannot open")
