"""The browser kit's own rules, without a browser: in CI a missing Chromium fails the run,
and the traffic guard tells this machine from any other."""

from __future__ import annotations

import pytest

from tests import browser_kit


def test_a_missing_chromium_skips_on_a_developers_machine(monkeypatch, tmp_path):
    monkeypatch.setattr(browser_kit, "CHROMIUM", tmp_path / "no-chromium")
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="not installed"):
        browser_kit.require_chromium()


@pytest.mark.parametrize("ci", ["1", "true"])
def test_a_missing_chromium_fails_in_ci_instead_of_skipping(monkeypatch, tmp_path, ci):
    monkeypatch.setattr(browser_kit, "CHROMIUM", tmp_path / "no-chromium")
    monkeypatch.setenv("CI", ci)
    with pytest.raises(pytest.fail.Exception, match="CI must run the browser tests"):
        browser_kit.require_chromium()


def test_an_installed_chromium_neither_skips_nor_fails_in_ci(monkeypatch, tmp_path):
    fake = tmp_path / "chromium"
    fake.write_text("")
    monkeypatch.setattr(browser_kit, "CHROMIUM", fake)
    monkeypatch.setenv("CI", "1")
    assert browser_kit.require_chromium() is None


class _Recorder:
    """Stands in for a browser context: keeps the handlers the guard installs."""

    def __init__(self):
        self.pages = []
        self.routes = []
        self.socket_routes = []
        self.handlers = {}

    def on(self, event, handler):
        self.handlers[event] = handler

    def route(self, match, handler):
        self.routes.append(match)

    def route_web_socket(self, match, handler):
        self.socket_routes.append(match)


LOCAL = ["http://127.0.0.1:8501/overview", "http://localhost:8501/_stcore/health",
         "http://127.0.0.1/static/x.js", "data:image/png;base64,AAAA", "blob:http://127.0.0.1/x"]
FOREIGN = ["https://data.streamlit.io/metrics.json", "http://127.0.0.1.example.com/x",
           "https://localhost.evil.test/", "http://10.0.0.1:8501/", "https://fonts.example/x"]


def test_the_guard_routes_every_foreign_url_and_no_local_one():
    ctx = _Recorder()
    browser_kit.Traffic(ctx)
    (match,) = ctx.routes
    assert [u for u in LOCAL if match(u)] == []
    assert [u for u in FOREIGN if not match(u)] == []
    (socket_match,) = ctx.socket_routes
    assert not socket_match("ws://127.0.0.1:8501/_stcore/stream")
    assert socket_match("wss://telemetry.example/socket")
    assert socket_match("ws://127.0.0.1.example.com/")


def test_the_guard_reports_foreign_urls_once_each():
    ctx = _Recorder()
    traffic = browser_kit.Traffic(ctx)
    traffic.urls += LOCAL + FOREIGN + FOREIGN[:1]
    assert traffic.foreign() == FOREIGN
