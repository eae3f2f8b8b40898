"""The businesses of the synthetic snapshot: the entities the founding returnees registered
(type, capital, jobs, name) and the tenants of the parks."""

from __future__ import annotations

import numpy as np
import pandas as pd

from data.generate.common import (
    AS_OF,
    ENTITY_TYPES,
    FARM_INDUSTRIES,
    INDUSTRY_WORDS,
    NAME_WORDS,
    START,
    TYPE_SUFFIX,
    Basis,
    T,
    days,
    log,
    split_total,
    to_dates,
)


class Businesses(Basis):
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
