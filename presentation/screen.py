"""The wall display (大屏) below the UI: its layout and look (sizes at 1920×1080, colours),
the URL's intervals, and the headline strip and title bar as HTML built from the headline
cards' view models (presentation.kpi). The side panels' figures are in
presentation.screen_charts, the map in presentation.screen_map, the CSS and scripts in
presentation.screen_style, the words in presentation.screen_text. No streamlit here."""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from presentation.kpi import KPICard, split_value
from presentation.screen_text import text
from targets.text import percent, status_label

__all__ = ["split_value"]

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
WEEKDAYS_ZH = "一二三四五六日"
STYLE_KEY = "heze_screen"


def esc(value) -> str:
    return html.escape(str(value), quote=True)


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


def now_text(lang: str, moment: datetime | None = None) -> str:
    d = (moment or datetime.now(CHINA_TIME)).astimezone(CHINA_TIME)
    if lang == "zh":
        return f"{d.year}年{d.month}月{d.day}日 星期{WEEKDAYS_ZH[d.weekday()]} {d:%H:%M:%S}"
    return f"{d:%Y-%m-%d %H:%M:%S}"

# -- the headline strip -----------------------------------------------------------------------
def delta_html(card: KPICard, lang: str) -> str:
    """同比 as a rate (a ratio's change in points), red for a rise, green for a fall."""
    if card.delta_direction is None:
        return ""
    shown = text("no_change", lang) if card.delta_direction == "flat" else card.wall_delta
    return (f'<div class="scr-delta {card.delta_direction}">{esc(text("yoy", lang))} '
            f'{esc(shown)}</div>')


def headline_html(cards: list[KPICard], done: dict, lang: str) -> str:
    """The headline cards: label, the value large with its unit beside it, 同比, and the
    完成率 bar and pace where a target applies (`done`: key → Completion or None)."""
    shown = []
    for card in cards:
        goal = done.get(card.key)
        goal_html = '<div class="scr-goalbox">'  # the same height with or without a target
        if goal is not None:
            goal_html += (f'<div class="scr-bar"><i style="width:{goal.bar * 100:.1f}%"></i>'
                          f'</div><div class="scr-goal">{esc(percent(goal.rate, lang))} · '
                          f'{esc(status_label(goal, lang))}</div>')
        goal_html += "</div>"
        shown.append(
            f'<div class="scr-card" data-key="{card.key}"><div class="scr-label">'
            f'{esc(card.label)}</div><div class="scr-value"><span class="scr-num">'
            f'{esc(card.wall_number)}</span><span class="scr-unit">{esc(card.wall_unit)}'
            f'</span></div>{delta_html(card, lang)}{goal_html}</div>')
    return f'<div class="scr-cards {lang}">{"".join(shown)}</div>'


def base_of(cards: list[KPICard]) -> str:
    """What the strip's 同比 compares with (the first card that has a base)."""
    return next((c.base for c in cards if c.base), "")


def title_bar_html(*, lang: str, app_title: str, as_of_text: str, base: str, demo: bool,
                   stale: bool, notices, now: datetime | None = None) -> str:
    """The name, the tags (demo data, stale snapshot), the as-of date, 同比's base, the time
    of this refresh, the notices and the clock (ticked by the browser)."""
    tags = f'<span class="scr-tag">{esc(text("demo", lang))}</span>' if demo else ""
    if stale:
        tags += f'<span class="scr-tag">{esc(text("stale", lang))}</span>'
    colon = "：" if lang == "zh" else ": "
    moment = now or datetime.now(CHINA_TIME)
    meta = (f'{esc(text("as_of", lang))} {esc(as_of_text)} · '
            f'{esc(text("yoy", lang))}{colon}{esc(base)} · {esc(text("updated", lang))} '
            f'{moment:%H:%M:%S}')
    notes = "".join(f'<span class="scr-notice">{esc(n)}</span>' for n in notices)
    return (f'<div class="scr-top"><div><span class="scr-title">'
            f'{esc(app_title)}</span><span class="scr-sub">{esc(text("subtitle", lang))}'
            f'</span>{tags}</div>'
            f'<div class="scr-clock" id="heze-screen-clock">{esc(now_text(lang, moment))}'
            f'</div></div>'
            f'<div class="scr-line"><span class="scr-meta">{meta}</span>{notes}</div>')


def panel_title_html(title: str, side: str, position: int, views: int, px: int) -> str:
    dots = "".join("<b>●</b>" if i == position else "○" for i in range(views))
    return (f'<div class="scr-panel-title" data-view="{side}-{position}" '
            f'style="font-size:{px}px" title="{esc(title)}">'
            f'<span>{esc(title)}</span><span class="scr-dots">{dots}</span></div>')


def caption_html(words: str) -> str:
    return f'<div class="scr-caption">{esc(words)}</div>'


def map_legend(lang: str) -> str:
    dots = " ".join(
        f'<span style="color:rgb({",".join(map(str, LEVEL_RGB[lv]))})">●</span> '
        f'{esc(text(f"map_{lv}", lang))}' for lv in ("city", "county"))
    return f'<div class="scr-caption">{dots} · {esc(text("map_note", lang))}</div>'
