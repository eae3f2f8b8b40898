"""Writing the synthetic snapshot: to a file of its own or into the data directory's store,
in one piece up to CHUNKED_ABOVE and, above it, the people a few scale units at a time."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd

from data.generate.common import AS_OF, DEFAULT_SEED, log, pause_point
from data.generate.generator import Generator
from data.store import Manifest, SnapshotStore
from data.writer import write_atomically

# Insertion order respects the foreign keys.
LOAD_ORDER = ("snapshot", "counties", "townships", "host_cities", "industries", "stations",
              "parks", "outside_people", "returnees", "entities", "projects", "activities")
PEOPLE_TABLES = ("outside_people", "returnees", "entities")
# Above this scale the people tables are generated and written a few scale units at a time,
# so memory stays bounded (scale 100, about 2,760万 returnees, in under 8 GB); up to it the
# whole snapshot is generated at once, exactly as it always was.
CHUNKED_ABOVE = 10
CHUNK_SCALE = 5
WRITE_MEMORY = "2GB"  # DuckDB's own memory while a chunked build writes (it spills beyond)
# … and while it sums the aggregates afterwards, when the generated slices are gone: at scale
# 100 the sums over 4,200万 people did not fit in 2 GB.
AGGREGATE_MEMORY = "5GB"


def write_tables(con: duckdb.DuckDBPyConnection, tables: dict[str, pd.DataFrame],
                 names: tuple[str, ...] = LOAD_ORDER) -> None:
    for name in names:
        frame = tables[name]
        con.register("incoming", frame)
        try:
            con.execute(f"INSERT INTO {name} BY NAME SELECT * FROM incoming")  # noqa: S608 (fixed table names)
        finally:
            con.unregister("incoming")
        pause_point(f"written:{name}")


def chunk_scales(scale: int) -> list[int]:
    """The scale of each slice of people a build generates in turn."""
    if scale <= CHUNKED_ABOVE:
        return [scale]
    whole, rest = divmod(scale, CHUNK_SCALE)
    return [CHUNK_SCALE] * whole + ([rest] if rest else [])


def snapshot_row(seed: int, scale: int) -> pd.DataFrame:
    built_at = datetime.now().replace(microsecond=0)
    return pd.DataFrame([{
        "snapshot_id": f"synthetic-{seed}-x{scale}-{built_at:%Y%m%d%H%M%S}",
        "built_at": built_at, "as_of": AS_OF, "source": "synthetic", "seed": seed,
        "scale": scale,
    }])


def prepare(seed: int, scale: int,
            started: float) -> tuple[pd.DataFrame, Callable[[duckdb.DuckDBPyConnection], None]]:
    """The snapshot's metadata row and the `fill` that writes every table.

    Up to CHUNKED_ABOVE the tables are generated here, in memory; above it `fill` generates
    the people in slices and writes each before making the next."""
    if scale <= CHUNKED_ABOVE:
        tables = Generator(seed, scale, started).run()

        def fill(con: duckdb.DuckDBPyConnection) -> None:
            write_tables(con, tables)
            log("written to DuckDB", started)

        return tables["snapshot"], fill
    meta = snapshot_row(seed, scale)
    return meta, lambda con: write_in_chunks(con, seed, scale, started, meta)


def write_in_chunks(con: duckdb.DuckDBPyConnection, seed: int, scale: int, started: float,
                    meta: pd.DataFrame) -> None:
    """Generate and write a large snapshot slice by slice: stations and parks once, then
    people, their returns and businesses CHUNK_SCALE units at a time (ids continued from
    the slice before), then projects and events at full scale."""
    con.execute(f"SET memory_limit = '{WRITE_MEMORY}'")
    gen = Generator(seed, scale, started)
    gen.reference_tables()
    gen.stations()
    gen.parks()
    gen.tables["snapshot"] = meta
    write_tables(con, gen.tables, LOAD_ORDER[:LOAD_ORDER.index("outside_people")])
    tenants = gen.park_tenants
    city_wide = tenants["name_zh"] == "菏泽市返乡创业孵化基地"
    done = dict.fromkeys(PEOPLE_TABLES, 0)
    donor_pool = None
    parts = chunk_scales(scale)
    for i, part in enumerate(parts):
        gen.scale = part
        if i:  # the city's incubation base has its 53 named tenants once, not per slice
            tenants.loc[city_wide, "tenants"] = 0
        gen.returnees()
        gen.outside_people()
        gen.entities()
        ret, people, ent = (gen.tables[name] for name in
                            ("returnees", "outside_people", "entities"))
        ret["returnee_id"] += done["returnees"]
        ret["outside_person_id"] += done["outside_people"]
        people["person_id"] += done["outside_people"]
        ent["entity_id"] += done["entities"]
        ent["returnee_id"] += done["returnees"]
        write_tables(con, gen.tables, PEOPLE_TABLES)
        if donor_pool is None:  # the COVID donors are drawn from the first slice's firms
            donor_pool = ent[["entity_id", "entity_type", "founded_on"]].copy()
        for name in PEOPLE_TABLES:
            done[name] += len(gen.tables.pop(name))
        gen.returned_days = gen.birth_days = None
        log(f"people slice {i + 1}/{len(parts)} written: {done['returnees']:,} returnees so far",
            started)
    gen.scale = scale
    gen.tables["entities"] = donor_pool
    gen.projects()
    gen.activities()
    write_tables(con, gen.tables, ("projects", "activities"))
    con.execute(f"SET memory_limit = '{AGGREGATE_MEMORY}'")
    log("written to DuckDB", started)


def build_snapshot(out: Path, seed: int = DEFAULT_SEED, scale: int = 1) -> None:
    started = time.monotonic()
    _meta, fill = prepare(seed, scale, started)
    write_atomically(out, fill)
    log(f"snapshot ready: {out.name}", started)


def build_into_store(store_dir: Path, seed: int = DEFAULT_SEED, scale: int = 1,
                     force: bool = False) -> str | None:
    """Build the demo snapshot into the store and serve it, unless an imported snapshot is
    served (real data is never replaced by the demo; `force` does it anyway). Returns the
    new id, or None when nothing was done."""
    store = SnapshotStore(store_dir)
    served_id = store.current_id()
    if served_id is not None and not force:
        try:
            served_source = store.manifest(served_id).source
        except Exception:  # noqa: BLE001 - no readable manifest: treat as real data
            served_source = "imported"
        if served_source != "synthetic":
            print(f"当前服务的是导入数据（{served_id}），演示快照未生成 / imported data is served "
                  f"({served_id}); demo snapshot not built", file=sys.stderr)
            return None
    started = time.monotonic()
    meta_row, fill = prepare(seed, scale, started)
    meta = meta_row.iloc[0]
    snap_id = str(meta["snapshot_id"])
    store.build(snap_id, fill, Manifest(
        snapshot_id=snap_id, as_of=str(meta["as_of"]), source="synthetic",
        built_at=pd.Timestamp(meta["built_at"]).isoformat(), mode="demo",
        note=f"seed {seed}, scale {scale}"))
    store.promote(snap_id, by="python -m data.generate --store")
    log(f"snapshot ready and served: {snap_id}", started)
    return snap_id
