"""总览 — the leadership cockpit: the headline figures against a year before, then the shape
of the programme: returns and businesses by year, the return funnel of the outside
register, projects by county (every county, the chosen ones marked), the industry mix."""

import streamlit as st

from analytics import compare, palette
from model import indicators as reg
from pages import charts, serving, shared
from pages.shared import call, compute, fmt, name_col, t

shared.header("page_overview", "note_compare_counties")
lang = shared.lang()
values = compute(compare.headline, reg.HEADLINE)
if not values["returnees"].value and not values["stations"].value:
    shared.empty_state()
    st.stop()

sparks = compute(compare.sparklines, reg.HEADLINE)
shared.cards(reg.HEADLINE, values, per_row=4, sparks=sparks)


def _drawn(fig: dict, empty: bool) -> tuple:
    # What `built` keeps of a chart: a figure checked once (see serving.checked_figure), or
    # the dictionary whose title the empty state shows.
    return (fig if empty else serving.checked_figure(fig)), empty


def _years() -> tuple:
    years = shared.period_axis(call("series", "returnees", grain="year"), "year")
    entities = call("series", "entities", grain="year")
    fig = charts.grouped_bars(
        years.chart_labels,
        [(reg.get("returnees").name(lang), palette.colour("indicator", "returnees"),
          years.frame["value"], "person"),
         (reg.get("entities").name(lang), palette.colour("indicator", "entities"),
          entities["value"], "entity")],
        unit="person", title=t("returnees_entities_by_year"), partial=years.partial)
    note = t("partial_note").format(period=years.labels[-1]) if any(years.partial) else None
    return *_drawn(fig, not years.frame["value"].any()), note


def _funnel() -> tuple:
    funnel = call("return_funnel").iloc[0]
    stages = ["registered", "intending", "returned", "founded"]
    fig = charts.bars([t(f"funnel_{s}") for s in stages], [int(funnel[s]) for s in stages],
                      unit="person", name=t("funnel_people"), title=t("funnel"),
                      horizontal=True, colours=palette.PRIMARY)
    note = t("funnel_note").format(
        registered=fmt(funnel["registered"], "person"),
        returned=fmt(funnel["returned"], "person"),
        returnees=fmt(values["returnees"].value, "person"))
    return *_drawn(fig, not funnel["registered"]), note


def _by_county() -> tuple:
    by_county = compute(compare.ranked_counties, ("big_projects", "big_investment"),
                        "big_projects")
    chosen = by_county["chosen"].tolist()
    fig = charts.bars(by_county[name_col()], by_county["big_projects"], unit="project",
                      name=reg.get("big_projects").name(lang), title=t("projects_by_county"),
                      horizontal=True, colours=shared.highlight(chosen), height=420)
    return _drawn(fig, not by_county["big_projects"].any())


def _mix() -> tuple:
    mix = compute(compare.ranked_breakdown, ("entities",), "industry", "entities")
    mix = mix[mix["entities"] > 0]
    fig = charts.bars(mix[name_col()], mix["entities"], unit="entity",
                      name=reg.get("entities").name(lang), title=t("industry_mix"),
                      horizontal=True,
                      colours=[palette.colour("industry", c) for c in mix["code"]],
                      height=max(420, 24 * len(mix) + 80))
    return _drawn(fig, mix.empty)


# The charts are built once per snapshot, scope, filter and language and shared by every
# session (serving.built): a warm rerun, or another user with the same filter, only draws.
left, right = st.columns(2)
with left:
    fig, empty, note = serving.built("overview.years", _years, lang=lang)
    charts.draw(fig, empty=empty)
    if note:
        st.caption(note)
with right:
    fig, empty, note = serving.built("overview.funnel", _funnel, lang=lang)
    charts.draw(fig, empty=empty)
    st.caption(note)

left, right = st.columns(2)
with left:
    if shared.own_county() is not None:  # county staff: their county by year, not one bar
        charts.own_county_years("big_projects", height=420)
    else:
        charts.draw(*serving.built("overview.by_county", _by_county, lang=lang))
        shared.rank_note(compute(compare.ranked_counties, ("big_projects", "big_investment"),
                                 "big_projects"), "big_projects")
with right:
    charts.draw(*serving.built("overview.mix", _mix, lang=lang))
