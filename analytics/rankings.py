"""The stations (`Analytics.station_ranking`, `station_detail`): what each one achieved, and
one station's card with its masked register entry."""

from __future__ import annotations

import pandas as pd

from analytics.masking import mask_frame
from analytics.scan import ROWS, Scan
from model import indicators as reg
from model.facts import FACTS, OUTSIDE_PEOPLE, PROJECTS, RETURNEES, STATIONS
from model.filters import Filter


class Rankings(Scan):
    """The stations, ranked by what each achieved, and one station's card."""

    def station_ranking(self, f: Filter = Filter()) -> pd.DataFrame:
        """All stations that pass the filter, with what each one achieved."""
        return self._station_metrics(f)

    def _station_metrics(self, f: Filter, station_id: int | None = None) -> pd.DataFrame:
        # One station (for its card) or all of them, through the same queries.
        only, extra = ("TRUE", []) if station_id is None else ("{col} = ?", [int(station_id)])
        st = self._scan(STATIONS, f, "s.station_id, s.name_zh, s.level, s.sponsor_county, "
                        "s.host_city, hc.name_zh AS city_zh, hc.name_en AS city_en, "
                        "hc.province_zh, hc.province_en, s.opened_on, s.members, s.lon, s.lat, "
                        "s.talent_workstation, s.brand_centre, s.ecommerce_platform, s.status",
                        where=f"s.opened_on <= ? AND {only.format(col='s.station_id')}",
                        params=[self.period_end(f), *extra], order_by="s.station_id")
        parts = [
            self._rows_by(OUTSIDE_PEOPLE, f, "station", "station_id",
                          {"people_registered": ROWS}, only, extra),
            self._rows_by(RETURNEES, f, "station", "station_id",
                          {"returnees_referred": ROWS}, only, extra),
            self._scan(PROJECTS, f, "pr.station_id, count(*) AS projects_recommended, "
                       "COALESCE(sum(pr.investment), 0)::BIGINT AS investment_recommended, "
                       f"count(*) FILTER (WHERE {reg.BIG}) AS big_projects_recommended",
                       where=f"pr.station_id IS NOT NULL AND {only.format(col='pr.station_id')}",
                       params=extra, group_by="pr.station_id"),
            self._rows_by(FACTS["activities"], f, "station", "station_id", {
                "activities": reg.get("activities").measure,
                "attendees": reg.Measure("sum", "a.attendees"),
                "donations_yuan": reg.get("donations").measure}, only, extra),
        ]
        for part in parts:
            st = st.merge(part, on="station_id", how="left")
        metric_cols = ["people_registered", "returnees_referred", "projects_recommended",
                       "investment_recommended", "big_projects_recommended", "activities",
                       "attendees", "donations_yuan"]
        st[metric_cols] = st[metric_cols].fillna(0).astype("int64")
        counties = self._reference["counties"].set_index("county_code")
        st["sponsor_zh"] = st["sponsor_county"].map(counties["name_zh"])
        st["sponsor_en"] = st["sponsor_county"].map(counties["name_en"])
        st["opened_on"] = pd.to_datetime(st["opened_on"]).dt.date
        st["sponsor_county"] = st["sponsor_county"].astype("Int64")
        return st.sort_values(["returnees_referred", "station_id"],
                              ascending=[False, True]).reset_index(drop=True)

    def station_detail(self, station_id: int, f: Filter = Filter()) -> dict | None:
        """The station card: its register entry (masked) and what it achieved."""
        row = self._station_metrics(f, station_id)
        if row.empty:
            return None
        card = row.iloc[0].to_dict()
        people = self._scan(STATIONS, f, "s.head_name, s.head_mobile, s.honorary_head",
                            where="s.station_id = ?", params=[int(station_id)])
        card.update(mask_frame(people).iloc[0].to_dict())
        card["recent_activities"] = self._scan(
            FACTS["activities"], f, "a.held_on, a.kind, a.title, a.attendees, a.amount_yuan",
            where="a.station_id = ?", params=[int(station_id)],
            order_by="a.held_on DESC LIMIT 10")
        card["projects"] = self._scan(
            PROJECTS, f, "pr.name_zh, pr.county_code, pr.investment, pr.stage, pr.signed_on",
            where="pr.station_id = ?", params=[int(station_id)],
            order_by="pr.investment DESC LIMIT 10")
        cube = self._cube(RETURNEES, reg.Measure("count"), dims=["station", "county"])
        if cube is not None:
            card["counties_served"] = self._cube_frame(
                cube, f, f"c.county AS code, {cube.measure(reg.Measure('count'))} "
                "AS returnees", where="c.station = ?", params=[int(station_id)],
                group_by="code", order_by="returnees DESC")
        else:
            card["counties_served"] = self._scan(
                RETURNEES, f, "r.county_code AS code, count(*) AS returnees",
                where="r.station_id = ?", params=[int(station_id)], group_by="code",
                order_by="returnees DESC")
        return card
