"""The events of the synthetic snapshot: the early-2020 visits to 22 city-level stations, the
COVID donations, and the ordinary job fairs, promotions, forums and visits."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from data.generate.common import AS_OF, Basis, T, days, log, split_total, to_dates


class Activities(Basis):
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
