"""Targets against the data: the year so far for the target's counties, 完成率 and pace, and
the counties ranked by 完成率. No streamlit; values come from Analytics.

Which target applies to a filter
--------------------------------
* No county chosen (and no county scope): the city's target (全市).
* One county (chosen, or a county user's scope): that county's target.
* Several counties: for an accumulating figure, the sum of their targets if every one of
  them has a target; a level target (a share) of several counties is not summed. Otherwise
  there is no target.
* An industry, station level or host province in the filter: no target — a target is set
  for the whole of a county or the city, and a slice of it would be measured against the
  whole. The filter's period is replaced by the target's year.

Where no target applies, the answer is None: nothing is invented.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

import pandas as pd

from model.filters import Filter
from targets import model
from targets.model import Completion

Lookup = Mapping[tuple[str, int | None], float]


def default_year(a) -> int:
    """The year the dashboard's data has reached: the as-of date's year."""
    return a.snapshot.as_of.year


def applies(f: Filter) -> bool:
    """Whether a county or city target can be measured under `f` at all."""
    return not (f.industries or f.levels or f.provinces)


def _counties(a, f: Filter) -> tuple[int, ...]:
    return tuple(sorted(f.counties or (a.scope or ())))


def target_for(key: str, counties: tuple[int, ...], lookup: Lookup) -> float | None:
    """The target that applies to `counties` (() for the city), or None."""
    if not counties:
        return lookup.get((key, None))
    if len(counties) == 1:
        return lookup.get((key, counties[0]))
    if model.kind(key) == "level":
        return None
    values = [lookup.get((key, c)) for c in counties]
    return None if any(v is None for v in values) else sum(values)


def over_city(lookup: Lookup) -> list[tuple[str, float, float]]:
    """The indicators (those that add up over the year) whose county targets together
    exceed the city's: (key, the counties' total, the city's target), in registry order.
    Legal to store, but the city's target cannot then be the sum of its counties'."""
    out = []
    for key in model.TARGETABLE:
        city = lookup.get((key, None))
        if city is None or model.kind(key) == "level":
            continue
        total = sum(v for (k, c), v in lookup.items() if k == key and c is not None)
        if total > city:
            out.append((key, total, city))
    return out


def year_filter(f: Filter, year: int, as_of: date) -> Filter | None:
    """`f` with the days of `year` the data covers as its period (None before the year)."""
    period = model.year_period(year, as_of)
    if period is None:
        return None
    return f.with_period(*period)


def _lookup(store, year: int, lookup: Lookup | None) -> Lookup:
    if lookup is not None:
        return lookup
    return store.lookup(year) if store is not None else {}


def completions(a, keys: Iterable[str], f: Filter = Filter(), year: int | None = None, *,
                store=None, lookup: Lookup | None = None) -> dict[str, Completion | None]:
    """Per key the Completion of `year` (default: the as-of year) under `f`, or None where
    no target applies. Targets come from `store` (a TargetStore) or a ready `lookup`."""
    keys = list(keys)
    year = default_year(a) if year is None else int(year)
    out: dict[str, Completion | None] = dict.fromkeys(keys)
    if not applies(f):
        return out
    lookup = _lookup(store, year, lookup)
    counties = _counties(a, f)
    targets = {k: target_for(k, counties, lookup) for k in keys if model.is_targetable(k)}
    targets = {k: v for k, v in targets.items() if v}
    if not targets:
        return out
    as_of = a.snapshot.as_of
    yf = year_filter(f.with_counties(counties), year, as_of)
    values = a.values(list(targets), yf) if yf is not None else {}
    for key, target in targets.items():
        got = values.get(key)
        out[key] = model.completion(key, None if got is None else got.value, target, year,
                                    as_of, counties)
    return out


def targets_for(a, keys: Iterable[str], f: Filter = Filter(), year: int | None = None, *,
                store=None, lookup: Lookup | None = None) -> dict[str, tuple[float, int]]:
    """{key: (target, year)} of the targets that apply to `f` — the form the briefing takes."""
    year = default_year(a) if year is None else int(year)
    if not applies(f):
        return {}
    lookup = _lookup(store, year, lookup)
    counties = _counties(a, f)
    out = {}
    for key in keys:
        if model.is_targetable(key):
            target = target_for(key, counties, lookup)
            if target:
                out[key] = (target, year)
    return out


def rank_counties(a, key: str, year: int | None = None, f: Filter = Filter(), *,
                  store=None, lookup: Lookup | None = None) -> pd.DataFrame:
    """Every county (within the user's scope) with its target, the year so far, 完成率,
    status and rank by 完成率 (1 = highest; equal rates share a rank, the next rank skips).
    Counties with no target come last, unranked. A county filter marks counties as
    `chosen` but ranks all of them; industry, level and province filters leave no target
    to measure (every row has none).

    Columns: code, name_zh, name_en, chosen, target, value, rate, elapsed, status, rank
    (target, rate, status and rank missing — NaN/NA — for a county with no target)."""
    year = default_year(a) if year is None else int(year)
    lookup = _lookup(store, year, lookup)
    as_of = a.snapshot.as_of
    counties = a.counties()[["county_code", "name_zh", "name_en"]].rename(
        columns={"county_code": "code"}).reset_index(drop=True)
    yf = year_filter(f.with_counties(()), year, as_of)
    if yf is not None:
        values = a.breakdown([key], "county", yf).set_index("code")[key]
    else:
        values = pd.Series(dtype=float)
    rows = []
    for code, name_zh, name_en in counties.itertuples(index=False):
        target = lookup.get((key, int(code))) if applies(f) else None
        value = values.get(code, 0)
        value = 0 if pd.isna(value) else value
        comp = (model.completion(key, value, target, year, as_of, (int(code),))
                if target else None)
        rows.append({"code": int(code), "name_zh": name_zh, "name_en": name_en,
                     "chosen": int(code) in f.counties, "target": target,
                     "value": value, "rate": comp.rate if comp else float("nan"),
                     "elapsed": float(model.elapsed_fraction(year, as_of)),
                     "status": comp.status if comp else None})
    df = pd.DataFrame(rows)
    df["rank"] = df["rate"].rank(ascending=False, method="min").astype("Int64")
    df = df.sort_values(["rank", "code"], na_position="last", kind="stable")
    return df.reset_index(drop=True)
