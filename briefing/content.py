"""What the briefing says, computed from `Analytics` for a filter, before any file format.

`compose` returns a `Content`: the title lines and a list of blocks (headings, paragraphs,
tables, images) that the DOCX and the PDF writers render the same way. Every number comes
from `Analytics` and is written by `core.formatting`; every sentence is a template
from `briefing.text` filled with computed names and numbers.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import NamedTuple

import pandas as pd

from analytics import palette
from analytics.queries import Analytics
from briefing import charts, periods
from briefing.text import BriefingError, s
from core.formatting import format_change, format_value, unit_name
from data import reference
from model import indicators as reg
from model.filters import Filter

LANGS = ("zh", "en")
# The figures of the narrative and the county ranking (facts that carry county and
# industry); the headline table shows reg.HEADLINE.
NARRATIVE_KEYS = ("returnees", "entities", "jobs", "big_projects", "big_investment")
STATION_TOP = 10
MOVERS_UP = 3
MOVERS_DOWN = 2
HEZE_SEAT = 371702  # 牡丹区, the seat of the city government, marks 菏泽 on the map


class Target(NamedTuple):
    """An annual target of one indicator: the value to reach within `year`."""

    value: float
    year: int


# What the targets work hands over: indicator key -> (target value, year), already chosen
# for the filter's scope (the city's target, or the county's).
Targets = Mapping[str, "Target | tuple[float, int]"]


# -- the blocks both writers render ---------------------------------------------------------

@dataclass(frozen=True)
class Heading:
    text: str
    level: int  # 1 or 2


@dataclass(frozen=True)
class Paragraph:
    text: str
    kind: str = "body"  # body | note | demo


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...]  # relative column widths
    align: tuple[str, ...]  # "L" or "R" per column
    bold_rows: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Image:
    chart: charts.Chart
    width_mm: float
    # the least share of its width it may be drawn at to fill the rest of a page: a chart
    # keeps its lettering legible; the map, with little lettering, may shrink to half
    min_scale: float = 0.75


Block = Heading | Paragraph | Table | Image


@dataclass(frozen=True)
class HeadlineRow:
    key: str
    name: str
    value: float | None
    base: float | None  # the same figure at the base (a year before)
    unit: str
    value_text: str
    change_text: str
    rate_text: str
    target_text: str = ""
    done_text: str = ""
    completion_text: str = ""


@dataclass
class Content:
    lang: str
    title: str
    scope_line: str
    as_of_line: str
    meta_line: str
    demo_note: str | None
    as_of: date
    filename_stem: str
    headline: dict[str, HeadlineRow]
    blocks: list[Block] = field(default_factory=list)

    def footer(self, page: int | str) -> str:
        return s("footer", self.lang, title=self.title, as_of=s("as_of", self.lang),
                 date=periods.date_text(self.as_of, self.lang), page=page)


# -- small pieces ----------------------------------------------------------------------------

def _name_col(lang: str) -> str:
    return "name_zh" if lang == "zh" else "name_en"


def _short_names(a: Analytics, df: pd.DataFrame, lang: str) -> list[str]:
    """County names for charts and tables: 高新区 rather than 菏泽高新技术产业开发区."""
    if lang != "zh":
        return list(df["name_en"])
    short = a.counties().set_index("county_code")["short_zh"]
    return [str(short.get(c, n)) for c, n in zip(df["code"], df["name_zh"], strict=True)]


def _join(names: list[str], lang: str) -> str:
    if len(names) <= 1:
        return "".join(names)
    return s("list_sep", lang).join(names[:-1]) + s("list_last", lang) + names[-1]


def _rate_text(now, base, lang: str) -> str:
    if now is None or base is None or not base:
        return "—"
    rate = (now - base) / base
    sign = "+" if rate >= 0 else "−"
    return f"{sign}{format_value(abs(rate), 'ratio', lang, 1)}"


def _count(value) -> str:
    return f"{int(value):,}"


def normalise_targets(targets: Targets | None) -> dict[str, Target]:
    out: dict[str, Target] = {}
    for key, pair in (targets or {}).items():
        if key not in reg.REGISTRY:
            raise BriefingError("bad_target", value=key)
        value, year = pair
        out[key] = Target(float(value), int(year))
    return out


def scope_words(a: Analytics, f: Filter, lang: str) -> str:
    """全市, the chosen counties, or 筛选范围内 when other dimensions narrow the view."""
    counties = f.counties or a.scope or ()  # a county scope narrows every view
    if f.industries or f.levels or f.provinces:
        return s("scope_filtered", lang)
    if counties:
        names = a.counties().set_index("county_code")[_name_col(lang)]
        return s("list_sep", lang).join(names[c] for c in counties)
    return s("scope_city", lang)


def filename_stem(a: Analytics, f: Filter, end: date, lang: str) -> str:
    return export_stem(a, f, s("filename", lang), end, lang)


def export_stem(a: Analytics, f: Filter, what: str, end: date, lang: str) -> str:
    """A download's file name without its extension: what it holds, whose data (全市, the
    counties, or 筛选) and up to which day — 服务站排行_曹县_2020-08-31."""
    counties = f.counties or a.scope or ()
    if f.industries or f.levels or f.provinces:
        scope = s("filename_filtered", lang)
    elif counties:
        names = a.counties().set_index("county_code")["name_zh"]
        scope = "-".join(str(names[c]) if lang == "zh" else str(c) for c in counties)
    else:
        scope = s("filename_city", lang)
    stem = f"{what}_{scope}_{end.isoformat()}"
    return re.sub(r'[\\/:*?"<>|\s]+', "-", stem)


# -- the parts -----------------------------------------------------------------------------

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


def _compare(now_df: pd.DataFrame, base_df: pd.DataFrame, key: str) -> pd.DataFrame:
    merged = now_df[["code", "name_zh", "name_en", key]].merge(
        base_df[["code", key]], on="code", how="left", suffixes=("", "_base"))
    merged[f"{key}_base"] = merged[f"{key}_base"].fillna(0)
    merged["delta"] = merged[key] - merged[f"{key}_base"]
    return merged


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


# -- the whole ----------------------------------------------------------------------------

def compose(a: Analytics, f: Filter, lang: str = "zh", targets: Targets | None = None,
            today: date | None = None) -> Content:
    if lang not in LANGS:
        raise BriefingError("bad_lang", value=lang)
    f = a.check(f)
    goals = normalise_targets(targets)
    end = a.period_end(f)
    base_end = periods.year_before(end)
    base_label = (s("base_period", lang) if f.start else periods.day_label(base_end, lang))
    snap = a.snapshot
    title = s("title", lang)
    scope_line = f"{s('scope', lang)}：{a.describe(f, lang)}" if lang == "zh" else \
        f"{s('scope', lang)}: {a.describe(f, lang)}"
    as_of_line = f"{s('as_of', lang)}{'' if lang == 'zh' else ' '}{periods.date_text(end, lang)}"
    made = today or date.today()
    meta_line = (f"{s('snapshot', lang)} {snap.snapshot_id} · "
                 f"{s('made_on', lang)} {periods.date_text(made, lang)}")
    demo = s("demo_note", lang) if snap.is_synthetic else None
    rows = headline_rows(a, f, end, lang, goals)
    content = Content(lang=lang, title=title, scope_line=scope_line, as_of_line=as_of_line,
                      meta_line=meta_line, demo_note=demo, as_of=end,
                      filename_stem=filename_stem(a, f, end, lang), headline=rows)
    add = content.blocks.append

    if f.end and f.end > snap.as_of:
        add(Paragraph(s("beyond_as_of", lang), "note"))
    if demo:
        add(Paragraph(demo, "demo"))

    # 一、主要指标
    add(Heading(s("h_headline", lang), 1))
    target_years = sorted({t.year for k, t in goals.items() if k in reg.HEADLINE})
    add(headline_table(rows, base_label, lang, bool(target_years), target_years))
    if f.start:
        add(Paragraph(s("base_period_note", lang,
                        start=periods.date_text(periods.year_before(f.start), lang),
                        end=periods.date_text(base_end, lang)), "note"))
    else:
        add(Paragraph(s("base_stock_note", lang, base=base_label,
                        date=periods.date_text(base_end, lang)), "note"))
    for year in target_years:
        add(Paragraph(s("time_elapsed", lang, date=periods.date_text(end, lang), year=year,
                        share=format_value(periods.elapsed_share(end, year), "ratio", lang,
                                           1)), "note"))

    # 二、变化情况
    no_county = replace(f, counties=())
    county_now = a.breakdown(list(NARRATIVE_KEYS), "county", no_county)
    county_base = a.breakdown(list(NARRATIVE_KEYS), "county",
                              periods.base_filter(no_county, end))
    add(Heading(s("h_changes", lang), 1))
    for text in narrative(a, f, end, lang, rows, county_now, county_base, base_label):
        add(Paragraph(text))

    # 三、图表
    stations = a.station_ranking(f)
    add(Heading(s("h_charts", lang), 1))
    for heading, (image, note) in (
            ("h_year", year_chart(a, f, end, lang)),
            ("h_county_projects", county_chart(a, county_now, f.counties, lang)),
            ("h_industry", industry_chart(a, f, lang))):
        add(Heading(s(heading, lang), 2))
        if image is not None:
            add(image)
        if note:
            add(Paragraph(note, "note"))
    add(Heading(s("h_map", lang), 2))
    add(map_image(stations, lang))
    add(Paragraph(s("map_note", lang), "note"))

    # 四、排行
    add(Heading(s("h_rankings", lang), 1))
    add(Heading(s("h_stations", lang), 2))
    if stations.empty:
        add(Paragraph(s("no_data", lang), "note"))
    else:
        add(station_table(stations, lang))
        add(Paragraph(s("stations_note", lang), "note"))
    add(Heading(s("h_counties", lang), 2))
    add(county_table(a, county_now, county_base, f.counties, base_label, lang))
    add(Paragraph(s("counties_note", lang,
                    highlight=s("counties_highlight", lang) if f.counties else "").strip(),
                  "note"))

    # 五、指标口径
    add(Heading(s("h_definitions", lang), 1))
    add(definitions_table(lang))
    notes = [s("ratio_rate_note", lang), s("def_county_filter", lang)]
    if target_years:
        notes.append(s("def_completion", lang))
    notes.append(s("def_masking", lang))
    for text in notes:
        add(Paragraph(text, "note"))
    if demo:
        add(Paragraph(demo, "demo"))
    return content
