"""The wall display's side panels as figures: each view a (title, figure) built from data
the page fetched, or None when it has nothing to show; restyled for the dark wall with
type large enough to read across a room. No streamlit here."""

from __future__ import annotations

import unicodedata

import pandas as pd
import plotly.graph_objects as go

from analytics import palette
from core.formatting import scale_for, short_values
from data import reference
from model import indicators as reg
from presentation.screen import (
    CHART_MIN_PX,
    CHART_PX,
    CHOSEN_NOT,
    FONT,
    GRID,
    LABEL_PX,
    LEVEL_RGB,
    MARGIN_L,
    MARGIN_R,
    MUTED,
    PANEL_HEIGHT,
    PANEL_TITLE_PX,
    PANEL_WIDTH,
    TEXT,
    TITLE_MIN_PX,
)
from presentation.screen_text import text
from targets.text import percent, status_hex, status_label, status_text


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


def hbars(labels, values, unit: str, colours, name: str, lang: str) -> go.Figure:
    scale = scale_for(unit, lang)
    fig = go.Figure(go.Bar(
        x=scale.apply(values), y=list(labels), orientation="h", name=name,
        text=short_values(values, unit, lang), textposition="outside",
        cliponaxis=False, marker={"color": colours}))
    # Categorical, whatever the labels look like (years would be read as numbers).
    fig.update_yaxes(autorange="reversed", type="category")
    return dark(fig, horizontal=True)


def station_label(row, lang: str) -> str:
    city = row["city_zh"] if lang == "zh" else row["city_en"]
    if row["level"] == "city":
        return city
    sponsor = row["sponsor_zh"] if lang == "zh" else row["sponsor_en"]
    return f"{sponsor}·{city}" if isinstance(sponsor, str) else city


def county_names(counties: pd.DataFrame, codes, lang: str) -> list[str]:
    """Counties by their short names (经开区, 高新区; Econ. Dev. Zone, High-tech Zone), so
    the bars keep the width: "Heze Economic Development Zone" left the English bars a few
    pixels long. `counties` is the analytics county table; the English short names are
    reference data (data/reference/counties.csv), the full name for a county without one."""
    ref = counties.set_index("county_code")
    if lang == "zh":
        return [str(ref.at[c, "short_zh"]) if c in ref.index else str(c) for c in codes]
    short = reference.county_short_names_en()
    return [short.get(int(c)) or (str(ref.at[c, "name_en"]) if c in ref.index else str(c))
            for c in codes]


# -- the views --------------------------------------------------------------------------------
def stations_view(df: pd.DataFrame, lang: str):
    """The ten stations that referred the most returnees (station_ranking, ranked)."""
    df = df.head(10)
    if df.empty or not df["returnees_referred"].any():
        return None
    colours = ["rgb({},{},{})".format(*LEVEL_RGB[lv]) for lv in df["level"]]
    return text("stations_top", lang), hbars(
        [station_label(r, lang) for _, r in df.iterrows()], df["returnees_referred"],
        "person", colours, reg.get("returnees_referred").name(lang), lang)


def county_view(df: pd.DataFrame, key: str, title: str, names: list[str], lang: str):
    """Counties ranked by `key` (compare.ranked_counties), `names` their short names."""
    if df.empty or not df[key].any():
        return None
    # The chosen counties stand out; with none chosen every bar has the indicator's colour.
    colours = ([_bright(palette.HIGHLIGHT, 0.35) if c else CHOSEN_NOT for c in df["chosen"]]
               if df["chosen"].any() else _bright(palette.colour("indicator", key), 0.35))
    return title, hbars(names, df[key], reg.get(key).unit, colours, reg.get(key).name(lang),
                        lang)


def county_targets_view(df: pd.DataFrame, key: str, names, lang: str):
    """Counties by 完成率 of `key` (progress.rank_counties, rows with a rate)."""
    if df.empty:
        return None
    texts = [f"{percent(r, lang)} {status_text(key, s, lang)}"
             for r, s in zip(df["rate"], df["status"], strict=True)]
    return (text("county_rate", lang, name=reg.get(key).name(lang)),
            completion_bars(names, df["rate"], texts, df["status"]))


def year_view(frame: pd.DataFrame, axis, key: str, title: str, share: float, lang: str):
    """`key` year by year (a series and its PeriodAxis), the partial year paler."""
    if frame.empty or not frame["value"].any():
        return None
    colour = _bright(palette.colour("indicator", key), share)
    colours = [_bright(colour, 0.45) if p else colour for p in axis.partial]
    return title, hbars(axis.labels, frame["value"], reg.get(key).unit, colours,
                        reg.get(key).name(lang), lang)


def month_view(frame: pd.DataFrame, lang: str):
    """Returnees month by month, the last 24 months."""
    frame = frame.tail(24)
    if frame.empty or not frame["value"].any():
        return None
    fig = go.Figure(go.Scatter(
        x=list(pd.to_datetime(frame["period"])), y=list(frame["value"]), mode="lines+markers",
        line={"color": _bright(palette.colour("indicator", "returnees")), "width": 4},
        marker={"size": 9}, fill="tozeroy", fillcolor="rgba(255,107,107,0.15)"))
    fig.update_xaxes(type="date", dtick="M6", tickformat="%Y年%-m月" if lang == "zh"
                     else "%b %Y")
    fig.update_yaxes(rangemode="tozero", tickformat=",d", title=None)
    fig.update_xaxes(title=None, tickangle=0)
    return text("returnees_month", lang), dark(fig)


def city_targets_view(done: dict, year: int, lang: str):
    """The city's 完成率 of every indicator with a target (`done`: key → Completion)."""
    rows = [(k, c) for k, c in done.items() if c is not None]
    if not rows:
        return None
    return text("targets_city", lang, year=year), completion_bars(
        [reg.get(k).name(lang) for k, _ in rows], [c.rate for _, c in rows],
        [f"{percent(c.rate, lang)} {status_label(c, lang)}" for _, c in rows],
        [c.status for _, c in rows])
