"""The stations of the synthetic snapshot (37 city-level, 209 county-level, placed on land near
their host city) and the parks; and the lookups the other parts use to pick a station that
was open on a given day."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from data import geography, identity, reference
from data.generate.common import AS_OF, Basis, days, log, pause_point, split_total, to_dates

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


class Stations(Basis):
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
