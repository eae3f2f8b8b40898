"""A briefing's charts (the years, the counties' big projects, the industries, the stations'
map) and tables (headline, stations, counties, definitions), built from computed frames."""

from __future__ import annotations

from datetime import date

import pandas as pd

from analytics import palette
from analytics.queries import Analytics
from briefing import charts, periods
from briefing.blocks import HeadlineRow, Image, Table
from briefing.text import s
from briefing.words import _compare, _count, _name_col, _short_names
from core.formatting import format_change, format_value, unit_name
from data import reference
from model import indicators as reg
from model.filters import Filter

# The figures of the narrative and the county ranking (facts that carry county and
# industry); the headline table shows reg.HEADLINE.
NARRATIVE_KEYS = ("returnees", "entities", "jobs", "big_projects", "big_investment")
STATION_TOP = 10


HEZE_SEAT = 371702  # 牡丹区, the seat of the city government, marks 菏泽 on the map


def year_chart(a: Analytics, f: Filter, end: date, lang: str) -> tuple[Image | None, str]:
    frames = {k: a.series(k, f, grain="year") for k in ("returnees", "entities")}
    periods_ = frames["returnees"]["period"]
    if periods_.empty or not any(df["value"].sum() for df in frames.values()):
        return None, s("no_data", lang)
    first = f.start or date(int(periods_.min().year), 1, 1)
    years = [int(p.year) for p in periods_]
    labels = [periods.year_label(y, first, end, lang) for y in years]
    series = []
    for key, df in frames.items():
        by_year = dict(zip((int(p.year) for p in df["period"]), df["value"], strict=True))
        series.append((_ind_header(key, lang), palette.colour("indicator", key),
                       [float(by_year.get(y, 0)) for y in years]))
    chart = charts.year_bars(labels, series, lang)
    note = ""
    last = years[-1]
    if end < date(last, 12, 31):
        note = s("chart_year_note", lang, year=last,
                 span=periods.span_label(max(first, date(last, 1, 1)), end, lang))
    return Image(chart, charts.WIDTH_IN * 25.4), note


def _unit_word(unit: str, lang: str) -> str:
    return unit_name(unit, lang)


def county_chart(a: Analytics, county_now: pd.DataFrame, chosen: tuple, lang: str,
                 ) -> tuple[Image | None, str]:
    df = county_now[(county_now["big_projects"] > 0) | county_now["code"].isin(chosen)]
    if df.empty or not df["big_projects"].sum():
        return None, s("no_data", lang)
    df = df.sort_values(["big_projects", "big_investment"], ascending=False, kind="stable")
    labels = [f"{format_value(n, 'project', lang)} · {format_value(v, 'wan_yuan', lang)}"
              for n, v in zip(df["big_projects"], df["big_investment"], strict=True)]
    highlight = [c in chosen for c in df["code"]]
    chart = charts.horizontal_bars(_short_names(a, df, lang), list(df["big_projects"]), labels,
                                   lang, s("axis_projects", lang), highlight)
    note = s("chart_county_note", lang,
             highlight=s("highlight_note", lang) if chosen else "").strip()
    return Image(chart, charts.WIDTH_IN * 25.4), note


def industry_chart(a: Analytics, f: Filter, lang: str) -> tuple[Image | None, str]:
    mix = a.breakdown(["entities"], "industry", f)
    mix = mix[mix["entities"] > 0].sort_values("entities", ascending=False, kind="stable")
    if mix.empty:
        return None, s("no_data", lang)
    labels = [format_value(v, "entity", lang) for v in mix["entities"]]
    chart = charts.horizontal_bars(list(mix[_name_col(lang)]), list(mix["entities"]), labels,
                                   lang, s("axis_entities", lang),
                                   colours=[palette.colour("industry", c) for c in mix["code"]])
    return Image(chart, charts.WIDTH_IN * 25.4), s("chart_industry_note", lang)


def map_image(stations: pd.DataFrame, lang: str) -> Image:
    counties = reference.table("counties").set_index("county_code")
    heze = (float(counties.at[HEZE_SEAT, "lon"]), float(counties.at[HEZE_SEAT, "lat"]))
    points = list(zip(stations["lon"].astype(float), stations["lat"].astype(float),
                      stations["level"], strict=True))
    counts = stations["level"].value_counts().to_dict()
    chart = charts.station_map(points, counts, heze, lang)
    return Image(chart, 150.0, min_scale=0.5)


def station_table(stations: pd.DataFrame, lang: str) -> Table:
    top = stations.head(STATION_TOP)
    city = "city_zh" if lang == "zh" else "city_en"
    header = (s("col_rank", lang), s("col_station", lang), s("col_level", lang),
              s("col_city", lang), _with_unit("col_people", "person", lang),
              _with_unit("col_referred", "person", lang),
              _with_unit("col_projects", "project", lang), s("col_investment", lang))
    rows = tuple(
        (str(i + 1), r["name_zh"], s(f"level_{r['level']}", lang), str(r[city]),
         _count(r["people_registered"]), _count(r["returnees_referred"]),
         _count(r["projects_recommended"]),
         format_value(r["investment_recommended"], "wan_yuan", lang))
        for i, (_, r) in enumerate(top.iterrows()))
    return Table(header, rows, (10, 57, 14, 15, 21, 16, 16, 21),
                 ("R", "L", "L", "L", "R", "R", "R", "R"))


def _with_unit(key: str, unit: str, lang: str) -> str:
    """A table header with its unit on a line of its own."""
    word = _unit_word(unit, lang)
    return f"{s(key, lang)}\n（{word}）" if lang == "zh" else f"{s(key, lang)}\n({word})"


def county_table(a: Analytics, now_df: pd.DataFrame, base_df: pd.DataFrame, chosen: tuple,
                 base_label: str, lang: str) -> Table:
    merged = _compare(now_df, base_df, "returnees")
    df = now_df.merge(merged[["code", "delta"]], on="code")
    df = df.sort_values(["returnees", "code"], ascending=[False, True], kind="stable")
    header = (s("col_rank", lang), s("col_county", lang)) + tuple(
        _ind_header(k, lang, "\n") for k in NARRATIVE_KEYS) + (
        s("col_county_change", lang, base=base_label),)
    rows, bold = [], set()
    names = _short_names(a, df, lang)
    for i, (_, r) in enumerate(df.iterrows()):
        cells = [str(i + 1), names[i]]
        for k in NARRATIVE_KEYS:
            ind = reg.get(k)
            cells.append(format_value(r[k], ind.unit, lang) if ind.unit == "wan_yuan"
                         else _count(r[k]))
        cells.append(format_change(r["delta"], "person", lang) if r["delta"] else "0")
        rows.append(tuple(cells))
        if r["code"] in chosen:
            bold.add(i)
    return Table(header, tuple(rows), (10, 14, 20, 25, 15, 28, 25, 33),
                 ("R", "L", "R", "R", "R", "R", "R", "R"), frozenset(bold))


def _ind_header(key: str, lang: str, sep: str = "") -> str:
    """The indicator's name with its unit word, except money (its cells carry 万元/亿元);
    `sep` "\n" puts the unit on a line of its own in a table header."""
    ind = reg.get(key)
    if ind.unit == "wan_yuan":
        return ind.name(lang)
    word = _unit_word(ind.unit, lang)
    return (f"{ind.name(lang)}{sep}（{word}）" if lang == "zh"
            else f"{ind.name(lang)}{sep or ' '}({word})")


def headline_table(rows: dict[str, HeadlineRow], base_label: str, lang: str,
                   with_targets: bool, target_years: list[int]) -> Table:
    header = [s("col_indicator", lang), s("col_value", lang),
              s("col_change", lang, base=base_label), s("col_rate", lang)]
    widths = [2.6, 1.3, 1.6, 1.0]
    if with_targets:
        if len(target_years) == 1:
            header += [s("col_target", lang, year=target_years[0]),
                       s("col_ytd", lang, year=target_years[0])]
        else:
            header += [s("col_target_any", lang), s("col_ytd_any", lang)]
        header.append(s("col_completion", lang))
        widths += [1.2, 1.2, 0.9]
    body = []
    for r in rows.values():
        cells = [r.name, r.value_text, r.change_text, r.rate_text]
        if with_targets:
            cells += [r.target_text or "—", r.done_text or "—", r.completion_text or "—"]
        body.append(tuple(cells))
    return Table(tuple(header), tuple(body), tuple(widths),
                 ("L",) + ("R",) * (len(header) - 1))


def definitions_table(lang: str) -> Table:
    keys = list(reg.HEADLINE) + [k for k in ("returnees_referred", "projects")
                                 if k not in reg.HEADLINE]
    rows = tuple((reg.get(k).name(lang), _unit_word(reg.get(k).unit, lang),
                  reg.get(k).definition(lang)) for k in keys)
    return Table((s("col_indicator", lang), s("col_unit", lang), s("col_definition", lang)),
                 rows, (1.6, 0.6, 4.6), ("L", "L", "L"))
