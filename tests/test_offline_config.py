"""Nothing leaves the machine because of how Streamlit is configured: the settings live in
.streamlit/config.toml, which every way of starting the app reads (the browser tests start
their server without repeating them on the command line, so they test this file too)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

CONFIG = Path(__file__).resolve().parent.parent / ".streamlit" / "config.toml"


@pytest.fixture(scope="module")
def config() -> dict:
    with CONFIG.open("rb") as f:
        return tomllib.load(f)


def test_usage_statistics_are_never_sent(config):
    # Streamlit's default is true: the browser would then fetch a metrics file from the
    # internet on every page load.
    assert config["browser"]["gatherUsageStats"] is False


def test_error_details_are_not_shown_to_users(config):
    # Tracebacks name files and SQL; users see the app's own message instead.
    assert config["client"]["showErrorDetails"] == "none"


def test_the_server_runs_headless_and_does_not_watch_files(config):
    assert config["server"]["headless"] is True
    assert config["server"]["fileWatcherType"] == "none"
