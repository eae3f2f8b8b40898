"""趋势 — any indicator over time, per period or cumulative, split by county or industry."""

import plotly.express as px
import streamlit as st

from analytics import indicators as reg
from analytics.formatting import period_label
from pages import shared
from pages.shared import call, name_col, t

shared.header("page_trends")
lang = shared.lang()
keys = [i.key for i in reg.INDICATORS if i.fact_def.date is not None]
c1, c2, c3, c4 = st.columns([3, 2, 2, 2])
key = shared.choose(c1.selectbox, t("indicator"), keys, "trend_indicator", default="returnees",
                   format_func=lambda k: reg.get(k).name(lang))
grain = shared.segmented(t("grain"), ["year", "quarter", "month"], "trend_grain",
                         default="year", format_func=lambda g: t(f"grain_{g}"), where=c2)
mode = shared.segmented(t("cumulative"), ["per_period", "cumulative"], "trend_mode",
                        default="per_period", format_func=t, where=c3)
ind = reg.get(key)
splits = [None] + [d for d in ("county", "industry")
                   if getattr(ind.fact_def, d) is not None]
split = shared.choose(c4.selectbox, t("split_by"), splits, "trend_split",
                      format_func=lambda d: t(d or "none"))

df = call("series", key, grain=grain, cumulative=mode == "cumulative", split=split)
if df.empty or (not ind.is_ratio and df["value"].sum() == 0):
    shared.empty_state()
    st.stop()
title = f"{ind.name(lang)} · {t(mode)} · {t('grain_' + grain)}"
unit_label = f"{ind.name(lang)}（{shared.unit(ind.unit)}）"
plot_kwargs = {"x": "period", "y": "value", "title": title,
               "labels": {"period": t("period_axis"), "value": unit_label,
                          name_col(): t(split) if split else ""}}
if split:
    plot_kwargs["color"] = name_col()
fig = (px.line(df, markers=True, **plot_kwargs) if mode == "cumulative" or ind.is_ratio
       else px.bar(df, **plot_kwargs))
shared.chart(fig, percent=ind.is_ratio)
st.caption(f"{t('definition')}: {ind.definition(lang)}")
df = df.assign(period_label=[period_label(p, grain, lang) for p in df["period"]])
columns = {"period_label": "period_axis", "value": "value_axis"}
if split:
    columns = {"period_label": "period_axis", name_col(): split, "value": "value_axis"}
shared.table(df, columns, f"trend_{key}_{grain}", key="trend_table", height=300)
