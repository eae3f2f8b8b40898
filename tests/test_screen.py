"""The 大屏 headless (AppTest): it runs, reads its URL parameters (bad ones replaced with a
notice), and its timed refreshes — fragment-only runs, as the browser's timers ask for them —
turn the side panels, refresh the headline figures, redraw the page when a new snapshot is
served, and keep the signed-in session open or end the display when the session ends."""

from __future__ import annotations

import re
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import streamlit.testing.v1.local_script_runner as lsr
from streamlit.testing.v1 import AppTest

from bench.screen import FRAGMENTS, fragment_names, write_harness

SCREEN = str(Path(__file__).resolve().parents[1] / "pages" / "screen.py")


@pytest.fixture
def data_dir(tmp_path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def screen(snapshot_file, data_dir, tmp_path, monkeypatch):
    """screen(**params) -> an AppTest on /screen with those URL parameters, run once."""
    monkeypatch.setenv("HEZE_SNAPSHOT", str(snapshot_file))
    monkeypatch.setenv("HEZE_DATA_DIR", str(data_dir))
    monkeypatch.delenv("HEZE_TEST_SIGN_IN", raising=False)
    entry = write_harness(tmp_path)

    def make(before=None, **params) -> AppTest:
        at = AppTest.from_file(str(entry), default_timeout=120)
        for key, value in params.items():
            at.query_params[key] = value
        if before:
            before(at)
        at.run()
        at.switch_page(SCREEN).run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    return make


def tick(at: AppTest, name: str) -> AppTest:
    """One timed refresh of a fragment ("headline", "left panel", "right panel"): a run of
    that fragment alone, as the browser asks for it."""
    fid = fragment_names(at)[name]
    original = lsr.RerunData
    lsr.RerunData = lambda **kw: original(fragment_id_queue=[fid], **kw)
    try:
        at.run()
    finally:
        lsr.RerunData = original
    assert not at.exception, [e.value for e in at.exception]
    return at


def shown_html(at: AppTest) -> str:
    return "\n".join(str(e.proto.body) for e in at.get("html"))


def panel_views(at: AppTest) -> list[str]:
    return re.findall(r'data-view="([a-z]+-\d)"', shown_html(at))


# -- the page and its parameters -----------------------------------------------------------
def test_the_screen_draws_the_headline_figures_the_map_and_two_panels(screen):
    at = screen()
    html = shown_html(at)
    assert "菏泽市返乡创业数据看板" in html and "演示数据" in html
    numbers = dict(re.findall(r'data-key="(\w+)".*?class="scr-num">([^<]+)<', html))
    assert numbers == {"stations": "246", "returnees": "27.6", "entities": "10.4",
                       "jobs": "50.3", "big_projects": "201", "big_investment": "541.58",
                       "big_station_share": "70"}  # the published figures
    assert sorted(panel_views(at)) == ["left-0", "right-0"]
    assert len(at.get("plotly_chart")) == 2
    decks = at.get("deck_gl_json_chart")
    assert len(decks) == 2  # the station map and the South China Sea inset
    assert all("http" not in d.proto.json for d in decks)
    assert set(fragment_names(at)) == set(FRAGMENTS)


@pytest.mark.parametrize("raw, seconds, notice", [
    (None, 30, None),
    ("30", 30, None),
    ("5", 5, None),
    ("3600", 3600, None),
    ("12s", 12, None),
    ("１０", 10, None),              # full-width digits
    ("4", 5, "小于 5 秒"),
    ("0", 5, "小于 5 秒"),
    ("-30", 5, "小于 5 秒"),
    ("3601", 3600, "大于 3600 秒"),
    ("abc", 30, "不是整数秒"),
    ("2.5", 30, "不是整数秒"),
    ("", 30, None),
])
def test_rotate_is_whole_seconds_from_5_to_3600_and_anything_else_says_what_was_used(
        raw, seconds, notice):
    from presentation.screen import parse_seconds

    got = parse_seconds(raw, "rotate", 30)
    assert got.value == seconds
    if notice is None:
        assert got.notice is None
    else:
        key, values = got.notice
        from core.i18n import text
        assert notice in text(f"screen.{key}", "zh", **values)
        assert values["value"] == seconds


def test_a_bad_rotate_in_the_url_is_replaced_and_the_screen_says_so(screen):
    at = screen(rotate="2", refresh="abc")
    html = shown_html(at)
    assert "参数 rotate=2 小于 5 秒，已按 5 秒" in html
    assert "参数 refresh=abc 不是整数秒，已使用默认值 60 秒" in html


def test_the_fragments_rerun_on_the_intervals_the_url_gave(screen):
    at = screen(rotate="7", refresh="11")
    runs = auto_reruns(at)  # the timers the page asks the browser for
    ids = fragment_names(at)
    assert runs[ids["headline"]] == 11
    assert runs[ids["left panel"]] == runs[ids["right panel"]] == 7


def auto_reruns(at: AppTest) -> dict[str, float]:
    """fragment id -> the interval the page asked the browser to rerun it at."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    found = {}
    original = lsr.LocalScriptRunner.forward_msgs

    def capture(self):
        msgs = original(self)
        for msg in msgs:
            if isinstance(msg, ForwardMsg) and msg.WhichOneof("type") == "auto_rerun":
                found[msg.auto_rerun.fragment_id] = msg.auto_rerun.interval
        return msgs

    lsr.LocalScriptRunner.forward_msgs = capture
    try:
        at.run()
    finally:
        lsr.LocalScriptRunner.forward_msgs = original
    return found


# -- the timed refreshes ---------------------------------------------------------------------
def test_each_timed_refresh_of_a_side_panel_turns_it_to_the_next_view_and_draws_nothing_else(
        screen):
    at = screen()
    runs = at.session_state["_harness_runs"]
    seen = []
    for _ in range(4):
        tick(at, "left panel")
        seen += panel_views(at)
        assert not at.get("deck_gl_json_chart"), "a panel refresh must not redraw the map"
        assert len(at.get("plotly_chart")) == 1
    assert seen == ["left-1", "left-2", "left-0", "left-1"]  # no targets: view 3 passed over
    assert at.session_state["_harness_runs"] == runs  # the entry point never ran again
    tick(at, "right panel")
    assert panel_views(at) == ["right-1"]


def test_the_headline_refresh_redraws_the_figures_only(screen):
    at = screen()
    tick(at, "headline")
    html = shown_html(at)
    assert 'class="scr-num">27.6<' in html and "更新于" in html
    assert not at.get("deck_gl_json_chart") and not at.get("plotly_chart")


def test_a_new_snapshot_redraws_the_whole_screen_at_the_next_refresh(screen):
    at = screen()
    at.session_state["_screen_version"] = "an older snapshot"
    tick(at, "headline")
    assert len(at.get("deck_gl_json_chart")) == 2  # the map is drawn again, with new data
    assert at.session_state["_screen_version"] != "an older snapshot"


def test_a_target_shows_its_completion_under_its_figure(screen, data_dir, db):
    from targets import TargetStore

    at = screen()
    assert 'class="scr-bar"' not in shown_html(at)  # no target: no bar, no rate
    TargetStore(data_dir / "app.db").set("returnees", 2020, 60_000, by="admin")
    tick(at, "headline")
    html = shown_html(at)
    done = db.execute("SELECT count(*) FROM returnees WHERE returned_on BETWEEN "
                      "'2020-01-01' AND '2020-08-31'").fetchone()[0]
    rate = f"{done / 60_000 * 100:.1f}".rstrip("0").rstrip(".")
    card = html.split('data-key="returnees"')[1].split('data-key="entities"')[0]
    assert f"{rate}%" in card and 'class="scr-bar"' in card
    assert html.count('class="scr-bar"') == 1  # only the figure with a target


# -- the session -----------------------------------------------------------------------------
@pytest.fixture
def signed_screen(screen, data_dir, monkeypatch):
    """The screen opened by a signed-in leader, through the app's sign-in gate."""
    from access.service import Access
    from tests.access_support import FAST, SETUP, sign_in

    monkeypatch.setenv("HEZE_TEST_SIGN_IN", "1")
    data_dir.mkdir(parents=True, exist_ok=True)
    acc = Access(data_dir / "app.db", hasher=FAST)
    user = acc.add_user("wall", "leader", by=SETUP, password="correct-horse-1")
    at = screen(before=lambda at: sign_in(at, acc, user))
    return at, acc


def last_seen(acc) -> datetime:
    con = sqlite3.connect(acc.db_path)
    try:
        return datetime.fromisoformat(con.execute(
            "SELECT last_seen FROM sessions WHERE ended_at IS NULL").fetchone()[0])
    finally:
        con.close()


def test_a_timed_refresh_keeps_the_kiosk_session_from_idling_out(signed_screen):
    at, acc = signed_screen
    # As if the screen had shown for 29 minutes with no click (idle limit: 30).
    earlier = datetime.now(UTC) - timedelta(minutes=29)
    con = sqlite3.connect(acc.db_path)
    con.execute("UPDATE sessions SET last_seen = ?", (earlier.isoformat(),))
    con.commit()
    con.close()
    tick(at, "left panel")
    assert last_seen(acc) > datetime.now(UTC) - timedelta(minutes=1)
    assert panel_views(at) == ["left-1"]


def test_an_ended_session_ends_the_display_at_the_next_refresh(signed_screen):
    at, acc = signed_screen
    from pages.login_request import STATE

    acc.logout(at.session_state[STATE]["token"])
    tick(at, "headline")
    assert not at.get("deck_gl_json_chart")
    assert "scr-num" not in shown_html(at)
    assert any("请登录" in str(e.value) for e in at.get("subheader") + at.get("title"))


def test_the_screen_speaks_english_when_the_session_does(screen):
    def english(at):
        at.session_state["lang"] = "en"

    at = screen(before=english, rotate="abc")
    html = shown_html(at)
    assert "Heze Return-Home Entrepreneurship Dashboard" in html and "Demo data" in html
    assert 'class="scr-num">276K<' in html and 'class="scr-unit">people<' in html
    assert "rotate=abc is not a whole number of seconds; using the default 30 s" in html
    assert not re.search(r"[\u4e00-\u9fff]", re.sub(r"<style>.*?</style>|<script>.*?</script>",
                                                    "", html, flags=re.S))


def test_the_intervals_hold_for_the_session_when_the_link_is_rewritten(screen):
    at = screen(rotate="7", refresh="11")
    at.query_params.clear()  # as the app does when it writes the filter into the URL
    runs = auto_reruns(at)
    ids = fragment_names(at)
    assert runs[ids["left panel"]] == 7 and runs[ids["headline"]] == 11


def test_a_county_link_narrows_the_figures_and_marks_the_county_in_the_ranking(screen, db):
    import json

    from analytics import Filter
    from pages.shared import FILTER_KEY

    def cao_xian(at):
        at.session_state[FILTER_KEY] = Filter(counties=[371721])

    at = screen(before=cao_xian)
    returnees = db.execute("SELECT count(*) FROM returnees WHERE county_code = 371721"
                           ).fetchone()[0]
    number = re.search(r'data-key="returnees".*?class="scr-num">([^<]+)<', shown_html(at))
    assert number.group(1) == f"{returnees / 10_000:.1f}".rstrip("0").rstrip(".")
    tick(at, "left panel")  # the counties by returnees
    assert panel_views(at) == ["left-1"]
    bar = json.loads(at.get("plotly_chart")[0].proto.spec)["data"][0]
    colours = dict(zip(bar["y"], bar["marker"]["color"], strict=True))
    assert len(colours) == 11 and colours["曹县"] != colours["单县"]
    assert len(set(colours.values())) == 2  # 曹县 marked, the other ten alike


def test_the_clock_script_survives_the_html_sanitizer(screen):
    # DOMPurify drops a <script> whose text holds "<" before a letter, digit, "/" or "!"
    # (it could be markup), and the clock would then never tick.
    at = screen()
    scripts = re.findall(r"<script>(.*?)</script>", shown_html(at), flags=re.S)
    assert len(scripts) == 2  # the clock, and the fit of the canvas to the window
    assert any("setInterval(tick,1000)" in script for script in scripts)
    assert any("__hezeScreenFit=fit" in script for script in scripts)
    assert not any(re.search(r"<[\w/!]", script) for script in scripts)
