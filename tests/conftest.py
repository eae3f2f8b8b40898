"""Shared fixtures: one freshly built scale-1 snapshot per test session."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from data.generate import DEFAULT_SEED, build_snapshot


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
