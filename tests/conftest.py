"""Shared fixtures: one freshly built scale-1 snapshot per test session ($HEZE_TEST_SNAPSHOT
names a prebuilt one instead), a second one of another seed when a test needs it, and the
browser kit's fixtures."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest

from data.generate import DEFAULT_SEED, build_snapshot
from tests.browser_kit import app_url, browser, page, start_app  # noqa: F401  (fixtures)


@pytest.fixture(scope="session")
def snapshot_file(tmp_path_factory) -> Path:
    prebuilt = os.environ.get("HEZE_TEST_SNAPSHOT")
    if prebuilt:  # `make mutate` builds it once instead of once per mutant; never written to
        return Path(prebuilt)
    path = tmp_path_factory.mktemp("snapshot") / "scale1.duckdb"
    build_snapshot(path, seed=DEFAULT_SEED, scale=1)
    return path


OTHER_SEED = DEFAULT_SEED + 1


@pytest.fixture(scope="session")
def other_seed_file(tmp_path_factory) -> Path:
    """A scale-1 snapshot of OTHER_SEED: the same published figures, other people."""
    path = tmp_path_factory.mktemp("other_seed") / f"seed{OTHER_SEED}.duckdb"
    build_snapshot(path, seed=OTHER_SEED, scale=1)
    return path


@pytest.fixture(scope="session")
def db(snapshot_file) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(snapshot_file), read_only=True)
    yield con
    con.close()


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params=None):
    return con.execute(sql, params or []).fetchone()[0]


@pytest.fixture(autouse=True, scope="session")
def _streamlit_navigation_in_apptest():
    """AppTest re-detects a `pages/` folder on every run and then executes the page file
    on its own (the old multipage mode), skipping app.py's sidebar and navigation. The
    running server decides this once per process, and st.navigation switches it off, so
    here too the entry point is run, as the server does."""
    import runpy

    import streamlit.runtime.scriptrunner.script_runner as runner

    original = runner._mpa_v1
    runner._mpa_v1 = lambda path: runpy.run_path(path, run_name="__main__")
    yield
    runner._mpa_v1 = original


# -- signed-in sessions for page tests --------------------------------------------------------
# Every page is behind the login: page tests run with an application database of their own
# (HEZE_DATA_DIR) holding one user per role, and start each AppTest signed in.
USERS = {"leader": ("leader", ()), "county": ("county", (371721,)),
         "data_admin": ("data_admin", ()), "admin": ("admin", ())}
PASSWORD = "correct-horse-1"


@pytest.fixture(scope="session")
def app_data_dir(tmp_path_factory) -> Path:
    """A data directory whose app.db has a user per role: leader, county (曹县), data_admin,
    admin, each with the password PASSWORD."""
    from tests.access_support import SETUP, make_access

    root = tmp_path_factory.mktemp("appdata")
    acc = make_access(root)
    for name, (role, counties) in USERS.items():
        acc.add_user(name, role, by=SETUP, password=PASSWORD, counties=counties)
    return root / "data"


@pytest.fixture
def signed_in(app_data_dir, snapshot_file, monkeypatch):
    """signed_in(at, role="leader") hands an AppTest a signed-in tab of that role's user;
    the environment points the app at the test snapshot and application database."""
    from access.service import Access
    from tests.access_support import FAST, sign_in

    monkeypatch.setenv("HEZE_SNAPSHOT", str(snapshot_file))
    monkeypatch.setenv("HEZE_DATA_DIR", str(app_data_dir))

    def sign(at, role: str = "leader"):
        acc = Access(app_data_dir / "app.db", hasher=FAST)
        return sign_in(at, acc, acc.get_user(role))

    return sign


# Under mutation testing (mutmut sets MUTANT_UNDER_TEST) each mutant stops at its first failing
# test, so the quick tests go first: those on hand-built data, then those that read the
# scale-1 snapshot, and the tests that load its whole tables last.
_SLOW_MODULES = ("test_independent.py",)


def pytest_collection_modifyitems(items):
    if "MUTANT_UNDER_TEST" not in os.environ:
        return
    items.sort(key=lambda item: (item.path.name in _SLOW_MODULES, "db" in item.fixturenames))
