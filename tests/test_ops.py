"""Running the dashboard as a service: the settings file and its documentation, status and
health for monitoring, backup and restore, upgrading the application database from the first
released layout, and the systemd unit.

The slow end-to-end proof (the offline bundle installed in a namespace with no network) is
tests/test_bundle.py."""

from __future__ import annotations

import functools
import io
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tarfile
import threading
import tomllib
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

import appdb
from access import Access, Actor
from access.service import LoginFailed
from core.settings import KEYS, PROJECT_DIR, SettingsError, keys_markdown, load, template
from data.store import Manifest, SnapshotStore
from ops import backup as bk
from ops import bundle, cli, serve, status
from tests.access_support import FAST, settings_for

SETUP = Actor("cli:test")
PASSWORD = "correct-horse-1"
# The application database as first released (layout v1): migration 0001 with this hash.
# A released migration is never edited; a new one takes the next number.
LAYOUT_V1 = "0001_access.sql"
LAYOUT_V1_SHA256 = "68ac17152619b4de1f1acd09bfd8a7a33e3d6eb281827b1983ba72a7911e6a05"


# -- building blocks ---------------------------------------------------------------------
def tiny_snapshot(store: SnapshotStore, snap_id: str, source: str = "imported",
                  as_of: str = "2026-04-30") -> None:
    """A finished snapshot file holding only its metadata row: enough to be verified,
    served, backed up and restored."""
    def fill(con):
        con.execute("INSERT INTO snapshot VALUES (?, ?, ?, ?, NULL, 1)",
                    [snap_id, datetime(2026, 5, 1, 8), date.fromisoformat(as_of), source])
    store.build(snap_id, fill, Manifest(snapshot_id=snap_id, as_of=as_of, source=source,
                                        built_at="2026-05-01T08:00:00", mode="replace"))


@pytest.fixture(scope="module")
def two_snapshots(tmp_path_factory) -> Path:
    """A snapshot store with two imports, the second served (built once, copied per test)."""
    store = SnapshotStore(tmp_path_factory.mktemp("store") / "snapshots")
    tiny_snapshot(store, "imported-1")
    store.promote("imported-1", by="zhang")
    tiny_snapshot(store, "imported-2", as_of="2026-05-31")
    store.promote("imported-2", by="wang")
    return store.root


@pytest.fixture
def site(tmp_path, monkeypatch, two_snapshots):
    """A data directory as a server has it: settings file, two snapshots (the second
    served), users with passwords, one open session."""
    data = tmp_path / "data"
    settings = settings_for(data, server={"port": _free_port()})
    monkeypatch.setenv("HEZE_CONFIG", str(settings.source))
    monkeypatch.delenv("HEZE_DATA_DIR", raising=False)
    monkeypatch.delenv("HEZE_SNAPSHOT", raising=False)
    data.mkdir(mode=0o700)
    shutil.copytree(two_snapshots, settings.snapshots_dir)
    store = SnapshotStore(settings.snapshots_dir)
    acc = Access(settings.app_db, settings=settings, hasher=FAST)
    acc.add_user("admin", "admin", by=SETUP, password=PASSWORD)
    acc.add_user("caoxian", "county", by=SETUP, password="caoxian-pass-2", counties=["曹县"])
    acc.authenticate("caoxian", "caoxian-pass-2")
    return settings, store, acc


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_cli(capsys, *argv) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def dump(path: Path) -> list[str]:
    con = sqlite3.connect(path)
    try:
        return list(con.iterdump())
    finally:
        con.close()


def modes(root: Path) -> dict[str, int]:
    return {str(p.relative_to(root)): p.stat().st_mode & 0o777 for p in [root, *root.rglob("*")]}


# -- settings ------------------------------------------------------------------------------
@pytest.mark.parametrize("doc", ["docs/deploy.md", "docs/管理员手册.md"])
def test_the_documents_list_every_setting_with_the_table_the_keys_make(doc):
    text = (PROJECT_DIR / doc).read_text(encoding="utf-8")
    table = keys_markdown()
    assert table in text, (f"{doc}: the settings table differs from `python -m core.settings "
                           "--keys --markdown`; paste its output there")
    for key in KEYS:
        assert f"`{key.dotted}`" in table and key.help_zh and key.help_en


def test_the_settings_template_reads_back_as_the_defaults_with_what_the_installer_set(tmp_path):
    path = tmp_path / "heze.toml"
    path.write_text(template({"data.dir": "/srv/heze data", "server.port": 8600}),
                    encoding="utf-8")
    settings = load(path)
    assert settings["data.dir"] == "/srv/heze data" and settings["server.port"] == 8600
    for key in KEYS:
        if key.dotted not in ("data.dir", "server.port"):
            assert settings[key.dotted] == key.default, key.dotted
    # every key is in the file, commented with its help in both languages
    text = path.read_text(encoding="utf-8")
    for key in KEYS:
        assert f"{key.name} = " in text and key.help_zh in text and key.help_en in text


@pytest.mark.parametrize(("section", "line", "named"), [
    ("server", "port = 0", "server.port"),
    ("server", 'port = "8501"', "server.port"),
    ("server", 'base_path = "/fan xiang/"', "server.base_path"),
    ("data", "keep_snapshots = 0", "data.keep_snapshots"),
    ("session", "idle_minutes = 0", "session.idle_minutes"),
    ("backup", "keep = -1", "backup.keep"),
    ("server", "prot = 8501", "server.prot"),
])
def test_a_wrong_setting_stops_the_start_naming_the_key(tmp_path, monkeypatch, capsys, section,
                                                        line, named):
    path = tmp_path / "heze.toml"
    path.write_text(f"[{section}]\n{line}\n", encoding="utf-8")
    monkeypatch.setenv("HEZE_CONFIG", str(path))
    with pytest.raises(SettingsError):
        load(path)
    assert serve.main([]) == serve.SETTINGS_FAILED
    err = capsys.readouterr().err
    assert named in err and "设置" in err and "setting" in err


# -- status and health ---------------------------------------------------------------------
def test_status_says_which_snapshot_is_served_since_when_and_how_many_sessions_are_open(
        site, capsys):
    settings, store, acc = site
    second = acc.authenticate("admin", PASSWORD)
    acc.logout(second.token)                      # ended: not open
    acc.authenticate("admin", PASSWORD)           # open
    code, out, _ = run_cli(capsys, "status", "--no-http")
    assert code == 0
    promoted = [h for h in store.history() if h["id"] == "imported-2"][-1]
    assert "imported-2" in out and "导入数据 imported" in out and "2026-05-31" in out
    assert datetime.fromisoformat(promoted["at"]).strftime("%Y-%m-%d %H:%M:%S") in out
    assert "（wang）" in out
    st = status.collect(settings, check_http=False)
    assert (st.open_sessions, st.users, st.admins, st.snapshots_kept) == (2, 2, 1, 2)
    assert st.version == bundle.version() and st.data_dir == str(settings.data_dir)


def test_status_counts_sessions_by_the_same_rule_as_the_access_service(site):
    settings, _store, acc = site
    # one session idle past session.idle_minutes (30): open for neither
    con = sqlite3.connect(settings.app_db)
    stale = (datetime.now(UTC) - timedelta(minutes=31)).isoformat(timespec="microseconds")
    with con:
        con.execute("UPDATE sessions SET last_seen = ?", (stale,))
    con.close()
    acc.authenticate("admin", PASSWORD)
    with status.read_app_db(settings.app_db) as con:
        counted = status.open_sessions(con, settings)
    assert counted == acc.open_sessions() == 1


def test_health_is_ok_then_critical_when_the_served_snapshot_cannot_be_read(site, capsys):
    settings, store, _acc = site
    code, out, _ = run_cli(capsys, "status", "--health", "--no-http")
    assert code == status.OK and out.startswith("HEZE OK - snapshot imported-2"), out
    path = store.path("imported-2")
    path.write_bytes(b"not a database" * 100)
    code, out, _ = run_cli(capsys, "status", "--health", "--no-http")
    assert code == status.CRITICAL and "HEZE CRITICAL" in out and "快照" in out, out


def test_health_is_critical_without_the_application_database_and_writes_nothing(site, capsys):
    settings, _store, _acc = site
    for suffix in ("", "-wal", "-shm"):
        Path(f"{settings.app_db}{suffix}").unlink(missing_ok=True)
    code, out, _ = run_cli(capsys, "status", "--health", "--no-http")
    assert code == status.CRITICAL and "应用数据库" in out, out
    assert not settings.app_db.exists()  # a status check never creates the database


def test_health_is_critical_when_the_dashboard_does_not_answer_on_its_port(site, capsys):
    code, out, _ = run_cli(capsys, "status", "--health")
    assert code == status.CRITICAL and "does not answer" in out, out


def test_health_is_unknown_when_the_settings_file_is_wrong(tmp_path, monkeypatch, capsys):
    path = tmp_path / "heze.toml"
    path.write_text("[server]\nport = 70000\n", encoding="utf-8")
    monkeypatch.setenv("HEZE_CONFIG", str(path))
    code, out, _ = run_cli(capsys, "status", "--health")
    assert code == status.UNKNOWN and "server.port" in out


def test_health_warns_when_other_users_can_read_the_data_directory(site, capsys):
    settings, _store, _acc = site
    os.chmod(settings.data_dir, 0o755)
    code, out, _ = run_cli(capsys, "status", "--health", "--no-http")
    assert code == status.WARNING and "700" in out, out


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to hand the directory to another user")
def test_root_is_refused_on_a_data_directory_that_belongs_to_the_service_user(site, capsys):
    settings, _store, _acc = site
    os.chown(settings.data_dir, 65534, 65534)
    code, _out, err = run_cli(capsys, "backup")
    assert code == cli.FAILED and "sudo -u" in err
    assert not (settings.data_dir / bk.BACKUPS).exists()


# -- backup and restore --------------------------------------------------------------------
def test_a_backup_taken_while_users_write_restores_to_the_same_users_and_snapshot(
        site, tmp_path, capsys, monkeypatch):
    settings, store, acc = site
    stop = threading.Event()
    written = []

    def busy():  # the running service: audit entries committed all along
        worker = Access(settings.app_db, settings=settings, hasher=FAST)
        while not stop.is_set():
            written.append(worker.record("export", SETUP, what="overview"))

    thread = threading.Thread(target=busy)
    thread.start()
    try:
        code, out, err = run_cli(capsys, "backup", "--out", str(tmp_path / "b.tar.gz"))
    finally:
        stop.set()
        thread.join()
    assert code == 0, err
    assert "imported-2" in out and written
    archive = tmp_path / "b.tar.gz"
    assert archive.stat().st_mode & 0o777 == 0o600

    # a new machine: nothing there
    shutil.rmtree(settings.data_dir)
    code, out, err = run_cli(capsys, "restore", str(archive))
    assert code == 0, err
    assert SnapshotStore(settings.snapshots_dir).current_id() == "imported-2"
    assert {m.snapshot_id for m in SnapshotStore(settings.snapshots_dir).list()} == \
        {"imported-1", "imported-2"}
    restored = Access(settings.app_db, settings=settings)
    assert restored.authenticate("admin", PASSWORD).user.role == "admin"
    assert restored.get_user("caoxian").county_names() == ["曹县"]
    with pytest.raises(LoginFailed):
        restored.authenticate("admin", "not-the-password")
    # one committed state: the audit log holds a prefix of what was written, no torn rows
    ids = [e.id for e in restored.audit_entries(SETUP, action="export", limit=None)]
    assert ids == sorted(ids, reverse=True) and set(ids) <= set(written)
    # the served snapshot resolves through the restored store
    from data.snapshot import served
    assert served().token == "store:imported-2"
    # owner-only, as the service leaves them
    for name, mode in modes(settings.data_dir).items():
        path = settings.data_dir / name
        if name.startswith(".") or "backups" in name:
            continue
        assert mode == (0o700 if path.is_dir() else 0o600), (name, oct(mode))


def test_a_backup_without_out_goes_to_the_data_directory_and_keeps_the_newest(site, capsys,
                                                                              monkeypatch):
    settings, _store, _acc = site
    folder = settings.data_dir / bk.BACKUPS
    folder.mkdir(mode=0o700)
    for day in range(1, 13):  # older backups beyond backup.keep (10)
        (folder / f"heze-backup-202601{day:02d}-000000.tar.gz").write_bytes(b"old")
    code, out, err = run_cli(capsys, "backup")
    assert code == 0, err
    kept = sorted(p.name for p in folder.glob("heze-backup-*.tar.gz"))
    assert len(kept) == settings["backup.keep"] == 10
    assert kept[0] == "heze-backup-20260104-000000.tar.gz"   # the three oldest went
    assert any(name.startswith(f"heze-backup-{datetime.now():%Y}") for name in kept)


def test_restore_does_not_overwrite_data_unless_told_and_then_keeps_it_aside(site, tmp_path,
                                                                             capsys):
    settings, store, acc = site
    archive = tmp_path / "b.tar.gz"
    assert run_cli(capsys, "backup", "--out", str(archive))[0] == 0
    acc.add_user("later", "leader", by=SETUP, password="later-pass-3")
    before = dump(settings.app_db)
    code, _out, err = run_cli(capsys, "restore", str(archive))
    assert code == cli.FAILED and "--replace" in err
    assert dump(settings.app_db) == before
    code, out, err = run_cli(capsys, "restore", str(archive), "--replace")
    assert code == 0, err
    aside = next(settings.data_dir.glob("replaced-*"))
    assert (aside / "app.db").exists() and (aside / "snapshots" / "CURRENT").exists()
    assert Access(settings.app_db, settings=settings).get_user("later") is None
    assert Access(aside / "app.db", settings=settings).get_user("later") is not None


def test_restore_refuses_a_damaged_backup_and_changes_nothing(site, tmp_path, capsys):
    settings, _store, _acc = site
    archive = tmp_path / "b.tar.gz"
    assert run_cli(capsys, "backup", "--out", str(archive))[0] == 0
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(archive) as src, tarfile.open(damaged, "w:gz") as dst:
        for member in src:
            data = src.extractfile(member).read()
            if member.name.endswith("imported-1.duckdb"):
                data = data[:-10] + b"0123456789"
            member.size = len(data)
            dst.addfile(member, io.BytesIO(data))
    target = tmp_path / "new-machine"
    code, _out, err = run_cli(capsys, "restore", str(damaged), "--data", str(target))
    assert code == cli.FAILED and "imported-1.duckdb" in err and "校验" in err
    assert [p.name for p in target.iterdir()] == []


def test_restore_refuses_a_backup_of_a_newer_release(site, tmp_path, capsys):
    settings, _store, _acc = site
    con = sqlite3.connect(settings.app_db)
    with con:
        con.execute("INSERT INTO schema_version VALUES (99, 'future', 'x', '2030-01-01')")
    con.close()
    archive = tmp_path / "b.tar.gz"
    assert run_cli(capsys, "backup", "--out", str(archive))[0] == 0
    code, _out, err = run_cli(capsys, "restore", str(archive), "--data", str(tmp_path / "n"))
    assert code == cli.FAILED and "99" in err and "newer release" in err


def test_restore_refuses_an_archive_that_would_write_outside_the_data_directory(site, tmp_path,
                                                                               capsys):
    evil = tmp_path / "evil.tar.gz"
    with tarfile.open(evil, "w:gz") as tar:
        info = tarfile.TarInfo("heze-backup/../../escaped")
        info.size = 1
        tar.addfile(info, io.BytesIO(b"x"))
    code, _out, err = run_cli(capsys, "restore", str(evil), "--data", str(tmp_path / "n"))
    assert code == cli.FAILED and "not allowed" in err
    assert not (tmp_path / "escaped").exists()


def test_restore_refuses_while_a_dashboard_process_serves_the_directory(site, tmp_path, capsys):
    settings, store, _acc = site
    archive = tmp_path / "b.tar.gz"
    assert run_cli(capsys, "backup", "--out", str(archive))[0] == 0
    store.mark_serving(["imported-2"])  # this test process plays the running server
    code, _out, err = run_cli(capsys, "restore", str(archive), "--replace")
    assert code == cli.FAILED and str(os.getpid()) in err and "stop" in err


# -- upgrading the application database ----------------------------------------------------
def only(names: list[str], directory: Path) -> Path:
    directory.mkdir()
    for name in names:
        shutil.copy(appdb.MIGRATIONS_DIR / name, directory / name)
    return directory


@pytest.fixture
def layout_v1(tmp_path, monkeypatch):
    """An application database as the first release left it: migration 0001 only, with users,
    a county scope, sessions and audit entries written by plain SQL as that release did."""
    data = tmp_path / "data"
    settings = settings_for(data)
    monkeypatch.setenv("HEZE_CONFIG", str(settings.source))
    monkeypatch.delenv("HEZE_DATA_DIR", raising=False)
    v1 = only([LAYOUT_V1], tmp_path / "v1-migrations")
    assert appdb.migrate(settings.app_db, v1) == 1
    hashed = FAST.hash(PASSWORD)
    now = datetime(2026, 5, 8, 9, tzinfo=UTC).isoformat(timespec="microseconds")
    later = datetime(2099, 1, 1, tzinfo=UTC).isoformat(timespec="microseconds")
    con = sqlite3.connect(settings.app_db)
    with con:
        con.execute("INSERT INTO users (id, name, display_name, role, password_hash, "
                    "created_at, updated_at) VALUES (1, 'admin', '系统管理员', 'admin', ?, ?, ?)",
                    (hashed, now, now))
        con.execute("INSERT INTO users (id, name, display_name, role, password_hash, "
                    "created_at, updated_at) VALUES (2, 'caoxian', '张三', 'county', ?, ?, ?)",
                    (hashed, now, now))
        con.execute("INSERT INTO user_counties VALUES (2, 371721)")
        con.execute("INSERT INTO sessions VALUES ('abc', 2, 'password', '10.0.0.5', ?, ?, ?, "
                    "NULL, NULL)", (now, now, later))
        con.executemany("INSERT INTO audit_log (at, user_name, role, client, action, details) "
                        "VALUES (?, ?, ?, ?, ?, ?)",
                        [(now, "caoxian", "county", "10.0.0.5", "login", '{"mode": "password"}'),
                         (now, "caoxian", "county", "10.0.0.5", "export",
                          '{"what": "overview", "fmt": "xlsx"}')])
    con.close()
    return settings


def test_layout_v1_is_the_released_first_migration_unchanged():
    # a v1 database records this hash; an edited 0001 would make every upgrade refuse
    first = appdb.migrations()[0]
    assert first.path.name == LAYOUT_V1 and first.checksum == LAYOUT_V1_SHA256


def test_upgrading_from_layout_v1_keeps_users_scopes_sessions_and_the_audit_log(layout_v1,
                                                                               capsys):
    settings = layout_v1
    code, out, err = run_cli(capsys, "migrate")
    latest = appdb.migrations()[-1].version
    assert code == 0, err
    assert (f"升级到 {latest}" in out) if latest > 1 else ("已是最新版本 1" in out)
    assert appdb.current_version(settings.app_db) == latest
    acc = Access(settings.app_db, settings=settings)
    assert acc.authenticate("admin", PASSWORD).user.role == "admin"
    county = acc.get_user("caoxian")
    assert county.county_scope == (371721,) and county.display_name == "张三"
    actions = [e.action for e in acc.audit_entries(SETUP, user="caoxian", limit=None)]
    assert sorted(actions) == ["export", "login"]
    con = sqlite3.connect(settings.app_db)
    assert con.execute("SELECT client FROM sessions WHERE token_hash = 'abc'").fetchone() == \
        ("10.0.0.5",)
    con.close()


def test_a_failed_migration_stops_migrate_and_the_start_with_a_message_and_leaves_the_database(
        layout_v1, tmp_path, monkeypatch, capsys):
    settings = layout_v1
    appdb.migrate(settings.app_db)  # the current release first: only the next one fails
    broken = only([m.path.name for m in appdb.migrations()], tmp_path / "next-release")
    (broken / "0099_targets.sql").write_text(
        "CREATE TABLE targets (county_code INTEGER, value REAL);\n"
        "INSERT INTO targets SELECT county_code, 1 FROM no_such_table;\n", encoding="utf-8")
    monkeypatch.setattr(appdb, "migrate", functools.partial(appdb.migrate, directory=broken))
    listed = appdb.migrations
    monkeypatch.setattr(appdb, "migrations", lambda directory=broken: listed(directory))
    before = dump(settings.app_db)

    code, _out, err = run_cli(capsys, "migrate")
    assert code == cli.FAILED
    assert "0099_targets.sql" in err and "数据库保持原样" in err and "unchanged" in err
    assert dump(settings.app_db) == before

    assert serve.main([]) == serve.APP_DB_FAILED
    err = capsys.readouterr().err
    assert "0099_targets.sql" in err and "未启动" in err
    assert dump(settings.app_db) == before


# -- the service and the bundle's contents -------------------------------------------------
def render_unit(tmp_path: Path, user: str = "heze") -> Path:
    prefix = tmp_path / "opt"
    release = prefix / "releases" / "r"
    release.mkdir(parents=True)
    (release / "venv").symlink_to(Path(os.sys.prefix))
    (prefix / "current").symlink_to("releases/r")
    values = {"@PREFIX@": str(prefix), "@CONFIG@": str(tmp_path / "heze.toml"),
              "@DATA@": str(tmp_path / "data"), "@USER@": user, "@GROUP@": user}
    text = (PROJECT_DIR / "deploy" / "systemd" / "heze-dashboard.service.in").read_text(
        encoding="utf-8")
    for key, value in values.items():
        text = text.replace(key, value)
    unit = tmp_path / "heze-dashboard.service"
    unit.write_text(text, encoding="utf-8")
    return unit


def unit_values(unit: Path) -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    for line in unit.read_text(encoding="utf-8").splitlines():
        if "=" in line and not line.startswith("#"):
            key, _, value = line.partition("=")
            values.setdefault(key.strip(), []).append(value.strip())
    return values


def test_the_systemd_unit_restarts_on_failure_as_its_own_user_and_logs_to_the_journal(
        tmp_path):
    unit = render_unit(tmp_path)
    v = unit_values(unit)
    assert v["User"] == ["heze"] and v["Restart"] == ["on-failure"]
    assert v["WantedBy"] == ["multi-user.target"] and "network-online.target" in v["After"][0]
    assert v["StandardOutput"] == ["journal"] and v["StandardError"] == ["journal"]
    assert v["UMask"] == ["0077"] and v["ReadWritePaths"] == [str(tmp_path / "data")]
    assert v["ExecStart"][0].endswith("/current/venv/bin/python -m ops.serve")
    # the exit codes ops.serve uses for what a restart cannot fix
    assert set(v["RestartPreventExitStatus"][0].split()) == {
        str(serve.SETTINGS_FAILED), str(serve.APP_DB_FAILED), str(serve.SERVER_CHECKS_FAILED)}
    if shutil.which("systemd-analyze"):
        check = subprocess.run(["systemd-analyze", "verify", str(unit)], capture_output=True,
                               text=True)
        assert check.returncode == 0 and not check.stderr.strip(), check.stderr


def test_the_lock_pins_every_runtime_requirement_with_a_hash_and_no_development_tool(tmp_path):
    assert bundle.lock_problems() == []
    locked = bundle.read_pins(bundle.LOCK)
    assert not {"pytest", "playwright", "ruff"} & set(locked)
    assert all(pin.hashes for pin in locked.values())
    # a requirement changed without `make lock` is caught
    changed = tmp_path / "requirements.txt"
    changed.write_text(bundle.REQUIREMENTS.read_text(encoding="utf-8").replace(
        "streamlit==", "streamlit==0.0.1  # ") + "ruff==0.17.5\n", encoding="utf-8")
    problems = bundle.lock_problems(changed, bundle.LOCK)
    assert any("streamlit" in p for p in problems) and any("ruff" in p for p in problems)


def test_the_bundle_carries_the_application_and_the_installer_but_no_tests():
    files = bundle.app_files()
    assert not [f for f in files if f.startswith(("tests/", "bench/", ".ci/"))]
    for needed in ("app.py", "deploy/install.sh", "deploy/heze-dashboard.in",
                   "deploy/systemd/heze-dashboard.service.in", "appdb/migrations/0001_access.sql",
                   "data/schema.sql", "requirements.txt", ".streamlit/config.toml",
                   "static/icon.png", "pyproject.toml"):
        assert needed in files, needed
    assert "data/geo/heze_counties.geojson" in files and "data/geo/china_provinces.geojson" in files
    assert tomllib.loads((PROJECT_DIR / "pyproject.toml").read_text())["project"]["version"] \
        == bundle.version()


# -- the installer's checks, before it touches anything ------------------------------------
@pytest.fixture
def fake_bundle(tmp_path):
    """An unpacked bundle's skeleton: the installer, VERSION, an empty lock and wheels/."""
    root = tmp_path / "heze-dashboard-9.9.9"
    (root / "wheels").mkdir(parents=True)
    shutil.copy(PROJECT_DIR / "deploy" / "install.sh", root / "install.sh")
    (root / "requirements.lock").write_text("# nothing\n", encoding="utf-8")

    def make(glibc: str = "2.28") -> Path:
        (root / "VERSION").write_text(
            f"version=9.9.9\nbundle_id=test\nplatform=linux x86_64, glibc {glibc}+\n")
        sums = subprocess.run(["sha256sum", "install.sh", "requirements.lock"], cwd=root,
                              capture_output=True, text=True, check=True).stdout
        (root / "SHA256SUMS").write_text(sums)
        return root
    return make


def install(bundle: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", str(bundle / "install.sh"), "--no-service",
                           "--prefix", str(bundle.parent / "opt"), *args],
                          capture_output=True, text=True, timeout=120)


def test_the_installer_lists_what_the_machine_lacks_in_both_languages_and_changes_nothing(
        fake_bundle, tmp_path):
    bundle = fake_bundle(glibc="99.1")
    (bundle / "requirements.lock").write_text("tampered\n")   # a damaged copy
    result = install(bundle, "--python", sys.executable)
    assert result.returncode == 1
    assert "本机还不能安装" in result.stderr and "not ready" in result.stderr
    assert "SHA256SUMS" in result.stderr and "damaged" in result.stderr
    assert "glibc 99.1" in result.stderr
    assert not (tmp_path / "opt").exists()

    result = install(fake_bundle(), "--python", "/bin/false")
    assert result.returncode == 1 and "需要 Python 3.11" in result.stderr \
        and "needs Python 3.11" in result.stderr


@pytest.mark.parametrize(("args", "said"), [
    (["--port", "0"], "1–65535"),
    (["--port", "http"], "1–65535"),
    (["--data", "relative/dir"], "--data"),
    (["--restore", "/no/such/backup.tar.gz"], "backup file not found"),
    (["--colour", "red"], "unknown option: --colour"),
])
def test_the_installer_refuses_a_wrong_option_with_a_message(fake_bundle, tmp_path, args, said):
    result = install(fake_bundle(), *args)
    assert result.returncode == 1 and said in result.stderr, result.stderr
    assert not (tmp_path / "opt").exists()


def test_the_installer_refuses_to_run_outside_an_unpacked_bundle(tmp_path):
    result = subprocess.run(["bash", str(PROJECT_DIR / "deploy" / "install.sh"), "--no-service",
                             "--prefix", str(tmp_path / "opt")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and "unpacked bundle" in result.stderr


# -- nothing leaves the server ---------------------------------------------------------------
class ConnectionTrap:
    """A local listener standing in for every proxy: each connection made to it is a request
    that would have left the machine."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.sock.settimeout(0.2)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.seen: list[bytes] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(1)
                try:
                    self.seen.append(conn.recv(200))
                except OSError:
                    self.seen.append(b"")

    def close(self):
        self.stop.set()
        self.thread.join(timeout=2)
        self.sock.close()


def test_the_started_server_sends_no_request_off_the_machine_and_prints_its_own_url(site):
    import urllib.request

    settings, _store, _acc = site
    trap = ConnectionTrap()
    env = {**os.environ, "HTTP_PROXY": trap.url, "HTTPS_PROXY": trap.url,
           "http_proxy": trap.url, "https_proxy": trap.url, "NO_PROXY": "", "no_proxy": ""}
    log = settings.data_dir.parent / "serve.log"
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "ops.serve"], cwd=PROJECT_DIR, env=env,
                                stdout=out, stderr=subprocess.STDOUT)
    port = settings["server.port"]
    try:
        deadline = datetime.now() + timedelta(seconds=90)
        while True:
            try:
                with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(
                        f"http://127.0.0.1:{port}/_stcore/health", timeout=2):
                    break
            except OSError:
                assert proc.poll() is None and datetime.now() < deadline, log.read_text()
                threading.Event().wait(0.3)
        # Streamlit asks for the public address just after it starts listening: give the
        # request it would make (1 s time-out, then the https one) time to happen.
        threading.Event().wait(3)
    finally:
        proc.terminate()
        proc.wait(timeout=15)
        trap.close()
    said = log.read_text(encoding="utf-8", errors="replace")
    assert trap.seen == [], f"requests that would leave the machine: {trap.seen}\n{said}"
    assert f"看板地址 / dashboard URL: http://localhost:{port}/" in said


# -- the app's page carries the server's base URL (ops.pagebase) --------------------------
def _served_through_pagebase(base_path: str, body: bytes, content_type: bytes,
                             method: str = "GET") -> tuple[dict, bytes]:
    import asyncio

    from ops.pagebase import PageBase

    async def app(scope, receive, send):
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", content_type), (b"etag", b'"file"'),
                                (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body[:10], "more_body": True})
        await send({"type": "http.response.body", "body": body[10:]})

    sent = []

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": method, "path": "/map"}
    asyncio.run(PageBase(app, base_path=base_path)(scope, None, send))
    start = sent[0]
    return dict(start["headers"]), b"".join(m.get("body", b"") for m in sent[1:])


PAGE = b'<head><script>x</script><script type="module" src="./static/js/index.js"></script>'


@pytest.mark.parametrize("base_path, expected", [("", b'+ "/"'), ("/heze/", b'+ "/heze"')])
def test_the_app_page_tells_the_browser_the_server_base_url(base_path, expected):
    headers, body = _served_through_pagebase(base_path, PAGE, b"text/html; charset=utf-8")
    line = body[:body.index(b'<script type="module"')]
    assert line.startswith(b"<head><script>x</script><script>window.__streamlit")
    assert b"BACKEND_BASE_URL: window.location.origin " + expected in line
    assert body.endswith(PAGE[len(b"<head><script>x</script>"):])
    assert headers[b"content-length"] == str(len(body)).encode()
    assert b"etag" not in headers  # the file's validator no longer describes the page


def test_anything_but_the_app_page_passes_untouched():
    for content_type, body in ((b"application/javascript", PAGE),
                               (b"text/html", b"<html>a component</html>" * 3)):
        headers, sent = _served_through_pagebase("", body, content_type)
        assert sent == body and headers[b"etag"] == b'"file"'
    headers, sent = _served_through_pagebase("", PAGE, b"text/html", method="POST")
    assert sent == PAGE and headers[b"etag"] == b'"file"'
