"""项目 — the projects over 100 million yuan, who recommended them, by stage and industry."""

import plotly.express as px
import streamlit as st

from analytics import indicators as reg
from pages import shared
from pages.shared import call, name_col, t

shared.header("page_projects")
lang = shared.lang()
keys = ("big_projects", "big_investment", "big_station_share", "projects", "project_investment")
values = call("values", keys)
if not values["projects"].value:
    shared.empty_state()
    st.stop()
shared.cards(keys, values, per_row=3)

left, right = st.columns(2)
with left:
    stages = call("projects_by_stage")
    stages = stages.assign(label=[shared.label("stage", c) for c in stages["code"]])
    fig = px.bar(stages, x="label", y="projects", title=t("by_stage"),
                 hover_data={"project_investment": True},
                 labels={"label": t("stage"), "projects": reg.get("projects").name(lang),
                         "project_investment": t("investment_wan")})
    shared.chart(fig)
with right:
    share = values["big_station_share"]
    fig = px.pie(names=[t("station_recommended"), t("not_recommended")],
                 values=[share.numerator or 0, (share.denominator or 0) - (share.numerator or 0)],
                 title=reg.get("big_station_share").name(lang), hole=0.5)
    shared.chart(fig, value_axis=None)
left, right = st.columns(2)
with left:
    by_industry = call("breakdown", ("big_projects", "big_investment"), "industry")
    by_industry = by_industry[by_industry["big_projects"] > 0].sort_values("big_investment")
    fig = px.bar(by_industry, x="big_investment", y=name_col(), orientation="h",
                 title=f"{reg.get('big_investment').name(lang)} · {t('by_industry')}",
                 labels={"big_investment": t("investment_wan"), name_col(): t("industry")})
    shared.chart(fig, value_axis="x")
with right:
    by_county = call("breakdown", ("big_projects", "big_investment"), "county")
    fig = px.bar(by_county, x=name_col(), y="big_investment",
                 title=f"{reg.get('big_investment').name(lang)} · {t('by_county')}",
                 labels={"big_investment": t("investment_wan"), name_col(): t("county")})
    shared.chart(fig)

st.subheader(t("big_projects_list"))
projects = call("big_projects")
if projects.empty:
    shared.empty_state()
else:
    suffix = "zh" if lang == "zh" else "en"
    projects = projects.assign(stage_label=[shared.label("stage", s) for s in projects["stage"]])
    shared.table(projects, {"name_zh": "project_name", f"county_{suffix}": "county",
                            f"industry_{suffix}": "industry", "investment": "investment_wan",
                            "stage_label": "stage", "signed_on": "signed_on",
                            "landed_on": "landed_on", "station_zh": "recommended_by",
                            "investor": "investor"},
                 "big_projects", key="big_projects_table", height=420)
