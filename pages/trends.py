"""趋势 — any indicator over time, per period or cumulative, split by county or industry, each
county and industry always in its own colour, the partial current period marked."""

import streamlit as st

from analytics import palette
from core.formatting import scale_for
from model import indicators as reg
from pages import charts, serving, shared
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
splits = ["none"] + [d for d in ("county", "industry")
                     if getattr(ind.fact_def, d) is not None]
split = shared.choose(c4.selectbox, t("split_by"), splits, "trend_split", format_func=t)
split = None if split == "none" else split



def _trend(key: str, grain: str, mode: str, split: str | None):
    """The chart, the partial period's note (or None), the table ready to draw and its
    title; None when there is nothing to show."""
    ind = reg.get(key)
    df = call("series", key, grain=grain, cumulative=mode == "cumulative", split=split)
    if df.empty or (not ind.is_ratio and df["value"].sum() == 0):
        return None
    axis = shared.period_axis(df.drop_duplicates("period")[["period"]].reset_index(drop=True),
                              grain)
    label_of = dict(zip(axis.frame["period"], axis.chart_labels, strict=True))
    title = f"{ind.name(lang)} · {t(mode)} · {t('grain_' + grain)}"
    as_lines = mode == "cumulative" or ind.is_ratio
    if split:
        series = []
        for code, part in df.groupby("code", sort=True):
            series.append((part[name_col()].iloc[0], palette.colour(split, code),
                           part["value"].tolist()))
        series.sort(key=lambda s: -sum(v for v in s[2] if v == v))  # the largest first
        categories = [label_of[p] for p in axis.frame["period"]]
        fig = (charts.lines(categories, series, unit=ind.unit, title=title, height=480)
               if as_lines else
               charts.stacked_bars(categories, series, unit=ind.unit, title=title, height=480))
    else:
        categories = axis.chart_labels
        fig = (charts.lines(categories, [(ind.name(lang), palette.PRIMARY,
                                          df["value"].tolist())],
                            unit=ind.unit, title=title)
               if as_lines else
               charts.bars(categories, df["value"], unit=ind.unit, name=ind.name(lang),
                           title=title, partial=axis.partial))
    note = t("partial_note").format(period=axis.labels[-1]) if any(axis.partial) else None
    label_text = dict(zip(axis.frame["period"], axis.labels, strict=True))
    scale = scale_for(ind.unit, lang)
    table = df.assign(period_label=[label_text[p] for p in df["period"]],
                      shown=scale.apply(df["value"]))
    columns = {"period_label": "period_axis"}
    if split:
        columns[name_col()] = split
    columns["shown"] = scale.header(ind.name(lang), lang)
    return charts.kept(fig)[0], note, shared.table_view(table, columns), title


# Built once per snapshot, scope, filter, language and the choices above, and shared by
# every session (serving.built): a warm rerun, or another user with the same, only draws.
built = serving.built("trends.series", _trend, key, grain, mode, split, lang=lang)
if built is None:
    shared.empty_state()
    st.stop()
fig, note, table, title = built
charts.draw(fig)
if note:
    st.caption(note)
st.caption(f"{t('definition')}{'：' if lang == 'zh' else ': '}{ind.definition(lang)}")
shared.table(table, None, f"trend_{key}_{grain}", key="trend_table", height=300,
             title=title)
