"""Shared fixtures: one freshly built scale-1 snapshot per test session."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from data.generate import DEFAULT_SEED, build_snapshot
from tests.browser_kit import app_url, browser, page, start_app  # noqa: F401  (fixtures)


@pytest.fixture(scope="session")
def snapshot_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("snapshot") / "scale1.duckdb"
    build_snapshot(path, seed=DEFAULT_SEED, scale=1)
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
