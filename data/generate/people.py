"""The people of the synthetic snapshot: the returnees (who came home, when, from where, to do
what) and the outside register (those who later came back, and those still away)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from data import identity
from data.generate.common import (
    AS_OF,
    GROUP_AGE,
    GROUP_BUSINESS_ODDS,
    GROUP_SHARES,
    GROUPS,
    START,
    SUPPORT,
    SUPPORT_SHARES,
    Basis,
    T,
    dates_from_monthly,
    days,
    log,
    monthly_counts,
    to_dates,
    weighted_choice,
)


class _Lookup:
    def __init__(self, keys: np.ndarray, values: np.ndarray):
        order = np.argsort(keys)
        self.keys, self.values = keys[order], values[order]

    def get_many(self, keys: np.ndarray) -> np.ndarray:
        idx = np.clip(np.searchsorted(self.keys, keys), 0, len(self.keys) - 1)
        return self.values[idx]


class People(Basis):
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
