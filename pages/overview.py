"""总览 — the leadership cockpit: headline cards, then the shape of the programme."""

import pandas as pd
import plotly.express as px
import streamlit as st

from analytics import indicators as reg
from pages import shared
from pages.shared import call, fmt, name_col, t

shared.header("page_overview")
values = call("values", reg.HEADLINE)
if not values["returnees"].value and not values["stations"].value:
    shared.empty_state()
    st.stop()

sparks = {key: call("series", key, grain="year", cumulative=True)["value"].tolist()
          for key in reg.HEADLINE}
shared.cards(reg.HEADLINE, values, per_row=4, sparks=sparks)

left, right = st.columns(2)
with left:
    by_year = pd.concat([
        call("series", key, grain="year").assign(indicator=reg.get(key).name(shared.lang()))
        for key in ("returnees", "entities")])
    fig = px.bar(by_year, x="period", y="value", color="indicator", barmode="group",
                 title=t("returnees_entities_by_year"),
                 labels={"period": t("period_axis"), "value": t("value_axis"),
                         "indicator": t("indicator")})
    fig.update_xaxes(dtick="M12", tickformat="%Y")
    shared.chart(fig)
with right:
    funnel = call("return_funnel").iloc[0]
    stages = ["registered", "intending", "returned", "founded", "jobs"]
    fig = px.funnel(x=[int(funnel[s]) for s in stages],
                    y=[t(f"funnel_{s}") for s in stages], title=t("funnel"),
                    labels={"x": t("value_axis"), "y": ""})
    fig.update_traces(text=[fmt(funnel[s], "person") for s in stages], textinfo="text")
    shared.chart(fig, value_axis="x")

left, right = st.columns(2)
with left:
    counties = call("breakdown", ("big_projects", "big_investment"), "county")
    counties = counties[counties["big_projects"] > 0]
    if counties.empty:
        shared.empty_state()
    else:
        fig = px.bar(counties, x=name_col(), y="big_projects", title=t("projects_by_county"),
                     hover_data={"big_investment": True},
                     labels={name_col(): t("county"),
                             "big_projects": reg.get("big_projects").name(shared.lang()),
                             "big_investment": t("investment_wan")})
        shared.chart(fig)
with right:
    mix = call("breakdown", ("entities",), "industry")
    mix = mix[mix["entities"] > 0].sort_values("entities")
    if mix.empty:
        shared.empty_state()
    else:
        fig = px.bar(mix, x="entities", y=name_col(), orientation="h", title=t("industry_mix"),
                     labels={name_col(): t("industry"),
                             "entities": reg.get("entities").name(shared.lang())},
                     height=520)
        shared.chart(fig, value_axis="x")
