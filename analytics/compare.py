"""The comparisons a leader reads on the cockpit: against a year before, and county against
county.

* Year on year (同比). With no period chosen, a figure counts everything up to the period's
  end, and it is compared with the same figure at the same date a year before ("较2019年8月
  底"). With a period chosen (2020-01-01 to 08-31), it is compared with the same period a
  year before (同期, 2019-01-01 to 08-31), so the comparison survives the filter.
* County comparison. A county filter narrows what is counted but must not erase the
  comparison: every county is computed under the other filters, the chosen ones are marked,
  and each gets its rank among the counties and its share of the city. A county scope (county
  staff) still applies: such a user compares nothing beyond their own county.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from analytics.text import CODES
from model import indicators as reg
from model.filters import Filter


def year_before(day: date) -> date:
    """The same day a year earlier; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def _month_end(day: date) -> bool:
    return (day + timedelta(days=1)).day == 1


@dataclass(frozen=True)
class Base:
    """What a figure is compared with."""

    kind: str  # "as_of": the figure at `end` a year before | "same_period": 同期
    start: date | None
    end: date

    def label(self, lang: str = "zh") -> str:
        if self.kind == "as_of":
            if lang == "zh":
                day = (f"{self.end.year}年{self.end.month}月底" if _month_end(self.end)
                       else f"{self.end.year}年{self.end.month}月{self.end.day}日")
                return f"较{day}"
            return f"vs {self.end:%d %b %Y}".replace(" 0", " ")
        if lang == "zh":
            return (f"较上年同期（{self.start.year}年{self.start.month}月{self.start.day}日–"
                    f"{self.end.year}年{self.end.month}月{self.end.day}日）")
        return f"vs the same period a year before ({self.start:%Y-%m-%d} – {self.end:%Y-%m-%d})"


@dataclass(frozen=True)
class Comparison:
    key: str
    value: float | None
    previous: float | None
    base: Base
    numerator: int | None = None
    denominator: int | None = None

    @property
    def change(self) -> float | None:
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous

    @property
    def change_rate(self) -> float | None:
        """The change as a share of the previous value; None when that was zero (a rate
        from nothing means nothing) or for ratios, whose change is in percentage points."""
        if self.change is None or not self.previous or reg.get(self.key).is_ratio:
            return None
        return self.change / self.previous


def previous_filter(f: Filter, as_of: date) -> tuple[Filter, Base]:
    """The filter a year before `f`, and how to name it."""
    end = min(f.end, as_of) if f.end else as_of
    if f.start:
        start, prev_end = year_before(f.start), year_before(end)
        return f.with_period(start, prev_end), Base("same_period", start, prev_end)
    prev_end = year_before(end)
    return f.with_period(None, prev_end), Base("as_of", None, prev_end)


def headline(a, keys, f: Filter = Filter()) -> dict[str, Comparison]:
    """Each indicator now and a year before (see the module docstring)."""
    keys = list(keys)
    now = a.values(keys, f)
    prev_f, base = previous_filter(f, a.snapshot.as_of)
    before = a.values(keys, prev_f)
    return {k: Comparison(k, now[k].value, before[k].value, base, now[k].numerator,
                          now[k].denominator) for k in keys}


def sparklines(a, keys, f: Filter = Filter()) -> dict[str, list[float]]:
    """The cards' little charts: each figure to date, year by year; with a period chosen,
    month by month within it (a year or two of yearly points would draw a flat line).
    Stocks accumulate, rates do not; one query per fact table for all the cards."""
    grain = "month" if f.start else "year"
    keys = list(keys)
    stocks = [k for k in keys if reg.get(k).cumulative and not reg.get(k).is_ratio]
    rates = [k for k in keys if k not in stocks]
    frames = {}
    if stocks:
        frames.update(a.series_many(stocks, f, grain=grain, cumulative=True))
    if rates:
        frames.update(a.series_many(rates, f, grain=grain, cumulative=False))
    return {k: [0.0 if pd.isna(v) else float(v) for v in frames[k]["value"]] for k in keys}


def county_comparison(a, keys, f: Filter = Filter()) -> pd.DataFrame:
    """Every county (within the user's scope) under the filter's other conditions, with
    `chosen`, and per indicator `<key>__rank` (1 = largest; ties share a rank) and, for
    counts and sums, `<key>__share` of the city total."""
    keys = list(keys)
    df = a.breakdown(keys, "county", f.with_counties(()))
    df["chosen"] = df["code"].isin(f.counties)
    for key in keys:
        values = df[key].astype(float)
        df[f"{key}__rank"] = values.rank(ascending=False, method="min").astype("Int64")
        if not reg.get(key).is_ratio:
            total = values.sum()
            df[f"{key}__share"] = values / total if total else float("nan")
    return df.reset_index(drop=True)


def county_standing(a_city, keys, county: int, f: Filter = Filter()) -> pd.DataFrame:
    """One county's rank among all the city's counties on each indicator (1 = largest, ties
    share a rank; None where the indicator has no value), and how many counties are ranked.
    Only this county's ranks leave: `a_city` is the view without a county scope, and no
    other county's figure is in the result. Columns key, rank, of."""
    keys = list(keys)
    df = county_comparison(a_city, keys, f.with_counties(()))
    row = df[df["code"] == county]
    out = []
    for key in keys:
        rank = row[f"{key}__rank"].iloc[0] if len(row) else pd.NA
        out.append({"key": key, "rank": None if pd.isna(rank) else int(rank), "of": len(df)})
    return pd.DataFrame(out, columns=["key", "rank", "of"])


def rank_frame(df: pd.DataFrame, by: str, id_col: str = "code") -> pd.DataFrame:
    """`df` sorted by `by` (largest first, ties by `id_col`), with a 1-based `rank` (ties
    share a rank)."""
    out = df.sort_values([by, id_col], ascending=[False, True], kind="stable")
    out = out.reset_index(drop=True)
    out.insert(0, "rank", out[by].rank(ascending=False, method="min").astype("Int64"))
    return out


def ranked(a, method: str, by: str, *args, id_col: str = "code",
           f: Filter = Filter()) -> pd.DataFrame:
    """a.<method>(*args, f) as a ranking by `by`: parks by tenants, stations by returnees
    referred …"""
    return rank_frame(getattr(a, method)(*args, f=f), by, id_col)


def ranked_counties(a, keys, by: str, f: Filter = Filter()) -> pd.DataFrame:
    """county_comparison sorted by `by`, largest first."""
    df = county_comparison(a, keys, f)
    return df.sort_values([by, "code"], ascending=[False, True], kind="stable",
                          ignore_index=True)


def ranked_breakdown(a, keys, dim: str, by: str, f: Filter = Filter()) -> pd.DataFrame:
    """a.breakdown(keys, dim, f) sorted by `by`, largest first."""
    df = a.breakdown(list(keys), dim, f)
    return df.sort_values([by, "code"], ascending=[False, True], kind="stable",
                          ignore_index=True)


def stages(a, f: Filter = Filter()) -> pd.DataFrame:
    """Projects and their investment by stage, always in pipeline order (洽谈 → 签约 → 在建
    → 投产), a stage with none as zero."""
    order = list(CODES["stage"])
    df = a.breakdown(["projects", "project_investment"], "stage", f)
    df = pd.DataFrame({"code": order}).merge(df.drop(columns=["name_zh", "name_en"]),
                                             on="code", how="left")
    df[["projects", "project_investment"]] = (
        df[["projects", "project_investment"]].fillna(0).astype("int64"))
    df["name_zh"] = [CODES["stage"][c][0] for c in order]
    df["name_en"] = [CODES["stage"][c][1] for c in order]
    return df


def county_table(a, keys, by: str, f: Filter = Filter()) -> pd.DataFrame:
    """The counties side by side (every county within the scope, the chosen marked),
    ranked by `by`, and a last row `total` for the city: sums for counts, and ratios
    recomputed from their summed numerators and denominators."""
    keys = list(keys)
    df = ranked_counties(a, keys, by, f)
    df.insert(0, "rank", df[f"{by}__rank"])
    total = {"code": None, "rank": pd.NA, "chosen": False, "name_zh": "合计", "name_en": "Total",
             "is_total": True}
    for key in keys:
        ind = reg.get(key)
        if ind.is_ratio:
            num, den = df[f"{key}__num"].sum(), df[f"{key}__den"].sum()
            total[key] = num / den if den else float("nan")
        else:
            total[key] = df[key].sum()
    df["is_total"] = False
    out = pd.concat([df, pd.DataFrame([total])], ignore_index=True)
    out["rank"] = out["rank"].astype("Int64")
    return out


def county_matrix(a, key: str, f: Filter = Filter()) -> pd.DataFrame:
    """County × industry for `key` over every county within the scope (a comparison: the
    county filter does not narrow it), rows and columns by code."""
    return a.matrix(key, f.with_counties(()))


def top_arcs(a, weight: str, limit: int = 80, f: Filter = Filter()) -> tuple[pd.DataFrame, int]:
    """The `limit` heaviest station → county arcs by `weight` (returnees, projects,
    investment), with `share` = weight / the heaviest; and how many arcs there are in all.
    A map of every arc is a hairball over Shandong that hides the labels."""
    arcs = a.station_arcs(f)
    arcs = arcs[arcs[weight] > 0]
    total = len(arcs)
    top = arcs.sort_values([weight, "station_id", "county_code"], ascending=[False, True, True],
                           kind="stable").head(limit).reset_index(drop=True)
    heaviest = top[weight].max() if len(top) else 0
    top["share"] = top[weight] / heaviest if heaviest else 0.0
    return top, total


def city_home_counties(a, top: int = 3, f: Filter = Filter()) -> pd.DataFrame:
    """Per host city, what its stations together did for each Heze county: the stations by
    level, and the `top` counties their returnees went home to (largest first) with the
    rest summed — what a map tooltip says where a city's city- and county-level stations
    sit on one point. Columns host_city, city_stations, county_stations, returnees,
    top (a list of (county_code, returnees)), rest."""
    points = a.station_points(f)[["station_id", "host_city", "level"]]
    arcs = a.station_arcs(f)[["station_id", "county_code", "returnees"]]
    arcs = arcs[arcs["returnees"] > 0].merge(points[["station_id", "host_city"]],
                                             on="station_id")
    by_county = (arcs.groupby(["host_city", "county_code"], as_index=False)["returnees"].sum()
                 .sort_values(["host_city", "returnees", "county_code"],
                              ascending=[True, False, True], kind="stable"))
    rows = []
    for city, part in points.groupby("host_city", sort=True):
        went = by_county[by_county["host_city"] == city]
        pairs = [(int(c), int(n)) for c, n in zip(went["county_code"], went["returnees"],
                                                  strict=True)]
        rows.append({"host_city": city, "city_stations": int((part["level"] == "city").sum()),
                     "county_stations": int((part["level"] == "county").sum()),
                     "returnees": sum(n for _, n in pairs), "top": pairs[:top],
                     "rest": sum(n for _, n in pairs[top:])})
    return pd.DataFrame(rows, columns=["host_city", "city_stations", "county_stations",
                                       "returnees", "top", "rest"])


def stations_sending(a, f: Filter = Filter()) -> pd.DataFrame:
    """Each station with what it sent to the counties in view (a county user's one county):
    station_id, station_zh, level, returnees, projects, investment (万元), most returnees
    first."""
    return (a.station_arcs(f).groupby(["station_id", "station_zh", "level"], as_index=False)
            [["returnees", "projects", "investment"]].sum()
            .sort_values(["returnees", "projects", "station_id"],
                         ascending=[False, False, True], ignore_index=True))


def station_counties(a, station_id: int, f: Filter = Filter()) -> pd.DataFrame:
    """The Heze counties one station's returnees and projects went to, most returnees
    first: county_code, county_zh, returnees, projects, investment (万元)."""
    arcs = a.station_arcs(f)
    arcs = arcs[arcs["station_id"] == int(station_id)]
    return (arcs[["county_code", "county_zh", "returnees", "projects", "investment"]]
            .sort_values(["returnees", "projects", "county_code"],
                         ascending=[False, False, True], kind="stable")
            .reset_index(drop=True))


def view_bounds(points: pd.DataFrame, min_span: float = 4.0):
    """(west, south, east, north) around stations' lon/lat, at least `min_span` degrees
    each way (one city alone is shown with its surroundings); None without points."""
    if points.empty:
        return None
    west, east = float(points["lon"].min()), float(points["lon"].max())
    south, north = float(points["lat"].min()), float(points["lat"].max())
    grow_x, grow_y = max(0.0, min_span - (east - west)) / 2, max(0.0, min_span - (north - south)) / 2
    return west - grow_x, south - grow_y, east + grow_x, north + grow_y


def city_people(a, f: Filter = Filter()) -> pd.DataFrame:
    """People registered outside per host city, with `share` of the largest city."""
    df = a.people_by_city(f)
    top = df["people"].max() if len(df) else 0
    df["share"] = df["people"] / top if top else 0.0
    return df
