"""大屏 — the wall display of the command centre, for a 1920×1080 screen left running.

Open it by URL, e.g. ``/screen?rotate=30&refresh=60``:

* ``rotate`` — seconds each view stays before the side panels turn to the next (default
  30); ``refresh`` — seconds between refreshes of the headline figures (default 60). Both
  whole seconds from 5 to 3600; a value outside is clamped and a bad one replaced by the
  default, with a notice on the screen saying which.

What it shows: the app's name, the data's as-of date and the time (a clock ticking in the
browser); the headline figures large, each with its change over a year and, where a target
is set, its 完成率; the national station map in the centre (pydeck, offline, the whole
territory with the South China Sea islands); rankings on the left and trends on the right,
each panel turning through its views.

How it stays up for hours without a reload: the page is drawn once; after that only
fragments rerun (``st.fragment(run_every=...)``) — the headline strip every ``refresh``
seconds and each side panel every ``rotate`` seconds — so the map is never redrawn and
nothing flickers. Each fragment run reads the data through the per-snapshot cache, so a new
snapshot shows at the next refresh (the headline fragment then redraws the whole page once,
map included). Every fragment run also checks the signed-in session, which keeps it from
idling out and ends the display when the session is ended or the user disabled.

Readable across a room (at 1920×1080, CSS px): headline values 64 px or more, labels and
captions 24 px or more, chart text (ticks, bar labels, map labels) 18 px or more. The
browser test measures them.
"""

from __future__ import annotations

import html
import json
import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import pandas as pd
import plotly.graph_objects as go
import pydeck as pdk
import streamlit as st
from pydeck.bindings.json_tools import default_serialize

from analytics import compare, palette
from core.formatting import (
    format_change,
    format_rate,
    format_values,
    headline_value,
    pixel_scale,
    scale_for,
)
from data import geography as geo
from model import indicators as reg
from pages import shared, targets_ui
from targets import progress
from targets.text import percent, status_hex, status_label, status_text

ROTATE_DEFAULT = 30
REFRESH_DEFAULT = 60
SECONDS_MIN, SECONDS_MAX = 5, 3600
CHINA_TIME = timezone(timedelta(hours=8))  # Beijing time, no daylight saving

# Sizes at 1920×1080 (CSS px). The browser test checks the rendered sizes.
VALUE_PX = 68        # a headline value's number
UNIT_PX = 32         # its unit (万人, 亿元)
LABEL_PX = 26        # headline labels, panel titles' small print, captions
TITLE_PX = 40        # the app's name
PANEL_TITLE_PX = 30
CLOCK_PX = 34
CHART_PX = 20        # chart ticks and bar labels
CHART_MIN_PX = 18    # plotly hides a bar label that would be smaller
MAP_LABEL_PX = 18
PANEL_HEIGHT = 640   # a side panel's chart
MAP_HEIGHT = 594     # the map itself
MAP_WIDTH = 800      # the centre column at 1920 wide, for fitting China into view
INSET_WIDTH, INSET_HEIGHT = 150, 210  # the South China Sea islands (南海诸岛), lower right
MAINLAND = (73.4, 17.6, 135.2, 53.6)  # west, south, east, north of the main view
SOUTH_SEA = (106.5, 3.0, 123.5, 24.0)  # the inset: Hainan to the nine-dash line
SOUTH_SEA_LABEL = [117.2, 19.6]       # open sea below Taiwan and the Pearl River mouth
COLUMNS = [28, 44, 28]
# The screen is laid out once, on a 1920×1080 canvas, and scaled as a whole to the window
# (smaller or larger, the same picture), as wall displays are: nothing reflows or overflows.
DESIGN_WIDTH, DESIGN_HEIGHT = 1920, 1080
PAD_X, GAP_X = 24, 14  # the page's side padding and the gap between columns
PANEL_WIDTH = (DESIGN_WIDTH - 2 * PAD_X - (len(COLUMNS) - 1) * GAP_X) * COLUMNS[0] // sum(COLUMNS)
MARGIN_L, MARGIN_R = 10, 24  # a side panel chart's margins
TITLE_MIN_PX = 24

BG = "#071325"
PANEL = "#0d1e38"
TEXT = "#e8eef7"
MUTED = "#9fb3cf"
ACCENT = "#ffd166"
GRID = "#1f3557"
CHOSEN_NOT = "#4a5d7a"  # a county not chosen, beside the chosen ones
UP, DOWN = "#ff6b6b", "#3ddc84"  # a rise in red, a fall in green (Chinese convention)
FONT = '"Noto Sans CJK SC", "Noto Sans SC", "Microsoft YaHei", sans-serif'
PROVINCE_FILL = [20, 38, 66, 255]
PROVINCE_LINE = [70, 104, 150, 255]
LINE = [120, 150, 190, 255]
LINE_CSS = "rgb(120,150,190)"
MAP_LABEL = [170, 190, 215, 255]
LEVEL_RGB = {"city": [255, 107, 107], "county": [76, 201, 240]}
ARC_FROM, ARC_TO = [255, 209, 102, 110], [76, 201, 240, 110]

TEXT_ZH_EN: dict[str, tuple[str, str]] = {
    "subtitle": ("返乡创业大屏", "Wall display"),
    "as_of": ("数据截至", "Data as of"),
    "demo": ("演示数据", "Demo data"),
    "stale": ("最新数据无法读取，显示上一版本", "The newest data cannot be read; showing the last "
              "good version"),
    "updated": ("更新于", "Updated"),
    "yoy": ("同比", "YoY"),  # the wall's cards are narrow: seven side by side
    "no_change": ("与上年持平", "unchanged"),
    "stations_top": ("服务站推荐返乡 TOP10", "Top 10 stations: returnees referred"),
    "county_returnees": ("各县区返乡创业就业人数", "Returnees by county"),
    "county_investment": ("各县区过亿元项目投资", "Big-project investment by county"),
    "county_rate": ("各县区{name}完成率", "Completion by county: {name}"),
    "returnees_year": ("返乡创业就业人数（按年）", "Returnees by year"),
    "returnees_month": ("近24个月返乡人数", "Returnees, last 24 months"),
    "entities_year": ("领办创办经济实体（按年）", "Businesses founded by year"),
    "targets_city": ("{year}年目标完成情况", "{year} targets: completion"),
    "map_title": ("返乡创业服务站分布", "Where the stations are"),
    "south_sea": ("南海诸岛", "S. China Sea Is."),
    "map_city": ("市级站", "city-level"),
    "map_county": ("县级站", "county-level"),
    "map_note": ("弧线：推荐返乡去向 · 示意图", "arcs: where referred returnees went"),
    "bad_seconds": ("参数 {name}={raw} 不是整数秒，已使用默认值 {value} 秒",
                    "{name}={raw} is not a whole number of seconds; using the default {value} s"),
    "low_seconds": ("参数 {name}={raw} 小于 {min} 秒，已按 {value} 秒",
                    "{name}={raw} is below {min} s; using {value} s"),
    "high_seconds": ("参数 {name}={raw} 大于 {max} 秒，已按 {value} 秒",
                     "{name}={raw} is above {max} s; using {value} s"),
    "refresh_capped": ("刷新间隔 {raw} 秒超过登录空闲时限的一半，已按 {value} 秒",
                       "a refresh of {raw} s exceeds half the idle sign-out time; using {value} s"),
    "empty": ("暂无数据", "No data"),
}
WEEKDAYS_ZH = "一二三四五六日"
VERSION = "_screen_version"
PARAMS = "_screen_params"
TURNS = "_screen_view_{side}"
STYLE_KEY = "heze_screen"


def T(key: str, **values) -> str:  # noqa: N802 - the page's one word lookup
    zh, en = TEXT_ZH_EN[key]
    text = zh if shared.lang() == "zh" else en
    return text.format(**values) if values else text


# -- the URL's parameters ---------------------------------------------------------------------
@dataclass(frozen=True)
class Seconds:
    value: int
    notice: tuple[str, dict] | None = None  # (text key, values) when the URL's was not used


def parse_seconds(raw, name: str, default: int) -> Seconds:
    """A whole number of seconds from the URL: missing → default; not a whole number →
    default, with a notice; outside 5–3600 → the nearest bound, with a notice."""
    if raw is None or str(raw).strip() == "":
        return Seconds(default)
    text = unicodedata.normalize("NFKC", str(raw)).strip().lower().removesuffix("s").strip()
    if not re.fullmatch(r"[+-]?\d+(\.0*)?", text):
        return Seconds(default, ("bad_seconds", {"name": name, "raw": raw, "value": default}))
    number = int(float(text))
    if number < SECONDS_MIN:
        return Seconds(SECONDS_MIN, ("low_seconds", {"name": name, "raw": raw,
                                                     "min": SECONDS_MIN, "value": SECONDS_MIN}))
    if number > SECONDS_MAX:
        return Seconds(SECONDS_MAX, ("high_seconds", {"name": name, "raw": raw,
                                                      "max": SECONDS_MAX, "value": SECONDS_MAX}))
    return Seconds(number)


def idle_limit_seconds() -> int | None:
    """Half the sign-in idle time: a refresh at least this often keeps the session open."""
    try:
        from core.settings import current

        return int(current()["session.idle_minutes"]) * 60 // 2
    except Exception:  # noqa: BLE001 - settings unreadable: no cap
        return None


def intervals(params) -> tuple[Seconds, Seconds]:
    """rotate and refresh from the URL. What the URL said is kept for the session, so a
    later full rerun (a new snapshot) keeps the intervals even if the link was rewritten."""
    kept = st.session_state.setdefault(PARAMS, {})
    for name in ("rotate", "refresh"):
        if params.get(name) is not None:
            kept[name] = params.get(name)
    rotate = parse_seconds(kept.get("rotate"), "rotate", ROTATE_DEFAULT)
    refresh = parse_seconds(kept.get("refresh"), "refresh", REFRESH_DEFAULT)
    cap = idle_limit_seconds()
    if cap and refresh.value > cap >= SECONDS_MIN:
        refresh = Seconds(cap, ("refresh_capped", {"raw": refresh.value, "value": cap}))
    return rotate, refresh


# -- the look ---------------------------------------------------------------------------------
def style() -> str:
    """The page's CSS: dark, no sidebar or Streamlit chrome, large type. Injected by this
    page only, so the other pages keep theirs."""
    return f"""<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stExpandSidebarButton"], [data-testid="stHeader"], [data-testid="stToolbar"],
[data-testid="stDecoration"], [data-testid="stStatusWidget"], #MainMenu, footer
    {{ display: none !important; }}
/* Alerts drawn above the page by the app (the demo banner): the screen shows its own tag. */
[data-testid="stMainBlockContainer"] > [data-testid="stVerticalBlock"]
    > [data-testid="stElementContainer"]:has(> [data-testid="stAlert"]) {{ display: none; }}
.stApp, [data-testid="stAppViewContainer"], [data-testid="stMain"] {{ background: {BG}; }}
[data-testid="stMainBlockContainer"] > [data-testid="stVerticalBlock"] {{ gap: 0; }}
[data-testid="stMain"] {{ margin-left: 0 !important; overflow: hidden !important; }}
html, body {{ overflow: hidden !important; }}
/* The design canvas, scaled to the window by fit_script(); letterboxed in the background. */
[data-testid="stMainBlockContainer"] {{ position: fixed !important; left: 0; top: 0;
    width: {DESIGN_WIDTH}px !important; min-width: {DESIGN_WIDTH}px;
    max-width: {DESIGN_WIDTH}px !important; height: {DESIGN_HEIGHT}px; overflow: hidden;
    box-sizing: border-box; padding: 14px {PAD_X}px 0 {PAD_X}px !important;
    transform-origin: 0 0; transform: translate(var(--heze-screen-x, 0px),
    var(--heze-screen-y, 0px)) scale(var(--heze-screen-scale, 1)); }}
.st-key-{STYLE_KEY}, .st-key-{STYLE_KEY} * {{ font-family: {FONT}; }}
.st-key-{STYLE_KEY} [data-testid="stVerticalBlock"] {{ gap: 10px; }}
.st-key-{STYLE_KEY} [data-testid="stHorizontalBlock"] {{ gap: {GAP_X}px;
    flex-wrap: nowrap !important; }}
/* The canvas is 1920 wide whatever the window: columns never stack as on a phone. */
.st-key-{STYLE_KEY} [data-testid="stColumn"] {{ min-width: 0 !important; }}
/* A fragment rerun must not fade the old content (no flicker). */
.st-key-{STYLE_KEY} [data-stale="true"], .st-key-{STYLE_KEY} .stale-element
    {{ opacity: 1 !important; transition: none !important; }}
.scr-top {{ display: flex; align-items: baseline; justify-content: space-between;
    color: {TEXT}; border-bottom: 2px solid {GRID}; padding-bottom: 4px; }}
.scr-line {{ display: flex; justify-content: space-between; gap: 24px; margin-top: 4px; }}
.scr-top, .scr-line {{ line-height: 1.3; }}
.scr-title {{ font-size: {TITLE_PX}px; font-weight: 700; letter-spacing: 2px; }}
.scr-sub {{ font-size: {LABEL_PX}px; color: {ACCENT}; margin-left: 18px; font-weight: 600; }}
.scr-tag {{ font-size: {LABEL_PX}px; color: {BG}; background: {ACCENT}; border-radius: 6px;
    padding: 2px 10px; margin-left: 14px; vertical-align: middle; }}
.scr-meta {{ font-size: {LABEL_PX}px; color: {MUTED}; }}
.scr-clock {{ font-size: {CLOCK_PX}px; font-variant-numeric: tabular-nums; color: {TEXT}; }}
.scr-notice {{ font-size: {LABEL_PX}px; color: {ACCENT}; }}
.scr-cards {{ display: flex; gap: 10px; margin-top: 10px; }}
.scr-card {{ flex: 1 1 auto; min-width: min-content; background: {PANEL};
    border: 1px solid {GRID}; border-radius: 10px; padding: 8px 12px 10px 12px; }}
.scr-label {{ font-size: {LABEL_PX}px; color: {MUTED}; line-height: 1.3; }}
.scr-value {{ color: {ACCENT}; line-height: 1.1; display: flex; flex-wrap: wrap;
    align-items: baseline; column-gap: 4px; }}
.scr-num {{ font-size: {VALUE_PX}px; font-weight: 700; font-variant-numeric: tabular-nums;
    white-space: nowrap; }}
.scr-unit {{ font-size: {UNIT_PX}px; white-space: nowrap; }}
.scr-delta {{ font-size: {LABEL_PX}px; }}
/* English words are longer than the Chinese: seven equal cards, a smaller type, so the
   strip keeps the Chinese strip's height and the panels below keep their room. */
.scr-cards.en .scr-card {{ flex: 1 1 0; }}
.scr-cards.en .scr-label, .scr-cards.en .scr-delta {{ font-size: {LABEL_PX - 4}px;
    line-height: 1.25; }}
.scr-cards.en .scr-num {{ font-size: {VALUE_PX - 14}px; }}
.scr-cards.en .scr-unit {{ font-size: {UNIT_PX - 8}px; }}
.scr-delta.up {{ color: {UP}; }} .scr-delta.down {{ color: {DOWN}; }}
.scr-delta.flat {{ color: {MUTED}; }}
.scr-goalbox {{ height: 46px; }}
.scr-goal {{ font-size: {LABEL_PX}px; color: {TEXT}; white-space: nowrap; line-height: 1.3; }}
.scr-bar {{ height: 8px; background: {GRID}; border-radius: 4px; overflow: hidden;
    margin-top: 4px; }}
.scr-bar > i {{ display: block; height: 100%; background: {ACCENT}; }}
.scr-panel-title {{ display: flex; justify-content: space-between; align-items: baseline;
    color: {TEXT}; font-size: {PANEL_TITLE_PX}px; font-weight: 600; gap: 8px;
    border-left: 6px solid {ACCENT}; padding-left: 12px; white-space: nowrap; }}
.scr-panel-title > span:first-child {{ overflow: hidden; text-overflow: ellipsis;
    min-width: 0; }}
.scr-dots {{ font-size: {LABEL_PX}px; color: {MUTED}; letter-spacing: 4px; flex: none; }}
.scr-dots b {{ color: {ACCENT}; }}
.scr-caption {{ font-size: {LABEL_PX}px; color: {MUTED}; }}
.scr-status {{ font-size: {LABEL_PX}px; color: {MUTED}; text-align: right; }}
.st-key-{STYLE_KEY} [data-testid="stDeckGlJsonChart"] {{ background: {BG}; }}
.st-key-screen_inset {{ width: {INSET_WIDTH + 4}px !important; margin-left: auto;
    margin-right: 6px; margin-top: -{INSET_HEIGHT + 10 + 10}px; border: 2px solid {LINE_CSS};
    z-index: 2; background: {BG}; }}
</style>"""


def clock_script() -> str:
    """Ticks the clock in the browser every second (Beijing time), so the server is not
    asked for it; the interval is started once per page, however often this is drawn.
    No "<" followed by a letter or digit may appear in it: the HTML sanitizer drops such a
    script as possible markup (so "n>9", not "n<10")."""
    weekdays = json.dumps(list(WEEKDAYS_ZH), ensure_ascii=False)
    zh = "true" if shared.lang() == "zh" else "false"
    return ("<script>(function(){if(window.__hezeScreenClock){return;}"
            "var zh=" + zh + ",wd=" + weekdays + ";"
            "function pad(n){return (n>9?'':'0')+n;}"
            "function tick(){var el=document.getElementById('heze-screen-clock');"
            "if(!el){return;}var d=new Date(Date.now()+8*3600*1000);"
            "var y=d.getUTCFullYear(),m=d.getUTCMonth()+1,day=d.getUTCDate(),"
            "w=(d.getUTCDay()+6)%7,t=pad(d.getUTCHours())+':'+pad(d.getUTCMinutes())+':'"
            "+pad(d.getUTCSeconds());"
            "el.textContent=zh?(y+'年'+m+'月'+day+'日 星期'+wd[w]+' '+t)"
            ":(y+'-'+pad(m)+'-'+pad(day)+' '+t);}"
            "tick();window.__hezeScreenClock=setInterval(tick,1000);})();</script>")


def fit_script() -> str:
    """Scales the 1920×1080 canvas to the window, whole and centred (the same rule as
    clock_script for what the sanitizer keeps).

    Charts size themselves by what getBoundingClientRect says, which is the scaled size:
    drawn at that size and then scaled, they would shrink twice. Inside the canvas it
    answers in the canvas's own (design) pixels instead; elsewhere, and on any other page,
    as before."""
    return ("<script>(function(){if(window.__hezeScreenFit){return;}"
            "var box='[data-testid=\"stMainBlockContainer\"]',mark='.st-key-" + STYLE_KEY + "';"
            "function fit(){var w=window.innerWidth,h=window.innerHeight,"
            f"s=Math.min(w/{DESIGN_WIDTH},h/{DESIGN_HEIGHT}),r=document.documentElement.style;"
            "window.__hezeScreenScale=s;r.setProperty('--heze-screen-scale',s);"
            f"r.setProperty('--heze-screen-x',((w-{DESIGN_WIDTH}*s)/2)+'px');"
            f"r.setProperty('--heze-screen-y',((h-{DESIGN_HEIGHT}*s)/2)+'px');}}"
            "var measure=Element.prototype.getBoundingClientRect;"
            "Element.prototype.getBoundingClientRect=function(){var b=measure.call(this),"
            "s=window.__hezeScreenScale||1,c=document.querySelector(box);"
            "if(s===1||!c||c===this||!c.contains(this)||!c.querySelector(mark)){return b;}"
            "return new DOMRect(b.x,b.y,b.width/s,b.height/s);};"
            "fit();window.addEventListener('resize',fit);window.__hezeScreenFit=fit;})();"
            "</script>")


def now_text(moment: datetime | None = None) -> str:
    d = (moment or datetime.now(CHINA_TIME)).astimezone(CHINA_TIME)
    if shared.lang() == "zh":
        return f"{d.year}年{d.month}月{d.day}日 星期{WEEKDAYS_ZH[d.weekday()]} {d:%H:%M:%S}"
    return f"{d:%Y-%m-%d %H:%M:%S}"


def _esc(text) -> str:
    return html.escape(str(text), quote=True)


def split_value(text: str) -> tuple[str, str]:
    """"27.6万人" → ("27.6", "万人"); "541.58亿元" → ("541.58", "亿元"); "70%" → ("70", "%");
    "276K people" → ("276K", "people"); "54.16B yuan" → ("54.16B", "yuan")."""
    match = re.match(r"^([+-−]?[\d,.]+[KMB]?)(?![A-Za-z])(.*)$", text)
    return (match.group(1), match.group(2).strip()) if match else (text, "")


# -- the session ------------------------------------------------------------------------------
def still_signed_in() -> bool:
    """On a timed refresh: re-check the signed-in user's session, which also marks it as
    active (a refresh is the kiosk's only activity). False when the session has ended, the
    user was disabled or another user now holds this tab; the caller then redraws the whole
    page, and the app's sign-in gate takes over. True when the app runs without sign-in."""
    user = st.session_state.get("user")
    if user is None:
        return True
    from pages import login

    now = login.current_user()
    return now is not None and now.id == getattr(user, "id", None) and now.may_open("screen")


def _check_for_news() -> None:
    """A new snapshot or an ended session redraws the whole page (no browser reload)."""
    if not still_signed_in():
        st.session_state.pop("user", None)
        st.rerun(scope="app")
    if shared.analytics().version != st.session_state.get(VERSION):
        st.rerun(scope="app")


# -- the headline strip -----------------------------------------------------------------------
def delta_text(comp) -> str:
    """同比 as a rate (a ratio's change in points), red for a rise, green for a fall."""
    if comp.change is None:
        return ""
    lang = shared.lang()
    ind = reg.get(comp.key)
    if comp.change == 0:
        kind, shown = "flat", T("no_change")
    else:
        kind = "up" if comp.change > 0 else "down"
        shown = (format_change(comp.change, ind.unit, lang).replace("−", "-")
                 if comp.change_rate is None else format_rate(comp.change_rate, lang))
    return f'<div class="scr-delta {kind}">{_esc(T("yoy"))} {_esc(shown)}</div>'


def headline_html(values: dict, done: dict) -> str:
    lang = shared.lang()
    cards = []
    for key in reg.HEADLINE:
        ind = reg.get(key)
        comp = values[key]
        number, unit = split_value(headline_value(comp.value, ind.unit, lang, ind.decimals))
        delta_html = delta_text(comp)
        goal = done.get(key)
        goal_html = '<div class="scr-goalbox">'  # the same height with or without a target
        if goal is not None:
            goal_html += (f'<div class="scr-bar"><i style="width:{goal.bar * 100:.1f}%"></i>'
                          f'</div><div class="scr-goal">{_esc(percent(goal.rate, lang))} · '
                          f'{_esc(status_label(goal, lang))}</div>')
        goal_html += "</div>"
        cards.append(
            f'<div class="scr-card" data-key="{key}"><div class="scr-label">{_esc(ind.name(lang))}'
            f'</div><div class="scr-value"><span class="scr-num">{_esc(number)}</span>'
            f'<span class="scr-unit">{_esc(unit)}</span></div>{delta_html}{goal_html}</div>')
    return f'<div class="scr-cards {lang}">{"".join(cards)}</div>'


def headline(notices: tuple[str, ...] = ()) -> None:
    """The title bar (name, as-of date, time of this refresh, clock) and the headline
    figures; rerun every `refresh` seconds."""
    _check_for_news()
    values = shared.compute(compare.headline, reg.HEADLINE)
    done = targets_ui.card_completions(reg.HEADLINE)
    base = next((v.base.label(shared.lang()) for v in values.values()
                 if v.change is not None), "")
    st.html(title_bar(notices, base) + headline_html(values, done))


# -- charts -----------------------------------------------------------------------------------
def _bright(hex_colour: str, share: float = 0.3) -> str:
    """A palette colour lightened for the dark background."""
    rgb = [int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(c + (255 - c) * share):02x}" for c in rgb)


def text_px(text: str, size: float = CHART_PX) -> float:
    """About how wide `text` is drawn at `size` px: a Chinese character is as wide as the
    type is high, a Latin letter or digit about 0.6 of it (rounded up, to be safe)."""
    return sum(size if unicodedata.east_asian_width(c) in "WF" else size * 0.6
               for c in str(text))


def value_range(fig: go.Figure, floor: float = 0.0) -> float:
    """Where a side panel's horizontal value axis ends: at least `floor`, and far enough
    that each bar's label, drawn beyond its bar, ends inside the panel (not cut off)."""
    ticks = max((text_px(y) for tr in fig.data for y in (tr.y or [])), default=0)
    plot = PANEL_WIDTH - MARGIN_L - MARGIN_R - ticks - 12
    top = floor
    for trace in fig.data:
        for value, label in zip(trace.x or (), trace.text or (), strict=False):
            if value == value and value > 0:
                room = max(plot - text_px(label) - 8, plot * 0.2)
                top = max(top, value * plot / room)
    return top


def title_px(title: str, dots: int) -> int:
    """The panel title's type size: PANEL_TITLE_PX, smaller (to TITLE_MIN_PX) for a title
    that would not fit on its one line beside the view dots."""
    room = PANEL_WIDTH - 18 - dots * (LABEL_PX + 4) - 8
    fits = room / max(text_px(title, 1), 1)
    return int(max(TITLE_MIN_PX, min(PANEL_TITLE_PX, fits)))


def dark(fig: go.Figure, height: int = PANEL_HEIGHT, horizontal: bool = False,
         floor: float = 0.0) -> go.Figure:
    """A figure restyled for the wall: transparent on the dark page, large type, no title
    (the panel carries it), bar labels that would shrink below 18 px hidden. A horizontal
    value axis runs from 0 to at least `floor`, with room for every bar's label."""
    axis = {"tickfont": {"size": CHART_PX, "color": TEXT},
            "title": {"font": {"size": CHART_PX, "color": MUTED}}, "gridcolor": GRID,
            "zerolinecolor": GRID, "linecolor": GRID}
    fig.update_layout(
        title={"text": "", "font": {"size": CHART_PX}}, height=height,
        paper_bgcolor="rgba(0,0,0,0)", plot_bgcolor="rgba(0,0,0,0)",
        font={"family": FONT, "size": CHART_PX, "color": TEXT},
        margin={"l": MARGIN_L, "r": MARGIN_R, "t": 16, "b": 10}, showlegend=False,
        uniformtext={"minsize": CHART_MIN_PX, "mode": "hide"})
    fig.update_xaxes(**axis)
    fig.update_yaxes(**axis)
    fig.update_traces(textfont={"size": CHART_PX, "color": TEXT}, selector={"type": "bar"})
    if horizontal:  # room for the labels beyond the longest bar
        top = value_range(fig, floor)
        if top > 0:
            fig.update_xaxes(range=[0, top], showticklabels=False, showgrid=False,
                             title=None)
    return fig


def completion_bars(labels, rates, texts, statuses) -> go.Figure:
    """完成率 as bars on an axis from 0 to 100% (further when a rate is above), the 100%
    mark drawn, each bar in the colour of its pace (behind, on track, ahead, met)."""
    fig = go.Figure(go.Bar(
        x=[r * 100 for r in rates], y=list(labels), orientation="h", text=list(texts),
        textposition="outside", cliponaxis=False,
        marker={"color": [_bright(status_hex(s), 0.25) for s in statuses]}))
    fig.update_yaxes(autorange="reversed", type="category")
    fig.add_vline(x=100, line={"color": MUTED, "width": 2, "dash": "dash"})
    return dark(fig, horizontal=True, floor=100)


def hbars(labels, values, unit: str, colours, name: str) -> go.Figure:
    lang = shared.lang()
    scale = scale_for(unit, lang)
    fig = go.Figure(go.Bar(
        x=scale.apply(values), y=list(labels), orientation="h", name=name,
        text=format_values(values, unit, lang), textposition="outside",
        cliponaxis=False, marker={"color": colours}))
    # Categorical, whatever the labels look like (years would be read as numbers).
    fig.update_yaxes(autorange="reversed", type="category")
    return dark(fig, horizontal=True)


def station_label(row) -> str:
    lang = shared.lang()
    city = row["city_zh"] if lang == "zh" else row["city_en"]
    if row["level"] == "city":
        return city
    sponsor = row["sponsor_zh"] if lang == "zh" else row["sponsor_en"]
    return f"{sponsor}·{city}" if isinstance(sponsor, str) else city


# Each view: (title, figure) or None when it has nothing to show.
def view_stations():
    df = shared.call("station_ranking").head(10)
    if df.empty or not df["returnees_referred"].any():
        return None
    colours = ["rgb({},{},{})".format(*LEVEL_RGB[lv]) for lv in df["level"]]
    return T("stations_top"), hbars([station_label(r) for _, r in df.iterrows()],
                                    df["returnees_referred"], "person", colours,
                                    reg.get("returnees_referred").name(shared.lang()))


def _county_view(key: str, title: str):
    df = shared.compute(compare.ranked_counties, (key,), key)
    if df.empty or not df[key].any():
        return None
    # The chosen counties stand out; with none chosen every bar has the indicator's colour.
    colours = ([_bright(palette.HIGHLIGHT, 0.35) if c else CHOSEN_NOT for c in df["chosen"]]
               if df["chosen"].any() else _bright(palette.colour("indicator", key), 0.35))
    return title, hbars(county_names(df["code"]), df[key], reg.get(key).unit, colours,
                        reg.get(key).name(shared.lang()))


def county_names(codes) -> list[str]:
    """Counties by their short names in Chinese (经开区, 高新区), so the bars keep the width."""
    ref = shared.analytics().counties().set_index("county_code")
    column = "short_zh" if shared.lang() == "zh" else "name_en"
    return [str(ref.at[c, column]) if c in ref.index else str(c) for c in codes]


def view_county_returnees():
    return _county_view("returnees", T("county_returnees"))


def view_county_investment():
    return _county_view("big_investment", T("county_investment"))


def view_county_targets():
    a = shared.analytics()
    year = a.snapshot.as_of.year
    lookup = targets_ui.lookup(year)
    keys = [k for k in reg.HEADLINE if any(key == k and c is not None for key, c in lookup)]
    if not keys:
        return None
    key = keys[0]
    df = shared.compute(progress.rank_counties, key, year, lookup=lookup)
    df = df.dropna(subset=["rate"])
    if df.empty:
        return None
    lang = shared.lang()
    texts = [f"{percent(r, lang)} {status_text(key, s, lang)}"
             for r, s in zip(df["rate"], df["status"], strict=True)]
    return (T("county_rate", name=reg.get(key).name(lang)),
            completion_bars(county_names(df["code"]), df["rate"], texts, df["status"]))


def _year_view(key: str, title: str, share: float):
    frame = shared.call("series", key, grain="year")
    if frame.empty or not frame["value"].any():
        return None
    axis = shared.period_axis(frame, "year")
    colour = _bright(palette.colour("indicator", key), share)
    colours = [_bright(colour, 0.45) if p else colour for p in axis.partial]
    return title, hbars(axis.labels, frame["value"], reg.get(key).unit, colours,
                        reg.get(key).name(shared.lang()))


def view_returnees_year():
    return _year_view("returnees", T("returnees_year"), 0.3)


def view_entities_year():
    return _year_view("entities", T("entities_year"), 0.1)


def view_returnees_month():
    frame = shared.call("series", "returnees", grain="month").tail(24)
    if frame.empty or not frame["value"].any():
        return None
    lang = shared.lang()
    fig = go.Figure(go.Scatter(
        x=list(pd.to_datetime(frame["period"])), y=list(frame["value"]), mode="lines+markers",
        line={"color": _bright(palette.colour("indicator", "returnees")), "width": 4},
        marker={"size": 9}, fill="tozeroy", fillcolor="rgba(255,107,107,0.15)"))
    fig.update_xaxes(type="date", dtick="M6", tickformat="%Y年%-m月" if lang == "zh"
                     else "%b %Y")
    fig.update_yaxes(rangemode="tozero", tickformat=",d", title=None)
    fig.update_xaxes(title=None, tickangle=0)
    return T("returnees_month"), dark(fig)


def view_city_targets():
    a = shared.analytics()
    year = a.snapshot.as_of.year
    done = targets_ui.card_completions(tuple(k for k in progress.model.TARGETABLE),
                                       year=year)
    rows = [(k, c) for k, c in done.items() if c is not None]
    if not rows:
        return None
    lang = shared.lang()
    return T("targets_city", year=year), completion_bars(
        [reg.get(k).name(lang) for k, _ in rows], [c.rate for _, c in rows],
        [f"{percent(c.rate, lang)} {status_label(c, lang)}" for _, c in rows],
        [c.status for _, c in rows])


SIDES = {
    "left": (view_stations, view_county_returnees, view_county_investment,
             view_county_targets),
    "right": (view_returnees_year, view_returnees_month, view_entities_year,
              view_city_targets),
}


def panel(side: str) -> None:
    """One turn of a side panel: the next view after the one shown that has something to
    show (a view with no data, such as county targets before any is set, is passed over)."""
    _check_for_news()
    views = SIDES[side]
    last = st.session_state.get(TURNS.format(side=side), -1)
    shown, position = None, last
    for step in range(1, len(views) + 1):
        position = (last + step) % len(views)
        shown = views[position]()
        if shown is not None:
            break
    st.session_state[TURNS.format(side=side)] = position
    if shown is None:
        st.html(f'<div class="scr-caption">{_esc(T("empty"))}</div>')
        return
    title, fig = shown
    dots = "".join("<b>●</b>" if i == position else "○" for i in range(len(views)))
    st.html(f'<div class="scr-panel-title" data-view="{side}-{position}" '
            f'style="font-size:{title_px(title, len(views))}px" title="{_esc(title)}">'
            f'<span>{_esc(title)}</span><span class="scr-dots">{dots}</span></div>')
    st.plotly_chart(fig, key=f"screen_{side}_chart", width="stretch",
                    config={"staticPlot": True, "displayModeBar": False, "responsive": True})


def left_panel() -> None:
    panel("left")


def right_panel() -> None:
    panel("right")


# -- the map ----------------------------------------------------------------------------------
class CompactDeck(pdk.Deck):
    def to_json(self) -> str:
        return json.dumps(self, sort_keys=True, default=default_serialize,
                          separators=(",", ":"), ensure_ascii=False)


def _pixel(lon: float, lat: float, zoom: float) -> tuple[float, float]:
    world = 512 * 2 ** zoom
    y = math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))
    return (lon + 180) / 360 * world, (1 - y / math.pi) / 2 * world


def province_labels(view: dict, size: int = MAP_LABEL_PX) -> list[dict]:
    """The province names that fit at this view without touching each other: the largest
    provinces first, a name whose box would overlap one already placed is left out (at
    18 px the small eastern ones crowd each other)."""
    extent = {}
    for row in geo.province_polygons():
        xs = [pt[0] for pt in row["polygon"]]
        ys = [pt[1] for pt in row["polygon"]]
        area = (max(xs) - min(xs)) * (max(ys) - min(ys))
        extent[row["adcode"]] = max(extent.get(row["adcode"], 0), area)
    placed, boxes = [], []
    features = sorted(geo.province_features(),
                      key=lambda f: -extent.get(f["properties"]["adcode"], 0))
    for f in features:
        text = f["properties"]["short_name"]
        x, y = _pixel(*f["properties"]["label_point"], view["zoom"])
        half_w, half_h = len(text) * size / 2 + 3, size / 2 + 3
        box = (x - half_w, y - half_h, x + half_w, y + half_h)
        if any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3]
               for b in boxes):
            continue
        boxes.append(box)
        placed.append({"text": text, "position": f["properties"]["label_point"]})
    return placed


def _base_layers() -> list[pdk.Layer]:
    provinces = [{"polygon": [row["polygon"], *row["holes"]]} for row in geo.province_polygons()]
    return [
        pdk.Layer("PolygonLayer", id="provinces", data=provinces, get_polygon="polygon",
                  filled=True, stroked=True, get_fill_color=PROVINCE_FILL,
                  get_line_color=PROVINCE_LINE, line_width_units="'pixels'", get_line_width=1),
        pdk.Layer("PathLayer", id="province_lines", data=geo.line_paths(), get_path="path",
                  get_color=LINE, width_units="'pixels'", get_width=1.5),
    ]


def inset_map() -> CompactDeck:
    """The South China Sea islands and the nine-dash line, drawn at their own scale in a
    box at the lower right of the station map, as on the standard map of China."""
    view = geo.fit_view(SOUTH_SEA, INSET_WIDTH, INSET_HEIGHT, padding=0.03)
    name = [{"text": T("south_sea"), "position": SOUTH_SEA_LABEL}]
    layers = _base_layers() + [
        pdk.Layer("TextLayer", id="inset_label", data=name, get_position="position",
                  get_text="text", get_size=MAP_LABEL_PX, size_units="'pixels'",
                  get_color=MAP_LABEL, font_family=f"`{FONT}`", character_set="'auto'")]
    return CompactDeck(layers=layers, map_provider=None,
                       initial_view_state=pdk.ViewState(**view))


def station_map() -> CompactDeck:
    """Mainland China (to Hainan) as large as the centre allows; the islands of the South
    China Sea are in the inset (inset_map), so the whole territory is in view."""
    view = geo.fit_view(MAINLAND, MAP_WIDTH, MAP_HEIGHT, padding=0.03)
    labels = province_labels(view)
    layers = _base_layers() + [
        pdk.Layer("TextLayer", id="province_labels", data=labels, get_position="position",
                  get_text="text", get_size=MAP_LABEL_PX, size_units="'pixels'",
                  get_color=MAP_LABEL, font_family=f"`{FONT}`", character_set="'auto'"),
    ]
    arcs = shared.call("station_arcs")
    arcs = arcs[arcs["returnees"] > 0]
    if not arcs.empty:
        layers.append(pdk.Layer(
            "ArcLayer", id="arcs",
            data=arcs[["source_lon", "source_lat", "target_lon", "target_lat", "returnees"]],
            get_source_position=["source_lon", "source_lat"],
            get_target_position=["target_lon", "target_lat"], get_source_color=ARC_FROM,
            get_target_color=ARC_TO, get_width="returnees", width_units="'pixels'",
            width_scale=pixel_scale(5, arcs["returnees"]), width_min_pixels=0.5,
            num_segments=16))
    points = shared.call("station_points")
    if not points.empty:
        drawn = points.sort_values("returnees_referred", ascending=False, kind="stable")
        data = pd.DataFrame({"lon": drawn["lon"], "lat": drawn["lat"],
                             "size": drawn["returnees_referred"],
                             "color": [LEVEL_RGB[lv] + [235] for lv in drawn["level"]]})
        layers.append(pdk.Layer(
            "ScatterplotLayer", id="stations", data=data, get_position=["lon", "lat"],
            get_fill_color="color", get_radius="size", radius_units="'pixels'",
            radius_scale=pixel_scale(16, data["size"]), radius_min_pixels=4,
            radius_max_pixels=16, stroked=True, get_line_color=[7, 19, 37, 255],
            line_width_min_pixels=1))
    return CompactDeck(layers=layers, map_provider=None,
                       initial_view_state=pdk.ViewState(**view))


def map_legend() -> str:
    dots = " ".join(
        f'<span style="color:rgb({",".join(map(str, LEVEL_RGB[lv]))})">●</span> '
        f'{_esc(T("map_" + lv))}' for lv in ("city", "county"))
    return f'<div class="scr-caption">{dots} · {_esc(T("map_note"))}</div>'


# -- the page ---------------------------------------------------------------------------------
def title_bar(notices, base: str) -> str:
    a = shared.analytics()
    lang = shared.lang()
    tags = f'<span class="scr-tag">{_esc(T("demo"))}</span>' if a.snapshot.is_synthetic else ""
    if shared.snapshot_problem():
        tags += f'<span class="scr-tag">{_esc(T("stale"))}</span>'
    colon = "：" if lang == "zh" else ": "
    meta = (f'{_esc(T("as_of"))} {_esc(shared.fmt_date(a.snapshot.as_of))} · '
            f'{_esc(T("yoy"))}{colon}{_esc(base)} · {_esc(T("updated"))} '
            f'{datetime.now(CHINA_TIME):%H:%M:%S}')
    notes = "".join(f'<span class="scr-notice">{_esc(n)}</span>' for n in notices)
    return (f'<div class="scr-top"><div><span class="scr-title">'
            f'{_esc(shared.t("app_title"))}</span><span class="scr-sub">{_esc(T("subtitle"))}'
            f'</span>{tags}</div>'
            f'<div class="scr-clock" id="heze-screen-clock">{_esc(now_text())}</div></div>'
            f'<div class="scr-line"><span class="scr-meta">{meta}</span>{notes}</div>')


def main() -> None:
    shared._run_through_entry_point()  # a deep link on a fresh server runs app.py first
    rotate, refresh = intervals(st.query_params)
    notices = [T(key, **values) for key, values in
               (s.notice for s in (rotate, refresh) if s.notice)]
    st.html(style())
    st.html(clock_script(), unsafe_allow_javascript=True)
    st.html(fit_script(), unsafe_allow_javascript=True)
    a = shared.analytics()
    st.session_state[VERSION] = a.version
    with st.container(key=STYLE_KEY):
        st.fragment(headline, run_every=refresh.value, key="screen_headline")(tuple(notices))
        left, centre, right = st.columns(COLUMNS)
        with left:
            st.fragment(left_panel, run_every=rotate.value, key="screen_left")()
        with centre:
            st.html(f'<div class="scr-panel-title"><span>{_esc(T("map_title"))}</span></div>')
            st.pydeck_chart(station_map(), key="screen_map", height=MAP_HEIGHT,
                            width="stretch")
            with st.container(key="screen_inset"):
                st.pydeck_chart(inset_map(), key="screen_inset_map", height=INSET_HEIGHT,
                                width=INSET_WIDTH)
            st.html(map_legend())
        with right:
            st.fragment(right_panel, run_every=rotate.value, key="screen_right")()


if __name__ == "__main__":
    main()
