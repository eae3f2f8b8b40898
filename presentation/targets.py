"""完成率 below the UI: a target or a year so far in its indicator's unit, a table's rates
with their pace in colour, and the counties ranked by 完成率 of one indicator (figure, table
and the counties without a target) as one view model. No streamlit here."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from core.formatting import format_value
from model import indicators as reg
from presentation import charts
from targets.text import percent, status_hex, status_text
from targets.text import t as tt


def shown_value(key: str, value, lang: str) -> str:
    """A target or the year so far in the indicator's own unit; — when missing."""
    if value is None or value != value:
        return "—"
    ind = reg.get(key)
    return format_value(value, ind.unit, lang, ind.decimals)


def styled_rates(table, rate_col: str, status_col: str, statuses, lang: str):
    """A table's 完成率 with one decimal (66.7%, the cards' and the wall's rule) and its
    pace in the pace's colour; the rates stay numbers for sorting."""
    colours = [status_hex(s) for s in statuses]
    return (table.style.format({rate_col: lambda v: percent(v, lang)}, na_rep="—")
            .apply(lambda _: [f"color: {c}; font-weight: 600" for c in colours],
                   subset=[status_col]))


@dataclass(frozen=True)
class CountyRanking:
    figure: dict | None         # 完成率 bars, or None when no county has a target
    table: object | None        # the ranked table, styled (pandas Styler)
    without: list[str]          # the counties without a target (their names, marked)


def county_ranking(df: pd.DataFrame, key: str, lang: str) -> CountyRanking:
    """Counties ranked by 完成率 of one indicator (progress.rank_counties): a bar per county
    on a 0–100% axis in the colour of its pace, with the time elapsed marked; then rank,
    county, target, the year so far, 完成率 and the pace in words. Chosen counties are
    marked ▶; counties without a target are not ranked but named."""
    names = df["name_zh"] if lang == "zh" else df["name_en"]
    marked = pd.Series([f"▶ {n}" if chosen else n
                        for n, chosen in zip(names, df["chosen"], strict=True)], index=df.index)
    has = df["rank"].notna()
    figure = table = None
    if has.any():
        ranked = df[has]
        elapsed = float(ranked["elapsed"].iloc[0]) if "elapsed" in ranked else None
        figure = charts.completion_bars(
            marked[has].tolist(), ranked["rate"].tolist(),
            [status_hex(s) for s in ranked["status"]], name=tt("rate", lang),
            title=f"{reg.get(key).name(lang)} · {tt('rate', lang)}",
            marks=[(elapsed, tt("elapsed_mark", lang))] if elapsed is not None else (),
            height=max(260, 30 * len(ranked) + 110), lang=lang)
        shown = pd.DataFrame({
            tt("rank", lang): ranked["rank"].astype(int).to_numpy(),
            tt("county", lang): marked[has].to_numpy(),
            tt("target", lang): [shown_value(key, v, lang) for v in ranked["target"]],
            tt("done", lang): [shown_value(key, v, lang) for v in ranked["value"]],
            tt("rate", lang): ranked["rate"].to_numpy(),
            tt("status", lang): [status_text(key, s, lang) for s in ranked["status"]]})
        table = styled_rates(shown, tt("rate", lang), tt("status", lang),
                             ranked["status"].tolist(), lang)
    return CountyRanking(figure, table, marked[~has].tolist())
