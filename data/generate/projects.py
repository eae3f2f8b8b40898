"""The investment projects of the synthetic snapshot: the 201 landed projects of 1亿元 or more
the report counts (541.58亿元, 70% recommended by stations), the smaller ones, and those still
being negotiated or signed."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from data.generate.common import (
    AS_OF,
    INDUSTRY_WORDS,
    NAME_WORDS,
    START,
    Basis,
    T,
    dates_from_monthly,
    days,
    log,
    monthly_counts,
    split_total,
    to_dates,
    weighted_choice,
)


class Projects(Basis):
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
