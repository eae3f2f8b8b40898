"""县区 — the counties side by side. A county filter does not erase the comparison: every
county is shown under the other filters, the chosen ones highlighted with their rank and
share of the city; the table ranks them on the chosen indicator, with the city total."""

import pandas as pd
import streamlit as st

from analytics import compare, palette
from model import indicators as reg
from pages import charts, serving, shared, targets_ui
from pages.shared import compute, name_col, t
from presentation.tables import in_display_units
from targets import model, progress

lang = shared.lang()
# Indicators a county carries; county-level stations only (a city-level station belongs to
# no county, so "stations" would repeat "stations_county" here).
keys = tuple(i.key for i in reg.INDICATORS
             if i.fact_def.county is not None and i.key not in ("stations", "stations_city"))


def own_county_view(county: int) -> None:
    """County staff: a comparison of one county is an empty shell, so their county itself —
    every indicator (with its rank among the counties when the city allows it), the chosen
    one year by year and by industry."""
    name = shared.names("county")[county]
    st.caption(t("own_county_note").format(county=name))
    values = shared.call("values", keys)
    ranks = shared.own_county_ranks(keys)
    rows = {"indicator": [reg.get(k).name(lang) for k in keys],
            "value": [shared.fmt(values[k].value, reg.get(k).unit, reg.get(k).decimals)
                      for k in keys]}
    columns = {"indicator": "indicator", "value": "value_axis"}
    if ranks is not None:
        by_key = ranks.set_index("key")
        rows["rank"] = [t("own_rank_value").format(rank=by_key.at[k, "rank"])
                        if by_key.at[k, "rank"] is not None else "—" for k in keys]
        columns["rank"] = t("own_county_rank").format(n=int(ranks["of"].max()))
    st.subheader(t("own_county_values").format(county=name))
    shared.table(pd.DataFrame(rows), columns, "county_indicators", key="own_county_table")
    st.caption(t("own_rank_note") if ranks is not None else t("own_rank_closed"))

    key = shared.choose(st.selectbox, t("indicator"), keys, "county_indicator",
                        default="returnees", format_func=lambda k: reg.get(k).name(lang))
    ind = reg.get(key)
    charts.own_county_years(key)
    if ind.fact_def.industry is not None:
        charts.draw(*serving.built("counties.own_by_industry", _own_by_industry, key, county,
                                   lang=lang))


def _own_by_industry(key: str, county: int) -> tuple:
    """County staff: their county's `key` by industry."""
    ind, name = reg.get(key), shared.names("county")[county]
    by = compute(compare.ranked_breakdown, (key,), "industry", key)
    by = by[by[key].fillna(0) != 0]
    return charts.kept(charts.bars(by[name_col()], by[key], unit=ind.unit, name=ind.name(lang),
                                   horizontal=True, colours=palette.PRIMARY,
                                   title=t("own_by_industry").format(
                                       county=name, indicator=ind.name(lang))),
                       empty=by.empty)


def _comparison(key: str):
    """The counties on `key`: the chart, the counties its rank note reads, the table ready
    to draw; None when no county has any figure."""
    table = compute(compare.county_table, keys, key)
    counties = table[~table["is_total"]]
    if not counties[[k for k in keys if not reg.get(k).is_ratio]].to_numpy().any():
        return None
    ind = reg.get(key)
    fig = charts.bars(counties[name_col()], counties[key], unit=ind.unit, name=ind.name(lang),
                      title=f"{ind.name(lang)} · {t('by_county')}", horizontal=True,
                      colours=shared.highlight(counties["chosen"]), height=440)
    shown, scaled = in_display_units(table, keys, lang)
    view = shared.table_view(shown, {"rank": "rank", name_col(): "county", **scaled})
    return charts.kept(fig), counties, view


def _matrix() -> tuple:
    """The counties by industry (entities) as a heat map."""
    grid = compute(compare.county_matrix, "entities")
    grid = grid.rename(index=shared.names("county"), columns=shared.names("industry"))
    heat = charts.heatmap(grid, title=t("county_industry_matrix"),
                          value_name=reg.get("entities").name(lang), unit="entity",
                          colours=palette.HEAT)
    return charts.kept(heat, empty=not grid.to_numpy().any())


shared.header("page_counties", "note_counties_compare" if shared.own_county() is None
              else None)
if (mine := shared.own_county()) is not None:
    own_county_view(mine)
    st.stop()
key = shared.choose(st.selectbox, t("rank_by"), keys, "county_indicator",
                    default="returnees", format_func=lambda k: reg.get(k).name(lang))
# Built once per snapshot, scope, filter, language and indicator and shared by every
# session (serving.built): a warm rerun, or another user with the same filter, only draws.
built = serving.built("counties.comparison", _comparison, key, lang=lang)
if built is None:
    shared.empty_state()
    st.stop()
chart, counties, table = built
ind = reg.get(key)
charts.draw(*chart)
shared.rank_note(counties, key)

st.subheader(t("counties_compare"))
st.caption(t("sorted_by").format(indicator=ind.name(lang))
           + ("；" if lang == "zh" else "; ") + t("total_not_ranked"))
shared.table(table, None, "counties", key=f"counties_table_{key}",
             title=t("counties_compare"))

year = shared.analytics().snapshot.as_of.year
in_force = targets_ui.lookup(year)
if model.is_targetable(key) and any(k == key for k, _ in in_force):
    st.subheader(t("targets_rank"))
    progress_table = compute(progress.rank_counties, key, year, lookup=in_force)
    targets_ui.draw_county_ranking(progress_table, key)

st.subheader(t("county_industry_matrix"))
charts.draw(*serving.built("counties.matrix", _matrix, lang=lang))
