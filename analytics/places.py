"""Projects and parks (`Analytics.big_projects`, `projects_by_stage`, `parks`,
`park_tenants`), with county and industry names beside their codes."""

from __future__ import annotations

import pandas as pd

from analytics.scan import ROWS, Scan
from model import indicators as reg
from model.facts import ENTITIES, FACTS, PROJECTS
from model.filters import Filter


class Places(Scan):
    """The big projects, the projects by stage and the parks with their tenants."""

    def big_projects(self, f: Filter = Filter()) -> pd.DataFrame:
        """The landed projects over 100 million yuan with their recommending station."""
        df = self._scan(
            PROJECTS, f,
            "pr.project_id, pr.name_zh, pr.county_code, pr.industry_code, pr.investment, "
            "pr.stage, pr.signed_on, pr.landed_on, pr.station_id, s.name_zh AS station_zh, "
            "s.level AS station_level, pr.investor, pr.park_id",
            where=reg.BIG, order_by="pr.investment DESC, pr.project_id")
        return self._with_names(df)

    def projects_by_stage(self, f: Filter = Filter()) -> pd.DataFrame:
        return self.breakdown(["projects", "project_investment"], "stage", f)

    def parks(self, f: Filter = Filter()) -> pd.DataFrame:
        """Each park with its tenants, their jobs and the projects it hosts."""
        pk = self._scan(FACTS["parks"], f,
                        "pk.park_id, pk.name_zh, pk.county_code, pk.township, pk.kind, "
                        "pk.opened_on, pk.floor_area_m2, pk.focus_industries, "
                        "pk.incubation_years, pk.free_premises, pk.status, pk.lon, pk.lat",
                        order_by="pk.park_id")
        tenants = self._rows_by(ENTITIES, f, "park", "park_id",
                                {"tenants": ROWS, "tenant_jobs": reg.Measure("sum", "e.jobs")})
        projects = self._scan(PROJECTS, f, "pr.park_id, count(*) AS projects, "
                              "COALESCE(sum(pr.investment), 0)::BIGINT AS project_investment",
                              where="pr.park_id IS NOT NULL", group_by="pr.park_id")
        pk = pk.merge(tenants, on="park_id", how="left").merge(projects, on="park_id",
                                                                 how="left")
        cols = ["tenants", "tenant_jobs", "projects", "project_investment"]
        pk[cols] = pk[cols].fillna(0).astype("int64")
        industries = self._reference["industries"].set_index("industry_code")
        pk["focus_zh"] = pk["focus_industries"].map(
            lambda s: "、".join(industries.at[c, "name_zh"] for c in s.split(",")))
        pk["focus_en"] = pk["focus_industries"].map(
            lambda s: ", ".join(industries.at[c, "name_en"] for c in s.split(",")))
        pk["opened_on"] = pd.to_datetime(pk["opened_on"]).dt.date
        pk[["floor_area_m2", "incubation_years"]] = (
            pk[["floor_area_m2", "incubation_years"]].astype("Int64"))  # whole numbers or none
        return self._with_names(pk)

    def park_tenants(self, park_id: int, f: Filter = Filter()) -> pd.DataFrame:
        df = self._scan(ENTITIES, f, "e.entity_id, e.name_zh, e.entity_type, e.industry_code, "
                        "e.county_code, e.founded_on, e.registered_capital, e.jobs",
                        where="e.park_id = ?", params=[int(park_id)],
                        order_by="e.jobs DESC, e.entity_id")
        return self._with_names(df)

    def _with_names(self, df: pd.DataFrame) -> pd.DataFrame:
        """Add county and industry names beside their codes."""
        ref = self._reference
        if "county_code" in df:
            c = ref["counties"].set_index("county_code")
            df["county_zh"] = df["county_code"].map(c["name_zh"])
            df["county_en"] = df["county_code"].map(c["name_en"])
        if "industry_code" in df:
            i = ref["industries"].set_index("industry_code")
            df["industry_zh"] = df["industry_code"].map(i["name_zh"])
            df["industry_en"] = df["industry_code"].map(i["name_en"])
        return df
