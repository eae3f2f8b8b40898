"""总览 — the leadership cockpit: the headline figures against a year before, then the shape
of the programme: returns and businesses by year, the return funnel of the outside
register, projects by county (every county, the chosen ones marked), the industry mix."""

import streamlit as st

from analytics import compare, palette
from model import indicators as reg
from pages import charts, shared
from pages.shared import call, compute, fmt, name_col, t

shared.header("page_overview", "note_compare_counties")
lang = shared.lang()
values = compute(compare.headline, reg.HEADLINE)
if not values["returnees"].value and not values["stations"].value:
    shared.empty_state()
    st.stop()

sparks = compute(compare.sparklines, reg.HEADLINE)
shared.cards(reg.HEADLINE, values, per_row=4, sparks=sparks)

left, right = st.columns(2)
with left:
    years = shared.period_axis(call("series", "returnees", grain="year"), "year")
    entities = call("series", "entities", grain="year")
    fig = charts.grouped_bars(
        years.chart_labels,
        [(reg.get("returnees").name(lang), palette.colour("indicator", "returnees"),
          years.frame["value"], "person"),
         (reg.get("entities").name(lang), palette.colour("indicator", "entities"),
          entities["value"], "entity")],
        unit="person", title=t("returnees_entities_by_year"), partial=years.partial)
    charts.draw(fig, empty=not years.frame["value"].any())
    if any(years.partial):
        st.caption(t("partial_note").format(period=years.labels[-1]))
with right:
    funnel = call("return_funnel").iloc[0]
    stages = ["registered", "intending", "returned", "founded"]
    fig = charts.bars([t(f"funnel_{s}") for s in stages], [int(funnel[s]) for s in stages],
                      unit="person", name=t("funnel_people"), title=t("funnel"),
                      horizontal=True, colours=palette.PRIMARY)
    charts.draw(fig, empty=not funnel["registered"])
    st.caption(t("funnel_note").format(
        registered=fmt(funnel["registered"], "person"),
        returned=fmt(funnel["returned"], "person"),
        returnees=fmt(values["returnees"].value, "person")))

left, right = st.columns(2)
with left:
    if shared.own_county() is not None:  # county staff: their county by year, not one bar
        charts.own_county_years("big_projects", height=420)
    else:
        by_county = compute(compare.ranked_counties, ("big_projects", "big_investment"),
                            "big_projects")
        chosen = by_county["chosen"].tolist()
        fig = charts.bars(by_county[name_col()], by_county["big_projects"], unit="project",
                          name=reg.get("big_projects").name(lang), title=t("projects_by_county"),
                          horizontal=True, colours=shared.highlight(chosen), height=420)
        charts.draw(fig, empty=not by_county["big_projects"].any())
        shared.rank_note(by_county, "big_projects")
with right:
    mix = compute(compare.ranked_breakdown, ("entities",), "industry", "entities")
    mix = mix[mix["entities"] > 0]
    fig = charts.bars(mix[name_col()], mix["entities"], unit="entity",
                      name=reg.get("entities").name(lang), title=t("industry_mix"),
                      horizontal=True,
                      colours=[palette.colour("industry", c) for c in mix["code"]],
                      height=max(420, 24 * len(mix) + 80))
    charts.draw(fig, empty=mix.empty)
