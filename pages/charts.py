"""Charts on a page: the figures are built in presentation.charts (plain plotly
dictionaries) in the user's language; here they are drawn, or their title and the empty
state when there is nothing to plot."""

from __future__ import annotations

import functools

import streamlit as st

from model import indicators as reg
from pages.labels import lang, names, plain, t
from pages.layout import empty_state, period_axis
from pages.serving import call, checked_figure, own_county
from presentation import charts as build
from presentation.charts import FONT, title_of

__all__ = ["FONT", "bars", "completion_bars", "donut", "draw", "grouped_bars", "heatmap",
           "kept", "lines", "own_county_years", "stacked_bars", "title_of"]


def _in_language(make):
    """presentation.charts' `make` with the user's language."""
    @functools.wraps(make)
    def made(*args, **kwargs):
        return make(*args, lang=lang(), **kwargs)
    return made


bars = _in_language(build.bars)
completion_bars = _in_language(build.completion_bars)
grouped_bars = _in_language(build.grouped_bars)
stacked_bars = _in_language(build.stacked_bars)
lines = _in_language(build.lines)
donut = _in_language(build.donut)
heatmap = _in_language(build.heatmap)


def draw(fig, empty: bool = False) -> None:
    """Show a figure (a dictionary, or a plotly Figure from `kept`), or its title and the empty state when it has nothing to plot."""
    if empty:
        title = title_of(fig)
        if title:
            st.markdown(f"**{plain(title)}**")
        empty_state()
        return
    st.plotly_chart(fig, width="stretch", config={"displaylogo": False, "responsive": True})


def kept(fig: dict, empty: bool = False) -> tuple:
    """What pages.serving.built keeps of a chart, to `draw` as (figure, empty): the figure
    checked once (serving.checked_figure), or the dictionary whose title the empty state
    shows."""
    return (fig if empty else checked_figure(fig)), empty


def own_county_years(key: str, height: int | None = None) -> None:
    """For county staff, in place of a comparison of their one county: `key` for their
    county year by year, the partial current year marked and said."""
    county = own_county()
    ind, language = reg.get(key), lang()
    name = names("county")[county]
    series = call("series", key, grain="year")
    title = t("own_by_year").format(county=name, indicator=ind.name(language))
    if series.empty or not (ind.is_ratio or series["value"].sum()):
        draw({"layout": {"title": {"text": title}}}, empty=True)
        return
    axis = period_axis(series[["period"]].reset_index(drop=True), "year")
    draw(bars(axis.chart_labels, series["value"], unit=ind.unit, name=ind.name(language),
              partial=axis.partial, title=title, height=height))
    if any(axis.partial):
        st.caption(t("partial_note").format(period=axis.labels[-1]))
