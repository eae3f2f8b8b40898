"""What the map draws (`Analytics.station_points`, `station_arcs`, `people_by_city`)."""

from __future__ import annotations

import pandas as pd

from analytics.scan import ROWS, Scan
from model import indicators as reg
from model.facts import OUTSIDE_PEOPLE, PROJECTS, RETURNEES
from model.filters import Filter


class MapData(Scan):
    """What the map draws: station points, arcs home, people by host city."""

    def station_points(self, f: Filter = Filter()) -> pd.DataFrame:
        return self.station_ranking(f)

    def station_arcs(self, f: Filter = Filter()) -> pd.DataFrame:
        """From each station to the Heze counties its returnees and projects went to."""
        rows = reg.Measure("count")
        cube = self._cube(RETURNEES, rows, dims=["station", "county"])
        if cube is not None:
            ret = self._cube_frame(cube, f, "c.station AS station_id, c.county AS county_code, "
                                   f"{cube.measure(rows)} AS returnees",
                                   where="c.station IS NOT NULL",
                                   group_by="station_id, county_code")
        else:
            ret = self._scan(RETURNEES, f, "r.station_id, r.county_code, count(*) AS returnees",
                             where="r.station_id IS NOT NULL",
                             group_by="r.station_id, r.county_code")
        pro = self._scan(PROJECTS, f, "pr.station_id, pr.county_code, count(*) AS projects, "
                         "COALESCE(sum(pr.investment), 0)::BIGINT AS investment",
                         where="pr.station_id IS NOT NULL",
                         group_by="pr.station_id, pr.county_code")
        arcs = ret.merge(pro, on=["station_id", "county_code"], how="outer")
        arcs[["returnees", "projects", "investment"]] = (
            arcs[["returnees", "projects", "investment"]].fillna(0).astype("int64"))
        stations = self._frame("SELECT station_id, name_zh AS station_zh, level, lon AS "
                               "source_lon, lat AS source_lat FROM stations")
        counties = self._reference["counties"][["county_code", "name_zh", "lon", "lat"]]
        counties = counties.set_axis(["county_code", "county_zh", "target_lon", "target_lat"],
                                     axis=1)
        arcs = arcs.merge(stations, on="station_id").merge(counties, on="county_code")
        return arcs.sort_values(["returnees", "station_id"], ascending=[False, True],
                                ignore_index=True)

    def people_by_city(self, f: Filter = Filter()) -> pd.DataFrame:
        df = self._rows_by(OUTSIDE_PEOPLE, f, "city", "city_code", {"people": ROWS})
        cities = self._reference["host_cities"][["city_code", "name_zh", "name_en",
                                                 "province_zh", "lon", "lat"]]
        return cities.merge(df, on="city_code").sort_values("people", ascending=False,
                                                            ignore_index=True)
