"""县区 — the counties side by side on every indicator that a county carries."""

import plotly.express as px
import streamlit as st

from analytics import indicators as reg
from pages import shared
from pages.shared import call, name_col, t

shared.header("page_counties")
lang = shared.lang()
keys = tuple(i.key for i in reg.INDICATORS
             if i.fact_def.county is not None and i.key != "stations_city")
table = call("county_values", keys)
if table.empty or not table[[k for k in keys if not reg.get(k).is_ratio]].to_numpy().any():
    shared.empty_state()
    st.stop()

key = shared.choose(st.selectbox, t("choose_indicator"), keys, "county_indicator",
                    default="returnees", format_func=lambda k: reg.get(k).name(lang))
ind = reg.get(key)
fig = px.bar(table, x=name_col(), y=key, title=f"{ind.name(lang)} · {t('by_county')}",
             labels={name_col(): t("county"), key: ind.name(lang)})
shared.chart(fig, percent=ind.is_ratio)

st.subheader(t("counties_compare"))
formatted = table[[name_col()]].copy()
for k in keys:
    i = reg.get(k)
    formatted[k] = [shared.fmt(v, i.unit, i.decimals) for v in table[k]]
shown = formatted.rename(columns={k: reg.get(k).name(lang) for k in keys})
st.dataframe(shown.rename(columns={name_col(): t("county")}), hide_index=True, width="stretch")
raw = table[[name_col(), *keys]].rename(columns={k: reg.get(k).name(lang) for k in keys})
shared.download_only(raw.rename(columns={name_col(): t("county")}), "counties",
                     key="counties_download")

st.subheader(t("county_industry_matrix"))
grid = call("matrix", "entities")
counties = shared.analytics().counties().set_index("county_code")[name_col()]
industries = shared.analytics().industries().set_index("industry_code")[name_col()]
grid = grid.rename(index=counties.to_dict(), columns=industries.to_dict())
fig = px.imshow(grid, aspect="auto", color_continuous_scale="Reds",
                labels={"x": t("industry"), "y": t("county"), "color": reg.get("entities").name(lang)})
fig.update_layout(height=520)
st.plotly_chart(fig, width="stretch")  # a heatmap: both axes are categories
