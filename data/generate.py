"""Build the synthetic snapshot of the five databases.

    python -m data.generate [--seed S] [--scale K] [--out PATH]

No real records exist, so the built-in snapshot is generated. It is deterministic for a
seed and, at scale 1, reproduces every figure the city published in August 2020 (see
docs/data-and-import.md): 246 stations, 27.6万 returnees, 10.4万 entities, 50万+ jobs, 201 landed projects
over 100 million yuan worth 541.58亿元, 70% of them recommended by stations. `--scale K`
multiplies the volume of people, entities, projects and ordinary activities for benchmarks;
the stations, parks and the dated events the report names stay as they are.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from core.settings import SettingsError, current
from data import geography, identity, reference
from data.snapshot import DEFAULT_SNAPSHOT
from data.store import Manifest, SnapshotStore
from data.writer import write_atomically

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


# A station sits within about 3 km of its city's centre, on land, inside the city's province:
# points at sea or over a provincial border are drawn again. Provinces are simplified to
# about 0.02 degrees, so a point must also have land 0.01 degrees away on every side.
STATION_SPREAD = 0.3  # times the unit draws (sd about 1.7 km)
STATION_MAX_OFFSET = 0.03  # degrees, about 3 km
LAND_MARGIN = 0.01


def _province_rings() -> dict[int, list]:
    rings: dict[int, list] = {}
    for row in geography.province_polygons():
        rings.setdefault(int(row["adcode"]), []).extend([row["polygon"], *row["holes"]])
    return rings


def inside_rings(lon, lat, rings) -> np.ndarray:
    """Even-odd point-in-polygon over every ring (outer rings and holes) of a region."""
    x = np.atleast_1d(np.asarray(lon, dtype=float))[:, None]
    y = np.atleast_1d(np.asarray(lat, dtype=float))[:, None]
    crossings = np.zeros(x.shape[0], dtype=np.int64)
    for ring in rings:
        r = np.asarray(ring, dtype=float)
        x1, y1 = r[:, 0][None, :], r[:, 1][None, :]
        x2, y2 = np.roll(x1, -1, axis=1), np.roll(y1, -1, axis=1)
        spans = (y1 > y) != (y2 > y)
        dy = np.where(y2 == y1, 1.0, y2 - y1)
        x_cross = x1 + (y - y1) * (x2 - x1) / dy
        crossings += (spans & (x < x_cross)).sum(axis=1)
    return crossings % 2 == 1


def on_land(lon, lat, rings, margin: float = LAND_MARGIN) -> np.ndarray:
    """Inside the region, and so are the points `margin` degrees away on four sides."""
    ok = inside_rings(lon, lat, rings)
    for dx, dy in ((margin, 0), (-margin, 0), (0, margin), (0, -margin)):
        ok &= inside_rings(np.asarray(lon) + dx, np.asarray(lat) + dy, rings)
    return ok


def scatter_on_land(lon, lat, province, unit_lon, unit_lat, seed: int):
    """Station positions near their city's centre and on land in its province.

    `unit_lon`/`unit_lat` are the generator's own draws; a point that falls at sea or
    across a border is drawn again from a generator of its own (seeded by the seed and the
    station's position in the list), so the main random stream is the same either way."""
    rings = _province_rings()
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    dlon = np.asarray(unit_lon, dtype=float) * STATION_SPREAD
    dlat = np.asarray(unit_lat, dtype=float) * STATION_SPREAD
    r = np.hypot(dlon, dlat)
    shrink = np.minimum(1.0, STATION_MAX_OFFSET / np.where(r > 0, r, 1.0))
    out_lon, out_lat = lon + dlon * shrink, lat + dlat * shrink
    province = np.asarray(province, dtype=np.int64)
    ok = np.zeros(len(lon), dtype=bool)
    for code in np.unique(province):
        here = province == code
        ok[here] = on_land(out_lon[here], out_lat[here], rings[int(code)])
    for i in np.flatnonzero(~ok):
        redraw = np.random.default_rng([seed, 7, int(i)])
        x, y = lon[i], lat[i]  # the centre, if no draw lands (the tests check it is on land)
        for _ in range(40):
            angle = redraw.uniform(0, 2 * np.pi)
            dist = redraw.uniform(0.003, STATION_MAX_OFFSET)
            cx, cy = lon[i] + dist * np.cos(angle), lat[i] + dist * np.sin(angle)
            if on_land([cx], [cy], rings[int(province[i])])[0]:
                x, y = cx, cy
                break
        out_lon[i], out_lat[i] = x, y
    return np.round(out_lon, 5), np.round(out_lat, 5)


def weighted_choice(rng: np.random.Generator, options, weights, size: int) -> np.ndarray:
    w = np.asarray(weights, dtype=float)
    return rng.choice(np.asarray(options), size=size, p=w / w.sum())


class Generator:
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

    # -- stations ----------------------------------------------------------------------
    def stations(self) -> None:
        rng = self.rng
        city_rows = reference.frame("city_stations")
        n_city = len(city_rows)
        # Opening dates: the first wave in 2015-16, the rest 2016-2020, Lhasa last (37th).
        first = city_rows["first_wave"].to_numpy(dtype=bool)
        opened = np.zeros(n_city, dtype=np.int64)
        opened[first] = np.sort(rng.integers(days(date(2015, 4, 1)), days(date(2016, 12, 1)),
                                             size=int(first.sum())))
        fixed = city_rows["opened_on"].notna().to_numpy()
        rest = ~first & ~fixed
        opened[rest] = np.sort(rng.integers(days(date(2017, 1, 1)), days(date(2020, 7, 1)),
                                            size=int(rest.sum())))
        opened[fixed] = [days(date.fromisoformat(d)) for d in city_rows.loc[fixed, "opened_on"]]
        city_index = self.cities.set_index("city_code")
        hosts = city_rows["host_city"].to_numpy()
        city = pd.DataFrame({
            "level": "city",
            "sponsor_county": pd.array([pd.NA] * n_city, dtype="Int64"),
            "host_city": hosts,
            "opened_on": opened,
            "members": rng.integers(150, 900, size=n_city),
            "brand_centre": city_rows["brand_centre"].astype(object),
            "ecommerce_platform": city_rows["ecommerce_platform"].astype(object),
            "talent_workstation": city_rows["talent_workstation"].to_numpy(dtype=bool),
        })
        city["name_zh"] = [f"菏泽市返乡创业({city_index.at[h, 'name_zh']})服务站" for h in hosts]

        # County-level: 209 stations, each county's in distinct cities weighted to where
        # its people work. One of 曹县's is in Shenzhen: the second Shenzhen workstation.
        per_county = split_total(209, self.county_weights)
        rows = []
        for county, n in zip(self.county_codes, per_county, strict=True):
            w = self.city_weights.copy()
            chosen = list(rng.choice(self.city_codes, size=int(n), replace=False, p=w / w.sum()))
            if county == 371721 and 440300 not in chosen:
                chosen[-1] = 440300
            for host in chosen:
                rows.append((county, host))
        county_rows = pd.DataFrame(rows, columns=["sponsor_county", "host_city"])
        n_county = len(county_rows)
        short = self.counties.set_index("county_code")["short_zh"]
        county_rows["name_zh"] = [
            f"{short[c]}返乡创业({city_index.at[h, 'name_zh']})服务站"
            for c, h in zip(county_rows["sponsor_county"], county_rows["host_city"], strict=True)
        ]
        county_rows["level"] = "county"
        county_rows["opened_on"] = rng.integers(days(date(2016, 3, 1)), days(AS_OF) + 1,
                                                size=n_county)
        county_rows["members"] = rng.integers(30, 300, size=n_county)
        county_rows["brand_centre"] = None
        county_rows["ecommerce_platform"] = None
        county_rows["talent_workstation"] = False
        shenzhen_caoxian = county_rows.index[
            (county_rows["sponsor_county"] == 371721) & (county_rows["host_city"] == 440300)
        ][0]
        county_rows.loc[shenzhen_caoxian, "talent_workstation"] = True
        county_rows["sponsor_county"] = county_rows["sponsor_county"].astype("Int64")

        st = pd.concat([city, county_rows], ignore_index=True)
        n = len(st)
        st.insert(0, "station_id", np.arange(1, n + 1))
        lon = city_index.loc[st["host_city"], "lon"].to_numpy(dtype=float)
        lat = city_index.loc[st["host_city"], "lat"].to_numpy(dtype=float)
        province = city_index.loc[st["host_city"], "province_code"].to_numpy()
        st["lon"], st["lat"] = scatter_on_land(lon, lat, province, rng.normal(0, 0.06, n),
                                               rng.normal(0, 0.05, n), self.seed)
        st["opened_on"] = to_dates(st["opened_on"].to_numpy())
        st["head_name"] = identity.names(rng, n)
        # The report names the Hangzhou station's head, who came home to 单县 in 2019.
        hangzhou = (st["level"] == "city") & (st["host_city"] == 330100)
        st.loc[hangzhou, "head_name"] = "赵思琪"
        st["head_mobile"] = identity.mobiles(rng, n)
        st["honorary_head"] = np.where(st["level"] == "city", identity.names(rng, n), None)
        st["status"] = "active"
        st.loc[rng.choice(np.flatnonzero(st["level"] == "county"), size=3, replace=False),
               "status"] = "suspended"
        self.tables["stations"] = st
        self.hangzhou_station = int(st.loc[hangzhou, "station_id"].iloc[0])
        log(f"stations: {n} ({int((st['level'] == 'city').sum())} city-level)", self.started)
        pause_point("stations")

    def stations_open_by(self, cities: np.ndarray, on_days: np.ndarray,
                         city_level_weight: float = 1.0) -> np.ndarray:
        """For each (city, day), a station in that city already open that day, or -1."""
        st = self.tables["stations"]
        st_days = st["opened_on"].to_numpy().astype("datetime64[D]").astype(np.int64)
        out = np.full(len(cities), -1, dtype=np.int64)
        for host in np.unique(cities):
            in_city = np.flatnonzero(st["host_city"].to_numpy() == host)
            if not len(in_city):
                continue
            order = in_city[np.argsort(st_days[in_city], kind="stable")]
            sorted_days = st_days[order]
            mask = cities == host
            n_open = np.searchsorted(sorted_days, on_days[mask], side="right")
            pick = np.floor(self.rng.random(int(mask.sum())) * n_open).astype(np.int64)
            ids = st["station_id"].to_numpy()[order]
            out[mask] = np.where(n_open > 0, ids[np.minimum(pick, len(order) - 1)], -1)
        return out

    def stations_open_anywhere(self, on_days: np.ndarray) -> np.ndarray:
        """For each day, a station open by then anywhere, city-level ones thrice as likely."""
        st = self.tables["stations"].sort_values("opened_on", kind="stable")
        st_days = st["opened_on"].to_numpy().astype("datetime64[D]").astype(np.int64)
        w = np.where(st["level"].to_numpy() == "city", 3.0, 1.0)
        cum = np.cumsum(w)
        n_open = np.searchsorted(st_days, on_days, side="right")
        limit = np.where(n_open > 0, cum[np.maximum(n_open - 1, 0)], 0.0)
        target = self.rng.random(len(on_days)) * limit
        idx = np.searchsorted(cum, target, side="right")
        ids = st["station_id"].to_numpy()
        return np.where(n_open > 0, ids[np.minimum(idx, len(ids) - 1)], -1)

    # -- parks -------------------------------------------------------------------------
    def parks(self) -> None:
        pk = reference.frame("parks")
        pk.insert(0, "park_id", np.arange(1, len(pk) + 1))
        self.park_tenants = pk[["park_id", "county_code", "focus_industries", "tenants",
                                "name_zh"]].copy()
        pk["opened_on"] = pd.to_datetime(pk["opened_on"]).dt.date
        pk["free_premises"] = pk["free_premises"].astype(bool)
        self.tables["parks"] = pk.drop(columns=["tenants", "note"])

    # -- people ------------------------------------------------------------------------
    def returnees(self) -> None:
        rng, k = self.rng, self.scale
        n = T.returnees * k
        returned = dates_from_monthly(rng, monthly_counts(n, T.returnees_by_2018_06 * k))
        county = weighted_choice(rng, self.county_codes, self.county_weights, n)
        group = rng.choice(GROUPS, size=n, p=GROUP_SHARES)
        age = self.ages(group)
        male = rng.random(n) < 0.68
        from_city = weighted_choice(rng, self.city_codes, self.city_weights, n)
        # Exactly the published number of founders, the likelier groups more often.
        # Earlier returnees founded businesses a little more often (5万 of 12.7万 by mid-2018).
        era = np.interp(returned, [days(START), days(AS_OF)], [1.3, 0.85])
        odds = np.array([GROUP_BUSINESS_ODDS[g] for g in group]) * era * rng.random(n)
        business = np.zeros(n, dtype=bool)
        business[np.argsort(-odds, kind="stable")[: T.entities * k]] = True
        referred = rng.random(n) < 0.3
        station = np.where(referred, self.stations_open_by(from_city, returned), -1)
        birth = returned - age * 365 - rng.integers(0, 365, size=n)
        # The code each carries was the county's when the number was issued (at birth).
        region = identity.region_codes(county, to_dates(birth))
        df = pd.DataFrame({
            "returnee_id": np.arange(1, n + 1),
            "name": identity.names(rng, n),
            "id_number": identity.distinct_id_numbers(
                identity.id_numbers(rng, region, to_dates(birth), male)),
            "mobile": identity.mobiles(rng, n),
            "gender": np.where(male, "M", "F"),
            "age": age,
            "person_group": group,
            "returned_on": to_dates(returned),
            "from_city": from_city,
            "county_code": county,
            "township_id": self.townships_for(county),
            "industry_code": self.industries_for(county),
            "outcome": np.where(business, "business", "job"),
            "outside_person_id": pd.array([pd.NA] * n, dtype="Int64"),
            "station_id": pd.array(np.where(station > 0, station, 0), dtype="Int64"),
            "support": rng.choice(SUPPORT, size=n, p=SUPPORT_SHARES),
        })
        df.loc[station <= 0, "station_id"] = pd.NA
        self.returned_days = returned
        self.birth_days = birth
        self.tables["returnees"] = df
        log(f"returnees: {n:,} ({int(business.sum()):,} founded a business)", self.started)

    def ages(self, groups: np.ndarray) -> np.ndarray:
        """Ages by group (graduates young, entrepreneurs older), 18 to 65."""
        age = np.zeros(len(groups), dtype=np.int64)
        for g, (mean, sd) in GROUP_AGE.items():
            mask = groups == g
            age[mask] = np.clip(np.round(self.rng.normal(mean, sd, int(mask.sum()))), 18, 65)
        return age

    def county_is_zone(self, county: np.ndarray) -> np.ndarray:
        zones = self.counties.loc[self.counties["kind"] == "zone", "county_code"].to_numpy()
        return np.isin(county, zones)

    def outside_people(self) -> None:
        """The outside register: the people who later came back, and those still away."""
        rng, k = self.rng, self.scale
        ret = self.tables["returnees"]
        n_ret = len(ret)
        linked = np.flatnonzero(rng.random(n_ret) < T.returnee_link_share)
        n_link = len(linked)
        n_away = T.outside_people * k - n_link
        start = days(START)

        # Those who returned: registered before they came back, at their referring station
        # or another one open in their city by then.
        ret_days = self.returned_days[linked]
        ret_station = ret["station_id"].to_numpy(dtype="float64", na_value=np.nan)[linked]
        cities_l = ret["from_city"].to_numpy()[linked]
        other = self.stations_open_by(cities_l, ret_days)
        station_l = np.where(np.isnan(ret_station), other, np.nan_to_num(ret_station)).astype(
            np.int64)
        st_open = self.station_open_days()
        lo = np.where(station_l > 0, np.maximum(st_open.get_many(station_l), start), start)
        lo = np.minimum(lo, ret_days)
        reg_l = lo + (rng.random(n_link) * (ret_days - lo)).astype(np.int64)

        # Those still away.
        county_a = weighted_choice(rng, self.county_codes, self.county_weights, n_away)
        city_a = weighted_choice(rng, self.city_codes, self.city_weights, n_away)
        reg_guess = rng.integers(start, days(AS_OF) + 1, size=n_away)
        station_a = self.stations_open_by(city_a, np.full(n_away, days(AS_OF)))
        lo_a = np.where(station_a > 0, np.maximum(st_open.get_many(station_a), start), start)
        reg_a = lo_a + ((reg_guess - start) / (days(AS_OF) - start) * (days(AS_OF) - lo_a)).astype(
            np.int64)
        group_a = rng.choice(GROUPS, size=n_away, p=GROUP_SHARES)
        age_a = self.ages(group_a)
        male_a = rng.random(n_away) < 0.62
        birth_a = days(AS_OF) - age_a * 365 - rng.integers(0, 365, size=n_away)
        region_a = identity.region_codes(county_a, to_dates(birth_a))
        intention = rng.choice(np.array(["yes", "undecided", "no"]), size=n_away,
                               p=[0.3, 0.35, 0.35])

        linked_rows = ret.iloc[linked]
        people = pd.DataFrame({
            "name": np.concatenate([linked_rows["name"].to_numpy(), identity.names(rng, n_away)]),
            # those still away are not the returnees either: one person, one number
            "id_number": np.concatenate([
                linked_rows["id_number"].to_numpy(),
                identity.distinct_id_numbers(
                    identity.id_numbers(rng, region_a, to_dates(birth_a), male_a),
                    taken=ret["id_number"].to_numpy())]),
            "mobile": np.concatenate([linked_rows["mobile"].to_numpy(),
                                      identity.mobiles(rng, n_away)]),
            "gender": np.concatenate([linked_rows["gender"].to_numpy(),
                                      np.where(male_a, "M", "F")]),
            "birth_date": to_dates(np.concatenate([self.birth_days[linked], birth_a])),
            "home_county": np.concatenate([linked_rows["county_code"].to_numpy(), county_a]),
            "home_township": np.concatenate([linked_rows["township_id"].to_numpy(),
                                             self.townships_for(county_a)]),
            "host_city": np.concatenate([cities_l, city_a]),
            "industry_code": np.concatenate([linked_rows["industry_code"].to_numpy(),
                                             self.industries_for(county_a)]),
            "identity": np.concatenate([linked_rows["person_group"].to_numpy(), group_a]),
            "return_intention": np.concatenate([np.full(n_link, "yes"), intention]),
            "station_id": np.concatenate([station_l, station_a]),
            "registered_on": to_dates(np.concatenate([reg_l, reg_a])),
        })
        # Shuffle so that ids do not give away who came back.
        order = rng.permutation(len(people))
        people = people.iloc[order].reset_index(drop=True)
        people.insert(0, "person_id", np.arange(1, len(people) + 1))
        is_boss = people["identity"].to_numpy() == "entrepreneur"
        size = rng.choice(np.array(["micro", "small", "medium", "large"]), size=len(people),
                          p=[0.45, 0.35, 0.15, 0.05])
        people["enterprise_size"] = np.where(is_boss, size, None)
        people["station_id"] = pd.array(people["station_id"].to_numpy(), dtype="Int64")
        people.loc[people["station_id"] <= 0, "station_id"] = pd.NA
        new_id_of_linked = np.empty(len(people), dtype=np.int64)
        new_id_of_linked[order] = people["person_id"].to_numpy()
        person_ids = pd.array([pd.NA] * n_ret, dtype="Int64")
        person_ids[linked] = new_id_of_linked[:n_link]
        ret["outside_person_id"] = person_ids
        people = people[[
            "person_id", "name", "id_number", "mobile", "gender", "birth_date", "home_county",
            "home_township", "host_city", "industry_code", "identity", "enterprise_size",
            "return_intention", "station_id", "registered_on"]]
        self.tables["outside_people"] = people
        log(f"outside people: {len(people):,} ({n_link:,} since returned)", self.started)

    def station_open_days(self) -> _Lookup:
        st = self.tables["stations"]
        return _Lookup(st["station_id"].to_numpy(),
                       st["opened_on"].to_numpy().astype("datetime64[D]").astype(np.int64))

    # -- entities ----------------------------------------------------------------------
    def entities(self) -> None:
        rng, k = self.rng, self.scale
        ret = self.tables["returnees"]
        founders = ret[ret["outcome"] == "business"]
        n = len(founders)
        returned = self.returned_days[founders.index.to_numpy()]
        founded = np.minimum(returned + rng.exponential(60, n).astype(np.int64), days(AS_OF))
        industry = founders["industry_code"].to_numpy()
        farm = np.isin(industry, list(FARM_INDUSTRIES))
        type_p = np.where(farm[:, None], [0.2, 0.4, 0.2, 0.2], [0.38, 0.58, 0.02, 0.02])
        u = rng.random(n)[:, None]
        etype = ENTITY_TYPES[(u > np.cumsum(type_p, axis=1)).sum(axis=1).clip(0, 3)]
        capital_mean = {"enterprise": 300, "individual": 10, "cooperative": 80,
                        "family_farm": 30}
        capital = np.array([capital_mean[t] for t in etype]) * rng.lognormal(0, 0.8, n)
        job_mean = {"enterprise": 12, "individual": 2.5, "cooperative": 8, "family_farm": 4}
        # Earlier businesses are larger: the 2018 report counted ~35万 jobs from 5万 entities.
        age_factor = np.interp(founded, [days(START), days(AS_OF)], [2.6, 0.6])
        raw_jobs = np.array([job_mean[t] for t in etype]) * age_factor * rng.lognormal(0, 0.6, n)
        jobs = split_total(T.jobs * k, raw_jobs)
        county = founders["county_code"].to_numpy()
        words = rng.choice(np.array(NAME_WORDS), size=(n, 2))
        short = self.counties.set_index("county_code")["short_zh"]
        county_prefix = short.loc[county].to_numpy().astype(str)
        names = np.char.add(np.char.add(np.char.add(county_prefix, words[:, 0]), words[:, 1]),
                            np.array([INDUSTRY_WORDS[i] for i in industry]))
        names = np.char.add(names, np.array([TYPE_SUFFIX[t] for t in etype]))
        ent = pd.DataFrame({
            "entity_id": np.arange(1, n + 1),
            "name_zh": names.astype(object),
            "entity_type": etype,
            "returnee_id": founders["returnee_id"].to_numpy(),
            "county_code": county,
            "industry_code": industry,
            "park_id": pd.array([pd.NA] * n, dtype="Int64"),
            "founded_on": to_dates(founded),
            "registered_capital": np.round(capital).astype(np.int64),
            "jobs": jobs,
        })
        self.assign_tenants(ent)
        self.tables["entities"] = ent
        log(f"entities: {n:,}, jobs {int(jobs.sum()):,}", self.started)

    def assign_tenants(self, ent: pd.DataFrame) -> None:
        """Put entities into parks: same county where the park has one, matching industry."""
        rng = self.rng
        free = np.ones(len(ent), dtype=bool)
        enterprise = ent["entity_type"].to_numpy() == "enterprise"
        county = ent["county_code"].to_numpy()
        industry = ent["industry_code"].to_numpy()
        for row in self.park_tenants.itertuples():
            if not row.tenants:
                continue
            focus = row.focus_industries.split(",")
            city_wide = row.name_zh == "菏泽市返乡创业孵化基地"
            ok = free & enterprise & np.isin(industry, focus)
            if not city_wide:
                ok &= county == row.county_code
            pool = np.flatnonzero(ok)
            take = rng.choice(pool, size=min(int(row.tenants) * (1 if city_wide else self.scale),
                                             len(pool)), replace=False)
            ent.loc[take, "park_id"] = row.park_id
            free[take] = False
            if city_wide:
                named = ["菏泽华玉中齿医疗科技有限公司", "菏泽慧眼科技有限公司",
                         "菏泽精石化学科技有限公司"]
                ent.loc[take[: len(named)], "name_zh"] = named
                ent.loc[take[: len(named)], "industry_code"] = ["biomed", "it", "chemicals"]

    # -- projects ----------------------------------------------------------------------
    def projects(self) -> None:
        rng, k = self.rng, self.scale
        n_big = T.big_projects * k
        # Landed projects of 1亿 or more: investment adds up to 541.58亿 exactly (at scale 1).
        total = T.big_investment * k - T.shanxian_investment
        floor = T.big_project_threshold
        excess = rng.lognormal(9.3, 1.0, n_big - 1)
        invest = floor + split_total(total - floor * (n_big - 1), excess)
        invest = np.concatenate([[T.shanxian_investment], invest])
        landed = dates_from_monthly(rng, monthly_counts(n_big, int(n_big * 0.45)))
        landed[0] = days(date(2019, 11, 18))
        # Nothing was signed before the programme began in 2015.
        signed = np.maximum(landed - rng.integers(20, 240, size=n_big), days(START))
        signed[0] = days(date(2019, 6, 26))
        stage = np.where(landed < days(date(2019, 6, 1)), "operating", "building")
        stage = np.where(rng.random(n_big) < 0.15, "building", stage)
        stage[0] = "building"
        # Exactly 70% recommended by a station, drawn from projects signed once one was open.
        candidate = self.stations_open_anywhere(signed)
        candidate[0] = self.hangzhou_station
        eligible = np.flatnonzero(candidate[1:] > 0) + 1
        n_rec = round(T.big_recommended * k)
        recommended = np.zeros(n_big, dtype=bool)
        recommended[0] = True
        recommended[rng.choice(eligible, size=n_rec - 1, replace=False)] = True
        station = np.where(recommended, candidate, -1)
        big = self._project_frame(n_big, invest, stage, signed, landed, station)
        big.loc[0, ["name_zh", "county_code", "industry_code", "investor"]] = [
            "单县田园综合体项目", 371722, "tourism", "菏泽市返乡创业(杭州)服务站站长"]

        # The rest: smaller landed projects and those still being negotiated or signed.
        n_small = 480 * k
        invest_s = np.clip(rng.lognormal(7.7, 0.8, n_small), 300, floor - 1).astype(np.int64)
        landed_s = rng.integers(days(date(2015, 3, 1)), days(AS_OF) + 1, size=n_small)
        signed_s = np.maximum(landed_s - rng.integers(15, 180, size=n_small), days(START))
        stage_s = np.where(landed_s < days(date(2019, 9, 1)), "operating", "building")
        station_s = np.where(rng.random(n_small) < 0.45,
                             self.stations_open_anywhere(signed_s), -1)
        small = self._project_frame(n_small, invest_s, stage_s, signed_s, landed_s, station_s)

        n_open = 165 * k
        invest_o = np.where(rng.random(n_open) < 0.35,
                            floor + rng.lognormal(9.0, 1.0, n_open),
                            rng.lognormal(7.7, 0.8, n_open)).astype(np.int64).clip(300)
        stage_o = np.where(rng.random(n_open) < 0.5, "signed", "negotiating")
        signed_o = rng.integers(days(date(2019, 6, 1)), days(AS_OF) + 1, size=n_open)
        station_o = np.where(rng.random(n_open) < 0.5, self.stations_open_anywhere(signed_o), -1)
        pending = self._project_frame(n_open, invest_o, stage_o, signed_o,
                                      np.full(n_open, -1), station_o)
        pending.loc[pending["stage"] == "negotiating", "signed_on"] = pd.NaT

        pr = pd.concat([big, small, pending], ignore_index=True)
        pr["project_id"] = np.arange(1, len(pr) + 1)
        self.tables["projects"] = pr
        log(f"projects: {len(pr):,} ({n_big} landed over 1亿)", self.started)

    def _project_frame(self, n, invest, stage, signed, landed, station) -> pd.DataFrame:
        rng = self.rng
        county = weighted_choice(rng, self.county_codes, self.county_weights, n)
        industry = self.industries_for(county)
        words = rng.choice(np.array(NAME_WORDS), size=(n, 2))
        short = self.counties.set_index("county_code")["short_zh"]
        names = [f"{short[c]}{a}{b}{INDUSTRY_WORDS[i]}项目"
                 for c, (a, b), i in zip(county, words, industry, strict=True)]
        investors = [f"{a}{b}{INDUSTRY_WORDS[i]}集团有限公司"
                     for (b, a), i in zip(rng.choice(np.array(NAME_WORDS), size=(n, 2)),
                                          industry, strict=True)]
        parks = self.tables["parks"]
        park = pd.array([pd.NA] * n, dtype="Int64")
        in_park = rng.random(n) < 0.3
        for i in np.flatnonzero(in_park):
            ok = parks.loc[(parks["county_code"] == county[i]) & (parks["status"] == "operating"),
                           "park_id"].to_numpy()
            if len(ok):
                park[i] = int(rng.choice(ok))
        landed = np.asarray(landed)
        frame = pd.DataFrame({
            "name_zh": names,
            "county_code": county,
            "park_id": park,
            "industry_code": industry,
            "investment": np.asarray(invest, dtype=np.int64),
            "stage": stage,
            "signed_on": to_dates(signed),
            "landed_on": to_dates(landed),
            "station_id": pd.array(np.asarray(station), dtype="Int64"),
            "investor": investors,
        })
        frame.loc[landed < 0, "landed_on"] = pd.NaT
        frame.loc[frame["station_id"] <= 0, "station_id"] = pd.NA
        return frame

    # -- activities --------------------------------------------------------------------
    def activities(self) -> None:
        rng, k = self.rng, self.scale
        st = self.tables["stations"]
        city_st = st[st["level"] == "city"]
        # Early 2020: visits to 22 city-level stations, Beijing, Shanghai and Jinan among them.
        must = city_st[city_st["host_city"].isin([110000, 310000, 370100])]
        others = city_st[~city_st.index.isin(must.index)
                         & (city_st["opened_on"] < np.datetime64("2020-01-01"))]
        visited = pd.concat([must, others.sample(T.visit_stations - len(must),
                                                 random_state=self.seed % 2**32)])
        nv = len(visited)
        visit_days = np.sort(rng.integers(days(date(2020, 1, 3)), days(date(2020, 1, 21)), nv))
        visits = pd.DataFrame({
            "kind": "mobilisation",
            "title": [f"2020年初走访动员：{name}" for name in visited["name_zh"]],
            "held_on": to_dates(visit_days),
            "station_id": visited["station_id"].to_numpy(),
            "entity_id": pd.NA,
            "attendees": split_total(T.visit_attendees, rng.uniform(0.5, 1.5, nv)),
            "amount_yuan": 0,
        })

        # COVID donations, late January to March 2020, by stations and returnee businesses.
        n_st, n_ent = 64, 96
        open_st = st[st["opened_on"] < np.datetime64("2020-01-20")]
        donors_st = open_st.sample(n_st, random_state=self.seed % 2**32)["station_id"].to_numpy()
        ent = self.tables["entities"]
        ent_pool = ent[(ent["entity_type"] == "enterprise")
                       & (ent["founded_on"] < np.datetime64("2020-01-01"))]["entity_id"]
        donors_ent = rng.choice(ent_pool.to_numpy(), size=n_ent, replace=False)
        amounts = split_total(T.donations_yuan // 100, rng.lognormal(0, 1.0, n_st + n_ent)) * 100
        donations = pd.DataFrame({
            "kind": "donation",
            "title": "抗击新冠肺炎疫情捐款捐物",
            "held_on": to_dates(rng.integers(days(date(2020, 1, 26)), days(date(2020, 3, 31)),
                                             n_st + n_ent)),
            "station_id": pd.array(np.concatenate([donors_st, np.zeros(n_ent, dtype=np.int64)]),
                                   dtype="Int64"),
            "entity_id": pd.array(np.concatenate([np.zeros(n_st, dtype=np.int64), donors_ent]),
                                  dtype="Int64"),
            "attendees": 0,
            "amount_yuan": amounts,
        })
        donations.loc[donations["station_id"] == 0, "station_id"] = pd.NA
        donations.loc[donations["entity_id"] == 0, "entity_id"] = pd.NA

        # Ordinary events: job fairs, promotion meetings, forums, other visits. None in the
        # first quarter of 2020, when only the visits above and the donations took place.
        n = 3_000 * k
        kinds = np.array(["job_fair", "promotion", "forum", "mobilisation"])
        kind = rng.choice(kinds, size=n, p=[0.3, 0.35, 0.2, 0.15])
        when = rng.integers(days(date(2015, 6, 1)), days(AS_OF) + 1, size=n)
        q1_2020 = (when >= days(date(2020, 1, 1))) & (when < days(date(2020, 4, 1)))
        when[q1_2020] += 95  # moved after the first quarter, still before the as-of date
        when = np.minimum(when, days(AS_OF))
        station = self.stations_open_anywhere(when)
        when = np.where(station > 0, when, days(AS_OF))
        station = np.where(station > 0, station, self.stations_open_anywhere(when))
        kind_zh = {"job_fair": "返乡就业招聘会", "promotion": "家乡推介会", "forum": "在外老乡座谈会",
                   "mobilisation": "返乡创业走访动员"}
        attendees = np.round(rng.lognormal(4.3, 0.6, n)).astype(np.int64)
        ordinary = pd.DataFrame({
            "kind": kind,
            "title": [kind_zh[x] for x in kind],
            "held_on": to_dates(when),
            "station_id": station,
            "entity_id": pd.NA,
            "attendees": attendees,
            "amount_yuan": 0,
        })
        act = pd.concat([visits, donations, ordinary], ignore_index=True)
        act = act.sort_values("held_on", kind="stable").reset_index(drop=True)
        act.insert(0, "activity_id", np.arange(1, len(act) + 1))
        act["station_id"] = act["station_id"].astype("Int64")
        act["entity_id"] = act["entity_id"].astype("Int64")
        self.tables["activities"] = act
        log(f"activities: {len(act):,}", self.started)

    def run(self) -> dict[str, pd.DataFrame]:
        self.reference_tables()
        self.stations()
        self.parks()
        self.returnees()
        self.outside_people()
        self.entities()
        self.projects()
        self.activities()
        built_at = datetime.now().replace(microsecond=0)
        self.tables["snapshot"] = pd.DataFrame([{
            "snapshot_id": f"synthetic-{self.seed}-x{self.scale}-{built_at:%Y%m%d%H%M%S}",
            "built_at": built_at,
            "as_of": AS_OF,
            "source": "synthetic",
            "seed": self.seed,
            "scale": self.scale,
        }])
        return self.tables


class _Lookup:
    def __init__(self, keys: np.ndarray, values: np.ndarray):
        order = np.argsort(keys)
        self.keys, self.values = keys[order], values[order]

    def get_many(self, keys: np.ndarray) -> np.ndarray:
        idx = np.clip(np.searchsorted(self.keys, keys), 0, len(self.keys) - 1)
        return self.values[idx]


# Insertion order respects the foreign keys.
LOAD_ORDER = ("snapshot", "counties", "townships", "host_cities", "industries", "stations",
              "parks", "outside_people", "returnees", "entities", "projects", "activities")
PEOPLE_TABLES = ("outside_people", "returnees", "entities")
# Above this scale the people tables are generated and written a few scale units at a time,
# so memory stays bounded (scale 100, about 2,760万 returnees, in under 8 GB); up to it the
# whole snapshot is generated at once, exactly as it always was.
CHUNKED_ABOVE = 10
CHUNK_SCALE = 5
WRITE_MEMORY = "2GB"  # DuckDB's own memory while a chunked build writes (it spills beyond)
# … and while it sums the aggregates afterwards, when the generated slices are gone: at scale
# 100 the sums over 4,200万 people did not fit in 2 GB.
AGGREGATE_MEMORY = "5GB"


def write_tables(con: duckdb.DuckDBPyConnection, tables: dict[str, pd.DataFrame],
                 names: tuple[str, ...] = LOAD_ORDER) -> None:
    for name in names:
        frame = tables[name]
        con.register("incoming", frame)
        try:
            con.execute(f"INSERT INTO {name} BY NAME SELECT * FROM incoming")  # noqa: S608 (fixed table names)
        finally:
            con.unregister("incoming")
        pause_point(f"written:{name}")


def chunk_scales(scale: int) -> list[int]:
    """The scale of each slice of people a build generates in turn."""
    if scale <= CHUNKED_ABOVE:
        return [scale]
    whole, rest = divmod(scale, CHUNK_SCALE)
    return [CHUNK_SCALE] * whole + ([rest] if rest else [])


def snapshot_row(seed: int, scale: int) -> pd.DataFrame:
    built_at = datetime.now().replace(microsecond=0)
    return pd.DataFrame([{
        "snapshot_id": f"synthetic-{seed}-x{scale}-{built_at:%Y%m%d%H%M%S}",
        "built_at": built_at, "as_of": AS_OF, "source": "synthetic", "seed": seed,
        "scale": scale,
    }])


def prepare(seed: int, scale: int,
            started: float) -> tuple[pd.DataFrame, Callable[[duckdb.DuckDBPyConnection], None]]:
    """The snapshot's metadata row and the `fill` that writes every table.

    Up to CHUNKED_ABOVE the tables are generated here, in memory; above it `fill` generates
    the people in slices and writes each before making the next."""
    if scale <= CHUNKED_ABOVE:
        tables = Generator(seed, scale, started).run()

        def fill(con: duckdb.DuckDBPyConnection) -> None:
            write_tables(con, tables)
            log("written to DuckDB", started)

        return tables["snapshot"], fill
    meta = snapshot_row(seed, scale)
    return meta, lambda con: write_in_chunks(con, seed, scale, started, meta)


def write_in_chunks(con: duckdb.DuckDBPyConnection, seed: int, scale: int, started: float,
                    meta: pd.DataFrame) -> None:
    """Generate and write a large snapshot slice by slice: stations and parks once, then
    people, their returns and businesses CHUNK_SCALE units at a time (ids continued from
    the slice before), then projects and events at full scale."""
    con.execute(f"SET memory_limit = '{WRITE_MEMORY}'")
    gen = Generator(seed, scale, started)
    gen.reference_tables()
    gen.stations()
    gen.parks()
    gen.tables["snapshot"] = meta
    write_tables(con, gen.tables, LOAD_ORDER[:LOAD_ORDER.index("outside_people")])
    tenants = gen.park_tenants
    city_wide = tenants["name_zh"] == "菏泽市返乡创业孵化基地"
    done = dict.fromkeys(PEOPLE_TABLES, 0)
    donor_pool = None
    parts = chunk_scales(scale)
    for i, part in enumerate(parts):
        gen.scale = part
        if i:  # the city's incubation base has its 53 named tenants once, not per slice
            tenants.loc[city_wide, "tenants"] = 0
        gen.returnees()
        gen.outside_people()
        gen.entities()
        ret, people, ent = (gen.tables[name] for name in
                            ("returnees", "outside_people", "entities"))
        ret["returnee_id"] += done["returnees"]
        ret["outside_person_id"] += done["outside_people"]
        people["person_id"] += done["outside_people"]
        ent["entity_id"] += done["entities"]
        ent["returnee_id"] += done["returnees"]
        write_tables(con, gen.tables, PEOPLE_TABLES)
        if donor_pool is None:  # the COVID donors are drawn from the first slice's firms
            donor_pool = ent[["entity_id", "entity_type", "founded_on"]].copy()
        for name in PEOPLE_TABLES:
            done[name] += len(gen.tables.pop(name))
        gen.returned_days = gen.birth_days = None
        log(f"people slice {i + 1}/{len(parts)} written: {done['returnees']:,} returnees so far",
            started)
    gen.scale = scale
    gen.tables["entities"] = donor_pool
    gen.projects()
    gen.activities()
    write_tables(con, gen.tables, ("projects", "activities"))
    con.execute(f"SET memory_limit = '{AGGREGATE_MEMORY}'")
    log("written to DuckDB", started)


def build_snapshot(out: Path, seed: int = DEFAULT_SEED, scale: int = 1) -> None:
    started = time.monotonic()
    _meta, fill = prepare(seed, scale, started)
    write_atomically(out, fill)
    log(f"snapshot ready: {out.name}", started)


def build_into_store(store_dir: Path, seed: int = DEFAULT_SEED, scale: int = 1,
                     force: bool = False) -> str | None:
    """Build the demo snapshot into the store and serve it, unless an imported snapshot is
    served (real data is never replaced by the demo; `force` does it anyway). Returns the
    new id, or None when nothing was done."""
    store = SnapshotStore(store_dir)
    served_id = store.current_id()
    if served_id is not None and not force:
        try:
            served_source = store.manifest(served_id).source
        except Exception:  # noqa: BLE001 - no readable manifest: treat as real data
            served_source = "imported"
        if served_source != "synthetic":
            print(f"当前服务的是导入数据（{served_id}），演示快照未生成 / imported data is served "
                  f"({served_id}); demo snapshot not built", file=sys.stderr)
            return None
    started = time.monotonic()
    meta_row, fill = prepare(seed, scale, started)
    meta = meta_row.iloc[0]
    snap_id = str(meta["snapshot_id"])
    store.build(snap_id, fill, Manifest(
        snapshot_id=snap_id, as_of=str(meta["as_of"]), source="synthetic",
        built_at=pd.Timestamp(meta["built_at"]).isoformat(), mode="demo",
        note=f"seed {seed}, scale {scale}"))
    store.promote(snap_id, by="python -m data.generate --store")
    log(f"snapshot ready and served: {snap_id}", started)
    return snap_id


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, non-zero exit, nothing written
        print(f"错误 / error: {message}", file=sys.stderr)
        raise SystemExit(2)


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"不是整数 / not an integer: {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"必须为正整数 / must be a positive integer: {value}")
    return value


def main(argv: list[str] | None = None) -> int:
    parser = _Parser(prog="python -m data.generate", description="生成演示快照 / build the "
                     "synthetic snapshot")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--scale", type=positive_int, default=1)
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--out", type=Path, default=DEFAULT_SNAPSHOT,
                       help="写入一个快照文件 / write one snapshot file")
    where.add_argument("--store", action="store_true",
                       help="写入数据目录的快照库并启用（不覆盖导入数据）/ build into the data "
                            "directory's store and serve it (never over imported data)")
    parser.add_argument("--force", action="store_true",
                        help="与 --store 一起：即使当前是导入数据也启用演示快照 / with --store: "
                             "serve the demo even over imported data")
    args = parser.parse_args(argv)
    if args.store:
        try:
            store_dir = current().snapshots_dir
        except SettingsError as exc:
            parser.error(str(exc))
        try:
            build_into_store(store_dir, seed=args.seed, scale=args.scale, force=args.force)
        except KeyboardInterrupt:
            print("已中断，当前快照保持不变 / interrupted, served snapshot untouched",
                  file=sys.stderr)
            return 130
        return 0
    out: Path = args.out
    if out.is_dir():
        parser.error(f"输出路径是目录 / output path is a directory: {out}")
    parent = out.parent if str(out.parent) else Path(".")
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        parser.error(f"无法创建输出目录 / cannot create output folder {parent}: {exc.strerror}")
    if not os.access(parent, os.W_OK):
        parser.error(f"输出目录不可写 / output folder is not writable: {parent}")
    try:
        build_snapshot(out, seed=args.seed, scale=args.scale)
    except KeyboardInterrupt:
        print("已中断，原快照保持不变 / interrupted, existing snapshot untouched", file=sys.stderr)
        return 130
    except RuntimeError as exc:
        # DuckDB turns Ctrl-C during a write into "Query interrupted".
        if "interrupt" not in str(exc).lower():
            raise
        print("已中断，原快照保持不变 / interrupted, existing snapshot untouched", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
