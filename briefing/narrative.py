"""What a briefing says in words: the headline figures now and a year before (with the targets'
completion), and the paragraphs on the totals, their change and the largest movers among the
counties and industries."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pandas as pd

from analytics.queries import Analytics
from briefing import periods
from briefing.blocks import HeadlineRow, Target
from briefing.text import s
from briefing.words import _compare, _join, _name_col, _rate_text, scope_words
from core.formatting import format_change, format_value
from model import indicators as reg
from model.filters import Filter

MOVERS_UP = 3
MOVERS_DOWN = 2


def headline_rows(a: Analytics, f: Filter, end: date, lang: str,
                  targets: dict[str, Target]) -> dict[str, HeadlineRow]:
    keys = list(reg.HEADLINE)
    now = a.values(keys, f)
    base = a.values(keys, periods.base_filter(f, end))
    done: dict[str, float | None] = {}
    for year in sorted({t.year for k, t in targets.items() if k in keys}):
        year_keys = [k for k in keys if k in targets and targets[k].year == year]
        ytd = periods.year_to_date(f, end, year)
        got = a.values(year_keys, ytd) if ytd is not None else {}
        for k in year_keys:
            done[k] = got[k].value if k in got else None
    rows = {}
    for key in keys:
        ind = reg.get(key)
        v, b = now[key].value, base[key].value
        change = None if v is None or b is None else v - b
        target_text = done_text = completion_text = ""
        if key in targets:
            t = targets[key]
            target_text = format_value(t.value, ind.unit, lang, ind.decimals)
            d = done.get(key)
            done_text = format_value(d, ind.unit, lang, ind.decimals)
            completion_text = ("—" if d is None or t.value <= 0
                               else format_value(d / t.value, "ratio", lang, 1))
        rows[key] = HeadlineRow(
            key=key, name=ind.name(lang), value=v, base=b, unit=ind.unit,
            value_text=format_value(v, ind.unit, lang, ind.decimals),
            change_text=format_change(change, ind.unit, lang) or "—",
            rate_text="—" if ind.is_ratio else _rate_text(v, b, lang),
            target_text=target_text, done_text=done_text, completion_text=completion_text,
        )
    return rows


def _mover_list(df: pd.DataFrame, unit: str, lang: str, rising: bool, n: int) -> list[str]:
    part = df[df["delta"] > 0] if rising else df[df["delta"] < 0]
    part = part.sort_values("delta", ascending=not rising, kind="stable").head(n)
    return [s("mover", lang, name=row[_name_col(lang)], v=format_change(row["delta"], unit, lang))
            for _, row in part.iterrows()]


def _dimension_sentence(dim: str, now_df, base_df, chosen: tuple, base_label: str,
                        lang: str) -> str | None:
    """The largest movers of one dimension (county or industry), or the rank of the one
    chosen value."""
    first_key, second_key = (("returnees", "big_projects") if dim == "county"
                             else ("entities", "big_investment"))
    first = _compare(now_df, base_df, first_key)
    second = _compare(now_df, base_df, second_key)
    if len(first) <= 1:
        return None  # a county scope of one county: nothing to compare it with
    if len(chosen) == 1:
        if dim != "county":
            return None  # one industry: its own figures are the headline already
        return _rank_sentence(first, chosen[0], first_key, lang)
    if chosen:
        first = first[first["code"].isin(chosen)]
        second = second[second["code"].isin(chosen)]
    unit1 = reg.get(first_key).unit
    ups = _mover_list(first, unit1, lang, True, MOVERS_UP)
    what = reg.get(first_key).name(lang) if dim == "county" else ""
    if not ups:
        key = "p_county_none" if dim == "county" else "p_industry_none"
        return s(key, lang, what=what, base=base_label) + s("sentence_end", lang)
    if dim == "county":
        text = s("p_county", lang, what=what, top=_join(ups, lang), share="")
        rise = first.loc[first["delta"] > 0, "delta"]
        total = first["delta"].sum()
        if len(ups) > 1 and total > 0:
            top_sum = rise.sort_values(ascending=False).head(MOVERS_UP).sum()
            text += s("p_county_share", lang, s=format_value(top_sum / total, "ratio", lang, 0))
    else:
        text = s("p_industry", lang, top=_join(ups, lang))
    downs = _mover_list(first, unit1, lang, False, MOVERS_DOWN)
    if downs:
        text += s("p_county_down" if dim == "county" else "p_industry_down", lang,
                  low=_join(downs, lang))
    top2 = _mover_list(second, reg.get(second_key).unit, lang, True, 1)
    if top2:
        text += s("p_county_projects" if dim == "county" else "p_industry_invest", lang,
                  top=top2[0])
    return text + s("sentence_end", lang)


def _rank_sentence(df: pd.DataFrame, code, key: str, lang: str) -> str | None:
    row = df[df["code"] == code]
    if row.empty:
        return None
    value = row[key].iloc[0]
    rank = int((df[key] > value).sum()) + 1
    total = df[key].sum()
    share = format_value(value / total, "ratio", lang, 1) if total else "—"
    ind = reg.get(key)
    return s("p_rank", lang, county=row[_name_col(lang)].iloc[0], what=ind.name(lang),
             v=format_value(value, ind.unit, lang), n=len(df), rank=rank,
             share=share) + s("sentence_end", lang)


def narrative(a: Analytics, f: Filter, end: date, lang: str, rows: dict[str, HeadlineRow],
              county_now: pd.DataFrame, county_base: pd.DataFrame,
              base_label: str) -> list[str]:
    scope = scope_words(a, f, lang)
    sep = "，" if lang == "zh" else "; "
    values = {k: rows[k] for k in ("returnees", "entities", "jobs", "big_projects",
                                   "big_investment")}
    items = [s("item_returnees", lang, v=values["returnees"].value_text),
             s("item_entities", lang, v=values["entities"].value_text),
             s("item_jobs", lang, v=values["jobs"].value_text),
             s("item_big", lang, n=values["big_projects"].value_text,
               v=values["big_investment"].value_text)]
    if f.start:
        first = s("p_total_period", lang, start=periods.date_text(f.start, lang),
                  end=periods.date_text(end, lang), scope=scope, items=sep.join(items))
    else:
        first = s("p_total_stock", lang, date=periods.date_text(end, lang), scope=scope,
                  items=sep.join(items))
    changes = []
    for row in values.values():
        if row.value is None or row.base is None or row.value == row.base:
            continue
        direction = s("up" if row.value > row.base else "down", lang)
        v = format_value(abs(row.value - row.base), row.unit, lang)
        rate = "" if row.rate_text == "—" else s("rate_paren", lang, sign="", r=row.rate_text)
        changes.append(s("cmp_item", lang, name=row.name, dir=direction, v=v, rate=rate))
    if changes:
        first += s("p_compare", lang, base=base_label, items=sep.join(changes))
    else:
        first += s("p_no_change", lang, base=base_label)
    paragraphs = [first]
    county = _dimension_sentence("county", county_now, county_base, f.counties, base_label,
                                 lang)
    if county:
        paragraphs.append(county)
    if len(f.industries) != 1:
        no_ind = replace(f, industries=())
        keys = ["entities", "big_investment"]
        ind_now = a.breakdown(keys, "industry", no_ind)
        ind_base = a.breakdown(keys, "industry", periods.base_filter(no_ind, end))
        industry = _dimension_sentence("industry", ind_now, ind_base, f.industries,
                                       base_label, lang)
        if industry:
            paragraphs.append(industry)
    return paragraphs
