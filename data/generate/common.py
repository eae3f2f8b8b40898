"""What every part of the synthetic snapshot shares: the published figures it reproduces, the
mix of groups and trades, the date and count helpers, and `Basis`, the generator's state
(random stream, reference tables, the tables built so far) that the parts extend."""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from data import reference

AS_OF = date(2020, 8, 31)
START = date(2015, 1, 1)
DEFAULT_SEED = 20200831


@dataclass(frozen=True)
class Targets:
    """The published figures (tests/published.py) the scale-1 snapshot reproduces exactly."""

    returnees: int = 276_000
    entities: int = 104_000
    jobs: int = 503_000  # "50余万人": over 500,000
    big_projects: int = 201
    big_investment: int = 5_415_800  # 万元 = 541.58亿元
    big_recommended: int = 141  # 141 / 201 = 70.1%
    donations_yuan: int = 6_300_000  # "约630万元"
    visit_stations: int = 22  # "20多家市级服务站"
    visit_attendees: int = 4_180  # "4000余人"
    outside_people: int = 420_000
    returnee_link_share: float = 0.6
    returnees_by_2018_06: int = 127_000  # 12.7万 in June 2018
    entities_by_2018_06: int = 50_000  # 5万 in June 2018
    big_project_threshold: int = 10_000  # 万元 = 1亿元
    incubation_base_tenants: int = 53
    lhasa_opened: date = date(2020, 8, 14)
    shanxian_investment: int = 110_000  # 11亿元


T = Targets()

# Industry mix of each county: its specialities weigh most (the report's local specialities).
COUNTY_INDUSTRIES = {
    371702: {"peony": 6, "knitwear": 6, "biomed": 3, "services": 4, "logistics": 3},
    371703: {"biomed": 4, "machinery": 4, "agrifood": 3, "wood": 2},
    371721: {"costume": 8, "wood": 8, "ecommerce": 7, "wool": 3, "furniture": 0},
    371722: {"catering": 6, "livestock": 5, "agrifood": 5, "tourism": 3},
    371723: {"agrifood": 5, "machinery": 4, "chemicals": 2},
    371724: {"painting": 7, "machinery": 3, "agrifood": 3, "chemicals": 2},
    371725: {"machinery": 5, "wood": 3, "agrifood": 4, "knitwear": 2},
    371726: {"hair": 8, "wicker": 5, "agrifood": 2},
    371728: {"chemicals": 7, "logistics": 3, "agrifood": 2},
    371771: {"machinery": 5, "logistics": 4, "materials": 4},
    371772: {"it": 5, "biomed": 5, "materials": 4, "agrifood": 3},
}
# Everyone may also work in these general trades.
GENERAL_INDUSTRIES = {"planting": 4, "construction": 3, "logistics": 2, "services": 3,
                      "ecommerce": 2, "livestock": 1, "tourism": 1}

GROUPS = np.array(["worker", "entrepreneur", "graduate", "veteran", "talent"])
GROUP_SHARES = np.array([0.55, 0.18, 0.14, 0.09, 0.04])
GROUP_AGE = {"worker": (36, 9), "entrepreneur": (42, 8), "graduate": (25, 2.5),
             "veteran": (30, 5), "talent": (38, 7)}
# Likelihood, relative, of a returnee of each group founding a business rather than a job.
GROUP_BUSINESS_ODDS = {"worker": 0.8, "entrepreneur": 3.0, "graduate": 0.9, "veteran": 1.2,
                       "talent": 2.0}
SUPPORT = np.array(["loan", "subsidy", "premises", "training", "none"])
SUPPORT_SHARES = np.array([0.2, 0.15, 0.08, 0.25, 0.32])
ENTITY_TYPES = np.array(["enterprise", "individual", "cooperative", "family_farm"])
FARM_INDUSTRIES = {"planting", "livestock", "peony", "agrifood"}

NAME_WORDS = list("鑫盛华泰福瑞祥和兴隆宏达金源鸿运恒通嘉禾丰润永康新锦绣天成德昌广聚博远")
INDUSTRY_WORDS = {
    "biomed": "生物医药", "chemicals": "化工", "agrifood": "食品", "machinery": "机电",
    "logistics": "物流", "materials": "新材料", "it": "信息科技", "services": "商务服务",
    "costume": "演出服饰", "wood": "木业", "ecommerce": "电子商务", "painting": "书画",
    "hair": "发制品", "wicker": "柳编工艺", "knitwear": "针织", "peony": "牡丹",
    "wool": "毛纺", "livestock": "养殖", "catering": "餐饮", "planting": "种植",
    "construction": "建筑工程", "tourism": "文旅",
}
TYPE_SUFFIX = {"enterprise": "有限公司", "individual": "经营部", "cooperative": "专业合作社",
               "family_farm": "家庭农场"}


def log(step: str, started: float) -> None:
    print(f"[{time.monotonic() - started:5.1f}s] {step}", file=sys.stderr, flush=True)


# The interruption tests stop a build at a named step and signal it there, so the signal
# lands in that phase however busy the machine is (a delay after a progress line did not).
PAUSE_ENV = "HEZE_BUILD_PAUSE_AT"
PAUSED = "paused at"


def pause_point(step: str) -> None:
    """Wait here for a signal when $HEZE_BUILD_PAUSE_AT names this step; otherwise nothing."""
    if os.environ.get(PAUSE_ENV) == step:
        print(f"{PAUSED} {step}", file=sys.stderr, flush=True)
        while True:
            time.sleep(3600)


def days(d: date) -> int:
    return (d - date(1970, 1, 1)).days


def to_dates(day_numbers: np.ndarray) -> np.ndarray:
    return np.asarray(day_numbers, dtype="int64").astype("datetime64[D]")


def split_total(total: int, weights: np.ndarray) -> np.ndarray:
    """Integers proportional to `weights` that add up to `total` exactly (largest remainder)."""
    weights = np.asarray(weights, dtype=float)
    raw = total * weights / weights.sum()
    counts = np.floor(raw).astype(np.int64)
    short = total - counts.sum()
    if short:
        counts[np.argsort(-(raw - counts), kind="stable")[:short]] += 1
    return counts


def month_starts() -> np.ndarray:
    return np.arange("2015-01", "2020-09", dtype="datetime64[M]")


def monthly_counts(total: int, by_mid_2018: int) -> np.ndarray:
    """Counts per month from 2015-01 to 2020-08: steady growth, a dip in early 2020 (COVID).

    Cumulative to June 2018 matches the city's mid-2018 report, scaled with the total.
    """
    months = month_starts()
    t = np.arange(len(months))
    weight = np.exp(t / 30.0)
    month_of_year = months.astype(int) % 12 + 1
    weight *= np.where(month_of_year == 2, 0.8, 1.0)  # Spring Festival
    covid = {"2020-01": 0.7, "2020-02": 0.25, "2020-03": 0.45, "2020-04": 0.8}
    for m, factor in covid.items():
        weight[months == np.datetime64(m)] *= factor
    early = months <= np.datetime64("2018-06")
    counts = np.zeros(len(months), dtype=np.int64)
    counts[early] = split_total(by_mid_2018, weight[early])
    counts[~early] = split_total(total - by_mid_2018, weight[~early])
    return counts


def dates_from_monthly(rng: np.random.Generator, counts: np.ndarray) -> np.ndarray:
    """Day numbers spread uniformly within each month, `counts[i]` of them in month i."""
    months = month_starts()
    first = months.astype("datetime64[D]").astype(np.int64)
    last = (months + 1).astype("datetime64[D]").astype(np.int64)
    month_index = np.repeat(np.arange(len(months)), counts)
    span = last[month_index] - first[month_index]
    return first[month_index] + (rng.random(len(month_index)) * span).astype(np.int64)


def weighted_choice(rng: np.random.Generator, options, weights, size: int) -> np.ndarray:
    w = np.asarray(weights, dtype=float)
    return rng.choice(np.asarray(options), size=size, p=w / w.sum())


class Basis:
    """The generator's state and the reference lookups every part draws from; the parts
    (data.generate.stations, .people, .businesses, .projects, .activities) add the tables."""

    def __init__(self, seed: int, scale: int, started: float):
        self.seed = seed
        self.scale = scale
        self.rng = np.random.default_rng(seed)
        self.started = started
        self.counties = reference.frame("counties")
        self.cities = reference.frame("host_cities")
        self.industries = reference.frame("industries")
        self.tables: dict[str, pd.DataFrame] = {}

    # -- reference ---------------------------------------------------------------------
    def reference_tables(self) -> None:
        self.tables["counties"] = reference.table("counties")
        self.tables["host_cities"] = reference.table("host_cities")
        self.tables["industries"] = reference.table("industries")
        towns = reference.frame("townships")
        towns.insert(0, "township_id", np.arange(1, len(towns) + 1))
        self.tables["townships"] = towns
        self.county_codes = self.counties["county_code"].to_numpy()
        self.county_weights = self.counties["weight"].to_numpy(dtype=float)
        self.city_codes = self.cities["city_code"].to_numpy()
        self.city_weights = self.cities["people_weight"].to_numpy(dtype=float)
        self.industry_codes = self.industries["industry_code"].to_numpy()

    def industry_weights(self, county: int) -> np.ndarray:
        mix = dict(GENERAL_INDUSTRIES)
        for code, w in COUNTY_INDUSTRIES[county].items():
            mix[code] = mix.get(code, 0) + w
        return np.array([mix.get(code, 0.2) for code in self.industry_codes])

    def industries_for(self, counties: np.ndarray) -> np.ndarray:
        out = np.empty(len(counties), dtype=object)
        for county in self.county_codes:
            mask = counties == county
            out[mask] = weighted_choice(self.rng, self.industry_codes,
                                        self.industry_weights(county), int(mask.sum()))
        return out

    def townships_for(self, counties: np.ndarray) -> np.ndarray:
        towns = self.tables["townships"]
        out = np.zeros(len(counties), dtype=np.int64)
        for county in self.county_codes:
            mask = counties == county
            ids = towns.loc[towns["county_code"] == county, "township_id"].to_numpy()
            out[mask] = self.rng.choice(ids, size=int(mask.sum()))
        return out
