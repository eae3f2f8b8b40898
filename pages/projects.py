"""项目 — the projects over 100 million yuan: how many, what they are worth, who recommended
them, by stage (in pipeline order), industry and county (every county, the chosen marked)."""

import streamlit as st

from analytics import compare, palette
from core.formatting import scale_for
from model import indicators as reg
from pages import charts, serving, shared
from pages.shared import compute, fmt, name_col, t

shared.header("page_projects", "note_compare_counties")
lang = shared.lang()
keys = ("big_projects", "big_investment", "big_station_share", "projects", "project_investment")
values = compute(compare.headline, keys)
if not values["projects"].value:
    shared.empty_state()
    st.stop()
shared.cards(keys, values, per_row=3)



def _stages() -> tuple:
    stages = compute(compare.stages)
    fig = charts.bars(stages[name_col()], stages["projects"], unit="project",
                      name=reg.get("projects").name(lang), title=t("by_stage"),
                      colours=[palette.colour("stage", c) for c in stages["code"]])
    return charts.kept(fig, empty=not stages["projects"].any())


def _station_share() -> tuple:
    share = values["big_station_share"]
    recommended = share.numerator or 0
    others = (share.denominator or 0) - recommended
    fig = charts.donut(
        [t("station_recommended"), t("not_recommended")], [recommended, others],
        [palette.RECOMMENDED_COLOURS["station"], palette.RECOMMENDED_COLOURS["other"]],
        unit="project", title=reg.get("big_station_share").name(lang),
        centre=fmt(share.value, "ratio", 0),
        centre_note=t("of_projects").format(n=fmt(recommended, "project"),
                                            total=fmt(share.denominator or 0, "project")))
    return charts.kept(fig, empty=not share.denominator)


def _by_industry() -> tuple:
    by_industry = compute(compare.ranked_breakdown, ("big_projects", "big_investment"),
                          "industry", "big_investment")
    by_industry = by_industry[by_industry["big_projects"] > 0]
    fig = charts.bars(by_industry[name_col()], by_industry["big_investment"], unit="wan_yuan",
                      name=reg.get("big_investment").name(lang),
                      title=f"{reg.get('big_investment').name(lang)} · {t('by_industry')}",
                      horizontal=True,
                      colours=[palette.colour("industry", c) for c in by_industry["code"]],
                      height=max(360, 26 * len(by_industry) + 90))
    return charts.kept(fig, empty=by_industry.empty)


def _by_county() -> tuple:
    """The chart and the ranking its note reads."""
    by_county = compute(compare.ranked_counties, ("big_projects", "big_investment"),
                        "big_investment")
    fig = charts.bars(by_county[name_col()], by_county["big_investment"], unit="wan_yuan",
                      name=reg.get("big_investment").name(lang),
                      title=f"{reg.get('big_investment').name(lang)} · {t('by_county')}",
                      horizontal=True, colours=shared.highlight(by_county["chosen"]),
                      height=420)
    return charts.kept(fig, empty=not by_county["big_investment"].any()), by_county


def _projects():
    """The big projects as a table ready to draw (None: there are none)."""
    projects = shared.call("big_projects")
    if projects.empty:
        return None
    suffix = "zh" if lang == "zh" else "en"
    money = scale_for("wan_yuan", lang)
    projects = projects.assign(stage_label=shared.labels("stage", projects["stage"]),
                               investment_shown=money.apply(projects["investment"]))
    return shared.table_view(
        projects, {"name_zh": "project_name", f"county_{suffix}": "county",
                   f"industry_{suffix}": "industry",
                   "investment_shown": money.header(t("investment"), lang),
                   "stage_label": "stage", "signed_on": "signed_on",
                   "landed_on": "landed_on", "station_zh": "recommended_by",
                   "investor": "investor"})


# The charts and the table are built once per snapshot, scope, filter and language and
# shared by every session (serving.built): a warm rerun, or another user with the same
# filter, only draws them.
left, right = st.columns(2)
with left:
    charts.draw(*serving.built("projects.stages", _stages, lang=lang))
    st.caption(t("stage_note"))
with right:
    charts.draw(*serving.built("projects.station_share", _station_share, lang=lang))

left, right = st.columns(2)
with left:
    charts.draw(*serving.built("projects.by_industry", _by_industry, lang=lang))
with right:
    if shared.own_county() is not None:  # county staff: their county by year, not one bar
        charts.own_county_years("big_investment", height=420)
    else:
        chart, by_county = serving.built("projects.by_county", _by_county, lang=lang)
        charts.draw(*chart)
        shared.rank_note(by_county, "big_investment")

st.subheader(t("big_projects_list"))
projects = serving.built("projects.list", _projects, lang=lang)
if projects is None:
    shared.empty_state()
else:
    shared.table(projects, None, "big_projects", key="big_projects_table", height=420,
                 title=t("big_projects_list"))
