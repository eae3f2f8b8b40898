"""县区 — the counties side by side. A county filter does not erase the comparison: every
county is shown under the other filters, the chosen ones highlighted with their rank and
share of the city; the table ranks them on the chosen indicator, with the city total."""

import streamlit as st

from analytics import compare, palette
from analytics import indicators as reg
from analytics.formatting import scale_for
from pages import charts, shared, targets_ui
from pages.shared import compute, name_col, t
from targets import model, progress

shared.header("page_counties", "note_counties_compare")
lang = shared.lang()
# Indicators a county carries; county-level stations only (a city-level station belongs to
# no county, so "stations" would repeat "stations_county" here).
keys = tuple(i.key for i in reg.INDICATORS
             if i.fact_def.county is not None and i.key not in ("stations", "stations_city"))
key = shared.choose(st.selectbox, t("rank_by"), keys, "county_indicator",
                    default="returnees", format_func=lambda k: reg.get(k).name(lang))
table = compute(compare.county_table, keys, key)
counties = table[~table["is_total"]]
if not counties[[k for k in keys if not reg.get(k).is_ratio]].to_numpy().any():
    shared.empty_state()
    st.stop()

ind = reg.get(key)
fig = charts.bars(counties[name_col()], counties[key], unit=ind.unit, name=ind.name(lang),
                  title=f"{ind.name(lang)} · {t('by_county')}", horizontal=True,
                  colours=shared.highlight(counties["chosen"]), height=440)
charts.draw(fig)
shared.rank_note(counties, key)

st.subheader(t("counties_compare"))
st.caption(t("sorted_by").format(indicator=ind.name(lang))
           + ("；" if lang == "zh" else "; ") + t("total_not_ranked"))
columns = {"rank": "rank", name_col(): "county"}
shown = table.copy()
for k in keys:
    i = reg.get(k)
    scale = scale_for(i.unit, lang)
    shown[f"{k}__shown"] = scale.apply(shown[k])
    columns[f"{k}__shown"] = scale.header(i.name(lang), lang)
shared.table(shown, columns, "counties", key=f"counties_table_{key}",
             title=t("counties_compare"))

year = shared.analytics().snapshot.as_of.year
in_force = targets_ui.lookup(year)
if model.is_targetable(key) and any(k == key for k, _ in in_force):
    st.subheader(t("targets_rank"))
    progress_table = compute(progress.rank_counties, key, year, lookup=in_force)
    targets_ui.draw_county_ranking(progress_table, key)

st.subheader(t("county_industry_matrix"))
grid = compute(compare.county_matrix, "entities")
grid = grid.rename(index=shared.names("county"), columns=shared.names("industry"))
heat = charts.heatmap(grid, title=t("county_industry_matrix"),
                      value_name=reg.get("entities").name(lang), unit="entity",
                      colours=palette.HEAT)
charts.draw(heat, empty=not grid.to_numpy().any())
