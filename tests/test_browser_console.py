"""A page of the dashboard, started as the service starts it (``python -m ops.serve``), leaves
the browser's console clean: no failed request, no error, no warning of a chart drawn from
nothing. One server for the module."""

from __future__ import annotations

import os

import pytest

from tests.browser_kit import (
    APP_DATA,
    _free_port,
    make_users,
    open_page,
    require_chromium,
    server_process,
)

require_chromium()
pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def served(snapshot_file, tmp_path_factory):
    """`python -m ops.serve` on the session's scale-1 snapshot, a user per role."""
    port = _free_port()
    tmp = tmp_path_factory.mktemp("served")
    data_dir = tmp / "data"
    data_dir.mkdir()
    make_users(data_dir)
    (tmp / "none.toml").write_text("", encoding="utf-8")
    env = dict(os.environ, HEZE_SNAPSHOT=str(snapshot_file), HEZE_DATA_DIR=str(data_dir),
               HEZE_CONFIG=str(tmp / "none.toml"))
    url = f"http://127.0.0.1:{port}"
    APP_DATA[url] = data_dir
    try:
        with server_process(["-m", "ops.serve", "--server.port", str(port),
                             "--server.address", "127.0.0.1"], env, tmp / "server.log",
                            f"{url}/_stcore/health", fail=pytest.fail):
            yield url
    finally:
        APP_DATA.pop(url, None)


def _watch(page) -> tuple[list, list]:
    failed, console = [], []
    page.on("response", lambda r: failed.append((r.status, r.url)) if r.status >= 400
            else None)
    page.on("console", lambda m: console.append((m.type, m.text)))
    return failed, console


def test_a_page_opened_at_its_own_url_finds_the_server_without_a_404(page, served):
    # Opened at /map, Streamlit's page looked for the server at /map/_stcore/health and
    # /map/_stcore/host-config first: two 404s and two console errors on every page.
    failed, console = _watch(page)
    for slug in ("projects", "counties"):
        open_page(page, f"{served}/{slug}")
    assert not failed, failed
    errors = [text for kind, text in console if kind == "error"]
    assert not errors, errors[:4]


def test_the_overview_cards_draw_their_sparklines_without_a_chart_warning(page, served):
    # Streamlit's own sparkline warned twice per card ("Infinite extent for field x/y",
    # fourteen on the overview), whatever its numbers.
    _failed, console = _watch(page)
    open_page(page, f"{served}/overview")
    warnings = [text for kind, text in console if kind in ("warning", "error")]
    assert not [w for w in warnings if "Infinite extent" in w], warnings[:4]
    lines = page.locator(".heze-spark")  # and every card still has its sparkline
    assert lines.count() == 7
    assert all(lines.nth(i).locator("polyline").count() == 1 for i in range(7))
