"""A large snapshot is generated and written slice by slice (data.generate.build.write_in_chunks):
the slices join into one snapshot whose ids run on, whose links hold and whose totals are
the scale's, with its aggregates. Scale 2 in two slices stands in for scale 100 in twenty."""

from __future__ import annotations

import duckdb
import pytest

import data.generate.build as gen
from analytics.queries import Analytics
from data import aggregates

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def sliced(tmp_path_factory):
    path = tmp_path_factory.mktemp("sliced") / "scale2.duckdb"
    patch = pytest.MonkeyPatch()
    patch.setattr(gen, "CHUNKED_ABOVE", 1)
    patch.setattr(gen, "CHUNK_SCALE", 1)
    try:
        assert gen.chunk_scales(2) == [1, 1]
        gen.build_snapshot(path, scale=2)
    finally:
        patch.undo()
    con = duckdb.connect(str(path), read_only=True)
    yield con
    con.close()


def one(con, sql):
    return con.execute(sql).fetchone()


def test_ids_run_on_from_one_slice_to_the_next(sliced):
    assert one(sliced, "SELECT count(*), count(DISTINCT returnee_id), min(returnee_id), "
                       "max(returnee_id) FROM returnees") == (552_000, 552_000, 1, 552_000)
    assert one(sliced, "SELECT count(*), max(person_id) FROM outside_people") == (840_000,
                                                                                  840_000)
    assert one(sliced, "SELECT count(*), max(entity_id) FROM entities") == (208_000, 208_000)


def test_every_link_points_into_its_own_slice_and_holds(sliced):
    # A business's founder founded a business; a linked person registered in the same county.
    assert one(sliced, "SELECT count(*) FROM entities e JOIN returnees r USING (returnee_id) "
                       "WHERE r.outcome <> 'business' OR r.county_code <> e.county_code") == (0,)
    assert one(sliced, "SELECT count(*) FROM returnees r JOIN outside_people p "
                       "ON p.person_id = r.outside_person_id "
                       "WHERE p.home_county <> r.county_code OR p.registered_on > r.returned_on"
               ) == (0,)


def test_the_totals_are_twice_the_published_ones(sliced):
    a = Analytics(sliced)
    values = a.values(["returnees", "entities", "jobs", "big_projects", "big_investment"])
    assert values["returnees"].value == 2 * 276_000
    assert values["entities"].value == 2 * 104_000
    assert values["jobs"].value == 2 * 503_000
    assert values["big_projects"].value == 2 * 201
    assert values["big_investment"].value == 2 * 5_415_800


def test_the_city_incubation_base_keeps_its_53_tenants_once(sliced):
    assert one(sliced, "SELECT count(*) FROM entities e JOIN parks p USING (park_id) "
                       "WHERE p.name_zh = '菏泽市返乡创业孵化基地'") == (53,)


def test_a_sliced_snapshot_carries_its_aggregates(sliced):
    assert set(aggregates.available(sliced)) == set(aggregates.CUBED)
