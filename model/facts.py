"""The fact tables and the columns through which each one is filtered and broken down.

Every query reads a fact through `Fact.source`, so a filter — and a county scope — is
applied in exactly one way. A dimension a table does not carry is None: a filter on it is
not applied to that table (the glossary says so), except a county scope, which then hides
every row, since a row that belongs to no county cannot be shown to county staff.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Fact:
    name: str
    source: str  # FROM clause: the table and the joins that carry its dimensions
    date: str | None
    county: str | None
    industry: str | None
    level: str | None  # station level of the station the row belongs to
    province: str | None  # host province of that station or city
    station: str | None
    tables: tuple[str, ...]
    dims: dict[str, str]  # extra breakdown dimensions: name -> SQL expression


STATIONS = Fact(
    name="stations",
    source="stations s JOIN host_cities hc ON hc.city_code = s.host_city",
    date="s.opened_on",
    county="s.sponsor_county",
    industry=None,
    level="s.level",
    province="hc.province_code",
    station="s.station_id",
    tables=("stations", "host_cities"),
    dims={"level": "s.level", "city": "s.host_city", "status": "s.status"},
)

OUTSIDE_PEOPLE = Fact(
    name="outside_people",
    source=(
        "outside_people p JOIN host_cities hc ON hc.city_code = p.host_city "
        "LEFT JOIN stations s ON s.station_id = p.station_id"
    ),
    date="p.registered_on",
    county="p.home_county",
    industry="p.industry_code",
    level="s.level",
    province="hc.province_code",
    station="p.station_id",
    tables=("outside_people", "host_cities", "stations"),
    dims={"city": "p.host_city", "identity": "p.identity",
          "intention": "p.return_intention", "level": "s.level"},
)

RETURNEES = Fact(
    name="returnees",
    source=(
        "returnees r JOIN host_cities hc ON hc.city_code = r.from_city "
        "LEFT JOIN stations s ON s.station_id = r.station_id"
    ),
    date="r.returned_on",
    county="r.county_code",
    industry="r.industry_code",
    level="s.level",
    province="hc.province_code",
    station="r.station_id",
    tables=("returnees", "host_cities", "stations"),
    dims={"city": "r.from_city", "group": "r.person_group", "outcome": "r.outcome",
          "support": "r.support", "level": "s.level"},
)

ENTITIES = Fact(
    name="entities",
    source=(
        "entities e JOIN returnees r ON r.returnee_id = e.returnee_id "
        "JOIN host_cities hc ON hc.city_code = r.from_city "
        "LEFT JOIN stations s ON s.station_id = r.station_id"
    ),
    date="e.founded_on",
    county="e.county_code",
    industry="e.industry_code",
    level="s.level",
    province="hc.province_code",
    station="r.station_id",
    tables=("entities", "returnees", "host_cities", "stations"),
    dims={"type": "e.entity_type", "park": "e.park_id", "level": "s.level"},
)

PROJECTS = Fact(
    name="projects",
    source=(
        "projects pr LEFT JOIN stations s ON s.station_id = pr.station_id "
        "LEFT JOIN host_cities hc ON hc.city_code = s.host_city"
    ),
    date="COALESCE(pr.landed_on, pr.signed_on)",
    county="pr.county_code",
    industry="pr.industry_code",
    level="s.level",
    province="hc.province_code",
    station="pr.station_id",
    tables=("projects", "stations", "host_cities"),
    dims={"stage": "pr.stage", "park": "pr.park_id", "level": "s.level"},
)

PARKS = Fact(
    name="parks",
    source="parks pk",
    date="pk.opened_on",
    county="pk.county_code",
    industry=None,
    level=None,
    province=None,
    station=None,
    tables=("parks",),
    dims={"kind": "pk.kind", "status": "pk.status"},
)

ACTIVITIES = Fact(
    name="activities",
    source=(
        "activities a LEFT JOIN stations s ON s.station_id = a.station_id "
        "LEFT JOIN host_cities hc ON hc.city_code = s.host_city "
        "LEFT JOIN entities e ON e.entity_id = a.entity_id"
    ),
    date="a.held_on",
    county="COALESCE(s.sponsor_county, e.county_code)",
    industry=None,
    level="s.level",
    province="hc.province_code",
    station="a.station_id",
    tables=("activities", "stations", "host_cities", "entities"),
    dims={"kind": "a.kind", "level": "s.level"},
)

FACTS = {f.name: f for f in (STATIONS, OUTSIDE_PEOPLE, RETURNEES, ENTITIES, PROJECTS, PARKS,
                             ACTIVITIES)}
