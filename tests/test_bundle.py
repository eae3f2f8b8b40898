"""The offline bundle, end to end, on a machine with no network: build the archive, unpack it
and run its install.sh inside a network namespace that has only loopback; then the health
endpoint answers on port 8501, a real Chromium in the same namespace signs in with the
password the installer printed and sees the published figures on the overview; an upgrade
whose migration fails leaves the old version serving; an upgrade to a newer bundle keeps
the data and the users; a backup restored by the installer on a wiped machine serves the
same snapshot to the same users.

Needs root (for ``unshare -n`` and ``nsenter``) and Python 3.11; the first run downloads the
wheels into build/wheels/ (later runs reuse them). About two minutes on a quiet machine
(four when it is busy), most of it creating the Python environment from the wheels and
building the demo snapshot.

Run by hand: ``python -m pytest tests/test_bundle.py -m slow``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TARGET_PYTHON = next((p for p in ("/usr/bin/python3.11", shutil.which("python3.11")) if p
                      and Path(p).exists()), None)
PORT = 8501
FIGURES = ("27.6万", "10.4万", "541.58亿")
PASSWORD_LINE = re.compile(r"密码 / password:\s+(\S+)")

pytestmark = pytest.mark.slow


def _skip_reason() -> str | None:
    if os.geteuid() != 0:
        return "needs root for a network namespace (unshare -n)"
    for tool in ("unshare", "nsenter", "ip", "tar", "sha256sum"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed"
    if TARGET_PYTHON is None:
        return "Python 3.11 (python3.11) is not installed"
    return None


if _skip_reason():
    pytest.skip(_skip_reason(), allow_module_level=True)


# -- a network namespace with loopback only ------------------------------------------------
class Namespace:
    """A process holding a new network namespace (only `lo`, brought up); `run` executes
    a command inside it."""

    def __init__(self) -> None:
        self.holder = subprocess.Popen(
            ["unshare", "--net", "sh", "-c", "ip link set lo up && exec sleep 3600"])
        deadline = time.monotonic() + 10
        while True:
            probe = self.run(["ip", "-o", "link", "show", "lo"], check=False, timeout=5)
            if "UP" in probe.stdout.split("link/")[0]:
                break
            if time.monotonic() > deadline:
                raise RuntimeError(f"loopback did not come up: {probe.stdout} {probe.stderr}")
            time.sleep(0.1)

    def run(self, cmd, *, check: bool = True, timeout: float = 600, env=None, cwd=None,
            stdin: str | None = None) -> subprocess.CompletedProcess:
        result = subprocess.run(["nsenter", "-t", str(self.holder.pid), "-n", "--", *map(str, cmd)],
                                capture_output=True, text=True, timeout=timeout, env=env,
                                cwd=cwd, input=stdin)
        if check and result.returncode != 0:
            raise AssertionError(f"{cmd} exited {result.returncode}\n--- stdout\n"
                                 f"{result.stdout[-6000:]}\n--- stderr\n{result.stderr[-6000:]}")
        return result

    def close(self) -> None:
        self.holder.kill()
        self.holder.wait(timeout=10)


class Site:
    """The machine after install: where things are, what the installer said."""

    def __init__(self, tmp: Path, ns: Namespace, bundle: Path, unpacked: Path):
        self.tmp, self.ns, self.bundle, self.unpacked = tmp, ns, bundle, unpacked
        self.prefix = tmp / "opt" / "heze-dashboard"
        self.data = tmp / "var" / "heze-dashboard"
        self.output = ""
        self.password = ""

    def install(self, bundle_dir: Path, *extra: str, check: bool = True):
        return self.ns.run([bundle_dir / "install.sh", "--prefix", self.prefix,
                            "--no-service", "--python", TARGET_PYTHON, *extra],
                           check=check, timeout=900)

    def cmd(self, *args: str, check: bool = True):
        return self.ns.run([self.prefix / "bin" / "heze-dashboard", *args], check=check)

    def installed_python(self, code: str, *args: str, stdin: str | None = None):
        """Python of the installed release, with its settings: what the service sees."""
        env = {"PATH": "/usr/bin:/bin", "HEZE_CONFIG": str(self.prefix / "etc" / "heze.toml"),
               "PYTHONPATH": str(self.prefix / "current")}
        return self.ns.run([self.prefix / "current" / "venv" / "bin" / "python", "-P", "-c",
                            code, *args], env=env, stdin=stdin)

    def can_sign_in(self, user: str, password: str) -> bool:
        code = ("import sys\nfrom access import Access\nfrom access.service import LoginFailed\n"
                "try:\n    Access().authenticate(sys.argv[1], sys.stdin.readline().strip())\n"
                "except LoginFailed:\n    print('refused')\nelse:\n    print('signed in')")
        return self.installed_python(code, user, stdin=password + "\n").stdout.strip() \
            == "signed in"

    def served_snapshot(self) -> str:
        return (self.data / "snapshots" / "CURRENT").read_text().strip()

    def health(self):
        return self.cmd("status", "--health", check=False)


def variant(site: Site, name: str, version: str, migration: tuple[str, str] | None) -> Path:
    """A copy of the unpacked bundle as a later release would be: another version and bundle
    id, optionally one more migration (listed in SHA256SUMS, as `make bundle` would)."""
    target = site.tmp / name
    shutil.copytree(site.unpacked, target, symlinks=True)
    text = (target / "VERSION").read_text()
    text = re.sub(r"(?m)^version=.*$", f"version={version}", text)
    text = re.sub(r"(?m)^bundle_id=.*$", f"bundle_id={name}", text)
    (target / "VERSION").write_text(text)
    if migration:
        file_name, sql = migration
        path = target / "appdb" / "migrations" / file_name
        path.write_text(sql, encoding="utf-8")
        digest = subprocess.run(["sha256sum", f"appdb/migrations/{file_name}"], cwd=target,
                                capture_output=True, text=True, check=True).stdout
        with open(target / "SHA256SUMS", "a") as sums:
            sums.write(digest)
    return target


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from ops.bundle import BundleError, build

    tmp = tmp_path_factory.mktemp("bundle")
    try:
        archive = build(out_dir=tmp / "dist")
    except BundleError as exc:
        if "pip download failed" in str(exc):  # no index and no cached wheels: not a bug here
            pytest.skip(f"the wheels are not in build/wheels and cannot be downloaded: {exc}")
        raise
    unpacked_root = tmp / "unpacked"
    unpacked_root.mkdir()
    subprocess.run(["tar", "-xzf", archive, "-C", unpacked_root], check=True)
    (unpacked,) = list(unpacked_root.iterdir())
    ns = Namespace()
    s = Site(tmp, ns, archive, unpacked)
    try:
        result = s.install(unpacked, "--data", s.data)
        s.output = result.stdout + result.stderr
        found = PASSWORD_LINE.findall(s.output)
        assert len(found) == 1, s.output
        s.password = found[0]
        yield s
    finally:
        if (s.prefix / "bin" / "heze-dashboard").exists():
            s.cmd("stop", check=False)
        ns.close()


# -- the tests, in the order a site lives them ---------------------------------------------
def test_the_bundle_is_one_archive_of_the_application_the_wheels_and_the_installer(site):
    with tarfile.open(site.bundle) as tar:
        names = tar.getnames()
        install = tar.getmember(f"{site.unpacked.name}/install.sh")
    top = {n.split("/")[0] for n in names}
    assert top == {site.unpacked.name} and site.unpacked.name.startswith("heze-dashboard-")
    assert install.mode & 0o111
    inner = [n.split("/", 1)[1] for n in names if "/" in n]
    assert not [n for n in inner if n.startswith(("tests/", "bench/", ".ci/"))]
    wheels = [n for n in inner if n.startswith("wheels/")]
    locked = [line for line in (site.unpacked / "requirements.lock").read_text().splitlines()
              if "==" in line]
    assert len(wheels) == len(locked) and all(w.endswith(".whl") for w in wheels)
    assert not [w for w in wheels if re.search(r"/(pytest|playwright|ruff)-", w)]
    size = site.bundle.stat().st_size
    assert 20 * 2**20 < size < 400 * 2**20, size


def test_the_namespace_has_no_network_and_the_install_still_completes(site):
    probe = site.ns.run([TARGET_PYTHON, "-c", "import socket; socket.create_connection("
                         "('151.101.0.223', 443), timeout=5)"], check=False)
    assert probe.returncode != 0 and "unreachable" in probe.stderr.lower(), probe.stderr
    assert "安装完成 / installed" in site.output
    assert "installing the bundled wheels (no network)" in site.output


def test_the_health_endpoint_and_the_health_check_answer_on_the_default_port(site):
    answer = site.ns.run([TARGET_PYTHON, "-c", "import urllib.request; print(urllib.request."
                          f"urlopen('http://127.0.0.1:{PORT}/_stcore/health', timeout=10)"
                          ".read().decode())"])
    assert answer.stdout.strip() == "ok"
    health = site.health()
    assert health.returncode == 0 and health.stdout.startswith("HEZE OK"), health.stdout
    status = site.cmd("status", "--json")
    data = json.loads(status.stdout)
    assert data["answers"] is True and data["snapshot_id"] == site.served_snapshot()
    assert data["snapshot_source"] == "synthetic" and data["admins"] == 1


def test_the_data_directory_is_the_service_users_alone(site):
    assert site.data.stat().st_mode & 0o777 == 0o700
    for path in [site.data / "app.db", *(site.data / "snapshots").glob("*.duckdb")]:
        assert path.stat().st_mode & 0o777 == 0o600, path
    assert (site.prefix / "etc" / "heze.toml").stat().st_mode & 0o777 == 0o600
    assert not str(site.data).startswith(str(site.prefix))


def test_the_overview_shows_the_published_figures_to_the_administrator_signed_in(site):
    assert site.can_sign_in("admin", site.password)
    assert not site.can_sign_in("admin", site.password + "x")
    shot = ROOT / "build" / "screenshots" / "bundle-overview.png"
    shot.parent.mkdir(parents=True, exist_ok=True)
    result = site.ns.run([sys.executable, "-m", "tests.test_bundle", "browse",
                          f"http://127.0.0.1:{PORT}/", "admin", shot],
                         cwd=ROOT, stdin=site.password + "\n", timeout=300)
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["signed_in"], "the dashboard showed no login form"
    assert not [f for f in FIGURES if f in seen["before"]], "figures shown before login"
    assert not seen["foreign"], seen["foreign"]
    for figure in FIGURES:
        assert figure in seen["text"], (figure, seen["text"][:2000])
    assert not seen["errors"], seen["errors"]


BROKEN = ("0099_broken_for_test.sql",
          "CREATE TABLE upgrade_probe (n INTEGER);\n"
          "INSERT INTO upgrade_probe SELECT count(*) FROM no_such_table;\n")
PROBE = ("0099_upgrade_probe.sql",
         "CREATE TABLE upgrade_probe (n INTEGER);\n"
         "INSERT INTO upgrade_probe SELECT count(*) FROM users;\n")


def tables(db: Path) -> set[str]:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    finally:
        con.close()


def test_an_upgrade_whose_migration_fails_stops_and_leaves_the_old_version_serving(site):
    before_release = (site.prefix / "current").resolve()
    snapshot = site.served_snapshot()
    broken = variant(site, "broken-0.1.1", "0.1.1", BROKEN)
    result = site.install(broken, check=False)
    said = result.stdout + result.stderr
    assert result.returncode != 0
    assert "0099_broken_for_test.sql" in said and "升级未完成" in said, said[-3000:]
    assert (site.prefix / "current").resolve() == before_release
    assert "upgrade_probe" not in tables(site.data / "app.db")
    assert site.health().returncode == 0
    assert site.served_snapshot() == snapshot and site.can_sign_in("admin", site.password)
    assert list((site.data / "backups").glob("heze-backup-*-before-0.1.1.tar.gz"))


def test_an_upgrade_to_a_newer_bundle_migrates_and_keeps_the_data_and_users(site):
    old_release = (site.prefix / "current").resolve()
    snapshot = site.served_snapshot()
    newer = variant(site, "probe-0.1.2", "0.1.2", PROBE)
    result = site.install(newer)
    said = result.stdout + result.stderr
    assert "首次启动" not in said and PASSWORD_LINE.search(said) is None
    assert "Python 环境已存在" in said       # same lock: the environment is shared
    current = (site.prefix / "current").resolve()
    assert current.name == "0.1.2-probe-0.1.2" and old_release.exists()
    con = sqlite3.connect(f"file:{site.data / 'app.db'}?mode=ro", uri=True)
    assert con.execute("SELECT n FROM upgrade_probe").fetchone() == (1,)
    assert con.execute("SELECT max(version) FROM schema_version").fetchone()[0] == 99
    con.close()
    assert site.served_snapshot() == snapshot and site.can_sign_in("admin", site.password)
    assert site.health().returncode == 0
    assert len(list((site.prefix / "venvs").iterdir())) == 1


def test_a_backup_restored_by_the_installer_on_a_wiped_machine_serves_the_same_snapshot(site):
    snapshot = site.served_snapshot()
    archive = site.tmp / "site-backup.tar.gz"
    made = site.cmd("backup", "--out", str(archive))
    assert "已备份" in made.stdout and archive.exists()
    site.cmd("stop")
    shutil.rmtree(site.data)
    newer = site.tmp / "probe-0.1.2"
    result = site.install(newer, "--restore", archive)
    said = result.stdout + result.stderr
    assert "已恢复到" in said and "生成演示数据快照" not in said
    assert PASSWORD_LINE.search(said) is None          # the restored administrator is used
    assert site.served_snapshot() == snapshot
    assert site.can_sign_in("admin", site.password)
    # the same bundle again keeps the release before it, to go back to
    kept = sorted(p.name for p in (site.prefix / "releases").iterdir())
    assert len(kept) == 2 and "0.1.2-probe-0.1.2" in kept, kept
    health = site.health()
    assert health.returncode == 0 and snapshot in health.stdout


# -- the browser check, run inside the namespace -------------------------------------------
def browse(url: str, user: str, password: str, shot: str) -> dict:
    """Open the dashboard in Chromium, sign in if asked, and report what the overview shows."""
    from playwright.sync_api import sync_playwright

    from tests.browser_kit import (
        CHROMIUM,
        CHROMIUM_ARGS,
        new_watched_page,
        open_page,
        wait_idle,
    )

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = new_watched_page(browser)  # anything not of this machine is refused and noted
        traffic = page.traffic
        open_page(page, url)
        login = page.get_by_label("用户名")
        before = page.inner_text("body")
        signed_in = False
        if login.count():
            login.fill(user)
            page.get_by_label("密码").fill(password)
            page.get_by_role("button", name="登录").click()
            login.wait_for(state="detached", timeout=90_000)
            page.wait_for_selector('[data-testid="stPlotlyChart"]', timeout=90_000)
            wait_idle(page)
            signed_in = True
        page.screenshot(path=shot, full_page=True)
        errors = [e.inner_text()[:500] for e in
                  page.locator('[data-testid="stException"], '
                               '[data-testid="stAlertContentError"]').all()]
        text = page.inner_text("body")
        browser.close()
    return {"before": before, "text": text, "signed_in": signed_in, "errors": errors,
            "foreign": traffic.foreign()}


if __name__ == "__main__" and sys.argv[1:2] == ["browse"]:
    _url, _user, _shot = sys.argv[2:5]
    print(json.dumps(browse(_url, _user, sys.stdin.readline().strip(), _shot),
                     ensure_ascii=False))
