"""The app's charts, drawn one way everywhere: bars labelled with their values, money in 亿元
like the cards, count axes from zero in whole numbers, hover text in the user's language
with units, one colour per category (analytics.palette), the current partial year marked,
legends below the plot so a phone keeps the plot's width.

Values arrive computed (analytics); this module only lays them out.
"""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go

from analytics import palette
from analytics.formatting import format_value, scale_for
from pages import shared

FONT = '"Noto Sans CJK SC", "Noto Sans SC", "Microsoft YaHei", sans-serif'


def _layout(fig: go.Figure, title: str, height: int | None = None) -> go.Figure:
    fig.update_layout(
        title={"text": title, "font": {"size": 16}}, font_family=FONT, separators=".,",
        margin={"l": 10, "r": 10, "t": 48, "b": 10}, height=height,
        legend={"orientation": "h", "yanchor": "top", "y": -0.12, "xanchor": "left", "x": 0,
                "title": {"text": ""}},
        hoverlabel={"font_family": FONT}, plot_bgcolor="white", bargap=0.25,
        uniformtext={"minsize": 9, "mode": "hide"})
    fig.update_xaxes(tickangle=0, automargin=True, showgrid=False)
    fig.update_yaxes(automargin=True, gridcolor="#eceff3")
    return fig


def _hover(name: str, unit: str, values) -> list[str]:
    return [f"{name}：{format_value(v, unit, shared.lang())}" if shared.lang() == "zh"
            else f"{name}: {format_value(v, unit, shared.lang())}" for v in values]


def bars(categories: Sequence[str], values: Sequence[float], *, unit: str, name: str,
         title: str, colours: Sequence[str] | str | None = None, horizontal: bool = False,
         partial: Sequence[bool] | None = None, height: int | None = None) -> go.Figure:
    """One series of bars, each labelled (27.6万 / 12.35亿) and hovered with its unit."""
    scale = scale_for(unit, shared.lang())
    shown = scale.apply(values)
    text = [format_value(v, unit, shared.lang()) for v in values]
    opacity = [palette.PARTIAL_OPACITY if p else 1.0 for p in (partial or [False] * len(shown))]
    bar = go.Bar(
        x=shown if horizontal else list(categories), y=list(categories) if horizontal else shown,
        orientation="h" if horizontal else "v", name=name, text=text,
        textposition="outside", cliponaxis=False,
        marker={"color": colours or palette.PRIMARY, "opacity": opacity},
        customdata=_hover(name, unit, values),
        hovertemplate="%{" + ("y" if horizontal else "x") + "}<br>%{customdata}<extra></extra>")
    fig = _layout(go.Figure(bar), title, height)
    _value_axis(fig, scale, shown, horizontal)
    if horizontal:
        fig.update_yaxes(autorange="reversed")  # the first category on top
    return fig


def grouped_bars(categories: Sequence[str], series: Sequence[tuple[str, str, Sequence[float],
                                                                   str]],
                 *, unit: str, title: str, partial: Sequence[bool] | None = None,
                 height: int | None = None) -> go.Figure:
    """Several series side by side: (name, colour, values, unit) each."""
    scale = scale_for(unit, shared.lang())
    fig = go.Figure()
    every = []
    for name, colour, values, value_unit in series:
        shown = scale.apply(values)
        every += shown
        opacity = [palette.PARTIAL_OPACITY if p else 1.0
                   for p in (partial or [False] * len(shown))]
        fig.add_bar(x=list(categories), y=shown, name=name,
                    text=[format_value(v, value_unit, shared.lang()) for v in values],
                    textposition="outside", cliponaxis=False,
                    marker={"color": colour, "opacity": opacity},
                    customdata=_hover(name, value_unit, values),
                    hovertemplate="%{x}<br>%{customdata}<extra></extra>")
    _layout(fig, title, height).update_layout(barmode="group")
    _value_axis(fig, scale, every, False)
    return fig


def stacked_bars(categories: Sequence[str], series, *, unit: str, title: str,
                 horizontal: bool = False, height: int | None = None) -> go.Figure:
    """Series stacked: (name, colour, values) each, all in `unit`."""
    scale = scale_for(unit, shared.lang())
    fig = go.Figure()
    totals = [0.0] * len(categories)
    for name, colour, values in series:
        shown = scale.apply(values)
        totals = [a + b for a, b in zip(totals, shown, strict=True)]
        axis = {"x": shown, "y": list(categories)} if horizontal else {
            "x": list(categories), "y": shown}
        fig.add_bar(**axis, orientation="h" if horizontal else "v", name=name,
                    marker={"color": colour}, customdata=_hover(name, unit, values),
                    hovertemplate="%{" + ("y" if horizontal else "x")
                    + "}<br>%{customdata}<extra></extra>")
    _layout(fig, title, height).update_layout(barmode="stack")
    _value_axis(fig, scale, totals, horizontal)
    if horizontal:
        fig.update_yaxes(autorange="reversed")
    return fig


def lines(categories: Sequence[str], series, *, unit: str, title: str,
          height: int | None = None) -> go.Figure:
    """Lines with markers: (name, colour, values) each."""
    scale = scale_for(unit, shared.lang())
    fig = go.Figure()
    every = []
    for name, colour, values in series:
        shown = scale.apply(values)
        every += shown
        fig.add_scatter(x=list(categories), y=shown, name=name, mode="lines+markers",
                        line={"color": colour}, customdata=_hover(name, unit, values),
                        hovertemplate="%{x}<br>%{customdata}<extra></extra>")
    _layout(fig, title, height)
    _value_axis(fig, scale, every, False)
    return fig


def donut(labels: Sequence[str], values: Sequence[float], colours: Sequence[str], *,
          unit: str, title: str, centre: str, centre_note: str = "",
          height: int | None = 360) -> go.Figure:
    """A donut with its key figure in the centre."""
    fig = go.Figure(go.Pie(
        labels=list(labels), values=list(values), hole=0.6, sort=False, direction="clockwise",
        marker={"colors": list(colours)}, textinfo="percent",
        customdata=_hover("", unit, values),
        hovertemplate="%{label}%{customdata}<extra></extra>"))
    _layout(fig, title, height)
    fig.add_annotation(text=f"<b>{centre}</b>" + (f"<br>{centre_note}" if centre_note else ""),
                       showarrow=False, font={"size": 20, "family": FONT}, x=0.5, y=0.5,
                       xref="paper", yref="paper")
    return fig


def _value_axis(fig: go.Figure, scale, shown, horizontal: bool) -> None:
    axis = fig.update_xaxes if horizontal else fig.update_yaxes
    numbers = [v for v in shown if v == v]
    # A vertical axis title would stand rotated ("个" turned on its side): the bars carry
    # their unit in their labels; a horizontal axis names its unit below.
    axis(tickformat=scale.tickformat, rangemode="tozero",
         title_text=scale.unit(shared.lang()) if horizontal else None)
    if numbers and scale.tickformat == ",d" and max(numbers) <= 6:
        axis(dtick=1)
    if numbers and max(numbers) > 0:
        axis(range=[0, max(numbers) * 1.18])  # room for the labels above the bars


def draw(fig: go.Figure, empty: bool = False) -> None:
    """Show a figure, or its title and the empty state when it has nothing to plot."""
    if empty:
        title = fig.layout.title.text
        if title:
            shared.st.markdown(f"**{title}**")
        shared.empty_state()
        return
    shared.st.plotly_chart(fig, width="stretch", config={"displaylogo": False,
                                                         "responsive": True})


def heatmap(grid, *, title: str, value_name: str, unit: str, colours,
            height: int = 520) -> go.Figure:
    """A grid (rows × columns, already labelled) of counts, hovered with its unit."""
    values = grid.to_numpy()
    text = [[format_value(v, unit, shared.lang()) for v in row] for row in values]
    fig = go.Figure(go.Heatmap(
        z=values, x=list(grid.columns), y=list(grid.index), colorscale=colours,
        customdata=text, colorbar={"title": {"text": value_name}},
        hovertemplate="%{y} · %{x}<br>" + value_name
        + ("：" if shared.lang() == "zh" else ": ") + "%{customdata}<extra></extra>"))
    _layout(fig, title, height)
    fig.update_xaxes(tickangle=-45)
    fig.update_yaxes(autorange="reversed")
    return fig
