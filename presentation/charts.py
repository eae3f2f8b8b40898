"""The app's charts as plotly figures, built one way everywhere: bars labelled with their
values, money in 亿元 like the cards, count axes from zero in whole numbers, hover text with
units, one colour per category (analytics.palette), the current partial year marked, legends
below the plot so a phone keeps the plot's width.

Figures are plain plotly dictionaries, built in one go: plotly's figure objects validate
every update, which cost several times more than the chart itself (Streamlit validates the
finished dictionary once). Values arrive computed (analytics); this module lays them out in
the language given (`lang`), and pages.charts draws them. No streamlit here.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from analytics import palette
from core.formatting import (
    axis_ticks,
    format_value,
    format_values,
    is_partial,
    period_label,
    scale_for,
)

FONT = '"Noto Sans CJK SC", "Noto Sans SC", "Microsoft YaHei", sans-serif'


def _figure(traces: list[dict], title: str, height: int | None = None, **layout) -> dict:
    base = {
        # No plotly template: Streamlit's own chart theme styles the figure in the browser.
        "template": "none",
        "title": {"text": title, "font": {"size": 16}}, "font": {"family": FONT},
        "separators": ".,", "margin": {"l": 10, "r": 10, "t": 48, "b": 10},
        "legend": {"orientation": "h", "yanchor": "top", "y": -0.12, "xanchor": "left",
                   "x": 0, "title": {"text": ""}},
        "hoverlabel": {"font": {"family": FONT}}, "plot_bgcolor": "white", "bargap": 0.25,
        "uniformtext": {"minsize": 9, "mode": "hide"},
        "xaxis": {"tickangle": 0, "automargin": True, "showgrid": False},
        "yaxis": {"automargin": True, "gridcolor": "#eceff3"},
    }
    if height:
        base["height"] = height
    for key, value in layout.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            base[key] = {**base[key], **value}
        else:
            base[key] = value
    return {"data": traces, "layout": base}


def title_of(fig: dict) -> str:
    return fig["layout"].get("title", {}).get("text", "")


def _hover(name: str, unit: str, values, lang: str) -> list[str]:
    colon = "：" if lang == "zh" else ": "
    return [f"{name}{colon}{format_value(v, unit, lang)}" for v in values]


def _category_axis(fig: dict, horizontal: bool = False) -> dict:
    """The axis of the categories is categorical, whatever its labels look like: left to
    plotly's guess, labels like 2015 … 2019 read as numbers and the partial year's
    "2020 (Jan–Aug)" as no number at all — its bar was not drawn."""
    fig["layout"]["yaxis" if horizontal else "xaxis"]["type"] = "category"
    return fig


def _value_axis(fig: dict, scale, shown, horizontal: bool, lang: str) -> dict:
    # A vertical axis title would stand rotated ("个" turned on its side): the bars carry
    # their unit in their labels; a horizontal axis names its unit below.
    axis = fig["layout"]["xaxis" if horizontal else "yaxis"]
    numbers = [v for v in shown if v == v]
    axis.update(tickformat=scale.tickformat, rangemode="tozero")
    if horizontal:
        axis["title"] = {"text": scale.unit(lang)}
    if numbers and scale.tickformat == ",d" and max(numbers) <= 6:
        axis["dtick"] = 1  # small counts: 0 1 2 3, not 0 0.5 1 1.5 shown as "0 1 1 2"
    if numbers and max(numbers) > 0:
        axis["range"] = [0, max(numbers) * 1.18]  # room for the labels beside the bars
        ticks = axis_ticks(axis["range"][1], lang) if scale.tickformat == ",d" else None
        if ticks:  # 2万 4万 beside bars labelled 3.4万人, not 20,000
            axis.update(tickmode="array", tickvals=ticks[0], ticktext=ticks[1])
    return fig


def bars(categories: Sequence[str], values: Sequence[float], *, unit: str, name: str,
         title: str, colours: Sequence[str] | str | None = None, horizontal: bool = False,
         partial: Sequence[bool] | None = None, height: int | None = None,
         lang: str = "zh") -> dict:
    """One series of bars, each labelled (27.6万 / 12.35亿) and hovered with its unit."""
    scale = scale_for(unit, lang)
    shown = scale.apply(values)
    categories = list(categories)
    opacity = [palette.PARTIAL_OPACITY if p else 1.0 for p in (partial or [False] * len(shown))]
    trace = {
        "type": "bar", "orientation": "h" if horizontal else "v", "name": name,
        "x": shown if horizontal else categories, "y": categories if horizontal else shown,
        "text": format_values(values, unit, lang),
        "textposition": "outside", "cliponaxis": False,
        "marker": {"color": colours or palette.PRIMARY, "opacity": opacity},
        "customdata": _hover(name, unit, values, lang),
        "hovertemplate": "%{" + ("y" if horizontal else "x") + "}<br>%{customdata}<extra></extra>",
    }
    fig = _category_axis(_figure([trace], title, height), horizontal)
    _value_axis(fig, scale, shown, horizontal, lang)
    if horizontal:
        fig["layout"]["yaxis"]["autorange"] = "reversed"  # the first category on top
    return fig


def completion_bars(categories: Sequence[str], rates: Sequence[float],
                    colours: Sequence[str], *, name: str, title: str,
                    marks: Sequence[tuple[float, str]] = (), height: int | None = None,
                    lang: str = "zh") -> dict:
    """完成率 as horizontal bars on an axis from 0 to 100% (further when a rate is above),
    each bar in its own colour (its pace), with a line at 100% and at each (share, label)
    of `marks` (the time elapsed, say)."""
    fig = bars(categories, rates, unit="ratio", name=name, title=title, colours=list(colours),
               horizontal=True, height=height, lang=lang)
    shown = [r * 100 for r in rates if r == r]
    fig["layout"]["xaxis"]["range"] = [0, max([100.0, *shown]) * 1.18]
    lines = [(1.0, "100%", "solid")] + [(share, label, "dash") for share, label in marks]
    fig["layout"]["shapes"] = [
        {"type": "line", "xref": "x", "yref": "paper", "x0": share * 100, "x1": share * 100,
         "y0": 0, "y1": 1, "line": {"color": "#6b7280", "width": 1.5, "dash": dash}}
        for share, _, dash in lines]
    fig["layout"]["annotations"] = [
        {"xref": "x", "yref": "paper", "x": share * 100, "y": 1, "yanchor": "bottom",
         "text": label, "showarrow": False, "font": {"size": 12, "color": "#4b5563"}}
        for share, label, _ in lines]
    return fig


def grouped_bars(categories: Sequence[str], series, *, unit: str, title: str,
                 partial: Sequence[bool] | None = None, height: int | None = None,
                 lang: str = "zh") -> dict:
    """Several series side by side: (name, colour, values, unit) each."""
    scale = scale_for(unit, lang)
    traces, every = [], []
    # One magnitude for every label of the chart, the largest's (8,467家 beside 1.4万家 read
    # as if a different kind of number).
    top = max((abs(v) for *_, values, _ in series for v in values if v == v), default=0)
    for name, colour, values, value_unit in series:
        shown = scale.apply(values)
        every += shown
        opacity = [palette.PARTIAL_OPACITY if p else 1.0
                   for p in (partial or [False] * len(shown))]
        traces.append({
            "type": "bar", "x": list(categories), "y": shown, "name": name,
            "text": format_values(values, value_unit, lang, top=top),
            "textposition": "outside", "cliponaxis": False,
            "marker": {"color": colour, "opacity": opacity},
            "customdata": _hover(name, value_unit, values, lang),
            "hovertemplate": "%{x}<br>%{customdata}<extra></extra>"})
    return _value_axis(_category_axis(_figure(traces, title, height, barmode="group")),
                       scale, every, False, lang)


def stacked_bars(categories: Sequence[str], series, *, unit: str, title: str,
                 horizontal: bool = False, height: int | None = None, lang: str = "zh") -> dict:
    """Series stacked: (name, colour, values) each, all in `unit`."""
    scale = scale_for(unit, lang)
    traces = []
    totals = [0.0] * len(categories)
    for name, colour, values in series:
        shown = scale.apply(values)
        totals = [a + b for a, b in zip(totals, shown, strict=True)]
        axis = ({"x": shown, "y": list(categories)} if horizontal
                else {"x": list(categories), "y": shown})
        traces.append({
            "type": "bar", **axis, "orientation": "h" if horizontal else "v", "name": name,
            "marker": {"color": colour}, "customdata": _hover(name, unit, values, lang),
            "hovertemplate": "%{" + ("y" if horizontal else "x")
            + "}<br>%{customdata}<extra></extra>"})
    fig = _value_axis(_category_axis(_figure(traces, title, height, barmode="stack"),
                                     horizontal), scale, totals, horizontal, lang)
    if horizontal:
        fig["layout"]["yaxis"]["autorange"] = "reversed"
    return fig


def lines(categories: Sequence[str], series, *, unit: str, title: str,
          height: int | None = None, lang: str = "zh") -> dict:
    """Lines with markers: (name, colour, values) each."""
    scale = scale_for(unit, lang)
    traces, every = [], []
    for name, colour, values in series:
        shown = scale.apply(values)
        every += shown
        traces.append({
            "type": "scatter", "mode": "lines+markers", "x": list(categories), "y": shown,
            "name": name, "line": {"color": colour}, "marker": {"color": colour},
            "customdata": _hover(name, unit, values, lang),
            "hovertemplate": "%{x}<br>%{customdata}<extra></extra>"})
    return _value_axis(_category_axis(_figure(traces, title, height)), scale, every, False, lang)


def donut(labels: Sequence[str], values: Sequence[float], colours: Sequence[str], *,
          unit: str, title: str, centre: str, centre_note: str = "",
          height: int | None = 360, lang: str = "zh") -> dict:
    """A donut with its key figure in the centre."""
    trace = {"type": "pie", "labels": list(labels), "values": list(values), "hole": 0.6,
             "sort": False, "direction": "clockwise", "marker": {"colors": list(colours)},
             "textinfo": "percent", "customdata": _hover("", unit, values, lang),
             "hovertemplate": "%{label}%{customdata}<extra></extra>"}
    note = f"<b>{centre}</b>" + (f"<br>{centre_note}" if centre_note else "")
    return _figure([trace], title, height, annotations=[
        {"text": note, "showarrow": False, "font": {"size": 20, "family": FONT},
         "x": 0.5, "y": 0.5, "xref": "paper", "yref": "paper"}])


def heatmap(grid, *, title: str, value_name: str, unit: str, colours,
            height: int = 520, lang: str = "zh") -> dict:
    """A grid (rows × columns, already labelled) of counts, hovered with its unit."""
    values = grid.to_numpy().tolist()
    colon = "：" if lang == "zh" else ": "
    trace = {"type": "heatmap", "z": values, "x": list(grid.columns), "y": list(grid.index),
             "colorscale": colours, "colorbar": {"title": {"text": value_name}},
             "customdata": [[format_value(v, unit, lang) for v in row]
                            for row in values],
             "hovertemplate": "%{y} · %{x}<br>" + value_name + colon
             + "%{customdata}<extra></extra>"}
    return _figure([trace], title, height, xaxis={"tickangle": -45, "type": "category"},
                   yaxis={"autorange": "reversed", "type": "category"})


class PeriodAxis:
    """A series' periods as labels, the ones the data or the filter cut marked partial
    (2020年1–8月), so a partial year is never read as a full year's fall. `start` is the
    filter's first day and `end` the last day the data covers (Analytics.period_end)."""

    def __init__(self, frame: pd.DataFrame, grain: str, lang: str, start, end):
        self.frame = frame
        self.labels = [period_label(p, grain, lang, start, end) for p in frame["period"]]
        self.partial = [is_partial(p, grain, start, end) for p in frame["period"]]
        # On a chart the part a partial period covers goes on a second line (narrow screens).
        self.chart_labels = [
            label.replace("年", "年<br>", 1) if part and grain == "year" and lang == "zh"
            else label.replace(" (", "<br>(", 1) if part else label
            for label, part in zip(self.labels, self.partial, strict=True)]
